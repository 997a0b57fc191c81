/* test_engine.c - the backup engine (backup/) without a mount: exports and
 * imports run through the client library against the reference server,
 * started here as a child process, and the results are checked byte by
 * byte and against the server. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child_server.h"
#include "errmap.h"
#include "export.h"
#include "hgclient.h"
#include "import.h"
#include "modenote.h"
#include "olap.h"
#include "restore.h"
#include "sha256.h"

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* The bytes of fd (whole file) */
static char *slurp(int fd, off_t size)
{
	char *b = malloc((size_t)size + 1);
	off_t done = 0;

	ck_assert_ptr_nonnull(b);
	while (done < size) {
		ssize_t n = pread(fd, b + done, (size_t)(size - done), done);
		ck_assert_int_gt(n, 0);
		done += n;
	}
	b[size] = '\0';
	return b;
}

static size_t count_lines(const char *b)
{
	size_t n = 0;

	for (; *b; b++)
		n += *b == '\n';
	return n;
}

static hgfs_export_opts opts(hg_client *c, long parallel, long split)
{
	hgfs_export_opts o = {
		.client = c, .spool_dir = "/tmp", .split_size = split, .page_limit = 200,
		.parallel = parallel, .export_retries = 1,
	};
	return o;
}

/* Every file of the set: its size is the spool file's, its hash that of its
 * bytes; the element files hold the generated counts, one a line, and the
 * manifest lists them and says the set is consistent. */
START_TEST(test_export_set)
{
	const char *args[] = {"--persona", "1.7", "--generate", "g=700,1500,7", NULL};
	server s;
	hg_client *c;
	hgfs_snapset set;
	hgfs_progress prog;
	struct timespec mtime = {.tv_sec = 1700000000};

	server_start(&s, args);
	c = client_open(&s);
	hgfs_export_opts o = opts(c, 3, 1L << 20);
	memset(&prog, 0, sizeof(prog));
	hgfs_progress_begin(&prog);
	ck_assert_int_eq(hgfs_export(&o, "g", &mtime, &set, &prog), 0);
	for (int f = 0; f < HGFS_F__COUNT; f++) {
		struct stat st;
		hgfs_sha256 h;
		char hex[65], *b;

		ck_assert_int_ge(set.fd[f], 0);
		ck_assert_int_eq(fstat(set.fd[f], &st), 0);
		ck_assert_int_eq(st.st_size, set.size[f]);
		b = slurp(set.fd[f], set.size[f]);
		ck_assert_int_eq(hgfs_sha256_init(&h), 0);
		hgfs_sha256_update(&h, b, (size_t)set.size[f]);
		hgfs_sha256_final(&h, hex);
		hgfs_sha256_free(&h);
		ck_assert_str_eq(hex, set.sha[f]);
		ck_assert_int_eq(set.mtime[f].tv_sec, mtime.tv_sec);
		if (f == HGFS_F_VERTICES)
			ck_assert_uint_eq(count_lines(b), 700);
		if (f == HGFS_F_EDGES)
			ck_assert_uint_eq(count_lines(b), 1500);
		if (f == HGFS_F_MANIFEST) {
			char want[200];
			ck_assert_ptr_nonnull(strstr(b, "\"vertices\": 700, \"edges\": 1500"));
			ck_assert_ptr_nonnull(strstr(b, "\"consistent\": true"));
			ck_assert_ptr_nonnull(strstr(b, "\"snapshot_time\": \"2023-11-14T22:13:20Z\""));
			snprintf(want, sizeof(want), "\"vertices.jsonl\": {\"size\": %lld, \"sha256\": \"%s\"}",
				 (long long)set.size[HGFS_F_VERTICES], set.sha[HGFS_F_VERTICES]);
			ck_assert_ptr_nonnull(strstr(b, want));
		}
		free(b);
	}
	ck_assert_uint_eq(prog.elems[HGFS_F_VERTICES], 700);
	ck_assert_uint_eq(prog.elems[HGFS_F_EDGES], 1500);
	ck_assert_uint_eq(prog.bytes[HGFS_F_EDGES], (uint64_t)set.size[HGFS_F_EDGES]);
	hgfs_snapset_close(&set);
	for (int f = 0; f < HGFS_F__COUNT; f++)
		ck_assert_int_eq(set.fd[f], -1);
	hg_client_free(c);
	server_stop(&s);
}
END_TEST

/* Many small shards scanned by many threads give the bytes of one shard
 * scanned alone. */
START_TEST(test_export_parallel_same_bytes)
{
	const char *args[] = {"--persona", "1.3", "--backend", "rocksdb", "--generate", "g=6000,15000,11", NULL};
	server s;
	hg_client *c;
	hgfs_snapset a, b;
	hgfs_progress prog;
	struct timespec mtime = {.tv_sec = 1700000000};

	memset(&prog, 0, sizeof(prog));
	server_start(&s, args);
	c = client_open(&s);
	hgfs_export_opts oa = opts(c, 1, 1L << 30), ob = opts(c, 8, 1L << 20);
	ck_assert_int_eq(hgfs_export(&oa, "g", &mtime, &a, NULL), 0);
	ck_assert_int_eq(hgfs_export(&ob, "g", &mtime, &b, &prog), 0);
	ck_assert_uint_gt(prog.shards[HGFS_F_EDGES], 1); /* really in pieces */
	for (int f = 0; f < HGFS_F__COUNT; f++) {
		ck_assert_int_eq(a.size[f], b.size[f]);
		ck_assert_str_eq(a.sha[f], b.sha[f]);
	}
	hgfs_snapset_close(&a);
	hgfs_snapset_close(&b);
	hg_client_free(c);
	server_stop(&s);
}
END_TEST

