/* test_session: every transition of the kiosk's state machine, on a fake clock. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "session.h"

static int failures;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: %s: failed: %s\n", __FILE__, __LINE__, __func__, \
				#cond);                                                          \
			failures++;                                                              \
		}                                                                                \
	} while (0)

static const char *const SID = "0123456789abcdef0123456789abcdef";

static struct sm_params params(void)
{
	struct sm_params p = {
		.warn_s = {300, 60},
		.n_warn = 2,
		.closing_warn_s = {900, 300},
		.n_closing_warn = 2,
		.idle_ms = 300000,
		.idle_grace_ms = 60000,
		.ending_ms = 1500,
		.message_ms = 60000,
		.browser_restarts = 1,
	};
	return p;
}

static struct sm_clock clk(int64_t ms)
{
	struct sm_clock c = {.mono_ms = ms, .idle_ms = 0, .open = true, .to_close_s = INT64_MAX};
	return c;
}

/* A machine in a session of SECONDS from t=1000 ms. */
static void in_session(struct sm *m, int64_t seconds)
{
	struct sm_params p = params();
	struct sm_clock c = clk(0);
	sm_init(m, &p, &c);
	c.mono_ms = 1000;
	sm_login_ok(m, &c, SID, seconds, 10, false);
	m->out = 0;
}

/* Runs ticks every second from FROM to TO (ms), with the given idle behaviour. */
static void run(struct sm *m, int64_t from, int64_t to, int64_t idle_base)
{
	for (int64_t t = from; t <= to && m->state == SM_SESSION; t += 1000) {
		struct sm_clock c = clk(t);
		c.idle_ms = idle_base < 0 ? 0 : t - idle_base;
		sm_tick(m, &c);
	}
}

static void test_init(void)
{
	struct sm m;
	struct sm_params p = params();
	struct sm_clock c = clk(0);
	sm_init(&m, &p, &c);
	CHECK(m.state == SM_LOGIN);
	CHECK(m.out & SM_OUT_REDRAW);
	CHECK(sm_next_deadline_ms(&m, &c) == -1); /* nothing to do at the welcome screen */
	c.open = false;
	sm_init(&m, &p, &c);
	CHECK(m.state == SM_CLOSED);
	CHECK(strcmp(sm_state_name(SM_ENDING), "ending") == 0);
	CHECK(strcmp(sm_reason_name(SM_END_RESTART), "restart") == 0);
}

static void test_login(void)
{
	struct sm m;
	in_session(&m, 1800);
	CHECK(m.state == SM_SESSION);
	struct sm_clock c = clk(1000);
	CHECK(sm_seconds_left(&m, &c) == 1800);
	c.mono_ms = 61500;
	CHECK(sm_seconds_left(&m, &c) == 1740);
	CHECK(m.pages_left == 10);
	/* login_ok is ignored outside the welcome screen */
	sm_login_ok(&m, &c, "ffffffffffffffffffffffffffffffff", 99, 1, false);
	CHECK(strcmp(m.session, SID) == 0);
	/* and when closed */
	struct sm_params p = params();
	c = clk(0);
	c.open = false;
	sm_init(&m, &p, &c);
	sm_login_ok(&m, &c, SID, 100, 1, false);
	CHECK(m.state == SM_CLOSED);
	CHECK(!(m.out & SM_OUT_START_BROWSER));
	/* a code without time does not open */
	c.open = true;
	sm_init(&m, &p, &c);
	sm_login_ok(&m, &c, SID, 0, 1, false);
	CHECK(m.state == SM_LOGIN);
	/* offline flag kept */
	sm_login_ok(&m, &c, SID, 60, 1, true);
	CHECK(m.state == SM_SESSION && m.offline);
	CHECK(m.out & SM_OUT_START_BROWSER);
}

