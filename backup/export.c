/* export.c - one snapshot of a graph: the whole export into spool files.
 *
 * The element JSON goes from the server's response to the spool file as the
 * exact bytes the server sent (hg_scan slices it), one element a line, so
 * that ids beyond 2^53, key order and string escapes survive unchanged.
 * Spool files are created unlinked (O_TMPFILE) in spool_dir: they vanish
 * with their last descriptor, even when the daemon is killed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "consist.h"
#include "errmap.h"
#include "export.h"
#include "log.h"
#include "olap.h"
#include "record.h"
#include "sha256.h"

const char *const hgfs_snapfile_names[HGFS_F__COUNT] = {
	[HGFS_F_SCHEMA] = "schema.json",
	[HGFS_F_VERTICES] = "vertices.jsonl",
	[HGFS_F_EDGES] = "edges.jsonl",
	[HGFS_F_VARIABLES] = "variables.json",
	[HGFS_F_MANIFEST] = "manifest.json",
};

const char *hgfs_snapfile_name(hgfs_snapfile f, hgfs_cz cz)
{
	static const char *const packed[2][HGFS_F__COUNT] = {
		{"schema.json.gz", "vertices.jsonl.gz", "edges.jsonl.gz", "variables.json.gz", "manifest.json"},
		{"schema.json.zst", "vertices.jsonl.zst", "edges.jsonl.zst", "variables.json.zst", "manifest.json"},
	};
	return cz == HGFS_CZ_GZIP || cz == HGFS_CZ_ZSTD ? packed[cz - HGFS_CZ_GZIP][f] : hgfs_snapfile_names[f];
}

#define SPOOL_BUF (1024 * 1024)

typedef struct spool {
	int fd;
	char *buf;
	size_t fill;
	off_t size;
	uint64_t lines;
	int err; /* first write error, as -errno */
	hgfs_sha256 sha;
} spool;

int hgfs_tmpfile(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/hugegraphfs-spool-XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
	}
	return fd < 0 ? -errno : fd;
}

int hgfs_pwrite_all(int fd, const char *p, size_t len, off_t off)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n, len -= (size_t)n, off += n;
	}
	return 0;
}

static int spool_open(spool *sp, const char *dir)
{
	memset(sp, 0, sizeof(*sp));
	sp->fd = hgfs_tmpfile(dir);
	if (sp->fd < 0)
		return sp->fd;
	sp->buf = malloc(SPOOL_BUF);
	if (sp->buf == NULL || hgfs_sha256_init(&sp->sha) < 0) {
		free(sp->buf);
		sp->buf = NULL;
		close(sp->fd);
		sp->fd = -1;
		return -ENOMEM;
	}
	return 0;
}

static void spool_flush(spool *sp)
{
	if (sp->err == 0) {
		sp->err = hgfs_pwrite_all(sp->fd, sp->buf, sp->fill, sp->size);
		if (sp->err == 0)
			sp->size += (off_t)sp->fill;
	}
	sp->fill = 0;
}

static void spool_write(spool *sp, const void *data, size_t len)
{
	const char *p = data;

	if (sp->err)
		return;
	hgfs_sha256_update(&sp->sha, data, len);
	while (len > 0) {
		size_t take = SPOOL_BUF - sp->fill < len ? SPOOL_BUF - sp->fill : len;
		memcpy(sp->buf + sp->fill, p, take);
		sp->fill += take, p += take, len -= take;
		if (sp->fill == SPOOL_BUF)
			spool_flush(sp);
	}
}

static void spool_str(spool *sp, const char *s)
{
	spool_write(sp, s, strlen(s));
}

/* Finishes the file; returns 0 or -errno.  The descriptor stays open. */
static int spool_finish(spool *sp, char hex[65])
{
	spool_flush(sp);
	free(sp->buf);
	sp->buf = NULL;
	hgfs_sha256_final(&sp->sha, hex);
	return sp->err;
}

static void spool_abandon(spool *sp)
{
	hgfs_sha256_free(&sp->sha);
	free(sp->buf);
	sp->buf = NULL;
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
}

/* Writes a JSON string literal of s. */
static void spool_json_str(spool *sp, const char *s)
{
	char esc[8];

	spool_write(sp, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\', esc[1] = (char)*p;
			spool_write(sp, esc, 2);
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			spool_write(sp, esc, 6);
		} else {
			spool_write(sp, p, 1);
		}
	}
	spool_write(sp, "\"", 1);
}

/* A label with a time to live, for the manifest. */
typedef struct ttl_label {
	hg_schema_type type;
	char *name;
	char *start; /* its ttl_start_time, NULL when none */
	int64_t ttl;
} ttl_label;

typedef struct export_ctx {
	const hgfs_export_opts *o;
	const char *graph;
	char backend[64];
	uint64_t schema_count[HG_SCHEMA__COUNT];
	uint64_t variables; /* members of variables.json */
	ttl_label *ttl;     /* labels with a ttl */
	size_t nttl;
	hgfs_progress *prog; /* NULL: none */
	hgfs_olap_export olap; /* OLAP keys: the read mode around the vertex scan (olap.c) */
	bool logged; /* the failure's reason is in the log already */
	hgfs_consist chk; /* fed in file order by the appending thread */
	hgfs_closure sel; /* a selective backup's labels (o->labels) */
	uint64_t outside; /* edge endpoints of labels not selected (the last export's) */
	/* memory backend: the table's entry count before and after its scans,
	   -1 when the server did not tell */
	int64_t entries_before[2], entries_after[2];
	hgfs_cz_plain plain[HGFS_F_MANIFEST]; /* the plain files, when o->compress */
} export_ctx;

