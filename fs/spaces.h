/*
 * spaces.h - graphspaces/ of the mount (spaces.c): the graphspaces a user
 * may see (HugeGraph 1.7+), each with its graphs/ and its definition,
 * graphspace.json, which can be written back to create or update one.
 *
 *   /graphspaces/                       GET /graphspaces, and -o graphspace's
 *   /graphspaces/<gs>/graphspace.json   GET /graphspaces/<gs> (when listed)
 *   /graphspaces/<gs>/graphs/<g>/...    as /graphs/<g>/... (ops.c)
 *
 * Graphspace-wide requests go through fs->client (they name the
 * graphspace in their path); a graph's requests through the client of its
 * graphspace (hgfs_space_client).  No lock is held across a request.
 */
#ifndef HGFS_SPACES_H
#define HGFS_SPACES_H

#include <stdbool.h>
#include <sys/stat.h>

#include "hgfs.h"

/* The graphspace of a path's space component: itself, or for "" (/graphs/)
 * the one of -o graphspace ("DEFAULT" when not given). */
const char *hgfs_space_of(const hgfs *fs, const char *space);
/* true when space (as hgfs_space_of gives it) is -o graphspace's, whose
 * graphs fs->client serves */
bool hgfs_space_is_main(const hgfs *fs, const char *space);

/* The clients' cancel hook (ops.c; ctx: the hgfs): an interrupted caller or
 * a stopping daemon aborts the request in flight. */
bool hgfs_cancel_hook(void *ctx);

void hgfs_spaces_init(hgfs *fs);
void hgfs_spaces_free(hgfs *fs);

/* The client bound to graphspace space (not the main one), opened with the
 * mount's URL and credentials on first use.  fs->client must be ready. */
int hgfs_space_client(hgfs *fs, const char *space, hg_client **out);
/* The graph list of a graphspace other than the main one (a copy; reused for
 * a second), and its invalidation after a graph was created. */
int hgfs_space_graph_names(hgfs *fs, const char *space, char ***out);
void hgfs_space_graphs_changed(hgfs *fs, const char *space);

/* 0 when graphspaces/<space> exists (listed by the server, the main one, or
 * made by mkdir and not yet created), else -ENOENT or the request's -errno. */
int hgfs_space_check(hgfs *fs, const char *space);

/* The FUSE operations on /graphspaces, /graphspaces/<gs> and its
 * graphspace.json (fs->client ready). */
int hgfs_spaces_getattr(hgfs *fs, const hgfs_path *p, struct stat *st);
/* entries: add(ctx, name, is_dir) */
int hgfs_spaces_readdir(hgfs *fs, const hgfs_path *p, void (*add)(void *ctx, const char *name, bool dir), void *ctx);
/* mkdir graphspaces/NAME: a directory kept by the daemon until a
 * graphspace.json written into it creates the graphspace on the server. */
int hgfs_space_mkdir(hgfs *fs, const hgfs_path *p);
int hgfs_space_rmdir(hgfs *fs, const hgfs_path *p);

/* graphspace.json handles: read the definition as it was at open; written
 * bytes are sent at the first flush (close): POST /graphspaces for a new
 * graphspace, PUT (action update) for an existing one.  A refusal fails
 * that close with the errno and is logged. */
typedef struct hgfs_space_file hgfs_space_file;
int hgfs_space_def_open(hgfs *fs, const hgfs_path *p, int flags, bool create, hgfs_space_file **out);
int hgfs_space_def_read(hgfs_space_file *f, char *buf, size_t size, off_t off);
int hgfs_space_def_write(hgfs_space_file *f, const char *buf, size_t size, off_t off);
int hgfs_space_def_truncate(hgfs_space_file *f, off_t size);
void hgfs_space_def_stat(hgfs *fs, hgfs_space_file *f, struct stat *st);
int hgfs_space_def_flush(hgfs *fs, hgfs_space_file *f);
void hgfs_space_def_release(hgfs_space_file *f);

/* Before mounting: -ENOENT (and why, in msg) when a 1.7+ server does not
 * list graphspace space (DEFAULT always exists); 0 otherwise, also when
 * the list cannot be read. */
int hgfs_space_known(hg_client *c, const char *space, char *msg, size_t len);

/* The most bytes a graphspace.json written into the mount may have. */
#define HGFS_SPACE_DEF_MAX (1024 * 1024)

#endif
