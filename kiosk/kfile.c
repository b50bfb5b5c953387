/* kfile: the kiosk's files for its browser (see kfile.h). */
#include "kfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

bool kfile_dir(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		log_warn("mkdir %s", dir);
		return false;
	}
	struct stat st;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_warnx("%s is not a directory", dir);
		return false;
	}
	if ((st.st_mode & 07777) != 0755 && chmod(dir, 0755) < 0)
		log_warn("chmod %s", dir);
	return true;
}

bool kfile_put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *tmp = xasprintf("%s/.%s.XXXXXX", dir, name);
	bool ok = false;
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		log_warn("mkstemp %s", tmp);
		goto out;
	}
	size_t len = strlen(text), off = 0;
	bool werr = fchmod(fd, 0644) < 0;
	while (!werr && off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		werr = w <= 0;
		if (!werr)
			off += (size_t)w;
	}
	if (close(fd) < 0 || werr || rename(tmp, path) < 0) {
		log_warn("write %s", path);
		unlink(tmp);
		goto out;
	}
	ok = true;
out:
	free(tmp);
	free(path);
	return ok;
}

bool kfile_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
	}
	return true;
}

void kfile_close_watched(int ep, int *fd)
{
	if (*fd < 0)
		return;
	if (ep >= 0)
		epoll_ctl(ep, EPOLL_CTL_DEL, *fd, NULL);
	close(*fd);
	*fd = -1;
}
