/* test_kconfig: the example config, every default, and each kind of error with FILE:LINE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/test.h"
#include "kconfig.h"
#include "kprint.h"
#include "util.h"

#define MINIMAL "admin = { url = \"https://admin.example.org\"; token_file = \"/etc/t\"; };\n"
#define PIN     "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE="

static char path[] = "/tmp/escale-test-kconf-XXXXXX";

static bool load(const char *text, struct kiosk_cfg *c, struct cfg_err *err)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return kconfig_load(c, path, err);
}

/* The config must fail with "PATH:LINE: ...MSG..." at LINE. */
static void fails_at(const char *text, int line, const char *msg, int src)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	bool r = load(text, &c, &err);
	kconfig_free(&c);
	char want[256];
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	bool good = !r && strncmp(err.msg, want, strlen(want)) == 0 && strstr(err.msg, msg);
	if (!good) {
		fprintf(stderr, "line %d: config:\n%s\ngot: %s\nwant: %s...%s\n", src, text,
			r ? "(accepted)" : err.msg, want, msg);
		test_failures++;
	}
}
#define fails(text, line, msg) fails_at(text, line, msg, __LINE__)

static void accepts_at(const char *text, int src)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	if (!load(text, &c, &err)) {
		fprintf(stderr, "line %d: config:\n%s\nrefused: %s\n", src, text, err.msg);
		test_failures++;
	}
	kconfig_free(&c);
}
#define accepts(text) accepts_at(text, __LINE__)

static const struct kservice *find_service(const struct kiosk_cfg *c, const char *name)
{
	for (int i = 0; i < c->n_services; i++)
		if (strcmp(c->services[i].name, name) == 0)
			return &c->services[i];
	return NULL;
}

static bool has_domain(const struct kservice *s, const char *d)
{
	for (int i = 0; s && i < s->n_domains; i++)
		if (strcmp(s->domains[i], d) == 0)
			return true;
	return false;
}

static void test_example(void)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	const char *example = getenv("ESCALE_KIOSK_CONF");
	if (!example) {
		fprintf(stderr, "ESCALE_KIOSK_CONF: the installed example kiosk.conf is not set\n");
		test_failures++;
		return;
	}
	bool ok = kconfig_load(&c, example, &err);
	if (!ok)
		fprintf(stderr, "%s: %s\n", example, err.msg);
	CHECK(ok);
	if (!ok)
		return;
	CHECK(strcmp(c.admin_url, "https://admin.example.org:8443") == 0);
	CHECK(!c.hours.always_open);
	CHECK(c.hours.week[1].n == 2 && c.hours.week[6].n == 1 && c.hours.week[0].n == 0);
	CHECK(c.hours.n_ex == 24);
	/* Every value the example shows is the default. */
	struct kiosk_cfg d;
	if (!load(MINIMAL, &d, &err)) {
		fprintf(stderr, "minimal config: %s\n", err.msg);
		test_failures++;
		kconfig_free(&c);
		return;
	}
	CHECK(strcmp(c.centre_name, d.centre_name) == 0 && strcmp(c.language, d.language) == 0);
	CHECK(strcmp(c.state_dir, d.state_dir) == 0 && strcmp(c.runtime_dir, d.runtime_dir) == 0);
	CHECK(strcmp(c.log_file, d.log_file) == 0 && strcmp(c.log_level, d.log_level) == 0);
	CHECK(c.admin_ca_file == NULL && c.admin_pin == NULL);
	CHECK(c.admin_timeout_ms == d.admin_timeout_ms && c.sync_seconds == d.sync_seconds &&
	      c.heartbeat_seconds == d.heartbeat_seconds);
	for (int i = 0; i <= KCFG_MAX_ARGS && (c.browser_argv[i] || d.browser_argv[i]); i++)
		CHECK(c.browser_argv[i] && d.browser_argv[i] &&
		      strcmp(c.browser_argv[i], d.browser_argv[i]) == 0);
	CHECK(c.browser_restarts == d.browser_restarts);
	CHECK(c.keyboard_onscreen == d.keyboard_onscreen);
	CHECK(strcmp(c.browser_user, d.browser_user) == 0);
	CHECK(c.n_warn == d.n_warn && memcmp(c.warn_minutes, d.warn_minutes,
					     sizeof(c.warn_minutes[0]) * (size_t)c.n_warn) == 0);
	CHECK(c.n_closing_warn == d.n_closing_warn &&
	      memcmp(c.closing_warn_minutes, d.closing_warn_minutes,
		     sizeof(c.closing_warn_minutes[0]) * (size_t)c.n_closing_warn) == 0);
	CHECK(c.idle_seconds == d.idle_seconds && c.idle_grace_seconds == d.idle_grace_seconds);
	CHECK(c.ending_ms == d.ending_ms && c.message_seconds == d.message_seconds);
	CHECK(c.login_max_failures == d.login_max_failures &&
	      c.login_lockout_seconds == d.login_lockout_seconds &&
	      c.login_lockout_max == d.login_lockout_max && c.code_length == d.code_length &&
	      c.code_alnum == d.code_alnum);
	CHECK(c.n_services == d.n_services);
	for (int i = 0; i < c.n_services && i < d.n_services; i++) {
		const struct kservice *a = &c.services[i], *b = &d.services[i];
		CHECK(strcmp(a->name, b->name) == 0 && strcmp(a->url, b->url) == 0 &&
		      strcmp(a->category, b->category) == 0 && a->n_domains == b->n_domains);
		for (int j = 0; j < a->n_domains && j < b->n_domains; j++)
			CHECK(strcmp(a->domains[j], b->domains[j]) == 0);
	}
	kconfig_free(&d);
	kconfig_free(&c);
}

