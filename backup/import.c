/* import.c - one file of restore/ onto the server: recognise it, measure
 * it, check all of it, then post it through the create APIs.
 *
 * Order of work for a data file (vertices or edges):
 *   1. the graph's mode (RESTORING or MERGING, else EPERM) and its schema
 *      names and ids (one GET);
 *   2. every line parsed and checked: JSON, members, id against the label's
 *      id strategy, PRIMARY_KEY endpoint ids, BLOB values; labels and
 *      property keys the server lacks are collected: then the file waits
 *      (pending).  The file is checked in parts at line boundaries, one
 *      thread each, while another thread computes its SHA-256;
 *   3. against the set's manifest: size, SHA-256, count;
 *   4. posted in batches by `parallel` workers: vertices with PRIMARY_KEY
 *      ids dropped (the server computes them) and their OLAP values left
 *      out, gathered with the batch and written by the same worker once
 *      the batch's vertices are created (olap.h); edges with the endpoint
 *      ids of PRIMARY_KEY labels rewritten to the target's label ids.
 * Nothing is posted before 1-3 passed for the whole file. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "errmap.h"
#include "export.h"
#include "import.h"
#include "log.h"
#include "olap.h"
#include "sha256.h"

#define SNIFF_MAX (64 * 1024)
#define READ_CHUNK (1024 * 1024)
#define SCHEMA_MAX ((size_t)64 << 20)
#define MANIFEST_MAX ((size_t)1 << 20)
#define BUF_KEEP ((size_t)2 << 20) /* scratch buffers keep at most this after a fat record */

/* The daemon's readers of vertex and edge files hold one fat line between
 * them (record.h), so a file of fat records costs one record's memory, not
 * one per thread. */
static hgfs_lr_gate fat_lines = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false};

/* A reader of bytes [start, end) of a data file (end 0: to its end). */
static int data_reader(hgfs_linereader *lr, const hgfs_import_job *j, int fd, off_t start, off_t end)
{
	int rc = hgfs_lr_init_range(lr, fd, start, end, (size_t)j->max_record_mib << 20);
	lr->gate = &fat_lines;
	return rc;
}
#define MISSING_SHOWN 8

/* Ends the import of e as failed: state, detail ("EIO: why"), log.  The
 * errno is one of those the README promises for close(): EINVAL, EACCES,
 * EPERM, ENOSPC, ENOMEM, EFBIG, else EIO (a busy or vanished server included). */
