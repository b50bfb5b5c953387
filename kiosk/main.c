/* escale-kiosk: the resident's X session; one event loop driving the state machine, the
 * screens, the browser and the network helper. */
#include "kiosk.h"

/* Wall time for the opening hours; tests move it with ESCALE_KIOSK_TIME_OFFSET (seconds)
 * to reach a closing time without waiting for it. */
int64_t hours_now(void)
{
	static int64_t offset = -1;
	if (offset == -1) {
		const char *s = getenv("ESCALE_KIOSK_TIME_OFFSET");
		if (!s || !parse_i64(s, -86400 * 400, 86400 * 400, &offset))
			offset = 0;
	}
	return now_s() + offset;
}

/* The next change of the opening hours after NOW. Searching for it can take a millisecond
 * (every day ahead is looked at), so it is kept until it is reached. */
static int64_t hours_next(struct kiosk *k, int64_t now)
{
	if (!k->hours_change || now >= k->hours_change)
		k->hours_change = hours_next_change(&k->cfg.hours, now);
	return k->hours_change;
}

struct sm_clock clock_now(struct kiosk *k)
{
	struct sm_clock c = {.mono_ms = mono_ms(), .to_close_s = INT64_MAX};
	int64_t now = hours_now();
	c.open = hours_is_open(&k->cfg.hours, now);
	if (c.open) {
		int64_t next = hours_next(k, now);
		if (next != INT64_MAX)
			c.to_close_s = next - now;
	}
	/* Only a session needs it, and once a second is enough: between two queries the idle
	 * time grows with the clock (an input meanwhile is seen at the next query). */
	if (k->sm.state != SM_SESSION) {
		c.idle_ms = 0;
		k->idle_at_ms = 0;
	} else {
		int64_t guess = k->idle_base_ms + (c.mono_ms - k->idle_at_ms);
		/* Read afresh each second, and whenever the guess reaches the idle prompt (an
		 * input since the last read must keep it away, or take it down). */
		if (!k->idle_at_ms || c.mono_ms - k->idle_at_ms >= 1000 ||
		    guess >= k->sm.p.idle_ms) {
			k->idle_base_ms = x_idle_ms(&k->x);
			k->idle_at_ms = c.mono_ms;
		}
		c.idle_ms = k->idle_base_ms + (c.mono_ms - k->idle_at_ms);
	}
	return c;
}

/* ---- the network helper ---- */

void ep_add(struct kiosk *k, int fd, int tag)
{
	struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)tag};
	if (epoll_ctl(k->ep, EPOLL_CTL_ADD, fd, &e) < 0)
		fatal("epoll_ctl");
}

/* ---- the resident's input ---- */

/* The welcome screen takes a code: not while the network check fails (proxy.enforce). */
static bool taking_codes(const struct kiosk *k)
{
	return k->sm.state == SM_LOGIN && !netguard_closed(k->guard.state);
}

static void submit(struct kiosk *k, const struct sm_clock *c)
{
	if (!taking_codes(k))
		return;
	if (ce_submit(&k->ce, c->mono_ms, helper_up(&k->net))) {
		struct wire_msg m = {.type = WIRE_MSG_LOGIN};
		snprintf(m.code, sizeof(m.code), "%s", k->ce.typed);
		/* Not taken (helper not reading): no answer will come, so no waiting for one. */
		ce_sent(&k->ce, helper_send(&k->net, &m));
		explicit_bzero(m.code, sizeof(m.code));
	}
	k->cover_dirty = true;
}

/* What an input on the welcome screen asked for (codeentry.h's CE_*). */
static void code_input(struct kiosk *k, unsigned out, const struct sm_clock *c)
{
	if (out & CE_TYPED)
		sm_typing(&k->sm);
	if (out & CE_REDRAW)
		k->cover_dirty = true;
	if (out & CE_SUBMIT)
		submit(k, c);
}

void set_language(struct kiosk *k, const struct lang *l)
{
	if (!l || k->lang == l)
		return;
	k->lang = l;
	ui_set_language(l->code);
	k->cover_dirty = k->bar_dirty = true;
}

