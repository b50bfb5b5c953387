/* ctl_kiosk: escalectl's kiosk and session commands. */
#include "ctl.h"
#include "log.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The id of the kiosk named by ARG: a number is an id, anything else a name. */
static int ctl_kiosk_id(struct ctl *c, const char *arg, int64_t *id)
{
	return ctl_find_id(c, arg, "/api/v1/kiosks", "kiosks", "KIOSK", "kiosk", id);
}

/* NAME [--site SITE] into {"name", "site"?}; NULL after a usage error. */
static json_t *name_site(struct ctl *c, int argc, char **argv, const char **name)
{
	static const struct option opts[] = {{"site", required_argument, NULL, 's'},
					     {NULL, 0, NULL, 0}};
	const char *site = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 's') {
			ctl_usage(c, NULL);
			return NULL;
		}
		site = optarg;
	}
	if (!ctl_nargs(c, argc, argv, 1, 1))
		return NULL;
	*name = argv[optind];
	if (!ctl_text_ok(c, "NAME", *name, false) ||
	    (site && !ctl_text_ok(c, "--site", site, true)))
		return NULL;
	json_t *body = json_pack("{s:s}", "name", *name);
	if (!body || (site && json_object_set_new(body, "site", json_string(site)) != 0))
		fatalx("out of memory");
	return body;
}

int ctl_kiosk_add(struct ctl *c, int argc, char **argv)
{
	const char *name;
	json_t *body = name_site(c, argc, argv, &name), *ans = NULL;
	int rc;

	if (!body)
		return CTL_USAGE;
	if ((rc = ctl_post(c, "/api/v1/kiosks", body, &ans)) != CTL_OK)
		goto out;
	rc = CTL_ERR;
	const char *token = ctl_jstr(ans, "token"), *got_site = ctl_jstr(ans, "site");
	if (!token || !*token) {
		ctl_fail("unexpected answer from escale-admind: no token");
		goto out;
	}
	fputs("kiosk ", stdout);
	ctl_out_text(ctl_jstr(ans, "name") ? ctl_jstr(ans, "name") : name);
	fputs(" (id ", stdout);
	ctl_out_value(json_object_get(ans, "id"));
	if (got_site && *got_site) {
		fputs(", site ", stdout);
		ctl_out_text(got_site);
	}
	fputs(") created; its token, shown only this once:\n", stdout);
	ctl_out_text(token);
	ctl_out_end();
	rc = CTL_OK;
out:
	json_decref(ans);
	return rc;
}

int ctl_kiosk_enroll(struct ctl *c, int argc, char **argv)
{
	const char *name;
	json_t *body = name_site(c, argc, argv, &name), *ans = NULL;
	int rc;

	if (!body)
		return CTL_USAGE;
	if ((rc = ctl_post(c, "/api/v1/kiosks/enroll", body, &ans)) != CTL_OK)
		goto out;
	rc = CTL_ERR;
	const char *code = ctl_jstr(ans, "code"), *pin = ctl_jstr(ans, "pin");
	if (!code || !*code) {
		ctl_fail("unexpected answer from escale-admind: no code");
		goto out;
	}
	/* The code with dashes for the command line (escale-kiosk ignores them). */
	char dashed[64];
	snprintf(dashed, sizeof(dashed), "%s", code);
	for (char *p = dashed; *p; p++)
		if (*p == ' ')
			*p = '-';
	fputs("enrollment code for kiosk ", stdout);
	ctl_out_text(name);
	fputs(", valid once until ", stdout);
	ctl_out_time(json_object_get(ans, "expires_at"));
	fputs(":\n", stdout);
	ctl_out_text(dashed);
	fputs("\non that PC, as root: escale-kiosk --enroll ", stdout);
	ctl_out_text(c->url);
	fputc(' ', stdout);
	ctl_out_text(dashed);
	if (pin && *pin) {
		fputs("\nit shows the server's key: check that it is\n", stdout);
		ctl_out_text(pin);
	}
	ctl_out_end();
	rc = CTL_OK;
out:
	json_decref(ans);
	return rc;
}