static int fail(const hgfs_import_job *j, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(const hgfs_import_job *j, int rc, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;

	rc = hgfs_errno_import(rc);

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hgfs_log(LOG_ERR, "graph %s: restore/%s: %s", j->graph, j->path, msg);
	pthread_mutex_lock(j->lock);
	j->st->state = HGFS_RS_FAILED;
	free(j->st->detail);
	if (asprintf(&j->st->detail, "%s: %s", strerrorname_np(-rc), msg) < 0)
		j->st->detail = NULL;
	pthread_mutex_unlock(j->lock);
	return rc;
}

static void set_progress(const hgfs_import_job *j, uint64_t done, uint64_t total)
{
	pthread_mutex_lock(j->lock);
	if (done == 0)
		clock_gettime(CLOCK_MONOTONIC, &j->st->posting_since);
	j->st->done = done;
	j->st->total = total;
	pthread_mutex_unlock(j->lock);
}

static int client_fail(const hgfs_import_job *j, int rc, const hg_error *err, const char *what)
{
	char buf[1400];
	return fail(j, hgfs_errno_client(rc), "%s: %s", what, hg_error_format(err, buf, sizeof(buf)));
}

/* Reads the whole spool (at most max bytes) into *out, hashing it. */
static int read_all(int fd, off_t size, size_t max, char **out, char hex[65])
{
	hgfs_sha256 sha;
	char *buf = NULL;
	size_t cap = max != 0 ? (size_t)size : READ_CHUNK;
	off_t off = 0;
	int rc;

	if (max != 0 && (size_t)size > max)
		return -EFBIG;
	rc = hgfs_sha256_init(&sha);
	if (rc < 0)
		return rc;
	buf = malloc(cap + 1);
	if (buf == NULL) {
		hgfs_sha256_free(&sha);
		return -ENOMEM;
	}
	while (off < size) {
		size_t want = (size_t)(size - off);
		ssize_t n;
		if (max == 0 && want > cap)
			want = cap;
		n = pread(fd, max != 0 ? buf + off : buf, want, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			hgfs_sha256_free(&sha);
			free(buf);
			return rc;
		}
		hgfs_sha256_update(&sha, max != 0 ? buf + off : buf, (size_t)n);
		off += n;
	}
	hgfs_sha256_final(&sha, hex);
	if (max != 0) {
		buf[size] = '\0';
		*out = buf;
	} else {
		free(buf);
	}
	return 0;
}

/* read_all of e's spool for a file read whole (a manifest, schema or
 * variables file of at most max bytes), failing e when it cannot be. */
static int read_whole(const hgfs_import_job *j, off_t size, size_t max, const char *what, char **data,
		      char hex[65])
{
	int rc = read_all(j->fd, size, max, data, hex);

	if (rc == -EFBIG)
		return fail(j, -EINVAL, "larger than %s can be (%zu MiB)", what, max >> 20);
	if (rc < 0)
		return fail(j, rc, "%s", strerror(-rc));
	return 0;
}

int hgfs_manifest_check(const hgfs_manifest *m, const hgfs_import_status *st, char *why, size_t len)
{
	const hgfs_manifest_file *f;
	if (!st->measured || st->kind < HGFS_K_SCHEMA || st->kind >= HGFS_K_MANIFEST)
		return 0;
	f = &m->file[st->kind];
	if (f->present && f->suffix[0] != '\0') {
		/* a compressed listing: the same compressed bytes, or the same content */
		bool packed_ok = st->m_packed && f->size == (int64_t)st->m_packed_size &&
				 (f->sha256[0] == '\0' || strcmp(f->sha256, st->m_packed_sha256) == 0);
		bool plain_ok = f->has_plain && f->plain_size == (int64_t)st->m_size &&
				(f->plain_sha256[0] == '\0' || strcmp(f->plain_sha256, st->m_sha256) == 0);
		if (!packed_ok && !plain_ok) {
			off_t have = st->m_packed ? st->m_packed_size : st->m_size;
			if (have != f->size && (!f->has_plain || f->plain_size != (int64_t)st->m_size))
				snprintf(why, len,
					 "its size %lld differs from the manifest's %lld for %s%s (truncated or changed?)",
					 (long long)have, (long long)f->size, hgfs_kind_file_name(st->kind), f->suffix);
			else
				snprintf(why, len, "its SHA-256 differs from the manifest's for %s%s (corrupted or changed?)",
					 hgfs_kind_file_name(st->kind), f->suffix);
			return -EINVAL;
		}
	} else if (f->present && f->size != (int64_t)st->m_size) {
		snprintf(why, len, "its size %lld differs from the manifest's %lld for %s (truncated or changed?)",
			 (long long)st->m_size, (long long)f->size, hgfs_kind_file_name(st->kind));
		return -EINVAL;
	} else if (f->present && f->sha256[0] != '\0' && strcmp(f->sha256, st->m_sha256) != 0) {
		snprintf(why, len, "its SHA-256 differs from the manifest's for %s (corrupted or changed?)",
			 hgfs_kind_file_name(st->kind));
		return -EINVAL;
	}
	if (st->kind == HGFS_K_SCHEMA) {
		for (int t = 0; t < HG_SCHEMA__COUNT; t++) {
			if (m->count_schema[t] >= 0 && st->m_count[t] >= 0 && m->count_schema[t] != st->m_count[t]) {
				snprintf(why, len, "it has %lld %s, the manifest says %lld", (long long)st->m_count[t],
					 hg_schema_type_name((hg_schema_type)t), (long long)m->count_schema[t]);
				return -EINVAL;
			}
		}
	} else if (st->kind == HGFS_K_VERTICES || st->kind == HGFS_K_EDGES) {
		int64_t want = st->kind == HGFS_K_VERTICES ? m->count_vertices : m->count_edges;
		int64_t have = st->m_count[st->kind == HGFS_K_VERTICES ? HGFS_COUNT_VERTICES : HGFS_COUNT_EDGES];
		if (want >= 0 && have >= 0 && want != have) {
			snprintf(why, len, "it has %lld %s, the manifest says %lld", (long long)have,
				 st->kind == HGFS_K_VERTICES ? "vertices" : "edges", (long long)want);
			return -EINVAL;
		}
	}
	return 0;
}

/* Records what was measured and checks it against the set's manifest. */
static int measured(const hgfs_import_job *j, off_t size, const char hex[65],
		    const int64_t count[HG_SCHEMA__COUNT + 2])
{
	char why[512];
	int rc = 0;

	pthread_mutex_lock(j->lock);
	j->st->measured = true;
	j->st->m_size = size;
	memcpy(j->st->m_sha256, hex, 65);
	memcpy(j->st->m_count, count, sizeof(j->st->m_count));
	if (j->manifest != NULL)
		rc = hgfs_manifest_check(j->manifest, j->st, why, sizeof(why));
	pthread_mutex_unlock(j->lock);
	if (rc < 0)
		return fail(j, rc, "%s; nothing imported", why);
	return 0;
}

static int mode_now(const hgfs_import_job *j, hg_mode *mode)
{
	hg_error err;
	int rc;

	hg_error_clear(&err);
	rc = hg_get_mode(j->client, j->graph, mode, &err);
	if (rc < 0)
		return client_fail(j, rc, &err, "reading the graph mode");
	if (*mode != HG_MODE_RESTORING && *mode != HG_MODE_MERGING)
		return fail(j, -EPERM,
			    "graph '%s' is in mode %s; write RESTORING or MERGING to its mode file, then copy the file "
			    "again",
			    j->graph, hg_mode_name(*mode));
	return 0;
}

/* A file read whole and checked (schema, variables): its total shown, its
 * measure checked against the set's manifest, and the graph's mode read,
 * before anything is posted.  0, or the result of fail(). */
static int ready_to_post(const hgfs_import_job *j, off_t size,
			 const char hex[65], const int64_t count[HG_SCHEMA__COUNT + 2], uint64_t total, hg_mode *mode)
{
	int rc;

	set_progress(j, 0, total);
	rc = measured(j, size, hex, count);
	return rc < 0 ? rc : mode_now(j, mode);
}

/* ---- manifest ------------------------------------------------------------------ */

static int import_manifest(const hgfs_import_job *j, off_t size, hgfs_manifest **out)
{
	hgfs_manifest *m = calloc(1, sizeof(*m));
	char hex[65], err[512];
	char *data = NULL;
	int n = 0, rc;

	if (m == NULL)
		return fail(j, -ENOMEM, "out of memory");
	rc = read_whole(j, size, MANIFEST_MAX, "a manifest", &data, hex);
	if (rc < 0) {
		free(m);
		return rc;
	}
	rc = hgfs_manifest_parse(data, (size_t)size, m, err, sizeof(err));
	free(data);
	if (rc != 0) {
		free(m);
		return fail(j, rc == -ENOMEM ? -ENOMEM : -EINVAL, "manifest: %s", err);
	}
	for (int k = HGFS_K_SCHEMA; k < HGFS_K_MANIFEST; k++)
		n += m->file[k].present;
	if (m->consistent == 0)
		hgfs_log(LOG_WARNING, "graph '%s': restore/%s marks its backup inconsistent (the graph changed while it "
			 "was taken): %s", j->graph, j->path, m->consistency);
	pthread_mutex_lock(j->lock);
	j->st->state = HGFS_RS_IMPORTED;
	j->st->done = j->st->total = (uint64_t)n;
	pthread_mutex_unlock(j->lock);
	*out = m;
	return 0;
}

/* ---- schema -------------------------------------------------------------------- */

static const char *type_label(hg_schema_type t)
{
	static const char *const names[] = {"property key", "vertex label", "edge label", "index label"};
	return (unsigned)t < HG_SCHEMA__COUNT ? names[t] : "schema element";
}

/* The name member of an element, decoded into b. */
typedef struct name_find {
	hgfs_buf *b;
	bool found;
} name_find;

static int name_member(void *ctx, const rj_member *m)
{
	name_find *nf = ctx;

	if (rj_key_is(m, "name") && m->type == RJ_STRING) {
		nf->found = rj_string(m->val, m->val_len, nf->b) == 0;
		return 1;
	}
	return 0;
}

/* Explains why the server refused element el as existing: the difference
 * between it and the graph's element of that name. */
static void explain_conflict(const hgfs_import_job *j, const hgfs_schema_elem *el, char *out, size_t len)
{
	hg_elems *list = NULL;
	hgfs_buf name = {0};
	hg_error err;

	out[0] = '\0';
	hg_error_clear(&err);
	if (hg_schema_list(j->client, j->graph, el->type, &list, &err) < 0)
		return;
	for (size_t i = 0; i < list->n; i++) {
		const char *t = list->data + list->v[i].off;
		name_find nf = {&name, false};
		rj_object_each(t, list->v[i].len, name_member, &nf);
		if (nf.found && strcmp(name.data, el->name) == 0) {
			if (hgfs_schema_diff(el->type, el->text, el->len, t, list->v[i].len, out, len) != 1)
				out[0] = '\0';
			break;
		}
	}
	hgfs_buf_free(&name);
	hg_elems_free(list);
}

/* The graph's edge label named like the PARENT label el, or NULL. */
static const hg_label *parent_exists(const hg_schema_names *have, const hgfs_schema_elem *el)
{
	return el->is_parent ? hg_schema_names_find(have, HG_SCHEMA_EDGELABELS, el->name, strlen(el->name)) : NULL;
}

/* The note for labels whose elements expire ttl after they are written (no
 * ttl_start_time): a restore writes them anew, so their clocks restart.
 * malloc'd, or NULL when there are none. */
static char *ttl_restarts(const hgfs_schema_file *sf)
{
	hgfs_buf names = {0}, name = {0}, start = {0};
	char *note = NULL;
	size_t n = 0;
	int64_t ttl;

	for (size_t i = 0; i < sf->n; i++) {
		const hgfs_schema_elem *el = &sf->v[i];
		if ((el->type != HG_SCHEMA_VERTEXLABELS && el->type != HG_SCHEMA_EDGELABELS) ||
		    hgfs_label_ttl(el->text, el->len, &ttl, &name, &start) != 1 || start.len > 0)
			continue;
		if (n++ > 0)
			hgfs_buf_adds(&names, ", ");
		hgfs_buf_adds(&names, el->type == HG_SCHEMA_VERTEXLABELS ? "vertex label '" : "edge label '");
		hgfs_buf_adds(&names, name.data);
		hgfs_buf_adds(&names, "'");
	}
	if (n > 0 && names.data != NULL &&
	    asprintf(&note, "element clocks restart: %s %s a ttl without ttl_start_time, so %s elements expire ttl "
			    "after this restore, not after they were first written",
		     names.data, n > 1 ? "have" : "has", n > 1 ? "their" : "its") < 0)
		note = NULL;
	hgfs_buf_free(&names);
	hgfs_buf_free(&name);
	hgfs_buf_free(&start);
	return note;
}

static int import_schema(const hgfs_import_job *j, off_t size)
{
	char *restarted;
	int64_t count[HG_SCHEMA__COUNT + 2];
	hgfs_schema_file sf = {0};
	hgfs_buf body = {0};
	char hex[65], err[512];
	char *data = NULL;
	bool legacy = !hg_client_has_edge_label_types(j->client);
	hg_schema_names *have = NULL;
	hg_error herr;
	hg_mode mode;
	int rc;

	rc = read_whole(j, size, SCHEMA_MAX, "a schema file", &data, hex);
	if (rc < 0)
		return rc;
	rc = hgfs_schema_file_parse(data, (size_t)size, &sf, err, sizeof(err));
	if (rc != 0) {
		rc = fail(j, rc == -ENOMEM ? -ENOMEM : -EINVAL, "%s; nothing imported", err);
		goto out;
	}
	for (int t = 0; t < HG_SCHEMA__COUNT; t++)
		count[t] = (int64_t)sf.count[t];
	count[HGFS_COUNT_VERTICES] = count[HGFS_COUNT_EDGES] = -1;
	rc = ready_to_post(j, size, hex, count, sf.n, &mode);
	if (rc < 0)
		goto out;
	hg_error_clear(&herr);
	rc = hg_schema_names_get(j->client, j->graph, &have, &herr);
	if (rc < 0) {
		rc = client_fail(j, rc, &herr, "reading the graph's schema");
		goto out;
	}
	/* every element must be postable before the first one is posted */
	for (size_t i = 0; i < sf.n; i++) {
		const hg_label *old = parent_exists(have, &sf.v[i]);

		hgfs_buf_reset(&body);
		rc = hgfs_schema_emit(&sf.v[i], mode == HG_MODE_RESTORING, legacy, &body, err, sizeof(err));
		if (rc == 0 && old != NULL && !old->parent) {
			snprintf(err, sizeof(err), "edge label '%s' is a PARENT label in the backup but not in the graph",
				 sf.v[i].name);
			rc = -1;
		}
		if (rc == 0 && mode == HG_MODE_RESTORING && sf.v[i].id <= 0) {
			snprintf(err, sizeof(err), "%s '%s' has no id, which RESTORING needs; use MERGING",
				 type_label(sf.v[i].type), sf.v[i].name);
			rc = -1;
		}
		if (rc != 0) {
			rc = fail(j, rc == -ENOMEM ? -ENOMEM : -EINVAL, "%s; nothing imported", err);
			goto out;
		}
	}
	for (size_t i = 0; i < sf.n; i++) {
		const hgfs_schema_elem *el = &sf.v[i];
		int64_t task = 0;

		/* A PARENT label that the graph has is not sent again: the real
		 * server refuses every create of an existing PARENT label ("has
		 * existed", whatever check_exist says).  A PARENT has nothing of
		 * its own to compare; its SUB labels, sent next, are compared. */
		if (parent_exists(have, el) != NULL) {
			set_progress(j, i + 1, sf.n);
			continue;
		}
		hgfs_buf_reset(&body);
		rc = hgfs_schema_emit(el, mode == HG_MODE_RESTORING, legacy, &body, err, sizeof(err));
		if (rc != 0) {
			rc = fail(j, -ENOMEM, "out of memory");
			goto out;
		}
		hg_error_clear(&herr);
		rc = hg_schema_create(j->client, j->graph, el->type, body.data, body.len, &task, &herr);
		if (rc == 0 && task > 0) {
			hg_error_clear(&herr);
			rc = hg_task_wait(j->client, j->graph, task, j->timeout * 1000, &herr);
		}
		if (rc < 0) {
			char diff[768], hbuf[1400];
			diff[0] = '\0';
			if (strstr(herr.message, "has existed") != NULL)
				explain_conflict(j, el, diff, sizeof(diff));
			rc = fail(j, hgfs_errno_client(rc), "%s '%s' refused: %s%s%s (%zu of %zu elements created)",
				  type_label(el->type), el->name, hg_error_format(&herr, hbuf, sizeof(hbuf)),
				  diff[0] ? "; it differs from the graph's: " : "", diff, i, sf.n);
			goto out;
		}
		set_progress(j, i + 1, sf.n);
	}
	restarted = ttl_restarts(&sf);
	pthread_mutex_lock(j->lock);
	j->st->state = HGFS_RS_IMPORTED;
	if (restarted != NULL) {
		free(j->st->detail);
		j->st->detail = restarted;
	}
	pthread_mutex_unlock(j->lock);
	hgfs_log(LOG_INFO, "graph %s: restore/%s: %zu schema elements imported (%s)%s%s", j->graph, j->path, sf.n,
		 hg_mode_name(mode), restarted != NULL ? "; " : "", restarted != NULL ? restarted : "");
out:
	hg_schema_names_free(have);
	hgfs_buf_free(&body);
	hgfs_schema_file_free(&sf);
	free(data);
	return rc;
}

/* ---- variables.json ------------------------------------------------------------- */

#define VARIABLES_MAX ((size_t)16 << 20)

typedef struct var_ctx {
	size_t n;
	const char *bad; /* a member whose value the server cannot take */
	size_t bad_len;
} var_ctx;

static int count_variable(void *arg, const rj_member *m)
{
	var_ctx *v = arg;

	/* the server takes strings, numbers and booleans (null, lists and maps are refused) */
	if (v->bad == NULL && (m->type == RJ_NULL || m->type == RJ_OBJECT || m->type == RJ_ARRAY || m->key_len == 0)) {
		v->bad = m->key;
		v->bad_len = m->key_len;
	}
	v->n++;
	return 0;
}

typedef struct var_put {
	const hgfs_import_job *j;
	hgfs_buf key;
	size_t done, total;
	int rc;
} var_put;

static int put_variable(void *arg, const rj_member *m)
{
	var_put *p = arg;
	hg_error herr;
	char hbuf[1400];
	int rc;

	if (rj_string(m->key - 1, m->key_len + 2, &p->key) != 0 || strlen(p->key.data) != p->key.len)
		return p->rc = fail(p->j, -EINVAL, "variable name %zu is not a valid name; %zu of %zu imported",
				    p->done + 1, p->done, p->total);
	hg_error_clear(&herr);
	rc = hg_variable_put(p->j->client, p->j->graph, p->key.data, m->val, m->val_len, &herr);
	if (rc < 0)
		return p->rc = fail(p->j, hgfs_errno_client(rc), "variable '%s' refused: %s (%zu of %zu imported)",
				    p->key.data, hg_error_format(&herr, hbuf, sizeof(hbuf)), p->done, p->total);
	p->done++;
	set_progress(p->j, p->done, p->total);
	return 0;
}

/* variables.json: the graph's variables as the server listed them (a JSON
 * object); each is PUT back with its value's bytes, so the server reads
 * each value as it printed it. */
static int import_variables(const hgfs_import_job *j, off_t size)
{
	int64_t count[HG_SCHEMA__COUNT + 2];
	char hex[65], err[256];
	char *data = NULL;
	size_t col;
	var_ctx v = {0};
	var_put p = {.j = j};
	hg_mode mode;
	int rc;

	rc = read_whole(j, size, VARIABLES_MAX, "a variables file", &data, hex);
	if (rc < 0)
		return rc;
	if (rj_validate(data, (size_t)size, &col, err, sizeof(err)) != 0) {
		rc = fail(j, -EINVAL, "column %zu: %s; nothing imported", col, err);
		goto out;
	}
	if (rj_type_of(data, (size_t)size) != RJ_OBJECT) {
		rc = fail(j, -EINVAL, "not a JSON object of variables; nothing imported");
		goto out;
	}
	rj_object_each(data, (size_t)size, count_variable, &v);
	if (v.bad != NULL) {
		rc = fail(j, -EINVAL,
			  "variable '%.*s': a graph variable is a string, a number or a boolean (HugeGraph takes "
			  "nothing else); nothing imported",
			  (int)(v.bad_len > 200 ? 200 : v.bad_len), v.bad);
		goto out;
	}
	for (int i = 0; i < HG_SCHEMA__COUNT + 2; i++)
		count[i] = -1;
	p.total = v.n;
	rc = ready_to_post(j, size, hex, count, v.n, &mode);
	if (rc < 0)
		goto out;
	rj_object_each(data, (size_t)size, put_variable, &p);
	rc = p.rc;
	if (rc < 0)
		goto out;
	pthread_mutex_lock(j->lock);
	j->st->state = HGFS_RS_IMPORTED;
	pthread_mutex_unlock(j->lock);
	hgfs_log(LOG_INFO, "graph %s: restore/%s: %zu variables imported", j->graph, j->path, v.n);
out:
	hgfs_buf_free(&p.key);
	free(data);
	return rc;
}

/* ---- vertices and edges: checking ------------------------------------------------ */

/* Names the server lacks, each once. */
typedef struct missing {
	char **v;
	size_t n;
	bool oom;
} missing;

/* Adds s (malloc'd, taken over) unless it is there already. */
static void missing_take(missing *m, char *s)
{
	char **v;

	if (s == NULL) {
		m->oom = true;
		return;
	}
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->v[i], s) == 0) {
			free(s);
			return;
		}
	}
	v = realloc(m->v, (m->n + 1) * sizeof(*v));
	if (v == NULL) {
		free(s);
		m->oom = true;
		return;
	}
	m->v = v;
	m->v[m->n++] = s;
}

