/*
 * auth.c - MOUNT/auth/ (auth.h): the server's auth data as files, and its
 * restore.
 *
 * Backup: the lists (GET .../auth/{kind}) are read together into one
 * in-memory snapshot, handed to new opens for snapshot_ttl seconds; each
 * file holds one element a line, compact JSON with the server's member
 * order, sorted by id.  A file whose bytes did not change keeps its mtime.
 * A kind the server does not serve (404) has no file.
 *
 * Restore: files copied into auth/restore/ are held in memory; each time
 * one of them is closed after a write (or renamed into place), every file
 * there is replayed against the server by the engine (backup/authdata.h:
 * dependency order, names, conflicts, passwords, projects).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "authdata.h"
#include "hgauth.h"
#include "spaces.h"

#define AUTH_FILE_MAX ((size_t)64 << 20) /* one file in auth/restore/ */
#define AUTH_RFILES_MAX 64

typedef struct auth_snap {
	int refs; /* under A.lock; the current snapshot holds one */
	struct timespec made; /* monotonic */
	bool present[HG_AUTH__COUNT];
	char *data[HG_AUTH__COUNT];
	size_t len[HG_AUTH__COUNT];
	struct timespec mtime[HG_AUTH__COUNT];
} auth_snap;

typedef struct rfile {
	struct rfile *next;
	char name[HGFS_NAME_MAX + 1];
	char *data;
	size_t len;
	mode_t mode;
	struct timespec mtime;
	int open;
	bool detached; /* unlinked or replaced while open */
} rfile;

/* The auth data of one graphspace: MOUNT/auth/ (the mount's graphspace, or
 * the server's before 1.7) and MOUNT/graphspaces/<gs>/auth/.  Made at the
 * first look, kept until the unmount. */
typedef struct adir {
	struct adir *next;
	char *space; /* "": the mount's own */
	auth_snap *cur;
	bool building;
	/* the last snapshot's bytes and mtimes, to keep unchanged files' mtime */
	char *last[HG_AUTH__COUNT];
	size_t last_len[HG_AUTH__COUNT];
	bool last_present[HG_AUTH__COUNT];
	struct timespec last_mtime[HG_AUTH__COUNT];
	rfile *files;
	int nfiles;
	char *status;
	size_t status_len;
	struct timespec status_mtime;
	hgfs_auth_memory *made; /* what this mount created and the conflicts it logged */
	pthread_mutex_t pass; /* one restore pass at a time */
} adir;

static struct {
	pthread_mutex_t lock; /* the dirs and all in them */
	pthread_cond_t cond;
	int visible; /* -1: not decided yet */
	adir *dirs;
} A = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.visible = -1,
};

enum { H_SNAP = 1, H_RFILE, H_STATUS };

typedef struct ahandle {
	int what;
	adir *d;
	auth_snap *snap;
	hg_auth_kind kind;
	rfile *rf;
	char *text; /* restore.status as opened */
	size_t len;
	bool dirty; /* written since the last pass */
} ahandle;

static hgfs *get_fs(void)
{
	return fuse_get_context()->private_data;
}

static ahandle *ah(struct fuse_file_info *fi)
{
	return (ahandle *)(uintptr_t)fi->fh;
}

static struct timespec mono_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

static struct timespec wall_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec = 0;
	return t;
}

/* ---- paths ------------------------------------------------------------------ */

enum { P_NONE, P_DIR, P_FILE, P_RDIR, P_RFILE, P_STATUS };

typedef struct apath {
	int type;
	hg_auth_kind kind;
	const char *name; /* P_RFILE */
	char space[HGFS_NAME_MAX + 1]; /* "": MOUNT/auth/ */
	adir *d; /* check()'s */
} apath;

/* "/auth..." or "/graphspaces/<gs>/auth...": what follows auth, and the
 * graphspace ("" for the first form) into space; NULL for other paths. */
