/* authapi.c - the auth API's list, create and update calls (hgauth.h). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "client_internal.h"
#include "errors.h"
#include "hgauth.h"
#include "http.h"
#include "url.h"

static const char *const kind_names[HG_AUTH__COUNT] = {
	[HG_AUTH_USERS] = "users",
	[HG_AUTH_PROJECTS] = "projects",
	[HG_AUTH_GROUPS] = "groups",
	[HG_AUTH_TARGETS] = "targets",
	[HG_AUTH_BELONGS] = "belongs",
	[HG_AUTH_ACCESSES] = "accesses",
	[HG_AUTH_MANAGERS] = "managers",
};

/* The types of managers, in the order they are listed. */
static const char *const manager_types[] = {"ADMIN", "SPACE", "SPACE_MEMBER"};

const char *hg_auth_kind_name(hg_auth_kind k)
{
	return (unsigned)k < HG_AUTH__COUNT ? kind_names[k] : "?";
}

/* base/graphs/{g}/auth/{kind} (1.0-1.5) or base/graphspaces/{gs}/auth/{kind} */
static int auth_url(hg_client *c, hg_buf *b, const char *graph, hg_auth_kind k, hg_error *err)
{
	int rc;

	if ((unsigned)k >= HG_AUTH__COUNT)
		return hg_error_set(err, HG_EINVAL, 0, "unknown auth kind");
	hg_buf_reset(b);
	if (c->graphspace && k == HG_AUTH_GROUPS) {
		/* 1.7 keeps groups server-wide: /auth/groups */
		rc = hg_buf_puts(b, c->url);
	} else if (c->graphspace) {
		rc = hg_buf_puts(b, c->url);
		if (!rc)
			rc = hg_buf_puts(b, "/graphspaces/");
		if (!rc)
			rc = hg_url_put_escaped(b, c->graphspace);
	} else {
		if (!graph || !*graph)
			return hg_error_set(err, HG_EINVAL, 0, "the auth API of this server needs a graph");
		rc = hg_url_graph(b, c->url, NULL, graph);
	}
	if (!rc)
		rc = hg_buf_printf(b, "/auth/%s", kind_names[k]);
	if (rc)
		return hg_error_set(err, rc, 0, "cannot build the URL");
	return 0;
}

/* The three manager lists as one {"managers": [{"type":..,"user":..}]}. */
static int list_managers(hg_client *c, const char *graph, char **out, size_t *len, hg_error *err)
{
	cJSON *all = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(all, "managers");
	hg_buf url;
	int rc = arr != NULL ? 0 : hg_error_set(err, HG_ENOMEM, 0, "out of memory");

	hg_buf_init(&url, 0);
	for (size_t i = 0; rc == 0 && i < sizeof(manager_types) / sizeof(*manager_types); i++) {
		cJSON *root = NULL, *names, *n;

		rc = auth_url(c, &url, graph, HG_AUTH_MANAGERS, err);
		if (!rc && hg_buf_printf(&url, "?type=%s", manager_types[i]))
			rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		if (!rc)
			rc = hg_client_get_json(c, url.data, &root, err);
		if (rc)
			break;
		names = cJSON_GetObjectItemCaseSensitive(root, "admins");
		if (!cJSON_IsArray(names))
			rc = hg_error_set(err, HG_EPROTOCOL, 0, "the list of %s managers has no \"admins\" array",
					  manager_types[i]);
		cJSON_ArrayForEach(n, names) {
			cJSON *m = cJSON_CreateObject();
			if (rc)
				break;
			if (!cJSON_IsString(n)) {
				cJSON_Delete(m);
				rc = hg_error_set(err, HG_EPROTOCOL, 0, "a %s manager that is not a name", manager_types[i]);
				break;
			}
			if (m == NULL || !cJSON_AddStringToObject(m, "type", manager_types[i]) ||
			    !cJSON_AddStringToObject(m, "user", n->valuestring) || !cJSON_AddItemToArray(arr, m)) {
				cJSON_Delete(m);
				rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
			}
		}
		cJSON_Delete(root);
	}
	hg_buf_free(&url);
	if (!rc) {
		*out = cJSON_PrintUnformatted(all);
		if (*out == NULL)
			rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		else
			*len = strlen(*out);
	}
	cJSON_Delete(all);
	return rc;
}

int hg_auth_list(hg_client *c, const char *graph, hg_auth_kind k, char **out, size_t *len, hg_error *err)
{
	hg_buf url;
	int rc;

	hg_error_clear(err);
	*out = NULL;
	*len = 0;
	if (k == HG_AUTH_MANAGERS)
		return list_managers(c, graph, out, len, err);
	hg_buf_init(&url, 0);
	rc = auth_url(c, &url, graph, k, err);
	/* the server's default limit is 100 elements; -1 is "no limit" */
	if (!rc && hg_buf_puts(&url, "?limit=-1"))
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	if (!rc)
		rc = hg_client_get_bytes(c, url.data, false, out, len, err);
	hg_buf_free(&url);
	return rc;
}

/* METHOD .../auth/{kind}[/{id}][?action=ACTION] with body; the answer into
 * *out when out is given */
static int auth_send(hg_client *c, const char *method, const char *graph, hg_auth_kind k, const char *id,
		     const char *action, const char *body, size_t len, char **out, hg_error *err)
{
	hg_buf url, ans;
	int rc;

	hg_error_clear(err);
	if (out)
		*out = NULL;
	hg_buf_init(&url, 0);
	hg_buf_init(&ans, 0);
	rc = auth_url(c, &url, graph, k, err);
	if (!rc && id && (hg_buf_puts(&url, "/") || hg_url_put_escaped(&url, id)))
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	if (!rc && action && hg_buf_printf(&url, "?action=%s", action))
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	if (!rc)
		rc = hg_http_call(c, method, url.data, true, body, len, &ans, err);
	if (!rc && out) {
		*out = hg_buf_steal(&ans);
		if (*out == NULL)
			rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	}
	hg_buf_free(&ans);
	hg_buf_free(&url);
	return rc;
}

int hg_auth_create(hg_client *c, const char *graph, hg_auth_kind k, const char *body, size_t len, char **out,
		   hg_error *err)
{
	return auth_send(c, "POST", graph, k, NULL, NULL, body, len, out, err);
}

int hg_auth_update(hg_client *c, const char *graph, hg_auth_kind k, const char *id, const char *action,
		   const char *body, size_t len, char **out, hg_error *err)
{
	return auth_send(c, "PUT", graph, k, id, action, body, len, out, err);
}
