/* print: the CUPS watcher. Every poll: the queue's state; each active job of
 * the queue against its stored decision (held and unknown: counted and decided;
 * release: released; refuse/cancel: cancelled); stored jobs that left the
 * active list are settled from their final CUPS state. Decisions are stored
 * before CUPS is touched (store_print.c), so a restart acts again only where
 * CUPS did not follow yet, and never charges or releases twice. A job is
 * released only after it carries the release mark of what it was charged
 * (bk_mark.h): the escale backend prints nothing else. */
#include "print.h"

#include <cups/cups.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bk_mark.h"
#include "log.h"
#include "pdfcount.h"
#include "store_print.h"
#include "store_printers.h"
#include "util.h"
#include "wire.h"

#define MAX_OPEN 256

/* A document cupsd does not hand over (not sent yet after Create-Job, or
 * lost) is fetched again after 1, 2, 4... polls (at most 30), FETCH_GIVE_UP
 * times in all (about 90 s with print.poll_ms = 1000), then the job is
 * refused as unreadable, nothing charged: the resident is told instead of
 * waiting for a job that never comes, and the log says it twice, not at every
 * poll. */
#define FETCH_RETRY_SLOTS 32
#define FETCH_GIVE_UP     8
#define FETCH_WAIT_POLLS  30

/* With several printers, one whose print host did not answer is tried again
 * only after this long: each try may cost the whole round its timeouts (5 s
 * to connect, CUPS_REQUEST_TIMEOUT_MS for an answer), which would hold up the
 * other printers' jams and jobs at every poll. */
#define UNREACHABLE_RETRY_MS 15000

/* One queue of print.queues, or one added at run time (store_printers.h), on its own
 * print host, with its own key. */
struct pq {
	struct print_watch *pw;
	const struct print_queue_config *qc;
	/* A run-time printer's own names (qc points here), NULL strings for print.queues'. */
	struct print_queue_config own;
	bool runtime;
	bool no_key; /* its key could not be read: shown, never polled */
	char host[4096];
	int port;
	http_t *http; /* the watcher's connection to its cupsd (watcher thread only) */
	/* The queue as last seen (under pw->mu). */
	json_t *printer;
	bool was_reachable;
	int64_t retry_at_ms;      /* unreachable: not polled before this mono_ms() (0: now) */
	int64_t processing_since; /* when the job now printing started (0: none) */
	int64_t processing_job;
	uint8_t release_key[BK_MARK_KEY_LEN];
	/* Held jobs whose document could not be fetched (watcher thread only): tried
	 * again after a growing wait, then refused. */
	struct fetch_retry {
		int job; /* 0: free */
		int fails;
		int64_t next_ms;
	} retries[FETCH_RETRY_SLOTS];
};

struct print_watch {
	struct store *st;
	const struct print_config *cfg;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, kick;
	/* print.queues' printers first, then the run-time ones as first seen. The array changes
	 * only in the watcher thread and under MU; other threads read it under MU and copy
	 * what they need (a removed printer's struct is freed by the watcher). */
	struct pq **q;
	size_t nq;
};

static void sync_printers(struct print_watch *pw);
static bool runtime_name_ok(const char *name);
static char *runtime_key_file(const struct print_config *cfg, const char *name);

/* What a desk request needs of a printer, copied under the lock. */
struct pq_target {
	char name[PRINTER_NAME_MAX + 1];
	char queue[PRINTER_QUEUE_MAX + 1];
	char host[4096];
	int port;
};

/* "" : libcups' default; "/path" : a local socket; "host[:port]". */
static void parse_server(struct pq *q, const char *s)
{
	if (!*s)
		s = cupsServer();
	q->port = ippPort();
	snprintf(q->host, sizeof(q->host), "%s", s);
	if (q->host[0] == '/')
		return;
	char *colon = strrchr(q->host, ':');
	if (colon && !strchr(colon, ']')) {
		int64_t p;
		if (parse_i64(colon + 1, 1, 65535, &p)) {
			q->port = (int)p;
			*colon = '\0';
		}
	}
}

/* How long one request to cupsd may wait for its answer. libcups' default is
 * 60 s per read, retried once: a cupsd that accepts and never answers froze
 * the watcher (and a desk request, and admind's stop) for minutes. libcups
 * calls cups_wait() after each second without data; it gives up past the
 * request's deadline, or at once when admind stops. */
#define CUPS_REQUEST_TIMEOUT_MS 10000

static __thread int64_t request_deadline; /* mono_ms(), set by cups_do() */

static int cups_wait(http_t *http, void *data)
{
	(void)http;
	struct print_watch *pw = data;
	pthread_mutex_lock(&pw->mu);
	bool stop = pw->stop;
	pthread_mutex_unlock(&pw->mu);
	return !stop && mono_ms() < request_deadline;
}

/* cupsDoIORequest() (FD: -1 or where the answer's data goes) with a deadline. */
static ipp_t *cups_do(http_t *http, ipp_t *req, const char *resource, int fd)
{
	request_deadline = mono_ms() + CUPS_REQUEST_TIMEOUT_MS;
	return cupsDoIORequest(http, req, resource, -1, fd);
}

static http_t *connect_cups(struct print_watch *pw, const char *host, int port)
{
	http_t *http = httpConnect2(host, port, NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1,
				    5000, NULL);
	if (http)
		httpSetTimeout(http, 1.0, cups_wait, pw);
	return http;
}

static ipp_t *new_request(ipp_op_t op, const char *queue, int job)
{
	ipp_t *req = ippNewRequest(op);
	char uri[HTTP_MAX_URI];
	httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof(uri), "ipp", NULL, "localhost", 0,
			 "/printers/%s", queue);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
	if (job > 0)
		ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
		     cupsUser());
	return req;
}

/* Sends REQ (consumed); true when CUPS says ok. */
static bool do_op(http_t *http, ipp_t *req, const char *resource)
{
	ipp_t *resp = cups_do(http, req, resource, -1);
	ippDelete(resp);
	return cupsLastError() <= IPP_STATUS_OK_CONFLICTING;
}

static const char *attr_str(ipp_t *ipp, const char *name)
{
	ipp_attribute_t *a = ippFindAttribute(ipp, name, IPP_TAG_ZERO);
	return a ? ippGetString(a, 0, NULL) : NULL;
}

