/* store_print: print jobs in the database. Every decision is stored before the
 * watcher acts on it in CUPS, so a restart loses nothing and acts twice on nothing. */
#include "store_print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store_internal.h"
#include "util.h"

static const char *const decision_words[] = {"release", "refuse", "cancel"};

static bool step_done(sqlite3_stmt *s)
{
	int r = sqlite3_step(s);
	store_release(s);
	return r == SQLITE_DONE;
}

/* Pages left on CODE (0 when none). Caller holds the lock. */
static int64_t code_pages_left(struct store *st, int64_t code)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT pages_total - pages_used FROM codes WHERE id = ?");
	sqlite3_bind_int64(s, 1, code);
	int64_t left = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	store_release(s);
	return left < 0 ? 0 : left;
}

/* Queues a "print" notice for KIOSK's SESSION: EVENT, PAGES, and the pages left now. */
static bool notice(struct store *st, int64_t kiosk, const char *session, int64_t code,
		   const char *event, int64_t pages)
{
	if (!kiosk || !session)
		return true;
	sqlite3_stmt *s =
		store_stmt(st, "INSERT INTO commands(kiosk_id, type, session_id, text,"
			       " pages, pages_left, created_at)"
			       " SELECT ?1, 'print', ?2, ?3, ?4, ?5, ?6 WHERE EXISTS"
			       " (SELECT 1 FROM sessions WHERE id = ?2 AND ended_at IS NULL)");
	sqlite3_bind_int64(s, 1, kiosk);
	bind_text(s, 2, session);
	bind_text(s, 3, event);
	sqlite3_bind_int64(s, 4, pages);
	sqlite3_bind_int64(s, 5, code ? code_pages_left(st, code) : 0);
	sqlite3_bind_int64(s, 6, now_s());
	return step_done(s);
}

/* Moves DELTA pages onto (positive) or back off (negative) CODE and SESSION. */
static bool charge(struct store *st, int64_t code, const char *session, int64_t delta)
{
	if (delta == 0)
		return true;
	sqlite3_stmt *s = store_stmt(st, "UPDATE codes SET pages_used = max(0, pages_used + ?),"
					 " rev = ? WHERE id = ?");
	sqlite3_bind_int64(s, 1, delta);
	sqlite3_bind_int64(s, 2, store_next_rev(st));
	sqlite3_bind_int64(s, 3, code);
	if (!step_done(s))
		return false;
	s = store_stmt(st, "UPDATE sessions SET pages_used = max(0, pages_used + ?) WHERE id = ?");
	sqlite3_bind_int64(s, 1, delta);
	bind_text(s, 2, session);
	return step_done(s);
}

/* Adds N to one of the session's print figures (COLUMN is a literal of ours). */
static bool session_figure(struct store *st, const char *session, const char *sql, int64_t n)
{
	if (!session || n == 0)
		return true;
	sqlite3_stmt *s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, n);
	bind_text(s, 2, session);
	return step_done(s);
}

#define ADD_PRINTED  "UPDATE sessions SET pages_printed = pages_printed + ? WHERE id = ?"
#define ADD_REFUSED  "UPDATE sessions SET pages_refused = pages_refused + ? WHERE id = ?"
#define ADD_REFUNDED "UPDATE sessions SET pages_refunded = pages_refunded + ? WHERE id = ?"

/* Finds the kiosk of a job: by name (job-account-id) or by the address its
 * requests come from. Returns NULL and fills KIOSK, or a reason word. */
