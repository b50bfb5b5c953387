/* test_store_lists: the store's lists are rows with a count, freed whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_print.h"
#include "test.h"
#include "util.h"

static void users(struct store *st)
{
	char token[TOKEN_STR_LEN + 1];
	int64_t id;
	CHECK(store_user_create(st, "alice", ROLE_ADMIN, token, &id) == STORE_OK);
	CHECK(store_user_create(st, "bob", ROLE_SECRETARIAT, token, &id) == STORE_OK);
	struct store_user_rows u;
	store_user_list(st, &u);
	CHECK(u.n == 2 && strcmp(u.v[1].name, "bob") == 0 &&
	      strcmp(u.v[1].role, "secretariat") == 0);
	CHECK(u.n == 2 && !u.v[0].disabled && !u.v[0].has_password);
	store_user_rows_free(&u);
	CHECK(u.v == NULL && u.n == 0);
}

static void kiosks_and_codes(struct store *st)
{
	static const struct store_actor who = {.user_id = 1, .name = "alice"};
	char token[TOKEN_STR_LEN + 1];
	int64_t id;
	/* More kiosks than the first allocation holds. */
	for (int i = 0; i < 20; i++) {
		char name[16];
		snprintf(name, sizeof(name), "k%02d", i);
		CHECK(store_kiosk_create(st, &who, name, "site", token, &id) == STORE_OK);
	}
	struct store_kiosk_rows k;
	store_kiosk_list(st, &k);
	CHECK(k.n == 20 && strcmp(k.v[19].name, "k19") == 0);
	CHECK(k.n == 20 && strcmp(k.v[0].state, "offline") == 0 && !k.v[0].seen);
	CHECK(k.n == 20 && !k.v[0].session && !k.v[0].version);
	store_kiosk_rows_free(&k);

	struct code_spec spec = {.count = 3,
				 .seconds = 3600,
				 .pages = 5,
				 .valid_until = now_s() + 86400,
				 .alphabet = CODE_DIGITS,
				 .length = 8};
	struct store_issued_code issued[3];
	CHECK(store_codes_issue(st, &who, &spec, issued) == STORE_OK);
	struct store_code_row row;
	CHECK(store_code_revoke(st, &who, NULL, issued[0].id, &row) == STORE_OK);
	CHECK(row.id == issued[0].id && row.state == WIRE_CODE_REVOKED &&
	      row.seconds_total == 3600);
	struct store_code_rows c;
	store_codes_list(st, false, &c);
	CHECK(c.n == 2 && c.v[0].id == issued[2].id && c.v[0].pages_left == 5);
	free(c.v);
}

static void audit_and_stats(struct store *st)
{
	struct store_audit_rows a;
	store_audit_list(st, 100, &a);
	/* The newest first: the revoke, then the issue, whose detail has sorted keys. */
	/* The revoke says the code's site ("all": every site). */
	CHECK(a.n >= 2 && strcmp(a.v[0].action, "code.revoke") == 0 && a.v[0].detail &&
	      strcmp(a.v[0].detail, "{\"site\":\"all\"}") == 0);
	CHECK(a.n >= 2 && strncmp(a.v[1].detail, "{\"count\":3,\"first_id\":", 22) == 0);
	store_audit_rows_free(&a);

	struct store_stats s;
	store_stats(st, 0, now_s() + 86400, NULL, &s);
	CHECK(s.total.sessions == 0 && s.per_day.n == 0 && s.durations[0].sessions == 0);
	CHECK(strcmp(s.durations[4].label, "> 2 h") == 0);
	store_stats_free(&s);

	struct store_session_rows r;
	store_session_list(st, false, NULL, &r);
	CHECK(r.n == 0);
	store_session_rows_free(&r);
	store_session_list(st, false, "[\"Nord\"]", &r);
	CHECK(r.n == 0);
	store_session_rows_free(&r);
	struct store_job_rows j;
	store_print_list(st, false, &j);
	CHECK(j.n == 0);
	store_job_rows_free(&j);
}

int main(void)
{
	char dir[] = "/tmp/escale-store-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char *db = NULL, *key = NULL;
	if (asprintf(&db, "%s/escale.db", dir) < 0 || asprintf(&key, "%s/code.key", dir) < 0)
		return 1;
	struct store *st = store_open(db);
	CHECK(st && store_load_key(st, key));
	if (st) {
		const struct store_policy pol = {.offline_seconds = 60,
						 .opslimit = 1,
						 .memlimit_bytes = 8192 * 1024,
						 .retention_days = 365};
		store_set_policy(st, &pol);
		users(st);
		kiosks_and_codes(st);
		audit_and_stats(st);
		store_close(st);
	}
	char *rm = NULL;
	if (asprintf(&rm, "rm -rf '%s'", dir) >= 0 && system(rm) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(rm);
	free(db);
	free(key);
	return TEST_DONE();
}
