/*
 * auth.c - MOUNT/auth/ (auth.h): the server's auth data as files, and its
 * restore.
 *
 * Backup: the five lists (GET .../auth/{kind}) are read together into one
 * in-memory snapshot, handed to new opens for snapshot_ttl seconds; each
 * file holds one element a line, compact JSON with the server's member
 * order, sorted by id.  A file whose bytes did not change keeps its mtime.
 * A kind the server does not serve (404) has no file.
 *
 * Restore: files copied into auth/restore/ are held in memory; each time
 * one of them is closed after a write (or renamed into place), every file
 * there is replayed against the server in dependency order (users, groups,
 * targets, then belongs and accesses): elements are matched by name (a
 * belong by its user's and group's names, an access by its group's and
 * target's names and its permission), ids are mapped from the backup's to
 * the server's by those names.  An element the server has already is left
 * alone: "exists" when its fields equal the backup's, a CONFLICT (reported
 * in auth/restore.status and the log, never overwritten) when they do not.
 * Users are created with the password of -o auth_password_file (the server
 * only ever shows a bcrypt hash, and hashes whatever it is given again);
 * the administrator is never created.
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
#include "hgauth.h"

#define AUTH_FILE_MAX ((size_t)64 << 20) /* one file in auth/restore/ */
#define AUTH_RFILES_MAX 64
#define ADMIN_NAME "admin"

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

typedef struct created {
	struct created *next;
	char *key; /* "kind name" */
} created;

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int visible; /* -1: not decided yet */
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
	created *made; /* elements this mount created (reported as created again) */
	pthread_mutex_t pass; /* one restore pass at a time */
} A = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.visible = -1,
	.pass = PTHREAD_MUTEX_INITIALIZER,
};

enum { H_SNAP = 1, H_RFILE, H_STATUS };

typedef struct ahandle {
	int what;
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
} apath;

bool hgfs_auth_path(const char *path)
{
	return path != NULL && strncmp(path, "/auth", 5) == 0 && (path[5] == '\0' || path[5] == '/');
}

static const char *file_name(hg_auth_kind k, char *buf, size_t len)
{
	snprintf(buf, len, "%s.jsonl", hg_auth_kind_name(k));
	return buf;
}

static int kind_of_name(const char *name)
{
	char buf[32];

	for (int k = 0; k < HG_AUTH__COUNT; k++)
		if (strcmp(name, file_name((hg_auth_kind)k, buf, sizeof(buf))) == 0)
			return k;
	return -1;
}

static int parse(const char *path, apath *p)
{
	const char *s = path + 5;
	int k;

	memset(p, 0, sizeof(*p));
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
	k = kind_of_name(s);
	if (k < 0)
		return -ENOENT;
	p->type = P_FILE;
	p->kind = (hg_auth_kind)k;
	return 0;
}

/* ---- the server --------------------------------------------------------------- */

/* The client and, for servers before 1.7, a graph to reach the auth API
 * through (the data is the server's, any graph serves it). */
static int server(hgfs *fs, hg_client **c, char **graph)
{
	char **names = NULL;
	hg_error err;
	int rc;

	*graph = NULL;
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

/* true when the list answer of users names the administrator */
static bool lists_admin(const char *body)
{
	cJSON *root = cJSON_Parse(body), *arr, *it;
	bool found = false;

	arr = cJSON_GetObjectItemCaseSensitive(root, "users");
	cJSON_ArrayForEach(it, arr) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "user_name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, ADMIN_NAME) == 0)
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
	if (fs->cfg.user == NULL || strcmp(fs->cfg.user, ADMIN_NAME) != 0)
		return false;
	pthread_mutex_lock(&A.lock);
	v = A.visible;
	pthread_mutex_unlock(&A.lock);
	if (v >= 0)
		return v == 1;
	if (server(fs, &c, &graph) < 0)
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

typedef struct sline {
	char *id;
	char *text;
} sline;

static int line_cmp(const void *a, const void *b)
{
	const sline *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c != 0 ? c : strcmp(x->text, y->text);
}

/* The list answer body of kind k as lines sorted by id. */
static int render(hg_auth_kind k, const char *body, char **out, size_t *outlen)
{
	cJSON *root = cJSON_Parse(body), *arr, *it;
	sline *v = NULL;
	size_t n = 0, total = 0, i;
	int rc = 0;
	char *p;

	*out = NULL;
	*outlen = 0;
	arr = cJSON_GetObjectItemCaseSensitive(root, hg_auth_kind_name(k));
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(root);
		return -EPROTO;
	}
	v = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*v));
	if (v == NULL) {
		cJSON_Delete(root);
		return -ENOMEM;
	}
	cJSON_ArrayForEach(it, arr) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
		if (!cJSON_IsObject(it)) {
			rc = -EPROTO;
			break;
		}
		v[n].text = cJSON_PrintUnformatted(it);
		v[n].id = cJSON_IsString(id) ? strdup(id->valuestring) : cJSON_PrintUnformatted(id ? id : it);
		if (v[n].text == NULL || v[n].id == NULL) {
			n++;
			rc = -ENOMEM;
			break;
		}
		total += strlen(v[n].text) + 1;
		n++;
	}
	if (rc == 0) {
		qsort(v, n, sizeof(*v), line_cmp);
		*out = p = malloc(total + 1);
		if (p == NULL)
			rc = -ENOMEM;
		for (i = 0; rc == 0 && i < n; i++) {
			size_t l = strlen(v[i].text);
			memcpy(p, v[i].text, l);
			p[l] = '\n';
			p += l + 1;
		}
		if (rc == 0) {
			*p = '\0';
			*outlen = total;
		}
	}
	for (i = 0; i < n; i++) {
		free(v[i].text);
		free(v[i].id);
	}
	free(v);
	cJSON_Delete(root);
	return rc;
}

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

