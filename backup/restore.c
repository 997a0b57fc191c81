/* restore.c - the restore/ tree of a graph: entries, spooling, and when an
 * import runs.  What an import does is in backup/import.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "errmap.h"
#include "export.h"
#include "log.h"
#include "restore.h"

static const char *const state_names[] = {
	[HGFS_RS_EMPTY] = "empty",	   [HGFS_RS_WRITING] = "writing",   [HGFS_RS_PENDING] = "pending",
	[HGFS_RS_IMPORTING] = "importing", [HGFS_RS_IMPORTED] = "imported", [HGFS_RS_FAILED] = "failed",
	[HGFS_RS_SKIPPED] = "skipped",	   [HGFS_RS_INCOMPLETE] = "incomplete",
};

/* ---- the spool directory ------------------------------------------------- */

#define SPOOL_PREFIX "hugegraphfs-restore."

/* Removes directory name of dir and the files in it (not below). */
static void remove_spool_dir(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			unlinkat(fd, de->d_name, 0);
	}
	closedir(d);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* The spool directories of daemons of this user that are gone (killed
 * before they could remove theirs): their files would stay forever. */
static void remove_stale_spools(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *end;
		long pid;

		if (strncmp(de->d_name, SPOOL_PREFIX, strlen(SPOOL_PREFIX)) != 0)
			continue;
		pid = strtol(de->d_name + strlen(SPOOL_PREFIX), &end, 10);
		if (end == de->d_name + strlen(SPOOL_PREFIX) || *end != '.' || pid <= 0 ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != geteuid())
			continue;
		if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* alive (or not ours to judge) */
		hgfs_log(LOG_WARNING, "removing %s/%s: the restore spool of daemon %ld, which is gone", dir, de->d_name,
			 pid);
		remove_spool_dir(dirfd(d), de->d_name);
	}
	closedir(d);
}

int hgfs_rs_spool_init(const char *spool_dir, char **out)
{
	char *path = NULL;

	*out = NULL;
	remove_stale_spools(spool_dir);
	if (asprintf(&path, "%s/" SPOOL_PREFIX "%ld.XXXXXX", spool_dir, (long)getpid()) < 0)
		return -ENOMEM;
	if (mkdtemp(path) == NULL) {
		int rc = -errno;
		hgfs_log(LOG_ERR, "cannot create the restore spool directory %s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	*out = path;
	return 0;
}

void hgfs_rs_spool_end(char *path)
{
	if (path == NULL)
		return;
	remove_spool_dir(AT_FDCWD, path);
	free(path);
}

hgfs_restore *hgfs_rs_new(const hgfs_restore_cfg *cfg)
{
	hgfs_restore *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->cfg = *cfg;
	pthread_mutex_init(&r->import_lock, NULL);
	r->batch_max = HGFS_BATCH_MAX;
	return r;
}

bool hgfs_rs_active(hgfs_restore *r)
{
	pthread_mutex_lock(r->cfg.lock);
	bool active = r->head != NULL || r->refused != NULL;
	pthread_mutex_unlock(r->cfg.lock);
	return active;
}

off_t hgfs_rs_shown_size(const hgfs_rentry *e)
{
	return e->spool != NULL ? e->size : 0;
}

static hgfs_rentry *find_locked(hgfs_restore *r, const char *path)
{
	for (hgfs_rentry *e = r->head; e != NULL; e = e->next) {
		if (strcmp(e->path, path) == 0)
			return e;
	}
	return NULL;
}

/* The last component of a path. */
static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s != NULL ? s + 1 : path;
}

/* true when the entry's name is final, not a temporary (".NAME.XXXXXX"). */
static bool final_name(const char *path)
{
	/* any component: rsync --delay-updates writes .~tmp~/NAME */
	for (const char *c = path; c != NULL; c = strchr(c, '/') != NULL ? strchr(c, '/') + 1 : NULL) {
		if (c[0] == '.')
			return false;
	}
	return true;
}

/* true when child lies directly in directory dir ("" is restore/). */
static bool in_dir(const char *child, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 0)
		return strchr(child, '/') == NULL;
	return strncmp(child, dir, n) == 0 && child[n] == '/' && strchr(child + n + 1, '/') == NULL;
}

/* The length of the directory part of path (0 in restore/ itself). */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash != NULL ? (size_t)(slash - path) : 0;
}

/* true when a and b lie in the same directory: the same backup set. */
static bool same_set(const char *a, const char *b)
{
	size_t n = dir_len(a);
	return dir_len(b) == n && strncmp(a, b, n) == 0;
}

/* The parent directory must exist (or be restore/ itself). */
static int parent_ok_locked(hgfs_restore *r, const char *path)
{
	hgfs_rentry *p;
	char *dir;

	if (strchr(path, '/') == NULL)
		return 0;
	dir = strndup(path, dir_len(path));
	if (dir == NULL)
		return -ENOMEM;
	p = find_locked(r, dir);
	free(dir);
	if (p == NULL)
		return -ENOENT;
	return p->is_dir ? 0 : -ENOTDIR;
}

/* Opens the spool of e when it has one and it is closed (the set's lock held). */
static int spool_open_locked(hgfs_rentry *e)
{
	if (e->spool == NULL || e->fd >= 0)
		return 0;
	e->fd = open(e->spool, O_RDWR | O_CLOEXEC);
	if (e->fd < 0) {
		int rc = -errno;
		hgfs_log(LOG_ERR, "restore/%s: cannot open its spool file %s: %s", e->path, e->spool, strerror(errno));
		return rc;
	}
	return 0;
}

/* A reference on e, its spool open (the set's lock held): 0 or -errno. */
static int hold_locked(hgfs_rentry *e)
{
	int rc = spool_open_locked(e);

	if (rc == 0)
		e->refs++;
	return rc;
}

static void entry_drop_spool(hgfs_rentry *e)
{
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
	if (e->spool != NULL)
		unlink(e->spool);
	free(e->spool);
	e->spool = NULL;
	hgfs_ranges_free(&e->written);
}