static const char *find_kiosk(struct store *st, const struct print_new *job, int64_t *kiosk)
{
	*kiosk = 0;
	sqlite3_stmt *s;
	if (job->account && *job->account) {
		s = store_stmt(st, "SELECT id FROM kiosks WHERE name = ? AND revoked_at IS NULL");
		bind_text(s, 1, job->account);
		if (sqlite3_step(s) == SQLITE_ROW)
			*kiosk = sqlite3_column_int64(s, 0);
		store_release(s);
		return *kiosk ? NULL : "unknown_kiosk";
	}
	if (!job->host || !*job->host)
		return "unknown_kiosk";
	/* cupsd names loopback clients "localhost". */
	bool local = strcmp(job->host, "localhost") == 0;
	s = store_stmt(st, "SELECT k.id, EXISTS (SELECT 1 FROM sessions s WHERE s.kiosk_id = k.id"
			   " AND s.ended_at IS NULL) FROM kiosks k WHERE k.revoked_at IS NULL"
			   " AND (k.address = ?1 OR (?2 AND k.address IN ('127.0.0.1', '::1')))");
	bind_text(s, 1, job->host);
	sqlite3_bind_int(s, 2, local);
	int known = 0, in_session = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		known++;
		if (sqlite3_column_int(s, 1)) {
			in_session++;
			*kiosk = sqlite3_column_int64(s, 0);
		}
	}
	store_release(s);
	if (in_session == 1)
		return NULL;
	*kiosk = 0;
	if (in_session > 1)
		return "ambiguous_kiosk";
	return known ? "no_session" : "unknown_kiosk";
}

static enum print_decision decide(struct store *st, const struct print_new *job, int64_t kiosk,
				  const char *session, int64_t code, const char **reason)
{
	if (!kiosk || !session)
		return PRINT_REFUSE; /* reason set by the caller */
	if (job->not_held) {
		*reason = "not_held";
		return PRINT_REFUSE;
	}
	if (job->doc_pages < 0) {
		*reason = "damaged";
		return PRINT_REFUSE;
	}
	if (!job->options_ok) {
		*reason = "bad_options";
		return PRINT_REFUSE;
	}
	if (job->count.impressions <= 0) {
		*reason = "empty";
		return PRINT_REFUSE;
	}
	if (job->count.impressions > code_pages_left(st, code)) {
		*reason = "quota";
		return PRINT_REFUSE;
	}
	*reason = NULL;
	return PRINT_RELEASE;
}

