/*
 * hgfs.h - internals of the hugegraphfs daemon shared between its files.
 *
 * Layout of the mount:
 *   /graphs/                      the graphs of -o graphspace
 *   /graphspaces/<gs>/graphs/...  the graphs of graphspace gs, as below
 *   /graphspaces/<gs>/graphspace.json  its definition (spaces.c)
 *   /graphs/<g>/schema.json       } one snapshot of the graph, exported
 *   /graphs/<g>/vertices.jsonl    } through the REST API into spool files
 *   /graphs/<g>/edges.jsonl       } on first use and kept while in use
 *   /graphs/<g>/manifest.json     }
 *   /graphs/<g>/mode              the graph mode (read: GET, write: PUT)
 *   /graphs/<g>/restore/          import directory (backup/restore.h)
 *   /graphs/<g>/restore.status    what the imports did
 *   /graphs/<g>/export.status     the export in progress and the last one
 *   /graphs/<g>/<other>           scratch files (editors' temporaries)
 *   /auth/                        the server's auth data, administrator only (auth.h)
 *
 * Thread rules: FUSE calls the handlers on many threads.  The graph table
 * has one mutex, each graph its own mutex; no lock is held across a
 * network request or a spool write.
 */
#ifndef HGFS_H
#define HGFS_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "errmap.h"
#include "export.h"
#include "hgclient.h"
#include "log.h"
#include "select.h"
#include "sha256.h"

struct fuse_session;

/* ---- paths (path.c) ---------------------------------------------------- */

typedef enum {
	HGFS_N_NONE = 0, /* no such path */
	HGFS_N_ROOT,
	HGFS_N_GRAPHS,    /* /graphs */
	HGFS_N_GRAPH,     /* /graphs/<g> */
	HGFS_N_SNAPFILE,  /* /graphs/<g>/{schema.json,...} */
	HGFS_N_MODE,      /* /graphs/<g>/mode */
	HGFS_N_RESTORE,   /* /graphs/<g>/restore */
	HGFS_N_RESTORE_CHILD, /* /graphs/<g>/restore/... */
	HGFS_N_SCRATCH,   /* /graphs/<g>/<other name> */
	HGFS_N_RESTORE_STATUS, /* /graphs/<g>/restore.status */
	HGFS_N_EXPORT_STATUS,  /* /graphs/<g>/export.status */
	HGFS_N_SPACES,    /* /graphspaces */
	HGFS_N_SPACE,     /* /graphspaces/<gs> */
	HGFS_N_SPACE_DEF, /* /graphspaces/<gs>/graphspace.json */
} hgfs_node_type;


#define HGFS_NAME_MAX 255
/* what libfuse sends the thread of an interrupted request (main.c, ops.c) */
#define HGFS_INTR_SIGNAL SIGUSR1
/* the I/O size files announce (st_blksize): FUSE passes up to 1 MiB a request */
#define HGFS_IO_SIZE (1024 * 1024)

typedef struct hgfs_path {
	hgfs_node_type type;
	/* the graphspace of /graphspaces/<gs>/...; "" for /graphs/... (the
	 * view of -o graphspace) */
	char space[HGFS_NAME_MAX + 1];
	char graph[HGFS_NAME_MAX + 1]; /* for GRAPH and below */
	char name[HGFS_NAME_MAX + 1];  /* file name inside the graph dir (SCRATCH) */
	hgfs_snapfile file;            /* for SNAPFILE */
	const char *rest;              /* for RESTORE_CHILD: the path below restore/ */
} hgfs_path;

/* true when s is usable as one directory entry: 1..255 bytes, no '/', no
 * control characters, not "." or "..". */
bool hgfs_valid_name(const char *s);

/* The form of the snapshot files in the tree (-o compress), set once at
 * start: their names end in .gz or .zst (path.c). */
extern hgfs_cz hgfs_tree_cz;

/* Parses an absolute path of the mount.  Returns 0, or -ENOENT when the
 * path cannot exist, -ENAMETOOLONG for an over-long component.  The graph's
 * existence on the server is not checked here. */
int hgfs_parse_path(const char *path, hgfs_path *out);

/* ---- mode file values (modeval.c) --------------------------------------- */

