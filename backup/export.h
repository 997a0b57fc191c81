/*
 * export.h - one graph into a backup set: the snapshot files exported
 * through the REST API into unlinked spool files, with their sizes, hashes
 * and the consistency verdict in manifest.json (export.c), and the
 * progress of an export as it goes (progress.c).
 *
 * No FUSE and no daemon state: the caller gives a client, a spool
 * directory and the knobs; the result is a set of descriptors.  What a
 * snapshot's lifetime is (reuse, expiry, mtimes across remounts) is the
 * daemon's business (fs/).
 */
#ifndef HGFS_EXPORT_H
#define HGFS_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "compress.h"
#include "hgclient.h"
#include "select.h"

/* The files of a backup set, in the order an export writes them. */
typedef enum {
	HGFS_F_SCHEMA,
	HGFS_F_VERTICES,
	HGFS_F_EDGES,
	HGFS_F_VARIABLES,
	HGFS_F_MANIFEST,
	HGFS_F__COUNT
} hgfs_snapfile;

/* Their file names, in hgfs_snapfile order. */
extern const char *const hgfs_snapfile_names[HGFS_F__COUNT];
/* The name of file f in a set compressed with cz: "vertices.jsonl.gz";
 * manifest.json stays plain. */
const char *hgfs_snapfile_name(hgfs_snapfile f, hgfs_cz cz);

/* An exported set: one read-only spool descriptor per file. */
typedef struct hgfs_snapset {
	int fd[HGFS_F__COUNT];
	off_t size[HGFS_F__COUNT];
	char sha[HGFS_F__COUNT][65];
	/* each file's mtime: the export's, until the daemon keeps an older
	 * one for bytes that did not change */
	struct timespec mtime[HGFS_F__COUNT];
	struct timespec taken; /* when the export started (manifest's snapshot_time) */
} hgfs_snapset;

/* the most requests an export or an import runs at once (-o parallel) */
#define HGFS_MAX_PARALLEL 64

typedef struct hgfs_export_opts {
	hg_client *client;
	const char *spool_dir; /* where the spool files go (unlinked) */
	long split_size;       /* bytes per shard asked of the server */
	long page_limit;       /* elements per page of a paged scan */
	long parallel;         /* shards scanned at once, 1..HGFS_MAX_PARALLEL */
	long export_retries;   /* exports run again when the checks see a change */
	const hgfs_names *labels; /* -o labels=: a selective backup (select.h); NULL: everything */
	hgfs_cz compress;      /* the files (not manifest.json) in this form (compress.h) */
	const char *note_dir;  /* where a read mode set for OLAP values is noted (modenote.h); NULL: nowhere */
} hgfs_export_opts;

/* What an export has done so far, for export.status and the log
 * (progress.c).  The counters are written by the export with relaxed
 * atomics and read at any time; the rest is under the caller's lock. */
typedef struct hgfs_progress {
	int file; /* the hgfs_snapfile being written, -1: none yet */
	uint64_t elems[HGFS_F__COUNT];
	uint64_t bytes[HGFS_F__COUNT];
	uint64_t shards[HGFS_F__COUNT];      /* 0: not known (yet) */
	uint64_t shards_done[HGFS_F__COUNT];
	long file_start_ms[HGFS_F__COUNT];   /* monotonic, 0: not started */
	long start_ms;                       /* monotonic */
	long last_log_ms;                    /* of the last progress log line */
	/* under the caller's lock */
	bool running;
	time_t started; /* wall clock */
	bool have_last;
	int last_rc;
	time_t last_end;
	struct timespec last_end_ts; /* wall clock, the mtime of export.status while idle */
	double last_secs;
	uint64_t last_elems[HGFS_F__COUNT];
	uint64_t last_bytes[HGFS_F__COUNT];
} hgfs_progress;

#define HGFS_PROGRESS_LOG_MS 5000 /* a progress log line at most this often */

/* ---- export (export.c) ------------------------------------------------- */

/* An unlinked file in dir: O_TMPFILE, or mkstemp and unlink where the file
 * system lacks it.  Returns the descriptor or -errno. */
int hgfs_tmpfile(const char *dir);
/* Writes all of p at off; 0 or -errno. */
int hgfs_pwrite_all(int fd, const char *p, size_t len, off_t off);

/* Exports graph into *out: runs the whole export into spool files, again
 * (up to o->export_retries times) while the checks see the graph change.
 * Blocks for as long as the export takes; holds no lock; the client's
 * cancel hook stops it.  mtime is the snapshot's time (manifest's
 * snapshot_time, the files' mtimes).  On failure the reason is logged, no
 * descriptor is left open, and a negative errno returned.  prog (may be
 * NULL) receives the counters as the export goes. */
int hgfs_export(const hgfs_export_opts *o, const char *graph, const struct timespec *mtime, hgfs_snapset *out,
		hgfs_progress *prog);
/* Closes the descriptors of s (those >= 0). */
void hgfs_snapset_close(hgfs_snapset *s);

/* ---- progress (progress.c) ---------------------------------------------- */

/* A new export starts (caller's lock held). */
void hgfs_progress_begin(hgfs_progress *p);
/* The export starts writing file f, in `shards` shards (0: not sharded). */
void hgfs_progress_file(hgfs_progress *p, hgfs_snapfile f, uint64_t shards);
/* elems more elements and bytes more bytes of file f are received (never
 * to be dropped); logs a progress line when HGFS_PROGRESS_LOG_MS passed
 * since the last.  Any thread. */
void hgfs_progress_add(hgfs_progress *p, const char *graph, hgfs_snapfile f, uint64_t elems, uint64_t bytes);
/* shards_done shards of file f are in its spool file. */
void hgfs_progress_shards(hgfs_progress *p, hgfs_snapfile f, uint64_t shards_done);
/* The export ended with rc (caller's lock held). */
void hgfs_progress_end(hgfs_progress *p, int rc);
/* export.status as text (malloc'd; caller's lock held). 0 or -ENOMEM. */
int hgfs_progress_render(const hgfs_progress *p, char **text, size_t *len);
/* export.status's mtime: when its text last changed (caller's lock held).
 * Now while an export runs (elapsed and counts change at every read), the
 * end of the last export while idle, {0, 0} when no export ran yet (the
 * caller shows its own start time then). */
void hgfs_progress_mtime(const hgfs_progress *p, struct timespec *mtime);
/* "12.3 s", "4 min 05 s", "2 h 03 min" into buf. */
const char *hgfs_fmt_secs(double secs, char *buf, size_t len);

#endif
