/* scanrun: the scan helper's process, its lines and its files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"
#include "kfile.h"
#include "log.h"
#include "scanrun.h"
#include "util.h"

void scanrun_init(struct scanrun *r, int ep)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->ep = ep;
}

static bool spawn(struct scanrun *r, char **argv)
{
	if (r->pid > 0)
		return false;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		log_warn("pipe");
		return false;
	}
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("fork");
		close(p[0]);
		close(p[1]);
		return false;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0)
			_exit(127);
		/* Its own process group: stopped with the flow, never with the session's. */
		setpgid(0, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0)
		log_warn("fcntl");
	r->pid = pid;
	r->fd = p[0];
	r->len = 0;
	r->overlong = false;
	return true;
}

static char *page_prefix(const struct scanrun *r, int page)
{
	return xasprintf("%s/page-%d", r->work, page);
}

bool scanrun_page(struct scanrun *r, const char *runtime_dir, const char *device, int dpi,
		  bool gray, int page)
{
	if (!r->work) {
		char *w = xasprintf("%s/scan-XXXXXX", runtime_dir);
		if (!mkdtemp(w)) {
			log_warn("mkdtemp %s", w);
			free(w);
			return false;
		}
		r->work = w;
	}
	scanrun_drop_page(r, page); /* a page scanned again */
	char *helper = helper_exe("ESCALE_KIOSK_SCAN", "escale-kiosk-scan"),
	     *prefix = page_prefix(r, page);
	char res[16];
	snprintf(res, sizeof(res), "%d", dpi);
	const char *opt = getenv("ESCALE_SCAN_OPTION");
	char *argv[] = {helper,
			"scan",
			"--device",
			(char *)device,
			"--resolution",
			res,
			"--mode",
			gray ? "gray" : "color",
			"--out",
			prefix,
			opt && *opt ? "--option" : NULL,
			(char *)opt,
			NULL};
	bool ok = spawn(r, argv);
	snprintf(r->preview, sizeof(r->preview), "%s.png", prefix);
	free(helper);
	free(prefix);
	return ok;
}

bool scanrun_pdf(struct scanrun *r, int pages)
{
	if (!r->work || pages < 1 || pages > SF_MAX_PAGES)
		return false;
	char *argv[SF_MAX_PAGES + 4];
	int n = 0;
	argv[n++] = helper_exe("ESCALE_KIOSK_SCAN", "escale-kiosk-scan");
	argv[n++] = xstrdup("pdf");
	argv[n++] = xasprintf("%s/document.pdf", r->work);
	unlink(argv[2]);
	for (int i = 1; i <= pages; i++)
		argv[n++] = xasprintf("%s/page-%d.jpg", r->work, i);
	argv[n] = NULL;
	bool ok = spawn(r, argv);
	for (int i = 0; i < n; i++)
		free(argv[i]);
	return ok;
}

bool scanrun_print(struct scanrun *r, const char *host, int port, const char *queue,
		   const char *user, const char *title)
{
	if (!r->work)
		return false;
	char *pdf = xasprintf("%s/document.pdf", r->work);
	bool ok = scanrun_print_file(r, host, port, queue, user, title, pdf);
	free(pdf);
	return ok;
}

bool scanrun_print_file(struct scanrun *r, const char *host, int port, const char *queue,
			const char *user, const char *title, const char *pdf)
{
	if (!host || !queue || !pdf)
		return false;
	char *helper = helper_exe("ESCALE_KIOSK_SCAN", "escale-kiosk-scan");
	char p[16];
	snprintf(p, sizeof(p), "%d", port);
	char *argv[] = {helper,
			"print",
			"--server",
			(char *)host,
			"--port",
			p,
			"--queue",
			(char *)queue,
			"--title",
			(char *)title,
			user ? "--user" : (char *)pdf,
			user ? (char *)user : NULL,
			user ? (char *)pdf : NULL,
			NULL};
	bool ok = spawn(r, argv);
	free(helper);
	return ok;
}

static void reap(struct scanrun *r, bool *ok)
{
	int st = 0;
	*ok = false;
	if (r->pid > 0 && waitpid(r->pid, &st, 0) == r->pid)
		*ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	r->pid = 0;
	kfile_close_watched(r->ep, &r->fd);
}

enum sf_event scanrun_read(struct scanrun *r, struct scanflow *f)
{
	enum sf_event last = SF_EV_NONE;
	if (r->fd < 0)
		return last;
	for (;;) {
		char chunk[512];
		ssize_t n = read(r->fd, chunk, sizeof(chunk));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return last;
		if (n <= 0) {
			bool ok;
			reap(r, &ok);
			enum sf_event e = sf_exited(f, ok);
			return e != SF_EV_NONE ? e : last;
		}
		for (ssize_t i = 0; i < n; i++) {
			char ch = chunk[i];
			if (ch != '\n') {
				if (r->len < SF_LINE_MAX + 1)
					r->buf[r->len++] = ch;
				else
					r->overlong = true;
				continue;
			}
			if (!r->overlong) {
				enum sf_event e = sf_line(f, r->buf, r->len);
				if (e != SF_EV_NONE)
					last = e;
			}
			r->len = 0;
			r->overlong = false;
		}
		/* A page, the PDF or an error: the helper is done (its files are written
		 * before it says so). Its whole process group goes now: a backend's reader
		 * process that lingers must not hold the pipe open. */
		if (last == SF_EV_PAGE || last == SF_EV_SAVED || last == SF_EV_FAILED ||
		    last == SF_EV_PRINTED) {
			scanrun_stop(r);
			return last;
		}
	}
}

