/* hgserver: the auth API (auth.c). */
#ifndef HGSERVER_AUTH_H
#define HGSERVER_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "hg.h"

/* persona 13 or 17; admin: the --auth user (NULL: authentication off) */
void hgauth_init(int persona, const char *admin, const char *password);
void hgauth_free(void);
/* true for a user created through the API with this password (not the administrator) */
bool hgauth_login(const char *user, const char *password);
/* One request on .../auth/{kind}[/{id}]: the HTTP status with the answer in out, or a
 * negative value with the error in e.  admin: the caller is the administrator. */
int hgauth_handle(const char *method, const char *kind, const char *id, const char *body, size_t len,
                  const char *limit, bool admin, sb_t *out, herr *e);
/* the graph holding the auth data: the target_graph of a project's target (NULL: "hugegraph") */
void hgauth_system_graph(const char *name);
/* .../auth/projects[/{id}][?action=]: GET lists or reads, POST creates, PUT updates, DELETE removes */
int hgauth_projects(const char *method, const char *id, const char *action, const char *body, size_t len,
                    const char *limit, bool admin, sb_t *out, herr *e);
/* persona 1.7 /graphspaces/{space}/auth/managers[/check|/role]: sub NULL, "check" or "role"; pd: hgserver
 * has graphspaces (answers as with PD); space_ok: the graphspace exists; type, user: the query's (type
 * a HugePermission name or NULL); caller: the requesting user */
int hgauth_managers(const char *method, const char *sub, const char *space, bool pd, bool space_ok, const char *type,
                    const char *user, const char *caller, const char *body, size_t len, sb_t *out, herr *e);

#endif
