/* record.c - the text of backup files as a restore reads it: lines, vertex
 * and edge records, PRIMARY_KEY id rewriting, schema.json, manifest.json,
 * and which file is which.
 *
 * Records are checked on their bytes and emitted as their own bytes with a
 * member dropped or a value replaced; nothing passes through a number.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

typedef const unsigned char *uptr;

static int __attribute__((format(printf, 3, 4))) fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A raw key or value in a message: at most 64 bytes, "..." when cut. */
#define CUT 64
#define CUTF "%.*s%s"
#define CUTA(p, n) (int)((n) > CUT ? CUT : (n)), (p), (n) > CUT ? "..." : ""

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *trim_end(const char *start, const char *end)
{
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	return end;
}

/* A JSON number without fraction or exponent. */
static bool is_integer(const rj_member *m)
{
	if (m->type != RJ_NUMBER)
		return false;
	for (size_t i = 0; i < m->val_len; i++)
		if (m->val[i] == '.' || m->val[i] == 'e' || m->val[i] == 'E')
			return false;
	return true;
}

/* An integer JSON number that fits int64: 0, or -1. */
static int parse_int64(const rj_member *m, int64_t *out)
{
	const char *p = m->val, *end = m->val + m->val_len;
	bool neg = false;
	uint64_t v = 0, lim;

	if (!is_integer(m))
		return -1;
	if (*p == '-')
		neg = true, p++;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < end; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? (v == lim ? INT64_MIN : -(int64_t)v) : (int64_t)v;
	return 0;
}

/* Whether the string member m holds exactly the ASCII text s (raw bytes). */
static bool str_is(const rj_member *m, const char *s)
{
	size_t n = strlen(s);

	return m->type == RJ_STRING && m->val_len == n + 2 && memcmp(m->val + 1, s, n) == 0;
}

/* The 1-based line and byte column of offset off in data. */
static void line_col(const char *data, size_t off, size_t *line, size_t *col)
{
	const char *p = data, *end = data + off, *nl;

	*line = 1;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL)
		(*line)++, p = nl + 1;
	*col = (size_t)(end - p) + 1;
}

/* rj_validate for a whole file, the error as "line L, column C: ...". */
static int validate_file(const char *data, size_t len, char *err, size_t errlen)
{
	size_t col, line;
	char msg[160];

	if (rj_validate(data, len, &col, msg, sizeof(msg)) == 0)
		return 0;
	line_col(data, col - 1, &line, &col);
	return fail(err, errlen, "line %zu, column %zu: %s", line, col, msg);
}

/* ---- lines ------------------------------------------------------------------ */

#define LR_CHUNK ((size_t)1 << 20)
#define LR_MAX_LINE ((size_t)64 << 20)
#define LR_USUAL (2 * LR_CHUNK) /* a reader's buffer without the gate */

void hgfs_lr_gate_init(hgfs_lr_gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->busy = false;
}

void hgfs_lr_gate_destroy(hgfs_lr_gate *g)
{
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->cond);
}

static void lr_gate_take(hgfs_linereader *r)
{
	if (r->gate == NULL || r->gated)
		return;
	pthread_mutex_lock(&r->gate->lock);
	while (r->gate->busy)
		pthread_cond_wait(&r->gate->cond, &r->gate->lock);
	r->gate->busy = true;
	pthread_mutex_unlock(&r->gate->lock);
	r->gated = true;
}

static void lr_gate_give(hgfs_linereader *r)
{
	if (!r->gated)
		return;
	pthread_mutex_lock(&r->gate->lock);
	r->gate->busy = false;
	pthread_cond_signal(&r->gate->cond);
	pthread_mutex_unlock(&r->gate->lock);
	r->gated = false;
}

/* After a fat line: back to the usual buffer once what is left of it fits,
 * and the gate back to the other readers. */
static void lr_relax(hgfs_linereader *r)
{
	char *p;

	if (r->cap <= LR_USUAL || r->end - r->start > LR_CHUNK)
		return;
	memmove(r->buf, r->buf + r->start, r->end - r->start);
	r->off += (off_t)r->start;
	r->end -= r->start;
	r->scan -= r->start;
	r->start = 0;
	p = realloc(r->buf, LR_USUAL);
	if (p != NULL) {
		r->buf = p;
		r->cap = LR_USUAL;
		lr_gate_give(r);
	}
}

int hgfs_lr_init(hgfs_linereader *r, int fd, size_t max_line)
{
	return hgfs_lr_init_range(r, fd, 0, 0, max_line);
}

int hgfs_lr_init_range(hgfs_linereader *r, int fd, off_t start, off_t end, size_t max_line)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->off = start;
	r->limit = end;
	r->max_line = max_line == 0 ? LR_MAX_LINE : max_line < SIZE_MAX / 4 ? max_line : SIZE_MAX / 4;
	r->cap = LR_CHUNK;
	r->buf = malloc(r->cap);
	return r->buf != NULL ? 0 : -ENOMEM;
}

/* Moves the unread part to the front, makes room for a chunk and reads
 * it: 0 (eof set when there was nothing more), or -errno. */
static int lr_fill(hgfs_linereader *r)
{
	ssize_t n;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->off += (off_t)r->start;
		r->end -= r->start;
		r->scan -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < LR_CHUNK) {
		size_t cap = r->cap * 2;
		char *p;

		/* never more than the longest line allowed needs */
		if (cap > r->max_line + 2 * LR_CHUNK)
			cap = r->max_line + 2 * LR_CHUNK;
		if (cap < r->end + LR_CHUNK)
			cap = r->end + LR_CHUNK;
		if (cap > LR_USUAL)
			lr_gate_take(r);
		p = realloc(r->buf, cap);
		if (p == NULL)
			return -ENOMEM;
		r->buf = p;
		r->cap = cap;
	}
	size_t want = LR_CHUNK;
	off_t at = r->off + (off_t)r->end;

	if (r->limit > 0 && (off_t)want > r->limit - at)
		want = r->limit > at ? (size_t)(r->limit - at) : 0;
	do
		n = want > 0 ? pread(r->fd, r->buf + r->end, want, at) : 0;
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		r->eof = true;
	if (n > 0 && r->on_read != NULL)
		r->on_read(r->on_read_ctx, r->buf + r->end, (size_t)n);
	r->end += (size_t)n;
	return 0;
}

int hgfs_lr_next(hgfs_linereader *r, const char **line, size_t *len)
{
	lr_relax(r);
	for (;;) {
		char *nl;
		int rc;

		if (r->err != 0)
			return r->err;
		nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
		if (nl != NULL || (r->eof && r->start < r->end)) {
			size_t stop = nl != NULL ? (size_t)(nl - r->buf) : r->end;
			const char *l = r->buf + r->start;
			size_t n = stop - r->start;

			if (n > 0 && l[n - 1] == '\r')
				n--;
			r->start = r->scan = nl != NULL ? stop + 1 : stop;
			r->lineno++;
			if (n > r->max_line)
				return r->err = -EFBIG;
			*line = l;
			*len = n;
			return 1;
		}
		if (r->eof)
			return 0;
		r->scan = r->end;
		/* even a '\r' and then the '\n' could not make it short enough */
		if (r->end - r->start > r->max_line + 1) {
			r->lineno++;
			return r->err = -EFBIG;
		}
		rc = lr_fill(r);
		if (rc < 0)
			return r->err = rc;
	}
}

void hgfs_lr_free(hgfs_linereader *r)
{
	lr_gate_give(r);
	free(r->buf);
	r->buf = NULL;
	r->cap = r->start = r->end = r->scan = 0;
}

