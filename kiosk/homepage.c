/* homepage: the browser's local home page, one big tile per service, grouped by category. */
#include "browser.h"

#include <errno.h>
#include <fcntl.h>
#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "hometile.h"
#include "util.h"

#define _(s)  gettext(s)
#define N_(s) s

/* Dark tile colours, each with white text above 7:1 contrast (WCAG AAA), one per category in
 * the order the categories first appear. */
static const char *const homepage_colours[] = {
	"#0b4f8a", "#1e5e20", "#7a1f5c", "#8a3b00", "#4a2d8f", "#005f5f", "#8b1a1a", "#3d3d3d",
};

/* The page's words come from LANG's catalogue, whatever language the kiosk's screens follow
 * meanwhile: LANGUAGE is switched for the writing and put back after. */
static char *homepage_use(const struct lang *lang)
{
	const char *was = getenv("LANGUAGE");
	char *saved = was ? xstrdup(was) : NULL;
	setenv("LANGUAGE", lang->code, 1);
	/* gettext caches translations until the catalogs change; textdomain() says they did. */
	textdomain("escale");
	return saved;
}

static void homepage_unuse(char *saved)
{
	if (saved)
		setenv("LANGUAGE", saved, 1);
	else
		unsetenv("LANGUAGE");
	textdomain("escale");
	free(saved);
}

