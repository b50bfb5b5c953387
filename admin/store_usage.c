/* store_usage: statistics and the daily purge that keeps only per-day totals. */
#include "store_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store_docstats.h"
#include "util.h"

/* Per-day and per-kiosk figures come from the detailed sessions still kept
 * and from daily_stats, where the purge folds the sessions it deletes; the
 * two never count the same session twice. */
static const char stats_union[] =
	"WITH u AS ("
	"  SELECT date(started_at, 'unixepoch', 'localtime') AS day, kiosk_id,"
	"    1 AS sessions, seconds_used AS seconds, pages_used AS pages,"
	"    pages_printed AS printed, pages_refused AS refused, pages_refunded AS refunded"
	"    FROM sessions WHERE started_at >= ?1 AND started_at < ?2" STORE_SCOPE_KIOSK(
		"kiosk_id") "  UNION ALL"
			    "  SELECT day, kiosk_id, sessions, seconds, pages, pages_printed, "
			    "pages_refused,"
			    "    pages_refunded FROM daily_stats"
			    "    WHERE day >= date(?1, 'unixepoch', 'localtime')"
			    "      AND day < date(?2, 'unixepoch', 'localtime')" STORE_SCOPE_KIOSK(
				    "kiosk_id") ")";

char *store_scope_json(const struct site_list *sites)
{
	if (!sites || sites->n <= 0)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < sites->n; i++)
		json_array_append_new(a, json_string(sites->v[i]));
	char *text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return text ? text : xstrdup("[]"); /* (a name not UTF-8: no site rather than all) */
}

enum stats_by { BY_DAY, BY_KIOSK, BY_SITE };

/* Binds [FROM, TO) and SCOPE as ?1, ?2, ?3. */
static void bind_range(sqlite3_stmt *s, int64_t from, int64_t to, const char *scope)
{
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	bind_text(s, 3, scope);
}

static void stats_rows(struct store *st, const char *select, int64_t from, int64_t to,
		       const char *scope, enum stats_by by, struct store_stats_rows *out)
{
	char *sql = xasprintf("%s %s", stats_union, select);
	sqlite3_stmt *s = db_prepare(st->db, sql);
	bind_range(s, from, to, scope);
	*out = (struct store_stats_rows){0};
	while (sqlite3_step(s) == SQLITE_ROW) {
		out->v = store_grow(out->v, out->n, sizeof(*out->v));
		out->v[out->n++] = (struct store_stats_row){
			.day = by == BY_DAY ? store_col_dup(s, 0) : NULL,
			.kiosk = by == BY_KIOSK ? store_col_dup(s, 0) : NULL,
			.site = by != BY_DAY ? store_col_dup(s, 4) : NULL,
			.f = {.sessions = sqlite3_column_int64(s, 1),
			      .seconds = sqlite3_column_int64(s, 2),
			      .pages = sqlite3_column_int64(s, 3),
			      .printed = sqlite3_column_int64(s, 5),
			      .refused = sqlite3_column_int64(s, 6),
			      .refunded = sqlite3_column_int64(s, 7)},
		};
	}
	sqlite3_finalize(s);
	free(sql);
}

static void stats_rows_free(struct store_stats_rows *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].day);
		free(l->v[i].kiosk);
		free(l->v[i].site);
	}
	free(l->v);
	*l = (struct store_stats_rows){0};
}

void store_stats_free(struct store_stats *s)
{
	stats_rows_free(&s->per_day);
	stats_rows_free(&s->per_kiosk);
	stats_rows_free(&s->per_site);
}

/* Sessions by local hour of their start: the detailed sessions only. */
static void stats_per_hour(struct store *st, int64_t from, int64_t to, const char *scope,
			   int64_t n[24])
{
	sqlite3_stmt *s = db_prepare(
		st->db,
		"SELECT CAST(strftime('%H', started_at, 'unixepoch', 'localtime') AS INTEGER),"
		" count(*) FROM sessions WHERE started_at >= ?1 AND started_at < "
		"?2" STORE_SCOPE_KIOSK("kiosk_id") " GROUP BY 1");
	bind_range(s, from, to, scope);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int h = sqlite3_column_int(s, 0);
		if (h >= 0 && h < 24)
			n[h] = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
}

