/* http: the libmicrohttpd server, request bodies, routing, auth and JSON replies. */
#ifndef ESCALE_HTTP_H
#define ESCALE_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "actor.h"
#include "sitecfg.h"

struct app;

#define HTTP_MAX_PARAMS 2

struct http_req {
	struct MHD_Connection *conn;
	struct app *app;
	const char *method;
	char *path;
	char *body;
	size_t len, cap;
	bool too_large;
	bool responded;
	bool pending; /* suspended, its handler queued on the sign-in threads */
	char addr[64];
	char params[HTTP_MAX_PARAMS][65];
	int nparams;
	char site[SITE_NAME_MAX_BYTES + 1]; /* a '+' segment: a site's name, decoded */
	int64_t kiosk;
	struct store_actor actor;
	struct web_session web; /* web.id is 0 unless signed in with the cookie */
	unsigned status;
	struct MHD_Response *resp;
	int64_t started_us; /* monotonic, for the latency in GET /metrics */
};

enum http_auth { AUTH_NONE, AUTH_KIOSK, AUTH_STAFF };

struct route {
	const char *method;
	/* Segments separated by '/'; '*' matches one id of [A-Za-z0-9_-]{1,64}; '+' a
	 * site's name (common/sitecfg.h), the rest of the pattern being plain text. */
	const char *pattern;
	enum http_auth auth;
	unsigned roles; /* for AUTH_STAFF: mask of enum role */
	void (*fn)(struct app *app, struct http_req *r);
	/* Runs argon2id: on the sign-in threads (loginq), never on an HTTP one. */
	bool slow;
	/* Open to a staff account limited to some sites: the handler keeps it to them. The
	 * other staff routes refuse such an account (403). */
	bool scoped;
};

extern const struct route api_routes[];
extern const size_t api_routes_len;

struct MHD_Daemon *http_start(struct app *app);

/* Replies; each steals BODY. */
void http_json(struct http_req *r, unsigned status, json_t *body);
void http_error(struct http_req *r, unsigned status, const char *word, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A 429 with retry_after in the body and a Retry-After header. */
void http_rate_limited(struct http_req *r, int64_t retry_after, const char *message);
/* A 503 with Retry-After: 1, when the sign-in queue is full. */
void http_busy(struct http_req *r, const char *message);
void http_response(struct http_req *r, unsigned status, struct MHD_Response *resp);

/* The staff pages' session cookie. */
#define WEB_COOKIE "escale_session"
/* Sets the session cookie to VALUE for MAX_AGE seconds ("" and 0 clear it). */
void http_set_cookie(struct http_req *r, const char *value, int64_t max_age);

/* Parses the body as a JSON object; replies 400 and returns NULL when it is not. */
json_t *http_body_json(struct http_req *r);
/* A query argument, or NULL; with http_query_only to refuse unknown ones. */
const char *http_query(struct http_req *r, const char *name);
bool http_query_only(struct http_req *r, const char *const *names);

#endif
