/* api_print: the desk's printer and print job routes (docs/API.md). */
#include "api.h"

#include <string.h>

#include "print.h"
#include "store_print.h"
#include "util.h"

bool api_print_on(struct app *app, struct http_req *r)
{
	if (app->print)
		return true;
	http_error(r, 409, "printing_disabled",
		   "printing is off: set print.enabled = true in %s and restart escale-admind",
		   app->cfg.file);
	return false;
}

static bool job_param(struct http_req *r, int64_t *id)
{
	if (!parse_i64(r->params[0], 1, INT32_MAX, id)) {
		http_error(r, 404, "not_found", "no such print job");
		return false;
	}
	return true;
}

void api_printers_list(struct app *app, struct http_req *r)
{
	static const char *const q[] = {NULL};
	if (!http_query_only(r, q) || !api_print_on(app, r))
		return;
	json_t *list = print_printers(app->print);
	/* An account limited to sites sees their printers, and those of no site (any kiosk's:
	 * the single queue of an old config). */
	json_t *arr = json_object_get(list, "printers");
	for (size_t i = json_array_size(arr); r->actor.sites.n && i-- > 0;) {
		const char *site =
			json_string_value(json_object_get(json_array_get(arr, i), "site"));
		if (site && *site && !actor_site_ok(&r->actor, site))
			json_array_remove(arr, i);
	}
	http_json(r, 200, list);
}

void api_printers_resume(struct app *app, struct http_req *r)
{
	if (!api_print_on(app, r) || !api_no_body(r))
		return;
	/* Another site's printer is unknown to an account limited to sites, which is not told
	 * the names of the printers either. */
	char site[NAME_MAX_BYTES + 1];
	bool known = print_printer_site(app->print, r->params[0], site);
	if (r->actor.sites.n && (!known || (*site && !actor_site_ok(&r->actor, site)))) {
		http_error(r, 404, "not_found", "no printer named %s", r->params[0]);
		return;
	}
	char err[256];
	if (!print_resume(app->print, r->params[0], err, sizeof(err))) {
		bool unknown = !print_printer_site(app->print, r->params[0], site);
		http_error(r, unknown ? 404 : 502, unknown ? "not_found" : "cups_error", "%s", err);
		return;
	}
	store_print_audit(app->store, &r->actor, "printer.resume", r->params[0]);
	http_json(r, 200, json_pack("{ss sb}", "printer", r->params[0], "resumed", 1));
}

/* A job of a site R's account is not limited to: 404 as an unknown job. */
static bool job_scope(struct app *app, struct http_req *r, int64_t id)
{
	char site[NAME_MAX_BYTES + 1];
	if (r->actor.sites.n == 0 || !store_job_site(app->store, id, site) ||
	    actor_site_ok(&r->actor, site))
		return true;
	http_error(r, 404, "not_found", "no such print job");
	return false;
}

void api_jobs_list(struct app *app, struct http_req *r)
{
	static const char *const q[] = {"active", NULL};
	if (!http_query_only(r, q))
		return;
	const char *a = http_query(r, "active");
	if (a && strcmp(a, "1") && strcmp(a, "0")) {
		http_error(r, 400, "bad_request", "'active' must be 1 or 0");
		return;
	}
	struct store_job_rows rows;
	store_print_list(app->store, a && a[0] == '1', &rows);
	json_t *list = api_jobs_json(&rows, &app->cfg.print);
	store_job_rows_free(&rows);
	/* A job of a printer added at run time is of that printer's site, as one of
	 * print.queues (api_jobs_json): its site's desk sees it, a refused one included. */
	json_t *job;
	size_t i;
	json_array_foreach (app->print ? json_object_get(list, "jobs") : NULL, i, job) {
		char site[NAME_MAX_BYTES + 1];
		const char *printer = json_string_value(json_object_get(job, "printer"));
		if (printer && !print_site_of(&app->cfg.print, printer) &&
		    print_printer_site(app->print, printer, site) && *site)
			json_object_set_new(job, "site", json_string(site));
	}
	api_scope_array(r, json_object_get(list, "jobs"), "site");
	http_json(r, 200, list);
}

void api_jobs_cancel(struct app *app, struct http_req *r)
{
	int64_t id;
	if (!job_param(r, &id) || !job_scope(app, r, id) || !api_no_body(r) ||
	    !api_print_on(app, r))
		return;
	enum store_rc rc = store_print_cancel(app->store, &r->actor, id);
	if (rc != STORE_OK) {
		api_store_error(r, rc, "print job");
		return;
	}
	print_kick(app->print);
	http_json(r, 200, json_pack("{sI sb}", "id", (json_int_t)id, "cancelled", 1));
}

void api_jobs_retry(struct app *app, struct http_req *r)
{
	int64_t id;
	if (!job_param(r, &id) || !job_scope(app, r, id) || !api_no_body(r) ||
	    !api_print_on(app, r))
		return;
	char err[256];
	if (!print_retry(app->print, id, err, sizeof(err))) {
		struct print_row row;
		enum store_rc rc = store_print_get(app->store, id, NULL, &row);
		if (rc == STORE_NOT_FOUND)
			http_error(r, 404, "not_found", "no such print job");
		else if (rc == STORE_OK && (row.settled || row.decision != PRINT_RELEASE))
			http_error(r, 409, "conflict", "%s", err);
		else
			http_error(r, 502, "cups_error", "%s", err);
		return;
	}
	char target[24];
	snprintf(target, sizeof(target), "%lld", (long long)id);
	store_print_audit(app->store, &r->actor, "job.retry", target);
	http_json(r, 200, json_pack("{sI sb}", "id", (json_int_t)id, "retried", 1));
}

void api_jobs_refund(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"pages", J_INT, false, 1, 100000}};
	int64_t id;
	if (!job_param(r, &id) || !job_scope(app, r, id))
		return;
	json_t *j = r->len ? api_body(r, f, ARRAY_LEN(f)) : json_object();
	if (!j)
		return;
	int64_t pages = json_int_or(j, "pages", -1);
	json_decref(j);
	struct store_refund out;
	enum store_rc rc = store_print_refund(app->store, &r->actor, id, pages, &out);
	if (rc == STORE_CONFLICT) {
		http_error(r, 409, "conflict",
			   "job %lld has fewer pages left to refund than asked (see 'charged' and"
			   " 'refunded' in the job list)",
			   (long long)id);
		return;
	}
	if (rc != STORE_OK) {
		api_store_error(r, rc, "print job");
		return;
	}
	http_json(r, 200,
		  json_pack("{sI sI sI}", "id", (json_int_t)id, "refunded",
			    (json_int_t)out.refunded, "pages_left", (json_int_t)out.pages_left));
}
