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
	bool pin_only; /* enrolled, no CA given: the pinned key alone is the trust */
	long timeout_ms;
	struct curl_slist *headers; /* holds the token */
	struct xfer x[CREQ_N];
};

static const char *const kind_names[CREQ_N] = {"login",    "heartbeat", "events",  "codes",
					       "services", "refusals",  "settings"};

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
	/* escale-kiosk --enroll pinned the key the technician compared; a centre's admind
	 * often has a certificate of its own that no CA vouches for. */
	cl->pin_only = cfg->enrolled && cl->pin && !cl->ca_file;
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
	x->max = kind == CREQ_CODES      ? CLIENT_CODES_MAX
		 : kind == CREQ_SERVICES ? SVC_JSON_MAX
		 : kind == CREQ_SETTINGS ? SITECFG_JSON_MAX + 4096
					 : CLIENT_BODY_MAX;
	long timeout = cl->timeout_ms;
	if (kind == CREQ_CODES) /* a long list on a slow link */
		timeout = timeout * 10 < 120000 ? timeout * 10 : 120000;
	char *url = xasprintf("%s%s", cl->base, path);
	bool ok = true;
	SETOPT(CURLOPT_URL, url);
	SETOPT(CURLOPT_PROTOCOLS_STR, cl->protocols);
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_SSL_VERIFYPEER, cl->pin_only ? 0L : 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, cl->pin_only ? 0L : 2L);
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
