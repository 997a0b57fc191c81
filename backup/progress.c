/* progress.c - what an export has done so far: export.status and the
 * progress lines of the log. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "export.h"
#include "log.h"

static long mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

void hgfs_progress_begin(hgfs_progress *p)
{
	for (int f = 0; f < HGFS_F__COUNT; f++) {
		STORE(p->elems[f], 0);
		STORE(p->bytes[f], 0);
		STORE(p->shards[f], 0);
		STORE(p->shards_done[f], 0);
		STORE(p->file_start_ms[f], 0);
	}
	STORE(p->file, -1);
	STORE(p->start_ms, mono_ms());
	STORE(p->last_log_ms, LOAD(p->start_ms));
	p->running = true;
	p->started = time(NULL);
}

void hgfs_progress_file(hgfs_progress *p, hgfs_snapfile f, uint64_t shards)
{
	STORE(p->shards[f], shards);
	STORE(p->file_start_ms[f], mono_ms());
	STORE(p->file, (int)f);
}

const char *hgfs_fmt_secs(double secs, char *buf, size_t len)
{
	long s = (long)(secs + 0.5);

	if (secs < 60)
		snprintf(buf, len, "%.1f s", secs);
	else if (s < 3600)
		snprintf(buf, len, "%ld min %02ld s", s / 60, s % 60);
	else
		snprintf(buf, len, "%ld h %02ld min", s / 3600, s / 60 % 60);
	return buf;
}

/* Seconds left of file f, from the shards done so far; < 0: not estimable. */
static double file_eta(const hgfs_progress *p, int f, long now)
{
	uint64_t n = LOAD(p->shards[f]), k = LOAD(p->shards_done[f]);
	long start = LOAD(p->file_start_ms[f]);

	if (n == 0 || k == 0 || start == 0 || k > n)
		return -1;
	return (double)(now - start) / 1000.0 * (double)(n - k) / (double)k;
}

/* "vertices.jsonl: 5000 elements, 1234567 bytes, shard 3 of 10, eta 25.0 s" */
static void file_line(const hgfs_progress *p, int f, long now, char *buf, size_t len)
{
	uint64_t n = LOAD(p->shards[f]);
	int at = 0;
	double eta = file_eta(p, f, now);
	char t[48];

	at = snprintf(buf, len, "%s: %llu elements, %llu bytes", hgfs_snapfile_names[f],
		      (unsigned long long)LOAD(p->elems[f]), (unsigned long long)LOAD(p->bytes[f]));
	if (n > 0 && at >= 0 && (size_t)at < len)
		at += snprintf(buf + at, len - (size_t)at, ", shards %llu of %llu done",
			       (unsigned long long)LOAD(p->shards_done[f]), (unsigned long long)n);
	if (eta >= 0 && at >= 0 && (size_t)at < len)
		snprintf(buf + at, len - (size_t)at, ", eta %s", hgfs_fmt_secs(eta, t, sizeof(t)));
}

static void totals(const hgfs_progress *p, uint64_t *elems, uint64_t *bytes)
{
	*elems = *bytes = 0;
	for (int f = 0; f < HGFS_F__COUNT; f++) {
		*elems += LOAD(p->elems[f]);
		*bytes += LOAD(p->bytes[f]);
	}
}

void hgfs_progress_shards(hgfs_progress *p, hgfs_snapfile f, uint64_t shards_done)
{
	STORE(p->shards_done[f], shards_done);
}