/* ---- vertex and edge records ------------------------------------------------- */

typedef enum {
	F_ID,    /* a non-empty string or an integer */
	F_SID,   /* a string */
	F_LABEL, /* a non-empty string */
	F_TYPE,  /* the record's type name */
	F_PROPS, /* an object without null values */
} field_kind;

typedef struct field {
	const char *name;
	size_t len; /* strlen(name) */
	field_kind kind;
	bool required;
	size_t slot; /* offsetof in the record struct; NO_SLOT for "type" */
} field;

#define NO_SLOT SIZE_MAX
#define MAX_FIELDS 8

typedef struct rec_spec {
	const char *what; /* "vertex", "edge": also the value of "type" */
	const field *f;
	size_t n;
} rec_spec;

static const field vertex_fields[] = {
	{"id", 2, F_ID, false, offsetof(hgfs_vertex_rec, id)},
	{"label", 5, F_LABEL, true, offsetof(hgfs_vertex_rec, label)},
	{"type", 4, F_TYPE, false, NO_SLOT},
	{"properties", 10, F_PROPS, true, offsetof(hgfs_vertex_rec, properties)},
};
static const rec_spec vertex_spec = {"vertex", vertex_fields, sizeof(vertex_fields) / sizeof(vertex_fields[0])};

static const field edge_fields[] = {
	{"id", 2, F_SID, false, offsetof(hgfs_edge_rec, id)},
	{"label", 5, F_LABEL, true, offsetof(hgfs_edge_rec, label)},
	{"type", 4, F_TYPE, false, NO_SLOT},
	{"outV", 4, F_ID, true, offsetof(hgfs_edge_rec, out_v)},
	{"outVLabel", 9, F_LABEL, true, offsetof(hgfs_edge_rec, out_label)},
	{"inV", 3, F_ID, true, offsetof(hgfs_edge_rec, in_v)},
	{"inVLabel", 8, F_LABEL, true, offsetof(hgfs_edge_rec, in_label)},
	{"properties", 10, F_PROPS, true, offsetof(hgfs_edge_rec, properties)},
};
static const rec_spec edge_spec = {"edge", edge_fields, sizeof(edge_fields) / sizeof(edge_fields[0])};

#define PROPS_KEPT 32

struct rec_ctx;

typedef struct props_ctx {
	struct rec_ctx *rc;
	const char *props;
	size_t props_len;
	rj_member kept[PROPS_KEPT]; /* the first keys, to find repeated ones */
	size_t n;
} props_ctx;

typedef struct rec_ctx {
	const rec_spec *spec;
	const char *line;
	rj_member got[MAX_FIELDS];
	size_t *col;
	char *err;
	size_t errlen;
	size_t next; /* the field expected next: servers print them in spec order */
	/* the one-pass check: properties are checked as the validator reads
	 * them; their first problem waits (props_rc, props_col, the message in
	 * err) until the properties' turn among the fields */
	bool walked;
	props_ctx props;
	int props_rc;
	size_t props_col;
	hgfs_prop_fn prop_fn;
	void *prop_ctx;
} rec_ctx;

static int rec_member(void *ctx, const rj_member *m)
{
	rec_ctx *c = ctx;

	for (size_t k = 0; k < c->spec->n; k++) {
		size_t i = (c->next + k) % c->spec->n;
		const field *f = &c->spec->f[i];
		if (m->key_len != f->len || memcmp(m->key, f->name, f->len) != 0)
			continue;
		c->next = i + 1;
		if (c->got[i].type != RJ_NONE) {
			*c->col = (size_t)(m->key - c->line);
			return fail(c->err, c->errlen, "member '%s' appears twice", c->spec->f[i].name);
		}
		c->got[i] = *m;
		return 0;
	}
	*c->col = (size_t)(m->key - c->line);
	return fail(c->err, c->errlen, "unknown member '" CUTF "'", CUTA(m->key, m->key_len));
}


typedef struct seen_ctx {
	const rj_member *m; /* stop here */
	bool seen;
} seen_ctx;

static int seen_cb(void *ctx, const rj_member *m)
{
	seen_ctx *s = ctx;

	if (m->key == s->m->key)
		return 1;
	if (m->key_len == s->m->key_len && memcmp(m->key, s->m->key, m->key_len) == 0) {
		s->seen = true;
		return 1;
	}
	return 0;
}

static int props_member(void *ctx, const rj_member *m)
{
	props_ctx *p = ctx;
	rec_ctx *c = p->rc;
	bool twice = false;

	if (m->type == RJ_NULL) {
		*c->col = (size_t)(m->val - c->line) + 1;
		return fail(c->err, c->errlen, "property '" CUTF "' is null", CUTA(m->key, m->key_len));
	}
	for (size_t i = 0; i < p->n && i < PROPS_KEPT && !twice; i++)
		twice = p->kept[i].key_len == m->key_len && memcmp(p->kept[i].key, m->key, m->key_len) == 0;
	if (!twice && p->n >= PROPS_KEPT) {
		/* many properties: look again from the start */
		seen_ctx s = {m, false};
		rj_object_each(p->props, p->props_len, seen_cb, &s);
		twice = s.seen;
	}
	if (twice) {
		*c->col = (size_t)(m->key - c->line);
		return fail(c->err, c->errlen, "property '" CUTF "' appears twice", CUTA(m->key, m->key_len));
	}
	if (p->n < PROPS_KEPT)
		p->kept[p->n] = *m;
	p->n++;
	return 0;
}

/* Checks the value of member m (field f); 0 or -1 with col and err. */
static int rec_value(rec_ctx *c, const field *f, const rj_member *m)
{
	bool str = m->type == RJ_STRING;

	*c->col = (size_t)(m->val - c->line) + 1;
	switch (f->kind) {
	case F_ID:
		if (!str && !is_integer(m))
			return fail(c->err, c->errlen, "member '%s' must be a string or an integer", f->name);
		if (str && m->val_len == 2)
			return fail(c->err, c->errlen, "member '%s' must not be empty", f->name);
		return 0;
	case F_SID:
		return str ? 0 : fail(c->err, c->errlen, "member '%s' must be a string", f->name);
	case F_LABEL:
		if (!str)
			return fail(c->err, c->errlen, "member '%s' must be a string", f->name);
		if (m->val_len == 2)
			return fail(c->err, c->errlen, "member '%s' must not be empty", f->name);
		return 0;
	case F_TYPE:
		return str_is(m, c->spec->what)
			       ? 0
			       : fail(c->err, c->errlen, "member 'type' must be \"%s\"", c->spec->what);
	case F_PROPS: {
		props_ctx p = {.rc = c, .props = m->val, .props_len = m->val_len};

		if (m->type != RJ_OBJECT)
			return fail(c->err, c->errlen, "member '%s' must be an object", f->name);
		if (c->walked) {
			if (c->props_rc == 0)
				return 0;
			*c->col = c->props_col;
			return -1;
		}
		return rj_object_each(m->val, m->val_len, props_member, &p) == 0 ? 0 : -1;
	}
	}
	return -1;
}

/* The validator's report of a member: the record's own at depth 1, the
 * properties' at depth 2. */
static int rec_walk(void *ctx, int depth, const rj_member *parent, const rj_member *m)
{
	rec_ctx *c = ctx;

	if (depth == 1)
		return rec_member(c, m);
	if (!rj_key_is(parent, "properties"))
		return 0;
	if (c->props.props != parent->val) {
		/* the first member of this object */
		c->props.props = parent->val;
		c->props.n = 0;
	}
	c->props.props_len = (size_t)(m->val + m->val_len - parent->val);
	if (c->props_rc == 0) {
		c->props_rc = props_member(&c->props, m);
		if (c->props_rc != 0)
			c->props_col = *c->col;
	}
	return c->prop_fn != NULL ? c->prop_fn(c->prop_ctx, m) : 0;
}