static void test_defaults(void)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	bool ok = load(MINIMAL, &c, &err);
	CHECK(ok);
	if (!ok) {
		fprintf(stderr, "minimal config: %s\n", err.msg);
		return;
	}
	CHECK(strcmp(c.path, path) == 0);
	CHECK(strcmp(c.centre_name, "Espace Social Commun") == 0);
	CHECK(strcmp(c.language, "fr") == 0);
	CHECK(c.n_languages == LANG_COUNT && c.languages[0] == 0 && c.languages[8] == 8);
	CHECK(strcmp(c.state_dir, "/var/lib/escale/kiosk") == 0);
	CHECK(strcmp(c.runtime_dir, "/run/escale/kiosk") == 0);
	CHECK(strcmp(c.log_file, "") == 0 && strcmp(c.log_level, "info") == 0);
	CHECK(strcmp(c.admin_url, "https://admin.example.org") == 0);
	CHECK(strcmp(c.admin_token_file, "/etc/t") == 0);
	CHECK(c.admin_ca_file == NULL && c.admin_pin == NULL);
	CHECK(c.admin_timeout_ms == 3000 && c.sync_seconds == 60 && c.heartbeat_seconds == 5);
	const char *argv[] = {ESCALE_LIBEXECDIR "/escale-browser",
			      "--dir",
			      "%d",
			      "--",
			      "chromium",
			      "--kiosk",
			      "--no-first-run",
			      "--user-data-dir=%d/profile",
			      "--disable-background-networking",
			      "--disable-component-update",
			      "--disable-sync",
			      "%u",
			      NULL};
	for (size_t i = 0; i < ARRAY_LEN(argv); i++)
		CHECK(argv[i] ? c.browser_argv[i] && strcmp(c.browser_argv[i], argv[i]) == 0
			      : c.browser_argv[i] == NULL);
	CHECK(c.browser_restarts == 1);
	CHECK(strcmp(c.browser_user, "escale-guest") == 0);
	CHECK(c.n_warn == 2 && c.warn_minutes[0] == 5 && c.warn_minutes[1] == 1);
	CHECK(c.n_closing_warn == 2 && c.closing_warn_minutes[0] == 15 &&
	      c.closing_warn_minutes[1] == 5);
	CHECK(c.idle_seconds == 300 && c.idle_grace_seconds == 60);
	CHECK(c.ending_ms == 1500 && c.message_seconds == 60);
	CHECK(c.login_max_failures == 5 && c.login_lockout_seconds == 30 &&
	      c.login_lockout_max == 600 && c.code_length == 8 && !c.code_alnum);
	CHECK(c.hours.always_open);
	CHECK(hours_is_open(&c.hours, 0) && hours_next_change(&c.hours, 0) == INT64_MAX);

	const char *names[] = {"CAF",         "France Travail", "ameli",
			       "impots.gouv", "ANTS",           "service-public"};
	const char *categories[] = {"Famille", "Emploi", "Santé", "Impôts", "Papiers", "Démarches"};
	CHECK(c.n_services == 6);
	for (int i = 0; i < 6 && i < c.n_services; i++) {
		const struct kservice *s = &c.services[i];
		CHECK(strcmp(s->name, names[i]) == 0 && strcmp(s->category, categories[i]) == 0);
		CHECK(strncmp(s->url, "https://", 8) == 0);
		CHECK(s->n_domains >= 5 && s->domains[s->n_domains] == NULL);
		CHECK(has_domain(s, "franceconnect.gouv.fr"));
		CHECK(has_domain(s, "authent.lidentitenumerique.laposte.fr"));
		CHECK(has_domain(s, "idp.msa.fr") && has_domain(s, "idp.france-identite.gouv.fr"));
	}
	CHECK(has_domain(find_service(&c, "CAF"), "caf.fr"));
	CHECK(has_domain(find_service(&c, "CAF"), "mesdroitssociaux.gouv.fr"));
	CHECK(has_domain(find_service(&c, "France Travail"), "pole-emploi.fr"));
	CHECK(has_domain(find_service(&c, "service-public"), "service-public.gouv.fr"));
	CHECK(strcmp(find_service(&c, "ANTS")->url, "https://ants.gouv.fr/") == 0);

	char *sock = kconfig_socket_path(&c);
	CHECK(strcmp(sock, "/run/escale/kiosk/kiosk.sock") == 0);
	free(sock);
	kconfig_free(&c);
	CHECK(c.path == NULL && c.n_services == 0); /* and a second free is harmless */
	kconfig_free(&c);
}

static void test_values(void)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	bool ok = load("language = \"ar\";\nlanguages = [ \"uk\", \"ar\", \"en\" ];\n"
		       "runtime_dir = \"run\";\n"
		       "admin = { url = \"http://127.0.0.1:8080/\"; token_file = \"tok\";\n"
		       "  pin = \"" PIN ";" PIN "\"; ca_file = \"ca.pem\"; };\n"
		       "browser = { command = [\"./fake-browser\", \"%u\"]; restarts = 0;\n"
		       "  user = \"\"; };\n"
		       "session = { warn_minutes = [1, 10, 5]; closing_warn_minutes = []; };\n"
		       "hours = {\n"
		       "  monday = [\"14:00-18:00\", \"9h00-12h00\"];\n"
		       "  sunday = (\"20:00-24:00\");\n"
		       "  closed = [\"2026-12-28\"];\n"
		       "  special = ( { date = \"2026-12-27\"; hours = [\"10:00-12:00\"]; },\n"
		       "              { date = \"2026-12-29\"; hours = []; } );\n"
		       "};\n"
		       "services = ( { name = \"Démo\"; url = \"http://localhost:9000/x?a=b\";\n"
		       "  domains = [\"localhost\", \".www.example.org\"]; } );\n",
		       &c, &err);
	CHECK(ok);
	CHECK(ok && strcmp(c.browser_user, "") == 0);
	if (!ok) {
		fprintf(stderr, "values: %s\n", err.msg);
		return;
	}
	CHECK(strcmp(c.language, "ar") == 0);
	CHECK(c.n_languages == 3 && c.languages[0] == 7 && c.languages[1] == 2 &&
	      c.languages[2] == 1);
	CHECK(c.admin_pin && strlen(c.admin_pin) == 2 * 52 + 1);
	CHECK(strcmp(c.browser_argv[0], "./fake-browser") == 0 && c.browser_argv[2] == NULL);
	CHECK(c.n_warn == 3 && c.warn_minutes[0] == 10 && c.warn_minutes[1] == 5 &&
	      c.warn_minutes[2] == 1);
	CHECK(c.n_closing_warn == 0);
	CHECK(!c.hours.always_open && c.hours.week[1].n == 2 && c.hours.week[1].r[0].start == 540);
	CHECK(c.hours.week[0].n == 1 && c.hours.week[0].r[0].end == 1440);
	CHECK(c.hours.n_ex == 3 && c.hours.ex[0].year == 2026 && c.hours.ex[0].month == 12 &&
	      c.hours.ex[0].day == 28 && c.hours.ex[0].hours.n == 0);
	CHECK(c.hours.ex[1].day == 27 && c.hours.ex[1].hours.n == 1);
	CHECK(c.hours.ex[2].day == 29 && c.hours.ex[2].hours.n == 0);
	CHECK(c.n_services == 1 && strcmp(c.services[0].category, "") == 0);
	CHECK(c.services[0].n_domains == 2 && c.services[0].domains[2] == NULL);
	char *sock = kconfig_socket_path(&c);
	CHECK(strcmp(sock, "run/kiosk.sock") == 0);
	free(sock);
	kconfig_free(&c);

	/* Loopback in every spelling may use http://. */
	accepts("admin = { url = \"http://[::1]:8080\"; token_file = \"t\"; };\n");
	accepts("admin = { url = \"http://127.1.2.3\"; token_file = \"t\"; };\n");
	accepts("admin = { url = \"http://localhost:8080/api\"; token_file = \"t\"; };\n");
	accepts("admin = { url = \"https://[2001:db8::1]:8443\"; token_file = \"t\"; };\n");
	accepts(MINIMAL "hours = { special = ( { date = \"2026-06-01\"; hours = "
			"[\"10:00-11:00\"]; } ); };\n");
	accepts(MINIMAL "centre_name = \"Maison des Services – Saint-Étienne\";\n");
}

