/* ui_accompany: the mediator's sign-in (accompany.h): the discreet button of the welcome
 * screen, and the screen asking a name and a password (shown as dots) typed on the kiosk's
 * keyboard, with "Annuler" and "Valider". */
#include "ui.h"
#include "ui_draw.h"

#include <libintl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "osk.h"

#define _(s) gettext(s)

void ui_accompany_button(cairo_t *cr, double x, double y, double w, double h, struct ui_hits *hits)
{
	double bh = h * 0.72;
	struct draw_btn b = {
		_("Session accompagnée"), ICON_LOCK, C_KEY, C_MUTED, C_KEY_EDGE, bh * 0.4, false};
	double bw = fmin(w, draw_text_width(cr, b.label, b.px, T_BOLD, w, bh) + bh * 1.6);
	draw_button(cr, hits, x, y + (h - bh) / 2, bw, bh, &b, UI_ACT_ACCOMPANY, UI_ACC_OPEN);
}

/* A field: its label above, its box (blue edge when the keys go to it), its text. */
static void field(cairo_t *cr, struct ui_hits *hits, double x, double y, double w, double h,
		  const char *label, const char *text, bool focused, char key)
{
	double lh = h * 0.45;
	draw_text(cr, label, x, y, w, lh, lh * 0.7, T_LEFT | T_BOLD, C_INK);
	y += lh;
	draw_rgb(cr, C_WHITE);
	draw_rrect(cr, x, y, w, h, h * 0.15);
	cairo_fill_preserve(cr);
	draw_rgb(cr, focused ? C_CURSOR : C_KEY_EDGE);
	cairo_set_line_width(cr, focused ? 4 : 2);
	cairo_stroke(cr);
	double tw = draw_text(cr, text, x + h * 0.3, y, w - h * 0.6, h, h * 0.5, T_LEFT, C_INK);
	if (focused) {
		draw_rgb(cr, C_CURSOR);
		/* The caret after the text: at its left, right to left (it was drawn
		 * unmirrored, over the other field, before the fields sat side by side). */
		cairo_rectangle(cr, draw_mirror_x(x + h * 0.3 + tw + 3, 3), y + h * 0.2, 3,
				h * 0.6);
		cairo_fill(cr);
	}
	draw_hit(hits, x, y, w, h, UI_ACT_ACCOMPANY, key);
}

static const char *message(const struct ui_view *v, char *buf, size_t n, uint32_t *col)
{
	*col = C_ERR;
	switch (v->acc_msg) {
	case ACC_MSG_NONE:
		*col = C_MUTED;
		return _("Réservé au personnel : tapez votre nom et votre mot de passe, ou un code "
			 "de session accompagnée sur l'écran d'accueil.");
	case ACC_MSG_EMPTY:
		return _("Tapez votre nom et votre mot de passe.");
	case ACC_MSG_CHECKING:
		*col = C_INK;
		return _("Vérification…");
	case ACC_MSG_BAD_LOGIN:
		return _("Nom ou mot de passe incorrect.");
	case ACC_MSG_NOT_MEDIATOR:
		return _("Ce compte ne peut pas accompagner une session.");
	case ACC_MSG_WRONG_SITE:
		return _("Ce compte n'accompagne pas sur ce site.");
	case ACC_MSG_RATE_LIMITED:
		snprintf(buf, n, _("Trop d'essais. Réessayez dans %d:%02d"),
			 v->acc_pause_seconds / 60, v->acc_pause_seconds % 60);
		return buf;
	case ACC_MSG_OFFLINE:
		return _("Impossible hors ligne : demandez un code de session accompagnée à "
			 "l'accueil quand le réseau reviendra.");
	case ACC_MSG_ERROR:
		break;
	}
	return _("Problème technique. Adressez-vous à l'accueil.");
}

void ui_accompany_keyboard_rect(int w, int h, struct osk_rect *r)
{
	int kh = osk_height(w, h);
	*r = (struct osk_rect){0, h - kh, w, kh};
}

/* The keyboard docked at the bottom, left to right in every language (its keys are where
 * they are on a French keyboard); drawn by the screen itself, so that a key pressed types
 * into the sign-in and nowhere else. */
static void keyboard(cairo_t *cr, double w, double h, const struct ui_view *v)
{
	struct osk_rect r;
	ui_accompany_keyboard_rect((int)w, (int)h, &r);
	struct osk_layout l;
	double mirror = draw_set_mirror(0);
	cairo_save(cr);
	cairo_translate(cr, r.x, r.y);
	cairo_rectangle(cr, 0, 0, r.w, r.h);
	cairo_clip(cr);
	ui_draw_keyboard(cr, (int)r.w, (int)r.h, v->acc_shift, &l);
	cairo_restore(cr);
	draw_set_mirror(mirror);
}

/* Where the screen's parts go in W x H: the whole height, or what the keyboard leaves, the
 * fields then side by side. */
