/* schema.c - schema lists as exact byte slices, sorted by id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_internal.h"
#include "errors.h"
#include "http.h"
#include "jscan.h"

static const char *const schema_names[HG_SCHEMA__COUNT] = {
	[HG_SCHEMA_PROPERTYKEYS] = "propertykeys",
	[HG_SCHEMA_VERTEXLABELS] = "vertexlabels",
	[HG_SCHEMA_EDGELABELS] = "edgelabels",
	[HG_SCHEMA_INDEXLABELS] = "indexlabels",
};

const char *hg_schema_type_name(hg_schema_type t)
{
	return (unsigned)t < HG_SCHEMA__COUNT ? schema_names[t] : NULL;
}

void hg_elems_free(hg_elems *e)
{
	if (!e)
		return;
	free(e->data);
	free(e->v);
	free(e);
}

/* Collects the elements the scanner finds. */
typedef struct collect {
	hg_buf data;
	hg_elem *v;
	size_t n, cap;
	int rc; /* ENOMEM/ETOOBIG while collecting */
} collect;

static int collect_elem(void *ctx, const char *elem, size_t len)
{
	collect *co = ctx;
	hg_elem *e;
	int64_t id = 0;

	if (co->n == co->cap) {
		size_t cap = co->cap ? co->cap * 2 : 64;
		hg_elem *v = realloc(co->v, cap * sizeof(*v));

		if (!v) {
			co->rc = -HG_ENOMEM;
			return 1;
		}
		co->v = v;
		co->cap = cap;
	}
	if (jscan_top_int64(elem, len, "id", &id) != 0)
		id = 0;
	e = &co->v[co->n];
	e->off = co->data.len;
	e->len = len;
	e->id = id;
	co->rc = hg_buf_append(&co->data, elem, len);
	if (co->rc)
		return 1;
	co->n++;
	return 0;
}

static int cmp_elem(const void *a, const void *b)
{
	const hg_elem *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	/* equal ids keep the server's order: offsets grow with it */
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Parses a complete schema list response body into *out (internal, also
 * used by the tests through hg_schema_list). */
static int parse_schema_list(const char *key, const char *body, size_t len, hg_elems **out, hg_error *err)
{
	collect co;
	jscan js;
	hg_elems *e = NULL;
	int rc;

	memset(&co, 0, sizeof(co));
	hg_buf_init(&co.data, 0);
	jscan_init(&js, key, 0, collect_elem, &co);
	rc = jscan_feed(&js, body, len);
	if (!rc)
		rc = jscan_finish(&js);
	if (rc == -HG_ECALLBACK)
		rc = co.rc;
	if (rc) {
		hg_error_set(err, rc, 200, "schema list: %s", rc == -HG_ENOMEM ? "out of memory" : js.errmsg);
		goto out;
	}
	if (!js.found_array) {
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "schema list: no \"%s\" array in the response", key);
		goto out;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto out;
	}
	if (co.n)
		qsort(co.v, co.n, sizeof(*co.v), cmp_elem);
	e->data_len = co.data.len;
	e->data = hg_buf_steal(&co.data);
	e->v = co.v;
	e->n = co.n;
	co.v = NULL;
	if (!e->data) {
		hg_elems_free(e);
		e = NULL;
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto out;
	}
	*out = e;
out:
	jscan_free(&js);
	free(co.v);
	hg_buf_free(&co.data);
	return rc;
}

int hg_schema_list(hg_client *c, const char *graph, hg_schema_type type, hg_elems **out, hg_error *err)
{
	hg_buf url, body;
	char suffix[32];
	int rc;

	hg_error_clear(err);
	*out = NULL;
	if (!hg_schema_type_name(type))
		return hg_error_set(err, HG_EINVAL, 0, "unknown schema type %d", (int)type);
	hg_buf_init(&url, 0);
	hg_buf_init(&body, 0);
	snprintf(suffix, sizeof(suffix), "/schema/%s", hg_schema_type_name(type));
	rc = hg_client_graph_url(c, &url, graph, suffix, err);
	if (!rc)
		rc = hg_http_call(c, "GET", url.data, true, NULL, 0, &body, err);
	if (!rc)
		rc = parse_schema_list(hg_schema_type_name(type), body.data ? body.data : "", body.len, out, err);
	hg_buf_free(&body);
	hg_buf_free(&url);
	return rc;
}