static enum store_rc decide_tx(struct store *st, const struct print_new *job,
			       enum print_decision *out, const char **reason)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT 1 FROM print_jobs WHERE uuid = ?");
	bind_text(s, 1, job->uuid);
	bool exists = sqlite3_step(s) == SQLITE_ROW;
	store_release(s);
	if (exists)
		return STORE_CONFLICT;
	int64_t kiosk, code = 0;
	char session[SESSION_ID_LEN + 1] = "";
	*reason = find_kiosk(st, job, &kiosk);
	bool wrong_site = false;
	if (kiosk && job->site && *job->site) {
		/* A printer of a site prints for that site's kiosks only (their
		 * residents could not fetch the pages elsewhere): refused, and the
		 * kiosk is told, nothing charged. */
		s = store_stmt(st, "SELECT site = ? FROM kiosks WHERE id = ?");
		bind_text(s, 1, job->site);
		sqlite3_bind_int64(s, 2, kiosk);
		wrong_site = !(sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0));
		store_release(s);
	}
	if (kiosk) {
		s = store_stmt(st, "SELECT id, code_id, started_at FROM sessions WHERE kiosk_id = ?"
				   " AND ended_at IS NULL ORDER BY started_at DESC LIMIT 1");
		sqlite3_bind_int64(s, 1, kiosk);
		/* A job sent before the open session started belongs to an earlier
		 * resident (decided late: admind or cupsd was away): never charged to
		 * this one's code. */
		if (sqlite3_step(s) == SQLITE_ROW &&
		    (!job->created || sqlite3_column_int64(s, 2) <= job->created)) {
			snprintf(session, sizeof(session), "%s", sqlite3_column_text(s, 0));
			code = sqlite3_column_int64(s, 1);
		}
		store_release(s);
		if (!*session)
			*reason = "no_session";
	}
	*out = decide(st, job, kiosk, *session ? session : NULL, code, reason);
	if (wrong_site) {
		*out = PRINT_REFUSE;
		*reason = "wrong_site";
	}
	int64_t pages = job->count.impressions, now = now_s();
	bool release = *out == PRINT_RELEASE;
	s = store_stmt(st, "INSERT INTO print_jobs(cups_id, queue, kiosk_id, session_id, code_id,"
			   " title, doc_pages, copies, number_up, duplex, pages, sheets, charged,"
			   " decision, state, reason, created_at, updated_at, settled_at, uuid)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
			   " ?15, ?16, ?17, ?17, ?18, ?19)");
	sqlite3_bind_int64(s, 1, job->cups_id);
	bind_text(s, 19, job->uuid);
	bind_text(s, 2, job->queue);
	if (kiosk)
		sqlite3_bind_int64(s, 3, kiosk);
	bind_text(s, 4, *session ? session : NULL);
	if (code)
		sqlite3_bind_int64(s, 5, code);
	bind_text(s, 6, job->title ? job->title : "");
	sqlite3_bind_int64(s, 7, job->doc_pages < 0 ? 0 : job->doc_pages);
	sqlite3_bind_int64(s, 8, job->copies);
	sqlite3_bind_int64(s, 9, job->number_up);
	sqlite3_bind_int(s, 10, job->duplex);
	sqlite3_bind_int64(s, 11, pages < 0 ? 0 : pages);
	sqlite3_bind_int64(s, 12, job->count.sheets);
	sqlite3_bind_int64(s, 13, release ? pages : 0);
	bind_text(s, 14, decision_words[*out]);
	bind_text(s, 15, release ? "released" : "refused");
	bind_text(s, 16, *reason);
	sqlite3_bind_int64(s, 17, now);
	/* A refused job is settled at once: nothing was charged. */
	if (release)
		sqlite3_bind_null(s, 18);
	else
		sqlite3_bind_int64(s, 18, now);
	if (!step_done(s))
		return STORE_ERROR;
	if (!*session)
		return STORE_OK;
	char event[32];
	snprintf(event, sizeof(event), "%s%s", release ? "released" : "refused_",
		 *reason ? *reason : "");
	bool ok = release ? charge(st, code, session, pages)
			  : session_figure(st, session, ADD_REFUSED, pages > 0 ? pages : 0);
	return ok && notice(st, kiosk, session, code, event, pages > 0 ? pages : 0) ? STORE_OK
										    : STORE_ERROR;
}

enum store_rc store_print_decide(struct store *st, const struct print_new *job,
				 enum print_decision *out, const char **reason)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	return store_tx_end(st, decide_tx(st, job, out, reason));
}

enum store_rc store_print_get(struct store *st, int64_t id, const char *uuid, struct print_row *out)
{
	memset(out, 0, sizeof(*out));
	store_lock(st);
	sqlite3_stmt *s = store_stmt(
		st, "SELECT j.decision, j.state, j.settled_at IS NOT NULL, j.charged, j.printed,"
		    " j.refunded, s.id IS NOT NULL AND s.ended_at IS NULL, j.id, j.cups_id,"
		    " j.uuid, j.doc_pages, j.pages, j.queue FROM print_jobs j LEFT JOIN sessions s "
		    "ON s.id "
		    "= j.session_id"
		    " WHERE j.id = ?1 OR j.uuid = ?2");
	sqlite3_bind_int64(s, 1, uuid ? 0 : id);
	bind_text(s, 2, uuid);
	enum store_rc rc = STORE_NOT_FOUND;
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(s, 0);
		out->id = sqlite3_column_int64(s, 7);
		out->cups_id = sqlite3_column_int64(s, 8);
		snprintf(out->uuid, sizeof(out->uuid), "%s", sqlite3_column_text(s, 9));
		out->doc_pages = sqlite3_column_int64(s, 10);
		out->pages = sqlite3_column_int64(s, 11);
		snprintf(out->queue, sizeof(out->queue), "%s", sqlite3_column_text(s, 12));
		out->decision = strcmp(d, "release") == 0  ? PRINT_RELEASE
				: strcmp(d, "refuse") == 0 ? PRINT_REFUSE
							   : PRINT_CANCEL;
		snprintf(out->state, sizeof(out->state), "%s", sqlite3_column_text(s, 1));
		out->settled = sqlite3_column_int(s, 2) != 0;
		out->charged = sqlite3_column_int64(s, 3);
		out->printed = sqlite3_column_int64(s, 4);
		out->refunded = sqlite3_column_int64(s, 5);
		out->session_active = sqlite3_column_int(s, 6) != 0;
		rc = STORE_OK;
	}
	store_release(s);
	store_unlock(st);
	return rc;
}

