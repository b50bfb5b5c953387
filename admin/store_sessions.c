/* store_sessions: opening, heartbeats, ending and offline events of sessions. */
#include "store_docstats.h"
#include "store_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "util.h"
#include "wire.h"

/* Runs a cached statement that returns no rows, and gives it back. */
static bool step_done(sqlite3_stmt *s)
{
	int r = sqlite3_step(s);
	store_release(s);
	return r == SQLITE_DONE;
}

static bool audit_accompany_end(struct store *st, const char *session, const char *reason);

/* The open accompanied sessions SQL selects (its ?1 bound to V) are about to end with
 * REASON: their ends go to the audit log; inside the caller's transaction. */
static bool audit_open_accompanied(struct store *st, const char *sql, int64_t v, const char *reason)
{
	/* A kiosk has one session at a time, the stale sweep a few: past 64 at once, the
	 * others end unlogged (their start is in the log). */
	char ids[64][SESSION_ID_LEN + 1];
	int n = 0;
	sqlite3_stmt *s = db_prepare(st->db, sql);
	sqlite3_bind_int64(s, 1, v);
	while (n < 64 && sqlite3_step(s) == SQLITE_ROW)
		snprintf(ids[n++], sizeof(ids[0]), "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	bool ok = true;
	for (int i = 0; ok && i < n; i++)
		ok = audit_accompany_end(st, ids[i], reason);
	return ok;
}

/* Ends every open session of KIOSK with REASON. */
static bool end_kiosk_sessions(struct store *st, int64_t kiosk, const char *reason, int64_t now)
{
	if (!audit_open_accompanied(st,
				    "SELECT s.id FROM sessions s JOIN codes c ON c.id = s.code_id"
				    " WHERE c.accompany AND s.kiosk_id = ?1 AND s.ended_at IS NULL",
				    kiosk, reason))
		return false;
	sqlite3_stmt *s = store_stmt(st, "UPDATE sessions SET ended_at = ?, end_reason = ?"
					 " WHERE kiosk_id = ? AND ended_at IS NULL");
	sqlite3_bind_int64(s, 1, now);
	bind_text(s, 2, reason);
	sqlite3_bind_int64(s, 3, kiosk);
	return step_done(s);
}

static bool touch_kiosk(struct store *st, int64_t kiosk, const char *state, const char *version,
			const char *address, int64_t now)
{
	sqlite3_stmt *s =
		store_stmt(st, "UPDATE kiosks SET last_seen = ?, state = coalesce(?, state),"
			       " version = coalesce(?, version),"
			       " address = coalesce(?, address) WHERE id = ?");
	sqlite3_bind_int64(s, 1, now);
	bind_text(s, 2, state);
	bind_text(s, 3, version);
	bind_text(s, 4, address);
	sqlite3_bind_int64(s, 5, kiosk);
	return step_done(s);
}

/* The version of its site's settings the kiosk says it applies (-1: it did not say). */
static bool settings_applied(struct store *st, int64_t kiosk, int64_t version)
{
	if (version < 0)
		return true;
	sqlite3_stmt *s = store_stmt(st, "UPDATE kiosks SET settings_version = ? WHERE id = ?");
	sqlite3_bind_int64(s, 1, version);
	sqlite3_bind_int64(s, 2, kiosk);
	return step_done(s);
}

/* Is a live session holding CODE? Sessions that no longer hold it are
 * ended: 'stale' when their kiosk fell silent, 'lost' when their own kiosk
 * asks again and has said since that it is not in a session (it restarted
 * without reporting the end). A doubled request from a kiosk in session
 * finds the code in use: a code never opens two sessions. */
static enum store_rc code_holder(struct store *st, int64_t code, int64_t kiosk, int64_t now)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT s.kiosk_id, s.last_seen, k.state FROM sessions s"
					 " JOIN kiosks k ON k.id = s.kiosk_id"
					 " WHERE s.code_id = ? AND s.ended_at IS NULL");
	sqlite3_bind_int64(s, 1, code);
	enum store_rc rc = STORE_OK;
	bool release = false;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *state = (const char *)sqlite3_column_text(s, 2);
		bool stale = sqlite3_column_int64(s, 1) < now - st->pol.stale_seconds;
		bool lost =
			sqlite3_column_int64(s, 0) == kiosk && (!state || strcmp(state, "session"));
		if (stale || lost)
			release = true;
		else
			rc = STORE_CODE_IN_USE;
	}
	store_release(s);
	if (rc == STORE_OK && release) {
		s = store_stmt(st,
			       "UPDATE sessions SET"
			       " ended_at = CASE WHEN last_seen < ?3 THEN last_seen ELSE ?1 END,"
			       " end_reason = CASE WHEN last_seen < ?3 THEN 'stale' ELSE 'lost' END"
			       " WHERE code_id = ?2 AND ended_at IS NULL");
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_int64(s, 2, code);
		sqlite3_bind_int64(s, 3, now - st->pol.stale_seconds);
		if (!step_done(s))
			rc = STORE_ERROR;
	}
	return rc;
}