/* A graph the server does not have, and a server gone mid-way: an error,
 * and no descriptor left behind. */
START_TEST(test_export_failures)
{
	const char *args[] = {"--persona", "1.7", "--generate", "g=300,600,3", NULL};
	server s;
	hg_client *c;
	hgfs_snapset set;
	struct timespec mtime = {.tv_sec = 1700000000};
	int before;

	server_start(&s, args);
	c = client_open(&s);
	hgfs_export_opts o = opts(c, 2, 1L << 20);
	before = open_fds();
	ck_assert_int_eq(hgfs_export(&o, "absent", &mtime, &set, NULL), -ENOENT);
	for (int f = 0; f < HGFS_F__COUNT; f++)
		ck_assert_int_eq(set.fd[f], -1);
	ck_assert_int_eq(open_fds(), before);
	server_stop(&s);
	int rc = hgfs_export(&o, "g", &mtime, &set, NULL);
	ck_assert_int_lt(rc, 0);
	ck_assert_int_ne(rc, -ENOENT);
	for (int f = 0; f < HGFS_F__COUNT; f++)
		ck_assert_int_eq(set.fd[f], -1);
	hg_client_free(c);
	ck_assert_int_le(open_fds(), before);
}
END_TEST

/* ---- import ------------------------------------------------------------------ */

static pthread_mutex_t st_lock = PTHREAD_MUTEX_INITIALIZER;

static hgfs_import_job job_for(hg_client *c, const char *graph, const char *path, int fd, off_t size,
			       hgfs_import_status *st, long *batch_max)
{
	hgfs_import_job j = {
		.client = c, .graph = graph, .path = path, .fd = fd, .size = size,
		.parallel = 3, .max_record_mib = 16, .timeout = 30, .batch_max = batch_max,
		.lock = &st_lock, .st = st,
	};
	memset(st, 0, sizeof(*st));
	st->state = HGFS_RS_IMPORTING;
	return j;
}

/* A file of bytes in /tmp, unlinked */
static int file_of(const char *bytes)
{
	int fd = hgfs_tmpfile("/tmp");

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(hgfs_pwrite_all(fd, bytes, strlen(bytes), 0), 0);
	return fd;
}

/* An exported set imported file by file into an empty graph of another
 * server: vertices before the schema wait (PENDING, nothing posted), then
 * schema, vertices and edges import with their counts, and the graph
 * exports the same bytes. */
START_TEST(test_import_roundtrip)
{
	const char *a_args[] = {"--persona", "1.7", "--backend", "rocksdb", "--generate", "g=800,1900,5", NULL};
	const char *b_args[] = {"--persona", "1.7", "--backend", "rocksdb", "--graph", "empty", NULL};
	server a, b;
	hg_client *ca, *cb;
	hgfs_snapset set, back;
	hgfs_import_status st;
	hgfs_manifest *man = NULL;
	hg_error err;
	long batch_max = HGFS_BATCH_MAX;
	struct timespec mtime = {.tv_sec = 1700000000};

	server_start(&a, a_args);
	server_start(&b, b_args);
	ca = client_open(&a);
	cb = client_open(&b);
	hgfs_export_opts oa = opts(ca, 2, 1L << 20), ob = opts(cb, 2, 1L << 20);
	ck_assert_int_eq(hgfs_export(&oa, "g", &mtime, &set, NULL), 0);

	/* in mode NONE: refused, nothing posted */
	hgfs_import_job j = job_for(cb, "empty", "schema.json", set.fd[HGFS_F_SCHEMA], set.size[HGFS_F_SCHEMA], &st,
				    &batch_max);
	ck_assert_int_eq(hgfs_import(&j, &man), -EPERM);
	ck_assert_int_eq(st.state, HGFS_RS_FAILED);
	ck_assert_ptr_nonnull(strstr(st.detail, "mode NONE"));
	free(st.detail);
	ck_assert_int_eq(hg_set_mode(cb, "empty", HG_MODE_RESTORING, &err), 0);

	j = job_for(cb, "empty", "vertices.jsonl", set.fd[HGFS_F_VERTICES], set.size[HGFS_F_VERTICES], &st, &batch_max);
	ck_assert_int_eq(hgfs_import(&j, &man), 0);
	ck_assert_int_eq(st.state, HGFS_RS_PENDING);
	ck_assert_ptr_nonnull(strstr(st.detail, "waiting for the schema"));
	ck_assert(st.measured);
	ck_assert_int_eq(st.m_count[HGFS_COUNT_VERTICES], 800);
	ck_assert_str_eq(st.m_sha256, set.sha[HGFS_F_VERTICES]);
	free(st.detail);

	static const hgfs_snapfile order[] = {HGFS_F_SCHEMA, HGFS_F_VERTICES, HGFS_F_EDGES, HGFS_F_MANIFEST};
	static const uint64_t total[] = {0, 800, 1900, 4};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		hgfs_snapfile f = order[i];
		j = job_for(cb, "empty", hgfs_snapfile_names[f], set.fd[f], set.size[f], &st, &batch_max);
		ck_assert_int_eq(hgfs_import(&j, &man), 0);
		ck_assert_msg(st.state == HGFS_RS_IMPORTED, "%s: state %d: %s", hgfs_snapfile_names[f], st.state,
			      st.detail ? st.detail : "");
		if (total[i] != 0) {
			ck_assert_uint_eq(st.done, total[i]);
			ck_assert_uint_eq(st.total, total[i]);
		}
		free(st.detail);
	}
	/* the manifest, parsed for the caller, agrees with what was measured */
	ck_assert_ptr_nonnull(man);
	ck_assert_int_eq(man->count_vertices, 800);
	ck_assert_int_eq(man->count_edges, 1900);
	free(man);

	ck_assert_int_eq(hg_set_mode(cb, "empty", HG_MODE_NONE, &err), 0);
	ck_assert_int_eq(hgfs_export(&ob, "empty", &mtime, &back, NULL), 0);
	ck_assert_str_eq(back.sha[HGFS_F_SCHEMA], set.sha[HGFS_F_SCHEMA]);
	ck_assert_str_eq(back.sha[HGFS_F_VERTICES], set.sha[HGFS_F_VERTICES]);
	ck_assert_str_eq(back.sha[HGFS_F_EDGES], set.sha[HGFS_F_EDGES]);
	hgfs_snapset_close(&back);
	hgfs_snapset_close(&set);
	hg_client_free(ca);
	hg_client_free(cb);
	server_stop(&a);
	server_stop(&b);
}
END_TEST

