/* hgserver utilities: string builder, arena, JSON with raw numbers, encodings. */
#include "hg.h"

#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

/* ---------------- sb ---------------- */
void sb_grow(sb_t *s, size_t need)
{
    if (s->len + need + 1 <= s->cap)
        return;
    size_t nc = s->cap ? s->cap * 2 : 256;
    while (nc < s->len + need + 1)
        nc *= 2;
    char *p = realloc(s->p, nc);
    if (!p)
        abort();
    s->p = p;
    s->cap = nc;
}
void sb_putn(sb_t *s, const char *d, size_t n)
{
    sb_grow(s, n);
    memcpy(s->p + s->len, d, n);
    s->len += n;
    s->p[s->len] = 0;
}
void sb_puts(sb_t *s, const char *d) { sb_putn(s, d, strlen(d)); }
void sb_putc(sb_t *s, char c)
{
    sb_grow(s, 1);
    s->p[s->len++] = c;
    s->p[s->len] = 0;
}
void sb_printf(sb_t *s, const char *fmt, ...)
{
    va_list ap;
    sb_grow(s, 64);
    size_t room = s->cap - s->len;
    va_start(ap, fmt);
    int n = vsnprintf(s->p + s->len, room, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= room) {
        sb_grow(s, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(s->p + s->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    s->len += (size_t)n;
}
void sb_free(sb_t *s)
{
    free(s->p);
    s->p = NULL;
    s->len = s->cap = 0;
}
char *sb_steal(sb_t *s)
{
    if (!s->p)
        sb_grow(s, 1), s->p[0] = 0;
    char *p = s->p;
    s->p = NULL;
    s->len = s->cap = 0;
    return p;
}
void sb_i64(sb_t *s, int64_t v)
{
    char b[24];
    int n = 24;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        b[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        b[--n] = '-';
    sb_putn(s, b + n, (size_t)(24 - n));
}
/* How many bytes of d[0..n) come before the first '"', '\\' or control character: eight bytes at
 * a time. A byte equal to '"' or '\\', or below 0x20, sets its high bit in hit; bits above the first
 * such byte may be set wrongly (borrows), the lowest one is exact. */
static size_t json_plain_len(const char *d, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w, q, b;
        memcpy(&w, d + i, 8);
        w = le64toh(w);
        q = w ^ (ones * '"');
        b = w ^ (ones * '\\');
        uint64_t hit = (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & highs;
        if (hit)
            return i + (size_t)__builtin_ctzll(hit) / 8;
    }
    while (i < n && (unsigned char)d[i] >= 0x20 && d[i] != '"' && d[i] != '\\')
        i++;
    return i;
}
void sb_json_str(sb_t *s, const char *d, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    sb_grow(s, n + 2);
    s->p[s->len++] = '"';
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        i += json_plain_len(d + i, n - i);
        if (i == n)
            break;
        unsigned char c = (unsigned char)d[i];
        sb_putn(s, d + start, i - start);
        start = i + 1;
        switch (c) {
        case '"': sb_putn(s, "\\\"", 2); break;
        case '\\': sb_putn(s, "\\\\", 2); break;
        case '\n': sb_putn(s, "\\n", 2); break;
        case '\r': sb_putn(s, "\\r", 2); break;
        case '\t': sb_putn(s, "\\t", 2); break;
        case '\b': sb_putn(s, "\\b", 2); break;
        case '\f': sb_putn(s, "\\f", 2); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            sb_putn(s, u, 6);
        }
        }
    }
    sb_putn(s, d + start, n - start);
    sb_putc(s, '"');
}

/* ---------------- arena ---------------- */
struct arena_chunk {
    arena_chunk *next;
    size_t used, cap;
    char mem[];
};
void *ar_alloc(arena_t *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    arena_chunk *c = a->head;
    if (!c || c->used + n > c->cap) {
        size_t cap = n > 65536 ? n : 65536;
        c = malloc(sizeof *c + cap);
        if (!c)
            abort();
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->mem + c->used;
    c->used += n;
    return p;
}
char *ar_strndup(arena_t *a, const char *s, size_t n)
{
    char *p = ar_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}
void ar_free(arena_t *a)
{
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
}
void ar_reset(arena_t *a)
{
    /* keep the newest chunk only */
    if (!a->head)
        return;
    arena_chunk *keep = a->head, *c = keep->next;
    while (c) {
        arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    keep->next = NULL;
    keep->used = 0;
}

/* ---------------- JSON parser ---------------- */
typedef struct {
    arena_t *a;
    const char *p, *end;
    char *err;
    size_t errlen;
    int depth;
    const char *start;
} jp;

static void jp_ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}
static jnode *jp_fail(jp *j, const char *what)
{
    if (j->err && !j->err[0]) {
        if (j->p < j->end && (unsigned char)*j->p < 0x20 && (!strcmp(what, "Unexpected character") || !strcmp(what, "Unrecognized token")))
            snprintf(j->err, j->errlen, /* Jackson's text, e.g. for a gzip body where none is decompressed */
                     "Illegal character ((CTRL-CHAR, code %d)): only regular white space (\\r, \\n, \\t) is allowed between tokens",
                     (unsigned char)*j->p);
        else
            snprintf(j->err, j->errlen, "%s at offset %ld", what, (long)(j->p - j->start));
    }
    return NULL;
}
static void utf8_put(sb_t *s, unsigned cp)
{
    if (cp < 0x80)
        sb_putc(s, (char)cp);
    else if (cp < 0x800) {
        sb_putc(s, (char)(0xC0 | (cp >> 6)));
        sb_putc(s, (char)(0x80 | (cp & 63)));
    } else if (cp < 0x10000) {
        sb_putc(s, (char)(0xE0 | (cp >> 12)));
        sb_putc(s, (char)(0x80 | ((cp >> 6) & 63)));
        sb_putc(s, (char)(0x80 | (cp & 63)));
    } else {
        sb_putc(s, (char)(0xF0 | (cp >> 18)));
        sb_putc(s, (char)(0x80 | ((cp >> 12) & 63)));
        sb_putc(s, (char)(0x80 | ((cp >> 6) & 63)));
        sb_putc(s, (char)(0x80 | (cp & 63)));
    }
}
static int hexv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
static bool jp_string(jp *j, char **out, size_t *olen)
{
    /* j->p at opening quote */
    j->p++;
    const char *st = j->p;
    /* fast path: no escapes */
    j->p += json_plain_len(j->p, (size_t)(j->end - j->p));
    if (j->p < j->end && (unsigned char)*j->p < 0x20)
        return false;
    if (j->p < j->end && *j->p == '"') {
        *out = ar_strndup(j->a, st, (size_t)(j->p - st));
        *olen = (size_t)(j->p - st);
        j->p++;
        return true;
    }
    sb_t s = {0};
    sb_putn(&s, st, (size_t)(j->p - st));
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if ((unsigned char)c < 0x20) {
            sb_free(&s);
            return false;
        }
        if (c != '\\') {
            sb_putc(&s, c);
            continue;
        }
        if (j->p >= j->end)
            break;
        c = *j->p++;
        switch (c) {
        case '"': sb_putc(&s, '"'); break;
        case '\\': sb_putc(&s, '\\'); break;
        case '/': sb_putc(&s, '/'); break;
        case 'b': sb_putc(&s, '\b'); break;
        case 'f': sb_putc(&s, '\f'); break;
        case 'n': sb_putc(&s, '\n'); break;
        case 'r': sb_putc(&s, '\r'); break;
        case 't': sb_putc(&s, '\t'); break;
        case 'u': {
            if (j->end - j->p < 4) { sb_free(&s); return false; }
            unsigned cp = 0;
            for (int i = 0; i < 4; i++) {
                int h = hexv(j->p[i]);
                if (h < 0) { sb_free(&s); return false; }
                cp = cp * 16 + (unsigned)h;
            }
            j->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
                unsigned lo = 0;
                bool ok = true;
                for (int i = 0; i < 4; i++) {
                    int h = hexv(j->p[2 + i]);
                    if (h < 0) ok = false;
                    else lo = lo * 16 + (unsigned)h;
                }
                if (ok && lo >= 0xDC00 && lo < 0xE000) {
                    j->p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
            }
            utf8_put(&s, cp);
            break;
        }
        default:
            sb_free(&s);
            return false;
        }
    }
    if (j->p >= j->end) {
        sb_free(&s);
        return false;
    }
    j->p++;
    *out = ar_strndup(j->a, s.p ? s.p : "", s.len);
    *olen = s.len;
    sb_free(&s);
    return true;
}
static void kids_free(jnode **kids, jnode **few)
{
    if (kids != few)
        free(kids);
}
static jnode *jp_value(jp *j)
{
    jp_ws(j);
    if (j->p >= j->end)
        return jp_fail(j, "Unexpected end-of-input");
    if (++j->depth > 1000)
        return jp_fail(j, "Too deep");
    jnode *n = ar_alloc(j->a, sizeof *n);
    memset(n, 0, sizeof *n);
    char c = *j->p;
    if (c == '{' || c == '[') {
        bool obj = c == '{';
        n->type = obj ? J_OBJ : J_ARR;
        j->p++;
        /* the members are gathered on the stack (on the heap past 16) and then copied to the arena */
        jnode *few[16], **kids = few;
        size_t cap = 16;
        jp_ws(j);
        if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
            j->p++;
            j->depth--;
            return n;
        }
        for (;;) {
            char *key = NULL;
            size_t keylen = 0;
            jp_ws(j);
            if (obj) {
                if (j->p >= j->end || *j->p != '"' || !jp_string(j, &key, &keylen)) {
                    kids_free(kids, few);
                    return jp_fail(j, "Expected field name");
                }
                jp_ws(j);
                if (j->p >= j->end || *j->p != ':') {
                    kids_free(kids, few);
                    return jp_fail(j, "Expected ':'");
                }
                j->p++;
            }
            jnode *k = jp_value(j);
            if (!k) {
                kids_free(kids, few);
                return NULL;
            }
            k->key = key;
            k->keylen = keylen;
            if (n->nkids == cap) {
                cap *= 2;
                if (kids == few) {
                    kids = malloc(cap * sizeof *kids);
                    memcpy(kids, few, sizeof few);
                } else {
                    kids = realloc(kids, cap * sizeof *kids);
                }
            }
            kids[n->nkids++] = k;
            jp_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
                j->p++;
                break;
            }
            kids_free(kids, few);
            return jp_fail(j, "Unexpected character");
        }
        n->kids = ar_alloc(j->a, n->nkids * sizeof *kids);
        memcpy(n->kids, kids, n->nkids * sizeof *kids);
        kids_free(kids, few);
        j->depth--;
        return n;
    }
    j->depth--;
    if (c == '"') {
        n->type = J_STR;
        if (!jp_string(j, &n->s, &n->slen))
            return jp_fail(j, "Invalid string");
        return n;
    }
    if (c == 't' && j->end - j->p >= 4 && !memcmp(j->p, "true", 4)) {
        n->type = J_BOOL;
        n->b = true;
        j->p += 4;
        return n;
    }
    if (c == 'f' && j->end - j->p >= 5 && !memcmp(j->p, "false", 5)) {
        n->type = J_BOOL;
        j->p += 5;
        return n;
    }
    if (c == 'n' && j->end - j->p >= 4 && !memcmp(j->p, "null", 4)) {
        n->type = J_NULL;
        j->p += 4;
        return n;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *st = j->p;
        if (*j->p == '-')
            j->p++;
        if (j->p >= j->end || !isdigit((unsigned char)*j->p))
            return jp_fail(j, "Invalid number");
        while (j->p < j->end && isdigit((unsigned char)*j->p))
            j->p++;
        if (j->p < j->end && *j->p == '.') {
            j->p++;
            if (j->p >= j->end || !isdigit((unsigned char)*j->p))
                return jp_fail(j, "Invalid number");
            while (j->p < j->end && isdigit((unsigned char)*j->p))
                j->p++;
        }
        if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
            j->p++;
            if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
                j->p++;
            if (j->p >= j->end || !isdigit((unsigned char)*j->p))
                return jp_fail(j, "Invalid number");
            while (j->p < j->end && isdigit((unsigned char)*j->p))
                j->p++;
        }
        n->type = J_NUM;
        n->s = ar_strndup(j->a, st, (size_t)(j->p - st));
        n->slen = (size_t)(j->p - st);
        return n;
    }
    return jp_fail(j, "Unrecognized token");
}
jnode *json_parse(arena_t *a, const char *text, size_t len, char *errbuf, size_t errlen)
{
    jp j = {a, text, text + len, errbuf, errlen, 0, text};
    if (errbuf && errlen)
        errbuf[0] = 0;
    jnode *n = jp_value(&j);
    if (!n) {
        if (errbuf && !errbuf[0])
            snprintf(errbuf, errlen, "Unexpected end-of-input");
        return NULL;
    }
    jp_ws(&j);
    if (j.p != j.end) {
        /* Jackson ignores trailing tokens by default */
    }
    return n;
}
jnode *jget(const jnode *obj, const char *key)
{
    if (!obj || obj->type != J_OBJ)
        return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < obj->nkids; i++)
        if (obj->kids[i]->keylen == kl && !memcmp(obj->kids[i]->key, key, kl))
            return obj->kids[i];
    return NULL;
}
bool jnum_is_int(const jnode *n)
{
    return n->type == J_NUM && !strpbrk(n->s, ".eE");
}
bool jnum_i64(const jnode *n, int64_t *out)
{
    if (n->type != J_NUM)
        return false;
    if (jnum_is_int(n)) {
        errno = 0;
        long long v = strtoll(n->s, NULL, 10);
        if (errno)
            return false;
        *out = v;
        return true;
    }
    double d = strtod(n->s, NULL);
    if (d != floor(d) || d < -9.2233720368547758e18 || d >= 9.2233720368547758e18)
        return false;
    *out = (int64_t)d;
    return true;
}
double jnum_double(const jnode *n) { return strtod(n->s, NULL); }

