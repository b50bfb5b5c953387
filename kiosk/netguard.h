/* netguard: the kiosk's check that the browser's network is closed but for escale-proxy,
 * and that the proxy answers (proxy.enforce, docs/network.md). Without both the kiosk
 * takes no code: the welcome screen says "Service indisponible".
 *
 * A check runs in a child process (a name may take long to resolve): as the kiosk's user it
 * asks the proxy's control socket for its status and connects to proxy.listen; then, as
 * the browser's user (privdrop), it tries a TCP connection and a UDP send to admind's
 * address (from admin.url), which must both fail at once, and a TCP connection to
 * proxy.listen, which must succeed. Its exit status is the verdict. A functional probe
 * rather than a reading of the rules: it tests what matters, whoever wrote the rules. */
#ifndef ESCALE_NETGUARD_H
#define ESCALE_NETGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kconfig.h"

/* A check is started this often outside sessions, and killed after NG_TIMEOUT_MS. */
#define NG_INTERVAL_MS 10000
#define NG_TIMEOUT_MS  5000
/* Each connection or answer of a check is given this long. */
#define NG_CONNECT_MS 1000
/* The control socket's answer to a status: one line of at most this many bytes. */
#define NG_REPLY_MAX 4096

enum ng_state {
	NG_CHECKING,   /* no check has finished yet */
	NG_OK,         /* closed but for the proxy, and the proxy answers */
	NG_NO_CONTROL, /* proxy.control does not answer a status */
	NG_NO_LISTEN,  /* proxy.listen does not accept a connection */
	NG_BLOCKED,    /* the browser's user cannot reach proxy.listen */
	NG_OPEN_TCP,   /* a TCP connection of the browser's user was not refused */
	NG_OPEN_UDP,   /* a UDP send of the browser's user went out */
	NG_ERROR,      /* the check could not run (no such user, fork, timeout) */
	NG_OFF,        /* proxy.enforce = false: nothing checked, nothing refused */
};

/* What a check saw. An errno value, 0 for success, NG_TIMED_OUT for no answer in time. */
#define NG_TIMED_OUT (-1)
struct ng_probe {
	bool control_ok; /* the control socket gave a status */
	bool listen_ok;  /* proxy.listen accepted the kiosk's connection */
	int tcp_out;     /* the browser user's TCP connection to admind */
	int udp_out;     /* the browser user's UDP send to admind */
	int tcp_proxy;   /* the browser user's TCP connection to proxy.listen */
};

/* ---- the pure parts ---- */

/* The verdict on what a check saw: the first problem in the order of enum ng_state. A TCP
 * connection is refused when it fails at once with EHOSTUNREACH, ENETUNREACH, EACCES,
 * EPERM or ECONNREFUSED; a UDP send when it fails with EPERM, EACCES, ENETUNREACH or
 * EHOSTUNREACH. Success or a timeout is open. */
enum ng_state netguard_verdict(const struct ng_probe *p);
/* True when the control socket's answer LINE (N bytes, without the newline) is a status:
 * a JSON object of at most NG_REPLY_MAX bytes whose "t" is "status". */
bool netguard_status_ok(const char *line, size_t n);
/* admin.url's host (IPv6 without brackets) into HOST (HN bytes) and its port (443 for
 * https, 80 for http when none is given). False on a URL kconfig would not take. */
bool netguard_url_host(const char *url, char *host, size_t hn, int *port);
/* --status's word: "checking", "ok", "no_proxy", "blocked", "open", "error", "off". */
const char *netguard_word(enum ng_state s);
/* For the log: what is wrong, and what to do. */
const char *netguard_why(enum ng_state s);
/* True when codes are refused in this state. */
bool netguard_closed(enum ng_state s);

/* ---- the checks ---- */

struct netguard {
	bool enforce;
	enum ng_state state;
	pid_t pid;       /* the running check, 0: none */
	int pidfd;       /* its pidfd, -1 */
	int64_t at_ms;   /* when it started (monotonic) */
	int64_t next_ms; /* when the next one is due (0: now) */
};

/* ENFORCE false: the state is NG_OFF for good and no check ever runs. */
void netguard_init(struct netguard *g, bool enforce);
/* Starts a check unless one runs; DROP: as UID/GID for the browser's part, else as this
 * process without capabilities. False when none could start (the state becomes NG_ERROR). */
bool netguard_start(struct netguard *g, const struct kiosk_cfg *cfg, bool drop, uid_t uid,
		    gid_t gid);
/* The check's pidfd became readable (or it ran past NG_TIMEOUT_MS at NOW_MS: killed, the
 * state NG_ERROR): reaps it, schedules the next, returns the state. */
enum ng_state netguard_done(struct netguard *g, int64_t now_ms);
/* Kills and reaps a running check. */
void netguard_stop(struct netguard *g);
/* One check run to its end (--check-network). */
enum ng_state netguard_check_now(const struct kiosk_cfg *cfg, bool drop, uid_t uid, gid_t gid);

#endif
