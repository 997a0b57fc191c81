/* main.c - hugegraphfs: mount a HugeGraph server as a filesystem. */
#define FUSE_USE_VERSION 312

#include <errno.h>
#include <limits.h>
#include <fuse.h>
#include <malloc.h>
#include <fuse_lowlevel.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "exitcodes.h"
#include "hgfs.h"
#include "view.h"
#include "spaces.h"

#define HGFS_VERSION "0.1.0"

enum { KEY_HELP, KEY_VERSION, KEY_FOREGROUND, KEY_DEBUG, KEY_PASSWORD, KEY_ALLOW_OTHER, KEY_DEFAULT_PERMS, KEY_LABELS };

#define OPT(t, p) {t, offsetof(hgfs_config, p), 1}
static const struct fuse_opt hgfs_opts[] = {
	OPT("user=%s", user),
	OPT("username=%s", user), /* for fstab: mount(8) drops user=NAME after its user flag */
	OPT("password_file=%s", password_file),
	OPT("auth_password_file=%s", auth_password_file),
	OPT("graphspace=%s", graphspace),
	OPT("spool_dir=%s", spool_dir),
	OPT("state_dir=%s", state_dir),
	OPT("log_file=%s", log_file),
	OPT("snapshot_ttl=%lf", snapshot_ttl),
	OPT("split_size=%ld", split_size),
	OPT("page_limit=%ld", page_limit),
	OPT("timeout=%ld", timeout),
	OPT("stall_timeout=%ld", stall_timeout),
	OPT("parallel=%ld", parallel),
	OPT("max_record_mib=%ld", max_record_mib),
	OPT("export_retries=%ld", export_retries),
	OPT("gzip", gzip),
	OPT("cacert=%s", cacert),
	OPT("capath=%s", capath),
	OPT("cert=%s", cert),
	OPT("key=%s", key),
	OPT("insecure", insecure),
	OPT("compress=%s", compress),
	FUSE_OPT_KEY("password=", KEY_PASSWORD),
	FUSE_OPT_KEY("labels=", KEY_LABELS),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_KEY("-f", KEY_FOREGROUND),
	FUSE_OPT_KEY("-d", KEY_DEBUG),
	FUSE_OPT_KEY("debug", KEY_DEBUG),
	FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
	FUSE_OPT_KEY("default_permissions", KEY_DEFAULT_PERMS),
	FUSE_OPT_END,
};

/* -o ro, -o graph= (view.c), and the options of mount(8) and fstab that
 * reach the program (through mount.fuse3, or a systemd mount) and mean
 * nothing to it: parsed before the options above. */
static hgfs_view view;
static int fail_code; /* the exit status when validate() fails (0: usage) */

enum { VKEY_RO, VKEY_RW, VKEY_IGNORE };
static const struct fuse_opt view_opts[] = {
	{"graph=%s", offsetof(hgfs_view, graph), 0},
	FUSE_OPT_KEY("ro", VKEY_RO),
	FUSE_OPT_KEY("rw", VKEY_RW),
	FUSE_OPT_KEY("_netdev", VKEY_IGNORE),
	FUSE_OPT_KEY("nofail", VKEY_IGNORE),
	FUSE_OPT_KEY("noauto", VKEY_IGNORE),
	FUSE_OPT_KEY("auto", VKEY_IGNORE),
	FUSE_OPT_KEY("user", VKEY_IGNORE), /* the fstab flag; user=NAME is ours */
	FUSE_OPT_KEY("users", VKEY_IGNORE),
	FUSE_OPT_KEY("nouser", VKEY_IGNORE),
	FUSE_OPT_KEY("owner", VKEY_IGNORE),
	FUSE_OPT_KEY("group", VKEY_IGNORE),
	FUSE_OPT_KEY("defaults", VKEY_IGNORE),
	FUSE_OPT_KEY("comment=", VKEY_IGNORE),
	FUSE_OPT_END,
};

