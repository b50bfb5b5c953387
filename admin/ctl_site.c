/* ctl_site: escalectl's site commands: the sites and their central settings. */
#include "ctl.h"
#include "sitecfg.h"
#include "util.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ctl_site_list(struct ctl *c, int argc, char **argv)
{
	json_t *ans = NULL, *list, *s;
	size_t i;
	if (!ctl_args(c, argc, argv, 0, 0))
		return CTL_USAGE;
	int rc = ctl_get_list(c, "/api/v1/sites", "sites", &ans, &list);
	/* name, kiosks, settings version */
	if (rc == CTL_OK)
		json_array_foreach (list, i, s) {
			ctl_out_value(json_object_get(s, "name"));
			ctl_out_tab();
			ctl_out_value(json_object_get(s, "kiosks"));
			ctl_out_tab();
			ctl_out_value(json_object_get(s, "settings_version"));
			ctl_out_end();
		}
	json_decref(ans);
	return rc;
}

/* /api/v1/sites/SITE/settings, SITE percent-encoded; NULL after a usage message. */
static char *ctl_site_path(struct ctl *c, const char *site)
{
	if (!ctl_text_ok(c, "SITE", site, false))
		return NULL;
	char *enc = curl_easy_escape(NULL, site, 0);
	if (!enc)
		return NULL;
	char *path = xasprintf("/api/v1/sites/%s/settings", enc);
	curl_free(enc);
	return path;
}

/* The settings of ANSWER printed as indented JSON. */
static int ctl_site_print(json_t *ans)
{
	json_t *s = json_object_get(ans, "settings");
	if (!json_is_object(s))
		return ctl_fail("unexpected answer from the server (no settings)");
	char *text = json_dumps(s, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text)
		return ctl_fail("out of memory");
	printf("%s\n", text);
	free(text);
	json_int_t v = json_integer_value(json_object_get(ans, "version"));
	fprintf(stderr, "version %lld\n", (long long)v);
	return CTL_OK;
}

int ctl_site_settings(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"file", required_argument, NULL, 'f'},
					     {NULL, 0, NULL, 0}};
	const char *file = NULL;
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'f')
			return ctl_usage(c, NULL);
		file = optarg;
	}
	char *path;
	if (!ctl_nargs(c, argc, argv, 1, 1) || !(path = ctl_site_path(c, argv[optind])))
		return CTL_USAGE;
	json_t *ans = NULL;
	int rc;
	if (file) {
		json_error_t e;
		json_t *body = json_load_file(file, JSON_REJECT_DUPLICATES, &e);
		if (!json_is_object(body)) {
			json_decref(body);
			free(path);
			return ctl_fail("%s:%d: not a JSON object of settings (%s): see "
					"docs/API.md, \"Sites\"",
					file, e.line, body ? "another JSON value" : e.text);
		}
		rc = ctl_put(c, path, body, &ans);
	} else {
		rc = ctl_get(c, path, &ans);
	}
	free(path);
	if (rc == CTL_OK)
		rc = ctl_site_print(ans);
	json_decref(ans);
	return rc;
}

/* KEY checked against the known keys; false after a usage message. */
static bool ctl_site_key(struct ctl *c, const char *key)
{
	if (sitecfg_key_find(key) >= 0)
		return true;
	ctl_usage(c,
		  "unknown setting '%s': the keys are hours, desk.centre, desk.presets, "
		  "desk.rules, session.warn_minutes, session.closing_warn_minutes, "
		  "session.idle_seconds, session.idle_grace_seconds, language, centre_name, "
		  "services, accompanied_services, languages",
		  key);
	return false;
}

/* Reads SITE's settings, lets CHANGE edit them, and writes them back. */
static int ctl_site_edit(struct ctl *c, const char *site, const char *key, json_t *value)
{
	char *path = ctl_site_path(c, site);
	if (!path) {
		json_decref(value);
		return CTL_USAGE;
	}
	json_t *ans = NULL, *put = NULL;
	int rc = ctl_get(c, path, &ans);
	json_t *s = rc == CTL_OK ? json_object_get(ans, "settings") : NULL;
	if (rc == CTL_OK && !json_is_object(s))
		rc = ctl_fail("unexpected answer from the server (no settings)");
	if (rc == CTL_OK) {
		json_incref(s);
		if (value)
			json_object_set_new(s, key, value);
		else
			json_object_del(s, key);
		value = NULL;
		rc = ctl_put(c, path, s, &put);
	}
	json_decref(value);
	if (rc == CTL_OK)
		rc = ctl_site_print(put);
	json_decref(ans);
	json_decref(put);
	free(path);
	return rc;
}

int ctl_site_set(struct ctl *c, int argc, char **argv)
{
	if (!ctl_args(c, argc, argv, 3, 3) || !ctl_site_key(c, argv[optind + 1]))
		return CTL_USAGE;
	/* VALUE is JSON (a number, a list, an object); anything else is a text. */
	const char *v = argv[optind + 2];
	json_error_t e;
	json_t *value = json_loads(v, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
	if (!value) {
		if (!ctl_text_ok(c, "VALUE", v, true))
			return CTL_USAGE;
		value = json_string(v);
	}
	return ctl_site_edit(c, argv[optind], argv[optind + 1], value);
}

int ctl_site_unset(struct ctl *c, int argc, char **argv)
{
	if (!ctl_args(c, argc, argv, 2, 2) || !ctl_site_key(c, argv[optind + 1]))
		return CTL_USAGE;
	return ctl_site_edit(c, argv[optind], argv[optind + 1], NULL);
}