static const char *split(const char *path, char *space, size_t splen)
{
	const char *s = path, *gs;
	size_t n;

	if (path == NULL)
		return NULL;
	space[0] = '\0';
	if (strncmp(s, "/graphspaces/", 13) == 0) {
		gs = s + 13;
		n = strcspn(gs, "/");
		if (n == 0 || n >= splen || gs[n] != '/')
			return NULL;
		memcpy(space, gs, n);
		space[n] = '\0';
		s = gs + n;
	}
	if (strncmp(s, "/auth", 5) != 0 || (s[5] != '\0' && s[5] != '/'))
		return NULL;
	return s + 5;
}

bool hgfs_auth_path(const char *path)
{
	char space[HGFS_NAME_MAX + 1];

	return split(path, space, sizeof(space)) != NULL;
}

static int parse(const char *path, apath *p)
{
	const char *s;
	int k;

	memset(p, 0, sizeof(*p));
	s = split(path, p->space, sizeof(p->space));
	if (s == NULL)
		return -ENOENT;
	while (*s == '/')
		s++;
	if (*s == '\0') {
		p->type = P_DIR;
		return 0;
	}
	if (strcmp(s, "restore.status") == 0) {
		p->type = P_STATUS;
		return 0;
	}
	if (strncmp(s, "restore", 7) == 0 && (s[7] == '\0' || s[7] == '/')) {
		s += 7;
		while (*s == '/')
			s++;
		if (*s == '\0') {
			p->type = P_RDIR;
			return 0;
		}
		if (strchr(s, '/') != NULL)
			return -ENOENT;
		if (strlen(s) > HGFS_NAME_MAX)
			return -ENAMETOOLONG;
		if (!hgfs_valid_name(s))
			return -ENOENT;
		p->type = P_RFILE;
		p->name = s;
		return 0;
	}
	k = hgfs_auth_kind_of_file(s);
	if (k < 0)
		return -ENOENT;
	p->type = P_FILE;
	p->kind = (hg_auth_kind)k;
	return 0;
}

/* ---- the server --------------------------------------------------------------- */

/* The client and, for servers before 1.7, a graph to reach the auth API
 * through (the data is the server's, any graph serves it).  space: "" for
 * the mount's own, else another graphspace (1.7). */
static int server(hgfs *fs, const char *space, hg_client **c, char **graph)
{
	char **names = NULL;
	hg_error err;
	int rc;

	*graph = NULL;
	if (space[0] != '\0')
		return hgfs_space_client(fs, space, c);
	rc = hgfs_client_get(fs, c);
	if (rc < 0)
		return rc;
	if (hg_client_graphspace(*c) != NULL)
		return 0;
	rc = hg_list_graphs(*c, &names, &err);
	if (rc < 0)
		return hgfs_errno_client(rc);
	if (names[0] == NULL) {
		hg_strv_free(names);
		return -ENOENT;
	}
	*graph = strdup(names[0]);
	hg_strv_free(names);
	return *graph != NULL ? 0 : -ENOMEM;
}

/* Managers are 1.7's (graphspace administrators and members): servers
 * before it have no file of them. */
static bool has_kind(hgfs *fs, hg_auth_kind k)
{
	hg_client *c;

	if (k != HG_AUTH_MANAGERS)
		return true;
	return hgfs_client_get(fs, &c) == 0 && hg_client_graphspace(c) != NULL;
}

/* true when the list answer of users names the administrator */
static bool lists_admin(const char *body)
{
	cJSON *root = cJSON_Parse(body), *arr, *it;
	bool found = false;

	arr = cJSON_GetObjectItemCaseSensitive(root, "users");
	cJSON_ArrayForEach(it, arr) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "user_name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, HGFS_AUTH_ADMIN) == 0)
			found = true;
	}
	cJSON_Delete(root);
	return found;
}

