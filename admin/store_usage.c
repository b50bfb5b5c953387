/* store_usage: statistics and the daily purge that keeps only per-day totals. */
#include "store_internal.h"

#include <string.h>

#include "db.h"
#include "log.h"
#include "util.h"

/* Per-day and per-kiosk figures come from the detailed sessions still kept
 * and from daily_stats, where the purge folds the sessions it deletes; the
 * two never count the same session twice. */
static const char stats_union[] =
	"WITH u AS ("
	"  SELECT date(started_at, 'unixepoch', 'localtime') AS day, kiosk_id,"
	"    1 AS sessions, seconds_used AS seconds, pages_used AS pages,"
	"    pages_printed AS printed, pages_refused AS refused, pages_refunded AS refunded"
	"    FROM sessions WHERE started_at >= ?1 AND started_at < ?2"
	"  UNION ALL"
	"  SELECT day, kiosk_id, sessions, seconds, pages, pages_printed, pages_refused,"
	"    pages_refunded FROM daily_stats"
	"    WHERE day >= date(?1, 'unixepoch', 'localtime')"
	"      AND day < date(?2, 'unixepoch', 'localtime'))";

enum stats_by { BY_DAY, BY_KIOSK, BY_SITE };

static json_t *stats_rows(struct store *st, const char *select, int64_t from, int64_t to,
			  enum stats_by by)
{
	char *sql = xasprintf("%s %s", stats_union, select);
	sqlite3_stmt *s = db_prepare(st->db, sql);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	json_t *arr = json_array();
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *row =
			json_pack("{sI sI sI}", "sessions", (json_int_t)sqlite3_column_int64(s, 1),
				  "minutes", (json_int_t)(sqlite3_column_int64(s, 2) + 59) / 60,
				  "pages", (json_int_t)sqlite3_column_int64(s, 3));
		json_object_set_new(row, "pages_printed", json_integer(sqlite3_column_int64(s, 5)));
		json_object_set_new(row, "pages_refused", json_integer(sqlite3_column_int64(s, 6)));
		json_object_set_new(row, "pages_refunded",
				    json_integer(sqlite3_column_int64(s, 7)));
		if (by == BY_KIOSK)
			json_object_set_new(row, "kiosk",
					    json_string((const char *)sqlite3_column_text(s, 0)));
		if (by != BY_DAY) {
			json_object_set_new(row, "site",
					    json_string((const char *)sqlite3_column_text(s, 4)));
		} else {
			json_object_set_new(row, "day",
					    json_string((const char *)sqlite3_column_text(s, 0)));
		}
		json_array_append_new(arr, row);
	}
	sqlite3_finalize(s);
	free(sql);
	return arr;
}

/* Sessions by local hour of their start: the detailed sessions only. */
static json_t *stats_per_hour(struct store *st, int64_t from, int64_t to)
{
	int64_t n[24] = {0};
	sqlite3_stmt *s = db_prepare(
		st->db,
		"SELECT CAST(strftime('%H', started_at, 'unixepoch', 'localtime') AS INTEGER),"
		" count(*) FROM sessions WHERE started_at >= ?1 AND started_at < ?2"
		" GROUP BY 1");
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int h = sqlite3_column_int(s, 0);
		if (h >= 0 && h < 24)
			n[h] = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	json_t *arr = json_array();
	for (int h = 0; h < 24; h++)
		json_array_append_new(arr, json_integer(n[h]));
	return arr;
}

/* How long the detailed sessions lasted, in five bands. */
static json_t *stats_durations(struct store *st, int64_t from, int64_t to)
{
	static const struct {
		const char *label;
		int64_t below; /* seconds */
	} bands[] = {{"< 15 min", 900},
		     {"15–30 min", 1800},
		     {"30–60 min", 3600},
		     {"1–2 h", 7200},
		     {"> 2 h", INT64_MAX}};
	int64_t n[ARRAY_LEN(bands)] = {0};
	sqlite3_stmt *s = db_prepare(st->db, "SELECT seconds_used FROM sessions"
					     " WHERE started_at >= ?1 AND started_at < ?2");
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t v = sqlite3_column_int64(s, 0);
		size_t i = 0;
		while (v >= bands[i].below)
			i++;
		n[i]++;
	}
	sqlite3_finalize(s);
	json_t *arr = json_array();
	for (size_t i = 0; i < ARRAY_LEN(bands); i++)
		json_array_append_new(arr, json_pack("{ss sI}", "label", bands[i].label, "sessions",
						     (json_int_t)n[i]));
	return arr;
}