static void entry_free(hgfs_rentry *e)
{
	if (e == NULL)
		return;
	entry_drop_spool(e);
	free(e->manifest);
	free(e->st.detail);
	free(e->path);
	free(e);
}

/* Drops a reference (the set's lock held).  Once nobody holds the entry, the
 * bytes of a finished file are let go.  true: the entry was unlinked
 * meanwhile and must be freed now (without the lock). */
static bool unref_locked(hgfs_rentry *e)
{
	if (--e->refs > 0)
		return false;
	if (e->detached)
		return true;
	if (e->st.state == HGFS_RS_FAILED || e->st.state == HGFS_RS_EMPTY) {
		entry_drop_spool(e);
	} else if (e->fd >= 0) {
		/* kept by name: a file waiting holds no descriptor */
		close(e->fd);
		e->fd = -1;
	}
	return false;
}

static void unlink_locked(hgfs_restore *r, hgfs_rentry *e)
{
	hgfs_rentry **pp = &r->head, *prev = NULL;

	while (*pp != NULL && *pp != e) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (*pp == NULL)
		return;
	*pp = e->next;
	if (r->tail == e)
		r->tail = prev;
	e->next = NULL;
	if (e->refs > 0)
		e->detached = true;
	else
		entry_free(e);
}

static hgfs_rentry *add_locked(hgfs_restore *r, const char *path, bool is_dir, mode_t mode)
{
	hgfs_rentry *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->path = strdup(path);
	if (e->path == NULL) {
		free(e);
		return NULL;
	}
	e->is_dir = is_dir;
	e->mode = mode & 07777;
	e->fd = -1;
	clock_gettime(CLOCK_REALTIME, &e->mtime);
	if (r->tail != NULL)
		r->tail->next = e;
	else
		r->head = e;
	r->tail = e;
	return e;
}

/* Asks the server whether the graph takes a restore now: RESTORING or
 * MERGING.  Refusals are remembered for restore.status. */
static int mode_allows(hgfs_restore *r)
{
	char msg[1024];
	hg_error err;
	hg_mode m;
	int rc;

	hg_error_clear(&err);
	rc = hg_get_mode(r->cfg.client, r->cfg.graph, &m, &err);
	if (rc < 0)
		return hgfs_client_failed(LOG_ERR, rc, &err, "graph %s: reading the mode", r->cfg.graph);
	if (m == HG_MODE_RESTORING || m == HG_MODE_MERGING) {
		pthread_mutex_lock(r->cfg.lock);
		{
			free(r->refused);
			r->refused = NULL;
		}
		pthread_mutex_unlock(r->cfg.lock);
		return 0;
	}
	snprintf(msg, sizeof(msg),
		 "refused: graph '%s' is in mode %s; write RESTORING (into an empty graph) or MERGING (into a graph "
		 "with data) to graphs/%s/mode first",
		 r->cfg.graph, hg_mode_name(m), r->cfg.graph);
	hgfs_log(LOG_ERR, "%s", msg);
	pthread_mutex_lock(r->cfg.lock);
	{
		free(r->refused);
		r->refused = strdup(msg);
	}
	pthread_mutex_unlock(r->cfg.lock);
	return -EPERM;
}

int hgfs_rs_stat(hgfs_restore *r, const char *rest, hgfs_rstat *out)
{
	hgfs_rentry *e = NULL;

	pthread_mutex_lock(r->cfg.lock);
	e = find_locked(r, rest);
	if (e != NULL) {
		out->is_dir = e->is_dir;
		out->mode = e->mode;
		out->size = hgfs_rs_shown_size(e);
		out->mtime = e->mtime;
	}
	pthread_mutex_unlock(r->cfg.lock);
	return e != NULL ? 0 : -ENOENT;
}

int hgfs_rs_list(hgfs_restore *r, const char *rest, char ***out)
{
	size_t n = 0, i = 0;
	char **v;
	int rc = 0;

	pthread_mutex_lock(r->cfg.lock);
	if (rest[0] != '\0') {
		hgfs_rentry *d = find_locked(r, rest);
		if (d == NULL || !d->is_dir) {
			rc = d == NULL ? -ENOENT : -ENOTDIR;
			goto out;
		}
	}
	for (hgfs_rentry *e = r->head; e != NULL; e = e->next)
		n += in_dir(e->path, rest);
	v = calloc(n + 1, sizeof(*v));
	if (v == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (hgfs_rentry *e = r->head; e != NULL; e = e->next) {
		if (in_dir(e->path, rest) && (v[i] = strdup(base_name(e->path))) != NULL)
			i++;
	}
	*out = v;
out:
	pthread_mutex_unlock(r->cfg.lock);
	return rc;
}

int hgfs_rs_mkdir(hgfs_restore *r, const char *rest, mode_t mode)
{
	int rc = mode_allows(r);

	if (rc < 0)
		return rc;
	pthread_mutex_lock(r->cfg.lock);
	if (r == NULL)
		rc = -ENOMEM;
	else if (find_locked(r, rest) != NULL)
		rc = -EEXIST;
	else if ((rc = parent_ok_locked(r, rest)) == 0 && add_locked(r, rest, true, mode) == NULL)
		rc = -ENOMEM;
	pthread_mutex_unlock(r->cfg.lock);
	return rc;
}

static int new_spool(hgfs_restore *r, hgfs_rentry *e)
{
	char *path = NULL;
	int fd;

	if (r->cfg.spool_dir == NULL)
		return -EIO; /* its creation failed at mount, and was logged */
	if (asprintf(&path, "%s/%llu", r->cfg.spool_dir,
		     (unsigned long long)__atomic_add_fetch(r->cfg.spool_seq, 1, __ATOMIC_RELAXED)) < 0)
		return -ENOMEM;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		int rc = -errno;
		hgfs_log(LOG_ERR, "restore/%s: cannot create a spool file %s: %s", e->path, path, strerror(errno));
		free(path);
		return rc;
	}
	e->spool = path;
	e->fd = fd;
	hgfs_ranges_free(&e->written);
	return 0;
}

