/* policy: Chromium's managed policy and Firefox ESR's policies.json from the services list
 * (docs/browser.md lists each entry and the escape it closes). */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hometile.h"
#include "kfile.h"
#include "log.h"
#include "util.h"

/* Browser pages that stay allowed: the print preview and its page previews. */
static const char *const chromium_allow[] = {"chrome://print", "chrome-untrusted://print"};

/* Blocked whatever the allowlist says about hosts: browser pages, tools, local files, mail. */
static const char *const chromium_block[] = {
	"*",
	"chrome://*",
	"chrome-untrusted://*",
	"devtools://*",
	"view-source:*",
	"javascript://*",
	"file://*",
	"mailto:*",
};

/* The services' domains, each once, in the config's order, as an array of strings. NULL
 * when there are more than MAX. */
static json_t *domains(const struct kiosk_cfg *cfg, size_t max, char *err, size_t errlen)
{
	json_t *a = json_array();
	for (int i = 0; i < cfg->n_services; i++) {
		const struct kservice *s = &cfg->services[i];
		for (int j = 0; j < s->n_domains; j++) {
			bool seen = false;
			size_t k;
			json_t *v;
			json_array_foreach (a, k, v)
				if (strcmp(json_string_value(v), s->domains[j]) == 0)
					seen = true;
			if (seen)
				continue;
			if (json_array_size(a) >= max) {
				snprintf(err, errlen,
					 "the services list more than %zu distinct domains: the "
					 "browser's allowlist takes at most %d entries with the "
					 "home "
					 "page; remove some",
					 max, POLICY_MAX_URLS);
				json_decref(a);
				return NULL;
			}
			json_array_append_new(a, json_string(s->domains[j]));
		}
	}
	return a;
}

char *policy_home_prefix(const struct kiosk_cfg *cfg)
{
	return xasprintf("file://%s/session-", cfg->runtime_dir);
}

