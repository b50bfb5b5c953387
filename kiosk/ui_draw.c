/* ui_draw: the drawing kit of the ui screens: palette, text that fits, buttons, pictograms. */
#include "ui_draw.h"
#include "lang.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

/* The resident's "A+" (ui_view's text_percent, contrast), for the drawing under way. */
static double text_scale = 1;
static bool high_contrast;

void draw_set_style(int percent, bool contrast)
{
	text_scale = percent >= 100 && percent <= 400 ? percent / 100.0 : 1;
	high_contrast = contrast;
}

/* Right to left: boxes' x mirrored in this width (0: not mirrored). */
static double mirror_w;
static struct draw_audit audit;

double draw_set_mirror(double width)
{
	double was = mirror_w;
	mirror_w = width > 0 ? width : 0;
	return was;
}

bool draw_mirrored(void)
{
	return mirror_w > 0;
}

double draw_mirror_x(double x, double w)
{
	return mirror_w > 0 ? mirror_w - x - w : x;
}

void draw_set_audit(const struct draw_audit *a)
{
	audit = a ? *a : (struct draw_audit){0};
}

/* High contrast: every colour becomes black or yellow by its lightness, so that light
 * grounds turn black, dark inks yellow, and each pair the palette makes readable stays a
 * pair, now at about 19:1. */
static uint32_t contrast_of(uint32_t c)
{
	double r = ((c >> 16) & 0xff) / 255.0, g = ((c >> 8) & 0xff) / 255.0,
	       b = (c & 0xff) / 255.0;
	double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
	return y > 0.45 ? 0x000000 : 0xFFE600;
}

void draw_rgb(cairo_t *cr, uint32_t c)
{
	if (high_contrast)
		c = contrast_of(c);
	cairo_set_source_rgb(cr, ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0,
			     (c & 0xff) / 255.0);
}

void draw_hit(struct ui_hits *hits, double x, double y, double w, double h, enum ui_action a,
	      char key)
{
	if (!hits || hits->n >= UI_MAX_HITS)
		return;
	hits->hit[hits->n++] = (struct ui_hit){draw_mirror_x(x, w), y, w, h, a, key};
}

/* French typography: a no-break space before ? ! : ; and inside « », so that a line never
 * starts with the sign. Returns a new string. */