int ctl_kiosk_list(struct ctl *c, int argc, char **argv)
{
	json_t *ans = NULL, *list, *k;
	int rc = CTL_ERR;
	size_t i;

	if (!ctl_args(c, argc, argv, 0, 0))
		return CTL_USAGE;
	if ((rc = ctl_get_list(c, "/api/v1/kiosks", "kiosks", &ans, &list)) != CTL_OK)
		goto out;
	json_array_foreach (list, i, k) {
		ctl_out_value(json_object_get(k, "id"));
		ctl_out_tab();
		ctl_out_value(json_object_get(k, "name"));
		ctl_out_tab();
		ctl_out_value(json_object_get(k, "site"));
		ctl_out_tab();
		ctl_out_value(json_object_get(k, "state"));
		ctl_out_tab();
		if (json_is_true(json_object_get(k, "revoked")))
			fputs("revoked", stdout);
		else
			fputs(json_is_true(json_object_get(k, "online")) ? "online" : "offline",
			      stdout);
		ctl_out_tab();
		ctl_out_time(json_object_get(k, "last_seen"));
		ctl_out_tab();
		ctl_out_value(json_object_get(k, "session"));
		/* The version of its site's settings it applies, and the site's own: behind
		 * while they differ. */
		ctl_out_tab();
		ctl_out_value(json_object_get(k, "settings_version"));
		ctl_out_tab();
		ctl_out_value(json_object_get(k, "site_settings_version"));
		ctl_out_end();
	}
	rc = CTL_OK;
out:
	json_decref(ans);
	return rc;
}

int ctl_kiosk_revoke(struct ctl *c, int argc, char **argv)
{
	int64_t id;
	int rc;

	if (!ctl_args(c, argc, argv, 1, 1))
		return CTL_USAGE;
	if ((rc = ctl_kiosk_id(c, argv[optind], &id)) != CTL_OK)
		return rc;
	char *path = xasprintf("/api/v1/kiosks/%lld/revoke", (long long)id);
	rc = ctl_post(c, path, NULL, NULL);
	free(path);
	if (rc == CTL_OK)
		printf("kiosk %lld revoked\n", (long long)id);
	return rc;
}

int ctl_kiosk_command(struct ctl *c, const char *kiosk, const char *type, const char *text)
{
	json_t *body, *ans = NULL;
	char *path = NULL;
	int64_t id;
	int rc;

	if (text && !ctl_text_ok(c, "TEXT", text, false))
		return CTL_USAGE;
	if ((rc = ctl_kiosk_id(c, kiosk, &id)) != CTL_OK)
		return rc;
	body = json_pack("{s:s}", "type", type);
	if (!body || (text && json_object_set_new(body, "text", json_string(text)) != 0))
		fatalx("out of memory");
	path = xasprintf("/api/v1/kiosks/%lld/commands", (long long)id);
	if ((rc = ctl_post(c, path, body, &ans)) == CTL_OK) {
		printf("%s sent to kiosk %lld (command ", type, (long long)id);
		ctl_out_value(json_object_get(ans, "id"));
		puts(")");
	}
	json_decref(ans);
	free(path);
	return rc;
}

int ctl_kiosk_message(struct ctl *c, int argc, char **argv)
{
	if (!ctl_args(c, argc, argv, 2, 2))
		return CTL_USAGE;
	return ctl_kiosk_command(c, argv[optind], "message", argv[optind + 1]);
}

int ctl_kiosk_lock(struct ctl *c, int argc, char **argv)
{
	if (!ctl_args(c, argc, argv, 1, 2))
		return CTL_USAGE;
	return ctl_kiosk_command(c, argv[optind], "lock",
				 optind + 1 < argc ? argv[optind + 1] : NULL);
}