static void new_session_id(char out[SESSION_ID_LEN + 1])
{
	uint8_t raw[SESSION_ID_LEN / 2];
	randombytes_buf(raw, sizeof(raw));
	hex_encode(raw, sizeof(raw), out);
}

enum store_rc store_session_open(struct store *st, int64_t kiosk, const char *norm,
				 struct session_open *out)
{
	/* A code of another site is unknown here, as a code that does not exist. */
	/* An accompany code opens one session only, and only while its mediator's account
	 * is enabled and still a mediator's. */
	static const char sql_code[] =
		"SELECT c.id, c.seconds_total - c.seconds_used,"
		" c.pages_total - c.pages_used, c.valid_until, c.revoked_at, c.accompany,"
		" (SELECT u.name FROM users u WHERE u.id = c.created_by AND u.disabled = 0"
		"  AND u.role = 'mediator'),"
		" EXISTS (SELECT 1 FROM sessions o WHERE o.code_id = c.id), c.created_by,"
		" (SELECT name FROM kiosks WHERE id = ?2)"
		" FROM codes c WHERE c.hash = ?1 AND (c.site IS NULL OR"
		" c.site = (SELECT site FROM kiosks WHERE id = ?2))";
	uint8_t h[CODE_HASH_LEN];
	code_hash(st->code_key, norm, h);
	int64_t now = now_s();
	enum store_rc rc;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s = store_stmt(st, sql_code);
	sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, kiosk);
	int64_t code = 0, mediator = 0;
	char kname[NAME_MAX_BYTES + 1] = "";
	memset(out, 0, sizeof(*out));
	if (sqlite3_step(s) == SQLITE_ROW) {
		code = sqlite3_column_int64(s, 0);
		out->seconds_left = sqlite3_column_int64(s, 1);
		out->pages_left = sqlite3_column_int64(s, 2);
		out->valid_until = sqlite3_column_int64(s, 3);
		out->accompanied = sqlite3_column_int(s, 5) != 0;
		const char *by = (const char *)sqlite3_column_text(s, 6);
		snprintf(out->accompanied_by, sizeof(out->accompanied_by), "%s", by ? by : "");
		mediator = sqlite3_column_int64(s, 8);
		const char *kn = (const char *)sqlite3_column_text(s, 9);
		snprintf(kname, sizeof(kname), "%s", kn ? kn : "");
		if (sqlite3_column_type(s, 4) != SQLITE_NULL || (out->accompanied && !by))
			rc = STORE_CODE_REVOKED;
		else if (out->accompanied && sqlite3_column_int(s, 7))
			rc = STORE_CODE_USED_UP;
		else if (out->valid_until <= now)
			rc = STORE_CODE_EXPIRED;
		else if (out->seconds_left <= 0)
			rc = STORE_CODE_USED_UP;
		else
			rc = STORE_OK;
	} else {
		rc = STORE_CODE_UNKNOWN;
	}
	store_release(s);
	if (rc == STORE_OK)
		rc = code_holder(st, code, kiosk, now);
	if (rc != STORE_OK)
		return store_tx_end(st, rc);
	if (out->pages_left < 0)
		out->pages_left = 0;
	new_session_id(out->id);
	if (!end_kiosk_sessions(st, kiosk, "replaced", now))
		return store_tx_end(st, STORE_ERROR);
	s = store_stmt(st, "INSERT INTO sessions(id, code_id, kiosk_id, started_at, last_seen)"
			   " VALUES (?, ?, ?, ?, ?)");
	bind_text(s, 1, out->id);
	sqlite3_bind_int64(s, 2, code);
	sqlite3_bind_int64(s, 3, kiosk);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, now);
	bool ok = step_done(s) && touch_kiosk(st, kiosk, "session", NULL, NULL, now);
	if (ok && out->accompanied) {
		/* The audit log names the mediator; the statistics only count the session. */
		struct store_actor by = {.role = ROLE_MEDIATOR, .user_id = mediator};
		snprintf(by.name, sizeof(by.name), "%s", out->accompanied_by);
		const struct audit_field d[] = {{"kiosk", kname, 0}};
		ok = store_audit_kiosk(st, &by, "session.accompany", out->id, kiosk, d,
				       ARRAY_LEN(d));
	}
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

