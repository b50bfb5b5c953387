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

/* The bar's layout (docs/kiosk.md): Mes démarches, Retour, the time and the pages, Terminer
 * in its first row; the tools in the same row when everything fits at a readable size, else
 * in rows under it, as wide as the screen. Labels are BAR_PX (more on a tall screen), never
 * under BAR_FLOOR_PX: both grow with "A+" as every text does, and the rows with them. A label
 * takes two lines, cut between words, rather than go under the floor. */
#define BAR_PX       17.0
#define BAR_FLOOR_PX UI_BAR_FLOOR_PX
/* The size labels are measured at; their widths scale with their size. */
#define BAR_MEASURE_PX 20.0
#define BAR_MAX_ITEMS  (UI_TOOL_COUNT + 6)

enum bar_kind { BK_HOME, BK_BACK, BK_TOOL, BK_TIME, BK_PAGES, BK_OFFLINE, BK_END };

struct bar_item {
	enum bar_kind kind;
	int tool;
	const char *label, *cap; /* a button's label; or a caption above a value */
	enum ui_icon icon;
	double one, two; /* the label's (or value's) width on one line, on two (0: no space) */
	double capw;     /* the caption's width */
	/* Laid out: */
	bool wrap;
	int row;
	double x, w;
};

struct bar_layout {
	struct bar_item it[BAR_MAX_ITEMS];
	int n, rows;
	bool time_under; /* the time is not in the first row */
	double w, row_h, pad, bh, m, scale;
	double px, cap_px, val_px;                          /* at 100 %: the drawing scales them */
	char tbuf[WIRE_NAME_MAX + 96], pbuf[64], tcap[256]; /* tbuf: a time, or a mediator */
};

/* S's width at BAR_MEASURE_PX on one line, and on two lines cut at its best space (into
 * *TWO; 0 without a space). */
static double bar_measure(cairo_t *cr, const char *s, int flags, double *two)
{
	double one = draw_text_width(cr, s, BAR_MEASURE_PX, flags, 1e5, 1e5);
	char buf[256];
	*two = 0;
	if (strlen(s) >= sizeof(buf))
		return one;
	for (const char *sp = strchr(s, ' '); sp; sp = strchr(sp + 1, ' ')) {
		size_t k = (size_t)(sp - s);
		memcpy(buf, s, k);
		buf[k] = '\0';
		double w = fmax(draw_text_width(cr, buf, BAR_MEASURE_PX, flags, 1e5, 1e5),
				draw_text_width(cr, sp + 1, BAR_MEASURE_PX, flags, 1e5, 1e5));
		if (!*two || w < *two)
			*two = w;
	}
	return one;
}

static void bar_add(struct bar_layout *L, cairo_t *cr, enum bar_kind kind, int tool,
		    const char *label, const char *cap, enum ui_icon icon)
{
	struct bar_item *it = &L->it[L->n++];
	*it = (struct bar_item){
		.kind = kind, .tool = tool, .label = label, .cap = cap, .icon = icon};
	if (cap) {
		/* A value under its caption: neither is cut. */
		double unused;
		it->one = bar_measure(cr, label, T_BOLD, &unused);
		it->two = 0;
		it->capw = bar_measure(cr, cap, 0, &unused);
	} else if (label) {
		it->one = bar_measure(cr, label, T_BOLD, &it->two);
	}
}

