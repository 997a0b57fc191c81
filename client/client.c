/* client.c - opening a client (versions, URL form, credentials) and the
 * small graph-level requests: graph list, backend, mode. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "client_internal.h"
#include "errors.h"
#include "http.h"
#include "url.h"

#define DEFAULT_GRAPHSPACE "DEFAULT"

int hg_version_at_least(const char *v, int major, int minor, int patch)
{
	long part[3] = { 0, 0, 0 };
	const int want[3] = { major, minor, patch };
	char *end;
	int i;

	if (!v || !isdigit((unsigned char)*v))
		return -1;
	for (i = 0; i < 3; i++) {
		part[i] = strtol(v, &end, 10);
		if (*end != '.' || !isdigit((unsigned char)end[1]))
			break;
		v = end + 1;
	}
	for (i = 0; i < 3; i++)
		if (part[i] != want[i])
			return part[i] > want[i];
	return 1;
}

int hg_client_graph_url(const hg_client *c, hg_buf *b, const char *graph, const char *suffix, hg_error *err)
{
	int rc;

	if (graph && !*graph)
		return hg_error_set(err, HG_EINVAL, 0, "empty graph name");
	rc = hg_url_graph(b, c->url, c->graphspace, graph);
	if (!rc && suffix)
		rc = hg_buf_puts(b, suffix);
	if (rc)
		return hg_error_set(err, rc, 0, "cannot build the URL");
	return 0;
}

static const char *json_string(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* GET /versions: fills core/api version. */
static int read_versions(hg_client *c, hg_error *err)
{
	hg_buf url, body;
	cJSON *root = NULL;
	const cJSON *versions;
	const char *core, *api;
	int rc;

	hg_buf_init(&url, 0);
	hg_buf_init(&body, 0);
	rc = hg_buf_printf(&url, "%s/versions", c->url);
	if (rc) {
		rc = hg_error_set(err, rc, 0, "out of memory");
		goto out;
	}
	rc = hg_http_call(c, "GET", url.data, false, NULL, 0, &body, err);
	if (rc == -HG_ENOTFOUND || rc == -HG_EINVAL) {
		rc = hg_error_set(err, HG_EPROTOCOL, err ? err->http_status : 0,
				  "%s does not look like a HugeGraph server (GET /versions failed)", c->url);
		goto out;
	}
	if (rc)
		goto out;
	root = cJSON_ParseWithLength(body.data ? body.data : "", body.len);
	versions = cJSON_GetObjectItemCaseSensitive(root, "versions");
	if (!cJSON_IsObject(versions)) {
		rc = hg_error_set(err, HG_EPROTOCOL, 200,
				  "%s does not look like a HugeGraph server (no \"versions\" in GET /versions)", c->url);
		goto out;
	}
	core = json_string(versions, "core");
	api = json_string(versions, "api");
	if (!core || hg_version_at_least(core, 0, 0, 0) < 0) {
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET /versions gave no usable \"core\" version");
		goto out;
	}
	snprintf(c->core_version, sizeof(c->core_version), "%s", core);
	snprintf(c->api_version, sizeof(c->api_version), "%s", api ? api : "");
out:
	cJSON_Delete(root);
	hg_buf_free(&body);
	hg_buf_free(&url);
	return rc;
}

static int choose_url_form(hg_client *c, const hg_options *opt, hg_error *err)
{
	const char *gs = opt->graphspace && *opt->graphspace ? opt->graphspace : DEFAULT_GRAPHSPACE;

	if (hg_version_at_least(c->core_version, 1, 7, 0) == 1) {
		c->graphspace = strdup(gs);
		if (!c->graphspace)
			return hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		return 0;
	}
	if (strcmp(gs, DEFAULT_GRAPHSPACE) != 0)
		return hg_error_set(err, HG_EINVAL, 0,
				    "graphspace '%s' needs HugeGraph 1.7 or later, but the server is %s "
				    "(leave the graphspace unset or DEFAULT)",
				    gs, c->core_version);
	return 0;
}

