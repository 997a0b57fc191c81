/*
 * test_compress.c - the gzip and zstd forms of backup files (backup/compress.c):
 * round trips through zlib's and libzstd's own decoders, determinism, the
 * locality that keeps rsync's delta small, corrupt and truncated input,
 * names and magic; and the manifest of a compressed set (record.c, import.c).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "compress.h"
#include "export.h"
#include "import.h"
#include "record.h"

/* An unlinked file holding len bytes of p. */
static int file_of(const void *p, size_t len)
{
	int fd = hgfs_tmpfile("/tmp");
	ck_assert_int_ge(fd, 0);
	if (len > 0)
		ck_assert_int_eq(hgfs_pwrite_all(fd, p, len, 0), 0);
	return fd;
}

static char *read_fd(int fd, size_t *len)
{
	off_t n = lseek(fd, 0, SEEK_END);
	char *buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(pread(fd, buf, (size_t)n, 0), n);
	*len = (size_t)n;
	return buf;
}

/* JSON lines like an export's, n of them; seed varies the values. */
static char *lines(size_t n, unsigned seed, size_t *len)
{
	size_t cap = n * 128 + 1, off = 0;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, cap - off,
					"{\"id\":%zu,\"label\":\"person\",\"type\":\"vertex\",\"properties\":{\"age\":%u,\"name\":\"n%zx\"}}\n",
					i, (unsigned)((i * 2654435761u + seed) % 97), i * 7919);
	*len = off;
	return buf;
}

/* Compresses data with cz; returns the compressed bytes (malloc'd). */
static char *pack(hgfs_cz cz, const char *data, size_t len, size_t *out_len, char hex[65])
{
	int in = file_of(data, len), out = hgfs_tmpfile("/tmp");
	off_t size;
	char *r;

	ck_assert_int_eq(hgfs_compress_fd(cz, in, (off_t)len, out, &size, hex), 0);
	r = read_fd(out, out_len);
	ck_assert_int_eq((off_t)*out_len, size);
	close(in);
	close(out);
	return r;
}

static int unpack(hgfs_cz cz, const char *data, size_t len, char **plain, size_t *plain_len, char *why, size_t wl)
{
	int in = file_of(data, len), out = hgfs_tmpfile("/tmp");
	char phex[65], chex[65];
	off_t size = -1;
	int rc = hgfs_decompress_fd(cz, in, (off_t)len, out, &size, phex, chex, why, wl);
	if (rc == 0) {
		*plain = read_fd(out, plain_len);
		ck_assert_int_eq((off_t)*plain_len, size);
	}
	close(in);
	close(out);
	return rc;
}

/* The library's own one-shot decoders agree with the file's content. */
static void library_decodes(hgfs_cz cz, const char *packed, size_t plen, const char *data, size_t len)
{
	char *buf = malloc(len + 1);
	ck_assert_ptr_nonnull(buf);
	if (cz == HGFS_CZ_ZSTD) {
		size_t n = ZSTD_decompress(buf, len + 1, packed, plen);
		ck_assert(!ZSTD_isError(n));
		ck_assert_uint_eq(n, len);
	} else {
		z_stream z = {0};
		ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
		z.next_in = (Bytef *)packed;
		z.avail_in = (uInt)plen;
		z.next_out = (Bytef *)buf;
		z.avail_out = (uInt)len + 1;
		ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
		ck_assert_uint_eq(z.total_out, len);
		ck_assert_uint_eq(z.avail_in, 0); /* one member */
		inflateEnd(&z);
		/* no timestamp and no name in the header: mtime 0, FLG 0 */
		ck_assert_int_eq((unsigned char)packed[3], 0);
		ck_assert(packed[4] == 0 && packed[5] == 0 && packed[6] == 0 && packed[7] == 0);
	}
	ck_assert(memcmp(buf, data, len) == 0);
	free(buf);
}

static void roundtrip(hgfs_cz cz)
{
	size_t len, plen, back_len, plen2;
	char hex[65], hex2[65], why[256];
	char *data = lines(60000, 1, &len), *p = pack(cz, data, len, &plen, hex), *back = NULL;
	char *p2 = pack(cz, data, len, &plen2, hex2);

	ck_assert_uint_lt(plen, len / 3); /* it does compress */
	ck_assert_int_eq(hgfs_cz_sniff(p, plen), cz);
	library_decodes(cz, p, plen, data, len);
	ck_assert_int_eq(unpack(cz, p, plen, &back, &back_len, why, sizeof(why)), 0);
	ck_assert_uint_eq(back_len, len);
	ck_assert(memcmp(back, data, len) == 0);
	/* deterministic: the same bytes give the same compressed bytes */
	ck_assert_uint_eq(plen, plen2);
	ck_assert(memcmp(p, p2, plen) == 0);
	ck_assert_str_eq(hex, hex2);
	free(data);
	free(p);
	free(p2);
	free(back);
}

