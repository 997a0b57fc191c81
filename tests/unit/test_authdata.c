/* test_authdata.c - the auth data's backup files and their restore
 * (backup/authdata.h) without a mount, against the reference server started
 * here: what the files hold, how a set of them is replayed (ids mapped by
 * name, dependency order, waiting, conflicts, refusals, passwords, projects
 * with their own groups, managers), and what the server holds afterwards. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "authdata.h"
#include "child_server.h"
#include "hgauth.h"

static server srv;
static hg_client *cl;
static bool v17; /* persona 1.7: other label ids, resources grouped by type */
static char pwfile[64];

static void start(const char *persona)
{
	const char *args[] = {"--persona", persona, "--graph", "g", "--auth", "admin:pw", NULL};
	FILE *f;

	server_start(&srv, args);
	cl = client_open_as(&srv, "admin", "pw");
	snprintf(pwfile, sizeof(pwfile), "/tmp/test_authdata.%d", (int)getpid());
	f = fopen(pwfile, "w");
	ck_assert_ptr_nonnull(f);
	fputs("Welcome-1\n", f);
	fclose(f);
}

static void setup13(void)
{
	v17 = false;
	start("1.3");
}

static void setup17(void)
{
	v17 = true;
	start("1.7");
}

static void teardown(void)
{
	hg_client_free(cl);
	server_stop(&srv);
	unlink(pwfile);
}

/* The server's list of kind k, as a file would hold it */
static char *server_file(hg_auth_kind k)
{
	char *body = NULL, *out = NULL;
	size_t len, outlen;
	hg_error err;

	ck_assert_int_eq(hg_auth_list(cl, "g", k, &body, &len, &err), 0);
	ck_assert_int_eq(hgfs_auth_render(k, body, &out, &outlen), 0);
	free(body);
	return out;
}

/* One replay of files (name, text pairs, NULL-ended); the status into *st */
static int replay(hgfs_auth_memory *mem, bool managers, int kind, char **st, const char *const *files)
{
	hgfs_auth_restore_cfg cfg = {.client = cl, .graph = "g", .password_file = pwfile, .managers = managers,
				     .memory = mem};
	hgfs_auth_set *set = hgfs_auth_set_new();
	size_t len;
	int rc;

	ck_assert_ptr_nonnull(set);
	for (; files[0] != NULL; files += 2)
		hgfs_auth_set_add(set, files[0], files[1], strlen(files[1]));
	rc = hgfs_auth_set_replay(set, &cfg, kind, st, &len);
	ck_assert_ptr_nonnull(*st);
	ck_assert_uint_eq(strlen(*st), len);
	hgfs_auth_set_free(set);
	return rc;
}

static bool has_line(const char *st, const char *line)
{
	size_t l = strlen(line);

	for (const char *p = st; (p = strstr(p, line)) != NULL; p++)
		if ((p == st || p[-1] == '\n') && p[l] == '\n')
			return true;
	return false;
}

#define ck_line(st, line) ck_assert_msg(has_line(st, line), "no line \"%s\" in:\n%s", line, st)

START_TEST(render_sorts_by_id)
{
	char *out = NULL;
	size_t len;

	ck_assert_int_eq(hgfs_auth_render(HG_AUTH_GROUPS,
					  "{\"groups\": [{\"group_name\":\"b\",\"id\":\"-36:b\"}, "
					  "{\"id\":\"-36:a\",  \"group_name\":\"a\"}]}",
					  &out, &len),
			 0);
	ck_assert_str_eq(out, "{\"id\":\"-36:a\",\"group_name\":\"a\"}\n{\"group_name\":\"b\",\"id\":\"-36:b\"}\n");
	ck_assert_uint_eq(len, strlen(out));
	free(out);
	ck_assert_int_eq(hgfs_auth_render(HG_AUTH_GROUPS, "{\"users\": []}", &out, &len), -EPROTO);
	ck_assert_int_eq(hgfs_auth_render(HG_AUTH_GROUPS, "{\"groups\": [1]}", &out, &len), -EPROTO);
	ck_assert_int_eq(hgfs_auth_kind_of_file("projects.jsonl"), HG_AUTH_PROJECTS);
	ck_assert_int_eq(hgfs_auth_kind_of_file("managers.jsonl"), HG_AUTH_MANAGERS);
	ck_assert_int_eq(hgfs_auth_kind_of_file("users.json"), -1);
}
END_TEST

