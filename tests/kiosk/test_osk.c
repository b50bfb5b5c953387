/* test_osk: the on-screen keyboard's layout (every key hit at its centre, none overlapping,
 * all inside the keyboard at 800x600 to 1920x1080, keys at least OSK_MIN_KEY high), what
 * the keys send (the accented letters and their capitals), Shift for one letter, the
 * keyboard.onscreen modes and the keyboard device names. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include "../unit/test.h"
#include "osk.h"

static const int sizes[][2] = {{800, 600},   {1024, 768},  {1280, 720}, {1280, 1024},
			       {1366, 768},  {1440, 900},  {1600, 900}, {1680, 1050},
			       {1920, 1080}, {1920, 1200}, {1080, 1920}};

/* The key labelled LABEL (its first). */
static int find(const char *label)
{
	for (int i = 0; i < osk_count(); i++)
		if (osk_key(i)->label && strcmp(osk_key(i)->label, label) == 0)
			return i;
	return -1;
}

static void test_layout(void)
{
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		int w = sizes[s][0], sh = sizes[s][1];
		int h = osk_height(w, sh);
		struct osk_layout l;
		osk_layout(w, h, &l);
		CHECK(l.n == osk_count());
		CHECK(l.key_h >= OSK_MIN_KEY);
		/* It leaves a third of the screen at least to the page (and the bar). */
		CHECK(h <= sh * 2 / 3);
		for (int i = 0; i < l.n; i++) {
			const struct osk_rect *r = &l.r[i];
			CHECK(r->x >= 0 && r->y >= 0 && r->x + r->w <= w && r->y + r->h <= h);
			CHECK(r->h >= OSK_MIN_KEY);
			CHECK(r->w >= OSK_MIN_KEY * 0.8); /* a finger's width, even at 800 */
			CHECK(osk_hit(&l, r->x + r->w / 2, r->y + r->h / 2) == i);
			CHECK(osk_hit(&l, r->x + 1, r->y + 1) == i);
			CHECK(osk_hit(&l, r->x + r->w - 1, r->y + r->h - 1) == i);
			for (int j = 0; j < i; j++) {
				const struct osk_rect *o = &l.r[j];
				bool apart = o->x + o->w <= r->x || r->x + r->w <= o->x ||
					     o->y + o->h <= r->y || r->y + r->h <= o->y;
				if (!apart)
					fprintf(stderr, "%dx%d: keys %d and %d overlap\n", w, sh, i,
						j);
				CHECK(apart);
			}
		}
		/* Gaps and outside hit nothing. */
		CHECK(osk_hit(&l, 0, 0) == -1);
		CHECK(osk_hit(&l, w + 5, h / 2) == -1);
		CHECK(osk_hit(&l, w / 2, h + 1) == -1);
	}
	/* Bigger screens, bigger keys. */
	struct osk_layout small, big;
	osk_layout(1024, osk_height(1024, 768), &small);
	osk_layout(1920, osk_height(1920, 1080), &big);
	CHECK(big.key_h > small.key_h);
}

static void test_azerty_rows(void)
{
	/* The letters in AZERTY order, each row left to right. */
	static const char *const rows[] = {"azertyuiop", "qsdfghjklm", "wxcvbn"};
	struct osk_layout l;
	osk_layout(1024, osk_height(1024, 768), &l);
	for (size_t r = 0; r < 3; r++) {
		double last_x = -1, y = -1;
		for (const char *c = rows[r]; *c; c++) {
			char s[2] = {*c, 0};
			int i = find(s);
			CHECK(i >= 0);
			if (i < 0)
				continue;
			CHECK(l.r[i].x > last_x);
			CHECK(y < 0 || l.r[i].y == y);
			last_x = l.r[i].x;
			y = l.r[i].y;
			uint32_t syms[OSK_MAX_SYMS];
			CHECK(osk_syms(i, false, syms) == 1 &&
			      syms[0] == XKB_KEY_a + (uint32_t)(*c - 'a'));
			CHECK(osk_syms(i, true, syms) == 1 &&
			      syms[0] == XKB_KEY_A + (uint32_t)(*c - 'a'));
		}
	}
	/* The rows go down: azerty above qsdf above wxcv. */
	CHECK(l.r[find("a")].y < l.r[find("q")].y && l.r[find("q")].y < l.r[find("w")].y);
}

