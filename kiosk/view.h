/* view: what the screens and the session bar show, built from the state machine, the code
 * entry and the clock; pure (no X, no cairo): ui.c draws it, --status reads it. */
#ifndef ESCALE_VIEW_H
#define ESCALE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accompany.h"
#include "codeentry.h"
#include "lang.h"
#include "scanflow.h"
#include "textsize.h"
#include "usbflow.h"
#include "session.h"

/* What a cover window shows. The bar is drawn separately (ui_draw_bar). */
enum ui_screen {
	UI_CLOSED,      /* outside opening hours */
	UI_LOGIN,       /* welcome, keypad */
	UI_LOCKED,      /* out of service */
	UI_ENDING,      /* "Vos données sont effacées" */
	UI_CONFIRM_END, /* during a session: "Terminer ?" Oui / Non */
	UI_IDLE,        /* during a session: "Êtes-vous toujours là ?" + countdown */
	UI_NOTICE,      /* during a session: the last warning, to dismiss ("J'ai compris") */
	UI_UNAVAILABLE, /* instead of the welcome: the network check fails, no code taken */
	UI_SCAN,        /* during a session: "Numériser un document" (scanflow.h) */
	UI_USB,         /* during a session: "Copier des documents depuis la clé" (usbflow.h) */
	UI_TEXT,        /* during a session: the "A+" panel (textsize.h) */
	UI_ACCOMPANY,   /* instead of the welcome: a mediator's name and password (accompany.h) */
};

/* Everything a screen shows. */
struct ui_view {
	enum ui_screen screen;
	const char *centre;    /* centre name, top of the welcome screen */
	const char *lang;      /* the language shown: lang.h's code ("fr", "ar") */
	bool rtl;              /* written right to left: the welcome screen and the bar mirrored */
	int langs[LANG_COUNT]; /* the languages offered (lang_at indexes), in order */
	int n_langs;
	bool alnum;         /* keypad with letters (codes.alphabet alnum) */
	int code_len;       /* expected length (8), to show placeholders */
	const char *typed;  /* characters typed so far (no spaces) */
	bool typed_refused; /* TYPED is the code just refused (shown as such) */
	enum ui_login_msg msg;
	int lockout_seconds; /* UI_MSG_RATE_LIMITED countdown */
	int tries_left;      /* UI_MSG_UNKNOWN: wrong codes before a pause (0: not known) */
	const char *
		hours_today; /* "9h00 – 12h00, 14h00 – 18h00", "" when closed today, NULL always open */
	const char
		*next_open; /* UI_CLOSED: "lundi 24 novembre à 9h00" (already localised), or NULL */
	const char *lock_text; /* UI_LOCKED: the desk's text, may be NULL or "" */
	int idle_seconds;      /* UI_IDLE countdown */
	enum sm_notice notice; /* UI_NOTICE: which */
	int notice_minutes;
	bool has_end_reason; /* UI_ENDING: why the session ended */
	enum sm_reason end_reason;
	bool online; /* false: a small "hors ligne" mark (still works) */

	/* The bar */
	int seconds_left;       /* what the resident really has (the code's, or to closing) */
	const char *closing_at; /* "18h00" when closing time limits it, else NULL */
	/* An accompanied session: its mediator's name, shown instead of the time left (the
	 * closing time only); NULL for a resident's session. */
	const char *accompanied_by;
	int pages_left;     /* < 0: no printing, hide */
	const char *banner; /* warning or desk message shown in the bar, NULL if none */
	bool banner_urgent; /* red instead of yellow */
	bool banner_calm;   /* green with a printer: a print notice that asks nothing */
	bool banner_dismissable;
	unsigned tools;      /* the bar's tools shown: bits 1 << enum ui_tool */
	unsigned tools_on;   /* those shown pressed (a keyboard open, sound on...) */
	enum wire_help help; /* the resident's call for help: "Aide" reads "Annuler la demande" */
	bool banner_help;    /* the banner is the call's state (a hand, not a printer) */
	int text_step;       /* "A+": textsize.h's step (0: 100 %) */
	int text_percent;    /* the text's size, 100..200 (0 counts as 100) */
	bool contrast;       /* high contrast: yellow on black */
	bool text_sites;     /* UI_TEXT: "Appliquer aux sites" offered (textsize_offer_sites) */

	/* UI_SCAN */
	struct scanflow scan;
	const char *scan_preview; /* the last page's preview (PNG file), NULL if none */
	const char *scan_saved;   /* the saved document's name (SF_DONE) */

	/* UI_USB */
	struct usbflow usb;
	const struct usb_entry *usb_entries; /* usb.n of them */

	/* UI_LOGIN: the discreet "Session accompagnée" button; UI_ACCOMPANY: its screen */
	bool accompany_button;
	const char *acc_name;     /* the name typed */
	int acc_dots;             /* the password's characters, shown as dots */
	enum acc_field acc_field; /* where the keys go */
	enum acc_msg acc_msg;
	int acc_pause_seconds; /* ACC_MSG_RATE_LIMITED countdown */
	bool acc_checking;
	bool acc_keyboard_button; /* "Clavier": shows or hides the keyboard */
	bool acc_keyboard;        /* the on-screen keyboard in the screen's bottom part */
	bool acc_shift;           /* its Maj */
};

/* What view_build needs besides the state machine. */
struct view_in {
	const struct sm *sm;
	const struct sm_clock *clock;
	const char *centre;
	const char *lang; /* lang.h's code; NULL: French */
	const int *langs; /* the languages offered (lang_at indexes), N_LANGS of them */
	int n_langs;
	bool alnum, online;
	int code_len;
	const char *typed;
	bool typed_refused;
	enum ui_login_msg msg;       /* ce_message */
	int lockout_seconds;         /* ce_pause_seconds */
	int64_t tries_left;          /* code_entry's */
	const char *hours_today;     /* NULL: always open */
	const char *next_open;       /* "" or NULL: none */
	const char *closing_at;      /* "18h00": the closing time of today, or NULL */
	bool unavailable;            /* the network check fails (proxy.enforce): no welcome */
	unsigned tools, tools_on;    /* the bar's tools (ui_view) */
	enum wire_help help;         /* the call for help (helpreq.h) */
	const struct textsize *text; /* "A+" (textsize.h), NULL: the start */
	const struct scanflow *scan; /* the scan flow, NULL: none */
	const char *scan_preview, *scan_saved;
	const struct usbflow *usb; /* the USB copy flow, NULL: none */
	const struct usb_entry *usb_entries;
	const struct accompany *acc; /* the mediator's sign-in, NULL: none */
};

/* V from IN; the banner's words go to BANNER (BN bytes), which V points to. */
void view_build(const struct view_in *in, struct ui_view *v, char *banner, size_t bn);

/* "aujourd'hui à 9h00", "demain à 9h00", "lundi 24/11 à 9h00" (current language) for the
 * opening at NEXT (wall seconds) seen at NOW; "" when NEXT is INT64_MAX. */
void view_next_open(char *buf, size_t n, int64_t now, int64_t next);

#endif
