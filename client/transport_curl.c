/* transport_curl.c - the libcurl transport: a mutex-guarded pool of easy
 * handles (reused, so connections stay alive between requests). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "errors.h"
#include "transport.h"

typedef struct curl_transport {
	hg_transport base;
	pthread_mutex_t lock;
	CURL **idle;
	int n_idle;
	int max_idle;
} curl_transport;

/* Per-request state passed to the write callback. */
typedef struct transfer {
	CURL *h;
	hg_response *resp;
	hg_sink_fn sink;
	void *ctx;
	int sink_rc;
	bool status_known;
	const hg_request *req;
	bool cancelled;
} transfer;

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void fill_status(transfer *t)
{
	long status = 0;

	if (t->status_known)
		return;
	curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &status);
	t->resp->status = status;
	t->status_known = true;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *userdata)
{
	transfer *t = userdata;
	size_t len = size * nmemb;

	fill_status(t);
	if (len == 0)
		return 0;
	t->sink_rc = t->sink ? t->sink(t->ctx, t->resp, data, len) : 0;
	if (t->sink_rc)
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	return len;
}

/* curl's progress callback: about once a second while nothing arrives */
static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	transfer *t = userdata;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	if (t->req->cancel(t->req->cancel_ctx))
		t->cancelled = true;
	return t->cancelled; /* non-zero: CURLE_ABORTED_BY_CALLBACK */
}

static int add_header(struct curl_slist **list, const char *header)
{
	struct curl_slist *n = curl_slist_append(*list, header);

	if (!n)
		return -1;
	*list = n;
	return 0;
}

static CURL *handle_get(curl_transport *ct)
{
	CURL *h = NULL;

	pthread_mutex_lock(&ct->lock);
	if (ct->n_idle > 0)
		h = ct->idle[--ct->n_idle];
	pthread_mutex_unlock(&ct->lock);
	if (h)
		curl_easy_reset(h); /* keeps the connection cache */
	else
		h = curl_easy_init();
	return h;
}

static void handle_put(curl_transport *ct, CURL *h)
{
	pthread_mutex_lock(&ct->lock);
	if (ct->n_idle < ct->max_idle) {
		ct->idle[ct->n_idle++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&ct->lock);
	if (h)
		curl_easy_cleanup(h);
}

static int curl_perform(hg_transport *base, const hg_request *req, hg_response *resp, hg_sink_fn sink, void *ctx,
			hg_error *err)
{
	curl_transport *ct = (curl_transport *)base;
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE], encoding[64];
	transfer t;
	CURLcode cc;
	CURL *h;
	int rc = 0;

	memset(resp, 0, sizeof(*resp));
	h = handle_get(ct);
	if (!h)
		return hg_error_set(err, HG_ENOMEM, 0, "cannot create a curl handle");

	memset(&t, 0, sizeof(t));
	t.h = h;
	t.resp = resp;
	t.sink = sink;
	t.ctx = ctx;
	t.req = req;
	errbuf[0] = '\0';
	snprintf(encoding, sizeof(encoding), "Content-Encoding: %s",
		 req->content_encoding ? req->content_encoding : "");

	/* "Expect:" off: no 100-continue round trip for bodies. */
	if (add_header(&headers, "Expect:") || add_header(&headers, "Accept: application/json") ||
	    (req->auth_header && add_header(&headers, req->auth_header)) ||
	    (req->body && add_header(&headers, "Content-Type: application/json")) ||
	    (!req->body && add_header(&headers, "Content-Type:")) ||
	    (req->body && req->content_encoding && add_header(&headers, encoding))) {
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory building request headers");
		goto out;
	}

	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* the server gzips scans regardless */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	if (req->stall_ms > 0) {
		/* less than a byte a second for stall_ms: a hung server */
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, req->stall_ms < 1000 ? 1L : req->stall_ms / 1000);
	}
	if (req->cancel) {
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	/* scans deliver megabytes: fewer, larger callbacks (the default is 16 KiB) */
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024);
	if (req->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
	} else if (strcmp(req->method, "POST") == 0) {
		/* a body-less POST (a handle kept from a GET would stay a GET),
		 * with no Content-Type (curl's default is a form's) */
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	}
	if (strcmp(req->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else if (strcmp(req->method, "POST") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);

	cc = curl_easy_perform(h);
	if (t.sink_rc) {
		rc = t.sink_rc;
		goto out;
	}
	if (t.cancelled) {
		rc = hg_error_set(err, HG_EINTR, 0, "%s %s: interrupted", req->method, req->url);
		goto out;
	}
	if (cc != CURLE_OK) {
		long status = 0;

		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		resp->status = status;
		rc = hg_error_set(err, HG_ETRANSPORT, 0, "%s %s: %s (curl error %d)", req->method, req->url,
				  errbuf[0] ? errbuf : curl_easy_strerror(cc), (int)cc);
		if (err)
			err->timed_out = cc == CURLE_OPERATION_TIMEDOUT;
		goto out;
	}
	fill_status(&t);
	if (resp->status < 100) {
		rc = hg_error_set(err, HG_ETRANSPORT, 0, "%s %s: no HTTP status", req->method, req->url);
		goto out;
	}
out:
	/* The handle must not keep pointers into this frame. */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, NULL);
	curl_slist_free_all(headers);
	handle_put(ct, h);
	return rc;
}

static void curl_destroy(hg_transport *base)
{
	curl_transport *ct = (curl_transport *)base;
	int i;

	if (!ct)
		return;
	for (i = 0; i < ct->n_idle; i++)
		curl_easy_cleanup(ct->idle[i]);
	free(ct->idle);
	pthread_mutex_destroy(&ct->lock);
	free(ct);
}

static const hg_transport_ops curl_ops = {
	.perform = curl_perform,
	.destroy = curl_destroy,
};

int hg_transport_curl_new(hg_transport **out, int max_handles, hg_error *err)
{
	curl_transport *ct;

	*out = NULL;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		return hg_error_set(err, HG_ETRANSPORT, 0, "curl_global_init failed: %s",
				    curl_easy_strerror(global_rc));
	if (max_handles <= 0)
		max_handles = 16;
	ct = calloc(1, sizeof(*ct));
	if (!ct)
		return hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	ct->idle = calloc((size_t)max_handles, sizeof(*ct->idle));
	if (!ct->idle) {
		free(ct);
		return hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	}
	pthread_mutex_init(&ct->lock, NULL);
	ct->max_idle = max_handles;
	ct->base.ops = &curl_ops;
	*out = &ct->base;
	return 0;
}
