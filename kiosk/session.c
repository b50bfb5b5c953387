/* session: the kiosk's pure state machine (see session.h); the clock comes in, flags go out. */
#include "session.h"

#include <stdio.h>
#include <string.h>

#define WARN_SHOW_MS  30000
#define ADDED_SHOW_MS 10000
#define GOODBYE_MS    10000

const char *sm_state_name(enum sm_state s)
{
	return wire_state_word((enum wire_state)s);
}

const char *sm_reason_name(enum sm_reason r)
{
	return wire_reason_word((enum wire_reason)r);
}

void sm_typing(struct sm *m)
{
	m->goodbye_until_ms = 0;
}

/* Copies TEXT (valid UTF-8) into DST, cut before a character that does not fit whole: the desk
 * may send 500 characters, up to 2000 bytes, and half a character is not UTF-8 any more. */
static void copy_text(char *dst, size_t size, const char *text)
{
	size_t n = strlen(text ? text : "");
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, text ? text : "", n);
	dst[n] = '\0';
}

static int64_t elapsed_s(const struct sm *m, const struct sm_clock *c)
{
	int64_t ms = c->mono_ms - m->start_ms;
	return ms < 0 ? 0 : ms / 1000;
}

int64_t sm_seconds_left(const struct sm *m, const struct sm_clock *c)
{
	if (m->state != SM_SESSION)
		return 0;
	int64_t left = m->budget_s - elapsed_s(m, c);
	return left < 0 ? 0 : left;
}

int64_t sm_time_left(const struct sm *m, const struct sm_clock *c, bool *by_closing)
{
	int64_t left = sm_seconds_left(m, c);
	*by_closing = m->state == SM_SESSION && c->to_close_s != INT64_MAX && c->to_close_s < left;
	if (*by_closing)
		left = c->to_close_s < 0 ? 0 : c->to_close_s;
	return left;
}

/* The state to rest in when no session runs. */
static enum sm_state resting_state(const struct sm *m)
{
	if (m->locked)
		return SM_LOCKED;
	return m->open ? SM_LOGIN : SM_CLOSED;
}

static void set_banner(struct sm *m, const struct sm_clock *c, enum sm_banner b, int64_t minutes,
		       int64_t show_ms)
{
	m->banner = b;
	m->banner_minutes = minutes;
	m->banner_until_ms = c->mono_ms + show_ms;
	m->out |= SM_OUT_REDRAW;
}

static void end_session(struct sm *m, const struct sm_clock *c, enum sm_reason reason)
{
	m->used_s = elapsed_s(m, c);
	if (m->used_s > m->budget_s)
		m->used_s = m->budget_s;
	m->end_reason = reason;
	m->end_used_s = m->used_s;
	memcpy(m->end_session, m->session, sizeof(m->end_session));
	m->session[0] = '\0';
	m->accompanied_by[0] = '\0';
	m->state = SM_ENDING;
	m->ending_until_ms = c->mono_ms + m->p.ending_ms;
	m->wiped = false;
	m->confirm_end = false;
	m->idle_prompt = false;
	m->notice = SM_NOTICE_NONE;
	m->banner = SM_BANNER_NONE;
	/* A browser start the shell has not done yet must not happen after this end's wipe. */
	m->out &= ~(unsigned)(SM_OUT_START_BROWSER | SM_OUT_RESTART_BROWSER);
	m->out |= SM_OUT_WIPE | SM_OUT_REPORT_END | SM_OUT_REDRAW;
}

void sm_init(struct sm *m, const struct sm_params *p, const struct sm_clock *c)
{
	memset(m, 0, sizeof(*m));
	m->p = *p;
	if (m->p.n_warn > SM_MAX_WARN)
		m->p.n_warn = SM_MAX_WARN;
	if (m->p.n_closing_warn > SM_MAX_WARN)
		m->p.n_closing_warn = SM_MAX_WARN;
	m->open = c->open;
	m->pages_left = -1;
	m->state = resting_state(m);
	m->out = SM_OUT_REDRAW;
}

