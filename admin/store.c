/* store: opening and migrating the admind database, its locks and helpers. */
#include "store_docstats.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "util.h"

/* Each entry moves the schema from version i to i+1 (PRAGMA user_version). */
static const char *const migrations[] = {
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;"
	"CREATE TABLE users("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('admin', 'secretariat', 'maintenance')),"
	"  password_hash TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE api_tokens("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER);"
	"CREATE TABLE kiosks("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  site TEXT NOT NULL DEFAULT '',"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER,"
	"  last_seen INTEGER,"
	"  state TEXT,"
	"  version TEXT,"
	"  address TEXT);"
	"CREATE TABLE codes("
	"  id INTEGER PRIMARY KEY,"
	"  hash BLOB NOT NULL UNIQUE,"
	"  verifier BLOB NOT NULL,"
	"  hint TEXT NOT NULL,"
	"  seconds_total INTEGER NOT NULL CHECK (seconds_total >= 0),"
	"  seconds_used INTEGER NOT NULL DEFAULT 0,"
	"  pages_total INTEGER NOT NULL CHECK (pages_total >= 0),"
	"  pages_used INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  valid_until INTEGER NOT NULL,"
	"  revoked_at INTEGER,"
	"  rev INTEGER NOT NULL);"
	"CREATE INDEX codes_rev ON codes(rev);"
	"CREATE INDEX codes_verifier ON codes(verifier);"
	"CREATE TABLE sessions("
	"  id TEXT PRIMARY KEY,"
	"  code_id INTEGER REFERENCES codes(id) ON DELETE SET NULL,"
	"  kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),"
	"  started_at INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  ended_at INTEGER,"
	"  end_reason TEXT,"
	"  seconds_used INTEGER NOT NULL DEFAULT 0,"
	"  pages_used INTEGER NOT NULL DEFAULT 0,"
	"  offline INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX sessions_started ON sessions(started_at);"
	"CREATE INDEX sessions_active_code ON sessions(code_id) WHERE ended_at IS NULL;"
	"CREATE INDEX sessions_active_kiosk ON sessions(kiosk_id) WHERE ended_at IS NULL;"
	"CREATE TABLE commands("
	"  id INTEGER PRIMARY KEY,"
	"  kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),"
	"  type TEXT NOT NULL,"
	"  session_id TEXT,"
	"  seconds INTEGER,"
	"  text TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  acked_at INTEGER);"
	"CREATE INDEX commands_pending ON commands(kiosk_id) WHERE acked_at IS NULL;"
	"CREATE TABLE kiosk_events("
	"  kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),"
	"  event_id TEXT NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  PRIMARY KEY (kiosk_id, event_id)) WITHOUT ROWID;"
	"CREATE TABLE daily_stats("
	"  day TEXT NOT NULL,"
	"  kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),"
	"  sessions INTEGER NOT NULL,"
	"  seconds INTEGER NOT NULL,"
	"  pages INTEGER NOT NULL,"
	"  PRIMARY KEY (day, kiosk_id)) WITHOUT ROWID;"
	"CREATE TABLE audit("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER,"
	"  user_name TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT,"
	"  detail TEXT);",
	/* 2: printing (print jobs, kiosk notices, per-session print figures). */
	"CREATE TABLE print_jobs("
	"  id INTEGER PRIMARY KEY,"
	/* CUPS job ids start again at 1 on a new print host: a job is known by
	 * its job-uuid, never by its id alone. */
	"  cups_id INTEGER NOT NULL,"
	"  uuid TEXT NOT NULL UNIQUE,"
	"  queue TEXT NOT NULL,"
	"  kiosk_id INTEGER REFERENCES kiosks(id),"
	"  session_id TEXT,"
	"  code_id INTEGER REFERENCES codes(id) ON DELETE SET NULL,"
	"  title TEXT NOT NULL DEFAULT '',"
	"  doc_pages INTEGER NOT NULL DEFAULT 0,"
	"  copies INTEGER NOT NULL DEFAULT 1,"
	"  number_up INTEGER NOT NULL DEFAULT 1,"
	"  duplex INTEGER NOT NULL DEFAULT 0,"
	"  pages INTEGER NOT NULL DEFAULT 0,"
	"  sheets INTEGER NOT NULL DEFAULT 0,"
	"  charged INTEGER NOT NULL DEFAULT 0,"
	"  printed INTEGER NOT NULL DEFAULT 0,"
	"  refunded INTEGER NOT NULL DEFAULT 0,"
	"  decision TEXT NOT NULL CHECK (decision IN ('release', 'refuse', 'cancel')),"
	"  state TEXT NOT NULL,"
	"  reason TEXT,"
	"  jammed INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  settled_at INTEGER,"
	"  purged INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX print_jobs_open ON print_jobs(id) WHERE settled_at IS NULL;"
	"CREATE INDEX print_jobs_cups ON print_jobs(cups_id);"
	"CREATE INDEX print_jobs_session ON print_jobs(session_id);"
	"ALTER TABLE commands ADD COLUMN pages INTEGER;"
	"ALTER TABLE commands ADD COLUMN pages_left INTEGER;"
	"ALTER TABLE sessions ADD COLUMN pages_printed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN pages_refused INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN pages_refunded INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE daily_stats ADD COLUMN pages_printed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE daily_stats ADD COLUMN pages_refused INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE daily_stats ADD COLUMN pages_refunded INTEGER NOT NULL DEFAULT 0;",
	/* 3: the staff web pages' sessions (users.password_hash exists since 1). */
	"CREATE TABLE web_sessions("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  active_at INTEGER NOT NULL,"
	"  ended_at INTEGER);"
	"CREATE INDEX web_sessions_user ON web_sessions(user_id) WHERE ended_at IS NULL;",
	/* 4: spare codes, kept in the desk's drawer for when admind is down. */
	"ALTER TABLE codes ADD COLUMN spare INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE daily_stats ADD COLUMN spare_sessions INTEGER NOT NULL DEFAULT 0;",
	/* 5: one-time enrollment codes of new kiosks (store_enroll.c). */
	"CREATE TABLE enrollments("
	"  id INTEGER PRIMARY KEY,"
	"  code_hash BLOB NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  site TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  used_at INTEGER);",
	/* 6: the services of the kiosks' home page, their use per day and the
	 * proxy's refusals (docs/network.md). Nothing ties a service to a
	 * session: service_counted only says that a session's services were
	 * counted, not which. */
	"CREATE TABLE services("
	"  id TEXT PRIMARY KEY,"
	"  position INTEGER NOT NULL,"
	"  name TEXT NOT NULL UNIQUE,"
	"  url TEXT NOT NULL,"
	"  category TEXT NOT NULL DEFAULT '',"
	"  icon TEXT NOT NULL DEFAULT '',"
	"  domains TEXT NOT NULL," /* one per line */
	"  intranet INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE service_daily("
	"  day TEXT NOT NULL,"
	"  site TEXT NOT NULL,"
	"  service TEXT NOT NULL,"
	"  sessions INTEGER NOT NULL,"
	"  PRIMARY KEY (day, site, service)) WITHOUT ROWID;"
	"CREATE TABLE service_counted("
	"  session_id TEXT PRIMARY KEY,"
	"  at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE refusals("
	"  day TEXT NOT NULL,"
	"  kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),"
	"  host TEXT NOT NULL,"
	"  service TEXT NOT NULL," /* '' when the proxy could not tell */
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY (day, kiosk_id, host, service)) WITHOUT ROWID;"
	"CREATE TABLE refusals_other("
	"  day TEXT NOT NULL,"
	"  kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),"
	"  other INTEGER NOT NULL,"
	"  PRIMARY KEY (day, kiosk_id)) WITHOUT ROWID;",
	/* 7: calls for help from the kiosks, counted by day: no kiosk, no session, no one. */
	"CREATE TABLE help_requests("
	"  day TEXT PRIMARY KEY,"
	"  n INTEGER NOT NULL CHECK (n > 0)) WITHOUT ROWID;",
	/* 8: sites: their central settings (a checked JSON object's text, written by the
	 * API), the sites of staff accounts (none: all sites), and the version of its
	 * site's settings each kiosk last said it applies. */
	"CREATE TABLE site_settings("
	"  site TEXT PRIMARY KEY,"
	"  settings TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE user_sites("
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  site TEXT NOT NULL,"
	"  PRIMARY KEY (user_id, site)) WITHOUT ROWID;"
	"ALTER TABLE kiosks ADD COLUMN settings_version INTEGER;"
	/* A code's site: NULL is valid at every site. */
	"ALTER TABLE codes ADD COLUMN site TEXT;",
	/* 9: pages scanned and files copied outlive the sessions' details, as the other
	 * daily totals do (the purge folds doc_counts into daily_stats). */
	"ALTER TABLE daily_stats ADD COLUMN pages_scanned INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE daily_stats ADD COLUMN files_copied INTEGER NOT NULL DEFAULT 0;",
	/* 10: accompanied sessions. The role 'mediator' needs the users table rebuilt (a
	 * CHECK cannot be altered; the migrations run with foreign keys off, so that the
	 * rows referring to users stay). A mediator's one-time code is a code row marked
	 * accompany (never in the offline cache nor the desk's list); its created_by is
	 * the mediator, what the audit log names: the statistics only count them. */
	"CREATE TABLE users_new("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL"
	"    CHECK (role IN ('admin', 'secretariat', 'maintenance', 'mediator')),"
	"  password_hash TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO users_new(id, name, role, password_hash, created_at, disabled)"
	"  SELECT id, name, role, password_hash, created_at, disabled FROM users;"
	"DROP TABLE users;"
	"ALTER TABLE users_new RENAME TO users;"
	"ALTER TABLE codes ADD COLUMN accompany INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE daily_stats ADD COLUMN accompanied_sessions INTEGER NOT NULL DEFAULT 0;"
	/* A service for accompanied sessions only (webmail, banks): never a resident's. */
	"ALTER TABLE services ADD COLUMN accompanied INTEGER NOT NULL DEFAULT 0;",
	/* 11: printers added at run time (POST /api/v1/printers), beside print.queues':
	 * admind's name, the kiosks' site, the print host's cupsd and its queue. Their
	 * release keys are files beside the database, as print.queues' by default. */
	"CREATE TABLE printers("
	"  name TEXT PRIMARY KEY,"
	"  site TEXT NOT NULL,"
	"  cups_server TEXT NOT NULL,"
	"  queue TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (cups_server, queue)) WITHOUT ROWID;",
	/* 12: the calls for help also counted by day and site (their kiosk's), for the
	 * statistics of accounts limited to sites: still a count and nothing else. */
	"CREATE TABLE help_site("
	"  day TEXT NOT NULL,"
	"  site TEXT NOT NULL,"
	"  n INTEGER NOT NULL CHECK (n > 0),"
	"  PRIMARY KEY (day, site)) WITHOUT ROWID;",
};