bool hgfs_auth_visible(hgfs *fs)
{
	hg_client *c;
	char *graph = NULL, *body = NULL;
	size_t len;
	hg_error err;
	int rc, v;

	/* HugeGraph's administrator is the user named admin; nobody else may
	 * list or create what this directory holds */
	if (fs->cfg.user == NULL || strcmp(fs->cfg.user, HGFS_AUTH_ADMIN) != 0)
		return false;
	pthread_mutex_lock(&A.lock);
	v = A.visible;
	pthread_mutex_unlock(&A.lock);
	if (v >= 0)
		return v == 1;
	if (server(fs, "", &c, &graph) < 0)
		return false; /* decided later, when the server answers */
	rc = hg_auth_list(c, graph, HG_AUTH_USERS, &body, &len, &err);
	free(graph);
	/* a server without authentication: HugeGraph 1.5 answers its auth API so */
	if (rc == -HG_ESERVER && strstr(err.message, "Unconfigured authenticator") != NULL)
		rc = -HG_EFORBIDDEN;
	if (rc == -HG_ETRANSPORT || rc == -HG_ESERVER || rc == -HG_EBUSY || rc == -HG_EINTR || rc == -HG_ENOMEM) {
		free(body);
		return false; /* not decided */
	}
	/* an answer that does not list the administrator: a server without
	 * authentication (every caller is an anonymous admin) shows none */
	v = rc == 0 && lists_admin(body);
	free(body);
	pthread_mutex_lock(&A.lock);
	A.visible = v;
	pthread_mutex_unlock(&A.lock);
	return v == 1;
}

/* ---- the backup ------------------------------------------------------------------ */

static void snap_free(auth_snap *s)
{
	if (s == NULL)
		return;
	for (int k = 0; k < HG_AUTH__COUNT; k++)
		free(s->data[k]);
	free(s);
}

static void snap_unref_locked(auth_snap *s)
{
	if (s != NULL && --s->refs == 0)
		snap_free(s);
}

static int snap_build(hgfs *fs, adir *d, auth_snap **out)
{
	hg_client *c;
	char *graph = NULL;
	auth_snap *s;
	int rc;

	*out = NULL;
	rc = server(fs, d->space, &c, &graph);
	if (rc < 0)
		return rc;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		free(graph);
		return -ENOMEM;
	}
	for (int k = 0; k < HG_AUTH__COUNT && rc == 0; k++) {
		char *body = NULL, buf[1400];
		size_t len;
		hg_error err;
		int r = has_kind(fs, (hg_auth_kind)k) ? hg_auth_list(c, graph, (hg_auth_kind)k, &body, &len, &err)
						      : -HG_ENOTFOUND;

		if (r == -HG_ENOTFOUND) {
			/* a kind this server does not have */
			free(body);
			continue;
		}
		if (r < 0) {
			hgfs_log(LOG_ERR, "auth backup: cannot list %s: %s", hg_auth_kind_name((hg_auth_kind)k),
				 hg_error_format(&err, buf, sizeof(buf)));
			rc = hgfs_errno_client(r);
		} else {
			rc = hgfs_auth_render((hg_auth_kind)k, body, &s->data[k], &s->len[k]);
			if (rc == -EPROTO) {
				hgfs_log(LOG_ERR, "auth backup: the server's list of %s has no \"%s\" array of objects",
					 hg_auth_kind_name((hg_auth_kind)k), hg_auth_kind_name((hg_auth_kind)k));
				rc = -EIO;
			}
			s->present[k] = rc == 0;
		}
		free(body);
	}
	free(graph);
	if (rc < 0) {
		snap_free(s);
		return rc;
	}
	s->made = mono_now();
	*out = s;
	return 0;
}

static bool expired(const auth_snap *s, double ttl)
{
	struct timespec now = mono_now();
	double age = (double)(now.tv_sec - s->made.tv_sec) + (double)(now.tv_nsec - s->made.tv_nsec) / 1e9;
	return age > ttl;
}