/* Marks as shown every warning whose threshold is already behind LEFT, so that a session
 * that starts with 3 minutes does not announce "5 minutes". Returns true when a threshold
 * was crossed just now (bit not yet set). */
/* The index of the smallest of the N thresholds THR (the last warning), -1 if none. */
static int last_warning(const int64_t *thr, int n)
{
	int k = -1;
	for (int i = 0; i < n; i++)
		if (k < 0 || thr[i] < thr[k])
			k = i;
	return k;
}

static bool crossed(const int64_t *thr, int n, unsigned *shown, int64_t left)
{
	bool any = false;
	for (int i = 0; i < n; i++) {
		if (left <= thr[i] && !(*shown & (1u << i))) {
			*shown |= 1u << i;
			any = true;
		}
	}
	return any;
}

void sm_login_ok(struct sm *m, const struct sm_clock *c, const char *session, int64_t seconds_left,
		 int pages_left, bool offline)
{
	if (m->state != SM_LOGIN || seconds_left <= 0)
		return;
	snprintf(m->session, sizeof(m->session), "%s", session);
	m->accompanied_by[0] = '\0';
	m->offline = offline;
	m->start_ms = c->mono_ms;
	m->budget_s = seconds_left;
	m->pages_left = pages_left;
	m->used_s = 0;
	m->browser_restarts = 0;
	m->warned = 0;
	m->closing_warned = 0;
	/* Thresholds already passed at the start are not announced. */
	crossed(m->p.warn_s, m->p.n_warn, &m->warned, seconds_left - 1);
	if (c->to_close_s != INT64_MAX)
		crossed(m->p.closing_warn_s, m->p.n_closing_warn, &m->closing_warned,
			c->to_close_s - 1);
	m->confirm_end = false;
	m->idle_prompt = false;
	m->notice = SM_NOTICE_NONE;
	m->goodbye_until_ms = 0;
	if (m->banner != SM_BANNER_MESSAGE)
		m->banner = SM_BANNER_NONE;
	m->state = SM_SESSION;
	m->out |= SM_OUT_START_BROWSER | SM_OUT_REDRAW;
}

void sm_accompanied(struct sm *m, const char *session, const char *by)
{
	if (m->state != SM_SESSION || strcmp(m->session, session) != 0)
		return;
	snprintf(m->accompanied_by, sizeof(m->accompanied_by), "%s", by);
	m->out |= SM_OUT_REDRAW;
}

static void finish_ending(struct sm *m, const struct sm_clock *c)
{
	if (m->state != SM_ENDING || !m->wiped || c->mono_ms < m->ending_until_ms)
		return;
	m->state = resting_state(m);
	m->goodbye_until_ms = m->state == SM_LOGIN ? c->mono_ms + GOODBYE_MS : 0;
	m->out |= SM_OUT_REDRAW;
}

