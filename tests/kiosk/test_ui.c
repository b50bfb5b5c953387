/* test_ui: renders every screen and the bar at several sizes in both languages; checks hits. */
#include "ui.h"
#include "osk.h"
#include "ui_draw.h"
#include "lang.h"

#include <pango/pangocairo.h>

#include <errno.h>
#include <libintl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int failures;
static char shots[4096];

#define CHECK(cond, ...)                                                                \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
			failures++;                                                     \
		}                                                                       \
	} while (0)

/* Under LeakSanitizer: fontconfig keeps a few bytes of its configuration until exit. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* The bar's panel under a row H high on a screen W x SCREEN_H (0 for a cover screen). */
static int bar_panel;

/* Renders V (the bar if BAR: its row H high, and bar_panel under it) at W x H into
 * SHOTS/NAME.png; returns the surface. */
static cairo_surface_t *render(int w, int h, const struct ui_view *v, bool bar,
			       struct ui_hits *hits, const char *name)
{
	/* The bar: H is its row at 100 %, and it takes the rows it needs. */
	cairo_surface_t *s = cairo_image_surface_create(
		CAIRO_FORMAT_RGB24, w, bar ? ui_bar_rows_height(w, h, v) + bar_panel : h);
	cairo_t *cr = cairo_create(s);
	char path[4200];

	if (bar)
		ui_draw_bar(cr, w, h, bar_panel, v, hits);
	else
		ui_draw_screen(cr, w, h, v, hits);
	CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS, "%s: %s", name,
	      cairo_status_to_string(cairo_status(cr)));
	cairo_destroy(cr);
	cairo_surface_flush(s);
	snprintf(path, sizeof(path), "%s/%s.png", shots, name);
	CHECK(cairo_surface_write_to_png(s, path) == CAIRO_STATUS_SUCCESS, "%s", path);
	return s;
}

static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
	const unsigned char *d = cairo_image_surface_get_data(s);
	return *(const uint32_t *)(d + y * cairo_image_surface_get_stride(s) + x * 4) & 0xffffff;
}

/* Share of the pixels that differ from the background (the bottom-left pixel). */
static double painted(cairo_surface_t *s)
{
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	uint32_t bg = pixel(s, 0, h - 1);
	long n = 0;

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			n += pixel(s, x, y) != bg;
	return (double)n / ((double)w * h);
}

/* Pixels that differ between A and B from row Y0 down. */
static long differing(cairo_surface_t *a, cairo_surface_t *b, int y0)
{
	int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
	long n = 0;

	for (int y = y0; y < h; y++)
		for (int x = 0; x < w; x++)
			n += pixel(a, x, y) != pixel(b, x, y);
	return n;
}

static const struct ui_hit *find(const struct ui_hits *hits, enum ui_action a, char key)
{
	for (int i = 0; i < hits->n; i++)
		if (hits->hit[i].action == a && (!key || hits->hit[i].key == key))
			return &hits->hit[i];
	return NULL;
}

/* The welcome screen's button of the language CODE. */
static const struct ui_hit *find_lang(const struct ui_hits *hits, const char *code)
{
	for (int i = 0; i < hits->n; i++)
		if (hits->hit[i].action == UI_ACT_LANG && lang_index(code) == hits->hit[i].key)
			return &hits->hit[i];
	return NULL;
}

/* Every language offered by V has its button. */
static bool all_langs(const struct ui_hits *hits, const struct ui_view *v)
{
	for (int i = 0; i < v->n_langs; i++)
		if (!find_lang(hits, lang_at(v->langs[i])->code))
			return false;
	return v->n_langs > 0;
}

/* Every hit is inside the window, big enough, and overlaps no other. */
static void check_hits(const struct ui_hits *hits, int w, int h, double min, const char *name)
{
	CHECK(hits->n >= 0 && hits->n <= UI_MAX_HITS, "%s: %d hits", name, hits->n);
	for (int i = 0; i < hits->n; i++) {
		const struct ui_hit *a = &hits->hit[i];
		CHECK(a->x >= 0 && a->y >= 0 && a->x + a->w <= w + 0.01 && a->y + a->h <= h + 0.01,
		      "%s: hit %d (%.0f,%.0f %.0fx%.0f) outside %dx%d", name, i, a->x, a->y, a->w,
		      a->h, w, h);
		/* The language switch and the banner's OK may be smaller than the keys. */
		double least = a->action == UI_ACT_LANG || a->action == UI_ACT_DISMISS ? 44 : min;
		CHECK(a->w >= least && a->h >= least, "%s: hit %d is %.0fx%.0f, under %.0f", name,
		      i, a->w, a->h, least);
		for (int j = 0; j < i; j++) {
			const struct ui_hit *b = &hits->hit[j];
			bool apart = a->x + a->w <= b->x || b->x + b->w <= a->x ||
				     a->y + a->h <= b->y || b->y + b->h <= a->y;
			CHECK(apart, "%s: hits %d and %d overlap", name, j, i);
		}
	}
}

static struct ui_view base_view(bool english)
{
	return (struct ui_view){
		.screen = UI_LOGIN,
		.centre = "Espace social commun Cleunay",
		.lang = english ? "en" : "fr",
		.langs = {0, 1, 2, 3, 4, 5, 6, 7, 8},
		.n_langs = 9,
		.code_len = 8,
		.typed = "",
		.hours_today = "9h00 – 12h00, 14h00 – 18h00",
		.next_open = english ? "Monday 24 November at 9:00" : "lundi 24 novembre à 9h00",
		.lock_text = "Le poste est en maintenance jusqu'à 14h. Les postes 2 et 3 "
			     "fonctionnent.",
		.idle_seconds = 42,
		.online = true,
		.seconds_left = 1234,
		.pages_left = 3,
	};
}

