/* hgserver: graph model, schema and element creation. */
#include "hg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

config g_cfg = {17, false, 500};

const char *const st_plural[ST_N] = {"propertykeys", "vertexlabels", "edgelabels", "indexlabels"};
const char *const st_readable[ST_N] = {"property key", "vertex label", "edge label", "index label"};
static const char *const st_single[ST_N] = {"property_key", "vertex_label", "edge_label", "index_label"};

static const char *const DT_NAMES[] = {"OBJECT", "BOOLEAN", "BYTE", "INT", "LONG", "FLOAT", "DOUBLE", "TEXT", "BLOB", "DATE", "UUID", NULL};
static const char *const DT_JAVA[] = {"Object", "Boolean", "Byte", "Integer", "Long", "Float", "Double", "String", "Blob", "Date", "UUID"};
static const char *const CARD_NAMES[] = {"SINGLE", "LIST", "SET", NULL};
static const char *const AGGR_NAMES[] = {"NONE", "MAX", "MIN", "SUM", "OLD", "SET", "LIST", NULL};
static const char *const WT_NAMES[] = {"OLTP", "OLAP_COMMON", "OLAP_SECONDARY", "OLAP_RANGE", NULL};
static const char *const IDS_NAMES[] = {"DEFAULT", "AUTOMATIC", "PRIMARY_KEY", "CUSTOMIZE_STRING", "CUSTOMIZE_NUMBER", "CUSTOMIZE_UUID", NULL};
static const char *const ELT_NAMES[] = {"NORMAL", "PARENT", "SUB", NULL};
static const char *const FREQ_NAMES[] = {"DEFAULT", "SINGLE", "MULTIPLE", NULL};
static const char *const IT_NAMES[] = {"SECONDARY", "RANGE", "RANGE_INT", "RANGE_FLOAT", "RANGE_LONG", "RANGE_DOUBLE", "SEARCH", "SHARD", "UNIQUE", NULL};
static const char *const BT_NAMES[] = {"VERTEX_LABEL", "EDGE_LABEL", NULL};
static const char *const STATUS_NAMES[] = {"UNKNOWN", "CREATING", "CREATED", "DELETING", "DELETED", "UNDELETED", "INVALID", "CLEARING", NULL};
static const char *const MODE_NAMES[] = {"NONE", "RESTORING", "MERGING", "LOADING"};

const char *mode_name(int m) { return MODE_NAMES[m]; }

const char *graph_display(const graph *g, sb_t *tmp)
{
    tmp->len = 0;
    if (g_cfg.persona == 17)
        sb_printf(tmp, "standardhugegraph[%s-%s]", g->space ? g->space : "DEFAULT", g->name);
    else
        sb_printf(tmp, "standardhugegraph[%s]", g->name);
    return tmp->p;
}

graph *graph_new(const char *name)
{
    graph *g = calloc(1, sizeof *g);
    g->name = strdup(name);
    pthread_rwlock_init(&g->lock, NULL);
    pthread_mutex_init(&g->sort_lock, NULL);
    g->read_mode = 1; /* OLTP_ONLY */
    return g;
}

static void schema_free(schema *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->user_data);
    free(s->pks.v);
    free(s->nullables.v);
    free(s->props.v);
    free(s->sort_keys.v);
    free(s->fields.v);
    free(s);
}

void graph_clear(graph *g)
{
    for (size_t i = 0; i < g->nvars; i++) {
        free(g->var_key[i]);
        free(g->var_val[i]);
    }
    free(g->var_key);
    free(g->var_val);
    g->var_key = g->var_val = NULL;
    g->nvars = 0;
    for (int t = 0; t < ST_N; t++) {
        for (size_t i = 0; i < g->nsc[t]; i++)
            schema_free(g->sc[t][i]);
        free(g->sc[t]);
        g->sc[t] = NULL;
        g->nsc[t] = 0;
        free(g->byname[t]);
        g->byname[t] = NULL;
        g->nbyname[t] = 0;
        g->next_id[t] = 0;
    }
    etable_free(&g->vertices);
    etable_free(&g->edges);
    etable_free(&g->olap);
}

void graph_free(graph *g)
{
    graph_clear(g);
    free(g->space);
    for (size_t i = 0; i < g->ntasks; i++) {
        free(g->tasks[i].type);
        free(g->tasks[i].name);
    }
    free(g->tasks);
    pthread_rwlock_destroy(&g->lock);
    pthread_mutex_destroy(&g->sort_lock);
    free(g->name);
    free(g);
}

/* ---------------- element tables ---------------- */
#define TOMB ((elem *)1)
static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h ^ (h >> 29);
}
/* Each slot keeps the low 32 bits of its key's hash beside it: a probe looks at an element only
 * when they match, and a rehash never touches the elements. */
static void et_rehash(etable *t, size_t ncap)
{
    elem **ns = calloc(ncap, sizeof *ns);
    uint32_t *nh = malloc(ncap * sizeof *nh);
    for (size_t i = 0; i < t->cap; i++) {
        elem *e = t->slots[i];
        if (!e || e == TOMB)
            continue;
        size_t h = t->hash[i] & (ncap - 1);
        while (ns[h])
            h = (h + 1) & (ncap - 1);
        ns[h] = e;
        nh[h] = t->hash[i];
    }
    free(t->slots);
    free(t->hash);
    t->slots = ns;
    t->hash = nh;
    t->cap = ncap;
    t->used = t->count;
}
static size_t et_find(const etable *t, const char *key, size_t klen, uint32_t h)
{
    if (!t->cap)
        return SIZE_MAX;
    for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        elem *e = t->slots[i];
        if (!e)
            return SIZE_MAX;
        if (e != TOMB && t->hash[i] == h && e->keylen == klen && !memcmp(ELEM_KEY(e), key, klen))
            return i;
    }
}
elem *etable_get(etable *t, const char *key, size_t klen)
{
    size_t i = et_find(t, key, klen, (uint32_t)hash_bytes(key, klen));
    return i == SIZE_MAX ? NULL : t->slots[i];
}
static pthread_mutex_t g_pin_lock = PTHREAD_MUTEX_INITIALIZER;
static void elem_drop(etable *t, elem *e)
{
    pthread_mutex_lock(&g_pin_lock);
    if (t->pins) {
        if (t->ngrave == t->capgrave) {
            t->capgrave = t->capgrave ? t->capgrave * 2 : 64;
            t->grave = realloc(t->grave, t->capgrave * sizeof *t->grave);
        }
        t->grave[t->ngrave++] = e;
    } else {
        free(e);
    }
    pthread_mutex_unlock(&g_pin_lock);
}
void etable_pin(etable *t)
{
    pthread_mutex_lock(&g_pin_lock);
    t->pins++;
    pthread_mutex_unlock(&g_pin_lock);
}
void etable_unpin(etable *t)
{
    pthread_mutex_lock(&g_pin_lock);
    if (--t->pins == 0) {
        for (size_t i = 0; i < t->ngrave; i++)
            free(t->grave[i]);
        free(t->grave);
        t->grave = NULL;
        t->ngrave = t->capgrave = 0;
    }
    pthread_mutex_unlock(&g_pin_lock);
}
void etable_put(etable *t, elem *el)
{
    if ((t->used + 1) * 2 > t->cap)
        et_rehash(t, t->cap ? (t->count * 4 > t->cap ? t->cap * 2 : t->cap) : 1024);
    uint32_t hv = (uint32_t)hash_bytes(ELEM_KEY(el), el->keylen);
    size_t i = et_find(t, ELEM_KEY(el), el->keylen, hv);
    t->dirty = true;
    if (i != SIZE_MAX) {
        t->total_bytes -= t->slots[i]->jsonlen;
        elem_drop(t, t->slots[i]);
        t->slots[i] = el;
        t->total_bytes += el->jsonlen;
        return;
    }
    size_t h = hv & (t->cap - 1);
    while (t->slots[h] && t->slots[h] != TOMB)
        h = (h + 1) & (t->cap - 1);
    if (!t->slots[h])
        t->used++;
    t->slots[h] = el;
    t->hash[h] = hv;
    t->count++;
    t->total_bytes += el->jsonlen;
}
bool etable_del(etable *t, const char *key, size_t klen)
{
    size_t i = et_find(t, key, klen, (uint32_t)hash_bytes(key, klen));
    if (i == SIZE_MAX)
        return false;
    t->total_bytes -= t->slots[i]->jsonlen;
    elem_drop(t, t->slots[i]);
    t->slots[i] = TOMB;
    t->count--;
    t->dirty = true;
    return true;
}
/* drops every element (respecting pins) and resets the table; pins and graveyard survive */
void etable_free(etable *t)
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i] && t->slots[i] != TOMB)
            elem_drop(t, t->slots[i]);
    free(t->slots);
    free(t->hash);
    free(t->sorted);
    t->slots = t->sorted = NULL;
    t->hash = NULL;
    t->cap = t->count = t->used = t->nsorted = t->total_bytes = 0;
    t->dirty = false;
    pthread_mutex_lock(&g_pin_lock);
    if (!t->pins) {
        free(t->grave);
        t->grave = NULL;
        t->ngrave = t->capgrave = 0;
    }
    pthread_mutex_unlock(&g_pin_lock);
}
static int elem_cmp(const void *a, const void *b)
{
    const elem *x = *(elem *const *)a, *y = *(elem *const *)b;
    size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
    int c = memcmp(ELEM_KEY(x), ELEM_KEY(y), n);
    if (c)
        return c;
    return x->keylen < y->keylen ? -1 : x->keylen > y->keylen;
}
void etable_sort(graph *g, etable *t)
{
    pthread_mutex_lock(&g->sort_lock);
    if (t->dirty || (!t->sorted && t->count)) {
        free(t->sorted);
        t->sorted = malloc((t->count + 1) * sizeof *t->sorted);
        size_t k = 0;
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i] && t->slots[i] != TOMB)
                t->sorted[k++] = t->slots[i];
        qsort(t->sorted, k, sizeof *t->sorted, elem_cmp);
        t->nsorted = k;
        t->dirty = false;
    }
    pthread_mutex_unlock(&g->sort_lock);
}
static elem *elem_new(const char *key, size_t klen, const char *json, size_t jlen, int64_t label)
{
    /* edge JSON starts with {"id":"<id>" : share the id bytes when they need no escaping */
    bool share = jlen > klen + 7 && !memcmp(json, "{\"id\":\"", 7) && !memcmp(json + 7, key, klen) && json[7 + klen] == '"';
    size_t extra = share ? 0 : klen;
    elem *e = malloc(sizeof *e + extra + jlen + 1);
    e->keylen = (uint32_t)klen;
    e->jsonlen = (uint32_t)jlen;
    e->label = label;
    e->jsonoff = (uint32_t)extra;
    e->keyoff = share ? 7 : 0;
    e->fulloff = e->fulllen = 0;
    if (!share)
        memcpy(e->data, key, klen);
    memcpy(e->data + extra, json, jlen);
    e->data[extra + jlen] = 0;
    return e;
}

/* ---------------- schema lookup ---------------- */
/* Names are unique per type; an open-addressing index (at most half full) finds them: element
 * creation looks up every property key by name. */
static void name_index_add(graph *g, schema *s)
{
    int t = s->type;
    size_t mask = g->nbyname[t] - 1, h = hash_bytes(s->name, strlen(s->name)) & mask;
    while (g->byname[t][h])
        h = (h + 1) & mask;
    g->byname[t][h] = s;
}
static void name_index_build(graph *g, int t)
{
    size_t cap = 16;
    while (cap < 2 * (g->nsc[t] + 1))
        cap *= 2;
    free(g->byname[t]);
    g->byname[t] = calloc(cap, sizeof *g->byname[t]);
    g->nbyname[t] = cap;
    for (size_t i = 0; i < g->nsc[t]; i++)
        name_index_add(g, g->sc[t][i]);
}
schema *schema_by_name(graph *g, int type, const char *name)
{
    if (!g->nbyname[type])
        return NULL;
    size_t mask = g->nbyname[type] - 1;
    for (size_t h = hash_bytes(name, strlen(name)) & mask; g->byname[type][h]; h = (h + 1) & mask)
        if (!strcmp(g->byname[type][h]->name, name))
            return g->byname[type][h];
    return NULL;
}
schema *schema_by_id(graph *g, int type, int64_t id)
{
    schema **a = g->sc[type];
    size_t lo = 0, hi = g->nsc[type];
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if (a[m]->id == id)
            return a[m];
        if (a[m]->id < id)
            lo = m + 1;
        else
            hi = m;
    }
    return NULL;
}
static void schema_insert(graph *g, schema *s)
{
    int t = s->type;
    g->sc[t] = realloc(g->sc[t], (g->nsc[t] + 1) * sizeof *g->sc[t]);
    size_t i = g->nsc[t];
    while (i > 0 && g->sc[t][i - 1]->id > s->id) {
        g->sc[t][i] = g->sc[t][i - 1];
        i--;
    }
    g->sc[t][i] = s;
    g->nsc[t]++;
    if (2 * (g->nsc[t] + 1) > g->nbyname[t])
        name_index_build(g, t);
    else
        name_index_add(g, s);
}
static void schema_remove(graph *g, schema *s)
{
    int t = s->type;
    for (size_t i = 0; i < g->nsc[t]; i++)
        if (g->sc[t][i] == s) {
            memmove(&g->sc[t][i], &g->sc[t][i + 1], (g->nsc[t] - i - 1) * sizeof *g->sc[t]);
            g->nsc[t]--;
            break;
        }
    name_index_build(g, t);
    schema_free(s);
}
static int64_t add_task(graph *g, const char *type, const char *name)
{
    g->tasks = realloc(g->tasks, (g->ntasks + 1) * sizeof *g->tasks);
    htask *t = &g->tasks[g->ntasks++];
    t->id = ++g->next_task;
    t->created = now_ms();
    t->type = strdup(type);
    t->name = strdup(name);
    return t->id;
}

/* ---------------- rendering ---------------- */
static void render_names(sb_t *s, graph *g, int type, const idlist *l)
{
    sb_putc(s, '[');
    for (size_t i = 0; i < l->n; i++) {
        schema *x = schema_by_id(g, type, l->v[i]);
        if (i)
            sb_putc(s, ',');
        sb_json_str(s, x ? x->name : "", x ? strlen(x->name) : 0);
    }
    sb_putc(s, ']');
}
static void render_str(sb_t *s, const char *k, const char *v)
{
    sb_printf(s, "\"%s\":", k);
    sb_json_str(s, v, strlen(v));
}
static void render_index_labels(sb_t *s, graph *g, int base_type, int64_t base)
{
    sb_puts(s, ",\"index_labels\":[");
    bool first = true;
    for (size_t i = 0; i < g->nsc[ST_IL]; i++) {
        schema *il = g->sc[ST_IL][i];
        if (il->base_type == base_type && il->base_value == base) {
            if (!first)
                sb_putc(s, ',');
            first = false;
            sb_json_str(s, il->name, strlen(il->name));
        }
    }
    sb_putc(s, ']');
}
static const char *schema_name_of(graph *g, int type, int64_t id)
{
    schema *x = schema_by_id(g, type, id);
    return x ? x->name : "";
}
static void render_link(sb_t *s, graph *g, const schema *el)
{
    sb_putc(s, '{');
    const char *a = schema_name_of(g, ST_VL, el->src), *b = schema_name_of(g, ST_VL, el->tgt);
    sb_json_str(s, a, strlen(a));
    sb_putc(s, ':');
    sb_json_str(s, b, strlen(b));
    sb_putc(s, '}');
}
static void schema_render_status(sb_t *s, graph *g, const schema *e, bool concrete_range, const char *status);
void schema_render(sb_t *s, graph *g, const schema *e, bool concrete_range)
{
    schema_render_status(s, g, e, concrete_range, "CREATED");
}
/* status: "CREATED", or "CREATING" for an index label in the answer of its create while the rebuild
 * task runs (the real server answers before the task has finished; a later GET shows CREATED) */