static int attr_int(ipp_t *ipp, const char *name, int def)
{
	ipp_attribute_t *a = ippFindAttribute(ipp, name, IPP_TAG_ZERO);
	if (!a || (ippGetValueTag(a) != IPP_TAG_INTEGER && ippGetValueTag(a) != IPP_TAG_ENUM))
		return def;
	return ippGetInteger(a, 0);
}

/* A reason that needs someone at the printer. */
static bool reason_needs_desk(const char *r)
{
	static const char *const words[] = {"media-jam", "media-empty", "media-needed",
					    "door-open", "cover-open",  "paused"};
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strncmp(r, words[i], strlen(words[i])) == 0)
			return true;
	return false;
}

/* A printer object: the queue's names and site, checked at NOW. */
static json_t *printer_new(const struct pq *q, int64_t now)
{
	return json_pack("{ss ss ss ss sI ss}", "name", q->qc->name, "site", q->qc->site,
			 "cups_server", *q->qc->cups_server ? q->qc->cups_server : q->host, "queue",
			 q->qc->queue, "checked_at", (json_int_t)now, "origin",
			 q->runtime ? "api" : "config");
}

/* Reads the queue's state into a printer object; NEEDS_DESK when it is stopped or jammed. */
static json_t *printer_state(struct pq *q, http_t *http, bool *needs_desk)
{
	static const char *const want[] = {"printer-state", "printer-state-reasons",
					   "printer-state-message", "printer-is-accepting-jobs",
					   "device-uri"};
	ipp_t *req = new_request(IPP_OP_GET_PRINTER_ATTRIBUTES, q->qc->queue, 0);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
		      (int)ARRAY_LEN(want), NULL, want);
	ipp_t *resp = cups_do(http, req, "/", -1);
	*needs_desk = false;
	json_t *o = printer_new(q, now_s());
	if (!resp || cupsLastError() > IPP_STATUS_OK_CONFLICTING) {
		bool missing = cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND;
		json_object_set_new(o, "state",
				    json_string(missing ? "unknown_queue" : "unreachable"));
		json_object_set_new(o, "reasons", json_array());
		json_object_set_new(o, "message", json_string(cupsLastErrorString()));
		json_object_set_new(o, "accepting", json_false());
		json_object_set_new(o, "needs_attention", json_true());
		ippDelete(resp);
		return o;
	}
	int state = attr_int(resp, "printer-state", IPP_PSTATE_IDLE);
	json_object_set_new(o, "state",
			    json_string(state == IPP_PSTATE_STOPPED      ? "stopped"
					: state == IPP_PSTATE_PROCESSING ? "processing"
									 : "idle"));
	*needs_desk = state == IPP_PSTATE_STOPPED;
	json_t *reasons = json_array();
	ipp_attribute_t *a = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD);
	for (int i = 0; a && i < ippGetCount(a) && i < 32; i++) {
		const char *r = ippGetString(a, i, NULL);
		if (!r || strcmp(r, "none") == 0)
			continue;
		json_array_append_new(reasons, json_string(r));
		if (reason_needs_desk(r))
			*needs_desk = true;
	}
	json_object_set_new(o, "reasons", reasons);
	const char *msg = attr_str(resp, "printer-state-message");
	json_object_set_new(o, "message", json_string(msg ? msg : ""));
	a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
	json_object_set_new(o, "accepting", json_boolean(a && ippGetBoolean(a, 0)));
	ippDelete(resp);
	return o;
}

/* Fetches document 1 of JOB into memory and counts its pages. */
static int64_t count_document(struct pq *q, http_t *http, int job, char *err, size_t errlen)
{
	int fd = memfd_create("escale-print-doc", MFD_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "memfd: %s", strerror(errno));
		return -2;
	}
	ipp_t *req = new_request(IPP_OP_CUPS_GET_DOCUMENT, q->qc->queue, job);
	ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "document-number", 1);
	ipp_t *resp = cups_do(http, req, "/", fd);
	bool ok = resp && cupsLastError() <= IPP_STATUS_OK_CONFLICTING;
	ippDelete(resp);
	if (!ok) {
		snprintf(err, errlen, "cannot get the document: %s", cupsLastErrorString());
		close(fd);
		return -2; /* try again at the next poll */
	}
	struct stat sb;
	int64_t pages = -1;
	if (fstat(fd, &sb) != 0 || sb.st_size <= 0) {
		snprintf(err, errlen, "empty document");
	} else if (sb.st_size > q->pw->cfg->max_document_bytes) {
		snprintf(err, errlen, "document of %lld bytes, more than print.max_document_bytes",
			 (long long)sb.st_size);
	} else {
		/* Parsed apart, never in admind's address space (issue 16). */
		pages = pdfcount_pages(q->pw->cfg->pagecount_helper, fd,
				       q->pw->cfg->pagecount_seconds * 1000, err, errlen);
	}
	close(fd);
	return pages;
}

/* What JOBATTRS ask of a document of DOC_PAGES pages (copies, number-up,
 * sides, page-ranges, one document): false when out of range. */
static bool job_cost(ipp_t *jobattrs, int64_t doc_pages, struct print_new *n)
{
	struct pagecount_range ranges[PAGECOUNT_MAX_RANGES];
	n->copies = attr_int(jobattrs, "copies", 1);
	n->number_up = attr_int(jobattrs, "number-up", 1);
	const char *sides = attr_str(jobattrs, "sides");
	/* A browser printing through GTK to a queue with a PPD sends the PPD's option
	 * (Duplex=DuplexNoTumble) instead of sides; the backend maps it to sides. */
	const char *ppd_duplex = attr_str(jobattrs, "Duplex");
	n->duplex = sides ? strncmp(sides, "two-sided", 9) == 0
			  : ppd_duplex && strncmp(ppd_duplex, "Duplex", 6) == 0;
	ipp_attribute_t *a = ippFindAttribute(jobattrs, "page-ranges", IPP_TAG_RANGE);
	int nr = a ? ippGetCount(a) : 0;
	bool ok_ranges = nr <= PAGECOUNT_MAX_RANGES;
	for (int i = 0; ok_ranges && i < nr; i++) {
		int hi;
		ranges[i].lo = ippGetRange(a, i, &hi);
		ranges[i].hi = hi;
	}
	int docs = attr_int(jobattrs, "number-of-documents", 1);
	struct pagecount_job pj = {.doc_pages = doc_pages < 0 ? 0 : doc_pages,
				   .ranges = ranges,
				   .n_ranges = ok_ranges ? (size_t)nr : 0,
				   .copies = n->copies,
				   .number_up = n->number_up,
				   .duplex = n->duplex};
	return ok_ranges && docs == 1 && pagecount_compute(&pj, &n->count);
}

