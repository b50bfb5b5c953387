/* proxyctl: escale-kiosk-net's client of escale-proxy's control socket (docs/network.md
 * "The control socket"): one JSON object a line each way, one request at a time, every
 * answer bounded and checked, every call over within a short timeout so that the helper's
 * loop never waits long. The proxy may be absent (demo, tests, proxy.enforce = false):
 * that is said once at info, and the calls fail until it answers again. */
#ifndef ESCALE_PROXYCTL_H
#define ESCALE_PROXYCTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "services.h"

#define PROXYCTL_LINE_MAX   (256 * 1024)           /* bytes of a line, either way */
#define PROXYCTL_TIMEOUT_MS 200                    /* a whole call: connect, send, answer */
#define PROXYCTL_HOSTS_MAX  256                    /* refused hosts the proxy names in a day */
#define PROXYCTL_COUNT_MAX  INT64_C(1000000000)    /* refusals of one host, as admind's */
#define PROXYCTL_OTHER_MAX  INT64_C(1000000000000) /* and of the rest */

struct proxyctl;

struct proxyctl *proxyctl_new(const char *path);
void proxyctl_free(struct proxyctl *pc);
/* The connection's socket to watch for the proxy going away, -1 when not connected. */
int proxyctl_fd(const struct proxyctl *pc);
/* The socket was readable with no call waiting: the proxy closed it (it stopped), or
 * said something unasked; either way the connection is dropped. */
void proxyctl_readable(struct proxyctl *pc);
/* Counts the connections made: a new one means a proxy that may have restarted (and
 * serves kiosk.conf's list again until told admind's). */
uint64_t proxyctl_generation(const struct proxyctl *pc);

/* REQ (one object) and its answer (a new object), NULL when the proxy is absent, slow
 * or answers out of shape (logged). A connection found closed is made again once. */
json_t *proxyctl_call(struct proxyctl *pc, const json_t *req);

/* The requests. False when the proxy did not answer as docs/network.md says. */
bool proxyctl_services(struct proxyctl *pc, const struct svc_list *l);
bool proxyctl_session_start(struct proxyctl *pc);
/* *IDS: the ids of the services reached (a new array of valid ids, each once, at most
 * SVC_MAX). */
bool proxyctl_session_end(struct proxyctl *pc, json_t **ids);
/* *REPORT: the day's refusals as admind's POST /api/v1/kiosk/refusals takes them,
 * {"day","hosts":[{"host","service","count"}],"other"}, rebuilt from checked fields. */
bool proxyctl_refusals(struct proxyctl *pc, json_t **report);

/* Pure: checks the proxy's answer to session_end / refusals (for the tests too). */
bool proxyctl_parse_session_end(const json_t *ans, json_t **ids, char *why, size_t whylen);
bool proxyctl_parse_refusals(const json_t *ans, json_t **report, char *why, size_t whylen);

#endif
