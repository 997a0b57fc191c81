/* rjson.c - strict JSON over byte slices: a validator, the members of an
 * object, string decoding.
 *
 * Nothing is parsed into numbers and nothing is copied: callers get slices
 * of their own buffer.  The validator runs over every line of multi-GiB
 * files, so it is one loop over bytes with a small explicit stack; strings,
 * the bulk of element text, are skipped eight bytes at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

typedef const unsigned char *uptr;

/* ---- hgfs_buf ------------------------------------------------------------- */

static int buf_reserve(hgfs_buf *b, size_t add)
{
	size_t cap;
	char *p;

	if (b->len + add < b->cap)
		return 0;
	if (add > SIZE_MAX / 2 - b->len)
		return -ENOMEM;
	cap = b->cap ? b->cap : 256;
	while (cap <= b->len + add)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int hgfs_buf_add(hgfs_buf *b, const void *data, size_t len)
{
	if (buf_reserve(b, len) < 0)
		return -ENOMEM;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int hgfs_buf_addc(hgfs_buf *b, char c)
{
	return hgfs_buf_add(b, &c, 1);
}

int hgfs_buf_adds(hgfs_buf *b, const char *s)
{
	return hgfs_buf_add(b, s, strlen(s));
}

void hgfs_buf_reset(hgfs_buf *b)
{
	hgfs_buf_truncate(b, 0);
}

void hgfs_buf_truncate(hgfs_buf *b, size_t len)
{
	if (len < b->len)
		b->len = len;
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

void hgfs_buf_free(hgfs_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void hgfs_buf_trim(hgfs_buf *b, size_t keep)
{
	if (b->cap > keep)
		hgfs_buf_free(b);
}

/* ---- the validator ---------------------------------------------------------- */

/* JSON white space. */
static const unsigned char is_ws[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1};

/* What each one-character escape stands for; 0: not one (\u is apart). */
static const char unescape[256] = {
	['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b', ['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t'};

static inline uptr skip_ws(uptr p, uptr end)
{
	while (p < end && is_ws[*p])
		p++;
	return p;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The bytes of a string that need a look: '"', '\\', control characters
 * and everything non-ASCII.  Returns the index of the first one in the
 * eight bytes at p, or 8. */
static inline unsigned special8(uptr p)
{
	uint64_t v, q, bs, m;

	memcpy(&v, p, 8);
	q = v ^ (ONES * '"');
	bs = v ^ (ONES * '\\');
	m = (v & HIGHS) | ((v - ONES * 0x20) & ~v & HIGHS) | ((q - ONES) & ~q & HIGHS) | ((bs - ONES) & ~bs & HIGHS);
	if (m == 0)
		return 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* a borrow only runs towards higher bytes: the lowest flag is exact */
	return (unsigned)__builtin_ctzll(m) / 8;
#else
	return 0;
#endif
}

static inline int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The four hex digits at p (p + 4 <= end checked by the caller); -1 if bad. */
static inline long hex4(uptr p)
{
	int a = hexval(p[0]), b = hexval(p[1]), c = hexval(p[2]), d = hexval(p[3]);

	if ((a | b | c | d) < 0)
		return -1;
	return (long)a << 12 | b << 8 | c << 4 | d;
}

/* The code point of the \u escape at p, a surrogate pair taken whole, and
 * its length in *n; -1 when the hex digits are bad, -2 for a surrogate
 * without its other half. */
static long u_escape(uptr p, uptr end, size_t *n)
{
	long u, lo;

	if (end - p < 6 || (u = hex4(p + 2)) < 0)
		return -1;
	*n = 6;
	if (u >= 0xDC00 && u <= 0xDFFF)
		return -2;
	if (u < 0xD800 || u > 0xDBFF)
		return u;
	if (end - p < 12 || p[6] != '\\' || p[7] != 'u' || (lo = hex4(p + 8)) < 0xDC00 || lo > 0xDFFF)
		return -2;
	*n = 12;
	return 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
}

/* The length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0
 * (Unicode table 3-7: no overlongs, no surrogates, nothing past U+10FFFF). */
static inline size_t utf8_len(uptr p, uptr end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	size_t n;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
	else
		return 0;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

typedef struct verr {
	uptr at;
	const char *msg;
} verr;

/* Checks the string whose opening quote is at p.  Returns the byte after
 * the closing quote, or NULL with e set. */
static uptr check_string(uptr p, uptr end, verr *e)
{
	uptr open = p++;

	for (;;) {
		unsigned char c;

		while (end - p >= 8) {
			unsigned i = special8(p);
			p += i;
			if (i < 8)
				break;
		}
		if (p >= end) {
			e->at = open, e->msg = "unterminated string";
			return NULL;
		}
		c = *p;
		if (c == '"')
			return p + 1;
		if (c >= 0x20 && c < 0x80 && c != '\\') {
			p++;
		} else if (c >= 0x80) {
			size_t n = utf8_len(p, end);
			if (n == 0) {
				e->at = p, e->msg = "invalid UTF-8";
				return NULL;
			}
			p += n;
		} else if (c < 0x20) {
			e->at = p, e->msg = "control character in a string (it must be escaped)";
			return NULL;
		} else {
			size_t n;
			long u;

			if (end - p < 2) {
				e->at = open, e->msg = "unterminated string";
				return NULL;
			}
			if (unescape[p[1]] != 0) {
				p += 2;
				continue;
			}
			if (p[1] != 'u') {
				e->at = p, e->msg = "invalid escape in a string";
				return NULL;
			}
			u = u_escape(p, end, &n);
			if (u < 0) {
				e->at = p;
				e->msg = u == -1 ? "invalid \\u escape (four hex digits expected)"
						 : "unpaired surrogate in a \\u escape";
				return NULL;
			}
			p += n;
		}
	}
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* One or more digits at p: the byte after them, or NULL with e set to msg. */
static inline uptr digits(uptr p, uptr end, verr *e, const char *msg)
{
	if (p >= end || !is_digit(*p)) {
		e->at = p, e->msg = msg;
		return NULL;
	}
	while (++p < end && is_digit(*p))
		;
	return p;
}

/* Checks the number at p.  Returns the byte after it, or NULL with e set. */
static uptr check_number(uptr p, uptr end, verr *e)
{
	if (*p == '-')
		p++;
	if (end - p >= 2 && p[0] == '0' && is_digit(p[1])) {
		e->at = p, e->msg = "invalid number (leading zero)";
		return NULL;
	}
	p = digits(p, end, e, "invalid number (a digit expected)");
	if (p != NULL && p < end && *p == '.')
		p = digits(p + 1, end, e, "invalid number (a digit expected after '.')");
	if (p != NULL && p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		p = digits(p, end, e, "invalid number (a digit expected in the exponent)");
	}
	return p;
}

static rj_type type_at(uptr p, uptr end);

int rj_validate(const char *s, size_t len, size_t *col, char *err, size_t errlen)
{
	return rj_validate_walk(s, len, 0, NULL, NULL, col, err, errlen);
}

int rj_validate_walk(const char *s, size_t len, int max_depth, rj_walk_fn fn, void *ctx, size_t *col, char *err,
		     size_t errlen)
{
	uptr p = (uptr)s, end = p + len;
	unsigned char stack[RJ_MAX_DEPTH]; /* '{' or '[' */
	size_t depth = 0;
	verr e = {NULL, NULL};
	/* the member being read at each reported depth (1-based) */
	rj_member open[RJ_WALK_MAX + 1];
	int walk_rc = 0;

	if (fn == NULL || max_depth < 0)
		max_depth = 0;
	if (max_depth > RJ_WALK_MAX)
		max_depth = RJ_WALK_MAX;
	/* an object inside an array has no member above it: its parent is
	 * reported keyless, never as what the stack held before */
	memset(open, 0, sizeof(open));

	p = skip_ws(p, end);
value:
	if (p >= end) {
		e.at = p, e.msg = "unexpected end of input";
		goto fail;
	}
	switch (*p) {
	case '{':
	case '[':
		if (depth == RJ_MAX_DEPTH) {
			e.at = p, e.msg = "nesting deeper than 512 levels";
			goto fail;
		}
		stack[depth++] = *p;
		p = skip_ws(p + 1, end);
		if (p < end && *p == (stack[depth - 1] == '{' ? '}' : ']')) {
			depth--;
			p++;
			goto after;
		}
		if (stack[depth - 1] == '{')
			goto key;
		goto value;
	case '"':
		p = check_string(p, end, &e);
		break;
	case 't':
	case 'f':
	case 'n': {
		const char *lit = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
		size_t n = *p == 'f' ? 5 : 4;

		if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0)
			goto bad_value;
		p += n;
		break;
	}
	default:
		if (*p != '-' && !is_digit(*p))
			goto bad_value;
		p = check_number(p, end, &e);
		break;
	}
	if (p == NULL)
		goto fail;
after:
	if (depth > 0 && depth <= (size_t)max_depth && stack[depth - 1] == '{' && walk_rc == 0) {
		rj_member *m = &open[depth];
		m->val_len = (size_t)(p - (uptr)m->val);
		m->type = type_at((uptr)m->val, p);
		walk_rc = fn(ctx, (int)depth, depth > 1 ? &open[depth - 1] : NULL, m);
	}
	p = skip_ws(p, end);
	if (depth == 0) {
		if (p < end) {
			e.at = p, e.msg = "unexpected text after the value";
			goto fail;
		}
		return walk_rc;
	}
	if (p >= end) {
		e.at = p, e.msg = "unexpected end of input";
		goto fail;
	}
	if (*p == ',') {
		uptr comma = p;

		p = skip_ws(p + 1, end);
		if (p < end && (*p == '}' || *p == ']')) {
			e.at = comma, e.msg = "a trailing comma";
			goto fail;
		}
		if (stack[depth - 1] == '{')
			goto key;
		goto value;
	}
	if (*p == (stack[depth - 1] == '{' ? '}' : ']')) {
		depth--;
		p++;
		goto after;
	}
	e.at = p, e.msg = stack[depth - 1] == '{' ? "expected ',' or '}'" : "expected ',' or ']'";
	goto fail;
key:
	if (p >= end) {
		e.at = p, e.msg = "unexpected end of input";
		goto fail;
	}
	if (*p != '"') {
		e.at = p, e.msg = "expected a string (a member name)";
		goto fail;
	}
	{
		uptr q = check_string(p, end, &e);
		if (q == NULL)
			goto fail;
		if (depth <= (size_t)max_depth) {
			open[depth].key = (const char *)p + 1;
			open[depth].key_len = (size_t)(q - p) - 2;
		}
		p = q;
	}
	p = skip_ws(p, end);
	if (p >= end || *p != ':') {
		e.at = p, e.msg = "expected ':'";
		goto fail;
	}
	p = skip_ws(p + 1, end);
	if (depth <= (size_t)max_depth) {
		open[depth].val = (const char *)p;
		open[depth].val_len = 0;
		open[depth].type = RJ_NONE;
	}
	goto value;
bad_value:
	e.at = p, e.msg = *p >= 0x80 || *p < 0x20 ? "unexpected character" : "expected a value";
fail:
	*col = (size_t)(e.at - (uptr)s) + 1;
	snprintf(err, errlen, "%s", e.msg);
	return -1;
}

/* ---- walking validated text --------------------------------------------------- */

/* The byte after the string whose opening quote is at p (validated text). */
static uptr skip_string(uptr p, uptr end)
{
	p++;
	for (;;) {
		uptr q = memchr(p, '"', (size_t)(end - p));
		size_t bs = 0;

		if (q == NULL)
			return end;
		while (q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\')
			bs++;
		if (bs % 2 == 0)
			return q + 1;
		p = q + 1;
	}
}

/* The byte after the value starting at p (validated text). */
static uptr skip_value(uptr p, uptr end)
{
	size_t depth = 0;

	if (p >= end)
		return p;
	if (*p == '"')
		return skip_string(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && !is_ws[*p] && *p != ',' && *p != ']' && *p != '}')
			p++;
		return p;
	}
	while (p < end) {
		switch (*p) {
		case '"':
			p = skip_string(p, end);
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return p + 1;
			break;
		}
		p++;
	}
	return end;
}

static rj_type type_at(uptr p, uptr end)
{
	if (p >= end)
		return RJ_NONE;
	switch (*p) {
	case '{':
		return RJ_OBJECT;
	case '[':
		return RJ_ARRAY;
	case '"':
		return RJ_STRING;
	case 't':
	case 'f':
		return RJ_BOOL;
	case 'n':
		return RJ_NULL;
	default:
		return *p == '-' || is_digit(*p) ? RJ_NUMBER : RJ_NONE;
	}
}

rj_type rj_type_of(const char *s, size_t len)
{
	uptr end = (uptr)s + len;

	return type_at(skip_ws((uptr)s, end), end);
}

/* The members of an object (open '{') or the elements of an array (open
 * '['); array elements come with key NULL. */
static int each(const char *s, size_t len, unsigned char open, rj_member_fn fn, void *ctx)
{
	uptr end = (uptr)s + len, p = skip_ws((uptr)s, end);
	unsigned char close = open == '{' ? '}' : ']';

	if (p >= end || *p != open)
		return -1;
	p = skip_ws(p + 1, end);
	if (p < end && *p == close)
		return 0;
	for (;;) {
		rj_member m = {NULL, 0, NULL, 0, RJ_NONE};
		uptr q;
		int rc;

		if (open == '{') {
			if (p >= end || *p != '"')
				return -1;
			q = skip_string(p, end);
			if (q - p < 2)
				return -1;
			m.key = (const char *)p + 1;
			m.key_len = (size_t)(q - p) - 2;
			p = skip_ws(q, end);
			if (p >= end || *p != ':')
				return -1;
			p = skip_ws(p + 1, end);
		}
		m.type = type_at(p, end);
		if (m.type == RJ_NONE)
			return -1;
		q = skip_value(p, end);
		m.val = (const char *)p;
		m.val_len = (size_t)(q - p);
		rc = fn(ctx, &m);
		if (rc != 0)
			return rc;
		p = skip_ws(q, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		return p < end && *p == close ? 0 : -1;
	}
}

int rj_object_each(const char *s, size_t len, rj_member_fn fn, void *ctx)
{
	return each(s, len, '{', fn, ctx);
}

int rj_array_each(const char *s, size_t len, rj_member_fn fn, void *ctx)
{
	return each(s, len, '[', fn, ctx);
}

typedef struct find_ctx {
	const char *name;
	rj_member *out;
} find_ctx;

static int find_cb(void *ctx, const rj_member *m)
{
	find_ctx *f = ctx;

	if (!rj_key_is(m, f->name))
		return 0;
	*f->out = *m;
	return 1;
}

int rj_object_get(const char *s, size_t len, const char *name, rj_member *out)
{
	find_ctx f = {name, out};
	int rc = rj_object_each(s, len, find_cb, &f);

	return rc < 0 ? -1 : rc;
}

/* ---- strings ------------------------------------------------------------------- */

static int put_utf8(hgfs_buf *b, unsigned long u)
{
	char o[4];
	size_t n;

	if (u < 0x80)
		o[0] = (char)u, n = 1;
	else if (u < 0x800)
		o[0] = (char)(0xC0 | u >> 6), o[1] = (char)(0x80 | (u & 0x3F)), n = 2;
	else if (u < 0x10000)
		o[0] = (char)(0xE0 | u >> 12), o[1] = (char)(0x80 | (u >> 6 & 0x3F)), o[2] = (char)(0x80 | (u & 0x3F)),
		n = 3;
	else
		o[0] = (char)(0xF0 | u >> 18), o[1] = (char)(0x80 | (u >> 12 & 0x3F)),
		o[2] = (char)(0x80 | (u >> 6 & 0x3F)), o[3] = (char)(0x80 | (u & 0x3F)), n = 4;
	return hgfs_buf_add(b, o, n);
}

int rj_string(const char *val, size_t len, hgfs_buf *b)
{
	uptr p = (uptr)val, end;

	if (len < 2 || val[0] != '"' || val[len - 1] != '"')
		return -1;
	hgfs_buf_reset(b);
	if (hgfs_buf_add(b, "", 0) < 0) /* "" is a NUL-terminated string too */
		return -ENOMEM;
	p++, end = (uptr)val + len - 1;
	while (p < end) {
		uptr q = memchr(p, '\\', (size_t)(end - p));
		size_t n;
		long u;

		if (q == NULL)
			q = end;
		if (hgfs_buf_add(b, p, (size_t)(q - p)) < 0)
			return -ENOMEM;
		p = q;
		if (p >= end)
			break;
		if (end - p < 2)
			return -1;
		if (unescape[p[1]] != 0) {
			if (hgfs_buf_addc(b, unescape[p[1]]) < 0)
				return -ENOMEM;
			p += 2;
			continue;
		}
		if (p[1] != 'u' || (u = u_escape(p, end, &n)) < 0)
			return -1;
		p += n;
		if (put_utf8(b, (unsigned long)u) < 0)
			return -ENOMEM;
	}
	return 0;
}

bool rj_key_is(const rj_member *m, const char *name)
{
	/* the first byte settles most misses; strncmp stops at name's end: no
	 * strlen for every member and name */
	if (m->key == NULL || (m->key_len > 0 && m->key[0] != name[0]))
		return false;
	return strncmp(m->key, name, m->key_len) == 0 && name[m->key_len] == '\0';
}
