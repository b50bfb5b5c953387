/* kcache: the kiosk's SQLite state: offline code cache, outbox of events, current session. */
#include "kcache.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "code.h"
#include "db.h"
#include "log.h"
#include "util.h"

struct kcache {
	sqlite3 *db;
};

/* Each entry brings the schema from version i to i + 1 (PRAGMA user_version). */
static const char *const migrations[] = {
	"CREATE TABLE meta(id INTEGER PRIMARY KEY CHECK (id = 1), cursor INTEGER NOT NULL,"
	" salt TEXT NOT NULL, opslimit INTEGER NOT NULL, memlimit INTEGER NOT NULL,"
	" synced_at INTEGER NOT NULL);"
	"CREATE TABLE codes(verifier TEXT PRIMARY KEY, state TEXT NOT NULL,"
	" seconds_left INTEGER NOT NULL, pages_left INTEGER NOT NULL,"
	" valid_until INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" event_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);"
	/* left_*: the code's budget when the session opened, for the local debit. */
	"CREATE TABLE current(id INTEGER PRIMARY KEY CHECK (id = 1), session TEXT NOT NULL,"
	" offline INTEGER NOT NULL, verifier TEXT, started_at INTEGER NOT NULL,"
	" seconds_used INTEGER NOT NULL DEFAULT 0, pages_used INTEGER NOT NULL DEFAULT 0,"
	" left_seconds INTEGER NOT NULL, left_pages INTEGER NOT NULL);"
	"CREATE TABLE lockout(id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL,"
	" lockouts INTEGER NOT NULL, until INTEGER NOT NULL, last_fail INTEGER NOT NULL);",
	/* admind's services list as the helper checked it; escale-proxy's refusals of a day,
	 * the last report read and whether admind has it. */
	"CREATE TABLE services(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL,"
	" body TEXT NOT NULL);"
	"CREATE TABLE refusals(day TEXT PRIMARY KEY, body TEXT NOT NULL,"
	" sent INTEGER NOT NULL) WITHOUT ROWID;",
	/* Its site's settings in admind, as the helper checked them (docs/API.md, "Sites"). */
	"CREATE TABLE settings(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL,"
	" body TEXT NOT NULL);",
};

/* A quiet hour forgets earlier lock-outs (as admind's rate limiter does). */
#define FORGET_S 3600

bool kcache_state_parse(const char *s, enum kc_state *out)
{
	enum wire_code_state w;
	if (!wire_code_state_parse(s, &w))
		return false;
	*out = (enum kc_state)w;
	return true;
}

enum wire_refusal kcache_verdict_refusal(enum kc_verdict v)
{
	switch (v) {
	case KCV_UNKNOWN:
		return WIRE_REFUSED_UNKNOWN;
	case KCV_EXPIRED:
		return WIRE_REFUSED_EXPIRED;
	case KCV_USED_UP:
		return WIRE_REFUSED_USED_UP;
	case KCV_REVOKED:
		return WIRE_REFUSED_REVOKED;
	case KCV_IN_USE:
		return WIRE_REFUSED_IN_USE;
	case KCV_LOCKED:
		return WIRE_REFUSED_RATE;
	case KCV_OK:
	case KCV_ERROR:
		break;
	}
	return WIRE_REFUSED_ERROR;
}

static bool tx_begin(struct kcache *kc)
{
	return db_exec(kc->db, "BEGIN IMMEDIATE", "kcache");
}

static bool tx_end(struct kcache *kc, bool ok)
{
	if (ok && db_exec(kc->db, "COMMIT", "kcache"))
		return true;
	db_exec(kc->db, "ROLLBACK", "kcache");
	return false;
}