/* The current snapshot (a new one when it expired), with a reference. */
static int snap_get(hgfs *fs, adir *d, auth_snap **out)
{
	auth_snap *s;
	int rc;

	pthread_mutex_lock(&A.lock);
	for (;;) {
		if (d->cur != NULL && !expired(d->cur, fs->cfg.snapshot_ttl)) {
			d->cur->refs++;
			*out = d->cur;
			pthread_mutex_unlock(&A.lock);
			return 0;
		}
		if (!d->building)
			break;
		pthread_cond_wait(&A.cond, &A.lock);
	}
	d->building = true;
	pthread_mutex_unlock(&A.lock);

	rc = snap_build(fs, d, &s);

	pthread_mutex_lock(&A.lock);
	d->building = false;
	pthread_cond_broadcast(&A.cond);
	if (rc < 0) {
		pthread_mutex_unlock(&A.lock);
		return rc;
	}
	{
		struct timespec now = wall_now();
		for (int k = 0; k < HG_AUTH__COUNT; k++) {
			bool same = d->last_present[k] && s->present[k] && d->last_len[k] == s->len[k] &&
				    memcmp(d->last[k], s->data[k], s->len[k]) == 0;
			if (same) {
				s->mtime[k] = d->last_mtime[k];
				continue;
			}
			/* whole seconds, later than the last one: rsync sees the change */
			s->mtime[k] = now;
			if (s->mtime[k].tv_sec <= d->last_mtime[k].tv_sec)
				s->mtime[k].tv_sec = d->last_mtime[k].tv_sec + 1;
			free(d->last[k]);
			d->last[k] = NULL;
			d->last_len[k] = 0;
			if (s->present[k] && (d->last[k] = malloc(s->len[k] + 1)) != NULL) {
				memcpy(d->last[k], s->data[k], s->len[k]);
				d->last_len[k] = s->len[k];
			}
			d->last_present[k] = s->present[k] && d->last[k] != NULL;
			d->last_mtime[k] = s->mtime[k];
		}
	}
	snap_unref_locked(d->cur);
	d->cur = s;
	s->refs = 2; /* current, and the caller's */
	*out = s;
	pthread_mutex_unlock(&A.lock);
	return 0;
}

static void snap_put(auth_snap *s)
{
	pthread_mutex_lock(&A.lock);
	snap_unref_locked(s);
	pthread_mutex_unlock(&A.lock);
}

/* A change made through the mount: the next look lists anew. */
static void snap_drop(adir *d)
{
	pthread_mutex_lock(&A.lock);
	snap_unref_locked(d->cur);
	d->cur = NULL;
	pthread_mutex_unlock(&A.lock);
}

/* ---- the restore ------------------------------------------------------------------- */

static void set_status(adir *d, char *text, size_t len)
{
	pthread_mutex_lock(&A.lock);
	free(d->status);
	d->status = text;
	d->status_len = text != NULL ? len : 0;
	d->status_mtime = wall_now();
	pthread_mutex_unlock(&A.lock);
}

/* One pass over every file of auth/restore/.  For the file of kind `kind`
 * (-1: none): 0, -EIO when some of it could not be created, -EINVAL when
 * it was refused; or the error of listing the server's. */
static int restore_pass(hgfs *fs, adir *d, int kind)
{
	hgfs_auth_restore_cfg cfg = {.password_file = fs->cfg.auth_password_file};
	hgfs_auth_set *set = hgfs_auth_set_new();
	char *graph = NULL, *status = NULL;
	size_t len = 0;
	int rc;

	if (set == NULL)
		return -ENOMEM;
	pthread_mutex_lock(&d->pass);
	/* the files, as they are now */
	pthread_mutex_lock(&A.lock);
	for (rfile *f = d->files; f != NULL; f = f->next)
		hgfs_auth_set_add(set, f->name, f->data, f->len);
	if (d->made == NULL)
		d->made = hgfs_auth_memory_new();
	cfg.memory = d->made;
	pthread_mutex_unlock(&A.lock);

	rc = server(fs, d->space, &cfg.client, &graph);
	if (rc == 0) {
		cfg.graph = graph;
		cfg.managers = has_kind(fs, HG_AUTH_MANAGERS);
		rc = hgfs_auth_set_replay(set, &cfg, kind, &status, &len);
		set_status(d, status, len);
	}
	hgfs_auth_set_free(set);
	free(graph);
	snap_drop(d);
	pthread_mutex_unlock(&d->pass);
	return rc;
}

/* ---- restore/ files ---------------------------------------------------------------- */

