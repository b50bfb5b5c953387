/* test_overflow: every screen, the bar and the keyboard in every language po/LINGUAS lists (and
 * French, the source) at the three text sizes of "A+" (100, 150, 200 %) on a 1024 x 768
 * screen; fails naming the language, the screen and the text when a text does not fit its
 * box (it overflows, or it had to shrink under half its size), or when a glyph has no font.
 * Then the same with a pseudo-language whose texts are all much longer (ESCALE_PSEUDO_LOCALEDIR,
 * built from po/en.po), and a check that the audit itself fails on a text that is too long. */
#include "lang.h"
#include "osk.h"
#include "ui.h"
#include "ui_draw.h"

#include <pango/pangocairo.h>

#include <errno.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int failures;

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* Under this share of its size a text counts as not fitting: too small to read. */
#define MIN_SHRINK 0.5

struct run {
	const char *lang, *screen;
	int percent;
	int bad; /* texts that did not fit, in this run */
	bool quiet;
	bool bar; /* drawing the bar: no text under its floor */
	/* ESCALE_UI_SHOTS/screens: the first drawing of each screen at 100 %, LANG-SCREEN.png */
	const char *shots;
	const char *shot[64];
	int n_shot;
};

static void audit_fn(void *arg, const struct draw_fit *f)
{
	struct run *r = arg;
	/* The box's size at 100 %: "A+" asks for more, and shrinking back to it is fine. */
	double designed = f->want * 100.0 / (r->percent ? r->percent : 100);
	const char *why = NULL;
	if (f->tw > f->w + 1 || f->th > f->h + 1)
		why = "overflows its box";
	else if (f->used < designed * MIN_SHRINK)
		why = "shrinks under half its size to fit";
	else if (f->unknown > 0)
		why = "has glyphs no font has";
	else if (r->bar &&
		 f->used < UI_BAR_FLOOR_PX * (r->percent ? r->percent : 100) / 100.0 - 0.05)
		why = "is drawn under the bar's floor (UI_BAR_FLOOR_PX at 100 %)";
	if (!why)
		return;
	r->bad++;
	if (!r->quiet)
		fprintf(stderr,
			"%s, %d %%, %s: \"%s\" %s (%.0fx%.0f px in a %.0fx%.0f box, %.1f px for "
			"%.1f, %d unknown glyphs)\n",
			r->lang, r->percent, r->screen, f->s, why, f->tw, f->th, f->w, f->h,
			f->used, designed, f->unknown);
}

static struct ui_view base(const char *lang, int percent)
{
	static const int all[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
	struct ui_view v = {
		.screen = UI_LOGIN,
		.centre = "Espace social commun Cleunay",
		.lang = lang,
		.rtl = lang_rtl(lang),
		.code_len = 8,
		.typed = "1234",
		.hours_today = "9h00 – 12h00, 14h00 – 18h00",
		.next_open = "lundi 24 novembre à 9h00",
		.lock_text = "Le poste est en maintenance jusqu'à 14h.",
		.idle_seconds = 42,
		.online = true,
		.seconds_left = 1234,
		.pages_left = 3,
		.text_percent = percent,
		.text_step = percent == 200   ? 3
			     : percent == 150 ? 2
					      : 0,
	};
	memcpy(v.langs, all, sizeof(all));
	v.n_langs = LANG_COUNT;
	return v;
}

/* Every screen in every language, to look at (issue 19): the first of each name. */
static void save_shot(struct run *r, cairo_surface_t *s)
{
	if (!r->shots || r->percent != 100 || r->n_shot >= 64)
		return;
	for (int i = 0; i < r->n_shot; i++)
		if (strcmp(r->shot[i], r->screen) == 0)
			return;
	r->shot[r->n_shot++] = r->screen;
	char path[4200], name[128];
	size_t n = 0;
	for (const char *c = r->screen; *c && n + 1 < sizeof(name); c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9'))
			name[n++] = *c;
		else if (*c == ' ' && n > 0 && name[n - 1] != '-')
			name[n++] = '-';
	name[n] = '\0';
	snprintf(path, sizeof(path), "%s/%s-%s.png", r->shots, r->lang, name);
	if (cairo_surface_write_to_png(s, path) != CAIRO_STATUS_SUCCESS)
		fprintf(stderr, "cannot write %s\n", path);
}

static void draw(struct run *r, const char *screen, const struct ui_view *v, int kind)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1024, 768);
	cairo_t *cr = cairo_create(s);
	struct ui_hits hits;
	struct draw_audit a = {audit_fn, r};
	r->screen = screen;
	draw_set_audit(&a);
	r->bar = kind == 1;
	if (kind == 0) {
		ui_draw_screen(cr, 1024, 768, v, &hits);
	} else if (kind == 1) {
		int bh = ui_bar_height(768);
		ui_draw_bar(cr, 1024, bh, ui_bar_panel_height(1024, bh, 768, v), v, &hits);
	} else {
		struct osk_layout l;
		ui_draw_keyboard(cr, 1024, osk_height(1024, 768), kind == 3, &l);
	}
	draw_set_audit(NULL);
	r->bar = false;
	save_shot(r, s);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
}

