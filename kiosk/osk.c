/* osk: the on-screen keyboard's layout and state (see osk.h). */
#include "osk.h"

#include <string.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include "util.h"

#define UNITS 48 /* every row is this many quarters of a letter key wide */

/* A letter (or any character with a capital): label, its capital's, keysyms. */
#define LET(lo, up, s, us, r)                          \
	{                                              \
		lo, up, {s}, us, 4, OSK_CHAR, r, false \
	}
/* A character without a capital. */
#define CHR(l, s, r)                                   \
	{                                              \
		l, NULL, {s}, 0, 4, OSK_CHAR, r, false \
	}
#define FN(l, s, u, r)                                \
	{                                             \
		l, NULL, {s}, 0, u, OSK_CHAR, r, true \
	}

/* The rows, top to bottom; each adds up to UNITS. Labels are what French keyboards print;
 * the function keys' words go through gettext when drawn (ui_keyboard.c). */
static const struct osk_key keys[] = {
	/* digits: 10 x 4 + Effacer 8 */
	CHR("1", XKB_KEY_1, 0),
	CHR("2", XKB_KEY_2, 0),
	CHR("3", XKB_KEY_3, 0),
	CHR("4", XKB_KEY_4, 0),
	CHR("5", XKB_KEY_5, 0),
	CHR("6", XKB_KEY_6, 0),
	CHR("7", XKB_KEY_7, 0),
	CHR("8", XKB_KEY_8, 0),
	CHR("9", XKB_KEY_9, 0),
	CHR("0", XKB_KEY_0, 0),
	FN("Effacer", XKB_KEY_BackSpace, 8, 0),
	/* a z e r t y u i o p @ - */
	LET("a", "A", XKB_KEY_a, XKB_KEY_A, 1),
	LET("z", "Z", XKB_KEY_z, XKB_KEY_Z, 1),
	LET("e", "E", XKB_KEY_e, XKB_KEY_E, 1),
	LET("r", "R", XKB_KEY_r, XKB_KEY_R, 1),
	LET("t", "T", XKB_KEY_t, XKB_KEY_T, 1),
	LET("y", "Y", XKB_KEY_y, XKB_KEY_Y, 1),
	LET("u", "U", XKB_KEY_u, XKB_KEY_U, 1),
	LET("i", "I", XKB_KEY_i, XKB_KEY_I, 1),
	LET("o", "O", XKB_KEY_o, XKB_KEY_O, 1),
	LET("p", "P", XKB_KEY_p, XKB_KEY_P, 1),
	CHR("@", XKB_KEY_at, 1),
	CHR("-", XKB_KEY_minus, 1),
	/* q s d f g h j k l m Entrée */
	LET("q", "Q", XKB_KEY_q, XKB_KEY_Q, 2),
	LET("s", "S", XKB_KEY_s, XKB_KEY_S, 2),
	LET("d", "D", XKB_KEY_d, XKB_KEY_D, 2),
	LET("f", "F", XKB_KEY_f, XKB_KEY_F, 2),
	LET("g", "G", XKB_KEY_g, XKB_KEY_G, 2),
	LET("h", "H", XKB_KEY_h, XKB_KEY_H, 2),
	LET("j", "J", XKB_KEY_j, XKB_KEY_J, 2),
	LET("k", "K", XKB_KEY_k, XKB_KEY_K, 2),
	LET("l", "L", XKB_KEY_l, XKB_KEY_L, 2),
	LET("m", "M", XKB_KEY_m, XKB_KEY_M, 2),
	FN("Entrée", XKB_KEY_Return, 8, 2),
	/* Maj w x c v b n , . ' _ */
	{"Maj", NULL, {0}, 0, 8, OSK_SHIFT, 3, true},
	LET("w", "W", XKB_KEY_w, XKB_KEY_W, 3),
	LET("x", "X", XKB_KEY_x, XKB_KEY_X, 3),
	LET("c", "C", XKB_KEY_c, XKB_KEY_C, 3),
	LET("v", "V", XKB_KEY_v, XKB_KEY_V, 3),
	LET("b", "B", XKB_KEY_b, XKB_KEY_B, 3),
	LET("n", "N", XKB_KEY_n, XKB_KEY_N, 3),
	CHR(",", XKB_KEY_comma, 3),
	CHR(".", XKB_KEY_period, 3),
	CHR("'", XKB_KEY_apostrophe, 3),
	CHR("_", XKB_KEY_underscore, 3),
	/* Tab, then the accented letters on a row of their own: in sight, no long press */
	FN("Tab", XKB_KEY_Tab, 8, 4),
	LET("é", "É", XKB_KEY_eacute, XKB_KEY_Eacute, 4),
	LET("è", "È", XKB_KEY_egrave, XKB_KEY_Egrave, 4),
	LET("à", "À", XKB_KEY_agrave, XKB_KEY_Agrave, 4),
	LET("ç", "Ç", XKB_KEY_ccedilla, XKB_KEY_Ccedilla, 4),
	LET("ù", "Ù", XKB_KEY_ugrave, XKB_KEY_Ugrave, 4),
	LET("ê", "Ê", XKB_KEY_ecircumflex, XKB_KEY_Ecircumflex, 4),
	LET("â", "Â", XKB_KEY_acircumflex, XKB_KEY_Acircumflex, 4),
	LET("î", "Î", XKB_KEY_icircumflex, XKB_KEY_Icircumflex, 4),
	LET("ô", "Ô", XKB_KEY_ocircumflex, XKB_KEY_Ocircumflex, 4),
	LET("œ", "Œ", XKB_KEY_oe, XKB_KEY_OE, 4),
	/* .fr .com Espace ← ↑ ↓ → Fermer */
	{".fr", NULL, {XKB_KEY_period, XKB_KEY_f, XKB_KEY_r}, 0, 5, OSK_CHAR, 5, true},
	{".com", NULL, {XKB_KEY_period, XKB_KEY_c, XKB_KEY_o, XKB_KEY_m}, 0, 5, OSK_CHAR, 5, true},
	FN("Espace", XKB_KEY_space, 14, 5),
	FN("←", XKB_KEY_Left, 4, 5),
	FN("↑", XKB_KEY_Up, 4, 5),
	FN("↓", XKB_KEY_Down, 4, 5),
	FN("→", XKB_KEY_Right, 4, 5),
	{"Fermer", NULL, {0}, 0, 8, OSK_CLOSE, 5, true},
};
_Static_assert(ARRAY_LEN(keys) <= OSK_MAX_KEYS, "too many keys");

