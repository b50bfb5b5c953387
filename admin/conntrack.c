/* conntrack: every open connection, to shed the idle and the slow ones first. */
#include "conntrack.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "util.h"

/* libmicrohttpd's idle timeout starts again with every byte: a client that
 * sends a header line now and then holds its connection for ever, and a
 * per-address limit then refuses the desk and the kiosks behind the same
 * NAT (issue 16). Here each connection is known from its start: when an
 * address or the server is full, the connection idle the longest (or never
 * done with its headers) makes room for the new one; and a request must be
 * answered within a deadline of its connection going idle. A connection is
 * cut with shutdown(2): libmicrohttpd then reads its end and closes it. Its
 * descriptor stays valid while it is listed here, since libmicrohttpd tells
 * us it is closing (under our lock) before it closes it. */

#define ADDR_BUCKETS 4096
/* A refused address is logged once, then counted for this long. */
#define REFUSAL_PERIOD_MS (60 * 1000)

struct conn {
	struct conn *prev, *next; /* oldest idle first; busy ones keep their place */
	struct addr *addr;
	int fd;
	enum { IDLE, READING, ANSWERING } state;
	bool cut; /* shut down, waiting for libmicrohttpd to close it */
	int64_t idle_ms;
};

struct addr {
	struct addr *next;
	char text[INET6_ADDRSTRLEN];
	size_t open;
	int64_t refused, refused_since_ms; /* refusals counted in this period */
};

struct conntrack {
	pthread_mutex_t mu;
	size_t per_addr, total, count;
	int64_t deadline_ms;
	struct conn *head, *tail;
	struct addr *buckets[ADDR_BUCKETS];
};

struct conntrack *conntrack_new(size_t per_addr, size_t total, int64_t deadline_ms)
{
	struct conntrack *ct = xcalloc(1, sizeof(*ct));
	pthread_mutex_init(&ct->mu, NULL);
	ct->per_addr = per_addr;
	ct->total = total;
	ct->deadline_ms = deadline_ms;
	return ct;
}

void conntrack_free(struct conntrack *ct)
{
	if (!ct)
		return;
	for (struct conn *c = ct->head, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	for (size_t i = 0; i < ADDR_BUCKETS; i++)
		for (struct addr *a = ct->buckets[i], *n; a; a = n) {
			n = a->next;
			free(a);
		}
	pthread_mutex_destroy(&ct->mu);
	free(ct);
}

static size_t addr_bucket(const char *text)
{
	size_t h = 5381;
	for (; *text; text++)
		h = h * 33 + (unsigned char)*text;
	return h % ADDR_BUCKETS;
}

static struct addr *addr_get(struct conntrack *ct, const char *text)
{
	size_t b = addr_bucket(text);
	for (struct addr *a = ct->buckets[b]; a; a = a->next)
		if (strcmp(a->text, text) == 0)
			return a;
	struct addr *a = xcalloc(1, sizeof(*a));
	snprintf(a->text, sizeof(a->text), "%s", text);
	a->next = ct->buckets[b];
	ct->buckets[b] = a;
	return a;
}

/* Forgets A once nothing of it is left to count. */
static void addr_put(struct conntrack *ct, struct addr *a)
{
	if (a->open || a->refused)
		return;
	for (struct addr **p = &ct->buckets[addr_bucket(a->text)]; *p; p = &(*p)->next)
		if (*p == a) {
			*p = a->next;
			free(a);
			return;
		}
}

static void list_remove(struct conntrack *ct, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		ct->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		ct->tail = c->prev;
	c->prev = c->next = NULL;
}

static void list_append(struct conntrack *ct, struct conn *c)
{
	c->prev = ct->tail;
	c->next = NULL;
	if (ct->tail)
		ct->tail->next = c;
	else
		ct->head = c;
	ct->tail = c;
}

static void cut(struct conn *c)
{
	c->cut = true;
	shutdown(c->fd, SHUT_RDWR);
}

/* The connection idle the longest, of address A (or of any when NULL). */
static struct conn *oldest_idle(struct conntrack *ct, const struct addr *a)
{
	for (struct conn *c = ct->head; c; c = c->next)
		if (c->state == IDLE && !c->cut && (!a || c->addr == a))
			return c;
	return NULL;
}

static void refused(struct addr *a, const char *why, size_t limit, int64_t now)
{
	if (a->refused++ == 0) {
		a->refused_since_ms = now;
		log_warnx("refusing connections from %s: %s (%zu), none idle; counting them for "
			  "%d s",
			  a->text, why, limit, REFUSAL_PERIOD_MS / 1000);
	}
}

static void client_address(struct MHD_Connection *conn, char *out, size_t len)
{
	snprintf(out, len, "?");
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
			  (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)len);
}

