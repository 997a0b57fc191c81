/* ranges.c - the written byte ranges of a file (see ranges.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ranges.h"

int hgfs_ranges_add(hgfs_ranges *s, off_t start, off_t end)
{
	size_t lo = 0, hi = s->n, i, j;

	if (end <= start)
		return 0;
	/* the first interval that ends at or after start: it may touch */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->r[mid].end < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	i = j = lo;
	while (j < s->n && s->r[j].start <= end) {
		if (s->r[j].start < start)
			start = s->r[j].start;
		if (s->r[j].end > end)
			end = s->r[j].end;
		j++;
	}
	if (j > i) {
		/* r[i..j) merge into one */
		s->r[i].start = start;
		s->r[i].end = end;
		memmove(&s->r[i + 1], &s->r[j], (s->n - j) * sizeof(s->r[0]));
		s->n -= j - i - 1;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4;
		hgfs_range *r;
		if (s->n >= HGFS_RANGES_MAX)
			return -ENOMEM;
		if (cap > HGFS_RANGES_MAX)
			cap = HGFS_RANGES_MAX;
		r = realloc(s->r, cap * sizeof(*r));
		if (r == NULL)
			return -ENOMEM;
		s->r = r;
		s->cap = cap;
	}
	memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(s->r[0]));
	s->r[i].start = start;
	s->r[i].end = end;
	s->n++;
	return 0;
}

void hgfs_ranges_clip(hgfs_ranges *s, off_t size)
{
	while (s->n > 0 && s->r[s->n - 1].start >= size)
		s->n--;
	if (s->n > 0 && s->r[s->n - 1].end > size)
		s->r[s->n - 1].end = size;
	if (s->n == 0) {
		free(s->r);
		s->r = NULL;
		s->cap = 0;
	}
}

off_t hgfs_ranges_prefix(const hgfs_ranges *s)
{
	return s->n > 0 && s->r[0].start == 0 ? s->r[0].end : 0;
}

off_t hgfs_ranges_total(const hgfs_ranges *s)
{
	off_t t = 0;

	for (size_t i = 0; i < s->n; i++)
		t += s->r[i].end - s->r[i].start;
	return t;
}

void hgfs_ranges_free(hgfs_ranges *s)
{
	free(s->r);
	s->r = NULL;
	s->n = s->cap = 0;
}
