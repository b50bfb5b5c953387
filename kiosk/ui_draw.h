/* ui_draw: the drawing kit of the ui screens: palette, text that fits, buttons, pictograms. */
#ifndef ESCALE_UI_DRAW_H
#define ESCALE_UI_DRAW_H

#include "ui.h"

#include <cairo.h>
#include <stdint.h>

/* Dark ink on a light background, white on saturated buttons: every pair is >= 4.5:1. */
enum {
	C_BG = 0xF2F4F7,
	C_INK = 0x111827,
	C_MUTED = 0x404B5C,
	C_HEAD = 0x1E3A6E,
	C_WHITE = 0xFFFFFF,
	C_KEY = 0xE8ECF2, /* secondary keys (Effacer) */
	C_KEY_EDGE = 0x5B6B82,
	C_KEY_SHADOW = 0xB9C2CF,
	C_OFF_FILL = 0xE2E6EC,
	C_OFF_INK = 0x9AA2AE,
	C_GREEN = 0x1B7A3A,
	C_RED = 0xC0262D,
	C_ERR = 0xB3261E,
	C_ORANGE = 0xF5A524,
	C_YELLOW = 0xFFD43B,
	C_BAR = 0x14213D,
	C_BAR_BTN = 0x34508A,
	C_BAR_MUTED = 0xB4C2DA,
	C_CURSOR = 0x2563EB,
};

/* Text flags: bold; wrapped on several lines; aligned left instead of centred; centred on the
 * ink (for a single big character) rather than on the line. */
enum { T_BOLD = 1, T_WRAP = 2, T_LEFT = 4, T_INK = 8 };

enum ui_icon {
	ICON_NONE,
	ICON_HOUSE,     /* Accueil */
	ICON_BACK,      /* Retour: arrow to the left */
	ICON_NEXT,      /* continuer: triangle to the right */
	ICON_CLOCK,     /* time left, opening hours */
	ICON_PRINTER,   /* pages left */
	ICON_CHECK,     /* OK */
	ICON_ERROR,     /* a cross in a disc */
	ICON_WARNING,   /* an exclamation mark in a triangle */
	ICON_OK_CIRCLE, /* a check in a disc */
	ICON_HOURGLASS, /* checking */
	ICON_LOCK,      /* out of service */
	ICON_ERASE,     /* the ⌫ key */
	ICON_EXIT,      /* Terminer: a door and an arrow out */
	ICON_GLOBE,     /* a globe (the web) */
	ICON_OFFLINE,   /* wifi arcs struck through */
	ICON_HAND,      /* Je suis là */
};

struct draw_btn {
	const char *label; /* NULL: icon only */
	enum ui_icon icon;
	uint32_t fill, ink, edge; /* edge 0: none */
	double px;                /* label size; 0: 40 % of the height */
	bool off;                 /* greyed out, no hit */
};

void draw_rgb(cairo_t *cr, uint32_t colour);
/* The text's size (PERCENT, 100 = as designed; text still shrinks to fit its box) and high
 * contrast (yellow on black) for what is drawn next: ui_draw_screen and ui_draw_bar set
 * them from their view. */
void draw_set_style(int percent, bool contrast);
/* Right to left: from now on every box's x is mirrored in WIDTH (0: no more), so that what
 * is drawn at the left shows at the right; text in them aligns right, in a right-to-left
 * paragraph, and arrows point left to right. Returns the previous width (to restore it). */
double draw_set_mirror(double width);
bool draw_mirrored(void);
/* Where the box X .. X + W shows (X itself when not mirrored). */
double draw_mirror_x(double x, double w);

/* How a text was fitted in its box, for the audit (tests): WANT px asked, USED px drawn (it
 * shrinks to fit), its extents TW x TH in the box W x H, and the glyphs no font had. */
struct draw_fit {
	const char *s;
	double w, h, want, used, tw, th;
	int unknown;
};
struct draw_audit {
	void (*fn)(void *arg, const struct draw_fit *f);
	void *arg;
};
/* Calls A's function for each text drawn from now on (NULL: stops). */
void draw_set_audit(const struct draw_audit *a);

/* Adds a rectangle with corners rounded by R to the path (mirrored, see draw_set_mirror). */
void draw_rrect(cairo_t *cr, double x, double y, double w, double h, double r);
/* Draws ICON in the square X, Y, S x S. */
void draw_icon(cairo_t *cr, enum ui_icon icon, double x, double y, double s, uint32_t colour);

struct lang;
/* L's flag (or its letter on a plain tile: lang.h's marks) in the box X, Y, W x H; a flag is
 * never mirrored. */
void draw_flag(cairo_t *cr, const struct lang *l, double x, double y, double w, double h);

/* Width that S takes at PX pixels, shrunk to at most W x H. */
double draw_text_width(cairo_t *cr, const char *s, double px, int flags, double w, double h);
/* Height that S takes at PX pixels wrapped in width W. */
double draw_text_height(cairo_t *cr, const char *s, double px, int flags, double w);
/* Draws S in the box X, Y, W, H (centred vertically, and horizontally unless T_LEFT),
 * shrinking it until it fits; returns the width used. */
double draw_text(cairo_t *cr, const char *s, double x, double y, double w, double h, double px,
		 int flags, uint32_t colour);
/* ICON before S (bold, wrapped), both centred as a block in the box X, Y, W, H. */
void draw_icon_text(cairo_t *cr, enum ui_icon icon, const char *s, double x, double y, double w,
		    double h, double px, uint32_t colour);

/* A button with a shadow, an icon and a label; adds its hit (ACTION, KEY) to HITS unless off. */
void draw_button(cairo_t *cr, struct ui_hits *hits, double x, double y, double w, double h,
		 const struct draw_btn *b, enum ui_action action, char key);
void draw_hit(struct ui_hits *hits, double x, double y, double w, double h, enum ui_action action,
	      char key);

/* The scan screen (ui_scan.c) W x H. */
void ui_screen_scan(cairo_t *cr, double w, double h, const struct ui_view *v, struct ui_hits *hits);
void ui_screen_text(cairo_t *cr, double w, double h, const struct ui_view *v, struct ui_hits *hits);

/* The mediator's sign-in screen (ui_accompany.c) W x H, and its button on the welcome
 * screen in the box X, Y, W, H. */
void ui_screen_accompany(cairo_t *cr, double w, double h, const struct ui_view *v,
			 struct ui_hits *hits);
void ui_accompany_button(cairo_t *cr, double x, double y, double w, double h, struct ui_hits *hits);

/* The USB copy screen (ui_usb.c) W x H. */
void ui_screen_usb(cairo_t *cr, double w, double h, const struct ui_view *v, struct ui_hits *hits);

#endif
