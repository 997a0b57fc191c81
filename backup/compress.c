/*
 * compress.c - gzip and zstd forms of backup files: deterministic,
 * rsyncable compression for an export, streaming decompression for a
 * restore (compress.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "compress.h"
#include "export.h"
#include "sha256.h"

#define IO_BUF (256 * 1024)
#define GZIP_LEVEL 6
#define ZSTD_LEVEL 3
/* a chunk may end (at its next line end) once the top 15 bits of the gear
 * hash are zero: about every 32 KiB past HGFS_CZ_MIN_CHUNK */
#define CUT_SHIFT 49

static const char *const cz_names[] = {"none", "gzip", "zstd"};
static const char *const cz_suffixes[] = {"", ".gz", ".zst"};

const char *hgfs_cz_name(hgfs_cz cz)
{
	return (unsigned)cz <= HGFS_CZ_ZSTD ? cz_names[cz] : "none";
}

const char *hgfs_cz_suffix(hgfs_cz cz)
{
	return (unsigned)cz <= HGFS_CZ_ZSTD ? cz_suffixes[cz] : "";
}

int hgfs_cz_parse(const char *s, hgfs_cz *out)
{
	for (int i = 0; i <= HGFS_CZ_ZSTD; i++) {
		if (strcmp(s, cz_names[i]) == 0) {
			*out = (hgfs_cz)i;
			return 0;
		}
	}
	return -1;
}

hgfs_cz hgfs_cz_sniff(const void *head, size_t len)
{
	const unsigned char *h = head;

	if (len >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return HGFS_CZ_GZIP;
	if (len >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd)
		return HGFS_CZ_ZSTD;
	return HGFS_CZ_NONE;
}

size_t hgfs_cz_strip(const char *name, hgfs_cz *cz)
{
	size_t n = strlen(name);

	for (int i = HGFS_CZ_GZIP; i <= HGFS_CZ_ZSTD; i++) {
		size_t s = strlen(cz_suffixes[i]);
		if (n > s && strcmp(name + n - s, cz_suffixes[i]) == 0) {
			*cz = (hgfs_cz)i;
			return n - s;
		}
	}
	*cz = HGFS_CZ_NONE;
	return n;
}

static int pread_full(int fd, char *buf, size_t len, off_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* shorter than its size */
		got += (size_t)n;
	}
	return 0;
}

/* ---- output: written at off, hashed ---------------------------------------- */

typedef struct czout {
	int fd;
	off_t off;
	hgfs_sha256 sha;
} czout;

