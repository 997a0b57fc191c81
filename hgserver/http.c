/* hgserver: HTTP layer (libmicrohttpd), routing, auth, command line. */
#include "auth.h"
#include "hg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#define CT_JSON "application/json;charset=UTF-8"
#define CAPACITY 800000 /* Query.DEFAULT_CAPACITY; --capacity (hidden, for tests) changes it */
/* MHD's per-connection memory pool; a streamed (chunked) response is written into what is left of
 * it, so it sets the chunk size. MHD clears the whole pool after every request: 64 KiB (chunks of
 * ~60 KB, about one stored block) scans as fast as 256 KiB did while clearing less. */
#define CONN_MEMORY (64 * 1024)

static graph **g_graphs;
static size_t g_ngraphs;
static char *g_auth_user, *g_auth_pass, *g_reader_user, *g_reader_pass;
static long g_latency_ms;
static long long g_capacity = CAPACITY;
static double g_fail_rate;
static uint64_t g_fail_rng = 88172645463325252ULL;
static pthread_mutex_t g_fail_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct {
    sb_t body;
    bool started;
} reqctx;

typedef struct stream stream;
typedef struct {
    int status;
    const char *ctype;
    sb_t body;
    bool gzip;
    const char *www_auth;
    int who; /* 1 the administrator, 2 the reader, 3 a user made through the auth API */
    char user[128]; /* who's name */
    stream *st; /* streamed (chunked, gzip) element list instead of body */
} resp;

static void resp_err(resp *r, int status, const char *cls, const char *msg)
{
    r->status = status;
    r->body.len = 0;
    r->gzip = false;
    if (!cls) {
        r->ctype = "text/plain";
        sb_puts(&r->body, msg ? msg : "");
        return;
    }
    r->ctype = "application/json";
    sb_puts(&r->body, "{\"exception\":");
    sb_t c = {0};
    sb_printf(&c, "class %s", cls);
    sb_json_str(&r->body, c.p, c.len);
    sb_free(&c);
    sb_puts(&r->body, ",\"message\":");
    sb_json_str(&r->body, msg ? msg : "", msg ? strlen(msg) : 0);
    sb_puts(&r->body, ",\"cause\":\"\"}");
}
/* an error whose "cause" names the Java exception behind it */
static void resp_err_cause(resp *r, int status, const char *cls, const char *msg, const char *cause)
{
    resp_err(r, status, cls, msg);
    if (cause && *cause && cls && r->body.len >= 12 && !memcmp(r->body.p + r->body.len - 12, ",\"cause\":\"\"}", 12)) {
        r->body.len -= 12;
        sb_puts(&r->body, ",\"cause\":");
        sb_json_str(&r->body, cause, strlen(cause));
        sb_putc(&r->body, '}');
    }
}
static void resp_herr(resp *r, herr *e)
{
    resp_err(r, e->status, e->cls, e->msg);
    err_clear(e);
}
static void resp_errf(resp *r, int status, const char *cls, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void resp_errf(resp *r, int status, const char *cls, const char *fmt, ...)
{
    char *m = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&m, fmt, ap) < 0)
        m = NULL;
    va_end(ap);
    resp_err(r, status, cls, m);
    free(m);
}
static void resp_ok(resp *r, int status)
{
    r->status = status;
    r->ctype = CT_JSON;
}
static void no_route(resp *r) { resp_err(r, 404, "jakarta.ws.rs.NotFoundException", "HTTP 404 Not Found"); }
static void not_allowed(resp *r) { resp_err(r, 405, "jakarta.ws.rs.NotAllowedException", "HTTP 405 Method Not Allowed"); }
static void unsupported_media(resp *r) { resp_err(r, 415, "jakarta.ws.rs.NotSupportedException", "HTTP 415 Unsupported Media Type"); }

/* ---------------- helpers ---------------- */
static void url_decode(sb_t *out, const char *s, size_t n, bool plus)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n + 0 && i + 2 <= n - 1 + 0) {
            char h[3] = {s[i + 1], s[i + 2], 0};
            char *end;
            long v = strtol(h, &end, 16);
            if (!*end && h[0] && h[1]) {
                sb_putc(out, (char)v);
                i += 2;
                continue;
            }
        }
        sb_putc(out, plus && s[i] == '+' ? ' ' : s[i]);
    }
    if (!out->p)
        sb_grow(out, 1), out->p[0] = 0;
}

typedef struct {
    char *k, *v;
} qparam;
typedef struct {
    qparam *p;
    size_t n;
} qlist;
static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    qlist *q = cls;
    q->p = realloc(q->p, (q->n + 1) * sizeof *q->p);
    sb_t k = {0}, v = {0};
    url_decode(&k, key, strlen(key), true);
    url_decode(&v, value ? value : "", value ? strlen(value) : 0, true);
    q->p[q->n].k = sb_steal(&k);
    q->p[q->n].v = value ? sb_steal(&v) : NULL;
    if (!value)
        sb_free(&v);
    q->n++;
    return MHD_YES;
}
static const char *qget(const qlist *q, const char *k)
{
    for (size_t i = 0; i < q->n; i++)
        if (!strcmp(q->p[i].k, k))
            return q->p[i].v ? q->p[i].v : "";
    return NULL;
}
static void qfree(qlist *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->p[i].k);
        free(q->p[i].v);
    }
    free(q->p);
}
/* graphs can be created at run time (POST .../graphs/{name}); graphs are never freed before exit */
static pthread_mutex_t g_graphs_lock = PTHREAD_MUTEX_INITIALIZER;
/* true when graph g is in graphspace space (NULL: DEFAULT) */
static bool in_space(const graph *g, const char *space)
{
    return !strcmp(g->space ? g->space : "DEFAULT", space ? space : "DEFAULT");
}
static graph *find_graph(const char *space, const char *name)
{
    graph *g = NULL;
    pthread_mutex_lock(&g_graphs_lock);
    for (size_t i = 0; i < g_ngraphs && !g; i++)
        if (!strcmp(g_graphs[i]->name, name) && in_space(g_graphs[i], space))
            g = g_graphs[i];
    pthread_mutex_unlock(&g_graphs_lock);
    return g;
}
static bool json_ctype(struct MHD_Connection *c)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (!ct)
        return false;
    return !strncasecmp(ct, "application/json", 16) && (ct[16] == 0 || ct[16] == ';' || ct[16] == ' ');
}
/* parse a long query param; returns false on error (response set) */
static bool qlong(resp *r, const qlist *q, const char *k, long long def, long long *out)
{
    const char *v = qget(q, k);
    *out = def;
    if (!v)
        return true;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || errno) {
        resp_errf(r, 404, "jakarta.ws.rs.NotFoundException", "HTTP 404 Not Found");
        return false;
    }
    *out = x;
    return true;
}

/* ---------------- gzip ----------------
 * Every @Compress response is gzip (Content-Encoding: gzip whatever Accept-Encoding says). The
 * level is --gzip-level (default 0): level 0 writes the deflate data as stored blocks, so a scan
 * costs a copy and a CRC-32 per byte instead of a compression (which capped a scan at about a
 * million vertices per second); levels 1-9 compress with zlib. */
static int g_gzip_level = 0;

typedef struct {
    z_stream z;
    sb_t out;
} gz;
static void gz_init(gz *g)
{
    memset(g, 0, sizeof *g);
    deflateInit2(&g->z, g_gzip_level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
static void gz_write(gz *g, const char *d, size_t n, int flush)
{
    g->z.next_in = (Bytef *)(uintptr_t)d;
    g->z.avail_in = (uInt)n;
    do {
        sb_grow(&g->out, 65536);
        g->z.next_out = (Bytef *)g->out.p + g->out.len;
        g->z.avail_out = (uInt)(g->out.cap - g->out.len - 1);
        size_t before = g->z.avail_out;
        deflate(&g->z, flush);
        g->out.len += before - g->z.avail_out;
    } while (g->z.avail_out == 0 || g->z.avail_in);
}
/* streaming writer: either plain sb or gzip */
typedef struct {
    sb_t buf;
    gz z;
    bool gzip;
} writer;
static void w_init(writer *w, bool gzip)
{
    memset(w, 0, sizeof *w);
    w->gzip = gzip;
    if (gzip)
        gz_init(&w->z);
}
static void w_put(writer *w, const char *d, size_t n)
{
    sb_putn(&w->buf, d, n);
    if (w->gzip && w->buf.len >= 262144) {
        gz_write(&w->z, w->buf.p, w->buf.len, Z_NO_FLUSH);
        w->buf.len = 0;
    }
}
static void w_puts(writer *w, const char *s) { w_put(w, s, strlen(s)); }
static void w_finish(writer *w, resp *r)
{
    resp_ok(r, 200);
    sb_free(&r->body);
    if (w->gzip) {
        gz_write(&w->z, w->buf.p ? w->buf.p : "", w->buf.len, Z_FINISH);
        deflateEnd(&w->z.z);
        sb_free(&w->buf);
        r->body = w->z.out;
        r->gzip = true;
    } else {
        r->body = w->buf;
    }
}

/* ---------------- streamed element lists ----------------
 * The element pointers are collected under the graph's read lock; the table is pinned so that
 * elements replaced or deleted meanwhile stay alive; the body (head, the element JSONs joined by
 * ',', tail) is produced from the MHD reader callback without holding the lock: at level 0 it is
 * copied straight from the elements into MHD's buffer as stored blocks, at levels 1-9 it goes
 * through a staging buffer and zlib. */
enum { PART_HEAD, PART_ELEMS, PART_TAIL, PART_END };
struct stream {
    etable *t;
    elem **items;
    size_t n, cap, cut_at;
    sb_t head, tail;
    /* position in the body: part, element index, offset inside the part or element */
    int part;
    size_t i, off;
    bool cut; /* stopped at cut_at (--fail-rate): the response ends with an error */
    bool olap; /* vertices: with their OLAP values (the read mode shows them) */
    /* levels 1-9 */
    gz z;
    sb_t raw;
    size_t outpos;
    bool zdone;
    /* level 0: gzip header/trailer bytes not yet handed to MHD, CRC-32 and size of the body */
    unsigned char frame[16];
    size_t nframe, framepos;
    bool trailer;
    uint32_t crc, isize;
};
static void frame_set(stream *s, const unsigned char *d, size_t n)
{
    memcpy(s->frame, d, n);
    s->nframe = n;
    s->framepos = 0;
}
static size_t frame_out(stream *s, char *buf, size_t max)
{
    size_t k = s->nframe - s->framepos;
    if (k > max)
        k = max;
    memcpy(buf, s->frame + s->framepos, k);
    s->framepos += k;
    return k;
}
static stream *stream_new(etable *t, const char *head)
{
    stream *s = calloc(1, sizeof *s);
    s->t = t;
    s->cut_at = SIZE_MAX;
    sb_puts(&s->head, head);
    if (g_gzip_level > 0) {
        gz_init(&s->z);
    } else {
        /* what zlib writes for level 0: no name, mtime 0, XFL 4 (fastest), OS 3 (Unix) */
        static const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3};
        frame_set(s, hdr, sizeof hdr);
        s->crc = (uint32_t)crc32(0, NULL, 0);
    }
    etable_pin(t);
    return s;
}
static void stream_add(stream *s, elem *const *e, size_t n)
{
    if (!n)
        return;
    if (s->n + n > s->cap) {
        s->cap = (s->n + n) * 2 + 16;
        s->items = realloc(s->items, s->cap * sizeof *s->items);
    }
    memcpy(s->items + s->n, e, n * sizeof *e);
    s->n += n;
}
static void stream_free(void *cls)
{
    stream *s = cls;
    if (g_gzip_level > 0)
        deflateEnd(&s->z.z);
    sb_free(&s->z.out);
    sb_free(&s->head);
    sb_free(&s->tail);
    sb_free(&s->raw);
    free(s->items);
    etable_unpin(s->t);
    free(s);
}
/* Copies the next bytes of the body to dst (at most max). Less than max only at the end of the
 * body (part PART_END) or at cut_at (s->cut): the elements before the cut are all there. */
static size_t stream_fill(stream *s, char *dst, size_t max)
{
    size_t n = 0;
    while (n < max && s->part != PART_END) {
        const char *src;
        size_t len;
        if (s->part == PART_ELEMS) {
            if (!s->off && s->i >= s->n) {
                s->part = PART_TAIL;
                continue;
            }
            if (!s->off && s->i >= s->cut_at) {
                s->cut = true;
                break;
            }
            const elem *x = s->items[s->i];
            if (!s->off && s->i + 8 < s->n) {
                /* the elements are scattered over the heap: ask for one a few ahead */
                const char *ahead = (const char *)s->items[s->i + 8];
                __builtin_prefetch(ahead);
                __builtin_prefetch(ahead + 64);
                __builtin_prefetch(ahead + 128);
                __builtin_prefetch(ahead + 192);
            }
            size_t comma = s->i ? 1 : 0; /* the ',' before every element but the first */
            if (s->off < comma) {
                dst[n++] = ',';
                s->off = 1;
                continue;
            }
            src = elem_json(x, s->olap, &len);
            src += s->off - comma;
            len -= s->off - comma;
        } else {
            const sb_t *b = s->part == PART_HEAD ? &s->head : &s->tail;
            src = b->p + s->off;
            len = b->len - s->off;
        }
        size_t k = len < max - n ? len : max - n;
        if (k)
            memcpy(dst + n, src, k);
        n += k;
        s->off += k;
        if (k == len) {
            s->off = 0;
            if (s->part == PART_ELEMS)
                s->i++;
            else
                s->part++;
        }
    }
    return n;
}
static void put_le32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (unsigned char)(v >> (8 * k));
}
/* level 0: fills MHD's buffer with stored blocks (5-byte header, up to 65535 body bytes each) */
static ssize_t stored_reader(stream *s, char *buf, size_t max)
{
    size_t n = 0;
    for (;;) {
        n += frame_out(s, buf + n, max - n);
        if (s->framepos < s->nframe || s->trailer || s->cut || max - n <= 5)
            break;
        size_t room = max - n - 5;
        if (room > 65535)
            room = 65535;
        size_t k = stream_fill(s, buf + n + 5, room);
        if (k) {
            unsigned char *h = (unsigned char *)buf + n;
            h[0] = 0; /* BFINAL 0, BTYPE 00 */
            h[1] = (unsigned char)k;
            h[2] = (unsigned char)(k >> 8);
            h[3] = (unsigned char)~k;
            h[4] = (unsigned char)(~k >> 8);
            s->crc = (uint32_t)crc32(s->crc, (const Bytef *)buf + n + 5, (uInt)k);
            s->isize += (uint32_t)k;
            n += 5 + k;
        }
        if (s->part == PART_END) {
            /* an empty final stored block, then the gzip trailer: CRC-32 and size, little endian */
            unsigned char t[13] = {1, 0, 0, 0xff, 0xff};
            put_le32(t + 5, s->crc);
            put_le32(t + 9, s->isize);
            frame_set(s, t, sizeof t);
            s->trailer = true;
        }
    }
    if (n)
        return (ssize_t)n;
    if (s->trailer)
        return MHD_CONTENT_READER_END_OF_STREAM;
    return s->cut ? MHD_CONTENT_READER_END_WITH_ERROR : 0;
}
/* levels 1-9: 256 KiB of body at a time through deflate (sync-flushed when the response will be cut) */
static ssize_t zlib_reader(stream *s, char *buf, size_t max)
{
    while (s->outpos == s->z.out.len) {
        if (s->zdone)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (s->cut)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        s->z.out.len = s->outpos = 0;
        sb_grow(&s->raw, 262144);
        size_t k = stream_fill(s, s->raw.p, 262144);
        int flush = s->part == PART_END ? Z_FINISH : s->cut_at != SIZE_MAX ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        gz_write(&s->z, s->raw.p, k, flush);
        s->zdone = flush == Z_FINISH;
    }
    size_t n = s->z.out.len - s->outpos;
    if (n > max)
        n = max;
    memcpy(buf, s->z.out.p + s->outpos, n);
    s->outpos += n;
    return (ssize_t)n;
}
static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    return g_gzip_level > 0 ? zlib_reader(cls, buf, max) : stored_reader(cls, buf, max);
}
static void resp_stream(resp *r, stream *s)
{
    resp_ok(r, 200);
    r->gzip = true;
    r->st = s;
}