void json_render(sb_t *s, const jnode *n)
{
    switch (n->type) {
    case J_NULL: sb_puts(s, "null"); break;
    case J_BOOL: sb_puts(s, n->b ? "true" : "false"); break;
    case J_NUM:
        if (jnum_is_int(n))
            sb_putn(s, n->s, n->slen);
        else
            java_double(s, jnum_double(n));
        break;
    case J_STR: sb_json_str(s, n->s, n->slen); break;
    case J_ARR:
    case J_OBJ:
        sb_putc(s, n->type == J_ARR ? '[' : '{');
        for (size_t i = 0; i < n->nkids; i++) {
            if (i)
                sb_putc(s, ',');
            if (n->type == J_OBJ) {
                sb_json_str(s, n->kids[i]->key, n->kids[i]->keylen);
                sb_putc(s, ':');
            }
            json_render(s, n->kids[i]);
        }
        sb_putc(s, n->type == J_ARR ? ']' : '}');
        break;
    }
}

/* ---------------- LongEncoding ---------------- */
static const char B64SYM[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~";
void longenc_sortable(sb_t *s, int64_t n)
{
    bool neg = false;
    uint64_t u;
    if (n < 0) {
        neg = true;
        u = (uint64_t)n + (uint64_t)INT64_MIN;
    } else {
        u = (uint64_t)n;
    }
    char buf[16];
    int len = 0;
    do {
        buf[len++] = B64SYM[u & 63];
        u >>= 6;
    } while (u);
    if (neg)
        sb_putc(s, '0');
    sb_putc(s, "0123456789ABCDEF"[len]);
    while (len)
        sb_putc(s, buf[--len]);
}
int64_t sortable_double(double d)
{
    int64_t bits;
    if (isnan(d))
        d = NAN;
    memcpy(&bits, &d, 8);
    return bits ^ ((bits >> 63) & INT64_MAX);
}
int64_t sortable_float(float f)
{
    int32_t bits;
    memcpy(&bits, &f, 4);
    int32_t r = bits ^ ((bits >> 31) & 0x7fffffff);
    return (int64_t)r;
}

/* ---------------- Java Double.toString / Float.toString ----------------
 * The JVMs HugeGraph runs on (11, 17) print doubles with the pre-JDK-19 digit generator, which is
 * not always the shortest round-trip form (1.0E23 prints as 9.999999999999999E22, integers between
 * 2^53 and 2^63 keep up to 19 digits, Double.MIN_VALUE is 4.9E-324). Jackson writes Double and Float
 * through Double.toString / Float.toString, so this reproduces that generator: an exact integer path
 * for whole numbers below 2^63, and otherwise a Steele-White style loop over exact big integers that
 * stops as soon as the remainder is within half an ulp, in 32-bit, 64-bit or big arithmetic chosen by
 * the operand sizes exactly as the JDK chooses (the three differ in the "high" comparison and in how
 * an overflowing ulp is treated). Checked against JDK 17 on 400000 random doubles and floats. */
#define BN_W 90
typedef struct {
    uint32_t w[BN_W];
    int n;
} bn_t;
static void bn_norm(bn_t *a)
{
    while (a->n > 0 && !a->w[a->n - 1])
        a->n--;
}
static void bn_mul_small(bn_t *a, uint32_t m)
{
    uint64_t c = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->w[i] * m + c;
        a->w[i] = (uint32_t)t;
        c = t >> 32;
    }
    if (c)
        a->w[a->n++] = (uint32_t)c;
}
static void bn_shl(bn_t *a, int k)
{
    int ws = k / 32, bs = k % 32;
    if (!a->n)
        return;
    if (ws) {
        for (int i = a->n - 1; i >= 0; i--)
            a->w[i + ws] = a->w[i];
        for (int i = 0; i < ws; i++)
            a->w[i] = 0;
        a->n += ws;
    }
    if (bs) {
        uint32_t c = 0;
        for (int i = ws; i < a->n; i++) {
            uint32_t t = a->w[i];
            a->w[i] = t << bs | c;
            c = t >> (32 - bs);
        }
        if (c)
            a->w[a->n++] = c;
    }
}
/* v * 5^p5 * 2^p2 */
static void bn_set(bn_t *a, uint64_t v, int p5, int p2)
{
    memset(a, 0, sizeof *a);
    a->w[0] = (uint32_t)v;
    a->w[1] = (uint32_t)(v >> 32);
    a->n = 2;
    bn_norm(a);
    for (; p5 >= 13; p5 -= 13)
        bn_mul_small(a, 1220703125u);
    if (p5) {
        uint32_t m = 1;
        while (p5--)
            m *= 5;
        bn_mul_small(a, m);
    }
    bn_shl(a, p2);
}
static int bn_cmp(const bn_t *a, const bn_t *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}
static void bn_add(bn_t *r, const bn_t *a, const bn_t *b)
{
    int n = a->n > b->n ? a->n : b->n;
    uint64_t c = 0;
    for (int i = 0; i < n; i++) {
        uint64_t t = c + (i < a->n ? a->w[i] : 0) + (i < b->n ? b->w[i] : 0);
        r->w[i] = (uint32_t)t;
        c = t >> 32;
    }
    r->n = n;
    if (c)
        r->w[r->n++] = (uint32_t)c;
}
static void bn_sub(bn_t *a, const bn_t *b) /* a -= b, a >= b */
{
    int64_t c = 0;
    for (int i = 0; i < a->n; i++) {
        int64_t t = (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0) + c;
        a->w[i] = (uint32_t)t;
        c = t < 0 ? -1 : 0;
    }
    bn_norm(a);
}
/* q = a / s (q < 10 expected), a = (a % s) * 10 */
static int bn_quorem10(bn_t *a, const bn_t *s)
{
    int q = 0;
    while (bn_cmp(a, s) >= 0) {
        bn_sub(a, s);
        q++;
    }
    bn_mul_small(a, 10);
    return q;
}