/* The bar's texts and items for V, measured. */
static void bar_items(struct bar_layout *L, cairo_t *cr, const struct ui_view *v)
{
	clock_text(L->tbuf, sizeof(L->tbuf), v->seconds_left);
	if (v->closing_at)
		snprintf(L->tcap, sizeof(L->tcap), _("Fermeture à %s"), v->closing_at);
	else
		snprintf(L->tcap, sizeof(L->tcap), "%s", _("Temps restant"));
	/* An accompanied session has no countdown: who accompanies it in bold where the time
	 * would be, and above it the words before the name and the closing time. */
	if (v->accompanied_by) {
		const char *fmt = _("Session accompagnée par %s");
		size_t n = strlen(fmt);
		char limit[sizeof(L->tcap)];
		snprintf(limit, sizeof(limit), "%s",
			 v->closing_at ? L->tcap : _("Sans limite de temps"));
		if (n > 2 && strcmp(fmt + n - 2, "%s") == 0 && strchr(fmt, '%') == fmt + n - 2) {
			/* The words before the name over it, with the time limit: the name alone
			 * in bold, so that a long one still fits the screen at 200 %. */
			int k = (int)n - 2;
			while (k > 0 && fmt[k - 1] == ' ')
				k--;
			char head[sizeof(L->tcap)];
			snprintf(head, sizeof(head), "%.*s", k, fmt);
			snprintf(L->tcap, sizeof(L->tcap), "%.100s · %.100s", head, limit);
			snprintf(L->tbuf, sizeof(L->tbuf), "%s", v->accompanied_by);
		} else {
			/* A language that puts the name elsewhere: the whole sentence. */
			snprintf(L->tbuf, sizeof(L->tbuf), _("Session accompagnée par %s"),
				 v->accompanied_by);
			snprintf(L->tcap, sizeof(L->tcap), "%s", limit);
		}
	}
	/* "Mes démarches", not "Accueil": the desk is "l'accueil" in every message. */
	bar_add(L, cr, BK_HOME, 0, _("Mes démarches"), NULL, ICON_HOUSE);
	bar_add(L, cr, BK_BACK, 0, _("Retour"), NULL, ICON_BACK);
	for (int t = 0; t < UI_TOOL_COUNT; t++)
		if (v->tools & (1u << t))
			bar_add(L, cr, BK_TOOL, t, tool_label(v, (enum ui_tool)t), NULL, ICON_NONE);
	bar_add(L, cr, BK_TIME, 0, L->tbuf, L->tcap, ICON_CLOCK);
	if (v->pages_left >= 0) {
		snprintf(L->pbuf, sizeof(L->pbuf),
			 ngettext("%d page", "%d pages", (unsigned long)v->pages_left),
			 v->pages_left);
		bar_add(L, cr, BK_PAGES, 0, L->pbuf, _("Impressions restantes"), ICON_PRINTER);
	}
	if (!v->online)
		bar_add(L, cr, BK_OFFLINE, 0, _("hors ligne"), NULL, ICON_OFFLINE);
	bar_add(L, cr, BK_END, 0, _("Terminer"), NULL, ICON_EXIT);
}

/* Item I's width with labels at PX (at 100 %); cut on two lines when WRAP. */
static double bar_item_width(const struct bar_layout *L, const struct bar_item *it, double px,
			     bool wrap)
{
	/* Widths measured at one size are a little off at another (hinting): some slack. */
	double k = 1.05 / BAR_MEASURE_PX, sp = px * L->scale, in = sp * 0.55 + 2;
	switch (it->kind) {
	case BK_TIME:
	case BK_PAGES:
		return L->bh * 0.5 + sp * 0.4 +
		       fmax(it->one * L->val_px * k, it->capw * L->cap_px * k) + in * 2;
	case BK_OFFLINE:
		return L->cap_px * L->scale * 1.4 + it->one * L->cap_px * k * 0.92 + 4;
	default: {
		double tw = (wrap && it->two ? it->two : it->one) * px * k;
		double icon = it->icon ? sp * 1.55 : 0;
		return fmax(L->bh, tw + icon + in * 2);
	}
	}
}

/* The items' widths at PX, two-line labels by MODE (0: none; 1: those much longer on one
 * line; 2: every label with a space); returns the rows they take (99: they do not fit). */
