/* create.c - the create requests of a restore: schema elements, the tasks
 * they start, and vertex/edge batches (gzip, retries, id-count check). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <zlib.h>

#include "client_internal.h"
#include "errors.h"
#include "http.h"
#include "jscan.h"
#include "url.h"

#define TASK_WAIT_MS 600000   /* hg_task_wait's default timeout */
#define TASK_POLL_FIRST_MS 50 /* poll interval: 50 ms doubling ... */
#define TASK_POLL_MAX_MS 1000 /* ... up to 1 s */

int hg_schema_create(hg_client *c, const char *graph, hg_schema_type type, const char *body, size_t len,
		     int64_t *task_id, hg_error *err)
{
	/* check_exist:false makes a schema create safe to repeat; a server
	 * that is not ready yet ("too busy", not master yet) is waited for */
	const hg_http_opts opts = { .idempotent = true, .busy_wait_ms = c->busy_wait_ms };
	hg_buf url, answer;
	char suffix[32];
	int64_t id = 0;
	int rc, found;

	hg_error_clear(err);
	if (task_id)
		*task_id = 0;
	if (!hg_schema_type_name(type))
		return hg_error_set(err, HG_EINVAL, 0, "unknown schema type %d", (int)type);
	if (!body || !len)
		return hg_error_set(err, HG_EINVAL, 0, "empty schema element");
	hg_buf_init(&url, 0);
	hg_buf_init(&answer, 0);
	snprintf(suffix, sizeof(suffix), "/schema/%s", hg_schema_type_name(type));
	rc = hg_client_graph_url(c, &url, graph, suffix, err);
	if (!rc)
		rc = hg_http_call_opts(c, "POST", url.data, true, body, len, &opts, &answer, err);
	if (rc)
		goto out;
	/* PK and IL: {"property_key":{...},"task_id":N}; VL and EL: the element */
	found = jscan_top_int64(answer.data ? answer.data : "", answer.len, "task_id", &id);
	if (found < 0 || id < 0) {
		rc = hg_error_set(err, HG_EPROTOCOL, 201, "POST %s: the answer is not a JSON object with a task_id",
				  url.data);
		goto out;
	}
	if (task_id)
		*task_id = found == 0 ? id : 0;
out:
	hg_buf_free(&answer);
	hg_buf_free(&url);
	return rc;
}

/* The readable reason of a failed task: its result, else its description. */
static void task_reason(const cJSON *task, char *buf, size_t len)
{
	static const char *const keys[] = { "task_result", "task_description" };
	const cJSON *it;
	char *printed;
	size_t i;

	snprintf(buf, len, "no detail given");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		it = cJSON_GetObjectItemCaseSensitive(task, keys[i]);
		if (cJSON_IsString(it) && it->valuestring[0]) {
			snprintf(buf, len, "%s", it->valuestring);
			return;
		}
		if (it && !cJSON_IsNull(it) && !cJSON_IsString(it) && (printed = cJSON_PrintUnformatted(it))) {
			snprintf(buf, len, "%s", printed);
			free(printed);
			return;
		}
	}
}

/* One GET of the task: 1 still going (status copied), 0 success, or a
 * negative code with err filled. */
static int task_poll(hg_client *c, const char *url, int64_t task_id, char *status, size_t status_len,
		     hg_error *err)
{
	cJSON *task = NULL;
	const cJSON *st;
	char reason[768];
	int rc;

	rc = hg_client_get_json(c, url, &task, err);
	if (rc)
		goto out;
	st = cJSON_GetObjectItemCaseSensitive(task, "task_status");
	if (!cJSON_IsString(st)) {
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: no \"task_status\" in the answer", url);
		goto out;
	}
	snprintf(status, status_len, "%s", st->valuestring);
	if (strcasecmp(st->valuestring, "success") == 0)
		goto out;
	if (strcasecmp(st->valuestring, "failed") == 0 || strcasecmp(st->valuestring, "cancelled") == 0 ||
	    strcasecmp(st->valuestring, "cancelling") == 0) {
		task_reason(task, reason, sizeof(reason));
		rc = hg_error_set(err, HG_ESERVER, 200, "task %lld %s: %s", (long long)task_id, st->valuestring,
				  reason);
		goto out;
	}
	rc = 1;
out:
	cJSON_Delete(task);
	return rc;
}

int hg_task_wait(hg_client *c, const char *graph, int64_t task_id, long timeout_ms, hg_error *err)
{
	hg_buf url;
	char suffix[48], status[32] = "";
	long start = hg_now_ms(), pause = TASK_POLL_FIRST_MS, left;
	int rc;

	hg_error_clear(err);
	if (task_id <= 0)
		return hg_error_set(err, HG_EINVAL, 0, "no task id %lld", (long long)task_id);
	if (timeout_ms <= 0)
		timeout_ms = TASK_WAIT_MS;
	hg_buf_init(&url, 0);
	snprintf(suffix, sizeof(suffix), "/tasks/%lld", (long long)task_id);
	rc = hg_client_graph_url(c, &url, graph, suffix, err);
	while (!rc) {
		rc = task_poll(c, url.data, task_id, status, sizeof(status), err);
		if (rc <= 0)
			break;
		left = timeout_ms - (hg_now_ms() - start);
		if (left <= 0) {
			rc = hg_error_set(err, HG_ETRANSPORT, 0, "task %lld still %s after %ld ms", (long long)task_id,
					  status, timeout_ms);
			break;
		}
		rc = hg_sleep_ms(c, pause < left ? pause : left, err);
		if (rc < 0)
			break;
		pause = pause * 2 < TASK_POLL_MAX_MS ? pause * 2 : TASK_POLL_MAX_MS;
		rc = 0;
	}
	hg_buf_free(&url);
	return rc;
}

