/* child_server.h - the reference server (hgserver) as a child process of a
 * unit test, on a free loopback port, and a client of it. */
#ifndef CHILD_SERVER_H
#define CHILD_SERVER_H

#include <sys/types.h>

#include "hgclient.h"

typedef struct server {
	pid_t pid;
	char url[128];
} server;

/* Starts hgserver (HGSERVER_PATH) with args (NULL-terminated); its first
 * stdout line says where it listens.  Fails the test when it does not. */
void server_start(server *s, const char *const *args);
void server_stop(server *s);
/* A client of s; user NULL: none. */
hg_client *client_open_as(const server *s, const char *user, const char *password);
hg_client *client_open(const server *s);

#endif
