/* test_browser: session directory, start in its own process group, wipe, home page. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../unit/test.h"
#include "browser.h"
#include "lang.h"

#include <libintl.h>
#include <locale.h>
#include "log.h"
#include "util.h"

/* Argument 1 is the session directory ("%d"): the script reports there what it got. */
static const char script_report[] =
	"d=\"$1\"\n"
	"for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$d/args\"\n"
	"env > \"$d/env\"\n"
	"ls -l /proc/$$/fd > \"$d/fds\"\n"
	"sleep 1000 & echo $! > \"$d/pids\"\n"
	"sleep 1000 & echo $! >> \"$d/pids\"\n"
	"(sleep 1000; true) & echo $! >> \"$d/pids\"\n"
	"echo $$ >> \"$d/pids\"\n"
	"echo ok > \"$d/proof\"\n"
	"echo ok > \"$d/ready\"\n"
	"wait\n";

/* The whole group ignores SIGTERM (children inherit SIG_IGN): only SIGKILL ends it. */
static const char script_stubborn[] = "trap '' TERM\n"
				      "sleep 1000 & echo $! > \"$1/pids\"\n"
				      "sleep 1000 & echo $! >> \"$1/pids\"\n"
				      "echo $$ >> \"$1/pids\"\n"
				      "echo ok > \"$1/ready\"\n"
				      "wait\n";

/* The leader exits and leaves a child behind in its group. */
static const char script_exit[] = "sleep 1000 & echo $! > \"$1/pids\"\n"
				  "exit 3\n";

