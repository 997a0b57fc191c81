/* authdata.c - the auth data's backup files and their restore (authdata.h). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "authdata.h"
#include "errmap.h"
#include "log.h"

const char *hgfs_auth_file_name(hg_auth_kind k, char *buf, size_t len)
{
	snprintf(buf, len, "%s.jsonl", hg_auth_kind_name(k));
	return buf;
}

int hgfs_auth_kind_of_file(const char *name)
{
	char buf[32];

	for (int k = 0; k < HG_AUTH__COUNT; k++)
		if (strcmp(name, hgfs_auth_file_name((hg_auth_kind)k, buf, sizeof(buf))) == 0)
			return k;
	return -1;
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

int hgfs_auth_render(hg_auth_kind k, const char *body, char **out, size_t *outlen)
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
	[HG_AUTH_PROJECTS] = {"project_description", "project_graphs"},
	[HG_AUTH_GROUPS] = {"group_description"},
	[HG_AUTH_TARGETS] = {"target_graph", "target_url", "target_resources"},
	[HG_AUTH_BELONGS] = {"belong_description"},
	[HG_AUTH_ACCESSES] = {"access_description"},
};

/* What a restore pass knows of one kind. */
typedef struct kset {
	cJSON *backup; /* array of the backup file's objects, NULL: no file */
	cJSON *server; /* array of the server's */
	bool none;     /* the server has no such kind (its API answers 404) */
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
	case HG_AUTH_PROJECTS:
		return "project_name";
	case HG_AUTH_GROUPS:
		return "group_name";
	case HG_AUTH_TARGETS:
		return "target_name";
	default:
		return NULL;
	}
}

/* The element of list whose id is id, or NULL. */
static const cJSON *by_id(const cJSON *list, const char *id)
{
	const cJSON *it;

	if (id == NULL)
		return NULL;
	cJSON_ArrayForEach(it, list) {
		const char *i = str_of(it, "id");
		if (i != NULL && strcmp(i, id) == 0)
			return it;
	}
	return NULL;
}

/* The name of the element of kind k (users, groups, targets) whose id is id
 * in list, or NULL. */