static const int N5BITS[] = {0, 3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56, 59, 61};
#define N5BITS_LEN 27

typedef struct {
    char d[32];
    int nd, dexp; /* value = 0.d[0..nd) * 10^dexp */
} fdbuf;

static void fd_roundup(fdbuf *f)
{
    int i = f->nd - 1;
    char q = f->d[i];
    if (q == '9') {
        while (q == '9' && i > 0) {
            f->d[i] = '0';
            q = f->d[--i];
        }
        if (q == '9') {
            f->dexp++;
            f->d[0] = '1';
            return;
        }
    }
    f->d[i] = (char)(q + 1);
}

static void fd_long_digits(fdbuf *f, int dexp, uint64_t lv, int insig)
{
    if (insig) {
        uint64_t p10 = 1;
        for (int i = 0; i < insig; i++)
            p10 *= 10;
        uint64_t res = lv % p10;
        lv /= p10;
        dexp += insig;
        if (res >= p10 / 2)
            lv++;
    }
    char tmp[24];
    int n = 0;
    while (lv % 10 == 0) {
        dexp++;
        lv /= 10;
    }
    while (lv) {
        tmp[n++] = (char)('0' + lv % 10);
        lv /= 10;
    }
    f->nd = n;
    for (int i = 0; i < n; i++)
        f->d[i] = tmp[n - 1 - i];
    f->dexp = dexp + n;
}