json_t *store_stats(struct store *st, int64_t from, int64_t to)
{
	store_lock(st);
	/* One read transaction: every figure comes from the same snapshot. */
	db_exec(st->db, "BEGIN", "stats");
	json_t *per_day = stats_rows(st,
				     "SELECT day, sum(sessions), sum(seconds), sum(pages), NULL,"
				     " sum(printed), sum(refused), sum(refunded)"
				     " FROM u GROUP BY day ORDER BY day",
				     from, to, BY_DAY);
	json_t *per_kiosk =
		stats_rows(st,
			   "SELECT k.name, sum(u.sessions), sum(u.seconds),"
			   " sum(u.pages), k.site, sum(u.printed), sum(u.refused), sum(u.refunded)"
			   " FROM u JOIN kiosks k ON k.id = u.kiosk_id"
			   " GROUP BY u.kiosk_id ORDER BY k.site, k.name",
			   from, to, BY_KIOSK);
	json_t *per_site =
		stats_rows(st,
			   "SELECT NULL, sum(u.sessions), sum(u.seconds),"
			   " sum(u.pages), k.site, sum(u.printed), sum(u.refused), sum(u.refunded)"
			   " FROM u JOIN kiosks k ON k.id = u.kiosk_id"
			   " GROUP BY k.site ORDER BY k.site",
			   from, to, BY_SITE);
	json_t *per_hour = stats_per_hour(st, from, to);
	json_t *durations = stats_durations(st, from, to);
	int64_t n = 0, secs = 0, pages = 0, printed = 0, refused = 0, refunded = 0;
	sqlite3_stmt *s;
	char *sql = xasprintf("%s SELECT sum(sessions), sum(seconds), sum(pages), sum(printed),"
			      " sum(refused), sum(refunded) FROM u",
			      stats_union);
	s = db_prepare(st->db, sql);
	free(sql);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	if (sqlite3_step(s) == SQLITE_ROW) {
		n = sqlite3_column_int64(s, 0);
		secs = sqlite3_column_int64(s, 1);
		pages = sqlite3_column_int64(s, 2);
		printed = sqlite3_column_int64(s, 3);
		refused = sqlite3_column_int64(s, 4);
		refunded = sqlite3_column_int64(s, 5);
	}
	sqlite3_finalize(s);
	/* The median needs the details: it covers the sessions not yet purged. */
	double median = 0;
	s = db_prepare(st->db, "SELECT seconds_used FROM sessions WHERE started_at >= ?1"
			       " AND started_at < ?2 ORDER BY seconds_used LIMIT 2 OFFSET"
			       " (SELECT (count(*) - 1) / 2 FROM sessions WHERE started_at >= ?1"
			       " AND started_at < ?2)");
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	int64_t detailed = 0;
	sqlite3_stmt *c = db_prepare(
		st->db, "SELECT count(*) FROM sessions WHERE started_at >= ?1 AND started_at < ?2");
	sqlite3_bind_int64(c, 1, from);
	sqlite3_bind_int64(c, 2, to);
	if (sqlite3_step(c) == SQLITE_ROW)
		detailed = sqlite3_column_int64(c, 0);
	sqlite3_finalize(c);
	if (detailed > 0 && sqlite3_step(s) == SQLITE_ROW) {
		double a = (double)sqlite3_column_int64(s, 0), b = a;
		if (detailed % 2 == 0 && sqlite3_step(s) == SQLITE_ROW)
			b = (double)sqlite3_column_int64(s, 0);
		median = (a + b) / 2 / 60;
	}
	sqlite3_finalize(s);
	db_exec(st->db, "COMMIT", "stats");
	store_unlock(st);
	double mean = n ? (double)secs / (double)n / 60 : 0;
	json_t *out = json_pack(
		"{sI sI sI sI sI sf sf sI so so}", "from", (json_int_t)from, "to", (json_int_t)to,
		"sessions", (json_int_t)n, "minutes", (json_int_t)(secs + 59) / 60, "pages",
		(json_int_t)pages, "mean_minutes", (double)(int64_t)(mean * 10 + 0.5) / 10,
		"median_minutes", (double)(int64_t)(median * 10 + 0.5) / 10, "median_sessions",
		(json_int_t)detailed, "per_day", per_day, "per_kiosk", per_kiosk);
	json_object_set_new(out, "pages_printed", json_integer(printed));
	json_object_set_new(out, "pages_refused", json_integer(refused));
	json_object_set_new(out, "pages_refunded", json_integer(refunded));
	json_object_set_new(out, "per_site", per_site);
	json_object_set_new(out, "per_hour", per_hour);
	json_object_set_new(out, "durations", durations);
	return out;
}