/* A backup whose ids are not the server's: belongs and accesses are mapped
 * by name; the administrator is kept; a second replay changes nothing.  The
 * target's resources as the server lists them (1.3; 1.7: TARGET17). */
static const char *BACKUP[] = {
	"users.jsonl",
	"{\"user_name\":\"admin\",\"id\":\"u0\"}\n{\"user_name\":\"bob\",\"user_email\":\"bob@example.org\",\"id\":\"u1\"}\n",
	"groups.jsonl",
	"{\"group_name\":\"devs\",\"group_description\":\"developers\",\"id\":\"g1\"}\n",
	"targets.jsonl",
	"{\"target_name\":\"all\",\"target_graph\":\"g\",\"target_url\":\"127.0.0.1:8080\","
	"\"target_resources\":[{\"type\":\"ALL\",\"label\":\"*\",\"properties\":null}],\"id\":\"t1\"}\n",
	"belongs.jsonl",
	"{\"user\":\"u1\",\"group\":\"g1\",\"id\":\"b1\"}\n",
	"accesses.jsonl",
	"{\"group\":\"g1\",\"target\":\"t1\",\"access_permission\":\"READ\",\"id\":\"a1\"}\n",
	"notes.txt",
	"x",
	NULL,
};
static const char *const TARGET17 =
	"{\"target_name\":\"all\",\"target_graph\":\"g\",\"target_url\":\"127.0.0.1:8080\","
	"\"target_resources\":{\"ALL\":[{\"type\":\"ALL\",\"label\":\"*\",\"properties\":null}]},\"id\":\"t1\"}\n";

START_TEST(replay_maps_ids_by_name)
{
	hgfs_auth_memory *mem = hgfs_auth_memory_new();
	const char *target13 = BACKUP[5];
	char *st = NULL, *groups, *again;

	if (v17)
		BACKUP[5] = TARGET17;

	ck_assert_int_eq(replay(mem, false, HG_AUTH_BELONGS, &st, BACKUP), 0);
	ck_line(st, "users admin: kept (the administrator is never restored)");
	ck_line(st, "users bob: created");
	ck_line(st, "groups devs: created");
	ck_line(st, "targets all: created");
	ck_line(st, "belongs bob>devs: created");
	ck_line(st, "accesses devs>all>READ: created");
	ck_line(st, "notes.txt: ignored: not an auth file (users.jsonl, projects.jsonl, groups.jsonl, targets.jsonl, "
		    "belongs.jsonl, accesses.jsonl, managers.jsonl)");
	ck_assert_ptr_nonnull(strstr(st, "total: 5 created, 0 exist, 1 kept, 0 conflicts, 0 waiting, 0 failed\n"));
	free(st);
	groups = server_file(HG_AUTH_BELONGS);
	ck_assert_ptr_nonnull(strstr(groups, v17 ? "\"user\":\"-31:bob\",\"group\":\"-37:devs\""
					      : "\"user\":\"-30:bob\",\"group\":\"-36:devs\""));

	/* the same memory: what this mount made is "created" again */
	ck_assert_int_eq(replay(mem, false, HG_AUTH_USERS, &st, BACKUP), 0);
	ck_line(st, "belongs bob>devs: created");
	free(st);
	/* another mount: it all exists, and nothing changed */
	hgfs_auth_memory_free(mem);
	ck_assert_int_eq(replay(NULL, false, HG_AUTH_USERS, &st, BACKUP), 0);
	ck_line(st, "users bob: exists");
	ck_line(st, "accesses devs>all>READ: exists");
	ck_assert_ptr_nonnull(strstr(st, "total: 0 created, 5 exist, 1 kept, 0 conflicts, 0 waiting, 0 failed\n"));
	free(st);
	again = server_file(HG_AUTH_BELONGS);
	ck_assert_str_eq(groups, again);
	free(groups);
	free(again);
	BACKUP[5] = target13;
}
END_TEST

