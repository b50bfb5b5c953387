/* test_kcache: the kiosk's SQLite state (cache, outbox, current session, lock-out) on real files. */
#include <signal.h>
#include <sqlite3.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../unit/test.h"
#include "kcache.h"
#include "log.h"
#include "util.h"

static char dir[256];
static const int64_t T0 = 1800000000; /* a fixed "now" */
static const struct kc_policy pol = {.max_failures = 3, .lockout_s = 30, .lockout_max_s = 120};

static struct kc_meta test_meta(int64_t cursor)
{
	struct kc_meta m = {.cursor = cursor, .opslimit = 1, .memlimit = 8 << 20};
	memset(m.salt, 0x5a, sizeof(m.salt));
	return m;
}

static struct kc_code code(char fill, enum kc_state st, int64_t secs, int64_t pages, int64_t until)
{
	struct kc_code c = {
		.state = st, .seconds_left = secs, .pages_left = pages, .valid_until = until};
	memset(c.verifier, fill, KC_VERIFIER_HEX);
	c.verifier[KC_VERIFIER_HEX] = '\0';
	return c;
}

static const char *ver(char fill)
{
	static char v[4][KC_VERIFIER_HEX + 1];
	static int i;
	char *out = v[i++ % 4];
	memset(out, fill, KC_VERIFIER_HEX);
	out[KC_VERIFIER_HEX] = '\0';
	return out;
}

/* The outbox's events, in order. */
static json_t *outbox(struct kcache *kc)
{
	json_t *a = kcache_outbox_peek(kc, 1000);
	CHECK(a != NULL);
	return a;
}

static const char *ev_str(json_t *a, size_t i, const char *k)
{
	return json_string_value(json_object_get(json_array_get(a, i), k));
}

static int64_t ev_int(json_t *a, size_t i, const char *k)
{
	return json_integer_value(json_object_get(json_array_get(a, i), k));
}

static void drain(struct kcache *kc)
{
	json_t *a = outbox(kc);
	const char *ids[1000];
	size_t i;
	json_t *e;
	json_array_foreach (a, i, e)
		ids[i] = json_string_value(json_object_get(e, "id"));
	CHECK(kcache_outbox_remove(kc, ids, json_array_size(a)));
	json_decref(a);
	CHECK(kcache_outbox_count(kc) == 0);
}

static void seed(struct kcache *kc)
{
	struct kc_meta m = test_meta(10);
	struct kc_code codes[] = {
		code('a', KC_ACTIVE, 3600, 10, T0 + 86400),  /* good */
		code('b', KC_ACTIVE, 3600, 10, T0 - 1),      /* past its validity */
		code('c', KC_EXPIRED, 3600, 10, T0 + 86400), /* admind says expired */
		code('d', KC_USED_UP, 0, 10, T0 + 86400),
		code('e', KC_ACTIVE, 0, 3, T0 + 86400), /* no time left */
		code('f', KC_REVOKED, 3600, 10, T0 + 86400),
		code('1', KC_ACTIVE, 600, 2, T0 + 86400),
	};
	CHECK(kcache_sync(kc, &m, true, codes, ARRAY_LEN(codes)));
}

static void test_open_and_meta(void)
{
	struct kcache *kc = kcache_open(dir);
	CHECK(kc != NULL);
	struct stat st;
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	struct kc_meta m;
	bool have = true;
	CHECK(kcache_meta(kc, &m, &have) && !have);
	CHECK(kcache_lock_wait(kc, &pol, T0) == 0);
	CHECK(kcache_outbox_count(kc) == 0);
	struct kc_current cur;
	CHECK(kcache_current(kc, &cur, &have) && !have);
	kcache_close(kc);
}

static void test_verifier(void)
{
	struct kc_meta m = test_meta(0);
	char v[KC_VERIFIER_HEX + 1], w[KC_VERIFIER_HEX + 1];
	uint8_t raw[32];
	CHECK(kcache_verifier(&m, "1234 5678", v) == 1);
	CHECK(crypto_pwhash(raw, sizeof(raw), "12345678", 8, m.salt, 1, 8 << 20,
			    crypto_pwhash_ALG_ARGON2ID13) == 0);
	hex_encode(raw, sizeof(raw), w);
	CHECK(strcmp(v, w) == 0);
	CHECK(kcache_verifier(&m, "12-34.5678", w) == 1 && strcmp(v, w) == 0);
	CHECK(kcache_verifier(&m, "12", v) == 0);
	CHECK(kcache_verifier(&m, "1234'; --", v) == 0);
	m.memlimit = KC_MEMLIMIT_MAX + 1;
	CHECK(kcache_verifier(&m, "12345678", v) == -1);
}