bool store_print_changed(struct store *st, int64_t id)
{
	if (!store_tx_begin(st))
		return false;
	sqlite3_stmt *s = store_stmt(
		st, "UPDATE print_jobs SET decision = 'cancel', reason = 'options_changed',"
		    " updated_at = ? WHERE id = ? AND settled_at IS NULL AND decision = 'release'");
	sqlite3_bind_int64(s, 1, now_s());
	sqlite3_bind_int64(s, 2, id);
	bool ok = step_done(s);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR) == STORE_OK;
}

bool store_print_progress(struct store *st, int64_t id, const char *state, bool jammed)
{
	if (!store_tx_begin(st))
		return false;
	sqlite3_stmt *s = store_stmt(st, "SELECT kiosk_id, session_id, code_id, jammed, state"
					 " FROM print_jobs WHERE id = ? AND settled_at IS NULL");
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_release(s);
		return store_tx_end(st, STORE_OK) == STORE_OK;
	}
	int64_t kiosk = sqlite3_column_int64(s, 0), code = sqlite3_column_int64(s, 2);
	char session[SESSION_ID_LEN + 1] = "";
	if (sqlite3_column_type(s, 1) != SQLITE_NULL)
		snprintf(session, sizeof(session), "%s", sqlite3_column_text(s, 1));
	bool was_jammed = sqlite3_column_int(s, 3) != 0;
	bool same = strcmp((const char *)sqlite3_column_text(s, 4), state) == 0;
	store_release(s);
	if (same && (!jammed || was_jammed))
		return store_tx_end(st, STORE_OK) == STORE_OK;
	s = store_stmt(st, "UPDATE print_jobs SET state = ?, jammed = jammed OR ?, updated_at = ?"
			   " WHERE id = ?");
	bind_text(s, 1, state);
	sqlite3_bind_int(s, 2, jammed);
	sqlite3_bind_int64(s, 3, now_s());
	sqlite3_bind_int64(s, 4, id);
	bool ok = step_done(s);
	if (ok && jammed && !was_jammed) {
		log_warnx("print job %lld: the printer needs the desk (jam or stopped queue)",
			  (long long)id);
		ok = notice(st, kiosk, *session ? session : NULL, code, "jam", 0);
	}
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR) == STORE_OK;
}

