/*
 * sha256.h - SHA-256 of backup files (OpenSSL's EVP underneath): the hashes
 * manifest.json lists and a restore checks.
 */
#ifndef HGFS_SHA256_H
#define HGFS_SHA256_H

#include <stddef.h>

typedef struct hgfs_sha256 {
	struct evp_md_ctx_st *ctx; /* OpenSSL's EVP_MD_CTX */
} hgfs_sha256;
/* 0, or -ENOMEM/-EIO; a failed init leaves nothing to free. */
int hgfs_sha256_init(hgfs_sha256 *s);
void hgfs_sha256_update(hgfs_sha256 *s, const void *data, size_t len);
/* Writes the hex digest and frees the context. */
void hgfs_sha256_final(hgfs_sha256 *s, char hex[65]);
/* Frees a context that will not be finished (NULL-safe). */
void hgfs_sha256_free(hgfs_sha256 *s);

#endif