static void test_sync(void)
{
	struct kcache *kc = kcache_open(dir);
	struct kc_meta m;
	bool have;
	struct kc_open o;
	seed(kc);
	CHECK(kcache_meta(kc, &m, &have) && have && m.cursor == 10 && m.opslimit == 1 &&
	      m.memlimit == 8 << 20 && m.salt[0] == 0x5a);
	/* Incremental: '1' revoked, '2' new; the others stay. */
	m = test_meta(11);
	struct kc_code delta[] = {code('1', KC_REVOKED, 600, 2, T0 + 86400),
				  code('2', KC_ACTIVE, 60, 0, T0 + 86400)};
	CHECK(kcache_sync(kc, &m, false, delta, ARRAY_LEN(delta)));
	CHECK(kcache_offline_open(kc, ver('1'), &pol, T0, &o) == KCV_REVOKED);
	CHECK(kcache_meta(kc, &m, &have) && m.cursor == 11);
	/* Full: only '3' is left. */
	m = test_meta(12);
	struct kc_code all[] = {code('3', KC_ACTIVE, 60, 0, T0 + 86400)};
	CHECK(kcache_sync(kc, &m, true, all, 1));
	CHECK(kcache_offline_open(kc, ver('a'), &pol, T0, &o) == KCV_UNKNOWN);
	CHECK(kcache_offline_open(kc, ver('2'), &pol, T0, &o) == KCV_UNKNOWN);
	kcache_close(kc);
}

static void reset_db(void)
{
	char *p = xasprintf("%s/kiosk.db", dir);
	unlink(p);
	char *w = xasprintf("%s-wal", p), *s = xasprintf("%s-shm", p);
	unlink(w);
	unlink(s);
	free(p);
	free(w);
	free(s);
}

static void test_offline_checks(void)
{
	reset_db();
	struct kcache *kc = kcache_open(dir);
	struct kc_open o;
	seed(kc);
	CHECK(kcache_offline_open(kc, ver('b'), &pol, T0, &o) == KCV_EXPIRED);
	CHECK(kcache_offline_open(kc, ver('c'), &pol, T0, &o) == KCV_EXPIRED);
	CHECK(kcache_offline_open(kc, ver('d'), &pol, T0, &o) == KCV_USED_UP);
	CHECK(kcache_offline_open(kc, ver('e'), &pol, T0, &o) == KCV_USED_UP);
	CHECK(kcache_offline_open(kc, ver('f'), &pol, T0, &o) == KCV_REVOKED);
	CHECK(kcache_outbox_count(kc) == 0);
	CHECK(kcache_offline_open(kc, ver('a'), &pol, T0, &o) == KCV_OK);
	CHECK(strlen(o.session) == KC_SESSION_HEX && o.seconds_left == 3600 && o.pages_left == 10);
	CHECK(strspn(o.session, "0123456789abcdef") == KC_SESSION_HEX);
	struct kc_current cur;
	bool have;
	CHECK(kcache_current(kc, &cur, &have) && have && cur.offline &&
	      strcmp(cur.session, o.session) == 0 && strcmp(cur.verifier, ver('a')) == 0 &&
	      cur.started_at == T0 && cur.seconds_used == 0);
	json_t *a = outbox(kc);
	CHECK(json_array_size(a) == 1 && strcmp(ev_str(a, 0, "type"), "session_open") == 0 &&
	      strcmp(ev_str(a, 0, "session"), o.session) == 0 &&
	      strcmp(ev_str(a, 0, "verifier"), ver('a')) == 0 && ev_int(a, 0, "at") == T0 &&
	      strlen(ev_str(a, 0, "id")) == 32);
	json_decref(a);
	/* The same code again on this kiosk: in use. */
	struct kc_open o2;
	CHECK(kcache_offline_open(kc, ver('a'), &pol, T0 + 5, &o2) == KCV_IN_USE);
	/* Progress: recorded; with QUEUE, an event too. */
	CHECK(kcache_progress(kc, o.session, 61, 1, false, T0 + 61));
	CHECK(kcache_outbox_count(kc) == 1);
	CHECK(kcache_progress(kc, o.session, 120, 2, true, T0 + 120));
	CHECK(kcache_progress(kc, "00000000000000000000000000000000", 999, 9, true, T0 + 120));
	CHECK(kcache_current(kc, &cur, &have) && cur.seconds_used == 120 && cur.pages_used == 2);
	/* The end: event, no current, the code's cache row debited. */
	CHECK(kcache_end(kc, o.session, "user", 600, 3, NULL, T0 + 600));
	CHECK(kcache_current(kc, &cur, &have) && !have);
	a = outbox(kc);
	CHECK(json_array_size(a) == 3);
	CHECK(strcmp(ev_str(a, 0, "type"), "session_open") == 0);
	CHECK(strcmp(ev_str(a, 1, "type"), "session_progress") == 0 &&
	      ev_int(a, 1, "seconds_used") == 120 && ev_int(a, 1, "pages_used") == 2);
	CHECK(strcmp(ev_str(a, 2, "type"), "session_end") == 0 &&
	      strcmp(ev_str(a, 2, "reason"), "user") == 0 && ev_int(a, 2, "seconds_used") == 600 &&
	      ev_int(a, 2, "pages_used") == 3 && ev_int(a, 2, "at") == T0 + 600);
	json_decref(a);
	CHECK(kcache_offline_open(kc, ver('a'), &pol, T0 + 700, &o2) == KCV_OK);
	CHECK(o2.seconds_left == 3000 && o2.pages_left == 7);
	CHECK(kcache_end(kc, o2.session, "expired", 3000, 0, NULL, T0 + 3700));
	CHECK(kcache_offline_open(kc, ver('a'), &pol, T0 + 3800, &o2) == KCV_USED_UP);
	/* Out-of-range counters are clamped to what admind accepts. */
	CHECK(kcache_end(kc, "0123456789abcdef0123456789abcdef", "user", 999999, -5, NULL, T0));
	a = outbox(kc);
	size_t last = json_array_size(a) - 1;
	CHECK(ev_int(a, last, "seconds_used") == KC_SECONDS_MAX &&
	      ev_int(a, last, "pages_used") == 0);
	json_decref(a);
	kcache_close(kc);
}

