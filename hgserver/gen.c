/* hgserver: --load (backup directory) and --generate (synthetic graph). */
#include "hg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file, or NULL with "cannot read PATH" in err. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read %s", path);
        return NULL;
    }
    sb_t s = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_putn(&s, buf, n);
    fclose(f);
    *len = s.len;
    return sb_steal(&s);
}

static void drop_key(jnode *obj, const char *key)
{
    for (size_t i = 0; i < obj->nkids; i++)
        if (!strcmp(obj->kids[i]->key, key)) {
            memmove(&obj->kids[i], &obj->kids[i + 1], (obj->nkids - i - 1) * sizeof *obj->kids);
            obj->nkids--;
            return;
        }
}

static int load_lines(graph *g, const char *path, bool edges, char *err, size_t errlen)
{
    size_t len;
    char *data = read_file(path, &len, err, errlen);
    if (!data)
        return -1;
    arena_t a = {0};
    herr e = {0};
    int rc = 0;
    size_t lineno = 0;
    bool warned = false;
    for (char *p = data; p < data + len && !rc;) {
        char *nl = memchr(p, '\n', (size_t)(data + len - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(data + len - p);
        lineno++;
        if (ll) {
            ar_reset(&a);
            char eb[128];
            jnode *n = json_parse(&a, p, ll, eb, sizeof eb);
            elem *el = NULL;
            if (!n || n->type != J_OBJ) {
                snprintf(err, errlen, "%s:%zu: invalid JSON", path, lineno);
                rc = -1;
                break;
            }
            sb_t want = {0};
            if (!edges) {
                jnode *lab = jget(n, "label");
                schema *vl = lab && lab->type == J_STR ? schema_by_name(g, ST_VL, lab->s) : NULL;
                jnode *id = jget(n, "id");
                if (vl && vl->id_strategy == IDS_PRIMARY_KEY && id) {
                    json_render(&want, id);
                    drop_key(n, "id");
                }
                rc = vertex_create(g, n, &el, &e);
            } else {
                rc = edge_create(g, n, true, false, &el, &e);
            }
            if (rc) {
                snprintf(err, errlen, "%s:%zu: %s", path, lineno, e.msg ? e.msg : "error");
                err_clear(&e);
                sb_free(&want);
                break;
            }
            if (want.len) {
                sb_t got = {0};
                vertex_id_json(&got, ELEM_KEY(el), el->keylen);
                if (strcmp(got.p, want.p)) {
                    snprintf(err, errlen, "%s:%zu: primary-key id %s recomputed as %s", path, lineno, want.p, got.p);
                    rc = -1;
                }
                sb_free(&got);
            }
            sb_free(&want);
            if (rc) {
                free(el);
                break;
            }
            if (!warned && (el->jsonlen != ll || memcmp(ELEM_JSON(el), p, ll))) {
                fprintf(stderr, "hgserver: warning: %s:%zu re-renders differently:\n  file: %.*s\n  now:  %s\n", path,
                        lineno, (int)ll, p, ELEM_JSON(el));
                warned = true;
            }
            etable_put(edges ? &g->edges : &g->vertices, el);
        }
        p += ll + 1;
    }
    ar_free(&a);
    free(data);
    return rc;
}

int load_graph(graph *g, const char *dir, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/schema.json", dir);
    size_t len;
    char *data = read_file(path, &len, err, errlen);
    if (!data)
        return -1;
    arena_t a = {0};
    char eb[128];
    jnode *root = json_parse(&a, data, len, eb, sizeof eb);
    int rc = 0;
    g->mode = MODE_RESTORING;
    if (!root || root->type != J_OBJ) {
        snprintf(err, errlen, "%s: invalid JSON (%s)", path, eb);
        rc = -1;
    }
    for (int t = 0; t < ST_N && !rc; t++) {
        jnode *l = jget(root, st_plural[t]);
        if (!l)
            continue;
        if (l->type != J_ARR) {
            snprintf(err, errlen, "%s: %s is not a list", path, st_plural[t]);
            rc = -1;
            break;
        }
        for (size_t i = 0; i < l->nkids && !rc; i++) {
            jnode *el = l->kids[i];
            if (t == ST_EL && el->type == J_OBJ) {
                jnode *et = jget(el, "edgelabel_type");
                if (et && et->type == J_STR && !strcmp(et->s, "PARENT"))
                    drop_key(el, "links");
                if (g_cfg.persona == 13) {
                    /* a 1.7 backup loaded into the 1.3 persona: drop what 1.3 does not know, like a
                     * cross-version restore client does (parent/sub labels cannot be represented) */
                    if (et && et->type == J_STR && strcmp(et->s, "NORMAL")) {
                        snprintf(err, errlen, "%s: edge label %zu is %s, not supported by the 1.3 persona", path, i, et->s);
                        rc = -1;
                        break;
                    }
                    drop_key(el, "edgelabel_type");
                    drop_key(el, "parent_label");
                    drop_key(el, "links");
                }
            }
            sb_t out = {0};
            herr e = {0};
            if (schema_create(g, t, el, &out, &e) < 0) {
                snprintf(err, errlen, "%s: %s[%zu]: %s", path, st_plural[t], i, e.msg ? e.msg : "error");
                err_clear(&e);
                rc = -1;
            }
            sb_free(&out);
        }
    }
    ar_free(&a);
    free(data);
    if (!rc) {
        snprintf(path, sizeof path, "%s/vertices.jsonl", dir);
        rc = load_lines(g, path, false, err, errlen);
    }
    if (!rc) {
        snprintf(path, sizeof path, "%s/edges.jsonl", dir);
        rc = load_lines(g, path, true, err, errlen);
    }
    g->mode = MODE_NONE;
    return rc;
}

/* ---------------- generator ---------------- */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static const char *const AWK[] = {
    "plain", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xf0\x9f\x98\x80 grin", "quo\"te", "back\\slash",
    "new\nline", "tab\there", "ctl\x01\x1f", "gt>lt<", "co:lon", "bang!", "back`tick", "a:b>c!d`e", "\xf0\x9d\x84\x9e clef",
    "sp ace", "per%cent", "slash/", "amp&q?x=1#h", "emoji\xf0\x9f\x8e\x89>:!`"};
#define NAWK (sizeof AWK / sizeof AWK[0])

static int gen_schema(graph *g, const char *json, char *err, size_t errlen)
{
    arena_t a = {0};
    char eb[128];
    jnode *n = json_parse(&a, json, strlen(json), eb, sizeof eb);
    int rc = 0;
    for (int t = 0; t < ST_N && n && !rc; t++) {
        jnode *l = jget(n, st_plural[t]);
        for (size_t i = 0; l && i < l->nkids && !rc; i++) {
            sb_t out = {0};
            herr e = {0};
            if (schema_create(g, t, l->kids[i], &out, &e) < 0) {
                snprintf(err, errlen, "generator schema %s[%zu]: %s", st_plural[t], i, e.msg);
                err_clear(&e);
                rc = -1;
            }
            sb_free(&out);
        }
    }
    if (!n) {
        snprintf(err, errlen, "generator schema JSON: %s", eb);
        rc = -1;
    }
    ar_free(&a);
    return rc;
}

static void awk_str(sb_t *s, uint64_t *rng, const char *prefix, long j)
{
    sb_t t = {0};
    uint64_t r = rng_next(rng);
    sb_printf(&t, "%s%s#%ld%s", prefix, AWK[r % NAWK], j, AWK[(r >> 8) % NAWK]);
    sb_json_str(s, t.p, t.len);
    sb_free(&t);
}

int generate_graph(graph *g, long nv, long ne, uint64_t seed, char *err, size_t errlen)
{
    g->fixed_time = true;
    const char *schema_json =
        "{\"propertykeys\":["
        "{\"name\":\"name\",\"data_type\":\"TEXT\"},"
        "{\"name\":\"p_bool\",\"data_type\":\"BOOLEAN\"},"
        "{\"name\":\"p_byte\",\"data_type\":\"BYTE\"},"
        "{\"name\":\"p_int\",\"data_type\":\"INT\"},"
        "{\"name\":\"p_long\",\"data_type\":\"LONG\"},"
        "{\"name\":\"p_float\",\"data_type\":\"FLOAT\"},"
        "{\"name\":\"p_double\",\"data_type\":\"DOUBLE\"},"
        "{\"name\":\"p_text\",\"data_type\":\"TEXT\"},"
        "{\"name\":\"p_blob\",\"data_type\":\"BLOB\"},"
        "{\"name\":\"p_date\",\"data_type\":\"DATE\"},"
        "{\"name\":\"p_uuid\",\"data_type\":\"UUID\"},"
        "{\"name\":\"p_tags\",\"data_type\":\"TEXT\",\"cardinality\":\"LIST\"},"
        "{\"name\":\"p_nums\",\"data_type\":\"INT\",\"cardinality\":\"SET\"},"
        "{\"name\":\"p_dates\",\"data_type\":\"DATE\",\"cardinality\":\"LIST\"},"
        "{\"name\":\"k_num\",\"data_type\":\"LONG\"},"
        "{\"name\":\"k_code\",\"data_type\":\"INT\"},"
        "{\"name\":\"weight\",\"data_type\":\"DOUBLE\"},"
        "{\"name\":\"s_time\",\"data_type\":\"DATE\"},"
        "{\"name\":\"s_text\",\"data_type\":\"TEXT\"}"
        "],\"vertexlabels\":["
        "{\"name\":\"v_auto\",\"id_strategy\":\"AUTOMATIC\",\"properties\":[\"p_bool\",\"p_byte\",\"p_int\",\"p_long\",\"p_float\",\"p_double\",\"p_text\",\"p_blob\",\"p_date\",\"p_uuid\",\"p_tags\",\"p_nums\",\"p_dates\"],"
        "\"nullable_keys\":[\"p_blob\",\"p_uuid\",\"p_tags\",\"p_nums\",\"p_dates\"]},"
        "{\"name\":\"v_pk_text\",\"id_strategy\":\"PRIMARY_KEY\",\"primary_keys\":[\"name\"],\"properties\":[\"name\",\"p_int\",\"p_text\",\"p_date\"],\"nullable_keys\":[\"p_text\"],\"user_data\":{\"note\":\"pk \\\"text\\\"\"}},"
        "{\"name\":\"v_pk_num\",\"id_strategy\":\"PRIMARY_KEY\",\"primary_keys\":[\"k_num\",\"k_code\"],\"properties\":[\"k_num\",\"k_code\",\"p_double\",\"p_float\"],\"nullable_keys\":[\"p_float\"]},"
        "{\"name\":\"v_str\",\"id_strategy\":\"CUSTOMIZE_STRING\",\"properties\":[\"p_text\",\"p_long\",\"p_bool\"],\"nullable_keys\":[\"p_bool\"]},"
        "{\"name\":\"v_num\",\"id_strategy\":\"CUSTOMIZE_NUMBER\",\"properties\":[\"p_long\",\"p_byte\",\"p_uuid\"],\"nullable_keys\":[\"p_uuid\"]},"
        "{\"name\":\"v_uuid\",\"id_strategy\":\"CUSTOMIZE_UUID\",\"properties\":[\"p_text\",\"p_blob\",\"p_tags\"],\"nullable_keys\":[\"p_tags\"]}"
        "],\"edgelabels\":["
        "{\"name\":\"e_single\",\"source_label\":\"v_pk_text\",\"target_label\":\"v_auto\",\"properties\":[\"weight\"]},"
        "{\"name\":\"e_multi\",\"source_label\":\"v_str\",\"target_label\":\"v_num\",\"frequency\":\"MULTIPLE\",\"sort_keys\":[\"s_time\",\"s_text\"],\"properties\":[\"s_time\",\"s_text\",\"weight\"],\"nullable_keys\":[\"weight\"]},"
        "{\"name\":\"e_multi2\",\"source_label\":\"v_uuid\",\"target_label\":\"v_pk_num\",\"frequency\":\"MULTIPLE\",\"sort_keys\":[\"s_text\"],\"properties\":[\"s_text\",\"p_long\"]}"
        ;
    const char *schema_json2 =
        "],\"indexlabels\":["
        "{\"name\":\"il_pk_text_int\",\"base_type\":\"VERTEX_LABEL\",\"base_value\":\"v_pk_text\",\"index_type\":\"RANGE\",\"fields\":[\"p_int\"]},"
        "{\"name\":\"il_auto_text\",\"base_type\":\"VERTEX_LABEL\",\"base_value\":\"v_auto\",\"index_type\":\"SECONDARY\",\"fields\":[\"p_text\"]},"
        "{\"name\":\"il_multi_weight\",\"base_type\":\"EDGE_LABEL\",\"base_value\":\"e_multi\",\"index_type\":\"RANGE\",\"fields\":[\"weight\"]}"
        "]}";
    const char *sub17 =
        ",{\"name\":\"e_parent\",\"edgelabel_type\":\"PARENT\"},"
        "{\"name\":\"e_sub1\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"e_parent\",\"source_label\":\"v_auto\",\"target_label\":\"v_str\",\"frequency\":\"MULTIPLE\",\"sort_keys\":[\"s_text\"],\"properties\":[\"s_text\"]},"
        "{\"name\":\"e_sub2\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"e_parent\",\"source_label\":\"v_num\",\"target_label\":\"v_uuid\",\"frequency\":\"MULTIPLE\",\"sort_keys\":[\"s_text\"],\"properties\":[\"s_text\",\"weight\"],\"nullable_keys\":[\"weight\"]}";
    sb_t sj = {0};
    sb_puts(&sj, schema_json);
    sb_puts(&sj, g_cfg.persona == 17 ? sub17 : "");
    sb_puts(&sj, schema_json2);
    int rc = gen_schema(g, sj.p, err, errlen);
    sb_free(&sj);
    if (rc)
        return rc;

    enum { NVL = 6 };
    static const char *const VLN[NVL] = {"v_auto", "v_pk_text", "v_pk_num", "v_str", "v_num", "v_uuid"};
    elem **byl[NVL];
    size_t nbyl[NVL] = {0};
    for (int i = 0; i < NVL; i++)
        byl[i] = malloc(((size_t)nv / NVL + 2) * sizeof(elem *));
    uint64_t rng = seed * 0x2545F4914F6CDD1DULL + 12345;
    arena_t a = {0};
    sb_t s = {0};
    herr e = {0};
    g->mode = MODE_RESTORING; /* AUTOMATIC ids are supplied (deterministic snowflake-like numbers) */
    for (long i = 0; i < nv && !rc; i++) {
        int k = (int)(i % NVL);
        long j = i / NVL;
        uint64_t r = rng_next(&rng);
        s.len = 0;
        sb_puts(&s, "{");
        switch (k) {
        case 0:
            sb_printf(&s, "\"id\":%lld,", 435226329513631744LL + (long long)i * 4099);
            break;
        case 3:
            sb_puts(&s, "\"id\":");
            awk_str(&s, &rng, "s", j);
            sb_putc(&s, ',');
            break;
        case 4: {
            long long id;
            switch (j % 5) {
            case 0: id = j; break;
            case 1: id = -(long long)j - 1; break;
            case 2: id = (1LL << 53) + j; break;
            case 3: id = INT64_MAX - j; break;
            default: id = INT64_MIN + 1 + j; break;
            }
            sb_printf(&s, "\"id\":%lld,", id);
            break;
        }
        case 5:
            sb_printf(&s, "\"id\":\"%08x-%04x-4%03x-a%03x-%012llx\",", (unsigned)(r >> 32), (unsigned)(r >> 16) & 0xffff,
                      (unsigned)(r >> 4) & 0xfff, (unsigned)r & 0xfff, (unsigned long long)j);
            break;
        }
        sb_printf(&s, "\"label\":\"%s\",\"properties\":{", VLN[k]);
        switch (k) {
        case 0:
            sb_printf(&s, "\"p_bool\":%s,\"p_byte\":%d,\"p_int\":%d,\"p_long\":%lld,\"p_float\":%.7g,\"p_double\":%.17g,",
                      (r & 1) ? "true" : "false", (int)(int8_t)(r >> 8), (int)(int32_t)(r >> 16),
                      (long long)(rng_next(&rng)), (double)((int32_t)(r >> 20)) / 977.0, (double)(int64_t)r / 3.0e7);
            sb_puts(&s, "\"p_text\":");
            awk_str(&s, &rng, "", j);
            sb_printf(&s, ",\"p_date\":%lld", (long long)(r % 4102444800000ULL) - 86400000LL * 365);
            if (j % 2) {
                unsigned char blob[12];
                for (int b = 0; b < 12; b++)
                    blob[b] = b ? (unsigned char)(r >> (b * 5)) : 0;
                sb_puts(&s, ",\"p_blob\":\"");
                b64_encode(&s, blob, (size_t)(j % 12) + 1);
                sb_puts(&s, "\"");
            }
            if (j % 3 == 0)
                sb_printf(&s, ",\"p_uuid\":\"%016llx%016llx\"", (unsigned long long)r, (unsigned long long)~r);
            if (j % 4 == 1) {
                sb_puts(&s, ",\"p_tags\":[");
                awk_str(&s, &rng, "t", j);
                sb_puts(&s, ",\"x\",\"x\"]");
            }
            if (j % 5 == 2)
                sb_printf(&s, ",\"p_nums\":[3,1,3,%d]", (int)(r % 1000));
            if (j % 7 == 3)
                sb_printf(&s, ",\"p_dates\":[\"2020-02-29\",\"1969-12-31 23:59:59.999\",%lld]", (long long)(r % 100000000000ULL));
            break;
        case 1:
            sb_puts(&s, "\"name\":");
            awk_str(&s, &rng, "n", j);
            sb_printf(&s, ",\"p_int\":%d,\"p_date\":\"2024-0%d-1%d 12:34:56\"", (int)(r % 200000) - 100000,
                      (int)(r % 9) + 1, (int)(r % 10));
            if (j % 2) {
                sb_puts(&s, ",\"p_text\":");
                awk_str(&s, &rng, "", j);
            }
            break;
        case 2:
            sb_printf(&s, "\"k_num\":%lld,\"k_code\":%d,\"p_double\":%s", j % 2 ? -(long long)j * 1000003LL : (long long)j * 7919 + (1LL << 55),
                      (int)(j % 1000) - 500, j % 3 == 0 ? "1.0E10" : j % 3 == 1 ? "0.5" : "-123.456");
            if (j % 2)
                sb_printf(&s, ",\"p_float\":%.6g", (double)(r % 100000) / 7.0);
            break;
        case 3:
            sb_puts(&s, "\"p_text\":");
            awk_str(&s, &rng, "", j);
            sb_printf(&s, ",\"p_long\":%lld", (long long)((1ULL << 53) + (r % 1000)) * (r & 1 ? -1 : 1));
            if (j % 3)
                sb_printf(&s, ",\"p_bool\":%s", r & 2 ? "true" : "false");
            break;
        case 4:
            sb_printf(&s, "\"p_long\":%lld,\"p_byte\":%d", (long long)(INT64_MIN + (long long)(r % 1000)), (int)(r % 256) - 128);
            if (j % 2)
                sb_printf(&s, ",\"p_uuid\":\"%08x-0000-4000-8000-%012llx\"", (unsigned)r, (unsigned long long)j);
            break;
        case 5:
            sb_puts(&s, "\"p_text\":");
            awk_str(&s, &rng, "", j);
            sb_printf(&s, ",\"p_blob\":\"0x%02x%02x%02x\"", (unsigned)r & 255, (unsigned)(r >> 8) & 255, (unsigned)(r >> 16) & 255);
            if (j % 2)
                sb_puts(&s, ",\"p_tags\":[\"a\",\"\xf0\x9f\x98\x80\",\"a\"]");
            break;
        }
        sb_puts(&s, "}}");
        ar_reset(&a);
        char eb[128];
        jnode *n = json_parse(&a, s.p, s.len, eb, sizeof eb);
        elem *el = NULL;
        if (!n || vertex_create(g, n, &el, &e)) {
            snprintf(err, errlen, "generator vertex %ld: %s (%s)", i, e.msg ? e.msg : eb, s.p);
            err_clear(&e);
            rc = -1;
            break;
        }
        etable_put(&g->vertices, el);
        byl[k][nbyl[k]++] = el;
    }
    g->mode = MODE_NONE;
    /* edges */
    struct {
        const char *name;
        int src, tgt;
        int kind; /* 0 single, 1 multi(s_time,s_text), 2 multi2(s_text,p_long), 3 sub s_text, 4 sub s_text+weight */
    } EL[] = {{"e_single", 1, 0, 0}, {"e_multi", 3, 4, 1}, {"e_multi2", 5, 2, 2}, {"e_sub1", 0, 3, 3}, {"e_sub2", 4, 5, 4}};
    int nel = g_cfg.persona == 17 ? 5 : 3;
    sb_t ids = {0};
    for (long j = 0; j < ne && !rc; j++) {
        int li = -1;
        for (int t = 0; t < nel; t++) {
            int c = (int)((j + t) % nel);
            if (nbyl[EL[c].src] && nbyl[EL[c].tgt]) {
                if (EL[c].kind == 0 && (uint64_t)(j / nel) >= (uint64_t)nbyl[EL[c].src] * nbyl[EL[c].tgt])
                    continue;
                li = c;
                break;
            }
        }
        if (li < 0)
            break;
        uint64_t r = rng_next(&rng);
        size_t ns = nbyl[EL[li].src], nt = nbyl[EL[li].tgt];
        elem *ov, *iv;
        if (EL[li].kind == 0) {
            uint64_t aidx = (uint64_t)(j / nel);
            ov = byl[EL[li].src][aidx % ns];
            iv = byl[EL[li].tgt][(aidx / ns) % nt];
        } else {
            ov = byl[EL[li].src][r % ns];
            iv = byl[EL[li].tgt][(r >> 32) % nt];
        }
        s.len = 0;
        sb_printf(&s, "{\"label\":\"%s\",\"outV\":", EL[li].name);
        vertex_id_json(&s, ELEM_KEY(ov), ov->keylen);
        sb_printf(&s, ",\"outVLabel\":\"%s\",\"inV\":", VLN[EL[li].src]);
        vertex_id_json(&s, ELEM_KEY(iv), iv->keylen);
        sb_printf(&s, ",\"inVLabel\":\"%s\",\"properties\":{", VLN[EL[li].tgt]);
        switch (EL[li].kind) {
        case 0:
            sb_printf(&s, "\"weight\":%.3f", (double)(r % 1000) / 1000.0);
            break;
        case 1:
            sb_printf(&s, "\"s_time\":%lld,\"s_text\":", (long long)(r % 2000000000000ULL) - 1000000000000LL);
            awk_str(&s, &rng, "e", j);
            if (j % 2)
                sb_printf(&s, ",\"weight\":%s", j % 4 == 1 ? "1.0E-5" : "2.5");
            break;
        case 2:
        case 3:
        case 4:
            sb_puts(&s, "\"s_text\":");
            awk_str(&s, &rng, "", j);
            if (EL[li].kind == 2)
                sb_printf(&s, ",\"p_long\":%lld", (long long)r);
            if (EL[li].kind == 4 && j % 2)
                sb_printf(&s, ",\"weight\":%.17g", (double)r / 1e19);
            break;
        }
        sb_puts(&s, "}}");
        ar_reset(&a);
        char eb[128];
        jnode *n = json_parse(&a, s.p, s.len, eb, sizeof eb);
        elem *el = NULL;
        if (!n || edge_create(g, n, true, false, &el, &e)) {
            snprintf(err, errlen, "generator edge %ld: %s (%s)", j, e.msg ? e.msg : eb, s.p);
            err_clear(&e);
            rc = -1;
            break;
        }
        etable_put(&g->edges, el);
    }
    sb_free(&ids);
    sb_free(&s);
    ar_free(&a);
    for (int i = 0; i < NVL; i++)
        free(byl[i]);
    g->fixed_time = false;
    return rc;
}

/* write a graph in the hugegraphfs backup layout (used to produce and check examples/) */
int dump_graph(graph *g, const char *dir, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/schema.json", dir);
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    sb_t s = {0};
    sb_putc(&s, '{');
    for (int t = 0; t < ST_N; t++) {
        sb_printf(&s, "%s\"%s\":[\n", t ? "]," : "", st_plural[t]);
        for (size_t i = 0; i < g->nsc[t]; i++) {
            schema_render(&s, g, g->sc[t][i], false);
            sb_puts(&s, i + 1 < g->nsc[t] ? ",\n" : "\n");
        }
    }
    sb_puts(&s, "]}\n");
    fwrite(s.p, 1, s.len, f);
    fclose(f);
    sb_free(&s);
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, k ? "edges.jsonl" : "vertices.jsonl");
        f = fopen(path, "wb");
        if (!f) {
            snprintf(err, errlen, "cannot write %s", path);
            return -1;
        }
        etable *t = k ? &g->edges : &g->vertices;
        etable_sort(g, t);
        for (size_t i = 0; i < t->nsorted; i++) {
            fwrite(ELEM_JSON(t->sorted[i]), 1, t->sorted[i]->jsonlen, f);
            fputc('\n', f);
        }
        fclose(f);
    }
    return 0;
}
