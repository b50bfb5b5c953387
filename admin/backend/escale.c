/* escale: the CUPS backend wrapper (device URI "escale:<real-uri>").
 *
 * Runs the real backend $CUPS_SERVERBIN/backend/<scheme> on the inner URI,
 * passes SIGTERM on to it (cupsd signals only us), copies its stderr to
 * cupsd unchanged while following its PAGE: and STATE: lines, and reports
 * the outcome to cupsd, from where escale-admind reads it:
 *   - the pages printed reach the job's job-impressions-completed through the
 *     backend's own "PAGE:" lines;
 *   - a jam ("STATE: +media-jam-error") stays in the queue's
 *     printer-state-reasons; a run that fails during a jam exits STOP (4), so
 *     the queue stops with the job kept, for the desk to clear and resume,
 *     instead of following the error policy (which could abort the job);
 *   - a final INFO:/ERROR: line says how the run ended.
 * It is also the gate of the quota: it prints only a job escale-admind charged
 * and released, that is one carrying admind's release mark (bk_mark.h) for
 * this job, with no more documents than were charged, and it stops the real
 * backend once it reports more pages than were charged. Anything else (a job
 * sent with job-hold-until=no-hold, a document added after the count) is
 * cancelled before a byte reaches the printer.
 * Installed mode 0700 so cupsd runs it as root, as the usb backend needs; a
 * real backend cupsd would run as lp (mode 0755: ipp, socket) runs as lp. */
#include <cups/cups.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bk_mark.h"
#include "bk_parse.h"

/* cupsd's User on Debian (cups-files.conf; cupsd refuses root). */
#define BK_USER "lp"

/* cups/backend.h's exit codes. */
enum { BK_OK = 0, BK_FAILED = 1, BK_STOP = 4, BK_CANCEL = 5 };

static volatile pid_t child = -1;
static volatile sig_atomic_t terminated;

static void on_term(int sig)
{
	(void)sig;
	terminated = 1;
	if (child > 0)
		kill(child, SIGTERM);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static bool scheme_ok(const char *s, size_t n)
{
	if (n == 0 || n > 64 || (n == 6 && memcmp(s, "escale", 6) == 0))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
		      s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

/* The number of documents cupsd holds for job ID, asked over its local
 * socket (CUPS_SERVER, set by cupsd); -1 when it does not answer. */
static long cupsd_documents(long id)
{
	char uri[64];
	snprintf(uri, sizeof(uri), "ipp://localhost/jobs/%ld", id);
	ipp_t *req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", NULL,
		     "number-of-documents");
	ipp_t *resp = cupsDoRequest(CUPS_HTTP_DEFAULT, req, "/");
	long n = -1;
	ipp_attribute_t *a =
		resp && cupsLastError() <= IPP_STATUS_OK_CONFLICTING
			? ippFindAttribute(resp, "number-of-documents", IPP_TAG_INTEGER)
			: NULL;
	if (a)
		n = ippGetInteger(a, 0);
	ippDelete(resp);
	return n;
}

/* The document number of a spool file cupsd names RequestRoot/dJJJJJ-DDD, for
 * job ID; 0 for a file named otherwise (the backend run by hand), -1 for
 * another job's file. */
static long spool_document(const char *file, long id)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	char *end;
	if (base[0] != 'd' || base[1] < '0' || base[1] > '9')
		return 0;
	errno = 0;
	long job = strtol(base + 1, &end, 10);
	if (errno || *end != '-' || end - base < 6 || strlen(end) != 4 ||
	    strspn(end + 1, "0123456789") != 3)
		return 0;
	return job == id ? strtol(end + 1, NULL, 10) : -1;
}

/* Whether the job may print: admind's valid mark for it, and no more
 * documents than it charged. Fills *PAGES with the pages charged. Prints the
 * reason and returns the exit code otherwise. */
