/* ctl_service: escalectl's service and refusals commands (the kiosks' services). */
#include "catalogue.h"
#include "ctl.h"
#include "log.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One service as a line: id, name, category, icon, intranet and/or accompanied ("-":
 * neither), url, domains. */
static void ctl_service_line(const json_t *s)
{
	static const char *const keys[] = {"id", "name", "category", "icon"};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		const char *v = ctl_jstr(s, keys[i]);
		ctl_out_text(v && *v ? v : NULL);
		ctl_out_tab();
	}
	bool in = json_is_true(json_object_get(s, "intranet")),
	     acc = json_is_true(json_object_get(s, "accompanied"));
	fputs(in && acc ? "intranet,accompanied"
	      : in      ? "intranet"
	      : acc     ? "accompanied"
			: "-",
	      stdout);
	ctl_out_tab();
	ctl_out_value(json_object_get(s, "url"));
	ctl_out_tab();
	json_t *d;
	size_t i;
	json_array_foreach (json_object_get(s, "domains"), i, d) {
		if (i)
			fputc(' ', stdout);
		ctl_fput_clean(stdout, json_string_value(d) ? json_string_value(d) : "?");
	}
	ctl_out_end();
}

int ctl_service_list(struct ctl *c, int argc, char **argv)
{
	json_t *ans = NULL, *list, *s;
	size_t i;
	if (!ctl_args(c, argc, argv, 0, 0))
		return CTL_USAGE;
	int rc = ctl_get_list(c, "/api/v1/services", "services", &ans, &list);
	if (rc == CTL_OK)
		json_array_foreach (list, i, s)
			ctl_service_line(s);
	json_decref(ans);
	return rc;
}

