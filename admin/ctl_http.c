/* ctl_http: escalectl's requests to escale-admind over libcurl, and their errors. */
#include "ctl.h"
#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTL_CONNECT_SECONDS 5L
/* A transfer that moves no byte for this long is abandoned. */
#define CTL_STALL_SECONDS 120L
/* An error answer during a streamed download is kept only up to this size. */
#define CTL_MAX_ERROR_BODY ((size_t)64 << 10)

struct ctl_xfer {
	CURL *curl;
	ctl_sink_fn *sink; /* NULL: keep the whole body in buf */
	void *sink_arg;
	bool sink_failed;
	bool status_known;
	long status;
	char *buf;
	size_t len, cap, limit;
	bool too_large;
};

static bool ctl_2xx(long status)
{
	return status >= 200 && status < 300;
}

static size_t ctl_on_data(char *p, size_t size, size_t nmemb, void *arg)
{
	struct ctl_xfer *x = arg;
	size_t n = size * nmemb;
	if (!x->status_known) {
		curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &x->status);
		x->status_known = true;
	}
	if (x->sink && ctl_2xx(x->status)) {
		if (n > 0 && !x->sink(x->sink_arg, p, n)) {
			x->sink_failed = true;
			return 0;
		}
		return n;
	}
	if (n > x->limit - x->len) {
		x->too_large = true;
		return 0;
	}
	if (x->len + n + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 4096;
		while (cap < x->len + n + 1)
			cap *= 2;
		x->buf = xrealloc(x->buf, cap);
		x->cap = cap;
	}
	memcpy(x->buf + x->len, p, n);
	x->len += n;
	x->buf[x->len] = '\0';
	return n;
}

/* Prints the server's "message" (or what can be said without one). */
static void ctl_report_answer(const struct ctl *c, const struct ctl_xfer *x)
{
	json_t *j = x->len && !x->too_large ? json_loadb(x->buf, x->len, 0, NULL) : NULL;
	const char *msg = ctl_jstr(j, "message"), *word = ctl_jstr(j, "error");
	fputs("escalectl: ", stderr);
	if (msg && *msg)
		ctl_fput_clean(stderr, msg);
	else if (word && *word) {
		fprintf(stderr, "escale-admind at %s answered HTTP %ld: ", c->url, x->status);
		ctl_fput_clean(stderr, word);
	} else
		fprintf(stderr, "escale-admind at %s answered HTTP %ld", c->url, x->status);
	fputc('\n', stderr);
	json_decref(j);
}

static void ctl_report_failure(const struct ctl *c, const struct ctl_xfer *x, const char *why)
{
	if (x->too_large && ctl_2xx(x->status))
		ctl_fail("the answer from %s is larger than %zu MiB", c->url, CTL_MAX_ANSWER >> 20);
	else if (x->too_large)
		ctl_report_answer(c, x);
	else if (x->status == 0)
		ctl_fail("cannot reach escale-admind at %s: %s", c->url, why);
	else
		ctl_fail("transfer from escale-admind at %s failed: %s", c->url, why);
}

/* One request: a GET, or a POST of the JSON text BODY (NULL: no body). */
static int ctl_request(struct ctl *c, const char *path, bool post, const char *body,
		       struct ctl_xfer *x)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL, *h;
	int rc = ctl_connect(c);

	if (rc != CTL_OK)
		return rc;
	rc = CTL_ERR;
	char *url = xasprintf("%s%s", c->url, path);
	char *auth = xasprintf("Authorization: Bearer %s", c->token);
	CURL *cu = c->curl;
	x->curl = cu;
	curl_easy_reset(cu);
	if (!(h = curl_slist_append(hdrs, auth)))
		fatalx("out of memory");
	hdrs = h;
	if (!(h = curl_slist_append(hdrs, "Accept: application/json")))
		fatalx("out of memory");
	hdrs = h;
	if (post) {
		/* An empty POST must not go out as a form (curl's default type). */
		h = curl_slist_append(hdrs,
				      body ? "Content-Type: application/json" : "Content-Type:");
		if (!h)
			fatalx("out of memory");
		hdrs = h;
	}
	curl_easy_setopt(cu, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(cu, CURLOPT_USERAGENT, "escalectl/" ESCALE_VERSION);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, CTL_CONNECT_SECONDS);
	curl_easy_setopt(cu, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(cu, CURLOPT_LOW_SPEED_TIME, CTL_STALL_SECONDS);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, ctl_on_data);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, x);
	if (c->cacert)
		curl_easy_setopt(cu, CURLOPT_CAINFO, c->cacert);
	if (post) {
		curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, body ? (long)strlen(body) : 0L);
		if (c->put)
			curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, "PUT");
	} else {
		curl_easy_setopt(cu, CURLOPT_HTTPGET, 1L);
		if (c->del)
			curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, "DELETE");
	}

	CURLcode cc = curl_easy_perform(cu);
	long status = 0;
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
	x->status = status;
	if (cc != CURLE_OK) {
		if (!x->sink_failed) /* else the sink said why */
			ctl_report_failure(c, x, *errbuf ? errbuf : curl_easy_strerror(cc));
		goto out;
	}
	if (!ctl_2xx(status)) {
		ctl_report_answer(c, x);
		goto out;
	}
	rc = CTL_OK;
