/* x: the kiosk's hold on the X server: window manager, cover and bar windows, grabs,
 * keyboard mapping, idle time and synthetic keys for the browser. */
#ifndef ESCALE_X_H
#define ESCALE_X_H

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>
#include <xcb/xcb.h>

#include "timings.h"

#define X_MAX_OUTPUTS 8
#define X_MAX_CLIENTS 64
#define X_MAX_REFUSED 16 /* windows remembered as refused (each logged once) */
#define X_SPARES      32 /* keycodes borrowed to type keysyms the keymap lacks (x_type) */

struct grabset;

struct x_rect {
	int x, y, w, h;
};

struct x_client {
	xcb_window_t win;
	bool transient;
	bool mapped;
};

struct xk {
	xcb_connection_t *c;
	xcb_screen_t *screen;
	xcb_window_t root;
	int root_w, root_h;
	struct x_rect out[X_MAX_OUTPUTS]; /* the monitors, primary first */
	int n_out;
	uint8_t randr_event; /* first event of RandR, 0 if absent */
	uint8_t xkb_event;
	int32_t kbd_device;
	struct xkb_context *xkb_ctx;
	struct xkb_keymap *keymap;
	struct xkb_state *kstate;

	xcb_window_t cover; /* full screen, override-redirect: welcome, closed, locked, prompts */
	cairo_surface_t *cover_surf;
	bool cover_mapped;
	bool grabbed;
	xcb_window_t bar; /* top of the primary monitor during a session */
	cairo_surface_t *bar_surf;
	int bar_h;     /* its rows (ui_bar_rows_height) and the panel under them */
	int bar_rows;  /* its rows, 0 before the first: one ui_bar_height */
	int bar_panel; /* the panel of a message under the bar's rows, 0 without one */
	bool bar_mapped;
	xcb_window_t osk; /* the on-screen keyboard: the bottom of the primary monitor */
	cairo_surface_t *osk_surf;
	int osk_h; /* its height while it shows */
	bool osk_mapped;
	/* Keycodes without symbols that x_type maps to a keysym the keymap lacks (é on a US
	 * keymap), and the keysym each is mapped to now (0: none). */
	xcb_keycode_t spare[X_SPARES];
	uint32_t spare_sym[X_SPARES];
	int n_spares, next_spare;
	bool spares_found;

	struct x_client clients[X_MAX_CLIENTS];
	int n_clients;
	/* The session's browser window: the first top-level window mapped since
	 * x_forget_clients that is not a popup (WM_WINDOW_ROLE "pop-up") or a dialog
	 * (WM_TRANSIENT_FOR one of the clients). Any other top-level window is refused. */
	xcb_window_t main_win;
	xcb_window_t refused_wins[X_MAX_REFUSED];
	int refused; /* windows refused since x_open */
	xcb_atom_t atom_role, atom_protocols, atom_delete;
	xcb_window_t focus;
	uint32_t last_time; /* server time of the last input event */
	/* Where to note when the cover and the first browser window since x_forget_clients
	 * were mapped (NULL: nowhere), for --status and the benchmarks. */
	struct timings *timings;

	/* The forbidden shortcuts' and modified clicks' passive grabs on the root window
	 * (keylock.h). lock_mask: CapsLock, NumLock and ScrollLock's modifiers. */
	uint16_t lock_mask, alt_mask, super_mask;
	struct grabset *held; /* the passive grabs held (x.c) */
	int key_grabs;        /* grabs held: (keycode, modifiers) pairs */
	int button_grabs;     /* grabs held: (button, modifiers) pairs */

	/* The host access list at x_open: x_allow_user(false) takes away any entry added since
	 * (a local client, the browser user's included, may add any). NULL: it was empty. */
	xcb_list_hosts_reply_t *hosts0;
};

/* What an X event meant for the kiosk, beyond what x_handle did itself. */
enum x_what {
	X_NONE,
	X_KEY,    /* key: keysym and utf8 */
	X_CLICK,  /* on the cover, the bar or the keyboard: x, y, on_bar, on_osk */
	X_EXPOSE, /* a window must be drawn again */
	X_LAYOUT, /* the monitors changed */
	X_REGRAB, /* the cover lost its grab (FocusOut): the shell retakes it */
};

struct x_event {
	enum x_what what;
	uint32_t keysym;
	char utf8[8];
	double x, y;
	bool on_bar;
	bool on_osk;
};

/* Connects to $DISPLAY, becomes the window manager (false if another one runs) and
 * creates the windows, unmapped. */
