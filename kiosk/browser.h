/* browser: starts the browser for a session in a fresh directory and its own process
 * group, and wipes both at the end. */
#ifndef ESCALE_BROWSER_H
#define ESCALE_BROWSER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "kcgroup.h"
#include "kconfig.h"

struct browser {
	pid_t pid;               /* 0 when not running; also the process group id */
	int pidfd;               /* pidfd_open(pid) for the event loop, -1 when not running */
	char *dir;               /* the session directory: RUNTIME/session-XXXXXX (0700) */
	char *home_url;          /* file://DIR/home/index.html */
	const struct lang *lang; /* the session's language: the browser's and its home page's */
	bool contrast;           /* start it with high contrast (ESCALE_HIGH_CONTRAST=1) */
	const char *print_addr;  /* the print server's address found by the kiosk (kprint_host) */
	char cg_path[KCGROUP_PATH_MAX]; /* the running browser's cgroup, "" when none */

	/* Set once by browser_setup. */
	struct kcg cg;  /* cg.base[0] == 0: the process group is all the kill reaches */
	bool separated; /* the browser runs as browser.user, not as the kiosk's user */
	uid_t uid;
	gid_t gid;
};

/* Sets B to "nothing prepared, nothing running, unseparated, no cgroup" (a zeroed struct is
 * fine too). */
void browser_init(struct browser *b);
/* At start: the separate user (browser.user, when the kiosk may switch to it: euid 0 or
 * CAP_SETUID and CAP_SETGID) and the cgroup v2 for the kill; each logged, with a loud
 * warning when the browser would run UNSEPARATED. */
void browser_setup(struct browser *b, const struct kiosk_cfg *cfg);
/* Removes what browser_setup made (the kiosk's cgroup directory under a root hierarchy). */
void browser_teardown(struct browser *b);
/* "cgroup" or "pgroup": what the end of a session kills. */
const char *browser_kill_mode(const struct browser *b);
/* Removes every RUNTIME_DIR/session-* left by an earlier run (browser_prepare does it too). */
void browser_cleanup_stale(const struct browser *b, const struct kiosk_cfg *cfg);
/* Creates the session directory (HOME, profile, downloads, the home page generated from
 * the services with the bar's language) under RUNTIME_DIR; separated, the directory is the
 * browser user's (0700) and RUNTIME_DIR is 0711 (it can pass, not list). */
bool browser_prepare(struct browser *b, const struct kiosk_cfg *cfg, const struct lang *lang);
/* Starts the configured command with every argument's "%u" replaced by the home URL and
 * "%d" by the session directory; the child gets its own process group (and cgroup),
 * HOME=DIR/home, XDG_* dirs inside DIR, the DISPLAY of the kiosk, no other inherited fd;
 * LANGUAGE, ESCALE_BROWSER_LANG (Chromium's --lang) and ESCALE_ACCEPT_LANGUAGES of the
 * session's language (escale-browser passes the last two to Chromium);
 * separated, it runs as the browser user without supplementary groups, capabilities or
 * XAUTHORITY (its X access is a server-interpreted host entry, see x_allow_user). */
bool browser_start(struct browser *b, const struct kiosk_cfg *cfg);
/* The child exited (pidfd readable): reaps it; returns its wait status. What is left of its
 * process group is killed. Returns -1 if it still runs or nothing runs. */
int browser_reap(struct browser *b);
/* Stops the running browser (SIGTERM to its group, GRACE_MS, then SIGKILL and its cgroup);
 * its session directory stays, for browser_start again. */
void browser_stop(struct browser *b, int grace_ms);
/* SIGTERM then, after at most GRACE_MS, SIGKILL to the whole process group and
 * cgroup.kill to its cgroup, reaps, and removes the session directory (separated: emptied
 * by a child running as the browser user, so no privilege over other users' files is
 * needed). Safe to call when nothing runs. */
void browser_wipe(struct browser *b, int grace_ms);

/* Writes the home page (big tiles, one per service, grouped by category) into PATH. */
/* In LANG (its words through gettext: ui_set_language must have switched to it). */
bool homepage_write(const char *path, const struct kiosk_cfg *cfg, const struct lang *lang);
/* Writes the home page's scan tile's page (hometile.h) to PATH, the same way. */
bool homepage_write_scan(const char *path, const struct lang *lang);
/* The same page, to F (escale-kiosk --home-page). */
void homepage_print(FILE *f, const struct kiosk_cfg *cfg, const struct lang *lang);
/* S with & < > " ' as HTML character references, newly allocated. */
char *homepage_html_escape(const char *s);

#endif