static void test_errors(void)
{
	fails(MINIMAL "foo = 1;\n", 2, "unknown setting 'foo'");
	fails(MINIMAL "session = {\n  idle_secs = 30;\n};\n", 3, "unknown setting 'idle_secs'");
	fails(MINIMAL "hours = { mon = [\"09:00-12:00\"]; };\n", 2, "unknown setting 'mon'");
	fails(MINIMAL "services = ( { name = \"A\"; url = \"https://a.fr/\"; domains = "
		      "[\"a.fr\"];\n  colour = \"red\"; } );\n",
	      3, "unknown setting 'colour'");
	fails(MINIMAL "hours = { special = ( { date = \"2026-01-02\"; hours = [];\n"
		      "  note = \"x\"; } ); };\n",
	      3, "unknown setting 'note'");
	fails(MINIMAL "centre_name = = \"x\";\n", 2, "syntax error");

	/* Wrong types. */
	fails(MINIMAL "centre_name = 5;\n", 2, "must be a string");
	fails(MINIMAL "session = { idle_seconds = \"300\"; };\n", 2, "must be a whole number");
	fails(MINIMAL "session = { idle_seconds = 3.5; };\n", 2, "must be a whole number");
	fails(MINIMAL "login = 3;\n", 2, "must be a group");
	fails(MINIMAL "session = { warn_minutes = 5; };\n", 2, "must be a list");
	fails(MINIMAL "session = { warn_minutes = { a = 5; }; };\n", 2, "not a group");
	fails(MINIMAL "session = { warn_minutes = (5,\n \"1\"); };\n", 3,
	      "whole number of minutes");
	fails(MINIMAL "browser = { command = \"chromium --kiosk\"; };\n", 2, "must be a list");
	fails(MINIMAL "browser = { command = (\"chromium\",\n 3); };\n", 3, "must be a string");
	fails(MINIMAL "hours = { monday = \"09:00-12:00\"; };\n", 2, "list of time ranges");
	fails(MINIMAL "hours = { monday = [9, 12]; };\n", 2, "must be a string");
	fails(MINIMAL "hours = [];\n", 2, "must be a group");
	fails(MINIMAL "hours = { special = { date = \"2026-01-01\"; }; };\n", 2, "list of groups");
	fails(MINIMAL "hours = { special = ( \"2026-01-01\" ); };\n", 2, "must be a group");
	fails(MINIMAL "hours = { monday = [\"09:00-12:00\"];\n special = ( { date = "
		      "\"2026-01-01\"; } ); };\n",
	      3, "needs both 'date' and 'hours'");
	fails(MINIMAL "services = { name = \"A\"; };\n", 2, "list of groups");
	fails(MINIMAL "services = ( \"CAF\" );\n", 2, "must be a group");

	/* Out of range. */
	fails(MINIMAL "session = { idle_seconds = 9; };\n", 2, "between 10 and 7200");
	fails(MINIMAL "login = { code_length = 3; };\n", 2, "between 4 and 32");
	fails(MINIMAL "login = { alphabet = \"hex\"; };\n", 2, "\"digits\" or \"alnum\"");
	fails("admin = { url = \"https://a\"; token_file = \"t\";\n  timeout_ms = 0; };\n", 2,
	      "between 100 and 60000");
	fails(MINIMAL "browser = { restarts = 6; };\n", 2, "between 0 and 5");
	fails(MINIMAL "browser = { user = \"root;id\"; };\n", 2, "must be a user name");
	fails(MINIMAL "browser = { user = \"Guest\"; };\n", 2, "must be a user name");
	fails(MINIMAL "browser = { user = \"-guest\"; };\n", 2, "must be a user name");
	fails(MINIMAL "browser = { user = \"../etc\"; };\n", 2, "must be a user name");
	fails(MINIMAL "browser = { user = \"abcdefghijabcdefghijabcdefghij12\"; };\n", 2,
	      "must be a user name");
	fails(MINIMAL "browser = { user = 1000; };\n", 2, "");
	fails(MINIMAL "session = { warn_minutes = [5, 0]; };\n", 2, "from 1 to 1440");
	fails(MINIMAL "session = { closing_warn_minutes = [1441]; };\n", 2, "from 1 to 1440");
	fails(MINIMAL "session = { warn_minutes = [1, 2, 3, 4, 5, 6, 7, 8, 9]; };\n", 2,
	      "at most 8");
	fails(MINIMAL "session = { warn_minutes = [5, 1, 5]; };\n", 2, "5 is listed twice");
	fails(MINIMAL "login = { lockout_seconds = 60; lockout_max_seconds = 30; };\n", 2,
	      "at least login.lockout_seconds");
	fails(MINIMAL "language = \"de\";\n", 2, "one of fr, en, ar");
	fails(MINIMAL "languages = [ \"fr\", \"de\" ];\n", 2, "\"de\" is not one of");
	fails(MINIMAL "languages = [ \"fr\", \"ar\", \"fr\" ];\n", 2, "listed twice");
	fails(MINIMAL "languages = [ ];\n", 2, "list 1 to 9");
	fails(MINIMAL "languages = [ \"en\", \"ar\" ];\n", 2, "must list the default");
	fails(MINIMAL "languages = [ 3 ];\n", 2, "must be a string");
	fails(MINIMAL "languages = \"fr\";\n", 2, "must be a list");
	fails(MINIMAL "log_level = \"loud\";\n", 2, "log_level must be");
	fails(MINIMAL "centre_name = \"\";\n", 2, "must not be empty");
	fails(MINIMAL "centre_name = \"123456789012345678901234567890123456789012345678901234567890"
		      "123456789012345678901\";\n",
	      2, "longer than 80 characters");
	fails(MINIMAL "state_dir = \"\";\n", 2, "'state_dir' must not be empty");
	fails(MINIMAL
	      "runtime_dir = "
	      "\"/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";\n",
	      2, "too long for a socket path");

	/* admin. */
	fails("centre_name = \"x\";\n", 1, "'admin.url' is required");
	fails("admin = {\n token_file = \"t\"; };\n", 1, "'admin.url' is required");
	fails("admin = { url = \"https://a.fr\"; };\n", 1, "'admin.token_file' is required");
	fails("admin = { url = \"https://a.fr\";\n token_file = \"\"; };\n", 2,
	      "must not be empty");
	fails("admin = {\n url = \"http://admin.example.org:8080\"; token_file = \"t\"; };\n", 2,
	      "use https:// for 'admin.example.org'");
	fails("admin = { url = \"http://10.0.0.1\"; token_file = \"t\"; };\n", 1, "use https://");
	fails("admin = { url = \"http://[2001:db8::1]\"; token_file = \"t\"; };\n", 1,
	      "use https://");
	fails("admin = { url = \"http://127.0.0.1.example.org\"; token_file = \"t\"; };\n", 1,
	      "use https://");
	fails("admin = { url = \"ftp://a.fr\"; token_file = \"t\"; };\n", 1,
	      "must start with https://");
	fails("admin = { url = \"admin.example.org\"; token_file = \"t\"; };\n", 1,
	      "must start with https://");
	fails("admin = { url = \"\"; token_file = \"t\"; };\n", 1, "must start with https://");
	fails("admin = { url = \"https://\"; token_file = \"t\"; };\n", 1, "no host name");
	fails("admin = { url = \"https://:8443/\"; token_file = \"t\"; };\n", 1, "no host name");
	fails("admin = { url = \"https://a.fr:0\"; token_file = \"t\"; };\n", 1, "port");
	fails("admin = { url = \"https://a.fr:99999\"; token_file = \"t\"; };\n", 1, "port");
	fails("admin = { url = \"https://a.fr:\"; token_file = \"t\"; };\n", 1, "HOST:PORT");
	fails("admin = { url = \"https://a.fr:80x/\"; token_file = \"t\"; };\n", 1, "port");
	fails("admin = { url = \"https://[::1/\"; token_file = \"t\"; };\n", 1, "missing ']'");
	fails("admin = { url = \"https://[zz]/\"; token_file = \"t\"; };\n", 1,
	      "not an IPv6 address");
	fails("admin = { url = \"https://u:p@a.fr/\"; token_file = \"t\"; };\n", 1,
	      "user name or password");
	fails("admin = { url = \"https://a_b.fr/\"; token_file = \"t\"; };\n", 1,
	      "only letters, digits");
	fails("admin = { url = \"https://a.fr/x y\"; token_file = \"t\"; };\n", 1, "spaces");
	fails(MINIMAL "admin = { url = \"https://a.fr\"; token_file = \"t\"; };\n", 2,
	      "duplicate setting");
	fails("admin = { url = \"https://a.fr\"; token_file = \"t\";\n pin = \"abc\"; };\n", 2,
	      "admin.pin must be \"sha256//\"");
	fails("admin = { url = \"https://a.fr\"; token_file = \"t\";\n pin = \"sha256//"
	      "YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMw=\"; };\n",
	      2, "admin.pin");
	fails("admin = { url = \"https://a.fr\"; token_file = \"t\";\n pin = \"sha256//"
	      "YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE-\"; };\n",
	      2, "admin.pin");
	fails("admin = { url = \"https://a.fr\"; token_file = \"t\";\n pin = \"" PIN ";\"; };\n", 2,
	      "admin.pin");
	fails("admin = { url = \"https://a.fr\"; token_file = \"t\";\n pin = \"sha1//" PIN
	      "\"; };\n",
	      2, "admin.pin");
	fails("admin = { url = \"https://a.fr\"; token_file = \"t\";\n ca_file = \"\"; };\n", 2,
	      "'ca_file' must not be empty");

	/* browser. */
	fails(MINIMAL "browser = {\n  command = [];\n};\n", 3, "'command' is empty");
	fails(MINIMAL "browser = { command = [\"chromium\",\n \"\"]; };\n", 3,
	      "argument 2 is empty");
	fails(MINIMAL "browser = { command = [\"chromium\", \"%U\"]; };\n", 2,
	      "'%' may only start %u");
	fails(MINIMAL "browser = { command = [\"chromium\", \"100%\"]; };\n", 2, "%u");
	accepts(MINIMAL "browser = { command = [\"b\", \"--dir=%d/x\", \"%u%u\"]; };\n");

	/* hours. */
	fails(MINIMAL "hours = {\n  monday = [\"09:00-12:00\",\n \"25:00-26:00\"];\n};\n", 4,
	      "'25:00-26:00' is not a time range");
	fails(MINIMAL "hours = { tuesday = [\"12:00-09:00\"]; };\n", 2, "start before the end");
	fails(MINIMAL "hours = { tuesday = [\"9:00-\"]; };\n", 2, "is not a time range");
	fails(MINIMAL "hours = { tuesday = [\"\"]; };\n", 2, "is not a time range");
	fails(MINIMAL "hours = { tuesday = [\"09:00-12:00 \"]; };\n", 2, "is not a time range");
	fails(MINIMAL "hours = { monday = [\"09:00-12:00\",\n \"11:00-14:00\"]; };\n", 3,
	      "'11:00-14:00' overlaps");
	fails(MINIMAL "hours = { monday = [\"0:00-1:00\", \"1:00-2:00\", \"2:00-3:00\", "
		      "\"3:00-4:00\", \"4:00-5:00\", \"5:00-6:00\", \"6:00-7:00\", \"7:00-8:00\",\n"
		      "\"8:00-9:00\"]; };\n",
	      3, "at most 8 time ranges");
	fails(MINIMAL "hours = { monday = [\"09:00-12:00\"];\n closed = [\"2026-02-30\"]; };\n", 3,
	      "'2026-02-30' is not a date");
	fails(MINIMAL "hours = { monday = [\"09:00-12:00\"];\n closed = [\"25/12/2026\"]; };\n", 3,
	      "expected \"YYYY-MM-DD\"");
	fails(MINIMAL "hours = { monday = [\"09:00-12:00\"];\n closed = [20261225]; };\n", 3,
	      "a date must be a string");
	fails(MINIMAL "hours = { monday = [\"09:00-12:00\"]; closed = [\"2026-12-25\"];\n"
		      " special = ( { date = \"2026-12-25\"; hours = [\"09:00-10:00\"]; } ); };\n",
	      3, "2026-12-25 is listed twice");
	fails(MINIMAL "hours = { special = ( { date = \"2026-12-24\";\n hours = [\"9-12\"]; } ); "
		      "};\n",
	      3, "'9-12' is not a time range");
	fails(MINIMAL "hours = {\n  monday = [];\n  closed = [\"2026-12-25\"];\n};\n", 2,
	      "the centre would never open");
	fails(MINIMAL "hours = { };\n", 2, "the centre would never open");
	{
		char text[8192] = MINIMAL "hours = { monday = [\"09:00-12:00\"]; closed = [\n";
		for (int i = 0; i <= HOURS_MAX_EXCEPTIONS; i++) {
			char d[32];
			snprintf(d, sizeof(d), "\"2027-%02d-%02d\",\n", i / 28 + 1, i % 28 + 1);
			strcat(text, d);
		}
		text[strlen(text) - 2] = '\0';
		strcat(text, "]; };\n");
		fails(text, 3 + HOURS_MAX_EXCEPTIONS, "at most 128");
	}

	/* services. */
	fails(MINIMAL "services = ();\n", 2, "'services' is empty");
	fails(MINIMAL "services = ( {\n url = \"https://a.fr/\"; domains = [\"a.fr\"]; } );\n", 2,
	      "'name' is required");
	fails(MINIMAL "services = ( { name = \"\"; url = \"https://a.fr/\"; domains = [\"a.fr\"]; "
		      "} );\n",
	      2, "'name' is required");
	fails(MINIMAL
	      "services = ( { name = \"Un nom beaucoup trop long pour une tuile, vraiment\";"
	      " url = \"https://a.fr/\"; domains = [\"a.fr\"]; } );\n",
	      2, "longer than 40 characters");
	fails(MINIMAL "services = ( { name = \"A\"; domains = [\"a.fr\"]; } );\n", 2,
	      "'url' is required");
	fails(MINIMAL
	      "services = ( { name = \"A\";\n url = \"http://a.fr/\"; domains = [\"a.fr\"]; "
	      "} );\n",
	      3, "use https:// for 'a.fr'");
	fails(MINIMAL "services = ( { name = \"A\"; url = \"https://a.fr/\"; } );\n", 2,
	      "'domains' is required");
	fails(MINIMAL
	      "services = ( { name = \"A\"; url = \"https://a.fr/\";\n domains = []; } );\n",
	      3, "'domains' is required");
	fails(MINIMAL "services = ( { name = \"A\"; url = \"https://a.fr/\";\n domains = "
		      "[\"a.fr\",\n \"Caf.fr\"]; } );\n",
	      4, "'Caf.fr' is not a host name");
	const char *bad_domains[] = {"a..fr",        "a.fr.", ".",    "",       "-a.fr",
				     "a-.fr",        "a fr",  "a/fr", "a_b.fr", "*.a.fr",
				     "https://a.fr", "..a.fr"};
	for (size_t i = 0; i < ARRAY_LEN(bad_domains); i++) {
		char text[512];
		snprintf(text, sizeof(text),
			 MINIMAL "services = ( { name = \"A\"; url = \"https://a.fr/\";\n"
				 " domains = [\"a.fr\", \"%s\"]; } );\n",
			 bad_domains[i]);
		fails(text, 3, "is not a host name");
	}
	fails(MINIMAL
	      "services = ( { name = \"A\"; url = \"https://a.fr/\";\n domains = [\"a.fr\", "
	      "\"a.fr\"]; } );\n",
	      3, "'a.fr' is listed twice");
	fails(MINIMAL "services = ( { name = \"A\";\n url = \"https://www.a.fr/\";\n domains = "
		      "[\"b.fr\", \"xa.fr\", \".a.fr\"]; } );\n",
	      3, "'www.a.fr' is not in its domains");
	accepts(MINIMAL "services = ( { name = \"A\"; url = \"https://www.a.fr/\"; domains = "
			"[\".www.a.fr\"]; } );\n");
	accepts(MINIMAL "services = ( { name = \"A\"; url = \"https://WWW.A.FR/\"; domains = "
			"[\"a.fr\"]; } );\n");
	fails(MINIMAL "services = ( { name = \"A\"; url = \"https://a.fr/\"; domains = [\"a.fr\"]; "
		      "},\n { name = \"A\"; url = \"https://b.fr/\"; domains = [\"b.fr\"]; } );\n",
	      3, "'A' is used twice");
	{
		char text[4096] = MINIMAL "services = (\n";
		strcat(text, " { name = \"A\"; url = \"https://a.fr/\"; domains = [\"a.fr\"");
		for (int i = 1; i <= KCFG_MAX_DOMAINS; i++) {
			char d[32];
			snprintf(d, sizeof(d), ", \"d%d.fr\"", i);
			strcat(text, d);
		}
		strcat(text, "]; } );\n");
		fails(text, 3, "at most 32");
	}
	{
		static char text[65536];
		strcpy(text, MINIMAL "services = (\n");
		for (int i = 0; i <= KCFG_MAX_SERVICES; i++) {
			char s[128];
			snprintf(s, sizeof(s),
				 "%s{ name = \"S%d\"; url = \"https://s%d.fr/\"; domains = "
				 "[\"s%d.fr\"]; }\n",
				 i ? "," : "", i, i, i);
			strcat(text, s);
		}
		strcat(text, ");\n");
		fails(text, 3 + KCFG_MAX_SERVICES, "too many services: at most 64");
		/* 64 is fine. */
		char *last = strrchr(text, ',');
		strcpy(last, ");\n");
		accepts(text);
	}

	/* Text must be valid UTF-8. */
	fails(MINIMAL "centre_name = \"Caf\xe9\";\n", 2, "not valid UTF-8");
	fails(MINIMAL "centre_name = \"a\\x01b\";\n", 2, "not valid UTF-8");
	fails(MINIMAL "services = ( { name = \"A\\xff\"; url = \"https://a.fr/\"; domains = "
		      "[\"a.fr\"]; } );\n",
	      2, "not valid UTF-8");
	fails(MINIMAL "browser = { command = [\"chromium\", \"\xc0\xaf\"]; };\n", 2,
	      "not valid UTF-8");
	fails("admin = { url = \"https://a.fr/\xed\xa0\x80\"; token_file = \"t\"; };\n", 1,
	      "not valid UTF-8");
	fails(MINIMAL "hours = { monday = [\"09:00-12:00\xff\"]; };\n", 2,
	      "'(unprintable or too long)' is not a time range");

	/* A missing file. */
	struct kiosk_cfg c;
	struct cfg_err err;
	CHECK(!kconfig_load(&c, "/nonexistent/kiosk.conf", &err) &&
	      strstr(err.msg, "/nonexistent/kiosk.conf:0: cannot open"));
	kconfig_free(&c);
}

