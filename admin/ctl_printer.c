/* ctl_printer: escalectl printer add and remove (printers added at run time). */
#include "ctl.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PRINTER_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

int ctl_printer_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"site", required_argument, NULL, 's'},
					     {"cups-server", required_argument, NULL, 'c'},
					     {"queue", required_argument, NULL, 'q'},
					     {NULL, 0, NULL, 0}};
	const char *site = NULL, *server = NULL, *queue = NULL;
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			site = optarg;
			break;
		case 'c':
			server = optarg;
			break;
		case 'q':
			queue = optarg;
			break;
		default:
			return ctl_usage(c, NULL);
		}
	}
	if (!ctl_nargs(c, argc, argv, 1, 1))
		return CTL_USAGE;
	const char *name = argv[optind];
	if (!site || !server)
		return ctl_usage(c, "--site and --cups-server are needed");
	if (!*name || strspn(name, PRINTER_CHARS) != strlen(name))
		return ctl_usage(c, "NAME must be letters, digits, '_' or '-' (e.g. accueil-nord)");
	if (!ctl_text_ok(c, "--site", site, true) ||
	    !ctl_text_ok(c, "--cups-server", server, false) ||
	    (queue && !ctl_text_ok(c, "--queue", queue, false)))
		return CTL_USAGE;
	json_t *body = json_pack("{ss ss ss}", "name", name, "site", site, "cups_server", server);
	if (!body)
		return ctl_usage(c, "the site and server must be valid UTF-8");
	if (queue)
		json_object_set_new(body, "queue", json_string(queue));
	json_t *ans = NULL;
	int rc = ctl_post(c, "/api/v1/printers", body, &ans);
	if (rc != CTL_OK)
		goto out;
	const char *key = ctl_jstr(ans, "release_key"), *fp = ctl_jstr(ans, "fingerprint");
	const char *cmd = ctl_jstr(ans, "setup_command");
	if (!key || !fp || !cmd) {
		rc = ctl_fail("unexpected answer from escale-admind: no release key");
		goto out;
	}
	fputs("printer ", stdout);
	ctl_out_text(ctl_jstr(ans, "name"));
	fputs(" added (site ", stdout);
	ctl_out_text(ctl_jstr(ans, "site"));
	fputs(", queue ", stdout);
	ctl_out_text(ctl_jstr(ans, "queue"));
	fputs(" on ", stdout);
	ctl_out_text(ctl_jstr(ans, "cups_server"));
	fputs("); escale-admind watches it from its next poll.\n", stdout);
	fputs("Its release key (secret: it lets jobs print), fingerprint ", stdout);
	ctl_out_text(fp);
	fputs(":\n", stdout);
	ctl_out_text(key);
	fputs("\nOn the print host, as root (DEVICE_URI: the printer as `lpinfo -v` lists it;"
	      " it shows the same fingerprint):\n  ",
	      stdout);
	ctl_out_text(cmd);
	ctl_out_end();
out:
	json_decref(ans);
	return rc;
}

int ctl_printer_remove(struct ctl *c, int argc, char **argv)
{
	if (!ctl_args(c, argc, argv, 1, 1))
		return CTL_USAGE;
	const char *name = argv[optind];
	if (!*name || strspn(name, PRINTER_CHARS) != strlen(name))
		return ctl_usage(c, "NAME must be a printer's name as `printer list` shows it"
				    " (letters, digits, '_', '-')");
	char *path = xasprintf("/api/v1/printers/%s", name);
	int rc = ctl_delete(c, path, NULL);
	free(path);
	if (rc == CTL_OK)
		printf("printer %s removed: escale-admind no longer watches it\n", name);
	return rc;
}
