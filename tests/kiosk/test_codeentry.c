/* test_codeentry: the code typed on the welcome screen, without X or a helper: keys to
 * characters, the length, erase and clear, one check at a time, each answer's message, the
 * pause after too many tries and its countdown, the digits forgotten after a minute. */
#include <stdbool.h>
#include <string.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include "../unit/test.h"
#include "codeentry.h"

static void type_all(struct code_entry *ce, const char *s, int64_t now, unsigned *last)
{
	for (; *s; s++)
		*last = ce_type(ce, *s, now);
}

static void test_keys(void)
{
	struct code_entry ce;
	ce_init(&ce, 8, false);
	CHECK(ce_key_char(&ce, XKB_KEY_5, "5") == '5');
	CHECK(ce_key_char(&ce, XKB_KEY_KP_7, "") == '7');
	/* AZERTY's digit row without Shift. */
	CHECK(ce_key_char(&ce, XKB_KEY_eacute, "\xc3\xa9") == '2');
	CHECK(ce_key_char(&ce, XKB_KEY_agrave, "\xc3\xa0") == '0');
	CHECK(ce_key_char(&ce, XKB_KEY_ampersand, "&") == '1');
	/* Letters only for letter codes, upper-cased. */
	CHECK(ce_key_char(&ce, XKB_KEY_a, "a") == 0);
	CHECK(ce_key_char(&ce, XKB_KEY_space, " ") == 0);
	ce_init(&ce, 8, true);
	CHECK(ce_key_char(&ce, XKB_KEY_a, "a") == 'A');
	CHECK(ce_key_char(&ce, XKB_KEY_B, "B") == 'B');
}

static void test_typing_and_submit(void)
{
	struct code_entry ce;
	ce_init(&ce, 8, false);
	unsigned out = 0;
	CHECK(ce_type(&ce, 0, 0) == 0); /* a key that gives nothing */
	type_all(&ce, "1234567", 1000, &out);
	CHECK(out == (CE_REDRAW | CE_TYPED));
	CHECK(strcmp(ce.typed, "1234567") == 0);
	/* OK too early: "Le code a 8 chiffres." and nothing sent. */
	CHECK(!ce_submit(&ce, 1000, true));
	CHECK(ce.msg == UI_MSG_TOO_SHORT);
	/* The eighth digit sends it by itself. */
	out = ce_type(&ce, '8', 1100);
	CHECK(out & CE_SUBMIT);
	CHECK(ce.msg == UI_MSG_NONE);
	CHECK(ce_submit(&ce, 1100, true));
	ce_sent(&ce, true);
	CHECK(ce.checking && ce.msg == UI_MSG_CHECKING);
	/* While it is checked: no key, no erase, no second check. */
	CHECK(ce_type(&ce, '9', 1200) == 0);
	CHECK(ce_erase(&ce, 1200) == 0);
	CHECK(!ce_submit(&ce, 1200, true));
	/* A ninth digit never fits. */
	ce_accepted(&ce);
	type_all(&ce, "123456789", 1300, &out);
	CHECK(strlen(ce.typed) == 8);
	/* Erase, clear. */
	CHECK(ce_erase(&ce, 1400) == CE_REDRAW && strcmp(ce.typed, "1234567") == 0);
	CHECK(ce_clear(&ce) == CE_REDRAW && ce.typed[0] == '\0');
	CHECK(ce_erase(&ce, 1500) == 0);
	/* No helper: the message says so, nothing waits. */
	type_all(&ce, "12345678", 1600, &out);
	CHECK(!ce_submit(&ce, 1600, false) && ce.msg == UI_MSG_ERROR && !ce.checking);
	/* The helper did not take it: no answer will come. */
	CHECK(ce_submit(&ce, 1700, true));
	ce_sent(&ce, false);
	CHECK(!ce.checking && ce.msg == UI_MSG_ERROR);
}

