/* usbrun: forked children that read the key, their pipes read without blocking. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kfile.h"
#include "log.h"
#include "usbmount.h"
#include "usbread.h"
#include "usbrun.h"
#include "util.h"

void usbrun_init(struct usbrun *r, int ep)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->ep = ep;
}

/* Forks; in the child returns the pipe's write end (>= 0) and the caller _exits. */
static int child(struct usbrun *r)
{
	usbrun_stop(r);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -2;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -2;
	}
	if (pid == 0) {
		close(p[0]);
		/* Not the kiosk's signal handling nor its X connection's business. */
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		return p[1];
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	r->pid = pid;
	r->fd = p[0];
	r->cap = (size_t)USB_MAX_FILES * sizeof(struct usb_entry);
	free(r->buf);
	r->buf = xmalloc(r->cap);
	r->len = 0;
	r->ok = false;
	return -1;
}

bool usbrun_list(struct usbrun *r, const char *device, const char *fs, const char *mnt)
{
	int w = child(r);
	if (w == -2)
		return false;
	if (w >= 0) {
		static struct usb_entry e[USB_MAX_FILES];
		int n = -1;
		if (!usbmount_needs_mount(fs))
			n = usbread_list(device, e, USB_MAX_FILES);
		else if (usbmount_mount(device, fs, mnt))
			n = usbmount_list(mnt, e, USB_MAX_FILES);
		bool ok = n >= 0 && kfile_write_all(w, e, (size_t)(n > 0 ? n : 0) * sizeof(e[0]));
		_exit(ok ? 0 : 1);
	}
	return true;
}

char *usbrun_keep_dir(const char *runtime_dir)
{
	char *w = xasprintf("%s/scan-usb-XXXXXX", runtime_dir);
	if (!mkdtemp(w)) {
		log_warn("mkdtemp %s", w);
		free(w);
		return NULL;
	}
	return w;
}

char *usbrun_kept(const char *keep, int i)
{
	return xasprintf("%s/usb-%d.pdf", keep, i);
}

void usbrun_keep_clear(char **keep)
{
	if (!*keep)
		return;
	/* Flat: the kiosk's copies only; nothing followed, nothing crossed. */
	int fd = open(*keep, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d) {
		struct dirent *f;
		while ((f = readdir(d)))
			if (strcmp(f->d_name, ".") != 0 && strcmp(f->d_name, "..") != 0)
				unlinkat(dirfd(d), f->d_name, 0);
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}
	if (rmdir(*keep) < 0)
		log_warn("rmdir %s", *keep);
	free(*keep);
	*keep = NULL;
}

/* In the copy child: entry I (a PDF) read from the key again into KEEP, named
 * usbrun_kept(KEEP, I). */
static bool keep_copy(const char *device, const char *fs, const char *mnt,
		      const struct usb_entry *e, int i, const char *keep)
{
	char saved[256];
	bool ok = usbmount_needs_mount(fs)
			  ? usbmount_copy(mnt, e, keep, false, 0, 0, saved, sizeof(saved))
			  : usbread_copy(device, e, keep, false, 0, 0, saved, sizeof(saved));
	if (!ok)
		return false;
	char *from = xasprintf("%s/%s", keep, saved), *to = usbrun_kept(keep, i);
	ok = rename(from, to) == 0;
	if (!ok)
		unlink(from);
	free(from);
	free(to);
	return ok;
}

bool usbrun_copy(struct usbrun *r, const char *device, const char *fs, const char *mnt,
		 const struct usb_entry *e, const bool *chosen, int n, const char *docs,
		 bool chown_it, uid_t uid, gid_t gid, const char *keep)
{
	int w = child(r);
	if (w == -2)
		return false;
	if (w >= 0) {
		for (int i = 0; i < n; i++) {
			if (!chosen[i])
				continue;
			char saved[256];
			bool ok = usbmount_needs_mount(fs)
					  ? usbmount_copy(mnt, &e[i], docs, chown_it, uid, gid,
							  saved, sizeof(saved))
					  : usbread_copy(device, &e[i], docs, chown_it, uid, gid,
							 saved, sizeof(saved));
			bool kept = ok && keep && e[i].kind == USB_PDF &&
				    keep_copy(device, fs, mnt, &e[i], i, keep);
			if (!kfile_write_all(w, kept ? "*" : ok ? "+" : "-", 1))
				_exit(1);
		}
		_exit(0);
	}
	return true;
}

bool usbrun_read(struct usbrun *r, const char **new_bytes, size_t *new_len)
{
	*new_bytes = NULL;
	*new_len = 0;
	if (r->fd < 0)
		return false;
	size_t start = r->len;
	for (;;) {
		if (r->len == r->cap) {
			/* More than any listing: the child is not ours to trust further. */
			usbrun_stop(r);
			return true;
		}
		ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			*new_bytes = r->buf + start;
			*new_len = r->len - start;
			return false;
		}
		if (n > 0) {
			r->len += (size_t)n;
			continue;
		}
		/* The end: reap. */
		*new_bytes = r->buf + start;
		*new_len = r->len - start;
		int st = 0;
		while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR)
			;
		r->ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
		kfile_close_watched(r->ep, &r->fd);
		r->pid = 0;
		return true;
	}
}

void usbrun_stop(struct usbrun *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	kfile_close_watched(r->ep, &r->fd);
	r->pid = 0;
	r->ok = false;
}

void usbrun_free(struct usbrun *r)
{
	usbrun_stop(r);
	free(r->buf);
	r->buf = NULL;
	r->len = r->cap = 0;
}
