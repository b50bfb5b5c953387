/* conntrack: every open connection, to shed the idle and the slow ones first. */
#ifndef ESCALE_CONNTRACK_H
#define ESCALE_CONNTRACK_H

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

struct conntrack;
struct conn;

/* PER_ADDR connections per address and TOTAL in all (0: no limit of its
 * own); a request not answered DEADLINE_MS after its connection went idle
 * (or opened) is cut. */
struct conntrack *conntrack_new(size_t per_addr, size_t total, int64_t deadline_ms);
void conntrack_free(struct conntrack *ct);
/* MHD_OPTION_NOTIFY_CONNECTION: takes each new connection, shedding the one
 * of its address (or of all) idle the longest when a limit is reached, or
 * refusing it when none is idle. */
void conntrack_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		      enum MHD_ConnectionNotificationCode toe);
/* A request's headers have arrived on CONN; its body may follow: neither
 * is shed for a newcomer, both must arrive within the deadline. */
void conntrack_request(struct conntrack *ct, struct MHD_Connection *conn);
/* The request on CONN is whole and being answered: never cut. */
void conntrack_answering(struct conntrack *ct, struct MHD_Connection *conn);
/* The request on CONN is done: idle from NOW_MS. */
void conntrack_done(struct conntrack *ct, struct MHD_Connection *conn, int64_t now_ms);
/* Cuts what overran its deadline at NOW_MS and logs the refusals counted
 * since the last call of each address's period; returns how many it cut. */
size_t conntrack_sweep(struct conntrack *ct, int64_t now_ms);
/* Connections open now. */
size_t conntrack_count(struct conntrack *ct);

#endif
