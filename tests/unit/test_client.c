/*
 * test_client.c - unit tests of the HugeGraph client library (client/).
 *
 * Most tests talk to a canned transport (the seam in client/transport.h)
 * that records the requests and serves prepared responses, split into
 * chunks of a chosen size.  The last suite runs the real curl transport
 * against a tiny HTTP responder on 127.0.0.1 (gzip, truncation).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "client_internal.h"
#include "errors.h"
#include "hgclient.h"
#include "http.h"
#include "jscan.h"
#include "transport.h"
#include "url.h"

/* ------------------------------------------------------------------ */
/* canned transport                                                    */

#define MAX_REQ 32
#define CHUNK_RANDOM ((size_t)-1)

typedef struct canned_resp {
	long status;
	const char *body;
	int truncate; /* deliver the body, then fail like curl error 18 */
	int timeout;  /* deliver the body, then fail like curl error 28 (timed out) */
} canned_resp;

typedef struct canned {
	hg_transport base;
	canned_resp resp[MAX_REQ];
	size_t n_resp, next;
	size_t chunk; /* 0: whole body; CHUNK_RANDOM: random sizes */
	unsigned seed;
	char *method[MAX_REQ];
	char *url[MAX_REQ];
	char *auth[MAX_REQ];
	char *body[MAX_REQ];
	size_t body_len[MAX_REQ];
	char *encoding[MAX_REQ]; /* Content-Encoding of the body */
	size_t n_req;
} canned;

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int canned_perform(hg_transport *t, const hg_request *req, hg_response *resp, hg_sink_fn sink, void *ctx,
			  hg_error *err)
{
	canned *c = (canned *)t;
	const canned_resp *r;
	size_t len, off = 0, n;
	int rc;

	ck_assert_uint_lt(c->n_req, MAX_REQ);
	c->method[c->n_req] = strdup(req->method);
	c->url[c->n_req] = strdup(req->url);
	c->auth[c->n_req] = dup_or_null(req->auth_header);
	c->body[c->n_req] = NULL;
	if (req->body) {
		/* binary-safe (gzip): a copy plus a NUL */
		c->body[c->n_req] = malloc(req->body_len + 1);
		ck_assert_ptr_nonnull(c->body[c->n_req]);
		memcpy(c->body[c->n_req], req->body, req->body_len);
		c->body[c->n_req][req->body_len] = '\0';
	}
	c->body_len[c->n_req] = req->body_len;
	c->encoding[c->n_req] = dup_or_null(req->content_encoding);
	c->n_req++;
	if (c->next >= c->n_resp)
		return hg_error_set(err, HG_ETRANSPORT, 0, "canned: no response left for %s", req->url);
	r = &c->resp[c->next++];
	resp->status = r->status;
	len = strlen(r->body);
	while (off < len) {
		if (c->chunk == 0)
			n = len - off;
		else if (c->chunk == CHUNK_RANDOM)
			n = 1 + (size_t)rand_r(&c->seed) % 7;
		else
			n = c->chunk;
		if (n > len - off)
			n = len - off;
		rc = sink(ctx, resp, r->body + off, n);
		if (rc)
			return rc;
		off += n;
	}
	if (r->truncate)
		return hg_error_set(err, HG_ETRANSPORT, 0,
				    "transfer closed with outstanding read data remaining (curl error 18)");
	if (r->timeout) {
		rc = hg_error_set(err, HG_ETRANSPORT, 0, "Operation timed out after 300 milliseconds (curl error 28)");
		err->timed_out = true;
		return rc;
	}
	return 0;
}

static void canned_destroy(hg_transport *t)
{
	canned *c = (canned *)t;
	size_t i;

	for (i = 0; i < c->n_req; i++) {
		free(c->method[i]);
		free(c->url[i]);
		free(c->auth[i]);
		free(c->body[i]);
		free(c->encoding[i]);
	}
	free(c);
}

static const hg_transport_ops canned_ops = { canned_perform, canned_destroy };

static canned *canned_new(size_t chunk)
{
	canned *c = calloc(1, sizeof(*c));

	ck_assert_ptr_nonnull(c);
	c->base.ops = &canned_ops;
	c->chunk = chunk;
	c->seed = 12345;
	return c;
}

static void canned_add(canned *c, long status, const char *body)
{
	ck_assert_uint_lt(c->n_resp, MAX_REQ);
	c->resp[c->n_resp].status = status;
	c->resp[c->n_resp].body = body;
	c->n_resp++;
}

#define VERSIONS(core) "{\"versions\":{\"version\":\"v1\",\"core\":\"" core "\",\"gremlin\":\"3.5.1\",\"api\":\"0.71.0.0\"}}"
#define GRAPHS "{\"graphs\":[\"hugegraph\",\"other\"]}"

/* VERSIONS for a core version chosen at run time (one at a time). */
static const char *versions_of(const char *core)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "{\"versions\":{\"version\":\"v1\",\"core\":\"%s\",\"api\":\"0.71.0.0\"}}",
		 core);
	return buf;
}

/* A client on a canned transport that has answered /versions (core) and
 * the graph list; further responses are added with canned_add.  max_tries:
 * attempts of a request that failed transiently. */
static hg_client *open_canned_tries(const char *versions_body, size_t chunk, int max_tries, canned **tp)
{
	hg_options opt = {
		.url = "http://127.0.0.1:8080", .user = "admin", .password = "pa", .max_tries = max_tries
	};
	hg_client *cl = NULL;
	hg_error err;
	canned *t = canned_new(chunk);

	canned_add(t, 200, versions_body);
	canned_add(t, 200, GRAPHS);
	ck_assert_int_eq(hg_client_open_transport(&cl, &opt, &t->base, &err), 0);
	*tp = t;
	return cl;
}

/* A client with options opt on a canned transport that answered /versions
 * (1.5.0) and the graph list. */
static hg_client *open_canned_opt(const hg_options *opt, canned **tp)
{
	canned *t = canned_new(0);
	hg_client *cl = NULL;
	hg_error err;

	canned_add(t, 200, VERSIONS("1.5.0"));
	canned_add(t, 200, GRAPHS);
	ck_assert_int_eq(hg_client_open_transport(&cl, opt, &t->base, &err), 0);
	*tp = t;
	return cl;
}

static hg_client *open_canned(const char *versions_body, size_t chunk, canned **tp)
{
	return open_canned_tries(versions_body, chunk, 1, tp);
}

/* ------------------------------------------------------------------ */
/* errors                                                              */

START_TEST(test_code_table)
{
	ck_assert_int_eq(hg_code_errno(-HG_EAUTH), EACCES);
	ck_assert_int_eq(hg_code_errno(HG_ENOTFOUND), ENOENT);
	ck_assert_int_eq(hg_code_errno(-HG_EBUSY), EAGAIN);
	ck_assert_int_eq(hg_code_errno(-HG_ETOOBIG), EFBIG);
	ck_assert_int_eq(hg_code_errno(HG_OK), 0);
	ck_assert_str_eq(hg_code_name(-HG_EPROTOCOL), "EPROTOCOL");
	ck_assert_str_eq(hg_code_name(HG_EMODE), "EMODE");
	ck_assert_str_eq(hg_code_message(-HG_ENOTFOUND), "not found");
	ck_assert_str_eq(hg_code_name(1000), "EUNKNOWN");
}
END_TEST

static const struct {
	long status;
	const char *message;
	int code;
} classify_cases[] = {
	{ 400, "Undefined vertex label: 'x'", HG_EINVAL },
	{ 400, "The rest server is too busy to write", HG_EBUSY },
	{ 400, "Can't schedule task on non-master server", HG_EBUSY },
	{ 400, "Must provide schema id if in RESTORING mode", HG_EMODE },
	{ 400, "Only accept vertex label id when graph in RESTORING mode, but 'g' is in mode 'NONE'", HG_EMODE },
	{ 400, "Must customize vertex number id when id strategy is 'AUTOMATIC' for vertex label 'x' in restoring mode",
	  HG_EMODE },
	{ 400, "Graph mode can't be null", HG_EINVAL },
	{ 401, "HTTP 401 Unauthorized", HG_EAUTH },
	{ 403, "Permission denied", HG_EFORBIDDEN },
	{ 404, "Graph 'x' does not exist", HG_ENOTFOUND },
	{ 405, "", HG_EINVAL },
	{ 415, "HTTP 415 Unsupported Media Type", HG_EINVAL },
	{ 500, "boom", HG_ESERVER },
	{ 502, "", HG_ESERVER },
	{ 503, "The server is too busy to process the request", HG_EBUSY },
	{ 302, "", HG_EPROTOCOL },
};

START_TEST(test_classify)
{
	ck_assert_int_eq(hg_error_classify(classify_cases[_i].status, classify_cases[_i].message),
			 classify_cases[_i].code);
}
END_TEST

START_TEST(test_error_json_body)
{
	const char *body = "{\"exception\":\"class java.lang.IllegalArgumentException\","
			   "\"message\":\"Undefined property key: 'x'\",\"cause\":\"\"}";
	hg_error err;
	char line[512];

	ck_assert_int_eq(hg_error_from_http(&err, 400, body, strlen(body)), -HG_EINVAL);
	ck_assert_int_eq(err.code, HG_EINVAL);
	ck_assert_int_eq(err.http_status, 400);
	ck_assert_str_eq(err.exception, "class java.lang.IllegalArgumentException");
	ck_assert_str_eq(err.message, "Undefined property key: 'x'");
	ck_assert_str_eq(hg_error_format(&err, line, sizeof(line)),
			 "Undefined property key: 'x' (HTTP 400, class java.lang.IllegalArgumentException)");
}
END_TEST

START_TEST(test_error_text_body)
{
	char body[3000];
	hg_error err;

	memset(body, 'x', sizeof(body));
	memcpy(body, "Unrecognized field \"edgelabel_type\"\n (class", 44);
	ck_assert_int_eq(hg_error_from_http(&err, 400, body, sizeof(body)), -HG_EINVAL);
	ck_assert_str_eq(err.exception, "");
	ck_assert(strncmp(err.message, "Unrecognized field \"edgelabel_type\"  (class", 43) == 0);
	ck_assert_uint_eq(strlen(err.message), sizeof(err.message) - 1);
	ck_assert_str_eq(err.message + sizeof(err.message) - 4, "...");
}
END_TEST

START_TEST(test_error_empty_body)
{
	hg_error err;
	char line[256];

	ck_assert_int_eq(hg_error_from_http(&err, 503, "", 0), -HG_EBUSY);
	ck_assert_str_eq(err.message, hg_code_message(HG_EBUSY));
	hg_error_set(&err, HG_ETRANSPORT, 0, "connection refused");
	ck_assert_str_eq(hg_error_format(&err, line, sizeof(line)), "connection refused");
	hg_error_clear(&err);
	ck_assert_int_eq(err.code, HG_OK);
}
END_TEST

/* Status codes through a whole call: graph backend on a canned answer. */
static const struct {
	long status;
	const char *body;
	int rc;
	const char *message;
} status_cases[] = {
	{ 400, "{\"exception\":\"class org.apache.hugegraph.HugeException\",\"message\":\"bad\",\"cause\":\"\"}",
	  -HG_EINVAL, "bad" },
	{ 401, "{\"exception\":\"class jakarta.ws.rs.NotAuthorizedException\",\"message\":\"HTTP 401 Unauthorized\"}",
	  -HG_EAUTH, "HTTP 401 Unauthorized" },
	{ 403, "{\"exception\":\"class jakarta.ws.rs.ForbiddenException\",\"message\":\"Permission denied: x\"}",
	  -HG_EFORBIDDEN, "Permission denied: x" },
	{ 404, "{\"exception\":\"class org.apache.hugegraph.exception.NotFoundException\","
	       "\"message\":\"Graph 'nope' does not exist\",\"cause\":\"\"}",
	  -HG_ENOTFOUND, "Graph 'nope' does not exist" },
	{ 415, "", -HG_EINVAL, "invalid argument or request refused by the server" },
	{ 500, "{\"exception\":\"class java.lang.IllegalStateException\",\"message\":\"oops\"}", -HG_ESERVER, "oops" },
	{ 503, "{\"message\":\"The server is too busy to process the request\"}", -HG_EBUSY,
	  "The server is too busy to process the request" },
	{ 200, "not json", -HG_EPROTOCOL, NULL },
	{ 200, "{\"name\":\"g\"}", -HG_EPROTOCOL, NULL },
};

START_TEST(test_status_mapping)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 0, &t);
	char backend[32];
	hg_error err;

	canned_add(t, status_cases[_i].status, status_cases[_i].body);
	ck_assert_int_eq(hg_graph_backend(cl, "hugegraph", backend, sizeof(backend), &err), status_cases[_i].rc);
	ck_assert_int_eq(err.code, -status_cases[_i].rc);
	if (status_cases[_i].message)
		ck_assert_str_eq(err.message, status_cases[_i].message);
	if (status_cases[_i].status != 200)
		ck_assert_int_eq(err.http_status, status_cases[_i].status);
	hg_client_free(cl);
}
END_TEST

START_TEST(test_transport_failure)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 0, &t);
	char backend[32];
	hg_error err;

	/* no canned response left: the transport fails */
	ck_assert_int_eq(hg_graph_backend(cl, "hugegraph", backend, sizeof(backend), &err), -HG_ETRANSPORT);
	ck_assert_int_eq(err.code, HG_ETRANSPORT);
	ck_assert_int_eq(err.http_status, 0);
	/* a buffered body cut short */
	t->resp[t->n_resp].status = 200;
	t->resp[t->n_resp].body = "{\"name\":\"hugegraph\",\"backend\":\"mem";
	t->resp[t->n_resp++].truncate = 1;
	ck_assert_int_eq(hg_graph_backend(cl, "hugegraph", backend, sizeof(backend), &err), -HG_ETRANSPORT);
	ck_assert_ptr_nonnull(strstr(err.message, "curl error 18"));
	hg_client_free(cl);
}
END_TEST

/* GET and PUT are retried on transient failures, other failures are not. */
static const struct {
	long status[3];
	const char *body[3];
	int n;       /* responses queued */
	int rc;      /* result */
	int used;    /* responses consumed */
} retry_cases[] = {
	{ { 503, 200, 0 }, { "{\"message\":\"busy\"}", "{\"name\":\"g\",\"backend\":\"memory\"}", NULL }, 2, 0, 2 },
	{ { 500, 500, 200 }, { "{}", "{}", "{\"name\":\"g\",\"backend\":\"memory\"}" }, 3, 0, 3 },
	{ { 500, 502, 503 }, { "{}", "{}", "{\"message\":\"still busy\"}" }, 3, -HG_EBUSY, 3 },
	{ { 400, 200, 0 }, { "{\"message\":\"bad\"}", "{\"name\":\"g\",\"backend\":\"memory\"}", NULL }, 2, -HG_EINVAL, 1 },
	{ { 404, 200, 0 }, { "{\"message\":\"gone\"}", "{\"name\":\"g\",\"backend\":\"memory\"}", NULL }, 2, -HG_ENOTFOUND, 1 },
};

START_TEST(test_retry_transient)
{
	hg_options opt = { .url = "http://127.0.0.1:8080", .max_tries = 3 };
	canned *t;
	hg_client *cl = open_canned_opt(&opt, &t);
	char backend[32];
	hg_error err;
	size_t before;

	for (int i = 0; i < retry_cases[_i].n; i++)
		canned_add(t, retry_cases[_i].status[i], retry_cases[_i].body[i]);
	before = t->next;
	ck_assert_int_eq(hg_graph_backend(cl, "g", backend, sizeof(backend), &err), retry_cases[_i].rc);
	ck_assert_int_eq((int)(t->next - before), retry_cases[_i].used);
	if (retry_cases[_i].rc == 0)
		ck_assert_str_eq(backend, "memory");
	hg_client_free(cl);
}
END_TEST

/* A retried call stops early: the cancel hook asks it to between tries
 * (nothing more is sent, EINTR), or no new try starts once stall_ms has
 * passed since the first (100 ms of pause fit in 150, the next 400 do not). */
static bool cancel_after_first(void *ctx)
{
	return ((canned *)ctx)->next > 2; /* /versions and the graph list passed */
}

static const struct {
	bool cancel;
	long stall_ms;
	long status; /* of the first two answers; the third is a 200 */
	int rc;
	size_t next; /* answers consumed, the two of the open included */
} stop_cases[] = {
	{ true, 0, 503, -HG_EINTR, 3 },
	{ false, 150, 500, -HG_ESERVER, 4 },
};

START_TEST(test_retry_stops)
{
	hg_options opt = { .url = "http://127.0.0.1:8080", .max_tries = 3, .stall_ms = stop_cases[_i].stall_ms };
	canned *t;
	hg_client *cl = open_canned_opt(&opt, &t);
	char backend[32];
	hg_error err;
	long start;

	if (stop_cases[_i].cancel)
		hg_client_set_cancel(cl, cancel_after_first, t);
	canned_add(t, stop_cases[_i].status, "{}");
	canned_add(t, stop_cases[_i].status, "{}");
	canned_add(t, 200, "{\"name\":\"g\",\"backend\":\"memory\"}");
	start = hg_now_ms();
	ck_assert_int_eq(hg_graph_backend(cl, "g", backend, sizeof(backend), &err), stop_cases[_i].rc);
	ck_assert_int_eq(err.code, -stop_cases[_i].rc);
	ck_assert_uint_eq(t->next, stop_cases[_i].next);
	ck_assert_int_lt(hg_now_ms() - start, 1000);
	hg_client_free(cl);
}
END_TEST

