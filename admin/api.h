/* api: the handlers behind the routes of docs/API.md. */
#ifndef ESCALE_API_H
#define ESCALE_API_H

#include "admind.h"
#include "store_print.h"
#include "http.h"
#include "jsonutil.h"

/* Parses and checks the body against FIELDS; replies 400 and returns NULL on error. */
json_t *api_body(struct http_req *r, const struct jfield *fields, size_t n);
/* The route's id (1..INT64_MAX); replies 404 "no such WHAT" when it is not one. */
bool api_id_param(struct http_req *r, int64_t *id, const char *what);
/* For actions named by their path alone (revoke, disable, end...): 400 with a body. */
bool api_no_body(struct http_req *r);
/* Replies with the right status for a store error that is not a success. */
void api_store_error(struct http_req *r, enum store_rc rc, const char *what);

/* Checks NAME's PASSWORD under the web sign-in's lock-outs (per name and address, per
 * name, per address); on failure replies WRONG_STATUS WRONG_WORD, or 429, and returns
 * false (api_web.c). Runs argon2id: on a slow route only. */
bool api_password_ok(struct app *app, struct http_req *r, const char *name, const char *password,
		     struct store_actor *out, unsigned wrong_status, const char *wrong_word);
/* Checks the shape of one kiosk event; returns a message, or NULL when it is fine. */
const char *api_event_check(json_t *ev, int64_t oldest, char *err, size_t errlen);

/* from/to of a query as local days, `to` inclusive (default: the last 30 days), as
 * [*from, *to) Unix times; replies 400 and returns false when they are not dates. */
bool api_date_range(struct http_req *r, int64_t *from, int64_t *to, char fday[11], char tday[11]);
/* The store's answers as JSON (api_json.c). */
json_t *api_audit_json(const struct store_audit_rows *l);
json_t *api_users_json(const struct store_user_rows *l);
json_t *api_kiosks_json(const struct store_kiosk_rows *l);
/* A row of GET /api/v1/kiosks gains "help" (none, asked, coming) and "help_since". */
void api_help_fields(struct app *app, json_t *kiosk);
/* The desk's answer CMD to KIOSK's call for help: false for help_coming without a call;
 * true for any other command. */
bool api_help_answer(struct app *app, int64_t kiosk, enum wire_cmd cmd);
/* GET /api/v1/stats's "help_requests" (the calls for help of [FROM, TO)) into OUT, and
 * each of its "per_day" rows' own. */
void api_help_stats(struct app *app, json_t *out, int64_t from, int64_t to, const char *scope);
json_t *api_sessions_json(const struct store_session_rows *l);
json_t *api_issued_json(const struct code_spec *spec, const struct store_issued_code *codes);
json_t *api_code_json(const struct store_code_row *c);
json_t *api_codes_json(const struct store_code_rows *l);
/* FDAY and TDAY: the range as asked ("YYYY-MM-DD"). */
json_t *api_stats_json(const struct store_stats *s, const char *fday, const char *tday);
json_t *api_jobs_json(const struct store_job_rows *l, const struct print_config *pc);

void api_healthz(struct app *app, struct http_req *r);
void api_metrics(struct app *app, struct http_req *r); /* metrics.c */
void api_kiosk_session_open(struct app *app, struct http_req *r);
/* The kiosk's pause after wrong codes or sign-ins: replies 429 and returns true while it
 * lasts. */
bool api_kiosk_paused(struct app *app, struct http_req *r);
/* The 201 answer of a session opened (with "accompanied_by", null for a resident's). */
json_t *api_session_open_json(const struct session_open *so);
/* The version of KIOSK's services list: admind's list's and its site's settings'. */
int64_t api_kiosk_services_version(struct app *app, int64_t kiosk);
void api_kiosk_accompany(struct app *app, struct http_req *r);
void api_accompany_code(struct app *app, struct http_req *r);
void api_kiosk_heartbeat(struct app *app, struct http_req *r);
void api_kiosk_session_end(struct app *app, struct http_req *r);
void api_kiosk_events(struct app *app, struct http_req *r);
void api_kiosk_codes(struct app *app, struct http_req *r);