/* The authenticated graph list doubles as the credentials check. */
static int check_credentials(hg_client *c, hg_error *err)
{
	char **names = NULL;
	hg_error detail;
	int rc;

	hg_error_clear(&detail);
	rc = hg_list_graphs(c, &names, &detail);
	hg_strv_free(names);
	if (rc == -HG_EAUTH && c->user)
		hg_error_set(err, HG_EAUTH, detail.http_status, "authentication failed for user '%s' at %s: %s",
			     c->user, c->url, detail.message);
	else if (rc == -HG_EAUTH)
		hg_error_set(err, HG_EAUTH, detail.http_status, "%s requires authentication: give a user and password",
			     c->url);
	else if (rc == -HG_EFORBIDDEN)
		hg_error_set(err, HG_EFORBIDDEN, detail.http_status, "user '%s' may not list the graphs at %s: %s",
			     c->user ? c->user : "(anonymous)", c->url, detail.message);
	else if (rc && err)
		*err = detail;
	if ((rc == -HG_EAUTH || rc == -HG_EFORBIDDEN) && err)
		memcpy(err->exception, detail.exception, sizeof(err->exception));
	return rc;
}

int hg_client_open_transport(hg_client **out, const hg_options *opt, hg_transport *t, hg_error *err)
{
	hg_client *c = NULL;
	const char *why;
	int rc;

	hg_error_clear(err);
	*out = NULL;
	if (!opt) {
		rc = hg_error_set(err, HG_EINVAL, 0, "no options");
		goto fail;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto fail;
	}
	c->transport = t;
	t = NULL;
	c->url = hg_url_check_base(opt->url, &why);
	if (!c->url) {
		rc = hg_error_set(err, HG_EINVAL, 0, "%s", why);
		goto fail;
	}
	rc = hg_tls_options_check(opt, err);
	if (rc)
		goto fail;
	rc = hg_basic_auth_header(opt->user, opt->password, &c->auth_header, err);
	if (rc)
		goto fail;
	if (c->auth_header && !(c->user = strdup(opt->user))) {
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
		goto fail;
	}
	c->connect_timeout_ms = opt->connect_timeout_ms > 0 ? opt->connect_timeout_ms : 10000;
	c->timeout_ms = opt->timeout_ms > 0 ? opt->timeout_ms : 300000;
	c->stall_ms = opt->stall_ms > 0 ? opt->stall_ms : 60000;
	c->max_tries = opt->max_tries > 0 ? opt->max_tries : HG_HTTP_TRIES;
	c->busy_wait_ms = HG_HTTP_BUSY_WAIT_MS;

	rc = read_versions(c, err);
	if (!rc)
		rc = choose_url_form(c, opt, err);
	if (!rc)
		rc = check_credentials(c, err);
	if (rc)
		goto fail;
	*out = c;
	return 0;
fail:
	if (t)
		t->ops->destroy(t);
	hg_client_free(c);
	return rc;
}

int hg_client_open(hg_client **out, const hg_options *opt, hg_error *err)
{
	hg_transport *t;
	int rc;

	hg_error_clear(err);
	*out = NULL;
	rc = hg_transport_curl_new_opts(&t, opt, err);
	if (rc)
		return rc;
	return hg_client_open_transport(out, opt, t, err);
}

void hg_client_free(hg_client *c)
{
	if (!c)
		return;
	if (c->transport)
		c->transport->ops->destroy(c->transport);
	if (c->auth_header) {
		explicit_bzero(c->auth_header, strlen(c->auth_header));
		free(c->auth_header);
	}
	free(c->user);
	free(c->graphspace);
	free(c->url);
	free(c);
}

void hg_client_set_cancel(hg_client *c, hg_cancel_fn fn, void *ctx)
{
	c->cancel = fn;
	c->cancel_ctx = ctx;
}

const char *hg_client_url(const hg_client *c)
{
	return c->url;
}

const char *hg_client_core_version(const hg_client *c)
{
	return c->core_version;
}

const char *hg_client_api_version(const hg_client *c)
{
	return c->api_version;
}

const char *hg_client_graphspace(const hg_client *c)
{
	return c->graphspace;
}

bool hg_client_has_edge_label_types(const hg_client *c)
{
	return hg_version_at_least(c->core_version, 1, 5, 0) == 1;
}

