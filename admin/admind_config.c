/* admind_config: every escale-admind setting, its default and its checks. */
#include "admind.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "pdfcount.h"
#include "util.h"

static const char *const top_keys[] = {"listen",
				       "database",
				       "secret_file",
				       "tls",
				       "allow_plain_http",
				       "threads",
				       "max_body_bytes",
				       "max_connections_per_ip",
				       "max_connections",
				       "connection_memory_kib",
				       "request_deadline_seconds",
				       "log_file",
				       "log_level",
				       "codes",
				       "sessions",
				       "kiosks",
				       "login",
				       "offline",
				       "retention_days",
				       "print",
				       "web",
				       "desk",
				       "metrics",
				       "services",
				       NULL};
static const char *const web_keys[] = {"root",
				       "idle_minutes",
				       "max_hours",
				       "login_max_failures",
				       "name_max_failures",
				       "address_max_failures",
				       "lockout_seconds",
				       "lockout_max_seconds",
				       "login_workers",
				       "login_queue",
				       NULL};
static const char *const desk_keys[] = {"centre",      "presets",    "services", "rules",
					"spare_count", "spare_days", NULL};
static const char *const preset_keys[] = {"minutes", "pages", NULL};
static const char *const default_services[] = {"CAF",         "France Travail", "ameli",
					       "impots.gouv", "ANTS",           NULL};
static const char *const default_rules[] = {
	"Tapez ce code sur l'écran du poste. Les espaces ne comptent pas.",
	"Le temps compte pendant que vous êtes connecté. Cliquez sur « Terminer » pour garder "
	"le reste pour plus tard.",
	"À la fin, tout est effacé du poste : pensez à imprimer ce dont vous avez besoin.",
	"Une question ? Demandez à l'accueil.", NULL};
static const char *const tls_keys[] = {"certificate", "key", NULL};
static const char *const codes_keys[] = {"length",
					 "alphabet",
					 "default_minutes",
					 "default_pages",
					 "default_days",
					 "max_count",
					 "accompany_minutes",
					 "accompany_pages",
					 NULL};
static const char *const sessions_keys[] = {"heartbeat_seconds", "session_heartbeat_seconds",
					    "stale_seconds", NULL};
static const char *const kiosks_keys[] = {"offline_seconds", NULL};
static const char *const metrics_keys[] = {"enabled", NULL};
static const char *const services_keys[] = {"catalogue", NULL};
static const char *const login_keys[] = {"max_failures", "lockout_seconds", "lockout_max_seconds",
					 NULL};
static const char *const offline_keys[] = {"opslimit", "memlimit_kib", NULL};
static const char *const print_keys[] = {"enabled",
					 "cups_server",
					 "queue",
					 "poll_ms",
					 "max_document_bytes",
					 "stuck_seconds",
					 "purge_history",
					 "release_key_file",
					 "pagecount_helper",
					 "pagecount_seconds",
					 "queues",
					 NULL};
static const char *const print_queue_keys[] = {
	"name", "site", "cups_server", "queue", "release_key_file", NULL};

/* A CUPS queue name, or admind's name of a printer: letters, digits, '_', '-', '.'. */
static bool queue_name_ok(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			       "0123456789_-.") == strlen(s);
}

/* The release key of queue NAME by default: print-release-NAME.key beside the
 * database (the single queue's stays print-release.key). */
static char *key_beside(const char *database, const char *name)
{
	const char *slash = strrchr(database, '/');
	return xasprintf("%.*sprint-release%s%s.key", slash ? (int)(slash - database + 1) : 0,
			 database, name ? "-" : "", name ? name : "");
}

/* print.queues: ( { name = "…"; site = "…"; cups_server = "…"; queue = "…"; }, … ),
 * at most PRINT_MAX_QUEUES, names unique. Absent: the single queue of
 * print.cups_server and print.queue. */
