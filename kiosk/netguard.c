/* netguard: is the browser's network closed but for the proxy, and does the proxy answer
 * (see netguard.h)? */
#include "netguard.h"

#include <errno.h>
#include <jansson.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"
#include "util.h"

/* Where the browser user's probes go when admind's name does not resolve: TEST-NET-1
 * (RFC 5737), an address nothing answers, reached through the default route. */
#define NG_FALLBACK_ADDR "192.0.2.1"

/* ---- the pure parts ---- */

static bool tcp_refused(int e)
{
	return e == EHOSTUNREACH || e == ENETUNREACH || e == EACCES || e == EPERM ||
	       e == ECONNREFUSED;
}

static bool udp_refused(int e)
{
	return e == EPERM || e == EACCES || e == ENETUNREACH || e == EHOSTUNREACH;
}

enum ng_state netguard_verdict(const struct ng_probe *p)
{
	if (!p->control_ok)
		return NG_NO_CONTROL;
	if (!p->listen_ok)
		return NG_NO_LISTEN;
	if (p->tcp_proxy != 0)
		return NG_BLOCKED;
	if (!tcp_refused(p->tcp_out))
		return NG_OPEN_TCP;
	if (!udp_refused(p->udp_out))
		return NG_OPEN_UDP;
	return NG_OK;
}

bool netguard_status_ok(const char *line, size_t n)
{
	if (n == 0 || n > NG_REPLY_MAX || memchr(line, '\0', n) || memchr(line, '\n', n))
		return false;
	json_error_t e;
	json_t *j = json_loadb(line, n, JSON_REJECT_DUPLICATES, &e);
	bool ok = json_is_object(j) && json_is_string(json_object_get(j, "t")) &&
		  strcmp(json_string_value(json_object_get(j, "t")), "status") == 0;
	json_decref(j);
	return ok;
}

bool netguard_url_host(const char *url, char *host, size_t hn, int *port)
{
	const char *p;
	if (strncmp(url, "https://", 8) == 0) {
		p = url + 8;
		*port = 443;
	} else if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
		*port = 80;
	} else {
		return false;
	}
	size_t alen = strcspn(p, "/?#"); /* the authority */
	const char *end = p + alen, *h = p, *colon;
	size_t hlen;
	if (memchr(p, '@', alen))
		return false;
	if (*p == '[') {
		const char *rb = memchr(p, ']', alen);
		if (!rb)
			return false;
		h = p + 1;
		hlen = (size_t)(rb - h);
		colon = rb + 1 < end ? rb + 1 : NULL;
		if (colon && *colon != ':')
			return false;
	} else {
		colon = memchr(p, ':', alen);
		hlen = colon ? (size_t)(colon - p) : alen;
	}
	if (hlen == 0 || hlen >= hn)
		return false;
	if (colon) {
		char digits[8];
		size_t dlen = (size_t)(end - colon - 1);
		int64_t v;
		if (dlen == 0 || dlen >= sizeof(digits))
			return false;
		memcpy(digits, colon + 1, dlen);
		digits[dlen] = '\0';
		if (!parse_i64(digits, 1, 65535, &v))
			return false;
		*port = (int)v;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	return true;
}

const char *netguard_word(enum ng_state s)
{
	switch (s) {
	case NG_CHECKING:
		return "checking";
	case NG_OK:
		return "ok";
	case NG_NO_CONTROL:
	case NG_NO_LISTEN:
		return "no_proxy";
	case NG_BLOCKED:
		return "blocked";
	case NG_OPEN_TCP:
	case NG_OPEN_UDP:
		return "open";
	case NG_ERROR:
		return "error";
	case NG_OFF:
		break;
	}
	return "off";
}

