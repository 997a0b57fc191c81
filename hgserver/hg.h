/* hgserver: in-memory reference implementation of the HugeGraph REST subset used by hugegraphfs. */
#ifndef HGSERVER_HG_H
#define HGSERVER_HG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------- string builder ---------- */
typedef struct {
    char *p;
    size_t len, cap;
} sb_t;

void sb_grow(sb_t *s, size_t need);
void sb_putn(sb_t *s, const char *d, size_t n);
void sb_puts(sb_t *s, const char *d);
void sb_putc(sb_t *s, char c);
void sb_printf(sb_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(sb_t *s);
char *sb_steal(sb_t *s);
void sb_json_str(sb_t *s, const char *d, size_t n); /* Jackson-style escaped, quoted */
void sb_i64(sb_t *s, int64_t v);
void sb_hex(sb_t *s, const unsigned char *d, size_t n); /* lower-case hex digits */

/* ---------- arena ---------- */
typedef struct arena_chunk arena_chunk;
typedef struct {
    arena_chunk *head;
} arena_t;
void *ar_alloc(arena_t *a, size_t n);
char *ar_strndup(arena_t *a, const char *s, size_t n);
void ar_free(arena_t *a);
void ar_reset(arena_t *a);

/* ---------- JSON (keeps raw number text) ---------- */
enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
typedef struct jnode jnode;
struct jnode {
    int type;
    bool b;
    char *s;      /* string value, or raw number text */
    size_t slen;
    char *key;    /* when member of object */
    size_t keylen;
    jnode **kids;
    size_t nkids;
};
jnode *json_parse(arena_t *a, const char *text, size_t len, char *errbuf, size_t errlen);
jnode *jget(const jnode *obj, const char *key);
void json_render(sb_t *s, const jnode *n); /* compact, numbers Java style */
bool jnum_is_int(const jnode *n);
bool jnum_i64(const jnode *n, int64_t *out); /* exact integral value */
double jnum_double(const jnode *n);

/* ---------- encodings ---------- */
void longenc_sortable(sb_t *s, int64_t n);
int64_t sortable_double(double d);
int64_t sortable_float(float f);
void java_double(sb_t *s, double d);
void java_float(sb_t *s, float f);
void b64_encode(sb_t *s, const unsigned char *d, size_t n);
bool b64_decode(sb_t *out, const char *s, size_t n);
void fmt_date(sb_t *s, int64_t ms);
bool parse_date(const char *s, size_t n, int64_t *ms);
bool parse_uuid(const char *s, size_t n, unsigned char out[16]);
bool java_uuid(const char *s, size_t n, unsigned char out[16]);
int64_t jnum_long_value(const jnode *v);
void fmt_uuid(sb_t *s, const unsigned char u[16]);
void escape_join_add(sb_t *s, char sep, const char *part, size_t n); /* IdUtil.escape quirk */
int64_t now_ms(void);
bool gunzip_buf(const char *in, size_t n, sb_t *out);
int selftest(void);

/* ---------- errors ---------- */
#define C_IAE "java.lang.IllegalArgumentException"
#define C_ISE "java.lang.IllegalStateException"
#define C_NFE "org.apache.hugegraph.exception.NotFoundException"
#define C_EXE "org.apache.hugegraph.exception.ExistedException"
#define C_HUGE "org.apache.hugegraph.HugeException"
#define C_NSE "org.apache.hugegraph.exception.NotSupportException"
#define C_LEE "org.apache.hugegraph.exception.LimitExceedException"
#define C_NAE "org.apache.hugegraph.exception.NotAllowException"
typedef struct {
    int status;          /* 0 = no error */
    const char *cls;     /* NULL => text/plain body */
    char *msg;
} herr;
int err_set(herr *e, int status, const char *cls, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void err_clear(herr *e);
int err_jackson_unknown(herr *e, const char *field, const char *cls, const char *const *known);
int err_jackson_enum(herr *e, const char *val, const char *enumcls, const char *const *vals);

/* ---------- graph model ---------- */
enum { ST_PK = 0, ST_VL, ST_EL, ST_IL, ST_N };
enum { MODE_NONE, MODE_RESTORING, MODE_MERGING, MODE_LOADING };
enum { DT_OBJECT, DT_BOOLEAN, DT_BYTE, DT_INT, DT_LONG, DT_FLOAT, DT_DOUBLE, DT_TEXT, DT_BLOB, DT_DATE, DT_UUID };
enum { CARD_SINGLE, CARD_LIST, CARD_SET };
enum { IDS_DEFAULT, IDS_AUTOMATIC, IDS_PRIMARY_KEY, IDS_CUSTOMIZE_STRING, IDS_CUSTOMIZE_NUMBER, IDS_CUSTOMIZE_UUID };
enum { ELT_NORMAL, ELT_PARENT, ELT_SUB };
enum { IT_SECONDARY, IT_RANGE, IT_RANGE_INT, IT_RANGE_FLOAT, IT_RANGE_LONG, IT_RANGE_DOUBLE, IT_SEARCH, IT_SHARD, IT_UNIQUE };

typedef struct {
    int64_t *v;
    size_t n;
} idlist;

typedef struct schema {
    int type;
    int64_t id;
    char *name;
    char *user_data;  /* rendered object JSON */
    /* PK */
    int data_type, card, aggr, write_type;
    /* VL / EL */
    int id_strategy;
    idlist pks, nullables, props, sort_keys, fields;
    int64_t ttl;
    int64_t ttl_start; /* pk id or 0 */
    bool eli;
    int el_type;
    int64_t parent, src, tgt;
    int freq;
    /* IL */
    int base_type; /* 0 vertex label, 1 edge label */
    int64_t base_value;
    int index_type;
} schema;

typedef struct elem {
    uint32_t keylen, jsonlen;
    uint32_t keyoff, jsonoff; /* edge ids are usually stored only once, inside the JSON */
    int64_t label;
    /* vertices with OLAP values: the JSON reads return in read mode ALL or OLAP_ONLY (fulllen 0:
     * none); an OLAP write (label OLAP_VL) holds "<pk id> <value>" there */
    uint32_t fulloff, fulllen;
    char data[]; /* key bytes and json bytes (json NUL terminated) */
} elem;
#define ELEM_KEY(e) ((e)->data + (e)->keyoff)
#define ELEM_JSON(e) ((e)->data + (e)->jsonoff)
#define OLAP_VL (-1) /* the label of an OLAP write (HugeGraph's hidden "*olap" vertex label) */
/* The JSON a read returns: with the OLAP values when olap (the read mode shows them). */
static inline const char *elem_json(const elem *e, bool olap, size_t *len)
{
    if (olap && e->fulllen) {
        *len = e->fulllen;
        return e->data + e->fulloff;
    }
    *len = e->jsonlen;
    return e->data + e->jsonoff;
}

typedef struct {
    elem **slots;
    uint32_t *hash; /* low 32 bits of each slot's key hash */
    size_t cap, count, used; /* used includes tombstones */
    elem **sorted;
    size_t nsorted;
    bool dirty;
    size_t total_bytes;
    /* streaming responses pin the table: elements replaced or deleted meanwhile are parked
     * in the graveyard and freed when the last stream ends */
    int pins;
    elem **grave;
    size_t ngrave, capgrave;
} etable;

typedef struct {
    int64_t id;
    int64_t created;
    char *type;
    char *name;
} htask;

typedef struct graph {
    char *name;
    char *space; /* its graphspace (1.7); NULL: DEFAULT */
    pthread_rwlock_t lock;
    pthread_mutex_t sort_lock;
    int mode;
    int read_mode;
    schema **sc[ST_N]; /* by ascending id */
    size_t nsc[ST_N];
    schema **byname[ST_N]; /* name index: nbyname slots (a power of 2), NULL = free */
    size_t nbyname[ST_N];
    int64_t next_id[ST_N];
    etable vertices, edges;
    etable olap; /* OLAP values by vertex key: "<pk id> <value>\n" lines, ascending pk id */
    htask *tasks;
    size_t ntasks;
    int64_t next_task;
    uint64_t snowflake_seq;
    bool fixed_time; /* generator: deterministic create times */
    /* graph variables: keys and their values as the server prints them */
    char **var_key, **var_val;
    size_t nvars;
} graph;

typedef struct {
    int persona;       /* 13 or 17 */
    bool rocksdb;
    int batch_max;
} config;
extern config g_cfg;

graph *graph_new(const char *name);
void graph_free(graph *g);
void graph_clear(graph *g);
const char *mode_name(int m);
const char *graph_display(const graph *g, sb_t *tmp);

/* schema API (caller holds write lock for create/delete) */
schema *schema_by_name(graph *g, int type, const char *name);
schema *schema_by_id(graph *g, int type, int64_t id);
void schema_render(sb_t *s, graph *g, const schema *e, bool concrete_range);
/* returns http status (201/202) and fills body; or -1 with err */
int schema_create(graph *g, int type, const jnode *body, sb_t *out, herr *e);
int schema_delete(graph *g, int type, const char *name, sb_t *out, herr *e);
extern const char *const st_plural[ST_N];
extern const char *const st_readable[ST_N];

/* elements (caller holds write lock) */
int vertex_create(graph *g, const jnode *v, elem **out, herr *e);
int edge_create(graph *g, const jnode *v, bool batch, bool check_vertex, elem **out, herr *e);
void etable_put(etable *t, elem *el);
elem *etable_get(etable *t, const char *key, size_t klen);
bool etable_del(etable *t, const char *key, size_t klen);
void etable_free(etable *t);
void etable_pin(etable *t);
void etable_unpin(etable *t);
void etable_sort(graph *g, etable *t); /* caller holds read or write lock */
int vertex_key_from_url(graph *g, const char *txt, sb_t *key, herr *e);
int edge_key_from_url(const char *txt, sb_t *key, sb_t *msg);
int edge_key_from_url_cause(const char *txt, sb_t *key, sb_t *msg, sb_t *cause);
bool label_has_index(graph *g, int base_type, int64_t base);
bool vertex_delete(graph *g, const char *key, size_t klen);
/* Keeps the OLAP write w (vertex_create's element with label OLAP_VL) and frees it. */
void olap_apply(graph *g, elem *w);
/* true when reads return OLAP values (graph_read_mode ALL or OLAP_ONLY) */
static inline bool graph_shows_olap(const graph *g) { return g->read_mode != 1; }
void vertex_id_json(sb_t *s, const char *key, size_t klen);
void vertex_id_text(sb_t *s, const char *key, size_t klen);

/* load/generate */
int load_graph(graph *g, const char *dir, char *err, size_t errlen);
int dump_graph(graph *g, const char *dir, char *err, size_t errlen);
int generate_graph(graph *g, long nv, long ne, uint64_t seed, char *err, size_t errlen);

#endif
