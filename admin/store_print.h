/* store_print: print jobs in the database: decisions, settlements, refunds and notices. */
#ifndef ESCALE_STORE_PRINT_H
#define ESCALE_STORE_PRINT_H

#include "pagecount.h"
#include "store.h"

/* A held job as the watcher found it, and what the store decided. */
struct print_new {
	int64_t cups_id;
	const char *uuid;  /* job-uuid */
	const char *queue; /* admind's name of the printer (print.queues) */
	const char *site;  /* the printer's site: "" or NULL for any kiosk */
	const char *title;
	const char *account; /* job-account-id (a kiosk name) or NULL */
	const char *host;    /* job-originating-host-name or NULL */
	int64_t created;     /* time-at-creation (0: unknown) */
	int64_t doc_pages;   /* -1: damaged or unreadable */
	bool options_ok;     /* pagecount_compute accepted the options */
	bool not_held;       /* it arrived not held (job-hold-until=no-hold): refused */
	int64_t copies, number_up;
	bool duplex;
	struct pagecount_result count;
};

/* The decision stored for a job; the watcher acts on it until it is settled. */
enum print_decision { PRINT_RELEASE, PRINT_REFUSE, PRINT_CANCEL };

struct print_row {
	int64_t id; /* escale's job id (what the desk names) */
	int64_t cups_id;
	char uuid[80]; /* job-uuid: cups_id alone may name another job */
	enum print_decision decision;
	char state[16];
	bool settled;
	bool session_active;
	int64_t charged, printed, refunded;
	int64_t doc_pages, pages; /* the document's pages, the pages the job was counted */
	char queue[128];          /* admind's name of its printer */
};

/* Ties the job to a kiosk and its session, and either charges the code and
 * decides to release it, or decides to refuse it (REASON: a word). Stores
 * the decision and the kiosk's notice in one transaction. */
enum store_rc store_print_decide(struct store *st, const struct print_new *job,
				 enum print_decision *out, const char **reason);
/* The stored row of job ID, or of the CUPS job with UUID (ID 0); STORE_NOT_FOUND
 * when the job is not known. */
enum store_rc store_print_get(struct store *st, int64_t id, const char *uuid,
			      struct print_row *out);
/* A released job now asks for more pages than it was charged (its owner
 * changed copies or ranges): it is to be cancelled, reason "options_changed". */
bool store_print_changed(struct store *st, int64_t id);
/* The job is pending or printing (STATE "queued", "printing" or "stopped");
 * JAMMED when its printer needs the desk (tells the kiosk once). */
bool store_print_progress(struct store *st, int64_t id, const char *state, bool jammed);
/* The job reached a final CUPS state: "printed" (completed), "cancelled",
 * "aborted" or "gone" (CUPS no longer knows it). Pages charged and not
 * printed (IMPRESSIONS, the pages CUPS counted) are refunded when it did not
 * complete; a completed job is never refunded. Settles once. */
bool store_print_settle(struct store *st, int64_t id, const char *state, int64_t impressions);
/* A stored job as CUPS knows it. */
struct print_ref {
	int64_t id, cups_id;
	char uuid[80];
};
/* Unsettled jobs of printer QUEUE (at most MAX); returns how many. */
size_t store_print_open(struct store *st, const char *queue, struct print_ref *refs, size_t max);
/* Jobs of ended sessions still waiting are turned into cancels. */
bool store_print_cancel_ended(struct store *st);
/* Settled jobs of ended sessions whose CUPS history is not removed yet. */
size_t store_print_to_purge(struct store *st, const char *queue, struct print_ref *refs,
			    size_t max);
/* Job ID left CUPS' history: its title (a document name) is forgotten too. */
bool store_print_purged(struct store *st, int64_t id);

/* Whether SESSION has a print job not settled, or settled within the last
 * SETTLED_S seconds: its kiosk is then told to send heartbeats every second,
 * so that the notices that follow the first (printing, printed, a jam) and
 * the bar's page count reach the resident at once. */
bool store_print_busy(struct store *st, const char *session, int64_t settled_s);

/* ---- the desk ---- */
/* A job as the desk sees it; KIOSK, SESSION and REASON may be NULL,
 * SETTLED_AT counts only once SETTLED. */
struct store_job_row {
	int64_t id, cups_id, document_pages, copies, number_up, pages, sheets;
	int64_t charged, printed, refunded, created_at, updated_at, settled_at;
	char *queue, *kiosk, *session, *title, *decision, *state, *reason;
	char *site; /* its kiosk's site ("" none), what limited staff accounts see by */
	bool duplex, jammed, settled;
};
struct store_job_rows {
	struct store_job_row *v;
	size_t n;
};
/* The newest 1000 jobs (ACTIVE_ONLY: those not settled); free with store_job_rows_free. */
void store_print_list(struct store *st, bool active_only, struct store_job_rows *out);
void store_job_rows_free(struct store_job_rows *l);
/* The site of job ID's kiosk into SITE (NAME_MAX_BYTES + 1); false for no such job. */
bool store_job_site(struct store *st, int64_t id, char *site);
/* Staff cancel: the watcher cancels it in CUPS; settlement refunds what did not print. */
enum store_rc store_print_cancel(struct store *st, const struct store_actor *who, int64_t id);
/* What a refund gave back, and what its code has left. */
struct store_refund {
	int64_t refunded, pages_left;
};
/* Refunds PAGES (-1: all that is left) of what job ID charged and was not refunded yet. */
enum store_rc store_print_refund(struct store *st, const struct store_actor *who, int64_t id,
				 int64_t pages, struct store_refund *out);
/* Audits a desk action done in CUPS (resume, retry): no detail. */
bool store_print_audit(struct store *st, const struct store_actor *who, const char *action,
		       const char *target);

#endif