START_TEST(test_backend_ok)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.7.0"), 1, &t);
	char backend[32], small[4];
	hg_error err;

	canned_add(t, 200, "{\"name\":\"hugegraph\",\"backend\":\"rocksdb\"}");
	ck_assert_int_eq(hg_graph_backend(cl, "hugegraph", backend, sizeof(backend), &err), 0);
	ck_assert_str_eq(backend, "rocksdb");
	ck_assert_str_eq(t->url[2], "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/hugegraph");
	canned_add(t, 200, "{\"name\":\"hugegraph\",\"backend\":\"rocksdb\"}");
	ck_assert_int_eq(hg_graph_backend(cl, "hugegraph", small, sizeof(small), &err), -HG_ETOOBIG);
	hg_client_free(cl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* URLs                                                                */

static const struct {
	const char *in, *out;
} escape_cases[] = {
	{ "hugegraph", "hugegraph" },
	{ "my graph", "my%20graph" },
	{ "a/b", "a%2Fb" },
	{ "gr\xc3\xa4ph", "gr%C3%A4ph" },
	{ "AbC+/9=", "AbC%2B%2F9%3D" },
	{ "a?b#c&d=e%", "a%3Fb%23c%26d%3De%25" },
	{ "-._~", "-._~" },
	{ "", "" },
};

START_TEST(test_escape)
{
	char *s = hg_url_escape(escape_cases[_i].in);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, escape_cases[_i].out);
	free(s);
}
END_TEST

static const struct {
	const char *gs, *graph, *url;
} graph_url_cases[] = {
	{ NULL, NULL, "http://h:1/graphs" },
	{ NULL, "hugegraph", "http://h:1/graphs/hugegraph" },
	{ NULL, "my graph/x", "http://h:1/graphs/my%20graph%2Fx" },
	{ "DEFAULT", NULL, "http://h:1/graphspaces/DEFAULT/graphs" },
	{ "DEFAULT", "hugegraph", "http://h:1/graphspaces/DEFAULT/graphs/hugegraph" },
	{ "sp ace", "\xe5\x9b\xbe", "http://h:1/graphspaces/sp%20ace/graphs/%E5%9B%BE" },
};

START_TEST(test_graph_url)
{
	hg_buf b;

	hg_buf_init(&b, 0);
	ck_assert_int_eq(hg_url_graph(&b, "http://h:1", graph_url_cases[_i].gs, graph_url_cases[_i].graph), 0);
	ck_assert_str_eq(b.data, graph_url_cases[_i].url);
	/* reset on reuse */
	ck_assert_int_eq(hg_url_graph(&b, "http://h:1", graph_url_cases[_i].gs, graph_url_cases[_i].graph), 0);
	ck_assert_str_eq(b.data, graph_url_cases[_i].url);
	hg_buf_free(&b);
}
END_TEST

START_TEST(test_query)
{
	hg_buf b;

	hg_buf_init(&b, 0);
	ck_assert_int_eq(hg_url_graph(&b, "http://h:1", NULL, "g"), 0);
	ck_assert_int_eq(hg_url_query(&b, "start", ""), 0);
	ck_assert_int_eq(hg_url_query(&b, "end", "10"), 0);
	ck_assert_int_eq(hg_url_query(&b, "page", "AAk+/x=="), 0);
	ck_assert_str_eq(b.data, "http://h:1/graphs/g?start=&end=10&page=AAk%2B%2Fx%3D%3D");
	hg_buf_free(&b);
}
END_TEST

static const struct {
	const char *url, *ok;
} base_cases[] = {
	{ "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
	{ "http://127.0.0.1:8080/", "http://127.0.0.1:8080" },
	{ "https://hg.example.com", "https://hg.example.com" },
	{ "http://admin:pa@127.0.0.1:8080", NULL },
	{ "http://admin@host", NULL },
	{ "http://host:8080/api", NULL },
	{ "http://host:8080/graphs/", NULL },
	{ "http://host:8080?x=1", NULL },
	{ "ftp://host", NULL },
	{ "host:8080", NULL },
	{ "http://", NULL },
	{ "", NULL },
};

START_TEST(test_check_base)
{
	const char *why = NULL;
	char *got = hg_url_check_base(base_cases[_i].url, &why);

	if (base_cases[_i].ok) {
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, base_cases[_i].ok);
	} else {
		ck_assert_ptr_null(got);
		ck_assert_ptr_nonnull(why);
	}
	free(got);
}
END_TEST

/* ------------------------------------------------------------------ */
/* authentication                                                      */

static const struct {
	const char *in, *out;
} b64_cases[] = {
	{ "", "" },         { "f", "Zg==" },         { "fo", "Zm8=" },           { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" }, { "admin:pa", "YWRtaW46cGE=" },
};

START_TEST(test_base64)
{
	char *s = hg_base64_encode(b64_cases[_i].in, strlen(b64_cases[_i].in));

	ck_assert_str_eq(s, b64_cases[_i].out);
	free(s);
}
END_TEST

START_TEST(test_auth_header)
{
	char *h = NULL;
	hg_error err;

	ck_assert_int_eq(hg_basic_auth_header("admin", "pa", &h, &err), 0);
	ck_assert_str_eq(h, "Authorization: Basic YWRtaW46cGE=");
	free(h);
	ck_assert_int_eq(hg_basic_auth_header(NULL, "pa", &h, &err), 0);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(hg_basic_auth_header("", NULL, &h, &err), 0);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(hg_basic_auth_header("ad:min", "pa", &h, &err), -HG_EINVAL);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(err.code, HG_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "':'"));
}
END_TEST

START_TEST(test_auth_sent)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 0, &t);

	ck_assert_uint_eq(t->n_req, 2);
	ck_assert_ptr_null(t->auth[0]); /* /versions needs none */
	ck_assert_str_eq(t->auth[1], "Authorization: Basic YWRtaW46cGE=");
	hg_client_free(cl);
}
END_TEST

START_TEST(test_no_auth_when_no_user)
{
	hg_options opt = { .url = "http://h:1", .max_tries = 1 };
	canned *t = canned_new(0);
	hg_client *cl = NULL;
	hg_error err;

	canned_add(t, 200, VERSIONS("1.5.0"));
	canned_add(t, 200, GRAPHS);
	ck_assert_int_eq(hg_client_open_transport(&cl, &opt, &t->base, &err), 0);
	ck_assert_ptr_null(t->auth[0]);
	ck_assert_ptr_null(t->auth[1]);
	hg_client_free(cl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* versions and URL form                                               */

static const struct {
	const char *v;
	int maj, min, pat, want;
} version_cases[] = {
	{ "1.7.0", 1, 7, 0, 1 }, { "1.5.0", 1, 7, 0, 0 },   { "1.3.0", 1, 7, 0, 0 }, { "1.10.0", 1, 7, 0, 1 },
	{ "2.0", 1, 7, 0, 1 },   { "1.7", 1, 7, 0, 1 },      { "1.6.9", 1, 7, 0, 0 }, { "1.7.1-SNAPSHOT", 1, 7, 0, 1 },
	{ "0.12.0", 1, 7, 0, 0 }, { "abc", 1, 7, 0, -1 },    { "", 1, 7, 0, -1 },
};

START_TEST(test_version_cmp)
{
	ck_assert_int_eq(hg_version_at_least(version_cases[_i].v, version_cases[_i].maj, version_cases[_i].min,
					     version_cases[_i].pat),
			 version_cases[_i].want);
}
END_TEST

static const struct {
	const char *core, *gs;
	int rc;
	const char *list_url, *graphspace;
} form_cases[] = {
	{ "1.3.0", NULL, 0, "http://h:1/graphs", NULL },
	{ "1.5.0", NULL, 0, "http://h:1/graphs", NULL },
	{ "1.5.0", "DEFAULT", 0, "http://h:1/graphs", NULL },
	{ "1.7.0", NULL, 0, "http://h:1/graphspaces/DEFAULT/graphs", "DEFAULT" },
	{ "1.7.0", "space 1", 0, "http://h:1/graphspaces/space%201/graphs", "space 1" },
	{ "1.8.2", NULL, 0, "http://h:1/graphspaces/DEFAULT/graphs", "DEFAULT" },
	{ "1.5.0", "other", -HG_EINVAL, NULL, NULL },
};

START_TEST(test_url_form)
{
	hg_options opt = { .url = "http://h:1/", .user = "admin", .password = "pa", .graphspace = form_cases[_i].gs, .max_tries = 1 };
	char versions[256];
	canned *t = canned_new(0);
	hg_client *cl = NULL;
	hg_error err;

	snprintf(versions, sizeof(versions), "{\"versions\":{\"core\":\"%s\",\"api\":\"0.71.0.0\"}}",
		 form_cases[_i].core);
	canned_add(t, 200, versions);
	canned_add(t, 200, GRAPHS);
	ck_assert_int_eq(hg_client_open_transport(&cl, &opt, &t->base, &err), form_cases[_i].rc);
	if (form_cases[_i].rc) {
		ck_assert_ptr_null(cl);
		ck_assert_ptr_nonnull(strstr(err.message, "1.7"));
		return;
	}
	ck_assert_str_eq(t->url[0], "http://h:1/versions");
	ck_assert_str_eq(t->url[1], form_cases[_i].list_url);
	ck_assert_str_eq(hg_client_core_version(cl), form_cases[_i].core);
	ck_assert_str_eq(hg_client_api_version(cl), "0.71.0.0");
	ck_assert_str_eq(hg_client_url(cl), "http://h:1");
	if (form_cases[_i].graphspace)
		ck_assert_str_eq(hg_client_graphspace(cl), form_cases[_i].graphspace);
	else
		ck_assert_ptr_null(hg_client_graphspace(cl));
	hg_client_free(cl);
}
END_TEST

static const struct {
	long status;
	const char *versions;
	int rc;
} not_hg_cases[] = {
	{ 200, "{\"foo\":1}", -HG_EPROTOCOL },
	{ 200, "<html>hello</html>", -HG_EPROTOCOL },
	{ 200, "{\"versions\":{\"api\":\"0.71.0.0\"}}", -HG_EPROTOCOL },
	{ 404, "<html>Not Found</html>", -HG_EPROTOCOL },
	{ 500, "{\"message\":\"boom\"}", -HG_ESERVER },
};

START_TEST(test_not_hugegraph)
{
	hg_options opt = { .url = "http://h:1", .max_tries = 1 };
	canned *t = canned_new(0);
	hg_client *cl = NULL;
	hg_error err;

	canned_add(t, not_hg_cases[_i].status, not_hg_cases[_i].versions);
	ck_assert_int_eq(hg_client_open_transport(&cl, &opt, &t->base, &err), not_hg_cases[_i].rc);
	ck_assert_ptr_null(cl);
	ck_assert_int_eq(err.code, -not_hg_cases[_i].rc);
}
END_TEST

START_TEST(test_open_auth_fails)
{
	hg_options opt = { .url = "http://h:1", .user = "admin", .password = "wrong", .max_tries = 1 };
	canned *t = canned_new(0);
	hg_client *cl = NULL;
	hg_error err;

	canned_add(t, 200, VERSIONS("1.7.0"));
	canned_add(t, 401, "{\"exception\":\"class jakarta.ws.rs.NotAuthorizedException\","
			   "\"message\":\"HTTP 401 Unauthorized\",\"cause\":\"\"}");
	ck_assert_int_eq(hg_client_open_transport(&cl, &opt, &t->base, &err), -HG_EAUTH);
	ck_assert_ptr_null(cl);
	ck_assert_int_eq(err.http_status, 401);
	ck_assert_ptr_nonnull(strstr(err.message, "authentication failed for user 'admin'"));
	ck_assert_str_eq(err.exception, "class jakarta.ws.rs.NotAuthorizedException");
}
END_TEST

static const struct {
	const char *url, *user, *password;
} bad_open_cases[] = {
	{ "http://admin:pa@h:1", NULL, NULL },
	{ "http://h:1/hugegraph", NULL, NULL },
	{ "h:1", NULL, NULL },
	{ "http://h:1", "a:b", "pa" },
	{ NULL, NULL, NULL },
};

START_TEST(test_open_bad_options)
{
	hg_options opt = { .url = bad_open_cases[_i].url,
			   .user = bad_open_cases[_i].user,
			   .password = bad_open_cases[_i].password };
	canned *t = canned_new(0);
	hg_client *cl = NULL;
	hg_error err;

	ck_assert_int_eq(hg_client_open_transport(&cl, &opt, &t->base, &err), -HG_EINVAL);
	ck_assert_ptr_null(cl);
	ck_assert_str_ne(err.message, "");
	/* nothing was sent: the options are refused before any request */
}
END_TEST

START_TEST(test_list_graphs)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.7.0"), 3, &t);
	char **names = NULL;
	hg_error err;

	canned_add(t, 200, "{\"graphs\":[\"a\",\"b c\",\"\xe5\x9b\xbe\"]}");
	ck_assert_int_eq(hg_list_graphs(cl, &names, &err), 0);
	ck_assert_str_eq(names[0], "a");
	ck_assert_str_eq(names[1], "b c");
	ck_assert_str_eq(names[2], "\xe5\x9b\xbe");
	ck_assert_ptr_null(names[3]);
	hg_strv_free(names);
	canned_add(t, 200, "{\"graphs\":[1]}");
	ck_assert_int_eq(hg_list_graphs(cl, &names, &err), -HG_EPROTOCOL);
	ck_assert_ptr_null(names);
	hg_client_free(cl);
}
END_TEST

/* graphspaces (space.c): paths, bodies, the list and its refusals */
START_TEST(test_graphspaces)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.7.0"), 0, &t);
	char **names = NULL, *def = NULL;
	size_t len = 0;
	hg_error err;

	canned_add(t, 200, "{\"graphSpaces\":[\"DEFAULT\",\"gs 1\"]}");
	ck_assert_int_eq(hg_graphspace_list(cl, &names, &err), 0);
	ck_assert_str_eq(t->url[t->n_req - 1], "http://127.0.0.1:8080/graphspaces");
	ck_assert_str_eq(names[0], "DEFAULT");
	ck_assert_str_eq(names[1], "gs 1");
	ck_assert_ptr_null(names[2]);
	hg_strv_free(names);
	canned_add(t, 200, "{\"graphSpaces\":[]}");
	ck_assert_int_eq(hg_graphspace_list(cl, &names, &err), 0);
	ck_assert_ptr_null(names[0]);
	hg_strv_free(names);
	canned_add(t, 200, "{\"spaces\":[]}");
	ck_assert_int_eq(hg_graphspace_list(cl, &names, &err), -HG_EPROTOCOL);
	ck_assert_ptr_null(names);

	/* the definition: the bytes as they came, the name escaped in the path */
	canned_add(t, 200, "{\"name\":\"gs 1\",  \"cpu_limit\":4}");
	ck_assert_int_eq(hg_graphspace_get(cl, "gs 1", &def, &len, &err), 0);
	ck_assert_str_eq(t->url[t->n_req - 1], "http://127.0.0.1:8080/graphspaces/gs%201");
	ck_assert_uint_eq(len, strlen("{\"name\":\"gs 1\",  \"cpu_limit\":4}"));
	ck_assert(memcmp(def, "{\"name\":\"gs 1\",  \"cpu_limit\":4}", len) == 0);
	free(def);
	canned_add(t, 200, "[1]");
	ck_assert_int_eq(hg_graphspace_get(cl, "gs1", &def, &len, &err), -HG_EPROTOCOL);
	ck_assert_ptr_null(def);
	canned_add(t, 500, "{\"exception\":\"class java.lang.NullPointerException\",\"message\":\"metaDriver is null\"}");
	ck_assert_int_eq(hg_graphspace_get(cl, "DEFAULT", &def, &len, &err), -HG_ESERVER);

	/* create and update: the body as given, POST and PUT */
	canned_add(t, 201, "{}");
	ck_assert_int_eq(hg_graphspace_create(cl, "{\"name\":\"n\"}", 12, &err), 0);
	ck_assert_str_eq(t->method[t->n_req - 1], "POST");
	ck_assert_str_eq(t->url[t->n_req - 1], "http://127.0.0.1:8080/graphspaces");
	ck_assert_str_eq(t->body[t->n_req - 1], "{\"name\":\"n\"}");
	canned_add(t, 400, "{\"exception\":\"class java.lang.IllegalArgumentException\",\"message\":\"The graph space 'n' has existed\"}");
	ck_assert_int_eq(hg_graphspace_create(cl, "{\"name\":\"n\"}", 12, &err), -HG_EINVAL);
	ck_assert_str_eq(err.message, "The graph space 'n' has existed");
	canned_add(t, 200, "{}");
	ck_assert_int_eq(hg_graphspace_update(cl, "n/x", "{}", 2, &err), 0);
	ck_assert_str_eq(t->method[t->n_req - 1], "PUT");
	ck_assert_str_eq(t->url[t->n_req - 1], "http://127.0.0.1:8080/graphspaces/n%2Fx");
	hg_client_free(cl);

	/* before 1.7: no graphspaces, and nothing is asked */
	cl = open_canned(VERSIONS("1.5.0"), 0, &t);
	ck_assert_int_eq(hg_graphspace_list(cl, &names, &err), 0);
	ck_assert_ptr_null(names[0]);
	hg_strv_free(names);
	ck_assert_int_eq(hg_graphspace_get(cl, "DEFAULT", &def, &len, &err), -HG_ENOTFOUND);
	ck_assert_int_eq(hg_graphspace_create(cl, "{}", 2, &err), -HG_EINVAL);
	ck_assert_uint_eq(t->n_req, 2); /* /versions and the graph list of the open */
	hg_client_free(cl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* mode                                                                */

static const struct {
	const char *in;
	int rc;
	hg_mode m;
} mode_cases[] = {
	{ "NONE", 0, HG_MODE_NONE },
	{ "restoring", 0, HG_MODE_RESTORING },
	{ "  Merging\n", 0, HG_MODE_MERGING },
	{ "\tLOADING \r\n", 0, HG_MODE_LOADING },
	{ "RESTORE", -1, 0 },
	{ "RESTORINGX", -1, 0 },
	{ "", -1, 0 },
	{ "   ", -1, 0 },
	{ "NO NE", -1, 0 },
	{ "\"NONE\"", -1, 0 },
};

START_TEST(test_mode_parse)
{
	hg_mode m = HG_MODE__COUNT;

	ck_assert_int_eq(hg_mode_parse(mode_cases[_i].in, strlen(mode_cases[_i].in), &m), mode_cases[_i].rc);
	if (mode_cases[_i].rc == 0)
		ck_assert_int_eq(m, mode_cases[_i].m);
	else
		ck_assert_int_eq(m, HG_MODE__COUNT);
}
END_TEST

START_TEST(test_mode_names)
{
	ck_assert_str_eq(hg_mode_name(HG_MODE_NONE), "NONE");
	ck_assert_str_eq(hg_mode_name(HG_MODE_RESTORING), "RESTORING");
	ck_assert_str_eq(hg_mode_name(HG_MODE_MERGING), "MERGING");
	ck_assert_str_eq(hg_mode_name(HG_MODE_LOADING), "LOADING");
	ck_assert_ptr_null(hg_mode_name(HG_MODE__COUNT));
	/* length-limited: the rest of the buffer is not looked at */
	hg_mode m;
	ck_assert_int_eq(hg_mode_parse("NONEXYZ", 4, &m), 0);
	ck_assert_int_eq(m, HG_MODE_NONE);
}
END_TEST

START_TEST(test_get_set_mode)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 1, &t);
	hg_mode m = HG_MODE_NONE;
	hg_error err;

	canned_add(t, 200, "{\"mode\":\"MERGING\"}");
	ck_assert_int_eq(hg_get_mode(cl, "my graph", &m, &err), 0);
	ck_assert_int_eq(m, HG_MODE_MERGING);
	ck_assert_str_eq(t->method[2], "GET");
	ck_assert_str_eq(t->url[2], "http://127.0.0.1:8080/graphs/my%20graph/mode");

	canned_add(t, 200, "{\"mode\":\"RESTORING\"}");
	ck_assert_int_eq(hg_set_mode(cl, "hugegraph", HG_MODE_RESTORING, &err), 0);
	ck_assert_str_eq(t->method[3], "PUT");
	ck_assert_str_eq(t->url[3], "http://127.0.0.1:8080/graphs/hugegraph/mode");
	ck_assert_str_eq(t->body[3], "\"RESTORING\"");
	ck_assert_str_eq(t->auth[3], "Authorization: Basic YWRtaW46cGE=");

	/* the server answered another mode */
	canned_add(t, 200, "{\"mode\":\"NONE\"}");
	ck_assert_int_eq(hg_set_mode(cl, "hugegraph", HG_MODE_LOADING, &err), -HG_EPROTOCOL);
	/* unknown mode in a GET */
	canned_add(t, 200, "{\"mode\":\"FLYING\"}");
	ck_assert_int_eq(hg_get_mode(cl, "hugegraph", &m, &err), -HG_EPROTOCOL);
	/* a refusal */
	canned_add(t, 403, "{\"exception\":\"class jakarta.ws.rs.ForbiddenException\",\"message\":\"Permission denied\"}");
	ck_assert_int_eq(hg_set_mode(cl, "hugegraph", HG_MODE_NONE, &err), -HG_EFORBIDDEN);
	ck_assert_str_eq(err.message, "Permission denied");
	ck_assert_int_eq(hg_set_mode(cl, "hugegraph", (hg_mode)42, &err), -HG_EINVAL);
	hg_client_free(cl);
}
END_TEST