bool role_parse(const char *s, enum role *out)
{
	if (strcmp(s, "admin") == 0)
		*out = ROLE_ADMIN;
	else if (strcmp(s, "secretariat") == 0)
		*out = ROLE_SECRETARIAT;
	else if (strcmp(s, "maintenance") == 0)
		*out = ROLE_MAINTENANCE;
	else if (strcmp(s, "mediator") == 0)
		*out = ROLE_MEDIATOR;
	else
		return false;
	return true;
}

const char *role_name(enum role r)
{
	switch (r) {
	case ROLE_ADMIN:
		return "admin";
	case ROLE_SECRETARIAT:
		return "secretariat";
	case ROLE_MAINTENANCE:
		return "maintenance";
	case ROLE_MEDIATOR:
		return "mediator";
	default:
		return "none";
	}
}

void store_lock(struct store *st)
{
	pthread_mutex_lock(&st->mu);
}

void store_unlock(struct store *st)
{
	pthread_mutex_unlock(&st->mu);
}

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; callers hold the lock. */
static bool store_begin(struct store *st)
{
	return db_exec(st->db, "BEGIN IMMEDIATE", "begin");
}

static void store_rollback(struct store *st);

static bool store_commit(struct store *st)
{
	if (db_exec(st->db, "COMMIT", "commit"))
		return true;
	store_rollback(st);
	return false;
}

