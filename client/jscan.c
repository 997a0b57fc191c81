/* jscan.c - streaming JSON scanner: validates a document chunk by chunk and
 * slices out the elements of one top-level array as exact bytes. */
#include "jscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hgclient.h"

enum {
	ST_VALUE,     /* a value is expected */
	ST_ARR_FIRST, /* after '[': a value or ']' */
	ST_OBJ_FIRST, /* after '{': a key or '}' */
	ST_OBJ_KEY,   /* after ',' in an object: a key */
	ST_COLON,     /* after a key */
	ST_AFTER,     /* after a value: ',' or the closing bracket */
	ST_STRING,
	ST_ESC,
	ST_HEX,
	ST_NUMBER,
	ST_LIT,
	ST_END,   /* the top-level object is closed: only white space */
	ST_ERROR, /* sticky */
};

enum { NUM_MINUS, NUM_ZERO, NUM_INT, NUM_DOT, NUM_FRAC, NUM_E, NUM_ESIGN, NUM_EXP };

enum { MEMBER_OTHER, MEMBER_TARGET, MEMBER_PAGE };

#define OBJ 'o'
#define ARR 'a'

void jscan_init(jscan *s, const char *key, size_t max_elem, jscan_elem_fn cb, void *ctx)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->key_len = strlen(s->key);
	s->max_elem = max_elem ? max_elem : (size_t)64 << 20;
	s->cb = cb;
	s->ctx = ctx;
	s->state = ST_VALUE;
	hg_buf_init(&s->carry, s->max_elem);
	hg_buf_init(&s->pagebuf, JSCAN_MAX_PAGE);
}

void jscan_free(jscan *s)
{
	hg_buf_free(&s->carry);
	hg_buf_free(&s->pagebuf);
	free(s->page_value);
	s->page_value = NULL;
}

