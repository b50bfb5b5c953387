/* k_status: --status: the running kiosk's state as JSON, with every button on screen. */
#include "kiosk.h"

/* ---- status ---- */

/* The buttons on screen, in root coordinates: tests click them like a resident. */
json_t *buttons_json(struct kiosk *k)
{
	static const char *const names[] = {
		"none",      "key",  "erase",    "ok",      "lang",      "home",
		"back",      "end",  "yes",      "no",      "continue",  "dismiss",
		"notice_ok", "tool", "scanflow", "usbflow", "textpanel", "accompany"};
	_Static_assert(ARRAY_LEN(names) == UI_ACT_ACCOMPANY + 1, "an action without its name");
	json_t *a = json_array();
	struct x_rect p = x_primary(&k->x);
	for (int pass = 0; pass < 2; pass++) {
		const struct ui_hits *hits = pass ? &k->bar_hits : &k->cover_hits;
		if (pass ? !k->x.bar_mapped : !k->x.cover_mapped)
			continue;
		for (int i = 0; i < hits->n; i++) {
			const struct ui_hit *h = &hits->hit[i];
			char key[2] = {h->key, '\0'};
			/* A tool is named by its word ("scan", "help"...), a language by its code
			 * ("lang:ar"), without a key. */
			bool tool = h->action == UI_ACT_TOOL, lang = h->action == UI_ACT_LANG;
			char word[16];
			snprintf(word, sizeof(word), "%s",
				 tool ? ui_tool_word((enum ui_tool)h->key) : names[h->action]);
			if (lang && lang_at(h->key))
				snprintf(word, sizeof(word), "lang:%s", lang_at(h->key)->code);
			if (tool || lang)
				key[0] = '\0';
			json_array_append_new(a, json_pack("{ss ss sb si si si si}", "action", word,
							   "key", key, "bar", pass == 1, "x",
							   (int)(h->x + (pass ? p.x : 0)), "y",
							   (int)(h->y + (pass ? p.y : 0)), "w",
							   (int)h->w, "h", (int)h->h));
		}
	}
	return a;
}

