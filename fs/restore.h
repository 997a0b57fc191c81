/*
 * restore.h - the restore/ directory of a graph and the imports it runs.
 *
 * restore/ is a tree of entries kept in memory per graph (restore.c).  A
 * file's bytes go to an unlinked spool file in spool_dir; when the file is
 * complete (closed under a final name, or renamed onto one) it is imported
 * (import.c): recognised, checked whole, then posted through the create
 * APIs.  The close() (flush) or rename() that completed it returns the
 * result.  Names starting with '.' are temporaries (rsync's .NAME.XXXXXX)
 * and are never imported under that name.
 *
 * Entries stay listed after their import, with the mode and mtime they were
 * given, as empty files: their bytes are not kept (they are on the server)
 * once the last handle on them is closed.  Until then the spool stays, so
 * that writers sharing a descriptor (a shell loop redirected into a file)
 * can go on writing, and the last close imports the whole file again.
 * So a backup of the graph directory copies them as empty files (which a
 * restore of that backup ignores), and a second rsync -a sends them again
 * (safe: creates are upserts).  Only files whose bytes are still spooled
 * (being written, pending) show their size and can be read back.
 *
 * Locks: the entries and their fields are under the graph's lock, held
 * briefly; imports of one graph run one at a time under its import lock,
 * which is held across network I/O and blocks nothing but other imports.
 */
#ifndef HGFS_RESTORE_H
#define HGFS_RESTORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "hgfs.h"
#include "record.h"

typedef enum {
	HGFS_RS_EMPTY,     /* created, nothing written yet */
	HGFS_RS_WRITING,   /* bytes arriving */
	HGFS_RS_PENDING,   /* complete, waiting for schema the server lacks */
	HGFS_RS_IMPORTING,
	HGFS_RS_IMPORTED,
	HGFS_RS_FAILED,
	HGFS_RS_SKIPPED,   /* a backup's copy of the mode file or restore.status */
} hgfs_rs_state;

typedef struct hgfs_rentry {
	struct hgfs_rentry *next;
	char *path;            /* below restore/: "vertices.jsonl", "set1/edges.jsonl" */
	bool is_dir;
	mode_t mode;
	struct timespec mtime;
	off_t size;            /* as written */
	int fd;                /* spool, -1 when none */
	int refs;              /* open handles, and imports under way */
	int writers;           /* handles open for writing: the bytes may still change */
	uint64_t tried_round;  /* the last round of pending imports that tried it */
	bool detached;         /* unlinked while open: freed on the last release */
	bool dirty;            /* written since the last import */
	int result;            /* -errno of the last import, 0 */
	int write_err;         /* -errno of a failed spool write: the file is incomplete */
	hgfs_rs_state state;
	hgfs_kind kind;
	uint64_t done, total;
	struct timespec posting_since; /* monotonic: when done last started from 0 (rate, eta) */
	char *detail;          /* why it failed or waits; NULL */
	/* what the import measured, for a manifest arriving later */
	bool measured;
	off_t m_size;
	char m_sha256[65];
	int64_t m_count[HG_SCHEMA__COUNT + 2]; /* schema types, then vertices, edges; -1 unknown */
	hgfs_manifest *manifest; /* a manifest entry's content, once imported */
} hgfs_rentry;

#define HGFS_COUNT_VERTICES HG_SCHEMA__COUNT
#define HGFS_COUNT_EDGES (HG_SCHEMA__COUNT + 1)

typedef struct hgfs_restore {
	hgfs_rentry *head, *tail; /* in creation order: restore.status lists them so */
	pthread_mutex_t import_lock;
	char *refused;            /* the last refusal because of the mode, NULL */
	long batch_max;           /* learnt from the server; starts at HGFS_BATCH_MAX */
	uint64_t pending_round;   /* rounds of pending imports (after schema imports) */
	uint64_t status_hash;     /* of restore.status's text when last rendered */
	struct timespec status_mtime; /* when that text last changed */
} hgfs_restore;