static int snap_build(hgfs *fs, auth_snap **out)
{
	hg_client *c;
	char *graph = NULL;
	auth_snap *s;
	int rc;

	*out = NULL;
	rc = server(fs, &c, &graph);
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
		int r = hg_auth_list(c, graph, (hg_auth_kind)k, &body, &len, &err);

		if (r == -HG_ENOTFOUND) {
			/* a kind this server does not have (1.7 has no groups) */
			free(body);
			continue;
		}
		if (r < 0) {
			hgfs_log(LOG_ERR, "auth backup: cannot list %s: %s", hg_auth_kind_name((hg_auth_kind)k),
				 hg_error_format(&err, buf, sizeof(buf)));
			rc = hgfs_errno_client(r);
		} else {
			rc = render((hg_auth_kind)k, body, &s->data[k], &s->len[k]);
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
static int snap_get(hgfs *fs, auth_snap **out)
{
	auth_snap *s;
	int rc;

	pthread_mutex_lock(&A.lock);
	for (;;) {
		if (A.cur != NULL && !expired(A.cur, fs->cfg.snapshot_ttl)) {
			A.cur->refs++;
			*out = A.cur;
			pthread_mutex_unlock(&A.lock);
			return 0;
		}
		if (!A.building)
			break;
		pthread_cond_wait(&A.cond, &A.lock);
	}
	A.building = true;
	pthread_mutex_unlock(&A.lock);

	rc = snap_build(fs, &s);

	pthread_mutex_lock(&A.lock);
	A.building = false;
	pthread_cond_broadcast(&A.cond);
	if (rc < 0) {
		pthread_mutex_unlock(&A.lock);
		return rc;
	}
	{
		struct timespec now = wall_now();
		for (int k = 0; k < HG_AUTH__COUNT; k++) {
			bool same = A.last_present[k] && s->present[k] && A.last_len[k] == s->len[k] &&
				    memcmp(A.last[k], s->data[k], s->len[k]) == 0;
			if (same) {
				s->mtime[k] = A.last_mtime[k];
				continue;
			}
			/* whole seconds, later than the last one: rsync sees the change */
			s->mtime[k] = now;
			if (s->mtime[k].tv_sec <= A.last_mtime[k].tv_sec)
				s->mtime[k].tv_sec = A.last_mtime[k].tv_sec + 1;
			free(A.last[k]);
			A.last[k] = NULL;
			A.last_len[k] = 0;
			if (s->present[k] && (A.last[k] = malloc(s->len[k] + 1)) != NULL) {
				memcpy(A.last[k], s->data[k], s->len[k]);
				A.last_len[k] = s->len[k];
			}
			A.last_present[k] = s->present[k] && A.last[k] != NULL;
			A.last_mtime[k] = s->mtime[k];
		}
	}
	snap_unref_locked(A.cur);
	A.cur = s;
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
static void snap_drop(void)
{
	pthread_mutex_lock(&A.lock);
	snap_unref_locked(A.cur);
	A.cur = NULL;
	pthread_mutex_unlock(&A.lock);
}

/* ---- the restore ------------------------------------------------------------------- */

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (p == NULL)
			return;
		b->p = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The fields compared to tell "exists" from a conflict, per kind. */
static const char *const compared[HG_AUTH__COUNT][4] = {
	[HG_AUTH_USERS] = {"user_phone", "user_email", "user_avatar", "user_description"},
	[HG_AUTH_GROUPS] = {"group_description"},
	[HG_AUTH_TARGETS] = {"target_graph", "target_url", "target_resources"},
	[HG_AUTH_BELONGS] = {"belong_description"},
	[HG_AUTH_ACCESSES] = {"access_description"},
};

/* What a restore pass knows of one kind. */
typedef struct kset {
	cJSON *backup; /* array of the backup file's objects, NULL: no file */
	cJSON *server; /* array of the server's */
	bool bad;      /* the file was refused */
} kset;

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static const char *name_key(hg_auth_kind k)
{
	switch (k) {
	case HG_AUTH_USERS:
		return "user_name";
	case HG_AUTH_GROUPS:
		return "group_name";
	case HG_AUTH_TARGETS:
		return "target_name";
	default:
		return NULL;
	}
}

/* The name of the element of kind k (users, groups, targets) whose id is id
 * in list, or NULL. */
static const char *name_by_id(const cJSON *list, hg_auth_kind k, const char *id)
{
	const cJSON *it;

	if (id == NULL)
		return NULL;
	cJSON_ArrayForEach(it, list) {
		const char *i = str_of(it, "id");
		if (i != NULL && strcmp(i, id) == 0)
			return str_of(it, name_key(k));
	}
	return NULL;
}

static const cJSON *find_by_name(const cJSON *list, hg_auth_kind k, const char *name)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, list) {
		const char *n = str_of(it, name_key(k));
		if (n != NULL && strcmp(n, name) == 0)
			return it;
	}
	return NULL;
}

/* "bob>devs", "devs>people>READ": the identity of a belong or access in
 * names, through the users/groups/targets of list set `side` (0: backup,
 * 1: server).  NULL when a name cannot be found; *missing says which. */
static char *rel_key(const kset *ks, int side, hg_auth_kind k, const cJSON *o, const char **missing)
{
	const char *a, *b, *ida, *idb, *perm = NULL;
	hg_auth_kind ka, kb;
	char *key = NULL;

	if (k == HG_AUTH_BELONGS) {
		ka = HG_AUTH_USERS, kb = HG_AUTH_GROUPS;
		ida = str_of(o, "user"), idb = str_of(o, "group");
	} else {
		ka = HG_AUTH_GROUPS, kb = HG_AUTH_TARGETS;
		ida = str_of(o, "group"), idb = str_of(o, "target");
		perm = str_of(o, "access_permission");
	}
	a = name_by_id(side ? ks[ka].server : ks[ka].backup, ka, ida);
	b = name_by_id(side ? ks[kb].server : ks[kb].backup, kb, idb);
	if (a == NULL || b == NULL) {
		*missing = hg_auth_kind_name(a == NULL ? ka : kb);
		return NULL;
	}
	if (asprintf(&key, "%s>%s%s%s", a, b, perm ? ">" : "", perm ? perm : "") < 0)
		key = NULL;
	return key;
}

static bool same_value(const cJSON *a, const cJSON *b)
{
	bool an = a == NULL || cJSON_IsNull(a), bn = b == NULL || cJSON_IsNull(b);

	if (an || bn)
		return an && bn;
	return cJSON_Compare(a, b, true);
}

/* The first compared field that differs, or NULL */
static const char *differs(hg_auth_kind k, const cJSON *x, const cJSON *y)
{
	for (int i = 0; i < 4 && compared[k][i] != NULL; i++)
		if (!same_value(cJSON_GetObjectItemCaseSensitive(x, compared[k][i]),
				cJSON_GetObjectItemCaseSensitive(y, compared[k][i])))
			return compared[k][i];
	return NULL;
}

static bool made_here(const char *kind, const char *name)
{
	bool found = false;
	char *key;

	if (asprintf(&key, "%s %s", kind, name) < 0)
		return false;
	pthread_mutex_lock(&A.lock);
	for (created *c = A.made; c != NULL && !found; c = c->next)
		found = strcmp(c->key, key) == 0;
	pthread_mutex_unlock(&A.lock);
	free(key);
	return found;
}

static void remember_made(const char *kind, const char *name)
{
	created *c = calloc(1, sizeof(*c));

	if (c == NULL || asprintf(&c->key, "%s %s", kind, name) < 0) {
		free(c);
		return;
	}
	pthread_mutex_lock(&A.lock);
	c->next = A.made;
	A.made = c;
	pthread_mutex_unlock(&A.lock);
}

/* The first line of -o auth_password_file, or NULL (errno set). */
static char *init_password(hgfs *fs)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (fs->cfg.auth_password_file == NULL) {
		errno = ENOKEY;
		return NULL;
	}
	f = fopen(fs->cfg.auth_password_file, "re");
	if (f == NULL)
		return NULL;
	n = getline(&line, &cap, f);
	fclose(f);
	if (n <= 0) {
		free(line);
		errno = ENODATA;
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n == 0) {
		free(line);
		errno = ENODATA;
		return NULL;
	}
	return line;
}