/* Where save_shot writes (NULL: nowhere). */
static const char *screens_dir;

/* Every screen of the kiosk in LANG at PERCENT; returns the texts that did not fit. */
static int all_screens(const char *lang, int percent, bool quiet)
{
	struct run r = {lang, "", percent, 0, quiet, false, screens_dir, {NULL}, 0};
	struct ui_view v = base(lang, percent);
	static const enum ui_login_msg msgs[] = {
		UI_MSG_NONE,    UI_MSG_CHECKING,      UI_MSG_UNKNOWN,   UI_MSG_EXPIRED,
		UI_MSG_USED_UP, UI_MSG_REVOKED,       UI_MSG_IN_USE,    UI_MSG_RATE_LIMITED,
		UI_MSG_ERROR,   UI_MSG_KIOSK_REFUSED, UI_MSG_TOO_SHORT, UI_MSG_GOODBYE};
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		v = base(lang, percent);
		v.msg = msgs[i];
		v.tries_left = 2;
		v.lockout_seconds = 95;
		v.tools = (1u << UI_TOOL_HELP) | (1u << UI_TOOL_SPEAK);
		draw(&r, "welcome", &v, 0);
	}
	v = base(lang, percent);
	v.tools = (1u << UI_TOOL_HELP) | (1u << UI_TOOL_SPEAK);
	v.help = WIRE_HELP_ASKED;
	draw(&r, "welcome, help asked", &v, 0);
	v.alnum = true;
	v.help = WIRE_HELP_COMING;
	draw(&r, "welcome, letters", &v, 0);

	static const struct {
		enum ui_screen s;
		const char *name;
	} screens[] = {{UI_CLOSED, "closed"},           {UI_LOCKED, "out of service"},
		       {UI_UNAVAILABLE, "unavailable"}, {UI_ENDING, "end"},
		       {UI_CONFIRM_END, "confirm end"}, {UI_IDLE, "still there?"}};
	for (size_t i = 0; i < sizeof(screens) / sizeof(screens[0]); i++) {
		v = base(lang, percent);
		v.screen = screens[i].s;
		draw(&r, screens[i].name, &v, 0);
	}
	static const enum sm_reason why[] = {SM_END_EXPIRED, SM_END_CLOSING, SM_END_IDLE,
					     SM_END_STAFF,   SM_END_LOCKED,  SM_END_ERROR};
	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
		v = base(lang, percent);
		v.screen = UI_ENDING;
		v.has_end_reason = true;
		v.end_reason = why[i];
		draw(&r, "end, why", &v, 0);
	}
	for (int n = 0; n < 2; n++) {
		v = base(lang, percent);
		v.screen = UI_NOTICE;
		v.notice = n ? SM_NOTICE_CLOSING : SM_NOTICE_TIME;
		v.notice_minutes = 5;
		draw(&r, "last warning", &v, 0);
	}
	static const enum sf_state scans[] = {SF_PLACE,  SF_SCANNING, SF_PREVIEW,
					      SF_SAVING, SF_DONE,     SF_ERROR};
	for (size_t i = 0; i < sizeof(scans) / sizeof(scans[0]); i++)
		for (int e = SF_ERR_MISSING; e <= (scans[i] == SF_ERROR ? SF_ERR_SAVE : 1); e++) {
			v = base(lang, percent);
			v.screen = UI_SCAN;
			v.scan.state = scans[i];
			v.scan.pages = 2;
			v.scan.progress = 40;
			v.scan.error = scans[i] == SF_ERROR ? (enum sf_error)e : SF_ERR_NONE;
			v.scan_saved = "document-1.pdf";
			draw(&r, "scan", &v, 0);
		}
	static struct usb_entry files[9];
	for (int i = 0; i < 9; i++) {
		snprintf(files[i].name, sizeof(files[i].name), "Attestation CAF %d.pdf", i);
		files[i].bytes = 300000LL * (i + 1);
	}
	static const enum uf_state usbs[] = {UF_READING, UF_LIST, UF_COPYING, UF_DONE, UF_ERROR};
	for (size_t i = 0; i < sizeof(usbs) / sizeof(usbs[0]); i++)
		for (int e = UF_ERR_UNREADABLE; e <= (usbs[i] == UF_ERROR ? UF_ERR_COPY : 1); e++) {
			v = base(lang, percent);
			v.screen = UI_USB;
			v.usb.state = usbs[i];
			v.usb.n = usbs[i] == UF_LIST ? 9 : 0;
			v.usb.chosen[1] = true;
			v.usb.to_copy = 3;
			v.usb.done = v.usb.copied = 2;
			v.usb.error = usbs[i] == UF_ERROR ? (enum uf_error)e : UF_ERR_NONE;
			v.usb_entries = files;
			draw(&r, "USB key", &v, 0);
		}

	/* A mediator's sign-in: the welcome's button, then the screen with each message. */
	v = base(lang, percent);
	v.accompany_button = true;
	draw(&r, "welcome, accompany button", &v, 0);
	for (int m = ACC_MSG_NONE; m <= ACC_MSG_ERROR; m++) {
		v = base(lang, percent);
		v.screen = UI_ACCOMPANY;
		v.acc_name = "Marie-Christine Dupont";
		v.acc_dots = 9;
		v.acc_field = m % 2 ? ACC_FIELD_PASSWORD : ACC_FIELD_NAME;
		v.acc_msg = (enum acc_msg)m;
		v.acc_pause_seconds = m == ACC_MSG_RATE_LIMITED ? 595 : 0;
		v.acc_keyboard_button = m % 3 != 0;
		draw(&r, "accompany", &v, 0);
		/* Its keyboard docked at the bottom: the rest in what it leaves. */
		v.acc_keyboard_button = v.acc_keyboard = true;
		v.acc_shift = m % 2;
		draw(&r, "accompany, keyboard", &v, 0);
	}
	/* The A+ panel: contrast on or off, "Appliquer aux sites" or not. */
	for (int k = 0; k < 4; k++) {
		v = base(lang, percent);
		v.screen = UI_TEXT;
		v.contrast = k & 1;
		v.text_sites = k & 2;
		draw(&r, "text panel", &v, 0);
	}
	/* A saved scan: to print, printed, printing, refused; its pages as images. */
	for (int k = 0; k < 6; k++) {
		v = base(lang, percent);
		v.screen = UI_SCAN;
		v.scan.pages = 2;
		v.scan_saved = "document-1.pdf";
		v.scan.can_print = true;
		v.scan.state = k == 2 ? SF_PRINTING : k == 3 ? SF_ERROR : SF_DONE;
		v.scan.printed = k == 1;
		v.scan.error = k == 3 ? SF_ERR_PRINT : SF_ERR_NONE;
		v.scan.images = k == 4;
		v.scan.images_failed = k == 5;
		if (k == 1)
			v.banner = "Impression de 2 pages en cours.";
		draw(&r, "scan, saved", &v, 0);
	}

	/* The bar: every tool, then each kind of message under it. */
	v = base(lang, percent);
	v.tools = (1u << UI_TOOL_COUNT) - 1;
	draw(&r, "bar, tools", &v, 1);
	v.help = WIRE_HELP_ASKED;
	v.closing_at = "18h00";
	v.online = false;
	v.seconds_left = 200;
	draw(&r, "bar, help asked, closing, offline", &v, 1);
	v.accompanied_by = "Léa Martin-Lefèvre";
	draw(&r, "bar, accompanied", &v, 1);
	v = base(lang, percent);
	v.tools = (1u << UI_TOOL_COUNT) - 1;
	v.accompanied_by = "Marie-Christine Dupont";
	draw(&r, "bar, accompanied, long name", &v, 1);
	static const char *const events[] = {"released",        "printed",    "refused_quota",
					     "refused_damaged", "jam",        "cancelled",
					     "refunded",        "unreachable"};
	char banner[512];
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		bool calm;
		v = base(lang, percent);
		v.tools = (1u << UI_TOOL_COUNT) - 1;
		if (!ui_print_notice(banner, sizeof(banner), events[i], 3, 2, &calm))
			continue;
		v.banner = banner;
		v.banner_calm = calm;
		v.banner_dismissable = true;
		draw(&r, "bar, print notice", &v, 1);
	}
	draw(&r, "keyboard", &v, 2);
	draw(&r, "keyboard, capitals", &v, 3);
	return r.bad;
}

