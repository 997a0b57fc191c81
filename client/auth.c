/* auth.c - HTTP Basic credentials. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_internal.h"
#include "errors.h"

char *hg_base64_encode(const void *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t i, o = 0;
	char *out;

	out = malloc((len + 2) / 3 * 4 + 1);
	if (!out)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = tab[(v >> 6) & 63];
		out[o++] = tab[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0);

		out[o++] = tab[v >> 18];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

int hg_basic_auth_header(const char *user, const char *password, char **out, hg_error *err)
{
	char *pair = NULL, *b64 = NULL;
	int rc = 0;

	*out = NULL;
	if (!user || !*user)
		return 0;
	if (!password)
		password = "";
	if (strchr(user, ':')) {
		rc = hg_error_set(err, HG_EINVAL, 0, "the user name must not contain ':' (HTTP Basic authentication)");
		goto out;
	}
	if (strchr(password, ':')) {
		rc = hg_error_set(err, HG_EINVAL, 0,
				  "the password must not contain ':' (HugeGraph rejects it in Basic authentication)");
		goto out;
	}
	if (asprintf(&pair, "%s:%s", user, password) < 0) {
		pair = NULL;
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto out;
	}
	b64 = hg_base64_encode(pair, strlen(pair));
	if (!b64 || asprintf(out, "Authorization: Basic %s", b64) < 0) {
		*out = NULL;
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto out;
	}
out:
	if (pair) {
		explicit_bzero(pair, strlen(pair));
		free(pair);
	}
	free(b64);
	return rc;
}