static void schema_render_status(sb_t *s, graph *g, const schema *e, bool concrete_range, const char *status)
{
    sb_printf(s, "{\"id\":%lld,", (long long)e->id);
    render_str(s, "name", e->name);
    switch (e->type) {
    case ST_PK:
        sb_printf(s, ",\"data_type\":\"%s\",\"cardinality\":\"%s\",\"aggregate_type\":\"%s\",\"write_type\":\"%s\",\"properties\":[]",
                  DT_NAMES[e->data_type], CARD_NAMES[e->card], AGGR_NAMES[e->aggr], WT_NAMES[e->write_type]);
        break;
    case ST_VL:
        sb_printf(s, ",\"id_strategy\":\"%s\",\"primary_keys\":", IDS_NAMES[e->id_strategy]);
        render_names(s, g, ST_PK, &e->pks);
        sb_puts(s, ",\"nullable_keys\":");
        render_names(s, g, ST_PK, &e->nullables);
        render_index_labels(s, g, 0, e->id);
        sb_puts(s, ",\"properties\":");
        render_names(s, g, ST_PK, &e->props);
        break;
    case ST_EL:
        if (g_cfg.persona == 17) {
            sb_printf(s, ",\"edgelabel_type\":\"%s\"", ELT_NAMES[e->el_type]);
            if (e->el_type == ELT_SUB) {
                sb_putc(s, ',');
                render_str(s, "parent_label", schema_name_of(g, ST_EL, e->parent));
            }
        }
        if (e->el_type != ELT_PARENT) {
            sb_putc(s, ',');
            render_str(s, "source_label", schema_name_of(g, ST_VL, e->src));
            sb_putc(s, ',');
            render_str(s, "target_label", schema_name_of(g, ST_VL, e->tgt));
        }
        if (g_cfg.persona == 17) {
            if (e->el_type != ELT_PARENT) {
                sb_puts(s, ",\"links\":[");
                render_link(s, g, e);
                sb_putc(s, ']');
            } else {
                bool first = true;
                for (size_t i = 0; i < g->nsc[ST_EL]; i++) {
                    schema *c = g->sc[ST_EL][i];
                    if (c->el_type != ELT_SUB || c->parent != e->id)
                        continue;
                    sb_puts(s, first ? ",\"links\":[" : ",");
                    first = false;
                    render_link(s, g, c);
                }
                if (!first)
                    sb_putc(s, ']');
            }
        }
        sb_printf(s, ",\"frequency\":\"%s\",\"sort_keys\":", FREQ_NAMES[e->freq]);
        render_names(s, g, ST_PK, &e->sort_keys);
        sb_puts(s, ",\"nullable_keys\":");
        render_names(s, g, ST_PK, &e->nullables);
        render_index_labels(s, g, 1, e->id);
        sb_puts(s, ",\"properties\":");
        render_names(s, g, ST_PK, &e->props);
        break;
    case ST_IL: {
        int it = e->index_type;
        if (!concrete_range && it >= IT_RANGE_INT && it <= IT_RANGE_DOUBLE)
            it = IT_RANGE;
        sb_printf(s, ",\"base_type\":\"%s\",", BT_NAMES[e->base_type]);
        render_str(s, "base_value", schema_name_of(g, e->base_type ? ST_EL : ST_VL, e->base_value));
        sb_printf(s, ",\"index_type\":\"%s\",\"fields\":", IT_NAMES[it]);
        render_names(s, g, ST_PK, &e->fields);
        break;
    }
    }
    sb_printf(s, ",\"status\":\"%s\"", status);
    if (e->type == ST_VL || e->type == ST_EL) {
        sb_printf(s, ",\"ttl\":%lld", (long long)e->ttl);
        if (e->ttl_start) {
            sb_putc(s, ',');
            render_str(s, "ttl_start_time", schema_name_of(g, ST_PK, e->ttl_start));
        }
        sb_printf(s, ",\"enable_label_index\":%s", e->eli ? "true" : "false");
    }
    sb_puts(s, ",\"user_data\":");
    sb_puts(s, e->user_data);
    sb_putc(s, '}');
}

/* ---------------- schema create ---------------- */
static const char *const PK_FIELDS[] = {"id", "name", "data_type", "cardinality", "aggregate_type", "write_type",
                                        "properties", "status", "user_data", "check_exist", NULL};
static const char *const VL_FIELDS[] = {"id", "name", "id_strategy", "primary_keys", "nullable_keys", "index_labels",
                                        "properties", "status", "ttl", "ttl_start_time", "enable_label_index",
                                        "user_data", "check_exist", NULL};
static const char *const EL_FIELDS13[] = {"id", "name", "source_label", "target_label", "frequency", "sort_keys",
                                          "nullable_keys", "index_labels", "properties", "status", "ttl",
                                          "ttl_start_time", "enable_label_index", "user_data", "check_exist", NULL};
static const char *const EL_FIELDS17[] = {"id", "name", "edgelabel_type", "parent_label", "source_label",
                                          "target_label", "links", "frequency", "sort_keys", "nullable_keys",
                                          "index_labels", "properties", "status", "ttl", "ttl_start_time",
                                          "enable_label_index", "user_data", "check_exist", NULL};
static const char *const IL_FIELDS[] = {"id", "name", "base_type", "base_value", "index_type", "fields", "status",
                                        "user_data", "check_exist", "rebuild", NULL};
static const char *const JCLS[ST_N] = {"org.apache.hugegraph.api.schema.PropertyKeyAPI$JsonPropertyKey",
                                       "org.apache.hugegraph.api.schema.VertexLabelAPI$JsonVertexLabel",
                                       "org.apache.hugegraph.api.schema.EdgeLabelAPI$JsonEdgeLabel",
                                       "org.apache.hugegraph.api.schema.IndexLabelAPI$JsonIndexLabel"};

/* Jackson's "known properties" of the four Json* schema classes as real 1.7.0 lists them: the
 * order of its property map, without the ignorable status/index_labels */
static const char *const PK_KNOWN17[] = {"check_exist", "properties", "aggregate_type", "id", "cardinality", "data_type",
                                         "name", "user_data", "write_type", NULL};
static const char *const VL_KNOWN17[] = {"check_exist", "primary_keys", "nullable_keys", "properties", "id_strategy", "id",
                                         "ttl", "ttl_start_time", "user_data", "name", "enable_label_index", NULL};
static const char *const EL_KNOWN17[] = {"check_exist", "edgelabel_type", "target_label", "name", "ttl", "source_label",
                                         "nullable_keys", "properties", "sort_keys", "links", "id", "frequency",
                                         "ttl_start_time", "user_data", "parent_label", "enable_label_index", NULL};
static const char *const IL_KNOWN17[] = {"check_exist", "base_value", "index_type", "base_type", "fields", "id",
                                         "user_data", "name", "rebuild", NULL};
static int check_fields(const jnode *body, const char *const *known, const char *cls, herr *e)
{
    for (size_t i = 0; i < body->nkids; i++) {
        bool ok = false;
        for (const char *const *k = known; *k; k++)
            if (!strcmp(*k, body->kids[i]->key)) {
                ok = true;
                break;
            }
        if (!ok) {
            const char *const *msg = known;
            if (g_cfg.persona == 17)
                msg = known == PK_FIELDS ? PK_KNOWN17 : known == VL_FIELDS ? VL_KNOWN17 : known == EL_FIELDS17 ? EL_KNOWN17
                      : known == IL_FIELDS ? IL_KNOWN17 : known;
            return err_jackson_unknown(e, body->kids[i]->key, cls, msg);
        }
    }
    return 0;
}
static int get_enum(const jnode *body, const char *key, const char *const *vals, const char *enumcls, int *out, herr *e)
{
    const jnode *n = jget(body, key);
    if (!n || n->type == J_NULL)
        return 0;
    if (n->type != J_STR) {
        sb_t tmp = {0};
        json_render(&tmp, n);
        err_set(e, 400, NULL, "Cannot deserialize value of type `%s` from %s value (token `%s`)", enumcls,
                n->type == J_NUM ? "Integer" : "non-String", tmp.p);
        sb_free(&tmp);
        return -1;
    }
    for (int i = 0; vals[i]; i++)
        if (!strcmp(vals[i], n->s)) {
            *out = i;
            return 0;
        }
    return err_jackson_enum(e, n->s, enumcls, vals);
}
static int get_bool(const jnode *body, const char *key, bool *out, herr *e)
{
    const jnode *n = jget(body, key);
    if (!n || n->type == J_NULL)
        return 0;
    if (n->type != J_BOOL)
        return err_set(e, 400, NULL, "Cannot deserialize value of type `boolean` from %s",
                       n->type == J_STR ? "String value" : "non-boolean value");
    *out = n->b;
    return 0;
}
static int get_long(const jnode *body, const char *key, int64_t *out, herr *e)
{
    const jnode *n = jget(body, key);
    if (!n || n->type == J_NULL)
        return 0;
    if (n->type != J_NUM || !jnum_i64(n, out))
        return err_set(e, 400, NULL, "Cannot deserialize value of type `long` from %s",
                       n->type == J_STR ? "String value" : "non-numeric value");
    return 0;
}
static int get_string(const jnode *body, const char *key, const char **out, herr *e)
{
    const jnode *n = jget(body, key);
    if (!n || n->type == J_NULL)
        return 0;
    if (n->type != J_STR)
        return err_set(e, 400, NULL, "Cannot deserialize value of type `java.lang.String` from %s",
                       n->type == J_ARR ? "Array value (token `JsonToken.START_ARRAY`)" : "Object value");
    *out = n->s;
    return 0;
}
/* Java HashMap bucket order.  The real builders collect property and nullable key *names* in a
 * HashSet<String>, and the label keeps their ids in a HashSet<Id>, filled by iterating the name set;
 * JSON output iterates the id set.  A HashSet iterates bucket by bucket (bucket = (h ^ h >>> 16) &
 * (capacity - 1), capacity 16 doubled while size > 0.75 * capacity) and within a bucket in insertion
 * order, so the output order is: stable sort by the String-hash bucket, then stable sort by the
 * Long-hash bucket (LongId.hashCode is Long.hashCode).  Observed on real 1.5.0/1.7.0, memory and
 * rocksdb alike. */
static uint32_t java_string_hash(const char *s)
{
    uint32_t h = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        int n;
        if (*p < 0x80) {
            cp = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0 && p[1]) {
            cp = ((uint32_t)(*p & 0x1F) << 6) | (p[1] & 0x3F);
            n = 2;
        } else if ((*p & 0xF0) == 0xE0 && p[1] && p[2]) {
            cp = ((uint32_t)(*p & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
            n = 3;
        } else if ((*p & 0xF8) == 0xF0 && p[1] && p[2] && p[3]) {
            cp = ((uint32_t)(*p & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) | ((uint32_t)(p[2] & 0x3F) << 6) |
                 (p[3] & 0x3F);
            n = 4;
        } else {
            cp = *p;
            n = 1;
        }
        if (cp >= 0x10000) { /* UTF-16 surrogate pair */
            h = 31 * h + (0xD800 + ((cp - 0x10000) >> 10));
            h = 31 * h + (0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
        p += n;
    }
    return h;
}
static size_t java_bucket(uint32_t h, size_t n)
{
    size_t cap = 16;
    while (n > cap * 3 / 4)
        cap *= 2;
    return (h ^ (h >> 16)) & (cap - 1);
}
static void stable_sort_by_key(int64_t *v, size_t *key, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && key[j - 1] > key[j]; j--) {
            size_t tk = key[j];
            key[j] = key[j - 1];
            key[j - 1] = tk;
            int64_t tv = v[j];
            v[j] = v[j - 1];
            v[j - 1] = tv;
        }
}
static void java_hashset_order(graph *g, idlist *l)
{
    if (l->n < 2)
        return;
    size_t *key = calloc(l->n, sizeof *key);
    for (size_t i = 0; i < l->n; i++) {
        schema *pk = schema_by_id(g, ST_PK, l->v[i]);
        key[i] = java_bucket(java_string_hash(pk ? pk->name : ""), l->n);
    }
    stable_sort_by_key(l->v, key, l->n);
    for (size_t i = 0; i < l->n; i++) {
        uint64_t id = (uint64_t)l->v[i];
        key[i] = java_bucket((uint32_t)(id ^ (id >> 32)), l->n);
    }
    stable_sort_by_key(l->v, key, l->n);
    free(key);
}
/* resolve list of property names to ids */
static int get_pk_list(graph *g, const jnode *body, const char *key, idlist *out, herr *e)
{
    const jnode *n = jget(body, key);
    if (!n || n->type == J_NULL)
        return 0;
    if (n->type != J_ARR)
        return err_set(e, 400, NULL, "Cannot deserialize value of type `java.lang.String[]` from %s",
                       n->type == J_STR ? "String value" : "non-array value");
    out->v = calloc(n->nkids + 1, sizeof *out->v);
    for (size_t i = 0; i < n->nkids; i++) {
        if (n->kids[i]->type != J_STR)
            return err_set(e, 400, NULL, "Cannot deserialize value of type `java.lang.String` from non-string value");
        schema *pk = schema_by_name(g, ST_PK, n->kids[i]->s);
        if (!pk)
            return err_set(e, 400, C_IAE, "Undefined property key: '%s'", n->kids[i]->s);
        bool dup = false;
        for (size_t j = 0; j < out->n; j++)
            dup |= out->v[j] == pk->id;
        if (!dup)
            out->v[out->n++] = pk->id;
    }
    return 0;
}
static bool idl_has(const idlist *l, int64_t v)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == v)
            return true;
    return false;
}
static bool idl_set_eq(const idlist *a, const idlist *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!idl_has(b, a->v[i]))
            return false;
    return true;
}
static void java_list(sb_t *s, graph *g, int type, const idlist *l)
{
    sb_putc(s, '[');
    for (size_t i = 0; i < l->n; i++)
        sb_printf(s, "%s%s", i ? ", " : "", schema_name_of(g, type, l->v[i]));
    sb_putc(s, ']');
}
static int check_name(const char *name, herr *e)
{
    size_t n = strlen(name);
    if (!n)
        return err_set(e, 400, C_IAE, "The name can't be empty.");
    if (n >= 256)
        return err_set(e, 400, C_IAE, "The length of name must less than 256 bytes.");
    if (name[0] == '~' || name[n - 1] == ' ' || name[n - 1] == '\t' || name[n - 1] == '\n' || name[n - 1] == '\r' ||
        name[n - 1] == '\f' || name[n - 1] == '\v')
        return err_set(e, 400, C_IAE, "Illegal schema name '%s'", name);
    const char filters[] = {'#', '>', ':', '!'};
    for (size_t i = 0; i < sizeof filters; i++)
        if (strchr(name, filters[i]))
            return err_set(e, 400, C_IAE, "The name can't contain character '%c'.", filters[i]);
    return 0;
}
static int build_user_data(graph *g, const jnode *body, char **out, herr *e)
{
    const jnode *n = jget(body, "user_data");
    sb_t s = {0};
    sb_putc(&s, '{');
    bool has_ct = false;
    if (n && n->type != J_NULL) {
        if (n->type != J_OBJ) {
            sb_free(&s);
            return err_set(e, 400, NULL, "Cannot deserialize value of type `org.apache.hugegraph.schema.Userdata` from non-object value");
        }
        for (size_t i = 0; i < n->nkids; i++) {
            const jnode *k = n->kids[i];
            if (k->type == J_NULL) {
                sb_free(&s);
                return err_set(e, 400, C_NAE, "Not allowed to set null value for userdata key '%s'", k->key);
            }
            if (!strcmp(k->key, "~create_time"))
                has_ct = true;
            if (i)
                sb_putc(&s, ',');
            sb_json_str(&s, k->key, k->keylen);
            sb_putc(&s, ':');
            json_render(&s, k);
        }
    }
    if (!has_ct) {
        if (s.len > 1)
            sb_putc(&s, ',');
        sb_puts(&s, "\"~create_time\":\"");
        fmt_date(&s, g->fixed_time ? 1704067200000LL : now_ms());
        sb_putc(&s, '"');
    }
    sb_putc(&s, '}');
    *out = sb_steal(&s);
    return 0;
}