static void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

bool store_tx_begin(struct store *st)
{
	store_lock(st);
	if (store_begin(st))
		return true;
	store_unlock(st);
	return false;
}

enum store_rc store_tx_end(struct store *st, enum store_rc rc)
{
	if (rc == STORE_OK && !store_commit(st))
		rc = STORE_ERROR;
	if (rc != STORE_OK)
		store_rollback(st);
	else if (st->rev_pending)
		st->rev = st->rev_pending;
	st->rev_pending = 0;
	store_unlock(st);
	return rc;
}

int64_t store_next_rev(struct store *st)
{
	if (!st->rev_pending)
		st->rev_pending = st->rev + 1;
	return st->rev_pending;
}

sqlite3_stmt *store_stmt(struct store *st, const char *sql)
{
	for (size_t i = 0; i < st->ncache; i++)
		if (st->cache[i].sql == sql)
			return st->cache[i].stmt;
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
		fatalx("%s: %s\n  in: %s", __func__, sqlite3_errmsg(st->db), sql);
	if (st->ncache == ARRAY_LEN(st->cache))
		fatalx("%s: more than %zu cached statements", __func__, ARRAY_LEN(st->cache));
	st->cache[st->ncache].sql = sql;
	st->cache[st->ncache++].stmt = s;
	return s;
}

