/*
 * space.c - graphspaces (HugeGraph 1.7+): the list, one graphspace's
 * definition, its create and update (GraphSpaceAPI, /graphspaces).
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "client_internal.h"
#include "errors.h"
#include "http.h"
#include "url.h"

static int space_url(const hg_client *c, hg_buf *b, const char *gs, hg_error *err)
{
	if (hg_buf_puts(b, c->url) || hg_buf_puts(b, "/graphspaces"))
		return hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	if (gs != NULL && (hg_buf_puts(b, "/") || hg_url_put_escaped(b, gs) < 0))
		return hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	return 0;
}

int hg_graphspace_list(hg_client *c, char ***names_out, hg_error *err)
{
	hg_buf url;
	cJSON *root = NULL;
	const cJSON *list, *it;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	hg_error_clear(err);
	*names_out = NULL;
	hg_buf_init(&url, 0);
	if (c->graphspace == NULL) { /* before 1.7: no graphspaces */
		names = calloc(1, sizeof(*names));
		if (!names)
			rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto done;
	}
	rc = space_url(c, &url, NULL, err);
	if (!rc)
		rc = hg_client_get_json(c, url.data, &root, err);
	if (rc)
		goto out;
	list = cJSON_GetObjectItemCaseSensitive(root, "graphSpaces");
	if (!cJSON_IsArray(list)) {
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: no \"graphSpaces\" array", url.data);
		goto out;
	}
	names = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*names));
	if (!names) {
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(it, list)
	{
		if (!cJSON_IsString(it)) {
			rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: a graphspace name is not a string", url.data);
			goto out;
		}
		names[n] = strdup(it->valuestring);
		if (!names[n++]) {
			rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
			goto out;
		}
	}
done:
	if (!rc) {
		*names_out = names;
		names = NULL;
	}
out:
	hg_strv_free(names);
	cJSON_Delete(root);
	hg_buf_free(&url);
	return rc;
}

int hg_graphspace_get(hg_client *c, const char *gs, char **out, size_t *len, hg_error *err)
{
	hg_buf url, body;
	size_t i = 0;
	int rc;

	hg_error_clear(err);
	*out = NULL;
	*len = 0;
	if (c->graphspace == NULL)
		return hg_error_set(err, HG_ENOTFOUND, 0, "the server (before 1.7) has no graphspaces");
	hg_buf_init(&url, 0);
	hg_buf_init(&body, 0);
	rc = space_url(c, &url, gs, err);
	if (!rc)
		rc = hg_http_call(c, "GET", url.data, true, NULL, 0, &body, err);
	while (!rc && i < body.len && (body.data[i] == ' ' || body.data[i] == '\n' || body.data[i] == '\r'))
		i++;
	if (!rc && (i == body.len || body.data[i] != '{'))
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: the answer is not a JSON object", url.data);
	if (!rc) {
		*len = body.len;
		*out = hg_buf_steal(&body);
		if (*out == NULL)
			rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	}
	hg_buf_free(&body);
	hg_buf_free(&url);
	return rc;
}

int hg_graphspace_create(hg_client *c, const char *body, size_t len, hg_error *err)
{
	hg_buf url, answer;
	int rc;

	hg_error_clear(err);
	if (c->graphspace == NULL)
		return hg_error_set(err, HG_EINVAL, 0, "the server (before 1.7) has no graphspaces");
	hg_buf_init(&url, 0);
	hg_buf_init(&answer, 0);
	rc = space_url(c, &url, NULL, err);
	if (!rc)
		rc = hg_http_call(c, "POST", url.data, true, body, len, &answer, err);
	hg_buf_free(&answer);
	hg_buf_free(&url);
	return rc;
}

int hg_graphspace_update(hg_client *c, const char *gs, const char *body, size_t len, hg_error *err)
{
	hg_buf url, answer;
	int rc;

	hg_error_clear(err);
	if (c->graphspace == NULL)
		return hg_error_set(err, HG_EINVAL, 0, "the server (before 1.7) has no graphspaces");
	hg_buf_init(&url, 0);
	hg_buf_init(&answer, 0);
	rc = space_url(c, &url, gs, err);
	if (!rc)
		rc = hg_http_call(c, "PUT", url.data, true, body, len, &answer, err);
	hg_buf_free(&answer);
	hg_buf_free(&url);
	return rc;
}