static int view_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	hgfs_view *v = data;

	(void)outargs;
	switch (key) {
	case VKEY_RO:
		v->ro = true;
		return 1; /* libfuse's too: the kernel mounts read-only */
	case VKEY_RW:
		v->ro = false;
		return 1;
	case VKEY_IGNORE:
		return 0;
	case FUSE_OPT_KEY_OPT:
		return strncmp(arg, "x-", 2) == 0 ? 0 : 1; /* x-systemd.*, x-gvfs-* ... */
	default:
		return 1;
	}
}

static int fail(int code)
{
	fail_code = code;
	return -1;
}

static void usage(const char *prog)
{
	printf("usage: %s [options] URL MOUNTPOINT\n"
	       "\n"
	       "Mounts the HugeGraph server at URL (e.g. http://127.0.0.1:8080) on MOUNTPOINT.\n"
	       "MOUNTPOINT/graphs/<graph>/ holds schema.json, vertices.jsonl, edges.jsonl,\n"
	       "manifest.json (a snapshot of the graph), mode, restore/ (copy a backup\n"
	       "there to import it) and restore.status.\n"
	       "\n"
	       "hugegraphfs options:\n"
	       "    -o user=NAME           HTTP Basic user; the password comes from the\n"
	       "                           environment variable HUGEGRAPH_PASSWORD or from\n"
	       "                           -o password_file (never from the command line)\n"
	       "    -o username=NAME       the same (for fstab lines with the user or users flag,\n"
	       "                           where mount(8) may drop user=NAME)\n"
	       "    -o password_file=PATH  read the password from the first line of PATH\n"
	       "    -o auth_password_file=PATH  the password of users restored through\n"
	       "                           auth/restore/ (first line of PATH)\n"
	       "    -o graphspace=NAME     graphspace on 1.7+ servers (default DEFAULT)\n"
	       "    -o snapshot_ttl=SECS   new opens get a snapshot made at most SECS seconds ago;\n"
	       "                           open files keep theirs (default 30)\n"
	       "    -o spool_dir=DIR       where snapshots and restore/ files are spooled\n"
	       "                           (default $TMPDIR or /var/tmp)\n"
	       "    -o state_dir=DIR       where each graph's last snapshot (hashes, mtimes) is kept, so\n"
	       "                           unchanged files keep their mtime across remounts (default\n"
	       "                           $XDG_STATE_HOME/hugegraphfs or ~/.local/state/hugegraphfs;\n"
	       "                           none: not kept)\n"
	       "    -o log_file=PATH       append the log to PATH (default: stderr with -f, else syslog)\n"
	       "    -o split_size=BYTES    shard size asked of the server (default 1048576, min 1048576)\n"
	       "    -o page_limit=N        elements per scan page on paging backends (default 100000)\n"
	       "    -o timeout=SECS        timeout of one HTTP request (default 300)\n"
	       "    -o stall_timeout=SECS  a request that receives nothing for SECS fails, and is\n"
	       "                           not tried again (a hung server; default 30); no try\n"
	       "                           starts SECS after the first, and a small answer (mode,\n"
	       "                           graph list) gets SECS in all\n"
	       "    -o parallel=N          shards scanned, batches posted at once (default 4, max 64)\n"
	       "    -o max_record_mib=N    the longest record (line) restore/ takes, in MiB; a\n"
	       "                           longer one fails its file with EFBIG (default 16, max 1024;\n"
	       "                           the daemon needs about 2 x N + 24 MiB while importing)\n"
	       "    -o export_retries=N    export again up to N times when the graph changed during\n"
	       "                           an export (default 2, max 10); manifest.json says\n"
	       "                           \"consistent\": false when it kept changing\n"
	       "    -o gzip                send restore batches gzip-compressed (slow links)\n"
	       "    -o cacert=FILE         https: trust the CA certificates in FILE (PEM) instead of\n"
	       "                           the system's\n"
	       "    -o capath=DIR          https: trust the CA certificates in DIR (named by hash,\n"
	       "                           openssl rehash)\n"
	       "    -o cert=FILE           https: client certificate (PEM)\n"
	       "    -o key=FILE            https: its private key (PEM, not encrypted; may be left\n"
	       "                           out when cert's FILE holds both)\n"
	       "    -o insecure            https: do NOT verify the server's certificate or host\n"
	       "                           name (warned about at every start)\n"
	       "    -o ro                  read-only: backups can be read, nothing can be changed\n"
	       "                           (mode, restore/, mkdir refused with EROFS): the safe\n"
	       "                           way to mount on a backup host\n"
	       "    -o graph=NAME          show graph NAME only under graphs/ (it must exist)\n"
	       "    -o labels=A,B,...      a selective backup: the data files hold only the vertices\n"
	       "                           and edges of these vertex and edge labels, schema.json\n"
	       "                           them and what they need (endpoint vertex labels, parent\n"
	       "                           edge labels, property keys, index labels); names may also\n"
	       "                           be separated by ':' (default: the whole graph)\n"
	       "    -o compress=FORMAT     gzip or zstd: show schema.json.gz, vertices.jsonl.gz, ...\n"
	       "                           (.zst) instead of the plain files, rsyncable; none (the\n"
	       "                           default) shows them plain. restore/ takes either form\n"
	       "    -o allow_other         let other users in; implies default_permissions: mode and\n"
	       "                           restore/ stay writable by the mounting user only (root\n"
	       "                           aside), and -o uid=,gid=,umask= decide who reads backups\n"
	       "    -f                     stay in the foreground, log to stderr\n"
	       "    -d, -o debug           FUSE debug output (implies -f)\n"
	       "    -h, --help             this help, then libfuse's options\n"
	       "    -V, --version          print the version\n"
	       "\n"
	       "mount(8) and /etc/fstab: type fuse.hugegraphfs, URL as the source; _netdev,\n"
	       "nofail, noauto, auto, user, users, defaults, comment=, x-* are ignored.\n"
	       "\n"
	       "exit status: 0 mounted (with -f: unmounted cleanly), 1 usage or bad option,\n"
	       "2 server unreachable or unusable, 3 credentials refused, 4 mountpoint or\n"
	       "mount failure, 5 local file or directory (password_file, spool_dir,\n"
	       "state_dir, log_file, auth_password_file), 6 -o graph names no graph of\n"
	       "the server, 7 the daemon failed after mounting\n"
	       "\n",
	       prog);
}

