/* escale-kiosk: the resident's X session; one event loop driving the state machine, the
 * screens, the browser and the network helper. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pwd.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include "browser.h"
#include "codeentry.h"
#include "ctlsock.h"
#include "documents.h"
#include "enroll.h"
#include "helper.h"
#include "helpreq.h"
#include "hours.h"
#include "ipc.h"
#include "kconfig.h"
#include "log.h"
#include "netguard.h"
#include "nftrules.h"
#include "osk.h"
#include "privdrop.h"
#include "scanflow.h"
#include "scanrun.h"
#include "usbflow.h"
#include "usbmount.h"
#include "usbrun.h"
#include "usbwatch.h"
#include "policy.h"
#include "kprint.h"
#include "session.h"
#include "speak.h"
#include "speaker.h"
#include "textsize.h"
#include "timings.h"
#include "ui.h"
#include "view.h"
#include "util.h"
#include "x.h"

#define WIPE_GRACE_MS     250
#define ACKED_MAX         64
#define NET_MSGS_PER_WAKE 32
#define IPC_QUEUE_MAX     4096 /* more than a socket buffer holds */

enum {
	EV_X = 1,
	EV_SIGNAL,
	EV_TIMER,
	EV_NET,
	EV_NET_PID,
	EV_BROWSER,
	EV_CTL,
	EV_PRINT,
	EV_GUARD,
	EV_SCAN,
	EV_USB,     /* USB keys coming and going */
	EV_USB_JOB, /* the USB flow's child */
};

/* During a session, the print server is probed at its start and then this often. */
#define PRINT_PROBE_MS 30000

struct kiosk {
	struct kiosk_cfg cfg;
	struct xk x;
	struct sm sm;
	struct browser br;
	struct kprint_probe probe; /* does print.server answer? */
	struct netguard guard;     /* is the browser's network closed but for the proxy? */
	int ep, sig_fd, timer_fd, ctl_fd;

	struct helper net;
	bool online;
	int64_t syncs; /* offline cache refreshes, for the tests */
	/* admind's services list, waiting for the next session (never changed under one) */
	struct svc_list *next_services;
	int64_t services_version;         /* of the list in cfg: 0 for kiosk.conf's */
	int64_t idle_base_ms, idle_at_ms; /* the X server's idle time, and when it was read */
	int64_t hours_change; /* next open/closed change (hours_now time), 0: to compute */
	/* kiosk.conf's own values of the keys its site's settings may set (they come back
	 * when admind unsets a key), and the version of the settings applied (-1: none). */
	struct {
		struct hours hours;
		int64_t warn[KCFG_MAX_WARN], closing_warn[KCFG_MAX_WARN];
		int n_warn, n_closing_warn;
		int64_t idle_seconds, idle_grace_seconds;
		char *centre_name, *language;
	} base;
	int64_t settings_version;

	struct code_entry ce;
	bool english;

	int64_t acked[ACKED_MAX]; /* ids of commands carried out, newest last */
	int n_acked;
	int64_t last_state_sent_s;
	enum sm_state last_state;

	struct ui_hits cover_hits, bar_hits;
	bool cover_dirty, bar_dirty;
	struct osk osk;           /* the on-screen keyboard: shown, Shift */
	struct osk_layout osk_at; /* its keys as last drawn, for its clicks */
	bool osk_dirty;

	struct helpreq help; /* the resident's call for help ("Aide") */
	enum sm_state seen;  /* the state apply() saw last: a session's end ends the call */
	int text_step;       /* "A+": textsize.h's step, this session's */

	/* Read aloud ("Écouter"): on from a press until the session ends. */
	bool speak_on;
	struct speaker speaker;
	char speak_topic[SM_TEXT_MAX + 64]; /* what was read last (speak_topic) */
	char spoken[SPEAK_TEXT_MAX];        /* and its words, for --status */
	struct timings timings;             /* for --status and the benchmarks only */
	struct scanflow scan;               /* "Numériser un document" (scanflow.h) */
	struct scanrun scanner;
	/* "Copier des documents depuis la clé" (usbflow.h) */
	struct usbwatch usbw;
	bool usb_offered; /* the key came during this session (one there before is not) */
	struct usbflow usb;
	struct usbrun usbr;
	struct usb_entry usb_entries[USB_MAX_FILES];
	bool quit;
	xcb_generic_event_t *held_ev; /* queued by a round trip after the drain: next to handle */
};

static struct sm_params params_from(const struct kiosk_cfg *cfg);

/* Wall time for the opening hours; tests move it with ESCALE_KIOSK_TIME_OFFSET (seconds)
 * to reach a closing time without waiting for it. */
static int64_t hours_now(void)
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

static struct sm_clock clock_now(struct kiosk *k)
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