/* A graph created like another: 1.x posts no body (so no Content-Type,
 * which 1.x needs to be text/plain), 1.7 an empty JSON object under its
 * graphspace; the clone's name is escaped; a refusal is an error. */
START_TEST(test_graph_create)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 1, &t);
	hg_error err;

	canned_add(t, 200, "{\"name\":\"new\",\"backend\":\"rocksdb\"}");
	ck_assert_int_eq(hg_graph_create(cl, "new", "old one", &err), 0);
	ck_assert_str_eq(t->method[2], "POST");
	ck_assert_str_eq(t->url[2], "http://127.0.0.1:8080/graphs/new?clone_graph_name=old%20one");
	ck_assert_ptr_null(t->body[2]);
	canned_add(t, 400, "{\"exception\":\"class java.lang.IllegalArgumentException\",\"message\":\"The graph 'g' has existed\"}");
	ck_assert_int_eq(hg_graph_create(cl, "g", "old", &err), -HG_EINVAL);
	ck_assert_str_eq(err.message, "The graph 'g' has existed");
	ck_assert_int_eq(err.http_status, 400);
	hg_client_free(cl);

	cl = open_canned(VERSIONS("1.7.0"), 1, &t);
	canned_add(t, 201, "{\"name\":\"new\",\"nickname\":\"new\",\"backend\":\"rocksdb\",\"description\":\"\"}");
	ck_assert_int_eq(hg_graph_create(cl, "new", "g", &err), 0);
	ck_assert_str_eq(t->method[t->n_req - 1], "POST");
	ck_assert_str_eq(t->url[t->n_req - 1], "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/new?clone_graph_name=g");
	ck_assert_str_eq(t->body[t->n_req - 1], "{}");
	hg_client_free(cl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* streaming scanner                                                   */

typedef struct slices {
	hg_buf all; /* elements joined with '\n' */
	size_t n;
	int stop_after; /* 0: never */
} slices;

static int slice_cb(void *ctx, const char *elem, size_t len)
{
	slices *s = ctx;

	ck_assert_int_eq(hg_buf_append(&s->all, elem, len), 0);
	ck_assert_int_eq(hg_buf_append(&s->all, "\n", 1), 0);
	s->n++;
	return s->stop_after && s->n >= (size_t)s->stop_after;
}

/* Feeds doc in pieces (sizes from `sizes`, cycled; NULL: whole); returns
 * the feed/finish result and fills out. */
static int scan_doc(const char *key, const char *doc, size_t len, const size_t *sizes, size_t n_sizes, slices *out,
		    jscan *js)
{
	size_t off = 0, k = 0, n;
	int rc = 0;

	hg_buf_init(&out->all, 0);
	out->n = 0;
	jscan_init(js, key, 0, slice_cb, out);
	while (off < len && !rc) {
		n = sizes ? sizes[k++ % n_sizes] : len;
		if (n > len - off)
			n = len - off;
		rc = jscan_feed(js, doc + off, n);
		off += n;
	}
	if (!rc)
		rc = jscan_finish(js);
	return rc;
}

static const char scan_doc1[] =
	" {\"vertices\" : [ {\"id\":435226329513631744,\"label\":\"person\",\"type\":\"vertex\","
	"\"properties\":{\"name\":\"a]b}c\\\"d\",\"u\":\"\\u00e4\xe5\x9b\xbe\\ud83d\\ude00\",\"n\":-1.5e+3}} ,\n"
	"\t{\"id\":\"1:marko\",\"label\":\"person\",\"type\":\"vertex\",\"properties\":{\"l\":[1,[2,{}],true,null]}},"
	"\"str\\\\\" , 12 , -0.5E-2 , true , false , null , [ ] , { } ],"
	"\"other\":{\"vertices\":[99]},\"page\":\"AAk+/x==\"}\r\n";

static const char *const scan_doc1_elems =
	"{\"id\":435226329513631744,\"label\":\"person\",\"type\":\"vertex\","
	"\"properties\":{\"name\":\"a]b}c\\\"d\",\"u\":\"\\u00e4\xe5\x9b\xbe\\ud83d\\ude00\",\"n\":-1.5e+3}}\n"
	"{\"id\":\"1:marko\",\"label\":\"person\",\"type\":\"vertex\",\"properties\":{\"l\":[1,[2,{}],true,null]}}\n"
	"\"str\\\\\"\n12\n-0.5E-2\ntrue\nfalse\nnull\n[ ]\n{ }\n";

START_TEST(test_jscan_whole)
{
	slices s;
	jscan js;

	ck_assert_int_eq(scan_doc("vertices", scan_doc1, strlen(scan_doc1), NULL, 0, &s, &js), 0);
	ck_assert_str_eq(s.all.data, scan_doc1_elems);
	ck_assert_uint_eq(s.n, 10);
	ck_assert_uint_eq(js.n_elems, 10);
	ck_assert(js.found_array);
	ck_assert_int_eq(js.page, JSCAN_PAGE_STRING);
	ck_assert_str_eq(js.page_value, "AAk+/x==");
	jscan_free(&js);
	hg_buf_free(&s.all);
}
END_TEST

/* Every chunk size from 1 to 40 (1 = byte by byte) gives the same slices. */
START_TEST(test_jscan_chunk_sizes)
{
	size_t size = (size_t)_i + 1;
	slices s;
	jscan js;

	ck_assert_int_eq(scan_doc("vertices", scan_doc1, strlen(scan_doc1), &size, 1, &s, &js), 0);
	ck_assert_str_eq(s.all.data, scan_doc1_elems);
	ck_assert_str_eq(js.page_value, "AAk+/x==");
	jscan_free(&js);
	hg_buf_free(&s.all);
}
END_TEST

/* Two chunks split at every possible byte boundary. */
START_TEST(test_jscan_every_split)
{
	size_t len = strlen(scan_doc1), cut;

	for (cut = 0; cut <= len; cut++) {
		size_t sizes[2] = { cut ? cut : len, len - cut ? len - cut : len };
		slices s;
		jscan js;

		ck_assert_int_eq(scan_doc("vertices", scan_doc1, len, sizes, 2, &s, &js), 0);
		ck_assert_str_eq(s.all.data, scan_doc1_elems);
		ck_assert_str_eq(js.page_value, "AAk+/x==");
		jscan_free(&js);
		hg_buf_free(&s.all);
	}
}
END_TEST

START_TEST(test_jscan_random_chunks)
{
	unsigned seed = (unsigned)_i * 7919u + 1u;
	size_t sizes[64], k;
	slices s;
	jscan js;

	for (k = 0; k < 64; k++)
		sizes[k] = 1 + (size_t)rand_r(&seed) % 23;
	ck_assert_int_eq(scan_doc("vertices", scan_doc1, strlen(scan_doc1), sizes, 64, &s, &js), 0);
	ck_assert_str_eq(s.all.data, scan_doc1_elems);
	jscan_free(&js);
	hg_buf_free(&s.all);
}
END_TEST

static const struct {
	const char *doc;
	int page; /* jscan_page */
	const char *page_value;
	size_t n;
} page_cases[] = {
	{ "{\"page\":\"tok\\/en\",\"edges\":[{\"id\":\"x\"}]}", JSCAN_PAGE_STRING, "tok/en", 1 },
	{ "{\"edges\":[{\"id\":\"x\"},{\"id\":\"y\"}],\"page\":null}", JSCAN_PAGE_NULL, NULL, 2 },
	{ "{\"page\" : null , \"edges\" : [ ] }", JSCAN_PAGE_NULL, NULL, 0 },
	{ "{\"edges\":[1]}", JSCAN_PAGE_ABSENT, NULL, 1 },
	{ "{\"x\":{\"page\":\"inner\"},\"edges\":[],\"page\":\"\"}", JSCAN_PAGE_STRING, "", 0 },
};

START_TEST(test_jscan_page)
{
	const char *doc = page_cases[_i].doc;
	size_t one = 1;
	slices s;
	jscan js;

	ck_assert_int_eq(scan_doc("edges", doc, strlen(doc), &one, 1, &s, &js), 0);
	ck_assert_int_eq(js.page, page_cases[_i].page);
	if (page_cases[_i].page_value)
		ck_assert_str_eq(js.page_value, page_cases[_i].page_value);
	else
		ck_assert_ptr_null(js.page_value);
	ck_assert_uint_eq(s.n, page_cases[_i].n);
	jscan_free(&js);
	hg_buf_free(&s.all);
}
END_TEST

static const char *const bad_docs[] = {
	"",
	"[]",
	"\"x\"",
	"{\"vertices\":{}}",
	"{\"vertices\":[1,]}",
	"{\"vertices\":[01]}",
	"{\"vertices\":[1.]}",
	"{\"vertices\":[-]}",
	"{\"vertices\":[1e]}",
	"{\"vertices\":[tru]}",
	"{\"vertices\":[nul1]}",
	"{\"vertices\":[\"a\\x\"]}",
	"{\"vertices\":[\"\\u12G4\"]}",
	"{\"vertices\":[\"a\nb\"]}",
	"{\"vertices\":[1}",
	"{\"vertices\":[{\"a\" 1}]}",
	"{\"vertices\":[{1:2}]}",
	"{\"vertices\":[]}}",
	"{\"vertices\":[]} x",
	"{\"vertices\":[],\"page\":5}",
	"{\"vertices\":[],\"page\":true}",
	"{\"vertices\":[] \"page\":null}",
	"{,}",
};

START_TEST(test_jscan_malformed)
{
	slices s;
	jscan js;
	int rc = scan_doc("vertices", bad_docs[_i], strlen(bad_docs[_i]), NULL, 0, &s, &js);

	ck_assert_int_eq(rc, -HG_EPROTOCOL);
	ck_assert_str_ne(js.errmsg, "");
	/* the error sticks */
	ck_assert_int_eq(jscan_feed(&js, "{}", 2), -HG_EPROTOCOL);
	jscan_free(&js);
	hg_buf_free(&s.all);
}
END_TEST

/* Every proper prefix of a valid document is an error, never a short result. */
START_TEST(test_jscan_truncated)
{
	size_t len = strlen(scan_doc1) - 2; /* without the trailing white space */
	size_t cut;

	for (cut = 0; cut < len; cut++) {
		slices s;
		jscan js;

		ck_assert_msg(scan_doc("vertices", scan_doc1, cut, NULL, 0, &s, &js) == -HG_EPROTOCOL,
			      "prefix of %zu bytes accepted", cut);
		jscan_free(&js);
		hg_buf_free(&s.all);
	}
}
END_TEST

START_TEST(test_jscan_limits)
{
	slices s = { .stop_after = 1 };
	jscan js;
	const char *doc = "{\"vertices\":[\"0123456789\",2,3]}";

	/* element larger than the bound */
	hg_buf_init(&s.all, 0);
	jscan_init(&js, "vertices", 8, slice_cb, &s);
	ck_assert_int_eq(jscan_feed(&js, doc, 24), -HG_ETOOBIG);
	jscan_free(&js);
	jscan_init(&js, "vertices", 8, slice_cb, &s);
	ck_assert_int_eq(jscan_feed(&js, doc, strlen(doc)), -HG_ETOOBIG);
	jscan_free(&js);
	/* the callback stops the scan */
	hg_buf_reset(&s.all);
	s.n = 0;
	jscan_init(&js, "vertices", 0, slice_cb, &s);
	ck_assert_int_eq(jscan_feed(&js, doc, strlen(doc)), -HG_ECALLBACK);
	ck_assert_uint_eq(s.n, 1);
	jscan_free(&js);
	hg_buf_free(&s.all);
	/* nesting too deep */
	{
		char deep[2 * JSCAN_MAX_DEPTH + 32];
		size_t k, n = 0;

		n += (size_t)sprintf(deep, "{\"vertices\":");
		for (k = 0; k < JSCAN_MAX_DEPTH; k++)
			deep[n++] = '[';
		jscan_init(&js, "vertices", 0, NULL, NULL);
		ck_assert_int_eq(jscan_feed(&js, deep, n), -HG_EPROTOCOL);
		jscan_free(&js);
	}
}
END_TEST

static const struct {
	const char *obj;
	int rc;
	int64_t id;
} id_cases[] = {
	{ "{\"id\":435226329513631744,\"name\":\"x\"}", 0, 435226329513631744LL },
	{ "{\"name\":\"id\",\"user_data\":{\"id\":5},\"id\":9223372036854775807}", 0, INT64_MAX },
	{ "{ \"id\" : -9223372036854775808 }", 0, INT64_MIN },
	{ "{\"x\":[\"}\",{\"id\":1}],\"id\":7}", 0, 7 },
	{ "{\"id\":\"1:marko\"}", 1, 0 },
	{ "{\"id\":1.5}", 1, 0 },
	{ "{\"name\":\"a\"}", 1, 0 },
	{ "{}", 1, 0 },
	{ "{\"id\":9223372036854775808}", -1, 0 },
	{ "[1]", -1, 0 },
};

START_TEST(test_top_int64)
{
	int64_t id = 0;

	ck_assert_int_eq(jscan_top_int64(id_cases[_i].obj, strlen(id_cases[_i].obj), "id", &id), id_cases[_i].rc);
	if (id_cases[_i].rc == 0)
		ck_assert(id == id_cases[_i].id);
}
END_TEST

START_TEST(test_unescape)
{
	const char *raw = "a\\\"b\\\\c\\/d\\n\\u00e4\\u56fe\\ud83d\\ude00";
	hg_buf b;

	hg_buf_init(&b, 0);
	ck_assert_int_eq(jscan_unescape(&b, raw, strlen(raw)), 0);
	ck_assert_str_eq(b.data, "a\"b\\c/d\n\xc3\xa4\xe5\x9b\xbe\xf0\x9f\x98\x80");
	hg_buf_reset(&b);
	ck_assert_int_eq(jscan_unescape(&b, "\\q", 2), -1);
	hg_buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* schema lists                                                        */

static const char schema_body[] =
	"{\"propertykeys\": [\n"
	"  {\"id\":435226329513631744,\"name\":\"big\",\"data_type\":\"LONG\"},\n"
	"  {\"id\":3,\"name\":\"a]b}\\\"c\",\"user_data\":{\"id\":1,\"~create_time\":\"2023\"}},\n"
	"  {\"name\":\"noid\",\"id\":1,\"x\":\"\xe5\x9b\xbe\\u00e4\"},\n"
	"  {\"id\":2,\"name\":\"first2\"},\n"
	"  {\"id\":2,\"name\":\"second2\"}\n"
	"]}";

static const char *const schema_sorted[] = {
	"{\"name\":\"noid\",\"id\":1,\"x\":\"\xe5\x9b\xbe\\u00e4\"}",
	"{\"id\":2,\"name\":\"first2\"}",
	"{\"id\":2,\"name\":\"second2\"}",
	"{\"id\":3,\"name\":\"a]b}\\\"c\",\"user_data\":{\"id\":1,\"~create_time\":\"2023\"}}",
	"{\"id\":435226329513631744,\"name\":\"big\",\"data_type\":\"LONG\"}",
};
static const int64_t schema_ids[] = { 1, 2, 2, 3, 435226329513631744LL };

static const size_t schema_chunks[] = { 0, 1, 2, 5, CHUNK_RANDOM };

START_TEST(test_schema_list)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.7.0"), schema_chunks[_i], &t);
	hg_elems *e = NULL;
	hg_error err;
	size_t k;

	canned_add(t, 200, schema_body);
	ck_assert_int_eq(hg_schema_list(cl, "hugegraph", HG_SCHEMA_PROPERTYKEYS, &e, &err), 0);
	ck_assert_str_eq(t->url[2], "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/hugegraph/schema/propertykeys");
	ck_assert_uint_eq(e->n, 5);
	for (k = 0; k < e->n; k++) {
		ck_assert_uint_le(e->v[k].off + e->v[k].len, e->data_len);
		ck_assert_uint_eq(e->v[k].len, strlen(schema_sorted[k]));
		ck_assert(memcmp(e->data + e->v[k].off, schema_sorted[k], e->v[k].len) == 0);
		ck_assert(e->v[k].id == schema_ids[k]);
	}
	hg_elems_free(e);
	hg_client_free(cl);
}
END_TEST

START_TEST(test_schema_errors)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.3.0"), 0, &t);
	hg_elems *e = NULL;
	hg_error err;

	canned_add(t, 200, "{\"vertexlabels\":[]}");
	ck_assert_int_eq(hg_schema_list(cl, "g", HG_SCHEMA_VERTEXLABELS, &e, &err), 0);
	ck_assert_str_eq(t->url[2], "http://127.0.0.1:8080/graphs/g/schema/vertexlabels");
	ck_assert_uint_eq(e->n, 0);
	hg_elems_free(e);
	e = NULL;
	canned_add(t, 200, "{\"edgelabels\":[{\"id\":1}]}"); /* asked for index labels */
	ck_assert_int_eq(hg_schema_list(cl, "g", HG_SCHEMA_INDEXLABELS, &e, &err), -HG_EPROTOCOL);
	ck_assert_ptr_null(e);
	canned_add(t, 200, "{\"edgelabels\":[{\"id\":1}");
	ck_assert_int_eq(hg_schema_list(cl, "g", HG_SCHEMA_EDGELABELS, &e, &err), -HG_EPROTOCOL);
	ck_assert_ptr_null(e);
	canned_add(t, 404, "{\"exception\":\"class org.apache.hugegraph.exception.NotFoundException\","
			   "\"message\":\"Graph 'g' does not exist\"}");
	ck_assert_int_eq(hg_schema_list(cl, "g", HG_SCHEMA_EDGELABELS, &e, &err), -HG_ENOTFOUND);
	ck_assert_int_eq(hg_schema_list(cl, "g", HG_SCHEMA__COUNT, &e, &err), -HG_EINVAL);
	ck_assert_str_eq(hg_schema_type_name(HG_SCHEMA_INDEXLABELS), "indexlabels");
	hg_client_free(cl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* shards and scan                                                     */

START_TEST(test_shards)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 4, &t);
	hg_shards *s = NULL;
	hg_error err;

	canned_add(t, 200, "{\"shards\":[{\"start\":\"\",\"end\":\"AAk+/x==\",\"length\":0},"
			   "{\"start\":\"AAk+/x==\",\"end\":\"\",\"length\":1234}]}");
	ck_assert_int_eq(hg_get_shards(cl, "g", HG_KIND_EDGE, 1048576, &s, &err), 0);
	ck_assert_str_eq(t->url[2], "http://127.0.0.1:8080/graphs/g/traversers/edges/shards?split_size=1048576");
	ck_assert_uint_eq(s->n, 2);
	ck_assert_str_eq(s->v[0].start, "");
	ck_assert_str_eq(s->v[0].end, "AAk+/x==");
	ck_assert_str_eq(s->v[1].start, "AAk+/x==");
	ck_assert_int_eq(s->v[1].length, 1234);
	hg_shards_free(s);
	s = NULL;
	ck_assert_int_eq(hg_get_shards(cl, "g", HG_KIND_VERTEX, 1000, &s, &err), -HG_EINVAL);
	canned_add(t, 200, "{\"shards\":[]}");
	ck_assert_int_eq(hg_get_shards(cl, "g", HG_KIND_VERTEX, 1 << 24, &s, &err), 0);
	ck_assert_str_eq(t->url[3], "http://127.0.0.1:8080/graphs/g/traversers/vertices/shards?split_size=16777216");
	ck_assert_uint_eq(s->n, 0);
	hg_shards_free(s);
	hg_client_free(cl);
}
END_TEST