/* validate: the line is checked as JSON in the same pass (prop_fn then sees
 * each property); otherwise it must be validated text. */
static int parse_record(const rec_spec *spec, const char *line, size_t len, bool validate, hgfs_prop_fn prop_fn,
			void *prop_ctx, void *out, size_t *col, char *err, size_t errlen)
{
	rec_ctx c;
	int rc;

	c.spec = spec;
	c.line = line;
	memset(c.got, 0, sizeof(c.got));
	c.col = col;
	c.err = err;
	c.errlen = errlen;
	c.next = 0;
	c.walked = validate;
	c.props.rc = &c;
	c.props.props = NULL;
	c.props.n = 0;
	c.props_rc = 0;
	c.props_col = 0;
	c.prop_fn = prop_fn;
	c.prop_ctx = prop_ctx;
	*col = 0;
	if (validate && (rc = rj_validate_walk(line, len, 2, rec_walk, &c, col, err, errlen)) != 0)
		return rc;
	if (rj_type_of(line, len) != RJ_OBJECT) {
		*col = (size_t)(skip_ws(line, line + len) - line) + 1;
		return fail(err, errlen, "a %s must be a JSON object", spec->what);
	}
	if (!validate && rj_object_each(line, len, rec_member, &c) != 0)
		return -1;
	for (size_t i = 0; i < spec->n; i++) {
		if (c.got[i].type == RJ_NONE && spec->f[i].required) {
			*col = 0;
			return fail(err, errlen, "member '%s' is missing", spec->f[i].name);
		}
	}
	for (size_t i = 0; i < spec->n; i++) {
		if (c.got[i].type == RJ_NONE)
			continue;
		if (rec_value(&c, &spec->f[i], &c.got[i]) < 0)
			return -1;
		if (spec->f[i].slot != NO_SLOT)
			memcpy((char *)out + spec->f[i].slot, &c.got[i], sizeof(rj_member));
	}
	*col = 0;
	return 0;
}

int hgfs_vertex_check(const char *line, size_t len, hgfs_vertex_rec *out, hgfs_prop_fn fn, void *ctx, size_t *col,
		      char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	return parse_record(&vertex_spec, line, len, true, fn, ctx, out, col, err, errlen);
}

int hgfs_edge_check(const char *line, size_t len, hgfs_edge_rec *out, hgfs_prop_fn fn, void *ctx, size_t *col,
		    char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	return parse_record(&edge_spec, line, len, true, fn, ctx, out, col, err, errlen);
}

int hgfs_vertex_parse(const char *line, size_t len, hgfs_vertex_rec *out, size_t *col, char *err, size_t errlen)
{
	return hgfs_vertex_check(line, len, out, NULL, NULL, col, err, errlen);
}

int hgfs_edge_parse(const char *line, size_t len, hgfs_edge_rec *out, size_t *col, char *err, size_t errlen)
{
	return hgfs_edge_check(line, len, out, NULL, NULL, col, err, errlen);
}

int hgfs_vertex_parse_again(const char *line, size_t len, hgfs_vertex_rec *out)
{
	char err[8];
	size_t col;

	memset(out, 0, sizeof(*out));
	return parse_record(&vertex_spec, line, len, false, NULL, NULL, out, &col, err, sizeof(err));
}

int hgfs_edge_parse_again(const char *line, size_t len, hgfs_edge_rec *out)
{
	char err[8];
	size_t col;

	memset(out, 0, sizeof(*out));
	return parse_record(&edge_spec, line, len, false, NULL, NULL, out, &col, err, sizeof(err));
}

/* ---- emitting records ---------------------------------------------------------- */

/* Where a member goes when it is dropped: [cut, stop) of the line. */
typedef struct drop_ctx {
	const char *val;      /* the member to drop, by its value */
	const char *prev_end; /* the end of the previous member's value */
	const char *cut, *stop;
} drop_ctx;

static int drop_cb(void *ctx, const rj_member *m)
{
	drop_ctx *d = ctx;

	if (d->cut != NULL) {
		/* the dropped member was the first: up to this key */
		d->stop = m->key - 1;
		return 1;
	}
	if (m->val == d->val) {
		/* the comma before it goes with it, or the one after it */
		d->cut = d->prev_end != NULL ? d->prev_end : m->key - 1;
		d->stop = m->val + m->val_len;
		if (d->prev_end != NULL)
			return 1;
	}
	d->prev_end = m->val + m->val_len;
	return 0;
}

int hgfs_vertex_emit(const char *line, size_t len, const hgfs_vertex_rec *r, bool drop_id, hgfs_buf *out)
{
	const char *start = skip_ws(line, line + len), *end = trim_end(start, line + len);
	drop_ctx d = {r->id.val, NULL, NULL, NULL};
	size_t saved = out->len;

	if (!drop_id || r->id.type == RJ_NONE)
		return hgfs_buf_add(out, start, (size_t)(end - start));
	rj_object_each(start, (size_t)(end - start), drop_cb, &d);
	if (d.cut == NULL)
		return hgfs_buf_add(out, start, (size_t)(end - start));
	if (hgfs_buf_add(out, start, (size_t)(d.cut - start)) < 0 ||
	    hgfs_buf_add(out, d.stop, (size_t)(end - d.stop)) < 0) {
		hgfs_buf_truncate(out, saved);
		return -ENOMEM;
	}
	return 0;
}

int hgfs_pk_id_rewrite(const char *val, size_t len, int64_t new_label_id, hgfs_buf *out, char *err, size_t errlen)
{
	size_t i = 1, saved = out->len;
	char num[24];

	if (len < 2 || val[0] != '"' || val[len - 1] != '"')
		return fail(err, errlen, "not a PRIMARY_KEY vertex id (a string expected): " CUTF, CUTA(val, len));
	while (i < len - 1 && val[i] >= '0' && val[i] <= '9')
		i++;
	if (i == 1 || i >= len - 1 || val[i] != ':')
		return fail(err, errlen, "not a PRIMARY_KEY vertex id (\"<label id>:<values>\" expected): " CUTF,
			    CUTA(val, len));
	if (new_label_id <= 0)
		return fail(err, errlen, "bad vertex label id %lld", (long long)new_label_id);
	snprintf(num, sizeof(num), "\"%lld", (long long)new_label_id);
	if (hgfs_buf_adds(out, num) < 0 || hgfs_buf_add(out, val + i, len - i) < 0) {
		hgfs_buf_truncate(out, saved);
		return -ENOMEM;
	}
	return 0;
}