char *homepage_html_escape(const char *s)
{
	size_t n = 1;
	for (const char *p = s; *p; p++)
		n += strchr("&<>\"'", *p) ? 6 : 1;
	char *out = xmalloc(n), *o = out;
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&':
			o = stpcpy(o, "&amp;");
			break;
		case '<':
			o = stpcpy(o, "&lt;");
			break;
		case '>':
			o = stpcpy(o, "&gt;");
			break;
		case '"':
			o = stpcpy(o, "&quot;");
			break;
		case '\'':
			o = stpcpy(o, "&#39;");
			break;
		default:
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static void homepage_put(FILE *f, const char *s)
{
	char *e = homepage_html_escape(s);
	fputs(e, f);
	free(e);
}

/* Only web links become tiles: never javascript:, file: or data: from a bad config. */
static bool homepage_url_ok(const char *url)
{
	return url && (strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0);
}

/* The category a service is grouped under: untranslated ("Autres" for none), so that the
 * groups never depend on the language. */
static const char *homepage_category(const struct kservice *s)
{
	return s->category && *s->category ? s->category : N_("Autres");
}

/* One grid of tiles that fits the six default services on a 1024x768 screen without
 * scrolling, from 1920 wide down to a 320 px window (or 400 % zoom) without sideways
 * scrolling; names wrap at spaces only, never inside a word. */
static const char homepage_css[] =
	"*{box-sizing:border-box}"
	"html{font-size:clamp(15px,min(2.2vw,2.8vh),28px)}"
	"body{margin:0;padding:1rem 1.2rem 1.5rem;background:#fff;color:#111;"
	"font-family:'DejaVu Sans',Verdana,Arial,sans-serif;line-height:1.25}"
	"header{margin-bottom:.8rem}"
	"h1{font-size:1.9rem;margin:0 0 .3rem;overflow-wrap:break-word}"
	".centre{font-size:1.1rem;margin:0 0 .3rem;color:#222}"
	".hint{font-size:1rem;margin:0;color:#222}"
	".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,13.5rem),1fr));"
	"gap:.8rem}"
	".tile{display:flex;align-items:center;gap:.8rem;min-height:6.2rem;"
	"padding:.7rem .9rem;border-radius:.6rem;color:#fff;text-decoration:none;"
	"border:4px solid transparent}"
	/* The focus ring: yellow with a dark edge on both sides (the yellow alone is 1.65:1
	 * on white; the edge is over 15:1). */
	".tile:hover,.tile:focus{outline:6px solid #ffbf00;outline-offset:3px;"
	"box-shadow:0 0 0 3px #111,0 0 0 12px #111;text-decoration:underline}"
	".pict{flex:none;width:3.4rem;height:3.4rem;border-radius:50%;background:#fff;"
	"display:flex;align-items:center;justify-content:center}"
	".pict svg{width:2.2rem;height:2.2rem}"
	/* The name shrinks with the room its tile leaves it rather than break a word. */
	".text{display:flex;flex-direction:column;flex:1;min-width:0;container-type:inline-size}"
	".name{font-size:min(1.35rem,11cqi);font-weight:bold;overflow-wrap:normal;"
	"word-break:normal;hyphens:manual}"
	".name span{white-space:nowrap}"
	".cat{font-size:min(.9rem,9cqi);opacity:.95}"
	".none{font-size:1.3rem;padding:1.2rem;border:4px solid #8b1a1a;border-radius:.6rem}"
	"footer{margin-top:1rem;font-size:1rem;color:#222}"
	"@media (max-width:480px){body{padding:.6rem}h1{font-size:1.5rem}}";

/* Pictograms (24 x 24 SVG paths, drawn in the tile's colour), by category: shipped in the
 * page, no outside request. */
static const struct {
	const char *words; /* category words that choose it, lower case, ','-separated */
	const char *path;
} homepage_picts[] = {
	/* people: family, social benefits */
	{"famille,family,social,caf",
	 "M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm8 1a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM2 20c0-3.3 "
	 "2.7-6 6-6s6 2.7 6 6H2zm12.5 0c0-1.9-.7-3.6-1.8-4.9.8-.4 1.7-.6 2.8-.6 3.3 0 5.5 2.4 5.5 "
	 "5.5h-6.5z"},
	/* briefcase: work */
	{"emploi,travail,work,job", "M9 4h6a2 2 0 0 1 2 2v1h3a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H4a2 2 "
				    "0 0 1-2-2V9a2 2 0 0 1 2-2h3V6a2 "
				    "2 0 0 1 2-2zm0 3h6V6H9v1zm-5 5v6h16v-6H4z"},
	/* a cross: health */
	{"santé,sante,health,ameli", "M9 3h6v6h6v6h-6v6H9v-6H3V9h6z"},
	/* a sheet with a euro sign: taxes */
	{"impôts,impots,taxes,tax,finances",
	 "M6 2h9l5 5v15H6zm8 1v5h5M15.5 18.3a4 4 0 0 1-6.2-2.3H8v-1.3h1.1v-.7H8v-1.3h1.3a4 4 0 0 1 "
	 "6.2-2.3l-.8 1.1a2.6 2.6 0 0 0-3.9 1.2h2.9v1.3h-3.1v.7h3.1v1.3h-2.9a2.6 2.6 0 0 0 3.9 "
	 "1.2z"},
	/* an identity card: papers */
	{"papiers,identité,identite,papers,titres,étrangers,etrangers",
	 "M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm5 3.5a2 2 0 1 0 "
	 "0 "
	 "4 2 2 0 0 0 0-4zM4.5 16h7c0-2-1.6-3-3.5-3s-3.5 1-3.5 3zM13 9h7v1.5h-7zm0 3h7v1.5h-7z"},
	/* a house: housing */
	{"logement,housing,habitat", "M12 3l10 9h-3v9h-5v-6h-4v6H5v-9H2z"},
	/* a column building: procedures, administration */
	{"démarches,demarches,administration,procedures,services",
	 "M12 2l10 5v2H2V7zM4 10h3v8H4zm6.5 0h3v8h-3zM17 10h3v8h-3zM2 19h20v3H2z"},
	/* a clock face: pension */
	{"retraite,pension,retirement",
	 "M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm0 2.5a7.5 7.5 0 1 0 0 15 7.5 7.5 0 0 0 0-15zM11 "
	 "6h2v5.6l3.6 2.1-1 1.7L11 12.7z"},
};

/* The generic pictogram: a globe (a web site). */
static const char homepage_pict_default[] =
	"M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm-1.4 2.6A8 8 0 0 0 4.1 11h3.5c.1-2.4.9-4.6 "
	"3-6.4zm2.8 0c2.1 1.8 2.9 4 3 6.4h3.5a8 8 0 0 0-6.5-6.4zM9.6 "
	"11h4.8c-.1-2-.9-3.9-2.4-5.3-1.5 "
	"1.4-2.3 3.3-2.4 5.3zm-5.5 2a8 8 0 0 0 6.5 6.4c-2.1-1.8-2.9-4-3-6.4H4.1zm5.5 0c.1 2 .9 3.9 "
	"2.4 "
	"5.3 1.5-1.4 2.3-3.3 2.4-5.3H9.6zm6.8 0c-.1 2.4-.9 4.6-3 6.4a8 8 0 0 0 6.5-6.4h-3.5z";

/* The pictogram of a category: the first whose words contain one of CAT's words. */
static const char *homepage_pict(const char *cat)
{
	char low[128];
	size_t n = 0;
	for (const char *p = cat; *p && n + 1 < sizeof(low); p++)
		low[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
	low[n] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(homepage_picts); i++) {
		const char *w = homepage_picts[i].words;
		while (*w) {
			size_t len = strcspn(w, ",");
			if (len && memmem(low, n, w, len))
				return homepage_picts[i].path;
			w += len + (w[len] == ',');
		}
	}
	return homepage_pict_default;
}

/* A service's pictogram: its icon when that is one of the words above ("famille", "sante",
 * "impots"...); an unknown icon is no error (admind may know more): the globe. Without an
 * icon, admind's "" is the globe too, kiosk.conf's the category's pictogram (ICONS_ONLY
 * false). */
static const char *homepage_pict_of(const struct kservice *s, const char *cat, bool icons_only)
{
	const char *icon = s->icon ? s->icon : "";
	size_t n = strlen(icon);
	for (size_t i = 0; n && i < ARRAY_LEN(homepage_picts); i++) {
		const char *w = homepage_picts[i].words;
		while (*w) {
			size_t len = strcspn(w, ",");
			if (len == n && memcmp(w, icon, n) == 0)
				return homepage_picts[i].path;
			w += len + (w[len] == ',');
		}
	}
	return n || icons_only ? homepage_pict_default : homepage_pict(cat);
}

/* The category as shown: translated when the catalog knows it (the usual ones are below). */
static const char *const homepage_known_categories[] = {
	N_("Famille"),   N_("Emploi"),   N_("Santé"),    N_("Impôts"), N_("Papiers"),
	N_("Démarches"), N_("Logement"), N_("Retraite"), N_("Autres"),
};

static const char *homepage_shown_category(const char *cat)
{
	for (size_t i = 0; i < ARRAY_LEN(homepage_known_categories); i++)
		if (strcmp(cat, homepage_known_categories[i]) == 0)
			return _(cat);
	return cat;
}

/* NAME with each word in a span that does not break: lines break at spaces only. */
static void homepage_put_words(FILE *f, const char *name)
{
	const char *p = name;
	while (*p) {
		size_t sp = strspn(p, " ");
		if (sp) {
			fputc(' ', f);
			p += sp;
			continue;
		}
		size_t len = strcspn(p, " ");
		char *word = xasprintf("%.*s", (int)len, p);
		fputs("<span>", f);
		homepage_put(f, word);
		fputs("</span>", f);
		free(word);
		p += len;
	}
}

static void homepage_tile(FILE *f, const struct kservice *s, const char *cat, const char *colour,
			  bool icons_only)
{
	fprintf(f, "<a class=\"tile\" style=\"background:%s\" href=\"", colour);
	homepage_put(f, s->url);
	fprintf(f,
		"\"><span class=\"pict\" aria-hidden=\"true\"><svg viewBox=\"0 0 24 24\">"
		"<path fill=\"%s\" fill-rule=\"evenodd\" d=\"%s\"/></svg></span>"
		"<span class=\"text\"><span class=\"name\">",
		colour, homepage_pict_of(s, cat, icons_only));
	homepage_put_words(f, s->name);
	fputs("</span><span class=\"cat\">", f);
	homepage_put(f, homepage_shown_category(cat));
	fputs("</span></span></a>\n", f);
}

/* The scanner's pictogram: a scanner's lid over its glass and a sheet coming out. */
static const char homepage_pict_scan[] =
	"M4 10h16a2 2 0 0 1 2 2v5a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2v-5a2 2 0 0 1 2-2zm1 3v2h9v-2zm"
	"11.5 0a1 1 0 1 0 0 2 1 1 0 0 0 0-2zM6 3h9l3 3v3H6z";

/* The last tile: the kiosk's scan screen, through HOMETILE_PAGE (hometile.h). */
static void homepage_scan_tile(FILE *f)
{
	const char *colour = "#5c3c00";
	fprintf(f,
		"<a class=\"tile\" id=\"scan\" style=\"background:%s\" href=\"" HOMETILE_PAGE
		"\"><span class=\"pict\" aria-hidden=\"true\"><svg viewBox=\"0 0 24 24\">"
		"<path fill=\"%s\" fill-rule=\"evenodd\" d=\"%s\"/></svg></span>"
		"<span class=\"text\"><span class=\"name\">",
		colour, colour, homepage_pict_scan);
	homepage_put_words(f, _("Numériser un document"));
	fputs("</span><span class=\"cat\">", f);
	homepage_put(f, _("Papier vers PDF, dans « Documents »"));
	fputs("</span></span></a>\n", f);
}

/* The start of each page up to its own <meta> lines: the language (%s) and its direction
 * (%s: empty or dir="rtl"), no script, nothing loaded from outside. */
#define HOMEPAGE_HEAD                                                                 \
	"<!DOCTYPE html>\n<html lang=\"%s\"%s>\n<head>\n<meta charset=\"utf-8\">\n"   \
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; " \
	"style-src 'unsafe-inline'\">\n"

static void homepage_body(FILE *f, const struct kiosk_cfg *cfg, const struct lang *lang)
{
	const char *title = _("Vos démarches en ligne");
	/* Arabic reads right to left: the page's direction, its tiles' order and their text. */
	fprintf(f,
		HOMEPAGE_HEAD
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>",
		lang->code, lang->rtl ? " dir=\"rtl\"" : "");
	homepage_put(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", homepage_css);
	homepage_put(f, title);
	fputs("</h1>\n", f);
	if (cfg->centre_name && *cfg->centre_name) {
		fputs("<p class=\"centre\">", f);
		homepage_put(f, cfg->centre_name);
		fputs("</p>\n", f);
	}

	/* Categories in the order they first appear (each its colour), tiles of a category
	 * together in the config's order, all in one grid: a category of one service does
	 * not take a row of its own. */
	const char *cats[KCFG_MAX_SERVICES];
	int n_cats = 0, n_tiles = 0;
	for (int i = 0; i < cfg->n_services && i < KCFG_MAX_SERVICES; i++) {
		const struct kservice *s = &cfg->services[i];
		if (!s->name || !homepage_url_ok(s->url)) {
			log_warnx("service %d (%s): no name or not an http(s) URL; no tile", i + 1,
				  s->name ? s->name : "?");
			continue;
		}
		const char *c = homepage_category(s);
		int k = 0;
		while (k < n_cats && strcmp(cats[k], c) != 0)
			k++;
		if (k == n_cats)
			cats[n_cats++] = c;
		n_tiles++;
	}
	if (n_tiles == 0) {
		fputs("</header>\n<main>\n<p class=\"none\">", f);
		homepage_put(f, _("Aucun service n'est disponible. Adressez-vous à l'accueil."));
		fputs("</p>\n</main>\n", f);
	} else {
		fputs("<p class=\"hint\">", f);
		homepage_put(f, _("Touchez un service pour commencer."));
		fputs("</p>\n</header>\n<main>\n<div class=\"grid\">\n", f);
	}
	for (int k = 0; k < n_cats; k++) {
		const char *colour = homepage_colours[k % ARRAY_LEN(homepage_colours)];
		for (int i = 0; i < cfg->n_services && i < KCFG_MAX_SERVICES; i++) {
			const struct kservice *s = &cfg->services[i];
			if (s->name && homepage_url_ok(s->url) &&
			    strcmp(homepage_category(s), cats[k]) == 0)
				homepage_tile(f, s, cats[k], colour, cfg->services_from_admind);
		}
	}
	if (n_tiles > 0) {
		homepage_scan_tile(f);
		fputs("</div>\n</main>\n", f);
	}
	fputs("<footer>", f);
	homepage_put(f, _("Quand vous avez fini, touchez « Terminer » en haut de l'écran : "
			  "tout ce que vous avez fait sur ce poste est effacé."));
	fputs("</footer>\n</body>\n</html>\n", f);
}

typedef void (*homepage_body_fn)(FILE *, const struct kiosk_cfg *, const struct lang *);

/* A page of BODY in LANG, to F. */
static void homepage_in(FILE *f, const struct kiosk_cfg *cfg, const struct lang *lang,
			homepage_body_fn body)
{
	char *saved = homepage_use(lang ? lang : lang_or_default(NULL));
	body(f, cfg, lang ? lang : lang_or_default(NULL));
	homepage_unuse(saved);
}

void homepage_print(FILE *f, const struct kiosk_cfg *cfg, const struct lang *lang)
{
	homepage_in(f, cfg, lang, homepage_body);
}

/* HOMETILE_PAGE: the kiosk saw it open and shows its scan screen; the page only sends the
 * browser back to the home page, replacing itself in the history (no script: the policy's
 * CSP allows none). */
static void homepage_scan_body(FILE *f, const struct kiosk_cfg *cfg, const struct lang *lang)
{
	(void)cfg;
	const char *text = _("Ouverture du scanner…");
	fprintf(f,
		HOMEPAGE_HEAD "<meta http-equiv=\"refresh\" content=\"0;url=index.html\">\n<title>",
		lang->code, lang->rtl ? " dir=\"rtl\"" : "");
	homepage_put(f, text);
	fputs("</title>\n</head>\n<body style=\"font-family:'DejaVu Sans',sans-serif;"
	      "font-size:2rem;padding:2rem\">\n<p>",
	      f);
	homepage_put(f, text);
	fputs("</p>\n</body>\n</html>\n", f);
}

static bool homepage_write_with(const char *path, const struct kiosk_cfg *cfg,
				const struct lang *lang, homepage_body_fn body);

bool homepage_write(const char *path, const struct kiosk_cfg *cfg, const struct lang *lang)
{
	return homepage_write_with(path, cfg, lang, homepage_body);
}

bool homepage_write_scan(const char *path, const struct lang *lang)
{
	return homepage_write_with(path, NULL, lang, homepage_scan_body);
}

static bool homepage_write_with(const char *path, const struct kiosk_cfg *cfg,
				const struct lang *lang, homepage_body_fn body)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	FILE *f = NULL;
	bool ok = false;
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		log_warn("mkstemp %s", tmp);
		goto out;
	}
	/* Readable by the browser, which may run as another user. */
	if (fchmod(fd, 0644) < 0)
		log_warn("chmod %s", tmp);
	f = fdopen(fd, "w");
	if (!f) {
		log_warn("fdopen %s", tmp);
		close(fd);
		unlink(tmp);
		goto out;
	}
	homepage_in(f, cfg, lang, body);
	bool werr = ferror(f) != 0;
	if (fclose(f) != 0 || werr) {
		log_warn("write %s", tmp);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		log_warn("rename %s", path);
		unlink(tmp);
		goto out;
	}
	ok = true;
out:
	free(tmp);
	return ok;
}