/* ---------------- page tokens ---------------- */
static void page_token(sb_t *s, const char *tag, size_t pos)
{
    sb_t raw = {0};
    sb_printf(&raw, "hg:%s:%zu", tag, pos);
    b64_encode(s, (unsigned char *)raw.p, raw.len);
    sb_free(&raw);
}

/* The ",\"page\": ..." member closing a paged list: a token for position
 * pos when there is more, null at the end. JsonSerializer.writeIterator writes it by hand with
 * String.format(",\"page\": \"%s\"") / ",\"page\": null", so there is a space after the colon. */
static void page_member(sb_t *tail, const char *what, bool more, size_t pos)
{
    if (more) {
        sb_puts(tail, ",\"page\": \"");
        page_token(tail, what, pos);
        sb_puts(tail, "\"");
    } else {
        sb_puts(tail, ",\"page\": null");
    }
}
static bool page_parse(const char *tok, const char *tag, size_t *pos)
{
    sb_t t = {0}, raw = {0};
    for (const char *p = tok; *p; p++)
        sb_putc(&t, *p == ' ' ? '+' : *p);
    bool ok = b64_decode(&raw, t.p ? t.p : "", t.len);
    sb_free(&t);
    if (!ok || !raw.p) {
        sb_free(&raw);
        return false;
    }
    char pre[64];
    snprintf(pre, sizeof pre, "hg:%s:", tag);
    size_t pl = strlen(pre);
    ok = raw.len > pl && !strncmp(raw.p, pre, pl);
    if (ok) {
        char *end;
        unsigned long long v = strtoull(raw.p + pl, &end, 10);
        ok = !*end;
        *pos = (size_t)v;
    }
    sb_free(&raw);
    return ok;
}

/* ---------------- handlers ---------------- */
/* Sets mode (or read mode) m of g and answers it; 1.7 refuses read mode
 * OLAP_ONLY (index 2). */
static void set_mode_value(resp *r, graph *g, bool read_mode, int m, const char *key, const char *const *vals)
{
    if (read_mode && m == 2 && g_cfg.persona == 17) {
        resp_err(r, 400, C_IAE, "Graph-read-mode could be ALL or OLTP_ONLY");
        return;
    }
    pthread_rwlock_wrlock(&g->lock);
    if (read_mode)
        g->read_mode = m;
    else
        g->mode = m;
    pthread_rwlock_unlock(&g->lock);
    resp_ok(r, 200);
    sb_printf(&r->body, "{\"%s\":\"%s\"}", key, vals[m]);
}

static void h_mode(resp *r, graph *g, const char *method, struct MHD_Connection *c, sb_t *body, bool read_mode)
{
    static const char *const MODES[] = {"NONE", "RESTORING", "MERGING", "LOADING", NULL};
    /* the order of the value list in Jackson's enum error (integers are ordinals in MODES order) */
    static const char *const MODES_JACKSON[] = {"NONE", "RESTORING", "LOADING", "MERGING", NULL};
    static const char *const RMODES[] = {"ALL", "OLTP_ONLY", "OLAP_ONLY", NULL};
    const char *const *vals = read_mode ? RMODES : MODES;
    const char *key = read_mode ? "graph_read_mode" : "mode";
    if (!strcmp(method, "GET")) {
        pthread_rwlock_rdlock(&g->lock);
        int m = read_mode ? g->read_mode : g->mode;
        pthread_rwlock_unlock(&g->lock);
        resp_ok(r, 200);
        sb_printf(&r->body, "{\"%s\":\"%s\"}", key, vals[m]);
        return;
    }
    if (strcmp(method, "PUT")) {
        not_allowed(r);
        return;
    }
    if (!json_ctype(c)) {
        unsupported_media(r);
        return;
    }
    arena_t a = {0};
    char eb[128];
    jnode *n = body->len ? json_parse(&a, body->p, body->len, eb, sizeof eb) : NULL;
    const char *ecls = read_mode ? "org.apache.hugegraph.type.define.GraphReadMode" : "org.apache.hugegraph.type.define.GraphMode";
    if (body->len && !n) {
        resp_errf(r, 400, NULL, "Unexpected character: %s", eb);
    } else if (!n || n->type == J_NULL) {
        resp_errf(r, 400, C_IAE, "Graph%s can't be null", read_mode ? "-read-mode" : " mode");
    } else if (n->type == J_NUM && !strchr(n->s, '.') && !strchr(n->s, 'e') && !strchr(n->s, 'E')) {
        /* Jackson reads an integer as the enum's ordinal (declaration order) */
        int cnt = read_mode ? 3 : 4;
        long long o = strtoll(n->s, NULL, 10);
        if (o < 0 || o >= cnt) {
            resp_errf(r, 400, NULL, "Cannot deserialize value of type `%s` from number %s: index value outside legal index range [0..%d]",
                      ecls, n->s, cnt - 1);
        } else {
            set_mode_value(r, g, read_mode, (int)o, key, vals);
        }
    } else if (n->type != J_STR) {
        sb_t t = {0};
        json_render(&t, n);
        resp_errf(r, 400, NULL, "Cannot deserialize value of type `%s` from %s value (token `%s`)", ecls,
                  n->type == J_NUM ? "Integer" : "non-String", t.p);
        sb_free(&t);
    } else {
        int m = -1;
        for (int i = 0; vals[i]; i++)
            if (!strcmp(vals[i], n->s))
                m = i;
        if (m < 0) {
            herr e = {0};
            err_jackson_enum(&e, n->s, ecls, read_mode ? RMODES : MODES_JACKSON);
            resp_herr(r, &e);
        } else {
            set_mode_value(r, g, read_mode, m, key, vals);
        }
    }
    ar_free(&a);
}

static int schema_type_of(const char *seg)
{
    for (int t = 0; t < ST_N; t++)
        if (!strcmp(seg, st_plural[t]))
            return t;
    return -1;
}

static jnode *parse_body(resp *r, arena_t *a, sb_t *body)
{
    char eb[160];
    jnode *n = json_parse(a, body->p ? body->p : "", body->len, eb, sizeof eb);
    if (!n)
        resp_errf(r, 400, NULL, "%s", eb);
    return n;
}

static void h_schema(resp *r, graph *g, const char *method, struct MHD_Connection *c, sb_t *body, char **seg, int nseg,
                     const qlist *q)
{
    /* seg[0] == "schema" */
    if (nseg == 1) {
        if (strcmp(method, "GET")) {
            not_allowed(r);
            return;
        }
        pthread_rwlock_rdlock(&g->lock);
        resp_ok(r, 200);
        sb_putc(&r->body, '{');
        for (int t = 0; t < ST_N; t++) {
            sb_printf(&r->body, "%s\"%s\":[", t ? "," : "", st_plural[t]);
            for (size_t i = 0; i < g->nsc[t]; i++) {
                if (i)
                    sb_putc(&r->body, ',');
                schema_render(&r->body, g, g->sc[t][i], true);
            }
            sb_putc(&r->body, ']');
        }
        sb_putc(&r->body, '}');
        pthread_rwlock_unlock(&g->lock);
        return;
    }
    int t = schema_type_of(seg[1]);
    if (t < 0 || nseg > 3) {
        no_route(r);
        return;
    }
    herr e = {0};
    if (nseg == 2) {
        if (!strcmp(method, "GET")) {
            pthread_rwlock_rdlock(&g->lock);
            resp_ok(r, 200);
            /* JsonSerializer.writeList writes "{\"<key>\": [" by hand */
            sb_printf(&r->body, "{\"%s\": [", st_plural[t]);
            bool names = false, first = true;
            for (size_t i = 0; i < q->n; i++) {
                if (strcmp(q->p[i].k, "names"))
                    continue;
                names = true;
                schema *s = schema_by_name(g, t, q->p[i].v ? q->p[i].v : "");
                if (!s) {
                    resp_errf(r, 404, C_NFE, "%s with name '%s' does not exist", st_readable[t], q->p[i].v ? q->p[i].v : "");
                    pthread_rwlock_unlock(&g->lock);
                    return;
                }
                if (!first)
                    sb_putc(&r->body, ',');
                first = false;
                schema_render(&r->body, g, s, false);
            }
            if (!names)
                for (size_t i = 0; i < g->nsc[t]; i++) {
                    if (i)
                        sb_putc(&r->body, ',');
                    schema_render(&r->body, g, g->sc[t][i], false);
                }
            sb_puts(&r->body, "]}");
            pthread_rwlock_unlock(&g->lock);
            return;
        }
        if (!strcmp(method, "POST")) {
            if (!json_ctype(c)) {
                unsupported_media(r);
                return;
            }
            arena_t a = {0};
            jnode *n = parse_body(r, &a, body);
            if (n) {
                pthread_rwlock_wrlock(&g->lock);
                sb_t out = {0};
                int st = schema_create(g, t, n, &out, &e);
                pthread_rwlock_unlock(&g->lock);
                if (st < 0)
                    resp_herr(r, &e);
                else {
                    resp_ok(r, st);
                    sb_free(&r->body);
                    r->body = out;
                }
            }
            ar_free(&a);
            return;
        }
        not_allowed(r);
        return;
    }
    const char *name = seg[2];
    if (!strcmp(method, "GET")) {
        pthread_rwlock_rdlock(&g->lock);
        schema *s = schema_by_name(g, t, name);
        if (!s)
            resp_errf(r, 404, C_NFE, "%s with name '%s' does not exist", st_readable[t], name);
        else {
            resp_ok(r, 200);
            schema_render(&r->body, g, s, false);
        }
        pthread_rwlock_unlock(&g->lock);
        return;
    }
    if (!strcmp(method, "DELETE")) {
        pthread_rwlock_wrlock(&g->lock);
        sb_t out = {0};
        int st = schema_delete(g, t, name, &out, &e);
        pthread_rwlock_unlock(&g->lock);
        if (st < 0) {
            resp_herr(r, &e);
            sb_free(&out);
        } else {
            resp_ok(r, st);
            sb_free(&r->body);
            r->body = out;
        }
        return;
    }
    if (!strcmp(method, "PUT")) {
        const char *action = qget(q, "action");
        if (!action)
            resp_err(r, 400, C_IAE, "The action parameter can't be null");
        else
            resp_err(r, 415, "jakarta.ws.rs.NotSupportedException",
                     strcmp(action, "append") && strcmp(action, "eliminate") ? "HTTP 415 Unsupported Media Type"
                                                                            : "Schema update is not implemented by hgserver");
        return;
    }
    not_allowed(r);
}

static void h_tasks(resp *r, graph *g, const char *method, char **seg, int nseg)
{
    if (strcmp(method, "GET")) {
        not_allowed(r);
        return;
    }
    pthread_rwlock_rdlock(&g->lock);
    if (nseg == 1) {
        resp_ok(r, 200);
        sb_puts(&r->body, "{\"tasks\":[");
    }
    bool found = false;
    for (size_t i = 0; i < g->ntasks; i++) {
        htask *t = &g->tasks[i];
        if (nseg == 2 && strtoll(seg[1], NULL, 10) != t->id)
            continue;
        if (nseg == 1 && i)
            sb_putc(&r->body, ',');
        found = true;
        if (nseg == 2)
            resp_ok(r, 200);
        sb_printf(&r->body, "{\"id\":%lld,\"task_type\":\"%s\",\"task_name\":", (long long)t->id, t->type);
        sb_t nm = {0};
        sb_printf(&nm, "%s:%s", t->type, t->name);
        sb_json_str(&r->body, nm.p, nm.len);
        sb_free(&nm);
        sb_printf(&r->body, ",\"task_status\":\"success\",\"task_progress\":100,\"task_create\":%lld,\"task_update\":%lld,\"task_retries\":0}",
                  (long long)t->created, (long long)t->created);
    }
    if (nseg == 1)
        sb_puts(&r->body, "]}");
    else if (!found || nseg > 2)
        resp_errf(r, 404, C_NFE, "Can't find task with id '%s'", seg[1]);
    pthread_rwlock_unlock(&g->lock);
}

