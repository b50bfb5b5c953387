/* http: the libmicrohttpd server, request bodies, routing, auth and JSON replies. */
#include "admind.h"
#include "http.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/sysinfo.h>
#include <time.h>

#include <sodium.h>

#include "conntrack.h"
#include "loginq.h"
#include "metrics.h"
#include "ratelimit.h"
#include "util.h"
#include "web.h"

static void add_common_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
}

void http_response(struct http_req *r, unsigned status, struct MHD_Response *resp)
{
	if (r->resp)
		MHD_destroy_response(r->resp);
	add_common_headers(resp);
	r->resp = resp;
	r->status = status;
}

void http_json(struct http_req *r, unsigned status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
	json_decref(body);
	if (!text) {
		/* A reply that cannot be built is a bug; the client still gets JSON. */
		log_warnx("%s %s: cannot encode the reply", r->method, r->path);
		status = 500;
		text = xstrdup("{\"error\":\"internal\",\"message\":\"the reply could not be built;"
			       " see escale-admind's log\"}");
	}
	size_t n = strlen(text);
	text[n] = '\n';
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(n + 1, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "application/json");
	http_response(r, status, resp);
}

void http_error(struct http_req *r, unsigned status, const char *word, const char *fmt, ...)
{
	char raw[512], msg[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* Messages quote paths and names, which need not be UTF-8 (JSON's). */
	log_escape(raw,
		   n < 0                     ? 0
		   : (size_t)n < sizeof(raw) ? (size_t)n
					     : sizeof(raw) - 1,
		   msg, sizeof(msg));
	http_json(r, status, json_pack("{ss ss}", "error", word, "message", msg));
}

void http_rate_limited(struct http_req *r, int64_t retry_after, const char *message)
{
	http_json(r, 429,
		  json_pack("{ss ss sI}", "error", "rate_limited", "message", message,
			    "retry_after", (json_int_t)retry_after));
	char v[24];
	snprintf(v, sizeof(v), "%lld", (long long)retry_after);
	MHD_add_response_header(r->resp, "Retry-After", v);
}

void http_busy(struct http_req *r, const char *message)
{
	http_json(r, 503,
		  json_pack("{ss ss sI}", "error", "busy", "message", message, "retry_after",
			    (json_int_t)1));
	MHD_add_response_header(r->resp, "Retry-After", "1");
}

json_t *http_body_json(struct http_req *r)
{
	if (r->len == 0) {
		http_error(r, 400, "bad_request", "the request needs a JSON object as its body");
		return NULL;
	}
	json_error_t e;
	json_t *j = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		http_error(r, 400, "bad_request", "invalid JSON at byte %d: %s", e.position,
			   e.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		http_error(r, 400, "bad_request", "the body must be a JSON object");
		return NULL;
	}
	return j;
}

const char *http_query(struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_check {
	const char *const *names;
	const char *bad;
};

static enum MHD_Result query_visit(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct query_check *q = cls;
	for (const char *const *n = q->names; *n; n++)
		if (strcmp(*n, key) == 0 && value && strlen(value) <= 64)
			return MHD_YES;
	q->bad = key;
	return MHD_NO;
}

bool http_query_only(struct http_req *r, const char *const *names)
{
	struct query_check q = {names, NULL};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_visit, &q);
	if (q.bad) {
		http_error(r, 400, "bad_request", "unknown or invalid query parameter '%.64s'",
			   q.bad);
		return false;
	}
	return true;
}

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Matches PATH against PATTERN, collecting '*' segments into R and a '+' site name
 * into R->site. libmicrohttpd hands the path percent-decoded: a site's name may hold
 * any character, '/' included (%2F), so '+' takes all the text up to the rest of the
 * pattern, which must then be plain text (its end). */
static bool route_match(const char *pattern, const char *path, struct http_req *r)
{
	int np = 0;
	while (*pattern && *path) {
		if (*pattern == '+') {
			size_t plen = strlen(pattern + 1), len = strlen(path);
			if (len <= plen || strcmp(path + len - plen, pattern + 1) != 0 ||
			    len - plen > SITE_NAME_MAX_BYTES)
				return false;
			memcpy(r->site, path, len - plen);
			r->site[len - plen] = '\0';
			if (!site_name_ok(r->site))
				return false;
			r->nparams = np;
			return true;
		}
		if (*pattern == '*') {
			size_t n = 0;
			while (path[n] && path[n] != '/') {
				if (!id_char(path[n]))
					return false;
				n++;
			}
			if (n == 0 || n > 64 || np >= HTTP_MAX_PARAMS)
				return false;
			memcpy(r->params[np], path, n);
			r->params[np++][n] = '\0';
			pattern++;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	if (*pattern || *path)
		return false;
	r->nparams = np;
	return true;
}

/* A token: a prefix and base64url, 8 to 128 characters. */
static bool token_shape(const char *t)
{
	size_t n = strlen(t);
	if (n < 8 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!id_char(t[i]))
			return false;
	return true;
}

/* Bearer TOKEN. */
static const char *bearer(struct http_req *r)
{
	const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
	if (!h || strncmp(h, "Bearer ", 7) != 0)
		return NULL;
	return token_shape(h + 7) ? h + 7 : NULL;
}

void http_set_cookie(struct http_req *r, const char *value, int64_t max_age)
{
	char v[256];
	snprintf(v, sizeof(v), WEB_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
		 value, (long long)max_age, r->app->cfg.tls_cert ? "; Secure" : "");
	MHD_add_response_header(r->resp, MHD_HTTP_HEADER_SET_COOKIE, v);
}

/* The staff pages' cookie: a signed-in person, with a CSRF token on changes. */
static bool authenticate_cookie(struct app *app, struct http_req *r, const char *cookie)
{
	const struct web_config *w = &app->cfg.web;
	/* The pages' automatic refreshes do not keep an abandoned desk signed in. */
	bool poll = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Escale-Poll") != NULL;
	if (strncmp(cookie, "esw_", 4) != 0 || !token_shape(cookie) ||
	    !store_web_auth(app->store, cookie, !poll, w->idle_seconds, w->max_seconds, &r->actor,
			    &r->web)) {
		r->web.id = 0;
		http_error(r, 401, "unauthorized", "your session has ended; sign in again");
		http_set_cookie(r, "", 0);
		return false;
	}
	if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
		return true;
	const char *tok = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	if (!tok || strlen(tok) != STORE_CSRF_LEN ||
	    sodium_memcmp(tok, r->web.csrf, STORE_CSRF_LEN) != 0) {
		http_error(r, 403, "csrf",
			   "this change lacks the page's X-CSRF-Token; reload the page");
		return false;
	}
	return true;
}

static bool authenticate(struct app *app, struct http_req *r, const struct route *rt)
{
	if (rt->auth == AUTH_NONE)
		return true;
	const char *tok = bearer(r);
	const char *cookie =
		rt->auth == AUTH_STAFF && !tok &&
				!MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
							     "Authorization")
			? MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, WEB_COOKIE)
			: NULL;
	if (cookie) {
		if (!authenticate_cookie(app, r, cookie))
			return false;
		goto role;
	}
	if (!tok) {
		http_error(r, 401, "unauthorized",
			   rt->auth == AUTH_STAFF
				   ? "sign in, or send an 'Authorization: Bearer' staff token"
				   : "missing or malformed 'Authorization: Bearer' token");
		return false;
	}
	bool kiosk_tok = strncmp(tok, "esk_", 4) == 0, staff_tok = strncmp(tok, "est_", 4) == 0;
	if (rt->auth == AUTH_KIOSK) {
		if (staff_tok && store_staff_auth(app->store, tok, &r->actor)) {
			http_error(r, 403, "forbidden",
				   "this route is for kiosks, not staff tokens");
			return false;
		}
		int64_t id = kiosk_tok ? store_kiosk_auth(app->store, tok) : 0;
		if (id <= 0) {
			http_error(r, 401, "unauthorized",
				   id < 0 ? "this kiosk has been revoked; enroll it again"
					  : "unknown kiosk token");
			return false;
		}
		r->kiosk = id;
		return true;
	}
	if (kiosk_tok && store_kiosk_auth(app->store, tok) > 0) {
		http_error(r, 403, "forbidden", "this route is for staff, not kiosk tokens");
		return false;
	}
	if (!staff_tok || !store_staff_auth(app->store, tok, &r->actor)) {
		http_error(r, 401, "unauthorized", "unknown or revoked staff token");
		return false;
	}
role:
	if (!(r->actor.role & rt->roles)) {
		http_error(r, 403, "forbidden", "the role '%s' may not do this",
			   role_name(r->actor.role));
		return false;
	}
	if (r->actor.sites.n > 0 && !rt->scoped) {
		http_error(r, 403, "forbidden",
			   "this account is limited to some sites and may not do this: ask an "
			   "account of every site");
		return false;
	}
	return true;
}

static const char *header(struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* A change asked by a browser must come from admind's own pages: another
 * site's page can make a browser post a text/plain or form body without
 * asking anyone (no CORS preflight), and with it count wrong passwords
 * against the desk's address. Browsers say where a request comes from
 * (Sec-Fetch-Site, Origin); the pages send JSON. Clients with a Bearer
 * token are not browsers acting for someone, and send neither header. */
static bool from_own_pages(struct http_req *r)
{
	if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0 ||
	    header(r, "Authorization"))
		return true;
	const char *site = header(r, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
		http_error(r, 403, "cross_site", "this request comes from another site's page");
		return false;
	}
	/* Only the host and port are compared: behind a TLS proxy admind sees
	 * plain HTTP while the page's origin is https. */
	const char *origin = header(r, "Origin"), *host = header(r, "Host");
	const char *sep = origin ? strstr(origin, "://") : NULL;
	if (origin && (!sep || !host || strcasecmp(sep + 3, host) != 0)) {
		http_error(r, 403, "cross_site", "this request comes from another site's page");
		return false;
	}
	const char *type = header(r, "Content-Type");
	if (r->len && (!type || strncasecmp(type, "application/json", 16) != 0 ||
		       (type[16] && type[16] != ';' && type[16] != ' '))) {
		http_error(r, 415, "unsupported_media_type",
			   "the body must be sent as Content-Type: application/json");
		return false;
	}
	return true;
}

/* A staff page, from memory, with the headers that keep it to itself. */
static bool serve_page(struct app *app, struct http_req *r)
{
	struct web_page p;
	if (!web_find(app->web, r->method, r->path, &p))
		return false;
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(p.len, (void *)p.data, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, "Content-Type", p.type);
	/* The pages load nothing from elsewhere and run no inline script. */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; style-src 'self';"
				" img-src 'self' data:; connect-src 'self'; form-action 'self';"
				" base-uri 'none'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	http_response(r, 200, resp);
	return true;
}

static void dispatch(struct app *app, struct http_req *r)
{
	bool path_known = false;
	char allow[64] = "";
	for (size_t i = 0; i < api_routes_len; i++) {
		const struct route *rt = &api_routes[i];
		if (!route_match(rt->pattern, r->path, r))
			continue;
		path_known = true;
		if (strcmp(rt->method, r->method) != 0) {
			size_t n = strlen(allow);
			snprintf(allow + n, sizeof(allow) - n, "%s%s", n ? ", " : "", rt->method);
			continue;
		}
		if (r->too_large) {
			http_error(r, 413, "too_large",
				   "the request body is larger than %lld bytes",
				   (long long)app->cfg.max_body);
			return;
		}
		if (from_own_pages(r) && authenticate(app, r, rt)) {
			if (!rt->slow)
				rt->fn(app, r);
			else if (loginq_submit(app->loginq, r, rt->fn)) {
				r->pending = true;
				return;
			} else
				http_busy(r, "too many sign-ins at once; try again in a second");
		}
		if (!r->resp)
			http_error(r, 500, "internal", "no reply");
		return;
	}
	if (serve_page(app, r))
		return;
	if (path_known) {
		http_error(r, 405, "method_not_allowed", "%s is not allowed on %s", r->method,
			   r->path);
		MHD_add_response_header(r->resp, "Allow", allow);
	} else
		http_error(r, 404, "not_found", "no such endpoint: %s", r->path);
}

struct framing {
	int content_length, transfer_encoding;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct framing *f = cls;
	if (strcasecmp(key, "Content-Length") == 0)
		f->content_length++;
	else if (strcasecmp(key, "Transfer-Encoding") == 0)
		f->transfer_encoding++;
	return MHD_YES;
}

/* A request smuggling guard: behind a reverse proxy that reads another
 * header than admind does, a second request could hide in a body. Two
 * Content-Lengths, or one with Transfer-Encoding, are refused. */
static bool framing_ok(struct MHD_Connection *conn)
{
	struct framing f = {0, 0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
	return f.content_length <= 1 && f.transfer_encoding <= 1 &&
	       !(f.content_length && f.transfer_encoding);
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct app *app = cls;
	struct http_req *r = *con_cls;
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->started_us = mono_us();
		r->conn = conn;
		r->app = app;
		r->method = method;
		r->path = xstrdup(url);
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
					  r->addr, sizeof(r->addr));
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
					  r->addr, sizeof(r->addr));
		}
		*con_cls = r;
		conntrack_request(app->conntrack, conn);
		if (!framing_ok(conn)) {
			/* Its body is dropped (too_large) and the connection closed. */
			r->too_large = true;
			http_error(r, 400, "bad_request",
				   "one Content-Length, or Transfer-Encoding alone, please");
			MHD_add_response_header(r->resp, "Connection", "close");
			r->responded = true;
			return MHD_queue_response(conn, r->status, r->resp);
		}
		const char *cl =
			MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		int64_t n;
		if (cl && (!parse_i64(cl, 0, INT64_MAX, &n) || n > app->cfg.max_body)) {
			/* Refuse before reading a byte of it; MHD closes the connection. */
			r->too_large = true;
			http_error(r, 413, "too_large",
				   "the request body is larger than %lld bytes",
				   (long long)app->cfg.max_body);
			r->responded = true;
			return MHD_queue_response(conn, r->status, r->resp);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->too_large) {
			if (r->len + *upload_size > (size_t)app->cfg.max_body) {
				r->too_large = true;
				free(r->body);
				r->body = NULL;
				r->len = r->cap = 0;
			} else {
				if (r->len + *upload_size + 1 > r->cap) {
					r->cap = r->len + *upload_size + 1 + r->cap;
					if (r->cap > (size_t)app->cfg.max_body + 1)
						r->cap = (size_t)app->cfg.max_body + 1;
					r->body = xrealloc(r->body, r->cap);
				}
				memcpy(r->body + r->len, upload, *upload_size);
				r->len += *upload_size;
				r->body[r->len] = '\0';
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->pending) {
		/* Resumed by the sign-in thread that ran the handler. */
		r->pending = false;
		log_debug("%s %s %s -> %u", r->addr, method, r->path, r->status);
		return MHD_queue_response(conn, r->status, r->resp);
	}
	if (r->responded)
		return MHD_YES;
	r->responded = true;
	conntrack_answering(app->conntrack, conn);
	dispatch(app, r);
	if (r->pending)
		return MHD_YES;
	log_debug("%s %s %s -> %u", r->addr, method, r->path, r->status);
	return MHD_queue_response(conn, r->status, r->resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct app *app = cls;
	struct http_req *r = *con_cls;
	conntrack_done(app->conntrack, conn, mono_ms());
	if (!r)
		return;
	if (r->status && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		metrics_observe(r->status, mono_us() - r->started_us);
	if (r->resp)
		MHD_destroy_response(r->resp);
	free(r->body);
	free(r->path);
	free(r);
	*con_cls = NULL;
}

/* libmicrohttpd's own warnings (a refused connection, a failed accept)
 * come once per event: thousands a second under a flood (issue 16). Each
 * distinct message is logged once per period, then counted. */
#define MHD_LOG_SLOTS     8
#define MHD_LOG_PERIOD_MS (60 * 1000)
static struct {
	char msg[256];
	int64_t since_ms, repeated;
} mhd_log_slots[MHD_LOG_SLOTS];
static pthread_mutex_t mhd_log_mu = PTHREAD_MUTEX_INITIALIZER;

static void mhd_log_repeats(int i, int64_t now)
{
	if (mhd_log_slots[i].repeated)
		log_warnx("http: %s (%lld more times in %lld s)", mhd_log_slots[i].msg,
			  (long long)mhd_log_slots[i].repeated,
			  (long long)(now - mhd_log_slots[i].since_ms) / 1000);
	mhd_log_slots[i].repeated = 0;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	int64_t now = mono_ms();
	pthread_mutex_lock(&mhd_log_mu);
	int slot = 0;
	for (int i = 0; i < MHD_LOG_SLOTS; i++) {
		if (strcmp(mhd_log_slots[i].msg, buf) == 0) {
			slot = i;
			goto found;
		}
		if (mhd_log_slots[i].since_ms < mhd_log_slots[slot].since_ms)
			slot = i;
	}
	mhd_log_repeats(slot, now);
	snprintf(mhd_log_slots[slot].msg, sizeof(mhd_log_slots[slot].msg), "%s", buf);
	mhd_log_slots[slot].since_ms = now;
	log_warnx("http: %s", buf);
	goto out;
found:
	if (now - mhd_log_slots[slot].since_ms < MHD_LOG_PERIOD_MS)
		mhd_log_slots[slot].repeated++;
	else {
		mhd_log_repeats(slot, now);
		mhd_log_slots[slot].since_ms = now;
		log_warnx("http: %s", buf);
	}
out:
	pthread_mutex_unlock(&mhd_log_mu);
}

static char *read_pem(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		log_warn("%s", path);
		return NULL;
	}
	char *buf = xmalloc(1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

struct MHD_Daemon *http_start(struct app *app)
{
	const struct admind_config *c = &app->cfg;
	unsigned threads = c->threads ? (unsigned)c->threads : (unsigned)get_nprocs();
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	if (c->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	char *cert = NULL, *key = NULL;
	if (c->tls_cert) {
		cert = read_pem(c->tls_cert);
		key = read_pem(c->tls_key);
		if (!cert || !key) {
			free(cert);
			free(key);
			return NULL;
		}
		flags |= MHD_USE_TLS;
	}
	/* Options that depend on the config; MHD warns about a "pool" of one
	 * thread or less, so the option is only given for a real pool. */
	struct MHD_OptionItem opts[4];
	size_t n = 0;
	if (threads > 1)
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
	if (cert) {
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, cert};
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, key};
	}
	opts[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, app, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&c->addr,
		/* conntrack keeps to max_connections and max_connections_per_ip
		 * by shedding idle connections; libmicrohttpd's own limit, a
		 * little above, only refuses what arrives faster than that. */
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)(app->max_connections + 64),
		MHD_OPTION_NOTIFY_CONNECTION, conntrack_notify, app->conntrack,
		/* What one request needs (its headers; bodies are copied out as
		 * they come): 33 KB a connection were 339 MB for 10,000 kiosks.
		 * Headers that do not fit get 431. */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)c->connection_memory_kib * 1024,
		/* Idle connections go after 30 s (kiosks send a heartbeat every
		 * few seconds); a request must also be whole within
		 * request_deadline_seconds, however slowly its bytes come
		 * (conntrack_sweep). */
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, app, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (cert) {
		explicit_bzero(key, strlen(key));
		free(cert);
		free(key);
	}
	return d;
}
