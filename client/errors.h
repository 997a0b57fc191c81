/*
 * errors.h - filling a hg_error (internal).
 *
 * This module is the one place where HTTP statuses and error bodies are
 * turned into hg codes.  Transport (curl) failures are classified by the
 * transport, which calls hg_error_set(ETRANSPORT, ...).
 */
#ifndef HG_ERRORS_H
#define HG_ERRORS_H

#include <stddef.h>

#include "hgclient.h"

/* Sets code/status/message (printf-style) and clears the exception; NULL
 * err is allowed.  Returns -code. */
int hg_error_set(hg_error *err, int code, long http_status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The code for an HTTP status that is not a success, given the server's
 * message (may be NULL): 400 -> EINVAL (EBUSY for "too busy to write", EMODE
 * for refusals because of the graph mode), 401 -> EAUTH, 403 -> EFORBIDDEN,
 * 404 -> ENOTFOUND, 415 -> EINVAL, 503 -> EBUSY, other 5xx -> ESERVER, other
 * 4xx -> EINVAL, anything else -> EPROTOCOL.  Positive code. */
int hg_error_classify(long status, const char *message);

/* Fills err from a non-2xx response: parses the server's error JSON
 * {"exception":..,"message":..} or takes a text body (truncated) as the
 * message.  Returns -code. */
int hg_error_from_http(hg_error *err, long status, const char *body, size_t len);

#endif
