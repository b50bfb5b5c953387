/* standin: a tiny X client that plays the browser in the end-to-end tests and logs what it sees. */

/*
 * escale-standin-browser [--log FILE] [--ignore-term] [--probe PATH]... [--grab-keyboard]
 *                        [--grab-key] [--any-other-option...] URL
 * escale-standin-browser --check-display    exit 0 if $DISPLAY accepts us, 1 if not
 * escale-standin-browser --stacking         prints "stack WID..." : the mapped children of
 *                        the root window, bottom to top
 * escale-standin-browser --own-selections   like a clipboard manager: owns PRIMARY and
 *                        CLIPBOARD with an unmapped window, prints "owns WID", then "lost NAME"
 *                        for each one another client takes, until killed
 *
 * One line per fact, appended and flushed one write() each, to FILE (or $ESCALE_STANDIN_LOG,
 * else stdout). Window ids are decimal (as xdotool prints them); X Y are root coordinates.
 * The kiosk scrubs the browser's environment, so through it use the options, not the
 * ESCALE_STANDIN_* variables.
 *
 *   start PID URL                      at start
 *   uid UID GID                        its user and group
 *   home PATH FILES                    $HOME and its entries (','-joined, "-" if none)
 *   --override-redirect                its windows bypass the window manager, like menus
 *   held-keyboard / held-key / hold-failed   --grab-keyboard: an active grab on the root
 *                                      window; --grab-key: a passive grab of Ctrl+N on it
 *   mapped WID X Y W H                 MapNotify on one of its windows
 *   configure WID X Y W H              ConfigureNotify on one of its windows
 *   unmapped WID / destroyed WID       UnmapNotify / DestroyNotify
 *   focus WID                          FocusIn (not the ones caused by grabs)
 *   key KEYSYM MODS                    every KeyPress; MODS: "none" or a '+'-joined list of
 *                                      shift, lock, ctrl, alt, mod2, mod3, super, mod5
 *   back / home                        Alt+Left / Alt+Home (after their "key" line)
 *   button N X Y                       ButtonPress N at root X Y
 *   popup WID / dialog WID             'n' opened a top-level window / 'd' a transient dialog
 *   browser WID                        'b' opened a second top-level window with Chromium's
 *                                      role of a window with tabs ("browser"; 'n': "pop-up")
 *   child PID                          'f' forked a child that sleeps in the same group
 *   wrote PATH / write-failed PATH     'w': $HOME/Documents/proof.txt and $HOME/proof.txt
 *   escaped PID                        's' forked a child that called setsid() and sleeps
 *                                      (outside the process group; SIGTERM ignored)
 *   opened-display / open-failed       'a': turns X access control off and adds its own
 *                                      user and group to the hosts (what xhost + would do)
 *   probe PATH RESULT                  'r': open(PATH) for reading of each --probe PATH;
 *                                      RESULT is "ok" or the errno name (EACCES, ENOENT...)
 *   grabbed / grab-failed              'g': holds the pointer and keyboard like an open menu
 *   crash / exit                       'c' (abort) / 'x' (exit 0); "exit" also when the main
 *                                      window is closed (WM_DELETE_WINDOW) or destroyed
 *   close WID                          WM_DELETE_WINDOW received for WID
 *   term                               SIGTERM (then exit 0); ignored with --ignore-term
 *                                      or ESCALE_STANDIN_IGNORE_TERM=1 (so is the 'f' child)
 *   xerror CODE MAJOR MINOR            an X error (logged, not fatal)
 *   xclosed                            the X connection broke (then exit 1)
 *
 * The action keys act only without Ctrl, Alt or Super, so "Ctrl+N reached the browser"
 * shows as a "key n ctrl" line and nothing else.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <xcb/xcb.h>
#include <xkbcommon/xkbcommon-x11.h>

#define MAX_WINS 32

enum win_kind { WIN_MAIN, WIN_POPUP, WIN_DIALOG, WIN_BROWSER };

struct win {
	xcb_window_t id;
	enum win_kind kind;
	int w, h;
};

enum atom {
	A_WM_PROTOCOLS,
	A_WM_DELETE_WINDOW,
	A_NET_WM_NAME,
	A_UTF8_STRING,
	A_NET_WM_PID,
	A_NET_WM_WINDOW_TYPE,
	A_NET_WM_WINDOW_TYPE_NORMAL,
	A_NET_WM_WINDOW_TYPE_DIALOG,
	A_WM_WINDOW_ROLE,
	A_COUNT
};

static const char *const atom_names[A_COUNT] = {
	"WM_PROTOCOLS",
	"WM_DELETE_WINDOW",
	"_NET_WM_NAME",
	"UTF8_STRING",
	"_NET_WM_PID",
	"_NET_WM_WINDOW_TYPE",
	"_NET_WM_WINDOW_TYPE_NORMAL",
	"_NET_WM_WINDOW_TYPE_DIALOG",
	"WM_WINDOW_ROLE",
};

static struct {
	xcb_connection_t *c;
	xcb_screen_t *screen;
	xcb_atom_t atoms[A_COUNT];
	xcb_gcontext_t gc;
	bool font;
	struct xkb_context *xkb;
	struct xkb_keymap *keymap;
	struct xkb_state *state;
	int32_t kbd;
	int log_fd, sig_fd;
	bool ignore_term;
	const char *url;
	const char *probes[16];
	int n_probes;
	uint32_t override; /* --override-redirect: windows no window manager sees (menus) */
	struct win wins[MAX_WINS];
	int n_wins;
} sd = {.log_fd = STDOUT_FILENO, .sig_fd = -1};