int hgfs_edge_emit(const char *line, size_t len, const hgfs_edge_rec *r, int64_t out_label_id, int64_t in_label_id,
		   hgfs_buf *out, char *err, size_t errlen)
{
	const char *start = skip_ws(line, line + len), *end = trim_end(start, line + len), *p = start;
	struct {
		const char *name;
		const rj_member *m;
		int64_t label_id;
	} rw[2] = {{"outV", &r->out_v, out_label_id}, {"inV", &r->in_v, in_label_id}};
	size_t saved = out->len;
	int rc = 0;

	if (rw[1].m->val < rw[0].m->val) {
		/* in the order of the line */
		__typeof__(rw[0]) t = rw[0];
		rw[0] = rw[1], rw[1] = t;
	}
	for (int i = 0; i < 2 && rc == 0; i++) {
		if (rw[i].label_id == 0)
			continue;
		rc = hgfs_buf_add(out, p, (size_t)(rw[i].m->val - p));
		if (rc == 0)
			rc = hgfs_pk_id_rewrite(rw[i].m->val, rw[i].m->val_len, rw[i].label_id, out, err, errlen);
		if (rc == -1) {
			char detail[200];
			snprintf(detail, sizeof(detail), "%s", err);
			fail(err, errlen, "member '%s': %s", rw[i].name, detail);
		}
		p = rw[i].m->val + rw[i].m->val_len;
	}
	if (rc == 0)
		rc = hgfs_buf_add(out, p, (size_t)(end - p));
	if (rc < 0)
		hgfs_buf_truncate(out, saved);
	return rc;
}

/* ---- schema.json ---------------------------------------------------------------- */

static const char *const type_names[HG_SCHEMA__COUNT] = {"propertykeys", "vertexlabels", "edgelabels", "indexlabels"};

typedef struct schema_ctx {
	hgfs_schema_file *f;
	size_t cap;
	const char *data;
	hg_schema_type type;
	size_t index;
	bool seen[HG_SCHEMA__COUNT];
	hgfs_buf tmp;
	char *err;
	size_t errlen;
	int rc;
} schema_ctx;

/* "line L, column C: " for a position in the file, then the text. */
static int __attribute__((format(printf, 3, 4))) schema_fail(schema_ctx *c, const char *at, const char *fmt, ...)
{
	size_t line, col, n;
	va_list ap;

	line_col(c->data, (size_t)(at - c->data), &line, &col);
	n = (size_t)snprintf(c->err, c->errlen, "line %zu, column %zu: ", line, col);
	if (n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
		va_end(ap);
	}
	c->rc = -1;
	return -1;
}

/* The decoded string m as a new C string; NULL with c->rc set. */
static char *schema_str(schema_ctx *c, const rj_member *m)
{
	char *s;
	int rc = rj_string(m->val, m->val_len, &c->tmp);

	if (rc < 0) {
		c->rc = rc == -ENOMEM ? -ENOMEM : -1;
		return NULL;
	}
	s = strdup(c->tmp.data);
	if (s == NULL)
		c->rc = -ENOMEM;
	return s;
}

typedef struct elem_fields {
	rj_member name, id, el_type, parent, base_value;
} elem_fields;

static int elem_member(void *ctx, const rj_member *m)
{
	elem_fields *f = ctx;
	static const struct {
		const char *name;
		size_t off;
	} want[] = {
		{"name", offsetof(elem_fields, name)},
		{"id", offsetof(elem_fields, id)},
		{"edgelabel_type", offsetof(elem_fields, el_type)},
		{"parent_label", offsetof(elem_fields, parent)},
		{"base_value", offsetof(elem_fields, base_value)},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		rj_member *slot = (rj_member *)((char *)f + want[i].off);
		if (rj_key_is(m, want[i].name) && slot->type == RJ_NONE)
			*slot = *m;
	}
	return 0;
}

static int schema_elem(void *ctx, const rj_member *m)
{
	schema_ctx *c = ctx;
	const char *where = type_names[c->type];
	elem_fields f;
	hgfs_schema_elem *e;
	size_t i = c->index++;

	if (m->type != RJ_OBJECT)
		return schema_fail(c, m->val, "%s[%zu]: not an object", where, i);
	memset(&f, 0, sizeof(f));
	rj_object_each(m->val, m->val_len, elem_member, &f);
	if (f.name.type == RJ_NONE)
		return schema_fail(c, m->val, "%s[%zu]: no name", where, i);
	if (f.name.type != RJ_STRING || f.name.val_len == 2)
		return schema_fail(c, f.name.val, "%s[%zu]: 'name' must be a non-empty string", where, i);
	if (c->f->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		hgfs_schema_elem *v = realloc(c->f->v, cap * sizeof(*v));

		if (v == NULL)
			return c->rc = -ENOMEM;
		c->f->v = v;
		c->cap = cap;
	}
	e = &c->f->v[c->f->n];
	memset(e, 0, sizeof(*e));
	e->type = c->type;
	e->text = m->val;
	e->len = m->val_len;
	c->f->n++;
	c->f->count[c->type]++;
	e->name = schema_str(c, &f.name);
	if (e->name == NULL)
		return -1;
	if (f.id.type != RJ_NONE && (parse_int64(&f.id, &e->id) < 0 || e->id <= 0))
		return schema_fail(c, f.id.val, "%s[%zu] '%s': 'id' must be an integer > 0", where, i, e->name);
	if (c->type == HG_SCHEMA_EDGELABELS) {
		e->is_parent = str_is(&f.el_type, "PARENT");
		e->is_sub = str_is(&f.el_type, "SUB");
		if (f.parent.type == RJ_STRING && (e->parent = schema_str(c, &f.parent)) == NULL)
			return -1;
		if (e->is_sub && (e->parent == NULL || e->parent[0] == '\0'))
			return schema_fail(c, m->val, "%s[%zu]: '%s' is a SUB label without a parent_label", where, i,
					   e->name);
	}
	if (c->type == HG_SCHEMA_INDEXLABELS && f.base_value.type == RJ_STRING &&
	    (e->base_value = schema_str(c, &f.base_value)) == NULL)
		return -1;
	return 0;
}

static int schema_type(void *ctx, const rj_member *m)
{
	schema_ctx *c = ctx;
	int t;

	for (t = 0; t < HG_SCHEMA__COUNT; t++)
		if (rj_key_is(m, type_names[t]))
			break;
	if (t == HG_SCHEMA__COUNT)
		return schema_fail(c, m->key - 1, "unknown member '" CUTF "'", CUTA(m->key, m->key_len));
	if (c->seen[t])
		return schema_fail(c, m->key - 1, "member '%s' appears twice", type_names[t]);
	c->seen[t] = true;
	if (m->type != RJ_ARRAY)
		return schema_fail(c, m->val, "'%s' must be an array", type_names[t]);
	c->type = (hg_schema_type)t;
	c->index = 0;
	return rj_array_each(m->val, m->val_len, schema_elem, c) != 0 ? -1 : 0;
}

typedef struct sort_ent {
	hgfs_schema_elem e;
	size_t seq; /* file order */
} sort_ent;

