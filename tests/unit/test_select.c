/* test_select.c - unit tests of the selective backup (backup/select.c):
 * the -o labels= list, the schema closure of a selection (endpoint vertex
 * labels, parent edge labels, property keys, index labels) and the label
 * test of element lines. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consist.h"
#include "select.h"

/* A schema list of the given elements (NULL-terminated), as hg_schema_list
 * returns them. */
static hg_elems *list(const char *const *elems)
{
	hg_elems *e = calloc(1, sizeof(*e));
	size_t n = 0, len = 0, off = 0;

	while (elems[n] != NULL)
		len += strlen(elems[n++]);
	e->data = malloc(len + 1);
	e->v = calloc(n + 1, sizeof(*e->v));
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(elems[i]);
		memcpy(e->data + off, elems[i], l);
		e->v[i].off = off;
		e->v[i].len = l;
		off += l;
	}
	e->data_len = len;
	e->n = n;
	return e;
}

static void list_free(hg_elems *e)
{
	free(e->data);
	free(e->v);
	free(e);
}

/* HugeGraph's modern graph (examples/modern/schema.json, shortened) */
static const char *const modern_pk[] = {
	"{\"id\":1,\"name\":\"name\",\"data_type\":\"TEXT\"}", "{\"id\":2,\"name\":\"age\",\"data_type\":\"INT\"}",
	"{\"id\":3,\"name\":\"city\",\"data_type\":\"TEXT\"}", "{\"id\":4,\"name\":\"date\",\"data_type\":\"TEXT\"}",
	"{\"id\":5,\"name\":\"weight\",\"data_type\":\"DOUBLE\"}", "{\"id\":6,\"name\":\"lang\",\"data_type\":\"TEXT\"}",
	"{\"id\":7,\"name\":\"price\",\"data_type\":\"DOUBLE\"}", NULL};
static const char *const modern_vl[] = {
	"{\"id\":1,\"name\":\"person\",\"id_strategy\":\"PRIMARY_KEY\",\"primary_keys\":[\"name\"],"
	"\"nullable_keys\":[\"age\",\"city\"],\"properties\":[\"name\",\"age\",\"city\"]}",
	"{\"id\":2,\"name\":\"software\",\"id_strategy\":\"PRIMARY_KEY\",\"primary_keys\":[\"name\"],"
	"\"nullable_keys\":[\"price\"],\"properties\":[\"name\",\"lang\",\"price\"]}",
	NULL};
static const char *const modern_el[] = {
	"{\"id\":1,\"name\":\"knows\",\"edgelabel_type\":\"NORMAL\",\"source_label\":\"person\",\"target_label\":"
	"\"person\",\"links\":[{\"person\":\"person\"}],\"sort_keys\":[],\"properties\":[\"date\",\"weight\"]}",
	"{\"id\":2,\"name\":\"created\",\"edgelabel_type\":\"NORMAL\",\"source_label\":\"person\",\"target_label\":"
	"\"software\",\"links\":[{\"person\":\"software\"}],\"properties\":[\"date\",\"weight\"]}",
	NULL};
static const char *const modern_il[] = {
	"{\"id\":1,\"name\":\"personByCity\",\"base_type\":\"VERTEX_LABEL\",\"base_value\":\"person\",\"fields\":[\"city\"]}",
	"{\"id\":2,\"name\":\"personByAgeAndCity\",\"base_type\":\"VERTEX_LABEL\",\"base_value\":\"person\","
	"\"fields\":[\"age\",\"city\"]}",
	"{\"id\":3,\"name\":\"softwareByPrice\",\"base_type\":\"VERTEX_LABEL\",\"base_value\":\"software\","
	"\"fields\":[\"price\"]}",
	NULL};

typedef struct schema {
	hg_elems *l[HG_SCHEMA__COUNT];
} schema;

static schema make(const char *const *pk, const char *const *vl, const char *const *el, const char *const *il)
{
	schema s = {{list(pk), list(vl), list(el), list(il)}};
	return s;
}

