/* hgserver: the auth API (users, groups, targets, belongs, accesses), held in memory.
 *
 * Paths: persona 1.3 (answers like 1.5.0) /graphs/{g}/auth/{kind}[/{id}]; persona 1.7
 * /graphspaces/{gs}/auth/{kind}[/{id}] (any gs: the same data, as real 1.7.0 ignores it) and, for
 * groups, /auth/groups[/{id}] (where real 1.7.0 serves them).  GET lists, POST creates, DELETE removes; only the administrator (--auth) sees
 * or changes anything, anyone else lists nothing, as on the real server.
 *
 * What real 1.5.0 / 1.7.0 answer (observed): ids are "-30:<name>" (users), "-36:<name>"
 * (groups), "-44:<name>" (targets) on 1.5 and -31/-37/-45 on 1.7; a belong is
 * "S<user>>-49>-49>>S<group>" (1.7: -50), an access "S<group>>-55>-55>1<code>>S<target>" (1.7:
 * -56) with the permission's code (READ 1, WRITE 2, DELETE 4, EXECUTE 8).  Each element is a
 * Java HashMap: its members come in the map's bucket order, which auth_emit models (insertion
 * order: the kind's own fields, creator, create, update, id).  user_password is a bcrypt hash
 * of a random salt: hgserver writes a "$2a$04$" string of the same length that is not one (it
 * compares passwords in the clear), so that the created users can log in with their password.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "auth.h"
#include "hg.h"

enum { K_USERS, K_GROUPS, K_TARGETS, K_BELONGS, K_ACCESSES, K_PROJECTS, K_N };
static const char *const KIND[K_N] = {"users", "groups", "targets", "belongs", "accesses", "projects"};
static const char *const SINGULAR[K_N] = {"user", "group", "target", "belong", "access", "project"};

typedef struct member {
    char *key;
    char *json; /* rendered value */
} member;

typedef struct ent {
    char *id;
    char *name;     /* users, groups, targets */
    char *ref[2];   /* belongs: user, group; accesses: group, target */
    char *password; /* users: in the clear */
    /* projects: the fields the members are made from (proj_members) */
    char *desc, *creator, *created, *updated;
    char **graphs; /* in the order the real server's set iterates */
    size_t ngraphs;
    member *m;
    size_t nm;
} ent;

static struct {
    pthread_mutex_t lock;
    int persona;
    char *admin;
    ent *v[K_N];
    size_t n[K_N];
    uint64_t salt;
    char *sysgraph; /* the graph holding the auth data (a project's target_graph) */
    /* managers (persona 17 with graphspaces, as StandardAuthManagerV2 keeps them) */
    struct mgr {
        char *user, *space; /* space NULL: an ADMIN manager */
        int type;           /* 0 SPACE, 1 SPACE_MEMBER, 2 ADMIN */
    } *mg;
    size_t nmg;
} S = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int label_id(int k)
{
    static const int l15[K_N] = {-30, -36, -44, -49, -55, -65}, l17[K_N] = {-31, -37, -45, -50, -56, -66};
    return S.persona == 17 ? l17[k] : l15[k];
}

static void put(ent *e, const char *key, const char *json)
{
    e->m = realloc(e->m, (e->nm + 1) * sizeof *e->m);
    e->m[e->nm].key = strdup(key);
    e->m[e->nm].json = strdup(json);
    e->nm++;
}

static void put_str(ent *e, const char *key, const char *s)
{
    sb_t b = {0};
    sb_json_str(&b, s, strlen(s));
    put(e, key, b.p);
    sb_free(&b);
}

static void ent_free(ent *e)
{
    free(e->id);
    free(e->name);
    free(e->ref[0]);
    free(e->ref[1]);
    free(e->password);
    free(e->desc);
    free(e->creator);
    free(e->created);
    free(e->updated);
    for (size_t i = 0; i < e->ngraphs; i++)
        free(e->graphs[i]);
    free(e->graphs);
    for (size_t i = 0; i < e->nm; i++) {
        free(e->m[i].key);
        free(e->m[i].json);
    }
    free(e->m);
}

static uint32_t java_hash(const char *s)
{
    uint32_t h = 0;
    for (; *s; s++)
        h = 31 * h + (unsigned char)*s;
    return h;
}

/* the element as a Java HashMap prints it: bucket order, insertion order within a bucket */
static void emit(sb_t *out, const ent *e)
{
    size_t cap = 16, *idx = malloc((e->nm + 1) * sizeof *idx), *b = malloc((e->nm + 1) * sizeof *b);
    while ((double)e->nm > 0.75 * (double)cap)
        cap *= 2;
    for (size_t i = 0; i < e->nm; i++) {
        uint32_t h = java_hash(e->m[i].key);
        idx[i] = i;
        b[i] = (h ^ (h >> 16)) & (cap - 1);
        for (size_t j = i; j > 0 && b[j - 1] > b[j]; j--) {
            size_t t = b[j], ti = idx[j];
            b[j] = b[j - 1], idx[j] = idx[j - 1];
            b[j - 1] = t, idx[j - 1] = ti;
        }
    }
    sb_putc(out, '{');
    for (size_t i = 0; i < e->nm; i++) {
        const member *m = &e->m[idx[i]];
        if (i)
            sb_putc(out, ',');
        sb_json_str(out, m->key, strlen(m->key));
        sb_putc(out, ':');
        sb_puts(out, m->json);
    }
    sb_putc(out, '}');
    free(idx);
    free(b);
}

static void stamp(ent *e, int k, const char *creator)
{
    sb_t t = {0};
    char key[64];
    fmt_date(&t, now_ms());
    snprintf(key, sizeof key, "%s_creator", SINGULAR[k]);
    put_str(e, key, creator);
    snprintf(key, sizeof key, "%s_create", SINGULAR[k]);
    put_str(e, key, t.p);
    snprintf(key, sizeof key, "%s_update", SINGULAR[k]);
    put_str(e, key, t.p);
    put_str(e, "id", e->id);
    sb_free(&t);
}

