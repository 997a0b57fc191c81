/*
 * errmap.h - where a failure becomes the errno that a file operation of
 * the mount returns: the one place.
 *
 * Client calls return a negative hg code (hgclient.h), the engine and the
 * system a negative errno.  The two ranges overlap (-HG_EINVAL is -1, that
 * is -EPERM), so a function returns one kind only, and a client result
 * crosses into errnos here and nowhere else.
 */
#ifndef HGFS_ERRMAP_H
#define HGFS_ERRMAP_H

#include "hgclient.h"

/* -errno for a client result rc (< 0): the client's table (hgclient.h:
 * ENOENT, EACCES, EPERM, EAGAIN, EFBIG, ENOMEM, EINTR, else EIO); a transfer
 * stopped by the caller's own sink (ECALLBACK) is EIO: the sink failed,
 * and said why where it did. */
int hgfs_errno_client(int rc);

/* -errno for a client result rc (< 0) met while reading the data of a file
 * that exists (an export's scan): whatever the server said, the file was
 * there, so it is EIO (a graph dropped mid-scan is no ENOENT, a refused
 * page no EACCES); only ENOMEM stays what it is. */
int hgfs_errno_read(int rc);

/* -errno for the close() (or rename) that ran an import: the errnos the
 * README promises (EINVAL, EACCES, EPERM, ENOSPC, ENOMEM, EFBIG), anything
 * else EIO (a busy or vanished server included). */
int hgfs_errno_import(int errnum_neg);

/* Logs "<what>: <the client's error>" at priority and returns
 * hgfs_errno_client(rc). */
int hgfs_client_failed(int priority, int rc, const hg_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
