/* transport_curl.c - the libcurl transport: a mutex-guarded pool of easy
 * handles (reused, so connections stay alive between requests). */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "errors.h"
#include "transport.h"

typedef struct curl_transport {
	hg_transport base;
	pthread_mutex_t lock;
	CURL **idle;
	int n_idle;
	int max_idle;
	/* TLS (hg_options), copies; NULL: not set */
	char *cacert, *capath, *cert, *key;
	bool insecure;
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
static bool curl_openssl; /* libcurl's TLS is OpenSSL: its SSL_CTX can be given callbacks */

static void global_init(void)
{
	const curl_version_info_data *v;

	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	v = curl_version_info(CURLVERSION_NOW);
	curl_openssl = v && v->ssl_version && strncmp(v->ssl_version, "OpenSSL/", 8) == 0;
}

/* Whether the server asked this thread's current handshake for a client
 * certificate.  With TLS 1.3 the client finishes its handshake before the
 * server judges the (empty) certificate, so a server that requires one
 * answers the request with an alert, a reset or a closed socket, whichever
 * wins the race; asked, it can be named whatever curl says.  A thread
 * variable: the handshake runs in the thread of curl_easy_perform. */
static __thread bool tls_cert_asked;
/* Whether a handshake completed in this thread's current transfer: a
 * server that does not accept our client certificate closes the connection
 * right after it, before any answer, in the same race. */
static __thread bool tls_handshake_done;

static int on_client_cert(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
	(void)ssl, (void)x509, (void)pkey;
	tls_cert_asked = true;
	return 0; /* none: the handshake goes on without one */
}

static void on_tls_info(const SSL *ssl, int where, int ret)
{
	(void)ssl, (void)ret;
	if (where & SSL_CB_HANDSHAKE_DONE)
		tls_handshake_done = true;
}

static CURLcode on_ssl_ctx(CURL *h, void *ssl_ctx, void *userdata)
{
	const curl_transport *ct = userdata;

	(void)h;
	/* OpenSSL calls it only when no certificate is set */
	if (!ct->cert)
		SSL_CTX_set_client_cert_cb(ssl_ctx, on_client_cert);
	SSL_CTX_set_info_callback(ssl_ctx, on_tls_info);
	return CURLE_OK;
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

/* A 3xx's Location, where it would go: reported, never followed (curl
 * knows it once the transfer is done). */
static void fill_location(transfer *t)
{
	char *loc = NULL;

	if (t->resp->status >= 300 && t->resp->status < 400 &&
	    curl_easy_getinfo(t->h, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
		snprintf(t->resp->location, sizeof(t->resp->location), "%s", loc);
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
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* verification is on by default; set again after curl_easy_reset all the same */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, ct->insecure ? 0L : 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, ct->insecure ? 0L : 2L);
	if (ct->cacert)
		curl_easy_setopt(h, CURLOPT_CAINFO, ct->cacert);
	if (ct->capath)
		curl_easy_setopt(h, CURLOPT_CAPATH, ct->capath);
	if (ct->cert) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, ct->cert);
		curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
		if (ct->key)
			curl_easy_setopt(h, CURLOPT_SSLKEY, ct->key);
		/* an encrypted key fails instead of OpenSSL asking on the terminal */
		curl_easy_setopt(h, CURLOPT_KEYPASSWD, "");
	}
	if (curl_openssl) {
		curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
		curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, ct);
	}
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

	tls_cert_asked = false;
	tls_handshake_done = false;
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
		rc = hg_curl_error(err, (int)cc, errbuf[0] ? errbuf : curl_easy_strerror(cc), tls_cert_asked && !ct->cert,
				   req->method, req->url);
		if (rc == -HG_ETRANSPORT && ct->cert && tls_handshake_done && status == 0 &&
		    (cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING))
			/* the server accepted nothing after the handshake: not worth trying again */
			rc = hg_error_set(err, HG_ETLS, 0,
					  "%s %s: the server closed the connection right after the TLS handshake, "
					  "before any answer: does it accept the client certificate (cert=%s)? %s "
					  "(curl error %d)",
					  req->method, req->url, ct->cert, errbuf[0] ? errbuf : curl_easy_strerror(cc),
					  (int)cc);
		goto out;
	}
	fill_status(&t);
	fill_location(&t);
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
	free(ct->cacert);
	free(ct->capath);
	free(ct->cert);
	free(ct->key);
	free(ct);
}

static const hg_transport_ops curl_ops = {
	.perform = curl_perform,
	.destroy = curl_destroy,
};

static bool has(const char *s, const char *needle)
{
	return s && strstr(s, needle) != NULL;
}