static void ep_add(struct kiosk *k, int fd, int tag)
{
	struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)tag};
	if (epoll_ctl(k->ep, EPOLL_CTL_ADD, fd, &e) < 0)
		fatal("epoll_ctl");
}

static void net_start(struct kiosk *k)
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

static void net_send(struct kiosk *k, const struct wire_msg *m)
{
	helper_send(&k->net, m);
}

static void net_down(struct kiosk *k)
{
	helper_down(&k->net);
	k->online = false;
	ce_helper_lost(&k->ce);
	k->cover_dirty = k->bar_dirty = true;
}

/* The helper's "end" message of a session. */
static struct wire_msg end_msg(const char *session, enum sm_reason reason, int64_t seconds_used)
{
	struct wire_msg m = {.type = WIRE_MSG_END,
			     .reason = (enum wire_reason)reason,
			     .seconds_used = seconds_used};
	snprintf(m.session, sizeof(m.session), "%s", session);
	return m;
}

/* Stopping: an open session is reported ended (restart); the helper writes it to its
 * outbox, sees the socket close and exits. */
static void net_stop(struct kiosk *k)
{
	struct sm *m = &k->sm;
	struct wire_msg e;
	if (m->state == SM_SESSION) {
		struct sm_clock c = clock_now(k);
		e = end_msg(m->session, SM_END_RESTART, m->budget_s - sm_seconds_left(m, &c));
	}
	helper_stop(&k->net, m->state == SM_SESSION ? &e : NULL);
}

static void send_state(struct kiosk *k, const struct sm_clock *c)
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

static bool already_acked(struct kiosk *k, int64_t id)
{
	for (int i = 0; i < k->n_acked; i++)
		if (k->acked[i] == id)
			return true;
	return false;
}

static void ack(struct kiosk *k, int64_t id)
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
static void print_notice(struct kiosk *k, const struct wire_msg *m, const struct sm_clock *c)
{
	char text[SM_TEXT_MAX];
	bool calm = false;
	if (!ui_print_notice(text, sizeof(text), m->event, (int)m->pages, (int)m->pages_left,
			     &calm)) {
		log_warnx("print notice not understood: ignored");
		return;
	}
	sm_print_notice(&k->sm, c, m->session, text, (int)m->pages_left, calm);
}

static void handle_cmd(struct kiosk *k, const struct wire_msg *m, const struct sm_clock *c)
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

static void handle_login_reply(struct kiosk *k, const struct wire_msg *m, const struct sm_clock *c)
{
	if (!m->ok) {
		if (ce_refused(&k->ce, m->refusal, m->retry_after, m->tries_left, c->mono_ms))
			k->cover_dirty = true;
		return;
	}
	if (!ce_accepted(&k->ce))
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
	k->timings.accepted_ms = c->mono_ms;
	/* The code was accepted while we left the welcome screen: close it. */
	if (k->sm.state != SM_SESSION) {
		struct wire_msg e = end_msg(m->session, SM_END_ERROR, 0);
		net_send(k, &e);
	}
}

/* Before a session's browser starts: admind's latest list replaces the services. */
static void base_save(struct kiosk *k)
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
	k->settings_version = -1;
}

/* Is key K of its site's settings to apply here: set in S and not kept by this PC? */
static bool central(const struct kiosk *k, const struct site_settings *s, enum sitecfg_key key)
{
	return sitecfg_has(s, key) && !(k->cfg.settings_local & (1u << key));
}

