/* kcgroup: the browser's cgroup v2 (see kcgroup.h). */
#include "kcgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define PROC_FILE_MAX (256 * 1024) /* mountinfo of a busy host stays far below */
#define MAX_MEMBERS   4096
#define REAP_MS       500 /* for the zombies of the killed members */

/* The next space-separated field of [*P, END), with \ooo escapes decoded into OUT. */
static bool field(const char **p, const char *end, char *out, size_t n)
{
	const char *s = *p;
	while (s < end && *s == ' ')
		s++;
	size_t o = 0;
	while (s < end && *s != ' ' && *s != '\n') {
		char c = *s++;
		if (c == '\\') {
			if (end - s < 3 || s[0] < '0' || s[0] > '3' || s[1] < '0' || s[1] > '7' ||
			    s[2] < '0' || s[2] > '7')
				return false;
			c = (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0'));
			s += 3;
		}
		if (c == '\0' || o + 1 >= n)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	*p = s;
	return o > 0;
}

bool kcgroup_parse_mountinfo(const char *text, size_t len, char out[KCGROUP_PATH_MAX])
{
	const char *p = text, *end = text + strnlen(text, len);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		/* id parent maj:min root mountpoint options [optional...] - fstype source opts */
		char f[6][KCGROUP_PATH_MAX];
		const char *q = p;
		bool ok = true;
		for (int i = 0; i < 6 && ok; i++)
			ok = field(&q, eol, f[i], sizeof(f[i]));
		/* f[5] is the options; optional fields follow until "-" */
		char sep[KCGROUP_PATH_MAX] = "";
		while (ok && strcmp(sep, "-") != 0)
			ok = field(&q, eol, sep, sizeof(sep));
		char fstype[64];
		if (ok && field(&q, eol, fstype, sizeof(fstype)) &&
		    strcmp(fstype, "cgroup2") == 0 && strcmp(f[3], "/") == 0 && f[4][0] == '/') {
			memcpy(out, f[4], strlen(f[4]) + 1);
			return true;
		}
		p = eol + 1;
	}
	return false;
}

bool kcgroup_parse_self(const char *text, size_t len, char out[KCGROUP_PATH_MAX])
{
	const char *p = text, *end = text + strnlen(text, len);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		size_t n = (size_t)(eol - p);
		if (n > 3 && memcmp(p, "0::", 3) == 0) {
			if (n - 3 >= KCGROUP_PATH_MAX || p[3] != '/' || memchr(p + 3, '\0', n - 3))
				return false;
			memcpy(out, p + 3, n - 3);
			out[n - 3] = '\0';
			/* No ".." component: the path is joined to the mount point. */
			for (const char *d = strstr(out, "/.."); d; d = strstr(d + 1, "/.."))
				if (d[3] == '/' || d[3] == '\0')
					return false;
			return true;
		}
		p = eol + 1;
	}
	return false;
}

/* Reads a whole (small) file of /proc or /sys into a new string. */
static char *read_small(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 16384, n = 0;
	char *buf = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap >= PROC_FILE_MAX)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	int e = errno;
	close(fd);
	errno = e;
	return ok;
}

/* Kills and removes every session-* cgroup under DIR: what a kiosk that crashed left (its
 * browser's descendants that escaped the process group would live on). */
static void sweep(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "session-", 8) != 0)
			continue;
		char p[KCGROUP_PATH_MAX];
		if (snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >= (int)sizeof(p))
			continue;
		log_info("killing cgroup %s, left by an earlier run", p);
		kcgroup_kill(p, 0, 1000);
	}
	closedir(d);
}

/* The escale-kiosk.PID directories under DIR of kiosks that are gone. */
static void sweep_dead_kiosks(const char *mnt)
{
	DIR *d = opendir(mnt);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		int64_t pid;
		if (strncmp(e->d_name, "escale-kiosk.", 13) != 0 ||
		    !parse_i64(e->d_name + 13, 1, INT32_MAX, &pid) || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		char p[KCGROUP_PATH_MAX];
		if (snprintf(p, sizeof(p), "%s/%s", mnt, e->d_name) >= (int)sizeof(p))
			continue;
		sweep(p);
		if (rmdir(p) < 0)
			log_warn("rmdir %s", p);
	}
	closedir(d);
}

