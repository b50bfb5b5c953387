/* api_json: the store's answers as the API's JSON (docs/API.md): field
 * order and types as the clients know them. */
#include "api.h"
#include "print.h"

#include "util.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *int_or_null(bool has, int64_t v)
{
	return has ? json_integer(v) : json_null();
}

json_t *api_audit_json(const struct store_audit_rows *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct store_audit_row *e = &l->v[i];
		json_t *d = e->detail ? json_loads(e->detail, 0, NULL) : NULL;
		json_array_append_new(arr,
				      json_pack("{sI sI ss ss so* so*}", "id", (json_int_t)e->id,
						"at", (json_int_t)e->at, "user", e->user, "action",
						e->action, "target", str_or_null(e->target),
						"detail", d ? d : json_null()));
	}
	return json_pack("{so}", "audit", arr);
}

json_t *api_sites_json(const struct site_list *sites)
{
	if (!sites || sites->n == 0)
		return json_null();
	json_t *a = json_array();
	for (int i = 0; i < sites->n; i++)
		json_array_append_new(a, json_string(sites->v[i]));
	return a;
}

json_t *api_users_json(const struct store_user_rows *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct store_user_row *u = &l->v[i];
		json_array_append_new(arr,
				      json_pack("{sI ss ss sI sb sb so}", "id", (json_int_t)u->id,
						"name", u->name, "role", u->role, "created_at",
						(json_int_t)u->created_at, "disabled", u->disabled,
						"has_password", u->has_password, "sites",
						api_sites_json(u->sites)));
	}
	return json_pack("{so}", "users", arr);
}

json_t *api_kiosks_json(const struct store_kiosk_rows *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct store_kiosk_row *k = &l->v[i];
		json_t *o = json_pack("{sI ss ss ss sb so so so sb so}", "id", (json_int_t)k->id,
				      "name", k->name, "site", k->site, "state", k->state, "online",
				      k->online, "last_seen", int_or_null(k->seen, k->last_seen),
				      "version", str_or_null(k->version), "address",
				      str_or_null(k->address), "revoked", k->revoked, "session",
				      str_or_null(k->session));
		if (k->session)
			json_object_set_new(o, "seconds_left", json_integer(k->seconds_left));
		/* What the kiosk says it applies, and what its site has: behind when they
		 * differ. */
		json_object_set_new(o, "settings_version",
				    int_or_null(k->settings_version >= 0, k->settings_version));
		json_object_set_new(o, "site_settings_version",
				    json_integer(k->site_settings_version));
		json_array_append_new(arr, o);
	}
	return json_pack("{so}", "kiosks", arr);
}

json_t *api_sessions_json(const struct store_session_rows *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct store_session_row *s = &l->v[i];
		json_t *o = json_pack(
			"{ss ss ss so sI so sI sI so sb sb}", "id", s->id, "kiosk", s->kiosk,
			"site", s->site, "code_id", int_or_null(s->has_code, s->code_id),
			"started_at", (json_int_t)s->started_at, "ended_at",
			int_or_null(!s->active, s->ended_at), "seconds_used",
			(json_int_t)s->seconds_used, "pages_used", (json_int_t)s->pages_used,
			"end_reason", str_or_null(s->end_reason), "offline", s->offline, "active",
			s->active);
		if (s->active)
			json_object_set_new(o, "seconds_left", json_integer(s->seconds_left));
		json_object_set_new(o, "accompanied", json_boolean(s->accompanied));
		json_array_append_new(arr, o);
	}
	return json_pack("{so}", "sessions", arr);
}

json_t *api_issued_json(const struct code_spec *spec, const struct store_issued_code *codes)
{
	json_t *arr = json_array();
	for (int i = 0; i < spec->count; i++)
		json_array_append_new(
			arr,
			json_pack("{sI ss sI sI sI sb so}", "id", (json_int_t)codes[i].id, "code",
				  codes[i].code, "minutes", (json_int_t)(spec->seconds / 60),
				  "pages", (json_int_t)spec->pages, "valid_until",
				  (json_int_t)spec->valid_until, "spare", spec->spare, "site",
				  spec->site ? json_string(spec->site) : json_null()));
	return json_pack("{so}", "codes", arr);
}

json_t *api_code_json(const struct store_code_row *c)
{
	return json_pack("{sI ss ss sI sI sI sI sI sI sb sb so}", "id", (json_int_t)c->id, "hint",
			 c->hint, "state", wire_code_state_word(c->state), "minutes",
			 (json_int_t)(c->seconds_total / 60), "seconds_left",
			 (json_int_t)c->seconds_left, "pages", (json_int_t)c->pages, "pages_left",
			 (json_int_t)c->pages_left, "valid_until", (json_int_t)c->valid_until,
			 "created_at", (json_int_t)c->created_at, "in_use", c->in_use, "spare",
			 c->spare, "site", c->all_sites ? json_null() : json_string(c->site));
}

json_t *api_codes_json(const struct store_code_rows *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(arr, api_code_json(&l->v[i]));
	return json_pack("{so}", "codes", arr);
}