int ctl_kiosk_unlock(struct ctl *c, int argc, char **argv)
{
	if (!ctl_args(c, argc, argv, 1, 1))
		return CTL_USAGE;
	return ctl_kiosk_command(c, argv[optind], "unlock", NULL);
}

int ctl_kiosk_unpause(struct ctl *c, int argc, char **argv)
{
	if (!ctl_args(c, argc, argv, 1, 1))
		return CTL_USAGE;
	return ctl_kiosk_command(c, argv[optind], "unpause", NULL);
}

int ctl_session_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"active", no_argument, NULL, 'a'},
					     {NULL, 0, NULL, 0}};
	json_t *ans = NULL, *list, *s;
	bool active = false;
	int ch, rc = CTL_ERR;
	size_t i;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'a')
			return ctl_usage(c, NULL);
		active = true;
	}
	if (!ctl_nargs(c, argc, argv, 0, 0))
		return CTL_USAGE;
	rc = ctl_get_list(c, active ? "/api/v1/sessions?active=1" : "/api/v1/sessions", "sessions",
			  &ans, &list);
	if (rc != CTL_OK)
		goto out;
	json_array_foreach (list, i, s) {
		int64_t used;
		ctl_out_value(json_object_get(s, "id"));
		ctl_out_tab();
		ctl_out_value(json_object_get(s, "kiosk"));
		ctl_out_tab();
		ctl_out_value(json_object_get(s, "site"));
		ctl_out_tab();
		ctl_out_value(json_object_get(s, "code_id"));
		ctl_out_tab();
		ctl_out_time(json_object_get(s, "started_at"));
		ctl_out_tab();
		ctl_out_time(json_object_get(s, "ended_at"));
		ctl_out_tab();
		if (ctl_jint(s, "seconds_used", &used) && used >= 0)
			printf("%lld:%02lld", (long long)(used / 60), (long long)(used % 60));
		else
			fputc('-', stdout);
		ctl_out_tab();
		ctl_out_value(json_object_get(s, "pages_used"));
		ctl_out_tab();
		if (json_is_true(json_object_get(s, "active")))
			fputs("active", stdout);
		else
			ctl_out_value(json_object_get(s, "end_reason"));
		ctl_out_end();
	}
	rc = CTL_OK;
out:
	json_decref(ans);
	return rc;
}

/* Session ids go into a URL path: only the characters ids are made of. */
static bool ctl_session_id_ok(const struct ctl *c, const char *id)
{
	size_t n = strlen(id);
	bool ok = n >= 1 && n <= 64 &&
		  strspn(id, "0123456789abcdefABCDEF"
			     "ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ_-") == n;
	if (!ok)
		ctl_usage(c, "'%s' is not a session id (see 'escalectl session list')", id);
	return ok;
}

int ctl_session_end(struct ctl *c, int argc, char **argv)
{
	if (!ctl_args(c, argc, argv, 1, 1) || !ctl_session_id_ok(c, argv[optind]))
		return CTL_USAGE;
	const char *id = argv[optind];
	char *path = xasprintf("/api/v1/sessions/%s/end", id);
	int rc = ctl_post(c, path, NULL, NULL);
	free(path);
	if (rc == CTL_OK)
		printf("session %s ended\n", id);
	return rc;
}

int ctl_session_add_time(struct ctl *c, int argc, char **argv)
{
	int64_t minutes;

	if (!ctl_args(c, argc, argv, 2, 2) || !ctl_session_id_ok(c, argv[optind]) ||
	    !ctl_num(c, "MINUTES", argv[optind + 1], 1, 480, &minutes))
		return CTL_USAGE;
	const char *id = argv[optind];
	char *path = xasprintf("/api/v1/sessions/%s/add_time", id);
	json_t *body = json_pack("{s:I}", "minutes", (json_int_t)minutes);
	if (!body)
		fatalx("out of memory");
	int rc = ctl_post(c, path, body, NULL);
	free(path);
	if (rc == CTL_OK)
		printf("session %s: %lld minutes added\n", id, (long long)minutes);
	return rc;
}
