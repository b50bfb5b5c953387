/* db: opening SQLite files the escale way (WAL, foreign keys, busy timeout). */
#include "db.h"
#include "log.h"

#include <pthread.h>
#include <unistd.h>

static void db_configure(void)
{
	/* Memory statistics take a global mutex on every allocation; escale
	 * never reads them. Must come before SQLite initialises. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

sqlite3 *db_open(const char *path, bool readonly)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, db_configure);
	sqlite3 *db = NULL;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		log_warnx("%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	sqlite3_extended_result_codes(db, 1);
	if (!db_exec(db, "PRAGMA foreign_keys = ON", path) ||
	    (!readonly && !db_exec(db, "PRAGMA journal_mode = WAL", path)) ||
	    !db_exec(db, "PRAGMA synchronous = NORMAL", path)) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

bool db_exec(sqlite3 *db, const char *sql, const char *what)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("%s: %s", what, err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return false;
	}
	return true;
}

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fatalx("%s: %s\n  in: %s", __func__, sqlite3_errmsg(db), sql);
	return st;
}

bool db_backup(sqlite3 *db, const char *dest)
{
	sqlite3 *out = NULL;
	bool ok = false;
	if (sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		log_warnx("%s: %s", dest, out ? sqlite3_errmsg(out) : "cannot open");
		goto done;
	}
	sqlite3_backup *b = sqlite3_backup_init(out, "main", db, "main");
	if (!b) {
		log_warnx("%s: %s", dest, sqlite3_errmsg(out));
		goto done;
	}
	int rc;
	/* One step: one read transaction, so the copy is a single snapshot. On
	 * a WAL database it does not block writers, and no concurrent change
	 * can restart it. */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
		sqlite3_sleep(10);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		log_warnx("%s: backup failed: %s", dest, sqlite3_errstr(rc));
		goto done;
	}
	ok = true;
done:
	sqlite3_close(out);
	return ok;
}
