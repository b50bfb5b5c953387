/* kiosk: escale-kiosk's state (struct kiosk) and the functions its parts share: main.c
 * runs the loop and the session's effects; k_net.c talks to the network helper, k_tools.c
 * runs the bar's tools, k_docs.c the session's documents, k_status.c answers --status,
 * k_cli.c the one-shot modes of the command line. */
#ifndef ESCALE_KIOSK_H
#define ESCALE_KIOSK_H

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pwd.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#include <xkbcommon/xkbcommon-keysyms.h>
#include "accompany.h"
#include "browser.h"
#include "codeentry.h"
#include "ctlsock.h"
#include "documents.h"
#include "enroll.h"
#include "helper.h"
#include "helpreq.h"
#include "hours.h"
#include "ipc.h"
#include "kconfig.h"
#include "log.h"
#include "netguard.h"
#include "nftrules.h"
#include "osk.h"
#include "privdrop.h"
#include "hometile.h"
#include "scanflow.h"
#include "scanrun.h"
#include "usbflow.h"
#include "usbmount.h"
#include "usbrun.h"
#include "usbwatch.h"
#include "policy.h"
#include "kprint.h"
#include "session.h"
#include "speak.h"
#include "speaker.h"
#include "textsize.h"
#include "timings.h"
#include "ui.h"
#include "view.h"
#include "util.h"
#include "x.h"

#define WIPE_GRACE_MS     250
#define ACKED_MAX         64
#define NET_MSGS_PER_WAKE 32
#define IPC_QUEUE_MAX     4096 /* more than a socket buffer holds */

enum {
	EV_X = 1,
	EV_SIGNAL,
	EV_TIMER,
	EV_NET,
	EV_NET_PID,
	EV_BROWSER,
	EV_CTL,
	EV_PRINT,
	EV_GUARD,
	EV_SCAN,
	EV_USB,       /* USB keys coming and going */
	EV_USB_JOB,   /* the USB flow's child */
	EV_USB_PRINT, /* the print helper of a PDF copied from the key */
	EV_TILE,      /* the home page's scan tile was pressed (hometile.h) */
};

/* During a session, the print server is probed at its start and then this often. */
#define PRINT_PROBE_MS 30000

struct kiosk {
	struct kiosk_cfg cfg;
	struct xk x;
	struct sm sm;
	struct browser br;
	struct kprint_probe probe; /* does print.server answer? */
	struct netguard guard;     /* is the browser's network closed but for the proxy? */
	int ep, sig_fd, timer_fd, ctl_fd;

	struct helper net;
	bool online;
	int64_t syncs; /* offline cache refreshes, for the tests */
	/* admind's services list, waiting for the next session (never changed under one) */
	struct svc_list *next_services;
	/* admind's list in use, whole: each session takes its part of it (a resident's
	 * session leaves out the services kept for accompanied sessions); NULL: kiosk.conf's */
	struct svc_list *services_all;
	int64_t services_version;         /* of the list in cfg: 0 for kiosk.conf's */
	int64_t idle_base_ms, idle_at_ms; /* the X server's idle time, and when it was read */
	int64_t hours_change; /* next open/closed change (hours_now time), 0: to compute */
	/* kiosk.conf's own values of the keys its site's settings may set (they come back
	 * when admind unsets a key), and the version of the settings applied (-1: none). */
	struct {
		struct hours hours;
		int64_t warn[KCFG_MAX_WARN], closing_warn[KCFG_MAX_WARN];
		int n_warn, n_closing_warn;
		int64_t idle_seconds, idle_grace_seconds;
		char *centre_name, *language;
		int languages[LANG_COUNT], n_languages;
	} base;
	int64_t settings_version;

	struct code_entry ce;
	const struct lang *lang; /* the session's language (lang.h): chosen, or the default */
	struct accompany acc;    /* a mediator's sign-in over the welcome screen */

	int64_t acked[ACKED_MAX]; /* ids of commands carried out, newest last */
	int n_acked;
	int64_t last_state_sent_s;
	enum sm_state last_state;

	struct ui_hits cover_hits, bar_hits;
	bool cover_dirty, bar_dirty;
	struct osk osk;           /* the on-screen keyboard: shown, Shift */
	struct osk_layout osk_at; /* its keys as last drawn, for its clicks */
	bool osk_dirty;

	struct helpreq help;  /* the resident's call for help ("Aide") */
	enum sm_state seen;   /* the state apply() saw last: a session's end ends the call */
	struct textsize text; /* "A+": the panel's choices, this session's (textsize.h) */

	/* Read aloud ("Écouter"): on from a press until the session ends. */
	bool speak_on;
	struct speaker speaker;
	char speak_topic[SM_TEXT_MAX + 64]; /* what was read last (speak_topic) */
	char spoken[SPEAK_TEXT_MAX];        /* and its words, for --status */
	struct timings timings;             /* for --status and the benchmarks only */
	struct scanflow scan;               /* "Numériser un document" (scanflow.h) */
	struct scanrun scanner;
	int tile_fd; /* the watch of the home page's scan tile's page (hometile.h), -1 */
	/* "Copier des documents depuis la clé" (usbflow.h) */
	struct usbwatch usbw;
	bool usb_offered; /* the key came during this session (one there before is not) */
	struct usbflow usb;
	struct usbrun usbr;
	struct usb_entry usb_entries[USB_MAX_FILES];
	/* Printing a PDF copied from the key: the scan's print helper, its lines read by a
	 * scanflow kept in SF_PRINTING; the kiosk's own copies in usb_keep (usbrun.h). */
	struct scanrun usb_printer;
	struct scanflow usb_print;
	char *usb_keep;
	bool quit;
	xcb_generic_event_t *held_ev; /* queued by a round trip after the drain: next to handle */
};

