/* keylock: the browser shortcuts the kiosk swallows during a session (LOCKDOWN.md §2), and
 * their expansion into the X modifier combinations a passive grab needs. Pure: no X here. */
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

/* The forbidden shortcuts, in LOCKDOWN.md's order, then the ones escale adds. */
extern const struct keylock_combo keylock_combos[];
extern const size_t keylock_n_combos;

/* The real modifier mask of MODS, given the masks of Alt and Super on this keyboard. */
uint16_t keylock_real_mods(unsigned mods, uint16_t alt_mask, uint16_t super_mask);

/* The masks to grab so that the shortcut REAL works whatever the state of CapsLock and
 * NumLock: REAL, REAL|Lock, REAL|NUMLOCK, REAL|Lock|NUMLOCK, without duplicates (NUMLOCK
 * may be 0: no NumLock key). AnyModifier stays alone. Returns how many were written. */
int keylock_variants(uint16_t real, uint16_t numlock_mask, uint16_t out[4]);

#endif
