/* ctl_user: escalectl's staff user commands (user add/list, whoami). */
#include "ctl.h"
#include "store.h"
#include "util.h"

#include <getopt.h>
#include <sys/stat.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The database file of --db, for work without a server; NULL (said) on failure. */
static struct store *local_store(const struct ctl *c)
{
	struct store *st;
	if (sodium_init() < 0) {
		ctl_fail("cannot initialise libsodium");
		return NULL;
	}
	/* The database holds token and code hashes: only its owner reads it. */
	umask(077);
	if (!(st = store_open(c->db)))
		ctl_fail("cannot open the database %s", c->db);
	return st;
}

/* Bootstrap: the first admin is made in the database file, without a server. */
static int ctl_user_add_local(const struct ctl *c, const char *name, enum role role)
{
	char token[TOKEN_STR_LEN + 1] = "";
	struct store *st = NULL;
	int64_t id = 0;
	int rc = CTL_ERR;

	if (!(st = local_store(c)))
		goto out;
	switch (store_user_create(st, name, role, token, &id)) {
	case STORE_OK:
		printf("user %s (%s) created\n%s\n", name, role_name(role), token);
		rc = CTL_OK;
		break;
	case STORE_CONFLICT:
		ctl_fail("user %s already exists", name);
		break;
	case STORE_NOT_FOUND:
	case STORE_ERROR:
	default:
		ctl_fail("cannot create user %s in %s", name, c->db);
		break;
	}
out:
	sodium_memzero(token, sizeof(token));
	if (st)
		store_close(st);
	return rc;
}

static int ctl_user_add_remote(struct ctl *c, const char *name, enum role role, json_t *sites)
{
	json_t *body = json_pack("{s:s, s:s, s:o}", "name", name, "role", role_name(role), "sites",
				 sites ? sites : json_null());
	json_t *ans = NULL;
	int rc = CTL_ERR;

	if (!body)
		return ctl_usage(c, "NAME must be UTF-8 text");
	if ((rc = ctl_post(c, "/api/v1/users", body, &ans)) != CTL_OK)
		goto out;
	rc = CTL_ERR;
	const char *token = ctl_jstr(ans, "token");
	if (!token || !*token) {
		ctl_fail("unexpected answer from escale-admind: no token");
		goto out;
	}
	const char *got_name = ctl_jstr(ans, "name"), *got_role = ctl_jstr(ans, "role");
	fputs("user ", stdout);
	ctl_out_text(got_name ? got_name : name);
	fputs(" (", stdout);
	ctl_out_text(got_role ? got_role : role_name(role));
	fputs(") created\n", stdout);
	ctl_out_text(token);
	ctl_out_end();
	rc = CTL_OK;
out:
	json_decref(ans);
	return rc;
}

int ctl_user_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"role", required_argument, NULL, 'r'},
					     {"site", required_argument, NULL, 's'},
					     {NULL, 0, NULL, 0}};
	const char *role_s = NULL;
	enum role role;
	int ch;
	/* --site, repeated: the sites the account is limited to (none: every site). */
	json_t *sites = NULL;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'r') {
			role_s = optarg;
			continue;
		}
		if (ch != 's' || !ctl_text_ok(c, "--site", optarg, false)) {
			json_decref(sites);
			return ch == 's' ? CTL_USAGE : ctl_usage(c, NULL);
		}
		if (!sites)
			sites = json_array();
		json_array_append_new(sites, json_string(optarg));
	}
	int rc = CTL_USAGE;
	const char *name = NULL;
	if (!ctl_nargs(c, argc, argv, 1, 1) ||
	    !ctl_text_ok(c, "NAME", (name = argv[optind]), false))
		;
	else if (!role_s)
		ctl_usage(c, "--role is required");
	else if (!role_parse(role_s, &role) || role == ROLE_NONE)
		ctl_usage(c, "unknown role '%s' (admin, secretariat or maintenance)", role_s);
	else if (sites && c->db)
		ctl_usage(c, "--site needs escale-admind: add the account without --db");
	else if (c->db)
		rc = ctl_user_add_local(c, name, role);
	else
		return ctl_user_add_remote(c, name, role, sites); /* takes SITES */
	json_decref(sites);
	return rc;
}

int ctl_user_disable(struct ctl *c, int argc, char **argv)
{
	int64_t id;
	int rc;

	if (!ctl_args(c, argc, argv, 1, 1))
		return CTL_USAGE;
	if ((rc = ctl_find_id(c, argv[optind], "/api/v1/users", "users", "USER", "user", &id)) !=
	    CTL_OK)
		return rc;
	char *path = xasprintf("/api/v1/users/%lld/disable", (long long)id);
	rc = ctl_post(c, path, NULL, NULL);
	free(path);
	if (rc == CTL_OK)
		printf("user %lld disabled; its tokens no longer work\n", (long long)id);
	return rc;
}

