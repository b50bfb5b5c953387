/* api_kiosk: the routes kiosks call (sessions, heartbeats, events, code cache). */
#include "api.h"

#include <string.h>

#include "helpdesk.h"
#include "store_help.h"
#include "ratelimit.h"
#include "store_print.h"
#include "store_services.h"
#include "util.h"
#include "wire.h"

/* A session's print job settled this recently still counts as printing (the
 * "printed" notice and the refunds that follow its end). */
#define PRINT_BUSY_S 15

static const struct {
	enum store_rc rc;
	enum wire_refusal word;
	const char *message;
} refusals[] = {
	{STORE_CODE_UNKNOWN, WIRE_REFUSED_UNKNOWN,
	 "Ce code n'existe pas. Vérifiez votre ticket. / Unknown code."},
	{STORE_CODE_REVOKED, WIRE_REFUSED_REVOKED,
	 "Ce code a été annulé. Demandez à l'accueil. / This code was cancelled."},
	{STORE_CODE_EXPIRED, WIRE_REFUSED_EXPIRED,
	 "Ce code a expiré. Demandez un nouveau code à l'accueil. / This code has expired."},
	{STORE_CODE_USED_UP, WIRE_REFUSED_USED_UP,
	 "Le temps de ce code est épuisé. / No time left on this code."},
	{STORE_CODE_IN_USE, WIRE_REFUSED_IN_USE,
	 "Ce code est déjà utilisé sur un autre poste. / This code is in use on another computer."},
};

json_t *api_session_open_json(const struct session_open *so)
{
	/* An accompanied session has no time limit but the kiosk's closing time: its
	 * seconds_left is only what admind counts against its one-time code. */
	return json_pack("{ss sI sI sI so}", "session", so->id, "seconds_left",
			 (json_int_t)so->seconds_left, "pages_left", (json_int_t)so->pages_left,
			 "valid_until", (json_int_t)so->valid_until, "accompanied_by",
			 so->accompanied ? json_string(so->accompanied_by) : json_null());
}

bool api_kiosk_paused(struct app *app, struct http_req *r)
{
	int64_t wait = ratelimit_wait(app->rl, r->kiosk, mono_ms());
	if (wait > 0)
		http_rate_limited(r, wait,
				  "Trop d'essais. Patientez. / Too many tries; please wait.");
	return wait > 0;
}

void api_kiosk_session_open(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"code", J_STR, true, 1, 64}};
	if (api_kiosk_paused(app, r))
		return;
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	char norm[CODE_MAX_LEN + 1];
	struct session_open so;
	enum store_rc rc = STORE_CODE_UNKNOWN;
	if (code_normalise(json_string_value(json_object_get(j, "code")), norm))
		rc = store_session_open(app->store, r->kiosk, norm, &so);
	json_decref(j);
	if (rc == STORE_OK) {
		ratelimit_success(app->rl, r->kiosk);
		http_json(r, 201, api_session_open_json(&so));
		return;
	}
	if (rc == STORE_CODE_UNKNOWN) {
		int64_t lock = ratelimit_fail(app->rl, r->kiosk, mono_ms());
		if (lock > 0) {
			http_rate_limited(
				r, lock,
				"Trop d'essais. Patientez. / Too many tries; please wait.");
			return;
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(refusals); i++)
		if (refusals[i].rc == rc) {
			json_t *body =
				json_pack("{ss ss}", "error", wire_refusal_word(refusals[i].word),
					  "message", refusals[i].message);
			/* So that the kiosk can say how many tries are left before a pause. */
			if (rc == STORE_CODE_UNKNOWN)
				json_object_set_new(
					body, "tries_left",
					json_integer(ratelimit_tries_left(app->rl, r->kiosk)));
			http_json(r, 403, body);
			return;
		}
	api_store_error(r, rc, "session");
}

static bool session_id_ok(const char *s)
{
	uint8_t raw[SESSION_ID_LEN / 2];
	return s && hex_decode(s, raw, sizeof(raw));
}

