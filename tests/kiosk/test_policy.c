/* test_policy: the browser policies generated from the services list, the home page
 * allowlisted, the limits, and the files the kiosk writes for the wrapper. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/test.h"
#include "kconfig.h"
#include "hometile.h"
#include "policy.h"
#include "util.h"

static char path[] = "/tmp/escale-test-policy-XXXXXX";

static bool load(const char *text, struct kiosk_cfg *c, struct cfg_err *err)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return kconfig_load(c, path, err);
}

static bool has(json_t *a, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach (a, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

static int count(json_t *a, const char *s)
{
	int n = 0;
	size_t i;
	json_t *v;
	json_array_foreach (a, i, v)
		n += strcmp(json_string_value(v), s) == 0;
	return n;
}

static void default_services(const char *rundir)
{
	char *text =
		xasprintf("admin = { url = \"https://a.example.org\"; token_file = \"/t\"; };\n"
			  "runtime_dir = \"%s\";\n",
			  rundir);
	struct kiosk_cfg c;
	struct cfg_err err;
	CHECK(load(text, &c, &err));
	free(text);
	char e[256];
	const char *home = "file:///run/x/session-abc/home/index.html";
	json_t *p = policy_chromium(&c, home, true, e, sizeof(e));
	CHECK(p);
	json_t *allow = json_object_get(p, "URLAllowlist");
	json_t *block = json_object_get(p, "URLBlocklist");
	/* Every domain of the default services, each once (FranceConnect is in all six). */
	const char *want[] = {"caf.fr",
			      "mesdroitssociaux.gouv.fr",
			      "francetravail.fr",
			      "pole-emploi.fr",
			      "ameli.fr",
			      "impots.gouv.fr",
			      "ants.gouv.fr",
			      "service-public.fr",
			      "franceconnect.gouv.fr",
			      "idp.france-identite.gouv.fr"};
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		CHECK(count(allow, want[i]) == 1);
	CHECK(has(allow, home));
	/* The home page's scan tile's page beside it (hometile.h), no other file. */
	char *tile = hometile_url(home);
	CHECK(tile && has(allow, tile) && strstr(tile, "/scan.html"));
	free(tile);
	CHECK(json_array_size(allow) == 17);
	CHECK(has(allow, "chrome://print") && has(allow, "chrome-untrusted://print"));
	/* Everything else is blocked, and the browser's own pages, tools and files always. */
	const char *blocked[] = {
		"*",        "chrome://*",     "devtools://*", "view-source:*",
		"file://*", "javascript://*", "mailto:*",     "chrome-untrusted://*"};
	for (size_t i = 0; i < ARRAY_LEN(blocked); i++)
		CHECK(has(block, blocked[i]));
	CHECK(json_integer_value(json_object_get(p, "DeveloperToolsAvailability")) == 2);
	CHECK(json_integer_value(json_object_get(p, "IncognitoModeAvailability")) == 1);
	CHECK(json_integer_value(json_object_get(p, "BrowserSignin")) == 0);
	CHECK(json_integer_value(json_object_get(p, "DownloadRestrictions")) == 1);
	const char *off[] = {"BrowserGuestModeEnabled",
			     "BrowserAddPersonEnabled",
			     "EditBookmarksEnabled",
			     "PasswordManagerEnabled",
			     "AutofillAddressEnabled",
			     "AutofillCreditCardEnabled",
			     "TaskManagerEndProcessEnabled",
			     "PromptForDownloadLocation",
			     "AlwaysOpenPdfExternally",
			     "QuicAllowed",
			     "DefaultBrowserSettingEnabled",
			     "BrowserLabsEnabled",
			     "TranslateEnabled"};
	for (size_t i = 0; i < ARRAY_LEN(off); i++)
		CHECK(json_is_false(json_object_get(p, off[i])));
	const char *on[] = {"SyncDisabled", "PrintingEnabled", "AllowFileSelectionDialogs",
			    "SavingBrowserHistoryDisabled"};
	for (size_t i = 0; i < ARRAY_LEN(on); i++)
		CHECK(json_is_true(json_object_get(p, on[i])));
	CHECK(strcmp(json_string_value(json_object_get(p, "DnsOverHttpsMode")), "off") == 0);
	json_t *deny = json_object_get(p, "PrinterTypeDenyList");
	CHECK(has(deny, "pdf") && has(deny, "extension"));
	/* The preview opens on print.queue (a JSON text in a string, as Chromium takes it). */
	CHECK(strcmp(json_string_value(json_object_get(p, "DefaultPrinterSelection")),
		     "{\"kind\":\"local\",\"namePattern\":\"^escale$\"}") == 0);
	char *q = c.print_queue;
	c.print_queue = "q.1";
	json_t *p2 = policy_chromium(&c, home, true, e, sizeof(e));
	CHECK(strstr(json_string_value(json_object_get(p2, "DefaultPrinterSelection")),
		     "\"^q\\\\.1$\""));
	json_decref(p2);
	c.print_queue = q;
	CHECK(strcmp(json_string_value(json_object_get(p, "HomepageLocation")), home) == 0);
	CHECK(strcmp(json_string_value(json_object_get(p, "NewTabPageLocation")), home) == 0);
	/* proxy.enforce (the default): everything through escale-proxy on proxy.listen. */
	json_t *ps = json_object_get(p, "ProxySettings");
	CHECK(strcmp(json_string_value(json_object_get(ps, "ProxyMode")), "fixed_servers") == 0);
	CHECK(strcmp(json_string_value(json_object_get(ps, "ProxyServer")), "127.0.0.1:3128") == 0);
	CHECK(strcmp(json_string_value(json_object_get(ps, "ProxyBypassList")), "") == 0);
	CHECK(!json_object_get(p, "ProxyMode")); /* the legacy keys: not both */
	json_decref(p);
	/* An IPv6 listen address in brackets; without proxy.enforce no proxy at all. */
	char *host = c.proxy_listen_host;
	c.proxy_listen_host = "::1";
	p = policy_chromium(&c, home, true, e, sizeof(e));
	CHECK(strcmp(json_string_value(
			     json_object_get(json_object_get(p, "ProxySettings"), "ProxyServer")),
		     "[::1]:3128") == 0);
	json_decref(p);
	c.proxy_listen_host = host;
	c.proxy_enforce = false;
	p = policy_chromium(&c, home, true, e, sizeof(e));
	CHECK(!json_object_get(p, "ProxySettings"));
	json_decref(p);
	c.proxy_enforce = true;

	/* --browser-policy: the home page as the session directories' prefix, no Homepage. */
	char *prefix = policy_home_prefix(&c);
	char *want_prefix = xasprintf("file://%s/session-", rundir);
	CHECK(strcmp(prefix, want_prefix) == 0);
	p = policy_chromium(&c, prefix, false, e, sizeof(e));
	CHECK(has(json_object_get(p, "URLAllowlist"), want_prefix));
	CHECK(!json_object_get(p, "HomepageLocation"));
	json_decref(p);

	/* Firefox: the same list as match patterns. */
	json_t *f = policy_firefox(&c, home, true, e, sizeof(e));
	json_t *wf = json_object_get(json_object_get(f, "policies"), "WebsiteFilter");
	CHECK(has(json_object_get(wf, "Block"), "<all_urls>"));
	CHECK(count(json_object_get(wf, "Exceptions"), "*://*.caf.fr/*") == 1);
	CHECK(has(json_object_get(wf, "Exceptions"), home));
	CHECK(json_is_true(
		json_object_get(json_object_get(f, "policies"), "DisableDeveloperTools")));
	json_decref(f);
	f = policy_firefox(&c, prefix, false, e, sizeof(e));
	char *star = xasprintf("%s*", prefix);
	wf = json_object_get(json_object_get(f, "policies"), "WebsiteFilter");
	CHECK(has(json_object_get(wf, "Exceptions"), star));
	json_decref(f);
	free(star);
	free(prefix);
	free(want_prefix);

	/* The files the wrapper binds: world-readable, directories 0755. */
	CHECK(policy_write(&c, home));
	char *cj = xasprintf("%s/policy/chromium/escale.json", rundir);
	char *fj = xasprintf("%s/policy/firefox/policies.json", rundir);
	struct stat st;
	CHECK(stat(cj, &st) == 0 && (st.st_mode & 0777) == 0644);
	CHECK(stat(fj, &st) == 0 && (st.st_mode & 0777) == 0644);
	json_error_t je;
	json_t *back = json_load_file(cj, 0, &je);
	CHECK(back && has(json_object_get(back, "URLAllowlist"), home));
	json_decref(back);
	/* A second session's page replaces the first's. */
	CHECK(policy_write(&c, "file:///run/x/session-def/home/index.html"));
	back = json_load_file(cj, 0, &je);
	CHECK(back && !has(json_object_get(back, "URLAllowlist"), home));
	json_decref(back);
	unlink(cj);
	unlink(fj);
	free(cj);
	free(fj);
	kconfig_free(&c);
}

