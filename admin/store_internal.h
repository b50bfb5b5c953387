/* store_internal: what the store_*.c files share and nothing else sees. */
#ifndef ESCALE_STORE_INTERNAL_H
#define ESCALE_STORE_INTERNAL_H

#include <pthread.h>

#include "store.h"

struct store {
	sqlite3 *db;
	sqlite3 *ckpt; /* admind's checkpointer (main thread only), or NULL */
	char *path;
	pthread_mutex_t mu;
	struct store_policy pol;
	uint8_t code_key[CODE_KEY_LEN];
	uint8_t offline_salt[STORE_SALT_LEN];
	/* Prepared statements of the hot paths, kept for the store's life. */
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[64];
	size_t ncache;
	/* Change counter for the kiosks' code cache; every change to a code
	 * takes the next value (held in memory, seeded from max(codes.rev)). */
	int64_t rev;
	/* The value this transaction gives the codes it changes; st->rev takes
	 * it only once the transaction commits, so a cursor handed to a kiosk
	 * never names a change that was rolled back (and then reused). */
	int64_t rev_pending;
};

void store_lock(struct store *st);
void store_unlock(struct store *st);
/* A write: locks the store and begins a transaction (false, unlocked, if it
 * cannot); store_tx_end commits when RC is STORE_OK (a failed commit gives
 * STORE_ERROR) or rolls back, unlocks, and returns the outcome. */
bool store_tx_begin(struct store *st);
enum store_rc store_tx_end(struct store *st, enum store_rc rc);
/* The change counter value for codes changed in the current transaction. */
int64_t store_next_rev(struct store *st);

/* A statement of the hot paths, prepared once for the store's life (SQL
 * must be a string literal: its address is the key). Give it back with
 * store_release, never sqlite3_finalize. Caller holds the lock. */
sqlite3_stmt *store_stmt(struct store *st, const char *sql);
void store_release(sqlite3_stmt *s);

/* One-shot helpers over a prepared statement (finalised inside). */
int64_t store_int(struct store *st, const char *sql, int64_t def);

/* One named value of an audit line's detail: TEXT, or NUM when TEXT is NULL. */
#define STORE_AUDIT_FIELDS 8 /* at most, in one detail */
/* The detail column: a compact JSON object with sorted keys, as jansson's
 * json_dumps(JSON_COMPACT | JSON_SORT_KEYS) wrote it (texts are valid UTF-8:
 * they come from parsed JSON). NULL without fields; free it. */
char *store_audit_detail(const struct audit_field *fields, size_t n);
/* Writes one audit line with N fields of detail (0: none); inside the
 * caller's transaction. */
bool store_audit(struct store *st, const struct store_actor *who, const char *action,
		 const char *target, const struct audit_field *detail, size_t n);

/* store_audit with the site of kiosk KIOSK added to the detail ({"site": S}); at most
 * STORE_AUDIT_FIELDS - 1 fields in DETAIL. */
bool store_audit_kiosk(struct store *st, const struct store_actor *who, const char *action,
		       const char *target, int64_t kiosk, const struct audit_field *detail,
		       size_t n);

/* Enabled admin accounts; caller holds the lock. */
int64_t store_active_admins(struct store *st);
/* Ends the web sessions of USER but KEEP (0: all); inside the caller's transaction. */
bool store_web_end_user(struct store *st, int64_t user, int64_t keep);

/* Adds one to the sessions of each of SERVICES (N ids) on the day and site of
 * SESSION, once per session; inside the caller's transaction (store_netstats.c). */
bool store_count_services(struct store *st, const char *session,
			  const char (*services)[SVC_ID_MAX + 1], size_t n);
/* Deletes the refusals and the counted marks older than CUTOFF; inside the caller's
 * transaction. */
bool store_netstats_purge(struct store *st, int64_t cutoff);

/* A figure limited to the sites of ?3 (a JSON array of site names, store_scope_json; NULL:
 * every site), by the site its kiosk COL (a kiosk id) has now. */
#define STORE_SCOPE_KIOSK(col)                                                \
	" AND (?3 IS NULL OR " col " IN (SELECT id FROM kiosks WHERE site IN" \
	" (SELECT value FROM json_each(?3))))"
/* The same for a figure stored with its site (COL: the site). */
#define STORE_SCOPE_SITE(col) " AND (?3 IS NULL OR " col " IN (SELECT value FROM json_each(?3)))"

/* Binds a NUL-terminated text (or NULL). */
void bind_text(sqlite3_stmt *s, int i, const char *v);
/* Column I as a new string, NULL for SQL NULL. */
char *store_col_dup(sqlite3_stmt *s, int i);
/* V (holding N elements of SIZE bytes) with room for one more. */
void *store_grow(void *v, size_t n, size_t size);

#endif
