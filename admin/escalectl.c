/* escalectl: command-line client of escale-admind: options, commands, messages. */
#include "ctl.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CTL_PROG        "escalectl"
#define CTL_DEFAULT_URL "http://127.0.0.1:8080"

static const struct ctl_cmd ctl_cmds[] = {
	{"user", "add", "NAME --role admin|secretariat|maintenance|mediator [--site SITE]...",
	 ctl_user_add, true},
	{"user", "list", "", ctl_user_list, false},
	{"user", "disable", "USER", ctl_user_disable, false},
	{"user", "token", "USER", ctl_user_token, false},
	{"user", "passwd", "USER  (the password on stdin)", ctl_user_passwd, true},
	{"user", "sites", "USER --site SITE... | --all", ctl_user_sites, false},
	{"kiosk", "add", "NAME [--site SITE]", ctl_kiosk_add, false},
	{"kiosk", "enroll", "NAME [--site SITE]", ctl_kiosk_enroll, false},
	{"kiosk", "list", "", ctl_kiosk_list, false},
	{"kiosk", "revoke", "KIOSK", ctl_kiosk_revoke, false},
	{"kiosk", "message", "KIOSK TEXT", ctl_kiosk_message, false},
	{"kiosk", "lock", "KIOSK [TEXT]", ctl_kiosk_lock, false},
	{"kiosk", "unlock", "KIOSK", ctl_kiosk_unlock, false},
	{"kiosk", "unpause", "KIOSK", ctl_kiosk_unpause, false},
	{"kiosk", "help-coming", "[KIOSK]", ctl_kiosk_help_coming, false},
	{"kiosk", "help-clear", "[KIOSK]", ctl_kiosk_help_clear, false},
	{"code", "new",
	 "[--minutes N] [--pages N] [--days N | --until YYYY-MM-DDTHH:MM] [--count N] [--spare]"
	 " [--site SITE|all]",
	 ctl_code_new, false},
	{"code", "list", "[--all]", ctl_code_list, false},
	{"code", "revoke", "CODE|#ID", ctl_code_revoke, false},
	{"code", "extend", "CODE|#ID [--minutes N] [--pages N] [--days N]", ctl_code_extend, false},
	{"accompany", "code", "[--site SITE]", ctl_accompany_code, false},
	{"session", "list", "[--active]", ctl_session_list, false},
	{"session", "end", "ID", ctl_session_end, false},
	{"session", "add-time", "ID MINUTES", ctl_session_add_time, false},
	{"printer", "list", "", ctl_printer_list, false},
	{"printer", "resume", "NAME", ctl_printer_resume, false},
	{"printer", "add", "NAME --site S --cups-server HOST[:PORT] [--queue Q]", ctl_printer_add,
	 false},
	{"printer", "remove", "NAME", ctl_printer_remove, false},
	{"job", "list", "[--active]", ctl_job_list, false},
	{"job", "retry", "ID", ctl_job_retry, false},
	{"job", "cancel", "ID", ctl_job_cancel, false},
	{"job", "refund", "ID [--pages N]", ctl_job_refund, false},
	{"service", "list", "", ctl_service_list, false},
	{"service", "add",
	 "NAME --url URL --domain HOST... [--id ID] [--category TEXT] [--icon NAME] [--intranet]"
	 " [--accompanied]",
	 ctl_service_add, false},
	{"service", "edit",
	 "ID [--name NAME] [--url URL] [--domain HOST...] [--category TEXT] [--icon NAME]"
	 " [--intranet yes|no] [--accompanied yes|no]",
	 ctl_service_edit, false},
	{"service", "remove", "ID", ctl_service_remove, false},
	{"service", "add-domain", "ID HOST", ctl_service_add_domain, false},
	{"service", "move", "ID POSITION", ctl_service_move, false},
	{"service", "import", "FILE", ctl_service_import, false},
	{"site", "list", "", ctl_site_list, false},
	{"site", "settings", "SITE [--file FILE.json]", ctl_site_settings, false},
	{"site", "set", "SITE KEY VALUE", ctl_site_set, false},
	{"site", "unset", "SITE KEY", ctl_site_unset, false},
	{"refusals", NULL, "[--day YYYY-MM-DD]", ctl_refusals, false},
	{"usage", NULL, "[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format csv|json]", ctl_usage_cmd,
	 false},
	{"stats", NULL, "[--from YYYY-MM-DD] [--to YYYY-MM-DD]", ctl_stats, false},
	{"audit", NULL, "[--limit N]", ctl_audit, false},
	{"backup", NULL, "FILE", ctl_backup, true},
	{"whoami", NULL, "", ctl_whoami, false},
};

static void ctl_print_cmd(FILE *f, const struct ctl_cmd *cmd)
{
	fprintf(f, "%s%s%s%s%s", cmd->group, cmd->name ? " " : "", cmd->name ? cmd->name : "",
		*cmd->args ? " " : "", cmd->args);
}

