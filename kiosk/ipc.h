/* ipc: the messages between escale-kiosk and its helper escale-kiosk-net (common/wire.h
 * says which and what they hold), one JSON object per packet of a SOCK_SEQPACKET
 * socketpair, at most WIRE_IPC_MAX bytes. */
#ifndef ESCALE_IPC_H
#define ESCALE_IPC_H

#include <stdbool.h>

#include "wire.h"

/* Sends M without blocking; false on error (errno set: EINVAL for a message
 * wire_msg_encode refuses, EMSGSIZE, EAGAIN when the peer does not read). */
bool ipc_send(int fd, const struct wire_msg *m);

enum ipc_got {
	IPC_MSG,  /* M holds a message */
	IPC_NONE, /* nothing to read now (EAGAIN) */
	IPC_EOF,  /* the peer closed */
	IPC_BAD,  /* a message that is not one of DIR's was dropped (logged); BAD_T holds its
		   * "t" when it had a string one, else "" */
	IPC_ERROR /* another error (errno set, logged) */
};

/* Receives one message going DIR. */
enum ipc_got ipc_recv(int fd, enum wire_dir dir, struct wire_msg *m, char bad_t[WIRE_WORD_MAX + 1]);

#endif
