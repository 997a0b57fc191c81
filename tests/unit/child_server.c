/* child_server.c - hgserver as a unit test's child process (child_server.h). */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_server.h"

/* Starts hgserver with args on a free loopback port; its first stdout line
 * says where it listens. */
void server_start(server *s, const char *const *args)
{
	const char *argv[32] = {HGSERVER_PATH, "--listen", "127.0.0.1:0"};
	int p[2], n = 3;
	char line[256];
	FILE *f;

	for (; *args != NULL && n < 31; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	ck_assert_int_eq(pipe(p), 0);
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_int_eq(sscanf(line, "listening on %127s", s->url), 1);
}

void server_stop(server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

hg_client *client_open_as(const server *s, const char *user, const char *password)
{
	hg_options opt = {.url = s->url, .stall_ms = 5000, .max_tries = 2, .user = user, .password = password};
	hg_client *c = NULL;
	hg_error err;

	ck_assert_int_eq(hg_client_open(&c, &opt, &err), 0);
	return c;
}

hg_client *client_open(const server *s)
{
	return client_open_as(s, NULL, NULL);
}