const char *netguard_why(enum ng_state s)
{
	switch (s) {
	case NG_CHECKING:
		return "not checked yet";
	case NG_OK:
		return "the browser's network is closed but for escale-proxy, which answers";
	case NG_NO_CONTROL:
		return "escale-proxy does not answer on proxy.control: start it (systemctl start "
		       "escale-proxy) or fix proxy.control";
	case NG_NO_LISTEN:
		return "escale-proxy answers on proxy.control but not on proxy.listen: check that "
		       "both name the same proxy";
	case NG_BLOCKED:
		return "the browser's user cannot reach escale-proxy on proxy.listen: reload the "
		       "rules (systemctl reload escale-nftables)";
	case NG_OPEN_TCP:
		return "a TCP connection of the browser's user to admind was not refused: the "
		       "firewall is missing; systemctl start escale-nftables";
	case NG_OPEN_UDP:
		return "a UDP packet of the browser's user went out: the firewall is missing; "
		       "systemctl start escale-nftables";
	case NG_ERROR:
		return "the check could not run (see the lines before)";
	case NG_OFF:
		break;
	}
	return "not checked (proxy.enforce = false)";
}

bool netguard_closed(enum ng_state s)
{
	return s != NG_OK && s != NG_OFF;
}

/* ---- the check, in a child ---- */

/* Waits for FD to become writable (a connection in progress) at most NG_CONNECT_MS: 0 when
 * it connected, its errno, or NG_TIMED_OUT. */
static int connect_result(int fd, const struct sockaddr *sa, socklen_t len)
{
	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	struct pollfd pfd = {fd, POLLOUT, 0};
	int n;
	do
		n = poll(&pfd, 1, NG_CONNECT_MS);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return NG_TIMED_OUT;
	int e = 0;
	socklen_t el = sizeof(e);
	if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
		return errno;
	return e;
}

static int try_connect(const struct sockaddr *sa, socklen_t len, int type)
{
	int fd = socket(sa->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	int r;
	if (type == SOCK_DGRAM) {
		/* The firewall refuses the send; without it the datagram goes out (whatever
		 * answers later). */
		r = connect(fd, sa, len) == 0 && send(fd, "escale", 6, MSG_NOSIGNAL) == 6 ? 0
											  : errno;
	} else {
		r = connect_result(fd, sa, len);
	}
	close(fd);
	return r;
}

/* The proxy's control socket answers {"t":"status"} with a status line. */
static bool ask_status(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return false;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	static const char req[] = "{\"t\":\"status\"}\n";
	char buf[NG_REPLY_MAX + 1];
	size_t got = 0;
	bool ok = connect_result(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		  send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof(req) - 1);
	int64_t until = mono_ms() + NG_CONNECT_MS;
	char *nl = NULL;
	while (ok && !nl && got < sizeof(buf)) {
		struct pollfd pfd = {fd, POLLIN, 0};
		int64_t left = until - mono_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		ssize_t r = read(fd, buf + got, sizeof(buf) - got);
		if (r <= 0 && !(r < 0 && (errno == EAGAIN || errno == EINTR)))
			break;
		if (r > 0) {
			nl = memchr(buf + got, '\n', (size_t)r);
			got += (size_t)r;
		}
	}
	close(fd);
	if (!nl)
		log_debug("proxy.control %s: no status line within %d ms", path, NG_CONNECT_MS);
	return nl && netguard_status_ok(buf, (size_t)(nl - buf));
}

static bool resolve(const char *host, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	char p[8];
	snprintf(p, sizeof(p), "%d", port);
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	if (getaddrinfo(host, p, &hints, &res) != 0 || !res)
		return false;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return true;
}

static __attribute__((noreturn)) void check_child(const struct kiosk_cfg *cfg, bool drop, uid_t uid,
						  gid_t gid)
{
	struct ng_probe p = {.tcp_out = 0, .udp_out = 0, .tcp_proxy = NG_TIMED_OUT};
	struct sockaddr_storage proxy, out;
	socklen_t plen, olen;
	p.control_ok = ask_status(cfg->proxy_control);
	p.listen_ok = p.control_ok &&
		      resolve(cfg->proxy_listen_host, cfg->proxy_listen_port, &proxy, &plen) &&
		      try_connect((struct sockaddr *)&proxy, plen, SOCK_STREAM) == 0;
	if (!p.control_ok || !p.listen_ok)
		_exit(netguard_verdict(&p));
	/* Resolved here, as the kiosk: the browser's user has no DNS. */
	char host[256];
	int port;
	if (!netguard_url_host(cfg->admin_url, host, sizeof(host), &port) ||
	    !resolve(host, port, &out, &olen)) {
		log_debug("admin.url's host does not resolve: probing %s", NG_FALLBACK_ADDR);
		if (!resolve(NG_FALLBACK_ADDR, 443, &out, &olen))
			_exit(NG_ERROR);
	}
	if (drop ? !priv_drop(uid, gid) : !priv_caps_clear()) {
		log_warnx("cannot become the browser's user for the network check");
		_exit(NG_ERROR);
	}
	p.tcp_out = try_connect((struct sockaddr *)&out, olen, SOCK_STREAM);
	p.udp_out = try_connect((struct sockaddr *)&out, olen, SOCK_DGRAM);
	p.tcp_proxy = try_connect((struct sockaddr *)&proxy, plen, SOCK_STREAM);
	log_debug("network check: tcp out %d, udp out %d, tcp to the proxy %d", p.tcp_out,
		  p.udp_out, p.tcp_proxy);
	_exit(netguard_verdict(&p));
}

static pid_t check_fork(const struct kiosk_cfg *cfg, bool drop, uid_t uid, gid_t gid)
{
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("fork");
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		check_child(cfg, drop, uid, gid);
	}
	return pid;
}