/* The wipe and the ending screen, then the welcome screen with the goodbye. */
static void test_ending(struct sm *m, int64_t t, enum sm_reason reason)
{
	CHECK(m->state == SM_ENDING);
	CHECK(m->out & SM_OUT_WIPE);
	CHECK(m->out & SM_OUT_REPORT_END);
	CHECK(m->end_reason == reason);
	CHECK(strcmp(m->end_session, SID) == 0);
	(void)t;
	struct sm_clock c = clk(m->ending_until_ms - 1000);
	CHECK(sm_next_deadline_ms(m, &c) == -1); /* waits for the wipe */
	sm_tick(m, &c);
	CHECK(m->state == SM_ENDING);
	sm_wipe_done(m, &c);
	CHECK(m->state == SM_ENDING); /* the screen stays ending_ms */
	CHECK(sm_next_deadline_ms(m, &c) > 0);
	c.mono_ms = m->ending_until_ms;
	sm_tick(m, &c);
	CHECK(m->state == (m->locked ? SM_LOCKED : SM_LOGIN));
	if (m->state == SM_LOGIN) {
		CHECK(m->goodbye_until_ms > c.mono_ms);
		c.mono_ms = m->goodbye_until_ms;
		sm_tick(m, &c);
		CHECK(m->goodbye_until_ms == 0);
	}
}

static void test_expiry_and_warnings(void)
{
	struct sm m;
	in_session(&m, 600);
	run(&m, 2000, 300000, -1);
	CHECK(m.banner == SM_BANNER_NONE);
	run(&m, 301000, 302000, -1); /* 300 s used, 300 left: the 5-minute warning */
	CHECK(m.banner == SM_BANNER_TIME);
	CHECK(m.banner_minutes == 5);
	run(&m, 303000, 540000, -1);
	CHECK(m.banner == SM_BANNER_NONE); /* it went away */
	run(&m, 541000, 542000, -1);
	CHECK(m.banner == SM_BANNER_TIME && m.banner_minutes == 1);
	run(&m, 543000, 600000, -1);
	CHECK(m.state == SM_SESSION);
	run(&m, 601000, 601000, -1);
	CHECK(m.state == SM_ENDING);
	CHECK(m.end_used_s == 600);
	test_ending(&m, 602000, SM_END_EXPIRED);
}

static void test_short_code_skips_passed_warnings(void)
{
	struct sm m;
	in_session(&m, 120); /* 2 minutes: the 5-minute warning is already behind */
	run(&m, 2000, 5000, -1);
	CHECK(m.banner == SM_BANNER_NONE);
	run(&m, 6000, 62000, -1);
	CHECK(m.banner == SM_BANNER_TIME && m.banner_minutes == 1);
}

static void test_user_end(void)
{
	struct sm m;
	in_session(&m, 600);
	struct sm_clock c = clk(11000);
	sm_confirm(&m, &c, true); /* no question asked: nothing */
	CHECK(m.state == SM_SESSION);
	sm_end_pressed(&m, &c);
	CHECK(m.confirm_end);
	sm_confirm(&m, &c, false);
	CHECK(!m.confirm_end && m.state == SM_SESSION);
	sm_end_pressed(&m, &c);
	sm_confirm(&m, &c, true);
	CHECK(m.end_used_s == 10);
	test_ending(&m, 12000, SM_END_USER);
}

static void test_idle(void)
{
	struct sm m;
	in_session(&m, 3600);
	/* input stops at t=1000 */
	run(&m, 2000, 300000, 1000);
	CHECK(!m.idle_prompt);
	run(&m, 301000, 301000, 1000);
	CHECK(m.idle_prompt);
	/* input comes back: the prompt goes */
	struct sm_clock c = clk(310000);
	c.idle_ms = 2000;
	sm_tick(&m, &c);
	CHECK(!m.idle_prompt && m.state == SM_SESSION);
	/* idle again, the button answers */
	run(&m, 311000, 608000, 308000);
	CHECK(m.idle_prompt);
	c = clk(609000);
	sm_still_here(&m, &c);
	CHECK(!m.idle_prompt);
	/* idle again: no answer within the grace ends the session */
	c = clk(609000);
	c.idle_ms = 301000;
	sm_tick(&m, &c);
	CHECK(m.idle_prompt);
	run(&m, 610000, 668000, 308000);
	CHECK(m.state == SM_SESSION);
	run(&m, 669000, 670000, 308000);
	CHECK(m.state == SM_ENDING);
	test_ending(&m, 671000, SM_END_IDLE);
}