static int opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	hgfs_config *cfg = data;

	switch (key) {
	case FUSE_OPT_KEY_NONOPT:
		if (cfg->url == NULL) {
			cfg->url = strdup(arg);
			return 0;
		}
		if (cfg->mountpoint == NULL)
			cfg->mountpoint = strdup(arg);
		return 1; /* the mountpoint: libfuse's too */
	case KEY_HELP:
		cfg->show_help = 1;
		return 0;
	case KEY_VERSION:
		cfg->show_version = 1;
		return 1;
	case KEY_FOREGROUND:
		cfg->foreground = 1;
		return 1;
	case KEY_DEBUG:
		cfg->foreground = 1;
		return 1;
	case KEY_ALLOW_OTHER:
		cfg->allow_other = 1;
		return 1; /* libfuse's too */
	case KEY_DEFAULT_PERMS:
		cfg->default_permissions = 1;
		return 1;
	case KEY_LABELS: {
		char err[512];
		int rc = hgfs_select_parse(&cfg->labels, arg + strlen("labels="), err, sizeof(err));
		if (rc == -1)
			fprintf(stderr, "hugegraphfs: %s\n", err);
		return rc < 0 ? -1 : 0;
	}
	case KEY_PASSWORD:
		(void)outargs;
		fprintf(stderr, "hugegraphfs: a password on the command line would show in ps; use the "
				"HUGEGRAPH_PASSWORD environment variable or -o password_file=PATH\n");
		return -1;
	default:
		return 1;
	}
}

