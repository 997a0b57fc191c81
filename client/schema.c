/* schema.c - schema lists as exact byte slices, sorted by id; the names
 * and ids of a whole schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

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

/* ---- names and ids of the whole schema (GET .../schema) ---------------- */

static const struct {
	const char *name;
	hg_id_strategy strategy;
} id_strategies[] = {
	{ "AUTOMATIC", HG_IDS_AUTOMATIC },
	{ "PRIMARY_KEY", HG_IDS_PRIMARY_KEY },
	{ "CUSTOMIZE_STRING", HG_IDS_CUSTOMIZE_STRING },
	{ "CUSTOMIZE_NUMBER", HG_IDS_CUSTOMIZE_NUMBER },
	{ "CUSTOMIZE_UUID", HG_IDS_CUSTOMIZE_UUID },
};

static hg_id_strategy parse_strategy(const cJSON *it)
{
	size_t i;

	if (!cJSON_IsString(it))
		return HG_IDS_UNKNOWN;
	for (i = 0; i < sizeof(id_strategies) / sizeof(id_strategies[0]); i++)
		if (strcmp(it->valuestring, id_strategies[i].name) == 0)
			return id_strategies[i].strategy;
	return HG_IDS_UNKNOWN;
}

const char *hg_id_strategy_name(hg_id_strategy s)
{
	size_t i;

	for (i = 0; i < sizeof(id_strategies) / sizeof(id_strategies[0]); i++)
		if (id_strategies[i].strategy == s)
			return id_strategies[i].name;
	return "unknown";
}

void hg_schema_names_free(hg_schema_names *s)
{
	size_t i;
	int t;

	if (!s)
		return;
	for (t = 0; t < HG_SCHEMA__COUNT; t++) {
		for (i = 0; i < s->n[t]; i++)
			free(s->v[t][i].name);
		free(s->v[t]);
	}
	free(s);
}

/* Orders a name against key[0..len) byte by byte, shorter first on a tie. */
static int name_cmp(const char *name, const char *key, size_t len)
{
	size_t n = strlen(name);
	int d = memcmp(name, key, n < len ? n : len);

	if (d)
		return d;
	return n < len ? -1 : n > len;
}

static int cmp_label(const void *a, const void *b)
{
	const hg_label *x = a, *y = b;

	return name_cmp(x->name, y->name, strlen(y->name));
}

/* Fills s->v[t] from the array of elements arr (decoded names). */
static int read_labels(hg_schema_names *s, hg_schema_type t, const cJSON *arr, hg_error *err)
{
	const cJSON *it, *name, *id;
	hg_label *l;

	s->v[t] = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*s->v[t]));
	if (!s->v[t])
		return hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	cJSON_ArrayForEach(it, arr)
	{
		name = cJSON_GetObjectItemCaseSensitive(it, "name");
		id = cJSON_GetObjectItemCaseSensitive(it, "id");
		if (!cJSON_IsString(name))
			return hg_error_set(err, HG_EPROTOCOL, 200, "schema: an element of \"%s\" has no name",
					    hg_schema_type_name(t));
		/* schema ids are small counters: exact in a double */
		if (id && (!cJSON_IsNumber(id) || id->valuedouble < 0 || id->valuedouble > 9007199254740992.0 ||
			   id->valuedouble != (double)(int64_t)id->valuedouble))
			return hg_error_set(err, HG_EPROTOCOL, 200, "schema: %s '%.200s' has no usable id",
					    hg_schema_type_name(t), name->valuestring);
		l = &s->v[t][s->n[t]];
		l->name = strdup(name->valuestring);
		if (!l->name)
			return hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		s->n[t]++;
		l->id = id ? (int64_t)id->valuedouble : 0;
		l->strategy = t == HG_SCHEMA_VERTEXLABELS
				      ? parse_strategy(cJSON_GetObjectItemCaseSensitive(it, "id_strategy"))
				      : HG_IDS_UNKNOWN;
		if (t == HG_SCHEMA_EDGELABELS) {
			const cJSON *et = cJSON_GetObjectItemCaseSensitive(it, "edgelabel_type");
			l->parent = cJSON_IsString(et) && strcmp(et->valuestring, "PARENT") == 0;
		}
		if (t == HG_SCHEMA_PROPERTYKEYS) {
			const cJSON *dt = cJSON_GetObjectItemCaseSensitive(it, "data_type");
			if (cJSON_IsString(dt))
				snprintf(l->data_type, sizeof(l->data_type), "%s", dt->valuestring);
			const cJSON *wt = cJSON_GetObjectItemCaseSensitive(it, "write_type");
			l->olap = cJSON_IsString(wt) && strcmp(wt->valuestring, "OLTP") != 0;
		}
	}
	if (s->n[t])
		qsort(s->v[t], s->n[t], sizeof(*s->v[t]), cmp_label);
	return 0;
}

int hg_schema_names_get(hg_client *c, const char *graph, hg_schema_names **out, hg_error *err)
{
	hg_buf url;
	cJSON *root = NULL;
	const cJSON *arr;
	hg_schema_names *s = NULL;
	int rc, t;

	hg_error_clear(err);
	*out = NULL;
	hg_buf_init(&url, 0);
	rc = hg_client_graph_url(c, &url, graph, "/schema", err);
	if (!rc)
		rc = hg_client_get_json(c, url.data, &root, err);
	if (rc)
		goto out;
	s = calloc(1, sizeof(*s));
	if (!s) {
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto out;
	}
	for (t = 0; t < HG_SCHEMA__COUNT && !rc; t++) {
		/* a type the server left out has no elements */
		arr = cJSON_GetObjectItemCaseSensitive(root, hg_schema_type_name((hg_schema_type)t));
		if (arr && !cJSON_IsArray(arr))
			rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: \"%s\" is not an array", url.data,
					  hg_schema_type_name((hg_schema_type)t));
		else if (arr)
			rc = read_labels(s, (hg_schema_type)t, arr, err);
	}
	if (rc)
		goto out;
	*out = s;
	s = NULL;
out:
	hg_schema_names_free(s);
	cJSON_Delete(root);
	hg_buf_free(&url);
	return rc;
}

const hg_label *hg_schema_names_find(const hg_schema_names *s, hg_schema_type t, const char *name, size_t len)
{
	size_t lo = 0, hi, mid;
	int d;

	if (!s || !hg_schema_type_name(t) || (!name && len))
		return NULL;
	hi = s->n[t];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = name_cmp(s->v[t][mid].name, name ? name : "", len);
		if (d == 0)
			return &s->v[t][mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