static void started(struct conntrack *ct, struct MHD_Connection *conn, void **socket_context)
{
	const union MHD_ConnectionInfo *fi =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	char text[INET6_ADDRSTRLEN];
	client_address(conn, text, sizeof(text));
	struct conn *c = xcalloc(1, sizeof(*c));
	c->fd = fi ? fi->connect_fd : -1;
	int64_t now = mono_ms();
	c->idle_ms = now;
	pthread_mutex_lock(&ct->mu);
	c->addr = addr_get(ct, text);
	bool room = true;
	if (ct->per_addr && c->addr->open >= ct->per_addr) {
		struct conn *old = oldest_idle(ct, c->addr);
		if (old)
			cut(old);
		else {
			refused(c->addr, "its connections are all busy", ct->per_addr, now);
			room = false;
		}
	}
	if (room && ct->total && ct->count >= ct->total) {
		struct conn *old = oldest_idle(ct, NULL);
		if (old)
			cut(old);
		else {
			refused(c->addr, "the server's connections are all busy", ct->total, now);
			room = false;
		}
	}
	c->addr->open++;
	ct->count++;
	list_append(ct, c);
	if (!room)
		cut(c);
	pthread_mutex_unlock(&ct->mu);
	*socket_context = c;
}

static void closed(struct conntrack *ct, struct conn *c)
{
	pthread_mutex_lock(&ct->mu);
	list_remove(ct, c);
	c->addr->open--;
	ct->count--;
	addr_put(ct, c->addr);
	pthread_mutex_unlock(&ct->mu);
	free(c);
}

void conntrack_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		      enum MHD_ConnectionNotificationCode toe)
{
	struct conntrack *ct = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		started(ct, conn, socket_context);
	else if (*socket_context) {
		closed(ct, *socket_context);
		*socket_context = NULL;
	}
}

static struct conn *conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void set_state(struct conntrack *ct, struct MHD_Connection *conn, int state)
{
	struct conn *c = conn_of(conn);
	if (!c)
		return;
	pthread_mutex_lock(&ct->mu);
	c->state = state;
	pthread_mutex_unlock(&ct->mu);
}

void conntrack_request(struct conntrack *ct, struct MHD_Connection *conn)
{
	set_state(ct, conn, READING);
}

void conntrack_answering(struct conntrack *ct, struct MHD_Connection *conn)
{
	set_state(ct, conn, ANSWERING);
}

void conntrack_done(struct conntrack *ct, struct MHD_Connection *conn, int64_t now_ms)
{
	struct conn *c = conn_of(conn);
	if (!c)
		return;
	pthread_mutex_lock(&ct->mu);
	c->state = IDLE;
	c->idle_ms = now_ms;
	list_remove(ct, c);
	list_append(ct, c);
	pthread_mutex_unlock(&ct->mu);
}

size_t conntrack_sweep(struct conntrack *ct, int64_t now_ms)
{
	size_t n = 0;
	pthread_mutex_lock(&ct->mu);
	/* In the order they went idle: the overdue are first. Headers or a body
	 * still coming in count; a request being answered does not (a long
	 * export streams for a while). */
	for (struct conn *c = ct->head; c && now_ms - c->idle_ms > ct->deadline_ms; c = c->next)
		if (c->state != ANSWERING && !c->cut) {
			cut(c);
			n++;
		}
	for (size_t i = 0; i < ADDR_BUCKETS; i++)
		for (struct addr *a = ct->buckets[i], *next; a; a = next) {
			next = a->next;
			if (!a->refused || now_ms - a->refused_since_ms < REFUSAL_PERIOD_MS)
				continue;
			if (a->refused > 1)
				log_warnx("refused %lld connections from %s in the last %lld s",
					  (long long)a->refused, a->text,
					  (long long)(now_ms - a->refused_since_ms) / 1000);
			a->refused = 0;
			addr_put(ct, a);
		}
	pthread_mutex_unlock(&ct->mu);
	if (n)
		log_info("cut %zu connection(s) that sent no whole request within %lld s", n,
			 (long long)ct->deadline_ms / 1000);
	return n;
}

size_t conntrack_count(struct conntrack *ct)
{
	pthread_mutex_lock(&ct->mu);
	size_t n = ct->count;
	pthread_mutex_unlock(&ct->mu);
	return n;
}