static int read_password_file(hgfs_config *cfg)
{
	char line[1024];
	FILE *f = fopen(cfg->password_file, "r");

	if (f == NULL) {
		fprintf(stderr, "hugegraphfs: cannot read password file %s: %s\n", cfg->password_file,
			strerror(errno));
		return fail(HGFS_EXIT_LOCAL);
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	free(cfg->password);
	cfg->password = strdup(line);
	return 0;
}

/* Checks the options and the server before anything is mounted. */
/* mkdir -p of path with mode 0700; 0 or -errno. */
static int mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The state directory: given, or the XDG default; "none" keeps no state.
 * One that cannot be made is reported and not used. */
static int state_dir_setup(hgfs_config *cfg)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *abs;
	int rc;

	if (cfg->state_dir != NULL && strcmp(cfg->state_dir, "none") == 0) {
		free(cfg->state_dir);
		cfg->state_dir = NULL;
		return 0;
	}
	if (cfg->state_dir == NULL) {
		if ((xdg != NULL && xdg[0] == '/' && asprintf(&cfg->state_dir, "%s/hugegraphfs", xdg) < 0) ||
		    (cfg->state_dir == NULL && home != NULL && home[0] == '/' &&
		     asprintf(&cfg->state_dir, "%s/.local/state/hugegraphfs", home) < 0))
			cfg->state_dir = NULL;
		if (cfg->state_dir == NULL)
			return 0;
	}
	rc = mkdirs(cfg->state_dir);
	if (rc < 0) {
		fprintf(stderr, "hugegraphfs: state directory %s: %s (-o state_dir=none keeps no state)\n",
			cfg->state_dir, strerror(-rc));
		return fail(HGFS_EXIT_LOCAL);
	}
	/* an absolute path: the daemon changes to / when it detaches */
	abs = realpath(cfg->state_dir, NULL);
	if (abs != NULL) {
		free(cfg->state_dir);
		cfg->state_dir = abs;
	}
	return 0;
}