static void do_action(struct kiosk *k, const struct ui_hit *h, const struct sm_clock *c)
{
	static const uint32_t back[] = {XKB_KEY_Alt_L, XKB_KEY_Left};
	static const uint32_t home[] = {XKB_KEY_Alt_L, XKB_KEY_Home};
	switch (h->action) {
	case UI_ACT_KEY:
		if (taking_codes(k))
			code_input(k, ce_type(&k->ce, h->key, c->mono_ms), c);
		break;
	case UI_ACT_ERASE:
		code_input(k, ce_erase(&k->ce, c->mono_ms), c);
		break;
	case UI_ACT_OK:
		submit(k, c);
		break;
	case UI_ACT_LANG:
		set_language(k, lang_at(h->key));
		break;
	case UI_ACT_HOME:
		x_send_keys(&k->x, home, 2);
		break;
	case UI_ACT_BACK:
		x_send_keys(&k->x, back, 2);
		break;
	case UI_ACT_END:
		sm_end_pressed(&k->sm, c);
		break;
	case UI_ACT_YES:
	case UI_ACT_NO:
		sm_confirm(&k->sm, c, h->action == UI_ACT_YES);
		break;
	case UI_ACT_CONTINUE:
		sm_still_here(&k->sm, c);
		break;
	case UI_ACT_DISMISS:
		sm_dismiss_message(&k->sm);
		break;
	case UI_ACT_NOTICE_OK:
		sm_dismiss_notice(&k->sm);
		break;
	case UI_ACT_TOOL:
		tool_pressed(k, (enum ui_tool)h->key, c);
		break;
	case UI_ACT_SCAN:
		scan_pressed(k, h->key);
		break;
	case UI_ACT_USB:
		usb_pressed(k, h->key);
		break;
	case UI_ACT_TEXT:
		text_pressed(k, h->key);
		break;
	case UI_ACT_ACCOMPANY:
		accompany_pressed(k, h->key, c);
		break;
	case UI_ACT_NONE:
		break;
	}
	k->cover_dirty = k->bar_dirty = true;
}

static void handle_key(struct kiosk *k, const struct x_event *e, const struct sm_clock *c)
{
	if (k->sm.state == SM_SESSION) {
		/* Prompts over the session answer to Enter and Escape too. */
		if (k->sm.confirm_end && (e->keysym == XKB_KEY_Escape || e->keysym == XKB_KEY_n))
			sm_confirm(&k->sm, c, false);
		else if (k->sm.idle_prompt)
			sm_still_here(&k->sm, c);
		else if (k->sm.notice != SM_NOTICE_NONE &&
			 (e->keysym == XKB_KEY_Return || e->keysym == XKB_KEY_KP_Enter ||
			  e->keysym == XKB_KEY_Escape))
			sm_dismiss_notice(&k->sm);
		k->cover_dirty = true;
		return;
	}
	if (!taking_codes(k) || accompany_key(k, e->keysym, e->utf8, c))
		return;
	if (e->keysym == XKB_KEY_BackSpace || e->keysym == XKB_KEY_Delete)
		code_input(k, ce_erase(&k->ce, c->mono_ms), c);
	else if (e->keysym == XKB_KEY_Return || e->keysym == XKB_KEY_KP_Enter)
		submit(k, c);
	else if (e->keysym == XKB_KEY_Escape)
		code_input(k, ce_clear(&k->ce), c);
	else
		code_input(k, ce_type(&k->ce, ce_key_char(&k->ce, e->keysym, e->utf8), c->mono_ms),
			   c);
}

static void x_readable(struct kiosk *k)
{
	xcb_generic_event_t *ev;
	while ((ev = k->held_ev ? k->held_ev : xcb_poll_for_event(k->x.c))) {
		k->held_ev = NULL;
		struct x_event e;
		x_handle(&k->x, ev, &e);
		free(ev);
		struct sm_clock c = clock_now(k);
		switch (e.what) {
		case X_KEY:
			handle_key(k, &e, &c);
			break;
		case X_CLICK: {
			if (e.on_osk) {
				keyboard_click(k, e.x, e.y);
				break;
			}
			if (!e.on_bar && accompany_click(k, e.x, e.y, &c))
				break;
			const struct ui_hit *h =
				ui_hit_at(e.on_bar ? &k->bar_hits : &k->cover_hits, e.x, e.y);
			if (h)
				do_action(k, h, &c);
			break;
		}
		case X_EXPOSE:
		case X_LAYOUT:
			k->cover_dirty = k->bar_dirty = k->osk_dirty = true;
			break;
		case X_REGRAB:
			/* Over a session, the next render tries again (a menu may hold them). */
			if (k->sm.state == SM_SESSION)
				x_grab_lost(&k->x);
			else if (!x_regrab(&k->x))
				fatalx("lost the keyboard and pointer grabs and cannot "
				       "take them "
				       "back");
			break;
		case X_NONE:
			break;
		}
	}
	if (xcb_connection_has_error(k->x.c))
		fatalx("the connection to the X server is lost");
}

/* ---- what the screen shows ---- */