static void ctl_print_synopsis(FILE *f)
{
	fputs("usage: " CTL_PROG
	      " [--url URL] [--token TOKEN] [--cacert FILE] [--db FILE] COMMAND ...\n",
	      f);
}

/* Every command whose first word is GROUP (all of them if NULL). */
static void ctl_print_cmds(FILE *f, const char *group, const char *indent)
{
	for (size_t i = 0; i < ARRAY_LEN(ctl_cmds); i++) {
		if (group && strcmp(ctl_cmds[i].group, group) != 0)
			continue;
		fputs(indent, f);
		ctl_print_cmd(f, &ctl_cmds[i]);
		fputc('\n', f);
	}
}

static void ctl_help(void)
{
	ctl_print_synopsis(stdout);
	fputs("\nCommands:\n", stdout);
	ctl_print_cmds(stdout, NULL, "  ");
	fputs("\nOptions (before COMMAND):\n"
	      "  --url URL       escale-admind address (env ESCALE_URL, default " CTL_DEFAULT_URL
	      ")\n"
	      "  --token TOKEN   staff API token (env ESCALE_TOKEN; prefer the variable)\n"
	      "  --cacert FILE   CA certificates to verify an https server (env ESCALE_CACERT)\n"
	      "  --db FILE       work on the database file itself, without a server\n"
	      "                  (only 'user add', 'user passwd' and 'backup')\n"
	      "  -h, --help      show this help (after a command: that command's usage)\n"
	      "  -V, --version   show the version\n"
	      "\nA KIOSK is its numeric id or its name. Exit status: 0 ok, 1 error, 2 usage "
	      "error.\n",
	      stdout);
}