static void test_syms(void)
{
	static const struct {
		const char *label;
		uint32_t sym, shift;
	} acc[] = {
		{"é", XKB_KEY_eacute, XKB_KEY_Eacute},
		{"è", XKB_KEY_egrave, XKB_KEY_Egrave},
		{"à", XKB_KEY_agrave, XKB_KEY_Agrave},
		{"ç", XKB_KEY_ccedilla, XKB_KEY_Ccedilla},
		{"ù", XKB_KEY_ugrave, XKB_KEY_Ugrave},
		{"ê", XKB_KEY_ecircumflex, XKB_KEY_Ecircumflex},
		{"â", XKB_KEY_acircumflex, XKB_KEY_Acircumflex},
		{"î", XKB_KEY_icircumflex, XKB_KEY_Icircumflex},
		{"ô", XKB_KEY_ocircumflex, XKB_KEY_Ocircumflex},
		{"œ", XKB_KEY_oe, XKB_KEY_OE},
	};
	uint32_t s[OSK_MAX_SYMS];
	for (size_t i = 0; i < sizeof(acc) / sizeof(acc[0]); i++) {
		int k = find(acc[i].label);
		CHECK(k >= 0);
		CHECK(osk_syms(k, false, s) == 1 && s[0] == acc[i].sym);
		CHECK(osk_syms(k, true, s) == 1 && s[0] == acc[i].shift);
		CHECK(strcmp(osk_key(k)->label_shift, "") != 0);
	}
	/* Every key of the brief, and what it sends; Shift leaves these alone. */
	static const struct {
		const char *label;
		uint32_t syms[OSK_MAX_SYMS];
	} fn[] = {
		{"@", {XKB_KEY_at}},
		{".fr", {XKB_KEY_period, XKB_KEY_f, XKB_KEY_r}},
		{".com", {XKB_KEY_period, XKB_KEY_c, XKB_KEY_o, XKB_KEY_m}},
		{"Effacer", {XKB_KEY_BackSpace}},
		{"Entrée", {XKB_KEY_Return}},
		{"Espace", {XKB_KEY_space}},
		{"Tab", {XKB_KEY_Tab}},
		{"←", {XKB_KEY_Left}},
		{"→", {XKB_KEY_Right}},
		{"↑", {XKB_KEY_Up}},
		{"↓", {XKB_KEY_Down}},
		{"1", {XKB_KEY_1}},
		{"0", {XKB_KEY_0}},
		{"-", {XKB_KEY_minus}},
	};
	for (size_t i = 0; i < sizeof(fn) / sizeof(fn[0]); i++) {
		int k = find(fn[i].label);
		CHECK(k >= 0);
		for (int shift = 0; shift < 2; shift++) {
			int n = osk_syms(k, shift, s);
			int want = 0;
			while (want < OSK_MAX_SYMS && fn[i].syms[want])
				want++;
			CHECK(n == want && memcmp(s, fn[i].syms, sizeof(s[0]) * (size_t)n) == 0);
		}
	}
	CHECK(osk_key(find("Maj"))->kind == OSK_SHIFT);
	CHECK(osk_key(find("Fermer"))->kind == OSK_CLOSE);
	CHECK(osk_syms(find("Maj"), false, s) == 0);
	CHECK(osk_syms(-1, false, s) == 0 && osk_syms(osk_count(), false, s) == 0);
	CHECK(osk_key(osk_count()) == NULL);
}

