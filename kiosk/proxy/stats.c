/* stats: per session and per day counters of escale-proxy (docs/network.md). */
#include "stats.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void stats_today(char day[11])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(day, 11, "%Y-%m-%d", &tm);
}

void stats_session_reset(struct stats *st)
{
	st->n_reached = 0;
	st->last[0] = '\0';
}

void stats_reached(struct stats *st, const char *id)
{
	snprintf(st->last, sizeof(st->last), "%s", id);
	for (int i = 0; i < st->n_reached; i++)
		if (strcmp(st->reached[i], id) == 0)
			return;
	if (st->n_reached < STATS_MAX_SESSION)
		snprintf(st->reached[st->n_reached++], sizeof(st->reached[0]), "%s", id);
}

json_t *stats_session_end(struct stats *st)
{
	json_t *a = json_array();
	for (int i = 0; i < st->n_reached; i++)
		json_array_append_new(a, json_string(st->reached[i]));
	stats_session_reset(st);
	return a;
}

static void new_day(struct stats *st, const char *day)
{
	if (strcmp(st->day, day) == 0)
		return;
	snprintf(st->day, sizeof(st->day), "%s", day);
	st->n_ref = 0;
	st->other = 0;
}

void stats_refused(struct stats *st, const char *day, const char *host, const char *service)
{
	new_day(st, day);
	for (int i = 0; i < st->n_ref; i++) {
		struct stats_refusal *r = &st->ref[i];
		if (strcmp(r->host, host) == 0) {
			r->count++;
			if (service) /* the latest page that asked */
				snprintf(r->service, sizeof(r->service), "%s", service);
			return;
		}
	}
	if (st->n_ref >= STATS_MAX_REFUSALS) {
		st->other++;
		return;
	}
	struct stats_refusal *r = &st->ref[st->n_ref++];
	snprintf(r->host, sizeof(r->host), "%s", host);
	snprintf(r->service, sizeof(r->service), "%s", service ? service : "");
	r->count = 1;
}

json_t *stats_refusals(struct stats *st, const char *day)
{
	new_day(st, day);
	json_t *hosts = json_array();
	for (int i = 0; i < st->n_ref; i++) {
		const struct stats_refusal *r = &st->ref[i];
		json_array_append_new(
			hosts, json_pack("{s:s, s:o, s:I}", "host", r->host, "service",
					 r->service[0] ? json_string(r->service) : json_null(),
					 "count", (json_int_t)r->count));
	}
	return json_pack("{s:s, s:s, s:o, s:I}", "t", "refusals", "day", st->day, "hosts", hosts,
			 "other", (json_int_t)st->other);
}