/* Parses a file of auth/restore/: JSON Lines of objects.  NULL, with why
 * filled, when a line is not one. */
static cJSON *parse_lines(const char *data, size_t len, char *why, size_t whylen)
{
	cJSON *arr = cJSON_CreateArray();
	size_t off = 0;
	long lineno = 0;

	while (arr != NULL && off < len) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (data + off)) : len - off;
		char *text;
		cJSON *o;
		bool blank = true;

		lineno++;
		for (size_t i = 0; i < l; i++)
			if (data[off + i] != ' ' && data[off + i] != '\t' && data[off + i] != '\r')
				blank = false;
		if (blank) {
			off += l + 1;
			continue;
		}
		/* a NUL byte would end the text early: not a line of JSON */
		text = memchr(data + off, '\0', l) == NULL ? strndup(data + off, l) : NULL;
		o = text ? cJSON_ParseWithOpts(text, NULL, true) : NULL;
		free(text);
		if (!cJSON_IsObject(o)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			snprintf(why, whylen, "line %ld is not a JSON object", lineno);
			return NULL;
		}
		cJSON_AddItemToArray(arr, o);
		off += l + 1;
	}
	if (arr == NULL)
		snprintf(why, whylen, "out of memory");
	return arr;
}

/* The members a create takes, per kind (the server refuses others: 1.7
 * lists belongs with "link" and "graphspace" but takes neither). */
