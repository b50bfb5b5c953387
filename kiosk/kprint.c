/* kprint: the browser's CUPS client settings and the probe of the print server. */
#include "kprint.h"

#include <arpa/inet.h>
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

const char *kprint_host(const struct kiosk_cfg *cfg, const char *addr)
{
	if (!cfg->print_host)
		return NULL;
	struct in6_addr a6;
	struct in_addr a4;
	bool literal = inet_pton(AF_INET, cfg->print_host, &a4) == 1 ||
		       inet_pton(AF_INET6, cfg->print_host, &a6) == 1;
	/* Without the firewall a name is resolved in the sandbox (its /etc/hosts and DNS); with
	 * it the browser's user has no DNS, so the address the kiosk found goes instead. */
	if (cfg->proxy_enforce && !literal && addr && *addr)
		return addr;
	return cfg->print_host;
}

char *kprint_client_conf(const struct kiosk_cfg *cfg, const char *addr)
{
	const char *host = kprint_host(cfg, addr);
	if (!host)
		return NULL;
	/* An IPv6 address in brackets. */
	bool v6 = strchr(host, ':') != NULL;
	char *user = cfg->print_kiosk_name && *cfg->print_kiosk_name
			     ? xasprintf("User " KPRINT_USER_PREFIX "%s\n", cfg->print_kiosk_name)
			     : xstrdup("");
	char *conf = xasprintf("# written by escale-kiosk from kiosk.conf print.server\n"
			       "ServerName %s%s%s:%d\n%s",
			       v6 ? "[" : "", host, v6 ? "]" : "", cfg->print_port, user);
	free(user);
	return conf;
}

bool kprint_write(const struct kiosk_cfg *cfg, const char *addr)
{
	char *dir = xasprintf("%s/print", cfg->runtime_dir);
	char *text = kprint_client_conf(cfg, addr);
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
	p->outfd = -1;
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

/* OUT gets the numeric address of the first that answered (one line), for kprint_host. */
static __attribute__((noreturn)) void probe_child(const struct kiosk_cfg *cfg, int out)
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
			if (!up++) {
				size_t len = strlen(host);
				if (write(out, host, len) != (ssize_t)len)
					log_warn("print probe: write");
			}
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
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		log_warn("pipe");
		return false;
	}
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("fork");
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fds[0]);
		if (!priv_caps_clear())
			_exit(KPRINT_UNKNOWN);
		probe_child(cfg, fds[1]);
	}
	close(fds[1]);
	p->outfd = fds[0];
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
	/* The child has exited: what it wrote is all there is. A numeric address only. */
	char buf[sizeof(p->addr)] = "";
	ssize_t n = p->outfd >= 0 ? read(p->outfd, buf, sizeof(buf) - 1) : -1;
	struct in6_addr a6;
	struct in_addr a4;
	if (n > 0) {
		buf[n] = '\0';
		if (inet_pton(AF_INET, buf, &a4) == 1 || inet_pton(AF_INET6, buf, &a6) == 1)
			snprintf(p->addr, sizeof(p->addr), "%s", buf);
	}
	if (p->outfd >= 0)
		close(p->outfd);
	p->outfd = -1;
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
	if (p->outfd >= 0)
		close(p->outfd);
	p->pidfd = p->outfd = -1;
	p->pid = 0;
}