/* batch / single create for vertices (edges == false) or edges */
static void h_create(resp *r, graph *g, struct MHD_Connection *c, sb_t *body, bool edges, bool batch, const qlist *q)
{
    if (!json_ctype(c)) {
        unsupported_media(r);
        return;
    }
    sb_t plain = {0};
    sb_t *src = body;
    const char *enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Encoding");
    if (batch && enc && !strcasecmp(enc, "gzip")) {
        if (!gunzip_buf(body->p ? body->p : "", body->len, &plain)) {
            sb_free(&plain);
            resp_err(r, 400, C_IAE, "Failed to decompress the gzip request body");
            return;
        }
        src = &plain;
    }
    arena_t a = {0};
    jnode *n = parse_body(r, &a, src);
    herr e = {0};
    if (!n)
        goto out;
    if (!batch) {
        elem *el = NULL;
        pthread_rwlock_wrlock(&g->lock);
        int rc = edges ? edge_create(g, n, false, true, &el, &e) : vertex_create(g, n, &el, &e);
        if (!rc) {
            resp_ok(r, 201);
            sb_putn(&r->body, ELEM_JSON(el), el->jsonlen);
            if (el->label == OLAP_VL)
                olap_apply(g, el);
            else
                etable_put(edges ? &g->edges : &g->vertices, el);
        }
        pthread_rwlock_unlock(&g->lock);
        if (rc)
            resp_herr(r, &e);
        goto out;
    }
    if (n->type != J_ARR) {
        resp_errf(r, 400, NULL, "Cannot deserialize value of type `java.util.ArrayList<%s>` from Object value (token `JsonToken.START_OBJECT`)",
                  edges ? "org.apache.hugegraph.api.graph.EdgeAPI$JsonEdge" : "org.apache.hugegraph.api.graph.VertexAPI$JsonVertex");
        goto out;
    }
    if (n->nkids == 0) {
        resp_errf(r, 400, C_IAE, "The number of %s can't be 0", edges ? "edges" : "vertices");
        goto out;
    }
    if ((int)n->nkids > g_cfg.batch_max) {
        resp_errf(r, 400, C_IAE, "Too many %s for one time post, the maximum number is '%d'", edges ? "edges" : "vertices",
                  g_cfg.batch_max);
        goto out;
    }
    for (size_t i = 0; i < n->nkids; i++)
        if (n->kids[i]->type == J_NULL) {
            resp_err(r, 400, C_IAE, "The batch body can't contain null record");
            goto out;
        }
    bool check_vertex = true;
    const char *cv = qget(q, "check_vertex");
    if (cv && !strcmp(cv, "false"))
        check_vertex = false;
    elem **els = calloc(n->nkids, sizeof *els);
    pthread_rwlock_wrlock(&g->lock);
    size_t i;
    int rc = 0;
    for (i = 0; i < n->nkids && !rc; i++)
        rc = edges ? edge_create(g, n->kids[i], true, check_vertex, &els[i], &e) : vertex_create(g, n->kids[i], &els[i], &e);
    if (!rc) {
        resp_ok(r, 201);
        sb_putc(&r->body, '[');
        for (i = 0; i < n->nkids; i++) {
            if (i)
                sb_putc(&r->body, ',');
            if (edges)
                sb_json_str(&r->body, ELEM_KEY(els[i]), els[i]->keylen);
            else
                vertex_id_json(&r->body, ELEM_KEY(els[i]), els[i]->keylen);
        }
        for (i = 0; i < n->nkids; i++) {
            /* one transaction: a later vertex of the same id replaces an OLAP write (and an OLAP
             * write a vertex) of the batch, as HugeGraph keeps one added vertex per id */
            bool superseded = false;
            for (size_t j = i + 1; !edges && j < n->nkids && !superseded; j++)
                superseded = (els[i]->label == OLAP_VL || els[j]->label == OLAP_VL) &&
                             els[i]->keylen == els[j]->keylen &&
                             !memcmp(ELEM_KEY(els[i]), ELEM_KEY(els[j]), els[i]->keylen);
            if (superseded)
                free(els[i]);
            else if (els[i]->label == OLAP_VL)
                olap_apply(g, els[i]);
            else
                etable_put(edges ? &g->edges : &g->vertices, els[i]);
        }
        sb_putc(&r->body, ']');
    } else {
        for (i = 0; i < n->nkids; i++)
            free(els[i]);
    }
    pthread_rwlock_unlock(&g->lock);
    free(els);
    if (rc)
        resp_herr(r, &e);
out:
    ar_free(&a);
    sb_free(&plain);
}

/* list vertices/edges with label/offset/limit/page (+ vertex_id/direction for edges) */
static void h_list(resp *r, graph *g, bool edges, const qlist *q)
{
    const char *what = edges ? "edges" : "vertices";
    long long offset, limit;
    if (!qlong(r, q, "offset", 0, &offset) || !qlong(r, q, "limit", 100, &limit))
        return;
    const char *page = qget(q, "page");
    const char *label = qget(q, "label");
    if (limit > g_capacity) {
        resp_errf(r, 400, C_IAE, "Invalid limit %lld, must be <= capacity(%lld)", limit, g_capacity);
        return;
    }
    if (limit < 0 || offset < 0) {
        resp_errf(r, 400, C_IAE, "Invalid %s %lld", limit < 0 ? "limit" : "offset", limit < 0 ? limit : offset);
        return;
    }
    if (page && offset) {
        resp_errf(r, 400, C_IAE, "Not support querying %s based on paging and offset together", what);
        return;
    }
    if (page && limit == 0) {
        resp_err(r, 500, C_ISE, "Invalid limit 0 for paging query");
        return;
    }
    if (qget(q, "properties")) {
        resp_err(r, 400, C_NSE, "Querying by properties is not implemented by hgserver");
        return;
    }
    pthread_rwlock_rdlock(&g->lock);
    int64_t labid = -1;
    if (label) {
        schema *s = schema_by_name(g, edges ? ST_EL : ST_VL, label);
        if (!s) {
            pthread_rwlock_unlock(&g->lock);
            resp_errf(r, 400, C_IAE, "Undefined %s label: '%s'", edges ? "edge" : "vertex", label);
            return;
        }
        labid = s->id;
    }
    /* edges: vertex_id + direction */
    sb_t vpart = {0};
    int dir = 2;
    const char *vid = edges ? qget(q, "vertex_id") : NULL;
    const char *d = edges ? qget(q, "direction") : NULL;
    if (d) {
        if (!strcmp(d, "OUT")) dir = 0;
        else if (!strcmp(d, "IN")) dir = 1;
        else if (!strcmp(d, "BOTH")) dir = 2;
        else {
            pthread_rwlock_unlock(&g->lock);
            resp_errf(r, 404, "jakarta.ws.rs.NotFoundException", "HTTP 404 Not Found");
            return;
        }
    }
    if (vid) {
        sb_t key = {0}, p = {0};
        herr e = {0};
        if (vertex_key_from_url(g, vid, &key, &e)) {
            pthread_rwlock_unlock(&g->lock);
            resp_herr(r, &e);
            sb_free(&key);
            return;
        }
        if (key.p[0] == 'L') {
            sb_putc(&p, 'L');
            sb_t tmp = {0};
            vertex_id_json(&tmp, key.p, key.len);
            sb_putn(&p, tmp.p, tmp.len);
            sb_free(&tmp);
        } else if (key.p[0] == 'U') {
            sb_putc(&p, 'U');
            sb_t tmp = {0};
            vertex_id_json(&tmp, key.p, key.len);
            sb_putn(&p, tmp.p + 1, tmp.len - 2);
            sb_free(&tmp);
        } else {
            sb_putn(&p, key.p, key.len);
        }
        escape_join_add(&vpart, '>', p.p, p.len);
        sb_free(&p);
        sb_free(&key);
    }
    etable *t = edges ? &g->edges : &g->vertices;
    etable_sort(g, t);
    size_t start = 0;
    if (page && *page && !page_parse(page, what, &start)) {
        pthread_rwlock_unlock(&g->lock);
        sb_free(&vpart);
        resp_errf(r, 400, C_IAE, "Invalid page '%s'", page);
        return;
    }
    stream *st = stream_new(t, edges ? "{\"edges\":[" : "{\"vertices\":[");
    st->olap = !edges && graph_shows_olap(g);
    long long skipped = 0, n = 0;
    size_t i;
    for (i = start; i < t->nsorted && n < limit; i++) {
        elem *x = t->sorted[i];
        if (labid >= 0 && x->label != labid)
            continue;
        if (vpart.len) {
            const char *id = ELEM_KEY(x);
            size_t kl = x->keylen, pl = vpart.len;
            bool out = kl > pl && !memcmp(id, vpart.p, pl) && id[pl] == '>';
            bool in = kl > pl && !memcmp(id + kl - pl, vpart.p, pl) && id[kl - pl - 1] == '>' &&
                      (kl - pl < 2 || id[kl - pl - 2] != '`');
            if (!((dir != 1 && out) || (dir != 0 && in)))
                continue;
        }
        if (skipped < offset) {
            skipped++;
            continue;
        }
        stream_add(st, &x, 1);
        n++;
    }
    sb_putc(&st->tail, ']');
    if (page) {
        /* look ahead for more matches */
        bool more = false;
        for (size_t j = i; j < t->nsorted && !more; j++)
            more = labid < 0 || t->sorted[j]->label == labid;
        page_member(&st->tail, what, more && !vpart.len, i);
    }
    sb_putc(&st->tail, '}');
    pthread_rwlock_unlock(&g->lock);
    sb_free(&vpart);
    resp_stream(r, st);
}

static void h_element(resp *r, graph *g, const char *method, bool edges, const char *idtxt, const qlist *q)
{
    herr e = {0};
    sb_t key = {0}, msg = {0};
    int prc = 0;
    bool del = !strcmp(method, "DELETE");
    if (strcmp(method, "GET") && !del) {
        not_allowed(r);
        return;
    }
    if (!edges) {
        if (vertex_key_from_url(g, idtxt, &key, &e)) {
            resp_herr(r, &e);
            return;
        }
    } else {
        sb_t cause = {0};
        prc = edge_key_from_url_cause(idtxt, &key, &msg, &cause);
        if (prc && !del) {
            /* EdgeAPI.get: EdgeId.parse's NotFoundException */
            resp_err_cause(r, 404, C_NFE, msg.p, cause.p);
            sb_free(&cause);
            sb_free(&msg);
            sb_free(&key);
            return;
        }
        sb_free(&cause);
    }
    sb_t shown = {0};
    if (edges)
        sb_puts(&shown, idtxt);
    else
        vertex_id_text(&shown, key.p, key.len);
    if (!del) {
        pthread_rwlock_rdlock(&g->lock);
        elem *x = key.len ? etable_get(edges ? &g->edges : &g->vertices, key.p, key.len) : NULL;
        if (x) {
            resp_ok(r, 200);
            size_t jl;
            const char *js = elem_json(x, !edges && graph_shows_olap(g), &jl);
            sb_putn(&r->body, js, jl);
        } else {
            resp_errf(r, 404, C_NFE, "%s '%s' does not exist", edges ? "Edge" : "Vertex", shown.p);
        }
        pthread_rwlock_unlock(&g->lock);
    } else {
        /* VertexAPI/EdgeAPI.delete -> removeVertex/removeEdge(label, id): with a label that has no index
         * label the element is removed by id without looking it up (a missing one is a 204); otherwise
         * it is looked up and a NotFoundException becomes a 400 quoting it */
        const char *label = qget(q, "label");
        pthread_rwlock_wrlock(&g->lock);
        schema *ls = label ? schema_by_name(g, edges ? ST_EL : ST_VL, label) : NULL;
        bool blind = ls && !label_has_index(g, edges ? 1 : 0, ls->id);
        if (label && !ls) {
            resp_errf(r, 400, C_IAE, "Undefined %s label: '%s'", edges ? "edge" : "vertex", label);
        } else if (prc) {
            resp_errf(r, 400, C_IAE, "No such edge with id: '%s', %s: %s", idtxt, C_NFE, msg.p);
        } else {
            bool ok = key.len && (edges ? etable_del(&g->edges, key.p, key.len) : vertex_delete(g, key.p, key.len));
            if (ok || blind)
                resp_ok(r, 204);
            else
                resp_errf(r, 400, C_IAE, "No such %s with id: '%s', %s: %s '%s' does not exist", edges ? "edge" : "vertex",
                          shown.p, C_NFE, edges ? "Edge" : "Vertex", shown.p);
        }
        pthread_rwlock_unlock(&g->lock);
    }
    sb_free(&shown);
    sb_free(&msg);
    sb_free(&key);
}

/* ---------------- shards & scan ---------------- */
static size_t lower_bound_key(etable *t, const char *k, size_t kl)
{
    size_t lo = 0, hi = t->nsorted;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        elem *x = t->sorted[m];
        size_t n = x->keylen < kl ? x->keylen : kl;
        int c = memcmp(ELEM_KEY(x), k, n);
        if (!c)
            c = x->keylen < kl ? -1 : x->keylen > kl;
        if (c < 0)
            lo = m + 1;
        else
            hi = m;
    }
    return lo;
}
/* The real memory backend (InMemoryDBTable for edges) keeps one entry per owner (source) vertex
 * holding all its out-edges, so its shard and scan indexes count source vertices, not edges.  The
 * edge keys here are the edge ids, which start with the owner id up to the first '>' not escaped
 * by a backtick; sorted keys keep each owner's edges together.  Returns the index of the first
 * edge of each owner, plus nsorted at the end ((*ngroups + 1) entries; free it). */
