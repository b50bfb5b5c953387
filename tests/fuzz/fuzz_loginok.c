/* fuzz_loginok: admind's answer to a sign-in (a code's or a mediator's), as the kiosk's
 * network helper checks it (kiosk/net/proto.c, proto_login_ok). What it accepts must pass
 * on to the kiosk: the login message with its accompanied_by must encode and decode back
 * the same. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "util.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > WIRE_IPC_MAX)
		return 0;
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return 0;
	struct login_ok ok;
	memset(&ok, 0, sizeof(ok));
	if (proto_login_ok(j, &ok)) {
		size_t n = strlen(ok.by);
		if (n > WIRE_NAME_MAX || !utf8_valid_text(ok.by, n) || strchr(ok.by, '\t'))
			abort();
		struct wire_msg m = {.type = WIRE_MSG_LOGIN_REPLY,
				     .ok = true,
				     .seconds_left = ok.seconds_left,
				     .pages_left = ok.pages_left};
		snprintf(m.session, sizeof(m.session), "%s", ok.session);
		memcpy(m.by, ok.by, n + 1);
		json_t *w = wire_msg_encode(&m);
		struct wire_msg back;
		char err[200];
		/* Budgets past the wire's ranges are the helper's to clamp; the name must pass. */
		if (ok.seconds_left <= WIRE_SECONDS_MAX && ok.pages_left <= WIRE_PAGES_MAX) {
			if (!w || !wire_msg_decode(w, WIRE_TO_KIOSK, &back, err, sizeof(err)) ||
			    strcmp(back.by, m.by) != 0)
				abort();
			wire_msg_clear(&back);
		}
		json_decref(w);
	}
	json_decref(j);
	return 0;
}