/* Bad files fail with the line and a fitting errno, and a set's manifest
 * that disagrees fails the file before anything is posted. */
START_TEST(test_import_refusals)
{
	const char *args[] = {"--persona", "1.7", "--graph", "empty", NULL};
	server s;
	hg_client *c;
	hgfs_import_status st;
	hgfs_manifest *man = NULL, m;
	hg_error err;
	long batch_max = HGFS_BATCH_MAX;
	int fd;

	server_start(&s, args);
	c = client_open(&s);
	ck_assert_int_eq(hg_set_mode(c, "empty", HG_MODE_RESTORING, &err), 0);

	fd = file_of("{\"id\": 1, \"label\": \"person\", \"type\": \"vertex\", \"properties\": {}}\n{\"id\": 2,\n");
	hgfs_import_job j = job_for(c, "empty", "vertices.jsonl", fd, (off_t)lseek(fd, 0, SEEK_END), &st, &batch_max);
	ck_assert_int_eq(hgfs_import(&j, &man), -EINVAL);
	ck_assert_int_eq(st.state, HGFS_RS_FAILED);
	ck_assert_msg(strstr(st.detail, "line 2") != NULL, "%s", st.detail);
	free(st.detail);
	close(fd);

	fd = file_of("not json at all\n");
	j = job_for(c, "empty", "blob.bin", fd, (off_t)lseek(fd, 0, SEEK_END), &st, &batch_max);
	ck_assert_int_eq(hgfs_import(&j, &man), -EINVAL);
	ck_assert_ptr_nonnull(strstr(st.detail, "not a backup file"));
	free(st.detail);
	close(fd);

	/* a schema file whose size is not its manifest's */
	memset(&m, 0, sizeof(m));
	for (int t = 0; t < HG_SCHEMA__COUNT; t++)
		m.count_schema[t] = -1;
	m.count_vertices = m.count_edges = -1;
	m.file[HGFS_K_SCHEMA].present = true;
	m.file[HGFS_K_SCHEMA].size = 5;
	fd = file_of("{\"propertykeys\": [], \"vertexlabels\": [], \"edgelabels\": [], \"indexlabels\": []}\n");
	j = job_for(c, "empty", "schema.json", fd, (off_t)lseek(fd, 0, SEEK_END), &st, &batch_max);
	j.manifest = &m;
	ck_assert_int_eq(hgfs_import(&j, &man), -EINVAL);
	ck_assert_msg(strstr(st.detail, "differs from the manifest") != NULL, "%s", st.detail);
	free(st.detail);
	close(fd);

	/* the backup's copy of the mode file is skipped, not imported */
	fd = file_of("NONE\n");
	j = job_for(c, "empty", "mode", fd, 5, &st, &batch_max);
	ck_assert_int_eq(hgfs_import(&j, &man), 0);
	ck_assert_int_eq(st.state, HGFS_RS_SKIPPED);
	free(st.detail);
	close(fd);
	ck_assert_ptr_null(man);
	hg_client_free(c);
	server_stop(&s);
}
END_TEST

/* Bytes this process has read (read, pread, ...) so far: /proc/self/io's
 * rchar; 0 when the kernel does not count them. */
