/* metrics: request counts and latencies, and GET /metrics in Prometheus' text format. */
#ifndef ESCALE_METRICS_H
#define ESCALE_METRICS_H

#include <jansson.h>
#include <stdint.h>

/* Counts one answered request with its status and how long it took (thread-safe). */
void metrics_observe(unsigned status, int64_t micros);
/* The exposition text (to free): the request figures, then the gauges read from
 * KIOSKS ({"kiosks": [...]}), SESSIONS ({"sessions": [...]}, the open ones) and
 * PRINTERS ({"printers": [...]}, or NULL when printing is off). */
char *metrics_text(json_t *kiosks, json_t *sessions, json_t *printers);

#endif