/* print { }: the server as HOST[:PORT] in its three forms, the names, the client.conf. */
static void test_print(void)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	CHECK(load(MINIMAL, &c, &err));
	CHECK(strcmp(c.print_server, "") == 0 && !c.print_host && c.print_port == 631);
	CHECK(strcmp(c.print_queue, "escale") == 0 && strcmp(c.print_kiosk_name, "") == 0);
	CHECK(kprint_client_conf(&c, NULL) == NULL);
	kconfig_free(&c);

	static const struct {
		const char *server, *host, *line;
		int port;
	} ok[] = {
		{"print.example.org", "print.example.org", "ServerName print.example.org:631\n",
		 631},
		{"192.168.1.5:8631", "192.168.1.5", "ServerName 192.168.1.5:8631\n", 8631},
		{"[::1]:18631", "::1", "ServerName [::1]:18631\n", 18631},
		{"[fd00::5]", "fd00::5", "ServerName [fd00::5]:631\n", 631},
		{"localhost:1", "localhost", "ServerName localhost:1\n", 1},
		{"Accueil-PC", "Accueil-PC", "ServerName Accueil-PC:631\n", 631},
	};
	for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
		char text[512];
		snprintf(text, sizeof(text),
			 MINIMAL "print = { server = \"%s\"; queue = \"q_1.a-b\"; };\n",
			 ok[i].server);
		bool r = load(text, &c, &err);
		CHECK(r);
		if (!r) {
			fprintf(stderr, "%s: %s\n", ok[i].server, err.msg);
			continue;
		}
		CHECK(strcmp(c.print_host, ok[i].host) == 0 && c.print_port == ok[i].port);
		CHECK(strcmp(c.print_queue, "q_1.a-b") == 0);
		char *conf = kprint_client_conf(&c, NULL);
		CHECK(conf && strstr(conf, ok[i].line) && !strstr(conf, "User "));
		free(conf);
		kconfig_free(&c);
	}
	/* With the browser's network closed (proxy.enforce, the default) a name is replaced by
	 * the address the kiosk's probe found, since the browser's user has no DNS; an address
	 * given stays, and without enforcement the name stays. */
	CHECK(load(MINIMAL "print = { server = \"accueil-pc.local:8631\"; };\n", &c, &err));
	CHECK(strcmp(kprint_host(&c, "192.168.1.7"), "192.168.1.7") == 0);
	CHECK(strcmp(kprint_host(&c, ""), "accueil-pc.local") == 0);
	CHECK(strcmp(kprint_host(&c, NULL), "accueil-pc.local") == 0);
	char *named = kprint_client_conf(&c, "fd00::7");
	CHECK(named && strstr(named, "ServerName [fd00::7]:8631\n"));
	free(named);
	kconfig_free(&c);
	CHECK(load(MINIMAL "print = { server = \"10.0.0.2\"; };\n", &c, &err));
	CHECK(strcmp(kprint_host(&c, "192.168.1.7"), "10.0.0.2") == 0);
	kconfig_free(&c);
	CHECK(load(MINIMAL "proxy = { enforce = false; };\n"
			   "print = { server = \"accueil-pc.local\"; };\n",
		   &c, &err));
	CHECK(strcmp(kprint_host(&c, "192.168.1.7"), "accueil-pc.local") == 0);
	kconfig_free(&c);
	/* The kiosk's name becomes the user name of its jobs. */
	CHECK(load(MINIMAL "print = { server = \"10.0.0.2\"; kiosk_name = \"poste-1\"; };\n", &c,
		   &err));
	char *conf = kprint_client_conf(&c, NULL);
	CHECK(conf && strstr(conf, "ServerName 10.0.0.2:631\nUser escale-kiosk.poste-1\n"));
	free(conf);
	kconfig_free(&c);

	fails(MINIMAL "print = { server = \"a b\"; };\n", 2, "is not a host name");
	fails(MINIMAL "print = { server = \"::1\"; };\n", 2, "in brackets");
	fails(MINIMAL "print = { server = \"fd00::5:631\"; };\n", 2, "in brackets");
	fails(MINIMAL "print = { server = \"[::1\"; };\n", 2, "in brackets");
	fails(MINIMAL "print = { server = \"[::1]x\"; };\n", 2, "in brackets");
	fails(MINIMAL "print = { server = \"[print.example.org]:631\"; };\n", 2,
	      "is not a host name");
	fails(MINIMAL "print = { server = \"host:0\"; };\n", 2, "from 1 to 65535");
	fails(MINIMAL "print = { server = \"host:65536\"; };\n", 2, "from 1 to 65535");
	fails(MINIMAL "print = { server = \"host:\"; };\n", 2, "from 1 to 65535");
	fails(MINIMAL "print = { server = \"host:63a\"; };\n", 2, "from 1 to 65535");
	fails(MINIMAL "print = { server = \"-host\"; };\n", 2, "is not a host name");
	fails(MINIMAL "print = { server = \"a..b\"; };\n", 2, "is not a host name");
	fails(MINIMAL "print = { server = \"ipp://host/printers/escale\"; };\n", 2, "not a URL");
	fails(MINIMAL "print = { server = \"host\nServerName evil\"; };\n", 2, "");
	fails(MINIMAL "print = { server = 631; };\n", 2, "must be a string");
	fails(MINIMAL "print = { queue = \"\"; };\n", 2, "print.queue must be letters");
	fails(MINIMAL "print = { queue = \"a/b\"; };\n", 2, "print.queue must be letters");
	fails(MINIMAL "print = { kiosk_name = \"poste 1\"; };\n", 2, "print.kiosk_name must be");
	fails(MINIMAL "print = { kiosk_name = \"a\\nUser root\"; };\n", 2,
	      "print.kiosk_name must be");
	fails(MINIMAL "print = { colour = true; };\n", 2, "unknown setting 'colour'");
	fails(MINIMAL "print = [];\n", 2, "must be a group");
	/* Size limits: a label of 64 characters, a name of 254, a queue of 65. */
	char text[1024], label[70];
	memset(label, 'a', 64);
	label[64] = '\0';
	snprintf(text, sizeof(text), MINIMAL "print = { server = \"%s.fr\"; };\n", label);
	fails(text, 2, "is not a host name");
	label[63] = '\0';
	snprintf(text, sizeof(text), MINIMAL "print = { server = \"%s.fr\"; };\n", label);
	accepts(text);
	snprintf(text, sizeof(text), MINIMAL "print = { server = \"%s.%s.%s.%s\"; };\n", label,
		 label, label, label);
	fails(text, 2, "is not a host name");
	snprintf(text, sizeof(text), MINIMAL "print = { queue = \"%sab\"; };\n", label);
	fails(text, 2, "at most 64");
}