static size_t edge_owner_len(const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (k[i] == '`')
            i++;
        else if (k[i] == '>')
            return i;
    }
    return n;
}
static size_t *edge_groups(const etable *t, size_t *ngroups)
{
    size_t *gs = malloc((t->nsorted + 1) * sizeof *gs), ng = 0;
    const char *prev = NULL;
    size_t prevlen = 0;
    for (size_t i = 0; i < t->nsorted; i++) {
        const char *k = ELEM_KEY(t->sorted[i]);
        size_t ol = edge_owner_len(k, t->sorted[i]->keylen);
        if (!prev || ol != prevlen || memcmp(k, prev, ol))
            gs[ng++] = i;
        prev = k;
        prevlen = ol;
    }
    gs[ng] = t->nsorted;
    *ngroups = ng;
    return gs;
}

static void h_shards(resp *r, graph *g, bool edges, const qlist *q)
{
    long long split = 0;
    const char *sv = qget(q, "split_size");
    if (sv)
        split = strtoll(sv, NULL, 10);
    if (split < 1048576) {
        resp_errf(r, 400, C_IAE, "The split-size must be >= %d bytes, but got %lld", 1048576, split);
        return;
    }
    pthread_rwlock_rdlock(&g->lock);
    etable *t = edges ? &g->edges : &g->vertices;
    etable_sort(g, t);
    writer w;
    w_init(&w, true);
    w_puts(&w, "{\"shards\": [");
    size_t n = t->nsorted;
    if (edges && !g_cfg.rocksdb && n)
        free(edge_groups(t, &n)); /* memory edge shards count source vertices */
    if (!n && g_cfg.rocksdb) {
        /* real rocksdb (1.7.0) answers one shard for an empty table, its end the decimal text of
         * 2^32 - 1 (not a base64 key) */
        w_puts(&w, "{\"start\":\"\",\"end\":\"4294967295\",\"length\":0}");
    } else if (n && !g_cfg.rocksdb) {
        /* InMemoryDBTable's splitter (BackendTable.ShardSplitter.getSplits): no data size, so the
         * size is estimated as 100 bytes per entry; count = ceil(size / split_size),
         * each = (long)(entries / count); the first start is "", and when the steps do not land
         * exactly on the entry count the rest becomes an open shard (last, "") -- which the memory
         * scan reads as end 0, i.e. nothing (see h_scan). */
        uint64_t count = ((uint64_t)n * 100 + (uint64_t)split - 1) / (uint64_t)split;
        if (count == 0)
            count = 1;
        int64_t each = (int64_t)((uint64_t)n / count), off = 0, maxk = (int64_t)n;
        sb_t s = {0}, last = {0};
        sb_grow(&last, 1);
        last.p[0] = 0;
        bool first = true;
        while (off < maxk && each > 0) {
            off += each;
            s.len = 0;
            sb_puts(&s, first ? "{\"start\":\"" : ",{\"start\":\"");
            sb_puts(&s, last.p);
            first = false;
            if (off > maxk) {
                sb_puts(&s, "\",\"end\":\"\",\"length\":0}");
                w_put(&w, s.p, s.len);
                break;
            }
            last.len = 0;
            sb_printf(&last, "%lld", (long long)off);
            sb_printf(&s, "\",\"end\":\"%s\",\"length\":0}", last.p);
            w_put(&w, s.p, s.len);
        }
        sb_free(&s);
        sb_free(&last);
    } else if (n) {
        size_t nsh = (t->total_bytes + (size_t)split - 1) / (size_t)split;
        if (nsh < 1)
            nsh = 1;
        if (nsh > n)
            nsh = n;
        size_t prev = 0;
        sb_t s = {0};
        for (size_t k = 0; k < nsh; k++) {
            size_t end = k + 1 == nsh ? n : (n * (k + 1)) / nsh;
            s.len = 0;
            {
                sb_puts(&s, k ? "," : "");
                sb_puts(&s, "{\"start\":\"");
                if (prev)
                    b64_encode(&s, (unsigned char *)ELEM_KEY(t->sorted[prev]), t->sorted[prev]->keylen);
                sb_puts(&s, "\",\"end\":\"");
                if (end < n)
                    b64_encode(&s, (unsigned char *)ELEM_KEY(t->sorted[end]), t->sorted[end]->keylen);
                sb_puts(&s, "\",\"length\":0}");
            }
            w_put(&w, s.p, s.len);
            prev = end;
        }
        sb_free(&s);
    }
    w_puts(&w, "]}");
    pthread_rwlock_unlock(&g->lock);
    w_finish(&w, r);
}
/* InMemoryDBTable.queryByRange: a shard bound is 0 when null or empty, otherwise
 * Long.valueOf(s).intValue() (NumberFormatException -> 400, then truncated to 32 bits). */
static bool mem_bound(resp *r, const char *s, int32_t *out)
{
    *out = 0;
    if (!s || !*s)
        return true;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    bool ok = *p != 0;
    for (const char *d = p; *d; d++)
        if (*d < '0' || *d > '9')
            ok = false;
    errno = 0;
    long long v = ok ? strtoll(s, NULL, 10) : 0;
    if (!ok || errno) {
        resp_errf(r, 400, "java.lang.NumberFormatException", "For input string: \"%s\"", s);
        return false;
    }
    *out = (int32_t)(uint32_t)(unsigned long long)v;
    return true;
}
/* --mutate-on-scan (hidden, for tests): the graph changes while a client scans it.  The SHARD-th
 * scan request of KIND (0-based, counted since the last shards request of KIND) first inserts N
 * vertices {"id":"0mut-<seq>","label":VL} (KIND vertices) or N pairs of such vertices joined by an
 * edge of label EL (KIND edges), before it reads; at most TIMES times in all (0: every time). */
static struct {
    bool on, edges;
    long shard, n, times;
    char vl[64], el[64];
} g_mut;
static long g_mut_seq, g_mut_done, g_scans_seen[2];

static int mut_vertex(graph *g, arena_t *a, sb_t *s, herr *e)
{
    elem *el = NULL;
    char eb[128];
    s->len = 0;
    sb_printf(s, "{\"id\":\"0mut-%ld\",\"label\":\"%s\",\"properties\":{}}", g_mut_seq++, g_mut.vl);
    jnode *n = json_parse(a, s->p, s->len, eb, sizeof eb);
    if (!n || vertex_create(g, n, &el, e))
        return -1;
    etable_put(&g->vertices, el);
    return 0;
}
static void mutate(graph *g, bool edges)
{
    arena_t a = {0};
    sb_t s = {0};
    herr e = {0};
    pthread_rwlock_wrlock(&g->lock);
    for (long i = 0; i < g_mut.n; i++) {
        long first = g_mut_seq;
        elem *el = NULL;
        char eb[128];
        if (mut_vertex(g, &a, &s, &e) || (edges && mut_vertex(g, &a, &s, &e)))
            break;
        if (!edges)
            continue;
        s.len = 0;
        sb_printf(&s, "{\"label\":\"%s\",\"outV\":\"0mut-%ld\",\"outVLabel\":\"%s\",\"inV\":\"0mut-%ld\",\"inVLabel\":\"%s\",\"properties\":{}}",
                  g_mut.el, first, g_mut.vl, first + 1, g_mut.vl);
        jnode *n = json_parse(&a, s.p, s.len, eb, sizeof eb);
        if (!n || edge_create(g, n, true, false, &el, &e))
            break;
        etable_put(&g->edges, el);
    }
    pthread_rwlock_unlock(&g->lock);
    if (e.msg)
        fprintf(stderr, "hgserver: --mutate-on-scan: %s\n", e.msg);
    err_clear(&e);
    sb_free(&s);
    ar_free(&a);
}
static void mutate_on_scan(graph *g, bool edges)
{
    long k = __atomic_fetch_add(&g_scans_seen[edges], 1, __ATOMIC_SEQ_CST);
    if (!g_mut.on || g_mut.edges != edges || k != g_mut.shard)
        return;
    if (g_mut.times && __atomic_fetch_add(&g_mut_done, 1, __ATOMIC_SEQ_CST) >= g_mut.times)
        return;
    mutate(g, edges);
}

static void h_scan(resp *r, graph *g, bool edges, const qlist *q)
{
    const char *what = edges ? "edges" : "vertices";
    const char *start = qget(q, "start"), *end = qget(q, "end"), *page = qget(q, "page");
    long long plimit;
    if (!qlong(r, q, "page_limit", 100000, &plimit))
        return;
    if (page && (plimit <= 0 || plimit > g_capacity)) {
        resp_errf(r, 400, C_IAE, "Invalid page limit %lld, must be > 0 and <= capacity(%lld)", plimit, g_capacity);
        return;
    }
    if (!g_cfg.rocksdb && page && *page) {
        resp_err(r, 400, C_NSE, "Unsupported paging by InMemoryDBStore");
        return;
    }
    pthread_rwlock_rdlock(&g->lock);
    etable *t = edges ? &g->edges : &g->vertices;
    etable_sort(g, t);
    size_t lo, hi;
    if (!g_cfg.rocksdb) {
        /* entries with 0-based index in [start, end); an empty end is 0, so an open-ended shard
         * is empty; new ArrayList<>(end - start) rejects a negative capacity */
        int32_t s32, e32;
        if (!mem_bound(r, start, &s32) || !mem_bound(r, end, &e32)) {
            pthread_rwlock_unlock(&g->lock);
            return;
        }
        int32_t cap = (int32_t)((uint32_t)e32 - (uint32_t)s32);
        if (cap < 0) {
            pthread_rwlock_unlock(&g->lock);
            resp_errf(r, 400, C_IAE, "Illegal Capacity: %d", cap);
            return;
        }
        lo = s32 < 0 ? 0 : (size_t)s32;
        hi = e32 < 0 ? 0 : (size_t)e32;
        if (edges) { /* indexes of source vertices (see edge_groups) */
            size_t ng, *gs = edge_groups(t, &ng);
            lo = gs[lo < ng ? lo : ng];
            hi = gs[hi < ng ? hi : ng];
            free(gs);
        }
        if (page) {
            /* page "" passes InMemoryDBTable's check, but the paging layer (QueryList.OptimizedQuery)
             * then asks the plain list iterator for its page state: E.checkState -> 500 */
            pthread_rwlock_unlock(&g->lock);
            resp_err(r, 500, C_ISE, "Invalid paging iterator: class java.util.ArrayList$Itr");
            return;
        }
    } else {
        sb_t k = {0};
        bool ok = true;
        lo = 0;
        hi = t->nsorted;
        if (start && *start) {
            ok = b64_decode(&k, start, strlen(start));
            if (ok)
                lo = lower_bound_key(t, k.p, k.len);
        }
        k.len = 0;
        if (ok && end && *end) {
            ok = b64_decode(&k, end, strlen(end));
            if (ok)
                hi = lower_bound_key(t, k.p, k.len);
        }
        sb_free(&k);
        if (!ok) {
            pthread_rwlock_unlock(&g->lock);
            resp_errf(r, 400, C_IAE, "Invalid shard start '%s' or end '%s'", start ? start : "", end ? end : "");
            return;
        }
    }
    if (hi > t->nsorted)
        hi = t->nsorted;
    if (lo > hi)
        lo = hi;
    size_t from = lo, to = hi;
    bool paged = page && g_cfg.rocksdb;
    if (paged && *page) {
        size_t pos;
        if (!page_parse(page, what, &pos)) {
            pthread_rwlock_unlock(&g->lock);
            resp_errf(r, 400, C_IAE, "Invalid page '%s'", page);
            return;
        }
        from = pos < lo ? lo : pos;
    }
    if (paged && to - from > (size_t)plimit)
        to = from + (size_t)plimit;
    if (!paged && to - from > (size_t)g_capacity) {
        pthread_rwlock_unlock(&g->lock);
        resp_errf(r, 400, C_LEE, "Too many records(must <= %lld) for a query", g_capacity);
        return;
    }
    stream *st = stream_new(t, edges ? "{\"edges\":[" : "{\"vertices\":[");
    st->olap = !edges && graph_shows_olap(g);
    stream_add(st, t->sorted + from, to - from);
    sb_putc(&st->tail, ']');
    if (page) {
        page_member(&st->tail, what, paged && to < hi, to);
    }
    sb_putc(&st->tail, '}');
    pthread_rwlock_unlock(&g->lock);
    resp_stream(r, st);
}
static void h_by_ids(resp *r, graph *g, bool edges, const qlist *q)
{
    pthread_rwlock_rdlock(&g->lock);
    etable *t = edges ? &g->edges : &g->vertices;
    stream *st = stream_new(t, edges ? "{\"edges\":[" : "{\"vertices\":[");
    st->olap = !edges && graph_shows_olap(g);
    for (size_t i = 0; i < q->n; i++) {
        if (strcmp(q->p[i].k, "ids"))
            continue;
        sb_t key = {0};
        herr e = {0};
        const char *v = q->p[i].v ? q->p[i].v : "";
        if (edges) {
            /* queryEdgesByIds(verifyId=false): a malformed id is skipped */
            sb_t m = {0};
            if (edge_key_from_url(v, &key, &m))
                key.len = 0;
            sb_free(&m);
        } else if (vertex_key_from_url(g, v, &key, &e)) {
            pthread_rwlock_unlock(&g->lock);
            sb_free(&key);
            stream_free(st);
            resp_herr(r, &e);
            return;
        }
        elem *x = key.len ? etable_get(t, key.p, key.len) : NULL;
        sb_free(&key);
        if (x)
            stream_add(st, &x, 1);
    }
    sb_puts(&st->tail, "]}");
    pthread_rwlock_unlock(&g->lock);
    resp_stream(r, st);
}

