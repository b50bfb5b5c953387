/* k_net: the kiosk and its network helper: the messages both ways, admind's commands, its services
 * list and its site's settings. */
#include "kiosk.h"

void net_start(struct kiosk *k)
{
	/* A session still open here (or whose end it has not taken yet) carries on: the helper
	 * must not end it as interrupted (restart). */
	const char *keep = k->sm.state == SM_SESSION ? k->sm.session : helper_end_waiting(&k->net);
	if (!helper_start(&k->net, keep))
		return;
	ep_add(k, k->net.fd, EV_NET);
	if (k->net.pidfd >= 0)
		ep_add(k, k->net.pidfd, EV_NET_PID);
}

void net_send(struct kiosk *k, const struct wire_msg *m)
{
	helper_send(&k->net, m);
}

void net_down(struct kiosk *k)
{
	helper_down(&k->net);
	k->online = false;
	ce_helper_lost(&k->ce);
	if (k->acc.checking)
		acc_refused(&k->acc, WIRE_REFUSED_ERROR, 0, mono_ms());
	k->cover_dirty = k->bar_dirty = true;
}

/* The helper's "end" message of a session. */
struct wire_msg end_msg(const char *session, enum sm_reason reason, int64_t seconds_used)
{
	struct wire_msg m = {.type = WIRE_MSG_END,
			     .reason = (enum wire_reason)reason,
			     .seconds_used = seconds_used};
	snprintf(m.session, sizeof(m.session), "%s", session);
	return m;
}

/* Stopping: an open session is reported ended (restart); the helper writes it to its
 * outbox, sees the socket close and exits. */
void net_stop(struct kiosk *k)
{
	struct sm *m = &k->sm;
	struct wire_msg e;
	if (m->state == SM_SESSION) {
		struct sm_clock c = clock_now(k);
		e = end_msg(m->session, SM_END_RESTART, m->budget_s - sm_seconds_left(m, &c));
	}
	helper_stop(&k->net, m->state == SM_SESSION ? &e : NULL);
}

void send_state(struct kiosk *k, const struct sm_clock *c)
{
	const struct sm *m = &k->sm;
	bool in = m->state == SM_SESSION;
	struct wire_msg s = {.type = WIRE_MSG_STATE,
			     .state = (enum wire_state)m->state,
			     .seconds_used = in ? m->budget_s - sm_seconds_left(m, c) : 0,
			     .help = k->help.state,
			     .help_at = k->help.at_ms};
	if (in) {
		snprintf(s.session, sizeof(s.session), "%s", m->session);
		/* The session's documents, counts only (admind's statistics). */
		s.pages_scanned = k->scan.scanned;
		s.files_copied = k->usb.files_copied;
	}
	net_send(k, &s);
	k->last_state = m->state;
	k->last_state_sent_s = c->mono_ms / 1000;
}

bool already_acked(struct kiosk *k, int64_t id)
{
	for (int i = 0; i < k->n_acked; i++)
		if (k->acked[i] == id)
			return true;
	return false;
}

void ack(struct kiosk *k, int64_t id)
{
	if (k->n_acked == ACKED_MAX) {
		memmove(k->acked, k->acked + 1, sizeof(k->acked[0]) * (ACKED_MAX - 1));
		k->n_acked--;
	}
	k->acked[k->n_acked++] = id;
	struct wire_msg a = {.type = WIRE_MSG_ACK, .id = id};
	net_send(k, &a);
}

/* admind's word on a print job: a banner, and the bar's page count at once. */
void print_notice(struct kiosk *k, const struct wire_msg *m, const struct sm_clock *c)
{
	char text[SM_TEXT_MAX];
	bool calm = false;
	if (!ui_print_notice(text, sizeof(text), m->event, (int)m->pages, (int)m->pages_left,
			     &calm)) {
		log_warnx("print notice not understood: ignored");
		return;
	}
	sm_print_notice(&k->sm, c, m->session, text, (int)m->pages_left, calm);
	/* A scan sent from the scan screen: that screen shows the notice too. */
	if (sf_active(&k->scan))
		k->cover_dirty = true;
}

