/* spaces.c - graphspaces/ of the mount: the graphspaces, their clients,
 * graph lists and definitions (spaces.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "spaces.h"

#define SPACES_LIST_TTL 1.0 /* seconds the graphspace and graph lists are reused */

typedef struct hgfs_space {
	struct hgfs_space *next;
	char name[HGFS_NAME_MAX + 1];
	hg_client *client; /* NULL: not opened yet (never for the main one) */
	char **graph_names;
	struct timespec graph_names_at;
	/* the definition last read: its bytes keep their mtime while unchanged */
	char *def;
	size_t def_len;
	struct timespec def_at; /* monotonic: when it was read */
	struct timespec def_mtime;
	bool pending; /* made by mkdir; not on the server (yet) */
	/* graphspace.json handles open for writing, and what the last written
	 * one holds: what stat shows meanwhile (fstat asks by path) */
	int writers;
	size_t w_len;
	struct timespec w_mtime;
} hgfs_space;

struct hgfs_spaces {
	pthread_mutex_t lock;
	hgfs_space *list;
	char **server; /* the last GET /graphspaces */
	struct timespec server_at;
};

struct hgfs_space_file {
	struct hgfs_spaces *all;
	hgfs_space *sp; /* lives until unmount */
	char space[HGFS_NAME_MAX + 1];
	char *buf;
	size_t len;
	struct timespec mtime;
	bool writing;
	bool dirty;   /* written since the last send */
	int failed;   /* -errno of the send, reported at every later flush */
};

static struct timespec mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

static double age(const struct timespec *since)
{
	struct timespec t = mono();
	return (double)(t.tv_sec - since->tv_sec) + (double)(t.tv_nsec - since->tv_nsec) / 1e9;
}

const char *hgfs_space_of(const hgfs *fs, const char *space)
{
	if (space != NULL && space[0] != '\0')
		return space;
	return fs->cfg.graphspace != NULL ? fs->cfg.graphspace : "DEFAULT";
}

bool hgfs_space_is_main(const hgfs *fs, const char *space)
{
	return strcmp(hgfs_space_of(fs, space), hgfs_space_of(fs, NULL)) == 0;
}

void hgfs_spaces_init(hgfs *fs)
{
	struct hgfs_spaces *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return; /* every graphspace operation then fails with ENOMEM */
	pthread_mutex_init(&s->lock, NULL);
	fs->spaces = s;
}

void hgfs_spaces_free(hgfs *fs)
{
	struct hgfs_spaces *s = fs->spaces;

	if (s == NULL)
		return;
	while (s->list != NULL) {
		hgfs_space *sp = s->list;
		s->list = sp->next;
		hg_client_free(sp->client);
		hg_strv_free(sp->graph_names);
		free(sp->def);
		free(sp);
	}
	hg_strv_free(s->server);
	pthread_mutex_destroy(&s->lock);
	free(s);
	fs->spaces = NULL;
}

/* The state of graphspace name, made on first use (lock held). */
static hgfs_space *space_locked(struct hgfs_spaces *s, const char *name)
{
	hgfs_space *sp;

	for (sp = s->list; sp != NULL; sp = sp->next)
		if (strcmp(sp->name, name) == 0)
			return sp;
	sp = calloc(1, sizeof(*sp));
	if (sp == NULL)
		return NULL;
	snprintf(sp->name, sizeof(sp->name), "%s", name);
	sp->next = s->list;
	s->list = sp;
	return sp;
}

static bool in_list(char *const *v, const char *name)
{
	for (; v != NULL && *v != NULL; v++)
		if (strcmp(*v, name) == 0)
			return true;
	return false;
}

static int log_errno(const char *what, int rc, const hg_error *err)
{
	char buf[1400];

	hgfs_log(LOG_ERR, "%s: %s", what, hg_error_format(err, buf, sizeof(buf)));
	return hgfs_errno_client(rc);
}

/* Asks the server for its graphspaces, at most once a second; *has is set
 * when it lists space. */
