/* store: the admind database: schema, migrations and every query. */
#ifndef ESCALE_STORE_H
#define ESCALE_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "actor.h"
#include "code.h"
#include "services.h"
#include "wire.h"

#define STORE_SALT_LEN     16
#define STORE_VERIFIER_LEN 32
#define SESSION_ID_LEN     32 /* hex characters */

struct store;

enum store_rc {
	STORE_OK = 0,
	STORE_NOT_FOUND,
	STORE_CONFLICT,
	STORE_ERROR,
	STORE_LIMIT, /* past a bound (a code's time, pages or validity) */
	/* Refusals of a code, in the order they are checked. */
	STORE_CODE_UNKNOWN,
	STORE_CODE_REVOKED,
	STORE_CODE_EXPIRED,
	STORE_CODE_USED_UP,
	STORE_CODE_IN_USE,
};

/* What the store needs from the configuration. */
struct store_policy {
	int64_t stale_seconds;
	int64_t offline_seconds;
	int64_t opslimit;
	int64_t memlimit_bytes;
	int64_t retention_days;
};

/* Opens (creating and migrating) the database at PATH. */
struct store *store_open(const char *path);
void store_close(struct store *st);
void store_set_policy(struct store *st, const struct store_policy *pol);
/* Loads the key of the keyed code hashes from PATH, creating it (0600) for
 * a new database. Refuses a missing or different key for a database made
 * with one (it keeps a check value of its key). */
bool store_load_key(struct store *st, const char *path);
/* Moves WAL checkpoints out of the requests: from now on the WAL is copied
 * back into the database only by store_checkpoint, which works on a
 * connection of its own and so never holds the store's lock (its disk sync
 * no longer stalls kiosks). Call store_checkpoint every few seconds. */
bool store_background_checkpoints(struct store *st);
void store_checkpoint(struct store *st);
/* True if the database answers a trivial query. */
bool store_ping(struct store *st);
const char *store_path(const struct store *st);

/* One named value of an audit line's detail: TEXT, or NUM when TEXT is NULL. */
struct audit_field {
	const char *key;
	const char *text;
	int64_t num;
};

/* ---- staff ---- */
enum store_rc store_user_create(struct store *st, const char *name, enum role role,
				char token[TOKEN_STR_LEN + 1], int64_t *id);
/* Audited variant used by the API: limited to SITES (distinct names, checked by the
 * caller; none: every site). */
enum store_rc store_user_create_by(struct store *st, const struct store_actor *who,
				   const char *name, enum role role,
				   const char *password_hash /* or NULL */,
				   const struct site_list *sites, char token[TOKEN_STR_LEN + 1],
				   int64_t *id);
/* Limits user ID to SITES (checked; none: every site); STORE_NOT_FOUND for no user. */
enum store_rc store_user_set_sites(struct store *st, const struct store_actor *who, int64_t id,
				   const struct site_list *sites);
/* Disables user ID and revokes its tokens; STORE_CONFLICT for the last admin. */
enum store_rc store_user_disable(struct store *st, const struct store_actor *who, int64_t id);
/* Revokes user ID's tokens and makes a new one (printed once by the caller). */
enum store_rc store_user_new_token(struct store *st, const struct store_actor *who, int64_t id,
				   char token[TOKEN_STR_LEN + 1]);
/* Looks up a staff token; false when unknown or revoked. */
bool store_staff_auth(struct store *st, const char *token, struct store_actor *out);
struct store_user_row {
	int64_t id, created_at;
	char *name, *role;
	bool disabled, has_password;
	struct site_list *sites; /* NULL: every site */
};
struct store_user_rows {
	struct store_user_row *v;
	size_t n;
};
/* Every user, by id; free with store_user_rows_free. */
void store_user_list(struct store *st, struct store_user_rows *out);
void store_user_rows_free(struct store_user_rows *l);