/* a bcrypt-shaped string (60 characters) that is not a bcrypt hash */
static void fake_hash(ent *e, const char *password)
{
    static const char tab[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char h[61] = "$2a$04$";
    uint64_t x = 1469598103934665603ULL ^ ++S.salt;
    for (const char *p = password; *p; p++)
        x = (x ^ (unsigned char)*p) * 1099511628211ULL;
    for (int i = 7; i < 60; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        h[i] = tab[x % 64];
    }
    h[60] = 0;
    put_str(e, "user_password", h);
}

static ent *find(int k, const char *id)
{
    for (size_t i = 0; i < S.n[k]; i++)
        if (!strcmp(S.v[k][i].id, id))
            return &S.v[k][i];
    return NULL;
}

static void add(int k, ent *e)
{
    S.v[k] = realloc(S.v[k], (S.n[k] + 1) * sizeof **S.v);
    S.v[k][S.n[k]++] = *e;
}

void hgauth_init(int persona, const char *admin, const char *password)
{
    pthread_mutex_lock(&S.lock);
    S.persona = persona;
    free(S.admin);
    S.admin = admin ? strdup(admin) : NULL;
    if (admin) {
        ent e = {0};
        char id[300];
        snprintf(id, sizeof id, "%d:%s", label_id(K_USERS), admin);
        e.id = strdup(id);
        e.name = strdup(admin);
        e.password = strdup(password ? password : "");
        fake_hash(&e, e.password);
        put_str(&e, "user_name", admin);
        stamp(&e, K_USERS, "system");
        add(K_USERS, &e);
    }
    pthread_mutex_unlock(&S.lock);
}

void hgauth_free(void)
{
    pthread_mutex_lock(&S.lock);
    for (int k = 0; k < K_N; k++) {
        for (size_t i = 0; i < S.n[k]; i++)
            ent_free(&S.v[k][i]);
        free(S.v[k]);
        S.v[k] = NULL;
        S.n[k] = 0;
    }
    free(S.admin);
    S.admin = NULL;
    free(S.sysgraph);
    S.sysgraph = NULL;
    for (size_t i = 0; i < S.nmg; i++) {
        free(S.mg[i].user);
        free(S.mg[i].space);
    }
    free(S.mg);
    S.mg = NULL;
    S.nmg = 0;
    pthread_mutex_unlock(&S.lock);
}

bool hgauth_login(const char *user, const char *password)
{
    bool ok = false;
    pthread_mutex_lock(&S.lock);
    for (size_t i = 0; i < S.n[K_USERS] && !ok; i++) {
        const ent *e = &S.v[K_USERS][i];
        ok = S.admin && strcmp(e->name, S.admin) && !strcmp(e->name, user) && !strcmp(e->password, password);
    }
    pthread_mutex_unlock(&S.lock);
    return ok;
}

static int kind_of(const char *s)
{
    for (int k = 0; k < K_N; k++)
        if (!strcmp(s, KIND[k]))
            return k;
    return -1;
}

/* ---- create ---- */

static const char *const KNOWN[K_N][7] = {
    {"user_name", "user_password", "user_phone", "user_email", "user_avatar", "user_description", NULL},
    {"group_name", "group_description", NULL},
    {"target_name", "target_graph", "target_url", "target_resources", NULL},
    {"user", "group", "belong_description", NULL},
    {"group", "target", "access_permission", "access_description", NULL},
    {"project_name", "project_graphs", "project_description", NULL},
};
static const char *const JCLASS[K_N] = {
    "org.apache.hugegraph.api.auth.UserAPI$JsonUser", "org.apache.hugegraph.api.auth.GroupAPI$JsonGroup",
    "org.apache.hugegraph.api.auth.TargetAPI$JsonTarget", "org.apache.hugegraph.api.auth.BelongAPI$JsonBelong",
    "org.apache.hugegraph.api.auth.AccessAPI$JsonAccess", "org.apache.hugegraph.api.auth.ProjectAPI$JsonProject"};
static const char *const PERMS[] = {"NONE", "READ", "WRITE", "DELETE", "EXECUTE", "SPACE", "SPACE_MEMBER", "ADMIN", NULL};
static const int PERM_CODE[] = {0, 1, 2, 4, 8, 0x1f, 0x1e, 0x7f};

/* a string member (NULL: absent or null); a present member of another type is an error */
static int jstr(const jnode *o, const char *key, const char **out, herr *e)
{
    const jnode *v = jget(o, key);
    *out = NULL;
    if (!v || v->type == J_NULL)
        return 0;
    if (v->type != J_STR)
        return err_set(e, 400, NULL, "Cannot deserialize value of type `java.lang.String` from %s token", v->type == J_ARR ? "Array" : v->type == J_OBJ ? "Object" : "Number");
    *out = v->s;
    return 0;
}

/* target_resources: 1.5 a list of {"type","label":"*","properties":null}, 1.7 the same grouped by type */
static int resources(const jnode *v, sb_t *out, herr *e)
{
    sb_t list = {0};
    if (!v || v->type == J_NULL) {
        sb_puts(out, "null");
        return 0;
    }
    if (v->type != J_ARR)
        return err_set(e, 400, NULL, "Cannot deserialize value of type `java.util.ArrayList<java.util.Map<java.lang.String,java.lang.Object>>` from %s value (token `JsonToken.START_OBJECT`)", v->type == J_OBJ ? "Object" : "scalar");
    sb_putc(&list, '[');
    /* 1.7 groups them by "TYPE" (label "*") or "TYPE#label", the groups in HashMap order */
    char **gkey = calloc(v->nkids + 1, sizeof *gkey);
    sb_t *gval = calloc(v->nkids + 1, sizeof *gval);
    size_t ng = 0;
    for (size_t i = 0; i < v->nkids; i++) {
        const jnode *r = v->kids[i], *t = jget(r, "type"), *l = jget(r, "label"), *p = jget(r, "properties");
        if (r->type != J_OBJ || !t || t->type != J_STR) {
            sb_free(&list);
            return err_set(e, 400, C_IAE, "The type of resource can't be null");
        }
        size_t start = list.len;
        if (i)
            sb_putc(&list, ',');
        sb_puts(&list, "{\"type\":");
        sb_json_str(&list, t->s, t->slen);
        sb_puts(&list, ",\"label\":");
        if (l && l->type == J_STR)
            sb_json_str(&list, l->s, l->slen);
        else
            sb_puts(&list, "\"*\"");
        sb_puts(&list, ",\"properties\":");
        if (p && p->type != J_NULL)
            json_render(&list, p);
        else
            sb_puts(&list, "null");
        sb_putc(&list, '}');
        char *key = NULL;
        if (l && l->type == J_STR && strcmp(l->s, "*")) {
            if (asprintf(&key, "%s#%s", t->s, l->s) < 0)
                key = NULL;
        } else {
            key = strdup(t->s);
        }
        size_t gi;
        for (gi = 0; gi < ng && strcmp(gkey[gi], key); gi++)
            ;
        if (gi == ng)
            gkey[ng++] = key;
        else
            free(key);
        const char *rtext = list.p + start + (i ? 1 : 0);
        sb_putc(&gval[gi], gval[gi].len ? ',' : '[');
        sb_putn(&gval[gi], rtext, list.len - (size_t)(rtext - list.p));
    }
    sb_putc(&list, ']');
    if (S.persona == 17) {
        size_t cap = 16, *ord = calloc(ng + 1, sizeof *ord), *bk = calloc(ng + 1, sizeof *bk);
        while ((double)ng > 0.75 * (double)cap)
            cap *= 2;
        for (size_t i = 0; i < ng; i++) {
            uint32_t h = java_hash(gkey[i]);
            ord[i] = i;
            bk[i] = (h ^ (h >> 16)) & (cap - 1);
            for (size_t j = i; j > 0 && bk[j - 1] > bk[j]; j--) {
                size_t tb = bk[j], to = ord[j];
                bk[j] = bk[j - 1], ord[j] = ord[j - 1];
                bk[j - 1] = tb, ord[j - 1] = to;
            }
        }
        sb_putc(out, '{');
        for (size_t i = 0; i < ng; i++) {
            if (i)
                sb_putc(out, ',');
            sb_json_str(out, gkey[ord[i]], strlen(gkey[ord[i]]));
            sb_putc(out, ':');
            sb_puts(out, gval[ord[i]].p);
            sb_putc(out, ']');
        }
        sb_putc(out, '}');
        free(ord);
        free(bk);
    } else {
        sb_puts(out, list.p);
    }
    for (size_t i = 0; i < ng; i++) {
        free(gkey[i]);
        sb_free(&gval[i]);
    }
    free(gkey);
    free(gval);
    sb_free(&list);
    return 0;
}

static int create(int k, const jnode *o, sb_t *out, herr *e)
{
    ent n = {0};
    char id[1200];
    const char *name = NULL, *a = NULL, *b = NULL, *perm = NULL, *s;

    if (!o || o->type != J_OBJ)
        return err_set(e, 400, C_IAE, "The request body can't be empty");
    for (size_t i = 0; i < o->nkids; i++) {
        const char *key = o->kids[i]->key;
        bool known = false;
        for (int j = 0; KNOWN[k][j]; j++)
            known |= !strcmp(key, KNOWN[k][j]);
        known |= !strcmp(key, "id");
        if (!known)
            return err_jackson_unknown(e, key, JCLASS[k], KNOWN[k]);
    }
    switch (k) {
    case K_USERS: {
        const char *pw = NULL;
        if (jstr(o, "user_name", &name, e) || jstr(o, "user_password", &pw, e))
            return -1;
        if (!name || !*name)
            return err_set(e, 400, C_IAE, "The name of user can't be null");
        if (!pw || !*pw)
            return err_set(e, 400, C_IAE, "The password of user can't be null");
        snprintf(id, sizeof id, "%d:%s", label_id(k), name);
        if (find(k, id))
            return err_set(e, 400, C_IAE, "Can't save user '%s' that already exists", id);
        n.password = strdup(pw);
        fake_hash(&n, pw);
        static const char *const f[] = {"user_email", "user_name", "user_phone", "user_avatar", "user_description"};
        for (size_t i = 0; i < 5; i++) {
            if (jstr(o, f[i], &s, e)) {
                ent_free(&n);
                return -1;
            }
            /* 1.5 keeps no description */
            if (s && (strcmp(f[i], "user_description") || S.persona == 17))
                put_str(&n, f[i], s);
        }
        break;
    }
    case K_GROUPS:
        if (jstr(o, "group_name", &name, e) || jstr(o, "group_description", &s, e))
            return -1;
        if (!name || !*name)
            return err_set(e, 400, C_IAE, "The name of group can't be null");
        snprintf(id, sizeof id, "%d:%s", label_id(k), name);
        if (find(k, id))
            return err_set(e, 400, C_IAE, "Can't save group '%s' that already exists", id);
        put_str(&n, "group_name", name);
        if (s)
            put_str(&n, "group_description", s);
        break;
    case K_TARGETS: {
        const char *tgraph, *url;
        sb_t res = {0};
        if (jstr(o, "target_name", &name, e) || jstr(o, "target_graph", &tgraph, e) || jstr(o, "target_url", &url, e))
            return -1;
        if (!name || !*name)
            return err_set(e, 400, C_IAE, "The name of target can't be null");
        if (!tgraph || !*tgraph)
            return err_set(e, 400, C_IAE, "The graph of target can't be null");
        if (!url || !*url)
            return err_set(e, 400, C_IAE, "The url of target can't be null");
        snprintf(id, sizeof id, "%d:%s", label_id(k), name);
        if (find(k, id))
            return err_set(e, 400, C_IAE, "Can't save target '%s' that already exists", id);
        if (resources(jget(o, "target_resources"), &res, e)) {
            sb_free(&res);
            return -1;
        }
        put_str(&n, "target_name", name);
        put_str(&n, "target_url", url);
        put_str(&n, "target_graph", tgraph);
        put(&n, "target_resources", res.p);
        sb_free(&res);
        break;
    }
    case K_BELONGS:
    case K_ACCESSES: {
        int ka = k == K_BELONGS ? K_USERS : K_GROUPS, kb = k == K_BELONGS ? K_GROUPS : K_TARGETS;
        const char *fa = k == K_BELONGS ? "user" : "group", *fb = k == K_BELONGS ? "group" : "target";
        int code = 0;
        if (jstr(o, fa, &a, e) || jstr(o, fb, &b, e) || jstr(o, k == K_BELONGS ? "belong_description" : "access_description", &s, e))
            return -1;
        if (k == K_ACCESSES) {
            if (jstr(o, "access_permission", &perm, e))
                return -1;
            if (!perm)
                return err_set(e, 400, C_IAE, "The permission of access can't be null");
            int pi = -1;
            for (int i = 0; PERMS[i]; i++)
                if (!strcmp(PERMS[i], perm))
                    pi = i;
            if (pi < 0)
                return err_jackson_enum(e, perm, "org.apache.hugegraph.auth.HugePermission", PERMS);
            code = PERM_CODE[pi];
        }
        if (!a)
            return err_set(e, 400, C_IAE, "The %s of %s can't be null", fa, SINGULAR[k]);
        if (!b)
            return err_set(e, 400, C_IAE, "The %s of %s can't be null", fb, SINGULAR[k]);
        /* 1.7's auth proxy looks the target up first (its permission check) */
        if (S.persona == 17 && k == K_ACCESSES && !find(kb, b))
            return err_set(e, 404, C_NFE, "Can't find target with id '%s'", b);
        if (!find(ka, a))
            return err_set(e, 400, C_IAE, "Not exists %s '%s'", fa, a);
        if (!find(kb, b))
            return err_set(e, 400, C_IAE, "Not exists %s '%s'", fb, b);
        if (k == K_BELONGS)
            snprintf(id, sizeof id, "S%s>%d>%d>>S%s", a, label_id(k), label_id(k), b);
        else
            snprintf(id, sizeof id, "S%s>%d>%d>1%d>S%s", a, label_id(k), label_id(k), code, b);
        if (find(k, id))
            return err_set(e, 400, C_IAE, "Can't save %s '%s' that already exists", SINGULAR[k], id);
        if (s)
            put_str(&n, k == K_BELONGS ? "belong_description" : "access_description", s);
        if (perm)
            put_str(&n, "access_permission", perm);
        if (S.persona == 17 && k == K_BELONGS)
            put_str(&n, "link", "ug");
        if (S.persona == 17)
            put_str(&n, "graphspace", "DEFAULT");
        put_str(&n, fa, a);
        put_str(&n, fb, b);
        n.ref[0] = strdup(a);
        n.ref[1] = strdup(b);
        break;
    }
    }
    n.id = strdup(id);
    n.name = name ? strdup(name) : NULL;
    stamp(&n, k, S.admin ? S.admin : "admin");
    emit(out, &n);
    add(k, &n);
    return 0;
}

static void remove_at(int k, size_t i)
{
    ent_free(&S.v[k][i]);
    memmove(&S.v[k][i], &S.v[k][i + 1], (S.n[k] - i - 1) * sizeof **S.v);
    S.n[k]--;
}

/* removes the belongs and accesses that touch entity id */
static void drop_edges(const char *id)
{
    for (int r = K_BELONGS; r <= K_ACCESSES; r++)
        for (size_t j = 0; j < S.n[r];)
            if (!strcmp(S.v[r][j].ref[0], id) || !strcmp(S.v[r][j].ref[1], id))
                remove_at(r, j);
            else
                j++;
}

int hgauth_handle(const char *method, const char *kind, const char *id, const char *body, size_t len, const char *limit,
                  bool admin, sb_t *out, herr *e)
{
    int k = kind_of(kind), status = 200;
    if (k < 0)
        return err_set(e, 404, "jakarta.ws.rs.NotFoundException", "HTTP 404 Not Found");
    if (!S.admin) /* real 1.5.0 without auth.authenticator */
        return err_set(e, 500, C_ISE, "Unconfigured authenticator, please config auth.authenticator option in rest-server.properties");
    pthread_mutex_lock(&S.lock);
    if (!strcmp(method, "GET") && !id) {
        long lim = limit ? strtol(limit, NULL, 10) : 100;
        sb_printf(out, "{\"%s\": [", KIND[k]);
        size_t shown = 0;
        for (size_t i = 0; admin && i < S.n[k] && (lim < 0 || (long)shown < lim); i++) {
            if (shown++)
                sb_putc(out, ',');
            emit(out, &S.v[k][i]);
        }
        sb_puts(out, "]}");
    } else if (!strcmp(method, "POST") && !id) {
        if (!admin) {
            status = err_set(e, 403, "jakarta.ws.rs.ForbiddenException", "Permission denied: write %s", SINGULAR[k]);
        } else {
            arena_t a = {0};
            char eb[256];
            jnode *o = len ? json_parse(&a, body, len, eb, sizeof eb) : NULL;
            if (len && !o)
                status = err_set(e, 400, NULL, "%s", eb);
            else if (create(k, o, out, e) == 0)
                status = 201;
            else
                status = -1;
            ar_free(&a);
        }
    } else if (!strcmp(method, "DELETE") && id) {
        size_t i;
        for (i = 0; i < S.n[k] && strcmp(S.v[k][i].id, id); i++)
            ;
        if (!admin) {
            status = err_set(e, 403, "jakarta.ws.rs.ForbiddenException", "Permission denied: delete %s", SINGULAR[k]);
        } else if (i == S.n[k] || (k == K_USERS && S.admin && !strcmp(S.v[k][i].name, S.admin))) {
            status = err_set(e, 400, C_IAE, "Invalid %s id: %s", SINGULAR[k], id);
        } else {
            char *gone = strdup(id);
            remove_at(k, i);
            /* removing a vertex removes its edges: a group's or a target's belongs and accesses go
             * with it (observed through a project's delete on 1.5.0 and 1.7.0), a user's belongs on
             * 1.5.0; 1.7.0 was seen both keeping and dropping a deleted user's belongs (hgserver
             * keeps them, see README.md) */
            if (k == K_GROUPS || k == K_TARGETS || (k == K_USERS && S.persona != 17))
                drop_edges(gone);
            free(gone);
            status = 204;
        }
    } else if (!strcmp(method, "GET") && id) {
        ent *x = find(k, id);
        if (!admin || !x)
            status = err_set(e, 404, C_NFE, "Can't find %s with id '%s'", SINGULAR[k], id);
        else
            emit(out, x);
    } else {
        status = err_set(e, 405, "jakarta.ws.rs.NotAllowedException", "HTTP 405 Method Not Allowed");
    }
    pthread_mutex_unlock(&S.lock);
    return status;
}

/* ---- projects ----
 * What ProjectAPI and StandardAuthManager do: a project "<label>:<name>" comes with groups
 * admin_<name> and op_<name>, a target project_res_<name> (a PROJECT resource on the graph holding
 * the auth data) and three accesses (admin WRITE and READ, op READ on the target).  They are made
 * one after the other, and what was made before a failing step stays (observed on 1.7.0: a
 * project whose op group existed left its admin group behind).  Deleting the project deletes the
 * groups and the target, and with those vertices the belongs and accesses that touch them.
 * project_graphs is a Java HashSet<String>: its order is modelled by set_order. */

static char *sysgraph(void)
{
    return S.sysgraph ? S.sysgraph : "hugegraph";
}

void hgauth_system_graph(const char *name)
{
    pthread_mutex_lock(&S.lock);
    free(S.sysgraph);
    S.sysgraph = name ? strdup(name) : NULL;
    pthread_mutex_unlock(&S.lock);
}

/* the table size of a HashSet of n0 elements made with new HashSet<>(c) (n0 = c.size(), or -1 for
 * new HashSet<>()) once it holds n: power of two >= max((int)(n0 / .75f) + 1, 16), doubled while
 * n > 0.75 * capacity */
static size_t set_cap(long n0, size_t n)
{
    size_t cap = 16;
    if (n0 >= 0) {
        size_t want = (size_t)((float)n0 / 0.75f) + 1;
        while (cap < want)
            cap *= 2;
    }
    while ((double)n > 0.75 * (double)cap)
        cap *= 2;
    return cap;
}

/* the iteration order of a HashSet<String> into which v[0..n) were inserted in this order */
static void set_order(char **v, size_t n, size_t cap)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            uint32_t a = java_hash(v[j - 1]), b = java_hash(v[j]);
            if (((a ^ (a >> 16)) & (cap - 1)) <= ((b ^ (b >> 16)) & (cap - 1)))
                break;
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* Java's AbstractCollection.toString: [a, b] */
static void set_str(sb_t *b, char **v, size_t n, bool present)
{
    if (!present) {
        sb_puts(b, "null");
        return;
    }
    sb_putc(b, '[');
    for (size_t i = 0; i < n; i++)
        sb_printf(b, "%s%s", i ? ", " : "", v[i]);
    sb_putc(b, ']');
}

static void strs_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static bool strs_has(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

/* project_graphs as Jackson reads a Set<String>: a HashSet in its iteration order; *present false
 * for an absent or null member */
static int jgraphs(const jnode *o, char ***out, size_t *n, bool *present, herr *e)
{
    const jnode *v = jget(o, "project_graphs");
    *out = NULL, *n = 0, *present = false;
    if (!v || v->type == J_NULL)
        return 0;
    if (v->type != J_ARR)
        return err_set(e, 400, NULL, "Cannot deserialize value of type `java.util.HashSet<java.lang.String>` from %s value",
                       v->type == J_OBJ ? "Object" : "scalar");
    *present = true;
    *out = calloc(v->nkids + 1, sizeof **out);
    for (size_t i = 0; i < v->nkids; i++) {
        const jnode *g = v->kids[i];
        if (g->type == J_STR && !strs_has(*out, *n, g->s))
            (*out)[(*n)++] = strdup(g->s);
    }
    set_order(*out, *n, set_cap(-1, *n));
    return 0;
}

static void proj_members(ent *p)
{
    char id[600];
    for (size_t i = 0; i < p->nm; i++) {
        free(p->m[i].key);
        free(p->m[i].json);
    }
    p->nm = 0;
    /* HugeProject.asMap, then Entity.asMap */
    put_str(p, "project_name", p->name);
    snprintf(id, sizeof id, "%d:admin_%s", label_id(K_GROUPS), p->name);
    put_str(p, "project_admin_group", id);
    snprintf(id, sizeof id, "%d:op_%s", label_id(K_GROUPS), p->name);
    put_str(p, "project_op_group", id);
    if (p->ngraphs) {
        sb_t b = {0};
        sb_putc(&b, '[');
        for (size_t i = 0; i < p->ngraphs; i++) {
            if (i)
                sb_putc(&b, ',');
            sb_json_str(&b, p->graphs[i], strlen(p->graphs[i]));
        }
        sb_putc(&b, ']');
        put(p, "project_graphs", b.p);
        sb_free(&b);
    }
    if (p->desc && *p->desc)
        put_str(p, "project_description", p->desc);
    snprintf(id, sizeof id, "%d:project_res_%s", label_id(K_TARGETS), p->name);
    put_str(p, "project_target", id);
    put_str(p, "id", p->id);
    put_str(p, "project_create", p->created);
    put_str(p, "project_update", p->updated);
    put_str(p, "project_creator", p->creator);
}

static int commit_failed(herr *e, int k, const char *id)
{
    return err_set(e, 400, C_HUGE, "Failed to commit transaction: Can't save %s '%s' that already exists", SINGULAR[k], id);
}

static void make_access(const char *group, const char *target, const char *perm, int code)
{
    ent n = {0};
    char id[1300];
    snprintf(id, sizeof id, "S%s>%d>%d>1%d>S%s", group, label_id(K_ACCESSES), label_id(K_ACCESSES), code, target);
    put_str(&n, "access_permission", perm);
    if (S.persona == 17)
        put_str(&n, "graphspace", "DEFAULT");
    put_str(&n, "group", group);
    put_str(&n, "target", target);
    n.ref[0] = strdup(group);
    n.ref[1] = strdup(target);
    n.id = strdup(id);
    stamp(&n, K_ACCESSES, S.admin);
    add(K_ACCESSES, &n);
}

static int make_project(const jnode *o, sb_t *out, herr *e)
{
    const char *name, *desc;
    char **graphs;
    size_t ng;
    bool present;
    static const char *const ignored[] = {"id", "target_creator", "target_create", "target_update",
                                          "project_admin_group", "project_op_group", "project_target", NULL};
    if (!o || o->type != J_OBJ)
        return err_set(e, 400, C_IAE, "The request body can't be empty");
    for (size_t i = 0; i < o->nkids; i++) {
        const char *key = o->kids[i]->key;
        bool known = false;
        for (int j = 0; KNOWN[K_PROJECTS][j]; j++)
            known |= !strcmp(key, KNOWN[K_PROJECTS][j]);
        for (int j = 0; ignored[j]; j++)
            known |= !strcmp(key, ignored[j]);
        if (!known)
            return err_jackson_unknown(e, key, JCLASS[K_PROJECTS], KNOWN[K_PROJECTS]);
    }
    if (jstr(o, "project_name", &name, e) || jstr(o, "project_description", &desc, e) ||
        jgraphs(o, &graphs, &ng, &present, e))
        return -1;
    if (!name) {
        strs_free(graphs, ng);
        return err_set(e, 400, C_IAE, "The name of project can't be null");
    }
    if (ng) {
        sb_t b = {0};
        set_str(&b, graphs, ng, present);
        err_set(e, 400, C_IAE, "The graphs '%s' of project can't be added whencreating the project '%s'", b.p, name);
        sb_free(&b);
        strs_free(graphs, ng);
        return -1;
    }
    strs_free(graphs, ng);
    if (!*name)
        return err_set(e, 400, C_IAE, "The name of project can't be null or empty");

    char admin[600], op[600], target[600], pid[600];
    snprintf(admin, sizeof admin, "%d:admin_%s", label_id(K_GROUPS), name);
    snprintf(op, sizeof op, "%d:op_%s", label_id(K_GROUPS), name);
    snprintf(target, sizeof target, "%d:project_res_%s", label_id(K_TARGETS), name);
    snprintf(pid, sizeof pid, "%d:%s", label_id(K_PROJECTS), name);
    /* the groups */
    for (int i = 0; i < 2; i++) {
        const char *gid = i ? op : admin;
        if (find(K_GROUPS, gid))
            return commit_failed(e, K_GROUPS, gid);
        ent g = {0};
        g.id = strdup(gid);
        g.name = strdup(strchr(gid, ':') + 1);
        put_str(&g, "group_name", g.name);
        stamp(&g, K_GROUPS, S.admin);
        add(K_GROUPS, &g);
    }
    /* the target */
    if (find(K_TARGETS, target))
        return commit_failed(e, K_TARGETS, target);
    ent t = {0};
    sb_t res = {0};
    t.id = strdup(target);
    t.name = strdup(strchr(target, ':') + 1);
    sb_puts(&res, S.persona == 17 ? "{\"DEFAULT\":[{\"type\":\"PROJECT\",\"label\":" : "[{\"type\":\"PROJECT\",\"label\":");
    sb_json_str(&res, name, strlen(name));
    sb_puts(&res, S.persona == 17 ? ",\"properties\":null}]}" : ",\"properties\":null}]");
    put_str(&t, "target_name", t.name);
    put_str(&t, "target_url", "localhost:8080");
    put_str(&t, "target_graph", sysgraph());
    put(&t, "target_resources", res.p);
    sb_free(&res);
    stamp(&t, K_TARGETS, S.admin);
    add(K_TARGETS, &t);
    /* the accesses (their ids are new with the target) */
    make_access(admin, target, "WRITE", 2);
    make_access(admin, target, "READ", 1);
    make_access(op, target, "READ", 1);
    /* the project */
    if (find(K_PROJECTS, pid))
        return commit_failed(e, K_PROJECTS, pid);
    ent p = {0};
    sb_t now = {0};
    fmt_date(&now, now_ms());
    p.id = strdup(pid);
    p.name = strdup(name);
    p.desc = desc ? strdup(desc) : NULL;
    p.creator = strdup(S.admin);
    p.created = strdup(now.p);
    p.updated = sb_steal(&now);
    proj_members(&p);
    emit(out, &p);
    add(K_PROJECTS, &p);
    return 0;
}

static int update_project(const char *id, const char *action, const jnode *o, sb_t *out, herr *e)
{
    const char *name, *desc;
    char **graphs;
    size_t ng;
    bool present;
    int rc = -1;
    if (!o || o->type != J_OBJ)
        return err_set(e, 400, C_IAE, "The request body can't be empty");
    for (size_t i = 0; i < o->nkids; i++) {
        const char *key = o->kids[i]->key;
        bool known = false;
        for (int j = 0; KNOWN[K_PROJECTS][j]; j++)
            known |= !strcmp(key, KNOWN[K_PROJECTS][j]);
        static const char *const ignored[] = {"id", "target_creator", "target_create", "target_update",
                                              "project_admin_group", "project_op_group", "project_target", NULL};
        for (int j = 0; ignored[j]; j++)
            known |= !strcmp(key, ignored[j]);
        if (!known)
            return err_jackson_unknown(e, key, JCLASS[K_PROJECTS], KNOWN[K_PROJECTS]);
    }
    if (jstr(o, "project_name", &name, e) || jstr(o, "project_description", &desc, e) ||
        jgraphs(o, &graphs, &ng, &present, e))
        return -1;
    ent *p = find(K_PROJECTS, id);
    bool add_g = action && !strcmp(action, "add_graph"), rm_g = action && !strcmp(action, "remove_graph");
    const char *what = add_g ? "adding" : "removing";
    if (!ng && !desc)
        err_set(e, 400, C_IAE, "Must specify 'graphs' or 'description' field that need to be updated");
    else if (!p)
        err_set(e, 400, C_IAE, "Invalid project id: %s", id);
    else if (!add_g && !rm_g && action && *action)
        err_set(e, 400, C_IAE, "The action parameter can only be either add_graph or remove_graph or '', but got '%s'", action);
    else if (name && strcmp(name, p->name))
        err_set(e, 400, C_IAE, "The name of project can't be updated");
    else if ((add_g || rm_g) && !ng)
        err_set(e, 400, C_IAE, "The graphs of project can't be empty when %s graphs", what);
    else if ((add_g || rm_g) && desc && *desc)
        err_set(e, 400, C_IAE, "The description of project can't be updated when %s graphs", what);
    else if (!add_g && !rm_g && !desc)
        err_set(e, 400, C_IAE, "The description of project can't be null");
    else if (!add_g && !rm_g && ng)
        err_set(e, 400, C_IAE, "The graphs of project can't be updated");
    else {
        bool all = true;
        for (size_t i = 0; add_g && i < ng; i++)
            all &= strs_has(p->graphs, p->ngraphs, graphs[i]);
        if (add_g && all) {
            sb_t b = {0};
            set_str(&b, graphs, ng, present);
            err_set(e, 400, C_IAE, "There are graphs '%s' of project '%s' that have been added in the graph collection", b.p, p->id);
            sb_free(&b);
            goto out;
        }
        if (add_g || rm_g) {
            /* new HashSet<>(project.graphs()), then addAll or removeAll */
            size_t n0 = p->ngraphs, n = 0;
            char **v = calloc(n0 + ng + 1, sizeof *v);
            for (size_t i = 0; i < n0; i++)
                if (!rm_g || !strs_has(graphs, ng, p->graphs[i]))
                    v[n++] = strdup(p->graphs[i]);
            for (size_t i = 0; add_g && i < ng; i++)
                if (!strs_has(v, n, graphs[i]))
                    v[n++] = strdup(graphs[i]);
            set_order(v, n, set_cap((long)n0, rm_g ? n0 : n));
            strs_free(p->graphs, p->ngraphs);
            p->graphs = v, p->ngraphs = n;
        } else {
            free(p->desc);
            p->desc = strdup(desc);
        }
        sb_t now = {0};
        fmt_date(&now, now_ms());
        free(p->updated);
        p->updated = sb_steal(&now);
        proj_members(p);
        emit(out, p);
        rc = 0;
    }
out:
    strs_free(graphs, ng);
    return rc;
}

/* removes entity id of kind k and the belongs and accesses that touch it (a vertex's edges) */
static void drop_vertex(int k, const char *id)
{
    for (size_t i = 0; i < S.n[k]; i++)
        if (!strcmp(S.v[k][i].id, id)) {
            remove_at(k, i);
            break;
        }
    drop_edges(id);
}

int hgauth_projects(const char *method, const char *id, const char *action, const char *body, size_t len,
                    const char *limit, bool admin, sb_t *out, herr *e)
{
    int status = 200;
    if (!S.admin)
        return err_set(e, 500, C_ISE, "Unconfigured authenticator, please config auth.authenticator option in rest-server.properties");
    pthread_mutex_lock(&S.lock);
    arena_t a = {0};
    char eb[256];
    jnode *o = NULL;
    bool with_body = !strcmp(method, "POST") || !strcmp(method, "PUT");
    if (with_body && len && !(o = json_parse(&a, body, len, eb, sizeof eb))) {
        status = err_set(e, 400, NULL, "%s", eb);
    } else if (!strcmp(method, "GET") && !id) {
        long lim = limit ? strtol(limit, NULL, 10) : 100;
        sb_puts(out, "{\"projects\": [");
        size_t shown = 0;
        for (size_t i = 0; admin && i < S.n[K_PROJECTS] && (lim < 0 || (long)shown < lim); i++) {
            if (shown++)
                sb_putc(out, ',');
            emit(out, &S.v[K_PROJECTS][i]);
        }
        sb_puts(out, "]}");
    } else if (!strcmp(method, "POST") && !id) {
        status = make_project(o, out, e) ? -1 : 201;
    } else if (!strcmp(method, "PUT") && id) {
        status = update_project(id, action, o, out, e) ? -1 : 200;
    } else if (!strcmp(method, "GET") && id) {
        ent *p = admin ? find(K_PROJECTS, id) : NULL;
        if (p)
            emit(out, p);
        else
            status = err_set(e, 400, C_IAE, "Invalid project id: %s", id);
    } else if (!strcmp(method, "DELETE") && id) {
        ent *p = find(K_PROJECTS, id);
        if (!p) {
            status = err_set(e, 400, C_IAE, "Invalid project id: %s", id);
        } else if (p->ngraphs) {
            status = err_set(e, 400, C_HUGE, "Failed to commit transaction: Can't delete project '%s' that contains any graph, "
                             "there are graphs bound to it", id);
        } else {
            char gid[600];
            char *name = strdup(p->name);
            drop_vertex(K_PROJECTS, id);
            snprintf(gid, sizeof gid, "%d:admin_%s", label_id(K_GROUPS), name);
            drop_vertex(K_GROUPS, gid);
            snprintf(gid, sizeof gid, "%d:op_%s", label_id(K_GROUPS), name);
            drop_vertex(K_GROUPS, gid);
            snprintf(gid, sizeof gid, "%d:project_res_%s", label_id(K_TARGETS), name);
            drop_vertex(K_TARGETS, gid);
            free(name);
            status = 204;
        }
    } else {
        status = err_set(e, 405, "jakarta.ws.rs.NotAllowedException", "HTTP 405 Method Not Allowed");
    }
    ar_free(&a);
    pthread_mutex_unlock(&S.lock);
    return status;
}

/* ---- managers (persona 17) ----
 * ManagerAPI.  Without graphspaces (no PD) the real 1.7.0's StandardAuthManager keeps no manager:
 * lists are empty and nobody, not even the administrator, may create or delete one (observed).
 * With graphspaces hgserver answers as StandardAuthManagerV2 would (modelled from the sources, not
 * observed): ADMIN managers server-wide, "admin" always among them; SPACE and SPACE_MEMBER per
 * graphspace, a user being at most one of the two in a graphspace. */

static const char *const MTYPE[] = {"SPACE", "SPACE_MEMBER", "ADMIN"};

static int mtype_of(const char *t)
{
    for (int i = 0; t && i < 3; i++)
        if (!strcmp(t, MTYPE[i]))
            return i;
    return -1;
}

static ssize_t mgr_find(const char *user, int type, const char *space)
{
    for (size_t i = 0; i < S.nmg; i++)
        if (S.mg[i].type == type && !strcmp(S.mg[i].user, user) && (type == 2 || !strcmp(S.mg[i].space, space)))
            return (ssize_t)i;
    return -1;
}

static bool mgr_is(bool pd, const char *user, int type, const char *space)
{
    if (!pd || !user)
        return false;
    if (type == 2 && !strcmp(user, "admin"))
        return true;
    return mgr_find(user, type, space) >= 0;
}

static void mgr_add(const char *user, int type, const char *space)
{
    if (mgr_find(user, type, space) >= 0)
        return;
    S.mg = realloc(S.mg, (S.nmg + 1) * sizeof *S.mg);
    S.mg[S.nmg].user = strdup(user);
    S.mg[S.nmg].space = type == 2 ? NULL : strdup(space);
    S.mg[S.nmg].type = type;
    S.nmg++;
}

static void mgr_del(const char *user, int type, const char *space)
{
    ssize_t i = mgr_find(user, type, space);
    if (i < 0)
        return;
    free(S.mg[i].user);
    free(S.mg[i].space);
    memmove(&S.mg[i], &S.mg[i + 1], (S.nmg - (size_t)i - 1) * sizeof *S.mg);
    S.nmg--;
}

/* validUser: a user of that name, or (StandardAuthManagerV2 only) a group of that name */
static bool mgr_valid_user(bool pd, const char *user)
{
    if (!user)
        return false;
    for (size_t i = 0; i < S.n[K_USERS]; i++)
        if (!strcmp(S.v[K_USERS][i].name, user))
            return true;
    for (size_t i = 0; pd && i < S.n[K_GROUPS]; i++)
        if (!strcmp(S.v[K_GROUPS][i].name, user))
            return true;
    return false;
}

static void mgr_list(sb_t *out, bool pd, int type, const char *space)
{
    char **v = calloc(S.nmg + 2, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; pd && i < S.nmg; i++)
        if (S.mg[i].type == type && (type == 2 || !strcmp(S.mg[i].space, space)))
            v[n++] = S.mg[i].user;
    if (pd && type == 2) { /* a HashSet with "admin" added last */
        if (!strs_has(v, n, "admin"))
            v[n++] = "admin";
        set_order(v, n, set_cap(-1, n));
    }
    sb_puts(out, "{\"admins\": [");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_putc(out, ',');
        sb_json_str(out, v[i], strlen(v[i]));
    }
    sb_puts(out, "]}");
    free(v);
}

int hgauth_managers(const char *method, const char *sub, const char *space, bool pd, bool space_ok, const char *type,
                    const char *user, const char *caller, const char *body, size_t len, sb_t *out, herr *e)
{
    int status = 200, t = mtype_of(type);
    static const char *const known[] = {"type", "user", NULL};
    pthread_mutex_lock(&S.lock);
    arena_t a = {0};
    char eb[256];
    jnode *o = NULL;
    if (sub && strcmp(method, "GET")) {
        status = err_set(e, 405, "jakarta.ws.rs.NotAllowedException", "HTTP 405 Method Not Allowed");
    } else if (sub && !strcmp(sub, "role")) {
        if (!space_ok) {
            status = err_set(e, 400, C_IAE, "The graph space is not exist");
        } else if (!user) {
            status = err_set(e, 500, "java.lang.NullPointerException", "null value in entry: user=null");
        } else {
            int nr = 0;
            sb_puts(out, "{\"user\":");
            sb_json_str(out, user, strlen(user));
            sb_puts(out, ",\"graphspace\":");
            sb_json_str(out, space, strlen(space));
            sb_puts(out, ",\"roles\":[");
            static const int order[] = {2, 0, 1};
            for (int i = 0; i < 3; i++)
                if (mgr_is(pd, user, order[i], space))
                    sb_printf(out, "%s\"%s\"", nr++ ? "," : "", MTYPE[order[i]]);
            sb_printf(out, "%s]}", nr ? "" : "\"NONE\"");
        }
    } else if (t < 0 && strcmp(method, "POST") && (!strcmp(method, "GET") || !strcmp(method, "DELETE"))) {
        if (!strcmp(method, "DELETE") && user && !strcmp(user, "admin") && type && !strcmp(type, "ADMIN"))
            status = err_set(e, 400, C_IAE, "User 'admin' can't be removed from ADMIN");
        else
            status = err_set(e, 400, C_IAE, "The type must be in [SPACE, SPACE_MEMBER, ADMIN]");
    } else if (t != 2 && !space_ok && (!strcmp(method, "GET") && sub)) {
        status = err_set(e, 400, C_IAE, "The graph space is not exist");
    } else if (!strcmp(method, "GET") && sub) { /* check */
        sb_printf(out, "{\"check\":%s}", mgr_is(pd, caller, t, space) ? "true" : "false");
    } else if (!strcmp(method, "GET")) {
        if (t != 2 && !space_ok)
            status = err_set(e, 400, C_IAE, "The graph space is not exist");
        else
            mgr_list(out, pd, t, space);
    } else if (!strcmp(method, "POST") || !strcmp(method, "DELETE")) {
        bool post = !strcmp(method, "POST");
        const char *u = user;
        if (post) {
            const jnode *ut = NULL;
            if (len && !(o = json_parse(&a, body, len, eb, sizeof eb))) {
                status = err_set(e, 400, NULL, "%s", eb);
                goto out;
            }
            if (!o || o->type != J_OBJ) {
                status = err_set(e, 500, "java.lang.NullPointerException",
                                 "Cannot read field \"user\" because \"jsonManager\" is null");
                goto out;
            }
            for (size_t i = 0; i < o->nkids; i++)
                if (strcmp(o->kids[i]->key, "type") && strcmp(o->kids[i]->key, "user")) {
                    status = err_jackson_unknown(e, o->kids[i]->key, "org.apache.hugegraph.api.auth.ManagerAPI$JsonManager", known);
                    goto out;
                }
            if (jstr(o, "user", &u, e)) {
                status = -1;
                goto out;
            }
            ut = jget(o, "type");
            t = -1;
            if (ut && ut->type == J_STR) {
                int pi = -1;
                for (int i = 0; PERMS[i]; i++)
                    if (!strcmp(PERMS[i], ut->s))
                        pi = i;
                if (pi < 0) {
                    status = err_jackson_enum(e, ut->s, "org.apache.hugegraph.auth.HugePermission", PERMS);
                    goto out;
                }
                t = mtype_of(ut->s);
            }
            if (t < 0) {
                status = err_set(e, 400, C_IAE, "The type must be in [SPACE, SPACE_MEMBER, ADMIN]");
                goto out;
            }
        } else if (u && !strcmp(u, "admin") && t == 2) {
            status = err_set(e, 400, C_IAE, "User 'admin' can't be removed from ADMIN");
            goto out;
        }
        if (!mgr_valid_user(pd, u)) {
            status = err_set(e, 400, C_IAE, "The user or group is not exist");
        } else if (t != 2 && !space_ok) {
            status = err_set(e, 400, C_IAE, "The graph space is not exist");
        } else if (!(mgr_is(pd, caller, 2, space) || (t != 2 && mgr_is(pd, caller, 0, space)))) {
            status = err_set(e, 403, "jakarta.ws.rs.ForbiddenException", "The user [%s] has no permission to [manager.%s].",
                             caller, post ? "create" : "delete");
        } else if (!post) {
            mgr_del(u, t, space);
            status = 204;
        } else {
            if (t != 2)
                mgr_del(u, 1 - t, space);
            mgr_add(u, t, space);
            sb_puts(out, "{\"user\":");
            sb_json_str(out, u, strlen(u));
            sb_printf(out, ",\"type\":\"%s\",\"graphspace\":", MTYPE[t]);
            sb_json_str(out, space, strlen(space));
            sb_putc(out, '}');
            status = 201;
        }
    } else {
        status = err_set(e, 405, "jakarta.ws.rs.NotAllowedException", "HTTP 405 Method Not Allowed");
    }
out:
    ar_free(&a);
    pthread_mutex_unlock(&S.lock);
    return status;
}