/* How long the detailed sessions lasted, in five bands. */
static void stats_durations(struct store *st, int64_t from, int64_t to, const char *scope,
			    struct store_stats *out)
{
	static const struct {
		const char *label;
		int64_t below; /* seconds */
	} bands[STORE_DURATION_BANDS] = {{"< 15 min", 900},
					 {"15–30 min", 1800},
					 {"30–60 min", 3600},
					 {"1–2 h", 7200},
					 {"> 2 h", INT64_MAX}};
	for (size_t i = 0; i < ARRAY_LEN(bands); i++)
		out->durations[i].label = bands[i].label;
	sqlite3_stmt *s = db_prepare(
		st->db,
		"SELECT seconds_used FROM sessions"
		" WHERE started_at >= ?1 AND started_at < ?2" STORE_SCOPE_KIOSK("kiosk_id"));
	bind_range(s, from, to, scope);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t v = sqlite3_column_int64(s, 0);
		size_t i = 0;
		while (v >= bands[i].below)
			i++;
		out->durations[i].sessions++;
	}
	sqlite3_finalize(s);
}

/* The totals of every session, detailed or folded into per-day totals. */
static void stats_total(struct store *st, int64_t from, int64_t to, const char *scope,
			struct store_figures *f)
{
	char *sql = xasprintf("%s SELECT sum(sessions), sum(seconds), sum(pages), sum(printed),"
			      " sum(refused), sum(refunded) FROM u",
			      stats_union);
	sqlite3_stmt *s = db_prepare(st->db, sql);
	free(sql);
	bind_range(s, from, to, scope);
	if (sqlite3_step(s) == SQLITE_ROW) {
		f->sessions = sqlite3_column_int64(s, 0);
		f->seconds = sqlite3_column_int64(s, 1);
		f->pages = sqlite3_column_int64(s, 2);
		f->printed = sqlite3_column_int64(s, 3);
		f->refused = sqlite3_column_int64(s, 4);
		f->refunded = sqlite3_column_int64(s, 5);
	}
	sqlite3_finalize(s);
}

/* The median needs the details: it covers the sessions not yet purged. */
static void stats_median(struct store *st, int64_t from, int64_t to, const char *scope,
			 struct store_stats *out)
{
	sqlite3_stmt *s = db_prepare(
		st->db,
		"SELECT seconds_used FROM sessions WHERE started_at >= ?1"
		" AND started_at < ?2" STORE_SCOPE_KIOSK(
			"kiosk_id") " ORDER BY seconds_used LIMIT 2 OFFSET"
				    " (SELECT (count(*) - 1) / 2 FROM sessions WHERE"
				    " started_at >= ?1 AND started_at < ?2" STORE_SCOPE_KIOSK(
					    "kiosk_id") ")");
	bind_range(s, from, to, scope);
	int64_t detailed = 0;
	sqlite3_stmt *c = db_prepare(st->db, "SELECT count(*) FROM sessions WHERE started_at >= ?1"
					     " AND started_at < ?2" STORE_SCOPE_KIOSK("kiosk_id"));
	bind_range(c, from, to, scope);
	if (sqlite3_step(c) == SQLITE_ROW)
		detailed = sqlite3_column_int64(c, 0);
	sqlite3_finalize(c);
	if (detailed > 0 && sqlite3_step(s) == SQLITE_ROW) {
		double a = (double)sqlite3_column_int64(s, 0), b = a;
		if (detailed % 2 == 0 && sqlite3_step(s) == SQLITE_ROW)
			b = (double)sqlite3_column_int64(s, 0);
		out->median_minutes = (a + b) / 2 / 60;
	}
	sqlite3_finalize(s);
	out->detailed = detailed;
}