static bool print_queues(const config_setting_t *print, struct admind_config *c,
			 struct cfg_err *err)
{
	struct print_config *p = &c->print;
	const config_setting_t *l = print ? config_setting_get_member(print, "queues") : NULL;
	if (!l) {
		p->queues = xcalloc(1, sizeof(*p->queues));
		p->n_queues = 1;
		p->queues[0] = (struct print_queue_config){.name = xstrdup(p->queue),
							   .site = xstrdup(""),
							   .cups_server = xstrdup(p->cups_server),
							   .queue = xstrdup(p->queue),
							   .release_key_file =
								   xstrdup(p->release_key_file)};
		return true;
	}
	if (config_setting_get_member(print, "queue") ||
	    config_setting_get_member(print, "cups_server"))
		return cfg_fail(l, err,
				"print.queues replaces print.queue and print.cups_server:"
				" remove those two keys, or print.queues");
	if (!config_setting_is_list(l) || config_setting_length(l) > PRINT_MAX_QUEUES)
		return cfg_fail(
			l, err,
			"print.queues must be a list of 0 to %d groups: ( { name = \"accueil\";"
			" site = \"ESC Nord\"; cups_server = \"10.0.1.5:631\"; queue ="
			" \"escale\"; }, … )",
			PRINT_MAX_QUEUES);
	int n = config_setting_length(l);
	p->queues = xcalloc((size_t)n, sizeof(*p->queues));
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		if (!config_setting_is_group(e))
			return cfg_fail(e, err,
					"print.queues: each entry is a group { name = \"…\"; site ="
					" \"…\"; cups_server = \"…\"; queue = \"escale\"; }");
		struct print_queue_config *q = &p->queues[p->n_queues++];
		if (!cfg_only_keys(e, print_queue_keys, err) ||
		    !cfg_string(e, "name", NULL, 63, &q->name, err) ||
		    !cfg_string(e, "site", "", 64, &q->site, err) ||
		    !cfg_string(e, "cups_server", "", 4096, &q->cups_server, err) ||
		    !cfg_string(e, "queue", "escale", 127, &q->queue, err) ||
		    !cfg_string(e, "release_key_file", NULL, 4096, &q->release_key_file, err))
			return false;
		/* (a segment of /api/v1/printers/NAME/resume: no '.') */
		if (!q->name || !queue_name_ok(q->name) || strchr(q->name, '.'))
			return cfg_fail(e, err,
					"print.queues: each entry needs a name of letters, digits,"
					" '_' and '-' (the printer's name on the desk)");
		if (!queue_name_ok(q->queue))
			return cfg_fail(config_setting_get_member(e, "queue"), err,
					"print.queues: queue must be a CUPS queue name (letters,"
					" digits, '_', '-', '.')");
		if (!utf8_valid_text(q->site, strlen(q->site)))
			return cfg_fail(config_setting_get_member(e, "site"), err,
					"print.queues: site must be text");
		for (size_t j = 0; j + 1 < p->n_queues; j++) {
			if (strcmp(p->queues[j].name, q->name) == 0)
				return cfg_fail(
					e, err,
					"print.queues: two printers named %s: give each its own"
					" name",
					q->name);
			if (strcmp(p->queues[j].cups_server, q->cups_server) == 0 &&
			    strcmp(p->queues[j].queue, q->queue) == 0)
				return cfg_fail(
					e, err,
					"print.queues: %s and %s are the same queue %s on the"
					" same server: list it once",
					p->queues[j].name, q->name, q->queue);
		}
		if (!q->release_key_file)
			q->release_key_file = key_beside(c->database, q->name);
	}
	return true;
}

