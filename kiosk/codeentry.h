/* codeentry: the code a resident types on the welcome screen: keys taken as digits (or
 * letters), erased, checked once with the network helper, the answer shown, the pause
 * after too many wrong codes, the digits forgotten after a minute. Pure: no X, no socket;
 * every input carries the clock (monotonic ms), and the shell sends what it is told to. */
#ifndef ESCALE_CODEENTRY_H
#define ESCALE_CODEENTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

#define CE_TYPED_CLEAR_MS 60000 /* typed digits are forgotten after this long untouched */
#define CE_RETRY_DEFAULT  30    /* seconds of pause when admind names none */

/* What the welcome screen says under the code. */
enum ui_login_msg {
	UI_MSG_NONE,
	UI_MSG_CHECKING,      /* request in flight: "Vérification…" */
	UI_MSG_UNKNOWN,       /* "Code inconnu. Vérifiez votre ticket." */
	UI_MSG_EXPIRED,       /* "Ce code a expiré. Demandez un nouveau code à l'accueil." */
	UI_MSG_USED_UP,       /* "Ce code n'a plus de temps." */
	UI_MSG_REVOKED,       /* "Ce code a été annulé." */
	UI_MSG_IN_USE,        /* "Ce code est utilisé sur un autre poste." */
	UI_MSG_RATE_LIMITED,  /* "Trop d'essais. Réessayez dans 0:42" (lockout_seconds) */
	UI_MSG_TOO_SHORT,     /* "Le code a 8 chiffres." */
	UI_MSG_KIOSK_REFUSED, /* "Ce poste n'est pas autorisé. Adressez-vous à l'accueil." */
	UI_MSG_ERROR,         /* "Problème technique. Adressez-vous à l'accueil." */
	UI_MSG_GOODBYE,       /* after a session: "Vos données sont effacées. Au revoir !" */
};

struct code_entry {
	int length; /* characters of a code (kiosk.conf code_length) */
	bool alnum; /* codes have letters too */
	char typed[WIRE_CODE_MAX + 1];
	int64_t typed_at_ms;
	enum ui_login_msg msg;
	int64_t lockout_until_ms;
	int64_t tries_left; /* UI_MSG_UNKNOWN: wrong codes before a pause (0: not known) */
	bool checking;      /* the code is with the helper: keys wait for the answer */
	bool refused;       /* TYPED is the code just refused, kept to compare with the ticket:
			* the first key starts a new one */
};

/* What the shell does after an input, OR-ed. */
enum {
	CE_REDRAW = 1 << 0, /* the welcome screen changed */
	CE_SUBMIT = 1 << 1, /* the code is complete: ce_submit it */
	CE_TYPED = 1 << 2,  /* the resident typed: the goodbye of the last session goes */
};

void ce_init(struct code_entry *ce, int length, bool alnum);

/* The character a key gives for a code (0: none): digits (also the keypad's, and
 * AZERTY's unshifted digit row &é"'(-è_çà), letters upper-cased when codes have them. */
char ce_key_char(const struct code_entry *ce, uint32_t keysym, const char *utf8);

unsigned ce_type(struct code_entry *ce, char ch, int64_t now_ms);
unsigned ce_erase(struct code_entry *ce, int64_t now_ms);
unsigned ce_clear(struct code_entry *ce);
/* OK pressed or the last digit typed. True: send ce->typed to the helper now (then
 * ce_sent); false: nothing to send (too short, a check already out, a pause, no helper:
 * the message says so). */
bool ce_submit(struct code_entry *ce, int64_t now_ms, bool helper_up);
/* Whether the helper took the code: if not, no answer will come. */
void ce_sent(struct code_entry *ce, bool taken);

/* The helper's answer. ce_accepted: false when no check was out (a late answer). */
bool ce_accepted(struct code_entry *ce);
/* RETRY_AFTER: the pause, after WIRE_REFUSED_RATE; TRIES_LEFT: wrong codes before one,
 * after WIRE_REFUSED_UNKNOWN (0: not known). */
bool ce_refused(struct code_entry *ce, enum wire_refusal why, int64_t retry_after,
		int64_t tries_left, int64_t now_ms);
/* The desk lifted the pause after wrong codes: the keypad works again. True when
 * there was one. */
bool ce_unpause(struct code_entry *ce);
/* The helper went away: a check it had is lost. */
void ce_helper_lost(struct code_entry *ce);

/* Time passes: typed digits forgotten after CE_TYPED_CLEAR_MS; true when the screen
 * changed. */
bool ce_tick(struct code_entry *ce, int64_t now_ms);
/* Milliseconds until the pause's countdown or, when the welcome screen shows (WELCOME),
 * ce_tick has something to show; -1: never. */
int64_t ce_next_deadline_ms(const struct code_entry *ce, int64_t now_ms, bool welcome);

bool ce_paused(const struct code_entry *ce, int64_t now_ms);
/* Whole seconds of pause left, rounded up (0: none). */
int ce_pause_seconds(const struct code_entry *ce, int64_t now_ms);
/* The message to show now (the pause's while it lasts; once it is over, none). */
enum ui_login_msg ce_message(struct code_entry *ce, int64_t now_ms);

#endif
