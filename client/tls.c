/* tls.c - checking the TLS options before anything is sent.  curl itself
 * reports an unusable CA file or client certificate only at the first
 * handshake, in its own words; these checks name the option and the file. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "transport.h"

/* 0 when path is a readable regular file (dir false) or a searchable and
 * readable directory (dir true); else -HG_EINVAL naming option and path. */
static int check_path(const char *option, const char *path, bool dir, hg_error *err)
{
	struct stat st;

	if (path[0] == '\0')
		return hg_error_set(err, HG_EINVAL, 0, "%s: an empty file name", option);
	if (stat(path, &st) != 0)
		return hg_error_set(err, HG_EINVAL, 0, "%s %s: %s", option, path, strerror(errno));
	if (dir && !S_ISDIR(st.st_mode))
		return hg_error_set(err, HG_EINVAL, 0, "%s %s: not a directory", option, path);
	if (!dir && S_ISDIR(st.st_mode))
		return hg_error_set(err, HG_EINVAL, 0, "%s %s: a directory, not a file", option, path);
	if (access(path, dir ? R_OK | X_OK : R_OK) != 0)
		return hg_error_set(err, HG_EINVAL, 0, "%s %s: cannot be read: %s", option, path, strerror(errno));
	if (!dir) {
		/* access() answers for the real user: open it as we will */
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return hg_error_set(err, HG_EINVAL, 0, "%s %s: cannot be read: %s", option, path,
					    strerror(errno));
		close(fd);
	}
	return 0;
}

int hg_tls_options_check(const hg_options *opt, hg_error *err)
{
	bool any = opt->cacert || opt->capath || opt->cert || opt->key || opt->insecure;
	int rc;

	if (!any)
		return 0;
	if (!opt->url || strncasecmp(opt->url, "https://", 8) != 0)
		return hg_error_set(err, HG_EINVAL, 0,
				    "the TLS options (cacert, capath, cert, key, insecure) need an https:// URL, not %s",
				    opt->url ? opt->url : "(none)");
	if (opt->key && !opt->cert)
		return hg_error_set(err, HG_EINVAL, 0, "key %s given without cert=FILE (the client certificate)",
				    opt->key);
	if (opt->cacert && (rc = check_path("cacert", opt->cacert, false, err)))
		return rc;
	if (opt->capath && (rc = check_path("capath", opt->capath, true, err)))
		return rc;
	if (opt->cert && (rc = check_path("cert", opt->cert, false, err)))
		return rc;
	if (opt->key && (rc = check_path("key", opt->key, false, err)))
		return rc;
	return 0;
}