static int est_dec_exp(uint64_t fract, int binexp)
{
    uint64_t bits = 0x3FF0000000000000ULL | (fract & 0x000FFFFFFFFFFFFFULL);
    double d2;
    memcpy(&d2, &bits, 8);
    volatile double a = (d2 - 1.5) * 0.289529654;
    volatile double b = a + 0.176091259;
    volatile double c = (double)binexp * 0.301029995663981;
    double d = b + c;
    return (int)floor(d);
}

/* fract: 53 significant bits with the top one at bit 52; value = fract * 2^(binexp-52) */
static void fd_dtoa(fdbuf *f, int binexp, uint64_t fract, int nsig)
{
    int tailz = __builtin_ctzll(fract);
    int nfract = 53 - tailz;
    int ntiny = nfract - binexp - 1;
    if (ntiny < 0)
        ntiny = 0;
    if (binexp <= 62 && binexp >= -21 && ntiny < 27 && nfract + N5BITS[ntiny] < 64 && ntiny == 0) {
        int insig = 0;
        if (binexp > nsig) {
            int p2 = binexp - nsig - 1;
            insig = p2 > 1 ? (int)floor(p2 * 0.30102999566398119521) : 0;
        }
        uint64_t v = binexp >= 52 ? fract << (binexp - 52) : fract >> (52 - binexp);
        fd_long_digits(f, 0, v, insig);
        return;
    }
    int dexp = est_dec_exp(fract, binexp);
    int B5 = dexp < 0 ? -dexp : 0;
    int B2 = B5 + ntiny + binexp;
    int S5 = dexp > 0 ? dexp : 0;
    int S2 = S5 + ntiny;
    int M5 = B5;
    int M2 = B2 - nsig;
    fract >>= tailz;
    B2 -= nfract - 1;
    int common = B2 < S2 ? B2 : S2;
    B2 -= common;
    S2 -= common;
    M2 -= common;
    if (nfract == 1)
        M2 -= 1;
    if (M2 < 0) {
        B2 -= M2;
        S2 -= M2;
        M2 = 0;
    }
    int Bbits = nfract + B2 + (B5 < N5BITS_LEN ? N5BITS[B5] : B5 * 3);
    int tenSbits = S2 + 1 + (S5 + 1 < N5BITS_LEN ? N5BITS[S5 + 1] : (S5 + 1) * 3);
    int nd = 0, q;
    bool low, high;
    int lowdiff = 0; /* sign of 2*b - 10*s */
    if (Bbits < 64 && tenSbits < 64) {
        bool is32 = Bbits < 32 && tenSbits < 32;
        /* Java int/long arithmetic, wrapping like the JVM */
        uint64_t mask = is32 ? 0xFFFFFFFFULL : ~0ULL;
        uint64_t p5 = 1;
        for (int i = 0; i < B5; i++)
            p5 *= 5;
        int64_t b = (int64_t)(((fract * p5) << B2) & mask);
        p5 = 1;
        for (int i = 0; i < S5; i++)
            p5 *= 5;
        int64_t s = (int64_t)((p5 << S2) & mask);
        p5 = 1;
        for (int i = 0; i < M5; i++)
            p5 *= 5;
        uint64_t mu = (p5 << M2) & mask;
        int64_t tens = (int64_t)(((uint64_t)s * 10) & mask);
#define WRAP(x) (is32 ? (int64_t)(int32_t)(uint32_t)(x) : (int64_t)(x))
        b = WRAP(b);
        s = WRAP(s);
        tens = WRAP(tens);
        int64_t m = WRAP(mu);
        q = (int)(b / s);
        b = WRAP((uint64_t)(b % s) * 10);
        m = WRAP((uint64_t)m * 10);
        low = b < m;
        high = WRAP((uint64_t)b + (uint64_t)m) > tens;
        if (q == 0 && !high)
            dexp--;
        else
            f->d[nd++] = (char)('0' + q);
        if (dexp < -3 || dexp >= 8)
            high = low = false;
        while (!low && !high) {
            q = (int)(b / s);
            b = WRAP((uint64_t)(b % s) * 10);
            m = WRAP((uint64_t)m * 10);
            if (m > 0) {
                low = b < m;
                high = WRAP((uint64_t)b + (uint64_t)m) > tens;
            } else {
                low = high = true;
            }
            f->d[nd++] = (char)('0' + q);
        }
        int64_t ld = WRAP(((uint64_t)b << 1) - (uint64_t)tens);
        lowdiff = ld > 0 ? 1 : ld < 0 ? -1 : 0;
#undef WRAP
    } else {
        bn_t B, S, M, T, sum;
        bn_set(&B, fract, B5, B2);
        bn_set(&S, 1, S5, S2);
        bn_set(&M, 1, M5, M2);
        T = S;
        bn_mul_small(&T, 10);
        q = bn_quorem10(&B, &S);
        bn_mul_small(&M, 10);
        low = bn_cmp(&B, &M) < 0;
        bn_add(&sum, &B, &M);
        high = bn_cmp(&T, &sum) <= 0;
        if (q == 0 && !high)
            dexp--;
        else
            f->d[nd++] = (char)('0' + q);
        if (dexp < -3 || dexp >= 8)
            high = low = false;
        while (!low && !high) {
            q = bn_quorem10(&B, &S);
            bn_mul_small(&M, 10);
            low = bn_cmp(&B, &M) < 0;
            bn_add(&sum, &B, &M);
            high = bn_cmp(&T, &sum) <= 0;
            f->d[nd++] = (char)('0' + q);
        }
        if (high && low) {
            bn_shl(&B, 1);
            lowdiff = bn_cmp(&B, &T);
        }
    }
    f->nd = nd;
    f->dexp = dexp + 1;
    if (high) {
        if (low) {
            if (lowdiff == 0) {
                if ((f->d[nd - 1] - '0') & 1)
                    fd_roundup(f);
            } else if (lowdiff > 0) {
                fd_roundup(f);
            }
        } else {
            fd_roundup(f);
        }
    }
}