static unsigned long long bytes_read(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	unsigned long long n = 0;
	char line[128];

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL && sscanf(line, "rchar: %llu", &n) != 1)
		;
	fclose(f);
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text (changed in place), sorted. */
static char **sorted_lines(char *text, size_t *n)
{
	size_t cap = count_lines(text) + 1, k = 0;
	char **v = malloc(cap * sizeof(*v));

	ck_assert_ptr_nonnull(v);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save))
		v[k++] = l;
	qsort(v, k, sizeof(*v), cmp_str);
	*n = k;
	return v;
}

/* A schema with three OLAP keys (r1 DOUBLE, r2 INT, r3 TEXT) and a
 * PRIMARY_KEY and a CUSTOMIZE_NUMBER vertex label. */
static const char olap_schema[] =
	"{\"propertykeys\":[\n"
	"{\"id\":1,\"name\":\"name\",\"data_type\":\"TEXT\",\"cardinality\":\"SINGLE\",\"aggregate_type\":\"NONE\","
	"\"write_type\":\"OLTP\",\"properties\":[],\"status\":\"CREATED\",\"user_data\":{}},\n"
	"{\"id\":2,\"name\":\"r1\",\"data_type\":\"DOUBLE\",\"cardinality\":\"SINGLE\",\"aggregate_type\":\"NONE\","
	"\"write_type\":\"OLAP_COMMON\",\"properties\":[],\"status\":\"CREATED\",\"user_data\":{}},\n"
	"{\"id\":3,\"name\":\"r2\",\"data_type\":\"INT\",\"cardinality\":\"SINGLE\",\"aggregate_type\":\"NONE\","
	"\"write_type\":\"OLAP_COMMON\",\"properties\":[],\"status\":\"CREATED\",\"user_data\":{}},\n"
	"{\"id\":4,\"name\":\"r3\",\"data_type\":\"TEXT\",\"cardinality\":\"SINGLE\",\"aggregate_type\":\"NONE\","
	"\"write_type\":\"OLAP_COMMON\",\"properties\":[],\"status\":\"CREATED\",\"user_data\":{}}\n"
	"],\"vertexlabels\":[\n"
	"{\"id\":1,\"name\":\"person\",\"id_strategy\":\"PRIMARY_KEY\",\"primary_keys\":[\"name\"],"
	"\"nullable_keys\":[],\"index_labels\":[],\"properties\":[\"name\"],\"status\":\"CREATED\",\"ttl\":0,"
	"\"enable_label_index\":true,\"user_data\":{}},\n"
	"{\"id\":2,\"name\":\"num\",\"id_strategy\":\"CUSTOMIZE_NUMBER\",\"primary_keys\":[],"
	"\"nullable_keys\":[],\"index_labels\":[],\"properties\":[\"name\"],\"status\":\"CREATED\",\"ttl\":0,"
	"\"enable_label_index\":true,\"user_data\":{}}\n"
	"],\"edgelabels\":[],\"indexlabels\":[]}\n";

/* OLAP values go back in the one pass over vertices.jsonl that posts the
 * vertices: with three OLAP keys the import reads the file as often as
 * without (its check, its hash, its posting: three times its size, where a
 * pass per key read it six times), and the graph exports the same lines. */
