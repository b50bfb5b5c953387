/* proxyctl: the control socket of escale-proxy, from the kiosk's network helper. */
#include "proxyctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

struct proxyctl {
	char *path;
	int fd;
	uint64_t generation;
	bool absent_said; /* "not answering" was logged: quiet until it answers again */
	char *buf;        /* the answer being read */
	size_t len;
};

struct proxyctl *proxyctl_new(const char *path)
{
	struct proxyctl *pc = xcalloc(1, sizeof(*pc));
	pc->path = xstrdup(path ? path : "");
	pc->fd = -1;
	pc->buf = xmalloc(PROXYCTL_LINE_MAX + 1);
	return pc;
}

static void disconnect(struct proxyctl *pc)
{
	if (pc->fd >= 0)
		close(pc->fd);
	pc->fd = -1;
}

void proxyctl_free(struct proxyctl *pc)
{
	if (!pc)
		return;
	disconnect(pc);
	free(pc->path);
	free(pc->buf);
	free(pc);
}

int proxyctl_fd(const struct proxyctl *pc)
{
	return pc->fd;
}

uint64_t proxyctl_generation(const struct proxyctl *pc)
{
	return pc->generation;
}

void proxyctl_readable(struct proxyctl *pc)
{
	char c;
	ssize_t r = recv(pc->fd, &c, 1, MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	log_info("escale-proxy closed its control socket (%s); it will be told the services "
		 "again when it answers",
		 r == 0  ? "stopped?"
		 : r < 0 ? strerror(errno)
			 : "spoke unasked");
	disconnect(pc);
}

/* Said once an outage, at info: the proxy is optional (demo, tests, enforce = false). */
static void absent(struct proxyctl *pc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void absent(struct proxyctl *pc, const char *fmt, ...)
{
	disconnect(pc);
	if (pc->absent_said)
		return;
	pc->absent_said = true;
	char why[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_info("escale-proxy's control socket %s: %s; carrying on without it (the kiosk's "
		 "own allowlist still applies)",
		 pc->path, why);
}

static bool connect_now(struct proxyctl *pc)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (!pc->path[0] || strlen(pc->path) >= sizeof(a.sun_path)) {
		absent(pc, "no usable path");
		return false;
	}
	memcpy(a.sun_path, pc->path, strlen(pc->path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		absent(pc, "socket: %s", strerror(errno));
		return false;
	}
	/* A Unix socket connects at once or not at all (EAGAIN: its backlog is full). */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		int e = errno;
		close(fd);
		absent(pc, "%s", strerror(e));
		return false;
	}
	pc->fd = fd;
	pc->generation++;
	if (pc->absent_said)
		log_info("escale-proxy answers on %s again", pc->path);
	pc->absent_said = false;
	return true;
}

static int left_ms(int64_t deadline)
{
	int64_t l = deadline - mono_ms();
	return l > 0 ? (int)l : 0;
}

/* 1 sent, 0 the connection was closed (the proxy restarted: try a new one), -1 failed. */
static int send_line(struct proxyctl *pc, const char *line, size_t n, int64_t deadline)
{
	size_t off = 0;
	while (off < n) {
		ssize_t w = send(pc->fd, line + off, n - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = {.fd = pc->fd, .events = POLLOUT};
			if (poll(&p, 1, left_ms(deadline)) <= 0)
				return -1;
			continue;
		}
		return off == 0 && (errno == EPIPE || errno == ECONNRESET) ? 0 : -1;
	}
	return 1;
}

/* One line into pc->buf: 1 read, 0 closed before any byte, -1 failed (timeout, too long). */
static int read_line(struct proxyctl *pc, int64_t deadline, const char **why)
{
	pc->len = 0;
	for (;;) {
		ssize_t r = recv(pc->fd, pc->buf + pc->len, PROXYCTL_LINE_MAX + 1 - pc->len,
				 MSG_DONTWAIT);
		if (r > 0) {
			char *nl = memchr(pc->buf + pc->len, '\n', (size_t)r);
			pc->len += (size_t)r;
			if (nl) {
				if ((size_t)(nl - pc->buf) + 1 != pc->len) {
					*why = "more than one line for one request";
					return -1;
				}
				*nl = '\0';
				pc->len--;
				return 1;
			}
			if (pc->len > PROXYCTL_LINE_MAX) {
				*why = "an answer longer than 256 KiB";
				return -1;
			}
			continue;
		}
		if (r == 0) {
			*why = "closed the connection";
			return pc->len == 0 ? 0 : -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			*why = strerror(errno);
			return errno == ECONNRESET && pc->len == 0 ? 0 : -1;
		}
		struct pollfd p = {.fd = pc->fd, .events = POLLIN};
		if (poll(&p, 1, left_ms(deadline)) <= 0) {
			*why = "no answer within 200 ms";
			return -1;
		}
	}
}

json_t *proxyctl_call(struct proxyctl *pc, const json_t *req)
{
	char *line = json_dumps(req, JSON_COMPACT);
	if (!line)
		return NULL;
	size_t n = strlen(line);
	if (n >= PROXYCTL_LINE_MAX) {
		log_warnx("proxy: a request of %zu bytes is too large for its control socket", n);
		free(line);
		return NULL;
	}
	line = xrealloc(line, n + 2);
	memcpy(line + n, "\n", 2);
	n++;
	int64_t deadline = mono_ms() + PROXYCTL_TIMEOUT_MS;
	json_t *ans = NULL;
	const char *why = "";
	/* A kept connection may have been closed by a proxy that restarted: once more. */
	for (int attempt = 0; attempt < 2 && !ans; attempt++) {
		bool kept = pc->fd >= 0;
		if (!kept && !connect_now(pc))
			break;
		int s = send_line(pc, line, n, deadline);
		int r = s > 0 ? read_line(pc, deadline, &why) : s;
		if (r == 0 && kept) {
			disconnect(pc);
			continue;
		}
		if (r <= 0) {
			absent(pc, "%s", s <= 0 ? "the request could not be sent" : why);
			break;
		}
		json_error_t e;
		ans = json_loadb(pc->buf, pc->len, JSON_REJECT_DUPLICATES, &e);
		if (!json_is_object(ans)) {
			log_warnx("proxy: an answer that is not a JSON object; connection dropped");
			json_decref(ans);
			ans = NULL;
			disconnect(pc);
			break;
		}
		const char *t = json_string_value(json_object_get(ans, "t"));
		if (t && strcmp(t, "error") == 0) {
			const char *msg = json_string_value(json_object_get(ans, "error"));
			log_warnx("proxy: refused a request: %s",
				  msg && strlen(msg) < 200 && utf8_valid_text(msg, strlen(msg))
					  ? msg
					  : "(no reason)");
			json_decref(ans);
			ans = NULL;
			break;
		}
	}
	free(line);
	return ans;
}

static bool is_t(const json_t *ans, const char *t)
{
	const char *v = json_string_value(json_object_get(ans, "t"));
	return v && strcmp(v, t) == 0;
}

static bool simple(struct proxyctl *pc, json_t *req)
{
	json_t *ans = req ? proxyctl_call(pc, req) : NULL;
	bool ok = ans && is_t(ans, "ok");
	if (ans && !ok)
		log_warnx("proxy: an unexpected answer to '%s'",
			  json_string_value(json_object_get(req, "t")));
	json_decref(ans);
	json_decref(req);
	return ok;
}

bool proxyctl_services(struct proxyctl *pc, const struct svc_list *l)
{
	json_t *arr = svc_list_to_json(l->s, l->n, true);
	return arr && simple(pc, json_pack("{ss so}", "t", "services", "services", arr));
}

bool proxyctl_session_start(struct proxyctl *pc)
{
	return simple(pc, json_pack("{ss}", "t", "session_start"));
}

static bool fail(char *why, size_t whylen, const char *what)
{
	snprintf(why, whylen, "%s", what);
	return false;
}

bool proxyctl_parse_session_end(const json_t *ans, json_t **ids, char *why, size_t whylen)
{
	*ids = NULL;
	const json_t *arr = json_object_get(ans, "services");
	if (!is_t(ans, "session_end") || !json_is_array(arr) || json_array_size(arr) > SVC_MAX)
		return fail(why, whylen, "not {\"t\":\"session_end\",\"services\":[...]}");
	json_t *out = json_array();
	size_t i;
	const json_t *v;
	json_array_foreach (arr, i, v) {
		const char *id = json_string_value(v);
		if (!id || strlen(id) != json_string_length(v) || !svc_id_ok(id)) {
			json_decref(out);
			return fail(why, whylen, "a service id that is not one");
		}
		bool seen = false;
		for (size_t k = 0; k < json_array_size(out); k++)
			seen |= strcmp(json_string_value(json_array_get(out, k)), id) == 0;
		if (!seen)
			json_array_append_new(out, json_string(id));
	}
	*ids = out;
	return true;
}

/* A refused host as the proxy names it: a name, an IPv4 or a bracketed IPv6 literal. */
static bool host_ok(const char *h, size_t n)
{
	if (n == 0 || n > 255 || strlen(h) != n)
		return false;
	return strspn(h, "abcdefghijklmnopqrstuvwxyz0123456789.-_:[]") == n;
}

static bool day_ok(const char *d)
{
	static const char shape[] = "dddd-dd-dd";
	if (!d || strlen(d) != 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (shape[i] == 'd' ? !(d[i] >= '0' && d[i] <= '9') : d[i] != '-')
			return false;
	int m = (d[5] - '0') * 10 + d[6] - '0', day = (d[8] - '0') * 10 + d[9] - '0';
	return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

static bool count_ok(const json_t *v, json_int_t max)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= max;
}

bool proxyctl_parse_refusals(const json_t *ans, json_t **report, char *why, size_t whylen)
{
	*report = NULL;
	const char *day = json_string_value(json_object_get(ans, "day"));
	const json_t *hosts = json_object_get(ans, "hosts"), *other = json_object_get(ans, "other");
	if (!is_t(ans, "refusals") || !day_ok(day) || !json_is_array(hosts) ||
	    json_array_size(hosts) > PROXYCTL_HOSTS_MAX || !count_ok(other, PROXYCTL_OTHER_MAX))
		return fail(why, whylen,
			    "not {\"t\":\"refusals\",\"day\":\"YYYY-MM-DD\",\"hosts\":[at most "
			    "256],\"other\":N}");
	json_t *out = json_array();
	json_int_t rest = json_integer_value(other);
	size_t i;
	const json_t *h;
	json_array_foreach (hosts, i, h) {
		const json_t *name = json_object_get(h, "host"),
			     *svc = json_object_get(h, "service");
		const char *host = json_string_value(name), *id = json_string_value(svc);
		bool ok = json_is_object(h) && host && host_ok(host, json_string_length(name)) &&
			  (json_is_null(svc) || (id && svc_id_ok(id))) &&
			  count_ok(json_object_get(h, "count"), PROXYCTL_COUNT_MAX);
		for (size_t k = 0; ok && k < json_array_size(out); k++) {
			const json_t *o = json_array_get(out, k);
			ok = strcmp(json_string_value(json_object_get(o, "host")), host) != 0 ||
			     !json_equal(json_object_get(o, "service"), (json_t *)svc);
		}
		if (!ok) {
			json_decref(out);
			return fail(why, whylen, "a refused host out of shape, or named twice");
		}
		/* admind lists DNS names that were refused: an IP literal or a name it would
		 * not take counts with the others, and so does a count of 0. */
		json_int_t count = json_integer_value(json_object_get(h, "count"));
		if (!svc_host_ok(host) || count == 0) {
			rest += count;
			continue;
		}
		json_array_append_new(
			out, json_pack("{ss sO sI}", "host", host, "service", svc, "count", count));
	}
	*report = json_pack("{ss so sI}", "day", day, "hosts", out, "other", rest);
	return *report != NULL;
}

/* Asks T and checks its answer with PARSE into *OUT. */
static bool ask(struct proxyctl *pc, const char *t,
		bool (*parse)(const json_t *, json_t **, char *, size_t), json_t **out)
{
	*out = NULL;
	json_t *req = json_pack("{ss}", "t", t);
	json_t *ans = proxyctl_call(pc, req);
	json_decref(req);
	char why[200];
	bool ok = ans && parse(ans, out, why, sizeof(why));
	if (ans && !ok)
		log_warnx("proxy: %s: %s", t, why);
	json_decref(ans);
	return ok;
}

bool proxyctl_session_end(struct proxyctl *pc, json_t **ids)
{
	return ask(pc, "session_end", proxyctl_parse_session_end, ids);
}

bool proxyctl_refusals(struct proxyctl *pc, json_t **report)
{
	return ask(pc, "refusals", proxyctl_parse_refusals, report);
}
