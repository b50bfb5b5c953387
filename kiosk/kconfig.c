/* kconfig: every escale-kiosk setting, its default and its checks. */
#include "kconfig.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "lang.h"
#include "log.h"
#include "sitecfg.h"
#include "util.h"

#define MAX_PATH 4096
#define MAX_URL  2048
#define MAX_NAME 40

static const char *const top_keys[] = {
	"centre_name", "language", "languages", "state_dir", "runtime_dir", "log_file", "log_level",
	"admin",       "browser",  "print",     "keyboard",  "session",     "login",    "proxy",
	"hours",       "services", "speech",    "settings",  "scan",        "usb",      NULL};
static const char *const settings_keys[] = {"local", NULL};
static const char *const admin_keys[] = {
	"url",          "token_file",        "ca_file",         "pin", "timeout_ms",
	"sync_seconds", "heartbeat_seconds", "enrollment_file", NULL};
/* What escale-kiosk --enroll writes (kiosk/enroll.c). */
static const char *const enrollment_keys[] = {"url", "pin", NULL};
static const char *const browser_keys[] = {"command", "restarts", "user", NULL};
static const char *const print_keys[] = {"server", "queue", "kiosk_name", NULL};
static const char *const keyboard_keys[] = {"onscreen", NULL};
static const char *const speech_keys[] = {"enabled", "command", NULL};
static const char *const scan_keys[] = {"device", "resolution", NULL};
static const char *const usb_keys[] = {"enabled", NULL};
static const char *const session_keys[] = {"warn_minutes",
					   "closing_warn_minutes",
					   "idle_seconds",
					   "idle_grace_seconds",
					   "ending_ms",
					   "message_seconds",
					   NULL};
static const char *const login_keys[] = {"max_failures", "lockout_seconds", "lockout_max_seconds",
					 "code_length",  "alphabet",        NULL};
/* Indexed like struct tm's tm_wday and struct hours' week. */
static const char *const day_names[7] = {"sunday",   "monday", "tuesday", "wednesday",
					 "thursday", "friday", "saturday"};
static const char *const proxy_keys[] = {
	"listen",          "hosts_file",     "control",     "enforce",
	"max_connections", "header_seconds", "dns_seconds", "connect_seconds",
	"idle_seconds",    "resolv_conf",    NULL};
static const char *const hours_keys[] = {"monday",   "tuesday", "wednesday", "thursday", "friday",
					 "saturday", "sunday",  "closed",    "special",  NULL};
static const char *const special_keys[] = {"date", "hours", NULL};
static const char *const service_keys[] = {"id",      "name",     "url",  "category",
					   "domains", "intranet", "icon", NULL};

/* The wrapper (kiosk/escale-browser) runs the browser in its sandbox with the policy. */
static const char *const default_browser[] = {ESCALE_LIBEXECDIR "/escale-browser",
					      "--dir",
					      "%d",
					      "--",
					      "chromium",
					      "--kiosk",
					      "--no-first-run",
					      "--user-data-dir=%d/profile",
					      "--disable-background-networking",
					      "--disable-component-update",
					      "--disable-sync",
					      "%u",
					      NULL};
static const int64_t default_warn[] = {5, 1};
static const int64_t default_closing_warn[] = {15, 5};

/* FranceConnect and the identity providers it sends residents to; the providers of
 * impots.gouv.fr and ameli.fr are covered by those services' own domains. */
#define FRANCECONNECT                                                                   \
	"franceconnect.gouv.fr", "authent.lidentitenumerique.laposte.fr", "idp.msa.fr", \
		"idp.france-identite.gouv.fr"
static const struct {
	const char *name, *url, *category;
	const char *domains[KCFG_MAX_DOMAINS + 1];
} default_services[] = {
	{"CAF",
	 "https://www.caf.fr/",
	 "Famille",
	 {"caf.fr", "mesdroitssociaux.gouv.fr", FRANCECONNECT}},
	{"France Travail",
	 "https://www.francetravail.fr/",
	 "Emploi",
	 {"francetravail.fr", "pole-emploi.fr", FRANCECONNECT}},
	{"ameli", "https://www.ameli.fr/", "Santé", {"ameli.fr", FRANCECONNECT}},
	{"impots.gouv", "https://www.impots.gouv.fr/", "Impôts", {"impots.gouv.fr", FRANCECONNECT}},
	{"ANTS", "https://ants.gouv.fr/", "Papiers", {"ants.gouv.fr", FRANCECONNECT}},
	{"service-public",
	 "https://www.service-public.fr/",
	 "Démarches",
	 {"service-public.fr", "service-public.gouv.fr", FRANCECONNECT}},
};

/* A string setting: valid UTF-8 text of at most MAXCHARS characters (not bytes). */
static bool text(const config_setting_t *group, const char *name, const char *def, size_t maxchars,
		 char **out, struct cfg_err *err)
{
	if (!cfg_string(group, name, def, 65536, out, err))
		return false;
	if (!*out || !group || !config_setting_get_member(group, name))
		return true;
	const config_setting_t *s = config_setting_get_member(group, name);
	if (!utf8_valid_text(*out, strlen(*out)))
		return cfg_fail(s, err,
				"'%s' is not valid UTF-8 text (or holds control characters)", name);
	if (svc_utf8_chars(*out) > maxchars)
		return cfg_fail(s, err, "'%s' is longer than %zu characters", name, maxchars);
	return true;
}

/* An element of a list that must be a string: valid UTF-8 text, at most MAXCHARS characters. */
static bool elem_text(const config_setting_t *e, const char *what, size_t maxchars,
		      const char **out, struct cfg_err *err)
{
	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return cfg_fail(e, err, "%s: each entry must be a string in double quotes", what);
	const char *s = config_setting_get_string(e);
	if (!utf8_valid_text(s, strlen(s)))
		return cfg_fail(e, err, "%s: an entry is not valid UTF-8 text", what);
	if (svc_utf8_chars(s) > maxchars)
		return cfg_fail(e, err, "%s: an entry is longer than %zu characters", what,
				maxchars);
	*out = s;
	return true;
}

