/* Unit tests of backup/olap.c's text handling: which property keys are OLAP
 * keys, a vertex element without its OLAP properties, and the values a
 * restore gathers from a vertex line for its label-less writes. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "olap.h"

/* the target graph's property keys, sorted by name as hg_schema_names_get sorts them */
static hg_label pks[] = {
	{.name = "comm", .id = 3, .olap = true},
	{.name = "name", .id = 1, .olap = false},
	{.name = "rank", .id = 2, .olap = true},
	{.name = "\xc3\xa9", .id = 4, .olap = true}, /* é */
};
static hg_schema_names names = {.v = {pks}, .n = {4}};

static void strip_is(const char *in, const char *want)
{
	hgfs_buf b = {0};

	ck_assert_int_eq(hgfs_buf_adds(&b, in), 0);
	ck_assert_int_eq(hgfs_olap_strip(&names, &b), 0);
	ck_assert_str_eq(b.data, want);
	hgfs_buf_free(&b);
}

START_TEST(test_strip)
{
	strip_is("{\"label\":\"person\",\"properties\":{\"name\":\"marko\",\"rank\":0.25,\"comm\":3}}",
		 "{\"label\":\"person\",\"properties\":{\"name\":\"marko\"}}");
	strip_is("{\"properties\":{\"rank\":1,\"name\":\"x\"},\"label\":\"p\"}",
		 "{\"properties\":{\"name\":\"x\"},\"label\":\"p\"}");
	strip_is("{\"id\":7,\"label\":\"num\",\"properties\":{\"rank\":1.5E300,\"comm\":-1}}",
		 "{\"id\":7,\"label\":\"num\",\"properties\":{}}");
	/* nothing to strip: the bytes stay as they are, white space too */
	strip_is("{ \"label\" : \"p\" , \"properties\" : { \"name\" : \"rank\" } }",
		 "{ \"label\" : \"p\" , \"properties\" : { \"name\" : \"rank\" } }");
	/* white space around: only the properties object is rebuilt */
	strip_is("{ \"label\" : \"p\" , \"properties\" : { \"name\" : \"a\" , \"rank\" : 1 } }",
		 "{ \"label\" : \"p\" , \"properties\" : {\"name\":\"a\"} }");
	/* keys with escapes: decoded to decide, kept as written */
	strip_is("{\"label\":\"p\",\"properties\":{\"n\\u0061me\":\"{\\\"rank\\\":1}\",\"\\u00e9\":[1,2],\"r\\u0061nk\":2}}",
		 "{\"label\":\"p\",\"properties\":{\"n\\u0061me\":\"{\\\"rank\\\":1}\"}}");
	/* a key the target lacks is not OLAP (the check pass reported it already) */
	strip_is("{\"label\":\"p\",\"properties\":{\"nosuch\":1,\"comm\":2}}",
		 "{\"label\":\"p\",\"properties\":{\"nosuch\":1}}");
}
END_TEST

START_TEST(test_strip_not_a_vertex)
{
	hgfs_buf b = {0};

	ck_assert_int_eq(hgfs_buf_adds(&b, "[1,2]"), 0);
	ck_assert_int_eq(hgfs_olap_strip(&names, &b), -EINVAL);
	ck_assert_str_eq(b.data, "[1,2]");
	hgfs_buf_free(&b);
}
END_TEST

static int props_have(const char *props)
{
	rj_member m = {.val = props, .val_len = strlen(props), .type = RJ_OBJECT};

	return hgfs_olap_in_props(&names, &m);
}

START_TEST(test_in_props)
{
	ck_assert_int_eq(props_have("{}"), 0);
	ck_assert_int_eq(props_have("{\"name\":\"rank\"}"), 0);
	ck_assert_int_eq(props_have("{\"name\":\"x\",\"comm\":1}"), 1);
	ck_assert_int_eq(props_have("{\"\\u00e9\":1}"), 1);
	ck_assert(hgfs_olap_is_key(&names, "rank", 4));
	ck_assert(!hgfs_olap_is_key(&names, "name", 4));
	ck_assert(!hgfs_olap_is_key(&names, "ran", 3));
	ck_assert(hgfs_olap_any(&names));
	hg_schema_names none = {.v = {pks + 1}, .n = {1}};
	ck_assert(!hgfs_olap_any(&none));
	ck_assert(!hgfs_olap_any(NULL));
}
END_TEST

