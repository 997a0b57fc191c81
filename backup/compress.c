/*
 * compress.c - gzip and zstd forms of backup files: deterministic,
 * rsyncable compression for an export, streaming decompression for a
 * restore (compress.h).
 */
#include <errno.h>
#include <pthread.h>
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

/*
 * The chunks of a file are independent by design, so they are compressed in
 * parallel: this thread reads the file and cuts it into chunks, each put in
 * a slot of a ring; workers compress the slots; this thread writes them out
 * in order (and hashes them).  The bytes are those of one sequential pass:
 * a gzip chunk is a raw deflate stream of its own ended by a full flush
 * (what a full flush in one stream gives), between zlib's header and one
 * empty final block and the trailer; a zstd chunk is its own frame.
 */

/* zlib's gzip header for level 6: no flags, mtime 0, XFL 0, OS unix */
static const unsigned char gz_head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
/* an empty final deflate block (fixed codes): what Z_FINISH adds */
static const unsigned char gz_last[2] = {0x03, 0x00};

#define CZ_MAX_WORKERS 8

typedef struct czslot {
	char *in, *out;
	size_t in_len, out_len;
	uLong crc;
	int rc;
	bool done; /* compressed (rc set), not yet written out */
} czslot;

/* one compressor: a worker's, or this thread's when there is no worker */
typedef struct czctx {
	hgfs_cz cz;
	z_stream z;
	bool z_init;
	ZSTD_CCtx *zc;
} czctx;

typedef struct czring {
	hgfs_cz cz;
	czslot *slot;
	size_t nslot, ocap;
	unsigned long filled, taken; /* chunks handed to the ring, taken by workers */
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t work, done;
} czring;

