/* test_netguard: the pure parts of proxy.enforce's network check: the verdict on what a
 * check saw, the proxy's status line, admin.url's host; and one real check against no
 * proxy. tests/integration/test_nftables.py runs it against the real rules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/test.h"
#include "kconfig.h"
#include "netguard.h"
#include "util.h"

static void test_verdict(void)
{
	/* The firewall's answers: TCP refused at once, the UDP send refused. */
	struct ng_probe closed = {true, true, EHOSTUNREACH, EPERM, 0};
	CHECK(netguard_verdict(&closed) == NG_OK);
	struct ng_probe p = closed;
	p.control_ok = false;
	CHECK(netguard_verdict(&p) == NG_NO_CONTROL);
	p = closed;
	p.listen_ok = false;
	CHECK(netguard_verdict(&p) == NG_NO_LISTEN);
	p = closed;
	p.tcp_proxy = EHOSTUNREACH;
	CHECK(netguard_verdict(&p) == NG_BLOCKED);
	p.tcp_proxy = NG_TIMED_OUT;
	CHECK(netguard_verdict(&p) == NG_BLOCKED);
	/* No firewall: the connection goes through, or hangs, or an odd error. */
	int open_tcp[] = {0, NG_TIMED_OUT, ETIMEDOUT, ENOBUFS};
	for (size_t i = 0; i < ARRAY_LEN(open_tcp); i++) {
		p = closed;
		p.tcp_out = open_tcp[i];
		CHECK(netguard_verdict(&p) == NG_OPEN_TCP);
	}
	int refused_tcp[] = {EHOSTUNREACH, ENETUNREACH, EACCES, EPERM, ECONNREFUSED};
	for (size_t i = 0; i < ARRAY_LEN(refused_tcp); i++) {
		p = closed;
		p.tcp_out = refused_tcp[i];
		CHECK(netguard_verdict(&p) == NG_OK);
	}
	/* Nothing listens at admind, no firewall: TCP refused, but the UDP send goes out. */
	p = closed;
	p.tcp_out = ECONNREFUSED;
	p.udp_out = 0;
	CHECK(netguard_verdict(&p) == NG_OPEN_UDP);
	p.udp_out = ECONNREFUSED;
	CHECK(netguard_verdict(&p) == NG_OPEN_UDP);
	p.udp_out = ENETUNREACH; /* no route: nothing leaves */
	CHECK(netguard_verdict(&p) == NG_OK);
	/* The proxy first: with neither, the kiosk says the proxy is missing. */
	struct ng_probe none = {false, false, 0, 0, NG_TIMED_OUT};
	CHECK(netguard_verdict(&none) == NG_NO_CONTROL);
}

static void test_words(void)
{
	CHECK(strcmp(netguard_word(NG_OK), "ok") == 0);
	CHECK(strcmp(netguard_word(NG_NO_CONTROL), "no_proxy") == 0);
	CHECK(strcmp(netguard_word(NG_NO_LISTEN), "no_proxy") == 0);
	CHECK(strcmp(netguard_word(NG_OPEN_TCP), "open") == 0);
	CHECK(strcmp(netguard_word(NG_OPEN_UDP), "open") == 0);
	CHECK(strcmp(netguard_word(NG_OFF), "off") == 0);
	CHECK(strcmp(netguard_word(NG_CHECKING), "checking") == 0);
	for (int s = NG_CHECKING; s <= NG_OFF; s++) {
		CHECK(netguard_why((enum ng_state)s)[0]);
		CHECK(netguard_closed((enum ng_state)s) == (s != NG_OK && s != NG_OFF));
	}
	/* What to do, for the states a technician meets. */
	CHECK(strstr(netguard_why(NG_OPEN_UDP), "escale-nftables"));
	CHECK(strstr(netguard_why(NG_NO_CONTROL), "escale-proxy"));
}

