/* test_accompany: the mediator's sign-in screen (accompany.h): typing, erasing whole UTF-8
 * characters, fields, sending once, the answers, the pause, and everything wiped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accompany.h"

static int failures;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: %s: failed: %s\n", __FILE__, __LINE__, __func__, \
				#cond);                                                          \
			failures++;                                                              \
		}                                                                                \
	} while (0)

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

static void typed(struct accompany *a, const char *s, int64_t t)
{
	char one[5];
	for (const char *p = s; *p;) {
		size_t n = 1;
		while (((unsigned char)p[n] & 0xc0) == 0x80)
			n++;
		memcpy(one, p, n);
		one[n] = 0;
		acc_type(a, one, t);
		p += n;
	}
}

static void test_typing(void)
{
	struct accompany a = {0};
	CHECK(!acc_type(&a, "x", 0)); /* not shown */
	acc_open(&a, 1000);
	CHECK(a.shown && a.field == ACC_FIELD_NAME);
	typed(&a, "Léa", 1000);
	CHECK(strcmp(a.name, "Léa") == 0);
	CHECK(!acc_type(&a, "\t", 1000));
	CHECK(!acc_type(&a, "\x1b", 1000));
	CHECK(!acc_type(&a, "a\nb", 1000));
	/* Erase takes the whole "é". */
	CHECK(acc_erase(&a, 1000) && strcmp(a.name, "Lé") == 0);
	CHECK(acc_erase(&a, 1000) && strcmp(a.name, "L") == 0);
	/* Enter on the name with no password: to the password. */
	CHECK(!acc_submit(&a, 1000, true) && a.field == ACC_FIELD_PASSWORD);
	typed(&a, "sécret pw", 1000);
	CHECK(acc_dots(&a) == 9);
	CHECK(strcmp(a.name, "L") == 0);
	acc_next_field(&a, 1000);
	CHECK(a.field == ACC_FIELD_NAME);
	/* A field never overflows. */
	char big[ACC_NAME_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK(!acc_type(&a, big, 1000));
	for (int i = 0; i < ACC_NAME_MAX + 10; i++)
		acc_type(&a, "y", 1000);
	CHECK(strlen(a.name) == ACC_NAME_MAX);
	/* Closing wipes everything. */
	acc_close(&a);
	CHECK(!a.shown && all_zero(&a, sizeof(a)));
}

static void test_send_and_answers(void)
{
	struct accompany a = {0};
	acc_open(&a, 0);
	CHECK(!acc_submit(&a, 0, true) && a.msg == ACC_MSG_EMPTY);
	typed(&a, "med", 0);
	acc_focus(&a, ACC_FIELD_PASSWORD, 0);
	typed(&a, "password12", 0);
	CHECK(!acc_submit(&a, 0, false) && a.msg == ACC_MSG_ERROR); /* no helper */
	CHECK(acc_submit(&a, 0, true) && a.checking && a.msg == ACC_MSG_CHECKING);
	/* Once out: no second send, no typing. */
	CHECK(!acc_submit(&a, 0, true));
	CHECK(!acc_type(&a, "x", 0));
	acc_sent(&a, true);
	CHECK(all_zero(a.password, sizeof(a.password)));
	/* Refused: the name stays, the password goes, typing again. */
	CHECK(acc_refused(&a, WIRE_REFUSED_BAD_LOGIN, 0, 10));
	CHECK(a.msg == ACC_MSG_BAD_LOGIN && !a.checking && strcmp(a.name, "med") == 0);
	CHECK(!acc_refused(&a, WIRE_REFUSED_BAD_LOGIN, 0, 10)); /* a late answer */
	static const struct {
		enum wire_refusal why;
		enum acc_msg msg;
	} words[] = {
		{WIRE_REFUSED_NOT_MEDIATOR, ACC_MSG_NOT_MEDIATOR},
		{WIRE_REFUSED_WRONG_SITE, ACC_MSG_WRONG_SITE},
		{WIRE_REFUSED_OFFLINE, ACC_MSG_OFFLINE},
		{WIRE_REFUSED_UNKNOWN, ACC_MSG_ERROR},
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		typed(&a, "pw", 20);
		CHECK(acc_submit(&a, 20, true));
		CHECK(acc_refused(&a, words[i].why, 0, 20) && a.msg == words[i].msg);
	}
	/* Not taken by the helper: no answer will come. */
	typed(&a, "pw", 30);
	CHECK(acc_submit(&a, 30, true));
	acc_sent(&a, false);
	CHECK(!a.checking && a.msg == ACC_MSG_ERROR);
	/* Accepted: closed and wiped. */
	typed(&a, "pw", 40);
	CHECK(acc_submit(&a, 40, true));
	CHECK(acc_accepted(&a) && !a.shown && all_zero(&a, sizeof(a)));
	CHECK(!acc_accepted(&a));
}