static const char *const creatable[HG_AUTH__COUNT][6] = {
	[HG_AUTH_USERS] = {"user_name", "user_phone", "user_email", "user_avatar", "user_description"},
	[HG_AUTH_GROUPS] = {"group_name", "group_description"},
	[HG_AUTH_TARGETS] = {"target_name", "target_graph", "target_url", "target_resources"},
	[HG_AUTH_BELONGS] = {"user", "group", "belong_description"},
	[HG_AUTH_ACCESSES] = {"group", "target", "access_permission", "access_description"},
};

/* A create body: the members of the backup element a create takes. */
static cJSON *create_body(hg_auth_kind k, const cJSON *o)
{
	cJSON *b = cJSON_CreateObject();

	for (int i = 0; b != NULL && i < 6 && creatable[k][i] != NULL; i++) {
		const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, creatable[k][i]);
		cJSON *dup;
		if (it == NULL || cJSON_IsNull(it))
			continue;
		dup = cJSON_Duplicate(it, true);
		if (dup == NULL) {
			cJSON_Delete(b);
			return NULL;
		}
		if (cJSON_IsObject(dup) && strcmp(creatable[k][i], "target_resources") == 0) {
			/* 1.7 lists the resources grouped by type, {"ALL":[...]},
			 * and takes them as one list */
			cJSON *list = cJSON_CreateArray(), *group, *r;
			cJSON_ArrayForEach(group, dup) {
				cJSON_ArrayForEach(r, group) cJSON_AddItemToArray(list, cJSON_Duplicate(r, true));
			}
			cJSON_Delete(dup);
			dup = list;
		}
		cJSON_AddItemToObject(b, creatable[k][i], dup);
	}
	return b;
}

/* true the first time this mount sees the conflict key of kind: logged once */
static bool first_conflict(const char *kind, const char *key)
{
	char *k2;
	bool seen;

	if (asprintf(&k2, "!%s", kind) < 0)
		return true;
	seen = made_here(k2, key);
	if (!seen)
		remember_made(k2, key);
	free(k2);
	return !seen;
}

static void set_string(cJSON *o, const char *key, const char *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	cJSON_AddStringToObject(o, key, value);
}

/* The id the server gave the element of kind k named name, or NULL */
static const char *server_id(const kset *ks, hg_auth_kind k, const char *name)
{
	const cJSON *o = name ? find_by_name(ks[k].server, k, name) : NULL;
	return o ? str_of(o, "id") : NULL;
}

