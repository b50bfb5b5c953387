/* speak: what "Écouter" reads aloud for each screen (see speak.h). */
#include "speak.h"
#include "ui.h"

#include <libintl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define _(s) gettext(s)

/* Appends the sentence S to BUF (N bytes) after a space; cut at N. */
static void add(char *buf, size_t n, const char *s)
{
	if (!s || !*s)
		return;
	size_t len = strlen(buf);
	if (len + 2 >= n)
		return;
	snprintf(buf + len, n - len, "%s%s", len ? " " : "", s);
}

/* Ends BUF's sentence with a full stop. */
static void stop(char *buf, size_t n)
{
	size_t len = strlen(buf);
	if (len && len + 1 < n)
		snprintf(buf + len, n - len, ".");
}

static void addf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void addf(char *buf, size_t n, const char *fmt, ...)
{
	char s[SPEAK_TEXT_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	add(buf, n, s);
}

/* The screen's line breaks become spaces: a voice reads them as nothing. */
static void flatten(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static void time_left(const struct ui_view *v, char *buf, size_t n)
{
	if (v->seconds_left <= 0)
		return;
	int min = (int)(((int64_t)v->seconds_left + 59) / 60);
	if (min >= 60 && !v->closing_at) {
		addf(buf, n,
		     ngettext("Il vous reste %d heure", "Il vous reste %d heures",
			      (unsigned long)(min / 60)),
		     min / 60);
		if (min % 60)
			addf(buf, n,
			     ngettext("et %d minute.", "et %d minutes.", (unsigned long)(min % 60)),
			     min % 60);
		else
			stop(buf, n);
		return;
	}
	addf(buf, n,
	     ngettext("Il vous reste %d minute.", "Il vous reste %d minutes.", (unsigned long)min),
	     min);
	if (v->closing_at)
		addf(buf, n, _("Le centre ferme à %s."), v->closing_at);
}

/* The scan screen's words in its state: what it shows, its buttons' labels after a page. */
static void scan_text(const struct ui_view *v, char *buf, size_t n)
{
	const struct scanflow *f = &v->scan;
	switch (f->state) {
	case SF_OFF:
	case SF_PLACE:
		add(buf, n,
		    _("Posez la page face contre la vitre du scanner, puis appuyez sur "
		      "Numériser."));
		break;
	case SF_SCANNING:
		add(buf, n, _("Numérisation en cours…"));
		add(buf, n, _("Ne soulevez pas le capot."));
		break;
	case SF_SAVING:
		add(buf, n, _("Enregistrement du document…"));
		break;
	case SF_PREVIEW:
		addf(buf, n, _("Page %d"), f->pages);
		stop(buf, n);
		addf(buf, n, "%s. %s. %s.", _("Recommencer"), _("Ajouter une page"), _("Terminer"));
		break;
	case SF_DONE:
		add(buf, n, _("Document enregistré"));
		stop(buf, n);
		if (f->printed)
			add(buf, n, _("Envoyé à l'imprimante."));
		else
			add(buf, n,
			    _("Pour l'envoyer, choisissez-le sur le site avec « Choisir un "
			      "fichier ». Il sera effacé à la fin de la séance."));
		break;
	case SF_PRINTING:
		add(buf, n, _("Envoi à l'imprimante…"));
		add(buf, n, _("Le nombre de pages est compté sur votre crédit d'impression."));
		break;
	case SF_ERROR:
		add(buf, n, ui_scan_error_text(f->error));
		break;
	}
}

/* The USB screen's words in its state. */
static void usb_text(const struct ui_view *v, char *buf, size_t n)
{
	const struct usbflow *f = &v->usb;
	switch (f->state) {
	case UF_OFF:
	case UF_LIST:
		add(buf, n,
		    _("Touchez les documents de la clé à copier, puis appuyez sur "
		      "Copier."));
		break;
	case UF_READING:
		add(buf, n, _("Lecture de la clé…"));
		break;
	case UF_COPYING:
		add(buf, n, _("Copie en cours…"));
		add(buf, n, _("Ne retirez pas la clé."));
		break;
	case UF_DONE:
		addf(buf, n,
		     ngettext("%d document copié", "%d documents copiés", (unsigned long)f->copied),
		     f->copied);
		stop(buf, n);
		add(buf, n,
		    _("Ils sont dans « Documents » : choisissez-les sur le site avec « Choisir un "
		      "fichier ». Ils seront effacés à la fin de la séance. Vous pouvez retirer "
		      "la "
		      "clé."));
		break;
	case UF_PRINTING:
		add(buf, n, _("Envoi à l'imprimante…"));
		add(buf, n, _("Le nombre de pages est compté sur votre crédit d'impression."));
		break;
	case UF_ERROR:
		add(buf, n, ui_usb_error_text(f->error));
		break;
	}
}

bool speak_text(const struct ui_view *v, bool session, char *buf, size_t n)
{
	char t[SPEAK_TEXT_MAX];
	if (n == 0)
		return false;
	buf[0] = '\0';
	if (session) {
		add(buf, n, v->banner);
		if (v->banner && *v->banner && !strchr(".!?", v->banner[strlen(v->banner) - 1]))
			stop(buf, n);
		time_left(v, buf, n);
		add(buf, n,
		    _("Pour revenir à la liste des démarches, appuyez sur Mes démarches. Pour "
		      "finir, appuyez sur Terminer : tout sera effacé."));
	} else {
		switch (v->screen) {
		case UI_LOGIN:
			add(buf, n, ui_login_text(v, t, sizeof(t)));
			add(buf, n,
			    _("Bienvenue. Tapez le code de votre ticket avec les touches de "
			      "l'écran, puis appuyez sur OK. Sans ticket, demandez un code à "
			      "l'accueil."));
			break;
		case UI_CLOSED:
			add(buf, n, _("Le centre est fermé."));
			if (v->next_open)
				addf(buf, n, _("Réouverture : %s."), v->next_open);
			break;
		case UI_LOCKED:
			add(buf, n, _("Poste hors service. Adressez-vous à l'accueil."));
			add(buf, n, v->lock_text);
			break;
		case UI_UNAVAILABLE:
			add(buf, n, _("Service indisponible. Adressez-vous à l'accueil."));
			break;
		case UI_ACCOMPANY:
			/* Never what is typed. */
			add(buf, n,
			    _("Session accompagnée, réservée au personnel. Appuyez sur Annuler "
			      "pour revenir à l'accueil."));
			break;
		case UI_ENDING:
			add(buf, n, ui_end_text(v));
			add(buf, n, _("Vos données sont effacées. Merci, à bientôt !"));
			break;
		case UI_CONFIRM_END:
			add(buf, n,
			    _("Voulez-vous terminer ? Vos documents et vos pages ouvertes seront "
			      "effacés. Appuyez sur Oui, terminer, ou sur Non, continuer."));
			break;
		case UI_IDLE:
			add(buf, n,
			    _("Êtes-vous toujours là ? Sans réponse, la séance se termine. "
			      "Appuyez sur Je suis là."));
			break;
		case UI_NOTICE: {
			int m = v->notice_minutes < 1 ? 1 : v->notice_minutes;
			if (v->notice == SM_NOTICE_CLOSING)
				addf(buf, n,
				     ngettext("Le centre ferme dans %d minute.",
					      "Le centre ferme dans %d minutes.", (unsigned long)m),
				     m);
			else
				addf(buf, n,
				     ngettext("Plus que %d minute.", "Plus que %d minutes.",
					      (unsigned long)m),
				     m);
			add(buf, n,
			    _("Imprimez ou enregistrez vos documents maintenant. À la fin de la "
			      "séance, tout est effacé. Appuyez sur J'ai compris."));
			break;
		}
		case UI_SCAN:
			scan_text(v, buf, n);
			break;
		case UI_USB:
			usb_text(v, buf, n);
			break;
		case UI_TEXT:
			add(buf, n,
			    _("Touchez A, A plus, A deux plus ou A trois plus pour la taille du "
			      "texte, ou Contraste élevé, puis Fermer."));
			break;
		}
	}
	flatten(buf);
	/* A desk's message could start with '-': never an option of the speech command. */
	size_t len = strlen(buf);
	if (buf[0] == '-' && len + 1 < n) {
		memmove(buf + 1, buf, len + 1);
		buf[0] = ' ';
	}
	return buf[0] != '\0';
}

void speak_topic(const struct ui_view *v, bool session, char *buf, size_t n)
{
	/* The code being typed and the countdowns are left out: each key or second would
	 * start the reading again. */
	snprintf(buf, n, "%d/%d/%d/%d/%d/%s/%s", session ? -1 : (int)v->screen, (int)v->notice,
		 session ? 0 : (int)v->msg, session ? 0 : (int)v->scan.state,
		 session ? 0 : (int)v->usb.state, v->lang ? v->lang : "",
		 v->banner ? v->banner : "");
}

bool speak_argv(const char *const *cmd, const char *voice, const char *text,
		const char *argv[SPEAK_MAX_ARGS + 1])
{
	int n = 0;
	bool has_text = false;
	for (int i = 0; cmd && cmd[i]; i++) {
		if (n >= SPEAK_MAX_ARGS)
			return false;
		if (strcmp(cmd[i], "%t") == 0) {
			argv[n++] = text;
			has_text = true;
		} else if (strcmp(cmd[i], "%l") == 0) {
			argv[n++] = voice && *voice ? voice : "fr";
		} else {
			argv[n++] = cmd[i];
		}
	}
	if (n == 0)
		return false;
	if (!has_text) {
		if (n >= SPEAK_MAX_ARGS)
			return false;
		argv[n++] = text;
	}
	argv[n] = NULL;
	return true;
}
