/* ui: draws the kiosk's cover screens and session bar with cairo and pango; no X here. */
#include "ui.h"
#include "ui_draw.h"
#include "code.h"
#include "lang.h"

#include <libintl.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define _(s) gettext(s)

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

struct ctx {
	cairo_t *cr;
	double w, h;
	const struct ui_view *v;
	struct ui_hits *hits;
};

const struct ui_hit *ui_hit_at(const struct ui_hits *hits, double x, double y)
{
	for (int i = 0; hits && i < hits->n; i++) {
		const struct ui_hit *t = &hits->hit[i];
		if (x >= t->x && x < t->x + t->w && y >= t->y && y < t->y + t->h)
			return t;
	}
	return NULL;
}

static char cur_lang[LANG_CODE_MAX] = "fr";
static bool i18n_ready;

void ui_init_i18n(void)
{
	const char *dir = getenv("ESCALE_LOCALEDIR");
	const char *all = setlocale(LC_ALL, "");
	const char *msgs;

	if (!all || !strcmp(all, "C") || !strcmp(all, "POSIX"))
		setlocale(LC_ALL, "C.UTF-8");
	/* glibc ignores LANGUAGE when LC_MESSAGES is "C" (but not "C.UTF-8"). */
	msgs = setlocale(LC_MESSAGES, NULL);
	if (!msgs || !strcmp(msgs, "C") || !strcmp(msgs, "POSIX"))
		setlocale(LC_MESSAGES, "C.UTF-8");
	/* Numbers in JSON, configs and logs keep their '.', whatever the centre's locale. */
	setlocale(LC_NUMERIC, "C");
	bindtextdomain("escale", dir && *dir ? dir : LOCALEDIR);
	bind_textdomain_codeset("escale", "UTF-8");
	i18n_ready = true;
	ui_set_language(cur_lang);
}

void ui_set_language(const char *code)
{
	const struct lang *l = lang_or_default(code);
	snprintf(cur_lang, sizeof(cur_lang), "%s", l->code);
	if (!i18n_ready) {
		ui_init_i18n();
		return;
	}
	/* French is the source: LANGUAGE=fr finds no catalogue and keeps the msgids. */
	setenv("LANGUAGE", l->code, 1);
	/* gettext caches translations until the catalogs change; textdomain() says they did. */
	textdomain("escale");
}

const char *ui_language(void)
{
	return cur_lang;
}

static void sync_language(const char *code)
{
	if (!i18n_ready || strcmp(lang_or_default(code)->code, cur_lang) != 0)
		ui_set_language(code);
}

static void clock_text(char *buf, size_t n, int s)
{
	s = s < 0 ? 0 : s;
	if (s >= 3600)
		snprintf(buf, n, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, n, "%02d:%02d", s / 60, s % 60);
}

/* The welcome screen's tools, right to left from RIGHT in the header HH high: "Écouter"
 * and "Demander de l'aide" (a resident stuck at signing in calls the desk). Returns where
 * they start. */
static double header_tools(struct ctx *c, double right, double hh)
{
	static const enum ui_tool order[] = {UI_TOOL_SPEAK, UI_TOOL_HELP};
	const struct ui_view *v = c->v;
	double ph = fmax(48, hh * 0.68), px = ph * 0.34, y = (hh - ph) / 2;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum ui_tool t = order[i];
		if (!(v->tools & (1u << t)))
			continue;
		bool on = t == UI_TOOL_HELP && v->help != WIRE_HELP_NONE;
		const char *label = t == UI_TOOL_SPEAK ? _("Écouter")
				    : on               ? _("Annuler la demande")
						       : _("Demander de l'aide");
		enum ui_icon icon = t == UI_TOOL_HELP ? ICON_HAND : ICON_NONE;
		double w = fmin(c->w * 0.22, draw_text_width(c->cr, label, px, T_BOLD, c->w, ph) +
						     ph * (icon ? 1.4 : 0.8));
		struct draw_btn b = {label, icon, on ? C_GREEN : C_WHITE, on ? C_WHITE : C_HEAD, 0,
				     px,    false};
		draw_button(c->cr, c->hits, right - w, y, w, ph, &b, UI_ACT_TOOL, (char)t);
		right -= w + ph * 0.25;
	}
	return right;
}

/* The top band: centre name on the left, the welcome screen's tools on the right; returns
 * its height. */
static double header(struct ctx *c, bool tools)
{
	cairo_t *cr = c->cr;
	double hh = round(fmax(64, fmin(c->h * 0.1, c->w * 0.07))), m = fmax(16, c->w * 0.025);
	double right = c->w - m;

	draw_rgb(cr, C_HEAD);
	cairo_rectangle(cr, 0, 0, c->w, hh);
	cairo_fill(cr);
	if (tools && c->v->screen == UI_LOGIN)
		right = header_tools(c, right, hh);
	/* A long name shrinks a little, then goes on two lines. */
	double nw = right - 2 * m, npx = hh * 0.4;
	bool two =
		c->v->centre && draw_text_width(cr, c->v->centre, npx, T_BOLD, 1e5, hh) > nw / 0.8;
	draw_text(cr, c->v->centre, m, hh * 0.06, nw, hh * 0.88, two ? npx * 0.8 : npx,
		  T_BOLD | T_LEFT | (two ? T_WRAP : 0), C_WHITE);
	return hh;
}

/* The welcome screen's languages: a row of big buttons under the header, each with its flag
 * (or its letter) above its own name, the one shown filled; returns the row's height (0 when
 * a single language is offered). */
