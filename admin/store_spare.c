/* store_spare: the spare codes the desk keeps in a drawer for when admind cannot be reached.
 * They are ordinary codes (the kiosks cache them like any other), marked spare so that the
 * desk sees how many are left and the statistics how many sessions they opened. */
#include "store_internal.h"

#include "db.h"

bool store_spare_drawer(struct store *st, int64_t now, const char *site,
			struct store_spare_drawer *out)
{
	*out = (struct store_spare_drawer){0};
	store_lock(st);
	/* ?2 NULL: every code; else the codes of that site only. */
	sqlite3_stmt *s = db_prepare(
		st->db, "SELECT count(*), min(valid_until),"
			" (SELECT max(created_at) FROM codes WHERE spare"
			"   AND (?2 IS NULL OR site = ?2)) FROM codes c"
			" WHERE c.spare AND c.revoked_at IS NULL AND c.valid_until > ?1"
			"   AND c.seconds_used = 0 AND (?2 IS NULL OR c.site = ?2)"
			"   AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.code_id = c.id)");
	sqlite3_bind_int64(s, 1, now);
	bind_text(s, 2, site);
	bool ok = sqlite3_step(s) == SQLITE_ROW;
	if (ok) {
		out->unused = sqlite3_column_int64(s, 0);
		out->first_expiry = sqlite3_column_int64(s, 1);
		out->last_issued = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	store_unlock(st);
	return ok;
}

int64_t store_spare_sessions(struct store *st, int64_t from, int64_t to, const char *scope)
{
	store_lock(st);
	sqlite3_stmt *s = db_prepare(
		st->db,
		"SELECT (SELECT count(*) FROM sessions s JOIN codes c ON c.id = s.code_id"
		"   WHERE c.spare AND s.started_at >= ?1 AND s.started_at < ?2" STORE_SCOPE_KIOSK(
			"s.kiosk_id") ")"
				      " + (SELECT coalesce(sum(spare_sessions), 0) FROM daily_stats"
				      "   WHERE day >= date(?1, 'unixepoch', 'localtime')"
				      "     AND day < date(?2, 'unixepoch', "
				      "'localtime')" STORE_SCOPE_KIOSK("kiosk_id") ")");
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	bind_text(s, 3, scope);
	int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	store_unlock(st);
	return n;
}

int64_t store_accompanied_sessions(struct store *st, int64_t from, int64_t to, const char *scope,
				   void (*each)(void *arg, const char *day, int64_t n), void *arg)
{
	int64_t total = 0;
	store_lock(st);
	sqlite3_stmt *s = db_prepare(
		st->db, "SELECT day, sum(n) FROM ("
			" SELECT date(s.started_at, 'unixepoch', 'localtime') AS day, count(*) AS n"
			"  FROM sessions s JOIN codes c ON c.id = s.code_id"
			"  WHERE c.accompany AND s.started_at >= ?1 AND s.started_at < "
			"?2" STORE_SCOPE_KIOSK(
				"s.kiosk_id") " GROUP BY 1"
					      " UNION ALL SELECT day, sum(accompanied_sessions) "
					      "FROM daily_stats"
					      "  WHERE day >= date(?1, 'unixepoch', 'localtime')"
					      "    AND day < date(?2, 'unixepoch', "
					      "'localtime')" STORE_SCOPE_KIOSK(
						      "kiosk_id") " GROUP BY day)"
								  " GROUP BY day HAVING sum(n) > 0 "
								  "ORDER BY day");
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
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