bool store_print_settle(struct store *st, int64_t id, const char *state, int64_t impressions)
{
	if (!store_tx_begin(st))
		return false;
	sqlite3_stmt *s =
		store_stmt(st, "SELECT kiosk_id, session_id, code_id, charged, refunded,"
			       " pages FROM print_jobs WHERE id = ? AND settled_at IS NULL");
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_release(s);
		return store_tx_end(st, STORE_OK) == STORE_OK;
	}
	int64_t kiosk = sqlite3_column_int64(s, 0), code = sqlite3_column_int64(s, 2);
	char session[SESSION_ID_LEN + 1] = "";
	if (sqlite3_column_type(s, 1) != SQLITE_NULL)
		snprintf(session, sizeof(session), "%s", sqlite3_column_text(s, 1));
	int64_t charged = sqlite3_column_int64(s, 3), refunded = sqlite3_column_int64(s, 4);
	store_release(s);
	bool completed = strcmp(state, "printed") == 0, gone = strcmp(state, "gone") == 0;
	/* Completed: everything charged was printed (a reprint after a jam is on the
	 * centre). Cancelled or aborted: what CUPS counted as printed stays charged,
	 * the rest is refunded. Gone (CUPS forgot it while we were away): we cannot
	 * know; nothing is refunded automatically and the desk decides. */
	int64_t printed = completed ? charged : impressions < 0 ? 0 : impressions;
	if (printed > charged)
		printed = charged;
	int64_t refund = completed || gone ? 0 : charged - printed - refunded;
	if (refund < 0)
		refund = 0;
	s = store_stmt(st,
		       "UPDATE print_jobs SET state = ?1, printed = ?2, refunded = refunded + ?3,"
		       " updated_at = ?4, settled_at = ?4 WHERE id = ?5");
	bind_text(s, 1, state);
	sqlite3_bind_int64(s, 2, gone ? 0 : printed);
	sqlite3_bind_int64(s, 3, refund);
	sqlite3_bind_int64(s, 4, now_s());
	sqlite3_bind_int64(s, 5, id);
	bool ok = step_done(s);
	const char *sess = *session ? session : NULL;
	if (ok && code)
		ok = charge(st, code, session, -refund);
	ok = ok && session_figure(st, sess, ADD_PRINTED, gone ? 0 : printed) &&
	     session_figure(st, sess, ADD_REFUNDED, refund);
	if (ok)
		ok = completed ? notice(st, kiosk, sess, code, "printed", printed)
		     : gone    ? true
			       : notice(st, kiosk, sess, code, "cancelled", refund);
	if (ok)
		log_info("print job %lld %s: %lld page(s) printed, %lld refunded", (long long)id,
			 state, (long long)printed, (long long)refund);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR) == STORE_OK;
}

static size_t refs_of(struct store *st, const char *sql, const char *queue, struct print_ref *refs,
		      size_t max)
{
	size_t n = 0;
	store_lock(st);
	sqlite3_stmt *s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, (int64_t)max);
	bind_text(s, 2, queue);
	while (n < max && sqlite3_step(s) == SQLITE_ROW) {
		refs[n].id = sqlite3_column_int64(s, 0);
		refs[n].cups_id = sqlite3_column_int64(s, 1);
		snprintf(refs[n].uuid, sizeof(refs[n].uuid), "%s", sqlite3_column_text(s, 2));
		n++;
	}
	store_release(s);
	store_unlock(st);
	return n;
}

size_t store_print_open(struct store *st, const char *queue, struct print_ref *refs, size_t max)
{
	return refs_of(st,
		       "SELECT id, cups_id, uuid FROM print_jobs WHERE settled_at IS NULL"
		       " AND queue = ?2 ORDER BY id LIMIT ?1",
		       queue, refs, max);
}

bool store_print_busy(struct store *st, const char *session, int64_t settled_s)
{
	store_lock(st);
	sqlite3_stmt *s = store_stmt(st, "SELECT 1 FROM print_jobs WHERE session_id = ?"
					 " AND (settled_at IS NULL OR settled_at >= ?) LIMIT 1");
	sqlite3_bind_text(s, 1, session, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now_s() - settled_s);
	bool busy = sqlite3_step(s) == SQLITE_ROW;
	store_release(s);
	store_unlock(st);
	return busy;
}

size_t store_print_to_purge(struct store *st, const char *queue, struct print_ref *refs, size_t max)
{
	return refs_of(st,
		       "SELECT j.id, j.cups_id, j.uuid FROM print_jobs j"
		       " LEFT JOIN sessions s ON s.id = j.session_id"
		       " WHERE j.settled_at IS NOT NULL AND j.purged = 0"
		       " AND j.queue = ?2 AND (s.id IS NULL OR s.ended_at IS NOT NULL)"
		       " ORDER BY j.id LIMIT ?1",
		       queue, refs, max);
}

