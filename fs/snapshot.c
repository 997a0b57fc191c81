/* snapshot.c - bookkeeping rules of snapshots.  No I/O but closing, no locks. */
#include <stdlib.h>

#include "hgfs.h"

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) + (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

bool hgfs_snapshot_expired(const hgfs_snapshot *s, const struct timespec *now, double ttl)
{
	return s->stale || ts_diff(now, &s->made) > ttl;
}

struct timespec hgfs_snapshot_mtime(const struct timespec *now, const struct timespec *prev)
{
	struct timespec t = {.tv_sec = now->tv_sec, .tv_nsec = 0};

	if (t.tv_sec <= prev->tv_sec)
		t.tv_sec = prev->tv_sec + 1;
	return t;
}

void hgfs_snapshot_close(hgfs_snapshot *s)
{
	if (s == NULL)
		return;
	hgfs_snapset_close(&s->set);
	free(s);
}
