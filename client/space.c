/*
 * space.c - graphspaces (HugeGraph 1.7+): the list, one graphspace's
 * definition, its create and update (GraphSpaceAPI, /graphspaces).
 */
#include <stdlib.h>
#include <string.h>

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
	int rc;

	hg_error_clear(err);
	*names_out = NULL;
	if (c->graphspace == NULL) { /* before 1.7: no graphspaces */
		*names_out = calloc(1, sizeof(**names_out));
		return *names_out != NULL ? 0 : hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	}
	hg_buf_init(&url, 0);
	rc = space_url(c, &url, NULL, err);
	if (!rc)
		rc = hg_client_get_names(c, url.data, "graphSpaces", "graphspace", names_out, err);
	hg_buf_free(&url);
	return rc;
}

int hg_graphspace_get(hg_client *c, const char *gs, char **out, size_t *len, hg_error *err)
{
	hg_buf url;
	int rc;

	hg_error_clear(err);
	*out = NULL;
	*len = 0;
	if (c->graphspace == NULL)
		return hg_error_set(err, HG_ENOTFOUND, 0, "the server (before 1.7) has no graphspaces");
	hg_buf_init(&url, 0);
	rc = space_url(c, &url, gs, err);
	if (!rc)
		rc = hg_client_get_bytes(c, url.data, true, out, len, err);
	hg_buf_free(&url);
	return rc;
}

/* POST (gs NULL) or PUT /graphspaces[/gs] with body; the answer is dropped. */
static int space_send(hg_client *c, const char *method, const char *gs, const char *body, size_t len, hg_error *err)
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
		rc = hg_http_call(c, method, url.data, true, body, len, &answer, err);
	hg_buf_free(&answer);
	hg_buf_free(&url);
	return rc;
}

int hg_graphspace_create(hg_client *c, const char *body, size_t len, hg_error *err)
{
	return space_send(c, "POST", NULL, body, len, err);
}

int hg_graphspace_update(hg_client *c, const char *gs, const char *body, size_t len, hg_error *err)
{
	return space_send(c, "PUT", gs, body, len, err);
}
