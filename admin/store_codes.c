/* store_codes: issuing, listing, revoking and extending access codes. */
#include "store_internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "util.h"
#include "wire.h"

struct fresh_code {
	char norm[CODE_MAX_LEN + 1];
	uint8_t hash[CODE_HASH_LEN];
	uint8_t verifier[STORE_VERIFIER_LEN];
	int64_t id;
};

/* The argon2id verifier the kiosks' offline cache holds (docs/offline-cache.md). */
static bool code_verifier(const struct store *st, const char *norm, uint8_t out[STORE_VERIFIER_LEN])
{
	return crypto_pwhash(out, STORE_VERIFIER_LEN, norm, strlen(norm), st->offline_salt,
			     (unsigned long long)st->pol.opslimit, (size_t)st->pol.memlimit_bytes,
			     crypto_pwhash_ALG_ARGON2ID13) == 0;
}

static bool fresh_draw(struct store *st, const struct code_spec *spec, struct fresh_code *c)
{
	code_generate(spec->alphabet, spec->length, c->norm);
	code_hash(st->code_key, c->norm, c->hash);
	if (code_verifier(st, c->norm, c->verifier))
		return true;
	log_warnx("argon2id failed: offline.memlimit_kib too large for this machine's memory?");
	return false;
}

/* Inserts every code in one transaction; on a hash collision (with an old
 * code or within the batch) returns the index to draw again, else -1. */
