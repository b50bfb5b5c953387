/* browser: the browser's session directory, its start in a clean process group, and the wipe. */
#include "browser.h"

/*
 * What the wipe reaches, and what it does not:
 *
 * - The browser is started as the leader of its own process group (pid == pgid); the wipe
 *   sends SIGTERM, then SIGKILL, to the whole group, and also when the leader has already
 *   gone (its forked children stay in the group). browser_reap likewise SIGKILLs what is
 *   left of the group when the leader exits, so a crashed browser leaves no orphans.
 * - A descendant that calls setsid() or setpgid() leaves the group. When a writable cgroup
 *   v2 hierarchy is there (kcgroup.h), every browser run also gets its own cgroup, joined
 *   by the child before it execs; the wipe freezes it and writes cgroup.kill, which reaches
 *   every member whatever its group or session. Without one, the separate browser user and
 *   the X session ending are the backstops (the kiosk logs which kill it uses).
 * - Orphans of the group are reparented to the nearest subreaper (or init). The wipe reaps
 *   those that are our children (when the kiosk is a PR_SET_CHILD_SUBREAPER) and waits,
 *   briefly and bounded, for the group to be empty before removing the directory.
 * - The directory is removed with *at() calls on directory descriptors, never following a
 *   symlink and never crossing into another mounted file system. nftw() is not used: it
 *   opens a directory before its callback can chmod it (a 0000 directory could not be
 *   entered), and its path-based calls would follow a symlink swapped in meanwhile.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hometile.h"
#include "kprint.h"
#include "log.h"
#include "privdrop.h"
#include "util.h"

extern char **environ;

#define RM_MAX_DEPTH     256  /* directory nesting the wipe descends (one fd per level) */
#define REAP_TIMEOUT_MS  2000 /* after SIGKILL: the leader's exit */
#define GROUP_TIMEOUT_MS 1000 /* after SIGKILL: the rest of the group */
#define MAX_ENV          64

static bool rm_at(int parent, const char *name, dev_t dev, int depth)
{
	struct stat st;
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return true;
		log_warn("stat %s", name);
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* Unlinking needs rights on the directory only: a 0000 file goes too. */
		if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
			return true;
		log_warn("unlink %s", name);
		return false;
	}
	if (st.st_dev != dev) {
		log_warnx("%s: another file system is mounted there; left alone", name);
		return false;
	}
	if (depth > RM_MAX_DEPTH) {
		log_warnx("%s: nested deeper than %d directories; left alone", name, RM_MAX_DEPTH);
		return false;
	}
	/* Chromium leaves read-only directories behind; reading and emptying one needs rwx.
	 * Never a chmod that follows links: NAME may have become a symlink since the stat. */
	if ((st.st_mode & S_IRWXU) != S_IRWXU &&
	    fchmodat(parent, name, S_IRWXU, AT_SYMLINK_NOFOLLOW) < 0)
		log_warn("chmod %s", name);
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		log_warn("open %s", name);
		return false;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		log_warn("fdopendir %s", name);
		close(fd);
		return false;
	}
	bool ok = true;
	/* Entries removed while reading may shift the listing: read again until it is empty. */
	for (int pass = 0; pass < 3; pass++) {
		bool any = false;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			any = true;
			if (!rm_at(dirfd(d), e->d_name, dev, depth + 1))
				ok = false;
		}
		if (!any || !ok)
			break;
		rewinddir(d);
	}
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
		log_warn("rmdir %s", name);
		return false;
	}
	return ok;
}

/* Removes PATH and everything under it (see the top of this file). */
static bool rm_tree(const char *path)
{
	char *copy = xstrdup(path);
	char *slash = strrchr(copy, '/');
	const char *dir = ".", *name = copy;
	if (slash && slash == copy) {
		dir = "/";
		name = slash + 1;
	} else if (slash) {
		*slash = '\0';
		dir = copy;
		name = slash + 1;
	}
	bool ok = false;
	int pfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (pfd < 0) {
		log_warn("open %s", dir);
	} else if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		ok = errno == ENOENT;
		if (!ok)
			log_warn("stat %s", path);
	} else {
		ok = rm_at(pfd, name, st.st_dev, 0);
	}
	if (pfd >= 0)
		close(pfd);
	free(copy);
	return ok;
}

