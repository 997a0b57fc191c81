/* scan.c - shards and the streamed, paged scan of vertices and edges. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "client_internal.h"
#include "errors.h"
#include "http.h"
#include "jscan.h"
#include "url.h"

#define MIN_SPLIT_SIZE 1048576

static const char *kind_name(hg_kind kind)
{
	return kind == HG_KIND_EDGE ? "edges" : "vertices";
}

void hg_shards_free(hg_shards *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->v[i].start);
		free(s->v[i].end);
	}
	free(s->v);
	free(s);
}

int hg_get_shards(hg_client *c, const char *graph, hg_kind kind, int64_t split_size, hg_shards **out, hg_error *err)
{
	hg_buf url, body;
	char suffix[64], num[32];
	cJSON *root = NULL;
	const cJSON *arr, *it;
	hg_shards *s = NULL;
	int rc;

	hg_error_clear(err);
	*out = NULL;
	if (split_size < MIN_SPLIT_SIZE)
		return hg_error_set(err, HG_EINVAL, 0, "split size %lld is below %d bytes", (long long)split_size,
				    MIN_SPLIT_SIZE);
	hg_buf_init(&url, 0);
	hg_buf_init(&body, 0);
	snprintf(suffix, sizeof(suffix), "/traversers/%s/shards", kind_name(kind));
	snprintf(num, sizeof(num), "%lld", (long long)split_size);
	rc = hg_client_graph_url(c, &url, graph, suffix, err);
	if (!rc && (rc = hg_url_query(&url, "split_size", num)))
		rc = hg_error_set(err, rc, 0, "out of memory");
	if (!rc)
		rc = hg_http_call(c, "GET", url.data, true, NULL, 0, &body, err);
	if (rc)
		goto out;
	root = cJSON_ParseWithLength(body.data ? body.data : "", body.len);
	arr = cJSON_GetObjectItemCaseSensitive(root, "shards");
	if (!cJSON_IsArray(arr)) {
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: no \"shards\" array", url.data);
		goto out;
	}
	s = calloc(1, sizeof(*s));
	if (s)
		s->v = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*s->v));
	if (!s || !s->v) {
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(it, arr)
	{
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(it, "start");
		const cJSON *en = cJSON_GetObjectItemCaseSensitive(it, "end");
		const cJSON *ln = cJSON_GetObjectItemCaseSensitive(it, "length");
		hg_shard *sh = &s->v[s->n];

		if (!cJSON_IsString(st) || !cJSON_IsString(en)) {
			rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: a shard without string start/end", url.data);
			goto out;
		}
		sh->start = strdup(st->valuestring);
		sh->end = strdup(en->valuestring);
		sh->length = cJSON_IsNumber(ln) && ln->valuedouble > 0 && ln->valuedouble < 9.2e18
				     ? (int64_t)ln->valuedouble
				     : 0;
		s->n++;
		if (!sh->start || !sh->end) {
			rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
			goto out;
		}
	}
	*out = s;
	s = NULL;
out:
	hg_shards_free(s);
	cJSON_Delete(root);
	hg_buf_free(&body);
	hg_buf_free(&url);
	return rc;
}

/* One page: the scanner and the caller's callback. */
typedef struct page_ctx {
	jscan js;
	hg_elem_cb cb;
	void *cb_ctx;
} page_ctx;

static int page_elem(void *ctx, const char *elem, size_t len)
{
	page_ctx *pc = ctx;

	return pc->cb(pc->cb_ctx, elem, len);
}

static int page_data(void *ctx, const char *data, size_t len, hg_error *err)
{
	page_ctx *pc = ctx;
	int rc = jscan_feed(&pc->js, data, len);

	if (rc == -HG_ECALLBACK)
		hg_error_set(err, rc, 200, "scan stopped by the caller");
	else if (rc)
		hg_error_set(err, rc, 200, "scan response: %s", pc->js.errmsg);
	return rc;
}

