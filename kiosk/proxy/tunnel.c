/* tunnel: one client connection of escale-proxy: read the request head, decide, resolve,
 * connect, then splice bytes both ways through a pipe per direction (zero copy). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "proxy.h"
#include "reqparse.h"
#include "util.h"

#define SPLICE_CHUNK (1024 * 1024)
/* A pipe starts at the kernel's 64 KiB; one that has carried BIG_AFTER bytes grows to
 * BIG_PIPE (fewer system calls for a download). The kernel counts pipe pages per user
 * (fs.pipe-user-pages-soft): when over, F_SETPIPE_SZ fails and the pipe stays small. */
#define BIG_AFTER      (4 * 1024 * 1024)
#define BIG_PIPE       (1024 * 1024)
#define LINGER_SECONDS 2 /* after an error answer: read what the client still sends */

enum phase { PH_HEAD, PH_RESOLVE, PH_CONNECT, PH_TUNNEL, PH_LINGER };

/* One direction of the tunnel: SRC -> pipe -> DST, after PREFIX is written to DST. */
struct dir {
	int src, dst;
	int pipe[2];
	size_t in_pipe;
	bool eof;  /* SRC said end of file */
	bool done; /* and all of it was written; DST shut for writing */
	char *prefix;
	size_t prefix_len, prefix_off;
	bool discard; /* GET: the client's further bytes are read and dropped */
	uint64_t moved;
	bool grown;
};

struct conn {
	struct proxy *px;
	struct conn *prev, *next;
	int cfd, sfd;
	enum phase ph;
	struct event *c_read, *c_write, *s_read, *s_write, *timer;
	char *head; /* REQ_HEAD_MAX bytes (not zeroed: only what is read is resident), freed
		       once the tunnel starts */
	size_t hlen;
	struct req req;
	char svc[DECIDE_ID_MAX + 1];
	struct resolve *res;
	struct sockaddr_storage addrs[RESOLVE_MAX_ADDRS];
	int n_addrs, next_addr;
	struct dir cs, sc;
	int64_t last_ms;
};

static void conn_free(struct conn *c)
{
	if (c->res)
		resolve_cancel(c->res);
	struct event *evs[] = {c->c_read, c->c_write, c->s_read, c->s_write, c->timer};
	for (size_t i = 0; i < ARRAY_LEN(evs); i++)
		if (evs[i])
			event_free(evs[i]);
	struct dir *ds[] = {&c->cs, &c->sc};
	for (size_t i = 0; i < 2; i++) {
		for (int k = 0; k < 2; k++)
			if (ds[i]->pipe[k] >= 0)
				close(ds[i]->pipe[k]);
		free(ds[i]->prefix);
	}
	free(c->head);
	if (c->sfd >= 0)
		close(c->sfd);
	if (c->cfd >= 0)
		close(c->cfd);
	c->px->n_conns--;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->px->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
}

static void arm_timer(struct conn *c, int64_t seconds)
{
	struct timeval tv = {.tv_sec = (time_t)seconds, .tv_usec = 0};
	evtimer_add(c->timer, &tv);
}

/* Sends a short answer (it fits the empty socket buffer), then reads what the client
 * still sends for a while, so that closing does not reset the connection before the
 * client read the answer. */
