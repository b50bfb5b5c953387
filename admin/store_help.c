/* store_help: the daily count of calls for help (store_help.h). */
#include "store_help.h"

#include "db.h"
#include "store_internal.h"

bool store_help_request(struct store *st, int64_t now, int64_t kiosk)
{
	if (!store_tx_begin(st))
		return false;
	sqlite3_stmt *s = db_prepare(st->db, "INSERT INTO help_requests(day, n)"
					     " VALUES (date(?1, 'unixepoch', 'localtime'), 1)"
					     " ON CONFLICT (day) DO UPDATE SET n = n + 1");
	sqlite3_bind_int64(s, 1, now);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	s = db_prepare(st->db, "INSERT INTO help_site(day, site, n)"
			       " SELECT date(?1, 'unixepoch', 'localtime'), site, 1 FROM kiosks"
			       " WHERE id = ?2 ON CONFLICT (day, site) DO UPDATE SET n = n + 1");
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, kiosk);
	ok = ok && sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR) == STORE_OK;
}

int64_t store_help_requests(struct store *st, int64_t from, int64_t to, const char *scope,
			    store_help_day_fn *each, void *arg)
{
	int64_t total = 0;
	store_lock(st);
	/* Every call from help_requests (which has those from before help_site); the calls
	 * of some sites from help_site. */
	sqlite3_stmt *s = db_prepare(
		st->db, scope ? "SELECT day, sum(n) FROM help_site"
				" WHERE day >= date(?1, 'unixepoch', 'localtime')"
				"   AND day < date(?2, 'unixepoch', 'localtime')" STORE_SCOPE_SITE(
					"site") " GROUP BY day ORDER BY day"
			      : "SELECT day, n FROM help_requests"
				" WHERE day >= date(?1, 'unixepoch', 'localtime')"
				"   AND day < date(?2, 'unixepoch', 'localtime') ORDER BY day");
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	if (scope)
		bind_text(s, 3, scope);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *day = (const char *)sqlite3_column_text(s, 0);
		int64_t n = sqlite3_column_int64(s, 1);
		total += n;
		if (each && day)
			each(arg, day, n);
	}
	sqlite3_finalize(s);
	store_unlock(st);
	return total;
}
