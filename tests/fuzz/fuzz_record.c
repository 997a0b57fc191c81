/* fuzz_record.c - libFuzzer target for the parsers of restore/, which read
 * whatever a user copies in: a record line (vertex or edge) with its
 * validation pass, re-parse, emit, PRIMARY_KEY id rewrite and BLOB fix;
 * schema.json (parse, emit, diff); manifest.json; the kind sniffer.  The
 * first byte picks the parser.  Besides "no crash, no leak, no undefined
 * behaviour" it checks what the import relies on:
 *   - a line the check pass accepts is accepted again by the fast re-parse,
 *     with the same members;
 *   - what emit makes of an accepted line is valid JSON and parses as the
 *     same kind of record;
 *   - a BLOB fix returns 0/1/-1 and a changed line is valid JSON;
 *   - every schema element emitted is valid JSON.
 * libFuzzer: meson setup build-fuzz -Dfuzz=true (clang), then
 *   build-fuzz/tests/fuzz/fuzz_record_libfuzzer.  The suite runs the same
 * function on a seed corpus and on deterministic mutations of it
 * (driver.c). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(int cond)
{
	if (!cond)
		abort();
}

static bool every_key_blob(void *ctx, const char *key, size_t len)
{
	(void)ctx;
	return len > 0 && (key[0] & 1);
}

static void same_member(const rj_member *a, const rj_member *b)
{
	must(a->type == b->type);
	if (a->type != RJ_NONE)
		must(a->val_len == b->val_len && memcmp(a->val, b->val, a->val_len) == 0);
}

static void fuzz_vertex(const char *s, size_t n)
{
	hgfs_vertex_rec r, again;
	hgfs_buf out = {0}, fixed = {0};
	size_t col;
	char err[160];

	if (hgfs_vertex_parse(s, n, &r, &col, err, sizeof(err)) != 0)
		return;
	must(hgfs_vertex_parse_again(s, n, &again) == 0);
	same_member(&r.id, &again.id);
	same_member(&r.label, &again.label);
	same_member(&r.properties, &again.properties);
	for (int drop = 0; drop < 2; drop++) {
		hgfs_buf_reset(&out);
		if (hgfs_vertex_emit(s, n, &r, drop, &out) == 0) {
			hgfs_vertex_rec e;
			must(rj_validate(out.data, out.len, &col, err, sizeof(err)) == 0);
			must(hgfs_vertex_parse(out.data, out.len, &e, &col, err, sizeof(err)) == 0);
		}
	}
	if (r.id.type == RJ_STRING) {
		hgfs_buf_reset(&out);
		if (hgfs_pk_id_rewrite(r.id.val, r.id.val_len, 7, &out, err, sizeof(err)) == 0)
			must(rj_validate(out.data, out.len, &col, err, sizeof(err)) == 0);
	}
	int fx = hgfs_blob_fix(s, n, &r.properties, every_key_blob, NULL, &fixed, err, sizeof(err));
	must(fx == 0 || fx == 1 || fx == -1);
	if (fx == 1)
		must(rj_validate(fixed.data, fixed.len, &col, err, sizeof(err)) == 0);
	hgfs_buf_free(&out);
	hgfs_buf_free(&fixed);
}

static void fuzz_edge(const char *s, size_t n)
{
	hgfs_edge_rec r, again;
	hgfs_buf out = {0};
	size_t col;
	char err[160], why[160];

	if (hgfs_edge_parse(s, n, &r, &col, err, sizeof(err)) != 0)
		return;
	must(hgfs_edge_parse_again(s, n, &again) == 0);
	same_member(&r.id, &again.id);
	same_member(&r.out_v, &again.out_v);
	same_member(&r.in_v, &again.in_v);
	same_member(&r.properties, &again.properties);
	for (int k = 0; k < 4; k++) {
		hgfs_buf_reset(&out);
		if (hgfs_edge_emit(s, n, &r, k & 1 ? 5 : 0, k & 2 ? 9 : 0, &out, why, sizeof(why)) == 0) {
			hgfs_edge_rec e;
			must(rj_validate(out.data, out.len, &col, err, sizeof(err)) == 0);
			must(hgfs_edge_parse(out.data, out.len, &e, &col, err, sizeof(err)) == 0);
		}
	}
	hgfs_buf_free(&out);
}

static void fuzz_schema(const char *s, size_t n)
{
	hgfs_schema_file f;
	hgfs_buf out = {0};
	size_t col;
	char err[160], diff[256];

	if (hgfs_schema_file_parse(s, n, &f, err, sizeof(err)) != 0)
		return;
	for (size_t i = 0; i < f.n; i++) {
		for (int k = 0; k < 4; k++) {
			hgfs_buf_reset(&out);
			if (hgfs_schema_emit(&f.v[i], k & 1, k & 2, &out, err, sizeof(err)) == 0 && out.len > 0)
				must(rj_validate(out.data, out.len, &col, err, sizeof(err)) == 0);
		}
		if (i > 0 && f.v[i].type == f.v[i - 1].type) {
			int d = hgfs_schema_diff(f.v[i].type, f.v[i].text, f.v[i].len, f.v[i - 1].text, f.v[i - 1].len,
						 diff, sizeof(diff));
			must(d == 0 || d == 1 || d == -1 || d == -ENOMEM);
		}
	}
	hgfs_buf_free(&out);
	hgfs_schema_file_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	size_t n, col;
	char err[160];
	hgfs_manifest m;

	if (size < 1)
		return 0;
	s = (const char *)data + 1;
	n = size - 1;
	switch (data[0] % 6) {
	case 0:
		fuzz_vertex(s, n);
		break;
	case 1:
		fuzz_edge(s, n);
		break;
	case 2:
		fuzz_schema(s, n);
		break;
	case 3:
		(void)hgfs_manifest_parse(s, n, &m, err, sizeof(err));
		break;
	case 4: {
		hgfs_kind k = hgfs_kind_sniff(s, n);
		must(k >= HGFS_K_UNKNOWN && k <= HGFS_K_MANIFEST);
		break;
	}
	default:
		(void)rj_validate(s, n, &col, err, sizeof(err));
		break;
	}
	return 0;
}
