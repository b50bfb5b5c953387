/* fuzz_sitecfg: a site's central settings, as admind reads a PUT's body and the kiosk's
 * network helper reads GET /api/v1/kiosk/settings. What it accepts must be written back
 * and parse again to the same settings, and written back once more to the same text. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sitecfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > SITECFG_JSON_MAX)
		return 0; /* both readers stop there */
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return 0;
	static struct site_settings s, back;
	char err[300];
	int64_t version;
	bool ok = json_object_get(j, "version")
			  ? sitecfg_answer_from_json(j, &version, &s, err, sizeof(err))
			  : sitecfg_from_json(j, &s, err, sizeof(err));
	if (ok) {
		json_t *out = sitecfg_to_json(&s);
		if (!sitecfg_from_json(out, &back, err, sizeof(err)))
			abort();
		json_t *again = sitecfg_to_json(&back);
		char *a = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
		char *b = json_dumps(again, JSON_COMPACT | JSON_SORT_KEYS);
		if (!a || !b || strcmp(a, b) != 0 || back.set != s.set)
			abort();
		free(a);
		free(b);
		json_decref(out);
		json_decref(again);
	} else if (s.set != 0) {
		abort(); /* a refusal leaves nothing behind */
	}
	json_decref(j);
	return 0;
}
