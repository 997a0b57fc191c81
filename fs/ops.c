/* ops.c - the FUSE operations of hugegraphfs (high-level, path-based API). */
#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <signal.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <unistd.h>

#include "auth.h"
#include "hgfs.h"
#include "modenote.h"
#include "restore.h"
#include "spaces.h"

#define GRAPH_LIST_TTL 1.0 /* seconds the graph list is reused */
#define MODE_BUF_MAX 4096

static hgfs *get_fs(void)
{
	return fuse_get_context()->private_data;
}

static struct timespec now_mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

static double elapsed(const struct timespec *since)
{
	struct timespec t = now_mono();
	return (double)(t.tv_sec - since->tv_sec) + (double)(t.tv_nsec - since->tv_nsec) / 1e9;
}

static int client_errno(const char *what, const char *graph, int rc, const hg_error *err)
{
	return hgfs_client_failed(LOG_ERR, rc, err, "%s%s%s", what, graph ? " of graph " : "", graph ? graph : "");
}

/* The kernel interrupts a request for any signal of its caller, also one
 * the caller handles and goes on after (SIGCHLD, SIGWINCH, a timer): only
 * a signal that asks it to stop ends the wait.  Reads the caller's pending
 * signals (thread's and process's) from /proc; when they cannot be read,
 * the interrupt counts. */
static bool caller_asked_to_stop(void)
{
	static const int stop_sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGKILL};
	struct fuse_context *ctx = fuse_get_context();
	unsigned long long pending = 0, mask = 0;
	char path[64], line[256];
	bool found = false;
	FILE *f;

	if (ctx == NULL || ctx->pid <= 0)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)ctx->pid);
	f = fopen(path, "re");
	if (f == NULL)
		return true;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long v;
		if ((sscanf(line, "SigPnd: %llx", &v) == 1 || sscanf(line, "ShdPnd: %llx", &v) == 1)) {
			pending |= v;
			found = true;
		}
	}
	fclose(f);
	for (size_t i = 0; i < sizeof(stop_sigs) / sizeof(stop_sigs[0]); i++)
		mask |= 1ULL << (stop_sigs[i] - 1);
	return !found || (pending & mask) != 0;
}

/* true when the caller's request was interrupted by a signal that asks it
 * to stop, or the daemon stops: a wait gives up.  Outside a FUSE request
 * (the export threads) only the daemon's stop counts. */
static bool stop_waiting(hgfs *fs)
{
	static __thread long last_look_ms;
	struct timespec t;
	long now;

	if (__atomic_load_n(&fs->quit, __ATOMIC_RELAXED))
		return true;
	if (fs->se != NULL && fuse_session_exited(fs->se))
		return true;
	if (!fuse_interrupted())
		return false;
	/* asked often (curl's progress callback): look at /proc 5 times a second */
	clock_gettime(CLOCK_MONOTONIC, &t);
	now = (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
	if (now - last_look_ms < 200)
		return false;
	last_look_ms = now;
	return caller_asked_to_stop();
}

/* The client's cancel hook: an interrupted caller or a stopping daemon
 * aborts the request in flight. */
static bool cancel_hook(void *ctx)
{
	return stop_waiting(ctx);
}

bool hgfs_cancel_hook(void *ctx)
{
	return stop_waiting(ctx);
}

/* ---- graphs --------------------------------------------------------------- */

/* The client is opened in init (after daemonizing: curl does not survive
 * fork); if the server could not be reached then, every operation tries
 * again here, at most once a second. */
static int client_ready(hgfs *fs)
{
	static struct timespec last_try;
	hg_options opt = {0};
	hg_client *c = NULL;
	hg_error err;
	int rc = 0;

	if (__atomic_load_n(&fs->client, __ATOMIC_ACQUIRE) != NULL)
		return 0;
	pthread_mutex_lock(&fs->client_lock);
	if (fs->client != NULL)
		goto out;
	if (last_try.tv_sec != 0 && elapsed(&last_try) < 1.0) {
		rc = -EIO;
		goto out;
	}
	last_try = now_mono();
	opt.url = fs->cfg.url;
	opt.user = fs->cfg.user;
	opt.password = fs->cfg.password;
	opt.graphspace = fs->cfg.graphspace;
	opt.timeout_ms = fs->cfg.timeout * 1000;
	opt.stall_ms = fs->cfg.stall_timeout * 1000;
	hgfs_tls_options(&fs->cfg, &opt);
	hg_error_clear(&err);
	rc = hg_client_open(&c, &opt, &err);
	if (rc < 0) {
		rc = hgfs_client_failed(LOG_ERR, rc, &err, "cannot connect to %s", fs->cfg.url);
		goto out;
	}
	hg_client_set_cancel(c, cancel_hook, fs);
	__atomic_store_n(&fs->client, c, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&fs->client_lock);
	return rc;
}

int hgfs_client_get(hgfs *fs, hg_client **out)
{
	int rc = client_ready(fs);

	*out = rc < 0 ? NULL : fs->client;
	return rc;
}

/* The server's graph list of graphspace space ("": the main one), reused
 * for GRAPH_LIST_TTL seconds.  Returns a copy the caller frees with
 * hg_strv_free. */
static int graph_names(hgfs *fs, const char *space, char ***out)
{
	char **names = NULL, **copy;
	hg_error err;
	int rc, n = 0;

	rc = client_ready(fs);
	if (rc < 0)
		return rc;
	if (!hgfs_space_is_main(fs, space))
		return hgfs_space_graph_names(fs, space, out);
	pthread_mutex_lock(&fs->lock);
	if (fs->graph_names != NULL && elapsed(&fs->graph_names_at) < GRAPH_LIST_TTL)
		names = fs->graph_names;
	pthread_mutex_unlock(&fs->lock);

	if (names == NULL) {
		hg_error_clear(&err);
		rc = hg_list_graphs(fs->client, &names, &err);
		if (rc < 0)
			return client_errno("listing graphs", NULL, rc, &err);
		pthread_mutex_lock(&fs->lock);
		hg_strv_free(fs->graph_names);
		fs->graph_names = names;
		fs->graph_names_at = now_mono();
	} else {
		pthread_mutex_lock(&fs->lock);
		names = fs->graph_names;
	}
	while (names[n] != NULL)
		n++;
	copy = calloc((size_t)n + 1, sizeof(*copy));
	for (int i = 0; copy != NULL && i < n; i++) {
		copy[i] = strdup(names[i]);
		if (copy[i] == NULL) {
			hg_strv_free(copy);
			copy = NULL;
		}
	}
	pthread_mutex_unlock(&fs->lock);
	if (copy == NULL)
		return -ENOMEM;
	*out = copy;
	return 0;
}

static void graph_changed_cb(void *g)
{
	hgfs_graph_changed(g);
}

/* Finds graph `name` of graphspace `space` ("": the main one) if the server
 * has it; creates its state on first use. */
static int graph_get(hgfs *fs, const char *space, const char *name, hgfs_graph **out)
{
	char **names = NULL;
	bool found = false;
	hg_client *client = NULL;
	hgfs_graph *g;
	int rc;

	space = hgfs_space_of(fs, space);
	if (!hgfs_space_is_main(fs, space) && (rc = hgfs_space_check(fs, space)) < 0)
		return rc;
	rc = graph_names(fs, space, &names);
	if (rc < 0)
		return rc;
	for (int i = 0; names[i] != NULL && !found; i++)
		found = strcmp(names[i], name) == 0;
	hg_strv_free(names);
	if (!found)
		return -ENOENT;
	if (hgfs_space_is_main(fs, space))
		client = fs->client;
	else if ((rc = hgfs_space_client(fs, space, &client)) < 0)
		return rc;

	pthread_mutex_lock(&fs->lock);
	for (g = fs->graphs; g != NULL; g = g->next) {
		if (strcmp(g->name, name) == 0 && strcmp(g->space, space) == 0)
			break;
	}
	if (g == NULL) {
		g = calloc(1, sizeof(*g));
		if (g == NULL) {
			pthread_mutex_unlock(&fs->lock);
			return -ENOMEM;
		}
		strcpy(g->name, name);
		snprintf(g->space, sizeof(g->space), "%s", space);
		g->client = client;
		g->fs = fs;
		g->progress.file = -1;
		hgfs_restore_cfg rc_cfg = {
			.client = g->client,
			.graph = g->name,
			.spool_dir = fs->restore_spool,
			.spool_seq = &fs->spool_seq,
			.parallel = fs->cfg.parallel,
			.max_record_mib = fs->cfg.max_record_mib,
			.timeout = fs->cfg.timeout,
			.gzip = fs->cfg.gzip != 0,
			.lock = &g->lock,
			.changed = graph_changed_cb,
			.changed_ctx = g,
		};
		g->restore = hgfs_rs_new(&rc_cfg);
		if (g->restore == NULL) {
			free(g);
			pthread_mutex_unlock(&fs->lock);
			return -ENOMEM;
		}
		pthread_mutex_init(&g->lock, NULL);
		pthread_cond_init(&g->cond, NULL);
		g->next = fs->graphs;
		fs->graphs = g;
	}
	pthread_mutex_unlock(&fs->lock);
	*out = g;
	return 0;
}

/* The graph of path p.  Once a graph has restore state, its directory,
 * restore/ and restore.status are served from what the daemon holds,
 * without asking the server for its graph list: the status of an import
 * must stay readable while the server hangs. */
static int graph_of(hgfs *fs, const hgfs_path *p, hgfs_graph **out)
{
	if (p->type == HGFS_N_GRAPH || p->type == HGFS_N_RESTORE || p->type == HGFS_N_RESTORE_CHILD ||
	    p->type == HGFS_N_RESTORE_STATUS || p->type == HGFS_N_EXPORT_STATUS) {
		hgfs_graph *g;
		bool held = false;
		pthread_mutex_lock(&fs->lock);
		for (g = fs->graphs; g != NULL; g = g->next) {
			if (strcmp(g->name, p->graph) == 0 && strcmp(g->space, hgfs_space_of(fs, p->space)) == 0)
				break;
		}
		if (g != NULL) {
			/* export.status never waits for the server once the graph is known */
			held = p->type == HGFS_N_EXPORT_STATUS || hgfs_rs_active(g->restore);
		}
		pthread_mutex_unlock(&fs->lock);
		if (held) {
			*out = g;
			return 0;
		}
	}
	return graph_get(fs, p->space, p->graph, out);
}

/* ---- snapshots -------------------------------------------------------------- */

static void snap_unref_locked(hgfs_snapshot *s, hgfs_snapshot **to_close)
{
	if (--s->refs == 0)
		*to_close = s;
}

/* The export thread: builds the snapshot, publishes it, wakes the waiters. */
static void *builder_main(void *arg)
{
	hgfs_graph *g = arg;
	hgfs *fs = g->fs;
	hgfs_snapshot *s = NULL, *old = NULL;
	int rc;

	hgfs_export_opts eo = {
		.client = g->client,
		.spool_dir = fs->cfg.spool_dir,
		.split_size = fs->cfg.split_size,
		.page_limit = fs->cfg.page_limit,
		.parallel = fs->cfg.parallel,
		.export_retries = fs->cfg.export_retries,
		.labels = fs->cfg.labels.n > 0 ? &fs->cfg.labels : NULL,
		.compress = hgfs_tree_cz,
		.note_dir = fs->cfg.state_dir,
	};
	s = calloc(1, sizeof(*s));
	rc = s == NULL ? -ENOMEM : hgfs_export(&eo, g->name, &g->build_mtime, &s->set, &g->progress);
	if (rc == 0) {
		hgfs_snapshot_settle(fs, g, s); /* the one builder of g */
	} else {
		free(s);
		s = NULL;
	}

	pthread_mutex_lock(&g->lock);
	g->building = false;
	g->build_seq++;
	g->build_rc = rc;
	hgfs_progress_end(&g->progress, rc);
	if (rc == 0) {
		s->gen = ++g->next_gen;
		s->refs = 1; /* the graph's */
		s->last_use = s->made = now_mono();
		/* changed through the mount while exporting: the callers waiting
		 * get it, new opens a fresh one */
		s->stale = g->changes != g->build_changes;
		g->last_mtime = g->build_mtime;
		if (g->current != NULL)
			snap_unref_locked(g->current, &old);
		g->current = s;
	}
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	hgfs_snapshot_close(old);
	return NULL;
}

/* Starts an export in its own thread (graph's lock held).  It runs there,
 * not in the caller's thread, so that an interrupted caller does not end
 * it: the export goes on for the callers after it.  Signals stay with the
 * FUSE threads. */
static int build_start_locked(hgfs_graph *g)
{
	struct timespec real;
	sigset_t all, prev;
	int err;

	if (g->builder_joinable) {
		/* finished (building is false): it only has to return */
		pthread_join(g->builder, NULL);
		g->builder_joinable = false;
	}
	clock_gettime(CLOCK_REALTIME, &real);
	g->build_mtime = hgfs_snapshot_mtime(&real, &g->last_mtime);
	g->build_changes = g->changes;
	g->building = true;
	hgfs_progress_begin(&g->progress);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &prev);
	err = pthread_create(&g->builder, NULL, builder_main, g);
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
	if (err != 0) {
		g->building = false;
		hgfs_progress_end(&g->progress, -err);
		hgfs_log(LOG_ERR, "graph '%s': cannot start the export: %s", g->name, strerror(err));
		return -EAGAIN;
	}
	g->builder_joinable = true;
	return 0;
}