static const size_t scan_chunks[] = { 0, 1, 3, CHUNK_RANDOM };

START_TEST(test_scan_paged)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.7.0"), scan_chunks[_i], &t);
	hg_shard shard = { "", "AAk+/x==", 0 };
	slices s = { 0 };
	hg_error err;

	hg_buf_init(&s.all, 0);
	canned_add(t, 200, "{\"vertices\":[{\"id\":1},{\"id\":435226329513631744}],\"page\":\"p+1/=\"}");
	canned_add(t, 200, "{\"page\":\"p2\",\"vertices\":[ \"s]}\\\"\" ]}");
	canned_add(t, 200, "{\"vertices\":[{\"id\":3}],\"page\":null}");
	ck_assert_int_eq(hg_scan(cl, "my g", HG_KIND_VERTEX, &shard, true, 500, slice_cb, &s, &err), 0);
	ck_assert_str_eq(s.all.data, "{\"id\":1}\n{\"id\":435226329513631744}\n\"s]}\\\"\"\n{\"id\":3}\n");
	ck_assert_uint_eq(t->n_req, 5);
	ck_assert_str_eq(t->url[2], "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/my%20g/traversers/vertices/scan"
				    "?start=&end=AAk%2B%2Fx%3D%3D&page=&page_limit=500");
	ck_assert_str_eq(t->url[3], "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/my%20g/traversers/vertices/scan"
				    "?start=&end=AAk%2B%2Fx%3D%3D&page=p%2B1%2F%3D&page_limit=500");
	ck_assert_str_eq(t->url[4], "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/my%20g/traversers/vertices/scan"
				    "?start=&end=AAk%2B%2Fx%3D%3D&page=p2&page_limit=500");
	ck_assert_str_eq(t->auth[4], "Authorization: Basic YWRtaW46cGE=");
	hg_buf_free(&s.all);
	hg_client_free(cl);
}
END_TEST

START_TEST(test_scan_unpaged)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 2, &t);
	hg_shard shard = { "0", "5", 0 };
	slices s = { 0 };
	hg_error err;

	hg_buf_init(&s.all, 0);
	canned_add(t, 200, "{\"edges\":[{\"id\":\"S1:a>1>1>>S1:b\"}]}");
	ck_assert_int_eq(hg_scan(cl, "g", HG_KIND_EDGE, &shard, false, 500, slice_cb, &s, &err), 0);
	ck_assert_str_eq(t->url[2], "http://127.0.0.1:8080/graphs/g/traversers/edges/scan?start=0&end=5");
	ck_assert_str_eq(s.all.data, "{\"id\":\"S1:a>1>1>>S1:b\"}\n");
	ck_assert_uint_eq(t->n_req, 3);
	hg_buf_free(&s.all);
	hg_client_free(cl);
}
END_TEST

START_TEST(test_scan_empty_page_stops)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 0, &t);
	hg_shard shard = { "", "", 0 };
	slices s = { 0 };
	hg_error err;

	hg_buf_init(&s.all, 0);
	canned_add(t, 200, "{\"vertices\":[1],\"page\":\"a\"}");
	canned_add(t, 200, "{\"vertices\":[],\"page\":\"b\"}"); /* Cassandra-style extra page */
	ck_assert_int_eq(hg_scan(cl, "g", HG_KIND_VERTEX, &shard, true, 0, slice_cb, &s, &err), 0);
	ck_assert_uint_eq(t->n_req, 4);
	ck_assert_str_eq(t->url[3], "http://127.0.0.1:8080/graphs/g/traversers/vertices/scan?start=&end=&page=a");
	ck_assert_uint_eq(s.n, 1);
	hg_buf_free(&s.all);
	hg_client_free(cl);
}
END_TEST

static const struct {
	const char *pages[3];
	int truncate_last;
	int rc;
} scan_err_cases[] = {
	/* the same token twice */
	{ { "{\"vertices\":[1],\"page\":\"a\"}", "{\"vertices\":[2],\"page\":\"a\"}", NULL }, 0, -HG_EPROTOCOL },
	{ { "{\"vertices\":[1],\"page\":\"a\"}", "{\"vertices\":[2],\"page\":\"b\"}",
	    "{\"vertices\":[3],\"page\":\"a\"}" },
	  0, -HG_EPROTOCOL },
	/* truncated JSON with a clean end of transfer */
	{ { "{\"vertices\":[{\"id\":1},{\"id\":2}", NULL, NULL }, 0, -HG_EPROTOCOL },
	{ { "{\"vertices\":[1],\"page\":\"a\"}", "{\"vertices\":[2],\"pa", NULL }, 0, -HG_EPROTOCOL },
	/* a transfer cut short */
	{ { "{\"vertices\":[{\"id\":1},{\"id\":2}", NULL, NULL }, 1, -HG_ETRANSPORT },
	/* no array */
	{ { "{\"page\":null}", NULL, NULL }, 0, -HG_EPROTOCOL },
	{ { "{\"edges\":[],\"page\":null}", NULL, NULL }, 0, -HG_EPROTOCOL },
	/* garbage */
	{ { "<html></html>", NULL, NULL }, 0, -HG_EPROTOCOL },
};

START_TEST(test_scan_errors)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 1, &t);
	hg_shard shard = { "", "", 0 };
	slices s = { 0 };
	hg_error err;
	size_t k;

	hg_buf_init(&s.all, 0);
	for (k = 0; k < 3 && scan_err_cases[_i].pages[k]; k++)
		canned_add(t, 200, scan_err_cases[_i].pages[k]);
	t->resp[t->n_resp - 1].truncate = scan_err_cases[_i].truncate_last;
	ck_assert_int_eq(hg_scan(cl, "g", HG_KIND_VERTEX, &shard, true, 0, slice_cb, &s, &err), scan_err_cases[_i].rc);
	ck_assert_int_eq(err.code, -scan_err_cases[_i].rc);
	ck_assert_str_ne(err.message, "");
	hg_buf_free(&s.all);
	hg_client_free(cl);
}
END_TEST

START_TEST(test_scan_http_error)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 1, &t);
	hg_shard shard = { "", "", 0 };
	slices s = { .stop_after = 1 };
	hg_error err;

	hg_buf_init(&s.all, 0);
	canned_add(t, 400, "{\"exception\":\"class org.apache.hugegraph.exception.LimitExceedException\","
			   "\"message\":\"Too many records(must <= 800000)\",\"cause\":\"\"}");
	ck_assert_int_eq(hg_scan(cl, "g", HG_KIND_VERTEX, &shard, false, 0, slice_cb, &s, &err), -HG_EINVAL);
	ck_assert_str_eq(err.message, "Too many records(must <= 800000)");
	ck_assert_str_eq(err.exception, "class org.apache.hugegraph.exception.LimitExceedException");
	ck_assert_uint_eq(s.n, 0);
	/* the callback stops the scan */
	canned_add(t, 200, "{\"vertices\":[1,2,3],\"page\":\"x\"}");
	ck_assert_int_eq(hg_scan(cl, "g", HG_KIND_VERTEX, &shard, true, 0, slice_cb, &s, &err), -HG_ECALLBACK);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(t->n_req, 4);
	hg_buf_free(&s.all);
	hg_client_free(cl);
}
END_TEST

/* ---- splitting memory shards, smaller pages: hg_scan_shard ------------- */

static const struct {
	const char *start, *end;
	int rc;
	const char *mid; /* left is [start, mid), right [mid, end) */
} halve_cases[] = {
	{ "", "10", 0, "5" },
	{ "", "20011", 0, "10005" },
	{ "10005", "20010", 0, "15007" },
	{ "0", "2", 0, "1" },
	{ "007", "9", 0, "8" }, /* the start passed back as received */
	{ "0", "9223372036854775807", 0, "4611686018427387903" },
	{ "4611686018427387904", "9223372036854775807", 0, "6917529027641081855" },
	/* fewer than 2 entries, or reversed */
	{ "3", "4", -HG_EINVAL, NULL },
	{ "", "1", -HG_EINVAL, NULL },
	{ "4", "4", -HG_EINVAL, NULL },
	{ "5", "3", -HG_EINVAL, NULL },
	/* open-ended: the end is unknown */
	{ "", "", -HG_EINVAL, NULL },
	{ "20000", "", -HG_EINVAL, NULL },
	/* not decimal: opaque bounds (rocksdb, hbase, cassandra, mysql) */
	{ "", "AAk+/x==", -HG_EINVAL, NULL },
	{ "AAAA", "BBBB", -HG_EINVAL, NULL },
	{ "-1", "5", -HG_EINVAL, NULL },
	{ "+1", "5", -HG_EINVAL, NULL },
	{ " 1", "5", -HG_EINVAL, NULL },
	{ "1", "5 ", -HG_EINVAL, NULL },
	{ "1x", "5", -HG_EINVAL, NULL },
	{ "0", "99999999999999999999", -HG_EINVAL, NULL },
};

START_TEST(test_shard_halve)
{
	hg_shard in = { (char *)halve_cases[_i].start, (char *)halve_cases[_i].end, 7 };
	hg_shard l, r;

	ck_assert_int_eq(hg_shard_halve(&in, &l, &r), halve_cases[_i].rc);
	if (halve_cases[_i].rc) {
		ck_assert_ptr_null(l.start);
		ck_assert_ptr_null(r.end);
		return;
	}
	ck_assert_str_eq(l.start, halve_cases[_i].start);
	ck_assert_str_eq(l.end, halve_cases[_i].mid);
	ck_assert_str_eq(r.start, halve_cases[_i].mid);
	ck_assert_str_eq(r.end, halve_cases[_i].end);
	ck_assert_int_eq(l.length, 0);
	free(l.start);
	free(l.end);
	free(r.start);
	free(r.end);
}
END_TEST

START_TEST(test_shard_halve_null_start)
{
	hg_shard in = { NULL, "6", 0 };
	hg_shard l, r;
	int64_t v = -1;

	ck_assert_int_eq(hg_shard_halve(&in, &l, &r), 0);
	ck_assert_str_eq(l.start, "");
	ck_assert_str_eq(l.end, "3");
	ck_assert_str_eq(r.start, "3");
	free(l.start);
	free(l.end);
	free(r.start);
	free(r.end);
	ck_assert(hg_shard_bound_index("0", &v) && v == 0);
	ck_assert(hg_shard_bound_index("20011", &v) && v == 20011);
	ck_assert(!hg_shard_bound_index("", &v));
	ck_assert(!hg_shard_bound_index(NULL, &v));
}
END_TEST

static const struct {
	const char *in[8]; /* start, end pairs, NULL-terminated */
	const char *out_end[4];
} shard_cases[] = {
	/* 20001 entries, split in two: the last shard's empty end is filled */
	{{"", "10000", "10000", "20000", "20000", "", NULL}, {"10000", "20000", "30000", NULL}},
	/* evenly divided: nothing changes */
	{{"", "10000", "10000", "20000", NULL}, {"10000", "20000", NULL}},
	/* one shard only: nothing changes */
	{{"", "5", NULL}, {"5", NULL}},
	/* opaque (rocksdb-like) bounds are left alone */
	{{"", "AAAA", "AAAA", "", NULL}, {"AAAA", "", NULL}},
};

START_TEST(test_fix_memory_shards)
{
	hg_shard v[4];
	hg_shards s = {.v = v, .n = 0};

	for (size_t i = 0; shard_cases[_i].in[2 * i] != NULL; i++) {
		v[i].start = strdup(shard_cases[_i].in[2 * i]);
		v[i].end = strdup(shard_cases[_i].in[2 * i + 1]);
		v[i].length = 0;
		s.n++;
	}
	ck_assert_int_eq(hg_shards_fix_memory(&s), 0);
	for (size_t i = 0; i < s.n; i++) {
		ck_assert_str_eq(v[i].start, shard_cases[_i].in[2 * i]);
		ck_assert_str_eq(v[i].end, shard_cases[_i].out_end[i]);
		free(v[i].start);
		free(v[i].end);
	}
}
END_TEST

START_TEST(test_too_many_records)
{
	hg_error e;

	hg_error_clear(&e);
	ck_assert(!hg_error_too_many_records(&e));
	ck_assert(!hg_error_too_many_records(NULL));
	e.http_status = 400;
	snprintf(e.message, sizeof(e.message), "Too many records(must <= 800000) for a query");
	ck_assert(hg_error_too_many_records(&e));
	snprintf(e.message, sizeof(e.message), "something else");
	snprintf(e.exception, sizeof(e.exception), "class org.apache.hugegraph.exception.LimitExceedException");
	ck_assert(hg_error_too_many_records(&e));
	e.http_status = 500;
	ck_assert(!hg_error_too_many_records(&e));
	e.http_status = 400;
	snprintf(e.exception, sizeof(e.exception), "class java.lang.IllegalArgumentException");
	ck_assert(!hg_error_too_many_records(&e));
}
END_TEST

