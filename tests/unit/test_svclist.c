/* test_svclist: the services list's checks (common/services.c) on admind's answer, the
 * form the kiosk caches and passes on: good lists parse and emit back the same; hostile
 * ones (oversized, wrong types, bad domains and URLs, too many, twice the same) are refused
 * with a reason, and leave nothing allocated. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services.h"
#include "test.h"
#include "util.h"

#define CAF                                                                              \
	"{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://www.caf.fr/\",\"category\":" \
	"\"Famille\",\"icon\":\"famille\",\"domains\":[\"caf.fr\"],\"intranet\":false}"

static json_t *load(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
	if (!j)
		fprintf(stderr, "test JSON: %s: %s\n", text, e.text);
	return j;
}

/* Parses admind's answer TEXT; true when accepted. */
static bool answer(const char *text, struct svc_list *out)
{
	json_t *j = load(text);
	char err[300] = "";
	bool ok = j && svc_answer_from_json(j, out, err, sizeof(err));
	if (!ok && !err[0])
		ok = true; /* a refusal without a reason fails the test */
	json_decref(j);
	return ok;
}

static bool refused(const char *text)
{
	struct svc_list l;
	memset(&l, 0, sizeof(l));
	bool ok = answer(text, &l);
	if (ok)
		svc_free(l.s, l.n);
	return !ok && l.n == 0;
}

static char *services_answer(const char *one_service)
{
	return strcmp(one_service, "") == 0
		       ? xasprintf("{\"version\":1,\"services\":[]}")
		       : xasprintf("{\"version\":1,\"services\":[%s]}", one_service);
}

static bool one_refused(const char *service)
{
	char *t = services_answer(service);
	bool r = refused(t);
	free(t);
	return r;
}

static void test_good(void)
{
	struct svc_list l, back;
	memset(&l, 0, sizeof(l));
	CHECK(answer("{\"version\":7,\"extra\":1,\"services\":[" CAF
		     ",{\"id\":\"mairie\",\"name\":\"Mairie\",\"url\":\"https://intra.mairie.local/"
		     "x\",\"domains\":[\"intra.mairie.local\",\".cdn.example.com\"],"
		     "\"intranet\":true,\"position\":2}]}",
		     &l));
	CHECK(l.version == 7 && l.n == 2);
	CHECK(strcmp(l.s[0].id, "caf") == 0 && strcmp(l.s[0].icon, "famille") == 0);
	CHECK(strcmp(l.s[1].category, "") == 0 && strcmp(l.s[1].icon, "") == 0);
	CHECK(l.s[1].intranet && l.s[1].n_domains == 2);
	/* Emitted and read back strictly (no extra key), the same list. */
	json_t *arr = svc_list_to_json(l.s, l.n, false);
	char err[300];
	memset(&back, 0, sizeof(back));
	CHECK(arr && svc_list_from_json(arr, false, &back, err, sizeof(err)));
	back.version = 7;
	CHECK(svc_list_equal(&l, &back));
	back.s[1].intranet = false;
	CHECK(!svc_list_equal(&l, &back));
	json_decref(arr);
	svc_free(back.s, back.n);
	/* For the proxy: id, url, domains, intranet only. */
	arr = svc_list_to_json(l.s, l.n, true);
	CHECK(arr && json_object_size(json_array_get(arr, 0)) == 4);
	CHECK(json_is_true(json_object_get(json_array_get(arr, 1), "intranet")));
	json_decref(arr);
	svc_free(l.s, l.n);
}

static void test_hostile(void)
{
	CHECK(refused("[]"));
	CHECK(refused("{}"));
	CHECK(refused("{\"version\":-1,\"services\":[" CAF "]}"));
	CHECK(refused("{\"version\":\"1\",\"services\":[" CAF "]}"));
	CHECK(refused("{\"version\":1,\"services\":{}}"));
	CHECK(refused("{\"version\":1}"));
	CHECK(!one_refused("")); /* none at all is a list (admind offers nothing) */
	CHECK(one_refused("1")); /* not an object */
	CHECK(one_refused(
		"{\"name\":\"CAF\",\"url\":\"https://caf.fr/\",\"domains\":[\"caf.fr\"]}"));
	CHECK(one_refused("{\"id\":\"Caf\",\"name\":\"CAF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"caf.fr\"]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":5,\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"caf.fr\"]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"caf.fr\"]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":\"caf.fr\"}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"CAF.fr\"]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"caf.fr\",\"*.caf.fr\"]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"caf.fr\",\"caf.fr\"]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"caf.fr\",5]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://evil.com/\","
			  "\"domains\":[\"caf.fr\"]}")); /* its home not in its domains */
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"http://caf.fr/\","
			  "\"domains\":[\"caf.fr\"]}")); /* plain http to another computer */
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"javascript:alert(1)\","
			  "\"domains\":[\"caf.fr\"]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://u@caf.fr/\","
			  "\"domains\":[\"caf.fr\"]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"caf.fr\"],\"intranet\":\"yes\"}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"caf.fr\"],\"icon\":\"<svg>\"}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"C\\u0000AF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"caf.fr\"]}"));
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"C\\nAF\",\"url\":\"https://caf.fr/\","
			  "\"domains\":[\"caf.fr\"]}"));
	CHECK(one_refused(CAF "," CAF)); /* the same id twice */

	/* Oversized: a name of 41 characters, 33 domains, 65 services. */
	CHECK(one_refused("{\"id\":\"caf\",\"name\":\"12345678901234567890123456789012345678901\","
			  "\"url\":\"https://caf.fr/\",\"domains\":[\"caf.fr\"]}"));
	CHECK(!one_refused("{\"id\":\"caf\",\"name\":\"1234567890123456789012345678901234567890\","
			   "\"url\":\"https://caf.fr/\",\"domains\":[\"caf.fr\"]}"));
	char doms[33 * 16] = "", *p = doms;
	for (int i = 0; i < 33; i++)
		p += sprintf(p, "%s\"d%d.fr\"", i ? "," : "", i);
	char *svc = xasprintf("{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://d1.fr/\","
			      "\"domains\":[%s]}",
			      doms);
	CHECK(one_refused(svc));
	free(svc);
	size_t cap = 66 * 200, len = 0;
	char *many = malloc(cap);
	for (int i = 0; i < 65; i++)
		len += (size_t)snprintf(many + len, cap - len,
					"%s{\"id\":\"s%d\",\"name\":\"S%d\",\"url\":\"https://"
					"s%d.fr/\",\"domains\":[\"s%d.fr\"]}",
					i ? "," : "", i, i, i, i);
	CHECK(one_refused(many));
	/* 64 is the limit, and fine. */
	many[strrchr(many, '{') - many - 1] = '\0';
	CHECK(!one_refused(many));
	free(many);
}

int main(void)
{
	test_good();
	test_hostile();
	return TEST_DONE();
}
