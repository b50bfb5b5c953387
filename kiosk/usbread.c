/* usbread: mtools' mdir and mtype run as children, their output read with limits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kfile.h"
#include "log.h"
#include "usbread.h"
#include "util.h"

/* Runs mtools' PROG with ARGS (NULL-terminated, after the program's name) and returns the
 * read end of its stdout; *PID its process. */
static int mtools(const char *prog, const char *const *args, pid_t *pid)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	*pid = fork();
	if (*pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (*pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		/* No configuration of the system's (drive letters, mtools.conf's options), C
		 * UTF-8 locale (the long names as they are, plain sizes), and no check that refuses odd but harmless geometries. */
		char *env[] = {"MTOOLSRC=/dev/null", "MTOOLS_SKIP_CHECK=1", "LC_ALL=C.UTF-8",
			       "PATH=/usr/bin:/bin", NULL};
		const char *argv[16];
		int n = 0;
		argv[n++] = prog;
		for (int i = 0; args[i] && n < 15; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		execve(prog[0] == '/' ? prog : "/usr/bin/mtools", (char *const *)argv, env);
		_exit(127);
	}
	close(p[1]);
	return p[0];
}

static bool finish(pid_t pid, int fd, bool kill_it)
{
	if (fd >= 0)
		close(fd);
	if (kill_it)
		kill(pid, SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return !kill_it && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int usbread_list(const char *device, struct usb_entry *out, int max)
{
	const char *const args[] = {"-/", "-a", "-i", device, "::", NULL};
	pid_t pid;
	int fd = mtools("mdir", args, &pid);
	if (fd < 0)
		return -1;
	char *text = xmalloc(USB_MAX_LISTING);
	size_t len = 0;
	bool over = false;
	for (;;) {
		ssize_t r = read(fd, text + len, USB_MAX_LISTING - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == USB_MAX_LISTING) {
			over = true; /* the listing goes on: what was read is enough */
			break;
		}
	}
	bool ok = finish(pid, fd, over) || over;
	int n = ok ? usbfiles_parse_mdir(text, len, out, max) : -1;
	free(text);
	return n;
}

/* Opens a new file in DOCS (dirfd D) named after NAME, " (2)"... when taken. */
static int create_free(int d, const char *name, char *saved, size_t n)
{
	const char *dot = strrchr(name, '.');
	int stem = dot ? (int)(dot - name) : (int)strlen(name);
	for (int i = 1; i <= 99; i++) {
		if (i == 1)
			snprintf(saved, n, "%s", name);
		else
			snprintf(saved, n, "%.*s (%d)%s", stem, name, i, dot ? dot : "");
		int fd = openat(d, saved, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/* The first bytes decide: a first read shorter than that (a pipe) is completed. */
static ssize_t read_head(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	while (got < USB_MAGIC_BYTES) {
		ssize_t r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

bool usbread_copy_from(int fd, const struct usb_entry *e, const char *docs, bool chown_it,
		       uid_t uid, gid_t gid, char *saved, size_t n, bool *stop)
{
	saved[0] = '\0';
	*stop = false;
	if (e->bytes <= 0 || e->bytes > USB_MAX_FILE_BYTES)
		return false;
	int d = open(docs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return false;
	char *buf = xmalloc(65536);
	long long total = 0;
	int out = -1;
	bool ok = true, refused = false;
	for (;;) {
		ssize_t r = out < 0 ? read_head(fd, buf, 65536) : read(fd, buf, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			ok = false;
		if (r <= 0)
			break;
		if (total + r > e->bytes) {
			refused = true; /* more than the listing said: not that file */
			break;
		}
		if (out < 0) {
			if (!usbfiles_magic_ok(e->kind, (unsigned char *)buf, (size_t)r)) {
				refused = true;
				break;
			}
			out = create_free(d, e->name, saved, n);
			if (out < 0) {
				ok = false;
				break;
			}
		}
		if (!kfile_write_all(out, buf, (size_t)r)) {
			ok = false;
			break;
		}
		total += r;
	}
	free(buf);
	*stop = refused || !ok;
	ok = ok && !refused && total == e->bytes && out >= 0;
	if (ok && chown_it && fchown(out, uid, gid) < 0)
		ok = false;
	if (ok && fchmod(out, 0644) < 0)
		ok = false;
	if (out >= 0 && close(out) < 0)
		ok = false;
	if (!ok && out >= 0)
		unlinkat(d, saved, 0);
	if (!ok)
		saved[0] = '\0';
	close(d);
	return ok;
}

bool usbread_copy(const char *device, const struct usb_entry *e, const char *docs, bool chown_it,
		  uid_t uid, gid_t gid, char *saved, size_t n)
{
	saved[0] = '\0';
	if (e->bytes <= 0 || e->bytes > USB_MAX_FILE_BYTES)
		return false;
	/* mtype -i DEVICE PATH: the file's bytes on stdout, the key opened read-only. */
	const char *const args[] = {"-i", device, e->path, NULL};
	pid_t pid;
	int fd = mtools("mtype", args, &pid);
	if (fd < 0)
		return false;
	bool stop;
	bool ok = usbread_copy_from(fd, e, docs, chown_it, uid, gid, saved, n, &stop);
	bool exited = finish(pid, fd, stop);
	if (ok && !exited) {
		/* mtype failed after all (a read error on the key): not a whole file. */
		int d = open(docs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d >= 0) {
			unlinkat(d, saved, 0);
			close(d);
		}
		saved[0] = '\0';
		ok = false;
	}
	return ok;
}
