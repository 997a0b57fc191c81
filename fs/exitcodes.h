/* exitcodes.h - hugegraphfs's exit status, documented in hugegraphfs(1),
 * README.md and --help: scripts (and systemd, mount(8)) rely on them. */
#ifndef HGFS_EXITCODES_H
#define HGFS_EXITCODES_H

enum {
	HGFS_EXIT_OK = 0,         /* mounted (and, with -f, unmounted cleanly); --help, --version */
	HGFS_EXIT_USAGE = 1,      /* bad or missing argument or option value, a password on the command line */
	HGFS_EXIT_SERVER = 2,     /* the server cannot be reached or used (not HugeGraph, bad graphspace, error) */
	HGFS_EXIT_AUTH = 3,       /* the server refused the credentials (401 or 403) */
	HGFS_EXIT_MOUNTPOINT = 4, /* the mountpoint is missing or not a directory, or the mount itself failed */
	HGFS_EXIT_LOCAL = 5,      /* a local file or directory: password_file, spool_dir, state_dir, log_file, auth_password_file */
	HGFS_EXIT_NO_GRAPH = 6,   /* -o graph=NAME: the server has no graph NAME */
	HGFS_EXIT_RUNTIME = 7,    /* the daemon failed after mounting (the FUSE session) */
};

#endif