static void ctl_vmsg(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static void ctl_vmsg(const char *fmt, va_list ap)
{
	fputs(CTL_PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int ctl_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ctl_vmsg(fmt, ap);
	va_end(ap);
	return CTL_ERR;
}

int ctl_usage(const struct ctl *c, const char *fmt, ...)
{
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		ctl_vmsg(fmt, ap);
		va_end(ap);
	}
	if (c && c->cmd) {
		fputs("usage: " CTL_PROG " ", stderr);
		ctl_print_cmd(stderr, c->cmd);
		fputc('\n', stderr);
	} else {
		ctl_print_synopsis(stderr);
	}
	fputs("Try '" CTL_PROG " --help' for more information.\n", stderr);
	return CTL_USAGE;
}

bool ctl_num(const struct ctl *c, const char *what, const char *s, int64_t min, int64_t max,
	     int64_t *out)
{
	if (parse_i64(s, min, max, out))
		return true;
	ctl_usage(c, "%s: expected a whole number from %lld to %lld, not '%s'", what,
		  (long long)min, (long long)max, s);
	return false;
}

bool ctl_text_ok(const struct ctl *c, const char *what, const char *s, bool empty_ok)
{
	size_t n = strlen(s);
	if (n == 0 && !empty_ok) {
		ctl_usage(c, "%s must not be empty", what);
		return false;
	}
	if (!utf8_valid_text(s, n)) {
		ctl_usage(c, "%s must be UTF-8 text without control characters", what);
		return false;
	}
	return true;
}

bool ctl_nargs(const struct ctl *c, int argc, char **argv, int min, int max)
{
	int n = argc - optind;
	if (n < min) {
		ctl_usage(c, "missing argument");
		return false;
	}
	if (n > max) {
		ctl_usage(c, "unexpected argument '%s'", argv[optind + max]);
		return false;
	}
	return true;
}

bool ctl_args(const struct ctl *c, int argc, char **argv, int min, int max)
{
	static const struct option none[] = {{NULL, 0, NULL, 0}};
	if (getopt_long(argc, argv, "", none, NULL) != -1) {
		ctl_usage(c, NULL);
		return false;
	}
	return ctl_nargs(c, argc, argv, min, max);
}

/* An http or https URL without credentials in it; trailing slashes dropped. */
static char *ctl_base_url(const char *url)
{
	size_t skip;
	if (strncasecmp(url, "http://", 7) == 0)
		skip = 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		skip = 8;
	else
		return NULL;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return NULL;
	char *u = xstrdup(url);
	size_t n = strlen(u);
	while (n > skip && u[n - 1] == '/')
		u[--n] = '\0';
	/* user:password@ would be sent as Basic auth and shown in every error. */
	if (n == skip || strchr(u + skip, '?') || strchr(u + skip, '#') || strchr(u + skip, '@')) {
		free(u);
		return NULL;
	}
	return u;
}

static bool ctl_token_ok(const char *t)
{
	if (!*t)
		return false;
	for (const char *p = t; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

/* True if ARGV (the command's own words) asks for help before any "--". */
static bool ctl_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

static const char *ctl_getenv(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

/* Finds the command named by argv[0] (and argv[1]) and how many words it
 * takes. Otherwise returns the exit status after printing help or usage. */
static int ctl_find(int argc, char **argv, const struct ctl_cmd **out, int *words)
{
	bool group_known = false;
	for (size_t i = 0; i < ARRAY_LEN(ctl_cmds); i++) {
		const struct ctl_cmd *cmd = &ctl_cmds[i];
		if (strcmp(cmd->group, argv[0]) != 0)
			continue;
		group_known = true;
		*out = cmd;
		if (!cmd->name) {
			*words = 1;
			return -1;
		}
		if (argc > 1 &&
		    (strcmp(cmd->name, argv[1]) == 0 ||
		     (strcmp(cmd->name, "add-time") == 0 && strcmp(argv[1], "add_time") == 0))) {
			*words = 2;
			return -1;
		}
	}
	*out = NULL;
	if (!group_known)
		return ctl_usage(NULL, "unknown command '%s'", argv[0]);
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs("usage:\n", stdout);
		ctl_print_cmds(stdout, argv[0], "  " CTL_PROG " ");
		return CTL_OK;
	}
	if (argc > 1)
		fprintf(stderr, CTL_PROG ": unknown command '%s %s'\n", argv[0], argv[1]);
	else
		fprintf(stderr, CTL_PROG ": '%s' needs a subcommand\n", argv[0]);
	fputs("usage:\n", stderr);
	ctl_print_cmds(stderr, argv[0], "  " CTL_PROG " ");
	return CTL_USAGE;
}

int ctl_connect(struct ctl *c)
{
	if (c->curl)
		return CTL_OK;
	c->url = ctl_base_url(c->url_arg);
	if (!c->url && strchr(c->url_arg, '@'))
		/* Not echoed: it may hold a password. */
		return ctl_usage(c, "bad URL: no user:password@ in it; the staff token"
				    " goes in ESCALE_TOKEN or --token");
	if (!c->url)
		return ctl_usage(c, "bad URL '%s': expected http://HOST[:PORT] or https://...",
				 c->url_arg);
	if (!c->token)
		return ctl_usage(c, "no staff token: set ESCALE_TOKEN or give --token");
	if (!ctl_token_ok(c->token))
		return ctl_usage(c, "the token contains spaces or control characters");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return ctl_fail("cannot initialise libcurl");
	c->curl = curl_easy_init();
	if (!c->curl)
		return ctl_fail("cannot initialise libcurl");
	return CTL_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"url", required_argument, NULL, 'u'},
		{"token", required_argument, NULL, 't'},
		{"db", required_argument, NULL, 'd'},
		{"cacert", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct ctl c = {0};
	int rc = CTL_USAGE, ch, words = 0;

	/* escalectl says what failed itself ("escalectl: ..."); the common
	 * library's warnings would only repeat it in another form. */
	log_init(CTL_PROG, LOG_LVL_ERROR);
	/* A closed pipe (escalectl usage | head) is reported as EPIPE and ends quietly. */
	signal(SIGPIPE, SIG_IGN);
	c.url_arg = ctl_getenv("ESCALE_URL");
	if (!c.url_arg)
		c.url_arg = CTL_DEFAULT_URL;
	c.token = ctl_getenv("ESCALE_TOKEN");
	c.cacert = ctl_getenv("ESCALE_CACERT");
	if (argc > 0)
		argv[0] = (char *)CTL_PROG;
	while ((ch = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			c.url_arg = optarg;
			break;
		case 't':
			c.token = optarg;
			break;
		case 'd':
			c.db = optarg;
			break;
		case 'c':
			c.cacert = optarg;
			break;
		case 'h':
			ctl_help();
			rc = CTL_OK;
			goto done;
		case 'V':
			puts(CTL_PROG " " ESCALE_VERSION);
			rc = CTL_OK;
			goto done;
		default:
			ctl_usage(NULL, NULL);
			goto done;
		}
	}
	if (optind >= argc) {
		ctl_usage(NULL, "missing command");
		goto done;
	}
	argc -= optind;
	argv += optind;
	if ((rc = ctl_find(argc, argv, &c.cmd, &words)) >= 0)
		goto done;
	/* The command sees its options and arguments as argv[1..]. */
	argc -= words - 1;
	argv += words - 1;
	argv[0] = (char *)CTL_PROG;
	if (ctl_wants_help(argc, argv)) {
		fputs("usage: " CTL_PROG " ", stdout);
		ctl_print_cmd(stdout, c.cmd);
		fputc('\n', stdout);
		rc = CTL_OK;
		goto done;
	}
	if (c.db && !*c.db) {
		rc = ctl_usage(&c, "--db needs a file name");
		goto done;
	}
	if (c.db && !c.cmd->db_ok) {
		rc = ctl_usage(&c, "--db works only with 'user add', 'user passwd' and 'backup'");
		goto done;
	}
	optind = 0; /* glibc: start a fresh scan of the command's words */
	rc = c.cmd->run(&c, argc, argv);
done:
	if (c.curl) {
		curl_easy_cleanup(c.curl);
		curl_global_cleanup();
	}
	free(c.url);
	/* A full disk or a closed pipe must not look like success. */
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == CTL_OK) {
		if (errno != EPIPE)
			ctl_fail("standard output: %s", strerror(errno));
		rc = CTL_ERR;
	}
	return rc;
}