static void check_login(int w, int h, const struct ui_view *v, const char *name)
{
	struct ui_hits hits;
	cairo_surface_t *s = render(w, h, v, false, &hits, name);
	double key_min = fmin(64, h * 0.1);

	CHECK(painted(s) > 0.05, "%s: %.3f painted", name, painted(s));
	check_hits(&hits, w, h, fmin(44, h * 0.07), name);
	CHECK(all_langs(&hits, v), "%s: languages", name);
	if (v->msg == UI_MSG_RATE_LIMITED) {
		CHECK(!find(&hits, UI_ACT_KEY, 0) && !find(&hits, UI_ACT_OK, 0),
		      "%s: keypad should be off", name);
		cairo_surface_destroy(s);
		return;
	}
	for (char d = '0'; d <= '9'; d++) {
		const struct ui_hit *k = find(&hits, UI_ACT_KEY, d);
		/* Alnum codes have no 0, 1, 2, 5, 8: those keys are off. */
		bool used = !v->alnum || !strchr("01258", d);
		CHECK(!k == !used, "%s: key %c %s", name, d, used ? "missing" : "should be off");
		if (k)
			CHECK(k->h >= key_min && k->w >= key_min, "%s: key %c is %.0fx%.0f", name,
			      d, k->w, k->h);
	}
	for (const char *l = "ACDEFGHJKMNPQRTUVWXY"; v->alnum && *l; l++)
		CHECK(find(&hits, UI_ACT_KEY, *l), "%s: no key %c", name, *l);
	if (!v->alnum)
		CHECK(!find(&hits, UI_ACT_KEY, 'A'), "%s: letters without alnum", name);
	CHECK(find(&hits, UI_ACT_ERASE, 0) && find(&hits, UI_ACT_OK, 0), "%s: erase, OK", name);

	const struct ui_hit *five = find(&hits, UI_ACT_KEY, '5');
	CHECK(five || v->alnum, "%s: no 5", name);
	if (five) {
		const struct ui_hit *at =
			ui_hit_at(&hits, five->x + five->w / 2, five->y + five->h / 2);
		CHECK(at && at->action == UI_ACT_KEY && at->key == '5', "%s: hit at 5", name);
	}
	CHECK(!ui_hit_at(&hits, -5, -5) && !ui_hit_at(&hits, w + 5, h / 2.0), "%s: outside", name);
	CHECK(!ui_hit_at(&hits, 2, h - 2), "%s: hit in the bottom-left corner", name);
	cairo_surface_destroy(s);
}

static void check_screen(int w, int h, const struct ui_view *v, enum ui_action want,
			 const char *name)
{
	struct ui_hits hits;
	cairo_surface_t *s = render(w, h, v, false, &hits, name);

	CHECK(painted(s) > 0.03, "%s: %.3f painted", name, painted(s));
	check_hits(&hits, w, h, 64, name);
	if (want != UI_ACT_NONE)
		CHECK(find(&hits, want, 0), "%s: no hit %d", name, want);
	if (v->screen == UI_CLOSED)
		CHECK(all_langs(&hits, v), "%s: languages", name);
	cairo_surface_destroy(s);
}

static void check_bar(int w, int h, const struct ui_view *v, const char *name)
{
	struct ui_hits hits;
	int bh = ui_bar_height(h), rows = ui_bar_rows_height(w, bh, v);
	bar_panel = ui_bar_panel_height(w, bh, h, v);
	cairo_surface_t *s = render(w, bh, v, true, &hits, name);

	CHECK(bh >= 56 && bh <= h / 10, "%s: bar height %d", name, bh);
	/* Taller with "A+" and its tools, never more than 40 % of the screen. */
	CHECK(rows >= bh && rows <= h * 0.4, "%s: bar rows %d", name, rows);
	CHECK(painted(s) > 0.05, "%s: %.3f painted", name, painted(s));
	check_hits(&hits, w, rows + bar_panel, 44, name);
	/* A message has a panel of its own, under the row, at most 40 % of the screen; none
	 * without one. */
	CHECK(!v->banner == !bar_panel, "%s: panel %d", name, bar_panel);
	CHECK(bar_panel <= h * 0.4 + 1, "%s: panel %d", name, bar_panel);
	if (v->banner) {
		/* The rows above it still show the time and the pages: they look as without. */
		struct ui_view plain = *v;
		plain.banner = NULL;
		int keep = bar_panel;
		bar_panel = 0;
		cairo_surface_t *p = render(w, bh, &plain, true, NULL, "bar-plain");
		bar_panel = keep;
		long diff = 0;
		for (int y = 0; y < rows; y++)
			for (int x = 0; x < w; x++)
				diff += pixel(s, x, y) != pixel(p, x, y);
		CHECK(diff == 0, "%s: the message changes the bar's row (%ld pixels)", name, diff);
		cairo_surface_destroy(p);
	}
	bar_panel = 0;
	CHECK(find(&hits, UI_ACT_HOME, 0) && find(&hits, UI_ACT_BACK, 0) &&
		      find(&hits, UI_ACT_END, 0),
	      "%s: bar buttons", name);
	CHECK(!v->banner || !v->banner_dismissable || find(&hits, UI_ACT_DISMISS, 0), "%s: dismiss",
	      name);
	cairo_surface_destroy(s);
}

