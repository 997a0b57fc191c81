/* olap.c - OLAP property values in backups and restores (see olap.h). */
#include "olap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "errmap.h"
#include "log.h"
#include "modenote.h"

/* ---- export ---------------------------------------------------------------- */

void hgfs_olap_export_reset(hgfs_olap_export *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->keys[i]);
	free(o->keys);
	o->keys = NULL;
	o->n = 0;
}

void hgfs_olap_note_key(hgfs_olap_export *o, const char *elem, size_t len)
{
	rj_member wt, name;
	hgfs_buf b = {0};
	char **v;

	if (rj_object_get(elem, len, "write_type", &wt) != 1 || wt.type != RJ_STRING ||
	    (wt.val_len == 6 && memcmp(wt.val, "\"OLTP\"", 6) == 0))
		return;
	if (rj_object_get(elem, len, "name", &name) != 1 || rj_string(name.val, name.val_len, &b) != 0)
		goto out;
	v = realloc(o->keys, (o->n + 1) * sizeof(*v));
	if (v == NULL)
		goto out;
	o->keys = v;
	/* a key left out of the list for want of memory still counts */
	o->keys[o->n++] = strdup(b.data != NULL ? b.data : "");
out:
	hgfs_buf_free(&b);
}

/* "rank, comm" (at most len bytes) */
static const char *key_list(const hgfs_olap_export *o, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < o->n && used + 1 < len; i++) {
		int k = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", o->keys[i] ? o->keys[i] : "?");
		if (k < 0)
			break;
		used += (size_t)k;
	}
	return buf;
}

static bool shows_olap(hg_read_mode m)
{
	return m == HG_READ_ALL || m == HG_READ_OLAP_ONLY;
}

int hgfs_olap_read_begin(hg_client *client, const char *graph, const char *note_dir, hgfs_olap_export *o)
{
	char keys[256], msg[1400];
	hg_error err;
	hg_read_mode m;
	int rc;

	o->switched = false;
	if (o->n == 0)
		return 0;
	key_list(o, keys, sizeof(keys));
	hg_error_clear(&err);
	rc = hg_get_read_mode(client, graph, &m, &err);
	if (rc < 0) {
		hgfs_log(LOG_ERR, "export of graph '%s' failed (graph_read_mode, needed for the values of its OLAP "
			 "property keys %s): %s", graph, keys, hg_error_format(&err, msg, sizeof(msg)));
		return hgfs_errno_client(rc);
	}
	if (shows_olap(m))
		return 0;
	/* noted before it is set: a kill after the set finds the note */
	rc = hgfs_modenote_write(note_dir, hg_client_url(client), hg_client_graphspace(client), graph, m, o->note,
				 sizeof(o->note));
	if (rc < 0)
		hgfs_log(LOG_WARNING, "graph '%s': cannot note in %s that graph_read_mode is set to ALL for the export "
			 "(%s): a daemon killed during it would leave it ALL", graph, note_dir, strerror(-rc));
	rc = hg_set_read_mode(client, graph, HG_READ_ALL, false, &err);
	if (rc < 0) {
		hgfs_modenote_remove(o->note);
		o->note[0] = '\0';
		hgfs_log(LOG_ERR, "export of graph '%s' failed: it has OLAP property keys (%s), whose values reads "
			 "return only in graph_read_mode ALL, and setting ALL (it is %s) was refused: %s; the backup "
			 "is not made rather than made without them (HugeGraph lets only an administrator set the "
			 "read mode)", graph, keys, hg_read_mode_name(m), hg_error_format(&err, msg, sizeof(msg)));
		return hgfs_errno_client(rc);
	}
	o->switched = true;
	o->prev = m;
	hgfs_log(LOG_INFO, "graph '%s': graph_read_mode set to ALL (was %s) for the export, to read the values of "
		 "its OLAP property keys %s", graph, hg_read_mode_name(m), keys);
	return 0;
}