/* S for an error message, if it is short printable text. */
static const char *quoted(const char *s)
{
	size_t n = strlen(s);
	return n <= 64 && utf8_valid_text(s, n) ? s : "(unprintable or too long)";
}

/* NAME in GROUP as [ ... ] or ( ... ), or NULL when absent. */
static bool list(const config_setting_t *group, const char *name, const config_setting_t **out,
		 struct cfg_err *err)
{
	*out = group ? config_setting_get_member(group, name) : NULL;
	if (*out && !config_setting_is_aggregate(*out))
		return cfg_fail(*out, err, "'%s' must be a list in brackets: [ ... ]", name);
	if (*out && config_setting_is_group(*out))
		return cfg_fail(*out, err,
				"'%s' must be a list in brackets [ ... ], not a group { }", name);
	return true;
}

static bool required(const char *file, const config_setting_t *group, const char *key,
		     const char *hint, struct cfg_err *err)
{
	if (group)
		return cfg_fail(group, err, "'%s' is required: %s", key, hint);
	snprintf(err->msg, sizeof(err->msg), "%s:1: '%s' is required: %s", file, key, hint);
	return false;
}

static bool not_empty(const config_setting_t *group, const char *name, const char *v,
		      struct cfg_err *err)
{
	if (v && !*v)
		return cfg_fail(config_setting_get_member(group, name), err,
				"'%s' must not be empty", name);
	return true;
}

/* "https://HOST[:PORT][/...]", or "http://" to this computer only (svc_url_check). */
static bool check_url(const config_setting_t *where, const char *what, const char *url,
		      char host[256], struct cfg_err *err)
{
	char why[300];
	if (!svc_url_check(what, url, host, why, sizeof(why)))
		return cfg_fail(where, err, "%s", why);
	return true;
}

static bool base64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* curl's CURLOPT_PINNEDPUBLICKEY: "sha256//" + base64 of 32 bytes, several joined by ';'. */
static bool pin_ok(const char *s)
{
	for (;;) {
		if (strncmp(s, "sha256//", 8) != 0)
			return false;
		s += 8;
		for (int i = 0; i < 43; i++)
			if (!base64_char(s[i]))
				return false;
		if (s[43] != '=')
			return false;
		s += 44;
		if (*s == '\0')
			return true;
		if (*s++ != ';')
			return false;
	}
}

static int cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x < y) - (x > y);
}

/* A list of 0..KCFG_MAX_WARN distinct minutes from 1 to 1440, stored largest first. */
static bool minutes(const config_setting_t *group, const char *name, const int64_t *def, int n_def,
		    int64_t *out, int *n, struct cfg_err *err)
{
	const config_setting_t *l;
	if (!list(group, name, &l, err))
		return false;
	if (!l) {
		memcpy(out, def, sizeof(*def) * (size_t)n_def);
		*n = n_def;
		return true;
	}
	int len = config_setting_length(l);
	if (len > KCFG_MAX_WARN)
		return cfg_fail(l, err, "'%s' holds %d values: at most %d", name, len,
				KCFG_MAX_WARN);
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		int t = config_setting_type(e);
		long long v = config_setting_get_int64(e);
		if ((t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) || v < 1 || v > 1440)
			return cfg_fail(e, err,
					"'%s': each value must be a whole number of minutes from 1 "
					"to 1440",
					name);
		for (int j = 0; j < i; j++)
			if (out[j] == v)
				return cfg_fail(e, err, "'%s': %lld is listed twice", name, v);
		out[i] = v;
	}
	*n = len;
	qsort(out, (size_t)len, sizeof(*out), cmp_desc);
	return true;
}

/* A user name as useradd and systemd-sysusers take it, or "" (no separate user). */
static bool browser_user(struct kiosk_cfg *cfg, const config_setting_t *browser,
			 struct cfg_err *err)
{
	if (!cfg_string(browser, "user", "escale-guest", 64, &cfg->browser_user, err))
		return false;
	const char *u = cfg->browser_user;
	bool ok = strlen(u) <= 31;
	for (size_t i = 0; ok && u[i]; i++)
		ok = (u[i] >= 'a' && u[i] <= 'z') || u[i] == '_' ||
		     (i > 0 && ((u[i] >= '0' && u[i] <= '9') || u[i] == '-'));
	if (!ok)
		return cfg_fail(config_setting_get_member(browser, "user"), err,
				"'user' must be a user name (lower-case letters, digits, '-', '_', "
				"at most 31) or \"\" to run the browser as the kiosk's user");
	return true;
}