/* One line, one write(): lines of several processes sharing the file never mix. */
__attribute__((format(printf, 1, 2))) static void out(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	ssize_t w = write(sd.log_fd, buf, (size_t)n);
	(void)w;
}

static struct win *find_win(xcb_window_t id)
{
	for (int i = 0; i < sd.n_wins; i++)
		if (sd.wins[i].id == id)
			return &sd.wins[i];
	return NULL;
}

static xcb_window_t main_window(void)
{
	for (int i = 0; i < sd.n_wins; i++)
		if (sd.wins[i].kind == WIN_MAIN)
			return sd.wins[i].id;
	return XCB_NONE;
}

static void set_prop(xcb_window_t w, xcb_atom_t prop, xcb_atom_t type, uint8_t format, uint32_t n,
		     const void *data)
{
	xcb_change_property(sd.c, XCB_PROP_MODE_REPLACE, w, prop, type, format, n, data);
}

static void load_keymap(void)
{
	if (!sd.xkb)
		return;
	struct xkb_keymap *km = xkb_x11_keymap_new_from_device(sd.xkb, sd.c, sd.kbd, 0);
	struct xkb_state *st = km ? xkb_x11_state_new_from_device(km, sd.c, sd.kbd) : NULL;
	if (!st) {
		xkb_keymap_unref(km);
		return;
	}
	xkb_state_unref(sd.state);
	xkb_keymap_unref(sd.keymap);
	sd.keymap = km;
	sd.state = st;
}

static void setup_keyboard(void)
{
	if (!xkb_x11_setup_xkb_extension(
		    sd.c, XKB_X11_MIN_MAJOR_XKB_VERSION, XKB_X11_MIN_MINOR_XKB_VERSION,
		    XKB_X11_SETUP_XKB_EXTENSION_NO_FLAGS, NULL, NULL, NULL, NULL))
		return;
	sd.kbd = xkb_x11_get_core_keyboard_device_id(sd.c);
	sd.xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (sd.kbd < 0 || !sd.xkb)
		return;
	load_keymap();
}

static void setup_font(void)
{
	static const char *const fonts[] = {"-misc-fixed-bold-r-normal--18-*-*-*-*-*-iso8859-1",
					    "10x20", "9x15", "fixed"};
	xcb_font_t font = xcb_generate_id(sd.c);
	for (size_t i = 0; i < sizeof(fonts) / sizeof(fonts[0]) && !sd.font; i++) {
		xcb_void_cookie_t ck =
			xcb_open_font_checked(sd.c, font, (uint16_t)strlen(fonts[i]), fonts[i]);
		xcb_generic_error_t *e = xcb_request_check(sd.c, ck);
		sd.font = !e;
		free(e);
	}
	sd.gc = xcb_generate_id(sd.c);
	uint32_t mask = XCB_GC_FOREGROUND | XCB_GC_BACKGROUND | XCB_GC_GRAPHICS_EXPOSURES;
	uint32_t vals[4] = {sd.screen->black_pixel, sd.screen->white_pixel, 0};
	if (sd.font) {
		mask |= XCB_GC_FONT;
		vals[2] = font;
		vals[3] = 0;
	}
	xcb_create_gc(sd.c, sd.gc, sd.screen->root, mask, vals);
}

/* TrueColor 24-bit is assumed (Xvfb's default): pixels are 0xRRGGBB. */
static const uint32_t kind_bg[] = {0xdfe8f2, 0xfff3c4, 0xdcf0d8, 0xf2c4c4};
static const uint32_t kind_fg[] = {0x0b4f8a, 0x8a3b00, 0x1e5e20};
static const char *const kind_name[] = {"main", "popup", "dialog", "browser"};