static void test_answers(void)
{
	struct code_entry ce;
	ce_init(&ce, 8, false);
	unsigned out;
	/* A late answer, with no check out, changes nothing. */
	CHECK(!ce_accepted(&ce));
	CHECK(!ce_refused(&ce, WIRE_REFUSED_UNKNOWN, 0, 0, 0));
	static const struct {
		enum wire_refusal why;
		enum ui_login_msg msg;
	} map[] = {
		{WIRE_REFUSED_UNKNOWN, UI_MSG_UNKNOWN}, {WIRE_REFUSED_EXPIRED, UI_MSG_EXPIRED},
		{WIRE_REFUSED_USED_UP, UI_MSG_USED_UP}, {WIRE_REFUSED_REVOKED, UI_MSG_REVOKED},
		{WIRE_REFUSED_IN_USE, UI_MSG_IN_USE},   {WIRE_REFUSED_KIOSK, UI_MSG_KIOSK_REFUSED},
		{WIRE_REFUSED_ERROR, UI_MSG_ERROR},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		ce_clear(&ce);
		type_all(&ce, "12345678", 0, &out);
		CHECK(ce_submit(&ce, 0, true));
		ce_sent(&ce, true);
		CHECK(ce_refused(&ce, map[i].why, 0, 0, 0));
		CHECK(ce.msg == map[i].msg && !ce.checking);
		CHECK(ce_message(&ce, 0) == map[i].msg);
		/* A refused code stays, to compare with the ticket; a technical refusal (no
		 * check made) does not. */
		bool kept = map[i].why != WIRE_REFUSED_KIOSK && map[i].why != WIRE_REFUSED_ERROR;
		CHECK(ce.refused == kept);
		CHECK((strcmp(ce.typed, "12345678") == 0) == kept);
	}
	/* Kept until the first key, which starts a new code; OK on it spends no try. */
	ce_clear(&ce);
	type_all(&ce, "12345678", 0, &out);
	CHECK(ce_submit(&ce, 0, true));
	ce_sent(&ce, true);
	ce_refused(&ce, WIRE_REFUSED_UNKNOWN, 0, 3, 0);
	CHECK(!ce_submit(&ce, 0, true) && ce.msg == UI_MSG_UNKNOWN && ce.tries_left == 3);
	CHECK(ce_type(&ce, '9', 10) & CE_TYPED);
	CHECK(strcmp(ce.typed, "9") == 0 && !ce.refused && ce.msg == UI_MSG_NONE);
	/* Or erase: the whole refused code goes at once. */
	type_all(&ce, "1234567", 20, &out);
	CHECK(ce_submit(&ce, 20, true));
	ce_sent(&ce, true);
	ce_refused(&ce, WIRE_REFUSED_USED_UP, 0, 0, 20);
	CHECK(ce.tries_left == 0); /* tries are counted for unknown codes only */
	CHECK(ce_erase(&ce, 30) == CE_REDRAW && ce.typed[0] == '\0' && ce.msg == UI_MSG_NONE);
	ce_clear(&ce);
	/* Accepted: the digits go, no message. */
	type_all(&ce, "12345678", 0, &out);
	CHECK(ce_submit(&ce, 0, true));
	ce_sent(&ce, true);
	CHECK(ce_accepted(&ce) && ce.msg == UI_MSG_NONE && ce.typed[0] == '\0');
	/* The helper went away with the check. */
	type_all(&ce, "12345678", 0, &out);
	CHECK(ce_submit(&ce, 0, true));
	ce_sent(&ce, true);
	ce_helper_lost(&ce);
	CHECK(!ce.checking && ce.msg == UI_MSG_ERROR);
}

static void test_pause(void)
{
	struct code_entry ce;
	ce_init(&ce, 8, false);
	unsigned out;
	type_all(&ce, "12345678", 10000, &out);
	CHECK(ce_submit(&ce, 10000, true));
	ce_sent(&ce, true);
	CHECK(ce_refused(&ce, WIRE_REFUSED_RATE, 42, 0, 10000));
	CHECK(ce_paused(&ce, 10000) && ce_pause_seconds(&ce, 10000) == 42);
	CHECK(ce_message(&ce, 10000) == UI_MSG_RATE_LIMITED);
	CHECK(ce_pause_seconds(&ce, 10001) == 42); /* rounded up */
	CHECK(ce_pause_seconds(&ce, 11000) == 41);
	/* The countdown's next second. */
	CHECK(ce_next_deadline_ms(&ce, 10000, true) == 1);
	CHECK(ce_next_deadline_ms(&ce, 10400, true) == 601);
	CHECK(ce.typed[0] == '\0' && !ce.refused); /* the countdown shows, not the code */
	/* Keys and OK wait for the pause. */
	CHECK(ce_type(&ce, '1', 20000) == 0);
	CHECK(!ce_submit(&ce, 20000, true));
	/* Over: no message, typing again. */
	CHECK(!ce_paused(&ce, 52000));
	CHECK(ce_message(&ce, 52000) == UI_MSG_NONE);
	CHECK(ce_type(&ce, '1', 52000) & CE_TYPED);
	/* No retry_after named: 30 s. */
	type_all(&ce, "2345678", 52000, &out);
	CHECK(ce_submit(&ce, 52000, true));
	ce_sent(&ce, true);
	ce_refused(&ce, WIRE_REFUSED_RATE, 0, 0, 52000);
	CHECK(ce_pause_seconds(&ce, 52000) == CE_RETRY_DEFAULT);
	/* The desk lifts it: the keypad works at once, no message. */
	CHECK(ce_unpause(&ce));
	CHECK(!ce_paused(&ce, 52000) && ce_message(&ce, 52000) == UI_MSG_NONE);
	CHECK(ce_type(&ce, '7', 52000) & CE_TYPED);
	CHECK(!ce_unpause(&ce)); /* nothing to lift */
	CHECK(strcmp(ce.typed, "7") == 0);
}

static void test_forgotten(void)
{
	struct code_entry ce;
	ce_init(&ce, 8, false);
	CHECK(ce_next_deadline_ms(&ce, 0, true) == -1);
	ce_type(&ce, '4', 1000);
	CHECK(ce_next_deadline_ms(&ce, 1000, true) == CE_TYPED_CLEAR_MS);
	CHECK(ce_next_deadline_ms(&ce, 1000, false) == -1); /* not on the welcome screen */
	CHECK(!ce_tick(&ce, 1000 + CE_TYPED_CLEAR_MS - 1));
	ce.msg = UI_MSG_TOO_SHORT;
	CHECK(ce_tick(&ce, 1000 + CE_TYPED_CLEAR_MS));
	CHECK(ce.typed[0] == '\0' && ce.msg == UI_MSG_NONE);
	CHECK(!ce_tick(&ce, 1000 + 2 * CE_TYPED_CLEAR_MS));
	/* A late tick gives a deadline of at least 1 ms. */
	ce_type(&ce, '4', 0);
	CHECK(ce_next_deadline_ms(&ce, 2 * CE_TYPED_CLEAR_MS, true) == 1);
	/* A length out of range is brought back. */
	ce_init(&ce, 0, false);
	CHECK(ce.length == 1);
	ce_init(&ce, 1000, false);
	CHECK(ce.length == WIRE_CODE_MAX);
}

int main(void)
{
	test_keys();
	test_typing_and_submit();
	test_answers();
	test_pause();
	test_forgotten();
	return TEST_DONE();
}
