/* test_keylock: the swallowed shortcuts cover LOCKDOWN.md §2, and each expands to the
 * CapsLock/NumLock variants a passive grab needs. */
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

static void test_variants(void)
{
	uint16_t v[4];
	int n = keylock_variants(KEYLOCK_X_CTRL, MOD2, v);
	CHECK(n == 4);
	CHECK(in(v, n, KEYLOCK_X_CTRL));
	CHECK(in(v, n, KEYLOCK_X_CTRL | KEYLOCK_X_LOCK));
	CHECK(in(v, n, KEYLOCK_X_CTRL | MOD2));
	CHECK(in(v, n, KEYLOCK_X_CTRL | KEYLOCK_X_LOCK | MOD2));
	/* F12 alone: no modifier, the lock ones only. */
	n = keylock_variants(0, MOD2, v);
	CHECK(n == 4);
	CHECK(in(v, n, 0) && in(v, n, KEYLOCK_X_LOCK) && in(v, n, MOD2) &&
	      in(v, n, KEYLOCK_X_LOCK | MOD2));
	/* A keyboard without NumLock: two variants, no duplicates. */
	n = keylock_variants(MOD1, 0, v);
	CHECK(n == 2);
	CHECK(in(v, n, MOD1) && in(v, n, MOD1 | KEYLOCK_X_LOCK));
	/* NumLock sharing Alt's modifier adds nothing. */
	n = keylock_variants(MOD1, MOD1, v);
	CHECK(n == 2);
	/* AnyModifier covers every state by itself. */
	n = keylock_variants(KEYLOCK_X_ANY, MOD2, v);
	CHECK(n == 1 && v[0] == KEYLOCK_X_ANY);
}

int main(void)
{
	test_lockdown_list_covered();
	test_real_mods();
	test_variants();
	return TEST_DONE();
}