/* By type, then ascending id (elements without an id last), then file order. */
static int elem_cmp(const void *a, const void *b)
{
	const sort_ent *x = a, *y = b;
	uint64_t xi = x->e.id > 0 ? (uint64_t)x->e.id : UINT64_MAX, yi = y->e.id > 0 ? (uint64_t)y->e.id : UINT64_MAX;

	if (x->e.type != y->e.type)
		return x->e.type < y->e.type ? -1 : 1;
	if (xi != yi)
		return xi < yi ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int name_cmp(const void *a, const void *b)
{
	const hgfs_schema_elem *x = *(hgfs_schema_elem *const *)a, *y = *(hgfs_schema_elem *const *)b;

	return strcmp(x->name, y->name);
}

/* Sorts f->v and puts each PARENT edge label before its first SUB. */
static int schema_order(hgfs_schema_file *f)
{
	sort_ent *s = malloc((f->n ? f->n : 1) * sizeof(*s));
	size_t el = f->count[HG_SCHEMA_PROPERTYKEYS] + f->count[HG_SCHEMA_VERTEXLABELS];

	if (s == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < f->n; i++)
		s[i].e = f->v[i], s[i].seq = i;
	qsort(s, f->n, sizeof(*s), elem_cmp);
	for (size_t i = 0; i < f->n; i++)
		f->v[i] = s[i].e;
	free(s);
	for (size_t i = el; i < el + f->count[HG_SCHEMA_EDGELABELS]; i++) {
		hgfs_schema_elem parent;
		size_t j;

		if (!f->v[i].is_parent)
			continue;
		for (j = el; j < i; j++)
			if (f->v[j].is_sub && strcmp(f->v[j].parent, f->v[i].name) == 0)
				break;
		if (j == i)
			continue;
		parent = f->v[i];
		memmove(&f->v[j + 1], &f->v[j], (i - j) * sizeof(parent));
		f->v[j] = parent;
	}
	return 0;
}

/* Refuses a name or an id that appears twice in one type. */
static int schema_unique(schema_ctx *c)
{
	hgfs_schema_file *f = c->f;
	hgfs_schema_elem **by_name = malloc((f->n ? f->n : 1) * sizeof(*by_name));
	size_t first = 0;
	int rc = 0;

	if (by_name == NULL)
		return -ENOMEM;
	for (int t = 0; t < HG_SCHEMA__COUNT && rc == 0; first += f->count[t], t++) {
		size_t n = f->count[t];

		for (size_t i = first + 1; i < first + n && rc == 0; i++)
			if (f->v[i].id > 0 && f->v[i].id == f->v[i - 1].id)
				rc = fail(c->err, c->errlen, "%s: the id %lld appears twice ('%s' and '%s')",
					  type_names[t], (long long)f->v[i].id, f->v[i - 1].name, f->v[i].name);
		for (size_t i = 0; i < n; i++)
			by_name[i] = &f->v[first + i];
		qsort(by_name, n, sizeof(*by_name), name_cmp);
		for (size_t i = 1; i < n && rc == 0; i++)
			if (strcmp(by_name[i]->name, by_name[i - 1]->name) == 0)
				rc = fail(c->err, c->errlen, "%s: the name '%s' appears twice", type_names[t],
					  by_name[i]->name);
	}
	free(by_name);
	return rc;
}

int hgfs_schema_file_parse(const char *data, size_t len, hgfs_schema_file *out, char *err, size_t errlen)
{
	schema_ctx c = {.f = out, .data = data, .err = err, .errlen = errlen};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = validate_file(data, len, err, errlen);
	if (rc != 0)
		goto out;
	if (rj_type_of(data, len) != RJ_OBJECT) {
		rc = schema_fail(&c, skip_ws(data, data + len), "the schema must be a JSON object");
		goto out;
	}
	rc = rj_object_each(data, len, schema_type, &c);
	if (rc != 0) {
		rc = c.rc != 0 ? c.rc : -1;
		goto out;
	}
	rc = schema_order(out);
	if (rc == 0)
		rc = schema_unique(&c);
out:
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (rc != 0)
		hgfs_schema_file_free(out);
	hgfs_buf_free(&c.tmp);
	return rc;
}

void hgfs_schema_file_free(hgfs_schema_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].parent);
		free(f->v[i].base_value);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

typedef struct emit_ctx {
	const hgfs_schema_elem *e;
	bool keep_id, legacy;
	hgfs_buf *out;
	bool first;
} emit_ctx;

static int emit_member(void *ctx, const rj_member *m)
{
	emit_ctx *c = ctx;
	bool el = c->e->type == HG_SCHEMA_EDGELABELS;

	if ((rj_key_is(m, "id") && !c->keep_id) || rj_key_is(m, "check_exist") || rj_key_is(m, "task_id"))
		return 0;
	if (el && rj_key_is(m, "links") && (c->legacy || c->e->is_parent))
		return 0;
	if (el && c->legacy && (rj_key_is(m, "edgelabel_type") || rj_key_is(m, "parent_label")))
		return 0;
	if ((!c->first && hgfs_buf_addc(c->out, ',') < 0) || hgfs_buf_addc(c->out, '"') < 0 ||
	    hgfs_buf_add(c->out, m->key, m->key_len) < 0 || hgfs_buf_add(c->out, "\":", 2) < 0 ||
	    hgfs_buf_add(c->out, m->val, m->val_len) < 0)
		return -ENOMEM;
	c->first = false;
	return 0;
}

int hgfs_schema_emit(const hgfs_schema_elem *e, bool keep_id, bool legacy, hgfs_buf *out, char *err,
		     size_t errlen)
{
	emit_ctx c = {e, keep_id, legacy, out, true};
	size_t saved = out->len;
	int rc;

	if (legacy && (e->is_parent || e->is_sub))
		return fail(err, errlen,
			    "edge label '%s' is a %s label; servers before 1.5 have no parent/sub edge labels", e->name,
			    e->is_parent ? "PARENT" : "SUB");
	rc = hgfs_buf_addc(out, '{');
	if (rc == 0)
		rc = rj_object_each(e->text, e->len, emit_member, &c);
	if (rc == -1)
		rc = fail(err, errlen, "%s '%s' is not a JSON object", type_names[e->type], e->name);
	if (rc == 0)
		rc = hgfs_buf_adds(out, c.first ? "\"check_exist\":false}" : ",\"check_exist\":false}");
	if (rc != 0)
		hgfs_buf_truncate(out, saved);
	return rc;
}

/* ---- schema comparison ---------------------------------------------------------- */

/* A sorted set of strings. */
typedef struct strset {
	char **v;
	size_t n, cap;
} strset;

static void strset_free(strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int strset_add(strset *s, const char *str)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **v = realloc(s->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		s->v = v, s->cap = cap;
	}
	s->v[s->n] = strdup(str);
	if (s->v[s->n] == NULL)
		return -ENOMEM;
	s->n++;
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strset_sort(strset *s)
{
	size_t k = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), str_cmp);
	for (size_t i = 1; i < s->n; i++) {
		if (strcmp(s->v[i], s->v[k]) == 0)
			free(s->v[i]);
		else
			s->v[++k] = s->v[i];
	}
	s->n = k + 1;
}

static bool strset_has(const strset *s, const char *str)
{
	return s->n > 0 && bsearch(&str, s->v, s->n, sizeof(*s->v), str_cmp) != NULL;
}

/* "[a, b]" */
static void strset_format(const strset *s, hgfs_buf *b)
{
	hgfs_buf_addc(b, '[');
	for (size_t i = 0; i < s->n; i++) {
		if (i > 0)
			hgfs_buf_adds(b, ", ");
		hgfs_buf_adds(b, s->v[i]);
	}
	hgfs_buf_addc(b, ']');
}

typedef struct set_ctx {
	strset *set;
	hgfs_buf *tmp;
	int rc;
} set_ctx;

static int set_elem(void *ctx, const rj_member *m)
{
	set_ctx *c = ctx;

	if (m->type != RJ_STRING)
		return c->rc = -1;
	if ((c->rc = rj_string(m->val, m->val_len, c->tmp)) < 0 || (c->rc = strset_add(c->set, c->tmp->data)) < 0)
		return c->rc;
	return 0;
}

/* Adds "a->b" to s, for the JSON strings a and b (with their quotes). */
static int pair_add(strset *s, const char *a, size_t alen, const char *b, size_t blen, hgfs_buf *tmp)
{
	hgfs_buf pair = {0};
	int rc = rj_string(a, alen, &pair);

	if (rc == 0)
		rc = rj_string(b, blen, tmp);
	if (rc == 0 &&
	    (hgfs_buf_add(&pair, "->", 2) < 0 || hgfs_buf_adds(&pair, tmp->data) < 0 || strset_add(s, pair.data) < 0))
		rc = -ENOMEM;
	hgfs_buf_free(&pair);
	return rc;
}