/* A session ended as stale because its kiosk fell silent comes back when
 * the kiosk does, unless its code went elsewhere meanwhile. True if it did. */
static bool session_revive(struct store *st, const char *session, int64_t kiosk, bool *dberr)
{
	sqlite3_stmt *s = store_stmt(
		st, "UPDATE sessions SET ended_at = NULL, end_reason = NULL"
		    " WHERE id = ?1 AND kiosk_id = ?2 AND end_reason = 'stale' AND NOT EXISTS"
		    " (SELECT 1 FROM sessions o WHERE o.code_id = sessions.code_id"
		    " AND o.ended_at IS NULL)");
	bind_text(s, 1, session);
	sqlite3_bind_int64(s, 2, kiosk);
	*dberr = !step_done(s);
	return !*dberr && sqlite3_changes(st->db) == 1;
}

/* Moves a session's counters forward to SECONDS and PAGES (never back) and
 * debits the difference from its code, never past what the code has left;
 * an offline session's time never past AT (the moment the report speaks
 * for, at most now) since its start. With REVIVE, a stale session that its
 * kiosk reports again is brought back first. Caller holds the lock, in a
 * transaction. STORE_NOT_FOUND when KIOSK has no such session. */
static enum store_rc session_advance(struct store *st, const char *session, int64_t kiosk,
				     int64_t seconds, int64_t pages, int64_t at, int64_t now,
				     bool revive)
{
	sqlite3_stmt *s = store_stmt(
		st, "SELECT s.code_id, s.seconds_used, s.pages_used, s.ended_at,"
		    " s.end_reason = 'stale', c.seconds_total - c.seconds_used,"
		    " c.pages_total - c.pages_used, s.offline,"
		    " min(coalesce(s.ended_at, ?3), ?3) - s.started_at FROM sessions s"
		    " LEFT JOIN codes c ON c.id = s.code_id WHERE s.id = ?1 AND s.kiosk_id = ?2");
	bind_text(s, 1, session);
	sqlite3_bind_int64(s, 2, kiosk);
	sqlite3_bind_int64(s, 3, at < now ? at : now);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_release(s);
		return STORE_NOT_FOUND;
	}
	/* Offline, no one but the kiosk saw the time pass: it cannot have used
	 * more than passed between the session's start and the report (plus a
	 * second of rounding). */
	int64_t span = sqlite3_column_int64(s, 8) + 1;
	if (sqlite3_column_int(s, 7) && seconds > span)
		seconds = span < 0 ? 0 : span;
	int64_t code = sqlite3_column_int64(s, 0);
	int64_t ds = seconds - sqlite3_column_int64(s, 1);
	int64_t dp = pages < 0 ? 0 : pages - sqlite3_column_int64(s, 2);
	bool ended = sqlite3_column_type(s, 3) != SQLITE_NULL;
	bool stale = sqlite3_column_int(s, 4) != 0;
	bool has_code = sqlite3_column_type(s, 5) != SQLITE_NULL;
	int64_t left_s = sqlite3_column_int64(s, 5), left_p = sqlite3_column_int64(s, 6);
	store_release(s);
	if (ended && stale && revive) {
		bool dberr;
		ended = !session_revive(st, session, kiosk, &dberr);
		if (dberr)
			return STORE_ERROR;
	}
	/* An ended session charges nothing more, however often it is reported. */
	if (ended)
		return STORE_OK;
	if (ds < 0)
		ds = 0;
	if (dp < 0)
		dp = 0;
	/* A kiosk cannot report more than its code had: the rest was never given. */
	if (has_code && ds > (left_s > 0 ? left_s : 0))
		ds = left_s > 0 ? left_s : 0;
	if (has_code && dp > (left_p > 0 ? left_p : 0))
		dp = left_p > 0 ? left_p : 0;
	s = store_stmt(st, "UPDATE sessions SET seconds_used = seconds_used + ?,"
			   " pages_used = pages_used + ?, last_seen = ? WHERE id = ?");
	sqlite3_bind_int64(s, 1, ds);
	sqlite3_bind_int64(s, 2, dp);
	sqlite3_bind_int64(s, 3, now);
	bind_text(s, 4, session);
	if (!step_done(s))
		return STORE_ERROR;
	if (ds == 0 && dp == 0)
		return STORE_OK;
	s = store_stmt(st, "UPDATE codes SET seconds_used = seconds_used + ?,"
			   " pages_used = pages_used + ?, rev = ? WHERE id = ?");
	sqlite3_bind_int64(s, 1, ds);
	sqlite3_bind_int64(s, 2, dp);
	sqlite3_bind_int64(s, 3, store_next_rev(st));
	sqlite3_bind_int64(s, 4, code);
	return step_done(s) ? STORE_OK : STORE_ERROR;
}