void hgfs_progress_add(hgfs_progress *p, const char *graph, hgfs_snapfile f, uint64_t elems, uint64_t bytes)
{
	long now = mono_ms(), last = LOAD(p->last_log_ms);
	uint64_t te, tb;
	double secs;
	char line[512], t[48];

	__atomic_add_fetch(&p->elems[f], elems, __ATOMIC_RELAXED);
	__atomic_add_fetch(&p->bytes[f], bytes, __ATOMIC_RELAXED);
	if (now - last < HGFS_PROGRESS_LOG_MS ||
	    !__atomic_compare_exchange_n(&p->last_log_ms, &last, now, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	totals(p, &te, &tb);
	secs = (double)(now - LOAD(p->start_ms)) / 1000.0;
	file_line(p, (int)f, now, line, sizeof(line));
	hgfs_log(LOG_INFO, "export of graph '%s' in progress, %s: %s; %.0f elements/s, %.0f bytes/s", graph,
		 hgfs_fmt_secs(secs, t, sizeof(t)), line, secs > 0 ? (double)te / secs : 0.0,
		 secs > 0 ? (double)tb / secs : 0.0);
}

void hgfs_progress_end(hgfs_progress *p, int rc)
{
	p->running = false;
	p->have_last = true;
	p->last_rc = rc;
	clock_gettime(CLOCK_REALTIME, &p->last_end_ts);
	p->last_end = p->last_end_ts.tv_sec;
	p->last_secs = (double)(mono_ms() - LOAD(p->start_ms)) / 1000.0;
	for (int f = 0; f < HGFS_F__COUNT; f++) {
		p->last_elems[f] = LOAD(p->elems[f]);
		p->last_bytes[f] = LOAD(p->bytes[f]);
	}
}

typedef struct text {
	char *s;
	size_t len, cap;
	bool oom;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = true;
			return;
		}
		if (t->s && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap * 2 + (size_t)n + 256;
		char *s = realloc(t->s, cap);
		if (s == NULL) {
			t->oom = true;
			return;
		}
		t->s = s;
		t->cap = cap;
	}
}

static void stamp(time_t when, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&when, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void hgfs_progress_mtime(const hgfs_progress *p, struct timespec *mtime)
{
	if (p->running)
		clock_gettime(CLOCK_REALTIME, mtime);
	else if (p->have_last)
		*mtime = p->last_end_ts;
	else
		*mtime = (struct timespec){0, 0};
}

int hgfs_progress_render(const hgfs_progress *p, char **out, size_t *len)
{
	text t = {0};
	char buf[512], ts[64], d[48];
	long now = mono_ms();

	if (p->running) {
		uint64_t te, tb;
		double secs = (double)(now - LOAD(p->start_ms)) / 1000.0;
		int cur = LOAD(p->file);

		totals(p, &te, &tb);
		stamp(p->started, ts, sizeof(ts));
		add(&t, "state: exporting\nstarted: %s\nelapsed: %s\n", ts, hgfs_fmt_secs(secs, d, sizeof(d)));
		for (int f = 0; f < HGFS_F_MANIFEST; f++) {
			if (f > cur) {
				add(&t, "%s: waiting\n", hgfs_snapfile_names[f]);
				continue;
			}
			file_line(p, f, now, buf, sizeof(buf));
			add(&t, "%s%s\n", buf, f < cur ? " (done)" : "");
		}
		add(&t, "rate: %.0f elements/s, %.0f bytes/s\n", secs > 0 ? (double)te / secs : 0.0,
		    secs > 0 ? (double)tb / secs : 0.0);
	} else {
		add(&t, "state: idle\n");
	}
	if (p->have_last) {
		char res[128];
		stamp(p->last_end, ts, sizeof(ts));
		if (p->last_rc == 0)
			snprintf(res, sizeof(res), "done");
		else
			snprintf(res, sizeof(res), "failed (%s)", strerror(-p->last_rc));
		add(&t, "last: %s at %s after %s: %llu vertices (%llu bytes), %llu edges (%llu bytes)\n",
		    res, ts, hgfs_fmt_secs(p->last_secs, d, sizeof(d)),
		    (unsigned long long)p->last_elems[HGFS_F_VERTICES],
		    (unsigned long long)p->last_bytes[HGFS_F_VERTICES], (unsigned long long)p->last_elems[HGFS_F_EDGES],
		    (unsigned long long)p->last_bytes[HGFS_F_EDGES]);
	}
	if (t.oom) {
		free(t.s);
		return -ENOMEM;
	}
	*out = t.s;
	*len = t.len;
	return 0;
}
