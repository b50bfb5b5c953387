/* test_services: the checks a service passes (common/services.c), on good and hostile input. */
#include <string.h>

#include "services.h"
#include "test.h"

int main(void)
{
	char host[SVC_HOST_MAX + 1], id[SVC_ID_MAX + 1];

	CHECK(svc_domain_ok("caf.fr") && svc_domain_ok(".www.caf.fr") && svc_domain_ok("a-1.b"));
	CHECK(!svc_domain_ok("") && !svc_domain_ok(".") && !svc_domain_ok("..caf.fr"));
	CHECK(!svc_domain_ok("CAF.fr") && !svc_domain_ok("caf..fr") && !svc_domain_ok("caf.fr."));
	CHECK(!svc_domain_ok("-caf.fr") && !svc_domain_ok("caf-.fr") && !svc_domain_ok("ca_f.fr"));
	CHECK(!svc_domain_ok("caf.fr:443") && !svc_domain_ok("caf fr") && !svc_domain_ok("é.fr"));
	char label[70];
	memset(label, 'a', 64);
	strcpy(label + 64, ".fr");
	CHECK(!svc_domain_ok(label));    /* a label of 64 */
	CHECK(svc_domain_ok(label + 1)); /* of 63 */
	/* Four labels of 61 and one of 5: 253 characters; one more is too long. */
	char name[260] = "";
	for (int i = 0; i < 4; i++) {
		memset(name + strlen(name), 'a', 61);
		name[62 * (i + 1) - 1] = '.';
		name[62 * (i + 1)] = '\0';
	}
	strcat(name, "aaaaa");
	CHECK(strlen(name) == 253 && svc_host_ok(name));
	strcat(name, "a");
	CHECK(!svc_host_ok(name) && !svc_domain_ok(name));
	CHECK(!svc_host_ok(".caf.fr"));

	CHECK(svc_domain_covers("caf.fr", "caf.fr") && svc_domain_covers("caf.fr", "www.caf.fr"));
	CHECK(!svc_domain_covers("caf.fr", "notcaf.fr") && !svc_domain_covers("caf.fr", "fr"));
	CHECK(svc_domain_covers(".www.caf.fr", "www.caf.fr"));
	CHECK(!svc_domain_covers(".www.caf.fr", "a.www.caf.fr"));

	svc_slug("France Travail", id);
	CHECK(strcmp(id, "france-travail") == 0);
	svc_slug("impots.gouv", id);
	CHECK(strcmp(id, "impots-gouv") == 0);
	svc_slug("  --Été!! 2026--  ", id);
	CHECK(strcmp(id, "t-2026") == 0 && svc_id_ok(id));
	svc_slug("", id);
	CHECK(strcmp(id, "s") == 0);
	svc_slug("a very long service name that goes on and on and on", id);
	CHECK(strlen(id) <= SVC_ID_MAX && svc_id_ok(id));
	CHECK(svc_id_ok("caf") && svc_id_ok("a-1") && !svc_id_ok("a_b") && !svc_id_ok("a-"));
	CHECK(!svc_id_ok("") && !svc_id_ok("-a") && !svc_id_ok("A"));
	CHECK(!svc_id_ok("abcdefghijklmnopqrstuvwxyz0123456"));

	CHECK(svc_icon_ok("") && svc_icon_ok("famille") && svc_icon_ok("retraite"));
	CHECK(!svc_icon_ok("Famille") && !svc_icon_ok("skull"));

	CHECK(svc_url_host("https://www.caf.fr/", host) && strcmp(host, "www.caf.fr") == 0);
	CHECK(svc_url_host("https://WWW.CAF.FR", host) && strcmp(host, "www.caf.fr") == 0);
	CHECK(svc_url_host("https://caf.fr:8443/x?y#z", host) && strcmp(host, "caf.fr") == 0);
	CHECK(!svc_url_host("http://caf.fr/", host));
	CHECK(!svc_url_host("https://", host) && !svc_url_host("https:///x", host));
	CHECK(!svc_url_host("https://user@caf.fr/", host));
	CHECK(!svc_url_host("https://caf.fr@evil.example/", host));
	CHECK(!svc_url_host("https://1.2.3.4/", host) && !svc_url_host("https://[::1]/", host));
	CHECK(!svc_url_host("https://caf.fr:/", host) &&
	      !svc_url_host("https://caf.fr:123456/", host));
	CHECK(!svc_url_host("https://caf.fr:80x/", host));
	CHECK(!svc_url_host("https://caf.fr/a b", host) &&
	      !svc_url_host("https://caf.fr/\t", host));
	CHECK(!svc_url_host("https://ca_f.fr/", host) && !svc_url_host("https://caf..fr/", host));
	CHECK(!svc_url_host("https://caf.fr/d\xc3\xa9marches", host)); /* write it %C3%A9 */
	CHECK(svc_url_host("https://caf.fr/d%C3%A9marches", host));
	char url[SVC_URL_MAX + 10];
	strcpy(url, "https://caf.fr/");
	memset(url + 15, 'a', SVC_URL_MAX - 15);
	url[SVC_URL_MAX] = '\0';
	CHECK(svc_url_host(url, host));
	url[SVC_URL_MAX] = 'a';
	url[SVC_URL_MAX + 1] = '\0';
	CHECK(!svc_url_host(url, host));

	CHECK(svc_text_ok("Santé", 1, 5) && !svc_text_ok("Santé", 1, 4));
	CHECK(!svc_text_ok("", 1, 40) && svc_text_ok("", 0, 40));
	CHECK(!svc_text_ok("a\x01", 0, 40) && !svc_text_ok("\xc3", 0, 40));
	CHECK(!svc_text_ok("\xed\xa0\x80", 0, 40)); /* a surrogate */
	return TEST_DONE();
}