static int fresh_insert(struct store *st, const struct store_actor *who,
			const struct code_spec *spec, struct fresh_code *codes, bool *ok)
{
	static const char sql[] =
		"INSERT INTO codes(hash, verifier, hint, seconds_total,"
		" pages_total, created_at, created_by, valid_until, rev, spare, site, accompany)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	int again = -1;
	*ok = false;
	if (!store_tx_begin(st))
		return -1;
	sqlite3_stmt *s = db_prepare(st->db, sql);
	int64_t now = now_s(), rev = store_next_rev(st);
	for (int i = 0; i < spec->count; i++) {
		char hint[8];
		code_hint(codes[i].norm, hint);
		sqlite3_reset(s);
		sqlite3_bind_blob(s, 1, codes[i].hash, CODE_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(s, 2, codes[i].verifier, STORE_VERIFIER_LEN, SQLITE_STATIC);
		bind_text(s, 3, hint);
		sqlite3_bind_int64(s, 4, spec->seconds);
		sqlite3_bind_int64(s, 5, spec->pages);
		sqlite3_bind_int64(s, 6, now);
		if (who && who->user_id)
			sqlite3_bind_int64(s, 7, who->user_id);
		else
			sqlite3_bind_null(s, 7);
		sqlite3_bind_int64(s, 8, spec->valid_until);
		sqlite3_bind_int64(s, 9, rev);
		sqlite3_bind_int(s, 10, spec->spare);
		bind_text(s, 11, spec->site);
		sqlite3_bind_int(s, 12, spec->accompany);
		int r = sqlite3_step(s);
		if (r == SQLITE_CONSTRAINT_UNIQUE) {
			again = i;
			break;
		}
		if (r != SQLITE_DONE) {
			log_warnx("%s: %s", __func__, sqlite3_errmsg(st->db));
			break;
		}
		codes[i].id = sqlite3_last_insert_rowid(st->db);
	}
	sqlite3_finalize(s);
	bool good = again < 0 && codes[spec->count - 1].id != 0;
	if (good && spec->accompany) {
		const struct audit_field d[] = {{"id", NULL, codes[0].id},
						{"valid_until", NULL, spec->valid_until},
						{"site", spec->site ? spec->site : "all", 0}};
		good = store_audit(st, who, "accompany.code", NULL, d, ARRAY_LEN(d));
	} else if (good) {
		const struct audit_field d[] = {
			{"count", NULL, spec->count},
			{"minutes", NULL, spec->seconds / 60},
			{"pages", NULL, spec->pages},
			{"valid_until", NULL, spec->valid_until},
			{"first_id", NULL, codes[0].id},
			{"last_id", NULL, codes[spec->count - 1].id},
		};
		/* Where they work: a site, or "all". */
		const struct audit_field ds[] = {d[0],
						 d[1],
						 d[2],
						 d[3],
						 d[4],
						 d[5],
						 {"site", spec->site ? spec->site : "all", 0}};
		good = store_audit(st, who, "code.issue", NULL, ds, ARRAY_LEN(ds));
	}
	if (good && spec->spare) {
		const struct audit_field d[] = {
			{"count", NULL, spec->count},
			{"first_id", NULL, codes[0].id},
			{"last_id", NULL, codes[spec->count - 1].id},
		};
		good = store_audit(st, who, "code.issue_spare", NULL, d, ARRAY_LEN(d));
	}
	*ok = store_tx_end(st, good ? STORE_OK : STORE_ERROR) == STORE_OK;
	return again;
}

enum store_rc store_codes_issue(struct store *st, const struct store_actor *who,
				const struct code_spec *spec, struct store_issued_code *out)
{
	struct fresh_code *codes = xcalloc((size_t)spec->count, sizeof(*codes));
	enum store_rc rc = STORE_ERROR;
	/* argon2id is slow on purpose: draw outside the lock. */
	for (int i = 0; i < spec->count; i++)
		if (!fresh_draw(st, spec, &codes[i]))
			goto done;
	for (int attempt = 0; attempt < 20; attempt++) {
		bool ok;
		int again = fresh_insert(st, who, spec, codes, &ok);
		if (ok) {
			rc = STORE_OK;
			break;
		}
		if (again < 0)
			goto done;
		for (int i = 0; i < spec->count; i++)
			codes[i].id = 0;
		if (!fresh_draw(st, spec, &codes[again]))
			goto done;
	}
	for (int i = 0; rc == STORE_OK && i < spec->count; i++) {
		out[i].id = codes[i].id;
		code_format(codes[i].norm, out[i].code, sizeof(out[i].code));
	}
done:
	sodium_memzero(codes, sizeof(*codes) * (size_t)spec->count);
	free(codes);
	return rc;
}

static const char code_cols[] =
	"c.id, c.hint, c.seconds_total, c.seconds_used, c.pages_total, c.pages_used,"
	" c.valid_until, c.revoked_at, c.created_at,"
	" EXISTS (SELECT 1 FROM sessions s WHERE s.code_id = c.id AND s.ended_at IS NULL), c.spare,"
	" c.site";

static enum wire_code_state code_state(sqlite3_stmt *s, int64_t now)
{
	enum wire_code_state v = WIRE_CODE_ACTIVE;
	if (sqlite3_column_type(s, 7) != SQLITE_NULL)
		v = WIRE_CODE_REVOKED;
	else if (sqlite3_column_int64(s, 6) <= now)
		v = WIRE_CODE_EXPIRED;
	else if (sqlite3_column_int64(s, 3) >= sqlite3_column_int64(s, 2))
		v = WIRE_CODE_USED_UP;
	return v;
}

static int64_t nonneg(int64_t v)
{
	return v < 0 ? 0 : v;
}

static void code_row(sqlite3_stmt *s, int64_t now, struct store_code_row *out)
{
	*out = (struct store_code_row){
		.id = sqlite3_column_int64(s, 0),
		.state = code_state(s, now),
		.seconds_total = sqlite3_column_int64(s, 2),
		.seconds_left = nonneg(sqlite3_column_int64(s, 2) - sqlite3_column_int64(s, 3)),
		.pages = sqlite3_column_int64(s, 4),
		.pages_left = nonneg(sqlite3_column_int64(s, 4) - sqlite3_column_int64(s, 5)),
		.valid_until = sqlite3_column_int64(s, 6),
		.created_at = sqlite3_column_int64(s, 8),
		.in_use = sqlite3_column_int(s, 9) != 0,
		.spare = sqlite3_column_int(s, 10) != 0,
		.all_sites = sqlite3_column_type(s, 11) == SQLITE_NULL,
	};
	snprintf(out->hint, sizeof(out->hint), "%s", sqlite3_column_text(s, 1));
	const char *site = (const char *)sqlite3_column_text(s, 11);
	snprintf(out->site, sizeof(out->site), "%s", site ? site : "");
}

void store_codes_list(struct store *st, bool all, struct store_code_rows *out)
{
	/* A mediator's accompany codes are not the desk's to see. */
	char *sql = xasprintf("SELECT %s FROM codes c WHERE NOT c.accompany %s"
			      " ORDER BY c.id DESC LIMIT 10000",
			      code_cols,
			      all ? ""
				  : "AND c.revoked_at IS NULL AND c.valid_until > ?1"
				    " AND c.seconds_used < c.seconds_total");
	*out = (struct store_code_rows){0};
	int64_t now = now_s();
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, sql);
	if (!all)
		sqlite3_bind_int64(s, 1, now);
	while (sqlite3_step(s) == SQLITE_ROW) {
		out->v = store_grow(out->v, out->n, sizeof(*out->v));
		code_row(s, now, &out->v[out->n++]);
	}
	sqlite3_finalize(s);
	store_unlock(st);
	free(sql);
}