int ctl_user_token(struct ctl *c, int argc, char **argv)
{
	json_t *ans = NULL;
	int64_t id;
	int rc;

	if (!ctl_args(c, argc, argv, 1, 1))
		return CTL_USAGE;
	if ((rc = ctl_find_id(c, argv[optind], "/api/v1/users", "users", "USER", "user", &id)) !=
	    CTL_OK)
		return rc;
	char *path = xasprintf("/api/v1/users/%lld/token", (long long)id);
	rc = ctl_post(c, path, NULL, &ans);
	free(path);
	if (rc != CTL_OK)
		goto out;
	const char *token = ctl_jstr(ans, "token");
	if (!token || !*token) {
		rc = ctl_fail("unexpected answer from escale-admind: no token");
		goto out;
	}
	printf("user %lld: new token; the older ones no longer work\n", (long long)id);
	ctl_out_text(token);
	ctl_out_end();
out:
	json_decref(ans);
	return rc;
}

/* The first line of stdin, without its newline: 10 to 256 bytes. */
static bool read_password(struct ctl *c, char *pw, size_t n)
{
	if (isatty(STDIN_FILENO))
		fputs("New password (10 characters or more), then Enter: ", stderr);
	if (!fgets(pw, (int)n, stdin)) {
		ctl_fail("no password on stdin");
		return false;
	}
	size_t len = strcspn(pw, "\r\n");
	bool whole = pw[len] != '\0' || feof(stdin);
	pw[len] = '\0';
	if (!whole || len < 10 || len > 256) {
		ctl_usage(c, "the password must be 10 to 256 bytes on one line");
		return false;
	}
	return true;
}

static int ctl_user_passwd_local(const struct ctl *c, const char *user, const char *pw)
{
	static const struct store_actor bootstrap = {.name = "escalectl --db"};
	struct store *st = NULL;
	int rc = CTL_ERR;
	if (!(st = local_store(c)))
		goto out;
	int64_t id = store_user_id(st, user);
	if (!id && !parse_i64(user, 1, INT64_MAX, &id))
		id = 0;
	switch (id ? store_user_set_password(st, &bootstrap, id, pw, 0) : STORE_NOT_FOUND) {
	case STORE_OK:
		printf("user %s: password set; its web sessions have ended\n", user);
		rc = CTL_OK;
		break;
	case STORE_NOT_FOUND:
		ctl_fail("no active user %s in %s", user, c->db);
		break;
	default:
		ctl_fail("cannot set the password of %s in %s", user, c->db);
		break;
	}
out:
	if (st)
		store_close(st);
	return rc;
}

int ctl_user_passwd(struct ctl *c, int argc, char **argv)
{
	char pw[260];
	int rc;

	if (!ctl_args(c, argc, argv, 1, 1))
		return CTL_USAGE;
	const char *user = argv[optind];
	if (!read_password(c, pw, sizeof(pw))) {
		rc = CTL_USAGE;
		goto out;
	}
	if (c->db) {
		rc = ctl_user_passwd_local(c, user, pw);
		goto out;
	}
	int64_t id;
	if ((rc = ctl_find_id(c, user, "/api/v1/users", "users", "USER", "user", &id)) != CTL_OK)
		goto out;
	char *path = xasprintf("/api/v1/users/%lld/password", (long long)id);
	rc = ctl_post(c, path, json_pack("{ss}", "password", pw), NULL);
	free(path);
	if (rc == CTL_OK)
		printf("user %lld: password set; its web sessions have ended\n", (long long)id);
out:
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

/* An account's sites joined by ",", or "all" when it is not limited (null). */
static void ctl_user_out_sites(const json_t *sites)
{
	size_t i;
	json_t *s;
	if (!json_is_array(sites) || !json_array_size(sites)) {
		fputs("all", stdout);
		return;
	}
	json_array_foreach (sites, i, s) {
		if (i)
			fputc(',', stdout);
		ctl_out_text(json_string_value(s));
	}
}

int ctl_user_list(struct ctl *c, int argc, char **argv)
{
	json_t *ans = NULL, *users, *u;
	size_t i;
	int rc = CTL_ERR;

	if (!ctl_args(c, argc, argv, 0, 0))
		return CTL_USAGE;
	if ((rc = ctl_get_list(c, "/api/v1/users", "users", &ans, &users)) != CTL_OK)
		goto out;
	json_array_foreach (users, i, u) {
		ctl_out_value(json_object_get(u, "id"));
		ctl_out_tab();
		ctl_out_value(json_object_get(u, "name"));
		ctl_out_tab();
		ctl_out_value(json_object_get(u, "role"));
		ctl_out_tab();
		ctl_out_time(json_object_get(u, "created_at"));
		ctl_out_tab();
		fputs(json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active", stdout);
		ctl_out_tab();
		ctl_user_out_sites(json_object_get(u, "sites"));
		ctl_out_end();
	}
	rc = CTL_OK;
out:
	json_decref(ans);
	return rc;
}

int ctl_whoami(struct ctl *c, int argc, char **argv)
{
	json_t *ans = NULL;
	int rc = CTL_ERR;

	if (!ctl_args(c, argc, argv, 0, 0))
		return CTL_USAGE;
	if ((rc = ctl_get(c, "/api/v1/whoami", &ans)) != CTL_OK)
		goto out;
	ctl_out_value(json_object_get(ans, "name"));
	ctl_out_tab();
	ctl_out_value(json_object_get(ans, "role"));
	ctl_out_end();
	rc = CTL_OK;
out:
	json_decref(ans);
	return rc;
}