static int bar_pack(struct bar_layout *L, double px, int mode)
{
	double room = L->w - 2 * L->m, sum = 0;
	L->px = px;
	/* Captions a little smaller than labels; the value under its caption fills the rest of
	 * the row's height. */
	L->cap_px = fmax(BAR_FLOOR_PX, px * 0.82);
	L->val_px = fmax(BAR_FLOOR_PX,
			 fmin(px * 1.35, (L->bh - L->cap_px * L->scale * 1.3) / (1.22 * L->scale)));
	for (int i = 0; i < L->n; i++) {
		struct bar_item *it = &L->it[i];
		it->wrap = it->two && !it->cap &&
			   (mode == 2 || (mode == 1 && it->one > it->two * 1.35));
		it->w = bar_item_width(L, it, px, it->wrap);
		it->row = 0;
		sum += it->w + L->m * (it->kind == BK_TOOL ? 0.6 : 1);
	}
	if (sum - L->m <= room)
		return 1;
	/* Row 0: the buttons that are always there, the time (what residents watch) and the
	 * pages when they fit; the rest in rows under it. */
	double first = 0;
	for (int i = 0; i < L->n; i++) {
		enum bar_kind k = L->it[i].kind;
		if (k == BK_HOME || k == BK_BACK || k == BK_TIME || k == BK_END)
			first += L->it[i].w + L->m;
	}
	bool under[BAR_MAX_ITEMS] = {false}, time_under = false;
	L->time_under = false;
	if (first - L->m > room) {
		/* A long text in the time's place, or a narrow screen: the time goes under, with
		 * the pages. */
		for (int i = 0; i < L->n; i++)
			if (L->it[i].kind == BK_TIME)
				under[i] = time_under = L->time_under = true,
				first -= L->it[i].w + L->m;
		if (first - L->m > room)
			return 99;
	}
	int rows = 1;
	double x = room + 1;
	for (int i = 0; i < L->n; i++) {
		struct bar_item *it = &L->it[i];
		if (it->kind == BK_PAGES || it->kind == BK_OFFLINE) {
			under[i] = time_under || first + it->w > room;
			if (!under[i])
				first += it->w + L->m;
		}
	}
	/* Under it: the time and the pages first (what residents watch), then the tools. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < L->n; i++) {
			struct bar_item *it = &L->it[i];
			if (pass == 0 ? !under[i] : it->kind != BK_TOOL)
				continue;
			/* A value wider than the screen (a mediator's long name at 200 %) takes a
			 * row of its own and shrinks in it, rather than the bar overlapping. */
			if (it->w > room && it->cap)
				it->w = room;
			if (it->w > room)
				return 99;
			if (x + it->w > room)
				rows++, x = 0;
			it->row = rows - 1;
			x += it->w + L->m * 0.6;
		}
	return rows;
}