START_TEST(test_import_olap_one_pass)
{
	const char *args[] = {"--persona", "1.7", "--backend", "rocksdb", "--graph", "g", NULL};
	enum { N = 6000 };
	server s;
	hg_client *c;
	hgfs_snapset back;
	hgfs_import_status st;
	hgfs_manifest *man = NULL;
	hg_error err;
	long batch_max = HGFS_BATCH_MAX;
	struct timespec mtime = {.tv_sec = 1700000000};
	hgfs_buf file = {0};
	char pad[101];
	int fd;

	memset(pad, 'x', 100);
	pad[100] = '\0';
	for (int i = 0; i < N; i++) {
		char line[512], vals[128] = "";
		int used = 0;
		/* OLAP values after the other properties, in key id order, as the server prints them */
		if (i % 7 != 3)
			used += snprintf(vals + used, sizeof(vals) - (size_t)used, ",\"r1\":%d.25", i);
		if (i % 2 == 0)
			used += snprintf(vals + used, sizeof(vals) - (size_t)used, ",\"r2\":%d", i * 3 - 50);
		if (i % 3 == 0)
			snprintf(vals + used, sizeof(vals) - (size_t)used, ",\"r3\":\"t%d\"", i);
		if (i % 2)
			snprintf(line, sizeof(line), "{\"id\":\"1:p%d%s\",\"label\":\"person\",\"type\":\"vertex\","
				 "\"properties\":{\"name\":\"p%d%s\"%s}}\n", i, pad, i, pad, vals);
		else
			snprintf(line, sizeof(line), "{\"id\":%d,\"label\":\"num\",\"type\":\"vertex\","
				 "\"properties\":{\"name\":\"n%d%s\"%s}}\n", 1000 + i, i, pad, vals);
		ck_assert_int_eq(hgfs_buf_adds(&file, line), 0);
	}

	server_start(&s, args);
	c = client_open(&s);
	ck_assert_int_eq(hg_set_mode(c, "g", HG_MODE_RESTORING, &err), 0);
	fd = file_of(olap_schema);
	hgfs_import_job j = job_for(c, "g", "schema.json", fd, (off_t)strlen(olap_schema), &st, &batch_max);
	ck_assert_int_eq(hgfs_import(&j, &man), 0);
	ck_assert_msg(st.state == HGFS_RS_IMPORTED, "schema.json: %s", st.detail ? st.detail : "");
	free(st.detail);
	close(fd);

	fd = file_of(file.data);
	j = job_for(c, "g", "vertices.jsonl", fd, (off_t)file.len, &st, &batch_max);
	unsigned long long before = bytes_read();
	ck_assert_int_eq(hgfs_import(&j, &man), 0);
	unsigned long long read = bytes_read() - before;
	ck_assert_msg(st.state == HGFS_RS_IMPORTED, "vertices.jsonl: %s", st.detail ? st.detail : "");
	ck_assert_uint_eq(st.done, N);
	if (before > 0) /* counted */
		ck_assert_msg(read >= 3 * file.len && read < 3 * file.len + file.len / 2,
			      "%llu bytes read for a file of %zu", read, file.len);
	free(st.detail);
	close(fd);

	/* the values are on the server: the export (read mode ALL for its scan) gives the same lines */
	ck_assert_int_eq(hg_set_mode(c, "g", HG_MODE_NONE, &err), 0);
	hgfs_export_opts o = opts(c, 2, 1L << 20);
	ck_assert_int_eq(hgfs_export(&o, "g", &mtime, &back, NULL), 0);
	char *got = slurp(back.fd[HGFS_F_VERTICES], back.size[HGFS_F_VERTICES]);
	size_t n_got, n_want;
	char **g = sorted_lines(got, &n_got), **w = sorted_lines(file.data, &n_want);
	ck_assert_uint_eq(n_got, N);
	ck_assert_uint_eq(n_want, N);
	for (size_t i = 0; i < N; i++)
		ck_assert_str_eq(g[i], w[i]);
	free(g);
	free(w);
	free(got);
	hgfs_buf_free(&file);
	hgfs_snapset_close(&back);
	hg_client_free(c);
	server_stop(&s);
}
END_TEST

/* A server that takes fewer values a batch than asked: the limit is learnt
 * and the values sent in batches that fit.  A value the server refuses
 * fails the file once every vertex is in, naming the key. */
START_TEST(test_import_olap_failures)
{
	const char *args[] = {"--persona", "1.7", "--backend", "rocksdb", "--graph", "g", "--batch-max", "100", NULL};
	enum { N = 1200 };
	server s;
	hg_client *c;
	hgfs_import_status st;
	hgfs_manifest *man = NULL;
	hg_schema_names *names = NULL;
	hgfs_olap_plan plan;
	hgfs_olap_vals *v = NULL;
	hg_error err;
	long batch_max = HGFS_BATCH_MAX;
	hgfs_buf file = {0};
	uint64_t written;
	char why[768];
	int fd;

	server_start(&s, args);
	c = client_open(&s);
	ck_assert_int_eq(hg_set_mode(c, "g", HG_MODE_RESTORING, &err), 0);
	fd = file_of(olap_schema);
	hgfs_import_job j = job_for(c, "g", "schema.json", fd, (off_t)strlen(olap_schema), &st, &batch_max);
	ck_assert_int_eq(hgfs_import(&j, &man), 0);
	free(st.detail);
	close(fd);

	/* 250 values of r1 sent with a limit of 500: the server says 100 */
	ck_assert_int_eq(hg_schema_names_get(c, "g", &names, &err), 0);
	ck_assert_int_eq(hgfs_olap_plan_init(&plan, names), 0);
	const hg_label *num = hg_schema_names_find(names, HG_SCHEMA_VERTEXLABELS, "num", 3);
	ck_assert_ptr_nonnull(num);
	for (int i = 0; i < 250; i++) {
		char line[128];
		hgfs_vertex_rec r;
		size_t col;
		snprintf(line, sizeof(line),
			 "{\"id\":%d,\"label\":\"num\",\"properties\":{\"name\":\"n\",\"r1\":%d.5}}", 5000 + i, i);
		ck_assert_int_eq(hgfs_vertex_parse(line, strlen(line), &r, &col, why, sizeof(why)), 0);
		ck_assert_int_eq(hgfs_olap_gather(&plan, &v, &r, num, why, sizeof(why)), 0);
	}
	ck_assert_int_eq(hgfs_olap_send(c, "g", false, &plan, v, &batch_max, &written, why, sizeof(why)), 0);
	ck_assert_uint_eq(written, 250);
	ck_assert_int_eq(batch_max, 100);
	hgfs_olap_vals_free(v, &plan);
	hgfs_olap_plan_free(&plan);
	hg_schema_names_free(names);

	/* line 701 holds a value the server refuses: every vertex is posted, the file fails */
	batch_max = HGFS_BATCH_MAX;
	for (int i = 0; i < N; i++) {
		char line[256];
		snprintf(line, sizeof(line), "{\"id\":%d,\"label\":\"num\",\"type\":\"vertex\",\"properties\":"
			 "{\"name\":\"n%d\",\"r1\":%s,\"r2\":%d}}\n", 1000 + i, i, i == 700 ? "\"many\"" : "1.5", i);
		ck_assert_int_eq(hgfs_buf_adds(&file, line), 0);
	}
	fd = file_of(file.data);
	j = job_for(c, "g", "vertices.jsonl", fd, (off_t)file.len, &st, &batch_max);
	ck_assert_int_eq(hgfs_import(&j, &man), -EINVAL);
	ck_assert_int_eq(st.state, HGFS_RS_FAILED);
	ck_assert_uint_eq(st.done, N);
	ck_assert_msg(strstr(st.detail, "vertices imported, but not all of their OLAP values: writing the values of "
				       "OLAP property key 'r1': ") != NULL, "%s", st.detail);
	ck_assert_msg(strstr(st.detail, " values written; copy the file again once fixed)") != NULL, "%s", st.detail);
	free(st.detail);
	close(fd);
	hgfs_buf_free(&file);
	hg_client_free(c);
	server_stop(&s);
}
END_TEST