enum sf_event scanrun_poll(struct scanrun *r, struct scanflow *f)
{
	int st = 0;
	pid_t pid = r->pid;
	if (pid <= 0 || waitpid(pid, &st, WNOHANG) != pid)
		return SF_EV_NONE;
	r->pid = 0;
	enum sf_event e = scanrun_read(r, f); /* what it wrote before it exited */
	kill(-pid, SIGKILL);                  /* anything of its group left */
	kfile_close_watched(r->ep, &r->fd);
	enum sf_event x = sf_exited(f, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return x != SF_EV_NONE ? x : e;
}

void scanrun_stop(struct scanrun *r)
{
	if (r->pid > 0) {
		kill(-r->pid, SIGKILL);
		kill(r->pid, SIGKILL);
	}
	bool ok;
	if (r->pid > 0 || r->fd >= 0)
		reap(r, &ok);
}

void scanrun_drop_page(struct scanrun *r, int page)
{
	if (!r->work)
		return;
	char *prefix = page_prefix(r, page);
	char *jpg = xasprintf("%s.jpg", prefix), *png = xasprintf("%s.png", prefix);
	unlink(jpg);
	unlink(png);
	free(jpg);
	free(png);
	free(prefix);
}

/* Copies IN into a new file NAME of the directory DFD, owned by UID:GID when CHOWN_IT,
 * 0644; O_EXCL and O_NOFOLLOW: never through a name the browser made (a symlink included).
 * False (nothing left behind) when it cannot; errno EEXIST when NAME exists. */
static bool copy_new(int in, int dfd, const char *name, bool chown_it, uid_t uid, gid_t gid)
{
	int out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0)
		return false;
	bool ok = true;
	char chunk[65536];
	ssize_t n;
	while (ok && (n = read(in, chunk, sizeof(chunk))) != 0)
		ok = n > 0 && kfile_write_all(out, chunk, (size_t)n);
	if (ok && chown_it && fchown(out, uid, gid) < 0) {
		log_warn("chown %s", name);
		ok = false;
	}
	if (ok && fchmod(out, 0644) < 0)
		ok = false;
	if (close(out) < 0)
		ok = false;
	if (!ok) {
		unlinkat(dfd, name, 0);
		errno = EIO;
	}
	return ok;
}

bool scanrun_publish(struct scanrun *r, const char *docs, bool chown_it, uid_t uid, gid_t gid)
{
	if (!r->work)
		return false;
	char *src = xasprintf("%s/document.pdf", r->work);
	int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(src);
	if (in < 0)
		return false;
	int dfd = open(docs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	bool ok = false;
	for (int i = 1; dfd >= 0 && !ok && i <= 999; i++) {
		snprintf(r->saved, sizeof(r->saved), "document-%d.pdf", i);
		ok = copy_new(in, dfd, r->saved, chown_it, uid, gid);
		if (!ok && errno != EEXIST)
			break;
	}
	if (!ok)
		r->saved[0] = '\0';
	if (dfd >= 0)
		close(dfd);
	close(in);
	return ok;
}

int scanrun_publish_images(struct scanrun *r, const char *docs, int pages, bool chown_it, uid_t uid,
			   gid_t gid)
{
	size_t base = strlen(r->saved);
	if (!r->work || base < 5 || strcmp(r->saved + base - 4, ".pdf") != 0)
		return -1;
	int dfd = open(docs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	int done = 0;
	for (int p = 1; p <= pages && p <= SF_MAX_PAGES; p++) {
		char *prefix = page_prefix(r, p), *src = xasprintf("%s.jpg", prefix);
		int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		free(src);
		free(prefix);
		if (in < 0)
			break;
		/* "document-1.pdf" → "document-1-page-1.jpg": the PDF's name says whose page. */
		char *name = xasprintf("%.*s-page-%d.jpg", (int)(base - 4), r->saved, p);
		bool ok = copy_new(in, dfd, name, chown_it, uid, gid);
		if (!ok)
			log_warn("%s", name);
		free(name);
		close(in);
		if (!ok)
			break;
		done++;
	}
	close(dfd);
	return done == pages ? done : -1;
}

void scanrun_clear(struct scanrun *r)
{
	scanrun_stop(r);
	if (r->work) {
		for (int i = 1; i <= SF_MAX_PAGES; i++)
			scanrun_drop_page(r, i);
		char *pdf = xasprintf("%s/document.pdf", r->work);
		unlink(pdf);
		free(pdf);
		if (rmdir(r->work) < 0)
			log_warn("rmdir %s", r->work);
		free(r->work);
		r->work = NULL;
	}
	r->preview[0] = '\0';
	r->len = 0;
}

void scanrun_cleanup_stale(const char *runtime_dir)
{
	DIR *d = opendir(runtime_dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "scan-", 5) != 0)
			continue;
		/* Flat: pages, previews, the PDF; nothing followed, nothing crossed. */
		int fd = openat(dirfd(d), e->d_name,
				O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		DIR *w = fd >= 0 ? fdopendir(fd) : NULL;
		if (!w) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		struct dirent *f;
		while ((f = readdir(w)))
			if (strcmp(f->d_name, ".") != 0 && strcmp(f->d_name, "..") != 0)
				unlinkat(dirfd(w), f->d_name, 0);
		closedir(w);
		if (unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) == 0)
			log_info("removed a scan's pages left by an earlier run");
	}
	closedir(d);
}