#define LEE_BODY                                                                                  \
	"{\"exception\":\"class org.apache.hugegraph.exception.LimitExceedException\","           \
	"\"message\":\"Too many records(must <= 3) for a query\",\"cause\":\"\"}"
#define SCAN_URL "http://127.0.0.1:8080/graphs/g/traversers/vertices/scan?"
#define ISE_BODY "{\"exception\":\"class java.lang.IllegalStateException\",\"message\":\"boom\"}"

enum { CUT_NONE, CUT_TRUNCATE, CUT_TIMEOUT };

/* hg_scan_shard against canned answers: the scan requests it makes (their
 * query strings), what it commits, and what it reports ("KIND part-or-page",
 * failures after a '#'). */
static const struct {
	const char *start, *end;
	bool paged;
	long page_limit;
	struct {
		long status;
		const char *body;
		int cut;
	} resp[8];
	int rc;
	const char *out;
	const char *queries;
	const char *events;
	int stop_after; /* the sink stops the scan at this element */
} shard_scan_cases[] = {
	/* a memory shard too large for one scan: halves, in order; once the left
	 * part needed halving twice, the right one is halved to that size unasked */
	{ "", "8", false, 500,
	  { { 400, LEE_BODY, 0 }, { 400, LEE_BODY, 0 }, { 200, "{\"vertices\":[0,1]}", 0 },
	    { 200, "{\"vertices\":[2,3]}", 0 }, { 200, "{\"vertices\":[4,5]}", 0 },
	    { 200, "{\"vertices\":[6,7]}", 0 } },
	  0, "0\n1\n2\n3\n4\n5\n6\n7\n",
	  "start=&end=8 start=&end=4 start=&end=2 start=2&end=4 start=4&end=6 start=6&end=8",
	  "SPLIT [,8) SPLIT [,4)" },
	/* splitting cannot help: one entry is still too many */
	{ "5", "7", false, 0, { { 400, LEE_BODY, 0 }, { 400, LEE_BODY, 0 } }, -HG_EINVAL, "",
	  "start=5&end=7 start=5&end=6", "SPLIT [5,7) FAILED#1 [5,6)" },
	/* opaque bounds are never split, an open end cannot be */
	{ "", "AAk+/x==", false, 0, { { 400, LEE_BODY, 0 } }, -HG_EINVAL, "", "start=&end=AAk%2B%2Fx%3D%3D",
	  "FAILED#1 [,AAk+/x==)" },
	{ "10", "", false, 0, { { 400, LEE_BODY, 0 } }, -HG_EINVAL, "", "start=10&end=", "FAILED#1 [10,)" },
	/* transient failures: the part is asked for again, what a failed try
	 * delivered is discarded; a part that timed out is split */
	{ "0", "4", false, 0,
	  { { 500, ISE_BODY, 0 }, { 200, "{\"vertices\":[0,1,", CUT_TRUNCATE },
	    { 200, "{\"vertices\":[0,1,2,", CUT_TIMEOUT }, { 200, "{\"vertices\":[0,1]}", 0 },
	    { 200, "{\"vertices\":[2,3]}", 0 } },
	  0, "0\n1\n2\n3\n", "start=0&end=4 start=0&end=4 start=0&end=4 start=0&end=2 start=2&end=4",
	  "RETRY#1 [0,4) RETRY#2 [0,4) SPLIT [0,4)" },
	/* paged: a page that times out or is too many is asked for again from its
	 * token with half the page_limit, down to the floor */
	{ "", "AAk+", true, 4000,
	  { { 200, "{\"vertices\":[1,2],\"page\":\"a\"}", 0 }, { 200, "{\"vertices\":[3,4,", CUT_TIMEOUT },
	    { 200, "{\"vertices\":[3],\"page\":\"b\"}", 0 }, { 400, LEE_BODY, 0 },
	    { 200, "{\"vertices\":[4],\"page\":null}", 0 } },
	  0, "1\n2\n3\n4\n",
	  "start=&end=AAk%2B&page=&page_limit=4000 start=&end=AAk%2B&page=a&page_limit=4000 "
	  "start=&end=AAk%2B&page=a&page_limit=2000 start=&end=AAk%2B&page=b&page_limit=2000 "
	  "start=&end=AAk%2B&page=b&page_limit=1000",
	  "SHRINK a@2000 SHRINK b@1000" },
	/* paged, at the floor already: timeouts are retried from the same page
	 * (HG_SCAN_TRIES in a row), then the shard fails */
	{ "", "", true, 1000,
	  { { 200, "{\"vertices\":[1],\"page\":\"a\"}", 0 }, { 200, "{\"vertices\":[2,", CUT_TIMEOUT },
	    { 200, "{\"vertices\":[2,", CUT_TIMEOUT }, { 200, "{\"vertices\":[2,", CUT_TIMEOUT },
	    { 200, "{\"vertices\":[2,", CUT_TIMEOUT } },
	  -HG_ETRANSPORT, "1\n",
	  "start=&end=&page=&page_limit=1000 start=&end=&page=a&page_limit=1000 start=&end=&page=a&page_limit=1000 "
	  "start=&end=&page=a&page_limit=1000 start=&end=&page=a&page_limit=1000",
	  "RETRY#1 a@1000 RETRY#2 a@1000 RETRY#3 a@1000 FAILED#4 a@1000" },
	/* the page limit's default (0) is halved from the server's 100000 */
	{ "", "", true, 0,
	  { { 400, LEE_BODY, 0 }, { 200, "{\"vertices\":[1],\"page\":null}", 0 } },
	  0, "1\n", "start=&end=&page= start=&end=&page=&page_limit=50000", "SHRINK @50000" },
	/* the sink stops the scan: no retry, no event */
	{ "0", "2", false, 0, { { 200, "{\"vertices\":[1,2]}", 0 } }, -HG_ECALLBACK, "1\n", "start=0&end=2", "", 1 },
};

/* A sink that keeps what was committed and what the scan reported. */
typedef struct rec_sink {
	slices s;
	size_t mark; /* committed bytes of s.all */
	hg_buf events;
} rec_sink;

static int rec_elem(void *ctx, const char *elem, size_t len)
{
	return slice_cb(&((rec_sink *)ctx)->s, elem, len);
}

static void rec_commit(void *ctx)
{
	rec_sink *r = ctx;

	r->mark = r->s.all.len;
}

static void rec_discard(void *ctx)
{
	rec_sink *r = ctx;

	r->s.all.len = r->mark;
	if (r->s.all.data)
		r->s.all.data[r->mark] = '\0';
}

static void rec_event(void *ctx, const hg_scan_event *ev)
{
	static const char *const names[] = { "SPLIT", "SHRINK", "RETRY", "FAILED" };
	rec_sink *r = ctx;

	if (r->events.len)
		hg_buf_puts(&r->events, " ");
	hg_buf_puts(&r->events, names[ev->kind]);
	if (ev->kind == HG_SCAN_RETRY || ev->kind == HG_SCAN_FAILED)
		hg_buf_printf(&r->events, "#%d", ev->failures);
	if (ev->page)
		hg_buf_printf(&r->events, " %s@%ld", ev->page, ev->page_limit);
	else
		hg_buf_printf(&r->events, " [%s,%s)", ev->part->start, ev->part->end);
	ck_assert_int_ne(ev->err->code, 0);
}

START_TEST(test_scan_shard)
{
	size_t n_chunks = sizeof(scan_chunks) / sizeof(scan_chunks[0]), k = (size_t)_i / n_chunks;
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), scan_chunks[(size_t)_i % n_chunks], &t);
	hg_shard shard = { (char *)shard_scan_cases[k].start, (char *)shard_scan_cases[k].end, 0 };
	rec_sink r = { .s = { .stop_after = shard_scan_cases[k].stop_after } };
	hg_scan_sink sink = { rec_elem, rec_commit, rec_discard, rec_event, &r };
	hg_buf queries;
	hg_error err;
	size_t j;

	hg_buf_init(&queries, 0);
	for (j = 0; j < 8 && shard_scan_cases[k].resp[j].body; j++) {
		canned_add(t, shard_scan_cases[k].resp[j].status, shard_scan_cases[k].resp[j].body);
		t->resp[t->n_resp - 1].truncate = shard_scan_cases[k].resp[j].cut == CUT_TRUNCATE;
		t->resp[t->n_resp - 1].timeout = shard_scan_cases[k].resp[j].cut == CUT_TIMEOUT;
	}
	ck_assert_int_eq(hg_scan_shard(cl, "g", HG_KIND_VERTEX, &shard, shard_scan_cases[k].paged,
				       shard_scan_cases[k].page_limit, &sink, &err),
			 shard_scan_cases[k].rc);
	ck_assert_str_eq(r.s.all.data ? r.s.all.data : "", shard_scan_cases[k].out);
	ck_assert_uint_eq(t->n_req, 2 + j); /* every canned answer was asked for */
	for (j = 2; j < t->n_req; j++) {
		const char *q = strchr(t->url[j], '?');

		ck_assert_ptr_nonnull(q);
		ck_assert(strncmp(t->url[j], SCAN_URL, strlen(SCAN_URL) - 1) == 0);
		hg_buf_printf(&queries, "%s%s", j > 2 ? " " : "", q + 1);
	}
	ck_assert_str_eq(queries.data, shard_scan_cases[k].queries);
	ck_assert_str_eq(r.events.data ? r.events.data : "", shard_scan_cases[k].events);
	if (shard_scan_cases[k].rc == -HG_ETRANSPORT)
		ck_assert(err.timed_out);
	hg_buf_free(&queries);
	hg_buf_free(&r.s.all);
	hg_buf_free(&r.events);
	hg_client_free(cl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* restore: schema create, tasks, batches, schema names                */

#define PK_BODY "{\"id\":1,\"name\":\"name\",\"data_type\":\"TEXT\",\"check_exist\":false}"

static const struct {
	const char *core;
	hg_schema_type type;
	long status;
	const char *answer;
	const char *url;
	int64_t task_id;
} schema_create_cases[] = {
	{ "1.3.0", HG_SCHEMA_PROPERTYKEYS, 202,
	  "{\"property_key\":{\"id\":1,\"name\":\"name\",\"data_type\":\"TEXT\"},\"task_id\":0}",
	  "http://127.0.0.1:8080/graphs/g/schema/propertykeys", 0 },
	{ "1.7.0", HG_SCHEMA_PROPERTYKEYS, 202,
	  "{\"property_key\":{\"id\":2,\"name\":\"rank\",\"write_type\":\"OLAP_COMMON\"},\"task_id\":12}",
	  "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/g/schema/propertykeys", 12 },
	/* a "task_id" inside the element is not the task */
	{ "1.7.0", HG_SCHEMA_INDEXLABELS, 202,
	  "{\"index_label\":{\"id\":5,\"name\":\"by\",\"user_data\":{\"task_id\":3}},\"task_id\":9007199254740993}",
	  "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/g/schema/indexlabels", 9007199254740993LL },
	{ "1.3.0", HG_SCHEMA_INDEXLABELS, 202, "{ \"task_id\" : 7 , \"index_label\" : {\"id\":6} }",
	  "http://127.0.0.1:8080/graphs/g/schema/indexlabels", 7 },
	{ "1.5.0", HG_SCHEMA_VERTEXLABELS, 201,
	  "{\"id\":3,\"name\":\"person\",\"id_strategy\":\"PRIMARY_KEY\",\"user_data\":{\"task_id\":4}}",
	  "http://127.0.0.1:8080/graphs/g/schema/vertexlabels", 0 },
	{ "1.7.0", HG_SCHEMA_EDGELABELS, 201, "{\"id\":4,\"name\":\"knows\",\"edgelabel_type\":\"NORMAL\"}",
	  "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/g/schema/edgelabels", 0 },
};

START_TEST(test_schema_create)
{
	canned *t;
	hg_client *cl = open_canned(versions_of(schema_create_cases[_i].core), 0, &t);
	int64_t task = -1;
	hg_error err;

	canned_add(t, schema_create_cases[_i].status, schema_create_cases[_i].answer);
	ck_assert_int_eq(hg_schema_create(cl, "g", schema_create_cases[_i].type, PK_BODY, strlen(PK_BODY), &task, &err),
			 0);
	ck_assert_uint_eq(t->n_req, 3);
	ck_assert_str_eq(t->method[2], "POST");
	ck_assert_str_eq(t->url[2], schema_create_cases[_i].url);
	ck_assert_str_eq(t->body[2], PK_BODY);
	ck_assert_uint_eq(t->body_len[2], strlen(PK_BODY));
	ck_assert_str_eq(t->auth[2], "Authorization: Basic YWRtaW46cGE=");
	ck_assert_ptr_null(t->encoding[2]);
	ck_assert(task == schema_create_cases[_i].task_id);
	hg_client_free(cl);
}
END_TEST

#define BUSY_BODY                                                                                          \
	"{\"exception\":\"class org.apache.hugegraph.HugeException\",\"message\":\"The rest server is too busy " \
	"to write\",\"cause\":\"\"}"
#define EXISTED_BODY                                                                                        \
	"{\"exception\":\"class org.apache.hugegraph.exception.ExistedException\",\"message\":\"The property " \
	"key 'name' has existed\",\"cause\":\"\"}"

/* Schema creates are POSTs tried again on transient failures (max_tries 3). */
static const struct {
	long status[4];
	const char *body[4];
	int n;    /* responses queued */
	int rc;   /* result */
	int used; /* responses consumed */
	const char *message;
} schema_retry_cases[] = {
	{ { 500, 202 }, { "{\"message\":\"boom\"}", "{\"task_id\":0}" }, 2, 0, 2, NULL },
	{ { 503, 400, 202 }, { "{}", BUSY_BODY, "{\"task_id\":0}" }, 3, 0, 3, NULL },
	{ { 500, 502, 500, 202 }, { "{}", "{}", "{\"message\":\"third\"}", "{}" }, 4, -HG_ESERVER, 3, "third" },
	{ { 400, 202 }, { EXISTED_BODY, "{}" }, 2, -HG_EINVAL, 1, "The property key 'name' has existed" },
	{ { 404, 202 }, { "{\"message\":\"Graph 'g' does not exist\"}", "{}" }, 2, -HG_ENOTFOUND, 1, NULL },
	{ { 202 }, { "not json" }, 1, -HG_EPROTOCOL, 1, NULL },
	{ { 201 }, { "" }, 1, -HG_EPROTOCOL, 1, NULL },
};

START_TEST(test_schema_create_retry)
{
	canned *t;
	hg_client *cl = open_canned_tries(VERSIONS("1.5.0"), 0, 3, &t);
	int64_t task = -1;
	hg_error err;
	size_t before;

	for (int i = 0; i < schema_retry_cases[_i].n; i++)
		canned_add(t, schema_retry_cases[_i].status[i], schema_retry_cases[_i].body[i]);
	before = t->next;
	ck_assert_int_eq(hg_schema_create(cl, "g", HG_SCHEMA_PROPERTYKEYS, PK_BODY, strlen(PK_BODY), &task, &err),
			 schema_retry_cases[_i].rc);
	ck_assert_int_eq((int)(t->next - before), schema_retry_cases[_i].used);
	ck_assert_int_eq(err.code, -schema_retry_cases[_i].rc);
	if (schema_retry_cases[_i].message)
		ck_assert_str_eq(err.message, schema_retry_cases[_i].message);
	if (schema_retry_cases[_i].rc)
		ck_assert(task == 0);
	for (size_t k = 2; k < t->n_req; k++)
		ck_assert_str_eq(t->body[k], PK_BODY);
	hg_client_free(cl);
}
END_TEST

START_TEST(test_schema_create_bad_args)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 0, &t);
	int64_t task = 5;
	hg_error err;

	ck_assert_int_eq(hg_schema_create(cl, "g", HG_SCHEMA__COUNT, PK_BODY, strlen(PK_BODY), &task, &err),
			 -HG_EINVAL);
	ck_assert(task == 0);
	ck_assert_int_eq(hg_schema_create(cl, "g", HG_SCHEMA_PROPERTYKEYS, "", 0, &task, &err), -HG_EINVAL);
	ck_assert_int_eq(hg_schema_create(cl, "", HG_SCHEMA_PROPERTYKEYS, PK_BODY, strlen(PK_BODY), &task, &err),
			 -HG_EINVAL);
	ck_assert_uint_eq(t->n_req, 2); /* nothing was sent */
	hg_client_free(cl);
}
END_TEST

#define TASK(status, extra) "{\"id\":7,\"task_type\":\"rebuild_index\",\"task_status\":\"" status "\"" extra "}"