/* Lays the bar out for V in W with rows ROW_H high at 100 %. */
static void bar_layout(struct bar_layout *L, cairo_t *cr, int w, int row_h, const struct ui_view *v)
{
	memset(L, 0, sizeof(*L));
	L->scale = v->text_percent >= 100 && v->text_percent <= 400 ? v->text_percent / 100.0 : 1;
	L->w = w;
	L->row_h = fmax(row_h, round(row_h * L->scale * 6 / 7));
	L->pad = round(L->row_h * 0.1);
	L->bh = L->row_h - 2 * L->pad;
	L->m = round(row_h * 0.1) * 1.5;
	double top = fmax(BAR_PX, row_h * 0.32);
	bar_items(L, cr, v);

	/* The fewest rows; then the time in the first row, with labels down to the floor or
	 * cut; then large labels on one line: cutting labels costs as much as labels 15 %
	 * smaller. */
	double best_px = BAR_FLOOR_PX, best = 1e9;
	int best_mode = 2;
	for (double px = top;; px = fmax(BAR_FLOOR_PX, px * 0.94)) {
		for (int mode = 0; mode <= 2; mode++) {
			double cost = bar_pack(L, px, mode) * 1000.0 - px / top * 100 + mode * 15;
			cost += L->time_under ? 100 : 0;
			if (cost < best)
				best = cost, best_px = px, best_mode = mode;
		}
		if (px <= BAR_FLOOR_PX)
			break;
	}
	L->rows = bar_pack(L, best_px, best_mode);
	if (L->rows >= 99) {
		/* A screen too narrow for the first row even on two lines at the floor (under
		 * 800 px): one row, the labels shrink. */
		L->rows = 1;
		for (int i = 0; i < L->n; i++)
			L->it[i].row = 0;
	}

	/* Positions. Row 0: Mes démarches, Retour (and the tools when in this row) from the
	 * left, Terminer at the right, the time and the pages centred between. */
	double x = L->m, cw = 0, end = L->w - L->m;
	for (int i = 0; i < L->n; i++) {
		struct bar_item *it = &L->it[i];
		if (it->row != 0)
			continue;
		if (it->kind == BK_HOME || it->kind == BK_BACK || it->kind == BK_TOOL) {
			it->x = x;
			x += it->w + L->m * (it->kind == BK_TOOL ? 0.6 : 1);
		} else if (it->kind == BK_END) {
			it->x = end - it->w;
			end = it->x - L->m;
		} else {
			cw += it->w + L->m;
		}
	}
	double cx = x + fmax(0, (end - x - (cw - L->m)) / 2);
	for (int i = 0; i < L->n; i++) {
		struct bar_item *it = &L->it[i];
		if (it->row == 0 &&
		    (it->kind == BK_TIME || it->kind == BK_PAGES || it->kind == BK_OFFLINE)) {
			it->x = cx;
			cx += it->w + L->m;
		}
	}
	/* The rows under it: their buttons a little wider, the row centred. */
	for (int r = 1; r < L->rows; r++) {
		double used = 0;
		int n = 0;
		for (int i = 0; i < L->n; i++)
			if (L->it[i].row == r)
				used += L->it[i].w + L->m * 0.6, n++;
		if (!n)
			continue;
		used -= L->m * 0.6;
		/* Labels cut on two lines take one again while the row has room. */
		for (int i = 0; i < L->n; i++) {
			struct bar_item *it = &L->it[i];
			double one =
				it->row == r && it->wrap ? bar_item_width(L, it, L->px, false) : 0;
			if (one && used + one - it->w <= L->w - 2 * L->m)
				used += one - it->w, it->w = one, it->wrap = false;
		}
		double extra = (L->w - 2 * L->m - used) / n;
		used = 0;
		for (int i = 0; i < L->n; i++)
			if (L->it[i].row == r) {
				struct bar_item *it = &L->it[i];
				if (it->kind == BK_TOOL)
					it->w += fmin(extra, it->w * 0.6);
				used += it->w + L->m * 0.6;
			}
		x = (L->w - (used - L->m * 0.6)) / 2;
		/* In bar_pack's order: the time and the pages, then the tools. */
		for (int pass = 0; pass < 2; pass++)
			for (int i = 0; i < L->n; i++)
				if (L->it[i].row == r &&
				    (L->it[i].kind == BK_TOOL) == (pass == 1)) {
					L->it[i].x = x;
					x += L->it[i].w + L->m * 0.6;
				}
	}
}

int ui_bar_rows_height(int w, int row_h, const struct ui_view *v)
{
	draw_set_style(v->text_percent, v->contrast);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
	cairo_t *cr = cairo_create(s);
	sync_language(v->lang);
	struct bar_layout L;
	bar_layout(&L, cr, w, row_h, v);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return (int)(L.rows * L.row_h);
}

/* A button of the bar: its icon before its label, on one line or two. */
static void bar_button(struct ctx *c, const struct bar_layout *L, const struct bar_item *it,
		       double y, uint32_t fill, uint32_t ink, enum ui_action a, char key)
{
	double h = L->bh + L->pad * 0.5, sh = fmax(2, h * 0.05);
	struct draw_btn b = {NULL, ICON_NONE, fill, ink, 0, 0, false};
	draw_button(c->cr, c->hits, it->x, y, it->w, h, &b, a, key);
	double sp = L->px * L->scale, is = it->icon ? sp * 1.15 : 0, gap = it->icon ? sp * 0.4 : 0;
	double tw = (it->wrap ? it->two : it->one) * L->px / BAR_MEASURE_PX * 1.05 + 2;
	tw = fmin(tw, it->w - is - gap - 2);
	double x0 = it->x + (it->w - is - gap - tw) / 2;
	if (it->icon)
		draw_icon(c->cr, it->icon, x0, y + (h - sh - is) / 2, is, ink);
	draw_text(c->cr, it->label, x0 + is + gap, y, tw, h - sh, L->px,
		  T_BOLD | (it->wrap ? T_WRAP : 0), ink);
}