/* The retry entry of JOB (NEW: made if missing; NULL when the table is full). */
static struct fetch_retry *fetch_retry_of(struct pq *q, int job, bool new)
{
	struct fetch_retry *free_slot = NULL;
	/* An entry not tried for a long while is of a job gone from the queue. */
	int64_t stale = mono_ms() - 4 * FETCH_WAIT_POLLS * q->pw->cfg->poll_ms;
	for (size_t i = 0; i < FETCH_RETRY_SLOTS; i++) {
		if (q->retries[i].job == job)
			return &q->retries[i];
		if ((!q->retries[i].job || q->retries[i].next_ms < stale) && !free_slot)
			free_slot = &q->retries[i];
	}
	if (!new || !free_slot)
		return NULL;
	*free_slot = (struct fetch_retry){.job = job};
	return free_slot;
}

/* A failed fetch of JOB's document: true when it is to be tried again later,
 * false when it has failed too often (ERR says so). */
static bool fetch_failed(struct pq *q, int job, char *err, size_t errlen)
{
	struct fetch_retry *r = fetch_retry_of(q, job, true);
	if (!r) /* more failing jobs than slots: each tried at every poll */
		return true;
	r->fails++;
	if (r->fails == 1)
		log_warnx("print job %d: %s; trying again", job, err);
	if (r->fails >= FETCH_GIVE_UP) {
		size_t n = strlen(err);
		snprintf(err + n, errlen - n, " (%d tries)", r->fails);
		r->job = 0;
		return false;
	}
	if (r->fails > 1)
		log_debug("print job %d: %s; try %d", job, err, r->fails);
	int64_t polls = 1LL << (r->fails - 1);
	if (polls > FETCH_WAIT_POLLS)
		polls = FETCH_WAIT_POLLS;
	/* (less one poll: the wait ends at the poll that follows it) */
	r->next_ms = mono_ms() + (polls - 1) * q->pw->cfg->poll_ms;
	return true;
}

/* A held job unknown to the store: count, decide, store. True when decided. */
static bool decide_job(struct pq *q, http_t *http, ipp_t *jobattrs, int id, const char *uuid,
		       bool not_held)
{
	struct print_new n = {.cups_id = id,
			      .uuid = uuid,
			      .queue = q->qc->name,
			      .site = q->qc->site,
			      .not_held = not_held};
	n.title = attr_str(jobattrs, "job-name");
	n.account = attr_str(jobattrs, "job-account-id");
	/* A kiosk's browser names its kiosk in its CUPS user name (kiosk/kprint.h), which
	 * the resident cannot change; job-account-id, when there is one, comes first. */
	const char *user = attr_str(jobattrs, "job-originating-user-name");
	size_t plen = strlen(KPRINT_USER_PREFIX);
	if ((!n.account || !*n.account) && user && strncmp(user, KPRINT_USER_PREFIX, plen) == 0 &&
	    user[plen])
		n.account = user + plen;
	n.host = attr_str(jobattrs, "job-originating-host-name");
	n.created = attr_int(jobattrs, "time-at-creation", 0);
	char err[256] = "";
	/* cupsd's own size of the job (KiB, rounded up): a document too large is
	 * refused before it is fetched into memory, not after. */
	int64_t kib = attr_int(jobattrs, "job-k-octets", 0);
	if (not_held) {
		n.doc_pages = 0; /* refused without counting: nothing is charged */
	} else if (kib > (q->pw->cfg->max_document_bytes + 1023) / 1024) {
		snprintf(err, sizeof(err),
			 "document of %lld KiB, more than print.max_document_bytes",
			 (long long)kib);
		n.doc_pages = -1;
	} else {
		struct fetch_retry *r = fetch_retry_of(q, id, false);
		if (r && mono_ms() < r->next_ms)
			return false; /* its document failed lately: later */
		if (attr_int(jobattrs, "number-of-documents", 1) == 0) {
			/* Seen between Create-Job and its first Send-Document: the
			 * document fetched now would be judged against attributes
			 * that say it is not there (bad_options). */
			snprintf(err, sizeof(err), "no document sent yet");
			n.doc_pages = -2;
		} else {
			n.doc_pages = count_document(q, http, id, err, sizeof(err));
		}
		if (n.doc_pages == -2 && fetch_failed(q, id, err, sizeof(err)))
			return false;
		if (n.doc_pages == -2)
			n.doc_pages = -1; /* unreadable: refused, not charged */
		else if (r)
			r->job = 0; /* fetched at last */
	}
	if (n.doc_pages < 0)
		log_warnx("print job %d: %s: refused", id, err);
	n.options_ok = job_cost(jobattrs, n.doc_pages, &n);
	enum print_decision d;
	const char *reason = NULL;
	enum store_rc rc = store_print_decide(q->pw->st, &n, &d, &reason);
	if (rc == STORE_CONFLICT)
		return true;
	if (rc != STORE_OK) {
		log_warnx("print job %d: the decision could not be stored; trying again", id);
		return false;
	}
	const char *from = n.account ? n.account : n.host ? n.host : "?";
	log_info("print job %d (%s%s): %lld page(s), %s%s%s", id, n.account ? "kiosk " : "host ",
		 from, (long long)n.count.impressions, d == PRINT_RELEASE ? "released" : "refused",
		 reason ? ": " : "", reason ? reason : "");
	return true;
}

static void cancel_job(struct pq *q, http_t *http, int id, bool purge)
{
	ipp_t *req = new_request(IPP_OP_CANCEL_JOB, q->qc->queue, id);
	if (purge)
		ippAddBoolean(req, IPP_TAG_OPERATION, "purge-job", 1);
	if (!do_op(http, req, "/jobs/") && cupsLastError() != IPP_STATUS_ERROR_NOT_POSSIBLE)
		log_warnx("print job %d: cannot cancel: %s", id, cupsLastErrorString());
}

/* Sets the release mark of JOB (ID), charged PAGES, as its escale-release
 * attribute: the backend prints a job only with it. */
