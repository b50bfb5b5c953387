/* fuzz_services: admind's services list (GET /api/v1/kiosk/services), as the kiosk's
 * network helper reads it. What it accepts must emit again, parse back strictly to the
 * same list, and pass the checks the IPC message makes. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "services.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > SVC_JSON_MAX)
		return 0; /* the helper cuts admind's answer off there */
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return 0;
	static struct svc_list l, back;
	char err[300];
	if (svc_answer_from_json(j, &l, err, sizeof(err))) {
		json_t *arr = svc_list_to_json(l.s, l.n, false);
		if (!arr || !svc_list_from_json(arr, false, &back, err, sizeof(err)))
			abort();
		back.version = l.version;
		if (!svc_list_equal(&l, &back) || !svc_check_list(l.s, l.n, err, sizeof(err)))
			abort();
		for (int i = 0; i < l.n; i++)
			if (!svc_check(&l.s[i], err, sizeof(err)))
				abort();
		json_decref(arr);
		svc_free(back.s, back.n);
		svc_free(l.s, l.n);
	} else if (l.n != 0) {
		abort(); /* a refusal leaves nothing behind */
	}
	json_decref(j);
	return 0;
}
