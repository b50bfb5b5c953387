/* store_services: the services of the kiosks' home page (store_services.c), their use
 * per day and the proxy's refusals (store_netstats.c). Plain C structs in and out:
 * the API and escalectl make the JSON. */
#ifndef ESCALE_STORE_SERVICES_H
#define ESCALE_STORE_SERVICES_H

#include "services.h"
#include "store.h"

struct store_service {
	char id[SVC_ID_MAX + 1];
	char name[SVC_NAME_MAX * 4 + 1];
	char url[SVC_URL_MAX + 1];
	char category[SVC_NAME_MAX * 4 + 1];
	char icon[SVC_ICON_MAX + 1];
	char domains[SVC_MAX_DOMAINS][SVC_HOST_MAX + 2]; /* + a leading dot */
	int n_domains;
	bool intranet;
	bool accompanied; /* for accompanied sessions only (docs/API.md "Services") */
};

/* The whole list in display order; free SERVICES with free(). */
struct store_services {
	int64_t version; /* bumped by every change; 0 for a list never set */
	struct store_service *services;
	size_t n;
};

/* Checks a service as a whole (the rules of kiosk.conf's services, docs/API.md);
 * false with a message for people in ERR. */
bool store_service_check(const struct store_service *sv, char *err, size_t errlen);

bool store_services_list(struct store *st, struct store_services *out);
int64_t store_services_version(struct store *st);
/* One service by id: STORE_NOT_FOUND when there is none. */
enum store_rc store_service_get(struct store *st, const char *id, struct store_service *out);
/* Adds SV (checked) at the end: STORE_CONFLICT when its id or name is taken,
 * STORE_LIMIT past SVC_MAX services. */
enum store_rc store_service_add(struct store *st, const struct store_actor *who,
				const struct store_service *sv);
/* Replaces service ID's fields by SV's (same id; SV checked). The audit line says
 * DETAIL (N fields), or without it SV's new fields. */
enum store_rc store_service_update(struct store *st, const struct store_actor *who,
				   const struct store_service *sv, const char *action,
				   const struct audit_field *detail, size_t n);
/* Moves service ID to POSITION (0: first; past the end: last). */
enum store_rc store_service_move(struct store *st, const struct store_actor *who, const char *id,
				 int64_t position);
enum store_rc store_service_remove(struct store *st, const struct store_actor *who, const char *id);
/* Loads LIST (checked) into a database that never had a list: false when it
 * failed, *LOADED says whether it did load (an existing list is kept). */
bool store_services_seed(struct store *st, const struct store_service *list, size_t n,
			 const char *source, bool *loaded);

/* ---- statistics and refusals (store_netstats.c) ---- */
#define STORE_MAX_REFUSED_HOSTS 256
struct store_refusal {
	char host[SVC_HOST_MAX + 1];
	char service[SVC_ID_MAX + 1]; /* "" when the proxy could not tell */
	int64_t count;
};
/* Replaces KIOSK's refusals of DAY (YYYY-MM-DD) by these (cumulative since midnight). */
enum store_rc store_refusals_put(struct store *st, int64_t kiosk, const char *day,
				 const struct store_refusal *hosts, size_t n, int64_t other);

/* One host refused on a day, summed over the kiosks. */
struct store_refused_host {
	char host[SVC_HOST_MAX + 1];
	int64_t count, kiosks;
	struct {
		char id[SVC_ID_MAX + 1]; /* "" when unknown */
		int64_t count;
	} services[8]; /* the services that asked, most first */
	size_t n_services;
};
struct store_refused_day {
	struct store_refused_host *hosts; /* most refused first; free() it */
	size_t n;
	int64_t other; /* refusals past the hosts the kiosks listed */
};
bool store_refusals_day(struct store *st, const char *day, const char *scope,
			struct store_refused_day *out);

/* The sessions that used each service in [FROM, TO) (Unix times, local days). */
struct store_service_use {
	char day[11]; /* "" in the per-service totals */
	char site[NAME_MAX_BYTES + 1];
	char service[SVC_ID_MAX + 1];
	char name[SVC_NAME_MAX * 4 + 1]; /* its current name, or the id when removed */
	int64_t sessions;
};
struct store_service_uses {
	struct store_service_use *rows; /* free() it */
	size_t n;
};
/* Totals per service, most used first, of SCOPE's sites (store_scope_json; NULL: every
 * site). */
bool store_service_totals(struct store *st, int64_t from, int64_t to, const char *scope,
			  struct store_service_uses *out);
/* Per day, site and service, in that order, of SCOPE's sites. */
bool store_service_daily(struct store *st, int64_t from, int64_t to, const char *scope,
			 struct store_service_uses *out);

#endif