static void test_all_syms(void)
{
	uint32_t s[OSK_MAX_KEYS * 2];
	int n = osk_all_syms(s, OSK_MAX_KEYS * 2);
	static const uint32_t want[] = {XKB_KEY_eacute, XKB_KEY_Eacute,  XKB_KEY_oe,
					XKB_KEY_OE,     XKB_KEY_at,      XKB_KEY_a,
					XKB_KEY_Z,      XKB_KEY_Return,  XKB_KEY_period,
					XKB_KEY_m,      XKB_KEY_Ccedilla};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int found = 0;
		for (int j = 0; j < n; j++)
			found += s[j] == want[i];
		CHECK(found == 1); /* once each */
	}
	/* Capped at MAX. */
	CHECK(osk_all_syms(s, 3) == 3);
}

static void test_shift_and_close(void)
{
	struct osk o = {0};
	uint32_t s[OSK_MAX_SYMS];
	int n;
	/* Hidden, it sends nothing. */
	CHECK(osk_press(&o, find("a"), s, &n) == OSK_NOTHING && n == 0);
	o.shown = true;
	CHECK(osk_press(&o, find("a"), s, &n) == OSK_TYPE && n == 1 && s[0] == XKB_KEY_a);
	CHECK(osk_press(&o, find("Maj"), s, &n) == OSK_REDRAW && o.shift && n == 0);
	/* A digit leaves Shift on for the next letter. */
	CHECK(osk_press(&o, find("1"), s, &n) == OSK_TYPE && s[0] == XKB_KEY_1 && o.shift);
	CHECK(osk_press(&o, find("é"), s, &n) == (OSK_TYPE | OSK_REDRAW) && s[0] == XKB_KEY_Eacute);
	CHECK(!o.shift);
	CHECK(osk_press(&o, find("é"), s, &n) == OSK_TYPE && s[0] == XKB_KEY_eacute);
	/* Shift twice: off again. */
	osk_press(&o, find("Maj"), s, &n);
	CHECK(osk_press(&o, find("Maj"), s, &n) == OSK_REDRAW && !o.shift);
	CHECK(osk_press(&o, -1, s, &n) == OSK_NOTHING);
	osk_press(&o, find("Maj"), s, &n);
	CHECK(osk_press(&o, find("Fermer"), s, &n) == OSK_HIDE && !o.shown && !o.shift);
	o.shown = o.shift = true;
	osk_reset(&o);
	CHECK(!o.shown && !o.shift);
}

static void test_modes(void)
{
	enum osk_mode m;
	CHECK(osk_mode_parse("auto", &m) && m == OSK_AUTO);
	CHECK(osk_mode_parse("always", &m) && m == OSK_ALWAYS);
	CHECK(osk_mode_parse("never", &m) && m == OSK_NEVER);
	CHECK(!osk_mode_parse("", &m) && !osk_mode_parse("Auto", &m) &&
	      !osk_mode_parse("always ", &m) && !osk_mode_parse("yes", &m));
	CHECK(osk_at_start(OSK_AUTO, false) && !osk_at_start(OSK_AUTO, true));
	CHECK(osk_at_start(OSK_ALWAYS, true) && osk_at_start(OSK_ALWAYS, false));
	CHECK(!osk_at_start(OSK_NEVER, false) && !osk_at_start(OSK_NEVER, true));
	CHECK(osk_is_kbd_name("pci-0000:00:14.0-usb-0:2:1.0-event-kbd"));
	CHECK(osk_is_kbd_name("platform-i8042-serio-0-event-kbd"));
	CHECK(!osk_is_kbd_name("pci-0000:00:14.0-usb-0:3:1.0-event-mouse"));
	CHECK(!osk_is_kbd_name("-event-kbd") && !osk_is_kbd_name(""));
	CHECK(!osk_is_kbd_name("usb-kbd-event-kbd.bak"));
}

int main(void)
{
	test_layout();
	test_azerty_rows();
	test_syms();
	test_all_syms();
	test_shift_and_close();
	test_modes();
	return TEST_DONE();
}