bool store_print_purged(struct store *st, int64_t id)
{
	if (!store_tx_begin(st))
		return false;
	sqlite3_stmt *s =
		store_stmt(st, "UPDATE print_jobs SET purged = 1, title = '' WHERE id = ?");
	sqlite3_bind_int64(s, 1, id);
	return store_tx_end(st, step_done(s) ? STORE_OK : STORE_ERROR) == STORE_OK;
}

bool store_print_cancel_ended(struct store *st)
{
	if (!store_tx_begin(st))
		return false;
	/* A job already printing goes on: its paper is in the printer. */
	sqlite3_stmt *s = store_stmt(
		st, "UPDATE print_jobs SET decision = 'cancel', reason = 'session_ended',"
		    " updated_at = ?1 WHERE settled_at IS NULL AND decision = 'release'"
		    " AND state IN ('released', 'queued', 'stopped') AND EXISTS (SELECT 1 FROM"
		    " sessions s WHERE s.id = print_jobs.session_id AND s.ended_at IS NOT NULL)");
	sqlite3_bind_int64(s, 1, now_s());
	bool ok = step_done(s);
	int n = sqlite3_changes(st->db);
	if (ok && n)
		log_info("%d print job(s) of ended sessions will be cancelled", n);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR) == STORE_OK;
}

bool store_job_site(struct store *st, int64_t id, char *site)
{
	site[0] = '\0';
	store_lock(st);
	sqlite3_stmt *s =
		db_prepare(st->db, "SELECT coalesce(k.site, '') FROM print_jobs j"
				   " LEFT JOIN kiosks k ON k.id = j.kiosk_id WHERE j.id = ?");
	sqlite3_bind_int64(s, 1, id);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	if (found)
		snprintf(site, NAME_MAX_BYTES + 1, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	store_unlock(st);
	return found;
}

void store_print_list(struct store *st, bool active_only, struct store_job_rows *out)
{
	char *sql = xasprintf(
		"SELECT j.id, j.queue, k.name, j.session_id, j.title, j.doc_pages, j.copies,"
		" j.number_up, j.duplex, j.pages, j.sheets, j.charged, j.printed, j.refunded,"
		" j.decision, j.state, j.reason, j.jammed, j.created_at, j.updated_at,"
		" j.settled_at, j.cups_id, coalesce(k.site, '') FROM print_jobs j"
		" LEFT JOIN kiosks k ON k.id = j.kiosk_id"
		" %s ORDER BY j.id DESC LIMIT 1000",
		active_only ? "WHERE j.settled_at IS NULL" : "");
	*out = (struct store_job_rows){0};
	store_lock(st);
	sqlite3_stmt *s = db_prepare(st->db, sql);
	while (sqlite3_step(s) == SQLITE_ROW) {
		out->v = store_grow(out->v, out->n, sizeof(*out->v));
		out->v[out->n++] = (struct store_job_row){
			.id = sqlite3_column_int64(s, 0),
			.queue = store_col_dup(s, 1),
			.kiosk = store_col_dup(s, 2),
			.session = store_col_dup(s, 3),
			.title = store_col_dup(s, 4),
			.document_pages = sqlite3_column_int64(s, 5),
			.copies = sqlite3_column_int64(s, 6),
			.number_up = sqlite3_column_int64(s, 7),
			.duplex = sqlite3_column_int(s, 8) != 0,
			.pages = sqlite3_column_int64(s, 9),
			.sheets = sqlite3_column_int64(s, 10),
			.charged = sqlite3_column_int64(s, 11),
			.printed = sqlite3_column_int64(s, 12),
			.refunded = sqlite3_column_int64(s, 13),
			.decision = store_col_dup(s, 14),
			.state = store_col_dup(s, 15),
			.reason = store_col_dup(s, 16),
			.jammed = sqlite3_column_int(s, 17) != 0,
			.created_at = sqlite3_column_int64(s, 18),
			.updated_at = sqlite3_column_int64(s, 19),
			.settled = sqlite3_column_type(s, 20) != SQLITE_NULL,
			.settled_at = sqlite3_column_int64(s, 20),
			.cups_id = sqlite3_column_int64(s, 21),
			.site = store_col_dup(s, 22),
		};
	}
	sqlite3_finalize(s);
	store_unlock(st);
	free(sql);
}

void store_job_rows_free(struct store_job_rows *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct store_job_row *j = &l->v[i];
		free(j->queue);
		free(j->kiosk);
		free(j->session);
		free(j->title);
		free(j->decision);
		free(j->state);
		free(j->reason);
		free(j->site);
	}
	free(l->v);
	*l = (struct store_job_rows){0};
}

