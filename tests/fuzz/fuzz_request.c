/* fuzz_request: request bodies through the same parse and checks as admind's handlers. */
#include <stdint.h>
#include <string.h>

#include "api.h"
#include "code.h"
#include "jsonutil.h"
#include "store_services.h"
#include "util.h"
#include "web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The shapes of the bodies admind accepts (docs/API.md). */
static const struct jfield session_f[] = {{"code", J_STR, true, 1, 64}};
static const struct jfield heartbeat_f[] = {{"state", J_STR, true, 1, 16},
					    {"session", J_STR, false, 1, 64},
					    {"seconds_used", J_INT, false, 0, 86400},
					    {"pages_used", J_INT, false, 0, 100000},
					    {"version", J_STR, false, 0, 64},
					    {"ack", J_ARRAY, false, 0, 0}};
static const struct jfield codes_f[] = {{"count", J_INT, false, 1, 500},
					{"minutes", J_INT, false, 1, 1440},
					{"pages", J_INT, false, 0, 1000},
					{"days", J_INT, false, 1, 366},
					{"valid_until", J_STR_OR_INT, false, 0, 0}};
static const struct jfield events_f[] = {{"events", J_ARRAY, true, 0, 0}};
static const struct jfield login_f[] = {{"name", J_STR, true, 1, 64},
					{"password", J_STR, true, 1, 256}};

static void strings(json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;
	if (json_is_object(j)) {
		json_object_foreach (j, key, v)
			strings(v);
	} else if (json_is_array(j)) {
		json_array_foreach (j, i, v)
			strings(v);
	} else if (json_is_string(j)) {
		const char *s = json_string_value(j);
		char norm[CODE_MAX_LEN + 1];
		int64_t t;
		uint8_t raw[32];
		(void)code_normalise(s, norm);
		(void)datetime_parse_local(s, &t);
		(void)date_parse_local(s, &t);
		(void)hex_decode(s, raw, sizeof(raw));
		(void)parse_i64(s, INT64_MIN, INT64_MAX, &t);
		(void)utf8_valid_text(s, strlen(s));
		/* A string as the path of a page (web.c), and as a site's name in a URL. */
		(void)web_name_ok(s);
		(void)site_name_ok(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return 0;
	}
	char err[160];
	(void)json_check(j, session_f, ARRAY_LEN(session_f), err, sizeof(err));
	(void)json_check(j, heartbeat_f, ARRAY_LEN(heartbeat_f), err, sizeof(err));
	(void)json_check(j, codes_f, ARRAY_LEN(codes_f), err, sizeof(err));
	if (json_check(j, login_f, ARRAY_LEN(login_f), err, sizeof(err))) {
		json_wipe_string(j, "password");
		if (json_string_length(json_object_get(j, "password")) &&
		    json_string_value(json_object_get(j, "password"))[0] != '\0')
			__builtin_trap(); /* the password must be wiped */
	}
	/* A service added or edited, and a kiosk's refusals (api_services.c). */
	static struct store_service sv;
	static struct store_refusal rs[STORE_MAX_REFUSED_HOSTS];
	char serr[256];
	memset(&sv, 0, sizeof(sv));
	(void)api_service_parse(j, true, &sv, serr, sizeof(serr));
	memset(&sv, 0, sizeof(sv));
	(void)api_service_parse(j, false, &sv, serr, sizeof(serr));
	(void)api_refusals_parse(json_object_get(j, "hosts"), rs);
	if (json_check(j, events_f, ARRAY_LEN(events_f), err, sizeof(err))) {
		size_t i;
		json_t *ev;
		json_array_foreach (json_object_get(j, "events"), i, ev)
			(void)api_event_check(ev, 0, err, sizeof(err));
	}
	strings(j);
	json_decref(j);
	return 0;
}
