/*
 * buf.h - a growable byte buffer with a maximum size (internal).
 *
 * The data is always NUL-terminated (the NUL is not counted in len), so a
 * buffer holding text can be used as a C string.  Appending past `max`
 * fails with -HG_ETOOBIG and leaves the buffer unchanged.
 */
#ifndef HG_BUF_H
#define HG_BUF_H

#include <stddef.h>

typedef struct hg_buf {
	char *data; /* NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* 0: no limit */
} hg_buf;

void hg_buf_init(hg_buf *b, size_t max);
void hg_buf_free(hg_buf *b);
/* Empties the buffer but keeps its memory. */
void hg_buf_reset(hg_buf *b);
/* 0, -HG_ETOOBIG or -HG_ENOMEM. */
int hg_buf_append(hg_buf *b, const void *data, size_t len);
int hg_buf_puts(hg_buf *b, const char *s);
int hg_buf_printf(hg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the data over to the caller (never NULL on success: "" when empty). */
char *hg_buf_steal(hg_buf *b);

#endif
