/* view: the screens' contents from the state (see view.h). */
#include "view.h"
#include "textsize.h"

#include <libintl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define _(s)  gettext(s)
#define N_(s) (s)

static const char *const weekdays[] = {N_("dimanche"), N_("lundi"),    N_("mardi"), N_("mercredi"),
				       N_("jeudi"),    N_("vendredi"), N_("samedi")};

void view_next_open(char *buf, size_t n, int64_t now, int64_t next)
{
	if (next == INT64_MAX) {
		buf[0] = '\0';
		return;
	}
	time_t tt = (time_t)next, nt = (time_t)now;
	struct tm tm, today;
	localtime_r(&tt, &tm);
	localtime_r(&nt, &today);
	struct tm tomorrow = today;
	tomorrow.tm_mday++;
	tomorrow.tm_hour = 12;
	mktime(&tomorrow);
	if (tm.tm_yday == today.tm_yday && tm.tm_year == today.tm_year)
		snprintf(buf, n, _("aujourd'hui à %dh%02d"), tm.tm_hour, tm.tm_min);
	else if (tm.tm_yday == tomorrow.tm_yday && tm.tm_year == tomorrow.tm_year)
		snprintf(buf, n, _("demain à %dh%02d"), tm.tm_hour, tm.tm_min);
	else
		snprintf(buf, n, _("%s %d/%02d à %dh%02d"), _(weekdays[tm.tm_wday]), tm.tm_mday,
			 tm.tm_mon + 1, tm.tm_hour, tm.tm_min);
}

static enum ui_screen screen_of(const struct sm *m)
{
	switch (m->state) {
	case SM_CLOSED:
		return UI_CLOSED;
	case SM_LOGIN:
		return UI_LOGIN;
	case SM_LOCKED:
		return UI_LOCKED;
	case SM_ENDING:
		return UI_ENDING;
	case SM_SESSION:
		break;
	}
	if (m->idle_prompt)
		return UI_IDLE;
	if (!m->confirm_end && m->notice != SM_NOTICE_NONE)
		return UI_NOTICE;
	return UI_CONFIRM_END;
}