#define WAIT_STEP_MS 200 /* how often a waiting caller looks for an interrupt */

/* Hands out the graph's current snapshot, building a new one when there is
 * none or it has expired.  One build at a time per graph; callers wait for
 * it and share its result.  A caller whose request is interrupted stops
 * waiting with -EINTR; the build goes on. */
static int snap_acquire(hgfs *fs, hgfs_graph *g, hgfs_snapshot **out)
{
	hgfs_snapshot *s = NULL;
	struct timespec now, until;
	uint64_t seen = 0;
	bool waited = false;
	int rc;

	pthread_mutex_lock(&g->lock);
	for (;;) {
		now = now_mono();
		/* the snapshot of the build waited for is taken however short the ttl */
		if (g->current != NULL && ((waited && g->build_seq != seen && g->build_rc == 0) ||
					   !hgfs_snapshot_expired(g->current, &now, fs->cfg.snapshot_ttl))) {
			s = g->current;
			s->refs++;
			s->last_use = now;
			pthread_mutex_unlock(&g->lock);
			*out = s;
			return 0;
		}
		if (waited && g->build_seq != seen && g->build_rc < 0) {
			rc = g->build_rc;
			pthread_mutex_unlock(&g->lock);
			return rc;
		}
		if (!g->building) {
			rc = build_start_locked(g);
			if (rc < 0) {
				pthread_mutex_unlock(&g->lock);
				return rc;
			}
		}
		if (!waited) {
			seen = g->build_seq;
			waited = true;
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += WAIT_STEP_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->cond, &g->lock, &until);
		if (g->building && stop_waiting(fs)) {
			pthread_mutex_unlock(&g->lock);
			hgfs_log(LOG_INFO, "graph '%s': a caller waiting for the export was interrupted; the export goes on",
				 g->name);
			return -EINTR;
		}
	}
}

void hgfs_graph_changed(hgfs_graph *g)
{
	hgfs_snapshot *dead = NULL;

	pthread_mutex_lock(&g->lock);
	g->changes++;
	if (g->current != NULL) {
		snap_unref_locked(g->current, &dead);
		g->current = NULL;
	}
	pthread_mutex_unlock(&g->lock);
	hgfs_snapshot_close(dead);
}

static void snap_release(hgfs_graph *g, hgfs_snapshot *s, bool was_open)
{
	hgfs_snapshot *dead = NULL;

	pthread_mutex_lock(&g->lock);
	if (was_open)
		s->open_files--;
	s->last_use = now_mono();
	snap_unref_locked(s, &dead);
	pthread_mutex_unlock(&g->lock);
	hgfs_snapshot_close(dead);
}

/* export.status: never waits, never starts an export.  *mtime (may be
 * NULL) is when the text last changed, so that incremental tools (rsync,
 * rclone sync, restic, borg) copy it again when it did. */