bool x_open(struct xk *x);
void x_close(struct xk *x);
int x_fd(const struct xk *x);

/* The primary monitor, where the screens and the browser go. */
struct x_rect x_primary(const struct xk *x);

/* Maps the cover over every monitor once keyboard and pointer grabs hold (about 10 tries
 * 100 ms apart); false when they cannot be taken (fail closed: the caller exits).
 * Without MUST_GRAB (a prompt over a session, whose browser may hold a grab for an open
 * menu) one try is made, the cover is mapped anyway, and each later call tries again. */
bool x_cover_show(struct xk *x, bool must_grab);
void x_cover_hide(struct xk *x);
/* Takes the grabs again (after a FocusOut); false when impossible. */
bool x_regrab(struct xk *x);
/* The grabs were broken over a session (a browser menu holds them): the next
 * x_cover_show tries again instead of taking them for held. */
void x_grab_lost(struct xk *x);
void x_bar_show(struct xk *x);
void x_bar_hide(struct xk *x);
/* The bar's rows become ROWS pixels high and its panel PANEL (0: none). The browser's
 * windows take the screen under the rows (they move when the rows change, with "A+" or
 * the language); the panel lies over the top of the page, above the browser's windows,
 * which do not move for it (what the resident was about to touch stays where it was). */
void x_bar_size(struct xk *x, int rows, int panel);

/* Shows the on-screen keyboard, H pixels high, at the bottom of the primary monitor, above
 * the browser, whose windows shrink to the room left; never focused (override-redirect:
 * the browser keeps the focus, so typed keys reach its focused field). */
void x_osk_show(struct xk *x, int h);
/* Hides it; the browser's windows grow back. */
void x_osk_hide(struct xk *x);

/* Takes the passive grabs of every forbidden shortcut (keylock.h) on the root window, for
 * every keycode that produces its keysym, in every state of the other modifiers (locks,
 * AltGr, ScrollLock...); of Enter and of clicks with a modifier held (a link opened in a
 * new window or tab), and of the middle button; again after a keyboard mapping change.
 * False when one is refused (another client holds it). */
bool x_keys_lock(struct xk *x);
/* Turns AccessX, StickyKeys, SlowKeys, BounceKeys, MouseKeys and the AccessX keyboard
 * toggles (Shift held 8 s, Shift pressed 5 times) off; done at start and again whenever a
 * client turns one on. */
void x_xkb_lockdown(struct xk *x);
/* The XKB boolean controls among those x_xkb_lockdown turns off that are on now, read from
 * the server (XCB_XKB_BOOL_CTRL_* bits); -1 when they cannot be read. */
int64_t x_xkb_forbidden_on(struct xk *x);

/* Lets the local user USER connect to the display (ALLOW) or not any more: a
 * server-interpreted "localuser" entry of the host access list (xhost +si:localuser:USER);
 * removing it also removes every entry added since x_open (xhost +si:localgroup:...) and
 * turns access control back on (a client may have turned it off). False when the server
 * refused a change. */
bool x_allow_user(struct xk *x, const char *user, bool allow);

/* Handles one event (window management is done here); fills OUT for the shell. */
void x_handle(struct xk *x, xcb_generic_event_t *ev, struct x_event *out);

/* Milliseconds since the last user input, from the X server (MIT-SCREEN-SAVER). */
int64_t x_idle_ms(struct xk *x);
/* Sends the key combination (XTest) to the focused browser window: e.g. Alt+Left. */
void x_send_keys(struct xk *x, const uint32_t *keysyms, int n);
/* Types the keysyms one after the other (XTest) into the focused browser window, as if
 * typed on a keyboard: a keysym at the keymap's first level is its key; at the Shift level,
 * Shift and the key; one the keymap lacks, a spare keycode mapped to it (see x.c). */
void x_type(struct xk *x, const uint32_t *keysyms, int n);
/* Maps spare keycodes to those of the N keysyms the keymap lacks, ahead of x_type: the
 * browser has read the new mapping long before the first of them is typed. */
void x_type_prepare(struct xk *x, const uint32_t *keysyms, int n);
/* Gives the keycodes x_type borrowed their empty mapping back (the session ended). */
void x_type_reset(struct xk *x);
/* Forgets every client window (the browser was killed). */
void x_forget_clients(struct xk *x);
/* Clears PRIMARY and CLIPBOARD so nothing copied survives the session. */
void x_clear_selections(struct xk *x);
/* True once a browser window has been mapped since the last x_forget_clients. */
bool x_has_client(const struct xk *x);

#endif