/* A host name (RFC 1123 labels), an IPv4 address or an IPv6 address. */
static bool print_host_ok(const char *h, bool bracketed)
{
	struct in6_addr a6;
	if (bracketed)
		return inet_pton(AF_INET6, h, &a6) == 1;
	size_t n = strlen(h), label = 0;
	if (n == 0 || n > 253 || h[0] == '.' || h[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (c == '.') {
			if (label == 0 || h[i - 1] == '-')
				return false;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || (c == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return h[n - 1] != '-';
}

/* "HOST", "HOST:PORT", "[IPV6]" or "[IPV6]:PORT" (setting KEY, shown as WHAT) into HOST
 * (IPv6 without brackets) and PORT, which keeps its default when S has none. */
static bool host_port(const config_setting_t *group, const char *key, const char *what,
		      const char *s, char host[300], int *port, struct cfg_err *err)
{
	/* Only a value from the file can be wrong: the defaults are good. */
	const config_setting_t *where = group ? config_setting_get_member(group, key) : NULL;
	if (strstr(s, "://"))
		return cfg_fail(where, err, "%s is HOST or HOST:PORT, not a URL", what);
	const char *p = NULL;
	bool bracketed = s[0] == '[';
	if (bracketed) {
		const char *end = strchr(s, ']');
		if (!end || (end[1] && end[1] != ':'))
			return cfg_fail(where, err,
					"%s: an IPv6 address goes in brackets, e.g. "
					"\"[fd00::5]:631\"",
					what);
		snprintf(host, 300, "%.*s", (int)(end - s - 1), s + 1);
		p = end[1] ? end + 2 : NULL;
	} else {
		const char *colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':'))
			return cfg_fail(where, err,
					"%s: an IPv6 address goes in brackets, e.g. "
					"\"[fd00::5]:631\"",
					what);
		snprintf(host, 300, "%.*s", colon ? (int)(colon - s) : (int)strlen(s), s);
		p = colon ? colon + 1 : NULL;
	}
	if (!print_host_ok(host, bracketed))
		return cfg_fail(where, err,
				"%s: '%s' is not a host name, an IPv4 address or an IPv6 "
				"address in brackets (HOST or HOST:PORT)",
				what, quoted(s));
	if (p) {
		int64_t v;
		if (!parse_i64(p, 1, 65535, &v))
			return cfg_fail(where, err, "%s: the port must be a number from 1 to 65535",
					what);
		*port = (int)v;
	}
	return true;
}

/* print.server into print_host and print_port. */
static bool print_server(struct kiosk_cfg *cfg, const config_setting_t *print, struct cfg_err *err)
{
	if (!cfg_string(print, "server", "", 300, &cfg->print_server, err))
		return false;
	cfg->print_port = 631;
	if (!*cfg->print_server)
		return true;
	char host[300];
	if (strstr(cfg->print_server, "://"))
		return cfg_fail(config_setting_get_member(print, "server"), err,
				"print.server is the print server as HOST or HOST:PORT, not a URL "
				"(the queue is print.queue)");
	if (!host_port(print, "server", "print.server", cfg->print_server, host, &cfg->print_port,
		       err))
		return false;
	cfg->print_host = xstrdup(host);
	return true;
}

/* The proxy { } group: where escale-proxy listens (loopback only), its hosts file and control
 * socket, and whether the kiosk insists on it. */
static bool proxy_section(struct kiosk_cfg *cfg, const config_setting_t *proxy, struct cfg_err *err)
{
	char host[300];
	if (!cfg_string(proxy, "listen", "127.0.0.1:3128", 300, &cfg->proxy_listen, err) ||
	    !text(proxy, "hosts_file", "", MAX_PATH, &cfg->proxy_hosts_file, err) ||
	    !text(proxy, "control", "/run/escale/proxy/control.sock", MAX_PATH, &cfg->proxy_control,
		  err) ||
	    !cfg_bool(proxy, "enforce", true, &cfg->proxy_enforce, err) ||
	    !text(proxy, "resolv_conf", "/etc/resolv.conf", MAX_PATH, &cfg->proxy_resolv_conf,
		  err) ||
	    !cfg_int(proxy, "max_connections", 256, 1, 4096, &cfg->proxy_max_connections, err) ||
	    !cfg_int(proxy, "header_seconds", 10, 1, 300, &cfg->proxy_header_seconds, err) ||
	    !cfg_int(proxy, "dns_seconds", 5, 1, 60, &cfg->proxy_dns_seconds, err) ||
	    !cfg_int(proxy, "connect_seconds", 10, 1, 120, &cfg->proxy_connect_seconds, err) ||
	    !cfg_int(proxy, "idle_seconds", 300, 1, 86400, &cfg->proxy_idle_seconds, err))
		return false;
	cfg->proxy_listen_port = 0;
	if (!host_port(proxy, "listen", "proxy.listen", cfg->proxy_listen, host,
		       &cfg->proxy_listen_port, err))
		return false;
	struct in_addr a4;
	struct in6_addr a6;
	bool loop = (inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127) ||
		    (inet_pton(AF_INET6, host, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6));
	if (!loop || cfg->proxy_listen_port == 0)
		return cfg_fail(config_setting_get_member(proxy, "listen"), err,
				"proxy.listen must be a loopback address and a port, e.g. "
				"\"127.0.0.1:3128\" or \"[::1]:3128\": the proxy serves this "
				"computer only");
	cfg->proxy_listen_host = xstrdup(host);
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;
	if (!*cfg->proxy_control || cfg->proxy_control[0] != '/' ||
	    strlen(cfg->proxy_control) > max)
		return cfg_fail(config_setting_get_member(proxy, "control"), err,
				"proxy.control must be an absolute socket path of at most %zu "
				"characters",
				max);
	return true;
}

/* A name for CUPS (queue) or for the job's user name: letters, digits, '.', '_', '-'. */
static bool print_name(const config_setting_t *print, const char *key, const char *def,
		       bool may_be_empty, char **out, struct cfg_err *err)
{
	if (!cfg_string(print, key, def, 128, out, err))
		return false;
	const char *v = *out;
	bool ok = strlen(v) <= 64 && (may_be_empty || *v);
	for (size_t i = 0; ok && v[i]; i++)
		ok = (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		     (v[i] >= '0' && v[i] <= '9') || strchr("._-", v[i]);
	if (!ok)
		return cfg_fail(config_setting_get_member(print, key), err,
				"print.%s must be%s letters, digits, '.', '_' or '-' (at most 64)",
				key, may_be_empty ? " \"\" or" : "");
	return true;
}

static bool print_section(struct kiosk_cfg *cfg, const config_setting_t *print, struct cfg_err *err)
{
	return print_server(cfg, print, err) &&
	       print_name(print, "queue", "escale", false, &cfg->print_queue, err) &&
	       print_name(print, "kiosk_name", "", true, &cfg->print_kiosk_name, err);
}

static bool browser_command(struct kiosk_cfg *cfg, const config_setting_t *browser,
			    struct cfg_err *err)
{
	const config_setting_t *l;
	if (!list(browser, "command", &l, err))
		return false;
	if (!l) {
		for (int i = 0; default_browser[i]; i++)
			cfg->browser_argv[i] = xstrdup(default_browser[i]);
		return true;
	}
	int len = config_setting_length(l);
	if (len == 0)
		return cfg_fail(l, err,
				"'command' is empty: give the browser program then its arguments, "
				"e.g. [\"chromium\", \"--kiosk\", \"%%u\"]");
	if (len > KCFG_MAX_ARGS)
		return cfg_fail(l, err, "'command' holds %d arguments: at most %d", len,
				KCFG_MAX_ARGS);
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		const char *s;
		if (!elem_text(e, "browser.command", MAX_PATH, &s, err))
			return false;
		if (!*s)
			return cfg_fail(e, err, "browser.command: argument %d is empty", i + 1);
		/* Only %u and %d are replaced: anything else is surely a typo. */
		for (const char *pc = strchr(s, '%'); pc; pc = strchr(pc + 2, '%'))
			if (pc[1] != 'u' && pc[1] != 'd')
				return cfg_fail(e, err,
						"browser.command: argument %d: '%%' may only start "
						"%%u (the home page URL) or %%d (the session "
						"directory)",
						i + 1);
		cfg->browser_argv[i] = xstrdup(s);
	}
	return true;
}

/* The speech command: espeak-ng reads French or English (%l) at a calm pace; "--" so that
 * the text (%t) is never taken for an option. */
static const char *const default_speech[] = {"espeak-ng", "-v", "%l", "-s",
					     "150",       "--", "%t", NULL};

/* Whether PROG runs: an absolute path that is executable, or a name found in $PATH. */
static bool program_found(const char *prog)
{
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		char *f = xasprintf("%.*s/%s", (int)len, path, prog);
		bool ok = len > 0 && access(f, X_OK) == 0;
		free(f);
		if (ok)
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}

static bool speech_section(struct kiosk_cfg *cfg, const config_setting_t *speech,
			   struct cfg_err *err)
{
	const config_setting_t *l;
	if (!list(speech, "command", &l, err))
		return false;
	if (!l) {
		for (int i = 0; default_speech[i]; i++)
			cfg->speech_argv[i] = xstrdup(default_speech[i]);
	} else {
		int len = config_setting_length(l);
		if (len == 0)
			return cfg_fail(l, err,
					"'command' is empty: give the speech program then its "
					"arguments, e.g. [\"espeak-ng\", \"-v\", \"%%l\", \"--\", "
					"\"%%t\"]");
		if (len > KCFG_MAX_SPEECH_ARGS)
			return cfg_fail(l, err, "'command' holds %d arguments: at most %d", len,
					KCFG_MAX_SPEECH_ARGS);
		for (int i = 0; i < len; i++) {
			const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
			const char *s;
			if (!elem_text(e, "speech.command", MAX_PATH, &s, err))
				return false;
			if (!*s)
				return cfg_fail(e, err, "speech.command: argument %d is empty",
						i + 1);
			cfg->speech_argv[i] = xstrdup(s);
		}
	}
	/* Sound is offered where it can play: by default, when the program is installed. */
	bool found = program_found(cfg->speech_argv[0]);
	if (!cfg_bool(speech, "enabled", found, &cfg->speech_enabled, err))
		return false;
	if (cfg->speech_enabled && !found)
		log_warnx("speech.command: %s is not installed: the \"Écouter\" button stays "
			  "silent (apt install espeak-ng, or speech.enabled = false)",
			  cfg->speech_argv[0]);
	return true;
}

/* The "HH:MM-HH:MM" strings of list L into DAY; WHAT names the list in messages. */
static bool ranges(const config_setting_t *l, const char *what, struct hours_day *day,
		   struct cfg_err *err)
{
	if (!config_setting_is_array(l) && !config_setting_is_list(l))
		return cfg_fail(l, err,
				"'%s' must be a list of time ranges: [\"09:00-12:00\", ...]", what);
	int len = config_setting_length(l);
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		struct hours_range r;
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_fail(e, err,
					"%s: each time range must be a string, e.g. "
					"\"09:00-12:00\"",
					what);
		const char *s = config_setting_get_string(e);
		if (!hours_parse_range(s, &r))
			return cfg_fail(e, err,
					"%s: '%s' is not a time range: expected \"HH:MM-HH:MM\" "
					"with the start before the end, e.g. \"09:00-12:00\" "
					"(\"24:00\" ends at midnight)",
					what, quoted(s));
		if (day->n >= HOURS_MAX_RANGES)
			return cfg_fail(e, err, "%s: at most %d time ranges a day", what,
					HOURS_MAX_RANGES);
		if (!hours_day_add(day, r))
			return cfg_fail(e, err,
					"%s: '%s' overlaps another time range of the same day",
					what, s);
	}
	return true;
}

/* The date "YYYY-MM-DD" of setting E as a new exception of H, checked unique. */
static bool exception(struct hours *h, const config_setting_t *e, const char *what,
		      struct hours_exception **out, struct cfg_err *err)
{
	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return cfg_fail(e, err, "%s: a date must be a string \"YYYY-MM-DD\"", what);
	const char *s = config_setting_get_string(e);
	int64_t t;
	if (!date_parse_local(s, &t))
		return cfg_fail(
			e, err,
			"%s: '%s' is not a date: expected \"YYYY-MM-DD\", e.g. \"2026-12-25\"",
			what, quoted(s));
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	for (int i = 0; i < h->n_ex; i++)
		if (h->ex[i].year == y && h->ex[i].month == m && h->ex[i].day == d)
			return cfg_fail(e, err, "%s: %s is listed twice (in closed or special)",
					what, s);
	if (h->n_ex >= HOURS_MAX_EXCEPTIONS)
		return cfg_fail(e, err,
				"%s: too many dates: at most %d closed and special days in all",
				what, HOURS_MAX_EXCEPTIONS);
	struct hours_exception *x = &h->ex[h->n_ex++];
	memset(x, 0, sizeof(*x));
	x->year = y;
	x->month = m;
	x->day = d;
	*out = x;
	return true;
}

static bool hours_section(struct hours *h, const config_setting_t *root, struct cfg_err *err)
{
	const config_setting_t *g, *l;
	memset(h, 0, sizeof(*h));
	if (!cfg_group(root, "hours", &g, err) || !cfg_only_keys(g, hours_keys, err))
		return false;
	if (!g) {
		h->always_open = true;
		return true;
	}
	for (int wd = 0; wd < 7; wd++) {
		l = config_setting_get_member(g, day_names[wd]);
		if (l && !ranges(l, day_names[wd], &h->week[wd], err))
			return false;
	}
	if (!list(g, "closed", &l, err))
		return false;
	for (int i = 0; l && i < config_setting_length(l); i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		struct hours_exception *x;
		if (!exception(h, e, "closed", &x, err))
			return false;
	}
	l = config_setting_get_member(g, "special");
	if (l && !config_setting_is_list(l))
		return cfg_fail(l, err,
				"'special' must be a list of groups: ( { date = \"YYYY-MM-DD\"; "
				"hours = [\"10:00-12:00\"]; }, ... )");
	for (int i = 0; l && i < config_setting_length(l); i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		const config_setting_t *date, *hl;
		if (!config_setting_is_group(e))
			return cfg_fail(
				e, err,
				"special: each entry must be a group { date = \"YYYY-MM-DD\"; "
				"hours = [ ... ]; }");
		if (!cfg_only_keys(e, special_keys, err))
			return false;
		date = config_setting_get_member(e, "date");
		hl = config_setting_get_member(e, "hours");
		if (!date || !hl)
			return cfg_fail(e, err,
					"special: each entry needs both 'date' and 'hours'");
		struct hours_exception *x;
		if (!exception(h, date, "special", &x, err) ||
		    !ranges(hl, "special hours", &x->hours, err))
			return false;
	}
	if (!hours_has_range(h))
		return cfg_fail(g, err,
				"'hours' has no time range on any day: the centre would never open "
				"(remove 'hours' to stay open at all times)");
	return true;
}

bool kconfig_service_id_ok(const char *s)
{
	return svc_id_ok(s);
}

static bool service_id(struct kservice *sv, const config_setting_t *e, struct cfg_err *err)
{
	char *id = NULL;
	if (!cfg_string(e, "id", NULL, 64, &id, err))
		return false;
	if (!id) {
		svc_slug(sv->name, sv->id);
		return true;
	}
	bool ok = kconfig_service_id_ok(id);
	if (ok)
		snprintf(sv->id, sizeof(sv->id), "%s", id);
	free(id);
	if (!ok)
		return cfg_fail(config_setting_get_member(e, "id"), err,
				"service '%s': 'id' must be 1 to %d lower-case letters, digits "
				"and inner dashes, e.g. \"france-travail\"",
				sv->name, KCFG_SERVICE_ID_MAX);
	return true;
}

static bool service(struct kservice *sv, const config_setting_t *e, int index, struct cfg_err *err)
{
	if (!config_setting_is_group(e))
		return cfg_fail(e, err,
				"services: each entry must be a group { name = \"...\"; url = "
				"\"https://...\"; domains = [ ... ]; }");
	if (!cfg_only_keys(e, service_keys, err) ||
	    !text(e, "name", NULL, MAX_NAME, &sv->name, err) ||
	    !text(e, "url", NULL, MAX_URL, &sv->url, err) ||
	    !text(e, "category", "", MAX_NAME, &sv->category, err) ||
	    !text(e, "icon", "", SVC_ICON_MAX, &sv->icon, err))
		return false;
	if (!sv->name || !*sv->name)
		return cfg_fail(e, err, "service %d: 'name' is required (1 to %d characters)",
				index, MAX_NAME);
	if (!sv->url)
		return cfg_fail(e, err,
				"service '%s': 'url' is required (its home page, https://...)",
				sv->name);
	if (!service_id(sv, e, err) || !cfg_bool(e, "intranet", false, &sv->intranet, err))
		return false;
	char host[256];
	const config_setting_t *u = config_setting_get_member(e, "url");
	if (!check_url(u, "url", sv->url, host, err))
		return false;
	const config_setting_t *l;
	if (!list(e, "domains", &l, err))
		return false;
	if (!l || config_setting_length(l) == 0)
		return cfg_fail(l ? l : e, err,
				"service '%s': 'domains' is required: the hosts it may visit, e.g. "
				"[\"caf.fr\"]",
				sv->name);
	int len = config_setting_length(l);
	if (len > KCFG_MAX_DOMAINS)
		return cfg_fail(l, err, "service '%s': %d domains, at most %d", sv->name, len,
				KCFG_MAX_DOMAINS);
	for (int i = 0; i < len; i++) {
		const config_setting_t *d = config_setting_get_elem(l, (unsigned)i);
		const char *s;
		if (!elem_text(d, "domains", 254, &s, err))
			return false;
		if (!svc_domain_ok(s))
			return cfg_fail(
				d, err,
				"domains: '%s' is not a host name: expected lowercase "
				"letters, digits, dots and dashes, e.g. \"caf.fr\" (a leading "
				"dot means that host only)",
				s);
		for (int j = 0; j < i; j++)
			if (strcmp(sv->domains[j], s) == 0)
				return cfg_fail(d, err, "domains: '%s' is listed twice", s);
		sv->domains[i] = xstrdup(s);
		sv->n_domains = i + 1;
	}
	bool covered = false;
	for (int i = 0; i < sv->n_domains; i++)
		covered |= svc_domain_covers(sv->domains[i], host);
	if (!covered)
		return cfg_fail(u, err,
				"service '%s': its url's host '%s' is not in its domains, so the "
				"browser would refuse its home page",
				sv->name, host);
	/* The rules admind's list follows too (e.g. the icon's). */
	char why[300];
	if (!svc_check(sv, why, sizeof(why)))
		return cfg_fail(e, err, "%s", why);
	return true;
}

static bool services_section(struct kiosk_cfg *cfg, const config_setting_t *root,
			     struct cfg_err *err)
{
	const config_setting_t *l = config_setting_get_member(root, "services");
	if (!l) {
		for (size_t i = 0; i < ARRAY_LEN(default_services); i++) {
			struct kservice *sv = &cfg->services[cfg->n_services++];
			sv->name = xstrdup(default_services[i].name);
			sv->url = xstrdup(default_services[i].url);
			sv->category = xstrdup(default_services[i].category);
			sv->icon = xstrdup("");
			svc_slug(sv->name, sv->id);
			for (int j = 0; default_services[i].domains[j]; j++)
				sv->domains[sv->n_domains++] =
					xstrdup(default_services[i].domains[j]);
		}
		return true;
	}
	if (!config_setting_is_list(l))
		return cfg_fail(l, err,
				"'services' must be a list of groups: ( { name = \"...\"; url = "
				"\"https://...\"; domains = [ ... ]; }, ... )");
	int len = config_setting_length(l);
	if (len == 0)
		return cfg_fail(l, err,
				"'services' is empty: list at least one service, or remove "
				"'services' to use the default list");
	for (int i = 0; i < len; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		if (i >= KCFG_MAX_SERVICES)
			return cfg_fail(e, err, "too many services: at most %d", KCFG_MAX_SERVICES);
		struct kservice *sv = &cfg->services[cfg->n_services++];
		if (!service(sv, e, i + 1, err))
			return false;
		char why[300];
		if (!svc_check_list(cfg->services, cfg->n_services, why, sizeof(why)))
			return cfg_fail(e, err, "%s", why);
	}
	return true;
}

static bool keyboard_section(struct kiosk_cfg *cfg, const config_setting_t *kbd,
			     struct cfg_err *err)
{
	char *mode = NULL;
	if (!cfg_string(kbd, "onscreen", "auto", 16, &mode, err))
		return false;
	enum osk_mode m;
	bool ok = osk_mode_parse(mode, &m);
	free(mode);
	if (!ok)
		return cfg_fail(config_setting_get_member(kbd, "onscreen"), err,
				"keyboard.onscreen must be \"auto\", \"always\" or \"never\"");
	cfg->keyboard_onscreen = m;
	return true;
}

/* "settings = { local = [ \"session.idle_seconds\", ... ]; }": keys of admind's site
 * settings this PC keeps from its own file. */
static bool settings_section(struct kiosk_cfg *cfg, const config_setting_t *root,
			     struct cfg_err *err)
{
	const config_setting_t *g, *l;
	cfg->settings_local = 0;
	if (!cfg_group(root, "settings", &g, err) || !cfg_only_keys(g, settings_keys, err))
		return false;
	if (!g || !list(g, "local", &l, err))
		return g == NULL;
	for (int i = 0; l && i < config_setting_length(l); i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		const char *s = config_setting_get_string(e);
		int k = s ? sitecfg_key_find(s) : -1;
		/* The desk's keys are not a kiosk's; the services are chosen by admind for the
		 * kiosk's site before they reach it, so a PC cannot keep its own. */
		if (k < 0 || strncmp(s, "desk.", 5) == 0 || k == SK_SERVICES ||
		    k == SK_ACCOMPANIED_SERVICES)
			return cfg_fail(e, err,
					"settings.local: each entry is a key of the site's "
					"settings: hours, session.warn_minutes, "
					"session.closing_warn_minutes, session.idle_seconds, "
					"session.idle_grace_seconds, language, languages or "
					"centre_name");
		cfg->settings_local |= 1u << k;
	}
	return true;
}

/* "languages = [ \"fr\", \"ar\" ]": the languages the welcome screen offers, in order (all
 * nine by default); "language" must be one of them. */
static bool languages(struct kiosk_cfg *cfg, const config_setting_t *root, struct cfg_err *err)
{
	const config_setting_t *l;
	if (!list(root, "languages", &l, err))
		return false;
	cfg->n_languages = 0;
	if (!l) {
		for (int i = 0; i < LANG_COUNT; i++)
			cfg->languages[cfg->n_languages++] = i;
		return true;
	}
	int n = config_setting_length(l);
	if (n < 1 || n > LANG_COUNT)
		return cfg_fail(l, err,
				"languages: list 1 to %d of fr, en, ar, es, pt, tr, ro, uk, ru",
				LANG_COUNT);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		const char *s;
		if (!elem_text(e, "languages", 8, &s, err))
			return false;
		int k = lang_index(s);
		if (k < 0)
			return cfg_fail(e, err,
					"languages: \"%s\" is not one of fr, en, ar, es, pt, tr, "
					"ro, uk, ru",
					quoted(s));
		for (int j = 0; j < cfg->n_languages; j++)
			if (cfg->languages[j] == k)
				return cfg_fail(e, err, "languages: \"%s\" is listed twice", s);
		cfg->languages[cfg->n_languages++] = k;
	}
	for (int j = 0; j < cfg->n_languages; j++)
		if (cfg->languages[j] == lang_index(cfg->language))
			return true;
	return cfg_fail(l, err, "languages must list the default language (language = \"%s\")",
			cfg->language);
}