static int export_status(hgfs *fs, hgfs_graph *g, char **text, size_t *len, struct timespec *mtime)
{
	int rc;

	pthread_mutex_lock(&g->lock);
	rc = hgfs_progress_render(&g->progress, text, len);
	if (mtime != NULL)
		hgfs_progress_mtime(&g->progress, mtime);
	pthread_mutex_unlock(&g->lock);
	if (mtime != NULL && mtime->tv_sec == 0)
		*mtime = (struct timespec){fs->started, 0};
	return rc;
}

/* ---- scratch files ---------------------------------------------------------- */

static hgfs_scratch *scratch_find_locked(hgfs_graph *g, const char *name)
{
	for (hgfs_scratch *s = g->scratch; s != NULL; s = s->next) {
		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

static void scratch_free(hgfs_scratch *s)
{
	if (s != NULL) {
		free(s->data);
		free(s);
	}
}

/* Takes s out of the graph's list; frees it unless it is still open. */
static void scratch_remove_locked(hgfs_graph *g, hgfs_scratch *s)
{
	for (hgfs_scratch **pp = &g->scratch; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	if (s->open > 0)
		s->detached = true;
	else
		scratch_free(s);
}

/* ---- handles -------------------------------------------------------------------- */

typedef struct handle {
	hgfs_node_type type;
	hgfs_graph *g;
	/* snapshot files */
	hgfs_snapshot *snap;
	hgfs_snapfile file;
	bool uncached; /* read past the page cache: another snapshot of the file is open */
	/* mode file: what was read, or what is being written */
	char *buf;
	size_t len;
	bool writing;
	bool append;
	bool applied;
	int failed; /* -errno of a failed write, reported again at close */
	/* scratch */
	hgfs_scratch *scr;
	/* a file in restore/ */
	hgfs_rentry *re;
	/* graphspaces/<gs>/graphspace.json */
	hgfs_space_file *sf;
} handle;

static handle *fh(struct fuse_file_info *fi)
{
	return (handle *)(uintptr_t)fi->fh;
}

/* ---- mode ------------------------------------------------------------------------- */

/* Reads the mode into buf ("NONE\n"); *mtime is when this value was first
 * seen, so that the file's mtime stays put while the value does (tar checks
 * that a file did not change while it read it). */
static int mode_fetch(hgfs *fs, hgfs_graph *g, char *buf, size_t len, struct timespec *mtime)
{
	hg_error err;
	hg_mode m;
	int rc;

	hg_error_clear(&err);
	(void)fs;
	rc = hg_get_mode(g->client, g->name, &m, &err);
	if (rc < 0)
		return client_errno("reading the mode", g->name, rc, &err);
	snprintf(buf, len, "%s\n", hg_mode_name(m));
	pthread_mutex_lock(&g->lock);
	if (strcmp(g->mode_seen, hg_mode_name(m)) != 0) {
		snprintf(g->mode_seen, sizeof(g->mode_seen), "%s", hg_mode_name(m));
		clock_gettime(CLOCK_REALTIME, &g->mode_mtime);
	}
	if (mtime != NULL)
		*mtime = g->mode_mtime;
	pthread_mutex_unlock(&g->lock);
	return 0;
}

static int mode_apply(hgfs *fs, hgfs_graph *g, hg_mode m)
{
	const char *graph = g->name;
	char why[1024];
	hg_error err;
	int rc;

	/* NONE ends a restore: not while restore/ still has work in it */
	if (m == HG_MODE_NONE && hgfs_rs_unfinished(g->restore, why, sizeof(why)) < 0) {
		hgfs_log(LOG_ERR, "graph %s: refused NONE: restore/ is unfinished: %s", graph, why);
		return -EBUSY;
	}
	hg_error_clear(&err);
	(void)fs;
	rc = hg_set_mode(g->client, graph, m, &err);
	if (rc < 0)
		return client_errno("setting the mode", graph, rc, &err);
	hgfs_log(LOG_INFO, "graph %s: mode set to %s", graph, hg_mode_name(m));
	hgfs_graph_changed(g);
	return 0;
}

/* Logs a refused mode value, trimmed and with control characters shown as '?'. */
static void log_refused(const char *graph, const char *buf, size_t len)
{
	char shown[65];
	size_t n = 0;

	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < len && n < sizeof(shown) - 1; i++)
		shown[n++] = (unsigned char)buf[i] < 0x20 ? '?' : buf[i];
	shown[n] = '\0';
	hgfs_log(LOG_ERR, "graph %s: refused mode value '%s': write NONE, RESTORING or MERGING", graph, shown);
}

/* Judges and, once final, applies the bytes written so far.  `closing`:
 * nothing more will be written. */
static int mode_judge(hgfs *fs, hgfs_graph *g, const char *buf, size_t len, bool closing, bool *applied)
{
	const char *graph = g->name;
	hg_mode m = HG_MODE_NONE;
	hgfs_modeval_state st = hgfs_modeval(buf, len, &m);

	switch (st) {
	case HGFS_MV_INVALID:
		log_refused(graph, buf, len);
		return -EINVAL;
	case HGFS_MV_EMPTY:
		return 0;
	case HGFS_MV_PARTIAL:
		if (!closing)
			return 0;
		log_refused(graph, buf, len);
		return -EINVAL;
	case HGFS_MV_COMPLETE:
		if (!closing)
			return 0;
		/* fall through */
	case HGFS_MV_TERMINATED:
		if (*applied)
			return 0;
		*applied = true;
		return mode_apply(fs, g, m);
	}
	return -EINVAL;
}

/* ---- operations ------------------------------------------------------------------ */

static void fill_dir(hgfs *fs, struct stat *st, time_t mtime)
{
	st->st_mode = S_IFDIR | 0755;
	st->st_nlink = 2;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_mtime = st->st_atime = st->st_ctime = mtime;
}

static void fill_file(hgfs *fs, struct stat *st, mode_t mode, off_t size, const struct timespec *mtime)
{
	st->st_mode = S_IFREG | mode;
	st->st_nlink = 1;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_size = size;
	st->st_blksize = HGFS_IO_SIZE; /* cp and cat use it as their buffer size */
	st->st_blocks = (size + 511) / 512;
	st->st_mtim = st->st_atim = st->st_ctim = *mtime;
}

static int hgfs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	hgfs *fs = get_fs();
	hgfs_path p;
	hgfs_graph *g;
	int rc;

	memset(st, 0, sizeof(*st));
	if (hgfs_auth_path(path))
		return hgfs_auth_getattr(path, st);

	if (fi != NULL && fi->fh != 0) {
		handle *h = fh(fi);
		if (h->type == HGFS_N_SNAPFILE) {
			fill_file(fs, st, 0444, h->snap->set.size[h->file], &h->snap->set.mtime[h->file]);
			return 0;
		}
		if (h->type == HGFS_N_RESTORE_CHILD) {
			pthread_mutex_lock(&h->g->lock);
			fill_file(fs, st, h->re->mode, hgfs_rs_shown_size(h->re), &h->re->mtime);
			pthread_mutex_unlock(&h->g->lock);
			return 0;
		}
		if (h->type == HGFS_N_SPACE_DEF) {
			hgfs_space_def_stat(fs, h->sf, st);
			return 0;
		}
	}

	rc = hgfs_parse_path(path, &p);
	if (rc < 0)
		return rc;
	switch (p.type) {
	case HGFS_N_GRAPHS:
		if (p.space[0] != '\0' && ((rc = client_ready(fs)) < 0 || (rc = hgfs_space_check(fs, p.space)) < 0))
			return rc;
		/* fall through */
	case HGFS_N_ROOT:
		fill_dir(fs, st, fs->started);
		return 0;
	case HGFS_N_SPACES:
	case HGFS_N_SPACE:
	case HGFS_N_SPACE_DEF:
		rc = client_ready(fs);
		return rc < 0 ? rc : hgfs_spaces_getattr(fs, &p, st);
	case HGFS_N_NONE:
		return -ENOENT;
	default:
		break;
	}
	rc = graph_of(fs, &p, &g);
	if (rc < 0)
		return rc;

	switch (p.type) {
	case HGFS_N_RESTORE_CHILD: {
		hgfs_rstat rs;
		rc = hgfs_rs_stat(g->restore, p.rest, &rs);
		if (rc < 0)
			return rc;
		if (rs.is_dir) {
			fill_dir(fs, st, rs.mtime.tv_sec);
			st->st_mode = S_IFDIR | (rs.mode ? rs.mode : 0755);
		} else {
			fill_file(fs, st, rs.mode, rs.size, &rs.mtime);
		}
		return 0;
	}
	case HGFS_N_RESTORE_STATUS: {
		char *text;
		size_t len;
		struct timespec mtime;
		rc = hgfs_rs_status(g->restore, &text, &len, &mtime);
		if (rc < 0)
			return rc;
		free(text);
		if (mtime.tv_sec == 0)
			mtime.tv_sec = fs->started;
		fill_file(fs, st, 0444, (off_t)len, &mtime);
		return 0;
	}
	case HGFS_N_EXPORT_STATUS: {
		char *text;
		size_t len;
		struct timespec mtime;
		rc = export_status(fs, g, &text, &len, &mtime);
		if (rc < 0)
			return rc;
		free(text);
		fill_file(fs, st, 0444, (off_t)len, &mtime);
		return 0;
	}
	case HGFS_N_GRAPH:
	case HGFS_N_RESTORE:
		fill_dir(fs, st, fs->started);
		return 0;
	case HGFS_N_SNAPFILE: {
		hgfs_snapshot *s;
		rc = snap_acquire(fs, g, &s);
		if (rc < 0)
			return rc;
		fill_file(fs, st, 0444, s->set.size[p.file], &s->set.mtime[p.file]);
		snap_release(g, s, false);
		return 0;
	}
	case HGFS_N_MODE: {
		char buf[32];
		struct timespec mtime;
		rc = mode_fetch(fs, g, buf, sizeof(buf), &mtime);
		if (rc < 0)
			return rc;
		fill_file(fs, st, 0644, (off_t)strlen(buf), &mtime);
		return 0;
	}
	case HGFS_N_SCRATCH: {
		hgfs_scratch *s;
		pthread_mutex_lock(&g->lock);
		s = scratch_find_locked(g, p.name);
		if (s != NULL)
			fill_file(fs, st, s->mode & 07777, (off_t)s->len, &s->mtime);
		pthread_mutex_unlock(&g->lock);
		return s != NULL ? 0 : -ENOENT;
	}
	default:
		return -ENOENT;
	}
}

/* A directory entry with its type (d_type), so that `find -type d` and
 * the like need no stat, and so no export, of what they pass over. */
static void add_entry(fuse_fill_dir_t filler, void *buf, const char *name, bool dir)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = dir ? S_IFDIR : S_IFREG;
	filler(buf, name, &st, 0, 0);
}