static rfile *rfile_find_locked(adir *d, const char *name)
{
	for (rfile *f = d->files; f != NULL; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static void rfile_unlink_locked(adir *d, rfile *f)
{
	for (rfile **pp = &d->files; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			d->nfiles--;
			break;
		}
	}
	if (f->open > 0) {
		f->detached = true;
	} else {
		free(f->data);
		free(f);
	}
}

/* ---- the operations ----------------------------------------------------------------- */

static void fill(hgfs *fs, struct stat *st, mode_t mode, off_t size, const struct timespec *mtime)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = mode;
	st->st_nlink = S_ISDIR(mode) ? 2 : 1;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_size = size;
	st->st_blocks = (size + 511) / 512;
	st->st_mtim = st->st_atim = st->st_ctim = *mtime;
}

/* The dir of graphspace space ("" or the mount's own: MOUNT/auth/'s) */
static int dir_get(hgfs *fs, const char *space, adir **out)
{
	const char *key = space[0] == '\0' || hgfs_space_is_main(fs, space) ? "" : space;
	adir *d;
	int rc;

	if (key[0] != '\0' && (rc = hgfs_space_check(fs, key)) < 0)
		return rc;
	pthread_mutex_lock(&A.lock);
	for (d = A.dirs; d != NULL && strcmp(d->space, key) != 0; d = d->next)
		;
	if (d == NULL && (d = calloc(1, sizeof(*d))) != NULL) {
		d->space = strdup(key);
		if (d->space == NULL) {
			free(d);
			d = NULL;
		} else {
			pthread_mutex_init(&d->pass, NULL);
			d->next = A.dirs;
			A.dirs = d;
		}
	}
	pthread_mutex_unlock(&A.lock);
	*out = d;
	return d != NULL ? 0 : -ENOMEM;
}

/* -ENOENT for everything when the mount may not see auth/; p->d set */
static int check(hgfs *fs, const char *path, apath *p)
{
	int rc;

	if (!hgfs_auth_visible(fs))
		return -ENOENT;
	rc = parse(path, p);
	return rc < 0 ? rc : dir_get(fs, p->space, &p->d);
}

int hgfs_auth_getattr(const char *path, struct stat *st)
{
	hgfs *fs = get_fs();
	struct timespec started = {fs->started, 0};
	apath p;
	int rc = check(fs, path, &p);

	if (rc < 0)
		return rc;
	if (p.type == P_FILE && !has_kind(fs, p.kind))
		return -ENOENT;
	switch (p.type) {
	case P_DIR:
		fill(fs, st, S_IFDIR | 0500, 0, &started);
		return 0;
	case P_RDIR:
		fill(fs, st, S_IFDIR | 0700, 0, &started);
		return 0;
	case P_FILE: {
		auth_snap *s;
		rc = snap_get(fs, p.d, &s);
		if (rc < 0)
			return rc;
		if (s->present[p.kind])
			fill(fs, st, S_IFREG | 0400, (off_t)s->len[p.kind], &s->mtime[p.kind]);
		else
			rc = -ENOENT;
		snap_put(s);
		return rc;
	}
	case P_STATUS:
		pthread_mutex_lock(&A.lock);
		fill(fs, st, S_IFREG | 0400, (off_t)p.d->status_len,
		     p.d->status_mtime.tv_sec ? &p.d->status_mtime : &started);
		pthread_mutex_unlock(&A.lock);
		return 0;
	case P_RFILE: {
		rfile *f;
		pthread_mutex_lock(&A.lock);
		f = rfile_find_locked(p.d, p.name);
		if (f != NULL)
			fill(fs, st, S_IFREG | (f->mode & 0777), (off_t)f->len, &f->mtime);
		pthread_mutex_unlock(&A.lock);
		return f != NULL ? 0 : -ENOENT;
	}
	default:
		return -ENOENT;
	}
}

static void add(fuse_fill_dir_t filler, void *buf, const char *name, bool dir)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = dir ? S_IFDIR : S_IFREG;
	filler(buf, name, &st, 0, 0);
}

