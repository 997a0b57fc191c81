/*
 * rawscan.c - the raw parallel backup baseline of the benchmark.
 *
 * What the mount's export does, with nothing else around it: GET the graph
 * info (backend) and the four schema lists, then for vertices and then
 * edges GET .../traversers/KIND/shards?split_size=S and scan the shards,
 * up to P at once, each with paging (page= then the token, page_limit N)
 * or, on the memory backend, unpaged.  Every element is written as the
 * exact bytes the server sent, one a line, shard after shard in shard
 * order and page after page: the same files as the mount's vertices.jsonl
 * and edges.jsonl.  The four schema answers go to schema.raw as they came
 * (one a line; not the mount's schema.json format).
 *
 * It uses libcurl directly (one easy handle per thread, kept alive, gzip
 * accepted) and a byte-level slicer of {"vertices":[...],"page":...}; no
 * part of hugegraphfs' client library.  Output buffers are per slot and
 * reused: no allocation per element, one write() per shard.
 *
 *   rawscan [options] URL GRAPH OUTDIR
 *   rawscan --count [options] URL GRAPH      prints "VERTICES EDGES"
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PARALLEL 64
#define META_MAX (64 * 1024)
#define ERRBODY_MAX 2048

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("rawscan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- a growable byte buffer ---------------------------------------------- */

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

static void buf_reserve(buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 64 * 1024;

	if (b->len + more + 1 <= b->cap)
		return;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->p = realloc(b->p, cap);
	if (b->p == NULL)
		die("out of memory");
	b->cap = cap;
}

static inline void buf_add(buf *b, const void *d, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_adds(buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Appends s percent-encoded (everything but unreserved characters). */
static void buf_add_escaped(buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '.' || *p == '_' || *p == '~') {
			buf_add(b, p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			buf_add(b, e, 3);
		}
	}
}

/* ---- the slicer -----------------------------------------------------------
 *
 * Fed an answer {"KEY":[elem,elem,...],"page":...} in chunks of any size, it
 * appends each element of the array, byte for byte, and a '\n' to `out`.
 * It counts depth outside strings and follows escapes inside them; that is
 * all it needs, the server's JSON is trusted (the bench compares the files
 * with the mount's).  Bytes outside the array (keys, the page member) are
 * kept in `meta` to read the page token at the end.
 */
typedef struct slicer {
	const char *key;
	buf *out;
	uint64_t elems;
	int depth;
	bool in_str, esc;
	bool in_elem;
	bool array_seen;
	bool done;
	buf meta;
	char err[200];
} slicer;

static void slicer_reset(slicer *s, const char *key, buf *out)
{
	s->key = key;
	s->out = out;
	s->elems = 0;
	s->depth = 0;
	s->in_str = s->esc = s->in_elem = s->array_seen = s->done = false;
	s->meta.len = 0;
	s->err[0] = '\0';
}

static int slicer_fail(slicer *s, const char *why)
{
	snprintf(s->err, sizeof(s->err), "%s", why);
	return -1;
}

/* The array may open here: meta ends with "KEY", a colon and the '['. */
static bool key_before_array(slicer *s)
{
	size_t n = s->meta.len - 1, kl = strlen(s->key);
	const char *m = s->meta.p;

	while (n > 0 && (m[n - 1] == ' ' || m[n - 1] == '\t' || m[n - 1] == '\n' || m[n - 1] == '\r'))
		n--;
	if (n == 0 || m[n - 1] != ':')
		return false;
	n--;
	while (n > 0 && (m[n - 1] == ' ' || m[n - 1] == '\t' || m[n - 1] == '\n' || m[n - 1] == '\r'))
		n--;
	return n >= kl + 2 && m[n - 1] == '"' && m[n - kl - 2] == '"' && memcmp(m + n - kl - 1, s->key, kl) == 0;
}

/* Follows strings and their escapes: true when c is part of a string
 * (its quotes included). */
static inline bool string_byte(slicer *s, char c)
{
	if (s->in_str) {
		if (s->esc)
			s->esc = false;
		else if (c == '\\')
			s->esc = true;
		else if (c == '"')
			s->in_str = false;
		return true;
	}
	if (c == '"')
		s->in_str = true;
	return s->in_str;
}

/* Bytes that stop the scan inside a string, and outside strings inside an
 * element. */
static const bool str_stop[256] = {['"'] = true, ['\\'] = true};
static const bool elem_stop[256] = {['"'] = true, ['{'] = true, ['}'] = true, ['['] = true, [']'] = true};

/* Inside an element, only strings and depth matter: advances *pos past
 * the element's last byte (true) or to n (false, the element goes on in
 * the next chunk). */
static bool element_bytes(slicer *s, const char *p, size_t n, size_t *pos)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = *pos;

	for (;;) {
		if (s->in_str) {
			if (s->esc) {
				if (i == n)
					break;
				s->esc = false;
				i++; /* the escaped byte; \uXXXX goes on with hex digits */
			}
			while (i < n && !str_stop[u[i]])
				i++;
			if (i == n)
				break;
			if (u[i++] == '\\')
				s->esc = true;
			else
				s->in_str = false;
			continue;
		}
		while (i < n && !elem_stop[u[i]])
			i++;
		if (i == n)
			break;
		switch (u[i++]) {
		case '"': s->in_str = true; break;
		case '{':
		case '[': s->depth++; break;
		default:
			if (--s->depth == 2) {
				*pos = i;
				return true;
			}
		}
	}
	*pos = n;
	return false;
}