/* The heartbeat's answer as the kiosk reads it (docs/API.md). */
static json_t *hb_answer_json(const struct store_hb_answer *a)
{
	json_t *sess = json_null();
	if (a->has_session) {
		const struct store_session_view *v = &a->session;
		sess = json_pack("{ss sb sI sI sI so}", "id", v->id, "active", v->active,
				 "seconds_left", (json_int_t)v->seconds_left, "pages_left",
				 (json_int_t)v->pages_left, "valid_until",
				 (json_int_t)v->valid_until, "end_reason",
				 v->end_reason[0] ? json_string(v->end_reason) : json_null());
	}
	json_t *cmds = json_array();
	for (size_t i = 0; i < a->n_cmds; i++) {
		const struct store_command *c = &a->cmds[i];
		json_t *o = json_pack("{sI ss}", "id", (json_int_t)c->id, "type", c->type);
		if (c->session[0])
			json_object_set_new(o, "session", json_string(c->session));
		if (c->has_seconds)
			json_object_set_new(o, "seconds", json_integer(c->seconds));
		if (c->text)
			json_object_set_new(o, "text", json_string(c->text));
		if (c->event)
			json_object_set_new(o, "event", json_string(c->event));
		if (c->has_pages)
			json_object_set_new(o, "pages", json_integer(c->pages));
		if (c->has_pages_left)
			json_object_set_new(o, "pages_left", json_integer(c->pages_left));
		json_array_append_new(cmds, o);
	}
	return json_pack("{sI so so}", "now", (json_int_t)a->now, "session", sess, "commands",
			 cmds);
}

void api_kiosk_heartbeat(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {
		{"state", J_STR, true, 1, 16},
		{"session", J_STR, false, 1, 64},
		{"seconds_used", J_INT, false, 0, 86400},
		{"pages_used", J_INT, false, 0, 100000},
		{"pages_scanned", J_INT, false, 0, 100000},
		{"files_copied", J_INT, false, 0, 100000},
		{"version", J_STR, false, 0, 64},
		{"ack", J_ARRAY, false, 0, 0},
		{"help", J_STR, false, 1, 16},
		{"help_at", J_INT, false, 1, INT64_MAX},
		{"settings_version", J_INT, false, 0, INT64_MAX},
	};
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	int64_t acks[64];
	struct heartbeat hb = {
		.state = json_str_or(j, "state", NULL),
		.session = json_str_or(j, "session", NULL),
		.seconds_used = json_int_or(j, "seconds_used", 0),
		.pages_used = json_int_or(j, "pages_used", -1),
		.pages_scanned = json_int_or(j, "pages_scanned", 0),
		.files_copied = json_int_or(j, "files_copied", 0),
		.version = json_str_or(j, "version", NULL),
		.address = r->addr,
		.ack = acks,
		.settings_version = json_int_or(j, "settings_version", -1),
	};
	json_t *ack = json_object_get(j, "ack");
	size_t i;
	json_t *v;
	const char *bad = NULL;
	enum wire_state state;
	enum wire_help help = WIRE_HELP_NONE;
	const char *help_word = json_str_or(j, "help", NULL);
	if (help_word && !wire_help_parse(help_word, &help))
		bad = "'help' must be none, asked or coming";
	else if (help != WIRE_HELP_NONE &&
		 (!json_object_get(j, "help_at") ||
		  (strcmp(hb.state, "session") != 0 && strcmp(hb.state, "login") != 0)))
		bad = "a call for help needs state session or login, and its 'help_at'";
	else if (!wire_state_parse(hb.state, &state))
		bad = "'state' must be login, session, closed, locked or ending";
	else if ((strcmp(hb.state, "session") == 0) != (hb.session != NULL))
		bad = "'session' is required with state session, and only then";
	else if (hb.session && !session_id_ok(hb.session))
		bad = "'session' must be a session id (32 hex characters)";
	else if (json_array_size(ack) > ARRAY_LEN(acks))
		bad = "'ack' holds at most 64 command ids";
	json_array_foreach (ack, i, v) {
		if (bad)
			break;
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			bad = "'ack' must be an array of command ids";
			break;
		}
		acks[hb.n_ack++] = json_integer_value(v);
	}
	if (bad) {
		json_decref(j);
		http_error(r, 400, "bad_request", "%s", bad);
		return;
	}
	struct store_hb_answer a;
	enum store_rc rc = store_heartbeat(app->store, r->kiosk, &hb, &a);
	if (rc != STORE_OK) {
		json_decref(j);
		api_store_error(r, rc, "kiosk");
		return;
	}
	json_t *out = hb_answer_json(&a);
	store_hb_answer_free(&a);
	if (helpdesk_heartbeat(app->helpdesk, r->kiosk, help, json_int_or(j, "help_at", 0),
			       now_s())) {
		log_info("kiosk %lld asks for help", (long long)r->kiosk);
		if (!store_help_request(app->store, now_s(), r->kiosk))
			log_warnx("a call for help not counted in the statistics");
	}
	/* In a session, more often (a print notice, a message from the desk reach the
	 * resident within that time); while a job of the session prints, every second: its
	 * notices and the bar's page count follow the printer. */
	int64_t every = app->cfg.heartbeat_seconds;
	if (hb.session) {
		if (app->cfg.session_heartbeat_seconds < every)
			every = app->cfg.session_heartbeat_seconds;
		if (every > 1 && store_print_busy(app->store, hb.session, PRINT_BUSY_S))
			every = 1;
	}
	json_decref(j);
	json_object_set_new(out, "heartbeat_seconds", json_integer(every));
	/* The kiosk fetches GET /api/v1/kiosk/services when this differs from its copy's. */
	json_object_set_new(out, "services_version",
			    json_integer(api_kiosk_services_version(app, r->kiosk)));
	/* And GET /api/v1/kiosk/settings when this differs from the settings it applies. */
	json_object_set_new(out, "settings_version",
			    json_integer(api_kiosk_settings_version(app, r->kiosk)));
	http_json(r, 200, out);
}