static void set_text(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

/* Its site's settings S over kiosk.conf's values: each key set centrally (and not kept
 * local) takes admind's value, each other key its kiosk.conf value again. The hours apply
 * at once (the welcome screen, the closed state); the warnings and idle times from the
 * next session (handle_login_reply takes them); the language at the next welcome screen. */
static void apply_settings(struct kiosk *k, const struct site_settings *s, int64_t version)
{
	struct kiosk_cfg *c = &k->cfg;
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
	k->settings_version = version;
	k->cover_dirty = true;
	log_info("site settings %lld applied (%s)", (long long)version,
		 hours_is_open(&c->hours, hours_now()) ? "open now" : "closed now");
}

static void use_next_services(struct kiosk *k)
{
	struct svc_list *l = k->next_services;
	if (!l)
		return;
	svc_free(k->cfg.services, k->cfg.n_services);
	memcpy(k->cfg.services, l->s, (size_t)l->n * sizeof(l->s[0]));
	k->cfg.n_services = l->n;
	k->cfg.services_from_admind = true;
	k->services_version = l->version;
	free(l); /* its strings now belong to cfg */
	k->next_services = NULL;
}

static void handle_net_msg(struct kiosk *k, struct wire_msg *m, const struct sm_clock *c)
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
static void net_readable(struct kiosk *k, int max)
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

static void set_language(struct kiosk *k, bool english)
{
	if (k->english == english)
		return;
	k->english = english;
	ui_set_language(english);
	k->cover_dirty = k->bar_dirty = true;
}

/* The bar's tools this kiosk offers now (ui.h, enum ui_tool): each feature adds its bit
 * when it is on (1u << UI_TOOL_...), and in kiosk_tools_on when it shows pressed. */
static unsigned kiosk_tools(const struct kiosk *k)
{
	unsigned t = 0;
	(void)k;
	/* UI_TOOL_HELP */
	t |= 1u << UI_TOOL_HELP;
	/* UI_TOOL_TEXT */
	t |= 1u << UI_TOOL_TEXT;
	/* UI_TOOL_SPEAK */
	if (k->cfg.speech_enabled)
		t |= 1u << UI_TOOL_SPEAK;
	/* UI_TOOL_KEYBOARD */
	if (k->cfg.keyboard_onscreen != OSK_NEVER)
		t |= 1u << UI_TOOL_KEYBOARD;

	/* UI_TOOL_SCAN */
	if (k->sm.state == SM_SESSION)
		t |= 1u << UI_TOOL_SCAN;
	/* UI_TOOL_USB */
	if (k->sm.state == SM_SESSION && k->cfg.usb_enabled &&
	    (k->usb_offered || uf_active(&k->usb)))
		t |= 1u << UI_TOOL_USB;
	return t;
}

static unsigned kiosk_tools_on(const struct kiosk *k)
{
	unsigned t = 0;
	(void)k;
	/* UI_TOOL_HELP */
	if (k->help.state != WIRE_HELP_NONE)
		t |= 1u << UI_TOOL_HELP;
	/* UI_TOOL_TEXT */
	if (k->text_step)
		t |= 1u << UI_TOOL_TEXT;
	/* UI_TOOL_SPEAK */
	if (k->speak_on)
		t |= 1u << UI_TOOL_SPEAK;
	/* UI_TOOL_KEYBOARD */
	if (k->osk.shown)
		t |= 1u << UI_TOOL_KEYBOARD;

	/* UI_TOOL_SCAN */
	if (sf_active(&k->scan))
		t |= 1u << UI_TOOL_SCAN;
	/* UI_TOOL_USB */
	if (uf_active(&k->usb))
		t |= 1u << UI_TOOL_USB;
	return t;
}

/* ---- the on-screen keyboard (osk.h) ---- */

/* Whether the PC has a keyboard: udev names each keyboard's event device
 * /dev/input/by-path/...-event-kbd (and by-id/ for USB ones), whatever its bus. Read there
 * rather than from XInput2's device list, which always holds the X server's virtual core
 * and XTest keyboards (and, under Xvfb, one more), needs no new library, and sees a
 * keyboard plugged in once the session starts. ESCALE_KIOSK_INPUT_DIR replaces /dev/input
 * (tests). */
static bool has_keyboard(void)
{
	const char *base = getenv("ESCALE_KIOSK_INPUT_DIR");
	static const char *const subdirs[] = {"by-path", "by-id"};
	for (size_t i = 0; i < ARRAY_LEN(subdirs); i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", base && *base ? base : "/dev/input",
			 subdirs[i]);
		DIR *d = opendir(path);
		if (!d)
			continue;
		struct dirent *e;
		bool found = false;
		while (!found && (e = readdir(d)))
			found = osk_is_kbd_name(e->d_name);
		closedir(d);
		if (found)
			return true;
	}
	return false;
}

/* What the keymap lacks of the keyboard's keysyms (é, œ...) gets spare keycodes before the
 * session's browser starts, so that it reads them with the keymap (x.c, spare_for). */
static void keyboard_prepare(struct kiosk *k)
{
	if (k->cfg.keyboard_onscreen == OSK_NEVER)
		return;
	uint32_t syms[OSK_MAX_KEYS * 2];
	x_type_prepare(&k->x, syms, osk_all_syms(syms, OSK_MAX_KEYS * 2));
}

static void keyboard_show(struct kiosk *k, bool show)
{
	if (k->osk.shown == show)
		return;
	if (show)
		k->osk.shown = true;
	else
		osk_reset(&k->osk);
	k->bar_dirty = k->osk_dirty = true;
}

/* A press on the keyboard's window at (X, Y). */
static void keyboard_click(struct kiosk *k, double x, double y)
{
	uint32_t syms[OSK_MAX_SYMS];
	int n = 0;
	unsigned out = osk_press(&k->osk, osk_hit(&k->osk_at, x, y), syms, &n);
	if (out & OSK_TYPE)
		x_type(&k->x, syms, n);
	if (out & OSK_REDRAW)
		k->osk_dirty = true;
	if (out & OSK_HIDE)
		k->bar_dirty = k->osk_dirty = true; /* the tool no longer shows pressed */
}