static int slicer_feed(slicer *s, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (s->in_elem) {
			size_t start = i;
			bool closed = element_bytes(s, p, n, &i);
			buf_reserve(s->out, i - start + 1);
			memcpy(s->out->p + s->out->len, p + start, i - start);
			s->out->len += i - start;
			if (closed) {
				s->out->p[s->out->len++] = '\n';
				s->in_elem = false;
				s->elems++;
			}
			continue;
		}
		char c = p[i++];
		if (s->depth == 2 && !s->in_str) {
			/* in the array, between elements */
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',')
				continue;
			if (c == '{' || c == '[') {
				s->depth = 3;
				s->in_elem = true;
				buf_reserve(s->out, 1);
				s->out->p[s->out->len++] = c;
				continue;
			}
			if (c != ']')
				return slicer_fail(s, "an element that is not an object or array");
			s->depth = 1;
		}
		if (s->done)
			return slicer_fail(s, "bytes after the end of the answer");
		if (s->meta.len >= META_MAX)
			return slicer_fail(s, "too much outside the element array");
		buf_add(&s->meta, &c, 1);
		if (string_byte(s, c))
			continue;
		if (c == '{') {
			if (s->depth != 0)
				return slicer_fail(s, "an object member that is an object");
			s->depth = 1;
		} else if (c == '[') {
			if (s->depth != 1 || s->array_seen || !key_before_array(s))
				return slicer_fail(s, "an array other than the element array");
			s->array_seen = true;
			s->depth = 2;
		} else if (c == '}') {
			if (s->depth != 1)
				return slicer_fail(s, "unbalanced '}'");
			s->depth = 0;
			s->done = true;
		}
	}
	return 0;
}

/* The top-level "page" member: 1 with the decoded token in *tok
 * (malloc'd), 0 when absent or null. */
static int slicer_page(slicer *s, char **tok)
{
	const char *m = s->meta.p ? s->meta.p : "", *q = m;
	buf t = {0};

	*tok = NULL;
	while ((q = strstr(q, "\"page\"")) != NULL) {
		q += 6;
		while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
			q++;
		if (*q == ':')
			break;
	}
	if (q == NULL)
		return 0;
	q++;
	while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
		q++;
	if (*q != '"')
		return 0; /* null */
	for (q++; *q && *q != '"'; q++) {
		char c = *q;
		if (c == '\\') {
			q++;
			switch (*q) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;
				if (sscanf(q + 1, "%4x", &v) != 1 || v > 0x7f)
					die("page token with a non-ASCII \\u escape");
				c = (char)v;
				q += 4;
				break;
			}
			case '\0': die("page token cut short");
			default: c = *q; break;
			}
		}
		buf_add(&t, &c, 1);
	}
	buf_add(&t, "", 0);
	*tok = t.p;
	return 1;
}

/* ---- HTTP ------------------------------------------------------------------ */

