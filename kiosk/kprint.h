/* kprint: where the session's browser prints (the CUPS client settings bound in its sandbox)
 * and the probe that tells whether that print server answers. */
#ifndef ESCALE_KPRINT_H
#define ESCALE_KPRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "kconfig.h"
#include "wire.h"

/* The print server's host as the browser must be told it: print.server's host, or, when
 * proxy.enforce closes the browser user's network (no DNS for it) and that host is a name,
 * ADDR: the numeric address a probe found answering (kprint_probe.addr; "" or NULL: none
 * yet, the name stays). IPv6 without brackets; NULL without a print server. */
const char *kprint_host(const struct kiosk_cfg *cfg, const char *addr);

/* The client.conf for the browser: ServerName as kprint_host gives it (":PORT" always
 * written), and User KPRINT_USER_PREFIX + print.kiosk_name when that is set. NULL when
 * print.server is empty. */
char *kprint_client_conf(const struct kiosk_cfg *cfg, const char *addr);

/* Writes RUNTIME_DIR/print/client.conf (directory 0755, file 0644, replaced atomically),
 * or removes it when print.server is empty: what escale-browser binds read-only at
 * /etc/cups/client.conf in the sandbox. */
bool kprint_write(const struct kiosk_cfg *cfg, const char *addr);

enum kprint_state {
	KPRINT_UNKNOWN, /* no probe finished yet, or no print server */
	KPRINT_UP,      /* every address of the server accepted a connection */
	KPRINT_PARTIAL, /* some did, others did not (e.g. "localhost" as ::1 and 127.0.0.1) */
	KPRINT_DOWN,    /* none did, or the name does not resolve */
};

/* The probe runs in a child process (name resolution may block): it connects to every
 * address of the server with a timeout, logs those that do not answer, and exits with the
 * state as its status. */
struct kprint_probe {
	pid_t pid;     /* 0: none running */
	int pidfd;     /* the running probe's pidfd, -1 */
	int outfd;     /* the running probe's answer: the first address that answered, -1 */
	int64_t at_ms; /* when the last one started (monotonic) */
	enum kprint_state state;
	char addr[64]; /* numeric, the first address that answered at the last probe, or "" */
};

void kprint_probe_init(struct kprint_probe *p);
/* Starts a probe unless one runs or there is no print server; true when one runs. */
bool kprint_probe_start(struct kprint_probe *p, const struct kiosk_cfg *cfg);
/* The probe's pidfd became readable: reaps it; returns the new state. */
enum kprint_state kprint_probe_done(struct kprint_probe *p);
/* Kills and reaps a running probe. */
void kprint_probe_stop(struct kprint_probe *p);

#endif