static bool is_prefix(const idlist *p, const idlist *full)
{
    if (p->n > full->n)
        return false;
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i] != full->v[i])
            return false;
    return true;
}
static void remove_label_data(graph *g, int which, int64_t label);
static void remove_index_labels_of(graph *g, int base_type, int64_t base);

int schema_create(graph *g, int type, const jnode *body, sb_t *out, herr *e)
{
    sb_t tmp = {0};
    schema *s = calloc(1, sizeof *s);
    s->type = type;
    s->eli = true;
    bool check_exist = true, rebuild = true;
    const char *name = NULL, *ttl_start = NULL, *src = NULL, *tgt = NULL, *parent = NULL, *base_value = NULL;
    int status_dummy = 0, freq = 0, it = -1, bt = -1, ids = 0;
    const jnode *req_links = NULL;
    int rc = -1;
    if (!body || body->type != J_OBJ) {
        err_set(e, 400, NULL, "Cannot deserialize value of type `%s` from %s", JCLS[type],
                body && body->type == J_ARR ? "Array value (token `JsonToken.START_ARRAY`)" : "non-object value");
        goto out;
    }
    const char *const *fields = type == ST_PK ? PK_FIELDS : type == ST_VL ? VL_FIELDS : type == ST_IL ? IL_FIELDS
                                : g_cfg.persona == 17 ? EL_FIELDS17 : EL_FIELDS13;
    if (check_fields(body, fields, JCLS[type], e))
        goto out;
    /* Jackson-level decoding */
    if (get_long(body, "id", &s->id, e) || get_string(body, "name", &name, e) ||
        get_bool(body, "check_exist", &check_exist, e) ||
        get_enum(body, "status", STATUS_NAMES, "org.apache.hugegraph.type.define.SchemaStatus", &status_dummy, e))
        goto out;
    if (type == ST_PK) {
        s->data_type = DT_TEXT;
        if (get_enum(body, "data_type", DT_NAMES, "org.apache.hugegraph.type.define.DataType", &s->data_type, e) ||
            get_enum(body, "cardinality", CARD_NAMES, "org.apache.hugegraph.type.define.Cardinality", &s->card, e) ||
            get_enum(body, "aggregate_type", AGGR_NAMES, "org.apache.hugegraph.type.define.AggregateType", &s->aggr, e) ||
            get_enum(body, "write_type", WT_NAMES, "org.apache.hugegraph.type.define.WriteType", &s->write_type, e))
            goto out;
        const jnode *p = jget(body, "properties");
        if (p && p->type == J_ARR && p->nkids) {
            err_set(e, 400, C_IAE, "Not allowed to pass properties when creating property key since it doesn't support meta properties currently");
            goto out;
        }
    } else if (type == ST_VL || type == ST_EL) {
        if (get_long(body, "ttl", &s->ttl, e) || get_string(body, "ttl_start_time", &ttl_start, e) ||
            get_bool(body, "enable_label_index", &s->eli, e))
            goto out;
        if (type == ST_VL) {
            if (get_enum(body, "id_strategy", IDS_NAMES, "org.apache.hugegraph.type.define.IdStrategy", &ids, e))
                goto out;
        } else {
            if (get_enum(body, "edgelabel_type", ELT_NAMES, "org.apache.hugegraph.type.define.EdgeLabelType", &s->el_type, e) ||
                get_string(body, "parent_label", &parent, e) || get_string(body, "source_label", &src, e) ||
                get_string(body, "target_label", &tgt, e) ||
                get_enum(body, "frequency", FREQ_NAMES, "org.apache.hugegraph.type.define.Frequency", &freq, e))
                goto out;
            const jnode *links = jget(body, "links");
            if (links && links->type != J_NULL) {
                if (links->type != J_ARR) {
                    err_set(e, 400, NULL, "Cannot deserialize value of type `java.util.Set<org.apache.commons.lang3.tuple.Pair<java.lang.String,java.lang.String>>` from non-array value");
                    goto out;
                }
                for (size_t i = 0; i < links->nkids; i++)
                    if (links->kids[i]->type != J_OBJ || links->kids[i]->nkids != 1 ||
                        links->kids[i]->kids[0]->type != J_STR) {
                        err_set(e, 400, C_IAE, "Each link must be an object with exactly one entry");
                        goto out;
                    }
                req_links = links;
                if (links->nkids == 1 && !src && !tgt) {
                    src = links->kids[0]->kids[0]->key;
                    tgt = links->kids[0]->kids[0]->s;
                }
            }
        }
    } else {
        if (get_enum(body, "base_type", BT_NAMES, "org.apache.hugegraph.type.HugeType", &bt, e) ||
            get_string(body, "base_value", &base_value, e) ||
            get_enum(body, "index_type", IT_NAMES, "org.apache.hugegraph.type.define.IndexType", &it, e) ||
            get_bool(body, "rebuild", &rebuild, e))
            goto out;
    }
    if (!name) {
        err_set(e, 400, C_IAE, "The name of %s can't be null", st_readable[type]);
        goto out;
    }
    if (s->id < 0) {
        /* Json*.convert2Builder: checked before the mode */
        err_set(e, 400, C_IAE, "Only positive number can be assign as %s id", st_readable[type]);
        goto out;
    }
    if (s->id != 0 && g->mode != MODE_RESTORING) {
        err_set(e, 400, C_IAE, "Only accept %s id when graph in RESTORING mode, but '%s' is in mode '%s'",
                st_readable[type], graph_display(g, &tmp), mode_name(g->mode));
        goto out;
    }
    if (check_name(name, e))
        goto out;
    s->name = strdup(name);
    /* The builders look the name up first: an existing name with check_exist (the default) is an
     * ExistedException before any other validation. */
    schema *old = schema_by_name(g, type, name);
    if (old && check_exist) {
        err_set(e, 400, C_EXE, "The %s '%s' has existed", st_readable[type], name);
        goto out;
    }
    /* resolve references (needed for the same-definition comparison) */
    if (type == ST_VL || type == ST_EL) {
        if (get_pk_list(g, body, "properties", &s->props, e) || get_pk_list(g, body, "nullable_keys", &s->nullables, e) ||
            get_pk_list(g, body, type == ST_VL ? "primary_keys" : "sort_keys", type == ST_VL ? &s->pks : &s->sort_keys, e))
            goto out;
        java_hashset_order(g, &s->props);
        java_hashset_order(g, &s->nullables);
    }
    if (old) {
        /* check_exist:false -- hasSameProperties of the builders */
        bool same = false;
        if (type == ST_PK)
            same = old->data_type == s->data_type && old->card == s->card && old->aggr == s->aggr &&
                   old->write_type == s->write_type;
        else if (type == ST_VL)
            same = idl_set_eq(&old->props, &s->props) && idl_set_eq(&old->pks, &s->pks) &&
                   idl_set_eq(&old->nullables, &s->nullables) && old->eli == s->eli;
        else if (type == ST_EL) {
            /* every existing link (a PARENT's are its SUB labels' links) must be among the sent ones:
             * source_label + target_label, plus the "links" entries */
            same = true;
            for (size_t i = 0; same && i < g->nsc[ST_EL]; i++) {
                schema *x = g->sc[ST_EL][i];
                if (old->el_type == ELT_PARENT ? !(x->el_type == ELT_SUB && x->parent == old->id) : x != old)
                    continue;
                const char *xs = schema_name_of(g, ST_VL, x->src), *xt = schema_name_of(g, ST_VL, x->tgt);
                bool found = src && tgt && !strcmp(src, xs) && !strcmp(tgt, xt);
                for (size_t j = 0; !found && req_links && j < req_links->nkids; j++) {
                    const jnode *l = req_links->kids[j]->kids[0];
                    found = !strcmp(l->key, xs) && !strcmp(l->s, xt);
                }
                same = found;
            }
            same = same && (freq == 0 ? old->freq == 1 : old->freq == freq) && old->eli == s->eli &&
                   idl_set_eq(&old->props, &s->props) && idl_set_eq(&old->sort_keys, &s->sort_keys) &&
                   idl_set_eq(&old->nullables, &s->nullables);
        } else {
            schema *base = base_value ? schema_by_name(g, bt ? ST_EL : ST_VL, base_value) : NULL;
            if (!base) {
                err_set(e, 404, C_NFE, "%s with name '%s' does not exist", bt ? "edge label" : "vertex label",
                        base_value ? base_value : "");
                goto out;
            }
            if (get_pk_list(g, body, "fields", &s->fields, e))
                goto out;
            bool old_range = old->index_type >= IT_RANGE_INT && old->index_type <= IT_RANGE_DOUBLE;
            /* the sent type: RANGE matches any RANGE_*, anything else must be equal */
            same = old->base_type == bt && old->base_value == base->id &&
                   (it == IT_RANGE ? old_range : old->index_type == it) && idl_set_eq(&old->fields, &s->fields);
        }
        if (!same) {
            err_set(e, 400, C_EXE, "The %s '%s' has existed", st_readable[type], name);
            goto out;
        }
        if (type == ST_PK || type == ST_IL) {
            sb_printf(out, "{\"%s\": ", st_single[type]);
            schema_render(out, g, old, false);
            sb_puts(out, ", \"task_id\": 0}");
            rc = 202;
        } else {
            schema_render(out, g, old, false);
            rc = 201;
        }
        goto out;
    }
    if (type == ST_EL) {
        if (s->el_type != ELT_PARENT) {
            schema *a = src ? schema_by_name(g, ST_VL, src) : NULL, *b = tgt ? schema_by_name(g, ST_VL, tgt) : NULL;
            if (!src || !tgt) {
                err_set(e, 400, C_IAE, "Must set source and target label for edge label '%s'", name);
                goto out;
            }
            if (!a || !b) {
                err_set(e, 400, C_IAE, "Undefined %s vertex label '%s' in edge label '%s'", !a ? "source" : "target", !a ? src : tgt, name);
                goto out;
            }
            s->src = a->id;
            s->tgt = b->id;
        } else if (src || tgt) {
            err_set(e, 400, C_IAE, "The links of the parent edge label must be empty");
            goto out;
        } else if (req_links && req_links->nkids) {
            /* a PARENT's links are derived from its sub labels; the builder requires them empty */
            err_set(e, 400, C_IAE, "The links of the parent edge label must be empty");
            goto out;
        }
        if (s->el_type == ELT_SUB) {
            schema *p = parent ? schema_by_name(g, ST_EL, parent) : NULL;
            if (!parent) {
                err_set(e, 400, C_IAE, "When creating a subtype edgeLabel, the edgeLabel name of the parent type edgeLabel must be entered");
                goto out;
            }
            if (!p || p->el_type != ELT_PARENT) {
                err_set(e, 400, C_IAE, "The parent edge label '%s' of sub edge label '%s' must exist and be PARENT type", parent, name);
                goto out;
            }
            s->parent = p->id;
        } else if (parent) {
            err_set(e, 400, C_IAE, "Only sub edge label can set parent label, but '%s' is %s", name, ELT_NAMES[s->el_type]);
            goto out;
        }
        s->freq = freq == 2 ? 2 : 1;
    }
    if (type == ST_IL) {
        if (bt < 0 || !base_value || it < 0) {
            err_set(e, 400, C_IAE, "The %s of index label '%s' can't be null", bt < 0 ? "base type" : !base_value ? "base value" : "index type", name);
            goto out;
        }
        s->base_type = bt;
        schema *base = schema_by_name(g, bt ? ST_EL : ST_VL, base_value);
        if (!base) {
            err_set(e, 400, C_IAE, "Undefined %s label: '%s'", bt ? "edge" : "vertex", base_value);
            goto out;
        }
        s->base_value = base->id;
        const jnode *fl = jget(body, "fields");
        for (size_t i = 0; fl && fl->type == J_ARR && i < fl->nkids; i++)
            if (fl->kids[i]->type == J_STR && !schema_by_name(g, ST_PK, fl->kids[i]->s)) {
                err_set(e, 400, C_IAE, "Can't build index on undefined property key '%s' for '%s': '%s'", fl->kids[i]->s,
                        bt ? "edge label" : "vertex label", base->name);
                goto out;
            }
        if (get_pk_list(g, body, "fields", &s->fields, e))
            goto out;
        if (!s->fields.n) {
            err_set(e, 400, C_IAE, "The index fields can't be empty");
            goto out;
        }
        for (size_t i = 0; i < s->fields.n; i++)
            if (!idl_has(&base->props, s->fields.v[i])) {
                err_set(e, 400, C_IAE, "Schema label '%s' does not contain property '%s'", base->name,
                        schema_name_of(g, ST_PK, s->fields.v[i]));
                goto out;
            }
        s->index_type = it;
        if (it == IT_RANGE || (it >= IT_RANGE_INT && it <= IT_RANGE_DOUBLE)) {
            if (s->fields.n != 1) {
                sb_t flist = {0};
                java_list(&flist, g, ST_PK, &s->fields);
                err_set(e, 400, C_IAE, "Range index can only build on one field, but got %zu fields: '%s'", s->fields.n, flist.p);
                sb_free(&flist);
                goto out;
            }
            int dt = schema_by_id(g, ST_PK, s->fields.v[0])->data_type;
            int want = (dt == DT_BYTE || dt == DT_INT) ? IT_RANGE_INT : dt == DT_FLOAT ? IT_RANGE_FLOAT
                       : (dt == DT_LONG || dt == DT_DATE) ? IT_RANGE_LONG : dt == DT_DOUBLE ? IT_RANGE_DOUBLE : -1;
            if (want < 0) {
                err_set(e, 400, C_IAE, "Range index can only build on numeric or date property, but got %s(%s)",
                        DT_NAMES[dt], schema_name_of(g, ST_PK, s->fields.v[0]));
                goto out;
            }
            if (it == IT_RANGE)
                s->index_type = want;
        }
        if (it == IT_SEARCH && (s->fields.n != 1 || schema_by_id(g, ST_PK, s->fields.v[0])->data_type != DT_TEXT)) {
            err_set(e, 400, C_IAE, "Search index can only build on one text field");
            goto out;
        }
    }
    if (type == ST_VL) {
        if (ids == IDS_DEFAULT)
            ids = s->pks.n ? IDS_PRIMARY_KEY : IDS_AUTOMATIC;
        s->id_strategy = ids;
    }
    if (g->mode == MODE_RESTORING) {
        if (s->id == 0) {
            err_set(e, 400, C_IAE, "Must provide schema id if in RESTORING mode");
            goto out;
        }
        if (schema_by_id(g, type, s->id)) {
            err_set(e, 400, C_EXE, "The %s id '%lld' has existed", st_readable[type], (long long)s->id);
            goto out;
        }
    }
    /* builder-level validation */
    if (type == ST_PK) {
        if (s->write_type != 0 && !g_cfg.rocksdb) {
            err_set(e, 400, C_NSE, "Not support olap property key '%s' for backend 'memory'", name);
            goto out;
        }
    }
    if (type == ST_VL) {
        if (ids == IDS_PRIMARY_KEY && !s->pks.n) {
            err_set(e, 400, C_IAE, "Must assign some primary keys when using '%s' id strategy", "PRIMARY_KEY");
            goto out;
        }
        if (ids != IDS_PRIMARY_KEY && s->pks.n) {
            err_set(e, 400, C_IAE, "Not allowed to assign primary keys when using '%s' id strategy", IDS_NAMES[ids]);
            goto out;
        }
        for (size_t i = 0; i < s->pks.n; i++) {
            if (!idl_has(&s->props, s->pks.v[i])) {
                err_set(e, 400, C_IAE, "The primary key '%s' of vertex label '%s' must be contained in properties",
                        schema_name_of(g, ST_PK, s->pks.v[i]), name);
                goto out;
            }
            if (idl_has(&s->nullables, s->pks.v[i])) {
                sb_t a = {0}, b = {0};
                java_list(&a, g, ST_PK, &s->nullables);
                java_list(&b, g, ST_PK, &s->pks);
                err_set(e, 400, C_IAE, "The nullableKeys: %s are not allowed to belong to primaryKeys: %s of vertex label '%s'",
                        a.p, b.p, name);
                sb_free(&a);
                sb_free(&b);
                goto out;
            }
        }
    }
    if (type == ST_EL) {
        if (s->freq == 1 && s->sort_keys.n) {
            err_set(e, 400, C_IAE, "EdgeLabel can't contain sortKeys when the cardinality property is single");
            goto out;
        }
        if (s->freq == 2 && !s->sort_keys.n && s->el_type != ELT_PARENT) {
            err_set(e, 400, C_IAE, "EdgeLabel must contain sortKeys when the cardinality property is multiple");
            goto out;
        }
        for (size_t i = 0; i < s->sort_keys.n; i++) {
            if (!idl_has(&s->props, s->sort_keys.v[i])) {
                err_set(e, 400, C_IAE, "The sort key '%s' of edge label '%s' must be contained in properties",
                        schema_name_of(g, ST_PK, s->sort_keys.v[i]), name);
                goto out;
            }
            if (idl_has(&s->nullables, s->sort_keys.v[i])) {
                err_set(e, 400, C_IAE, "The nullable keys are not allowed to belong to sort keys of edge label '%s'", name);
                goto out;
            }
        }
    }
    if (type == ST_VL || type == ST_EL) {
        for (size_t i = 0; i < s->nullables.n; i++)
            if (!idl_has(&s->props, s->nullables.v[i])) {
                sb_t a = {0}, b = {0};
                java_list(&a, g, ST_PK, &s->nullables);
                java_list(&b, g, ST_PK, &s->props);
                err_set(e, 400, C_IAE, "The nullableKeys: %s to be created or appended must belong to the origin/new properties: []/%s",
                        a.p, b.p);
                sb_free(&a);
                sb_free(&b);
                goto out;
            }
        if (s->ttl < 0) {
            err_set(e, 400, C_IAE, "The ttl must be >= 0, but got: %lld", (long long)s->ttl);
            goto out;
        }
        if (ttl_start) {
            schema *pk = schema_by_name(g, ST_PK, ttl_start);
            if (s->ttl <= 0) {
                err_set(e, 400, C_IAE, "Only set ttlStartTime when ttl is positive,  but got ttl: %lld", (long long)s->ttl);
                goto out;
            }
            if (!pk || pk->data_type != DT_DATE || !idl_has(&s->props, pk->id)) {
                err_set(e, 400, C_IAE, "The ttl_start_time '%s' must be a date property of %s '%s'", ttl_start,
                        st_readable[type], name);
                goto out;
            }
            s->ttl_start = pk->id;
        }
    }
    if (type == ST_IL) {
        for (size_t i = 0; i < g->nsc[ST_IL]; i++) {
            schema *x = g->sc[ST_IL][i];
            if (x->base_type == s->base_type && x->base_value == s->base_value && x->index_type == s->index_type &&
                is_prefix(&s->fields, &x->fields)) {
                sb_t a = {0}, b = {0};
                java_list(&a, g, ST_PK, &s->fields);
                java_list(&b, g, ST_PK, &x->fields);
                err_set(e, 400, C_IAE, "Repeated new index label %s(%s) with fields %s due to existed index label %s(%s) with fields %s",
                        IT_NAMES[s->index_type], name, a.p, IT_NAMES[x->index_type], x->name, b.p);
                sb_free(&a);
                sb_free(&b);
                goto out;
            }
        }
    }
    if (build_user_data(g, body, &s->user_data, e))
        goto out;
    /* assign id */
    if (g->mode == MODE_RESTORING) {
        if (s->id > g->next_id[type])
            g->next_id[type] = s->id;
    } else {
        s->id = ++g->next_id[type];
    }
    if (type == ST_IL && s->index_type != IT_UNIQUE) {
        /* existing index labels whose fields are a prefix of the new one are removed */
        for (size_t i = 0; i < g->nsc[ST_IL];) {
            schema *x = g->sc[ST_IL][i];
            if (x->base_type == s->base_type && x->base_value == s->base_value && x->index_type == s->index_type &&
                is_prefix(&x->fields, &s->fields)) {
                add_task(g, "remove_schema", x->name);
                schema_remove(g, x);
                continue;
            }
            i++;
        }
    }
    schema_insert(g, s);
    if (type == ST_PK) {
        int64_t task = s->write_type ? add_task(g, "create_olap", s->name) : 0;
        sb_puts(out, "{\"property_key\": ");
        schema_render(out, g, s, false);
        sb_printf(out, ", \"task_id\": %lld}", (long long)task);
        rc = 202;
    } else if (type == ST_IL) {
        int64_t task = rebuild ? add_task(g, "rebuild_index", s->name) : 0;
        sb_puts(out, "{\"index_label\": ");
        schema_render_status(out, g, s, false, task ? "CREATING" : "CREATED");
        sb_printf(out, ", \"task_id\": %lld}", (long long)task);
        rc = 202;
    } else {
        schema_render(out, g, s, false);
        rc = 201;
    }
    s = NULL;
out:
    schema_free(s);
    sb_free(&tmp);
    return rc;
}

