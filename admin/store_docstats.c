/* store_docstats: pages scanned and files copied per session, summed for the statistics. */
#include "store_docstats.h"

#include "db.h"
#include "store_internal.h"
#include "util.h"

bool store_docstats_init(struct store *st)
{
	return db_exec(st->db,
		       "CREATE TABLE IF NOT EXISTS doc_counts("
		       "  session_id TEXT PRIMARY KEY,"
		       "  pages_scanned INTEGER NOT NULL,"
		       "  files_copied INTEGER NOT NULL) WITHOUT ROWID",
		       "doc_counts");
}

bool store_docstats_record(struct store *st, int64_t kiosk, const char *session, int64_t scanned,
			   int64_t copied)
{
	if (scanned <= 0 && copied <= 0)
		return true;
	sqlite3_stmt *s =
		store_stmt(st, "INSERT INTO doc_counts(session_id, pages_scanned, files_copied)"
			       " SELECT id, ?3, ?4 FROM sessions WHERE id = ?1 AND kiosk_id = ?2"
			       " ON CONFLICT (session_id) DO UPDATE SET"
			       " pages_scanned = max(pages_scanned, excluded.pages_scanned),"
			       " files_copied = max(files_copied, excluded.files_copied)");
	bind_text(s, 1, session);
	sqlite3_bind_int64(s, 2, kiosk);
	sqlite3_bind_int64(s, 3, scanned > 0 ? scanned : 0);
	sqlite3_bind_int64(s, 4, copied > 0 ? copied : 0);
	int r = sqlite3_step(s);
	store_release(s);
	return r == SQLITE_DONE;
}

bool store_docstats_fold(struct store *st, int64_t cutoff)
{
	static const char *const sql[] = {
		"INSERT INTO daily_stats(day, kiosk_id, sessions, seconds, pages, pages_scanned,"
		" files_copied)"
		" SELECT date(s.started_at, 'unixepoch', 'localtime'), s.kiosk_id, 0, 0, 0,"
		" sum(d.pages_scanned), sum(d.files_copied)"
		" FROM doc_counts d JOIN sessions s ON s.id = d.session_id"
		" WHERE s.ended_at IS NOT NULL AND s.started_at < ?1 GROUP BY 1, 2"
		" ON CONFLICT (day, kiosk_id) DO UPDATE SET"
		" pages_scanned = pages_scanned + excluded.pages_scanned,"
		" files_copied = files_copied + excluded.files_copied",
		"DELETE FROM doc_counts WHERE session_id IN (SELECT id FROM sessions"
		" WHERE ended_at IS NOT NULL AND started_at < ?1)",
	};
	bool ok = true;
	for (size_t i = 0; ok && i < ARRAY_LEN(sql); i++) {
		sqlite3_stmt *s = db_prepare(st->db, sql[i]);
		sqlite3_bind_int64(s, 1, cutoff);
		ok = sqlite3_step(s) == SQLITE_DONE;
		sqlite3_finalize(s);
	}
	return ok;
}

void store_docstats_totals(struct store *st, int64_t from, int64_t to, const char *scope,
			   int64_t *scanned, int64_t *copied)
{
	store_lock(st);
	/* The sessions still kept, and the days the purge folded: never the same twice. */
	sqlite3_stmt *s = db_prepare(
		st->db, "SELECT coalesce(sum(a), 0), coalesce(sum(b), 0) FROM ("
			" SELECT d.pages_scanned AS a, d.files_copied AS b"
			" FROM doc_counts d JOIN sessions s ON s.id = d.session_id"
			" WHERE s.started_at >= ?1 AND s.started_at < ?2" STORE_SCOPE_KIOSK(
				"s.kiosk_id") " UNION ALL SELECT pages_scanned, files_copied FROM "
					      "daily_stats"
					      " WHERE day >= date(?1, 'unixepoch', 'localtime')"
					      " AND day < date(?2, 'unixepoch', "
					      "'localtime')" STORE_SCOPE_KIOSK("kiosk_id") ")");
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	bind_text(s, 3, scope);
	bool row = sqlite3_step(s) == SQLITE_ROW;
	*scanned = row ? sqlite3_column_int64(s, 0) : 0;
	*copied = row ? sqlite3_column_int64(s, 1) : 0;
	sqlite3_finalize(s);
	store_unlock(st);
}
