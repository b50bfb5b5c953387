/* ctl_job: escalectl printer and job commands. */
#include "ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include <getopt.h>

#include "log.h"

/* Prints each object of LIST as one tab-separated line of KEYS. */
static void out_rows(json_t *list, const char *const *keys, size_t n)
{
	size_t i;
	json_t *o;
	json_array_foreach (list, i, o) {
		for (size_t k = 0; k < n; k++) {
			if (k)
				ctl_out_tab();
			json_t *v = json_object_get(o, keys[k]);
			if (json_is_array(v)) {
				size_t j;
				json_t *e;
				if (!json_array_size(v))
					fputc('-', stdout);
				json_array_foreach (v, j, e) {
					if (j)
						fputc(',', stdout);
					ctl_out_text(json_string_value(e));
				}
			} else {
				ctl_out_value(v);
			}
		}
		ctl_out_end();
	}
}

int ctl_printer_list(struct ctl *c, int argc, char **argv)
{
	static const char *const keys[] = {"name",         "state",       "needs_attention",
					   "jobs_waiting", "reasons",     "message",
					   "site",         "cups_server", "origin"};
	json_t *ans = NULL, *list;
	if (!ctl_args(c, argc, argv, 0, 0))
		return CTL_USAGE;
	int rc = ctl_get_list(c, "/api/v1/printers", "printers", &ans, &list);
	if (rc == CTL_OK)
		out_rows(list, keys, ARRAY_LEN(keys));
	json_decref(ans);
	return rc;
}

int ctl_printer_resume(struct ctl *c, int argc, char **argv)
{
	if (!ctl_args(c, argc, argv, 1, 1) || !ctl_text_ok(c, "NAME", argv[optind], false))
		return CTL_USAGE;
	const char *name = argv[optind];
	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") !=
	    strlen(name))
		return ctl_usage(c, "NAME must be a printer's name as `printer list` shows it"
				    " (letters, digits, '_', '-')");
	char *path = xasprintf("/api/v1/printers/%s/resume", name);
	int rc = ctl_post(c, path, NULL, NULL);
	free(path);
	if (rc == CTL_OK)
		printf("printer %s resumed\n", name);
	return rc;
}

int ctl_job_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"active", no_argument, NULL, 'a'},
					     {NULL, 0, NULL, 0}};
	static const char *const keys[] = {"id",      "cups_id", "kiosk",    "state",  "pages",
					   "charged", "printed", "refunded", "reason", "jammed",
					   "printer", "site",    "title"};
	bool active = false;
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'a')
			return ctl_usage(c, NULL);
		active = true;
	}
	if (!ctl_nargs(c, argc, argv, 0, 0))
		return CTL_USAGE;
	json_t *ans = NULL, *list;
	int rc = ctl_get_list(c, active ? "/api/v1/jobs?active=1" : "/api/v1/jobs", "jobs", &ans,
			      &list);
	if (rc == CTL_OK)
		out_rows(list, keys, ARRAY_LEN(keys));
	json_decref(ans);
	return rc;
}

static int job_action(struct ctl *c, int argc, char **argv, const char *action, const char *done)
{
	int64_t id;
	if (!ctl_args(c, argc, argv, 1, 1) || !ctl_num(c, "ID", argv[optind], 1, INT32_MAX, &id))
		return CTL_USAGE;
	char *path = xasprintf("/api/v1/jobs/%lld/%s", (long long)id, action);
	int rc = ctl_post(c, path, NULL, NULL);
	free(path);
	if (rc == CTL_OK)
		printf("job %lld %s\n", (long long)id, done);
	return rc;
}

int ctl_job_retry(struct ctl *c, int argc, char **argv)
{
	return job_action(c, argc, argv, "retry", "sent to print again");
}

int ctl_job_cancel(struct ctl *c, int argc, char **argv)
{
	return job_action(c, argc, argv, "cancel",
			  "cancelled (pages not printed are refunded when CUPS confirms)");
}

int ctl_job_refund(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"pages", required_argument, NULL, 'p'},
					     {NULL, 0, NULL, 0}};
	int64_t id, pages = -1;
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'p' || !ctl_num(c, "--pages", optarg, 1, 100000, &pages))
			return ch == 'p' ? CTL_USAGE : ctl_usage(c, NULL);
	}
	if (!ctl_nargs(c, argc, argv, 1, 1) || !ctl_num(c, "ID", argv[optind], 1, INT32_MAX, &id))
		return CTL_USAGE;
	char *path = xasprintf("/api/v1/jobs/%lld/refund", (long long)id);
	json_t *body = pages > 0 ? json_pack("{sI}", "pages", (json_int_t)pages) : NULL;
	json_t *ans = NULL;
	int rc = ctl_post(c, path, body, &ans);
	free(path);
	if (rc == CTL_OK) {
		int64_t r = 0, left = 0;
		ctl_jint(ans, "refunded", &r);
		ctl_jint(ans, "pages_left", &left);
		printf("job %lld: %lld page(s) refunded, %lld left on the code\n", (long long)id,
		       (long long)r, (long long)left);
	}
	json_decref(ans);
	return rc;
}
