/* test_view: what the screens show for each state of the machine, without X or cairo: the
 * screen, the code entry's message and the goodbye, the bar's time, pages and banner (in
 * French: the sources' language), the idle countdown, the next opening. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/test.h"
#include "view.h"

static struct ui_view build(struct sm *m, struct sm_clock *c, struct view_in *in, char *banner,
			    size_t bn)
{
	struct ui_view v;
	in->sm = m;
	in->clock = c;
	view_build(in, &v, banner, bn);
	return v;
}

static void test_screens(void)
{
	struct sm m;
	memset(&m, 0, sizeof(m));
	struct sm_clock c = {.mono_ms = 1000, .open = true, .to_close_s = INT64_MAX};
	struct view_in in = {.centre = "ESC des Tilleuls",
			     .code_len = 8,
			     .typed = "12",
			     .online = true,
			     .next_open = ""};
	char b[600];
	static const struct {
		enum sm_state state;
		bool idle;
		enum ui_screen screen;
	} cases[] = {
		{SM_CLOSED, false, UI_CLOSED},       {SM_LOGIN, false, UI_LOGIN},
		{SM_LOCKED, false, UI_LOCKED},       {SM_ENDING, false, UI_ENDING},
		{SM_SESSION, false, UI_CONFIRM_END}, {SM_SESSION, true, UI_IDLE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m.state = cases[i].state;
		m.idle_prompt = cases[i].idle;
		struct ui_view v = build(&m, &c, &in, b, sizeof(b));
		CHECK(v.screen == cases[i].screen);
		CHECK(strcmp(v.centre, "ESC des Tilleuls") == 0 && strcmp(v.typed, "12") == 0);
		CHECK(v.code_len == 8 && v.online);
		CHECK(v.next_open == NULL); /* "" is none */
	}
	/* The network check fails (proxy.enforce): the welcome gives way, not the others. */
	in.unavailable = true;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m.state = cases[i].state;
		m.idle_prompt = cases[i].idle;
		struct ui_view v = build(&m, &c, &in, b, sizeof(b));
		CHECK(v.screen == (cases[i].screen == UI_LOGIN ? UI_UNAVAILABLE : cases[i].screen));
	}
	in.unavailable = false;
	/* The goodbye of the last session, unless the entry has something to say. */
	m.state = SM_LOGIN;
	m.idle_prompt = false;
	m.goodbye_until_ms = 5000;
	struct ui_view v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.msg == UI_MSG_GOODBYE);
	in.msg = UI_MSG_UNKNOWN;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.msg == UI_MSG_UNKNOWN && v.tries_left == 0);
	/* The tries left before a pause, when known and few. */
	in.tries_left = 2;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.msg == UI_MSG_UNKNOWN && v.tries_left == 2);
	in.tries_left = 500;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.tries_left == 0);
	in.tries_left = 2;
	in.msg = UI_MSG_RATE_LIMITED;
	in.lockout_seconds = 42;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.msg == UI_MSG_RATE_LIMITED && v.lockout_seconds == 42 && v.tries_left == 0);
	/* Closed: when it opens again. */
	in.next_open = "demain à 9h00";
	in.hours_today = "";
	m.state = SM_CLOSED;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.next_open && strcmp(v.next_open, "demain à 9h00") == 0);
	CHECK(v.hours_today && v.hours_today[0] == '\0');
}