static int fail(jscan *s, int rc, uint64_t pos, const char *what)
{
	snprintf(s->errmsg, sizeof(s->errmsg), "%s at byte %llu", what, (unsigned long long)pos);
	s->state = ST_ERROR;
	s->err_rc = rc; /* sticky */
	return rc;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Per-chunk context of jscan_feed. */
typedef struct chunk {
	const char *data;
	size_t elem_start; /* where the current element starts in data */
} chunk;

static int emit(jscan *s, chunk *ck, size_t end)
{
	const char *p;
	size_t n;
	int rc;

	if (s->carry.len == 0) {
		p = ck->data + ck->elem_start;
		n = end - ck->elem_start;
		if (n > s->max_elem)
			return -HG_ETOOBIG;
	} else {
		rc = hg_buf_append(&s->carry, ck->data + ck->elem_start, end - ck->elem_start);
		if (rc)
			return rc;
		p = s->carry.data;
		n = s->carry.len;
	}
	s->in_elem = false;
	s->n_elems++;
	rc = s->cb ? s->cb(s->ctx, p, n) : 0;
	hg_buf_reset(&s->carry);
	return rc ? -HG_ECALLBACK : 0;
}

/* A value begins with c at data[i]; s->depth is the depth of the container
 * holding it. */
static int value_begin(jscan *s, chunk *ck, size_t i, char c, uint64_t pos)
{
	if (s->depth == 0 && c != '{')
		return fail(s, -HG_EPROTOCOL, pos, "the response is not a JSON object");
	if (s->depth == 1 && s->member == MEMBER_TARGET) {
		if (c != '[')
			return fail(s, -HG_EPROTOCOL, pos, "the element list is not an array");
		s->found_array = true;
	}
	if (s->depth == 1 && s->member == MEMBER_PAGE) {
		if (c == '"') {
			s->capture_page = true;
			hg_buf_reset(&s->pagebuf);
		} else if (c != 'n') {
			return fail(s, -HG_EPROTOCOL, pos, "\"page\" is neither a string nor null");
		}
	}
	if (s->depth == 2 && s->in_target) {
		s->in_elem = true;
		ck->elem_start = i;
	}
	return 0;
}

/* The value that began at the current depth ends before data[end]. */
static int value_end(jscan *s, chunk *ck, size_t end, uint64_t pos)
{
	int rc;

	if (s->depth == 2 && s->in_elem) {
		rc = emit(s, ck, end);
		if (rc)
			return fail(s, rc, pos, rc == -HG_ETOOBIG ? "element too large" : "stopped by the caller");
	} else if (s->depth == 1 && s->member == MEMBER_TARGET) {
		s->in_target = false;
	} else if (s->depth == 1 && s->member == MEMBER_PAGE) {
		free(s->page_value);
		s->page_value = NULL;
		if (s->capture_page) {
			hg_buf tmp;

			s->capture_page = false;
			hg_buf_init(&tmp, JSCAN_MAX_PAGE);
			if (jscan_unescape(&tmp, s->pagebuf.data ? s->pagebuf.data : "", s->pagebuf.len)) {
				hg_buf_free(&tmp);
				return fail(s, -HG_EPROTOCOL, pos, "bad escape in \"page\"");
			}
			s->page_value = hg_buf_steal(&tmp);
			if (!s->page_value)
				return fail(s, -HG_ENOMEM, pos, "out of memory");
			s->page = JSCAN_PAGE_STRING;
		} else {
			s->page = JSCAN_PAGE_NULL;
		}
	}
	s->state = s->depth == 0 ? ST_END : ST_AFTER;
	return 0;
}

static int push(jscan *s, uint8_t kind, uint64_t pos)
{
	if (s->depth >= JSCAN_MAX_DEPTH)
		return fail(s, -HG_EPROTOCOL, pos, "JSON nested too deeply");
	s->stack[s->depth++] = kind;
	if (kind == ARR && s->depth == 2 && s->member == MEMBER_TARGET)
		s->in_target = true;
	return 0;
}

static int key_begin(jscan *s)
{
	s->state = ST_STRING;
	s->is_key = true;
	s->keylen = 0;
	s->key_overflow = false;
	return 0;
}

static void key_end(jscan *s)
{
	if (s->depth != 1)
		return;
	if (!s->key_overflow && s->keylen == s->key_len && memcmp(s->keybuf, s->key, s->key_len) == 0)
		s->member = MEMBER_TARGET;
	else if (!s->key_overflow && s->keylen == 4 && memcmp(s->keybuf, "page", 4) == 0)
		s->member = MEMBER_PAGE;
	else
		s->member = MEMBER_OTHER;
}

/* Keeps the raw bytes of a depth-1 key or of the "page" string. */
static int capture(jscan *s, const char *p, size_t n, uint64_t pos)
{
	if (s->is_key) {
		if (s->depth != 1)
			return 0;
		if (s->keylen + n > sizeof(s->keybuf)) {
			s->key_overflow = true;
			return 0;
		}
		memcpy(s->keybuf + s->keylen, p, n);
		s->keylen += n;
		return 0;
	}
	if (s->capture_page && hg_buf_append(&s->pagebuf, p, n))
		return fail(s, -HG_ETOOBIG, pos, "\"page\" token too large");
	return 0;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The number of bytes at p[0..n) before the first one a string cannot
 * just take: '"', '\\' or a control character (eight at a time). */
static size_t plain_run(const char *p, size_t n)
{
	size_t i = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (n - i >= 8) {
		uint64_t v, q, b, m;

		memcpy(&v, p + i, 8);
		q = v ^ (ONES * '"');
		b = v ^ (ONES * '\\');
		m = ((v - ONES * 0x20) & ~v & HIGHS) | ((q - ONES) & ~q & HIGHS) | ((b - ONES) & ~b & HIGHS);
		if (m != 0) /* a borrow only runs towards higher bytes: the lowest flag is exact */
			return i + (size_t)__builtin_ctzll(m) / 8;
		i += 8;
	}
#endif
	while (i < n && p[i] != '"' && p[i] != '\\' && (unsigned char)p[i] >= 0x20)
		i++;
	return i;
}

static bool capturing(const jscan *s)
{
	return (s->is_key && s->depth == 1) || s->capture_page;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* One step of the number automaton: the next state, or -1 when c does not
 * continue the number. */
static int num_step(int st, char c)
{
	bool digit = c >= '0' && c <= '9';

	switch (st) {
	case NUM_MINUS:
		return c == '0' ? NUM_ZERO : digit ? NUM_INT : -1;
	case NUM_ZERO:
		return c == '.' ? NUM_DOT : (c == 'e' || c == 'E') ? NUM_E : -1;
	case NUM_INT:
		return digit ? NUM_INT : c == '.' ? NUM_DOT : (c == 'e' || c == 'E') ? NUM_E : -1;
	case NUM_DOT:
		return digit ? NUM_FRAC : -1;
	case NUM_FRAC:
		return digit ? NUM_FRAC : (c == 'e' || c == 'E') ? NUM_E : -1;
	case NUM_E:
		return (c == '+' || c == '-') ? NUM_ESIGN : digit ? NUM_EXP : -1;
	case NUM_ESIGN:
	case NUM_EXP:
		return digit ? NUM_EXP : -1;
	}
	return -1;
}

static bool num_complete(int st)
{
	return st == NUM_ZERO || st == NUM_INT || st == NUM_FRAC || st == NUM_EXP;
}

int jscan_feed(jscan *s, const char *data, size_t len)
{
	chunk ck = { data, 0 };
	size_t i = 0;
	int rc = 0;
	char c;

	if (s->state == ST_ERROR)
		return s->err_rc;
	while (i < len) {
		uint64_t pos = s->offset + i;

		c = data[i];
		switch (s->state) {
		case ST_STRING:
			if (!capturing(s)) {
				/* fast path over ordinary string bytes */
				i += plain_run(data + i, len - i);
				if (i == len)
					continue;
				pos = s->offset + i;
				c = data[i];
			}
			if (c == '"') {
				if (s->is_key) {
					key_end(s);
					s->is_key = false;
					s->state = ST_COLON;
				} else if ((rc = value_end(s, &ck, i + 1, pos)))
					goto out;
			} else if ((unsigned char)c < 0x20) {
				rc = fail(s, -HG_EPROTOCOL, pos, "control character in a JSON string");
				goto out;
			} else {
				if (c == '\\')
					s->state = ST_ESC;
				if ((rc = capture(s, &c, 1, pos)))
					goto out;
			}
			i++;
			break;
		case ST_ESC:
			if (c == 'u') {
				s->state = ST_HEX;
				s->hex_left = 4;
			} else if (strchr("\"\\/bfnrt", c) && c) {
				s->state = ST_STRING;
			} else {
				rc = fail(s, -HG_EPROTOCOL, pos, "bad escape in a JSON string");
				goto out;
			}
			if ((rc = capture(s, &c, 1, pos)))
				goto out;
			i++;
			break;
		case ST_HEX:
			if (!is_hex(c)) {
				rc = fail(s, -HG_EPROTOCOL, pos, "bad \\u escape in a JSON string");
				goto out;
			}
			if (--s->hex_left == 0)
				s->state = ST_STRING;
			if ((rc = capture(s, &c, 1, pos)))
				goto out;
			i++;
			break;
		case ST_NUMBER: {
			int next;

			if (s->num_state == NUM_INT || s->num_state == NUM_FRAC || s->num_state == NUM_EXP) {
				/* fast path over the digits */
				while (i < len && data[i] >= '0' && data[i] <= '9')
					i++;
				if (i == len)
					continue;
				pos = s->offset + i;
				c = data[i];
			}
			next = num_step(s->num_state, c);

			if (next >= 0) {
				s->num_state = next;
				i++;
				break;
			}
			if (!num_complete(s->num_state)) {
				rc = fail(s, -HG_EPROTOCOL, pos, "malformed JSON number");
				goto out;
			}
			if ((rc = value_end(s, &ck, i, pos)))
				goto out;
			break; /* c is looked at again in ST_AFTER */
		}
		case ST_LIT:
			if (c != s->lit[s->lit_pos]) {
				rc = fail(s, -HG_EPROTOCOL, pos, "malformed JSON literal");
				goto out;
			}
			i++;
			if (s->lit[++s->lit_pos] == '\0' && (rc = value_end(s, &ck, i, pos)))
				goto out;
			break;
		case ST_END:
			if (!is_ws(c)) {
				rc = fail(s, -HG_EPROTOCOL, pos, "data after the end of the JSON document");
				goto out;
			}
			i++;
			break;
		case ST_COLON:
			if (c == ':')
				s->state = ST_VALUE;
			else if (!is_ws(c)) {
				rc = fail(s, -HG_EPROTOCOL, pos, "expected ':' in a JSON object");
				goto out;
			}
			i++;
			break;
		case ST_OBJ_FIRST:
		case ST_OBJ_KEY:
			if (c == '"') {
				key_begin(s);
			} else if (c == '}' && s->state == ST_OBJ_FIRST) {
				s->depth--;
				if ((rc = value_end(s, &ck, i + 1, pos)))
					goto out;
			} else if (!is_ws(c)) {
				rc = fail(s, -HG_EPROTOCOL, pos, "expected a key in a JSON object");
				goto out;
			}
			i++;
			break;
		case ST_AFTER:
			if (is_ws(c)) {
				i++;
				break;
			}
			if (c == ',') {
				s->state = s->stack[s->depth - 1] == OBJ ? ST_OBJ_KEY : ST_VALUE;
			} else if ((c == '}' && s->stack[s->depth - 1] == OBJ) ||
				   (c == ']' && s->stack[s->depth - 1] == ARR)) {
				s->depth--;
				if ((rc = value_end(s, &ck, i + 1, pos)))
					goto out;
			} else {
				rc = fail(s, -HG_EPROTOCOL, pos, "expected ',' or a closing bracket");
				goto out;
			}
			i++;
			break;
		case ST_ARR_FIRST:
			if (c == ']') {
				s->depth--;
				if ((rc = value_end(s, &ck, i + 1, pos)))
					goto out;
				i++;
				break;
			}
			if (is_ws(c)) {
				i++;
				break;
			}
			s->state = ST_VALUE;
			/* fall through */
		case ST_VALUE:
			if (is_ws(c)) {
				i++;
				break;
			}
			if ((rc = value_begin(s, &ck, i, c, pos)))
				goto out;
			switch (c) {
			case '{':
			case '[':
				if ((rc = push(s, c == '{' ? OBJ : ARR, pos)))
					goto out;
				s->state = c == '{' ? ST_OBJ_FIRST : ST_ARR_FIRST;
				break;
			case '"':
				s->state = ST_STRING;
				s->is_key = false;
				break;
			case 't':
			case 'f':
			case 'n':
				s->lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
				s->lit_pos = 1;
				s->state = ST_LIT;
				break;
			default:
				if (c == '-' || (c >= '0' && c <= '9')) {
					s->num_state = c == '-' ? NUM_MINUS : c == '0' ? NUM_ZERO : NUM_INT;
					s->state = ST_NUMBER;
					break;
				}
				rc = fail(s, -HG_EPROTOCOL, pos, "unexpected character in JSON");
				goto out;
			}
			i++;
			break;
		default:
			return s->err_rc;
		}
	}
	/* keep the unfinished element for the next chunk */
	if (s->in_elem) {
		rc = hg_buf_append(&s->carry, data + ck.elem_start, len - ck.elem_start);
		if (rc) {
			rc = fail(s, rc, s->offset + len, rc == -HG_ETOOBIG ? "element too large" : "out of memory");
			goto out;
		}
	}
out:
	s->offset += len;
	return rc;
}

int jscan_finish(jscan *s)
{
	if (s->state == ST_ERROR)
		return s->err_rc;
	if (s->state != ST_END)
		return fail(s, -HG_EPROTOCOL, s->offset, "JSON document cut short");
	return 0;
}

/* ---- small helpers over a complete element ---- */

static size_t skip_ws(const char *p, size_t len, size_t i)
{
	while (i < len && is_ws(p[i]))
		i++;
	return i;
}

/* Index just past the string starting at p[i] == '"'; len when unterminated. */
static size_t skip_string(const char *p, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '"')
			return i + 1;
	}
	return len;
}

static size_t skip_value(const char *p, size_t len, size_t i)
{
	int depth = 0;

	if (i < len && p[i] == '"')
		return skip_string(p, len, i);
	while (i < len) {
		char c = p[i];

		if (c == '"') {
			i = skip_string(p, len, i);
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (depth == 0)
				return i;
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (c == ',' || is_ws(c)))
			return i;
		i++;
	}
	return i;
}

int jscan_top_int64(const char *p, size_t len, const char *key, int64_t *out)
{
	size_t klen = strlen(key), i, ks;
	bool match, neg;
	uint64_t v, limit;

	i = skip_ws(p, len, 0);
	if (i >= len || p[i] != '{')
		return -1;
	i = skip_ws(p, len, i + 1);
	if (i < len && p[i] == '}')
		return 1;
	for (;;) {
		if (i >= len || p[i] != '"')
			return -1;
		ks = i + 1;
		i = skip_string(p, len, i);
		if (i >= len)
			return -1;
		match = i - 1 - ks == klen && memcmp(p + ks, key, klen) == 0;
		i = skip_ws(p, len, i);
		if (i >= len || p[i] != ':')
			return -1;
		i = skip_ws(p, len, i + 1);
		if (match && i < len && (p[i] == '-' || (p[i] >= '0' && p[i] <= '9'))) {
			neg = p[i] == '-';
			if (neg)
				i++;
			limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
			v = 0;
			if (i >= len || p[i] < '0' || p[i] > '9')
				return -1;
			for (; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
				unsigned d = (unsigned)(p[i] - '0');

				if (v > (limit - d) / 10)
					return -1;
				v = v * 10 + d;
			}
			if (i < len && (p[i] == '.' || p[i] == 'e' || p[i] == 'E'))
				return 1; /* not an integer */
			*out = neg ? (int64_t)(0 - v) : (int64_t)v;
			return 0;
		}
		if (match)
			return 1;
		i = skip_ws(p, len, skip_value(p, len, i));
		if (i >= len)
			return -1;
		if (p[i] == '}')
			return 1;
		if (p[i] != ',')
			return -1;
		i = skip_ws(p, len, i + 1);
	}
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int k;

	for (k = 0; k < 4; k++) {
		char c = p[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static int put_utf8(hg_buf *b, unsigned cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return hg_buf_append(b, u, n);
}

int jscan_unescape(hg_buf *b, const char *raw, size_t len)
{
	size_t i = 0, run;
	unsigned cp, lo;
	char c;

	while (i < len) {
		for (run = 0; i + run < len && raw[i + run] != '\\'; run++)
			;
		if (run && hg_buf_append(b, raw + i, run))
			return -1;
		i += run;
		if (i >= len)
			break;
		if (i + 1 >= len)
			return -1;
		c = raw[i + 1];
		i += 2;
		switch (c) {
		case '"': case '\\': case '/':
			break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (i + 4 > len || hex4(raw + i, &cp))
				return -1;
			i += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= len && raw[i] == '\\' && raw[i + 1] == 'u' &&
			    !hex4(raw + i + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			}
			if (put_utf8(b, cp))
				return -1;
			continue;
		default:
			return -1;
		}
		if (hg_buf_append(b, &c, 1))
			return -1;
	}
	return 0;
}