/* The "services" of a session's end: at most SVC_MAX distinct ids. Fills OUT (room
 * for SVC_MAX) when given; returns a message, or NULL when it is fine. */
static const char *services_check(json_t *arr, char (*out)[SVC_ID_MAX + 1], size_t *n)
{
	size_t i;
	json_t *v;
	if (n)
		*n = 0;
	if (!arr)
		return NULL;
	if (json_array_size(arr) > SVC_MAX)
		return "'services' lists at most 64 service ids";
	json_array_foreach (arr, i, v) {
		const char *id = json_string_value(v);
		if (!id || !svc_id_ok(id))
			return "'services' must be an array of service ids (1 to 32 of a-z 0-9 -)";
		for (size_t k = 0; k < i; k++)
			if (strcmp(json_string_value(json_array_get(arr, k)), id) == 0)
				return "'services' lists a service twice";
		if (out)
			snprintf(out[i], SVC_ID_MAX + 1, "%s", id);
	}
	if (n)
		*n = json_array_size(arr);
	return NULL;
}

void api_kiosk_session_end(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {
		{"reason", J_STR, true, 1, 16},
		{"seconds_used", J_INT, false, 0, 86400},
		{"pages_used", J_INT, false, 0, 100000},
		{"services", J_ARRAY, false, 0, 0},
	};
	if (!session_id_ok(r->params[0])) {
		http_error(r, 404, "not_found", "no such session");
		return;
	}
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	const char *reason = json_str_or(j, "reason", "");
	enum wire_reason why;
	if (!wire_reason_parse(reason, &why)) {
		json_decref(j);
		http_error(r, 400, "bad_request",
			   "'reason' must be one of user, expired, idle, closing,"
			   " staff, browser, restart, locked, error");
		return;
	}
	char services[SVC_MAX][SVC_ID_MAX + 1];
	size_t n_services;
	const char *bad = services_check(json_object_get(j, "services"), services, &n_services);
	if (bad) {
		json_decref(j);
		http_error(r, 400, "bad_request", "%s", bad);
		return;
	}
	enum store_rc rc = store_session_end_kiosk(
		app->store, r->kiosk, r->params[0], reason, json_int_or(j, "seconds_used", 0),
		json_int_or(j, "pages_used", -1), (const char(*)[SVC_ID_MAX + 1]) services,
		n_services);
	json_decref(j);
	if (rc != STORE_OK) {
		api_store_error(r, rc, "session");
		return;
	}
	http_json(r, 200, json_pack("{ss sb}", "session", r->params[0], "ended", 1));
}

