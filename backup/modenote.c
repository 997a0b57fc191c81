/* modenote.c - notes of read modes set for an export (modenote.h). */
#include "modenote.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "sha256.h"

#define PREFIX "readmode-"

/* PREFIX + the first 32 hex digits of the SHA-256 of url, graphspace, graph */
static int note_path(const char *dir, const char *url, const char *gs, const char *graph, char *path, size_t len)
{
	char *id = NULL, hex[65];
	hgfs_sha256 h;
	int n;

	if (asprintf(&id, "%s\n%s\n%s", url, gs ? gs : "-", graph) < 0)
		return -ENOMEM;
	n = hgfs_sha256_init(&h);
	if (n < 0) {
		free(id);
		return n;
	}
	hgfs_sha256_update(&h, id, strlen(id));
	hgfs_sha256_final(&h, hex);
	free(id);
	n = snprintf(path, len, "%s/" PREFIX "%.32s", dir, hex);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int hgfs_modenote_write(const char *dir, const char *url, const char *graphspace, const char *graph,
			hg_read_mode prev, char *path, size_t pathlen)
{
	char tmp[4200], *text = NULL;
	int fd, rc, n;

	path[0] = '\0';
	if (dir == NULL)
		return 0;
	rc = note_path(dir, url, graphspace, graph, tmp, sizeof(tmp) - 8);
	if (rc < 0)
		return rc;
	n = asprintf(&text, "pid %ld\nurl %s\ngraphspace %s\ngraph %s\nmode %s\n", (long)getpid(), url,
		     graphspace ? graphspace : "-", graph, hg_read_mode_name(prev));
	if (n < 0)
		return -ENOMEM;
	snprintf(path, pathlen, "%s", tmp);
	strcat(tmp, ".tmp");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	rc = fd < 0 ? -errno : 0;
	if (rc == 0 && write(fd, text, (size_t)n) != n)
		rc = errno ? -errno : -EIO;
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		path[0] = '\0';
	}
	free(text);
	return rc;
}

void hgfs_modenote_remove(const char *path)
{
	if (path != NULL && path[0] != '\0')
		unlink(path);
}

/* true while the process pid runs hugegraphfs (a reused pid is not it) */
static bool writer_alive(long pid)
{
	char p[64], comm[64] = "";
	FILE *f;

	if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
		return false;
	snprintf(p, sizeof(p), "/proc/%ld/comm", pid);
	f = fopen(p, "re");
	if (f == NULL)
		return false;
	if (fgets(comm, sizeof(comm), f) == NULL)
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "hugegraphfs", 11) == 0;
}

typedef struct note {
	long pid;
	char url[2048], gs[256], graph[256], mode[32];
} note;

static bool note_read(const char *path, note *n)
{
	char line[2400];
	FILE *f = fopen(path, "re");
	int seen = 0;

	memset(n, 0, sizeof(*n));
	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "pid %ld", &n->pid) == 1)
			seen |= 1;
		else if (strncmp(line, "url ", 4) == 0 && snprintf(n->url, sizeof(n->url), "%s", line + 4) > 0)
			seen |= 2;
		else if (strncmp(line, "graphspace ", 11) == 0 && snprintf(n->gs, sizeof(n->gs), "%s", line + 11) > 0)
			seen |= 4;
		else if (strncmp(line, "graph ", 6) == 0 && snprintf(n->graph, sizeof(n->graph), "%s", line + 6) > 0)
			seen |= 8;
		else if (strncmp(line, "mode ", 5) == 0 && snprintf(n->mode, sizeof(n->mode), "%s", line + 5) > 0)
			seen |= 16;
	}
	fclose(f);
	return seen == 31;
}

static int mode_of(const char *name, hg_read_mode *out)
{
	for (int m = 0; m < HG_READ__COUNT; m++) {
		if (strcmp(name, hg_read_mode_name((hg_read_mode)m)) == 0) {
			*out = (hg_read_mode)m;
			return 0;
		}
	}
	return -EINVAL;
}

/* 1 put back, 0 nothing to do (the note goes), -1 not now (it stays) */
static int repair_one(const note *n, hgfs_modenote_client_fn client, void *ctx)
{
	const char *gs = strcmp(n->gs, "-") == 0 ? NULL : n->gs;
	hg_read_mode prev, now;
	hg_client *c = NULL;
	hg_error err;
	char msg[1400];

	if (mode_of(n->mode, &prev) < 0)
		return 0;
	hg_error_clear(&err);
	if (client(ctx, gs, &c) < 0 || hg_get_read_mode(c, n->graph, &now, &err) < 0) {
		hgfs_log(LOG_WARNING, "graph '%s': a daemon stopped during an export left graph_read_mode ALL (was %s); "
			 "cannot ask the server now (%s): trying again at the next start",
			 n->graph, n->mode, c != NULL ? hg_error_format(&err, msg, sizeof(msg)) : "no client");
		return -1;
	}
	if (now != HG_READ_ALL) {
		hgfs_log(LOG_NOTICE, "graph '%s': a daemon stopped during an export had set graph_read_mode ALL (was %s); "
			 "it is %s now, set since by someone else: left as it is", n->graph, n->mode,
			 hg_read_mode_name(now));
		return 0;
	}
	if (hg_set_read_mode(c, n->graph, prev, true, &err) < 0) {
		hgfs_log(LOG_WARNING, "graph '%s': cannot put graph_read_mode back to %s (%s): trying again at the next "
			 "start", n->graph, n->mode, hg_error_format(&err, msg, sizeof(msg)));
		return -1;
	}
	hgfs_log(LOG_NOTICE, "graph '%s': graph_read_mode put back to %s (a daemon stopped during an export had "
		 "left it ALL)", n->graph, n->mode);
	return 1;
}

int hgfs_modenote_repair(const char *dir, const char *url, hgfs_modenote_client_fn client, void *ctx)
{
	DIR *d;
	struct dirent *e;
	int done = 0;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[4200];
		size_t l = strlen(e->d_name);
		note n;
		int r;

		if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0 || (l > 4 && strcmp(e->d_name + l - 4, ".tmp") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!note_read(path, &n)) {
			unlink(path); /* half written: its mode was never set */
			continue;
		}
		if (strcmp(n.url, url) != 0 || writer_alive(n.pid))
			continue;
		r = repair_one(&n, client, ctx);
		if (r >= 0)
			unlink(path);
		done += r > 0;
	}
	closedir(d);
	return done;
}