/* Posts body; on success adds the server's answer to ks[k].server. */
static int post(hg_client *c, const char *graph, kset *ks, hg_auth_kind k, cJSON *body, char *why, size_t whylen)
{
	char *text = cJSON_PrintUnformatted(body), *ans = NULL;
	hg_error err;
	int rc;

	if (text == NULL)
		return -ENOMEM;
	rc = hg_auth_create(c, graph, k, text, strlen(text), &ans, &err);
	free(text);
	if (rc < 0) {
		hg_error_format(&err, why, whylen);
		free(ans);
		return hgfs_errno_client(rc);
	}
	{
		cJSON *o = cJSON_Parse(ans);
		if (cJSON_IsObject(o))
			cJSON_AddItemToArray(ks[k].server, o);
		else
			cJSON_Delete(o);
	}
	free(ans);
	return 0;
}

typedef struct counts {
	int created, exists, conflicts, failed, pending, kept;
	bool failed_kind[HG_AUTH__COUNT];
} counts;

/* Restores the entities of kind k (users, groups, targets). */
static void restore_named(hgfs *fs, hg_client *c, const char *graph, kset *ks, hg_auth_kind k, sbuf *st,
			  counts *n)
{
	const char *kind = hg_auth_kind_name(k);
	char *password = NULL;
	int pw_errno = 0;
	const cJSON *o;

	cJSON_ArrayForEach(o, ks[k].backup) {
		const char *name = str_of(o, name_key(k));
		const cJSON *have;
		const char *field;
		char why[1400];
		cJSON *body;

		if (name == NULL) {
			sb_printf(st, "%s ?: FAILED: no \"%s\" in the element\n", kind, name_key(k));
			n->failed++, n->failed_kind[k] = true;
			continue;
		}
		if (k == HG_AUTH_USERS && strcmp(name, ADMIN_NAME) == 0) {
			sb_printf(st, "%s %s: kept (the administrator is never restored)\n", kind, name);
			n->kept++;
			continue;
		}
		have = find_by_name(ks[k].server, k, name);
		if (have != NULL) {
			field = differs(k, o, have);
			if (field == NULL) {
				sb_printf(st, "%s %s: %s\n", kind, name, made_here(kind, name) ? "created" : "exists");
				if (made_here(kind, name))
					n->created++;
				else
					n->exists++;
			} else {
				sb_printf(st, "%s %s: CONFLICT: the server has one with another %s; not changed\n", kind,
					  name, field);
				if (first_conflict(kind, name))
					hgfs_log(LOG_WARNING, "auth restore: %s '%s' exists with another %s; not changed",
						 kind, name, field);
				n->conflicts++;
			}
			continue;
		}
		body = create_body(k, o);
		if (body == NULL) {
			n->failed++, n->failed_kind[k] = true;
			continue;
		}
		if (k == HG_AUTH_USERS) {
			if (password == NULL && pw_errno == 0 && (password = init_password(fs)) == NULL)
				pw_errno = errno ? errno : EINVAL;
			if (password == NULL) {
				sb_printf(st, "%s %s: FAILED: %s\n", kind, name,
					  pw_errno == ENOKEY ? "no password for restored users: mount with -o auth_password_file=PATH"
							     : "cannot read the file of -o auth_password_file");
				n->failed++, n->failed_kind[k] = true;
				cJSON_Delete(body);
				continue;
			}
			set_string(body, "user_password", password);
		}
		if (post(c, graph, ks, k, body, why, sizeof(why)) == 0) {
			sb_printf(st, "%s %s: created\n", kind, name);
			remember_made(kind, name);
			n->created++;
		} else {
			sb_printf(st, "%s %s: FAILED: %s\n", kind, name, why);
			hgfs_log(LOG_ERR, "auth restore: cannot create %s '%s': %s", kind, name, why);
			n->failed++, n->failed_kind[k] = true;
		}
		cJSON_Delete(body);
	}
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
}

