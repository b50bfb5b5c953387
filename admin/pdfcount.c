/* pdfcount: counts a document's pages with escale-pdfpages, a process of its own. */
#include "pdfcount.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#ifndef ESCALE_LIBEXECDIR
#define ESCALE_LIBEXECDIR "/usr/local/libexec/escale"
#endif

char *pdfcount_default_helper(void)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			char *near = xasprintf("%.*s/escale-pdfpages", (int)(slash - self), self);
			if (access(near, X_OK) == 0)
				return near;
			free(near);
		}
	}
	return xstrdup(ESCALE_LIBEXECDIR "/escale-pdfpages");
}

/* Starts HELPER with FD as stdin and OUT as stdout, nothing else open, in a
 * clean environment, with default signals (admind blocks and ignores some). */
static bool spawn(const char *helper, int fd, int out, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	sigset_t none, deflt;
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGPIPE);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGHUP);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &deflt);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	char *argv[] = {(char *)"escale-pdfpages", NULL};
	char *envp[] = {(char *)"PATH=/usr/bin:/bin", NULL};
	int rc = posix_spawn(pid, helper, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0)
		errno = rc;
	return rc == 0;
}

int64_t pdfcount_pages(const char *helper, int fd, int64_t timeout_ms, char *err, size_t errlen)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -2;
	}
	pid_t pid;
	if (!spawn(helper, fd, p[1], &pid)) {
		snprintf(err, errlen, "cannot run %s: %s", helper, strerror(errno));
		close(p[0]);
		close(p[1]);
		return -2;
	}
	close(p[1]);
	char out[256];
	size_t len = 0;
	bool late = false;
	int64_t deadline = mono_ms() + timeout_ms;
	for (;;) {
		int64_t left = deadline - mono_ms();
		if (left <= 0) {
			late = true;
			break;
		}
		struct pollfd pfd = {p[0], POLLIN, 0};
		int r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			late = r == 0;
			break;
		}
		ssize_t n = read(p[0], out + len, sizeof(out) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(out) - 1)
			break; /* more than an answer: the rest is not read */
	}
	close(p[0]);
	/* It said its line (or closed its end): it must also exit in time. */
	int status = 0;
	for (;;) {
		pid_t w = late ? 0 : waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -2;
		}
		if (late || mono_ms() >= deadline) {
			late = true;
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		poll(NULL, 0, 5);
	}
	out[len] = '\0';
	/* Exactly one line: anything else is not the helper's answer. */
	size_t eol = strcspn(out, "\n");
	bool one_line = eol + 1 == len;
	out[eol] = '\0';
	long long pages;
	char tail;
	if (late) {
		snprintf(err, errlen, "damaged PDF: counting its pages took more than %.1f s",
			 (double)timeout_ms / 1000);
		return -1;
	}
	if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "damaged PDF: the page counter stopped on signal %d",
			 WTERMSIG(status));
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		/* Its own failure (no sandbox), not the document's. */
		snprintf(err, errlen, "%s failed (exit %d)", helper, WEXITSTATUS(status));
		return -2;
	}
	if (one_line && sscanf(out, "pages %lld%c", &pages, &tail) == 1 && pages > 0)
		return pages;
	if (one_line && strncmp(out, "damaged ", 8) == 0) {
		snprintf(err, errlen, "%s", out + 8);
		return -1;
	}
	snprintf(err, errlen, "damaged PDF: the page counter said nothing useful");
	return -1;
}