static const char *name_by_id(const cJSON *list, hg_auth_kind k, const char *id)
{
	const cJSON *it = by_id(list, id);

	return it != NULL ? str_of(it, name_key(k)) : NULL;
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

static bool empty_value(const cJSON *a)
{
	return a == NULL || cJSON_IsNull(a) || (cJSON_IsArray(a) && a->child == NULL);
}

/* b holds an item equal to each of a's */
static bool items_in(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;

	cJSON_ArrayForEach(x, a) {
		bool found = false;
		cJSON_ArrayForEach(y, b) {
			if (cJSON_Compare(x, y, true)) {
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

/* set: a and b are sets (a project's graphs: a Java HashSet, listed in its
 * own order); an absent set is an empty one */
static bool same_value(const cJSON *a, const cJSON *b, bool set)
{
	bool an = set ? empty_value(a) : a == NULL || cJSON_IsNull(a);
	bool bn = set ? empty_value(b) : b == NULL || cJSON_IsNull(b);

	if (an || bn)
		return an && bn;
	if (set && cJSON_IsArray(a) && cJSON_IsArray(b))
		return items_in(a, b) && items_in(b, a);
	return cJSON_Compare(a, b, true);
}

/* The first compared field that differs, or NULL */
static const char *differs(hg_auth_kind k, const cJSON *x, const cJSON *y)
{
	for (int i = 0; i < 4 && compared[k][i] != NULL; i++)
		if (!same_value(cJSON_GetObjectItemCaseSensitive(x, compared[k][i]),
				cJSON_GetObjectItemCaseSensitive(y, compared[k][i]), k == HG_AUTH_PROJECTS))
			return compared[k][i];
	return NULL;
}

/* What this mount created, and the conflicts it logged: kept across passes,
 * so that a second pass reports "created" again and logs a conflict once. */
struct hgfs_auth_memory {
	pthread_mutex_t lock;
	char **keys;
	size_t n, cap;
};

hgfs_auth_memory *hgfs_auth_memory_new(void)
{
	hgfs_auth_memory *m = calloc(1, sizeof(*m));

	if (m != NULL)
		pthread_mutex_init(&m->lock, NULL);
	return m;
}

void hgfs_auth_memory_free(hgfs_auth_memory *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->keys[i]);
	free(m->keys);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static bool made_here(hgfs_auth_memory *m, const char *kind, const char *name)
{
	bool found = false;
	char *key;

	if (m == NULL || asprintf(&key, "%s %s", kind, name) < 0)
		return false;
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->n && !found; i++)
		found = strcmp(m->keys[i], key) == 0;
	pthread_mutex_unlock(&m->lock);
	free(key);
	return found;
}

static void remember_made(hgfs_auth_memory *m, const char *kind, const char *name)
{
	char *key;

	if (m == NULL || asprintf(&key, "%s %s", kind, name) < 0)
		return;
	pthread_mutex_lock(&m->lock);
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		char **k = realloc(m->keys, cap * sizeof(*k));
		if (k == NULL) {
			pthread_mutex_unlock(&m->lock);
			free(key);
			return;
		}
		m->keys = k;
		m->cap = cap;
	}
	m->keys[m->n++] = key;
	pthread_mutex_unlock(&m->lock);
}

/* The first line of the password file, or NULL (errno set; ENOKEY: no file
 * given). */
static char *init_password(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (path == NULL) {
		errno = ENOKEY;
		return NULL;
	}
	f = fopen(path, "re");
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
	/* a project's graphs are added after its create (the create refuses them) */
	[HG_AUTH_PROJECTS] = {"project_name", "project_description"},
	[HG_AUTH_GROUPS] = {"group_name", "group_description"},
	[HG_AUTH_TARGETS] = {"target_name", "target_graph", "target_url", "target_resources"},
	[HG_AUTH_BELONGS] = {"user", "group", "belong_description"},
	[HG_AUTH_ACCESSES] = {"group", "target", "access_permission", "access_description"},
	[HG_AUTH_MANAGERS] = {"user", "type"},
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
static bool first_conflict(hgfs_auth_memory *m, const char *kind, const char *key)
{
	char *k2;
	bool seen;

	if (asprintf(&k2, "!%s", kind) < 0)
		return true;
	seen = made_here(m, k2, key);
	if (!seen)
		remember_made(m, k2, key);
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

static bool has_prefix(const char *s, const char *prefix)
{
	return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The name of the backup's project that made the group or target o of the
 * backup (its admin or op group, its target), or NULL. */
static const char *made_by_project(const kset *ks, hg_auth_kind k, const cJSON *o)
{
	const char *id = str_of(o, "id");
	const cJSON *p;

	if (id == NULL || (k != HG_AUTH_GROUPS && k != HG_AUTH_TARGETS))
		return NULL;
	cJSON_ArrayForEach(p, ks[HG_AUTH_PROJECTS].backup) {
		const char *a = str_of(p, "project_admin_group"), *b = str_of(p, "project_op_group");
		const char *t = str_of(p, "project_target");
		bool mine = k == HG_AUTH_GROUPS ? (a && strcmp(a, id) == 0) || (b && strcmp(b, id) == 0)
						: t && strcmp(t, id) == 0;
		if (mine)
			return str_of(p, "project_name") ? str_of(p, "project_name") : "?";
	}
	return NULL;
}

/* true when the group or target o of the backup is named as a project's own
 * ones are (admin_P, op_P, project_res_P) while no projects.jsonl was copied
 * on a server that has projects: made on its own now, it would keep its
 * project from being restored later (the server makes them with the project
 * and refuses a project whose groups exist) */
static bool waits_for_projects(const kset *ks, hg_auth_kind k, const cJSON *o)
{
	const char *name = str_of(o, name_key(k));

	if (ks[HG_AUTH_PROJECTS].backup != NULL || ks[HG_AUTH_PROJECTS].none)
		return false;
	if (k == HG_AUTH_GROUPS)
		return has_prefix(name, "admin_") || has_prefix(name, "op_");
	if (k == HG_AUTH_TARGETS)
		return has_prefix(name, "project_res_");
	return false;
}

/* Posts body; on success adds the server's answer to ks[k].server. */
static int post(const hgfs_auth_restore_cfg *cfg, kset *ks, hg_auth_kind k, cJSON *body, char *why, size_t whylen)
{
	char *text = cJSON_PrintUnformatted(body), *ans = NULL;
	hg_error err;
	int rc;

	if (text == NULL)
		return -ENOMEM;
	rc = hg_auth_create(cfg->client, cfg->graph, k, text, strlen(text), &ans, &err);
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

/* Adds the graphs of the backup's project o to the project of that name just
 * created (a create takes none: PUT ?action=add_graph). */
static int add_graphs(const hgfs_auth_restore_cfg *cfg, kset *ks, const cJSON *o, char *why, size_t whylen)
{
	const cJSON *graphs = cJSON_GetObjectItemCaseSensitive(o, "project_graphs");
	const char *id = server_id(ks, HG_AUTH_PROJECTS, str_of(o, "project_name"));
	cJSON *body;
	char *text, *ans = NULL;
	hg_error err;
	int rc;

	if (!cJSON_IsArray(graphs) || graphs->child == NULL)
		return 0;
	if (id == NULL) {
		snprintf(why, whylen, "created, but the server's answer has no id to add its graphs to");
		return -EIO;
	}
	body = cJSON_CreateObject();
	if (body == NULL || !cJSON_AddItemToObject(body, "project_graphs", cJSON_Duplicate(graphs, true)) ||
	    (text = cJSON_PrintUnformatted(body)) == NULL) {
		cJSON_Delete(body);
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	cJSON_Delete(body);
	rc = hg_auth_update(cfg->client, cfg->graph, HG_AUTH_PROJECTS, id, "add_graph", text, strlen(text), &ans, &err);
	free(text);
	free(ans);
	if (rc < 0) {
		char msg[1300];
		snprintf(why, whylen, "created, but its graphs were not added: %s", hg_error_format(&err, msg, sizeof(msg)));
		return hgfs_errno_client(rc);
	}
	return 0;
}

typedef struct counts {
	int created, exists, conflicts, failed, pending, kept;
	bool failed_kind[HG_AUTH__COUNT];
} counts;

/* The status line and count of the element named key that the server has:
 * "exists" ("created" when this mount made it), or a conflict on field */
static void report_present(const hgfs_auth_restore_cfg *cfg, sbuf *st, counts *n, hg_auth_kind k, const char *key,
			   const char *field)
{
	const char *kind = hg_auth_kind_name(k);

	if (field == NULL) {
		bool mine = made_here(cfg->memory, kind, key);
		sb_printf(st, "%s %s: %s\n", kind, key, mine ? "created" : "exists");
		if (mine)
			n->created++;
		else
			n->exists++;
		return;
	}
	sb_printf(st, "%s %s: CONFLICT: the server has one with another %s; not changed\n", kind, key, field);
	if (first_conflict(cfg->memory, kind, key))
		hgfs_log(LOG_WARNING, "auth restore: %s '%s' exists with another %s; not changed", kind, key, field);
	n->conflicts++;
}

/* The status line, count and memory of a create of the element named key */
static void report_create(const hgfs_auth_restore_cfg *cfg, sbuf *st, counts *n, hg_auth_kind k, const char *key,
			  bool ok, const char *why)
{
	const char *kind = hg_auth_kind_name(k);

	if (ok) {
		sb_printf(st, "%s %s: created\n", kind, key);
		remember_made(cfg->memory, kind, key);
		n->created++;
	} else {
		sb_printf(st, "%s %s: FAILED: %s\n", kind, key, why);
		hgfs_log(LOG_ERR, "auth restore: cannot create %s '%s': %s", kind, key, why);
		n->failed++, n->failed_kind[k] = true;
	}
}

/* Restores the entities of kind k (users, projects, groups, targets). */
static void restore_named(const hgfs_auth_restore_cfg *cfg, kset *ks, hg_auth_kind k, sbuf *st, counts *n)
{
	const char *kind = hg_auth_kind_name(k);
	char *password = NULL;
	int pw_errno = 0;
	const cJSON *o;

	cJSON_ArrayForEach(o, ks[k].backup) {
		const char *name = str_of(o, name_key(k));
		const cJSON *have;
		char why[1400];
		cJSON *body;

		if (name == NULL) {
			sb_printf(st, "%s ?: FAILED: no \"%s\" in the element\n", kind, name_key(k));
			n->failed++, n->failed_kind[k] = true;
			continue;
		}
		if (k == HG_AUTH_USERS && strcmp(name, HGFS_AUTH_ADMIN) == 0) {
			sb_printf(st, "%s %s: kept (the administrator is never restored)\n", kind, name);
			n->kept++;
			continue;
		}
		if (waits_for_projects(ks, k, o)) {
			sb_printf(st, "%s %s: waiting for projects.jsonl\n", kind, name);
			n->pending++;
			continue;
		}
		have = find_by_name(ks[k].server, k, name);
		if (have == NULL && made_by_project(ks, k, o) != NULL) {
			/* its project failed above: made alone it would stand in the way */
			sb_printf(st, "%s %s: FAILED: made by project %s, which the server does not have\n", kind, name,
				  made_by_project(ks, k, o));
			n->failed++, n->failed_kind[k] = true;
			continue;
		}
		if (have != NULL) {
			report_present(cfg, st, n, k, name, differs(k, o, have));
			continue;
		}
		body = create_body(k, o);
		if (body == NULL) {
			n->failed++, n->failed_kind[k] = true;
			continue;
		}
		if (k == HG_AUTH_USERS) {
			if (password == NULL && pw_errno == 0 && (password = init_password(cfg->password_file)) == NULL)
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
		report_create(cfg, st, n, k, name,
			      post(cfg, ks, k, body, why, sizeof(why)) == 0 &&
				      (k != HG_AUTH_PROJECTS || add_graphs(cfg, ks, o, why, sizeof(why)) == 0),
			      why);
		cJSON_Delete(body);
	}
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
}

/* Restores the belongs or accesses, their ids mapped by name. */
static void restore_links(const hgfs_auth_restore_cfg *cfg, kset *ks, hg_auth_kind k, sbuf *st, counts *n)
{
	const char *kind = hg_auth_kind_name(k);
	const char *fa = k == HG_AUTH_BELONGS ? "user" : "group";
	const char *fb = k == HG_AUTH_BELONGS ? "group" : "target";
	hg_auth_kind ka = k == HG_AUTH_BELONGS ? HG_AUTH_USERS : HG_AUTH_GROUPS;
	hg_auth_kind kb = k == HG_AUTH_BELONGS ? HG_AUTH_GROUPS : HG_AUTH_TARGETS;
	const cJSON *o, *s;

	cJSON_ArrayForEach(o, ks[k].backup) {
		const char *missing = NULL, *ida, *idb;
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
			report_present(cfg, st, n, k, key, differs(k, o, s));
			break;
		}
		if (found) {
			free(key);
			continue;
		}
		ida = server_id(ks, ka, name_by_id(ks[ka].backup, ka, str_of(o, fa)));
		idb = server_id(ks, kb, name_by_id(ks[kb].backup, kb, str_of(o, fb)));
		if ((ida == NULL && waits_for_projects(ks, ka, by_id(ks[ka].backup, str_of(o, fa)))) ||
		    (idb == NULL && waits_for_projects(ks, kb, by_id(ks[kb].backup, str_of(o, fb))))) {
			sb_printf(st, "%s %s: waiting for projects.jsonl\n", kind, key);
			n->pending++;
			free(key);
			continue;
		}
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
		report_create(cfg, st, n, k, key, post(cfg, ks, k, body, why, sizeof(why)) == 0, why);
		cJSON_Delete(body);
		free(key);
	}
}

/* Restores the managers (1.7): each {"type","user"} the server does not list. */
static void restore_managers(const hgfs_auth_restore_cfg *cfg, kset *ks, sbuf *st, counts *n)
{
	const hg_auth_kind k = HG_AUTH_MANAGERS;
	const char *kind = hg_auth_kind_name(k);
	const cJSON *o, *s;

	cJSON_ArrayForEach(o, ks[k].backup) {
		const char *type = str_of(o, "type"), *user = str_of(o, "user");
		char *key = NULL, why[1400];
		bool found = false;
		cJSON *body;

		if (type == NULL || user == NULL) {
			sb_printf(st, "%s ?: FAILED: no \"type\" and \"user\" in the element\n", kind);
			n->failed++, n->failed_kind[k] = true;
			continue;
		}
		if (asprintf(&key, "%s %s", type, user) < 0) {
			n->failed++, n->failed_kind[k] = true;
			continue;
		}
		if (strcmp(type, "ADMIN") == 0 && strcmp(user, HGFS_AUTH_ADMIN) == 0) {
			sb_printf(st, "%s %s: kept (the administrator is never restored)\n", kind, key);
			n->kept++;
			free(key);
			continue;
		}
		cJSON_ArrayForEach(s, ks[k].server) {
			const char *t = str_of(s, "type"), *u = str_of(s, "user");
			if (t != NULL && u != NULL && strcmp(t, type) == 0 && strcmp(u, user) == 0)
				found = true;
		}
		if (found) {
			report_present(cfg, st, n, k, key, NULL);
			free(key);
			continue;
		}
		/* a manager is a user or a group of the server's */
		if (find_by_name(ks[HG_AUTH_USERS].server, HG_AUTH_USERS, user) == NULL &&
		    find_by_name(ks[HG_AUTH_GROUPS].server, HG_AUTH_GROUPS, user) == NULL &&
		    (ks[HG_AUTH_USERS].backup == NULL || ks[HG_AUTH_GROUPS].backup == NULL)) {
			sb_printf(st, "%s %s: waiting for %s.jsonl\n", kind, key,
				  ks[HG_AUTH_USERS].backup == NULL ? "users" : "groups");
			n->pending++;
			free(key);
			continue;
		}
		body = create_body(k, o);
		if (body == NULL)
			snprintf(why, sizeof(why), "out of memory");
		report_create(cfg, st, n, k, key, body != NULL && post(cfg, ks, k, body, why, sizeof(why)) == 0, why);
		cJSON_Delete(body);
		free(key);
	}
}

/* ---- a pass --------------------------------------------------------------------------- */

struct hgfs_auth_set {
	kset ks[HG_AUTH__COUNT];
	sbuf head; /* what the files themselves gave: refusals, ignored names */
	int bad;   /* files refused */
	bool failed_kind[HG_AUTH__COUNT];
};

hgfs_auth_set *hgfs_auth_set_new(void)
{
	return calloc(1, sizeof(hgfs_auth_set));
}

void hgfs_auth_set_free(hgfs_auth_set *set)
{
	if (set == NULL)
		return;
	for (int k = 0; k < HG_AUTH__COUNT; k++) {
		cJSON_Delete(set->ks[k].backup);
		cJSON_Delete(set->ks[k].server);
	}
	free(set->head.p);
	free(set);
}

void hgfs_auth_set_add(hgfs_auth_set *set, const char *name, const char *data, size_t len)
{
	int k = hgfs_auth_kind_of_file(name);
	char why[200];

	if (k < 0) {
		if (name[0] != '.')
			sb_printf(&set->head,
				  "%s: ignored: not an auth file (users.jsonl, projects.jsonl, groups.jsonl, "
				  "targets.jsonl, belongs.jsonl, accesses.jsonl, managers.jsonl)\n",
				  name);
		return;
	}
	cJSON_Delete(set->ks[k].backup);
	set->ks[k].backup = parse_lines(data, len, why, sizeof(why));
	if (set->ks[k].backup == NULL) {
		set->ks[k].bad = true;
		set->failed_kind[k] = true;
		sb_printf(&set->head, "%s: REFUSED: %s; nothing of it restored\n", name, why);
		set->bad++;
	}
}

/* ks[k].server from the server's list; 0 or -errno (st says why) */
static int list_server(const hgfs_auth_restore_cfg *cfg, hgfs_auth_set *set, hg_auth_kind k, sbuf *st)
{
	kset *ks = set->ks;
	char *body = NULL, buf[1400];
	size_t len;
	hg_error err;
	int r = k != HG_AUTH_MANAGERS || cfg->managers ? hg_auth_list(cfg->client, cfg->graph, k, &body, &len, &err)
						       : -HG_ENOTFOUND;
	cJSON *root;

	if (r == -HG_ENOTFOUND) {
		ks[k].server = cJSON_CreateArray();
		ks[k].none = true;
		if (ks[k].backup != NULL && cJSON_GetArraySize(ks[k].backup) > 0) {
			sb_printf(st, "%s.jsonl: REFUSED: this server has no %s\n", hg_auth_kind_name(k), hg_auth_kind_name(k));
			cJSON_Delete(ks[k].backup);
			ks[k].backup = NULL;
			ks[k].bad = true;
			set->failed_kind[k] = true;
			set->bad++;
		}
		free(body);
		return 0;
	}
	if (r < 0) {
		hg_error_format(&err, buf, sizeof(buf));
		sb_printf(st, "FAILED: cannot list the server's %s: %s\n", hg_auth_kind_name(k), buf);
		hgfs_log(LOG_ERR, "auth restore: cannot list %s: %s", hg_auth_kind_name(k), buf);
		free(body);
		return hgfs_errno_client(r);
	}
	root = cJSON_Parse(body);
	free(body);
	ks[k].server = cJSON_DetachItemFromObjectCaseSensitive(root, hg_auth_kind_name(k));
	cJSON_Delete(root);
	if (!cJSON_IsArray(ks[k].server)) {
		cJSON_Delete(ks[k].server);
		ks[k].server = cJSON_CreateArray();
	}
	return ks[k].server != NULL ? 0 : -ENOMEM;
}

int hgfs_auth_set_replay(hgfs_auth_set *set, const hgfs_auth_restore_cfg *cfg, int kind, char **status,
			 size_t *status_len)
{
	kset *ks = set->ks;
	sbuf st = {0};
	counts n = {0};
	int rc = 0;
	char ts[64];
	time_t now = time(NULL);
	struct tm tm;

	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	sb_printf(&st, "auth restore at %s\n", ts);
	if (set->head.p != NULL)
		sb_printf(&st, "%s", set->head.p);
	memcpy(n.failed_kind, set->failed_kind, sizeof(n.failed_kind));
	for (int k = 0; k < HG_AUTH__COUNT && rc == 0; k++)
		rc = list_server(cfg, set, (hg_auth_kind)k, &st);
	memcpy(n.failed_kind, set->failed_kind, sizeof(n.failed_kind));
	if (rc == 0) {
		for (int k = HG_AUTH_USERS; k <= HG_AUTH_TARGETS; k++)
			restore_named(cfg, ks, (hg_auth_kind)k, &st, &n);
		for (int k = HG_AUTH_BELONGS; k <= HG_AUTH_ACCESSES; k++)
			restore_links(cfg, ks, (hg_auth_kind)k, &st, &n);
		restore_managers(cfg, ks, &st, &n);
		sb_printf(&st, "total: %d created, %d exist, %d kept, %d conflicts, %d waiting, %d failed%s\n", n.created,
			  n.exists, n.kept, n.conflicts, n.pending, n.failed, set->bad ? ", files refused" : "");
		if (n.created > 0 || n.conflicts > 0 || n.failed > 0)
			hgfs_log(LOG_NOTICE, "auth restore: %d created, %d exist, %d conflicts, %d failed", n.created,
				 n.exists, n.conflicts, n.failed);
	}
	*status = st.p;
	*status_len = st.p != NULL ? st.len : 0;
	if (rc < 0)
		return rc;
	if (kind < 0 || kind >= HG_AUTH__COUNT || !n.failed_kind[kind])
		return 0;
	return ks[kind].bad ? -EINVAL : -EIO;
}