bool store_purge(struct store *st, int64_t now)
{
	int64_t cutoff = now - st->pol.retention_days * 86400;
	static const char fold[] =
		"INSERT INTO daily_stats(day, kiosk_id, sessions, seconds, pages, pages_printed,"
		" pages_refused, pages_refunded)"
		" SELECT date(started_at, 'unixepoch', 'localtime'), kiosk_id, count(*),"
		" sum(seconds_used), sum(pages_used), sum(pages_printed), sum(pages_refused),"
		" sum(pages_refunded) FROM sessions"
		" WHERE ended_at IS NOT NULL AND started_at < ?1 GROUP BY 1, 2"
		" ON CONFLICT (day, kiosk_id) DO UPDATE SET sessions = sessions + "
		"excluded.sessions,"
		" seconds = seconds + excluded.seconds, pages = pages + excluded.pages,"
		" pages_printed = pages_printed + excluded.pages_printed,"
		" pages_refused = pages_refused + excluded.pages_refused,"
		" pages_refunded = pages_refunded + excluded.pages_refunded";
	static const char *const deletes[] = {
		"DELETE FROM sessions WHERE ended_at IS NOT NULL AND started_at < ?1",
		/* Event ids only need to outlive a kiosk's longest outage. */
		"DELETE FROM kiosk_events WHERE received_at < ?1",
		"DELETE FROM commands WHERE acked_at IS NOT NULL AND acked_at < ?1",
		/* Print jobs are session details too (their figures live on in the totals). */
		"DELETE FROM print_jobs WHERE settled_at IS NOT NULL AND created_at < ?1",
	};
	if (!store_tx_begin(st))
		return false;
	sqlite3_stmt *s = db_prepare(st->db, fold);
	sqlite3_bind_int64(s, 1, cutoff);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	int64_t purged = 0;
	for (size_t i = 0; ok && i < ARRAY_LEN(deletes); i++) {
		s = db_prepare(st->db, deletes[i]);
		sqlite3_bind_int64(s, 1, cutoff);
		ok = sqlite3_step(s) == SQLITE_DONE;
		if (i == 0)
			purged = sqlite3_changes(st->db);
		sqlite3_finalize(s);
	}
	/* The refusals and the marks of counted services go with the details. */
	ok = ok && store_netstats_purge(st, cutoff);
	if (ok && purged)
		ok = store_audit(st, NULL, "retention.purge", NULL,
				 json_pack("{sI sI}", "sessions", (json_int_t)purged, "before",
					   (json_int_t)cutoff));
	ok = store_tx_end(st, ok ? STORE_OK : STORE_ERROR) == STORE_OK;
	if (ok && purged)
		log_info("retention: %lld session details older than %lld days folded into daily "
			 "totals",
			 (long long)purged, (long long)st->pol.retention_days);
	return ok;
}
