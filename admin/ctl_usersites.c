/* ctl_usersites: escalectl user sites, the sites of an existing staff account. */
#include "ctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int ctl_user_sites(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"site", required_argument, NULL, 's'},
					     {"all", no_argument, NULL, 'a'},
					     {NULL, 0, NULL, 0}};
	json_t *sites = json_array();
	bool all = false;
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'a') {
			all = true;
			continue;
		}
		if (ch != 's' || !ctl_text_ok(c, "--site", optarg, false)) {
			json_decref(sites);
			return ch == 's' ? CTL_USAGE : ctl_usage(c, NULL);
		}
		json_array_append_new(sites, json_string(optarg));
	}
	/* Every site is said, never the default: a forgotten --site widens nothing. */
	if (!ctl_nargs(c, argc, argv, 1, 1) || !ctl_text_ok(c, "USER", argv[optind], false)) {
		json_decref(sites);
		return CTL_USAGE;
	}
	if (all == (json_array_size(sites) > 0)) {
		json_decref(sites);
		return ctl_usage(c, "give --site SITE (repeated) or --all (every site)");
	}
	int64_t id;
	int rc = ctl_find_id(c, argv[optind], "/api/v1/users", "users", "USER", "user", &id);
	if (rc != CTL_OK) {
		json_decref(sites);
		return rc;
	}
	json_t *body = json_pack("{so}", "sites", all ? json_null() : sites);
	if (all)
		json_decref(sites);
	char *path = xasprintf("/api/v1/users/%lld/sites", (long long)id);
	json_t *ans = NULL;
	rc = ctl_post(c, path, body, &ans);
	free(path);
	if (rc == CTL_OK) {
		json_t *got = json_object_get(ans, "sites");
		printf("user %lld: ", (long long)id);
		if (!json_is_array(got)) {
			fputs("every site", stdout);
		} else {
			size_t i;
			json_t *s;
			json_array_foreach (got, i, s) {
				if (i)
					fputs(", ", stdout);
				ctl_out_text(json_string_value(s));
			}
		}
		fputs(" (from its next request)", stdout);
		ctl_out_end();
	}
	json_decref(ans);
	return rc;
}
