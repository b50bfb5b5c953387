/* ctl_code: escalectl's access code commands (new, list, revoke, extend). */
#include "ctl.h"
#include "log.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Above any sensible batch; admind enforces its own codes.max_count. */
#define CTL_MAX_COUNT 100000

static void ctl_set_int(json_t *o, const char *key, int64_t v)
{
	if (json_object_set_new(o, key, json_integer((json_int_t)v)) != 0)
		fatalx("out of memory");
}

/* "CODE" or "#ID" into the body of revoke and extend. */
static bool ctl_code_ref(const struct ctl *c, const char *arg, json_t *body)
{
	int64_t id;
	if (arg[0] == '#') {
		if (!ctl_num(c, "#ID", arg + 1, 1, INT64_MAX, &id))
			return false;
		ctl_set_int(body, "id", id);
		return true;
	}
	if (!ctl_text_ok(c, "CODE", arg, false))
		return false;
	if (json_object_set_new(body, "code", json_string(arg)) != 0)
		fatalx("out of memory");
	return true;
}

static void ctl_code_header(void)
{
	puts("id\thint\tstate\tminutes_left\tpages_left\tvalid_until");
}

static void ctl_code_line(const json_t *k)
{
	int64_t secs;
	ctl_out_value(json_object_get(k, "id"));
	ctl_out_tab();
	ctl_out_value(json_object_get(k, "hint"));
	ctl_out_tab();
	ctl_out_value(json_object_get(k, "state"));
	ctl_out_tab();
	/* Whole minutes left: a code with 30 s left shows 0, not 1. */
	if (ctl_jint(k, "seconds_left", &secs) && secs >= 0)
		printf("%lld", (long long)(secs / 60));
	else
		fputc('-', stdout);
	ctl_out_tab();
	ctl_out_value(json_object_get(k, "pages_left"));
	ctl_out_tab();
	ctl_out_time(json_object_get(k, "valid_until"));
	ctl_out_end();
}

/* --until: the documented "YYYY-MM-DDTHH:MM" (a space for the T is
 * forgiven), or Unix seconds; the server reads the local form in its own
 * time zone. */
static bool ctl_until(const struct ctl *c, const char *s, json_t *body)
{
	int64_t t;
	size_t n = strlen(s);
	if (n > 0 && strspn(s, "0123456789") == n) {
		if (!ctl_num(c, "--until", s, 1, INT64_C(253402300799), &t))
			return false;
		ctl_set_int(body, "valid_until", t);
		return true;
	}
	if (n != 16 || !datetime_parse_local(s, &t)) {
		ctl_usage(c, "--until: expected YYYY-MM-DDTHH:MM, not '%s'", s);
		return false;
	}
	char buf[17];
	memcpy(buf, s, sizeof(buf));
	buf[10] = 'T';
	if (json_object_set_new(body, "valid_until", json_string(buf)) != 0)
		fatalx("out of memory");
	return true;
}

int ctl_code_new(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"minutes", required_argument, NULL, 'm'}, {"pages", required_argument, NULL, 'p'},
		{"days", required_argument, NULL, 'd'},    {"until", required_argument, NULL, 'u'},
		{"count", required_argument, NULL, 'n'},   {"spare", no_argument, NULL, 's'},
		{"site", required_argument, NULL, 'S'},    {NULL, 0, NULL, 0},
	};
	json_t *body = json_object(), *ans = NULL, *list, *k;
	bool days = false, until = false, missing = false;
	int ch, rc = CTL_USAGE;
	int64_t v;
	size_t i;

	if (!body)
		fatalx("out of memory");
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			if (!ctl_num(c, "--minutes", optarg, 1, 1440, &v))
				goto out;
			ctl_set_int(body, "minutes", v);
			break;
		case 'p':
			if (!ctl_num(c, "--pages", optarg, 0, 1000, &v))
				goto out;
			ctl_set_int(body, "pages", v);
			break;
		case 'd':
			if (!ctl_num(c, "--days", optarg, 1, 366, &v))
				goto out;
			ctl_set_int(body, "days", v);
			days = true;
			break;
		case 'u':
			if (!ctl_until(c, optarg, body))
				goto out;
			until = true;
			break;
		case 'n':
			if (!ctl_num(c, "--count", optarg, 1, CTL_MAX_COUNT, &v))
				goto out;
			ctl_set_int(body, "count", v);
			break;
		case 's':
			if (json_object_set_new(body, "spare", json_true()) != 0)
				fatalx("out of memory");
			break;
		case 'S': /* a site's name, or "all" */
			if (!ctl_text_ok(c, "--site", optarg, false))
				goto out;
			json_object_set_new(body, "site", json_string(optarg));
			break;
		default:
			ctl_usage(c, NULL);
			goto out;
		}
	}
	if (!ctl_nargs(c, argc, argv, 0, 0))
		goto out;
	if (days && until) {
		ctl_usage(c, "give --days or --until, not both");
		goto out;
	}
	rc = ctl_post(c, "/api/v1/codes", body, &ans);
	body = NULL;
	if (rc != CTL_OK)
		goto out;
	if (!(list = ctl_list(ans, "codes"))) {
		rc = CTL_ERR;
		goto out;
	}
	/* Only the codes on stdout, one a line: what ticket scripts read. */
	json_array_foreach (list, i, k) {
		const char *code = ctl_jstr(k, "code");
		if (code && *code) {
			ctl_out_text(code);
			ctl_out_end();
		} else {
			missing = true;
		}
	}
	if (missing)
		rc = ctl_fail("unexpected answer from escale-admind: a code without its \"code\"");