static void tick_session(struct sm *m, const struct sm_clock *c)
{
	int64_t left = m->budget_s - elapsed_s(m, c);
	if (left <= 0) {
		end_session(m, c, SM_END_EXPIRED);
		return;
	}
	if (!c->open) {
		end_session(m, c, SM_END_CLOSING);
		return;
	}
	/* The idle prompt: any input since it appeared clears it; else it ends the session. */
	if (m->idle_prompt) {
		if (c->idle_ms < c->mono_ms - m->idle_prompt_ms) {
			m->idle_prompt = false;
			m->out |= SM_OUT_REDRAW;
		} else if (c->mono_ms >= m->idle_deadline_ms) {
			end_session(m, c, SM_END_IDLE);
			return;
		}
	} else if (c->idle_ms >= m->p.idle_ms) {
		m->idle_prompt = true;
		m->idle_prompt_ms = c->mono_ms;
		m->idle_deadline_ms = c->mono_ms + m->p.idle_grace_ms;
		m->out |= SM_OUT_REDRAW;
	}
	/* The last warning of each kind is also a notice to dismiss: what to do now. */
	int last = last_warning(m->p.warn_s, m->p.n_warn);
	unsigned before = m->warned;
	if (crossed(m->p.warn_s, m->p.n_warn, &m->warned, left)) {
		set_banner(m, c, SM_BANNER_TIME, (left + 59) / 60, WARN_SHOW_MS);
		if (last >= 0 && (m->warned & ~before & (1u << last))) {
			m->notice = SM_NOTICE_TIME;
			m->notice_minutes = (left + 59) / 60;
		}
	}
	last = last_warning(m->p.closing_warn_s, m->p.n_closing_warn);
	before = m->closing_warned;
	if (c->to_close_s != INT64_MAX && c->to_close_s < left &&
	    crossed(m->p.closing_warn_s, m->p.n_closing_warn, &m->closing_warned, c->to_close_s)) {
		set_banner(m, c, SM_BANNER_CLOSING, (c->to_close_s + 59) / 60, WARN_SHOW_MS);
		if (last >= 0 && (m->closing_warned & ~before & (1u << last))) {
			m->notice = SM_NOTICE_CLOSING;
			m->notice_minutes = (c->to_close_s + 59) / 60;
		}
	}
	if (m->banner != SM_BANNER_NONE && c->mono_ms >= m->banner_until_ms) {
		m->banner = SM_BANNER_NONE;
		m->out |= SM_OUT_REDRAW;
	}
	/* The bar shows seconds: redraw on every tick. */
	m->out |= SM_OUT_REDRAW;
}

void sm_tick(struct sm *m, const struct sm_clock *c)
{
	bool was_open = m->open;
	m->open = c->open;
	switch (m->state) {
	case SM_SESSION:
		tick_session(m, c);
		break;
	case SM_ENDING:
		finish_ending(m, c);
		break;
	case SM_LOGIN:
	case SM_CLOSED:
		if (m->state != resting_state(m)) {
			m->state = resting_state(m);
			m->goodbye_until_ms = 0;
			m->out |= SM_OUT_REDRAW;
		}
		if (m->goodbye_until_ms && c->mono_ms >= m->goodbye_until_ms) {
			m->goodbye_until_ms = 0;
			m->out |= SM_OUT_REDRAW;
		}
		break;
	case SM_LOCKED:
		break;
	}
	if (was_open != m->open)
		m->out |= SM_OUT_REDRAW;
}

void sm_end_pressed(struct sm *m, const struct sm_clock *c)
{
	if (m->state != SM_SESSION || m->confirm_end)
		return;
	m->confirm_end = true;
	m->out |= SM_OUT_REDRAW;
}

void sm_confirm(struct sm *m, const struct sm_clock *c, bool yes)
{
	if (m->state != SM_SESSION || !m->confirm_end)
		return;
	m->confirm_end = false;
	m->out |= SM_OUT_REDRAW;
	if (yes)
		end_session(m, c, SM_END_USER);
}

void sm_dismiss_notice(struct sm *m)
{
	if (m->notice == SM_NOTICE_NONE)
		return;
	m->notice = SM_NOTICE_NONE;
	m->out |= SM_OUT_REDRAW;
}

void sm_still_here(struct sm *m, const struct sm_clock *c)
{
	if (m->state != SM_SESSION || !m->idle_prompt)
		return;
	m->idle_prompt = false;
	m->out |= SM_OUT_REDRAW;
}

static bool is_current(const struct sm *m, const char *session)
{
	return m->state == SM_SESSION && (!session || strcmp(session, m->session) == 0);
}

void sm_staff_end(struct sm *m, const struct sm_clock *c, const char *session)
{
	if (is_current(m, session))
		end_session(m, c, SM_END_STAFF);
}

