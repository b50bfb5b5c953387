/* store_netstats: the services used per day, site and service, and the proxy's refusals. */
#include "store_services.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store_internal.h"
#include "util.h"

bool store_count_services(struct store *st, const char *session,
			  const char (*services)[SVC_ID_MAX + 1], size_t n)
{
	if (n == 0)
		return true;
	/* Once per session, however often its end is reported. */
	sqlite3_stmt *s = db_prepare(st->db, "INSERT INTO service_counted(session_id, at)"
					     " VALUES (?, ?) ON CONFLICT DO NOTHING");
	bind_text(s, 1, session);
	sqlite3_bind_int64(s, 2, now_s());
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	if (!ok || sqlite3_changes(st->db) == 0)
		return ok;
	s = db_prepare(st->db,
		       "INSERT INTO service_daily(day, site, service, sessions)"
		       " SELECT date(s.started_at, 'unixepoch', 'localtime'), k.site, ?2, 1"
		       " FROM sessions s JOIN kiosks k ON k.id = s.kiosk_id WHERE s.id = ?1"
		       " ON CONFLICT (day, site, service) DO UPDATE SET sessions = sessions + 1");
	for (size_t i = 0; ok && i < n; i++) {
		bind_text(s, 1, session);
		bind_text(s, 2, services[i]);
		ok = sqlite3_step(s) == SQLITE_DONE;
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return ok;
}

bool store_netstats_purge(struct store *st, int64_t cutoff)
{
	static const char *const deletes[] = {
		"DELETE FROM service_counted WHERE at < ?1",
		"DELETE FROM refusals WHERE day < date(?1, 'unixepoch', 'localtime')",
		"DELETE FROM refusals_other WHERE day < date(?1, 'unixepoch', 'localtime')",
	};
	bool ok = true;
	for (size_t i = 0; ok && i < ARRAY_LEN(deletes); i++) {
		sqlite3_stmt *s = db_prepare(st->db, deletes[i]);
		sqlite3_bind_int64(s, 1, cutoff);
		ok = sqlite3_step(s) == SQLITE_DONE;
		sqlite3_finalize(s);
	}
	return ok;
}

enum store_rc store_refusals_put(struct store *st, int64_t kiosk, const char *day,
				 const struct store_refusal *hosts, size_t n, int64_t other)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s = db_prepare(st->db, "DELETE FROM refusals WHERE kiosk_id = ? AND day = ?");
	sqlite3_bind_int64(s, 1, kiosk);
	bind_text(s, 2, day);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	s = db_prepare(st->db, "INSERT INTO refusals(day, kiosk_id, host, service, count)"
			       " VALUES (?, ?, ?, ?, ?)");
	for (size_t i = 0; ok && i < n; i++) {
		bind_text(s, 1, day);
		sqlite3_bind_int64(s, 2, kiosk);
		bind_text(s, 3, hosts[i].host);
		bind_text(s, 4, hosts[i].service);
		sqlite3_bind_int64(s, 5, hosts[i].count);
		int r = sqlite3_step(s);
		sqlite3_reset(s);
		if ((r & 0xff) == SQLITE_CONSTRAINT) {
			sqlite3_finalize(s);
			return store_tx_end(st, STORE_CONFLICT);
		}
		ok = r == SQLITE_DONE;
	}
	sqlite3_finalize(s);
	s = db_prepare(st->db, "INSERT INTO refusals_other(day, kiosk_id, other) VALUES (?, ?, ?)"
			       " ON CONFLICT (day, kiosk_id) DO UPDATE SET other = excluded.other");
	bind_text(s, 1, day);
	sqlite3_bind_int64(s, 2, kiosk);
	sqlite3_bind_int64(s, 3, other);
	ok = ok && sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

bool store_refusals_day(struct store *st, const char *day, const char *scope,
			struct store_refused_day *out)
{
	memset(out, 0, sizeof(*out));
	size_t cap = 0;
	store_lock(st);
	db_exec(st->db, "BEGIN", "refusals");
	/* Hosts by their total, then each host's services by theirs. */
	sqlite3_stmt *s = db_prepare(
		st->db,
		"SELECT r.host, r.service, sum(r.count), t.total, t.kiosks FROM refusals r"
		" JOIN (SELECT host, sum(count) AS total, count(DISTINCT kiosk_id) AS kiosks"
		"   FROM refusals WHERE day = ?1" STORE_SCOPE_KIOSK(
			"kiosk_id") " GROUP BY host) t ON t.host = r.host"
				    " WHERE r.day = ?1" STORE_SCOPE_KIOSK(
					    "r.kiosk_id") " GROUP BY r.host, r.service"
							  " ORDER BY t.total DESC, r.host, 3 DESC,"
							  " r.service");
	bind_text(s, 1, day);
	bind_text(s, 3, scope);
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		const char *host = (const char *)sqlite3_column_text(s, 0);
		struct store_refused_host *h = out->n ? &out->hosts[out->n - 1] : NULL;
		if (!h || strcmp(h->host, host) != 0) {
			if (out->n == cap) {
				cap = cap ? cap * 2 : 64;
				out->hosts = xrealloc(out->hosts, cap * sizeof(*out->hosts));
			}
			h = &out->hosts[out->n++];
			memset(h, 0, sizeof(*h));
			snprintf(h->host, sizeof(h->host), "%s", host);
			h->count = sqlite3_column_int64(s, 3);
			h->kiosks = sqlite3_column_int64(s, 4);
		}
		if (h->n_services < ARRAY_LEN(h->services)) {
			snprintf(h->services[h->n_services].id, sizeof(h->services[0].id), "%s",
				 (const char *)sqlite3_column_text(s, 1));
			h->services[h->n_services++].count = sqlite3_column_int64(s, 2);
		}
	}
	sqlite3_finalize(s);
	out->other = 0;
	s = db_prepare(st->db,
		       "SELECT sum(other) FROM refusals_other WHERE day = ?1" STORE_SCOPE_KIOSK(
			       "kiosk_id"));
	bind_text(s, 1, day);
	bind_text(s, 3, scope);
	if (sqlite3_step(s) == SQLITE_ROW)
		out->other = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	db_exec(st->db, "COMMIT", "refusals");
	store_unlock(st);
	return r == SQLITE_DONE;
}