/* Steps a statement that returns no rows and finalizes it. */
static bool step_done(struct kcache *kc, sqlite3_stmt *s)
{
	int r = sqlite3_step(s);
	sqlite3_finalize(s);
	if (r != SQLITE_DONE) {
		log_warnx("kcache: %s", sqlite3_errmsg(kc->db));
		return false;
	}
	return true;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static bool migrate(struct kcache *kc, const char *path)
{
	sqlite3_stmt *s = db_prepare(kc->db, "PRAGMA user_version");
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	if (v < 0 || v > (int64_t)ARRAY_LEN(migrations)) {
		log_warnx("%s: schema version %lld is not one this program knows", path,
			  (long long)v);
		return false;
	}
	for (; v < (int64_t)ARRAY_LEN(migrations); v++) {
		char *bump = xasprintf("PRAGMA user_version = %lld", (long long)v + 1);
		bool ok = tx_begin(kc);
		ok = ok && tx_end(kc, db_exec(kc->db, migrations[v], path) &&
					      db_exec(kc->db, bump, path));
		free(bump);
		if (!ok)
			return false;
	}
	return true;
}

struct kcache *kcache_open(const char *state_dir)
{
	if (mkdir(state_dir, 0700) != 0 && errno != EEXIST) {
		log_warn("mkdir %s", state_dir);
		return NULL;
	}
	struct stat st;
	if (stat(state_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		log_warnx("%s: not a directory", state_dir);
		return NULL;
	}
	char *path = xasprintf("%s/kiosk.db", state_dir);
	struct kcache *kc = xcalloc(1, sizeof(*kc));
	kc->db = db_open(path, false);
	/* FULL: a committed event or session survives a power cut, not only a crash. */
	if (!kc->db || !db_exec(kc->db, "PRAGMA synchronous = FULL", path) || !migrate(kc, path)) {
		free(path);
		kcache_close(kc);
		return NULL;
	}
	free(path);
	return kc;
}

void kcache_close(struct kcache *kc)
{
	if (!kc)
		return;
	sqlite3_close(kc->db);
	free(kc);
}

/* ---------------------------------------------------------------- the code cache */

bool kcache_meta(struct kcache *kc, struct kc_meta *out, bool *have)
{
	sqlite3_stmt *s = db_prepare(
		kc->db, "SELECT cursor, salt, opslimit, memlimit FROM meta WHERE id = 1");
	int r = sqlite3_step(s);
	*have = false;
	if (r == SQLITE_ROW) {
		const char *salt = (const char *)sqlite3_column_text(s, 1);
		out->cursor = sqlite3_column_int64(s, 0);
		out->opslimit = sqlite3_column_int64(s, 2);
		out->memlimit = sqlite3_column_int64(s, 3);
		*have = salt && hex_decode(salt, out->salt, KC_SALT_LEN);
		if (!*have)
			log_warnx("kcache: the stored salt is damaged; waiting for a full sync");
	}
	sqlite3_finalize(s);
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		log_warnx("kcache: %s", sqlite3_errmsg(kc->db));
		return false;
	}
	return true;
}

bool kcache_sync(struct kcache *kc, const struct kc_meta *m, bool full, const struct kc_code *codes,
		 size_t n)
{
	char salt[KC_SALT_LEN * 2 + 1];
	hex_encode(m->salt, KC_SALT_LEN, salt);
	if (!tx_begin(kc))
		return false;
	bool ok = !full || db_exec(kc->db, "DELETE FROM codes", "kcache");
	sqlite3_stmt *s = db_prepare(
		kc->db, "INSERT INTO codes(verifier, state, seconds_left, pages_left, valid_until)"
			" VALUES (?, ?, ?, ?, ?) ON CONFLICT(verifier) DO UPDATE SET"
			" state = excluded.state, seconds_left = excluded.seconds_left,"
			" pages_left = excluded.pages_left, valid_until = excluded.valid_until");
	for (size_t i = 0; ok && i < n; i++) {
		sqlite3_reset(s);
		bind_text(s, 1, codes[i].verifier);
		bind_text(s, 2, wire_code_state_word((enum wire_code_state)codes[i].state));
		sqlite3_bind_int64(s, 3, codes[i].seconds_left);
		sqlite3_bind_int64(s, 4, codes[i].pages_left);
		sqlite3_bind_int64(s, 5, codes[i].valid_until);
		ok = sqlite3_step(s) == SQLITE_DONE;
	}
	if (!ok)
		log_warnx("kcache: sync: %s", sqlite3_errmsg(kc->db));
	sqlite3_finalize(s);
	if (ok) {
		s = db_prepare(kc->db, "INSERT OR REPLACE INTO meta(id, cursor, salt, opslimit,"
				       " memlimit, synced_at) VALUES (1, ?, ?, ?, ?, ?)");
		sqlite3_bind_int64(s, 1, m->cursor);
		bind_text(s, 2, salt);
		sqlite3_bind_int64(s, 3, m->opslimit);
		sqlite3_bind_int64(s, 4, m->memlimit);
		sqlite3_bind_int64(s, 5, now_s());
		ok = step_done(kc, s);
	}
	return tx_end(kc, ok);
}

int kcache_verifier(const struct kc_meta *m, const char *code, char out[KC_VERIFIER_HEX + 1])
{
	char norm[CODE_MAX_LEN + 1];
	uint8_t v[KC_VERIFIER_HEX / 2];
	out[0] = '\0';
	if (!code_normalise(code, norm))
		return 0;
	int rc = -1;
	if (m->opslimit < (int64_t)crypto_pwhash_OPSLIMIT_MIN || m->opslimit > KC_OPSLIMIT_MAX ||
	    m->memlimit < (int64_t)crypto_pwhash_MEMLIMIT_MIN || m->memlimit > KC_MEMLIMIT_MAX)
		log_warnx("kcache: argon2id parameters out of bounds");
	else if (crypto_pwhash(v, sizeof(v), norm, strlen(norm), m->salt,
			       (unsigned long long)m->opslimit, (size_t)m->memlimit,
			       crypto_pwhash_ALG_ARGON2ID13) != 0)
		log_warnx("kcache: argon2id failed (out of memory?)");
	else {
		hex_encode(v, sizeof(v), out);
		rc = 1;
	}
	sodium_memzero(norm, sizeof(norm));
	sodium_memzero(v, sizeof(v));
	return rc;
}

/* ---------------------------------------------------------------- the outbox */

/* Queues EV (consumed) under a fresh event id; caller is in a transaction. */
static bool outbox_add(struct kcache *kc, json_t *ev)
{
	uint8_t raw[16];
	char id[sizeof(raw) * 2 + 1];
	randombytes_buf(raw, sizeof(raw));
	hex_encode(raw, sizeof(raw), id);
	json_object_set_new(ev, "id", json_string(id));
	char *body = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
	if (!body)
		fatalx("%s: out of memory", __func__);
	sqlite3_stmt *s = db_prepare(kc->db, "INSERT INTO outbox(event_id, body) VALUES (?, ?)");
	bind_text(s, 1, id);
	bind_text(s, 2, body);
	free(body);
	return step_done(kc, s);
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

json_t *kcache_outbox_peek(struct kcache *kc, size_t max)
{
	sqlite3_stmt *s =
		db_prepare(kc->db, "SELECT seq, event_id, body FROM outbox ORDER BY seq LIMIT ?");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
	json_t *arr = json_array();
	int64_t bad[16];
	size_t n_bad = 0;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 1);
		const char *body = (const char *)sqlite3_column_text(s, 2);
		json_t *ev = body ? json_loads(body, JSON_REJECT_DUPLICATES, NULL) : NULL;
		const char *evid = json_string_value(json_object_get(ev, "id"));
		if (!json_is_object(ev) || !id || !evid || strcmp(id, evid) != 0) {
			/* Cannot happen unless the file was damaged; kept, it would
			 * block every later event. */
			log_warnx("kcache: outbox event %lld is damaged; dropped",
				  (long long)sqlite3_column_int64(s, 0));
			json_decref(ev);
			if (n_bad < ARRAY_LEN(bad))
				bad[n_bad++] = sqlite3_column_int64(s, 0);
			continue;
		}
		json_array_append_new(arr, ev);
	}
	sqlite3_finalize(s);
	if (r != SQLITE_DONE) {
		log_warnx("kcache: outbox: %s", sqlite3_errmsg(kc->db));
		json_decref(arr);
		return NULL;
	}
	for (size_t i = 0; i < n_bad; i++) {
		s = db_prepare(kc->db, "DELETE FROM outbox WHERE seq = ?");
		sqlite3_bind_int64(s, 1, bad[i]);
		step_done(kc, s);
	}
	return arr;
}