static void remove_index_labels_of(graph *g, int base_type, int64_t base)
{
    for (size_t i = 0; i < g->nsc[ST_IL];) {
        schema *x = g->sc[ST_IL][i];
        if (x->base_type == base_type && x->base_value == base) {
            schema_remove(g, x);
            continue;
        }
        i++;
    }
}
/* which: 0 vertices, 1 edges. Removes elements with that label id (for vertices also their edges). */
static void remove_label_data(graph *g, int which, int64_t label)
{
    etable *t = which ? &g->edges : &g->vertices;
    for (size_t i = 0; i < t->cap; i++) {
        elem *x = t->slots[i];
        if (x && x != TOMB && x->label == label) {
            if (!which) {
                char *k = malloc(x->keylen ? x->keylen : 1);
                size_t kl = x->keylen;
                memcpy(k, ELEM_KEY(x), kl);
                vertex_delete(g, k, kl);
                free(k);
            } else {
                etable_del(t, ELEM_KEY(x), x->keylen);
            }
        }
    }
}

int schema_delete(graph *g, int type, const char *name, sb_t *out, herr *e)
{
    schema *s = schema_by_name(g, type, name);
    if (!s)
        return err_set(e, 404, C_NFE, "%s with name '%s' does not exist", st_readable[type], name);
    int64_t task = 0;
    if (type == ST_PK) {
        for (int t = ST_VL; t <= ST_EL; t++)
            for (size_t i = 0; i < g->nsc[t]; i++)
                if (idl_has(&g->sc[t][i]->props, s->id))
                    return err_set(e, 400, C_IAE, "Not allowed to remove property key: '%s' because the %s '%s' is still using it.",
                                   name, st_readable[t], g->sc[t][i]->name);
        if (s->write_type)
            task = add_task(g, "remove_olap", name);
        schema_remove(g, s);
    } else if (type == ST_VL) {
        for (size_t i = 0; i < g->nsc[ST_EL]; i++) {
            schema *el = g->sc[ST_EL][i];
            if (el->el_type != ELT_PARENT && (el->src == s->id || el->tgt == s->id))
                return err_set(e, 400, C_HUGE, "Not allowed to remove vertex label '%s' because the edge label '%s' still link with it",
                               name, el->name);
        }
        task = add_task(g, "remove_schema", name);
        remove_index_labels_of(g, 0, s->id);
        remove_label_data(g, 0, s->id);
        schema_remove(g, s);
    } else if (type == ST_EL) {
        task = add_task(g, "remove_schema", name);
        if (s->el_type == ELT_PARENT) {
            for (size_t i = 0; i < g->nsc[ST_EL];) {
                schema *c = g->sc[ST_EL][i];
                if (c->el_type == ELT_SUB && c->parent == s->id) {
                    remove_index_labels_of(g, 1, c->id);
                    remove_label_data(g, 1, c->id);
                    schema_remove(g, c);
                    continue;
                }
                i++;
            }
        }
        remove_index_labels_of(g, 1, s->id);
        remove_label_data(g, 1, s->id);
        schema_remove(g, s);
    } else {
        task = add_task(g, "remove_schema", name);
        schema_remove(g, s);
    }
    sb_printf(out, "{\"task_id\":%lld}", (long long)task);
    return 202;
}

/* ---------------- property values ---------------- */
static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}
/* Jackson's untyped mapping of a JSON number: 0 Integer, 1 Long, 2 BigInteger, 3 Double; for 0 and 1
 * the value goes to *val when val is not NULL (what strtoll gives) */
static int jnum_kind_val(const jnode *v, int64_t *val)
{
    int64_t x;
    if (!jnum_is_int(v))
        return 3;
    size_t neg = v->s[0] == '-';
    if (v->slen - neg <= 19) {
        /* 19 digits fit a uint64_t: no strtoll needed */
        uint64_t u = 0;
        for (size_t i = neg; i < v->slen; i++)
            u = u * 10 + (uint64_t)(v->s[i] - '0');
        if (u > (uint64_t)INT64_MAX + neg)
            return 2;
        x = neg ? (int64_t)(0 - u) : (int64_t)u;
    } else {
        errno = 0;
        x = strtoll(v->s, NULL, 10);
        if (errno)
            return 2;
    }
    if (val)
        *val = x;
    return (x >= INT32_MIN && x <= INT32_MAX) ? 0 : 1;
}
static int jnum_kind(const jnode *v) { return jnum_kind_val(v, NULL); }
static const char *jtype_java(const jnode *v)
{
    static const char *const K[] = {"Integer", "Long", "BigInteger", "Double"};
    switch (v->type) {
    case J_STR: return "String";
    case J_BOOL: return "Boolean";
    case J_NUM: return K[jnum_kind(v)];
    case J_ARR: return "ArrayList";
    case J_OBJ: return "LinkedHashMap";
    case J_NULL: return "null";
    }
    return "Object";
}
/* Object.toString() of the value Jackson maps the JSON to */
static void java_str(sb_t *s, const jnode *v)
{
    switch (v->type) {
    case J_STR: sb_putn(s, v->s, v->slen); return;
    case J_BOOL: sb_puts(s, v->b ? "true" : "false"); return;
    case J_NULL: sb_puts(s, "null"); return;
    case J_NUM:
        if (jnum_kind(v) == 3)
            java_double(s, jnum_double(v));
        else if (!strcmp(v->s, "-0"))
            sb_putc(s, '0');
        else
            sb_puts(s, v->s);
        return;
    case J_ARR:
    case J_OBJ:
        sb_putc(s, v->type == J_ARR ? '[' : '{');
        for (size_t i = 0; i < v->nkids; i++) {
            if (i)
                sb_puts(s, ", ");
            if (v->type == J_OBJ) {
                sb_puts(s, v->kids[i]->key);
                sb_putc(s, '=');
            }
            java_str(s, v->kids[i]);
        }
        sb_putc(s, v->type == J_ARR ? ']' : '}');
        return;
    }
}
/* Number.longValue() of a JSON number: BigInteger keeps the low 64 bits, Double saturates */
int64_t jnum_long_value(const jnode *v)
{
    int64_t x;
    int k = jnum_kind_val(v, &x);
    if (k < 2)
        return x;
    if (k == 2) {
        uint64_t u = 0;
        const char *p = v->s + (v->s[0] == '-');
        for (; *p >= '0' && *p <= '9'; p++)
            u = u * 10 + (uint64_t)(*p - '0');
        return (int64_t)(v->s[0] == '-' ? 0 - u : u);
    }
    double d = jnum_double(v);
    if (isnan(d))
        return 0;
    if (d >= 9.2233720368547758e18)
        return INT64_MAX;
    if (d <= -9.2233720368547758e18)
        return INT64_MIN;
    return (int64_t)d;
}

/* Java UUID parsing as StringEncoding.uuid does it (36 chars with '-': UUID.fromString, 32: two hex longs) */
static bool java_hexlong(const char *s, size_t n, uint64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i >= n || n - i > 16)
        return false;
    uint64_t u = 0;
    for (; i < n; i++) {
        int c = s[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return false;
        u = u << 4 | (uint64_t)d;
    }
    *out = neg ? 0 - u : u;
    return true;
}
bool java_uuid(const char *s, size_t n, unsigned char out[16])
{
    uint64_t hi = 0, lo = 0;
    if (n == 36 && memchr(s, '-', n)) {
        size_t d[5], k = 0;
        for (size_t i = 0; i < n && k < 5; i++)
            if (s[i] == '-')
                d[k++] = i;
        if (k != 4)
            return false;
        uint64_t c[5];
        size_t st[5] = {0, d[0] + 1, d[1] + 1, d[2] + 1, d[3] + 1}, en[5] = {d[0], d[1], d[2], d[3], n};
        for (int i = 0; i < 5; i++)
            if (!java_hexlong(s + st[i], en[i] - st[i], &c[i]))
                return false;
        hi = (c[0] & 0xffffffffULL) << 32 | (c[1] & 0xffff) << 16 | (c[2] & 0xffff);
        lo = (c[3] & 0xffff) << 48 | (c[4] & 0xffffffffffffULL);
    } else if (n == 32) {
        if (s[0] == '-' || s[16] == '-' || !java_hexlong(s, 16, &hi) || !java_hexlong(s + 16, 16, &lo))
            return false;
    } else {
        return false;
    }
    for (int i = 0; i < 8; i++) {
        out[i] = (unsigned char)(hi >> (56 - 8 * i));
        out[8 + i] = (unsigned char)(lo >> (56 - 8 * i));
    }
    return true;
}

