/* ui_text: the "A+" panel over the session (textsize.h): four big size buttons, "A" to
 * "A+++" each in its own size, "Contraste élevé" on or off, and, when the sites' contrast is
 * not the kiosk's, what the browser's relaunch does and "Appliquer aux sites"; "Fermer". */
#include "ui.h"
#include "ui_draw.h"

#include <libintl.h>
#include <math.h>

#define _(s) gettext(s)

void ui_screen_text(cairo_t *cr, double w, double h, const struct ui_view *v, struct ui_hits *hits)
{
	double m = fmax(16, w * 0.05);
	draw_text(cr, _("Taille du texte et contraste"), m, h * 0.04, w - 2 * m, h * 0.1, h * 0.055,
		  T_BOLD | T_WRAP, C_HEAD);
	/* The sizes: the chosen one green with a check; each label in the size it gives. */
	static const char *const labels[TEXTSIZE_STEPS] = {"A", "A+", "A++", "A+++"};
	double gap = fmax(12, w * 0.02), bh = fmax(72, h * 0.16);
	double bw = fmin((w - 2 * m - 3 * gap) / 4, bh * 2.2);
	double x = (w - 4 * bw - 3 * gap) / 2, y = h * 0.17;
	for (int i = 0; i < TEXTSIZE_STEPS; i++) {
		bool on = v->text_step == i;
		struct draw_btn b = {labels[i],
				     on ? ICON_CHECK : ICON_NONE,
				     on ? C_GREEN : C_KEY,
				     on ? C_WHITE : C_INK,
				     on ? 0 : C_KEY_EDGE,
				     bh * (0.22 + 0.07 * i),
				     false};
		draw_button(cr, hits, x + i * (bw + gap), y, bw, bh, &b, UI_ACT_TEXT,
			    (char)(UI_TEXT_SIZE0 + i));
	}
	/* High contrast: on or off, said in words, not by colour alone. */
	double cw = fmin(w - 2 * m, bh * 6), cy = y + bh + h * 0.05;
	struct draw_btn c = {v->contrast ? _("Contraste élevé : oui") : _("Contraste élevé : non"),
			     v->contrast ? ICON_CHECK : ICON_NONE,
			     v->contrast ? C_GREEN : C_KEY,
			     v->contrast ? C_WHITE : C_INK,
			     v->contrast ? 0 : C_KEY_EDGE,
			     fmin(h * 0.04, bh * 0.3),
			     false};
	draw_button(cr, hits, (w - cw) / 2, cy, cw, bh * 0.8, &c, UI_ACT_TEXT, UI_TEXT_CONTRAST);
	double ty = cy + bh * 0.8 + h * 0.03;
	if (v->text_sites) {
		/* The consent: what the relaunch costs, before the button that does it. */
		draw_text(
			cr,
			v->contrast
				? _("Pour les sites aussi, le navigateur doit redémarrer : il "
				    "revient aux services et la page ouverte se ferme. Vos "
				    "documents restent.")
				: _("Les sites sont encore en contraste élevé. Pour les remettre "
				    "comme avant, le navigateur doit redémarrer : la page ouverte "
				    "se ferme."),
			m, ty, w - 2 * m, h * 0.12, h * 0.032, T_WRAP, C_INK);
		struct draw_btn s = {_("Appliquer aux sites"),  ICON_NEXT, C_BAR_BTN, C_WHITE, 0,
				     fmin(h * 0.035, bh * 0.3), false};
		draw_button(cr, hits, (w - cw) / 2, ty + h * 0.13, cw, bh * 0.7, &s, UI_ACT_TEXT,
			    UI_TEXT_SITES);
	}
	double fw = fmin(w - 2 * m, bh * 3.6), fh = fmax(64, h * 0.12);
	struct draw_btn f = {
		_("Fermer"), ICON_CHECK, C_GREEN, C_WHITE, 0, fmin(h * 0.04, fh * 0.32), false};
	draw_button(cr, hits, (w - fw) / 2, h - fh - h * 0.04, fw, fh, &f, UI_ACT_TEXT,
		    UI_TEXT_CLOSE);
}