static void test_keyboard(void)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	CHECK(load(MINIMAL, &c, &err) && c.keyboard_onscreen == OSK_AUTO);
	kconfig_free(&c);
	CHECK(load(MINIMAL "keyboard = { onscreen = \"always\"; };\n", &c, &err) &&
	      c.keyboard_onscreen == OSK_ALWAYS);
	kconfig_free(&c);
	CHECK(load(MINIMAL "keyboard = { onscreen = \"never\"; };\n", &c, &err) &&
	      c.keyboard_onscreen == OSK_NEVER);
	kconfig_free(&c);
	fails(MINIMAL "keyboard = { onscreen = \"yes\"; };\n", 2, "keyboard.onscreen must be");
	fails(MINIMAL "keyboard = { onscreen = true; };\n", 2, "onscreen");
	fails(MINIMAL "keyboard = { onscreen = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"; };\n", 2,
	      "onscreen");
	fails(MINIMAL "keyboard = { layout = \"qwerty\"; };\n", 2, "layout");
	fails(MINIMAL "keyboard = \"auto\";\n", 2, "keyboard");
}

static void test_proxy(void)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	CHECK(load(MINIMAL, &c, &err));
	CHECK(strcmp(c.proxy_listen_host, "127.0.0.1") == 0 && c.proxy_listen_port == 3128);
	CHECK(strcmp(c.proxy_hosts_file, "") == 0 && c.proxy_enforce);
	CHECK(strcmp(c.proxy_control, "/run/escale/proxy/control.sock") == 0);
	CHECK(strcmp(c.proxy_resolv_conf, "/etc/resolv.conf") == 0);
	CHECK(c.proxy_max_connections == 256 && c.proxy_header_seconds == 10 &&
	      c.proxy_dns_seconds == 5 && c.proxy_connect_seconds == 10 &&
	      c.proxy_idle_seconds == 300);
	kconfig_free(&c);
	CHECK(load(MINIMAL "proxy = { max_connections = 4; header_seconds = 1; dns_seconds = 2; "
			   "connect_seconds = 3; idle_seconds = 86400; "
			   "resolv_conf = \"/run/r.conf\"; };\n",
		   &c, &err));
	CHECK(c.proxy_max_connections == 4 && c.proxy_header_seconds == 1 &&
	      c.proxy_dns_seconds == 2 && c.proxy_connect_seconds == 3 &&
	      c.proxy_idle_seconds == 86400 && strcmp(c.proxy_resolv_conf, "/run/r.conf") == 0);
	kconfig_free(&c);
	fails(MINIMAL "proxy = { max_connections = 0; };\n", 2, "max_connections");
	fails(MINIMAL "proxy = { max_connections = 5000; };\n", 2, "max_connections");
	fails(MINIMAL "proxy = { header_seconds = 0; };\n", 2, "header_seconds");
	fails(MINIMAL "proxy = { dns_seconds = 61; };\n", 2, "dns_seconds");
	fails(MINIMAL "proxy = { connect_seconds = \"10\"; };\n", 2, "connect_seconds");
	fails(MINIMAL "proxy = { idle_seconds = 86401; };\n", 2, "idle_seconds");
	CHECK(load(MINIMAL "proxy = { listen = \"[::1]:8118\"; hosts_file = \"/etc/h\"; "
			   "control = \"/run/p.sock\"; enforce = false; };\n",
		   &c, &err));
	CHECK(strcmp(c.proxy_listen_host, "::1") == 0 && c.proxy_listen_port == 8118);
	CHECK(strcmp(c.proxy_hosts_file, "/etc/h") == 0 && !c.proxy_enforce);
	CHECK(strcmp(c.proxy_control, "/run/p.sock") == 0);
	kconfig_free(&c);
	accepts(MINIMAL "proxy = { listen = \"127.0.0.53:3128\"; };\n");
	fails(MINIMAL "proxy = { listen = \"0.0.0.0:3128\"; };\n", 2, "loopback address");
	fails(MINIMAL "proxy = { listen = \"10.0.0.1:3128\"; };\n", 2, "loopback address");
	fails(MINIMAL "proxy = { listen = \"localhost:3128\"; };\n", 2, "loopback address");
	fails(MINIMAL "proxy = { listen = \"127.0.0.1\"; };\n", 2, "loopback address");
	fails(MINIMAL "proxy = { listen = \"127.0.0.1:0\"; };\n", 2, "from 1 to 65535");
	fails(MINIMAL "proxy = { listen = \"::1:3128\"; };\n", 2, "in brackets");
	fails(MINIMAL "proxy = { listen = \"http://127.0.0.1:3128\"; };\n", 2, "not a URL");
	fails(MINIMAL "proxy = { control = \"run/p.sock\"; };\n", 2, "absolute socket path");
	fails(MINIMAL "proxy = { enforce = \"yes\"; };\n", 2, "enforce");
	fails(MINIMAL "proxy = { port = 3128; };\n", 2, "unknown setting 'port'");
}