START_TEST(test_note_key)
{
	hgfs_olap_export o = {0};
	const char *els[] = {
		"{\"id\":1,\"name\":\"name\",\"data_type\":\"TEXT\",\"write_type\":\"OLTP\"}",
		"{\"id\":2,\"name\":\"rank\",\"data_type\":\"DOUBLE\",\"write_type\":\"OLAP_COMMON\"}",
		"{\"id\":3,\"name\":\"old\",\"data_type\":\"TEXT\"}",
		"{\"id\":4,\"name\":\"c\\u00e9\",\"write_type\":\"OLAP_RANGE\"}",
		"{\"id\":5,\"name\":\"s\",\"write_type\":\"OLAP_SECONDARY\"}",
	};

	for (size_t i = 0; i < sizeof(els) / sizeof(els[0]); i++)
		hgfs_olap_note_key(&o, els[i], strlen(els[i]));
	ck_assert_uint_eq(o.n, 3);
	ck_assert_str_eq(o.keys[0], "rank");
	ck_assert_str_eq(o.keys[1], "c\xc3\xa9");
	ck_assert_str_eq(o.keys[2], "s");
	hgfs_olap_export_reset(&o);
	ck_assert_uint_eq(o.n, 0);
	ck_assert_ptr_null(o.keys);
}
END_TEST

/* the vertex labels of the target, one per id strategy */
static hg_label vl_pk = {.name = "person", .id = 9, .strategy = HG_IDS_PRIMARY_KEY};
static hg_label vl_num = {.name = "num", .id = 2, .strategy = HG_IDS_CUSTOMIZE_NUMBER};
static hg_label vl_uuid = {.name = "uu", .id = 3, .strategy = HG_IDS_CUSTOMIZE_UUID};

static int gather(hgfs_olap_plan *p, hgfs_olap_vals **v, const char *line, const hg_label *l, char *why)
{
	hgfs_vertex_rec r;
	size_t col;
	char err[256];

	ck_assert_int_eq(hgfs_vertex_parse(line, strlen(line), &r, &col, err, sizeof(err)), 0);
	return hgfs_olap_gather(p, v, &r, l, why, 256);
}

/* the elements gathered for OLAP key k, as one batch */
static void list_is(const hgfs_olap_vals *v, size_t k, const char *want)
{
	const hgfs_olap_list *l = &v->list[k];
	hgfs_buf b = {0};

	for (size_t i = 0; i < l->n; i++) {
		ck_assert_int_eq(hgfs_buf_addc(&b, i ? ',' : '['), 0);
		ck_assert_int_eq(hgfs_buf_add(&b, l->body.data + l->start[i], l->len[i]), 0);
	}
	ck_assert_int_eq(hgfs_buf_addc(&b, ']'), 0);
	ck_assert_str_eq(b.data, want);
	ck_assert_int_eq(memcmp(l->body.data, want, l->body.len), 0); /* the body is the batch but its ']' */
	hgfs_buf_free(&b);
}