bool kcache_outbox_remove(struct kcache *kc, const char *const *ids, size_t n)
{
	if (!tx_begin(kc))
		return false;
	bool ok = true;
	sqlite3_stmt *s = db_prepare(kc->db, "DELETE FROM outbox WHERE event_id = ?");
	for (size_t i = 0; ok && i < n; i++) {
		sqlite3_reset(s);
		bind_text(s, 1, ids[i]);
		ok = sqlite3_step(s) == SQLITE_DONE;
	}
	if (!ok)
		log_warnx("kcache: outbox: %s", sqlite3_errmsg(kc->db));
	sqlite3_finalize(s);
	return tx_end(kc, ok);
}

int64_t kcache_outbox_count(struct kcache *kc)
{
	sqlite3_stmt *s = db_prepare(kc->db, "SELECT count(*) FROM outbox");
	int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	return n;
}

/* ---------------------------------------------------------------- the current session */

static bool current_get(struct kcache *kc, struct kc_current *out, bool *have)
{
	sqlite3_stmt *s = db_prepare(kc->db, "SELECT session, offline, verifier, started_at,"
					     " seconds_used, pages_used FROM current WHERE id = 1");
	int r = sqlite3_step(s);
	*have = false;
	memset(out, 0, sizeof(*out));
	if (r == SQLITE_ROW) {
		const char *sess = (const char *)sqlite3_column_text(s, 0);
		const char *ver = (const char *)sqlite3_column_text(s, 2);
		snprintf(out->session, sizeof(out->session), "%s", sess ? sess : "");
		out->offline = sqlite3_column_int(s, 1) != 0;
		snprintf(out->verifier, sizeof(out->verifier), "%s", ver ? ver : "");
		out->started_at = sqlite3_column_int64(s, 3);
		out->seconds_used = sqlite3_column_int64(s, 4);
		out->pages_used = sqlite3_column_int64(s, 5);
		*have = true;
	}
	sqlite3_finalize(s);
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		log_warnx("kcache: %s", sqlite3_errmsg(kc->db));
		return false;
	}
	return true;
}

