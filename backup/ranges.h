/*
 * ranges.h - the byte ranges of a file that were written: a sorted set of
 * disjoint, non-adjacent [start, end) intervals, merged as writes arrive.
 *
 * A file of restore/ is complete when the ranges cover it from 0 to its
 * size: fallocate, a truncate that extends, or a write past the end leave
 * holes that only writes fill.  The set is bounded (HGFS_RANGES_MAX
 * intervals, 16 bytes each): a writer that leaves more holes than that
 * gets -ENOMEM from the write that would add one.
 */
#ifndef HGFS_RANGES_H
#define HGFS_RANGES_H

#include <stddef.h>
#include <sys/types.h>

#define HGFS_RANGES_MAX 65536

typedef struct hgfs_range {
	off_t start, end;
} hgfs_range;

typedef struct hgfs_ranges {
	hgfs_range *r;
	size_t n, cap;
} hgfs_ranges;

/* Adds [start, end); 0, or -ENOMEM (no memory, or more than
 * HGFS_RANGES_MAX intervals would be needed; the set is unchanged). */
int hgfs_ranges_add(hgfs_ranges *s, off_t start, off_t end);
/* Forgets everything at or after size (a truncate). */
void hgfs_ranges_clip(hgfs_ranges *s, off_t size);
/* How many bytes were written contiguously from offset 0. */
off_t hgfs_ranges_prefix(const hgfs_ranges *s);
/* The total of the bytes written. */
off_t hgfs_ranges_total(const hgfs_ranges *s);
void hgfs_ranges_free(hgfs_ranges *s);

#endif