typedef struct request {
	CURL *curl;
	long status;
	slicer *sl;    /* scans: the answer goes through the slicer */
	buf *body;     /* small GETs: the answer goes here */
	buf errbody;   /* the start of a non-200 answer */
	bool sl_failed;
} request;

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	request *r = ud;
	size_t n = size * nmemb;

	if (r->status == 0)
		curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->status != 200) {
		if (r->errbody.len < ERRBODY_MAX)
			buf_add(&r->errbody, p, n < ERRBODY_MAX - r->errbody.len ? n : ERRBODY_MAX - r->errbody.len);
		return n;
	}
	if (r->sl != NULL) {
		if (slicer_feed(r->sl, p, n) < 0) {
			r->sl_failed = true;
			return 0;
		}
	} else {
		buf_add(r->body, p, n);
	}
	return n;
}

static CURL *new_handle(void)
{
	CURL *c = curl_easy_init();

	if (c == NULL)
		die("curl_easy_init failed");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	return c;
}

/* GET url; the body goes to body or through sl.  Dies on any failure. */
static void http_get(CURL *c, const char *url, buf *body, slicer *sl)
{
	request r = {.curl = c, .sl = sl, .body = body};
	CURLcode rc;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
	rc = curl_easy_perform(c);
	if (r.sl_failed)
		die("GET %s: %s", url, sl->err);
	if (rc != CURLE_OK)
		die("GET %s: %s", url, curl_easy_strerror(rc));
	if (r.status == 0)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	if (r.status != 200)
		die("GET %s: HTTP %ld: %.*s", url, r.status, (int)r.errbody.len, r.errbody.p ? r.errbody.p : "");
	free(r.errbody.p);
	if (sl != NULL && !sl->done)
		die("GET %s: the answer is cut short", url);
	if (sl != NULL && !sl->array_seen)
		die("GET %s: no \"%s\" array in the answer", url, sl->key);
}

/* The string value of the first member "key" in a small JSON text (escapes
 * other than \" \\ \/ are not expected in the values read here). */
static char *json_string_member(const char *json, const char *key, const char **after)
{
	char pat[64];
	const char *q;
	buf v = {0};

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	q = strstr(json, pat);
	if (q == NULL)
		return NULL;
	q += strlen(pat);
	while (*q == ' ' || *q == ':' || *q == '\t' || *q == '\n' || *q == '\r')
		q++;
	if (*q != '"')
		return NULL;
	for (q++; *q && *q != '"'; q++) {
		if (*q == '\\') {
			q++;
			if (*q != '"' && *q != '\\' && *q != '/')
				die("unexpected escape \\%c in \"%s\"", *q, key);
		}
		buf_add(&v, q, 1);
	}
	if (*q != '"')
		die("a cut short string in \"%s\"", key);
	buf_add(&v, "", 0);
	if (after != NULL)
		*after = q + 1;
	return v.p;
}

/* ---- shards ---------------------------------------------------------------- */

typedef struct shard {
	char *start, *end;
} shard;

static size_t get_shards(CURL *c, const char *base, const char *kind, long split, shard **out)
{
	buf url = {0}, body = {0};
	const char *q;
	shard *v = NULL;
	size_t n = 0, cap = 0;

	buf_adds(&url, base);
	buf_adds(&url, "/traversers/");
	buf_adds(&url, kind);
	char num[64];
	snprintf(num, sizeof(num), "/shards?split_size=%ld", split);
	buf_adds(&url, num);
	http_get(c, url.p, &body, NULL);
	q = body.p ? strstr(body.p, "\"shards\"") : NULL;
	if (q == NULL)
		die("GET %s: no \"shards\" in %.200s", url.p, body.p ? body.p : "");
	for (;;) {
		const char *after;
		char *s = json_string_member(q, "start", &after), *e;
		if (s == NULL)
			break;
		e = json_string_member(after, "end", &q);
		if (e == NULL)
			die("GET %s: a shard without \"end\"", url.p);
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = realloc(v, cap * sizeof(*v));
			if (v == NULL)
				die("out of memory");
		}
		v[n].start = s;
		v[n].end = e;
		n++;
	}
	free(url.p);
	free(body.p);
	*out = v;
	return n;
}

