/* wire: every word that crosses a process boundary between escale's programs, in one place:
 * the kiosk's states, why a session ended, why a code was refused, the states of a code in
 * the offline cache, the desk's commands to a kiosk, the kiosk's events to admind, and the
 * messages between escale-kiosk and its network helper (typed, with their parse and emit).
 *
 * Each enum has one table of words in wire.c, checked against the enum's count at compile
 * time: a value without its word does not build, and both ends read and write the words
 * through these functions only. docs/API.md and docs/kiosk.md describe the messages. */
#ifndef ESCALE_WIRE_H
#define ESCALE_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* jansson's value, named without its header: the words and structs here need
 * no JSON; only the message codec below (kiosk side) does. */
typedef struct json_t json_t;

#include "services.h"
#include "sitecfg.h"

/* The CUPS user name of a kiosk's print jobs is this prefix and the kiosk's name (kiosk.conf
 * print.kiosk_name, written into its browser's client.conf); admind reads the name back
 * from job-originating-user-name to tie the job to that kiosk. */
#define KPRINT_USER_PREFIX "escale-kiosk."

/* The kiosk's state, as its heartbeat reports it. */
enum wire_state {
	WIRE_STATE_CLOSED,
	WIRE_STATE_LOGIN,
	WIRE_STATE_SESSION,
	WIRE_STATE_LOCKED,
	WIRE_STATE_ENDING,
	WIRE_STATE_COUNT
};

/* Why a session ended. */
enum wire_reason {
	WIRE_END_USER,
	WIRE_END_EXPIRED,
	WIRE_END_IDLE,
	WIRE_END_CLOSING,
	WIRE_END_STAFF,
	WIRE_END_BROWSER,
	WIRE_END_RESTART,
	WIRE_END_LOCKED,
	WIRE_END_ERROR,
	WIRE_END_COUNT
};

/* Why a code did not open a session (admind's "error" word, the helper's to the kiosk). */
enum wire_refusal {
	WIRE_REFUSED_UNKNOWN, /* code_unknown */
	WIRE_REFUSED_EXPIRED, /* code_expired */
	WIRE_REFUSED_USED_UP, /* code_used_up */
	WIRE_REFUSED_REVOKED, /* code_revoked */
	WIRE_REFUSED_IN_USE,  /* code_in_use */
	WIRE_REFUSED_RATE,    /* rate_limited */
	WIRE_REFUSED_KIOSK,   /* kiosk_refused */
	WIRE_REFUSED_ERROR,   /* error */
	/* A mediator's sign-in (the accompany message): */
	WIRE_REFUSED_BAD_LOGIN,    /* bad_login: wrong name or password */
	WIRE_REFUSED_NOT_MEDIATOR, /* not_mediator: an account of another role */
	WIRE_REFUSED_WRONG_SITE,   /* wrong_site: a mediator of other sites */
	WIRE_REFUSED_OFFLINE,      /* offline: admind unreachable, a password is never checked
				    * on the kiosk */
	WIRE_REFUSED_COUNT
};
/* The refusals a code itself earns (the first five): the offline cache gives the same. */
#define WIRE_REFUSED_CODE_COUNT (WIRE_REFUSED_IN_USE + 1)

/* A code's state in the offline cache admind hands out. */
enum wire_code_state {
	WIRE_CODE_ACTIVE,
	WIRE_CODE_EXPIRED,
	WIRE_CODE_USED_UP,
	WIRE_CODE_REVOKED,
	WIRE_CODE_STATE_COUNT
};

/* A command of the desk (or of admind) for a kiosk. */
enum wire_cmd {
	WIRE_CMD_END_SESSION,
	WIRE_CMD_ADD_TIME,
	WIRE_CMD_MESSAGE,
	WIRE_CMD_LOCK,
	WIRE_CMD_UNLOCK,
	WIRE_CMD_PRINT,
	WIRE_CMD_UNPAUSE,     /* the desk lifts the pause after wrong codes */
	WIRE_CMD_HELP_COMING, /* the desk answers a call for help: "Quelqu'un arrive" */
	WIRE_CMD_HELP_CLEAR,  /* the desk closes the call */
	WIRE_CMD_COUNT
};