static void unmake(schema *s)
{
	for (int t = 0; t < HG_SCHEMA__COUNT; t++)
		list_free(s->l[t]);
}

/* The names of the kept elements of type t, joined by ',' */
static const char *kept(const schema *s, const hgfs_closure *c, hg_schema_type t)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->l[t]->n; i++) {
		const char *e = s->l[t]->data + s->l[t]->v[i].off;
		const char *name = strstr(e, "\"name\":\"") + 8;
		if (!c->keep[t][i])
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%.*s", n ? "," : "", (int)strcspn(name, "\""), name);
	}
	return buf;
}

static const char *joined(const hgfs_names *s)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->n; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "," : "", s->v[i]);
	return buf;
}

/* the closure of "sel" (an -o labels= list) over s */
static int closure(const schema *s, const char *sel, hgfs_closure *c, char *err, size_t errlen)
{
	hgfs_names names = {0};
	int rc;

	ck_assert_int_eq(hgfs_select_parse(&names, sel, err, errlen), 0);
	rc = hgfs_select_closure(&names, s->l, c, err, errlen);
	hgfs_names_free(&names);
	return rc;
}

START_TEST(test_parse)
{
	hgfs_names n = {0};
	char err[256];

	ck_assert_int_eq(hgfs_select_parse(&n, "person:knows,created:person", err, sizeof(err)), 0);
	ck_assert_str_eq(joined(&n), "person,knows,created");
	ck_assert_int_eq(hgfs_select_parse(&n, "a::b", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "an empty name"));
	ck_assert_int_eq(hgfs_select_parse(&n, "", err, sizeof(err)), -1);
	ck_assert_int_eq(hgfs_select_parse(&n, "x:", err, sizeof(err)), -1);
	hgfs_names_free(&n);
}
END_TEST

START_TEST(test_person_knows)
{
	schema s = make(modern_pk, modern_vl, modern_el, modern_il);
	hgfs_closure c;
	char err[1024];

	ck_assert_int_eq(closure(&s, "person:knows", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_VERTEXLABELS), "person");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_EDGELABELS), "knows");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_INDEXLABELS), "personByCity,personByAgeAndCity");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_PROPERTYKEYS), "name,age,city,date,weight");
	ck_assert_int_eq(c.count[HG_SCHEMA_PROPERTYKEYS], 5);
	ck_assert_int_eq(c.count[HG_SCHEMA_INDEXLABELS], 2);
	ck_assert_str_eq(joined(&c.vdata), "person");
	ck_assert_str_eq(joined(&c.edata), "knows");
	ck_assert_int_eq(c.vschema_only.n, 0);
	hgfs_closure_free(&c);
	unmake(&s);
}
END_TEST

/* an edge label's endpoint vertex label comes in the schema only, with its
 * index labels and property keys */
START_TEST(test_endpoint_schema_only)
{
	schema s = make(modern_pk, modern_vl, modern_el, modern_il);
	hgfs_closure c;
	char err[1024];

	ck_assert_int_eq(closure(&s, "created", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_VERTEXLABELS), "person,software");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_EDGELABELS), "created");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_INDEXLABELS), "personByCity,personByAgeAndCity,softwareByPrice");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_PROPERTYKEYS), "name,age,city,date,weight,lang,price");
	ck_assert_int_eq(c.vdata.n, 0);
	ck_assert_str_eq(joined(&c.edata), "created");
	ck_assert_str_eq(joined(&c.vschema_only), "person,software");
	hgfs_closure_free(&c);

	ck_assert_int_eq(closure(&s, "person:created", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(joined(&c.vdata), "person");
	ck_assert_str_eq(joined(&c.vschema_only), "software");
	hgfs_closure_free(&c);

	/* a vertex label alone needs no edge label */
	ck_assert_int_eq(closure(&s, "software", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_VERTEXLABELS), "software");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_EDGELABELS), "");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_INDEXLABELS), "softwareByPrice");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_PROPERTYKEYS), "name,lang,price");
	hgfs_closure_free(&c);
	unmake(&s);
}
END_TEST

