/* kprint: the browser's CUPS client settings and the probe of the print server. */
#include "kprint.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kfile.h"
#include "log.h"
#include "privdrop.h"
#include "util.h"

#define PROBE_TIMEOUT_MS 3000 /* per address */
#define PROBE_MAX_ADDRS  8

char *kprint_client_conf(const struct kiosk_cfg *cfg)
{
	if (!cfg->print_host)
		return NULL;
	/* The address as given: a name stays a name (resolved in the sandbox, from its
	 * /etc/hosts and resolv.conf), an IPv6 address in brackets. */
	bool v6 = strchr(cfg->print_host, ':') != NULL;
	char *user = cfg->print_kiosk_name && *cfg->print_kiosk_name
			     ? xasprintf("User " KPRINT_USER_PREFIX "%s\n", cfg->print_kiosk_name)
			     : xstrdup("");
	char *conf =
		xasprintf("# written by escale-kiosk from kiosk.conf print.server\n"
			  "ServerName %s%s%s:%d\n%s",
			  v6 ? "[" : "", cfg->print_host, v6 ? "]" : "", cfg->print_port, user);
	free(user);
	return conf;
}

bool kprint_write(const struct kiosk_cfg *cfg)
{
	char *dir = xasprintf("%s/print", cfg->runtime_dir);
	char *text = kprint_client_conf(cfg);
	bool ok;
	if (!text) {
		char *path = xasprintf("%s/client.conf", dir);
		ok = unlink(path) == 0 || errno == ENOENT;
		if (!ok)
			log_warn("unlink %s", path);
		free(path);
	} else {
		ok = kfile_dir(dir) && kfile_put(dir, "client.conf", text);
	}
	free(text);
	free(dir);
	return ok;
}

void kprint_probe_init(struct kprint_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->pidfd = -1;
}

/* Connects to A within PROBE_TIMEOUT_MS; true when the connection was accepted. */
static bool probe_addr(const struct addrinfo *a)
{
	int fd =
		socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
	if (fd < 0)
		return false;
	bool ok = connect(fd, a->ai_addr, a->ai_addrlen) == 0;
	if (!ok && errno == EINPROGRESS) {
		struct pollfd pfd = {fd, POLLOUT, 0};
		int e = 0;
		socklen_t len = sizeof(e);
		ok = poll(&pfd, 1, PROBE_TIMEOUT_MS) == 1 &&
		     getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0;
	}
	close(fd);
	return ok;
}

static __attribute__((noreturn)) void probe_child(const struct kiosk_cfg *cfg)
{
	char port[8];
	snprintf(port, sizeof(port), "%d", cfg->print_port);
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(cfg->print_host, port, &hints, &res);
	if (rc != 0) {
		log_warnx("print.server %s: %s", cfg->print_server, gai_strerror(rc));
		_exit(KPRINT_DOWN);
	}
	int n = 0, up = 0;
	for (struct addrinfo *a = res; a && n < PROBE_MAX_ADDRS; a = a->ai_next, n++) {
		char host[NI_MAXHOST] = "?";
		getnameinfo(a->ai_addr, a->ai_addrlen, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
		if (probe_addr(a)) {
			up++;
		} else {
			/* A browser may try this one first and lose the job: say so. */
			log_warnx("print.server %s: %s port %s does not answer", cfg->print_server,
				  host, port);
		}
	}
	freeaddrinfo(res);
	if (up > 0 && up < n)
		log_warnx("print.server %s: some of its addresses do not answer; the browser may "
			  "send its jobs to one of them and lose them: give the address that "
			  "answers, or make the print server listen on every address of the name",
			  cfg->print_server);
	_exit(up == 0 ? KPRINT_DOWN : up < n ? KPRINT_PARTIAL : KPRINT_UP);
}

bool kprint_probe_start(struct kprint_probe *p, const struct kiosk_cfg *cfg)
{
	if (p->pid > 0)
		return true;
	if (!cfg->print_host)
		return false;
	p->at_ms = mono_ms();
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("fork");
		return false;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!priv_caps_clear())
			_exit(KPRINT_UNKNOWN);
		probe_child(cfg);
	}
	p->pid = pid;
	p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (p->pidfd < 0) {
		log_warn("pidfd_open");
		kprint_probe_stop(p);
		return false;
	}
	return true;
}

enum kprint_state kprint_probe_done(struct kprint_probe *p)
{
	int st = 0;
	if (p->pid <= 0)
		return p->state;
	pid_t r;
	do
		r = waitpid(p->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return p->state; /* not yet */
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
	p->pid = 0;
	if (r > 0 && WIFEXITED(st) && WEXITSTATUS(st) >= KPRINT_UP &&
	    WEXITSTATUS(st) <= KPRINT_DOWN)
		p->state = (enum kprint_state)WEXITSTATUS(st);
	return p->state;
}

void kprint_probe_stop(struct kprint_probe *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
	p->pid = 0;
}