static void session_status(struct store *st, const char *session, int64_t kiosk,
			   struct store_session_view *v)
{
	sqlite3_stmt *s = store_stmt(
		st, "SELECT s.ended_at, s.end_reason, c.seconds_total - c.seconds_used,"
		    " c.pages_total - c.pages_used, c.valid_until FROM sessions s"
		    " LEFT JOIN codes c ON c.id = s.code_id WHERE s.id = ? AND s.kiosk_id = ?");
	bind_text(s, 1, session);
	sqlite3_bind_int64(s, 2, kiosk);
	memset(v, 0, sizeof(*v));
	snprintf(v->id, sizeof(v->id), "%s", session);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *reason = (const char *)sqlite3_column_text(s, 1);
		int64_t sl = sqlite3_column_int64(s, 2), pl = sqlite3_column_int64(s, 3);
		v->known = true;
		v->active = sqlite3_column_type(s, 0) == SQLITE_NULL;
		v->seconds_left = sl < 0 ? 0 : sl;
		v->pages_left = pl < 0 ? 0 : pl;
		v->valid_until = sqlite3_column_int64(s, 4);
		snprintf(v->end_reason, sizeof(v->end_reason), "%s", reason ? reason : "");
	} else {
		snprintf(v->end_reason, sizeof(v->end_reason), "unknown");
	}
	store_release(s);
}

static char *column_dup(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL
		       ? NULL
		       : xstrdup((const char *)sqlite3_column_text(s, col));
}

static void pending_commands(struct store *st, int64_t kiosk, struct store_hb_answer *a)
{
	sqlite3_stmt *s =
		store_stmt(st, "SELECT id, type, session_id, seconds, text, pages,"
			       " pages_left FROM commands"
			       " WHERE kiosk_id = ? AND acked_at IS NULL ORDER BY id LIMIT ?");
	sqlite3_bind_int64(s, 1, kiosk);
	sqlite3_bind_int(s, 2, STORE_MAX_PENDING);
	while (a->n_cmds < STORE_MAX_PENDING && sqlite3_step(s) == SQLITE_ROW) {
		struct store_command *c = &a->cmds[a->n_cmds++];
		memset(c, 0, sizeof(*c));
		c->id = sqlite3_column_int64(s, 0);
		snprintf(c->type, sizeof(c->type), "%s", (const char *)sqlite3_column_text(s, 1));
		if (sqlite3_column_type(s, 2) != SQLITE_NULL)
			snprintf(c->session, sizeof(c->session), "%s",
				 (const char *)sqlite3_column_text(s, 2));
		c->has_seconds = sqlite3_column_type(s, 3) != SQLITE_NULL;
		c->seconds = sqlite3_column_int64(s, 3);
		/* A print notice names its event; the kiosk words it. */
		if (strcmp(c->type, wire_cmd_word(WIRE_CMD_PRINT)) == 0)
			c->event = column_dup(s, 4);
		else
			c->text = column_dup(s, 4);
		c->has_pages = sqlite3_column_type(s, 5) != SQLITE_NULL;
		c->pages = sqlite3_column_int64(s, 5);
		c->has_pages_left = sqlite3_column_type(s, 6) != SQLITE_NULL;
		c->pages_left = sqlite3_column_int64(s, 6);
	}
	store_release(s);
}

void store_hb_answer_free(struct store_hb_answer *a)
{
	for (size_t i = 0; i < a->n_cmds; i++) {
		free(a->cmds[i].text);
		free(a->cmds[i].event);
	}
	a->n_cmds = 0;
}

