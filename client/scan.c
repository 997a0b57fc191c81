/* scan.c - shards and the streamed, paged scan of vertices and edges. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Scans one part of a shard: unpaged (page NULL), or paged from the token
 * *page on.  After each complete response on_page(ctx) is called and, paged,
 * *page becomes the next page's token: on failure *page is the token of the
 * page to fetch again. */
static int scan_part(hg_client *c, const char *graph, hg_kind kind, const hg_shard *shard, char **page,
		     long page_limit, hg_elem_cb cb, void (*on_page)(void *), void *ctx, hg_error *err)
{
	token_set seen = { NULL, 0, 0 };
	page_ctx pc;
	hg_buf url;
	bool more = true;
	int rc = 0;

	hg_buf_init(&url, 0);
	memset(&pc, 0, sizeof(pc));
	pc.cb = cb;
	pc.cb_ctx = ctx;
	while (more) {
		rc = scan_url(c, &url, graph, kind, shard, page ? *page : NULL, page_limit, err);
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
		if (page && pc.js.page == JSCAN_PAGE_STRING && pc.js.n_elems > 0) {
			int seen_rc = token_seen(&seen, pc.js.page_value);

			if (seen_rc < 0) {
				rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
				goto out;
			}
			if (seen_rc > 0 || strcmp(pc.js.page_value, *page) == 0) {
				rc = hg_error_set(err, HG_EPROTOCOL, 200,
						  "scan of %s: the server returned page token '%.200s' twice",
						  graph, pc.js.page_value);
				goto out;
			}
			free(*page);
			*page = pc.js.page_value;
			pc.js.page_value = NULL;
			more = true;
		}
		jscan_free(&pc.js);
		if (on_page)
			on_page(ctx);
	}
out:
	jscan_free(&pc.js);
	free(seen.h);
	hg_buf_free(&url);
	return rc;
}

int hg_scan(hg_client *c, const char *graph, hg_kind kind, const hg_shard *shard, bool paged, long page_limit,
	    hg_elem_cb cb, void *ctx, hg_error *err)
{
	char *page = NULL;
	int rc;

	hg_error_clear(err);
	if (!shard || !cb)
		return hg_error_set(err, HG_EINVAL, 0, "hg_scan needs a shard and a callback");
	if (paged && !(page = strdup("")))
		return hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	rc = scan_part(c, graph, kind, shard, paged ? &page : NULL, page_limit, cb, NULL, ctx, err);
	free(page);
	return rc;
}

/* ---- hg_scan_shard: splitting, smaller pages, retries -------------------- */

#define DEFAULT_PAGE_LIMIT 100000 /* the server's, when page_limit is not sent */

bool hg_error_too_many_records(const hg_error *err)
{
	return err && err->http_status == 400 &&
	       (strncmp(err->message, "Too many records", 16) == 0 || strstr(err->exception, "LimitExceedException"));
}

bool hg_shard_bound_index(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = (int64_t)v;
	return true;
}

int hg_shards_fix_memory(hg_shards *shards)
{
	for (size_t i = 1; i < shards->n; i++) {
		hg_shard *sh = &shards->v[i], *prev = &shards->v[i - 1];
		int64_t start, pstart = 0, pend;
		char buf[32], *end;

		if (sh->end == NULL || sh->end[0] != '\0' || !hg_shard_bound_index(sh->start, &start))
			continue;
		if ((prev->start[0] != '\0' && !hg_shard_bound_index(prev->start, &pstart)) ||
		    !hg_shard_bound_index(prev->end, &pend) || pend <= pstart)
			continue;
		snprintf(buf, sizeof(buf), "%lld", (long long)(start + (pend - pstart)));
		end = strdup(buf);
		if (end == NULL)
			return -HG_ENOMEM;
		free(sh->end);
		sh->end = end;
	}
	return 0;
}

static void shard_clear(hg_shard *s)
{
	free(s->start);
	free(s->end);
	memset(s, 0, sizeof(*s));
}