static const struct {
	const char *core;
	const char *answers[6];
	long status[6]; /* 0: 200 */
	int n;
	long timeout_ms;
	int rc;
	const char *message; /* a part of err.message */
} task_cases[] = {
	{ "1.3.0", { TASK("success", "") }, { 0 }, 1, 0, 0, NULL },
	{ "1.7.0", { TASK("new", ""), TASK("queued", ""), TASK("running", ",\"task_progress\":5"), TASK("success", "") },
	  { 0 }, 4, 0, 0, NULL },
	{ "1.5.0",
	  { TASK("running", ""),
	    TASK("failed", ",\"task_description\":\"rebuild x\","
			   "\"task_result\":\"java.lang.IllegalStateException: disk \\\"full\\\"\"") },
	  { 0 }, 2, 0, -HG_ESERVER, "task 7 failed: java.lang.IllegalStateException: disk \"full\"" },
	{ "1.5.0", { TASK("cancelled", ",\"task_description\":\"rebuild index 'by'\"") }, { 0 }, 1, 0, -HG_ESERVER,
	  "task 7 cancelled: rebuild index 'by'" },
	{ "1.5.0", { TASK("cancelling", ",\"task_result\":null") }, { 0 }, 1, 0, -HG_ESERVER, "task 7 cancelling" },
	{ "1.5.0", { TASK("failed", ",\"task_result\":{\"code\":1}") }, { 0 }, 1, 0, -HG_ESERVER, "{\"code\":1}" },
	{ "1.5.0",
	  { TASK("running", ""), TASK("running", ""), TASK("running", ""), TASK("running", ""), TASK("running", ""),
	    TASK("running", "") },
	  { 0 }, 6, 120, -HG_ETRANSPORT, "task 7 still running after 120 ms" },
	{ "1.5.0", { "{\"message\":\"Can't find task with id '7'\"}" }, { 404 }, 1, 0, -HG_ENOTFOUND, "find task" },
	{ "1.5.0", { "{\"id\":7}" }, { 0 }, 1, 0, -HG_EPROTOCOL, "task_status" },
};

START_TEST(test_task_wait)
{
	canned *t;
	hg_client *cl = open_canned(versions_of(task_cases[_i].core), 0, &t);
	hg_error err;
	size_t k;

	for (int i = 0; i < task_cases[_i].n; i++)
		canned_add(t, task_cases[_i].status[i] ? task_cases[_i].status[i] : 200, task_cases[_i].answers[i]);
	ck_assert_int_eq(hg_task_wait(cl, "g", 7, task_cases[_i].timeout_ms, &err), task_cases[_i].rc);
	ck_assert_int_eq(err.code, -task_cases[_i].rc);
	if (task_cases[_i].message)
		ck_assert_msg(strstr(err.message, task_cases[_i].message), "message '%s'", err.message);
	if (task_cases[_i].rc != -HG_ETRANSPORT)
		ck_assert_uint_eq(t->n_req, 2 + (size_t)task_cases[_i].n); /* stopped at the final answer */
	else
		ck_assert_uint_ge(t->n_req, 2 + 2); /* polled more than once */
	for (k = 2; k < t->n_req; k++) {
		ck_assert_str_eq(t->method[k], "GET");
		ck_assert_str_eq(t->url[k], strcmp(task_cases[_i].core, "1.7.0") == 0
						    ? "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/g/tasks/7"
						    : "http://127.0.0.1:8080/graphs/g/tasks/7");
	}
	ck_assert_int_eq(hg_task_wait(cl, "g", 0, 0, &err), -HG_EINVAL);
	hg_client_free(cl);
}
END_TEST

#define V2_BODY "[{\"id\":1,\"label\":\"p\",\"properties\":{}},{\"id\":2,\"label\":\"p\",\"properties\":{}}]"

static const struct {
	const char *core;
	hg_kind kind;
	const char *url;
} batch_url_cases[] = {
	{ "1.3.0", HG_KIND_VERTEX, "http://127.0.0.1:8080/graphs/g/graph/vertices/batch" },
	{ "1.3.0", HG_KIND_EDGE, "http://127.0.0.1:8080/graphs/g/graph/edges/batch?check_vertex=false" },
	{ "1.7.0", HG_KIND_VERTEX, "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/g/graph/vertices/batch" },
	{ "1.7.0", HG_KIND_EDGE,
	  "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/g/graph/edges/batch?check_vertex=false" },
};

START_TEST(test_batch_url)
{
	canned *t;
	hg_client *cl = open_canned(versions_of(batch_url_cases[_i].core), 0, &t);
	hg_error err;

	canned_add(t, 201, "[1,2]");
	ck_assert_int_eq(hg_batch_create(cl, "g", batch_url_cases[_i].kind, V2_BODY, strlen(V2_BODY), 2, false, &err),
			 0);
	ck_assert_uint_eq(t->n_req, 3);
	ck_assert_str_eq(t->method[2], "POST");
	ck_assert_str_eq(t->url[2], batch_url_cases[_i].url);
	ck_assert_str_eq(t->body[2], V2_BODY);
	ck_assert_ptr_null(t->encoding[2]);
	ck_assert_str_eq(t->auth[2], "Authorization: Basic YWRtaW46cGE=");
	hg_client_free(cl);
}
END_TEST

static const struct {
	const char *answer;
	size_t n;
	int rc;
} batch_count_cases[] = {
	{ "[1,2]", 2, 0 },
	{ " [ \"1:marko\" , \"2:ripple\" ]\n", 2, 0 },
	/* int64 ids beyond 2^53, counted not parsed */
	{ "[435226329513631744,9223372036854775807,-9223372036854775808,9007199254740993]", 4, 0 },
	{ "[\"S1:a>2>>S2:b\",\"S1:c,d>2>>S2:]\"]", 2, 0 },
	{ "[[1,2],{\"a\":[3,4]}]", 2, 0 },
	{ "[1,2]", 3, -HG_EPROTOCOL },
	{ "[1,2,3]", 2, -HG_EPROTOCOL },
	{ "[]", 1, -HG_EPROTOCOL },
	{ "[1,2", 2, -HG_EPROTOCOL },
	{ "{\"ids\":[1,2]}", 2, -HG_EPROTOCOL },
	{ "", 1, -HG_EPROTOCOL },
	{ "[1,,2]", 2, -HG_EPROTOCOL },
};

START_TEST(test_batch_count)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 1, &t);
	hg_error err;

	canned_add(t, 201, batch_count_cases[_i].answer);
	ck_assert_int_eq(hg_batch_create(cl, "g", HG_KIND_EDGE, V2_BODY, strlen(V2_BODY), batch_count_cases[_i].n, false,
					 &err),
			 batch_count_cases[_i].rc);
	ck_assert_int_eq(err.code, -batch_count_cases[_i].rc);
	ck_assert_uint_eq(t->n_req, 3); /* a protocol error is not tried again */
	hg_client_free(cl);
}
END_TEST

/* Inflates a gzip stream; returns the length. */
static size_t gunzip_buf(const char *in, size_t len, char *out, size_t cap)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (unsigned char *)out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
	ck_assert_uint_eq(z.avail_in, 0);
	inflateEnd(&z);
	return z.total_out;
}

START_TEST(test_batch_gzip)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 0, &t);
	hg_buf body, answer;
	char *plain;
	hg_error err;
	size_t k, n = 500, got;

	hg_buf_init(&body, 0);
	hg_buf_init(&answer, 0);
	ck_assert_int_eq(hg_buf_puts(&body, "["), 0);
	ck_assert_int_eq(hg_buf_puts(&answer, "["), 0);
	for (k = 0; k < n; k++) {
		ck_assert_int_eq(hg_buf_printf(&body,
					       "%s{\"id\":\"%zu:v\\u00e4\",\"label\":\"person\",\"properties\":{\"n\":%zu}}",
					       k ? "," : "", k, k * 7919),
				 0);
		ck_assert_int_eq(hg_buf_printf(&answer, "%s\"%zu:v\"", k ? "," : "", k), 0);
	}
	ck_assert_int_eq(hg_buf_puts(&body, "]"), 0);
	ck_assert_int_eq(hg_buf_puts(&answer, "]"), 0);
	canned_add(t, 201, answer.data);
	ck_assert_int_eq(hg_batch_create(cl, "g", HG_KIND_VERTEX, body.data, body.len, n, true, &err), 0);
	ck_assert_str_eq(t->encoding[2], "gzip");
	ck_assert_uint_lt(t->body_len[2], body.len / 4); /* compressed */
	ck_assert_int_eq((unsigned char)t->body[2][0], 0x1f); /* gzip magic */
	ck_assert_int_eq((unsigned char)t->body[2][1], 0x8b);
	plain = malloc(body.len + 16);
	ck_assert_ptr_nonnull(plain);
	got = gunzip_buf(t->body[2], t->body_len[2], plain, body.len + 16);
	ck_assert_uint_eq(got, body.len);
	ck_assert(memcmp(plain, body.data, body.len) == 0);
	/* and without gzip: the bytes as given, no Content-Encoding */
	canned_add(t, 201, answer.data);
	ck_assert_int_eq(hg_batch_create(cl, "g", HG_KIND_VERTEX, body.data, body.len, n, false, &err), 0);
	ck_assert_ptr_null(t->encoding[3]);
	ck_assert_uint_eq(t->body_len[3], body.len);
	ck_assert(memcmp(t->body[3], body.data, body.len) == 0);
	free(plain);
	hg_buf_free(&answer);
	hg_buf_free(&body);
	hg_client_free(cl);
}
END_TEST

#define LIMIT_BODY                                                                                           \
	"{\"exception\":\"class java.lang.IllegalArgumentException\",\"message\":\"Too many vertices for one " \
	"time post, the maximum number is '500'\",\"cause\":\"\"}"

/* Batch creates: transient failures up to max_tries (2 here), busy answers
 * on their own time budget, other refusals at once. */
static const struct {
	long status[5];
	const char *body[5];
	int truncate; /* the first answer breaks off (transport error) */
	int n;
	int rc;
	int used;
	long limit; /* hg_error_batch_limit */
} batch_retry_cases[] = {
	{ { 500, 201 }, { "{\"message\":\"boom\"}", "[1,2]" }, 0, 2, 0, 2, 0 },
	{ { 201, 201 }, { "[1", "[1,2]" }, 1, 2, 0, 2, 0 },
	{ { 500, 502, 201 }, { "{}", "{\"message\":\"bad gateway\"}", "[1,2]" }, 0, 3, -HG_ESERVER, 2, 0 },
	/* busy does not count against max_tries */
	{ { 400, 503, 400, 201 }, { BUSY_BODY, "{}", BUSY_BODY, "[1,2]" }, 0, 4, 0, 4, 0 },
	{ { 400, 500, 400, 201 }, { BUSY_BODY, "{}", BUSY_BODY, "[1,2]" }, 0, 4, 0, 4, 0 },
	{ { 400, 201 }, { "{\"message\":\"Undefined vertex label: 'x'\"}", "[1,2]" }, 0, 2, -HG_EINVAL, 1, 0 },
	{ { 400, 201 }, { LIMIT_BODY, "[1,2]" }, 0, 2, -HG_EINVAL, 1, 500 },
	{ { 403, 201 }, { "{\"message\":\"Permission denied\"}", "[1,2]" }, 0, 2, -HG_EFORBIDDEN, 1, 0 },
	{ { 400, 201 }, { "{\"message\":\"Must provide schema id if in RESTORING mode\"}", "[1,2]" }, 0, 2, -HG_EMODE,
	  1, 0 },
};

START_TEST(test_batch_retry)
{
	canned *t;
	hg_client *cl = open_canned_tries(VERSIONS("1.5.0"), 0, 2, &t);
	hg_error err;
	size_t before, k;

	ck_assert_int_eq(cl->busy_wait_ms, HG_HTTP_BUSY_WAIT_MS);
	for (int i = 0; i < batch_retry_cases[_i].n; i++)
		canned_add(t, batch_retry_cases[_i].status[i], batch_retry_cases[_i].body[i]);
	t->resp[t->next].truncate = batch_retry_cases[_i].truncate;
	before = t->next;
	ck_assert_int_eq(hg_batch_create(cl, "g", HG_KIND_VERTEX, V2_BODY, strlen(V2_BODY), 2, true, &err),
			 batch_retry_cases[_i].rc);
	ck_assert_int_eq((int)(t->next - before), batch_retry_cases[_i].used);
	ck_assert_int_eq(err.code, -batch_retry_cases[_i].rc);
	ck_assert_int_eq(hg_error_batch_limit(&err), batch_retry_cases[_i].limit);
	/* every try sends the same compressed body */
	for (k = 3; k < t->n_req; k++) {
		ck_assert_uint_eq(t->body_len[k], t->body_len[2]);
		ck_assert(memcmp(t->body[k], t->body[2], t->body_len[2]) == 0);
		ck_assert_str_eq(t->encoding[k], "gzip");
	}
	hg_client_free(cl);
}
END_TEST

/* The retry guard: asked before a retry after a transport error or a 5xx
 * (not before the first try, not for busy answers); its error ends the call. */
typedef struct guard_ctx {
	int calls;
	int rc; /* what it answers */
} guard_ctx;

static int test_guard(void *arg, hg_error *err)
{
	guard_ctx *g = arg;

	g->calls++;
	if (g->rc < 0) {
		snprintf(err->message, sizeof(err->message), "graph 'g' is now in mode NONE");
		err->code = -g->rc;
	}
	return g->rc;
}

START_TEST(test_batch_retry_guard)
{
	canned *t;
	hg_client *cl = open_canned_tries(VERSIONS("1.5.0"), 0, 3, &t);
	guard_ctx g = {0, 0};
	hg_error err;
	size_t before;

	/* a 5xx, then success: the guard is asked once and lets it go on */
	canned_add(t, 500, "{\"message\":\"boom\"}");
	canned_add(t, 201, "[1,2]");
	ck_assert_int_eq(hg_batch_create_guarded(cl, "g", HG_KIND_VERTEX, V2_BODY, strlen(V2_BODY), 2, false,
						 test_guard, &g, &err),
			 0);
	ck_assert_int_eq(g.calls, 1);
	/* a busy answer is not a restart: the guard is not asked */
	g.calls = 0;
	canned_add(t, 400, BUSY_BODY);
	canned_add(t, 201, "[1,2]");
	ck_assert_int_eq(hg_batch_create_guarded(cl, "g", HG_KIND_VERTEX, V2_BODY, strlen(V2_BODY), 2, false,
						 test_guard, &g, &err),
			 0);
	ck_assert_int_eq(g.calls, 0);
	/* the guard says no: nothing is sent again, its error is the call's */
	g.calls = 0;
	g.rc = -HG_EMODE;
	canned_add(t, 502, "{\"message\":\"bad gateway\"}");
	canned_add(t, 201, "[1,2]");
	before = t->next;
	ck_assert_int_eq(hg_batch_create_guarded(cl, "g", HG_KIND_VERTEX, V2_BODY, strlen(V2_BODY), 2, false,
						 test_guard, &g, &err),
			 -HG_EMODE);
	ck_assert_int_eq((int)(t->next - before), 1);
	ck_assert_int_eq(g.calls, 1);
	ck_assert_int_eq(err.code, HG_EMODE);
	ck_assert_str_eq(err.message, "graph 'g' is now in mode NONE");
	ck_assert_int_eq(hg_code_errno(err.code), EPERM);
	hg_client_free(cl);
}
END_TEST

/* Busy answers stop being tried once the time budget is spent. */
START_TEST(test_batch_busy_budget)
{
	canned *t;
	hg_client *cl = open_canned_tries(VERSIONS("1.5.0"), 0, 2, &t);
	hg_error err;
	long start;
	int k;

	cl->busy_wait_ms = 250; /* backoff 100 ms, then 200 ms would pass 250 ms */
	for (k = 0; k < 6; k++)
		canned_add(t, 400, BUSY_BODY);
	start = hg_now_ms();
	ck_assert_int_eq(hg_batch_create(cl, "g", HG_KIND_EDGE, V2_BODY, strlen(V2_BODY), 2, false, &err),
			 -HG_EBUSY);
	ck_assert_int_ge(hg_now_ms() - start, 100);
	ck_assert_uint_eq(t->next, 2 + 2);
	ck_assert_str_eq(err.message, "The rest server is too busy to write");
	ck_assert_int_eq(err.http_status, 400);
	hg_client_free(cl);
}
END_TEST

START_TEST(test_batch_bad_args)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 0, &t);
	hg_error err;

	ck_assert_int_eq(hg_batch_create(cl, "g", HG_KIND_VERTEX, V2_BODY, strlen(V2_BODY), 0, false, &err),
			 -HG_EINVAL);
	ck_assert_int_eq(hg_batch_create(cl, "g", HG_KIND_VERTEX, "", 0, 1, true, &err), -HG_EINVAL);
	ck_assert_uint_eq(t->n_req, 2); /* nothing was sent */
	hg_client_free(cl);
}
END_TEST

static const struct {
	int code;
	const char *message;
	long limit;
} limit_cases[] = {
	{ HG_EINVAL, "Too many vertices for one time post, the maximum number is '500'", 500 },
	{ HG_EINVAL, "Too many edges for one time post, the maximum number is '2500'", 2500 },
	{ HG_EINVAL, "x: Too many edges for one time post, the maximum number is '7' (y)", 7 },
	{ HG_EINVAL, "Too many records(must <= 800000)", 0 },
	{ HG_EINVAL, "Too many vertices for one time post, the maximum number is 'many'", 0 },
	{ HG_EINVAL, "Too many vertices for one time post, the maximum number is '500", 0 },
	{ HG_EINVAL, "Too many vertices for one time post, the maximum number is '0'", 0 },
	{ HG_EINVAL, "The number of vertices can't be 0", 0 },
	{ HG_ESERVER, "Too many vertices for one time post, the maximum number is '500'", 0 },
	{ HG_OK, "", 0 },
};

START_TEST(test_batch_limit)
{
	hg_error err;

	hg_error_set(&err, limit_cases[_i].code, 400, "%s", limit_cases[_i].message);
	ck_assert_int_eq(hg_error_batch_limit(&err), limit_cases[_i].limit);
	ck_assert_int_eq(hg_error_batch_limit(NULL), 0);
}
END_TEST

