/* url.c - URL escaping and building: the only place URLs are assembled. */
#include "url.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hgclient.h"

static bool is_unreserved(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
	       ch == '.' || ch == '_' || ch == '~';
}

int hg_url_put_escaped(hg_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t run;
	char esc[3];
	int rc;

	while (*p) {
		for (run = 0; p[run] && is_unreserved(p[run]); run++)
			;
		if (run) {
			rc = hg_buf_append(b, p, run);
			if (rc)
				return rc;
			p += run;
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[*p >> 4];
		esc[2] = hex[*p & 15];
		rc = hg_buf_append(b, esc, 3);
		if (rc)
			return rc;
		p++;
	}
	return 0;
}

char *hg_url_escape(const char *s)
{
	hg_buf b;

	if (!s)
		return NULL;
	hg_buf_init(&b, 0);
	if (hg_url_put_escaped(&b, s)) {
		hg_buf_free(&b);
		return NULL;
	}
	return hg_buf_steal(&b);
}

int hg_url_graph(hg_buf *b, const char *base, const char *gs, const char *graph)
{
	int rc;

	hg_buf_reset(b);
	rc = hg_buf_puts(b, base);
	if (!rc && gs) {
		rc = hg_buf_puts(b, "/graphspaces/");
		if (!rc)
			rc = hg_url_put_escaped(b, gs);
	}
	if (!rc)
		rc = hg_buf_puts(b, "/graphs");
	if (!rc && graph) {
		rc = hg_buf_puts(b, "/");
		if (!rc)
			rc = hg_url_put_escaped(b, graph);
	}
	return rc;
}

int hg_url_query(hg_buf *b, const char *key, const char *value)
{
	int rc;

	rc = hg_buf_puts(b, (b->data && strchr(b->data, '?')) ? "&" : "?");
	if (!rc)
		rc = hg_buf_puts(b, key);
	if (!rc)
		rc = hg_buf_puts(b, "=");
	if (!rc)
		rc = hg_url_put_escaped(b, value);
	return rc;
}

char *hg_url_check_base(const char *url, const char **why)
{
	const char *host, *end, *p;
	size_t len;
	char *copy;

	*why = NULL;
	if (!url || !*url) {
		*why = "no server URL given";
		return NULL;
	}
	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else {
		*why = "the server URL must start with http:// or https://";
		return NULL;
	}
	end = host + strcspn(host, "/?#");
	for (p = host; p < end; p++) {
		if (*p == '@') {
			*why = "the server URL must not contain credentials (user:password@); use the user and password options";
			return NULL;
		}
		if ((unsigned char)*p <= ' ' || *p == '\\') {
			*why = "the server URL contains a space or control character";
			return NULL;
		}
	}
	if (end == host || *host == ':') {
		*why = "the server URL has no host";
		return NULL;
	}
	if (*end == '?' || *end == '#' || (*end == '/' && end[1] != '\0')) {
		*why = "the server URL must be http://host:port with no path or query";
		return NULL;
	}
	len = (size_t)(end - url);
	copy = malloc(len + 1);
	if (!copy) {
		*why = "out of memory";
		return NULL;
	}
	memcpy(copy, url, len);
	copy[len] = '\0';
	return copy;
}