int hg_curl_error(hg_error *err, int curl_code, const char *detail, bool cert_asked, const char *method,
		  const char *url)
{
	CURLcode cc = (CURLcode)curl_code;
	const char *d = detail && detail[0] ? detail : curl_easy_strerror(cc);
	int rc;

	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		/* OpenSSL's words, through curl: "SSL certificate problem: ..."
		 * or "SSL: no alternative certificate subject name matches target
		 * host name 'h'" / "SSL: certificate subject name 'x' does not
		 * match target host name 'h'" */
		if (has(d, "expired") || has(d, "not yet valid"))
			return hg_error_set(err, HG_ECERT, 0,
					    "%s %s: the server's certificate %s: %s (curl error %d); check the "
					    "server's certificate and this machine's clock",
					    method, url, has(d, "expired") ? "has expired" : "is not yet valid", d,
					    curl_code);
		if (has(d, "host name") || has(d, "hostname"))
			return hg_error_set(err, HG_ECERT, 0,
					    "%s %s: host name mismatch: the server's certificate is not for the host "
					    "of the URL: %s (curl error %d); use a host name the certificate holds",
					    method, url, d, curl_code);
		return hg_error_set(err, HG_ECERT, 0,
				    "%s %s: certificate verification failed: the server's certificate is not signed by "
				    "a trusted CA: %s (curl error %d); trust its CA with cacert=FILE or capath=DIR "
				    "(insecure skips verification)",
				    method, url, d, curl_code);
	case CURLE_SSL_CACERT_BADFILE:
		return hg_error_set(err, HG_ETLS, 0,
				    "%s %s: the CA certificates (cacert, capath) cannot be used: %s (curl error %d)",
				    method, url, d, curl_code);
	case CURLE_SSL_CERTPROBLEM:
		return hg_error_set(err, HG_ETLS, 0,
				    "%s %s: the client certificate or its key (cert, key) cannot be used: %s "
				    "(curl error %d); both must be PEM and the key not encrypted",
				    method, url, d, curl_code);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		/* the server's TLS alerts: it wants a client certificate, or does
		 * not accept ours (TLS 1.3 sends these after the handshake, so
		 * they can come as receive errors) */
		if (has(d, "certificate required") || cert_asked)
			return hg_error_set(err, HG_ETLS, 0,
					    "%s %s: the server requires a client certificate: %s (curl error %d); "
					    "give cert=FILE,key=FILE",
					    method, url, d, curl_code);
		if (has(d, "alert handshake failure") && cc == CURLE_SSL_CONNECT_ERROR)
			return hg_error_set(err, HG_ETLS, 0,
					    "%s %s: the server refused the TLS handshake: %s (curl error %d); does it "
					    "require a client certificate (cert=FILE,key=FILE)?",
					    method, url, d, curl_code);
		if (has(d, "alert unknown ca") || has(d, "alert bad certificate") ||
		    has(d, "alert certificate unknown") || has(d, "alert certificate expired") ||
		    has(d, "alert certificate revoked") || has(d, "alert access denied"))
			return hg_error_set(err, HG_ETLS, 0,
					    "%s %s: the server does not accept the client certificate: %s (curl "
					    "error %d)",
					    method, url, d, curl_code);
		if (cc == CURLE_SSL_CONNECT_ERROR && (has(d, "wrong version number") || has(d, "packet length too long")))
			return hg_error_set(err, HG_ETLS, 0,
					    "%s %s: the server does not speak TLS: %s (curl error %d); is it a "
					    "plain http:// server?",
					    method, url, d, curl_code);
		if (cc == CURLE_SSL_CONNECT_ERROR && has(d, "alert"))
			return hg_error_set(err, HG_ETLS, 0, "%s %s: the server refused the TLS handshake: %s (curl error %d)",
					    method, url, d, curl_code);
		break;
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return hg_error_set(err, HG_ETLS, 0, "%s %s: TLS failed: %s (curl error %d)", method, url, d,
				    curl_code);
	default:
		break;
	}
	rc = hg_error_set(err, HG_ETRANSPORT, 0, "%s %s: %s (curl error %d)", method, url, d, curl_code);
	if (err)
		err->timed_out = cc == CURLE_OPERATION_TIMEDOUT;
	return rc;
}

int hg_transport_curl_new(hg_transport **out, int max_handles, hg_error *err)
{
	hg_options opt = { .max_handles = max_handles };

	return hg_transport_curl_new_opts(out, &opt, err);
}

static int dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

int hg_transport_curl_new_opts(hg_transport **out, const hg_options *opt, hg_error *err)
{
	static const hg_options none;
	int max_handles;
	curl_transport *ct;

	*out = NULL;
	if (!opt)
		opt = &none;
	max_handles = opt->max_handles;
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
	ct->base.ops = &curl_ops;
	ct->max_idle = max_handles;
	ct->insecure = opt->insecure;
	if (dup_opt(&ct->cacert, opt->cacert) || dup_opt(&ct->capath, opt->capath) || dup_opt(&ct->cert, opt->cert) ||
	    dup_opt(&ct->key, opt->key)) {
		curl_destroy(&ct->base);
		return hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	}
	ct->base.ops = &curl_ops;
	*out = &ct->base;
	return 0;
}