/* ---- staff passwords and web sessions (store_staff.c) ---- */
#define STORE_PWHASH_LEN 128 /* crypto_pwhash_STRBYTES */
/* argon2id string of PASSWORD; false when out of memory. */
bool store_password_hash(const char *password, char out[STORE_PWHASH_LEN]);
/* Sets user ID's password and ends its web sessions but KEEP_SESSION (0: all). */
enum store_rc store_user_set_password(struct store *st, const struct store_actor *who, int64_t id,
				      const char *password, int64_t keep_session);
/* STORE_CONFLICT when it would leave no active admin. */
enum store_rc store_user_set_role(struct store *st, const struct store_actor *who, int64_t id,
				  enum role role);
enum store_rc store_user_enable(struct store *st, const struct store_actor *who, int64_t id);
/* The id of the user called NAME, or 0. */
int64_t store_user_id(struct store *st, const char *name);
/* True, filling OUT, when NAME is an active user with that password. Takes
 * as long for an unknown name; runs argon2id outside the store's lock. */
bool store_password_check(struct store *st, const char *name, const char *password,
			  struct store_actor *out);

/* A new web session for WHO: COOKIE is its credential (stored hashed). */
enum store_rc store_web_open(struct store *st, const struct store_actor *who,
			     char cookie[TOKEN_STR_LEN + 1], struct web_session *ws);
/* Looks up a session cookie; ends and refuses a session idle longer than
 * IDLE_S or older than MAX_S. ACTIVITY (a request made by a person, not a
 * page's automatic refresh) moves its idle clock. */
bool store_web_auth(struct store *st, const char *cookie, bool activity, int64_t idle_s,
		    int64_t max_s, struct store_actor *out, struct web_session *ws);
enum store_rc store_web_close(struct store *st, const struct store_actor *who, int64_t id);
/* One line of the audit log; TARGET and DETAIL (a JSON object's text) may be NULL. */
struct store_audit_row {
	int64_t id, at;
	char *user, *action, *target, *detail;
};
struct store_audit_rows {
	struct store_audit_row *v;
	size_t n;
};
/* The LIMIT newest lines, newest first; free with store_audit_rows_free. */
void store_audit_list(struct store *st, int64_t limit, struct store_audit_rows *out);
void store_audit_rows_free(struct store_audit_rows *l);

/* ---- kiosks ---- */
enum store_rc store_kiosk_create(struct store *st, const struct store_actor *who, const char *name,
				 const char *site, char token[TOKEN_STR_LEN + 1], int64_t *id);
/* Looks up a kiosk token; returns the id, 0 when unknown, -1 when revoked. */
int64_t store_kiosk_auth(struct store *st, const char *token);
enum store_rc store_kiosk_revoke(struct store *st, const struct store_actor *who, int64_t id);
/* A kiosk as the desk sees it; VERSION, ADDRESS and SESSION may be NULL,
 * SECONDS_LEFT is its session's. */
struct store_kiosk_row {
	int64_t id, last_seen, seconds_left;
	int64_t settings_version;      /* last reported applied; -1 never */
	int64_t site_settings_version; /* its site's current one, 0 never set */
	char *name, *site, *state, *version, *address, *session;
	bool online, seen, revoked;
};
struct store_kiosk_rows {
	struct store_kiosk_row *v;
	size_t n;
};
/* Every kiosk, by site and name; free with store_kiosk_rows_free. */
void store_kiosk_list(struct store *st, struct store_kiosk_rows *out);
void store_kiosk_rows_free(struct store_kiosk_rows *l);
/* A one-time enrollment code for kiosk NAME at SITE, valid until EXPIRES_AT (it replaces
 * NAME's unused one); STORE_CONFLICT when a live kiosk has that name. */
#define STORE_ENROLL_LEN 12
enum store_rc store_enroll_new(struct store *st, const struct store_actor *who, const char *name,
			       const char *site, int64_t expires_at,
			       char code[STORE_ENROLL_LEN + 1]);