/* A kiosk's call for help (the "Aide" button), as its heartbeat and admind's list say it. */
enum wire_help {
	WIRE_HELP_NONE,
	WIRE_HELP_ASKED,  /* the resident asked; nobody answered yet */
	WIRE_HELP_COMING, /* the desk said someone is coming */
	WIRE_HELP_COUNT
};

/* An event a kiosk reports to admind (from its outbox). */
enum wire_event {
	WIRE_EV_SESSION_OPEN,
	WIRE_EV_SESSION_PROGRESS,
	WIRE_EV_SESSION_END,
	WIRE_EV_COUNT
};

const char *wire_state_word(enum wire_state v);
bool wire_state_parse(const char *s, enum wire_state *out);
const char *wire_reason_word(enum wire_reason v);
bool wire_reason_parse(const char *s, enum wire_reason *out);
const char *wire_refusal_word(enum wire_refusal v);
bool wire_refusal_parse(const char *s, enum wire_refusal *out);
const char *wire_code_state_word(enum wire_code_state v);
bool wire_code_state_parse(const char *s, enum wire_code_state *out);
/* The refusal a code in state V earns (WIRE_CODE_ACTIVE: none, returns false). */
bool wire_code_state_refusal(enum wire_code_state v, enum wire_refusal *out);
const char *wire_cmd_word(enum wire_cmd v);
bool wire_cmd_parse(const char *s, enum wire_cmd *out);
const char *wire_help_word(enum wire_help v);
bool wire_help_parse(const char *s, enum wire_help *out);
const char *wire_event_word(enum wire_event v);
bool wire_event_parse(const char *s, enum wire_event *out);

/* ---- escale-kiosk <-> escale-kiosk-net: one JSON object per SOCK_SEQPACKET packet ----
 *
 * kiosk -> net
 *   login   {"t":"login","code":"12345678"}            the normalised code typed
 *   state   {"t":"state","state":STATE,"session":HEX|null,"seconds_used":N,"pages_used":N,
 *            "help":HELP,"help_at":N,                  HELP: none, asked, coming; help_at:
 *                                                      when it was asked (wall ms, 0: none)
 *            "pages_scanned":N,"files_copied":N}       (the last two optional: the session's
 *                                                      documents, counts only)
 *                                                      on every change and every second of a
 *                                                      session; net keeps the last one for
 *                                                      heartbeats and records progress
 *   end     {"t":"end","session":HEX,"reason":REASON,"seconds_used":N,"pages_used":N}
 *                                                      net writes session_end to its outbox
 *   ack     {"t":"ack","id":N}                         a command was carried out
 *   accompany {"t":"accompany","name":"...","password":"..."}
 *                                                      a mediator signs in for an accompanied
 *                                                      session; answered by a login message
 *
 * net -> kiosk
 *   hello   {"t":"hello","online":bool}                once at start
 *   login   {"t":"login","ok":true,"session":HEX32,"seconds_left":N,"pages_left":N,
 *            "offline":bool,"accompanied_by":"name"}    accompanied_by (optional): the
 *                                                      mediator of an accompanied session
 *           {"t":"login","ok":false,"error":REFUSAL,"retry_after":N,"tries_left":N}
 *                                                      tries_left: wrong codes before a
 *                                                      pause, after "unknown" (0: not known)
 *   online  {"t":"online","online":bool}               on every change
 *   session {"t":"session","session":HEX,"active":bool,"seconds_left":N,"pages_left":N,
 *            "end_reason":REASON|null}                 admind's view after a heartbeat
 *   cmd     {"t":"cmd","id":N,"type":CMD,"session":HEX,"seconds":N,"text":"...",
 *            "event":"word","pages":N,"pages_left":N}  repeated until acked; print: admind's
 *                                                      word on a print job
 *   synced  {"t":"synced","cursor":N}                  the offline cache was refreshed
 *   restarted {"t":"restarted","session":HEX,"seconds_used":N}
 *                                                      at start: a session open before a
 *                                                      restart was ended (restart) and queued
 *   services {"t":"services","version":N,"services":[{"id","name","url","category","icon",
 *            "domains":[...],"intranet":bool}]}       admind's services list (common/
 *                                                      services.h rules), at start from the
 *                                                      cache and on every change; the kiosk
 *                                                      uses it from its next session on
 *   settings {"t":"settings","version":N,"settings":{...}}
 *                                                      its site's settings in admind (common/
 *                                                      sitecfg.h), at start from the cache
 *                                                      and on every change; the kiosk applies
 *                                                      them over its kiosk.conf
 */

