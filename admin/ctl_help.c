/* ctl_help: escalectl kiosk help-coming / help-clear [KIOSK]: answering a call for help. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

/* Without KIOSK: the one kiosk calling for help (asked or answered), by id in ID (a buffer
 * of N bytes); an error when none or several are. */
static int calling_kiosk(struct ctl *c, char *id, size_t n)
{
	json_t *ans = NULL, *list, *k;
	size_t i;
	int found = 0;
	int rc = ctl_get_list(c, "/api/v1/kiosks", "kiosks", &ans, &list);
	if (rc != CTL_OK)
		goto out;
	json_array_foreach (list, i, k) {
		const char *h = ctl_jstr(k, "help");
		int64_t kid;
		if (!h || strcmp(h, "none") == 0 || !ctl_jint(k, "id", &kid))
			continue;
		if (found++ == 0)
			snprintf(id, n, "%lld", (long long)kid);
	}
	if (found == 0)
		rc = ctl_fail("no kiosk is calling for help: nothing to answer "
			      "(escalectl kiosk list shows the kiosks)");
	else if (found > 1)
		rc = ctl_fail("%d kiosks are calling for help: name the one to answer "
			      "(escalectl kiosk help-coming KIOSK)",
			      found);
out:
	json_decref(ans);
	return rc;
}

static int answer(struct ctl *c, int argc, char **argv, const char *type)
{
	char id[32];
	if (!ctl_args(c, argc, argv, 0, 1))
		return CTL_USAGE;
	if (optind < argc)
		return ctl_kiosk_command(c, argv[optind], type, NULL);
	int rc = calling_kiosk(c, id, sizeof(id));
	return rc == CTL_OK ? ctl_kiosk_command(c, id, type, NULL) : rc;
}

int ctl_kiosk_help_coming(struct ctl *c, int argc, char **argv)
{
	return answer(c, argc, argv, "help_coming");
}

int ctl_kiosk_help_clear(struct ctl *c, int argc, char **argv)
{
	return answer(c, argc, argv, "help_clear");
}
