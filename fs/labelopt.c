/* labelopt.c - "-o labels=person,knows" reaches the option parser whole.
 *
 * libfuse splits every -o list at each unescaped comma, so "labels=a,b"
 * would arrive as "labels=a" and an unknown option "b".  Before the options
 * are parsed, the components that follow "labels=" in the same -o list are
 * joined to it with ':' (the separator hgfs_select_parse takes), up to the
 * first component that has an '=' or is a mount flag (ro, allow_other, ...).
 * A label that is named like such a flag is given with ':' instead
 * (-o labels=person:ro). */
#define FUSE_USE_VERSION 312

#include <errno.h>
#include <fuse.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hgfs.h"

/* the flags (options without '=') of hugegraphfs, libfuse and mount(8) */
static const char *const flags[] = {
	"gzip", "debug", "allow_other", "allow_root", "auto_unmount", "default_permissions", "ro", "rw", "suid",
	"nosuid", "dev", "nodev", "exec", "noexec", "async", "sync", "atime", "noatime", "diratime", "nodiratime",
	"relatime", "norelatime", "strictatime", "nostrictatime", "lazytime", "nolazytime", "dirsync", "mand",
	"nomand", "blkdev", "hard_remove", "use_ino", "readdir_ino", "direct_io", "kernel_cache", "auto_cache",
	"noauto_cache", "no_rofd_flush", "clone_fd", "nonempty", "intr", "no_remote_lock", "no_remote_posix_lock",
	"no_remote_flock", "splice_write", "no_splice_write", "splice_move", "no_splice_move", "splice_read",
	"no_splice_read", "async_read", "sync_read", "atomic_o_trunc", "big_writes", "writeback_cache",
	"no_writeback_cache", "fsname", "subtype", NULL,
};

static bool is_flag(const char *s, size_t len)
{
	for (int i = 0; flags[i] != NULL; i++)
		if (strlen(flags[i]) == len && memcmp(flags[i], s, len) == 0)
			return true;
	return false;
}

/* The -o list opts with the labels= components joined (malloc'd). */
static char *join_labels(const char *opts)
{
	size_t len = strlen(opts);
	char *out = malloc(len + 1);
	size_t n = 0;
	bool in_labels = false;
	const char *p = opts;

	if (out == NULL)
		return NULL;
	for (;;) {
		const char *c = p;
		bool has_eq = false, joined;
		size_t clen;

		while (*p != '\0' && *p != ',') {
			if (*p == '=')
				has_eq = true;
			if (*p == '\\' && p[1] != '\0')
				p++;
			p++;
		}
		clen = (size_t)(p - c);
		joined = in_labels && !has_eq && clen > 0 && !is_flag(c, clen);
		if (c != opts)
			out[n++] = joined ? ':' : ',';
		if (!joined)
			in_labels = clen >= 7 && memcmp(c, "labels=", 7) == 0;
		memcpy(out + n, c, clen);
		n += clen;
		if (*p == '\0')
			break;
		p++;
	}
	out[n] = '\0';
	return out;
}

int hgfs_labels_args(int argc, char *argv[], struct fuse_args *args)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		char *joined = NULL;
		int rc;

		if (i > 0 && strcmp(argv[i - 1], "-o") == 0 && strstr(a, "labels=") != NULL)
			a = joined = join_labels(a);
		else if (strncmp(a, "-o", 2) == 0 && a[2] != '\0' && strstr(a, "labels=") != NULL) {
			joined = join_labels(a + 2);
			if (joined != NULL) {
				char *o = malloc(strlen(joined) + 3);
				if (o != NULL)
					strcpy(o, "-o"), strcat(o, joined);
				free(joined);
				a = joined = o;
			}
		}
		if (a == NULL)
			return -ENOMEM;
		rc = fuse_opt_add_arg(args, a);
		free(joined);
		if (rc != 0)
			return -ENOMEM;
	}
	return 0;
}