static int server_lists(hgfs *fs, const char *space, bool *has)
{
	struct hgfs_spaces *s = fs->spaces;
	char **names = NULL;
	hg_error err;
	int rc;

	*has = false;
	if (s == NULL || fs->client == NULL)
		return s == NULL ? -ENOMEM : -EIO;
	pthread_mutex_lock(&s->lock);
	if (s->server != NULL && age(&s->server_at) < SPACES_LIST_TTL) {
		*has = in_list(s->server, space);
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	pthread_mutex_unlock(&s->lock);
	hg_error_clear(&err);
	rc = hg_graphspace_list(fs->client, &names, &err);
	if (rc == -HG_EFORBIDDEN || rc == -HG_ENOTFOUND) {
		/* a user who may not list them still has -o graphspace's */
		char buf[1400];
		hgfs_log(LOG_NOTICE, "listing graphspaces: %s; graphspaces/ shows %s only",
			 hg_error_format(&err, buf, sizeof(buf)), hgfs_space_of(fs, NULL));
		names = calloc(1, sizeof(*names));
		rc = names != NULL ? 0 : -HG_ENOMEM;
	}
	if (rc < 0)
		return log_errno("listing graphspaces", rc, &err);
	pthread_mutex_lock(&s->lock);
	hg_strv_free(s->server);
	s->server = names;
	s->server_at = mono();
	*has = in_list(names, space);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static void forget_server_list(hgfs *fs)
{
	pthread_mutex_lock(&fs->spaces->lock);
	hg_strv_free(fs->spaces->server);
	fs->spaces->server = NULL;
	pthread_mutex_unlock(&fs->spaces->lock);
}

/* The names graphspaces/ shows: the server's, the main one, those made by
 * mkdir (a copy). */
static int space_names(hgfs *fs, char ***out)
{
	struct hgfs_spaces *s = fs->spaces;
	const char *main = hgfs_space_of(fs, NULL);
	size_t n = 0, cap;
	char **v;
	bool has;
	int rc = server_lists(fs, main, &has);

	if (rc < 0)
		return rc;
	pthread_mutex_lock(&s->lock);
	cap = 2;
	for (char **p = s->server; p != NULL && *p != NULL; p++)
		cap++;
	for (hgfs_space *sp = s->list; sp != NULL; sp = sp->next)
		cap++;
	v = calloc(cap, sizeof(*v));
	if (v == NULL) {
		pthread_mutex_unlock(&s->lock);
		return -ENOMEM;
	}
	for (char **p = s->server; p != NULL && *p != NULL; p++)
		if (!in_list(v, *p))
			v[n++] = strdup(*p);
	if (!in_list(v, main))
		v[n++] = strdup(main);
	for (hgfs_space *sp = s->list; sp != NULL; sp = sp->next)
		if (sp->pending && !in_list(v, sp->name))
			v[n++] = strdup(sp->name);
	pthread_mutex_unlock(&s->lock);
	for (size_t i = 0; i < n; i++) {
		if (v[i] == NULL) {
			for (size_t j = 0; j < n; j++)
				free(v[j]);
			free(v);
			return -ENOMEM;
		}
	}
	*out = v;
	return 0;
}

int hgfs_space_check(hgfs *fs, const char *space)
{
	char **names;
	bool found;
	int rc;

	if (hgfs_space_is_main(fs, space))
		return 0;
	rc = space_names(fs, &names);
	if (rc < 0)
		return rc;
	found = in_list(names, space);
	hg_strv_free(names);
	return found ? 0 : -ENOENT;
}

int hgfs_space_client(hgfs *fs, const char *space, hg_client **out)
{
	struct hgfs_spaces *s = fs->spaces;
	hg_options opt = {0};
	hg_client *c = NULL;
	hgfs_space *sp;
	hg_error err;
	char what[400];
	int rc;

	if (s == NULL || fs->client == NULL)
		return s == NULL ? -ENOMEM : -EIO;
	if (hg_client_graphspace(fs->client) == NULL)
		return -ENOENT; /* before 1.7: DEFAULT only */
	pthread_mutex_lock(&s->lock);
	sp = space_locked(s, space);
	if (sp != NULL && sp->client != NULL) {
		*out = sp->client;
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	pthread_mutex_unlock(&s->lock);
	if (sp == NULL)
		return -ENOMEM;
	opt.url = fs->cfg.url;
	opt.user = fs->cfg.user;
	opt.password = fs->cfg.password;
	opt.graphspace = space;
	opt.timeout_ms = fs->cfg.timeout * 1000;
	opt.stall_ms = fs->cfg.stall_timeout * 1000;
	hg_error_clear(&err);
	rc = hg_client_open(&c, &opt, &err);
	if (rc < 0) {
		snprintf(what, sizeof(what), "graphspace %s: cannot connect", space);
		return log_errno(what, rc, &err);
	}
	hg_client_set_cancel(c, hgfs_cancel_hook, fs);
	pthread_mutex_lock(&s->lock);
	if (sp->client == NULL) {
		sp->client = c;
		c = NULL;
	}
	*out = sp->client;
	pthread_mutex_unlock(&s->lock);
	hg_client_free(c); /* another thread opened one meanwhile */
	return 0;
}

int hgfs_space_graph_names(hgfs *fs, const char *space, char ***out)
{
	struct hgfs_spaces *s = fs->spaces;
	hg_client *c;
	hgfs_space *sp;
	char **names = NULL, **copy;
	hg_error err;
	char what[400];
	size_t n = 0;
	bool pending = false, listed;
	int rc;

	/* a graphspace made by mkdir and not created yet has no graph */
	if (s == NULL)
		return -ENOMEM;
	pthread_mutex_lock(&s->lock);
	for (sp = s->list; sp != NULL; sp = sp->next)
		pending |= strcmp(sp->name, space) == 0 && sp->pending;
	pthread_mutex_unlock(&s->lock);
	if (pending && server_lists(fs, space, &listed) == 0 && !listed) {
		*out = calloc(1, sizeof(**out));
		return *out != NULL ? 0 : -ENOMEM;
	}
	rc = hgfs_space_client(fs, space, &c);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&s->lock);
	sp = space_locked(s, space);
	if (sp != NULL && sp->graph_names != NULL && age(&sp->graph_names_at) < SPACES_LIST_TTL)
		names = sp->graph_names;
	pthread_mutex_unlock(&s->lock);
	if (sp == NULL)
		return -ENOMEM;
	if (names == NULL) {
		hg_error_clear(&err);
		rc = hg_list_graphs(c, &names, &err);
		if (rc < 0) {
			snprintf(what, sizeof(what), "listing the graphs of graphspace %s", space);
			return log_errno(what, rc, &err);
		}
		pthread_mutex_lock(&s->lock);
		hg_strv_free(sp->graph_names);
		sp->graph_names = names;
		sp->graph_names_at = mono();
	} else {
		pthread_mutex_lock(&s->lock);
		names = sp->graph_names;
	}
	while (names[n] != NULL)
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	for (size_t i = 0; copy != NULL && i < n; i++) {
		copy[i] = strdup(names[i]);
		if (copy[i] == NULL) {
			hg_strv_free(copy);
			copy = NULL;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (copy == NULL)
		return -ENOMEM;
	*out = copy;
	return 0;
}

void hgfs_space_graphs_changed(hgfs *fs, const char *space)
{
	struct hgfs_spaces *s = fs->spaces;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	for (hgfs_space *sp = s->list; sp != NULL; sp = sp->next) {
		if (strcmp(sp->name, space) == 0) {
			hg_strv_free(sp->graph_names);
			sp->graph_names = NULL;
		}
	}
	pthread_mutex_unlock(&s->lock);
}

/* The definition of a listed graphspace (a copy, with its mtime), read
 * again when older than snapshot_ttl: bytes that did not change keep their
 * mtime, so tar and rsync see no change. */
static int def_get(hgfs *fs, const char *space, char **data, size_t *len, struct timespec *mtime)
{
	struct hgfs_spaces *s = fs->spaces;
	hgfs_space *sp;
	char *got = NULL, what[400];
	size_t got_len = 0;
	hg_error err;
	int rc;

	pthread_mutex_lock(&s->lock);
	sp = space_locked(s, space);
	if (sp != NULL && sp->def != NULL && age(&sp->def_at) < fs->cfg.snapshot_ttl)
		goto copy;
	pthread_mutex_unlock(&s->lock);
	if (sp == NULL)
		return -ENOMEM;
	hg_error_clear(&err);
	rc = hg_graphspace_get(fs->client, space, &got, &got_len, &err);
	if (rc < 0) {
		snprintf(what, sizeof(what), "reading the definition of graphspace %s", space);
		return log_errno(what, rc, &err);
	}
	pthread_mutex_lock(&s->lock);
	if (sp->def == NULL || sp->def_len != got_len + 1 || memcmp(sp->def, got, got_len) != 0) {
		char *d = realloc(got, got_len + 1);
		if (d == NULL) {
			pthread_mutex_unlock(&s->lock);
			free(got);
			return -ENOMEM;
		}
		got = NULL;
		d[got_len] = '\n'; /* the answer and a newline, as variables.json */
		if (sp->def == NULL) {
			sp->def_mtime.tv_sec = fs->started;
		} else {
			clock_gettime(CLOCK_REALTIME, &sp->def_mtime);
			sp->def_mtime.tv_nsec = 0;
		}
		free(sp->def);
		sp->def = d;
		sp->def_len = got_len + 1;
	}
	free(got);
	sp->def_at = mono();
copy:
	*data = malloc(sp->def_len);
	if (*data != NULL)
		memcpy(*data, sp->def, sp->def_len);
	*len = sp->def_len;
	*mtime = sp->def_mtime;
	pthread_mutex_unlock(&s->lock);
	return *data != NULL ? 0 : -ENOMEM;
}

static void fill(hgfs *fs, struct stat *st, bool dir, mode_t mode, off_t size, const struct timespec *mtime)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = (dir ? S_IFDIR : S_IFREG) | mode;
	st->st_nlink = dir ? 2 : 1;
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_size = size;
	st->st_blksize = 4096;
	st->st_blocks = (size + 511) / 512;
	st->st_mtim = st->st_atim = st->st_ctim = *mtime;
}

int hgfs_spaces_getattr(hgfs *fs, const hgfs_path *p, struct stat *st)
{
	struct timespec started = {fs->started, 0}, mtime;
	char *data;
	size_t len;
	bool has;
	int rc;

	switch (p->type) {
	case HGFS_N_SPACES:
		fill(fs, st, true, 0755, 0, &started);
		return 0;
	case HGFS_N_SPACE:
		rc = hgfs_space_check(fs, p->space);
		if (rc == 0)
			fill(fs, st, true, 0755, 0, &started);
		return rc;
	case HGFS_N_SPACE_DEF: {
		bool written = false;
		pthread_mutex_lock(&fs->spaces->lock);
		for (hgfs_space *sp = fs->spaces->list; sp != NULL; sp = sp->next) {
			if (strcmp(sp->name, p->space) == 0 && sp->writers > 0) {
				fill(fs, st, false, 0644, (off_t)sp->w_len, &sp->w_mtime);
				written = true;
			}
		}
		pthread_mutex_unlock(&fs->spaces->lock);
		if (written)
			return 0;
		rc = server_lists(fs, p->space, &has);
		if (rc < 0)
			return rc;
		if (!has)
			return -ENOENT;
		rc = def_get(fs, p->space, &data, &len, &mtime);
		if (rc < 0)
			return rc;
		free(data);
		fill(fs, st, false, 0644, (off_t)len, &mtime);
		return 0;
	}
	default:
		return -ENOENT;
	}
}

int hgfs_spaces_readdir(hgfs *fs, const hgfs_path *p, void (*add)(void *ctx, const char *name, bool dir), void *ctx)
{
	char **names;
	bool has;
	int rc;

	if (p->type == HGFS_N_SPACES) {
		rc = space_names(fs, &names);
		if (rc < 0)
			return rc;
		add(ctx, ".", true);
		add(ctx, "..", true);
		for (int i = 0; names[i] != NULL; i++) {
			if (hgfs_valid_name(names[i]))
				add(ctx, names[i], true);
			else
				hgfs_log(LOG_WARNING, "graphspace name '%s' cannot be a directory name; not shown", names[i]);
		}
		hg_strv_free(names);
		return 0;
	}
	if (p->type != HGFS_N_SPACE)
		return -ENOTDIR;
	rc = hgfs_space_check(fs, p->space);
	if (rc == 0)
		rc = server_lists(fs, p->space, &has);
	if (rc < 0)
		return rc;
	add(ctx, ".", true);
	add(ctx, "..", true);
	if (has)
		add(ctx, "graphspace.json", false);
	add(ctx, "graphs", true);
	/* the graphspace's auth data (an administrator's mount: auth.c) */
	if (hgfs_auth_visible(fs))
		add(ctx, "auth", true);
	return 0;
}

int hgfs_space_mkdir(hgfs *fs, const hgfs_path *p)
{
	struct hgfs_spaces *s = fs->spaces;
	hgfs_space *sp;
	int rc;

	if (p->type != HGFS_N_SPACE)
		return p->type == HGFS_N_SPACES ? -EEXIST : -EPERM;
	if (s == NULL || fs->client == NULL)
		return s == NULL ? -ENOMEM : -EIO;
	if (hg_client_graphspace(fs->client) == NULL) {
		hgfs_log(LOG_ERR, "mkdir graphspaces/%s: the server (%s) has no graphspaces (HugeGraph 1.7 and later have)",
			 p->space, hg_client_core_version(fs->client));
		return -EPERM;
	}
	rc = hgfs_space_check(fs, p->space);
	if (rc == 0)
		return -EEXIST;
	if (rc != -ENOENT)
		return rc;
	pthread_mutex_lock(&s->lock);
	sp = space_locked(s, p->space);
	if (sp != NULL)
		sp->pending = true;
	pthread_mutex_unlock(&s->lock);
	if (sp == NULL)
		return -ENOMEM;
	hgfs_log(LOG_INFO, "graphspaces/%s: made; copy a graphspace.json into it to create the graphspace", p->space);
	return 0;
}

int hgfs_space_rmdir(hgfs *fs, const hgfs_path *p)
{
	struct hgfs_spaces *s = fs->spaces;
	bool was = false, listed;
	int rc;

	if (p->type != HGFS_N_SPACE || s == NULL)
		return -EPERM;
	rc = server_lists(fs, p->space, &listed);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&s->lock);
	for (hgfs_space *sp = s->list; sp != NULL; sp = sp->next) {
		if (strcmp(sp->name, p->space) == 0 && sp->pending && !listed) {
			sp->pending = false;
			was = true;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (was)
		return 0;
	if (hgfs_space_check(fs, p->space) == -ENOENT)
		return -ENOENT;
	hgfs_log(LOG_ERR, "rmdir graphspaces/%s: hugegraphfs does not delete graphspaces", p->space);
	return -EPERM;
}

int hgfs_space_def_open(hgfs *fs, const hgfs_path *p, int flags, bool create, hgfs_space_file **out)
{
	hgfs_space_file *f;
	bool has;
	int rc = hgfs_space_check(fs, p->space);

	if (rc == 0)
		rc = server_lists(fs, p->space, &has);
	if (rc < 0)
		return rc;
	if (!has && !create && !(flags & O_CREAT))
		return -ENOENT;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -ENOMEM;
	snprintf(f->space, sizeof(f->space), "%s", p->space);
	f->writing = (flags & O_ACCMODE) != O_RDONLY;
	if (has && !(f->writing && (flags & O_TRUNC))) {
		rc = def_get(fs, p->space, &f->buf, &f->len, &f->mtime);
		if (rc < 0) {
			free(f);
			return rc;
		}
	} else {
		clock_gettime(CLOCK_REALTIME, &f->mtime);
	}
	f->all = fs->spaces;
	pthread_mutex_lock(&f->all->lock);
	f->sp = space_locked(f->all, p->space);
	if (f->sp != NULL && f->writing) {
		f->sp->writers++;
		f->sp->w_len = f->len;
		f->sp->w_mtime = f->mtime;
	}
	pthread_mutex_unlock(&f->all->lock);
	if (f->sp == NULL) {
		free(f->buf);
		free(f);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}

/* what stat shows of a file being written (after each change) */
static void writer_seen(hgfs_space_file *f)
{
	pthread_mutex_lock(&f->all->lock);
	f->sp->w_len = f->len;
	f->sp->w_mtime = f->mtime;
	pthread_mutex_unlock(&f->all->lock);
}

int hgfs_space_def_read(hgfs_space_file *f, char *buf, size_t size, off_t off)
{
	if (off < 0)
		return -EINVAL;
	if ((size_t)off >= f->len)
		return 0;
	if (size > f->len - (size_t)off)
		size = f->len - (size_t)off;
	memcpy(buf, f->buf + off, size);
	return (int)size;
}

int hgfs_space_def_write(hgfs_space_file *f, const char *buf, size_t size, off_t off)
{
	if (!f->writing)
		return -EBADF;
	if (off < 0)
		return -EINVAL;
	if ((size_t)off > HGFS_SPACE_DEF_MAX || size > HGFS_SPACE_DEF_MAX - (size_t)off) {
		hgfs_log(LOG_ERR, "graphspaces/%s/graphspace.json: longer than %d bytes; refused", f->space,
			 HGFS_SPACE_DEF_MAX);
		return -EFBIG;
	}
	if ((size_t)off + size > f->len) {
		char *d = realloc(f->buf, (size_t)off + size);
		if (d == NULL)
			return -ENOMEM;
		if ((size_t)off > f->len)
			memset(d + f->len, 0, (size_t)off - f->len);
		f->buf = d;
		f->len = (size_t)off + size;
	}
	memcpy(f->buf + off, buf, size);
	f->dirty = true;
	clock_gettime(CLOCK_REALTIME, &f->mtime);
	writer_seen(f);
	return (int)size;
}

int hgfs_space_def_truncate(hgfs_space_file *f, off_t size)
{
	if (!f->writing)
		return -EBADF;
	if (size < 0 || size > HGFS_SPACE_DEF_MAX)
		return size < 0 ? -EINVAL : -EFBIG;
	if ((size_t)size > f->len) {
		char *d = realloc(f->buf, (size_t)size);
		if (d == NULL)
			return -ENOMEM;
		memset(d + f->len, 0, (size_t)size - f->len);
		f->buf = d;
	}
	f->len = (size_t)size;
	f->dirty = true;
	writer_seen(f);
	return 0;
}

void hgfs_space_def_stat(hgfs *fs, hgfs_space_file *f, struct stat *st)
{
	fill(fs, st, false, 0644, (off_t)f->len, &f->mtime);
}

/* The members of a definition a create or update takes (GraphSpaceAPI's
 * JsonGraphSpace, less name and the derived dp_username, dp_password). */
static const char *const DEF_FIELDS[] = {
	"nickname", "description", "cpu_limit", "memory_limit", "storage_limit", "compute_cpu_limit",
	"compute_memory_limit", "oltp_namespace", "olap_namespace", "storage_namespace", "max_graph_number",
	"max_role_number", "auth", "configs", "operator_image_path", "internal_algorithm_image_url", NULL,
};

/* Sends the definition in f to the server: creates the graphspace, or
 * updates it when the server lists it. */
static int def_send(hgfs *fs, hgfs_space_file *f)
{
	cJSON *in = NULL, *def = NULL, *body = NULL;
	char *text = NULL, buf[1400];
	const char *how;
	hg_error err;
	bool has;
	int rc = server_lists(fs, f->space, &has);

	if (rc < 0)
		return rc;
	in = cJSON_ParseWithLength(f->buf != NULL ? f->buf : "", f->len);
	if (!cJSON_IsObject(in)) {
		hgfs_log(LOG_ERR, "graphspaces/%s/graphspace.json: not a JSON object (a graphspace definition as "
				  "graphspaces/<gs>/graphspace.json shows it); nothing sent",
			 f->space);
		rc = -EINVAL;
		goto out;
	}
	def = cJSON_CreateObject();
	if (def == NULL || cJSON_AddStringToObject(def, "name", f->space) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (int i = 0; DEF_FIELDS[i] != NULL; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, DEF_FIELDS[i]);
		cJSON *dup;
		if (v == NULL || cJSON_IsNull(v))
			continue;
		dup = cJSON_Duplicate(v, true);
		if (dup == NULL || !cJSON_AddItemToObject(def, DEF_FIELDS[i], dup)) {
			cJSON_Delete(dup);
			rc = -ENOMEM;
			goto out;
		}
	}
	if (has) {
		how = "update";
		body = cJSON_CreateObject();
		if (body == NULL || cJSON_AddStringToObject(body, "action", "update") == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		cJSON_AddItemToObject(body, "update", def);
		def = NULL;
	} else {
		how = "create";
		body = def;
		def = NULL;
	}
	text = cJSON_PrintUnformatted(body);
	if (text == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	hg_error_clear(&err);
	rc = has ? hg_graphspace_update(fs->client, f->space, text, strlen(text), &err)
		 : hg_graphspace_create(fs->client, text, strlen(text), &err);
	if (rc < 0) {
		hgfs_log(LOG_ERR, "graphspaces/%s/graphspace.json: the server refused to %s the graphspace: %s%s", f->space,
			 how, hg_error_format(&err, buf, sizeof(buf)),
			 err.http_status == 401 || err.http_status == 403 ? " (graphspaces are an administrator's)"
			 : err.http_status >= 500 ? " (a HugeGraph server without PD has no graphspaces but DEFAULT)"
						  : "");
		rc = err.http_status == 401 || err.http_status == 403 ? -EACCES
		     : err.http_status == 400 || err.http_status == 404 ? -EINVAL
									: hgfs_errno_client(rc);
		goto out;
	}
	hgfs_log(LOG_INFO, "graphspace %s: %sd from graphspaces/%s/graphspace.json", f->space, how, f->space);
	forget_server_list(fs);
	pthread_mutex_lock(&fs->spaces->lock);
	for (hgfs_space *sp = fs->spaces->list; sp != NULL; sp = sp->next) {
		if (strcmp(sp->name, f->space) == 0) {
			sp->pending = false;
			sp->def_at.tv_sec = 0; /* read anew: new bytes get a new mtime */
			sp->def_at.tv_nsec = 0;
		}
	}
	pthread_mutex_unlock(&fs->spaces->lock);
out:
	free(text);
	cJSON_Delete(body);
	cJSON_Delete(def);
	cJSON_Delete(in);
	return rc;
}

int hgfs_space_def_flush(hgfs *fs, hgfs_space_file *f)
{
	if (!f->writing)
		return 0;
	if (f->failed)
		return f->failed;
	if (!f->dirty)
		return 0;
	f->dirty = false;
	f->failed = def_send(fs, f);
	return f->failed;
}

void hgfs_space_def_release(hgfs_space_file *f)
{
	if (f == NULL)
		return;
	if (f->writing && f->sp != NULL) {
		pthread_mutex_lock(&f->all->lock);
		f->sp->writers--;
		pthread_mutex_unlock(&f->all->lock);
	}
	free(f->buf);
	free(f);
}

int hgfs_space_known(hg_client *c, const char *space, char *msg, size_t len)
{
	char **names = NULL, list[512] = "";
	hg_error err;
	bool found;
	size_t n = 0;

	if (hg_client_graphspace(c) == NULL || space == NULL || strcmp(space, "DEFAULT") == 0)
		return 0;
	hg_error_clear(&err);
	if (hg_graphspace_list(c, &names, &err) < 0)
		return 0; /* the graph requests will tell */
	found = in_list(names, space);
	for (int i = 0; names[i] != NULL && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "", names[i]);
	if (!found && names[0] == NULL)
		snprintf(msg, len,
			 "graphspace '%s' does not exist: the server lists no graphspace (HugeGraph without PD has "
			 "DEFAULT only)",
			 space);
	else if (!found)
		snprintf(msg, len, "graphspace '%s' does not exist (the server lists: %s)", space, list);
	hg_strv_free(names);
	return found ? 0 : -ENOENT;
}