START_TEST(replay_conflicts_waits_and_refuses)
{
	const char *belongs_only[] = {BACKUP[6], BACKUP[7], NULL};
	const char *bad[] = {"groups.jsonl", "{\"group_name\":\"x\"}\nnot json\n", NULL};
	const char *managers[] = {"managers.jsonl", "{\"type\":\"SPACE\",\"user\":\"bob\"}\n", NULL};
	const char *conflict = "{\"group_name\":\"devs\",\"group_description\":\"night shift\"}";
	char *st = NULL, *out = NULL;
	hg_error err;

	/* a belong without the users and groups it names waits */
	ck_assert_int_eq(replay(NULL, false, HG_AUTH_BELONGS, &st, belongs_only), 0);
	ck_line(st, "belongs b1: waiting for users.jsonl");
	ck_assert_ptr_nonnull(strstr(st, "0 conflicts, 1 waiting, 0 failed\n"));
	free(st);

	/* a group of that name with another description: reported, not changed */
	ck_assert_int_eq(hg_auth_create(cl, "g", HG_AUTH_GROUPS, conflict, strlen(conflict), &out, &err), 0);
	free(out);
	ck_assert_int_eq(replay(NULL, false, HG_AUTH_GROUPS, &st, BACKUP), 0);
	ck_line(st, "groups devs: CONFLICT: the server has one with another group_description; not changed");
	free(st);
	out = server_file(HG_AUTH_GROUPS);
	ck_assert_ptr_nonnull(strstr(out, "night shift"));
	free(out);

	/* a line that is not JSON: the file is refused whole, nothing of it made */
	ck_assert_int_eq(replay(NULL, false, HG_AUTH_GROUPS, &st, bad), -EINVAL);
	ck_line(st, "groups.jsonl: REFUSED: line 2 is not a JSON object; nothing of it restored");
	free(st);
	out = server_file(HG_AUTH_GROUPS);
	ck_assert_ptr_null(strstr(out, "\"group_name\":\"x\""));
	free(out);

	/* managers into a server that has none (before 1.7) */
	ck_assert_int_eq(replay(NULL, false, HG_AUTH_MANAGERS, &st, managers), -EINVAL);
	ck_line(st, "managers.jsonl: REFUSED: this server has no managers");
	free(st);
}
END_TEST

START_TEST(replay_without_password_fails_users)
{
	hgfs_auth_restore_cfg cfg = {.client = cl, .graph = "g"};
	hgfs_auth_set *set = hgfs_auth_set_new();
	char *st = NULL;
	size_t len;

	hgfs_auth_set_add(set, BACKUP[0], BACKUP[1], strlen(BACKUP[1]));
	ck_assert_int_eq(hgfs_auth_set_replay(set, &cfg, HG_AUTH_USERS, &st, &len), -EIO);
	ck_line(st, "users bob: FAILED: no password for restored users: mount with -o auth_password_file=PATH");
	hgfs_auth_set_free(set);
	free(st);
	st = server_file(HG_AUTH_USERS);
	ck_assert_ptr_null(strstr(st, "bob"));
	free(st);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("authdata");
	TCase *t = tcase_create("render");
	TCase *r13 = tcase_create("replay 1.3");
	TCase *r17 = tcase_create("replay 1.7");

	tcase_add_test(t, render_sorts_by_id);
	suite_add_tcase(s, t);
	tcase_add_checked_fixture(r13, setup13, teardown);
	tcase_set_timeout(r13, 60);
	tcase_add_test(r13, replay_maps_ids_by_name);
	tcase_add_test(r13, replay_conflicts_waits_and_refuses);
	tcase_add_test(r13, replay_without_password_fails_users);
	suite_add_tcase(s, r13);
	tcase_add_checked_fixture(r17, setup17, teardown);
	tcase_set_timeout(r17, 60);
	tcase_add_test(r17, replay_maps_ids_by_name);
	suite_add_tcase(s, r17);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