/* java.util.Base64 basic decoder; on error sets msg */
static bool java_b64(sb_t *out, const char *s, size_t n, sb_t *msg)
{
    static const char B[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (n == 0)
        return true;
    if (n < 2) {
        sb_puts(msg, "Input byte[] should at least have 2 bytes for base64 bytes");
        return false;
    }
    uint32_t bits = 0;
    int shiftto = 18;
    size_t sp = 0;
    while (sp < n) {
        unsigned char c = (unsigned char)s[sp++];
        const char *f = c ? memchr(B, c, 64) : NULL;
        if (!f) {
            if (c == '=') {
                if ((shiftto == 6 && (sp == n || s[sp++] != '=')) || shiftto == 18) {
                    sb_puts(msg, "Input byte array has wrong 4-byte ending unit");
                    return false;
                }
                break;
            }
            sb_printf(msg, "Illegal base64 character %s%x", c >= 0x80 ? "-" : "", c >= 0x80 ? 256 - c : c);
            return false;
        }
        bits |= (uint32_t)(f - B) << shiftto;
        shiftto -= 6;
        if (shiftto < 0) {
            sb_putc(out, (char)(bits >> 16));
            sb_putc(out, (char)(bits >> 8));
            sb_putc(out, (char)bits);
            shiftto = 18;
            bits = 0;
        }
    }
    if (shiftto == 6) {
        sb_putc(out, (char)(bits >> 16));
    } else if (shiftto == 0) {
        sb_putc(out, (char)(bits >> 16));
        sb_putc(out, (char)(bits >> 8));
    } else if (shiftto == 12) {
        sb_puts(msg, "Last unit does not have enough valid bits");
        return false;
    }
    if (sp < n) {
        sb_printf(msg, "Input byte array has incorrect ending byte at %zu", sp);
        return false;
    }
    return true;
}

/* DateUtil.parse: the three regexes (whole string), then Joda's strict field checks (UTC) */
static bool java_date(const char *s, size_t n, int64_t *ms, sb_t *msg)
{
    char buf[64];
    size_t i = 0;
    int f[7] = {0}, w[7] = {0};
    static const char SEP[] = "--\001::.";
    int nf = 0;
    bool ok = n < sizeof buf;
    for (int k = 0; ok && k < 7; k++) {
        int minw = k == 0 ? 4 : k <= 2 ? 1 : k == 6 ? 1 : 2, maxw = k == 0 ? 4 : k <= 2 ? 2 : k == 6 ? 3 : 2;
        if (k > 0) {
            if (i == n && (k == 3 || k == 6))
                break;
            char c = i < n ? s[i] : 0;
            if (SEP[k - 1] == '\001' ? !(c == ' ' || (c >= '\t' && c <= '\r')) : c != SEP[k - 1]) {
                ok = false;
                break;
            }
            i++;
        }
        int d = 0;
        while (i < n && d < maxw && s[i] >= '0' && s[i] <= '9')
            f[k] = f[k] * 10 + (s[i++] - '0'), d++;
        w[k] = d;
        if (d < minw)
            ok = false;
        nf = k + 1;
    }
    if (!ok || i != n || (nf != 3 && nf != 6 && nf != 7)) {
        sb_printf(msg, "Expected date format is: [yyyy-MM-dd, yyyy-MM-dd HH:mm:ss, yyyy-MM-dd HH:mm:ss.SSS], but got '%.*s'", (int)n, s);
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = 0;
    if (nf >= 6 && s[10 + (w[1] < 2 ? -1 : 0) + (w[2] < 2 ? -1 : 0)] != ' ') {
        size_t at = (size_t)(4 + 1 + w[1] + 1 + w[2]);
        sb_printf(msg, "Invalid format: \"%s\" is malformed at \"%s\"", buf, buf + at);
        return false;
    }
    static const int MDAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int Y = f[0], M = f[1], D = f[2];
    const char *bad = NULL;
    int val = 0, lo = 0, hi = 0;
    if (M < 1 || M > 12)
        bad = "monthOfYear", val = M, lo = 1, hi = 12;
    else {
        int md = MDAYS[M - 1] + (M == 2 && ((Y % 4 == 0 && Y % 100) || Y % 400 == 0));
        if (D < 1 || D > md)
            bad = "dayOfMonth", val = D, lo = 1, hi = md;
        else if (f[3] > 23)
            bad = "hourOfDay", val = f[3], hi = 23;
        else if (f[4] > 59)
            bad = "minuteOfHour", val = f[4], hi = 59;
        else if (f[5] > 59)
            bad = "secondOfMinute", val = f[5], hi = 59;
    }
    if (bad) {
        sb_printf(msg, "Cannot parse \"%s\": Value %d for %s must be in the range [%d,%d]", buf, val, bad, lo, hi);
        return false;
    }
    int milli = f[6];
    for (int k = w[6]; nf == 7 && k < 3; k++)
        milli *= 10;
    struct tm tm = {0};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = f[3];
    tm.tm_min = f[4];
    tm.tm_sec = f[5];
    *ms = (int64_t)timegm(&tm) * 1000 + milli;
    return true;
}

static const char *const DT_LOWER[] = {"object", "boolean", "byte", "int", "long", "float", "double", "text", "blob", "date", "uuid"};

static void java_special(sb_t *frag, double d)
{
    sb_putc(frag, '"');
    java_double(frag, d);
    sb_putc(frag, '"');
}

/* PropertyKey.convSingleValue for one value: 0 converted (JSON fragment + id-serial form appended),
 * 1 no conversion (null), 2 exception with its message in msg */
static int conv_one(const schema *pk, const jnode *v, sb_t *frag, sb_t *serial, sb_t *msg)
{
    int64_t x;
    int dt = pk->data_type;
    switch (dt) {
    case DT_BOOLEAN:
        if (v->type != J_BOOL)
            return 1;
        sb_puts(frag, v->b ? "true" : "false");
        if (serial)
            sb_puts(serial, v->b ? "true" : "false");
        return 0;
    case DT_BYTE:
    case DT_INT:
    case DT_LONG:
    case DT_FLOAT:
    case DT_DOUBLE: {
        bool special = v->type == J_STR && (!strcmp(v->s, "NaN") || !strcmp(v->s, "Infinity") || !strcmp(v->s, "-Infinity"));
        if (v->type != J_NUM && !special)
            return 1;
        sb_t txt = {0};
        java_str(&txt, v);
        int64_t val = 0;
        int kind = special ? -1 : jnum_kind_val(v, &val);
        if (dt == DT_FLOAT || dt == DT_DOUBLE) {
            /* Float/Double.valueOf(value.toString()) unless already a Double */
            double d = special ? (v->s[0] == 'N' ? NAN : v->s[0] == '-' ? -INFINITY : INFINITY) : strtod(txt.p, NULL);
            sb_free(&txt);
            if (dt == DT_FLOAT) {
                float fl = (float)d;
                if (!special && kind != 3) {
                    fl = strtof(v->s, NULL);
                } else if (!special) {
                    sb_t t2 = {0};
                    java_double(&t2, d);
                    fl = strtof(t2.p, NULL);
                    sb_free(&t2);
                }
                if (isfinite(fl))
                    java_float(frag, fl);
                else
                    java_special(frag, fl);
                if (serial)
                    longenc_sortable(serial, sortable_float(fl));
            } else {
                if (isfinite(d))
                    java_double(frag, d);
                else
                    java_special(frag, d);
                if (serial)
                    longenc_sortable(serial, sortable_double(d));
            }
            return 0;
        }
        /* Byte/Integer/Long.valueOf(value.toString()) */
        bool okparse = !special && kind != 3 && kind != 2 && !((dt == DT_INT || dt == DT_BYTE) && kind == 1);
        if (okparse)
            x = val;
        if (!okparse || (dt == DT_BYTE && (x < -128 || x > 127))) {
            if (okparse)
                sb_printf(msg, "Can't read '%s' as %s: Value out of range. Value:\"%s\" Radix:10", txt.p, DT_LOWER[dt], txt.p);
            else
                sb_printf(msg, "Can't read '%s' as %s: For input string: \"%s\"", txt.p, DT_LOWER[dt], txt.p);
            sb_free(&txt);
            return 2;
        }
        sb_free(&txt);
        sb_i64(frag, x);
        if (serial)
            longenc_sortable(serial, x);
        return 0;
    }
    case DT_TEXT:
        if (v->type != J_STR)
            return 1;
        sb_json_str(frag, v->s, v->slen);
        if (serial)
            sb_putn(serial, v->s, v->slen);
        return 0;
    case DT_DATE:
        if (v->type == J_NUM) {
            if (jnum_kind_val(v, &x) > 1)
                return 1;
        } else if (v->type == J_STR) {
            if (!java_date(v->s, v->slen, &x, msg))
                return 2;
        } else {
            return 1;
        }
        sb_putc(frag, '"');
        fmt_date(frag, x);
        sb_putc(frag, '"');
        if (serial)
            longenc_sortable(serial, x);
        return 0;
    case DT_UUID: {
        unsigned char u[16];
        if (v->type != J_STR)
            return 1;
        if (!java_uuid(v->s, v->slen, u)) {
            sb_printf(msg, "Invalid UUID string: %s", v->s);
            return 2;
        }
        sb_putc(frag, '"');
        size_t st = frag->len;
        fmt_uuid(frag, u);
        if (serial)
            sb_putn(serial, frag->p + st, frag->len - st);
        sb_putc(frag, '"');
        return 0;
    }
    case DT_BLOB: {
        sb_t bytes = {0};
        if (v->type == J_STR) {
            if (v->slen >= 2 && v->s[0] == '0' && v->s[1] == 'x') {
                bool ok = (v->slen % 2) == 0;
                for (size_t i = 2; ok && i + 1 < v->slen; i += 2) {
                    int a = hexval(v->s[i]), b = hexval(v->s[i + 1]);
                    if (a < 0 || b < 0)
                        ok = false;
                    else
                        sb_putc(&bytes, (char)(a * 16 + b));
                }
                if (!ok) {
                    sb_printf(msg, "Failed to decode hex: %s", v->s + 2);
                    sb_free(&bytes);
                    return 2;
                }
            } else if (!java_b64(&bytes, v->s, v->slen, msg)) {
                sb_free(&bytes);
                return 2;
            }
        } else if (v->type == J_ARR) {
            for (size_t i = 0; i < v->nkids; i++) {
                const jnode *k = v->kids[i];
                if (k->type != J_NUM || jnum_kind(k) != 0) {
                    sb_t t = {0};
                    java_str(&t, k);
                    sb_printf(msg, "expect byte or int value, but got '%s'", t.p);
                    sb_free(&t);
                    sb_free(&bytes);
                    return 2;
                }
                sb_putc(&bytes, (char)(strtoll(k->s, NULL, 10) & 0xff));
            }
        } else {
            return 1;
        }
        sb_putc(frag, '"');
        b64_encode(frag, (unsigned char *)bytes.p, bytes.len);
        sb_putc(frag, '"');
        if (serial) {
            /* PropertyKey.serialValue keeps the Blob; concatValues uses Blob.toString(): Blob{<lower hex>} */
            sb_puts(serial, "Blob{");
            sb_hex(serial, (const unsigned char *)bytes.p, bytes.len);
            sb_putc(serial, '}');
        }
        sb_free(&bytes);
        return 0;
    }
    default:
        return 1;
    }
}
/* The real server keeps a SET value in a HashSet: reorder the m rendered values (JSON text at
 * [starts[i], ends[i]) of frag) in its iteration order, for the types whose Java hashCode is
 * known from the value: TEXT (String), BYTE/INT (Integer), LONG (Long).  Others keep the
 * first-occurrence order. */
static void java_set_order(const schema *pk, sb_t *frag, const size_t *starts, const size_t *ends, size_t m)
{
    int dt = pk->data_type;
    if (m < 2 || (dt != DT_TEXT && dt != DT_BYTE && dt != DT_INT && dt != DT_LONG))
        return;
    size_t *key = calloc(m, sizeof *key), *ord = calloc(m, sizeof *ord);
    for (size_t i = 0; i < m; i++) {
        uint32_t h = 0;
        if (dt == DT_TEXT) {
            arena_t a = {0};
            char eb[64];
            jnode *n = json_parse(&a, frag->p + starts[i], ends[i] - starts[i], eb, sizeof eb);
            if (n && n->type == J_STR)
                h = java_string_hash(n->s);
            ar_free(&a);
        } else {
            long long v = strtoll(frag->p + starts[i], NULL, 10);
            h = dt == DT_LONG ? (uint32_t)((uint64_t)v ^ ((uint64_t)v >> 32)) : (uint32_t)v;
        }
        key[i] = java_bucket(h, m);
        ord[i] = i;
    }
    for (size_t i = 1; i < m; i++) /* stable: equal buckets keep insertion order */
        for (size_t j = i; j > 0 && key[ord[j - 1]] > key[ord[j]]; j--) {
            size_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    sb_t out = {0};
    for (size_t i = 0; i < m; i++) {
        if (i)
            sb_putc(&out, ',');
        sb_putn(&out, frag->p + starts[ord[i]], ends[ord[i]] - starts[ord[i]]);
    }
    memcpy(frag->p + starts[0], out.p, out.len); /* same total length */
    sb_free(&out);
    free(key);
    free(ord);
}
/* PropertyKey.validValueOrThrow for the value as HugeElement.addProperty passes it */
static int conv_value(const schema *pk, const jnode *v, sb_t *frag, sb_t *serial, herr *e)
{
    sb_t msg = {0}, shown = {0}, clazz = {0};
    const char *actual;
    int r;
    if (pk->card == CARD_SINGLE) {
        r = conv_one(pk, v, frag, serial, &msg);
        if (!r)
            return 0;
        java_str(&shown, v);
        sb_puts(&clazz, DT_JAVA[pk->data_type]);
        actual = jtype_java(v);
    } else {
        /* LIST: the array itself or [scalar]; SET: a LinkedHashSet of the raw values (Java equals) */
        size_t n = v->type == J_ARR ? v->nkids : 1;
        const jnode **el = malloc((n + 1) * sizeof *el);
        char **keys = calloc(n + 1, sizeof *keys);
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            const jnode *x = v->type == J_ARR ? v->kids[i] : v;
            if (pk->card == CARD_SET) {
                sb_t t = {0};
                sb_puts(&t, jtype_java(x));
                sb_putc(&t, ':');
                java_str(&t, x);
                bool dup = false;
                for (size_t j = 0; j < k && !dup; j++)
                    dup = !strcmp(keys[j], t.p);
                if (dup) {
                    sb_free(&t);
                    continue;
                }
                keys[k] = sb_steal(&t);
            }
            el[k++] = x;
        }
        sb_putc(&shown, '[');
        for (size_t i = 0; i < k; i++) {
            if (i)
                sb_puts(&shown, ", ");
            java_str(&shown, el[i]);
        }
        sb_putc(&shown, ']');
        sb_putc(frag, '[');
        size_t *starts = malloc((k + 1) * sizeof *starts), *ends = malloc((k + 1) * sizeof *ends), m = 0;
        r = 0;
        for (size_t i = 0; i < k && !r; i++) {
            size_t mark = frag->len;
            if (m)
                sb_putc(frag, ',');
            size_t st = frag->len;
            r = conv_one(pk, el[i], frag, NULL, &msg);
            if (r)
                break;
            bool dup = false;
            for (size_t j = 0; pk->card == CARD_SET && j < m && !dup; j++)
                dup = ends[j] - starts[j] == frag->len - st && !memcmp(frag->p + starts[j], frag->p + st, frag->len - st);
            if (dup) {
                frag->len = mark;
                frag->p[mark] = 0;
                continue;
            }
            starts[m] = st;
            ends[m++] = frag->len;
        }
        if (!r && pk->card == CARD_SET)
            java_set_order(pk, frag, starts, ends, m);
        for (size_t i = 0; i < k; i++)
            free(keys[i]);
        free(keys);
        free(el);
        free(starts);
        free(ends);
        sb_putc(frag, ']');
        if (!r) {
            sb_free(&shown);
            return 0;
        }
        sb_printf(&clazz, "%s<%s>", pk->card == CARD_SET ? "Set" : "List", DT_JAVA[pk->data_type]);
        actual = pk->card == CARD_SET ? "LinkedHashSet" : "ArrayList";
    }
    if (r == 2)
        err_set(e, 400, C_IAE, "Invalid property value '%s' for key '%s': %s", shown.p, pk->name, msg.p);
    else
        err_set(e, 400, C_IAE, "Invalid property value '%s' for key '%s', expect a value of type %s, actual type %s", shown.p,
                pk->name, clazz.p, actual);
    sb_free(&msg);
    sb_free(&shown);
    sb_free(&clazz);
    return -1;
}

typedef struct {
    schema *pk;
    size_t off, len; /* in frag buffer */
    size_t soff, slen; /* serial */
} propv;

/* Property order of element JSON as real 1.7.0 writes it (memory and rocksdb alike): HugeElement
 * keeps its properties in an Eclipse Collections IntObjectHashMap keyed by the property key id.
 * Keys 0 and 1 are that map's sentinels, kept outside the table and iterated first; the others
 * are inserted (in the order they were set) at slot id & (length - 1) with linear probing; the
 * table starts at 16 slots and doubles, re-inserting in table order, when more than half full. */
static void pv_java_order(propv *pv, size_t k, const schema *label)
{
    (void)label;
    size_t len = 16;
    long *tab = malloc(len * sizeof *tab); /* index into pv, -1 = empty */
    for (size_t i = 0; i < len; i++)
        tab[i] = -1;
    size_t used = 0;
    propv *out = malloc((k + 1) * sizeof *out);
    size_t no = 0;
    for (size_t i = 0; i < k; i++) /* sentinels first, 0 before 1 */
        if (pv[i].pk->id == 0)
            out[no++] = pv[i];
    for (size_t i = 0; i < k; i++)
        if (pv[i].pk->id == 1)
            out[no++] = pv[i];
    for (size_t i = 0; i < k; i++) {
        int64_t id = pv[i].pk->id;
        if (id == 0 || id == 1)
            continue;
        size_t s = (uint32_t)id & (len - 1);
        while (tab[s] >= 0)
            s = (s + 1) & (len - 1);
        tab[s] = (long)i;
        if (++used > len / 2) {
            size_t nlen = len * 2;
            long *nt = malloc(nlen * sizeof *nt);
            for (size_t x = 0; x < nlen; x++)
                nt[x] = -1;
            for (size_t x = 0; x < len; x++) {
                if (tab[x] < 0)
                    continue;
                size_t t = (uint32_t)pv[tab[x]].pk->id & (nlen - 1);
                while (nt[t] >= 0)
                    t = (t + 1) & (nlen - 1);
                nt[t] = tab[x];
            }
            free(tab);
            tab = nt;
            len = nlen;
        }
    }
    for (size_t x = 0; x < len; x++)
        if (tab[x] >= 0)
            out[no++] = pv[tab[x]];
    memcpy(pv, out, k * sizeof *pv);
    free(out);
    free(tab);
}

/* parse, convert and render properties; returns count via *np, array via *pv */
static int build_props(graph *g, const schema *label, const jnode *props, const char *kind, sb_t *frag, sb_t *ser,
                       propv **pvout, size_t *np, sb_t *rendered, herr *e)
{
    size_t n = props->nkids;
    propv *pv = calloc(n + 1, sizeof *pv);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const jnode *v = props->kids[i];
        schema *pk = schema_by_name(g, ST_PK, v->key);
        if (!pk) {
            free(pv);
            return err_set(e, 400, C_IAE, "Undefined property key: '%s'", v->key);
        }
        if (!idl_has(&label->props, pk->id)) {
            free(pv);
            /* a vertex label prints itself with its id (SchemaLabel.toString), an edge label by name */
            if (!strcmp(kind, "vertex"))
                return err_set(e, 400, C_IAE, "Invalid property '%s' for vertex label '%s(id=%lld)'", v->key,
                               label->name, (long long)label->id);
            return err_set(e, 400, C_IAE, "Invalid property '%s' for %s label '%s'", v->key, kind, label->name);
        }
        if (v->type == J_NULL) {
            free(pv);
            return err_set(e, 400, C_IAE, "Not allowed to set value of property '%s' to null for %s label '%s'", v->key,
                           kind, label->name);
        }
        size_t dupi = k;
        for (size_t j = 0; j < k; j++)
            if (pv[j].pk == pk)
                dupi = j;
        propv p = {pk, frag->len, 0, ser->len, 0};
        /* the id-serial form is only read for primary keys and sort keys */
        bool serial = pk->card == CARD_SINGLE && (idl_has(&label->pks, pk->id) || idl_has(&label->sort_keys, pk->id));
        if (conv_value(pk, v, frag, serial ? ser : NULL, e)) {
            free(pv);
            return -1;
        }
        p.len = frag->len - p.off;
        p.slen = ser->len - p.soff;
        if (!g_cfg.rocksdb && pk->card != CARD_SINGLE && p.len == 2 && !memcmp(frag->p + p.off, "[]", 2)) {
            /* an empty LIST/SET on memory (text serializer) is lost: the real server reads the element
             * back without the key; rocksdb (binary serializer) keeps "[]" (seen on 1.7.0) */
            frag->len = p.off;
            ser->len = p.soff;
            continue;
        }
        pv[dupi] = p;
        if (dupi == k)
            k++;
    }
    pv_java_order(pv, k, label);
    sb_putc(rendered, '{');
    for (size_t i = 0; i < k; i++) {
        if (i)
            sb_putc(rendered, ',');
        sb_json_str(rendered, pv[i].pk->name, strlen(pv[i].pk->name));
        sb_putc(rendered, ':');
        sb_putn(rendered, frag->p + pv[i].off, pv[i].len);
    }
    sb_putc(rendered, '}');
    *pvout = pv;
    *np = k;
    return 0;
}
static const propv *find_pv(const propv *pv, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (pv[i].pk->id == id)
            return &pv[i];
    return NULL;
}
static int check_nonnull(graph *g, const schema *label, const propv *pv, size_t n, const char *kind, herr *e)
{
    if (g->mode == MODE_LOADING)
        return 0;
    idlist missed = {calloc(label->props.n + 1, sizeof(int64_t)), 0};
    idlist nonnull = {calloc(label->props.n + 1, sizeof(int64_t)), 0};
    for (size_t i = 0; i < label->props.n; i++) {
        int64_t id = label->props.v[i];
        if (idl_has(&label->nullables, id))
            continue;
        nonnull.v[nonnull.n++] = id;
        if (!find_pv(pv, n, id))
            missed.v[missed.n++] = id;
    }
    int rc = 0;
    if (missed.n) {
        sb_t a = {0}, b = {0};
        java_list(&a, g, ST_PK, &nonnull);
        java_list(&b, g, ST_PK, &missed);
        rc = err_set(e, 400, C_IAE, "All non-null property keys %s of %s label '%s' must be set, missed keys %s", a.p,
                     kind, label->name, b.p);
        sb_free(&a);
        sb_free(&b);
    }
    free(missed.v);
    free(nonnull.v);
    return rc;
}

/* vertex key: 'L' + 8 bytes BE (sign flipped) | 'S' + bytes | 'U' + 16 bytes */
static void key_long(sb_t *k, int64_t v)
{
    uint64_t u = (uint64_t)v ^ (1ULL << 63);
    sb_putc(k, 'L');
    for (int i = 7; i >= 0; i--)
        sb_putc(k, (char)(u >> (i * 8)));
}
static int64_t key_long_val(const char *key)
{
    uint64_t u = 0;
    for (int i = 1; i <= 8; i++)
        u = u << 8 | (unsigned char)key[i];
    return (int64_t)(u ^ (1ULL << 63));
}
void vertex_id_json(sb_t *s, const char *key, size_t klen)
{
    if (key[0] == 'L')
        sb_i64(s, key_long_val(key));
    else if (key[0] == 'U') {
        sb_putc(s, '"');
        fmt_uuid(s, (const unsigned char *)key + 1);
        sb_putc(s, '"');
    } else
        sb_json_str(s, key + 1, klen - 1);
}
/* P(v) text form for edge ids (unescaped) */
static void vertex_id_edgepart(sb_t *s, const char *key, size_t klen)
{
    if (key[0] == 'L') {
        sb_putc(s, 'L');
        sb_i64(s, key_long_val(key));
    } else if (key[0] == 'U') {
        sb_putc(s, 'U');
        fmt_uuid(s, (const unsigned char *)key + 1);
    } else {
        sb_putn(s, key, klen);
    }
}
void vertex_id_text(sb_t *s, const char *key, size_t klen)
{
    if (key[0] == 'L')
        sb_i64(s, key_long_val(key));
    else if (key[0] == 'U')
        fmt_uuid(s, (const unsigned char *)key + 1);
    else
        sb_putn(s, key + 1, klen - 1);
}

static const char *const JV_FIELDS[] = {"id", "label", "properties", "type", NULL};
static const char *const JE_FIELDS[] = {"id", "label", "outV", "outVLabel", "inV", "inVLabel", "properties", "type", NULL};

static size_t max_id_len(void) { return g_cfg.persona == 17 ? 16384 : 128; }

/* ---------------- OLAP values ---------------- */
/* v's key and JSON, and full (a JSON with the OLAP values) after them */
static elem *elem_with_full(const elem *v, const char *full, size_t flen)
{
    elem *x = elem_new(ELEM_KEY(v), v->keylen, ELEM_JSON(v), v->jsonlen, v->label);
    size_t used = (size_t)x->jsonoff + x->jsonlen + 1;
    x = realloc(x, sizeof *x + used + flen + 1);
    memcpy(x->data + used, full, flen);
    x->data[used + flen] = 0;
    x->fulloff = (uint32_t)used;
    x->fulllen = (uint32_t)flen;
    return x;
}
/* v (a vertex without OLAP values in its JSON) with the graph's OLAP values for its id, if any: HugeGraph
 * appends them after the other properties, in property key id order */
static elem *attach_olap(graph *g, elem *v)
{
    elem *o = g->olap.count ? etable_get(&g->olap, ELEM_KEY(v), v->keylen) : NULL;
    if (!o)
        return v;
    const char *js = ELEM_JSON(v), *p = ELEM_JSON(o), *end = p + o->jsonlen;
    size_t n = v->jsonlen;
    sb_t full = {0};
    bool empty = n >= 3 && js[n - 3] == '{'; /* "properties":{}} */
    sb_putn(&full, js, n - 2);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *sp = memchr(p, ' ', (size_t)(end - p));
        if (!nl || !sp || sp > nl)
            break;
        schema *pk = schema_by_id(g, ST_PK, strtoll(p, NULL, 10));
        if (pk) {
            if (!empty)
                sb_putc(&full, ',');
            empty = false;
            sb_json_str(&full, pk->name, strlen(pk->name));
            sb_putc(&full, ':');
            sb_putn(&full, sp + 1, (size_t)(nl - sp - 1));
        }
        p = nl + 1;
    }
    sb_puts(&full, "}}");
    elem *x = elem_with_full(v, full.p, full.len);
    sb_free(&full);
    free(v);
    return x;
}
void olap_apply(graph *g, elem *w)
{
    const char *line = w->data + w->fulloff;
    int64_t pkid = strtoll(line, NULL, 10);
    elem *o = etable_get(&g->olap, ELEM_KEY(w), w->keylen);
    sb_t text = {0};
    bool put = false;
    if (o) {
        const char *p = ELEM_JSON(o), *end = p + o->jsonlen;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl)
                break;
            int64_t id = strtoll(p, NULL, 10);
            if (!put && id >= pkid) {
                sb_putn(&text, line, w->fulllen);
                sb_putc(&text, '\n');
                put = true;
            }
            if (id != pkid)
                sb_putn(&text, p, (size_t)(nl - p + 1));
            p = nl + 1;
        }
    }
    if (!put) {
        sb_putn(&text, line, w->fulllen);
        sb_putc(&text, '\n');
    }
    etable_put(&g->olap, elem_new(ELEM_KEY(w), w->keylen, text.p, text.len, 0));
    sb_free(&text);
    elem *v = etable_get(&g->vertices, ELEM_KEY(w), w->keylen);
    if (v)
        etable_put(&g->vertices, attach_olap(g, elem_new(ELEM_KEY(v), v->keylen, ELEM_JSON(v), v->jsonlen, v->label)));
    free(w);
}
/* GraphTransaction.constructVertex: an id, no label and exactly one property make a possible OLAP write:
 * the value is converted for the key, and when the key is an OLAP key the write goes to its table (for
 * any id: the vertex need not exist).  1: not an OLAP write (the caller goes on), 0 done (*out: the
 * write, label OLAP_VL), -1 error. */
