/* readmode.c - the graph's read mode (GET/PUT .../graph_read_mode): whether
 * reads return OLAP property values. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "client_internal.h"
#include "errors.h"
#include "http.h"

static const char *const read_mode_names[HG_READ__COUNT] = {"ALL", "OLTP_ONLY", "OLAP_ONLY"};

const char *hg_read_mode_name(hg_read_mode m)
{
	return m >= 0 && m < HG_READ__COUNT ? read_mode_names[m] : NULL;
}

/* Reads {"graph_read_mode":"..."} from a GET or PUT answer. */
static int parse_read_mode(const hg_buf *body, const char *url, hg_read_mode *out, hg_error *err)
{
	cJSON *root = cJSON_ParseWithLength(body->data ? body->data : "", body->len);
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, "graph_read_mode");
	int rc = hg_error_set(err, HG_EPROTOCOL, 200, "%s: no known \"graph_read_mode\" in the response", url);

	for (int m = 0; cJSON_IsString(it) && m < HG_READ__COUNT; m++) {
		if (strcmp(it->valuestring, read_mode_names[m]) == 0) {
			*out = (hg_read_mode)m;
			hg_error_clear(err);
			rc = 0;
			break;
		}
	}
	cJSON_Delete(root);
	return rc;
}

int hg_get_read_mode(hg_client *c, const char *graph, hg_read_mode *out, hg_error *err)
{
	hg_buf url, body;
	int rc;

	hg_error_clear(err);
	hg_buf_init(&url, 0);
	hg_buf_init(&body, 0);
	rc = hg_client_graph_url(c, &url, graph, "/graph_read_mode", err);
	if (!rc)
		rc = hg_http_call(c, "GET", url.data, true, NULL, 0, &body, err);
	if (!rc)
		rc = parse_read_mode(&body, url.data, out, err);
	hg_buf_free(&body);
	hg_buf_free(&url);
	return rc;
}

int hg_set_read_mode(hg_client *c, const char *graph, hg_read_mode mode, bool uncancellable, hg_error *err)
{
	hg_http_opts opts = {.uncancellable = uncancellable};
	hg_buf url, body;
	hg_read_mode got;
	char json[32];
	int rc;

	hg_error_clear(err);
	if (!hg_read_mode_name(mode))
		return hg_error_set(err, HG_EINVAL, 0, "unknown graph read mode %d", (int)mode);
	hg_buf_init(&url, 0);
	hg_buf_init(&body, 0);
	snprintf(json, sizeof(json), "\"%s\"", hg_read_mode_name(mode));
	rc = hg_client_graph_url(c, &url, graph, "/graph_read_mode", err);
	if (!rc)
		rc = hg_http_call_opts(c, "PUT", url.data, true, json, strlen(json), &opts, &body, err);
	if (!rc)
		rc = parse_read_mode(&body, url.data, &got, err);
	if (!rc && got != mode)
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "PUT %s: asked for read mode %s, the server answered %s",
				  url.data, hg_read_mode_name(mode), hg_read_mode_name(got));
	hg_buf_free(&body);
	hg_buf_free(&url);
	return rc;
}
