/* snapstate.c - what a graph's last snapshot was, so that a new snapshot
 * of an unchanged graph shows the same bytes and mtimes: incremental
 * backups (rsync, tar --listed-incremental, restic, find -newer) then see
 * only what really changed.  Kept in memory per graph and in a small state
 * file per server and graph, so it holds across remounts:
 *   STATE_DIR/<key>.state      "hugegraphfs-snapshot-state 1" and one line
 *                              "<file> <sha256> <size> <mtime seconds>" a file
 *   STATE_DIR/<key>.manifest   the last manifest.json
 * key: the first 32 hex digits of SHA-256("<url>\n<graphspace>\n<graph>"). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "hgfs.h"

#define STATE_MAGIC "hugegraphfs-snapshot-state 1"
#define MANIFEST_KEEP (1 << 20)

void hgfs_snapmemo_free(hgfs_snapmemo *m)
{
	free(m->manifest);
	memset(m, 0, sizeof(*m));
}

static void state_key(const hgfs *fs, const hgfs_graph *g, char key[33])
{
	hgfs_sha256 h;
	char hex[65];
	const char *graph = g->name;
	/* -o graphspace's graphs keep the key they had before graphspaces/ */
	const char *gs = g->client != fs->client ? g->space : fs->cfg.graphspace != NULL ? fs->cfg.graphspace : "";

	if (hgfs_sha256_init(&h) < 0) {
		key[0] = '\0';
		return;
	}
	hgfs_sha256_update(&h, fs->cfg.url, strlen(fs->cfg.url));
	hgfs_sha256_update(&h, "\n", 1);
	hgfs_sha256_update(&h, gs, strlen(gs));
	hgfs_sha256_update(&h, "\n", 1);
	hgfs_sha256_update(&h, graph, strlen(graph));
	hgfs_sha256_final(&h, hex);
	memcpy(key, hex, 32);
	key[32] = '\0';
}

static int state_path(const hgfs *fs, const hgfs_graph *g, const char *ext, char *out, size_t len)
{
	char key[33];

	if (fs->cfg.state_dir == NULL)
		return -1;
	state_key(fs, g, key);
	if (key[0] == '\0')
		return -1;
	return snprintf(out, len, "%s/%s.%s", fs->cfg.state_dir, key, ext) < (int)len ? 0 : -1;
}

