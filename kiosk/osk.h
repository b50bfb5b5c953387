/* osk: the on-screen keyboard's decisions, pure (no X, no drawing): its AZERTY layout (rows,
 * key widths, hit-testing), what each key sends, its Shift state and when it shows
 * (keyboard.onscreen). ui_keyboard.c draws it, x.c types what it sends. */
#ifndef ESCALE_OSK_H
#define ESCALE_OSK_H

#include <stdbool.h>
#include <stdint.h>

#define OSK_ROWS     6
#define OSK_MAX_KEYS 72
#define OSK_MAX_SYMS 4  /* keysyms one key sends (".com") */
#define OSK_MIN_KEY  56 /* key height at least, in pixels */

enum osk_kind {
	OSK_CHAR,  /* sends its keysyms (a letter: its capital with Shift) */
	OSK_SHIFT, /* the next letter is a capital */
	OSK_CLOSE, /* "Fermer le clavier" */
};

struct osk_key {
	const char *label;       /* as drawn (a letter in lower case); NULL: its text's */
	const char *label_shift; /* drawn when Shift is on; NULL: the label */
	uint32_t syms[OSK_MAX_SYMS];
	uint32_t shift_sym; /* a letter's capital; 0: Shift changes nothing */
	int units;          /* width in quarters of a letter key */
	enum osk_kind kind;
	int row;
	bool special; /* a function key (drawn darker): Effacer, Entrée, Maj, arrows... */
};

struct osk_rect {
	double x, y, w, h;
};

/* The keys laid out in a keyboard W x H (osk_height's). */
struct osk_layout {
	struct osk_rect r[OSK_MAX_KEYS];
	int n;
	double key_h; /* a key's height */
};

/* What a press asked for. */
enum osk_out {
	OSK_NOTHING = 0,
	OSK_TYPE = 1,   /* type the keysyms filled in */
	OSK_REDRAW = 2, /* Shift changed */
	OSK_HIDE = 4,   /* close the keyboard */
};

enum osk_mode { OSK_AUTO, OSK_ALWAYS, OSK_NEVER };

struct osk {
	bool shown;
	bool shift; /* one press: the next letter is a capital */
};

int osk_count(void);
const struct osk_key *osk_key(int i);

/* The keyboard's height on a screen W x H: six rows of keys at least OSK_MIN_KEY high
 * (more on bigger screens), with their gaps. */
int osk_height(int screen_w, int screen_h);
/* Lays the keys out in W x H: the rows stacked, each centred, the widest filling W. */
void osk_layout(int w, int h, struct osk_layout *l);
/* The key under (X, Y), or -1 (a gap, outside). */
int osk_hit(const struct osk_layout *l, double x, double y);

/* The keysyms key I sends with SHIFT into SYMS (OSK_MAX_SYMS); how many (0: none). */
int osk_syms(int i, bool shift, uint32_t *syms);
/* Every keysym a key may send, with Shift or without, into SYMS (at most MAX); how many. */
int osk_all_syms(uint32_t *syms, int max);
/* The resident pressed key I: fills SYMS and *N for OSK_TYPE; Shift goes off after a
 * letter. */
unsigned osk_press(struct osk *o, int i, uint32_t *syms, int *n);
/* The session ended: hidden, Shift off. */
void osk_reset(struct osk *o);

/* "auto", "always", "never" into *M; false for anything else. */
bool osk_mode_parse(const char *s, enum osk_mode *m);
/* Shown at a session's start: ALWAYS, or AUTO when the PC has no keyboard. */
bool osk_at_start(enum osk_mode m, bool has_keyboard);
/* Whether a name of /dev/input/by-path or by-id is a keyboard's event device (udev names
 * them "...-event-kbd"). */
bool osk_is_kbd_name(const char *name);

#endif
