/* store_enroll: one-time codes with which a new kiosk fetches its own token (escale-kiosk
 * --enroll), so that no token file is ever copied by hand. A code is kept only as its keyed
 * hash, serves once, for one kiosk name, within its validity. */
#include "store_internal.h"

#include <sodium.h>
#include <string.h>

#include "db.h"
#include "util.h"

static bool live_kiosk(struct store *st, const char *name)
{
	sqlite3_stmt *s =
		db_prepare(st->db, "SELECT 1 FROM kiosks WHERE name = ? AND revoked_at IS NULL");
	bind_text(s, 1, name);
	bool live = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return live;
}

enum store_rc store_enroll_new(struct store *st, const struct store_actor *who, const char *name,
			       const char *site, int64_t expires_at,
			       char code[STORE_ENROLL_LEN + 1])
{
	uint8_t h[CODE_HASH_LEN];
	code_generate(CODE_ALNUM, STORE_ENROLL_LEN, code);
	code_hash(st->code_key, code, h);
	if (!store_tx_begin(st))
		return STORE_ERROR;
	if (live_kiosk(st, name))
		return store_tx_end(st, STORE_CONFLICT);
	/* One code per name: a new one replaces one not used yet. */
	sqlite3_stmt *s =
		db_prepare(st->db, "DELETE FROM enrollments WHERE name = ? AND used_at IS NULL");
	bind_text(s, 1, name);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	s = db_prepare(st->db, "INSERT INTO enrollments(code_hash, name, site, created_at,"
			       " created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)");
	sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
	bind_text(s, 2, name);
	bind_text(s, 3, site);
	sqlite3_bind_int64(s, 4, now_s());
	if (who && who->user_id)
		sqlite3_bind_int64(s, 5, who->user_id);
	else
		sqlite3_bind_null(s, 5);
	sqlite3_bind_int64(s, 6, expires_at);
	ok = ok && sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	const struct audit_field f[] = {{"expires_at", NULL, expires_at}, {"site", site, 0}};
	ok = ok && store_audit(st, who, "kiosk.enroll_code", name, f, ARRAY_LEN(f));
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

/* Takes the code NORM if it is valid: its name and site into OUT. */
static enum store_rc take(struct store *st, const char *norm, int64_t now,
			  struct store_enrolled *out)
{
	uint8_t h[CODE_HASH_LEN];
	code_hash(st->code_key, norm, h);
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s = db_prepare(st->db, "UPDATE enrollments SET used_at = ?2"
					     " WHERE code_hash = ?1 AND used_at IS NULL"
					     " AND expires_at > ?2 RETURNING name, site");
	sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		snprintf(out->name, sizeof(out->name), "%s", sqlite3_column_text(s, 0));
		snprintf(out->site, sizeof(out->site), "%s", sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	return store_tx_end(st, r == SQLITE_ROW    ? STORE_OK
				: r == SQLITE_DONE ? STORE_NOT_FOUND
						   : STORE_ERROR);
}

enum store_rc store_enroll_redeem(struct store *st, const char *norm, const char *address,
				  struct store_enrolled *out)
{
	memset(out, 0, sizeof(*out));
	enum store_rc rc = take(st, norm, now_s(), out);
	if (rc != STORE_OK)
		return rc;
	/* The kiosk's own name in the audit: it enrolled itself, with its code. */
	struct store_actor self = {0};
	snprintf(self.name, sizeof(self.name), "enrollment");
	rc = store_kiosk_create(st, &self, out->name, out->site, out->token, &out->id);
	if (rc != STORE_OK)
		return rc;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	const struct audit_field f[] = {{"address", address, 0}};
	bool ok = store_audit(st, &self, "kiosk.enrolled", out->name, f, ARRAY_LEN(f));
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}
