/* ui_scan: the "Numériser un document" screen over the session (scanflow.h): big buttons
 * for a touch screen, the progress, the last page's preview. */
#include "ui.h"
#include "ui_draw.h"

#include <libintl.h>
#include <math.h>
#include <stdio.h>

#define _(s) gettext(s)

struct scan_ctx {
	cairo_t *cr;
	double w, h;
	struct ui_hits *hits;
};

static void title(struct scan_ctx *c, const char *s, double y, uint32_t colour)
{
	double m = fmax(16, c->w * 0.05);
	draw_text(c->cr, s, m, y, c->w - 2 * m, c->h * 0.1, c->h * 0.06, T_BOLD | T_WRAP, colour);
}

static void line(struct scan_ctx *c, const char *s, double y)
{
	double m = fmax(16, c->w * 0.05);
	draw_text(c->cr, s, m, y, c->w - 2 * m, c->h * 0.08, c->h * 0.035, T_WRAP, C_INK);
}

/* A row of N buttons across the screen's bottom. */
static void buttons(struct scan_ctx *c, const struct draw_btn *b, const char *keys, int n)
{
	double gap = fmax(12, c->w * 0.02), bh = fmax(64, c->h * 0.14);
	double bw = fmin((c->w - (n + 1) * gap) / n, bh * 3.6);
	double x = (c->w - n * bw - (n - 1) * gap) / 2, y = c->h - bh - c->h * 0.06;
	for (int i = 0; i < n; i++) {
		struct draw_btn one = b[i];
		if (!one.px)
			one.px = fmin(c->h * 0.035, bh * 0.3);
		draw_button(c->cr, c->hits, x + i * (bw + gap), y, bw, bh, &one, UI_ACT_SCAN,
			    keys[i]);
	}
}

/* The preview PNG fitted in the box X, Y, W, H (nothing when it cannot be read). */
static void preview(struct scan_ctx *c, const char *path, double x, double y, double w, double h)
{
	if (!path)
		return;
	cairo_surface_t *img = cairo_image_surface_create_from_png(path);
	if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
		double iw = cairo_image_surface_get_width(img),
		       ih = cairo_image_surface_get_height(img);
		double k = fmin(w / iw, h / ih);
		cairo_save(c->cr);
		cairo_translate(c->cr, x + (w - iw * k) / 2, y + (h - ih * k) / 2);
		draw_rgb(c->cr, C_KEY_EDGE);
		cairo_rectangle(c->cr, -2, -2, iw * k + 4, ih * k + 4);
		cairo_fill(c->cr);
		cairo_scale(c->cr, k, k);
		cairo_set_source_surface(c->cr, img, 0, 0);
		cairo_paint(c->cr);
		cairo_restore(c->cr);
	}
	cairo_surface_destroy(img);
}

static void progress(struct scan_ctx *c, int pct, double y)
{
	double m = fmax(16, c->w * 0.15), bw = c->w - 2 * m, bh = fmax(24, c->h * 0.05);
	draw_rgb(c->cr, C_OFF_FILL);
	draw_rrect(c->cr, m, y, bw, bh, bh / 2);
	cairo_fill(c->cr);
	draw_rgb(c->cr, C_GREEN);
	draw_rrect(c->cr, m, y, fmax(bh, bw * pct / 100.0), bh, bh / 2);
	cairo_fill(c->cr);
}

const char *ui_scan_error_text(enum sf_error e)
{
	switch (e) {
	case SF_ERR_MISSING:
		return _("Le scanner est introuvable. Vérifiez qu'il est allumé et branché, puis "
			 "réessayez, ou demandez à l'accueil.");
	case SF_ERR_BUSY:
		return _("Le scanner est occupé. Patientez un instant, puis réessayez.");
	case SF_ERR_JAMMED:
		return _("Le papier est coincé dans le scanner. Retirez-le doucement, puis "
			 "réessayez.");
	case SF_ERR_NODOCS:
		return _("Il n'y a pas de page dans le scanner. Posez-la, puis réessayez.");
	case SF_ERR_COVER:
		return _("Le capot du scanner est ouvert. Fermez-le, puis réessayez.");
	case SF_ERR_SAVE:
		return _("Le document n'a pas pu être enregistré. Réessayez, ou demandez à "
			 "l'accueil.");
	case SF_ERR_PRINT:
		return _("L'imprimante n'a pas pu recevoir le document. Il est bien dans « "
			 "Documents ». Réessayez, ou demandez à l'accueil.");
	case SF_ERR_SCAN:
	case SF_ERR_NONE:
		break;
	}
	return _("Le scanner a eu un problème. Réessayez, ou demandez à l'accueil.");
}