static void speak_toggle(struct kiosk *k);
static void speak_once(struct kiosk *k);

/* "A+": the kiosk's screens and bar draw at the step's size and contrast; the browser's
 * page zooms with the keys Chromium knows (Ctrl+0, Ctrl+=). */
static void text_step(struct kiosk *k, int to)
{
	static const uint32_t reset[] = {XKB_KEY_Control_L, XKB_KEY_0};
	static const uint32_t plus[] = {XKB_KEY_Control_L, XKB_KEY_equal};
	bool r;
	int n;
	textsize_zoom_keys(k->text_step, to, &r, &n);
	k->text_step = to;
	if (k->sm.state == SM_SESSION) {
		if (r)
			x_send_keys(&k->x, reset, 2);
		for (int i = 0; i < n; i++)
			x_send_keys(&k->x, plus, 2);
	}
	k->cover_dirty = k->bar_dirty = true;
}
static void usb_pressed(struct kiosk *k, char key);
static void usb_open(struct kiosk *k);

/* A tool of the bar was pressed. */
static void tool_pressed(struct kiosk *k, enum ui_tool t, const struct sm_clock *c)
{
	(void)k, (void)c;
	switch (t) {
	case UI_TOOL_HELP:
		helpreq_press(&k->help, now_s() * 1000 + c->mono_ms % 1000);
		send_state(k, c);
		break;

	case UI_TOOL_TEXT:
		text_step(k, textsize_next(k->text_step));
		break;

	case UI_TOOL_SPEAK:
		/* On the welcome screen, a press reads it once: a next resident must not find
		 * the sound on. */
		if (k->sm.state == SM_SESSION)
			speak_toggle(k);
		else
			speak_once(k);
		break;

	case UI_TOOL_KEYBOARD:
		keyboard_show(k, !k->osk.shown);
		break;

	case UI_TOOL_SCAN:
		if (k->sm.state == SM_SESSION)
			sf_open(&k->scan);
		break;

	case UI_TOOL_USB:
		usb_open(k);
		break;

	case UI_TOOL_COUNT:
		break;
	}
}

/* ---- the scan flow: scanflow.c decides, scanrun.c runs the helper ---- */

static void scan_watch(struct kiosk *k)
{
	if (k->scanner.fd >= 0)
		ep_add(k, k->scanner.fd, EV_SCAN);
}

/* The flow ends (closed, or the session's end): the helper stopped, its pages removed. */
static void scan_close(struct kiosk *k)
{
	if (k->scanner.fd >= 0)
		epoll_ctl(k->ep, EPOLL_CTL_DEL, k->scanner.fd, NULL);
	scanrun_clear(&k->scanner);
	sf_close(&k->scan);
}

static void scan_start_failed(struct kiosk *k)
{
	/* The helper could not even start: the same as a helper that died. */
	sf_exited(&k->scan, false);
}

static void scan_pressed(struct kiosk *k, char key)
{
	struct scanflow *f = &k->scan;
	if (k->sm.state != SM_SESSION)
		return;
	switch (key) {
	case UI_SCAN_START:
		if (sf_scan(f)) {
			if (scanrun_page(&k->scanner, k->cfg.runtime_dir, k->cfg.scan_device,
					 k->cfg.scan_resolution, f->gray, f->pages + 1))
				scan_watch(k);
			else
				scan_start_failed(k);
		}
		break;
	case UI_SCAN_COLOUR:
	case UI_SCAN_GRAY:
		sf_set_gray(f, key == UI_SCAN_GRAY);
		break;
	case UI_SCAN_ADD:
		sf_add_page(f);
		break;
	case UI_SCAN_RETAKE:
		if (sf_retake(f))
			scanrun_drop_page(&k->scanner, f->pages + 1);
		break;
	case UI_SCAN_FINISH:
		if (sf_finish(f)) {
			if (scanrun_pdf(&k->scanner, f->pages))
				scan_watch(k);
			else
				scan_start_failed(k);
		}
		break;
	case UI_SCAN_RETRY:
		sf_retry(f);
		break;
	case UI_SCAN_CLOSE:
		if (!sf_busy(f) || f->state == SF_SCANNING)
			scan_close(k);
		break;
	}
}

static void scan_event(struct kiosk *k, enum sf_event e);

/* The helper wrote (or ended). */
static void scan_readable(struct kiosk *k)
{
	scan_event(k, scanrun_read(&k->scanner, &k->scan));
}