/* ---------------- graph variables ---------------- */
/* The order of a Java HashMap<String, ?> of these keys (as list_graphs explains). */
static size_t *java_map_order(char *const *keys, size_t n)
{
    size_t *idx = malloc((n + 1) * sizeof *idx), *bucket = malloc((n + 1) * sizeof *bucket), cap = 16;
    while (n > cap * 3 / 4)
        cap *= 2;
    for (size_t i = 0; i < n; i++) {
        uint32_t h = 0;
        const unsigned char *p = (const unsigned char *)keys[i];
        /* UTF-16 units of the key: ASCII keys are their bytes; others approximate */
        for (; *p; p++)
            h = 31 * h + *p;
        idx[i] = i;
        bucket[i] = (h ^ (h >> 16)) & (cap - 1);
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && bucket[j - 1] > bucket[j]; j--) {
            size_t tb = bucket[j], ti = idx[j];
            bucket[j] = bucket[j - 1], idx[j] = idx[j - 1];
            bucket[j - 1] = tb, idx[j - 1] = ti;
        }
    free(bucket);
    return idx;
}

/* The value as the real server prints it back, or false with the refusal set:
 * Jackson reads an integer as Integer, Long or BigInteger (refused), a decimal as Double;
 * strings and booleans stay; lists and maps are refused (1.7.0 on rocksdb; 1.5.0 on memory
 * was seen to take a list, which hgserver does not imitate). */
static bool variable_value(resp *r, const jnode *v, sb_t *out)
{
    if (v->type == J_STR) {
        sb_json_str(out, v->s, v->slen);
    } else if (v->type == J_BOOL) {
        sb_puts(out, v->b ? "true" : "false");
    } else if (v->type == J_NUM && jnum_is_int(v)) {
        int64_t i;
        if (!jnum_i64(v, &i)) {
            resp_errf(r, 500, "java.lang.UnsupportedOperationException",
                      "Graph variable value [%s] is of type class java.math.BigInteger is not supported", v->s);
            return false;
        }
        sb_printf(out, "%lld", (long long)i);
    } else if (v->type == J_NUM) {
        java_double(out, jnum_double(v));
    } else {
        resp_errf(r, 500, "java.lang.UnsupportedOperationException",
                  "Graph variable value is of type class java.util.%s is not supported",
                  v->type == J_ARR ? "ArrayList" : "LinkedHashMap");
        return false;
    }
    return true;
}

static void put_var_json(sb_t *b, const char *key, const char *val)
{
    sb_json_str(b, key, strlen(key));
    sb_putc(b, ':');
    sb_puts(b, val);
}

/* GET .../variables, GET|PUT|DELETE .../variables/{key} */
static void h_variables(resp *r, graph *g, const char *method, struct MHD_Connection *c, sb_t *body, char **seg,
                        int nseg)
{
    if (nseg == 1) {
        if (strcmp(method, "GET")) {
            not_allowed(r);
            return;
        }
        pthread_rwlock_rdlock(&g->lock);
        size_t *order = java_map_order(g->var_key, g->nvars);
        resp_ok(r, 200);
        sb_putc(&r->body, '{');
        for (size_t i = 0; i < g->nvars; i++) {
            if (i)
                sb_putc(&r->body, ',');
            put_var_json(&r->body, g->var_key[order[i]], g->var_val[order[i]]);
        }
        sb_putc(&r->body, '}');
        free(order);
        pthread_rwlock_unlock(&g->lock);
        return;
    }
    const char *key = seg[1];
    size_t at = SIZE_MAX;
    if (!strcmp(method, "GET") || !strcmp(method, "DELETE")) {
        pthread_rwlock_wrlock(&g->lock);
        for (size_t i = 0; i < g->nvars && at == SIZE_MAX; i++)
            if (!strcmp(g->var_key[i], key))
                at = i;
        if (method[0] == 'G') {
            if (at == SIZE_MAX) {
                resp_errf(r, 404, "jakarta.ws.rs.NotFoundException", "Variable '%s' does not exist", key);
            } else {
                resp_ok(r, 200);
                sb_putc(&r->body, '{');
                put_var_json(&r->body, key, g->var_val[at]);
                sb_putc(&r->body, '}');
            }
        } else {
            if (at != SIZE_MAX) {
                free(g->var_key[at]);
                free(g->var_val[at]);
                g->nvars--;
                memmove(g->var_key + at, g->var_key + at + 1, (g->nvars - at) * sizeof *g->var_key);
                memmove(g->var_val + at, g->var_val + at + 1, (g->nvars - at) * sizeof *g->var_val);
            }
            resp_ok(r, 204);
        }
        pthread_rwlock_unlock(&g->lock);
        return;
    }
    if (strcmp(method, "PUT")) {
        not_allowed(r);
        return;
    }
    if (!json_ctype(c)) {
        unsupported_media(r);
        return;
    }
    arena_t a = {0};
    char eb[128];
    jnode *n = body->len ? json_parse(&a, body->p, body->len, eb, sizeof eb) : NULL;
    const jnode *v = NULL;
    sb_t val = {0};
    if (body->len && !n) {
        resp_errf(r, 400, NULL, "Unexpected character: %s", eb);
        goto out;
    }
    if (n && n->type == J_OBJ) {
        for (size_t i = 0; i < n->nkids; i++) {
            if (strcmp(n->kids[i]->key, "data")) {
                resp_errf(r, 400, NULL, "Unrecognized field \"%s\" (class org.apache.hugegraph.api.variables."
                          "VariablesAPI$JsonVariableValue), not marked as ignorable (one known property: \"data\"])",
                          n->kids[i]->key);
                goto out;
            }
            v = n->kids[i];
        }
    }
    if (!v || v->type == J_NULL) {
        resp_err(r, 400, C_IAE, "The variable value can't be empty");
        goto out;
    }
    if (!variable_value(r, v, &val))
        goto out;
    pthread_rwlock_wrlock(&g->lock);
    for (size_t i = 0; i < g->nvars && at == SIZE_MAX; i++)
        if (!strcmp(g->var_key[i], key))
            at = i;
    if (at == SIZE_MAX) {
        g->var_key = realloc(g->var_key, (g->nvars + 1) * sizeof *g->var_key);
        g->var_val = realloc(g->var_val, (g->nvars + 1) * sizeof *g->var_val);
        at = g->nvars++;
        g->var_key[at] = strdup(key);
    } else {
        free(g->var_val[at]);
    }
    g->var_val[at] = sb_steal(&val);
    resp_ok(r, 200);
    sb_putc(&r->body, '{');
    put_var_json(&r->body, key, g->var_val[at]);
    sb_putc(&r->body, '}');
    pthread_rwlock_unlock(&g->lock);
out:
    sb_free(&val);
    ar_free(&a);
}

/* ---------------- router ---------------- */
static void route_graph(resp *r, graph *g, const char *method, struct MHD_Connection *c, sb_t *body, char **seg,
                        int nseg, const qlist *q)
{
    if (nseg == 0) {
        if (!strcmp(method, "GET")) {
            resp_ok(r, 200);
            sb_puts(&r->body, "{\"name\":");
            sb_json_str(&r->body, g->name, strlen(g->name));
            sb_printf(&r->body, ",\"backend\":\"%s\"}", g_cfg.rocksdb ? "rocksdb" : "memory");
        } else {
            not_allowed(r);
        }
        return;
    }
    const char *s0 = seg[0];
    if (!strcmp(s0, "clear") && nseg == 1) {
        if (strcmp(method, "DELETE")) {
            not_allowed(r);
            return;
        }
        const char *cm = qget(q, "confirm_message");
        if (!cm || strcmp(cm, "I'm sure to delete all data")) {
            resp_errf(r, 400, C_IAE, "Please take the message: %s", "I'm sure to delete all data");
            return;
        }
        pthread_rwlock_wrlock(&g->lock);
        graph_clear(g);
        pthread_rwlock_unlock(&g->lock);
        resp_ok(r, 204);
        return;
    }
    if ((!strcmp(s0, "mode") || !strcmp(s0, "graph_read_mode")) && nseg == 1) {
        h_mode(r, g, method, c, body, s0[0] == 'g');
        return;
    }
    if (!strcmp(s0, "schema")) {
        h_schema(r, g, method, c, body, seg, nseg, q);
        return;
    }
    if (!strcmp(s0, "variables") && nseg <= 2) {
        h_variables(r, g, method, c, body, seg, nseg);
        return;
    }
    if (!strcmp(s0, "tasks") && nseg <= 2) {
        h_tasks(r, g, method, seg, nseg);
        return;
    }
    if (!strcmp(s0, "graph") && nseg >= 2 && (!strcmp(seg[1], "vertices") || !strcmp(seg[1], "edges"))) {
        bool edges = seg[1][0] == 'e';
        if (nseg == 2) {
            if (!strcmp(method, "GET"))
                h_list(r, g, edges, q);
            else if (!strcmp(method, "POST"))
                h_create(r, g, c, body, edges, false, q);
            else
                not_allowed(r);
            return;
        }
        if (nseg == 3 && !strcmp(seg[2], "batch") && strcmp(method, "GET") && strcmp(method, "DELETE")) {
            if (!strcmp(method, "POST"))
                h_create(r, g, c, body, edges, true, q);
            else
                resp_err(r, 400, C_NSE, "Batch update is not implemented by hgserver");
            return;
        }
        if (nseg == 3) {
            h_element(r, g, method, edges, seg[2], q);
            return;
        }
        no_route(r);
        return;
    }
    if (!strcmp(s0, "traversers") && nseg >= 2 && (!strcmp(seg[1], "vertices") || !strcmp(seg[1], "edges"))) {
        bool edges = seg[1][0] == 'e';
        if (strcmp(method, "GET")) {
            not_allowed(r);
            return;
        }
        if (nseg == 2)
            h_by_ids(r, g, edges, q);
        else if (nseg == 3 && !strcmp(seg[2], "shards")) {
            __atomic_store_n(&g_scans_seen[edges], 0, __ATOMIC_SEQ_CST);
            h_shards(r, g, edges, q);
        } else if (nseg == 3 && !strcmp(seg[2], "scan")) {
            mutate_on_scan(g, edges);
            h_scan(r, g, edges, q);
        }
        else
            no_route(r);
        return;
    }
    no_route(r);
}

static void list_graphs_locked(resp *r, const char *space);
static void list_graphs(resp *r, const char *space)
{
    pthread_mutex_lock(&g_graphs_lock);
    list_graphs_locked(r, space);
    pthread_mutex_unlock(&g_graphs_lock);
}
static void list_graphs_locked(resp *r, const char *space)
{
    /* The real server lists the keys of its graph map (a ConcurrentHashMap<String, Graph>), so the
     * order is the map's bucket order: bucket = (h ^ h >>> 16) & (capacity - 1) with h the Java
     * String hash of the name, capacity 16 doubled while there are more than 0.75 * capacity graphs
     * (e.g. g, empty, other -> other, g, empty on 1.5.0 and 1.7.0).  Names in one bucket keep the
     * order they were given in (the real server's is its directory listing order). */
    char **names = malloc((g_ngraphs + 1) * sizeof *names);
    size_t *bucket = malloc((g_ngraphs + 1) * sizeof *bucket);
    size_t cap = 16, ng = 0;
    for (size_t i = 0; i < g_ngraphs; i++)
        if (in_space(g_graphs[i], space))
            names[ng++] = g_graphs[i]->name;
    while (ng > cap * 3 / 4)
        cap *= 2;
    for (size_t i = 0; i < ng; i++) {
        uint32_t h = 0;
        /* graph names are ASCII ([A-Za-z][A-Za-z0-9_]*), so UTF-8 bytes are UTF-16 units */
        for (const unsigned char *p = (const unsigned char *)names[i]; *p; p++)
            h = 31 * h + *p;
        bucket[i] = (h ^ (h >> 16)) & (cap - 1);
    }
    for (size_t i = 1; i < ng; i++)
        for (size_t j = i; j > 0 && bucket[j - 1] > bucket[j]; j--) {
            size_t tb = bucket[j];
            bucket[j] = bucket[j - 1];
            bucket[j - 1] = tb;
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    resp_ok(r, 200);
    sb_puts(&r->body, "{\"graphs\":[");
    for (size_t i = 0; i < ng; i++) {
        if (i)
            sb_putc(&r->body, ',');
        sb_json_str(&r->body, names[i], strlen(names[i]));
    }
    sb_puts(&r->body, "]}");
    free(bucket);
    free(names);
}

/* own_check: the API checks the user's permission itself (ManagerAPI) */
static bool check_auth(resp *r, struct MHD_Connection *c, const char *method, bool own_check)
{
    r->who = 1;
    if (!g_auth_user)
        return true;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!h) {
        resp_err(r, 401, "jakarta.ws.rs.NotAuthorizedException", "Authentication credentials are required");
        r->www_auth = "Missing authentication credentials";
        return false;
    }
    if (!strncasecmp(h, "Bearer ", 7)) {
        resp_err(r, 401, "jakarta.ws.rs.NotAuthorizedException", "Authentication failed");
        r->www_auth = "Authentication failed";
        return false;
    }
    if (strncasecmp(h, "Basic ", 6)) {
        resp_err(r, 400, "jakarta.ws.rs.BadRequestException", "Only HTTP Basic or Bearer authentication is supported");
        return false;
    }
    const char *b = h + 6;
    while (*b == ' ')
        b++;
    sb_t dec = {0};
    bool ok = b64_decode(&dec, b, strlen(b));
    char *colon = ok && dec.p ? memchr(dec.p, ':', dec.len) : NULL;
    if (!ok || !colon || colon == dec.p || colon + 1 == dec.p + dec.len || memchr(colon + 1, ':', (size_t)(dec.p + dec.len - colon - 1))) {
        sb_free(&dec);
        resp_err(r, 400, "jakarta.ws.rs.BadRequestException", "Invalid syntax for username and password");
        return false;
    }
    *colon = 0;
    const char *u = dec.p, *p = colon + 1;
    int who = 0;
    if (!strcmp(u, g_auth_user) && !strcmp(p, g_auth_pass))
        who = 1;
    else if (g_reader_user && !strcmp(u, g_reader_user) && !strcmp(p, g_reader_pass))
        who = 2;
    else if (hgauth_login(u, p))
        who = 3;
    snprintf(r->user, sizeof r->user, "%s", u);
    sb_free(&dec);
    r->who = who;
    if (!who) {
        resp_err(r, 401, "jakarta.ws.rs.NotAuthorizedException", "Authentication failed");
        r->www_auth = "Incorrect username or password";
        return false;
    }
    if (who >= 2 && strcmp(method, "GET") && strcmp(method, "HEAD") && !(who == 3 && own_check)) {
        resp_err(r, 403, "jakarta.ws.rs.ForbiddenException", "User not authorized.");
        return false;
    }
    return true;
}