static void test_status(void)
{
	const char *good = "{\"t\":\"status\",\"listen\":\"127.0.0.1:3128\",\"services\":6,"
			   "\"connections\":0}";
	CHECK(netguard_status_ok(good, strlen(good)));
	CHECK(netguard_status_ok("{\"t\":\"status\"}", 14));
	/* Hostile or wrong answers. */
	const char *bad[] = {"",
			     "{}",
			     "{\"t\":\"error\",\"error\":\"x\"}",
			     "{\"t\":\"status\",\"t\":\"status\"}",
			     "[\"status\"]",
			     "{\"t\":1}",
			     "{\"t\":\"status\"",
			     "{\"t\":\"status\"}\n{}",
			     "{\"t\":\"Status\"}",
			     "status"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		CHECK(!netguard_status_ok(bad[i], strlen(bad[i])));
	CHECK(!netguard_status_ok("{\"t\":\"status\"}\0x", 16)); /* a NUL inside */
	/* More than NG_REPLY_MAX: refused before it is parsed. */
	size_t n = NG_REPLY_MAX + 1;
	char *big = xmalloc(n + 1);
	memset(big, ' ', n);
	memcpy(big, "{\"t\":\"status\"}", 14);
	big[n] = '\0';
	CHECK(!netguard_status_ok(big, n));
	CHECK(netguard_status_ok(big, NG_REPLY_MAX)); /* trailing spaces: still JSON */
	free(big);
}

static void test_url(void)
{
	char h[256];
	int port = 0;
	CHECK(netguard_url_host("https://admin.example.org", h, sizeof(h), &port));
	CHECK(strcmp(h, "admin.example.org") == 0 && port == 443);
	CHECK(netguard_url_host("http://127.0.0.1:8080/x?y#z", h, sizeof(h), &port));
	CHECK(strcmp(h, "127.0.0.1") == 0 && port == 8080);
	CHECK(netguard_url_host("https://[fd00::5]:8443/", h, sizeof(h), &port));
	CHECK(strcmp(h, "fd00::5") == 0 && port == 8443);
	CHECK(netguard_url_host("http://[::1]", h, sizeof(h), &port));
	CHECK(strcmp(h, "::1") == 0 && port == 80);
	const char *bad[] = {
		"ftp://a",          "https://",        "https://:443",       "https://a:0",
		"https://a:65536",  "https://a:",      "https://a:44x",      "https://[::1",
		"https://[::1]x:1", "https://u@a.org", "https://a:12345678", "admin.example.org"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		CHECK(!netguard_url_host(bad[i], h, sizeof(h), &port));
	char tiny[4];
	CHECK(!netguard_url_host("https://abcd", tiny, sizeof(tiny), &port));
}

/* A real check: no proxy answers at a control socket that does not exist. */
static void test_no_proxy(void)
{
	char path[] = "/tmp/escale-test-netguard-XXXXXX";
	close(mkstemp(path));
	FILE *f = fopen(path, "w");
	fprintf(f, "admin = { url = \"http://127.0.0.1:9\"; token_file = \"/t\"; };\n"
		   "proxy = { control = \"/nonexistent/escale/control.sock\"; };\n");
	fclose(f);
	struct kiosk_cfg c;
	struct cfg_err err;
	CHECK(kconfig_load(&c, path, &err));
	CHECK(netguard_check_now(&c, false, 0, 0) == NG_NO_CONTROL);
	struct netguard g;
	netguard_init(&g, false);
	CHECK(g.state == NG_OFF && !netguard_start(&g, &c, false, 0, 0) && g.pid == 0);
	netguard_init(&g, true);
	CHECK(g.state == NG_CHECKING && netguard_closed(g.state));
	CHECK(netguard_start(&g, &c, false, 0, 0) && g.pid > 0 && g.pidfd >= 0);
	while (g.pid > 0) {
		usleep(10000);
		netguard_done(&g, mono_ms());
	}
	CHECK(g.state == NG_NO_CONTROL && g.next_ms > g.at_ms);
	kconfig_free(&c);
	unlink(path);
}

int main(void)
{
	test_verdict();
	test_words();
	test_status();
	test_url();
	test_no_proxy();
	return TEST_DONE();
}