void view_build(const struct view_in *in, struct ui_view *v, char *banner, size_t bn)
{
	const struct sm *m = in->sm;
	const struct sm_clock *c = in->clock;
	memset(v, 0, sizeof(*v));
	v->centre = in->centre;
	v->lang = lang_or_default(in->lang)->code;
	v->rtl = lang_rtl(v->lang);
	v->n_langs = 0;
	for (int i = 0; in->langs && i < in->n_langs && i < LANG_COUNT; i++)
		if (lang_at(in->langs[i]))
			v->langs[v->n_langs++] = in->langs[i];
	v->alnum = in->alnum;
	v->code_len = in->code_len;
	v->typed = in->typed;
	v->typed_refused = in->typed_refused;
	v->msg = in->msg;
	v->lockout_seconds = in->lockout_seconds;
	/* Said when there are few: a count in the hundreds only adds words to read. */
	if (v->msg == UI_MSG_UNKNOWN && in->tries_left > 0 && in->tries_left <= 99)
		v->tries_left = (int)in->tries_left;
	if (v->msg == UI_MSG_NONE && m->goodbye_until_ms)
		v->msg = UI_MSG_GOODBYE;
	v->hours_today = in->hours_today;
	v->next_open = in->next_open && in->next_open[0] ? in->next_open : NULL;
	v->lock_text = m->lock_text;
	v->online = in->online;
	v->tools = in->tools;
	v->tools_on = in->tools_on & in->tools;
	v->text_step = in->text ? in->text->step : 0;
	v->text_percent = textsize_percent(v->text_step);
	v->contrast = in->text && in->text->contrast;
	bool by_closing;
	v->seconds_left = (int)sm_time_left(m, c, &by_closing);
	v->closing_at = by_closing && in->closing_at && in->closing_at[0] ? in->closing_at : NULL;
	if (m->state == SM_SESSION && m->accompanied_by[0]) {
		v->accompanied_by = m->accompanied_by;
		v->closing_at = in->closing_at && in->closing_at[0] ? in->closing_at : NULL;
	}
	v->notice = m->notice;
	v->notice_minutes = (int)m->notice_minutes;
	v->has_end_reason = m->state == SM_ENDING && m->end_session[0];
	v->end_reason = m->end_reason;
	v->pages_left = m->pages_left;
	v->idle_seconds =
		m->idle_prompt ? (int)((m->idle_deadline_ms - c->mono_ms + 999) / 1000) : 0;
	if (v->idle_seconds < 0)
		v->idle_seconds = 0;
	v->screen = screen_of(m);
	/* The scan flow covers the session; a prompt of the session's comes first. */
	if (in->scan) {
		v->scan = *in->scan;
		v->scan_preview = in->scan_preview && in->scan_preview[0] ? in->scan_preview : NULL;
		v->scan_saved = in->scan_saved;
		if (m->state == SM_SESSION && sf_active(in->scan) && v->screen == UI_CONFIRM_END &&
		    !m->confirm_end)
			v->screen = UI_SCAN;
	}
	if (in->usb) {
		v->usb = *in->usb;
		v->usb_entries = in->usb_entries;
		if (m->state == SM_SESSION && uf_active(in->usb) && v->screen == UI_CONFIRM_END &&
		    !m->confirm_end)
			v->screen = UI_USB;
	}
	/* The "A+" panel over the session and its flows; a prompt of the session's first. */
	if (in->text && in->text->panel && m->state == SM_SESSION &&
	    (v->screen == UI_SCAN || v->screen == UI_USB ||
	     (v->screen == UI_CONFIRM_END && !m->confirm_end))) {
		v->screen = UI_TEXT;
		v->text_sites = textsize_offer_sites(in->text, true);
	}
	/* Closed hours and the desk's lock say more than this; the welcome must not show. */
	if (v->screen == UI_LOGIN && in->unavailable)
		v->screen = UI_UNAVAILABLE;
	/* A mediator's sign-in: over the welcome screen only. */
	if (v->screen == UI_LOGIN && in->acc) {
		const struct accompany *a = in->acc;
		v->accompany_button = true;
		if (a->shown) {
			v->screen = UI_ACCOMPANY;
			v->acc_name = a->name;
			v->acc_dots = acc_dots(a);
			v->acc_field = a->field;
			v->acc_msg = a->msg;
			v->acc_pause_seconds = acc_pause_seconds(a, c->mono_ms);
			v->acc_checking = a->checking;
			v->acc_keyboard_button = a->osk_offered;
			v->acc_keyboard = a->osk.shown;
			v->acc_shift = a->osk.shift;
		}
	}
	banner[0] = '\0';
	switch (m->banner) {
	case SM_BANNER_TIME:
		snprintf(banner, bn,
			 ngettext("Il reste %d minute", "Il reste %d minutes",
				  (unsigned long)m->banner_minutes),
			 (int)m->banner_minutes);
		v->banner_urgent = m->banner_minutes <= 1;
		break;
	case SM_BANNER_CLOSING:
		snprintf(banner, bn,
			 ngettext("Le centre ferme dans %d minute",
				  "Le centre ferme dans %d minutes",
				  (unsigned long)m->banner_minutes),
			 (int)m->banner_minutes);
		break;
	case SM_BANNER_ADDED:
		snprintf(banner, bn,
			 ngettext("%d minute ajoutée", "%d minutes ajoutées",
				  (unsigned long)m->banner_minutes),
			 (int)m->banner_minutes);
		break;
	case SM_BANNER_MESSAGE:
		snprintf(banner, bn, "%s", m->message);
		v->banner_dismissable = true;
		v->banner_calm = m->message_calm;
		break;
	case SM_BANNER_NONE:
		break;
	}
	/* A call for help shows until answered or cancelled, under the warnings. */
	v->help = m->state == SM_SESSION || m->state == SM_LOGIN ? in->help : WIRE_HELP_NONE;
	if (m->state == SM_SESSION && !banner[0] && v->help != WIRE_HELP_NONE) {
		snprintf(banner, bn, "%s",
			 v->help == WIRE_HELP_COMING ? _("Quelqu'un arrive")
						     : _("Demande envoyée : quelqu'un va venir"));
		v->banner_calm = v->banner_help = true;
	}
	v->banner = banner[0] ? banner : NULL;
}
