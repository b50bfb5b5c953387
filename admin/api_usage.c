/* api_usage: usage export (CSV, JSON) streamed from its own reader, statistics, backup. */
#include "api.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "db.h"
#include "store_docstats.h"
#include "util.h"

/* from/to as local days, `to` inclusive; default: the last 30 days. Gives
 * [*from, *to) as Unix times. */
static bool date_range(struct http_req *r, int64_t *from, int64_t *to, char fday[11], char tday[11])
{
	const char *f = http_query(r, "from"), *t = http_query(r, "to");
	int64_t now = now_s();
	if (!t)
		date_format_local(now, tday, 11);
	else
		snprintf(tday, 11, "%.10s", t);
	int64_t tmid;
	if (!date_parse_local(tday, &tmid) || (t && strlen(t) != 10)) {
		http_error(r, 400, "bad_request", "'to' must be a date YYYY-MM-DD");
		return false;
	}
	if (!f)
		date_format_local(tmid - 29 * 86400 + 12 * 3600, fday, 11);
	else
		snprintf(fday, 11, "%.10s", f);
	if (!date_parse_local(fday, from) || (f && strlen(f) != 10)) {
		http_error(r, 400, "bad_request", "'from' must be a date YYYY-MM-DD");
		return false;
	}
	/* The next local midnight, whatever the DST change that day. */
	char next[11];
	date_format_local(tmid + 36 * 3600, next, sizeof(next));
	if (!date_parse_local(next, to) || *from >= *to) {
		http_error(r, 400, "bad_request", "'from' must not be after 'to'");
		return false;
	}
	return true;
}

bool api_date_range(struct http_req *r, int64_t *from, int64_t *to, char fday[11], char tday[11])
{
	return date_range(r, from, to, fday, tday);
}

struct export
{
	sqlite3 *db;
	sqlite3_stmt *st;
	bool csv;
	bool first;
	bool finished;
	struct buf b;
	size_t off;
	struct store_actor who; /* an account limited to sites gets their sessions only */
};

static const char usage_sql[] =
	"SELECT s.id, k.name, k.site, s.started_at, s.ended_at, s.seconds_used, s.pages_used,"
	" s.end_reason, s.offline, s.pages_printed, s.pages_refused, s.pages_refunded"
	" FROM sessions s JOIN kiosks k ON k.id = s.kiosk_id"
	" WHERE s.started_at >= ? AND s.started_at < ? ORDER BY s.started_at, s.id";

static void export_row_csv(struct export *e)
{
	sqlite3_stmt *s = e->st;
	char start[24], end[24] = "";
	datetime_format_local(sqlite3_column_int64(s, 3), start, sizeof(start));
	if (sqlite3_column_type(s, 4) != SQLITE_NULL)
		datetime_format_local(sqlite3_column_int64(s, 4), end, sizeof(end));
	int64_t secs = sqlite3_column_int64(s, 5);
	buf_adds(&e->b, (const char *)sqlite3_column_text(s, 0));
	buf_add(&e->b, ";", 1);
	csv_field(&e->b, (const char *)sqlite3_column_text(s, 1));
	buf_add(&e->b, ";", 1);
	csv_field(&e->b, (const char *)sqlite3_column_text(s, 2));
	/* Minutes to the nearest tenth, with a decimal comma, as French
	 * spreadsheets read numbers. */
	int64_t tenths = (secs * 10 + 30) / 60;
	buf_printf(&e->b, ";%s;%s;%lld;%lld,%lld;%lld;", start, end, (long long)secs,
		   (long long)(tenths / 10), (long long)(tenths % 10),
		   (long long)sqlite3_column_int64(s, 6));
	csv_field(&e->b, (const char *)sqlite3_column_text(s, 7));
	buf_printf(&e->b, ";%s;%lld;%lld;%lld\r\n", sqlite3_column_int(s, 8) ? "oui" : "non",
		   (long long)sqlite3_column_int64(s, 9), (long long)sqlite3_column_int64(s, 10),
		   (long long)sqlite3_column_int64(s, 11));
}