static bool mark_job(struct pq *q, http_t *http, ipp_t *job, int id, int64_t pages)
{
	char mark[BK_MARK_MAX + 1];
	struct bk_job bj = {.printer = q->qc->queue,
			    .job_id = id,
			    .created = attr_int(job, "time-at-creation", -1)};
	long docs = attr_int(job, "number-of-documents", 1);
	if (!bk_mark_make(q->release_key, &bj, (long)pages, docs, mark, sizeof(mark))) {
		log_warnx("print job %d: no release mark for it (time-at-creation %lld, %lld"
			  " page(s), %ld document(s))",
			  id, bj.created, (long long)pages, docs);
		return false;
	}
	ipp_t *req = new_request(IPP_OP_SET_JOB_ATTRIBUTES, q->qc->queue, id);
	ippAddString(req, IPP_TAG_JOB, IPP_TAG_KEYWORD, BK_MARK_ATTR, NULL, mark);
	if (!do_op(http, req, "/jobs/")) {
		log_warnx("print job %d: cannot set its release mark: %s", id,
			  cupsLastErrorString());
		return false;
	}
	return true;
}

/* One active job of the queue against its stored decision. */
static void follow_job(struct pq *q, http_t *http, ipp_t *job, bool needs_desk, int64_t now)
{
	int id = attr_int(job, "job-id", 0);
	int state = attr_int(job, "job-state", 0);
	const char *uuid = attr_str(job, "job-uuid");
	if (id <= 0 || !uuid || !*uuid || strlen(uuid) >= sizeof(((struct print_ref *)0)->uuid))
		return;
	struct print_row row;
	enum store_rc rc = store_print_get(q->pw->st, 0, uuid, &row);
	if (rc == STORE_NOT_FOUND) {
		/* Not held (the job asked for job-hold-until=no-hold, or the queue
		 * misses job-hold-until-default): refused, "not_held". The backend
		 * refuses it too when it gets there first: it has no release mark. */
		bool not_held = state == IPP_JSTATE_PENDING || state == IPP_JSTATE_PROCESSING ||
				state == IPP_JSTATE_STOPPED;
		if (not_held)
			log_warnx("print job %d arrived not held: refused (see docs/printing.md: "
				  "job-hold-until-default=indefinite)",
				  id);
		/* Decided: acted on at once below, from the stored decision. */
		if ((state == IPP_JSTATE_HELD || not_held) &&
		    decide_job(q, http, job, id, uuid, not_held))
			rc = store_print_get(q->pw->st, 0, uuid, &row);
	}
	if (rc != STORE_OK)
		return;
	if (row.cups_id != id || strcmp(row.queue, q->qc->name) != 0) {
		/* Its owner set job-uuid (Set-Job-Attributes allows it) to that of
		 * a job already decided, here or on another printer (whose CUPS ids
		 * count from 1 as well): never released on another job's decision. */
		log_warnx("print job %d of %s claims the job-uuid of job %lld of %s: cancelled", id,
			  q->qc->name, (long long)row.cups_id, row.queue);
		cancel_job(q, http, id, false);
		return;
	}
	if (row.decision != PRINT_RELEASE) {
		cancel_job(q, http, id, false);
		return;
	}
	/* A job's owner may change its options while it waits, held or pending
	 * (Set-Job-Attributes: copies, page-ranges...): one asking for more pages
	 * than it was charged is cancelled, and refunded as any cancelled job. */
	struct print_new asked = {0};
	if (!job_cost(job, row.doc_pages, &asked) || asked.count.impressions > row.pages) {
		log_warnx("print job %d now asks for more pages than it was charged: cancelled",
			  id);
		if (store_print_changed(q->pw->st, row.id))
			cancel_job(q, http, id, false);
		return;
	}
	if (state == IPP_JSTATE_HELD) {
		if (!mark_job(q, http, job, id, row.pages))
			return; /* released at a later poll */
		ipp_t *req = new_request(IPP_OP_RELEASE_JOB, q->qc->queue, id);
		if (!do_op(http, req, "/jobs/"))
			log_warnx("print job %d: cannot release: %s", id, cupsLastErrorString());
		return;
	}
	bool printing = state == IPP_JSTATE_PROCESSING;
	bool stuck = false;
	if (printing) {
		if (q->processing_job != id) {
			q->processing_job = id;
			q->processing_since = now;
		}
		stuck = now - q->processing_since > q->pw->cfg->stuck_seconds;
	}
	const char *st = printing ? "printing" : needs_desk ? "stopped" : "queued";
	store_print_progress(q->pw->st, row.id, st, needs_desk || stuck);
}

static const char *final_word(int state)
{
	return state == IPP_JSTATE_COMPLETED  ? "printed"
	       : state == IPP_JSTATE_CANCELED ? "cancelled"
					      : "aborted";
}

/* The final state of a stored job in CUPS: *STATE is 0 when CUPS no longer
 * knows it (or its id now names another job); false when CUPS did not answer. */
static bool job_final(const char *queue, http_t *http, const struct print_ref *ref, int *state,
		      int *impressions)
{
	static const char *const want[] = {"job-state", "job-impressions-completed", "job-uuid"};
	ipp_t *req = new_request(IPP_OP_GET_JOB_ATTRIBUTES, queue, (int)ref->cups_id);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
		      (int)ARRAY_LEN(want), NULL, want);
	ipp_t *resp = cups_do(http, req, "/", -1);
	ipp_status_t e = cupsLastError();
	bool ok = true;
	*state = *impressions = 0;
	if (resp && e <= IPP_STATUS_OK_CONFLICTING) {
		const char *uuid = attr_str(resp, "job-uuid");
		if (uuid && strcmp(uuid, ref->uuid) == 0) {
			*state = attr_int(resp, "job-state", 0);
			*impressions = attr_int(resp, "job-impressions-completed", 0);
		}
	} else if (e != IPP_STATUS_ERROR_NOT_FOUND) {
		ok = false;
	}
	ippDelete(resp);
	return ok;
}

/* A stored job that left the active list: settle it from its final state. */
static void settle_job(struct pq *q, http_t *http, const struct print_ref *ref)
{
	int state, impressions;
	if (!job_final(q->qc->queue, http, ref, &state, &impressions))
		return;
	if (state == 0)
		store_print_settle(q->pw->st, ref->id, "gone", 0);
	else if (state >= IPP_JSTATE_CANCELED)
		store_print_settle(q->pw->st, ref->id, final_word(state), impressions);
}