/* Reads up to max bytes of fd from offset 0 into a malloc'd buffer. */
static char *read_fd(int fd, size_t max, size_t *len)
{
	char *buf = malloc(max > 0 ? max : 1);
	size_t n = 0;

	if (buf == NULL)
		return NULL;
	while (n < max) {
		ssize_t r = pread(fd, buf + n, max - n, (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

static void memo_load(hgfs *fs, hgfs_graph *g)
{
	char path[4096], line[256], name[64], sha[65];
	long long size, sec;
	hgfs_snapmemo m;
	FILE *f;
	int seen = 0;

	memset(&m, 0, sizeof(m));
	if (state_path(fs, g, "state", path, sizeof(path)) < 0 || (f = fopen(path, "r")) == NULL)
		return;
	if (fgets(line, sizeof(line), f) == NULL || strncmp(line, STATE_MAGIC, strlen(STATE_MAGIC)) != 0)
		goto out;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%63s %64s %lld %lld", name, sha, &size, &sec) != 4 || strlen(sha) != 64)
			goto out;
		for (int i = 0; i < HGFS_F__COUNT; i++) {
			if (strcmp(name, hgfs_snapfile_names[i]) == 0) {
				memcpy(m.sha[i], sha, 65);
				m.size[i] = (off_t)size;
				m.mtime[i].tv_sec = (time_t)sec;
				seen |= 1 << i;
			}
		}
	}
	if (seen != (1 << HGFS_F__COUNT) - 1)
		goto out;
	fclose(f);
	f = NULL;
	if (state_path(fs, g, "manifest", path, sizeof(path)) == 0) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			m.manifest = read_fd(fd, MANIFEST_KEEP, &m.manifest_len);
			close(fd);
		}
	}
	if (m.manifest == NULL || (off_t)m.manifest_len != m.size[HGFS_F_MANIFEST]) {
		hgfs_snapmemo_free(&m);
		return;
	}
	m.valid = true;
	hgfs_snapmemo_free(&g->memo);
	g->memo = m;
out:
	if (f != NULL)
		fclose(f);
}

/* Writes path atomically (a temporary file renamed over it). */
static int write_atomic(const char *path, const char *data, size_t len)
{
	char tmp[4200];
	int fd, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (hgfs_pwrite_all(fd, data, len, 0) < 0 || fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

static void memo_save(hgfs *fs, hgfs_graph *g)
{
	char path[4096], text[1024];
	size_t n;
	int rc;

	if (state_path(fs, g, "manifest", path, sizeof(path)) < 0)
		return;
	rc = write_atomic(path, g->memo.manifest, g->memo.manifest_len);
	n = (size_t)snprintf(text, sizeof(text), "%s\n", STATE_MAGIC);
	for (int i = 0; i < HGFS_F__COUNT && n < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s %s %lld %lld\n", hgfs_snapfile_names[i],
				      g->memo.sha[i], (long long)g->memo.size[i], (long long)g->memo.mtime[i].tv_sec);
	if (rc == 0 && state_path(fs, g, "state", path, sizeof(path)) == 0)
		rc = write_atomic(path, text, n < sizeof(text) ? n : sizeof(text) - 1);
	if (rc < 0)
		hgfs_log(LOG_WARNING, "graph %s: cannot keep the snapshot state in %s: %s (unchanged files will show "
				      "a new mtime after a remount)", g->name, fs->cfg.state_dir, strerror(-rc));
}

/* s's manifest becomes the remembered one (same bytes, same mtime). */
static int reuse_manifest(hgfs *fs, const hgfs_snapmemo *m, hgfs_snapshot *s)
{
	int fd = hgfs_tmpfile(fs->cfg.spool_dir);

	if (fd < 0)
		return fd;
	if (hgfs_pwrite_all(fd, m->manifest, m->manifest_len, 0) < 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	close(s->set.fd[HGFS_F_MANIFEST]);
	s->set.fd[HGFS_F_MANIFEST] = fd;
	s->set.size[HGFS_F_MANIFEST] = (off_t)m->manifest_len;
	memcpy(s->set.sha[HGFS_F_MANIFEST], m->sha[HGFS_F_MANIFEST], 65);
	s->set.mtime[HGFS_F_MANIFEST] = m->mtime[HGFS_F_MANIFEST];
	return 0;
}

void hgfs_snapshot_settle(hgfs *fs, hgfs_graph *g, hgfs_snapshot *s)
{
	hgfs_snapmemo *m = &g->memo;
	bool data_same = true;
	size_t len;
	char *manifest;

	if (!m->valid)
		memo_load(fs, g);
	for (int f = 0; f < HGFS_F_MANIFEST; f++) {
		bool same = m->valid && m->size[f] == s->set.size[f] && strcmp(m->sha[f], s->set.sha[f]) == 0;
		if (same)
			s->set.mtime[f] = m->mtime[f];
		data_same &= same;
	}
	if (data_same && m->valid && reuse_manifest(fs, m, s) == 0)
		return; /* nothing changed: nothing to remember anew */

	manifest = read_fd(s->set.fd[HGFS_F_MANIFEST], MANIFEST_KEEP, &len);
	if (manifest == NULL || (off_t)len != s->set.size[HGFS_F_MANIFEST]) {
		free(manifest);
		return;
	}
	hgfs_snapmemo_free(m);
	for (int f = 0; f < HGFS_F__COUNT; f++) {
		memcpy(m->sha[f], s->set.sha[f], 65);
		m->size[f] = s->set.size[f];
		m->mtime[f] = s->set.mtime[f];
	}
	m->manifest = manifest;
	m->manifest_len = len;
	m->valid = true;
	memo_save(fs, g);
}