static void export_row_json(struct export *e)
{
	sqlite3_stmt *s = e->st;
	const char *reason = (const char *)sqlite3_column_text(s, 7);
	json_t *o = json_pack("{ss ss ss sI so sI sI so sb}", "id", sqlite3_column_text(s, 0),
			      "kiosk", sqlite3_column_text(s, 1), "site", sqlite3_column_text(s, 2),
			      "started_at", (json_int_t)sqlite3_column_int64(s, 3), "ended_at",
			      sqlite3_column_type(s, 4) == SQLITE_NULL
				      ? json_null()
				      : json_integer(sqlite3_column_int64(s, 4)),
			      "seconds_used", (json_int_t)sqlite3_column_int64(s, 5), "pages_used",
			      (json_int_t)sqlite3_column_int64(s, 6), "end_reason",
			      reason ? json_string(reason) : json_null(), "offline",
			      sqlite3_column_int(s, 8) != 0);
	json_object_set_new(o, "pages_printed", json_integer(sqlite3_column_int64(s, 9)));
	json_object_set_new(o, "pages_refused", json_integer(sqlite3_column_int64(s, 10)));
	json_object_set_new(o, "pages_refunded", json_integer(sqlite3_column_int64(s, 11)));
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!e->first)
		buf_add(&e->b, ",\n", 2);
	e->first = false;
	buf_adds(&e->b, text);
	free(text);
}