static void test_closing(void)
{
	struct sm m;
	in_session(&m, 3600);
	struct sm_clock c = clk(2000);
	c.to_close_s = 1000;
	sm_tick(&m, &c);
	CHECK(m.banner == SM_BANNER_NONE);
	c = clk(3000);
	c.to_close_s = 900;
	sm_tick(&m, &c);
	CHECK(m.banner == SM_BANNER_CLOSING && m.banner_minutes == 15);
	c = clk(4000);
	c.open = false;
	sm_tick(&m, &c);
	CHECK(m.state == SM_ENDING);
	struct sm_clock w = clk(5000);
	w.open = false;
	sm_wipe_done(&m, &w);
	w.mono_ms = m.ending_until_ms;
	sm_tick(&m, &w);
	CHECK(m.state == SM_CLOSED);
	/* opening again */
	w.open = true;
	sm_tick(&m, &w);
	CHECK(m.state == SM_LOGIN);
	CHECK(m.end_reason == SM_END_CLOSING);
}

/* The last warning of each kind is a notice to dismiss; the earlier ones are not. */
static void test_notices(void)
{
	struct sm m;
	in_session(&m, 600);
	run(&m, 2000, 302000, -1);
	CHECK(m.banner == SM_BANNER_TIME && m.notice == SM_NOTICE_NONE); /* 5 min: banner */
	run(&m, 303000, 541000, -1);
	CHECK(m.notice == SM_NOTICE_TIME && m.notice_minutes == 1); /* 1 min: notice */
	m.out = 0;
	sm_dismiss_notice(&m);
	CHECK(m.notice == SM_NOTICE_NONE && (m.out & SM_OUT_REDRAW));
	run(&m, 542000, 560000, -1);
	CHECK(m.notice == SM_NOTICE_NONE); /* once */
	/* Time added past it: the notice goes (it is not true any more). */
	in_session(&m, 600);
	run(&m, 2000, 541000, -1);
	CHECK(m.notice == SM_NOTICE_TIME);
	struct sm_clock c = clk(542000);
	sm_add_time(&m, &c, NULL, 600);
	CHECK(m.notice == SM_NOTICE_NONE);
	/* Closing: the 15-minute warning is a banner, the 5-minute one a notice. */
	in_session(&m, 3600);
	c = clk(2000);
	c.to_close_s = 900;
	sm_tick(&m, &c);
	CHECK(m.banner == SM_BANNER_CLOSING && m.notice == SM_NOTICE_NONE);
	c = clk(3000);
	c.to_close_s = 300;
	sm_tick(&m, &c);
	CHECK(m.notice == SM_NOTICE_CLOSING && m.notice_minutes == 5);
	/* A new session starts without it. */
	c = clk(4000);
	c.open = false;
	sm_tick(&m, &c);
	CHECK(m.state == SM_ENDING && m.notice == SM_NOTICE_NONE);
}

/* The time the resident really has: the code's, or less when the centre closes first. */
static void test_time_left(void)
{
	struct sm m;
	in_session(&m, 3600);
	struct sm_clock c = clk(61000);
	bool closing = true;
	CHECK(sm_time_left(&m, &c, &closing) == 3540 && !closing);
	c.to_close_s = 900;
	CHECK(sm_time_left(&m, &c, &closing) == 900 && closing);
	CHECK(sm_seconds_left(&m, &c) == 3540); /* what is counted as used stays the code's */
	c.to_close_s = 4000;
	CHECK(sm_time_left(&m, &c, &closing) == 3540 && !closing);
	m.state = SM_LOGIN;
	CHECK(sm_time_left(&m, &c, &closing) == 0 && !closing);
}