json_t *policy_chromium(const struct kiosk_cfg *cfg, const char *home_url, bool exact, char *err,
			size_t errlen)
{
	json_t *allow = domains(cfg, KCFG_MAX_ALLOWLIST, err, errlen);
	if (!allow)
		return NULL;
	_Static_assert(KCFG_MAX_ALLOWLIST + 2 + ARRAY_LEN(chromium_allow) <= POLICY_MAX_URLS,
		       "the allowlist's limit");
	json_array_append_new(allow, json_string(home_url));
	/* The home page's scan tile leads to its sibling page (hometile.h); the prefix of
	 * --browser-policy covers it already. */
	char *tile = exact ? hometile_url(home_url) : NULL;
	if (tile)
		json_array_append_new(allow, json_string(tile));
	free(tile);
	/* The print preview is a browser page: without these, chrome:// blocks printing (a
	 * filter naming a host is more specific than one naming none). */
	for (size_t i = 0; i < ARRAY_LEN(chromium_allow); i++)
		json_array_append_new(allow, json_string(chromium_allow[i]));
	json_t *block = json_array();
	for (size_t i = 0; i < ARRAY_LEN(chromium_block); i++)
		json_array_append_new(block, json_string(chromium_block[i]));

	json_t *p = json_object();
	json_object_set_new(p, "URLBlocklist", block);
	json_object_set_new(p, "URLAllowlist", allow);
	/* Alt+Home (the bar's Home button) and a new tab lead to the session's home page. */
	if (exact) {
		json_object_set_new(p, "HomepageLocation", json_string(home_url));
		json_object_set_new(p, "HomepageIsNewTabPage", json_false());
		json_object_set_new(p, "NewTabPageLocation", json_string(home_url));
	}
	json_object_set_new(p, "ShowHomeButton", json_false());
	/* Every connection through escale-proxy (docs/network.md), the resident cannot change
	 * it. Chromium never proxies loopback: the pages a test serves on 127.0.0.1 stay
	 * direct, and nftables keeps the browser's user from any other loopback port. Without
	 * proxy.enforce (the demo, tests) no proxy may be running: none is set. */
	if (cfg->proxy_enforce && cfg->proxy_listen_host) {
		bool v6 = strchr(cfg->proxy_listen_host, ':') != NULL;
		char *server = xasprintf(v6 ? "[%s]:%d" : "%s:%d", cfg->proxy_listen_host,
					 cfg->proxy_listen_port);
		json_object_set_new(p, "ProxySettings",
				    json_pack("{ss ss ss}", "ProxyMode", "fixed_servers",
					      "ProxyServer", server, "ProxyBypassList", ""));
		free(server);
	}

	static const struct {
		const char *name;
		int kind; /* 0 false, 1 true, 2 the integer VALUE, 3 "off" */
		int value;
	} fixed[] = {
		/* Tools and other profiles. */
		{"DeveloperToolsAvailability", 2, 2},
		{"IncognitoModeAvailability", 2, 1},
		{"BrowserGuestModeEnabled", 0, 0},
		{"BrowserAddPersonEnabled", 0, 0},
		{"TaskManagerEndProcessEnabled", 0, 0},
		{"BrowserLabsEnabled", 0, 0},
		{"DefaultBrowserSettingEnabled", 0, 0},
		{"BlockExternalExtensions", 1, 0},
		{"CommandLineFlagSecurityWarningsEnabled", 0, 0},
		/* Nothing kept for the next resident. */
		{"BrowserSignin", 2, 0},
		{"SyncDisabled", 1, 0},
		{"PasswordManagerEnabled", 0, 0},
		{"PasswordLeakDetectionEnabled", 0, 0},
		{"AutofillAddressEnabled", 0, 0},
		{"AutofillCreditCardEnabled", 0, 0},
		{"PaymentMethodQueryEnabled", 0, 0},
		{"SavingBrowserHistoryDisabled", 1, 0},
		{"EditBookmarksEnabled", 0, 0},
		{"BookmarkBarEnabled", 0, 0},
		{"ImportBookmarks", 0, 0},
		{"ImportHistory", 0, 0},
		{"ImportSavedPasswords", 0, 0},
		{"ImportAutofillFormData", 0, 0},
		{"ImportSearchEngine", 0, 0},
		{"ImportHomepage", 0, 0},
		{"BackgroundModeEnabled", 0, 0},
		/* The network: only the proxy's way out, no resolver of its own. */
		{"DnsOverHttpsMode", 3, 0},
		{"QuicAllowed", 0, 0},
		{"NetworkPredictionOptions", 2, 2},
		{"SearchSuggestEnabled", 0, 0},
		{"AlternateErrorPagesEnabled", 0, 0},
		{"SpellCheckServiceEnabled", 0, 0},
		{"MetricsReportingEnabled", 0, 0},
		{"PromotionalTabsEnabled", 0, 0},
		/* The translation bubble: a language menu over the page, and a third party. */
		{"TranslateEnabled", 0, 0},
		/* External programs: none is launched from a page. */
		{"ExternalProtocolDialogShowAlwaysOpenCheckbox", 0, 0},
		/* Downloads stay in the session directory; dangerous files are refused. */
		{"PromptForDownloadLocation", 0, 0},
		{"DownloadRestrictions", 2, 1},
		{"AlwaysOpenPdfExternally", 0, 0},
		/* Printing to the centre's printers only, never to a file. */
		{"PrintingEnabled", 1, 0},
		/* Uploads of supporting documents (CAF, ANTS) need the file chooser. */
		{"AllowFileSelectionDialogs", 1, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++) {
		json_t *v;
		switch (fixed[i].kind) {
		case 0:
			v = json_false();
			break;
		case 1:
			v = json_true();
			break;
		case 2:
			v = json_integer(fixed[i].value);
			break;
		default:
			v = json_string("off");
			break;
		}
		json_object_set_new(p, fixed[i].name, v);
	}
	json_object_set_new(p, "ExtensionInstallBlocklist", json_pack("[s]", "*"));
	/* ${user_home} is the session's HOME (DIR/home): downloads go to DIR/home/Documents,
	 * beside the scans and the files copied from a USB key. */
	json_object_set_new(p, "DownloadDirectory", json_string("${user_home}/Documents"));
	json_object_set_new(p, "PrinterTypeDenyList", json_pack("[s s]", "pdf", "extension"));
	/* The preview opens on the centre's queue, whatever else the print server shares (its
	 * name is letters, digits, '_', '-' and '.', escaped for the regular expression). */
	const char *q = cfg->print_queue ? cfg->print_queue : "escale";
	char re[2 * 64 + 3], *o = re; /* kconfig: a queue name has at most 64 characters */
	*o++ = '^';
	for (size_t k = 0; q[k] && k < 64; k++) {
		if (q[k] == '.')
			*o++ = '\\';
		*o++ = q[k];
	}
	*o++ = '$';
	*o = '\0';
	json_t *sel = json_pack("{ss ss}", "kind", "local", "namePattern", re);
	char *text = json_dumps(sel, JSON_COMPACT | JSON_SORT_KEYS);
	json_object_set_new(p, "DefaultPrinterSelection", json_string(text));
	free(text);
	json_decref(sel);
	return p;
}

/* A WebExtension match pattern for an allowlist DOMAIN: a bare domain covers its
 * subdomains ("*.caf.fr" matches caf.fr too), a leading dot that host only. */
static char *firefox_pattern(const char *domain)
{
	if (*domain == '.')
		return xasprintf("*://%s/*", domain + 1);
	return xasprintf("*://*.%s/*", domain);
}

json_t *policy_firefox(const struct kiosk_cfg *cfg, const char *home_url, bool exact, char *err,
		       size_t errlen)
{
	json_t *doms = domains(cfg, KCFG_MAX_ALLOWLIST, err, errlen);
	if (!doms)
		return NULL;
	json_t *exceptions = json_array();
	size_t i;
	json_t *v;
	json_array_foreach (doms, i, v) {
		char *pat = firefox_pattern(json_string_value(v));
		json_array_append_new(exceptions, json_string(pat));
		free(pat);
	}
	json_decref(doms);
	char *home = exact ? xstrdup(home_url) : xasprintf("%s*", home_url);
	json_array_append_new(exceptions, json_string(home));
	free(home);
	char *tile = exact ? hometile_url(home_url) : NULL;
	if (tile)
		json_array_append_new(exceptions, json_string(tile));
	free(tile);
	json_t *p = json_pack("{s{s[s]so}}", "WebsiteFilter", "Block", "<all_urls>", "Exceptions",
			      exceptions);
	if (exact)
		json_object_set_new(p, "Homepage",
				    json_pack("{ss sb ss}", "URL", home_url, "Locked", 1,
					      "StartPage", "homepage-locked"));
	static const char *const on[] = {
		"BlockAboutConfig",
		"BlockAboutProfiles",
		"BlockAboutAddons",
		"BlockAboutSupport",
		"DisableDeveloperTools",
		"DisablePrivateBrowsing",
		"DisableFirefoxAccounts",
		"DisableProfileImport",
		"DisableTelemetry",
		"DisableFirefoxStudies",
		"DisablePocket",
		"DisableSetDesktopBackground",
		"DisableMasterPasswordCreation",
		"DontCheckDefaultBrowser",
	};
	for (size_t k = 0; k < ARRAY_LEN(on); k++)
		json_object_set_new(p, on[k], json_true());
	json_object_set_new(p, "UseSystemPrintDialog", json_false());
	json_object_set_new(p, "PrintingEnabled", json_true());
	json_object_set_new(p, "PasswordManagerEnabled", json_false());
	json_object_set_new(p, "OfferToSaveLogins", json_false());
	json_object_set_new(p, "PromptForDownloadLocation", json_false());
	json_object_set_new(p, "DNSOverHTTPS", json_pack("{sb sb}", "Enabled", 0, "Locked", 1));
	json_object_set_new(p, "ExtensionSettings",
			    json_pack("{s{ss}}", "*", "installation_mode", "blocked"));
	return json_pack("{so}", "policies", p);
}

/* Writes J to DIR/NAME, replaced atomically. */
static bool policy_put(const char *dir, const char *name, json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	bool ok = text && kfile_put(dir, name, text);
	free(text);
	return ok;
}

bool policy_write(const struct kiosk_cfg *cfg, const char *home_url)
{
	char err[256];
	json_t *c = policy_chromium(cfg, home_url, true, err, sizeof(err));
	json_t *f = c ? policy_firefox(cfg, home_url, true, err, sizeof(err)) : NULL;
	char *top = xasprintf("%s/policy", cfg->runtime_dir);
	char *cdir = xasprintf("%s/chromium", top);
	char *fdir = xasprintf("%s/firefox", top);
	bool ok = false;
	if (!c || !f)
		log_warnx("no browser policy: %s", err);
	else
		ok = kfile_dir(top) && kfile_dir(cdir) && kfile_dir(fdir) &&
		     policy_put(cdir, "escale.json", c) && policy_put(fdir, "policies.json", f);
	json_decref(c);
	json_decref(f);
	free(top);
	free(cdir);
	free(fdir);
	return ok;
}