static bool uses_query(struct store *st, const char *sql, int64_t from, int64_t to,
		       const char *scope, struct store_service_uses *out)
{
	memset(out, 0, sizeof(*out));
	size_t cap = 0;
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, sql);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	bind_text(s, 3, scope);
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			out->rows = xrealloc(out->rows, cap * sizeof(*out->rows));
		}
		struct store_service_use *u = &out->rows[out->n++];
		memset(u, 0, sizeof(*u));
		snprintf(u->day, sizeof(u->day), "%s", (const char *)sqlite3_column_text(s, 0));
		snprintf(u->site, sizeof(u->site), "%s", (const char *)sqlite3_column_text(s, 1));
		snprintf(u->service, sizeof(u->service), "%s",
			 (const char *)sqlite3_column_text(s, 2));
		snprintf(u->name, sizeof(u->name), "%s", (const char *)sqlite3_column_text(s, 3));
		u->sessions = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	store_unlock(st);
	return r == SQLITE_DONE;
}

bool store_service_totals(struct store *st, int64_t from, int64_t to, const char *scope,
			  struct store_service_uses *out)
{
	return uses_query(st,
			  "SELECT '', '', d.service, coalesce(v.name, d.service), sum(d.sessions)"
			  " FROM service_daily d LEFT JOIN services v ON v.id = d.service"
			  " WHERE d.day >= date(?1, 'unixepoch', 'localtime')"
			  "   AND d.day < date(?2, 'unixepoch', 'localtime')" STORE_SCOPE_SITE(
				  "d.site") " GROUP BY d.service ORDER BY 5 DESC, d.service",
			  from, to, scope, out);
}

bool store_service_daily(struct store *st, int64_t from, int64_t to, const char *scope,
			 struct store_service_uses *out)
{
	return uses_query(st,
			  "SELECT d.day, d.site, d.service, coalesce(v.name, d.service), d.sessions"
			  " FROM service_daily d LEFT JOIN services v ON v.id = d.service"
			  " WHERE d.day >= date(?1, 'unixepoch', 'localtime')"
			  "   AND d.day < date(?2, 'unixepoch', 'localtime')" STORE_SCOPE_SITE(
				  "d.site") " ORDER BY d.day, d.site, d.service",
			  from, to, scope, out);
}
