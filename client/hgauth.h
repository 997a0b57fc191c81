/*
 * hgauth.h - the HugeGraph auth API (users, projects, groups, targets,
 * belongs, accesses, and 1.7's managers), as far as a backup and restore of
 * it need.
 *
 * The URL form follows the server: 1.0-1.5 serve it under any graph,
 * /graphs/{g}/auth/{kind} (the data is the server's, not the graph's);
 * 1.7 under the graphspace, /graphspaces/{gs}/auth/{kind}, but for groups,
 * which 1.7 keeps server-wide at /auth/groups.
 *
 * Managers (1.7: graphspace administrators and members, and the server's
 * administrators) are no list of elements on the server: GET
 * .../auth/managers?type=T answers {"admins": [names]} for each of ADMIN,
 * SPACE and SPACE_MEMBER.  hg_auth_list gives them as one list of objects,
 * {"managers": [{"type":"ADMIN","user":"admin"}, ...]}, which is also what
 * a create takes ({"user":..,"type":..}).
 */
#ifndef HGAUTH_H
#define HGAUTH_H

#include <stddef.h>

#include "hgclient.h"

/* The kinds, in the order a restore creates them (a project makes two
 * groups, a target and three accesses of its own: it comes before them). */
typedef enum {
	HG_AUTH_USERS,
	HG_AUTH_PROJECTS,
	HG_AUTH_GROUPS,
	HG_AUTH_TARGETS,
	HG_AUTH_BELONGS,
	HG_AUTH_ACCESSES,
	HG_AUTH_MANAGERS,
	HG_AUTH__COUNT
} hg_auth_kind;

/* "users", "groups", ... (the path segment and the list answer's key). */
const char *hg_auth_kind_name(hg_auth_kind k);

/* GET .../auth/{kind}?limit=-1: the server's answer as its bytes (*out
 * malloc'd, NUL-terminated), e.g. {"users": [...]}.  graph is any graph of
 * the server (ignored on 1.7). */
int hg_auth_list(hg_client *c, const char *graph, hg_auth_kind k, char **out, size_t *len, hg_error *err);

/* POST .../auth/{kind} with body (one JSON object); the created element as
 * the server answered it (*out malloc'd; out may be NULL).  Not retried: a
 * create that may have happened is for the caller to look up. */
int hg_auth_create(hg_client *c, const char *graph, hg_auth_kind k, const char *body, size_t len, char **out,
		   hg_error *err);

/* PUT .../auth/{kind}/{id}[?action=ACTION] with body: a project's
 * "add_graph" (body {"project_graphs":[...]}); the updated element into
 * *out (malloc'd; out may be NULL). */
int hg_auth_update(hg_client *c, const char *graph, hg_auth_kind k, const char *id, const char *action,
		   const char *body, size_t len, char **out, hg_error *err);

#endif