static void draw(const struct win *w)
{
	uint32_t fg = kind_fg[w->kind];
	xcb_change_gc(sd.c, sd.gc, XCB_GC_FOREGROUND, &fg);
	int bw = 8;
	xcb_rectangle_t r[5] = {
		{0, 0, (uint16_t)w->w, (uint16_t)bw},
		{0, (int16_t)(w->h - bw), (uint16_t)w->w, (uint16_t)bw},
		{0, 0, (uint16_t)bw, (uint16_t)w->h},
		{(int16_t)(w->w - bw), 0, (uint16_t)bw, (uint16_t)w->h},
		{(int16_t)bw, (int16_t)bw, (uint16_t)(w->w > 2 * bw ? w->w - 2 * bw : 0), 44},
	};
	xcb_poly_fill_rectangle(sd.c, w->id, sd.gc, 5, r);
	if (!sd.font)
		return;
	char lines[4][256];
	snprintf(lines[0], sizeof(lines[0]), "escale stand-in browser, pid %d", (int)getpid());
	snprintf(lines[1], sizeof(lines[1]), "%s window %u", kind_name[w->kind], w->id);
	snprintf(lines[2], sizeof(lines[2]), "URL: %s", sd.url);
	snprintf(lines[3], sizeof(lines[3]),
		 "keys: n popup, d dialog, b browser, f fork, s setsid, w write, r probe, c crash, "
		 "x exit");
	uint32_t vals[2] = {0xffffff, fg};
	xcb_change_gc(sd.c, sd.gc, XCB_GC_FOREGROUND | XCB_GC_BACKGROUND, vals);
	xcb_image_text_8(sd.c, (uint8_t)strlen(lines[0]), w->id, sd.gc, 24, 38, lines[0]);
	vals[0] = 0x111111;
	vals[1] = kind_bg[w->kind];
	xcb_change_gc(sd.c, sd.gc, XCB_GC_FOREGROUND | XCB_GC_BACKGROUND, vals);
	for (int i = 1; i < 4; i++)
		xcb_image_text_8(sd.c, (uint8_t)strlen(lines[i]), w->id, sd.gc, 24,
				 (int16_t)(60 + 28 * i), lines[i]);
}

static xcb_window_t open_window(enum win_kind kind)
{
	if (sd.n_wins == MAX_WINS) {
		out("too-many-windows");
		return XCB_NONE;
	}
	static const uint16_t size[][2] = {{800, 600}, {640, 480}, {400, 300}, {800, 600}};
	static const int16_t pos[] = {10, 60, 100, 20};
	xcb_window_t id = xcb_generate_id(sd.c);
	uint32_t vals[] = {kind_bg[kind], sd.override,
			   XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_KEY_PRESS |
				   XCB_EVENT_MASK_BUTTON_PRESS | XCB_EVENT_MASK_STRUCTURE_NOTIFY |
				   XCB_EVENT_MASK_FOCUS_CHANGE};
	xcb_create_window(sd.c, XCB_COPY_FROM_PARENT, id, sd.screen->root, pos[kind], pos[kind],
			  size[kind][0], size[kind][1], 0, XCB_WINDOW_CLASS_INPUT_OUTPUT,
			  sd.screen->root_visual,
			  XCB_CW_BACK_PIXEL | XCB_CW_OVERRIDE_REDIRECT | XCB_CW_EVENT_MASK, vals);
	static const char *const prefix[] = {
		"standin: ", "standin popup: ", "standin dialog: ", "standin browser: "};
	char title[512];
	int n = snprintf(title, sizeof(title), "%s%s", prefix[kind], sd.url);
	if (n < 0 || (size_t)n >= sizeof(title))
		n = (int)strlen(title);
	set_prop(id, XCB_ATOM_WM_NAME, XCB_ATOM_STRING, 8, (uint32_t)n, title);
	set_prop(id, sd.atoms[A_NET_WM_NAME], sd.atoms[A_UTF8_STRING], 8, (uint32_t)n, title);
	set_prop(id, XCB_ATOM_WM_CLASS, XCB_ATOM_STRING, 8, 16, "standin\0standin\0");
	set_prop(id, sd.atoms[A_WM_PROTOCOLS], XCB_ATOM_ATOM, 32, 1, &sd.atoms[A_WM_DELETE_WINDOW]);
	uint32_t pid = (uint32_t)getpid();
	set_prop(id, sd.atoms[A_NET_WM_PID], XCB_ATOM_CARDINAL, 32, 1, &pid);
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	set_prop(id, XCB_ATOM_WM_CLIENT_MACHINE, XCB_ATOM_STRING, 8, (uint32_t)strlen(host), host);
	uint32_t hints[9] = {1 /* InputHint */, 1 /* input: true */};
	set_prop(id, XCB_ATOM_WM_HINTS, XCB_ATOM_WM_HINTS, 32, 9, hints);
	xcb_atom_t type = sd.atoms[kind == WIN_DIALOG ? A_NET_WM_WINDOW_TYPE_DIALOG
						      : A_NET_WM_WINDOW_TYPE_NORMAL];
	set_prop(id, sd.atoms[A_NET_WM_WINDOW_TYPE], XCB_ATOM_ATOM, 32, 1, &type);
	/* Chromium's roles: "browser" for a window with tabs (the main one, shown without its
	 * chrome in --kiosk), "pop-up" for a window.open() popup. */
	const char *role = kind == WIN_POPUP ? "pop-up" : kind == WIN_DIALOG ? NULL : "browser";
	if (role)
		set_prop(id, sd.atoms[A_WM_WINDOW_ROLE], XCB_ATOM_STRING, 8, (uint32_t)strlen(role),
			 role);
	if (kind == WIN_DIALOG) {
		xcb_window_t owner = main_window();
		set_prop(id, XCB_ATOM_WM_TRANSIENT_FOR, XCB_ATOM_WINDOW, 32, 1, &owner);
	}
	sd.wins[sd.n_wins++] = (struct win){id, kind, size[kind][0], size[kind][1]};
	xcb_map_window(sd.c, id);
	return id;
}