void hg_strv_free(char **v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

int hg_client_get_json(hg_client *c, const char *url, cJSON **out, hg_error *err)
{
	hg_buf body;
	int rc;

	*out = NULL;
	hg_buf_init(&body, 0);
	rc = hg_http_call(c, "GET", url, true, NULL, 0, &body, err);
	if (rc)
		goto out;
	*out = cJSON_ParseWithLength(body.data ? body.data : "", body.len);
	if (!cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: the response is not a JSON object", url);
	}
out:
	hg_buf_free(&body);
	return rc;
}

int hg_client_get_names(hg_client *c, const char *url, const char *member, const char *what, char ***names_out,
			hg_error *err)
{
	cJSON *root = NULL;
	const cJSON *list, *it;
	char **names = NULL;
	size_t n = 0;
	int rc;

	*names_out = NULL;
	rc = hg_client_get_json(c, url, &root, err);
	if (rc)
		goto out;
	list = cJSON_GetObjectItemCaseSensitive(root, member);
	if (!cJSON_IsArray(list)) {
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: no \"%s\" array", url, member);
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
			rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: a %s name is not a string", url, what);
			goto out;
		}
		names[n] = strdup(it->valuestring);
		if (!names[n++]) {
			rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
			goto out;
		}
	}
	*names_out = names;
	names = NULL;
out:
	hg_strv_free(names);
	cJSON_Delete(root);
	return rc;
}

int hg_list_graphs(hg_client *c, char ***names_out, hg_error *err)
{
	hg_buf url;
	int rc;

	hg_error_clear(err);
	*names_out = NULL;
	hg_buf_init(&url, 0);
	rc = hg_client_graph_url(c, &url, NULL, NULL, err);
	if (!rc)
		rc = hg_client_get_names(c, url.data, "graphs", "graph", names_out, err);
	hg_buf_free(&url);
	return rc;
}

int hg_graph_backend(hg_client *c, const char *graph, char *backend, size_t len, hg_error *err)
{
	hg_buf url;
	cJSON *root = NULL;
	const char *b;
	int rc;

	hg_error_clear(err);
	if (backend && len)
		backend[0] = '\0';
	hg_buf_init(&url, 0);
	rc = hg_client_graph_url(c, &url, graph, NULL, err);
	if (!rc)
		rc = hg_client_get_json(c, url.data, &root, err);
	if (rc)
		goto out;
	b = json_string(root, "backend");
	if (!b) {
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: no \"backend\"", url.data);
		goto out;
	}
	if (!backend || strlen(b) >= len) {
		rc = hg_error_set(err, HG_ETOOBIG, 200, "backend name '%.64s' does not fit", b);
		goto out;
	}
	memcpy(backend, b, strlen(b) + 1);
out:
	cJSON_Delete(root);
	hg_buf_free(&url);
	return rc;
}

int hg_graph_create(hg_client *c, const char *graph, const char *from, hg_error *err)
{
	hg_buf url, body;
	int rc;

	hg_error_clear(err);
	hg_buf_init(&url, 0);
	hg_buf_init(&body, 0);
	rc = hg_client_graph_url(c, &url, graph, NULL, err);
	if (!rc && hg_url_query(&url, "clone_graph_name", from) < 0)
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	/* 1.x takes text/plain (a body-less POST sends no type); 1.7 JSON */
	if (!rc)
		rc = c->graphspace != NULL ? hg_http_call(c, "POST", url.data, true, "{}", 2, &body, err)
					   : hg_http_call(c, "POST", url.data, true, NULL, 0, &body, err);
	hg_buf_free(&body);
	hg_buf_free(&url);
	return rc;
}

int hg_client_get_bytes(hg_client *c, const char *url, bool object, char **out, size_t *len, hg_error *err)
{
	hg_buf body;
	size_t i = 0;
	int rc;

	*out = NULL;
	*len = 0;
	hg_buf_init(&body, 0);
	rc = hg_http_call(c, "GET", url, true, NULL, 0, &body, err);
	while (!rc && object && i < body.len && (body.data[i] == ' ' || body.data[i] == '\n' || body.data[i] == '\r'))
		i++;
	if (!rc && object && (i == body.len || body.data[i] != '{'))
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "GET %s: the answer is not a JSON object", url);
	if (!rc) {
		*len = body.len;
		*out = hg_buf_steal(&body);
		if (*out == NULL)
			rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	}
	hg_buf_free(&body);
	return rc;
}

int hg_variables_get(hg_client *c, const char *graph, char **out, size_t *len, hg_error *err)
{
	hg_buf url;
	int rc;

	hg_error_clear(err);
	*out = NULL;
	*len = 0;
	hg_buf_init(&url, 0);
	rc = hg_client_graph_url(c, &url, graph, "/variables", err);
	if (!rc)
		rc = hg_client_get_bytes(c, url.data, true, out, len, err);
	hg_buf_free(&url);
	return rc;
}

