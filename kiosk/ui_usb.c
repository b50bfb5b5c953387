/* ui_usb: the "Copier des documents depuis la clé" screen over the session (usbflow.h):
 * the key's PDF and pictures as big rows to tap, pages of UF_PER_PAGE, "Copier". */
#include "ui.h"
#include "ui_draw.h"

#include <libintl.h>
#include <math.h>
#include <stdio.h>

#define _(s) gettext(s)

/* "1,2 Mo", "350 Ko" (French units: octets). */
static void size_text(char *buf, size_t n, long long bytes)
{
	if (bytes >= 1000 * 1000)
		snprintf(buf, n, _("%.1f Mo"), (double)bytes / 1e6);
	else
		snprintf(buf, n, _("%lld Ko"), (bytes + 999) / 1000);
}

static void text(cairo_t *cr, const char *s, double w, double y, double h, double px, int flags,
		 uint32_t colour)
{
	double m = fmax(16, w * 0.05);
	draw_text(cr, s, m, y, w - 2 * m, h, px, flags | T_WRAP, colour);
}

static void bottom(cairo_t *cr, double w, double h, struct ui_hits *hits, const struct draw_btn *b,
		   const char *keys, int n)
{
	double gap = fmax(12, w * 0.02), bh = fmax(64, h * 0.13);
	double bw = fmin((w - (n + 1) * gap) / n, bh * 3.6);
	double x = (w - n * bw - (n - 1) * gap) / 2, y = h - bh - h * 0.04;
	for (int i = 0; i < n; i++) {
		struct draw_btn one = b[i];
		one.px = fmin(h * 0.035, bh * 0.3);
		draw_button(cr, hits, x + i * (bw + gap), y, bw, bh, &one, UI_ACT_USB, keys[i]);
	}
}

static void list(cairo_t *cr, double w, double h, const struct ui_view *v, struct ui_hits *hits)
{
	const struct usbflow *f = &v->usb;
	text(cr, _("Choisissez les documents à copier"), w, h * 0.03, h * 0.08, h * 0.05, T_BOLD,
	     C_HEAD);
	double m = fmax(16, w * 0.05), rh = fmax(56, h * 0.085), gap = fmax(6, h * 0.012);
	double y = h * 0.13;
	for (int k = 0; k < UF_PER_PAGE && f->first + k < f->n; k++) {
		int i = f->first + k;
		const struct usb_entry *e = &v->usb_entries[i];
		char size[32], label[200];
		size_text(size, sizeof(size), e->bytes);
		snprintf(label, sizeof(label), "%s  (%s)", e->name, size);
		struct draw_btn row = {label,
				       f->chosen[i] ? ICON_CHECK : ICON_NONE,
				       f->chosen[i] ? C_GREEN : C_WHITE,
				       f->chosen[i] ? C_WHITE : C_INK,
				       C_KEY_EDGE,
				       fmin(h * 0.03, rh * 0.36),
				       false};
		draw_button(cr, hits, m, y, w - 2 * m, rh, &row, UI_ACT_USB, (char)('0' + k));
		y += rh + gap;
	}
	int chosen = 0;
	for (int i = 0; i < f->n; i++)
		chosen += f->chosen[i];
	char copy[64];
	snprintf(copy, sizeof(copy),
		 ngettext("Copier %d document", "Copier %d documents", (unsigned long)chosen),
		 chosen);
	struct draw_btn b[] = {
		{_("Annuler"), ICON_BACK, C_KEY, C_INK, C_KEY_EDGE, 0, false},
		{"<", ICON_NONE, C_KEY, C_INK, C_KEY_EDGE, 0, f->first == 0},
		{">", ICON_NONE, C_KEY, C_INK, C_KEY_EDGE, 0, f->first + UF_PER_PAGE >= f->n},
		{chosen ? copy : _("Copier"), ICON_NEXT, C_GREEN, C_WHITE, 0, 0, chosen == 0},
	};
	if (f->n > UF_PER_PAGE)
		bottom(cr, w, h, hits, b,
		       (const char[]){UI_USB_CLOSE, UI_USB_PREV, UI_USB_NEXT, UI_USB_COPY}, 4);
	else
		bottom(cr, w, h, hits, (const struct draw_btn[]){b[0], b[3]},
		       (const char[]){UI_USB_CLOSE, UI_USB_COPY}, 2);
}

const char *ui_usb_error_text(enum uf_error e)
{
	switch (e) {
	case UF_ERR_UNREADABLE:
		return _("Cette clé ne peut pas être lue ici. Essayez une autre clé, ou "
			 "demandez à l'accueil.");
	case UF_ERR_EMPTY:
		return _("Il n'y a pas de document PDF ni de photo sur cette clé.");
	case UF_ERR_GONE:
		return _("La clé a été retirée. Rebranchez-la pour recommencer.");
	case UF_ERR_COPY:
	case UF_ERR_NONE:
		break;
	}
	return _("Les documents n'ont pas pu être copiés. Essayez une autre clé, ou "
		 "demandez à l'accueil.");
}

/* The done screen's print part: what became of the print, and "Imprimer" (the one PDF
 * copied, the kiosk's own copy of it) beside OK. */
