/* client: requests to escale-admind (libcurl multi, TLS always verified) and strict reading
 * of its answers. */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

struct xfer {
	CURL *easy;
	char *buf;
	size_t len, cap, max;
	bool too_big;
	char err[CURL_ERROR_SIZE];
};

struct client {
	CURLM *multi;
	char *base;            /* admin.url without its trailing slashes */
	const char *protocols; /* "https", or "http" when the config allowed a loopback URL */
	char *ca_file, *pin;
	long timeout_ms;
	struct curl_slist *headers; /* holds the token */
	struct xfer x[CREQ_N];
};

static const char *const kind_names[CREQ_N] = {"login", "heartbeat", "events", "codes"};

bool client_load_token(const char *path, char out[CLIENT_TOKEN_MAX + 1], char *err, size_t errlen)
{
	char buf[CLIENT_TOKEN_MAX + 4];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int saved = errno;
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		return false;
	}
	buf[n] = '\0';
	size_t len = (size_t)n;
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	bool ok = len > 4 && len <= CLIENT_TOKEN_MAX && strncmp(buf, "esk_", 4) == 0 &&
		  strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
			  len;
	if (ok)
		memcpy(out, buf, len + 1);
	else
		snprintf(err, errlen,
			 "%s: not a kiosk token (one line \"esk_...\", at most %d characters"
			 " of A-Z a-z 0-9 _ -)",
			 path, CLIENT_TOKEN_MAX);
	sodium_memzero(buf, sizeof(buf));
	return ok;
}

struct client *client_new(const struct kiosk_cfg *cfg)
{
	char token[CLIENT_TOKEN_MAX + 1], err[512];
	if (!client_load_token(cfg->admin_token_file, token, err, sizeof(err))) {
		log_warnx("admin.token_file %s", err);
		return NULL;
	}
	const char *url = cfg->admin_url ? cfg->admin_url : "";
	const char *protocols = strncmp(url, "https://", 8) == 0  ? "https"
				: strncmp(url, "http://", 7) == 0 ? "http"
								  : NULL;
	if (!protocols) {
		log_warnx("admin.url must start with https:// (or http:// to loopback)");
		return NULL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_warnx("curl_global_init failed");
		return NULL;
	}
	struct client *cl = xcalloc(1, sizeof(*cl));
	cl->multi = curl_multi_init();
	if (!cl->multi)
		fatalx("curl_multi_init failed");
	cl->base = xstrdup(url);
	for (size_t n = strlen(cl->base); n > 0 && cl->base[n - 1] == '/'; n--)
		cl->base[n - 1] = '\0';
	cl->protocols = protocols;
	cl->ca_file =
		cfg->admin_ca_file && *cfg->admin_ca_file ? xstrdup(cfg->admin_ca_file) : NULL;
	cl->pin = cfg->admin_pin && *cfg->admin_pin ? xstrdup(cfg->admin_pin) : NULL;
	cl->timeout_ms = cfg->admin_timeout_ms > 0 ? (long)cfg->admin_timeout_ms : 3000;
	char *auth = xasprintf("Authorization: Bearer %s", token);
	sodium_memzero(token, sizeof(token));
	cl->headers = curl_slist_append(NULL, auth);
	sodium_memzero(auth, strlen(auth));
	free(auth);
	cl->headers = curl_slist_append(cl->headers, "Content-Type: application/json");
	cl->headers = curl_slist_append(cl->headers, "Accept: application/json");
	/* libcurl would send "Expect: 100-continue" for larger bodies and wait for it. */
	cl->headers = curl_slist_append(cl->headers, "Expect:");
	if (!cl->headers)
		fatalx("curl_slist_append: out of memory");
	return cl;
}

