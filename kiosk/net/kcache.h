/* kcache: the kiosk's SQLite state: offline code cache, outbox of events, current session. */
#ifndef ESCALE_KCACHE_H
#define ESCALE_KCACHE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "services.h"
#include "wire.h"

#define KC_SALT_LEN     16 /* bytes (crypto_pwhash_SALTBYTES) */
#define KC_VERIFIER_HEX 64 /* argon2id, 32 bytes, lower-case hex */
#define KC_SESSION_HEX  32
#define KC_SECONDS_MAX  86400              /* what admind accepts as seconds_used */
#define KC_PAGES_MAX    100000             /* and as pages_used */
#define KC_OPSLIMIT_MAX 10                 /* admind's offline.opslimit maximum */
#define KC_MEMLIMIT_MAX (INT64_C(1) << 30) /* 1 GiB: admind's offline.memlimit_kib maximum */
#define KC_SERVICES_MAX 64                 /* service ids in a session_end */

/* A cached code's state: the wire's (common/wire.h). */
enum kc_state {
	KC_ACTIVE = WIRE_CODE_ACTIVE,
	KC_EXPIRED = WIRE_CODE_EXPIRED,
	KC_USED_UP = WIRE_CODE_USED_UP,
	KC_REVOKED = WIRE_CODE_REVOKED,
};

/* One code of the offline cache, as GET /api/v1/kiosk/codes gives it. */
struct kc_code {
	char verifier[KC_VERIFIER_HEX + 1];
	enum kc_state state;
	int64_t seconds_left, pages_left, valid_until;
};

/* The cache's sync position and the argon2id parameters of its verifiers. */
struct kc_meta {
	int64_t cursor;
	uint8_t salt[KC_SALT_LEN];
	int64_t opslimit, memlimit;
};

/* The session this kiosk has open (at most one). */
struct kc_current {
	char session[KC_SESSION_HEX + 1];
	bool offline;
	char verifier[KC_VERIFIER_HEX + 1]; /* "" when unknown (online, no cache) */
	int64_t started_at, seconds_used, pages_used;
};

/* Offline lock-out after wrong codes (login { } of the kiosk config). */
struct kc_policy {
	int64_t max_failures, lockout_s, lockout_max_s;
};

enum kc_verdict {
	KCV_OK,
	KCV_UNKNOWN,
	KCV_EXPIRED,
	KCV_USED_UP,
	KCV_REVOKED,
	KCV_IN_USE,
	KCV_LOCKED,
	KCV_ERROR,
};

/* A session opened offline. */
struct kc_open {
	char session[KC_SESSION_HEX + 1];
	int64_t seconds_left, pages_left;
	int64_t retry_after; /* KCV_LOCKED */
	int64_t tries_left;  /* KCV_UNKNOWN: wrong codes before a pause */
};

struct kcache;

/* Opens (creating STATE_DIR 0700 and the schema if needed) STATE_DIR/kiosk.db. */
struct kcache *kcache_open(const char *state_dir);
void kcache_close(struct kcache *kc);

/* The refusal a verdict other than KCV_OK gives the resident. */
enum wire_refusal kcache_verdict_refusal(enum kc_verdict v);
bool kcache_state_parse(const char *s, enum kc_state *out);

/* *HAVE is false when the cache was never synced. */
bool kcache_meta(struct kcache *kc, struct kc_meta *out, bool *have);
/* Stores a sync answer: FULL replaces every code, otherwise each is upserted. */
bool kcache_sync(struct kcache *kc, const struct kc_meta *m, bool full, const struct kc_code *codes,
		 size_t n);
/* argon2id of the normalised CODE with M's parameters: 1 done, 0 not a code, -1 hash failed. */
int kcache_verifier(const struct kc_meta *m, const char *code, char out[KC_VERIFIER_HEX + 1]);

/* Seconds left of an offline lock-out, 0 when none (or on a database error). */
int64_t kcache_lock_wait(struct kcache *kc, const struct kc_policy *pol, int64_t now);
/* The desk lifted the pause: the count of wrong codes starts afresh. */
bool kcache_lock_clear(struct kcache *kc);
/* Checks VERIFIER (NULL: the input was not a code) against the cache and, when
 * usable, opens a session: current row and outbox session_open, one transaction.
 * An unknown code counts as a failure towards the lock-out; a good one resets it. */
enum kc_verdict kcache_offline_open(struct kcache *kc, const char *verifier,
				    const struct kc_policy *pol, int64_t now, struct kc_open *out);
/* Records a session admind opened; resets the lock-out. SECONDS_LEFT and PAGES_LEFT
 * are the code's budget at the start (for the local debit at the end). */
bool kcache_online_open(struct kcache *kc, const char *session, int64_t seconds_left,
			int64_t pages_left, int64_t now);
/* Ties the current session to its code's verifier (computed after an online login). */
bool kcache_set_verifier(struct kcache *kc, const char *session, const char *verifier);

/* *HAVE is false when no session is open. */
bool kcache_current(struct kcache *kc, struct kc_current *out, bool *have);
/* Records the counters of the current session SESSION; with QUEUE, also a
 * session_progress event. False on a database error only. */
bool kcache_progress(struct kcache *kc, const char *session, int64_t seconds_used,
		     int64_t pages_used, bool queue, int64_t now);
/* Queues session_end, closes the current session if it is SESSION and debits its
 * code in the cache: one transaction. SERVICES (a JSON array, or NULL): the ids of the
 * services the session reached; valid ids go with the event, each once, at most 64. */
bool kcache_end(struct kcache *kc, const char *session, const char *reason, int64_t seconds_used,
		int64_t pages_used, const json_t *services, int64_t now);
/* At start: a session left open (crash, power cut) is ended with reason "restart";
 * *RECOVERED says whether there was one, OUT what it was. */
bool kcache_recover(struct kcache *kc, int64_t now, struct kc_current *out, bool *recovered);

/* The oldest MAX events in order (a new array), NULL on a database error. */
json_t *kcache_outbox_peek(struct kcache *kc, size_t max);
/* Drops the events admind has (by event id), in one transaction. */
bool kcache_outbox_remove(struct kcache *kc, const char *const *ids, size_t n);
/* Number of queued events, -1 on a database error. */
int64_t kcache_outbox_count(struct kcache *kc);

/* admind's services list as last fetched: *HAVE false when none (or a damaged row). */
bool kcache_services_get(struct kcache *kc, struct svc_list *out, bool *have);
bool kcache_services_put(struct kcache *kc, const struct svc_list *l);
/* Its site's settings as last fetched (VERSION): *HAVE false when none (or a damaged row). */
bool kcache_settings_get(struct kcache *kc, struct site_settings *out, int64_t *version,
			 bool *have);
bool kcache_settings_put(struct kcache *kc, const struct site_settings *set, int64_t version);

/* escale-proxy's refusals of DAY ("YYYY-MM-DD"), BODY the report for admind: stored,
 * and marked unsent when it differs from the last one; days before DAY - 1 are forgotten. */
bool kcache_refusals_put(struct kcache *kc, const char *day, const char *body);
/* The oldest report admind does not have yet (its day into DAY; free it), or NULL. */
char *kcache_refusals_unsent(struct kcache *kc, char day[11]);
/* admind took BODY for DAY (unless a newer one came meanwhile). */
bool kcache_refusals_sent(struct kcache *kc, const char *day, const char *body);

#endif