void store_release(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

char *store_col_dup(sqlite3_stmt *s, int i)
{
	const char *v = (const char *)sqlite3_column_text(s, i);
	return v ? xstrdup(v) : NULL;
}

void *store_grow(void *v, size_t n, size_t size)
{
	if (n == 0)
		return xrealloc(v, 8 * size);
	if (n < 8 || (n & (n - 1)) != 0)
		return v;
	return xrealloc(v, 2 * n * size);
}

int64_t store_int(struct store *st, const char *sql, int64_t def)
{
	sqlite3_stmt *s = db_prepare(st->db, sql);
	int64_t v = def;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static bool store_migrate(struct store *st)
{
	int64_t version = store_int(st, "PRAGMA user_version", 0);
	int64_t target = (int64_t)ARRAY_LEN(migrations);
	if (version > target) {
		log_warnx("%s: schema version %lld is newer than this escale-admind (%lld)",
			  st->path, (long long)version, (long long)target);
		return false;
	}
	/* Off while migrating (a no-op inside a transaction): a table rebuilt (9) must not
	 * cascade its DROP onto the rows that refer to it. Checked before each commit. */
	if (version < target && !db_exec(st->db, "PRAGMA foreign_keys = OFF", "migration"))
		return false;
	bool ok = true;
	for (int64_t v = version; ok && v < target; v++) {
		if (!store_begin(st)) {
			ok = false;
			break;
		}
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %lld", (long long)v + 1);
		if (!db_exec(st->db, migrations[v], "migration") ||
		    store_int(st, "SELECT count(*) FROM pragma_foreign_key_check", 0) != 0 ||
		    !db_exec(st->db, pragma, "migration") || !store_commit(st)) {
			store_rollback(st);
			ok = false;
			break;
		}
		log_info("%s: schema migrated to version %lld", st->path, (long long)v + 1);
	}
	if (version < target && !db_exec(st->db, "PRAGMA foreign_keys = ON", "migration"))
		return false;
	return ok;
}

static bool store_load_salt(struct store *st)
{
	sqlite3_stmt *s = db_prepare(st->db, "SELECT value FROM meta WHERE key = 'offline_salt'");
	bool found = false;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == STORE_SALT_LEN) {
		memcpy(st->offline_salt, sqlite3_column_blob(s, 0), STORE_SALT_LEN);
		found = true;
	}
	sqlite3_finalize(s);
	if (found)
		return true;
	randombytes_buf(st->offline_salt, STORE_SALT_LEN);
	s = db_prepare(st->db,
		       "INSERT OR REPLACE INTO meta(key, value) VALUES ('offline_salt', ?)");
	sqlite3_bind_blob(s, 1, st->offline_salt, STORE_SALT_LEN, SQLITE_STATIC);
	bool ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return ok;
}

struct store *store_open(const char *path)
{
	if (sodium_init() < 0)
		fatalx("libsodium cannot start");
	sqlite3 *db = db_open(path, false);
	if (!db)
		return NULL;
	struct store *st = xcalloc(1, sizeof(*st));
	st->db = db;
	st->path = xstrdup(path);
	pthread_mutex_init(&st->mu, NULL);
	st->pol = (struct store_policy){.stale_seconds = 120,
					.offline_seconds = 30,
					.opslimit = 2,
					.memlimit_bytes = 32 << 20,
					.retention_days = 365};
	if (!store_migrate(st) || !store_docstats_init(st) || !store_load_salt(st)) {
		store_close(st);
		return NULL;
	}
	st->rev = store_int(st, "SELECT max(rev) FROM codes", 0);
	return st;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->ckpt);
	sqlite3_close(st->db);
	sodium_memzero(st->code_key, sizeof(st->code_key));
	pthread_mutex_destroy(&st->mu);
	free(st->path);
	free(st);
}

