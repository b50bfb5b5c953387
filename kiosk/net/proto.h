/* proto: the checks of escale-admind's answers to the kiosk's requests (login, heartbeat,
 * events, codes), turned into C structs and wire messages for the kiosk; anything out of
 * shape or range is refused with a reason. */
#ifndef ESCALE_PROTO_H
#define ESCALE_PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kcache.h"
#include "wire.h"

/* 201 to POST /api/v1/kiosk/sessions. */
struct login_ok {
	char session[KC_SESSION_HEX + 1];
	int64_t seconds_left, pages_left, valid_until;
	char by[WIRE_NAME_MAX + 1]; /* accompanied_by: the mediator's name, "" for a resident */
};
bool proto_login_ok(const json_t *j, struct login_ok *out);
/* 200 to GET /api/v1/kiosk/codes; OUT->codes is allocated (free it). */
struct codes_answer {
	struct kc_meta meta;
	bool full;
	struct kc_code *codes;
	size_t n;
};
bool proto_codes(const json_t *j, struct codes_answer *out, char *why, size_t whylen);
/* 200 to POST /api/v1/kiosk/heartbeat: SESSION the kiosk's session message (when
 * HAS_SESSION), CMDS its N_CMDS command messages (commands that fail the checks are left
 * out; free CMDS). */
struct hb_answer {
	int64_t heartbeat_seconds; /* 0 when absent */
	bool has_session;
	struct wire_msg session;
	struct wire_msg *cmds;
	size_t n_cmds;
};
bool proto_heartbeat(const json_t *j, struct hb_answer *out, char *why, size_t whylen);
/* 200 to POST /api/v1/kiosk/events: IDS (at most the size of SENT) get the ids of the
 * events of SENT that admind has (applied, duplicate or ignored). */
bool proto_events(const json_t *j, const json_t *sent, const char **ids, size_t *n, char *why,
		  size_t whylen);

#endif