typedef enum {
	HGFS_MV_EMPTY,      /* only white space so far */
	HGFS_MV_PARTIAL,    /* a prefix of a mode name, may still become valid */
	HGFS_MV_COMPLETE,   /* a mode name, not yet followed by white space */
	HGFS_MV_TERMINATED, /* a mode name followed by white space: final */
	HGFS_MV_INVALID,
} hgfs_modeval_state;

/* Judges the bytes written to a mode file so far.  *mode is set for
 * COMPLETE and TERMINATED.  Accepts NONE, RESTORING, MERGING in any case
 * with surrounding white space. */
hgfs_modeval_state hgfs_modeval(const char *buf, size_t len, hg_mode *mode);

/* ---- snapshot bookkeeping (snapshot.c) ---------------------------------- */

typedef struct hgfs_snapshot {
	int refs;          /* under the graph's lock; the graph holds one ref while current */
	int open_files;    /* handles open on this snapshot */
	uint64_t gen;      /* per graph, increasing */
	struct timespec made;    /* monotonic: when it became the graph's current one */
	struct timespec last_use;
	bool stale;              /* the graph was changed through the mount after its export began */
	/* the exported files (backup/export.h); a file whose bytes did not
	 * change keeps the previous snapshot's mtime (snapstate.c) */
	hgfs_snapset set;
} hgfs_snapshot;

/* Closes the snapshot's files and frees it. */
void hgfs_snapshot_close(hgfs_snapshot *s);

/* true when a snapshot can no longer be handed out to new opens: it is
 * stale, or it was made more than ttl seconds before now.  Files open on it
 * keep it whatever this says. */
bool hgfs_snapshot_expired(const hgfs_snapshot *s, const struct timespec *now, double ttl);

/* What the graph's last snapshot was, to keep the mtime of files whose
 * bytes did not change (snapstate.c): in memory, and in a state file so
 * that it holds across remounts. */
typedef struct hgfs_snapmemo {
	bool valid;
	char sha[HGFS_F__COUNT][65];
	off_t size[HGFS_F__COUNT];
	struct timespec mtime[HGFS_F__COUNT];
	char *manifest; /* its manifest.json bytes */
	size_t manifest_len;
} hgfs_snapmemo;

/* The mtime for a new snapshot taken at `now`, given the previous snapshot's
 * mtime (or {0,0}): whole seconds, strictly later than the previous one so
 * that rsync's size+mtime check always sees a new snapshot. */
struct timespec hgfs_snapshot_mtime(const struct timespec *now, const struct timespec *prev);

/* ---- the daemon's state --------------------------------------------------- */

typedef struct hgfs_config {
	char *url;
	char *mountpoint; /* as given; libfuse mounts it */
	char *user;
	char *password;
	char *password_file;
	char *auth_password_file; /* the password of users restored in auth/restore/ */
	char *graphspace;
	char *spool_dir;
	char *state_dir; /* NULL: no state across remounts */
	char *log_file;
	double snapshot_ttl;
	long split_size;
	long page_limit;
	long timeout;
	long stall_timeout; /* seconds without a byte before a request fails */
	long parallel;
	long max_record_mib; /* the longest record (line) a restore takes, MiB */
	long export_retries; /* exports run again when the checks see a change */
	int gzip; /* restore batches sent gzip-compressed */
	hgfs_names labels; /* -o labels=: a selective backup of these labels; empty: everything */
	char *compress; /* -o compress=gzip|zstd|none, as given */
	int foreground;
	int show_help;
	int show_version;
	int allow_other;         /* -o allow_other: other users see the mount */
	int default_permissions; /* -o default_permissions: the kernel checks modes */
	/* TLS (tls.c): files as absolute paths once checked; NULL: not given */
	char *cacert;
	char *capath;
	char *cert;
	char *key;
	int insecure; /* -o insecure: no certificate verification (warned at every start) */
} hgfs_config;

typedef struct hgfs_scratch {
	struct hgfs_scratch *next;
	char name[HGFS_NAME_MAX + 1];
	char *data;
	size_t len;
	mode_t mode;
	struct timespec mtime;
	int open;      /* handles open on it */
	bool detached; /* unlinked or renamed away while open: freed on last release */
} hgfs_scratch;

#define HGFS_SCRATCH_MAX (64 * 1024)
#define HGFS_SCRATCH_FILES 64

struct hgfs;

