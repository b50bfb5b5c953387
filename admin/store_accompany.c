/* store_accompany: accompanied sessions (docs/API.md "Accompanied sessions"). A mediator's
 * one-time code is a code row marked accompany, made by store_codes_issue; the session it
 * opens is an ordinary session whose code says who accompanies it. This file holds the
 * statistics' count. */
#include "store_internal.h"

#include "db.h"

int64_t store_accompanied_sessions(struct store *st, int64_t from, int64_t to)
{
	store_lock(st);
	sqlite3_stmt *s = db_prepare(
		st->db, "SELECT (SELECT count(*) FROM sessions s JOIN codes c ON c.id = s.code_id"
			"   WHERE c.accompany AND s.started_at >= ?1 AND s.started_at < ?2)"
			" + (SELECT coalesce(sum(accompanied_sessions), 0) FROM daily_stats"
			"   WHERE day >= date(?1, 'unixepoch', 'localtime')"
			"     AND day < date(?2, 'unixepoch', 'localtime'))");
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	store_unlock(st);
	return n;
}