static void answer_and_linger(struct conn *c, const char *status, const char *body)
{
	char *msg = xasprintf("HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
			      "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			      status, strlen(body), body);
	ssize_t w = send(c->cfd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)w;
	free(msg);
	shutdown(c->cfd, SHUT_WR);
	if (c->res) {
		resolve_cancel(c->res);
		c->res = NULL;
	}
	if (c->sfd >= 0) {
		event_free(c->s_read);
		event_free(c->s_write);
		c->s_read = c->s_write = NULL;
		close(c->sfd);
		c->sfd = -1;
	}
	event_del(c->c_write);
	c->ph = PH_LINGER;
	event_add(c->c_read, NULL);
	arm_timer(c, LINGER_SECONDS);
}

static void refuse(struct conn *c, const char *shown_host, bool countable, enum refusal why,
		   const char *guess)
{
	proxy_refused(c->px, shown_host, countable, why, guess);
	char *body = xasprintf("escale-proxy: refused %s: %s\n", shown_host, decide_reason(why));
	answer_and_linger(c, "403 Forbidden", body);
	free(body);
}

/* The service a GET's Referer names, or NULL. */
static const char *referer_service(struct conn *c)
{
	char rh[DECIDE_HOST_MAX + 1];
	if (!c->req.referer_len || !req_url_host(c->head + c->req.referer, c->req.referer_len, rh))
		return NULL;
	int i = allow_match(&c->px->al, rh, false);
	return i >= 0 ? c->px->al.sv[i].id : NULL;
}

/* What the refusal of a request is put down to: the page's service (GET's Referer), or
 * the service last reached in this session (CONNECT), or none. */
static const char *guess(struct conn *c)
{
	if (!c->req.connect)
		return referer_service(c);
	return c->px->st.last[0] ? c->px->st.last : NULL;
}

/* --- the tunnel ------------------------------------------------------------------ */

static void tunnel_pump(struct conn *c);

/* Moves what it can one way; false on an error (the connection ends). */
static bool dir_pump(struct conn *c, struct dir *d, bool *want_src, bool *want_dst)
{
	*want_src = *want_dst = false;
	for (;;) {
		if (d->done)
			return true;
		if (d->prefix_off < d->prefix_len) {
			ssize_t w =
				send(d->dst, d->prefix + d->prefix_off,
				     d->prefix_len - d->prefix_off, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
				*want_dst = true;
				return true;
			}
			if (w < 0)
				return false;
			d->prefix_off += (size_t)w;
			c->last_ms = mono_ms();
			continue;
		}
		if (d->in_pipe > 0) {
			ssize_t n = splice(d->pipe[0], NULL, d->dst, NULL, d->in_pipe,
					   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				*want_dst = true;
				return true;
			}
			if (n <= 0)
				return false;
			d->in_pipe -= (size_t)n;
			c->last_ms = mono_ms();
			continue;
		}
		if (d->eof) {
			shutdown(d->dst, SHUT_WR);
			d->done = true;
			return true;
		}
		if (d->discard) {
			char junk[4096];
			ssize_t n = recv(d->src, junk, sizeof(junk), MSG_DONTWAIT);
			if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				*want_src = true;
				return true;
			}
			if (n <= 0)
				return false; /* a GET client that closes: the answer is not wanted */
			continue;
		}
		ssize_t n = splice(d->src, NULL, d->pipe[1], NULL, SPLICE_CHUNK,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			*want_src = true;
			return true;
		}
		if (n < 0)
			return false;
		if (n == 0) {
			d->eof = true;
		} else {
			d->in_pipe += (size_t)n;
			d->moved += (uint64_t)n;
			if (!d->grown && d->moved >= BIG_AFTER) {
				d->grown = true;
				(void)fcntl(d->pipe[1], F_SETPIPE_SZ, BIG_PIPE);
			}
		}
	}
}

static void set_event(struct event *ev, bool on)
{
	if (on)
		event_add(ev, NULL);
	else
		event_del(ev);
}

static void tunnel_pump(struct conn *c)
{
	bool cs_src, cs_dst, sc_src, sc_dst;
	if (!dir_pump(c, &c->cs, &cs_src, &cs_dst) || !dir_pump(c, &c->sc, &sc_src, &sc_dst)) {
		conn_free(c);
		return;
	}
	if (c->cs.done && c->sc.done) {
		conn_free(c);
		return;
	}
	set_event(c->c_read, cs_src);
	set_event(c->s_write, cs_dst);
	set_event(c->s_read, sc_src);
	set_event(c->c_write, sc_dst);
}