/* gzip (level 1) of in[0..len) into *out (malloc'd), *out_len bytes. */
static int gzip_body(const char *in, size_t len, char **out, size_t *out_len, hg_error *err)
{
	z_stream z;
	uLong bound;
	int rc = 0, zrc;

	*out = NULL;
	memset(&z, 0, sizeof(z));
	if (len > UINT_MAX / 2)
		return hg_error_set(err, HG_ETOOBIG, 0, "batch body of %zu bytes is too large to compress", len);
	/* windowBits 15 + 16: a gzip header and trailer instead of zlib's */
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return hg_error_set(err, HG_ENOMEM, 0, "cannot start gzip compression");
	bound = deflateBound(&z, (uLong)len);
	*out = malloc(bound);
	if (!*out) {
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory compressing a batch");
		goto out;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)*out;
	z.avail_out = (uInt)bound;
	zrc = deflate(&z, Z_FINISH);
	if (zrc != Z_STREAM_END) {
		rc = hg_error_set(err, HG_ENOMEM, 0, "gzip compression failed (zlib %d)", zrc);
		free(*out);
		*out = NULL;
		goto out;
	}
	*out_len = z.total_out;
out:
	deflateEnd(&z);
	return rc;
}

/* Counts the elements of the JSON array answer[0..len) without parsing
 * them (ids may be int64 beyond a double): the scanner reads it as the
 * member of an object.  -1 when the answer is not a JSON array. */
static long count_array(const char *answer, size_t len)
{
	static const char prefix[] = "{\"ids\":";
	jscan js;
	long n = -1;

	jscan_init(&js, "ids", 0, NULL, NULL);
	if (!jscan_feed(&js, prefix, sizeof(prefix) - 1) && !jscan_feed(&js, answer, len) && !jscan_feed(&js, "}", 1) &&
	    !jscan_finish(&js) && js.found_array)
		n = (long)js.n_elems;
	jscan_free(&js);
	return n;
}

int hg_batch_create(hg_client *c, const char *graph, hg_kind kind, const char *body, size_t len, size_t n,
		    bool gzip, hg_error *err)
{
	return hg_batch_create_guarded(c, graph, kind, body, len, n, gzip, NULL, NULL, err);
}

int hg_batch_create_guarded(hg_client *c, const char *graph, hg_kind kind, const char *body, size_t len, size_t n,
			    bool gzip, hg_retry_guard guard, void *guard_arg, hg_error *err)
{
	/* vertex and edge creates are upserts: safe to repeat */
	const hg_http_opts opts = {
		.content_encoding = gzip ? "gzip" : NULL,
		.idempotent = true,
		.busy_wait_ms = c->busy_wait_ms,
		.guard = guard,
		.guard_arg = guard_arg,
	};
	hg_buf url, answer;
	char *packed = NULL;
	size_t packed_len = 0;
	const char *what = kind == HG_KIND_EDGE ? "edges" : "vertices";
	long got;
	int rc;

	hg_error_clear(err);
	if (!body || !len || !n)
		return hg_error_set(err, HG_EINVAL, 0, "empty batch of %s", what);
	hg_buf_init(&url, 0);
	hg_buf_init(&answer, 0);
	rc = hg_client_graph_url(c, &url, graph, kind == HG_KIND_EDGE ? "/graph/edges/batch" : "/graph/vertices/batch",
				 err);
	if (!rc && kind == HG_KIND_EDGE && (rc = hg_url_query(&url, "check_vertex", "false")))
		rc = hg_error_set(err, rc, 0, "cannot build the URL");
	if (!rc && gzip && !(rc = gzip_body(body, len, &packed, &packed_len, err))) {
		body = packed;
		len = packed_len;
	}
	if (!rc)
		rc = hg_http_call_opts(c, "POST", url.data, true, body, len, &opts, &answer, err);
	if (rc)
		goto out;
	got = count_array(answer.data ? answer.data : "", answer.len);
	if (got < 0)
		rc = hg_error_set(err, HG_EPROTOCOL, 201, "POST %s: the answer is not a JSON array of ids", url.data);
	else if ((size_t)got != n)
		rc = hg_error_set(err, HG_EPROTOCOL, 201, "POST %s: sent %zu %s, the server answered %ld ids",
				  url.data, n, what, got);
out:
	free(packed);
	hg_buf_free(&answer);
	hg_buf_free(&url);
	return rc;
}

long hg_error_batch_limit(const hg_error *err)
{
	static const char *const needles[] = {
		"Too many vertices for one time post, the maximum number is '",
		"Too many edges for one time post, the maximum number is '",
	};
	const char *p = NULL;
	char *end;
	long limit;
	size_t i;

	if (!err || err->code != HG_EINVAL)
		return 0;
	for (i = 0; i < sizeof(needles) / sizeof(needles[0]) && !p; i++)
		if ((p = strstr(err->message, needles[i])))
			p += strlen(needles[i]);
	if (!p || *p < '0' || *p > '9')
		return 0;
	limit = strtol(p, &end, 10);
	return *end == '\'' && limit > 0 ? limit : 0;
}