static void done_print(cairo_t *cr, double w, double h, const struct ui_view *v,
		       struct ui_hits *hits, const struct draw_btn *ok)
{
	const struct usbflow *f = &v->usb;
	if (f->printed) {
		/* The print notice (printing, printed, refused over the quota) is the bar's
		 * banner, which this screen covers: it is shown here too. */
		text(cr, _("Envoyé à l'imprimante."), w, h * 0.68, h * 0.05, h * 0.032, T_BOLD,
		     C_INK);
		if (v->banner && *v->banner)
			text(cr, v->banner, w, h * 0.73, h * 0.08, h * 0.03, T_BOLD,
			     v->banner_calm ? C_GREEN : C_INK);
	} else if (f->print_failed) {
		text(cr,
		     _("L'imprimante n'a pas pu recevoir le document. Il est bien dans « "
		       "Documents ». Réessayez, ou demandez à l'accueil."),
		     w, h * 0.68, h * 0.12, h * 0.03, 0, C_ERR);
	}
	if (!uf_print_offered(f)) {
		bottom(cr, w, h, hits, ok, (const char[]){UI_USB_CLOSE}, 1);
		return;
	}
	struct draw_btn b[] = {
		{_("Imprimer"), ICON_PRINTER, C_BAR_BTN, C_WHITE, 0, 0, false},
		ok[0],
	};
	bottom(cr, w, h, hits, b, (const char[]){UI_USB_PRINT, UI_USB_CLOSE}, 2);
}

void ui_screen_usb(cairo_t *cr, double w, double h, const struct ui_view *v, struct ui_hits *hits)
{
	const struct usbflow *f = &v->usb;
	char buf[160];
	struct draw_btn ok[] = {{_("OK"), ICON_CHECK, C_GREEN, C_WHITE, 0, 0, false}};
	struct draw_btn cancel[] = {{_("Annuler"), ICON_BACK, C_KEY, C_INK, C_KEY_EDGE, 0, false}};
	switch (f->state) {
	case UF_OFF:
		break;
	case UF_READING:
		text(cr, _("Lecture de la clé…"), w, h * 0.35, h * 0.1, h * 0.06, T_BOLD, C_HEAD);
		bottom(cr, w, h, hits, cancel, (const char[]){UI_USB_CLOSE}, 1);
		break;
	case UF_LIST:
		list(cr, w, h, v, hits);
		break;
	case UF_COPYING:
		text(cr, _("Copie en cours…"), w, h * 0.3, h * 0.1, h * 0.06, T_BOLD, C_HEAD);
		snprintf(buf, sizeof(buf), _("%d sur %d"), f->done, f->to_copy);
		text(cr, buf, w, h * 0.42, h * 0.08, h * 0.045, 0, C_INK);
		text(cr, _("Ne retirez pas la clé."), w, h * 0.52, h * 0.08, h * 0.035, 0, C_INK);
		break;
	case UF_DONE:
		snprintf(buf, sizeof(buf),
			 ngettext("%d document copié", "%d documents copiés",
				  (unsigned long)f->copied),
			 f->copied);
		text(cr, buf, w, h * 0.2, h * 0.1, h * 0.06, T_BOLD, C_GREEN);
		text(cr,
		     _("Ils sont dans « Documents » : choisissez-les sur le site avec « Choisir un "
		       "fichier ». Ils seront effacés à la fin de la séance. Vous pouvez retirer "
		       "la "
		       "clé."),
		     w, h * 0.34, h * 0.2, h * 0.035, 0, C_INK);
		if (f->copied < f->to_copy) {
			snprintf(buf, sizeof(buf),
				 ngettext("%d fichier n'a pas été copié : ce n'est pas un vrai PDF "
					  "ou une vraie photo.",
					  "%d fichiers n'ont pas été copiés : ce ne sont pas de "
					  "vrais "
					  "PDF ou de vraies photos.",
					  (unsigned long)(f->to_copy - f->copied)),
				 f->to_copy - f->copied);
			text(cr, buf, w, h * 0.56, h * 0.12, h * 0.032, 0, C_ERR);
		}
		done_print(cr, w, h, v, hits, ok);
		break;
	case UF_PRINTING:
		text(cr, _("Envoi à l'imprimante…"), w, h * 0.3, h * 0.1, h * 0.06, T_BOLD, C_HEAD);
		text(cr, _("Le nombre de pages est compté sur votre crédit d'impression."), w,
		     h * 0.42, h * 0.1, h * 0.035, 0, C_INK);
		break;
	case UF_ERROR: {
		draw_icon(cr, ICON_WARNING, (w - h * 0.14) / 2, h * 0.1, h * 0.14, C_ORANGE);
		text(cr, ui_usb_error_text(f->error), w, h * 0.3, h * 0.25, h * 0.045, T_BOLD,
		     C_INK);
		struct draw_btn close[] = {
			{_("Fermer"), ICON_BACK, C_KEY, C_INK, C_KEY_EDGE, 0, false}};
		bottom(cr, w, h, hits, close, (const char[]){UI_USB_CLOSE}, 1);
		break;
	}
	}
}