/* Restores the belongs or accesses, their ids mapped by name. */
static void restore_links(hg_client *c, const char *graph, kset *ks, hg_auth_kind k, sbuf *st, counts *n)
{
	const char *kind = hg_auth_kind_name(k);
	const char *fa = k == HG_AUTH_BELONGS ? "user" : "group";
	const char *fb = k == HG_AUTH_BELONGS ? "group" : "target";
	hg_auth_kind ka = k == HG_AUTH_BELONGS ? HG_AUTH_USERS : HG_AUTH_GROUPS;
	hg_auth_kind kb = k == HG_AUTH_BELONGS ? HG_AUTH_GROUPS : HG_AUTH_TARGETS;
	const cJSON *o, *s;

	cJSON_ArrayForEach(o, ks[k].backup) {
		const char *missing = NULL, *field, *ida, *idb;
		char *key = rel_key(ks, 0, k, o, &missing), why[1400];
		bool found = false;
		cJSON *body;

		if (key == NULL) {
			if (ks[missing[0] == 'u' ? HG_AUTH_USERS : missing[0] == 'g' ? HG_AUTH_GROUPS : HG_AUTH_TARGETS]
				    .backup == NULL) {
				sb_printf(st, "%s %s: waiting for %s.jsonl\n", kind, str_of(o, "id") ? str_of(o, "id") : "?",
					  missing);
				n->pending++;
			} else {
				sb_printf(st, "%s %s: FAILED: its %s is not in %s.jsonl\n", kind,
					  str_of(o, "id") ? str_of(o, "id") : "?", missing, missing);
				n->failed++, n->failed_kind[k] = true;
			}
			continue;
		}
		cJSON_ArrayForEach(s, ks[k].server) {
			const char *m;
			char *skey = rel_key(ks, 1, k, s, &m);
			bool eq = skey != NULL && strcmp(skey, key) == 0;
			free(skey);
			if (!eq)
				continue;
			found = true;
			field = differs(k, o, s);
			if (field == NULL) {
				bool mine = made_here(kind, key);
				sb_printf(st, "%s %s: %s\n", kind, key, mine ? "created" : "exists");
				if (mine)
					n->created++;
				else
					n->exists++;
			} else {
				sb_printf(st, "%s %s: CONFLICT: the server has one with another %s; not changed\n", kind, key,
					  field);
				if (first_conflict(kind, key))
					hgfs_log(LOG_WARNING, "auth restore: %s '%s' exists with another %s; not changed",
						 kind, key, field);
				n->conflicts++;
			}
			break;
		}
		if (found) {
			free(key);
			continue;
		}
		ida = server_id(ks, ka, name_by_id(ks[ka].backup, ka, str_of(o, fa)));
		idb = server_id(ks, kb, name_by_id(ks[kb].backup, kb, str_of(o, fb)));
		if (ida == NULL || idb == NULL) {
			sb_printf(st, "%s %s: FAILED: the server has no %s named so\n", kind, key,
				  ida == NULL ? hg_auth_kind_name(ka) : hg_auth_kind_name(kb));
			n->failed++, n->failed_kind[k] = true;
			free(key);
			continue;
		}
		body = create_body(k, o);
		if (body == NULL) {
			free(key);
			n->failed++, n->failed_kind[k] = true;
			continue;
		}
		set_string(body, fa, ida);
		set_string(body, fb, idb);
		if (post(c, graph, ks, k, body, why, sizeof(why)) == 0) {
			sb_printf(st, "%s %s: created\n", kind, key);
			remember_made(kind, key);
			n->created++;
		} else {
			sb_printf(st, "%s %s: FAILED: %s\n", kind, key, why);
			hgfs_log(LOG_ERR, "auth restore: cannot create %s '%s': %s", kind, key, why);
			n->failed++, n->failed_kind[k] = true;
		}
		cJSON_Delete(body);
		free(key);
	}
}

static void set_status(sbuf *st)
{
	pthread_mutex_lock(&A.lock);
	free(A.status);
	A.status = st->p;
	A.status_len = st->len;
	A.status_mtime = wall_now();
	pthread_mutex_unlock(&A.lock);
	st->p = NULL;
}

/* One pass over every file of auth/restore/.  For the file of kind `kind`
 * (-1: none): 0, -EIO when some of it could not be created, -EINVAL when
 * it was refused; or the error of listing the server's. */