/* The one member of each {"a":"b"} in links. */
static int link_member(void *ctx, const rj_member *m)
{
	set_ctx *c = ctx;

	if (m->type != RJ_STRING)
		return c->rc = -1;
	return c->rc = pair_add(c->set, m->key - 1, m->key_len + 2, m->val, m->val_len, c->tmp);
}

static int link_elem(void *ctx, const rj_member *m)
{
	set_ctx *c = ctx;
	size_t before = c->set->n;

	if (m->type != RJ_OBJECT || rj_object_each(m->val, m->val_len, link_member, c) != 0 || c->set->n != before + 1)
		return c->rc = -1;
	return 0;
}

typedef enum { D_SCALAR, D_BOOL, D_SET, D_LINKS, D_INDEX_TYPE } diff_kind;

typedef struct diff_field {
	const char *name;
	diff_kind kind;
	const char *def; /* the value when absent */
} diff_field;

/* The fields hasSameProperties compares, per type, in the order told. */
static const diff_field diff_pk[] = {
	{"data_type", D_SCALAR, "TEXT"},
	{"cardinality", D_SCALAR, "SINGLE"},
	{"aggregate_type", D_SCALAR, "NONE"},
	{"write_type", D_SCALAR, "OLTP"},
};
static const diff_field diff_vl[] = {
	{"properties", D_SET, NULL},
	{"primary_keys", D_SET, NULL},
	{"nullable_keys", D_SET, NULL},
	{"enable_label_index", D_BOOL, "true"},
};
static const diff_field diff_el[] = {
	{"frequency", D_SCALAR, "SINGLE"}, {"enable_label_index", D_BOOL, "true"}, {"properties", D_SET, NULL},
	{"sort_keys", D_SET, NULL},        {"nullable_keys", D_SET, NULL},         {"links", D_LINKS, NULL},
};
static const diff_field diff_il[] = {
	{"base_type", D_SCALAR, ""},
	{"base_value", D_SCALAR, ""},
	{"index_type", D_INDEX_TYPE, ""},
	{"fields", D_SET, NULL},
};

/* The value of field f in obj: a scalar as text into v, a set into s.
 * 0, -1 (malformed) or -ENOMEM. */
static int diff_value(const char *obj, size_t len, const diff_field *f, hgfs_buf *v, strset *s, hgfs_buf *tmp)
{
	set_ctx c = {s, tmp, 0};
	rj_member m, src, dst;
	int found = rj_object_get(obj, len, f->name, &m);

	hgfs_buf_reset(v);
	if (found < 0)
		return -1;
	switch (f->kind) {
	case D_SCALAR:
	case D_INDEX_TYPE:
		if (!found)
			return hgfs_buf_adds(v, f->def);
		return m.type == RJ_STRING ? rj_string(m.val, m.val_len, v) : -1;
	case D_BOOL:
		if (!found)
			return hgfs_buf_adds(v, f->def);
		return m.type == RJ_BOOL ? hgfs_buf_add(v, m.val, m.val_len) : -1;
	case D_SET:
		if (found && (m.type != RJ_ARRAY || rj_array_each(m.val, m.val_len, set_elem, &c) != 0))
			return c.rc == -ENOMEM ? -ENOMEM : -1;
		break;
	case D_LINKS:
		/* the links, and source_label->target_label, which is one of them */
		if (found && (m.type != RJ_ARRAY || rj_array_each(m.val, m.val_len, link_elem, &c) != 0))
			return c.rc == -ENOMEM ? -ENOMEM : -1;
		if (rj_object_get(obj, len, "source_label", &src) == 1 &&
		    rj_object_get(obj, len, "target_label", &dst) == 1) {
			int rc;

			if (src.type != RJ_STRING || dst.type != RJ_STRING)
				return -1;
			rc = pair_add(s, src.val, src.val_len, dst.val, dst.val_len, tmp);
			if (rc != 0)
				return rc;
		}
		break;
	}
	strset_sort(s);
	return 0;
}

static bool diff_same(const diff_field *f, const hgfs_buf *va, const strset *sa, const hgfs_buf *vb, const strset *sb)
{
	switch (f->kind) {
	case D_SCALAR:
	case D_BOOL:
		return strcmp(va->data, vb->data) == 0;
	case D_INDEX_TYPE:
		/* RANGE is resolved from the field's type: it matches every RANGE_* */
		return strcmp(va->data, vb->data) == 0 ||
		       (strcmp(va->data, "RANGE") == 0 && strncmp(vb->data, "RANGE_", 6) == 0) ||
		       (strcmp(vb->data, "RANGE") == 0 && strncmp(va->data, "RANGE_", 6) == 0);
	case D_SET:
		if (sa->n != sb->n)
			return false;
		for (size_t i = 0; i < sa->n; i++)
			if (strcmp(sa->v[i], sb->v[i]) != 0)
				return false;
		return true;
	case D_LINKS:
		/* each link of the graph's label must be among the backup's */
		for (size_t i = 0; i < sb->n; i++)
			if (!strset_has(sa, sb->v[i]))
				return false;
		return true;
	}
	return false;
}

static void diff_format(const diff_field *f, const hgfs_buf *v, const strset *s, hgfs_buf *msg)
{
	if (f->kind == D_SET || f->kind == D_LINKS)
		strset_format(s, msg);
	else
		hgfs_buf_adds(msg, v->data[0] != '\0' ? v->data : "(none)");
}

int hgfs_schema_diff(hg_schema_type t, const char *a, size_t alen, const char *b, size_t blen, char *out, size_t outlen)
{
	static const struct {
		const diff_field *f;
		size_t n;
	} by_type[HG_SCHEMA__COUNT] = {
		{diff_pk, sizeof(diff_pk) / sizeof(diff_pk[0])},
		{diff_vl, sizeof(diff_vl) / sizeof(diff_vl[0])},
		{diff_el, sizeof(diff_el) / sizeof(diff_el[0])},
		{diff_il, sizeof(diff_il) / sizeof(diff_il[0])},
	};
	strset sa = {0}, sb = {0};
	hgfs_buf va = {0}, vb = {0}, tmp = {0}, msg = {0};
	size_t col;
	char e[8];
	int rc = 0;

	if (outlen > 0)
		out[0] = '\0';
	if ((unsigned)t >= HG_SCHEMA__COUNT || rj_validate(a, alen, &col, e, sizeof(e)) < 0 ||
	    rj_validate(b, blen, &col, e, sizeof(e)) < 0 || rj_type_of(a, alen) != RJ_OBJECT ||
	    rj_type_of(b, blen) != RJ_OBJECT) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < by_type[t].n; i++) {
		const diff_field *f = &by_type[t].f[i];

		strset_free(&sa);
		strset_free(&sb);
		rc = diff_value(a, alen, f, &va, &sa, &tmp);
		if (rc == 0)
			rc = diff_value(b, blen, f, &vb, &sb, &tmp);
		if (rc != 0)
			goto out;
		if (diff_same(f, &va, &sa, &vb, &sb))
			continue;
		hgfs_buf_adds(&msg, f->name);
		hgfs_buf_adds(&msg, ": the backup has ");
		diff_format(f, &va, &sa, &msg);
		hgfs_buf_adds(&msg, ", the graph has ");
		diff_format(f, &vb, &sb, &msg);
		snprintf(out, outlen, "%s", msg.data != NULL ? msg.data : f->name);
		rc = 1;
		break;
	}