/* The welcome screen, the bar with its tools and a message, and the keyboard of NAME
 * (the current language; V's for the direction) into DIR/NAME-*.png, to look at. */
static void shots(const char *dir, const char *name, const char *lang)
{
	if (!dir || !*dir || (mkdir(dir, 0755) < 0 && errno != EEXIST))
		return;
	struct ui_view v = base(lang, 100);
	v.tools = (1u << UI_TOOL_COUNT) - 1;
	int bh = ui_bar_height(768), rows = ui_bar_rows_height(1024, bh, &v);
	char path[4200], banner[512];
	bool calm;
	for (int k = 0; k < 3; k++) {
		int h = k == 0 ? 768 : k == 1 ? rows + bh * 2 : osk_height(1024, 768);
		cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1024, h);
		cairo_t *cr = cairo_create(s);
		if (k == 0) {
			v.tools = (1u << UI_TOOL_HELP) | (1u << UI_TOOL_SPEAK);
			ui_draw_screen(cr, 1024, 768, &v, NULL);
		} else if (k == 1) {
			v.tools = (1u << UI_TOOL_COUNT) - 1;
			if (ui_print_notice(banner, sizeof(banner), "refused_quota", 12, 3, &calm))
				v.banner = banner, v.banner_dismissable = true;
			int ph = ui_bar_panel_height(1024, bh, 768, &v);
			cairo_save(cr);
			cairo_rectangle(cr, 0, 0, 1024, rows + ph);
			cairo_clip(cr);
			ui_draw_bar(cr, 1024, bh, ph, &v, NULL);
			cairo_restore(cr);
		} else {
			struct osk_layout l;
			ui_draw_keyboard(cr, 1024, h, false, &l);
		}
		cairo_destroy(cr);
		snprintf(path, sizeof(path), "%s/%s-%s.png", dir, name,
			 k == 0   ? "welcome"
			 : k == 1 ? "bar"
				  : "keyboard");
		if (cairo_surface_write_to_png(s, path) != CAIRO_STATUS_SUCCESS) {
			fprintf(stderr, "cannot write %s\n", path);
			failures++;
		}
		cairo_surface_destroy(s);
	}
}