static void poll_once(struct pq *q)
{
	int64_t now = now_s();
	if (!q->http)
		q->http = connect_cups(q->pw, q->host, q->port);
	http_t *http = q->http;
	bool needs_desk = false;
	json_t *printer;
	if (!http) {
		printer = printer_new(q, now);
		json_object_set_new(printer, "state", json_string("unreachable"));
		json_object_set_new(printer, "reasons", json_array());
		json_object_set_new(printer, "message", json_string("cannot connect to cupsd"));
		json_object_set_new(printer, "accepting", json_false());
		json_object_set_new(printer, "needs_attention", json_true());
	} else {
		printer = printer_state(q, http, &needs_desk);
	}
	const char *pstate = json_string_value(json_object_get(printer, "state"));
	bool reachable = strcmp(pstate, "unreachable") != 0;
	if (reachable && !q->was_reachable)
		log_event(LOG_LVL_INFO, LOG_ID_CUPS_BACK,
			  "print: cupsd at %s is reachable again (printer %s)", q->host,
			  q->qc->name);
	else if (!reachable && q->was_reachable)
		log_event(LOG_LVL_WARN, LOG_ID_CUPS_UNREACHABLE,
			  "print: cupsd at %s is unreachable: jobs of printer %s wait until it is "
			  "back",
			  q->host, q->qc->name);
	q->was_reachable = reachable;
	q->retry_at_ms = !reachable && q->pw->nq > 1 ? mono_ms() + UNREACHABLE_RETRY_MS : 0;
	if (!reachable && http) {
		httpClose(http);
		q->http = NULL;
	}
	if (!reachable || strcmp(pstate, "unknown_queue") == 0) {
		pthread_mutex_lock(&q->pw->mu);
		json_decref(q->printer);
		q->printer = printer;
		pthread_mutex_unlock(&q->pw->mu);
		return;
	}
	/* The active jobs of the queue. */
	static const char *const want[] = {"job-id",
					   "job-state",
					   "job-name",
					   "job-account-id",
					   "job-originating-host-name",
					   "job-originating-user-name",
					   "copies",
					   "number-up",
					   "page-ranges",
					   "sides",
					   "Duplex",
					   "number-of-documents",
					   "job-impressions-completed",
					   "job-uuid",
					   "time-at-creation",
					   "job-k-octets"};
	ipp_t *req = new_request(IPP_OP_GET_JOBS, q->qc->queue, 0);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", NULL, "not-completed");
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
		      (int)ARRAY_LEN(want), NULL, want);
	ipp_t *resp = cups_do(http, req, "/", -1);
	int64_t active[MAX_OPEN];
	size_t n_active = 0, waiting = 0;
	bool any_printing = false;
	if (resp && cupsLastError() <= IPP_STATUS_OK_CONFLICTING) {
		/* Each job is a group of attributes separated by IPP_TAG_ZERO. */
		ipp_attribute_t *a = ippFirstAttribute(resp);
		while (a) {
			while (a && ippGetGroupTag(a) != IPP_TAG_JOB)
				a = ippNextAttribute(resp);
			if (!a)
				break;
			ipp_t *job = ippNew();
			while (a && ippGetGroupTag(a) == IPP_TAG_JOB) {
				ippCopyAttribute(job, a, 0);
				a = ippNextAttribute(resp);
			}
			int id = attr_int(job, "job-id", 0);
			int state = attr_int(job, "job-state", 0);
			if (state == IPP_JSTATE_PROCESSING)
				any_printing = true;
			if (state != IPP_JSTATE_HELD)
				waiting++;
			if (id > 0 && n_active < MAX_OPEN)
				active[n_active++] = id;
			follow_job(q, http, job, needs_desk, now);
			ippDelete(job);
		}
	}
	ippDelete(resp);
	if (!any_printing)
		q->processing_job = 0;
	/* Stored jobs no longer active: settle them. */
	static struct print_ref open[MAX_OPEN]; /* this thread only */
	size_t n_open = store_print_open(q->pw->st, q->qc->name, open, MAX_OPEN);
	for (size_t i = 0; i < n_open; i++) {
		bool seen = false;
		for (size_t j = 0; j < n_active && !seen; j++)
			seen = active[j] == open[i].cups_id;
		if (!seen)
			settle_job(q, http, &open[i]);
	}
	if (q->pw->cfg->purge_history) {
		n_open = store_print_to_purge(q->pw->st, q->qc->name, open, MAX_OPEN);
		for (size_t i = 0; i < n_open; i++) {
			/* Only the job itself: its id may name another job by now. */
			int state, impressions;
			if (!job_final(q->qc->queue, http, &open[i], &state, &impressions))
				continue;
			if (state) {
				ipp_t *r = new_request(IPP_OP_CANCEL_JOB, q->qc->queue,
						       (int)open[i].cups_id);
				ippAddBoolean(r, IPP_TAG_OPERATION, "purge-job", 1);
				if (!do_op(http, r, "/jobs/") &&
				    cupsLastError() != IPP_STATUS_ERROR_NOT_FOUND)
					continue;
			}
			store_print_purged(q->pw->st, open[i].id);
		}
	}
	bool stuck = q->processing_job && now - q->processing_since > q->pw->cfg->stuck_seconds;
	json_object_set_new(printer, "needs_attention", json_boolean(needs_desk || stuck));
	json_object_set_new(printer, "jobs_waiting", json_integer((json_int_t)waiting));
	pthread_mutex_lock(&q->pw->mu);
	json_decref(q->printer);
	q->printer = printer;
	pthread_mutex_unlock(&q->pw->mu);
}

