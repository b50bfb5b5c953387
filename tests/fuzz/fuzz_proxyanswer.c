/* fuzz_proxyanswer: escale-proxy's answers to session_end and refusals, as the kiosk's network
 * helper checks them (kiosk/net/proxyctl.c). What it accepts must be what admind is sent:
 * valid service ids each once; a refusals report that reads back the same. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxyctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > PROXYCTL_LINE_MAX)
		return 0; /* the client stops reading there */
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return 0;
	char why[200];
	json_t *ids = NULL, *rep = NULL;
	if (proxyctl_parse_session_end(j, &ids, why, sizeof(why))) {
		if (!ids || json_array_size(ids) > SVC_MAX)
			abort();
		for (size_t i = 0; i < json_array_size(ids); i++) {
			const char *id = json_string_value(json_array_get(ids, i));
			if (!id || !svc_id_ok(id))
				abort();
			for (size_t k = 0; k < i; k++)
				if (strcmp(id, json_string_value(json_array_get(ids, k))) == 0)
					abort();
		}
	} else if (ids) {
		abort();
	}
	if (proxyctl_parse_refusals(j, &rep, why, sizeof(why))) {
		json_t *again = json_deep_copy(rep), *back = NULL;
		json_object_set_new(again, "t", json_string("refusals"));
		if (!proxyctl_parse_refusals(again, &back, why, sizeof(why)) ||
		    !json_equal(rep, back))
			abort();
		json_decref(again);
		json_decref(back);
	} else if (rep) {
		abort();
	}
	json_decref(ids);
	json_decref(rep);
	json_decref(j);
	return 0;
}