int hg_variable_put(hg_client *c, const char *graph, const char *key, const char *value, size_t len, hg_error *err)
{
	hg_buf url, body, answer;
	int rc;

	hg_error_clear(err);
	if (key == NULL || key[0] == '\0')
		return hg_error_set(err, HG_EINVAL, 0, "empty variable name");
	hg_buf_init(&url, 0);
	hg_buf_init(&body, 0);
	hg_buf_init(&answer, 0);
	rc = hg_client_graph_url(c, &url, graph, "/variables/", err);
	if (!rc && hg_url_put_escaped(&url, key) < 0)
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	if (!rc && (hg_buf_puts(&body, "{\"data\":") || hg_buf_append(&body, value, len) || hg_buf_puts(&body, "}")))
		rc = hg_error_set(err, HG_ENOMEM, 0, "out of memory");
	if (!rc)
		rc = hg_http_call(c, "PUT", url.data, true, body.data, body.len, &answer, err);
	hg_buf_free(&answer);
	hg_buf_free(&body);
	hg_buf_free(&url);
	return rc;
}

static const char *const mode_names[HG_MODE__COUNT] = {
	[HG_MODE_NONE] = "NONE",
	[HG_MODE_RESTORING] = "RESTORING",
	[HG_MODE_MERGING] = "MERGING",
	[HG_MODE_LOADING] = "LOADING",
};

const char *hg_mode_name(hg_mode m)
{
	return (unsigned)m < HG_MODE__COUNT ? mode_names[m] : NULL;
}

int hg_mode_parse(const char *s, size_t len, hg_mode *out)
{
	int m;

	if (!s)
		return -1;
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	for (m = 0; m < HG_MODE__COUNT; m++) {
		if (strlen(mode_names[m]) == len && strncasecmp(s, mode_names[m], len) == 0) {
			if (out)
				*out = (hg_mode)m;
			return 0;
		}
	}
	return -1;
}

/* Reads {"mode":"..."} from a GET or PUT response. */
static int parse_mode_body(const hg_buf *body, const char *url, hg_mode *out, hg_error *err)
{
	cJSON *root = cJSON_ParseWithLength(body->data ? body->data : "", body->len);
	const char *m = json_string(root, "mode");
	int rc = 0;

	if (!m || hg_mode_parse(m, strlen(m), out))
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "%s: no known \"mode\" in the response", url);
	cJSON_Delete(root);
	return rc;
}

int hg_get_mode(hg_client *c, const char *graph, hg_mode *out, hg_error *err)
{
	hg_buf url, body;
	int rc;

	hg_error_clear(err);
	hg_buf_init(&url, 0);
	hg_buf_init(&body, 0);
	rc = hg_client_graph_url(c, &url, graph, "/mode", err);
	if (!rc)
		rc = hg_http_call(c, "GET", url.data, true, NULL, 0, &body, err);
	if (!rc)
		rc = parse_mode_body(&body, url.data, out, err);
	hg_buf_free(&body);
	hg_buf_free(&url);
	return rc;
}

int hg_set_mode(hg_client *c, const char *graph, hg_mode mode, hg_error *err)
{
	hg_buf url, body;
	char json[32];
	hg_mode got;
	int rc;

	hg_error_clear(err);
	if (!hg_mode_name(mode))
		return hg_error_set(err, HG_EINVAL, 0, "unknown graph mode %d", (int)mode);
	hg_buf_init(&url, 0);
	hg_buf_init(&body, 0);
	snprintf(json, sizeof(json), "\"%s\"", hg_mode_name(mode));
	rc = hg_client_graph_url(c, &url, graph, "/mode", err);
	if (!rc)
		rc = hg_http_call(c, "PUT", url.data, true, json, strlen(json), &body, err);
	if (!rc)
		rc = parse_mode_body(&body, url.data, &got, err);
	if (!rc && got != mode)
		rc = hg_error_set(err, HG_EPROTOCOL, 200, "PUT %s: asked for mode %s, the server answered %s",
				  url.data, hg_mode_name(mode), hg_mode_name(got));
	hg_buf_free(&body);
	hg_buf_free(&url);
	return rc;
}