static void missing_add(missing *m, const char *what, const char *name, size_t len)
{
	char *s = NULL;

	if (asprintf(&s, "%s '%.*s'", what, (int)len, name) < 0)
		s = NULL;
	missing_take(m, s);
}

static void missing_free(missing *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
}

#define LABEL_MEMO 32

typedef struct label_memo {
	hg_schema_type type;
	size_t len;
	char raw[128]; /* the JSON string, quotes included */
	const hg_label *label;
} label_memo;

#define KEY_MEMO 64 /* a power of two */

/* A property key already looked up, by its raw bytes. */
typedef struct key_memo {
	bool used;
	unsigned char len;
	char raw[45];
} key_memo;

/* What the data pass needs to know about the target graph. */
typedef struct data_ctx {
	label_memo memo[LABEL_MEMO];
	size_t n_memo;
	key_memo keys[KEY_MEMO]; /* by a hash of the raw bytes; a newer key replaces an older one */
	const hgfs_import_job *j;
	bool edges;
	hg_schema_names *names;
	missing miss;
	hgfs_buf tmp;       /* decoded names */
	hgfs_buf scratch;   /* PK id rewrite check */
	hgfs_buf fixed;     /* a line with its BLOB values rewritten */
	bool has_blob;      /* the graph has BLOB property keys */
	bool olap;          /* the graph has OLAP property keys (olap.c) */
	hgfs_olap_plan plan; /* ...and how their values are gathered (the posting pass) */
	uint64_t olap_written;
	int olap_rc;        /* 0, or why not every OLAP value was written (d->err) */
	bool hex_like;      /* the line being checked has a value starting with 0x */
	uint8_t *changed;   /* a bit per CHANGED_BLOCK bytes of the file: a line starting
			     * there is posted changed (shared by the check parts) */
	uint64_t line;
	char err[768];
} data_ctx;

