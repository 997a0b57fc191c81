/* errmap.c - failures into errnos (errmap.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "errmap.h"
#include "log.h"

int hgfs_errno_client(int rc)
{
	if (rc == -HG_ECALLBACK)
		return -EIO;
	return -hg_code_errno(rc);
}

int hgfs_errno_read(int rc)
{
	return rc == -HG_ENOMEM ? -ENOMEM : -EIO;
}

int hgfs_errno_import(int errnum_neg)
{
	switch (-errnum_neg) {
	case EINVAL:
	case EACCES:
	case EPERM:
	case ENOSPC:
	case ENOMEM:
	case EFBIG:
		return errnum_neg;
	default:
		return -EIO;
	}
}

int hgfs_client_failed(int priority, int rc, const hg_error *err, const char *fmt, ...)
{
	char what[512], buf[1400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	hgfs_log(priority, "%s: %s", what, hg_error_format(err, buf, sizeof(buf)));
	return hgfs_errno_client(rc);
}