int hg_shard_halve(const hg_shard *s, hg_shard *left, hg_shard *right)
{
	const char *start = s->start ? s->start : "";
	int64_t a = 0, b;
	char mid[32];

	memset(left, 0, sizeof(*left));
	memset(right, 0, sizeof(*right));
	if ((*start && !hg_shard_bound_index(start, &a)) || !hg_shard_bound_index(s->end, &b) || b - a < 2)
		return -HG_EINVAL;
	snprintf(mid, sizeof(mid), "%lld", (long long)(a + (b - a) / 2));
	left->start = strdup(start);
	left->end = strdup(mid);
	right->start = strdup(mid);
	right->end = strdup(s->end);
	if (!left->start || !left->end || !right->start || !right->end) {
		shard_clear(left);
		shard_clear(right);
		return -HG_ENOMEM;
	}
	return 0;
}

static bool transient(int rc)
{
	return rc == -HG_ETRANSPORT || rc == -HG_ESERVER || rc == -HG_EBUSY;
}

/* One shard's scan: where it goes and the failure budgets. */
typedef struct shard_scan {
	hg_client *c;
	const char *graph;
	hg_kind kind;
	const hg_scan_sink *sink;
	hg_error *err;
	int failures; /* transient failures in a row; progress resets it */
	int timeouts; /* shrinks because of timeouts */
} shard_scan;

static void on_commit(void *ctx)
{
	shard_scan *ss = ctx;

	ss->failures = 0;
	if (ss->sink->commit)
		ss->sink->commit(ss->sink->ctx);
}

static int on_elem(void *ctx, const char *elem, size_t len)
{
	shard_scan *ss = ctx;

	return ss->sink->elem(ss->sink->ctx, elem, len);
}

typedef enum { NEXT_SHRINK, NEXT_RETRY, NEXT_GIVE_UP } next_step;

/* After a failed request: discard what it delivered, then shrink (split the
 * part or halve the pages) when that may help and can_shrink, retry a
 * transient failure within the budget, or give up. */
static next_step after_failure(shard_scan *ss, int rc, bool can_shrink)
{
	bool timeout = rc == -HG_ETRANSPORT && ss->err->timed_out;

	if (rc == -HG_ECALLBACK || rc == -HG_ENOMEM || rc == -HG_EINTR) {
		ss->failures++;
		return NEXT_GIVE_UP;
	}
	if (ss->sink->discard)
		ss->sink->discard(ss->sink->ctx);
	if (can_shrink &&
	    (hg_error_too_many_records(ss->err) || (timeout && ss->timeouts < HG_SCAN_MAX_TIMEOUT_SHRINKS))) {
		ss->timeouts += timeout;
		ss->failures = 0;
		return NEXT_SHRINK;
	}
	if (++ss->failures < HG_SCAN_TRIES && transient(rc))
		return NEXT_RETRY;
	return NEXT_GIVE_UP;
}

/* Reports the step decided for a failed part or page; pauses before a retry. */
static void report_step(const shard_scan *ss, int rc, next_step next, hg_scan_event_kind shrink,
			const hg_shard *part, const char *page, long page_limit)
{
	hg_scan_event ev = { next == NEXT_SHRINK  ? shrink
			     : next == NEXT_RETRY ? HG_SCAN_RETRY
						  : HG_SCAN_FAILED,
			     part, page, page_limit, ss->failures, ss->err };

	if (rc != -HG_ECALLBACK && ss->sink->event)
		ss->sink->event(ss->sink->ctx, &ev);
	if (next == NEXT_RETRY)
		hg_sleep_ms(ss->c, 100L * ss->failures * ss->failures, NULL); /* the next request sees a cancel */
}

/* Paged: follows the pages; a failed page is fetched again from its token. */
static int scan_paged(shard_scan *ss, const hg_shard *shard, long page_limit)
{
	long floor = page_limit > 0 && page_limit < HG_SCAN_MIN_PAGE_LIMIT ? page_limit : HG_SCAN_MIN_PAGE_LIMIT;
	char *page = strdup("");
	int rc;

	if (!page)
		return hg_error_set(ss->err, HG_ENOMEM, 0, "out of memory");
	for (;;) {
		long now = page_limit > 0 ? page_limit : DEFAULT_PAGE_LIMIT;
		next_step next;

		hg_error_clear(ss->err);
		rc = scan_part(ss->c, ss->graph, ss->kind, shard, &page, page_limit, on_elem, on_commit, ss, ss->err);
		if (rc == 0)
			break;
		next = after_failure(ss, rc, now > floor);
		if (next == NEXT_SHRINK)
			page_limit = now / 2 > floor ? now / 2 : floor;
		report_step(ss, rc, next, HG_SCAN_SHRINK, shard, page, page_limit);
		if (next == NEXT_GIVE_UP)
			break;
	}
	free(page);
	return rc;
}