static void test_outbox(void)
{
	reset_db();
	struct kcache *kc = kcache_open(dir);
	for (int i = 0; i < 150; i++)
		CHECK(kcache_end(kc, "0123456789abcdef0123456789abcdef", "user", i, 0, NULL,
				 T0 + i));
	json_t *a = kcache_outbox_peek(kc, 100);
	CHECK(json_array_size(a) == 100);
	for (size_t i = 0; i < 100; i++)
		CHECK(ev_int(a, i, "seconds_used") == (int64_t)i);
	/* Admind has the odd ones only: the even ones stay, in order. */
	const char *ids[50];
	for (size_t i = 0; i < 50; i++)
		ids[i] = ev_str(a, 2 * i + 1, "id");
	CHECK(kcache_outbox_remove(kc, ids, 50));
	json_decref(a);
	CHECK(kcache_outbox_count(kc) == 100);
	a = kcache_outbox_peek(kc, 1000);
	CHECK(json_array_size(a) == 100);
	for (size_t i = 0; i < 50; i++)
		CHECK(ev_int(a, i, "seconds_used") == (int64_t)(2 * i));
	CHECK(ev_int(a, 50, "seconds_used") == 100 && ev_int(a, 99, "seconds_used") == 149);
	/* Event ids are unique. */
	for (size_t i = 1; i < 100; i++)
		CHECK(strcmp(ev_str(a, i, "id"), ev_str(a, i - 1, "id")) != 0);
	json_decref(a);
	drain(kc);
	kcache_close(kc);
}

