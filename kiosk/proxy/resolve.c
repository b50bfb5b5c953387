/* resolve: a host's addresses, from proxy.hosts_file (trusted as written) or else from
 * DNS through evdns (asynchronous; /etc/hosts is not read: it names this computer). */
#include <event2/dns.h>
#include <event2/util.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"
#include "util.h"

struct resolve {
	struct proxy *px;
	resolve_cb cb;
	void *arg;
	struct evdns_getaddrinfo_request *req;
	struct event *ev; /* delivers an answer found before resolve_start returned */
	struct sockaddr_storage a[RESOLVE_MAX_ADDRS];
	int n;
	bool hosts;
	bool in_call, done, cancelled;
};

static void resolve_free(struct resolve *r)
{
	if (r->ev)
		event_free(r->ev);
	free(r);
}

static void deliver(evutil_socket_t fd, short what, void *arg)
{
	struct resolve *r = arg;
	r->cb(r->arg, r->n, r->a, r->hosts);
	resolve_free(r);
}

static void dns_cb(int result, struct evutil_addrinfo *res, void *arg)
{
	struct resolve *r = arg;
	r->req = NULL;
	if (r->cancelled) {
		if (res)
			evutil_freeaddrinfo(res);
		resolve_free(r);
		return;
	}
	if (result == 0)
		for (struct evutil_addrinfo *ai = res; ai && r->n < RESOLVE_MAX_ADDRS;
		     ai = ai->ai_next) {
			if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
			    ai->ai_addrlen > sizeof(r->a[0]))
				continue;
			memset(&r->a[r->n], 0, sizeof(r->a[0]));
			memcpy(&r->a[r->n++], ai->ai_addr, ai->ai_addrlen);
		}
	if (res)
		evutil_freeaddrinfo(res);
	if (r->in_call) {
		r->done = true;
		return;
	}
	deliver(-1, 0, r);
}

struct resolve *resolve_start(struct proxy *px, const char *host, resolve_cb cb, void *arg)
{
	struct resolve *r = xcalloc(1, sizeof(*r));
	r->px = px;
	r->cb = cb;
	r->arg = arg;
	r->n = hostsfile_lookup(&px->hf, host, r->a, RESOLVE_MAX_ADDRS);
	if (r->n > 0) {
		r->hosts = true;
		r->done = true;
	} else {
		struct evutil_addrinfo hints;
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_protocol = IPPROTO_TCP;
		r->in_call = true;
		r->req = evdns_getaddrinfo(px->dns, host, NULL, &hints, dns_cb, r);
		r->in_call = false;
	}
	if (r->done) {
		r->ev = event_new(px->base, -1, 0, deliver, r);
		event_active(r->ev, EV_TIMEOUT, 0);
	}
	return r;
}

void resolve_cancel(struct resolve *r)
{
	if (r->req) {
		/* dns_cb runs (now or later) with the cancellation and frees R */
		r->cancelled = true;
		evdns_getaddrinfo_cancel(r->req);
		return;
	}
	resolve_free(r); /* an answer not delivered yet: the event goes with it */
}
