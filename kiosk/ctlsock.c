/* ctlsock: the kiosk's local control socket (see ctlsock.h). */
#include "ctlsock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

#define CTL_ANSWER_MAX 65536
#define CTL_TIMEOUT_MS 3000

static bool fill_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path)) {
		log_warnx("%s: socket path too long (at most %zu bytes)", path,
			  sizeof(a->sun_path) - 1);
		return false;
	}
	strcpy(a->sun_path, path);
	return true;
}

int ctlsock_listen(const char *path)
{
	struct sockaddr_un a;
	if (!fill_addr(path, &a))
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		log_warn("socket");
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("%s: cannot remove the old socket", path);
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (rc < 0 || listen(fd, 8) < 0) {
		log_warn("%s: cannot listen", path);
		close(fd);
		return -1;
	}
	return fd;
}

void ctlsock_answer(int lfd, const char *text)
{
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0)
		return;
	/* The answer fits the socket buffer: a client that does not read loses it. */
	size_t n = strlen(text);
	if (send(c, text, n, MSG_NOSIGNAL) != (ssize_t)n || send(c, "\n", 1, MSG_NOSIGNAL) != 1)
		log_debug("status client went away");
	close(c);
}

int ctlsock_status(const char *path)
{
	struct sockaddr_un a;
	if (!fill_addr(path, &a))
		return 1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "escale-kiosk: no kiosk answers on %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	char buf[CTL_ANSWER_MAX];
	size_t len = 0;
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, CTL_TIMEOUT_MS) <= 0) {
			fprintf(stderr, "escale-kiosk: the kiosk did not answer\n");
			close(fd);
			return 1;
		}
		ssize_t r = read(fd, buf + len, sizeof(buf) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == sizeof(buf))
			break;
	}
	close(fd);
	if (len == 0 || buf[len - 1] != '\n') {
		fprintf(stderr, "escale-kiosk: incomplete answer from the kiosk\n");
		return 1;
	}
	fwrite(buf, 1, len, stdout);
	return 0;
}
