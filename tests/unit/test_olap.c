/* Unit tests of fs/olap.c's text handling: which property keys are OLAP
 * keys, and a vertex element without its OLAP properties. */
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

static Suite *olap_suite(void)
{
	Suite *s = suite_create("olap");
	TCase *tc = tcase_create("olap");

	tcase_add_test(tc, test_strip);
	tcase_add_test(tc, test_strip_not_a_vertex);
	tcase_add_test(tc, test_in_props);
	tcase_add_test(tc, test_note_key);
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
