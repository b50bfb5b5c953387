/* test_decide: escale-proxy's host decision, every refused form (docs/network.md). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "../unit/test.h"
#include "decide.h"

static enum refusal host(const char *s, char *out)
{
	return decide_host(s, strlen(s), out);
}

static enum refusal conn(const char *s)
{
	char h[DECIDE_HOST_MAX + 1];
	return decide_authority(s, strlen(s), 443, 0, h);
}

static enum refusal get(const char *s)
{
	char h[DECIDE_HOST_MAX + 1];
	return decide_authority(s, strlen(s), 80, 80, h);
}

static void test_names(void)
{
	char out[DECIDE_HOST_MAX + 1];
	CHECK(host("WWW.Caf.FR.", out) == REFUSE_NONE && strcmp(out, "www.caf.fr") == 0);
	CHECK(host("xn--bcher-kva.example", out) == REFUSE_NONE &&
	      strcmp(out, "xn--bcher-kva.example") == 0);
	CHECK(host("a_b.example.com", out) == REFUSE_NONE);
	CHECK(host("localhost", out) == REFUSE_NONE); /* a name: DNS and the address check */
	/* one trailing dot only, no empty labels */
	CHECK(host("www.caf.fr..", out) == REFUSE_MALFORMED);
	CHECK(host(".caf.fr", out) == REFUSE_MALFORMED);
	CHECK(host("www..caf.fr", out) == REFUSE_MALFORMED);
	CHECK(host(".", out) == REFUSE_MALFORMED);
	CHECK(host("", out) == REFUSE_MALFORMED);
	/* non-ASCII, percent-encoding, odd bytes */
	CHECK(host("b\xc3\xbc"
		   "cher.example",
		   out) == REFUSE_NON_ASCII);
	CHECK(host("caf%2efr", out) == REFUSE_MALFORMED);
	CHECK(host("caf.fr/x", out) == REFUSE_MALFORMED);
	CHECK(host("caf fr", out) == REFUSE_MALFORMED);
	CHECK(decide_host("caf\0.fr", 7, out) == REFUSE_MALFORMED);
	CHECK(host("caf\t.fr", out) == REFUSE_MALFORMED);
	CHECK(host("user@caf.fr", out) == REFUSE_USERINFO);
	/* lengths: a label of 63 passes, 64 does not; a name of 253 passes, 254 does not */
	char l63[64 + 8], l64[65 + 8];
	memset(l63, 'a', 63);
	strcpy(l63 + 63, ".fr");
	memset(l64, 'a', 64);
	strcpy(l64 + 64, ".fr");
	CHECK(host(l63, out) == REFUSE_NONE);
	CHECK(host(l64, out) == REFUSE_TOO_LONG);
	char n253[300], n254[300];
	/* 4 labels of 61 + dots = 247, then ".abcde" = 253 */
	strcpy(n253, "");
	for (int i = 0; i < 4; i++) {
		char lab[70];
		memset(lab, 'b', 61);
		lab[61] = '\0';
		strcat(n253, lab);
		strcat(n253, ".");
	}
	strcpy(n254, n253);
	strcat(n253, "abcde");
	strcat(n254, "abcdef");
	CHECK(strlen(n253) == 253 && host(n253, out) == REFUSE_NONE);
	CHECK(strlen(n254) == 254 && host(n254, out) == REFUSE_TOO_LONG);
	/* 253 plus the trailing dot is still 253 */
	strcat(n253, ".");
	CHECK(host(n253, out) == REFUSE_NONE);
}

static void test_ip_literals(void)
{
	char out[DECIDE_HOST_MAX + 1];
	const char *v4[] = {"127.0.0.1", "2130706433", "0x7f.1",    "0x7f000001", "0177.0.0.1",
			    "127.1",     "10.0.0.1",   "1.2.3.4.5", "foo.0x10",   "example.123",
			    "0",         "0x",         "1.2.3.4.",  "192.168.0.1"};
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		if (host(v4[i], out) != REFUSE_IP_LITERAL)
			fprintf(stderr, "not refused as an IP literal: %s\n", v4[i]);
		CHECK(host(v4[i], out) == REFUSE_IP_LITERAL);
	}
	CHECK(host("123.example", out) == REFUSE_NONE); /* a number first is a name */
	CHECK(host("0xcafe.example", out) == REFUSE_NONE);
	CHECK(conn("[::1]:443") == REFUSE_IP_LITERAL);
	CHECK(conn("[::ffff:127.0.0.1]:443") == REFUSE_IP_LITERAL);
	CHECK(conn("::1:443") == REFUSE_IP_LITERAL);
	CHECK(conn("127.0.0.1:443") == REFUSE_IP_LITERAL);
	CHECK(conn("2130706433:443") == REFUSE_IP_LITERAL);
	CHECK(conn("0x7f.1:443") == REFUSE_IP_LITERAL);
	CHECK(get("[fe80::1]") == REFUSE_IP_LITERAL);
}

