/*
 * http.h - one request through the transport, with bounded buffering and
 * the HTTP error mapping (internal).
 */
#ifndef HG_HTTP_H
#define HG_HTTP_H

#include <stdbool.h>

#include "client_internal.h"

#define HG_MAX_BODY ((size_t)64 << 20)      /* a buffered (non-streamed) response */
#define HG_MAX_ERROR_BODY ((size_t)64 << 10) /* kept of an error response */
#define HG_HTTP_TRIES 3                      /* default attempts of an idempotent buffered call */
#define HG_HTTP_RETRY_MS 100                 /* backoff: 100 ms, 400 ms, ... */
#define HG_HTTP_BUSY_MS 100                  /* busy backoff: 100 ms, 200 ms, ... */
#define HG_HTTP_BUSY_MAX_MS 2000             /* ... at most 2 s between tries */
#define HG_HTTP_BUSY_WAIT_MS 60000           /* default c->busy_wait_ms */

/* Sends method url (with the client's credentials when auth is true, and a
 * JSON body when body != NULL).  A 2xx response body goes into out (reset
 * first, at most HG_MAX_BODY: ETOOBIG beyond); any other status is turned
 * into an error from its body.  out may be NULL to drop the body.
 * GET and PUT are tried up to max_tries times when the failure is
 * transient (transport, 5xx, busy). */
int hg_http_call(hg_client *c, const char *method, const char *url, bool auth, const char *body, size_t body_len,
		 hg_buf *out, hg_error *err);

/* How a call is sent and retried beyond what the method implies. */
typedef struct hg_http_opts {
	const char *content_encoding; /* of the body ("gzip"), NULL: none */
	bool idempotent;              /* retry transient failures as for GET and PUT
					 (the caller made the request safe to repeat) */
	long busy_wait_ms;            /* > 0: busy answers are tried again with a backoff
					 of 100 ms doubling up to 2 s, for about this long,
					 without counting against max_tries */
	hg_retry_guard guard;         /* asked before each retry after a transport error
					 or a 5xx; NULL: none */
	void *guard_arg;
	bool uncancellable;           /* the client's cancel hook is not asked: for a
					 request that puts back what an interrupted
					 operation changed (the graph's read mode) */
} hg_http_opts;

/* hg_http_call with options (NULL: as hg_http_call). */
int hg_http_call_opts(hg_client *c, const char *method, const char *url, bool auth, const char *body,
		      size_t body_len, const hg_http_opts *opts, hg_buf *out, hg_error *err);

/* Pauses ms, asking the client's cancel hook every 100 ms: 0, or
 * -HG_EINTR (err filled) when it asked to stop. */
int hg_sleep_ms(hg_client *c, long ms, hg_error *err);

/* A monotonic clock in milliseconds. */
long hg_now_ms(void);

/* Receives a 2xx body chunk; returns 0, or a negative hg code after filling err. */
typedef int (*hg_data_fn)(void *ctx, const char *data, size_t len, hg_error *err);

/* GET url with credentials; a 2xx body is handed to fn as it streams in. */
int hg_http_stream(hg_client *c, const char *url, hg_data_fn fn, void *ctx, hg_error *err);

#endif
