/* consist.c - the id sets and the checks of consist.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consist.h"

static inline uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

uint64_t hgfs_id_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0x100000001b3ULL);

	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ mix(w)) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
		p += 8, len -= 8;
	}
	if (len > 0) {
		uint64_t w = 0;
		memcpy(&w, p, len);
		h = (h ^ mix(w ^ ((uint64_t)len << 59))) * 0x9e3779b97f4a7c15ULL;
	}
	return mix(h);
}

/* ---- the set ------------------------------------------------------------------- */

size_t hgfs_idset_bytes(const hgfs_idset *s)
{
	return s->cap * sizeof(uint64_t);
}

/* The home slot of h: h scaled to [0, cap) (any cap, not only powers of two). */
static inline size_t home(uint64_t h, size_t cap)
{
	return (size_t)(((unsigned __int128)h * cap) >> 64);
}

static void set_put(uint64_t *slot, size_t cap, uint64_t h)
{
	size_t i = home(h, cap);

	while (slot[i] != 0)
		i = i + 1 == cap ? 0 : i + 1;
	slot[i] = h;
}

/* The old and the new table are both held while moving, and together they
 * stay within max_bytes.  The table doubles; when a doubled table could not
 * double again, it takes at once all that the old one leaves (up to 3x),
 * which is its last growth. */
static int set_grow(hgfs_idset *s, size_t max_bytes)
{
	size_t max = max_bytes / sizeof(uint64_t);
	size_t cap = s->cap ? s->cap * 2 : 1024;
	uint64_t *slot;

	if (s->cap + cap > max || cap + 2 * cap > max) {
		cap = max > s->cap ? max - s->cap : 0;
		if (cap < s->cap + s->cap / 4 || cap < 1024)
			return -ENOSPC;
	}
	slot = calloc(cap, sizeof(uint64_t));
	if (slot == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i] != 0)
			set_put(slot, cap, s->slot[i]);
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
	return 0;
}

bool hgfs_idset_has(const hgfs_idset *s, uint64_t h)
{
	if (h == 0)
		h = 1;
	if (s->cap == 0)
		return false;
	for (size_t i = home(h, s->cap);; i = i + 1 == s->cap ? 0 : i + 1) {
		if (s->slot[i] == h)
			return true;
		if (s->slot[i] == 0)
			return false;
	}
}

int hgfs_idset_add(hgfs_idset *s, uint64_t h, size_t max_bytes)
{
	if (h == 0)
		h = 1;
	if (hgfs_idset_has(s, h))
		return 0;
	if ((s->n + 1) * 4 > s->cap * 3) { /* load at most 3/4 */
		int rc = set_grow(s, max_bytes);
		if (rc < 0)
			return rc;
	}
	set_put(s->slot, s->cap, h);
	s->n++;
	return 1;
}

