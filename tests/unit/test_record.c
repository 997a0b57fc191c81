/* test_record.c - unit tests of the backup record module: strict JSON,
 * member iteration, vertex/edge records and their emitted form, PK id
 * rewriting, schema.json, manifest.json, file kinds and the line reader. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

#ifndef EXAMPLES_DIR
#error "EXAMPLES_DIR must name examples/modern"
#endif

/* The whole file EXAMPLES_DIR/name, NUL-terminated; *len its size. */
static char *read_example(const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *data;
	long n;

	snprintf(path, sizeof(path), "%s/%s", EXAMPLES_DIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(data);
	ck_assert_int_eq(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return data;
}

/* ---- hgfs_buf ------------------------------------------------------------- */

START_TEST(test_buf)
{
	hgfs_buf b = {0};

	ck_assert_int_eq(hgfs_buf_adds(&b, "ab"), 0);
	ck_assert_int_eq(hgfs_buf_addc(&b, 'c'), 0);
	ck_assert_int_eq(hgfs_buf_add(&b, "d\0e", 3), 0);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_mem_eq(b.data, "abcd\0e", 7); /* NUL-terminated */
	for (int i = 0; i < 10000; i++)
		ck_assert_int_eq(hgfs_buf_addc(&b, (char)('0' + i % 10)), 0);
	ck_assert_uint_eq(b.len, 10006);
	ck_assert_int_eq(b.data[10005], '9');
	ck_assert_int_eq(b.data[10006], '\0');
	hgfs_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	hgfs_buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

/* ---- strict JSON ----------------------------------------------------------- */

static const struct {
	const char *text;
	size_t len; /* 0: strlen */
} json_good[] = {
	{"{}", 0},
	{"[]", 0},
	{" \t\r\n{\"a\":1} \n", 0},
	{"\"x\"", 0},
	{"0", 0},
	{"-0", 0},
	{"1.5e10", 0},
	{"-1E-5", 0},
	{"1e+5", 0},
	{"0.0001", 0},
	{"true", 0},
	{"false", 0},
	{"null", 0},
	{"123456789012345678901234567890123456789012345678901234567890", 0},
	{"-9223372036854775809", 0},
	{"[9007199254740993,-9223372036854775808,18446744073709551616]", 0},
	{"1.000000000000000000000000000000000001e-400", 0},
	{"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\"", 0},
	{"\"\\ud83d\\ude00\"", 0},
	{"\"\\uD83D\\uDE00\\uDBFF\\uDFFF\"", 0},
	{"\"\\u0000 and \\u001f\"", 0},
	{"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", 0},
	{"\"\xf4\x8f\xbf\xbf\"", 0}, /* U+10FFFF */
	{"\"\xef\xbf\xbf\"", 0},     /* U+FFFF */
	{"\"\xee\x80\x80\"", 0},     /* U+E000, just past the surrogates */
	{"\"\xed\x9f\xbf\"", 0},     /* U+D7FF, just before them */
	{"\"\xc2\x80\"", 0},         /* the smallest 2-byte form */
	{"\"\xe0\xa0\x80\"", 0},     /* the smallest 3-byte form */
	{"\"\xf0\x90\x80\x80\"", 0}, /* the smallest 4-byte form */
	{"\"\x7f\"", 0},             /* DEL needs no escape */
	{"\"abcdefghijklmnopqrstuvwxyz0123456789 long enough for eight at a time\"", 0},
	{"\"abcdefg\\\"hijklmnop\\\\qrstuvw\\u0022xyz\"", 0},
	{"\"0123456\xc3\xa9"
	 "89abcdef\xf0\x9f\x98\x80xyz\"",
	 0},
	{"[[[]]]", 0},
	{"{\"a\":[1,{\"b\":null}],\"c\":\"d\",\"\":{}}", 0},
	{"[ 1 , 2 ,\t3\n]", 0},
	{"{ \"a\" : { \"b\" : [ true , false , null ] } }", 0},
	{"{\"id\":\"1:marko\",\"label\":\"person\",\"type\":\"vertex\",\"properties\":{\"name\":\"marko\",\"age\":29}}",
	 0},
};

START_TEST(test_json_good)
{
	const char *s = json_good[_i].text;
	size_t len = json_good[_i].len ? json_good[_i].len : strlen(s), col = 99;
	char err[128] = "";

	ck_assert_msg(rj_validate(s, len, &col, err, sizeof(err)) == 0, "%s: column %zu: %s", s, col, err);
}
END_TEST

static const struct {
	const char *text;
	size_t len; /* 0: strlen */
	size_t col;
	const char *msg; /* a part of the message */
} json_bad[] = {
	{"", 0, 1, "end of input"},
	{"   ", 0, 4, "end of input"},
	{"{", 0, 2, "end of input"},
	{"[1,", 0, 4, "end of input"},
	{"{\"a\"}", 0, 5, "expected ':'"},
	{"{\"a\":}", 0, 6, "expected a value"},
	{"{\"a\":1,}", 0, 7, "trailing comma"},
	{"[1,]", 0, 3, "trailing comma"},
	{"[1 2]", 0, 4, "expected ',' or ']'"},
	{"{\"a\":1 \"b\":2}", 0, 8, "expected ',' or '}'"},
	{"{\"a\":1]", 0, 7, "expected ',' or '}'"},
	{"[1}", 0, 3, "expected ',' or ']'"},
	{"{a:1}", 0, 2, "member name"},
	{"{1:1}", 0, 2, "member name"},
	{"01", 0, 1, "leading zero"},
	{"[-01]", 0, 3, "leading zero"},
	{"-", 0, 2, "digit"},
	{"-a", 0, 2, "digit"},
	{"1.", 0, 3, "after '.'"},
	{"1.e5", 0, 3, "after '.'"},
	{"1e", 0, 3, "exponent"},
	{"1e+", 0, 4, "exponent"},
	{".5", 0, 1, "expected a value"},
	{"+1", 0, 1, "expected a value"},
	{"NaN", 0, 1, "expected a value"},
	{"Infinity", 0, 1, "expected a value"},
	{"-Infinity", 0, 2, "digit"},
	{"0x10", 0, 2, "after the value"},
	{"tru", 0, 1, "expected a value"},
	{"nul", 0, 1, "expected a value"},
	{"True", 0, 1, "expected a value"},
	{"truex", 0, 5, "after the value"},
	{"{} {}", 0, 4, "after the value"},
	{"1 2", 0, 3, "after the value"},
	{"\"abc", 0, 1, "unterminated"},
	{"[\"abc\\\"]", 0, 2, "unterminated"},
	{"\"a\\x\"", 0, 3, "invalid escape"},
	{"\"a\\'\"", 0, 3, "invalid escape"},
	{"\"\\u12\"", 0, 2, "\\u"},
	{"\"\\u12G4\"", 0, 2, "\\u"},
	{"\"\\U0041\"", 0, 2, "invalid escape"},
	{"\"\\ud800\"", 0, 2, "surrogate"},
	{"\"\\udc00\"", 0, 2, "surrogate"},
	{"\"ab\\ud800\\u0041\"", 0, 4, "surrogate"},
	{"\"\\ud800x\"", 0, 2, "surrogate"},
	{"\"\\udbff\\ud800\"", 0, 2, "surrogate"},
	{"\"tab\there\"", 0, 5, "control character"},
	{"\"a\nb\"", 0, 3, "control character"},
	{"\"a\0b\"", 5, 3, "control character"},
	{"\"abcdefghijk\x01lmnopq\"", 0, 13, "control character"},
	{"\"abcdefghijklmnopqrstuvw\x1fxyz\"", 0, 25, "control character"},
	{"\"\xc0\xaf\"", 0, 2, "UTF-8"},         /* overlong '/' */
	{"\"\xc1\xbf\"", 0, 2, "UTF-8"},         /* overlong */
	{"\"\xe0\x80\xaf\"", 0, 2, "UTF-8"},     /* overlong 3-byte */
	{"\"\xf0\x80\x80\xaf\"", 0, 2, "UTF-8"}, /* overlong 4-byte */
	{"\"\xed\xa0\x80\"", 0, 2, "UTF-8"},     /* U+D800 in UTF-8 */
	{"\"\xed\xbf\xbf\"", 0, 2, "UTF-8"},     /* U+DFFF in UTF-8 */
	{"\"\xf4\x90\x80\x80\"", 0, 2, "UTF-8"}, /* U+110000 */
	{"\"\xf5\x80\x80\x80\"", 0, 2, "UTF-8"},
	{"\"\xff\"", 0, 2, "UTF-8"},
	{"\"\x80\"", 0, 2, "UTF-8"}, /* a lone continuation byte */
	{"\"\xc3\"", 0, 2, "UTF-8"}, /* cut before the quote */
	{"\"\xe2\x82\"", 0, 2, "UTF-8"},
	{"\"\xc3\xa9\xc3\"", 0, 4, "UTF-8"},
	{"\"\xc3", 0, 2, "UTF-8"}, /* cut at the end of input */
	{"\"abcdefghijklmnop\xe2\x28\xa1xyz\"", 0, 18, "UTF-8"},
	{"\xc3\xa9", 0, 1, "unexpected character"},
	{"[1,\x01]", 0, 4, "unexpected character"},
	{"{\"a\":1,\"b\"", 0, 11, "expected ':'"},
};

START_TEST(test_json_bad)
{
	const char *s = json_bad[_i].text;
	size_t len = json_bad[_i].len ? json_bad[_i].len : strlen(s), col = 0;
	char err[128] = "";

	ck_assert_msg(rj_validate(s, len, &col, err, sizeof(err)) == -1, "case %d accepted", _i);
	ck_assert_msg(col == json_bad[_i].col, "case %d: column %zu, want %zu (%s)", _i, col, json_bad[_i].col, err);
	ck_assert_msg(strstr(err, json_bad[_i].msg) != NULL, "case %d: '%s' does not say '%s'", _i, err,
		      json_bad[_i].msg);
}
END_TEST

/* n arrays deep, optionally with an object at the bottom */
static char *nested(size_t n)
{
	char *s = malloc(2 * n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	return s;
}

START_TEST(test_json_depth)
{
	char *ok = nested(RJ_MAX_DEPTH), *deep = nested(RJ_MAX_DEPTH + 1), *open = nested(100000), err[128];
	size_t col = 0;

	ck_assert_int_eq(rj_validate(ok, strlen(ok), &col, err, sizeof(err)), 0);
	ck_assert_int_eq(rj_validate(deep, strlen(deep), &col, err, sizeof(err)), -1);
	ck_assert_uint_eq(col, RJ_MAX_DEPTH + 1);
	ck_assert_ptr_nonnull(strstr(err, "nesting"));
	open[100000] = '\0'; /* only the opening half: no stack overflow either */
	ck_assert_int_eq(rj_validate(open, 100000, &col, err, sizeof(err)), -1);
	ck_assert_uint_eq(col, RJ_MAX_DEPTH + 1);
	free(ok);
	free(deep);
	free(open);
}
END_TEST

START_TEST(test_json_error_truncated)
{
	char err[4] = "xxx";
	size_t col = 0;

	/* a small err buffer is filled, NUL-terminated */
	ck_assert_int_eq(rj_validate("[1,]", 4, &col, err, sizeof(err)), -1);
	ck_assert_uint_eq(strlen(err), 3);
	ck_assert_uint_eq(col, 3);
}
END_TEST

START_TEST(test_json_types)
{
	ck_assert_int_eq(rj_type_of("  {}", 4), RJ_OBJECT);
	ck_assert_int_eq(rj_type_of("[1]", 3), RJ_ARRAY);
	ck_assert_int_eq(rj_type_of("\"s\"", 3), RJ_STRING);
	ck_assert_int_eq(rj_type_of("-1", 2), RJ_NUMBER);
	ck_assert_int_eq(rj_type_of("7", 1), RJ_NUMBER);
	ck_assert_int_eq(rj_type_of("true", 4), RJ_BOOL);
	ck_assert_int_eq(rj_type_of("false", 5), RJ_BOOL);
	ck_assert_int_eq(rj_type_of("null", 4), RJ_NULL);
	ck_assert_int_eq(rj_type_of("   ", 3), RJ_NONE);
	ck_assert_int_eq(rj_type_of("x", 1), RJ_NONE);
}
END_TEST

/* ---- members ---------------------------------------------------------------- */

typedef struct collect {
	char keys[16][32];
	char vals[16][64];
	rj_type types[16];
	int n;
	int stop_at; /* return 7 at this member, -1 never */
} collect;

static int collect_cb(void *ctx, const rj_member *m)
{
	collect *c = ctx;

	ck_assert_int_lt(c->n, 16);
	if (m->key != NULL)
		snprintf(c->keys[c->n], sizeof(c->keys[0]), "%.*s", (int)m->key_len, m->key);
	else
		strcpy(c->keys[c->n], "(none)");
	snprintf(c->vals[c->n], sizeof(c->vals[0]), "%.*s", (int)m->val_len, m->val);
	c->types[c->n] = m->type;
	return c->n++ == c->stop_at ? 7 : 0;
}

START_TEST(test_object_each)
{
	static const char obj[] = " { \"a\" : 1 , \"b\":\"x\\\"y,}\", \"c\":{\"d\":[1,\"]\"]}, \"e\" :[] ,\"f\":null,"
				  "\"g\":true,\"h\":-1.5e3,\"\":false,\"k\\\"\":\"\" } ";
	static const struct {
		const char *key, *val;
		rj_type type;
	} want[] = {
		{"a", "1", RJ_NUMBER},      {"b", "\"x\\\"y,}\"", RJ_STRING}, {"c", "{\"d\":[1,\"]\"]}", RJ_OBJECT},
		{"e", "[]", RJ_ARRAY},      {"f", "null", RJ_NULL},           {"g", "true", RJ_BOOL},
		{"h", "-1.5e3", RJ_NUMBER}, {"", "false", RJ_BOOL},           {"k\\\"", "\"\"", RJ_STRING},
	};
	collect c = {.stop_at = -1};
	size_t col;
	char err[64];

	ck_assert_int_eq(rj_validate(obj, strlen(obj), &col, err, sizeof(err)), 0);
	ck_assert_int_eq(rj_object_each(obj, strlen(obj), collect_cb, &c), 0);
	ck_assert_int_eq(c.n, 9);
	for (int i = 0; i < 9; i++) {
		ck_assert_str_eq(c.keys[i], want[i].key);
		ck_assert_str_eq(c.vals[i], want[i].val);
		ck_assert_int_eq(c.types[i], want[i].type);
	}
	/* a non-zero return stops and is returned */
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	ck_assert_int_eq(rj_object_each(obj, strlen(obj), collect_cb, &c), 7);
	ck_assert_int_eq(c.n, 3);
	/* empty objects, and things that are not objects */
	memset(&c, 0, sizeof(c));
	c.stop_at = -1;
	ck_assert_int_eq(rj_object_each(" { } ", 5, collect_cb, &c), 0);
	ck_assert_int_eq(c.n, 0);
	ck_assert_int_eq(rj_object_each("[1]", 3, collect_cb, &c), -1);
	ck_assert_int_eq(rj_object_each("\"{}\"", 4, collect_cb, &c), -1);
	ck_assert_int_eq(rj_object_each("", 0, collect_cb, &c), -1);
	ck_assert_int_eq(c.n, 0);
}
END_TEST

START_TEST(test_array_each)
{
	static const char arr[] = "[ 1, \"a]\\\\\" ,{\"x\":[2]} ,[[]],null ]";
	collect c = {.stop_at = -1};

	ck_assert_int_eq(rj_array_each(arr, strlen(arr), collect_cb, &c), 0);
	ck_assert_int_eq(c.n, 5);
	ck_assert_str_eq(c.keys[0], "(none)");
	ck_assert_str_eq(c.vals[0], "1");
	ck_assert_str_eq(c.vals[1], "\"a]\\\\\"");
	ck_assert_str_eq(c.vals[2], "{\"x\":[2]}");
	ck_assert_str_eq(c.vals[3], "[[]]");
	ck_assert_str_eq(c.vals[4], "null");
	ck_assert_int_eq(c.types[2], RJ_OBJECT);
	memset(&c, 0, sizeof(c));
	c.stop_at = -1;
	ck_assert_int_eq(rj_array_each("[]", 2, collect_cb, &c), 0);
	ck_assert_int_eq(c.n, 0);
	ck_assert_int_eq(rj_array_each("{}", 2, collect_cb, &c), -1);
}
END_TEST

START_TEST(test_object_get)
{
	static const char obj[] = "{\"name\":\"x\",\"names\":1,\"nam\":2,\"name\":3}";
	rj_member m;

	ck_assert_int_eq(rj_object_get(obj, strlen(obj), "name", &m), 1);
	ck_assert_uint_eq(m.val_len, 3);
	ck_assert_mem_eq(m.val, "\"x\"", 3); /* the first one */
	ck_assert_int_eq(rj_object_get(obj, strlen(obj), "names", &m), 1);
	ck_assert_mem_eq(m.val, "1", 1);
	ck_assert_int_eq(rj_object_get(obj, strlen(obj), "na", &m), 0);
	ck_assert_int_eq(rj_object_get("[]", 2, "name", &m), -1);
	ck_assert(rj_key_is(&m, "names"));
	ck_assert(!rj_key_is(&m, "name"));
	ck_assert(!rj_key_is(&m, "namesx"));
}
END_TEST

static const struct {
	const char *json, *text;
	size_t text_len; /* 0: strlen */
} string_cases[] = {
	{"\"\"", "", 0},
	{"\"plain\"", "plain", 0},
	{"\"a\\u00e9\\n\"", "a\xc3\xa9\n", 0},
	{"\"\\\"\\\\\\/\\b\\f\\r\\t\"", "\"\\/\b\f\r\t", 0},
	{"\"\\ud83d\\ude00!\"", "\xf0\x9f\x98\x80!", 0},
	{"\"\\u20ac\\u0041\\u07FF\"",
	 "\xe2\x82\xac"
	 "A\xdf\xbf",
	 0},
	{"\"nul\\u0000byte\"", "nul\0byte", 8},
	{"\"caf\xc3\xa9\"", "caf\xc3\xa9", 0},
};

START_TEST(test_string)
{
	hgfs_buf b = {0};
	const char *j = string_cases[_i].json;
	size_t n = string_cases[_i].text_len ? string_cases[_i].text_len : strlen(string_cases[_i].text);

	hgfs_buf_adds(&b, "old content");
	ck_assert_int_eq(rj_string(j, strlen(j), &b), 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_uint_eq(b.len, n);
	ck_assert_mem_eq(b.data, string_cases[_i].text, n);
	ck_assert_int_eq(b.data[n], '\0');
	hgfs_buf_free(&b);
}
END_TEST

START_TEST(test_string_bad)
{
	hgfs_buf b = {0};

	ck_assert_int_eq(rj_string("12", 2, &b), -1);
	ck_assert_int_eq(rj_string("\"", 1, &b), -1);
	ck_assert_int_eq(rj_string("\"abc", 4, &b), -1);
	ck_assert_int_eq(rj_string("\"\\ud800\"", 8, &b), -1);
	ck_assert_int_eq(rj_string("\"\\q\"", 4, &b), -1);
	hgfs_buf_free(&b);
}
END_TEST

/* ---- vertex and edge records ---------------------------------------------- */

static const struct {
	bool edge;
	const char *line;
} record_good[] = {
	{false,
	 "{\"id\":\"1:josh\",\"label\":\"person\",\"type\":\"vertex\",\"properties\":{\"name\":\"josh\",\"age\":32}}"},
	{false, "{\"id\":435226329513631744,\"label\":\"v_auto\",\"type\":\"vertex\",\"properties\":{}}"},
	{false, "{\"id\":-9223372036854775808,\"label\":\"v_num\",\"properties\":{\"p\":[null,1]}}"},
	{false, "{\"id\":123456789012345678901234567890,\"label\":\"x\",\"properties\":{}}"},
	{false, "{\"label\":\"person\",\"properties\":{\"name\":\"a\"}}"},
	{false, " {\t\"properties\" : { } , \"label\" : \"l\" }\r"},
	{false, "{\"id\":\"U:\\u00e9\",\"label\":\"p\",\"properties\":{\"m\":{\"n\":null}}}"},
	{true,
	 "{\"id\":\"S1:josh>2>2>>S2:lop\",\"label\":\"created\",\"type\":\"edge\",\"outV\":\"1:josh\",\"outVLabel\":"
	 "\"person\",\"inV\":\"2:lop\",\"inVLabel\":\"software\",\"properties\":{\"date\":\"20091111\",\"weight\":0.4}"
	 "}"},
	{true, "{\"label\":\"e\",\"outV\":-102,\"outVLabel\":\"v_num\",\"inV\":9223372036854775807,\"inVLabel\":\"a\","
	       "\"properties\":{}}"},
	{true,
	 "{\"properties\":{},\"inVLabel\":\"a\",\"inV\":\"x\",\"outVLabel\":\"b\",\"outV\":\"y\",\"label\":\"e\"}"},
};

START_TEST(test_record_good)
{
	const char *s = record_good[_i].line;
	size_t col = 99;
	char err[128] = "";

	if (record_good[_i].edge) {
		hgfs_edge_rec r;
		ck_assert_msg(hgfs_edge_parse(s, strlen(s), &r, &col, err, sizeof(err)) == 0, "%s: %s", s, err);
		ck_assert_int_eq(r.out_label.type, RJ_STRING);
		ck_assert_int_eq(r.in_label.type, RJ_STRING);
		ck_assert(r.out_v.type == RJ_STRING || r.out_v.type == RJ_NUMBER);
		ck_assert(r.in_v.type == RJ_STRING || r.in_v.type == RJ_NUMBER);
		ck_assert_int_eq(r.properties.type, RJ_OBJECT);
	} else {
		hgfs_vertex_rec r;
		ck_assert_msg(hgfs_vertex_parse(s, strlen(s), &r, &col, err, sizeof(err)) == 0, "%s: %s", s, err);
		ck_assert_int_eq(r.label.type, RJ_STRING);
		ck_assert_int_eq(r.properties.type, RJ_OBJECT);
		ck_assert_int_eq(r.label.val[0], '"');
	}
	ck_assert_uint_eq(col, 0);
}
END_TEST

START_TEST(test_vertex_fields)
{
	static const char s[] = "{\"id\":42,\"label\":\"person\",\"type\":\"vertex\",\"properties\":{\"a\":1}}";
	hgfs_vertex_rec r;
	size_t col;
	char err[128];

	ck_assert_int_eq(hgfs_vertex_parse(s, strlen(s), &r, &col, err, sizeof(err)), 0);
	ck_assert_int_eq(r.id.type, RJ_NUMBER);
	ck_assert_ptr_eq(r.id.val, s + 6);
	ck_assert_uint_eq(r.id.val_len, 2);
	ck_assert_ptr_eq(r.label.val, s + 17);
	ck_assert_uint_eq(r.label.val_len, 8);
	ck_assert_uint_eq(r.properties.val_len, 7);
	ck_assert_int_eq(hgfs_vertex_parse("{\"label\":\"p\",\"properties\":{}}", 29, &r, &col, err, sizeof(err)), 0);
	ck_assert_int_eq(r.id.type, RJ_NONE);
}
END_TEST

START_TEST(test_vertex_many_properties)
{
	hgfs_buf b = {0};
	hgfs_vertex_rec r;
	size_t col;
	char err[128], key[32];

	hgfs_buf_adds(&b, "{\"label\":\"p\",\"properties\":{");
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof(key), "%s\"k%d\":%d", i ? "," : "", i, i);
		hgfs_buf_adds(&b, key);
	}
	hgfs_buf_adds(&b, "}}");
	ck_assert_int_eq(hgfs_vertex_parse(b.data, b.len, &r, &col, err, sizeof(err)), 0);
	b.len -= 2;
	hgfs_buf_adds(&b, ",\"k3\":1}}");
	ck_assert_int_eq(hgfs_vertex_parse(b.data, b.len, &r, &col, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "property 'k3' appears twice");
	b.len -= 9;
	hgfs_buf_adds(&b, ",\"k39\":1}}");
	ck_assert_int_eq(hgfs_vertex_parse(b.data, b.len, &r, &col, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "property 'k39' appears twice");
	hgfs_buf_free(&b);
}
END_TEST

#define EDGE_TAIL "\"outVLabel\":\"a\",\"inV\":\"2:b\",\"inVLabel\":\"b\",\"properties\":{}}"

static const struct {
	bool edge;
	const char *line;
	size_t col;
	const char *msg; /* the whole message; "" for a control case that passes */
} record_bad[] = {
	{false, "{\"id\":1,\"properties\":{}}", 0, "member 'label' is missing"},
	{false, "{\"id\":1,\"label\":\"p\"}", 0, "member 'properties' is missing"},
	{false, "{\"label\":\"p\",\"properties\":{\"name\":\"x\",\"age\":null}}", 45, "property 'age' is null"},
	{false, "{\"label\":\"p\",\"properties\":{\"a\":1,\"b\":2,\"a\":3}}", 40, "property 'a' appears twice"},
	{false, "{\"id\":1,\"id\":2,\"label\":\"p\",\"properties\":{}}", 9, "member 'id' appears twice"},
	{false, "{\"label\":\"p\",\"properties\":{},\"foo\":1}", 30, "unknown member 'foo'"},
	{false, "{\"label\":\"p\",\"properties\":{},\"outV\":1}", 30, "unknown member 'outV'"},
	{false, "{\"id\":1.5,\"label\":\"p\",\"properties\":{}}", 7, "member 'id' must be a string or an integer"},
	{false, "{\"id\":1e3,\"label\":\"p\",\"properties\":{}}", 7, "member 'id' must be a string or an integer"},
	{false, "{\"id\":true,\"label\":\"p\",\"properties\":{}}", 7, "member 'id' must be a string or an integer"},
	{false, "{\"id\":null,\"label\":\"p\",\"properties\":{}}", 7, "member 'id' must be a string or an integer"},
	{false, "{\"id\":[1],\"label\":\"p\",\"properties\":{}}", 7, "member 'id' must be a string or an integer"},
	{false, "{\"id\":\"\",\"label\":\"p\",\"properties\":{}}", 7, "member 'id' must not be empty"},
	{false, "{\"label\":1,\"properties\":{}}", 10, "member 'label' must be a string"},
	{false, "{\"label\":\"\",\"properties\":{}}", 10, "member 'label' must not be empty"},
	{false, "{\"label\":\"p\",\"type\":\"edge\",\"properties\":{}}", 21, "member 'type' must be \"vertex\""},
	{false, "{\"label\":\"p\",\"type\":null,\"properties\":{}}", 21, "member 'type' must be \"vertex\""},
	{false, "{\"label\":\"p\",\"properties\":[]}", 27, "member 'properties' must be an object"},
	{false, "{\"label\":\"p\",\"properties\":null}", 27, "member 'properties' must be an object"},
	{false, "[{\"label\":\"p\",\"properties\":{}}]", 1, "a vertex must be a JSON object"},
	{false, "  \"x\"", 3, "a vertex must be a JSON object"},
	{false, "{\"label\":\"p\",\"properties\":{}", 29, "unexpected end of input"},
	{false, "{\"label\":\"p\",\"properties\":{\"a\":01}}", 32, "invalid number (leading zero)"},
	{false, "", 1, "unexpected end of input"},
	{true, "{\"label\":\"e\",\"outV\":\"1:a\",\"inV\":\"2:b\",\"inVLabel\":\"b\",\"properties\":{}}", 0,
	 "member 'outVLabel' is missing"},
	{true, "{\"label\":\"e\",\"outVLabel\":\"a\",\"inV\":\"2:b\",\"inVLabel\":\"b\",\"properties\":{}}", 0,
	 "member 'outV' is missing"},
	{true, "{\"label\":\"e\",\"outV\":\"1:a\"," EDGE_TAIL, 0, ""},
	{true, "{\"label\":\"e\",\"outV\":true," EDGE_TAIL, 21, "member 'outV' must be a string or an integer"},
	{true, "{\"label\":\"e\",\"outV\":1.0," EDGE_TAIL, 21, "member 'outV' must be a string or an integer"},
	{true, "{\"id\":5,\"label\":\"e\",\"outV\":1," EDGE_TAIL, 7, "member 'id' must be a string"},
	{true, "{\"label\":\"e\",\"type\":\"vertex\",\"outV\":1," EDGE_TAIL, 21, "member 'type' must be \"edge\""},
	{true, "{\"label\":\"e\",\"direction\":\"OUT\",\"outV\":1," EDGE_TAIL, 14, "unknown member 'direction'"},
	{true, "{\"label\":\"e\",\"outV\":1,\"outVLabel\":\"\",\"inV\":1,\"inVLabel\":\"b\",\"properties\":{}}", 35,
	 "member 'outVLabel' must not be empty"},
	{true,
	 "{\"label\":\"e\",\"outV\":1,\"outVLabel\":\"a\",\"inV\":1,\"inVLabel\":\"b\",\"properties\":{\"w\":null}}",
	 80, "property 'w' is null"},
	{true, "{\"label\":\"e\",\"outV\":1,\"outV\":1," EDGE_TAIL, 23, "member 'outV' appears twice"},
	/* which problem is reported when there are several: syntax first, then the record's members in text
	 * order, then missing members, then the fields' values in field order (properties last) */
	{false, "{\"label\":\"p\",\"properties\":{\"a\":null},\"foo\":1}", 38, "unknown member 'foo'"},
	{false, "{\"label\":\"p\",\"properties\":{\"a\":null},\"foo\":}", 44, "expected a value"},
	{false, "{\"label\":\"\",\"properties\":{\"a\":null}}", 10, "member 'label' must not be empty"},
	{false, "{\"properties\":{\"a\":null}}", 0, "member 'label' is missing"},
	{false, "{\"properties\":{\"a\":1,\"a\":2},\"label\":\"p\",\"label\":\"q\"}", 41, "member 'label' appears twice"},
	{false, "{\"properties\":{\"a\":1,\"a\":2},\"label\":\"p\"}", 22, "property 'a' appears twice"},
	{false, "{\"properties\":{\"a\":null,\"a\":2},\"label\":\"p\"}", 20, "property 'a' is null"},
	{false, "{\"label\":\"p\",\"properties\":{\"o\":{\"x\":null}}}", 0, ""},
	{true, "{\"properties\":{\"w\":null},\"label\":\"e\",\"outV\":true," EDGE_TAIL, 93,
	 "member 'properties' appears twice"},
};

START_TEST(test_record_bad)
{
	const char *s = record_bad[_i].line;
	hgfs_vertex_rec v;
	hgfs_edge_rec e;
	size_t col = 99;
	char err[128] = "";
	int rc = record_bad[_i].edge ? hgfs_edge_parse(s, strlen(s), &e, &col, err, sizeof(err))
				     : hgfs_vertex_parse(s, strlen(s), &v, &col, err, sizeof(err));

	if (record_bad[_i].msg[0] == '\0') {
		ck_assert_msg(rc == 0, "%s: %s", s, err);
		return;
	}
	ck_assert_msg(rc == -1, "%s accepted", s);
	ck_assert_str_eq(err, record_bad[_i].msg);
	ck_assert_msg(col == record_bad[_i].col, "%s: column %zu, want %zu", s, col, record_bad[_i].col);
}
END_TEST

/* ---- one pass: the validator reports members -------------------------------------- */

typedef struct walk_log {
	char text[512];
	int stop_at; /* stop (return 7) at this report, 1-based; 0 never */
	int n;
} walk_log;

static int walk_cb(void *ctx, int depth, const rj_member *parent, const rj_member *m)
{
	walk_log *w = ctx;
	size_t used = strlen(w->text);

	snprintf(w->text + used, sizeof(w->text) - used, "%s%d:%.*s<%.*s>=%.*s/%c", used ? " " : "", depth,
		 parent ? (int)parent->key_len : 0, parent ? parent->key : "", (int)m->key_len, m->key,
		 (int)m->val_len, m->val, "-0bnsoa"[m->type]);
	return ++w->n == w->stop_at ? 7 : 0;
}

START_TEST(test_validate_walk)
{
	static const char s[] = " {\"a\":1, \"b\" : {\"c\":[1,{\"d\":2}],\"e\":\"x\",\"z\":{}},\"f\":[{\"g\":1}]} ";
	walk_log w = {"", 0, 0};
	size_t col = 0;
	char err[64];

	ck_assert_int_eq(rj_validate_walk(s, strlen(s), 2, walk_cb, &w, &col, err, sizeof(err)), 0);
	ck_assert_str_eq(w.text, "1:<a>=1/n 2:b<c>=[1,{\"d\":2}]/a 2:b<e>=\"x\"/s 2:b<z>={}/o "
				 "1:<b>={\"c\":[1,{\"d\":2}],\"e\":\"x\",\"z\":{}}/o 1:<f>=[{\"g\":1}]/a");
	/* depth 1 only; a stop is returned once the text has been checked to its end */
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(rj_validate_walk(s, strlen(s), 1, walk_cb, &w, &col, err, sizeof(err)), 0);
	ck_assert_str_eq(w.text, "1:<a>=1/n 1:<b>={\"c\":[1,{\"d\":2}],\"e\":\"x\",\"z\":{}}/o 1:<f>=[{\"g\":1}]/a");
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	ck_assert_int_eq(rj_validate_walk(s, strlen(s), 2, walk_cb, &w, &col, err, sizeof(err)), 7);
	ck_assert_int_eq(w.n, 2);
	/* a syntax error after a stop wins */
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	ck_assert_int_eq(rj_validate_walk("{\"a\":1,\"b\":}", 13, 2, walk_cb, &w, &col, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "expected a value");
	ck_assert_uint_eq(col, 12);
	/* no object: nothing reported; no callback: plain validation */
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(rj_validate_walk("[{\"a\":1}]", 9, 2, walk_cb, &w, &col, err, sizeof(err)), 0);
	ck_assert_int_eq(w.n, 1); /* {"a":1} is at depth 2 inside an array: its member is reported at depth 2 */
	ck_assert_int_eq(rj_validate_walk("{\"a\":1}", 7, 2, NULL, NULL, &col, err, sizeof(err)), 0);
}
END_TEST

static int prop_cb(void *ctx, const rj_member *m)
{
	walk_log *w = ctx;
	size_t used = strlen(w->text);

	snprintf(w->text + used, sizeof(w->text) - used, "%s%.*s=%.*s", used ? " " : "", (int)m->key_len, m->key,
		 (int)m->val_len, m->val);
	return ++w->n == w->stop_at ? -ENOMEM : 0;
}

START_TEST(test_record_check_props)
{
	static const char v[] =
		"{\"id\":1,\"label\":\"p\",\"properties\":{\"a\":1,\"o\":{\"x\":2},\"l\":[\"0x\"]}}";
	static const char e[] = "{\"label\":\"e\",\"outV\":1,\"outVLabel\":\"a\",\"inV\":2,\"inVLabel\":\"b\","
				"\"properties\":{\"w\":0.5}}";
	walk_log w = {"", 0, 0};
	hgfs_vertex_rec vr;
	hgfs_edge_rec er;
	size_t col;
	char err[128];

	ck_assert_int_eq(hgfs_vertex_check(v, strlen(v), &vr, prop_cb, &w, &col, err, sizeof(err)), 0);
	ck_assert_str_eq(w.text, "a=1 o={\"x\":2} l=[\"0x\"]");
	ck_assert_uint_eq(vr.properties.val_len, 30);
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(hgfs_edge_check(e, strlen(e), &er, prop_cb, &w, &col, err, sizeof(err)), 0);
	ck_assert_str_eq(w.text, "w=0.5");
	/* the hook's failure is returned as it is */
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	ck_assert_int_eq(hgfs_vertex_check(v, strlen(v), &vr, prop_cb, &w, &col, err, sizeof(err)), -ENOMEM);
	ck_assert_int_eq(w.n, 2);
}
END_TEST

/* ---- emitting ---------------------------------------------------------------- */

static const struct {
	const char *line, *want;
	bool drop;
} vertex_emit_cases[] = {
	/* id first, middle, last */
	{"{\"id\":\"1:josh\",\"label\":\"person\",\"type\":\"vertex\",\"properties\":{}}",
	 "{\"label\":\"person\",\"type\":\"vertex\",\"properties\":{}}", true},
	{"{\"label\":\"person\",\"id\":5,\"properties\":{}}", "{\"label\":\"person\",\"properties\":{}}", true},
	{"{\"label\":\"p\",\"properties\":{},\"id\":5}", "{\"label\":\"p\",\"properties\":{}}", true},
	/* odd white space */
	{"  { \"id\" : 5 ,  \"label\" : \"p\" , \"properties\" : { } }  ",
	 "{ \"label\" : \"p\" , \"properties\" : { } }", true},
	{"{\"label\":\"p\" , \"id\" : 5 , \"properties\":{}}", "{\"label\":\"p\" , \"properties\":{}}", true},
	{"{\"label\":\"p\",\"properties\":{} , \"id\":5 }", "{\"label\":\"p\",\"properties\":{} }", true},
	{"{\t\"id\":1,\n\"label\":\"p\",\"properties\":{}}\r\n", "{\t\"label\":\"p\",\"properties\":{}}", true},
	/* an "id" inside the properties, or inside a string, is not the member */
	{"{\"label\":\"p\",\"properties\":{\"id\":1},\"id\":2}", "{\"label\":\"p\",\"properties\":{\"id\":1}}", true},
	{"{\"id\":\"a,\\\"id\\\":1\",\"label\":\"p\",\"properties\":{}}", "{\"label\":\"p\",\"properties\":{}}", true},
	/* kept */
	{" {\"id\":1,\"label\":\"p\",\"properties\":{}} ", "{\"id\":1,\"label\":\"p\",\"properties\":{}}", false},
	{"{\"label\":\"p\",\"properties\":{\"n\":9007199254740993}}",
	 "{\"label\":\"p\",\"properties\":{\"n\":9007199254740993}}", true},
};

START_TEST(test_vertex_emit)
{
	const char *s = vertex_emit_cases[_i].line;
	hgfs_vertex_rec r;
	hgfs_buf out = {0};
	size_t col;
	char err[128];

	ck_assert_msg(hgfs_vertex_parse(s, strlen(s), &r, &col, err, sizeof(err)) == 0, "%s: %s", s, err);
	hgfs_buf_adds(&out, "[");
	ck_assert_int_eq(hgfs_vertex_emit(s, strlen(s), &r, vertex_emit_cases[_i].drop, &out), 0);
	ck_assert_str_eq(out.data + 1, vertex_emit_cases[_i].want); /* appended */
	ck_assert_int_eq(out.data[0], '[');
	ck_assert_int_eq(rj_validate(out.data + 1, out.len - 1, &col, err, sizeof(err)), 0);
	hgfs_buf_free(&out);
}
END_TEST

static const struct {
	const char *val;
	int64_t id;
	const char *want; /* NULL: refused */
} pk_cases[] = {
	{"\"1:marko\"", 7, "\"7:marko\""},
	{"\"12:a\\\"b\\u00e9\\\\\"", 3, "\"3:a\\\"b\\u00e9\\\\\""},
	{"\"1:\"", 9, "\"9:\""},
	{"\"001:x\"", 5, "\"5:x\""},
	{"\"2:a:b:\\u003a\"", 11, "\"11:a:b:\\u003a\""},
	{"\"1:x\"", INT64_MAX, "\"9223372036854775807:x\""},
	{"\"1:caf\xc3\xa9\"", 4, "\"4:caf\xc3\xa9\""},
	{"1", 2, NULL},
	{"\"marko\"", 2, NULL},
	{"\":x\"", 2, NULL},
	{"\"1x:a\"", 2, NULL},
	{"\"-1:a\"", 2, NULL},
	{"\" 1:a\"", 2, NULL},
	{"\"1\"", 2, NULL},
	{"\"12\"", 2, NULL},
	{"\"\"", 2, NULL},
	{"\"", 2, NULL},
	{"\"1:a", 2, NULL},
	{"\"\\u0031:a\"", 2, NULL},
	{"\"1:a\"", 0, NULL},
	{"\"1:a\"", -3, NULL},
};

START_TEST(test_pk_id_rewrite)
{
	const char *v = pk_cases[_i].val;
	hgfs_buf out = {0};
	char err[128] = "";
	int rc;

	hgfs_buf_adds(&out, "pre");
	rc = hgfs_pk_id_rewrite(v, strlen(v), pk_cases[_i].id, &out, err, sizeof(err));
	if (pk_cases[_i].want == NULL) {
		ck_assert_msg(rc == -1, "%s accepted", v);
		ck_assert_str_eq(out.data, "pre"); /* nothing appended */
		ck_assert_msg(err[0] != '\0', "%s: no message", v);
	} else {
		ck_assert_msg(rc == 0, "%s: %s", v, err);
		ck_assert_str_eq(out.data + 3, pk_cases[_i].want);
	}
	hgfs_buf_free(&out);
}
END_TEST

#define EDGE_LINE                                                                                                      \
	"{\"id\":\"S1:josh>2>2>>S2:lop\",\"label\":\"created\",\"type\":\"edge\",\"outV\":\"1:josh\",\"outVLabel\":"   \
	"\"person\",\"inV\":\"2:lop\",\"inVLabel\":\"software\",\"properties\":{\"w\":12345678901234567890123}}"

static const struct {
	const char *line;
	int64_t out_id, in_id;
	const char *want;
} edge_emit_cases[] = {
	{EDGE_LINE, 0, 0, EDGE_LINE},
	{EDGE_LINE, 5, 6,
	 "{\"id\":\"S1:josh>2>2>>S2:lop\",\"label\":\"created\",\"type\":\"edge\",\"outV\":\"5:josh\",\"outVLabel\":"
	 "\"person\",\"inV\":\"6:lop\",\"inVLabel\":\"software\",\"properties\":{\"w\":12345678901234567890123}}"},
	{EDGE_LINE, 15, 0,
	 "{\"id\":\"S1:josh>2>2>>S2:lop\",\"label\":\"created\",\"type\":\"edge\",\"outV\":\"15:josh\",\"outVLabel\":"
	 "\"person\",\"inV\":\"2:lop\",\"inVLabel\":\"software\",\"properties\":{\"w\":12345678901234567890123}}"},
	{EDGE_LINE, 0, 16,
	 "{\"id\":\"S1:josh>2>2>>S2:lop\",\"label\":\"created\",\"type\":\"edge\",\"outV\":\"1:josh\",\"outVLabel\":"
	 "\"person\",\"inV\":\"16:lop\",\"inVLabel\":\"software\",\"properties\":{\"w\":12345678901234567890123}}"},
	/* inV before outV; numbers beyond 2^53 untouched */
	{" {\"label\":\"e\", \"inV\" : \"3:a\\\"b\" ,\"inVLabel\":\"x\",\"outV\":9007199254740993,\"outVLabel\":\"y\","
	 "\"properties\":{\"p\":-9223372036854775808,\"q\":1.0E300}} \n",
	 0, 21,
	 "{\"label\":\"e\", \"inV\" : \"21:a\\\"b\" ,\"inVLabel\":\"x\",\"outV\":9007199254740993,\"outVLabel\":\"y\","
	 "\"properties\":{\"p\":-9223372036854775808,\"q\":1.0E300}}"},
	{"{\"label\":\"e\",\"outV\":435226329513631744,\"outVLabel\":\"y\",\"inV\":\"1:\\u00e9\",\"inVLabel\":\"x\","
	 "\"properties\":{}}",
	 0, 2,
	 "{\"label\":\"e\",\"outV\":435226329513631744,\"outVLabel\":\"y\",\"inV\":\"2:\\u00e9\",\"inVLabel\":\"x\","
	 "\"properties\":{}}"},
};

START_TEST(test_edge_emit)
{
	const char *s = edge_emit_cases[_i].line;
	hgfs_edge_rec r;
	hgfs_buf out = {0};
	size_t col;
	char err[128] = "";

	ck_assert_msg(hgfs_edge_parse(s, strlen(s), &r, &col, err, sizeof(err)) == 0, "%s: %s", s, err);
	hgfs_buf_adds(&out, "[");
	ck_assert_msg(hgfs_edge_emit(s, strlen(s), &r, edge_emit_cases[_i].out_id, edge_emit_cases[_i].in_id, &out, err,
				     sizeof(err)) == 0,
		      "%s", err);
	ck_assert_str_eq(out.data + 1, edge_emit_cases[_i].want);
	hgfs_buf_free(&out);
}
END_TEST

START_TEST(test_edge_emit_bad)
{
	static const char s[] = "{\"label\":\"e\",\"outV\":12,\"outVLabel\":\"y\",\"inV\":\"1:a\",\"inVLabel\":\"x\","
				"\"properties\":{}}";
	hgfs_edge_rec r;
	hgfs_buf out = {0};
	size_t col;
	char err[128] = "";

	ck_assert_int_eq(hgfs_edge_parse(s, strlen(s), &r, &col, err, sizeof(err)), 0);
	hgfs_buf_adds(&out, "[x,");
	/* a number where a PRIMARY_KEY id should be: nothing appended */
	ck_assert_int_eq(hgfs_edge_emit(s, strlen(s), &r, 3, 4, &out, err, sizeof(err)), -1);
	ck_assert_str_eq(out.data, "[x,");
	ck_assert_msg(strncmp(err, "member 'outV': ", 15) == 0, "%s", err);
	ck_assert_ptr_nonnull(strstr(err, "12"));
	/* only the inV rewritten: fine */
	ck_assert_int_eq(hgfs_edge_emit(s, strlen(s), &r, 0, 4, &out, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "\"inV\":\"4:a\""));
	ck_assert_ptr_nonnull(strstr(out.data, "\"outV\":12,"));
	hgfs_buf_free(&out);
}
END_TEST

/* ---- schema.json ---------------------------------------------------------------- */

static void check_order(const hgfs_schema_file *f, const char *const *names, size_t n)
{
	ck_assert_uint_eq(f->n, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strcmp(f->v[i].name, names[i]) == 0, "element %zu: %s, want %s", i, f->v[i].name,
			      names[i]);
}

START_TEST(test_schema_example)
{
	static const char *const names[] = {"name",
					    "age",
					    "city",
					    "date",
					    "weight",
					    "lang",
					    "price",
					    "person",
					    "software",
					    "knows",
					    "created",
					    "personByCity",
					    "personByAgeAndCity",
					    "softwareByPrice"};
	size_t len;
	char *data = read_example("schema.json", &len), err[200] = "";
	hgfs_schema_file f;

	ck_assert_msg(hgfs_schema_file_parse(data, len, &f, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(f.count[HG_SCHEMA_PROPERTYKEYS], 7);
	ck_assert_uint_eq(f.count[HG_SCHEMA_VERTEXLABELS], 2);
	ck_assert_uint_eq(f.count[HG_SCHEMA_EDGELABELS], 2);
	ck_assert_uint_eq(f.count[HG_SCHEMA_INDEXLABELS], 3);
	check_order(&f, names, 14);
	for (size_t i = 0; i < f.n; i++) {
		size_t col;
		ck_assert_int_eq(rj_validate(f.v[i].text, f.v[i].len, &col, err, sizeof(err)), 0);
		ck_assert_int_eq(f.v[i].text[0], '{');
		ck_assert_int_eq(f.v[i].text[f.v[i].len - 1], '}');
		ck_assert(f.v[i].text >= data && f.v[i].text + f.v[i].len <= data + len);
	}
	ck_assert_int_eq(f.v[0].type, HG_SCHEMA_PROPERTYKEYS);
	ck_assert_int_eq(f.v[0].id, 1);
	ck_assert_int_eq(f.v[6].id, 7);
	ck_assert_int_eq(f.v[7].type, HG_SCHEMA_VERTEXLABELS);
	ck_assert_int_eq(f.v[9].type, HG_SCHEMA_EDGELABELS);
	ck_assert(!f.v[9].is_parent && !f.v[9].is_sub);
	ck_assert_ptr_null(f.v[9].parent);
	ck_assert_int_eq(f.v[11].type, HG_SCHEMA_INDEXLABELS);
	ck_assert_str_eq(f.v[11].base_value, "person");
	ck_assert_str_eq(f.v[13].base_value, "software");
	ck_assert_ptr_null(f.v[0].base_value);
	hgfs_schema_file_free(&f);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_ptr_null(f.v);
	free(data);
}
END_TEST

START_TEST(test_schema_sorting)
{
	/* types out of order, ids out of order, elements without an id */
	static const char s[] =
		"{\"indexlabels\":[{\"id\":2,\"name\":\"i2\"},{\"id\":1,\"name\":\"i1\"}],\n"
		"\"propertykeys\":[{\"name\":\"b\"},{\"id\":2,\"name\":\"a\"},{\"name\":\"c\"},{\"id\":1,\"name\":"
		"\"d\"},"
		"{\"id\":9223372036854775807,\"name\":\"max\"}],\n"
		"\"edgelabels\":[\n"
		"{\"id\":1,\"name\":\"e_sub1\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"e_parent\"},\n"
		"{\"id\":2,\"name\":\"plain\",\"edgelabel_type\":\"NORMAL\"},\n"
		"{\"id\":3,\"name\":\"e_sub2\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"e_parent\"},\n"
		"{\"id\":4,\"name\":\"e_parent\",\"edgelabel_type\":\"PARENT\"},\n"
		"{\"id\":5,\"name\":\"o_sub\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"other\"},\n"
		"{\"id\":6,\"name\":\"p2\",\"edgelabel_type\":\"PARENT\"},\n"
		"{\"id\":7,\"name\":\"p2_sub\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"p2\"}],\n"
		"\"vertexlabels\":[{\"id\":1,\"name\":\"v\\u00e9\"}]}";
	static const char *const names[] = {"d",         "a",        "max",    "b",     "c",
					    "v\xc3\xa9", "e_parent", "e_sub1", "plain", "e_sub2",
					    "o_sub",     "p2",       "p2_sub", "i1",    "i2"};
	hgfs_schema_file f;
	char err[200] = "";

	ck_assert_msg(hgfs_schema_file_parse(s, strlen(s), &f, err, sizeof(err)) == 0, "%s", err);
	check_order(&f, names, sizeof(names) / sizeof(names[0]));
	ck_assert(f.v[6].is_parent);
	ck_assert(f.v[7].is_sub);
	ck_assert_str_eq(f.v[7].parent, "e_parent");
	ck_assert_str_eq(f.v[10].parent, "other");
	ck_assert_int_eq(f.v[2].id, INT64_MAX);
	ck_assert_int_eq(f.v[3].id, 0);
	ck_assert_int_eq(f.v[5].type, HG_SCHEMA_VERTEXLABELS);
	hgfs_schema_file_free(&f);

	/* an empty object is an empty schema */
	ck_assert_int_eq(hgfs_schema_file_parse(" {} ", 4, &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.n, 0);
	hgfs_schema_file_free(&f);
}
END_TEST

static const struct {
	const char *text;
	const char *err; /* the whole message */
} schema_bad[] = {
	{"{\"propertykeys\":[\n{\"id\":1,\"name\":\"a\"},\n{\"id\":2 \"name\":\"b\"}\n]}",
	 "line 3, column 9: expected ',' or '}'"},
	{"{\"propertykeys\":[\n{\"id\":1,\"name\":\"a\"}\n],\"vertexlabels\":[\n{\"id\":1}]}",
	 "line 4, column 1: vertexlabels[0]: no name"},
	{"{\"edgelabels\":[{\"name\":\"a\"},{\"name\":\"b\"},\n  {\"nome\":\"c\"}]}",
	 "line 2, column 3: edgelabels[2]: no name"},
	{"{\"propertykeys\":[{\"name\":\"\"}]}",
	 "line 1, column 26: propertykeys[0]: 'name' must be a non-empty string"},
	{"{\"propertykeys\":[{\"name\":7}]}", "line 1, column 26: propertykeys[0]: 'name' must be a non-empty string"},
	{"{\"propertykeys\":[{\"name\":\"a\",\"id\":0}]}",
	 "line 1, column 35: propertykeys[0] 'a': 'id' must be an integer > 0"},
	{"{\"propertykeys\":[{\"name\":\"a\",\"id\":-4}]}",
	 "line 1, column 35: propertykeys[0] 'a': 'id' must be an integer > 0"},
	{"{\"propertykeys\":[{\"name\":\"a\",\"id\":1.5}]}",
	 "line 1, column 35: propertykeys[0] 'a': 'id' must be an integer > 0"},
	{"{\"propertykeys\":[{\"name\":\"a\",\"id\":\"3\"}]}",
	 "line 1, column 35: propertykeys[0] 'a': 'id' must be an integer > 0"},
	{"{\"propertykeys\":[{\"name\":\"a\",\"id\":9223372036854775808}]}",
	 "line 1, column 35: propertykeys[0] 'a': 'id' must be an integer > 0"},
	{"{\"propertykeys\":[1]}", "line 1, column 18: propertykeys[0]: not an object"},
	{"{\"propertykeys\":{}}", "line 1, column 17: 'propertykeys' must be an array"},
	{"{\"propertykeys\":[],\n \"foo\":[]}", "line 2, column 2: unknown member 'foo'"},
	{"{\"propertykeys\":[],\"propertykeys\":[]}", "line 1, column 20: member 'propertykeys' appears twice"},
	{"\n [ ]", "line 2, column 2: the schema must be a JSON object"},
	{"", "line 1, column 1: unexpected end of input"},
	{"{\"edgelabels\":[{\"id\":1,\"name\":\"s\",\"edgelabel_type\":\"SUB\"}]}",
	 "line 1, column 16: edgelabels[0]: 's' is a SUB label without a parent_label"},
	{"{\"vertexlabels\":[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"a\"}]}",
	 "vertexlabels: the name 'a' appears twice"},
	{"{\"vertexlabels\":[{\"id\":3,\"name\":\"a\"},{\"id\":3,\"name\":\"b\"}]}",
	 "vertexlabels: the id 3 appears twice ('a' and 'b')"},
};

START_TEST(test_schema_bad)
{
	const char *s = schema_bad[_i].text;
	hgfs_schema_file f;
	char err[200] = "";

	ck_assert_msg(hgfs_schema_file_parse(s, strlen(s), &f, err, sizeof(err)) == -1, "%s accepted", s);
	ck_assert_str_eq(err, schema_bad[_i].err);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_ptr_null(f.v);
}
END_TEST

/* A one-element schema file around elem, parsed. */
static void parse_one(const char *type, const char *elem, hgfs_schema_file *f)
{
	char text[2048], err[200] = "";

	snprintf(text, sizeof(text), "{\"%s\":[\n%s\n]}\n", type, elem);
	ck_assert_msg(hgfs_schema_file_parse(text, strlen(text), f, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(f->n, 1);
	/* text is on the stack: keep the element in a copy for emit */
	f->v[0].text = strdup(f->v[0].text);
	ck_assert_ptr_nonnull(f->v[0].text);
}

static const struct {
	const char *type, *elem;
	bool keep_id, legacy;
	const char *want; /* NULL: refused */
	const char *err;  /* a part of the message when refused */
} emit_cases[] = {
	{"propertykeys", "{\"id\":1,\"name\":\"name\",\"data_type\":\"TEXT\",\"user_data\":{\"~create_time\":\"x\"}}",
	 true, false,
	 "{\"id\":1,\"name\":\"name\",\"data_type\":\"TEXT\",\"user_data\":{\"~create_time\":\"x\"},\"check_exist\":"
	 "false}",
	 NULL},
	{"propertykeys", "{\"id\":1,\"name\":\"name\",\"data_type\":\"TEXT\"}", false, false,
	 "{\"name\":\"name\",\"data_type\":\"TEXT\",\"check_exist\":false}", NULL},
	{"propertykeys", "{\"name\":\"x\",\"id\":1,\"check_exist\":true,\"data_type\":\"TEXT\",\"task_id\":3}", false,
	 false, "{\"name\":\"x\",\"data_type\":\"TEXT\",\"check_exist\":false}", NULL},
	{"propertykeys", "{\"id\":9007199254740993,\"name\":\"x\"}", true, true,
	 "{\"id\":9007199254740993,\"name\":\"x\",\"check_exist\":false}", NULL},
	/* white space inside values stays */
	{"vertexlabels", "{ \"name\" : \"x\" , \"properties\" : [ \"a\" , \"b\" ] }", false, false,
	 "{\"name\":\"x\",\"properties\":[ \"a\" , \"b\" ],\"check_exist\":false}", NULL},
	/* "links" of a vertex label is not an edge label's */
	{"vertexlabels", "{\"name\":\"x\",\"links\":[]}", false, true,
	 "{\"name\":\"x\",\"links\":[],\"check_exist\":false}", NULL},
	{"edgelabels",
	 "{\"id\":4,\"name\":\"e_parent\",\"edgelabel_type\":\"PARENT\",\"links\":[{\"a\":\"b\"}],\"frequency\":"
	 "\"SINGLE\"}",
	 true, false,
	 "{\"id\":4,\"name\":\"e_parent\",\"edgelabel_type\":\"PARENT\",\"frequency\":\"SINGLE\",\"check_exist\":"
	 "false}",
	 NULL},
	{"edgelabels",
	 "{\"id\":5,\"name\":\"e_sub\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"e_parent\",\"source_label\":\"a\","
	 "\"target_label\":\"b\",\"links\":[{\"a\":\"b\"}]}",
	 false, false,
	 "{\"name\":\"e_sub\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"e_parent\",\"source_label\":\"a\","
	 "\"target_label\":\"b\",\"links\":[{\"a\":\"b\"}],\"check_exist\":false}",
	 NULL},
	{"edgelabels",
	 "{\"id\":1,\"name\":\"knows\",\"edgelabel_type\":\"NORMAL\",\"source_label\":\"person\",\"target_label\":"
	 "\"person\",\"links\":[{\"person\":\"person\"}],\"frequency\":\"SINGLE\"}",
	 true, true,
	 "{\"id\":1,\"name\":\"knows\",\"source_label\":\"person\",\"target_label\":\"person\",\"frequency\":"
	 "\"SINGLE\","
	 "\"check_exist\":false}",
	 NULL},
	{"edgelabels",
	 "{\"id\":1,\"name\":\"knows\",\"edgelabel_type\":\"NORMAL\",\"source_label\":\"person\",\"target_label\":"
	 "\"person\",\"links\":[{\"person\":\"person\"}]}",
	 true, false,
	 "{\"id\":1,\"name\":\"knows\",\"edgelabel_type\":\"NORMAL\",\"source_label\":\"person\",\"target_label\":"
	 "\"person\",\"links\":[{\"person\":\"person\"}],\"check_exist\":false}",
	 NULL},
	{"edgelabels", "{\"name\":\"e_parent\",\"edgelabel_type\":\"PARENT\"}", false, true, NULL,
	 "edge label 'e_parent' is a PARENT label; servers before 1.5 have no parent/sub edge labels"},
	{"edgelabels", "{\"name\":\"x\",\"edgelabel_type\":\"SUB\",\"parent_label\":\"p\"}", false, true, NULL,
	 "edge label 'x' is a SUB label; servers before 1.5 have no parent/sub edge labels"},
	{"indexlabels", "{\"id\":3,\"check_exist\":false}", false, false, NULL, NULL}, /* no name: see below */
	{"indexlabels", "{\"check_exist\":false,\"id\":3,\"name\":\"i\"}", false, false,
	 "{\"name\":\"i\",\"check_exist\":false}", NULL},
};

START_TEST(test_schema_emit)
{
	hgfs_schema_file f;
	hgfs_buf out = {0};
	char err[200] = "";
	int rc;

	if (emit_cases[_i].want == NULL && emit_cases[_i].err == NULL) {
		/* an element without a name never reaches emit */
		char text[256];
		snprintf(text, sizeof(text), "{\"%s\":[%s]}", emit_cases[_i].type, emit_cases[_i].elem);
		ck_assert_int_eq(hgfs_schema_file_parse(text, strlen(text), &f, err, sizeof(err)), -1);
		return;
	}
	parse_one(emit_cases[_i].type, emit_cases[_i].elem, &f);
	hgfs_buf_adds(&out, "pre");
	rc = hgfs_schema_emit(&f.v[0], emit_cases[_i].keep_id, emit_cases[_i].legacy, &out, err, sizeof(err));
	if (emit_cases[_i].want != NULL) {
		size_t col;
		ck_assert_msg(rc == 0, "%s", err);
		ck_assert_str_eq(out.data + 3, emit_cases[_i].want);
		ck_assert_int_eq(rj_validate(out.data + 3, out.len - 3, &col, err, sizeof(err)), 0);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err, emit_cases[_i].err);
		ck_assert_str_eq(out.data, "pre");
	}
	free((char *)f.v[0].text);
	hgfs_schema_file_free(&f);
	hgfs_buf_free(&out);
}
END_TEST

/* Every element of the example, emitted: the original minus "id" (or not)
 * with "check_exist":false at the end. */
START_TEST(test_schema_emit_example)
{
	size_t len;
	char *data = read_example("schema.json", &len), err[200] = "";
	hgfs_schema_file f;
	hgfs_buf out = {0};

	ck_assert_int_eq(hgfs_schema_file_parse(data, len, &f, err, sizeof(err)), 0);
	for (size_t i = 0; i < f.n; i++) {
		const hgfs_schema_elem *e = &f.v[i];
		hgfs_buf_reset(&out);
		ck_assert_int_eq(hgfs_schema_emit(e, true, false, &out, err, sizeof(err)), 0);
		ck_assert_uint_eq(out.len, e->len + strlen(",\"check_exist\":false"));
		ck_assert_mem_eq(out.data, e->text, e->len - 1);
		ck_assert_str_eq(out.data + e->len - 1, ",\"check_exist\":false}");
		hgfs_buf_reset(&out);
		ck_assert_int_eq(hgfs_schema_emit(e, false, e->type == HG_SCHEMA_PROPERTYKEYS, &out, err, sizeof(err)),
				 0);
		ck_assert_msg(strncmp(out.data, "{\"name\":", 8) == 0, "%s", out.data);
		if (e->type == HG_SCHEMA_EDGELABELS)
			ck_assert_ptr_nonnull(strstr(out.data, "\"links\":[{"));
	}
	hgfs_schema_file_free(&f);
	hgfs_buf_free(&out);
	free(data);
}
END_TEST

/* ---- schema comparison -------------------------------------------------------- */

static const struct {
	hg_schema_type t;
	const char *a, *b;
	int rc;
	const char *out;
} diff_cases[] = {
	{HG_SCHEMA_PROPERTYKEYS,
	 "{\"id\":1,\"name\":\"age\",\"data_type\":\"INT\",\"cardinality\":\"SINGLE\",\"aggregate_type\":\"NONE\","
	 "\"write_type\":\"OLTP\",\"user_data\":{\"a\":1}}",
	 "{\"id\":7,\"name\":\"age\",\"data_type\":\"INT\",\"cardinality\":\"SINGLE\",\"aggregate_type\":\"NONE\","
	 "\"write_type\":\"OLTP\",\"status\":\"CREATED\"}",
	 0, ""},
	{HG_SCHEMA_PROPERTYKEYS, "{\"name\":\"age\",\"data_type\":\"INT\"}",
	 "{\"name\":\"age\",\"data_type\":\"LONG\"}", 1, "data_type: the backup has INT, the graph has LONG"},
	{HG_SCHEMA_PROPERTYKEYS, "{\"name\":\"a\"}",
	 "{\"name\":\"a\",\"data_type\":\"TEXT\",\"cardinality\":\"SINGLE\",\"aggregate_type\":\"NONE\",\"write_type\":"
	 "\"OLTP\"}",
	 0, ""},
	{HG_SCHEMA_PROPERTYKEYS, "{\"name\":\"a\"}", "{\"name\":\"a\",\"cardinality\":\"LIST\"}", 1,
	 "cardinality: the backup has SINGLE, the graph has LIST"},
	{HG_SCHEMA_PROPERTYKEYS, "{\"name\":\"a\",\"write_type\":\"OLAP_RANGE\"}", "{\"name\":\"a\"}", 1,
	 "write_type: the backup has OLAP_RANGE, the graph has OLTP"},
	{HG_SCHEMA_VERTEXLABELS,
	 "{\"name\":\"p\",\"id_strategy\":\"PRIMARY_KEY\",\"properties\":[\"name\",\"age\"],\"primary_keys\":[\"name\"]"
	 ","
	 "\"ttl\":5}",
	 "{\"name\":\"p\",\"id_strategy\":\"AUTOMATIC\",\"properties\":[\"age\",\"name\",\"age\"],\"primary_keys\":["
	 "\"name\"],"
	 "\"enable_label_index\":true}",
	 0, ""},
	{HG_SCHEMA_VERTEXLABELS, "{\"name\":\"p\",\"properties\":[\"name\",\"age\"]}",
	 "{\"name\":\"p\",\"properties\":[\"name\"]}", 1,
	 "properties: the backup has [age, name], the graph has [name]"},
	{HG_SCHEMA_VERTEXLABELS, "{\"name\":\"p\",\"properties\":[\"a\"],\"nullable_keys\":[\"a\"]}",
	 "{\"name\":\"p\",\"properties\":[\"a\"]}", 1, "nullable_keys: the backup has [a], the graph has []"},
	{HG_SCHEMA_VERTEXLABELS, "{\"name\":\"p\",\"primary_keys\":[\"a\",\"b\"]}",
	 "{\"name\":\"p\",\"primary_keys\":[\"b\"]}", 1, "primary_keys: the backup has [a, b], the graph has [b]"},
	{HG_SCHEMA_VERTEXLABELS, "{\"name\":\"p\",\"enable_label_index\":false}", "{\"name\":\"p\"}", 1,
	 "enable_label_index: the backup has false, the graph has true"},
	{HG_SCHEMA_EDGELABELS,
	 "{\"name\":\"knows\",\"edgelabel_type\":\"NORMAL\",\"source_label\":\"person\",\"target_label\":\"person\","
	 "\"links\":[{\"person\":\"person\"}],\"frequency\":\"SINGLE\",\"sort_keys\":[],\"properties\":[\"date\"]}",
	 "{\"name\":\"knows\",\"source_label\":\"person\",\"target_label\":\"person\",\"frequency\":\"SINGLE\","
	 "\"sort_keys\":[],\"properties\":[\"date\"],\"nullable_keys\":[]}",
	 0, ""},
	{HG_SCHEMA_EDGELABELS, "{\"name\":\"e\",\"frequency\":\"MULTIPLE\"}", "{\"name\":\"e\"}", 1,
	 "frequency: the backup has MULTIPLE, the graph has SINGLE"},
	{HG_SCHEMA_EDGELABELS, "{\"name\":\"e\",\"sort_keys\":[\"t\"],\"frequency\":\"MULTIPLE\"}",
	 "{\"name\":\"e\",\"sort_keys\":[\"u\"],\"frequency\":\"MULTIPLE\"}", 1,
	 "sort_keys: the backup has [t], the graph has [u]"},
	{HG_SCHEMA_EDGELABELS,
	 "{\"name\":\"e\",\"source_label\":\"person\",\"target_label\":\"software\",\"links\":[{\"person\":"
	 "\"software\"}]}",
	 "{\"name\":\"e\",\"source_label\":\"person\",\"target_label\":\"person\",\"links\":[{\"person\":\"person\"}]}",
	 1, "links: the backup has [person->software], the graph has [person->person]"},
	/* a PARENT: the graph's links must be among the backup's */
	{HG_SCHEMA_EDGELABELS, "{\"name\":\"p\",\"edgelabel_type\":\"PARENT\",\"links\":[{\"a\":\"b\"},{\"c\":\"d\"}]}",
	 "{\"name\":\"p\",\"edgelabel_type\":\"PARENT\",\"links\":[{\"c\":\"d\"}]}", 0, ""},
	{HG_SCHEMA_EDGELABELS, "{\"name\":\"p\",\"edgelabel_type\":\"PARENT\",\"links\":[{\"a\":\"b\"}]}",
	 "{\"name\":\"p\",\"edgelabel_type\":\"PARENT\",\"links\":[{\"a\":\"b\"},{\"c\":\"d\"}]}", 1,
	 "links: the backup has [a->b], the graph has [a->b, c->d]"},
	{HG_SCHEMA_EDGELABELS, "{\"name\":\"e\",\"enable_label_index\":true,\"properties\":[\"x\"]}",
	 "{\"name\":\"e\",\"enable_label_index\":false,\"properties\":[\"y\"]}", 1,
	 "enable_label_index: the backup has true, the graph has false"},
	{HG_SCHEMA_INDEXLABELS,
	 "{\"name\":\"i\",\"base_type\":\"VERTEX_LABEL\",\"base_value\":\"p\",\"index_type\":\"RANGE\",\"fields\":["
	 "\"a\"]}",
	 "{\"name\":\"i\",\"base_type\":\"VERTEX_LABEL\",\"base_value\":\"p\",\"index_type\":\"RANGE_INT\",\"fields\":["
	 "\"a\"]}",
	 0, ""},
	{HG_SCHEMA_INDEXLABELS, "{\"name\":\"i\",\"index_type\":\"RANGE_INT\"}",
	 "{\"name\":\"i\",\"index_type\":\"RANGE\"}", 0, ""},
	{HG_SCHEMA_INDEXLABELS, "{\"name\":\"i\",\"index_type\":\"RANGE_INT\"}",
	 "{\"name\":\"i\",\"index_type\":\"RANGE_LONG\"}", 1,
	 "index_type: the backup has RANGE_INT, the graph has RANGE_LONG"},
	{HG_SCHEMA_INDEXLABELS, "{\"name\":\"i\",\"index_type\":\"RANGE\"}",
	 "{\"name\":\"i\",\"index_type\":\"SECONDARY\"}", 1,
	 "index_type: the backup has RANGE, the graph has SECONDARY"},
	{HG_SCHEMA_INDEXLABELS, "{\"name\":\"i\",\"base_type\":\"VERTEX_LABEL\",\"fields\":[\"a\",\"b\"]}",
	 "{\"name\":\"i\",\"base_type\":\"VERTEX_LABEL\",\"fields\":[\"b\",\"a\"]}", 0, ""},
	{HG_SCHEMA_INDEXLABELS, "{\"name\":\"i\",\"base_type\":\"VERTEX_LABEL\",\"base_value\":\"p\"}",
	 "{\"name\":\"i\",\"base_type\":\"EDGE_LABEL\",\"base_value\":\"p\"}", 1,
	 "base_type: the backup has VERTEX_LABEL, the graph has EDGE_LABEL"},
	{HG_SCHEMA_INDEXLABELS, "{\"name\":\"i\",\"base_value\":\"p\"}", "{\"name\":\"i\"}", 1,
	 "base_value: the backup has p, the graph has (none)"},
	/* malformed */
	{HG_SCHEMA_VERTEXLABELS, "{\"name\":", "{}", -1, ""},
	{HG_SCHEMA_VERTEXLABELS, "{}", "[]", -1, ""},
	{HG_SCHEMA_VERTEXLABELS, "{\"properties\":\"a\"}", "{}", -1, ""},
	{HG_SCHEMA_VERTEXLABELS, "{\"properties\":[1]}", "{}", -1, ""},
	{HG_SCHEMA_VERTEXLABELS, "{}", "{\"enable_label_index\":\"yes\"}", -1, ""},
	{HG_SCHEMA_PROPERTYKEYS, "{\"data_type\":5}", "{}", -1, ""},
	{HG_SCHEMA_EDGELABELS, "{\"links\":[{\"a\":\"b\",\"c\":\"d\"}]}", "{}", -1, ""},
	{HG_SCHEMA_EDGELABELS, "{\"links\":[{}]}", "{}", -1, ""},
	{HG_SCHEMA_EDGELABELS, "{\"links\":[{\"a\":1}]}", "{}", -1, ""},
	{HG_SCHEMA_EDGELABELS, "{\"source_label\":1,\"target_label\":\"b\"}", "{}", -1, ""},
};

START_TEST(test_schema_diff)
{
	char out[256] = "junk";
	int rc = hgfs_schema_diff(diff_cases[_i].t, diff_cases[_i].a, strlen(diff_cases[_i].a), diff_cases[_i].b,
				  strlen(diff_cases[_i].b), out, sizeof(out));

	ck_assert_msg(rc == diff_cases[_i].rc, "case %d: rc %d (%s), want %d", _i, rc, out, diff_cases[_i].rc);
	if (rc >= 0)
		ck_assert_str_eq(out, diff_cases[_i].out);
}
END_TEST

START_TEST(test_schema_diff_short_out)
{
	char out[10];

	ck_assert_int_eq(
		hgfs_schema_diff(HG_SCHEMA_PROPERTYKEYS, "{\"data_type\":\"INT\"}", 19, "{}", 2, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "data_type");
}
END_TEST

/* ---- manifest.json ---------------------------------------------------------------- */

START_TEST(test_manifest_example)
{
	size_t len;
	char *data = read_example("manifest.json", &len), err[200] = "";
	hgfs_manifest m;

	ck_assert_msg(hgfs_manifest_parse(data, len, &m, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(m.graph, "hugegraph");
	ck_assert(m.file[HGFS_K_SCHEMA].present);
	ck_assert_int_eq(m.file[HGFS_K_SCHEMA].size, 3363);
	ck_assert_str_eq(m.file[HGFS_K_SCHEMA].sha256,
			 "301f86b4f87a33450eab3bce39785e24e2a6f2e3d047d06509b49425cf1dc349");
	ck_assert_int_eq(m.file[HGFS_K_VERTICES].size, 642);
	ck_assert_int_eq(m.file[HGFS_K_EDGES].size, 1092);
	ck_assert_str_eq(m.file[HGFS_K_EDGES].sha256,
			 "c3173e96ec5834cfc26d496b64dd4089459a7eec83c702769879dcdb09624e78");
	ck_assert_int_eq(m.count_schema[HG_SCHEMA_PROPERTYKEYS], 7);
	ck_assert_int_eq(m.count_schema[HG_SCHEMA_VERTEXLABELS], 2);
	ck_assert_int_eq(m.count_schema[HG_SCHEMA_EDGELABELS], 2);
	ck_assert_int_eq(m.count_schema[HG_SCHEMA_INDEXLABELS], 3);
	ck_assert_int_eq(m.count_vertices, 6);
	ck_assert_int_eq(m.count_edges, 6);
	free(data);
}
END_TEST

#define MF_HEAD "{\"format\":\"hugegraphfs-backup\",\"format_version\":1"
#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct {
	const char *text;
	const char *err; /* NULL: accepted; else a part of the message */
} manifest_cases[] = {
	{MF_HEAD "}", NULL},
	{MF_HEAD ",\"future\":{\"x\":[1]},\"files\":{\"other.bin\":7}}", NULL},
	{"{\"format\":\"other\",\"format_version\":1}", "not a hugegraphfs backup manifest"},
	{"{\"format_version\":1}", "not a hugegraphfs backup manifest"},
	{"{\"format\":\"hugegraphfs-backup\"}", "member 'format_version' is missing"},
	{"{\"format\":\"hugegraphfs-backup\",\"format_version\":3}",
	 "format_version 3: written by a newer hugegraphfs"}, /* 2: a compressed set */
	{"{\"format\":\"hugegraphfs-backup\",\"format_version\":0}", "format_version 0 is not supported"},
	{"{\"format\":\"hugegraphfs-backup\",\"format_version\":\"1\"}", "format_version \"1\" is not supported"},
	{"{\"format\":\"hugegraphfs-backup\",\"format_version\":1.0}", "format_version 1.0 is not supported"},
	{MF_HEAD ",\"files\":{\"schema.json\":{\"size\":-1}}}", "the size of 'schema.json' must be an integer >= 0"},
	{MF_HEAD ",\"files\":{\"edges.jsonl\":{\"size\":1.5}}}", "the size of 'edges.jsonl' must be an integer >= 0"},
	{MF_HEAD ",\"files\":{\"edges.jsonl\":{\"size\":99999999999999999999}}}", "must be an integer >= 0"},
	{MF_HEAD ",\"files\":{\"edges.jsonl\":{\"sha256\":\"" HEX64 "\"}}}", "'edges.jsonl' has no size"},
	{MF_HEAD ",\"files\":{\"vertices.jsonl\":{\"size\":1,\"sha256\":\"abc\"}}}",
	 "the sha256 of 'vertices.jsonl' must be 64 hex digits"},
	{MF_HEAD
	 ",\"files\":{\"vertices.jsonl\":{\"size\":1,\"sha256\":\"g123456789abcdef0123456789abcdef0123456789abcdef0"
	 "123456789abcdef\"}}}",
	 "must be 64 hex digits"},
	{MF_HEAD ",\"files\":{\"vertices.jsonl\":{\"size\":1,\"sha256\":1}}}", "must be 64 hex digits"},
	{MF_HEAD ",\"files\":{\"vertices.jsonl\":3}}", "files: 'vertices.jsonl' must be an object"},
	{MF_HEAD ",\"files\":[]}", "member 'files' must be an object"},
	{MF_HEAD ",\"counts\":{\"vertices\":-2}}", "counts: 'vertices' must be an integer >= 0"},
	{MF_HEAD ",\"counts\":7}", "member 'counts' must be an object"},
	{MF_HEAD ",\"graph\":7}", "member 'graph' must be a graph name"},
	{MF_HEAD ",\"graph\":\"a\\u0000b\"}", "member 'graph' must be a graph name"},
	{"{\n\"format\":\"hugegraphfs-backup\",\n\"format_version\":1,}", "line 3, column 19: a trailing comma"},
	{"[]", "not a hugegraphfs backup manifest"},
};

START_TEST(test_manifest_cases)
{
	const char *s = manifest_cases[_i].text;
	hgfs_manifest m;
	char err[200] = "";
	int rc = hgfs_manifest_parse(s, strlen(s), &m, err, sizeof(err));

	if (manifest_cases[_i].err == NULL) {
		ck_assert_msg(rc == 0, "%s: %s", s, err);
		return;
	}
	ck_assert_msg(rc == -1, "%s accepted", s);
	ck_assert_msg(strstr(err, manifest_cases[_i].err) != NULL, "'%s' does not say '%s'", err,
		      manifest_cases[_i].err);
}
END_TEST

START_TEST(test_manifest_parts)
{
	static const char s[] =
		MF_HEAD ",\"graph\":\"g\\u00e9\",\"files\":{\"schema.json\":{\"size\":0},"
			"\"edges.jsonl\":{\"size\":12,\"sha256\":\"ABCDEF6789abcdef0123456789abcdef0123456789abcdef"
			"0123456789abcdef\"},\"variables.json\":{\"size\":3}},\"counts\":{\"edges\":0,\"vertexlabels\":3,"
			"\"variables\":2}}";
	hgfs_manifest m;
	char err[200] = "";

	ck_assert_msg(hgfs_manifest_parse(s, strlen(s), &m, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(m.graph, "g\xc3\xa9");
	ck_assert(m.file[HGFS_K_SCHEMA].present);
	ck_assert_int_eq(m.file[HGFS_K_SCHEMA].size, 0);
	ck_assert_str_eq(m.file[HGFS_K_SCHEMA].sha256, "");
	ck_assert(!m.file[HGFS_K_VERTICES].present);
	ck_assert(m.file[HGFS_K_EDGES].present);
	ck_assert_str_eq(m.file[HGFS_K_EDGES].sha256,
			 "abcdef6789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	ck_assert_int_eq(m.count_edges, 0);
	ck_assert_int_eq(m.count_vertices, -1);
	ck_assert(m.file[HGFS_K_VARIABLES].present);
	ck_assert_int_eq(m.file[HGFS_K_VARIABLES].size, 3);
	ck_assert_int_eq(m.count_variables, 2);
	ck_assert_int_eq(m.count_schema[HG_SCHEMA_VERTEXLABELS], 3);
	ck_assert_int_eq(m.count_schema[HG_SCHEMA_PROPERTYKEYS], -1);

	ck_assert_int_eq(hgfs_manifest_parse(MF_HEAD "}", strlen(MF_HEAD "}"), &m, err, sizeof(err)), 0);
	ck_assert_str_eq(m.graph, "");
	for (int k = HGFS_K_SCHEMA; k < HGFS_K_MANIFEST; k++)
		ck_assert(!m.file[k].present);
	ck_assert_int_eq(m.count_edges, -1);
	ck_assert_int_eq(m.count_variables, -1);
	ck_assert_int_eq(m.count_schema[HG_SCHEMA_INDEXLABELS], -1);
}
END_TEST

/* ---- file kinds ---------------------------------------------------------------- */

static const struct {
	const char *name;
	hgfs_kind kind;
} kind_names[] = {
	{"schema.json", HGFS_K_SCHEMA},
	{"vertices.jsonl", HGFS_K_VERTICES},
	{"edges.jsonl", HGFS_K_EDGES},
	{"manifest.json", HGFS_K_MANIFEST},
	{"variables.json", HGFS_K_VARIABLES},
	{"set/variables.json", HGFS_K_VARIABLES},
	{"variables.jsonl", HGFS_K_UNKNOWN},
	{"/graphs/g/restore/set1/vertices.jsonl", HGFS_K_VERTICES},
	{"a/manifest.json", HGFS_K_MANIFEST},
	{"Schema.json", HGFS_K_UNKNOWN},
	{"schema.json.bak", HGFS_K_UNKNOWN},
	{".schema.json.swp", HGFS_K_UNKNOWN},
	{"schema.json/", HGFS_K_UNKNOWN},
	{"", HGFS_K_UNKNOWN},
	{"edges.json", HGFS_K_UNKNOWN},
};

START_TEST(test_kind_by_name)
{
	ck_assert_int_eq(hgfs_kind_by_name(kind_names[_i].name), kind_names[_i].kind);
}
END_TEST

START_TEST(test_kind_name_unknown)
{
	ck_assert_str_eq(hgfs_kind_name(HGFS_K_UNKNOWN), "unknown");
	ck_assert_str_eq(hgfs_kind_name((hgfs_kind)42), "unknown");
}
END_TEST

static const struct {
	const char *file;
	hgfs_kind kind;
	const char *kind_name;
} sniff_files[] = {
	{"schema.json", HGFS_K_SCHEMA, "schema"},
	{"vertices.jsonl", HGFS_K_VERTICES, "vertices"},
	{"edges.jsonl", HGFS_K_EDGES, "edges"},
	{"manifest.json", HGFS_K_MANIFEST, "manifest"},
};

START_TEST(test_sniff_examples)
{
	size_t len;
	char *data = read_example(sniff_files[_i].file, &len);

	ck_assert_int_eq(hgfs_kind_sniff(data, len < 65536 ? len : 65536), sniff_files[_i].kind);
	ck_assert_str_eq(hgfs_kind_name(sniff_files[_i].kind), sniff_files[_i].kind_name);
	ck_assert_int_eq(hgfs_kind_by_name(sniff_files[_i].file), sniff_files[_i].kind);
	/* the first line alone is enough, and for the manifest its first two */
	ck_assert_int_eq(hgfs_kind_sniff(data, (size_t)(strchr(data, '\n') - data) + 1),
			 sniff_files[_i].kind == HGFS_K_MANIFEST ? HGFS_K_UNKNOWN : sniff_files[_i].kind);
	free(data);
}
END_TEST

static const struct {
	const char *head;
	hgfs_kind kind;
} sniff_cases[] = {
	{"{\"vertexlabels\":[]}", HGFS_K_SCHEMA},
	{" {\n \"indexlabels\" : [", HGFS_K_SCHEMA},
	{"{\"edgelabels\"", HGFS_K_UNKNOWN}, /* cut before its ':' */
	{"{\"format\": \"hugegraphfs-backup\"", HGFS_K_MANIFEST},
	{"{\n  \"format\" : \"hugegraphfs-backup\",\n  \"format_version\": 1,", HGFS_K_MANIFEST},
	{"{\"format\":\"hugegraphfs-backu", HGFS_K_UNKNOWN},
	{"{\"format\":\"other\"}", HGFS_K_UNKNOWN},
	{"{\"graph\":\"g\",\"format\":\"hugegraphfs-backup\"}", HGFS_K_UNKNOWN},
	{"{\"id\":1,\"label\":\"p\",\"type\":\"vertex\",\"properties\":{}}\r\n{\"id\":2,", HGFS_K_VERTICES},
	{"{\"id\":1,\"label\":\"p\",\"type\":\"vertex\",\"properties\":{}}", HGFS_K_VERTICES},
	{"{\"id\":1,\"label\":\"p\",\"type\":\"vertex\",\"prop", HGFS_K_UNKNOWN},
	{"{\"label\":\"e\",\"outV\":1,\"outVLabel\":\"a\",\"inV\":2,\"inVLabel\":\"b\",\"properties\":{}}\n",
	 HGFS_K_EDGES},
	{"{\"label\":\"e\",\"outV\":1,\"inV\":2,\"properties\":{}}\n", HGFS_K_UNKNOWN},
	{"{\"label\":\"p\",\"properties\":{\"a\":null}}\n", HGFS_K_UNKNOWN},
	{"[1,2]", HGFS_K_UNKNOWN},
	{"", HGFS_K_UNKNOWN},
	{"\n{\"label\":\"p\",\"properties\":{}}\n", HGFS_K_UNKNOWN},
	{"hello world\n", HGFS_K_UNKNOWN},
};

START_TEST(test_sniff)
{
	ck_assert_int_eq(hgfs_kind_sniff(sniff_cases[_i].head, strlen(sniff_cases[_i].head)), sniff_cases[_i].kind);
}
END_TEST

/* ---- line reader -------------------------------------------------------------- */

/* An unlinked temporary file holding data[0..len). */
static int temp_file(const void *data, size_t len)
{
	char path[] = "/tmp/test_record_XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	/* the reader uses pread: the file position must not matter */
	lseek(fd, 3, SEEK_SET);
	return fd;
}

static void collect_read(void *ctx, const char *data, size_t len)
{
	ck_assert_int_eq(hgfs_buf_add(ctx, data, len), 0);
}

START_TEST(test_lines)
{
	hgfs_buf seen = {0};
	const size_t mib = 1024 * 1024;
	/* lengths of the lines; the content of line i is i's letter repeated */
	const size_t lens[] = {mib - 3, 10, 3 * mib + 7, 0, 5, 2 * mib, 1, 17};
	const bool crlf[] = {false, true, false, true, false, true, false, false};
	const size_t n = sizeof(lens) / sizeof(lens[0]);
	hgfs_buf file = {0};
	hgfs_linereader r;
	const char *line;
	size_t len;
	int fd;

	for (size_t i = 0; i < n; i++) {
		char *fill = malloc(lens[i] + 1);
		ck_assert_ptr_nonnull(fill);
		memset(fill, 'a' + (int)i, lens[i]);
		ck_assert_int_eq(hgfs_buf_add(&file, fill, lens[i]), 0);
		free(fill);
		if (i + 1 < n) /* the last line has no '\n' */
			hgfs_buf_adds(&file, crlf[i] ? "\r\n" : "\n");
	}
	fd = temp_file(file.data, file.len);
	ck_assert_int_eq(hgfs_lr_init(&r, fd, 0), 0);
	r.on_read = collect_read; /* sees every byte once, in order */
	r.on_read_ctx = &seen;
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
		ck_assert_uint_eq(r.lineno, i + 1);
		ck_assert_msg(len == lens[i], "line %zu: %zu bytes, want %zu", i + 1, len, lens[i]);
		ck_assert_msg(len == 0 || (line[0] == 'a' + (int)i && memcmp(line, line + 1, len - 1) == 0),
			      "line %zu: wrong content", i + 1);
	}
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 0);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 0);
	ck_assert_uint_eq(seen.len, file.len);
	ck_assert(memcmp(seen.data, file.data, file.len) == 0);
	hgfs_lr_free(&r);
	close(fd);
	hgfs_buf_free(&file);
	hgfs_buf_free(&seen);
}
END_TEST

static const struct {
	const char *text;
	size_t max_line;
	int n;                /* lines returned before the end or the error */
	int end;              /* 0 or -EFBIG */
	const char *lines[4]; /* the lines returned */
} lr_cases[] = {
	{"", 0, 0, 0, {NULL}},
	{"\n", 0, 1, 0, {""}},
	{"\r\n\r\n", 0, 2, 0, {"", ""}},
	{"a\nb", 0, 2, 0, {"a", "b"}},
	{"a\r\nb\r", 0, 2, 0, {"a", "b"}},
	{"a\rb\n", 0, 1, 0, {"a\rb"}},
	{"12345\n123456\n", 5, 1, -EFBIG, {"12345"}},
	{"12345\r\n1234\n", 5, 2, 0, {"12345", "1234"}},
	{"12345", 5, 1, 0, {"12345"}},
	{"123456", 5, 0, -EFBIG, {NULL}},
	{"x\n1234567890\n", 5, 1, -EFBIG, {"x"}},
};

START_TEST(test_lines_cases)
{
	int fd = temp_file(lr_cases[_i].text, strlen(lr_cases[_i].text));
	hgfs_linereader r;
	const char *line;
	size_t len;
	int i;

	ck_assert_int_eq(hgfs_lr_init(&r, fd, lr_cases[_i].max_line), 0);
	for (i = 0; i < lr_cases[_i].n; i++) {
		ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
		ck_assert_uint_eq(len, strlen(lr_cases[_i].lines[i]));
		ck_assert_mem_eq(line, lr_cases[_i].lines[i], len);
	}
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), lr_cases[_i].end);
	if (lr_cases[_i].end != 0) {
		/* the line that failed, and the error again */
		ck_assert_uint_eq(r.lineno, (uint64_t)i + 1);
		ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), lr_cases[_i].end);
	}
	hgfs_lr_free(&r);
	close(fd);
}
END_TEST

/* A line longer than max_line across many chunks fails without reading the
 * whole of it into memory. */
/* A part of a file: only its own lines, the last one even without '\n'. */
START_TEST(test_lines_range)
{
	static const char text[] = "aa\nbbb\ncccc\ndd\ne";
	hgfs_linereader r;
	const char *line;
	size_t len;
	int fd = temp_file(text, strlen(text));

	/* [3, 12): "bbb\ncccc\n" */
	ck_assert_int_eq(hgfs_lr_init_range(&r, fd, 3, 12, 0), 0);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
	ck_assert_int_eq((int)len, 3);
	ck_assert(memcmp(line, "bbb", 3) == 0);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
	ck_assert_int_eq((int)len, 4);
	ck_assert(memcmp(line, "cccc", 4) == 0);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 0);
	ck_assert_uint_eq(r.lineno, 2);
	hgfs_lr_free(&r);
	/* [12, end of file): "dd\ne" */
	ck_assert_int_eq(hgfs_lr_init_range(&r, fd, 12, 0, 0), 0);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
	ck_assert(len == 2 && memcmp(line, "dd", 2) == 0);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
	ck_assert(len == 1 && line[0] == 'e');
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 0);
	hgfs_lr_free(&r);
	close(fd);
}
END_TEST

START_TEST(test_lines_too_long)
{
	const size_t size = 5 * 1024 * 1024;
	char *data = malloc(size);
	hgfs_linereader r;
	const char *line;
	size_t len;
	int fd;

	ck_assert_ptr_nonnull(data);
	memset(data, 'x', size);
	data[10] = '\n';
	fd = temp_file(data, size);
	ck_assert_int_eq(hgfs_lr_init(&r, fd, 1024 * 1024 + 100), 0);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
	ck_assert_uint_eq(len, 10);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), -EFBIG);
	ck_assert_uint_eq(r.lineno, 2);
	ck_assert_uint_le(r.cap, 3 * 1024 * 1024);
	hgfs_lr_free(&r);
	close(fd);
	free(data);
}
END_TEST

/* Readers sharing a gate: a fat line takes it, the next thin line gives it
 * back with the buffer shrunk to the usual 2 MiB; freeing a reader that
 * holds it gives it back too; a buffer never grows far past max_line. */
START_TEST(test_lines_gate)
{
	const size_t fat = 5 * 1024 * 1024, size = fat + 8;
	char *data = malloc(size);
	hgfs_lr_gate gate;
	hgfs_linereader r, r2;
	const char *line;
	size_t len;
	int fd;

	ck_assert_ptr_nonnull(data);
	memset(data, 'x', size);
	data[2] = '\n';            /* "xx" */
	data[3 + fat] = '\n';      /* a fat line of 5 MiB */
	data[size - 1] = '\n';     /* "xxx" */
	fd = temp_file(data, size);
	hgfs_lr_gate_init(&gate);
	ck_assert_int_eq(hgfs_lr_init(&r, fd, 0), 0);
	r.gate = &gate;
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
	ck_assert_uint_eq(len, 2);
	ck_assert(!r.gated && !gate.busy);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
	ck_assert_uint_eq(len, fat);
	ck_assert(r.gated && gate.busy);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
	ck_assert_uint_eq(len, 3);
	ck_assert(!r.gated && !gate.busy);
	ck_assert_uint_eq(r.cap, 2 * 1024 * 1024);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 0);
	hgfs_lr_free(&r);

	/* freed on the fat line: the gate is free again */
	ck_assert_int_eq(hgfs_lr_init(&r2, fd, 0), 0);
	r2.gate = &gate;
	ck_assert_int_eq(hgfs_lr_next(&r2, &line, &len), 1);
	ck_assert_int_eq(hgfs_lr_next(&r2, &line, &len), 1);
	ck_assert(gate.busy);
	hgfs_lr_free(&r2);
	ck_assert(!gate.busy);

	/* a limit of 3 MiB: EFBIG, and the buffer stayed near the limit */
	ck_assert_int_eq(hgfs_lr_init(&r, fd, 3 * 1024 * 1024), 0);
	r.gate = &gate;
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), 1);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), -EFBIG);
	ck_assert_uint_le(r.cap, 5 * 1024 * 1024);
	hgfs_lr_free(&r);
	ck_assert(!gate.busy);
	hgfs_lr_gate_destroy(&gate);
	close(fd);
	free(data);
}
END_TEST