/* The groups of one list: per day, per kiosk (with its site) or per site. */
static json_t *stats_rows_json(const struct store_stats_rows *l, bool kiosk, bool day)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct store_stats_row *r = &l->v[i];
		json_t *o = json_pack("{sI sI sI}", "sessions", (json_int_t)r->f.sessions,
				      "minutes", (json_int_t)(r->f.seconds + 59) / 60, "pages",
				      (json_int_t)r->f.pages);
		json_object_set_new(o, "pages_printed", json_integer(r->f.printed));
		json_object_set_new(o, "pages_refused", json_integer(r->f.refused));
		json_object_set_new(o, "pages_refunded", json_integer(r->f.refunded));
		if (kiosk)
			json_object_set_new(o, "kiosk", json_string(r->kiosk));
		if (!day)
			json_object_set_new(o, "site", json_string(r->site));
		else
			json_object_set_new(o, "day", json_string(r->day));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* V to one decimal place. */
static double tenths(double v)
{
	return (double)(int64_t)(v * 10 + 0.5) / 10;
}

json_t *api_stats_json(const struct store_stats *s, const char *fday, const char *tday)
{
	const struct store_figures *t = &s->total;
	json_t *out = json_pack(
		"{ss ss sI sI sI sf sf sI so so}", "from", fday, "to", tday, "sessions",
		(json_int_t)t->sessions, "minutes", (json_int_t)(t->seconds + 59) / 60, "pages",
		(json_int_t)t->pages, "mean_minutes", tenths(s->mean_minutes), "median_minutes",
		tenths(s->median_minutes), "median_sessions", (json_int_t)s->detailed, "per_day",
		stats_rows_json(&s->per_day, false, true), "per_kiosk",
		stats_rows_json(&s->per_kiosk, true, false));
	json_object_set_new(out, "pages_printed", json_integer(t->printed));
	json_object_set_new(out, "pages_refused", json_integer(t->refused));
	json_object_set_new(out, "pages_refunded", json_integer(t->refunded));
	json_object_set_new(out, "per_site", stats_rows_json(&s->per_site, false, false));
	json_t *hours = json_array();
	for (size_t h = 0; h < ARRAY_LEN(s->per_hour); h++)
		json_array_append_new(hours, json_integer(s->per_hour[h]));
	json_object_set_new(out, "per_hour", hours);
	json_t *bands = json_array();
	for (size_t i = 0; i < ARRAY_LEN(s->durations); i++)
		json_array_append_new(bands,
				      json_pack("{ss sI}", "label", s->durations[i].label,
						"sessions", (json_int_t)s->durations[i].sessions));
	json_object_set_new(out, "durations", bands);
	return out;
}

/* The refund rule, as the desk sees it next to the jobs. */
static const char refund_rule[] =
	"Pages are counted as printed faces (impressions): pages selected x copies, divided by"
	" pages per sheet. They are charged when the job is released. A job cancelled or aborted"
	" is refunded the pages charged that the printer did not report as printed"
	" (job-impressions-completed). A job that completes, even after a jam and a resume that"
	" reprints it, is not refunded: the reprint is on the centre. The desk may refund at"
	" most what was charged and not refunded yet.";

static json_t *job_json(const struct store_job_row *j, const struct print_config *pc)
{
	json_t *o = json_pack(
		"{sI ss so so ss sI sI sI sb sI sI sI sI sI ss ss so sb sI sI so}", "id",
		(json_int_t)j->id, "queue", j->queue, "kiosk", str_or_null(j->kiosk), "session",
		str_or_null(j->session), "title", j->title, "document_pages",
		(json_int_t)j->document_pages, "copies", (json_int_t)j->copies, "number_up",
		(json_int_t)j->number_up, "duplex", j->duplex, "pages", (json_int_t)j->pages,
		"sheets", (json_int_t)j->sheets, "charged", (json_int_t)j->charged, "printed",
		(json_int_t)j->printed, "refunded", (json_int_t)j->refunded, "decision",
		j->decision, "state", j->state, "reason", str_or_null(j->reason), "jammed",
		j->jammed, "created_at", (json_int_t)j->created_at, "updated_at",
		(json_int_t)j->updated_at, "settled_at", int_or_null(j->settled, j->settled_at));
	if (o) {
		json_object_set_new(o, "cups_id", json_integer(j->cups_id));
		/* The printer (admind's name, "queue" before print.queues) and its site as
		 * print.queues says now; for a printer of no site (the single queue of an old
		 * config, or one no longer listed), its kiosk's: what an account limited to
		 * sites sees jobs by. */
		const char *site = print_site_of(pc, j->queue);
		if (!site || !*site)
			site = j->site;
		json_object_set_new(o, "printer", json_string(j->queue));
		json_object_set_new(o, "site", json_string(site ? site : ""));
	}
	return o;
}

json_t *api_jobs_json(const struct store_job_rows *l, const struct print_config *pc)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		json_t *o = job_json(&l->v[i], pc);
		if (o)
			json_array_append_new(arr, o);
	}
	return json_pack("{so ss}", "jobs", arr, "refund_rule", refund_rule);
}
