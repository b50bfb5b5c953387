/* test_audience: who may use a service at a site (sitecfg_service_audience), the site's
 * keys "services" and "accompanied_services" parsed strictly, and a session's part of a
 * list (svc_select). */
#include <jansson.h>
#include <string.h>

#include "services.h"
#include "sitecfg.h"
#include "test.h"

static bool parse(const char *text, struct site_settings *s)
{
	json_t *j = json_loads(text, 0, NULL);
	char err[300];
	bool ok = j && sitecfg_from_json(j, s, err, sizeof(err));
	json_decref(j);
	return ok;
}

static void test_audience(void)
{
	static struct site_settings s;
	/* No site, or nothing chosen: every service but the accompanied-only ones. */
	CHECK(sitecfg_service_audience(NULL, "caf", false) == SVC_EVERYONE);
	CHECK(sitecfg_service_audience(NULL, "bank", true) == SVC_NOT_OFFERED);
	CHECK(parse("{}", &s));
	CHECK(sitecfg_service_audience(&s, "caf", false) == SVC_EVERYONE);
	CHECK(sitecfg_service_audience(&s, "bank", true) == SVC_NOT_OFFERED);
	/* The site's choice; the extra ones of accompanied sessions. */
	CHECK(parse("{\"services\": [\"caf\"], \"accompanied_services\": [\"bank\", \"ameli\"]}",
		    &s));
	CHECK(s.n_services == 1 && s.n_accompanied == 2);
	CHECK(sitecfg_service_audience(&s, "caf", false) == SVC_EVERYONE);
	CHECK(sitecfg_service_audience(&s, "ameli", false) == SVC_ACCOMPANIED);
	CHECK(sitecfg_service_audience(&s, "bank", true) == SVC_ACCOMPANIED);
	CHECK(sitecfg_service_audience(&s, "msa", false) == SVC_NOT_OFFERED);
	/* An accompanied-only service is never a resident's, even listed in "services". */
	CHECK(parse("{\"services\": [\"bank\"]}", &s));
	CHECK(sitecfg_service_audience(&s, "bank", true) == SVC_NOT_OFFERED);
	/* An empty choice: nothing for residents. */
	CHECK(parse("{\"services\": []}", &s));
	CHECK(sitecfg_service_audience(&s, "caf", false) == SVC_NOT_OFFERED);
}

static void test_hostile(void)
{
	static struct site_settings s;
	static const char *const bad[] = {
		"{\"services\": \"caf\"}",
		"{\"services\": [\"caf\", \"caf\"]}",
		"{\"services\": [\"CAF\"]}",
		"{\"services\": [\"-caf\"]}",
		"{\"services\": [\"\"]}",
		"{\"services\": [null]}",
		"{\"accompanied_services\": [3]}",
		"{\"accompanied_services\": [\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]}",
		"{\"services\": {\"caf\": true}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!parse(bad[i], &s));
		CHECK(s.set == 0);
	}
	/* At most SVC_MAX ids. */
	json_t *a = json_array();
	for (int i = 0; i <= SVC_MAX; i++) {
		char id[16];
		snprintf(id, sizeof(id), "s%d", i);
		json_array_append_new(a, json_string(id));
	}
	json_t *j = json_pack("{so}", "services", a);
	char err[300];
	CHECK(!sitecfg_from_json(j, &s, err, sizeof(err)));
	json_array_remove(a, 0);
	CHECK(sitecfg_from_json(j, &s, err, sizeof(err)) && s.n_services == SVC_MAX);
	/* Written back as read. */
	json_t *back = sitecfg_to_json(&s);
	CHECK(json_equal(back, j));
	json_decref(back);
	json_decref(j);
}

static void test_select(void)
{
	json_t *arr =
		json_loads("[{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://www.caf.fr/\","
			   "\"domains\":[\"caf.fr\"]},"
			   "{\"id\":\"bank\",\"name\":\"Banque\",\"url\":\"https://b.example/\","
			   "\"domains\":[\"b.example\"],\"accompanied\":true}]",
			   0, NULL);
	static struct svc_list all, part;
	char err[200];
	CHECK(svc_list_from_json(arr, false, &all, err, sizeof(err)));
	CHECK(all.n == 2 && !all.s[0].accompanied && all.s[1].accompanied);
	all.version = 7;
	svc_select(&all, false, &part);
	CHECK(part.n == 1 && strcmp(part.s[0].id, "caf") == 0 && part.version == 7);
	svc_free(part.s, part.n);
	svc_select(&all, true, &part);
	CHECK(part.n == 2 && strcmp(part.s[1].domains[0], "b.example") == 0);
	CHECK(part.s[1].name != all.s[1].name); /* a copy of its own */
	CHECK(svc_list_equal(&part, &all));
	svc_free(part.s, part.n);
	/* Through JSON and back: the mark stays, and the proxy's copy has none. */
	json_t *out = svc_list_to_json(all.s, all.n, false);
	CHECK(json_is_true(json_object_get(json_array_get(out, 1), "accompanied")));
	CHECK(!json_object_get(json_array_get(out, 0), "accompanied"));
	json_decref(out);
	out = svc_list_to_json(all.s, all.n, true);
	CHECK(!json_object_get(json_array_get(out, 1), "accompanied"));
	json_decref(out);
	json_decref(arr);
	/* Anything but a boolean is refused. */
	arr = json_loads("[{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://www.caf.fr/\","
			 "\"domains\":[\"caf.fr\"],\"accompanied\":1}]",
			 0, NULL);
	CHECK(!svc_list_from_json(arr, true, &part, err, sizeof(err)) && part.n == 0);
	json_decref(arr);
	svc_free(all.s, all.n);
}

int main(void)
{
	test_audience();
	test_hostile();
	test_select();
	return TEST_DONE();
}