static void test_pause_and_idle(void)
{
	struct accompany a = {0};
	acc_open(&a, 0);
	typed(&a, "med", 0);
	acc_focus(&a, ACC_FIELD_PASSWORD, 0);
	typed(&a, "pw", 0);
	CHECK(acc_submit(&a, 0, true));
	CHECK(acc_refused(&a, WIRE_REFUSED_RATE, 42, 1000));
	CHECK(a.msg == ACC_MSG_RATE_LIMITED && acc_pause_seconds(&a, 1000) == 42);
	typed(&a, "pw", 2000);
	CHECK(!acc_submit(&a, 2000, true) && a.msg == ACC_MSG_RATE_LIMITED);
	/* The pause outlives the screen. */
	acc_close(&a);
	acc_open(&a, 3000);
	CHECK(acc_pause_seconds(&a, 3000) == 40);
	CHECK(acc_tick(&a, 43000) && acc_pause_seconds(&a, 43000) == 0);
	/* Untouched: closed and forgotten. */
	typed(&a, "med", 50000);
	CHECK(!acc_tick(&a, 50000 + ACC_IDLE_MS - 1));
	CHECK(acc_tick(&a, 50000 + ACC_IDLE_MS) && !a.shown && all_zero(a.name, sizeof(a.name)));
	/* Never while admind checks. */
	acc_open(&a, 0);
	typed(&a, "m", 0);
	acc_focus(&a, ACC_FIELD_PASSWORD, 0);
	typed(&a, "p", 0);
	CHECK(acc_submit(&a, 0, true));
	CHECK(!acc_tick(&a, ACC_IDLE_MS * 2) && a.shown);
}

/* The on-screen keyboard's key labelled LABEL (its lower case). */
static int key(const char *label)
{
	for (int i = 0; i < osk_count(); i++)
		if (strcmp(osk_key(i)->label, label) == 0)
			return i;
	fprintf(stderr, "no key %s\n", label);
	failures++;
	return -1;
}

/* Taps LABELS (keys separated by spaces) on the screen's keyboard. */
static void tapped(struct accompany *a, const char *labels, int64_t t)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", labels);
	for (char *save, *l = strtok_r(buf, " ", &save); l; l = strtok_r(NULL, " ", &save))
		acc_osk_press(a, key(l), t);
}