static void test_authority(void)
{
	char h[DECIDE_HOST_MAX + 1];
	CHECK(decide_authority("WWW.caf.fr:443", 14, 443, 0, h) == REFUSE_NONE &&
	      strcmp(h, "www.caf.fr") == 0);
	CHECK(conn("www.caf.fr.:443") == REFUSE_NONE);
	CHECK(conn("www.caf.fr") == REFUSE_MALFORMED); /* CONNECT needs its port */
	CHECK(conn("www.caf.fr:") == REFUSE_MALFORMED);
	CHECK(conn("www.caf.fr:80") == REFUSE_PORT);
	CHECK(conn("www.caf.fr:8443") == REFUSE_PORT);
	CHECK(conn("www.caf.fr:0443") == REFUSE_NONE); /* 443 all the same */
	CHECK(conn("www.caf.fr:000000443") == REFUSE_MALFORMED);
	CHECK(conn("www.caf.fr:+443") == REFUSE_MALFORMED);
	CHECK(conn("www.caf.fr:443:443") == REFUSE_IP_LITERAL);
	CHECK(conn("www.caf.fr:0") == REFUSE_MALFORMED);
	CHECK(conn("user@www.caf.fr:443") == REFUSE_USERINFO);
	CHECK(conn("user:pw@www.caf.fr:443") == REFUSE_USERINFO);
	CHECK(conn(":443") == REFUSE_MALFORMED);
	CHECK(conn("") == REFUSE_MALFORMED);
	CHECK(get("www.caf.fr") == REFUSE_NONE);
	CHECK(get("www.caf.fr:80") == REFUSE_NONE);
	CHECK(get("www.caf.fr:443") == REFUSE_PORT);
	CHECK(get("www.caf.fr:8080") == REFUSE_PORT);
}

static void test_allowlist(void)
{
	struct allowlist al = {0};
	const char *caf[] = {"caf.fr", "FranceConnect.gouv.fr.", ".www.exact.fr", "bad..name",
			     "127.0.0.1"};
	int skipped = -1;
	CHECK(allow_add(&al, "caf", "https://www.caf.fr/", false, caf, 5, &skipped));
	CHECK(skipped == 2);
	const char *intra[] = {"centre.lan"};
	CHECK(allow_add(&al, "intra", "http://portal.centre.lan/", true, intra, 1, NULL));
	const char *also[] = {"caf.fr"};
	CHECK(allow_add(&al, "caf2", "http://caf.fr/", false, also, 1, NULL));
	CHECK(!allow_add(&al, "", "https://x/", false, also, 1, NULL));
	CHECK(al.n == 3);
	CHECK(allow_match(&al, "caf.fr", false) == 0);
	CHECK(allow_match(&al, "www.caf.fr", false) == 0);
	CHECK(allow_match(&al, "a.b.caf.fr", false) == 0);
	CHECK(allow_match(&al, "franceconnect.gouv.fr", false) == 0);
	CHECK(allow_match(&al, "evilcaf.fr", false) == -1);
	CHECK(allow_match(&al, "caf.fr.evil.com", false) == -1);
	CHECK(allow_match(&al, "fr", false) == -1);
	CHECK(allow_match(&al, "www.exact.fr", false) == 0);
	CHECK(allow_match(&al, "a.www.exact.fr", false) == -1);
	CHECK(allow_match(&al, "exact.fr", false) == -1);
	CHECK(allow_match(&al, "portal.centre.lan", false) == 1);
	/* plain http: only a service whose home page is http:// */
	CHECK(allow_match(&al, "www.caf.fr", true) == 2);
	CHECK(allow_match(&al, "portal.centre.lan", true) == 1);
	CHECK(allow_match(&al, "franceconnect.gouv.fr", true) == -1);
	CHECK(al.sv[1].intranet && al.sv[1].http && !al.sv[0].http);
	allow_free(&al);
	CHECK(al.n == 0);
}

static bool pub4(const char *s)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	inet_pton(AF_INET, s, &a.sin_addr);
	return decide_addr_public((struct sockaddr *)&a);
}

static bool pub6(const char *s)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, s, &a.sin6_addr);
	return decide_addr_public((struct sockaddr *)&a);
}

static void test_addresses(void)
{
	const char *priv4[] = {"127.0.0.1",       "127.255.0.9",     "10.1.2.3",
			       "172.16.0.1",      "172.31.255.255",  "192.168.1.1",
			       "100.64.0.1",      "100.127.255.254", "169.254.169.254",
			       "0.0.0.0",         "0.1.2.3",         "224.0.0.1",
			       "239.255.255.250", "255.255.255.255", "240.0.0.1",
			       "192.0.0.8",       "198.18.0.1"};
	for (size_t i = 0; i < sizeof(priv4) / sizeof(priv4[0]); i++) {
		if (pub4(priv4[i]))
			fprintf(stderr, "taken as public: %s\n", priv4[i]);
		CHECK(!pub4(priv4[i]));
	}
	const char *pubs4[] = {"8.8.8.8",     "172.15.0.1", "172.32.0.1", "100.63.0.1",
			       "100.128.0.1", "193.0.0.1",  "11.0.0.1",   "223.255.255.1"};
	for (size_t i = 0; i < sizeof(pubs4) / sizeof(pubs4[0]); i++)
		CHECK(pub4(pubs4[i]));
	const char *priv6[] = {"::1",
			       "::",
			       "fc00::1",
			       "fd12:3456::1",
			       "fe80::1",
			       "fec0::1",
			       "ff02::1",
			       "::ffff:127.0.0.1",
			       "::ffff:10.0.0.1",
			       "::ffff:192.168.0.1",
			       "::127.0.0.1",
			       "64:ff9b::10.0.0.1"};
	for (size_t i = 0; i < sizeof(priv6) / sizeof(priv6[0]); i++) {
		if (pub6(priv6[i]))
			fprintf(stderr, "taken as public: %s\n", priv6[i]);
		CHECK(!pub6(priv6[i]));
	}
	CHECK(pub6("2001:4860:4860::8888"));
	CHECK(pub6("::ffff:8.8.8.8"));
	CHECK(pub6("64:ff9b::8.8.8.8"));
	struct sockaddr other = {.sa_family = AF_UNIX};
	CHECK(!decide_addr_public(&other));
}

int main(void)
{
	test_names();
	test_ip_literals();
	test_authority();
	test_allowlist();
	test_addresses();
	CHECK(strcmp(decide_reason(REFUSE_NOT_ALLOWED), "not an allowed site") == 0);
	return TEST_DONE();
}