/* Unpaged: the parts still to scan, the next one on top.  A split replaces
 * the top by its two halves; int64 bounds halve at most 63 times. */
#define MAX_PARTS 66

typedef struct part {
	hg_shard s;
	int level; /* halvings from the shard */
} part;

/* The halves of the top part: 0, -HG_EINVAL (it cannot be split) or -HG_ENOMEM. */
static int halve_top(const part *parts, size_t n, hg_shard *left, hg_shard *right)
{
	if (n >= MAX_PARTS) {
		memset(left, 0, sizeof(*left));
		memset(right, 0, sizeof(*right));
		return -HG_EINVAL;
	}
	return hg_shard_halve(&parts[n - 1].s, left, right);
}

/* Replaces the top part by its halves, the left one on top. */
static void put_halves(part *parts, size_t *n, hg_shard left, hg_shard right)
{
	part *top = &parts[*n - 1];

	shard_clear(&top->s);
	top->s = right;
	top->level++;
	parts[*n].s = left;
	parts[*n].level = top->level;
	(*n)++;
}

static int scan_unpaged(shard_scan *ss, const hg_shard *shard)
{
	part parts[MAX_PARTS];
	size_t n = 1;
	int min_level = 0, rc = 0;

	parts[0].s.start = strdup(shard->start ? shard->start : "");
	parts[0].s.end = strdup(shard->end ? shard->end : "");
	parts[0].s.length = 0;
	parts[0].level = 0;
	if (!parts[0].s.start || !parts[0].s.end) {
		rc = hg_error_set(ss->err, HG_ENOMEM, 0, "out of memory");
		goto out;
	}
	while (n > 0) {
		part *top = &parts[n - 1];
		hg_shard left, right;
		int hrc;
		next_step next;

		/* once a part needed halving, the next ones are halved to that size unasked */
		if (top->level < min_level) {
			hrc = halve_top(parts, n, &left, &right);
			if (hrc == 0) {
				put_halves(parts, &n, left, right);
				continue;
			}
			if (hrc == -HG_ENOMEM) {
				rc = hg_error_set(ss->err, hrc, 0, "out of memory");
				break;
			}
		}
		hg_error_clear(ss->err);
		rc = scan_part(ss->c, ss->graph, ss->kind, &top->s, NULL, 0, on_elem, on_commit, ss, ss->err);
		if (rc == 0) {
			shard_clear(&top->s);
			n--;
			continue;
		}
		hrc = halve_top(parts, n, &left, &right);
		next = after_failure(ss, rc, hrc == 0);
		report_step(ss, rc, next, HG_SCAN_SPLIT, &top->s, NULL, 0);
		if (next == NEXT_SHRINK) {
			put_halves(parts, &n, left, right);
			if (min_level < parts[n - 1].level)
				min_level = parts[n - 1].level;
			rc = 0;
			continue;
		}
		shard_clear(&left);
		shard_clear(&right);
		if (next == NEXT_GIVE_UP)
			break;
	}
out:
	while (n > 0)
		shard_clear(&parts[--n].s);
	return rc;
}

int hg_scan_shard(hg_client *c, const char *graph, hg_kind kind, const hg_shard *shard, bool paged,
		  long page_limit, const hg_scan_sink *sink, hg_error *err)
{
	hg_error local;
	shard_scan ss = { c, graph, kind, sink, err ? err : &local, 0, 0 };

	hg_error_clear(ss.err);
	if (!shard || !sink || !sink->elem)
		return hg_error_set(err, HG_EINVAL, 0, "hg_scan_shard needs a shard and a sink");
	return paged ? scan_paged(&ss, shard, page_limit) : scan_unpaged(&ss, shard);
}