static const char names_body[] =
	"{\"propertykeys\":[{\"id\":3,\"name\":\"na\\\"me\",\"data_type\":\"TEXT\"},"
	"{\"id\":1,\"name\":\"\\u00e4ge\"},{\"id\":2,\"name\":\"a\"},{\"id\":4,\"name\":\"\\ud83d\\ude00\"},"
	"{\"id\":9007199254740992,\"name\":\"ab\"}],"
	"\"vertexlabels\":[{\"id\":1,\"name\":\"person\",\"id_strategy\":\"PRIMARY_KEY\"},"
	"{\"id\":2,\"name\":\"auto\",\"id_strategy\":\"AUTOMATIC\"},"
	"{\"id\":3,\"name\":\"str\",\"id_strategy\":\"CUSTOMIZE_STRING\"},"
	"{\"id\":4,\"name\":\"num\",\"id_strategy\":\"CUSTOMIZE_NUMBER\"},"
	"{\"id\":5,\"name\":\"uuid\",\"id_strategy\":\"CUSTOMIZE_UUID\"},"
	"{\"id\":6,\"name\":\"dflt\",\"id_strategy\":\"DEFAULT\"},{\"id\":7,\"name\":\"none\"}],"
	"\"indexlabels\":[]}";

static const struct {
	hg_schema_type type;
	const char *name;
	size_t len;     /* 0: strlen(name) */
	int64_t id;     /* -1: not found */
	hg_id_strategy strategy;
} names_cases[] = {
	{ HG_SCHEMA_PROPERTYKEYS, "na\"me", 0, 3, HG_IDS_UNKNOWN },
	{ HG_SCHEMA_PROPERTYKEYS, "\xc3\xa4ge", 0, 1, HG_IDS_UNKNOWN },
	{ HG_SCHEMA_PROPERTYKEYS, "\xf0\x9f\x98\x80", 0, 4, HG_IDS_UNKNOWN },
	{ HG_SCHEMA_PROPERTYKEYS, "a", 0, 2, HG_IDS_UNKNOWN },
	{ HG_SCHEMA_PROPERTYKEYS, "ab", 0, 9007199254740992LL, HG_IDS_UNKNOWN },
	{ HG_SCHEMA_PROPERTYKEYS, "abc", 1, 2, HG_IDS_UNKNOWN }, /* only len bytes count */
	{ HG_SCHEMA_PROPERTYKEYS, "na", 0, -1, HG_IDS_UNKNOWN },
	{ HG_SCHEMA_PROPERTYKEYS, "na\\\"me", 0, -1, HG_IDS_UNKNOWN }, /* the raw JSON is not the name */
	{ HG_SCHEMA_PROPERTYKEYS, "person", 0, -1, HG_IDS_UNKNOWN },
	{ HG_SCHEMA_VERTEXLABELS, "person", 0, 1, HG_IDS_PRIMARY_KEY },
	{ HG_SCHEMA_VERTEXLABELS, "auto", 0, 2, HG_IDS_AUTOMATIC },
	{ HG_SCHEMA_VERTEXLABELS, "str", 0, 3, HG_IDS_CUSTOMIZE_STRING },
	{ HG_SCHEMA_VERTEXLABELS, "num", 0, 4, HG_IDS_CUSTOMIZE_NUMBER },
	{ HG_SCHEMA_VERTEXLABELS, "uuid", 0, 5, HG_IDS_CUSTOMIZE_UUID },
	{ HG_SCHEMA_VERTEXLABELS, "dflt", 0, 6, HG_IDS_UNKNOWN },
	{ HG_SCHEMA_VERTEXLABELS, "none", 0, 7, HG_IDS_UNKNOWN },
	{ HG_SCHEMA_EDGELABELS, "person", 0, -1, HG_IDS_UNKNOWN },
	{ HG_SCHEMA_INDEXLABELS, "a", 0, -1, HG_IDS_UNKNOWN },
};

START_TEST(test_schema_names)
{
	canned *t;
	hg_client *cl = open_canned(versions_of(_i ? "1.7.0" : "1.3.0"), (size_t)_i * 3, &t);
	hg_schema_names *s = NULL;
	const hg_label *l;
	hg_error err;
	size_t k;
	int tp;

	canned_add(t, 200, names_body);
	ck_assert_int_eq(hg_schema_names_get(cl, "g", &s, &err), 0);
	ck_assert_str_eq(t->method[2], "GET");
	ck_assert_str_eq(t->url[2], _i ? "http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/g/schema"
				       : "http://127.0.0.1:8080/graphs/g/schema");
	ck_assert_uint_eq(s->n[HG_SCHEMA_PROPERTYKEYS], 5);
	ck_assert_uint_eq(s->n[HG_SCHEMA_VERTEXLABELS], 7);
	ck_assert_uint_eq(s->n[HG_SCHEMA_EDGELABELS], 0); /* absent in the answer */
	ck_assert_uint_eq(s->n[HG_SCHEMA_INDEXLABELS], 0);
	for (tp = 0; tp < HG_SCHEMA__COUNT; tp++) /* sorted by name, bytewise */
		for (k = 1; k < s->n[tp]; k++)
			ck_assert_int_lt(strcmp(s->v[tp][k - 1].name, s->v[tp][k].name), 0);
	ck_assert_str_eq(s->v[HG_SCHEMA_PROPERTYKEYS][0].name, "a");
	ck_assert_str_eq(s->v[HG_SCHEMA_PROPERTYKEYS][4].name, "\xf0\x9f\x98\x80");
	l = hg_schema_names_find(s, HG_SCHEMA_PROPERTYKEYS, "na\"me", 5);
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(l->data_type, "TEXT"); /* property keys carry their data type */
	ck_assert_str_eq(s->v[HG_SCHEMA_VERTEXLABELS][0].data_type, "");
	for (k = 0; k < sizeof(names_cases) / sizeof(names_cases[0]); k++) {
		const char *name = names_cases[k].name;

		l = hg_schema_names_find(s, names_cases[k].type, name, names_cases[k].len ? names_cases[k].len
											   : strlen(name));
		if (names_cases[k].id < 0) {
			ck_assert_msg(l == NULL, "'%s' found", name);
			continue;
		}
		ck_assert_msg(l != NULL, "'%s' not found", name);
		ck_assert(l->id == names_cases[k].id);
		ck_assert_int_eq(l->strategy, names_cases[k].strategy);
	}
	ck_assert_ptr_null(hg_schema_names_find(s, HG_SCHEMA__COUNT, "a", 1));
	ck_assert_ptr_null(hg_schema_names_find(NULL, HG_SCHEMA_PROPERTYKEYS, "a", 1));
	hg_schema_names_free(s);
	hg_schema_names_free(NULL);
	hg_client_free(cl);
}
END_TEST

static const struct {
	long status;
	const char *body;
	int rc;
} names_err_cases[] = {
	{ 200, "{\"propertykeys\":{}}", -HG_EPROTOCOL },
	{ 200, "{\"vertexlabels\":[{\"id\":1}]}", -HG_EPROTOCOL },
	{ 200, "{\"edgelabels\":[{\"id\":1.5,\"name\":\"e\"}]}", -HG_EPROTOCOL },
	{ 200, "{\"edgelabels\":[{\"id\":\"1\",\"name\":\"e\"}]}", -HG_EPROTOCOL },
	{ 200, "{\"indexlabels\":[{\"id\":435226329513631744,\"name\":\"i\"}]}", -HG_EPROTOCOL },
	{ 200, "[]", -HG_EPROTOCOL },
	{ 200, "{\"propertykeys\":[", -HG_EPROTOCOL },
	{ 404, "{\"message\":\"Graph 'g' does not exist\"}", -HG_ENOTFOUND },
	{ 200, "{}", 0 },
};

START_TEST(test_schema_names_errors)
{
	canned *t;
	hg_client *cl = open_canned(VERSIONS("1.5.0"), 0, &t);
	hg_schema_names *s = NULL;
	hg_error err;
	int tp;

	canned_add(t, names_err_cases[_i].status, names_err_cases[_i].body);
	ck_assert_int_eq(hg_schema_names_get(cl, "g", &s, &err), names_err_cases[_i].rc);
	ck_assert_int_eq(err.code, -names_err_cases[_i].rc);
	if (names_err_cases[_i].rc) {
		ck_assert_ptr_null(s);
	} else {
		for (tp = 0; tp < HG_SCHEMA__COUNT; tp++)
			ck_assert_uint_eq(s->n[tp], 0);
		ck_assert_ptr_null(hg_schema_names_find(s, HG_SCHEMA_VERTEXLABELS, "x", 1));
	}
	hg_schema_names_free(s);
	hg_client_free(cl);
}
END_TEST

static const struct {
	const char *core;
	bool types;
} el_types_cases[] = {
	{ "1.0.0", false }, { "1.3.0", false }, { "1.3.9", false },      { "1.5.0", true },
	{ "1.5.0-SNAPSHOT", true }, { "1.7.0", true }, { "2.0.0", true },
};

START_TEST(test_edge_label_types)
{
	canned *t;
	hg_client *cl = open_canned(versions_of(el_types_cases[_i].core), 0, &t);

	ck_assert_int_eq(hg_client_has_edge_label_types(cl), el_types_cases[_i].types);
	hg_client_free(cl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the real curl transport against a tiny local HTTP responder         */

typedef struct responder {
	int fd;
	int port;
	pthread_t thread;
	const char *head; /* status line and headers, without the blank line */
	const char *body;
	size_t body_len;
	size_t declared_len; /* Content-Length sent */
	int hold_ms;         /* keep the connection open this long before closing it */
	int n_conn;
	char last_request[4096];
} responder;

static void *responder_main(void *arg)
{
	responder *r = arg;
	int c;

	while ((c = accept(r->fd, NULL, NULL)) >= 0) {
		char req[4096], hdr[512];
		size_t got = 0;
		ssize_t n;

		while (got < sizeof(req) - 1 && (n = read(c, req + got, sizeof(req) - 1 - got)) > 0) {
			got += (size_t)n;
			req[got] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[got] = '\0';
		memcpy(r->last_request, req, got + 1);
		snprintf(hdr, sizeof(hdr), "%s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", r->head,
			 r->declared_len);
		if (write(c, hdr, strlen(hdr)) < 0 || write(c, r->body, r->body_len) < 0)
			perror("write");
		if (r->hold_ms)
			usleep((useconds_t)r->hold_ms * 1000);
		close(c);
		r->n_conn++;
	}
	return NULL;
}

static void responder_start(responder *r)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int one = 1;

	r->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(r->fd, 0);
	setsockopt(r->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(r->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(r->fd, 8), 0);
	ck_assert_int_eq(getsockname(r->fd, (struct sockaddr *)&a, &alen), 0);
	r->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&r->thread, NULL, responder_main, r), 0);
}

static void responder_stop(responder *r)
{
	shutdown(r->fd, SHUT_RDWR);
	close(r->fd);
	pthread_join(r->thread, NULL);
}

static size_t gzip_buf(const char *in, size_t len, unsigned char *out, size_t cap)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return z.total_out;
}

static int curl_collect(void *ctx, const char *data, size_t len, hg_error *err)
{
	(void)err;
	return hg_buf_append(ctx, data, len);
}

static hg_client *curl_client(int port)
{
	hg_client *cl = calloc(1, sizeof(*cl));
	hg_error err;

	ck_assert_ptr_nonnull(cl);
	ck_assert_int_eq(hg_transport_curl_new(&cl->transport, 2, &err), 0);
	ck_assert_int_ge(asprintf(&cl->url, "http://127.0.0.1:%d", port), 0);
	ck_assert_int_ge(asprintf(&cl->auth_header, "Authorization: Basic YWRtaW46cGE="), 0);
	cl->connect_timeout_ms = 5000;
	cl->timeout_ms = 10000;
	return cl;
}