static void add_dots(fuse_fill_dir_t filler, void *buf)
{
	add_entry(filler, buf, ".", true);
	add_entry(filler, buf, "..", true);
}

/* restore/'s entries below rest, each with its type */
static int add_restore_entries(hgfs_graph *g, const char *rest, fuse_fill_dir_t filler, void *buf)
{
	char **names, child[PATH_MAX];
	int rc = hgfs_rs_list(g->restore, rest, &names);

	if (rc < 0)
		return rc;
	add_dots(filler, buf);
	for (int i = 0; names[i] != NULL; i++) {
		hgfs_rstat rs = {0};
		snprintf(child, sizeof(child), "%s%s%s", rest, rest[0] != '\0' ? "/" : "", names[i]);
		add_entry(filler, buf, names[i], hgfs_rs_stat(g->restore, child, &rs) == 0 && rs.is_dir);
	}
	hg_strv_free(names);
	return 0;
}

struct space_fill {
	fuse_fill_dir_t filler;
	void *buf;
};

static void space_add(void *ctx, const char *name, bool dir)
{
	struct space_fill *f = ctx;
	add_entry(f->filler, f->buf, name, dir);
}

static int hgfs_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off, struct fuse_file_info *fi,
			enum fuse_readdir_flags flags)
{
	hgfs *fs = get_fs();
	hgfs_path p;
	hgfs_graph *g;
	int rc;

	(void)off, (void)fi, (void)flags;
	if (hgfs_auth_path(path))
		return hgfs_auth_readdir(path, buf, filler);
	rc = hgfs_parse_path(path, &p);
	if (rc < 0)
		return rc;
	switch (p.type) {
	case HGFS_N_ROOT:
		add_dots(filler, buf);
		add_entry(filler, buf, "graphs", true);
		if (hgfs_auth_visible(fs))
			add_entry(filler, buf, "auth", true);
		add_entry(filler, buf, "graphspaces", true);
		return 0;
	case HGFS_N_SPACES:
	case HGFS_N_SPACE: {
		struct space_fill sf = {filler, buf};
		rc = client_ready(fs);
		return rc < 0 ? rc : hgfs_spaces_readdir(fs, &p, space_add, &sf);
	}
	case HGFS_N_GRAPHS: {
		char **names;
		if (p.space[0] != '\0' && ((rc = client_ready(fs)) < 0 || (rc = hgfs_space_check(fs, p.space)) < 0))
			return rc;
		rc = graph_names(fs, hgfs_space_of(fs, p.space), &names);
		if (rc < 0)
			return rc;
		add_dots(filler, buf);
		for (int i = 0; names[i] != NULL; i++) {
			if (hgfs_valid_name(names[i]))
				add_entry(filler, buf, names[i], true);
			else
				hgfs_log(LOG_WARNING, "graph name '%s' cannot be a directory name; not shown", names[i]);
		}
		hg_strv_free(names);
		return 0;
	}
	case HGFS_N_GRAPH:
		rc = graph_of(fs, &p, &g);
		if (rc < 0)
			return rc;
		add_dots(filler, buf);
		for (int i = 0; i < HGFS_F__COUNT; i++)
			add_entry(filler, buf, hgfs_snapfile_name((hgfs_snapfile)i, hgfs_tree_cz), false);
		add_entry(filler, buf, "mode", false);
		add_entry(filler, buf, "restore", true);
		add_entry(filler, buf, "restore.status", false);
		add_entry(filler, buf, "export.status", false);
		pthread_mutex_lock(&g->lock);
		for (hgfs_scratch *s = g->scratch; s != NULL; s = s->next)
			add_entry(filler, buf, s->name, false);
		pthread_mutex_unlock(&g->lock);
		return 0;
	case HGFS_N_RESTORE:
	case HGFS_N_RESTORE_CHILD:
		rc = graph_of(fs, &p, &g);
		if (rc < 0)
			return rc;
		return add_restore_entries(g, p.type == HGFS_N_RESTORE ? "" : p.rest, filler, buf);
	default:
		return -ENOTDIR;
	}
}