static void render_all(int w, int h, bool english)
{
	char name[128];
	const char *lang = english ? "en" : "fr";
	struct ui_view v;

#define NAME(s) (snprintf(name, sizeof(name), "%dx%d-%s-%s", w, h, lang, s), name)
	v = base_view(english);
	check_login(w, h, &v, NAME("login"));
	v.typed = "12345";
	v.typed_refused = true;
	v.msg = UI_MSG_UNKNOWN;
	v.online = false;
	check_login(w, h, &v, NAME("login-unknown-offline"));
	v.online = true;
	v.tries_left = 1;
	check_login(w, h, &v, NAME("login-unknown-tries"));
	v = base_view(english);
	v.typed = "12345678";
	v.msg = UI_MSG_CHECKING;
	check_login(w, h, &v, NAME("login-checking"));
	v.msg = UI_MSG_KIOSK_REFUSED;
	v.hours_today = "";
	check_login(w, h, &v, NAME("login-refused-closedtoday"));
	v = base_view(english);
	v.typed = "1234";
	v.msg = UI_MSG_RATE_LIMITED;
	v.lockout_seconds = 102;
	check_login(w, h, &v, NAME("login-ratelimited"));
	v = base_view(english);
	v.alnum = true;
	v.typed = "A3C";
	v.msg = UI_MSG_TOO_SHORT;
	v.hours_today = NULL;
	check_login(w, h, &v, NAME("login-alnum"));
	v = base_view(english);
	v.msg = UI_MSG_GOODBYE;
	check_login(w, h, &v, NAME("login-goodbye"));

	v = base_view(english);
	v.screen = UI_CLOSED;
	check_screen(w, h, &v, UI_ACT_LANG, NAME("closed"));
	v.next_open = NULL;
	v.centre = NULL;
	check_screen(w, h, &v, UI_ACT_LANG, NAME("closed-noreopen"));
	v = base_view(english);
	v.screen = UI_LOCKED;
	check_screen(w, h, &v, UI_ACT_NONE, NAME("locked"));
	v.screen = UI_UNAVAILABLE; /* no keypad: nothing to type a code with */
	check_screen(w, h, &v, UI_ACT_NONE, NAME("unavailable"));
	struct ui_hits uh;
	cairo_surface_destroy(render(w, h, &v, false, &uh, NAME("unavailable")));
	CHECK(!find(&uh, UI_ACT_KEY, 0) && !find(&uh, UI_ACT_OK, 0), "unavailable: a keypad");
	v.screen = UI_ENDING;
	check_screen(w, h, &v, UI_ACT_NONE, NAME("ending"));
	/* The end screen says why, in the resident's words. */
	static const struct {
		enum sm_reason r;
		const char *name;
	} why[] = {{SM_END_EXPIRED, "ending-expired"},
		   {SM_END_CLOSING, "ending-closing"},
		   {SM_END_IDLE, "ending-idle"},
		   {SM_END_STAFF, "ending-staff"},
		   {SM_END_ERROR, "ending-error"}};
	cairo_surface_t *plain = render(w, h, &v, false, NULL, NAME("ending-plain"));
	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
		v.has_end_reason = true;
		v.end_reason = why[i].r;
		check_screen(w, h, &v, UI_ACT_NONE, NAME(why[i].name));
		cairo_surface_t *s = render(w, h, &v, false, NULL, NAME(why[i].name));
		CHECK(differing(plain, s, 0) > 500, "%s: the reason is not shown", name);
		cairo_surface_destroy(s);
	}
	cairo_surface_destroy(plain);
	v.has_end_reason = false;
	/* The last warnings, to dismiss. */
	v.screen = UI_NOTICE;
	v.notice = SM_NOTICE_TIME;
	v.notice_minutes = 1;
	check_screen(w, h, &v, UI_ACT_NOTICE_OK, NAME("notice-time"));
	v.notice = SM_NOTICE_CLOSING;
	v.notice_minutes = 5;
	check_screen(w, h, &v, UI_ACT_NOTICE_OK, NAME("notice-closing"));
	v.screen = UI_CONFIRM_END;
	check_screen(w, h, &v, UI_ACT_YES, NAME("confirm"));
	check_screen(w, h, &v, UI_ACT_NO, NAME("confirm"));
	v.screen = UI_IDLE;
	check_screen(w, h, &v, UI_ACT_CONTINUE, NAME("idle"));
	v.idle_seconds = 90;
	check_screen(w, h, &v, UI_ACT_CONTINUE, NAME("idle-90"));

	v = base_view(english);
	check_bar(w, h, &v, NAME("bar"));
	v.seconds_left = 250;
	v.pages_left = 1;
	check_bar(w, h, &v, NAME("bar-5min"));
	v.seconds_left = 42;
	v.pages_left = -1;
	v.online = false;
	check_bar(w, h, &v, NAME("bar-1min-offline"));
	v = base_view(english);
	v.seconds_left = 14 * 60 + 50;
	v.closing_at = "18h00";
	check_bar(w, h, &v, NAME("bar-closing"));
	v = base_view(english);
	v.seconds_left = 3 * 3600 + 25 * 60 + 7;
	v.pages_left = 120;
	v.online = false;
	check_bar(w, h, &v, NAME("bar-hours"));
	v = base_view(english);
	v.banner = english ? "The centre closes in 5 minutes" : "Le centre ferme dans 5 minutes";
	check_bar(w, h, &v, NAME("bar-banner"));
	v.banner = "Message de l'accueil : votre impression est prête, venez la chercher au "
		   "comptoir.";
	v.banner_urgent = true;
	v.banner_dismissable = true;
	check_bar(w, h, &v, NAME("bar-banner-urgent"));
#undef NAME
}

/* The catalog is found and switching language at run time takes effect. */
/* admind's print notices, worded in both languages. */
static void check_print_notices(void)
{
	char b[512];
	bool calm = true;
	ui_set_language("fr");
	CHECK(ui_print_notice(b, sizeof(b), "refused_quota", 12, 3, &calm) && !calm,
	      "refused_quota");
	CHECK(!strcmp(b, "12 pages demandées, il vous en reste 3 : impression annulée."), "%s", b);
	CHECK(ui_print_notice(b, sizeof(b), "jam", 0, 7, &calm) && !calm, "jam");
	CHECK(!strcmp(b, "L'imprimante est bloquée, l'accueil est prévenu."), "%s", b);
	CHECK(ui_print_notice(b, sizeof(b), "released", 3, 1, &calm) && calm, "released");
	CHECK(!strcmp(b, "Impression de 3 pages en cours. Il vous reste 1 page."), "%s", b);
	CHECK(ui_print_notice(b, sizeof(b), "cancelled", 2, 9, &calm) && calm, "cancelled");
	CHECK(!strcmp(b, "Impression annulée : 2 pages vous sont rendues. Il vous reste 9 pages."),
	      "%s", b);
	CHECK(ui_print_notice(b, sizeof(b), "refused_no_such_reason", 1, 1, &calm),
	      "other refusal");
	CHECK(!ui_print_notice(b, sizeof(b), "launch_missiles", 1, 1, &calm), "unknown event");
	CHECK(!ui_print_notice(b, sizeof(b), NULL, 1, 1, &calm), "no event");
	ui_set_language("en");
	CHECK(ui_print_notice(b, sizeof(b), "refused_quota", 12, 3, &calm), "refused_quota en");
	CHECK(!strcmp(b, "12 pages requested, you have 3 left: printing cancelled."), "%s", b);
	CHECK(ui_print_notice(b, sizeof(b), "printed", 1, 0, &calm), "printed en");
	CHECK(!strcmp(b, "1 page printed. You have no pages left."), "%s", b);
	/* The kiosk's own notice: print.server does not answer. */
	CHECK(ui_print_notice(b, sizeof(b), "unreachable", 0, 4, &calm) && !calm, "unreachable");
	CHECK(!strcmp(b, "The printer does not answer. Please ask at the desk."), "%s", b);
	ui_set_language("fr");
	CHECK(ui_print_notice(b, sizeof(b), "unreachable", 0, 4, &calm), "unreachable fr");
	CHECK(!strcmp(b, "L'imprimante ne répond pas. Adressez-vous à l'accueil."), "%s", b);
	ui_set_language("en");
	CHECK(ui_print_notice(b, 8, "jam", 0, 0, &calm) && strlen(b) == 7, "cut: %s", b);
	ui_set_language("fr");
}

/* The bar's tools: each one asked for has its button, in order between "Retour" and the time,
 * none overlapping, at every size; none without them. */