int osk_count(void)
{
	return (int)ARRAY_LEN(keys);
}

const struct osk_key *osk_key(int i)
{
	return i >= 0 && i < osk_count() ? &keys[i] : NULL;
}

/* A key's height on a screen H high: 1/14 of it, at least OSK_MIN_KEY; its gap. */
static int key_height(int screen_h)
{
	int k = screen_h / 14;
	return k < OSK_MIN_KEY ? OSK_MIN_KEY : k;
}

static int gap(int key_h)
{
	return key_h / 12 < 3 ? 3 : key_h / 12;
}

int osk_height(int screen_w, int screen_h)
{
	(void)screen_w;
	int k = key_height(screen_h);
	return OSK_ROWS * k + (OSK_ROWS + 1) * gap(k);
}

void osk_layout(int w, int h, struct osk_layout *l)
{
	/* The tallest keys whose rows and gaps fit H (osk_height's for this screen). */
	int k = h / OSK_ROWS, g = gap(k);
	while (k > 1 && OSK_ROWS * k + (OSK_ROWS + 1) * g > h) {
		k--;
		g = gap(k);
	}
	double unit = (double)(w - g) / UNITS; /* a unit's pitch: the key and its gap */
	l->n = osk_count();
	l->key_h = k;
	double x = 0;
	int row = -1;
	for (int i = 0; i < l->n; i++) {
		if (keys[i].row != row) {
			row = keys[i].row;
			int units = 0;
			for (int j = i; j < l->n && keys[j].row == row; j++)
				units += keys[j].units;
			x = g + (UNITS - units) * unit / 2;
		}
		double kw = keys[i].units * unit;
		l->r[i] = (struct osk_rect){x, g + row * (k + g), kw - g, k};
		x += kw;
	}
}

int osk_hit(const struct osk_layout *l, double x, double y)
{
	for (int i = 0; i < l->n; i++) {
		const struct osk_rect *r = &l->r[i];
		if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h)
			return i;
	}
	return -1;
}

int osk_syms(int i, bool shift, uint32_t *syms)
{
	const struct osk_key *k = osk_key(i);
	if (!k || k->kind != OSK_CHAR)
		return 0;
	if (shift && k->shift_sym) {
		syms[0] = k->shift_sym;
		return 1;
	}
	int n = 0;
	while (n < OSK_MAX_SYMS && k->syms[n]) {
		syms[n] = k->syms[n];
		n++;
	}
	return n;
}

int osk_all_syms(uint32_t *syms, int max)
{
	int n = 0;
	for (int i = 0; i < osk_count(); i++)
		for (int shift = 0; shift < 2; shift++) {
			uint32_t s[OSK_MAX_SYMS];
			int m = osk_syms(i, shift, s);
			for (int j = 0; j < m; j++) {
				bool seen = false;
				for (int k = 0; k < n && !seen; k++)
					seen = syms[k] == s[j];
				if (!seen && n < max)
					syms[n++] = s[j];
			}
		}
	return n;
}

unsigned osk_press(struct osk *o, int i, uint32_t *syms, int *n)
{
	const struct osk_key *k = osk_key(i);
	*n = 0;
	if (!k || !o->shown)
		return OSK_NOTHING;
	switch (k->kind) {
	case OSK_SHIFT:
		o->shift = !o->shift;
		return OSK_REDRAW;
	case OSK_CLOSE:
		osk_reset(o);
		return OSK_HIDE;
	case OSK_CHAR:
		break;
	}
	*n = osk_syms(i, o->shift, syms);
	/* Shift holds for one letter; a digit or a function key leaves it for the next one. */
	if (o->shift && k->shift_sym) {
		o->shift = false;
		return OSK_TYPE | OSK_REDRAW;
	}
	return OSK_TYPE;
}

void osk_reset(struct osk *o)
{
	o->shown = false;
	o->shift = false;
}

bool osk_mode_parse(const char *s, enum osk_mode *m)
{
	static const char *const words[] = {"auto", "always", "never"};
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strcmp(s, words[i]) == 0) {
			*m = (enum osk_mode)i;
			return true;
		}
	return false;
}

bool osk_at_start(enum osk_mode m, bool has_keyboard)
{
	return m == OSK_ALWAYS || (m == OSK_AUTO && !has_keyboard);
}

bool osk_is_kbd_name(const char *name)
{
	static const char suffix[] = "-event-kbd";
	size_t n = strlen(name), s = sizeof(suffix) - 1;
	return n > s && strcmp(name + n - s, suffix) == 0;
}