/* mkdir -p; the last component gets MODE, the others 0755. */
static bool mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	bool ok = true;
	for (char *s = p + 1; ok; s++) {
		bool last = *s == '\0';
		if (*s != '/' && !last)
			continue;
		*s = '\0';
		if (mkdir(p, last ? mode : 0755) < 0 && errno != EEXIST) {
			log_warn("mkdir %s", p);
			ok = false;
		}
		if (last)
			break;
		*s = '/';
	}
	struct stat st;
	if (ok && (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))) {
		log_warnx("%s is not a directory", path);
		ok = false;
	}
	free(p);
	return ok;
}

/* "file://" + PATH with every byte outside the unreserved set and '/' percent-encoded. */
static char *file_url(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path);
	char *u = xmalloc(strlen("file://") + 3 * n + 1), *o = u;
	o = stpcpy(o, "file://");
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~/", *s)) {
			*o++ = (char)*s;
		} else {
			*o++ = '%';
			*o++ = hex[*s >> 4];
			*o++ = hex[*s & 15];
		}
	}
	*o = '\0';
	return u;
}

static void reset_run(struct browser *b)
{
	b->pid = 0;
	b->pidfd = -1;
	b->dir = NULL;
	b->home_url = NULL;
	b->cg_path[0] = '\0';
}

void browser_init(struct browser *b)
{
	memset(b, 0, sizeof(*b));
	reset_run(b);
}

void browser_setup(struct browser *b, const struct kiosk_cfg *cfg)
{
	const char *user = cfg->browser_user ? cfg->browser_user : "";
	const char *why = NULL;
	struct passwd *pw = NULL;
	if (!*user)
		why = "browser.user is empty";
	else if (!priv_may_switch())
		why = "the kiosk has neither root nor CAP_SETUID and CAP_SETGID";
	else if (!(pw = getpwnam(user)))
		why = "the browser user does not exist (systemd-sysusers creates it)";
	else if (pw->pw_uid == 0 || pw->pw_uid == getuid())
		why = "the browser user is root or the kiosk's own user";
	b->separated = !why;
	if (b->separated) {
		b->uid = pw->pw_uid;
		b->gid = pw->pw_gid;
		log_info("the browser runs as %s (uid %d)", user, (int)b->uid);
		if (cfg->runtime_dir && chmod(cfg->runtime_dir, 0711) < 0)
			log_warn("chmod %s", cfg->runtime_dir);
	} else {
		log_warnx("running UNSEPARATED: the browser runs as the kiosk's own user and can "
			  "read what the kiosk can (%s%s%s)",
			  why, *user ? ": " : "", user);
	}
	if (kcgroup_open(&b->cg))
		log_info("the end of a session kills the browser's cgroup (under %s)", b->cg.base);
	else
		log_warnx("no usable cgroup v2: the end of a session kills the browser's process "
			  "group only");
}

void browser_teardown(struct browser *b)
{
	kcgroup_close(&b->cg);
}

const char *browser_kill_mode(const struct browser *b)
{
	return b->cg.base[0] ? "cgroup" : "pgroup";
}

/* Removes the directory PATH; separated, a child running as the browser user empties it
 * first (its files are the browser user's), then we remove what is left. */
static bool remove_dir(const struct browser *b, const char *path)
{
	if (b->separated) {
		pid_t pid = fork();
		if (pid == 0) {
			if (!priv_drop(b->uid, b->gid))
				_exit(1);
			int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			struct stat st;
			if (fd < 0 || fstat(fd, &st) < 0)
				_exit(1);
			DIR *d = fdopendir(fd);
			bool ok = d != NULL;
			struct dirent *e;
			while (d && (e = readdir(d)))
				if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
					ok = rm_at(dirfd(d), e->d_name, st.st_dev, 1) && ok;
			_exit(ok ? 0 : 1);
		}
		int st = 0;
		if (pid < 0)
			log_warn("fork");
		else
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
		if (rmdir(path) == 0 || errno == ENOENT)
			return true;
	}
	return rm_tree(path);
}