/* Remembers the page tokens seen, to stop a server that loops. */
typedef struct token_set {
	uint64_t *h;
	size_t n, cap;
} token_set;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* 1 when the token was seen before, 0 when added, -1 on ENOMEM. */
static int token_seen(token_set *ts, const char *token)
{
	uint64_t h = fnv1a(token);
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (ts->h[i] == h)
			return 1;
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 16;
		uint64_t *p = realloc(ts->h, cap * sizeof(*p));

		if (!p)
			return -1;
		ts->h = p;
		ts->cap = cap;
	}
	ts->h[ts->n++] = h;
	return 0;
}

static int scan_url(const hg_client *c, hg_buf *url, const char *graph, hg_kind kind, const hg_shard *shard,
		    const char *page, long page_limit, hg_error *err)
{
	char suffix[64], num[32];
	int rc;

	snprintf(suffix, sizeof(suffix), "/traversers/%s/scan", kind_name(kind));
	rc = hg_client_graph_url(c, url, graph, suffix, err);
	if (rc)
		return rc;
	rc = hg_url_query(url, "start", shard->start ? shard->start : "");
	if (!rc)
		rc = hg_url_query(url, "end", shard->end ? shard->end : "");
	if (!rc && page)
		rc = hg_url_query(url, "page", page);
	if (!rc && page && page_limit > 0) {
		snprintf(num, sizeof(num), "%ld", page_limit);
		rc = hg_url_query(url, "page_limit", num);
	}
	if (rc)
		return hg_error_set(err, rc, 0, "cannot build the scan URL");
	return 0;
}

int hg_scan(hg_client *c, const char *graph, hg_kind kind, const hg_shard *shard, bool paged, long page_limit,
	    hg_elem_cb cb, void *ctx, hg_error *err)
{
	token_set seen = { NULL, 0, 0 };
	char *page = NULL;
	page_ctx pc;
	hg_buf url;
	bool more = true;
	int rc = 0;

	hg_error_clear(err);
	if (!shard || !cb)
		return hg_error_set(err, HG_EINVAL, 0, "hg_scan needs a shard and a callback");
	hg_buf_init(&url, 0);
	memset(&pc, 0, sizeof(pc));
	pc.cb = cb;
	pc.cb_ctx = ctx;
	if (paged && !(page = strdup(""))) {
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto out;
	}
	while (more) {
		rc = scan_url(c, &url, graph, kind, shard, page, page_limit, err);
		if (rc)
			goto out;
		jscan_init(&pc.js, kind_name(kind), 0, page_elem, &pc);
		rc = hg_http_stream(c, url.data, page_data, &pc, err);
		if (!rc && (rc = jscan_finish(&pc.js)))
			hg_error_set(err, rc, 200, "scan response from %s: %s (truncated?)", url.data, pc.js.errmsg);
		if (!rc && !pc.js.found_array)
			rc = hg_error_set(err, HG_EPROTOCOL, 200, "scan response from %s: no \"%s\" array", url.data,
					  kind_name(kind));
		if (rc)
			goto out;
		more = false;
		if (paged && pc.js.page == JSCAN_PAGE_STRING && pc.js.n_elems > 0) {
			int seen_rc = token_seen(&seen, pc.js.page_value);

			if (seen_rc < 0) {
				rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
				goto out;
			}
			if (seen_rc > 0 || strcmp(pc.js.page_value, page) == 0) {
				rc = hg_error_set(err, HG_EPROTOCOL, 200,
						  "scan of %s: the server returned page token '%.200s' twice",
						  graph, pc.js.page_value);
				goto out;
			}
			free(page);
			page = pc.js.page_value;
			pc.js.page_value = NULL;
			more = true;
		}
		jscan_free(&pc.js);
	}
out:
	jscan_free(&pc.js);
	free(seen.h);
	free(page);
	hg_buf_free(&url);
	return rc;
}