static void test_staff(void)
{
	struct sm m;
	in_session(&m, 600);
	struct sm_clock c = clk(5000);
	sm_staff_end(&m, &c, "ffffffffffffffffffffffffffffffff"); /* another session */
	CHECK(m.state == SM_SESSION);
	sm_add_time(&m, &c, NULL, 600);
	CHECK(sm_seconds_left(&m, &c) == 1196);
	CHECK(m.banner == SM_BANNER_ADDED && m.banner_minutes == 10);
	sm_add_time(&m, &c, "ffffffffffffffffffffffffffffffff", 600);
	CHECK(sm_seconds_left(&m, &c) == 1196);
	sm_message(&m, &c, "Fermeture à 17h");
	CHECK(m.banner == SM_BANNER_MESSAGE && strcmp(m.message, "Fermeture à 17h") == 0);
	sm_dismiss_message(&m);
	CHECK(m.banner == SM_BANNER_NONE);
	sm_message(&m, &c, "Bonjour");
	run(&m, 6000, 64000, -1);
	CHECK(m.banner == SM_BANNER_MESSAGE);
	run(&m, 65000, 66000, -1);
	CHECK(m.banner == SM_BANNER_NONE);
	/* a print notice: its banner, and the pages left at once; not for another session */
	m.out = 0;
	sm_print_notice(&m, &c, "ffffffffffffffffffffffffffffffff", "autre", 1, true);
	CHECK(m.banner == SM_BANNER_NONE && m.pages_left != 1);
	sm_print_notice(&m, &c, SID, "3 pages imprimées", 3, true);
	CHECK(m.banner == SM_BANNER_MESSAGE && m.message_calm);
	sm_print_notice(&m, &c, SID, "12 pages demandées", 3, false);
	CHECK(m.pages_left == 3 && (m.out & SM_OUT_REDRAW));
	CHECK(m.banner == SM_BANNER_MESSAGE && strcmp(m.message, "12 pages demandées") == 0);
	CHECK(!m.message_calm);
	/* the desk's message after a calm notice is not calm */
	sm_print_notice(&m, &c, SID, "3 pages imprimées", 3, true);
	sm_message(&m, &c, "Venez à l'accueil");
	CHECK(!m.message_calm);
	sm_dismiss_message(&m);
	/* pages from admind */
	m.out = 0;
	sm_server_view(&m, &c, SID, true, 4);
	CHECK(m.pages_left == 4 && (m.out & SM_OUT_REDRAW));
	sm_staff_end(&m, &c, SID);
	test_ending(&m, 70000, SM_END_STAFF);
}

static void test_add_time_rearms_warnings(void)
{
	struct sm m;
	in_session(&m, 400);
	run(&m, 2000, 102000, -1);
	CHECK(m.banner == SM_BANNER_TIME); /* 300 left */
	struct sm_clock c = clk(103000);
	sm_add_time(&m, &c, SID, 600);
	run(&m, 104000, 702000, -1);
	CHECK(m.banner == SM_BANNER_TIME && m.banner_minutes == 5); /* warned again */
}

static void test_server_inactive(void)
{
	struct sm m;
	in_session(&m, 600);
	struct sm_clock c = clk(5000);
	sm_server_view(&m, &c, SID, false, 0);
	test_ending(&m, 6000, SM_END_STAFF);
}

/* An accompanied session: named for its session only, forgotten at its end and at the
 * next sign-in; closing time still ends it. */
static void test_accompanied(void)
{
	struct sm m;
	in_session(&m, 86400);
	sm_accompanied(&m, "ffffffffffffffffffffffffffffffff", "Other");
	CHECK(m.accompanied_by[0] == '\0');
	sm_accompanied(&m, SID, "Léa Martin");
	CHECK(strcmp(m.accompanied_by, "Léa Martin") == 0);
	CHECK(m.out & SM_OUT_REDRAW);
	struct sm_clock c = clk(5000);
	c.to_close_s = 0;
	c.open = false;
	sm_tick(&m, &c);
	CHECK(m.state == SM_ENDING && m.end_reason == SM_END_CLOSING);
	CHECK(m.accompanied_by[0] == '\0');
	/* Outside a session: ignored. */
	sm_accompanied(&m, SID, "Léa Martin");
	CHECK(m.accompanied_by[0] == '\0');
	/* A resident's session after it is not accompanied. */
	in_session(&m, 600);
	CHECK(m.accompanied_by[0] == '\0');
}