void fill_view(struct kiosk *k, const struct sm_clock *c, struct ui_view *v, struct view_text *t)
{
	int64_t now = hours_now();
	t->closing[0] = '\0';
	if (c->to_close_s != INT64_MAX) {
		time_t at = (time_t)(now + c->to_close_s);
		struct tm tm;
		localtime_r(&at, &tm);
		snprintf(t->closing, sizeof(t->closing), "%dh%02d", tm.tm_hour, tm.tm_min);
	}
	struct view_in in = {
		.sm = &k->sm,
		.clock = c,
		.centre = k->cfg.centre_name,
		.lang = k->lang->code,
		.langs = k->cfg.languages,
		.n_langs = k->cfg.n_languages,
		.alnum = k->cfg.code_alnum,
		.online = k->online,
		.code_len = (int)k->cfg.code_length,
		.typed = k->ce.typed,
		.typed_refused = k->ce.refused,
		.msg = ce_message(&k->ce, c->mono_ms),
		.lockout_seconds = ce_pause_seconds(&k->ce, c->mono_ms),
		.tries_left = k->ce.tries_left,
		.next_open = t->next,
		.closing_at = t->closing,
		.unavailable = netguard_closed(k->guard.state),
		.tools = kiosk_tools(k),
		.tools_on = kiosk_tools_on(k),
		.help = k->help.state,
		.text = &k->text,
		.scan = &k->scan,
		.scan_preview = k->scanner.preview,
		.scan_saved = k->scanner.saved,
		.usb = &k->usb,
		.usb_entries = k->usb_entries,
		.acc = &k->acc,
	};
	if (!k->cfg.hours.always_open) {
		hours_format_day(hours_for_day(&k->cfg.hours, now), t->hours, sizeof(t->hours));
		in.hours_today = t->hours;
	}
	view_next_open(t->next, sizeof(t->next), now,
		       hours_is_open(&k->cfg.hours, now) ? INT64_MAX : hours_next(k, now));
	view_build(&in, v, t->banner, sizeof(t->banner));
}

