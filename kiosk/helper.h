/* helper: escale-kiosk-net as the kiosk's supervised child: started on its end of a
 * SOCK_SEQPACKET socketpair, watched through a pidfd, started again after it dies (1 s,
 * doubling to 30 s), stopped at exit; and a session's end kept until the helper took it. */
#ifndef ESCALE_HELPER_H
#define ESCALE_HELPER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "wire.h"

#define HELPER_BACKOFF_MAX_MS 30000

struct helper {
	const char *config_path; /* the kiosk's config, which the helper reads too */
	int fd, pidfd;           /* -1 when down (pidfd: also when the kernel has none) */
	pid_t pid;
	int64_t restart_at_ms; /* monotonic; 0: none planned */
	int64_t backoff_ms;
	struct wire_msg end_unsent; /* a session's end the helper has not taken yet */
	bool has_end_unsent;
};

void helper_init(struct helper *h, const char *config_path);
/* The path of the kiosk's helper program NAME: $ENV_VAR if set, else beside the running
 * escale-kiosk (a build tree), else LIBEXECDIR/escale/NAME. */
char *helper_exe(const char *env_var, const char *name);
/* Starts the helper; KEEP names the session it carries on (the one still open here, or
 * whose end it has not taken), NULL if none. False: a new try is planned (restart_at_ms). */
bool helper_start(struct helper *h, const char *keep);
bool helper_up(const struct helper *h);
/* Sends M (dropped, and logged, when the helper is down or does not read). */
bool helper_send(struct helper *h, const struct wire_msg *m);
/* A session's end, kept until the helper takes it; NULL sends the one kept, if any. */
void helper_send_end(struct helper *h, const struct wire_msg *m);
/* The session KEEP of helper_start: the one whose end waits, or NULL. */
const char *helper_end_waiting(const struct helper *h);
/* The helper said hello: it works, the back-off starts again from 1 s. */
void helper_hello(struct helper *h);
/* It died or closed its socket: reaped, and a new start planned. */
void helper_down(struct helper *h);
/* At exit: the socket closed (the helper writes what it has and exits), waited for 2 s,
 * then SIGTERM. LAST, if not NULL, is sent first (an open session's end). */
void helper_stop(struct helper *h, const struct wire_msg *last);

#endif