static void *watch_main(void *arg)
{
	struct print_watch *pw = arg;
	pthread_mutex_lock(&pw->mu);
	while (!pw->stop) {
		pw->kick = false;
		pthread_mutex_unlock(&pw->mu);
		/* Jobs of ended sessions still waiting, whatever their printer: to be
		 * cancelled by their queue's poll below. */
		store_print_cancel_ended(pw->st);
		/* Printers added or removed at run time (POST and DELETE /api/v1/printers). */
		sync_printers(pw);
		/* One poll per queue, one after the other; a queue whose cupsd did
		 * not answer waits UNREACHABLE_RETRY_MS before its next try. */
		for (size_t i = 0; i < pw->nq; i++) {
			pthread_mutex_lock(&pw->mu);
			bool stop = pw->stop;
			pthread_mutex_unlock(&pw->mu);
			if (stop)
				break;
			if (pw->q[i]->no_key ||
			    (pw->q[i]->retry_at_ms && mono_ms() < pw->q[i]->retry_at_ms))
				continue;
			poll_once(pw->q[i]);
		}
		pthread_mutex_lock(&pw->mu);
		if (pw->stop || pw->kick)
			continue;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += pw->cfg->poll_ms / 1000;
		ts.tv_nsec += (pw->cfg->poll_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		while (!pw->stop && !pw->kick &&
		       pthread_cond_timedwait(&pw->cv, &pw->mu, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&pw->mu);
	for (size_t i = 0; i < pw->nq; i++)
		if (pw->q[i]->http) {
			httpClose(pw->q[i]->http);
			pw->q[i]->http = NULL;
		}
	return NULL;
}

/* Creates a missing release key file PATH: 32 random bytes, mode 0600. */
static bool release_key_create(const char *path)
{
	uint8_t key[BK_MARK_KEY_LEN];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errno == EEXIST; /* made meanwhile: read below */
	randombytes_buf(key, sizeof(key));
	bool ok = write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) && fsync(fd) == 0;
	sodium_memzero(key, sizeof(key));
	close(fd);
	if (!ok)
		unlink(path);
	else
		log_info("print: %s: new release key created", path);
	return ok;
}

bool print_key_hex(const struct print_config *cfg, const char *name, char hex[PRINT_KEY_HEX_SIZE],
		   char *err, size_t errlen)
{
	_Static_assert(PRINT_KEY_HEX_SIZE == 2 * BK_MARK_KEY_LEN + 1, "hex key size");
	const struct print_queue_config *qc = NULL;
	for (size_t i = 0; i < cfg->n_queues && !qc; i++)
		if (strcmp(cfg->queues[i].name, name) == 0)
			qc = &cfg->queues[i];
	if (!qc && runtime_name_ok(name)) {
		/* A printer added at run time (escalectl printer add): its key, when there is
		 * one; -k never makes a key of a name admind does not know. */
		char *path = runtime_key_file(cfg, name);
		bool ok = access(path, F_OK) == 0;
		uint8_t key[BK_MARK_KEY_LEN];
		ok = ok && bk_mark_key_load(path, key, err, errlen);
		free(path);
		if (ok) {
			sodium_bin2hex(hex, PRINT_KEY_HEX_SIZE, key, sizeof(key));
			sodium_memzero(key, sizeof(key));
			return true;
		}
	}
	if (!qc) {
		int n = snprintf(err, errlen,
				 "no printer named %s in print.queues (nor added with escalectl"
				 " printer add): the printers are",
				 name);
		for (size_t i = 0; i < cfg->n_queues && n >= 0 && (size_t)n < errlen; i++)
			n += snprintf(err + n, errlen - (size_t)n, "%s %s", i ? "," : "",
				      cfg->queues[i].name);
		return false;
	}
	uint8_t key[BK_MARK_KEY_LEN];
	if (sodium_init() < 0 || !release_key_create(qc->release_key_file)) {
		snprintf(err, errlen,
			 "%s: cannot create the release key: %s (run as escale-admind's"
			 " user)",
			 qc->release_key_file, strerror(errno));
		return false;
	}
	if (!bk_mark_key_load(qc->release_key_file, key, err, errlen))
		return false;
	sodium_bin2hex(hex, PRINT_KEY_HEX_SIZE, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	return true;
}

/* Q's look before its first poll. */
static void printer_unchecked(struct pq *q, const char *message)
{
	json_decref(q->printer);
	q->printer = printer_new(q, 0);
	json_object_set_new(q->printer, "state", json_string("unknown"));
	json_object_set_new(q->printer, "reasons", json_array());
	json_object_set_new(q->printer, "message", json_string(message));
	json_object_set_new(q->printer, "accepting", json_false());
	json_object_set_new(q->printer, "needs_attention", json_boolean(q->no_key));
}

static void pq_free(struct pq *q)
{
	if (q->http)
		httpClose(q->http);
	json_decref(q->printer);
	sodium_memzero(q->release_key, sizeof(q->release_key));
	free(q->own.name);
	free(q->own.site);
	free(q->own.cups_server);
	free(q->own.queue);
	free(q->own.release_key_file);
	free(q);
}

static void pq_log(const struct pq *q)
{
	log_info("print: watching printer %s (site \"%s\"%s): queue %s on %s%s%d", q->qc->name,
		 q->qc->site, q->runtime ? ", added at run time" : "", q->qc->queue, q->host,
		 q->host[0] == '/' ? " " : ":", q->host[0] == '/' ? 0 : q->port);
}

/* The key file of run-time printer NAME (letters, digits, '_', '-'; checked by the
 * caller). */
static char *runtime_key_file(const struct print_config *cfg, const char *name)
{
	return xasprintf("%s%s.key", cfg->runtime_key_prefix, name);
}

/* A watched printer of run-time row P. */
static struct pq *pq_runtime(struct print_watch *pw, const struct store_printer *p)
{
	struct pq *q = xcalloc(1, sizeof(*q));
	char err[512];
	q->pw = pw;
	q->runtime = true;
	q->own =
		(struct print_queue_config){.name = xstrdup(p->name),
					    .site = xstrdup(p->site),
					    .cups_server = xstrdup(p->cups_server),
					    .queue = xstrdup(p->queue),
					    .release_key_file = runtime_key_file(pw->cfg, p->name)};
	q->qc = &q->own;
	q->was_reachable = true;
	parse_server(q, q->qc->cups_server);
	/* The key was made when the printer was added (print_key_new); one missing now (a
	 * database restored elsewhere) is made again, which the print host lacks: its jobs
	 * are then refused by the backend until the key is installed there. */
	if (access(q->qc->release_key_file, F_OK) != 0)
		log_warnx("print: printer %s: no release key in %s: a new one is made; install it"
			  " on its print host (escale-admind -k %s)",
			  p->name, q->qc->release_key_file, p->name);
	if (!release_key_create(q->qc->release_key_file) ||
	    !bk_mark_key_load(q->qc->release_key_file, q->release_key, err, sizeof(err))) {
		log_warnx("print: printer %s: its release key %s cannot be read: not watched",
			  p->name, q->qc->release_key_file);
		q->no_key = true;
		printer_unchecked(q, "release key unreadable: see escale-admind's log");
		return q;
	}
	printer_unchecked(q, "not checked yet");
	return q;
}

static bool same_printer(const struct pq *q, const struct store_printer *p)
{
	if (strcmp(q->qc->name, p->name) != 0 || strcmp(q->qc->site, p->site) != 0 ||
	    strcmp(q->qc->cups_server, p->cups_server) != 0 || strcmp(q->qc->queue, p->queue) != 0)
		return false;
	/* Removed and added again between two rounds (a script's remove then add), the
	 * printer has a new release key (print_key_new): watched again, with it. */
	uint8_t key[BK_MARK_KEY_LEN];
	char err[512];
	bool same =
		q->no_key || (bk_mark_key_load(q->qc->release_key_file, key, err, sizeof(err)) &&
			      memcmp(key, q->release_key, sizeof(key)) == 0);
	sodium_memzero(key, sizeof(key));
	return same;
}

/* Follows the run-time printers of the store: a new one is watched from this round on,
 * a removed one no longer (watcher thread only). */
static void sync_printers(struct print_watch *pw)
{
	static struct store_printer rows[PRINT_MAX_QUEUES]; /* this thread only */
	size_t n;
	if (!store_printers_list(pw->st, rows, PRINT_MAX_QUEUES, &n))
		return; /* as they were */
	for (size_t i = 0; i < pw->nq;) {
		struct pq *q = pw->q[i];
		bool keep = !q->runtime;
		for (size_t j = 0; j < n && !keep; j++)
			keep = same_printer(q, &rows[j]);
		if (keep) {
			i++;
			continue;
		}
		pthread_mutex_lock(&pw->mu);
		memmove(&pw->q[i], &pw->q[i + 1], (pw->nq - i - 1) * sizeof(*pw->q));
		pw->nq--;
		pthread_mutex_unlock(&pw->mu);
		log_info("print: printer %s removed: no longer watched", q->qc->name);
		pq_free(q);
	}
	for (size_t j = 0; j < n; j++) {
		bool known = false;
		for (size_t i = 0; i < pw->nq && !known; i++)
			known = strcmp(pw->q[i]->qc->name, rows[j].name) == 0;
		if (known || pw->nq >= PRINT_MAX_QUEUES)
			continue;
		struct pq *q = pq_runtime(pw, &rows[j]);
		pthread_mutex_lock(&pw->mu);
		pw->q = xrealloc(pw->q, (pw->nq + 1) * sizeof(*pw->q));
		pw->q[pw->nq++] = q;
		pthread_mutex_unlock(&pw->mu);
		pq_log(q);
	}
}

struct print_watch *print_start(struct store *st, const struct print_config *cfg)
{
	struct print_watch *pw = xcalloc(1, sizeof(*pw));
	char err[512];
	pw->st = st;
	pw->cfg = cfg;
	pw->nq = cfg->n_queues;
	pw->q = xcalloc(pw->nq, sizeof(*pw->q));
	for (size_t i = 0; i < pw->nq; i++) {
		struct pq *q = pw->q[i] = xcalloc(1, sizeof(*q));
		q->pw = pw;
		q->qc = &cfg->queues[i];
		/* Without its key admind could release jobs the backend would
		 * refuse: a key that cannot be read is a setup error, not something
		 * to go on with. Each queue has its own (a key taken from one print
		 * host releases nothing on another). */
		if (!release_key_create(q->qc->release_key_file))
			fatal("%s: cannot create the release key", q->qc->release_key_file);
		if (!bk_mark_key_load(q->qc->release_key_file, q->release_key, err, sizeof(err)))
			fatalx("print: %s", err);
		q->was_reachable = true;
		parse_server(q, q->qc->cups_server);
		printer_unchecked(q, "not checked yet");
	}
	pthread_mutex_init(&pw->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pw->cv, &ca);
	pthread_condattr_destroy(&ca);
	for (size_t i = 0; i < pw->nq; i++)
		pq_log(pw->q[i]);
	/* The run-time printers are watched from the first round on (sync_printers). */
	if (pthread_create(&pw->thread, NULL, watch_main, pw) != 0)
		fatalx("cannot start the print watcher thread");
	return pw;
}

void print_stop(struct print_watch *pw)
{
	if (!pw)
		return;
	pthread_mutex_lock(&pw->mu);
	pw->stop = true;
	pthread_cond_signal(&pw->cv);
	pthread_mutex_unlock(&pw->mu);
	pthread_join(pw->thread, NULL);
	for (size_t i = 0; i < pw->nq; i++)
		pq_free(pw->q[i]);
	free(pw->q);
	pthread_mutex_destroy(&pw->mu);
	pthread_cond_destroy(&pw->cv);
	free(pw);
}

void print_kick(struct print_watch *pw)
{
	pthread_mutex_lock(&pw->mu);
	pw->kick = true;
	pthread_cond_signal(&pw->cv);
	pthread_mutex_unlock(&pw->mu);
}

json_t *print_printers(struct print_watch *pw)
{
	json_t *l = json_array();
	pthread_mutex_lock(&pw->mu);
	for (size_t i = 0; i < pw->nq; i++)
		json_array_append_new(l, json_deep_copy(pw->q[i]->printer));
	pthread_mutex_unlock(&pw->mu);
	return json_pack("{so}", "printers", l);
}

const char *print_site_of(const struct print_config *cfg, const char *name)
{
	for (size_t i = 0; name && i < cfg->n_queues; i++)
		if (strcmp(cfg->queues[i].name, name) == 0)
			return cfg->queues[i].site;
	return NULL;
}

bool print_printer_site(struct print_watch *pw, const char *name, char site[NAME_MAX_BYTES + 1])
{
	bool found = false;
	pthread_mutex_lock(&pw->mu);
	for (size_t i = 0; i < pw->nq && !found; i++)
		if (strcmp(pw->q[i]->qc->name, name) == 0) {
			snprintf(site, NAME_MAX_BYTES + 1, "%s", pw->q[i]->qc->site);
			found = true;
		}
	pthread_mutex_unlock(&pw->mu);
	return found;
}

/* The printer admind calls NAME into T; false when it watches none of that name, with
 * ERR listing those it does. */
static bool target_named(struct print_watch *pw, const char *name, struct pq_target *t, char *err,
			 size_t errlen)
{
	bool found = false;
	pthread_mutex_lock(&pw->mu);
	for (size_t i = 0; i < pw->nq && !found; i++) {
		const struct pq *q = pw->q[i];
		if (strcmp(q->qc->name, name) != 0)
			continue;
		snprintf(t->name, sizeof(t->name), "%s", q->qc->name);
		snprintf(t->queue, sizeof(t->queue), "%s", q->qc->queue);
		snprintf(t->host, sizeof(t->host), "%s", q->host);
		t->port = q->port;
		found = true;
	}
	if (!found) {
		int n = snprintf(err, errlen, "no printer named %s: this admind watches", name);
		for (size_t i = 0; i < pw->nq && n >= 0 && (size_t)n < errlen; i++)
			n += snprintf(err + n, errlen - (size_t)n, "%s %s", i ? "," : "",
				      pw->q[i]->qc->name);
	}
	pthread_mutex_unlock(&pw->mu);
	return found;
}

bool print_resume(struct print_watch *pw, const char *name, char *err, size_t errlen)
{
	struct pq_target t;
	if (!target_named(pw, name, &t, err, errlen))
		return false;
	http_t *http = connect_cups(pw, t.host, t.port);
	if (!http) {
		snprintf(err, errlen, "cupsd at %s does not answer", t.host);
		return false;
	}
	/* Clear a stale jam reason first (Resume-Printer keeps it), then resume. */
	ipp_t *req = new_request(IPP_OP_CUPS_ADD_MODIFY_PRINTER, t.queue, 0);
	ippAddString(req, IPP_TAG_PRINTER, IPP_TAG_KEYWORD, "printer-state-reasons", NULL, "none");
	bool ok = do_op(http, req, "/admin/");
	if (ok) {
		req = new_request(IPP_OP_RESUME_PRINTER, t.queue, 0);
		ok = do_op(http, req, "/admin/");
	}
	if (!ok)
		snprintf(err, errlen,
			 "cupsd at %s refused to resume %s: %s (escale-admind's user must be"
			 " in CUPS' SystemGroup, e.g. lpadmin)",
			 t.host, t.queue, cupsLastErrorString());
	httpClose(http);
	if (ok)
		print_kick(pw);
	return ok;
}

bool print_retry(struct print_watch *pw, int64_t job, char *err, size_t errlen)
{
	struct print_row row;
	enum store_rc rc = store_print_get(pw->st, job, NULL, &row);
	if (rc != STORE_OK || row.decision != PRINT_RELEASE || row.settled) {
		snprintf(err, errlen,
			 rc != STORE_OK ? "no such print job"
					: "job %lld is not waiting to print (finished, refused or"
					  " cancelled): the resident can print it again",
			 (long long)job);
		return false;
	}
	struct pq_target t;
	char unused[8];
	if (!target_named(pw, row.queue, &t, unused, sizeof(unused))) {
		snprintf(err, errlen,
			 "job %lld was sent to printer %s, which this admind no longer watches"
			 " (print.queues, escalectl printer list): refund it (job refund) and let"
			 " the resident print again",
			 (long long)job, row.queue);
		return false;
	}
	http_t *http = connect_cups(pw, t.host, t.port);
	if (!http) {
		snprintf(err, errlen, "cupsd at %s does not answer", t.host);
		return false;
	}
	/* A job held by an error is released; one waiting in a stopped queue
	 * prints again from its start once the queue is resumed. Only the job
	 * itself: its CUPS id may name another job by now (a new print host),
	 * which releasing would print uncharged. */
	struct print_ref ref = {.id = row.id, .cups_id = row.cups_id};
	snprintf(ref.uuid, sizeof(ref.uuid), "%s", row.uuid);
	int state, impressions;
	bool known = job_final(t.queue, http, &ref, &state, &impressions);
	if (!known || !state) {
		httpClose(http);
		if (known)
			snprintf(err, errlen,
				 "CUPS no longer knows job %lld: the resident can print it again",
				 (long long)job);
		else
			snprintf(err, errlen, "cupsd at %s does not answer", t.host);
		return false;
	}
	ipp_t *req = new_request(IPP_OP_RELEASE_JOB, t.queue, (int)row.cups_id);
	do_op(http, req, "/jobs/");
	httpClose(http);
	return print_resume(pw, t.name, err, errlen);
}

static bool runtime_name_ok(const char *name)
{
	size_t n = strlen(name);
	return n >= 1 && n <= PRINTER_NAME_MAX &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
		       n;
}

void print_key_fingerprint(const uint8_t key[32], char fp[PRINT_FP_SIZE])
{
	_Static_assert(BK_MARK_KEY_LEN == 32, "key size");
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, key, BK_MARK_KEY_LEN);
	snprintf(fp, PRINT_FP_SIZE, "%02x%02x %02x%02x %02x%02x %02x%02x", h[0], h[1], h[2], h[3],
		 h[4], h[5], h[6], h[7]);
}

bool print_key_new(const struct print_config *cfg, const char *name, char hex[PRINT_KEY_HEX_SIZE],
		   char fp[PRINT_FP_SIZE], char *err, size_t errlen)
{
	if (!runtime_name_ok(name) || sodium_init() < 0) {
		snprintf(err, errlen, "bad printer name");
		return false;
	}
	char *path = runtime_key_file(cfg, name);
	char *tmp = xasprintf("%s.new", path);
	uint8_t key[BK_MARK_KEY_LEN];
	randombytes_buf(key, sizeof(key));
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	bool ok = fd >= 0 && write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	/* A new key each time: a printer removed and added again gets a key the old
	 * print host does not have. */
	ok = ok && rename(tmp, path) == 0;
	if (!ok) {
		snprintf(err, errlen, "%s: cannot write the release key: %s", path,
			 strerror(errno));
		unlink(tmp);
	} else {
		sodium_bin2hex(hex, PRINT_KEY_HEX_SIZE, key, sizeof(key));
		print_key_fingerprint(key, fp);
		log_info("print: %s: new release key for printer %s", path, name);
	}
	sodium_memzero(key, sizeof(key));
	free(tmp);
	free(path);
	return ok;
}

void print_key_remove(const struct print_config *cfg, const char *name)
{
	if (!runtime_name_ok(name))
		return;
	char *path = runtime_key_file(cfg, name);
	if (unlink(path) != 0 && errno != ENOENT)
		log_warnx("print: %s: cannot remove: %s", path, strerror(errno));
	free(path);
}