static int out_write(czout *o, const void *p, size_t len)
{
	const char *c = p;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(o->fd, c + done, len - done, o->off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	hgfs_sha256_update(&o->sha, p, len);
	o->off += (off_t)len;
	return 0;
}

/* ---- compression ------------------------------------------------------------ */

typedef struct czw {
	hgfs_cz cz;
	czout o;
	z_stream z;
	bool z_init;
	ZSTD_CCtx *zc;
	char *obuf;
	size_t ocap;
	unsigned long chunks;
} czw;

static int gz_run(czw *w, int flush)
{
	int zr;

	do {
		w->z.next_out = (Bytef *)w->obuf;
		w->z.avail_out = (uInt)w->ocap;
		zr = deflate(&w->z, flush);
		if (zr == Z_STREAM_ERROR)
			return -EIO;
		size_t n = w->ocap - w->z.avail_out;
		if (n > 0) {
			int rc = out_write(&w->o, w->obuf, n);
			if (rc < 0)
				return rc;
		}
	} while (w->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

/* One chunk, compressed so that its bytes depend on nothing before it. */
static int chunk_out(czw *w, const char *p, size_t len)
{
	w->chunks++;
	if (w->cz == HGFS_CZ_GZIP) {
		w->z.next_in = (Bytef *)(uintptr_t)p;
		w->z.avail_in = (uInt)len;
		return gz_run(w, Z_FULL_FLUSH);
	}
	size_t n = ZSTD_compress2(w->zc, w->obuf, w->ocap, p, len);
	if (ZSTD_isError(n))
		return -EIO;
	return out_write(&w->o, w->obuf, n);
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int hgfs_compress_fd(hgfs_cz cz, int in, off_t in_size, int out, off_t *out_size, char out_hex[65])
{
	czw w = {.cz = cz, .o = {.fd = out}};
	uint64_t gear[256], seed = 0x68756765677261ULL, h = 0;
	char *rbuf = NULL, *chunk = NULL;
	size_t clen = 0;
	bool cut = false;
	off_t off = 0;
	int rc;

	if (cz != HGFS_CZ_GZIP && cz != HGFS_CZ_ZSTD)
		return -EINVAL;
	for (int i = 0; i < 256; i++)
		gear[i] = splitmix64(&seed);
	rc = hgfs_sha256_init(&w.o.sha);
	if (rc < 0)
		return rc;
	rc = -ENOMEM;
	rbuf = malloc(IO_BUF);
	chunk = malloc(HGFS_CZ_MAX_CHUNK);
	if (cz == HGFS_CZ_GZIP) {
		w.ocap = IO_BUF;
		if (deflateInit2(&w.z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			goto out;
		w.z_init = true; /* zlib's own header: mtime 0, no name, OS unix */
	} else {
		w.ocap = ZSTD_compressBound(HGFS_CZ_MAX_CHUNK);
		w.zc = ZSTD_createCCtx();
		if (w.zc == NULL || ZSTD_isError(ZSTD_CCtx_setParameter(w.zc, ZSTD_c_compressionLevel, ZSTD_LEVEL)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(w.zc, ZSTD_c_checksumFlag, 1)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(w.zc, ZSTD_c_contentSizeFlag, 1)))
			goto out;
	}
	w.obuf = malloc(w.ocap);
	if (rbuf == NULL || chunk == NULL || w.obuf == NULL)
		goto out;

	while (off < in_size) {
		size_t want = in_size - off < IO_BUF ? (size_t)(in_size - off) : IO_BUF;
		rc = pread_full(in, rbuf, want, off);
		if (rc < 0)
			goto out;
		off += (off_t)want;
		for (size_t i = 0; i < want; i++) {
			unsigned char b = (unsigned char)rbuf[i];
			chunk[clen++] = (char)b;
			h = (h << 1) + gear[b];
			if (!cut && clen >= HGFS_CZ_MIN_CHUNK && (h >> CUT_SHIFT) == 0)
				cut = true;
			if ((cut && b == '\n') || clen == HGFS_CZ_MAX_CHUNK) {
				rc = chunk_out(&w, chunk, clen);
				if (rc < 0)
					goto out;
				clen = 0;
				cut = false;
			}
		}
	}
	rc = 0;
	if (clen > 0 || (cz == HGFS_CZ_ZSTD && w.chunks == 0)) /* an empty file is one empty frame */
		rc = chunk_out(&w, chunk, clen);
	if (rc == 0 && cz == HGFS_CZ_GZIP) {
		w.z.avail_in = 0;
		rc = gz_run(&w, Z_FINISH);
	}
	if (rc == 0) {
		hgfs_sha256_final(&w.o.sha, out_hex);
		*out_size = w.o.off;
		if (ftruncate(out, w.o.off) < 0)
			rc = -errno;
	}
out:
	if (rc < 0)
		hgfs_sha256_free(&w.o.sha);
	if (w.z_init)
		deflateEnd(&w.z);
	ZSTD_freeCCtx(w.zc);
	free(w.obuf);
	free(chunk);
	free(rbuf);
	return rc;
}

int hgfs_compress_spool(hgfs_cz cz, const char *spool_dir, int *fd, off_t *size, char hex[65], hgfs_cz_plain *plain)
{
	char chex[65];
	off_t csize;
	int cfd = hgfs_tmpfile(spool_dir), rc;

	if (cfd < 0)
		return cfd;
	rc = hgfs_compress_fd(cz, *fd, *size, cfd, &csize, chex);
	if (rc < 0) {
		close(cfd);
		return rc;
	}
	plain->size = *size;
	memcpy(plain->sha, hex, 65);
	close(*fd);
	*fd = cfd;
	*size = csize;
	memcpy(hex, chex, 65);
	return 0;
}

/* ---- decompression ------------------------------------------------------------ */

static int why_fail(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int why_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int hgfs_decompress_fd(hgfs_cz cz, int in, off_t in_size, int out, off_t *out_size, char out_hex[65],
		       char in_hex[65], char *why, size_t why_len)
{
	czout o = {.fd = out};
	hgfs_sha256 isha;
	z_stream z;
	bool z_init = false, in_member = false;
	ZSTD_DCtx *zd = NULL;
	size_t zr = 0, ocap = cz == HGFS_CZ_ZSTD ? ZSTD_DStreamOutSize() : IO_BUF;
	char *ibuf = NULL, *obuf = NULL;
	off_t off = 0;
	int rc;

	if (cz != HGFS_CZ_GZIP && cz != HGFS_CZ_ZSTD)
		return -EINVAL;
	rc = hgfs_sha256_init(&isha);
	if (rc < 0)
		return rc;
	rc = hgfs_sha256_init(&o.sha);
	if (rc < 0) {
		hgfs_sha256_free(&isha);
		return rc;
	}
	rc = -ENOMEM;
	memset(&z, 0, sizeof(z));
	ibuf = malloc(IO_BUF);
	obuf = malloc(ocap);
	if (ibuf == NULL || obuf == NULL)
		goto out;
	if (cz == HGFS_CZ_GZIP) {
		if (inflateInit2(&z, 15 + 16) != Z_OK)
			goto out;
		z_init = true;
	} else if ((zd = ZSTD_createDCtx()) == NULL) {
		goto out;
	}

	while (off < in_size) {
		size_t want = in_size - off < IO_BUF ? (size_t)(in_size - off) : IO_BUF;
		rc = pread_full(in, ibuf, want, off);
		if (rc < 0)
			goto out;
		hgfs_sha256_update(&isha, ibuf, want);
		if (cz == HGFS_CZ_GZIP) {
			z.next_in = (Bytef *)ibuf;
			z.avail_in = (uInt)want;
			bool full = false;
			while (z.avail_in > 0 || full) {
				if (!in_member && z.avail_in > 0) {
					/* a member starts: a next one must be gzip too (cat a.gz b.gz) */
					if (z.avail_in >= 2 && (z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)) {
						rc = why_fail(why, why_len,
							      "not gzip data at byte %lld (after a complete gzip stream)",
							      (long long)(off + (off_t)(want - z.avail_in)));
						goto out;
					}
					in_member = true;
				}
				z.next_out = (Bytef *)obuf;
				z.avail_out = (uInt)ocap;
				int zret = inflate(&z, Z_NO_FLUSH);
				if (zret == Z_DATA_ERROR || zret == Z_NEED_DICT || zret == Z_STREAM_ERROR) {
					rc = why_fail(why, why_len, "corrupt gzip data near byte %lld: %s",
						      (long long)(off + (off_t)(want - z.avail_in)),
						      z.msg != NULL ? z.msg : "invalid data");
					goto out;
				}
				if (zret == Z_MEM_ERROR) {
					rc = -ENOMEM;
					goto out;
				}
				if (ocap - z.avail_out > 0 && (rc = out_write(&o, obuf, ocap - z.avail_out)) < 0)
					goto out;
				full = z.avail_out == 0; /* inflate may hold more output */
				if (zret == Z_STREAM_END) {
					in_member = false;
					full = false;
					inflateReset(&z);
				} else if (zret == Z_BUF_ERROR && !full) {
					break; /* needs more input */
				}
			}
		} else {
			ZSTD_inBuffer zi = {ibuf, want, 0};
			for (;;) {
				ZSTD_outBuffer zo = {obuf, ocap, 0};
				zr = ZSTD_decompressStream(zd, &zo, &zi);
				if (ZSTD_isError(zr)) {
					rc = why_fail(why, why_len, "corrupt zstd data near byte %lld: %s",
						      (long long)(off + (off_t)zi.pos), ZSTD_getErrorName(zr));
					goto out;
				}
				if (zo.pos > 0 && (rc = out_write(&o, obuf, zo.pos)) < 0)
					goto out;
				if (zi.pos == zi.size && zo.pos < zo.size)
					break; /* all flushed: needs more input */
			}
		}
		off += (off_t)want;
	}
	if (cz == HGFS_CZ_GZIP && (in_member || in_size == 0)) {
		rc = why_fail(why, why_len, "truncated gzip data: the stream ends before its end (%lld bytes)",
			      (long long)in_size);
		goto out;
	}
	if (cz == HGFS_CZ_ZSTD && (zr != 0 || in_size == 0)) {
		rc = why_fail(why, why_len, "truncated zstd data: the last frame is not complete (%lld bytes)",
			      (long long)in_size);
		goto out;
	}
	rc = 0;
	if (ftruncate(out, o.off) < 0)
		rc = -errno;
out:
	if (rc == 0) {
		hgfs_sha256_final(&isha, in_hex);
		hgfs_sha256_final(&o.sha, out_hex);
		*out_size = o.off;
	} else {
		hgfs_sha256_free(&isha);
		hgfs_sha256_free(&o.sha);
	}
	if (z_init)
		inflateEnd(&z);
	ZSTD_freeDCtx(zd);
	free(obuf);
	free(ibuf);
	return rc;
}
