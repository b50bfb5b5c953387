/* export_fill: fills an escale-admind database with many finished sessions,
 * straight into SQLite, for export_bench.sh.
 *
 *   export_fill DB SESSIONS CODES DAYS
 *
 * The database must already have admind's schema (start admind on it once)
 * and its kiosks (created through the API). The fill adds CODES used-up codes
 * and SESSIONS ended sessions spread evenly over the last DAYS days (in
 * start-time order, as they would have been written), each on a random
 * kiosk with a random one of the new codes. One transaction, prepared
 * statements. Values are random but plausible; the code hashes and
 * verifiers are random bytes (no code can be typed with them).
 *
 * The schema is admind's (admin/store.c, migration 1); if it changes, the
 * INSERTs below must follow.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: fast, good enough for plausible data. */
static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t r = rnd();
		for (size_t j = 0; j < 8 && i + j < n; j++)
			p[i + j] = (uint8_t)(r >> (8 * j));
	}
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "export_fill: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "export_fill: %s: %s\n", sql, err ? err : "?");
		exit(1);
	}
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die(db, sql);
	return s;
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: export_fill DB SESSIONS CODES DAYS\n");
		return 2;
	}
	const char *path = argv[1];
	long long nsess = atoll(argv[2]), ncodes = atoll(argv[3]), days = atoll(argv[4]);
	if (nsess < 1 || ncodes < 1 || days < 1 || days > 3650) {
		fprintf(stderr, "export_fill: SESSIONS and CODES must be >= 1, DAYS 1..3650\n");
		return 2;
	}
	rng_state ^= (uint64_t)time(NULL) * 0x100000001b3ull;
	double t0 = mono();

	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die(db, path);
	exec(db, "PRAGMA synchronous = OFF");
	exec(db, "PRAGMA cache_size = -524288"); /* 512 MiB: the indexes stay in memory */
	exec(db, "PRAGMA temp_store = MEMORY");

	/* the kiosks admind knows */
	int64_t *kiosks = NULL;
	size_t nk = 0, capk = 0;
	sqlite3_stmt *s = prep(db, "SELECT id FROM kiosks ORDER BY id");
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (nk == capk) {
			capk = capk ? capk * 2 : 64;
			kiosks = realloc(kiosks, capk * sizeof(*kiosks));
			if (!kiosks)
				return 1;
		}
		kiosks[nk++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (nk == 0) {
		fprintf(stderr, "export_fill: no kiosks in %s: create some through the API first\n",
			path);
		return 1;
	}
	s = prep(db, "SELECT coalesce(max(rev), 0), coalesce(max(id), 0) FROM codes");
	if (sqlite3_step(s) != SQLITE_ROW)
		die(db, "max(rev)");
	int64_t rev = sqlite3_column_int64(s, 0);
	int64_t first_code = sqlite3_column_int64(s, 1) + 1;
	sqlite3_finalize(s);

	int64_t now = (int64_t)time(NULL);
	int64_t span = days * 86400 - 2 * 3600;
	int64_t t_first = now - days * 86400 + 3600;

	exec(db, "BEGIN IMMEDIATE");

	/* codes: created before the sessions that use them, all used up by now */
	sqlite3_stmt *ic =
		prep(db, "INSERT INTO codes(id, hash, verifier, hint, seconds_total, seconds_used, "
			 "pages_total,"
			 " pages_used, created_at, created_by, valid_until, revoked_at, rev)"
			 " VALUES (?1, ?2, ?3, ?4, 3600, 3600, 10, ?5, ?6, NULL, ?7, NULL, ?8)");
	for (long long i = 0; i < ncodes; i++) {
		uint8_t hash[32], ver[32];
		char hint[3];
		rnd_bytes(hash, sizeof hash);
		rnd_bytes(ver, sizeof ver);
		hint[0] = (char)('0' + rnd() % 10);
		hint[1] = (char)('0' + rnd() % 10);
		hint[2] = '\0';
		int64_t created =
			t_first - 3600 + (int64_t)((double)span * (double)i / (double)ncodes);
		sqlite3_bind_int64(ic, 1, first_code + i);
		sqlite3_bind_blob(ic, 2, hash, sizeof hash, SQLITE_TRANSIENT);
		sqlite3_bind_blob(ic, 3, ver, sizeof ver, SQLITE_TRANSIENT);
		sqlite3_bind_text(ic, 4, hint, 2, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ic, 5, (int64_t)(rnd() % 11));
		sqlite3_bind_int64(ic, 6, created);
		sqlite3_bind_int64(ic, 7, created + 30 * 86400);
		sqlite3_bind_int64(ic, 8, ++rev);
		if (sqlite3_step(ic) != SQLITE_DONE)
			die(db, "insert code");
		sqlite3_reset(ic);
	}
	sqlite3_finalize(ic);
	double t1 = mono();

	/* sessions, in start order; each uses a code created around the same time */
	static const char *const reasons[] = {"user", "user",    "user",    "user",  "expired",
					      "idle", "closing", "browser", "staff", "replaced"};
	sqlite3_stmt *is = prep(
		db, "INSERT INTO sessions(id, code_id, kiosk_id, started_at, last_seen, ended_at,"
		    " end_reason, seconds_used, pages_used, offline)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9)");
	for (long long i = 0; i < nsess; i++) {
		uint8_t idb[16];
		char id[33];
		static const char hx[] = "0123456789abcdef";
		rnd_bytes(idb, sizeof idb);
		for (int j = 0; j < 16; j++) {
			id[2 * j] = hx[idb[j] >> 4];
			id[2 * j + 1] = hx[idb[j] & 15];
		}
		id[32] = '\0';
		int64_t start = t_first + (int64_t)((double)span * (double)i / (double)nsess) +
				(int64_t)(rnd() % 60);
		int64_t used = 60 + (int64_t)(rnd() % 3540);
		/* a code near this point of the timeline, a little spread */
		long long ci = (long long)((double)ncodes * (double)i / (double)nsess) +
			       (long long)(rnd() % 8);
		if (ci >= ncodes)
			ci = ncodes - 1;
		sqlite3_bind_text(is, 1, id, 32, SQLITE_TRANSIENT);
		sqlite3_bind_int64(is, 2, first_code + ci);
		sqlite3_bind_int64(is, 3, kiosks[rnd() % nk]);
		sqlite3_bind_int64(is, 4, start);
		sqlite3_bind_int64(is, 5, start + used);
		sqlite3_bind_text(is, 6, reasons[rnd() % (sizeof reasons / sizeof reasons[0])], -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(is, 7, used);
		sqlite3_bind_int64(is, 8, (int64_t)(rnd() % 4 == 0 ? rnd() % 11 : 0));
		sqlite3_bind_int64(is, 9, rnd() % 20 == 0);
		if (sqlite3_step(is) != SQLITE_DONE)
			die(db, "insert session");
		sqlite3_reset(is);
	}
	sqlite3_finalize(is);
	exec(db, "COMMIT");
	double t2 = mono();
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	exec(db, "ANALYZE");
	sqlite3_close(db);
	double t3 = mono();
	printf("export_fill: %lld codes in %.2f s, %lld sessions in %.2f s over %lld days on %zu "
	       "kiosks;"
	       " checkpoint and ANALYZE %.2f s\n",
	       ncodes, t1 - t0, nsess, t2 - t1, days, nk, t3 - t2);
	free(kiosks);
	return 0;
}