START_TEST(test_unknown)
{
	schema s = make(modern_pk, modern_vl, modern_el, modern_il);
	hgfs_closure c;
	char err[1024];

	ck_assert_int_eq(closure(&s, "person:nope", &c, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "'nope' is neither a vertex label nor an edge label") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "vertex labels [person, software] and edge labels [knows, created]") != NULL, "%s",
		      err);
	hgfs_closure_free(&c);
	/* a property key or an index label is not a label */
	ck_assert_int_eq(closure(&s, "age", &c, err, sizeof(err)), -EINVAL);
	hgfs_closure_free(&c);
	ck_assert_int_eq(closure(&s, "personByCity", &c, err, sizeof(err)), -EINVAL);
	hgfs_closure_free(&c);
	unmake(&s);
}
END_TEST

/* 1.5+ parent and sub edge labels; ttl_start_time, sort keys, edge index
 * labels; a vertex label and an edge label of one name */
static const char *const ps_pk[] = {
	"{\"id\":1,\"name\":\"name\"}", "{\"id\":2,\"name\":\"born\"}", "{\"id\":3,\"name\":\"since\"}",
	"{\"id\":4,\"name\":\"note\"}", "{\"id\":5,\"name\":\"unused\"}", "{\"id\":6,\"name\":\"w\"}", NULL};
static const char *const ps_vl[] = {
	"{\"id\":1,\"name\":\"a\",\"properties\":[\"name\",\"born\"],\"ttl\":100,\"ttl_start_time\":\"born\"}",
	"{\"id\":2,\"name\":\"b\",\"properties\":[\"name\"]}",
	"{\"id\":3,\"name\":\"c\",\"properties\":[\"name\"]}",
	"{\"id\":4,\"name\":\"x\",\"properties\":[]}",
	NULL};
static const char *const ps_el[] = {
	"{\"id\":1,\"name\":\"rel\",\"edgelabel_type\":\"PARENT\",\"links\":[{\"a\":\"b\"},{\"a\":\"c\"}],"
	"\"properties\":[\"note\"]}",
	"{\"id\":2,\"name\":\"r1\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"rel\",\"source_label\":\"a\","
	"\"target_label\":\"b\",\"links\":[{\"a\":\"b\"}],\"frequency\":\"MULTIPLE\",\"sort_keys\":[\"since\"],"
	"\"properties\":[\"since\"]}",
	"{\"id\":3,\"name\":\"r2\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"rel\",\"source_label\":\"a\","
	"\"target_label\":\"c\",\"links\":[{\"a\":\"c\"}],\"properties\":[]}",
	"{\"id\":4,\"name\":\"x\",\"source_label\":\"b\",\"target_label\":\"b\",\"properties\":[\"w\"]}",
	NULL};
static const char *const ps_il[] = {
	"{\"id\":1,\"name\":\"r1BySince\",\"base_type\":\"EDGE_LABEL\",\"base_value\":\"r1\",\"fields\":[\"since\"]}",
	"{\"id\":2,\"name\":\"xByW\",\"base_type\":\"EDGE_LABEL\",\"base_value\":\"x\",\"fields\":[\"w\"]}",
	"{\"id\":3,\"name\":\"bByName\",\"base_type\":\"VERTEX_LABEL\",\"base_value\":\"b\",\"fields\":[\"name\"]}",
	NULL};