bool kcgroup_open(struct kcg *g)
{
	memset(g, 0, sizeof(*g));
	char mnt[KCGROUP_PATH_MAX], self[KCGROUP_PATH_MAX];
	size_t n;
	char *mi = read_small("/proc/self/mountinfo", &n);
	bool ok = mi && kcgroup_parse_mountinfo(mi, n, mnt);
	free(mi);
	if (!ok) {
		log_warnx("no cgroup v2 hierarchy mounted");
		return false;
	}
	char *cg = read_small("/proc/self/cgroup", &n);
	ok = cg && kcgroup_parse_self(cg, n, self);
	free(cg);
	if (!ok) {
		log_warnx("no cgroup v2 path in /proc/self/cgroup");
		return false;
	}
	/* A directory of our own under our cgroup (the unit's, delegated; or the root on a
	 * test machine): kiosks sharing a cgroup (parallel tests) never touch each other's
	 * sessions, and what a dead kiosk left is swept. */
	char parent[KCGROUP_PATH_MAX], base[KCGROUP_PATH_MAX];
	if (snprintf(parent, sizeof(parent), "%s%s", mnt, strcmp(self, "/") == 0 ? "" : self) >=
		    (int)sizeof(parent) ||
	    snprintf(base, sizeof(base), "%s/escale-kiosk.%d", parent, (int)getpid()) >=
		    (int)sizeof(base))
		return false;
	sweep_dead_kiosks(parent);
	if (mkdir(base, 0755) < 0 && errno != EEXIST) {
		log_warn("cgroup %s is not writable (Delegate=yes in the unit?)", parent);
		return false;
	}
	g->own_base = true;
	/* Writable (a delegated unit, or root) and with cgroup.kill (Linux 5.14). */
	char probe[KCGROUP_PATH_MAX + 32];
	snprintf(probe, sizeof(probe), "%s/escale-probe", base);
	if (mkdir(probe, 0755) < 0) {
		log_warn("cgroup %s", probe);
		rmdir(base);
		return false;
	}
	char kill_file[KCGROUP_PATH_MAX + 64];
	snprintf(kill_file, sizeof(kill_file), "%s/cgroup.kill", probe);
	bool has_kill = access(kill_file, W_OK) == 0;
	rmdir(probe);
	if (!has_kill) {
		log_warnx("cgroup v2 without cgroup.kill (Linux older than 5.14)");
		rmdir(base);
		return false;
	}
	memcpy(g->base, base, sizeof(base));
	return true;
}

void kcgroup_close(struct kcg *g)
{
	if (g->base[0] && g->own_base && rmdir(g->base) < 0 && errno != ENOENT)
		log_warn("rmdir %s", g->base);
	g->base[0] = '\0';
}

/* PATH is "" on failure: nothing was made, nothing is to be killed. */
int kcgroup_new(struct kcg *g, char path[KCGROUP_PATH_MAX])
{
	path[0] = '\0';
	if (!g->base[0])
		return -1;
	char p[KCGROUP_PATH_MAX];
	for (int tries = 0;; tries++) {
		if (tries == 100 ||
		    snprintf(p, sizeof(p), "%s/session-%u", g->base, ++g->serial) >= (int)sizeof(p))
			return -1;
		if (mkdir(p, 0755) == 0)
			break;
		if (errno != EEXIST) {
			log_warn("mkdir %s", p);
			return -1;
		}
	}
	char procs[KCGROUP_PATH_MAX + 32];
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", p);
	int fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("open %s", procs);
		rmdir(p);
		return -1;
	}
	memcpy(path, p, sizeof(p));
	return fd;
}

/* "populated 0" in cgroup.events. */
static bool events_empty(int fd)
{
	char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "populated 0") != NULL;
}

bool kcgroup_kill(const char *path, pid_t leader, int timeout_ms)
{
	char f[KCGROUP_PATH_MAX + 32];
	/* Frozen first, the members cannot fork while they are listed and killed. */
	snprintf(f, sizeof(f), "%s/cgroup.freeze", path);
	if (!write_str(f, "1"))
		log_warn("%s", f);
	snprintf(f, sizeof(f), "%s/cgroup.procs", path);
	size_t n;
	char *procs = read_small(f, &n);
	snprintf(f, sizeof(f), "%s/cgroup.kill", path);
	if (!write_str(f, "1"))
		log_warn("%s", f);
	snprintf(f, sizeof(f), "%s/cgroup.events", path);
	int ev = open(f, O_RDONLY | O_CLOEXEC);
	int64_t deadline = mono_ms() + timeout_ms;
	bool empty = false;
	while (ev >= 0 && !(empty = events_empty(ev))) {
		int64_t left = deadline - mono_ms();
		if (left <= 0)
			break;
		/* cgroup.events signals a change with POLLPRI. */
		struct pollfd p = {ev, POLLPRI, 0};
		if (poll(&p, 1, (int)(left < 50 ? left : 50)) < 0 && errno != EINTR)
			break;
	}
	if (ev >= 0)
		close(ev);
	/* Every member dies a descendant of the kiosk (a subreaper): each is reaped by its
	 * parent or becomes our zombie, possibly a moment after the cgroup emptied (reparenting
	 * follows the exit). Ours are reaped here, bounded; the leader by the caller. */
	int64_t reap_deadline = mono_ms() + REAP_MS;
	int members = 0;
	for (char *s = procs, *e; s && *s && members < MAX_MEMBERS; s = e, members++) {
		long pid = strtol(s, &e, 10);
		if (e == s)
			break;
		if (pid <= 0 || pid == leader)
			continue;
		for (;;) {
			pid_t r = waitpid((pid_t)pid, NULL, WNOHANG);
			if (r == (pid_t)pid ||
			    (r < 0 && errno == ECHILD && kill((pid_t)pid, 0) < 0 && errno == ESRCH))
				break;
			if (r < 0 && errno == EINTR)
				continue;
			if (mono_ms() >= reap_deadline)
				break;
			struct timespec ts = {0, 5 * 1000000};
			nanosleep(&ts, NULL);
		}
	}
	free(procs);
	if (!empty) {
		log_warnx("cgroup %s still has processes after cgroup.kill", path);
		return false;
	}
	if (rmdir(path) < 0 && errno != ENOENT) {
		log_warn("rmdir %s", path);
		return false;
	}
	return true;
}