START_TEST(test_curl_gzip)
{
	const char *json = "{\"vertices\":[{\"id\":435226329513631744,\"label\":\"p\"}],\"page\":null}";
	unsigned char gz[512];
	responder r = { .head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip" };
	hg_shard shard = { "", "", 0 };
	slices s = { 0 };
	hg_client *cl;
	hg_error err;

	r.body = (const char *)gz;
	r.body_len = r.declared_len = gzip_buf(json, strlen(json), gz, sizeof(gz));
	responder_start(&r);
	cl = curl_client(r.port);
	hg_buf_init(&s.all, 0);
	ck_assert_int_eq(hg_scan(cl, "g", HG_KIND_VERTEX, &shard, false, 0, slice_cb, &s, &err), 0);
	ck_assert_str_eq(s.all.data, "{\"id\":435226329513631744,\"label\":\"p\"}\n");
	ck_assert_ptr_nonnull(strstr(r.last_request, "GET /graphs/g/traversers/vertices/scan?start=&end= HTTP/1.1"));
	ck_assert_ptr_nonnull(strstr(r.last_request, "Accept-Encoding: "));
	ck_assert_ptr_nonnull(strstr(r.last_request, "gzip"));
	ck_assert_ptr_nonnull(strstr(r.last_request, "Authorization: Basic YWRtaW46cGE="));
	hg_buf_free(&s.all);
	hg_client_free(cl);
	responder_stop(&r);
}
END_TEST

/* A response cut short: the connection closes early (curl error 18), or
 * stalls past the timeout (curl error 28, err.timed_out). */
static const struct {
	int hold_ms;
	const char *curl_error;
	bool timed_out;
} cut_cases[] = {
	{ 0, "curl error 18", false },
	{ 1500, "curl error 28", true },
};

START_TEST(test_curl_cut_short)
{
	const char *body = "{\"vertices\":[{\"id\":1},";
	responder r = { .head = "HTTP/1.1 200 OK\r\nContent-Type: application/json", .hold_ms = cut_cases[_i].hold_ms };
	hg_buf got;
	hg_client *cl;
	hg_error err;
	char url[128];

	r.body = body;
	r.body_len = strlen(body);
	r.declared_len = r.body_len + 100;
	responder_start(&r);
	cl = curl_client(r.port);
	cl->timeout_ms = 300;
	hg_buf_init(&got, 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", r.port);
	ck_assert_int_eq(hg_http_stream(cl, url, curl_collect, &got, &err), -HG_ETRANSPORT);
	ck_assert_int_eq(err.code, HG_ETRANSPORT);
	ck_assert_ptr_nonnull(strstr(err.message, cut_cases[_i].curl_error));
	ck_assert_int_eq(err.timed_out, cut_cases[_i].timed_out);
	ck_assert_str_eq(got.data, body);
	hg_buf_free(&got);
	hg_client_free(cl);
	responder_stop(&r);
}
END_TEST

START_TEST(test_curl_error_status_and_put)
{
	const char *body = "{\"exception\":\"class java.lang.IllegalArgumentException\","
			   "\"message\":\"Graph mode can't be null\",\"cause\":\"\"}";
	responder r = { .head = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json" };
	hg_client *cl;
	hg_error err;

	r.body = body;
	r.body_len = r.declared_len = strlen(body);
	responder_start(&r);
	cl = curl_client(r.port);
	ck_assert_int_eq(hg_set_mode(cl, "g", HG_MODE_RESTORING, &err), -HG_EINVAL);
	ck_assert_str_eq(err.message, "Graph mode can't be null");
	ck_assert_int_eq(err.http_status, 400);
	ck_assert_ptr_nonnull(strstr(r.last_request, "PUT /graphs/g/mode HTTP/1.1"));
	ck_assert_ptr_nonnull(strstr(r.last_request, "Content-Type: application/json"));
	hg_client_free(cl);
	responder_stop(&r);
}
END_TEST

/* Many threads share one client and its pool of 2 curl handles. */
static void *backend_worker(void *arg)
{
	hg_client *cl = arg;
	char backend[32];
	hg_error err;
	int k;

	for (k = 0; k < 25; k++)
		if (hg_graph_backend(cl, "g", backend, sizeof(backend), &err) || strcmp(backend, "memory") != 0)
			return (void *)1;
	return NULL;
}

START_TEST(test_curl_threads)
{
	const char *body = "{\"name\":\"g\",\"backend\":\"memory\"}";
	responder r = { .head = "HTTP/1.1 200 OK\r\nContent-Type: application/json" };
	pthread_t th[8];
	hg_client *cl;
	void *res;
	int k;

	r.body = body;
	r.body_len = r.declared_len = strlen(body);
	responder_start(&r);
	cl = curl_client(r.port);
	for (k = 0; k < 8; k++)
		ck_assert_int_eq(pthread_create(&th[k], NULL, backend_worker, cl), 0);
	for (k = 0; k < 8; k++) {
		ck_assert_int_eq(pthread_join(th[k], &res), 0);
		ck_assert_ptr_null(res);
	}
	hg_client_free(cl);
	responder_stop(&r);
	ck_assert_int_eq(r.n_conn, 200);
}
END_TEST

START_TEST(test_curl_refused)
{
	hg_options opt = { .url = "http://127.0.0.1:1", .connect_timeout_ms = 2000 };
	hg_client *cl = NULL;
	hg_error err;

	ck_assert_int_eq(hg_client_open(&cl, &opt, &err), -HG_ETRANSPORT);
	ck_assert_ptr_null(cl);
	ck_assert_int_eq(err.code, HG_ETRANSPORT);
	ck_assert_ptr_nonnull(strstr(err.message, "curl error"));
}
END_TEST

/* Batches over the wire: Content-Encoding only with a gzip body. */
START_TEST(test_curl_batch_gzip)
{
	const char *answer = "[\"S1:a>1>>S1:b\",\"S1:c>1>>S1:d\"]";
	responder r = { .head = "HTTP/1.1 201 Created\r\nContent-Type: application/json" };
	hg_client *cl;
	hg_error err;

	r.body = answer;
	r.body_len = r.declared_len = strlen(answer);
	responder_start(&r);
	cl = curl_client(r.port);
	ck_assert_int_eq(hg_batch_create(cl, "g", HG_KIND_EDGE, V2_BODY, strlen(V2_BODY), 2, true, &err), 0);
	ck_assert_ptr_nonnull(strstr(r.last_request, "POST /graphs/g/graph/edges/batch?check_vertex=false HTTP/1.1"));
	ck_assert_ptr_nonnull(strstr(r.last_request, "Content-Encoding: gzip\r\n"));
	ck_assert_ptr_nonnull(strstr(r.last_request, "Content-Type: application/json"));
	ck_assert_ptr_null(strstr(r.last_request, V2_BODY));
	ck_assert_int_eq(hg_batch_create(cl, "g", HG_KIND_VERTEX, V2_BODY, strlen(V2_BODY), 2, false, &err), 0);
	ck_assert_ptr_nonnull(strstr(r.last_request, "POST /graphs/g/graph/vertices/batch HTTP/1.1"));
	ck_assert_ptr_null(strstr(r.last_request, "Content-Encoding"));
	ck_assert_ptr_nonnull(strstr(r.last_request, V2_BODY));
	hg_client_free(cl);
	responder_stop(&r);
}
END_TEST

/* ------------------------------------------------------------------ */

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *errors_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("errors");

	tcase_add_test(tc, test_code_table);
	tcase_add_loop_test(tc, test_retry_stops, 0, N(stop_cases));
	tcase_add_loop_test(tc, test_classify, 0, N(classify_cases));
	tcase_add_test(tc, test_error_json_body);
	tcase_add_test(tc, test_error_text_body);
	tcase_add_test(tc, test_error_empty_body);
	tcase_add_loop_test(tc, test_status_mapping, 0, N(status_cases));
	tcase_add_test(tc, test_transport_failure);
	tcase_add_loop_test(tc, test_retry_transient, 0, sizeof(retry_cases) / sizeof(retry_cases[0]));
	tcase_add_test(tc, test_backend_ok);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *url_suite(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("url");

	tcase_add_loop_test(tc, test_escape, 0, N(escape_cases));
	tcase_add_loop_test(tc, test_graph_url, 0, N(graph_url_cases));
	tcase_add_test(tc, test_query);
	tcase_add_loop_test(tc, test_check_base, 0, N(base_cases));
	suite_add_tcase(s, tc);
	return s;
}

static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("auth");

	tcase_add_loop_test(tc, test_base64, 0, N(b64_cases));
	tcase_add_test(tc, test_auth_header);
	tcase_add_test(tc, test_auth_sent);
	tcase_add_test(tc, test_no_auth_when_no_user);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *open_suite(void)
{
	Suite *s = suite_create("open");
	TCase *tc = tcase_create("open");

	tcase_add_loop_test(tc, test_version_cmp, 0, N(version_cases));
	tcase_add_loop_test(tc, test_url_form, 0, N(form_cases));
	tcase_add_loop_test(tc, test_not_hugegraph, 0, N(not_hg_cases));
	tcase_add_test(tc, test_open_auth_fails);
	tcase_add_loop_test(tc, test_open_bad_options, 0, N(bad_open_cases));
	tcase_add_test(tc, test_list_graphs);
	tcase_add_test(tc, test_graphspaces);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *mode_suite(void)
{
	Suite *s = suite_create("mode");
	TCase *tc = tcase_create("mode");

	tcase_add_loop_test(tc, test_mode_parse, 0, N(mode_cases));
	tcase_add_test(tc, test_mode_names);
	tcase_add_test(tc, test_get_set_mode);
	tcase_add_test(tc, test_graph_create);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *jscan_suite(void)
{
	Suite *s = suite_create("jscan");
	TCase *tc = tcase_create("jscan");

	tcase_add_test(tc, test_jscan_whole);
	tcase_add_loop_test(tc, test_jscan_chunk_sizes, 0, 40);
	tcase_add_test(tc, test_jscan_every_split);
	tcase_add_loop_test(tc, test_jscan_random_chunks, 0, 20);
	tcase_add_loop_test(tc, test_jscan_page, 0, N(page_cases));
	tcase_add_loop_test(tc, test_jscan_malformed, 0, N(bad_docs));
	tcase_add_test(tc, test_jscan_truncated);
	tcase_add_test(tc, test_jscan_limits);
	tcase_add_loop_test(tc, test_top_int64, 0, N(id_cases));
	tcase_add_test(tc, test_unescape);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("schema");

	tcase_add_loop_test(tc, test_schema_list, 0, N(schema_chunks));
	tcase_add_test(tc, test_schema_errors);
	suite_add_tcase(s, tc);
	return s;
}

static Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("scan");

	tcase_add_test(tc, test_shards);
	tcase_add_loop_test(tc, test_scan_paged, 0, N(scan_chunks));
	tcase_add_test(tc, test_scan_unpaged);
	tcase_add_test(tc, test_scan_empty_page_stops);
	tcase_add_loop_test(tc, test_scan_errors, 0, N(scan_err_cases));
	tcase_add_test(tc, test_scan_http_error);
	tcase_add_loop_test(tc, test_shard_halve, 0, N(halve_cases));
	tcase_add_test(tc, test_shard_halve_null_start);
	tcase_add_test(tc, test_too_many_records);
	tcase_add_loop_test(tc, test_fix_memory_shards, 0, sizeof(shard_cases) / sizeof(shard_cases[0]));
	tcase_add_loop_test(tc, test_scan_shard, 0, N(shard_scan_cases) * N(scan_chunks));
	suite_add_tcase(s, tc);
	return s;
}

static Suite *create_suite(void)
{
	Suite *s = suite_create("create");
	TCase *tc = tcase_create("create");

	tcase_add_loop_test(tc, test_schema_create, 0, N(schema_create_cases));
	tcase_add_loop_test(tc, test_schema_create_retry, 0, N(schema_retry_cases));
	tcase_add_test(tc, test_schema_create_bad_args);
	tcase_add_loop_test(tc, test_task_wait, 0, N(task_cases));
	tcase_add_loop_test(tc, test_batch_url, 0, N(batch_url_cases));
	tcase_add_loop_test(tc, test_batch_count, 0, N(batch_count_cases));
	tcase_add_test(tc, test_batch_gzip);
	tcase_add_loop_test(tc, test_batch_retry, 0, N(batch_retry_cases));
	tcase_add_test(tc, test_batch_busy_budget);
	tcase_add_test(tc, test_batch_retry_guard);
	tcase_add_test(tc, test_batch_bad_args);
	tcase_add_loop_test(tc, test_batch_limit, 0, N(limit_cases));
	tcase_add_loop_test(tc, test_schema_names, 0, 2);
	tcase_add_loop_test(tc, test_schema_names_errors, 0, N(names_err_cases));
	tcase_add_loop_test(tc, test_edge_label_types, 0, N(el_types_cases));
	suite_add_tcase(s, tc);
	return s;
}

static Suite *curl_suite(void)
{
	Suite *s = suite_create("curl");
	TCase *tc = tcase_create("curl");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_curl_gzip);
	tcase_add_loop_test(tc, test_curl_cut_short, 0, N(cut_cases));
	tcase_add_test(tc, test_curl_error_status_and_put);
	tcase_add_test(tc, test_curl_threads);
	tcase_add_test(tc, test_curl_refused);
	tcase_add_test(tc, test_curl_batch_gzip);
	suite_add_tcase(s, tc);
	return s;
}

/* ------------------------------------------------------------------ */
/* TLS options and errors, redirects                                   */

/* curl's words (libcurl 7.88 with OpenSSL 3) for each TLS failure. */
static const struct {
	int curl_code;
	const char *detail;
	int code;
	const char *want; /* in the message */
	bool asked;       /* the server asked for a client certificate, none given */
} curl_err_cases[] = {
	{ 60, "SSL certificate problem: self-signed certificate", HG_ECERT,
	  "certificate verification failed: the server's certificate is not signed by a trusted CA" },
	{ 60, "SSL certificate problem: unable to get local issuer certificate", HG_ECERT, "cacert=FILE or capath=DIR" },
	{ 60, "SSL certificate problem: certificate has expired", HG_ECERT, "the server's certificate has expired" },
	{ 60, "SSL certificate problem: certificate is not yet valid", HG_ECERT, "is not yet valid" },
	{ 60, "SSL: no alternative certificate subject name matches target host name '127.0.0.1'", HG_ECERT,
	  "host name mismatch" },
	{ 60, "SSL: certificate subject name 'wrong.example' does not match target host name 'localhost'", HG_ECERT,
	  "host name mismatch" },
	{ 77, "error setting certificate file: /x/ca.pem", HG_ETLS, "the CA certificates (cacert, capath) cannot be used" },
	{ 58, "unable to set private key file: '/x/k.pem' type PEM", HG_ETLS,
	  "the client certificate or its key (cert, key) cannot be used" },
	{ 56, "OpenSSL SSL_read: OpenSSL/3.0.19: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0",
	  HG_ETLS, "the server requires a client certificate" },
	{ 56, "OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000418:SSL routines::tlsv1 alert unknown ca, errno 0", HG_ETLS,
	  "does not accept the client certificate" },
	{ 35, "OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure", HG_ETLS,
	  "does it require a client certificate" },
	{ 35, "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number", HG_ETLS, "does not speak TLS" },
	/* not TLS: stays a transport error (tried again) */
	{ 35, "Connection reset by peer", HG_ETRANSPORT, "Connection reset by peer (curl error 35)" },
	{ 56, "Recv failure: Connection reset by peer", HG_ETRANSPORT, "Recv failure" },
	{ 7, "Failed to connect to 127.0.0.1 port 1", HG_ETRANSPORT, "Failed to connect" },
	/* TLS 1.3: the server asked for a client certificate, got none and
	 * dropped the connection before its alert was read */
	{ 55, "SSL_write() error: error:0A00007F:SSL routines::bad write retry", HG_ETLS,
	  "the server requires a client certificate", true },
	{ 55, "getpeername() failed with errno 107: Transport endpoint is not connected", HG_ETLS,
	  "give cert=FILE,key=FILE", true },
	{ 56, "Recv failure: Connection reset by peer", HG_ETLS, "the server requires a client certificate", true },
	{ 52, "Empty reply from server", HG_ETLS, "the server requires a client certificate", true },
	{ 52, "Empty reply from server", HG_ETRANSPORT, "Empty reply" },
	/* asked, but not a failure of the connection */
	{ 28, "Operation timed out after 300 milliseconds", HG_ETRANSPORT, "timed out", true },
	{ 28, "Operation timed out after 300 milliseconds", HG_ETRANSPORT, "timed out" },
};

START_TEST(test_curl_error_map)
{
	hg_error err;
	char buf[1400];

	ck_assert_int_eq(hg_curl_error(&err, curl_err_cases[_i].curl_code, curl_err_cases[_i].detail,
				       curl_err_cases[_i].asked, "GET", "https://127.0.0.1:1/versions"),
			 -curl_err_cases[_i].code);
	ck_assert_int_eq(err.code, curl_err_cases[_i].code);
	ck_assert_msg(strstr(err.message, curl_err_cases[_i].want), "'%s' not in '%s'", curl_err_cases[_i].want,
		      err.message);
	/* the request and curl's own words are kept */
	ck_assert_ptr_nonnull(strstr(err.message, "GET https://127.0.0.1:1/versions: "));
	ck_assert_ptr_nonnull(strstr(err.message, curl_err_cases[_i].detail));
	ck_assert_int_eq(err.timed_out, curl_err_cases[_i].curl_code == 28);
	ck_assert_int_eq(hg_code_errno(err.code), EIO);
	ck_assert_ptr_nonnull(hg_error_format(&err, buf, sizeof(buf)));
	ck_assert_str_ne(hg_code_name(err.code), "EUNKNOWN");
}
END_TEST

/* A readable file and a directory to name in the options. */
static char tls_dir[64], tls_file[80];

static void tls_files(void)
{
	FILE *f;

	snprintf(tls_dir, sizeof(tls_dir), "/tmp/hgtls.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tls_dir));
	snprintf(tls_file, sizeof(tls_file), "%s/ca.pem", tls_dir);
	f = fopen(tls_file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("-----BEGIN CERTIFICATE-----\n", f);
	fclose(f);
}

static void tls_files_rm(void)
{
	unlink(tls_file);
	rmdir(tls_dir);
}

START_TEST(test_tls_options_check)
{
	hg_options o;
	hg_error err;

	tls_files();
	memset(&o, 0, sizeof(o));
	o.url = "https://127.0.0.1:8443";
	ck_assert_int_eq(hg_tls_options_check(&o, &err), 0); /* none given */
	o.cacert = tls_file;
	o.capath = tls_dir;
	o.cert = tls_file;
	o.key = tls_file;
	o.insecure = true;
	ck_assert_int_eq(hg_tls_options_check(&o, &err), 0);

	o.url = "http://127.0.0.1:8080"; /* TLS options need https */
	ck_assert_int_eq(hg_tls_options_check(&o, &err), -HG_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "need an https:// URL, not http://127.0.0.1:8080"));
	memset(&o, 0, sizeof(o));
	o.url = "http://127.0.0.1:8080";
	o.insecure = true;
	ck_assert_int_eq(hg_tls_options_check(&o, &err), -HG_EINVAL);

	memset(&o, 0, sizeof(o));
	o.url = "HTTPS://127.0.0.1:8443";
	o.cacert = "/nonexistent/ca.pem";
	ck_assert_int_eq(hg_tls_options_check(&o, &err), -HG_EINVAL);
	ck_assert_str_eq(err.message, "cacert /nonexistent/ca.pem: No such file or directory");
	o.cacert = tls_dir;
	ck_assert_int_eq(hg_tls_options_check(&o, &err), -HG_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "a directory, not a file"));
	o.cacert = "";
	ck_assert_int_eq(hg_tls_options_check(&o, &err), -HG_EINVAL);
	o.cacert = NULL;
	o.capath = tls_file;
	ck_assert_int_eq(hg_tls_options_check(&o, &err), -HG_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "capath "));
	ck_assert_ptr_nonnull(strstr(err.message, ": not a directory"));
	o.capath = NULL;
	o.key = tls_file; /* a key without its certificate */
	ck_assert_int_eq(hg_tls_options_check(&o, &err), -HG_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "without cert=FILE"));
	o.cert = "/nonexistent/c.pem";
	ck_assert_int_eq(hg_tls_options_check(&o, &err), -HG_EINVAL);
	ck_assert_str_eq(err.message, "cert /nonexistent/c.pem: No such file or directory");
	o.cert = tls_file;
	o.key = "/nonexistent/k.pem";
	ck_assert_int_eq(hg_tls_options_check(&o, &err), -HG_EINVAL);
	ck_assert_str_eq(err.message, "key /nonexistent/k.pem: No such file or directory");
	tls_files_rm();
}
END_TEST

/* hg_client_open refuses bad TLS options before any request. */
START_TEST(test_tls_open_refused)
{
	hg_options opt = { .url = "https://127.0.0.1:8443", .cacert = "/nonexistent/ca.pem" };
	hg_client *cl = NULL;
	hg_error err;
	canned *t = canned_new(0);

	canned_add(t, 200, VERSIONS("1.5.0"));
	canned_add(t, 200, GRAPHS);
	ck_assert_int_eq(hg_client_open_transport(&cl, &opt, &t->base, &err), -HG_EINVAL);
	ck_assert_ptr_null(cl);
	ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/ca.pem"));
	/* the real opener too (no transport made, nothing sent) */
	ck_assert_int_eq(hg_client_open(&cl, &opt, &err), -HG_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.message, "cacert /nonexistent/ca.pem"));
}
END_TEST

/* The curl transport never follows a redirect: the 3xx is an error naming
 * where it pointed, and only one request is made. */
static const struct {
	const char *head;
	const char *want;
} redirect_cases[] = {
	{ "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:1/graphs/g", "redirects to http://127.0.0.2:1/graphs/g" },
	{ "HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.invalid/x", "redirects to https://example.invalid/x" },
	{ "HTTP/1.1 307 Temporary Redirect\r\nLocation: /elsewhere", "redirects to http://127.0.0.1:" },
	{ "HTTP/1.1 308 Permanent Redirect\r\nLocation: ftp://127.0.0.1/x", "redirects to ftp://127.0.0.1/x" },
	{ "HTTP/1.1 302 Found", "redirects to (no Location)" },
};

START_TEST(test_curl_redirect_not_followed)
{
	responder r = { .head = redirect_cases[_i].head, .body = "{}", .body_len = 2, .declared_len = 2 };
	char backend[32];
	hg_client *cl;
	hg_error err;

	responder_start(&r);
	cl = curl_client(r.port);
	ck_assert_int_eq(hg_graph_backend(cl, "g", backend, sizeof(backend), &err), -HG_EPROTOCOL);
	ck_assert_msg(strstr(err.message, redirect_cases[_i].want), "'%s' not in '%s'", redirect_cases[_i].want,
		      err.message);
	ck_assert_ptr_nonnull(strstr(err.message, "redirects are not followed"));
	ck_assert_int_ge(err.http_status, 301);
	ck_assert_int_le(err.http_status, 308);
	hg_client_free(cl);
	responder_stop(&r);
	ck_assert_int_eq(r.n_conn, 1); /* not tried again, not followed */
}
END_TEST

static Suite *tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *tc = tcase_create("tls");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_curl_error_map, 0, N(curl_err_cases));
	tcase_add_test(tc, test_tls_options_check);
	tcase_add_test(tc, test_tls_open_refused);
	tcase_add_loop_test(tc, test_curl_redirect_not_followed, 0, N(redirect_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(errors_suite());
	int failed;

	srunner_add_suite(sr, url_suite());
	srunner_add_suite(sr, auth_suite());
	srunner_add_suite(sr, open_suite());
	srunner_add_suite(sr, mode_suite());
	srunner_add_suite(sr, jscan_suite());
	srunner_add_suite(sr, schema_suite());
	srunner_add_suite(sr, scan_suite());
	srunner_add_suite(sr, create_suite());
	srunner_add_suite(sr, curl_suite());
	srunner_add_suite(sr, tls_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