static struct kiosk_cfg cfg;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = xmalloc(1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *slurp_at(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	char *s = slurp(p);
	free(p);
	return s;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The test's scripts signal readiness with a file; poll for it, bounded. */
static bool wait_file(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	bool ok = false;
	for (int i = 0; i < 500 && !(ok = exists(p)); i++) {
		struct timespec ts = {0, 10 * 1000000};
		nanosleep(&ts, NULL);
	}
	free(p);
	return ok;
}

static bool dead(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static int read_pids(const char *dir, pid_t *pids, int max)
{
	char *s = slurp_at(dir, "pids");
	int n = 0;
	for (char *p = s, *end; p && *p && n < max; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		pids[n++] = (pid_t)v;
	}
	free(s);
	return n;
}

static void set_argv(const char *script, const char *const *extra)
{
	memset(cfg.browser_argv, 0, sizeof(cfg.browser_argv));
	int n = 0;
	cfg.browser_argv[n++] = "/bin/sh";
	cfg.browser_argv[n++] = "-c";
	cfg.browser_argv[n++] = (char *)script;
	cfg.browser_argv[n++] = "standin";
	cfg.browser_argv[n++] = "%d";
	for (; extra && *extra; extra++)
		cfg.browser_argv[n++] = (char *)*extra;
}

static void add_service(const char *name, const char *url, const char *category)
{
	struct kservice *s = &cfg.services[cfg.n_services++];
	s->name = (char *)name;
	s->url = (char *)url;
	s->category = (char *)category;
}

static void test_escape(void)
{
	char *e = homepage_html_escape("<script>alert(1)</script>");
	CHECK(strcmp(e, "&lt;script&gt;alert(1)&lt;/script&gt;") == 0);
	free(e);
	e = homepage_html_escape("Tom & Jerry's \"show\"");
	CHECK(strcmp(e, "Tom &amp; Jerry&#39;s &quot;show&quot;") == 0);
	free(e);
	e = homepage_html_escape("");
	CHECK(strcmp(e, "") == 0);
	free(e);
	e = homepage_html_escape("Santé – ok");
	CHECK(strcmp(e, "Santé – ok") == 0);
	free(e);
}

static void test_homepage(const char *base)
{
	char *fr = xasprintf("%s/hp-fr.html", base), *en = xasprintf("%s/hp-en.html", base);
	CHECK(homepage_write(fr, &cfg, lang_find("fr")));
	CHECK(homepage_write(en, &cfg, lang_find("en")));
	char *h = slurp(fr);
	CHECK(h != NULL);
	if (h) {
		CHECK(strncmp(h, "<!DOCTYPE html>\n<html lang=\"fr\">", 32) == 0);
		CHECK(strstr(h, "<meta charset=\"utf-8\">") != NULL);
		CHECK(count(h, "</html>") == 1 && count(h, "<body>") == 1 &&
		      count(h, "</body>") == 1);
		CHECK(count(h, "<title>Vos démarches en ligne</title>") == 1);
		CHECK(count(h, "<h1>Vos démarches en ligne</h1>") == 1);
		CHECK(strstr(h, "Centre &lt;Test&gt; &amp; Co") != NULL);
		/* One tile per web service; the javascript: one gets none; then the scan
		 * tile, last, to its page beside the home page (hometile.h). */
		CHECK(count(h, "class=\"tile\"") == 4);
		CHECK(count(h, "<a ") == 4 && count(h, "</a>") == 4);
		char *scan = strstr(h, "id=\"scan\"");
		CHECK(scan && strstr(scan, "href=\"scan.html\"") &&
		      strstr(scan, "<span>Numériser</span> <span>un</span>") &&
		      !strstr(scan, "class=\"tile\""));
		CHECK(strstr(h, "javascript:") == NULL);
		CHECK(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
		CHECK(strstr(h, "<script") == NULL);
		/* Each word of a name in a span that does not wrap: lines break at spaces. */
		CHECK(strstr(h, "<span>Tom</span> <span>&amp;</span> <span>Jerry&#39;s</span>") !=
		      NULL);
		CHECK(strstr(h, "href=\"https://example.org/?a=1&amp;b=2\"") != NULL);
		CHECK(strstr(h, "href=\"https://tj.example/&quot;x\"") != NULL);
		/* One grid, tiles grouped by category in order of first appearance (Famille holds
		 * CAF and Tom), each tile with its category and a pictogram, no heading per
		 * category (a category of one took a row of its own). */
		CHECK(count(h, "<h2") == 0 && count(h, "class=\"grid\"") == 1);
		CHECK(count(h, "class=\"cat\">Famille<") == 2 &&
		      count(h, "class=\"cat\">Santé<") == 1);
		CHECK(count(h, "<span class=\"pict\"") == 4 && count(h, "<svg") == 4);
		char *caf = strstr(h, "<span>CAF</span>"), *tom = strstr(h, "<span>Tom</span>"),
		     *scr = strstr(h, "&lt;script");
		CHECK(caf && tom && scr);
		if (caf && tom && scr)
			CHECK(caf < tom && tom < scr);
		CHECK(strstr(h, "html{font-size:clamp(") != NULL);
		CHECK(strstr(h, "http-equiv=\"Content-Security-Policy\"") != NULL);
		CHECK(strstr(h, "src=") == NULL); /* self-contained: nothing loaded */
		CHECK(strstr(h, "Your online services") == NULL);
	}
	free(h);
	h = slurp(en);
	CHECK(h && strstr(h, "<html lang=\"en\">") && strstr(h, "<h1>Your online services</h1>"));
	CHECK(h && count(h, "class=\"tile\"") == 4 && strstr(h, "<span>Scan</span>"));
	CHECK(h && strstr(h, "class=\"cat\">Family<") && strstr(h, "Touch a service to begin."));
	free(h);
	/* Arabic: right to left; its words from its catalogue (French until it has one). */
	CHECK(homepage_write(en, &cfg, lang_find("ar")));
	h = slurp(en);
	CHECK(h && strstr(h, "<html lang=\"ar\" dir=\"rtl\">"));
	CHECK(h && count(h, "dir=") == 1 && count(h, "class=\"tile\"") == 4);
	free(h);
	/* The page's language is its own: the kiosk's gettext language is left as it was. */
	setenv("LANGUAGE", "uk", 1);
	CHECK(homepage_write(en, &cfg, lang_find("en")));
	CHECK(strcmp(getenv("LANGUAGE"), "uk") == 0);
	unsetenv("LANGUAGE");
	CHECK(homepage_write(en, &cfg, lang_find("en")));
	CHECK(getenv("LANGUAGE") == NULL);

	/* No service at all: a message, no tile. */
	int n = cfg.n_services;
	cfg.n_services = 0;
	CHECK(homepage_write(fr, &cfg, lang_find("fr")));
	h = slurp(fr);
	CHECK(h && count(h, "class=\"tile\"") == 0 && strstr(h, "Aucun service"));
	free(h);
	cfg.n_services = n;
	free(fr);
	free(en);
}

/* The icon chooses the pictogram; an unknown one the globe; none: the category's for
 * kiosk.conf's services, the globe for admind's. */
static void test_homepage_icon(const char *base)
{
	static const char cross[] = "d=\"M9 3h6v6h6v6h-6v6H9v-6H3V9h6z\"";
	static const char people[] = "d=\"M8 11a3 3 0 1 0 0-6";
	static const char globe[] = "d=\"M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm-1.4";
	char *path = xasprintf("%s/hp-icon.html", base);
	struct kiosk_cfg c = {.centre_name = "x"};
	c.services[0] = (struct kservice){
		.name = "A", .url = "https://a.fr/", .category = "Famille", .icon = "sante"};
	c.services[1] = (struct kservice){
		.name = "B", .url = "https://b.fr/", .category = "Famille", .icon = "no-such-icon"};
	c.services[2] =
		(struct kservice){.name = "C", .url = "https://c.fr/", .category = "Famille"};
	c.n_services = 3;
	CHECK(homepage_write(path, &c, NULL));
	char *h = slurp(path);
	/* kiosk.conf's: A the cross, B (unknown) the globe, C its category's. */
	CHECK(h && count(h, cross) == 1 && count(h, globe) == 1 && count(h, people) == 1);
	char *a = h ? strstr(h, "<span>A</span>") : NULL, *x = h ? strstr(h, cross) : NULL;
	CHECK(a && x && x < a && !strstr(x + 1, cross));
	free(h);
	/* admind's: no icon is the globe. */
	c.services_from_admind = true;
	CHECK(homepage_write(path, &c, NULL));
	h = slurp(path);
	CHECK(h && count(h, cross) == 1 && count(h, globe) == 2 && count(h, people) == 0);
	free(h);
	free(path);
}

static void test_start_wipe(void)
{
	struct browser b = {0};
	browser_init(&b);
	setenv("ESCALE_TEST_SECRET", "hunter2", 1);
	setenv("SSH_AUTH_SOCK", "/tmp/agent", 1);
	setenv("DISPLAY", ":77", 1);
	setenv("LC_TIME", "fr_FR.UTF-8", 1);
	setenv("LANGUAGE", "de", 1); /* the kiosk's own: the session's language wins */
	const char *const extra[] = {"--url=%u", "--user-data-dir=%d/profile", "100%%", "%x%",
				     NULL};
	set_argv(script_report, extra);

	CHECK(browser_prepare(&b, &cfg, NULL));
	CHECK(b.dir && b.home_url && b.pid == 0);
	if (!b.dir || !b.home_url)
		return;
	struct stat st;
	CHECK(stat(cfg.runtime_dir, &st) == 0 && (st.st_mode & 07777) == 0700);
	CHECK(stat(b.dir, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700);
	CHECK(strncmp(b.dir, cfg.runtime_dir, strlen(cfg.runtime_dir)) == 0 &&
	      strncmp(b.dir + strlen(cfg.runtime_dir), "/session-", 9) == 0);
	static const char *const subdirs[] = {"home", "home/Documents", "profile", "run", "tmp"};
	for (size_t i = 0; i < ARRAY_LEN(subdirs); i++) {
		char *p = xasprintf("%s/%s", b.dir, subdirs[i]);
		CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700);
		free(p);
	}
	char *url = xasprintf("file://%s/home/index.html", b.dir);
	CHECK(strcmp(b.home_url, url) == 0);
	char *page = slurp_at(b.dir, "home/index.html");
	CHECK(page && count(page, "class=\"tile\"") == 4);
	free(page);
	/* The scan tile's page: back to the home page at once, no script. */
	page = slurp_at(b.dir, "home/scan.html");
	CHECK(page && strstr(page, "<meta http-equiv=\"refresh\" content=\"0;url=index.html\">") &&
	      strstr(page, "Ouverture du scanner") && !strstr(page, "<script"));
	char *scanpath = xasprintf("%s/home/scan.html", b.dir);
	CHECK(stat(scanpath, &st) == 0 && (st.st_mode & 07777) == 0644);
	free(scanpath);
	free(page);

	/* No O_CLOEXEC: must not reach the child all the same. */
	char *marker = xasprintf("%s.leak-marker", cfg.runtime_dir);
	int leak = open(marker, O_RDWR | O_CREAT, 0600);
	CHECK(leak >= 0);
	CHECK(browser_start(&b, &cfg));
	CHECK(b.pid > 0 && b.pidfd >= 0);
	CHECK(getpgid(b.pid) == b.pid);
	CHECK(wait_file(b.dir, "ready"));
	struct pollfd pfd = {b.pidfd, POLLIN, 0};
	CHECK(poll(&pfd, 1, 0) == 0); /* running: the pidfd is not readable */
	CHECK(browser_reap(&b) == -1 && b.pid > 0);

	char *args = slurp_at(b.dir, "args");
	char *want = xasprintf("%s\n--url=%s\n--user-data-dir=%s/profile\n100%%\n%%x%%\n", b.dir,
			       url, b.dir);
	CHECK(args && strcmp(args, want) == 0);
	if (args && strcmp(args, want) != 0)
		fprintf(stderr, "args:\n%s\nwanted:\n%s\n", args, want);
	free(args);
	free(want);

	char *env = slurp_at(b.dir, "env");
	CHECK(env != NULL);
	if (env) {
		char *home = xasprintf("\nHOME=%s/home\n", b.dir);
		char *run = xasprintf("\nXDG_RUNTIME_DIR=%s/run\n", b.dir);
		char *tmp = xasprintf("\nTMPDIR=%s/tmp\n", b.dir);
		char *cfgh = xasprintf("\nXDG_CONFIG_HOME=%s/", b.dir);
		char *full = xasprintf("\n%s", env);
		CHECK(strstr(full, home) && strstr(full, run) && strstr(full, tmp));
		CHECK(strstr(full, cfgh) != NULL);
		CHECK(strstr(full, "\nDISPLAY=:77\n") != NULL);
		CHECK(strstr(full, "\nLC_TIME=fr_FR.UTF-8\n") != NULL);
		CHECK(strstr(full, "\nLANGUAGE=fr_FR:fr\n") != NULL &&
		      !strstr(full, "LANGUAGE=de"));
		CHECK(strstr(full, "\nESCALE_BROWSER_LANG=fr\n") != NULL);
		CHECK(strstr(full, "\nESCALE_ACCEPT_LANGUAGES=fr-FR,fr,en\n") != NULL);
		CHECK(strstr(full, "\nPATH=") != NULL);
		CHECK(strstr(full, "ESCALE_TEST_SECRET") == NULL &&
		      strstr(full, "hunter2") == NULL);
		CHECK(strstr(full, "SSH_AUTH_SOCK") == NULL);
		free(home);
		free(run);
		free(tmp);
		free(cfgh);
		free(full);
	}
	free(env);
	/* (dash keeps a copy of its stdin as fd 10: /dev/null too.) */
	char *fds = slurp_at(b.dir, "fds");
	CHECK(fds && !strstr(fds, "leak-marker") && strstr(fds, " 0 -> /dev/null\n"));
	CHECK(fds && !strstr(fds, "pidfd"));
	if (fds && (strstr(fds, "leak-marker") || !strstr(fds, " 0 -> /dev/null\n")))
		fprintf(stderr, "child's fds:\n%s", fds);
	free(fds);

	pid_t pids[8];
	int n = read_pids(b.dir, pids, 8);
	CHECK(n == 4);
	for (int i = 0; i < n; i++)
		CHECK(getpgid(pids[i]) == b.pid);
	char *dir = xstrdup(b.dir);
	int64_t t0 = mono_ms();
	browser_wipe(&b, 3000);
	int64_t took = mono_ms() - t0;
	CHECK(took < 2500); /* sh and sleep die on SIGTERM: no need for the grace */
	for (int i = 0; i < n; i++)
		CHECK(dead(pids[i]));
	CHECK(!exists(dir));
	CHECK(b.pid == 0 && b.pidfd == -1 && b.dir == NULL && b.home_url == NULL);
	browser_wipe(&b, 100); /* nothing runs, nothing to remove: harmless */
	free(dir);
	free(url);
	close(leak);
	unlink(marker);
	free(marker);
	unsetenv("ESCALE_TEST_SECRET");
	unsetenv("LANGUAGE");
}

static void test_sigkill(void)
{
	struct browser b = {0};
	set_argv(script_stubborn, NULL);
	CHECK(browser_prepare(&b, &cfg, lang_find("en")));
	CHECK(browser_start(&b, &cfg));
	if (b.pid <= 0)
		return;
	CHECK(wait_file(b.dir, "ready"));
	pid_t pids[8];
	int n = read_pids(b.dir, pids, 8);
	CHECK(n == 3);
	int64_t t0 = mono_ms();
	browser_wipe(&b, 300);
	int64_t took = mono_ms() - t0;
	CHECK(took >= 300 && took < 2500);
	for (int i = 0; i < n; i++)
		CHECK(dead(pids[i]));
	CHECK(b.pid == 0 && b.dir == NULL);
}

static void test_reap(void)
{
	struct browser b = {0};
	set_argv(script_exit, NULL);
	CHECK(browser_prepare(&b, &cfg, NULL));
	CHECK(browser_start(&b, &cfg));
	if (b.pid <= 0)
		return;
	struct pollfd pfd = {b.pidfd, POLLIN, 0};
	CHECK(poll(&pfd, 1, 5000) == 1);
	pid_t pids[2];
	int n = read_pids(b.dir, pids, 2);
	CHECK(n == 1);
	int st = browser_reap(&b);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	CHECK(b.pid == 0 && b.pidfd == -1);
	for (int i = 0; i < n; i++)
		CHECK(dead(pids[i])); /* the child it left in its group */
	CHECK(browser_reap(&b) == -1);
	/* The kiosk may start the browser again in the same directory. */
	set_argv(script_stubborn, NULL);
	CHECK(browser_start(&b, &cfg));
	CHECK(wait_file(b.dir, "ready"));
	char *dir = xstrdup(b.dir);
	browser_wipe(&b, 50);
	CHECK(!exists(dir));
	free(dir);
}

static void test_exec_fails(void)
{
	struct browser b = {0};
	memset(cfg.browser_argv, 0, sizeof(cfg.browser_argv));
	cfg.browser_argv[0] = "/nonexistent/escale-browser";
	CHECK(browser_prepare(&b, &cfg, NULL));
	CHECK(!browser_start(&b, &cfg));
	CHECK(b.pid == 0 && b.pidfd == -1);
	char *dir = b.dir ? xstrdup(b.dir) : NULL;
	browser_wipe(&b, 100);
	CHECK(dir && !exists(dir));
	free(dir);

	/* Nothing prepared: refuses. */
	struct browser none = {0};
	browser_init(&none);
	CHECK(!browser_start(&none, &cfg));
}

static void put_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	CHECK(chmod(path, mode) == 0);
}

/* What Chromium and a hostile page can leave: odd modes, symlinks out, a fifo, depth. */
static void test_tree(const char *base)
{
	struct kiosk_cfg c = cfg;
	c.runtime_dir = xasprintf("%s/rt-%d", base, (int)getuid());
	char *out = xasprintf("%s/outside-%d", base, (int)getuid());
	CHECK(mkdir(out, 0755) == 0);
	char *keep = xasprintf("%s/keep.txt", out), *keepdir = xasprintf("%s/keepdir", out);
	char *inner = xasprintf("%s/inner.txt", keepdir);
	put_file(keep, "keep", 0444);
	CHECK(mkdir(keepdir, 0755) == 0);
	put_file(inner, "inner", 0644);
	CHECK(chmod(keepdir, 0555) == 0);

	/* A session directory left by a crash is removed by the next prepare. */
	CHECK(mkdir(c.runtime_dir, 0700) == 0);
	char *stale = xasprintf("%s/session-OLD123", c.runtime_dir);
	char *stale_file = xasprintf("%s/letter.pdf", stale);
	CHECK(mkdir(stale, 0700) == 0);
	put_file(stale_file, "private", 0000);
	CHECK(chmod(stale, 0500) == 0);

	struct browser b = {0};
	CHECK(browser_prepare(&b, &c, NULL));
	CHECK(!exists(stale));
	if (!b.dir)
		return;
	const char *d = b.dir;
	char *p;
#define AT(fmt) (p = xasprintf("%s/" fmt, d))
	put_file(AT("home/Documents/secret.pdf"), "secret", 0000);
	free(p);
	CHECK(mkdir(AT("profile/ro"), 0700) == 0);
	free(p);
	put_file(AT("profile/ro/file"), "x", 0400);
	free(p);
	CHECK(chmod(AT("profile/ro"), 0500) == 0);
	free(p);
	CHECK(mkdir(AT("profile/locked"), 0700) == 0);
	free(p);
	CHECK(mkdir(AT("profile/locked/sub"), 0700) == 0);
	free(p);
	put_file(AT("profile/locked/sub/f"), "x", 0000);
	free(p);
	CHECK(chmod(AT("profile/locked/sub"), 0000) == 0);
	free(p);
	CHECK(chmod(AT("profile/locked"), 0000) == 0);
	free(p);
	CHECK(symlink(keep, AT("home/link")) == 0);
	free(p);
	CHECK(symlink(keepdir, AT("home/dlink")) == 0);
	free(p);
	CHECK(symlink(d, AT("tmp/loop")) == 0);
	free(p);
	CHECK(mkfifo(AT("tmp/fifo"), 0600) == 0);
	free(p);
	char *deep = xasprintf("%s/tmp", d);
	for (int i = 0; i < 100; i++) {
		char *next = xasprintf("%s/d", deep);
		CHECK(mkdir(next, 0700) == 0);
		free(deep);
		deep = next;
	}
	put_file(AT("tmp/d/d/d/f"), "x", 0000);
	free(p);
	CHECK(chmod(deep, 0500) == 0);
	free(deep);
	CHECK(chmod(AT("home"), 0500) == 0);
	free(p);
	CHECK(chmod(AT("profile"), 0000) == 0);
	free(p);
	CHECK(chmod(d, 0500) == 0);
#undef AT

	char *dir = xstrdup(d);
	browser_wipe(&b, 100);
	CHECK(!exists(dir));
	CHECK(b.dir == NULL);
	/* The symlinks' targets outside survive, modes untouched. */
	char *s = slurp(keep);
	CHECK(s && strcmp(s, "keep") == 0);
	free(s);
	s = slurp(inner);
	CHECK(s && strcmp(s, "inner") == 0);
	free(s);
	struct stat st;
	CHECK(stat(keep, &st) == 0 && (st.st_mode & 07777) == 0444);
	CHECK(stat(keepdir, &st) == 0 && (st.st_mode & 07777) == 0555);
	CHECK(stat(c.runtime_dir, &st) == 0); /* only the session directory goes */
	chmod(keepdir, 0755);
	free(dir);
	free(stale);
	free(stale_file);
	free(keep);
	free(keepdir);
	free(inner);
	free(out);
	free(c.runtime_dir);
}

/* As root every permission check passes: run the tree test again as nobody. */
static void test_tree_unprivileged(const char *base)
{
	if (getuid() != 0)
		return;
	char *nb = xasprintf("%s/nobody", base);
	CHECK(mkdir(nb, 0700) == 0 && chown(nb, 65534, 65534) == 0);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(100);
		test_failures = 0;
		test_tree(nb);
		_exit(test_failures);
	}
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fprintf(stderr, "as nobody: status %d\n", st);
	free(nb);
}

int main(void)
{
	log_init("test_browser", LOG_LVL_WARN);
	/* The home page's words come from the catalogues built in the build directory. */
	setlocale(LC_ALL, "C.UTF-8");
	bindtextdomain("escale", getenv("ESCALE_LOCALEDIR"));
	bind_textdomain_codeset("escale", "UTF-8");
	/* Orphans of the browser's group come back to us, so the wipe can reap them and
	 * kill(pid, 0) says ESRCH instead of finding zombies nobody reaps. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	umask(022);

	char base[] = "/tmp/escale-test-browser-XXXXXX";
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		return 1;
	}
	chmod(base, 0755);
	cfg.centre_name = "Centre <Test> & Co";
	cfg.runtime_dir = xasprintf("%s/run/escale/kiosk", base);
	add_service("CAF", "https://caf.fr/", "Famille");
	add_service("<script>alert(1)</script>", "https://example.org/?a=1&b=2", "Santé");
	add_service("Tom & Jerry's", "https://tj.example/\"x", "Famille");
	add_service("Evil", "javascript:alert(1)", "Santé");

	test_escape();
	test_homepage(base);
	test_homepage_icon(base);
	test_start_wipe();
	test_sigkill();
	test_reap();
	test_exec_fails();
	test_tree(base);
	test_tree_unprivileged(base);

	char *cmd = xasprintf("chmod -R u+rwx %s 2>/dev/null; rm -rf %s", base, base);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", base);
	free(cmd);
	free(cfg.runtime_dir);
	return TEST_DONE();
}
