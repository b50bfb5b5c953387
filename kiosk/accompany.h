/* accompany: the mediator's sign-in on the welcome screen (docs/kiosk.md "Accompanied
 * sessions"): the "Session accompagnée" button opens a screen asking a name and a password
 * (shown as dots), typed on the kiosk's keyboard, sent once to the network helper, the
 * answer shown. Everything typed is wiped when the screen closes, when admind answers and
 * after ACC_IDLE_MS untouched. Pure: no X, no socket; every input carries the clock. */
#ifndef ESCALE_ACCOMPANY_H
#define ESCALE_ACCOMPANY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "osk.h"
#include "wire.h"

#define ACC_NAME_MAX     256   /* bytes typed for the name: 64 characters of UTF-8 */
#define ACC_PASSWORD_MAX 256   /* bytes typed for the password */
#define ACC_IDLE_MS      90000 /* the screen closes (and forgets) after this long untouched */

enum acc_field { ACC_FIELD_NAME, ACC_FIELD_PASSWORD };

/* What the screen says under the fields. */
enum acc_msg {
	ACC_MSG_NONE,
	ACC_MSG_EMPTY,        /* "Tapez votre nom et votre mot de passe." */
	ACC_MSG_CHECKING,     /* "Vérification…" */
	ACC_MSG_BAD_LOGIN,    /* "Nom ou mot de passe incorrect." */
	ACC_MSG_NOT_MEDIATOR, /* "Ce compte ne peut pas accompagner une session." */
	ACC_MSG_WRONG_SITE,   /* "Ce compte n'accompagne pas sur ce site." */
	ACC_MSG_RATE_LIMITED, /* "Trop d'essais. Réessayez dans 0:42" */
	ACC_MSG_OFFLINE,      /* "Impossible hors ligne : utilisez un code de l'accueil." */
	ACC_MSG_ERROR,        /* "Problème technique." */
};

struct accompany {
	bool shown;
	enum acc_field field;
	char name[ACC_NAME_MAX + 1];
	char password[ACC_PASSWORD_MAX + 1];
	bool checking; /* the sign-in is with the helper: keys wait for the answer */
	enum acc_msg msg;
	int64_t lockout_until_ms;
	int64_t touched_ms;
	/* The on-screen keyboard drawn in the screen's bottom part (no X window, no XTest: its
	 * keys type here and nowhere else): whether the screen offers it, shown, Shift. */
	bool osk_offered;
	struct osk osk;
};

/* What a key of the on-screen keyboard did (acc_osk_press). */
enum acc_osk_out {
	ACC_OSK_NOTHING, /* a gap, an arrow, a key while admind checks */
	ACC_OSK_CHANGED, /* typed, erased, Shift, the other field, the keyboard closed */
	ACC_OSK_SUBMIT,  /* Entrée: as "Valider" (acc_submit) */
};

/* Opens the screen, empty, the name first; closes it, wiping what was typed. */
void acc_open(struct accompany *a, int64_t now_ms);
void acc_close(struct accompany *a);
/* Appends UTF8 (one key's text: printable characters, no control) to the field; false when
 * nothing changed (not shown, checking, a control character, the field full). */
bool acc_type(struct accompany *a, const char *utf8, int64_t now_ms);
/* Removes the field's last character (a whole UTF-8 sequence). */
bool acc_erase(struct accompany *a, int64_t now_ms);
/* Tab, or a tap on a field. */
void acc_focus(struct accompany *a, enum acc_field f, int64_t now_ms);
void acc_next_field(struct accompany *a, int64_t now_ms);
/* Enter or "Valider": true when the name and password are to be sent now (then acc_sent);
 * on the name with no password yet, moves to the password instead. */
bool acc_submit(struct accompany *a, int64_t now_ms, bool helper_up);
/* Whether the helper took them (if not, no answer will come). The password is wiped. */
void acc_sent(struct accompany *a, bool taken);
/* The helper's answer: accepted closes the screen (wiped); false when no check was out. */
bool acc_accepted(struct accompany *a);
bool acc_refused(struct accompany *a, enum wire_refusal why, int64_t retry_after, int64_t now_ms);
/* Time passes: the screen closes after ACC_IDLE_MS untouched, the pause ends; true when
 * the screen changed. */
bool acc_tick(struct accompany *a, int64_t now_ms);
/* Seconds of pause left (ACC_MSG_RATE_LIMITED), 0 when none. */
int acc_pause_seconds(const struct accompany *a, int64_t now_ms);
/* The screen offers its keyboard (keyboard.onscreen is not "never"), shown at once when
 * SHOWN; or not at all. */
void acc_osk_offer(struct accompany *a, bool offered, bool shown);
/* The screen's "Clavier" button: shows or hides the keyboard. */
void acc_osk_toggle(struct accompany *a, int64_t now_ms);
/* The mediator pressed the keyboard's key I (osk.h): a character types into the focused
 * field (its capital after Maj), Effacer erases, Tab moves on, Fermer hides the keyboard. */
enum acc_osk_out acc_osk_press(struct accompany *a, int i, int64_t now_ms);
/* Characters (not bytes) of the password: the dots shown. */
int acc_dots(const struct accompany *a);

#endif