static bool top_section(struct kiosk_cfg *cfg, const config_setting_t *root, struct cfg_err *err)
{
	enum log_level level;
	if (!text(root, "centre_name", "Espace Social Commun", 80, &cfg->centre_name, err) ||
	    !text(root, "language", "fr", 8, &cfg->language, err) ||
	    !text(root, "state_dir", "/var/lib/escale/kiosk", MAX_PATH, &cfg->state_dir, err) ||
	    !text(root, "runtime_dir", "/run/escale/kiosk", MAX_PATH, &cfg->runtime_dir, err) ||
	    !text(root, "log_file", "", MAX_PATH, &cfg->log_file, err) ||
	    !text(root, "log_level", "info", 16, &cfg->log_level, err))
		return false;
	if (!*cfg->centre_name)
		return cfg_fail(config_setting_get_member(root, "centre_name"), err,
				"centre_name must not be empty");
	if (!lang_find(cfg->language))
		return cfg_fail(config_setting_get_member(root, "language"), err,
				"language must be one of fr, en, ar, es, pt, tr, ro, uk, ru");
	if (!languages(cfg, root, err))
		return false;
	if (!log_parse_level(cfg->log_level, &level))
		return cfg_fail(config_setting_get_member(root, "log_level"), err,
				"log_level must be \"error\", \"warn\", \"info\" or \"debug\"");
	if (!not_empty(root, "state_dir", cfg->state_dir, err) ||
	    !not_empty(root, "runtime_dir", cfg->runtime_dir, err))
		return false;
	/* The control socket's path must fit in sockaddr_un. */
	size_t max_dir = sizeof(((struct sockaddr_un *)0)->sun_path) - sizeof("/kiosk.sock");
	if (strlen(cfg->runtime_dir) > max_dir)
		return cfg_fail(config_setting_get_member(root, "runtime_dir"), err,
				"runtime_dir is too long for a socket path: at most %zu characters",
				max_dir);
	return true;
}

