/* api_printers: printers added and removed at run time (POST and DELETE
 * /api/v1/printers, docs/API.md), beside print.queues'. */
#include "api.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "print.h"
#include "store_printers.h"
#include "util.h"

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

/* Adding and removing, one at a time: a printer's key file is written (or deleted) and its
 * row stored (or deleted) as one step, so that two requests for one name never leave a
 * row with another request's key. */
static pthread_mutex_t change_mu = PTHREAD_MUTEX_INITIALIZER;

/* Is NAME a printer added at run time? (also one the watcher has not seen yet) */
static bool runtime_printer(struct app *app, const char *name)
{
	static struct store_printer rows[PRINT_MAX_QUEUES]; /* under change_mu */
	size_t n;
	if (!store_printers_list(app->store, rows, PRINT_MAX_QUEUES, &n))
		return true; /* cannot tell: as taken, nothing is written */
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return true;
	return false;
}

/* Is NAME, or SERVER's QUEUE, one of print.queues'? */
static const char *config_clash(const struct print_config *pc, const char *name, const char *server,
				const char *queue)
{
	for (size_t i = 0; i < pc->n_queues; i++) {
		const struct print_queue_config *q = &pc->queues[i];
		if (strcmp(q->name, name) == 0)
			return "a printer of that name is in print.queues";
		char norm[PRINTER_SERVER_MAX + 1];
		if (strcmp(q->queue, queue) == 0 &&
		    (strcmp(q->cups_server, server) == 0 ||
		     (printer_server_parse(q->cups_server, norm) && strcmp(norm, server) == 0)))
			return "that queue of that print host is already in print.queues";
	}
	return NULL;
}

void api_printers_add(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"name", J_STR, true, 1, PRINTER_NAME_MAX},
					  {"site", J_STR, true, 0, 64},
					  {"cups_server", J_STR, true, 1, PRINTER_SERVER_MAX},
					  {"queue", J_STR, false, 1, PRINTER_QUEUE_MAX}};
	if (!api_print_on(app, r))
		return;
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	struct store_printer p = {0};
	const char *name = json_str_or(j, "name", ""), *site = json_str_or(j, "site", "");
	const char *server = json_str_or(j, "cups_server", "");
	const char *queue = json_str_or(j, "queue", "escale");
	const char *bad = NULL;
	if (strspn(name, NAME_CHARS) != strlen(name))
		bad = "'name' must be 1 to 64 letters, digits, '_' or '-' (e.g. accueil-nord)";
	else if (!printer_server_parse(server, p.cups_server))
		bad = "'cups_server' must be the print host's cupsd as HOST or HOST:PORT"
		      " (e.g. 10.0.1.5:631 or imp-nord.example.org)";
	else if (*site && !site_name_ok(site))
		bad = "'site' must be a site's name: 1 to 64 characters of text, no control "
		      "characters";
	else if (strspn(queue, NAME_CHARS ".") != strlen(queue))
		bad = "'queue' must be a CUPS queue name: letters, digits, '_', '-', '.' (the"
		      " default is escale)";
	if (bad) {
		http_error(r, 400, "bad_request", "%s", bad);
		json_decref(j);
		return;
	}
	if (!actor_site_ok(&r->actor, site)) {
		http_error(r, 403, "forbidden",
			   "this account may add printers to its own sites only");
		json_decref(j);
		return;
	}
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.site, sizeof(p.site), "%s", site);
	snprintf(p.queue, sizeof(p.queue), "%s", queue);
	json_decref(j);
	const char *clash = config_clash(&app->cfg.print, p.name, p.cups_server, p.queue);
	if (clash) {
		http_error(r, 409, "conflict", "%s: choose another", clash);
		return;
	}
	/* The key first, then the row: the watcher never sees a printer without its key; and
	 * never a key over that of a printer of that name. */
	char hex[PRINT_KEY_HEX_SIZE], fp[PRINT_FP_SIZE], err[512];
	pthread_mutex_lock(&change_mu);
	if (runtime_printer(app, p.name)) {
		pthread_mutex_unlock(&change_mu);
		http_error(r, 409, "conflict", "a printer named '%s' already exists", p.name);
		return;
	}
	if (!print_key_new(&app->cfg.print, p.name, hex, fp, err, sizeof(err))) {
		pthread_mutex_unlock(&change_mu);
		http_error(r, 500, "internal", "%s", err);
		return;
	}
	size_t max = PRINT_MAX_QUEUES - app->cfg.print.n_queues;
	enum store_rc rc = store_printer_add(app->store, &r->actor, &p, max);
	if (rc != STORE_OK)
		print_key_remove(&app->cfg.print, p.name);
	pthread_mutex_unlock(&change_mu);
	if (rc != STORE_OK) {
		sodium_memzero(hex, sizeof(hex));
		if (rc == STORE_CONFLICT)
			http_error(r, 409, "conflict",
				   "a printer named '%s', or one on queue %s of %s, already exists",
				   p.name, p.queue, p.cups_server);
		else if (rc == STORE_LIMIT)
			http_error(r, 409, "limit",
				   "this admind already watches %d printers: remove one first",
				   PRINT_MAX_QUEUES);
		else
			api_store_error(r, rc, "printer");
		return;
	}
	print_kick(app->print);
	char *cmd = xasprintf("printf '%%s\\n' %s | escale-setup-print-host --queue %s"
			      " --release-key - DEVICE_URI",
			      hex, p.queue);
	http_json(r, 201,
		  json_pack("{ss ss ss ss ss ss ss ss}", "name", p.name, "site", p.site,
			    "cups_server", p.cups_server, "queue", p.queue, "origin", "api",
			    "release_key", hex, "fingerprint", fp, "setup_command", cmd));
	sodium_memzero(cmd, strlen(cmd));
	free(cmd);
	sodium_memzero(hex, sizeof(hex));
}

void api_printers_remove(struct app *app, struct http_req *r)
{
	if (!api_print_on(app, r) || !api_no_body(r))
		return;
	const char *name = r->params[0];
	/* print.queues' printers stay (those of another site are as unknown). */
	const char *site = print_site_of(&app->cfg.print, name);
	if (site && actor_site_ok(&r->actor, site)) {
		http_error(r, 409, "conflict",
			   "printer %s is in print.queues of %s: remove it there and restart"
			   " escale-admind",
			   name, app->cfg.file);
		return;
	}
	int64_t pending = 0;
	pthread_mutex_lock(&change_mu);
	enum store_rc rc = site ? STORE_NOT_FOUND
				: store_printer_remove(app->store, &r->actor, name, &pending);
	if (rc == STORE_OK)
		print_key_remove(&app->cfg.print, name);
	pthread_mutex_unlock(&change_mu);
	if (rc == STORE_NOT_FOUND) {
		http_error(r, 404, "not_found", "no printer named %s", name);
		return;
	}
	if (rc == STORE_CONFLICT) {
		http_error(r, 409, "conflict",
			   "printer %s still has %lld print job(s) not settled: cancel them"
			   " (escalectl job list --active, job cancel ID) or let them print, then"
			   " remove it",
			   name, (long long)pending);
		return;
	}
	if (rc != STORE_OK) {
		api_store_error(r, rc, "printer");
		return;
	}
	print_kick(app->print);
	http_json(r, 200, json_pack("{ss sb}", "name", name, "removed", 1));
}