static int log_client_error(export_ctx *x, const char *what, int rc, const hg_error *err)
{
	x->logged = true;
	return hgfs_client_failed(LOG_ERR, rc, err, "export of graph '%s' failed (%s)", x->graph, what);
}

static void ttl_free(export_ctx *x)
{
	for (size_t i = 0; i < x->nttl; i++) {
		free(x->ttl[i].name);
		free(x->ttl[i].start);
	}
	free(x->ttl);
	x->ttl = NULL;
	x->nttl = 0;
}

/* Remembers a label with a ttl for the manifest (a failure to remember
 * only leaves it out of the manifest's list). */
static void note_ttl(export_ctx *x, hg_schema_type t, const char *elem, size_t len)
{
	hgfs_buf name = {0}, start = {0};
	int64_t ttl;
	ttl_label *v;

	if (hgfs_label_ttl(elem, len, &ttl, &name, &start) == 1 &&
	    (v = realloc(x->ttl, (x->nttl + 1) * sizeof(*v))) != NULL) {
		x->ttl = v;
		v[x->nttl].type = t;
		v[x->nttl].ttl = ttl;
		v[x->nttl].name = strdup(name.data);
		v[x->nttl].start = start.len > 0 ? strdup(start.data) : NULL;
		if (v[x->nttl].name != NULL)
			x->nttl++;
	}
	hgfs_buf_free(&name);
	hgfs_buf_free(&start);
}

/* -o labels=: the closure of the selection over the schema lists (select.h) */
static int select_schema(export_ctx *x, hg_elems *el[HG_SCHEMA__COUNT])
{
	char err[1024];
	int rc;

	hgfs_closure_free(&x->sel);
	rc = hgfs_select_closure(x->o->labels, el, &x->sel, err, sizeof(err));
	if (rc == -EINVAL) {
		x->logged = true;
		hgfs_log(LOG_ERR, "export of graph '%s' failed: %s", x->graph, err);
	}
	return rc;
}

/* consist.h's endpoint_wanted: is the endpoint's vertex label (a JSON
 * string) one whose vertices the set holds?  (unknown: check it) */
static bool endpoint_exported(const void *ctx, const char *label, size_t len)
{
	return label == NULL || hgfs_names_has_json(ctx, label, len);
}

static int export_schema(export_ctx *x, spool *sp)
{
	hg_elems *el[HG_SCHEMA__COUNT] = {0};
	hg_error err;
	int rc = 0;

	ttl_free(x);
	hgfs_olap_export_reset(&x->olap);
	for (int t = 0; t < HG_SCHEMA__COUNT && rc == 0; t++) {
		hg_error_clear(&err);
		rc = hg_schema_list(x->o->client, x->graph, (hg_schema_type)t, &el[t], &err);
		if (rc < 0)
			rc = log_client_error(x, hg_schema_type_name((hg_schema_type)t), rc, &err);
	}
	if (rc == 0 && x->o->labels != NULL)
		rc = select_schema(x, el);
	spool_str(sp, "{");
	for (int t = 0; t < HG_SCHEMA__COUNT && rc == 0; t++) {
		size_t left = x->o->labels != NULL ? x->sel.count[t] : el[t]->n;
		if (t > 0)
			spool_str(sp, "],");
		spool_str(sp, "\"");
		spool_str(sp, hg_schema_type_name((hg_schema_type)t));
		spool_str(sp, "\":[\n");
		for (size_t i = 0; i < el[t]->n; i++) {
			if (x->o->labels != NULL && !x->sel.keep[t][i])
				continue;
			spool_write(sp, el[t]->data + el[t]->v[i].off, el[t]->v[i].len);
			spool_str(sp, --left > 0 ? ",\n" : "\n");
			if (t == HG_SCHEMA_VERTEXLABELS || t == HG_SCHEMA_EDGELABELS)
				note_ttl(x, (hg_schema_type)t, el[t]->data + el[t]->v[i].off, el[t]->v[i].len);
			if (t == HG_SCHEMA_PROPERTYKEYS)
				hgfs_olap_note_key(&x->olap, el[t]->data + el[t]->v[i].off, el[t]->v[i].len);
		}
		x->schema_count[t] = x->o->labels != NULL ? x->sel.count[t] : el[t]->n;
		rc = sp->err;
	}
	for (int t = 0; t < HG_SCHEMA__COUNT; t++)
		if (el[t] != NULL)
			hg_elems_free(el[t]);
	if (rc < 0)
		return rc;
	spool_str(sp, "]}\n");
	return sp->err;
}

/* variables.json: the server's answer to GET .../variables, as its bytes. */
static int count_member(void *ctx, const rj_member *m)
{
	(void)m;
	(*(uint64_t *)ctx)++;
	return 0;
}

static int export_variables(export_ctx *x, spool *sp)
{
	hg_error err;
	char *data = NULL;
	size_t len;
	int rc;

	hg_error_clear(&err);
	rc = hg_variables_get(x->o->client, x->graph, &data, &len, &err);
	if (rc < 0)
		return log_client_error(x, "variables", rc, &err);
	x->variables = 0;
	rj_object_each(data, len, count_member, &x->variables);
	spool_write(sp, data, len);
	spool_str(sp, "\n");
	free(data);
	return sp->err;
}