void api_codes_issue(struct app *app, struct http_req *r);
void api_codes_list(struct app *app, struct http_req *r);
void api_codes_revoke(struct app *app, struct http_req *r);
void api_codes_extend(struct app *app, struct http_req *r);
void api_kiosks_list(struct app *app, struct http_req *r);
void api_kiosks_add(struct app *app, struct http_req *r);
void api_kiosks_revoke(struct app *app, struct http_req *r);
void api_kiosks_command(struct app *app, struct http_req *r);
void api_sessions_list(struct app *app, struct http_req *r);
void api_sessions_end(struct app *app, struct http_req *r);
void api_sessions_add_time(struct app *app, struct http_req *r);
void api_users_list(struct app *app, struct http_req *r);
void api_users_add(struct app *app, struct http_req *r);
void api_users_disable(struct app *app, struct http_req *r);
void api_users_token(struct app *app, struct http_req *r);
void api_whoami(struct app *app, struct http_req *r);
void api_login(struct app *app, struct http_req *r);
void api_logout(struct app *app, struct http_req *r);
void api_password_change(struct app *app, struct http_req *r);
void api_desk(struct app *app, struct http_req *r);
void api_codes_spare(struct app *app, struct http_req *r);
void api_kiosks_enroll(struct app *app, struct http_req *r);
void api_enroll(struct app *app, struct http_req *r);
/* A key for the rate limits of a name or an address: its keyed hash (the tables hold no
 * name or address), the same for the life of the process (api_web.c). */
int64_t api_name_key(const char *a);
void api_users_password(struct app *app, struct http_req *r);
void api_users_role(struct app *app, struct http_req *r);
void api_users_enable(struct app *app, struct http_req *r);
void api_audit(struct app *app, struct http_req *r);
void api_stats(struct app *app, struct http_req *r);
void api_usage(struct app *app, struct http_req *r);
void api_backup(struct app *app, struct http_req *r);
/* Printing switched off in the config: replies 409 printing_disabled, saying how to switch
 * it on, and returns false. */
bool api_print_on(struct app *app, struct http_req *r);
void api_printers_list(struct app *app, struct http_req *r);
void api_printers_resume(struct app *app, struct http_req *r);
/* api_printers.c */
void api_printers_add(struct app *app, struct http_req *r);
void api_printers_remove(struct app *app, struct http_req *r);
void api_jobs_list(struct app *app, struct http_req *r);
void api_jobs_cancel(struct app *app, struct http_req *r);
void api_jobs_retry(struct app *app, struct http_req *r);
void api_jobs_refund(struct app *app, struct http_req *r);

/* api_services.c */
struct store_service;
struct store_refusal;
json_t *api_service_json(const struct store_service *sv);
/* Checks a service's body (ADD: an addition, else an edit of SV's fields) with the
 * rules of docs/API.md, filling SV; returns a message (maybe in ERR), or NULL. */
const char *api_service_parse(json_t *j, bool add, struct store_service *sv, char *err,
			      size_t errlen);
/* Checks a refusals report's "hosts" into OUT (room for STORE_MAX_REFUSED_HOSTS);
 * returns a message, or NULL. */
const char *api_refusals_parse(json_t *hosts, struct store_refusal *out);
/* "per_service" of the statistics for [FROM, TO), of SCOPE's sites (NULL: every site). */
json_t *api_per_service(struct app *app, int64_t from, int64_t to, const char *scope);
void api_services_list(struct app *app, struct http_req *r);
void api_services_add(struct app *app, struct http_req *r);
void api_services_edit(struct app *app, struct http_req *r);
void api_services_add_domain(struct app *app, struct http_req *r);
void api_services_move(struct app *app, struct http_req *r);
void api_services_remove(struct app *app, struct http_req *r);
void api_kiosk_services(struct app *app, struct http_req *r);
/* api_sites.c */
/* Drops from ARR the objects whose KEY (a site) R's account may not see. */
void api_scope_array(const struct http_req *r, json_t *arr, const char *key);
/* Is kiosk ID, or session ID, out of R's account's sites? Then replies 404 not_found as
 * for an unknown id (nothing said of other sites) and returns false. An unknown id
 * passes: the store says not_found the same way. */
bool api_kiosk_scope(struct app *app, struct http_req *r, int64_t id);
bool api_session_scope(struct app *app, struct http_req *r, const char *id);
/* Does a kiosk called NAME (revoked ones too) belong to a site R's account is not limited
 * to? Enrolling that name again would move it, and its history, to the account's site. */
bool api_kiosk_name_elsewhere(struct app *app, const struct http_req *r, const char *name);
/* The sites of an account: null for every site, else an array. */
json_t *api_sites_json(const struct site_list *sites);
/* "sites" of a request (V: absent or null, every site; else 1..16 distinct site names) into
 * SITES; false after a 400. */
bool api_sites_parse(struct http_req *r, json_t *v, struct site_list *sites);
void api_users_sites(struct app *app, struct http_req *r);
void api_sites_list(struct app *app, struct http_req *r);
void api_site_settings_get(struct app *app, struct http_req *r);
void api_site_settings_put(struct app *app, struct http_req *r);
void api_kiosk_settings(struct app *app, struct http_req *r);
/* The version of kiosk KIOSK's site's settings (0: none), for its heartbeat. */
int64_t api_kiosk_settings_version(struct app *app, int64_t kiosk);
void api_kiosk_refusals(struct app *app, struct http_req *r);
void api_refusals(struct app *app, struct http_req *r);
void api_stats_services_csv(struct app *app, struct http_req *r);

#endif