START_TEST(test_roundtrip_gzip) { roundtrip(HGFS_CZ_GZIP); }
END_TEST
START_TEST(test_roundtrip_zstd) { roundtrip(HGFS_CZ_ZSTD); }
END_TEST

/* A few changed lines in the middle change only the compressed bytes near
 * them: what is equal at both ends of the two compressed files is most of
 * them (rsync then sends little). */
static void locality(hgfs_cz cz)
{
	size_t len, len2, a_len, b_len, pre = 0, suf = 0;
	char hex[65];
	char *a_data = lines(100000, 1, &len), *b_data = lines(100000, 1, &len2);

	ck_assert_uint_eq(len, len2);
	/* change three lines near the middle (same length) */
	for (int k = 0; k < 3; k++) {
		char *q = b_data + len / 2 + (size_t)k * 700;
		q = strchr(q, '\n') + 1;
		char *age = strstr(q, "\"age\":") + 6;
		*age = *age == '9' ? '1' : (char)(*age + 1);
	}
	ck_assert(memcmp(a_data, b_data, len) != 0);
	char *a = pack(cz, a_data, len, &a_len, hex), *b = pack(cz, b_data, len, &b_len, hex);
	while (pre < a_len && pre < b_len && a[pre] == b[pre])
		pre++;
	/* gzip ends in the CRC-32 and length of the whole: those 8 bytes differ */
	size_t trailer = cz == HGFS_CZ_GZIP ? 8 : 0;
	while (suf + trailer < a_len - pre && suf + trailer < b_len - pre &&
	       a[a_len - 1 - trailer - suf] == b[b_len - 1 - trailer - suf])
		suf++;
	suf += trailer;
	ck_assert(a_len != b_len || memcmp(a, b, a_len) != 0);
	fprintf(stderr, "# %s: %zu compressed bytes, %zu differ\n", hgfs_cz_name(cz), a_len, a_len - pre - suf);
	/* the differing middle is a few chunks' worth, of about 1 MB */
	ck_assert_uint_lt(a_len - pre - suf, 64 * 1024); /* about 5 KiB: the changed chunks */
	ck_assert_uint_gt(pre + suf, a_len * 9 / 10);
	free(a_data);
	free(b_data);
	free(a);
	free(b);
}

START_TEST(test_locality_gzip) { locality(HGFS_CZ_GZIP); }
END_TEST
START_TEST(test_locality_zstd) { locality(HGFS_CZ_ZSTD); }
END_TEST

/* data packed with each of n worker counts gives exactly ref (and, when
 * ref_hex is given, that SHA-256); the default count is put back. */
static void packs_to(hgfs_cz cz, const char *data, size_t len, const int *counts, size_t n, const char *ref,
		     size_t ref_len, const char *ref_hex)
{
	for (size_t i = 0; i < n; i++) {
		size_t plen;
		char hex[65];
		hgfs_cz_set_workers(counts[i]);
		char *p = pack(cz, data, len, &plen, hex);
		ck_assert_uint_eq(plen, ref_len);
		ck_assert(memcmp(p, ref, plen) == 0);
		if (ref_hex != NULL)
			ck_assert_str_eq(hex, ref_hex);
		free(p);
	}
	hgfs_cz_set_workers(-1);
}

/* The chunks are compressed by several threads: the bytes are the same
 * with none, one, or more workers than chunks in flight. */
static void workers_same_bytes(hgfs_cz cz)
{
	size_t len, ref_len;
	char ref_hex[65];
	char *data = lines(60000, 3, &len), *ref;
	const int counts[] = {1, 2, 5, -1};

	hgfs_cz_set_workers(0);
	ref = pack(cz, data, len, &ref_len, ref_hex);
	ck_assert_uint_gt(len, 4 * HGFS_CZ_MAX_CHUNK); /* several chunks in flight */
	packs_to(cz, data, len, counts, sizeof(counts) / sizeof(counts[0]), ref, ref_len, ref_hex);
	free(ref);
	free(data);
}