typedef struct hgfs_graph {
	struct hgfs_graph *next;
	struct hgfs *fs;
	char name[HGFS_NAME_MAX + 1];
	char space[HGFS_NAME_MAX + 1]; /* its graphspace ("DEFAULT" before 1.7) */
	hg_client *client;             /* the client of that graphspace */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	hgfs_snapshot *current;
	bool building;
	uint64_t build_seq; /* builds finished so far */
	int build_rc;       /* result of the last build */
	pthread_t builder;  /* the thread running the export (see snap_acquire) */
	bool builder_joinable;
	struct timespec build_mtime;
	hgfs_progress progress;
	uint64_t next_gen;
	struct timespec last_mtime;
	uint64_t cached_gen[HGFS_F__COUNT]; /* snapshot whose pages the kernel may hold */
	int cached_open[HGFS_F__COUNT];     /* handles open that read through the page cache */
	uint64_t changes;   /* changes made through the mount (imports, mode writes) */
	uint64_t build_changes; /* changes when the running build began */
	hgfs_snapmemo memo; /* the last snapshot's hashes and mtimes; the builder's only */
	hgfs_scratch *scratch;
	struct hgfs_restore *restore; /* restore/ (backup/restore.h), made with the graph's state */
	char mode_seen[16];         /* the mode last read from the server */
	struct timespec mode_mtime; /* when it was first seen: the mode file's mtime */
} hgfs_graph;

typedef struct hgfs {
	hgfs_config cfg;
	hg_client *client;          /* set once (atomically), see client_ready() */
	pthread_mutex_t client_lock;
	pthread_mutex_t lock; /* graph table and graph-list cache */
	hgfs_graph *graphs;
	char **graph_names;   /* last GET of the list */
	struct timespec graph_names_at;
	uid_t uid;
	gid_t gid;
	time_t started; /* directories' mtime: stable, so tar sees no change */
	char *restore_spool;  /* this mount's directory of restore/ spool files */
	uint64_t spool_seq;   /* names the files in it */
	/* the janitor drops expired snapshots, freeing their spool space */
	pthread_t janitor;
	bool janitor_running;
	bool stopping;
	pthread_cond_t janitor_cond;
	struct hgfs_spaces *spaces; /* graphspaces other than -o graphspace's (spaces.c) */
	struct fuse_session *se; /* set in init: its exit stops waits and requests */
	int quit;                /* set (atomically) when the daemon stops */
} hgfs;

/* ---- TLS options (tls.c) ------------------------------------------------- */

/* Checks -o cacert, capath, cert, key and insecure before the mount (an
 * https:// URL; readable files, named when not) and makes the paths
 * absolute (the daemon changes to / when it detaches); warns on stderr
 * about -o insecure.  0, or -1 after a message on stderr. */
int hgfs_tls_setup(hgfs_config *cfg);
/* Copies the TLS settings of cfg into opt (for hg_client_open). */
void hgfs_tls_options(const hgfs_config *cfg, hg_options *opt);
/* Logs the -o insecure warning (at every start); nothing without it. */
void hgfs_tls_log_warning(const hgfs_config *cfg);
/* Frees the TLS strings of cfg. */
void hgfs_tls_free(hgfs_config *cfg);

/* ---- snapshot state (snapstate.c) ----------------------------------------- */

/* Called by the one builder of graph g with its new snapshot s, before s is
 * handed out: each file whose bytes equal the graph's last snapshot's keeps
 * that snapshot's mtime; when no data file changed, s gets the last
 * manifest.json too (its snapshot_time included), so an unchanged graph
 * shows the same bytes and mtimes.  The last snapshot is remembered in g and
 * in the state file of fs->cfg.state_dir. */
void hgfs_snapshot_settle(hgfs *fs, hgfs_graph *g, hgfs_snapshot *s);
void hgfs_snapmemo_free(hgfs_snapmemo *m);

/* A change made through the mount (an import, a mode write): the graph's
 * snapshot is no longer handed to new opens (ops.c). */
void hgfs_graph_changed(hgfs_graph *g);

/* ---- -o labels=a,b (labelopt.c) ------------------------------------------- */

/* Adds argv to args (empty, allocated by libfuse) with each "labels=a,b,c"
 * of a -o list joined as "labels=a:b:c", since libfuse splits -o lists at
 * commas.  0 or -ENOMEM. */
struct fuse_args;
int hgfs_labels_args(int argc, char *argv[], struct fuse_args *args);

/* ---- the FUSE operations (ops.c) ----------------------------------------- */
struct fuse_operations;
extern const struct fuse_operations hgfs_ops;

#endif
