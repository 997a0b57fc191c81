/*
 * client_internal.h - the client object and helpers shared by the client's
 * modules and its unit tests (not installed, not for fs/).
 */
#ifndef HG_CLIENT_INTERNAL_H
#define HG_CLIENT_INTERNAL_H

#include "buf.h"
#include "hgclient.h"
#include "transport.h"

struct hg_client {
	char *url;         /* base URL, no trailing '/' */
	char *user;        /* NULL: no authentication */
	char *auth_header; /* "Authorization: Basic ..." or NULL */
	char *graphspace;  /* NULL: /graphs/{g} form (server < 1.7) */
	char core_version[64];
	char api_version[64];
	long connect_timeout_ms;
	long timeout_ms;
	long stall_ms;
	int max_tries;
	long busy_wait_ms;       /* how long batch creates retry "too busy" answers */
	hg_transport *transport; /* owned */
	hg_cancel_fn cancel;     /* NULL: none */
	void *cancel_ctx;
};

/* hg_client_open with a given transport, which the client owns from then on
 * (it is destroyed on failure too). */
int hg_client_open_transport(hg_client **out, const hg_options *opt, hg_transport *t, hg_error *err);

/* "Authorization: Basic base64(user:password)" into *out (malloc'd); *out is
 * NULL when user is NULL or "".  EINVAL when user or password has a ':'. */
int hg_basic_auth_header(const char *user, const char *password, char **out, hg_error *err);

/* Standard base64 of data (malloc'd, NUL-terminated) or NULL. */
char *hg_base64_encode(const void *data, size_t len);

/* Compares a dotted version ("1.7.0", "1.5.0-SNAPSHOT") with
 * major.minor.patch: 1 when v >= it, 0 when below, -1 when v has no number. */
int hg_version_at_least(const char *v, int major, int minor, int patch);

/* Puts the URL of a graph resource into b: graph URL + suffix (a literal,
 * already safe path such as "/schema/propertykeys"; may be NULL). */
int hg_client_graph_url(const hg_client *c, hg_buf *b, const char *graph, const char *suffix, hg_error *err);

struct cJSON;

/* GET url (with credentials) and parse the 2xx body as a JSON object into
 * *out (cJSON_Delete it); EPROTOCOL when it is not one. */
int hg_client_get_json(hg_client *c, const char *url, struct cJSON **out, hg_error *err);
/* GET url: the answer's bytes into *out (malloc'd, *len bytes); object:
 * they must be a JSON object (EPROTOCOL else). */
int hg_client_get_bytes(hg_client *c, const char *url, bool object, char **out, size_t *len, hg_error *err);
/* GET url, whose answer is an object with an array of strings `member`
 * ("graphs", "graphSpaces"): *names_out gets them, NULL-terminated (free
 * with hg_strv_free); `what` names one in errors ("graph"). */
int hg_client_get_names(hg_client *c, const char *url, const char *member, const char *what, char ***names_out,
			hg_error *err);

#endif
