/* session: the kiosk's pure state machine; every input carries the clock, every output
 * is a flag the shell acts on. No X, no network, no disk. */
#ifndef ESCALE_SESSION_H
#define ESCALE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

/* The states and end reasons are the wire's (common/wire.h): their words go to admind. */
enum sm_state {
	SM_CLOSED = WIRE_STATE_CLOSED,
	SM_LOGIN = WIRE_STATE_LOGIN,
	SM_SESSION = WIRE_STATE_SESSION,
	SM_LOCKED = WIRE_STATE_LOCKED,
	SM_ENDING = WIRE_STATE_ENDING,
};

/* Why a session ended. */
enum sm_reason {
	SM_END_USER = WIRE_END_USER,
	SM_END_EXPIRED = WIRE_END_EXPIRED,
	SM_END_IDLE = WIRE_END_IDLE,
	SM_END_CLOSING = WIRE_END_CLOSING,
	SM_END_STAFF = WIRE_END_STAFF,
	SM_END_BROWSER = WIRE_END_BROWSER,
	SM_END_RESTART = WIRE_END_RESTART,
	SM_END_LOCKED = WIRE_END_LOCKED,
	SM_END_ERROR = WIRE_END_ERROR,
};

/* Outputs, OR-ed into sm.out; the shell clears what it has done. */
enum {
	SM_OUT_START_BROWSER = 1 << 0,   /* prepare a fresh directory and start the browser */
	SM_OUT_RESTART_BROWSER = 1 << 1, /* start it again in the same directory */
	SM_OUT_WIPE = 1 << 2,       /* kill the browser's process group, remove the directory */
	SM_OUT_REPORT_END = 1 << 3, /* tell net: end_reason, end_seconds_used */
	SM_OUT_REDRAW = 1 << 4,     /* the view changed */
};

/* What the bar shows besides time and pages (the shell words it). */
enum sm_banner {
	SM_BANNER_NONE,
	SM_BANNER_TIME,    /* "Il reste N minutes" */
	SM_BANNER_CLOSING, /* "Fermeture dans N minutes" */
	SM_BANNER_ADDED,   /* "N minutes ajoutées" */
	SM_BANNER_MESSAGE, /* the desk's message */
};

/* A full-screen notice over the session that the resident must dismiss: at the last warning
 * before the code's time runs out, and at the last one before closing time. */
enum sm_notice {
	SM_NOTICE_NONE,
	SM_NOTICE_TIME,    /* "Plus que N minute(s)": print or save now */
	SM_NOTICE_CLOSING, /* "Le centre ferme dans N minutes" */
};

#define SM_MAX_WARN 8
#define SM_TEXT_MAX 512

struct sm_params {
	int64_t warn_s[SM_MAX_WARN]; /* seconds before the end of the budget, e.g. 300, 60 */
	int n_warn;
	int64_t closing_warn_s[SM_MAX_WARN]; /* seconds before closing time */
	int n_closing_warn;
	int64_t idle_ms;       /* no input for this long: the idle prompt */
	int64_t idle_grace_ms; /* the prompt's countdown */
	int64_t ending_ms;     /* minimum time the ending screen shows */
	int64_t message_ms;    /* how long a desk message stays */
	int browser_restarts;  /* restarts allowed per session (1) */
};

struct sm {
	struct sm_params p;
	enum sm_state state;
	unsigned out;

	/* the open session */
	char session[33];
	bool offline;
	/* An accompanied session: its mediator's name ("" a resident's). Its budget is
	 * admind's day: the kiosk's closing time ends it; the bar shows no countdown. */
	char accompanied_by[WIRE_NAME_MAX + 1];
	int64_t start_ms; /* monotonic */
	int64_t budget_s; /* seconds_left at open + added */
	int pages_left;
	int64_t used_s; /* last computed seconds used */
	int browser_restarts;
	unsigned warned;         /* bit i: warn_s[i] shown */
	unsigned closing_warned; /* bit i: closing_warn_s[i] shown */
	bool confirm_end;        /* "Terminer ?" shown */
	enum sm_notice notice;   /* shown over the session until dismissed */
	int64_t notice_minutes;
	bool idle_prompt;
	int64_t idle_deadline_ms;
	enum sm_banner banner;     /* what the bar says besides time and pages */
	int64_t banner_minutes;    /* TIME, CLOSING, ADDED: how many minutes */
	char message[SM_TEXT_MAX]; /* MESSAGE: the desk's text */
	bool message_calm;         /* MESSAGE is a print notice that asks nothing */
	int64_t banner_until_ms;

