/* test_fs.c - unit tests of the daemon's logic: path parsing, name
 * validation, mode values, snapshot bookkeeping, SHA-256. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hgfs.h"
#include "restore.h"

/* ---- paths ---------------------------------------------------------------- */

static const struct {
	const char *path;
	int rc;
	hgfs_node_type type;
	const char *graph;
	const char *name;
	int file;
	const char *rest;
} path_cases[] = {
	{"/", 0, HGFS_N_ROOT, "", "", 0, NULL},
	{"/graphs", 0, HGFS_N_GRAPHS, "", "", 0, NULL},
	{"/graphs/", 0, HGFS_N_GRAPHS, "", "", 0, NULL},
	{"/other", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphs/hugegraph", 0, HGFS_N_GRAPH, "hugegraph", "", 0, NULL},
	{"/graphs/hugegraph/schema.json", 0, HGFS_N_SNAPFILE, "hugegraph", "", HGFS_F_SCHEMA, NULL},
	{"/graphs/hugegraph/vertices.jsonl", 0, HGFS_N_SNAPFILE, "hugegraph", "", HGFS_F_VERTICES, NULL},
	{"/graphs/hugegraph/edges.jsonl", 0, HGFS_N_SNAPFILE, "hugegraph", "", HGFS_F_EDGES, NULL},
	{"/graphs/hugegraph/manifest.json", 0, HGFS_N_SNAPFILE, "hugegraph", "", HGFS_F_MANIFEST, NULL},
	{"/graphs/g/mode", 0, HGFS_N_MODE, "g", "", 0, NULL},
	{"/graphs/g/restore", 0, HGFS_N_RESTORE, "g", "", 0, NULL},
	{"/graphs/g/restore/", 0, HGFS_N_RESTORE, "g", "", 0, NULL},
	{"/graphs/g/restore/set1/vertices.jsonl", 0, HGFS_N_RESTORE_CHILD, "g", "", 0, "set1/vertices.jsonl"},
	{"/graphs/g/restore.status", 0, HGFS_N_RESTORE_STATUS, "g", "", 0, NULL},
	{"/graphs/g/export.status", 0, HGFS_N_EXPORT_STATUS, "g", "", 0, NULL},
	{"/graphs/g/sedAbc123", 0, HGFS_N_SCRATCH, "g", "sedAbc123", 0, NULL},
	{"/graphs/g/.mode.swp", 0, HGFS_N_SCRATCH, "g", ".mode.swp", 0, NULL},
	{"/graphs/g/mode/x", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphs/g/schema.json/x", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphs/..", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphs/g/..", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"relative", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphs/tab\tname", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphs/unicodé", 0, HGFS_N_GRAPH, "unicodé", "", 0, NULL},
};

START_TEST(test_parse_path)
{
	hgfs_path p;
	int rc = hgfs_parse_path(path_cases[_i].path, &p);

	ck_assert_msg(rc == path_cases[_i].rc, "%s: rc %d, want %d", path_cases[_i].path, rc, path_cases[_i].rc);
	if (rc != 0)
		return;
	ck_assert_int_eq(p.type, path_cases[_i].type);
	ck_assert_str_eq(p.graph, path_cases[_i].graph);
	ck_assert_str_eq(p.name, path_cases[_i].name);
	if (p.type == HGFS_N_SNAPFILE)
		ck_assert_int_eq(p.file, path_cases[_i].file);
	if (path_cases[_i].rest != NULL)
		ck_assert_str_eq(p.rest, path_cases[_i].rest);
}
END_TEST

START_TEST(test_parse_path_too_long)
{
	char path[600];
	hgfs_path p;

	strcpy(path, "/graphs/");
	memset(path + 8, 'a', 300);
	path[308] = '\0';
	ck_assert_int_eq(hgfs_parse_path(path, &p), -ENAMETOOLONG);
	/* exactly 255 bytes is fine */
	path[8 + 255] = '\0';
	ck_assert_int_eq(hgfs_parse_path(path, &p), 0);
	ck_assert_int_eq(p.type, HGFS_N_GRAPH);
}
END_TEST

START_TEST(test_valid_name)
{
	char longname[300];

	ck_assert(hgfs_valid_name("hugegraph"));
	ck_assert(hgfs_valid_name("g_1"));
	ck_assert(hgfs_valid_name("..."));
	ck_assert(!hgfs_valid_name(""));
	ck_assert(!hgfs_valid_name(NULL));
	ck_assert(!hgfs_valid_name("."));
	ck_assert(!hgfs_valid_name(".."));
	ck_assert(!hgfs_valid_name("a/b"));
	ck_assert(!hgfs_valid_name("line\nbreak"));
	ck_assert(!hgfs_valid_name("del\x7f"));
	memset(longname, 'x', 256);
	longname[256] = '\0';
	ck_assert(!hgfs_valid_name(longname));
	longname[255] = '\0';
	ck_assert(hgfs_valid_name(longname));
}
END_TEST

/* ---- mode values ------------------------------------------------------------ */

static const struct {
	const char *in;
	hgfs_modeval_state st;
	hg_mode mode;
} modeval_cases[] = {
	{"", HGFS_MV_EMPTY, 0},
	{"  \n", HGFS_MV_EMPTY, 0},
	{"NONE\n", HGFS_MV_TERMINATED, HG_MODE_NONE},
	{"none", HGFS_MV_COMPLETE, HG_MODE_NONE},
	{"RESTORING\n", HGFS_MV_TERMINATED, HG_MODE_RESTORING},
	{"  Restoring  \n\n", HGFS_MV_TERMINATED, HG_MODE_RESTORING},
	{"merging", HGFS_MV_COMPLETE, HG_MODE_MERGING},
	{"\tMERGING\r\n", HGFS_MV_TERMINATED, HG_MODE_MERGING},
	{"REST", HGFS_MV_PARTIAL, 0},
	{"m", HGFS_MV_PARTIAL, 0},
	{"REST\n", HGFS_MV_INVALID, 0},
	{"BOGUS\n", HGFS_MV_INVALID, 0},
	{"B", HGFS_MV_INVALID, 0},
	{"LOADING\n", HGFS_MV_INVALID, 0},
	{"NONE RESTORING\n", HGFS_MV_INVALID, 0},
	{"NONEX", HGFS_MV_INVALID, 0},
	{"\"NONE\"", HGFS_MV_INVALID, 0},
	{"RESTORINGG", HGFS_MV_INVALID, 0},
};

START_TEST(test_modeval)
{
	hg_mode m = HG_MODE__COUNT;
	hgfs_modeval_state st = hgfs_modeval(modeval_cases[_i].in, strlen(modeval_cases[_i].in), &m);

	ck_assert_msg(st == modeval_cases[_i].st, "'%s': state %d, want %d", modeval_cases[_i].in, st,
		      modeval_cases[_i].st);
	if (st == HGFS_MV_COMPLETE || st == HGFS_MV_TERMINATED)
		ck_assert_int_eq(m, modeval_cases[_i].mode);
}
END_TEST

START_TEST(test_modeval_bytewise)
{
	/* fed one byte at a time, a valid value never looks invalid on the way */
	const char *v = "  restoring\n";
	for (size_t n = 0; n <= strlen(v); n++)
		ck_assert_int_ne(hgfs_modeval(v, n, NULL), HGFS_MV_INVALID);
	ck_assert_int_eq(hgfs_modeval(v, strlen(v), NULL), HGFS_MV_TERMINATED);
}
END_TEST

/* ---- snapshot bookkeeping ------------------------------------------------------ */

START_TEST(test_snapshot_expiry)
{
	hgfs_snapshot s;
	struct timespec now = {.tv_sec = 1000, .tv_nsec = 0};

	memset(&s, 0, sizeof(s));
	s.last_use = (struct timespec){.tv_sec = 990, .tv_nsec = 0};
	ck_assert(!hgfs_snapshot_expired(&s, &now, 30));
	ck_assert(hgfs_snapshot_expired(&s, &now, 5));
	ck_assert(hgfs_snapshot_expired(&s, &now, 0));
	/* an open file keeps its snapshot current, however old */
	s.open_files = 1;
	ck_assert(!hgfs_snapshot_expired(&s, &now, 0));
	s.open_files = 0;
	s.last_use = now;
	ck_assert(!hgfs_snapshot_expired(&s, &now, 0));
	/* sub-second precision */
	s.last_use = (struct timespec){.tv_sec = 999, .tv_nsec = 600000000};
	ck_assert(!hgfs_snapshot_expired(&s, &now, 0.5));
	ck_assert(hgfs_snapshot_expired(&s, &now, 0.3));
}
END_TEST

START_TEST(test_snapshot_mtime)
{
	struct timespec zero = {0, 0}, now = {.tv_sec = 5000, .tv_nsec = 700};
	struct timespec t1 = hgfs_snapshot_mtime(&now, &zero);
	struct timespec t2, t3;

	ck_assert_int_eq(t1.tv_sec, 5000);
	ck_assert_int_eq(t1.tv_nsec, 0);
	/* a second snapshot in the same second still gets a later mtime */
	t2 = hgfs_snapshot_mtime(&now, &t1);
	ck_assert_int_eq(t2.tv_sec, 5001);
	t3 = hgfs_snapshot_mtime(&now, &t2);
	ck_assert_int_eq(t3.tv_sec, 5002);
	/* time moving on is used as is */
	now.tv_sec = 9000;
	ck_assert_int_eq(hgfs_snapshot_mtime(&now, &t3).tv_sec, 9000);
}
END_TEST

/* ---- SHA-256 ----------------------------------------------------------------------- */

static const struct {
	const char *in;
	const char *hex;
} sha_cases[] = {
	{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
};

START_TEST(test_sha256_vectors)
{
	hgfs_sha256 s;
	char hex[65];

	ck_assert_int_eq(hgfs_sha256_init(&s), 0);
	hgfs_sha256_update(&s, sha_cases[_i].in, strlen(sha_cases[_i].in));
	hgfs_sha256_final(&s, hex);
	ck_assert_str_eq(hex, sha_cases[_i].hex);
}
END_TEST

START_TEST(test_sha256_chunked)
{
	/* a million 'a's, fed in odd chunk sizes */
	static char buf[1000000];
	hgfs_sha256 s;
	char hex[65];
	size_t off = 0, step = 1;

	memset(buf, 'a', sizeof(buf));
	ck_assert_int_eq(hgfs_sha256_init(&s), 0);
	while (off < sizeof(buf)) {
		size_t n = step < sizeof(buf) - off ? step : sizeof(buf) - off;
		hgfs_sha256_update(&s, buf + off, n);
		off += n;
		step = step * 3 % 977 + 1;
	}
	hgfs_sha256_final(&s, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* ---- memory-backend shards ---------------------------------------------------- */

/* ---- a file against its set's manifest ------------------------------------------- */

static const char SHA_A[] = "6e4d315014520c32efc921f2e9fc19aeed4f5a55733835f8a778ff51ba46ca77";
static const char SHA_B[] = "c3173e96ec5834cfc26d496b64dd4089459a7eec83c702769879dcdb09624e78";

static const struct {
	hgfs_kind kind;
	off_t size;
	const char *sha;
	int64_t count; /* vertices or edges; for the schema: its vertex labels */
	int rc;
	const char *why; /* a part of the reason */
} manifest_cases[] = {
	{HGFS_K_VERTICES, 642, SHA_A, 6, 0, NULL},
	{HGFS_K_VERTICES, 600, SHA_A, 6, -EINVAL, "size 600 differs from the manifest's 642"},
	{HGFS_K_VERTICES, 642, SHA_B, 6, -EINVAL, "SHA-256 differs"},
	{HGFS_K_VERTICES, 642, SHA_A, 5, -EINVAL, "5 vertices, the manifest says 6"},
	{HGFS_K_EDGES, 1092, SHA_B, 6, 0, NULL},
	{HGFS_K_EDGES, 1092, SHA_B, 7, -EINVAL, "7 edges"},
	{HGFS_K_SCHEMA, 3363, SHA_B, 2, 0, NULL},
	{HGFS_K_SCHEMA, 3363, SHA_B, 3, -EINVAL, "3 vertexlabels, the manifest says 2"},
	/* not a data file: nothing to check */
	{HGFS_K_MANIFEST, 1, SHA_A, 0, 0, NULL},
};

START_TEST(test_manifest_check)
{
	hgfs_manifest m;
	hgfs_rentry e;
	char why[512] = "";

	memset(&m, 0, sizeof(m));
	m.file[HGFS_K_VERTICES] = (hgfs_manifest_file){true, 642, ""};
	strcpy(m.file[HGFS_K_VERTICES].sha256, SHA_A);
	m.file[HGFS_K_EDGES] = (hgfs_manifest_file){true, 1092, ""};
	strcpy(m.file[HGFS_K_EDGES].sha256, SHA_B);
	m.file[HGFS_K_SCHEMA] = (hgfs_manifest_file){true, 3363, ""};
	strcpy(m.file[HGFS_K_SCHEMA].sha256, SHA_B);
	for (int t = 0; t < HG_SCHEMA__COUNT; t++)
		m.count_schema[t] = -1;
	m.count_schema[HG_SCHEMA_VERTEXLABELS] = 2;
	m.count_vertices = 6;
	m.count_edges = 6;

	memset(&e, 0, sizeof(e));
	e.measured = true;
	e.kind = manifest_cases[_i].kind;
	e.m_size = manifest_cases[_i].size;
	strcpy(e.m_sha256, manifest_cases[_i].sha);
	for (int t = 0; t < HG_SCHEMA__COUNT + 2; t++)
		e.m_count[t] = -1;
	if (e.kind == HGFS_K_SCHEMA)
		e.m_count[HG_SCHEMA_VERTEXLABELS] = manifest_cases[_i].count;
	else if (e.kind == HGFS_K_VERTICES)
		e.m_count[HGFS_COUNT_VERTICES] = manifest_cases[_i].count;
	else
		e.m_count[HGFS_COUNT_EDGES] = manifest_cases[_i].count;
	ck_assert_int_eq(hgfs_manifest_check(&m, &e, why, sizeof(why)), manifest_cases[_i].rc);
	if (manifest_cases[_i].why)
		ck_assert_msg(strstr(why, manifest_cases[_i].why) != NULL, "'%s'", why);

	/* a file that was never measured passes */
	e.measured = false;
	ck_assert_int_eq(hgfs_manifest_check(&m, &e, why, sizeof(why)), 0);
}
END_TEST

static Suite *fs_suite(void)
{
	Suite *s = suite_create("fs");
	TCase *tc;

	tc = tcase_create("paths");
	tcase_add_loop_test(tc, test_parse_path, 0, sizeof(path_cases) / sizeof(path_cases[0]));
	tcase_add_test(tc, test_parse_path_too_long);
	tcase_add_test(tc, test_valid_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("mode values");
	tcase_add_loop_test(tc, test_modeval, 0, sizeof(modeval_cases) / sizeof(modeval_cases[0]));
	tcase_add_test(tc, test_modeval_bytewise);
	suite_add_tcase(s, tc);

	tc = tcase_create("snapshots");
	tcase_add_test(tc, test_snapshot_expiry);
	tcase_add_test(tc, test_snapshot_mtime);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory shards");
	suite_add_tcase(s, tc);

	tc = tcase_create("sha256");
	tcase_add_loop_test(tc, test_sha256_vectors, 0, sizeof(sha_cases) / sizeof(sha_cases[0]));
	tcase_add_test(tc, test_sha256_chunked);
	suite_add_tcase(s, tc);

	tc = tcase_create("manifest checks");
	tcase_add_loop_test(tc, test_manifest_check, 0, sizeof(manifest_cases) / sizeof(manifest_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