static void test_bar(void)
{
	struct sm m;
	memset(&m, 0, sizeof(m));
	m.state = SM_SESSION;
	m.start_ms = 0;
	m.budget_s = 3600;
	m.pages_left = 7;
	struct sm_clock c = {.mono_ms = 61000, .open = true, .to_close_s = INT64_MAX};
	struct view_in in = {.code_len = 8, .typed = ""};
	char b[600];
	struct ui_view v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.seconds_left == 3600 - 61);
	CHECK(v.pages_left == 7);
	CHECK(v.banner == NULL);
	m.banner = SM_BANNER_TIME;
	m.banner_minutes = 5;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.banner && strcmp(v.banner, "Il reste 5 minutes") == 0 && !v.banner_urgent);
	m.banner_minutes = 1;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.banner && strcmp(v.banner, "Il reste 1 minute") == 0 && v.banner_urgent);
	m.banner = SM_BANNER_CLOSING;
	m.banner_minutes = 15;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.banner && strcmp(v.banner, "Le centre ferme dans 15 minutes") == 0);
	m.banner = SM_BANNER_ADDED;
	m.banner_minutes = 30;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.banner && strcmp(v.banner, "30 minutes ajoutées") == 0);
	m.banner = SM_BANNER_MESSAGE;
	strcpy(m.message, "Impression de 1 page en cours.");
	m.message_calm = true;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.banner && strcmp(v.banner, m.message) == 0);
	CHECK(v.banner_dismissable && v.banner_calm);
	/* A banner too long for the buffer is cut, not overrun. */
	char small[8];
	v = build(&m, &c, &in, small, sizeof(small));
	CHECK(strlen(v.banner) == sizeof(small) - 1);
	/* The last warning: a notice over the session, unless the resident asked to end. */
	m.banner = SM_BANNER_NONE;
	m.notice = SM_NOTICE_TIME;
	m.notice_minutes = 1;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_NOTICE && v.notice == SM_NOTICE_TIME && v.notice_minutes == 1);
	m.confirm_end = true;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_CONFIRM_END);
	m.confirm_end = false;
	m.notice = SM_NOTICE_NONE;
	/* Closing first: the bar shows the time to closing, and says so. */
	in.closing_at = "18h00";
	c.to_close_s = 600;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.seconds_left == 600 && v.closing_at && strcmp(v.closing_at, "18h00") == 0);
	c.to_close_s = 7200;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.seconds_left == 3600 - 61 && v.closing_at == NULL);
	c.to_close_s = INT64_MAX;
	/* The idle prompt's countdown, rounded up, never below 0. */
	m.idle_prompt = true;
	m.idle_deadline_ms = 61000 + 29001;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_IDLE && v.idle_seconds == 30);
	m.idle_deadline_ms = 60000;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.idle_seconds == 0);
	/* The end screen says why (a session had ended). */
	m.idle_prompt = false;
	m.state = SM_ENDING;
	strcpy(m.end_session, "0123456789abcdef0123456789abcdef");
	m.end_reason = SM_END_STAFF;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_ENDING && v.has_end_reason && v.end_reason == SM_END_STAFF);
}

/* A mediator's sign-in over the welcome screen only; an accompanied session's bar: the
 * mediator, and closing time whenever there is one. */
static void test_accompany(void)
{
	struct sm m;
	memset(&m, 0, sizeof(m));
	struct sm_clock c = {.mono_ms = 1000, .open = true, .to_close_s = 7200};
	struct accompany a;
	memset(&a, 0, sizeof(a));
	struct view_in in = {.code_len = 8, .typed = "", .closing_at = "18h00", .acc = &a};
	char b[600];
	m.state = SM_LOGIN;
	struct ui_view v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_LOGIN && v.accompany_button);
	acc_open(&a, 1000);
	acc_type(&a, "L", 1000);
	acc_focus(&a, ACC_FIELD_PASSWORD, 1000);
	acc_type(&a, "é", 1000);
	acc_type(&a, "x", 1000);
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_ACCOMPANY && strcmp(v.acc_name, "L") == 0 && v.acc_dots == 2);
	CHECK(v.acc_field == ACC_FIELD_PASSWORD && !v.acc_checking);
	CHECK(!v.acc_keyboard_button && !v.acc_keyboard && !v.acc_shift);
	/* Its keyboard, offered and shown, Maj on. */
	acc_osk_offer(&a, true, true);
	a.osk.shift = true;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.acc_keyboard_button && v.acc_keyboard && v.acc_shift);
	/* Not over another screen, nor when the network check fails. */
	in.unavailable = true;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_UNAVAILABLE && !v.accompany_button);
	in.unavailable = false;
	m.state = SM_CLOSED;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_CLOSED && !v.accompany_button && !v.acc_name);
	/* The session: a resident's shows its time, an accompanied one its mediator and the
	 * closing time although the code's day lasts longer. */
	m.state = SM_SESSION;
	m.budget_s = 86400;
	m.start_ms = 1000;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(!v.accompanied_by && v.closing_at && strcmp(v.closing_at, "18h00") == 0);
	snprintf(m.accompanied_by, sizeof(m.accompanied_by), "Léa");
	c.to_close_s = INT64_MAX;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.accompanied_by && strcmp(v.accompanied_by, "Léa") == 0);
	CHECK(v.closing_at && strcmp(v.closing_at, "18h00") == 0);
	acc_close(&a);
}

