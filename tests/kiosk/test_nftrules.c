/* test_nftrules: the browser user's nftables ruleset from kiosk.conf (what it allows, what
 * it refuses, what it will not generate). tests/integration/test_nftables.py loads it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/test.h"
#include "kconfig.h"
#include "nftrules.h"
#include "util.h"

static char path[] = "/tmp/escale-test-nft-XXXXXX";

static bool load(const char *extra, struct kiosk_cfg *c)
{
	FILE *f = fopen(path, "w");
	fprintf(f, "admin = { url = \"https://a.example.org\"; token_file = \"/t\"; };\n%s\n",
		extra);
	fclose(f);
	struct cfg_err err;
	bool ok = kconfig_load(c, path, &err);
	if (!ok)
		fprintf(stderr, "%s\n", err.msg);
	return ok;
}

/* The number of lines of TEXT equal to LINE once their leading tabs are skipped. */
static int lines(const char *text, const char *line)
{
	int n = 0;
	size_t len = strlen(line);
	for (const char *p = text; p && *p;) {
		while (*p == '\t')
			p++;
		if (strncmp(p, line, len) == 0 && (p[len] == '\n' || !p[len]))
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

int main(void)
{
	close(mkstemp(path));
	struct kiosk_cfg c;
	char err[512];

	/* The defaults: the proxy on 127.0.0.1:3128, no print server. */
	CHECK(load("", &c));
	char *t = nft_rules(&c, NULL, 0, err, sizeof(err));
	CHECK(t);
	CHECK(lines(t, "table inet escale") == 1 && lines(t, "delete table inet escale") == 1);
	CHECK(lines(t, "meta skuid \"escale-guest\" jump browser") == 1);
	CHECK(lines(t, "type filter hook output priority filter; policy accept;") == 1);
	CHECK(lines(t, "ip daddr 127.0.0.1 tcp dport 3128 accept") == 1);
	CHECK(lines(t, "meta l4proto tcp reject with tcp reset") == 1);
	CHECK(lines(t, "reject with icmpx admin-prohibited") == 1);
	/* One accept only, and the reject after it: nothing else goes out. */
	CHECK(strstr(t, "accept\n") && !strstr(strstr(t, "accept\n") + 1, "accept\n"));
	CHECK(strstr(t, "reject") > strstr(t, "3128 accept"));
	CHECK(!strstr(t, "udp") && !strstr(t, "ip6"));
	free(t);

	/* The print server's addresses at its port, IPv4 and IPv6. */
	const char *addrs[] = {"192.0.2.7", "2001:db8::7"};
	t = nft_rules(&c, addrs, 2, err, sizeof(err));
	CHECK(t && lines(t, "ip daddr 192.0.2.7 tcp dport 631 accept") == 1);
	CHECK(t && lines(t, "ip6 daddr 2001:db8::7 tcp dport 631 accept") == 1);
	free(t);
	/* Never a name, nor anything that would add a rule of its own. */
	const char *bad[] = {"printer.example.org", "192.0.2.7 accept\nip daddr 0.0.0.0/0",
			     "fe80::1%eth0", ""};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		err[0] = '\0';
		CHECK(!nft_rules(&c, &bad[i], 1, err, sizeof(err)));
		CHECK(strstr(err, "print.server"));
	}
	kconfig_free(&c);

	/* An IPv6 proxy, another user, another IPP port. */
	CHECK(load("proxy = { listen = \"[::1]:8888\"; };\n"
		   "browser = { user = \"guest_2\"; };\nprint = { server = \"[::1]:8631\"; };",
		   &c));
	char *pa[NFT_MAX_PRINT_ADDRS];
	int n = nft_print_addrs(&c, pa, err, sizeof(err));
	CHECK(n == 1 && strcmp(pa[0], "::1") == 0);
	t = nft_rules(&c, (const char *const *)pa, (size_t)n, err, sizeof(err));
	nft_addrs_free(pa, n);
	CHECK(t && lines(t, "ip6 daddr ::1 tcp dport 8888 accept") == 1);
	CHECK(t && lines(t, "ip6 daddr ::1 tcp dport 8631 accept") == 1);
	CHECK(t && lines(t, "meta skuid \"guest_2\" jump browser") == 1);
	CHECK(t && !strstr(t, "ip daddr"));
	free(t);
	kconfig_free(&c);

	/* No separate user: no rule can tell the browser's packets from the kiosk's. */
	CHECK(load("browser = { user = \"\"; };", &c));
	err[0] = '\0';
	CHECK(!nft_rules(&c, NULL, 0, err, sizeof(err)));
	CHECK(strstr(err, "browser.user"));
	CHECK(nft_print_addrs(&c, pa, err, sizeof(err)) == 0); /* no print server */
	kconfig_free(&c);

	/* A print server whose name does not resolve (.invalid never does). */
	CHECK(load("print = { server = \"printer.invalid\"; };", &c));
	err[0] = '\0';
	CHECK(nft_print_addrs(&c, pa, err, sizeof(err)) == -1);
	CHECK(strstr(err, "printer.invalid"));
	kconfig_free(&c);

	unlink(path);
	return TEST_DONE();
}
