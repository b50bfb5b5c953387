/* ui: draws each screen and the session bar with cairo/pango from a view; no X here. */
#ifndef ESCALE_UI_H
#define ESCALE_UI_H

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

#include "view.h"

/* Something a touch or click can hit. */
enum ui_action {
	UI_ACT_NONE,
	UI_ACT_KEY, /* a keypad key: ui_hit.key is the character ('0'..'9', 'A'..'Z') */
	UI_ACT_ERASE,
	UI_ACT_OK,
	UI_ACT_LANG, /* a language of the welcome screen: ui_hit.key is its lang_at index */
	UI_ACT_HOME, /* bar buttons */
	UI_ACT_BACK,
	UI_ACT_END,
	UI_ACT_YES, /* confirm end */
	UI_ACT_NO,
	UI_ACT_CONTINUE,  /* idle prompt: "Je suis là" */
	UI_ACT_DISMISS,   /* close the desk message */
	UI_ACT_NOTICE_OK, /* the last warning's "J'ai compris" */
	UI_ACT_TOOL,      /* a tool of the bar: ui_hit.key is its enum ui_tool */
	UI_ACT_SCAN,      /* the scan screen: ui_hit.key is one of enum ui_scan_key */
	UI_ACT_USB,       /* the USB screen: ui_hit.key '0'.. a row of the page, or a ui_usb_key */
	UI_ACT_TEXT,      /* the "A+" panel: ui_hit.key is one of enum ui_text_key */
	UI_ACT_ACCOMPANY, /* a mediator's sign-in: ui_hit.key is one of enum ui_acc_key */
};

/* The USB screen's buttons besides its rows (UI_ACT_USB). */
enum ui_usb_key {
	UI_USB_COPY = 'c',  /* Copier */
	UI_USB_CLOSE = 'x', /* Annuler, OK, Fermer */
	UI_USB_PRINT = 'p', /* Imprimer (the one PDF copied) */
	UI_USB_PREV = '<',
	UI_USB_NEXT = '>',
};

/* The "A+" panel's buttons (UI_ACT_TEXT). */
enum ui_text_key {
	UI_TEXT_SIZE0 = '0',    /* "A", then '1' "A+", '2' "A++", '3' "A+++" */
	UI_TEXT_CONTRAST = 'c', /* Contraste élevé: on / off */
	UI_TEXT_SITES = 'w',    /* Appliquer aux sites (the browser relaunches) */
	UI_TEXT_CLOSE = 'x',    /* Fermer */
};

/* The mediator's sign-in's buttons (UI_ACT_ACCOMPANY). */
enum ui_acc_key {
	UI_ACC_OPEN = 'o',     /* "Session accompagnée" on the welcome screen */
	UI_ACC_NAME = 'n',     /* the name's field */
	UI_ACC_PASSWORD = 'p', /* the password's field */
	UI_ACC_OK = 'k',       /* Valider */
	UI_ACC_CANCEL = 'x',   /* Annuler */
	UI_ACC_KEYBOARD = 'b', /* Clavier: shows or hides the on-screen keyboard */
};

/* The scan screen's buttons (UI_ACT_SCAN). */
enum ui_scan_key {
	UI_SCAN_START = 's',  /* Numériser */
	UI_SCAN_COLOUR = 'c', /* Couleur */
	UI_SCAN_GRAY = 'g',   /* Gris */
	UI_SCAN_ADD = 'a',    /* Ajouter une page */
	UI_SCAN_RETAKE = 'r', /* Recommencer (the last page) */
	UI_SCAN_FINISH = 'f', /* Terminer */
	UI_SCAN_RETRY = 't',  /* Réessayer */
	UI_SCAN_PRINT = 'p',  /* Imprimer (the saved document) */
	UI_SCAN_IMAGES = 'j', /* Aussi en images (JPEG) */
	UI_SCAN_CLOSE = 'x',  /* Annuler, Fermer, OK */
};

/* The bar's tools, between "Retour" and the time: each feature that is on sets its bit in
 * the view's TOOLS; the kiosk acts on UI_ACT_TOOL. */