/* Finds a code by clear text or id; caller holds the lock. 0 when unknown. */
static int64_t code_find(struct store *st, const char *norm, int64_t id)
{
	if (!norm)
		return id > 0 ? id : 0;
	uint8_t h[CODE_HASH_LEN];
	code_hash(st->code_key, norm, h);
	sqlite3_stmt *s =
		db_prepare(st->db, "SELECT id FROM codes WHERE hash = ? AND NOT accompany");
	sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
	int64_t found = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return found;
}

static bool code_get(struct store *st, int64_t id, struct store_code_row *out)
{
	char *sql = xasprintf("SELECT %s FROM codes c WHERE c.id = ?", code_cols);
	sqlite3_stmt *s = db_prepare(st->db, sql);
	sqlite3_bind_int64(s, 1, id);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	if (found)
		code_row(s, now_s(), out);
	sqlite3_finalize(s);
	free(sql);
	return found;
}

/* Runs UPDATE SQL with ?1 = id, ?2 = rev, ?3..?5 = A, B, C, ?6 = now; audits;
 * returns the row. */
static enum store_rc code_change(struct store *st, const struct store_actor *who, const char *norm,
				 int64_t id, const char *sql, const char *action, int64_t a,
				 int64_t b, int64_t c, struct store_code_row *out)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	id = code_find(st, norm, id);
	/* A limited account knows only its sites' codes: another's is unknown. */
	if (id && who && who->sites.n > 0) {
		struct store_code_row row;
		if (!code_get(st, id, &row) || row.all_sites || !actor_site_ok(who, row.site))
			id = 0;
	}
	sqlite3_stmt *s = db_prepare(st->db, sql);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, store_next_rev(st));
	sqlite3_bind_int64(s, 3, a);
	sqlite3_bind_int64(s, 4, b);
	sqlite3_bind_int64(s, 5, c);
	sqlite3_bind_int64(s, 6, now_s());
	int r = sqlite3_step(s);
	sqlite3_finalize(s);
	if (r != SQLITE_DONE)
		return store_tx_end(st, STORE_ERROR);
	if (sqlite3_changes(st->db) == 0) {
		enum store_rc rc = STORE_NOT_FOUND;
		if (id) {
			/* Revoked, or (extending) past what a code may hold. */
			sqlite3_stmt *e = db_prepare(
				st->db, "SELECT revoked_at IS NULL FROM codes WHERE id = ?");
			sqlite3_bind_int64(e, 1, id);
			rc = sqlite3_step(e) != SQLITE_ROW ? STORE_NOT_FOUND
			     : sqlite3_column_int(e, 0)    ? STORE_LIMIT
							   : STORE_CONFLICT;
			sqlite3_finalize(e);
		}
		return store_tx_end(st, rc);
	}
	char target[32];
	snprintf(target, sizeof(target), "code #%lld", (long long)id);
	if (!code_get(st, id, out))
		return store_tx_end(st, STORE_ERROR);
	const struct audit_field d[] = {{"minutes", NULL, a / 60},
					{"pages", NULL, b},
					{"days", NULL, c / 86400},
					{"site", out->all_sites ? "all" : out->site, 0}};
	bool extend = strcmp(action, "code.extend") == 0;
	const struct audit_field *detail = extend ? d : d + 3;
	if (!store_audit(st, who, action, target, detail, extend ? ARRAY_LEN(d) : 1))
		return store_tx_end(st, STORE_ERROR);
	return store_tx_end(st, code_get(st, id, out) ? STORE_OK : STORE_ERROR);
}

enum store_rc store_code_revoke(struct store *st, const struct store_actor *who, const char *norm,
				int64_t id, struct store_code_row *out)
{
	return code_change(st, who, norm, id,
			   "UPDATE codes SET revoked_at = ?6, rev = ?2"
			   " WHERE id = ?1 AND revoked_at IS NULL AND ?3 + ?4 + ?5 = 0",
			   "code.revoke", 0, 0, 0, out);
}

