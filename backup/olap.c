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

int hgfs_olap_read_begin(hg_client *client, const char *graph, hgfs_olap_export *o)
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
	rc = hg_set_read_mode(client, graph, HG_READ_ALL, false, &err);
	if (rc < 0) {
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

/* What the write pass of one OLAP key needs. */
typedef struct olap_pass {
	hg_client *client;
	bool gzip;
	const char *graph;
	const hg_schema_names *names;
	const hg_label *key;
	long batch_max;
	hgfs_buf body;    /* "[e1,e2,..." */
	size_t n;         /* elements in body */
	hgfs_buf label;   /* decoded label of the line */
	hgfs_buf id;      /* a rewritten PRIMARY_KEY id */
	const rj_member *found;
	rj_member value;
	long limit;       /* > 0: the server's batch limit, learnt from a refusal */
	uint64_t written, uuid, no_id;
	char uuid_example[128];
	hg_error err;
} olap_pass;

static int find_key(void *arg, const rj_member *m)
{
	olap_pass *p = arg;

	if (key_label(p->names, m->key, m->key_len) != p->key)
		return 0;
	p->value = *m;
	p->found = &p->value;
	return 1;
}

/* Posts the batch in body: 0 or -errno (p->err says why; p->limit is set
 * when the server named a smaller batch limit). */
static int post_batch(olap_pass *p)
{
	int rc;

	if (p->n == 0)
		return 0;
	if (hgfs_buf_addc(&p->body, ']') < 0)
		return -ENOMEM;
	hg_error_clear(&p->err);
	rc = hg_batch_create(p->client, p->graph, HG_KIND_VERTEX, p->body.data, p->body.len, p->n,
			     p->gzip, &p->err);
	if (rc == -HG_EINVAL && hg_error_batch_limit(&p->err) > 0 && hg_error_batch_limit(&p->err) < (long)p->n)
		p->limit = hg_error_batch_limit(&p->err);
	if (rc < 0)
		return hgfs_errno_client(rc);
	p->written += p->n;
	hgfs_buf_reset(&p->body);
	p->n = 0;
	return 0;
}

static int add_value(olap_pass *p, const hgfs_vertex_rec *r, char *why, size_t whylen)
{
	const hg_label *l;
	const char *id = r->id.val;
	size_t id_len = r->id.val_len;
	int rc;

	if (rj_string(r->label.val, r->label.val_len, &p->label) != 0)
		return -ENOMEM;
	l = hg_schema_names_find(p->names, HG_SCHEMA_VERTEXLABELS, p->label.data, p->label.len);
	if (r->id.type == RJ_NONE || l == NULL) {
		p->no_id++;
		return 0;
	}
	if (l->strategy == HG_IDS_CUSTOMIZE_UUID) {
		if (p->uuid++ == 0)
			snprintf(p->uuid_example, sizeof(p->uuid_example), "%.*s", (int)(id_len < 100 ? id_len : 100),
				 id);
		return 0;
	}
	if (l->strategy == HG_IDS_PRIMARY_KEY) {
		/* the id the server gave the vertex: the target label's id */
		hgfs_buf_reset(&p->id);
		if (hgfs_pk_id_rewrite(id, id_len, l->id, &p->id, why, whylen) != 0)
			return -EINVAL;
		id = p->id.data;
		id_len = p->id.len;
	}
	if (hgfs_buf_add(&p->body, p->n == 0 ? "[{\"id\":" : ",{\"id\":", 7) < 0 || hgfs_buf_add(&p->body, id, id_len) < 0 ||
	    hgfs_buf_add(&p->body, ",\"properties\":{\"", 16) < 0 ||
	    hgfs_buf_add(&p->body, p->value.key, p->value.key_len) < 0 || hgfs_buf_add(&p->body, "\":", 2) < 0 ||
	    hgfs_buf_add(&p->body, p->value.val, p->value.val_len) < 0 || hgfs_buf_add(&p->body, "}}", 2) < 0)
		return -ENOMEM;
	p->n++;
	if ((long)p->n >= p->batch_max || p->body.len >= ((size_t)4 << 20)) {
		rc = post_batch(p);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int hgfs_olap_write(hg_client *client, const char *graph, int fd, const hg_schema_names *names, long batch_max,
		    bool gzip, long max_record_mib,
		    uint64_t *written, char *why, size_t whylen)
{
	olap_pass p;
	int rc = 0;

	*written = 0;
	why[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.client = client;
	p.gzip = gzip;
	p.graph = graph;
	p.names = names;
	for (size_t k = 0; k < names->n[HG_SCHEMA_PROPERTYKEYS] && rc == 0; k++) {
		uint64_t before = p.written;
		hgfs_linereader lr;
		const char *line;
		size_t len;

		p.key = &names->v[HG_SCHEMA_PROPERTYKEYS][k];
		if (!p.key->olap)
			continue;
		p.batch_max = batch_max > 0 ? batch_max : 500;
	again:
		rc = hgfs_lr_init(&lr, fd, (size_t)max_record_mib << 20);
		if (rc < 0)
			break;
		while ((rc = hgfs_lr_next(&lr, &line, &len)) > 0) {
			hgfs_vertex_rec r;
			if (hgfs_vertex_parse_again(line, len, &r) != 0)
				continue; /* blank: the check pass refused anything else */
			p.found = NULL;
			rj_object_each(r.properties.val, r.properties.val_len, find_key, &p);
			if (p.found == NULL)
				continue;
			rc = add_value(&p, &r, why, whylen);
			if (rc < 0)
				break;
		}
		if (rc == 0)
			rc = post_batch(&p);
		hgfs_lr_free(&lr);
		if (rc < 0 && p.limit > 0 && p.limit < p.batch_max) {
			/* the server takes fewer a batch: this key's pass again, in batches that fit
			 * (values written twice are the same values) */
			p.batch_max = p.limit;
			p.limit = 0;
			p.written = before;
			hgfs_buf_reset(&p.body);
			p.n = 0;
			why[0] = '\0';
			rc = 0;
			goto again;
		}
		if (rc < 0) {
			char msg[1200];
			if (why[0] == '\0') {
				if (p.err.message[0] != '\0')
					snprintf(why, whylen, "writing the values of OLAP property key '%s': %s", p.key->name,
						 hg_error_format(&p.err, msg, sizeof(msg)));
				else
					snprintf(why, whylen, "writing the values of OLAP property key '%s': %s", p.key->name,
						 strerror(-rc));
			}
			break;
		}
	}
	*written = p.written;
	if (rc == 0 && (p.uuid > 0 || p.no_id > 0)) {
		if (p.uuid > 0)
			snprintf(why, whylen,
				 "%" PRIu64 " OLAP values of CUSTOMIZE_UUID vertices (e.g. id %s) cannot be written "
				 "back: HugeGraph's REST API reads the id of an OLAP write as a string, not as a UUID "
				 "(the vertices themselves were imported)",
				 p.uuid, p.uuid_example);
		else
			snprintf(why, whylen,
				 "%" PRIu64 " OLAP values belong to vertices without an id: they cannot be written "
				 "back (the vertices themselves were imported)",
				 p.no_id);
		rc = -EINVAL;
	}
	hgfs_buf_free(&p.body);
	hgfs_buf_free(&p.label);
	hgfs_buf_free(&p.id);
	return rc;
}
