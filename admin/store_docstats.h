/* store_docstats: the supporting documents the kiosks' sessions brought in, as counts
 * only (issue 18): pages scanned and files copied from USB keys per session, never a name.
 * Their table is created when the database opens (no schema version of its own). */
#ifndef ESCALE_STORE_DOCSTATS_H
#define ESCALE_STORE_DOCSTATS_H

#include <stdbool.h>
#include <stdint.h>

struct store;

/* Creates the table if missing; at open, after the migrations. */
bool store_docstats_init(struct store *st);
/* Records SESSION's counts as its kiosk KIOSK reports them (they only grow: the larger of
 * the old and the new); a session of another kiosk is left alone. Inside the caller's
 * transaction. */
bool store_docstats_record(struct store *st, int64_t kiosk, const char *session, int64_t scanned,
			   int64_t copied);
/* The retention purge: folds the counts of the ended sessions started before CUTOFF into
 * daily_stats and deletes them. Inside the purge's transaction, before the sessions go. */
bool store_docstats_fold(struct store *st, int64_t cutoff);
/* The sums over the sessions started in [FROM, TO), the kept ones and the folded days, of
 * the kiosks of SCOPE's sites (store_scope_json; NULL: every kiosk). */
void store_docstats_totals(struct store *st, int64_t from, int64_t to, const char *scope,
			   int64_t *scanned, int64_t *copied);

#endif