enum store_rc store_code_extend(struct store *st, const struct store_actor *who, const char *norm,
				int64_t id, int64_t add_seconds, int64_t add_pages,
				int64_t add_days, struct store_code_row *out)
{
	/* Extending a code that is expired gives it days from now, not from
	 * its old end: what the desk means by "give them two more days". A code
	 * never holds more than a new one may: what is left at most
	 * STORE_CODE_MAX_SECONDS and STORE_CODE_MAX_PAGES, valid at most
	 * STORE_CODE_MAX_DAYS from now (repeated extensions had no bound). */
	_Static_assert(STORE_CODE_MAX_SECONDS == 86400 && STORE_CODE_MAX_PAGES == 1000 &&
			       STORE_CODE_MAX_DAYS == 366,
		       "the limits are written out in the SQL below");
	return code_change(st, who, norm, id,
			   "UPDATE codes SET seconds_total = seconds_total + ?3,"
			   " pages_total = pages_total + ?4,"
			   " valid_until = CASE WHEN ?5 = 0 THEN valid_until"
			   "   ELSE max(valid_until, ?6) + ?5 END,"
			   " rev = ?2 WHERE id = ?1 AND revoked_at IS NULL"
			   /* STORE_CODE_MAX_SECONDS, _PAGES, _DAYS */
			   " AND max(seconds_total - seconds_used, 0) + ?3 <= 86400"
			   " AND max(pages_total - pages_used, 0) + ?4 <= 1000"
			   " AND (?5 = 0 OR max(valid_until, ?6) + ?5 <= ?6 + 366 * 86400)",
			   "code.extend", add_seconds, add_pages, add_days * 86400, out);
}

bool store_code_cache(struct store *st, int64_t kiosk, int64_t since, struct store_code_cache *out)
{
	int64_t now = now_s();
	static const char sql_full[] =
		"SELECT verifier, seconds_total, seconds_used, pages_total, pages_used,"
		" valid_until, revoked_at FROM codes WHERE revoked_at IS NULL"
		" AND valid_until > ?1 AND seconds_used < seconds_total AND NOT accompany"
		" AND (site IS NULL OR site = (SELECT site FROM kiosks WHERE id = ?3))";
	static const char sql_delta[] =
		"SELECT verifier, seconds_total, seconds_used, pages_total, pages_used,"
		" valid_until, revoked_at FROM codes WHERE rev > ?2 AND NOT accompany"
		" AND (site IS NULL OR site = (SELECT site FROM kiosks WHERE id = ?3))";
	memset(out, 0, sizeof(*out));
	out->full = since <= 0;
	hex_encode(st->offline_salt, STORE_SALT_LEN, out->salt);
	size_t cap = 0;
	store_lock(st);
	out->cursor = st->rev;
	out->opslimit = st->pol.opslimit;
	out->memlimit = st->pol.memlimit_bytes;
	/* A cursor from the future (a database restored from a backup) cannot
	 * be trusted: the kiosk starts again from the whole list. */
	if (since > out->cursor)
		out->full = true;
	sqlite3_stmt *s = db_prepare(st->db, out->full ? sql_full : sql_delta);
	bool ok = s != NULL;
	if (out->full)
		sqlite3_bind_int64(s, 1, now);
	else
		sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int64(s, 3, kiosk);
	while (ok && sqlite3_step(s) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 0) != STORE_VERIFIER_LEN)
			continue;
		if (out->n == cap) {
			cap = cap ? 2 * cap : 64;
			out->codes = xrealloc(out->codes, cap * sizeof(*out->codes));
		}
		struct store_cached_code *c = &out->codes[out->n++];
		hex_encode(sqlite3_column_blob(s, 0), STORE_VERIFIER_LEN, c->verifier);
		int64_t total = sqlite3_column_int64(s, 1), used = sqlite3_column_int64(s, 2);
		c->valid_until = sqlite3_column_int64(s, 5);
		c->state = sqlite3_column_type(s, 6) != SQLITE_NULL ? WIRE_CODE_REVOKED
			   : c->valid_until <= now                  ? WIRE_CODE_EXPIRED
			   : used >= total                          ? WIRE_CODE_USED_UP
								    : WIRE_CODE_ACTIVE;
		c->seconds_left = nonneg(total - used);
		c->pages_left = nonneg(sqlite3_column_int64(s, 3) - sqlite3_column_int64(s, 4));
	}
	sqlite3_finalize(s);
	store_unlock(st);
	return ok;
}