static bool event_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

const char *api_event_check(json_t *ev, int64_t oldest, char *err, size_t errlen)
{
	static const struct jfield open_f[] = {{"id", J_STR, true, 1, 64},
					       {"type", J_STR, true, 1, 32},
					       {"at", J_INT, true, 0, INT64_C(253402300799)},
					       {"session", J_STR, true, 32, 32},
					       {"verifier", J_STR, true, 64, 64}};
	static const struct jfield progress_f[] = {{"id", J_STR, true, 1, 64},
						   {"type", J_STR, true, 1, 32},
						   {"at", J_INT, true, 0, INT64_C(253402300799)},
						   {"session", J_STR, true, 32, 32},
						   {"seconds_used", J_INT, true, 0, 86400},
						   {"pages_used", J_INT, false, 0, 100000}};
	static const struct jfield end_f[] = {{"id", J_STR, true, 1, 64},
					      {"type", J_STR, true, 1, 32},
					      {"at", J_INT, true, 0, INT64_C(253402300799)},
					      {"session", J_STR, true, 32, 32},
					      {"reason", J_STR, true, 1, 16},
					      {"seconds_used", J_INT, true, 0, 86400},
					      {"pages_used", J_INT, false, 0, 100000},
					      {"services", J_ARRAY, false, 0, 0}};
	if (!json_is_object(ev))
		return "each event must be an object";
	enum wire_event type;
	enum wire_reason why;
	bool ok;
	if (!wire_event_parse(json_str_or(ev, "type", ""), &type))
		return "'type' must be session_open, session_progress or session_end";
	if (type == WIRE_EV_SESSION_OPEN)
		ok = json_check(ev, open_f, ARRAY_LEN(open_f), err, errlen);
	else if (type == WIRE_EV_SESSION_PROGRESS)
		ok = json_check(ev, progress_f, ARRAY_LEN(progress_f), err, errlen);
	else
		ok = json_check(ev, end_f, ARRAY_LEN(end_f), err, errlen) &&
		     (wire_reason_parse(json_str_or(ev, "reason", ""), &why) ||
		      (snprintf(err, errlen, "unknown end reason"), false));
	if (!ok)
		return err;
	const char *bad = services_check(json_object_get(ev, "services"), NULL, NULL);
	if (bad)
		return bad;
	if (!event_id_ok(json_str_or(ev, "id", "")))
		return "event 'id' must be 1 to 64 characters of A-Z a-z 0-9 _ -";
	if (!session_id_ok(json_str_or(ev, "session", NULL)))
		return "'session' must be 32 hex characters";
	if (json_int_or(ev, "at", 0) > now_s() + 86400)
		return "'at' is in the future";
	/* Older than the retention, it would be purged at once and skew the totals. */
	if (json_int_or(ev, "at", 0) < oldest)
		return "'at' is older than the retention period";
	return NULL;
}

/* An event api_event_check accepted, as the store takes it; its services go to
 * SERVICES (room for SVC_MAX). */
static void event_from_json(json_t *ev, struct store_event *out, char (*services)[SVC_ID_MAX + 1])
{
	memset(out, 0, sizeof(*out));
	wire_event_parse(json_str_or(ev, "type", ""), &out->type);
	snprintf(out->id, sizeof(out->id), "%s", json_str_or(ev, "id", ""));
	out->at = json_int_or(ev, "at", now_s());
	snprintf(out->session, sizeof(out->session), "%s", json_str_or(ev, "session", ""));
	snprintf(out->verifier, sizeof(out->verifier), "%s", json_str_or(ev, "verifier", ""));
	snprintf(out->reason, sizeof(out->reason), "%s", json_str_or(ev, "reason", ""));
	out->seconds_used = json_int_or(ev, "seconds_used", 0);
	out->pages_used = json_int_or(ev, "pages_used", -1);
	services_check(json_object_get(ev, "services"), services, &out->n_services);
	out->services = (const char(*)[SVC_ID_MAX + 1]) services;
}

