/* client: requests to escale-admind (libcurl multi, TLS always verified) and strict reading
 * of its answers. */
#ifndef ESCALE_CLIENT_H
#define ESCALE_CLIENT_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kcache.h"
#include "kconfig.h"
#include "wire.h"

#define CLIENT_TOKEN_MAX 128
#define CLIENT_BODY_MAX  (1L << 20) /* answers beyond are cut off and count as no answer */
#define CLIENT_CODES_MAX (8L << 20) /* except the code cache: a city's codes may be many */

/* At most one request of each kind is in flight. */
enum creq { CREQ_LOGIN, CREQ_HEARTBEAT, CREQ_EVENTS, CREQ_CODES, CREQ_N };

/* A finished request. */
struct cresp {
	enum creq kind;
	long status;  /* HTTP status; 0 when there was no answer (network, TLS, timeout, too big) */
	json_t *body; /* the answer when it is a JSON object, else NULL; the caller owns it */
	char why[CURL_ERROR_SIZE + 64]; /* what went wrong, for the logs */
};

struct client;

/* Reads the token file: one line "esk_...", at most CLIENT_TOKEN_MAX characters of
 * [A-Za-z0-9_-]; on failure ERR says why. */
bool client_load_token(const char *path, char out[CLIENT_TOKEN_MAX + 1], char *err, size_t errlen);
/* NULL (logged) when the token cannot be read or libcurl cannot start. */
struct client *client_new(const struct kiosk_cfg *cfg);
void client_free(struct client *cl);

bool client_busy(const struct client *cl, enum creq kind);
/* Starts a request: BODY (not consumed) is POSTed, or NULL for a GET. */
bool client_start(struct client *cl, enum creq kind, const char *path, const json_t *body);
/* Waits up to TIMEOUT_MS for network activity or one of FDS (revents are set), then
 * moves the transfers on. */
bool client_wait(struct client *cl, struct curl_waitfd *fds, unsigned n, int timeout_ms);
/* The next finished request, if any. */
bool client_done(struct client *cl, struct cresp *out);

/* ---- admind's answers, checked field by field (pure functions) */

/* 201 to POST /api/v1/kiosk/sessions. */
struct login_ok {
	char session[KC_SESSION_HEX + 1];
	int64_t seconds_left, pages_left, valid_until;
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
