/* ui_keyboard: draws the on-screen keyboard from osk.c's layout: large keys, dark ink on
 * white for the characters, white on blue for the function keys, Maj yellow while on. */
#include <libintl.h>
#include <math.h>
#include <string.h>

#include "osk.h"
#include "ui.h"
#include "ui_draw.h"

#define _(s) gettext(s)

/* A function key's word in the current language; a character's label as it is. */
static const char *key_label(const struct osk_key *k, bool shift)
{
	if (k->kind == OSK_SHIFT)
		return _("Maj");
	if (k->kind == OSK_CLOSE)
		return _("Fermer le clavier");
	if (strcmp(k->label, "Effacer") == 0)
		return _("Effacer");
	if (strcmp(k->label, "Entrée") == 0)
		return _("Entrée");
	if (strcmp(k->label, "Espace") == 0)
		return _("Espace");
	return shift && k->label_shift ? k->label_shift : k->label;
}

void ui_draw_keyboard(cairo_t *cr, int w, int h, bool shift, struct osk_layout *l)
{
	draw_rgb(cr, C_BAR);
	cairo_paint(cr);
	osk_layout(w, h, l);
	for (int i = 0; i < l->n; i++) {
		const struct osk_key *k = osk_key(i);
		const struct osk_rect *r = &l->r[i];
		bool on = k->kind == OSK_SHIFT && shift;
		struct draw_btn b = {
			.label = key_label(k, shift),
			.icon = k->kind == OSK_CLOSE               ? ICON_NONE
				: strcmp(k->label, "Effacer") == 0 ? ICON_ERASE
								   : ICON_NONE,
			.fill = on           ? C_YELLOW
				: k->special ? C_BAR_BTN
					     : C_WHITE,
			.ink = on || !k->special ? C_INK : C_WHITE,
			.edge = on ? C_INK : 0,
			/* Characters big; words smaller, to fit their key. */
			.px = l->key_h * (k->special ? 0.36 : 0.5),
		};
		draw_button(cr, NULL, r->x, r->y, r->w, r->h, &b, UI_ACT_NONE, 0);
	}
}