START_TEST(test_workers_gzip) { workers_same_bytes(HGFS_CZ_GZIP); }
END_TEST
START_TEST(test_workers_zstd) { workers_same_bytes(HGFS_CZ_ZSTD); }
END_TEST

/* A gzip file is one deflate stream flushed in full at each chunk's end:
 * with no line end the chunks are HGFS_CZ_MAX_CHUNK long, and zlib itself,
 * in one stream, gives the same bytes as the chunks compressed apart. */
START_TEST(test_gzip_one_stream)
{
	size_t len = 3 * HGFS_CZ_MAX_CHUNK + 5, cap = len + 4096, done = 0;
	char *data = malloc(len), *ref = malloc(cap);
	const int counts[] = {-1, 0, 1, 2};
	z_stream z = {0};

	ck_assert(data != NULL && ref != NULL);
	for (size_t i = 0; i < len; i++)
		data[i] = (char)('a' + (i * 2654435761u >> 13) % 7);
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_out = (Bytef *)ref;
	z.avail_out = (uInt)cap;
	while (done < len) {
		size_t n = len - done < HGFS_CZ_MAX_CHUNK ? len - done : HGFS_CZ_MAX_CHUNK;
		z.next_in = (Bytef *)data + done;
		z.avail_in = (uInt)n;
		ck_assert_int_eq(deflate(&z, Z_FULL_FLUSH), Z_OK);
		done += n;
	}
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t ref_len = cap - z.avail_out;
	deflateEnd(&z);
	packs_to(HGFS_CZ_GZIP, data, len, counts, sizeof(counts) / sizeof(counts[0]), ref, ref_len, NULL);
	free(data);
	free(ref);
}
END_TEST

static void empty_and_odd(hgfs_cz cz)
{
	size_t plen, back_len;
	char hex[65], why[256], *back = NULL;
	char *p = pack(cz, "", 0, &plen, hex);

	/* an empty file is a valid compressed file of nothing */
	ck_assert_uint_gt(plen, 0);
	ck_assert_int_eq(hgfs_cz_sniff(p, plen), cz);
	ck_assert_int_eq(unpack(cz, p, plen, &back, &back_len, why, sizeof(why)), 0);
	ck_assert_uint_eq(back_len, 0);
	free(back);
	free(p);
	/* no newline at all, longer than a chunk: cut at the longest chunk */
	size_t big = 3 * HGFS_CZ_MAX_CHUNK + 5;
	char *blob = malloc(big);
	for (size_t i = 0; i < big; i++)
		blob[i] = (char)('a' + (i * 31 + i / 7) % 26);
	p = pack(cz, blob, big, &plen, hex);
	ck_assert_int_eq(unpack(cz, p, plen, &back, &back_len, why, sizeof(why)), 0);
	ck_assert_uint_eq(back_len, big);
	ck_assert(memcmp(back, blob, big) == 0);
	free(back);
	free(p);
	free(blob);
}

START_TEST(test_empty_gzip) { empty_and_odd(HGFS_CZ_GZIP); }
END_TEST
START_TEST(test_empty_zstd) { empty_and_odd(HGFS_CZ_ZSTD); }
END_TEST

static void corrupt(hgfs_cz cz)
{
	size_t len, plen, back_len;
	char hex[65], why[256], *back = NULL;
	char *data = lines(20000, 3, &len), *p = pack(cz, data, len, &plen, hex);

	/* a flipped byte */
	p[plen / 2] ^= 0x5a;
	why[0] = '\0';
	ck_assert_int_eq(unpack(cz, p, plen, &back, &back_len, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, cz == HGFS_CZ_GZIP ? "corrupt gzip data" : "corrupt zstd data"));
	p[plen / 2] ^= 0x5a;
	/* cut short */
	ck_assert_int_eq(unpack(cz, p, plen - 7, &back, &back_len, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "truncated"));
	/* nothing but the magic */
	ck_assert_int_eq(unpack(cz, p, 4, &back, &back_len, why, sizeof(why)), -EINVAL);
	/* trailing garbage */
	char *g = malloc(plen + 5);
	memcpy(g, p, plen);
	memcpy(g + plen, "junk\n", 5);
	ck_assert_int_eq(unpack(cz, g, plen + 5, &back, &back_len, why, sizeof(why)), -EINVAL);
	/* two streams one after the other (cat a.gz b.gz) are one file */
	memcpy(g, p, plen);
	char *two = malloc(2 * plen);
	memcpy(two, p, plen);
	memcpy(two + plen, p, plen);
	ck_assert_int_eq(unpack(cz, two, 2 * plen, &back, &back_len, why, sizeof(why)), 0);
	ck_assert_uint_eq(back_len, 2 * len);
	ck_assert(memcmp(back, data, len) == 0 && memcmp(back + len, data, len) == 0);
	free(back);
	free(two);
	free(g);
	free(p);
	free(data);
}