bool kcache_current(struct kcache *kc, struct kc_current *out, bool *have)
{
	return current_get(kc, out, have);
}

/* Queues session_end for SESSION; if it is the current one, closes it and
 * debits its code. Caller is in a transaction. */
static bool end_in_tx(struct kcache *kc, const char *session, const char *reason,
		      int64_t seconds_used, int64_t pages_used, const json_t *services, int64_t now)
{
	seconds_used = clamp(seconds_used, 0, KC_SECONDS_MAX);
	pages_used = clamp(pages_used, 0, KC_PAGES_MAX);
	json_t *ev =
		json_pack("{ss sI ss ss sI sI}", "type", wire_event_word(WIRE_EV_SESSION_END), "at",
			  (json_int_t)now, "session", session, "reason", reason, "seconds_used",
			  (json_int_t)seconds_used, "pages_used", (json_int_t)pages_used);
	/* The services reached, as escale-proxy counted them: ids, each once, at most 64. */
	json_t *ids = json_array();
	size_t i;
	const json_t *v;
	json_array_foreach (services, i, v) {
		const char *id = json_string_value(v);
		bool seen = false;
		for (size_t k = 0; id && k < json_array_size(ids); k++)
			seen |= strcmp(json_string_value(json_array_get(ids, k)), id) == 0;
		if (id && !seen && svc_id_ok(id) && json_array_size(ids) < KC_SERVICES_MAX)
			json_array_append_new(ids, json_string(id));
	}
	if (ev && json_array_size(ids) > 0)
		json_object_set_new(ev, "services", ids);
	else
		json_decref(ids);
	if (!outbox_add(kc, ev))
		return false;
	/* Budget at the start minus what was used, unless a sync already
	 * brought a lower figure: the code cannot be reused offline beyond it. */
	sqlite3_stmt *s = db_prepare(
		kc->db,
		"UPDATE codes SET"
		" seconds_left = max(0, min(seconds_left, (SELECT left_seconds FROM current"
		"   WHERE id = 1) - ?1)),"
		" pages_left = max(0, min(pages_left, (SELECT left_pages FROM current"
		"   WHERE id = 1) - ?2))"
		" WHERE verifier = (SELECT verifier FROM current WHERE id = 1 AND session = ?3)");
	sqlite3_bind_int64(s, 1, seconds_used);
	sqlite3_bind_int64(s, 2, pages_used);
	bind_text(s, 3, session);
	if (!step_done(kc, s))
		return false;
	s = db_prepare(kc->db, "DELETE FROM current WHERE session = ?");
	bind_text(s, 1, session);
	return step_done(kc, s);
}