char *status_json(struct kiosk *k, const struct sm_clock *c)
{
	const struct sm *m = &k->sm;
	static const char *const screens[] = {"closed",      "login", "locked", "ending",
					      "confirm_end", "idle",  "notice", "unavailable",
					      "scan",        "usb",   "text",   "accompany"};
	_Static_assert(ARRAY_LEN(screens) == UI_ACCOMPANY + 1, "a screen without its name");
	struct ui_view v;
	struct view_text t;
	fill_view(k, c, &v, &t);
	const char *screen = k->x.cover_mapped ? screens[v.screen] : "session";
	json_t *j =
		json_pack("{ss ss sI si sb sb so ss sb si sI sI si ss ss sb sb ss}", "state",
			  sm_state_name(m->state), "screen", screen, "seconds_left",
			  (json_int_t)sm_seconds_left(m, c), "pages_left",
			  m->state == SM_SESSION ? m->pages_left : 0, "online", k->online,
			  "offline_session", m->state == SM_SESSION && m->offline, "session",
			  m->state == SM_SESSION ? json_string(m->session) : json_null(), "typed",
			  k->ce.typed, "checking", k->ce.checking, "browser_pid", (int)k->br.pid,
			  "lockout_seconds", (json_int_t)ce_pause_seconds(&k->ce, c->mono_ms),
			  "idle_ms", (json_int_t)c->idle_ms, "windows", k->x.n_clients, "language",
			  k->lang->code, "banner", m->banner == SM_BANNER_MESSAGE ? m->message : "",
			  "banner_calm", m->banner == SM_BANNER_MESSAGE && m->message_calm,
			  "grabbed", k->x.grabbed, "version", ESCALE_VERSION);
	json_object_set_new(j, "tries_left", json_integer(k->ce.tries_left));
	json_object_set_new(j, "accompany", accompany_json(k));
	/* The mediator of an accompanied session, null for a resident's or outside one. */
	json_object_set_new(j, "accompanied_by",
			    m->state == SM_SESSION && m->accompanied_by[0]
				    ? json_string(m->accompanied_by)
				    : json_null());
	json_object_set_new(j, "help", json_string(wire_help_word(k->help.state)));
	json_object_set_new(j, "text",
			    json_pack("{si sb sb sb}", "percent", textsize_percent(k->text.step),
				      "contrast", k->text.contrast, "panel", k->text.panel,
				      "sites_contrast", k->text.browser_contrast));
	/* Read aloud: on or not, what was read last, how many texts so far. */
	json_object_set_new(j, "speak",
			    json_pack("{sb ss sI}", "on", k->speak_on, "spoken", k->spoken, "said",
				      (json_int_t)k->speaker.said));
	json_object_set_new(j, "last_end",
			    m->end_session[0] ? json_pack("{ss ss sI}", "session", m->end_session,
							  "reason", sm_reason_name(m->end_reason),
							  "seconds_used", (json_int_t)m->end_used_s)
					      : json_null());
	static const char *const msgs[] = {"",
					   "checking",
					   "code_unknown",
					   "code_expired",
					   "code_used_up",
					   "code_revoked",
					   "code_in_use",
					   "rate_limited",
					   "too_short",
					   "kiosk_refused",
					   "error",
					   "goodbye"};
	json_object_set_new(j, "message", json_string(msgs[v.msg]));
	json_object_set_new(j, "buttons", buttons_json(k));
	/* The on-screen keyboard: shown or not, Shift, and its keys in root coordinates (the
	 * label of a letter in lower case), which tests click like a resident. */
	json_object_set_new(j, "keyboard", json_boolean(k->x.osk_mapped));
	json_object_set_new(j, "keyboard_shift", json_boolean(k->osk.shift));
	json_t *keys = json_array();
	struct x_rect p = x_primary(&k->x);
	for (int i = 0; k->x.osk_mapped && i < k->osk_at.n; i++) {
		const struct osk_rect *r = &k->osk_at.r[i];
		json_array_append_new(keys, json_pack("{ss si si si si}", "label",
						      osk_key(i)->label, "x", (int)r->x + p.x, "y",
						      (int)r->y + p.y + p.h - k->x.osk_h, "w",
						      (int)r->w, "h", (int)r->h));
	}
	json_object_set_new(j, "keyboard_keys", keys);
	json_object_set_new(j, "documents", documents_json(k));
	json_object_set_new(j, "usb", usb_json(k));
	json_object_set_new(
		j, "scan",
		json_pack("{ss ss si si si si sb sb sb}", "state", sf_state_word(k->scan.state),
			  "error", sf_error_word(k->scan.error), "pages", k->scan.pages, "progress",
			  k->scan.progress, "pages_scanned", k->scan.scanned, "documents",
			  k->scan.documents, "can_print", k->scan.can_print, "printed",
			  k->scan.printed, "images", k->scan.images));
	/* What the bar shows: the time the resident really has, and closing time when that is
	 * what limits it; the notice shown over the session. */
	static const char *const notices[] = {"", "time", "closing"};
	json_object_set_new(j, "typed_refused", json_boolean(k->ce.refused));
	json_object_set_new(j, "time_left", json_integer(v.seconds_left));
	json_object_set_new(j, "closing_at",
			    v.closing_at ? json_string(v.closing_at) : json_null());
	json_object_set_new(j, "notice", json_string(notices[m->notice]));
	json_object_set_new(j, "cache_syncs", json_integer(k->syncs));
	/* The print server's first address that answered the last probe (kprint_host). */
	json_object_set_new(j, "print_address",
			    *k->probe.addr ? json_string(k->probe.addr) : json_null());
	/* The version of its site's settings applied (-1: none). */
	json_object_set_new(j, "settings_version", json_integer(k->settings_version));
	/* The services the sessions use (0: kiosk.conf's), and admind's next list if any. */
	json_object_set_new(j, "services_version", json_integer(k->services_version));
	json_object_set_new(j, "services_next",
			    k->next_services ? json_integer(k->next_services->version)
					     : json_null());
	json_t *ids = json_array();
	for (int i = 0; i < k->cfg.n_services; i++)
		json_array_append_new(ids, json_string(k->cfg.services[i].id));
	json_object_set_new(j, "services", ids);
	/* proxy.enforce's check: "ok", "checking", "no_proxy", "blocked", "open", "error", or
	 * "off" (not enforced). */
	json_object_set_new(j, "network", json_string(netguard_word(k->guard.state)));
	/* The lockdown (docs/threat-model.md): shortcut grabs held, XKB controls still on. */
	json_object_set_new(j, "shortcut_grabs", json_integer(k->x.key_grabs));
	json_object_set_new(j, "click_grabs", json_integer(k->x.button_grabs));
	json_object_set_new(j, "refused_windows", json_integer(k->x.refused));
	json_object_set_new(j, "separated", json_boolean(k->br.separated));
	json_object_set_new(j, "kill", json_string(browser_kill_mode(&k->br)));
	json_object_set_new(j, "xkb_controls_on", json_integer(x_xkb_forbidden_on(&k->x)));
	/* Durations of the last session's start and end, for tests/bench (-1: not yet). */
	json_object_set_new(j, "timings", timings_json(&k->timings));
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}