static int restore_pass(hgfs *fs, int kind)
{
	kset ks[HG_AUTH__COUNT];
	bool ks_bad[HG_AUTH__COUNT];
	sbuf st = {0};
	counts n = {0};
	hg_client *c;
	char *graph = NULL;
	int rc = 0, bad = 0;
	char ts[64];
	time_t now = time(NULL);
	struct tm tm;

	memset(ks, 0, sizeof(ks));
	pthread_mutex_lock(&A.pass);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	sb_printf(&st, "auth restore at %s\n", ts);

	/* the files, as they are now */
	pthread_mutex_lock(&A.lock);
	for (rfile *f = A.files; f != NULL; f = f->next) {
		int k = kind_of_name(f->name);
		char why[200];
		if (k < 0)
			continue;
		ks[k].backup = parse_lines(f->data, f->len, why, sizeof(why));
		if (ks[k].backup == NULL) {
			ks[k].bad = true;
			n.failed_kind[k] = true;
			sb_printf(&st, "%s: REFUSED: %s; nothing of it restored\n", f->name, why);
			bad++;
		}
	}
	for (rfile *f = A.files; f != NULL; f = f->next)
		if (kind_of_name(f->name) < 0 && f->name[0] != '.')
			sb_printf(&st, "%s: ignored: not an auth file (users.jsonl, groups.jsonl, targets.jsonl, "
				       "belongs.jsonl, accesses.jsonl)\n",
				  f->name);
	pthread_mutex_unlock(&A.lock);

	rc = server(fs, &c, &graph);
	for (int k = 0; k < HG_AUTH__COUNT && rc == 0; k++) {
		char *body = NULL, buf[1400];
		size_t len;
		hg_error err;
		int r = hg_auth_list(c, graph, (hg_auth_kind)k, &body, &len, &err);
		cJSON *root;

		if (r == -HG_ENOTFOUND) {
			ks[k].server = cJSON_CreateArray();
			if (ks[k].backup != NULL && cJSON_GetArraySize(ks[k].backup) > 0) {
				sb_printf(&st, "%s.jsonl: REFUSED: this server has no %s\n", hg_auth_kind_name((hg_auth_kind)k),
					  hg_auth_kind_name((hg_auth_kind)k));
				cJSON_Delete(ks[k].backup);
				ks[k].backup = NULL;
				ks[k].bad = true;
				n.failed_kind[k] = true;
				bad++;
			}
			free(body);
			continue;
		}
		if (r < 0) {
			hg_error_format(&err, buf, sizeof(buf));
			sb_printf(&st, "FAILED: cannot list the server's %s: %s\n", hg_auth_kind_name((hg_auth_kind)k), buf);
			hgfs_log(LOG_ERR, "auth restore: cannot list %s: %s", hg_auth_kind_name((hg_auth_kind)k), buf);
			rc = hgfs_errno_client(r);
			free(body);
			break;
		}
		root = cJSON_Parse(body);
		free(body);
		ks[k].server = cJSON_DetachItemFromObjectCaseSensitive(root, hg_auth_kind_name((hg_auth_kind)k));
		cJSON_Delete(root);
		if (!cJSON_IsArray(ks[k].server)) {
			cJSON_Delete(ks[k].server);
			ks[k].server = cJSON_CreateArray();
		}
	}
	if (rc == 0) {
		for (int k = HG_AUTH_USERS; k <= HG_AUTH_TARGETS; k++)
			restore_named(fs, c, graph, ks, (hg_auth_kind)k, &st, &n);
		for (int k = HG_AUTH_BELONGS; k <= HG_AUTH_ACCESSES; k++)
			restore_links(c, graph, ks, (hg_auth_kind)k, &st, &n);
		sb_printf(&st, "total: %d created, %d exist, %d kept, %d conflicts, %d waiting, %d failed%s\n", n.created,
			  n.exists, n.kept, n.conflicts, n.pending, n.failed, bad ? ", files refused" : "");
		if (n.created > 0 || n.conflicts > 0 || n.failed > 0)
			hgfs_log(LOG_NOTICE, "auth restore: %d created, %d exist, %d conflicts, %d failed", n.created,
				 n.exists, n.conflicts, n.failed);
	}
	for (int k = 0; k < HG_AUTH__COUNT; k++) {
		ks_bad[k] = ks[k].bad;
		cJSON_Delete(ks[k].backup);
		cJSON_Delete(ks[k].server);
	}
	free(graph);
	set_status(&st);
	free(st.p);
	snap_drop();
	pthread_mutex_unlock(&A.pass);
	if (rc < 0)
		return rc;
	if (kind < 0 || !n.failed_kind[kind])
		return 0;
	return ks_bad[kind] ? -EINVAL : -EIO;
}

/* ---- restore/ files ---------------------------------------------------------------- */