/* ---- the restore set ------------------------------------------------------------ */

static int changes;
static void count_change(void *ctx)
{
	(void)ctx;
	__atomic_add_fetch(&changes, 1, __ATOMIC_RELAXED);
}

/* Writes bytes [from, to) of fd's file into entry e of r, in 64 KiB writes. */
static void copy_range(hgfs_restore *r, hgfs_rentry *e, int fd, off_t from, off_t to)
{
	char buf[65536];

	while (from < to) {
		size_t n = (size_t)(to - from) < sizeof(buf) ? (size_t)(to - from) : sizeof(buf);
		ck_assert_int_eq(pread(fd, buf, n, from), (ssize_t)n);
		ck_assert_int_eq(hgfs_rs_write(r, e, buf, n, from), (int)n);
		from += (off_t)n;
	}
}

/* The files of restore/ as the FUSE face drives them, without a mount: a
 * refusal in mode NONE; a file written back half first stays incomplete at
 * its close and imports at the close that completes it; a finished set
 * lets NONE be written; the graph exports the bytes of the source. */
START_TEST(test_restore_set)
{
	const char *args[] = {"--persona", "1.7", "--backend", "rocksdb", "--generate", "g=600,1400,9", "--graph", "empty",
			      NULL};
	server s;
	hg_client *c;
	hgfs_snapset set, back;
	hgfs_rentry *e;
	hg_error err;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	uint64_t seq = 0;
	char dir[] = "/tmp/test_engine.XXXXXX", *spool = NULL, *text, why[256];
	size_t len;
	struct timespec mtime = {.tv_sec = 1700000000}, smtime;

	server_start(&s, args);
	c = client_open(&s);
	hgfs_export_opts o = opts(c, 2, 1L << 20);
	ck_assert_int_eq(hgfs_export(&o, "g", &mtime, &set, NULL), 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(hgfs_rs_spool_init(dir, &spool), 0);
	hgfs_restore_cfg cfg = {
		.client = c, .graph = "empty", .spool_dir = spool, .spool_seq = &seq, .parallel = 2,
		.max_record_mib = 16, .timeout = 30, .lock = &lock, .changed = count_change,
	};
	hgfs_restore *r = hgfs_rs_new(&cfg);
	ck_assert_ptr_nonnull(r);
	ck_assert(!hgfs_rs_active(r));

	/* mode NONE: creating a file is refused, and restore.status says why */
	ck_assert_int_eq(hgfs_rs_open(r, "schema.json", O_WRONLY | O_CREAT, true, 0644, &e), -EPERM);
	ck_assert(hgfs_rs_active(r));
	ck_assert_int_eq(hgfs_rs_status(r, &text, &len, &smtime), 0);
	ck_assert_msg(strstr(text, "mode NONE") != NULL, "%s", text);
	free(text);
	ck_assert_int_eq(hg_set_mode(c, "empty", HG_MODE_RESTORING, &err), 0);

	/* the schema in one go */
	ck_assert_int_eq(hgfs_rs_open(r, "schema.json", O_WRONLY | O_CREAT, true, 0644, &e), 0);
	copy_range(r, e, set.fd[HGFS_F_SCHEMA], 0, set.size[HGFS_F_SCHEMA]);
	ck_assert_int_eq(hgfs_rs_flush(r, e), 0);
	hgfs_rs_release(r, e, true);

	/* vertices: the second half first, closed; then the first half */
	off_t half = set.size[HGFS_F_VERTICES] / 2;
	ck_assert_int_eq(hgfs_rs_open(r, "vertices.jsonl", O_WRONLY | O_CREAT, true, 0644, &e), 0);
	copy_range(r, e, set.fd[HGFS_F_VERTICES], half, set.size[HGFS_F_VERTICES]);
	ck_assert_int_eq(hgfs_rs_flush(r, e), 0);
	hgfs_rs_release(r, e, true);
	ck_assert_int_eq(hgfs_rs_unfinished(r, why, sizeof(why)), -EBUSY);
	ck_assert_int_eq(hgfs_rs_status(r, &text, &len, &smtime), 0);
	ck_assert_msg(strstr(text, "vertices.jsonl: incomplete") != NULL, "%s", text);
	free(text);
	ck_assert_int_eq(hgfs_rs_open(r, "vertices.jsonl", O_WRONLY, false, 0644, &e), 0);
	copy_range(r, e, set.fd[HGFS_F_VERTICES], 0, half);
	ck_assert_int_eq(hgfs_rs_flush(r, e), 0);
	hgfs_rs_release(r, e, true);

	/* edges under a temporary name, renamed into place as rsync does */
	ck_assert_int_eq(hgfs_rs_open(r, ".edges.jsonl.Xy12", O_WRONLY | O_CREAT, true, 0600, &e), 0);
	copy_range(r, e, set.fd[HGFS_F_EDGES], 0, set.size[HGFS_F_EDGES]);
	ck_assert_int_eq(hgfs_rs_flush(r, e), 0); /* a temporary: not imported */
	hgfs_rs_release(r, e, true);
	ck_assert_int_eq(hgfs_rs_rename(r, ".edges.jsonl.Xy12", "edges.jsonl", 0), 0);

	ck_assert_int_eq(hgfs_rs_status(r, &text, &len, &smtime), 0);
	ck_assert_msg(strstr(text, "vertices.jsonl: imported, 600/600 vertices") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "edges.jsonl: imported, 1400/1400 edges") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "summary: 3 imported, 0 pending, 0 failed") != NULL, "%s", text);
	free(text);
	ck_assert_int_eq(hgfs_rs_unfinished(r, why, sizeof(why)), 0);
	ck_assert_int_ge(__atomic_load_n(&changes, __ATOMIC_RELAXED), 3);

	ck_assert_int_eq(hg_set_mode(c, "empty", HG_MODE_NONE, &err), 0);
	ck_assert_int_eq(hgfs_export(&o, "empty", &mtime, &back, NULL), 0);
	for (int f = HGFS_F_SCHEMA; f <= HGFS_F_EDGES; f++)
		ck_assert_str_eq(back.sha[f], set.sha[f]);
	hgfs_snapset_close(&back);
	hgfs_snapset_close(&set);
	hgfs_rs_free(r, "empty");
	hgfs_rs_spool_end(spool); /* removes the spool directory */
	ck_assert_int_eq(rmdir(dir), 0); /* nothing left in it */
	hg_client_free(c);
	server_stop(&s);
}
END_TEST