/* The languages of po/LINGUAS (PATH), French first, into OUT; returns how many. */
static int linguas(const char *path, char out[][LANG_CODE_MAX], int max)
{
	int n = 0;
	snprintf(out[n++], LANG_CODE_MAX, "fr");
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f) {
		fprintf(stderr, "cannot read po/LINGUAS (%s): set ESCALE_LINGUAS\n",
			path ? path : "unset");
		failures++;
		return n;
	}
	char line[128];
	while (n < max && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "#\r\n \t")] = '\0';
		if (!*line)
			continue;
		if (!lang_find(line)) {
			fprintf(stderr, "po/LINGUAS: \"%s\" is not one of the kiosk's languages\n",
				line);
			failures++;
			continue;
		}
		snprintf(out[n++], LANG_CODE_MAX, "%.2s", line);
	}
	fclose(f);
	return n;
}

/* --glyphs: each NUL-separated text on stdin (msgexec's, every string of a catalogue; at
 * most 4 MB) and each language's own name, laid out regular and bold: fails naming those
 * with a glyph no font has. */
static int glyphs(void)
{
	enum { MAX = 4 << 20 };
	char *buf = malloc(MAX + 1);
	size_t n = buf ? fread(buf, 1, MAX + 1, stdin) : 0;
	if (!buf || n > MAX) {
		fprintf(stderr, "--glyphs: more than %d bytes on stdin\n", MAX);
		free(buf);
		return 1;
	}
	buf[n] = '\0';
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 64, 64);
	cairo_t *cr = cairo_create(s);
	struct run r = {"catalogue", "all its strings", 100, 0, false, false, NULL, {NULL}, 0};
	struct draw_audit a = {audit_fn, &r};
	int texts = 0;
	draw_set_audit(&a);
	for (int i = 0; i < LANG_COUNT; i++)
		for (int bold = 0; bold <= 1; bold++)
			draw_text(cr, lang_at(i)->name, 0, 0, 1e5, 1e5, 20, bold ? T_BOLD : 0,
				  C_INK);
	for (size_t at = 0; at < n; at += strlen(buf + at) + 1) {
		if (!buf[at])
			continue;
		texts++;
		for (int bold = 0; bold <= 1; bold++)
			draw_text(cr, buf + at, 0, 0, 1e5, 1e5, 20, T_WRAP | (bold ? T_BOLD : 0),
				  C_INK);
	}
	draw_set_audit(NULL);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	free(buf);
	pango_cairo_font_map_set_default(NULL);
	printf("%d texts, %d without a glyph\n", texts, r.bad);
	return r.bad || !texts ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const int sizes[] = {100, 150, 200};
	if (argc == 2 && strcmp(argv[1], "--glyphs") == 0)
		return glyphs();
	char langs[LANG_COUNT + 1][LANG_CODE_MAX];
	int n = linguas(getenv("ESCALE_LINGUAS"), langs, LANG_COUNT + 1);

	const char *dir = getenv("ESCALE_UI_SHOTS");
	char screens[4200];
	if (dir && *dir && (mkdir(dir, 0755) == 0 || errno == EEXIST)) {
		snprintf(screens, sizeof(screens), "%s/screens", dir);
		if (mkdir(screens, 0755) == 0 || errno == EEXIST)
			screens_dir = screens;
	}
	ui_init_i18n();
	/* Each of the nine, also before its catalogue comes (French words in its layout). */
	for (int i = 0; i < LANG_COUNT; i++) {
		ui_set_language(lang_at(i)->code);
		shots(dir, lang_at(i)->code, lang_at(i)->code);
	}
	for (int i = 0; i < n; i++)
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			int bad = all_screens(langs[i], sizes[s], false);
			if (bad)
				fprintf(stderr, "%s at %d %%: %d texts do not fit\n", langs[i],
					sizes[s], bad);
			failures += bad;
		}

	/* A language whose every text is much longer (po/en.po's, its vowels doubled): the
	 * screens wrap or shrink their texts within their boxes. */
	const char *pseudo = getenv("ESCALE_PSEUDO_LOCALEDIR");
	screens_dir = NULL; /* its screens would be drawn over French's */
	if (pseudo && *pseudo) {
		bindtextdomain("escale", pseudo);
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			ui_set_language("fr");
			setenv("LANGUAGE", "xx", 1);
			textdomain("escale");
			if (strcmp(gettext("Tapez votre code"), "Tapez votre code") == 0) {
				fprintf(stderr,
					"the pseudo-language's catalogue is not found in %s\n",
					pseudo);
				failures++;
				break;
			}
			if (s == 0)
				shots(dir, "xx", "fr");
			int bad = all_screens("fr", sizes[s], false);
			if (bad)
				fprintf(stderr, "pseudo-language at %d %%: %d texts do not fit\n",
					sizes[s], bad);
			failures += bad;
		}
	}

	/* The audit can fail: a deliberately long text in a small box, a glyph no font has. */
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 40);
	cairo_t *cr = cairo_create(s);
	struct run r = {"test", "a long text", 100, 0, true, false, NULL, {NULL}, 0};
	struct draw_audit a = {audit_fn, &r};
	draw_set_audit(&a);
	draw_text(cr, "Un texte délibérément bien trop long pour la petite boîte où il doit tenir",
		  0, 0, 200, 40, 24, T_BOLD, C_INK);
	if (r.bad != 1) {
		fprintf(stderr, "a text far too long for its box was not caught\n");
		failures++;
	}
	r.bad = 0;
	draw_text(cr, "OK", 0, 0, 200, 40, 24, T_BOLD, C_INK);
	if (r.bad != 0) {
		fprintf(stderr, "a short text was taken as too long\n");
		failures++;
	}
	draw_text(cr, "\xf0\x93\x80\x80", 0, 0, 200, 40, 24, T_BOLD, C_INK);
	if (r.bad != 1) {
		fprintf(stderr, "a glyph no font has was not caught\n");
		failures++;
	}
	/* In the bar, a label that fits but at 10 px (the old bar's, at 1024 x 768) fails;
	 * at the floor it passes. */
	r.bad = 0;
	r.bar = true;
	draw_set_style(100, false);
	draw_text(cr, "Clavier", 0, 0, 200, 40, 10, T_BOLD, C_INK);
	draw_text(cr, "Clavier", 0, 0, 200, 40, UI_BAR_FLOOR_PX, T_BOLD, C_INK);
	if (r.bad != 1) {
		fprintf(stderr, "a bar label under the floor was not caught, or one at it was\n");
		failures++;
	}
	draw_set_audit(NULL);
	cairo_destroy(cr);
	cairo_surface_destroy(s);

	/* Fontconfig's and cairo's caches stay reachable through their globals: no leak. */
	pango_cairo_font_map_set_default(NULL);
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	return failures ? 1 : 0;
}