START_TEST(test_parent_sub)
{
	schema s = make(ps_pk, ps_vl, ps_el, ps_il);
	hgfs_closure c;
	char err[1024];

	/* a SUB label needs its PARENT (schema only) */
	ck_assert_int_eq(closure(&s, "r1", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_EDGELABELS), "rel,r1");
	ck_assert_str_eq(joined(&c.edata), "r1");
	ck_assert_str_eq(joined(&c.eschema_only), "rel");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_VERTEXLABELS), "a,b");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_INDEXLABELS), "r1BySince,bByName");
	/* born: a's ttl_start_time; since: r1's sort key; note: the parent's */
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_PROPERTYKEYS), "name,born,since,note");
	hgfs_closure_free(&c);

	/* a PARENT selects its SUB labels */
	ck_assert_int_eq(closure(&s, "rel", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_EDGELABELS), "rel,r1,r2");
	ck_assert_str_eq(joined(&c.edata), "rel,r1,r2");
	ck_assert_int_eq(c.eschema_only.n, 0);
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_VERTEXLABELS), "a,b,c");
	hgfs_closure_free(&c);

	/* "x" names a vertex label and an edge label: both are selected; the
	 * index labels follow their base type */
	ck_assert_int_eq(closure(&s, "x", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_VERTEXLABELS), "b,x");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_EDGELABELS), "x");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_INDEXLABELS), "xByW,bByName");
	ck_assert_str_eq(joined(&c.vdata), "x");
	ck_assert_str_eq(joined(&c.vschema_only), "b");
	ck_assert_str_eq(kept(&s, &c, HG_SCHEMA_PROPERTYKEYS), "name,w");
	hgfs_closure_free(&c);
	unmake(&s);
}
END_TEST