bool kconfig_url_ok(const char *url, char host[256], struct cfg_err *err)
{
	return check_url(NULL, "the address", url, host, err);
}

/* The enrollment file, when there is one: its url and pin replace admin.url and admin.pin
 * (escale-kiosk --enroll fetched them from the server the technician named). */
static bool enrollment(struct kiosk_cfg *cfg, struct cfg_err *err)
{
	if (access(cfg->admin_enrollment_file, F_OK) != 0)
		return true;
	config_t cf;
	char host[256];
	char *url = NULL, *pin = NULL;
	if (!cfg_load(&cf, cfg->admin_enrollment_file, err)) {
		config_destroy(&cf); /* cfg_load initialised it */
		return false;
	}
	const config_setting_t *root = config_root_setting(&cf);
	bool ok = cfg_only_keys(root, enrollment_keys, err) &&
		  text(root, "url", NULL, MAX_URL, &url, err) &&
		  text(root, "pin", NULL, 1024, &pin, err);
	if (ok && !url)
		ok = required(cfg->admin_enrollment_file, NULL, "url",
			      "escale-kiosk --enroll writes it: enroll this PC again", err);
	ok = ok && check_url(config_setting_get_member(root, "url"), "url", url, host, err);
	if (ok && pin && !pin_ok(pin))
		ok = cfg_fail(config_setting_get_member(root, "pin"), err,
			      "pin must be \"sha256//\" followed by a 44-character base64 SHA-256");
	if (ok) {
		free(cfg->admin_url);
		free(cfg->admin_pin);
		cfg->admin_url = url;
		cfg->admin_pin = pin;
		cfg->enrolled = true;
	} else {
		free(url);
		free(pin);
	}
	config_destroy(&cf);
	return ok;
}

