/* hometile: the home page's scan tile, seen by the kiosk through inotify. */
#include "hometile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

char *hometile_url(const char *home_url)
{
	const char *scheme = home_url ? strstr(home_url, "://") : NULL;
	const char *slash = home_url ? strrchr(home_url, '/') : NULL;
	if (!scheme || !slash || slash < scheme + 3)
		return NULL;
	return xasprintf("%.*s/" HOMETILE_PAGE, (int)(slash - home_url), home_url);
}

int hometile_watch(const char *page)
{
	struct stat st;
	if (lstat(page, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		log_warn("inotify_init1");
		return -1;
	}
	if (inotify_add_watch(fd, page, IN_OPEN | IN_DONT_FOLLOW) < 0) {
		log_warn("inotify_add_watch %s", page);
		close(fd);
		return -1;
	}
	return fd;
}

bool hometile_opened(int fd, bool *gone)
{
	bool opened = false;
	*gone = false;
	/* Events of one watch, no names: each exactly sizeof(struct inotify_event). */
	char buf[64 * sizeof(struct inotify_event)]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= n;) {
			const struct inotify_event *e = (const struct inotify_event *)(buf + off);
			if (e->mask & IN_OPEN)
				opened = true;
			if (e->mask & (IN_IGNORED | IN_Q_OVERFLOW))
				*gone = *gone || (e->mask & IN_IGNORED);
			off += (ssize_t)sizeof(struct inotify_event) + e->len;
		}
	}
	return opened;
}