static int open_node(const char *path, struct fuse_file_info *fi, bool create, mode_t mode)
{
	hgfs *fs = get_fs();
	int acc = fi->flags & O_ACCMODE;
	hgfs_path p;
	hgfs_graph *g;
	handle *h;
	int rc;

	rc = hgfs_parse_path(path, &p);
	if (rc < 0)
		return rc;
	if (p.type == HGFS_N_ROOT || p.type == HGFS_N_GRAPHS || p.type == HGFS_N_GRAPH || p.type == HGFS_N_RESTORE ||
	    p.type == HGFS_N_SPACES || p.type == HGFS_N_SPACE)
		return -EISDIR;
	if (p.type == HGFS_N_SPACE_DEF) {
		hgfs_space_file *sf = NULL;
		fi->direct_io = 1;
		rc = client_ready(fs);
		if (rc == 0)
			rc = hgfs_space_def_open(fs, &p, fi->flags, create, &sf);
		h = rc == 0 ? calloc(1, sizeof(*h)) : NULL;
		if (rc == 0 && h == NULL)
			rc = -ENOMEM;
		if (rc < 0) {
			hgfs_space_def_release(sf);
			return rc;
		}
		h->type = p.type;
		h->sf = sf;
		h->writing = (fi->flags & O_ACCMODE) != O_RDONLY;
		fi->fh = (uint64_t)(uintptr_t)h;
		return 0;
	}
	rc = graph_of(fs, &p, &g);
	if (rc < 0)
		return rc;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	h->type = p.type;
	h->g = g;

	switch (p.type) {
	case HGFS_N_RESTORE_CHILD:
		fi->direct_io = 1;
		rc = hgfs_rs_open(g->restore, p.rest, fi->flags, create, mode, &h->re);
		h->writing = acc != O_RDONLY; /* flush's fi has no flags */
		break;
	case HGFS_N_RESTORE_STATUS:
		fi->direct_io = 1;
		if (acc != O_RDONLY || create) {
			rc = -EACCES;
			break;
		}
		{
			struct timespec mtime;
			rc = hgfs_rs_status(g->restore, &h->buf, &h->len, &mtime);
		}
		break;
	case HGFS_N_EXPORT_STATUS:
		fi->direct_io = 1;
		rc = acc != O_RDONLY || create ? -EACCES : export_status(fs, g, &h->buf, &h->len, NULL);
		break;
	case HGFS_N_SNAPFILE:
		if (acc != O_RDONLY || create) {
			rc = -EACCES;
			break;
		}
		rc = snap_acquire(fs, g, &h->snap);
		if (rc < 0)
			break;
		h->file = p.file;
		pthread_mutex_lock(&g->lock);
		h->snap->open_files++;
		/* The kernel caches a file's pages per path, not per snapshot: while
		 * a handle of another snapshot of this file is open (an open file
		 * keeps its snapshot), this one reads past the cache, so neither
		 * sees the other's bytes. */
		if (g->cached_open[p.file] > 0 && g->cached_gen[p.file] != h->snap->gen) {
			fi->direct_io = 1;
			h->uncached = true;
		} else {
			/* the kernel may keep pages only of the very snapshot it cached */
			fi->keep_cache = g->cached_gen[p.file] == h->snap->gen;
			g->cached_gen[p.file] = h->snap->gen;
			g->cached_open[p.file]++;
		}
		pthread_mutex_unlock(&g->lock);
		break;
	case HGFS_N_MODE:
		fi->direct_io = 1;
		if (acc == O_RDONLY) {
			char buf[32];
			rc = mode_fetch(fs, g, buf, sizeof(buf), NULL);
			if (rc == 0) {
				h->buf = strdup(buf);
				h->len = strlen(buf);
				rc = h->buf ? 0 : -ENOMEM;
			}
		} else {
			h->writing = true;
			h->append = (fi->flags & O_APPEND) != 0;
			h->buf = malloc(MODE_BUF_MAX);
			rc = h->buf ? 0 : -ENOMEM;
		}
		break;
	case HGFS_N_SCRATCH: {
		hgfs_scratch *s;
		fi->direct_io = 1;
		pthread_mutex_lock(&g->lock);
		s = scratch_find_locked(g, p.name);
		if (s == NULL && !create) {
			rc = -ENOENT;
		} else if (s == NULL) {
			int n = 0;
			for (hgfs_scratch *t = g->scratch; t != NULL; t = t->next)
				n++;
			s = n < HGFS_SCRATCH_FILES ? calloc(1, sizeof(*s)) : NULL;
			if (s == NULL) {
				rc = n < HGFS_SCRATCH_FILES ? -ENOMEM : -ENOSPC;
			} else {
				strcpy(s->name, p.name);
				s->mode = mode & 07777;
				clock_gettime(CLOCK_REALTIME, &s->mtime);
				s->next = g->scratch;
				g->scratch = s;
			}
		} else if (create && (fi->flags & O_EXCL)) {
			rc = -EEXIST;
		}
		if (rc == 0) {
			if (fi->flags & O_TRUNC)
				s->len = 0;
			s->open++;
			h->scr = s;
			h->append = (fi->flags & O_APPEND) != 0;
		}
		pthread_mutex_unlock(&g->lock);
		break;
	}
	default:
		rc = -ENOENT;
	}
	if (rc < 0) {
		free(h->buf);
		free(h);
		return rc;
	}
	fi->fh = (uint64_t)(uintptr_t)h;
	return 0;
}

static int hgfs_open(const char *path, struct fuse_file_info *fi)
{
	if (hgfs_auth_path(path))
		return hgfs_auth_open(path, fi, false, 0);
	return open_node(path, fi, false, 0);
}

static int hgfs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	hgfs_path p;
	int rc = hgfs_auth_path(path) ? hgfs_auth_open(path, fi, true, mode) : hgfs_parse_path(path, &p);

	if (rc < 0 || hgfs_auth_path(path))
		return rc;
	if (p.type == HGFS_N_SNAPFILE || p.type == HGFS_N_RESTORE_STATUS || p.type == HGFS_N_EXPORT_STATUS)
		return -EACCES;
	if (p.type != HGFS_N_SCRATCH && p.type != HGFS_N_MODE && p.type != HGFS_N_RESTORE_CHILD &&
	    p.type != HGFS_N_SPACE_DEF)
		return -EPERM;
	return open_node(path, fi, p.type != HGFS_N_MODE, mode);
}

static int hgfs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	handle *h = fh(fi);
	ssize_t n;

	if (hgfs_auth_path(path))
		return hgfs_auth_read(path, buf, size, off, fi);
	switch (h->type) {
	case HGFS_N_SPACE_DEF:
		return hgfs_space_def_read(h->sf, buf, size, off);
	case HGFS_N_SNAPFILE: {
		size_t done = 0;
		while (done < size) {
			n = pread(h->snap->set.fd[h->file], buf + done, size - done, off + (off_t)done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			if (n == 0)
				break;
			done += (size_t)n;
		}
		return (int)done;
	}
	case HGFS_N_RESTORE_CHILD:
		return hgfs_rs_read(h->g->restore, h->re, buf, size, off);
	case HGFS_N_MODE:
	case HGFS_N_RESTORE_STATUS:
	case HGFS_N_EXPORT_STATUS:
		if (h->writing)
			return -EBADF;
		if (off >= (off_t)h->len)
			return 0;
		n = (ssize_t)(h->len - (size_t)off) < (ssize_t)size ? (ssize_t)(h->len - (size_t)off) : (ssize_t)size;
		memcpy(buf, h->buf + off, (size_t)n);
		return (int)n;
	case HGFS_N_SCRATCH: {
		int rc = 0;
		pthread_mutex_lock(&h->g->lock);
		if (off < (off_t)h->scr->len) {
			size_t avail = h->scr->len - (size_t)off;
			rc = (int)(avail < size ? avail : size);
			memcpy(buf, h->scr->data + off, (size_t)rc);
		}
		pthread_mutex_unlock(&h->g->lock);
		return rc;
	}
	default:
		return -EBADF;
	}
}

/* Reads of a snapshot are answered with the spool file itself: libfuse
 * splices its pages into the reply (no copy through this process); other
 * files are read into memory by hgfs_read. */
static int hgfs_read_buf(const char *path, struct fuse_bufvec **bufp, size_t size, off_t off,
			 struct fuse_file_info *fi)
{
	handle *h = fh(fi);
	struct fuse_bufvec *bv = malloc(sizeof(*bv));
	int rc;

	if (bv == NULL)
		return -ENOMEM;
	*bv = (struct fuse_bufvec)FUSE_BUFVEC_INIT(size);
	if (!hgfs_auth_path(path) && h->type == HGFS_N_SNAPFILE) {
		off_t end = h->snap->set.size[h->file];
		bv->buf[0].size = off >= end ? 0 : (size_t)(end - off) < size ? (size_t)(end - off) : size;
		bv->buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK | FUSE_BUF_FD_RETRY;
		bv->buf[0].fd = h->snap->set.fd[h->file];
		bv->buf[0].pos = off;
		*bufp = bv;
		return 0;
	}
	bv->buf[0].mem = malloc(size ? size : 1);
	if (bv->buf[0].mem == NULL) {
		free(bv);
		return -ENOMEM;
	}
	rc = hgfs_read(path, bv->buf[0].mem, size, off, fi);
	if (rc < 0) {
		free(bv->buf[0].mem);
		free(bv);
		return rc;
	}
	bv->buf[0].size = (size_t)rc;
	*bufp = bv;
	return 0;
}

/* Writes into a bounded in-memory buffer at off (or at its end). */
static int buf_put(char **data, size_t *len, size_t cap, bool grow, const char *src, size_t size, off_t off,
		   bool append)
{
	size_t at = append ? *len : (size_t)off;

	if (off < 0 || at + size > cap)
		return -EFBIG;
	if (grow && at + size > *len) {
		char *p = realloc(*data, at + size);
		if (p == NULL)
			return -ENOMEM;
		*data = p;
	}
	if (at > *len)
		memset(*data + *len, ' ', at - *len);
	memcpy(*data + at, src, size);
	if (at + size > *len)
		*len = at + size;
	return (int)size;
}