static rfile *rfile_find_locked(const char *name)
{
	for (rfile *f = A.files; f != NULL; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static void rfile_unlink_locked(rfile *f)
{
	for (rfile **pp = &A.files; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			A.nfiles--;
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

/* -ENOENT for everything when the mount may not see auth/ */
static int check(hgfs *fs, const char *path, apath *p)
{
	if (!hgfs_auth_visible(fs))
		return -ENOENT;
	return parse(path, p);
}

int hgfs_auth_getattr(const char *path, struct stat *st)
{
	hgfs *fs = get_fs();
	struct timespec started = {fs->started, 0};
	apath p;
	int rc = check(fs, path, &p);

	if (rc < 0)
		return rc;
	switch (p.type) {
	case P_DIR:
		fill(fs, st, S_IFDIR | 0500, 0, &started);
		return 0;
	case P_RDIR:
		fill(fs, st, S_IFDIR | 0700, 0, &started);
		return 0;
	case P_FILE: {
		auth_snap *s;
		rc = snap_get(fs, &s);
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
		fill(fs, st, S_IFREG | 0400, (off_t)A.status_len, A.status_mtime.tv_sec ? &A.status_mtime : &started);
		pthread_mutex_unlock(&A.lock);
		return 0;
	case P_RFILE: {
		rfile *f;
		pthread_mutex_lock(&A.lock);
		f = rfile_find_locked(p.name);
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
		/* listing asks the server nothing (1.5 and 1.7 have all five) */
		add(filler, buf, ".", true);
		add(filler, buf, "..", true);
		for (int k = 0; k < HG_AUTH__COUNT; k++)
			add(filler, buf, file_name((hg_auth_kind)k, name, sizeof(name)), false);
		add(filler, buf, "restore", true);
		add(filler, buf, "restore.status", false);
		return 0;
	}
	if (p.type == P_RDIR) {
		add(filler, buf, ".", true);
		add(filler, buf, "..", true);
		pthread_mutex_lock(&A.lock);
		for (rfile *f = A.files; f != NULL; f = f->next)
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
	int rc = check(fs, path, &p);

	if (rc < 0)
		return rc;
	if (p.type == P_DIR || p.type == P_RDIR)
		return -EISDIR;
	if (p.type != P_RFILE && (create || acc != O_RDONLY))
		return -EACCES;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	switch (p.type) {
	case P_FILE:
		rc = snap_get(fs, &h->snap);
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
		h->len = A.status_len;
		h->text = malloc(h->len + 1);
		if (h->text == NULL)
			rc = -ENOMEM;
		else if (h->len)
			memcpy(h->text, A.status, h->len);
		pthread_mutex_unlock(&A.lock);
		fi->direct_io = 1;
		break;
	case P_RFILE: {
		rfile *f;
		h->what = H_RFILE;
		pthread_mutex_lock(&A.lock);
		f = rfile_find_locked(p.name);
		if (f == NULL && !create && !(fi->flags & O_CREAT)) {
			rc = -ENOENT;
		} else if (f != NULL && create && (fi->flags & O_EXCL)) {
			rc = -EEXIST;
		} else if (f == NULL) {
			if (A.nfiles >= AUTH_RFILES_MAX || (f = calloc(1, sizeof(*f))) == NULL) {
				rc = A.nfiles >= AUTH_RFILES_MAX ? -ENOSPC : -ENOMEM;
			} else {
				snprintf(f->name, sizeof(f->name), "%s", p.name);
				f->mode = (mode & 0777) ? (mode & 0777) : 0600;
				f->mtime = wall_now();
				f->next = A.files;
				A.files = f;
				A.nfiles++;
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
	kind = h->rf->detached ? -1 : kind_of_name(h->rf->name);
	pthread_mutex_unlock(&A.lock);
	return kind >= 0 ? restore_pass(get_fs(), kind) : 0;
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
	f = fi != NULL && fi->fh != 0 ? ah(fi)->rf : rfile_find_locked(p.name);
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
	f = rfile_find_locked(p.name);
	if (f != NULL)
		rfile_unlink_locked(f);
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
	if (flags & ~(unsigned)RENAME_NOREPLACE)
		return -EINVAL;
	pthread_mutex_lock(&A.lock);
	f = rfile_find_locked(a.name);
	old = rfile_find_locked(b.name);
	if (f == NULL) {
		rc = -ENOENT;
	} else if (old != NULL && (flags & RENAME_NOREPLACE)) {
		rc = -EEXIST;
	} else if (f != old) {
		if (old != NULL)
			rfile_unlink_locked(old);
		snprintf(f->name, sizeof(f->name), "%s", b.name);
		run = kind_of_name(f->name);
	}
	pthread_mutex_unlock(&A.lock);
	if (rc == 0 && run >= 0)
		rc = restore_pass(fs, run);
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
		f = rfile_find_locked(p.name);
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

void hgfs_auth_destroy(void)
{
	pthread_mutex_lock(&A.lock);
	snap_unref_locked(A.cur);
	A.cur = NULL;
	for (int k = 0; k < HG_AUTH__COUNT; k++) {
		free(A.last[k]);
		A.last[k] = NULL;
	}
	while (A.files != NULL) {
		rfile *f = A.files;
		A.files = f->next;
		free(f->data);
		free(f);
	}
	while (A.made != NULL) {
		created *c = A.made;
		A.made = c->next;
		free(c->key);
		free(c);
	}
	free(A.status);
	A.status = NULL;
	pthread_mutex_unlock(&A.lock);
}