/* "A+": larger text paints more, leaves every button where it was (text shrinks to fit its
 * box), and high contrast draws in black and yellow only. */
static void check_text_size(void)
{
	struct ui_view v = base_view(false);
	struct ui_hits h1, h2;
	cairo_surface_t *a = render(1024, 768, &v, false, &h1, "1024x768-fr-login-text100");
	v.text_step = 3;
	v.text_percent = 200;
	cairo_surface_t *b = render(1024, 768, &v, false, &h2, "1024x768-fr-login-text200");
	long diff = 0;
	for (int y = 0; y < 768; y++)
		for (int x = 0; x < 1024; x++)
			diff += pixel(a, x, y) != pixel(b, x, y);
	CHECK(diff > 1024 * 768 / 50, "200 %%: only %ld pixels changed", diff);
	/* The same buttons, each still on the screen (check_login checks the rest). */
	CHECK(h1.n == h2.n, "%d hits, then %d", h1.n, h2.n);
	for (int i = 0; i < h2.n; i++)
		CHECK(h2.hit[i].x >= 0 && h2.hit[i].y >= 0 && h2.hit[i].x + h2.hit[i].w <= 1024 &&
			      h2.hit[i].y + h2.hit[i].h <= 768,
		      "hit %d off the screen", i);
	check_login(1024, 768, &v, "1024x768-fr-login-text200-checked");
	v.text_step = 4;
	v.contrast = true;
	cairo_surface_t *c = render(1024, 768, &v, false, &h2, "1024x768-fr-login-contrast");
	long other = 0;
	for (int y = 0; y < 768; y++)
		for (int x = 0; x < 1024; x++)
			other += (pixel(c, x, y) & 0xff) != 0; /* black, yellow and their blends */
	CHECK(other == 0, "%ld pixels neither black nor yellow", other);
	v.tools = (1u << UI_TOOL_COUNT) - 1;
	v.tools_on = 1u << UI_TOOL_TEXT;
	check_bar(1024, 768, &v, "1024x768-fr-bar-contrast");
	v.contrast = false;
	v.text_step = 3;
	check_bar(1024, 768, &v, "1024x768-fr-bar-text200");
	/* A first row too short for the time at 200 % (a small screen): the time and the pages
	 * go under it, nothing overlaps and every button stays on the screen. */
	struct ui_hits h3;
	int bh = ui_bar_height(600), rows = ui_bar_rows_height(800, bh, &v);
	bar_panel = 0;
	cairo_surface_destroy(render(800, bh, &v, true, &h3, "800x600-fr-bar-text200"));
	check_hits(&h3, 800, rows, 44, "800x600-fr-bar-text200");
	const struct ui_hit *end = find(&h3, UI_ACT_END, 0);
	CHECK(rows > 2 * bh && end && end->y < bh, "800x600 at 200 %%: rows %d", rows);
	/* A mediator's long name where the time goes, at 200 %: wider than the screen, it
	 * takes a row of its own; the buttons still do not overlap. */
	v.accompanied_by = "Marie-Christine Dupont-Lefèvre";
	bh = ui_bar_height(768);
	rows = ui_bar_rows_height(1024, bh, &v);
	cairo_surface_destroy(render(1024, bh, &v, true, &h3, "1024x768-fr-bar-accompanied200"));
	check_hits(&h3, 1024, rows, 44, "1024x768-fr-bar-accompanied200");
	CHECK(rows >= 3 * bh, "accompanied at 200 %%: rows %d", rows);
	v.accompanied_by = NULL;
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
	cairo_surface_destroy(c);
}

/* The "A+" panel: four sizes, contrast, Fermer, and "Appliquer aux sites" only when offered;
 * every button on the screen, big, apart from the others, at 200 % and in contrast too. */
static void check_text_panel(int w, int h, bool english)
{
	for (int k = 0; k < 4; k++) {
		struct ui_view v = base_view(english);
		v.screen = UI_TEXT;
		v.text_step = k;
		v.text_percent = k == 2 ? 200 : 100;
		v.contrast = k == 1 || k == 2; /* (the last leaves the drawing style plain) */
		v.text_sites = k % 2 == 1;
		char name[64];
		snprintf(name, sizeof(name), "%dx%d-%s-text-panel-%d", w, h, english ? "en" : "fr",
			 k);
		struct ui_hits hits;
		cairo_surface_t *s = render(w, h, &v, false, &hits, name);
		CHECK(painted(s) > 0.02, "%s: %.3f painted", name, painted(s));
		check_hits(&hits, w, h, 44, name);
		CHECK(hits.n == 6 + v.text_sites, "%s: %d buttons", name, hits.n);
		for (int i = 0; i < TEXTSIZE_STEPS; i++)
			CHECK(find(&hits, UI_ACT_TEXT, (char)(UI_TEXT_SIZE0 + i)), "%s: size %d",
			      name, i);
		CHECK(find(&hits, UI_ACT_TEXT, UI_TEXT_CONTRAST) &&
			      find(&hits, UI_ACT_TEXT, UI_TEXT_CLOSE) &&
			      !find(&hits, UI_ACT_TEXT, UI_TEXT_SITES) == !v.text_sites,
		      "%s: contrast, close, sites", name);
		cairo_surface_destroy(s);
	}
}