/* Where W is on the root window; false if it is gone. */
static bool root_geometry(xcb_window_t w, int *x, int *y, int *wd, int *ht)
{
	xcb_get_geometry_cookie_t gc = xcb_get_geometry(sd.c, w);
	xcb_translate_coordinates_cookie_t tc =
		xcb_translate_coordinates(sd.c, w, sd.screen->root, 0, 0);
	xcb_generic_error_t *e1 = NULL, *e2 = NULL;
	xcb_get_geometry_reply_t *g = xcb_get_geometry_reply(sd.c, gc, &e1);
	xcb_translate_coordinates_reply_t *t = xcb_translate_coordinates_reply(sd.c, tc, &e2);
	bool ok = g && t;
	if (ok) {
		*x = t->dst_x;
		*y = t->dst_y;
		*wd = g->width;
		*ht = g->height;
	}
	free(g);
	free(t);
	free(e1);
	free(e2);
	return ok;
}

static void mods_name(uint16_t state, char *buf, size_t n)
{
	static const char *const names[] = {"shift", "lock", "ctrl",  "alt",
					    "mod2",  "mod3", "super", "mod5"};
	buf[0] = '\0';
	for (int i = 0; i < 8; i++) {
		if (!(state & (1u << i)))
			continue;
		if (buf[0])
			strncat(buf, "+", n - strlen(buf) - 1);
		strncat(buf, names[i], n - strlen(buf) - 1);
	}
	if (!buf[0])
		snprintf(buf, n, "none");
}