static bool decimal(const char *s, long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* The memory backend's open last shard (start "k*w", end "") cannot be
 * scanned (the server reads a missing bound as 0); its bounds are entry
 * indexes, so it is closed one shard width (the previous shard's) past its
 * start, as the mount does. */
static void close_memory_shards(shard *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		long long s, ps = 0, pe;
		char num[32];

		if (v[i].end[0] != '\0' || !decimal(v[i].start, &s))
			continue;
		if ((v[i - 1].start[0] != '\0' && !decimal(v[i - 1].start, &ps)) || !decimal(v[i - 1].end, &pe) ||
		    pe <= ps)
			continue;
		snprintf(num, sizeof(num), "%lld", s + (pe - ps));
		free(v[i].end);
		v[i].end = strdup(num);
		if (v[i].end == NULL)
			die("out of memory");
	}
}

/* ---- the parallel scan ------------------------------------------------------ */

typedef struct slot {
	buf out;
	uint64_t elems;
	bool done;
} slot;

typedef struct job {
	const char *base, *kind;
	bool paged;
	long page_limit;
	shard *shards;
	size_t n;
	slot *slots;
	size_t window;
	size_t next, written;
	pthread_mutex_t lock;
	pthread_cond_t cond;
} job;

typedef struct worker {
	job *j;
	CURL *curl;
	slicer sl;
	buf url;
	uint64_t requests;
} worker;

static void scan_url(worker *w, const shard *sh, const char *page)
{
	char num[32];

	w->url.len = 0;
	buf_adds(&w->url, w->j->base);
	buf_adds(&w->url, "/traversers/");
	buf_adds(&w->url, w->j->kind);
	buf_adds(&w->url, "/scan?start=");
	buf_add_escaped(&w->url, sh->start);
	buf_adds(&w->url, "&end=");
	buf_add_escaped(&w->url, sh->end);
	if (page != NULL) {
		buf_adds(&w->url, "&page=");
		buf_add_escaped(&w->url, page);
		snprintf(num, sizeof(num), "&page_limit=%ld", w->j->page_limit);
		buf_adds(&w->url, num);
	}
}

static void scan_shard(worker *w, size_t i, slot *sl)
{
	job *j = w->j;
	char *page = j->paged ? strdup("") : NULL;

	sl->out.len = 0;
	sl->elems = 0;
	for (;;) {
		char *next = NULL;

		scan_url(w, &j->shards[i], page);
		slicer_reset(&w->sl, j->kind, &sl->out);
		http_get(w->curl, w->url.p, NULL, &w->sl);
		w->requests++;
		sl->elems += w->sl.elems;
		if (!j->paged || slicer_page(&w->sl, &next) == 0 || w->sl.elems == 0) {
			free(next);
			break;
		}
		if (strcmp(next, page) == 0)
			die("GET %s: the server returned the same page token again", w->url.p);
		free(page);
		page = next;
	}
	free(page);
}

static void *scan_worker(void *arg)
{
	worker *w = arg;
	job *j = w->j;

	pthread_mutex_lock(&j->lock);
	for (;;) {
		size_t i;

		while (j->next < j->n && j->next >= j->written + j->window)
			pthread_cond_wait(&j->cond, &j->lock);
		if (j->next >= j->n)
			break;
		i = j->next++;
		pthread_mutex_unlock(&j->lock);
		scan_shard(w, i, &j->slots[i % j->window]);
		pthread_mutex_lock(&j->lock);
		j->slots[i % j->window].done = true;
		pthread_cond_broadcast(&j->cond);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

static void write_all(int fd, const char *p, size_t len, const char *path)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("write %s: %s", path, strerror(errno));
		p += n, len -= (size_t)n;
	}
}

typedef struct opts {
	int parallel;
	long split_size, page_limit;
	int paged; /* -1: from the backend */
	const char *graphspace;
	bool count_only;
} opts;

/* Scans every shard of kind into path (NULL: count only); returns the count. */
static uint64_t scan_kind(const opts *o, CURL **handles, const char *base, const char *kind, bool paged,
			  const char *path, uint64_t *requests)
{
	job j = {.base = base, .kind = kind, .paged = paged, .page_limit = o->page_limit};
	worker w[MAX_PARALLEL];
	pthread_t tid[MAX_PARALLEL];
	size_t nthreads;
	uint64_t total = 0;
	int fd = -1;

	if (path != NULL) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die("%s: %s", path, strerror(errno));
	}
	j.n = get_shards(handles[0], base, kind, o->split_size, &j.shards);
	*requests += 1;
	if (!paged)
		close_memory_shards(j.shards, j.n);
	nthreads = (size_t)o->parallel < j.n ? (size_t)o->parallel : j.n;
	j.window = 2 * (nthreads ? nthreads : 1);
	j.slots = calloc(j.window, sizeof(*j.slots));
	if (j.slots == NULL)
		die("out of memory");
	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.cond, NULL);
	memset(w, 0, sizeof(w));
	for (size_t t = 0; t < nthreads; t++) {
		w[t].j = &j;
		w[t].curl = handles[t];
		if (pthread_create(&tid[t], NULL, scan_worker, &w[t]) != 0)
			die("pthread_create failed");
	}
	/* write the shards in order as they complete */
	pthread_mutex_lock(&j.lock);
	while (j.written < j.n) {
		slot *sl = &j.slots[j.written % j.window];
		while (!sl->done)
			pthread_cond_wait(&j.cond, &j.lock);
		pthread_mutex_unlock(&j.lock);
		if (fd >= 0)
			write_all(fd, sl->out.p, sl->out.len, path);
		total += sl->elems;
		pthread_mutex_lock(&j.lock);
		sl->done = false;
		j.written++;
		pthread_cond_broadcast(&j.cond);
	}
	pthread_mutex_unlock(&j.lock);
	for (size_t t = 0; t < nthreads; t++) {
		pthread_join(tid[t], NULL);
		*requests += w[t].requests;
		free(w[t].sl.meta.p);
		free(w[t].url.p);
	}
	for (size_t s = 0; s < j.window; s++)
		free(j.slots[s].out.p);
	for (size_t s = 0; s < j.n; s++) {
		free(j.shards[s].start);
		free(j.shards[s].end);
	}
	free(j.shards);
	free(j.slots);
	pthread_mutex_destroy(&j.lock);
	pthread_cond_destroy(&j.cond);
	if (fd >= 0 && close(fd) < 0)
		die("close %s: %s", path, strerror(errno));
	return total;
}