static void check_tools(int w, int h, bool english)
{
	struct ui_view v = base_view(english);
	struct ui_hits hits;
	char name[64];
	int bh = ui_bar_height(h);
	v.tools = (1u << UI_TOOL_COUNT) - 1;
	v.tools_on = 1u << UI_TOOL_KEYBOARD;
	snprintf(name, sizeof(name), "%dx%d-%s-bar-tools", w, h, english ? "en" : "fr");
	bar_panel = 0;
	int rows = ui_bar_rows_height(w, bh, &v);
	cairo_surface_t *s = render(w, bh, &v, true, &hits, name);
	check_hits(&hits, w, rows, 44, name);
	/* One row, or a second one for the tools: never more at 100 %. */
	CHECK(rows == bh || rows == 2 * bh, "%s: %d px of rows for a row of %d", name, rows, bh);
	/* A wide screen keeps the browser its room: one row. */
	CHECK(w < 1920 || rows == bh, "%s: %d px of rows on a wide screen", name, rows);
	const struct ui_hit *back = find(&hits, UI_ACT_BACK, 0), *end = find(&hits, UI_ACT_END, 0);
	CHECK(back && end, "%s: back, end", name);
	/* The tools in reading order: after "Retour" in its row, or in the rows under it. */
	double x = back ? back->x + back->w : 0, y = back ? back->y : 0, row0 = x;
	for (int t = 0; t < UI_TOOL_COUNT; t++) {
		const struct ui_hit *hit = NULL;
		for (int i = 0; i < hits.n; i++)
			if (hits.hit[i].action == UI_ACT_TOOL && hits.hit[i].key == t)
				hit = &hits.hit[i];
		CHECK(hit, "%s: no %s tool", name, ui_tool_word(t));
		if (!hit)
			continue;
		CHECK(hit->y > y + 1 || (fabs(hit->y - y) < 1 && hit->x >= x),
		      "%s: %s out of order", name, ui_tool_word(t));
		CHECK((rows == bh) == (back && fabs(hit->y - back->y) < 1),
		      "%s: %s in the wrong row", name, ui_tool_word(t));
		x = hit->x + hit->w, y = hit->y;
		if (back && fabs(hit->y - back->y) < 1)
			row0 = x;
	}
	/* Room is left for the time and the pages between the tools and "Terminer". */
	CHECK(end && end->x - row0 >= w * 0.2, "%s: %.0f px left for the time", name,
	      end ? end->x - row0 : 0);
	cairo_surface_destroy(s);
	v.tools = 0;
	s = render(w, bh, &v, true, &hits, "bar-no-tools");
	for (int i = 0; i < hits.n; i++)
		CHECK(hits.hit[i].action != UI_ACT_TOOL, "%s: a tool without being asked", name);
	cairo_surface_destroy(s);
	CHECK(!strcmp(ui_tool_word(UI_TOOL_SCAN), "scan") &&
		      !strcmp(ui_tool_word(UI_TOOL_COUNT), "none"),
	      "tool words");
}

/* The on-screen keyboard at W x H: each key drawn where osk.c lays it out (a letter white,
 * Maj yellow while on, the gaps the keyboard's dark background), its label inked. */
static void check_keyboard(int w, int h, bool shift, const char *name)
{
	int kh = osk_height(w, h);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, kh);
	cairo_t *cr = cairo_create(s);
	struct osk_layout l;
	ui_draw_keyboard(cr, w, kh, shift, &l);
	CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS, "%s", name);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s.png", shots, name);
	CHECK(cairo_surface_write_to_png(s, path) == CAIRO_STATUS_SUCCESS, "%s", path);
	CHECK(l.n == osk_count(), "%s", name);
	CHECK(pixel(s, 1, 1) == C_BAR, "%s: background %06x", name, pixel(s, 1, 1));
	for (int i = 0; i < l.n; i++) {
		const struct osk_key *k = osk_key(i);
		const struct osk_rect *r = &l.r[i];
		/* Just inside the key's top left corner (past its rounding): its fill. */
		uint32_t fill = pixel(s, (int)(r->x + r->h * 0.2), (int)(r->y + r->h * 0.1));
		uint32_t want = k->kind == OSK_SHIFT && shift ? C_YELLOW
				: k->special                  ? C_BAR_BTN
							      : C_WHITE;
		CHECK(fill == want, "%s: key %s filled %06x, not %06x", name, k->label, fill, want);
		/* Its label: some ink other than the fill inside it. */
		long ink = 0;
		for (int x = (int)r->x + 2; x < (int)(r->x + r->w) - 2; x++)
			for (int y = (int)(r->y + r->h * 0.15); y < (int)(r->y + r->h * 0.85); y++)
				ink += pixel(s, x, y) != want;
		CHECK(ink > 20, "%s: key %s has no label", name, k->label);
	}
	cairo_surface_destroy(s);
}

static bool mirrored(const struct ui_hits *ltr, const struct ui_hits *rtl, int w, const char *name);

/* The mediator's sign-in screen W x H with its keyboard docked at the bottom: its fields
 * and buttons above the keyboard, big enough, none overlapping; each key drawn where the
 * kiosk will look for it (osk_layout of ui_accompany_keyboard_rect); in Arabic the screen
 * mirrored but the keyboard left to right, the same pixels. */
static void check_accompany(int w, int h, bool english)
{
	char name[96];
	const char *lang = english ? "en" : "fr";
	struct ui_view v = base_view(english);
	v.screen = UI_ACCOMPANY;
	v.acc_name = "Marie-Christine Dupont";
	v.acc_dots = 9;
	v.acc_field = ACC_FIELD_PASSWORD;
	v.acc_keyboard_button = true;
	struct ui_hits plain, l, r;
	snprintf(name, sizeof(name), "%dx%d-%s-accompany", w, h, lang);
	cairo_surface_t *s0 = render(w, h, &v, false, &plain, name);
	check_hits(&plain, w, h, 48, name);
	v.acc_keyboard = true;
	snprintf(name, sizeof(name), "%dx%d-%s-accompany-keyboard", w, h, lang);
	cairo_surface_t *s = render(w, h, &v, false, &l, name);
	/* The keyboard changes the screen. */
	CHECK(differing(s0, s, 0) > w * 10, "%s: the keyboard does not show", name);
	check_hits(&l, w, h, 44, name);
	static const char keys[] = {UI_ACC_NAME, UI_ACC_PASSWORD, UI_ACC_CANCEL, UI_ACC_KEYBOARD,
				    UI_ACC_OK};
	struct osk_rect kr;
	ui_accompany_keyboard_rect(w, h, &kr);
	CHECK(kr.x == 0 && kr.w == w && kr.y + kr.h == h && kr.h == osk_height(w, h),
	      "%s: keyboard at %.0f,%.0f %.0fx%.0f", name, kr.x, kr.y, kr.w, kr.h);
	for (size_t i = 0; i < sizeof(keys); i++) {
		const struct ui_hit *hit = find(&l, UI_ACT_ACCOMPANY, keys[i]);
		CHECK(hit, "%s: no hit %c", name, keys[i]);
		if (hit)
			CHECK(hit->y + hit->h <= kr.y + 0.01 && hit->y >= 0,
			      "%s: hit %c (y %.0f, %.0f high) under the keyboard at %.0f", name,
			      keys[i], hit->y, hit->h, kr.y);
	}
	/* The fields side by side, the password's right of the name's. */
	const struct ui_hit *fn = find(&l, UI_ACT_ACCOMPANY, UI_ACC_NAME),
			    *fp = find(&l, UI_ACT_ACCOMPANY, UI_ACC_PASSWORD);
	CHECK(fn && fp && fn->x + fn->w <= fp->x && fn->w >= w * 0.3, "%s: fields", name);
	struct osk_layout ol;
	osk_layout((int)kr.w, (int)kr.h, &ol);
	CHECK(ol.n == osk_count(), "%s", name);
	for (int i = 0; i < ol.n; i++) {
		const struct osk_key *k = osk_key(i);
		const struct osk_rect *q = &ol.r[i];
		uint32_t fill = pixel(s, (int)(q->x + q->h * 0.2), (int)(kr.y + q->y + q->h * 0.1));
		uint32_t want = k->special ? C_BAR_BTN : C_WHITE;
		CHECK(fill == want, "%s: key %s filled %06x, not %06x", name, k->label, fill, want);
		CHECK(q->h >= OSK_MIN_KEY, "%s: key %s %.0f high", name, k->label, q->h);
	}
	/* Right to left: the screen's hits mirrored, the keyboard as it is. */
	v.rtl = true;
	snprintf(name, sizeof(name), "%dx%d-%s-accompany-keyboard-rtl", w, h, lang);
	cairo_surface_t *sr = render(w, h, &v, false, &r, name);
	mirrored(&l, &r, w, name);
	CHECK(differing(s, sr, (int)kr.y) == 0, "%s: the keyboard mirrored", name);
	cairo_surface_destroy(s0);
	cairo_surface_destroy(s);
	cairo_surface_destroy(sr);
}

