/* driver.c - runs a libFuzzer target without libFuzzer, so that the suite
 * (and its sanitizer pass) exercises the fuzz targets on every run: each
 * seed, then FUZZ_RUNS (default 20000) deterministic mutations of the seeds
 * (byte flips, inserts of JSON-significant bytes, deletions, duplications,
 * splices of two seeds).  Arguments name the seeds:
 *   K:FILE  each line of FILE, after a first byte K (a decimal 0-255)
 *   K@FILE  the whole of FILE after a first byte K
 *   K[FILE  '{"vertices":[' + FILE's lines joined with ',' + ']}' after K
 * The first byte is how the targets choose what to do with the rest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct input {
	uint8_t *p;
	size_t n;
} input;

static input *seeds;
static size_t nseeds, capseeds;

static void add_seed(uint8_t k, const char *a, size_t an, const char *b, size_t bn, const char *c, size_t cn)
{
	input in = {malloc(1 + an + bn + cn), 1 + an + bn + cn};

	if (in.p == NULL)
		abort();
	in.p[0] = k;
	memcpy(in.p + 1, a, an);
	memcpy(in.p + 1 + an, b, bn);
	memcpy(in.p + 1 + an + bn, c, cn);
	if (nseeds == capseeds) {
		capseeds = capseeds ? capseeds * 2 : 64;
		seeds = realloc(seeds, capseeds * sizeof(*seeds));
		if (seeds == NULL)
			abort();
	}
	seeds[nseeds++] = in;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	do {
		if (n + 65536 > cap && (buf = realloc(buf, cap = (cap + 65536) * 2)) == NULL)
			abort();
		got = fread(buf + n, 1, 65536, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

static void load(const char *spec)
{
	char *end;
	long k = strtol(spec, &end, 10);
	char how = *end;
	size_t len;
	char *text;

	if (end == spec || k < 0 || k > 255 || (how != ':' && how != '@' && how != '['))
		fprintf(stderr, "bad seed spec '%s'\n", spec), exit(2);
	text = slurp(end + 1, &len);
	if (how == '@') {
		add_seed((uint8_t)k, text, len, "", 0, "", 0);
	} else if (how == ':') {
		for (size_t at = 0; at < len;) {
			char *nl = memchr(text + at, '\n', len - at);
			size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
			if (n > 0)
				add_seed((uint8_t)k, text + at, n, "", 0, "", 0);
			at += n + 1;
		}
	} else {
		for (size_t i = 0; i < len; i++)
			if (text[i] == '\n' && i + 1 < len)
				text[i] = ',';
		while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ','))
			len--;
		add_seed((uint8_t)k, "{\"vertices\":[", 13, text, len, "]}", 2);
	}
	free(text);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* One mutation of seed s (and maybe seed t) into a new buffer. */
static input mutate(const input *s, const input *t)
{
	static const char tokens[] = "\"\\{}[],:0-1e.ntfu\x01\xff\xc3 \n";
	size_t cap = s->n + t->n + 16;
	input m = {malloc(cap), s->n};
	size_t at;

	if (m.p == NULL)
		abort();
	memcpy(m.p, s->p, s->n);
	for (int i = 0, k = 1 + (int)(next() % 4); i < k && m.n > 1; i++) {
		at = 1 + next() % (m.n - 1);
		switch (next() % 5) {
		case 0: /* flip a bit */
			m.p[at] ^= (uint8_t)(1u << (next() % 8));
			break;
		case 1: /* insert a byte that JSON cares about */
			if (m.n < cap) {
				memmove(m.p + at + 1, m.p + at, m.n - at);
				m.p[at] = (uint8_t)tokens[next() % (sizeof(tokens) - 1)];
				m.n++;
			}
			break;
		case 2: { /* delete a range */
			size_t n = 1 + next() % 8;
			if (n > m.n - at)
				n = m.n - at;
			memmove(m.p + at, m.p + at + n, m.n - at - n);
			m.n -= n;
			break;
		}
		case 3: /* cut the tail */
			m.n = at;
			break;
		default: { /* splice: the rest comes from t */
			size_t from = t->n > 1 ? 1 + next() % (t->n - 1) : 1, n = t->n - from;
			if (at + n > cap)
				n = cap - at;
			if (from < t->n) {
				memcpy(m.p + at, t->p + from, n);
				m.n = at + n;
			}
			break;
		}
		}
	}
	return m;
}

int main(int argc, char **argv)
{
	const char *env = getenv("FUZZ_RUNS");
	long runs = env != NULL ? atol(env) : 20000;

	for (int i = 1; i < argc; i++)
		load(argv[i]);
	if (nseeds == 0)
		fprintf(stderr, "no seeds\n"), exit(2);
	for (size_t i = 0; i < nseeds; i++)
		LLVMFuzzerTestOneInput(seeds[i].p, seeds[i].n);
	for (long r = 0; r < runs; r++) {
		input m = mutate(&seeds[next() % nseeds], &seeds[next() % nseeds]);
		/* the same body under every first byte: each parser sees it */
		if (r % 2 == 0 && m.n > 0)
			m.p[0] = (uint8_t)(next() % 256);
		LLVMFuzzerTestOneInput(m.p, m.n);
		free(m.p);
	}
	printf("%zu seeds, %ld mutations: no crash, every check held\n", nseeds, runs);
	for (size_t i = 0; i < nseeds; i++)
		free(seeds[i].p);
	free(seeds);
	return 0;
}
