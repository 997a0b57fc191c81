/* http.c - requests with bounded bodies; non-2xx answers become errors. */
#include "http.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"

typedef struct http_call {
	hg_buf *ok_body;  /* 2xx body when buffering */
	hg_buf err_body;  /* non-2xx body (truncated at HG_MAX_ERROR_BODY) */
	hg_data_fn fn;    /* 2xx body when streaming */
	void *fn_ctx;
	hg_error *err;
	int fn_rc;
	const char *url;
} http_call;

static bool is_success(long status)
{
	return status >= 200 && status < 300;
}

static int on_data(void *ctx, const hg_response *resp, const char *data, size_t len)
{
	http_call *hc = ctx;
	size_t room;
	int rc;

	if (!is_success(resp->status)) {
		room = HG_MAX_ERROR_BODY - hc->err_body.len;
		return hg_buf_append(&hc->err_body, data, len < room ? len : room) == -HG_ENOMEM ? -HG_ENOMEM : 0;
	}
	if (hc->fn) {
		rc = hc->fn(hc->fn_ctx, data, len, hc->err);
		if (rc)
			hc->fn_rc = rc;
		return rc;
	}
	if (!hc->ok_body)
		return 0;
	rc = hg_buf_append(hc->ok_body, data, len);
	if (rc == -HG_ETOOBIG)
		hg_error_set(hc->err, HG_ETOOBIG, resp->status, "response of %s is larger than %zu MiB", hc->url,
			     HG_MAX_BODY >> 20);
	else if (rc)
		hg_error_set(hc->err, rc, 0, "out of memory reading %s", hc->url);
	if (rc)
		hc->fn_rc = rc;
	return rc;
}

static int http_run(hg_client *c, const char *method, const char *url, bool auth, const char *body,
		    size_t body_len, const char *content_encoding, bool cancellable, http_call *hc, hg_error *err)
{
	hg_request req;
	hg_response resp;
	int rc;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = method;
	req.url = url;
	req.auth_header = auth ? c->auth_header : NULL;
	req.body = body;
	req.body_len = body_len;
	req.content_encoding = content_encoding;
	req.connect_timeout_ms = c->connect_timeout_ms;
	req.timeout_ms = c->timeout_ms;
	req.stall_ms = c->stall_ms;
	/* a small answer (not streamed) is given stall_ms in all: a server
	 * that trickles a byte a second never stalls, yet is hung */
	if (!hc->fn && strcmp(method, "GET") == 0 && c->stall_ms > 0 && c->stall_ms < req.timeout_ms)
		req.timeout_ms = c->stall_ms;
	req.cancel = cancellable ? c->cancel : NULL;
	req.cancel_ctx = c->cancel_ctx;
	hc->err = err;
	hc->url = url;
	hg_buf_init(&hc->err_body, 0);

	if (req.cancel && c->cancel(c->cancel_ctx)) {
		rc = hg_error_set(err, HG_EINTR, 0, "%s %s: interrupted", method, url);
		goto out;
	}
	rc = c->transport->ops->perform(c->transport, &req, &resp, on_data, hc, err);
	if (rc) {
		if (!hc->fn_rc && rc != -HG_ETRANSPORT && err && !err->code)
			hg_error_set(err, rc, 0, "%s %s failed", method, url);
		goto out;
	}
	if (resp.status >= 300 && resp.status < 400)
		/* never followed: not to another host, not to http://, not at all */
		rc = hg_error_set(err, HG_EPROTOCOL, resp.status,
				  "%s %s: the server redirects to %s; redirects are not followed: "
				  "give the server's own URL",
				  method, url, resp.location[0] ? resp.location : "(no Location)");
	else if (!is_success(resp.status))
		rc = hg_error_from_http(err, resp.status, hc->err_body.data, hc->err_body.len);
out:
	hg_buf_free(&hc->err_body);
	return rc;
}