static bool admin_section(struct kiosk_cfg *cfg, const config_setting_t *admin, struct cfg_err *err)
{
	char host[256];
	if (!text(admin, "enrollment_file", "/etc/escale/kiosk-enrollment.conf", MAX_PATH,
		  &cfg->admin_enrollment_file, err) ||
	    !not_empty(admin, "enrollment_file", cfg->admin_enrollment_file, err) ||
	    !text(admin, "url", NULL, MAX_URL, &cfg->admin_url, err) ||
	    !text(admin, "token_file", NULL, MAX_PATH, &cfg->admin_token_file, err) ||
	    !text(admin, "ca_file", NULL, MAX_PATH, &cfg->admin_ca_file, err) ||
	    !text(admin, "pin", NULL, 1024, &cfg->admin_pin, err) ||
	    !cfg_int(admin, "timeout_ms", 3000, 100, 60000, &cfg->admin_timeout_ms, err) ||
	    !cfg_int(admin, "sync_seconds", 60, 1, 86400, &cfg->sync_seconds, err) ||
	    !cfg_int(admin, "heartbeat_seconds", 5, 1, 60, &cfg->heartbeat_seconds, err))
		return false;
	/* The pin below is checked before the enrollment replaces it: both must be good. */
	if (cfg->admin_pin && !pin_ok(cfg->admin_pin))
		return cfg_fail(
			config_setting_get_member(admin, "pin"), err,
			"admin.pin must be \"sha256//\" followed by the 44-character base64 "
			"SHA-256 of admind's public key (several joined by ';')");
	if (!enrollment(cfg, err))
		return false;
	if (cfg->enrolled)
		return not_empty(admin, "token_file", cfg->admin_token_file, err) &&
		       not_empty(admin, "ca_file", cfg->admin_ca_file, err) &&
		       (cfg->admin_token_file ||
			required(cfg->path, admin, "admin.token_file",
				 "the file holding this kiosk's token", err));
	if (!cfg->admin_url)
		return required(cfg->path, admin, "admin.url",
				"the address of escale-admind, e.g. "
				"\"https://admin.example.org:8443\"",
				err);
	if (!check_url(config_setting_get_member(admin, "url"), "admin.url", cfg->admin_url, host,
		       err))
		return false;
	if (!cfg->admin_token_file)
		return required(cfg->path, admin, "admin.token_file",
				"the file holding this kiosk's token, e.g. "
				"\"/etc/escale/kiosk.token\"",
				err);
	return not_empty(admin, "token_file", cfg->admin_token_file, err) &&
	       not_empty(admin, "ca_file", cfg->admin_ca_file, err);
}