#define SVC(extra)                                                 \
	MINIMAL "services = ( { name = \"France Travail\"; url = " \
		"\"https://www.francetravail.fr/\"; "              \
		"domains = [ \"francetravail.fr\" ]; " extra " } );\n"

/* speech { }: on by default only where its program is installed; the command's checks. */
static void test_speech(void)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	CHECK(load(MINIMAL, &c, &err));
	CHECK(strcmp(c.speech_argv[0], "espeak-ng") == 0 && strcmp(c.speech_argv[2], "%l") == 0 &&
	      strcmp(c.speech_argv[6], "%t") == 0 && !c.speech_argv[7]);
	kconfig_free(&c);
	/* A program that is there: on; one that is not: off, unless asked (then logged). */
	CHECK(load(MINIMAL "speech = { command = [ \"/bin/true\", \"%t\" ]; };\n", &c, &err));
	CHECK(c.speech_enabled && strcmp(c.speech_argv[0], "/bin/true") == 0 && !c.speech_argv[2]);
	kconfig_free(&c);
	CHECK(load(MINIMAL "speech = { command = [ \"true\" ]; };\n", &c, &err));
	CHECK(c.speech_enabled);
	kconfig_free(&c);
	CHECK(load(MINIMAL "speech = { command = [ \"/nonexistent/say\" ]; };\n", &c, &err));
	CHECK(!c.speech_enabled);
	kconfig_free(&c);
	CHECK(load(MINIMAL "speech = { enabled = true; command = [ \"/nonexistent/say\" ]; };\n",
		   &c, &err));
	CHECK(c.speech_enabled);
	kconfig_free(&c);
	CHECK(load(MINIMAL "speech = { enabled = false; command = [ \"/bin/true\" ]; };\n", &c,
		   &err));
	CHECK(!c.speech_enabled);
	kconfig_free(&c);
	fails(MINIMAL "speech = { command = [ ]; };\n", 2, "'command' is empty");
	fails(MINIMAL "speech = { command = [ \"say\", \"\" ]; };\n", 2, "argument 2 is empty");
	fails(MINIMAL "speech = { command = \"say\"; };\n", 2, "command");
	fails(MINIMAL "speech = { enabled = 1; };\n", 2, "must be true or false");
	fails(MINIMAL "speech = { voice = \"fr\"; };\n", 2, "unknown setting 'voice'");
	fails(MINIMAL "speech = 1;\n", 2, "must be a group");
	char big[2048] = MINIMAL "speech = { command = [ \"say\"";
	for (int i = 0; i < KCFG_MAX_SPEECH_ARGS; i++)
		strcat(big, ", \"a\"");
	strcat(big, " ]; };\n");
	fails(big, 2, "at most 24");
}

