/* view.c - `-o ro` and `-o graph=NAME` around the operations of ops.c.
 *
 * -o ro: libfuse also mounts read-only (the kernel answers EROFS before
 * the daemon is asked), but the daemon refuses every change itself too, so
 * that a remount read-write, or a kernel that lets something through,
 * still changes nothing on the server: no mode write, no import, no graph
 * created.  Nothing is shown as writable (the write bits are cleared).
 *
 * -o graph=NAME: graphs/ lists NAME alone; any path of another graph is
 * ENOENT, and mkdir of another graph EPERM.
 *
 * An operation added to ops.c later that changes something must be added
 * to the refusals below. */
#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <syslog.h>

#include "hgfs.h"
#include "view.h"

static const struct fuse_operations *base_ops;
static const hgfs_view *view;

/* true when path lies under a graph other than the view's: "/graphs/X" or
 * "/graphs/X/..." with X != graph. */
static bool hidden(const char *path)
{
	const char *g, *end;
	size_t len;

	if (view->graph == NULL)
		return false;
	/* one graph: the other trees (graphspaces/, auth/) are not shown */
	if (strncmp(path, "/graphspaces", 12) == 0 && (path[12] == '\0' || path[12] == '/'))
		return true;
	if (strncmp(path, "/auth", 5) == 0 && (path[5] == '\0' || path[5] == '/'))
		return true;
	if (strncmp(path, "/graphs/", 8) != 0)
		return false;
	g = path + 8;
	end = strchr(g, '/');
	len = end != NULL ? (size_t)(end - g) : strlen(g);
	if (len == 0)
		return false; /* "/graphs/" */
	return len != strlen(view->graph) || memcmp(g, view->graph, len) != 0;
}

static int refuse(const char *what, const char *path)
{
	hgfs_log(LOG_NOTICE, "%s %s refused: the mount is read-only (-o ro)", what, path);
	return -EROFS;
}

/* ---- every operation that reads: the graph filter, and ro's modes ---- */

static int v_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	int rc;

	if (hidden(path))
		return -ENOENT;
	rc = base_ops->getattr(path, st, fi);
	if (rc == 0 && view->ro)
		st->st_mode &= ~(mode_t)0222;
	return rc;
}

struct filter_buf {
	void *buf;
	fuse_fill_dir_t filler;
};

static int filter_fill(void *buf, const char *name, const struct stat *st, off_t off, enum fuse_fill_dir_flags flags)
{
	struct filter_buf *fb = buf;

	if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && strcmp(name, view->graph) != 0)
		return 0;
	return fb->filler(fb->buf, name, st, off, flags);
}

static int root_fill(void *buf, const char *name, const struct stat *st, off_t off, enum fuse_fill_dir_flags flags)
{
	struct filter_buf *fb = buf;

	if (strcmp(name, "graphspaces") == 0 || strcmp(name, "auth") == 0)
		return 0;
	return fb->filler(fb->buf, name, st, off, flags);
}

static int v_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off, struct fuse_file_info *fi,
		     enum fuse_readdir_flags flags)
{
	struct filter_buf fb = {buf, filler};

	if (hidden(path))
		return -ENOENT;
	if (view->graph != NULL && (strcmp(path, "/graphs") == 0 || strcmp(path, "/graphs/") == 0))
		return base_ops->readdir(path, &fb, filter_fill, off, fi, flags);
	if (view->graph != NULL && strcmp(path, "/") == 0)
		return base_ops->readdir(path, &fb, root_fill, off, fi, flags);
	return base_ops->readdir(path, buf, filler, off, fi, flags);
}

static int v_open(const char *path, struct fuse_file_info *fi)
{
	if (hidden(path))
		return -ENOENT;
	if (view->ro && ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC) != 0))
		return refuse("opening for writing", path);
	return base_ops->open(path, fi);
}

static int v_statfs(const char *path, struct statvfs *st)
{
	int rc = base_ops->statfs(path, st);

	if (rc == 0 && view->ro)
		st->f_flag |= ST_RDONLY;
	return rc;
}

/* ---- every operation that changes something ---- */

static int v_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	if (hidden(path))
		return -ENOENT;
	return view->ro ? refuse("create", path) : base_ops->create(path, mode, fi);
}

static int v_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	return view->ro ? refuse("write", path) : base_ops->write(path, buf, size, off, fi);
}

static int v_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	if (hidden(path))
		return -ENOENT;
	return view->ro ? refuse("truncate", path) : base_ops->truncate(path, size, fi);
}

static int v_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi)
{
	return view->ro ? refuse("fallocate", path) : base_ops->fallocate(path, mode, off, len, fi);
}

static int v_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	if (hidden(path))
		return -ENOENT;
	return view->ro ? refuse("chmod", path) : base_ops->chmod(path, mode, fi);
}

static int v_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	if (hidden(path))
		return -ENOENT;
	return view->ro ? refuse("chown", path) : base_ops->chown(path, uid, gid, fi);
}

static int v_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	if (hidden(path))
		return -ENOENT;
	return view->ro ? refuse("utimens", path) : base_ops->utimens(path, tv, fi);
}

static int v_unlink(const char *path)
{
	if (hidden(path))
		return -ENOENT;
	return view->ro ? refuse("unlink", path) : base_ops->unlink(path);
}

static int v_rename(const char *from, const char *to, unsigned int flags)
{
	if (hidden(from) || hidden(to))
		return -ENOENT;
	return view->ro ? refuse("rename", from) : base_ops->rename(from, to, flags);
}

static int v_mkdir(const char *path, mode_t mode)
{
	if (view->ro)
		return refuse("mkdir", path);
	if (hidden(path)) {
		hgfs_log(LOG_NOTICE, "mkdir %s refused: this mount shows graph '%s' only (-o graph)", path,
			 view->graph);
		return -EPERM;
	}
	return base_ops->mkdir(path, mode);
}

static int v_rmdir(const char *path)
{
	if (hidden(path))
		return -ENOENT;
	return view->ro ? refuse("rmdir", path) : base_ops->rmdir(path);
}

void hgfs_view_ops(struct fuse_operations *out, const struct fuse_operations *base, const hgfs_view *v)
{
	*out = *base;
	if (!v->ro && v->graph == NULL)
		return;
	base_ops = base;
	view = v;
#define WRAP(op) \
	if (base->op != NULL) \
		out->op = v_##op
	WRAP(getattr);
	WRAP(readdir);
	WRAP(open);
	WRAP(statfs);
	WRAP(create);
	WRAP(write);
	WRAP(truncate);
	WRAP(fallocate);
	WRAP(chmod);
	WRAP(chown);
	WRAP(utimens);
	WRAP(unlink);
	WRAP(rename);
	WRAP(mkdir);
	WRAP(rmdir);
#undef WRAP
	if (v->ro) {
		/* changes ops.c does not implement stay refused by the kernel
		 * (ENOSYS); nothing else may reach the server */
		out->write_buf = NULL;
		out->setxattr = NULL;
		out->removexattr = NULL;
		out->symlink = NULL;
		out->link = NULL;
		out->mknod = NULL;
		out->copy_file_range = NULL;
	}
}

int hgfs_view_check_graph(hg_client *c, const char *graph, hg_error *err)
{
	char **names = NULL;
	int rc = hg_list_graphs(c, &names, err);
	bool found = false;

	if (rc < 0)
		return hgfs_errno_client(rc);
	for (int i = 0; names[i] != NULL && !found; i++)
		found = strcmp(names[i], graph) == 0;
	hg_strv_free(names);
	return found ? 0 : -ENOENT;
}
