/*
 * transport.h - the seam between the HTTP logic and libcurl (internal).
 *
 * The client logic (URL forms, error mapping, paging, streaming parse) only
 * talks to a hg_transport.  The real one is curl (transport_curl.c); unit
 * tests plug in one that serves canned responses.
 *
 * perform() sends one request and hands the (decoded) response body to
 * `sink` chunk by chunk, in order.  Before the first chunk, and in any case
 * before perform() returns 0, it fills *resp with the status.  It returns
 *   0             a complete HTTP response was received (any status);
 *   the sink's    when a sink call returned non-zero (a negative hg code),
 *   return value  which stops the transfer;
 *   -HG_EINTR     (err filled) when req->cancel asked to stop;
 *   -HG_ETRANSPORT (err filled) when no complete response came back:
 *                 connection refused, timeout (err->timed_out set), a
 *                 transfer cut short.
 * A transport is used by many threads at once.
 */
#ifndef HG_TRANSPORT_H
#define HG_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "hgclient.h"

typedef struct hg_request {
	const char *method;      /* "GET", "PUT", ... */
	const char *url;         /* complete, already escaped */
	const char *auth_header; /* "Authorization: Basic ..." or NULL */
	const char *body;        /* NULL: no body; else sent as application/json */
	size_t body_len;
	const char *content_encoding; /* of body ("gzip"), sent as Content-Encoding; NULL: none */
	long connect_timeout_ms;
	long timeout_ms;
	long stall_ms; /* > 0: fail (as timed out) when nothing arrives for this long */
	hg_cancel_fn cancel; /* asked about once a second; true: stop with -HG_EINTR */
	void *cancel_ctx;
} hg_request;

typedef struct hg_response {
	long status;
	char location[512]; /* a 3xx answer's Location, made absolute ("" otherwise); never followed */
} hg_response;

/* Returns 0 to go on, or a negative hg code to stop the transfer. */
typedef int (*hg_sink_fn)(void *ctx, const hg_response *resp, const char *data, size_t len);

typedef struct hg_transport hg_transport;

typedef struct hg_transport_ops {
	int (*perform)(hg_transport *t, const hg_request *req, hg_response *resp, hg_sink_fn sink, void *ctx,
		       hg_error *err);
	void (*destroy)(hg_transport *t);
} hg_transport_ops;

struct hg_transport {
	const hg_transport_ops *ops;
};

/* The libcurl transport: a pool of at most max_handles reused easy handles. */
int hg_transport_curl_new(hg_transport **out, int max_handles, hg_error *err);

/* The same with the TLS settings of opt (cacert, capath, cert, key,
 * insecure; copied) and opt->max_handles; opt NULL: as above. */
int hg_transport_curl_new_opts(hg_transport **out, const hg_options *opt, hg_error *err);

/* Fills err for a failed curl transfer: curl_code is the CURLcode, detail
 * curl's error buffer ("" or NULL: none), cert_asked true when the server
 * asked for a client certificate and none was configured (a send or receive
 * failure then is the server refusing to go on without one).  Certificate
 * verification failures become ECERT and other TLS failures ETLS, with a
 * message that names the problem (untrusted, expired, host name, client
 * certificate) and what to do; the rest ETRANSPORT.  Returns -code. */
int hg_curl_error(hg_error *err, int curl_code, const char *detail, bool cert_asked, const char *method,
		  const char *url);

#endif
