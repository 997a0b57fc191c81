/* errors.c - the error table, formatting and HTTP error mapping. */
#include "errors.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

static const struct {
	const char *name;
	int errnum;
	const char *msg;
} error_table[HG__ECOUNT] = {
	[HG_OK] = { "OK", 0, "success" },
#define HG_ROW_(name_, errnum_, msg_) [HG_##name_] = { #name_, errnum_, msg_ },
	HG_ERROR_MAP(HG_ROW_)
#undef HG_ROW_
};

static int code_index(int code)
{
	if (code < 0)
		code = -code;
	return code < HG__ECOUNT ? code : -1;
}

int hg_code_errno(int code)
{
	int i = code_index(code);

	return i < 0 ? EIO : error_table[i].errnum;
}

const char *hg_code_name(int code)
{
	int i = code_index(code);

	return i < 0 ? "EUNKNOWN" : error_table[i].name;
}

const char *hg_code_message(int code)
{
	int i = code_index(code);

	return i < 0 ? "unknown error" : error_table[i].msg;
}

void hg_error_clear(hg_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

const char *hg_error_format(const hg_error *err, char *buf, size_t len)
{
	const char *msg;

	if (!buf || !len)
		return buf;
	if (!err) {
		snprintf(buf, len, "%s", hg_code_message(HG_OK));
		return buf;
	}
	msg = err->message[0] ? err->message : hg_code_message(err->code);
	if (err->http_status && err->exception[0])
		snprintf(buf, len, "%s (HTTP %ld, %s)", msg, err->http_status, err->exception);
	else if (err->http_status)
		snprintf(buf, len, "%s (HTTP %ld)", msg, err->http_status);
	else if (err->exception[0])
		snprintf(buf, len, "%s (%s)", msg, err->exception);
	else
		snprintf(buf, len, "%s", msg);
	return buf;
}

int hg_error_set(hg_error *err, int code, long http_status, const char *fmt, ...)
{
	va_list ap;

	if (code < 0)
		code = -code;
	if (!err)
		return -code;
	memset(err, 0, sizeof(*err));
	err->code = code;
	err->http_status = http_status;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return -code;
}

/* Is this 400 a refusal because of the graph's mode?  The server says e.g.
 * "Must provide schema id if in RESTORING mode" or "... is in mode 'NONE'". */
static bool is_mode_message(const char *m)
{
	static const char *const needles[] = { "restoring mode", "merging mode", "loading mode", "in mode '" };
	size_t i;

	for (i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
		if (strcasestr(m, needles[i]))
			return true;
	return false;
}

int hg_error_classify(long status, const char *message)
{
	if (!message)
		message = "";
	if (status == 400) {
		if (strcasestr(message, "too busy to write"))
			return HG_EBUSY;
		/* a server just started, before it took its master role:
		 * schema creates that start a task are refused for a while */
		if (strcasestr(message, "Can't schedule task on non-master server"))
			return HG_EBUSY;
		if (is_mode_message(message))
			return HG_EMODE;
		return HG_EINVAL;
	}
	if (status == 401)
		return HG_EAUTH;
	if (status == 403)
		return HG_EFORBIDDEN;
	if (status == 404)
		return HG_ENOTFOUND;
	if (status == 503)
		return HG_EBUSY;
	if (status >= 500 && status < 600)
		return HG_ESERVER;
	if (status >= 400 && status < 500)
		return HG_EINVAL; /* 415 and the rest: the request was refused */
	return HG_EPROTOCOL;
}

/* Copies text into dst as one readable line: control characters become
 * spaces, surrounding white space goes, "..." marks a truncation. */
static void copy_line(char *dst, size_t cap, const char *src, size_t len)
{
	size_t i, n = 0;

	while (len && isspace((unsigned char)*src)) {
		src++;
		len--;
	}
	while (len && isspace((unsigned char)src[len - 1]))
		len--;
	for (i = 0; i < len && n + 1 < cap; i++) {
		unsigned char ch = (unsigned char)src[i];
		dst[n++] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	dst[n] = '\0';
	if (i < len && cap > 4)
		memcpy(dst + cap - 4, "...", 4);
}

int hg_error_from_http(hg_error *err, long status, const char *body, size_t len)
{
	hg_error tmp;
	cJSON *root = NULL;
	const cJSON *exc, *msg;
	int code;

	memset(&tmp, 0, sizeof(tmp));
	tmp.http_status = status;
	if (body && len)
		root = cJSON_ParseWithLength(body, len);
	if (cJSON_IsObject(root)) {
		exc = cJSON_GetObjectItemCaseSensitive(root, "exception");
		msg = cJSON_GetObjectItemCaseSensitive(root, "message");
		if (cJSON_IsString(exc))
			copy_line(tmp.exception, sizeof(tmp.exception), exc->valuestring,
				  strlen(exc->valuestring));
		if (cJSON_IsString(msg))
			copy_line(tmp.message, sizeof(tmp.message), msg->valuestring,
				  strlen(msg->valuestring));
	} else if (body && len) {
		/* Jackson mapping errors come back as text/plain. */
		copy_line(tmp.message, sizeof(tmp.message), body, len);
	}
	cJSON_Delete(root);
	code = hg_error_classify(status, tmp.message);
	if (!tmp.message[0])
		snprintf(tmp.message, sizeof(tmp.message), "%s", hg_code_message(code));
	tmp.code = code;
	if (err)
		*err = tmp;
	return -code;
}