void store_set_policy(struct store *st, const struct store_policy *pol)
{
	st->pol = *pol;
}

const char *store_path(const struct store *st)
{
	return st->path;
}

/* Writes a new random key to PATH: a temporary file, synced, then renamed,
 * so a crash never leaves a short key behind. */
static bool key_create(const char *path, uint8_t key[CODE_KEY_LEN])
{
	char *tmp = xasprintf("%s.new-XXXXXX", path);
	int fd = mkstemp(tmp);
	bool ok = false;
	if (fd < 0) {
		log_warn("%s: cannot create the code key", tmp);
		goto out;
	}
	randombytes_buf(key, CODE_KEY_LEN);
	ok = fchmod(fd, 0600) == 0 && write(fd, key, CODE_KEY_LEN) == CODE_KEY_LEN &&
	     fsync(fd) == 0;
	close(fd);
	if (ok)
		ok = rename(tmp, path) == 0;
	if (!ok) {
		log_warn("%s: cannot write the code key", path);
		unlink(tmp);
	}
out:
	free(tmp);
	return ok;
}

static bool key_read(const char *path, int fd, uint8_t key[CODE_KEY_LEN])
{
	struct stat sb;
	bool ok = fstat(fd, &sb) == 0 && sb.st_size == CODE_KEY_LEN &&
		  read(fd, key, CODE_KEY_LEN) == CODE_KEY_LEN;
	if (!ok)
		log_warnx("%s: the code key must be exactly %d bytes", path, CODE_KEY_LEN);
	else if (sb.st_mode & 077)
		log_warnx("%s: the code key is readable by other users; chmod 600 it", path);
	return ok;
}

bool store_load_key(struct store *st, const char *path)
{
	static const char check_msg[] = "escale code key check";
	uint8_t key[CODE_KEY_LEN], check[16], stored[16];
	bool have_check = false, ok = false;

	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, "SELECT value FROM meta WHERE key = 'code_key_check'");
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == sizeof(stored)) {
		memcpy(stored, sqlite3_column_blob(s, 0), sizeof(stored));
		have_check = true;
	}
	sqlite3_finalize(s);

	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT && have_check) {
		log_warnx("%s is missing, but %s was made with a code key: restore that file"
			  " from your backups (without it no code can be checked)",
			  path, st->path);
		goto out;
	}
	if (fd < 0 && errno == ENOENT) {
		if (!key_create(path, key))
			goto out;
		log_info("%s: new code key created; back it up apart from the database", path);
	} else if (fd < 0) {
		log_warn("%s: cannot open the code key", path);
		goto out;
	} else {
		bool read_ok = key_read(path, fd, key);
		close(fd);
		if (!read_ok)
			goto out;
	}
	crypto_generichash(check, sizeof(check), (const unsigned char *)check_msg,
			   sizeof(check_msg) - 1, key, sizeof(key));
	if (have_check && sodium_memcmp(check, stored, sizeof(check)) != 0) {
		log_warnx("%s is not the code key of %s: restore the key that goes with this"
			  " database",
			  path, st->path);
		goto out;
	}
	if (!have_check) {
		s = db_prepare(st->db, "INSERT INTO meta(key, value) VALUES ('code_key_check', ?)");
		sqlite3_bind_blob(s, 1, check, sizeof(check), SQLITE_STATIC);
		bool stored_ok = sqlite3_step(s) == SQLITE_DONE;
		sqlite3_finalize(s);
		if (!stored_ok)
			goto out;
	}
	memcpy(st->code_key, key, CODE_KEY_LEN);
	ok = true;