static ssize_t export_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct export *e = cls;
	if (e->off == e->b.len) {
		e->b.len = e->off = 0;
		while (!e->finished && e->b.len < 64 * 1024) {
			int rc = sqlite3_step(e->st);
			if (rc == SQLITE_ROW) {
				const char *site = (const char *)sqlite3_column_text(e->st, 2);
				if (!actor_site_ok(&e->who, site ? site : ""))
					continue;
				if (e->csv)
					export_row_csv(e);
				else
					export_row_json(e);
				continue;
			}
			e->finished = true;
			if (rc != SQLITE_DONE) {
				log_warnx("usage export: %s", sqlite3_errmsg(e->db));
				return MHD_CONTENT_READER_END_WITH_ERROR;
			}
			if (!e->csv)
				buf_adds(&e->b, "\n]}\n");
		}
		if (e->b.len == 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	size_t n = e->b.len - e->off;
	if (n > max)
		n = max;
	memcpy(out, e->b.p + e->off, n);
	e->off += n;
	return (ssize_t)n;
}

static void export_free(void *cls)
{
	struct export *e = cls;
	sqlite3_finalize(e->st);
	if (e->db) {
		sqlite3_exec(e->db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(e->db);
	}
	free(e->b.p);
	free(e);
}

void api_usage(struct app *app, struct http_req *r)
{
	static const char *const q[] = {"from", "to", "format", NULL};
	if (!http_query_only(r, q))
		return;
	int64_t from, to;
	char fday[11], tday[11];
	if (!date_range(r, &from, &to, fday, tday))
		return;
	const char *format = http_query(r, "format");
	if (format && strcmp(format, "csv") && strcmp(format, "json")) {
		http_error(r, 400, "bad_request", "'format' must be csv or json");
		return;
	}
	struct export *e = xcalloc(1, sizeof(*e));
	e->csv = !format || strcmp(format, "csv") == 0;
	e->first = true;
	e->who = r->actor;
	/* Its own read-only connection: a long export never holds the store's
	 * lock, and WAL lets kiosks go on writing meanwhile. */
	e->db = db_open(store_path(app->store), true);
	if (!e->db || !db_exec(e->db, "BEGIN", "usage export")) {
		export_free(e);
		http_error(r, 500, "internal", "cannot read the database");
		return;
	}
	e->st = db_prepare(e->db, usage_sql);
	sqlite3_bind_int64(e->st, 1, from);
	sqlite3_bind_int64(e->st, 2, to);
	if (e->csv)
		buf_adds(&e->b, "\xEF\xBB\xBF"
				"session;poste;site;début;fin;durée (s);durée (min);"
				"pages;motif de fin;hors ligne;pages imprimées;pages refusées;"
				"pages rendues\r\n");
	else
		buf_printf(&e->b, "{\"from\":\"%s\",\"to\":\"%s\",\"sessions\":[\n", fday, tday);
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
								      export_read, e, export_free);
	MHD_add_response_header(resp, "Content-Type",
				e->csv ? "text/csv; charset=utf-8" : "application/json");
	char disp[96];
	snprintf(disp, sizeof(disp), "attachment; filename=\"escale-usage-%s-%s.%s\"", fday, tday,
		 e->csv ? "csv" : "json");
	MHD_add_response_header(resp, "Content-Disposition", disp);
	http_response(r, 200, resp);
}

/* A day's accompanied sessions onto its row of "per_day" (every row has the field). */
static void accompanied_day(void *arg, const char *day, int64_t n)
{
	json_t *rows = arg, *row;
	size_t i;
	json_array_foreach (rows, i, row) {
		const char *d = json_string_value(json_object_get(row, "day"));
		if (d && strcmp(d, day) == 0)
			json_object_set_new(row, "accompanied_sessions", json_integer(n));
	}
}

void api_stats(struct app *app, struct http_req *r)
{
	static const char *const q[] = {"from", "to", NULL};
	if (!http_query_only(r, q))
		return;
	int64_t from, to;
	char fday[11], tday[11];
	if (!date_range(r, &from, &to, fday, tday))
		return;
	/* An account limited to sites: every figure is of its sites' kiosks only, totals
	 * included. */
	char *scope = store_scope_json(&r->actor.sites);
	struct store_stats stats;
	store_stats(app->store, from, to, scope, &stats);
	json_t *out = api_stats_json(&stats, fday, tday);
	store_stats_free(&stats);
	json_object_set_new(out, "spare_sessions",
			    json_integer(store_spare_sessions(app->store, from, to, scope)));
	json_t *row;
	size_t i;
	json_array_foreach (json_object_get(out, "per_day"), i, row)
		json_object_set_new(row, "accompanied_sessions", json_integer(0));
	json_object_set_new(out, "accompanied_sessions",
			    json_integer(store_accompanied_sessions(
				    app->store, from, to, scope, accompanied_day,
				    json_object_get(out, "per_day"))));
	json_object_set_new(out, "per_service", api_per_service(app, from, to, scope));
	api_help_stats(app, out, from, to, scope);
	/* The supporting documents brought in: counts only (docs/kiosk.md, "Documents"). */
	int64_t scanned, copied;
	store_docstats_totals(app->store, from, to, scope, &scanned, &copied);
	free(scope);
	json_object_set_new(out, "pages_scanned", json_integer(scanned));
	json_object_set_new(out, "files_copied", json_integer(copied));
	http_json(r, 200, out);
}

void api_backup(struct app *app, struct http_req *r)
{
	char *tmpl = xasprintf("%s.backup-XXXXXX", store_path(app->store));
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		log_warn("backup: %s", tmpl);
		free(tmpl);
		http_error(r, 500, "internal",
			   "cannot create a temporary file beside the database");
		return;
	}
	/* A full copy holds every credential's hash: for admins only. */
	bool full = r->actor.role == ROLE_ADMIN;
	bool ok = store_backup(app->store, tmpl, full);
	/* The open descriptor keeps the copy alive; the name goes at once. */
	unlink(tmpl);
	struct stat sb;
	if (!ok || fstat(fd, &sb) != 0) {
		close(fd);
		free(tmpl);
		http_error(r, 500, "internal", "the backup failed; see escale-admind's log");
		return;
	}
	free(tmpl);
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
	MHD_add_response_header(resp, "Content-Type", "application/vnd.sqlite3");
	MHD_add_response_header(resp, "Content-Disposition",
				full ? "attachment; filename=\"escale-backup-full.db\""
				     : "attachment; filename=\"escale-backup-figures.db\"");
	MHD_add_response_header(resp, "X-Escale-Backup", full ? "full" : "without-credentials");
	http_response(r, 200, resp);
}