static int hgfs_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	hgfs *fs = get_fs();
	handle *h = fh(fi);
	int rc;

	if (hgfs_auth_path(path))
		return hgfs_auth_write(path, buf, size, off, fi);
	switch (h->type) {
	case HGFS_N_MODE:
		if (!h->writing)
			return -EBADF;
		if (h->failed)
			return h->failed;
		rc = buf_put(&h->buf, &h->len, MODE_BUF_MAX, false, buf, size, off, h->append);
		if (rc == -EFBIG)
			rc = -EINVAL;
		if (rc >= 0) {
			int jrc = mode_judge(fs, h->g, h->buf, h->len, false, &h->applied);
			if (jrc < 0)
				rc = jrc;
		}
		if (rc < 0)
			h->failed = rc;
		return rc;
	case HGFS_N_RESTORE_CHILD:
		if (!h->writing)
			return -EBADF;
		return hgfs_rs_write(h->g->restore, h->re, buf, size, off);
	case HGFS_N_SPACE_DEF:
		return hgfs_space_def_write(h->sf, buf, size, off);
	case HGFS_N_SCRATCH:
		pthread_mutex_lock(&h->g->lock);
		rc = buf_put(&h->scr->data, &h->scr->len, HGFS_SCRATCH_MAX, true, buf, size, off, h->append);
		clock_gettime(CLOCK_REALTIME, &h->scr->mtime);
		pthread_mutex_unlock(&h->g->lock);
		return rc;
	default:
		return -EBADF;
	}
}

static int hgfs_flush(const char *path, struct fuse_file_info *fi)
{
	hgfs *fs = get_fs();
	handle *h = fh(fi);

	if (hgfs_auth_path(path))
		return hgfs_auth_flush(path, fi);
	if (h->type == HGFS_N_RESTORE_CHILD)
		return h->writing ? hgfs_rs_flush(h->g->restore, h->re) : 0;
	if (h->type == HGFS_N_SPACE_DEF)
		return hgfs_space_def_flush(fs, h->sf);
	if (h->type != HGFS_N_MODE || !h->writing)
		return 0;
	if (h->failed)
		return h->failed;
	h->failed = mode_judge(fs, h->g, h->buf, h->len, true, &h->applied);
	return h->failed;
}

static int hgfs_release(const char *path, struct fuse_file_info *fi)
{
	handle *h = fh(fi);

	if (hgfs_auth_path(path))
		return hgfs_auth_release(path, fi);
	if (h->type == HGFS_N_SNAPFILE && h->snap != NULL) {
		if (!h->uncached) {
			pthread_mutex_lock(&h->g->lock);
			h->g->cached_open[h->file]--;
			pthread_mutex_unlock(&h->g->lock);
		}
		snap_release(h->g, h->snap, true);
	}
	if (h->type == HGFS_N_RESTORE_CHILD && h->re != NULL)
		hgfs_rs_release(h->g->restore, h->re, h->writing);
	if (h->type == HGFS_N_SPACE_DEF)
		hgfs_space_def_release(h->sf);
	if (h->type == HGFS_N_SCRATCH) {
		bool dead;
		pthread_mutex_lock(&h->g->lock);
		dead = --h->scr->open == 0 && h->scr->detached;
		pthread_mutex_unlock(&h->g->lock);
		if (dead)
			scratch_free(h->scr);
	}
	free(h->buf);
	free(h);
	return 0;
}

/* poll(2): not supported, so that the kernel treats every file as always
 * ready (as it does when the op is missing).  Defined only to free the poll
 * handle: without the op, libfuse's high-level layer leaks the 16 bytes it
 * allocates for each poll that asks to be notified (Go programs such as
 * rclone and restic poll every file they open). */
static int hgfs_poll(const char *path, struct fuse_file_info *fi, struct fuse_pollhandle *ph, unsigned *reventsp)
{
	(void)path, (void)fi, (void)reventsp;
	if (ph != NULL)
		fuse_pollhandle_destroy(ph);
	return -ENOSYS;
}

/* Files in restore/ only: restic preallocates what it restores. */
static int hgfs_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi)
{
	handle *h = fi != NULL ? fh(fi) : NULL;

	if (h == NULL || hgfs_auth_path(path) || h->type != HGFS_N_RESTORE_CHILD)
		return -EOPNOTSUPP;
	if (!h->writing)
		return -EBADF;
	return hgfs_rs_fallocate(h->g->restore, h->re, mode, off, len);
}

static int hgfs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	hgfs_path p;
	hgfs_graph *g;
	int rc;

	if (hgfs_auth_path(path))
		return hgfs_auth_truncate(path, size, fi);
	if (fi != NULL && fi->fh != 0) {
		handle *h = fh(fi);
		if (h->type == HGFS_N_MODE && h->writing && size == 0) {
			h->len = 0;
			return 0;
		}
		if (h->type == HGFS_N_RESTORE_CHILD)
			return hgfs_rs_truncate(h->g->restore, NULL, h->re, size);
		if (h->type == HGFS_N_SPACE_DEF)
			return hgfs_space_def_truncate(h->sf, size);
	}
	rc = hgfs_parse_path(path, &p);
	if (rc < 0)
		return rc;
	switch (p.type) {
	case HGFS_N_MODE:
		/* open(O_TRUNC) before writing a new value; the value is set by the write */
		return size == 0 ? 0 : -EINVAL;
	case HGFS_N_SCRATCH: {
		hgfs_scratch *s;
		rc = graph_of(get_fs(), &p, &g);
		if (rc < 0)
			return rc;
		if (size > HGFS_SCRATCH_MAX)
			return -EFBIG;
		pthread_mutex_lock(&g->lock);
		s = scratch_find_locked(g, p.name);
		if (s != NULL && (size_t)size > s->len) {
			char *d = realloc(s->data, (size_t)size);
			if (d == NULL) {
				pthread_mutex_unlock(&g->lock);
				return -ENOMEM;
			}
			memset(d + s->len, 0, (size_t)size - s->len);
			s->data = d;
		}
		if (s != NULL)
			s->len = (size_t)size;
		pthread_mutex_unlock(&g->lock);
		return s != NULL ? 0 : -ENOENT;
	}
	case HGFS_N_RESTORE_CHILD:
		rc = graph_of(get_fs(), &p, &g);
		return rc < 0 ? rc : hgfs_rs_truncate(g->restore, p.rest, NULL, size);
	case HGFS_N_SNAPFILE:
	case HGFS_N_RESTORE_STATUS:
	case HGFS_N_EXPORT_STATUS:
		return -EACCES;
	default:
		return -EPERM;
	}
}

/* chmod, chown, utimens: accepted (and ignored) on the writable files, so that
 * cp -a, rsync, tar and sed -i can do what they always do; in restore/ the
 * mode and mtime are kept for ls and rsync (owners are not: the mount's). */
static int set_attrs(const char *path, int mode, const struct timespec *mtime)
{
	hgfs_path p;
	hgfs_graph *g;
	int rc = hgfs_auth_path(path) ? hgfs_auth_setattr(path) : hgfs_parse_path(path, &p);

	if (hgfs_auth_path(path))
		return rc;

	if (rc < 0)
		return rc;
	switch (p.type) {
	case HGFS_N_MODE:
	case HGFS_N_SCRATCH:
	case HGFS_N_RESTORE:
	case HGFS_N_SPACE:
	case HGFS_N_SPACE_DEF:
		return 0;
	case HGFS_N_RESTORE_CHILD:
		rc = graph_of(get_fs(), &p, &g);
		return rc < 0 ? rc : hgfs_rs_setattr(g->restore, p.rest, mode, mtime);
	case HGFS_N_NONE:
		return -ENOENT;
	default:
		return -EPERM;
	}
}

static int hgfs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)fi;
	return set_attrs(path, (int)(mode & 07777), NULL);
}

static int hgfs_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	(void)uid, (void)gid, (void)fi;
	return set_attrs(path, -1, NULL);
}

static int hgfs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	struct timespec mtime;

	(void)fi;
	if (tv == NULL || tv[1].tv_nsec == UTIME_NOW)
		clock_gettime(CLOCK_REALTIME, &mtime);
	else if (tv[1].tv_nsec == UTIME_OMIT)
		return set_attrs(path, -1, NULL);
	else
		mtime = tv[1];
	return set_attrs(path, -1, &mtime);
}

