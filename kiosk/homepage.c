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
#include "util.h"

#define _(s)  gettext(s)
#define N_(s) s

/* Dark tile colours, each with white text above 7:1 contrast (WCAG AAA), one per category in
 * the order the categories first appear. */
static const char *const homepage_colours[] = {
	"#0b4f8a", "#1e5e20", "#7a1f5c", "#8a3b00", "#4a2d8f", "#005f5f", "#8b1a1a", "#3d3d3d",
};

/* French is the msgid; English comes from the catalog when it has one, else from EN, so the
 * page never depends on which language gettext currently follows. */
static const char *homepage_tr(bool english, const char *fr, const char *en)
{
	if (!english)
		return fr;
	const char *t = _(fr);
	return t != fr ? t : en;
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

static const char *homepage_category(const struct kservice *s, bool english)
{
	return s->category && *s->category ? s->category
					   : homepage_tr(english, N_("Autres"), "Other");
}

/* The first character of NAME (a whole UTF-8 sequence), upper-cased if ASCII, for the badge. */
static void homepage_initial(const char *name, char out[5])
{
	const unsigned char *s = (const unsigned char *)name;
	while (*s == ' ')
		s++;
	size_t len = *s < 0x80 ? 1 : (*s & 0xe0) == 0xc0 ? 2 : (*s & 0xf0) == 0xe0 ? 3 : 4;
	size_t i = 0;
	for (; i < len && s[i] && (i == 0 || (s[i] & 0xc0) == 0x80); i++)
		out[i] = (char)s[i];
	if (i != len || !*s) {
		strcpy(out, "?");
		return;
	}
	out[i] = '\0';
	if (len == 1 && out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

static const char homepage_css[] =
	"*{box-sizing:border-box}"
	"html{font-size:28px}"
	"body{margin:0;padding:24px 32px 48px;background:#fff;color:#111;"
	"font-family:'DejaVu Sans',Verdana,Arial,sans-serif;line-height:1.3}"
	"header{margin-bottom:16px}"
	"h1{font-size:2.2rem;margin:0 0 8px}"
	".centre{font-size:1.2rem;margin:0 0 8px;color:#222}"
	".hint{font-size:1rem;margin:0;color:#222}"
	"section{margin:32px 0 0}"
	"h2{font-size:1.3rem;margin:0 0 16px;padding-left:16px;border-left:12px solid}"
	".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:24px}"
	".tile{display:flex;align-items:center;gap:20px;min-width:200px;min-height:160px;"
	"padding:20px 24px;border-radius:16px;color:#fff;text-decoration:none;"
	"border:4px solid transparent}"
	".tile:hover,.tile:focus{outline:6px solid #ffbf00;outline-offset:3px;"
	"text-decoration:underline}"
	".badge{flex:none;width:88px;height:88px;border-radius:50%;background:#fff;"
	"display:flex;align-items:center;justify-content:center;font-size:1.7rem;font-weight:bold}"
	".text{display:flex;flex-direction:column;min-width:0}"
	".name{font-size:1.5rem;font-weight:bold;overflow-wrap:anywhere}"
	".cat{font-size:1rem;opacity:.95}"
	".none{font-size:1.3rem;padding:32px;border:4px solid #8b1a1a;border-radius:16px}"
	"footer{margin-top:48px;font-size:1rem;color:#222}"
	"@media (max-width:700px){body{padding:16px}.grid{grid-template-columns:1fr}}";

static void homepage_tile(FILE *f, const struct kservice *s, const char *cat, const char *colour)
{
	char initial[5];
	homepage_initial(s->name, initial);
	fprintf(f, "<a class=\"tile\" style=\"background:%s\" href=\"", colour);
	homepage_put(f, s->url);
	fprintf(f, "\"><span class=\"badge\" style=\"color:%s\" aria-hidden=\"true\">", colour);
	homepage_put(f, initial);
	fputs("</span><span class=\"text\"><span class=\"name\">", f);
	homepage_put(f, s->name);
	fputs("</span><span class=\"cat\">", f);
	homepage_put(f, cat);
	fputs("</span></span></a>\n", f);
}

static void homepage_body(FILE *f, const struct kiosk_cfg *cfg, bool english)
{
	const char *title =
		homepage_tr(english, N_("Vos démarches en ligne"), "Your online services");
	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'unsafe-inline'\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>",
		english ? "en" : "fr");
	homepage_put(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", homepage_css);
	homepage_put(f, title);
	fputs("</h1>\n", f);
	if (cfg->centre_name && *cfg->centre_name) {
		fputs("<p class=\"centre\">", f);
		homepage_put(f, cfg->centre_name);
		fputs("</p>\n", f);
	}

	/* Categories in the order they first appear; tiles in the config's order within. */
	const char *cats[KCFG_MAX_SERVICES];
	int n_cats = 0, n_tiles = 0;
	for (int i = 0; i < cfg->n_services && i < KCFG_MAX_SERVICES; i++) {
		const struct kservice *s = &cfg->services[i];
		if (!s->name || !homepage_url_ok(s->url)) {
			log_warnx("service %d (%s): no name or not an http(s) URL; no tile", i + 1,
				  s->name ? s->name : "?");
			continue;
		}
		const char *c = homepage_category(s, english);
		int k = 0;
		while (k < n_cats && strcmp(cats[k], c) != 0)
			k++;
		if (k == n_cats)
			cats[n_cats++] = c;
		n_tiles++;
	}
	if (n_tiles == 0) {
		fputs("</header>\n<main>\n<p class=\"none\">", f);
		homepage_put(
			f, homepage_tr(
				   english,
				   N_("Aucun service n'est disponible. Adressez-vous à l'accueil."),
				   "No service is available. Please ask at the desk."));
		fputs("</p>\n</main>\n", f);
	} else {
		fputs("<p class=\"hint\">", f);
		homepage_put(f, homepage_tr(english, N_("Touchez un service pour commencer."),
					    "Touch a service to begin."));
		fputs("</p>\n</header>\n<main>\n", f);
	}
	for (int k = 0; k < n_cats; k++) {
		const char *colour = homepage_colours[k % ARRAY_LEN(homepage_colours)];
		fprintf(f, "<section>\n<h2 style=\"border-color:%s\">", colour);
		homepage_put(f, cats[k]);
		fputs("</h2>\n<div class=\"grid\">\n", f);
		for (int i = 0; i < cfg->n_services && i < KCFG_MAX_SERVICES; i++) {
			const struct kservice *s = &cfg->services[i];
			if (s->name && homepage_url_ok(s->url) &&
			    strcmp(homepage_category(s, english), cats[k]) == 0)
				homepage_tile(f, s, cats[k], colour);
		}
		fputs("</div>\n</section>\n", f);
	}
	if (n_tiles > 0)
		fputs("</main>\n", f);
	fputs("<footer>", f);
	homepage_put(
		f, homepage_tr(
			   english,
			   N_("Quand vous avez fini, touchez « Terminer » en haut de l'écran : "
			      "tout ce que vous avez fait sur ce poste est effacé."),
			   "When you are done, touch “Finish” at the top of the screen: everything "
			   "you did "
			   "on this computer is erased."));
	fputs("</footer>\n</body>\n</html>\n", f);
}

bool homepage_write(const char *path, const struct kiosk_cfg *cfg, bool english)
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
	homepage_body(f, cfg, english);
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
