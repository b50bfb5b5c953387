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
 * Installed mode 0700 so cupsd runs it as root, as the usb backend needs; a
 * real backend cupsd would run as lp (mode 0755: ipp, socket) runs as lp. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bk_parse.h"

/* cupsd's User on Debian (cups-files.conf; cupsd refuses root). */
#define BK_USER "lp"

/* cups/backend.h's exit codes. */
enum { BK_OK = 0, BK_FAILED = 1, BK_STOP = 4 };

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
	bool cut = false;
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
	if (terminated) {
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