/* The heartbeat's changes and answer; caller holds the lock, in a transaction. */
static bool heartbeat_apply(struct store *st, int64_t kiosk, const struct heartbeat *hb,
			    int64_t now, struct store_hb_answer *out)
{
	if (!touch_kiosk(st, kiosk, hb->state, hb->version, hb->address, now) ||
	    !settings_applied(st, kiosk, hb->settings_version))
		return false;
	for (size_t i = 0; i < hb->n_ack; i++) {
		sqlite3_stmt *s =
			store_stmt(st, "UPDATE commands SET acked_at = ?"
				       " WHERE id = ? AND kiosk_id = ? AND acked_at IS NULL");
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_int64(s, 2, hb->ack[i]);
		sqlite3_bind_int64(s, 3, kiosk);
		if (!step_done(s))
			return false;
	}
	out->now = now;
	if (hb->session) {
		if (session_advance(st, hb->session, kiosk, hb->seconds_used, hb->pages_used, now,
				    now, true) == STORE_ERROR)
			return false;
		if (!store_docstats_record(st, kiosk, hb->session, hb->pages_scanned,
					   hb->files_copied))
			return false;
		out->has_session = true;
		session_status(st, hb->session, kiosk, &out->session);
	}
	pending_commands(st, kiosk, out);
	return true;
}

enum store_rc store_heartbeat(struct store *st, int64_t kiosk, const struct heartbeat *hb,
			      struct store_hb_answer *out)
{
	memset(out, 0, sizeof(*out));
	if (!store_tx_begin(st))
		return STORE_ERROR;
	bool ok = heartbeat_apply(st, kiosk, hb, now_s(), out);
	enum store_rc rc = store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
	if (rc != STORE_OK)
		store_hb_answer_free(out);
	return rc;
}

/* Ends SESSION of KIOSK at AT; already ended is fine. Caller holds the lock. */
/* The end of an accompanied session, in the audit log under its mediator's name; nothing
 * for a resident's session. Inside the caller's transaction. */
static bool audit_accompany_end(struct store *st, const char *session, const char *reason)
{
	sqlite3_stmt *s =
		store_stmt(st, "SELECT c.created_by, u.name, s.kiosk_id, k.name FROM sessions s"
			       " JOIN codes c ON c.id = s.code_id AND c.accompany"
			       " LEFT JOIN users u ON u.id = c.created_by"
			       " JOIN kiosks k ON k.id = s.kiosk_id WHERE s.id = ?");
	bind_text(s, 1, session);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_release(s);
		return true;
	}
	struct store_actor by = {.role = ROLE_MEDIATOR, .user_id = sqlite3_column_int64(s, 0)};
	const char *name = (const char *)sqlite3_column_text(s, 1);
	snprintf(by.name, sizeof(by.name), "%s", name ? name : "?");
	int64_t kiosk = sqlite3_column_int64(s, 2);
	char kname[NAME_MAX_BYTES + 1];
	snprintf(kname, sizeof(kname), "%s", sqlite3_column_text(s, 3));
	store_release(s);
	const struct audit_field d[] = {{"kiosk", kname, 0}, {"reason", reason, 0}};
	return store_audit_kiosk(st, &by, "session.accompany_end", session, kiosk, d, ARRAY_LEN(d));
}

static enum store_rc session_close(struct store *st, int64_t kiosk, const char *session,
				   const char *reason, int64_t seconds, int64_t pages, int64_t at,
				   const char (*services)[SVC_ID_MAX + 1], size_t n_services)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT 1 FROM sessions WHERE id = ? AND kiosk_id = ?");
	bind_text(s, 1, session);
	sqlite3_bind_int64(s, 2, kiosk);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	store_release(s);
	if (!found)
		return STORE_NOT_FOUND;
	if (session_advance(st, session, kiosk, seconds, pages, at, now_s(), false) == STORE_ERROR)
		return STORE_ERROR;
	s = store_stmt(st, "UPDATE sessions SET ended_at = max(?, started_at), end_reason = ?"
			   " WHERE id = ? AND ended_at IS NULL");
	sqlite3_bind_int64(s, 1, at);
	bind_text(s, 2, reason);
	bind_text(s, 3, session);
	if (!step_done(s))
		return STORE_ERROR;
	if (sqlite3_changes(st->db) > 0 && !audit_accompany_end(st, session, reason))
		return STORE_ERROR;
	/* The services it used count once, even when the session had already
	 * ended (by the desk, or as stale) before its kiosk said so. */
	return store_count_services(st, session, services, n_services) ? STORE_OK : STORE_ERROR;
}

enum store_rc store_session_end_kiosk(struct store *st, int64_t kiosk, const char *session,
				      const char *reason, int64_t seconds_used, int64_t pages_used,
				      const char (*services)[SVC_ID_MAX + 1], size_t n_services)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	int64_t now = now_s();
	enum store_rc rc = session_close(st, kiosk, session, reason, seconds_used, pages_used, now,
					 services, n_services);
	if (rc == STORE_OK && !touch_kiosk(st, kiosk, "login", NULL, NULL, now))
		rc = STORE_ERROR;
	return store_tx_end(st, rc);
}

