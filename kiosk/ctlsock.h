/* ctlsock: the kiosk's local control socket; --status reads one JSON object from it. */
#ifndef ESCALE_CTLSOCK_H
#define ESCALE_CTLSOCK_H

#include <stdbool.h>
#include <stddef.h>

/* Listens on PATH (a stale socket is replaced; mode 0600); -1 on error (logged). */
int ctlsock_listen(const char *path);
/* Accepts one client on LFD, writes TEXT and a newline, closes it; never blocks long. */
void ctlsock_answer(int lfd, const char *text);
/* Client side: connects to PATH and copies the answer to stdout; exit status for main. */
int ctlsock_status(const char *path);

#endif