/* A list of at most DESK_MAX_LINES strings of 1..MAXLEN bytes, or DEFS when absent. */
static bool string_list(const config_setting_t *group, const char *name, size_t maxlen,
			const char *const *defs, char ***out, struct cfg_err *err)
{
	const config_setting_t *l = group ? config_setting_get_member(group, name) : NULL;
	int n = 0;
	if (!l) {
		while (defs[n])
			n++;
		*out = xcalloc((size_t)n + 1, sizeof(char *));
		for (int i = 0; i < n; i++)
			(*out)[i] = xstrdup(defs[i]);
		return true;
	}
	if (!config_setting_is_array(l) && !config_setting_is_list(l))
		return cfg_fail(l, err, "%s must be a list of strings: [\"…\", \"…\"]", name);
	n = config_setting_length(l);
	if (n > DESK_MAX_LINES)
		return cfg_fail(l, err, "%s: at most %d entries", name, DESK_MAX_LINES);
	*out = xcalloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
		const char *v = config_setting_get_string(e);
		if (!v || !*v || strlen(v) > maxlen || !utf8_valid_text(v, strlen(v)))
			return cfg_fail(e, err, "%s: each entry is text of 1 to %zu bytes", name,
					maxlen);
		(*out)[i] = xstrdup(v);
	}
	return true;
}

static bool desk_presets(const config_setting_t *desk, struct desk_config *d, struct cfg_err *err)
{
	const config_setting_t *l = desk ? config_setting_get_member(desk, "presets") : NULL;
	if (!l) {
		static const struct desk_preset defs[] = {{30, 5}, {60, 10}, {120, 20}};
		d->npresets = (int)ARRAY_LEN(defs);
		memcpy(d->presets, defs, sizeof(defs));
		return true;
	}
	if (!config_setting_is_list(l) || config_setting_length(l) > DESK_MAX_PRESETS)
		return cfg_fail(l, err,
				"desk.presets must be a list of at most %d groups:"
				" ( { minutes = 30; pages = 5; }, … )",
				DESK_MAX_PRESETS);
	d->npresets = config_setting_length(l);
	for (int i = 0; i < d->npresets; i++) {
		const config_setting_t *g = config_setting_get_elem(l, (unsigned)i);
		if (!config_setting_is_group(g))
			return cfg_fail(g, err,
					"desk.presets: each entry is { minutes = N; pages = N; }");
		if (!cfg_only_keys(g, preset_keys, err) ||
		    !cfg_int(g, "minutes", 60, 1, 1440, &d->presets[i].minutes, err) ||
		    !cfg_int(g, "pages", 10, 0, 1000, &d->presets[i].pages, err))
			return false;
	}
	return true;
}

/* "127.0.0.1:8080" or "[::1]:8080", numeric only: no name lookups at start. */
static bool parse_listen(struct admind_config *c, const config_setting_t *where,
			 struct cfg_err *err)
{
	const char *s = c->listen;
	char host[64];
	const char *colon;
	if (*s == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof(host))
			return cfg_fail(where, err, "listen: expected \"[ADDRESS]:PORT\"");
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			return cfg_fail(
				where, err,
				"listen: expected \"ADDRESS:PORT\", e.g. \"127.0.0.1:8080\"");
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	int64_t port;
	if (!parse_i64(colon + 1, 1, 65535, &port))
		return cfg_fail(where, err, "listen: the port must be a number from 1 to 65535");
	memset(&c->addr, 0, sizeof(c->addr));
	struct sockaddr_in *v4 = (struct sockaddr_in *)&c->addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&c->addr;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		c->addr_len = sizeof(*v4);
		c->loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		c->addr_len = sizeof(*v6);
		c->loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
	} else {
		return cfg_fail(where, err, "listen: '%s' is not an IPv4 or IPv6 address", host);
	}
	return true;
}