START_TEST(test_corrupt_gzip) { corrupt(HGFS_CZ_GZIP); }
END_TEST
START_TEST(test_corrupt_zstd) { corrupt(HGFS_CZ_ZSTD); }
END_TEST

START_TEST(test_names)
{
	hgfs_cz cz;

	ck_assert_int_eq(hgfs_cz_parse("gzip", &cz), 0);
	ck_assert_int_eq(cz, HGFS_CZ_GZIP);
	ck_assert_int_eq(hgfs_cz_parse("zstd", &cz), 0);
	ck_assert_int_eq(cz, HGFS_CZ_ZSTD);
	ck_assert_int_eq(hgfs_cz_parse("none", &cz), 0);
	ck_assert_int_eq(cz, HGFS_CZ_NONE);
	ck_assert_int_eq(hgfs_cz_parse("lz4", &cz), -1);
	ck_assert_int_eq(hgfs_cz_sniff("\x1f\x8b", 2), HGFS_CZ_GZIP);
	ck_assert_int_eq(hgfs_cz_sniff("\x28\xb5\x2f\xfd", 4), HGFS_CZ_ZSTD);
	ck_assert_int_eq(hgfs_cz_sniff("\x28\xb5\x2f", 3), HGFS_CZ_NONE);
	ck_assert_int_eq(hgfs_cz_sniff("{\"id\"", 5), HGFS_CZ_NONE);
	ck_assert_uint_eq(hgfs_cz_strip("vertices.jsonl.gz", &cz), 14);
	ck_assert_int_eq(cz, HGFS_CZ_GZIP);
	ck_assert_uint_eq(hgfs_cz_strip("edges.jsonl.zst", &cz), 11);
	ck_assert_int_eq(cz, HGFS_CZ_ZSTD);
	ck_assert_uint_eq(hgfs_cz_strip(".gz", &cz), 3);
	ck_assert_int_eq(cz, HGFS_CZ_NONE);
	ck_assert_str_eq(hgfs_snapfile_name(HGFS_F_VERTICES, HGFS_CZ_GZIP), "vertices.jsonl.gz");
	ck_assert_str_eq(hgfs_snapfile_name(HGFS_F_SCHEMA, HGFS_CZ_ZSTD), "schema.json.zst");
	ck_assert_str_eq(hgfs_snapfile_name(HGFS_F_MANIFEST, HGFS_CZ_ZSTD), "manifest.json");
	ck_assert_str_eq(hgfs_snapfile_name(HGFS_F_EDGES, HGFS_CZ_NONE), "edges.jsonl");
	ck_assert_int_eq(hgfs_kind_by_name("set/vertices.jsonl.gz"), HGFS_K_VERTICES);
	ck_assert_int_eq(hgfs_kind_by_name("edges.jsonl.zst"), HGFS_K_EDGES);
	ck_assert_int_eq(hgfs_kind_by_name("manifest.json.gz"), HGFS_K_MANIFEST);
	ck_assert_int_eq(hgfs_kind_by_name("vertices.jsonl.bz2"), HGFS_K_UNKNOWN);
	ck_assert_int_eq(hgfs_kind_by_name("x.gz"), HGFS_K_UNKNOWN);
}
END_TEST

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SHA_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