/* POST .../graphs/{name}?clone_graph_name={from}: a graph configured like `from` (hgserver's
 * graphs share one configuration).  1.x takes text/plain (a body-less POST has no type), 1.7 JSON and
 * only with authentication on: without it the real 1.7.0 fails on its missing auth context. */
static void h_create_graph(resp *r, struct MHD_Connection *c, const char *space, const char *name, const qlist *q,
                           const sb_t *body)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    const char *from = qget(q, "clone_graph_name");
    if (g_cfg.persona == 17 ? !json_ctype(c) : ct != NULL && strncasecmp(ct, "text/plain", 10) != 0) {
        unsupported_media(r);
        return;
    }
    if (g_cfg.persona == 17 && !g_auth_user) {
        resp_err(r, 500, "java.lang.NullPointerException",
                 "Cannot invoke \"org.apache.hugegraph.auth.HugeGraphAuthProxy$Context.user()\" because the return "
                 "value of \"org.apache.hugegraph.auth.HugeGraphAuthProxy.getContext()\" is null");
        return;
    }
    pthread_mutex_lock(&g_graphs_lock);
    bool exists = false, from_ok = false;
    for (size_t i = 0; i < g_ngraphs; i++) {
        if (!in_space(g_graphs[i], space))
            continue;
        exists |= !strcmp(g_graphs[i]->name, name);
        from_ok |= from && !strcmp(g_graphs[i]->name, from);
    }
    if (exists)
        resp_errf(r, 400, C_IAE, "The graph '%s' has existed", name);
    else if (from && !from_ok)
        resp_errf(r, 400, C_IAE, "The clone graph '%s' doesn't exist", from);
    else if (!from && body->len == 0)
        resp_err(r, 400, C_IAE, "The config text can't be null or empty");
    else {
        graph *g = graph_new(name);
        if (space && strcmp(space, "DEFAULT"))
            g->space = strdup(space);
        g_graphs = realloc(g_graphs, (g_ngraphs + 1) * sizeof *g_graphs);
        g_graphs[g_ngraphs++] = g;
        resp_ok(r, g_cfg.persona == 17 ? 201 : 200);
        sb_puts(&r->body, "{\"name\":");
        sb_json_str(&r->body, name, strlen(name));
        if (g_cfg.persona == 17) {
            sb_puts(&r->body, ",\"nickname\":");
            sb_json_str(&r->body, name, strlen(name));
        }
        sb_printf(&r->body, ",\"backend\":\"%s\"%s}", g_cfg.rocksdb ? "rocksdb" : "memory",
                  g_cfg.persona == 17 ? ",\"description\":\"\"" : "");
    }
    pthread_mutex_unlock(&g_graphs_lock);
}

static bool gs_exists(const char *space);
static bool g_pd;
/* /graphspaces/{gs}/auth/managers[/check|/role] (ManagerAPI, 1.7) */
static bool managers_route(resp *r, const char *method, const char *space, const char *sub, const sb_t *body, const qlist *q)
{
    static const char *const perms[] = {"NONE", "READ", "WRITE", "DELETE", "EXECUTE", "SPACE", "SPACE_MEMBER", "ADMIN", NULL};
    const char *type = qget(q, "type");
    if (sub && strcmp(sub, "check") && strcmp(sub, "role"))
        return false;
    if (type && !sub && strcmp(method, "GET") && strcmp(method, "DELETE"))
        type = NULL;
    if (type && !(sub && !strcmp(sub, "role"))) { /* Jersey turns the query's type into a HugePermission first */
        bool ok = false;
        for (int i = 0; perms[i]; i++)
            ok |= !strcmp(perms[i], type);
        if (!ok) {
            char cause[300];
            snprintf(cause, sizeof cause, "org.glassfish.jersey.internal.inject.ExtractorException: "
                     "java.lang.IllegalArgumentException: No enum constant org.apache.hugegraph.auth.HugePermission.%s", type);
            resp_err_cause(r, 404, "org.glassfish.jersey.server.ParamException$QueryParamException", "HTTP 404 Not Found", cause);
            return true;
        }
    }
    herr e = {0};
    const char *caller = r->who == 1 ? g_auth_user : r->user;
    int st = hgauth_managers(method, sub, space, g_pd, gs_exists(space), type, qget(q, "user"), caller ? caller : "",
                             body->p, body->len, &r->body, &e);
    if (st < 0) {
        resp_herr(r, &e);
    } else {
        resp_ok(r, st);
        if (!strcmp(method, "GET")) /* list, check and role declare no @Produces */
            r->ctype = "text/plain";
    }
    return true;
}

/* the auth API (auth.c): 1.3 persona .../graphs/{g}/auth/{kind}[/{id}]; 1.7
 * /graphspaces/{gs}/auth/{kind}[/{id}] (any gs: the same data), groups at /auth/groups[/{id}].
 * false: not an auth path */
static bool auth_route(resp *r, const char *method, char **segs, int n, const sb_t *body, const qlist *q)
{
    const char *kind = NULL, *id = NULL;
    /* 1.7.0's auth API takes the graphspace of its path and ignores it */
    if (g_cfg.persona == 17 && n >= 4 && n <= 5 && !strcmp(segs[0], "graphspaces") && !strcmp(segs[2], "auth") &&
        strcmp(segs[3], "groups"))
        kind = segs[3], id = n == 5 ? segs[4] : NULL;
    else if (g_cfg.persona == 17 && n >= 2 && n <= 3 && !strcmp(segs[0], "auth") && !strcmp(segs[1], "groups"))
        kind = segs[1], id = n == 3 ? segs[2] : NULL;
    else if (g_cfg.persona != 17 && n >= 4 && n <= 5 && !strcmp(segs[0], "graphs") && !strcmp(segs[2], "auth") &&
             find_graph(NULL, segs[1]))
        kind = segs[3], id = n == 5 ? segs[4] : NULL;
    /* projects (1.7: in any graphspace, whose name ProjectAPI ignores) and 1.7's managers */
    if (g_cfg.persona == 17 && n >= 4 && n <= 5 && !strcmp(segs[0], "graphspaces") && !strcmp(segs[2], "auth") &&
        (!strcmp(segs[3], "projects") || !strcmp(segs[3], "managers")))
        kind = segs[3], id = n == 5 ? segs[4] : NULL;
    if (kind && !strcmp(kind, "managers")) {
        if (g_cfg.persona != 17)
            return false;
        return managers_route(r, method, segs[1], id, body, q);
    }
    if (!kind || (strcmp(kind, "users") && strcmp(kind, "groups") && strcmp(kind, "targets") && strcmp(kind, "belongs") &&
                  strcmp(kind, "accesses") && strcmp(kind, "projects")))
        return false;
    herr e = {0};
    int st = !strcmp(kind, "projects")
                 ? hgauth_projects(method, id, qget(q, "action"), body->p, body->len, qget(q, "limit"), r->who == 1, &r->body, &e)
                 : hgauth_handle(method, kind, id, body->p, body->len, qget(q, "limit"), r->who == 1, &r->body, &e);
    if (st < 0)
        resp_herr(r, &e);
    else
        resp_ok(r, st);
    return true;
}
/* ---------------- graphspaces (1.7) ----------------
 * A real 1.7 server without PD lists no graphspace and fails every GET, POST, PUT and DELETE of one
 * with a 500 (its meta driver is null); its graphs all live in DEFAULT.  hgserver answers so unless
 * --graphspace or a gs/NAME graph defined graphspaces: then it behaves as a server with PD would (from
 * GraphSpaceAPI): DEFAULT and the defined graphspaces are listed and each has a definition. */
typedef struct {
    char *name, *nickname, *description;
    long long cpu_limit, memory_limit, storage_limit, compute_cpu_limit, compute_memory_limit;
    long long max_graph_number, max_role_number;
    char *oltp_ns, *olap_ns, *storage_ns, *image_path, *algo_url;
    bool auth;
    char *configs; /* a JSON object, as rendered */
    char create_time[32], update_time[32];
    char *creator;
} gspace;
static gspace **g_spaces;
static size_t g_nspaces;
static bool g_pd; /* graphspaces are defined: answer as a server with PD */
static pthread_mutex_t g_spaces_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const GS_FIELDS[] = {"name", "nickname", "description", "cpu_limit", "memory_limit", "storage_limit",
                                        "compute_cpu_limit", "compute_memory_limit", "oltp_namespace", "olap_namespace",
                                        "storage_namespace", "max_graph_number", "max_role_number", "dp_username",
                                        "dp_password", "auth", "configs", "operator_image_path",
                                        "internal_algorithm_image_url", NULL};

static void gs_time(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}
static gspace *gs_new(const char *name)
{
    gspace *s = calloc(1, sizeof *s);
    s->name = strdup(name);
    bool dflt = !strcmp(name, "DEFAULT");
    s->nickname = strdup(dflt ? "DEFAULT" : name);
    s->description = strdup(dflt ? "The system default graph space" : "");
    s->cpu_limit = s->compute_cpu_limit = 4;
    s->memory_limit = s->compute_memory_limit = 8;
    s->storage_limit = 100;
    s->max_graph_number = s->max_role_number = 100;
    s->oltp_ns = strdup("");
    s->olap_ns = strdup("");
    s->storage_ns = strdup("");
    s->image_path = strdup("");
    s->algo_url = strdup("");
    s->configs = strdup("{}");
    s->creator = strdup("anonymous");
    gs_time(s->create_time, sizeof s->create_time);
    memcpy(s->update_time, s->create_time, sizeof s->update_time);
    return s;
}
static void gs_free(gspace *s)
{
    free(s->name);
    free(s->nickname);
    free(s->description);
    free(s->oltp_ns);
    free(s->olap_ns);
    free(s->storage_ns);
    free(s->image_path);
    free(s->algo_url);
    free(s->configs);
    free(s->creator);
    free(s);
}
static gspace *gs_find_locked(const char *name)
{
    for (size_t i = 0; i < g_nspaces; i++)
        if (!strcmp(g_spaces[i]->name, name))
            return g_spaces[i];
    return NULL;
}
/* defines graphspace name (at start-up): hgserver then answers as a server with PD */
static void gs_define(const char *name)
{
    g_pd = true;
    if (!gs_find_locked("DEFAULT")) {
        g_spaces = realloc(g_spaces, (g_nspaces + 1) * sizeof *g_spaces);
        g_spaces[g_nspaces++] = gs_new("DEFAULT");
    }
    if (!gs_find_locked(name)) {
        g_spaces = realloc(g_spaces, (g_nspaces + 1) * sizeof *g_spaces);
        g_spaces[g_nspaces++] = gs_new(name);
    }
}
/* true when graphs may be listed or created in space; without PD the real 1.7.0 makes up a
 * graphspace for any name (GraphManager.graphSpace() is never null there) */
static bool gs_exists(const char *space)
{
    if (!g_pd)
        return true;
    pthread_mutex_lock(&g_spaces_lock);
    bool ok = gs_find_locked(space) != NULL;
    pthread_mutex_unlock(&g_spaces_lock);
    return ok;
}
static void gs_str(sb_t *b, const char *v)
{
    if (v)
        sb_json_str(b, v, strlen(v));
    else
        sb_puts(b, "null");
}
static void gs_render(sb_t *b, const gspace *s)
{
    size_t graphs = 0;
    pthread_mutex_lock(&g_graphs_lock);
    for (size_t i = 0; i < g_ngraphs; i++)
        graphs += in_space(g_graphs[i], s->name);
    pthread_mutex_unlock(&g_graphs_lock);
    sb_puts(b, "{\"name\":");
    gs_str(b, s->name);
    sb_puts(b, ",\"nickname\":");
    gs_str(b, s->nickname);
    sb_puts(b, ",\"description\":");
    gs_str(b, s->description);
    sb_printf(b, ",\"cpu_limit\":%lld,\"memory_limit\":%lld,\"storage_limit\":%lld,\"compute_cpu_limit\":%lld,"
                 "\"compute_memory_limit\":%lld,\"oltp_namespace\":",
              s->cpu_limit, s->memory_limit, s->storage_limit, s->compute_cpu_limit, s->compute_memory_limit);
    gs_str(b, s->oltp_ns);
    sb_puts(b, ",\"olap_namespace\":");
    gs_str(b, s->olap_ns);
    sb_puts(b, ",\"storage_namespace\":");
    gs_str(b, s->storage_ns);
    sb_printf(b, ",\"max_graph_number\":%lld,\"max_role_number\":%lld,\"configs\":%s,\"cpu_used\":0,\"memory_used\":0,"
                 "\"storage_used\":0,\"storage_percent\":0.0,\"graph_number_used\":%zu,\"role_number_used\":0,"
                 "\"auth\":%s,\"operator_image_path\":",
              s->max_graph_number, s->max_role_number, s->configs, graphs, s->auth ? "true" : "false");
    gs_str(b, s->image_path);
    sb_puts(b, ",\"internal_algorithm_image_url\":");
    gs_str(b, s->algo_url);
    sb_printf(b, ",\"create_time\":\"%s\",\"update_time\":\"%s\",\"creator\":", s->create_time, s->update_time);
    gs_str(b, s->creator);
    sb_putc(b, '}');
}
static void npe_meta(resp *r)
{
    resp_err(r, 500, "java.lang.NullPointerException",
             "Cannot invoke \"org.apache.hugegraph.meta.PdMetaDriver.pdClient()\" because \"metaDriver\" is null");
}
static void npe_auth_context(resp *r)
{
    resp_err(r, 500, "java.lang.NullPointerException",
             "Cannot invoke \"org.apache.hugegraph.auth.HugeGraphAuthProxy$Context.user()\" because the return "
             "value of \"org.apache.hugegraph.auth.HugeGraphAuthProxy.getContext()\" is null");
}
/* The fields of a create or update body into s (only those present when update); false with the
 * response set when one is refused.  Ints must be JSON integers, strings strings. */