static void test_keyboard(void)
{
	struct accompany a = {0};
	/* Offered on a closed screen: nothing. */
	acc_osk_offer(&a, true, true);
	CHECK(!a.osk_offered && !a.osk.shown);
	CHECK(acc_osk_press(&a, key("a"), 0) == ACC_OSK_NOTHING);
	acc_open(&a, 1000);
	acc_osk_offer(&a, true, false);
	CHECK(a.osk_offered && !a.osk.shown);
	/* Hidden: its keys type nothing. */
	CHECK(acc_osk_press(&a, key("a"), 1000) == ACC_OSK_NOTHING && !a.name[0]);
	acc_osk_toggle(&a, 1000);
	CHECK(a.osk.shown);
	/* Maj: a capital, then lower case again; a digit and @ as they are; accents. */
	tapped(&a, "Maj l é a 1 @ - ç", 1000);
	CHECK(strcmp(a.name, "Léa1@-ç") == 0);
	CHECK(!a.osk.shift);
	tapped(&a, "Maj é", 1000);
	CHECK(strcmp(a.name, "Léa1@-çÉ") == 0);
	/* Effacer takes a whole character; Espace a space; .fr its three. */
	tapped(&a, "Effacer Effacer Effacer Espace .fr", 1000);
	CHECK(strcmp(a.name, "Léa1@ .fr") == 0);
	/* Arrows: nothing (no caret to move); a gap: nothing. */
	CHECK(acc_osk_press(&a, key("←"), 1000) == ACC_OSK_NOTHING);
	CHECK(acc_osk_press(&a, -1, 1000) == ACC_OSK_NOTHING);
	CHECK(acc_osk_press(&a, osk_count(), 1000) == ACC_OSK_NOTHING);
	CHECK(strcmp(a.name, "Léa1@ .fr") == 0);
	/* Maj twice: off again. */
	tapped(&a, "Maj", 1000);
	CHECK(a.osk.shift);
	CHECK(acc_osk_press(&a, key("Maj"), 1000) == ACC_OSK_CHANGED && !a.osk.shift);
	/* Entrée on the name: as Valider, which moves on to the password. */
	CHECK(acc_osk_press(&a, key("Entrée"), 1000) == ACC_OSK_SUBMIT);
	CHECK(!acc_submit(&a, 1000, true) && a.field == ACC_FIELD_PASSWORD);
	tapped(&a, "Maj s 3 c r è t", 2000);
	CHECK(acc_dots(&a) == 6 && strcmp(a.password, "S3crèt") == 0);
	CHECK(a.touched_ms == 2000);
	/* Tab: back to the name, and there again. */
	tapped(&a, "Tab", 2000);
	CHECK(a.field == ACC_FIELD_NAME);
	tapped(&a, "Tab", 2000);
	CHECK(a.field == ACC_FIELD_PASSWORD);
	CHECK(acc_osk_press(&a, key("Entrée"), 2000) == ACC_OSK_SUBMIT);
	CHECK(acc_submit(&a, 2000, true) && a.checking);
	/* While admind checks: no key, no Maj. */
	CHECK(acc_osk_press(&a, key("Maj"), 2000) == ACC_OSK_NOTHING && !a.osk.shift);
	CHECK(acc_osk_press(&a, key("x"), 2000) == ACC_OSK_NOTHING);
	acc_sent(&a, true);
	CHECK(acc_refused(&a, WIRE_REFUSED_BAD_LOGIN, 0, 3000));
	CHECK(a.osk.shown && !a.password[0]);
	/* The field's bound holds for keys too. */
	for (int i = 0; i < ACC_PASSWORD_MAX + 10; i++)
		acc_osk_press(&a, key("é"), 3000);
	CHECK(strlen(a.password) == ACC_PASSWORD_MAX && acc_dots(&a) == ACC_PASSWORD_MAX / 2);
	/* Fermer hides it; the screen stays. */
	CHECK(acc_osk_press(&a, key("Fermer"), 3000) == ACC_OSK_CHANGED);
	CHECK(!a.osk.shown && a.shown && a.osk_offered);
	acc_osk_toggle(&a, 3000);
	CHECK(a.osk.shown);
	/* Closing the screen: the keyboard goes, all wiped. */
	acc_close(&a);
	CHECK(!a.osk.shown && all_zero(&a, sizeof(a)));
	/* keyboard.onscreen = never: not offered, "Clavier" does nothing. */
	acc_open(&a, 0);
	acc_osk_offer(&a, false, true);
	CHECK(!a.osk_offered && !a.osk.shown);
	acc_osk_toggle(&a, 0);
	CHECK(!a.osk.shown);
	/* Shown at once (always, or auto without a keyboard). */
	acc_open(&a, 0);
	acc_osk_offer(&a, true, true);
	CHECK(a.osk.shown);
}

int main(void)
{
	test_typing();
	test_send_and_answers();
	test_pause_and_idle();
	test_keyboard();
	if (failures)
		fprintf(stderr, "%d failed\n", failures);
	return failures != 0;
}