/* Lines are posted as they are, without a second parse, unless the check
 * pass found that a line starting in their block of the file must change
 * (a PRIMARY_KEY id dropped or rewritten, a BLOB value rewritten).  A bit
 * per 64 KiB: 2 KiB for each GiB of file. */
#define CHANGED_SHIFT 16

static void mark_changed(data_ctx *d, off_t at)
{
	size_t block = (size_t)(at >> CHANGED_SHIFT);

	__atomic_fetch_or(&d->changed[block / 8], (uint8_t)(1u << (block % 8)), __ATOMIC_RELAXED);
}

static bool is_changed(const data_ctx *d, off_t at)
{
	size_t block = (size_t)(at >> CHANGED_SHIFT);

	return (__atomic_load_n(&d->changed[block / 8], __ATOMIC_RELAXED) >> (block % 8)) & 1;
}

/* The label of type t named by the JSON string m (quotes included), or NULL.
 * Lines repeat the same few labels: found ones are remembered by their raw
 * bytes, so most lines need no decoding and no search. */
static const hg_label *find_label(data_ctx *d, hg_schema_type t, const rj_member *m)
{
	const hg_label *l;
	label_memo *c;

	for (size_t i = 0; i < d->n_memo; i++) {
		c = &d->memo[i];
		if (c->type == t && c->len == m->val_len && memcmp(c->raw, m->val, m->val_len) == 0)
			return c->label;
	}
	if (rj_string(m->val, m->val_len, &d->tmp) != 0)
		return NULL;
	l = hg_schema_names_find(d->names, t, d->tmp.data, d->tmp.len);
	if (l != NULL && d->n_memo < LABEL_MEMO && m->val_len <= sizeof(c->raw)) {
		c = &d->memo[d->n_memo++];
		c->type = t;
		c->len = m->val_len;
		memcpy(c->raw, m->val, m->val_len);
		c->label = l;
	}
	return l;
}

static const hg_label *lookup(data_ctx *d, hg_schema_type t, const rj_member *m, const char *what)
{
	const hg_label *l = find_label(d, t, m);

	if (l == NULL && rj_string(m->val, m->val_len, &d->tmp) == 0)
		missing_add(&d->miss, what, d->tmp.data, d->tmp.len);
	return l;
}

/* The name of a property key from the raw bytes of a JSON key: the bytes
 * themselves, or their decoding (into d->tmp) when they hold an escape.
 * 0 or -ENOMEM. */
static int key_name(data_ctx *d, const char *key, size_t len, const char **name, size_t *name_len)
{
	hgfs_buf q = {0};
	int rc = 0;

	*name = key;
	*name_len = len;
	if (memchr(key, '\\', len) == NULL)
		return 0;
	if (hgfs_buf_addc(&q, '"') < 0 || hgfs_buf_add(&q, key, len) < 0 || hgfs_buf_addc(&q, '"') < 0 ||
	    rj_string(q.data, q.len, &d->tmp) != 0)
		rc = -ENOMEM; /* a validated key decodes; only memory can fail */
	hgfs_buf_free(&q);
	*name = d->tmp.data;
	*name_len = d->tmp.len;
	return rc;
}

/* Every property key a record uses must be in the target's schema. */
static int prop_key(void *ctx, const rj_member *m)
{
	data_ctx *d = ctx;
	key_memo *k = NULL;
	const char *name;
	size_t len;

	if (m->key_len <= sizeof(k->raw)) {
		uint32_t h = 2166136261u; /* FNV-1a */
		for (size_t i = 0; i < m->key_len; i++)
			h = (h ^ (unsigned char)m->key[i]) * 16777619u;
		k = &d->keys[h % KEY_MEMO];
		if (k->used && k->len == m->key_len && memcmp(k->raw, m->key, m->key_len) == 0)
			return 0; /* a missing key is listed once */
	}
	if (key_name(d, m->key, m->key_len, &name, &len) < 0)
		return -ENOMEM;
	if (hg_schema_names_find(d->names, HG_SCHEMA_PROPERTYKEYS, name, len) == NULL)
		missing_add(&d->miss, "property key", name, len);
	if (k != NULL) {
		k->used = true;
		k->len = (unsigned char)m->key_len;
		memcpy(k->raw, m->key, m->key_len);
	}
	return 0;
}

/* The id a vertex of label l must carry: 0 ok, -1 with d->err. */
static int check_vertex_id(data_ctx *d, const hg_label *l, const rj_member *id)
{
	rj_type want;

	switch (l->strategy) {
	case HG_IDS_PRIMARY_KEY:
		return 0; /* dropped: the server computes it */
	case HG_IDS_AUTOMATIC:
	case HG_IDS_CUSTOMIZE_NUMBER:
		want = RJ_NUMBER;
		break;
	case HG_IDS_CUSTOMIZE_STRING:
	case HG_IDS_CUSTOMIZE_UUID:
		want = RJ_STRING;
		break;
	default:
		return 0; /* the server judges */
	}
	if (id->type == want)
		return 0;
	snprintf(d->err, sizeof(d->err), "vertex label '%s' has id strategy %s, which needs %s id, but the record %s",
		 l->name, hg_id_strategy_name(l->strategy), want == RJ_NUMBER ? "a numeric" : "a string",
		 id->type == RJ_NONE ? "has none" : "has another kind");
	return -1;
}

/* An endpoint of PK label l: its id must have the "<labelId>:" form.
 * 0 (*changes set when the target's label id differs) or -1. */
static int check_endpoint(data_ctx *d, const hg_label *l, const rj_member *v, const char *side, bool *changes)
{
	char why[256];

	if (l->strategy != HG_IDS_PRIMARY_KEY)
		return 0;
	hgfs_buf_reset(&d->scratch);
	if (hgfs_pk_id_rewrite(v->val, v->val_len, l->id, &d->scratch, why, sizeof(why)) == 0) {
		*changes |= d->scratch.len != v->val_len || memcmp(d->scratch.data, v->val, v->val_len) != 0;
		return 0;
	}
	snprintf(d->err, sizeof(d->err), "%s of PRIMARY_KEY vertex label '%s': %s", side, l->name, why);
	return -1;
}

static bool is_blob_key(void *ctx, const char *key, size_t len)
{
	data_ctx *d = ctx;
	const hg_label *l;
	const char *name;
	size_t n;

	if (key_name(d, key, len, &name, &n) < 0)
		return false;
	l = hg_schema_names_find(d->names, HG_SCHEMA_PROPERTYKEYS, name, n);
	return l != NULL && strcmp(l->data_type, "BLOB") == 0;
}

/* BLOB values that the server would read as hex are rewritten into
 * d->fixed: 1 (use d->fixed), 0 (the line is fine), -1 (d->err), -ENOMEM. */
static int fix_blobs(data_ctx *d, const char *line, size_t len, const rj_member *props)
{
	char why[256];
	int rc;

	if (!d->has_blob || memmem(props->val, props->val_len, "\"0x", 3) == NULL)
		return 0; /* no value starts with 0x: nothing to look at */
	hgfs_buf_reset(&d->fixed);
	rc = hgfs_blob_fix(line, len, props, is_blob_key, d, &d->fixed, why, sizeof(why));
	if (rc == -1)
		snprintf(d->err, sizeof(d->err), "%s", why);
	return rc;
}

/* Each property of the line being checked, as the validator reads it: its
 * key must be in the target's schema; a value starting with 0x may be a
 * BLOB value to rewrite. */
static int check_prop(void *ctx, const rj_member *m)
{
	data_ctx *d = ctx;

	if (d->has_blob && !d->hex_like)
		d->hex_like = m->type == RJ_STRING ? m->val_len >= 3 && m->val[1] == '0' && m->val[2] == 'x'
						   : m->type == RJ_ARRAY && memmem(m->val, m->val_len, "\"0x", 3) != NULL;
	return prop_key(d, m);
}

/* The BLOB values of a checked record (*changes set when one is rewritten). */
static int check_blobs(data_ctx *d, const char *line, size_t len, const rj_member *props, bool *changes)
{
	int rc = d->hex_like ? fix_blobs(d, line, len, props) : 0;

	if (rc < 0)
		return d->err[0] ? -1 : -ENOMEM;
	*changes |= rc == 1;
	return 0;
}

/* Checks one line, which starts at offset `at` of the file; 0, -1 (d->err
 * set), -ENOMEM. */