static enum ng_state state_of(int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) >= NG_OK && WEXITSTATUS(st) <= NG_ERROR)
		return (enum ng_state)WEXITSTATUS(st);
	return NG_ERROR;
}

void netguard_init(struct netguard *g, bool enforce)
{
	memset(g, 0, sizeof(*g));
	g->enforce = enforce;
	g->pidfd = -1;
	g->state = enforce ? NG_CHECKING : NG_OFF;
}

bool netguard_start(struct netguard *g, const struct kiosk_cfg *cfg, bool drop, uid_t uid,
		    gid_t gid)
{
	if (!g->enforce)
		return false;
	if (g->pid > 0)
		return true;
	g->at_ms = mono_ms();
	g->next_ms = g->at_ms + NG_INTERVAL_MS;
	pid_t pid = check_fork(cfg, drop, uid, gid);
	if (pid < 0) {
		g->state = NG_ERROR;
		return false;
	}
	g->pid = pid;
	g->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (g->pidfd < 0) {
		log_warn("pidfd_open");
		netguard_stop(g);
		g->state = NG_ERROR;
		return false;
	}
	return true;
}

enum ng_state netguard_done(struct netguard *g, int64_t now_ms)
{
	if (g->pid <= 0)
		return g->state;
	int st = 0;
	pid_t r;
	do
		r = waitpid(g->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		if (now_ms - g->at_ms < NG_TIMEOUT_MS)
			return g->state; /* not yet */
		log_warnx("the network check took more than %d ms: stopped", NG_TIMEOUT_MS);
		netguard_stop(g);
		g->state = NG_ERROR;
		return g->state;
	}
	if (g->pidfd >= 0)
		close(g->pidfd);
	g->pidfd = -1;
	g->pid = 0;
	g->state = r > 0 ? state_of(st) : NG_ERROR;
	return g->state;
}

void netguard_stop(struct netguard *g)
{
	if (g->pid > 0) {
		kill(g->pid, SIGKILL);
		while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (g->pidfd >= 0)
		close(g->pidfd);
	g->pidfd = -1;
	g->pid = 0;
}

enum ng_state netguard_check_now(const struct kiosk_cfg *cfg, bool drop, uid_t uid, gid_t gid)
{
	pid_t pid = check_fork(cfg, drop, uid, gid);
	if (pid < 0)
		return NG_ERROR;
	int st = 0;
	pid_t r;
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	return r == pid ? state_of(st) : NG_ERROR;
}