static double lang_row(struct ctx *c, double top)
{
	const struct ui_view *v = c->v;
	cairo_t *cr = c->cr;
	int n = v->n_langs;
	if (n < 2)
		return 0;
	double W = c->w, m = fmax(16, W * 0.025), gap = fmax(6, W * 0.008);
	double rh = round(fmax(60, fmin(c->h * 0.11, W * 0.08))), bh = rh - gap * 1.5;
	double bw = fmin((W - 2 * m - (n - 1) * gap) / n, bh * 2.6);
	double x = (W - n * bw - (n - 1) * gap) / 2, y = top + gap;
	for (int i = 0; i < n; i++, x += bw + gap) {
		const struct lang *l = lang_at(v->langs[i]);
		bool on = strcmp(l->code, v->lang) == 0;
		draw_rgb(cr, on ? C_HEAD : C_WHITE);
		draw_rrect(cr, x, y, bw, bh, bh * 0.14);
		cairo_fill_preserve(cr);
		draw_rgb(cr, on ? C_HEAD : C_KEY_EDGE);
		cairo_set_line_width(cr, fmax(2, bh * 0.03));
		cairo_stroke(cr);
		double fh = bh * 0.4, fw = fh * 1.5;
		draw_flag(cr, l, x + (bw - fw) / 2, y + bh * 0.1, fw, fh);
		draw_text(cr, l->name, x + bw * 0.05, y + bh * 0.55, bw * 0.9, bh * 0.38, bh * 0.24,
			  T_BOLD, on ? C_WHITE : C_INK);
		draw_hit(c->hits, x, y, bw, bh, UI_ACT_LANG, (char)v->langs[i]);
	}
	return rh;
}

/* Text, icon and colour of the welcome screen's message line. */
static const char *login_message(const struct ui_view *v, char *buf, size_t n, enum ui_icon *ic,
				 uint32_t *col)
{
	char t[32];
	unsigned long k;
	int lock = v->lockout_seconds > 0 ? v->lockout_seconds : 0;

	*ic = ICON_ERROR;
	*col = C_ERR;
	switch (v->msg) {
	case UI_MSG_NONE:
		/* A call for help made here: where it stands, in the message line. */
		if (v->help == WIRE_HELP_NONE)
			return NULL;
		*ic = ICON_HAND;
		*col = C_GREEN;
		return v->help == WIRE_HELP_COMING ? _("Quelqu'un arrive")
						   : _("Demande envoyée : quelqu'un va venir");
	case UI_MSG_CHECKING:
		*ic = ICON_HOURGLASS;
		*col = C_INK;
		return _("Vérification…");
	case UI_MSG_UNKNOWN:
		if (v->tries_left <= 0)
			return _("Code inconnu. Vérifiez votre ticket.");
		k = (unsigned long)v->tries_left;
		snprintf(buf, n,
			 ngettext("Code inconnu. Vérifiez votre ticket.\nEncore %d essai avant une "
				  "pause.",
				  "Code inconnu. Vérifiez votre ticket.\nEncore %d essais avant "
				  "une pause.",
				  k),
			 v->tries_left);
		return buf;
	case UI_MSG_EXPIRED:
		return _("Ce code a expiré. Demandez un nouveau code à l'accueil.");
	case UI_MSG_USED_UP:
		return _("Ce code n'a plus de temps. Demandez un nouveau code à l'accueil.");
	case UI_MSG_REVOKED:
		return _("Ce code a été annulé.");
	case UI_MSG_IN_USE:
		return _("Ce code est utilisé sur un autre poste.");
	case UI_MSG_RATE_LIMITED:
		*ic = ICON_WARNING;
		/* "dans 30 secondes", not "0:30", which reads as a time of day. */
		if (lock < 120)
			snprintf(t, sizeof(t),
				 ngettext("%d seconde", "%d secondes", (unsigned long)lock), lock);
		else
			snprintf(t, sizeof(t),
				 ngettext("%d minute", "%d minutes",
					  (unsigned long)(lock + 59) / 60),
				 (lock + 59) / 60);
		snprintf(buf, n, _("Trop d'essais. Réessayez dans %s."), t);
		/* Keep the countdown on the same line as the word before it. */
		char *at = strstr(buf, t);
		if (at && at > buf && at[-1] == ' ' && strlen(buf) + 2 < n) {
			memmove(at + 1, at, strlen(at) + 1);
			memcpy(at - 1, "\xc2\xa0", 2);
		}
		return buf;
	case UI_MSG_TOO_SHORT:
		*ic = ICON_WARNING;
		k = v->code_len > 0 ? (unsigned long)v->code_len : 8;
		snprintf(buf, n,
			 v->alnum ? ngettext("Le code a %d caractère.", "Le code a %d caractères.",
					     k)
				  : ngettext("Le code a %d chiffre.", "Le code a %d chiffres.", k),
			 (int)k);
		return buf;
	case UI_MSG_KIOSK_REFUSED:
		return _("Ce poste n'est pas autorisé. Adressez-vous à l'accueil.");
	case UI_MSG_ERROR:
		*ic = ICON_WARNING;
		return _("Problème technique. Adressez-vous à l'accueil.");
	case UI_MSG_GOODBYE:
		*ic = ICON_OK_CIRCLE;
		*col = C_GREEN;
		return _("Vos données sont effacées. Au revoir !");
	}
	return NULL;
}

const char *ui_login_text(const struct ui_view *v, char *buf, size_t n)
{
	enum ui_icon ic;
	uint32_t col;
	return login_message(v, buf, n, &ic, &col);
}

