/* api_json: the store's answers as the API's JSON (docs/API.md): field
 * order and types as the clients know them. */
#include "api.h"

json_t *api_audit_json(const struct store_audit_rows *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct store_audit_row *e = &l->v[i];
		json_t *d = e->detail ? json_loads(e->detail, 0, NULL) : NULL;
		json_array_append_new(
			arr, json_pack("{sI sI ss ss so* so*}", "id", (json_int_t)e->id, "at",
				       (json_int_t)e->at, "user", e->user, "action", e->action,
				       "target", e->target ? json_string(e->target) : json_null(),
				       "detail", d ? d : json_null()));
	}
	return json_pack("{so}", "audit", arr);
}

json_t *api_users_json(const struct store_user_rows *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct store_user_row *u = &l->v[i];
		json_array_append_new(arr, json_pack("{sI ss ss sI sb sb}", "id", (json_int_t)u->id,
						     "name", u->name, "role", u->role, "created_at",
						     (json_int_t)u->created_at, "disabled",
						     u->disabled, "has_password", u->has_password));
	}
	return json_pack("{so}", "users", arr);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *api_kiosks_json(const struct store_kiosk_rows *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct store_kiosk_row *k = &l->v[i];
		json_t *o = json_pack("{sI ss ss ss sb so so so sb so}", "id", (json_int_t)k->id,
				      "name", k->name, "site", k->site, "state", k->state, "online",
				      k->online, "last_seen",
				      k->seen ? json_integer(k->last_seen) : json_null(), "version",
				      str_or_null(k->version), "address", str_or_null(k->address),
				      "revoked", k->revoked, "session", str_or_null(k->session));
		if (k->session)
			json_object_set_new(o, "seconds_left", json_integer(k->seconds_left));
		json_array_append_new(arr, o);
	}
	return json_pack("{so}", "kiosks", arr);
}

json_t *api_sessions_json(const struct store_session_rows *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct store_session_row *s = &l->v[i];
		json_t *o = json_pack("{ss ss ss so sI so sI sI so sb sb}", "id", s->id, "kiosk",
				      s->kiosk, "site", s->site, "code_id",
				      s->has_code ? json_integer(s->code_id) : json_null(),
				      "started_at", (json_int_t)s->started_at, "ended_at",
				      s->active ? json_null() : json_integer(s->ended_at),
				      "seconds_used", (json_int_t)s->seconds_used, "pages_used",
				      (json_int_t)s->pages_used, "end_reason",
				      str_or_null(s->end_reason), "offline", s->offline, "active",
				      s->active);
		if (s->active)
			json_object_set_new(o, "seconds_left", json_integer(s->seconds_left));
		json_array_append_new(arr, o);
	}
	return json_pack("{so}", "sessions", arr);
}