/* The scan screen in each of its states: its buttons, big enough, none overlapping. */
static void check_scan(int w, int h, bool english)
{
	static const struct {
		enum sf_state state;
		const char *keys; /* the buttons it must have */
		const char *name;
	} states[] = {{SF_PLACE, "xscg", "place"},    {SF_SCANNING, "", "scanning"},
		      {SF_PREVIEW, "raf", "preview"}, {SF_SAVING, "", "saving"},
		      {SF_DONE, "xj", "done"},        {SF_ERROR, "xt", "error"}};
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		struct ui_view v = base_view(english);
		v.screen = UI_SCAN;
		v.scan.state = states[i].state;
		v.scan.pages = 2;
		v.scan.progress = 40;
		v.scan.error = states[i].state == SF_ERROR ? SF_ERR_JAMMED : SF_ERR_NONE;
		v.scan_saved = "document-1.pdf";
		char name[64];
		snprintf(name, sizeof(name), "%dx%d-%s-scan-%s", w, h, english ? "en" : "fr",
			 states[i].name);
		struct ui_hits hits;
		cairo_surface_t *s = render(w, h, &v, false, &hits, name);
		CHECK(painted(s) > 0.01, "%s: %.3f painted", name, painted(s));
		check_hits(&hits, w, h, 56, name);
		for (const char *k = states[i].keys; *k; k++)
			CHECK(find(&hits, UI_ACT_SCAN, *k), "%s: no button %c", name, *k);
		CHECK(hits.n == (int)strlen(states[i].keys), "%s: %d buttons", name, hits.n);
		cairo_surface_destroy(s);
	}
}

/* The USB done screen with printing: "Imprimer" beside OK for the one PDF copied, then
 * what became of it (the queue's notice, here the refusal over the quota, or the queue's
 * failure); its texts stay clear of the buttons. */
static void check_usb_print(int w, int h, bool english, struct usb_entry *e)
{
	char notice[300];
	bool calm;
	CHECK(ui_print_notice(notice, sizeof(notice), "refused_quota", 2, 0, &calm), "notice");
	static const struct {
		bool printed, failed;
		int hits;
		const char *name;
	} cases[] = {{false, false, 2, "offered"},
		     {true, false, 1, "printed"},
		     {false, true, 2, "failed"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ui_view v = base_view(english);
		v.screen = UI_USB;
		v.usb.state = UF_DONE;
		v.usb.n = 4;
		v.usb.to_copy = 3;
		v.usb.copied = 2; /* one was refused: its line too */
		v.usb.done = 3;
		v.usb.pdfs = 1;
		v.usb.print_entry = 2;
		v.usb.can_print = true;
		v.usb.printed = cases[i].printed;
		v.usb.print_failed = cases[i].failed;
		v.usb_entries = e;
		v.banner = cases[i].printed ? notice : NULL;
		v.banner_calm = calm;
		char name[64];
		snprintf(name, sizeof(name), "%dx%d-%s-usb-print-%s", w, h, english ? "en" : "fr",
			 cases[i].name);
		struct ui_hits hits;
		cairo_surface_t *s = render(w, h, &v, false, &hits, name);
		check_hits(&hits, w, h, 56, name);
		CHECK(hits.n == cases[i].hits, "%s: %d hits", name, hits.n);
		CHECK(find(&hits, UI_ACT_USB, UI_USB_CLOSE), "%s: OK", name);
		CHECK(!!find(&hits, UI_ACT_USB, UI_USB_PRINT) == !cases[i].printed, "%s: Imprimer",
		      name);
		/* Between the texts' last box (81 % down) and the buttons: background only. */
		double top = h;
		for (int j = 0; j < hits.n; j++)
			top = fmin(top, hits.hit[j].y);
		uint32_t bg = pixel(s, 0, h - 1);
		long ink = 0;
		for (int y = (int)(h * 0.81) + 1; y < (int)top - 1; y++)
			for (int x = 0; x < w; x++)
				ink += pixel(s, x, y) != bg;
		CHECK(top > h * 0.81 && ink == 0, "%s: text over the buttons (%ld)", name, ink);
		cairo_surface_destroy(s);
	}
}

/* The USB screen: a page of rows to tap, the buttons of each state. */
static void check_usb(int w, int h, bool english)
{
	static struct usb_entry e[9];
	for (int i = 0; i < 9; i++) {
		snprintf(e[i].name, sizeof(e[i].name), "Attestation de paiement CAF %d.pdf", i);
		e[i].bytes = 1000LL * (i + 1) * 300;
	}
	static const struct {
		enum uf_state state;
		int n, hits;
		const char *name;
	} states[] = {{UF_READING, 0, 1, "reading"},
		      {UF_LIST, 9, 6 + 3, "list"} /* "<" off on the first page */,
		      {UF_LIST, 2, 2 + 2, "list-short"},
		      {UF_COPYING, 0, 0, "copying"},
		      {UF_DONE, 0, 1, "done"},
		      {UF_ERROR, 0, 1, "error"},
		      {UF_PRINTING, 0, 0, "printing"}};
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		struct ui_view v = base_view(english);
		v.screen = UI_USB;
		v.usb.state = states[i].state;
		v.usb.n = states[i].n;
		v.usb.chosen[1] = true;
		v.usb.to_copy = 3;
		v.usb.done = v.usb.copied = 2;
		v.usb.error = states[i].state == UF_ERROR ? UF_ERR_GONE : UF_ERR_NONE;
		v.usb_entries = e;
		char name[64];
		snprintf(name, sizeof(name), "%dx%d-%s-usb-%s", w, h, english ? "en" : "fr",
			 states[i].name);
		struct ui_hits hits;
		cairo_surface_t *s = render(w, h, &v, false, &hits, name);
		CHECK(painted(s) > 0.005, "%s: %.3f painted", name, painted(s));
		check_hits(&hits, w, h, 56, name);
		CHECK(hits.n == states[i].hits, "%s: %d hits", name, hits.n);
		if (states[i].state == UF_LIST)
			CHECK(find(&hits, UI_ACT_USB, '0') && find(&hits, UI_ACT_USB, UI_USB_COPY),
			      "%s: rows and Copier", name);
		cairo_surface_destroy(s);
	}
	check_usb_print(w, h, english, e);
}