static bool gs_fields(resp *r, const jnode *n, gspace *s, bool update)
{
    for (size_t i = 0; i < n->nkids; i++) {
        const jnode *k = n->kids[i];
        const char *key = k->key;
        long long *iv = !strcmp(key, "cpu_limit")              ? &s->cpu_limit
                        : !strcmp(key, "memory_limit")         ? &s->memory_limit
                        : !strcmp(key, "storage_limit")        ? &s->storage_limit
                        : !strcmp(key, "compute_cpu_limit")    ? &s->compute_cpu_limit
                        : !strcmp(key, "compute_memory_limit") ? &s->compute_memory_limit
                        : !strcmp(key, "max_graph_number")     ? &s->max_graph_number
                        : !strcmp(key, "max_role_number")      ? &s->max_role_number
                                                               : NULL;
        char **sv = !strcmp(key, "nickname")                       ? &s->nickname
                    : !strcmp(key, "description")                  ? &s->description
                    : !strcmp(key, "oltp_namespace")               ? &s->oltp_ns
                    : !strcmp(key, "olap_namespace")               ? &s->olap_ns
                    : !strcmp(key, "storage_namespace")            ? &s->storage_ns
                    : !strcmp(key, "operator_image_path")          ? &s->image_path
                    : !strcmp(key, "internal_algorithm_image_url") ? &s->algo_url
                                                                   : NULL;
        if (iv) {
            int64_t x;
            if (k->type != J_NUM || !jnum_i64(k, &x) || x < INT32_MIN || x > INT32_MAX) {
                resp_errf(r, 400, NULL, "Cannot deserialize value of type `int` for field \"%s\"", key);
                return false;
            }
            if (!update || x != 0)
                *iv = x;
        } else if (sv) {
            if (k->type == J_NULL)
                continue;
            if (k->type != J_STR) {
                resp_errf(r, 400, NULL, "Cannot deserialize value of type `java.lang.String` for field \"%s\"", key);
                return false;
            }
            if (update && k->slen == 0)
                continue;
            free(*sv);
            *sv = strndup(k->s, k->slen);
        } else if (!strcmp(key, "auth")) {
            if (k->type != J_BOOL) {
                resp_errf(r, 400, NULL, "Cannot deserialize value of type `boolean` for field \"auth\"");
                return false;
            }
            if (!update)
                s->auth = k->b;
        } else if (!strcmp(key, "configs")) {
            if (k->type == J_NULL)
                continue;
            if (k->type != J_OBJ) {
                resp_errf(r, 400, NULL, "Cannot deserialize value of type `java.util.Map` for field \"configs\"");
                return false;
            }
            if (update && k->nkids == 0)
                continue;
            sb_t c = {0};
            json_render(&c, k);
            free(s->configs);
            s->configs = sb_steal(&c);
        } else if (update || !strcmp(key, "name") || !strcmp(key, "dp_username") || !strcmp(key, "dp_password")) {
            continue;
        } else {
            herr e = {0};
            err_jackson_unknown(&e, key, "org.apache.hugegraph.api.space.GraphSpaceAPI$JsonGraphSpace", GS_FIELDS);
            resp_herr(r, &e);
            return false;
        }
    }
    return true;
}
/* GET /graphspaces, GET|PUT|DELETE /graphspaces/{gs}, POST /graphspaces */
static void h_graphspaces(resp *r, struct MHD_Connection *c, const char *method, const char *name, const sb_t *body)
{
    if (!name && !strcmp(method, "GET")) {
        resp_ok(r, 200);
        sb_puts(&r->body, "{\"graphSpaces\":[");
        pthread_mutex_lock(&g_spaces_lock);
        for (size_t i = 0; i < g_nspaces; i++) {
            if (i)
                sb_putc(&r->body, ',');
            sb_json_str(&r->body, g_spaces[i]->name, strlen(g_spaces[i]->name));
        }
        pthread_mutex_unlock(&g_spaces_lock);
        sb_puts(&r->body, "]}");
        return;
    }
    if (name && !strcmp(method, "GET")) {
        if (!g_pd) {
            npe_meta(r);
            return;
        }
        pthread_mutex_lock(&g_spaces_lock);
        gspace *s = gs_find_locked(name);
        if (s) {
            resp_ok(r, 200);
            gs_render(&r->body, s);
        } else
            resp_errf(r, 404, C_NFE, "Graph space '%s' does not exist", name);
        pthread_mutex_unlock(&g_spaces_lock);
        return;
    }
    if (!name && strcmp(method, "POST")) {
        not_allowed(r);
        return;
    }
    if (name && strcmp(method, "PUT") && strcmp(method, "DELETE")) {
        not_allowed(r);
        return;
    }
    if (strcmp(method, "DELETE") && !json_ctype(c)) {
        unsupported_media(r);
        return;
    }
    arena_t a = {0};
    char eb[128];
    const jnode *n = NULL;
    gspace *s = NULL;
    if (strcmp(method, "DELETE")) {
        n = body->len ? json_parse(&a, body->p, body->len, eb, sizeof eb) : NULL;
        if (body->len && !n) {
            resp_errf(r, 400, NULL, "Unexpected character: %s", eb);
            goto out;
        }
        if (n && n->type != J_OBJ) {
            resp_err(r, 400, NULL, "Cannot deserialize value of type `JsonGraphSpace` from a non-object value");
            goto out;
        }
    }
    if (!strcmp(method, "POST")) {
        /* checkCreate comes first, then the admin role, then the graphspace's meta data */
        s = gs_new("x");
        free(s->nickname);
        free(s->description);
        s->nickname = s->description = NULL; /* absent: Java null */
        const jnode *nm = n ? jget(n, "name") : NULL;
        s->max_graph_number = s->cpu_limit = s->memory_limit = s->storage_limit = 0;
        s->compute_cpu_limit = s->compute_memory_limit = 0;
        if (n && !gs_fields(r, n, s, false))
            goto out;
        if (!nm || nm->type != J_STR || nm->slen == 0) {
            resp_err(r, 400, C_IAE, "The name of graph space can't be null or empty");
            goto out;
        }
        if (s->max_graph_number <= 0) {
            resp_err(r, 400, C_IAE, "The max graph number must > 0");
            goto out;
        }
        const char *what[] = {"cpu", "memory", "storage"};
        long long v[] = {s->cpu_limit, s->memory_limit, s->storage_limit};
        for (int i = 0; i < 3; i++)
            if (v[i] <= 0) {
                resp_errf(r, 400, C_IAE, "The %s limit must be > 0, but got: %lld", what[i], v[i]);
                goto out;
            }
        if (!g_auth_user) {
            npe_auth_context(r);
            goto out;
        }
        if (!g_pd) { /* every name "exists" there */
            resp_errf(r, 400, C_IAE, "The graph space '%.*s' has existed", (int)nm->slen, nm->s);
            goto out;
        }
        free(s->name);
        s->name = strndup(nm->s, nm->slen);
        free(s->creator);
        s->creator = strdup("test");
        pthread_mutex_lock(&g_spaces_lock);
        if (gs_find_locked(s->name)) {
            pthread_mutex_unlock(&g_spaces_lock);
            resp_errf(r, 400, C_IAE, "The graph space '%s' has existed", s->name);
            goto out;
        }
        g_spaces = realloc(g_spaces, (g_nspaces + 1) * sizeof *g_spaces);
        g_spaces[g_nspaces++] = s;
        resp_ok(r, 201);
        gs_render(&r->body, s);
        s = NULL;
        pthread_mutex_unlock(&g_spaces_lock);
        goto out;
    }
    if (!strcmp(method, "DELETE")) {
        if (!strcmp(name, "DEFAULT")) {
            resp_err(r, 400, C_HUGE, "cannot delete service graph space DEFAULT");
            goto out;
        }
        if (!g_pd) {
            resp_err(r, 500, "java.lang.NullPointerException",
                     "Cannot invoke \"org.apache.hugegraph.meta.managers.AuthMetaManager.clearGraphAuth(String)\" "
                     "because \"this.authMetaManager\" is null");
            goto out;
        }
        pthread_mutex_lock(&g_graphs_lock);
        bool used = false;
        for (size_t i = 0; i < g_ngraphs; i++)
            used |= in_space(g_graphs[i], name);
        pthread_mutex_unlock(&g_graphs_lock);
        pthread_mutex_lock(&g_spaces_lock);
        size_t i = 0;
        while (i < g_nspaces && strcmp(g_spaces[i]->name, name))
            i++;
        if (i == g_nspaces)
            resp_errf(r, 404, C_NFE, "Graph space '%s' does not exist", name);
        else if (used) /* hgserver keeps graphs: a graphspace with graphs stays */
            resp_errf(r, 400, C_HUGE, "Graph space '%s' still has graphs", name);
        else {
            gs_free(g_spaces[i]);
            memmove(g_spaces + i, g_spaces + i + 1, (g_nspaces - i - 1) * sizeof *g_spaces);
            g_nspaces--;
            resp_ok(r, 204);
        }
        pthread_mutex_unlock(&g_spaces_lock);
        goto out;
    }
    /* PUT: {"action":"update","update":{...}} */
    const jnode *act = n ? jget(n, "action") : NULL, *up = n ? jget(n, "update") : NULL;
    if (!n || n->nkids != 2 || !act) {
        resp_errf(r, 400, C_IAE, "Invalid request body '%.*s'", (int)body->len, body->p ? body->p : "");
        goto out;
    }
    if (act->type != J_STR || strcmp(act->s, "update")) {
        resp_err(r, 400, C_IAE, "Invalid action, only 'update' is supported");
        goto out;
    }
    const jnode *nm = up && up->type == J_OBJ ? jget(up, "name") : NULL;
    if (!up || up->type != J_OBJ) {
        resp_err(r, 400, C_IAE, "The 'update' must be map");
        goto out;
    }
    if (!nm || nm->type == J_NULL) {
        resp_err(r, 500, "java.lang.NullPointerException",
                 "Cannot invoke \"String.equals(Object)\" because \"gsName\" is null");
        goto out;
    }
    if (nm->type != J_STR || strcmp(nm->s, name)) {
        resp_err(r, 400, C_IAE, "Different name in update body with in path");
        goto out;
    }
    if (g_pd) {
        pthread_mutex_lock(&g_spaces_lock);
        bool known = gs_find_locked(name) != NULL;
        pthread_mutex_unlock(&g_spaces_lock);
        if (!known) {
            resp_errf(r, 404, C_NFE, "Can't find graph space with name '%s'", name);
            goto out;
        }
    }
    /* GraphSpaceAPI.manage casts these five to int: a missing one is a NullPointerException */
    static const char *const need[] = {"max_graph_number", "max_role_number", "cpu_limit", "memory_limit",
                                       "storage_limit"};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
        const jnode *v = jget(up, need[i]);
        if (!v || v->type == J_NULL) {
            resp_err(r, 500, "java.lang.NullPointerException",
                     "Cannot invoke \"java.lang.Integer.intValue()\" because the return value of "
                     "\"java.util.Map.get(Object)\" is null");
            goto out;
        }
    }
    if (!g_pd) {
        resp_err(r, 500, "java.lang.NullPointerException",
                 "Cannot invoke \"org.apache.hugegraph.meta.managers.SpaceMetaManager.addGraphSpaceConfig(String, "
                 "org.apache.hugegraph.space.GraphSpace)\" because \"this.spaceMetaManager\" is null");
        goto out;
    }
    pthread_mutex_lock(&g_spaces_lock);
    gspace *ex = gs_find_locked(name);
    if (!ex)
        resp_errf(r, 404, C_NFE, "Can't find graph space with name '%s'", name);
    else if (gs_fields(r, up, ex, true)) {
        gs_time(ex->update_time, sizeof ex->update_time);
        resp_ok(r, 200);
        gs_render(&r->body, ex);
    }
    pthread_mutex_unlock(&g_spaces_lock);
out:
    if (s)
        gs_free(s);
    ar_free(&a);
}