static int gate(int argc, char **argv, long *pages)
{
	const char *keyfile = getenv("ESCALE_RELEASE_KEY_FILE");
	const char *printer = getenv("PRINTER");
	uint8_t key[BK_MARK_KEY_LEN];
	char err[512] = "", mark[BK_MARK_MAX + 1], created[32];
	if (!keyfile || !*keyfile)
		keyfile = BK_MARK_KEY_FILE;
	if (sodium_init() < 0)
		snprintf(err, sizeof(err), "libsodium cannot start");
	else if (bk_mark_key_load(keyfile, key, err, sizeof(err)))
		err[0] = '\0';
	if (err[0]) {
		/* The print host's setup, not the job: keep it, stop the queue. */
		fprintf(stderr, "ERROR: escale: %s: nothing printed\n", err);
		return BK_STOP;
	}
	char *end;
	errno = 0;
	long id = strtol(argv[1], &end, 10);
	size_t olen = strlen(argv[5]);
	int has_mark = bk_option(argv[5], olen, BK_MARK_ATTR, mark, sizeof(mark));
	int has_created = bk_option(argv[5], olen, "time-at-creation", created, sizeof(created));
	struct bk_job job = {.printer = printer, .job_id = id};
	long docs = 0;
	const char *why = NULL;
	if (errno || *end || id <= 0 || !printer || !*printer)
		why = "no job id or printer name (PRINTER) from cupsd";
	else if (has_mark == 0)
		why = "escale-admind did not release it (no " BK_MARK_ATTR
		      " mark: sent with job-hold-until=no-hold, or to a queue that does not"
		      " hold jobs?)";
	else if (has_mark < 0 || has_created != 1)
		why = "its options are malformed or repeat " BK_MARK_ATTR " or time-at-creation";
	if (!why) {
		errno = 0;
		job.created = strtoll(created, &end, 10);
		if (errno || *end || end == created ||
		    !bk_mark_check(key, &job, mark, strlen(mark), pages, &docs))
			why = "its " BK_MARK_ATTR " mark is not escale-admind's mark for this job";
	}
	sodium_memzero(key, sizeof(key));
	if (!why && argc == 7) {
		/* One file: the spool file of one document (raw queue). */
		long doc = spool_document(argv[6], id);
		if (doc < 0 || doc > docs)
			why = "this document was added after the job was counted";
	} else if (!why) {
		/* The documents through filters, on stdin: count them in cupsd. */
		long n = cupsd_documents(id);
		if (n < 0)
			why = "cupsd does not say how many documents it holds";
		else if (n < 1 || n > docs)
			why = "documents were added after the job was counted";
	}
	if (why) {
		fprintf(stderr, "ERROR: escale: job %s refused, nothing printed: %s\n", argv[1],
			why);
		return BK_CANCEL;
	}
	return BK_OK;
}