/* The typed code in boxes grouped by 4, centred in the box X, Y, W, H. */
static void code_boxes(struct ctx *c, double x, double y, double w, double h)
{
	cairo_t *cr = c->cr;
	const char *typed = c->v->typed ? c->v->typed : "";
	int len = (int)strlen(typed), n = c->v->code_len > 0 ? c->v->code_len : 8;

	n = len > n ? len : n;
	n = n > 24 ? 24 : n;
	int groups = (n + 3) / 4;
	/* In box widths: n boxes, small gaps inside a group, a wide gap between groups. */
	double units = n + (n - groups) * 0.16 + (groups - 1) * 0.6;
	double bw = fmin(w / units, h / 1.3), bh = bw * 1.3;
	double bx = x + (w - bw * units) / 2, by = y + (h - bh) / 2;

	/* A refused code stays, in red boxes, to compare with the ticket. */
	bool refused = c->v->typed_refused && len > 0;
	for (int i = 0; i < n; i++) {
		bool cursor = i == len && c->v->msg != UI_MSG_RATE_LIMITED && !refused;
		bool wrong = refused && i < len;
		char ch[2] = {i < len ? typed[i] : 0, 0};
		draw_rgb(cr, wrong ? 0xFDECEC : C_WHITE);
		draw_rrect(cr, bx, by, bw, bh, bw * 0.12);
		cairo_fill_preserve(cr);
		draw_rgb(cr, cursor ? C_CURSOR : wrong ? C_ERR : C_KEY_EDGE);
		cairo_set_line_width(cr, cursor || wrong ? fmax(3, bw * 0.07) : fmax(2, bw * 0.03));
		cairo_stroke(cr);
		if (ch[0])
			draw_text(cr, ch, bx, by, bw, bh, bh * 0.6, T_BOLD | T_INK, C_INK);
		bx += bw * ((i % 4 == 3) ? 1.6 : 1.16);
	}
}

/* The bottom line of the welcome screen: today's hours, and the offline mark. */
static void footer(struct ctx *c, double y, double h)
{
	cairo_t *cr = c->cr;
	const char *hours = c->v->hours_today;
	double m = fmax(16, c->w * 0.025), px = fmax(18, c->h * 0.032), right = c->w - m;
	char buf[256];

	if (!c->v->online) {
		const char *off = _("hors ligne");
		double spx = px * 0.8, tw = draw_text_width(cr, off, spx, 0, c->w / 4, h);
		draw_text(cr, off, right - tw, y, tw + 1, h, spx, T_LEFT, C_MUTED);
		draw_icon(cr, ICON_OFFLINE, right - tw - spx * 1.5, y + (h - spx) / 2, spx,
			  C_MUTED);
		right -= tw + spx * 2;
	}
	if (!hours)
		return;
	if (*hours)
		snprintf(buf, sizeof(buf), _("Aujourd'hui : %s"), hours);
	else
		snprintf(buf, sizeof(buf), "%s", _("Fermé aujourd'hui"));
	double avail = right - 2 * m - px * 1.6;
	double tw = draw_text_width(cr, buf, px, 0, avail, h);
	double x = m + px * 1.6 + (avail - tw) / 2;
	draw_icon(cr, ICON_CLOCK, x - px * 1.5, y + (h - px * 1.1) / 2, px * 1.1, C_MUTED);
	draw_text(cr, buf, x, y, tw + 1, h, px, 0, C_INK);
}