/* The cover screen W x H, or the bar (its row H high, PANEL under it). */
static void draw(cairo_surface_t *s, int w, int h, int panel, const struct ui_view *v, bool bar,
		 struct ui_hits *hits)
{
	cairo_t *cr = cairo_create(s);
	cairo_push_group(cr);
	hits->n = 0;
	if (bar)
		ui_draw_bar(cr, w, h, panel, v, hits);
	else
		ui_draw_screen(cr, w, h, v, hits);
	cairo_pop_group_to_source(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_flush(s);
}

/* Makes the screen what the state says (desired state, then push). */
static void render(struct kiosk *k, const struct sm_clock *c)
{
	const struct sm *m = &k->sm;
	bool in_session = m->state == SM_SESSION;
	bool cover = !in_session || m->confirm_end || m->idle_prompt ||
		     m->notice != SM_NOTICE_NONE || sf_active(&k->scan) || uf_active(&k->usb) ||
		     k->text.panel;
	bool was_cover = k->x.cover_mapped;
	if (cover) {
		/* Without a session nothing may show without the grabs; over a session (the
		 * browser already usable) a prompt shows anyway and takes them when it can. */
		if (!x_cover_show(&k->x, !in_session))
			fatalx("cannot hold the keyboard and the pointer: stopping (fail "
			       "closed)");
		if (!was_cover)
			k->cover_dirty = true;
	} else {
		if (k->x.cover_mapped)
			x_cover_hide(&k->x);
		text_zoom(k); /* the "A+" panel's size, now that the keyboard is free */
	}
	if (in_session && !k->x.bar_mapped) {
		x_bar_show(&k->x);
		k->bar_dirty = true;
	} else if (!in_session && k->x.bar_mapped) {
		x_bar_hide(&k->x);
	}
	/* The keyboard, under the browser's windows, which shrink while it shows. */
	struct x_rect scr = x_primary(&k->x);
	bool osk = in_session && k->osk.shown;
	if (osk) {
		int h = osk_height(scr.w, scr.h);
		if (!k->x.osk_mapped || k->x.osk_h != h)
			k->osk_dirty = true;
		x_osk_show(&k->x, h);
	} else {
		x_osk_hide(&k->x);
	}
	if (osk && k->osk_dirty) {
		cairo_t *cr = cairo_create(k->x.osk_surf);
		cairo_push_group(cr);
		ui_draw_keyboard(cr, scr.w, k->x.osk_h, k->osk.shift, &k->osk_at);
		cairo_pop_group_to_source(cr);
		cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
		cairo_paint(cr);
		cairo_destroy(cr);
		cairo_surface_flush(k->x.osk_surf);
	}
	k->osk_dirty = false;
	if (!k->cover_dirty && !k->bar_dirty)
		return;
	struct view_text t;
	struct ui_view v;
	fill_view(k, c, &v, &t);
	speak_reset(k);
	if (k->speak_on)
		speak_view(k, &v, false);
	if (cover && k->cover_dirty) {
		/* The screens are laid out on the primary monitor; the rest stays black. */
		struct x_rect p = x_primary(&k->x);
		cairo_t *cr = cairo_create(k->x.cover_surf);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_paint(cr);
		cairo_destroy(cr);
		cairo_surface_t *sub =
			cairo_surface_create_for_rectangle(k->x.cover_surf, p.x, p.y, p.w, p.h);
		draw(sub, p.w, p.h, 0, &v, false, &k->cover_hits);
		cairo_surface_destroy(sub);
		for (int i = 0; i < k->cover_hits.n; i++) {
			k->cover_hits.hit[i].x += p.x;
			k->cover_hits.hit[i].y += p.y;
		}
	}
	if (in_session && k->bar_dirty) {
		/* A message gets a panel of its own under the bar's row, over the top of the
		 * page until it is dismissed or goes: the time and the pages stay in sight. */
		struct x_rect p = x_primary(&k->x);
		int row = ui_bar_height(p.h), rows = ui_bar_rows_height(p.w, row, &v);
		x_bar_size(&k->x, rows, ui_bar_panel_height(p.w, row, p.h, &v));
		draw(k->x.bar_surf, p.w, row, k->x.bar_h - rows, &v, true, &k->bar_hits);
	}
	k->cover_dirty = k->bar_dirty = false;
}

/* ---- the print server ---- */

static void print_probe(struct kiosk *k)
{
	if (k->probe.pid <= 0 && kprint_probe_start(&k->probe, &k->cfg))
		ep_add(k, k->probe.pidfd, EV_PRINT);
}

/* A probe finished: a print server that does not answer is the resident's to know before
 * a print is lost (the browser keeps a job it cannot send and says nothing). */
static void print_probed(struct kiosk *k, const struct sm_clock *c)
{
	int fd = k->probe.pidfd;
	enum kprint_state before = k->probe.state;
	enum kprint_state now = kprint_probe_done(&k->probe);
	if (k->probe.pid > 0)
		return;
	if (fd >= 0)
		epoll_ctl(k->ep, EPOLL_CTL_DEL, fd, NULL);
	if (now != before)
		log_info("print server %s: %s", k->cfg.print_server,
			 now == KPRINT_UP        ? "answers"
			 : now == KPRINT_PARTIAL ? "answers on some of its addresses"
			 : now == KPRINT_DOWN    ? "does not answer"
						 : "not probed");
	/* Said once when it goes down (each session starts from "unknown"), not every probe. */
	if (now == KPRINT_DOWN && before != KPRINT_DOWN && k->sm.state == SM_SESSION) {
		char text[SM_TEXT_MAX];
		bool calm = false;
		if (ui_print_notice(text, sizeof(text), "unreachable", 0, k->sm.pages_left, &calm))
			sm_print_notice(&k->sm, c, NULL, text, -1, calm);
	}
}

/* ---- the network check (proxy.enforce) ---- */

/* Outside sessions a check runs every NG_INTERVAL_MS, and at once when the welcome screen
 * comes back after a session: the code typed next is taken only if it passed. */
static void guard_tick(struct kiosk *k, const struct sm_clock *c)
{
	struct netguard *g = &k->guard;
	if (!g->enforce || g->pid > 0)
		return;
	bool idle = k->sm.state != SM_SESSION && k->sm.state != SM_ENDING;
	if (!idle) {
		g->next_ms = 0; /* the welcome screen comes back: check then */
		return;
	}
	if (c->mono_ms < g->next_ms)
		return;
	if (netguard_start(g, &k->cfg, k->br.separated, k->br.uid, k->br.gid))
		ep_add(k, g->pidfd, EV_GUARD);
	else
		k->cover_dirty = true; /* NG_ERROR: closed until a check runs (next_ms) */
}

static void guard_done(struct kiosk *k, const struct sm_clock *c)
{
	struct netguard *g = &k->guard;
	int fd = g->pidfd;
	enum ng_state before = g->state;
	enum ng_state now = netguard_done(g, c->mono_ms);
	if (g->pid > 0)
		return;
	if (fd >= 0)
		epoll_ctl(k->ep, EPOLL_CTL_DEL, fd, NULL);
	if (now == before)
		return;
	if (now == NG_OK)
		log_info("network check: %s; codes are taken", netguard_why(now));
	else
		log_warnx("network check (%s): %s; no code is taken until it passes (checked "
			  "again every %d s)",
			  netguard_word(now), netguard_why(now), NG_INTERVAL_MS / 1000);
	/* What was typed for nothing goes. */
	if (netguard_closed(now))
		ce_clear(&k->ce);
	k->cover_dirty = true;
}

/* ---- the session's effects ---- */

static void browser_watch(struct kiosk *k)
{
	if (k->br.pidfd >= 0)
		ep_add(k, k->br.pidfd, EV_BROWSER);
}

static void browser_unwatch(struct kiosk *k)
{
	if (k->br.pidfd >= 0)
		epoll_ctl(k->ep, EPOLL_CTL_DEL, k->br.pidfd, NULL);
}

static void apply(struct kiosk *k, const struct sm_clock *c)
{
	struct sm *m = &k->sm;
	helper_send_end(&k->net, NULL); /* an end the helper could not take before */
	while (m->out & ~SM_OUT_REDRAW) {
		unsigned out = m->out;
		m->out &= SM_OUT_REDRAW;
		if (out & SM_OUT_WIPE) {
			k->timings.end_ms = mono_ms();
			scan_close(k);
			scan_tile_unwatch(k);
			sf_init(&k->scan);
			usb_close(k);
			uf_init(&k->usb);
			k->usb_offered = false;
			k->timings.welcome_pending = true;
			browser_unwatch(k);
			browser_wipe(&k->br, WIPE_GRACE_MS);
			if (k->br.separated)
				x_allow_user(&k->x, k->cfg.browser_user, false);
			x_forget_clients(&k->x);
			x_clear_selections(&k->x);
			/* The keyboard closes, Shift off, the keycodes it borrowed given back. */
			keyboard_show(k, false);
			x_type_reset(&k->x);
		}
		if (out & SM_OUT_REPORT_END) {
			log_info("session %s ended: %s after %" PRId64 " s", m->end_session,
				 sm_reason_name(m->end_reason), m->end_used_s);
			struct wire_msg e = end_msg(m->end_session, m->end_reason, m->end_used_s);
			helper_send_end(&k->net, &e);
		}
		if (out & SM_OUT_WIPE) {
			k->timings.wiped_ms = mono_ms();
			sm_wipe_done(m, c);
			/* The next resident starts afresh: the centre's language again. */
			set_language(k, lang_or_default(k->cfg.language));
		}
		if (out & SM_OUT_START_BROWSER) {
			/* The browser user reaches the display for this session only. */
			if (k->br.separated)
				x_allow_user(&k->x, k->cfg.browser_user, true);
			use_next_services(k);
			k->br.print_addr = k->probe.addr;
			keyboard_prepare(k);
			keyboard_show(k, osk_at_start(k->cfg.keyboard_onscreen, has_keyboard()));
			/* The policy allowlists this session's home page: written before the
			 * browser starts, and without it no browser (fail closed). */
			if (browser_prepare(&k->br, &k->cfg, k->lang) &&
			    policy_write(&k->cfg, k->br.home_url) &&
			    kprint_write(&k->cfg, k->probe.addr) &&
			    browser_start(&k->br, &k->cfg)) {
				browser_watch(k);
				scan_tile_watch(k);
				k->probe.state = KPRINT_UNKNOWN;
				print_probe(k);
			} else {
				sm_browser_exited(m, c);
			}
		}
		if (out & SM_OUT_RESTART_BROWSER) {
			log_warnx("the browser stopped; starting it again");
			x_forget_clients(&k->x);
			if (browser_start(&k->br, &k->cfg))
				browser_watch(k);
			else
				sm_browser_exited(m, c);
		}
	}
	if (m->out & SM_OUT_REDRAW) {
		m->out &= ~(unsigned)SM_OUT_REDRAW;
		k->cover_dirty = k->bar_dirty = true;
	}
	/* A call for help ends with the session (one made at the welcome screen goes on into
	 * the session it helps open), or when the kiosk closes or locks; the text's size and
	 * contrast end with the session (the browser's zoom goes with its profile). */
	bool ended = k->seen == SM_SESSION && m->state != SM_SESSION;
	k->seen = m->state;
	if ((ended || m->state == SM_CLOSED || m->state == SM_LOCKED) && helpreq_reset(&k->help))
		k->cover_dirty = k->bar_dirty = true;
	if (m->state != SM_SESSION && textsize_reset(&k->text))
		k->cover_dirty = k->bar_dirty = true;
	if (m->state != k->last_state ||
	    (m->state == SM_SESSION && c->mono_ms / 1000 != k->last_state_sent_s))
		send_state(k, c);
	/* (a session wakes the loop every second, for its heartbeat state) */
	if (m->state == SM_SESSION && k->probe.pid <= 0 && k->probe.at_ms &&
	    c->mono_ms - k->probe.at_ms >= PRINT_PROBE_MS)
		print_probe(k);
}

static void browser_exited(struct kiosk *k, const struct sm_clock *c)
{
	browser_unwatch(k);
	int st = browser_reap(&k->br);
	log_warnx("the browser exited (status %d)", st);
	sm_browser_exited(&k->sm, c);
}

/* ---- the loop ---- */

static void arm_timer(struct kiosk *k, const struct sm_clock *c)
{
	int64_t wait = sm_next_deadline_ms(&k->sm, c);
	int64_t now = hours_now();
	int64_t change = hours_next(k, now);
	if (change != INT64_MAX && (k->sm.state == SM_LOGIN || k->sm.state == SM_CLOSED)) {
		int64_t ms = (change - now) * 1000;
		if (wait < 0 || ms < wait)
			wait = ms;
	}
	int64_t typed = ce_next_deadline_ms(&k->ce, c->mono_ms, k->sm.state == SM_LOGIN);
	if (typed >= 0 && (wait < 0 || typed < wait))
		wait = typed;
	if (k->guard.enforce && k->sm.state != SM_SESSION && k->sm.state != SM_ENDING) {
		/* The next check, or the end of the running one's time. */
		int64_t at = k->guard.pid > 0 ? k->guard.at_ms + NG_TIMEOUT_MS : k->guard.next_ms;
		int64_t ms = at - c->mono_ms;
		if (wait < 0 || ms < wait)
			wait = ms < 1 ? 1 : ms;
	}
	if (k->net.restart_at_ms) {
		int64_t ms = k->net.restart_at_ms - c->mono_ms;
		if (wait < 0 || ms < wait)
			wait = ms < 1 ? 1 : ms;
	}
	struct itimerspec its = {0};
	if (wait >= 0) {
		if (wait == 0)
			wait = 1;
		its.it_value.tv_sec = wait / 1000;
		its.it_value.tv_nsec = (wait % 1000) * 1000000L;
	}
	timerfd_settime(k->timer_fd, 0, &its, NULL);
}

static void on_timer(struct kiosk *k, const struct sm_clock *c)
{
	uint64_t n;
	if (read(k->timer_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("timerfd");
	ce_tick(&k->ce, c->mono_ms);
	accompany_tick(k, c);
	scan_event(k, scanrun_poll(&k->scanner, &k->scan)); /* a helper gone quietly */
	usb_print_poll(k);
	usb_watch(k); /* (the test image: looked at once a second) */
	if (k->net.restart_at_ms && c->mono_ms >= k->net.restart_at_ms)
		net_start(k);
	if (k->guard.pid > 0 && c->mono_ms - k->guard.at_ms >= NG_TIMEOUT_MS)
		guard_done(k, c);
	/* The lock-out countdown and the hours' changes redraw the welcome screen. */
	k->cover_dirty = true;
}

static void on_signal(struct kiosk *k)
{
	struct signalfd_siginfo si;
	while (read(k->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_open_file(k->cfg.log_file);
		} else {
			log_info("signal %d: stopping", (int)si.ssi_signo);
			k->quit = true;
		}
	}
}

static int run(struct kiosk *k)
{
	struct sm_clock c = clock_now(k);
	apply(k, &c);
	guard_tick(k, &c);
	render(k, &c);
	xcb_flush(k->x.c);
	while (!k->quit) {
		arm_timer(k, &c);
		/* The round trips since the last drain (grabs, the welcome's) may have read events
		 * into xcb's queue, which does not wake epoll: then do not sleep. */
		if (!k->held_ev)
			k->held_ev = xcb_poll_for_queued_event(k->x.c);
		struct epoll_event evs[16];
		int n = epoll_wait(k->ep, evs, 16, k->held_ev ? 0 : -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fatal("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			c = clock_now(k);
			switch (evs[i].data.u32) {
			case EV_X:
				x_readable(k);
				break;
			case EV_SIGNAL:
				on_signal(k);
				break;
			case EV_TIMER:
				on_timer(k, &c);
				break;
			case EV_NET:
				if (helper_up(&k->net))
					net_readable(k, NET_MSGS_PER_WAKE);
				break;
			case EV_NET_PID:
				/* What it sent before it died (a login's answer, a command) counts. */
				if (helper_up(&k->net))
					net_readable(k, IPC_QUEUE_MAX);
				if (k->net.pidfd >= 0)
					net_down(k);
				break;
			case EV_BROWSER:
				browser_exited(k, &c);
				break;
			case EV_PRINT:
				print_probed(k, &c);
				break;
			case EV_SCAN:
				scan_readable(k);
				break;
			case EV_USB:
				usb_watch(k);
				break;
			case EV_USB_JOB:
				usb_job_readable(k);
				break;
			case EV_USB_PRINT:
				usb_print_readable(k);
				break;
			case EV_TILE:
				scan_tile_readable(k);
				break;
			case EV_GUARD:
				guard_done(k, &c);
				break;
			case EV_CTL: {
				char *s = status_json(k, &c);
				ctlsock_answer(k->ctl_fd, s);
				free(s);
				break;
			}
			}
		}
		/* Events already read into xcb's queue do not wake epoll: drain them. */
		x_readable(k);
		c = clock_now(k);
		sm_tick(&k->sm, &c);
		apply(k, &c);
		guard_tick(k, &c);
		render(k, &c);
		xcb_flush(k->x.c);
		if (k->timings.welcome_pending && k->sm.state != SM_ENDING && k->x.cover_mapped) {
			/* A round trip: the server has drawn the welcome screen. */
			free(xcb_get_input_focus_reply(k->x.c, xcb_get_input_focus(k->x.c), NULL));
			k->timings.welcome_ms = mono_ms();
			k->timings.welcome_pending = false;
		}
	}
	return 0;
}

struct sm_params params_from(const struct kiosk_cfg *cfg)
{
	struct sm_params p = {
		.idle_ms = cfg->idle_seconds * 1000,
		.idle_grace_ms = cfg->idle_grace_seconds * 1000,
		.ending_ms = cfg->ending_ms,
		.message_ms = cfg->message_seconds * 1000,
		.browser_restarts = (int)cfg->browser_restarts,
	};
	for (int i = 0; i < cfg->n_warn && i < SM_MAX_WARN; i++)
		p.warn_s[p.n_warn++] = cfg->warn_minutes[i] * 60;
	for (int i = 0; i < cfg->n_closing_warn && i < SM_MAX_WARN; i++)
		p.closing_warn_s[p.n_closing_warn++] = cfg->closing_warn_minutes[i] * 60;
	return p;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {{"status", no_argument, NULL, 'S'},
						 {"help", no_argument, NULL, 'h'},
						 {"browser-policy", required_argument, NULL, 'P'},
						 {"home-page", required_argument, NULL, 'H'},
						 {"nft-rules", no_argument, NULL, 'N'},
						 {"check-network", no_argument, NULL, 'C'},
						 {"enroll", required_argument, NULL, 'E'},
						 {"pin", required_argument, NULL, 'K'},
						 {NULL, 0, NULL, 0}};
	const char *conf = NULL, *policy = NULL, *home = NULL, *enroll = NULL, *pin = NULL;
	bool check = false, status = false, debug = false, nft = false, netcheck = false;
	int ch;
	while ((ch = getopt_long(argc, argv, "c:ndh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'S':
			status = true;
			break;
		case 'P':
			policy = optarg;
			break;
		case 'H':
			home = optarg;
			break;
		case 'E':
			enroll = optarg;
			break;
		case 'K':
			pin = optarg;
			break;
		case 'N':
			nft = true;
			break;
		case 'C':
			netcheck = true;
			break;
		default:
			usage();
		}
	}
	if (enroll)
		return enroll_main(conf, enroll, argc - optind == 1 ? argv[optind] : NULL, pin,
				   check + status + nft + netcheck + !!policy + !!home);
	if (!conf || optind != argc || pin ||
	    (check + status + nft + netcheck + !!policy + !!home > 1))
		usage();
	if (home && !lang_find(home)) {
		fprintf(stderr, "escale-kiosk: --home-page takes a language: fr, en, ar, es, pt, "
				"tr, ro, uk or ru\n");
		return 2;
	}
	if (policy && strcmp(policy, "chromium") != 0 && strcmp(policy, "firefox") != 0) {
		fprintf(stderr, "escale-kiosk: --browser-policy takes chromium or firefox\n");
		return 2;
	}
	log_init("escale-kiosk", debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);

	struct kiosk *k = xcalloc(1, sizeof(*k));
	struct cfg_err err;
	if (!kconfig_load(&k->cfg, conf, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		free(k);
		return 1;
	}
	ce_init(&k->ce, (int)k->cfg.code_length, k->cfg.code_alnum);
	if (home) {
		ui_init_i18n();
		ui_set_language(home);
		homepage_print(stdout, &k->cfg, lang_or_default(home));
		kconfig_free(&k->cfg);
		free(k);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (netcheck) {
		int rc = check_network(&k->cfg);
		kconfig_free(&k->cfg);
		free(k);
		return rc;
	}
	if (policy || nft) {
		int rc = nft ? print_nft_rules(&k->cfg) : print_policy(&k->cfg, policy);
		kconfig_free(&k->cfg);
		free(k);
		return rc;
	}
	char *sock = kconfig_socket_path(&k->cfg);
	if (check || status) {
		int rc = 0;
		if (check)
			printf("%s: ok\n", conf);
		else
			rc = ctlsock_status(sock);
		free(sock);
		kconfig_free(&k->cfg);
		free(k);
		return rc;
	}

	enum log_level lvl;
	if (!debug && log_parse_level(k->cfg.log_level, &lvl))
		log_set_level(lvl);
	if (!log_open_file(k->cfg.log_file))
		fatal("%s", k->cfg.log_file);
	ui_init_i18n();
	base_save(k);
	k->lang = lang_or_default(k->cfg.language);
	ui_set_language(k->lang->code);
	if (mkdir(k->cfg.runtime_dir, 0700) < 0 && errno != EEXIST)
		fatal("%s", k->cfg.runtime_dir);

	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	k->sig_fd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	k->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	k->ep = epoll_create1(EPOLL_CLOEXEC);
	/* Their pipes leave it before they close. */
	k->scanner.ep = k->usbr.ep = k->usb_printer.ep = k->ep;
	if (k->sig_fd < 0 || k->timer_fd < 0 || k->ep < 0)
		fatal("signalfd/timerfd/epoll");
	helper_init(&k->net, k->cfg.path);
	browser_init(&k->br);
	kprint_probe_init(&k->probe);
	netguard_init(&k->guard, k->cfg.proxy_enforce);
	scanrun_init(&k->scanner, -1);
	k->tile_fd = -1;
	sf_init(&k->scan);
	usbrun_init(&k->usbr, -1);
	uf_init(&k->usb);
	scanrun_init(&k->usb_printer, -1);
	/* Whatever the browser leaves behind becomes ours to kill and reap at the wipe. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warn("PR_SET_CHILD_SUBREAPER");
	int rc = 1;
	if (!x_open(&k->x))
		goto out;
	k->x.timings = &k->timings;
	/* Directories of a session interrupted by a crash or a power cut go first; only once we
	 * are this display's window manager: a second kiosk started by mistake must not wipe
	 * the running one's session (nor its cgroups, swept by browser_setup). */
	browser_setup(&k->br, &k->cfg);
	browser_cleanup_stale(&k->br, &k->cfg);
	/* A crash's leftovers of the documents' flows: scanned pages, a key still mounted. */
	scanrun_cleanup_stale(k->cfg.runtime_dir);
	usb_release(k);
	if (k->cfg.proxy_enforce && !k->br.separated)
		log_warnx("proxy.enforce: the browser runs as the kiosk's own user, whose "
			  "network no "
			  "rule closes, so no code will be taken; run it as browser.user "
			  "(or set "
			  "proxy.enforce = false for a demonstration)");
	/* A crash may have left the browser user's X access behind. */
	if (k->br.separated)
		x_allow_user(&k->x, k->cfg.browser_user, false);
	k->ctl_fd = ctlsock_listen(sock);
	if (k->ctl_fd < 0)
		goto out;
	ep_add(k, x_fd(&k->x), EV_X);
	ep_add(k, k->sig_fd, EV_SIGNAL);
	ep_add(k, k->timer_fd, EV_TIMER);
	ep_add(k, k->ctl_fd, EV_CTL);
	if (k->cfg.usb_enabled && usbwatch_start(&k->usbw) && usbwatch_fd(&k->usbw) >= 0)
		ep_add(k, usbwatch_fd(&k->usbw), EV_USB);
	net_start(k);
	/* The print server's address is known before the first session (kprint_host). */
	print_probe(k);

	struct sm_params p = params_from(&k->cfg);
	struct sm_clock c = clock_now(k);
	sm_init(&k->sm, &p, &c);
	k->last_state = k->sm.state;
	k->cover_dirty = true;
	/* Map last: the first render takes the grabs, or we exit (fail closed). */
	log_info("escale-kiosk %s ready on %s (%s)", ESCALE_VERSION, getenv("DISPLAY"),
		 sm_state_name(k->sm.state));
	rc = run(k);

	browser_wipe(&k->br, WIPE_GRACE_MS);
	x_type_reset(&k->x); /* the keycodes the on-screen keyboard borrowed */
	scanrun_clear(&k->scanner);
	usb_close(k); /* the key released, the kiosk's copies removed */
	usbrun_free(&k->usbr);
	usbwatch_stop(&k->usbw);
	if (k->br.separated)
		x_allow_user(&k->x, k->cfg.browser_user, false);
	net_stop(k);
	speaker_stop(&k->speaker);
	kprint_probe_stop(&k->probe);
	netguard_stop(&k->guard);
	unlink(sock);
out:
	browser_teardown(&k->br);
	free(k->held_ev);
	free(sock);
	x_close(&k->x);
	svc_list_free(k->next_services);
	svc_list_free(k->services_all);
	free(k->base.centre_name);
	free(k->base.language);
	kconfig_free(&k->cfg);
	free(k);
	return rc;
}