void browser_cleanup_stale(const struct browser *b, const struct kiosk_cfg *cfg)
{
	if (!cfg->runtime_dir)
		return;
	DIR *d = opendir(cfg->runtime_dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "session-", strlen("session-")) != 0)
			continue;
		char *p = xasprintf("%s/%s", cfg->runtime_dir, e->d_name);
		log_info("removing %s, left by an earlier run", p);
		remove_dir(b, p);
		free(p);
	}
	closedir(d);
}

bool browser_prepare(struct browser *b, const struct kiosk_cfg *cfg, const struct lang *lang)
{
	if (b->pid > 0 || b->dir) {
		log_warnx("the previous session directory was not wiped; wiping it now");
		browser_wipe(b, 0);
	}
	reset_run(b);
	b->lang = lang ? lang : lang_or_default(NULL);
	if (!cfg->runtime_dir || !*cfg->runtime_dir) {
		log_warnx("no runtime_dir for the session directory");
		return false;
	}
	if (!mkdir_p(cfg->runtime_dir, b->separated ? 0711 : 0700))
		return false;
	if (b->separated && chmod(cfg->runtime_dir, 0711) < 0)
		log_warn("chmod %s", cfg->runtime_dir);
	/* One kiosk per runtime_dir: any other session directory is a crash's leftover. */
	browser_cleanup_stale(b, cfg);

	char *dir = xasprintf("%s/session-XXXXXX", cfg->runtime_dir);
	if (!mkdtemp(dir)) {
		log_warn("mkdtemp %s", dir);
		free(dir);
		return false;
	}
	b->dir = dir;
	static const char *const subdirs[] = {
		"home",           "home/.config", "home/.cache", "home/.local", "home/.local/share",
		"home/Documents", "profile",      "run",         "tmp",
	};
	bool ok = true;
	for (size_t i = 0; ok && i < ARRAY_LEN(subdirs); i++) {
		char *p = xasprintf("%s/%s", dir, subdirs[i]);
		ok = mkdir(p, 0700) == 0;
		if (!ok)
			log_warn("mkdir %s", p);
		free(p);
	}
	if (ok) {
		char *page = xasprintf("%s/home/index.html", dir);
		ok = homepage_write(page, cfg, b->lang);
		if (ok)
			b->home_url = file_url(page);
		if (ok && b->separated)
			ok = fchownat(AT_FDCWD, page, b->uid, b->gid, AT_SYMLINK_NOFOLLOW) == 0;
		free(page);
		/* The scan tile's page (hometile.h), beside it. */
		page = xasprintf("%s/home/" HOMETILE_PAGE, dir);
		ok = ok && homepage_write_scan(page, b->lang);
		if (ok && b->separated)
			ok = fchownat(AT_FDCWD, page, b->uid, b->gid, AT_SYMLINK_NOFOLLOW) == 0;
		free(page);
	}
	/* Separated: everything we made becomes the browser user's, the top last. */
	for (size_t i = ARRAY_LEN(subdirs); ok && b->separated && i-- > 0;) {
		char *p = xasprintf("%s/%s", dir, subdirs[i]);
		ok = fchownat(AT_FDCWD, p, b->uid, b->gid, AT_SYMLINK_NOFOLLOW) == 0;
		if (!ok)
			log_warn("chown %s", p);
		free(p);
	}
	if (ok && b->separated &&
	    fchownat(AT_FDCWD, dir, b->uid, b->gid, AT_SYMLINK_NOFOLLOW) < 0) {
		log_warn("chown %s", dir);
		ok = false;
	}
	if (!ok)
		browser_wipe(b, 0);
	return ok;
}