/* The kiosk a code enrolled: its id, name, site and new token (shown once). */
struct store_enrolled {
	int64_t id;
	char name[NAME_MAX_BYTES + 1];
	char site[NAME_MAX_BYTES + 1];
	char token[TOKEN_STR_LEN + 1];
};
/* Redeems the code NORM (normalised) from ADDRESS: creates the kiosk (or enrolls a revoked
 * one again); STORE_NOT_FOUND for a code unknown, used or expired alike, STORE_CONFLICT when
 * a live kiosk took the name meanwhile. */
enum store_rc store_enroll_redeem(struct store *st, const char *norm, const char *address,
				  struct store_enrolled *out);
enum store_rc store_kiosk_command(struct store *st, const struct store_actor *who, int64_t kiosk,
				  const char *type, const char *text, int64_t *cmd_id);

/* ---- codes ---- */
struct code_spec {
	int count;
	int64_t seconds;
	int64_t pages;
	int64_t valid_until;
	enum code_alphabet alphabet;
	int length;
	bool spare;       /* a spare code, for the desk's drawer (store_spare.c) */
	const char *site; /* where the codes are valid; NULL: every site */
	/* A mediator's one-time code for an accompanied session (store_accompany.c): one
	 * code, never in the desk's list nor the offline cache, audited accompany.code. */
	bool accompany;
};
/* A code just issued: its clear text, grouped for reading (wipe it after use). */
struct store_issued_code {
	int64_t id;
	char code[CODE_MAX_LEN * 2];
};
/* Draws and stores SPEC->count codes into OUT (SPEC->count of them). */
enum store_rc store_codes_issue(struct store *st, const struct store_actor *who,
				const struct code_spec *spec, struct store_issued_code *out);
/* A code as the desk sees it (never its clear text). */
struct store_code_row {
	int64_t id;
	char hint[16];
	enum wire_code_state state;
	int64_t seconds_total, seconds_left, pages, pages_left, valid_until, created_at;
	bool in_use;
	bool spare;     /* issued for the desk's drawer (store_spare.c) */
	bool all_sites; /* valid at every site; else at SITE only */
	char site[NAME_MAX_BYTES + 1];
};
struct store_code_rows {
	struct store_code_row *v;
	size_t n;
};
/* The newest 10000 codes (without ALL: the active ones); free V. */
void store_codes_list(struct store *st, bool all, struct store_code_rows *out);
/* A code named by its clear text (NORM, normalised) or by id (NORM NULL);
 * OUT gets the code as it is now. A code of a site WHO is not limited to is
 * STORE_NOT_FOUND, as an unknown one. */
enum store_rc store_code_revoke(struct store *st, const struct store_actor *who, const char *norm,
				int64_t id, struct store_code_row *out);
/* What one code may hold, as issued or extended (the API's limits). */
#define STORE_CODE_MAX_SECONDS (1440 * 60)
#define STORE_CODE_MAX_PAGES   1000
#define STORE_CODE_MAX_DAYS    366
enum store_rc store_code_extend(struct store *st, const struct store_actor *who, const char *norm,
				int64_t id, int64_t add_seconds, int64_t add_pages,
				int64_t add_days, struct store_code_row *out);
/* The spare codes still in the drawer: issued spare, never used, still valid. */
struct store_spare_drawer {
	int64_t unused;
	int64_t first_expiry; /* the earliest valid_until among them, 0 when none */
	int64_t last_issued;  /* when the last spare codes were issued, 0 never */
};
/* SITE NULL: every spare code; else those of SITE only. */
bool store_spare_drawer(struct store *st, int64_t now, const char *site,
			struct store_spare_drawer *out);
/* Sessions opened with a spare code that started in [FROM, TO). */
int64_t store_spare_sessions(struct store *st, int64_t from, int64_t to, const char *scope);
/* Accompanied sessions (a mediator's code) that started in [FROM, TO) at kiosks of SCOPE's
 * sites (NULL: all): a count, no name; EACH (may be NULL) gets each local day's count, in
 * order. */
