/* helper: escale-kiosk-net, supervised (see helper.h). */
#include "helper.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc.h"
#include "log.h"
#include "privdrop.h"
#include "util.h"

void helper_init(struct helper *h, const char *config_path)
{
	memset(h, 0, sizeof(*h));
	h->config_path = config_path;
	h->fd = h->pidfd = -1;
}

char *helper_exe(const char *env_var, const char *name)
{
	const char *env = getenv(env_var);
	if (env && *env)
		return xstrdup(env);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			char *p = xasprintf("%s/%s", self, name);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	return xasprintf("%s/escale/%s", LIBEXECDIR, name);
}

/* The next try at starting the helper, 1 s doubling to 30 s. */
static void retry_later(struct helper *h)
{
	h->backoff_ms = h->backoff_ms ? h->backoff_ms * 2 : 1000;
	if (h->backoff_ms > HELPER_BACKOFF_MAX_MS)
		h->backoff_ms = HELPER_BACKOFF_MAX_MS;
	h->restart_at_ms = mono_ms() + h->backoff_ms;
}

bool helper_start(struct helper *h, const char *keep)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_warn("socketpair");
		retry_later(h); /* else the timer would try again at once, forever */
		return false;
	}
	char *path = helper_exe("ESCALE_KIOSK_NET", "escale-kiosk-net");
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("fork");
		close(sv[0]);
		close(sv[1]);
		free(path);
		retry_later(h);
		return false;
	}
	if (pid == 0) {
		/* The helper dies with us. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* The kiosk's capabilities (to run the browser as another user) are not its. */
		if (!priv_caps_clear())
			_exit(127);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(sv[1], 3) < 0)
			_exit(127);
		char *argv[] = {path,         "-c", (char *)h->config_path,
				"--fd",       "3",  keep && *keep ? "--session" : NULL,
				(char *)keep, NULL};
		execv(path, argv);
		fprintf(stderr, "escale-kiosk: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	free(path);
	close(sv[1]);
	h->fd = sv[0];
	h->pid = pid;
	h->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	h->restart_at_ms = 0;
	return true;
}

bool helper_up(const struct helper *h)
{
	return h->fd >= 0;
}

bool helper_send(struct helper *h, const struct wire_msg *m)
{
	if (h->fd < 0)
		return false;
	if (ipc_send(h->fd, m))
		return true;
	log_warn("cannot write to the network helper");
	return false;
}

void helper_send_end(struct helper *h, const struct wire_msg *m)
{
	if (m) {
		h->end_unsent = *m;
		h->has_end_unsent = true;
	}
	if (h->has_end_unsent && h->fd >= 0 && ipc_send(h->fd, &h->end_unsent))
		h->has_end_unsent = false;
}

const char *helper_end_waiting(const struct helper *h)
{
	return h->has_end_unsent ? h->end_unsent.session : NULL;
}

void helper_hello(struct helper *h)
{
	h->backoff_ms = 0;
}

void helper_down(struct helper *h)
{
	if (h->fd >= 0) {
		close(h->fd);
		h->fd = -1;
	}
	if (h->pidfd >= 0) {
		close(h->pidfd);
		h->pidfd = -1;
	}
	if (h->pid > 0) {
		int st;
		kill(h->pid, SIGTERM);
		waitpid(h->pid, &st, 0);
		h->pid = 0;
	}
	retry_later(h);
	log_warnx("the network helper stopped; starting it again in %" PRId64 " ms", h->backoff_ms);
}

void helper_stop(struct helper *h, const struct wire_msg *last)
{
	helper_send_end(h, NULL);
	if (last && h->fd >= 0)
		helper_send(h, last);
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	if (h->pid <= 0)
		return;
	struct pollfd p = {h->pidfd, POLLIN, 0};
	if (h->pidfd < 0 || poll(&p, 1, 2000) <= 0)
		kill(h->pid, SIGTERM);
	waitpid(h->pid, NULL, 0);
	h->pid = 0;
}
