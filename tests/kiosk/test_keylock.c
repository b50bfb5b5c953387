/* test_keylock: the swallowed shortcuts cover docs/lockdown.md §2, and each expands to the
 * modifier variants a passive grab needs (AltGr, ScrollLock and the locks included); the
 * modified states of a click or Enter. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include "../unit/test.h"
#include "keylock.h"

#define MOD2 0x10u /* Mod2Mask: NumLock on usual keyboards */
#define MOD1 0x08u /* Mod1Mask: Alt */
#define MOD4 0x40u /* Mod4Mask: Super */

static bool has(uint32_t sym, unsigned mods)
{
	for (size_t i = 0; i < keylock_n_combos; i++)
		if (keylock_combos[i].keysym == sym && keylock_combos[i].mods == mods)
			return true;
	return false;
}

static bool in(const uint16_t *v, int n, uint16_t m)
{
	for (int i = 0; i < n; i++)
		if (v[i] == m)
			return true;
	return false;
}

static void test_lockdown_list_covered(void)
{
	const unsigned C = KEYLOCK_CTRL, S = KEYLOCK_SHIFT, A = KEYLOCK_ALT;
	CHECK(has(XKB_KEY_n, C));
	CHECK(has(XKB_KEY_n, C | S));
	CHECK(has(XKB_KEY_o, C));
	CHECK(has(XKB_KEY_s, C));
	CHECK(has(XKB_KEY_p, C | S));
	CHECK(has(XKB_KEY_h, C));
	CHECK(has(XKB_KEY_j, C));
	CHECK(has(XKB_KEY_Delete, C | S));
	CHECK(has(XKB_KEY_o, C | S));
	CHECK(has(XKB_KEY_b, C | S));
	CHECK(has(XKB_KEY_u, C));
	CHECK(has(XKB_KEY_F12, 0));
	CHECK(has(XKB_KEY_i, C | S));
	CHECK(has(XKB_KEY_j, C | S));
	CHECK(has(XKB_KEY_c, C | S));
	CHECK(has(XKB_KEY_Escape, S));
	CHECK(has(XKB_KEY_Home, A));
	CHECK(has(XKB_KEY_f, A));
	CHECK(has(XKB_KEY_e, A));
	CHECK(has(XKB_KEY_F6, 0));
	CHECK(has(XKB_KEY_F10, 0));
	CHECK(has(XKB_KEY_F11, 0));
	CHECK(has(XKB_KEY_F1, 0));
	CHECK(has(XKB_KEY_F4, A));
	CHECK(has(XKB_KEY_Tab, A));
	CHECK(has(XKB_KEY_Super_L, KEYLOCK_ANY));
	CHECK(has(XKB_KEY_Super_R, KEYLOCK_ANY));
	/* escale's additions */
	CHECK(has(XKB_KEY_t, C));
	CHECK(has(XKB_KEY_l, C));
	CHECK(has(XKB_KEY_w, C));
	/* What the resident needs is never swallowed: printing, copy and paste, Back. */
	CHECK(!has(XKB_KEY_p, C));
	CHECK(!has(XKB_KEY_c, C));
	CHECK(!has(XKB_KEY_v, C));
	CHECK(!has(XKB_KEY_Left, A));
	/* Letters are stored unshifted (the grab is on the keycode; Shift is a modifier). */
	for (size_t i = 0; i < keylock_n_combos; i++) {
		CHECK(!(keylock_combos[i].keysym >= XKB_KEY_A &&
			keylock_combos[i].keysym <= XKB_KEY_Z));
		CHECK(keylock_combos[i].name && *keylock_combos[i].name);
		for (size_t j = 0; j < i; j++)
			CHECK(keylock_combos[i].keysym != keylock_combos[j].keysym ||
			      keylock_combos[i].mods != keylock_combos[j].mods);
	}
}

static void test_real_mods(void)
{
	CHECK(keylock_real_mods(KEYLOCK_CTRL, MOD1, MOD4) == KEYLOCK_X_CTRL);
	CHECK(keylock_real_mods(KEYLOCK_CTRL | KEYLOCK_SHIFT, MOD1, MOD4) ==
	      (KEYLOCK_X_CTRL | KEYLOCK_X_SHIFT));
	CHECK(keylock_real_mods(KEYLOCK_ALT, MOD1, MOD4) == MOD1);
	CHECK(keylock_real_mods(KEYLOCK_ALT, 0x20, MOD4) == 0x20); /* Alt on Mod3 */
	CHECK(keylock_real_mods(KEYLOCK_SUPER, MOD1, MOD4) == MOD4);
	CHECK(keylock_real_mods(0, MOD1, MOD4) == 0);
	CHECK(keylock_real_mods(KEYLOCK_ANY, MOD1, MOD4) == KEYLOCK_X_ANY);
}