static int olap_write(graph *g, const jnode *idn, const jnode *props, elem **out, herr *e)
{
    if (idn->type != J_NUM && idn->type != J_STR)
        return 1; /* the id check below says why */
    if (idn->type == J_STR && !idn->slen) /* IdGenerator.of: 1.5.0 says "empty", 1.7.0 "null or empty" */
        return err_set(e, 400, C_IAE, g_cfg.persona == 17 ? "The id can't be null or empty" : "The id can't be empty");
    const jnode *v = props->kids[0];
    schema *pk = schema_by_name(g, ST_PK, v->key);
    if (!pk)
        return err_set(e, 400, C_IAE, "Undefined property key: '%s'", v->key);
    sb_t frag = {0}, key = {0}, js = {0}, line = {0};
    if (conv_value(pk, v, &frag, NULL, e)) {
        sb_free(&frag);
        return -1;
    }
    if (!pk->write_type) {
        sb_free(&frag);
        return 1;
    }
    if (idn->type == J_NUM) {
        key_long(&key, jnum_long_value(idn));
    } else {
        sb_putc(&key, 'S');
        sb_putn(&key, idn->s, idn->slen);
    }
    sb_puts(&js, "{\"id\":");
    vertex_id_json(&js, key.p, key.len);
    sb_puts(&js, ",\"label\":\"*olap\",\"type\":\"vertex\",\"properties\":{");
    sb_json_str(&js, pk->name, strlen(pk->name));
    sb_putc(&js, ':');
    sb_putn(&js, frag.p, frag.len);
    sb_puts(&js, "}}");
    elem *w = elem_new(key.p, key.len, js.p, js.len, OLAP_VL);
    sb_i64(&line, pk->id);
    sb_putc(&line, ' ');
    sb_putn(&line, frag.p, frag.len);
    elem *x = elem_with_full(w, line.p, line.len);
    free(w);
    *out = x;
    sb_free(&frag);
    sb_free(&key);
    sb_free(&js);
    sb_free(&line);
    return 0;
}
int vertex_create(graph *g, const jnode *v, elem **out, herr *e)
{
    if (v->type != J_OBJ)
        return err_set(e, 400, NULL, "Cannot deserialize value of type `org.apache.hugegraph.api.graph.VertexAPI$JsonVertex` from %s",
                       v->type == J_ARR ? "Array value (token `JsonToken.START_ARRAY`)" : "non-object value");
    if (check_fields(v, JV_FIELDS, "org.apache.hugegraph.api.graph.VertexAPI$JsonVertex", e))
        return -1;
    const char *lname = NULL;
    if (get_string(v, "label", &lname, e))
        return -1;
    const jnode *props = jget(v, "properties");
    const jnode *idn = jget(v, "id");
    if (idn && idn->type == J_NULL)
        idn = NULL;
    if (props && props->type != J_NULL && props->type != J_OBJ)
        return err_set(e, 400, NULL, "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,java.lang.Object>` from %s",
                       props->type == J_ARR ? "Array value (token `JsonToken.START_ARRAY`)" : "non-object value");
    /* JsonVertex.checkCreate */
    if (!props || props->type == J_NULL)
        return err_set(e, 400, C_IAE, "The properties of vertex can't be null");
    for (size_t i = 0; i < props->nkids; i++)
        if (props->kids[i]->type == J_NULL) {
            sb_t t = {0};
            if (idn)
                java_str(&t, idn);
            else
                sb_puts(&t, "null");
            err_set(e, 400, C_IAE, "Not allowed to set value of property '%s' to null for vertex '%s'", props->kids[i]->key, t.p);
            sb_free(&t);
            return -1;
        }
    if (!lname && idn && props->nkids == 1) {
        int orc = olap_write(g, idn, props, out, e);
        if (orc <= 0)
            return orc;
    }
    if (!lname) /* JsonVertex's label defaults to TinkerPop's "vertex" */
        lname = "vertex";
    schema *vl = schema_by_name(g, ST_VL, lname);
    if (!vl)
        return err_set(e, 400, C_IAE, "Undefined vertex label: '%s'", lname);
    /* HugeElement.getIdValue */
    if (idn && idn->type != J_NUM && idn->type != J_STR) {
        sb_t t = {0};
        java_str(&t, idn);
        err_set(e, 500, "java.lang.UnsupportedOperationException", "Invalid element id: %s(%s)", t.p, jtype_java(idn));
        sb_free(&t);
        return -1;
    }
    if (idn && idn->type == J_STR && !idn->slen)
        return err_set(e, 400, C_IAE, "The id can't be null or empty");
    /* GraphTransaction.constructVertex: property names, then checkId, then the values */
    for (size_t i = 0; i < props->nkids; i++)
        if (!schema_by_name(g, ST_PK, props->kids[i]->key))
            return err_set(e, 400, C_IAE, "Undefined property key: '%s'", props->kids[i]->key);
    {
        bool maint0 = g->mode == MODE_RESTORING || g->mode == MODE_MERGING;
        const char *sn = IDS_NAMES[vl->id_strategy];
        switch (vl->id_strategy) {
        case IDS_PRIMARY_KEY:
            if (idn)
                return err_set(e, 400, C_IAE, "Can't customize vertex id when id strategy is '%s' for vertex label '%s'", sn, lname);
            for (size_t i = 0; i < vl->pks.n; i++) {
                bool found = false;
                for (size_t k = 0; k < props->nkids && !found; k++)
                    found = schema_by_name(g, ST_PK, props->kids[k]->key)->id == vl->pks.v[i];
                if (!found) {
                    sb_t a = {0};
                    java_list(&a, g, ST_PK, &vl->pks);
                    err_set(e, 400, C_IAE, "The primary keys: %s of vertex label '%s' must be set when using '%s' id strategy", a.p, lname, sn);
                    sb_free(&a);
                    return -1;
                }
            }
            break;
        case IDS_AUTOMATIC:
            if (maint0 && (!idn || idn->type != J_NUM))
                return err_set(e, 400, C_IAE, "Must customize vertex number id when id strategy is '%s' for vertex label '%s' in restoring mode", sn, lname);
            if (!maint0 && idn)
                return err_set(e, 400, C_IAE, "Can't customize vertex id when id strategy is '%s' for vertex label '%s'", sn, lname);
            break;
        case IDS_CUSTOMIZE_STRING:
        case IDS_CUSTOMIZE_UUID:
            if (!idn || idn->type != J_STR)
                return err_set(e, 400, C_IAE, "Must customize vertex string id when id strategy is '%s' for vertex label '%s'", sn, lname);
            break;
        case IDS_CUSTOMIZE_NUMBER:
            if (!idn || idn->type != J_NUM)
                return err_set(e, 400, C_IAE, "Must customize vertex number id when id strategy is '%s' for vertex label '%s'", sn, lname);
            break;
        }
    }
    sb_t frag = {0}, ser = {0}, rend = {0}, key = {0}, js = {0};
    propv *pv = NULL;
    size_t np = 0;
    int rc = -1;
    if (build_props(g, vl, props, "vertex", &frag, &ser, &pv, &np, &rend, e))
        goto out;
    bool maint = g->mode == MODE_RESTORING || g->mode == MODE_MERGING;
    int64_t num;
    switch (vl->id_strategy) {
    case IDS_AUTOMATIC:
        if (maint) {
            num = jnum_long_value(idn);
        } else {
            if (idn) {
                err_set(e, 400, C_IAE, "Can't customize vertex id when id strategy is 'AUTOMATIC' for vertex label '%s'", lname);
                goto out;
            }
            /* snowflake-like: ms since 2022-08-01 << 22 | sequence */
            num = ((now_ms() - 1659312000000LL) << 22) | (int64_t)(g->snowflake_seq++ & 0x3FFFFF);
        }
        key_long(&key, num);
        break;
    case IDS_PRIMARY_KEY: {
        if (idn) {
            err_set(e, 400, C_IAE, "Can't customize vertex id when id strategy is 'PRIMARY_KEY' for vertex label '%s'", lname);
            goto out;
        }
        sb_t name = {0};
        for (size_t i = 0; i < vl->pks.n; i++) {
            const propv *p = find_pv(pv, np, vl->pks.v[i]);
            if (!p) {
                sb_t a = {0};
                java_list(&a, g, ST_PK, &vl->pks);
                err_set(e, 400, C_IAE, "The primary keys %s of vertex label '%s' must be set", a.p, lname);
                sb_free(&a);
                sb_free(&name);
                goto out;
            }
            const char *part = ser.p + p->soff;
            if (p->slen && (unsigned char)part[0] <= 3) {
                err_set(e, 400, C_IAE, "Illegal leading char '\\u%d' in index property: '%.*s'", part[0], (int)p->slen, part);
                sb_free(&name);
                goto out;
            }
            escape_join_add(&name, '!', part, p->slen);
        }
        if (!name.len) {
            err_set(e, 400, C_IAE, "The value of primary key can't be empty");
            sb_free(&name);
            goto out;
        }
        sb_t id = {0};
        sb_i64(&id, vl->id);
        escape_join_add(&id, ':', name.p, name.len);
        sb_free(&name);
        sb_putc(&key, 'S');
        sb_putn(&key, id.p, id.len);
        sb_free(&id);
        break;
    }
    case IDS_CUSTOMIZE_STRING:
        if (!idn || idn->type != J_STR) {
            err_set(e, 400, C_IAE, "Must customize vertex string id when id strategy is 'CUSTOMIZE_STRING' for vertex label '%s'", lname);
            goto out;
        }
        sb_putc(&key, 'S');
        sb_putn(&key, idn->s, idn->slen);
        break;
    case IDS_CUSTOMIZE_NUMBER:
        if (!idn || idn->type != J_NUM) {
            err_set(e, 400, C_IAE, "Must customize vertex number id when id strategy is 'CUSTOMIZE_NUMBER' for vertex label '%s'", lname);
            goto out;
        }
        num = jnum_long_value(idn);
        key_long(&key, num);
        break;
    case IDS_CUSTOMIZE_UUID: {
        unsigned char u[16];
        if (!idn || idn->type != J_STR) {
            err_set(e, 400, C_IAE, "Must customize vertex uuid id when id strategy is 'CUSTOMIZE_UUID' for vertex label '%s'", lname);
            goto out;
        }
        if (!java_uuid(idn->s, idn->slen, u)) {
            err_set(e, 400, C_IAE, "Invalid UUID string: %s", idn->s);
            goto out;
        }
        sb_putc(&key, 'U');
        sb_putn(&key, (char *)u, 16);
        break;
    }
    }
    if (key.p[0] == 'S' && key.len - 1 > max_id_len()) {
        err_set(e, 400, C_IAE, "The max length of vertex id is %zu, but got %zu {%.40s...}", max_id_len(), key.len - 1, key.p + 1);
        goto out;
    }
    if (check_nonnull(g, vl, pv, np, "vertex", e))
        goto out;
    sb_puts(&js, "{\"id\":");
    vertex_id_json(&js, key.p, key.len);
    sb_puts(&js, ",\"label\":");
    sb_json_str(&js, vl->name, strlen(vl->name));
    sb_puts(&js, ",\"type\":\"vertex\",\"properties\":");
    sb_putn(&js, rend.p, rend.len);
    sb_putc(&js, '}');
    *out = attach_olap(g, elem_new(key.p, key.len, js.p, js.len, vl->id));
    rc = 0;
out:
    free(pv);
    sb_free(&frag);
    sb_free(&ser);
    sb_free(&rend);
    sb_free(&key);
    sb_free(&js);
    return rc;
}

