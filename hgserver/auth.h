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

#endif