/* 40 services of 25 domains: 1000 distinct, three more than the allowlist takes with the
 * home page and the print preview. The config refuses it (so -n says so), the generator
 * too. */
static void too_many(void)
{
	size_t cap = 1 << 20;
	char *text = xmalloc(cap), *o = text;
	o += sprintf(o, "admin = { url = \"https://a.example.org\"; token_file = \"/t\"; };\n"
			"services = (\n");
	for (int s = 0; s < 40; s++) {
		o += sprintf(o,
			     "%s{ name = \"S%d\"; url = \"https://d%d-0.example.org/\"; "
			     "domains = [",
			     s ? "," : "", s, s);
		for (int d = 0; d < 25; d++)
			o += sprintf(o, "%s\"d%d-%d.example.org\"", d ? "," : "", s, d);
		o += sprintf(o, "]; }\n");
	}
	o += sprintf(o, ");\n");
	struct kiosk_cfg c;
	struct cfg_err err;
	CHECK(!load(text, &c, &err));
	CHECK(strstr(err.msg, "1000 distinct domains") && strstr(err.msg, "at most 996"));
	/* 996 pass (the last service with four domains fewer). */
	const char *cut[] = {",\"d39-24.example.org\"", ",\"d39-23.example.org\"",
			     ",\"d39-22.example.org\"", ",\"d39-21.example.org\""};
	for (size_t i = 0; i < ARRAY_LEN(cut); i++) {
		char *last = strstr(text, cut[i]);
		CHECK(last);
		if (last)
			memmove(last, last + strlen(cut[i]), strlen(last + strlen(cut[i])) + 1);
	}
	CHECK(load(text, &c, &err));
	char e[256];
	json_t *p = policy_chromium(&c, "file:///h", true, e, sizeof(e));
	CHECK(p && json_array_size(json_object_get(p, "URLAllowlist")) == POLICY_MAX_URLS);
	json_decref(p);
	/* The generator refuses more even if a config got past the check. */
	free(c.services[0].domains[0]);
	c.services[0].domains[0] = xstrdup("extra.example.org");
	c.services[0].domains[c.services[0].n_domains++] = xstrdup("more.example.org");
	p = policy_chromium(&c, "file:///h", true, e, sizeof(e));
	CHECK(!p && strstr(e, "at most 1000"));
	CHECK(!policy_firefox(&c, "file:///h", true, e, sizeof(e)));
	kconfig_free(&c);
	free(text);
}