static void test_lockout(void)
{
	reset_db();
	struct kcache *kc = kcache_open(dir);
	struct kc_open o;
	seed(kc);
	/* Each unknown code says how many remain before the pause. */
	CHECK(kcache_offline_open(kc, ver('9'), &pol, T0, &o) == KCV_UNKNOWN && o.tries_left == 2);
	CHECK(kcache_offline_open(kc, NULL, &pol, T0, &o) == KCV_UNKNOWN && /* not a code */
	      o.tries_left == 1);
	CHECK(kcache_offline_open(kc, ver('9'), &pol, T0, &o) == KCV_LOCKED &&
	      o.retry_after == 30 && o.tries_left == 0);
	CHECK(kcache_lock_wait(kc, &pol, T0 + 10) == 20);
	/* Even a good code waits. */
	CHECK(kcache_offline_open(kc, ver('a'), &pol, T0 + 10, &o) == KCV_LOCKED &&
	      o.retry_after == 20);
	kcache_close(kc);
	/* A restart does not reset it. */
	kc = kcache_open(dir);
	CHECK(kcache_lock_wait(kc, &pol, T0 + 10) == 20);
	/* The next lock-out doubles, up to the maximum. */
	int64_t t = T0 + 31;
	CHECK(kcache_offline_open(kc, ver('9'), &pol, t, &o) == KCV_UNKNOWN);
	CHECK(kcache_offline_open(kc, ver('9'), &pol, t, &o) == KCV_UNKNOWN);
	CHECK(kcache_offline_open(kc, ver('9'), &pol, t, &o) == KCV_LOCKED && o.retry_after == 60);
	t += 61;
	for (int i = 0; i < 3; i++)
		kcache_offline_open(kc, ver('9'), &pol, t, &o);
	CHECK(o.retry_after == 120);
	t += 121;
	for (int i = 0; i < 3; i++)
		kcache_offline_open(kc, ver('9'), &pol, t, &o);
	CHECK(o.retry_after == 120);
	/* A clock set back cannot lock for longer than the maximum. */
	CHECK(kcache_lock_wait(kc, &pol, t - 100000) == 120);
	t += 121;
	/* Refusals other than unknown do not count; a good code resets. */
	CHECK(kcache_offline_open(kc, ver('9'), &pol, t, &o) == KCV_UNKNOWN);
	for (int i = 0; i < 5; i++)
		CHECK(kcache_offline_open(kc, ver('f'), &pol, t, &o) == KCV_REVOKED);
	CHECK(kcache_offline_open(kc, ver('a'), &pol, t, &o) == KCV_OK);
	CHECK(kcache_end(kc, o.session, "user", 10, 0, NULL, t));
	CHECK(kcache_offline_open(kc, ver('9'), &pol, t, &o) == KCV_UNKNOWN && o.tries_left == 2);
	CHECK(kcache_offline_open(kc, ver('9'), &pol, t, &o) == KCV_UNKNOWN);
	CHECK(kcache_offline_open(kc, ver('9'), &pol, t, &o) == KCV_LOCKED && o.retry_after == 30);
	/* An online login resets it too. */
	CHECK(kcache_online_open(kc, "abcdefabcdefabcdefabcdefabcdef01", 100, 1, t));
	CHECK(kcache_lock_wait(kc, &pol, t) == 0);
	kcache_close(kc);
}

static void test_online_session(void)
{
	reset_db();
	struct kcache *kc = kcache_open(dir);
	seed(kc);
	const char *s1 = "11111111111111111111111111111111";
	CHECK(kcache_online_open(kc, s1, 3600, 10, T0));
	CHECK(kcache_set_verifier(kc, s1, ver('a')));
	struct kc_current cur;
	bool have;
	CHECK(kcache_current(kc, &cur, &have) && have && !cur.offline &&
	      strcmp(cur.verifier, ver('a')) == 0);
	CHECK(kcache_outbox_count(kc) == 0);
	/* Offline meanwhile: the same code is in use here. */
	struct kc_open o;
	CHECK(kcache_offline_open(kc, ver('a'), &pol, T0 + 1, &o) == KCV_IN_USE);
	/* A sync during the session already lowered the budget: no double debit. */
	struct kc_meta m = test_meta(20);
	struct kc_code upd = code('a', KC_ACTIVE, 3000, 10, T0 + 86400);
	CHECK(kcache_sync(kc, &m, false, &upd, 1));
	CHECK(kcache_end(kc, s1, "user", 600, 1, NULL, T0 + 600));
	CHECK(kcache_offline_open(kc, ver('a'), &pol, T0 + 700, &o) == KCV_OK);
	CHECK(o.seconds_left == 3000 && o.pages_left == 9);
	/* A login while a session is still recorded ends that one first. */
	const char *s2 = "22222222222222222222222222222222";
	CHECK(kcache_online_open(kc, s2, 60, 0, T0 + 800));
	CHECK(kcache_current(kc, &cur, &have) && have && strcmp(cur.session, s2) == 0);
	json_t *a = outbox(kc);
	size_t last = json_array_size(a) - 1;
	CHECK(strcmp(ev_str(a, last, "type"), "session_end") == 0 &&
	      strcmp(ev_str(a, last, "session"), o.session) == 0 &&
	      strcmp(ev_str(a, last, "reason"), "error") == 0);
	json_decref(a);
	kcache_close(kc);
}

