/* test_labelopt.c - "-o labels=a,b,c" kept whole before libfuse splits -o
 * lists at commas (fs/labelopt.c). */
#define FUSE_USE_VERSION 312

#include <check.h>
#include <fuse.h>
#include <stdlib.h>
#include <string.h>

#include "hgfs.h"

/* argv joined by ' ' after hgfs_labels_args */
static const char *rewrite(int argc, char **argv)
{
	static char buf[1024];
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);

	ck_assert_int_eq(hgfs_labels_args(argc, argv, &args), 0);
	buf[0] = '\0';
	for (int i = 0; i < args.argc; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, args.argv[i]);
	}
	fuse_opt_free_args(&args);
	return buf;
}

#define REWRITE(...) rewrite((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)), (char *[]){__VA_ARGS__})

START_TEST(test_join)
{
	ck_assert_str_eq(REWRITE("hgfs", "-o", "labels=person,knows", "URL", "MNT"),
			 "hgfs -o labels=person:knows URL MNT");
	/* up to an option with '=' or a flag */
	ck_assert_str_eq(REWRITE("hgfs", "-o", "spool_dir=/x,labels=a,b,c,ro,user=u,d", "URL"),
			 "hgfs -o spool_dir=/x,labels=a:b:c,ro,user=u,d URL");
	ck_assert_str_eq(REWRITE("hgfs", "-olabels=a,b,allow_other", "URL"), "hgfs -olabels=a:b,allow_other URL");
	ck_assert_str_eq(REWRITE("hgfs", "-o", "labels=a,gzip,labels=b,c"), "hgfs -o labels=a,gzip,labels=b:c");
	/* escaped commas and ':' are left alone; other arguments untouched */
	ck_assert_str_eq(REWRITE("hgfs", "-o", "labels=a\\,b:c", "labels=x,y"), "hgfs -o labels=a\\,b:c labels=x,y");
	ck_assert_str_eq(REWRITE("hgfs", "-o", "ro,user=labels=,z"), "hgfs -o ro,user=labels=,z");
	ck_assert_str_eq(REWRITE("hgfs", "-o", "labels=,a"), "hgfs -o labels=:a"); /* refused: an empty name */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("labelopt");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_join);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