void handle_cmd(struct kiosk *k, const struct wire_msg *m, const struct sm_clock *c)
{
	if (already_acked(k, m->id)) {
		ack(k, m->id); /* the ack may have been lost with a helper restart */
		return;
	}
	log_info("command %lld: %s", (long long)m->id, wire_cmd_word(m->cmd));
	const char *session = m->session[0] ? m->session : NULL;
	switch (m->cmd) {
	case WIRE_CMD_END_SESSION:
		sm_staff_end(&k->sm, c, session);
		break;
	case WIRE_CMD_ADD_TIME:
		sm_add_time(&k->sm, c, session, m->seconds);
		break;
	case WIRE_CMD_MESSAGE:
		sm_message(&k->sm, c, m->text);
		break;
	case WIRE_CMD_LOCK:
		sm_lock(&k->sm, c, m->text);
		break;
	case WIRE_CMD_UNLOCK:
		sm_unlock(&k->sm, c);
		break;
	case WIRE_CMD_PRINT:
		print_notice(k, m, c);
		break;
	case WIRE_CMD_UNPAUSE:
		if (ce_unpause(&k->ce))
			k->cover_dirty = true;
		break;
	case WIRE_CMD_HELP_COMING:
	case WIRE_CMD_HELP_CLEAR:
		if (helpreq_desk(&k->help, m->cmd)) {
			k->bar_dirty = true;
			send_state(k, c);
		}
		break;
	case WIRE_CMD_COUNT:
		break;
	}
	ack(k, m->id);
}

void handle_login_reply(struct kiosk *k, const struct wire_msg *m, const struct sm_clock *c)
{
	/* The answer to a mediator's sign-in, or to a code typed. */
	bool acc = k->acc.checking;
	if (!m->ok) {
		if (acc ? acc_refused(&k->acc, m->refusal, m->retry_after, c->mono_ms)
			: ce_refused(&k->ce, m->refusal, m->retry_after, m->tries_left, c->mono_ms))
			k->cover_dirty = true;
		return;
	}
	if (acc ? !acc_accepted(&k->acc) : !ce_accepted(&k->ce))
		return; /* no check was out */
	k->cover_dirty = true;
	/* The network check failed while admind checked the code: no session without it. */
	if (netguard_closed(k->guard.state)) {
		log_warnx("session %s not opened: the network check failed meanwhile (%s)",
			  m->session, netguard_word(k->guard.state));
		struct wire_msg e = end_msg(m->session, SM_END_ERROR, 0);
		net_send(k, &e);
		return;
	}
	log_info("session %s opened%s", m->session, m->offline ? " offline" : "");
	/* The warnings and idle times of its site's settings, as they are now. */
	struct sm_params p = params_from(&k->cfg);
	k->sm.p.idle_ms = p.idle_ms;
	k->sm.p.idle_grace_ms = p.idle_grace_ms;
	memcpy(k->sm.p.warn_s, p.warn_s, sizeof(p.warn_s));
	k->sm.p.n_warn = p.n_warn;
	memcpy(k->sm.p.closing_warn_s, p.closing_warn_s, sizeof(p.closing_warn_s));
	k->sm.p.n_closing_warn = p.n_closing_warn;
	sm_login_ok(&k->sm, c, m->session, m->seconds_left, (int)m->pages_left, m->offline);
	if (m->by[0]) {
		log_info("session %s accompanied by a mediator", m->session);
		sm_accompanied(&k->sm, m->session, m->by);
	}
	k->timings.accepted_ms = c->mono_ms;
	/* The code was accepted while we left the welcome screen: close it. */
	if (k->sm.state != SM_SESSION) {
		struct wire_msg e = end_msg(m->session, SM_END_ERROR, 0);
		net_send(k, &e);
	}
}