START_TEST(test_gather)
{
	hgfs_olap_plan p;
	hgfs_olap_vals *v = NULL;
	char why[256];
	size_t bytes = 0;

	ck_assert_int_eq(hgfs_olap_plan_init(&p, &names), 0);
	/* the OLAP keys in the schema's order (sorted by name) */
	ck_assert_uint_eq(p.n, 3);
	ck_assert_str_eq(p.key[0]->name, "comm");
	ck_assert_str_eq(p.key[1]->name, "rank");
	ck_assert_str_eq(p.key[2]->name, "\xc3\xa9");

	/* no OLAP value: nothing allocated */
	ck_assert_int_eq(gather(&p, &v, "{\"id\":5,\"label\":\"num\",\"properties\":{\"name\":\"rank\"}}", &vl_num,
				why), 0);
	ck_assert_ptr_null(v);
	/* a numeric id as it is; the key and value bytes as the line has them */
	ck_assert_int_eq(gather(&p, &v, "{\"id\":9007199254740993,\"label\":\"num\",\"properties\":"
				"{\"name\":\"x\",\"rank\":1.50E2,\"\\u00e9\":[1, 2]}}", &vl_num, why), 0);
	ck_assert_ptr_nonnull(v);
	/* a PRIMARY_KEY id gets the target's label id; a key given twice (once
	 * escaped) gives its first value */
	ck_assert_int_eq(gather(&p, &v, "{\"id\":\"1:ma\\\"rko\",\"label\":\"person\",\"properties\":"
				"{\"comm\":3,\"name\":\"m\",\"r\\u0061nk\":0.25,\"rank\":7}}", &vl_pk, why), 0);
	list_is(v, 0, "[{\"id\":\"9:ma\\\"rko\",\"properties\":{\"comm\":3}}]");
	list_is(v, 1, "[{\"id\":9007199254740993,\"properties\":{\"rank\":1.50E2}},"
		      "{\"id\":\"9:ma\\\"rko\",\"properties\":{\"r\\u0061nk\":0.25}}]");
	list_is(v, 2, "[{\"id\":9007199254740993,\"properties\":{\"\\u00e9\":[1, 2]}}]");
	for (size_t k = 0; k < p.n; k++)
		bytes += v->list[k].body.len;
	ck_assert_uint_eq(v->bytes, bytes);
	ck_assert_int_eq(hgfs_olap_unwritable(&p, why, sizeof(why)), 0);

	/* values that cannot be written are counted, not gathered: no id ... */
	ck_assert_int_eq(gather(&p, &v, "{\"label\":\"person\",\"properties\":{\"name\":\"a\",\"rank\":1,\"comm\":2}}",
				&vl_pk, why), 0);
	ck_assert_uint_eq(p.no_id, 2);
	ck_assert_int_eq(hgfs_olap_unwritable(&p, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "2 OLAP values belong to vertices without an id: they cannot be written back (the "
			      "vertices themselves were imported)");
	/* ... and CUSTOMIZE_UUID ids, which the message names: the first vertex of the first key */
	ck_assert_int_eq(gather(&p, &v, "{\"id\":\"u-1\",\"label\":\"uu\",\"properties\":{\"rank\":1}}", &vl_uuid,
				why), 0);
	ck_assert_int_eq(gather(&p, &v, "{\"id\":\"u-2\",\"label\":\"uu\",\"properties\":{\"rank\":1,\"comm\":1}}",
				&vl_uuid, why), 0);
	ck_assert_int_eq(hgfs_olap_unwritable(&p, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "3 OLAP values of CUSTOMIZE_UUID vertices (e.g. id \"u-2\") cannot be written back: "
			      "HugeGraph's REST API reads the id of an OLAP write as a string, not as a UUID (the "
			      "vertices themselves were imported)");
	ck_assert_uint_eq(v->list[0].n, 1);
	ck_assert_uint_eq(v->list[1].n, 2);

	/* a PRIMARY_KEY id without its label id */
	ck_assert_int_eq(gather(&p, &v, "{\"id\":\"marko\",\"label\":\"person\",\"properties\":{\"rank\":1}}", &vl_pk,
				why), -EINVAL);
	ck_assert(why[0] != '\0');
	hgfs_olap_vals_free(v, &p);
	hgfs_olap_plan_free(&p);

	/* a graph without OLAP keys gathers nothing */
	hg_schema_names none = {.v = {pks + 1}, .n = {1}};
	v = NULL;
	ck_assert_int_eq(hgfs_olap_plan_init(&p, &none), 0);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_int_eq(gather(&p, &v, "{\"id\":5,\"label\":\"num\",\"properties\":{\"rank\":1}}", &vl_num, why), 0);
	ck_assert_ptr_null(v);
	hgfs_olap_plan_free(&p);
}
END_TEST

static Suite *olap_suite(void)
{
	Suite *s = suite_create("olap");
	TCase *tc = tcase_create("olap");

	tcase_add_test(tc, test_strip);
	tcase_add_test(tc, test_strip_not_a_vertex);
	tcase_add_test(tc, test_in_props);
	tcase_add_test(tc, test_note_key);
	tcase_add_test(tc, test_gather);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(olap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