/* What the helper's output or its end did. */
static void scan_event(struct kiosk *k, enum sf_event e)
{
	if (e == SF_EV_SAVED) {
		char *docs = k->br.dir ? documents_dir(k->br.dir) : NULL;
		if (!docs ||
		    !scanrun_publish(&k->scanner, docs, k->br.separated, k->br.uid, k->br.gid)) {
			log_warnx("a scanned document could not be written into the session");
			k->scan.state = SF_SAVING;
			sf_exited(&k->scan, false);
			k->scan.error = SF_ERR_SAVE;
		} else {
			/* Counts only: names stay in the session. */
			log_info("a scanned document of %d page(s) saved", k->scan.pages);
		}
		free(docs);
	} else if (e == SF_EV_FAILED) {
		log_warnx("scanning failed: %s", sf_error_word(k->scan.error));
	}
	if (e != SF_EV_NONE)
		k->cover_dirty = k->bar_dirty = true;
}

/* ---- copying from a USB key: usbflow decides, usbrun's children read the key ---- */

static void usb_unwatch_job(struct kiosk *k)
{
	if (k->usbr.fd >= 0)
		epoll_ctl(k->ep, EPOLL_CTL_DEL, k->usbr.fd, NULL);
}

/* Where an exFAT or NTFS key is mounted (a new string). */
static char *usb_mnt(const struct kiosk *k)
{
	return xasprintf("%s/usb", k->cfg.runtime_dir);
}

/* The child stopped, the key unmounted if it was. */
static void usb_release(struct kiosk *k)
{
	usb_unwatch_job(k);
	usbrun_stop(&k->usbr);
	char *mnt = usb_mnt(k);
	if (access(mnt, F_OK) == 0)
		usbmount_umount(mnt);
	free(mnt);
}

/* The flow ends (closed, key gone, session over). */
static void usb_close(struct kiosk *k)
{
	usb_release(k);
	uf_close(&k->usb);
}

static void usb_open(struct kiosk *k)
{
	if (k->sm.state != SM_SESSION || !k->cfg.usb_enabled || !k->usbw.device[0] ||
	    !uf_open(&k->usb))
		return;
	char *mnt = usb_mnt(k);
	if (usbrun_list(&k->usbr, k->usbw.device, k->usbw.fs, mnt))
		ep_add(k, k->usbr.fd, EV_USB_JOB);
	else
		uf_listed(&k->usb, NULL, 0, false, k->usb_entries);
	free(mnt);
}

static void usb_pressed(struct kiosk *k, char key)
{
	struct usbflow *f = &k->usb;
	if (k->sm.state != SM_SESSION)
		return;
	if (key >= '0' && key < '0' + UF_PER_PAGE) {
		uf_toggle(f, f->first + (key - '0'));
	} else if (key == UI_USB_PREV || key == UI_USB_NEXT) {
		uf_page(f, key == UI_USB_PREV ? -1 : 1);
	} else if (key == UI_USB_COPY && uf_copy(f)) {
		char *docs = k->br.dir ? documents_dir(k->br.dir) : NULL, *mnt = usb_mnt(k);
		if (docs &&
		    usbrun_copy(&k->usbr, k->usbw.device, k->usbw.fs, mnt, k->usb_entries,
				f->chosen, f->n, docs, k->br.separated, k->br.uid, k->br.gid))
			ep_add(k, k->usbr.fd, EV_USB_JOB);
		else
			uf_copy_ended(f);
		free(docs);
		free(mnt);
	} else if (key == UI_USB_CLOSE && f->state != UF_COPYING) {
		usb_close(k);
	}
}

static void usb_job_readable(struct kiosk *k)
{
	const char *add;
	size_t n;
	bool ended = usbrun_read(&k->usbr, &add, &n);
	if (k->usb.state == UF_COPYING)
		uf_copied(&k->usb, add, n);
	if (ended) {
		if (k->usb.state == UF_READING) {
			uf_listed(&k->usb, k->usbr.buf, k->usbr.len, k->usbr.ok, k->usb_entries);
		} else if (k->usb.state == UF_COPYING) {
			uf_copy_ended(&k->usb);
			/* Counts only: names stay in the session. */
			log_info("%d file(s) copied from a USB key", k->usb.copied);
		}
	}
	k->cover_dirty = k->bar_dirty = true;
}