static int validate(hgfs_config *cfg)
{
	hg_options opt = {0};
	hg_client *c = NULL;
	hg_error err;
	char buf[1400];
	int rc;

	if (cfg->url == NULL) {
		fprintf(stderr, "hugegraphfs: missing URL (try --help)\n");
		return -1;
	}
	if (view.graph != NULL && !hgfs_valid_name(view.graph)) {
		fprintf(stderr, "hugegraphfs: -o graph=%s is not a graph name\n", view.graph);
		return -1;
	}
	/* the mountpoint first: a mistyped one should not be reported as
	 * whatever the server says */
	if (cfg->mountpoint != NULL) {
		struct stat st;
		if (stat(cfg->mountpoint, &st) != 0) {
			fprintf(stderr, "hugegraphfs: mountpoint %s: %s\n", cfg->mountpoint, strerror(errno));
			return fail(HGFS_EXIT_MOUNTPOINT);
		}
		if (!S_ISDIR(st.st_mode)) {
			fprintf(stderr, "hugegraphfs: mountpoint %s is not a directory\n", cfg->mountpoint);
			return fail(HGFS_EXIT_MOUNTPOINT);
		}
	}
	if (cfg->password_file != NULL && read_password_file(cfg) < 0)
		return -1;
	if (cfg->password == NULL && getenv("HUGEGRAPH_PASSWORD") != NULL)
		cfg->password = strdup(getenv("HUGEGRAPH_PASSWORD"));
	if (cfg->password != NULL && cfg->user == NULL) {
		fprintf(stderr, "hugegraphfs: a password was given but no -o user=NAME\n");
		return -1;
	}
	if (cfg->user != NULL && cfg->password == NULL) {
		fprintf(stderr, "hugegraphfs: -o user=%s needs a password: set HUGEGRAPH_PASSWORD or -o password_file\n",
			cfg->user);
		return -1;
	}
	if (cfg->snapshot_ttl < 0) {
		fprintf(stderr, "hugegraphfs: snapshot_ttl must be >= 0\n");
		return -1;
	}
	if (cfg->split_size < 1048576) {
		fprintf(stderr, "hugegraphfs: split_size must be >= 1048576 (the server's minimum)\n");
		return -1;
	}
	if (cfg->page_limit < 1 || cfg->page_limit > 800000) {
		fprintf(stderr, "hugegraphfs: page_limit must be between 1 and 800000\n");
		return -1;
	}
	if (cfg->export_retries < 0 || cfg->export_retries > 10) {
		fprintf(stderr, "hugegraphfs: export_retries must be between 0 and 10\n");
		return -1;
	}
	if (cfg->parallel < 1 || cfg->parallel > HGFS_MAX_PARALLEL) {
		fprintf(stderr, "hugegraphfs: parallel must be between 1 and %d\n", HGFS_MAX_PARALLEL);
		return -1;
	}
	if (cfg->timeout < 1) {
		fprintf(stderr, "hugegraphfs: timeout must be >= 1\n");
		return -1;
	}
	if (cfg->max_record_mib < 1 || cfg->max_record_mib > 1024) {
		fprintf(stderr, "hugegraphfs: max_record_mib must be between 1 and 1024\n");
		return -1;
	}
	if (cfg->compress != NULL && hgfs_cz_parse(cfg->compress, &hgfs_tree_cz) < 0) {
		fprintf(stderr, "hugegraphfs: compress must be gzip, zstd or none\n");
		return -1;
	}
	if (cfg->stall_timeout < 1) {
		fprintf(stderr, "hugegraphfs: stall_timeout must be >= 1\n");
		return -1;
	}
	if (cfg->spool_dir == NULL) {
		const char *t = getenv("TMPDIR");
		cfg->spool_dir = strdup(t != NULL && t[0] != '\0' ? t : "/var/tmp");
	}
	if (access(cfg->spool_dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "hugegraphfs: spool directory %s is not writable: %s\n", cfg->spool_dir,
			strerror(errno));
		return fail(HGFS_EXIT_LOCAL);
	}
	{
		/* an absolute path: the daemon changes to / when it detaches */
		char *abs = realpath(cfg->spool_dir, NULL);
		if (abs != NULL) {
			free(cfg->spool_dir);
			cfg->spool_dir = abs;
		}
	}

	if (state_dir_setup(cfg) < 0)
		return -1;
	if (hgfs_tls_setup(cfg) < 0)
		return -1;
	if (cfg->auth_password_file != NULL) {
		/* an absolute path: the daemon changes to / when it detaches */
		char *abs = realpath(cfg->auth_password_file, NULL);
		if (abs == NULL) {
			fprintf(stderr, "hugegraphfs: cannot read the auth password file %s: %s\n",
				cfg->auth_password_file, strerror(errno));
			return fail(HGFS_EXIT_LOCAL);
		}
		free(cfg->auth_password_file);
		cfg->auth_password_file = abs;
	}
	if (cfg->log_file != NULL) {
		/* an absolute path: the daemon changes to / when it detaches */
		char *abs;
		FILE *f = fopen(cfg->log_file, "a");
		if (f == NULL) {
			fprintf(stderr, "hugegraphfs: cannot write the log file %s: %s\n", cfg->log_file, strerror(errno));
			return fail(HGFS_EXIT_LOCAL);
		}
		fclose(f);
		abs = realpath(cfg->log_file, NULL);
		if (abs != NULL) {
			free(cfg->log_file);
			cfg->log_file = abs;
		}
	}

	opt.url = cfg->url;
	opt.user = cfg->user;
	opt.password = cfg->password;
	opt.graphspace = cfg->graphspace;
	opt.timeout_ms = 30000;
	hgfs_tls_options(cfg, &opt);
	hg_error_clear(&err);
	rc = hg_client_open(&c, &opt, &err);
	if (rc < 0) {
		fprintf(stderr, "hugegraphfs: cannot use %s: %s\n", cfg->url, hg_error_format(&err, buf, sizeof(buf)));
		return fail(-rc == HG_EAUTH || -rc == HG_EFORBIDDEN ? HGFS_EXIT_AUTH : HGFS_EXIT_SERVER);
	}
	if (view.graph != NULL) {
		hg_error_clear(&err);
		rc = hgfs_view_check_graph(c, view.graph, &err);
		if (rc < 0)
			fprintf(stderr, "hugegraphfs: -o graph=%s: %s\n", view.graph,
				rc == -ENOENT ? "the server has no such graph" : hg_error_format(&err, buf, sizeof(buf)));
		if (rc < 0) {
			hg_client_free(c);
			return fail(rc == -ENOENT ? HGFS_EXIT_NO_GRAPH
					: rc == -EACCES ? HGFS_EXIT_AUTH : HGFS_EXIT_SERVER);
		}
	}
	rc = hgfs_space_known(c, cfg->graphspace, buf, sizeof(buf));
	if (rc < 0)
		fprintf(stderr, "hugegraphfs: cannot use %s: %s\n", cfg->url, buf);
	hg_client_free(c);
	return rc < 0 ? -1 : 0;
}