static void test_service_ids(void)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	CHECK(load(MINIMAL, &c, &err));
	CHECK(strcmp(find_service(&c, "France Travail")->id, "france-travail") == 0);
	CHECK(strcmp(find_service(&c, "impots.gouv")->id, "impots-gouv") == 0);
	CHECK(strcmp(find_service(&c, "CAF")->id, "caf") == 0);
	CHECK(!find_service(&c, "CAF")->intranet);
	kconfig_free(&c);
	CHECK(load(SVC("id = \"ft\"; intranet = true;"), &c, &err));
	CHECK(strcmp(c.services[0].id, "ft") == 0 && c.services[0].intranet);
	kconfig_free(&c);
	fails(SVC("id = \"FT\";"), 2, "'id' must be");
	fails(SVC("id = \"-ft\";"), 2, "'id' must be");
	fails(SVC("id = \"\";"), 2, "'id' must be");
	fails(SVC("id = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\";"), 2, "'id' must be");
	fails(SVC("intranet = 1;"), 2, "intranet");
	fails(MINIMAL "services = ( { name = \"A b\"; url = \"https://a.fr/\"; domains = "
		      "[\"a.fr\"]; }, { name = \"A-B\"; url = \"https://a.fr/\"; domains = "
		      "[\"a.fr\"]; } );\n",
	      2, "service id 'a-b' is used twice");
	CHECK(kconfig_service_id_ok("caf") && kconfig_service_id_ok("a-1"));
	CHECK(!kconfig_service_id_ok("a_b") && !kconfig_service_id_ok("a-"));
}