int hgfs_olap_read_end(hg_client *client, const char *graph, hgfs_olap_export *o, int rc)
{
	char msg[1400];
	hg_error err;
	hg_read_mode m = HG_READ_ALL;
	int grc;

	if (o->n == 0)
		return rc;
	hg_error_clear(&err);
	grc = hg_get_read_mode(client, graph, &m, &err);
	if (rc == 0 && grc < 0) {
		hgfs_log(LOG_ERR, "export of graph '%s' failed (graph_read_mode after the vertex scan): %s", graph,
			 hg_error_format(&err, msg, sizeof(msg)));
		rc = hgfs_errno_client(grc);
	} else if (rc == 0 && !shows_olap(m)) {
		hgfs_log(LOG_ERR, "export of graph '%s' failed: its graph_read_mode became %s during the vertex scan "
			 "(another client set it), so OLAP values may be missing from it", graph,
			 hg_read_mode_name(m));
		rc = -EIO;
	}
	/* put back what this export changed, unless someone else has since */
	if (o->switched && (grc < 0 || m == HG_READ_ALL)) {
		hg_error_clear(&err);
		grc = hg_set_read_mode(client, graph, o->prev, true, &err);
		if (grc < 0)
			hgfs_log(LOG_ERR, "graph '%s': could not put graph_read_mode back to %s after the export, it "
				 "stays ALL (every reader of the graph gets OLAP values): %s; set it with PUT "
				 ".../graphs/%s/graph_read_mode \"%s\"", graph, hg_read_mode_name(o->prev),
				 hg_error_format(&err, msg, sizeof(msg)), graph, hg_read_mode_name(o->prev));
		else
			hgfs_log(LOG_INFO, "graph '%s': graph_read_mode put back to %s", graph,
				 hg_read_mode_name(o->prev));
	}
	/* the note stays while the mode could not be put back: the next start
	 * tries again */
	if (o->switched && (grc == 0 || m != HG_READ_ALL))
		hgfs_modenote_remove(o->note);
	o->note[0] = '\0';
	o->switched = false;
	return rc;
}

/* ---- restore --------------------------------------------------------------- */

bool hgfs_olap_any(const hg_schema_names *names)
{
	for (size_t i = 0; names != NULL && i < names->n[HG_SCHEMA_PROPERTYKEYS]; i++) {
		if (names->v[HG_SCHEMA_PROPERTYKEYS][i].olap)
			return true;
	}
	return false;
}

/* The property key named by raw JSON key bytes (escapes decoded), or NULL. */
static const hg_label *key_label(const hg_schema_names *names, const char *key, size_t len)
{
	const hg_label *l;
	hgfs_buf q = {0}, d = {0};

	if (memchr(key, '\\', len) == NULL)
		return hg_schema_names_find(names, HG_SCHEMA_PROPERTYKEYS, key, len);
	l = NULL;
	if (hgfs_buf_addc(&q, '"') == 0 && hgfs_buf_add(&q, key, len) == 0 && hgfs_buf_addc(&q, '"') == 0 &&
	    rj_string(q.data, q.len, &d) == 0)
		l = hg_schema_names_find(names, HG_SCHEMA_PROPERTYKEYS, d.data, d.len);
	hgfs_buf_free(&q);
	hgfs_buf_free(&d);
	return l;
}

bool hgfs_olap_is_key(const hg_schema_names *names, const char *key, size_t len)
{
	const hg_label *l = key_label(names, key, len);

	return l != NULL && l->olap;
}

static int has_olap_member(void *ctx, const rj_member *m)
{
	return hgfs_olap_is_key(ctx, m->key, m->key_len) ? 1 : 0;
}

int hgfs_olap_in_props(const hg_schema_names *names, const rj_member *props)
{
	return rj_object_each(props->val, props->val_len, has_olap_member, (void *)names) == 1;
}

typedef struct strip_ctx {
	const hg_schema_names *names;
	hgfs_buf *out;
	bool first;
	int rc;
} strip_ctx;

static int keep_oltp(void *arg, const rj_member *m)
{
	strip_ctx *s = arg;

	if (hgfs_olap_is_key(s->names, m->key, m->key_len))
		return 0;
	if ((!s->first && hgfs_buf_addc(s->out, ',') < 0) || hgfs_buf_addc(s->out, '"') < 0 ||
	    hgfs_buf_add(s->out, m->key, m->key_len) < 0 || hgfs_buf_add(s->out, "\":", 2) < 0 ||
	    hgfs_buf_add(s->out, m->val, m->val_len) < 0)
		return s->rc = -ENOMEM;
	s->first = false;
	return 0;
}

