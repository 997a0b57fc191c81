/*
 * jscan.h - a streaming JSON scanner for scan/list responses (internal).
 *
 * Fed a response such as {"vertices":[...],"page":"..."} in chunks of any
 * size, it validates the whole document and hands each element of the
 * top-level array under `key` to a callback as the exact bytes the server
 * sent (no surrounding white space), as soon as the element is complete.
 * Only the current partial element is kept (bounded by max_elem).  It also
 * captures the top-level "page" member (a string, decoded, or null).  Other
 * members are checked and skipped.  Nothing is parsed into numbers.
 */
#ifndef HG_JSCAN_H
#define HG_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define JSCAN_MAX_DEPTH 512
#define JSCAN_MAX_PAGE ((size_t)64 << 10)

/* Returns 0 to go on; anything else stops the scan (-HG_ECALLBACK). */
typedef int (*jscan_elem_fn)(void *ctx, const char *elem, size_t len);

typedef enum { JSCAN_PAGE_ABSENT, JSCAN_PAGE_NULL, JSCAN_PAGE_STRING } jscan_page;

typedef struct jscan {
	/* configuration */
	char key[64];
	size_t key_len;
	size_t max_elem;
	jscan_elem_fn cb;
	void *ctx;

	/* results */
	bool found_array;    /* the key was present (with an array) */
	size_t n_elems;      /* elements handed to cb */
	jscan_page page;     /* the top-level "page" member */
	char *page_value;    /* decoded, malloc'd, when page == JSCAN_PAGE_STRING */
	char errmsg[160];    /* why feed/finish failed */

	/* parser state */
	int state;
	int num_state;
	int lit_pos;
	const char *lit;
	bool is_key;
	int member;          /* what the current depth-1 member is (enum in jscan.c) */
	int depth;
	uint8_t stack[JSCAN_MAX_DEPTH];
	char keybuf[64];     /* raw bytes of the current depth-1 key */
	size_t keylen;
	bool key_overflow;
	bool in_target;      /* inside the target array */
	bool in_elem;        /* inside an element (start in the current chunk or carry) */
	bool capture_page;   /* inside the "page" string */
	hg_buf carry;        /* partial element spanning chunks */
	hg_buf pagebuf;      /* raw bytes of the "page" string */
	uint64_t offset;     /* bytes consumed before the current chunk */
	int hex_left;
	int err_rc;          /* the error, once state is ST_ERROR */
} jscan;

/* key: the member holding the array ("vertices", "edges", ...);
 * max_elem: the largest element accepted (0: 64 MiB). */
void jscan_init(jscan *s, const char *key, size_t max_elem, jscan_elem_fn cb, void *ctx);
void jscan_free(jscan *s);

/* 0, -HG_EPROTOCOL (malformed JSON, errmsg says where), -HG_ETOOBIG (an
 * element or the page token too large), -HG_ECALLBACK, -HG_ENOMEM. */
int jscan_feed(jscan *s, const char *data, size_t len);
/* 0 when the document is complete; -HG_EPROTOCOL when it was cut short. */
int jscan_finish(jscan *s);

/* Finds the top-level member `key` of the JSON object obj[0..len) and, when
 * its value is an integer, stores its exact value (digits, no double).
 * Returns 0 found, 1 absent or not an integer, -1 malformed/out of range. */
int jscan_top_int64(const char *obj, size_t len, const char *key, int64_t *out);

/* Decodes the body of a JSON string (between the quotes, escapes included)
 * into b as UTF-8.  0 or -1 on a bad escape. */
int jscan_unescape(hg_buf *b, const char *raw, size_t len);

#endif