/* build the vertex key from an id JSON value and an optional label */
static int endpoint_key(graph *g, const jnode *idn, const schema *vl, sb_t *key, herr *e)
{
    (void)g;
    int64_t num;
    if (idn->type == J_NUM) {
        num = jnum_long_value(idn);
        key_long(key, num);
        return 0;
    }
    if (idn->type == J_STR) {
        unsigned char u[16];
        if (vl && vl->id_strategy == IDS_CUSTOMIZE_UUID) {
            if (!java_uuid(idn->s, idn->slen, u))
                return err_set(e, 400, C_IAE, "Invalid UUID string: %s", idn->s);
            sb_putc(key, 'U');
            sb_putn(key, (char *)u, 16);
            return 0;
        }
        sb_putc(key, 'S');
        sb_putn(key, idn->s, idn->slen);
        return 0;
    }
    return err_set(e, 400, C_IAE, "The vertex id must be formatted as Number/String/UUID, but got '%s'", "?");
}

int edge_create(graph *g, const jnode *v, bool batch, bool check_vertex, elem **out, herr *e)
{
    if (v->type != J_OBJ)
        return err_set(e, 400, NULL, "Cannot deserialize value of type `org.apache.hugegraph.api.graph.EdgeAPI$JsonEdge` from %s",
                       v->type == J_ARR ? "Array value (token `JsonToken.START_ARRAY`)" : "non-object value");
    if (check_fields(v, JE_FIELDS, "org.apache.hugegraph.api.graph.EdgeAPI$JsonEdge", e))
        return -1;
    const char *lname = NULL, *ol = NULL, *il = NULL;
    if (get_string(v, "label", &lname, e) || get_string(v, "outVLabel", &ol, e) || get_string(v, "inVLabel", &il, e))
        return -1;
    const jnode *outv = jget(v, "outV"), *inv = jget(v, "inV"), *props = jget(v, "properties");
    if (outv && outv->type == J_NULL)
        outv = NULL;
    if (inv && inv->type == J_NULL)
        inv = NULL;
    if (!lname)
        return err_set(e, 400, C_IAE, "Expect the label of edge");
    if (!outv)
        return err_set(e, 400, C_IAE, "Expect source vertex id");
    if (!inv)
        return err_set(e, 400, C_IAE, "Expect target vertex id");
    if (batch && !ol)
        return err_set(e, 400, C_IAE, "Expect source vertex label");
    if (batch && !il)
        return err_set(e, 400, C_IAE, "Expect target vertex label");
    if (!batch && (!ol != !il))
        return err_set(e, 400, C_IAE, "The both source and target vertex label are either passed in, or not passed in");
    if (!props || props->type == J_NULL)
        return err_set(e, 400, C_IAE, "The properties of edge can't be null");
    if (props->type != J_OBJ)
        return err_set(e, 400, NULL, "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,java.lang.Object>` from non-object value");
    /* JsonEdge.checkUpdate */
    for (size_t i = 0; i < props->nkids; i++)
        if (props->kids[i]->type == J_NULL) {
            sb_t t = {0};
            const jnode *idj = jget(v, "id");
            if (idj)
                java_str(&t, idj);
            else
                sb_puts(&t, "null");
            err_set(e, 400, C_IAE, "Not allowed to set value of property '%s' to null for edge '%s'", props->kids[i]->key, t.p);
            sb_free(&t);
            return -1;
        }
    schema *ovl = ol ? schema_by_name(g, ST_VL, ol) : NULL, *ivl = il ? schema_by_name(g, ST_VL, il) : NULL;
    if (!batch && ol && il) {
        if (!ovl)
            return err_set(e, 400, C_IAE, "Invalid source vertex label '%s'", ol);
        if (!ivl)
            return err_set(e, 400, C_IAE, "Invalid target vertex label '%s'", il);
    }
    sb_t ok = {0}, ik = {0}, frag = {0}, ser = {0}, rend = {0}, id = {0}, js = {0}, tmp = {0};
    propv *pv = NULL;
    size_t np = 0;
    int rc = -1;
    for (int side = 0; side < 2; side++) {
        sb_t *k = side ? &ik : &ok;
        const jnode *idv = side ? inv : outv;
        schema **want = side ? &ivl : &ovl;
        const char *wname = side ? il : ol;
        if (idv->type != J_NUM && idv->type != J_STR) {
            tmp.len = 0;
            java_str(&tmp, idv);
            err_set(e, 500, "java.lang.UnsupportedOperationException", "Invalid element id: %s(%s)", tmp.p, jtype_java(idv));
            goto out;
        }
        if (check_vertex) {
            /* EdgeAPI.getVertex: graph.vertices(rawId) - no UUID conversion */
            if (idv->type == J_NUM)
                key_long(k, jnum_long_value(idv));
            else {
                sb_putc(k, 'S');
                sb_putn(k, idv->s, idv->slen);
            }
            elem *x = (idv->type == J_STR && !idv->slen) ? NULL : etable_get(&g->vertices, k->p, k->len);
            tmp.len = 0;
            java_str(&tmp, idv);
            if (idv->type == J_STR && !idv->slen) {
                err_set(e, 400, C_IAE, "The id can't be null or empty");
                goto out;
            }
            if (!x) {
                err_set(e, 400, C_IAE, "Invalid vertex id '%s'", tmp.p);
                goto out;
            }
            const char *stored = schema_name_of(g, ST_VL, x->label);
            if (wname && strcmp(wname, stored)) {
                err_set(e, 400, C_IAE, "The label of vertex '%s' is unmatched, users expect label '%s', actual label stored is '%s'",
                        tmp.p, wname, stored);
                goto out;
            }
            *want = schema_by_id(g, ST_VL, x->label);
        } else {
            /* EdgeAPI.newVertex: label, then HugeVertex(id, label) */
            if (!*want) {
                err_set(e, 400, C_IAE, "Invalid vertex label '%s'", wname ? wname : "null");
                goto out;
            }
            if (idv->type == J_STR && !idv->slen) {
                err_set(e, 400, C_IAE, "The id can't be null or empty");
                goto out;
            }
            if (endpoint_key(g, idv, *want, k, e))
                goto out;
            if (k->p[0] == 'S' && k->len - 1 > max_id_len()) {
                err_set(e, 400, C_IAE, "The max length of vertex id is %zu, but got %zu {%.40s...}", max_id_len(), k->len - 1, k->p + 1);
                goto out;
            }
        }
    }
    schema *el = schema_by_name(g, ST_EL, lname);
    if (!el) {
        err_set(e, 400, C_IAE, "Undefined edge label: '%s'", lname);
        goto out;
    }
    if (el->el_type == ELT_PARENT) {
        err_set(e, 400, C_IAE, "Adding an edge of parent type is not allowed");
        goto out;
    }
    if (ovl->id != el->src || ivl->id != el->tgt) {
        err_set(e, 400, C_IAE, "Undefined link of edge label '%s': '%s' -> '%s'", lname, ovl->name, ivl->name);
        goto out;
    }
    {
        idlist given = {calloc(props->nkids + 1, sizeof(int64_t)), 0};
        for (size_t i = 0; i < props->nkids; i++) {
            schema *pk = schema_by_name(g, ST_PK, props->kids[i]->key);
            if (!pk) {
                free(given.v);
                err_set(e, 400, C_IAE, "Undefined property key: '%s'", props->kids[i]->key);
                goto out;
            }
            given.v[given.n++] = pk->id;
        }
        bool sk_ok = true;
        for (size_t i = 0; i < el->sort_keys.n; i++)
            sk_ok = sk_ok && idl_has(&given, el->sort_keys.v[i]);
        idlist nonnull = {calloc(el->props.n + 1, sizeof(int64_t)), 0}, missed = {calloc(el->props.n + 1, sizeof(int64_t)), 0};
        for (size_t i = 0; i < el->props.n; i++) {
            if (idl_has(&el->nullables, el->props.v[i]))
                continue;
            nonnull.v[nonnull.n++] = el->props.v[i];
            if (!idl_has(&given, el->props.v[i]))
                missed.v[missed.n++] = el->props.v[i];
        }
        if (!sk_ok)
            err_set(e, 400, C_IAE, "The sort key(s) must be set for the edge with label: '%s'", el->name);
        else if (missed.n) {
            sb_t a = {0}, b = {0};
            java_list(&a, g, ST_PK, &nonnull);
            java_list(&b, g, ST_PK, &missed);
            err_set(e, 400, C_IAE, "All non-null property keys: %s of edge label '%s' must be set, but missed keys: %s", a.p, el->name, b.p);
            sb_free(&a);
            sb_free(&b);
        }
        free(given.v);
        free(nonnull.v);
        free(missed.v);
        if (!sk_ok || missed.n)
            goto out;
    }
    if (build_props(g, el, props, "edge", &frag, &ser, &pv, &np, &rend, e))
        goto out;
    /* edge id */
    tmp.len = 0;
    vertex_id_edgepart(&tmp, ok.p, ok.len);
    escape_join_add(&id, '>', tmp.p, tmp.len);
    tmp.len = 0;
    sb_i64(&tmp, el->el_type == ELT_SUB ? el->parent : el->id);
    escape_join_add(&id, '>', tmp.p, tmp.len);
    if (g_cfg.persona == 17) {
        tmp.len = 0;
        sb_i64(&tmp, el->id);
        escape_join_add(&id, '>', tmp.p, tmp.len);
    }
    tmp.len = 0;
    {
        sb_t sv = {0};
        for (size_t i = 0; i < el->sort_keys.n; i++) {
            const propv *p = find_pv(pv, np, el->sort_keys.v[i]);
            if (p && p->slen && (unsigned char)ser.p[p->soff] <= 3) {
                /* HugeEdge.name -> ConditionQuery.concatValues rejects these like PK values */
                err_set(e, 400, C_IAE, "Illegal leading char '\\u%d' in index property: '%.*s'", ser.p[p->soff], (int)p->slen,
                        ser.p + p->soff);
                sb_free(&sv);
                goto out;
            }
            if (p)
                escape_join_add(&sv, '!', ser.p + p->soff, p->slen);
        }
        escape_join_add(&id, '>', sv.p ? sv.p : "", sv.len);
        sb_free(&sv);
    }
    vertex_id_edgepart(&tmp, ik.p, ik.len);
    escape_join_add(&id, '>', tmp.p, tmp.len);
    sb_puts(&js, "{\"id\":");
    sb_json_str(&js, id.p, id.len);
    sb_puts(&js, ",\"label\":");
    sb_json_str(&js, el->name, strlen(el->name));
    sb_puts(&js, ",\"type\":\"edge\",\"outV\":");
    vertex_id_json(&js, ok.p, ok.len);
    sb_puts(&js, ",\"outVLabel\":");
    sb_json_str(&js, ovl->name, strlen(ovl->name));
    sb_puts(&js, ",\"inV\":");
    vertex_id_json(&js, ik.p, ik.len);
    sb_puts(&js, ",\"inVLabel\":");
    sb_json_str(&js, ivl->name, strlen(ivl->name));
    sb_puts(&js, ",\"properties\":");
    sb_putn(&js, rend.p, rend.len);
    sb_putc(&js, '}');
    *out = elem_new(id.p, id.len, js.p, js.len, el->id);
    rc = 0;
out:
    free(pv);
    sb_free(&ok);
    sb_free(&ik);
    sb_free(&frag);
    sb_free(&ser);
    sb_free(&rend);
    sb_free(&id);
    sb_free(&js);
    sb_free(&tmp);
    return rc;
}