/* The options of add and edit into BODY; ADD allows --id and a bare --intranet. */
static bool ctl_service_opts(struct ctl *c, int argc, char **argv, bool add, json_t *body)
{
	/* --intranet: a flag when adding, yes or no when editing. */
	static const struct option add_opts[] = {
		{"id", required_argument, NULL, 'i'},
		{"url", required_argument, NULL, 'u'},
		{"domain", required_argument, NULL, 'd'},
		{"category", required_argument, NULL, 'c'},
		{"icon", required_argument, NULL, 'I'},
		{"intranet", no_argument, NULL, 'x'},
		{"accompanied", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	static const struct option edit_opts[] = {
		{"name", required_argument, NULL, 'n'},
		{"url", required_argument, NULL, 'u'},
		{"domain", required_argument, NULL, 'd'},
		{"category", required_argument, NULL, 'c'},
		{"icon", required_argument, NULL, 'I'},
		{"intranet", required_argument, NULL, 'x'},
		{"accompanied", required_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	json_t *domains = NULL;
	int ch;
	while ((ch = getopt_long(argc, argv, "", add ? add_opts : edit_opts, NULL)) != -1) {
		const char *key = NULL;
		switch (ch) {
		case 'i':
			key = "id";
			break;
		case 'n':
			key = "name";
			break;
		case 'u':
			key = "url";
			break;
		case 'c':
			key = "category";
			break;
		case 'I':
			key = "icon";
			break;
		case 'd':
			if (!ctl_text_ok(c, "--domain", optarg, false))
				return false;
			if (!domains) {
				domains = json_array();
				json_object_set_new(body, "domains", domains);
			}
			json_array_append_new(domains, json_string(optarg));
			continue;
		case 'x':
			if (!optarg || strcmp(optarg, "yes") == 0) {
				json_object_set_new(body, "intranet", json_true());
				continue;
			}
			if (strcmp(optarg, "no") == 0) {
				json_object_set_new(body, "intranet", json_false());
				continue;
			}
			ctl_usage(c, "--intranet takes yes or no");
			return false;
		case 'a':
			/* For accompanied sessions only: never offered to a resident alone. */
			if (!optarg || strcmp(optarg, "yes") == 0 || strcmp(optarg, "no") == 0) {
				json_object_set_new(
					body, "accompanied",
					json_boolean(!optarg || strcmp(optarg, "yes") == 0));
				continue;
			}
			ctl_usage(c, "--accompanied takes yes or no");
			return false;
		default:
			break;
		}
		if (!key) {
			ctl_usage(c, NULL);
			return false;
		}
		if (!ctl_text_ok(c, key, optarg,
				 strcmp(key, "category") == 0 || strcmp(key, "icon") == 0))
			return false;
		json_object_set_new(body, key, json_string(optarg));
	}
	return ctl_nargs(c, argc, argv, 1, 1);
}

/* POSTs BODY to PATH and prints the service it answers. */
static int ctl_service_post(struct ctl *c, const char *path, json_t *body)
{
	json_t *ans = NULL;
	int rc = ctl_post(c, path, body, &ans);
	if (rc == CTL_OK && !json_is_string(json_object_get(ans, "id")))
		rc = ctl_fail("unexpected answer from escale-admind: no service");
	else if (rc == CTL_OK)
		ctl_service_line(ans);
	json_decref(ans);
	return rc;
}

int ctl_service_add(struct ctl *c, int argc, char **argv)
{
	json_t *body = json_object();
	if (!ctl_service_opts(c, argc, argv, true, body) ||
	    !ctl_text_ok(c, "NAME", argv[optind], false)) {
		json_decref(body);
		return CTL_USAGE;
	}
	if (!json_object_get(body, "url") || !json_object_get(body, "domains")) {
		json_decref(body);
		return ctl_usage(c, "a service needs --url and at least one --domain");
	}
	json_object_set_new(body, "name", json_string(argv[optind]));
	return ctl_service_post(c, "/api/v1/services", body);
}

/* The path of service ID's route SUFFIX ("" for the service itself), or NULL
 * after a usage message when ID is not an id. */
static char *ctl_service_path(struct ctl *c, const char *id, const char *suffix)
{
	size_t n = strlen(id);
	if (n == 0 || n > 32 || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != n) {
		ctl_usage(c, "ID: a service id (see escalectl service list), not '%s'", id);
		return NULL;
	}
	return xasprintf("/api/v1/services/%s%s", id, suffix);
}

int ctl_service_edit(struct ctl *c, int argc, char **argv)
{
	json_t *body = json_object();
	char *path = NULL;
	if (!ctl_service_opts(c, argc, argv, false, body) ||
	    !(path = ctl_service_path(c, argv[optind], ""))) {
		json_decref(body);
		return CTL_USAGE;
	}
	if (json_object_size(body) == 0) {
		json_decref(body);
		free(path);
		return ctl_usage(c, "nothing to change: give at least one option");
	}
	int rc = ctl_service_post(c, path, body);
	free(path);
	return rc;
}

int ctl_service_remove(struct ctl *c, int argc, char **argv)
{
	char *path;
	if (!ctl_args(c, argc, argv, 1, 1) || !(path = ctl_service_path(c, argv[optind], "")))
		return CTL_USAGE;
	int rc = ctl_delete(c, path, NULL);
	free(path);
	if (rc == CTL_OK)
		printf("service %s removed\n", argv[optind]);
	return rc;
}

int ctl_service_add_domain(struct ctl *c, int argc, char **argv)
{
	char *path;
	if (!ctl_args(c, argc, argv, 2, 2) || !ctl_text_ok(c, "HOST", argv[optind + 1], false) ||
	    !(path = ctl_service_path(c, argv[optind], "/domains")))
		return CTL_USAGE;
	int rc = ctl_service_post(c, path, json_pack("{ss}", "domain", argv[optind + 1]));
	free(path);
	return rc;
}

int ctl_service_move(struct ctl *c, int argc, char **argv)
{
	char *path;
	int64_t pos;
	json_t *ans = NULL, *list, *s;
	size_t i;
	if (!ctl_args(c, argc, argv, 2, 2) ||
	    !ctl_num(c, "POSITION", argv[optind + 1], 0, 63, &pos) ||
	    !(path = ctl_service_path(c, argv[optind], "/move")))
		return CTL_USAGE;
	int rc = ctl_post(c, path, json_pack("{sI}", "position", (json_int_t)pos), &ans);
	free(path);
	if (rc == CTL_OK && !(list = ctl_list(ans, "services")))
		rc = CTL_ERR;
	if (rc == CTL_OK)
		json_array_foreach (list, i, s)
			ctl_service_line(s);
	json_decref(ans);
	return rc;
}

/* True when LIST (the server's services) has SV's id or name. */
static bool ctl_service_known(const json_t *list, const struct store_service *sv)
{
	json_t *s;
	size_t i;
	json_array_foreach (list, i, s) {
		const char *id = ctl_jstr(s, "id"), *name = ctl_jstr(s, "name");
		if ((id && strcmp(id, sv->id) == 0) || (name && strcmp(name, sv->name) == 0))
			return true;
	}
	return false;
}

int ctl_service_import(struct ctl *c, int argc, char **argv)
{
	struct store_service *l = NULL;
	size_t n = 0;
	struct cfg_err err;
	json_t *ans = NULL, *list;
	if (!ctl_args(c, argc, argv, 1, 1))
		return CTL_USAGE;
	/* The file is checked whole first, with admind's own rules: nothing is sent
	 * from a file with a mistake in it. */
	if (!catalogue_load(argv[optind], &l, &n, &err))
		return ctl_fail("%s", err.msg);
	int rc = ctl_get_list(c, "/api/v1/services", "services", &ans, &list);
	for (size_t i = 0; rc == CTL_OK && i < n; i++) {
		const struct store_service *sv = &l[i];
		if (ctl_service_known(list, sv)) {
			printf("%s\tkept (already in the list)\n", sv->id);
			continue;
		}
		json_t *domains = json_array();
		for (int d = 0; d < sv->n_domains; d++)
			json_array_append_new(domains, json_string(sv->domains[d]));
		json_t *body = json_pack("{ss ss ss ss ss so sb sb}", "id", sv->id, "name",
					 sv->name, "url", sv->url, "category", sv->category, "icon",
					 sv->icon, "domains", domains, "intranet", sv->intranet,
					 "accompanied", sv->accompanied);
		if ((rc = ctl_post(c, "/api/v1/services", body, NULL)) == CTL_OK)
			printf("%s\tadded\n", sv->id);
	}
	json_decref(ans);
	free(l);
	return rc;
}

int ctl_refusals(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"day", required_argument, NULL, 'd'},
					     {NULL, 0, NULL, 0}};
	const char *day = NULL;
	json_t *ans = NULL, *list, *h;
	size_t i;
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'd')
			return ctl_usage(c, NULL);
		day = optarg;
	}
	if (!ctl_nargs(c, argc, argv, 0, 0))
		return CTL_USAGE;
	int64_t t;
	if (day && (strlen(day) != 10 || !date_parse_local(day, &t)))
		return ctl_usage(c, "--day: expected a date YYYY-MM-DD, not '%s'", day);
	char *path = day ? xasprintf("/api/v1/refusals?day=%s", day) : xstrdup("/api/v1/refusals");
	int rc = ctl_get_list(c, path, "hosts", &ans, &list);
	free(path);
	/* host, count, kiosks, the service that asked most ("-": unknown). */
	if (rc == CTL_OK)
		json_array_foreach (list, i, h) {
			ctl_out_value(json_object_get(h, "host"));
			ctl_out_tab();
			ctl_out_value(json_object_get(h, "count"));
			ctl_out_tab();
			ctl_out_value(json_object_get(h, "kiosks"));
			ctl_out_tab();
			ctl_out_value(json_object_get(h, "service"));
			ctl_out_end();
		}
	json_decref(ans);
	return rc;
}