/* ---- main ---------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("usage: rawscan [options] URL GRAPH OUTDIR\n"
	      "       rawscan --count [options] URL GRAPH\n"
	      "Writes OUTDIR/vertices.jsonl and OUTDIR/edges.jsonl (each element's bytes as the server\n"
	      "sent them, one a line, in shard then page order) and OUTDIR/schema.raw (the four schema\n"
	      "lists as received, one a line).  --count prints \"VERTICES EDGES\" and writes nothing.\n"
	      "  -p, --parallel N     shards scanned at once (default 4)\n"
	      "  --split-size BYTES   split_size of the shards request (default 1048576)\n"
	      "  --page-limit N       elements per page when paging (default 100000)\n"
	      "  --paged yes|no       page the scans (default: no on the memory backend, else yes)\n"
	      "  --graphspace NAME    graphspace on 1.7+ servers (default DEFAULT)\n"
	      "  --count              count the elements only\n",
	      f);
}

/* true when GET /versions says core >= 1.7 */
static bool server_has_graphspaces(CURL *c, const char *url)
{
	buf u = {0}, body = {0};
	char *core;
	int major = 0, minor = 0;

	buf_adds(&u, url);
	buf_adds(&u, "/versions");
	http_get(c, u.p, &body, NULL);
	core = json_string_member(body.p ? body.p : "", "core", NULL);
	if (core == NULL || sscanf(core, "%d.%d", &major, &minor) != 2)
		die("GET %s: no core version in %.200s", u.p, body.p ? body.p : "");
	free(core);
	free(u.p);
	free(body.p);
	return major > 1 || (major == 1 && minor >= 7);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"parallel", required_argument, NULL, 'p'}, {"split-size", required_argument, NULL, 's'},
		{"page-limit", required_argument, NULL, 'l'}, {"paged", required_argument, NULL, 'g'},
		{"graphspace", required_argument, NULL, 'G'}, {"count", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	opts o = {.parallel = 4, .split_size = 1048576, .page_limit = 100000, .paged = -1, .graphspace = "DEFAULT"};
	CURL *handles[MAX_PARALLEL];
	buf base = {0}, u = {0}, body = {0};
	const char *url, *graph, *outdir = NULL;
	char *backend;
	bool paged;
	uint64_t nv, ne, requests = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p': o.parallel = atoi(optarg); break;
		case 's': o.split_size = atol(optarg); break;
		case 'l': o.page_limit = atol(optarg); break;
		case 'g': o.paged = strcmp(optarg, "yes") == 0 ? 1 : strcmp(optarg, "no") == 0 ? 0 : -2; break;
		case 'G': o.graphspace = optarg; break;
		case 'c': o.count_only = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind != (o.count_only ? 2 : 3) || o.parallel < 1 || o.parallel > MAX_PARALLEL ||
	    o.split_size < 1048576 || o.page_limit < 1 || o.page_limit > 800000 || o.paged == -2) {
		usage(stderr);
		return 2;
	}
	url = argv[optind];
	graph = argv[optind + 1];
	if (!o.count_only) {
		outdir = argv[optind + 2];
		if (mkdir(outdir, 0755) < 0 && errno != EEXIST)
			die("%s: %s", outdir, strerror(errno));
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		die("curl_global_init failed");
	for (int i = 0; i < o.parallel; i++)
		handles[i] = new_handle();

	/* the graph's URL, as the server's version wants it */
	buf_adds(&base, url);
	if (server_has_graphspaces(handles[0], url)) {
		buf_adds(&base, "/graphspaces/");
		buf_add_escaped(&base, o.graphspace);
	}
	buf_adds(&base, "/graphs/");
	buf_add_escaped(&base, graph);
	requests++;

	/* the backend: memory cannot page */
	http_get(handles[0], base.p, &body, NULL);
	requests++;
	backend = json_string_member(body.p ? body.p : "", "backend", NULL);
	paged = o.paged >= 0 ? o.paged == 1 : !(backend != NULL && strcmp(backend, "memory") == 0);
	free(backend);

	/* the schema lists, as the mount reads them */
	if (!o.count_only) {
		static const char *const types[] = {"propertykeys", "vertexlabels", "edgelabels", "indexlabels"};
		buf schema = {0};
		int fd;

		for (int t = 0; t < 4; t++) {
			u.len = 0;
			buf_adds(&u, base.p);
			buf_adds(&u, "/schema/");
			buf_adds(&u, types[t]);
			body.len = 0;
			http_get(handles[0], u.p, &body, NULL);
			requests++;
			buf_add(&schema, body.p ? body.p : "", body.len);
			buf_add(&schema, "\n", 1);
		}
		u.len = 0;
		buf_adds(&u, outdir);
		buf_adds(&u, "/schema.raw");
		fd = open(u.p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			die("%s: %s", u.p, strerror(errno));
		write_all(fd, schema.p, schema.len, u.p);
		close(fd);
		free(schema.p);
	}

	u.len = 0;
	if (outdir != NULL) {
		buf_adds(&u, outdir);
		buf_adds(&u, "/vertices.jsonl");
	}
	nv = scan_kind(&o, handles, base.p, "vertices", paged, outdir ? u.p : NULL, &requests);
	u.len = 0;
	if (outdir != NULL) {
		buf_adds(&u, outdir);
		buf_adds(&u, "/edges.jsonl");
	}
	ne = scan_kind(&o, handles, base.p, "edges", paged, outdir ? u.p : NULL, &requests);

	if (o.count_only)
		printf("%llu %llu\n", (unsigned long long)nv, (unsigned long long)ne);
	else
		fprintf(stderr, "rawscan: %llu vertices, %llu edges, %llu requests (%s, %d in parallel)\n",
			(unsigned long long)nv, (unsigned long long)ne, (unsigned long long)requests,
			paged ? "paged" : "unpaged", o.parallel);
	for (int i = 0; i < o.parallel; i++)
		curl_easy_cleanup(handles[i]);
	curl_global_cleanup();
	free(base.p);
	free(u.p);
	free(body.p);
	return 0;
}