	/* the end being reported */
	enum sm_reason end_reason;
	int64_t end_used_s;
	char end_session[33];
	int64_t ending_until_ms;

	/* locked */
	bool locked; /* staff lock or fault; survives sessions */
	char lock_text[SM_TEXT_MAX];
	bool open;                /* opening hours, last known */
	int64_t goodbye_until_ms; /* the welcome screen says "données effacées" until then */
	bool wiped;               /* the shell reported the wipe done */
	int64_t idle_prompt_ms;   /* when the idle prompt appeared */
};

/* What the shell knows at a tick. */
struct sm_clock {
	int64_t mono_ms;    /* monotonic now */
	int64_t idle_ms;    /* X server: time since the last user input */
	bool open;          /* opening hours say open now */
	int64_t to_close_s; /* seconds until closing (INT64_MAX when not closing) */
};

const char *sm_state_name(enum sm_state s);
const char *sm_reason_name(enum sm_reason r);

void sm_init(struct sm *m, const struct sm_params *p, const struct sm_clock *c);
/* A code was accepted (online or from the cache). Ignored unless in SM_LOGIN. */
void sm_login_ok(struct sm *m, const struct sm_clock *c, const char *session, int64_t seconds_left,
		 int pages_left, bool offline);
/* The session just opened (SESSION) is accompanied by BY, a mediator (docs/kiosk.md):
 * ignored for another session or outside one. */
void sm_accompanied(struct sm *m, const char *session, const char *by);
/* Time passes: expiry, warnings, idle prompt and its end, closing time, ending done. */
void sm_tick(struct sm *m, const struct sm_clock *c);
/* The bar's End button, then the answer to "Terminer ?". */
void sm_end_pressed(struct sm *m, const struct sm_clock *c);
void sm_confirm(struct sm *m, const struct sm_clock *c, bool yes);
/* "Je suis là" on the idle prompt (any input also clears it, through sm_tick). */
void sm_still_here(struct sm *m, const struct sm_clock *c);
/* Staff commands; SESSION is checked against the open session (NULL: the current one). */
void sm_staff_end(struct sm *m, const struct sm_clock *c, const char *session);
void sm_add_time(struct sm *m, const struct sm_clock *c, const char *session, int64_t seconds);
void sm_message(struct sm *m, const struct sm_clock *c, const char *text);
/* A print notice of admind for SESSION: TEXT in the banner (CALM: one that asks
 * nothing of the resident) and the pages left shown at once (ignored for
 * another session than the current one). */
void sm_print_notice(struct sm *m, const struct sm_clock *c, const char *session, const char *text,
		     int pages_left, bool calm);
void sm_dismiss_message(struct sm *m);
void sm_lock(struct sm *m, const struct sm_clock *c, const char *text);
void sm_unlock(struct sm *m, const struct sm_clock *c);
/* admind's view after a heartbeat: an inactive session is ended (staff); pages follow. */
void sm_server_view(struct sm *m, const struct sm_clock *c, const char *session, bool active,
		    int pages_left);
/* The browser exited on its own: restart it (browser_restarts times), then end. */
void sm_browser_exited(struct sm *m, const struct sm_clock *c);
/* The resident typed on the welcome screen: the last session's goodbye goes. */
void sm_typing(struct sm *m);
/* The shell finished the wipe of SM_OUT_WIPE. */
void sm_wipe_done(struct sm *m, const struct sm_clock *c);

/* Seconds left on the code (0 outside a session): what the session has used is counted
 * from it. */
int64_t sm_seconds_left(const struct sm *m, const struct sm_clock *c);
/* Seconds the resident really has: the code's, or fewer when the centre closes first
 * (*BY_CLOSING then set). */
int64_t sm_time_left(const struct sm *m, const struct sm_clock *c, bool *by_closing);
/* "J'ai compris" on the notice. */
void sm_dismiss_notice(struct sm *m);
/* Milliseconds until sm_tick has something to do, or -1 for never (idle welcome). */
int64_t sm_next_deadline_ms(const struct sm *m, const struct sm_clock *c);

#endif