void hgfs_idset_free(hgfs_idset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/* ---- the checks ------------------------------------------------------------------ */

void hgfs_consist_init(hgfs_consist *c, size_t budget)
{
	memset(c, 0, sizeof(*c));
	c->budget = budget;
}

void hgfs_consist_free(hgfs_consist *c)
{
	hgfs_idset_free(&c->vertices);
	hgfs_idset_free(&c->sources);
	hgfs_buf_free(&c->line);
}

void hgfs_consist_begin(hgfs_consist *c, hg_kind kind)
{
	c->kind = kind;
	hgfs_buf_reset(&c->line);
	c->cut = false;
}

typedef struct ids {
	rj_member id, out_v, in_v, out_l, in_l;
	const char *end; /* where the text looked at ends */
	bool cut;        /* ... before the line does */
	bool labels;     /* outVLabel and inVLabel are wanted too (endpoint_wanted) */
	int want;
} ids;

static bool complete(const ids *d, const rj_member *m)
{
	return m->type != RJ_NONE && (!d->cut || m->val + m->val_len < d->end);
}

static int ids_cb(void *ctx, const rj_member *m)
{
	ids *d = ctx;

	if (d->cut && m->val + m->val_len >= d->end)
		return 1; /* the rest is not there */
	if (rj_key_is(m, "id"))
		d->id = *m, d->want--;
	else if (rj_key_is(m, "outV"))
		d->out_v = *m, d->want--;
	else if (rj_key_is(m, "inV"))
		d->in_v = *m, d->want--;
	else if (d->labels && rj_key_is(m, "outVLabel"))
		d->out_l = *m, d->want--;
	else if (d->labels && rj_key_is(m, "inVLabel"))
		d->in_l = *m, d->want--;
	return d->want <= 0;
}

/* Keeps the first finding: pre a mid b post (ids cut at 200 bytes). */
static void note(hgfs_consist *c, const char *pre, const rj_member *a, const char *mid, const rj_member *b,
		 const char *post)
{
	if (c->example[0] != '\0')
		return;
	snprintf(c->example, sizeof(c->example), "%s%.*s%s%.*s%s", pre, (int)(a->val_len > 200 ? 200 : a->val_len),
		 a->val, mid, b ? (int)(b->val_len > 200 ? 200 : b->val_len) : 0, b ? b->val : "", post);
}

static int add_id(hgfs_consist *c, hgfs_idset *set, bool *over, uint64_t h, size_t max_bytes)
{
	int rc;

	if (*over)
		return 1;
	rc = hgfs_idset_add(set, h, max_bytes);
	if (rc == -ENOSPC) {
		*over = true;
		hgfs_idset_free(set);
		return 1;
	}
	if (rc == -ENOMEM)
		c->err = rc;
	return rc;
}

/* An endpoint (hash h) absent from the vertices. */
static void dangling(hgfs_dangling *d, const rj_member *edge, const rj_member *v, uint64_t h)
{
	uint64_t edge_h = hgfs_id_hash(edge->val, edge->val_len);

	d->n++;
	d->print += mix(edge_h ^ (h * 0x9e3779b97f4a7c15ULL));
	if (d->example[0] == '\0')
		snprintf(d->example, sizeof(d->example), "edge %.*s points to vertex %.*s, which is not in vertices.jsonl",
			 (int)(edge->val_len > 200 ? 200 : edge->val_len), edge->val,
			 (int)(v->val_len > 200 ? 200 : v->val_len), v->val);
}

/* The source is looked up once a run of its edges. */
static void endpoints(const hgfs_consist *c, const ids *e, hgfs_dangling *d)
{
	uint64_t out_h = hgfs_id_hash(e->out_v.val, e->out_v.val_len);
	uint64_t in_h = hgfs_id_hash(e->in_v.val, e->in_v.val_len);

	if (c->endpoint_wanted != NULL) {
		bool out_w = c->endpoint_wanted(c->endpoint_ctx, e->out_l.val, e->out_l.val_len);
		bool in_w = c->endpoint_wanted(c->endpoint_ctx, e->in_l.val, e->in_l.val_len);
		if (!out_w)
			d->outside++;
		if (!in_w)
			d->outside++;
		if (in_w && !hgfs_idset_has(&c->vertices, in_h))
			dangling(d, &e->id, &e->in_v, in_h);
		if (!out_w)
			return;
	}
	if ((out_h | 1) != d->last_out) {
		d->last_out = out_h | 1;
		d->last_out_present = hgfs_idset_has(&c->vertices, out_h);
	}
	if (!d->last_out_present)
		dangling(d, &e->id, &e->out_v, out_h);
	if (c->endpoint_wanted == NULL && !hgfs_idset_has(&c->vertices, in_h))
		dangling(d, &e->id, &e->in_v, in_h);
}

void hgfs_consist_endpoints(const hgfs_consist *c, const char *line, size_t len, hgfs_dangling *d)
{
	ids e = {.want = c->endpoint_wanted ? 5 : 3, .labels = c->endpoint_wanted != NULL, .end = line + len};

	if (c->vertices_over) /* not written during the edge pass, unlike err */
		return;
	rj_object_each(line, len, ids_cb, &e);
	if (complete(&e, &e.id) && complete(&e, &e.out_v) && complete(&e, &e.in_v))
		endpoints(c, &e, d);
}

void hgfs_consist_add(hgfs_consist *c, const hgfs_dangling *d)
{
	c->dangling += d->n;
	c->dangling_print += d->print;
	c->outside += d->outside;
	if (c->example[0] == '\0' && d->example[0] != '\0')
		snprintf(c->example, sizeof(c->example), "%s", d->example);
}

int hgfs_consist_line(hgfs_consist *c, const char *line, size_t len)
{
	bool cut = c->cut;
	ids d = {.want = c->kind == HG_KIND_VERTEX ? 1 : c->endpoint_wanted ? 5 : 3,
		 .labels = c->kind == HG_KIND_EDGE && c->endpoint_wanted != NULL};
	uint64_t h;
	int rc;

	c->cut = false;
	if (c->err)
		return c->err;
	if (len == 0)
		return 0;
	c->lines[c->kind]++;
	d.end = line + len;
	d.cut = cut;
	rj_object_each(line, len, ids_cb, &d);
	if (!complete(&d, &d.id) || (c->kind == HG_KIND_EDGE && (!complete(&d, &d.out_v) || !complete(&d, &d.in_v)))) {
		c->unreadable++;
		return 0;
	}
	if (c->kind == HG_KIND_VERTEX) {
		h = hgfs_id_hash(d.id.val, d.id.val_len);
		rc = add_id(c, &c->vertices, &c->vertices_over, h, c->budget);
		if (rc == 0) {
			c->dup_vertices++;
			note(c, "vertex id ", &d.id, " is in vertices.jsonl twice", NULL, "");
		}
		return rc < 0 ? rc : 0;
	}
	/* a run of edges of one source vertex: one memory entry, or one key
	   prefix of rocksdb; the same source again is its run read twice.  The
	   source is looked up once a run. */
	if (!c->vertices_over && !c->endpoints_apart) {
		hgfs_dangling dg = {.last_out = c->last_owner_out, .last_out_present = c->last_owner_present};
		endpoints(c, &d, &dg);
		hgfs_consist_add(c, &dg);
		c->last_owner_out = dg.last_out;
		c->last_owner_present = dg.last_out_present;
	}
	h = hgfs_id_hash(d.out_v.val, d.out_v.val_len);
	bool new_run = c->owners == 0 || (h | 1) != c->last_owner;
	if (!new_run)
		return 0;
	c->owners++;
	c->last_owner = h | 1;
	rc = add_id(c, &c->sources, &c->sources_over, h | 1,
		    c->budget > hgfs_idset_bytes(&c->vertices) ? c->budget - hgfs_idset_bytes(&c->vertices) : 0);
	if (rc == 0) {
		c->split_sources++;
		note(c, "the edges of vertex ", &d.out_v, " are in edges.jsonl in two places", NULL, "");
	}
	return rc < 0 ? rc : 0;
}

int hgfs_consist_feed(hgfs_consist *c, const char *data, size_t len)
{
	while (len > 0 && c->err == 0) {
		const char *nl = memchr(data, '\n', len);
		size_t take = nl ? (size_t)(nl - data) : len;
		int rc = 0;

		if (c->line.len == 0 && !c->cut && nl != NULL) {
			rc = hgfs_consist_line(c, data, take); /* the common case: no copy */
		} else {
			size_t room = HGFS_CONSIST_HEAD - c->line.len;
			if (take > room)
				c->cut = true;
			if (hgfs_buf_add(&c->line, data, take < room ? take : room) < 0)
				c->err = -ENOMEM;
			else if (nl != NULL) {
				rc = hgfs_consist_line(c, c->line.data, c->line.len);
				hgfs_buf_reset(&c->line);
			}
		}
		if (rc < 0)
			c->err = rc;
		if (nl == NULL)
			break;
		data = nl + 1, len -= take + 1;
	}
	return c->err;
}

int hgfs_consist_end(hgfs_consist *c)
{
	int rc = 0;

	if (c->line.len > 0 || c->cut)
		rc = hgfs_consist_line(c, c->line.data ? c->line.data : "", c->line.len);
	hgfs_buf_reset(&c->line);
	c->cut = false;
	return rc;
}

bool hgfs_consist_vertex_ids_checked(const hgfs_consist *c)
{
	return c->err == 0 && !c->vertices_over && c->unreadable == 0;
}

bool hgfs_consist_edge_runs_checked(const hgfs_consist *c)
{
	return c->err == 0 && !c->sources_over && c->unreadable == 0;
}

bool hgfs_consist_endpoints_checked(const hgfs_consist *c)
{
	return c->err == 0 && !c->vertices_over && c->unreadable == 0;
}
