/* lang: the kiosk's languages (the nine of docs/kiosk.md, "Languages"): each one's code, its
 * own name, its direction, its read-aloud voice and what Chromium and the C library call it.
 * Pure: a table and look-ups. */
#ifndef ESCALE_LANG_H
#define ESCALE_LANG_H

#include <stdbool.h>
#include <stddef.h>

#define LANG_COUNT    9
#define LANG_CODE_MAX 3 /* "fr" and its '\0' */

/* How the welcome screen marks a language besides its name (ui_draw.c draws them). */
enum lang_mark {
	LANG_MARK_FR,     /* blue, white, red: vertical bands */
	LANG_MARK_GB,     /* the Union flag */
	LANG_MARK_LETTER, /* no flag: the language's first letter on a plain tile */
	LANG_MARK_ES,     /* red, yellow, red: horizontal, the yellow twice as wide */
	LANG_MARK_PT,     /* green, red: vertical, 2 to 3, with a yellow disc */
	LANG_MARK_TR,     /* red with a white crescent and star */
	LANG_MARK_RO,     /* blue, yellow, red: vertical bands */
	LANG_MARK_UA,     /* blue over yellow */
};

struct lang {
	const char *code;     /* "ar": gettext's catalogue (po/ar.po), --status, kiosk.conf */
	const char *name;     /* in the language itself: "العربية" */
	bool rtl;             /* written right to left: screens laid out mirrored */
	const char *voice;    /* espeak-ng's voice ("%l" of speech.command) */
	const char *chromium; /* Chromium's --lang and navigator.language: "pt-PT" */
	const char *accept;   /* Chromium's Accept-Language list: "ar,fr,en" */
	const char *language; /* the browser's LANGUAGE: "pt_PT:pt" */
	enum lang_mark mark;
	const char *letter; /* LANG_MARK_LETTER: the letter drawn ("ع") */
};

/* The I-th language (0 .. LANG_COUNT - 1, in the welcome screen's default order), or NULL. */
const struct lang *lang_at(int i);
/* The language of CODE ("fr", "ar"...), or NULL when it is not one of the nine. */
const struct lang *lang_find(const char *code);
/* Its index in lang_at's order, or -1. */
int lang_index(const char *code);
/* CODE's language, or French's when CODE is not one (never NULL). */
const struct lang *lang_or_default(const char *code);
/* Whether CODE is written right to left (false for an unknown code). */
bool lang_rtl(const char *code);

#endif