static void xfer_reset(struct client *cl, struct xfer *x)
{
	if (x->easy) {
		curl_multi_remove_handle(cl->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	free(x->buf);
	memset(x, 0, sizeof(*x));
}

void client_free(struct client *cl)
{
	if (!cl)
		return;
	for (int i = 0; i < CREQ_N; i++)
		xfer_reset(cl, &cl->x[i]);
	curl_multi_cleanup(cl->multi);
	for (struct curl_slist *h = cl->headers; h; h = h->next)
		sodium_memzero(h->data, strlen(h->data));
	curl_slist_free_all(cl->headers);
	free(cl->base);
	free(cl->ca_file);
	free(cl->pin);
	free(cl);
	curl_global_cleanup();
}

bool client_busy(const struct client *cl, enum creq kind)
{
	return cl->x[kind].easy != NULL;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;
	if (n > x->max - x->len) {
		x->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (x->len + n + 1 > x->cap) { /* doubling: a long answer costs linear time */
		while (x->len + n + 1 > x->cap)
			x->cap = x->cap ? x->cap * 2 : 16384;
		x->buf = xrealloc(x->buf, x->cap);
	}
	memcpy(x->buf + x->len, ptr, n);
	x->len += n;
	x->buf[x->len] = '\0';
	return n;
}

#define SETOPT(opt, val) ok = ok && curl_easy_setopt(e, opt, val) == CURLE_OK

bool client_start(struct client *cl, enum creq kind, const char *path, const json_t *body)
{
	struct xfer *x = &cl->x[kind];
	if (x->easy)
		return false;
	CURL *e = curl_easy_init();
	if (!e) {
		log_warnx("curl_easy_init failed");
		return false;
	}
	x->easy = e;
	x->max = kind == CREQ_CODES ? CLIENT_CODES_MAX : CLIENT_BODY_MAX;
	long timeout = cl->timeout_ms;
	if (kind == CREQ_CODES) /* a long list on a slow link */
		timeout = timeout * 10 < 120000 ? timeout * 10 : 120000;
	char *url = xasprintf("%s%s", cl->base, path);
	bool ok = true;
	SETOPT(CURLOPT_URL, url);
	SETOPT(CURLOPT_PROTOCOLS_STR, cl->protocols);
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
	if (cl->ca_file)
		SETOPT(CURLOPT_CAINFO, cl->ca_file);
	if (cl->pin)
		SETOPT(CURLOPT_PINNEDPUBLICKEY, cl->pin);
	/* The browser's proxy variables must not take admind's traffic. */
	SETOPT(CURLOPT_PROXY, "");
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, cl->timeout_ms);
	SETOPT(CURLOPT_TIMEOUT_MS, timeout);
	SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
	SETOPT(CURLOPT_HTTPHEADER, cl->headers);
	SETOPT(CURLOPT_USERAGENT, "escale-kiosk-net/" ESCALE_VERSION);
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max);
	SETOPT(CURLOPT_WRITEFUNCTION, on_data);
	SETOPT(CURLOPT_WRITEDATA, x);
	SETOPT(CURLOPT_ERRORBUFFER, x->err);
	if (body) {
		char *payload = json_dumps(body, JSON_COMPACT);
		if (!payload)
			fatalx("%s: out of memory", __func__);
		SETOPT(CURLOPT_POSTFIELDSIZE, (long)strlen(payload));
		SETOPT(CURLOPT_COPYPOSTFIELDS, payload);
		free(payload);
	} else {
		SETOPT(CURLOPT_HTTPGET, 1L);
	}
	free(url);
	if (!ok || curl_multi_add_handle(cl->multi, e) != CURLM_OK) {
		log_warnx("%s: cannot set up the request (libcurl too old?)", kind_names[kind]);
		xfer_reset(cl, x);
		return false;
	}
	return true;
}

bool client_wait(struct client *cl, struct curl_waitfd *fds, unsigned n, int timeout_ms)
{
	int running;
	CURLMcode mc = curl_multi_poll(cl->multi, fds, n, timeout_ms, NULL);
	if (mc != CURLM_OK) {
		log_warnx("curl_multi_poll: %s", curl_multi_strerror(mc));
		return false;
	}
	mc = curl_multi_perform(cl->multi, &running);
	if (mc != CURLM_OK) {
		log_warnx("curl_multi_perform: %s", curl_multi_strerror(mc));
		return false;
	}
	return true;
}

bool client_done(struct client *cl, struct cresp *out)
{
	int left;
	CURLMsg *m;
	while ((m = curl_multi_info_read(cl->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct xfer *x = NULL;
		for (int i = 0; i < CREQ_N; i++)
			if (cl->x[i].easy == m->easy_handle)
				x = &cl->x[i];
		if (!x)
			continue;
		memset(out, 0, sizeof(*out));
		out->kind = (enum creq)(x - cl->x);
		CURLcode rc = m->data.result;
		if (rc != CURLE_OK) {
			snprintf(out->why, sizeof(out->why), "%s%s%s",
				 x->too_big ? "answer too large: " : "", curl_easy_strerror(rc),
				 x->err[0] ? " (" : "");
			if (x->err[0]) {
				size_t l = strlen(out->why);
				snprintf(out->why + l, sizeof(out->why) - l, "%s)", x->err);
			}
		} else {
			curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &out->status);
			json_error_t err;
			if (out->status < 100 || out->status > 599) {
				out->status = 0;
				snprintf(out->why, sizeof(out->why), "no valid HTTP status");
			} else if (!(out->body = x->buf ? json_loadb(x->buf, x->len,
								     JSON_REJECT_DUPLICATES, &err)
							: NULL)) {
				snprintf(out->why, sizeof(out->why), "answer %ld is not JSON",
					 out->status);
			} else if (!json_is_object(out->body)) {
				json_decref(out->body);
				out->body = NULL;
				snprintf(out->why, sizeof(out->why), "answer %ld is not an object",
					 out->status);
			}
		}
		xfer_reset(cl, x);
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- answers */

static bool get_int(const json_t *j, const char *k, int64_t lo, int64_t hi, int64_t *out)
{
	json_t *v = json_object_get(j, k);
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return false;
	*out = json_integer_value(v);
	return true;
}

static const char *get_str(const json_t *j, const char *k, size_t maxlen)
{
	json_t *v = json_object_get(j, k);
	if (!json_is_string(v) || json_string_length(v) > maxlen)
		return NULL;
	return json_string_value(v);
}

/* Exactly N bytes of hex, copied lower-case into OUT (2n+1). */
static bool hex_field(const json_t *j, const char *k, size_t n, char *out)
{
	const char *s = get_str(j, k, 2 * n);
	uint8_t raw[64];
	if (!s || n > sizeof(raw) || !hex_decode(s, raw, n))
		return false;
	hex_encode(raw, n, out);
	return true;
}

#define TIME_MAX     INT64_C(253402300799) /* 9999-12-31 */
#define BUDGET_MAX   INT64_C(3153600000)   /* a century of seconds */
#define MSG_TEXT_MAX 2000                  /* admind allows 500 */

bool proto_login_ok(const json_t *j, struct login_ok *out)
{
	return hex_field(j, "session", KC_SESSION_HEX / 2, out->session) &&
	       get_int(j, "seconds_left", 0, BUDGET_MAX, &out->seconds_left) &&
	       get_int(j, "pages_left", 0, BUDGET_MAX, &out->pages_left) &&
	       get_int(j, "valid_until", 0, TIME_MAX, &out->valid_until);
}

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), false)

static bool code_entry(const json_t *c, struct kc_code *out)
{
	const char *state = get_str(c, "state", 16);
	return json_is_object(c) && hex_field(c, "verifier", KC_VERIFIER_HEX / 2, out->verifier) &&
	       state && kcache_state_parse(state, &out->state) &&
	       get_int(c, "seconds_left", 0, BUDGET_MAX, &out->seconds_left) &&
	       get_int(c, "pages_left", 0, BUDGET_MAX, &out->pages_left) &&
	       get_int(c, "valid_until", 0, TIME_MAX, &out->valid_until);
}

bool proto_codes(const json_t *j, struct codes_answer *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	char salt[KC_SALT_LEN * 2 + 1];
	json_t *full = json_object_get(j, "full"), *codes = json_object_get(j, "codes");
	if (!get_int(j, "cursor", 0, INT64_MAX, &out->meta.cursor))
		return WHY("'cursor' is not a cursor");
	if (!json_is_boolean(full))
		return WHY("'full' is not a boolean");
	if (!hex_field(j, "salt", KC_SALT_LEN, salt))
		return WHY("'salt' is not %d bytes of hex", KC_SALT_LEN);
	hex_decode(salt, out->meta.salt, KC_SALT_LEN);
	if (!get_int(j, "opslimit", crypto_pwhash_OPSLIMIT_MIN, KC_OPSLIMIT_MAX,
		     &out->meta.opslimit))
		return WHY("'opslimit' is not within %d..%d", (int)crypto_pwhash_OPSLIMIT_MIN,
			   KC_OPSLIMIT_MAX);
	if (!get_int(j, "memlimit", crypto_pwhash_MEMLIMIT_MIN, KC_MEMLIMIT_MAX,
		     &out->meta.memlimit))
		return WHY("'memlimit' is not within %d..%lld", (int)crypto_pwhash_MEMLIMIT_MIN,
			   (long long)KC_MEMLIMIT_MAX);
	if (!json_is_array(codes))
		return WHY("'codes' is not an array");
	out->full = json_is_true(full);
	out->n = json_array_size(codes);
	out->codes = xcalloc(out->n ? out->n : 1, sizeof(*out->codes));
	for (size_t i = 0; i < out->n; i++)
		if (!code_entry(json_array_get(codes, i), &out->codes[i])) {
			free(out->codes);
			out->codes = NULL;
			return WHY("code %zu is malformed", i);
		}
	return true;
}

static bool event_word(const char *s)
{
	return s && *s && strspn(s, "abcdefghijklmnopqrstuvwxyz_") == strlen(s);
}

/* admind's view of the session as the kiosk gets it; false when it fails the checks. */
static bool session_msg(const json_t *s, struct wire_msg *m)
{
	int64_t sl, pl;
	json_t *active = json_object_get(s, "active"), *reason = json_object_get(s, "end_reason");
	memset(m, 0, sizeof(*m));
	m->type = WIRE_MSG_SESSION;
	if (!json_is_object(s) || !hex_field(s, "id", KC_SESSION_HEX / 2, m->session) ||
	    !json_is_boolean(active) || !get_int(s, "seconds_left", 0, WIRE_SECONDS_MAX, &sl) ||
	    !get_int(s, "pages_left", 0, WIRE_PAGES_MAX, &pl))
		return false;
	m->active = json_is_true(active);
	m->seconds_left = sl;
	m->pages_left = pl;
	if (reason && !json_is_null(reason)) {
		if (!wire_reason_parse(json_string_value(reason), &m->reason))
			return false;
		m->has_reason = true;
	}
	return true;
}

/* One command as the kiosk gets it; false when it fails the checks. */
static bool cmd_msg(const json_t *c, struct wire_msg *m)
{
	int64_t id, seconds;
	memset(m, 0, sizeof(*m));
	m->type = WIRE_MSG_CMD;
	if (!json_is_object(c) || !get_int(c, "id", 1, INT64_MAX, &id) ||
	    !wire_cmd_parse(get_str(c, "type", WIRE_WORD_MAX), &m->cmd))
		return false;
	m->id = id;
	enum wire_cmd t = m->cmd;
	if ((t == WIRE_CMD_END_SESSION || t == WIRE_CMD_ADD_TIME || t == WIRE_CMD_PRINT) &&
	    !hex_field(c, "session", KC_SESSION_HEX / 2, m->session))
		return false;
	if (t == WIRE_CMD_ADD_TIME) {
		if (!get_int(c, "seconds", 1, KC_SECONDS_MAX, &seconds))
			return false;
		m->seconds = seconds;
	}
	if (t == WIRE_CMD_MESSAGE || t == WIRE_CMD_LOCK) {
		json_t *v = json_object_get(c, "text");
		const char *text = json_is_null(v) || !v ? "" : get_str(c, "text", MSG_TEXT_MAX);
		if (!text || !utf8_valid_text(text, strlen(text)))
			return false;
		snprintf(m->text, sizeof(m->text), "%s", text);
	}
	if (t == WIRE_CMD_PRINT) { /* an event word, the pages it is about, the pages left */
		const char *event = get_str(c, "event", WIRE_WORD_MAX);
		if (!event_word(event) || !get_int(c, "pages", 0, WIRE_PAGES_MAX, &m->pages) ||
		    !get_int(c, "pages_left", 0, WIRE_PAGES_MAX, &m->pages_left))
			return false;
		snprintf(m->event, sizeof(m->event), "%s", event);
	}
	return true;
}

bool proto_heartbeat(const json_t *j, struct hb_answer *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	json_t *hs = json_object_get(j, "heartbeat_seconds"), *sess = json_object_get(j, "session");
	json_t *cmds = json_object_get(j, "commands");
	int64_t now;
	if (!get_int(j, "now", 0, TIME_MAX, &now))
		return WHY("'now' is not a time");
	if (hs && !get_int(j, "heartbeat_seconds", 1, 86400, &out->heartbeat_seconds))
		return WHY("'heartbeat_seconds' is not a number of seconds");
	if (!json_is_array(cmds))
		return WHY("'commands' is not an array");
	if (!sess)
		return WHY("'session' is missing");
	if (!json_is_null(sess)) {
		if (!session_msg(sess, &out->session))
			return WHY("'session' is malformed");
		out->has_session = true;
	}
	size_t i;
	json_t *c;
	out->cmds = xcalloc(json_array_size(cmds) ? json_array_size(cmds) : 1, sizeof(*out->cmds));
	json_array_foreach (cmds, i, c) {
		if (cmd_msg(c, &out->cmds[out->n_cmds]))
			out->n_cmds++;
		else
			log_warnx("heartbeat: command %zu left out: unknown type or bad fields", i);
	}
	return true;
}

bool proto_events(const json_t *j, const json_t *sent, const char **ids, size_t *n, char *why,
		  size_t whylen)
{
	json_t *results = json_object_get(j, "results");
	*n = 0;
	if (!json_is_array(results))
		return WHY("'results' is not an array");
	size_t i;
	json_t *r;
	json_array_foreach (results, i, r) {
		const char *id = get_str(r, "id", 64), *status = get_str(r, "status", 16);
		if (!id || !status)
			continue;
		bool have = strcmp(status, "applied") == 0 || strcmp(status, "duplicate") == 0 ||
			    strcmp(status, "ignored") == 0;
		if (!have)
			continue;
		size_t k;
		json_t *ev;
		json_array_foreach (sent, k, ev) {
			const char *sid = json_string_value(json_object_get(ev, "id"));
			if (!sid || strcmp(sid, id) != 0)
				continue;
			bool dup = false;
			for (size_t d = 0; d < *n; d++)
				dup = dup || ids[d] == sid;
			if (!dup && *n < json_array_size(sent))
				ids[(*n)++] = sid;
			if (strcmp(status, "ignored") == 0) {
				const char *reason = get_str(r, "reason", 64);
				log_warnx("admind ignored event %s (%s): %s", id,
					  json_string_value(json_object_get(ev, "type")),
					  reason && utf8_valid_text(reason, strlen(reason))
						  ? reason
						  : "no reason given");
			}
			break;
		}
	}
	return true;
}