static int hgfs_unlink(const char *path)
{
	hgfs_path p;
	hgfs_graph *g;
	hgfs_scratch *s;
	int rc = hgfs_auth_path(path) ? hgfs_auth_unlink(path) : hgfs_parse_path(path, &p);

	if (rc < 0 || hgfs_auth_path(path))
		return rc;
	if (p.type != HGFS_N_SCRATCH && p.type != HGFS_N_RESTORE_CHILD)
		return -EPERM;
	rc = graph_of(get_fs(), &p, &g);
	if (rc < 0)
		return rc;
	if (p.type == HGFS_N_RESTORE_CHILD)
		return hgfs_rs_unlink(g->restore, p.rest);
	pthread_mutex_lock(&g->lock);
	s = scratch_find_locked(g, p.name);
	if (s != NULL)
		scratch_remove_locked(g, s);
	pthread_mutex_unlock(&g->lock);
	return s != NULL ? 0 : -ENOENT;
}

/* true when two paths are in one graphspace (graphs/ is the main one's) */
static bool same_space(const hgfs *fs, const hgfs_path *a, const hgfs_path *b)
{
	return strcmp(hgfs_space_of(fs, a->space), hgfs_space_of(fs, b->space)) == 0;
}

static int hgfs_rename(const char *from, const char *to, unsigned int flags)
{
	hgfs *fs = get_fs();
	hgfs_path pf, pt;
	hgfs_graph *g;
	hgfs_scratch *s;
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (flags & RENAME_EXCHANGE)
		return -EINVAL;
	if (hgfs_auth_path(from) || hgfs_auth_path(to))
		return hgfs_auth_rename(from, to, flags);
	if ((rc = hgfs_parse_path(from, &pf)) < 0 || (rc = hgfs_parse_path(to, &pt)) < 0)
		return rc;
	if (pf.type == HGFS_N_RESTORE_CHILD || pt.type == HGFS_N_RESTORE_CHILD) {
		if (pf.type != pt.type)
			return -EPERM;
		if (strcmp(pf.graph, pt.graph) != 0 || !same_space(fs, &pf, &pt))
			return -EXDEV;
		rc = graph_of(fs, &pf, &g);
		return rc < 0 ? rc : hgfs_rs_rename(g->restore, pf.rest, pt.rest, flags);
	}
	if (pf.type != HGFS_N_SCRATCH || strcmp(pf.graph, pt.graph) != 0 || !same_space(fs, &pf, &pt) ||
	    (pt.type != HGFS_N_SCRATCH && pt.type != HGFS_N_MODE))
		return -EPERM;
	rc = graph_get(fs, pf.space, pf.graph, &g);
	if (rc < 0)
		return rc;

	pthread_mutex_lock(&g->lock);
	s = scratch_find_locked(g, pf.name);
	if (s == NULL) {
		rc = -ENOENT;
	} else if (pt.type == HGFS_N_SCRATCH) {
		hgfs_scratch *t = scratch_find_locked(g, pt.name);
		if (t != NULL && (flags & RENAME_NOREPLACE)) {
			rc = -EEXIST;
		} else if (t != s) {
			if (t != NULL)
				scratch_remove_locked(g, t);
			strcpy(s->name, pt.name);
		}
	} else if (flags & RENAME_NOREPLACE) {
		rc = -EEXIST;
	} else {
		data = malloc(s->len + 1);
		if (data == NULL) {
			rc = -ENOMEM;
		} else {
			memcpy(data, s->data, s->len);
			len = s->len;
		}
	}
	pthread_mutex_unlock(&g->lock);
	if (rc < 0 || pt.type == HGFS_N_SCRATCH)
		return rc;

	/* A file renamed over mode is a complete mode value. */
	{
		bool applied = false;
		if (hgfs_modeval(data, len, NULL) == HGFS_MV_EMPTY) {
			hgfs_log(LOG_ERR, "graph %s: refused an empty mode value", g->name);
			rc = -EINVAL;
		} else {
			rc = mode_judge(fs, g, data, len, true, &applied);
		}
	}
	free(data);
	if (rc == 0) {
		pthread_mutex_lock(&g->lock);
		s = scratch_find_locked(g, pf.name);
		if (s != NULL)
			scratch_remove_locked(g, s);
		pthread_mutex_unlock(&g->lock);
	}
	return rc;
}

/* mkdir graphs/NAME: the server creates graph NAME configured like the
 * first graph it lists (clone_graph_name), where it allows that: an
 * administrator's call, and HugeGraph 1.7 only with authentication on. */
static int graph_create(hgfs *fs, const char *space, const char *name)
{
	char **names, buf[1400];
	const char *from = NULL;
	hg_client *client = fs->client;
	hg_error err;
	int rc = graph_names(fs, space, &names);

	if (rc < 0)
		return rc;
	if (!hgfs_space_is_main(fs, space) && (rc = hgfs_space_client(fs, space, &client)) < 0) {
		hg_strv_free(names);
		return rc;
	}
	for (int i = 0; names[i] != NULL; i++) {
		if (strcmp(names[i], name) == 0) {
			hg_strv_free(names);
			return -EEXIST;
		}
		if (from == NULL && hgfs_valid_name(names[i]))
			from = names[i];
	}
	if (from == NULL) {
		hgfs_log(LOG_ERR, "mkdir graphs/%s: the server has no graph whose configuration a new one could copy; "
				  "add the graph to the server's configuration instead", name);
		hg_strv_free(names);
		return -EPERM;
	}
	hg_error_clear(&err);
	rc = hg_graph_create(client, name, from, &err);
	if (rc < 0) {
		hgfs_log(LOG_ERR, "mkdir graphs/%s: the server did not create the graph (%s)%s", name,
			 hg_error_format(&err, buf, sizeof(buf)),
			 err.http_status == 401 || err.http_status == 403
				 ? ": creating a graph takes an administrator"
				 : err.http_status >= 500 ? ": HugeGraph 1.7 creates graphs only with authentication on; "
							    "else add the graph to the server's configuration"
							  : "");
		rc = err.http_status == 401 || err.http_status == 403 ? -EACCES
		     : strstr(err.message, "has existed") != NULL      ? -EEXIST
									: -EPERM;
	} else {
		hgfs_log(LOG_INFO, "graph '%s' created on the server, configured like '%s'", name, from);
	}
	hg_strv_free(names);
	/* the next look lists the graphs anew */
	hgfs_space_graphs_changed(fs, space);
	pthread_mutex_lock(&fs->lock);
	hg_strv_free(fs->graph_names);
	fs->graph_names = NULL;
	pthread_mutex_unlock(&fs->lock);
	return rc;
}

static int hgfs_mkdir(const char *path, mode_t mode)
{
	hgfs_path p;
	hgfs_graph *g;
	int rc = hgfs_auth_path(path) ? hgfs_auth_mkdir(path) : hgfs_parse_path(path, &p);

	if (hgfs_auth_path(path))
		return rc;

	if (rc < 0)
		return rc;
	if (p.type == HGFS_N_RESTORE_CHILD) {
		rc = graph_of(get_fs(), &p, &g);
		return rc < 0 ? rc : hgfs_rs_mkdir(g->restore, p.rest, mode);
	}
	if (p.type == HGFS_N_GRAPH) {
		if (p.space[0] != '\0' && (rc = hgfs_space_check(get_fs(), p.space)) < 0)
			return rc;
		rc = graph_get(get_fs(), p.space, p.graph, &g);
		return rc == 0		 ? -EEXIST
		       : rc == -ENOENT ? graph_create(get_fs(), hgfs_space_of(get_fs(), p.space), p.graph)
				       : rc;
	}
	if (p.type == HGFS_N_SPACE || p.type == HGFS_N_SPACES) {
		rc = client_ready(get_fs());
		return rc < 0 ? rc : hgfs_space_mkdir(get_fs(), &p);
	}
	return p.type == HGFS_N_NONE ? -ENOENT : (p.type == HGFS_N_SCRATCH ? -EPERM : -EEXIST);
}