/* ---- the parallel scan ------------------------------------------------------
 *
 * Shards are scanned by up to cfg.parallel threads at once.  Each shard's
 * elements go to a chunk: memory up to CHUNK_MEM, then an unlinked file.
 * The calling thread appends the chunks to the spool strictly in shard
 * order, so the file is the same as a sequential scan would write.  At
 * most `window` shards are in flight, which bounds memory.
 *
 * A shard is scanned by hg_scan_shard: a memory shard answered with "Too
 * many records" (or a timeout) is scanned as halves, in order, into the
 * same chunk; a paged shard's page that times out is fetched again with a
 * smaller page_limit; transient failures are tried again.  Each page or
 * part is committed to the chunk once complete, and what a failed request
 * delivered is cut off again: never dropped, never duplicated.  A shard
 * that still fails fails the export, loudly (the log names its bounds).
 */

#define CHUNK_MEM (2 * 1024 * 1024)

typedef struct chunk {
	char *mem;
	size_t len;
	int fd; /* overflow file, -1 when none */
	off_t file_len;
	uint64_t lines;
	off_t mark;          /* bytes of complete pages or parts */
	uint64_t mark_lines; /* their lines */
	hgfs_dangling dg, dg_mark; /* edges: endpoints absent from the vertices, all and committed */
	int rc;   /* result of the scan */
	bool done;
} chunk;

typedef struct par_scan {
	export_ctx *x;
	hg_kind kind;
	bool paged;
	hg_shards *shards;
	chunk *chunks;
	size_t next;    /* next shard to hand out */
	size_t written; /* shards appended to the spool */
	size_t window;
	int failed;     /* first error: stop handing out shards */
	pthread_mutex_t lock;
	pthread_cond_t cond;
} par_scan;

static int chunk_put(chunk *c, const char *dir, const char *data, size_t len)
{
	int rc;

	if (c->fd < 0 && c->len + len > CHUNK_MEM) {
		c->fd = hgfs_tmpfile(dir);
		if (c->fd < 0) {
			rc = c->fd;
			c->fd = -1;
			return rc;
		}
	}
	if (c->fd >= 0) {
		/* the memory part first, then everything else goes to the file */
		rc = hgfs_pwrite_all(c->fd, c->mem, c->len, c->file_len);
		if (rc < 0)
			return rc;
		c->file_len += (off_t)c->len;
		c->len = 0;
		rc = hgfs_pwrite_all(c->fd, data, len, c->file_len);
		if (rc < 0)
			return rc;
		c->file_len += (off_t)len;
		return 0;
	}
	if (c->mem == NULL) {
		c->mem = malloc(CHUNK_MEM);
		if (c->mem == NULL)
			return -ENOMEM;
	}
	memcpy(c->mem + c->len, data, len);
	c->len += len;
	return 0;
}