/* ARG with "%u" -> URL, "%d" -> DIR, "%%" -> "%"; anything else is kept as it is. */
static char *subst(const char *arg, const char *url, const char *dir)
{
	size_t cap = strlen(arg) + 1;
	for (const char *s = arg; *s; s++)
		if (s[0] == '%' && (s[1] == 'u' || s[1] == 'd'))
			cap += strlen(s[1] == 'u' ? url : dir);
	char *out = xmalloc(cap), *o = out;
	for (const char *s = arg; *s; s++) {
		if (s[0] == '%' && s[1] == 'u') {
			o = stpcpy(o, url);
			s++;
		} else if (s[0] == '%' && s[1] == 'd') {
			o = stpcpy(o, dir);
			s++;
		} else if (s[0] == '%' && s[1] == '%') {
			*o++ = '%';
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static bool env_kept(const char *kv, bool separated)
{
	static const char *const keep[] = {"DISPLAY=", "XAUTHORITY=", "PATH=", "LANG=", "TZ="};
	/* The kiosk's cookie would open the display to the browser user for good. */
	if (separated && strncmp(kv, "XAUTHORITY=", 11) == 0)
		return false;
	for (size_t i = 0; i < ARRAY_LEN(keep); i++)
		if (strncmp(kv, keep[i], strlen(keep[i])) == 0)
			return true;
	return strncmp(kv, "LC_", 3) == 0 && strchr(kv, '=');
}

/* The child's whole environment: a few variables of the kiosk, the rest inside DIR. */
static char **build_env(const char *dir, bool separated, const struct lang *lang,
			const struct kiosk_cfg *cfg, const char *print_addr, bool contrast)
{
	char **env = xcalloc(MAX_ENV + 1, sizeof(*env));
	int n = 0;
	for (char **e = environ; e && *e && n < MAX_ENV - 12; e++)
		if (env_kept(*e, separated))
			env[n++] = xstrdup(*e);
	if (!getenv("PATH"))
		env[n++] = xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
	/* Chromium's pages (a refused site, the print preview) in the resident's language. */
	env[n++] = xasprintf("LANGUAGE=%s", lang->language);
	/* escale-browser's: Chromium's --lang (its menus, navigator.language) and the
	 * Accept-Language it sends (a fresh profile's preference). */
	env[n++] = xasprintf("ESCALE_BROWSER_LANG=%s", lang->chromium);
	env[n++] = xasprintf("ESCALE_ACCEPT_LANGUAGES=%s", lang->accept);
	env[n++] = xasprintf("HOME=%s/home", dir);
	env[n++] = xasprintf("XDG_CONFIG_HOME=%s/home/.config", dir);
	env[n++] = xasprintf("XDG_CACHE_HOME=%s/home/.cache", dir);
	env[n++] = xasprintf("XDG_DATA_HOME=%s/home/.local/share", dir);
	env[n++] = xasprintf("XDG_RUNTIME_DIR=%s/run", dir);
	env[n++] = xasprintf("TMPDIR=%s/tmp", dir);
	/* The "A+" panel's high contrast for the sites: escale-browser gives Chromium
	 * --force-high-contrast. */
	if (contrast)
		env[n++] = xstrdup("ESCALE_HIGH_CONTRAST=1");
	/* The print server of kprint's client.conf also for a browser run without
	 * escale-browser; it wins over a client.conf in HOME. */
	const char *print_host = kprint_host(cfg, print_addr);
	if (print_host)
		env[n++] = xasprintf(strchr(print_host, ':') ? "CUPS_SERVER=[%s]:%d"
							     : "CUPS_SERVER=%s:%d",
				     print_host, cfg->print_port);
	env[n] = NULL;
	return env;
}

static void free_strv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* In the child, between fork and exec: async-signal-safe calls only. ERRFD reports a
 * failed exec to the parent (it closes on a successful one). */
static __attribute__((noreturn)) void child_exec(char **argv, char **env, int errfd, pid_t kiosk,
						 int cgfd, const struct browser *b)
{
	setpgid(0, 0);
	/* Into the session's cgroup while we still are the kiosk's user ("0": ourselves). */
	if (cgfd >= 0 && write(cgfd, "0", 1) != 1)
		goto fail;
	/* No capability stays, none crosses exec (a non-root kiosk's setuid keeps them). */
	if (b->separated ? !priv_drop(b->uid, b->gid) : !priv_caps_clear())
		goto fail;
	/* The session must not outlive the kiosk (after setuid, which clears it). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* The kiosk may have lowered its OOM score: the browser must be the victim, not it. */
	int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (oom >= 0) {
		ssize_t w = write(oom, "500", 3);
		(void)w;
		close(oom);
	}

	if (errfd != 3) {
		if (dup3(errfd, 3, O_CLOEXEC) < 0)
			goto fail;
		errfd = 3;
	}
	int null = open("/dev/null", O_RDONLY);
	if (null < 0 || (null != 0 && dup2(null, 0) < 0))
		goto fail;
	if (close_range(4, ~0U, 0) < 0) {
		for (int fd = 4; fd < 65536; fd++)
			close(fd);
	}
	if (getppid() != kiosk)
		_exit(127); /* the kiosk died before PR_SET_PDEATHSIG took hold */

	environ = env;
	execvp(argv[0], argv);
fail:;
	int e = errno;
	ssize_t w = write(errfd, &e, sizeof(e));
	(void)w;
	_exit(127);
}

/* Kills and removes the running browser's cgroup, if any. */
static void drop_cgroup(struct browser *b)
{
	if (!b->cg_path[0])
		return;
	if (kcgroup_kill(b->cg_path, b->pid, GROUP_TIMEOUT_MS))
		log_info("cgroup %s killed and removed", b->cg_path);
	b->cg_path[0] = '\0';
}

bool browser_start(struct browser *b, const struct kiosk_cfg *cfg)
{
	if (b->pid > 0) {
		log_warnx("the browser already runs (pid %d)", (int)b->pid);
		return false;
	}
	b->pidfd = -1;
	if (!b->dir || !b->home_url) {
		log_warnx("no session directory: browser_prepare first");
		return false;
	}
	if (!cfg->browser_argv[0]) {
		log_warnx("no browser command configured");
		return false;
	}
	int n = 0;
	while (n < KCFG_MAX_ARGS && cfg->browser_argv[n])
		n++;
	char **argv = xcalloc((size_t)n + 1, sizeof(*argv));
	for (int i = 0; i < n; i++)
		argv[i] = subst(cfg->browser_argv[i], b->home_url, b->dir);
	char **env = build_env(b->dir, b->separated, b->lang ? b->lang : lang_or_default(NULL), cfg,
			       b->print_addr, b->contrast);

	bool ok = false;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		log_warn("pipe");
		goto out;
	}
	int cgfd = kcgroup_new(&b->cg, b->cg_path);
	if (cgfd < 0 && b->cg.base[0]) {
		log_warnx("cannot make the browser's cgroup: not starting it");
		close(p[0]);
		close(p[1]);
		goto out;
	}
	pid_t kiosk = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("fork");
		close(p[0]);
		close(p[1]);
		if (cgfd >= 0)
			close(cgfd);
		drop_cgroup(b);
		goto out;
	}
	if (pid == 0) {
		close(p[0]);
		child_exec(argv, env, p[1], kiosk, cgfd, b);
	}
	if (cgfd >= 0)
		close(cgfd);
	close(p[1]);
	/* Also here, so that the group exists before any kill(-pid) (fails once it exec'd). */
	setpgid(pid, pid);

	int err = 0;
	ssize_t r;
	do
		r = read(p[0], &err, sizeof(err));
	while (r < 0 && errno == EINTR);
	close(p[0]);
	if (r > 0) {
		errno = err;
		log_warn("cannot run %s", argv[0]);
		waitpid(pid, NULL, 0);
		drop_cgroup(b);
		goto out;
	}
	b->pid = pid;
	b->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (b->pidfd < 0)
		log_warn("pidfd_open: the browser's exit will only be seen at the wipe");
	log_info("browser started (pid %d%s%s) in %s", (int)pid, b->cg_path[0] ? ", cgroup " : "",
		 b->cg_path, b->dir);
	ok = true;
out:
	free_strv(argv);
	free_strv(env);
	return ok;
}

/* Waits at most TIMEOUT_MS for the leader PID to exit, without reaping it. */
static bool wait_exit(pid_t pid, int pidfd, int timeout_ms)
{
	int64_t deadline = mono_ms() + timeout_ms;
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
			return errno == ECHILD; /* not ours any more: nothing to wait for */
		if (si.si_pid == pid)
			return true;
		int64_t left = deadline - mono_ms();
		if (left <= 0)
			return false;
		if (pidfd >= 0) {
			struct pollfd pfd = {pidfd, POLLIN, 0};
			if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
				return false;
		} else {
			struct timespec ts = {0, 10 * 1000000};
			nanosleep(&ts, NULL);
		}
	}
}