/* The file escale-kiosk --enroll writes replaces admin.url and admin.pin. */
static void test_enrollment(void)
{
	char epath[] = "/tmp/escale-test-enroll-XXXXXX", text[1024];
	int fd = mkstemp(epath);
	close(fd);
	unlink(epath);
	snprintf(text, sizeof(text),
		 "admin = { url = \"https://a.example.org\"; token_file = \"/etc/t\";"
		 " enrollment_file = \"%s\"; };\n",
		 epath);
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	CHECK(load(text, &c, &err));
	CHECK(!c.enrolled && strcmp(c.admin_url, "https://a.example.org") == 0);
	kconfig_free(&c);
	FILE *f = fopen(epath, "w");
	fprintf(f, "url = \"https://10.0.0.5:8443\";\npin = \"%s\";\n", PIN);
	fclose(f);
	CHECK(load(text, &c, &err));
	CHECK(c.enrolled && strcmp(c.admin_url, "https://10.0.0.5:8443") == 0);
	CHECK(c.admin_pin && strcmp(c.admin_pin, PIN) == 0);
	kconfig_free(&c);
	/* Without admin.url in kiosk.conf, the enrollment is enough. */
	char bare[512];
	snprintf(bare, sizeof(bare),
		 "admin = { token_file = \"/etc/t\"; enrollment_file = \"%s\"; };\n", epath);
	accepts(bare);
	static const char *const bad[][2] = {
		{"url = \"ftp://x\";\n", "must start with https://"},
		{"url = \"http://10.0.0.5/\";\n", "https://"},
		{"pin = \"sha256//x\";\n", "'url' is required"},
		{"url = \"https://x.org\";\npin = \"sha1//AAAA\";\n", "pin must be"},
		{"url = \"https://x.org\";\ntoken = \"esk_\";\n", "unknown setting 'token'"},
		{"url = ;\n", ""},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = fopen(epath, "w");
		fputs(bad[i][0], f);
		fclose(f);
		bool r = load(text, &c, &err);
		if (r || strncmp(err.msg, epath, strlen(epath)) != 0 ||
		    !strstr(err.msg, bad[i][1])) {
			fprintf(stderr, "enrollment file:\n%sgot: %s\n", bad[i][0],
				r ? "(accepted)" : err.msg);
			test_failures++;
		}
		kconfig_free(&c);
	}
	unlink(epath);
}

/* settings.local: keys of its site's settings this PC keeps (common/sitecfg.h). */
static void test_settings_local(void)
{
	struct kiosk_cfg c;
	struct cfg_err err = {""};
	CHECK(load(MINIMAL, &c, &err) && c.settings_local == 0);
	kconfig_free(&c);
	CHECK(load(MINIMAL "settings = { local = [ \"session.idle_seconds\", \"hours\" ]; };\n", &c,
		   &err));
	CHECK(c.settings_local == ((1u << SK_IDLE) | (1u << SK_HOURS)));
	kconfig_free(&c);
	accepts(MINIMAL "settings = { local = []; };\n");
	accepts(MINIMAL "settings = { };\n");
	fails(MINIMAL "settings = { local = [ \"idle\" ]; };\n", 2, "settings.local");
	fails(MINIMAL "settings = { local = [ \"desk.rules\" ]; };\n", 2, "settings.local");
	/* admind chooses a site's services before they reach a kiosk: none to keep. */
	fails(MINIMAL "settings = { local = [ \"services\" ]; };\n", 2, "settings.local");
	CHECK(load(MINIMAL "settings = { local = [ \"languages\" ]; };\n", &c, &err));
	CHECK(c.settings_local == 1u << SK_LANGUAGES);
	kconfig_free(&c);
	fails(MINIMAL "settings = { local = [ 3 ]; };\n", 2, "settings.local");
	fails(MINIMAL "settings = { local = \"hours\"; };\n", 2, "must be a list");
	fails(MINIMAL "settings = { keep = [ ]; };\n", 2, "unknown setting 'keep'");
	fails(MINIMAL "settings = 1;\n", 2, "must be a group");
}

int main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	test_example();
	test_defaults();
	test_values();
	test_errors();
	test_print();
	test_keyboard();
	test_proxy();
	test_service_ids();
	test_speech();
	test_enrollment();
	test_settings_local();
	unlink(path);
	return TEST_DONE();
}