static void dispatch(resp *r, struct MHD_Connection *c, const char *url, const char *method, sb_t *body, const qlist *q)
{
    /* split raw path, decode each segment */
    char *segs[64];
    int n = 0;
    const char *p = url;
    while (*p && n < 64) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        sb_t s = {0};
        url_decode(&s, p, len, false);
        segs[n++] = sb_steal(&s);
        p += len;
    }
    if (n == 1 && !strcmp(segs[0], "versions")) {
        if (strcmp(method, "GET"))
            not_allowed(r);
        else {
            resp_ok(r, 200);
            sb_printf(&r->body, "{\"versions\":{\"version\":\"v1\",\"core\":\"%s\",\"gremlin\":\"3.5.1\",\"api\":\"0.71.0.0\"}}",
                      g_cfg.persona == 17 ? "1.7.0" : "1.3.0");
        }
        goto out;
    }
    if (!check_auth(r, c, method, g_cfg.persona == 17 && n >= 4 && !strcmp(segs[0], "graphspaces") && !strcmp(segs[2], "auth") &&
                                      !strcmp(segs[3], "managers")))
        goto out;
    if (auth_route(r, method, segs, n, body, q))
        goto out;
    char **gs = segs;
    int gn = n;
    const char *space = "DEFAULT";
    if (n >= 1 && !strcmp(segs[0], "graphspaces")) {
        if (g_cfg.persona != 17) {
            no_route(r);
            goto out;
        }
        if (n <= 2) {
            h_graphspaces(r, c, method, n == 2 ? segs[1] : NULL, body);
            goto out;
        }
        if (strcmp(segs[2], "graphs")) {
            no_route(r);
            goto out;
        }
        space = segs[1];
        gs = segs + 2;
        gn = n - 2;
        if (g_pd && !gs_exists(space)) { /* GraphManager with PD: HugeException */
            resp_err(r, 400, C_HUGE, "Graphspace not exist!");
            goto out;
        }
    }
    if (gn >= 1 && !strcmp(gs[0], "graphs")) {
        if (gn == 1) {
            if (!strcmp(method, "GET"))
                list_graphs(r, space); /* an unknown graphspace lists none (real 1.7.0 without PD) */
            else
                not_allowed(r);
            goto out;
        }
        if (gn == 2 && !strcmp(method, "POST")) {
            if (!gs_exists(space))
                resp_errf(r, 400, C_IAE, "Not existed graph space: '%s'", space);
            else
                h_create_graph(r, c, space, gs[1], q, body);
            goto out;
        }
        graph *g = find_graph(space, gs[1]);
        if (!g) { /* also in an unknown graphspace: see missing-graph-500 of the differential test */
            resp_errf(r, 404, C_NFE, "Graph '%s' does not exist", gs[1]);
            goto out;
        }
        route_graph(r, g, method, c, body, gs + 2, gn - 2, q);
        goto out;
    }
    no_route(r);
out:
    for (int i = 0; i < n; i++)
        free(segs[i]);
}

/* ---------------- MHD glue ---------------- */
typedef struct {
    char *data;
    size_t len, cut;
} cutctx;
static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    cutctx *c = cls;
    if (pos >= c->cut)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = c->cut - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, c->data + pos, n);
    return (ssize_t)n;
}
static void cut_free(void *cls)
{
    cutctx *c = cls;
    free(c->data);
    free(c);
}
static double fail_rand(void)
{
    pthread_mutex_lock(&g_fail_lock);
    g_fail_rng ^= g_fail_rng << 13;
    g_fail_rng ^= g_fail_rng >> 7;
    g_fail_rng ^= g_fail_rng << 17;
    uint64_t v = g_fail_rng;
    pthread_mutex_unlock(&g_fail_lock);
    return (double)(v >> 11) / 9007199254740992.0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    reqctx *ctx = *con_cls;
    if (!ctx) {
        ctx = calloc(1, sizeof *ctx);
        *con_cls = ctx;
        return MHD_YES;
    }
    if (*upload_size) {
        sb_putn(&ctx->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (g_latency_ms > 0)
        usleep((useconds_t)g_latency_ms * 1000);
    qlist q = {0};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
    if (!strcmp(method, "HEAD"))
        method = "GET"; /* Jersey answers HEAD like GET; MHD drops the body */
    resp r = {0};
    int fail = 0;
    if (g_fail_rate > 0 && strcmp(url, "/versions")) {
        double x = fail_rand();
        if (x < g_fail_rate)
            fail = 1 + (int)(fail_rand() * 3);
    }
    if (fail == 1)
        resp_err(&r, 500, C_ISE, "Injected failure (hgserver --fail-rate)");
    else if (fail == 2)
        resp_err(&r, 503, "jakarta.ws.rs.ServiceUnavailableException",
                 "The server is too busy to process the request, you can config restserver.max_worker_threads or restserver.min_free_memory to adjust it or try again later");
    else
        dispatch(&r, c, url, method, &ctx->body, &q);
    qfree(&q);
    struct MHD_Response *mr;
    if (r.st) {
        if (fail == 3)
            r.st->cut_at = r.st->n / 2;
        sb_free(&r.body);
        mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 65536, stream_reader, r.st, stream_free);
    } else if (fail == 3 && r.body.len >= 2) {
        cutctx *cc = malloc(sizeof *cc);
        cc->len = r.body.len;
        cc->cut = r.body.len / 2;
        cc->data = sb_steal(&r.body);
        mr = MHD_create_response_from_callback(cc->len, 65536, cut_reader, cc, cut_free);
    } else {
        size_t len = r.body.len;
        char *data = sb_steal(&r.body);
        if (r.status == 204) {
            free(data);
            mr = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        } else
            mr = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    }
    if (r.status != 204)
        MHD_add_response_header(mr, "Content-Type", r.ctype ? r.ctype : CT_JSON);
    if (r.gzip)
        MHD_add_response_header(mr, "Content-Encoding", "gzip");
    if (r.www_auth)
        MHD_add_response_header(mr, "WWW-Authenticate", r.www_auth);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r.status, mr);
    MHD_destroy_response(mr);
    return ret;
}
static void on_complete(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    reqctx *ctx = *con_cls;
    if (ctx) {
        sb_free(&ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: %s --listen HOST:PORT [--graph [GS/]NAME]... [--load [GS/]NAME=DIR]... [--generate [GS/]NAME=V,E[,SEED]]...\n"
            "                [--graphspace NAME]...\n"
            "                [--auth USER:PASSWORD] [--reader USER:PASSWORD] [--persona 1.3|1.7] [--backend memory|rocksdb]\n"
            "                [--latency-ms N] [--fail-rate P[,SEED]] [--batch-max N] [--threads N] [--gzip-level 0-9]\n"
            "                [--self-test]\n",
            program_invocation_short_name); /* hgserver, or hugegraph-reference-server installed */
}
static bool split_cred(const char *arg, char **u, char **p)
{
    const char *c = strchr(arg, ':');
    if (!c)
        return false;
    *u = strndup(arg, (size_t)(c - arg));
    *p = strdup(c + 1);
    return true;
}
/* NAME, or GS/NAME: graph NAME in graphspace GS (which it defines) */
static graph *add_graph(const char *arg)
{
    const char *slash = strchr(arg, '/');
    char *space = slash ? strndup(arg, (size_t)(slash - arg)) : NULL;
    const char *name = slash ? slash + 1 : arg;
    if (find_graph(space, name)) {
        fprintf(stderr, "hgserver: duplicate graph '%s'\n", arg);
        exit(2);
    }
    if (space)
        gs_define(space);
    graph *g = graph_new(name);
    if (space && strcmp(space, "DEFAULT"))
        g->space = space;
    else
        free(space);
    g_graphs = realloc(g_graphs, (g_ngraphs + 1) * sizeof *g_graphs);
    g_graphs[g_ngraphs++] = g;
    return g;
}

/* Frees the graphs and credentials: at exit, so that LeakSanitizer stays quiet. */
static void free_globals(void)
{
    for (size_t i = 0; i < g_ngraphs; i++)
        graph_free(g_graphs[i]);
    free(g_graphs);
    hgauth_free();
    for (size_t i = 0; i < g_nspaces; i++)
        gs_free(g_spaces[i]);
    free(g_spaces);
    free(g_auth_user);
    free(g_auth_pass);
    free(g_reader_user);
    free(g_reader_pass);
}

int main(int argc, char **argv)
{
    const char *listen = "127.0.0.1:8080";
    int threads = 4;
    bool dumped = false;
    /* first pass: options that change how graphs are built */
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "--persona"))
            g_cfg.persona = !strcmp(argv[i + 1], "1.3") ? 13 : 17;
        else if (!strcmp(argv[i], "--backend"))
            g_cfg.rocksdb = !strcmp(argv[i + 1], "rocksdb");
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--self-test"))
            return selftest();
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        }
        if (!v) {
            usage();
            return 2;
        }
        i++;
        if (!strcmp(a, "--listen"))
            listen = v;
        else if (!strcmp(a, "--graph"))
            add_graph(v);
        else if (!strcmp(a, "--graphspace"))
            gs_define(v);
        else if (!strcmp(a, "--load") || !strcmp(a, "--generate")) {
            const char *eq = strchr(v, '=');
            if (!eq) {
                usage();
                return 2;
            }
            char *name = strndup(v, (size_t)(eq - v));
            graph *g = add_graph(name);
            free(name);
            char err[512] = "";
            int rc;
            if (a[2] == 'l') {
                rc = load_graph(g, eq + 1, err, sizeof err);
            } else {
                long nv = 0, ne = 0;
                unsigned long long seed = 1;
                if (sscanf(eq + 1, "%ld,%ld,%llu", &nv, &ne, &seed) < 2 || nv < 0 || ne < 0) {
                    usage();
                    return 2;
                }
                rc = generate_graph(g, nv, ne, seed, err, sizeof err);
            }
            if (rc) {
                fprintf(stderr, "hgserver: %s %s: %s\n", a, v, err);
                return 1;
            }
        } else if (!strcmp(a, "--auth")) {
            if (!split_cred(v, &g_auth_user, &g_auth_pass)) {
                usage();
                return 2;
            }
        } else if (!strcmp(a, "--reader")) {
            if (!split_cred(v, &g_reader_user, &g_reader_pass)) {
                usage();
                return 2;
            }
        } else if (!strcmp(a, "--persona")) {
            if (!strcmp(v, "1.3"))
                g_cfg.persona = 13;
            else if (!strcmp(v, "1.7"))
                g_cfg.persona = 17;
            else {
                usage();
                return 2;
            }
        } else if (!strcmp(a, "--backend")) {
            if (!strcmp(v, "rocksdb"))
                g_cfg.rocksdb = true;
            else if (!strcmp(v, "memory"))
                g_cfg.rocksdb = false;
            else {
                usage();
                return 2;
            }
        } else if (!strcmp(a, "--latency-ms"))
            g_latency_ms = atol(v);
        else if (!strcmp(a, "--mutate-on-scan")) {
            /* hidden, for tests: KIND,SHARD,N,TIMES,VL[,EL] (see mutate_on_scan) */
            char kind[16];
            int used = 0;
            if (sscanf(v, "%15[a-z],%ld,%ld,%ld,%63[^,]%n", kind, &g_mut.shard, &g_mut.n, &g_mut.times, g_mut.vl, &used) != 5 ||
                (strcmp(kind, "vertices") && strcmp(kind, "edges"))) {
                usage();
                return 2;
            }
            g_mut.edges = kind[0] == 'e';
            if (v[used] == ',')
                snprintf(g_mut.el, sizeof g_mut.el, "%s", v + used + 1);
            if (g_mut.edges && !g_mut.el[0]) {
                usage();
                return 2;
            }
            g_mut.on = true;
        } else if (!strcmp(a, "--capacity")) {
            /* hidden, for tests: the query capacity (800000 in HugeGraph) */
            char *end;
            g_capacity = strtoll(v, &end, 10);
            if (*v < '0' || *v > '9' || *end) {
                usage();
                return 2;
            }
        }
        else if (!strcmp(a, "--fail-rate")) {
            unsigned long long seed = 0;
            if (sscanf(v, "%lf,%llu", &g_fail_rate, &seed) == 2 && seed)
                g_fail_rng = seed * 2654435761ULL + 1;
        } else if (!strcmp(a, "--dump")) {
            /* --dump NAME=DIR: write graph NAME in the backup layout and exit (must follow its definition) */
            const char *eq = strchr(v, '=');
            char *name = eq ? strndup(v, (size_t)(eq - v)) : NULL;
            graph *g = name ? find_graph(NULL, name) : NULL;
            free(name);
            char err[512] = "";
            if (!g || dump_graph(g, eq + 1, err, sizeof err)) {
                fprintf(stderr, "hgserver: --dump %s: %s\n", v, g ? err : "no such graph");
                return 1;
            }
            dumped = true;
        } else if (!strcmp(a, "--batch-max"))
            g_cfg.batch_max = atoi(v);
        else if (!strcmp(a, "--threads"))
            threads = atoi(v);
        else if (!strcmp(a, "--gzip-level")) {
            char *end;
            long lv = strtol(v, &end, 10);
            if (*end || end == v || lv < 0 || lv > 9) {
                usage();
                return 2;
            }
            g_gzip_level = (int)lv;
        }
        else {
            usage();
            return 2;
        }
    }
    if (dumped) {
        free_globals();
        return 0;
    }
    const char *colon = strrchr(listen, ':');
    if (!colon) {
        usage();
        return 2;
    }
    char host[128];
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "hgserver: bad listen address '%s'\n", listen);
        return 2;
    }
    sigset_t set;
    signal(SIGINT, SIG_DFL); /* background shells start us with SIGINT ignored */
    signal(SIGTERM, SIG_DFL);
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (threads < 1)
        threads = 1;
    /* With --latency-ms every connection gets its own thread: the delay (a sleep before the answer)
     * then holds up only its own connection, as network latency does, instead of every connection
     * that shares a pool thread with it. */
    hgauth_init(g_cfg.persona, g_auth_user, g_auth_pass);
    hgauth_system_graph(g_ngraphs ? g_graphs[0]->name : NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | (g_latency_ms > 0 ? MHD_USE_THREAD_PER_CONNECTION : MHD_USE_AUTO), 0,
        NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
        g_latency_ms > 0 ? 0u : (unsigned)threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_complete, NULL, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "hgserver: cannot listen on %s\n", listen);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on http://%s:%u\n", host, info ? (unsigned)info->port : 0);
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    free_globals();
    return 0;
}