static int hgfs_rmdir(const char *path)
{
	hgfs_path p;
	hgfs_graph *g;
	int rc = hgfs_auth_path(path) ? hgfs_auth_mkdir(path) : hgfs_parse_path(path, &p);

	if (hgfs_auth_path(path))
		return rc == -EEXIST ? -EPERM : rc == -EPERM ? -ENOENT : rc;

	if (rc < 0)
		return rc;
	if (p.type == HGFS_N_SPACE) {
		rc = client_ready(get_fs());
		return rc < 0 ? rc : hgfs_space_rmdir(get_fs(), &p);
	}
	if (p.type != HGFS_N_RESTORE_CHILD)
		return p.type == HGFS_N_NONE ? -ENOENT : -EPERM;
	rc = graph_of(get_fs(), &p, &g);
	return rc < 0 ? rc : hgfs_rs_rmdir(g->restore, p.rest);
}

/* df: the free space is spool_dir's (where snapshots and restore files
 * go), the used space the snapshots the daemon holds now. */
static int hgfs_statfs(const char *path, struct statvfs *st)
{
	hgfs *fs = get_fs();
	struct statvfs sp;
	unsigned long long held = 0;

	(void)path;
	memset(st, 0, sizeof(*st));
	if (statvfs(fs->cfg.spool_dir, &sp) != 0)
		return -errno;
	pthread_mutex_lock(&fs->lock);
	for (hgfs_graph *g = fs->graphs; g != NULL; g = g->next) {
		pthread_mutex_lock(&g->lock);
		for (int f = 0; g->current != NULL && f < HGFS_F__COUNT; f++)
			held += (unsigned long long)g->current->set.size[f];
		pthread_mutex_unlock(&g->lock);
	}
	pthread_mutex_unlock(&fs->lock);
	st->f_bsize = sp.f_bsize;
	st->f_frsize = sp.f_frsize > 0 ? sp.f_frsize : sp.f_bsize;
	st->f_bavail = sp.f_bavail;
	st->f_bfree = sp.f_bavail;
	st->f_blocks = sp.f_bavail + (held + st->f_frsize - 1) / st->f_frsize;
	st->f_namemax = HGFS_NAME_MAX;
	return 0;
}

/* Drops every snapshot that has expired, so that its spool files go away
 * without waiting for the next access. */
static void drop_expired(hgfs *fs)
{
	struct timespec now = now_mono();

	pthread_mutex_lock(&fs->lock);
	for (hgfs_graph *g = fs->graphs; g != NULL; g = g->next) {
		hgfs_snapshot *dead = NULL;

		pthread_mutex_lock(&g->lock);
		if (g->current != NULL && !g->building && hgfs_snapshot_expired(g->current, &now, fs->cfg.snapshot_ttl)) {
			snap_unref_locked(g->current, &dead);
			g->current = NULL;
		}
		pthread_mutex_unlock(&g->lock);
		hgfs_snapshot_close(dead);
	}
	pthread_mutex_unlock(&fs->lock);
}

/* modenote.h's client of a graphspace */
static int note_client(void *ctx, const char *graphspace, hg_client **out)
{
	hgfs *fs = ctx;

	if (graphspace == NULL || hgfs_space_is_main(fs, graphspace))
		return hgfs_client_get(fs, out);
	return hgfs_space_client(fs, graphspace, out);
}

static void *janitor_main(void *arg)
{
	hgfs *fs = arg;
	bool notes_done = fs->cfg.state_dir == NULL;

	pthread_mutex_lock(&fs->lock);
	while (!fs->stopping) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		/* read modes that a killed daemon left ALL: once the server answers */
		if (!notes_done) {
			pthread_mutex_unlock(&fs->lock);
			if (client_ready(fs) == 0) {
				hgfs_modenote_repair(fs->cfg.state_dir, hg_client_url(fs->client), note_client, fs);
				notes_done = true;
			}
			pthread_mutex_lock(&fs->lock);
			if (fs->stopping)
				break;
		}
		pthread_cond_timedwait(&fs->janitor_cond, &fs->lock, &until);
		if (fs->stopping)
			break;
		pthread_mutex_unlock(&fs->lock);
		drop_expired(fs);
		pthread_mutex_lock(&fs->lock);
	}
	pthread_mutex_unlock(&fs->lock);
	return NULL;
}

static void *hgfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	hgfs *fs = fuse_get_context()->private_data;

	/* A snapshot file's pages stay valid for as long as the kernel may use
	 * them: open() drops them (keep_cache 0) when a new snapshot replaced the
	 * one cached.  Automatic invalidation would instead ask for the
	 * attributes (a round trip, attr_timeout is 0) before every read(). */
	conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
	/* snapshot reads: spool pages spliced into the replies */
	conn->want |= conn->capable & (FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE);
	/* sizes and mtimes change with every snapshot: never cache them */
	cfg->attr_timeout = 0;
	cfg->entry_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->use_ino = 0;
	cfg->nullpath_ok = 0;
	/* an interrupted caller (Ctrl-C, timeout(1)) stops waiting: its
	 * request sees fuse_interrupted(), see stop_waiting() */
	cfg->intr = 1;
	cfg->intr_signal = HGFS_INTR_SIGNAL;

	fs->se = fuse_get_session(fuse_get_context()->fuse);
	pthread_mutex_init(&fs->client_lock, NULL);
	hgfs_spaces_init(fs);
	client_ready(fs);
	/* restore/ then fails its creates with EIO (logged) */
	(void)hgfs_rs_spool_init(fs->cfg.spool_dir, &fs->restore_spool);
	pthread_cond_init(&fs->janitor_cond, NULL);
	fs->janitor_running = pthread_create(&fs->janitor, NULL, janitor_main, fs) == 0;
	return fs;
}

static void hgfs_destroy(void *data)
{
	hgfs *fs = data;
	hgfs_graph *g, *next;
	int running = 0;

	/* exports in flight see it through the client's cancel hook */
	__atomic_store_n(&fs->quit, 1, __ATOMIC_RELAXED);
	for (g = fs->graphs; g != NULL; g = g->next)
		running += g->building;
	if (running > 0)
		hgfs_log(LOG_NOTICE, "stopping: aborting %d export%s in progress", running, running > 1 ? "s" : "");
	for (g = fs->graphs; g != NULL; g = g->next) {
		if (g->builder_joinable)
			pthread_join(g->builder, NULL);
		g->builder_joinable = false;
	}
	if (fs->janitor_running) {
		pthread_mutex_lock(&fs->lock);
		fs->stopping = true;
		pthread_cond_signal(&fs->janitor_cond);
		pthread_mutex_unlock(&fs->lock);
		pthread_join(fs->janitor, NULL);
		fs->janitor_running = false;
	}
	pthread_cond_destroy(&fs->janitor_cond);

	for (g = fs->graphs; g != NULL; g = next) {
		next = g->next;
		if (g->current != NULL && --g->current->refs == 0)
			hgfs_snapshot_close(g->current);
		hgfs_rs_free(g->restore, g->name);
		hgfs_snapmemo_free(&g->memo);
		while (g->scratch != NULL) {
			hgfs_scratch *s = g->scratch;
			g->scratch = s->next;
			scratch_free(s);
		}
		pthread_mutex_destroy(&g->lock);
		pthread_cond_destroy(&g->cond);
		free(g);
	}
	fs->graphs = NULL;
	hgfs_rs_spool_end(fs->restore_spool);
	fs->restore_spool = NULL;
	hg_strv_free(fs->graph_names);
	fs->graph_names = NULL;
	hgfs_auth_destroy();
	hgfs_spaces_free(fs);
	hg_client_free(fs->client);
	fs->client = NULL;
	pthread_mutex_destroy(&fs->client_lock);
}

const struct fuse_operations hgfs_ops = {
	.init = hgfs_init,
	.destroy = hgfs_destroy,
	.getattr = hgfs_getattr,
	.readdir = hgfs_readdir,
	.open = hgfs_open,
	.create = hgfs_create,
	.read = hgfs_read,
	.read_buf = hgfs_read_buf,
	.write = hgfs_write,
	.flush = hgfs_flush,
	.release = hgfs_release,
	.truncate = hgfs_truncate,
	.fallocate = hgfs_fallocate,
	.poll = hgfs_poll,
	.chmod = hgfs_chmod,
	.chown = hgfs_chown,
	.utimens = hgfs_utimens,
	.unlink = hgfs_unlink,
	.rename = hgfs_rename,
	.mkdir = hgfs_mkdir,
	.rmdir = hgfs_rmdir,
	.statfs = hgfs_statfs,
};
