/* k_cli: the command line's one-shot modes: the browser policy, the nftables rules, the network
 * check, enrollment, usage. */
#include "kiosk.h"

/* --browser-policy: the policy for any session of this config (its home page allowlisted
 * as the prefix of the session directories). */
int print_policy(const struct kiosk_cfg *cfg, const char *browser)
{
	char err[256], *home = policy_home_prefix(cfg);
	json_t *j = strcmp(browser, "firefox") == 0
			    ? policy_firefox(cfg, home, false, err, sizeof(err))
			    : policy_chromium(cfg, home, false, err, sizeof(err));
	free(home);
	if (!j) {
		fprintf(stderr, "%s: %s\n", cfg->path, err);
		return 1;
	}
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(j);
	puts(s);
	free(s);
	return 0;
}

/* --nft-rules: the browser user's firewall for this config, for nft -f. A print server
 * whose name does not resolve is left out (printing refused until the rules are loaded
 * again), so that the rest of the network still closes. */
int print_nft_rules(const struct kiosk_cfg *cfg)
{
	char err[512], *addrs[NFT_MAX_PRINT_ADDRS];
	int n = nft_print_addrs(cfg, addrs, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr,
			"escale-kiosk: %s: printing stays refused to the browser; once the "
			"name "
			"resolves, run: systemctl reload escale-nftables\n",
			err);
		n = 0;
	}
	char *text = nft_rules(cfg, (const char *const *)addrs, (size_t)n, err, sizeof(err));
	nft_addrs_free(addrs, n);
	if (!text) {
		fprintf(stderr, "%s: %s\n", cfg->path, err);
		return 1;
	}
	fputs(text, stdout);
	free(text);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* --check-network: one check of proxy.enforce's (as the browser's user when this process
 * may switch to it), its verdict on stdout; status 0 when it passes. */
int check_network(const struct kiosk_cfg *cfg)
{
	struct passwd *pw = NULL;
	bool drop = cfg->browser_user[0] && priv_may_switch() &&
		    (pw = getpwnam(cfg->browser_user)) != NULL;
	if (!drop)
		fprintf(stderr,
			"escale-kiosk: checking as this user, not as browser.user \"%s\" "
			"(run "
			"as root to check as it)\n",
			cfg->browser_user);
	enum ng_state s =
		netguard_check_now(cfg, drop, drop ? pw->pw_uid : 0, drop ? pw->pw_gid : 0);
	printf("network: %s: %s\n", netguard_word(s), netguard_why(s));
	return s == NG_OK ? 0 : 1;
}

void usage(void)
{
	fprintf(stderr, "usage: escale-kiosk -c FILE [-n | --status | --browser-policy "
			"chromium|firefox |\n"
			"                    --nft-rules | --check-network | --home-page fr|en] "
			"[-d]\n"
			"       escale-kiosk [-c FILE] --enroll URL CODE [--pin KEY]\n"
			"  -c FILE    the kiosk's configuration (see kiosk.conf)\n"
			"  -n         check the configuration and exit\n"
			"  --status   print the running kiosk's state as JSON\n"
			"  --browser-policy chromium|firefox\n"
			"             print the browser policy generated from the services list\n"
			"  --nft-rules\n"
			"             print the browser user's nftables ruleset (for nft -f)\n"
			"  --check-network\n"
			"             check that the browser's network is closed but for the "
			"proxy\n"
			"  --home-page fr|en\n"
			"             print the services page a session's browser opens\n"
			"  --enroll URL CODE\n"
			"             enroll this PC with escale-admind at URL and the one-time "
			"CODE\n"
			"             of escalectl kiosk enroll (-c defaults to "
			"/etc/escale/kiosk.conf)\n"
			"  --pin KEY  the server's key as escalectl printed it (else it is shown\n"
			"             to compare)\n"
			"  -d         debug logging\n");
	exit(2);
}

/* --enroll URL CODE: alone, with -c and --pin only. */
int enroll_main(const char *conf, const char *url, const char *code, const char *pin, int others)
{
	if (!code || others)
		usage();
	struct kiosk_cfg cfg;
	struct cfg_err err;
	log_init("escale-kiosk", LOG_LVL_INFO);
	if (!kconfig_load(&cfg, conf ? conf : "/etc/escale/kiosk.conf", &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	int rc = enroll_run(&cfg, url, code, pin);
	kconfig_free(&cfg);
	return rc;
}