static void java_fmt(sb_t *s, double d, bool isfloat)
{
    if (isnan(d)) { sb_puts(s, "NaN"); return; }
    if (isinf(d)) { sb_puts(s, d < 0 ? "-Infinity" : "Infinity"); return; }
    if (d == 0) { sb_puts(s, signbit(d) ? "-0.0" : "0.0"); return; }
    uint64_t fract;
    int binexp, nsig;
    bool neg;
    if (isfloat) {
        float fl = (float)d;
        uint32_t fb;
        memcpy(&fb, &fl, 4);
        neg = fb >> 31;
        uint32_t fr = fb & 0x7FFFFF;
        binexp = (int)((fb >> 23) & 0xFF);
        if (!binexp) {
            int lz = __builtin_clz(fr);
            int sh = lz - 8;
            fr <<= sh;
            binexp = 1 - sh;
            nsig = 32 - lz;
        } else {
            fr |= 0x800000;
            nsig = 24;
        }
        binexp -= 127;
        fract = (uint64_t)fr << 29;
    } else {
        uint64_t db;
        memcpy(&db, &d, 8);
        neg = db >> 63;
        fract = db & 0x000FFFFFFFFFFFFFULL;
        binexp = (int)((db >> 52) & 0x7FF);
        if (!binexp) {
            int lz = __builtin_clzll(fract);
            int sh = lz - 11;
            fract <<= sh;
            binexp = 1 - sh;
            nsig = 64 - lz;
        } else {
            fract |= 1ULL << 52;
            nsig = 53;
        }
        binexp -= 1023;
    }
    fdbuf f;
    fd_dtoa(&f, binexp, fract, nsig);
    if (neg)
        sb_putc(s, '-');
    if (f.dexp > 0 && f.dexp < 8) {
        int cl = f.nd < f.dexp ? f.nd : f.dexp;
        sb_putn(s, f.d, (size_t)cl);
        if (cl < f.dexp) {
            for (int i = cl; i < f.dexp; i++)
                sb_putc(s, '0');
            sb_puts(s, ".0");
        } else {
            sb_putc(s, '.');
            if (cl < f.nd)
                sb_putn(s, f.d + cl, (size_t)(f.nd - cl));
            else
                sb_putc(s, '0');
        }
    } else if (f.dexp <= 0 && f.dexp > -3) {
        sb_puts(s, "0.");
        for (int i = 0; i < -f.dexp; i++)
            sb_putc(s, '0');
        sb_putn(s, f.d, (size_t)f.nd);
    } else {
        sb_putc(s, f.d[0]);
        sb_putc(s, '.');
        if (f.nd > 1)
            sb_putn(s, f.d + 1, (size_t)(f.nd - 1));
        else
            sb_putc(s, '0');
        sb_printf(s, "E%d", f.dexp - 1);
    }
}
void java_double(sb_t *s, double d) { java_fmt(s, d, false); }
void java_float(sb_t *s, float f) { java_fmt(s, (double)f, true); }

