/*
 * restore.h - the restore/ directory of a graph and the imports it runs.
 *
 * restore/ is a tree of entries kept in memory per graph (restore.c).  A
 * file's bytes go to a named spool file in the mount's own directory below
 * spool_dir (hugegraphfs-restore.PID.XXXXXX, removed at unmount, and by
 * the next mount when the daemon was killed), opened only while a handle
 * or an import uses it: a pending file holds no descriptor.  The byte
 * ranges written are tracked (ranges.h); a file is complete when they
 * cover it from 0 to its size (and, when its set's manifest lists it, that
 * size is the manifest's).  A complete file under a final name is imported
 * (backup/import.c) at the close() (flush) or rename() that completed it, which
 * returns the result: recognised, checked whole, then posted through the
 * create APIs.  A close that leaves a hole (after fallocate, a seek, a
 * copy still in progress) makes the file "incomplete": kept, not imported,
 * close() returns 0.  Names starting with '.' are temporaries (rsync's
 * .NAME.XXXXXX) and are never imported under that name.
 *
 * Imported (and skipped) files keep their bytes, size, mode and mtime
 * until they are removed or the mount ends, so that tools reading them
 * back (rclone, restic) see what they wrote, and a second rsync -a sends
 * nothing.  Writing again into one imports it again (creates are upserts).
 * Failed files lose their bytes at their last close (shown empty), so that
 * a copy run again sends them again.
 *
 * Locks: the entries and their fields are under the owner's lock (cfg.lock), held
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

#include "hgclient.h"
#include "import.h"
#include "ranges.h"
#include "record.h"

typedef struct hgfs_rentry {
	struct hgfs_rentry *next;
	char *path;            /* below restore/: "vertices.jsonl", "set1/edges.jsonl" */
	bool is_dir;
	mode_t mode;
	struct timespec mtime;
	off_t size;            /* as written (or fallocated, truncated) */
	char *spool;           /* the spool file's path, NULL when none */
	int fd;                /* the spool, open while refs > 0; else -1 */
	hgfs_ranges written;   /* the byte ranges written */
	int refs;              /* open handles, and imports under way */
	int writers;           /* handles open for writing: the bytes may still change */
	uint64_t tried_round;  /* the last round of pending imports that tried it */
	bool detached;         /* unlinked while open: freed on the last release */
	bool dirty;            /* written since the last import */
	int result;            /* -errno of the last import, 0 */
	int write_err;         /* -errno of a failed spool write: the file is incomplete */
	hgfs_import_status st; /* its state, progress, reason and measure (backup/import.h) */
	hgfs_manifest *manifest; /* a manifest entry's content, once imported */
	unsigned removed_done;   /* a manifest entry: kinds (bits) of its set that were
				    complete, then removed (rm frees the bytes, undoes nothing) */
} hgfs_rentry;

/* What a graph's restore set needs from its owner, fixed at creation. */
typedef struct hgfs_restore_cfg {
	hg_client *client;
	const char *graph;     /* its name: requests, messages, the mode file named in refusals */
	const char *spool_dir; /* the mount's spool directory (hgfs_rs_spool_init); NULL: creates fail (EIO) */
	uint64_t *spool_seq;   /* names the files in it, shared by the mount's sets (atomic) */
	long parallel, max_record_mib, timeout; /* for imports (import.h) */
	bool gzip;
	pthread_mutex_t *lock; /* the owner's lock: guards the entries; held briefly, never across I/O */
	void (*changed)(void *ctx); /* an import may have changed the graph */
	void *changed_ctx;
} hgfs_restore_cfg;

typedef struct hgfs_restore {
	hgfs_restore_cfg cfg;
	hgfs_rentry *head, *tail; /* in creation order: restore.status lists them so */
	pthread_mutex_t import_lock;
	char *refused;            /* the last refusal because of the mode, NULL */
	long batch_max;           /* learnt from the server; starts at HGFS_BATCH_MAX */
	uint64_t pending_round;   /* rounds of pending imports (after schema imports) */
	uint64_t status_hash;     /* of restore.status's text when last rendered */
	struct timespec status_mtime; /* when that text last changed */
} hgfs_restore;