/* Duplicates across services count once; a leading dot (that host only) passes through. */
static void dedupe_and_dot(void)
{
	struct kiosk_cfg c;
	struct cfg_err err;
	CHECK(load(
		"admin = { url = \"https://a.example.org\"; token_file = \"/t\"; };\n"
		"services = ( { name = \"A\"; url = \"https://www.a.fr/\"; "
		"domains = [\".www.a.fr\", \"fc.gouv.fr\"]; },\n"
		"{ name = \"B\"; url = \"https://b.fr/\"; domains = [\"b.fr\", \"fc.gouv.fr\"]; } "
		");\n",
		&c, &err));
	char e[256];
	json_t *p = policy_chromium(&c, "file:///h", true, e, sizeof(e));
	json_t *allow = json_object_get(p, "URLAllowlist");
	CHECK(json_array_size(allow) == 7 && has(allow, "file:///scan.html"));
	CHECK(has(allow, ".www.a.fr") && count(allow, "fc.gouv.fr") == 1 && has(allow, "b.fr"));
	json_decref(p);
	json_t *f = policy_firefox(&c, "file:///h", true, e, sizeof(e));
	json_t *ex = json_object_get(
		json_object_get(json_object_get(f, "policies"), "WebsiteFilter"), "Exceptions");
	CHECK(has(ex, "*://www.a.fr/*") && has(ex, "*://*.b.fr/*"));
	json_decref(f);
	kconfig_free(&c);
}

int main(void)
{
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	char rundir[] = "/tmp/escale-test-policy-run-XXXXXX";
	if (!mkdtemp(rundir))
		return 1;
	default_services(rundir);
	too_many();
	dedupe_and_dot();
	char *p1 = xasprintf("%s/policy/chromium", rundir),
	     *p2 = xasprintf("%s/policy/firefox", rundir), *p3 = xasprintf("%s/policy", rundir);
	rmdir(p1);
	rmdir(p2);
	rmdir(p3);
	rmdir(rundir);
	free(p1);
	free(p2);
	free(p3);
	unlink(path);
	return TEST_DONE();
}
