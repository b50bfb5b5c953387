/* ipc: JSON messages between escale-kiosk and its helper escale-kiosk-net over a
 * SOCK_SEQPACKET socketpair; one message per packet, at most IPC_MAX bytes.
 *
 * kiosk -> net
 *   {"t":"login","code":"12345678"}          normalised code typed by the resident
 *   {"t":"state","state":"login|session|closed|locked|ending",
 *    "session":"hex"|null,"seconds_used":N,"pages_used":N}
 *                                            sent on every change and every second in a
 *                                            session; net keeps the last one for heartbeats
 *                                            and records progress of the current session
 *   {"t":"end","session":"hex","reason":"user|expired|idle|closing|staff|browser|restart|locked|error",
 *    "seconds_used":N,"pages_used":N}        the session ended: net writes session_end to
 *                                            the outbox (one transaction) and delivers it
 *   {"t":"ack","id":N}                       a command was carried out
 *
 * net -> kiosk
 *   {"t":"hello","online":bool}              once at start
 *   {"t":"login","ok":true,"session":"hex32","seconds_left":N,"pages_left":N,"offline":bool}
 *   {"t":"login","ok":false,"error":"code_unknown|code_expired|code_used_up|code_revoked|
 *    code_in_use|rate_limited|kiosk_refused|error","retry_after":N}
 *   {"t":"online","online":bool}             on every change
 *   {"t":"session","session":"hex","active":bool,"seconds_left":N,"pages_left":N,
 *    "end_reason":"..."|null}                admind's view after a heartbeat
 *   {"t":"cmd","id":N,"type":"end_session|add_time|message|lock|unlock|print",
 *    "session":"hex","seconds":N,"text":"...","event":"word","pages":N,"pages_left":N}
 *                                            print: admind's word on a print job (event,
 *                                            pages it is about, pages left on the code)
 *                                            repeated until acked; the kiosk ignores ids it
 *                                            has already carried out
 *   {"t":"synced","cursor":N}               the offline cache was refreshed
 *   {"t":"restarted","session":"hex","seconds_used":N}
 *                                            at start: a session the kiosk had open before a
 *                                            restart or power cut was ended (reason restart)
 *                                            and queued for admind; not the one the kiosk
 *                                            still has (--session HEX): that one carries on
 */
#ifndef ESCALE_IPC_H
#define ESCALE_IPC_H

#include <jansson.h>
#include <stdbool.h>

#define IPC_MAX 16384

/* Sends J (not consumed); false on error (errno set). */
bool ipc_send(int fd, const json_t *j);
/* Receives one message: an object with a string "t", or NULL with *eof set on EOF, or NULL
 * on a bad message (logged and dropped) or EAGAIN. */
json_t *ipc_recv(int fd, bool *eof);

#endif