static void check_language(void)
{
	const char *fr = "Tapez votre code";

	ui_set_language("en");
	CHECK(!strcmp(dgettext("escale", fr), "Type your code"), "English: %s",
	      dgettext("escale", fr));
	CHECK(!strcmp(dngettext("escale", "%d page", "%d pages", 3), "%d pages"), "plural");
	ui_set_language("fr");
	CHECK(!strcmp(dgettext("escale", fr), fr), "French: %s", dgettext("escale", fr));
	ui_set_language("en");
	CHECK(!strcmp(dgettext("escale", "Terminer"), "Finish"), "back to English: %s",
	      dgettext("escale", "Terminer"));
	CHECK(!strcmp(ui_language(), "en"), "%s", ui_language());
	/* One of the nine without its catalogue yet: the French words. */
	ui_set_language("uk");
	CHECK(!strcmp(ui_language(), "uk") && !strcmp(getenv("LANGUAGE"), "uk"), "uk");
	ui_set_language("de"); /* not one of them: French */
	CHECK(!strcmp(ui_language(), "fr") && !strcmp(dgettext("escale", fr), fr), "de: %s",
	      ui_language());
	ui_set_language("fr");

	/* The view's language drives the drawing, whatever was set before. */
	struct ui_view v = base_view(false);
	cairo_surface_t *a = render(1024, 768, &v, false, NULL, "lang-fr");
	v.lang = "en";
	cairo_surface_t *b = render(1024, 768, &v, false, NULL, "lang-en");
	/* Below the header, where only the texts can differ. */
	CHECK(differing(a, b, 768 / 5) > 1000, "French and English look the same");
	v.lang = "fr";
	cairo_surface_t *c = render(1024, 768, &v, false, NULL, "lang-fr-again");
	CHECK(differing(a, c, 0) == 0, "French differs after a round trip");
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
	cairo_surface_destroy(c);
}

/* The hit of V's action A and key K mirrored: at W - x - w. */
static bool mirrored(const struct ui_hits *ltr, const struct ui_hits *rtl, int w, const char *name)
{
	bool ok = ltr->n == rtl->n && ltr->n > 0;
	CHECK(ok, "%s: %d hits left to right, %d right to left", name, ltr->n, rtl->n);
	for (int i = 0; ok && i < ltr->n; i++) {
		const struct ui_hit *a = &ltr->hit[i], *b = &rtl->hit[i];
		bool same = a->action == b->action && a->key == b->key &&
			    fabs(b->x - (w - a->x - a->w)) < 1 && fabs(a->y - b->y) < 1 &&
			    fabs(a->w - b->w) < 1 && fabs(a->h - b->h) < 1;
		CHECK(same, "%s: hit %d (action %d) at x %.0f, not mirrored from %.0f", name, i,
		      a->action, b->x, a->x);
		ok = same;
	}
	return ok;
}

/* The columns of S that hold ink (not white): the first and the last. */
static void ink_span(cairo_surface_t *s, int *first, int *last)
{
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	*first = w, *last = -1;
	for (int x = 0; x < w; x++)
		for (int y = 0; y < h; y++)
			if (pixel(s, x, y) != 0xffffff) {
				*first = x < *first ? x : *first;
				*last = x;
				break;
			}
}

/* Mirrored, text "aligned left" sits at the right of its box, Arabic or Latin, one line or
 * wrapped; not mirrored, at the left, but for a wrapped Arabic paragraph (Pango's own
 * right-to-left alignment). */
static void check_rtl_text(void)
{
	static const struct {
		const char *s;
		int flags;
		bool right; /* not mirrored: at the right all the same */
	} texts[] = {{"مرحبا بكم", T_LEFT, false},
		     {"Bonjour", T_LEFT, false},
		     {"اكتب الرمز الموجود على التذكرة ثم اضغط على الزر", T_LEFT | T_WRAP, true}};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (int mirror = 0; mirror <= 1; mirror++) {
			cairo_surface_t *s =
				cairo_image_surface_create(CAIRO_FORMAT_RGB24, 600, 80);
			cairo_t *cr = cairo_create(s);
			cairo_set_source_rgb(cr, 1, 1, 1);
			cairo_paint(cr);
			draw_set_mirror(mirror ? 600 : 0);
			draw_text(cr, texts[i].s, 0, 0, 600, 80, 18, texts[i].flags, C_INK);
			draw_set_mirror(0);
			cairo_destroy(cr);
			int first, last;
			ink_span(s, &first, &last);
			CHECK(last > first, "%s: nothing drawn", texts[i].s);
			if (mirror || texts[i].right)
				CHECK(last > 590 && first > 150,
				      "%s mirrored: ink %d..%d, not at the right", texts[i].s,
				      first, last);
			else
				CHECK(first < 10 && last < 450, "%s: ink %d..%d, not at the left",
				      texts[i].s, first, last);
			cairo_surface_destroy(s);
		}
}

/* Arabic: the bar and the welcome screen laid out mirrored, the keypad's keys and the code
 * left to right as on every phone. The same (French) words in both, so that only the
 * direction differs: the view right to left, its language French (with Arabic's own
 * catalogue the words, and so the buttons' widths, would differ). */