void api_kiosk_events(struct app *app, struct http_req *r)
{
	static const struct jfield f[] = {{"events", J_ARRAY, true, 0, 0}};
	json_t *j = api_body(r, f, ARRAY_LEN(f));
	if (!j)
		return;
	json_t *events = json_object_get(j, "events");
	size_t n = json_array_size(events);
	if (n > STORE_MAX_EVENTS) {
		json_decref(j);
		http_error(r, 400, "bad_request", "at most %d events per batch", STORE_MAX_EVENTS);
		return;
	}
	struct store_event *evs = xcalloc(n ? n : 1, sizeof(*evs));
	struct store_event_result *res = xcalloc(n ? n : 1, sizeof(*res));
	/* Room for the services of each end that lists some. */
	char(*services)[SVC_ID_MAX + 1] = NULL;
	size_t n_services = 0, at = 0;
	size_t i;
	json_t *ev;
	json_array_foreach (events, i, ev)
		n_services +=
			json_is_object(ev) ? json_array_size(json_object_get(ev, "services")) : 0;
	services = xcalloc(n_services ? n_services : 1, sizeof(*services));
	json_array_foreach (events, i, ev) {
		char err[160];
		const char *bad = api_event_check(ev, now_s() - app->cfg.pol.retention_days * 86400,
						  err, sizeof(err));
		if (bad) {
			http_error(r, 400, "bad_request", "event %zu: %s", i, bad);
			goto out;
		}
		event_from_json(ev, &evs[i], services + at);
		at += evs[i].n_services;
	}
	enum store_rc rc = store_events_apply(app->store, r->kiosk, evs, n, res);
	if (rc != STORE_OK) {
		api_store_error(r, rc, "event");
		goto out;
	}
	json_t *results = json_array();
	for (i = 0; i < n; i++) {
		json_t *o = json_pack("{ss ss}", "id", evs[i].id, "status", res[i].status);
		if (res[i].why)
			json_object_set_new(o, "reason", json_string(res[i].why));
		if (res[i].flag)
			json_object_set_new(o, "flag", json_string(res[i].flag));
		json_array_append_new(results, o);
	}
	http_json(r, 200, json_pack("{so}", "results", results));
out:
	free(evs);
	free(res);
	free(services);
	json_decref(j);
}

void api_kiosk_codes(struct app *app, struct http_req *r)
{
	static const char *const q[] = {"since", NULL};
	if (!http_query_only(r, q))
		return;
	int64_t since = 0;
	const char *s = http_query(r, "since");
	if (s && !parse_i64(s, 0, INT64_MAX, &since)) {
		http_error(r, 400, "bad_request",
			   "'since' must be a cursor returned earlier (a number)");
		return;
	}
	struct store_code_cache c;
	if (!store_code_cache(app->store, r->kiosk, since, &c)) {
		free(c.codes);
		api_store_error(r, STORE_ERROR, "code");
		return;
	}
	json_t *codes = json_array();
	for (size_t i = 0; i < c.n; i++)
		json_array_append_new(codes,
				      json_pack("{ss ss sI sI sI}", "verifier", c.codes[i].verifier,
						"state", wire_code_state_word(c.codes[i].state),
						"seconds_left", (json_int_t)c.codes[i].seconds_left,
						"pages_left", (json_int_t)c.codes[i].pages_left,
						"valid_until", (json_int_t)c.codes[i].valid_until));
	free(c.codes);
	json_t *out = json_pack("{sI sb ss sI sI so}", "cursor", (json_int_t)c.cursor, "full",
				c.full, "salt", c.salt, "opslimit", (json_int_t)c.opslimit,
				"memlimit", (json_int_t)c.memlimit, "codes", codes);
	json_object_set_new(out, "services_version",
			    json_integer(api_kiosk_services_version(app, r->kiosk)));
	/* And GET /api/v1/kiosk/settings when this differs from the settings it applies. */
	json_object_set_new(out, "settings_version",
			    json_integer(api_kiosk_settings_version(app, r->kiosk)));
	http_json(r, 200, out);
}