int hgfs_auth_readdir(const char *path, void *buf, fuse_fill_dir_t filler)
{
	hgfs *fs = get_fs();
	apath p;
	int rc = check(fs, path, &p);

	if (rc < 0)
		return rc;
	if (p.type == P_DIR) {
		char name[32];
		/* listing asks the server nothing (1.0-1.7 serve every kind but
		 * managers, which only 1.7 has) */
		add(filler, buf, ".", true);
		add(filler, buf, "..", true);
		for (int k = 0; k < HG_AUTH__COUNT; k++)
			if (has_kind(fs, (hg_auth_kind)k))
				add(filler, buf, hgfs_auth_file_name((hg_auth_kind)k, name, sizeof(name)), false);
		add(filler, buf, "restore", true);
		add(filler, buf, "restore.status", false);
		return 0;
	}
	if (p.type == P_RDIR) {
		add(filler, buf, ".", true);
		add(filler, buf, "..", true);
		pthread_mutex_lock(&A.lock);
		for (rfile *f = p.d->files; f != NULL; f = f->next)
			add(filler, buf, f->name, false);
		pthread_mutex_unlock(&A.lock);
		return 0;
	}
	return -ENOTDIR;
}

int hgfs_auth_open(const char *path, struct fuse_file_info *fi, bool create, mode_t mode)
{
	hgfs *fs = get_fs();
	int acc = fi->flags & O_ACCMODE;
	ahandle *h;
	apath p;
	adir *d;
	int rc = check(fs, path, &p);

	if (rc < 0)
		return rc;
	d = p.d;
	if (p.type == P_DIR || p.type == P_RDIR)
		return -EISDIR;
	if (p.type != P_RFILE && (create || acc != O_RDONLY))
		return -EACCES;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	h->d = d;
	switch (p.type) {
	case P_FILE:
		rc = snap_get(fs, d, &h->snap);
		if (rc == 0 && !h->snap->present[p.kind]) {
			snap_put(h->snap);
			rc = -ENOENT;
		}
		h->what = H_SNAP;
		h->kind = p.kind;
		fi->direct_io = 1; /* sizes change between snapshots */
		break;
	case P_STATUS:
		h->what = H_STATUS;
		pthread_mutex_lock(&A.lock);
		h->len = d->status_len;
		h->text = malloc(h->len + 1);
		if (h->text == NULL)
			rc = -ENOMEM;
		else if (h->len)
			memcpy(h->text, d->status, h->len);
		pthread_mutex_unlock(&A.lock);
		fi->direct_io = 1;
		break;
	case P_RFILE: {
		rfile *f;
		h->what = H_RFILE;
		pthread_mutex_lock(&A.lock);
		f = rfile_find_locked(p.d, p.name);
		if (f == NULL && !create && !(fi->flags & O_CREAT)) {
			rc = -ENOENT;
		} else if (f != NULL && create && (fi->flags & O_EXCL)) {
			rc = -EEXIST;
		} else if (f == NULL) {
			if (d->nfiles >= AUTH_RFILES_MAX || (f = calloc(1, sizeof(*f))) == NULL) {
				rc = d->nfiles >= AUTH_RFILES_MAX ? -ENOSPC : -ENOMEM;
			} else {
				snprintf(f->name, sizeof(f->name), "%s", p.name);
				f->mode = (mode & 0777) ? (mode & 0777) : 0600;
				f->mtime = wall_now();
				f->next = d->files;
				d->files = f;
				d->nfiles++;
			}
		}
		if (rc == 0 && (fi->flags & O_TRUNC) && acc != O_RDONLY) {
			f->len = 0;
			f->mtime = wall_now();
			h->dirty = true;
		}
		if (rc == 0) {
			f->open++;
			h->rf = f;
			h->dirty = h->dirty || create;
		}
		pthread_mutex_unlock(&A.lock);
		fi->direct_io = 1;
		break;
	}
	default:
		rc = -ENOENT;
	}
	if (rc < 0) {
		free(h->text);
		free(h);
		return rc;
	}
	fi->fh = (uint64_t)(uintptr_t)h;
	return 0;
}