int hgfs_olap_strip(const hg_schema_names *names, hgfs_buf *elem)
{
	hgfs_vertex_rec r;
	hgfs_buf out = {0};
	strip_ctx s = {.names = names, .out = &out, .first = true};
	size_t head, tail;

	if (hgfs_vertex_parse_again(elem->data, elem->len, &r) != 0)
		return -EINVAL;
	if (!hgfs_olap_in_props(names, &r.properties))
		return 0;
	head = (size_t)(r.properties.val - elem->data);
	tail = head + r.properties.val_len;
	if (hgfs_buf_add(&out, elem->data, head) < 0 || hgfs_buf_addc(&out, '{') < 0)
		goto nomem;
	rj_object_each(r.properties.val, r.properties.val_len, keep_oltp, &s);
	if (s.rc < 0 || hgfs_buf_addc(&out, '}') < 0 || hgfs_buf_add(&out, elem->data + tail, elem->len - tail) < 0)
		goto nomem;
	hgfs_buf_free(elem);
	*elem = out;
	return 0;
nomem:
	hgfs_buf_free(&out);
	return -ENOMEM;
}

int hgfs_olap_plan_init(hgfs_olap_plan *p, const hg_schema_names *names)
{
	size_t nkeys = names->n[HG_SCHEMA_PROPERTYKEYS];

	memset(p, 0, sizeof(*p));
	p->names = names;
	p->slot = malloc((nkeys ? nkeys : 1) * sizeof(*p->slot));
	p->key = malloc((nkeys ? nkeys : 1) * sizeof(*p->key));
	if (p->slot == NULL || p->key == NULL)
		goto nomem;
	for (size_t k = 0; k < nkeys; k++) {
		const hg_label *l = &names->v[HG_SCHEMA_PROPERTYKEYS][k];
		p->slot[k] = SIZE_MAX;
		if (!l->olap)
			continue;
		p->slot[k] = p->n;
		p->key[p->n++] = l;
	}
	p->seen = calloc(p->n ? p->n : 1, sizeof(*p->seen));
	p->uuid = calloc(p->n ? p->n : 1, sizeof(*p->uuid));
	p->example = calloc(p->n ? p->n : 1, sizeof(*p->example));
	if (p->seen == NULL || p->uuid == NULL || p->example == NULL)
		goto nomem;
	return 0;
nomem:
	hgfs_olap_plan_free(p);
	return -ENOMEM;
}

void hgfs_olap_plan_free(hgfs_olap_plan *p)
{
	free(p->slot);
	free(p->key);
	free(p->seen);
	free(p->uuid);
	free(p->example);
	hgfs_buf_free(&p->id);
	memset(p, 0, sizeof(*p));
}

void hgfs_olap_vals_free(hgfs_olap_vals *v, const hgfs_olap_plan *p)
{
	if (v == NULL)
		return;
	for (size_t k = 0; k < p->n; k++) {
		hgfs_buf_free(&v->list[k].body);
		free(v->list[k].start);
		free(v->list[k].len);
	}
	free(v->list);
	free(v);
}

static int list_add(hgfs_olap_list *l, const char *id, size_t id_len, const rj_member *m, size_t *bytes)
{
	size_t before = l->body.len;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		size_t *s = realloc(l->start, cap * sizeof(*s)), *n;
		if (s == NULL)
			return -ENOMEM;
		l->start = s;
		n = realloc(l->len, cap * sizeof(*n));
		if (n == NULL)
			return -ENOMEM;
		l->len = n;
		l->cap = cap;
	}
	if (hgfs_buf_addc(&l->body, l->n == 0 ? '[' : ',') < 0)
		return -ENOMEM;
	l->start[l->n] = l->body.len;
	if (hgfs_buf_add(&l->body, "{\"id\":", 6) < 0 || hgfs_buf_add(&l->body, id, id_len) < 0 ||
	    hgfs_buf_add(&l->body, ",\"properties\":{\"", 16) < 0 || hgfs_buf_add(&l->body, m->key, m->key_len) < 0 ||
	    hgfs_buf_add(&l->body, "\":", 2) < 0 || hgfs_buf_add(&l->body, m->val, m->val_len) < 0 ||
	    hgfs_buf_add(&l->body, "}}", 2) < 0) {
		l->body.len = before; /* the element is not there */
		return -ENOMEM;
	}
	l->len[l->n] = l->body.len - l->start[l->n];
	l->n++;
	*bytes += l->body.len - before;
	return 0;
}

