/*
 * view.h - what a mount shows and allows, narrowed by mount options
 * (view.c): `-o ro` (a backup host's mount: reads backups, changes
 * nothing) and `-o graph=NAME` (one graph only).  Both wrap the operations
 * of ops.c, so ops.c knows nothing of them.
 */
#ifndef HGFS_VIEW_H
#define HGFS_VIEW_H

#include <stdbool.h>

#include "hgclient.h"

struct fuse_operations;

typedef struct hgfs_view {
	bool ro;     /* -o ro: every change refused with EROFS */
	char *graph; /* -o graph=NAME: only this graph under graphs/ (NULL: all) */
} hgfs_view;

/* The operations to mount with: base, with the view's refusals and filters
 * around it.  v is kept (not copied) and must outlive the mount.  With
 * neither ro nor graph set, *out is a copy of *base. */
void hgfs_view_ops(struct fuse_operations *out, const struct fuse_operations *base, const hgfs_view *v);

/* For -o graph=NAME: 0 when the server (client c) has graph NAME,
 * -ENOENT when it does not, another -errno when the list cannot be had
 * (err says why). */
int hgfs_view_check_graph(hg_client *c, const char *graph, hg_error *err);

#endif