/* ---------------- base64 ---------------- */
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
void b64_encode(sb_t *s, const unsigned char *d, size_t n)
{
    sb_grow(s, (n + 2) / 3 * 4);
    size_t i;
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
        char o[4] = {B64[v >> 18], B64[(v >> 12) & 63], B64[(v >> 6) & 63], B64[v & 63]};
        sb_putn(s, o, 4);
    }
    if (i < n) {
        uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0);
        char o[4] = {B64[v >> 18], B64[(v >> 12) & 63], i + 1 < n ? B64[(v >> 6) & 63] : '=', '='};
        sb_putn(s, o, 4);
    }
}
bool b64_decode(sb_t *out, const char *s, size_t n)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t pad = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int v;
        if (c == '=') { pad++; continue; }
        if (pad)
            return false;
        const char *f = memchr(B64, c, 64);
        if (!f || !c)
            return false;
        v = (int)(f - B64);
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            sb_putc(out, (char)((acc >> bits) & 0xFF));
        }
    }
    if (pad > 2)
        return false;
    if (!out->p)
        sb_grow(out, 1), out->p[0] = 0;
    return true;
}

/* ---------------- dates (UTC) ---------------- */
/* n decimal digits of v (0 <= v < 10^n), zero padded */
static void put_digits(char *o, unsigned v, int n)
{
    while (n-- > 0) {
        o[n] = (char)('0' + v % 10);
        v /= 10;
    }
}
void fmt_date(sb_t *s, int64_t ms)
{
    int64_t secs = ms / 1000, rem = ms % 1000;
    if (rem < 0) {
        rem += 1000;
        secs--;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    int year = tm.tm_year + 1900;
    if (year < 0 || year > 9999) {
        sb_printf(s, "%04d-%02d-%02d %02d:%02d:%02d.%03d", year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                  tm.tm_sec, (int)rem);
        return;
    }
    /* yyyy-MM-dd HH:mm:ss.SSS */
    char b[24] = "0000-00-00 00:00:00.000";
    put_digits(b, (unsigned)year, 4);
    put_digits(b + 5, (unsigned)tm.tm_mon + 1, 2);
    put_digits(b + 8, (unsigned)tm.tm_mday, 2);
    put_digits(b + 11, (unsigned)tm.tm_hour, 2);
    put_digits(b + 14, (unsigned)tm.tm_min, 2);
    put_digits(b + 17, (unsigned)tm.tm_sec, 2);
    put_digits(b + 20, (unsigned)rem, 3);
    sb_putn(s, b, 23);
}
bool parse_date(const char *s, size_t n, int64_t *ms)
{
    char buf[40];
    if (n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    int Y, M, D, h = 0, m = 0, sec = 0, milli = 0, c = 0;
    if (n == 10) {
        if (sscanf(buf, "%4d-%2d-%2d%n", &Y, &M, &D, &c) != 3 || c != 10)
            return false;
    } else if (n == 19) {
        if (sscanf(buf, "%4d-%2d-%2d %2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &sec, &c) != 6 || c != 19)
            return false;
    } else if (n == 23) {
        if (sscanf(buf, "%4d-%2d-%2d %2d:%2d:%2d.%3d%n", &Y, &M, &D, &h, &m, &sec, &milli, &c) != 7 || c != 23)
            return false;
    } else {
        return false;
    }
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 59 || h < 0 || m < 0 || sec < 0 || milli < 0)
        return false;
    struct tm tm = {0};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    *ms = (int64_t)t * 1000 + milli;
    return true;
}
int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------- uuid ---------------- */
bool parse_uuid(const char *s, size_t n, unsigned char out[16])
{
    /* Java UUID.fromString style: 5 dash separated hex groups; also accept 32 hex digits */
    int k = 0;
    if (n == 32) {
        for (size_t i = 0; i < 32; i += 2) {
            int a = hexv(s[i]), b = hexv(s[i + 1]);
            if (a < 0 || b < 0)
                return false;
            out[k++] = (unsigned char)(a * 16 + b);
        }
        return true;
    }
    if (n != 36)
        return false;
    for (size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
            i++;
            continue;
        }
        int a = hexv(s[i]), b = hexv(s[i + 1]);
        if (a < 0 || b < 0)
            return false;
        out[k++] = (unsigned char)(a * 16 + b);
        i += 2;
    }
    return true;
}
static const char HEX_LOWER[] = "0123456789abcdef";
void sb_hex(sb_t *s, const unsigned char *d, size_t n)
{
    sb_grow(s, 2 * n);
    char *o = s->p + s->len;
    for (size_t i = 0; i < n; i++) {
        *o++ = HEX_LOWER[d[i] >> 4];
        *o++ = HEX_LOWER[d[i] & 15];
    }
    s->len += 2 * n;
    s->p[s->len] = 0;
}
void fmt_uuid(sb_t *s, const unsigned char u[16])
{
    /* 8-4-4-4-12 lower-case hex digits */
    char b[36], *o = b;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *o++ = '-';
        *o++ = HEX_LOWER[u[i] >> 4];
        *o++ = HEX_LOWER[u[i] & 15];
    }
    sb_putn(s, b, sizeof b);
}

/* IdUtil.escape: separator only added when output non-empty; each splitor in part gets a backtick */
void escape_join_add(sb_t *s, char sep, const char *part, size_t n)
{
    if (s->len > 0)
        sb_putc(s, sep);
    for (const char *p = part, *end = part + n; p < end;) {
        const char *q = memchr(p, sep, (size_t)(end - p));
        if (!q) {
            sb_putn(s, p, (size_t)(end - p));
            break;
        }
        sb_putn(s, p, (size_t)(q - p));
        sb_putc(s, '`');
        sb_putc(s, sep);
        p = q + 1;
    }
}

bool gunzip_buf(const char *in, size_t n, sb_t *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK)
        return false;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    int rc;
    do {
        sb_grow(out, 65536);
        z.next_out = (Bytef *)out->p + out->len;
        z.avail_out = (uInt)(out->cap - out->len - 1);
        size_t before = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        out->len += before - z.avail_out;
        out->p[out->len] = 0;
        if (rc == Z_BUF_ERROR && z.avail_in == 0)
            break;
    } while (rc == Z_OK || (rc == Z_BUF_ERROR && z.avail_in));
    inflateEnd(&z);
    return rc == Z_STREAM_END;
}