/* session_end carries the services reached: valid ids, each once, at most 64. */
static void test_end_services(void)
{
	reset_db();
	struct kcache *kc = kcache_open(dir);
	const char *s1 = "33333333333333333333333333333333";
	CHECK(kcache_online_open(kc, s1, 3600, 10, T0));
	json_t *ids = json_pack("[sssis]", "caf", "ameli", "caf", 5, "Bad id!");
	for (int i = 0; i < 80; i++)
		json_array_append_new(ids, json_sprintf("s%d", i));
	CHECK(kcache_end(kc, s1, "user", 60, 0, ids, T0 + 60));
	json_decref(ids);
	json_t *a = outbox(kc);
	size_t last = json_array_size(a) - 1;
	json_t *got = json_object_get(json_array_get(a, last), "services");
	CHECK(json_array_size(got) == 64);
	CHECK(strcmp(json_string_value(json_array_get(got, 0)), "caf") == 0 &&
	      strcmp(json_string_value(json_array_get(got, 1)), "ameli") == 0 &&
	      strcmp(json_string_value(json_array_get(got, 2)), "s0") == 0);
	json_decref(a);
	/* None reached: no key at all (an admind of before takes it as it was). */
	const char *s2 = "44444444444444444444444444444444";
	CHECK(kcache_online_open(kc, s2, 3600, 10, T0 + 100));
	json_t *none = json_array();
	CHECK(kcache_end(kc, s2, "user", 60, 0, none, T0 + 160));
	json_decref(none);
	a = outbox(kc);
	last = json_array_size(a) - 1;
	CHECK(strcmp(ev_str(a, last, "session"), s2) == 0 &&
	      json_object_get(json_array_get(a, last), "services") == NULL);
	json_decref(a);
	kcache_close(kc);
}

