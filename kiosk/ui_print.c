/* ui_print: the words of admind's print notices ("print" commands) for the bar's banner. */
#include "ui.h"

#include <libintl.h>
#include <stdio.h>
#include <string.h>

#define _(s) gettext(s)

bool ui_print_notice(char *buf, size_t n, const char *event, int pages, int pages_left, bool *calm)
{
	if (!event || !n)
		return false;
	*calm = strcmp(event, "released") == 0 || strcmp(event, "printed") == 0 ||
		strcmp(event, "refunded") == 0 || (strcmp(event, "cancelled") == 0 && pages > 0);
	if (pages < 0)
		pages = 0;
	if (pages_left < 0)
		pages_left = 0;
	unsigned long p = (unsigned long)pages, l = (unsigned long)pages_left;
	char first[256], left[160];
	if (pages_left == 0) /* (French says "0 page"; without a catalog ngettext says "pages") */
		snprintf(left, sizeof(left), "%s", _("Il ne vous reste plus de page."));
	else
		snprintf(left, sizeof(left),
			 ngettext("Il vous reste %d page.", "Il vous reste %d pages.", l),
			 pages_left);
	const char *second = left;
	if (strcmp(event, "released") == 0) {
		snprintf(first, sizeof(first),
			 ngettext("Impression de %d page en cours.",
				  "Impression de %d pages en cours.", p),
			 pages);
	} else if (strcmp(event, "printed") == 0) {
		snprintf(first, sizeof(first),
			 ngettext("%d page imprimée.", "%d pages imprimées.", p), pages);
	} else if (strcmp(event, "refused_quota") == 0) {
		snprintf(first, sizeof(first),
			 ngettext("%d page demandée, il vous en reste %d : impression annulée.",
				  "%d pages demandées, il vous en reste %d : impression annulée.",
				  p),
			 pages, pages_left);
		second = "";
	} else if (strcmp(event, "refused_damaged") == 0) {
		snprintf(first, sizeof(first), "%s",
			 _("Ce document est illisible, il ne peut pas être imprimé. Aucune page "
			   "n'est décomptée."));
		second = "";
	} else if (strcmp(event, "refused_empty") == 0) {
		snprintf(first, sizeof(first), "%s",
			 _("Aucune page à imprimer dans cette demande : vérifiez les pages "
			   "choisies."));
		second = "";
	} else if (strncmp(event, "refused_", 8) == 0) {
		snprintf(first, sizeof(first), "%s",
			 _("Impression annulée. Aucune page n'est décomptée. Adressez-vous à "
			   "l'accueil."));
		second = "";
	} else if (strcmp(event, "unreachable") == 0) {
		/* The kiosk's own probe of print.server, not admind's. */
		snprintf(first, sizeof(first), "%s",
			 _("L'imprimante ne répond pas. Adressez-vous à l'accueil."));
		second = "";
	} else if (strcmp(event, "jam") == 0) {
		snprintf(first, sizeof(first), "%s",
			 _("L'imprimante est bloquée, l'accueil est prévenu."));
		second = "";
	} else if (strcmp(event, "cancelled") == 0 && pages > 0) {
		snprintf(first, sizeof(first),
			 ngettext("Impression annulée : %d page vous est rendue.",
				  "Impression annulée : %d pages vous sont rendues.", p),
			 pages);
	} else if (strcmp(event, "cancelled") == 0) {
		snprintf(first, sizeof(first), "%s", _("Impression annulée."));
		second = "";
	} else if (strcmp(event, "refunded") == 0) {
		snprintf(first, sizeof(first),
			 ngettext("L'accueil vous a rendu %d page.",
				  "L'accueil vous a rendu %d pages.", p),
			 pages);
	} else {
		return false;
	}
	snprintf(buf, n, "%s%s%s", first, *second ? " " : "", second);
	return true;
}