/* One event, already checked for shape by the API; returns why it was ignored, or NULL. */
static const char *event_apply(struct store *st, int64_t kiosk, const struct store_event *ev,
			       bool *dberr, const char **flagged)
{
	enum wire_event type = ev->type;
	const char *session = ev->session;
	/* A kiosk's clock may run ahead; nothing happened after now. */
	int64_t now = now_s(), at = ev->at;
	if (at > now)
		at = now;
	*dberr = false;
	*flagged = NULL;
	if (type == WIRE_EV_SESSION_OPEN) {
		uint8_t v[STORE_VERIFIER_LEN];
		if (!hex_decode(ev->verifier, v, sizeof(v)))
			return "bad_verifier";
		sqlite3_stmt *s = store_stmt(st, "SELECT 1 FROM sessions WHERE id = ?");
		bind_text(s, 1, session);
		bool exists = sqlite3_step(s) == SQLITE_ROW;
		store_release(s);
		if (exists)
			return "session_exists";
		/* The start: not before the code existed, nor before the end of
		 * this kiosk's last session (one kiosk, one session at a time: it
		 * cannot spend more than the time that passed). */
		s = store_stmt(st, "SELECT c.id, max(?2, c.created_at, coalesce((SELECT"
				   "   max(coalesce(o.ended_at, o.started_at)) FROM sessions o"
				   "   WHERE o.kiosk_id = ?3), 0)),"
				   " c.revoked_at, c.valid_until, c.seconds_total - c.seconds_used"
				   " FROM codes c WHERE c.verifier = ?1 AND NOT c.accompany");
		sqlite3_bind_blob(s, 1, v, sizeof(v), SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, at);
		sqlite3_bind_int64(s, 3, kiosk);
		int64_t code = 0, start = at, end = 0;
		const char *flag = NULL;
		if (sqlite3_step(s) == SQLITE_ROW) {
			code = sqlite3_column_int64(s, 0);
			start = sqlite3_column_int64(s, 1);
			if (start > now)
				start = now;
			/* The kiosk's cache may be older than the code's state:
			 * what the code no longer allowed when the session
			 * started is recorded, ended there and flagged, never
			 * granted. A code revoked during the session ends it then. */
			int64_t revoked = sqlite3_column_type(s, 2) == SQLITE_NULL
						  ? 0
						  : sqlite3_column_int64(s, 2);
			if (revoked && revoked <= start)
				flag = "code_revoked";
			else if (sqlite3_column_int64(s, 3) <= start)
				flag = "code_expired";
			else if (sqlite3_column_int64(s, 4) <= 0)
				flag = "code_used_up";
			else if (revoked)
				end = revoked;
		}
		store_release(s);
		if (!code)
			return wire_refusal_word(WIRE_REFUSED_UNKNOWN);
		/* The time was used whatever happened elsewhere meanwhile: the
		 * session is recorded even if the code was in use online. */
		s = store_stmt(st, "INSERT INTO sessions(id, code_id, kiosk_id, started_at,"
				   " last_seen, offline, ended_at, end_reason)"
				   " VALUES (?, ?, ?, ?, ?, 1, ?, ?)");
		bind_text(s, 1, session);
		sqlite3_bind_int64(s, 2, code);
		sqlite3_bind_int64(s, 3, kiosk);
		sqlite3_bind_int64(s, 4, start);
		sqlite3_bind_int64(s, 5, now);
		if (flag || end)
			sqlite3_bind_int64(s, 6, flag ? start : end);
		else
			sqlite3_bind_null(s, 6);
		bind_text(s, 7, flag ? flag : end ? "code_revoked" : NULL);
		*dberr = !step_done(s);
		if (flag && !*dberr)
			log_warnx("offline session %s on kiosk %lld: %s; recorded, not granted",
				  session, (long long)kiosk, flag);
		*flagged = flag;
		return NULL;
	}
	if (type == WIRE_EV_SESSION_PROGRESS) {
		enum store_rc rc = session_advance(st, session, kiosk, ev->seconds_used,
						   ev->pages_used, at, now, false);
		*dberr = rc == STORE_ERROR;
		return rc == STORE_NOT_FOUND ? "session_unknown" : NULL;
	}
	/* session_end */
	enum store_rc rc = session_close(st, kiosk, session, ev->reason, ev->seconds_used,
					 ev->pages_used, at, ev->services, ev->n_services);
	*dberr = rc == STORE_ERROR;
	return rc == STORE_NOT_FOUND ? "session_unknown" : NULL;
}