/* One line's gathering. */
typedef struct gather_ctx {
	hgfs_olap_plan *p;
	hgfs_olap_vals **v;
	const hgfs_vertex_rec *r;
	const hg_label *l;
	const char *id;     /* the id to write with, once known */
	size_t id_len;
	char *why;
	size_t whylen;
} gather_ctx;

/* The id the values of the line are written with: 1 (g->id), 0 (they are
 * not written: counted), -EINVAL. */
static int gather_id(gather_ctx *g, size_t slot)
{
	const hgfs_vertex_rec *r = g->r;

	if (g->id != NULL)
		return 1;
	if (r->id.type == RJ_NONE || g->l == NULL) {
		g->p->no_id++;
		return 0;
	}
	if (g->l->strategy == HG_IDS_CUSTOMIZE_UUID) {
		if (g->p->uuid[slot]++ == 0)
			snprintf(g->p->example[slot], sizeof(g->p->example[slot]), "%.*s",
				 (int)(r->id.val_len < 100 ? r->id.val_len : 100), r->id.val);
		return 0;
	}
	if (g->l->strategy == HG_IDS_PRIMARY_KEY) {
		/* the id the server gave the vertex: the target label's id */
		hgfs_buf_reset(&g->p->id);
		if (hgfs_pk_id_rewrite(r->id.val, r->id.val_len, g->l->id, &g->p->id, g->why, g->whylen) != 0)
			return -EINVAL;
		g->id = g->p->id.data;
		g->id_len = g->p->id.len;
		return 1;
	}
	g->id = r->id.val;
	g->id_len = r->id.val_len;
	return 1;
}

static int gather_member(void *arg, const rj_member *m)
{
	gather_ctx *g = arg;
	hgfs_olap_plan *p = g->p;
	const hg_label *k = key_label(p->names, m->key, m->key_len);
	size_t slot;
	int rc;

	if (k == NULL || !k->olap)
		return 0;
	slot = p->slot[k - p->names->v[HG_SCHEMA_PROPERTYKEYS]];
	if (p->seen[slot])
		return 0; /* a key given twice: its first value, as a read of the line finds it */
	p->seen[slot] = true;
	rc = gather_id(g, slot);
	if (rc <= 0)
		return rc;
	if (*g->v == NULL) {
		hgfs_olap_vals *v = calloc(1, sizeof(*v));
		if (v == NULL || (v->list = calloc(p->n, sizeof(*v->list))) == NULL) {
			free(v);
			return -ENOMEM;
		}
		*g->v = v;
	}
	return list_add(&(*g->v)->list[slot], g->id, g->id_len, m, &(*g->v)->bytes);
}

int hgfs_olap_gather(hgfs_olap_plan *p, hgfs_olap_vals **v, const hgfs_vertex_rec *r, const hg_label *l, char *why,
		     size_t whylen)
{
	gather_ctx g = {.p = p, .v = v, .r = r, .l = l, .why = why, .whylen = whylen};
	int rc;

	if (p->n == 0)
		return 0;
	memset(p->seen, 0, p->n * sizeof(*p->seen));
	rc = rj_object_each(r->properties.val, r->properties.val_len, gather_member, &g);
	return rc < -1 ? rc : 0; /* -1: no properties object, no value */
}

#define OLAP_BATCH_BYTES ((size_t)4 << 20) /* a batch of values is sent once it is this long */

/* Posts elements [from, from+n) of list l.  0 or -errno (err says why);
 * *limit is lowered when the server names a smaller batch limit. */