START_TEST(test_lines_read_error)
{
	hgfs_linereader r;
	const char *line;
	size_t len;

	ck_assert_int_eq(hgfs_lr_init(&r, -1, 0), 0);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), -EBADF);
	ck_assert_int_eq(hgfs_lr_next(&r, &line, &len), -EBADF);
	hgfs_lr_free(&r);
}
END_TEST

/* The example files line by line: every line a valid record. */
START_TEST(test_lines_examples)
{
	static const char *const files[] = {"vertices.jsonl", "edges.jsonl"};
	char path[4096], err[128];
	hgfs_linereader r;
	const char *line;
	size_t len, col;
	int fd, rc, lines = 0;

	snprintf(path, sizeof(path), "%s/%s", EXAMPLES_DIR, files[_i]);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(hgfs_lr_init(&r, fd, 0), 0);
	while ((rc = hgfs_lr_next(&r, &line, &len)) == 1) {
		hgfs_vertex_rec v;
		hgfs_edge_rec e;
		lines++;
		if (_i == 0)
			ck_assert_msg(hgfs_vertex_parse(line, len, &v, &col, err, sizeof(err)) == 0, "%s", err);
		else
			ck_assert_msg(hgfs_edge_parse(line, len, &e, &col, err, sizeof(err)) == 0, "%s", err);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(lines, 6);
	hgfs_lr_free(&r);
	close(fd);
}
END_TEST

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* ---- BLOB values read back as hex ---------------------------------------------- */

static bool blob_keys(void *ctx, const char *key, size_t len)
{
	(void)ctx;
	return (len == 4 && memcmp(key, "blob", 4) == 0) || (len == 5 && memcmp(key, "blobs", 5) == 0);
}

static const struct {
	const char *line;
	int rc;
	const char *want; /* when rc == 1 */
} blob_cases[] = {
	/* base64 "0x00" is the bytes d3 1d 34; a server would have read it as the byte 00 */
	{"{\"label\":\"v\",\"properties\":{\"blob\":\"0x00\",\"t\":\"0x00\"}}", 1,
	 "{\"label\":\"v\",\"properties\":{\"blob\":\"0xd31d34\",\"t\":\"0x00\"}}"},
	/* not starting with 0x: untouched */
	{"{\"label\":\"v\",\"properties\":{\"blob\":\"AAEC\"}}", 0, NULL},
	/* a TEXT key with 0x text: untouched */
	{"{\"label\":\"v\",\"properties\":{\"t\":\"0xT1\"}}", 0, NULL},
	/* with padding, inside a list, others in the list and the line stay byte for byte */
	{"{\"id\":12345678901234567890,\"properties\":{ \"blobs\" : [\"AA==\", \"0xAB\" ], \"blob\":\"0xT1==\"}}", 1,
	 "{\"id\":12345678901234567890,\"properties\":{ \"blobs\" : [\"AA==\", \"0xd31001\" ], \"blob\":\"0xd314f5\"}}"},
	/* 0x... that is not base64 */
	{"{\"properties\":{\"blob\":\"0x$$\"}}", -1, NULL},
};

START_TEST(test_blob_fix)
{
	const char *line = blob_cases[_i].line;
	hgfs_buf out = {0};
	rj_member props;
	char err[200] = "";
	int rc;

	ck_assert_int_eq(rj_object_get(line, strlen(line), "properties", &props), 1);
	hgfs_buf_adds(&out, "X");
	rc = hgfs_blob_fix(line, strlen(line), &props, blob_keys, NULL, &out, err, sizeof(err));
	ck_assert_int_eq(rc, blob_cases[_i].rc);
	if (rc == 1)
		ck_assert_str_eq(out.data + 1, blob_cases[_i].want);
	else
		ck_assert_str_eq(out.data, "X"); /* untouched */
	if (rc == -1)
		ck_assert_ptr_nonnull(strstr(err, "not base64"));
	hgfs_buf_free(&out);
}
END_TEST

static Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc;

	tc = tcase_create("json");
	tcase_add_test(tc, test_buf);
	tcase_add_loop_test(tc, test_json_good, 0, N(json_good));
	tcase_add_loop_test(tc, test_json_bad, 0, N(json_bad));
	tcase_add_test(tc, test_json_depth);
	tcase_add_test(tc, test_json_error_truncated);
	tcase_add_test(tc, test_json_types);
	tcase_add_test(tc, test_object_each);
	tcase_add_test(tc, test_array_each);
	tcase_add_test(tc, test_object_get);
	tcase_add_loop_test(tc, test_string, 0, N(string_cases));
	tcase_add_test(tc, test_string_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("records");
	tcase_add_loop_test(tc, test_record_good, 0, N(record_good));
	tcase_add_test(tc, test_vertex_fields);
	tcase_add_loop_test(tc, test_record_bad, 0, N(record_bad));
	tcase_add_test(tc, test_vertex_many_properties);
	tcase_add_test(tc, test_validate_walk);
	tcase_add_test(tc, test_record_check_props);
	tcase_add_loop_test(tc, test_vertex_emit, 0, N(vertex_emit_cases));
	tcase_add_loop_test(tc, test_pk_id_rewrite, 0, N(pk_cases));
	tcase_add_loop_test(tc, test_edge_emit, 0, N(edge_emit_cases));
	tcase_add_test(tc, test_edge_emit_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("schema");
	tcase_add_test(tc, test_schema_example);
	tcase_add_test(tc, test_schema_sorting);
	tcase_add_loop_test(tc, test_schema_bad, 0, N(schema_bad));
	tcase_add_loop_test(tc, test_schema_emit, 0, N(emit_cases));
	tcase_add_test(tc, test_schema_emit_example);
	tcase_add_loop_test(tc, test_schema_diff, 0, N(diff_cases));
	tcase_add_test(tc, test_schema_diff_short_out);
	suite_add_tcase(s, tc);

	tc = tcase_create("manifest and kinds");
	tcase_add_test(tc, test_manifest_example);
	tcase_add_loop_test(tc, test_manifest_cases, 0, N(manifest_cases));
	tcase_add_test(tc, test_manifest_parts);
	tcase_add_loop_test(tc, test_kind_by_name, 0, N(kind_names));
	tcase_add_test(tc, test_kind_name_unknown);
	tcase_add_loop_test(tc, test_sniff_examples, 0, N(sniff_files));
	tcase_add_loop_test(tc, test_sniff, 0, N(sniff_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("lines");
	tcase_add_test(tc, test_lines);
	tcase_add_loop_test(tc, test_lines_cases, 0, N(lr_cases));
	tcase_add_test(tc, test_lines_too_long);
	tcase_add_test(tc, test_lines_range);
	tcase_add_test(tc, test_lines_read_error);
	tcase_add_test(tc, test_lines_gate);
	tcase_add_loop_test(tc, test_lines_examples, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("blob");
	tcase_add_loop_test(tc, test_blob_fix, 0, N(blob_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(record_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
