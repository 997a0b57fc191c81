/* buf.c - bounded growable buffer. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hgclient.h"

void hg_buf_init(hg_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void hg_buf_free(hg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void hg_buf_reset(hg_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int buf_reserve(hg_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->max && (extra > b->max || b->len > b->max - extra))
		return -HG_ETOOBIG;
	if (extra > (size_t)-1 - b->len - 1)
		return -HG_ENOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return -HG_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int hg_buf_append(hg_buf *b, const void *data, size_t len)
{
	int rc = buf_reserve(b, len);

	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int hg_buf_puts(hg_buf *b, const char *s)
{
	return hg_buf_append(b, s, strlen(s));
}

int hg_buf_printf(hg_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *big = NULL;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -HG_EINVAL;
	if ((size_t)n < sizeof(small))
		return hg_buf_append(b, small, (size_t)n);
	big = malloc((size_t)n + 1);
	if (!big)
		return -HG_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = hg_buf_append(b, big, (size_t)n);
	free(big);
	return rc;
}

char *hg_buf_steal(hg_buf *b)
{
	char *p;

	if (!b->data && hg_buf_append(b, "", 0))
		return NULL;
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