static int post_values(hg_client *client, const char *graph, bool gzip, hgfs_olap_list *l, size_t from, size_t n,
		       long *limit, hg_error *err)
{
	hgfs_buf body = {0};
	const char *data;
	size_t len;
	int rc;

	hg_error_clear(err);
	if (from == 0 && n == l->n) {
		if (hgfs_buf_addc(&l->body, ']') < 0)
			return -ENOMEM;
		data = l->body.data;
		len = l->body.len;
	} else {
		for (size_t i = from; i < from + n; i++) {
			if (hgfs_buf_addc(&body, i == from ? '[' : ',') < 0 ||
			    hgfs_buf_add(&body, l->body.data + l->start[i], l->len[i]) < 0) {
				hgfs_buf_free(&body);
				return -ENOMEM;
			}
		}
		if (hgfs_buf_addc(&body, ']') < 0) {
			hgfs_buf_free(&body);
			return -ENOMEM;
		}
		data = body.data;
		len = body.len;
	}
	rc = hg_batch_create(client, graph, HG_KIND_VERTEX, data, len, n, gzip, err);
	if (from == 0 && n == l->n)
		l->body.len--; /* the ']' again */
	hgfs_buf_free(&body);
	if (rc == -HG_EINVAL && hg_error_batch_limit(err) > 0 && hg_error_batch_limit(err) < (long)n)
		*limit = hg_error_batch_limit(err);
	return rc < 0 ? hgfs_errno_client(rc) : 0;
}

/* The values of one key: batches of at most *batch_max elements, each sent
 * once it holds OLAP_BATCH_BYTES; a batch the server finds too long is sent
 * again in batches of its limit. */
static int send_list(hg_client *client, const char *graph, bool gzip, hgfs_olap_list *l, long *batch_max,
		     uint64_t *written, hg_error *err)
{
	long limit = __atomic_load_n(batch_max, __ATOMIC_RELAXED);
	size_t from = 0;

	if (limit <= 0)
		limit = 500;
	while (from < l->n) {
		size_t n = 0, bytes = 1;
		long learnt = limit;
		int rc;
		while (from + n < l->n && (long)n < limit && bytes < OLAP_BATCH_BYTES)
			bytes += l->len[from + n++] + 1;
		rc = post_values(client, graph, gzip, l, from, n, &learnt, err);
		if (rc < 0 && learnt < limit) {
			/* again in batches that fit (values written twice are the same values) */
			limit = learnt;
			__atomic_store_n(batch_max, limit, __ATOMIC_RELAXED);
			continue;
		}
		if (rc < 0)
			return rc;
		*written += n;
		from += n;
	}
	return 0;
}

int hgfs_olap_send(hg_client *client, const char *graph, bool gzip, const hgfs_olap_plan *p, hgfs_olap_vals *v,
		   long *batch_max, uint64_t *written, char *why, size_t whylen)
{
	hg_error err;
	int rc = 0;

	*written = 0;
	why[0] = '\0';
	for (size_t k = 0; v != NULL && k < p->n && rc == 0; k++) {
		hg_error_clear(&err);
		rc = send_list(client, graph, gzip, &v->list[k], batch_max, written, &err);
		if (rc < 0) {
			char msg[1200];
			snprintf(why, whylen, "writing the values of OLAP property key '%s': %s", p->key[k]->name,
				 err.message[0] != '\0' ? hg_error_format(&err, msg, sizeof(msg)) : strerror(-rc));
		}
	}
	return rc;
}

int hgfs_olap_unwritable(const hgfs_olap_plan *p, char *why, size_t whylen)
{
	uint64_t uuid = 0;
	const char *example = NULL;

	/* the example: the first such vertex of the first key (in the schema's order) that has one */
	for (size_t k = 0; k < p->n; k++) {
		if (p->uuid[k] > 0 && example == NULL)
			example = p->example[k];
		uuid += p->uuid[k];
	}
	if (uuid > 0)
		snprintf(why, whylen,
			 "%" PRIu64 " OLAP values of CUSTOMIZE_UUID vertices (e.g. id %s) cannot be written "
			 "back: HugeGraph's REST API reads the id of an OLAP write as a string, not as a UUID "
			 "(the vertices themselves were imported)",
			 uuid, example);
	else if (p->no_id > 0)
		snprintf(why, whylen,
			 "%" PRIu64 " OLAP values belong to vertices without an id: they cannot be written "
			 "back (the vertices themselves were imported)",
			 p->no_id);
	else
		return 0;
	return -EINVAL;
}