void sm_add_time(struct sm *m, const struct sm_clock *c, const char *session, int64_t seconds)
{
	if (!is_current(m, session) || seconds <= 0)
		return;
	m->budget_s += seconds;
	int64_t left = m->budget_s - elapsed_s(m, c);
	/* Warnings now ahead again can be given again. */
	for (int i = 0; i < m->p.n_warn; i++)
		if (left > m->p.warn_s[i])
			m->warned &= ~(1u << i);
	/* "Plus qu'une minute" is not true any more. */
	if (m->notice == SM_NOTICE_TIME && left > m->notice_minutes * 60)
		m->notice = SM_NOTICE_NONE;
	if (m->banner != SM_BANNER_MESSAGE)
		set_banner(m, c, SM_BANNER_ADDED, (seconds + 59) / 60, ADDED_SHOW_MS);
	m->out |= SM_OUT_REDRAW;
}

void sm_message(struct sm *m, const struct sm_clock *c, const char *text)
{
	copy_text(m->message, sizeof(m->message), text);
	m->message_calm = false;
	if (!m->message[0]) {
		sm_dismiss_message(m);
		return;
	}
	set_banner(m, c, SM_BANNER_MESSAGE, 0, m->p.message_ms);
}

void sm_print_notice(struct sm *m, const struct sm_clock *c, const char *session, const char *text,
		     int pages_left, bool calm)
{
	if (!is_current(m, session))
		return;
	if (pages_left >= 0 && pages_left != m->pages_left) {
		m->pages_left = pages_left;
		m->out |= SM_OUT_REDRAW;
	}
	sm_message(m, c, text);
	m->message_calm = calm && m->banner == SM_BANNER_MESSAGE;
}

void sm_dismiss_message(struct sm *m)
{
	if (m->banner == SM_BANNER_NONE)
		return;
	m->banner = SM_BANNER_NONE;
	m->out |= SM_OUT_REDRAW;
}

void sm_lock(struct sm *m, const struct sm_clock *c, const char *text)
{
	copy_text(m->lock_text, sizeof(m->lock_text), text);
	m->locked = true;
	if (m->state == SM_SESSION)
		end_session(m, c, SM_END_LOCKED);
	else if (m->state != SM_ENDING)
		m->state = SM_LOCKED;
	m->out |= SM_OUT_REDRAW;
}

void sm_unlock(struct sm *m, const struct sm_clock *c)
{
	if (!m->locked)
		return;
	m->locked = false;
	m->lock_text[0] = '\0';
	if (m->state == SM_LOCKED)
		m->state = resting_state(m);
	m->out |= SM_OUT_REDRAW;
}

void sm_server_view(struct sm *m, const struct sm_clock *c, const char *session, bool active,
		    int pages_left)
{
	if (!is_current(m, session))
		return;
	if (!active) {
		end_session(m, c, SM_END_STAFF);
		return;
	}
	if (pages_left != m->pages_left) {
		m->pages_left = pages_left;
		m->out |= SM_OUT_REDRAW;
	}
}

void sm_browser_exited(struct sm *m, const struct sm_clock *c)
{
	if (m->state != SM_SESSION)
		return;
	if (m->browser_restarts < m->p.browser_restarts) {
		m->browser_restarts++;
		m->out |= SM_OUT_RESTART_BROWSER;
		return;
	}
	end_session(m, c, SM_END_BROWSER);
}

void sm_wipe_done(struct sm *m, const struct sm_clock *c)
{
	m->wiped = true;
	finish_ending(m, c);
}

int64_t sm_next_deadline_ms(const struct sm *m, const struct sm_clock *c)
{
	switch (m->state) {
	case SM_SESSION:
		return 1000 - (c->mono_ms - m->start_ms) % 1000;
	case SM_ENDING:
		if (!m->wiped)
			return -1;
		return m->ending_until_ms > c->mono_ms ? m->ending_until_ms - c->mono_ms : 0;
	case SM_LOGIN:
	case SM_CLOSED:
		if (m->goodbye_until_ms)
			return m->goodbye_until_ms > c->mono_ms ? m->goodbye_until_ms - c->mono_ms
								: 0;
		return -1;
	case SM_LOCKED:
		return -1;
	}
	return -1;
}