bool admind_config_load(const char *file, struct admind_config *c, struct cfg_err *err)
{
	config_t cf;
	bool ok = false;
	memset(c, 0, sizeof(*c));
	c->file = xstrdup(file);
	if (!cfg_load(&cf, file, err))
		goto out;
	const config_setting_t *root = config_root_setting(&cf);
	const config_setting_t *tls, *codes, *sessions, *kiosks, *login, *offline, *print, *web,
		*desk, *metrics, *services;
	if (!cfg_only_keys(root, top_keys, err) || !cfg_group(root, "tls", &tls, err) ||
	    !cfg_group(root, "codes", &codes, err) ||
	    !cfg_group(root, "sessions", &sessions, err) ||
	    !cfg_group(root, "kiosks", &kiosks, err) || !cfg_group(root, "login", &login, err) ||
	    !cfg_group(root, "offline", &offline, err) || !cfg_group(root, "print", &print, err) ||
	    !cfg_only_keys(print, print_keys, err) || !cfg_only_keys(tls, tls_keys, err) ||
	    !cfg_only_keys(codes, codes_keys, err) ||
	    !cfg_only_keys(sessions, sessions_keys, err) ||
	    !cfg_only_keys(kiosks, kiosks_keys, err) || !cfg_only_keys(login, login_keys, err) ||
	    !cfg_only_keys(offline, offline_keys, err) || !cfg_group(root, "web", &web, err) ||
	    !cfg_group(root, "desk", &desk, err) || !cfg_only_keys(web, web_keys, err) ||
	    !cfg_only_keys(desk, desk_keys, err) || !cfg_group(root, "metrics", &metrics, err) ||
	    !cfg_only_keys(metrics, metrics_keys, err) ||
	    !cfg_group(root, "services", &services, err) ||
	    !cfg_only_keys(services, services_keys, err) ||
	    !cfg_string(services, "catalogue", ESCALE_CATALOGUE, 4096, &c->services_catalogue, err))
		goto out;

	char *alphabet = NULL, *level = NULL;
	int64_t memkib, idle_min, max_h;
	if (!cfg_string(root, "listen", NULL, 80, &c->listen, err) ||
	    !cfg_string(root, "database", NULL, 4096, &c->database, err) ||
	    !cfg_string(root, "secret_file", NULL, 4096, &c->secret_file, err) ||
	    !cfg_string(tls, "certificate", NULL, 4096, &c->tls_cert, err) ||
	    !cfg_string(tls, "key", NULL, 4096, &c->tls_key, err) ||
	    !cfg_bool(root, "allow_plain_http", false, &c->allow_plain_http, err) ||
	    !cfg_bool(metrics, "enabled", false, &c->metrics_enabled, err) ||
	    !cfg_int(root, "threads", 0, 0, 256, &c->threads, err) ||
	    !cfg_int(root, "max_body_bytes", 65536, 1024, 16 << 20, &c->max_body, err) ||
	    !cfg_int(root, "max_connections_per_ip", 256, 0, 65536, &c->max_conn_per_ip, err) ||
	    !cfg_int(root, "max_connections", 16384, 16, 1000000, &c->max_connections, err) ||
	    !cfg_int(root, "connection_memory_kib", 4, 2, 256, &c->connection_memory_kib, err) ||
	    !cfg_int(root, "request_deadline_seconds", 45, 2, 3600, &c->request_deadline_seconds,
		     err) ||
	    !cfg_string(root, "log_file", "", 4096, &c->log_file, err) ||
	    !cfg_string(root, "log_level", "info", 16, &level, err) ||
	    !cfg_int(codes, "length", 8, CODE_MIN_LEN, CODE_MAX_LEN, &c->code_length, err) ||
	    !cfg_string(codes, "alphabet", "digits", 16, &alphabet, err) ||
	    !cfg_int(codes, "default_minutes", 60, 1, 1440, &c->default_minutes, err) ||
	    !cfg_int(codes, "default_pages", 10, 0, 1000, &c->default_pages, err) ||
	    !cfg_int(codes, "default_days", 30, 1, 366, &c->default_days, err) ||
	    !cfg_int(codes, "max_count", 500, 1, 10000, &c->max_count, err) ||
	    !cfg_int(codes, "accompany_minutes", 10, 1, 60, &c->accompany_minutes, err) ||
	    !cfg_int(codes, "accompany_pages", 20, 0, 1000, &c->accompany_pages, err) ||
	    !cfg_int(sessions, "heartbeat_seconds", 5, 1, 300, &c->heartbeat_seconds, err) ||
	    !cfg_int(sessions, "session_heartbeat_seconds", 2, 1, 300,
		     &c->session_heartbeat_seconds, err) ||
	    !cfg_int(sessions, "stale_seconds", 120, 1, 86400, &c->pol.stale_seconds, err) ||
	    !cfg_int(kiosks, "offline_seconds", 30, 1, 86400, &c->pol.offline_seconds, err) ||
	    !cfg_int(login, "max_failures", 5, 1, 1000000, &c->max_failures, err) ||
	    !cfg_int(login, "lockout_seconds", 30, 1, 86400, &c->lockout_seconds, err) ||
	    !cfg_int(login, "lockout_max_seconds", 900, 1, 86400, &c->lockout_max_seconds, err) ||
	    !cfg_int(offline, "opslimit", 2, 1, 10, &c->pol.opslimit, err) ||
	    !cfg_int(offline, "memlimit_kib", 32768, 8192, 1048576, &memkib, err) ||
	    !cfg_int(root, "retention_days", 365, 1, 36500, &c->pol.retention_days, err) ||
	    !cfg_bool(print, "enabled", false, &c->print.enabled, err) ||
	    !cfg_string(print, "cups_server", "", 4096, &c->print.cups_server, err) ||
	    !cfg_string(print, "queue", "escale", 127, &c->print.queue, err) ||
	    !cfg_int(print, "poll_ms", 1000, 100, 5000, &c->print.poll_ms, err) ||
	    !cfg_int(print, "max_document_bytes", 100 << 20, 1 << 16, 1 << 30,
		     &c->print.max_document_bytes, err) ||
	    !cfg_int(print, "stuck_seconds", 300, 10, 86400, &c->print.stuck_seconds, err) ||
	    !cfg_bool(print, "purge_history", true, &c->print.purge_history, err) ||
	    !cfg_string(print, "release_key_file", NULL, 4096, &c->print.release_key_file, err) ||
	    !cfg_string(print, "pagecount_helper", "", 4096, &c->print.pagecount_helper, err) ||
	    !cfg_int(print, "pagecount_seconds", 20, 1, 600, &c->print.pagecount_seconds, err) ||
	    !cfg_string(web, "root", ESCALE_WEBDIR, 4096, &c->web.root, err) ||
	    !cfg_int(web, "idle_minutes", 30, 1, 1440, &idle_min, err) ||
	    !cfg_int(web, "max_hours", 12, 1, 168, &max_h, err) ||
	    !cfg_int(web, "login_max_failures", 5, 1, 1000, &c->web.max_failures, err) ||
	    !cfg_int(web, "name_max_failures", 20, 1, 100000, &c->web.name_max_failures, err) ||
	    !cfg_int(web, "address_max_failures", 20, 1, 100000, &c->web.address_max_failures,
		     err) ||
	    !cfg_int(web, "lockout_seconds", 30, 1, 86400, &c->web.lockout_seconds, err) ||
	    !cfg_int(web, "lockout_max_seconds", 900, 1, 86400, &c->web.lockout_max_seconds, err) ||
	    !cfg_int(web, "login_workers", 1, 1, 16, &c->web.login_workers, err) ||
	    !cfg_int(web, "login_queue", 8, 1, 1024, &c->web.login_queue, err) ||
	    !cfg_string(desk, "centre", "", 200, &c->desk.centre, err) ||
	    !desk_presets(desk, &c->desk, err) ||
	    !string_list(desk, "services", 100, default_services, &c->desk.services, err) ||
	    !string_list(desk, "rules", 300, default_rules, &c->desk.rules, err) ||
	    !cfg_int(desk, "spare_count", 10, 1, 100, &c->desk.spare_count, err) ||
	    !cfg_int(desk, "spare_days", 28, 1, 366, &c->desk.spare_days, err)) {
		free(alphabet);
		free(level);
		goto out;
	}
	c->pol.memlimit_bytes = memkib * 1024;
	c->web.idle_seconds = idle_min * 60;
	c->web.max_seconds = max_h * 3600;
	bool alpha_ok = code_alphabet_parse(alphabet, &c->code_alphabet);
	bool level_ok = log_parse_level(level, &c->log_level);
	free(alphabet);
	free(level);
	if (!alpha_ok) {
		cfg_fail(config_setting_get_member(codes, "alphabet"), err,
			 "codes.alphabet must be \"digits\" or \"alnum\"");
		goto out;
	}
	if (!level_ok) {
		cfg_fail(config_setting_get_member(root, "log_level"), err,
			 "log_level must be \"error\", \"warn\", \"info\" or \"debug\"");
		goto out;
	}
	if (!c->listen || !c->database) {
		snprintf(err->msg, sizeof(err->msg), "%s:1: '%s' is required", file,
			 !c->listen ? "listen" : "database");
		goto out;
	}
	if (!*c->database) {
		cfg_fail(config_setting_get_member(root, "database"), err,
			 "database must not be empty");
		goto out;
	}
	if (!parse_listen(c, config_setting_get_member(root, "listen"), err))
		goto out;
	if (!c->tls_cert != !c->tls_key) {
		cfg_fail(tls, err, "tls needs both certificate and key");
		goto out;
	}
	if (!c->tls_cert && !c->loopback && !c->allow_plain_http) {
		cfg_fail(config_setting_get_member(root, "listen"), err,
			 "'%s' is not a loopback address: set tls.certificate and tls.key,"
			 " or allow_plain_http = true behind a TLS proxy",
			 c->listen);
		goto out;
	}
	if (c->lockout_max_seconds < c->lockout_seconds) {
		cfg_fail(config_setting_get_member(login, "lockout_max_seconds"), err,
			 "login.lockout_max_seconds must be at least login.lockout_seconds");
		goto out;
	}
	if (c->web.lockout_max_seconds < c->web.lockout_seconds) {
		cfg_fail(config_setting_get_member(web, "lockout_max_seconds"), err,
			 "web.lockout_max_seconds must be at least web.lockout_seconds");
		goto out;
	}
	if (!queue_name_ok(c->print.queue)) {
		cfg_fail(config_setting_get_member(print, "queue"), err,
			 "print.queue must be a CUPS queue name (letters, digits, '_', '-', '.')");
		goto out;
	}
	if (!c->secret_file)
		c->secret_file = xasprintf("%s.key", c->database);
	/* Beside the database: /var/lib/escale/print-release.key by default,
	 * where the backend looks for it (BK_MARK_KEY_FILE). */
	if (!c->print.release_key_file)
		c->print.release_key_file = key_beside(c->database, NULL);
	{
		const char *slash = strrchr(c->database, '/');
		c->print.runtime_key_prefix =
			xasprintf("%.*sprint-release-", slash ? (int)(slash - c->database + 1) : 0,
				  c->database);
	}
	if (!print_queues(print, c, err))
		goto out;
	if (!*c->print.pagecount_helper) {
		free(c->print.pagecount_helper);
		c->print.pagecount_helper = pdfcount_default_helper();
	}
	ok = true;
out:
	config_destroy(&cf);
	return ok;
}

void admind_config_free(struct admind_config *c)
{
	free(c->file);
	free(c->listen);
	free(c->database);
	free(c->secret_file);
	free(c->tls_cert);
	free(c->tls_key);
	free(c->log_file);
	free(c->print.cups_server);
	free(c->print.queue);
	free(c->print.release_key_file);
	free(c->print.runtime_key_prefix);
	free(c->print.pagecount_helper);
	for (size_t i = 0; i < c->print.n_queues; i++) {
		free(c->print.queues[i].name);
		free(c->print.queues[i].site);
		free(c->print.queues[i].cups_server);
		free(c->print.queues[i].queue);
		free(c->print.queues[i].release_key_file);
	}
	free(c->print.queues);
	free(c->web.root);
	free(c->desk.centre);
	free(c->services_catalogue);
	for (char **p = c->desk.services; p && *p; p++)
		free(*p);
	free(c->desk.services);
	for (char **p = c->desk.rules; p && *p; p++)
		free(*p);
	free(c->desk.rules);
}