/* ---------------- errors ---------------- */
int err_set(herr *e, int status, const char *cls, const char *fmt, ...)
{
    if (!e)
        return -1;
    free(e->msg);
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&e->msg, fmt, ap) < 0)
        e->msg = NULL;
    va_end(ap);
    e->status = status;
    e->cls = cls;
    return -1;
}
void err_clear(herr *e)
{
    free(e->msg);
    e->msg = NULL;
    e->status = 0;
    e->cls = NULL;
}
int err_jackson_unknown(herr *e, const char *field, const char *cls, const char *const *known)
{
    sb_t s = {0};
    int n = 0;
    for (const char *const *k = known; *k; k++)
        n++;
    sb_printf(&s, "Unrecognized field \"%s\" (class %s), not marked as ignorable (%d known properties: ", field, cls, n);
    for (int i = 0; i < n; i++)
        sb_printf(&s, "%s\"%s\"", i ? ", " : "", known[i]);
    sb_puts(&s, "])");
    err_set(e, 400, NULL, "%s", s.p);
    sb_free(&s);
    return -1;
}
/* The value lists Jackson prints for HugeGraph's enums, as real 1.7.0 prints them (the order of
 * Jackson's internal name map, not the declaration order). */
static const struct {
    const char *cls, *list;
} JACKSON_ENUM_LISTS[] = {
    {"org.apache.hugegraph.type.define.DataType", "DOUBLE, BYTE, UNKNOWN, UUID, FLOAT, BLOB, DATE, OBJECT, BOOLEAN, TEXT, INT, LONG"},
    {"org.apache.hugegraph.type.define.Cardinality", "SINGLE, SET, LIST"},
    {"org.apache.hugegraph.auth.HugePermission", "SPACE_MEMBER, EXECUTE, READ, NONE, DELETE, ADMIN, SPACE, WRITE"},
    {"org.apache.hugegraph.type.define.AggregateType", "MIN, MAX, OLD, NONE, SUM, LIST, SET"},
    {"org.apache.hugegraph.type.define.WriteType", "OLAP_SECONDARY, OLAP_RANGE, OLAP_COMMON, OLTP"},
    {"org.apache.hugegraph.type.define.IdStrategy", "DEFAULT, PRIMARY_KEY, CUSTOMIZE_NUMBER, CUSTOMIZE_UUID, AUTOMATIC, CUSTOMIZE_STRING"},
    {"org.apache.hugegraph.type.define.Frequency", "SINGLE, DEFAULT, MULTIPLE"},
    {"org.apache.hugegraph.type.define.EdgeLabelType", "SUB, PARENT, NORMAL"},
    {"org.apache.hugegraph.type.define.IndexType", "UNIQUE, RANGE_DOUBLE, SECONDARY, SEARCH, RANGE_FLOAT, RANGE_INT, RANGE_LONG, RANGE, SHARD"},
    {"org.apache.hugegraph.type.HugeType", "SERVER, UNIQUE_INDEX, EDGE_LABEL_INDEX, INDEX_LABEL, AGGR_PROPERTY_E, OLAP, "
     "RANGE_FLOAT_INDEX, KV_TYPE, RANGE_LONG_INDEX, EDGE_LABEL, PROPERTY, AGGR_PROPERTY_V, SEARCH_INDEX, COUNTER, "
     "RANGE_INT_INDEX, VERTEX, RANGE_DOUBLE_INDEX, EDGE_IN, UNKNOWN, EDGE_OUT, SHARD_INDEX, SYS_SCHEMA, KV_RAW, "
     "VERTEX_LABEL, VARIABLE, EDGE, META, SECONDARY_INDEX, MAX_TYPE, SYS_PROPERTY, VERTEX_LABEL_INDEX, TASK, PROPERTY_KEY"},
    {NULL, NULL},
};
int err_jackson_enum(herr *e, const char *val, const char *enumcls, const char *const *vals)
{
    if (g_cfg.persona == 17)
        for (int i = 0; JACKSON_ENUM_LISTS[i].cls; i++)
            if (!strcmp(JACKSON_ENUM_LISTS[i].cls, enumcls)) {
                err_set(e, 400, NULL,
                        "Cannot deserialize value of type `%s` from String \"%s\": not one of the values accepted for Enum class: [%s]",
                        enumcls, val, JACKSON_ENUM_LISTS[i].list);
                return -1;
            }
    sb_t s = {0};
    sb_printf(&s, "Cannot deserialize value of type `%s` from String \"%s\": not one of the values accepted for Enum class: [",
              enumcls, val);
    for (int i = 0; vals[i]; i++)
        sb_printf(&s, "%s%s", i ? ", " : "", vals[i]);
    sb_puts(&s, "]");
    err_set(e, 400, NULL, "%s", s.p);
    sb_free(&s);
    return -1;
}