/* admind's services list survives a reopen; a damaged row is no list. */
static void test_services_cache(void)
{
	reset_db();
	struct kcache *kc = kcache_open(dir);
	struct svc_list l, got;
	memset(&l, 0, sizeof(l));
	bool have = true;
	CHECK(kcache_services_get(kc, &got, &have) && !have);
	json_t *arr = json_loads("[{\"id\":\"caf\",\"name\":\"CAF\",\"url\":\"https://caf.fr/\","
				 "\"domains\":[\"caf.fr\"]}]",
				 0, NULL);
	char err[200];
	CHECK(svc_list_from_json(arr, false, &l, err, sizeof(err)));
	json_decref(arr);
	l.version = 12;
	CHECK(kcache_services_put(kc, &l));
	kcache_close(kc);
	kc = kcache_open(dir);
	CHECK(kcache_services_get(kc, &got, &have) && have && svc_list_equal(&l, &got));
	svc_free(got.s, got.n);
	svc_free(l.s, l.n);
	kcache_close(kc);
	/* Damaged on disk: ignored, not trusted. */
	char *p = xasprintf("%s/kiosk.db", dir);
	sqlite3 *db = NULL;
	CHECK(sqlite3_open(p, &db) == SQLITE_OK &&
	      sqlite3_exec(db,
			   "UPDATE services SET body = '[{\"id\":\"caf\",\"name\":\"CAF\","
			   "\"url\":\"https://evil.com/\",\"domains\":[\"caf.fr\"]}]'",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	free(p);
	kc = kcache_open(dir);
	CHECK(kcache_services_get(kc, &got, &have) && !have && got.n == 0);
	kcache_close(kc);
}

/* The proxy's refusals: stored per day, unsent when they change, sent once admind has them. */
static void test_refusals(void)
{
	reset_db();
	struct kcache *kc = kcache_open(dir);
	char day[11];
	CHECK(kcache_refusals_unsent(kc, day) == NULL);
	CHECK(kcache_refusals_put(kc, "2026-12-05", "{\"a\":1}"));
	char *b = kcache_refusals_unsent(kc, day);
	CHECK(b && strcmp(b, "{\"a\":1}") == 0 && strcmp(day, "2026-12-05") == 0);
	CHECK(kcache_refusals_sent(kc, day, b));
	free(b);
	CHECK(kcache_refusals_unsent(kc, day) == NULL);
	/* The same again: nothing to send; a change: to send. */
	CHECK(kcache_refusals_put(kc, "2026-12-05", "{\"a\":1}"));
	CHECK(kcache_refusals_unsent(kc, day) == NULL);
	CHECK(kcache_refusals_put(kc, "2026-12-05", "{\"a\":2}"));
	CHECK(kcache_refusals_put(kc, "2026-12-06", "{\"b\":1}"));
	b = kcache_refusals_unsent(kc, day); /* the older day first */
	CHECK(b && strcmp(day, "2026-12-05") == 0);
	/* A newer report came while this one was on its way: still to send. */
	CHECK(kcache_refusals_put(kc, "2026-12-05", "{\"a\":3}"));
	CHECK(kcache_refusals_sent(kc, day, b));
	free(b);
	b = kcache_refusals_unsent(kc, day);
	CHECK(b && strcmp(b, "{\"a\":3}") == 0);
	free(b);
	/* Two days on, the old days are forgotten. */
	CHECK(kcache_refusals_put(kc, "2026-12-08", "{\"c\":1}"));
	b = kcache_refusals_unsent(kc, day);
	CHECK(b && strcmp(day, "2026-12-08") == 0);
	free(b);
	kcache_close(kc);
}

/* A child opens a session and dies without closing anything; the parent finds it all. */
static void test_crash_and_recover(void)
{
	reset_db();
	char session[KC_SESSION_HEX + 1] = "";
	int pfd[2];
	CHECK(pipe(pfd) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		struct kcache *kc = kcache_open(dir);
		struct kc_open o;
		seed(kc);
		if (kcache_offline_open(kc, ver('a'), &pol, T0, &o) != KCV_OK ||
		    !kcache_progress(kc, o.session, 42, 2, false, T0 + 42))
			_exit(1);
		if (write(pfd[1], o.session, KC_SESSION_HEX) != KC_SESSION_HEX)
			_exit(1);
		raise(SIGKILL);
		_exit(1);
	}
	close(pfd[1]);
	CHECK(read(pfd[0], session, KC_SESSION_HEX) == KC_SESSION_HEX);
	close(pfd[0]);
	int status;
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));

	struct kcache *kc = kcache_open(dir);
	CHECK(kc != NULL);
	struct kc_meta m;
	bool have;
	CHECK(kcache_meta(kc, &m, &have) && have && m.cursor == 10);
	CHECK(kcache_outbox_count(kc) == 1);
	struct kc_current cur;
	bool rec;
	CHECK(kcache_recover(kc, T0 + 100, &cur, &rec) && rec);
	CHECK(strcmp(cur.session, session) == 0 && cur.seconds_used == 42 && cur.pages_used == 2);
	CHECK(kcache_current(kc, &cur, &have) && !have);
	json_t *a = outbox(kc);
	CHECK(json_array_size(a) == 2 && strcmp(ev_str(a, 0, "type"), "session_open") == 0 &&
	      strcmp(ev_str(a, 1, "type"), "session_end") == 0 &&
	      strcmp(ev_str(a, 1, "reason"), "restart") == 0 &&
	      ev_int(a, 1, "seconds_used") == 42 && strcmp(ev_str(a, 1, "session"), session) == 0);
	json_decref(a);
	CHECK(kcache_recover(kc, T0 + 100, &cur, &rec) && !rec);
	/* The code was debited by the restart's end. */
	struct kc_open o;
	CHECK(kcache_offline_open(kc, ver('a'), &pol, T0 + 200, &o) == KCV_OK &&
	      o.seconds_left == 3600 - 42);
	kcache_close(kc);
}

static void test_newer_schema_refused(void)
{
	reset_db();
	struct kcache *kc = kcache_open(dir);
	kcache_close(kc);
	char *p = xasprintf("%s/kiosk.db", dir);
	sqlite3 *db = NULL;
	CHECK(sqlite3_open(p, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	free(p);
	CHECK(kcache_open(dir) == NULL);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_init("test_kcache", LOG_LVL_ERROR);
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char base[200];
	snprintf(base, sizeof(base), "%s/test_kcache.XXXXXX", tmp);
	if (!mkdtemp(base))
		return 1;
	snprintf(dir, sizeof(dir), "%s/state", base);
	test_open_and_meta();
	test_verifier();
	test_sync();
	test_offline_checks();
	test_outbox();
	test_lockout();
	test_online_session();
	test_crash_and_recover();
	test_end_services();
	test_services_cache();
	test_refusals();
	test_newer_schema_refused();
	reset_db();
	rmdir(dir);
	rmdir(base);
	return TEST_DONE();
}