static int check_line(data_ctx *d, const char *line, size_t len, off_t at)
{
	size_t col = 0;
	char msg[512];
	bool changes = false;
	int rc;

	d->hex_like = false;
	if (!d->edges) {
		hgfs_vertex_rec r;
		const hg_label *l;
		if ((rc = hgfs_vertex_check(line, len, &r, check_prop, d, &col, msg, sizeof(msg))) != 0)
			goto bad;
		l = lookup(d, HG_SCHEMA_VERTEXLABELS, &r.label, "vertex label");
		if (l != NULL && check_vertex_id(d, l, &r.id) != 0)
			return -1;
		changes = l != NULL && l->strategy == HG_IDS_PRIMARY_KEY && r.id.type != RJ_NONE;
		changes |= d->olap && hgfs_olap_in_props(d->names, &r.properties); /* posted without them */
		rc = check_blobs(d, line, len, &r.properties, &changes);
	} else {
		hgfs_edge_rec r;
		const hg_label *lo, *li;
		if ((rc = hgfs_edge_check(line, len, &r, check_prop, d, &col, msg, sizeof(msg))) != 0)
			goto bad;
		lookup(d, HG_SCHEMA_EDGELABELS, &r.label, "edge label");
		lo = lookup(d, HG_SCHEMA_VERTEXLABELS, &r.out_label, "vertex label");
		if (lo != NULL && check_endpoint(d, lo, &r.out_v, "outV", &changes) != 0)
			return -1;
		li = lookup(d, HG_SCHEMA_VERTEXLABELS, &r.in_label, "vertex label");
		if (li != NULL && check_endpoint(d, li, &r.in_v, "inV", &changes) != 0)
			return -1;
		rc = check_blobs(d, line, len, &r.properties, &changes);
	}
	if (rc == 0 && changes)
		mark_changed(d, at);
	return rc;
bad:
	if (rc < -1)
		return rc;
	if (col > 0)
		snprintf(d->err, sizeof(d->err), "column %zu: %s", col, msg);
	else
		snprintf(d->err, sizeof(d->err), "%s", msg);
	return -1;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	}
	return true;
}

/* ---- vertices and edges: posting -------------------------------------------------- */

typedef struct batch {
	hgfs_buf body;   /* "[e1,e2,...]" */
	size_t *start;   /* element offsets in body, for splitting */
	size_t *len;
	size_t n, cap;
	hgfs_olap_vals *olap; /* the OLAP values of its vertices, sent after them; NULL: none */
} batch;

/* A batch is sent once it holds batch_max records or BATCH_BYTES bytes, and
 * the batches queued or being posted hold at most POST_BUDGET bytes between
 * them (one batch at least), so fat records do not pile up in memory. */
#define BATCH_BYTES ((size_t)4 << 20)
#define POST_BUDGET ((size_t)16 << 20)

typedef struct poster {
	data_ctx *d;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	batch **queue; /* ring */
	size_t qcap, qhead, qn;
	size_t bytes;  /* of the batches queued or being posted */
	bool closed;
	int rc;        /* first failure */
	hg_error err;
	uint64_t done;
	uint64_t total;
	int olap_rc;   /* first failure to write OLAP values: the vertices go on, the values stop */
	char olap_why[768];
	uint64_t olap_written;
} poster;

static void batch_free(poster *p, batch *b)
{
	if (b == NULL)
		return;
	hgfs_buf_free(&b->body);
	free(b->start);
	free(b->len);
	hgfs_olap_vals_free(b->olap, &p->d->plan);
	free(b);
}

/* What a batch holds in memory, for the budget. */
static size_t batch_bytes(const batch *b)
{
	return b->body.len + (b->olap != NULL ? b->olap->bytes : 0);
}

/* Once its vertices are created, a batch's OLAP values (olap.h). */
static void post_olap(poster *p, batch *b)
{
	char why[sizeof(p->olap_why)];
	uint64_t written = 0;
	int rc;

	rc = hgfs_olap_send(p->d->j->client, p->d->j->graph, p->d->j->gzip, &p->d->plan, b->olap, p->d->j->batch_max,
			    &written, why, sizeof(why));
	pthread_mutex_lock(&p->lock);
	p->olap_written += written;
	if (rc < 0 && p->olap_rc == 0) {
		p->olap_rc = rc;
		memcpy(p->olap_why, why, sizeof(why));
	}
	pthread_mutex_unlock(&p->lock);
}

/* Values the posting pass could not gather (a PRIMARY_KEY id without its
 * label id): the vertices go on, the values stop. */
static void olap_failed(poster *p, int rc, const char *why)
{
	pthread_mutex_lock(&p->lock);
	if (p->olap_rc == 0) {
		p->olap_rc = rc;
		snprintf(p->olap_why, sizeof(p->olap_why), "%s", why);
	}
	pthread_mutex_unlock(&p->lock);
}

static int batch_add(batch *b, const char *elem, size_t len)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		size_t *s = realloc(b->start, cap * sizeof(*s)), *l;
		if (s == NULL)
			return -ENOMEM;
		b->start = s;
		l = realloc(b->len, cap * sizeof(*l));
		if (l == NULL)
			return -ENOMEM;
		b->len = l;
		b->cap = cap;
	}
	if (hgfs_buf_addc(&b->body, b->n == 0 ? '[' : ',') < 0)
		return -ENOMEM;
	b->start[b->n] = b->body.len;
	b->len[b->n] = len;
	b->n++;
	return hgfs_buf_add(&b->body, elem, len);
}

/* Before a batch is posted again after a transport error or a 5xx, and
 * after a refusal: the graph must still be in RESTORING or MERGING.
 * HugeGraph keeps the mode in memory, so a server restarted meanwhile is in
 * NONE, where customized ids would be taken as if nothing happened. */
static int mode_guard(void *arg, hg_error *err)
{
	data_ctx *d = arg;
	hg_error merr;
	hg_mode m;

	hg_error_clear(&merr);
	if (hg_get_mode(d->j->client, d->j->graph, &m, &merr) < 0)
		return 0; /* the server is still away: the retry will say so */
	if (m == HG_MODE_RESTORING || m == HG_MODE_MERGING)
		return 0;
	hg_error_clear(err);
	snprintf(err->message, sizeof(err->message),
		 "graph '%s' is now in mode %s (HugeGraph keeps the mode in memory: was the server restarted?); "
		 "nothing more of this file was posted: write RESTORING or MERGING to the mode file and copy the "
		 "file again",
		 d->j->graph, hg_mode_name(m));
	return err->code = HG_EMODE, -HG_EMODE;
}

/* Posts elements [from, from+n) of b; on "too many" the server's limit is
 * learnt and the batch is posted again in pieces that fit. */
static int post_range(poster *p, batch *b, size_t from, size_t n, hg_error *err)
{
	hgfs_buf body = {0};
	const char *data;
	size_t len;
	int rc;

	if (from == 0 && n == b->n) {
		data = b->body.data;
		len = b->body.len;
	} else {
		for (size_t i = from; i < from + n; i++) {
			if (hgfs_buf_addc(&body, i == from ? '[' : ',') < 0 ||
			    hgfs_buf_add(&body, b->body.data + b->start[i], b->len[i]) < 0) {
				hgfs_buf_free(&body);
				hg_error_clear(err);
				snprintf(err->message, sizeof(err->message), "out of memory");
				return -HG_ENOMEM;
			}
		}
		if (hgfs_buf_addc(&body, ']') < 0) {
			hgfs_buf_free(&body);
			return -HG_ENOMEM;
		}
		data = body.data;
		len = body.len;
	}
	hg_error_clear(err);
	rc = hg_batch_create_guarded(p->d->j->client, p->d->j->graph, p->d->edges ? HG_KIND_EDGE : HG_KIND_VERTEX,
				     data, len, n, p->d->j->gzip, mode_guard, p->d, err);
	hgfs_buf_free(&body);
	if (rc < 0 && rc != -HG_EMODE && err->http_status >= 400 && err->http_status < 500 &&
	    hg_error_batch_limit(err) == 0) {
		/* refused: because the mode changed under the restore? */
		hg_error merr;
		if (mode_guard(p->d, &merr) < 0) {
			*err = merr;
			rc = -HG_EMODE;
		}
	}
	if (rc == -HG_EINVAL) {
		long limit = hg_error_batch_limit(err);
		if (limit > 0 && (size_t)limit < n) {
			__atomic_store_n(p->d->j->batch_max, limit, __ATOMIC_RELAXED);
			hgfs_log(LOG_INFO, "graph %s: the server takes at most %ld elements a batch", p->d->j->graph, limit);
			for (size_t i = from; i < from + n; i += (size_t)limit) {
				size_t k = from + n - i < (size_t)limit ? from + n - i : (size_t)limit;
				rc = post_range(p, b, i, k, err);
				if (rc < 0)
					return rc;
			}
			return 0;
		}
	}
	if (rc == 0) {
		pthread_mutex_lock(&p->lock);
		p->done += n;
		uint64_t done = p->done;
		pthread_mutex_unlock(&p->lock);
		set_progress(p->d->j, done, p->total);
	}
	return rc;
}

