/*
 * auth.h - MOUNT/auth/: the server's auth data (users, groups, targets,
 * belongs, accesses) backed up as files and restored through
 * MOUNT/auth/restore/ (auth.c).  Shown only to a mount of HugeGraph's
 * administrator; for every other mount every path below /auth is ENOENT,
 * exactly as any other absent path, and nothing about it is logged.
 *
 *   /auth/users.jsonl ... accesses.jsonl   one element per line      0400
 *   /auth/restore/                         copy a backup here        0700
 *   /auth/restore.status                   what the restores did     0400
 *
 * The FUSE operations of ops.c hand every path for which hgfs_auth_path()
 * is true to the functions below, which take the same arguments.
 */
#ifndef HGFS_AUTH_H
#define HGFS_AUTH_H

#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <stdbool.h>

#include "hgfs.h"

/* true for "/auth" and everything below it */
bool hgfs_auth_path(const char *path);
/* true when the mount shows /auth: its user is the administrator ("admin")
 * and the server answers its auth API.  Decided once per mount. */
bool hgfs_auth_visible(hgfs *fs);

int hgfs_auth_getattr(const char *path, struct stat *st);
int hgfs_auth_readdir(const char *path, void *buf, fuse_fill_dir_t filler);
int hgfs_auth_open(const char *path, struct fuse_file_info *fi, bool create, mode_t mode);
int hgfs_auth_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi);
int hgfs_auth_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi);
int hgfs_auth_flush(const char *path, struct fuse_file_info *fi);
int hgfs_auth_release(const char *path, struct fuse_file_info *fi);
int hgfs_auth_truncate(const char *path, off_t size, struct fuse_file_info *fi);
int hgfs_auth_unlink(const char *path);
int hgfs_auth_rename(const char *from, const char *to, unsigned int flags);
/* chmod, chown, utimens: accepted on restore/ files (cp -p, rsync -a) */
int hgfs_auth_setattr(const char *path);
/* mkdir, rmdir: nothing below /auth is made or removed that way */
int hgfs_auth_mkdir(const char *path);
/* unmount: frees what auth.c holds */
void hgfs_auth_destroy(void);

/* the client of the mount (ops.c): 0 or -errno */
int hgfs_client_get(hgfs *fs, hg_client **out);

#endif