static void screen_login(struct ctx *c)
{
	const struct ui_view *v = c->v;
	cairo_t *cr = c->cr;
	double W = c->w, H = c->h, m = fmax(16, fmin(W, H) * 0.03);
	double head = header(c, true), foot = round(fmax(40, H * 0.075));
	head += lang_row(c, head);
	double top = head + m * 0.6, bot = H - foot - m * 0.2;
	bool wide = W / H >= 1.45, off = v->msg == UI_MSG_RATE_LIMITED;
	int cols = v->alnum ? 8 : 3;
	double gap = fmax(8, H * 0.016), bgap = v->alnum ? gap * 3 : 0;
	double tx, tw, ty, th, kx, kw, ky, kh, kh1, kw1;

	footer(c, H - foot, foot);
	/* For staff, bottom left: findable, not in a resident's way. */
	if (v->accompany_button)
		ui_accompany_button(cr, m, H - foot, fmin(W * 0.3, H * 0.45), foot, c->hits);
	if (wide) {
		/* Keypad on the right, title and code on the left, centred together. */
		kh = bot - top;
		kh1 = fmin((kh - 3 * gap) / 4, H * 0.16);
		kw1 = fmin(kh1 * (v->alnum ? 1.1 : 1.6),
			   ((W - 2 * m) * (v->alnum ? 0.6 : 0.48) - (cols - 1) * gap - bgap) /
				   cols);
		kw = cols * kw1 + (cols - 1) * gap + bgap;
		double cgap = W * 0.06;
		tw = fmin(W - 2 * m - kw - cgap, H * 0.72);
		tx = (W - tw - cgap - kw) / 2, ty = top, th = bot - top;
		kx = tx + tw + cgap, ky = top;
	} else {
		/* The languages' row took some height: the keys keep theirs. */
		tx = m, tw = W - 2 * m, ty = top, th = (bot - top) * (v->n_langs > 1 ? 0.33 : 0.38);
		kx = m, kw = W - 2 * m, ky = ty + th, kh = bot - ky;
		kh1 = fmin((kh - 3 * gap) / 4, H * 0.16);
		kw1 = fmin((kw - (cols - 1) * gap - bgap) / cols, kh1 * (v->alnum ? 1.2 : 2.0));
	}

	/* The keypad: 1-9, Effacer 0 OK; the letters in a second block on the right. Right to
	 * left, the block moves to the other side but its keys stay as on every phone. */
	double mirror = draw_set_mirror(0);
	if (mirror > 0)
		kx = mirror - kx - kw;
	kh1 = fmin(kh1, kw1 * 1.1);
	double pw = cols * kw1 + (cols - 1) * gap + bgap, ph = 4 * kh1 + 3 * gap;
	double x0 = kx + (kw - pw) / 2, y0 = ky + (kh - ph) / 2;
	static const char keys[] = "123456789E0K";

	for (int i = 0; i < 12; i++) {
		double x = x0 + (i % 3) * (kw1 + gap), y = y0 + (i / 3) * (kh1 + gap);
		char d[2] = {keys[i], 0};
		struct draw_btn b = {d, ICON_NONE, C_WHITE, C_INK, C_KEY_EDGE, kh1 * 0.5, off};
		enum ui_action act = UI_ACT_KEY;
		if (d[0] == 'E') {
			b.label = _("Effacer"), b.icon = ICON_ERASE;
			b.fill = C_KEY, b.px = kh1 * 0.3;
			act = UI_ACT_ERASE;
		} else if (d[0] == 'K') {
			b.label = "OK", b.icon = ICON_CHECK, b.fill = C_GREEN, b.ink = C_WHITE;
			b.edge = 0, b.px = kh1 * 0.36;
			act = UI_ACT_OK;
		} else if (v->alnum && !strchr(CODE_ALNUM_CHARS, d[0])) {
			/* Alnum codes have no 0, 1, 2, 5, 8 (look-alikes of O, I, Z, S, B). */
			b.off = true;
		}
		draw_button(c->cr, c->hits, x, y, kw1, kh1, &b, act, act == UI_ACT_KEY ? d[0] : 0);
	}
	/* The letters of the alphabet, 5 a row, on the right of the digits. */
	for (int i = 0, n = 0; v->alnum && CODE_ALNUM_CHARS[i] && n < 20; i++) {
		char d[2] = {CODE_ALNUM_CHARS[i], 0};
		if (d[0] < 'A' || d[0] > 'Z')
			continue;
		double x = x0 + 3 * (kw1 + gap) + bgap + (n % 5) * (kw1 + gap);
		double y = y0 + (n / 5) * (kh1 + gap);
		struct draw_btn b = {d, ICON_NONE, C_WHITE, C_INK, C_KEY_EDGE, kh1 * 0.45, off};
		draw_button(c->cr, c->hits, x, y, kw1, kh1, &b, UI_ACT_KEY, d[0]);
		n++;
	}
	draw_set_mirror(mirror);

	/* Title, code and message, as one block centred in its column. */
	double t_h = H * (wide ? 0.1 : 0.085), c_h = H * (wide ? 0.15 : 0.12),
	       m_h = H * (wide ? 0.16 : 0.09);
	double s = fmin(1, th / (t_h + c_h + m_h + H * 0.04));
	t_h *= s, c_h *= s, m_h *= s;
	double y = ty + (th - (t_h + c_h + m_h + H * 0.04 * s)) / 2;
	draw_text(cr, _("Tapez votre code"), tx, y, tw, t_h, t_h * 0.68, T_BOLD, C_INK);
	y += t_h + H * 0.02 * s;
	/* Codes read left to right, in every language. */
	mirror = draw_set_mirror(0);
	code_boxes(c, mirror > 0 ? mirror - tx - tw : tx, y, tw, c_h);
	draw_set_mirror(mirror);
	y += c_h + H * 0.02 * s;

	char buf[256];
	enum ui_icon ic;
	uint32_t col;
	const char *msg = login_message(v, buf, sizeof(buf), &ic, &col);
	if (msg)
		draw_icon_text(cr, ic, msg, tx, y, tw, m_h, fmax(18, H * (wide ? 0.04 : 0.036)),
			       col);
}

/* A line of a message screen; sizes are fractions of the screen height. */
struct line {
	const char *s; /* NULL: skipped */
	double px, h;
	int flags;
	uint32_t col;
};

/* A message screen: a pictogram of height S, LINES, then a button of height BH, centred
 * together between TOP and the bottom; returns the y of the button. */
static double column(struct ctx *c, double top, enum ui_icon ic, uint32_t col, double s,
		     const struct line *ls, int n, double bh)
{
	double total = s + (s > 0 ? c->h * 0.04 : 0) + (bh > 0 ? bh + c->h * 0.05 : 0);
	double m = fmax(16, c->w * 0.06), y;

	for (int i = 0; i < n; i++)
		total += ls[i].s ? ls[i].h * c->h : 0;
	y = top + fmax(0, (c->h - top - total) / 2);
	if (s > 0) {
		draw_icon(c->cr, ic, (c->w - s) / 2, y, s, col);
		y += s + c->h * 0.04;
	}
	for (int i = 0; i < n; i++) {
		if (!ls[i].s)
			continue;
		draw_text(c->cr, ls[i].s, m, y, c->w - 2 * m, ls[i].h * c->h, ls[i].px * c->h,
			  ls[i].flags | T_WRAP, ls[i].col);
		y += ls[i].h * c->h;
	}
	return y + c->h * 0.05;
}

static void screen_closed(struct ctx *c)
{
	double head = header(c, true), s = fmin(c->h * 0.26, c->w * 0.3);
	head += lang_row(c, head);
	char buf[256];

	if (c->v->next_open)
		snprintf(buf, sizeof(buf), _("Réouverture : %s"), c->v->next_open);
	struct line ls[] = {
		{_("Fermé"), 0.11, 0.15, T_BOLD, C_INK},
		{c->v->next_open ? buf : NULL, 0.05, 0.13, 0, C_INK},
	};
	/* The clock gets a white face: find where column() puts it. */
	double total = s + c->h * 0.04 + c->h * (0.15 + (c->v->next_open ? 0.13 : 0));
	double y = head + fmax(0, (c->h - head - total) / 2);
	draw_rgb(c->cr, C_WHITE);
	cairo_arc(c->cr, c->w / 2, y + s / 2, s * 0.45, 0, 2 * M_PI);
	cairo_fill(c->cr);
	column(c, head, ICON_CLOCK, C_HEAD, s, ls, 2, 0);
}

