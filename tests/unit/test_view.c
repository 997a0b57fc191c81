/* test_view.c - fs/view.c: -o ro and -o graph=NAME around stub operations
 * that record what reached them. */
#define FUSE_USE_VERSION 31

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "view.h"

static int calls;
static char last[256];

static void seen(const char *path)
{
	calls++;
	snprintf(last, sizeof(last), "%s", path);
}

static int s_getattr(const char *p, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	seen(p);
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFREG | 0644;
	return 0;
}
static int s_readdir(const char *p, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
		     enum fuse_readdir_flags fl)
{
	(void)off, (void)fi, (void)fl;
	seen(p);
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, "a", NULL, 0, 0);
	fill(buf, "g", NULL, 0, 0);
	fill(buf, "gg", NULL, 0, 0);
	return 0;
}
static int s_open(const char *p, struct fuse_file_info *fi)
{
	(void)fi;
	seen(p);
	return 0;
}
static int s_create(const char *p, mode_t m, struct fuse_file_info *fi)
{
	(void)m, (void)fi;
	seen(p);
	return 0;
}
static int s_write(const char *p, const char *b, size_t n, off_t o, struct fuse_file_info *fi)
{
	(void)b, (void)o, (void)fi;
	seen(p);
	return (int)n;
}
static int s_truncate(const char *p, off_t s, struct fuse_file_info *fi)
{
	(void)s, (void)fi;
	seen(p);
	return 0;
}
static int s_chmod(const char *p, mode_t m, struct fuse_file_info *fi)
{
	(void)m, (void)fi;
	seen(p);
	return 0;
}
static int s_unlink(const char *p)
{
	seen(p);
	return 0;
}
static int s_rename(const char *a, const char *b, unsigned int f)
{
	(void)b, (void)f;
	seen(a);
	return 0;
}
static int s_mkdir(const char *p, mode_t m)
{
	(void)m;
	seen(p);
	return 0;
}
static int s_rmdir(const char *p)
{
	seen(p);
	return 0;
}

static const struct fuse_operations stub = {
	.getattr = s_getattr,
	.readdir = s_readdir,
	.open = s_open,
	.create = s_create,
	.write = s_write,
	.truncate = s_truncate,
	.chmod = s_chmod,
	.unlink = s_unlink,
	.rename = s_rename,
	.mkdir = s_mkdir,
	.rmdir = s_rmdir,
};

static char listed[256];

static int collect(void *buf, const char *name, const struct stat *st, off_t off, enum fuse_fill_dir_flags fl)
{
	(void)buf, (void)st, (void)off, (void)fl;
	strcat(listed, name);
	strcat(listed, " ");
	return 0;
}

START_TEST(plain_is_a_copy)
{
	hgfs_view v = {0};
	struct fuse_operations ops;

	hgfs_view_ops(&ops, &stub, &v);
	ck_assert(ops.write == stub.write);
	ck_assert(ops.getattr == stub.getattr);
	ck_assert(ops.mkdir == stub.mkdir);
}
END_TEST

START_TEST(ro_refuses_every_change)
{
	hgfs_view v = {.ro = true};
	struct fuse_operations ops;
	struct fuse_file_info fi;
	struct stat st;

	hgfs_view_ops(&ops, &stub, &v);
	calls = 0;
	memset(&fi, 0, sizeof(fi));
	fi.flags = O_WRONLY;
	ck_assert_int_eq(ops.open("/graphs/g/mode", &fi), -EROFS);
	fi.flags = O_RDWR;
	ck_assert_int_eq(ops.open("/graphs/g/mode", &fi), -EROFS);
	fi.flags = O_RDONLY | O_TRUNC;
	ck_assert_int_eq(ops.open("/graphs/g/mode", &fi), -EROFS);
	ck_assert_int_eq(ops.create("/graphs/g/restore/x", 0644, &fi), -EROFS);
	ck_assert_int_eq(ops.write("/graphs/g/mode", "NONE\n", 5, 0, &fi), -EROFS);
	ck_assert_int_eq(ops.truncate("/graphs/g/mode", 0, NULL), -EROFS);
	ck_assert_int_eq(ops.chmod("/graphs/g/mode", 0600, NULL), -EROFS);
	ck_assert_int_eq(ops.unlink("/graphs/g/restore/x"), -EROFS);
	ck_assert_int_eq(ops.rename("/graphs/g/a", "/graphs/g/mode", 0), -EROFS);
	ck_assert_int_eq(ops.mkdir("/graphs/new", 0755), -EROFS);
	ck_assert_int_eq(ops.mkdir("/graphs/g/restore/set", 0755), -EROFS);
	ck_assert_int_eq(ops.rmdir("/graphs/g/restore/set"), -EROFS);
	ck_assert_int_eq(calls, 0); /* nothing reached the operations */
	/* reads pass, with no write bit shown */
	fi.flags = O_RDONLY;
	ck_assert_int_eq(ops.open("/graphs/g/vertices.jsonl", &fi), 0);
	ck_assert_int_eq(ops.getattr("/graphs/g/mode", &st, NULL), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0444);
	ck_assert_int_eq(calls, 2);
	/* what ops.c lacks stays absent */
	ck_assert(ops.setxattr == NULL && ops.symlink == NULL && ops.link == NULL && ops.write_buf == NULL);
}
END_TEST

START_TEST(graph_shows_one)
{
	hgfs_view v = {.graph = "g"};
	struct fuse_operations ops;
	struct fuse_file_info fi;
	struct stat st;

	hgfs_view_ops(&ops, &stub, &v);
	calls = 0;
	listed[0] = '\0';
	ck_assert_int_eq(ops.readdir("/graphs", NULL, collect, 0, NULL, 0), 0);
	ck_assert_str_eq(listed, ". .. g ");
	listed[0] = '\0';
	ck_assert_int_eq(ops.readdir("/graphs/g", NULL, collect, 0, NULL, 0), 0);
	ck_assert_str_eq(listed, ". .. a g gg "); /* only graphs/ is filtered */
	ck_assert_int_eq(ops.getattr("/graphs/gg", &st, NULL), -ENOENT);
	ck_assert_int_eq(ops.getattr("/graphs/a/mode", &st, NULL), -ENOENT);
	ck_assert_int_eq(ops.readdir("/graphs/a/restore", NULL, collect, 0, NULL, 0), -ENOENT);
	memset(&fi, 0, sizeof(fi));
	ck_assert_int_eq(ops.open("/graphs/a/mode", &fi), -ENOENT);
	ck_assert_int_eq(ops.mkdir("/graphs/new", 0755), -EPERM);
	ck_assert_int_eq(ops.rename("/graphs/g/x", "/graphs/a/x", 0), -ENOENT);
	ck_assert_int_eq(calls, 2);
	/* the view's graph and the root pass */
	ck_assert_int_eq(ops.getattr("/graphs/g", &st, NULL), 0);
	ck_assert_int_eq(ops.getattr("/graphs/g/mode", &st, NULL), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644); /* not ro: writable */
	ck_assert_int_eq(ops.getattr("/graphs", &st, NULL), 0);
	ck_assert_int_eq(ops.mkdir("/graphs/g/restore/set", 0755), 0);
	ck_assert_str_eq(last, "/graphs/g/restore/set");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("view");
	TCase *tc = tcase_create("view");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, plain_is_a_copy);
	tcase_add_test(tc, ro_refuses_every_change);
	tcase_add_test(tc, graph_shows_one);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