/* Records and applies each event once; false on a database error. Caller
 * holds the lock, in a transaction. */
static bool events_apply(struct store *st, int64_t kiosk, const struct store_event *ev, size_t n,
			 struct store_event_result *res)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *s =
			store_stmt(st, "INSERT INTO kiosk_events(kiosk_id, event_id, received_at)"
				       " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
		sqlite3_bind_int64(s, 1, kiosk);
		bind_text(s, 2, ev[i].id);
		sqlite3_bind_int64(s, 3, now_s());
		if (!step_done(s))
			return false;
		res[i] = (struct store_event_result){"duplicate", NULL, NULL};
		if (sqlite3_changes(st->db) == 0)
			continue;
		bool dberr;
		const char *flag;
		const char *why = event_apply(st, kiosk, &ev[i], &dberr, &flag);
		if (dberr)
			return false;
		/* FLAG: recorded but not granted, the session is already ended. */
		res[i] = (struct store_event_result){why ? "ignored" : "applied", why, flag};
	}
	return touch_kiosk(st, kiosk, NULL, NULL, NULL, now_s());
}

enum store_rc store_events_apply(struct store *st, int64_t kiosk, const struct store_event *ev,
				 size_t n, struct store_event_result *res)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	return store_tx_end(st, events_apply(st, kiosk, ev, n, res) ? STORE_OK : STORE_ERROR);
}

void store_session_list(struct store *st, bool active_only, const char *scope,
			struct store_session_rows *out)
{
	char *sql = xasprintf(
		"SELECT s.id, k.name, k.site, s.code_id, s.started_at, s.ended_at,"
		" s.seconds_used, s.pages_used, s.end_reason, s.offline,"
		" max(c.seconds_total - c.seconds_used, 0), coalesce(c.accompany, 0) FROM sessions "
		"s"
		" JOIN kiosks k ON k.id = s.kiosk_id LEFT JOIN codes c ON c.id = s.code_id"
		/* Limited to the sites before the LIMIT: a quiet site's desk sees its own. */
		" WHERE (?1 IS NULL OR k.site IN (SELECT value FROM json_each(?1))) %s"
		" ORDER BY s.started_at DESC LIMIT 1000",
		active_only ? "AND s.ended_at IS NULL" : "");
	*out = (struct store_session_rows){0};
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, sql);
	bind_text(s, 1, scope);
	while (sqlite3_step(s) == SQLITE_ROW) {
		out->v = store_grow(out->v, out->n, sizeof(*out->v));
		out->v[out->n++] = (struct store_session_row){
			.id = store_col_dup(s, 0),
			.kiosk = store_col_dup(s, 1),
			.site = store_col_dup(s, 2),
			.has_code = sqlite3_column_type(s, 3) != SQLITE_NULL,
			.code_id = sqlite3_column_int64(s, 3),
			.started_at = sqlite3_column_int64(s, 4),
			.active = sqlite3_column_type(s, 5) == SQLITE_NULL,
			.ended_at = sqlite3_column_int64(s, 5),
			.seconds_used = sqlite3_column_int64(s, 6),
			.pages_used = sqlite3_column_int64(s, 7),
			.end_reason = store_col_dup(s, 8),
			.offline = sqlite3_column_int(s, 9) != 0,
			.seconds_left = sqlite3_column_int64(s, 10),
			.accompanied = sqlite3_column_int(s, 11) != 0,
		};
	}
	sqlite3_finalize(s);
	store_unlock(st);
	free(sql);
}

void store_session_rows_free(struct store_session_rows *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct store_session_row *r = &l->v[i];
		free(r->id);
		free(r->kiosk);
		free(r->site);
		free(r->end_reason);
	}
	free(l->v);
	*l = (struct store_session_rows){0};
}

/* Finds the open session ID; fills KIOSK and CODE. Caller holds the lock. */
static enum store_rc session_active(struct store *st, const char *session, int64_t *kiosk,
				    int64_t *code)
{
	sqlite3_stmt *s =
		store_stmt(st, "SELECT kiosk_id, code_id, ended_at FROM sessions WHERE id = ?");
	bind_text(s, 1, session);
	enum store_rc rc = STORE_NOT_FOUND;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*kiosk = sqlite3_column_int64(s, 0);
		*code = sqlite3_column_int64(s, 1);
		rc = sqlite3_column_type(s, 2) == SQLITE_NULL ? STORE_OK : STORE_CONFLICT;
	}
	store_release(s);
	return rc;
}