static void config_free(hgfs_config *cfg)
{
	free(cfg->url);
	free(cfg->user);
	if (cfg->password != NULL)
		explicit_bzero(cfg->password, strlen(cfg->password));
	free(cfg->password);
	free(cfg->password_file);
	free(cfg->auth_password_file);
	free(cfg->graphspace);
	free(cfg->spool_dir);
	free(cfg->state_dir);
	free(cfg->log_file);
	free(cfg->compress);
	free(cfg->mountpoint);
	hgfs_tls_free(cfg);
	hgfs_names_free(&cfg->labels);
}

static void on_intr_signal(int sig)
{
	(void)sig; /* only there to cut a blocking system call short */
}

/* Interrupts (init sets fuse_config->intr): libfuse signals the thread that
 * serves an interrupted request with HGFS_INTR_SIGNAL, which must not kill
 * the daemon; without SA_RESTART a blocking call returns EINTR. */
static void hgfs_intr_signal_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_intr_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(HGFS_INTR_SIGNAL, &sa, NULL);
}

/* true when libfuse knows every option left in args: a dry fuse_new on a
 * copy (no operations, nothing mounted), so that a mistyped option is
 * reported as such (exit status 1) before the server is asked anything. */
static bool options_known(const struct fuse_args *args)
{
	static const struct fuse_operations none;
	struct fuse_args copy = FUSE_ARGS_INIT(0, NULL);
	struct fuse_cmdline_opts opts;
	struct fuse *f = NULL;
	bool ok = true;

	memset(&opts, 0, sizeof(opts));
	for (int i = 0; ok && i < args->argc; i++)
		ok = fuse_opt_add_arg(&copy, args->argv[i]) == 0;
	if (ok && fuse_parse_cmdline(&copy, &opts) == 0) {
		f = fuse_new(&copy, &none, sizeof(none), NULL);
		ok = f != NULL;
		if (f != NULL)
			fuse_destroy(f);
	}
	free(opts.mountpoint);
	fuse_opt_free_args(&copy);
	return ok;
}

/* true when /proc/self/mountinfo has a FUSE mount on path (an absolute,
 * resolved path); its mount point field escapes " \t\n\\" as octal */
