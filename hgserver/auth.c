/* hgserver: the auth API (users, groups, targets, belongs, accesses), held in memory.
 *
 * Paths: persona 1.3 (answers like 1.5.0) /graphs/{g}/auth/{kind}[/{id}]; persona 1.7
 * /graphspaces/DEFAULT/auth/{kind}[/{id}] and, for groups, /auth/groups[/{id}] (where real 1.7.0
 * serves them).  GET lists, POST creates, DELETE removes; only the administrator (--auth) sees
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

#include "auth.h"
#include "hg.h"

enum { K_USERS, K_GROUPS, K_TARGETS, K_BELONGS, K_ACCESSES, K_N };
static const char *const KIND[K_N] = {"users", "groups", "targets", "belongs", "accesses"};
static const char *const SINGULAR[K_N] = {"user", "group", "target", "belong", "access"};

typedef struct member {
    char *key;
    char *json; /* rendered value */
} member;

typedef struct ent {
    char *id;
    char *name;     /* users, groups, targets */
    char *ref[2];   /* belongs: user, group; accesses: group, target */
    char *password; /* users: in the clear */
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
} S = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int label_id(int k)
{
    static const int l15[K_N] = {-30, -36, -44, -49, -55}, l17[K_N] = {-31, -37, -45, -50, -56};
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
};
static const char *const JCLASS[K_N] = {
    "org.apache.hugegraph.api.auth.UserAPI$JsonUser", "org.apache.hugegraph.api.auth.GroupAPI$JsonGroup",
    "org.apache.hugegraph.api.auth.TargetAPI$JsonTarget", "org.apache.hugegraph.api.auth.BelongAPI$JsonBelong",
    "org.apache.hugegraph.api.auth.AccessAPI$JsonAccess"};
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
            /* 1.5 drops a user's belongs with the user (1.7 keeps them) */
            for (size_t j = 0; S.persona != 17 && k == K_USERS && j < S.n[K_BELONGS];)
                if (!strcmp(S.v[K_BELONGS][j].ref[0], gone))
                    remove_at(K_BELONGS, j);
                else
                    j++;
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