static bool transient(int rc)
{
	return rc == -HG_ETRANSPORT || rc == -HG_ESERVER || rc == -HG_EBUSY;
}

long hg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hg_sleep_ms(hg_client *c, long ms, hg_error *err)
{
	long end = hg_now_ms() + ms, left;

	while ((left = end - hg_now_ms()) > 0) {
		if (c->cancel && c->cancel(c->cancel_ctx))
			return hg_error_set(err, HG_EINTR, 0, "interrupted while waiting to try again");
		usleep((useconds_t)((left < 100 ? left : 100) * 1000));
	}
	return 0;
}

int hg_http_call_opts(hg_client *c, const char *method, const char *url, bool auth, const char *body,
		      size_t body_len, const hg_http_opts *opts, hg_buf *out, hg_error *err)
{
	static const hg_http_opts plain;
	bool idempotent;
	long start = hg_now_ms(), busy_sleep = HG_HTTP_BUSY_MS;
	int tries = 0; /* failures counted against max_tries */
	long pause;
	http_call hc;
	int rc;

	if (!opts)
		opts = &plain;
	/* GET and PUT are idempotent: a transient failure is tried again */
	idempotent = opts->idempotent || strcmp(method, "GET") == 0 || strcmp(method, "PUT") == 0;
	for (int attempt = 1;; attempt++) {
		memset(&hc, 0, sizeof(hc));
		if (out) {
			hg_buf_reset(out);
			out->max = HG_MAX_BODY;
		}
		hc.ok_body = out;
		if (attempt > 1)
			hg_error_clear(err);
		long attempt_start = hg_now_ms();
		rc = http_run(c, method, url, auth, body, body_len, opts->content_encoding, !opts->uncancellable, &hc,
			      err);
		if (!transient(rc) || !idempotent)
			return rc;
		/* busy answers may have their own budget: time, not tries */
		if (rc == -HG_EBUSY && opts->busy_wait_ms > 0) {
			if (hg_now_ms() - start + busy_sleep > opts->busy_wait_ms)
				return rc;
			if (hg_sleep_ms(c, busy_sleep, err) < 0)
				return -HG_EINTR;
			busy_sleep = busy_sleep * 2 < HG_HTTP_BUSY_MAX_MS ? busy_sleep * 2 : HG_HTTP_BUSY_MAX_MS;
			continue;
		}
		if (++tries >= c->max_tries)
			return rc;
		/* a server that let a request hang this long is not asked again:
		 * a caller (cat mode, ls) gets its answer within about stall_ms */
		if (hg_now_ms() - attempt_start >= c->stall_ms)
			return rc;
		/* nor is a new try started once stall_ms has passed in all */
		pause = HG_HTTP_RETRY_MS * tries * tries;
		if (hg_now_ms() - start + pause >= c->stall_ms)
			return rc;
		if (opts->uncancellable)
			usleep((useconds_t)pause * 1000);
		else if (hg_sleep_ms(c, pause, err) < 0)
			return -HG_EINTR;
		if (opts->guard != NULL) {
			/* the server went away or failed: is it still fit to take this? */
			hg_error gerr;
			int grc;
			hg_error_clear(&gerr);
			grc = opts->guard(opts->guard_arg, &gerr);
			if (grc < 0) {
				*err = gerr;
				return grc;
			}
		}
	}
}

int hg_http_call(hg_client *c, const char *method, const char *url, bool auth, const char *body, size_t body_len,
		 hg_buf *out, hg_error *err)
{
	return hg_http_call_opts(c, method, url, auth, body, body_len, NULL, out, err);
}

int hg_http_stream(hg_client *c, const char *url, hg_data_fn fn, void *ctx, hg_error *err)
{
	http_call hc;

	memset(&hc, 0, sizeof(hc));
	hc.fn = fn;
	hc.fn_ctx = ctx;
	return http_run(c, "GET", url, true, NULL, 0, NULL, true, &hc, err);
}