void ui_screen_scan(cairo_t *cr, double w, double h, const struct ui_view *v, struct ui_hits *hits)
{
	struct scan_ctx c = {cr, w, h, hits};
	const struct scanflow *f = &v->scan;
	char buf[256];
	struct draw_btn cancel = {_("Annuler"), ICON_BACK, C_KEY, C_INK, C_KEY_EDGE, 0, false};
	switch (f->state) {
	case SF_OFF:
		break;
	case SF_PLACE: {
		if (f->pages == 0)
			snprintf(buf, sizeof(buf), "%s", _("Numériser un document"));
		else
			snprintf(buf, sizeof(buf), _("Page %d"), f->pages + 1);
		title(&c, buf, h * 0.08, C_HEAD);
		line(&c,
		     _("Posez la page face contre la vitre du scanner, en haut à gauche, "
		       "puis fermez le capot."),
		     h * 0.22);
		/* Couleur / Gris: the chosen one green. */
		struct draw_btn mode[] = {
			{_("Couleur"), f->gray ? ICON_NONE : ICON_CHECK, f->gray ? C_KEY : C_GREEN,
			 f->gray ? C_INK : C_WHITE, f->gray ? C_KEY_EDGE : 0, 0, false},
			{_("Noir et blanc"), f->gray ? ICON_CHECK : ICON_NONE,
			 f->gray ? C_GREEN : C_KEY, f->gray ? C_WHITE : C_INK,
			 f->gray ? 0 : C_KEY_EDGE, 0, false},
		};
		double gap = fmax(12, w * 0.02), bh = fmax(56, h * 0.1), bw = fmin(w * 0.3, bh * 4);
		for (int i = 0; i < 2; i++) {
			mode[i].px = fmin(h * 0.032, bh * 0.32);
			draw_button(cr, hits, w / 2 + (i ? gap / 2 : -gap / 2 - bw), h * 0.4, bw,
				    bh, &mode[i], UI_ACT_SCAN, i ? UI_SCAN_GRAY : UI_SCAN_COLOUR);
		}
		struct draw_btn b[] = {
			cancel,
			{_("Numériser"), ICON_NEXT, C_GREEN, C_WHITE, 0, 0, false},
		};
		buttons(&c, b, (const char[]){UI_SCAN_CLOSE, UI_SCAN_START}, 2);
		break;
	}
	case SF_SCANNING:
	case SF_SAVING:
		title(&c,
		      f->state == SF_SCANNING ? _("Numérisation en cours…")
					      : _("Enregistrement du document…"),
		      h * 0.3, C_HEAD);
		line(&c, _("Ne soulevez pas le capot."), h * 0.42);
		progress(&c, f->progress, h * 0.55);
		break;
	case SF_PREVIEW: {
		snprintf(buf, sizeof(buf),
			 ngettext("%d page numérisée", "%d pages numérisées",
				  (unsigned long)f->pages),
			 f->pages);
		title(&c, buf, h * 0.03, C_HEAD);
		preview(&c, v->scan_preview, w * 0.2, h * 0.14, w * 0.6, h * 0.6);
		struct draw_btn b[] = {
			{_("Recommencer"), ICON_BACK, C_KEY, C_INK, C_KEY_EDGE, 0, false},
			{_("Ajouter une page"), ICON_NEXT, C_BAR_BTN, C_WHITE, 0, 0,
			 f->pages >= SF_MAX_PAGES},
			{_("Terminer"), ICON_CHECK, C_GREEN, C_WHITE, 0, 0, false},
		};
		buttons(&c, b, (const char[]){UI_SCAN_RETAKE, UI_SCAN_ADD, UI_SCAN_FINISH}, 3);
		break;
	}
	case SF_DONE: {
		title(&c, _("Document enregistré"), h * 0.2, C_GREEN);
		snprintf(buf, sizeof(buf), _("Dans « Documents » : %s"),
			 v->scan_saved ? v->scan_saved : "");
		line(&c, buf, h * 0.34);
		if (f->printed) {
			/* The print notice (printing, printed, refused over the quota) is the
			 * bar's banner, which this screen covers: it is shown here too. */
			line(&c, _("Envoyé à l'imprimante."), h * 0.44);
			if (v->banner && *v->banner)
				title(&c, v->banner, h * 0.52, v->banner_calm ? C_GREEN : C_INK);
		} else
			line(&c,
			     _("Pour l'envoyer, choisissez-le sur le site avec « Choisir un "
			       "fichier ». Il sera effacé à la fin de la séance."),
			     h * 0.44);
		/* Some sites take images only: the pages as JPEG files too, on request. */
		if (f->images)
			line(&c, _("Les pages sont aussi dans « Documents » en images (JPEG)."),
			     h * 0.66);
		else if (f->images_failed)
			line(&c,
			     _("Les images n'ont pas pu être enregistrées. Le PDF est bien là."),
			     h * 0.66);
		struct draw_btn b[3];
		char keys[3];
		int n = 0;
		if (f->can_print && !f->printed) {
			b[n] = (struct draw_btn){
				_("Imprimer"), ICON_PRINTER, C_BAR_BTN, C_WHITE, 0, 0, false};
			keys[n++] = UI_SCAN_PRINT;
		}
		if (!f->images && !f->images_failed) {
			b[n] = (struct draw_btn){
				_("Aussi en images"), ICON_NONE, C_BAR_BTN, C_WHITE, 0, 0, false};
			keys[n++] = UI_SCAN_IMAGES;
		}
		b[n] = (struct draw_btn){_("OK"), ICON_CHECK, C_GREEN, C_WHITE, 0, 0, false};
		keys[n++] = UI_SCAN_CLOSE;
		buttons(&c, b, keys, n);
		break;
	}
	case SF_PRINTING:
		title(&c, _("Envoi à l'imprimante…"), h * 0.3, C_HEAD);
		line(&c, _("Le nombre de pages est compté sur votre crédit d'impression."),
		     h * 0.42);
		break;
	case SF_ERROR: {
		draw_icon(cr, ICON_WARNING, (w - h * 0.14) / 2, h * 0.08, h * 0.14, C_ORANGE);
		title(&c,
		      f->error == SF_ERR_PRINT ? _("L'impression n'a pas marché")
					       : _("La numérisation n'a pas marché"),
		      h * 0.26, C_INK);
		line(&c, ui_scan_error_text(f->error), h * 0.38);
		struct draw_btn b[] = {
			{_("Fermer"), ICON_BACK, C_KEY, C_INK, C_KEY_EDGE, 0, false},
			{_("Réessayer"), ICON_NEXT, C_GREEN, C_WHITE, 0, 0, false},
		};
		buttons(&c, b, (const char[]){UI_SCAN_CLOSE, UI_SCAN_RETRY}, 2);
		break;
	}
	}
}