/* Before a session's browser starts: admind's latest list replaces the services. */
void base_save(struct kiosk *k)
{
	const struct kiosk_cfg *c = &k->cfg;
	k->base.hours = c->hours;
	memcpy(k->base.warn, c->warn_minutes, sizeof(k->base.warn));
	memcpy(k->base.closing_warn, c->closing_warn_minutes, sizeof(k->base.closing_warn));
	k->base.n_warn = c->n_warn;
	k->base.n_closing_warn = c->n_closing_warn;
	k->base.idle_seconds = c->idle_seconds;
	k->base.idle_grace_seconds = c->idle_grace_seconds;
	k->base.centre_name = xstrdup(c->centre_name);
	k->base.language = xstrdup(c->language);
	memcpy(k->base.languages, c->languages, sizeof(k->base.languages));
	k->base.n_languages = c->n_languages;
	k->settings_version = -1;
}

/* Is key K of its site's settings to apply here: set in S and not kept by this PC? */
bool central(const struct kiosk *k, const struct site_settings *s, enum sitecfg_key key)
{
	return sitecfg_has(s, key) && !(k->cfg.settings_local & (1u << key));
}

void set_text(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* Its site's settings S over kiosk.conf's values: each key set centrally (and not kept
 * local) takes admind's value, each other key its kiosk.conf value again. The hours apply
 * at once (the welcome screen, the closed state); the warnings and idle times from the
 * next session (handle_login_reply takes them); the language and those offered at once
 * on a welcome screen where nobody chose one, else at the next. */
void apply_settings(struct kiosk *k, const struct site_settings *s, int64_t version)
{
	struct kiosk_cfg *c = &k->cfg;
	const struct lang *was_default = lang_or_default(c->language);
	if (central(k, s, SK_HOURS)) {
		c->hours = s->hours;
		c->hours.always_open = false;
	} else {
		c->hours = k->base.hours;
	}
	k->hours_change = 0; /* computed again from the new hours */
	bool warn = central(k, s, SK_WARN), closing = central(k, s, SK_CLOSING_WARN);
	memcpy(c->warn_minutes, warn ? s->warn : k->base.warn, sizeof(c->warn_minutes));
	c->n_warn = warn ? s->n_warn : k->base.n_warn;
	memcpy(c->closing_warn_minutes, closing ? s->closing_warn : k->base.closing_warn,
	       sizeof(c->closing_warn_minutes));
	c->n_closing_warn = closing ? s->n_closing_warn : k->base.n_closing_warn;
	c->idle_seconds = central(k, s, SK_IDLE) ? s->idle_seconds : k->base.idle_seconds;
	c->idle_grace_seconds =
		central(k, s, SK_IDLE_GRACE) ? s->idle_grace_seconds : k->base.idle_grace_seconds;
	set_text(&c->centre_name,
		 central(k, s, SK_CENTRE_NAME) ? s->centre_name : k->base.centre_name);
	set_text(&c->language, central(k, s, SK_LANGUAGE) ? s->language : k->base.language);
	bool langs = central(k, s, SK_LANGUAGES);
	memcpy(c->languages, langs ? s->languages : k->base.languages, sizeof(c->languages));
	c->n_languages = langs ? s->n_languages : k->base.n_languages;
	/* The default language is always offered. When the list leaves it out, one of them
	 * came from the site and the other from kiosk.conf: the site's wins. Its language
	 * heads kiosk.conf's list; or its list's first becomes the default. */
	int def = lang_index(c->language);
	bool offered = false;
	for (int i = 0; i < c->n_languages; i++)
		offered = offered || c->languages[i] == def;
	if (!offered && !langs && def >= 0 && c->n_languages < LANG_COUNT) {
		memmove(c->languages + 1, c->languages, (size_t)c->n_languages * sizeof(int));
		c->languages[0] = def;
		c->n_languages++;
	} else if (!offered && c->n_languages > 0) {
		set_text(&c->language, lang_at(c->languages[0])->code);
	}
	/* Outside a session, a welcome screen nobody chose a language on shows the new
	 * default at once (a session keeps its resident's language). */
	if (k->sm.state != SM_SESSION && k->lang == was_default)
		set_language(k, lang_or_default(c->language));
	k->settings_version = version;
	k->cover_dirty = true;
	log_info("site settings %lld applied (%s)", (long long)version,
		 hours_is_open(&c->hours, hours_now()) ? "open now" : "closed now");
}

void use_next_services(struct kiosk *k)
{
	if (k->next_services) {
		svc_list_free(k->services_all);
		k->services_all = k->next_services;
		k->next_services = NULL;
	}
	if (!k->services_all)
		return; /* kiosk.conf's services */
	/* This session's part: an accompanied session has them all (sm_accompanied came with
	 * the sign-in's answer, before the browser starts). */
	struct svc_list *l = xcalloc(1, sizeof(*l));
	svc_select(k->services_all, k->sm.accompanied_by[0] != '\0', l);
	svc_free(k->cfg.services, k->cfg.n_services);
	memcpy(k->cfg.services, l->s, (size_t)l->n * sizeof(l->s[0]));
	k->cfg.n_services = l->n;
	k->cfg.services_from_admind = true;
	k->services_version = l->version;
	free(l); /* its strings now belong to cfg */
}

void handle_net_msg(struct kiosk *k, struct wire_msg *m, const struct sm_clock *c)
{
	switch (m->type) {
	case WIRE_MSG_HELLO:
	case WIRE_MSG_ONLINE:
		if (m->online != k->online) {
			k->online = m->online;
			log_info("admind is %s",
				 m->online ? "reachable" : "unreachable: working offline");
			k->cover_dirty = k->bar_dirty = true;
		}
		if (m->type == WIRE_MSG_HELLO) {
			helper_hello(&k->net);
			helper_send_end(&k->net, NULL);
			send_state(k, c);
		}
		break;
	case WIRE_MSG_LOGIN_REPLY:
		handle_login_reply(k, m, c);
		break;
	case WIRE_MSG_SESSION:
		sm_server_view(&k->sm, c, m->session, m->active, (int)m->pages_left);
		break;
	case WIRE_MSG_CMD:
		handle_cmd(k, m, c);
		break;
	case WIRE_MSG_SYNCED:
		k->syncs++;
		break;
	case WIRE_MSG_RESTARTED:
		log_warnx("the session open before the restart was ended and reported");
		break;
	case WIRE_MSG_SETTINGS:
		apply_settings(k, m->settings, m->settings_version);
		break;
	case WIRE_MSG_SERVICES:
		/* Taken as it is: the next session's home page and policy use it. */
		svc_list_free(k->next_services);
		k->next_services = m->services;
		m->services = NULL;
		log_info("services list %lld from admind (%d services): from the next session on",
			 (long long)k->next_services->version, k->next_services->n);
		break;
	default: /* the kiosk's own messages: wire_msg_decode never gives them here */
		break;
	}
}

/* Reads at most MAX messages: a helper that floods the socket must not keep the loop from
 * the X events, the timers and the session's end (epoll wakes us again for the rest). */
void net_readable(struct kiosk *k, int max)
{
	for (int i = 0; i < max && helper_up(&k->net); i++) {
		struct wire_msg m;
		char bad_t[WIRE_WORD_MAX + 1];
		enum ipc_got got = ipc_recv(k->net.fd, WIRE_TO_KIOSK, &m, bad_t);
		if (got == IPC_EOF)
			net_down(k);
		if (got == IPC_BAD)
			continue; /* dropped (logged) */
		if (got != IPC_MSG)
			return;
		struct sm_clock c = clock_now(k);
		handle_net_msg(k, &m, &c);
		wire_msg_clear(&m);
	}
}