static int copy_out(const char *data, size_t len, char *buf, size_t size, off_t off)
{
	size_t n;

	if (off < 0 || (size_t)off >= len)
		return 0;
	n = len - (size_t)off < size ? len - (size_t)off : size;
	memcpy(buf, data + off, n);
	return (int)n;
}

int hgfs_auth_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	ahandle *h = ah(fi);
	int n;

	(void)path;
	switch (h->what) {
	case H_SNAP:
		return copy_out(h->snap->data[h->kind], h->snap->len[h->kind], buf, size, off);
	case H_STATUS:
		return copy_out(h->text, h->len, buf, size, off);
	case H_RFILE:
		pthread_mutex_lock(&A.lock);
		n = copy_out(h->rf->data, h->rf->len, buf, size, off);
		pthread_mutex_unlock(&A.lock);
		return n;
	default:
		return -EBADF;
	}
}

/* grows f to hold end bytes */
static int rfile_reserve(rfile *f, size_t end)
{
	char *p;

	if (end > AUTH_FILE_MAX)
		return -EFBIG;
	p = realloc(f->data, end ? end : 1);
	if (p == NULL)
		return -ENOMEM;
	f->data = p;
	return 0;
}

int hgfs_auth_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	ahandle *h = ah(fi);
	rfile *f = h->rf;
	size_t end;
	int rc;

	(void)path;
	if (h->what != H_RFILE)
		return -EBADF;
	pthread_mutex_lock(&A.lock);
	if (fi->flags & O_APPEND)
		off = (off_t)f->len;
	end = (size_t)off + size;
	rc = end > f->len ? rfile_reserve(f, end) : 0;
	if (rc == 0) {
		if ((size_t)off > f->len)
			memset(f->data + f->len, 0, (size_t)off - f->len);
		memcpy(f->data + off, buf, size);
		if (end > f->len)
			f->len = end;
		f->mtime = wall_now();
		h->dirty = true;
	}
	pthread_mutex_unlock(&A.lock);
	return rc < 0 ? rc : (int)size;
}

int hgfs_auth_flush(const char *path, struct fuse_file_info *fi)
{
	ahandle *h = ah(fi);
	int kind;

	(void)path;
	if (h->what != H_RFILE || !h->dirty)
		return 0;
	h->dirty = false;
	pthread_mutex_lock(&A.lock);
	kind = h->rf->detached ? -1 : hgfs_auth_kind_of_file(h->rf->name);
	pthread_mutex_unlock(&A.lock);
	return kind >= 0 ? restore_pass(get_fs(), h->d, kind) : 0;
}

int hgfs_auth_release(const char *path, struct fuse_file_info *fi)
{
	ahandle *h = ah(fi);

	(void)path;
	if (h->what == H_SNAP)
		snap_put(h->snap);
	if (h->what == H_RFILE) {
		pthread_mutex_lock(&A.lock);
		if (--h->rf->open == 0 && h->rf->detached) {
			free(h->rf->data);
			free(h->rf);
		}
		pthread_mutex_unlock(&A.lock);
	}
	free(h->text);
	free(h);
	return 0;
}

/* path, which must name a file of auth/restore/ (not a directory, not a
 * backup file): 0, or -EISDIR, -EACCES, or check()'s error. */
static int restore_file_path(const char *path, apath *p)
{
	int rc = check(get_fs(), path, p);

	if (rc < 0)
		return rc;
	if (p->type == P_DIR || p->type == P_RDIR)
		return -EISDIR;
	return p->type == P_RFILE ? 0 : -EACCES;
}

int hgfs_auth_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	apath p;
	rfile *f;
	int rc = restore_file_path(path, &p);

	if (rc < 0)
		return rc;
	if (size < 0)
		return -EINVAL;
	pthread_mutex_lock(&A.lock);
	f = fi != NULL && fi->fh != 0 ? ah(fi)->rf : rfile_find_locked(p.d, p.name);
	if (f == NULL) {
		rc = -ENOENT;
	} else {
		if ((size_t)size > f->len) {
			rc = rfile_reserve(f, (size_t)size);
			if (rc == 0)
				memset(f->data + f->len, 0, (size_t)size - f->len);
		}
		if (rc == 0) {
			f->len = (size_t)size;
			f->mtime = wall_now();
			if (fi != NULL && fi->fh != 0)
				ah(fi)->dirty = true;
		}
	}
	pthread_mutex_unlock(&A.lock);
	return rc;
}

