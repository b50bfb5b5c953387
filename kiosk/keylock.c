/* keylock: the swallowed shortcuts, their modifier variants and the modified keys (see
 * keylock.h). */
#include "keylock.h"

#include <xkbcommon/xkbcommon-keysyms.h>

#define C  KEYLOCK_CTRL
#define S  KEYLOCK_SHIFT
#define A  KEYLOCK_ALT
#define SU KEYLOCK_SUPER

const struct keylock_combo keylock_combos[] = {
	/* docs/lockdown.md §2 */
	{XKB_KEY_n, C, "Ctrl+N"},                     /* new window */
	{XKB_KEY_n, C | S, "Ctrl+Shift+N"},           /* incognito window */
	{XKB_KEY_o, C, "Ctrl+O"},                     /* open file */
	{XKB_KEY_s, C, "Ctrl+S"},                     /* save page */
	{XKB_KEY_p, C | S, "Ctrl+Shift+P"},           /* print with the system dialog */
	{XKB_KEY_h, C, "Ctrl+H"},                     /* history */
	{XKB_KEY_j, C, "Ctrl+J"},                     /* downloads page */
	{XKB_KEY_Delete, C | S, "Ctrl+Shift+Delete"}, /* clear browsing data (settings) */
	{XKB_KEY_KP_Delete, C | S, "Ctrl+Shift+KP_Delete"},
	{XKB_KEY_o, C | S, "Ctrl+Shift+O"}, /* bookmark manager */
	{XKB_KEY_b, C | S, "Ctrl+Shift+B"}, /* bookmarks bar */
	{XKB_KEY_u, C, "Ctrl+U"},           /* view source */
	{XKB_KEY_F12, 0, "F12"},            /* developer tools */
	{XKB_KEY_i, C | S, "Ctrl+Shift+I"},
	{XKB_KEY_j, C | S, "Ctrl+Shift+J"},
	{XKB_KEY_c, C | S, "Ctrl+Shift+C"},
	{XKB_KEY_Escape, S, "Shift+Escape"}, /* task manager */
	{XKB_KEY_Home, A, "Alt+Home"},       /* home page (the bar sends it itself) */
	{XKB_KEY_KP_Home, A, "Alt+KP_Home"},
	{XKB_KEY_f, A, "Alt+F"}, /* browser menu */
	{XKB_KEY_e, A, "Alt+E"},
	{XKB_KEY_F6, 0, "F6"},     /* focus the (hidden) address bar */
	{XKB_KEY_F10, 0, "F10"},   /* browser menu */
	{XKB_KEY_F11, 0, "F11"},   /* leave full screen */
	{XKB_KEY_F1, 0, "F1"},     /* help: opens a new window */
	{XKB_KEY_F4, A, "Alt+F4"}, /* close the browser */
	{XKB_KEY_Tab, A, "Alt+Tab"},
	{XKB_KEY_Tab, A | S, "Alt+Shift+Tab"},
	{XKB_KEY_Super_L, KEYLOCK_ANY, "Super_L"}, /* with anything held: swallowed */
	{XKB_KEY_Super_R, KEYLOCK_ANY, "Super_R"},
	/* Added by escale: each reaches a hidden tab, the hidden address bar, or closes or
	 * quits the browser (the session would end as "browser") or switches profiles. */
	{XKB_KEY_t, C, "Ctrl+T"},           /* new tab, invisible in kiosk mode */
	{XKB_KEY_t, C | S, "Ctrl+Shift+T"}, /* reopen a closed tab */
	{XKB_KEY_l, C, "Ctrl+L"},           /* address bar: typing a URL navigates */
	{XKB_KEY_d, A, "Alt+D"},
	{XKB_KEY_k, C, "Ctrl+K"}, /* search in the address bar */
	{XKB_KEY_e, C, "Ctrl+E"},
	{XKB_KEY_w, C, "Ctrl+W"}, /* close the tab: the browser quits */
	{XKB_KEY_w, C | S, "Ctrl+Shift+W"},
	{XKB_KEY_F4, C, "Ctrl+F4"},
	{XKB_KEY_q, C | S, "Ctrl+Shift+Q"}, /* quit */
	{XKB_KEY_m, C | S, "Ctrl+Shift+M"}, /* profile / guest switcher */
};

const size_t keylock_n_combos = sizeof(keylock_combos) / sizeof(keylock_combos[0]);

uint16_t keylock_real_mods(unsigned mods, uint16_t alt_mask, uint16_t super_mask)
{
	if (mods & KEYLOCK_ANY)
		return KEYLOCK_X_ANY;
	uint16_t m = 0;
	if (mods & KEYLOCK_SHIFT)
		m |= KEYLOCK_X_SHIFT;
	if (mods & KEYLOCK_CTRL)
		m |= KEYLOCK_X_CTRL;
	if (mods & KEYLOCK_ALT)
		m |= alt_mask;
	if (mods & KEYLOCK_SUPER)
		m |= super_mask;
	return m;
}

int keylock_variants(uint16_t real, uint16_t out[KEYLOCK_MAX_MASKS])
{
	if (real & KEYLOCK_X_ANY) {
		out[0] = KEYLOCK_X_ANY;
		return 1;
	}
	int n = 0;
	for (unsigned m = 0; m <= KEYLOCK_X_ALL; m++)
		if ((m & real) == real)
			out[n++] = (uint16_t)m;
	return n;
}

int keylock_modified(uint16_t locks, uint16_t out[KEYLOCK_MAX_MASKS])
{
	int n = 0;
	for (unsigned m = 0; m <= KEYLOCK_X_ALL; m++)
		if (m & ~(unsigned)locks & KEYLOCK_X_ALL)
			out[n++] = (uint16_t)m;
	return n;
}

const uint32_t keylock_modified_keys[] = {XKB_KEY_Return, XKB_KEY_KP_Enter, XKB_KEY_ISO_Enter};
const size_t keylock_n_modified_keys =
	sizeof(keylock_modified_keys) / sizeof(keylock_modified_keys[0]);