/* URL forms: U"uuid" | JSON number | JSON string, read like VertexAPI.checkAndParseVertexId: Jackson
 * reads one root value and ignores what follows a string (a root number must be followed by
 * whitespace or the end); any failure, including a bad UUID, an empty string or a non-scalar, is the
 * one "formatted as" message, which shows the text after the U of U"..." is dropped. */
int vertex_key_from_url(graph *g, const char *txt, sb_t *key, herr *e)
{
    (void)g;
    arena_t a = {0};
    bool uuid = txt[0] == 'U' && txt[1] == '"';
    const char *t = uuid ? txt + 1 : txt;
    size_t n = strlen(t), st = 0, end = n;
    bool bad = false;
    while (st < n && (t[st] == ' ' || t[st] == '\t' || t[st] == '\r' || t[st] == '\n'))
        st++;
    if (st < n && t[st] == '"') {
        size_t i = st + 1;
        while (i < n && t[i] != '"')
            i += t[i] == '\\' && i + 1 < n ? 2 : 1;
        end = i < n ? i + 1 : n;
    } else if (st < n && (t[st] == '-' || isdigit((unsigned char)t[st]))) {
        size_t i = st + 1;
        while (i < n && (isdigit((unsigned char)t[i]) || t[i] == '.' || t[i] == 'e' || t[i] == 'E' || t[i] == '+' || t[i] == '-'))
            i++;
        if (i < n && t[i] != ' ' && t[i] != '\t' && t[i] != '\r' && t[i] != '\n')
            bad = true; /* Jackson: a root-level number must be followed by white space or the end */
        end = i;
    }
    jnode *nd = json_parse(&a, t + st, end - st, NULL, 0);
    int rc = 0;
    unsigned char u[16];
    if (bad || !nd || (nd->type != J_NUM && nd->type != J_STR) || (uuid && nd->type != J_STR) ||
        (nd->type == J_STR && !nd->slen) || (uuid && !java_uuid(nd->s, nd->slen, u))) {
        rc = err_set(e, 400, C_IAE, "The vertex id must be formatted as Number/String/UUID, but got '%s'", t);
    } else if (uuid) {
        sb_putc(key, 'U');
        sb_putn(key, (char *)u, 16);
    } else if (nd->type == J_NUM) {
        key_long(key, jnum_long_value(nd));
    } else {
        sb_putc(key, 'S');
        sb_putn(key, nd->s, nd->slen);
    }
    ar_free(&a);
    return rc;
}

/* Long.parseLong */
static bool java_parse_long(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (n && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n)
        return false;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (lim - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* IdUtil.readString of one unescaped edge-id part, re-rendered canonically (L<long>, S<str>, U<uuid>);
 * false where Java throws. An E part (an edge id as vertex id) is checked recursively and can never
 * match a stored edge: *nomatch is set. */
static bool edge_vertex_part(const char *p, size_t n, sb_t *out, bool *nomatch)
{
    if (!n)
        return false;
    if (p[0] == 'L') {
        int64_t v;
        if (!java_parse_long(p + 1, n - 1, &v))
            return false;
        sb_putc(out, 'L');
        sb_i64(out, v);
        return true;
    }
    if (p[0] == 'S') {
        if (n < 2)
            return false;
        sb_putn(out, p, n);
        return true;
    }
    if (p[0] == 'U') {
        unsigned char u[16];
        if (!java_uuid(p + 1, n - 1, u))
            return false;
        sb_putc(out, 'U');
        fmt_uuid(out, u);
        return true;
    }
    if (p[0] == 'E') {
        char *sub = strndup(p + 1, n - 1);
        sb_t k = {0}, m = {0};
        int r = edge_key_from_url(sub, &k, &m);
        free(sub);
        sb_free(&k);
        sb_free(&m);
        *nomatch = true;
        return r == 0;
    }
    return false;
}

/* EdgeId.parse: split on '>' not preceded by a backtick, unescape, read each part, and rebuild the
 * undirected id the edge is stored under (a 6-part (1.3: 5-part) directed form names the owner first
 * and O/I; an I form is turned around). 0 ok (key set; empty key = cannot match), 1 wrong number of
 * parts, 2 a part Java cannot read; msg holds the NotFoundException message. */
/* the Java exception behind a part EdgeId.parse cannot read, as the real server reports it in the
 * NotFoundException's "cause" (seen on 1.7.0); empty where not known */
static void edge_part_cause(sb_t *cause, const char *p, size_t n, bool vertex)
{
    if (!cause || cause->len)
        return;
    if (!vertex || (n && p[0] == 'L')) {
        sb_puts(cause, "java.lang.NumberFormatException: For input string: \"");
        if (vertex)
            sb_putn(cause, p + 1, n - 1);
        else
            sb_putn(cause, p, n);
        sb_putc(cause, '"');
    } else if (!n || (p[0] != 'S' && p[0] != 'U' && p[0] != 'E')) {
        sb_puts(cause, "java.lang.IllegalArgumentException: Invalid id: ");
        sb_putn(cause, p, n);
    }
}
int edge_key_from_url(const char *txt, sb_t *key, sb_t *msg)
{
    return edge_key_from_url_cause(txt, key, msg, NULL);
}
int edge_key_from_url_cause(const char *txt, sb_t *key, sb_t *msg, sb_t *cause)
{
    int lo = g_cfg.persona == 17 ? 5 : 4;
    size_t n = strlen(txt);
    sb_t parts[8];
    int np = 0;
    size_t st = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || (txt[i] == '>' && (i == 0 || txt[i - 1] != '`'))) {
            if (np < 8) {
                memset(&parts[np], 0, sizeof parts[np]);
                for (size_t j = st; j < i; j++) {
                    if (txt[j] == '`' && j + 1 < i && txt[j + 1] == '>')
                        continue;
                    sb_putc(&parts[np], txt[j]);
                }
                if (!parts[np].p)
                    sb_puts(&parts[np], "");
            }
            np++;
            st = i + 1;
        }
    }
    int rc = 0;
    if (np != lo && np != lo + 1) {
        sb_printf(msg, "Edge id must be formatted as %d~%d parts, but got %d parts: '%s'", lo, lo + 1, np, txt);
        rc = 1;
        goto out;
    }
    bool directed = np == lo + 1, in = false, nomatch = false;
    int k = 0;
    sb_t own = {0}, oth = {0}, lab = {0};
    bool ok = edge_vertex_part(parts[k].p, parts[k].len, &own, &nomatch);
    if (!ok)
        edge_part_cause(cause, parts[k].p, parts[k].len, true);
    k++;
    /* a direction other than O/I is only noticed after the other parts were read (a null edge type) */
    bool bad_dir = false;
    if (ok && directed) {
        bad_dir = strcmp(parts[k].p, "O") && strcmp(parts[k].p, "I");
        in = !strcmp(parts[k].p, "I");
        k++;
    }
    for (int j = 0; ok && j < (lo == 5 ? 2 : 1); j++, k++) {
        int64_t v;
        ok = java_parse_long(parts[k].p, parts[k].len, &v);
        if (!ok)
            edge_part_cause(cause, parts[k].p, parts[k].len, false);
        if (ok) {
            sb_t t = {0};
            sb_i64(&t, v);
            escape_join_add(&lab, '>', t.p, t.len);
            sb_free(&t);
        }
    }
    const sb_t *sortv = &parts[k++];
    if (ok) {
        ok = edge_vertex_part(parts[k].p, parts[k].len, &oth, &nomatch);
        if (!ok)
            edge_part_cause(cause, parts[k].p, parts[k].len, true);
    }
    if (ok && bad_dir) {
        ok = false;
        if (cause)
            sb_puts(cause, "java.lang.NullPointerException: Cannot invoke \"org.apache.hugegraph.type.HugeType.ordinal()\" "
                           "because \"edgeType\" is null");
    }
    if (!ok) {
        sb_printf(msg, "Invalid format of edge id '%s'", txt);
        rc = 2;
    } else if (!nomatch) {
        const sb_t *src = in ? &oth : &own, *tgt = in ? &own : &oth;
        escape_join_add(key, '>', src->p, src->len);
        sb_putc(key, '>');
        sb_putn(key, lab.p, lab.len);
        escape_join_add(key, '>', sortv->p, sortv->len);
        escape_join_add(key, '>', tgt->p, tgt->len);
    }
    sb_free(&own);
    sb_free(&oth);
    sb_free(&lab);
out:
    for (int i = 0; i < np && i < 8; i++)
        sb_free(&parts[i]);
    return rc;
}

bool label_has_index(graph *g, int base_type, int64_t base)
{
    for (size_t i = 0; i < g->nsc[ST_IL]; i++)
        if (g->sc[ST_IL][i]->base_type == base_type && g->sc[ST_IL][i]->base_value == base)
            return true;
    return false;
}

/* split an edge id on unescaped '>' and compare first/last part with the escaped vertex part */
static bool edge_touches(const elem *x, const char *part, size_t plen)
{
    const char *id = ELEM_KEY(x);
    size_t n = x->keylen;
    if (n > plen && !memcmp(id, part, plen) && id[plen] == '>')
        return true;
    if (n > plen && !memcmp(id + n - plen, part, plen) && id[n - plen - 1] == '>' && (n - plen < 2 || id[n - plen - 2] != '`'))
        return true;
    return false;
}
bool vertex_delete(graph *g, const char *key, size_t klen)
{
    if (!etable_get(&g->vertices, key, klen))
        return false;
    sb_t p = {0}, esc = {0};
    vertex_id_edgepart(&p, key, klen);
    escape_join_add(&esc, '>', p.p, p.len);
    etable *t = &g->edges;
    for (size_t i = 0; i < t->cap; i++) {
        elem *x = t->slots[i];
        if (x && x != TOMB && edge_touches(x, esc.p, esc.len))
            etable_del(t, ELEM_KEY(x), x->keylen);
    }
    sb_free(&p);
    sb_free(&esc);
    etable_del(&g->vertices, key, klen);
    return true;
}