/* A login while a session is still recorded: the kiosk never reported its end. */
static bool end_leftover(struct kcache *kc, int64_t now)
{
	struct kc_current cur;
	bool have;
	if (!current_get(kc, &cur, &have))
		return false;
	if (!have)
		return true;
	log_warnx("session %s was still open at a new login; ending it", cur.session);
	return end_in_tx(kc, cur.session, "error", cur.seconds_used, cur.pages_used, NULL, now);
}

static bool current_insert(struct kcache *kc, const char *session, bool offline,
			   const char *verifier, int64_t now, int64_t left_s, int64_t left_p)
{
	sqlite3_stmt *s = db_prepare(kc->db, "INSERT INTO current(id, session, offline, verifier,"
					     " started_at, left_seconds, left_pages)"
					     " VALUES (1, ?, ?, ?, ?, ?, ?)");
	bind_text(s, 1, session);
	sqlite3_bind_int(s, 2, offline);
	bind_text(s, 3, verifier);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, left_s);
	sqlite3_bind_int64(s, 6, left_p);
	return step_done(kc, s);
}

static bool lockout_reset(struct kcache *kc)
{
	return db_exec(kc->db, "DELETE FROM lockout", "kcache");
}

bool kcache_lock_clear(struct kcache *kc)
{
	return lockout_reset(kc);
}

bool kcache_online_open(struct kcache *kc, const char *session, int64_t seconds_left,
			int64_t pages_left, int64_t now)
{
	if (!tx_begin(kc))
		return false;
	bool ok = end_leftover(kc, now) && lockout_reset(kc) &&
		  current_insert(kc, session, false, NULL, now, seconds_left, pages_left);
	return tx_end(kc, ok);
}

bool kcache_set_verifier(struct kcache *kc, const char *session, const char *verifier)
{
	sqlite3_stmt *s = db_prepare(kc->db, "UPDATE current SET verifier = ? WHERE session = ?");
	bind_text(s, 1, verifier);
	bind_text(s, 2, session);
	return step_done(kc, s);
}

bool kcache_progress(struct kcache *kc, const char *session, int64_t seconds_used,
		     int64_t pages_used, bool queue, int64_t now)
{
	seconds_used = clamp(seconds_used, 0, KC_SECONDS_MAX);
	pages_used = clamp(pages_used, 0, KC_PAGES_MAX);
	if (!tx_begin(kc))
		return false;
	sqlite3_stmt *s = db_prepare(kc->db, "UPDATE current SET seconds_used = ?,"
					     " pages_used = ? WHERE session = ?");
	sqlite3_bind_int64(s, 1, seconds_used);
	sqlite3_bind_int64(s, 2, pages_used);
	bind_text(s, 3, session);
	bool ok = step_done(kc, s);
	if (ok && queue && sqlite3_changes(kc->db) == 1)
		ok = outbox_add(kc, json_pack("{ss sI ss sI sI}", "type",
					      wire_event_word(WIRE_EV_SESSION_PROGRESS), "at",
					      (json_int_t)now, "session", session, "seconds_used",
					      (json_int_t)seconds_used, "pages_used",
					      (json_int_t)pages_used));
	return tx_end(kc, ok);
}