/* scan and usb (docs/kiosk.md, "Documents"): the scanner and the USB keys. */
static bool documents_section(struct kiosk_cfg *cfg, const config_setting_t *root,
			      struct cfg_err *err)
{
	const config_setting_t *scan, *usb;
	int64_t res;
	if (!cfg_group(root, "scan", &scan, err) || !cfg_only_keys(scan, scan_keys, err) ||
	    !cfg_group(root, "usb", &usb, err) || !cfg_only_keys(usb, usb_keys, err) ||
	    !cfg_string(scan, "device", "", 255, &cfg->scan_device, err) ||
	    !cfg_int(scan, "resolution", 150, 75, 300, &res, err) ||
	    !cfg_bool(usb, "enabled", true, &cfg->usb_enabled, err))
		return false;
	cfg->scan_resolution = (int)res;
	return true;
}

bool kconfig_load(struct kiosk_cfg *cfg, const char *path, struct cfg_err *err)
{
	config_t cf;
	bool ok = false;
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = xstrdup(path);
	if (!cfg_load(&cf, path, err))
		goto out;
	const config_setting_t *root = config_root_setting(&cf);
	const config_setting_t *admin, *browser, *print, *keyboard, *session, *login, *proxy,
		*speech;
	if (!cfg_only_keys(root, top_keys, err) || !cfg_group(root, "admin", &admin, err) ||
	    !cfg_group(root, "browser", &browser, err) || !cfg_group(root, "print", &print, err) ||
	    !cfg_only_keys(print, print_keys, err) ||
	    !cfg_group(root, "keyboard", &keyboard, err) ||
	    !cfg_only_keys(keyboard, keyboard_keys, err) ||
	    !cfg_group(root, "session", &session, err) || !cfg_group(root, "login", &login, err) ||
	    !cfg_group(root, "proxy", &proxy, err) || !cfg_only_keys(proxy, proxy_keys, err) ||
	    !cfg_only_keys(admin, admin_keys, err) || !cfg_only_keys(browser, browser_keys, err) ||
	    !cfg_only_keys(session, session_keys, err) || !cfg_only_keys(login, login_keys, err) ||
	    !cfg_group(root, "speech", &speech, err) || !cfg_only_keys(speech, speech_keys, err))
		goto out;
	/* In the order of the example config, so that the first error in the file is named. */
	if (!top_section(cfg, root, err) || !admin_section(cfg, admin, err) ||
	    !browser_command(cfg, browser, err) ||
	    !cfg_int(browser, "restarts", 1, 0, 5, &cfg->browser_restarts, err) ||
	    !browser_user(cfg, browser, err) || !print_section(cfg, print, err) ||
	    !keyboard_section(cfg, keyboard, err) ||
	    !minutes(session, "warn_minutes", default_warn, (int)ARRAY_LEN(default_warn),
		     cfg->warn_minutes, &cfg->n_warn, err) ||
	    !minutes(session, "closing_warn_minutes", default_closing_warn,
		     (int)ARRAY_LEN(default_closing_warn), cfg->closing_warn_minutes,
		     &cfg->n_closing_warn, err) ||
	    !cfg_int(session, "idle_seconds", 300, 10, 7200, &cfg->idle_seconds, err) ||
	    !cfg_int(session, "idle_grace_seconds", 60, 5, 600, &cfg->idle_grace_seconds, err) ||
	    !cfg_int(session, "ending_ms", 1500, 0, 10000, &cfg->ending_ms, err) ||
	    !cfg_int(session, "message_seconds", 60, 5, 3600, &cfg->message_seconds, err) ||
	    !cfg_int(login, "max_failures", 5, 1, 100, &cfg->login_max_failures, err) ||
	    !cfg_int(login, "lockout_seconds", 30, 1, 3600, &cfg->login_lockout_seconds, err) ||
	    !cfg_int(login, "lockout_max_seconds", 600, 1, 86400, &cfg->login_lockout_max, err) ||
	    !cfg_int(login, "code_length", 8, 4, 32, &cfg->code_length, err))
		goto out;
	char *alphabet = NULL;
	if (!cfg_string(login, "alphabet", "digits", 16, &alphabet, err))
		goto out;
	cfg->code_alnum = strcmp(alphabet, "alnum") == 0;
	if (!cfg->code_alnum && strcmp(alphabet, "digits") != 0) {
		free(alphabet);
		cfg_fail(config_setting_get_member(login, "alphabet"), err,
			 "login.alphabet must be \"digits\" or \"alnum\", as admind's "
			 "codes.alphabet");
		goto out;
	}
	free(alphabet);
	if (cfg->login_lockout_max < cfg->login_lockout_seconds) {
		cfg_fail(config_setting_get_member(login, "lockout_max_seconds"), err,
			 "login.lockout_max_seconds must be at least login.lockout_seconds");
		goto out;
	}
	if (!proxy_section(cfg, proxy, err) || !hours_section(&cfg->hours, root, err) ||
	    !services_section(cfg, root, err) || !speech_section(cfg, speech, err) ||
	    !settings_section(cfg, root, err) || !documents_section(cfg, root, err))
		goto out;
	ok = true;
out:
	config_destroy(&cf);
	if (!ok)
		kconfig_free(cfg);
	return ok;
}

