/* stats: what the control socket reports: the services reached in this session, the
 * hosts refused today. Host names and counts only: no URL, path, code or session id. */
#ifndef ESCALE_PROXY_STATS_H
#define ESCALE_PROXY_STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "decide.h"

#define STATS_MAX_SESSION  256 /* distinct services reached in a session */
#define STATS_MAX_REFUSALS 256 /* distinct hosts refused a day; the rest in "other" */

struct stats_refusal {
	char host[DECIDE_HOST_MAX + 1];
	char service[DECIDE_ID_MAX + 1]; /* "" for none */
	uint64_t count;
};

struct stats {
	char reached[STATS_MAX_SESSION][DECIDE_ID_MAX + 1];
	int n_reached;
	char last[DECIDE_ID_MAX + 1]; /* the service last reached in this session, or "" */
	char day[11];                 /* YYYY-MM-DD of the refusals */
	struct stats_refusal ref[STATS_MAX_REFUSALS];
	int n_ref;
	uint64_t other;
};

/* "YYYY-MM-DD" of today, local time. */
void stats_today(char day[11]);
/* Forgets the services reached (session_start, and after session_end). */
void stats_session_reset(struct stats *st);
void stats_reached(struct stats *st, const char *id);
/* The ids reached, as a JSON array; then forgets them. */
json_t *stats_session_end(struct stats *st);
/* Counts a refusal of HOST on DAY ("YYYY-MM-DD", local); SERVICE the guess or NULL. */
void stats_refused(struct stats *st, const char *day, const char *host, const char *service);
/* {"t":"refusals","day":DAY,"hosts":[...],"other":N} for DAY (a new day: all zero). */
json_t *stats_refusals(struct stats *st, const char *day);

#endif
