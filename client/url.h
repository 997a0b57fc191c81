/*
 * url.h - every URL the client sends is built here (internal).
 *
 * Graph names, shard bounds and page tokens come from users and servers:
 * each path segment and query value is percent-encoded (RFC 3986
 * unreserved characters stay), so '/', '?', '#', '+', '=', ' ' and non-ASCII
 * bytes never change the meaning of a URL.
 */
#ifndef HG_URL_H
#define HG_URL_H

#include "buf.h"

/* Appends s percent-encoded. */
int hg_url_put_escaped(hg_buf *b, const char *s);

/* Starts b with the URL of a graph:
 *   gs == NULL: base/graphs[/graph]
 *   otherwise:  base/graphspaces/gs/graphs[/graph]
 * graph == NULL gives the graph list.  b is reset first. */
int hg_url_graph(hg_buf *b, const char *base, const char *gs, const char *graph);

/* Appends "?key=value" or "&key=value" (value escaped; key is literal). */
int hg_url_query(hg_buf *b, const char *key, const char *value);

/* Checks a server URL given by the user: http:// or https://, a host, an
 * optional port, no credentials, no path (a single trailing '/' is fine), no
 * query.  Returns a malloc'd copy without the trailing '/', or NULL with
 * *why set to a static explanation. */
char *hg_url_check_base(const char *url, const char **why);

#endif