bool kcache_end(struct kcache *kc, const char *session, const char *reason, int64_t seconds_used,
		int64_t pages_used, const json_t *services, int64_t now)
{
	if (!tx_begin(kc))
		return false;
	return tx_end(kc, end_in_tx(kc, session, reason, seconds_used, pages_used, services, now));
}

bool kcache_recover(struct kcache *kc, int64_t now, struct kc_current *out, bool *recovered)
{
	*recovered = false;
	if (!tx_begin(kc))
		return false;
	bool ok = current_get(kc, out, recovered);
	if (ok && *recovered)
		ok = end_in_tx(kc, out->session, "restart", out->seconds_used, out->pages_used,
			       NULL, now);
	if (!tx_end(kc, ok)) {
		*recovered = false;
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- offline login */

struct lockout {
	int64_t failures, lockouts, until, last_fail;
};

static bool lockout_get(struct kcache *kc, struct lockout *l)
{
	memset(l, 0, sizeof(*l));
	sqlite3_stmt *s = db_prepare(kc->db, "SELECT failures, lockouts, until, last_fail"
					     " FROM lockout WHERE id = 1");
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		l->failures = sqlite3_column_int64(s, 0);
		l->lockouts = sqlite3_column_int64(s, 1);
		l->until = sqlite3_column_int64(s, 2);
		l->last_fail = sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	return r == SQLITE_ROW || r == SQLITE_DONE;
}

static int64_t lockout_left(const struct lockout *l, const struct kc_policy *pol, int64_t now)
{
	/* Capped: a clock set back must not lock the kiosk for longer. */
	return l->until > now ? clamp(l->until - now, 0, pol->lockout_max_s) : 0;
}

int64_t kcache_lock_wait(struct kcache *kc, const struct kc_policy *pol, int64_t now)
{
	struct lockout l;
	return lockout_get(kc, &l) ? lockout_left(&l, pol, now) : 0;
}

/* Counts a wrong code; returns the lock-out it starts, in seconds, or 0. */
/* A wrong code: *LOCK, the pause it starts (0: none), else *TRIES_LEFT before one. */
static bool lockout_fail(struct kcache *kc, const struct kc_policy *pol, int64_t now, int64_t *lock,
			 int64_t *tries_left)
{
	struct lockout l;
	*lock = *tries_left = 0;
	if (!lockout_get(kc, &l))
		return false;
	if (l.last_fail && now - l.last_fail > FORGET_S)
		l.lockouts = 0;
	l.last_fail = now;
	if (pol->max_failures > 0 && ++l.failures >= pol->max_failures) {
		*lock = pol->lockout_s;
		for (int64_t i = 0; i < l.lockouts && *lock < pol->lockout_max_s; i++)
			*lock *= 2;
		*lock = clamp(*lock, 1, pol->lockout_max_s > 0 ? pol->lockout_max_s : 1);
		l.until = now + *lock;
		l.lockouts++;
		l.failures = 0;
	} else if (pol->max_failures > 0) {
		*tries_left = pol->max_failures - l.failures;
	}
	sqlite3_stmt *s = db_prepare(kc->db, "INSERT OR REPLACE INTO lockout(id, failures,"
					     " lockouts, until, last_fail) VALUES (1, ?, ?, ?, ?)");
	sqlite3_bind_int64(s, 1, l.failures);
	sqlite3_bind_int64(s, 2, l.lockouts);
	sqlite3_bind_int64(s, 3, l.until);
	sqlite3_bind_int64(s, 4, l.last_fail);
	return step_done(kc, s);
}

/* The cached code's verdict; fills the budget on KCV_OK. */
static enum kc_verdict code_check(struct kcache *kc, const char *verifier, int64_t now,
				  struct kc_open *out)
{
	sqlite3_stmt *s = db_prepare(kc->db, "SELECT state, seconds_left, pages_left, valid_until"
					     " FROM codes WHERE verifier = ?");
	bind_text(s, 1, verifier);
	int r = sqlite3_step(s);
	enum kc_verdict v = KCV_UNKNOWN;
	if (r == SQLITE_ROW) {
		enum kc_state state = KC_REVOKED;
		const char *w = (const char *)sqlite3_column_text(s, 0);
		if (!w || !kcache_state_parse(w, &state))
			state = KC_REVOKED;
		out->seconds_left = sqlite3_column_int64(s, 1);
		out->pages_left = sqlite3_column_int64(s, 2);
		if (out->pages_left < 0)
			out->pages_left = 0;
		/* The same order of checks as admind's. */
		if (state == KC_REVOKED)
			v = KCV_REVOKED;
		else if (state == KC_EXPIRED || sqlite3_column_int64(s, 3) <= now)
			v = KCV_EXPIRED;
		else if (state == KC_USED_UP || out->seconds_left <= 0)
			v = KCV_USED_UP;
		else
			v = KCV_OK;
	} else if (r != SQLITE_DONE) {
		log_warnx("kcache: %s", sqlite3_errmsg(kc->db));
		v = KCV_ERROR;
	}
	sqlite3_finalize(s);
	return v;
}

static enum kc_verdict offline_open_tx(struct kcache *kc, const char *verifier,
				       const struct kc_policy *pol, int64_t now,
				       struct kc_open *out)
{
	struct lockout l;
	if (!lockout_get(kc, &l))
		return KCV_ERROR;
	if ((out->retry_after = lockout_left(&l, pol, now)) > 0)
		return KCV_LOCKED;
	enum kc_verdict v = verifier ? code_check(kc, verifier, now, out) : KCV_UNKNOWN;
	if (v == KCV_UNKNOWN) {
		if (!lockout_fail(kc, pol, now, &out->retry_after, &out->tries_left))
			return KCV_ERROR;
		return out->retry_after > 0 ? KCV_LOCKED : KCV_UNKNOWN;
	}
	if (v != KCV_OK)
		return v;
	struct kc_current cur;
	bool have;
	if (!current_get(kc, &cur, &have))
		return KCV_ERROR;
	if (have && strcmp(cur.verifier, verifier) == 0)
		return KCV_IN_USE;
	uint8_t raw[KC_SESSION_HEX / 2];
	randombytes_buf(raw, sizeof(raw));
	hex_encode(raw, sizeof(raw), out->session);
	if (!end_leftover(kc, now) || !lockout_reset(kc) ||
	    !current_insert(kc, out->session, true, verifier, now, out->seconds_left,
			    out->pages_left) ||
	    !outbox_add(kc, json_pack("{ss sI ss ss}", "type",
				      wire_event_word(WIRE_EV_SESSION_OPEN), "at", (json_int_t)now,
				      "session", out->session, "verifier", verifier)))
		return KCV_ERROR;
	return KCV_OK;
}

enum kc_verdict kcache_offline_open(struct kcache *kc, const char *verifier,
				    const struct kc_policy *pol, int64_t now, struct kc_open *out)
{
	memset(out, 0, sizeof(*out));
	if (!tx_begin(kc))
		return KCV_ERROR;
	enum kc_verdict v = offline_open_tx(kc, verifier, pol, now, out);
	/* A refusal may have counted a failure: committed too. */
	if (!tx_end(kc, v != KCV_ERROR))
		return KCV_ERROR;
	return v;
}

/* ---------------------------------------------------------------- admind's services */

bool kcache_services_get(struct kcache *kc, struct svc_list *out, bool *have)
{
	*have = false;
	out->n = 0;
	sqlite3_stmt *s = db_prepare(kc->db, "SELECT version, body FROM services WHERE id = 1");
	int r = sqlite3_step(s);
	bool ok = r == SQLITE_ROW || r == SQLITE_DONE;
	if (r == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(s, 1);
		json_error_t e;
		json_t *arr = body && strlen(body) <= SVC_JSON_MAX
				      ? json_loads(body, JSON_REJECT_DUPLICATES, &e)
				      : NULL;
		char why[300] = "not JSON or too large";
		/* Read back as strictly as it came: a damaged row is no list. */
		if (arr && svc_list_from_json(arr, false, out, why, sizeof(why))) {
			out->version = sqlite3_column_int64(s, 0);
			*have = true;
		} else {
			log_warnx("kcache: the cached services list is damaged (%s); ignored", why);
		}
		json_decref(arr);
	} else if (!ok) {
		log_warnx("kcache: services: %s", sqlite3_errmsg(kc->db));
	}
	sqlite3_finalize(s);
	return ok;
}

bool kcache_services_put(struct kcache *kc, const struct svc_list *l)
{
	json_t *arr = svc_list_to_json(l->s, l->n, false);
	char *body = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	if (!body)
		return false;
	sqlite3_stmt *s = db_prepare(kc->db, "INSERT OR REPLACE INTO services(id, version, body)"
					     " VALUES (1, ?, ?)");
	sqlite3_bind_int64(s, 1, l->version);
	bind_text(s, 2, body);
	free(body);
	return step_done(kc, s);
}

/* ---------------------------------------------------------------- its site's settings */

bool kcache_settings_get(struct kcache *kc, struct site_settings *out, int64_t *version, bool *have)
{
	*have = false;
	*version = 0;
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = db_prepare(kc->db, "SELECT version, body FROM settings WHERE id = 1");
	int r = sqlite3_step(s);
	bool ok = r == SQLITE_ROW || r == SQLITE_DONE;
	if (r == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(s, 1);
		json_error_t e;
		json_t *j = body && strlen(body) <= SITECFG_JSON_MAX
				    ? json_loads(body, JSON_REJECT_DUPLICATES, &e)
				    : NULL;
		char why[300] = "not JSON or too large";
		/* Read back as strictly as it came: damaged settings are none. */
		if (j && sitecfg_from_json(j, out, why, sizeof(why)) &&
		    sqlite3_column_int64(s, 0) >= 0) {
			*version = sqlite3_column_int64(s, 0);
			*have = true;
		} else {
			log_warnx("kcache: the cached settings are damaged (%s); ignored", why);
		}
		json_decref(j);
	} else if (!ok) {
		log_warnx("kcache: settings: %s", sqlite3_errmsg(kc->db));
	}
	sqlite3_finalize(s);
	return ok;
}

bool kcache_settings_put(struct kcache *kc, const struct site_settings *set, int64_t version)
{
	json_t *j = sitecfg_to_json(set);
	char *body = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (!body)
		return false;
	sqlite3_stmt *s = db_prepare(kc->db, "INSERT OR REPLACE INTO settings(id, version, body)"
					     " VALUES (1, ?, ?)");
	sqlite3_bind_int64(s, 1, version);
	bind_text(s, 2, body);
	free(body);
	return step_done(kc, s);
}

/* ---------------------------------------------------------------- the proxy's refusals */

bool kcache_refusals_put(struct kcache *kc, const char *day, const char *body)
{
	/* Only this day and the one before are worth keeping: admind keeps the rest. */
	sqlite3_stmt *s = db_prepare(kc->db, "DELETE FROM refusals WHERE day < date(?, '-1 day')");
	bind_text(s, 1, day);
	if (!step_done(kc, s))
		return false;
	s = db_prepare(kc->db, "INSERT INTO refusals(day, body, sent) VALUES (?1, ?2, 0)"
			       " ON CONFLICT(day) DO UPDATE SET body = ?2, sent = 0"
			       " WHERE body != ?2");
	bind_text(s, 1, day);
	bind_text(s, 2, body);
	return step_done(kc, s);
}

char *kcache_refusals_unsent(struct kcache *kc, char day[11])
{
	sqlite3_stmt *s = db_prepare(
		kc->db, "SELECT day, body FROM refusals WHERE sent = 0 ORDER BY day LIMIT 1");
	char *body = NULL;
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(s, 0);
		const char *b = (const char *)sqlite3_column_text(s, 1);
		if (d && b && strlen(d) == 10) {
			memcpy(day, d, 11);
			body = xstrdup(b);
		}
	}
	sqlite3_finalize(s);
	return body;
}

bool kcache_refusals_sent(struct kcache *kc, const char *day, const char *body)
{
	sqlite3_stmt *s =
		db_prepare(kc->db, "UPDATE refusals SET sent = 1 WHERE day = ? AND body = ?");
	bind_text(s, 1, day);
	bind_text(s, 2, body);
	return step_done(kc, s);
}