/* The time left (or the time to closing, "Fermeture à 18h00", when closing comes first) or
 * the pages left: the number with its words above it, so that 59:55 does not read as a time
 * of day. Under 5 minutes the time sits in an orange, then red, pill. */
static void bar_value(struct ctx *c, const struct bar_layout *L, const struct bar_item *it,
		      double y)
{
	cairo_t *cr = c->cr;
	uint32_t ink = C_WHITE, cap = C_BAR_MUTED;
	int s = c->v->seconds_left;
	double sp = L->px * L->scale, is = L->bh * 0.5, in = sp * 0.55 + 2;
	double ch = L->cap_px * L->scale * 1.3, vh = L->bh - ch;
	if (it->kind == BK_TIME && s < 300 && !c->v->accompanied_by) {
		draw_rgb(cr, s < 60 ? C_RED : C_ORANGE);
		draw_rrect(cr, it->x, y, it->w, L->bh, L->bh * 0.2);
		cairo_fill(cr);
		ink = cap = s < 60 ? C_WHITE : C_INK;
	}
	double tx = it->x + in + is + sp * 0.4, tw = it->x + it->w - in - tx + 1;
	draw_icon(cr, it->icon, it->x + in, y + (L->bh - is) / 2, is, ink);
	draw_text(cr, it->cap, tx, y, tw, ch, L->cap_px, T_LEFT, cap);
	draw_text(cr, it->label, tx, y + ch, tw, vh, L->val_px, T_BOLD | T_LEFT, ink);
}

void ui_draw_bar(cairo_t *cr, int w, int h, int panel_h, const struct ui_view *v,
		 struct ui_hits *hits)
{
	draw_set_style(v->text_percent, v->contrast);
	if (hits)
		hits->n = 0;
	sync_language(v->lang);
	struct bar_layout L;
	bar_layout(&L, cr, w, h, v);
	double rows_h = L.rows * L.row_h;
	struct ctx c = {cr, w, rows_h + panel_h, v, hits};
	draw_set_mirror(v->rtl ? w : 0);
	cairo_save(cr);
	draw_rgb(cr, C_BAR);
	cairo_paint(cr);

	for (int i = 0; i < L.n; i++) {
		const struct bar_item *it = &L.it[i];
		double y = it->row * L.row_h + L.pad;
		bool on = it->kind == BK_TOOL && (v->tools_on & (1u << it->tool));
		switch (it->kind) {
		case BK_HOME:
			bar_button(&c, &L, it, y, C_BAR_BTN, C_WHITE, UI_ACT_HOME, 0);
			break;
		case BK_BACK:
			bar_button(&c, &L, it, y, C_BAR_BTN, C_WHITE, UI_ACT_BACK, 0);
			break;
		case BK_TOOL:
			bar_button(&c, &L, it, y, on ? C_WHITE : C_BAR_BTN, on ? C_INK : C_WHITE,
				   UI_ACT_TOOL, (char)it->tool);
			break;
		case BK_END:
			bar_button(&c, &L, it, y, C_RED, C_WHITE, UI_ACT_END, 0);
			break;
		case BK_TIME:
		case BK_PAGES:
			bar_value(&c, &L, it, y);
			break;
		case BK_OFFLINE: {
			double is = L.cap_px * L.scale;
			draw_icon(cr, ICON_OFFLINE, it->x, y + (L.bh - is) / 2, is, C_BAR_MUTED);
			draw_text(cr, it->label, it->x + is * 1.4, y, it->w - is * 1.4, L.bh,
				  L.cap_px, T_LEFT, C_BAR_MUTED);
			break;
		}
		}
	}
	if (panel_h > 0 && v->banner && *v->banner)
		bar_panel(&c, rows_h, panel_h, h);
	cairo_restore(cr);
	draw_set_mirror(0);
}