/* ---------------- self test ---------------- */
int selftest(void)
{
    struct {
        int kind; /* 0 long, 1 double, 2 float */
        int64_t l;
        double d;
        const char *exp;
    } v[] = {
        {0, 0, 0, "10"},
        {0, 23, 0, "1N"},
        {0, 1234, 0, "2JI"},
        {0, -1, 0, "0B7~~~~~~~~~~"},
        {0, INT32_MIN, 0, "0B7~~~~z00000"},
        {0, INT64_MAX, 0, "B7~~~~~~~~~~"},
        {0, INT64_MIN, 0, "010"},
        {1, 0, 1.234, "B3~okcR8i3aO"},
        {1, 0, 2.1, "B400oCoCoCoD"},
        {2, 0, 3.1415926, "610IG~Q"},
        {2, 0, -1.0, "0B7~~~~~0V~~~"},
        {0, 1545062400000LL, 0, "7MUxuK00"},
        {0, 29, 0, "1T"},
        {0, 328, 0, "258"},
    };
    int fails = 0;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        sb_t s = {0};
        int64_t n = v[i].kind == 0 ? v[i].l : v[i].kind == 1 ? sortable_double(v[i].d) : sortable_float((float)v[i].d);
        longenc_sortable(&s, n);
        bool ok = !strcmp(s.p, v[i].exp);
        printf("%s longenc %zu: %s (expect %s)\n", ok ? "ok" : "FAIL", i, s.p, v[i].exp);
        fails += !ok;
        sb_free(&s);
    }
    struct {
        double d;
        bool f;
        const char *exp;
    } dv[] = {{1.0, false, "1.0"}, {0.5, false, "0.5"}, {1e10, false, "1.0E10"}, {0.001, false, "0.001"},
              {1e-4, false, "1.0E-4"}, {123456.789, false, "123456.789"}, {1e7, false, "1.0E7"},
              {-2.5, false, "-2.5"}, {0.1, true, "0.1"}, {3.1415926, true, "3.1415925"}, {328.0, false, "328.0"},
              {1e23, false, "9.999999999999999E22"}, {2e23, false, "1.9999999999999998E23"}, {4.9e-324, false, "4.9E-324"},
              {5958838436080787456.0, false, "5.9588384360807875E18"}, {1e21, false, "1.0E21"}, {-0.0, false, "-0.0"},
              {0.040435317903757095, true, "0.040435318"}};
    for (size_t i = 0; i < sizeof dv / sizeof dv[0]; i++) {
        sb_t s = {0};
        if (dv[i].f)
            java_float(&s, (float)dv[i].d);
        else
            java_double(&s, dv[i].d);
        bool ok = !strcmp(s.p, dv[i].exp);
        printf("%s double %zu: %s (expect %s)\n", ok ? "ok" : "FAIL", i, s.p, dv[i].exp);
        fails += !ok;
        sb_free(&s);
    }
    printf("%d failures\n", fails);
    return fails ? 1 : 0;
}