static void test_lock(void)
{
	struct sm m;
	in_session(&m, 600);
	struct sm_clock c = clk(5000);
	sm_lock(&m, &c, "Panne d'imprimante");
	CHECK(m.locked && strcmp(m.lock_text, "Panne d'imprimante") == 0);
	test_ending(&m, 6000, SM_END_LOCKED);
	CHECK(m.state == SM_LOCKED);
	/* a code accepted meanwhile does nothing */
	sm_login_ok(&m, &c, SID, 600, 1, false);
	CHECK(m.state == SM_LOCKED);
	/* opening hours do not unlock */
	c.open = false;
	sm_tick(&m, &c);
	CHECK(m.state == SM_LOCKED);
	sm_unlock(&m, &c);
	CHECK(m.state == SM_CLOSED);
	c.open = true;
	sm_tick(&m, &c);
	sm_lock(&m, &c, NULL);
	CHECK(m.state == SM_LOCKED && m.lock_text[0] == '\0');
	sm_unlock(&m, &c);
	CHECK(m.state == SM_LOGIN);
}

static void test_browser_exit(void)
{
	struct sm m;
	in_session(&m, 600);
	struct sm_clock c = clk(5000);
	sm_browser_exited(&m, &c);
	CHECK(m.state == SM_SESSION);
	CHECK(m.out & SM_OUT_RESTART_BROWSER);
	m.out = 0;
	sm_browser_exited(&m, &c);
	test_ending(&m, 6000, SM_END_BROWSER);
	/* the count starts again with each session */
	struct sm_clock l = clk(20000);
	sm_login_ok(&m, &l, SID, 600, 1, false);
	sm_browser_exited(&m, &l);
	CHECK(m.state == SM_SESSION);
}

/* A session that ends before the shell acted on its start (a login answered at closing time,
 * admind ending it at once): the shell must wipe, not start a browser after the wipe. */
static void test_end_before_browser_start(void)
{
	struct sm m;
	struct sm_params p = params();
	struct sm_clock c = clk(0);
	sm_init(&m, &p, &c);
	c.mono_ms = 1000;
	sm_login_ok(&m, &c, SID, 600, 10, false);
	CHECK(m.out & SM_OUT_START_BROWSER);
	c.open = false;
	sm_tick(&m, &c);
	CHECK(m.state == SM_ENDING);
	CHECK(m.out & SM_OUT_WIPE);
	CHECK(!(m.out & SM_OUT_START_BROWSER));

	in_session(&m, 600);
	c = clk(2000);
	sm_browser_exited(&m, &c);
	CHECK(m.out & SM_OUT_RESTART_BROWSER);
	sm_server_view(&m, &c, SID, false, 0);
	CHECK(m.out & SM_OUT_WIPE);
	CHECK(!(m.out & SM_OUT_RESTART_BROWSER));
}

/* True when S ends on a whole UTF-8 character. */
static bool whole_chars(const char *s)
{
	size_t n = strlen(s), i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return n == 0;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t want = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return n - (i - 1) == want;
}

/* The desk's 500 characters can be 1000 bytes of "é": cut on a character, never inside one. */
static void test_long_texts_cut_on_characters(void)
{
	char text[1001];
	for (int i = 0; i < 500; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	text[1000] = '\0';
	struct sm m;
	in_session(&m, 600);
	struct sm_clock c = clk(2000);
	sm_message(&m, &c, text);
	CHECK(m.banner == SM_BANNER_MESSAGE);
	CHECK(strlen(m.message) == SM_TEXT_MAX - 2);
	CHECK(whole_chars(m.message));
	sm_lock(&m, &c, text);
	CHECK(whole_chars(m.lock_text));
	sm_message(&m, &c, "court");
	CHECK(strcmp(m.message, "court") == 0);
}

static void test_deadlines(void)
{
	struct sm m;
	in_session(&m, 600);
	struct sm_clock c = clk(1250);
	CHECK(sm_next_deadline_ms(&m, &c) == 750);
	c.mono_ms = 2000;
	CHECK(sm_next_deadline_ms(&m, &c) == 1000);
	CHECK(sm_seconds_left(&m, &c) == 599);
}

int main(void)
{
	test_init();
	test_login();
	test_expiry_and_warnings();
	test_short_code_skips_passed_warnings();
	test_user_end();
	test_idle();
	test_closing();
	test_notices();
	test_time_left();
	test_staff();
	test_add_time_rearms_warnings();
	test_server_inactive();
	test_accompanied();
	test_lock();
	test_browser_exit();
	test_end_before_browser_start();
	test_long_texts_cut_on_characters();
	test_deadlines();
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("test_session: all passed\n");
	return 0;
}