int64_t store_accompanied_sessions(struct store *st, int64_t from, int64_t to, const char *scope,
				   void (*each)(void *arg, const char *day, int64_t n), void *arg);
/* One code of the kiosks' offline cache. */
struct store_cached_code {
	char verifier[STORE_VERIFIER_LEN * 2 + 1];
	enum wire_code_state state;
	int64_t seconds_left, pages_left, valid_until;
};
/* The offline cache since cursor SINCE (0: the whole list); free CODES. */
struct store_code_cache {
	int64_t cursor;
	bool full;
	char salt[STORE_SALT_LEN * 2 + 1];
	int64_t opslimit, memlimit;
	struct store_cached_code *codes;
	size_t n;
};
/* Only the codes valid at KIOSK's site: those of its site and those of every site. */
bool store_code_cache(struct store *st, int64_t kiosk, int64_t since, struct store_code_cache *out);

/* ---- sessions (kiosk side) ---- */
struct session_open {
	char id[SESSION_ID_LEN + 1];
	int64_t seconds_left;
	int64_t pages_left;
	int64_t valid_until;
	/* A mediator's accompany code: the session is accompanied by that mediator (its
	 * name; the session has no time limit but the kiosk's closing time). */
	bool accompanied;
	char accompanied_by[NAME_MAX_BYTES + 1];
};
enum store_rc store_session_open(struct store *st, int64_t kiosk, const char *norm,
				 struct session_open *out);
struct heartbeat {
	const char *state;
	const char *session; /* NULL without a session */
	int64_t seconds_used;
	int64_t pages_used;                  /* -1 when absent */
	int64_t pages_scanned, files_copied; /* the session's documents so far; 0 when absent */
	const char *version;
	const char *address;
	const int64_t *ack;
	size_t n_ack;
	int64_t settings_version; /* of its site's settings, applied; -1 when absent */
};
/* admind's view of a kiosk's session after a heartbeat. */
struct store_session_view {
	char id[WIRE_SESSION_LEN + 1];
	bool active, known; /* known: false for a session admind has no row of */
	int64_t seconds_left, pages_left, valid_until;
	char end_reason[17]; /* "" while active */
};
/* A command waiting for a kiosk's ack (WIRE_CMD_*: its type word in TYPE). */
struct store_command {
	int64_t id;
	char type[WIRE_WORD_MAX + 1];
	char session[WIRE_SESSION_LEN + 1]; /* "" when none */
	bool has_seconds, has_pages, has_pages_left;
	int64_t seconds, pages, pages_left;
	char *text;  /* a message's or a lock's text, NULL when none */
	char *event; /* a print notice's event word, NULL when none */
};
#define STORE_MAX_PENDING 50 /* commands sent with one heartbeat */
struct store_hb_answer {
	int64_t now;
	bool has_session;
	struct store_session_view session;
	struct store_command cmds[STORE_MAX_PENDING];
	size_t n_cmds;
};
/* Records the heartbeat; OUT gets the answer (free it with store_hb_answer_free). */
enum store_rc store_heartbeat(struct store *st, int64_t kiosk, const struct heartbeat *hb,
			      struct store_hb_answer *out);
void store_hb_answer_free(struct store_hb_answer *a);
/* SERVICES: the ids (at most 64, checked, distinct) of the services the session used,
 * counted once per session (store_services.h). */
enum store_rc store_session_end_kiosk(struct store *st, int64_t kiosk, const char *session,
				      const char *reason, int64_t seconds_used, int64_t pages_used,
				      const char (*services)[SVC_ID_MAX + 1], size_t n_services);
/* One event of a kiosk's outbox, checked by the API (docs/API.md). */
struct store_event {
	enum wire_event type;
	char id[65];
	int64_t at;
	char session[WIRE_SESSION_LEN + 1];
	char verifier[STORE_VERIFIER_LEN * 2 + 1]; /* session_open */
	char reason[17];                           /* session_end */
	int64_t seconds_used;                      /* progress, end */
	int64_t pages_used;                        /* progress, end; -1 when absent */
	const char (*services)[SVC_ID_MAX + 1];    /* end: service ids, or NULL */
	size_t n_services;
};
/* What became of an event: STATUS "applied", "duplicate" or "ignored" (WHY says why), and
 * FLAG for an offline session recorded but not granted (its code's state). */