int hgfs_rs_open(hgfs_restore *r, const char *rest, int flags, bool create, mode_t mode,
		 hgfs_rentry **out)
{
	int acc = flags & O_ACCMODE;
	hgfs_rentry *e;
	bool added = false;
	int rc = 0;

	if (create || acc != O_RDONLY) {
		rc = mode_allows(r);
		if (rc < 0)
			return rc;
	}
	pthread_mutex_lock(r->cfg.lock);
	if (r == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	e = find_locked(r, rest);
	if (e == NULL && !create) {
		rc = -ENOENT;
		goto out;
	}
	if (e != NULL && e->is_dir) {
		rc = -EISDIR;
		goto out;
	}
	if (e != NULL && create && (flags & O_EXCL)) {
		rc = -EEXIST;
		goto out;
	}
	if (e == NULL) {
		rc = parent_ok_locked(r, rest);
		if (rc < 0)
			goto out;
		e = add_locked(r, rest, false, mode);
		if (e == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		added = true;
	}
	if (e->st.state == HGFS_RS_IMPORTING) {
		rc = -EBUSY;
		goto out;
	}
	if (acc != O_RDONLY) {
		if (e->spool == NULL) {
			/* a new copy of a failed file starts empty */
			rc = new_spool(r, e);
			if (rc == 0) {
				e->size = 0;
				e->write_err = 0;
			}
		}
		if (rc == 0)
			rc = spool_open_locked(e);
		if (rc == 0 && (flags & O_TRUNC)) {
			if (e->size > 0 && ftruncate(e->fd, 0) < 0) {
				rc = -errno;
			} else {
				e->size = 0;
				e->write_err = 0;
				hgfs_ranges_free(&e->written);
			}
		}
		if (rc == 0)
			e->writers++;
	}
	if (rc == 0)
		rc = hold_locked(e);
	if (rc == 0) {
		*out = e;
	} else if (added) {
		unlink_locked(r, e); /* no name left behind by a failed create */
	}
out:
	pthread_mutex_unlock(r->cfg.lock);
	return rc;
}

int hgfs_rs_write(hgfs_restore *r, hgfs_rentry *e, const char *buf, size_t size, off_t off)
{
	int fd, rc;

	pthread_mutex_lock(r->cfg.lock);
	fd = e->fd;
	if (e->st.state == HGFS_RS_IMPORTING)
		fd = -2;
	pthread_mutex_unlock(r->cfg.lock);
	if (fd == -2)
		return -EBUSY;
	if (fd < 0)
		return -EBADF;
	rc = hgfs_pwrite_all(fd, buf, size, off);
	if (rc < 0) {
		hgfs_log(LOG_ERR, "graph %s: restore/%s: spooling failed: %s", r->cfg.graph, e->path, strerror(-rc));
		pthread_mutex_lock(r->cfg.lock);
		e->write_err = rc; /* the file is incomplete: it must not be imported */
		e->dirty = true;
		pthread_mutex_unlock(r->cfg.lock);
		return rc;
	}
	pthread_mutex_lock(r->cfg.lock);
	rc = hgfs_ranges_add(&e->written, off, off + (off_t)size);
	if (rc < 0) {
		hgfs_log(LOG_ERR, "graph %s: restore/%s: more than %d separate ranges written: the file cannot be tracked",
			 r->cfg.graph, e->path, HGFS_RANGES_MAX);
		e->write_err = rc;
	}
	if (off + (off_t)size > e->size)
		e->size = off + (off_t)size;
	e->dirty = true;
	if (e->st.state != HGFS_RS_IMPORTING)
		e->st.state = HGFS_RS_WRITING;
	clock_gettime(CLOCK_REALTIME, &e->mtime);
	pthread_mutex_unlock(r->cfg.lock);
	return rc < 0 ? rc : (int)size;
}

int hgfs_rs_read(hgfs_restore *r, hgfs_rentry *e, char *buf, size_t size, off_t off)
{
	ssize_t n;
	int fd;

	pthread_mutex_lock(r->cfg.lock);
	fd = e->fd;
	pthread_mutex_unlock(r->cfg.lock);
	if (fd < 0)
		return 0; /* failed: the bytes are not kept */
	do
		n = pread(fd, buf, size, off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (int)n;
}

/* The manifest of the directory that holds path, if one was imported
 * (the set's lock held). */
static const hgfs_manifest *set_manifest_locked(hgfs_restore *r, const char *path)
{
	for (hgfs_rentry *e = r->head; e != NULL; e = e->next) {
		if (e->manifest != NULL && same_set(e->path, path))
			return e->manifest;
	}
	return NULL;
}

static void set_detail_locked(hgfs_rentry *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_detail_locked(hgfs_rentry *e, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(e->st.detail);
	e->st.detail = s;
}

/* A manifest just arrived: checks the files of its set that were already
 * measured.  Pending ones that differ fail now (nothing of them was
 * imported); imported ones that differ make the manifest's import fail. */
static int check_set_locked(hgfs_restore *r, hgfs_rentry *man, char *why, size_t len)
{
	int rc = 0;

	why[0] = '\0';
	for (hgfs_rentry *e = r->head; e != NULL; e = e->next) {
		char msg[512];

		if (e == man || e->is_dir || !e->st.measured || e->writers > 0 || !same_set(e->path, man->path))
			continue;
		if (hgfs_manifest_check(man->manifest, &e->st, msg, sizeof(msg)) == 0)
			continue;
		if (e->st.state == HGFS_RS_PENDING) {
			/* its close() said "pending": this close() must say it failed */
			e->st.state = HGFS_RS_FAILED;
			e->result = -EINVAL;
			if (e->refs == 0)
				entry_drop_spool(e);
			set_detail_locked(e, "EINVAL: %s; nothing imported", msg);
			if (rc == 0)
				snprintf(why, len, "%s, which was waiting for its schema, does not match it: %s; nothing "
					 "of it imported", e->path, msg);
			rc = -EINVAL;
		} else if (e->st.state == HGFS_RS_IMPORTED) {
			set_detail_locked(e, "imported before the manifest arrived, but %s", msg);
			if (rc == 0)
				snprintf(why, len, "%s was imported but %s", e->path, msg);
			rc = -EINVAL;
		} else if (e->st.state == HGFS_RS_EMPTY) {
			e->st.state = HGFS_RS_FAILED;
			e->result = -EINVAL;
			set_detail_locked(e, "EINVAL: empty, but %s", msg);
			if (rc == 0)
				snprintf(why, len, "%s is empty but %s", e->path, msg);
			rc = -EINVAL;
		}
	}
	return rc;
}

static int import_one(hgfs_restore *r, hgfs_rentry *e);

/* After a schema import: tries every pending file of the graph once more,
 * one at a time (the others stay usable meanwhile).  Files being written
 * are left to their own close().  Returns the first failure. */
static int run_pending(hgfs_restore *r, hgfs_rentry *schema)
{
	uint64_t round;
	int first = 0;

	pthread_mutex_lock(r->cfg.lock);
	round = ++r->pending_round;
	pthread_mutex_unlock(r->cfg.lock);
	for (;;) {
		hgfs_rentry *e = NULL;
		bool dead;
		int rc;

		pthread_mutex_lock(r->cfg.lock);
		for (hgfs_rentry *t = r->head; t != NULL && e == NULL; t = t->next) {
			if (t->st.state == HGFS_RS_PENDING && t->spool != NULL && t->writers == 0 && !t->detached &&
			    t->tried_round != round && final_name(t->path))
				e = t;
		}
		if (e != NULL) {
			e->tried_round = round;
			int hrc = hold_locked(e);
			if (hrc < 0) {
				/* stays pending; the next schema import tries again */
				set_detail_locked(e, "waiting: its spool file could not be opened (%s)", strerror(-hrc));
				if (first == 0)
					first = hrc;
				pthread_mutex_unlock(r->cfg.lock);
				continue;
			}
			e->st.state = HGFS_RS_IMPORTING;
			free(e->st.detail);
			e->st.detail = NULL;
		}
		pthread_mutex_unlock(r->cfg.lock);
		if (e == NULL)
			break;
		rc = import_one(r, e);
		pthread_mutex_lock(r->cfg.lock);
		if (rc == 0 && e->st.state == HGFS_RS_PENDING && same_set(e->path, schema->path)) {
			/* its own set's schema is in and it still lacks labels or
			 * keys: no schema to come can be meant for it */
			const char *lack = "it still lacks labels or keys";
			int lack_len = (int)strlen(lack);
			if (e->st.detail != NULL && strncmp(e->st.detail, "waiting for the schema: ", 24) == 0) {
				const char *end = strstr(e->st.detail, "; copy the backup");
				lack = e->st.detail + 24;
				lack_len = end != NULL ? (int)(end - lack) : (int)strlen(lack);
			}
			e->st.state = HGFS_RS_FAILED;
			rc = e->result = -EINVAL;
			set_detail_locked(e, "EINVAL: the schema of its own set (%s) was imported and %.*s; nothing imported",
					  schema->path, lack_len, lack);
			hgfs_log(LOG_ERR, "graph %s: restore/%s: %s", r->cfg.graph, e->path, e->st.detail);
		}
		if (rc < 0 && first == 0) {
			first = rc;
			set_detail_locked(schema, "imported; then the pending %s failed: %s", e->path,
					  e->st.detail != NULL ? e->st.detail : strerror(-rc));
		}
		dead = unref_locked(e);
		pthread_mutex_unlock(r->cfg.lock);
		if (dead)
			entry_free(e);
	}
	return first;
}

/* One import of e (state IMPORTING, a ref held, import lock held). */
static int import_one(hgfs_restore *r, hgfs_rentry *e)
{
	hgfs_manifest *man = NULL, *copy = NULL;
	char *path;
	int rc;

	pthread_mutex_lock(r->cfg.lock);
	const hgfs_manifest *m = set_manifest_locked(r, e->path);
	if (m != NULL && (copy = malloc(sizeof(*copy))) != NULL)
		*copy = *m;
	path = strdup(e->path); /* a rename meanwhile changes e->path */
	hgfs_import_job job = {
		.client = r->cfg.client,
		.graph = r->cfg.graph,
		.path = path,
		.fd = e->fd,
		.size = e->size,
		.manifest = copy,
		.parallel = r->cfg.parallel,
		.max_record_mib = r->cfg.max_record_mib,
		.timeout = r->cfg.timeout,
		.gzip = r->cfg.gzip,
		.spool_dir = r->cfg.spool_dir,
		.batch_max = &r->batch_max,
		.lock = r->cfg.lock,
		.st = &e->st,
	};
	pthread_mutex_unlock(r->cfg.lock);
	if (path == NULL) {
		free(copy);
		pthread_mutex_lock(r->cfg.lock);
		e->st.state = HGFS_RS_FAILED;
		e->result = -ENOMEM;
		pthread_mutex_unlock(r->cfg.lock);
		return -ENOMEM;
	}
	rc = hgfs_import(&job, &man);
	free(copy);
	free(path);

	pthread_mutex_lock(r->cfg.lock);
	e->result = rc;
	if (man != NULL) {
		char why[768];
		free(e->manifest);
		e->manifest = man;
		if (rc == 0 && check_set_locked(r, e, why, sizeof(why)) < 0) {
			rc = -EINVAL;
			e->result = rc;
			e->st.state = HGFS_RS_FAILED;
			set_detail_locked(e, "EINVAL: %s", why);
			hgfs_log(LOG_ERR, "graph %s: restore/%s: %s", r->cfg.graph, e->path, why);
		}
	}
	hgfs_kind kind = e->st.kind;
	bool imported = e->st.state == HGFS_RS_IMPORTED;
	pthread_mutex_unlock(r->cfg.lock);
	/* even a failed import may have changed the graph */
	if (kind >= HGFS_K_SCHEMA && kind < HGFS_K_MANIFEST)
		r->cfg.changed(r->cfg.changed_ctx);

	if (imported && kind == HGFS_K_SCHEMA) {
		int prc = run_pending(r, e);
		if (prc < 0 && rc == 0)
			rc = prc;
	}
	return rc;
}

/* A schema, vertex or edge file closed without a byte written (the set's lock
 * held): a complete empty file.  It is measured as such, so that its set's
 * manifest, now or when it arrives, can say whether it should be empty. */
static int empty_file_locked(hgfs_restore *r, hgfs_rentry *e)
{
	static const char empty_sha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	const hgfs_manifest *m;
	hgfs_kind kind = hgfs_kind_by_name(e->path);
	char msg[512];

	if (kind < HGFS_K_SCHEMA || kind >= HGFS_K_MANIFEST)
		return 0;
	e->st.kind = kind;
	e->st.measured = true;
	e->st.m_packed = 0; /* an empty file is no compressed one */
	e->st.m_size = 0;
	memcpy(e->st.m_sha256, empty_sha256, sizeof(empty_sha256));
	for (int i = 0; i < HG_SCHEMA__COUNT + 2; i++)
		e->st.m_count[i] = 0;
	m = set_manifest_locked(r, e->path);
	if (m == NULL || hgfs_manifest_check(m, &e->st, msg, sizeof(msg)) == 0)
		return 0;
	e->st.state = HGFS_RS_FAILED;
	e->result = -EINVAL;
	set_detail_locked(e, "EINVAL: empty, but %s", msg);
	hgfs_log(LOG_ERR, "graph %s: restore/%s: empty, but %s", r->cfg.graph, e->path, msg);
	return -EINVAL;
}

/* Whether e lacks bytes (the set's lock held): a range never written below its
 * size, or fewer bytes than its set's manifest lists.  Then it becomes
 * INCOMPLETE, with why in its detail; a close or rename that completes it
 * imports it. */
static bool incomplete_locked(hgfs_restore *r, hgfs_rentry *e)
{
	off_t prefix = hgfs_ranges_prefix(&e->written);
	hgfs_kind k = hgfs_kind_by_name(e->path);
	const hgfs_manifest *m = set_manifest_locked(r, e->path);
	int64_t listed = m != NULL ? hgfs_manifest_size_of(m, e->path) : -1; /* under this very name */

	if (prefix < e->size) {
		set_detail_locked(e, "%lld of %lld bytes written, none at %lld: waiting for the rest",
				  (long long)hgfs_ranges_total(&e->written), (long long)e->size, (long long)prefix);
	} else if (listed > e->size) {
		set_detail_locked(e, "%lld bytes written of the %lld that the manifest of its set lists: waiting for the rest",
				  (long long)e->size, (long long)listed);
	} else {
		return false;
	}
	e->st.state = HGFS_RS_INCOMPLETE;
	e->st.kind = k;
	return true;
}

/* Starts the import of e when it is complete and new; otherwise reports the
 * last result again (a second close of the same data, a dup'd descriptor). */
static int maybe_import(hgfs_restore *r, hgfs_rentry *e)
{
	int rc;

	pthread_mutex_lock(r->cfg.lock);
	if (e->detached || !final_name(e->path) || e->is_dir) {
		pthread_mutex_unlock(r->cfg.lock);
		return 0;
	}
	if (!e->dirty) {
		rc = e->st.state == HGFS_RS_EMPTY ? empty_file_locked(r, e)
		     : e->st.state == HGFS_RS_FAILED ? e->result
						  : 0;
		pthread_mutex_unlock(r->cfg.lock);
		return rc;
	}
	if (e->write_err == 0 && e->st.state != HGFS_RS_IMPORTING && incomplete_locked(r, e)) {
		pthread_mutex_unlock(r->cfg.lock);
		return 0; /* no need to wait for other imports to say so */
	}
	pthread_mutex_unlock(r->cfg.lock);

	pthread_mutex_lock(&r->import_lock);
	pthread_mutex_lock(r->cfg.lock);
	if (!e->dirty || e->detached || e->spool == NULL) {
		/* written, but the bytes are gone: never report that as imported */
		rc = e->dirty && !e->detached ? -EIO : e->st.state == HGFS_RS_FAILED ? e->result : 0;
		pthread_mutex_unlock(r->cfg.lock);
		goto out;
	}
	e->dirty = false;
	if (e->write_err < 0) {
		/* cp saw the write fail; the bytes that made it are not the file */
		rc = e->write_err == -ENOSPC ? -ENOSPC : -EIO;
		e->result = rc;
		e->st.state = HGFS_RS_FAILED;
		e->st.kind = hgfs_kind_by_name(e->path);
		free(e->st.detail);
		if (asprintf(&e->st.detail, "%s: a write to this file failed (%s); nothing imported: copy it again",
			     strerrorname_np(-rc), strerror(-e->write_err)) < 0)
			e->st.detail = NULL;
		pthread_mutex_unlock(r->cfg.lock);
		goto out;
	}
	if (incomplete_locked(r, e)) {
		e->dirty = true;
		rc = 0;
		pthread_mutex_unlock(r->cfg.lock);
		goto out;
	}
	if ((rc = hold_locked(e)) < 0) {
		pthread_mutex_unlock(r->cfg.lock);
		goto out;
	}
	e->st.state = HGFS_RS_IMPORTING;
	e->st.done = e->st.total = 0;
	e->st.measured = false;
	free(e->st.detail);
	e->st.detail = NULL;
	pthread_mutex_unlock(r->cfg.lock);

	rc = import_one(r, e);

	pthread_mutex_lock(r->cfg.lock);
	bool dead = unref_locked(e);
	pthread_mutex_unlock(r->cfg.lock);
	if (dead)
		entry_free(e);
out:
	pthread_mutex_unlock(&r->import_lock);
	return rc;
}

int hgfs_rs_flush(hgfs_restore *r, hgfs_rentry *e)
{
	return maybe_import(r, e);
}

void hgfs_rs_release(hgfs_restore *r, hgfs_rentry *e, bool writer)
{
	bool dead;

	pthread_mutex_lock(r->cfg.lock);
	if (writer)
		e->writers--;
	dead = unref_locked(e);
	pthread_mutex_unlock(r->cfg.lock);
	if (dead)
		entry_free(e);
}

/* A file entry that may be truncated or removed now: 0 or -errno. */
static int changeable_file(const hgfs_rentry *e)
{
	if (e == NULL)
		return -ENOENT;
	if (e->is_dir)
		return -EISDIR;
	return e->st.state == HGFS_RS_IMPORTING ? -EBUSY : 0;
}

int hgfs_rs_truncate(hgfs_restore *r, const char *rest, hgfs_rentry *e, off_t size)
{
	int rc = 0;

	pthread_mutex_lock(r->cfg.lock);
	if (e == NULL)
		e = find_locked(r, rest);
	rc = changeable_file(e);
	if (rc == 0 && e->spool == NULL) {
		rc = size == 0 ? 0 : -EACCES; /* the bytes are gone: only "empty" is true */
	} else if (rc == 0 && (e->fd >= 0 ? ftruncate(e->fd, size) : truncate(e->spool, size)) < 0) {
		rc = -errno;
	} else if (rc == 0 && size != e->size) {
		/* an extension is a hole until written */
		e->size = size;
		hgfs_ranges_clip(&e->written, size);
		if (size > 0) {
			e->dirty = true;
			if (e->st.state == HGFS_RS_EMPTY)
				e->st.state = HGFS_RS_WRITING;
		} else {
			e->write_err = 0; /* starting over */
		}
	}
	pthread_mutex_unlock(r->cfg.lock);
	return rc;
}

int hgfs_rs_fallocate(hgfs_restore *r, hgfs_rentry *e, int mode, off_t off, off_t len)
{
	int rc = 0;

	if ((mode & ~FALLOC_FL_KEEP_SIZE) != 0)
		return -EOPNOTSUPP; /* punching holes, zeroing: not for a restore */
	if (off < 0 || len <= 0)
		return -EINVAL;
	pthread_mutex_lock(r->cfg.lock);
	rc = changeable_file(e);
	if (rc == 0 && e->fd < 0)
		rc = -EBADF;
	/* the space is reserved when the spool's file system can */
	if (rc == 0 && fallocate(e->fd, mode, off, len) < 0) {
		if (errno != EOPNOTSUPP)
			rc = -errno;
		else if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > e->size && ftruncate(e->fd, off + len) < 0)
			rc = -errno;
	}
	if (rc == 0 && !(mode & FALLOC_FL_KEEP_SIZE) && off + len > e->size) {
		/* a larger size, none of it written */
		e->size = off + len;
		e->dirty = true;
		if (e->st.state != HGFS_RS_IMPORTING)
			e->st.state = HGFS_RS_WRITING;
		clock_gettime(CLOCK_REALTIME, &e->mtime);
	}
	pthread_mutex_unlock(r->cfg.lock);
	return rc;
}

int hgfs_rs_setattr(hgfs_restore *r, const char *rest, int mode, const struct timespec *mtime)
{
	hgfs_rentry *e = NULL;

	pthread_mutex_lock(r->cfg.lock);
	e = find_locked(r, rest);
	if (e != NULL && mode >= 0)
		e->mode = (mode_t)mode & 07777;
	if (e != NULL && mtime != NULL)
		e->mtime = *mtime;
	pthread_mutex_unlock(r->cfg.lock);
	return e != NULL ? 0 : -ENOENT;
}

/* A complete file of a set is removed (the set's lock held): its set's manifest
 * still counts it as complete. */
static void note_removed_locked(hgfs_restore *r, const hgfs_rentry *e)
{
	if (e->st.state != HGFS_RS_IMPORTED && !(e->st.state == HGFS_RS_EMPTY && e->st.measured))
		return;
	if (e->st.kind < HGFS_K_SCHEMA || e->st.kind >= HGFS_K_MANIFEST)
		return;
	for (hgfs_rentry *m = r->head; m != NULL; m = m->next) {
		if (m != e && m->manifest != NULL && m->st.state == HGFS_RS_IMPORTED && same_set(m->path, e->path))
			m->removed_done |= 1u << e->st.kind;
	}
}

int hgfs_rs_unlink(hgfs_restore *r, const char *rest)
{
	hgfs_rentry *e = NULL;
	int rc = 0;

	pthread_mutex_lock(r->cfg.lock);
	e = find_locked(r, rest);
	rc = changeable_file(e);
	if (rc == 0) {
		note_removed_locked(r, e);
		unlink_locked(r, e);
	}
	pthread_mutex_unlock(r->cfg.lock);
	return rc;
}

int hgfs_rs_rmdir(hgfs_restore *r, const char *rest)
{
	hgfs_rentry *e = NULL;
	int rc = 0;

	pthread_mutex_lock(r->cfg.lock);
	e = find_locked(r, rest);
	if (e == NULL) {
		rc = -ENOENT;
	} else if (!e->is_dir) {
		rc = -ENOTDIR;
	} else {
		for (hgfs_rentry *t = r->head; t != NULL; t = t->next) {
			if (in_dir(t->path, rest)) {
				rc = -ENOTEMPTY;
				break;
			}
		}
		if (rc == 0)
			unlink_locked(r, e);
	}
	pthread_mutex_unlock(r->cfg.lock);
	return rc;
}

/* Replaces the prefix `from` of path with `to`. */
static char *re_prefix(const char *path, size_t from_len, const char *to)
{
	char *s = NULL;

	if (asprintf(&s, "%s%s", to, path + from_len) < 0)
		return NULL;
	return s;
}

int hgfs_rs_rename(hgfs_restore *r, const char *from, const char *to, unsigned int flags)
{
	hgfs_rentry *e, *t;
	size_t flen = strlen(from);
	bool import = false;
	int rc = 0;

	pthread_mutex_lock(r->cfg.lock);
	e = r != NULL ? find_locked(r, from) : NULL;
	if (e == NULL) {
		rc = -ENOENT;
		goto out;
	}
	if (strcmp(from, to) == 0)
		goto out;
	if (e->st.state == HGFS_RS_IMPORTING) {
		rc = -EBUSY;
		goto out;
	}
	if ((rc = parent_ok_locked(r, to)) < 0)
		goto out;
	if (e->is_dir && strncmp(to, from, flen) == 0 && to[flen] == '/') {
		rc = -EINVAL; /* into itself */
		goto out;
	}
	t = find_locked(r, to);
	if (t != NULL) {
		if (flags & RENAME_NOREPLACE) {
			rc = -EEXIST;
			goto out;
		}
		if (t->is_dir != e->is_dir) {
			rc = t->is_dir ? -EISDIR : -ENOTDIR;
			goto out;
		}
		if (t->st.state == HGFS_RS_IMPORTING) {
			rc = -EBUSY;
			goto out;
		}
		if (t->is_dir) {
			for (hgfs_rentry *c = r->head; c != NULL; c = c->next) {
				if (in_dir(c->path, to)) {
					rc = -ENOTEMPTY;
					goto out;
				}
			}
		}
		unlink_locked(r, t);
	}
	if (e->is_dir) {
		/* an import under way logs its path: nothing below may move meanwhile */
		for (hgfs_rentry *c = r->head; c != NULL; c = c->next) {
			if (c->st.state == HGFS_RS_IMPORTING && strncmp(c->path, from, flen) == 0 && c->path[flen] == '/') {
				rc = -EBUSY;
				goto out;
			}
		}
	}
	if (e->is_dir) {
		/* the entries below move with it */
		for (hgfs_rentry *c = r->head; c != NULL; c = c->next) {
			if (c != e && strncmp(c->path, from, flen) == 0 && c->path[flen] == '/') {
				char *np = re_prefix(c->path, flen, to);
				if (np == NULL) {
					rc = -ENOMEM;
					goto out;
				}
				free(c->path);
				c->path = np;
			}
		}
	}
	{
		char *np = strdup(to);
		if (np == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		free(e->path);
		e->path = np;
	}
	/* a temporary renamed onto its final name is complete */
	import = !e->is_dir && final_name(to) && e->spool != NULL && e->dirty;
	if (import && (rc = hold_locked(e)) < 0)
		import = false;
out:
	pthread_mutex_unlock(r->cfg.lock);
	if (rc == 0 && import) {
		rc = maybe_import(r, e);
		hgfs_rs_release(r, e, false);
	}
	return rc;
}

/* The files that manifest entry man lists, how many of them are complete in
 * its set (imported, or empty and matching), and what the others are
 * ("edges.jsonl not arrived", "vertices.jsonl pending") into what (graph
 * lock held). */
static void set_progress_locked(const hgfs_restore *r, const hgfs_rentry *man, int *listed, int *complete,
				char *what, size_t len)
{
	size_t used = 0;

	*listed = *complete = 0;
	what[0] = '\0';
	for (int k = HGFS_K_SCHEMA; k < HGFS_K_MANIFEST; k++) {
		const hgfs_rentry *found = NULL;
		const char *state = "not arrived";

		if (!man->manifest->file[k].present)
			continue;
		(*listed)++;
		for (const hgfs_rentry *e = r->head; e != NULL; e = e->next) {
			if (e == man || e->is_dir || !same_set(e->path, man->path))
				continue;
			if (e->st.kind == (hgfs_kind)k || (e->st.kind == HGFS_K_UNKNOWN && hgfs_kind_by_name(e->path) == (hgfs_kind)k)) {
				/* a complete one wins over another copy still on its way */
				if (found == NULL || e->st.state == HGFS_RS_IMPORTED || (e->st.state == HGFS_RS_EMPTY && e->st.measured))
					found = e;
			}
		}
		if ((man->removed_done & (1u << k)) ||
		    (found != NULL && (found->st.state == HGFS_RS_IMPORTED || (found->st.state == HGFS_RS_EMPTY && found->st.measured)))) {
			(*complete)++;
			continue;
		}
		if (found != NULL)
			state = state_names[found->st.state];
		if (used < len) {
			int n = snprintf(what + used, len - used, "%s%s %s", used ? ", " : "", hgfs_kind_file_name((hgfs_kind)k), state);
			used = n < 0 ? len : used + (size_t)n;
		}
	}
}

int hgfs_rs_unfinished(hgfs_restore *r, char *why, size_t len)
{
	size_t used = 0;
	int rc = 0;

	why[0] = '\0';
	pthread_mutex_lock(r->cfg.lock);
	for (hgfs_rentry *e = r->head; e != NULL; e = e->next) {
		char what[256];
		int n = 0;

		if (e->is_dir)
			continue;
		if (e->st.state == HGFS_RS_PENDING || e->st.state == HGFS_RS_IMPORTING ||
		    ((e->st.state == HGFS_RS_WRITING || e->st.state == HGFS_RS_INCOMPLETE) && final_name(e->path))) {
			n = snprintf(why + used, len - used, "%s%s is %s", used ? "; " : "", e->path,
				     state_names[e->st.state]);
		} else if (e->st.kind == HGFS_K_MANIFEST && e->manifest != NULL && e->st.state == HGFS_RS_IMPORTED) {
			int listed, complete;
			set_progress_locked(r, e, &listed, &complete, what, sizeof(what));
			if (complete < listed)
				n = snprintf(why + used, len - used, "%sthe set of %s is incomplete (%s)", used ? "; " : "",
					     e->path, what);
		} else {
			continue;
		}
		if (n > 0)
			rc = -EBUSY;
		used = n < 0 || used + (size_t)n >= len ? len - 1 : used + (size_t)n;
	}
	if (rc == 0 && r->refused != NULL &&
	    strncmp(r->refused, "refused: NONE ", 14) == 0) {
		free(r->refused);
		r->refused = NULL;
	}
	if (rc < 0 && r != NULL) {
		free(r->refused);
		if (asprintf(&r->refused,
			     "refused: NONE while restore/ is unfinished: %s; let the copies finish, copy what is missing, "
			     "or remove what should not be imported from restore/",
			     why) < 0)
			r->refused = NULL;
	}
	pthread_mutex_unlock(r->cfg.lock);
	return rc;
}

static const char *unit_of(hgfs_kind k)
{
	switch (k) {
	case HGFS_K_SCHEMA:
		return "elements";
	case HGFS_K_VERTICES:
		return "vertices";
	case HGFS_K_EDGES:
		return "edges";
	case HGFS_K_VARIABLES:
		return "variables";
	case HGFS_K_MANIFEST:
		return "files";
	default:
		return "records";
	}
}

static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

int hgfs_rs_status(hgfs_restore *r, char **text, size_t *len, struct timespec *mtime)
{
	int count[HGFS_RS_INCOMPLETE + 1] = {0}, incomplete = 0;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (f == NULL)
		return -ENOMEM;
	pthread_mutex_lock(r->cfg.lock);
	if (r->refused != NULL)
		fprintf(f, "%s\n", r->refused);
	for (hgfs_rentry *e = r->head; e != NULL; e = e->next) {
		if (e->is_dir)
			continue;
		count[e->st.state]++;
		if (e->st.kind == HGFS_K_MANIFEST && e->manifest != NULL && e->st.state == HGFS_RS_IMPORTED) {
			/* a set is complete when every file its manifest lists is */
			int listed, complete;
			char what[256];
			set_progress_locked(r, e, &listed, &complete, what, sizeof(what));
			fprintf(f, "%s: %s, %d/%d files", e->path, state_names[e->st.state], complete, listed);
			if (complete < listed) {
				fprintf(f, " - the set is incomplete: %s", what);
				incomplete++;
			} else if (e->st.detail != NULL) {
				fprintf(f, " - %s", e->st.detail);
			}
			if (e->manifest->consistent == 0)
				fprintf(f, " - the backup is marked inconsistent (the graph changed while it was taken): %s",
					e->manifest->consistency);
			fputc('\n', f);
			continue;
		}
		fprintf(f, "%s: %s, %llu/%llu %s", e->path, state_names[e->st.state], (unsigned long long)e->st.done,
			(unsigned long long)e->st.total, unit_of(e->st.kind));
		if (e->st.state == HGFS_RS_IMPORTING && e->st.done > 0 && e->st.posting_since.tv_sec != 0) {
			/* the rate since posting began, and the time left at that rate */
			struct timespec now;
			char eta[48];
			clock_gettime(CLOCK_MONOTONIC, &now);
			double secs = (double)(now.tv_sec - e->st.posting_since.tv_sec) +
				      (double)(now.tv_nsec - e->st.posting_since.tv_nsec) / 1e9;
			double rate = secs > 0 ? (double)e->st.done / secs : 0;
			fprintf(f, ", %.0f %s/s", rate, unit_of(e->st.kind));
			if (rate > 0 && e->st.total >= e->st.done)
				fprintf(f, ", eta %s", hgfs_fmt_secs((double)(e->st.total - e->st.done) / rate, eta, sizeof(eta)));
		}
		if (e->st.detail != NULL)
			fprintf(f, " - %s", e->st.detail);
		fputc('\n', f);
	}
	pthread_mutex_unlock(r->cfg.lock);
	fprintf(f, "summary: %d imported, %d pending, %d failed", count[HGFS_RS_IMPORTED], count[HGFS_RS_PENDING],
		count[HGFS_RS_FAILED]);
	if (count[HGFS_RS_SKIPPED])
		fprintf(f, ", %d skipped", count[HGFS_RS_SKIPPED]);
	if (count[HGFS_RS_IMPORTING])
		fprintf(f, ", %d importing", count[HGFS_RS_IMPORTING]);
	if (count[HGFS_RS_WRITING])
		fprintf(f, ", %d being written", count[HGFS_RS_WRITING]);
	if (count[HGFS_RS_INCOMPLETE])
		fprintf(f, ", %d incomplete file%s", count[HGFS_RS_INCOMPLETE], count[HGFS_RS_INCOMPLETE] > 1 ? "s" : "");
	if (incomplete)
		fprintf(f, ", %d incomplete set%s", incomplete, incomplete > 1 ? "s" : "");
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	uint64_t h = fnv1a(buf, size);
	pthread_mutex_lock(r->cfg.lock);
	mtime->tv_sec = mtime->tv_nsec = 0;
	{
		if (r->status_hash != h) {
			r->status_hash = h;
			clock_gettime(CLOCK_REALTIME, &r->status_mtime);
		}
		*mtime = r->status_mtime;
	}
	pthread_mutex_unlock(r->cfg.lock);
	*text = buf;
	*len = size;
	return 0;
}

void hgfs_rs_free(hgfs_restore *r, const char *graph)
{
	if (r == NULL)
		return;
	while (r->head != NULL) {
		hgfs_rentry *e = r->head;
		if (!e->is_dir && (e->st.state == HGFS_RS_PENDING || e->st.state == HGFS_RS_WRITING ||
				   e->st.state == HGFS_RS_INCOMPLETE || e->st.state == HGFS_RS_IMPORTING ||
				   (e->dirty && e->spool != NULL)))
			hgfs_log(LOG_WARNING, "graph %s: unmount discards restore/%s (%s, %lld bytes)%s%s", graph, e->path,
				 state_names[e->st.state], (long long)e->size, e->st.detail != NULL ? ": " : "",
				 e->st.detail != NULL ? e->st.detail : "");
		r->head = e->next;
		entry_free(e);
	}
	free(r->refused);
	pthread_mutex_destroy(&r->import_lock);
	free(r);
}