static void screen_locked(struct ctx *c)
{
	double head = header(c, false);
	const char *lt = c->v->lock_text && *c->v->lock_text ? c->v->lock_text : NULL;
	struct line ls[] = {
		{_("Poste hors service"), 0.08, 0.12, T_BOLD, C_INK},
		{lt, 0.045, 0.2, 0, C_INK},
		{_("Adressez-vous à l'accueil"), 0.055, 0.1, T_BOLD, C_HEAD},
	};
	column(c, head, ICON_LOCK, C_HEAD, c->h * 0.2, ls, 3, 0);
}

/* The network check fails (proxy.enforce): no code is taken until the desk has it fixed. */
static void screen_unavailable(struct ctx *c)
{
	double head = header(c, false);
	struct line ls[] = {
		{_("Service indisponible"), 0.08, 0.12, T_BOLD, C_INK},
		{_("Adressez-vous à l'accueil"), 0.055, 0.1, T_BOLD, C_HEAD},
	};
	column(c, head, ICON_LOCK, C_HEAD, c->h * 0.2, ls, 2, 0);
}

/* Why the session ended, in the resident's words (NULL: said nothing of it). */
static const char *end_reason_text(const struct ui_view *v)
{
	if (!v->has_end_reason)
		return NULL;
	switch (v->end_reason) {
	case SM_END_EXPIRED:
		return _("Le temps de votre code est écoulé.");
	case SM_END_CLOSING:
		return _("Le centre ferme.");
	case SM_END_IDLE:
		return _("Séance arrêtée : personne n'utilisait le poste.");
	case SM_END_STAFF:
		return _("Séance arrêtée par l'accueil.");
	case SM_END_LOCKED:
		return _("Le poste a été mis hors service par l'accueil.");
	case SM_END_BROWSER:
	case SM_END_ERROR:
		return _("Un problème est survenu. Adressez-vous à l'accueil.");
	case SM_END_USER:
	case SM_END_RESTART:
		break;
	}
	return NULL;
}

const char *ui_end_text(const struct ui_view *v)
{
	return end_reason_text(v);
}

static void screen_ending(struct ctx *c)
{
	struct line ls[] = {
		{end_reason_text(c->v), 0.05, 0.1, T_BOLD, C_HEAD},
		{_("Vos données sont effacées"), 0.075, 0.13, T_BOLD, C_INK},
		{_("Merci, à bientôt !"), 0.055, 0.1, 0, C_INK},
	};
	column(c, 0, ICON_OK_CIRCLE, C_GREEN, c->h * 0.28, ls, 3, 0);
}

/* Label size at which LABEL fits a big button of W x H, with its icon. */
static double label_px(cairo_t *cr, const char *label, double w, double h, double px)
{
	double tw = draw_text_width(cr, label, px, T_BOLD, 1e4, h);
	double room = w - 2 * fmin(w * 0.08, h * 0.3) - px * 1.55;
	return tw > room ? px * room / tw : px;
}

static void screen_confirm_end(struct ctx *c)
{
	double W = c->w, H = c->h, gap = fmax(16, W * 0.04), bh = fmax(64, H * 0.2);
	bool narrow = W / H < 1.1;
	struct line ls[] = {
		{_("Voulez-vous terminer ?"), 0.085, 0.14, T_BOLD, C_INK},
		{_("Vos documents et vos pages ouvertes seront effacés."), 0.045, 0.13, 0, C_INK},
	};
	double bw = narrow ? W * 0.8 : fmin((W - 3 * gap) / 2, bh * 3.2);
	struct draw_btn yes = {_("Oui, terminer"), ICON_EXIT, C_RED, C_WHITE, 0, H * 0.06, false};
	struct draw_btn no = {_("Non, continuer"), ICON_NEXT, C_GREEN, C_WHITE, 0, H * 0.06, false};

	/* Both labels at the same size. */
	yes.px = no.px = fmin(label_px(c->cr, yes.label, bw, bh, yes.px),
			      label_px(c->cr, no.label, bw, bh, no.px));
	double y = column(c, 0, ICON_NONE, 0, 0, ls, 2, narrow ? 2 * bh + gap : bh);
	if (narrow) {
		draw_button(c->cr, c->hits, (W - bw) / 2, y, bw, bh, &yes, UI_ACT_YES, 0);
		draw_button(c->cr, c->hits, (W - bw) / 2, y + bh + gap, bw, bh, &no, UI_ACT_NO, 0);
	} else {
		double x = (W - 2 * bw - gap) / 2;
		draw_button(c->cr, c->hits, x, y, bw, bh, &yes, UI_ACT_YES, 0);
		draw_button(c->cr, c->hits, x + bw + gap, y, bw, bh, &no, UI_ACT_NO, 0);
	}
}