static void fork_child(void)
{
	pid_t pid = fork();
	if (pid < 0) {
		out("fork-failed %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		/* Lives on in the same process group, without the X connection. */
		close(xcb_get_file_descriptor(sd.c));
		if (sd.sig_fd >= 0)
			close(sd.sig_fd);
		if (!sd.ignore_term)
			signal(SIGTERM, SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (;;)
			pause();
	}
	out("child %d", (int)pid);
}

/* A child that leaves the process group (what a hostile page's exploit could do): only a
 * cgroup kill reaches it. */
static void escape_group(void)
{
	int p[2];
	if (pipe(p) < 0) {
		out("fork-failed %s", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		out("fork-failed %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		close(xcb_get_file_descriptor(sd.c));
		close(p[0]);
		setsid();
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		ssize_t w = write(p[1], "x", 1);
		(void)w;
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	char ch;
	ssize_t r = read(p[0], &ch, 1); /* logged once it is out of the group */
	(void)r;
	close(p[0]);
	out("escaped %d", (int)pid);
}

/* A browser user's attempt to keep the display open after its session. */
static void open_display(void)
{
	char addr[128];
	const char *user = getenv("USER");
	struct passwd *pw = getpwuid(getuid());
	if (pw)
		user = pw->pw_name;
	int n = snprintf(addr, sizeof(addr), "localuser%c%s", '\0', user ? user : "");
	/* And an entry the kiosk does not grant: its group (xhost +si:localgroup:GROUP). */
	char gaddr[128];
	struct group *gr = getgrgid(getgid());
	int gn = snprintf(gaddr, sizeof(gaddr), "localgroup%c%s", '\0', gr ? gr->gr_name : "");
	xcb_generic_error_t *e1 = xcb_request_check(
		sd.c, xcb_set_access_control_checked(sd.c, XCB_ACCESS_CONTROL_DISABLE));
	xcb_generic_error_t *e2 = xcb_request_check(
		sd.c,
		xcb_change_hosts_checked(sd.c, XCB_HOST_MODE_INSERT, XCB_FAMILY_SERVER_INTERPRETED,
					 (uint16_t)n, (const uint8_t *)addr));
	xcb_generic_error_t *e3 = xcb_request_check(
		sd.c,
		xcb_change_hosts_checked(sd.c, XCB_HOST_MODE_INSERT, XCB_FAMILY_SERVER_INTERPRETED,
					 (uint16_t)gn, (const uint8_t *)gaddr));
	out(e1 || e2 || e3 || !gr ? "open-failed" : "opened-display");
	free(e1);
	free(e2);
	free(e3);
}

static void probe_files(void)
{
	for (int i = 0; i < sd.n_probes; i++) {
		int fd = open(sd.probes[i], O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			out("probe %s ok", sd.probes[i]);
		} else {
			out("probe %s %s", sd.probes[i], strerrorname_np(errno));
		}
	}
}

static void log_home(void)
{
	const char *home = getenv("HOME");
	char files[1024] = "";
	DIR *d = home ? opendir(home) : NULL;
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.' &&
			    (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
				continue;
			if (files[0])
				strncat(files, ",", sizeof(files) - strlen(files) - 1);
			strncat(files, e->d_name, sizeof(files) - strlen(files) - 1);
		}
		closedir(d);
	}
	out("home %s %s", home ? home : "(none)", files[0] ? files : "-");
}

static void write_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		out("write-failed %s %s", path, strerror(errno));
		return;
	}
	char text[64];
	int n = snprintf(text, sizeof(text), "proof %d\n", (int)getpid());
	bool ok = write(fd, text, (size_t)n) == n;
	close(fd);
	if (ok)
		out("wrote %s", path);
	else
		out("write-failed %s", path);
}

static void write_proof(void)
{
	const char *home = getenv("HOME");
	if (!home || !*home) {
		out("write-failed (no HOME)");
		return;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/Documents/proof.txt", home);
	write_file(path);
	snprintf(path, sizeof(path), "%s/proof.txt", home);
	write_file(path);
}

/* What an open menu or <select> of a real browser does: both devices grabbed. */
static void grab_like_a_menu(void)
{
	xcb_window_t w = main_window();
	xcb_grab_pointer_reply_t *p = xcb_grab_pointer_reply(
		sd.c,
		xcb_grab_pointer(sd.c, 0, w, XCB_EVENT_MASK_BUTTON_PRESS, XCB_GRAB_MODE_ASYNC,
				 XCB_GRAB_MODE_ASYNC, XCB_NONE, XCB_NONE, XCB_CURRENT_TIME),
		NULL);
	xcb_grab_keyboard_reply_t *k =
		xcb_grab_keyboard_reply(sd.c,
					xcb_grab_keyboard(sd.c, 0, w, XCB_CURRENT_TIME,
							  XCB_GRAB_MODE_ASYNC, XCB_GRAB_MODE_ASYNC),
					NULL);
	bool ok = p && p->status == XCB_GRAB_STATUS_SUCCESS && k &&
		  k->status == XCB_GRAB_STATUS_SUCCESS;
	free(p);
	free(k);
	out(ok ? "grabbed" : "grab-failed");
}

static void handle_key(const xcb_key_press_event_t *ev)
{
	char name[64] = "", mods[64];
	xkb_keysym_t sym = XKB_KEY_NoSymbol;
	if (sd.state) {
		xkb_state_update_mask(sd.state, ev->state & 0xff, 0, 0, 0, 0,
				      (ev->state >> 13) & 3);
		sym = xkb_state_key_get_one_sym(sd.state, ev->detail);
		xkb_keysym_get_name(sym, name, sizeof(name));
	} else {
		snprintf(name, sizeof(name), "keycode%u", ev->detail);
	}
	mods_name(ev->state, mods, sizeof(mods));
	out("key %s %s", name, mods);

	uint16_t held = ev->state & (XCB_MOD_MASK_CONTROL | XCB_MOD_MASK_1 | XCB_MOD_MASK_4);
	if (held == XCB_MOD_MASK_1 && sym == XKB_KEY_Left) {
		out("back");
		return;
	}
	if (held == XCB_MOD_MASK_1 && sym == XKB_KEY_Home) {
		out("home");
		return;
	}
	if (held)
		return;
	xcb_window_t w;
	switch (sym) {
	case XKB_KEY_n:
		if ((w = open_window(WIN_POPUP)))
			out("popup %u", w);
		break;
	case XKB_KEY_d:
		if ((w = open_window(WIN_DIALOG)))
			out("dialog %u", w);
		break;
	case XKB_KEY_b:
		if ((w = open_window(WIN_BROWSER)))
			out("browser %u", w);
		break;
	case XKB_KEY_c:
		out("crash");
		abort();
	case XKB_KEY_x:
		out("exit");
		exit(0);
	case XKB_KEY_f:
		fork_child();
		break;
	case XKB_KEY_w:
		write_proof();
		break;
	case XKB_KEY_s:
		escape_group();
		break;
	case XKB_KEY_r:
		probe_files();
		break;
	case XKB_KEY_a:
		open_display();
		break;
	case XKB_KEY_g:
		grab_like_a_menu();
		break;
	default:
		break;
	}
}

static void forget_win(xcb_window_t id)
{
	struct win *w = find_win(id);
	if (!w)
		return;
	bool was_main = w->kind == WIN_MAIN;
	*w = sd.wins[--sd.n_wins];
	out("destroyed %u", id);
	if (was_main) {
		out("exit");
		exit(0);
	}
}

static void handle_event(xcb_generic_event_t *ev)
{
	switch (ev->response_type & 0x7f) {
	case 0: {
		xcb_generic_error_t *e = (xcb_generic_error_t *)ev;
		out("xerror %u %u %u", e->error_code, e->major_code, e->minor_code);
		break;
	}
	case XCB_EXPOSE: {
		xcb_expose_event_t *e = (xcb_expose_event_t *)ev;
		struct win *w = find_win(e->window);
		if (w && e->count == 0)
			draw(w);
		break;
	}
	case XCB_KEY_PRESS:
		handle_key((xcb_key_press_event_t *)ev);
		break;
	case XCB_BUTTON_PRESS: {
		xcb_button_press_event_t *e = (xcb_button_press_event_t *)ev;
		out("button %u %d %d", e->detail, e->root_x, e->root_y);
		break;
	}
	case XCB_MAP_NOTIFY: {
		xcb_map_notify_event_t *e = (xcb_map_notify_event_t *)ev;
		int x, y, w, h;
		if (find_win(e->window) && root_geometry(e->window, &x, &y, &w, &h))
			out("mapped %u %d %d %d %d", e->window, x, y, w, h);
		break;
	}
	case XCB_UNMAP_NOTIFY: {
		xcb_unmap_notify_event_t *e = (xcb_unmap_notify_event_t *)ev;
		if (find_win(e->window))
			out("unmapped %u", e->window);
		break;
	}
	case XCB_CONFIGURE_NOTIFY: {
		xcb_configure_notify_event_t *e = (xcb_configure_notify_event_t *)ev;
		struct win *win = find_win(e->window);
		if (!win)
			break;
		win->w = e->width;
		win->h = e->height;
		/* A synthetic one (from a WM) is in root coordinates already. */
		int x = e->x, y = e->y, w, h;
		if (!(ev->response_type & 0x80) && !root_geometry(e->window, &x, &y, &w, &h))
			break;
		out("configure %u %d %d %d %d", e->window, x, y, e->width, e->height);
		break;
	}
	case XCB_DESTROY_NOTIFY:
		forget_win(((xcb_destroy_notify_event_t *)ev)->window);
		break;
	case XCB_FOCUS_IN: {
		xcb_focus_in_event_t *e = (xcb_focus_in_event_t *)ev;
		if (e->mode == XCB_NOTIFY_MODE_NORMAL && e->detail != XCB_NOTIFY_DETAIL_POINTER &&
		    find_win(e->event))
			out("focus %u", e->event);
		break;
	}
	case XCB_CLIENT_MESSAGE: {
		xcb_client_message_event_t *e = (xcb_client_message_event_t *)ev;
		struct win *w = find_win(e->window);
		if (!w || e->type != sd.atoms[A_WM_PROTOCOLS] || e->format != 32 ||
		    e->data.data32[0] != sd.atoms[A_WM_DELETE_WINDOW])
			break;
		out("close %u", e->window);
		if (w->kind == WIN_MAIN) {
			out("exit");
			exit(0);
		}
		xcb_destroy_window(sd.c, e->window);
		break;
	}
	case XCB_MAPPING_NOTIFY:
		load_keymap();
		break;
	default:
		break;
	}
}

static void intern_atoms(void)
{
	xcb_intern_atom_cookie_t ck[A_COUNT];
	for (int i = 0; i < A_COUNT; i++)
		ck[i] = xcb_intern_atom(sd.c, 0, (uint16_t)strlen(atom_names[i]), atom_names[i]);
	for (int i = 0; i < A_COUNT; i++) {
		xcb_intern_atom_reply_t *r = xcb_intern_atom_reply(sd.c, ck[i], NULL);
		sd.atoms[i] = r ? r->atom : XCB_NONE;
		free(r);
	}
}

static int print_stacking(void)
{
	int scr;
	xcb_connection_t *c = xcb_connect(NULL, &scr);
	if (xcb_connection_has_error(c))
		return 1;
	xcb_screen_iterator_t it = xcb_setup_roots_iterator(xcb_get_setup(c));
	for (; scr > 0 && it.rem; scr--)
		xcb_screen_next(&it);
	xcb_query_tree_reply_t *t = xcb_query_tree_reply(c, xcb_query_tree(c, it.data->root), NULL);
	if (!t)
		return 1;
	xcb_window_t *kids = xcb_query_tree_children(t);
	printf("stack");
	for (int i = 0; i < xcb_query_tree_children_length(t); i++) {
		xcb_get_window_attributes_reply_t *a = xcb_get_window_attributes_reply(
			c, xcb_get_window_attributes(c, kids[i]), NULL);
		if (a && a->map_state == XCB_MAP_STATE_VIEWABLE)
			printf(" %u", kids[i]);
		free(a);
	}
	printf("\n");
	free(t);
	xcb_disconnect(c);
	return 0;
}

static int own_selections(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int scr;
	xcb_connection_t *c = xcb_connect(NULL, &scr);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "escale-standin-browser: cannot connect to the X display\n");
		return 1;
	}
	xcb_screen_iterator_t it = xcb_setup_roots_iterator(xcb_get_setup(c));
	for (; scr > 0 && it.rem; scr--)
		xcb_screen_next(&it);
	xcb_window_t w = xcb_generate_id(c);
	xcb_create_window(c, XCB_COPY_FROM_PARENT, w, it.data->root, 0, 0, 1, 1, 0,
			  XCB_WINDOW_CLASS_INPUT_ONLY, XCB_COPY_FROM_PARENT, 0, NULL);
	static const char *const names[] = {"PRIMARY", "CLIPBOARD"};
	xcb_atom_t atoms[2];
	for (int i = 0; i < 2; i++) {
		xcb_intern_atom_reply_t *r = xcb_intern_atom_reply(
			c, xcb_intern_atom(c, 0, (uint16_t)strlen(names[i]), names[i]), NULL);
		atoms[i] = r ? r->atom : XCB_NONE;
		free(r);
		xcb_set_selection_owner(c, w, atoms[i], XCB_CURRENT_TIME);
	}
	for (int i = 0; i < 2; i++) {
		xcb_get_selection_owner_reply_t *r = xcb_get_selection_owner_reply(
			c, xcb_get_selection_owner(c, atoms[i]), NULL);
		bool mine = r && r->owner == w;
		free(r);
		if (!mine) {
			printf("not-owner %s\n", names[i]);
			return 1;
		}
	}
	printf("owns %u\n", w);
	xcb_generic_event_t *ev;
	while ((ev = xcb_wait_for_event(c))) {
		if ((ev->response_type & 0x7f) == XCB_SELECTION_CLEAR) {
			xcb_selection_clear_event_t *e = (xcb_selection_clear_event_t *)ev;
			printf("lost %s\n", e->selection == atoms[0] ? "PRIMARY" : "CLIPBOARD");
		}
		free(ev);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: escale-standin-browser [--log FILE] [--ignore-term] [--probe PATH]... "
		"[--grab-keyboard] [--grab-key] URL\n"
		"       escale-standin-browser --check-display\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *log_path = getenv("ESCALE_STANDIN_LOG");
	const char *ign = getenv("ESCALE_STANDIN_IGNORE_TERM");
	sd.ignore_term = ign && strcmp(ign, "1") == 0;
	sd.url = NULL;
	bool grab_kbd = false, grab_key = false;
	if (argc == 2 && strcmp(argv[1], "--check-display") == 0) {
		xcb_connection_t *c = xcb_connect(NULL, NULL);
		int bad = xcb_connection_has_error(c);
		xcb_disconnect(c);
		printf("display %s\n", bad ? "refused" : "ok");
		return bad ? 1 : 0;
	}
	if (argc == 2 && strcmp(argv[1], "--own-selections") == 0)
		return own_selections();
	if (argc == 2 && strcmp(argv[1], "--stacking") == 0)
		return print_stacking();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--log") == 0) {
			if (++i == argc)
				usage();
			log_path = argv[i];
		} else if (strncmp(argv[i], "--log=", 6) == 0) {
			log_path = argv[i] + 6;
		} else if (strcmp(argv[i], "--ignore-term") == 0) {
			sd.ignore_term = true;
		} else if (strcmp(argv[i], "--probe") == 0) {
			if (++i == argc || sd.n_probes == 16)
				usage();
			sd.probes[sd.n_probes++] = argv[i];
		} else if (strcmp(argv[i], "--override-redirect") == 0) {
			sd.override = 1;
		} else if (strcmp(argv[i], "--grab-keyboard") == 0) {
			grab_kbd = true;
		} else if (strcmp(argv[i], "--grab-key") == 0) {
			grab_key = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage();
		} else if (strncmp(argv[i], "--", 2) != 0) {
			sd.url = argv
				[i]; /* other options (a browser's flags) are accepted and ignored */
		}
	}
	if (!sd.url)
		usage();
	if (log_path && *log_path) {
		sd.log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (sd.log_fd < 0) {
			fprintf(stderr, "escale-standin-browser: %s: %s\n", log_path,
				strerror(errno));
			return 1;
		}
	}

	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sd.ignore_term) {
		signal(SIGTERM, SIG_IGN);
	} else {
		sigprocmask(SIG_BLOCK, &term, NULL);
		sd.sig_fd = signalfd(-1, &term, SFD_CLOEXEC);
	}

	int screen_no;
	sd.c = xcb_connect(NULL, &screen_no);
	if (xcb_connection_has_error(sd.c)) {
		fprintf(stderr, "escale-standin-browser: cannot connect to the X display\n");
		return 1;
	}
	xcb_screen_iterator_t it = xcb_setup_roots_iterator(xcb_get_setup(sd.c));
	for (int i = 0; i < screen_no && it.rem; i++)
		xcb_screen_next(&it);
	sd.screen = it.data;
	intern_atoms();
	setup_keyboard();
	setup_font();
	out("start %d %s", (int)getpid(), sd.url);
	out("uid %d %d", (int)getuid(), (int)getgid());
	log_home();
	if (grab_kbd) {
		xcb_grab_keyboard_reply_t *k = xcb_grab_keyboard_reply(
			sd.c,
			xcb_grab_keyboard(sd.c, 0, sd.screen->root, XCB_CURRENT_TIME,
					  XCB_GRAB_MODE_ASYNC, XCB_GRAB_MODE_ASYNC),
			NULL);
		out(k && k->status == XCB_GRAB_STATUS_SUCCESS ? "held-keyboard" : "hold-failed");
		free(k);
	}
	if (grab_key && sd.keymap) {
		xkb_keycode_t code = xkb_keymap_key_by_name(sd.keymap, "AB06"); /* n on QWERTY */
		xcb_generic_error_t *e = xcb_request_check(
			sd.c, xcb_grab_key_checked(sd.c, 0, sd.screen->root, XCB_MOD_MASK_CONTROL,
						   (xcb_keycode_t)code, XCB_GRAB_MODE_ASYNC,
						   XCB_GRAB_MODE_ASYNC));
		out(e ? "hold-failed" : "held-key");
		free(e);
	}
	open_window(WIN_MAIN);
	xcb_flush(sd.c);

	struct pollfd pfd[2] = {{xcb_get_file_descriptor(sd.c), POLLIN, 0}, {sd.sig_fd, POLLIN, 0}};
	for (;;) {
		xcb_generic_event_t *ev;
		while ((ev = xcb_poll_for_event(sd.c))) {
			handle_event(ev);
			free(ev);
		}
		if (xcb_connection_has_error(sd.c)) {
			out("xclosed");
			return 1;
		}
		xcb_flush(sd.c);
		if (poll(pfd, sd.sig_fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return 1;
		if (sd.sig_fd >= 0 && (pfd[1].revents & POLLIN)) {
			out("term");
			return 0;
		}
	}
}