static int ctx_init(czctx *c, hgfs_cz cz)
{
	c->cz = cz;
	if (cz == HGFS_CZ_GZIP) {
		/* raw deflate: the gzip wrapper is written around the chunks */
		if (deflateInit2(&c->z, GZIP_LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return -ENOMEM;
		c->z_init = true;
		return 0;
	}
	c->zc = ZSTD_createCCtx();
	if (c->zc == NULL || ZSTD_isError(ZSTD_CCtx_setParameter(c->zc, ZSTD_c_compressionLevel, ZSTD_LEVEL)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(c->zc, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(c->zc, ZSTD_c_contentSizeFlag, 1)))
		return -ENOMEM;
	return 0;
}

static void ctx_free(czctx *c)
{
	if (c->z_init)
		deflateEnd(&c->z);
	ZSTD_freeCCtx(c->zc);
}

/* One chunk, compressed so that its bytes depend on nothing before it. */
static int chunk_compress(czctx *c, czslot *s, size_t ocap)
{
	if (c->cz == HGFS_CZ_GZIP) {
		s->crc = crc32(0L, (const Bytef *)s->in, (uInt)s->in_len);
		if (deflateReset(&c->z) != Z_OK)
			return -EIO;
		c->z.next_in = (Bytef *)s->in;
		c->z.avail_in = (uInt)s->in_len;
		c->z.next_out = (Bytef *)s->out;
		c->z.avail_out = (uInt)ocap;
		if (deflate(&c->z, Z_FULL_FLUSH) != Z_OK || c->z.avail_in != 0 || c->z.avail_out == 0)
			return -EIO; /* ocap is deflate's bound plus room: never full */
		s->out_len = ocap - c->z.avail_out;
		return 0;
	}
	size_t n = ZSTD_compress2(c->zc, s->out, ocap, s->in, s->in_len);
	if (ZSTD_isError(n))
		return -EIO;
	s->out_len = n;
	return 0;
}

static void *worker_main(void *arg)
{
	czring *r = arg;
	czctx c = {0};
	int irc = ctx_init(&c, r->cz);

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->stop && r->taken == r->filled)
			pthread_cond_wait(&r->work, &r->lock);
		if (r->taken == r->filled)
			break; /* stopped, nothing left */
		czslot *s = &r->slot[r->taken++ % r->nslot];
		pthread_mutex_unlock(&r->lock);
		int rc = irc < 0 ? irc : chunk_compress(&c, s, r->ocap);
		pthread_mutex_lock(&r->lock);
		s->rc = rc;
		s->done = true;
		pthread_cond_broadcast(&r->done);
	}
	pthread_mutex_unlock(&r->lock);
	ctx_free(&c);
	return NULL;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int cz_workers = -1; /* hgfs_cz_set_workers */

void hgfs_cz_set_workers(int n)
{
	__atomic_store_n(&cz_workers, n > CZ_MAX_WORKERS ? CZ_MAX_WORKERS : n, __ATOMIC_RELAXED);
}

/* How many workers for a file of size bytes: none for a file of one or two
 * chunks, else one per processor (at most CZ_MAX_WORKERS), or as set. */
static int workers_for(off_t size)
{
	int set = __atomic_load_n(&cz_workers, __ATOMIC_RELAXED);
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (set >= 0)
		return set;
	if (size <= 2 * HGFS_CZ_MAX_CHUNK || n < 2)
		return 0;
	return n > CZ_MAX_WORKERS ? CZ_MAX_WORKERS : (int)n;
}

/* The state of one hgfs_compress_fd. */
typedef struct czjob {
	czring r;
	czctx self; /* this thread's compressor when there are no workers */
	pthread_t th[CZ_MAX_WORKERS];
	int nth;
	bool ring_init;
	czout o;
	unsigned long written; /* chunks written out */
	uLong crc;
} czjob;

/* Writes out the oldest chunk once it is compressed (waiting for it). */
static int write_oldest(czjob *j)
{
	czslot *s = &j->r.slot[j->written % j->r.nslot];
	int rc;

	pthread_mutex_lock(&j->r.lock);
	while (!s->done)
		pthread_cond_wait(&j->r.done, &j->r.lock);
	pthread_mutex_unlock(&j->r.lock);
	rc = s->rc;
	if (rc == 0)
		rc = out_write(&j->o, s->out, s->out_len);
	if (rc == 0 && j->r.cz == HGFS_CZ_GZIP)
		j->crc = crc32_combine(j->crc, s->crc, (z_off_t)s->in_len);
	s->done = false; /* free again: only this thread fills and frees slots */
	j->written++;
	return rc;
}

/* The slot the next chunk is cut into: free, once written out if need be. */
static int next_slot(czjob *j, czslot **out)
{
	int rc = 0;

	if (j->r.filled - j->written == j->r.nslot)
		rc = write_oldest(j);
	*out = &j->r.slot[j->r.filled % j->r.nslot];
	return rc;
}

/* Hands a cut chunk to the workers (or compresses it here). */
static int chunk_done(czjob *j, czslot *s)
{
	if (j->nth == 0) {
		s->rc = chunk_compress(&j->self, s, j->r.ocap);
		s->done = true;
		j->r.filled++;
		return write_oldest(j);
	}
	pthread_mutex_lock(&j->r.lock);
	j->r.filled++;
	pthread_cond_signal(&j->r.work);
	pthread_mutex_unlock(&j->r.lock);
	return 0;
}

static int job_start(czjob *j, hgfs_cz cz, off_t in_size)
{
	czring *r = &j->r;
	int rc;

	r->cz = cz;
	j->nth = workers_for(in_size);
	r->nslot = j->nth == 0 ? 1 : 2 * (size_t)j->nth + 2;
	rc = ctx_init(&j->self, cz); /* used when no worker can be started */
	if (rc < 0)
		return rc;
	r->ocap = cz == HGFS_CZ_GZIP ? deflateBound(&j->self.z, HGFS_CZ_MAX_CHUNK) + 64
				     : ZSTD_compressBound(HGFS_CZ_MAX_CHUNK);
	r->slot = calloc(r->nslot, sizeof(*r->slot));
	if (r->slot == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < r->nslot; i++) {
		r->slot[i].in = malloc(HGFS_CZ_MAX_CHUNK);
		r->slot[i].out = malloc(r->ocap);
		if (r->slot[i].in == NULL || r->slot[i].out == NULL)
			return -ENOMEM;
	}
	if (pthread_mutex_init(&r->lock, NULL) != 0)
		return -ENOMEM;
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->done, NULL);
	j->ring_init = true;
	for (int i = 0; i < j->nth; i++) {
		if (pthread_create(&j->th[i], NULL, worker_main, r) != 0) {
			j->nth = i; /* fewer workers, or none: this thread compresses */
			break;
		}
	}
	return 0;
}

/* Stops the workers (after the chunks handed to them) and frees it all. */
static void job_end(czjob *j)
{
	czring *r = &j->r;

	if (j->ring_init) {
		pthread_mutex_lock(&r->lock);
		r->stop = true;
		pthread_cond_broadcast(&r->work);
		pthread_mutex_unlock(&r->lock);
		for (int i = 0; i < j->nth; i++)
			pthread_join(j->th[i], NULL);
		pthread_cond_destroy(&r->work);
		pthread_cond_destroy(&r->done);
		pthread_mutex_destroy(&r->lock);
	}
	for (size_t i = 0; r->slot != NULL && i < r->nslot; i++) {
		free(r->slot[i].in);
		free(r->slot[i].out);
	}
	free(r->slot);
	ctx_free(&j->self);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int hgfs_compress_fd(hgfs_cz cz, int in, off_t in_size, int out, off_t *out_size, char out_hex[65])
{
	czjob j = {.o = {.fd = out}};
	uint64_t gear[256], seed = 0x68756765677261ULL, h = 0;
	char *rbuf = NULL;
	czslot *s = NULL;
	bool cut = false;
	off_t off = 0;
	int rc;

	if (cz != HGFS_CZ_GZIP && cz != HGFS_CZ_ZSTD)
		return -EINVAL;
	for (int i = 0; i < 256; i++)
		gear[i] = splitmix64(&seed);
	rc = hgfs_sha256_init(&j.o.sha);
	if (rc < 0)
		return rc;
	j.crc = crc32(0L, Z_NULL, 0);
	rbuf = malloc(IO_BUF);
	rc = rbuf == NULL ? -ENOMEM : job_start(&j, cz, in_size);
	if (rc == 0 && cz == HGFS_CZ_GZIP)
		rc = out_write(&j.o, gz_head, sizeof(gz_head));
	if (rc == 0 && (rc = next_slot(&j, &s)) == 0)
		s->in_len = 0;
	while (rc == 0 && off < in_size) {
		size_t want = in_size - off < IO_BUF ? (size_t)(in_size - off) : IO_BUF;
		rc = pread_full(in, rbuf, want, off);
		off += (off_t)want;
		for (size_t i = 0; rc == 0 && i < want; i++) {
			unsigned char b = (unsigned char)rbuf[i];
			s->in[s->in_len++] = (char)b;
			h = (h << 1) + gear[b];
			if (!cut && s->in_len >= HGFS_CZ_MIN_CHUNK && (h >> CUT_SHIFT) == 0)
				cut = true;
			if ((cut && b == '\n') || s->in_len == HGFS_CZ_MAX_CHUNK) {
				cut = false;
				if ((rc = chunk_done(&j, s)) == 0 && (rc = next_slot(&j, &s)) == 0)
					s->in_len = 0;
			}
		}
	}
	/* the last chunk; an empty zstd file is one empty frame */
	if (rc == 0 && (s->in_len > 0 || (cz == HGFS_CZ_ZSTD && j.r.filled == 0)))
		rc = chunk_done(&j, s);
	while (rc == 0 && j.written < j.r.filled)
		rc = write_oldest(&j);
	if (rc == 0 && cz == HGFS_CZ_GZIP) {
		unsigned char tail[sizeof(gz_last) + 8];
		memcpy(tail, gz_last, sizeof(gz_last));
		put_le32(tail + sizeof(gz_last), (uint32_t)j.crc);
		put_le32(tail + sizeof(gz_last) + 4, (uint32_t)in_size); /* all of it was read */
		rc = out_write(&j.o, tail, sizeof(tail));
	}
	if (rc == 0) {
		hgfs_sha256_final(&j.o.sha, out_hex);
		*out_size = j.o.off;
		if (ftruncate(out, j.o.off) < 0)
			rc = -errno;
	}
	if (rc < 0)
		hgfs_sha256_free(&j.o.sha);
	job_end(&j);
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