/* names with escapes in the schema and in the lines */
START_TEST(test_escapes)
{
	static const char *const pk[] = {"{\"id\":1,\"name\":\"n\\u00e4me\"}", NULL};
	static const char *const vl[] = {"{\"id\":1,\"name\":\"p\\\"q\",\"properties\":[\"n\\u00e4me\"]}", NULL};
	static const char *const none[] = {NULL};
	schema s = make(pk, vl, none, none);
	hgfs_names sel = {0};
	hgfs_closure c;
	char err[1024];

	ck_assert_int_eq(hgfs_names_add(&sel, "p\"q", 3), 1);
	ck_assert_int_eq(hgfs_select_closure(&sel, s.l, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.count[HG_SCHEMA_PROPERTYKEYS], 1);
	ck_assert(hgfs_line_label_in(&c.vdata, "{\"id\":1,\"label\":\"p\\\"q\",\"properties\":{}}", 37));
	ck_assert(hgfs_line_label_in(&c.vdata, "{\"id\":1,\"label\":\"p\\u0022q\",\"properties\":{}}", 42));
	ck_assert(!hgfs_line_label_in(&c.vdata, "{\"id\":1,\"label\":\"pq\",\"properties\":{}}", 36));
	ck_assert(!hgfs_line_label_in(&c.vdata, "{\"id\":1,\"properties\":{}}", 24));
	ck_assert(hgfs_names_has_json(&c.vdata, "\"p\\\"q\"", 6));
	{
		hgfs_buf b = {0};
		ck_assert_int_eq(hgfs_selection_json(&sel, &c, 7, &b), 0);
		ck_assert_str_eq(b.data, "  \"selection\": {\"labels\": [\"p\\\"q\"], \"vertex_labels\": [\"p\\\"q\"], "
					 "\"edge_labels\": [], \"schema_only_vertex_labels\": [], "
					 "\"schema_only_edge_labels\": [], \"endpoints_not_selected\": 7},\n");
		hgfs_buf_free(&b);
	}
	ck_assert(!hgfs_names_has_json(&c.vdata, "\"p\"", 3));
	hgfs_closure_free(&c);
	hgfs_names_free(&sel);
	unmake(&s);
}
END_TEST

/* the label test of element lines as the server writes them */
START_TEST(test_line_label)
{
	hgfs_names set = {0};
	const char *v = "{\"id\":\"1:marko\",\"label\":\"person\",\"type\":\"vertex\",\"properties\":{\"label\":\"knows\"}}";
	const char *e = "{\"id\":\"S1:a>1>1>>S1:b\",\"label\":\"knows\",\"type\":\"edge\",\"outV\":\"1:a\","
			"\"outVLabel\":\"person\",\"inV\":\"1:b\",\"inVLabel\":\"person\",\"properties\":{}}";

	hgfs_names_add(&set, "knows", 5);
	ck_assert(!hgfs_line_label_in(&set, v, strlen(v))); /* a property named label is not the label */
	ck_assert(hgfs_line_label_in(&set, e, strlen(e)));
	hgfs_names_add(&set, "person", 6);
	ck_assert(hgfs_line_label_in(&set, v, strlen(v)));
	hgfs_names_free(&set);
}
END_TEST

/* The endpoint check of a selective export: endpoints of labels not
 * selected are not looked for, and counted; the others are. */
static bool wanted(const void *ctx, const char *label, size_t len)
{
	return label == NULL || hgfs_names_has_json(ctx, label, len);
}

static void consist_edges(hgfs_consist *c, const char *edges, bool apart)
{
	const char *v = "{\"id\":\"1:a\",\"label\":\"person\",\"type\":\"vertex\",\"properties\":{}}\n";

	hgfs_consist_begin(c, HG_KIND_VERTEX);
	ck_assert_int_eq(hgfs_consist_feed(c, v, strlen(v)), 0);
	ck_assert_int_eq(hgfs_consist_end(c), 0);
	hgfs_consist_begin(c, HG_KIND_EDGE);
	if (apart) { /* as the export does it: by the scanning threads */
		hgfs_dangling d = {0};
		const char *p = edges;
		c->endpoints_apart = true;
		while (*p) {
			size_t n = strcspn(p, "\n");
			hgfs_consist_endpoints(c, p, n, &d);
			p += n + (p[n] == '\n');
		}
		hgfs_consist_add(c, &d);
	}
	ck_assert_int_eq(hgfs_consist_feed(c, edges, strlen(edges)), 0);
	ck_assert_int_eq(hgfs_consist_end(c), 0);
}

START_TEST(test_consist_selected)
{
	/* the server's key order: outVLabel comes between outV and inV */
	const char *edges =
		"{\"id\":\"e1\",\"label\":\"created\",\"type\":\"edge\",\"outV\":\"1:a\",\"outVLabel\":\"person\","
		"\"inV\":\"2:lop\",\"inVLabel\":\"software\",\"properties\":{}}\n"
		"{\"id\":\"e2\",\"label\":\"knows\",\"type\":\"edge\",\"outV\":\"1:a\",\"outVLabel\":\"person\","
		"\"inV\":\"1:gone\",\"inVLabel\":\"person\",\"properties\":{}}\n"
		"{\"id\":\"e3\",\"label\":\"made\",\"type\":\"edge\",\"outV\":\"2:x\",\"outVLabel\":\"software\","
		"\"inV\":\"1:a\",\"inVLabel\":\"person\",\"properties\":{}}\n";
	hgfs_names people = {0};

	hgfs_names_add(&people, "person", 6);
	for (int apart = 0; apart <= 1; apart++) {
		hgfs_consist c;

		/* the whole graph: 2:lop, 1:gone and 2:x are absent */
		hgfs_consist_init(&c, HGFS_CONSIST_BUDGET);
		consist_edges(&c, edges, apart);
		ck_assert_uint_eq(c.dangling, 3);
		ck_assert_uint_eq(c.outside, 0);
		ck_assert_uint_eq(c.unreadable, 0);
		ck_assert(hgfs_consist_endpoints_checked(&c));
		hgfs_consist_free(&c);

		/* person selected: only 1:gone is missing; 2:lop and 2:x are outside */
		hgfs_consist_init(&c, HGFS_CONSIST_BUDGET);
		c.endpoint_wanted = wanted;
		c.endpoint_ctx = &people;
		consist_edges(&c, edges, apart);
		ck_assert_uint_eq(c.dangling, 1);
		ck_assert_uint_eq(c.outside, 2);
		ck_assert_msg(strstr(c.example, "1:gone") != NULL, "%s", c.example);
		ck_assert_uint_eq(c.unreadable, 0);
		ck_assert_uint_eq(c.owners, 2);
		hgfs_consist_free(&c);
	}
	hgfs_names_free(&people);
}
END_TEST

static Suite *select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_person_knows);
	tcase_add_test(tc, test_endpoint_schema_only);
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_parent_sub);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_line_label);
	tcase_add_test(tc, test_consist_selected);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(select_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