static void screen_idle(struct ctx *c)
{
	double H = c->h, W = c->w, bh = fmax(64, H * 0.2), bw = fmin(W * 0.8, bh * 3.2);
	int s = c->v->idle_seconds < 0 ? 0 : c->v->idle_seconds;
	char big[32], unit[64] = "";

	if (s >= 60) {
		snprintf(big, sizeof(big), "%d:%02d", s / 60, s % 60);
	} else {
		snprintf(big, sizeof(big), "%d", s);
		snprintf(unit, sizeof(unit), "%s",
			 ngettext("seconde", "secondes", (unsigned long)s));
	}
	struct line ls[] = {
		{_("Êtes-vous toujours là ?"), 0.08, 0.13, T_BOLD, C_INK},
		{big, 0.2, 0.22, T_BOLD, C_HEAD},
		{*unit ? unit : NULL, 0.045, 0.07, 0, C_HEAD},
		{_("Sans réponse, la séance se termine."), 0.045, 0.1, 0, C_INK},
	};
	double y = column(c, 0, ICON_NONE, 0, 0, ls, 4, bh);
	struct draw_btn ok = {_("Je suis là"), ICON_HAND, C_GREEN, C_WHITE, 0, H * 0.07, false};
	draw_button(c->cr, c->hits, (W - bw) / 2, y, bw, bh, &ok, UI_ACT_CONTINUE, 0);
}

/* The last warning over the session: what is left, what to do now, "J'ai compris". */
static void screen_notice(struct ctx *c)
{
	double H = c->h, W = c->w, bh = fmax(64, H * 0.2), bw = fmin(W * 0.8, bh * 3.2);
	int n = c->v->notice_minutes < 1 ? 1 : c->v->notice_minutes;
	char title[128];
	if (c->v->notice == SM_NOTICE_CLOSING)
		snprintf(title, sizeof(title),
			 ngettext("Le centre ferme dans %d minute",
				  "Le centre ferme dans %d minutes", (unsigned long)n),
			 n);
	else
		snprintf(title, sizeof(title),
			 ngettext("Plus que %d minute", "Plus que %d minutes", (unsigned long)n),
			 n);
	struct line ls[] = {
		{title, 0.08, 0.13, T_BOLD, C_INK},
		{_("Imprimez ou enregistrez vos documents maintenant."), 0.055, 0.1, T_BOLD,
		 C_HEAD},
		{_("À la fin de la séance, tout est effacé."), 0.045, 0.08, 0, C_INK},
	};
	double y = column(c, 0, ICON_WARNING, C_ORANGE, H * 0.16, ls, 3, bh);
	struct draw_btn ok = {_("J'ai compris"), ICON_CHECK, C_GREEN, C_WHITE, 0, H * 0.07, false};
	ok.px = label_px(c->cr, ok.label, bw, bh, ok.px);
	draw_button(c->cr, c->hits, (W - bw) / 2, y, bw, bh, &ok, UI_ACT_NOTICE_OK, 0);
}

void ui_draw_screen(cairo_t *cr, int w, int h, const struct ui_view *v, struct ui_hits *hits)
{
	struct ctx c = {cr, w, h, v, hits};

	draw_set_style(v->text_percent, v->contrast);
	if (hits)
		hits->n = 0;
	sync_language(v->lang);
	/* Right to left: mirrored, but for the scan and USB screens (a document's pages and
	 * files keep their order). */
	draw_set_mirror(v->rtl && v->screen != UI_SCAN && v->screen != UI_USB ? w : 0);
	cairo_save(cr);
	draw_rgb(cr, C_BG);
	cairo_paint(cr);
	switch (v->screen) {
	case UI_CLOSED:
		screen_closed(&c);
		break;
	case UI_LOGIN:
		screen_login(&c);
		break;
	case UI_LOCKED:
		screen_locked(&c);
		break;
	case UI_ENDING:
		screen_ending(&c);
		break;
	case UI_CONFIRM_END:
		screen_confirm_end(&c);
		break;
	case UI_IDLE:
		screen_idle(&c);
		break;
	case UI_NOTICE:
		screen_notice(&c);
		break;
	case UI_UNAVAILABLE:
		screen_unavailable(&c);
		break;
	case UI_SCAN:
		ui_screen_scan(cr, w, h, v, hits);
		break;
	case UI_USB:
		ui_screen_usb(cr, w, h, v, hits);
		break;
	case UI_TEXT:
		ui_screen_text(cr, w, h, v, hits);
		break;
	case UI_ACCOMPANY:
		ui_screen_accompany(cr, w, h, v, hits);
		break;
	}
	cairo_restore(cr);
	draw_set_mirror(0);
}

int ui_bar_height(int screen_height)
{
	int h = (int)lround(screen_height * 0.07);
	return h < 56 ? 56 : h;
}

/* Width of a bar button with icon and label at PX. */
static double bar_button_width(cairo_t *cr, const char *label, double px, double bh)
{
	return draw_text_width(cr, label, px, T_BOLD, 1e4, bh) + px * 1.15 + px * 0.4 + bh * 0.5;
}

/* Time left, pages left and the offline mark, centred in X .. X + W; each number with its
 * words above it ("Temps restant", or "Fermeture à 18h00" when closing time comes first;
 * "Impressions restantes"), so that 59:55 does not read as a time of day. */