struct store_event_result {
	const char *status, *why, *flag;
};
#define STORE_MAX_EVENTS 500 /* events in one batch */
/* Applies a checked batch of N events (one transaction); RES gets one result each. */
enum store_rc store_events_apply(struct store *st, int64_t kiosk, const struct store_event *ev,
				 size_t n, struct store_event_result *res);

/* Ends the sessions whose kiosk has been silent for stale_seconds (they
 * come back if the kiosk does, see store_heartbeat). */
bool store_end_stale(struct store *st, int64_t now);

/* ---- sessions (staff side) ---- */
/* A session as the desk sees it; CODE_ID is 0 and END_REASON NULL when
 * there is none, ENDED_AT and SECONDS_LEFT count only once it ended, and
 * while it is active. */
struct store_session_row {
	char *id, *kiosk, *site, *end_reason;
	int64_t code_id, started_at, ended_at, seconds_used, pages_used, seconds_left;
	bool has_code, offline, active;
	bool accompanied; /* opened by a mediator's code: its mediator is in the audit log only */
};
struct store_session_rows {
	struct store_session_row *v;
	size_t n;
};
/* The newest 1000 sessions (ACTIVE_ONLY: the open ones); free with
 * store_session_rows_free. */
/* The 1000 latest sessions (the open ones when ACTIVE_ONLY) of the kiosks of SCOPE's sites
 * (store_scope_json; NULL: every kiosk). */
void store_session_list(struct store *st, bool active_only, const char *scope,
			struct store_session_rows *out);
void store_session_rows_free(struct store_session_rows *l);
enum store_rc store_session_end_staff(struct store *st, const struct store_actor *who,
				      const char *session);
enum store_rc store_session_add_time(struct store *st, const struct store_actor *who,
				     const char *session, int64_t seconds);

/* ---- usage, statistics, retention ---- */
/* Figures of a group of sessions: a day, a kiosk, a site, or all of them. */
struct store_figures {
	int64_t sessions, seconds, pages, printed, refused, refunded;
};
/* One group: DAY ("YYYY-MM-DD"), or KIOSK and SITE, or SITE alone. */
struct store_stats_row {
	char *day, *kiosk, *site;
	struct store_figures f;
};
struct store_stats_rows {
	struct store_stats_row *v;
	size_t n;
};
#define STORE_DURATION_BANDS 5
struct store_stats {
	struct store_figures total;
	double mean_minutes, median_minutes;
	int64_t detailed; /* sessions kept in detail: what the median covers */
	struct store_stats_rows per_day, per_kiosk, per_site;
	int64_t per_hour[24]; /* sessions by local hour of their start (detailed) */
	struct {
		const char *label;
		int64_t sessions;
	} durations[STORE_DURATION_BANDS]; /* how long the detailed sessions lasted */
};
/* The sites the statistics of an account limited to sites cover: NULL for every site (N 0),
 * else a JSON array of their names (free it), what the statistics functions take as SCOPE. */
char *store_scope_json(const struct site_list *sites);
/* The figures of the sessions started in [FROM, TO), of the kiosks of SCOPE's sites
 * (NULL: every kiosk); free with store_stats_free. */
void store_stats(struct store *st, int64_t from, int64_t to, const char *scope,
		 struct store_stats *out);
void store_stats_free(struct store_stats *s);
/* Deletes session details older than the retention, keeping per-day totals. */
bool store_purge(struct store *st, int64_t now);

/* Online backup of the whole database into DEST (a new file). Without FULL the copy carries no credential: no password or token hash,
 * no web session, no code hash or offline verifier, no offline salt (a
 * copy for figures, not for a restore). */
bool store_backup(struct store *st, const char *dest, bool full);

#endif