static void test_next_open(void)
{
	char buf[64];
	view_next_open(buf, sizeof(buf), 0, INT64_MAX);
	CHECK(buf[0] == '\0');
	/* 2026-12-07 08:00 local time seen from 2026-12-06 18:00 (TZ=UTC below): demain. */
	view_next_open(buf, sizeof(buf), 1796580000, 1796630400);
	CHECK(strcmp(buf, "demain à 8h00") == 0);
	view_next_open(buf, sizeof(buf), 1796580000, 1796580000 + 3600);
	CHECK(strcmp(buf, "aujourd'hui à 19h00") == 0);
	/* Four days later: the weekday and the date (2026-12-10 is a Thursday). */
	view_next_open(buf, sizeof(buf), 1796580000, 1796630400 + 3 * 86400);
	CHECK(strcmp(buf, "jeudi 10/12 à 8h00") == 0);
}

/* The view carries the language (French when none or unknown), its direction and the
 * languages offered, dropping an index that is not one of the nine. */
static void test_language(void)
{
	struct sm m;
	memset(&m, 0, sizeof(m));
	m.state = SM_LOGIN;
	struct sm_clock c = {.mono_ms = 1000, .open = true, .to_close_s = INT64_MAX};
	static const int offered[] = {2, 0, 9, -1, 7};
	struct view_in in = {.code_len = 8,
			     .typed = "",
			     .next_open = "",
			     .lang = "ar",
			     .langs = offered,
			     .n_langs = 5};
	char b[600];
	struct ui_view v = build(&m, &c, &in, b, sizeof(b));
	CHECK(strcmp(v.lang, "ar") == 0 && v.rtl);
	CHECK(v.n_langs == 3 && v.langs[0] == 2 && v.langs[1] == 0 && v.langs[2] == 7);
	in.lang = "uk";
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(strcmp(v.lang, "uk") == 0 && !v.rtl);
	in.lang = "de";
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(strcmp(v.lang, "fr") == 0 && !v.rtl);
	in.lang = NULL;
	in.langs = NULL;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(strcmp(v.lang, "fr") == 0 && v.n_langs == 0);
}

/* The "A+" panel: over the session and its scan flow, under its prompts, never outside a
 * session; its size and contrast reach every screen; "Appliquer aux sites" while the sites'
 * contrast is not the kiosk's. */
static void test_text_panel(void)
{
	struct sm m;
	memset(&m, 0, sizeof(m));
	struct sm_clock c = {.mono_ms = 1000, .open = true, .to_close_s = INT64_MAX};
	struct textsize t = {.step = 3, .contrast = true, .panel = true};
	struct scanflow f;
	sf_init(&f);
	struct view_in in = {.code_len = 8, .typed = "", .next_open = "", .text = &t, .scan = &f};
	char b[600];
	m.state = SM_SESSION;
	struct ui_view v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_TEXT && v.text_sites && v.text_percent == 200 && v.contrast);
	sf_open(&f);
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_TEXT); /* over the scan screen */
	m.idle_prompt = true;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_IDLE); /* "Êtes-vous toujours là ?" first */
	m.idle_prompt = false;
	t.browser_contrast = true;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_TEXT && !v.text_sites);
	t.panel = false;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_SCAN && v.contrast && v.text_percent == 200);
	t.panel = true;
	m.state = SM_LOGIN;
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.screen == UI_LOGIN);
	in.text = NULL; /* none: the start */
	v = build(&m, &c, &in, b, sizeof(b));
	CHECK(v.text_percent == 100 && !v.contrast && v.text_step == 0);
}

int main(void)
{
	test_text_panel();
	setenv("TZ", "UTC", 1);
	test_language();
	test_screens();
	test_bar();
	test_next_open();
	test_accompany();
	return TEST_DONE();
}
