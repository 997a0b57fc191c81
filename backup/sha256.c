/* sha256.c - SHA-256 for the manifest's file digests, on OpenSSL's libcrypto
 * (which uses the CPU's SHA extensions where there are any). */
#include <errno.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "sha256.h"

int hgfs_sha256_init(hgfs_sha256 *s)
{
	s->ctx = EVP_MD_CTX_new();
	if (s->ctx == NULL)
		return -ENOMEM;
	if (EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL) != 1) {
		hgfs_sha256_free(s);
		return -EIO;
	}
	return 0;
}

void hgfs_sha256_update(hgfs_sha256 *s, const void *data, size_t len)
{
	if (s->ctx != NULL && len > 0)
		EVP_DigestUpdate(s->ctx, data, len);
}

void hgfs_sha256_final(hgfs_sha256 *s, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (s->ctx != NULL && EVP_DigestFinal_ex(s->ctx, md, &n) == 1) {
		for (unsigned int i = 0; i < n && i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
	}
	hgfs_sha256_free(s);
}

void hgfs_sha256_free(hgfs_sha256 *s)
{
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}
