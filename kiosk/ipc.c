/* ipc: wire messages between escale-kiosk and escale-kiosk-net, one per SOCK_SEQPACKET
 * packet. */
#include "ipc.h"

#include <jansson.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"

bool ipc_send(int fd, const struct wire_msg *m)
{
	json_t *j = wire_msg_encode(m);
	char *buf = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!buf) {
		log_warnx("ipc: a %s message that breaks the protocol was not sent",
			  wire_msg_word(m->type) ? wire_msg_word(m->type) : "?");
		errno = EINVAL;
		return false;
	}
	size_t n = strlen(buf);
	bool ok = false;
	size_t limit = m->type == WIRE_MSG_SERVICES || m->type == WIRE_MSG_SETTINGS ? WIRE_IPC_BIG
										    : WIRE_IPC_MAX;
	if (n > limit) {
		log_warnx("ipc: message of %zu bytes not sent (limit %zu)", n, limit);
		errno = EMSGSIZE;
		goto done;
	}
	if (n > WIRE_IPC_MAX) {
		/* A packet must fit the socket's send buffer whole (the kernel doubles it). */
		int want = (int)n + 4096;
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want)) != 0)
			log_warn("ipc: SO_SNDBUF");
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

enum ipc_got ipc_recv(int fd, enum wire_dir dir, struct wire_msg *m, char bad_t[WIRE_WORD_MAX + 1])
{
	/* One process, one thread: a static buffer for the largest message. */
	static char buf[WIRE_IPC_BIG + 1];
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	bad_t[0] = '\0';
	ssize_t n;
	do
		n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return IPC_NONE;
		/* The peer closed with packets of ours unread: an end like EOF. */
		if (errno == ECONNRESET || errno == EPIPE)
			return IPC_EOF;
		log_warn("ipc: recv");
		return errno == ENOTCONN || errno == EBADF ? IPC_EOF : IPC_ERROR;
	}
	if (n == 0)
		return IPC_EOF;
	if ((msg.msg_flags & MSG_TRUNC) || n > WIRE_IPC_BIG) {
		log_warnx("ipc: message of %zd bytes dropped (limit %d)", n, WIRE_IPC_BIG);
		return IPC_BAD;
	}
	json_error_t jerr;
	json_t *j = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		log_warnx("ipc: message dropped: %s", jerr.text);
		return IPC_BAD;
	}
	char why[160];
	enum ipc_got got = IPC_MSG;
	if (!wire_msg_decode(j, dir, m, why, sizeof(why))) {
		const char *t = json_string_value(json_object_get(j, "t"));
		if (t && strlen(t) <= WIRE_WORD_MAX)
			memcpy(bad_t, t, strlen(t) + 1);
		log_warnx("ipc: message dropped: %s", why);
		got = IPC_BAD;
	} else if (n > WIRE_IPC_MAX && m->type != WIRE_MSG_SERVICES &&
		   m->type != WIRE_MSG_SETTINGS) {
		log_warnx("ipc: message of %zd bytes dropped (limit %d)", n, WIRE_IPC_MAX);
		wire_msg_clear(m);
		got = IPC_BAD;
	}
	json_decref(j);
	return got;
}