enum ui_tool {
	UI_TOOL_HELP,     /* "Aide": ask the desk for help */
	UI_TOOL_TEXT,     /* "A+": larger text, contrast */
	UI_TOOL_SPEAK,    /* "Écouter": read the screen aloud */
	UI_TOOL_KEYBOARD, /* "Clavier": the on-screen keyboard */
	UI_TOOL_SCAN,     /* "Numériser": scan a document */
	UI_TOOL_USB,      /* "Clé USB": copy documents from a USB key */
	UI_TOOL_COUNT
};
/* The tool's word in --status ("help", "text", "speak", "keyboard", "scan", "usb"). */
const char *ui_tool_word(enum ui_tool t);

#define UI_MAX_HITS 48

struct ui_hit {
	double x, y, w, h;
	enum ui_action action;
	char key;
};

struct ui_hits {
	struct ui_hit hit[UI_MAX_HITS];
	int n;
};

/* The height of one row of the session bar for a screen HEIGHT pixels high at 100 % (about
 * 7 %, at least 56). */
int ui_bar_height(int screen_height);
/* No text of the bar is drawn under this size at 100 % (and under its share of the text
 * size of "A+": 28 px at 200 %); a label takes two lines, or the tools a row of their own,
 * first. */
#define UI_BAR_FLOOR_PX 14.0
/* The height of the bar's rows for V on a screen W wide whose row is ROW_H (ui_bar_height):
 * taller with "A+", and with rows of tools under the first when they do not all fit in it
 * at a readable size (docs/kiosk.md). */
int ui_bar_rows_height(int w, int row_h, const struct ui_view *v);

/* Draws the cover screen V->screen filling W x H; fills HITS (may be NULL) in the same
 * coordinates. */
void ui_draw_screen(cairo_t *cr, int w, int h, const struct ui_view *v, struct ui_hits *hits);
/* The height of the panel under the bar's row (ROW_H high) that V's banner needs on a screen
 * W x SCREEN_H: 0 without a banner; else room for the whole text at a readable size. */
int ui_bar_panel_height(int w, int row_h, int screen_h, const struct ui_view *v);
/* Draws the session bar for a row ROW_H high at 100 % (ui_bar_height): its rows W x
 * ui_bar_rows_height (buttons, time, pages, tools), then PANEL_H of banner under them
 * (ui_bar_panel_height). */
void ui_draw_bar(cairo_t *cr, int w, int row_h, int panel_h, const struct ui_view *v,
		 struct ui_hits *hits);

struct osk_layout;
/* Draws the on-screen keyboard W x H (osk_height's), its letters in capitals while SHIFT is
 * on, and lays its keys out in L for the clicks. */
void ui_draw_keyboard(cairo_t *cr, int w, int h, bool shift, struct osk_layout *l);

/* Where the mediator's sign-in screen (UI_ACCOMPANY, W x H) draws its on-screen keyboard:
 * docked at its bottom, the whole width, osk_height high. Its keys are not hits: the kiosk
 * finds them with osk_layout (R's size) and osk_hit, as ui_draw_keyboard lays them out. */
void ui_accompany_keyboard_rect(int w, int h, struct osk_rect *r);

/* The hit under (X, Y), or NULL. */
const struct ui_hit *ui_hit_at(const struct ui_hits *hits, double x, double y);

/* The banner text of admind's print notice EVENT ("released", "printed",
 * "refused_quota", "refused_damaged", "jam", "cancelled", "refunded"...),
 * in the current language; false for an event it does not know. *CALM is set
 * when the notice asks nothing of the resident (pages printing, printed,
 * given back): shown green with a printer rather than as a warning. */
bool ui_print_notice(char *buf, size_t n, const char *event, int pages, int pages_left, bool *calm);

/* The welcome screen's message line for V (current language), in BUF (N bytes) or a
 * constant; NULL without a message. */
const char *ui_login_text(const struct ui_view *v, char *buf, size_t n);
/* Why the session ended, as the ending screen says it (current language), or NULL. */
const char *ui_end_text(const struct ui_view *v);
/* What the scan and USB screens say of their errors (read aloud too). */
const char *ui_scan_error_text(enum sf_error e);
const char *ui_usb_error_text(enum uf_error e);

/* Switches gettext to CODE's language (lang.h; French for an unknown code) through
 * LANGUAGE, for every later _() call. */
void ui_set_language(const char *code);
/* The language gettext follows now ("fr"...). */
const char *ui_language(void);
/* Sets up gettext (bindtextdomain "escale" in LOCALEDIR). */
void ui_init_i18n(void);

#endif