static bool fuse_mounted_on(const char *path)
{
	char line[8192], mp[PATH_MAX];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		/* id parent major:minor root MOUNT_POINT options ... - FSTYPE ... */
		char *p = line, *sep = strstr(line, " - ");
		size_t n = 0;
		for (int field = 0; field < 4 && p != NULL; field++)
			p = strchr(p + (field ? 1 : 0), ' ');
		if (p == NULL || sep == NULL || strncmp(sep + 3, "fuse", 4) != 0)
			continue;
		for (p++; *p != ' ' && *p != '\0' && n + 1 < sizeof(mp); p++) {
			if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
			    p[3] <= '7') {
				mp[n++] = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
				p += 3;
			} else {
				mp[n++] = *p;
			}
		}
		mp[n] = '\0';
		found = strcmp(mp, path) == 0;
	}
	fclose(f);
	return found;
}

/* Removes the mount left on path by an aborted connection (libfuse leaves
 * it: its unmount stops at the severed device): a lazy unmount, as root
 * directly, else through fusermount3. */
static void remove_aborted(const char *path)
{
	pid_t pid;
	int status;

	if (geteuid() == 0 && umount2(path, MNT_DETACH) == 0)
		return;
	pid = fork();
	if (pid == 0) {
		execlp("fusermount3", "fusermount3", "-u", "-z", "--", path, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		hgfs_log(LOG_ERR, "%s stays mounted and unusable: fusermount3 -u -z %s", path, path);
}

/* Mounts and serves until unmounted or signalled (what fuse_main does,
 * with the loop configured explicitly). */
static int run(struct fuse_args *args, hgfs *fs)
{
	char where[PATH_MAX];
	bool aborted = false;
	struct fuse_cmdline_opts opts;
	struct fuse_loop_config *loop = NULL;
	struct fuse_session *se;
	struct fuse *f = NULL;
	static struct fuse_operations ops;
	int rc = HGFS_EXIT_USAGE;

	memset(&opts, 0, sizeof(opts));
	if (fuse_parse_cmdline(args, &opts) != 0)
		return HGFS_EXIT_USAGE;
	if (opts.mountpoint == NULL) {
		fprintf(stderr, "hugegraphfs: missing MOUNTPOINT (try --help)\n");
		goto out;
	}
	/* resolved now: once mounted, resolving it would ask this daemon */
	if (realpath(opts.mountpoint, where) == NULL)
		snprintf(where, sizeof(where), "%s", opts.mountpoint);
	hgfs_view_ops(&ops, &hgfs_ops, &view);
	f = fuse_new(args, &ops, sizeof(ops), fs);
	if (f == NULL)
		goto out; /* libfuse said why: an unknown option, mostly */
	rc = HGFS_EXIT_MOUNTPOINT;
	if (fuse_mount(f, opts.mountpoint) != 0)
		goto out_destroy;
	rc = HGFS_EXIT_RUNTIME;
	if (fuse_daemonize(opts.foreground) != 0)
		goto out_unmount;
	if (hgfs_log_init(opts.foreground, fs->cfg.log_file) < 0)
		hgfs_log_init(opts.foreground, NULL); /* checked in validate(); not reachable normally */
	if (!opts.foreground || fs->cfg.log_file != NULL)
		hgfs_tls_log_warning(&fs->cfg); /* else the log is stderr, warned already */
	se = fuse_get_session(f);
	if (fuse_set_signal_handlers(se) != 0)
		goto out_unmount;
	if (opts.singlethread) {
		rc = fuse_loop(f);
	} else {
		loop = fuse_loop_cfg_create();
		if (loop == NULL)
			goto out_signals;
		fuse_loop_cfg_set_clone_fd(loop, opts.clone_fd);
		fuse_loop_cfg_set_max_threads(loop, opts.max_threads);
		if (opts.max_idle_threads != UINT_MAX)
			fuse_loop_cfg_set_idle_threads(loop, opts.max_idle_threads);
		rc = fuse_loop_mt(f, loop);
		fuse_loop_cfg_destroy(loop);
	}
	/* a signal's number (SIGTERM, SIGINT: asked to stop) is a clean stop;
	 * 0 is an unmount, or a connection aborted under a mount that stays
	 * (echo 1 > /sys/fs/fuse/connections/N/abort): every access to it
	 * then fails with ENOTCONN, which is no clean stop */
	if (rc == 0 && fuse_mounted_on(where)) {
		hgfs_log(LOG_ERR, "the kernel's FUSE connection of %s was aborted: stopping; unmounting it", where);
		rc = -ECONNABORTED;
		aborted = true;
	}
	if (rc > 0 || rc == 0)
		hgfs_log(LOG_NOTICE, "stopping (%s): unmounting %s", rc > 0 ? "signal" : "unmounted", opts.mountpoint);
	rc = rc < 0 ? HGFS_EXIT_RUNTIME : HGFS_EXIT_OK;
out_signals:
	fuse_remove_signal_handlers(se);
out_unmount:
	fuse_unmount(f);
	if (aborted && fuse_mounted_on(where))
		remove_aborted(where);
out_destroy:
	fuse_destroy(f);
out:
	free(opts.mountpoint);
	return rc;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	hgfs fs;
	int rc = 1;

	/* Buffers above 1 MiB (fat records, shard chunks) come from mmap and go
	 * back to the system when freed.  glibc would otherwise raise this
	 * threshold after the first such free, and each FUSE thread's arena
	 * would keep its own fat buffers: a file of 15 MiB records took the
	 * daemon to 100 MiB that way, 40 MiB with a fixed threshold. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	memset(&fs, 0, sizeof(fs));
	fs.cfg.snapshot_ttl = 30;
	fs.cfg.split_size = 1048576;
	fs.cfg.page_limit = 100000;
	fs.cfg.timeout = 300;
	fs.cfg.stall_timeout = 30; /* cat mode of a hung server: two requests, within about a minute */
	fs.cfg.parallel = 4;
	fs.cfg.max_record_mib = 16;
	fs.cfg.export_retries = 2;
	pthread_mutex_init(&fs.lock, NULL);
	signal(SIGPIPE, SIG_IGN);
	hgfs_intr_signal_init();

	if (hgfs_labels_args(argc, argv, &args) < 0) /* -o labels=a,b: before libfuse splits it */
		goto out;
	if (fuse_opt_parse(&args, &view, view_opts, view_proc) == -1 ||
	    fuse_opt_parse(&args, &fs.cfg, hgfs_opts, opt_proc) == -1)
		goto out;
	if (fs.cfg.show_version) {
		printf("hugegraphfs %s\n", HGFS_VERSION);
		rc = 0;
		goto out;
	}
	if (fs.cfg.show_help) {
		usage(argv[0]);
		printf("FUSE options:\n");
		fuse_cmdline_help();
		fuse_lib_help(&args);
		rc = 0;
		goto out;
	}
	if (!options_known(&args))
		goto out; /* libfuse named the option: usage */
	if (validate(&fs.cfg) < 0) {
		rc = fail_code != 0 ? fail_code : HGFS_EXIT_USAGE;
		goto out;
	}
	/* Other users act with the mount's credentials on the server: with
	 * allow_other the kernel must check the modes (mode and restore/ are
	 * writable by the mounting user only; -o uid=,gid=,umask= decide who
	 * may read the backups). */
	if (fs.cfg.allow_other && !fs.cfg.default_permissions && fuse_opt_add_arg(&args, "-odefault_permissions") != 0)
		goto out;
	fs.started = time(NULL);
	fs.uid = getuid();
	fs.gid = getgid();
	rc = run(&args, &fs);
	hgfs_log_close();
out:
	fuse_opt_free_args(&args);
	config_free(&fs.cfg);
	free(view.graph);
	pthread_mutex_destroy(&fs.lock);
	return rc;
}