void kconfig_free(struct kiosk_cfg *cfg)
{
	free(cfg->path);
	free(cfg->centre_name);
	free(cfg->language);
	free(cfg->state_dir);
	free(cfg->runtime_dir);
	free(cfg->log_file);
	free(cfg->log_level);
	free(cfg->browser_user);
	free(cfg->print_server);
	free(cfg->print_host);
	free(cfg->print_queue);
	free(cfg->scan_device);
	free(cfg->print_kiosk_name);
	free(cfg->proxy_listen);
	free(cfg->proxy_listen_host);
	free(cfg->proxy_hosts_file);
	free(cfg->proxy_resolv_conf);
	free(cfg->proxy_control);
	free(cfg->admin_url);
	free(cfg->admin_token_file);
	free(cfg->admin_ca_file);
	free(cfg->admin_pin);
	free(cfg->admin_enrollment_file);
	for (int i = 0; i < KCFG_MAX_ARGS && cfg->browser_argv[i]; i++)
		free(cfg->browser_argv[i]);
	for (int i = 0; i < KCFG_MAX_SPEECH_ARGS && cfg->speech_argv[i]; i++)
		free(cfg->speech_argv[i]);
	svc_free(cfg->services, cfg->n_services);
	memset(cfg, 0, sizeof(*cfg));
}

char *kconfig_socket_path(const struct kiosk_cfg *cfg)
{
	return xasprintf("%s/kiosk.sock", cfg->runtime_dir);
}