/* After SIGKILL to group PG: reaps the members that are our children and waits, bounded,
 * until no member is left (the others are reaped by their new parent). Polls, because
 * processes that are not our children cannot be waited for. */
static void group_wait_empty(pid_t pg)
{
	int64_t deadline = mono_ms() + GROUP_TIMEOUT_MS;
	for (;;) {
		while (waitpid(-pg, NULL, WNOHANG) > 0)
			;
		if (kill(-pg, 0) < 0 && errno == ESRCH)
			return;
		if (mono_ms() >= deadline) {
			log_warnx("process group %d still has members after SIGKILL", (int)pg);
			return;
		}
		struct timespec ts = {0, 5 * 1000000};
		nanosleep(&ts, NULL);
	}
}

static void forget_pid(struct browser *b)
{
	if (b->pidfd >= 0)
		close(b->pidfd);
	b->pidfd = -1;
	b->pid = 0;
}

int browser_reap(struct browser *b)
{
	if (b->pid <= 0)
		return -1;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)b->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0) {
		log_warn("waitid %d", (int)b->pid);
		forget_pid(b);
		return -1;
	}
	if (si.si_pid != b->pid)
		return -1; /* still running */
	/* The leader is a zombie, so its pid cannot name another group yet. */
	pid_t pg = b->pid;
	if (kill(-pg, SIGKILL) < 0 && errno != ESRCH)
		log_warn("kill the browser's group %d", (int)pg);
	drop_cgroup(b);
	int st = 0;
	if (waitpid(pg, &st, 0) < 0)
		log_warn("waitpid %d", (int)pg);
	forget_pid(b);
	group_wait_empty(pg);
	if (WIFEXITED(st))
		log_info("browser (pid %d) exited with status %d", (int)pg, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		log_info("browser (pid %d) killed by signal %d", (int)pg, WTERMSIG(st));
	return st;
}