static void chunk_reset(chunk *c)
{
	free(c->mem);
	if (c->fd >= 0)
		close(c->fd);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* One shard's scan into its chunk. */
typedef struct chunk_writer {
	par_scan *ps;
	size_t i;
	chunk *c;
	const char *dir;
	int rc;
} chunk_writer;

static int chunk_elem(void *ctx, const char *elem, size_t len)
{
	chunk_writer *w = ctx;

	if (w->ps->x->o->labels != NULL && /* a selective backup: the selected labels' elements only */
	    !hgfs_line_label_in(w->ps->kind == HG_KIND_VERTEX ? &w->ps->x->sel.vdata : &w->ps->x->sel.edata, elem,
				len))
		return 0;
	w->rc = chunk_put(w->c, w->dir, elem, len);
	if (w->rc == 0)
		w->rc = chunk_put(w->c, w->dir, "\n", 1);
	if (w->rc == 0)
		w->c->lines++;
	if (w->rc == 0 && w->ps->kind == HG_KIND_EDGE) /* the vertex set is complete and no longer written */
		hgfs_consist_endpoints(&w->ps->x->chk, elem, len, &w->c->dg);
	return w->rc != 0;
}

/* Once spilled, all of a chunk is in its file (chunk_put). */
static void chunk_commit(void *ctx)
{
	chunk_writer *w = ctx;
	chunk *c = w->c;
	off_t mark = c->fd >= 0 ? c->file_len : (off_t)c->len;
	export_ctx *x = w->ps->x;

	/* committed elements are never dropped again: they count as done */
	if (x->prog)
		hgfs_progress_add(x->prog, x->graph, w->ps->kind == HG_KIND_VERTEX ? HGFS_F_VERTICES : HGFS_F_EDGES,
				  c->lines - c->mark_lines, (uint64_t)(mark - c->mark));
	c->mark = mark;
	c->mark_lines = c->lines;
	c->dg_mark = c->dg;
}

static void chunk_discard(void *ctx)
{
	chunk *c = ((chunk_writer *)ctx)->c;

	if (c->fd >= 0)
		c->file_len = c->mark;
	else
		c->len = (size_t)c->mark;
	c->lines = c->mark_lines;
	c->dg = c->dg_mark;
}

/* The log lines of hg_scan_shard's decisions. */
static void shard_event(void *ctx, const hg_scan_event *ev)
{
	chunk_writer *w = ctx;
	export_ctx *x = w->ps->x;
	const hg_shard *sh = &w->ps->shards->v[w->i];
	const char *what = w->ps->kind == HG_KIND_VERTEX ? "vertices" : "edges";
	char msg[1400], shard[512], failed[512];

	hg_error_format(ev->err, msg, sizeof(msg));
	snprintf(shard, sizeof(shard), "%s shard %zu of %zu [\"%.200s\", \"%.200s\")", what, w->i + 1,
		 w->ps->shards->n, sh->start, sh->end);
	if (ev->page != NULL)
		snprintf(failed, sizeof(failed), "page '%.200s' (page_limit %ld)", ev->page, ev->page_limit);
	else
		snprintf(failed, sizeof(failed), "part [\"%.200s\", \"%.200s\")", ev->part->start, ev->part->end);
	switch (ev->kind) {
	case HG_SCAN_SPLIT:
		hgfs_log(LOG_WARNING, "graph '%s': %s: %s failed, scanning it as two halves: %s", x->graph, shard,
			 failed, msg);
		break;
	case HG_SCAN_SHRINK:
		hgfs_log(LOG_WARNING, "graph '%s': %s: page '%.200s' failed, asking for it again with page_limit %ld: %s",
			 x->graph, shard, ev->page, ev->page_limit, msg);
		break;
	case HG_SCAN_RETRY:
		hgfs_log(LOG_WARNING, "graph '%s': %s: %s failed (attempt %d), retrying: %s", x->graph, shard, failed,
			 ev->failures, msg);
		break;
	case HG_SCAN_FAILED:
		__atomic_store_n(&x->logged, true, __ATOMIC_RELAXED);
		hgfs_log(LOG_ERR, "export of graph '%s' failed (%s: %s, attempt %d): %s", x->graph, shard, failed,
			 ev->failures, msg);
		break;
	}
}

/* Scans shard i into its chunk. */
static int scan_shard(par_scan *ps, size_t i)
{
	const hgfs_export_opts *o = ps->x->o;
	chunk_writer w = {.ps = ps, .i = i, .c = &ps->chunks[i], .dir = o->spool_dir};
	hg_scan_sink sink = {chunk_elem, chunk_commit, chunk_discard, shard_event, &w};
	hg_error err;
	int rc;

	chunk_reset(w.c);
	rc = hg_scan_shard(o->client, ps->x->graph, ps->kind, &ps->shards->v[i], ps->paged, o->page_limit,
			   &sink, &err);
	if (rc == 0)
		return 0;
	if (w.rc != 0) {
		__atomic_store_n(&ps->x->logged, true, __ATOMIC_RELAXED);
		hgfs_log(LOG_ERR, "export of graph '%s' failed (%s): spool: %s", ps->x->graph,
			 ps->kind == HG_KIND_VERTEX ? "vertices" : "edges", strerror(-w.rc));
		return w.rc;
	}
	return hgfs_errno_read(rc);
}

static void *scan_worker(void *arg)
{
	par_scan *ps = arg;

	pthread_mutex_lock(&ps->lock);
	for (;;) {
		size_t i;
		int rc;

		while (!ps->failed && ps->next < ps->shards->n && ps->next - ps->written >= ps->window)
			pthread_cond_wait(&ps->cond, &ps->lock);
		if (ps->failed || ps->next >= ps->shards->n)
			break;
		i = ps->next++;
		pthread_mutex_unlock(&ps->lock);
		rc = scan_shard(ps, i);
		pthread_mutex_lock(&ps->lock);
		ps->chunks[i].rc = rc;
		ps->chunks[i].done = true;
		if (rc < 0 && !ps->failed)
			ps->failed = rc;
		pthread_cond_broadcast(&ps->cond);
	}
	pthread_mutex_unlock(&ps->lock);
	return NULL;
}

static int chunk_append(export_ctx *x, chunk *c, spool *sp)
{
	/* once a chunk has spilled, all of it is in its file (chunk_put) */
	if (c->fd >= 0) {
		char *buf = malloc(1024 * 1024);
		off_t off = 0;
		int rc = 0;

		if (buf == NULL)
			return -ENOMEM;
		while (rc == 0 && off < c->file_len) {
			ssize_t n = pread(c->fd, buf, 1024 * 1024, off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				rc = n < 0 ? -errno : -EIO;
				break;
			}
			spool_write(sp, buf, (size_t)n);
			hgfs_consist_feed(&x->chk, buf, (size_t)n);
			off += n;
		}
		free(buf);
		if (rc < 0)
			return rc;
	} else if (c->len > 0) {
		spool_write(sp, c->mem, c->len);
		hgfs_consist_feed(&x->chk, c->mem, c->len);
	}
	sp->lines += c->lines;
	hgfs_consist_add(&x->chk, &c->dg);
	return sp->err;
}

/* A split size far above any memory table's estimate (100 bytes an entry). */
#define WHOLE_TABLE_SPLIT (1LL << 40)

/* The entry count of the memory backend's table of kind (edges: the source
 * vertices that have out-edges), or -1 when the server does not tell.  Its
 * shard splitter estimates 100 bytes an entry and cuts the entry indexes
 * into ceil(size / split_size) shards: for a split size beyond the table's
 * size that is the one shard [0, count), which is all this asks for. */
static int64_t memory_entries(export_ctx *x, hg_kind kind)
{
	hg_shards *sh = NULL;
	hg_error err;
	int64_t n = -1;
	char buf[1400];

	hg_error_clear(&err);
	if (hg_get_shards(x->o->client, x->graph, kind, WHOLE_TABLE_SPLIT, &sh, &err) < 0) {
		hgfs_log(LOG_WARNING, "graph '%s': the %s entry count could not be read, not checked: %s", x->graph,
			 kind == HG_KIND_VERTEX ? "vertex" : "edge", hg_error_format(&err, buf, sizeof(buf)));
		return -1;
	}
	if (sh->n == 0)
		n = 0;
	else if (sh->n != 1 || !hg_shard_bound_index(sh->v[0].end, &n) ||
		 (sh->v[0].start[0] != '\0' && strcmp(sh->v[0].start, "0") != 0))
		n = -1;
	hg_shards_free(sh);
	return n;
}

static int export_elements(export_ctx *x, hg_kind kind, spool *sp)
{
	const char *what = kind == HG_KIND_VERTEX ? "vertices" : "edges";
	hgfs_snapfile file = kind == HG_KIND_VERTEX ? HGFS_F_VERTICES : HGFS_F_EDGES;
	par_scan ps = {.x = x, .kind = kind, .paged = strcmp(x->backend, "memory") != 0};
	pthread_t threads[HGFS_MAX_PARALLEL];
	size_t nthreads, started = 0;
	hg_error err;
	int rc = 0;

	hgfs_consist_begin(&x->chk, kind);
	x->chk.endpoints_apart = kind == HG_KIND_EDGE; /* by the scanning threads, in parallel */
	if (x->o->labels != NULL) { /* endpoints of labels not selected are absent on purpose */
		x->chk.endpoint_wanted = endpoint_exported;
		x->chk.endpoint_ctx = &x->sel.vdata;
	}
	x->entries_before[kind] = x->entries_after[kind] = -1;
	if (!ps.paged)
		x->entries_before[kind] = memory_entries(x, kind);
	hg_error_clear(&err);
	rc = hg_get_shards(x->o->client, x->graph, kind, x->o->split_size, &ps.shards, &err);
	if (rc < 0)
		return log_client_error(x, what, rc, &err);
	if (x->prog)
		hgfs_progress_file(x->prog, file, ps.shards->n);
	if (ps.shards->n == 0)
		goto out;
	if (!ps.paged) {
		if (hg_shards_fix_memory(ps.shards) < 0) {
			rc = -ENOMEM;
			goto out;
		}
	}
	ps.chunks = calloc(ps.shards->n, sizeof(*ps.chunks));
	if (ps.chunks == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < ps.shards->n; i++)
		ps.chunks[i].fd = -1;
	nthreads = (size_t)x->o->parallel;
	if (nthreads > ps.shards->n)
		nthreads = ps.shards->n;
	ps.window = 2 * nthreads;
	pthread_mutex_init(&ps.lock, NULL);
	pthread_cond_init(&ps.cond, NULL);
	for (; started < nthreads; started++) {
		if (pthread_create(&threads[started], NULL, scan_worker, &ps) != 0)
			break;
	}
	if (started == 0) {
		rc = -EAGAIN;
	} else {
		/* append finished shards in order */
		pthread_mutex_lock(&ps.lock);
		while (ps.written < ps.shards->n) {
			chunk *c = &ps.chunks[ps.written];
			while (!c->done && !ps.failed)
				pthread_cond_wait(&ps.cond, &ps.lock);
			if (ps.failed) {
				rc = ps.failed;
				break;
			}
			pthread_mutex_unlock(&ps.lock);
			rc = chunk_append(x, c, sp);
			chunk_reset(c);
			pthread_mutex_lock(&ps.lock);
			if (rc < 0) {
				ps.failed = rc;
				pthread_cond_broadcast(&ps.cond);
				break;
			}
			ps.written++;
			pthread_cond_broadcast(&ps.cond);
			if (x->prog)
				hgfs_progress_shards(x->prog, file, ps.written);
		}
		pthread_mutex_unlock(&ps.lock);
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&ps.lock);
	pthread_cond_destroy(&ps.cond);
	for (size_t i = 0; i < ps.shards->n; i++)
		chunk_reset(&ps.chunks[i]);
out:
	free(ps.chunks);
	hg_shards_free(ps.shards);
	if (rc == 0)
		hgfs_consist_end(&x->chk);
	if (rc == 0 && x->entries_before[kind] >= 0)
		x->entries_after[kind] = memory_entries(x, kind);
	return rc;
}

/* ---- was it one state of the graph? -------------------------------------------- */

typedef struct verdict {
	char reason[1024];      /* "" when no change was seen */
	bool dangling_only;     /* the one finding is edges to absent vertices */
	uint64_t dangling, dangling_print;
	bool checked[4];        /* by check_names */
} verdict;

static const char *const check_names[4] = {"vertex_ids", "edge_runs", "endpoints", "memory_counts"};

static void add_reason(verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_reason(verdict *v, const char *fmt, ...)
{
	size_t len = strlen(v->reason);
	va_list ap;

	if (len > 0 && len + 2 < sizeof(v->reason))
		strcpy(v->reason + len, "; "), len += 2;
	va_start(ap, fmt);
	vsnprintf(v->reason + len, sizeof(v->reason) - len, fmt, ap);
	va_end(ap);
}

/* What the checks of this export found (consist.h; on memory, the tables'
 * entry counts before and after their scans). */
static void judge(export_ctx *x, verdict *v)
{
	const hgfs_consist *c = &x->chk;
	bool counted = true;

	memset(v, 0, sizeof(*v));
	for (int k = HG_KIND_VERTEX; k <= HG_KIND_EDGE; k++) {
		const char *what = k == HG_KIND_VERTEX ? "vertex" : "edge";
		uint64_t seen = k == HG_KIND_VERTEX ? c->lines[k] : c->owners;
		long long before = (long long)x->entries_before[k], after = (long long)x->entries_after[k];

		if (before < 0 || after < 0) {
			counted = false;
			continue;
		}
		if (before != after)
			add_reason(v, "the memory backend's %s table held %lld entries before its scan and %lld after",
				   what, before, after);
		else if (seen > (uint64_t)after)
			add_reason(v, "%llu %s entries were read, the memory backend's table holds %lld",
				   (unsigned long long)seen, what, after);
	}
	if (c->dup_vertices > 0)
		add_reason(v, "%llu vertex ids are in vertices.jsonl twice", (unsigned long long)c->dup_vertices);
	if (c->split_sources > 0)
		add_reason(v, "the edges of %llu source vertices are in edges.jsonl in two places",
			   (unsigned long long)c->split_sources);
	v->dangling_only = v->reason[0] == '\0' && c->dangling > 0;
	if (c->dangling > 0)
		add_reason(v, "%llu edge endpoints are not in vertices.jsonl", (unsigned long long)c->dangling);
	if (v->reason[0] != '\0' && c->example[0] != '\0')
		add_reason(v, "e.g. %s", c->example);
	v->dangling = c->dangling;
	v->dangling_print = c->dangling_print;
	v->checked[0] = hgfs_consist_vertex_ids_checked(c);
	v->checked[1] = hgfs_consist_edge_runs_checked(c);
	v->checked[2] = hgfs_consist_endpoints_checked(c);
	v->checked[3] = counted && strcmp(x->backend, "memory") == 0;
}

static void checks_text(const verdict *v, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 4; i++)
		if (v->checked[i] && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", check_names[i]);
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}

typedef struct consistency {
	bool consistent;
	int exports;              /* how many were run */
	uint64_t dangling_endpoints; /* absent from two exports alike: the graph's own */
	const verdict *v;
} consistency;

static int write_manifest(export_ctx *x, spool *sp, const struct timespec *mtime, const off_t size[HGFS_F_MANIFEST],
			  char hex[HGFS_F__COUNT][65], const uint64_t counts[2], const consistency *cs)
{
	char line[512], stamp[64];
	struct tm tm;
	const char *gs = hg_client_graphspace(x->o->client);

	gmtime_r(&mtime->tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);

	/* a compressed set is format_version 2: older readers refuse it by name */
	spool_str(sp, x->o->compress ? "{\n  \"format\": \"hugegraphfs-backup\",\n  \"format_version\": 2,\n  \"graph\": "
				     : "{\n  \"format\": \"hugegraphfs-backup\",\n  \"format_version\": 1,\n  \"graph\": ");
	spool_json_str(sp, x->graph);
	spool_str(sp, ",\n  \"graphspace\": ");
	if (gs != NULL)
		spool_json_str(sp, gs);
	else
		spool_str(sp, "null");
	spool_str(sp, ",\n  \"server_url\": ");
	spool_json_str(sp, hg_client_url(x->o->client));
	spool_str(sp, ",\n  \"server_version\": ");
	spool_json_str(sp, hg_client_core_version(x->o->client));
	spool_str(sp, ",\n  \"api_version\": ");
	spool_json_str(sp, hg_client_api_version(x->o->client));
	spool_str(sp, ",\n  \"backend\": ");
	spool_json_str(sp, x->backend);
	snprintf(line, sizeof(line), ",\n  \"snapshot_time\": \"%s\",\n  \"counts\": {", stamp);
	spool_str(sp, line);
	for (int t = 0; t < HG_SCHEMA__COUNT; t++) {
		snprintf(line, sizeof(line), "\"%s\": %llu, ", hg_schema_type_name((hg_schema_type)t),
			 (unsigned long long)x->schema_count[t]);
		spool_str(sp, line);
	}
	snprintf(line, sizeof(line),
		 "\"vertices\": %llu, \"edges\": %llu, \"variables\": %llu},\n  \"consistent\": %s,\n  \"consistency\": ",
		 (unsigned long long)counts[0], (unsigned long long)counts[1], (unsigned long long)x->variables,
		 cs->consistent ? "true" : "false");
	spool_str(sp, line);
	if (cs->v->reason[0] != '\0' && !cs->consistent)
		spool_json_str(sp, cs->v->reason);
	else
		spool_json_str(sp, cs->dangling_endpoints ? "no change seen; the graph has edges to vertices it does not hold"
						      : "no change seen");
	spool_str(sp, ",\n  \"consistency_checks\": [");
	for (int i = 0, first = 1; i < 4; i++) {
		if (!cs->v->checked[i])
			continue;
		spool_str(sp, first ? "\"" : ", \"");
		spool_str(sp, check_names[i]);
		spool_str(sp, "\"");
		first = 0;
	}
	snprintf(line, sizeof(line), "],\n  \"exports\": %d,\n  \"dangling_endpoints\": %llu,\n  \"ttl\": [",
		 cs->exports, (unsigned long long)cs->dangling_endpoints);
	spool_str(sp, line);
	/* labels whose elements expire: their expiry survives a restore only
	 * when it counts from a property (ttl_start_time) */
	for (size_t i = 0; i < x->nttl; i++) {
		spool_str(sp, i ? ",\n    {\"label\": " : "\n    {\"label\": ");
		spool_json_str(sp, x->ttl[i].name);
		snprintf(line, sizeof(line), ", \"type\": \"%s\", \"ttl\": %lld, \"ttl_start_time\": ",
			 x->ttl[i].type == HG_SCHEMA_VERTEXLABELS ? "vertexlabel" : "edgelabel", (long long)x->ttl[i].ttl);
		spool_str(sp, line);
		if (x->ttl[i].start != NULL)
			spool_json_str(sp, x->ttl[i].start);
		else
			spool_str(sp, "null");
		spool_str(sp, x->ttl[i].start != NULL ? ", \"expiry_survives_restore\": true}"
						      : ", \"expiry_survives_restore\": false}");
	}
	spool_str(sp, x->nttl ? "\n  ],\n" : "],\n");
	if (x->o->labels != NULL) { /* a selective backup says what it holds */
		hgfs_buf b = {0};
		if (hgfs_selection_json(x->o->labels, &x->sel, x->outside, &b) < 0)
			sp->err = -ENOMEM;
		spool_write(sp, b.data, b.len);
		hgfs_buf_free(&b);
	}
	if (x->o->compress) {
		snprintf(line, sizeof(line), "  \"compression\": \"%s\",\n", hgfs_cz_name(x->o->compress));
		spool_str(sp, line);
	}
	spool_str(sp, "  \"files\": {\n");
	for (int f = 0; f < HGFS_F_MANIFEST; f++) {
		snprintf(line, sizeof(line), "    \"%s\": {\"size\": %lld, \"sha256\": \"%s\"",
			 hgfs_snapfile_name((hgfs_snapfile)f, x->o->compress), (long long)size[f], hex[f]);
		spool_str(sp, line);
		if (x->o->compress) {
			snprintf(line, sizeof(line), ", \"plain_size\": %lld, \"plain_sha256\": \"%s\"",
				 (long long)x->plain[f].size, x->plain[f].sha);
			spool_str(sp, line);
		}
		spool_str(sp, f + 1 < HGFS_F_MANIFEST ? "},\n" : "}\n");
	}
	spool_str(sp, "  }\n}\n");
	return sp->err;
}

void hgfs_snapset_close(hgfs_snapset *s)
{
	for (int i = 0; i < HGFS_F__COUNT; i++) {
		if (s->fd[i] >= 0)
			close(s->fd[i]);
		s->fd[i] = -1;
	}
}

/* One export into sp[] (opened), judged into *v. */
static int export_once(export_ctx *x, spool sp[HGFS_F__COUNT], char hex[HGFS_F__COUNT][65], verdict *v)
{
	int rc;

	memset(x->schema_count, 0, sizeof(x->schema_count));
	hgfs_consist_init(&x->chk, HGFS_CONSIST_BUDGET);
	if (x->prog)
		hgfs_progress_file(x->prog, HGFS_F_SCHEMA, 0);
	rc = export_schema(x, &sp[HGFS_F_SCHEMA]);
	if (x->prog) {
		uint64_t n = 0;
		for (int t = 0; t < HG_SCHEMA__COUNT; t++)
			n += x->schema_count[t];
		hgfs_progress_add(x->prog, x->graph, HGFS_F_SCHEMA, n,
				  (uint64_t)sp[HGFS_F_SCHEMA].size + sp[HGFS_F_SCHEMA].fill);
	}
	if (rc == 0)
		rc = export_variables(x, &sp[HGFS_F_VARIABLES]);
	if (rc == 0 && (rc = hgfs_olap_read_begin(x->o->client, x->graph, x->o->note_dir, &x->olap)) == 0)
		rc = hgfs_olap_read_end(x->o->client, x->graph, &x->olap,
					export_elements(x, HG_KIND_VERTEX, &sp[HGFS_F_VERTICES]));
	if (rc == 0)
		rc = export_elements(x, HG_KIND_EDGE, &sp[HGFS_F_EDGES]);
	if (rc == 0)
		judge(x, v);
	x->outside = x->chk.outside;
	hgfs_consist_free(&x->chk);
	for (int f = 0; f < HGFS_F_MANIFEST; f++) {
		int frc = spool_finish(&sp[f], hex[f]);
		if (rc == 0)
			rc = frc;
	}
	return rc;
}

static int spools_open(export_ctx *x, spool sp[HGFS_F__COUNT], int *opened)
{
	int rc;

	for (*opened = 0; *opened < HGFS_F__COUNT; (*opened)++) {
		rc = spool_open(&sp[*opened], x->o->spool_dir);
		if (rc < 0) {
			hgfs_log(LOG_ERR, "cannot create a spool file in %s: %s", x->o->spool_dir, strerror(-rc));
			x->logged = true;
			return rc;
		}
	}
	return 0;
}

static void spools_abandon(spool sp[HGFS_F__COUNT], int *opened)
{
	for (int f = 0; f < *opened; f++)
		spool_abandon(&sp[f]);
	*opened = 0;
}

/* The export runs again while the checks see a change, up to export_retries
 * more times; the last one is kept either way, and its manifest says which.
 * Edges to absent vertices are the graph's own when two exports in a row
 * find the same ones (the same count and fingerprint) and nothing else. */
int hgfs_export(const hgfs_export_opts *o, const char *graph, const struct timespec *mtime, hgfs_snapset *out,
		hgfs_progress *prog)
{
	export_ctx x = {.o = o, .graph = graph, .prog = prog};
	spool sp[HGFS_F__COUNT];
	char hex[HGFS_F__COUNT][65], checks[128];
	verdict v, prev;
	consistency cs = {.v = &v};
	hg_error err;
	struct timespec t0, t1;
	int rc, opened = 0;

	for (int f = 0; f < HGFS_F__COUNT; f++)
		out->fd[f] = -1;
	memset(&prev, 0, sizeof(prev));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hg_error_clear(&err);
	rc = hg_graph_backend(o->client, graph, x.backend, sizeof(x.backend), &err);
	if (rc < 0)
		return log_client_error(&x, "graph info", rc, &err);

	for (cs.exports = 1;; cs.exports++) {
		rc = spools_open(&x, sp, &opened);
		if (rc == 0)
			rc = export_once(&x, sp, hex, &v);
		if (rc < 0)
			break;
		cs.consistent = v.reason[0] == '\0';
		if (!cs.consistent && v.dangling_only && prev.dangling_only && prev.dangling == v.dangling &&
		    prev.dangling_print == v.dangling_print) {
			cs.consistent = true;
			cs.dangling_endpoints = v.dangling;
		}
		if (cs.consistent || cs.exports > o->export_retries)
			break;
		hgfs_log(LOG_WARNING, "graph '%s' changed during export %d of at most %ld, exporting again: %s", graph,
			 cs.exports, o->export_retries + 1, v.reason);
		prev = v;
		spools_abandon(sp, &opened);
	}
	if (rc == 0 && o->compress != HGFS_CZ_NONE) {
		struct timespec c0, c1;
		off_t before = 0, after = 0;
		clock_gettime(CLOCK_MONOTONIC, &c0);
		for (int f = 0; rc == 0 && f < HGFS_F_MANIFEST; f++) {
			rc = hgfs_compress_spool(o->compress, o->spool_dir, &sp[f].fd, &sp[f].size, hex[f], &x.plain[f]);
			before += x.plain[f].size;
			after += sp[f].size;
		}
		clock_gettime(CLOCK_MONOTONIC, &c1);
		if (rc == 0)
			hgfs_log(LOG_INFO, "snapshot of graph '%s' compressed (%s): %lld bytes into %lld, %.3f s", graph,
				 hgfs_cz_name(o->compress), (long long)before, (long long)after,
				 (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9);
	}
	if (rc == 0) {
		off_t sizes[HGFS_F_MANIFEST];
		for (int f = 0; f < HGFS_F_MANIFEST; f++)
			sizes[f] = sp[f].size;
		uint64_t counts[2] = {sp[HGFS_F_VERTICES].lines, sp[HGFS_F_EDGES].lines};
		rc = write_manifest(&x, &sp[HGFS_F_MANIFEST], mtime, sizes, hex, counts, &cs);
		int frc = spool_finish(&sp[HGFS_F_MANIFEST], hex[HGFS_F_MANIFEST]);
		if (rc == 0)
			rc = frc;
	}
	if (rc < 0) {
		if (rc == -ENOSPC || rc == -EDQUOT)
			hgfs_log(LOG_ERR, "export of graph '%s' failed: spool directory %s is full", graph,
				 o->spool_dir);
		else if (!x.logged)
			hgfs_log(LOG_ERR, "export of graph '%s' failed: %s", graph, strerror(-rc));
		goto out;
	}

	for (int f = 0; f < HGFS_F__COUNT; f++) {
		out->fd[f] = sp[f].fd;
		out->size[f] = sp[f].size;
		memcpy(out->sha[f], hex[f], sizeof(out->sha[f]));
		out->mtime[f] = *mtime;
		sp[f].fd = -1;
	}
	out->taken = *mtime;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	checks_text(&v, checks, sizeof(checks));
	if (!cs.consistent)
		hgfs_log(LOG_WARNING, "snapshot of graph '%s' is NOT consistent after %d exports (manifest.json says "
			 "so): %s", graph, cs.exports, v.reason);
	hgfs_log(LOG_INFO, "snapshot of graph '%s': %llu vertices, %llu edges, %.3f s, %d export%s, %s (checks: %s)",
		 graph, (unsigned long long)sp[HGFS_F_VERTICES].lines, (unsigned long long)sp[HGFS_F_EDGES].lines,
		 (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, cs.exports,
		 cs.exports > 1 ? "s" : "", cs.consistent ? "consistent" : "NOT consistent", checks);
	rc = 0;
out:
	spools_abandon(sp, &opened);
	ttl_free(&x);
	hgfs_closure_free(&x.sel);
	hgfs_olap_export_reset(&x.olap);
	return rc;
}