#define WIRE_IPC_MAX     16384                 /* bytes of one message... */
#define WIRE_IPC_BIG     (SVC_JSON_MAX + 4096) /* ...but a services or settings message */
#define WIRE_SESSION_LEN 32                    /* a session id: 32 lower-case hex digits */
#define WIRE_CODE_MAX    64                    /* the longest code admind accepts */
#define WIRE_SECONDS_MAX INT64_C(3153600000)   /* a century: time left, added, used */
#define WIRE_PAGES_MAX   100000                /* pages left, used, printed */
#define WIRE_TRIES_MAX   1000000               /* wrong codes before a pause (login.max_failures) */
#define WIRE_TEXT_MAX    2001 /* a desk message, a lock text: 500 characters, NUL */
#define WIRE_WORD_MAX    32   /* a print event's word */
#define WIRE_NAME_MAX    256  /* a staff member's name: 64 characters of UTF-8 */

enum wire_dir { WIRE_TO_NET, WIRE_TO_KIOSK };

enum wire_msg_type {
	/* kiosk -> net */
	WIRE_MSG_LOGIN,
	WIRE_MSG_STATE,
	WIRE_MSG_END,
	WIRE_MSG_ACK,
	WIRE_MSG_ACCOMPANY,
	/* net -> kiosk */
	WIRE_MSG_HELLO,
	WIRE_MSG_LOGIN_REPLY,
	WIRE_MSG_ONLINE,
	WIRE_MSG_SESSION,
	WIRE_MSG_CMD,
	WIRE_MSG_SYNCED,
	WIRE_MSG_RESTARTED,
	WIRE_MSG_SERVICES,
	WIRE_MSG_SETTINGS,
	WIRE_MSG_COUNT
};

/* One message; which fields count depends on the type (the table above). Strings are
 * empty when absent; SESSION is "" for null. */
struct wire_msg {
	enum wire_msg_type type;
	char code[WIRE_CODE_MAX + 1];
	char session[WIRE_SESSION_LEN + 1];
	enum wire_state state;
	enum wire_reason reason;
	bool has_reason; /* session: an end_reason was given */
	bool ok, online, offline, active;
	enum wire_refusal refusal;
	enum wire_cmd cmd;
	enum wire_help help;
	int64_t help_at;
	int64_t id, seconds_used, pages_used, seconds_left, pages_left, retry_after, tries_left,
		seconds, pages, cursor;
	int64_t pages_scanned, files_copied; /* state: the session's documents so far */
	char text[WIRE_TEXT_MAX];
	char event[WIRE_WORD_MAX + 1];
	/* login: who accompanies the session, "" a resident's; accompany: the mediator's name */
	char by[WIRE_NAME_MAX + 1];
	char password[WIRE_NAME_MAX + 1]; /* accompany: the mediator's (wipe it after use) */
	struct svc_list *services;      /* services: allocated by decode (wire_msg_clear frees it);
				    * its version is the message's */
	struct site_settings *settings; /* settings: allocated by decode, as services */
	int64_t settings_version;       /* settings: the message's version */
};

/* The message's "t" word (login for both LOGIN and LOGIN_REPLY). */
const char *wire_msg_word(enum wire_msg_type t);
/* M as a JSON object (new reference); NULL when M breaks the table above (a session id
 * that is not hex, a string too long...). */
json_t *wire_msg_encode(const struct wire_msg *m);
/* J, received going DIR, into M. False with ERR set when it is not one of DIR's messages
 * exactly: unknown "t" or word, a missing or mistyped field, a string too long, a number
 * out of range. */
bool wire_msg_decode(const json_t *j, enum wire_dir dir, struct wire_msg *m, char *err,
		     size_t errlen);
/* Frees what decode allocated in M (a services list, settings) and sets it to NULL. */
void wire_msg_clear(struct wire_msg *m);

#endif