/* The key came or went (the monitor's fd, and the test image once a second). */
static void usb_watch(struct kiosk *k)
{
	usbwatch_poll(&k->usbw);
	if (!usbwatch_changed(&k->usbw))
		return;
	bool there = k->usbw.device[0] != '\0';
	if (!there) {
		usb_release(k);
		if (uf_active(&k->usb) && k->usb.state != UF_DONE)
			uf_gone(&k->usb);
		k->usb_offered = false;
	} else {
		/* Outside a session a key is ignored, also once a session starts. */
		k->usb_offered = k->sm.state == SM_SESSION;
	}
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
		set_language(k, h->key == 'e');
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
	if (!taking_codes(k))
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

/* The texts a view points to. */
struct view_text {
	char hours[128], next[128], closing[32], banner[SM_TEXT_MAX + 64];
};

static void fill_view(struct kiosk *k, const struct sm_clock *c, struct ui_view *v,
		      struct view_text *t)
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
		.english = k->english,
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
		.text_step = k->text_step,
		.scan = &k->scan,
		.scan_preview = k->scanner.preview,
		.scan_saved = k->scanner.saved,
		.usb = &k->usb,
		.usb_entries = k->usb_entries,
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

/* ---- read aloud ---- */

/* Whether a session shows without a prompt over it (what speak.h calls SESSION). */
static bool session_plain(const struct kiosk *k)
{
	const struct sm *m = &k->sm;
	return m->state == SM_SESSION && !m->confirm_end && !m->idle_prompt &&
	       m->notice == SM_NOTICE_NONE;
}

/* Reads V aloud: at once when NOW, else only when its topic changed since the last. */
static void speak_view(struct kiosk *k, const struct ui_view *v, bool now)
{
	char topic[sizeof(k->speak_topic)];
	bool plain = session_plain(k);
	speak_topic(v, plain, topic, sizeof(topic));
	if (!now && strcmp(topic, k->speak_topic) == 0)
		return;
	snprintf(k->speak_topic, sizeof(k->speak_topic), "%s", topic);
	const char *argv[SPEAK_MAX_ARGS + 1];
	if (!speak_text(v, plain, k->spoken, sizeof(k->spoken)) ||
	    !speak_argv((const char *const *)k->cfg.speech_argv, k->english, k->spoken, argv))
		return;
	speaker_say(&k->speaker, argv);
}

static void speak_once(struct kiosk *k)
{
	struct sm_clock c = clock_now(k);
	struct view_text t;
	struct ui_view v;
	fill_view(k, &c, &v, &t);
	speak_view(k, &v, true);
}

static void speak_toggle(struct kiosk *k)
{
	k->speak_on = !k->speak_on;
	if (k->speak_on)
		speak_once(k);
	else
		speaker_stop(&k->speaker);
}

/* Each resident starts in silence: reading stops with the session (its goodbye is read). */
static void speak_reset(struct kiosk *k)
{
	speaker_reap(&k->speaker);
	if (!k->speak_on || k->sm.state == SM_SESSION || k->sm.state == SM_ENDING)
		return;
	k->speak_on = false;
	k->speak_topic[0] = '\0';
}

/* Makes the screen what the state says (desired state, then push). */
static void render(struct kiosk *k, const struct sm_clock *c)
{
	const struct sm *m = &k->sm;
	bool in_session = m->state == SM_SESSION;
	bool cover = !in_session || m->confirm_end || m->idle_prompt ||
		     m->notice != SM_NOTICE_NONE || sf_active(&k->scan) || uf_active(&k->usb);
	bool was_cover = k->x.cover_mapped;
	if (cover) {
		/* Without a session nothing may show without the grabs; over a session (the
		 * browser already usable) a prompt shows anyway and takes them when it can. */
		if (!x_cover_show(&k->x, !in_session))
			fatalx("cannot hold the keyboard and the pointer: stopping (fail "
			       "closed)");
		if (!was_cover)
			k->cover_dirty = true;
	} else if (k->x.cover_mapped) {
		x_cover_hide(&k->x);
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
		int row = ui_bar_height(p.h);
		x_bar_panel(&k->x, ui_bar_panel_height(p.w, row, p.h, &v));
		draw(k->x.bar_surf, p.w, row, k->x.bar_h - row, &v, true, &k->bar_hits);
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
			set_language(k, strcmp(k->cfg.language, "en") == 0);
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
			if (browser_prepare(&k->br, &k->cfg, k->english) &&
			    policy_write(&k->cfg, k->br.home_url) &&
			    kprint_write(&k->cfg, k->probe.addr) &&
			    browser_start(&k->br, &k->cfg)) {
				browser_watch(k);
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
	if (m->state != SM_SESSION && k->text_step) {
		k->text_step = 0;
		k->cover_dirty = k->bar_dirty = true;
	}
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

/* ---- status ---- */

/* The buttons on screen, in root coordinates: tests click them like a resident. */
static json_t *buttons_json(struct kiosk *k)
{
	static const char *const names[] = {
		"none", "key", "erase",    "ok",      "lang",      "home", "back",     "end",
		"yes",  "no",  "continue", "dismiss", "notice_ok", "tool", "scanflow", "usbflow"};
	_Static_assert(ARRAY_LEN(names) == UI_ACT_USB + 1, "an action without its name");
	json_t *a = json_array();
	struct x_rect p = x_primary(&k->x);
	for (int pass = 0; pass < 2; pass++) {
		const struct ui_hits *hits = pass ? &k->bar_hits : &k->cover_hits;
		if (pass ? !k->x.bar_mapped : !k->x.cover_mapped)
			continue;
		for (int i = 0; i < hits->n; i++) {
			const struct ui_hit *h = &hits->hit[i];
			char key[2] = {h->key, '\0'};
			/* A tool is named by its word ("scan", "help"...), without a key. */
			bool tool = h->action == UI_ACT_TOOL;
			if (tool)
				key[0] = '\0';
			json_array_append_new(a, json_pack("{ss ss sb si si si si}", "action",
							   tool ? ui_tool_word((enum ui_tool)h->key)
								: names[h->action],
							   "key", key, "bar", pass == 1, "x",
							   (int)(h->x + (pass ? p.x : 0)), "y",
							   (int)(h->y + (pass ? p.y : 0)), "w",
							   (int)h->w, "h", (int)h->h));
		}
	}
	return a;
}

/* The USB flow: the key's files offered (the session's only), chosen or not. */
static json_t *usb_json(const struct kiosk *k)
{
	const struct usbflow *f = &k->usb;
	json_t *files = json_array();
	for (int i = 0; k->sm.state == SM_SESSION && i < f->n; i++)
		json_array_append_new(files, json_pack("{ss sI sb}", "name", k->usb_entries[i].name,
						       "bytes", (json_int_t)k->usb_entries[i].bytes,
						       "chosen", f->chosen[i]));
	return json_pack("{sb ss ss so si si si}", "key",
			 k->usbw.device[0] != '\0' && k->usb_offered, "state",
			 uf_state_word(f->state), "error", uf_error_word(f->error), "files", files,
			 "first", f->first, "copied", f->copied, "files_copied", f->files_copied);
}

/* The session's Documents: names, sizes, pages of the kiosk's scans (null: unknown). */
static json_t *documents_json(const struct kiosk *k)
{
	json_t *a = json_array();
	if (k->sm.state != SM_SESSION || !k->br.dir)
		return a;
	char *dir = documents_dir(k->br.dir);
	struct document *docs = xcalloc(DOCUMENTS_MAX, sizeof(*docs));
	int n = documents_list(dir, docs, DOCUMENTS_MAX);
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, docs[i].name);
		int pages = documents_own_pdf_pages(path);
		free(path);
		json_array_append_new(a, json_pack("{ss sI so}", "name", docs[i].name, "bytes",
						   (json_int_t)docs[i].bytes, "pages",
						   pages >= 0 ? json_integer(pages) : json_null()));
	}
	free(docs);
	free(dir);
	return a;
}

static char *status_json(struct kiosk *k, const struct sm_clock *c)
{
	const struct sm *m = &k->sm;
	static const char *const screens[] = {"closed",      "login", "locked", "ending",
					      "confirm_end", "idle",  "notice", "unavailable",
					      "scan",        "usb"};
	_Static_assert(ARRAY_LEN(screens) == UI_USB + 1, "a screen without its name");
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
			  k->english ? "en" : "fr", "banner",
			  m->banner == SM_BANNER_MESSAGE ? m->message : "", "banner_calm",
			  m->banner == SM_BANNER_MESSAGE && m->message_calm, "grabbed",
			  k->x.grabbed, "version", ESCALE_VERSION);
	json_object_set_new(j, "tries_left", json_integer(k->ce.tries_left));
	json_object_set_new(j, "help", json_string(wire_help_word(k->help.state)));
	json_object_set_new(j, "text",
			    json_pack("{si sb}", "percent", textsize_percent(k->text_step),
				      "contrast", textsize_contrast(k->text_step)));
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
	json_object_set_new(j, "scan",
			    json_pack("{ss ss si si si si}", "state", sf_state_word(k->scan.state),
				      "error", sf_error_word(k->scan.error), "pages", k->scan.pages,
				      "progress", k->scan.progress, "pages_scanned",
				      k->scan.scanned, "documents", k->scan.documents));
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
	scan_event(k, scanrun_poll(&k->scanner, &k->scan)); /* a helper gone quietly */
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

static struct sm_params params_from(const struct kiosk_cfg *cfg)
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

/* --browser-policy: the policy for any session of this config (its home page allowlisted
 * as the prefix of the session directories). */
static int print_policy(const struct kiosk_cfg *cfg, const char *browser)
{
	char err[256], *home = policy_home_prefix(cfg);
	json_t *j = strcmp(browser, "firefox") == 0
			    ? policy_firefox(cfg, home, false, err, sizeof(err))
			    : policy_chromium(cfg, home, false, err, sizeof(err));
	free(home);
	if (!j) {
		fprintf(stderr, "%s: %s\n", cfg->path, err);
		return 1;
	}
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(j);
	puts(s);
	free(s);
	return 0;
}

/* --nft-rules: the browser user's firewall for this config, for nft -f. A print server
 * whose name does not resolve is left out (printing refused until the rules are loaded
 * again), so that the rest of the network still closes. */
static int print_nft_rules(const struct kiosk_cfg *cfg)
{
	char err[512], *addrs[NFT_MAX_PRINT_ADDRS];
	int n = nft_print_addrs(cfg, addrs, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr,
			"escale-kiosk: %s: printing stays refused to the browser; once the "
			"name "
			"resolves, run: systemctl reload escale-nftables\n",
			err);
		n = 0;
	}
	char *text = nft_rules(cfg, (const char *const *)addrs, (size_t)n, err, sizeof(err));
	nft_addrs_free(addrs, n);
	if (!text) {
		fprintf(stderr, "%s: %s\n", cfg->path, err);
		return 1;
	}
	fputs(text, stdout);
	free(text);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* --check-network: one check of proxy.enforce's (as the browser's user when this process
 * may switch to it), its verdict on stdout; status 0 when it passes. */
static int check_network(const struct kiosk_cfg *cfg)
{
	struct passwd *pw = NULL;
	bool drop = cfg->browser_user[0] && priv_may_switch() &&
		    (pw = getpwnam(cfg->browser_user)) != NULL;
	if (!drop)
		fprintf(stderr,
			"escale-kiosk: checking as this user, not as browser.user \"%s\" "
			"(run "
			"as root to check as it)\n",
			cfg->browser_user);
	enum ng_state s =
		netguard_check_now(cfg, drop, drop ? pw->pw_uid : 0, drop ? pw->pw_gid : 0);
	printf("network: %s: %s\n", netguard_word(s), netguard_why(s));
	return s == NG_OK ? 0 : 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: escale-kiosk -c FILE [-n | --status | --browser-policy "
			"chromium|firefox |\n"
			"                    --nft-rules | --check-network | --home-page fr|en] "
			"[-d]\n"
			"       escale-kiosk [-c FILE] --enroll URL CODE [--pin KEY]\n"
			"  -c FILE    the kiosk's configuration (see kiosk.conf)\n"
			"  -n         check the configuration and exit\n"
			"  --status   print the running kiosk's state as JSON\n"
			"  --browser-policy chromium|firefox\n"
			"             print the browser policy generated from the services list\n"
			"  --nft-rules\n"
			"             print the browser user's nftables ruleset (for nft -f)\n"
			"  --check-network\n"
			"             check that the browser's network is closed but for the "
			"proxy\n"
			"  --home-page fr|en\n"
			"             print the services page a session's browser opens\n"
			"  --enroll URL CODE\n"
			"             enroll this PC with escale-admind at URL and the one-time "
			"CODE\n"
			"             of escalectl kiosk enroll (-c defaults to "
			"/etc/escale/kiosk.conf)\n"
			"  --pin KEY  the server's key as escalectl printed it (else it is shown\n"
			"             to compare)\n"
			"  -d         debug logging\n");
	exit(2);
}

/* --enroll URL CODE: alone, with -c and --pin only. */
static int enroll_main(const char *conf, const char *url, const char *code, const char *pin,
		       int others)
{
	if (!code || others)
		usage();
	struct kiosk_cfg cfg;
	struct cfg_err err;
	log_init("escale-kiosk", LOG_LVL_INFO);
	if (!kconfig_load(&cfg, conf ? conf : "/etc/escale/kiosk.conf", &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	int rc = enroll_run(&cfg, url, code, pin);
	kconfig_free(&cfg);
	return rc;
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
	if (home && strcmp(home, "fr") != 0 && strcmp(home, "en") != 0) {
		fprintf(stderr, "escale-kiosk: --home-page takes fr or en\n");
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
		ui_set_language(strcmp(home, "en") == 0);
		homepage_print(stdout, &k->cfg, strcmp(home, "en") == 0);
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
	k->english = strcmp(k->cfg.language, "en") == 0;
	ui_set_language(k->english);
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
	k->scanner.ep = k->usbr.ep = k->ep; /* their pipes leave it before they close */
	if (k->sig_fd < 0 || k->timer_fd < 0 || k->ep < 0)
		fatal("signalfd/timerfd/epoll");
	helper_init(&k->net, k->cfg.path);
	browser_init(&k->br);
	kprint_probe_init(&k->probe);
	netguard_init(&k->guard, k->cfg.proxy_enforce);
	scanrun_init(&k->scanner, -1);
	sf_init(&k->scan);
	usbrun_init(&k->usbr, -1);
	uf_init(&k->usb);
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
	usb_release(k);
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
	free(k->base.centre_name);
	free(k->base.language);
	kconfig_free(&k->cfg);
	free(k);
	return rc;
}
