/*
 * authdata.h - the server's auth data as backup files, and their restore
 * (no FUSE; MOUNT/auth/ is fs/auth.c's face over this).
 *
 * Files: one per kind (users.jsonl, projects.jsonl, groups.jsonl,
 * targets.jsonl, belongs.jsonl, accesses.jsonl, managers.jsonl), one
 * element a line: each element of the server's list as compact JSON with
 * the server's member order, sorted by id.
 *
 * Restore: the files of a set are replayed against the server in dependency
 * order (users, projects, groups, targets, belongs, accesses, managers):
 * elements are matched by name (a belong by its user's and group's names,
 * an access by its group's and target's names and its permission, a manager
 * by its type and user), ids are mapped from the backup's to the server's
 * by those names.  An element the server has already is left alone:
 * "exists" when its fields equal the backup's, a CONFLICT (reported, never
 * overwritten) when they do not.  Users are created with the password of a
 * file (the server only ever shows a bcrypt hash, and hashes whatever it is
 * given again); the administrator is never created.  A project makes its
 * two groups, its target and their three accesses itself: those of the
 * backup are never made on their own (they wait for projects.jsonl, then
 * exist).
 */
#ifndef HGFS_AUTHDATA_H
#define HGFS_AUTHDATA_H

#include <stdbool.h>
#include <stddef.h>

#include "hgauth.h"

/* The name of the administrator, who is never restored. */
#define HGFS_AUTH_ADMIN "admin"

/* "users.jsonl", ... */
const char *hgfs_auth_file_name(hg_auth_kind k, char *buf, size_t len);
/* The kind of a file name, or -1. */
int hgfs_auth_kind_of_file(const char *name);

/* The list answer body of kind k (hg_auth_list) as the file's bytes (*out
 * malloc'd, NUL-terminated).  -EPROTO when it has no array of objects under
 * the kind's name, -ENOMEM. */
int hgfs_auth_render(hg_auth_kind k, const char *body, char **out, size_t *outlen);

/* What a mount created, and the conflicts it logged, across restore passes
 * (thread-safe). */
typedef struct hgfs_auth_memory hgfs_auth_memory;
hgfs_auth_memory *hgfs_auth_memory_new(void);
void hgfs_auth_memory_free(hgfs_auth_memory *m);

typedef struct hgfs_auth_restore_cfg {
	hg_client *client;
	const char *graph;         /* before 1.7: any graph, to reach the auth API through */
	const char *password_file; /* the restored users' password (first line), or NULL */
	bool managers;             /* the server has managers (1.7) */
	hgfs_auth_memory *memory;  /* may be NULL */
} hgfs_auth_restore_cfg;

/* The files of one restore pass. */
typedef struct hgfs_auth_set hgfs_auth_set;

hgfs_auth_set *hgfs_auth_set_new(void);
/* Adds a file (its bytes are parsed now: the caller may drop them).  A
 * file that is not JSON Lines of objects is refused whole; a name that is
 * no kind's is reported ignored (dot files silently). */
void hgfs_auth_set_add(hgfs_auth_set *set, const char *name, const char *data, size_t len);
/* Replays the set against the server.  *status (malloc'd, may be NULL on
 * ENOMEM) is the report, a line an element and a total.  Returns, for the
 * file of kind `kind` (-1: none): 0, -EIO when some of it could not be
 * created, -EINVAL when it was refused; or the errno of listing the
 * server's. */
int hgfs_auth_set_replay(hgfs_auth_set *set, const hgfs_auth_restore_cfg *cfg, int kind, char **status,
			 size_t *status_len);
void hgfs_auth_set_free(hgfs_auth_set *set);

#endif