out:
	store_unlock(st);
	sodium_memzero(key, sizeof(key));
	return ok;
}

bool store_background_checkpoints(struct store *st)
{
	st->ckpt = db_open(st->path, false);
	if (!st->ckpt)
		return false;
	store_lock(st);
	/* A WAL that grew during a burst is cut back after the next checkpoint. */
	bool ok = db_exec(st->db, "PRAGMA wal_autocheckpoint = 0", "checkpoints") &&
		  db_exec(st->db, "PRAGMA journal_size_limit = 67108864", "checkpoints");
	store_unlock(st);
	return ok;
}

void store_checkpoint(struct store *st)
{
	int frames = 0, done = 0;
	/* PASSIVE: copies what it can without waiting for SQLite's readers or writers. It
	 * runs under the store's lock, so that no write of admind's own lands meanwhile: the
	 * checkpoint then copies every frame, and the next write starts the WAL again from
	 * its beginning. Without the lock, under a steady stream of writes (5,000
	 * heartbeats a second, docs/benchmarks.md) the WAL was never copied whole, so it
	 * never restarted: it grew without end, each write extending the file, which cost
	 * the kernel more than SQLite. The copy takes a few milliseconds every
	 * CHECKPOINT_EVERY_S (admind.c): the writes wait that long. */
	store_lock(st);
	int rc = sqlite3_wal_checkpoint_v2(st->ckpt, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames,
					   &done);
	store_unlock(st);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warnx("%s: checkpoint: %s", st->path, sqlite3_errmsg(st->ckpt));
	else if (frames > 0)
		log_debug("checkpoint: %d of %d WAL frames copied", done, frames);
}

bool store_ping(struct store *st)
{
	store_lock(st);
	bool ok = store_int(st, "SELECT count(*) FROM meta", -1) >= 0;
	store_unlock(st);
	return ok;
}

/* What a maintenance backup must not carry (issue 16): whoever holds a hash
 * or a verifier of an 8-digit code can search it offline, and a CSRF token
 * or a token hash is part of a credential. Rows are kept (the figures refer
 * to them); unique hashes become random. secure_delete and VACUUM leave no
 * old page of them in the file. */
static const char scrub_sql[] = "PRAGMA journal_mode = DELETE;"
				"PRAGMA secure_delete = ON;"
				"BEGIN;"
				"UPDATE users SET password_hash = NULL;"
				"DELETE FROM api_tokens;"
				"DELETE FROM web_sessions;"
				"UPDATE kiosks SET token_hash = randomblob(32);"
				"UPDATE codes SET hash = randomblob(32), verifier = x'';"
				"DELETE FROM meta WHERE key IN ('offline_salt', 'code_key_check');"
				"COMMIT;"
				"VACUUM;";

bool store_backup(struct store *st, const char *dest, bool full)
{
	/* From a reader of its own: kiosks and staff are not held up. */
	sqlite3 *src = db_open(st->path, true);
	bool ok = src && db_backup(src, dest);
	sqlite3_close(src);
	if (!ok || full)
		return ok;
	sqlite3 *copy = db_open(dest, false);
	ok = copy && db_exec(copy, scrub_sql, "backup without credentials");
	sqlite3_close(copy);
	return ok;
}
