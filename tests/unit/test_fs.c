/* test_fs.c - unit tests of the daemon's logic: path parsing, name
 * validation, mode values, snapshot bookkeeping, SHA-256, written ranges. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consist.h"
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

/* /graphspaces/<gs>/...: the graphspace in p.space ("" for /graphs/...) */
static const struct {
	const char *path;
	int rc;
	hgfs_node_type type;
	const char *space;
	const char *graph;
	int file;
	const char *rest;
} space_path_cases[] = {
	{"/graphspaces", 0, HGFS_N_SPACES, "", "", 0, NULL},
	{"/graphspaces/", 0, HGFS_N_SPACES, "", "", 0, NULL},
	{"/graphspaces/gs1", 0, HGFS_N_SPACE, "gs1", "", 0, NULL},
	{"/graphspaces/gs1/", 0, HGFS_N_SPACE, "gs1", "", 0, NULL},
	{"/graphspaces/gs1/graphspace.json", 0, HGFS_N_SPACE_DEF, "gs1", "", 0, NULL},
	{"/graphspaces/gs1/graphspace.json/x", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphspaces/gs1/graphs", 0, HGFS_N_GRAPHS, "gs1", "", 0, NULL},
	{"/graphspaces/gs1/graphs/", 0, HGFS_N_GRAPHS, "gs1", "", 0, NULL},
	{"/graphspaces/gs1/graphs/g", 0, HGFS_N_GRAPH, "gs1", "g", 0, NULL},
	{"/graphspaces/gs1/graphs/g/edges.jsonl", 0, HGFS_N_SNAPFILE, "gs1", "g", HGFS_F_EDGES, NULL},
	{"/graphspaces/gs1/graphs/g/mode", 0, HGFS_N_MODE, "gs1", "g", 0, NULL},
	{"/graphspaces/gs1/graphs/g/restore/a/b", 0, HGFS_N_RESTORE_CHILD, "gs1", "g", 0, "a/b"},
	{"/graphspaces/DEFAULT/graphs/g/export.status", 0, HGFS_N_EXPORT_STATUS, "DEFAULT", "g", 0, NULL},
	{"/graphspaces/gs1/other", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphspaces/gs1/graphspace.json.tmp", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphspaces/..", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphspaces/a\nb/graphs", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphspaces/gs1/graphs/..", -ENOENT, HGFS_N_NONE, "", "", 0, NULL},
	{"/graphs/g/mode", 0, HGFS_N_MODE, "", "g", 0, NULL},
	{"/graphs", 0, HGFS_N_GRAPHS, "", "", 0, NULL},
};

START_TEST(test_parse_space_path)
{
	hgfs_path p;
	int rc = hgfs_parse_path(space_path_cases[_i].path, &p);

	ck_assert_msg(rc == space_path_cases[_i].rc, "%s: rc %d, want %d", space_path_cases[_i].path, rc,
		      space_path_cases[_i].rc);
	if (rc != 0)
		return;
	ck_assert_int_eq(p.type, space_path_cases[_i].type);
	ck_assert_str_eq(p.space, space_path_cases[_i].space);
	ck_assert_str_eq(p.graph, space_path_cases[_i].graph);
	if (p.type == HGFS_N_SNAPFILE)
		ck_assert_int_eq(p.file, space_path_cases[_i].file);
	if (space_path_cases[_i].rest != NULL)
		ck_assert_str_eq(p.rest, space_path_cases[_i].rest);
}
END_TEST

START_TEST(test_parse_space_path_too_long)
{
	char path[600];
	hgfs_path p;

	strcpy(path, "/graphspaces/");
	memset(path + 13, 'a', 300);
	strcpy(path + 313, "/graphs");
	ck_assert_int_eq(hgfs_parse_path(path, &p), -ENAMETOOLONG);
	memset(path + 13, 'a', 255);
	strcpy(path + 13 + 255, "/graphs/g");
	ck_assert_int_eq(hgfs_parse_path(path, &p), 0);
	ck_assert_int_eq(p.type, HGFS_N_GRAPH);
	ck_assert_uint_eq(strlen(p.space), 255);
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
	s.made = (struct timespec){.tv_sec = 990, .tv_nsec = 0};
	ck_assert(!hgfs_snapshot_expired(&s, &now, 30));
	ck_assert(hgfs_snapshot_expired(&s, &now, 5));
	ck_assert(hgfs_snapshot_expired(&s, &now, 0));
	/* counted from when it was made: neither a recent use nor an open file
	 * keeps it for new opens (the open file keeps it for itself) */
	s.last_use = now;
	s.open_files = 1;
	ck_assert(hgfs_snapshot_expired(&s, &now, 5));
	s.open_files = 0;
	s.made = now;
	ck_assert(!hgfs_snapshot_expired(&s, &now, 0));
	/* a change through the mount: stale at once */
	s.stale = true;
	ck_assert(hgfs_snapshot_expired(&s, &now, 30));
	s.stale = false;
	/* sub-second precision */
	s.made = (struct timespec){.tv_sec = 999, .tv_nsec = 600000000};
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
	hgfs_import_status e;
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

/* ---- written ranges ------------------------------------------------------- */

/* The set agrees with a byte map: sorted, disjoint, not adjacent, and
 * covering exactly the bytes marked. */
static void ranges_match(const hgfs_ranges *s, const unsigned char *map, off_t len)
{
	off_t at = 0;
	size_t i = 0;

	while (at < len) {
		if (!map[at]) {
			at++;
			continue;
		}
		off_t start = at;
		while (at < len && map[at])
			at++;
		ck_assert_uint_lt(i, s->n);
		ck_assert_int_eq(s->r[i].start, start);
		ck_assert_int_eq(s->r[i].end, at);
		i++;
	}
	ck_assert_uint_eq(i, s->n);
}

START_TEST(test_ranges_random)
{
	enum { LEN = 4096 };
	static unsigned char map[LEN];
	hgfs_ranges s = {0};
	unsigned seed = 12345;

	memset(map, 0, sizeof(map));
	for (int round = 0; round < 3000; round++) {
		seed = seed * 1103515245u + 12345u;
		off_t start = (seed >> 8) % LEN;
		seed = seed * 1103515245u + 12345u;
		off_t end = start + (seed >> 8) % 64;
		if (end > LEN)
			end = LEN;
		if (round % 500 == 499) {
			/* a truncate now and then */
			hgfs_ranges_clip(&s, start);
			memset(map + start, 0, LEN - (size_t)start);
		} else {
			ck_assert_int_eq(hgfs_ranges_add(&s, start, end), 0);
			memset(map + start, 1, (size_t)(end - start));
		}
		ranges_match(&s, map, LEN);
	}
	hgfs_ranges_free(&s);
}
END_TEST

START_TEST(test_ranges_complete)
{
	hgfs_ranges s = {0};

	/* blocks in reverse order: complete only with the first */
	for (off_t b = 9; b >= 1; b--) {
		ck_assert_int_eq(hgfs_ranges_add(&s, b * 100, b * 100 + 100), 0);
		ck_assert_int_eq(hgfs_ranges_prefix(&s), 0);
	}
	ck_assert_uint_eq(s.n, 1); /* adjacent blocks merged */
	ck_assert_int_eq(hgfs_ranges_total(&s), 900);
	ck_assert_int_eq(hgfs_ranges_add(&s, 0, 100), 0);
	ck_assert_int_eq(hgfs_ranges_prefix(&s), 1000);
	hgfs_ranges_clip(&s, 250);
	ck_assert_int_eq(hgfs_ranges_prefix(&s), 250);
	hgfs_ranges_clip(&s, 0);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_int_eq(hgfs_ranges_add(&s, 5, 5), 0); /* empty: nothing */
	ck_assert_uint_eq(s.n, 0);
	hgfs_ranges_free(&s);
}
END_TEST

START_TEST(test_ranges_bounded)
{
	hgfs_ranges s = {0};

	for (off_t i = 0; i < HGFS_RANGES_MAX; i++)
		ck_assert_int_eq(hgfs_ranges_add(&s, i * 2, i * 2 + 1), 0);
	/* one more separate range is refused, and the set is unchanged */
	ck_assert_int_eq(hgfs_ranges_add(&s, HGFS_RANGES_MAX * 2, HGFS_RANGES_MAX * 2 + 1), -ENOMEM);
	ck_assert_uint_eq(s.n, HGFS_RANGES_MAX);
	/* filling a gap still works: it merges */
	ck_assert_int_eq(hgfs_ranges_add(&s, 1, 2), 0);
	ck_assert_uint_eq(s.n, HGFS_RANGES_MAX - 1);
	ck_assert_int_eq(hgfs_ranges_prefix(&s), 3);
	hgfs_ranges_free(&s);
}
END_TEST

/* ---- consistency checks (consist.c) ------------------------------------------ */

START_TEST(test_idset)
{
	hgfs_idset s = {0};

	ck_assert_int_eq(hgfs_idset_add(&s, 42, 1 << 20), 1);
	ck_assert_int_eq(hgfs_idset_add(&s, 42, 1 << 20), 0);
	ck_assert_int_eq(hgfs_idset_add(&s, 0, 1 << 20), 1); /* 0 is stored as 1 */
	ck_assert(hgfs_idset_has(&s, 0));
	ck_assert_int_eq(hgfs_idset_add(&s, 1, 1 << 20), 0);
	for (uint64_t i = 2; i < 50000; i++)
		ck_assert_int_eq(hgfs_idset_add(&s, hgfs_id_hash(&i, sizeof(i)), 1 << 20), 1);
	for (uint64_t i = 2; i < 50000; i++)
		ck_assert(hgfs_idset_has(&s, hgfs_id_hash(&i, sizeof(i))));
	ck_assert(!hgfs_idset_has(&s, 7));
	hgfs_idset_free(&s);
}
END_TEST

START_TEST(test_idset_budget)
{
	/* old and new table together stay within the budget: 2 MiB is 262144
	   slots; 65536 doubled could not double again, so it takes the 196608
	   slots left (147456 ids at load 3/4) and then no more */
	hgfs_idset s = {0};
	const size_t budget = 2 << 20;
	uint64_t i;
	int rc = 1;

	for (i = 1; rc == 1; i++)
		rc = hgfs_idset_add(&s, hgfs_id_hash(&i, sizeof(i)), budget);
	ck_assert_int_eq(rc, -ENOSPC);
	ck_assert_uint_eq(s.n, 147456);
	ck_assert_uint_eq(s.cap, 196608);
	ck_assert_uint_le(hgfs_idset_bytes(&s) + 65536 * sizeof(uint64_t), budget);
	for (uint64_t j = 1; j < i - 1; j++)
		ck_assert(hgfs_idset_has(&s, hgfs_id_hash(&j, sizeof(j))));
	ck_assert_int_eq(hgfs_idset_add(&s, hgfs_id_hash(&i, sizeof(i)) ^ 1, budget), -ENOSPC);
	ck_assert_int_eq(hgfs_idset_add(&s, hgfs_id_hash("\x01\0\0\0\0\0\0\0", 8), budget), 0);
	hgfs_idset_free(&s);
}
END_TEST

START_TEST(test_id_hash_bytes)
{
	/* the raw bytes decide: the number 1 and the string "1" differ, and so do
	   lengths that pad alike */
	ck_assert_uint_ne(hgfs_id_hash("1", 1), hgfs_id_hash("\"1\"", 3));
	ck_assert_uint_ne(hgfs_id_hash("a", 1), hgfs_id_hash("a\0", 2));
	ck_assert_uint_ne(hgfs_id_hash("12345678a", 9), hgfs_id_hash("12345678b", 9));
	ck_assert_uint_eq(hgfs_id_hash("\"1:marko\"", 9), hgfs_id_hash("\"1:marko\"", 9));
}
END_TEST

static const struct {
	const char *name, *vertices, *edges;
	uint64_t dup_v, split, dangling, owners, unreadable;
} consist_cases[] = {
	{"clean", "{\"id\":1,\"label\":\"p\"}\n{\"id\":\"2:x\",\"label\":\"p\"}\n",
	 "{\"id\":\"S1>1>>S2:x\",\"label\":\"k\",\"type\":\"edge\",\"outV\":1,\"outVLabel\":\"p\",\"inV\":\"2:x\"}\n"
	 "{\"id\":\"S1>2>>S1\",\"label\":\"k\",\"type\":\"edge\",\"outV\":1,\"outVLabel\":\"p\",\"inV\":1}\n"
	 "{\"id\":\"S2:x>1>>S1\",\"label\":\"k\",\"type\":\"edge\",\"outV\":\"2:x\",\"outVLabel\":\"p\",\"inV\":1}\n",
	 0, 0, 0, 2, 0},
	{"vertex id twice", "{\"id\":1}\n{\"id\":2}\n{\"id\":1}\n", "", 1, 0, 0, 0, 0},
	{"a source's edges in two places", "{\"id\":1}\n{\"id\":2}\n",
	 "{\"id\":\"a\",\"outV\":1,\"inV\":2}\n{\"id\":\"b\",\"outV\":1,\"inV\":2}\n{\"id\":\"c\",\"outV\":2,\"inV\":1}\n"
	 "{\"id\":\"d\",\"outV\":1,\"inV\":1}\n",
	 0, 1, 0, 3, 0},
	{"endpoint absent", "{\"id\":1}\n", "{\"id\":\"e\",\"outV\":1,\"inV\":2}\n{\"id\":\"f\",\"outV\":3,\"inV\":4}\n", 0, 0,
	 3, 2, 0},
	{"number and string ids differ", "{\"id\":1}\n", "{\"id\":\"e\",\"outV\":\"1\",\"inV\":1}\n", 0, 0, 1, 1, 0},
	{"escapes are bytes", "{\"id\":\"a\\u0041\"}\n", "{\"id\":\"e\",\"outV\":\"aA\",\"inV\":\"a\\u0041\"}\n", 0, 0, 1, 1,
	 0},
	{"one run a source", "{\"id\":1}\n{\"id\":2}\n",
	 "{\"id\":\"a\",\"outV\":1,\"inV\":2}\n{\"id\":\"b\",\"outV\":1,\"inV\":2}\n{\"id\":\"c\",\"outV\":2,\"inV\":1}\n",
	 0, 0, 0, 2, 0},
	{"no id", "{\"label\":\"p\"}\n{\"id\":1}\n", "{\"id\":\"e\",\"inV\":1}\n", 0, 0, 0, 0, 2},
	{"last line without newline", "{\"id\":1}\n{\"id\":1}", "", 1, 0, 0, 0, 0},
};

static void consist_run(hgfs_consist *c, int i, size_t piece)
{
	const char *text[2] = {consist_cases[i].vertices, consist_cases[i].edges};

	for (int k = HG_KIND_VERTEX; k <= HG_KIND_EDGE; k++) {
		size_t len = strlen(text[k]);
		hgfs_consist_begin(c, (hg_kind)k);
		for (size_t off = 0; off < len; off += piece)
			ck_assert_int_eq(hgfs_consist_feed(c, text[k] + off, len - off < piece ? len - off : piece), 0);
		ck_assert_int_eq(hgfs_consist_end(c), 0);
	}
}

START_TEST(test_consist_cases)
{
	/* fed whole, and in pieces of every size up to 40 bytes: the same */
	for (size_t piece = 1; piece <= 41; piece++) {
		hgfs_consist c;
		hgfs_consist_init(&c, HGFS_CONSIST_BUDGET);
		consist_run(&c, _i, piece == 41 ? 1 << 20 : piece);
		ck_assert_msg(c.dup_vertices == consist_cases[_i].dup_v, "%s: dup_vertices %llu", consist_cases[_i].name,
			      (unsigned long long)c.dup_vertices);
		ck_assert_msg(c.split_sources == consist_cases[_i].split, "%s: split_sources", consist_cases[_i].name);
		ck_assert_msg(c.dangling == consist_cases[_i].dangling, "%s: dangling %llu", consist_cases[_i].name,
			      (unsigned long long)c.dangling);
		ck_assert_msg(c.owners == consist_cases[_i].owners, "%s: owners %llu", consist_cases[_i].name,
			      (unsigned long long)c.owners);
		ck_assert_msg(c.unreadable == consist_cases[_i].unreadable, "%s: unreadable", consist_cases[_i].name);
		ck_assert(hgfs_consist_vertex_ids_checked(&c) == (consist_cases[_i].unreadable == 0));
		ck_assert(hgfs_consist_endpoints_checked(&c) == (consist_cases[_i].unreadable == 0));
		ck_assert((c.example[0] != '\0') ==
			  (consist_cases[_i].dup_v + consist_cases[_i].split + consist_cases[_i].dangling > 0));
		hgfs_consist_free(&c);
	}
}
END_TEST

START_TEST(test_consist_dangling_print)
{
	/* the fingerprint of the absent endpoints does not depend on their order,
	   and differs for other ones */
	const char *a = "{\"id\":\"e\",\"outV\":7,\"inV\":8}\n{\"id\":\"f\",\"outV\":9,\"inV\":9}\n";
	const char *b = "{\"id\":\"f\",\"outV\":9,\"inV\":9}\n{\"id\":\"e\",\"outV\":7,\"inV\":8}\n";
	const char *c3 = "{\"id\":\"f\",\"outV\":9,\"inV\":9}\n{\"id\":\"e\",\"outV\":7,\"inV\":6}\n";
	const char *in[3] = {a, b, c3};
	uint64_t print[3];

	for (int i = 0; i < 3; i++) {
		hgfs_consist c;
		hgfs_consist_init(&c, HGFS_CONSIST_BUDGET);
		hgfs_consist_begin(&c, HG_KIND_VERTEX);
		hgfs_consist_feed(&c, "{\"id\":1}\n", 9);
		hgfs_consist_begin(&c, HG_KIND_EDGE);
		hgfs_consist_feed(&c, in[i], strlen(in[i]));
		ck_assert_uint_eq(c.dangling, 4);
		print[i] = c.dangling_print;
		hgfs_consist_free(&c);
	}
	ck_assert_uint_eq(print[0], print[1]);
	ck_assert_uint_ne(print[0], print[2]);
}
END_TEST

START_TEST(test_consist_long_line)
{
	/* a line longer than the head that is looked at: ids first are found,
	   an id beyond the head makes the line unreadable (checks incomplete) */
	size_t big = HGFS_CONSIST_HEAD + 1000;
	char *line = malloc(big + 64);
	hgfs_consist c;
	int n;

	ck_assert_ptr_nonnull(line);
	n = sprintf(line, "{\"id\":1,\"p\":\"");
	memset(line + n, 'x', big);
	strcpy(line + n + big, "\"}\n");
	hgfs_consist_init(&c, HGFS_CONSIST_BUDGET);
	hgfs_consist_begin(&c, HG_KIND_VERTEX);
	for (size_t off = 0, len = strlen(line); off < len; off += 4096)
		ck_assert_int_eq(hgfs_consist_feed(&c, line + off, len - off < 4096 ? len - off : 4096), 0);
	ck_assert_int_eq(hgfs_consist_feed(&c, line, strlen(line)), 0);
	ck_assert_uint_eq(c.dup_vertices, 1);
	ck_assert_uint_eq(c.unreadable, 0);
	n = sprintf(line, "{\"p\":\"");
	memset(line + n, 'x', big);
	strcpy(line + n + big, "\",\"id\":2}\n");
	for (size_t off = 0, len = strlen(line); off < len; off += 4096)
		ck_assert_int_eq(hgfs_consist_feed(&c, line + off, len - off < 4096 ? len - off : 4096), 0);
	ck_assert_uint_eq(c.unreadable, 1);
	ck_assert(!hgfs_consist_vertex_ids_checked(&c));
	ck_assert_uint_le(c.line.cap, 2 * HGFS_CONSIST_HEAD + 2);
	hgfs_consist_free(&c);
	free(line);
}
END_TEST

START_TEST(test_consist_budget)
{
	/* a vertex set beyond the budget is dropped: no duplicate or endpoint
	   check, and nothing is reported as found */
	hgfs_consist c;
	char line[64];

	hgfs_consist_init(&c, 64 * 1024);
	hgfs_consist_begin(&c, HG_KIND_VERTEX);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(line, sizeof(line), "{\"id\":%d}\n", i % 15000);
		ck_assert_int_eq(hgfs_consist_feed(&c, line, (size_t)n), 0);
	}
	ck_assert(c.vertices_over);
	ck_assert(!hgfs_consist_vertex_ids_checked(&c));
	ck_assert_ptr_null(c.vertices.slot);
	hgfs_consist_begin(&c, HG_KIND_EDGE);
	ck_assert_int_eq(hgfs_consist_feed(&c, "{\"id\":\"e\",\"outV\":-1,\"inV\":-2}\n", 31), 0);
	ck_assert_uint_eq(c.dangling, 0);
	ck_assert(!hgfs_consist_endpoints_checked(&c));
	ck_assert(hgfs_consist_edge_runs_checked(&c));
	hgfs_consist_free(&c);
}
END_TEST

static const struct {
	const char *members;
	int rc, consistent;
	const char *consistency;
} consistent_cases[] = {
	{"", 0, -1, ""},
	{",\"consistent\":true,\"consistency\":\"no change seen\"", 0, 1, "no change seen"},
	{",\"consistent\":false,\"consistency\":\"a\\nb\"", 0, 0, "a b"},
	{",\"consistent\":\"false\"", -1, -1, ""},
	{",\"consistent\":0", -1, -1, ""},
	{",\"consistency\":7", 0, -1, ""},
};

START_TEST(test_manifest_consistent)
{
	char text[512], err[256];
	hgfs_manifest m;
	int n = snprintf(text, sizeof(text), "{\"format\":\"hugegraphfs-backup\",\"format_version\":1%s}",
			 consistent_cases[_i].members);

	ck_assert_int_eq(hgfs_manifest_parse(text, (size_t)n, &m, err, sizeof(err)), consistent_cases[_i].rc);
	if (consistent_cases[_i].rc == 0) {
		ck_assert_int_eq(m.consistent, consistent_cases[_i].consistent);
		ck_assert_str_eq(m.consistency, consistent_cases[_i].consistency);
	}
}
END_TEST

static Suite *fs_suite(void)
{
	Suite *s = suite_create("fs");
	TCase *tc;

	tc = tcase_create("paths");
	tcase_add_loop_test(tc, test_parse_path, 0, sizeof(path_cases) / sizeof(path_cases[0]));
	tcase_add_loop_test(tc, test_parse_space_path, 0, sizeof(space_path_cases) / sizeof(space_path_cases[0]));
	tcase_add_test(tc, test_parse_space_path_too_long);
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

	tc = tcase_create("written ranges");
	tcase_add_test(tc, test_ranges_random);
	tcase_add_test(tc, test_ranges_complete);
	tcase_add_test(tc, test_ranges_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_create("manifest checks");
	tcase_add_loop_test(tc, test_manifest_check, 0, sizeof(manifest_cases) / sizeof(manifest_cases[0]));
	tcase_add_loop_test(tc, test_manifest_consistent, 0, sizeof(consistent_cases) / sizeof(consistent_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("consistency checks");
	tcase_add_test(tc, test_idset);
	tcase_add_test(tc, test_idset_budget);
	tcase_add_test(tc, test_id_hash_bytes);
	tcase_add_loop_test(tc, test_consist_cases, 0, sizeof(consist_cases) / sizeof(consist_cases[0]));
	tcase_add_test(tc, test_consist_dangling_print);
	tcase_add_test(tc, test_consist_long_line);
	tcase_add_test(tc, test_consist_budget);
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