out:
	strset_free(&sa);
	strset_free(&sb);
	hgfs_buf_free(&va);
	hgfs_buf_free(&vb);
	hgfs_buf_free(&tmp);
	hgfs_buf_free(&msg);
	return rc;
}

/* ---- manifest.json ------------------------------------------------------------ */

static const char *const file_names[HGFS_K_MANIFEST + 1] = {"", "schema.json", "vertices.jsonl", "edges.jsonl",
							     "variables.json", "manifest.json"};

const char *hgfs_kind_file_name(hgfs_kind k)
{
	return k >= HGFS_K_UNKNOWN && k <= HGFS_K_MANIFEST ? file_names[k] : "";
}

/* An integer >= 0, or -1. */
static int64_t count_of(const rj_member *m)
{
	int64_t v;

	return parse_int64(m, &v) == 0 && v >= 0 ? v : -1;
}

int hgfs_label_ttl(const char *elem, size_t len, int64_t *ttl, hgfs_buf *name, hgfs_buf *start)
{
	rj_member m;

	*ttl = 0;
	hgfs_buf_reset(name);
	hgfs_buf_reset(start);
	if (rj_object_get(elem, len, "ttl", &m) != 1)
		return 0;
	if (parse_int64(&m, ttl) != 0 || *ttl < 0)
		return -1;
	if (*ttl == 0)
		return 0;
	if (rj_object_get(elem, len, "name", &m) != 1 || m.type != RJ_STRING)
		return -1;
	if (rj_string(m.val, m.val_len, name) != 0)
		return -ENOMEM;
	if (rj_object_get(elem, len, "ttl_start_time", &m) == 1) {
		if (m.type != RJ_STRING)
			return -1;
		if (rj_string(m.val, m.val_len, start) != 0)
			return -ENOMEM;
	}
	return 1;
}

/* A "sha256" value: 64 hex digits into out, lower case; 0 or -1. */
static int sha_hex(const rj_member *m, char out[65])
{
	if (m->type != RJ_STRING || m->val_len != 64 + 2)
		return -1;
	for (size_t i = 0; i < 64; i++) {
		char c = m->val[1 + i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		out[i] = c;
	}
	out[64] = '\0';
	return 0;
}

static int manifest_file(const rj_member *fm, const char *name, hgfs_manifest_file *mf, char *err, size_t errlen)
{
	rj_member m;

	if (fm->type != RJ_OBJECT)
		return fail(err, errlen, "files: '%s' must be an object", name);
	if (rj_object_get(fm->val, fm->val_len, "size", &m) != 1)
		return fail(err, errlen, "files: '%s' has no size", name);
	if ((mf->size = count_of(&m)) < 0)
		return fail(err, errlen, "files: the size of '%s' must be an integer >= 0", name);
	if (rj_object_get(fm->val, fm->val_len, "sha256", &m) == 1 && sha_hex(&m, mf->sha256) < 0)
		return fail(err, errlen, "files: the sha256 of '%s' must be 64 hex digits", name);
	if (rj_object_get(fm->val, fm->val_len, "plain_size", &m) == 1) {
		if ((mf->plain_size = count_of(&m)) < 0)
			return fail(err, errlen, "files: the plain_size of '%s' must be an integer >= 0", name);
		if (rj_object_get(fm->val, fm->val_len, "plain_sha256", &m) == 1 && sha_hex(&m, mf->plain_sha256) < 0)
			return fail(err, errlen, "files: the plain_sha256 of '%s' must be 64 hex digits", name);
		mf->has_plain = true;
	}
	mf->present = true;
	return 0;
}

int hgfs_manifest_parse(const char *data, size_t len, hgfs_manifest *out, char *err, size_t errlen)
{
	static const char *const count_names[HG_SCHEMA__COUNT + 3] = {"propertykeys", "vertexlabels", "edgelabels",
								      "indexlabels",  "vertices",     "edges",
								      "variables"};
	int64_t *counts[HG_SCHEMA__COUNT + 3] = {&out->count_schema[0], &out->count_schema[1], &out->count_schema[2],
						 &out->count_schema[3], &out->count_vertices,  &out->count_edges,
						 &out->count_variables};
	hgfs_buf b = {0};
	rj_member m, sub;
	int64_t version;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < HG_SCHEMA__COUNT + 3; i++)
		*counts[i] = -1;
	out->consistent = -1;
	if (validate_file(data, len, err, errlen) < 0)
		goto out;
	if (rj_object_get(data, len, "format", &m) != 1 || !str_is(&m, "hugegraphfs-backup")) {
		fail(err, errlen, "not a hugegraphfs backup manifest (no \"format\":\"hugegraphfs-backup\")");
		goto out;
	}
	if (rj_object_get(data, len, "format_version", &m) != 1) {
		fail(err, errlen, "member 'format_version' is missing");
		goto out;
	}
	if (parse_int64(&m, &version) < 0 || version < 1) {
		fail(err, errlen, "format_version " CUTF " is not supported", CUTA(m.val, m.val_len));
		goto out;
	}
	if (version > 2) {
		fail(err, errlen, "format_version %lld: written by a newer hugegraphfs", (long long)version);
		goto out;
	}
	if (rj_object_get(data, len, "graph", &m) == 1) {
		if (m.type != RJ_STRING || rj_string(m.val, m.val_len, &b) < 0 || b.len >= sizeof(out->graph) ||
		    strlen(b.data) != b.len) {
			fail(err, errlen, "member 'graph' must be a graph name");
			goto out;
		}
		memcpy(out->graph, b.data, b.len + 1);
	}
	if (rj_object_get(data, len, "files", &m) == 1) {
		if (m.type != RJ_OBJECT) {
			fail(err, errlen, "member 'files' must be an object");
			goto out;
		}
		static const char *const suffixes[] = {"", ".gz", ".zst"};
		for (int k = HGFS_K_SCHEMA; k < HGFS_K_MANIFEST; k++) {
			for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
				char name[64];
				snprintf(name, sizeof(name), "%s%s", file_names[k], suffixes[s]);
				if (rj_object_get(m.val, m.val_len, name, &sub) != 1)
					continue;
				if (manifest_file(&sub, name, &out->file[k], err, errlen) < 0)
					goto out;
				strcpy(out->file[k].suffix, suffixes[s]);
				break;
			}
		}
	}
	if (rj_object_get(data, len, "counts", &m) == 1) {
		if (m.type != RJ_OBJECT) {
			fail(err, errlen, "member 'counts' must be an object");
			goto out;
		}
		for (size_t i = 0; i < HG_SCHEMA__COUNT + 3; i++) {
			if (rj_object_get(m.val, m.val_len, count_names[i], &sub) != 1)
				continue;
			if ((*counts[i] = count_of(&sub)) < 0) {
				fail(err, errlen, "counts: '%s' must be an integer >= 0", count_names[i]);
				goto out;
			}
		}
	}
	if (rj_object_get(data, len, "consistent", &m) == 1) {
		if (m.type != RJ_BOOL) {
			fail(err, errlen, "member 'consistent' must be true or false");
			goto out;
		}
		out->consistent = m.val[0] == 't';
	}
	if (rj_object_get(data, len, "consistency", &m) == 1 && m.type == RJ_STRING &&
	    rj_string(m.val, m.val_len, &b) == 0) {
		size_t n = b.len < sizeof(out->consistency) - 1 ? b.len : sizeof(out->consistency) - 1;
		memcpy(out->consistency, b.data, n);
		out->consistency[n] = '\0';
		for (size_t i = 0; i < n; i++) /* one line in restore.status */
			if ((unsigned char)out->consistency[i] < 0x20)
				out->consistency[i] = ' ';
	}
	rc = 0;