static void check_rtl(void)
{
	struct ui_view v = base_view(false);
	struct ui_hits l, r;
	int bh = ui_bar_height(768);
	v.tools = (1u << UI_TOOL_COUNT) - 1;
	bar_panel = 0;
	cairo_surface_destroy(render(1024, bh, &v, true, &l, "1024x768-fr-bar-ltr"));
	v.rtl = true;
	cairo_surface_destroy(render(1024, bh, &v, true, &r, "1024x768-ar-bar-rtl"));
	mirrored(&l, &r, 1024, "bar");
	const struct ui_hit *home = find(&r, UI_ACT_HOME, 0), *end = find(&r, UI_ACT_END, 0);
	CHECK(home && end && end->x < 100 && home->x > 1024 - 300, "bar: Terminer on the left");

	/* The welcome screen, wide: the keypad on the left, its 1 still left of its 3. */
	v = base_view(false);
	cairo_surface_destroy(render(1280, 800, &v, false, &l, "1280x800-fr-login-ltr"));
	v.rtl = true;
	cairo_surface_destroy(render(1280, 800, &v, false, &r, "1280x800-ar-login-rtl"));
	const struct ui_hit *l1 = find(&l, UI_ACT_KEY, '1'), *r1 = find(&r, UI_ACT_KEY, '1'),
			    *r3 = find(&r, UI_ACT_KEY, '3');
	CHECK(l1 && r1 && r3 && l1->x > 640 && r3->x + r3->w < 640 && r1->x < r3->x,
	      "welcome: keypad not moved to the left, or its keys mirrored");
	/* The languages: French, first, at the right end. */
	const struct ui_hit *lf = find_lang(&l, "fr"), *rf = find_lang(&r, "fr"),
			    *ra = find_lang(&r, "ar");
	CHECK(lf && rf && ra && fabs(rf->x - (1280 - lf->x - lf->w)) < 1 && ra->x < rf->x,
	      "welcome: languages not mirrored");
	/* A whole screen of text and buttons, and the bar with a message, mirrored. */
	v = base_view(false);
	v.screen = UI_CONFIRM_END;
	cairo_surface_destroy(render(1024, 768, &v, false, &l, "1024x768-fr-confirm-ltr"));
	v.rtl = true;
	cairo_surface_destroy(render(1024, 768, &v, false, &r, "1024x768-ar-confirm-rtl"));
	mirrored(&l, &r, 1024, "confirm");
	v = base_view(false);
	v.banner = "Message de l'accueil : venez au comptoir.";
	v.banner_dismissable = true;
	bar_panel = ui_bar_panel_height(1024, bh, 768, &v);
	cairo_surface_destroy(render(1024, bh, &v, true, &l, "1024x768-fr-bar-banner-ltr"));
	v.rtl = true;
	cairo_surface_destroy(render(1024, bh, &v, true, &r, "1024x768-ar-bar-banner-rtl"));
	bar_panel = 0;
	mirrored(&l, &r, 1024, "bar with a message");
}

int main(void)
{
	/* The sizes of the centres' screens, and a small one. */
	static const int sizes[][2] = {
		{800, 600}, {1024, 768}, {1280, 800}, {1366, 768}, {1920, 1080}};
	const char *dir = getenv("ESCALE_UI_SHOTS");

	if (dir && *dir) {
		snprintf(shots, sizeof(shots), "%s", dir);
		if (mkdir(shots, 0755) < 0 && errno != EEXIST) {
			perror(shots);
			return 1;
		}
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(shots, sizeof(shots), "%s/escale-ui-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(shots)) {
			perror("mkdtemp");
			return 1;
		}
	}
	printf("screenshots in %s\n", shots);

	ui_init_i18n();
	check_language();
	check_print_notices();
	check_text_size();
	check_rtl();
	check_rtl_text();
	{
		/* The welcome screen's "Demander de l'aide" and "Écouter", a call made. */
		struct ui_view w = base_view(false);
		w.tools = (1u << UI_TOOL_HELP) | (1u << UI_TOOL_SPEAK);
		check_login(1024, 768, &w, "1024x768-fr-login-tools");
		struct ui_hits hs;
		cairo_surface_destroy(
			render(1024, 768, &w, false, &hs, "1024x768-fr-login-tools2"));
		const struct ui_hit *help = NULL, *speak = find(&hs, UI_ACT_TOOL, UI_TOOL_SPEAK),
				    *fr = find_lang(&hs, "fr");
		for (int i = 0; i < hs.n; i++) /* UI_TOOL_HELP is 0, which find takes as any */
			if (hs.hit[i].action == UI_ACT_TOOL && hs.hit[i].key == UI_TOOL_HELP)
				help = &hs.hit[i];
		CHECK(help && speak && fr, "welcome tools");
		if (help && speak && fr)
			CHECK(help->x + help->w <= speak->x && speak->y + speak->h <= fr->y &&
				      help->h >= 44 && help->x > 100,
			      "welcome tools overlap or too small");
		w.help = WIRE_HELP_ASKED;
		check_login(800, 600, &w, "800x600-fr-login-help-asked");
		w = base_view(true);
		w.tools = (1u << UI_TOOL_HELP) | (1u << UI_TOOL_SPEAK);
		w.help = WIRE_HELP_COMING;
		check_login(1280, 800, &w, "1280x800-en-login-help-coming");
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (int en = 0; en <= 1; en++) {
			render_all(sizes[i][0], sizes[i][1], en);
			check_tools(sizes[i][0], sizes[i][1], en);
			check_text_panel(sizes[i][0], sizes[i][1], en);
			check_accompany(sizes[i][0], sizes[i][1], en);
		}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (int shift = 0; shift <= 1; shift++) {
			char name[64];
			snprintf(name, sizeof(name), "%dx%d-keyboard%s", sizes[i][0], sizes[i][1],
				 shift ? "-maj" : "");
			check_keyboard(sizes[i][0], sizes[i][1], shift, name);
		}

	/* The largest screens and a portrait one scale too. */
	struct ui_view v = base_view(false);
	check_login(3840, 2160, &v, "3840x2160-fr-login");
	check_bar(3840, 2160, &v, "3840x2160-fr-bar");
	check_login(768, 1024, &v, "768x1024-fr-login");
	v.centre = "Espace social commun Aimé Césaire – Maison de quartier du Blosne";
	check_login(800, 600, &v, "800x600-fr-login-longname");
	v.centre = "Espace social commun Cleunay";
	v.screen = UI_CONFIRM_END;
	check_screen(768, 1024, &v, UI_ACT_YES, "768x1024-fr-confirm");
	check_scan(1280, 800, false);
	check_scan(800, 600, true);
	check_usb(1280, 800, false);
	check_usb(1024, 768, false);
	check_usb(800, 600, true);

	/* Let the leak checker see only our leaks, not fontconfig's caches. */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