int main(int argc, char **argv)
{
	if (argc == 1) {
		puts("direct escale \"Unknown\" \"escale page quotas (wraps a real backend)\"");
		return BK_OK;
	}
	if (argc < 6 || argc > 7) {
		fprintf(stderr, "Usage: %s job-id user title copies options [file]\n", argv[0]);
		return BK_FAILED;
	}
	const char *uri = getenv("DEVICE_URI");
	if (!uri || strncmp(uri, "escale:", 7) != 0) {
		fprintf(stderr, "ERROR: escale: DEVICE_URI must be escale:<real device URI>\n");
		return BK_STOP;
	}
	const char *inner = uri + 7;
	const char *colon = strchr(inner, ':');
	if (!colon || !scheme_ok(inner, (size_t)(colon - inner))) {
		fprintf(stderr, "ERROR: escale: '%s' is not a device URI (scheme:...)\n", inner);
		return BK_STOP;
	}
	const char *serverbin = getenv("CUPS_SERVERBIN");
	char path[4096];
	int pl = snprintf(path, sizeof(path), "%s/backend/%.*s",
			  serverbin && *serverbin ? serverbin : "/usr/lib/cups",
			  (int)(colon - inner), inner);
	struct stat sb;
	if (pl < 0 || (size_t)pl >= sizeof(path) || access(path, X_OK) != 0 ||
	    stat(path, &sb) != 0) {
		fprintf(stderr, "ERROR: escale: no backend %s for %s\n", path, inner);
		return BK_STOP;
	}
	/* cupsd runs a backend as root only when its mode has no group-write,
	 * other-write or other-execute bit (usb, lpd: 0744); others (ipp,
	 * socket: 0755) run as cupsd's User, lp. So does the real backend here:
	 * this wrapper's root is for the ones cupsd would run as root. */
	const struct passwd *run_as = NULL;
	if (geteuid() == 0 && (sb.st_mode & (S_IWGRP | S_IWOTH | S_IXOTH))) {
		run_as = getpwnam(BK_USER);
		if (!run_as) {
			fprintf(stderr, "ERROR: escale: no user %s to run %s as\n", BK_USER, path);
			return BK_STOP;
		}
	}

	long charged = 0;
	int gc = gate(argc, argv, &charged);
	if (gc != BK_OK)
		return gc;

	struct sigaction sa = {.sa_handler = on_term};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	int fds[2];
	if (pipe(fds) != 0) {
		perror("ERROR: escale: pipe");
		return BK_FAILED;
	}
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid_t pid = fork();
	if (pid < 0) {
		perror("ERROR: escale: fork");
		return BK_FAILED;
	}
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (run_as && (setgroups(1, &run_as->pw_gid) != 0 || setgid(run_as->pw_gid) != 0 ||
			       setuid(run_as->pw_uid) != 0)) {
			fprintf(stderr, "ERROR: escale: cannot become %s: %s\n", BK_USER,
				strerror(errno));
			_exit(BK_FAILED);
		}
		setenv("DEVICE_URI", inner, 1);
		argv[0] = (char *)inner;
		execv(path, argv);
		fprintf(stderr, "ERROR: escale: cannot run %s: %s\n", path, strerror(errno));
		_exit(BK_FAILED);
	}
	child = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (terminated)
		kill(pid, SIGTERM);
	close(fds[1]);

	struct bk_state st = {0};
	char line[BK_LINE_MAX];
	size_t n = 0;
	bool cut = false, over = false;
	char buf[4096];
	for (;;) {
		ssize_t r = read(fds[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		write_all(2, buf, (size_t)r);
		for (ssize_t i = 0; i < r; i++) {
			if (buf[i] == '\n') {
				if (!cut)
					bk_line(&st, line, n);
				if (st.pages > charged && !over) {
					/* More than was charged: stop before the next page. */
					over = true;
					kill(pid, SIGTERM);
				}
				n = 0;
				cut = false;
			} else if (n < sizeof(line)) {
				line[n++] = buf[i];
			} else {
				cut = true; /* an overlong line is passed on, not followed */
			}
		}
	}
	if (n && !cut)
		bk_line(&st, line, n);
	close(fds[0]);
	/* Wait for the child without reaping it: until it is reaped its pid cannot
	 * name another process, so a SIGTERM forwarded meanwhile (as root) reaches
	 * nobody else. Then forget the pid, with SIGTERM held off, and reap. */
	siginfo_t si;
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	sigprocmask(SIG_BLOCK, &block, NULL);
	child = -1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	int status = BK_FAILED << 8;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : BK_FAILED;
	if (over) {
		fprintf(stderr,
			"ERROR: escale: the printer reported %ld page(s), more than the %ld "
			"charged: job cancelled\n",
			st.pages, charged);
		code = BK_CANCEL;
	} else if (terminated) {
		fprintf(stderr, "INFO: escale: stopped (job cancelled) after %ld page(s)\n",
			st.pages);
	} else if (code == BK_OK) {
		fprintf(stderr, "INFO: escale: %ld page(s) printed\n", st.pages);
	} else {
		if (code == BK_FAILED && st.attention)
			code = BK_STOP; /* keep the job for the desk, stop the queue */
		fprintf(stderr, "ERROR: escale: the printer stopped after %ld page(s)%s\n",
			st.pages, st.jammed ? " (paper jam): clear it, then resume the queue" : "");
	}
	return code;
}