#define HGFS_BATCH_MAX 500

/* ---- the tree (restore.c); rest is the path below restore/ ("" for it) ---- */

typedef struct hgfs_rstat {
	bool is_dir;
	mode_t mode;
	off_t size;
	struct timespec mtime;
} hgfs_rstat;

int hgfs_rs_stat(hgfs_graph *g, const char *rest, hgfs_rstat *out);
/* The size shown for e: its spooled bytes, or 0 once they are gone. */
off_t hgfs_rs_shown_size(const hgfs_rentry *e);
/* The names directly below directory rest; free with hg_strv_free. */
int hgfs_rs_list(hgfs_graph *g, const char *rest, char ***out);
int hgfs_rs_mkdir(hgfs *fs, hgfs_graph *g, const char *rest, mode_t mode);
/* Opens (creates when create) file rest; flags as open(2).  Reading works
 * only while the bytes are still spooled. */
int hgfs_rs_open(hgfs *fs, hgfs_graph *g, const char *rest, int flags, bool create, mode_t mode,
		 hgfs_rentry **out);
int hgfs_rs_write(hgfs_graph *g, hgfs_rentry *e, const char *buf, size_t size, off_t off);
int hgfs_rs_read(hgfs_graph *g, hgfs_rentry *e, char *buf, size_t size, off_t off);
/* Runs the import when the file was written under a final name. */
int hgfs_rs_flush(hgfs *fs, hgfs_graph *g, hgfs_rentry *e);
/* writer: the handle was open for writing. */
void hgfs_rs_release(hgfs_graph *g, hgfs_rentry *e, bool writer);
int hgfs_rs_truncate(hgfs_graph *g, const char *rest, hgfs_rentry *e, off_t size);
/* mode < 0: unchanged; mtime NULL: unchanged. */
int hgfs_rs_setattr(hgfs_graph *g, const char *rest, int mode, const struct timespec *mtime);
int hgfs_rs_unlink(hgfs_graph *g, const char *rest);
int hgfs_rs_rmdir(hgfs_graph *g, const char *rest);
int hgfs_rs_rename(hgfs *fs, hgfs_graph *g, const char *from, const char *to, unsigned int flags);
/* restore.status as text (malloc'd), and the time its text last changed
 * ({0,0} before anything happened): stable while nothing changes, so that
 * tar does not see a file that "changed as we read it". */
int hgfs_rs_status(hgfs_graph *g, char **text, size_t *len, struct timespec *mtime);
/* Whether restore/ is finished, before NONE is written to the mode file:
 * -EBUSY, with why (and the refusal in restore.status), while a file is
 * being written, importing or pending, or a manifest lists a file of its
 * set that has not been imported; else 0. */
int hgfs_rs_unfinished(hgfs_graph *g, char *why, size_t len);

/* At unmount: logs every file whose bytes were not imported, then frees. */
void hgfs_rs_free(hgfs_restore *r, const char *graph);

/* ---- imports (import.c) -------------------------------------------------- */

/* What a set's manifest says, for checking a file against it. */
typedef struct hgfs_import_ctx {
	const hgfs_manifest *manifest; /* of the entry's directory, or NULL */
} hgfs_import_ctx;

/* Imports entry e of graph g (import lock held, e->state IMPORTING, e->fd
 * valid).  Sets e->state (IMPORTED, PENDING or FAILED), done/total, detail
 * and the measured fields under the graph's lock.  Returns 0 (imported or
 * pending) or -errno.  For a manifest, *manifest_out gets the parsed
 * manifest (malloc'd) for the caller to check the set with. */
int hgfs_import(hgfs *fs, hgfs_graph *g, hgfs_rentry *e, const hgfs_import_ctx *ctx,
		hgfs_manifest **manifest_out);

/* Checks measured entry e against manifest m; returns 0 or writes why not
 * into why and returns -EINVAL.  Entries that were not measured pass. */
int hgfs_manifest_check(const hgfs_manifest *m, const hgfs_rentry *e, char *why, size_t len);

#endif