out:
	/* The handle outlives this call: forget pointers into this frame. */
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	free(auth);
	free(url);
	return rc;
}

static int ctl_json_call(struct ctl *c, const char *path, bool post, json_t *body, json_t **answer)
{
	struct ctl_xfer x = {.limit = CTL_MAX_ANSWER};
	char *text = NULL;
	int rc = CTL_ERR;

	if (answer)
		*answer = NULL;
	if (body) {
		text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		if (!text)
			fatalx("out of memory");
	}
	if ((rc = ctl_request(c, path, post, text, &x)) != CTL_OK)
		goto out;
	rc = CTL_ERR;
	if (answer && x.len > 0) {
		json_error_t err;
		*answer = json_loadb(x.buf, x.len, 0, &err);
		if (!*answer) {
			ctl_fail("unexpected answer from %s (not JSON: %s)", c->url, err.text);
			goto out;
		}
	}
	rc = CTL_OK;
out:
	free(text);
	free(x.buf);
	return rc;
}

int ctl_get(struct ctl *c, const char *path, json_t **answer)
{
	return ctl_json_call(c, path, false, NULL, answer);
}

int ctl_post(struct ctl *c, const char *path, json_t *body, json_t **answer)
{
	return ctl_json_call(c, path, true, body, answer);
}

int ctl_put(struct ctl *c, const char *path, json_t *body, json_t **answer)
{
	c->put = true;
	int rc = ctl_json_call(c, path, true, body, answer);
	c->put = false;
	return rc;
}

int ctl_delete(struct ctl *c, const char *path, json_t **answer)
{
	c->del = true;
	int rc = ctl_json_call(c, path, false, NULL, answer);
	c->del = false;
	return rc;
}

int ctl_download(struct ctl *c, const char *path, ctl_sink_fn *sink, void *arg)
{
	struct ctl_xfer x = {.sink = sink, .sink_arg = arg, .limit = CTL_MAX_ERROR_BODY};
	int rc = ctl_request(c, path, false, NULL, &x);
	free(x.buf);
	return rc;
}

int ctl_get_list(struct ctl *c, const char *path, const char *key, json_t **answer, json_t **list)
{
	int rc = ctl_get(c, path, answer);
	if (rc != CTL_OK)
		return rc;
	*list = ctl_list(*answer, key);
	return *list ? CTL_OK : CTL_ERR;
}

int ctl_find_id(struct ctl *c, const char *arg, const char *path, const char *key,
		const char *argname, const char *what, int64_t *id)
{
	json_t *ans = NULL, *list, *o;
	size_t i;
	int rc;

	if (parse_i64(arg, 1, INT64_MAX, id))
		return CTL_OK;
	if (!ctl_text_ok(c, argname, arg, false))
		return CTL_USAGE;
	if ((rc = ctl_get_list(c, path, key, &ans, &list)) != CTL_OK)
		goto out;
	rc = CTL_ERR;
	/* Names are unique (the server enforces it). */
	json_array_foreach (list, i, o) {
		const char *name = ctl_jstr(o, "name");
		if (name && strcmp(name, arg) == 0 && ctl_jint(o, "id", id)) {
			rc = CTL_OK;
			goto out;
		}
	}
	ctl_fail("no %s named '%s'", what, arg);
out:
	json_decref(ans);
	return rc;
}