static void *post_worker(void *arg)
{
	poster *p = arg;
	hg_error err;

	for (;;) {
		batch *b;
		int rc;

		pthread_mutex_lock(&p->lock);
		while (p->qn == 0 && !p->closed)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->qn == 0) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		b = p->queue[p->qhead];
		p->qhead = (p->qhead + 1) % p->qcap;
		p->qn--;
		bool skip = p->rc != 0, skip_olap = p->olap_rc != 0;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);

		rc = skip ? 0 : post_range(p, b, 0, b->n, &err);
		if (rc == 0 && !skip && !skip_olap && b->olap != NULL)
			post_olap(p, b);
		size_t sent = batch_bytes(b);
		batch_free(p, b);
		pthread_mutex_lock(&p->lock);
		p->bytes -= sent;
		if (rc < 0 && p->rc == 0) {
			p->rc = rc;
			p->err = err;
		}
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

/* Hands b to the workers; false when they stopped on a failure. */
static bool enqueue(poster *p, batch *b)
{
	bool ok;

	pthread_mutex_lock(&p->lock);
	while ((p->qn == p->qcap || (p->bytes > 0 && p->bytes + batch_bytes(b) > POST_BUDGET)) && p->rc == 0)
		pthread_cond_wait(&p->cond, &p->lock);
	ok = p->rc == 0;
	if (ok) {
		p->queue[(p->qhead + p->qn) % p->qcap] = b;
		p->qn++;
		p->bytes += batch_bytes(b);
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	if (!ok)
		batch_free(p, b);
	return ok;
}

/* Waits until a batch of len bytes fits the budget, before it is built:
 * false when the workers stopped on a failure. */
static bool wait_room(poster *p, size_t len)
{
	bool ok;

	pthread_mutex_lock(&p->lock);
	while (p->bytes > 0 && p->bytes + len > POST_BUDGET && p->rc == 0)
		pthread_cond_wait(&p->cond, &p->lock);
	ok = p->rc == 0;
	pthread_mutex_unlock(&p->lock);
	return ok;
}

/* Closes *bp and hands it to the workers: 0, 1 when they stopped on a
 * failure (p->rc), or -ENOMEM. */
static int send_batch(poster *p, batch **bp)
{
	batch *b = *bp;

	*bp = NULL;
	if (hgfs_buf_addc(&b->body, ']') < 0) {
		batch_free(p, b);
		return -ENOMEM;
	}
	return enqueue(p, b) ? 0 : 1;
}

/* Switches *line to d->fixed when a BLOB value had to be rewritten
 * (true: the record must be parsed again). */
static bool posted_line(data_ctx *d, const char **line, size_t *len, const rj_member *props)
{
	if (fix_blobs(d, *line, *len, props) != 1)
		return false;
	*line = d->fixed.data;
	*len = d->fixed.len;
	return true;
}

/* Emits one checked line into elem for posting.  A vertex line's record as
 * the file has it (its OLAP values are written from there) goes to *orig,
 * its label in the target to *vl. */
static int emit_line(data_ctx *d, const char *line, size_t len, hgfs_buf *elem, hgfs_vertex_rec *orig,
		     const hg_label **vl)
{
	char why[256];

	hgfs_buf_reset(elem);
	if (!d->edges) {
		hgfs_vertex_rec r;
		const hg_label *l;
		if (hgfs_vertex_parse_again(line, len, &r) != 0)
			return -EINVAL;
		*orig = r;
		if (posted_line(d, &line, &len, &r.properties) && hgfs_vertex_parse_again(line, len, &r) != 0)
			return -EINVAL;
		*vl = l = find_label(d, HG_SCHEMA_VERTEXLABELS, &r.label);
		int rc = hgfs_vertex_emit(line, len, &r, l != NULL && l->strategy == HG_IDS_PRIMARY_KEY, elem);
		return rc == 0 && d->olap ? hgfs_olap_strip(d->names, elem) : rc;
	} else {
		hgfs_edge_rec r;
		const hg_label *lo, *li;
		if (hgfs_edge_parse_again(line, len, &r) != 0)
			return -EINVAL;
		if (posted_line(d, &line, &len, &r.properties) && hgfs_edge_parse_again(line, len, &r) != 0)
			return -EINVAL;
		lo = find_label(d, HG_SCHEMA_VERTEXLABELS, &r.out_label);
		li = find_label(d, HG_SCHEMA_VERTEXLABELS, &r.in_label);
		return hgfs_edge_emit(line, len, &r, lo != NULL && lo->strategy == HG_IDS_PRIMARY_KEY ? lo->id : 0,
				      li != NULL && li->strategy == HG_IDS_PRIMARY_KEY ? li->id : 0, elem, why,
				      sizeof(why)) == 0
			       ? 0
			       : -EINVAL;
	}
}

static int post_all(data_ctx *d, uint64_t total)
{
	const hgfs_import_job *j = d->j;
	int nworkers = (int)j->parallel;
	pthread_t tid[HGFS_MAX_PARALLEL];
	hgfs_linereader lr;
	hgfs_buf elem = {0};
	batch *b = NULL;
	poster p;
	int started = 0, rc = 0;
	bool gather = d->olap; /* OLAP values go with their batch until one cannot */
	const char *line;
	size_t len;

	memset(&p, 0, sizeof(p));
	p.d = d;
	p.total = total;
	p.qcap = (size_t)nworkers * 2;
	p.queue = calloc(p.qcap, sizeof(*p.queue));
	if (p.queue == NULL)
		return fail(d->j, -ENOMEM, "out of memory");
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	rc = data_reader(&lr, j, j->fd, 0, 0);
	if (rc < 0)
		goto out;
	for (; started < nworkers; started++) {
		if (pthread_create(&tid[started], NULL, post_worker, &p) != 0)
			break;
	}
	if (started == 0) {
		rc = -EAGAIN;
		goto out_lr;
	}
	while ((rc = hgfs_lr_next(&lr, &line, &len)) > 0) {
		long limit = __atomic_load_n(d->j->batch_max, __ATOMIC_RELAXED);
		hgfs_vertex_rec orig;
		const hg_label *vl = NULL;
		bool emitted = false;
		if (blank(line, len))
			continue;
		if (is_changed(d, lr.off + (line - lr.buf))) {
			rc = emit_line(d, line, len, &elem, &orig, &vl);
			if (rc < 0)
				break;
			line = elem.data;
			len = elem.len;
			emitted = true;
		} /* else checked and unchanged (so without OLAP values): posted as it is */
		/* a fat record travels alone: the batch before it goes first */
		if (len >= BATCH_BYTES) {
			if (b != NULL && b->n > 0 && (rc = send_batch(&p, &b)) != 0)
				break;
			if (!wait_room(&p, len)) {
				rc = 1;
				break;
			}
		}
		if (b == NULL && (b = calloc(1, sizeof(*b))) == NULL) {
			rc = -ENOMEM;
			break;
		}
		rc = batch_add(b, line, len);
		if (rc < 0)
			break;
		if (gather && emitted) {
			/* the line's OLAP values, written once the batch's vertices are in */
			char why[256];
			rc = hgfs_olap_gather(&d->plan, &b->olap, &orig, vl, why, sizeof(why));
			if (rc == -EINVAL) {
				olap_failed(&p, rc, why);
				gather = false;
				rc = 0;
			}
			if (rc < 0)
				break;
		}
		if (len > BUF_KEEP) {
			hgfs_buf_trim(&elem, BUF_KEEP);
			hgfs_buf_trim(&d->fixed, BUF_KEEP);
		}
		if ((b->n >= (size_t)limit || b->body.len >= BATCH_BYTES) && (rc = send_batch(&p, &b)) != 0)
			break;
	}
	if (rc == 0 && b != NULL && b->n > 0)
		rc = send_batch(&p, &b);
	if (rc == 1)
		rc = 0; /* the workers stopped: p.rc says why */
	batch_free(&p, b);
	pthread_mutex_lock(&p.lock);
	p.closed = true;
	pthread_cond_broadcast(&p.cond);
	pthread_mutex_unlock(&p.lock);
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
out_lr:
	hgfs_lr_free(&lr);
out:
	while (p.qn > 0) {
		batch_free(&p, p.queue[p.qhead]);
		p.qhead = (p.qhead + 1) % p.qcap;
		p.qn--;
	}
	free(p.queue);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.cond);
	hgfs_buf_free(&elem);
	set_progress(d->j, p.done, total);
	d->olap_written = p.olap_written;
	d->olap_rc = p.olap_rc;
	if (p.olap_rc < 0)
		snprintf(d->err, sizeof(d->err), "%s", p.olap_why);
	if (p.rc < 0) {
		char buf[1400];
		return fail(d->j, hgfs_errno_client(p.rc),
			    "%s (%" PRIu64 " of %" PRIu64 " %s reached the server; copy the file again to complete the "
			    "restore: creates are upserts)",
			    hg_error_format(&p.err, buf, sizeof(buf)), p.done, total, d->edges ? "edges" : "vertices");
	}
	if (rc < 0)
		return fail(d->j, rc, "reading the spooled file: %s (%" PRIu64 " of %" PRIu64 " posted)",
			    strerror(-rc), p.done, total);
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- vertices and edges: the check pass, in parallel parts ---------------------- */

#define PART_MIN ((off_t)4 << 20) /* smaller parts are not worth a thread */

/* One part of the file, checked by its own thread with its own context
 * (the target's schema names are shared, read-only). */
typedef struct check_part {
	data_ctx d;
	off_t start, end;
	uint64_t records;
	uint64_t lines; /* lines read, the failing one included */
	int rc;         /* 0; -1 (d.err); -EFBIG; -errno */
} check_part;

static void *check_worker(void *arg)
{
	check_part *p = arg;
	hgfs_linereader lr;
	const char *line;
	size_t len;
	int rc;

	rc = data_reader(&lr, p->d.j, p->d.j->fd, p->start, p->end);
	if (rc < 0) {
		p->rc = rc;
		return NULL;
	}
	while ((rc = hgfs_lr_next(&lr, &line, &len)) > 0) {
		if (blank(line, len))
			continue;
		rc = check_line(&p->d, line, len, lr.off + (line - lr.buf));
		if (rc != 0)
			break;
		p->records++;
		if (len > BUF_KEEP) {
			hgfs_buf_trim(&p->d.tmp, BUF_KEEP);
			hgfs_buf_trim(&p->d.scratch, BUF_KEEP);
			hgfs_buf_trim(&p->d.fixed, BUF_KEEP);
		}
	}
	p->lines = lr.lineno;
	p->rc = rc;
	hgfs_lr_free(&lr);
	return NULL;
}

typedef struct hash_job {
	int fd;
	off_t size;
	char hex[65];
	int rc;
} hash_job;

static void *hash_worker(void *arg)
{
	hash_job *h = arg;

	h->rc = read_all(h->fd, h->size, 0, NULL, h->hex);
	return NULL;
}

/* Where the part after offset `at` starts: just after the next '\n' (size
 * when there is none). */
static off_t line_start_after(int fd, off_t at, off_t size)
{
	char buf[64 * 1024];

	while (at < size) {
		ssize_t n = pread(fd, buf, sizeof(buf), at);
		char *nl;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		nl = memchr(buf, '\n', (size_t)n);
		if (nl != NULL)
			return at + (nl - buf) + 1;
		at += n;
	}
	return size;
}

static void part_free(check_part *p)
{
	missing_free(&p->d.miss);
	hgfs_buf_free(&p->d.tmp);
	hgfs_buf_free(&p->d.scratch);
	hgfs_buf_free(&p->d.fixed);
}

/* Checks every line of e's spool (size bytes) in up to `parallel` parts at
 * once while another thread hashes it.  On success *records and hex are set
 * and the names the graph lacks are in d->miss.  Returns 0, or the result
 * of fail(). */
static int check_all(data_ctx *d, off_t size, uint64_t *records, char hex[65])
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long k = d->j->parallel < cpus || cpus < 1 ? d->j->parallel : cpus;
	check_part *parts;
	pthread_t tid[HGFS_MAX_PARALLEL], htid;
	bool started[HGFS_MAX_PARALLEL] = {false}, hstarted;
	hash_job hash = {d->j->fd, size, "", 0};
	uint64_t base = 0;
	int rc = 0;

	if (k > size / PART_MIN)
		k = (long)(size / PART_MIN);
	if (k < 1)
		k = 1;
	parts = calloc((size_t)k, sizeof(*parts));
	if (parts == NULL)
		return fail(d->j, -ENOMEM, "out of memory");
	for (long i = 0; i < k; i++) {
		parts[i].d.j = d->j;
		parts[i].d.edges = d->edges;
		parts[i].d.names = d->names;
		parts[i].d.has_blob = d->has_blob;
		parts[i].d.olap = d->olap;
		parts[i].d.changed = d->changed;
		parts[i].start = i == 0 ? 0 : line_start_after(d->j->fd, size * i / k - 1, size);
		if (i > 0 && parts[i].start < parts[i - 1].start)
			parts[i].start = parts[i - 1].start;
		if (i > 0)
			parts[i - 1].end = parts[i].start;
	}
	parts[k - 1].end = size;
	hstarted = pthread_create(&htid, NULL, hash_worker, &hash) == 0;
	if (!hstarted)
		hash_worker(&hash);
	for (long i = 0; i < k; i++) {
		if (parts[i].end <= parts[i].start)
			continue;
		started[i] = pthread_create(&tid[i], NULL, check_worker, &parts[i]) == 0;
		if (!started[i])
			check_worker(&parts[i]);
	}
	for (long i = 0; i < k; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
	}
	if (hstarted)
		pthread_join(htid, NULL);

	/* the first problem in file order wins; its line number counts the lines of the parts before it */
	*records = 0;
	for (long i = 0; i < k && rc == 0; i++) {
		check_part *p = &parts[i];
		if (p->rc == -1)
			rc = fail(d->j, -EINVAL, "line %" PRIu64 "%s%s; nothing imported", base + p->lines,
				  strncmp(p->d.err, "column ", 7) == 0 ? ", " : ": ", p->d.err);
		else if (p->rc == -EFBIG)
			rc = fail(d->j, -EFBIG,
				  "line %" PRIu64 ": a record longer than %ld MiB; nothing imported (mount with a "
				  "larger -o max_record_mib to take it)",
				  base + p->lines, d->j->max_record_mib);
		else if (p->rc < 0 || p->d.miss.oom)
			rc = fail(d->j, p->rc < 0 ? p->rc : -ENOMEM, "reading the spooled file: %s",
				  strerror(p->rc < 0 ? -p->rc : ENOMEM));
		base += p->lines;
		*records += p->records;
		for (size_t j = 0; rc == 0 && j < p->d.miss.n; j++)
			missing_take(&d->miss, strdup(p->d.miss.v[j]));
	}
	if (rc == 0 && hash.rc < 0)
		rc = fail(d->j, hash.rc, "reading the spooled file: %s", strerror(-hash.rc));
	if (rc == 0 && d->miss.oom)
		rc = fail(d->j, -ENOMEM, "out of memory");
	memcpy(hex, hash.hex, 65);
	for (long i = 0; i < k; i++)
		part_free(&parts[i]);
	free(parts);
	return rc;
}