static bool add_command(struct store *st, int64_t kiosk, const char *type, const char *session,
			int64_t seconds)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT INTO commands(kiosk_id, type, session_id, seconds,"
					 " created_at) VALUES (?, ?, ?, ?, ?)");
	sqlite3_bind_int64(s, 1, kiosk);
	bind_text(s, 2, type);
	bind_text(s, 3, session);
	if (seconds)
		sqlite3_bind_int64(s, 4, seconds);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int64(s, 5, now_s());
	return step_done(s);
}

enum store_rc store_session_end_staff(struct store *st, const struct store_actor *who,
				      const char *session)
{
	int64_t kiosk, code;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	enum store_rc rc = session_active(st, session, &kiosk, &code);
	if (rc != STORE_OK)
		return store_tx_end(st, rc);
	/* The resident was in the session until now: the time since the last
	 * heartbeat counts too, so that the row's duration agrees with its start
	 * and end (within what the code had left). */
	int64_t now = now_s();
	sqlite3_stmt *s = store_stmt(st, "SELECT max(? - started_at, seconds_used) FROM sessions"
					 " WHERE id = ?");
	sqlite3_bind_int64(s, 1, now);
	bind_text(s, 2, session);
	int64_t seconds = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	store_release(s);
	enum store_rc adv = session_advance(st, session, kiosk, seconds, -1, now, now, false);
	s = store_stmt(st, "UPDATE sessions SET ended_at = ?, end_reason = 'staff'"
			   " WHERE id = ?");
	sqlite3_bind_int64(s, 1, now);
	bind_text(s, 2, session);
	bool ok = adv == STORE_OK && step_done(s) &&
		  add_command(st, kiosk, wire_cmd_word(WIRE_CMD_END_SESSION), session, 0) &&
		  store_audit_kiosk(st, who, "session.end", session, kiosk, NULL, 0) &&
		  audit_accompany_end(st, session, "staff");
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

enum store_rc store_session_add_time(struct store *st, const struct store_actor *who,
				     const char *session, int64_t seconds)
{
	int64_t kiosk, code;
	if (!store_tx_begin(st))
		return STORE_ERROR;
	enum store_rc rc = session_active(st, session, &kiosk, &code);
	if (rc != STORE_OK)
		return store_tx_end(st, rc);
	/* The same bound as codes/extend (STORE_CODE_MAX_SECONDS left). */
	sqlite3_stmt *s = store_stmt(st, "UPDATE codes SET seconds_total = seconds_total + ?1,"
					 " rev = ?2 WHERE id = ?3"
					 " AND max(seconds_total - seconds_used, 0) + ?1 <= ?4");
	sqlite3_bind_int64(s, 1, seconds);
	sqlite3_bind_int64(s, 2, store_next_rev(st));
	sqlite3_bind_int64(s, 3, code);
	sqlite3_bind_int64(s, 4, STORE_CODE_MAX_SECONDS);
	if (!step_done(s))
		return store_tx_end(st, STORE_ERROR);
	if (sqlite3_changes(st->db) == 0)
		return store_tx_end(st, STORE_LIMIT);
	bool ok =
		add_command(st, kiosk, wire_cmd_word(WIRE_CMD_ADD_TIME), session, seconds) &&
		store_audit_kiosk(st, who, "session.add_time", session, kiosk,
				  (const struct audit_field[]){{"minutes", NULL, seconds / 60}}, 1);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

bool store_end_stale(struct store *st, int64_t now)
{
	if (!store_tx_begin(st))
		return false;
	/* Ended when last heard of: the duration counts the time the kiosk was seen. (An
	 * accompanied session that comes back and ends later has a second end in the log.) */
	bool ok = audit_open_accompanied(
		st,
		"SELECT s.id FROM sessions s JOIN codes c ON c.id = s.code_id"
		" WHERE c.accompany AND s.ended_at IS NULL AND s.last_seen < ?1",
		now - st->pol.stale_seconds, "stale");
	sqlite3_stmt *s =
		store_stmt(st, "UPDATE sessions SET ended_at = last_seen,"
			       " end_reason = 'stale' WHERE ended_at IS NULL AND last_seen < ?");
	sqlite3_bind_int64(s, 1, now - st->pol.stale_seconds);
	ok = step_done(s) && ok;
	int n = sqlite3_changes(st->db);
	ok = store_tx_end(st, ok ? STORE_OK : STORE_ERROR) == STORE_OK;
	if (ok && n)
		log_info("%d session(s) ended as stale: their kiosk fell silent", n);
	return ok;
}