START_TEST(test_manifest_v2)
{
	static const char v2[] =
		"{\"format\":\"hugegraphfs-backup\",\"format_version\":2,\"compression\":\"gzip\",\"counts\":{\"vertices\":3},"
		"\"files\":{\"vertices.jsonl.gz\":{\"size\":100,\"sha256\":\"" SHA_A "\",\"plain_size\":300,"
		"\"plain_sha256\":\"" SHA_B "\"},\"edges.jsonl\":{\"size\":50,\"sha256\":\"" SHA_C "\"}}}";
	hgfs_manifest m;
	hgfs_import_status st;
	char err[256];

	ck_assert_int_eq(hgfs_manifest_parse(v2, strlen(v2), &m, err, sizeof(err)), 0);
	ck_assert(m.file[HGFS_K_VERTICES].present);
	ck_assert_str_eq(m.file[HGFS_K_VERTICES].suffix, ".gz");
	ck_assert_int_eq(m.file[HGFS_K_VERTICES].size, 100);
	ck_assert(m.file[HGFS_K_VERTICES].has_plain);
	ck_assert_int_eq(m.file[HGFS_K_VERTICES].plain_size, 300);
	ck_assert_str_eq(m.file[HGFS_K_EDGES].suffix, "");
	ck_assert_int_eq(hgfs_manifest_size_of(&m, "vertices.jsonl.gz"), 100);
	ck_assert_int_eq(hgfs_manifest_size_of(&m, "set/vertices.jsonl.gz"), 100);
	ck_assert_int_eq(hgfs_manifest_size_of(&m, "vertices.jsonl"), -1);  /* not under that name */
	ck_assert_int_eq(hgfs_manifest_size_of(&m, "vertices.jsonl.zst"), -1);
	ck_assert_int_eq(hgfs_manifest_size_of(&m, "edges.jsonl"), 50);
	ck_assert_int_eq(hgfs_manifest_size_of(&m, "edges.jsonl.gz"), -1);

	memset(&st, 0, sizeof(st));
	for (int i = 0; i < HG_SCHEMA__COUNT + 2; i++)
		st.m_count[i] = -1;
	st.measured = true;
	st.kind = HGFS_K_VERTICES;
	/* the compressed file as listed */
	st.m_packed = HGFS_CZ_GZIP;
	st.m_packed_size = 100;
	strcpy(st.m_packed_sha256, SHA_A);
	st.m_size = 300;
	strcpy(st.m_sha256, SHA_B);
	ck_assert_int_eq(hgfs_manifest_check(&m, &st, err, sizeof(err)), 0);
	/* recompressed otherwise, same content */
	strcpy(st.m_packed_sha256, SHA_C);
	st.m_packed_size = 90;
	ck_assert_int_eq(hgfs_manifest_check(&m, &st, err, sizeof(err)), 0);
	/* decompressed by hand: the plain content is checked */
	st.m_packed = HGFS_CZ_NONE;
	ck_assert_int_eq(hgfs_manifest_check(&m, &st, err, sizeof(err)), 0);
	/* other content */
	strcpy(st.m_sha256, SHA_C);
	ck_assert_int_eq(hgfs_manifest_check(&m, &st, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "SHA-256 differs"));
	ck_assert_ptr_nonnull(strstr(err, "vertices.jsonl.gz"));
	st.m_size = 299;
	ck_assert_int_eq(hgfs_manifest_check(&m, &st, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "size"));
	/* counts still count */
	st.m_size = 300;
	strcpy(st.m_sha256, SHA_B);
	st.m_count[HGFS_COUNT_VERTICES] = 4;
	ck_assert_int_eq(hgfs_manifest_check(&m, &st, err, sizeof(err)), -EINVAL);
	/* a plain listing, the file came compressed: its plain content is checked */
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < HG_SCHEMA__COUNT + 2; i++)
		st.m_count[i] = -1;
	st.measured = true;
	st.kind = HGFS_K_EDGES;
	st.m_packed = HGFS_CZ_ZSTD;
	st.m_packed_size = 20;
	strcpy(st.m_packed_sha256, SHA_A);
	st.m_size = 50;
	strcpy(st.m_sha256, SHA_C);
	ck_assert_int_eq(hgfs_manifest_check(&m, &st, err, sizeof(err)), 0);
	strcpy(st.m_sha256, SHA_A);
	ck_assert_int_eq(hgfs_manifest_check(&m, &st, err, sizeof(err)), -EINVAL);

	static const char v3[] = "{\"format\":\"hugegraphfs-backup\",\"format_version\":3}";
	ck_assert_int_eq(hgfs_manifest_parse(v3, strlen(v3), &m, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "newer"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("compress");
	TCase *tc = tcase_create("codec");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_roundtrip_gzip);
	tcase_add_test(tc, test_roundtrip_zstd);
	tcase_add_test(tc, test_locality_gzip);
	tcase_add_test(tc, test_locality_zstd);
	tcase_add_test(tc, test_workers_gzip);
	tcase_add_test(tc, test_workers_zstd);
	tcase_add_test(tc, test_gzip_one_stream);
	tcase_add_test(tc, test_empty_gzip);
	tcase_add_test(tc, test_empty_zstd);
	tcase_add_test(tc, test_corrupt_gzip);
	tcase_add_test(tc, test_corrupt_zstd);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_manifest_v2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
