/*
 * compress.h - the compressed forms of backup files (-o compress=gzip|zstd):
 * written deterministically and rsyncable by an export, read back by a
 * restore whatever the file's name (compress.c).
 *
 * Writing: the plain file is cut into chunks at line ends chosen by its
 * content (a gear hash over the last 64 bytes hitting a mask, once a chunk
 * holds HGFS_CZ_MIN_CHUNK bytes; at most HGFS_CZ_MAX_CHUNK), and each chunk
 * is compressed on its own: gzip restarts the deflate stream at each chunk
 * (Z_FULL_FLUSH, one gzip member, mtime 0, no name, level 6), zstd writes
 * one frame per chunk (level 3, with its content size and checksum).  So
 * the same plain bytes always give the same compressed bytes, and a change
 * in one place changes only the compressed chunk around it: rsync's delta
 * stays small.
 *
 * Reading: gzip (one or more members) and zstd (one or more frames) are
 * recognised by their magic bytes and decompressed in a streaming pass with
 * bounded memory; corrupt or truncated data is -EINVAL with a reason.
 */
#ifndef HGFS_COMPRESS_H
#define HGFS_COMPRESS_H

#include <stddef.h>
#include <sys/types.h>

typedef enum { HGFS_CZ_NONE, HGFS_CZ_GZIP, HGFS_CZ_ZSTD } hgfs_cz;

#define HGFS_CZ_MIN_CHUNK (16 * 1024)
#define HGFS_CZ_MAX_CHUNK (1024 * 1024)

/* "none", "gzip", "zstd" */
const char *hgfs_cz_name(hgfs_cz cz);
/* "", ".gz", ".zst" */
const char *hgfs_cz_suffix(hgfs_cz cz);
/* "none"/"gzip"/"zstd" into *out; 0 or -1. */
int hgfs_cz_parse(const char *s, hgfs_cz *out);
/* By the first bytes: 1f 8b (gzip), 28 b5 2f fd (zstd); else NONE. */
hgfs_cz hgfs_cz_sniff(const void *head, size_t len);
/* The length of name without a trailing ".gz" or ".zst" (*cz says which;
 * NONE when there is none). */
size_t hgfs_cz_strip(const char *name, hgfs_cz *cz);

/* How many threads compress a file's chunks (they are independent): n < 0
 * one per processor, at most 8 (the default; a file of two chunks or less
 * is compressed in the caller's thread); 0 always the caller's thread.
 * The bytes are the same whatever it is. */
void hgfs_cz_set_workers(int n);

/* Compresses in[0, in_size) into out from offset 0 (read with pread,
 * written with pwrite).  *out_size and out_hex (SHA-256 of what was
 * written) are set.  0 or -errno. */
int hgfs_compress_fd(hgfs_cz cz, int in, off_t in_size, int out, off_t *out_size, char out_hex[65]);

/* Decompresses in[0, in_size) (compressed with cz) into out from offset 0.
 * *out_size and out_hex (SHA-256 of the plain bytes), in_hex (SHA-256 of
 * the compressed bytes) are set.  -EINVAL with why for corrupt, truncated
 * or trailing data; -errno of a read or write (-ENOSPC); 0. */
int hgfs_decompress_fd(hgfs_cz cz, int in, off_t in_size, int out, off_t *out_size, char out_hex[65],
		       char in_hex[65], char *why, size_t why_len);

/* The plain form of a file replaced by its compressed one. */
typedef struct hgfs_cz_plain {
	off_t size;
	char sha[65];
} hgfs_cz_plain;

/* Replaces the spool file *fd (size *size, SHA-256 hex) by a new unlinked
 * spool file in spool_dir holding its cz form; the plain file's size and
 * hash go to *plain, *fd is closed.  On failure *fd is left as it was.
 * 0 or -errno. */
int hgfs_compress_spool(hgfs_cz cz, const char *spool_dir, int *fd, off_t *size, char hex[65], hgfs_cz_plain *plain);

#endif