static void tunnel_start(struct conn *c)
{
	if (pipe2(c->cs.pipe, O_NONBLOCK | O_CLOEXEC) != 0 ||
	    pipe2(c->sc.pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		log_warn("pipe");
		answer_and_linger(c, "503 Service Unavailable",
				  "escale-proxy: too busy, try again later\n");
		return;
	}
	c->cs.src = c->cfd;
	c->cs.dst = c->sfd;
	c->sc.src = c->sfd;
	c->sc.dst = c->cfd;
	size_t extra = c->hlen - c->req.head_len;
	if (c->req.connect) {
		static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
		c->sc.prefix = xstrdup(ok);
		c->sc.prefix_len = sizeof(ok) - 1;
		if (extra) { /* the client did not wait for the 200 */
			c->cs.prefix = xmalloc(extra);
			memcpy(c->cs.prefix, c->head + c->req.head_len, extra);
			c->cs.prefix_len = extra;
		}
	} else {
		/* GET: the head in origin form, one request, the server closes after it */
		const char *path = c->head + c->req.path;
		size_t pl = c->req.path_len;
		size_t cap = c->req.head_len + DECIDE_HOST_MAX + 64;
		char *h = xmalloc(cap);
		int n = snprintf(h, cap, "GET %s%.*s HTTP/1.1\r\nHost: %s\r\n",
				 (pl && path[0] == '/') ? "" : "/", (int)pl, path, c->req.host);
		size_t len = (size_t)n;
		for (int i = 0; i < c->req.n_headers; i++) {
			const struct req_header *rh = &c->req.h[i];
			static const char *const drop[] = {"host",
							   "connection",
							   "proxy-connection",
							   "proxy-authorization",
							   "keep-alive",
							   "upgrade",
							   "te",
							   NULL};
			bool skip = false;
			for (int k = 0; drop[k]; k++)
				skip = skip || req_header_is(c->head, rh, drop[k]);
			if (skip)
				continue;
			size_t ln = rh->value + rh->value_len - rh->name;
			memcpy(h + len, c->head + rh->name, ln);
			len += ln;
			memcpy(h + len, "\r\n", 2);
			len += 2;
		}
		memcpy(h + len, "Connection: close\r\n\r\n", 21);
		len += 21;
		c->cs.prefix = h;
		c->cs.prefix_len = len;
		c->cs.discard = true;
	}
	free(c->head);
	c->head = NULL;
	c->ph = PH_TUNNEL;
	c->last_ms = mono_ms();
	arm_timer(c, c->px->cfg.proxy_idle_seconds);
	tunnel_pump(c);
}

/* --- connecting ------------------------------------------------------------------- */

static void try_connect(struct conn *c);
static void on_server(evutil_socket_t fd, short what, void *arg);

static void connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (getsockopt(c->sfd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err) {
		event_free(c->s_read);
		event_free(c->s_write);
		c->s_read = c->s_write = NULL;
		close(c->sfd);
		c->sfd = -1;
		try_connect(c);
		return;
	}
	int one = 1;
	setsockopt(c->sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	event_del(c->s_write);
	/* the service reached: counted once the site answered */
	stats_reached(&c->px->st, c->svc);
	tunnel_start(c);
}

static void try_connect(struct conn *c)
{
	while (c->next_addr < c->n_addrs) {
		struct sockaddr_storage *a = &c->addrs[c->next_addr++];
		socklen_t alen = a->ss_family == AF_INET ? sizeof(struct sockaddr_in)
							 : sizeof(struct sockaddr_in6);
		((struct sockaddr_in *)a)->sin_port = htons(c->req.connect ? 443 : 80);
		int fd = socket(a->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			log_warn("socket");
			break;
		}
		if (connect(fd, (struct sockaddr *)a, alen) != 0 && errno != EINPROGRESS) {
			close(fd);
			continue;
		}
		c->sfd = fd;
		break;
	}
	if (c->sfd < 0) {
		char *body = xasprintf("escale-proxy: %s: %s\n", c->req.host,
				       decide_reason(REFUSE_UNREACHABLE));
		answer_and_linger(c, "502 Bad Gateway", body);
		free(body);
		return;
	}
	/* the events of the server socket, now that there is one */
	if (c->s_read)
		event_free(c->s_read);
	if (c->s_write)
		event_free(c->s_write);
	c->s_read = event_new(c->px->base, c->sfd, EV_READ | EV_PERSIST, on_server, c);
	c->s_write = event_new(c->px->base, c->sfd, EV_WRITE | EV_PERSIST, on_server, c);
	event_add(c->s_write, NULL);
}

static void resolved(void *arg, int n, const struct sockaddr_storage *addrs, bool from_hosts)
{
	struct conn *c = arg;
	c->res = NULL;
	if (n == 0) {
		refuse(c, c->req.host, true, REFUSE_NO_ADDRESS, guess(c));
		return;
	}
	/* The allowlist may have changed while resolving: decide again. */
	int i = allow_match(&c->px->al, c->req.host, !c->req.connect);
	if (i < 0) {
		refuse(c, c->req.host, true, REFUSE_NOT_ALLOWED, guess(c));
		return;
	}
	bool intranet = c->px->al.sv[i].intranet;
	if (!from_hosts && !intranet)
		for (int k = 0; k < n; k++)
			if (!decide_addr_public((const struct sockaddr *)&addrs[k])) {
				refuse(c, c->req.host, true, REFUSE_PRIVATE, guess(c));
				return;
			}
	memcpy(c->addrs, addrs, (size_t)n * sizeof(addrs[0]));
	c->n_addrs = n;
	c->ph = PH_CONNECT;
	arm_timer(c, c->px->cfg.proxy_connect_seconds);
	try_connect(c);
}

/* --- the request -------------------------------------------------------------------- */

static void decide(struct conn *c)
{
	struct proxy *px = c->px;
	enum req_status st = req_parse(c->head, c->hlen, &c->req);
	switch (st) {
	case REQ_MORE:
		return;
	case REQ_BAD:
		answer_and_linger(c, "400 Bad Request", "escale-proxy: malformed request\n");
		return;
	case REQ_TOO_LARGE:
		answer_and_linger(c, "431 Request Header Fields Too Large",
				  "escale-proxy: request head over 16 KiB\n");
		return;
	case REQ_METHOD:
		answer_and_linger(c, "405 Method Not Allowed",
				  "escale-proxy: only CONNECT host:443 and GET http://...\n");
		return;
	case REQ_REFUSED:
		refuse(c, c->req.raw_host, false, c->req.refusal, NULL);
		return;
	case REQ_OK:
		break;
	}
	event_del(c->c_read);
	int i = allow_match(&px->al, c->req.host, false);
	if (i < 0) {
		refuse(c, c->req.host, true, REFUSE_NOT_ALLOWED, guess(c));
		return;
	}
	if (!c->req.connect) {
		int h = allow_match(&px->al, c->req.host, true);
		if (h < 0) {
			refuse(c, c->req.host, false, REFUSE_NOT_HTTP, NULL);
			return;
		}
		i = h;
		/* the page's own service, when it covers this host too */
		const char *rs = referer_service(c);
		for (int k = 0; rs && k < px->al.n; k++)
			if (strcmp(px->al.sv[k].id, rs) == 0 && px->al.sv[k].http)
				for (int j = 0; j < px->al.sv[k].n_domains; j++)
					if (allow_domain_covers(px->al.sv[k].domains[j],
								c->req.host))
						i = k;
	}
	snprintf(c->svc, sizeof(c->svc), "%s", px->al.sv[i].id);
	c->ph = PH_RESOLVE;
	arm_timer(c, px->cfg.proxy_dns_seconds);
	c->res = resolve_start(px, c->req.host, resolved, c);
}

static void on_client(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	if (c->ph == PH_TUNNEL) {
		tunnel_pump(c);
		return;
	}
	if (c->ph == PH_LINGER) {
		char junk[4096];
		ssize_t n = recv(fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			conn_free(c);
		return;
	}
	if (c->ph != PH_HEAD)
		return;
	ssize_t n = recv(fd, c->head + c->hlen, REQ_HEAD_MAX - c->hlen, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_free(c);
		return;
	}
	c->hlen += (size_t)n;
	decide(c);
}

static void on_server(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	if (c->ph == PH_CONNECT)
		connected(c);
	else if (c->ph == PH_TUNNEL)
		tunnel_pump(c);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	switch (c->ph) {
	case PH_HEAD:
		answer_and_linger(c, "408 Request Timeout",
				  "escale-proxy: no complete request in time\n");
		return;
	case PH_RESOLVE:
		refuse(c, c->req.host, false, REFUSE_NO_ADDRESS, NULL);
		return;
	case PH_CONNECT:
		answer_and_linger(c, "504 Gateway Timeout",
				  "escale-proxy: the site did not answer in time\n");
		return;
	case PH_TUNNEL: {
		int64_t idle_ms = mono_ms() - c->last_ms;
		int64_t limit = c->px->cfg.proxy_idle_seconds * 1000;
		if (idle_ms >= limit) {
			conn_free(c);
			return;
		}
		struct timeval tv = {.tv_sec = (time_t)((limit - idle_ms) / 1000),
				     .tv_usec = (suseconds_t)((limit - idle_ms) % 1000) * 1000};
		evtimer_add(c->timer, &tv);
		return;
	}
	case PH_LINGER:
		conn_free(c);
		return;
	}
}

void tunnel_accept(struct proxy *px, int fd)
{
	if (px->n_conns >= px->cfg.proxy_max_connections) {
		char junk[4096];
		ssize_t r = recv(fd, junk, sizeof(junk), MSG_DONTWAIT);
		(void)r;
		static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
					   "Content-Type: text/plain; charset=utf-8\r\n"
					   "Content-Length: 40\r\nConnection: close\r\n\r\n"
					   "escale-proxy: too busy, try again later\n";
		ssize_t w = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		(void)w;
		shutdown(fd, SHUT_WR);
		close(fd);
		log_warnx("over %lld connections: one answered 503",
			  (long long)px->cfg.proxy_max_connections);
		return;
	}
	struct conn *c = xcalloc(1, sizeof(*c));
	c->px = px;
	c->cfd = fd;
	c->sfd = -1;
	c->head = xmalloc(REQ_HEAD_MAX);
	c->cs.pipe[0] = c->cs.pipe[1] = c->sc.pipe[0] = c->sc.pipe[1] = -1;
	px->n_conns++;
	c->next = px->conns;
	if (c->next)
		c->next->prev = c;
	px->conns = c;
	evutil_make_socket_nonblocking(fd);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->c_read = event_new(px->base, fd, EV_READ | EV_PERSIST, on_client, c);
	c->c_write = event_new(px->base, fd, EV_WRITE | EV_PERSIST, on_client, c);
	c->timer = evtimer_new(px->base, on_timer, c);
	c->ph = PH_HEAD;
	arm_timer(c, px->cfg.proxy_header_seconds);
	event_add(c->c_read, NULL);
}

void tunnel_close_all(struct proxy *px)
{
	while (px->conns)
		conn_free(px->conns);
}