/* The kind of a file whose first line is longer than the sniffed head (a
 * fat record): that whole line, up to max_record_mib, says. */
static hgfs_kind sniff_fat_line(const hgfs_import_job *j, int fd)
{
	hgfs_linereader lr;
	hgfs_kind kind = HGFS_K_UNKNOWN;
	const char *line;
	size_t len;

	if (data_reader(&lr, j, fd, 0, 0) == 0 && hgfs_lr_next(&lr, &line, &len) > 0)
		kind = hgfs_kind_sniff(line, len);
	hgfs_lr_free(&lr);
	return kind;
}

static int import_data(const hgfs_import_job *j, off_t size)
{
	int64_t count[HG_SCHEMA__COUNT + 2];
	data_ctx d;
	struct timespec t0;
	char hex[65];
	hg_error err;
	hg_mode mode;
	uint64_t records = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	d.j = j;
	d.edges = j->st->kind == HGFS_K_EDGES;

	rc = mode_now(j, &mode);
	if (rc < 0)
		return rc;
	hg_error_clear(&err);
	rc = hg_schema_names_get(j->client, j->graph, &d.names, &err);
	if (rc < 0)
		return client_fail(j, rc, &err, "reading the graph's schema");

	for (size_t i = 0; i < d.names->n[HG_SCHEMA_PROPERTYKEYS]; i++)
		d.has_blob |= strcmp(d.names->v[HG_SCHEMA_PROPERTYKEYS][i].data_type, "BLOB") == 0;
	d.olap = !d.edges && hgfs_olap_any(d.names);
	if (d.olap && hgfs_olap_plan_init(&d.plan, d.names) < 0) {
		rc = fail(j, -ENOMEM, "out of memory");
		goto out;
	}
	d.changed = calloc((size_t)(size >> CHANGED_SHIFT) / 8 + 1, 1);
	if (d.changed == NULL) {
		rc = fail(j, -ENOMEM, "out of memory");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = check_all(&d, size, &records, hex);
	if (rc < 0)
		goto out;
	set_progress(j, 0, records);
	hgfs_log(LOG_INFO, "graph %s: restore/%s: %" PRIu64 " records checked in %.2f s", j->graph, j->path, records,
		 seconds_since(&t0));
	for (int t = 0; t < HG_SCHEMA__COUNT; t++)
		count[t] = -1;
	count[HGFS_COUNT_VERTICES] = d.edges ? -1 : (int64_t)records;
	count[HGFS_COUNT_EDGES] = d.edges ? (int64_t)records : -1;
	rc = measured(j, size, hex, count);
	if (rc < 0)
		goto out;

	if (d.miss.n > 0) {
		char list[512], more[64] = "";
		size_t used = 0;
		list[0] = '\0';
		for (size_t i = 0; i < d.miss.n && i < MISSING_SHOWN && used < sizeof(list) - 1; i++) {
			int n = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", d.miss.v[i]);
			used = n < 0 ? used : used + (size_t)n < sizeof(list) ? used + (size_t)n : sizeof(list) - 1;
		}
		if (d.miss.n > MISSING_SHOWN)
			snprintf(more, sizeof(more), " and %zu more", d.miss.n - MISSING_SHOWN);
		pthread_mutex_lock(j->lock);
		j->st->state = HGFS_RS_PENDING;
		free(j->st->detail);
		if (asprintf(&j->st->detail, "waiting for the schema: the graph has no %s%s; copy the backup's schema.json",
			     list, more) < 0)
			j->st->detail = NULL;
		pthread_mutex_unlock(j->lock);
		hgfs_log(LOG_INFO, "graph %s: restore/%s: pending, the graph has no %s%s", j->graph, j->path, list, more);
		rc = 0;
		goto out;
	}

	rc = post_all(&d, records);
	if (rc == 0 && d.olap) {
		/* the values went with their batches (post_all): were they all written? */
		rc = d.olap_rc < 0 ? d.olap_rc : hgfs_olap_unwritable(&d.plan, d.err, sizeof(d.err));
		if (rc < 0)
			rc = fail(j, rc, "vertices imported, but not all of their OLAP values: %s (%" PRIu64
				  " values written; copy the file again once fixed)", d.err, d.olap_written);
		else
			hgfs_log(LOG_INFO, "graph %s: restore/%s: %" PRIu64 " OLAP values written", j->graph, j->path,
				 d.olap_written);
	}
	if (rc == 0) {
		pthread_mutex_lock(j->lock);
		j->st->state = HGFS_RS_IMPORTED;
		pthread_mutex_unlock(j->lock);
		hgfs_log(LOG_INFO, "graph %s: restore/%s: %" PRIu64 " %s imported (%s)", j->graph, j->path, records,
			 d.edges ? "edges" : "vertices", hg_mode_name(mode));
	}
out:
	missing_free(&d.miss);
	hgfs_buf_free(&d.tmp);
	hgfs_buf_free(&d.scratch);
	hgfs_buf_free(&d.fixed);
	free(d.changed);
	if (d.olap)
		hgfs_olap_plan_free(&d.plan);
	hg_schema_names_free(d.names);
	return rc;
}

/* ---- entry point ------------------------------------------------------------------- */

static int import_packed(const hgfs_import_job *j, hgfs_cz cz, hgfs_kind kind, hgfs_manifest **manifest_out);
static int import_plain(const hgfs_import_job *j, int fd, off_t size, hgfs_kind kind, hgfs_manifest **manifest_out);

int hgfs_import(const hgfs_import_job *j, hgfs_manifest **manifest_out)
{
	hgfs_kind kind;
	off_t size;
	int fd;

	*manifest_out = NULL;
	size = j->size;
	fd = j->fd;
	pthread_mutex_lock(j->lock);
	kind = hgfs_kind_by_name(j->path);
	/* a backup of the graph directory (cp -r, rsync -a) holds these too */
	const char *base = strrchr(j->path, '/') != NULL ? strrchr(j->path, '/') + 1 : j->path;
	if (strcmp(base, "mode") == 0 || strcmp(base, "restore.status") == 0 || strcmp(base, "export.status") == 0) {
		j->st->state = HGFS_RS_SKIPPED;
		free(j->st->detail);
		j->st->detail = strdup(strcmp(base, "mode") == 0
					   ? "the backup's copy of the mode file: not imported (the graph's mode is "
					     "set by writing its own mode file)"
				   : base[0] == 'e' ? "the backup's copy of export.status: not imported"
						    : "the backup's copy of restore.status: not imported");
		pthread_mutex_unlock(j->lock);
		return 0;
	}
	j->st->m_packed = HGFS_CZ_NONE;
	pthread_mutex_unlock(j->lock);

	/* gzip or zstd, whatever the name: imported from its plain form */
	unsigned char magic[4];
	ssize_t mn;
	do
		mn = pread(fd, magic, sizeof(magic), 0);
	while (mn < 0 && errno == EINTR);
	if (mn < 0)
		return fail(j, -errno, "reading the spooled file: %s", strerror(errno));
	hgfs_cz cz = hgfs_cz_sniff(magic, (size_t)mn);
	if (cz != HGFS_CZ_NONE)
		return import_packed(j, cz, kind, manifest_out);
	return import_plain(j, fd, size, kind, manifest_out);
}

/* A compressed file: decompressed into a spool file, measured in both forms. */
static int import_packed(const hgfs_import_job *j, hgfs_cz cz, hgfs_kind kind, hgfs_manifest **manifest_out)
{
	const char *dir = j->spool_dir;
	char why[512], plain_hex[65], packed_hex[65];
	off_t plain_size;
	int tfd, rc;

	if (dir == NULL) {
		dir = getenv("TMPDIR");
		if (dir == NULL || dir[0] == '\0')
			dir = "/var/tmp";
	}
	pthread_mutex_lock(j->lock);
	j->st->kind = kind;
	pthread_mutex_unlock(j->lock);
	tfd = hgfs_tmpfile(dir);
	if (tfd < 0)
		return fail(j, tfd, "cannot create a spool file in %s to decompress into: %s", dir, strerror(-tfd));
	rc = hgfs_decompress_fd(cz, j->fd, j->size, tfd, &plain_size, plain_hex, packed_hex, why, sizeof(why));
	if (rc == -EINVAL) {
		close(tfd);
		return fail(j, rc, "%s; nothing imported", why);
	}
	if (rc < 0) {
		close(tfd);
		return fail(j, rc, "decompressing the %s file into %s: %s; nothing imported", hgfs_cz_name(cz), dir,
			    strerror(-rc));
	}
	pthread_mutex_lock(j->lock);
	j->st->m_packed = cz;
	j->st->m_packed_size = j->size;
	memcpy(j->st->m_packed_sha256, packed_hex, sizeof(packed_hex));
	pthread_mutex_unlock(j->lock);
	hgfs_import_job pj = *j;
	pj.fd = tfd;
	pj.size = plain_size;
	rc = import_plain(&pj, tfd, plain_size, kind, manifest_out);
	close(tfd);
	return rc;
}

/* The file's plain bytes: fd, size; kind by name or UNKNOWN. */
static int import_plain(const hgfs_import_job *j, int fd, off_t size, hgfs_kind kind, hgfs_manifest **manifest_out)
{
	if (kind == HGFS_K_UNKNOWN) {
		char head[SNIFF_MAX];
		ssize_t n;
		do
			n = pread(fd, head, sizeof(head), 0);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return fail(j, -errno, "reading the spooled file: %s", strerror(errno));
		kind = hgfs_kind_sniff(head, (size_t)n);
		if (kind == HGFS_K_UNKNOWN && n == (ssize_t)sizeof(head) && memchr(head, '\n', sizeof(head)) == NULL)
			kind = sniff_fat_line(j, fd);
	}
	pthread_mutex_lock(j->lock);
	j->st->kind = kind;
	pthread_mutex_unlock(j->lock);

	switch (kind) {
	case HGFS_K_MANIFEST:
		return import_manifest(j, size, manifest_out);
	case HGFS_K_SCHEMA:
	case HGFS_K_VERTICES:
	case HGFS_K_EDGES:
	case HGFS_K_VARIABLES: {
		return kind == HGFS_K_SCHEMA	   ? import_schema(j, size)
		       : kind == HGFS_K_VARIABLES ? import_variables(j, size)
						  : import_data(j, size);
	}
	default:
		return fail(j, -EINVAL,
			    "not a backup file: neither its name (schema.json, vertices.jsonl, edges.jsonl, "
			    "manifest.json, also .gz or .zst) nor its content says what it holds");
	}
}