static void bar_centre(struct ctx *c, double x, double w, double pad, double bh)
{
	const struct ui_view *v = c->v;
	cairo_t *cr = c->cr;
	double px = bh * 0.44, is = px * 1.05, spx = bh * 0.3, cpx = bh * 0.27;
	char tbuf[WIRE_NAME_MAX + 96], pbuf[64], tcap[96];
	const char *off = v->online ? NULL : _("hors ligne");
	const char *pcap = _("Impressions restantes");

	clock_text(tbuf, sizeof(tbuf), v->seconds_left);
	if (v->closing_at)
		snprintf(tcap, sizeof(tcap), _("Fermeture à %s"), v->closing_at);
	else
		snprintf(tcap, sizeof(tcap), "%s", _("Temps restant"));
	/* An accompanied session has no countdown: who accompanies it in bold where the time
	 * would be, closing time above. */
	if (v->accompanied_by) {
		snprintf(tbuf, sizeof(tbuf), _("Session accompagnée par %s"), v->accompanied_by);
		if (!v->closing_at)
			snprintf(tcap, sizeof(tcap), "%s", _("Sans limite de temps"));
	}
	if (v->pages_left >= 0)
		snprintf(pbuf, sizeof(pbuf),
			 ngettext("%d page", "%d pages", (unsigned long)v->pages_left),
			 v->pages_left);
	/* Shrink everything together until it fits. */
	double tw = 0, pw = 0, ow = 0, total = 0, ch = bh * 0.38;
	for (int i = 0; i < 8; i++) {
		tw = fmax(draw_text_width(cr, tbuf, px, T_BOLD, 1e4, bh),
			  draw_text_width(cr, tcap, cpx, 0, 1e4, ch));
		pw = v->pages_left >= 0
			     ? fmax(draw_text_width(cr, pbuf, px * 0.85, T_BOLD, 1e4, bh),
				    draw_text_width(cr, pcap, cpx, 0, 1e4, ch))
			     : 0;
		ow = off ? draw_text_width(cr, off, spx, 0, 1e4, bh) + spx * 2.2 : 0;
		total = is * 1.3 + tw + pad * 2 + (pw ? px * 1.8 + is * 1.3 + pw : 0) + ow;
		if (total <= w)
			break;
		px *= 0.88, is *= 0.88, spx *= 0.88, cpx *= 0.9;
	}

	double cx = x + (w - total) / 2, y = pad, vh = bh - ch;
	uint32_t ink = C_WHITE, cap = C_BAR_MUTED;
	int s = v->seconds_left;
	if (s < 300 && !v->accompanied_by) {
		/* Under 5 minutes the time sits in an orange, then red, pill. */
		draw_rgb(cr, s < 60 ? C_RED : C_ORANGE);
		draw_rrect(cr, cx, y, is * 1.3 + tw + pad * 2, bh, bh * 0.2);
		cairo_fill(cr);
		ink = cap = s < 60 ? C_WHITE : C_INK;
	}
	draw_icon(cr, ICON_CLOCK, cx + pad, y + (bh - is) / 2, is, ink);
	draw_text(cr, tcap, cx + pad + is * 1.3, y, tw + 1, ch, cpx, T_LEFT, cap);
	draw_text(cr, tbuf, cx + pad + is * 1.3, y + ch, tw + 1, vh, px, T_BOLD | T_LEFT, ink);
	cx += is * 1.3 + tw + pad * 2;
	if (pw) {
		cx += px * 1.8;
		draw_icon(cr, ICON_PRINTER, cx, y + (bh - is) / 2, is, C_WHITE);
		draw_text(cr, pcap, cx + is * 1.3, y, pw + 1, ch, cpx, T_LEFT, C_BAR_MUTED);
		draw_text(cr, pbuf, cx + is * 1.3, y + ch, pw + 1, vh, px * 0.85, T_BOLD | T_LEFT,
			  C_WHITE);
		cx += is * 1.3 + pw;
	}
	if (off) {
		draw_icon(cr, ICON_OFFLINE, cx + spx * 0.9, y + (bh - spx) / 2, spx, C_BAR_MUTED);
		draw_text(cr, off, cx + spx * 2.2, y, ow - spx * 2.2, bh, spx, T_LEFT, C_BAR_MUTED);
	}
}

/* The banner's text size: readable (never under 20 px) whatever its length. */
static double panel_px(int row_h)
{
	return fmax(20, row_h * 0.4);
}

int ui_bar_panel_height(int w, int row_h, int screen_h, const struct ui_view *v)
{
	if (!v->banner || !*v->banner)
		return 0;
	draw_set_style(v->text_percent, v->contrast);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
	cairo_t *cr = cairo_create(s);
	sync_language(v->lang);
	double px = panel_px(row_h), ip = row_h * 0.2,
	       okw = v->banner_dismissable ? row_h * 1.7 : 0;
	double tw = w - 2 * row_h * 0.15 - okw - ip * 3 - row_h * 0.6;
	double th = draw_text_height(cr, v->banner, px, T_BOLD, tw);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	/* Room for the text and a margin, at least one row, at most 40 % of the screen. */
	int h = (int)ceil(th + row_h * 0.45);
	int lo = (int)(row_h * 1.25), hi = (int)(screen_h * 0.4);
	return h < lo ? lo : h > hi ? hi : h;
}

/* The panel of a warning or a desk message under the bar's row, across the screen, with its
 * OK button: the time and the pages stay in sight above it. */
static void bar_panel(struct ctx *c, double y, double ph, double row_h)
{
	const struct ui_view *v = c->v;
	cairo_t *cr = c->cr;
	uint32_t fill = v->banner_urgent ? C_RED : v->banner_calm ? C_GREEN : C_YELLOW;
	uint32_t ink = v->banner_urgent || v->banner_calm ? C_WHITE : C_INK;
	double m = row_h * 0.15, okw = v->banner_dismissable ? row_h * 1.7 : 0, ip = row_h * 0.2;
	double x = m, w = c->w - 2 * m, h = ph - m;

	draw_rgb(cr, fill);
	draw_rrect(cr, x, y, w, h, row_h * 0.15);
	cairo_fill(cr);
	double is = fmin(row_h * 0.6, h * 0.7);
	draw_icon(cr,
		  v->banner_help   ? ICON_HAND
		  : v->banner_calm ? ICON_PRINTER
				   : ICON_WARNING,
		  x + ip, y + (h - is) / 2, is, ink);
	draw_text(cr, v->banner, x + ip * 2 + is, y, w - okw - ip * 3 - is, h, panel_px((int)row_h),
		  T_BOLD | T_WRAP | T_LEFT, ink);
	if (okw) {
		double oh = fmin(h - ip / 2, row_h);
		struct draw_btn ok = {"OK",       ICON_NONE,   C_WHITE, C_INK,
				      C_KEY_EDGE, row_h * 0.4, false};
		draw_button(c->cr, c->hits, x + w - okw - ip / 2, y + (h - oh) / 2, okw, oh, &ok,
			    UI_ACT_DISMISS, 0);
	}
}