out:
	hgfs_buf_free(&b);
	return rc;
}

/* ---- which file ---------------------------------------------------------------- */

static const char *const kind_names[] = {
	[HGFS_K_UNKNOWN] = "unknown",	  [HGFS_K_SCHEMA] = "schema",	      [HGFS_K_VERTICES] = "vertices",
	[HGFS_K_EDGES] = "edges",	  [HGFS_K_VARIABLES] = "variables", [HGFS_K_MANIFEST] = "manifest",
};

const char *hgfs_kind_name(hgfs_kind k)
{
	return (unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "unknown";
}

/* The length of base without a ".gz" or ".zst" at its end, that suffix in *suffix. */
static size_t strip_suffix(const char *base, const char **suffix)
{
	size_t n = strlen(base);

	*suffix = "";
	if (n > 3 && strcmp(base + n - 3, ".gz") == 0)
		*suffix = ".gz";
	else if (n > 4 && strcmp(base + n - 4, ".zst") == 0)
		*suffix = ".zst";
	return n - strlen(*suffix);
}

hgfs_kind hgfs_kind_by_name(const char *name)
{
	const char *base = strrchr(name, '/'), *suffix;
	size_t n;

	base = base != NULL ? base + 1 : name;
	n = strip_suffix(base, &suffix);
	for (int k = HGFS_K_SCHEMA; k <= HGFS_K_MANIFEST; k++)
		if (strlen(file_names[k]) == n && strncmp(base, file_names[k], n) == 0)
			return (hgfs_kind)k;
	return HGFS_K_UNKNOWN;
}

int64_t hgfs_manifest_size_of(const hgfs_manifest *m, const char *name)
{
	const char *base = strrchr(name, '/'), *suffix;
	hgfs_kind k = hgfs_kind_by_name(name);

	base = base != NULL ? base + 1 : name;
	strip_suffix(base, &suffix);
	if (k < HGFS_K_SCHEMA || k >= HGFS_K_MANIFEST || !m->file[k].present || strcmp(m->file[k].suffix, suffix) != 0)
		return -1;
	return m->file[k].size;
}

/* The first member's name of the object at the start of head, as raw
 * bytes, and where its value starts; false when head does not say. */
static bool first_member(const char *head, size_t len, const char **key, size_t *key_len, const char **val)
{
	const char *end = head + len, *p = skip_ws(head, end), *q;

	if (p >= end || *p != '{')
		return false;
	p = skip_ws(p + 1, end);
	if (p >= end || *p != '"' || (q = memchr(p + 1, '"', (size_t)(end - p - 1))) == NULL)
		return false;
	*key = p + 1;
	*key_len = (size_t)(q - p - 1);
	p = skip_ws(q + 1, end);
	if (p >= end || *p != ':')
		return false;
	*val = skip_ws(p + 1, end);
	return true;
}

hgfs_kind hgfs_kind_sniff(const char *head, size_t len)
{
	static const char manifest_format[] = "\"hugegraphfs-backup\"";
	const char *key, *val, *nl;
	size_t key_len, n, col;
	hgfs_vertex_rec v;
	hgfs_edge_rec e;
	char err[8];

	if (first_member(head, len, &key, &key_len, &val)) {
		for (int t = 0; t < HG_SCHEMA__COUNT; t++)
			if (key_len == strlen(type_names[t]) && memcmp(key, type_names[t], key_len) == 0)
				return HGFS_K_SCHEMA;
		if (key_len == 6 && memcmp(key, "format", 6) == 0 &&
		    (size_t)(head + len - val) >= sizeof(manifest_format) - 1 &&
		    memcmp(val, manifest_format, sizeof(manifest_format) - 1) == 0)
			return HGFS_K_MANIFEST;
	}
	nl = memchr(head, '\n', len);
	n = nl != NULL ? (size_t)(nl - head) : len;
	if (hgfs_edge_parse(head, n, &e, &col, err, sizeof(err)) == 0)
		return HGFS_K_EDGES;
	if (hgfs_vertex_parse(head, n, &v, &col, err, sizeof(err)) == 0)
		return HGFS_K_VERTICES;
	return HGFS_K_UNKNOWN;
}

/* ---- BLOB values the server would misread ------------------------------------------ */

/* HugeGraph prints a BLOB as base64 but reads any string that starts with
 * "0x" as hex; base64 text can start with "0x". */

typedef struct blob_fix {
	const char *line;
	const char *cursor;      /* line bytes up to here are in out */
	hgfs_blob_key_fn is_blob;
	void *ctx;
	hgfs_buf *out;
	hgfs_buf bytes;
	bool changed;
	char *err;
	size_t errlen;
} blob_fix;

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Standard base64 (padding optional) of s[0..len) into b; -1 if not base64. */
static int b64_decode(const char *s, size_t len, hgfs_buf *b)
{
	uint32_t acc = 0;
	int bits = 0;

	hgfs_buf_reset(b);
	while (len > 0 && s[len - 1] == '=')
		len--;
	for (size_t i = 0; i < len; i++) {
		int v = b64val((unsigned char)s[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (hgfs_buf_addc(b, (char)((acc >> bits) & 0xff)) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* One value: a string starting with "0x" becomes "0x<hex of its bytes>". */
static int blob_value(void *ctx, const rj_member *m)
{
	static const char hex[] = "0123456789abcdef";
	blob_fix *f = ctx;
	int rc;

	if (m->type == RJ_ARRAY)
		return rj_array_each(m->val, m->val_len, blob_value, f);
	if (m->type != RJ_STRING || m->val_len < 3 || m->val[1] != '0' || m->val[2] != 'x')
		return 0;
	rc = b64_decode(m->val + 1, m->val_len - 2, &f->bytes);
	if (rc == -1) {
		snprintf(f->err, f->errlen, "BLOB value %.*s is not base64", (int)(m->val_len > 40 ? 40 : m->val_len),
			 m->val);
		return -1;
	}
	if (rc < 0 || hgfs_buf_add(f->out, f->cursor, (size_t)(m->val - f->cursor)) < 0 ||
	    hgfs_buf_add(f->out, "\"0x", 3) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < f->bytes.len; i++) {
		unsigned char c = (unsigned char)f->bytes.data[i];
		if (hgfs_buf_addc(f->out, hex[c >> 4]) < 0 || hgfs_buf_addc(f->out, hex[c & 15]) < 0)
			return -ENOMEM;
	}
	if (hgfs_buf_addc(f->out, '"') < 0)
		return -ENOMEM;
	f->cursor = m->val + m->val_len;
	f->changed = true;
	return 0;
}

static int blob_member(void *ctx, const rj_member *m)
{
	blob_fix *f = ctx;

	if (!f->is_blob(f->ctx, m->key, m->key_len))
		return 0;
	return blob_value(f, m);
}

int hgfs_blob_fix(const char *line, size_t len, const rj_member *props, hgfs_blob_key_fn is_blob, void *ctx,
		  hgfs_buf *out, char *err, size_t errlen)
{
	blob_fix f = {line, line, is_blob, ctx, out, {0}, false, err, errlen};
	size_t saved = out->len;
	int rc;

	rc = rj_object_each(props->val, props->val_len, blob_member, &f);
	if (rc == 0 && f.changed)
		rc = hgfs_buf_add(out, f.cursor, (size_t)(line + len - f.cursor));
	hgfs_buf_free(&f.bytes);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (rc != 0 || !f.changed) {
		hgfs_buf_truncate(out, saved);
		return rc < 0 ? rc : 0;
	}
	return 1;
}
