/* keylock: the browser shortcuts the kiosk swallows during a session (docs/lockdown.md §2), and
 * their expansion into the X modifier combinations a passive grab needs; the keys and the
 * modifier states in which a link opens elsewhere. Pure: no X here. */
#ifndef ESCALE_KEYLOCK_H
#define ESCALE_KEYLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Abstract modifiers of a shortcut; x.c maps ALT and SUPER to the real modifiers of the
 * keyboard mapping (Mod1 and Mod4 on every usual one). */
#define KEYLOCK_SHIFT 0x01u
#define KEYLOCK_CTRL  0x02u
#define KEYLOCK_ALT   0x04u
#define KEYLOCK_SUPER 0x08u
#define KEYLOCK_ANY   0x80u /* with any modifiers at all (the Super keys themselves) */

/* Core X modifier masks (X.h): ShiftMask, LockMask, ControlMask, Mod1..Mod5. */
#define KEYLOCK_X_SHIFT 0x0001u
#define KEYLOCK_X_LOCK  0x0002u
#define KEYLOCK_X_CTRL  0x0004u
#define KEYLOCK_X_ANY   0x8000u /* AnyModifier */

struct keylock_combo {
	uint32_t keysym;  /* the unshifted keysym (lower-case letters) */
	unsigned mods;    /* KEYLOCK_* */
	const char *name; /* "Ctrl+Shift+N", for logs and docs */
};

/* The forbidden shortcuts, in docs/lockdown.md's order, then the ones escale adds. */
extern const struct keylock_combo keylock_combos[];
extern const size_t keylock_n_combos;

/* The real modifier mask of MODS, given the masks of Alt and Super on this keyboard. */
uint16_t keylock_real_mods(unsigned mods, uint16_t alt_mask, uint16_t super_mask);

/* Every core modifier bit: Shift, Lock, Control, Mod1..Mod5. */
#define KEYLOCK_X_ALL 0x00ffu
/* At most this many masks come out of keylock_variants and keylock_modified. */
#define KEYLOCK_MAX_MASKS 256

/* The masks to grab so that the shortcut REAL is swallowed whatever else is held or locked:
 * REAL with every combination of the other seven core modifiers (CapsLock, NumLock,
 * ScrollLock, AltGr/ISO_Level3_Shift on Mod5, whatever the layout maps to Mod2..Mod5), so
 * that AltGr+Ctrl+N is Ctrl+N as far as the grab is concerned. AnyModifier stays alone.
 * Returns how many were written to OUT (at most KEYLOCK_MAX_MASKS). */
int keylock_variants(uint16_t real, uint16_t out[KEYLOCK_MAX_MASKS]);

/* The masks in which at least one modifier other than the locks LOCKS (CapsLock, NumLock,
 * ScrollLock as this keyboard maps them) is held: a click or Enter in any of them is a
 * "modified" one, which a browser turns into a new window or tab. */
int keylock_modified(uint16_t locks, uint16_t out[KEYLOCK_MAX_MASKS]);

/* Keys that a browser turns into a new window or tab when a modifier is held on a link
 * (Shift+Enter, Ctrl+Enter...): grabbed in every keylock_modified mask. */
extern const uint32_t keylock_modified_keys[];
extern const size_t keylock_n_modified_keys;

#endif