out:
	json_decref(body);
	json_decref(ans);
	return rc;
}

int ctl_code_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
	json_t *ans = NULL, *list, *k;
	bool all = false;
	int ch, rc = CTL_ERR;
	size_t i;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'a')
			return ctl_usage(c, NULL);
		all = true;
	}
	if (!ctl_nargs(c, argc, argv, 0, 0))
		return CTL_USAGE;
	rc = ctl_get_list(c, all ? "/api/v1/codes?state=all" : "/api/v1/codes?state=active",
			  "codes", &ans, &list);
	if (rc != CTL_OK)
		goto out;
	ctl_code_header();
	json_array_foreach (list, i, k)
		ctl_code_line(k);
	rc = CTL_OK;
out:
	json_decref(ans);
	return rc;
}

int ctl_code_revoke(struct ctl *c, int argc, char **argv)
{
	json_t *body = json_object(), *ans = NULL;
	int rc = CTL_USAGE;

	if (!body)
		fatalx("out of memory");
	if (!ctl_args(c, argc, argv, 1, 1) || !ctl_code_ref(c, argv[optind], body))
		goto out;
	rc = ctl_post(c, "/api/v1/codes/revoke", body, &ans);
	body = NULL;
	if (rc == CTL_OK) {
		fputs("code ", stdout);
		if (json_object_get(ans, "id"))
			ctl_out_value(json_object_get(ans, "id"));
		else
			ctl_out_text(argv[optind]);
		puts(" revoked");
	}
out:
	json_decref(body);
	json_decref(ans);
	return rc;
}

int ctl_code_extend(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"minutes", required_argument, NULL, 'm'},
		{"pages", required_argument, NULL, 'p'},
		{"days", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	json_t *body = json_object(), *ans = NULL;
	bool some = false;
	int ch, rc = CTL_USAGE;
	int64_t v;

	if (!body)
		fatalx("out of memory");
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *key = ch == 'm'   ? "minutes"
				  : ch == 'p' ? "pages"
				  : ch == 'd' ? "days"
					      : NULL;
		int64_t max = ch == 'm' ? 1440 : ch == 'p' ? 1000 : 366;
		char what[16];
		if (!key) {
			ctl_usage(c, NULL);
			goto out;
		}
		snprintf(what, sizeof(what), "--%s", key);
		if (!ctl_num(c, what, optarg, 0, max, &v))
			goto out;
		ctl_set_int(body, key, v);
		some = true;
	}
	if (!ctl_nargs(c, argc, argv, 1, 1) || !ctl_code_ref(c, argv[optind], body))
		goto out;
	if (!some) {
		ctl_usage(c, "nothing to extend: give --minutes, --pages or --days");
		goto out;
	}
	rc = ctl_post(c, "/api/v1/codes/extend", body, &ans);
	body = NULL;
	if (rc == CTL_OK && json_object_get(ans, "id")) {
		ctl_code_header();
		ctl_code_line(ans);
	} else if (rc == CTL_OK) {
		fputs("code ", stdout);
		ctl_out_text(argv[optind]);
		puts(" extended");
	}
out:
	json_decref(body);
	json_decref(ans);
	return rc;
}

int ctl_accompany_code(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"site", required_argument, NULL, 's'},
					     {NULL, 0, NULL, 0}};
	json_t *body = json_object(), *ans = NULL;
	int ch, rc = CTL_USAGE;

	if (!body)
		fatalx("out of memory");
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 's' || !ctl_text_ok(c, "--site", optarg, false)) {
			if (ch != 's')
				ctl_usage(c, NULL);
			goto out;
		}
		json_object_set_new(body, "site", json_string(optarg));
	}
	if (!ctl_nargs(c, argc, argv, 0, 0))
		goto out;
	rc = ctl_post(c, "/api/v1/accompany", body, &ans);
	body = NULL;
	if (rc != CTL_OK)
		goto out;
	const char *code = ctl_jstr(ans, "code");
	if (!code) {
		rc = ctl_fail("unexpected answer from escale-admind: no code");
		goto out;
	}
	/* The code on its own line (scripts), then what it is for. */
	printf("%s\n", code);
	fputs("one accompanied session, to type on a kiosk before ", stdout);
	ctl_out_value(json_object_get(ans, "valid_until"));
	putchar('\n');
out:
	json_decref(body);
	json_decref(ans);
	return rc;
}