/* k_net.c */
void net_start(struct kiosk *k);
void net_send(struct kiosk *k, const struct wire_msg *m);
void net_down(struct kiosk *k);
struct wire_msg end_msg(const char *session, enum sm_reason reason, int64_t seconds_used);
void net_stop(struct kiosk *k);
void send_state(struct kiosk *k, const struct sm_clock *c);
bool already_acked(struct kiosk *k, int64_t id);
void ack(struct kiosk *k, int64_t id);
void print_notice(struct kiosk *k, const struct wire_msg *m, const struct sm_clock *c);
void handle_cmd(struct kiosk *k, const struct wire_msg *m, const struct sm_clock *c);
void handle_login_reply(struct kiosk *k, const struct wire_msg *m, const struct sm_clock *c);
void base_save(struct kiosk *k);
bool central(const struct kiosk *k, const struct site_settings *s, enum sitecfg_key key);
void set_text(char **dst, const char *v);
void apply_settings(struct kiosk *k, const struct site_settings *s, int64_t version);
/* The kiosk's screens in L from now on (the session's language, or the welcome's). */
void set_language(struct kiosk *k, const struct lang *l);
void use_next_services(struct kiosk *k);
void handle_net_msg(struct kiosk *k, struct wire_msg *m, const struct sm_clock *c);
void net_readable(struct kiosk *k, int max);

/* k_tools.c */
unsigned kiosk_tools(const struct kiosk *k);
unsigned kiosk_tools_on(const struct kiosk *k);
bool has_keyboard(void);
void keyboard_prepare(struct kiosk *k);
void keyboard_show(struct kiosk *k, bool show);
void keyboard_click(struct kiosk *k, double x, double y);
void text_step(struct kiosk *k, int to);
void text_pressed(struct kiosk *k, char key);
void text_zoom(struct kiosk *k);
void tool_pressed(struct kiosk *k, enum ui_tool t, const struct sm_clock *c);
bool session_plain(const struct kiosk *k);
void speak_view(struct kiosk *k, const struct ui_view *v, bool now);
void speak_once(struct kiosk *k);
void speak_toggle(struct kiosk *k);
void speak_reset(struct kiosk *k);

/* k_accompany.c */
void accompany_pressed(struct kiosk *k, char key, const struct sm_clock *c);
/* A key on the mediator's sign-in screen: false when it is not shown. */
bool accompany_key(struct kiosk *k, uint32_t keysym, const char *utf8, const struct sm_clock *c);
void accompany_tick(struct kiosk *k, const struct sm_clock *c);
/* A click at (X, Y) (root) on the sign-in screen's keyboard: false when not on it. */
bool accompany_click(struct kiosk *k, double x, double y, const struct sm_clock *c);
json_t *accompany_json(struct kiosk *k);

/* k_docs.c */
void scan_watch(struct kiosk *k);
void scan_close(struct kiosk *k);
void scan_start_failed(struct kiosk *k);
void scan_pressed(struct kiosk *k, char key);
void scan_readable(struct kiosk *k);
void scan_event(struct kiosk *k, enum sf_event e);
void scan_tile_watch(struct kiosk *k);
void scan_tile_unwatch(struct kiosk *k);
void scan_tile_readable(struct kiosk *k);
void usb_unwatch_job(struct kiosk *k);
char *usb_mnt(const struct kiosk *k);
void usb_release(struct kiosk *k);
void usb_close(struct kiosk *k);
void usb_open(struct kiosk *k);
void usb_pressed(struct kiosk *k, char key);
void usb_job_readable(struct kiosk *k);
void usb_print_readable(struct kiosk *k);
void usb_print_poll(struct kiosk *k);
void usb_watch(struct kiosk *k);
json_t *usb_json(const struct kiosk *k);
json_t *documents_json(const struct kiosk *k);

/* k_status.c */
json_t *buttons_json(struct kiosk *k);
char *status_json(struct kiosk *k, const struct sm_clock *c);

/* k_cli.c */
int print_policy(const struct kiosk_cfg *cfg, const char *browser);
int print_nft_rules(const struct kiosk_cfg *cfg);
int check_network(const struct kiosk_cfg *cfg);
void usage(void);
int enroll_main(const char *conf, const char *url, const char *code, const char *pin, int others);

/* main.c */
/* The texts a view points to. */
struct view_text {
	char hours[128], next[128], closing[32], banner[SM_TEXT_MAX + 64];
};
/* Wall time for the opening hours (tests move it: ESCALE_KIOSK_TIME_OFFSET). */
int64_t hours_now(void);
struct sm_clock clock_now(struct kiosk *k);
/* Watches FD in the event loop under TAG (EV_...). */
void ep_add(struct kiosk *k, int fd, int tag);
/* What the screen shows now: V, its texts in T. */
void fill_view(struct kiosk *k, const struct sm_clock *c, struct ui_view *v, struct view_text *t);
struct sm_params params_from(const struct kiosk_cfg *cfg);

#endif