enum store_rc store_print_cancel(struct store *st, const struct store_actor *who, int64_t id)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s = store_stmt(st, "SELECT settled_at IS NOT NULL, decision FROM print_jobs"
					 " WHERE id = ?");
	sqlite3_bind_int64(s, 1, id);
	enum store_rc rc = STORE_NOT_FOUND;
	if (sqlite3_step(s) == SQLITE_ROW)
		rc = sqlite3_column_int(s, 0) ? STORE_CONFLICT : STORE_OK;
	store_release(s);
	if (rc != STORE_OK)
		return store_tx_end(st, rc);
	s = store_stmt(st, "UPDATE print_jobs SET decision = 'cancel', reason = 'staff',"
			   " updated_at = ? WHERE id = ?");
	sqlite3_bind_int64(s, 1, now_s());
	sqlite3_bind_int64(s, 2, id);
	char target[24];
	snprintf(target, sizeof(target), "%lld", (long long)id);
	bool ok = step_done(s) && store_audit(st, who, "job.cancel", target, NULL, 0);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

enum store_rc store_print_refund(struct store *st, const struct store_actor *who, int64_t id,
				 int64_t pages, struct store_refund *out)
{
	if (!store_tx_begin(st))
		return STORE_ERROR;
	sqlite3_stmt *s = store_stmt(st, "SELECT kiosk_id, session_id, code_id, charged, refunded"
					 " FROM print_jobs WHERE id = ?");
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_release(s);
		return store_tx_end(st, STORE_NOT_FOUND);
	}
	int64_t kiosk = sqlite3_column_int64(s, 0), code = sqlite3_column_int64(s, 2);
	char session[SESSION_ID_LEN + 1] = "";
	if (sqlite3_column_type(s, 1) != SQLITE_NULL)
		snprintf(session, sizeof(session), "%s", sqlite3_column_text(s, 1));
	int64_t left = sqlite3_column_int64(s, 3) - sqlite3_column_int64(s, 4);
	store_release(s);
	if (pages < 0)
		pages = left;
	if (pages <= 0 || pages > left || !code)
		return store_tx_end(st, STORE_CONFLICT);
	s = store_stmt(st, "UPDATE print_jobs SET refunded = refunded + ?, updated_at = ?"
			   " WHERE id = ?");
	sqlite3_bind_int64(s, 1, pages);
	sqlite3_bind_int64(s, 2, now_s());
	sqlite3_bind_int64(s, 3, id);
	char target[24];
	snprintf(target, sizeof(target), "%lld", (long long)id);
	const char *sess = *session ? session : NULL;
	bool ok = step_done(s) && charge(st, code, session, -pages) &&
		  session_figure(st, sess, ADD_REFUNDED, pages) &&
		  notice(st, kiosk, sess, code, "refunded", pages) &&
		  store_audit(st, who, "job.refund", target,
			      (const struct audit_field[]){{"pages", NULL, pages}}, 1);
	if (ok)
		*out = (struct store_refund){pages, code_pages_left(st, code)};
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR);
}

bool store_print_audit(struct store *st, const struct store_actor *who, const char *action,
		       const char *target)
{
	if (!store_tx_begin(st))
		return false;
	bool ok = store_audit(st, who, action, target, NULL, 0);
	return store_tx_end(st, ok ? STORE_OK : STORE_ERROR) == STORE_OK;
}