void store_stats(struct store *st, int64_t from, int64_t to, const char *scope,
		 struct store_stats *out)
{
	*out = (struct store_stats){0};
	store_lock(st);
	/* One read transaction: every figure comes from the same snapshot. */
	db_exec(st->db, "BEGIN", "stats");
	stats_rows(st,
		   "SELECT day, sum(sessions), sum(seconds), sum(pages), NULL,"
		   " sum(printed), sum(refused), sum(refunded)"
		   " FROM u GROUP BY day ORDER BY day",
		   from, to, scope, BY_DAY, &out->per_day);
	stats_rows(st,
		   "SELECT k.name, sum(u.sessions), sum(u.seconds),"
		   " sum(u.pages), k.site, sum(u.printed), sum(u.refused), sum(u.refunded)"
		   " FROM u JOIN kiosks k ON k.id = u.kiosk_id"
		   " GROUP BY u.kiosk_id ORDER BY k.site, k.name",
		   from, to, scope, BY_KIOSK, &out->per_kiosk);
	stats_rows(st,
		   "SELECT NULL, sum(u.sessions), sum(u.seconds),"
		   " sum(u.pages), k.site, sum(u.printed), sum(u.refused), sum(u.refunded)"
		   " FROM u JOIN kiosks k ON k.id = u.kiosk_id"
		   " GROUP BY k.site ORDER BY k.site",
		   from, to, scope, BY_SITE, &out->per_site);
	stats_per_hour(st, from, to, scope, out->per_hour);
	stats_durations(st, from, to, scope, out);
	stats_total(st, from, to, scope, &out->total);
	stats_median(st, from, to, scope, out);
	db_exec(st->db, "COMMIT", "stats");
	store_unlock(st);
	int64_t n = out->total.sessions;
	out->mean_minutes = n ? (double)out->total.seconds / (double)n / 60 : 0;
}

bool store_purge(struct store *st, int64_t now)
{
	int64_t cutoff = now - st->pol.retention_days * 86400;
	static const char fold[] =
		"INSERT INTO daily_stats(day, kiosk_id, sessions, seconds, pages, pages_printed,"
		" pages_refused, pages_refunded, spare_sessions, accompanied_sessions)"
		" SELECT date(started_at, 'unixepoch', 'localtime'), kiosk_id, count(*),"
		" sum(seconds_used), sum(pages_used), sum(pages_printed), sum(pages_refused),"
		" sum(pages_refunded),"
		" sum(EXISTS (SELECT 1 FROM codes c WHERE c.id = code_id AND c.spare)),"
		" sum(EXISTS (SELECT 1 FROM codes c WHERE c.id = code_id AND c.accompany)) FROM "
		"sessions"
		" WHERE ended_at IS NOT NULL AND started_at < ?1 GROUP BY 1, 2"
		" ON CONFLICT (day, kiosk_id) DO UPDATE SET sessions = sessions + "
		"excluded.sessions,"
		" seconds = seconds + excluded.seconds, pages = pages + excluded.pages,"
		" pages_printed = pages_printed + excluded.pages_printed,"
		" pages_refused = pages_refused + excluded.pages_refused,"
		" pages_refunded = pages_refunded + excluded.pages_refunded,"
		" spare_sessions = spare_sessions + excluded.spare_sessions,"
		" accompanied_sessions = accompanied_sessions + excluded.accompanied_sessions";
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
	ok = ok && store_docstats_fold(st, cutoff);
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
	const struct audit_field d[] = {{"sessions", NULL, purged}, {"before", NULL, cutoff}};
	if (ok && purged)
		ok = store_audit(st, NULL, "retention.purge", NULL, d, ARRAY_LEN(d));
	ok = store_tx_end(st, ok ? STORE_OK : STORE_ERROR) == STORE_OK;
	if (ok && purged)
		log_info("retention: %lld session details older than %lld days folded into daily "
			 "totals",
			 (long long)purged, (long long)st->pol.retention_days);
	return ok;
}