#define MOD5 0x80u /* Mod5Mask: AltGr (ISO_Level3_Shift) on fr, de, be, ch */
#define MOD3 0x20u /* Mod3Mask: ScrollLock or Hyper, where a layout maps one */

static void test_variants(void)
{
	uint16_t v[KEYLOCK_MAX_MASKS];
	/* Ctrl+N: Ctrl with every combination of the seven other bits. */
	int n = keylock_variants(KEYLOCK_X_CTRL, v);
	CHECK(n == 128);
	CHECK(in(v, n, KEYLOCK_X_CTRL));
	CHECK(in(v, n, KEYLOCK_X_CTRL | KEYLOCK_X_LOCK));
	CHECK(in(v, n, KEYLOCK_X_CTRL | MOD2));
	CHECK(in(v, n, KEYLOCK_X_CTRL | KEYLOCK_X_LOCK | MOD2));
	/* AltGr, ScrollLock on Mod3, and both with the locks: still Ctrl+N to the grab. */
	CHECK(in(v, n, KEYLOCK_X_CTRL | MOD5));
	CHECK(in(v, n, KEYLOCK_X_CTRL | MOD5 | MOD2 | KEYLOCK_X_LOCK));
	CHECK(in(v, n, KEYLOCK_X_CTRL | MOD3));
	/* Never without Ctrl: AltGr+n alone, a letter typed on some layouts, goes through. */
	for (int i = 0; i < n; i++)
		CHECK(v[i] & KEYLOCK_X_CTRL);
	CHECK(!in(v, n, MOD5));
	/* Each once. */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			CHECK(v[i] != v[j]);
	/* F12 alone: every state at all. */
	n = keylock_variants(0, v);
	CHECK(n == 256);
	CHECK(in(v, n, 0) && in(v, n, MOD5) && in(v, n, KEYLOCK_X_LOCK | MOD2));
	/* Alt+F (Mod1): AltGr+F (Mod5 only, a letter on some layouts) is not in it. */
	n = keylock_variants(MOD1, v);
	CHECK(n == 128 && in(v, n, MOD1 | MOD5) && !in(v, n, MOD5));
	/* AnyModifier covers every state by itself. */
	n = keylock_variants(KEYLOCK_X_ANY, v);
	CHECK(n == 1 && v[0] == KEYLOCK_X_ANY);
}

static void test_modified(void)
{
	uint16_t v[KEYLOCK_MAX_MASKS];
	/* Locks: CapsLock and NumLock (Mod2). A state is modified when anything else is held. */
	uint16_t locks = KEYLOCK_X_LOCK | MOD2;
	int n = keylock_modified(locks, v);
	CHECK(n == 256 - 4);
	CHECK(!in(v, n, 0) && !in(v, n, KEYLOCK_X_LOCK) && !in(v, n, MOD2) &&
	      !in(v, n, KEYLOCK_X_LOCK | MOD2));
	CHECK(in(v, n, KEYLOCK_X_SHIFT) && in(v, n, KEYLOCK_X_CTRL) && in(v, n, MOD1));
	CHECK(in(v, n, MOD5) && in(v, n, MOD5 | MOD2)); /* AltGr+click, with NumLock on */
	CHECK(in(v, n, MOD4) && in(v, n, MOD3));
	/* ScrollLock mapped to Mod3 is a lock: a click with it alone is a plain click. */
	n = keylock_modified(locks | MOD3, v);
	CHECK(n == 256 - 8 && !in(v, n, MOD3) && in(v, n, MOD3 | KEYLOCK_X_SHIFT));
	/* Enter on a link: the keys a modified Enter opens a window with. */
	bool ret = false, kp = false;
	for (size_t i = 0; i < keylock_n_modified_keys; i++) {
		ret = ret || keylock_modified_keys[i] == XKB_KEY_Return;
		kp = kp || keylock_modified_keys[i] == XKB_KEY_KP_Enter;
	}
	CHECK(ret && kp);
}

int main(void)
{
	test_lockdown_list_covered();
	test_real_mods();
	test_variants();
	test_modified();
	return TEST_DONE();
}