/* export.status's mtime moves when its text does: none before any export
 * (the mount shows its start), now while one runs, the end of the last one
 * while idle (kept however often it is asked for), later for a later one. */
START_TEST(test_progress_mtime)
{
	hgfs_progress p;
	struct timespec m, idle, again, before, after;
	char *text;
	size_t len;

	memset(&p, 0, sizeof(p));
	hgfs_progress_mtime(&p, &m);
	ck_assert(m.tv_sec == 0 && m.tv_nsec == 0);
	clock_gettime(CLOCK_REALTIME, &before);
	hgfs_progress_begin(&p);
	hgfs_progress_mtime(&p, &m);
	ck_assert(m.tv_sec > before.tv_sec || (m.tv_sec == before.tv_sec && m.tv_nsec >= before.tv_nsec));
	hgfs_progress_end(&p, 0);
	clock_gettime(CLOCK_REALTIME, &after);
	hgfs_progress_mtime(&p, &idle);
	ck_assert(idle.tv_sec < after.tv_sec || (idle.tv_sec == after.tv_sec && idle.tv_nsec <= after.tv_nsec));
	ck_assert_int_eq(idle.tv_sec, p.last_end); /* the "done at" of the text */
	ck_assert_int_eq(hgfs_progress_render(&p, &text, &len), 0);
	ck_assert_ptr_nonnull(strstr(text, "state: idle\nlast: done at "));
	free(text);
	usleep(2000);
	hgfs_progress_mtime(&p, &again);
	ck_assert(again.tv_sec == idle.tv_sec && again.tv_nsec == idle.tv_nsec);
	hgfs_progress_begin(&p);
	hgfs_progress_end(&p, -EIO);
	hgfs_progress_mtime(&p, &again);
	ck_assert(again.tv_sec > idle.tv_sec || (again.tv_sec == idle.tv_sec && again.tv_nsec > idle.tv_nsec));
}
END_TEST

/* ---- read-mode notes --------------------------------------------------------------- */

static int note_client(void *ctx, const char *graphspace, hg_client **out)
{
	(void)graphspace;
	*out = ctx;
	return ctx != NULL ? 0 : -EIO;
}

static int count_notes(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, "readmode-", 9) == 0;
	closedir(d);
	return n;
}

/* A note left by a writer that is gone puts the mode back when it is still
 * ALL, and goes; one whose mode someone changed since goes and changes
 * nothing; one whose server cannot be asked stays; another server's stays;
 * a half-written one goes. */