/* ---- the tree (restore.c); rest is the path below restore/ ("" for it) ---- */

typedef struct hgfs_rstat {
	bool is_dir;
	mode_t mode;
	off_t size;
	struct timespec mtime;
} hgfs_rstat;

/* A graph's empty restore set; NULL when out of memory.  hgfs_rs_free
 * frees it. */
hgfs_restore *hgfs_rs_new(const hgfs_restore_cfg *cfg);
/* true once anything was created in it or refused: its directory and
 * status are then served without asking the server (takes the lock). */
bool hgfs_rs_active(hgfs_restore *r);

int hgfs_rs_stat(hgfs_restore *r, const char *rest, hgfs_rstat *out);
/* The spool directory of a mount, created in spool_dir after removing
 * those of daemons that are gone: *out its path (malloc'd); 0 or -errno.
 * hgfs_rs_spool_end removes it and frees path (after hgfs_rs_free of every
 * set). */
int hgfs_rs_spool_init(const char *spool_dir, char **out);
void hgfs_rs_spool_end(char *path);
/* The size shown for e: its spooled bytes, or 0 once they are gone. */
off_t hgfs_rs_shown_size(const hgfs_rentry *e);
/* The names directly below directory rest; free with hg_strv_free. */
int hgfs_rs_list(hgfs_restore *r, const char *rest, char ***out);
int hgfs_rs_mkdir(hgfs_restore *r, const char *rest, mode_t mode);
/* Opens (creates when create) file rest; flags as open(2).  Reading works
 * only while the bytes are still spooled. */
int hgfs_rs_open(hgfs_restore *r, const char *rest, int flags, bool create, mode_t mode,
		 hgfs_rentry **out);
int hgfs_rs_write(hgfs_restore *r, hgfs_rentry *e, const char *buf, size_t size, off_t off);
int hgfs_rs_read(hgfs_restore *r, hgfs_rentry *e, char *buf, size_t size, off_t off);
/* Runs the import when the file was written under a final name. */
int hgfs_rs_flush(hgfs_restore *r, hgfs_rentry *e);
/* writer: the handle was open for writing. */
void hgfs_rs_release(hgfs_restore *r, hgfs_rentry *e, bool writer);
int hgfs_rs_truncate(hgfs_restore *r, const char *rest, hgfs_rentry *e, off_t size);
/* fallocate(2) through an open handle: mode 0 or FALLOC_FL_KEEP_SIZE;
 * extends the size without marking bytes written. */
int hgfs_rs_fallocate(hgfs_restore *r, hgfs_rentry *e, int mode, off_t off, off_t len);
/* mode < 0: unchanged; mtime NULL: unchanged. */
int hgfs_rs_setattr(hgfs_restore *r, const char *rest, int mode, const struct timespec *mtime);
int hgfs_rs_unlink(hgfs_restore *r, const char *rest);
int hgfs_rs_rmdir(hgfs_restore *r, const char *rest);
int hgfs_rs_rename(hgfs_restore *r, const char *from, const char *to, unsigned int flags);
/* restore.status as text (malloc'd), and the time its text last changed
 * ({0,0} before anything happened): stable while nothing changes, so that
 * tar does not see a file that "changed as we read it". */
int hgfs_rs_status(hgfs_restore *r, char **text, size_t *len, struct timespec *mtime);
/* Whether restore/ is finished, before NONE is written to the mode file:
 * -EBUSY, with why (and the refusal in restore.status), while a file is
 * being written, incomplete, importing or pending, or a manifest lists a file of its
 * set that has not been imported; else 0. */
int hgfs_rs_unfinished(hgfs_restore *r, char *why, size_t len);

/* At unmount: logs every file whose bytes were not imported, then frees. */
void hgfs_rs_free(hgfs_restore *r, const char *graph);

#endif