static char *french_spaces(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(2 * n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		bool before = s[i] == ' ' && s[i + 1] && strchr("?!:;\xc2", s[i + 1]) &&
			      (s[i + 1] != '\xc2' || s[i + 2] == '\xbb');
		bool after = s[i] == ' ' && i >= 2 && s[i - 2] == '\xc2' && s[i - 1] == '\xab';
		if (before || after) {
			*o++ = '\xc2';
			*o++ = '\xa0';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* Whether S's first letter is written left to right (false without any letter). */
static bool first_letter_ltr(const char *s)
{
	for (const char *p = s; p && *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (!g_unichar_isalpha(c))
			continue;
		switch (g_unichar_get_script(c)) {
		case G_UNICODE_SCRIPT_ARABIC:
		case G_UNICODE_SCRIPT_HEBREW:
		case G_UNICODE_SCRIPT_SYRIAC:
		case G_UNICODE_SCRIPT_THAANA:
		case G_UNICODE_SCRIPT_NKO:
			return false;
		default:
			return true;
		}
	}
	return false;
}

static PangoLayout *layout_new(cairo_t *cr, const char *s, double px, int flags, double w)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_new();

	/* DejaVu Sans has digits of equal width: a countdown does not jiggle. */
	pango_font_description_set_family(fd, "DejaVu Sans");
	pango_font_description_set_weight(fd,
					  flags & T_BOLD ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, px * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (mirror_w > 0) {
		/* Right to left: a paragraph is right to left unless its first letter is a
		 * left-to-right one (a Latin word, "A+" stays "A+"): a number first does not
		 * turn it; "left" alignment goes to the right either way. */
		bool ltr = first_letter_ltr(s);
		pango_layout_set_auto_dir(l, FALSE);
		pango_context_set_base_dir(pango_layout_get_context(l),
					   ltr ? PANGO_DIRECTION_LTR : PANGO_DIRECTION_RTL);
		pango_layout_context_changed(l);
	}
	if (flags & T_WRAP) {
		pango_layout_set_width(l, (int)(w * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_alignment(l, !(flags & T_LEFT) ? PANGO_ALIGN_CENTER
					      : mirror_w > 0    ? PANGO_ALIGN_RIGHT
								: PANGO_ALIGN_LEFT);
	}
	pango_layout_set_text(l, s, -1);
	return l;
}

/* Lays S out at PX pixels, or smaller until it fits in W x H; R gets its extents. */
static PangoLayout *layout_fit(cairo_t *cr, const char *s, double px, int flags, double w, double h,
			       PangoRectangle *r, double *used)
{
	px *= text_scale;
	PangoLayout *l = layout_new(cr, s, px, flags, w);
	PangoRectangle ink;

	for (int i = 0; i < 24; i++) {
		pango_layout_get_pixel_extents(l, &ink, r);
		if (flags & T_INK)
			*r = ink;
		double scale = fmin(w / fmax(1, r->width), h / fmax(1, r->height));
		if (scale >= 1 || px < 4)
			break;
		px *= fmax(0.6, fmin(0.97, scale));
		g_object_unref(l);
		l = layout_new(cr, s, px, flags, w);
	}
	if (used)
		*used = px;
	return l;
}

/* Tells the audit (tests) how S, wanted at PX, was laid out in W x H. */
static void audited(PangoLayout *l, const char *s, double px, double used, double w, double h,
		    const PangoRectangle *r)
{
	if (!audit.fn)
		return;
	struct draw_fit f = {s,    w,        h,         px * text_scale,
			     used, r->width, r->height, pango_layout_get_unknown_glyphs_count(l)};
	audit.fn(audit.arg, &f);
}

double draw_text_width(cairo_t *cr, const char *s, double px, int flags, double w, double h)
{
	PangoRectangle r;
	PangoLayout *l = layout_fit(cr, s, px, flags & ~T_WRAP, w, h, &r, NULL);

	g_object_unref(l);
	return r.width;
}

double draw_text_height(cairo_t *cr, const char *s, double px, int flags, double w)
{
	if (!s || !*s)
		return 0;
	char *t = french_spaces(s);
	PangoRectangle r;
	PangoLayout *l = layout_fit(cr, t, px, flags | T_WRAP, w, 1e6, &r, NULL);
	g_object_unref(l);
	free(t);
	return r.height;
}

double draw_text(cairo_t *cr, const char *s, double x, double y, double w, double h, double px,
		 int flags, uint32_t col)
{
	if (!s || !*s || w <= 1 || h <= 1)
		return 0;
	char *t = french_spaces(s);
	PangoRectangle r;
	double used;
	PangoLayout *l = layout_fit(cr, t, px, flags, w, h, &r, &used);
	/* A wrapped layout is already aligned inside its width. */
	double tx = draw_mirror_x(x, w);

	audited(l, s, px, used, w, h, &r);
	if (!(flags & T_WRAP))
		tx += -r.x + (!(flags & T_LEFT) ? (w - r.width) / 2
			      : mirror_w > 0    ? w - r.width
						: 0);
	draw_rgb(cr, col);
	cairo_move_to(cr, tx, y + (h - r.height) / 2 - r.y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	free(t);
	return r.width;
}

void draw_icon_text(cairo_t *cr, enum ui_icon icon, const char *s, double x, double y, double w,
		    double h, double px, uint32_t col)
{
	double is = px * 1.3, gap = px * 0.5;
	char *t = french_spaces(s);
	PangoRectangle r;
	double used;
	PangoLayout *l = layout_fit(cr, t, px, T_WRAP | T_BOLD, w - is - gap, h, &r, &used);
	double x0 = x + (w - r.width - is - gap) / 2;

	audited(l, s, px, used, w - is - gap, h, &r);
	draw_icon(cr, icon, x0, y + (h - is) / 2, is, col);
	draw_rgb(cr, col);
	/* The text's ink box, mirrored with the icon. */
	double bx = draw_mirror_x(x0 + is + gap, r.width);
	cairo_move_to(cr, bx - r.x, y + (h - r.height) / 2 - r.y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	free(t);
}

void draw_button(cairo_t *cr, struct ui_hits *hits, double x, double y, double w, double h,
		 const struct draw_btn *b, enum ui_action a, char key)
{
	double r = fmin(w, h) * 0.14, sh = fmax(2, h * 0.05);
	uint32_t fill = b->off ? C_OFF_FILL : b->fill, ink = b->off ? C_OFF_INK : b->ink;

	if (!b->off) {
		draw_rgb(cr, b->edge ? C_KEY_SHADOW : 0x000000);
		if (!b->edge)
			cairo_set_source_rgba(cr, 0, 0, 0, 0.25);
		draw_rrect(cr, x, y + sh, w, h - sh, r);
		cairo_fill(cr);
	}
	draw_rgb(cr, fill);
	draw_rrect(cr, x, y, w, h - sh, r);
	cairo_fill_preserve(cr);
	if (b->edge && !b->off) {
		draw_rgb(cr, b->edge);
		cairo_set_line_width(cr, fmax(2, h * 0.025));
		cairo_stroke(cr);
	}
	cairo_new_path(cr);

	if (b->icon && b->label && w < h * 1.6) {
		/* Narrow: the icon above a smaller label. */
		double is = (h - sh) * 0.34, lh = (h - sh) * 0.3;
		double top = y + (h - sh - is - lh * 1.1) / 2;
		draw_icon(cr, b->icon, x + (w - is) / 2, top, is, ink);
		draw_text(cr, b->label, x + w * 0.06, top + is + lh * 0.1, w * 0.88, lh, lh * 0.9,
			  T_BOLD, ink);
		if (!b->off)
			draw_hit(hits, x, y, w, h, a, key);
		return;
	}
	double px = b->px > 0 ? b->px : h * 0.4, pad = fmin(w * 0.08, h * 0.3);
	double is = b->label ? px * 1.15 : (h - sh) * 0.5, gap = b->icon && b->label ? px * 0.4 : 0;
	double room = w - 2 * pad - (b->icon ? is + gap : 0);
	/* A label that would shrink to under 70 % on one line (a long translation) takes two
	 * lines across the whole room instead. */
	bool wrap = b->label && strchr(b->label, ' ') &&
		    draw_text_width(cr, b->label, px, T_BOLD, 1e5, h) > room / 0.7;
	double tw = !b->label ? 0
		    : wrap    ? room
			      : draw_text_width(cr, b->label, px, T_BOLD, room, h);
	double x0 = x + (w - (b->icon ? is + gap : 0) - tw) / 2, cy = y + (h - sh) / 2;

	if (b->icon)
		draw_icon(cr, b->icon, x0, cy - is / 2, is, ink);
	if (b->label)
		draw_text(cr, b->label, x0 + (b->icon ? is + gap : 0), y, tw + 1, h - sh, px,
			  T_BOLD | (wrap ? T_WRAP : 0), ink);
	if (!b->off)
		draw_hit(hits, x, y, w, h, a, key);
}

/* Pictograms: drawn in a unit square, in the current source colour. */

static void rrect(cairo_t *cr, double x, double y, double w, double h, double r)
{
	r = fmin(r, fmin(w, h) / 2);
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

void draw_rrect(cairo_t *cr, double x, double y, double w, double h, double r)
{
	rrect(cr, draw_mirror_x(x, w), y, w, h, r);
}

static void line(cairo_t *cr, double x0, double y0, double x1, double y1, double lw)
{
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
	cairo_set_line_width(cr, lw);
	cairo_stroke(cr);
}

static void triangle(cairo_t *cr, double x0, double y0, double x1, double y1, double x2, double y2)
{
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
	cairo_line_to(cr, x2, y2);
	cairo_close_path(cr);
	cairo_fill(cr);
}

static void disc(cairo_t *cr, double cx, double cy, double r)
{
	cairo_new_sub_path(cr);
	cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
	cairo_fill(cr);
}

/* Later strokes and fills cut holes through what is drawn (inside a group). */
static void cut(cairo_t *cr)
{
	cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
}

static void house(cairo_t *cr)
{
	cairo_move_to(cr, 0.5, 0.06);
	cairo_line_to(cr, 0.97, 0.5);
	cairo_line_to(cr, 0.84, 0.5);
	cairo_line_to(cr, 0.84, 0.94);
	cairo_line_to(cr, 0.16, 0.94);
	cairo_line_to(cr, 0.16, 0.5);
	cairo_line_to(cr, 0.03, 0.5);
	cairo_close_path(cr);
	cairo_rectangle(cr, 0.41, 0.64, 0.18, 0.3);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	cairo_fill(cr);
}

static void printer(cairo_t *cr)
{
	cairo_rectangle(cr, 0.25, 0.06, 0.5, 0.22);
	cairo_fill(cr);
	rrect(cr, 0.03, 0.32, 0.94, 0.42, 0.08);
	cairo_fill(cr);
	cut(cr);
	cairo_rectangle(cr, 0.19, 0.56, 0.62, 0.44);
	disc(cr, 0.8, 0.44, 0.05);
	cairo_fill(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	cairo_rectangle(cr, 0.26, 0.6, 0.48, 0.34);
	cairo_fill(cr);
	cut(cr);
	line(cr, 0.34, 0.7, 0.66, 0.7, 0.05);
	line(cr, 0.34, 0.82, 0.6, 0.82, 0.05);
}

static void lock(cairo_t *cr)
{
	rrect(cr, 0.12, 0.44, 0.76, 0.52, 0.1);
	cairo_fill(cr);
	cairo_move_to(cr, 0.27, 0.46);
	cairo_arc(cr, 0.5, 0.3, 0.23, M_PI, 2 * M_PI);
	cairo_line_to(cr, 0.73, 0.46);
	cairo_set_line_width(cr, 0.11);
	cairo_stroke(cr);
	cut(cr);
	disc(cr, 0.5, 0.64, 0.08);
	cairo_rectangle(cr, 0.46, 0.64, 0.08, 0.18);
	cairo_fill(cr);
}

static void erase(cairo_t *cr)
{
	cairo_move_to(cr, 0.04, 0.5);
	cairo_line_to(cr, 0.3, 0.18);
	cairo_line_to(cr, 0.96, 0.18);
	cairo_line_to(cr, 0.96, 0.82);
	cairo_line_to(cr, 0.3, 0.82);
	cairo_close_path(cr);
	cairo_set_line_width(cr, 0.06);
	cairo_fill_preserve(cr);
	cairo_stroke(cr);
	cut(cr);
	line(cr, 0.5, 0.36, 0.78, 0.64, 0.09);
	line(cr, 0.78, 0.36, 0.5, 0.64, 0.09);
}

static void exit_door(cairo_t *cr)
{
	cairo_move_to(cr, 0.52, 0.3);
	cairo_line_to(cr, 0.52, 0.06);
	cairo_line_to(cr, 0.06, 0.06);
	cairo_line_to(cr, 0.06, 0.94);
	cairo_line_to(cr, 0.52, 0.94);
	cairo_line_to(cr, 0.52, 0.7);
	cairo_set_line_width(cr, 0.1);
	cairo_stroke(cr);
	line(cr, 0.28, 0.5, 0.74, 0.5, 0.12);
	triangle(cr, 0.98, 0.5, 0.66, 0.24, 0.66, 0.76);
}

static void globe(cairo_t *cr)
{
	cairo_set_line_width(cr, 0.07);
	cairo_arc(cr, 0.5, 0.5, 0.44, 0, 2 * M_PI);
	cairo_stroke(cr);
	cairo_save(cr);
	cairo_translate(cr, 0.5, 0.5);
	cairo_scale(cr, 0.45, 1);
	cairo_arc(cr, 0, 0, 0.44, 0, 2 * M_PI);
	cairo_restore(cr);
	cairo_stroke(cr);
	line(cr, 0.06, 0.5, 0.94, 0.5, 0.07);
	line(cr, 0.15, 0.28, 0.85, 0.28, 0.06);
	line(cr, 0.15, 0.72, 0.85, 0.72, 0.06);
}

static void offline(cairo_t *cr)
{
	cairo_set_line_width(cr, 0.1);
	for (double r = 0.22; r < 0.8; r += 0.2) {
		cairo_new_sub_path(cr);
		cairo_arc(cr, 0.5, 0.86, r, -3 * M_PI / 4, -M_PI / 4);
		cairo_stroke(cr);
	}
	disc(cr, 0.5, 0.86, 0.08);
	cut(cr);
	line(cr, 0.12, 0.06, 0.88, 0.94, 0.24);
	cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	line(cr, 0.12, 0.06, 0.88, 0.94, 0.09);
}

static void hand(cairo_t *cr)
{
	const double finger[4][3] = {
		{0.35, 0.5, 0.2}, {0.49, 0.5, 0.08}, {0.63, 0.5, 0.12}, {0.77, 0.54, 0.26}};

	rrect(cr, 0.28, 0.42, 0.56, 0.52, 0.18);
	cairo_fill(cr);
	for (int i = 0; i < 4; i++)
		line(cr, finger[i][0], finger[i][1], finger[i][0], finger[i][2], 0.12);
	line(cr, 0.32, 0.74, 0.12, 0.48, 0.13);
}

static void hourglass(cairo_t *cr)
{
	line(cr, 0.16, 0.06, 0.84, 0.06, 0.09);
	line(cr, 0.16, 0.94, 0.84, 0.94, 0.09);
	cairo_move_to(cr, 0.26, 0.08);
	cairo_line_to(cr, 0.74, 0.08);
	cairo_line_to(cr, 0.53, 0.5);
	cairo_line_to(cr, 0.74, 0.92);
	cairo_line_to(cr, 0.26, 0.92);
	cairo_line_to(cr, 0.47, 0.5);
	cairo_close_path(cr);
	cairo_set_line_width(cr, 0.07);
	cairo_stroke(cr);
	triangle(cr, 0.35, 0.22, 0.65, 0.22, 0.5, 0.44);
	triangle(cr, 0.5, 0.66, 0.68, 0.88, 0.32, 0.88);
}

static void pictogram(cairo_t *cr, enum ui_icon icon)
{
	switch (icon) {
	case ICON_NONE:
		break;
	case ICON_HOUSE:
		house(cr);
		break;
	case ICON_BACK:
		line(cr, 0.92, 0.5, 0.36, 0.5, 0.16);
		triangle(cr, 0.04, 0.5, 0.46, 0.14, 0.46, 0.86);
		break;
	case ICON_NEXT:
		cairo_set_line_width(cr, 0.1);
		cairo_move_to(cr, 0.2, 0.12);
		cairo_line_to(cr, 0.88, 0.5);
		cairo_line_to(cr, 0.2, 0.88);
		cairo_close_path(cr);
		cairo_fill_preserve(cr);
		cairo_stroke(cr);
		break;
	case ICON_CLOCK:
		cairo_arc(cr, 0.5, 0.5, 0.43, 0, 2 * M_PI);
		cairo_set_line_width(cr, 0.11);
		cairo_stroke(cr);
		line(cr, 0.5, 0.5, 0.5, 0.23, 0.1);
		line(cr, 0.5, 0.5, 0.7, 0.62, 0.1);
		break;
	case ICON_PRINTER:
		printer(cr);
		break;
	case ICON_CHECK:
		cairo_move_to(cr, 0.1, 0.54);
		cairo_line_to(cr, 0.38, 0.8);
		cairo_line_to(cr, 0.9, 0.22);
		cairo_set_line_width(cr, 0.17);
		cairo_stroke(cr);
		break;
	case ICON_ERROR:
		disc(cr, 0.5, 0.5, 0.48);
		cut(cr);
		line(cr, 0.33, 0.33, 0.67, 0.67, 0.12);
		line(cr, 0.67, 0.33, 0.33, 0.67, 0.12);
		break;
	case ICON_WARNING:
		cairo_move_to(cr, 0.5, 0.08);
		cairo_line_to(cr, 0.95, 0.88);
		cairo_line_to(cr, 0.05, 0.88);
		cairo_close_path(cr);
		cairo_set_line_width(cr, 0.1);
		cairo_fill_preserve(cr);
		cairo_stroke(cr);
		cut(cr);
		line(cr, 0.5, 0.36, 0.5, 0.6, 0.11);
		disc(cr, 0.5, 0.75, 0.065);
		break;
	case ICON_OK_CIRCLE:
		disc(cr, 0.5, 0.5, 0.48);
		cut(cr);
		cairo_move_to(cr, 0.27, 0.52);
		cairo_line_to(cr, 0.43, 0.68);
		cairo_line_to(cr, 0.74, 0.35);
		cairo_set_line_width(cr, 0.11);
		cairo_stroke(cr);
		break;
	case ICON_HOURGLASS:
		hourglass(cr);
		break;
	case ICON_LOCK:
		lock(cr);
		break;
	case ICON_ERASE:
		erase(cr);
		break;
	case ICON_EXIT:
		exit_door(cr);
		break;
	case ICON_GLOBE:
		globe(cr);
		break;
	case ICON_OFFLINE:
		offline(cr);
		break;
	case ICON_HAND:
		hand(cr);
		break;
	}
}

void draw_icon(cairo_t *cr, enum ui_icon icon, double x, double y, double s, uint32_t colour)
{
	if (icon == ICON_NONE || s <= 0)
		return;
	cairo_save(cr);
	x = draw_mirror_x(x, s);
	draw_rgb(cr, colour);
	/* The group only spans the icon, so that cutting holes stays cheap on big screens. */
	cairo_rectangle(cr, floor(x - s * 0.1), floor(y - s * 0.1), ceil(s * 1.2) + 1,
			ceil(s * 1.2) + 1);
	cairo_clip(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, s, s);
	if (mirror_w > 0 && (icon == ICON_BACK || icon == ICON_NEXT || icon == ICON_EXIT)) {
		/* Arrows point the way the text reads. */
		cairo_translate(cr, 1, 0);
		cairo_scale(cr, -1, 1);
	}
	cairo_push_group(cr);
	cairo_new_path(cr);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	pictogram(cr, icon);
	cairo_pop_group_to_source(cr);
	cairo_paint(cr);
	cairo_restore(cr);
}

/* Bands across (HORIZONTAL) or down the unit box, in proportions P. */
static void bands(cairo_t *cr, bool horizontal, const uint32_t *col, const double *p, int n)
{
	double at = 0, sum = 0;
	for (int i = 0; i < n; i++)
		sum += p[i];
	for (int i = 0; i < n; i++) {
		double len = p[i] / sum;
		draw_rgb(cr, col[i]);
		if (horizontal)
			cairo_rectangle(cr, 0, at, 1, len + 0.002);
		else
			cairo_rectangle(cr, at, 0, len + 0.002, 1);
		cairo_fill(cr);
		at += len;
	}
}

/* The Union flag in the unit box (its 2:1 drawn in the box's 3:2, simplified: the red
 * saltire not offset). */
static void union_flag(cairo_t *cr, double w, double h)
{
	draw_rgb(cr, 0x012169);
	cairo_paint(cr);
	cairo_scale(cr, 1.0 / w, 1.0 / h);
	for (int red = 0; red < 2; red++) {
		draw_rgb(cr, red ? 0xC8102E : 0xFFFFFF);
		line(cr, 0, 0, w, h, h * (red ? 0.07 : 0.2));
		draw_rgb(cr, red ? 0xC8102E : 0xFFFFFF);
		line(cr, w, 0, 0, h, h * (red ? 0.07 : 0.2));
	}
	draw_rgb(cr, 0xFFFFFF);
	cairo_rectangle(cr, w / 2 - h / 6, 0, h / 3, h);
	cairo_rectangle(cr, 0, h / 3, w, h / 3);
	cairo_fill(cr);
	draw_rgb(cr, 0xC8102E);
	cairo_rectangle(cr, w / 2 - h / 10, 0, h / 5, h);
	cairo_rectangle(cr, 0, h * 0.4, w, h / 5);
	cairo_fill(cr);
}

/* A white crescent and star on red, in the unit box drawn W x H. */
static void crescent_flag(cairo_t *cr, double w, double h)
{
	draw_rgb(cr, 0xE30A17);
	cairo_paint(cr);
	cairo_scale(cr, 1.0 / w, 1.0 / h);
	draw_rgb(cr, 0xFFFFFF);
	cairo_arc(cr, w * 0.38, h / 2, h * 0.25, 0, 2 * M_PI);
	cairo_fill(cr);
	draw_rgb(cr, 0xE30A17);
	cairo_arc(cr, w * 0.42, h / 2, h * 0.2, 0, 2 * M_PI);
	cairo_fill(cr);
	draw_rgb(cr, 0xFFFFFF);
	double cx = w * 0.56, cy = h / 2, r = h * 0.125;
	for (int i = 0; i < 10; i++) {
		double a = M_PI * i / 5 + M_PI, rr = i % 2 ? r * 0.4 : r;
		if (i == 0)
			cairo_move_to(cr, cx + rr * cos(a), cy + rr * sin(a));
		else
			cairo_line_to(cr, cx + rr * cos(a), cy + rr * sin(a));
	}
	cairo_close_path(cr);
	cairo_fill(cr);
}

void draw_flag(cairo_t *cr, const struct lang *l, double x, double y, double w, double h)
{
	if (!l || w <= 1 || h <= 1)
		return;
	x = draw_mirror_x(x, w);
	cairo_save(cr);
	rrect(cr, x, y, w, h, h * 0.1);
	cairo_clip(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, w, h);
	switch (l->mark) {
	case LANG_MARK_FR:
		bands(cr, false, (const uint32_t[]){0x002395, 0xFFFFFF, 0xED2939},
		      (const double[]){1, 1, 1}, 3);
		break;
	case LANG_MARK_GB:
		union_flag(cr, w, h);
		break;
	case LANG_MARK_ES:
		bands(cr, true, (const uint32_t[]){0xAA151B, 0xF1BF00, 0xAA151B},
		      (const double[]){1, 2, 1}, 3);
		break;
	case LANG_MARK_PT:
		bands(cr, false, (const uint32_t[]){0x046A38, 0xDA291C}, (const double[]){2, 3}, 2);
		cairo_scale(cr, 1.0 / w, 1.0 / h);
		draw_rgb(cr, 0xFFE900);
		cairo_arc(cr, w * 0.4, h / 2, h * 0.22, 0, 2 * M_PI);
		cairo_fill(cr);
		break;
	case LANG_MARK_TR:
		crescent_flag(cr, w, h);
		break;
	case LANG_MARK_RO:
		bands(cr, false, (const uint32_t[]){0x002B7F, 0xFCD116, 0xCE1126},
		      (const double[]){1, 1, 1}, 3);
		break;
	case LANG_MARK_UA:
		bands(cr, true, (const uint32_t[]){0x0057B7, 0xFFD700}, (const double[]){1, 1}, 2);
		break;
	case LANG_MARK_LETTER:
		/* A language of many countries: its letter, no country's flag. */
		draw_rgb(cr, 0x2F6F73);
		cairo_paint(cr);
		break;
	}
	cairo_restore(cr);
	if (l->mark == LANG_MARK_LETTER) {
		double was = draw_set_mirror(0);
		draw_text(cr, l->letter, x, y, w, h, h * 0.8, T_BOLD | T_INK, 0xFFFFFF);
		draw_set_mirror(was);
	}
	/* A thin edge, so that a white band shows on a white button. */
	cairo_save(cr);
	draw_rgb(cr, C_KEY_EDGE);
	cairo_set_line_width(cr, 1);
	rrect(cr, x + 0.5, y + 0.5, w - 1, h - 1, h * 0.1);
	cairo_stroke(cr);
	cairo_restore(cr);
}