const char *ui_tool_word(enum ui_tool t)
{
	static const char *const words[] = {"help", "text", "speak", "keyboard", "scan", "usb"};
	_Static_assert(sizeof(words) / sizeof(words[0]) == UI_TOOL_COUNT,
		       "a tool without its word");
	return (unsigned)t < UI_TOOL_COUNT ? words[t] : "none";
}

/* The label of a tool's button (current language). */
static const char *tool_label(const struct ui_view *v, enum ui_tool t)
{
	switch (t) {
	case UI_TOOL_HELP:
		return v->help != WIRE_HELP_NONE ? _("Annuler la demande") : _("Aide");
	case UI_TOOL_TEXT:
		/* Opens the panel of sizes and contrast (ui_text.c). */
		return "A+";
	case UI_TOOL_SPEAK:
		return _("Écouter");
	case UI_TOOL_KEYBOARD:
		return _("Clavier");
	case UI_TOOL_SCAN:
		return _("Numériser");
	case UI_TOOL_USB:
		return _("Clé USB");
	default:
		return "";
	}
}

/* The tools' buttons' widths (at PX) into TW, their sum returned. */
static double tools_width(cairo_t *cr, const struct ui_view *v, double px, double bh,
			  double tw[UI_TOOL_COUNT])
{
	double sum = 0;
	for (int t = 0; t < UI_TOOL_COUNT; t++) {
		tw[t] = 0;
		if (v->tools & (1u << t))
			sum += tw[t] =
				fmax(bh * 1.2,
				     bar_button_width(cr, tool_label(v, t), px, bh) - px * 1.15);
	}
	return sum;
}

/* The tools, from X on; returns where they end. */
static double bar_tools(struct ctx *c, double x, double pad, double bh, double px, double m,
			const double tw[UI_TOOL_COUNT])
{
	for (int t = 0; t < UI_TOOL_COUNT; t++) {
		if (!tw[t])
			continue;
		bool on = c->v->tools_on & (1u << t);
		struct draw_btn b = {tool_label(c->v, t),
				     ICON_NONE,
				     on ? C_WHITE : C_BAR_BTN,
				     on ? C_INK : C_WHITE,
				     0,
				     px,
				     false};
		draw_button(c->cr, c->hits, x, pad, tw[t], bh + pad * 0.5, &b, UI_ACT_TOOL,
			    (char)t);
		x += tw[t] + m * 0.6;
	}
	return x;
}

void ui_draw_bar(cairo_t *cr, int w, int h, int panel_h, const struct ui_view *v,
		 struct ui_hits *hits)
{
	struct ctx c = {cr, w, h + panel_h, v, hits};
	/* The row's height bounds its text: past 150 % the labels would only crowd the
	 * row; the banner under it takes the full size (ui_bar_panel_height). */
	draw_set_style(v->text_percent > 150 ? 150 : v->text_percent, v->contrast);
	double pad = round(h * 0.1), bh = h - 2 * pad, m = pad * 1.5;
	double px = fmax(14, bh * 0.42);

	if (hits)
		hits->n = 0;
	sync_language(v->lang);
	draw_set_mirror(v->rtl ? w : 0);
	cairo_save(cr);
	draw_rgb(cr, C_BAR);
	cairo_paint(cr);

	/* "Mes démarches", not "Accueil": the desk is "l'accueil" in every message. */
	const char *home = _("Mes démarches"), *back = _("Retour"), *end = _("Terminer");
	/* On a narrow screen the labels shrink before the centre area gets too small. */
	double hw = 0, bw = 0, ew = 0, tw[UI_TOOL_COUNT], tsum = 0;
	int nt = 0;
	for (int t = 0; t < UI_TOOL_COUNT; t++)
		nt += (v->tools >> t) & 1;
	for (int i = 0; i < 16; i++) {
		hw = bar_button_width(cr, home, px, bh);
		bw = bar_button_width(cr, back, px, bh);
		ew = bar_button_width(cr, end, px, bh);
		tsum = tools_width(cr, v, px * 0.85, bh, tw);
		if (hw + bw + ew + tsum + (4 + nt * 0.6) * m <= w * (nt ? 0.72 : 0.62))
			break;
		px *= 0.9;
	}
	struct draw_btn b = {home, ICON_HOUSE, C_BAR_BTN, C_WHITE, 0, px, false};
	draw_button(cr, hits, m, pad, hw, bh + pad * 0.5, &b, UI_ACT_HOME, 0);
	b.label = back, b.icon = ICON_BACK;
	draw_button(cr, hits, m * 1.6 + hw, pad, bw, bh + pad * 0.5, &b, UI_ACT_BACK, 0);
	b = (struct draw_btn){end, ICON_EXIT, C_RED, C_WHITE, 0, px, false};
	draw_button(cr, hits, w - m - ew, pad, ew, bh + pad * 0.5, &b, UI_ACT_END, 0);

	double cx = bar_tools(&c, m * 2.6 + hw + bw, pad, bh, px * 0.85, m, tw);
	if (nt)
		cx += m * 0.4;
	double cw = w - m * 2 - ew - cx;
	bar_centre(&c, cx, cw, pad, bh);
	draw_set_style(v->text_percent, v->contrast);
	if (panel_h > 0 && v->banner && *v->banner)
		bar_panel(&c, h, panel_h, h);
	cairo_restore(cr);
	draw_set_mirror(0);
}