int hgfs_auth_unlink(const char *path)
{
	apath p;
	rfile *f;
	int rc = restore_file_path(path, &p);

	if (rc < 0)
		return rc;
	pthread_mutex_lock(&A.lock);
	f = rfile_find_locked(p.d, p.name);
	if (f != NULL)
		rfile_unlink_locked(p.d, f);
	pthread_mutex_unlock(&A.lock);
	return f != NULL ? 0 : -ENOENT;
}

int hgfs_auth_rename(const char *from, const char *to, unsigned int flags)
{
	hgfs *fs = get_fs();
	apath a, b;
	rfile *f, *old;
	int rc, run = -1;

	if (!hgfs_auth_path(from) || !hgfs_auth_path(to))
		return hgfs_auth_visible(fs) ? -EXDEV : -ENOENT;
	rc = check(fs, from, &a);
	if (rc < 0)
		return rc;
	rc = parse(to, &b);
	if (rc < 0)
		return rc;
	if (a.type != P_RFILE || b.type != P_RFILE)
		return -EACCES;
	if (dir_get(fs, b.space, &b.d) < 0 || a.d != b.d)
		return -EXDEV; /* another graphspace's auth/restore/ */
	if (flags & ~(unsigned)RENAME_NOREPLACE)
		return -EINVAL;
	pthread_mutex_lock(&A.lock);
	f = rfile_find_locked(a.d, a.name);
	old = rfile_find_locked(a.d, b.name);
	if (f == NULL) {
		rc = -ENOENT;
	} else if (old != NULL && (flags & RENAME_NOREPLACE)) {
		rc = -EEXIST;
	} else if (f != old) {
		if (old != NULL)
			rfile_unlink_locked(a.d, old);
		snprintf(f->name, sizeof(f->name), "%s", b.name);
		run = hgfs_auth_kind_of_file(f->name);
	}
	pthread_mutex_unlock(&A.lock);
	if (rc == 0 && run >= 0)
		rc = restore_pass(fs, a.d, run);
	return rc;
}

int hgfs_auth_setattr(const char *path)
{
	hgfs *fs = get_fs();
	apath p;
	int rc = check(fs, path, &p);

	if (rc < 0)
		return rc;
	if (p.type == P_RFILE) {
		rfile *f;
		pthread_mutex_lock(&A.lock);
		f = rfile_find_locked(p.d, p.name);
		pthread_mutex_unlock(&A.lock);
		return f != NULL ? 0 : -ENOENT;
	}
	return p.type == P_RDIR ? 0 : -EACCES;
}

int hgfs_auth_mkdir(const char *path)
{
	hgfs *fs = get_fs();
	apath p;
	int rc = check(fs, path, &p);

	if (rc < 0)
		return rc == -ENOENT && hgfs_auth_visible(fs) ? -EPERM : rc;
	return p.type == P_DIR || p.type == P_RDIR ? -EEXIST : -EPERM;
}

static void dir_free_locked(adir *d)
{
	snap_unref_locked(d->cur);
	d->cur = NULL;
	for (int k = 0; k < HG_AUTH__COUNT; k++) {
		free(d->last[k]);
		d->last[k] = NULL;
	}
	while (d->files != NULL) {
		rfile *f = d->files;
		d->files = f->next;
		free(f->data);
		free(f);
	}
	hgfs_auth_memory_free(d->made);
	d->made = NULL;
	free(d->status);
	pthread_mutex_destroy(&d->pass);
	free(d->space);
	free(d);
}

void hgfs_auth_destroy(void)
{
	pthread_mutex_lock(&A.lock);
	while (A.dirs != NULL) {
		adir *d = A.dirs;
		A.dirs = d->next;
		dir_free_locked(d);
	}
	pthread_mutex_unlock(&A.lock);
}