void browser_stop(struct browser *b, int grace_ms)
{
	if (b->pid > 0) {
		pid_t pg = b->pid;
		if (kill(-pg, SIGTERM) < 0 && errno != ESRCH)
			log_warn("SIGTERM to the browser's group %d", (int)pg);
		bool gone = wait_exit(pg, b->pidfd, grace_ms > 0 ? grace_ms : 0);
		/* Also when the leader went: its children may live on in the group. The leader is
		 * not reaped yet, so the group id still names the browser's group. */
		if (kill(-pg, SIGKILL) < 0 && errno != ESRCH)
			log_warn("SIGKILL to the browser's group %d", (int)pg);
		/* And whatever left the group: the cgroup holds every descendant. */
		drop_cgroup(b);
		if (!gone && !wait_exit(pg, b->pidfd, REAP_TIMEOUT_MS))
			log_warnx("browser %d did not die after SIGKILL", (int)pg);
		if (waitpid(pg, NULL, WNOHANG) < 0 && errno != ECHILD)
			log_warn("waitpid %d", (int)pg);
		forget_pid(b);
		group_wait_empty(pg);
		log_info("browser (pid %d) stopped%s", (int)pg, gone ? "" : " with SIGKILL");
	} else {
		forget_pid(b);
	}
	drop_cgroup(b);
}

void browser_wipe(struct browser *b, int grace_ms)
{
	browser_stop(b, grace_ms);
	b->contrast = false;
	if (b->dir) {
		if (remove_dir(b, b->dir))
			log_info("session directory %s removed", b->dir);
		else
			log_warnx("session directory %s could not be removed entirely", b->dir);
	}
	free(b->dir);
	free(b->home_url);
	b->dir = NULL;
	b->home_url = NULL;
}
