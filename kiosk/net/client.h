/* client: requests to escale-admind (libcurl multi, TLS always verified); proto.h reads
 * the answers. */
#ifndef ESCALE_CLIENT_H
#define ESCALE_CLIENT_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kcache.h"
#include "kconfig.h"

#define CLIENT_TOKEN_MAX 128
#define CLIENT_BODY_MAX  (1L << 20) /* answers beyond are cut off and count as no answer */
#define CLIENT_CODES_MAX (8L << 20) /* except the code cache: a city's codes may be many */

/* At most one request of each kind is in flight. */
enum creq {
	CREQ_LOGIN,
	CREQ_HEARTBEAT,
	CREQ_EVENTS,
	CREQ_CODES,
	CREQ_SERVICES,
	CREQ_REFUSALS,
	CREQ_SETTINGS,
	CREQ_N
};

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

#endif
