/* ipc: JSON messages between escale-kiosk and escale-kiosk-net, one per SOCK_SEQPACKET packet. */
#include "ipc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"

bool ipc_send(int fd, const json_t *j)
{
	char *buf = json_dumps(j, JSON_COMPACT);
	if (!buf) {
		errno = EINVAL;
		return false;
	}
	size_t n = strlen(buf);
	bool ok = false;
	if (n > IPC_MAX) {
		log_warnx("ipc: message of %zu bytes not sent (limit %d)", n, IPC_MAX);
		errno = EMSGSIZE;
		goto done;
	}
	/* Never blocking: a peer that stopped reading (hung, stopped) must not stall the
	 * X process. The queue holds a few hundred messages, so a peer that reads loses
	 * nothing; a packet goes whole or not at all. */
	ssize_t r;
	do
		r = send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	ok = r == (ssize_t)n;
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		log_warnx("ipc: the other process is not reading; message dropped");
done:
	free(buf);
	return ok;
}

json_t *ipc_recv(int fd, bool *eof)
{
	char buf[IPC_MAX + 1];
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	*eof = false;
	ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0) {
		/* The peer closed with packets of ours unread: an end like EOF. */
		if (errno == ECONNRESET || errno == EPIPE)
			*eof = true;
		if (errno == ENOTCONN || errno == EBADF) {
			log_warn("ipc: recv");
			*eof = true;
		}
		return NULL;
	}
	if (n == 0) {
		*eof = true;
		return NULL;
	}
	if ((msg.msg_flags & MSG_TRUNC) || n > IPC_MAX) {
		log_warnx("ipc: message of %zd bytes dropped (limit %d)", n, IPC_MAX);
		errno = EBADMSG;
		return NULL;
	}
	json_error_t err;
	json_t *j = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		log_warnx("ipc: message dropped: %s", err.text);
	} else if (!json_is_object(j) || !json_is_string(json_object_get(j, "t"))) {
		log_warnx("ipc: message dropped: not an object with a string \"t\"");
		json_decref(j);
		j = NULL;
	}
	if (!j)
		errno = EBADMSG;
	return j;
}