struct acc_box {
	double x, cw; /* the column */
	double title_y, title_h;
	double field_y, field_h, field_w, field2_x, field2_y;
	double msg_y, msg_h, msg_px;
	double btn_y, btn_h;
};

static void layout(double w, double h, const struct ui_view *v, struct acc_box *b)
{
	double m = fmax(16, w * 0.05);
	if (!v->acc_keyboard) {
		b->cw = fmin(w - 2 * m, h * 1.1);
		b->x = (w - b->cw) / 2;
		b->field_h = fmax(48, h * 0.08);
		b->title_y = h * 0.06;
		b->title_h = h * 0.09;
		b->field_y = b->title_y + h * 0.12;
		b->field_w = b->cw;
		b->field2_x = b->x;
		b->field2_y = b->field_y + b->field_h * 1.45 + h * 0.03;
		b->msg_y = b->field2_y + b->field_h * 1.45 + h * 0.03;
		b->msg_h = h * 0.12;
		b->msg_px = fmax(18, h * 0.032);
		b->btn_h = fmax(64, h * 0.11);
		b->btn_y = h - b->btn_h - h * 0.05;
		return;
	}
	struct osk_rect k;
	ui_accompany_keyboard_rect((int)w, (int)h, &k);
	double top = k.y, gap = fmax(12, w * 0.02);
	b->cw = w - 2 * m;
	b->x = m;
	b->title_y = top * 0.03;
	b->title_h = top * 0.13;
	/* The field's box is FIELD_H; its label above takes 0.45 of it. */
	b->field_h = top * 0.2;
	b->field_y = b->title_y + b->title_h + top * 0.02;
	b->field_w = (b->cw - gap) / 2;
	b->field2_x = b->x + b->field_w + gap;
	b->field2_y = b->field_y;
	b->msg_y = b->field_y + b->field_h * 1.45 + top * 0.02;
	b->msg_h = top * 0.16;
	b->msg_px = fmax(14, top * 0.06);
	b->btn_h = top * 0.24;
	b->btn_y = top - b->btn_h - top * 0.03;
}

void ui_screen_accompany(cairo_t *cr, double w, double h, const struct ui_view *v,
			 struct ui_hits *hits)
{
	struct acc_box b;
	layout(w, h, v, &b);
	double x = b.x, cw = b.cw;
	draw_text(cr, _("Session accompagnée"), x, b.title_y, cw, b.title_h, b.title_h * 0.66,
		  T_BOLD, C_HEAD);
	field(cr, hits, x, b.field_y, b.field_w, b.field_h, _("Nom"),
	      v->acc_name ? v->acc_name : "", v->acc_field == ACC_FIELD_NAME, UI_ACC_NAME);
	char dots[3 * ACC_PASSWORD_MAX + 1] = "";
	for (int i = 0; i < v->acc_dots && i < ACC_PASSWORD_MAX; i++)
		strcat(dots, "\u2022"); /* • */
	field(cr, hits, b.field2_x, b.field2_y, b.field_w, b.field_h, _("Mot de passe"), dots,
	      v->acc_field == ACC_FIELD_PASSWORD, UI_ACC_PASSWORD);
	char buf[160];
	uint32_t col;
	const char *msg = message(v, buf, sizeof(buf), &col);
	draw_text(cr, msg, x, b.msg_y, cw, b.msg_h, b.msg_px, T_WRAP, col);
	/* Annuler, Clavier (when the screen offers its keyboard), Valider. */
	int n = v->acc_keyboard_button ? 3 : 2;
	double bh = b.btn_h, gap = fmax(12, w * 0.02), bw = (cw - (n - 1) * gap) / n;
	struct draw_btn cancel = {_("Annuler"), ICON_BACK, C_KEY, C_INK,
				  C_KEY_EDGE,   bh * 0.32, false};
	struct draw_btn kbd = {_("Clavier"),
			       ICON_NONE,
			       v->acc_keyboard ? C_YELLOW : C_KEY,
			       C_INK,
			       v->acc_keyboard ? C_INK : C_KEY_EDGE,
			       bh * 0.32,
			       v->acc_checking};
	struct draw_btn ok = {_("Valider"),
			      ICON_CHECK,
			      C_GREEN,
			      C_WHITE,
			      0,
			      bh * 0.32,
			      v->acc_checking || v->acc_pause_seconds > 0};
	draw_button(cr, hits, x, b.btn_y, bw, bh, &cancel, UI_ACT_ACCOMPANY, UI_ACC_CANCEL);
	if (n == 3)
		draw_button(cr, hits, x + bw + gap, b.btn_y, bw, bh, &kbd, UI_ACT_ACCOMPANY,
			    UI_ACC_KEYBOARD);
	draw_button(cr, hits, x + (n - 1) * (bw + gap), b.btn_y, bw, bh, &ok, UI_ACT_ACCOMPANY,
		    UI_ACC_OK);
	if (v->acc_keyboard)
		keyboard(cr, w, h, v);
}
