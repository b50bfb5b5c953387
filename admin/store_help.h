/* store_help: the kiosks' calls for help counted by day, for the statistics: a count and
 * nothing else (the calls themselves live in admind's memory, admin/helpdesk.c). */
#ifndef ESCALE_STORE_HELP_H
#define ESCALE_STORE_HELP_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

/* One more call on NOW's local day, from KIOSK (counted for its site too). */
bool store_help_request(struct store *st, int64_t now, int64_t kiosk);

typedef void store_help_day_fn(void *arg, const char *day, int64_t n);
/* The calls of the local days in [FROM, TO) (as GET /api/v1/stats counts them), of SCOPE's
 * sites (store_scope_json; NULL: every call): EACH for every day with some, in order;
 * returns their total. */
int64_t store_help_requests(struct store *st, int64_t from, int64_t to, const char *scope,
			    store_help_day_fn *each, void *arg);

#endif