START_TEST(test_modenote_repair)
{
	const char *args[] = {"--persona", "1.7", "--backend", "rocksdb", "--graph", "g", "--graph", "h", NULL};
	char dir[] = "/tmp/test_engine_notes.XXXXXX", path[4200], other[4200], bad[4300];
	const char *url;
	hg_read_mode m;
	hg_error err;
	server s;
	hg_client *c;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	server_start(&s, args);
	c = client_open(&s);
	url = hg_client_url(c);
	ck_assert_int_eq(hg_set_read_mode(c, "g", HG_READ_ALL, false, &err), 0);
	ck_assert_int_eq(hgfs_modenote_write(dir, url, hg_client_graphspace(c), "g", HG_READ_OLTP_ONLY, path,
					     sizeof(path)),
			 0);
	ck_assert_int_eq(hgfs_modenote_write(dir, "http://127.0.0.1:1", NULL, "g", HG_READ_OLTP_ONLY, other,
					     sizeof(other)),
			 0);
	snprintf(bad, sizeof(bad), "%s/readmode-half", dir);
	f = fopen(bad, "w");
	ck_assert_ptr_nonnull(f);
	fputs("pid 1\nurl ", f);
	fclose(f);
	ck_assert_int_eq(count_notes(dir), 3);

	/* a server that cannot be asked: the note stays */
	ck_assert_int_eq(hgfs_modenote_repair(dir, url, note_client, NULL), 0);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(access(bad, F_OK), -1); /* half written: its mode was never set */
	/* the writer (this test, not a hugegraphfs) is gone: put back */
	ck_assert_int_eq(hgfs_modenote_repair(dir, url, note_client, c), 1);
	ck_assert_int_eq(hg_get_read_mode(c, "g", &m, &err), 0);
	ck_assert_int_eq(m, HG_READ_OLTP_ONLY);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(access(other, F_OK), 0); /* another server's */

	/* someone set the mode since (h is not ALL): left as it is */
	ck_assert_int_eq(hgfs_modenote_write(dir, url, hg_client_graphspace(c), "h", HG_READ_OLAP_ONLY, path,
					     sizeof(path)),
			 0);
	ck_assert_int_eq(hgfs_modenote_repair(dir, url, note_client, c), 0);
	ck_assert_int_eq(hg_get_read_mode(c, "h", &m, &err), 0);
	ck_assert_int_eq(m, HG_READ_OLTP_ONLY);
	ck_assert_int_eq(access(path, F_OK), -1);

	/* no directory: nothing noted */
	ck_assert_int_eq(hgfs_modenote_write(NULL, url, NULL, "g", HG_READ_OLTP_ONLY, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "");
	hgfs_modenote_remove(other);
	ck_assert_int_eq(count_notes(dir), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	hg_client_free(c);
	server_stop(&s);
}
END_TEST

/* ---- errnos ------------------------------------------------------------------ */

/* Client codes and errnos overlap (-HG_EINVAL is -EPERM): they cross here. */
START_TEST(test_errmap)
{
	ck_assert_int_eq(-HG_EINVAL, -EPERM); /* why the crossing matters */
	ck_assert_int_eq(hgfs_errno_client(-HG_EINVAL), -EINVAL);
	ck_assert_int_eq(hgfs_errno_client(-HG_ENOTFOUND), -ENOENT);
	ck_assert_int_eq(hgfs_errno_client(-HG_EAUTH), -EACCES);
	ck_assert_int_eq(hgfs_errno_client(-HG_EMODE), -EPERM);
	ck_assert_int_eq(hgfs_errno_client(-HG_ETRANSPORT), -EIO);
	ck_assert_int_eq(hgfs_errno_client(-HG_ECALLBACK), -EIO);
	ck_assert_int_eq(hgfs_errno_client(-HG_EINTR), -EINTR);
	ck_assert_int_eq(hgfs_errno_import(-EFBIG), -EFBIG);
	ck_assert_int_eq(hgfs_errno_import(-ENOSPC), -ENOSPC);
	ck_assert_int_eq(hgfs_errno_import(-ENOENT), -EIO);
	ck_assert_int_eq(hgfs_errno_import(-EAGAIN), -EIO);
	ck_assert_int_eq(hgfs_errno_import(-EINTR), -EIO);
	/* a file that was there: what the server says while reading it is EIO */
	ck_assert_int_eq(hgfs_errno_read(-HG_ENOTFOUND), -EIO);
	ck_assert_int_eq(hgfs_errno_read(-HG_EAUTH), -EIO);
	ck_assert_int_eq(hgfs_errno_read(-HG_ENOMEM), -ENOMEM);
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("export");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_export_set);
	tcase_add_test(tc, test_export_parallel_same_bytes);
	tcase_add_test(tc, test_export_failures);
	tcase_add_test(tc, test_progress_mtime);
	suite_add_tcase(s, tc);
	tc = tcase_create("errmap");
	tcase_add_test(tc, test_errmap);
	tcase_add_test(tc, test_modenote_repair);
	suite_add_tcase(s, tc);
	tc = tcase_create("import");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_import_roundtrip);
	tcase_add_test(tc, test_import_refusals);
	tcase_add_test(tc, test_import_olap_one_pass);
	tcase_add_test(tc, test_import_olap_failures);
	suite_add_tcase(s, tc);
	tc = tcase_create("restore");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_restore_set);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	int failed;

	signal(SIGPIPE, SIG_IGN);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
