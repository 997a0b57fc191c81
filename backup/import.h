/*
 * import.h - one complete file of a backup set onto the server: recognised
 * (by name, else by content), measured, checked whole, then posted through
 * the create APIs (import.c).
 *
 * No FUSE and no daemon state: the caller gives a client, the file's spool
 * descriptor and size, the set's manifest when it has one, and a status
 * record with the lock that guards it; the import writes its state,
 * progress, reason and measure there as it goes, so that a status file can
 * show them while it runs.  The caller decides when a file is complete
 * and what to do with a pending one (fs/restore.c).
 */
#ifndef HGFS_IMPORT_H
#define HGFS_IMPORT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "hgclient.h"
#include "record.h"

/* The life of a file of restore/: the states before IMPORTING are the
 * caller's, the import ends in IMPORTED, PENDING, FAILED or SKIPPED. */
typedef enum {
	HGFS_RS_EMPTY,     /* created, nothing written yet */
	HGFS_RS_WRITING,   /* bytes arriving */
	HGFS_RS_PENDING,   /* complete, waiting for schema the server lacks */
	HGFS_RS_IMPORTING,
	HGFS_RS_IMPORTED,
	HGFS_RS_FAILED,
	HGFS_RS_SKIPPED,   /* a backup's copy of the mode file or restore.status */
	HGFS_RS_INCOMPLETE, /* closed with a byte range never written: kept, waiting */
} hgfs_rs_state;

#define HGFS_COUNT_VERTICES HG_SCHEMA__COUNT
#define HGFS_COUNT_EDGES (HG_SCHEMA__COUNT + 1)

/* A file's import as its status file shows it (under the caller's lock). */
typedef struct hgfs_import_status {
	hgfs_rs_state state;
	hgfs_kind kind;
	uint64_t done, total;
	struct timespec posting_since; /* monotonic: when done last started from 0 (rate, eta) */
	char *detail;          /* why it failed or waits; NULL (malloc'd) */
	/* what the import measured, for a manifest arriving later */
	bool measured;
	off_t m_size;
	char m_sha256[65];
	int64_t m_count[HG_SCHEMA__COUNT + 2]; /* schema types, then vertices, edges; -1 unknown */
	/* a file that arrived gzip or zstd compressed (m_size, m_sha256 are
	 * then its plain content's): its form (hgfs_cz), size and hash */
	int m_packed;
	off_t m_packed_size;
	char m_packed_sha256[65];
} hgfs_import_status;

#define HGFS_BATCH_MAX 500 /* elements a batch create carries until the server says fewer */

typedef struct hgfs_import_job {
	hg_client *client;
	const char *graph;
	const char *path;  /* the file's name in its set ("vertices.jsonl", "set1/edges.jsonl") */
	int fd;            /* its bytes, read with pread */
	off_t size;
	const hgfs_manifest *manifest; /* of its set, or NULL */
	long parallel;       /* checkers and posters at once, 1..HGFS_MAX_PARALLEL */
	long max_record_mib; /* the longest line taken */
	long timeout;        /* seconds a schema task may take */
	bool gzip;           /* batches sent gzip-compressed */
	const char *spool_dir; /* where a compressed file is decompressed to (unlinked); NULL: $TMPDIR, /var/tmp */
	long *batch_max;     /* learnt from the server, shared by a graph's imports (atomic) */
	pthread_mutex_t *lock;   /* guards *st */
	hgfs_import_status *st;  /* written as the import goes */
} hgfs_import_job;

/* Imports the file of job j.  A file starting with the gzip or zstd magic
 * is decompressed into an unlinked spool file first (streaming, bounded
 * memory; corrupt data fails with EINVAL), whatever its name; its kind is
 * the name's without .gz/.zst, else its plain content's.  Sets j->st (kind; then IMPORTED, PENDING,
 * FAILED or SKIPPED; done/total, detail, the measure) under j->lock.
 * Returns 0 (imported, skipped or pending) or -errno: EINVAL, EACCES,
 * EPERM, ENOSPC, ENOMEM, EFBIG, else EIO.  For a manifest, *manifest_out
 * gets the parsed manifest (malloc'd) for the caller to check the set with.
 * A schema, variables, vertex or edge file may have changed the graph
 * whatever the result. */
int hgfs_import(const hgfs_import_job *j, hgfs_manifest **manifest_out);

/* Checks measured status st against manifest m; returns 0 or writes why
 * not into why and returns -EINVAL.  A status not measured passes.  A
 * plain listing is compared with the plain content (whatever form the file
 * came in); a compressed one (vertices.jsonl.gz) with the compressed file,
 * else with its plain_size and plain_sha256. */
int hgfs_manifest_check(const hgfs_manifest *m, const hgfs_import_status *st, char *why, size_t len);

#endif
