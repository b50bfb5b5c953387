/* x: window manager, cover and bar windows, grabs, keymap, idle time (see x.h). */
#include "x.h"

#include <cairo-xcb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xcb/randr.h>
#include <xcb/screensaver.h>
#include <xcb/xcb.h>
#include <xcb/xkb.h>
#include <xcb/xtest.h>
#include <xkbcommon/xkbcommon-x11.h>
#include <xkbcommon/xkbcommon.h>

#include "keylock.h"
#include "log.h"
#include "ui.h"
#include "util.h"

#define GRAB_TRIES   10
#define GRAB_WAIT_MS 100

static xcb_atom_t atom(xcb_connection_t *c, const char *name)
{
	xcb_intern_atom_reply_t *r =
		xcb_intern_atom_reply(c, xcb_intern_atom(c, 0, strlen(name), name), NULL);
	xcb_atom_t a = r ? r->atom : XCB_NONE;
	free(r);
	return a;
}

static xcb_visualtype_t *root_visual(xcb_screen_t *s)
{
	xcb_depth_iterator_t d = xcb_screen_allowed_depths_iterator(s);
	for (; d.rem; xcb_depth_next(&d)) {
		xcb_visualtype_iterator_t v = xcb_depth_visuals_iterator(d.data);
		for (; v.rem; xcb_visualtype_next(&v))
			if (v.data->visual_id == s->root_visual)
				return v.data;
	}
	return NULL;
}

/* Reads the monitors (RandR 1.5), primary first; the whole root without RandR. */
static void read_outputs(struct xk *x)
{
	xcb_get_geometry_reply_t *g =
		xcb_get_geometry_reply(x->c, xcb_get_geometry(x->c, x->root), NULL);
	if (g) {
		x->root_w = g->width;
		x->root_h = g->height;
		free(g);
	}
	x->n_out = 0;
	if (x->randr_event) {
		xcb_randr_get_monitors_reply_t *m = xcb_randr_get_monitors_reply(
			x->c, xcb_randr_get_monitors(x->c, x->root, 1), NULL);
		if (m) {
			xcb_randr_monitor_info_iterator_t it =
				xcb_randr_get_monitors_monitors_iterator(m);
			for (; it.rem && x->n_out < X_MAX_OUTPUTS;
			     xcb_randr_monitor_info_next(&it)) {
				struct x_rect r = {it.data->x, it.data->y, it.data->width,
						   it.data->height};
				if (r.w <= 0 || r.h <= 0)
					continue;
				if (it.data->primary && x->n_out > 0) {
					x->out[x->n_out++] = x->out[0];
					x->out[0] = r;
				} else {
					x->out[x->n_out++] = r;
				}
			}
			free(m);
		}
	}
	if (x->n_out == 0) {
		x->out[0] = (struct x_rect){0, 0, x->root_w, x->root_h};
		x->n_out = 1;
	}
}

struct x_rect x_primary(const struct xk *x)
{
	return x->out[0];
}

static void place_windows(struct xk *x)
{
	struct x_rect p = x_primary(x);
	uint32_t cv[] = {0, 0, (uint32_t)x->root_w, (uint32_t)x->root_h};
	xcb_configure_window(x->c, x->cover,
			     XCB_CONFIG_WINDOW_X | XCB_CONFIG_WINDOW_Y | XCB_CONFIG_WINDOW_WIDTH |
				     XCB_CONFIG_WINDOW_HEIGHT,
			     cv);
	cairo_xcb_surface_set_size(x->cover_surf, x->root_w, x->root_h);
	x->bar_h = (x->bar_rows > 0 ? x->bar_rows : ui_bar_height(p.h)) + x->bar_panel;
	uint32_t bv[] = {(uint32_t)p.x, (uint32_t)p.y, (uint32_t)p.w, (uint32_t)x->bar_h};
	xcb_configure_window(x->c, x->bar,
			     XCB_CONFIG_WINDOW_X | XCB_CONFIG_WINDOW_Y | XCB_CONFIG_WINDOW_WIDTH |
				     XCB_CONFIG_WINDOW_HEIGHT,
			     bv);
	cairo_xcb_surface_set_size(x->bar_surf, p.w, x->bar_h);
	int oh = x->osk_h > 0 ? x->osk_h : 1;
	uint32_t ov[] = {(uint32_t)p.x, (uint32_t)(p.y + p.h - oh), (uint32_t)p.w, (uint32_t)oh};
	xcb_configure_window(x->c, x->osk,
			     XCB_CONFIG_WINDOW_X | XCB_CONFIG_WINDOW_Y | XCB_CONFIG_WINDOW_WIDTH |
				     XCB_CONFIG_WINDOW_HEIGHT,
			     ov);
	cairo_xcb_surface_set_size(x->osk_surf, p.w, oh);
}

static xcb_window_t make_window(struct xk *x, cairo_surface_t **surf, uint32_t events)
{
	xcb_window_t w = xcb_generate_id(x->c);
	uint32_t mask = XCB_CW_BACK_PIXEL | XCB_CW_OVERRIDE_REDIRECT | XCB_CW_EVENT_MASK;
	uint32_t vals[] = {x->screen->black_pixel, 1, events};
	xcb_create_window(x->c, XCB_COPY_FROM_PARENT, w, x->root, 0, 0, 1, 1, 0,
			  XCB_WINDOW_CLASS_INPUT_OUTPUT, x->screen->root_visual, mask, vals);
	*surf = cairo_xcb_surface_create(x->c, w, root_visual(x->screen), 1, 1);
	return w;
}

static bool keymap_load(struct xk *x)
{
	struct xkb_keymap *km = xkb_x11_keymap_new_from_device(x->xkb_ctx, x->c, x->kbd_device, 0);
	if (!km)
		return false;
	struct xkb_state *st = xkb_x11_state_new_from_device(km, x->c, x->kbd_device);
	if (!st) {
		xkb_keymap_unref(km);
		return false;
	}
	xkb_state_unref(x->kstate);
	xkb_keymap_unref(x->keymap);
	x->keymap = km;
	x->kstate = st;
	return true;
}

/* The controls that let keys act on their own (sticky, slow, bounce, mouse keys) and the
 * keyboard toggles that turn them on (Shift held 8 s, Shift pressed 5 times). */
#define XKB_FORBIDDEN                                                           \
	(XCB_XKB_BOOL_CTRL_SLOW_KEYS | XCB_XKB_BOOL_CTRL_BOUNCE_KEYS |          \
	 XCB_XKB_BOOL_CTRL_STICKY_KEYS | XCB_XKB_BOOL_CTRL_MOUSE_KEYS |         \
	 XCB_XKB_BOOL_CTRL_MOUSE_KEYS_ACCEL | XCB_XKB_BOOL_CTRL_ACCESS_X_KEYS | \
	 XCB_XKB_BOOL_CTRL_ACCESS_X_TIMEOUT_MASK)

void x_xkb_lockdown(struct xk *x)
{
	static const uint8_t per_key_repeat[32]; /* not changed: PerKeyRepeat is not asked */
	xcb_xkb_set_controls(x->c, (xcb_xkb_device_spec_t)x->kbd_device, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			     0, 0, XKB_FORBIDDEN, 0, XCB_XKB_CONTROL_CONTROLS_ENABLED, 0, 0, 0, 0,
			     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, per_key_repeat);
}

int64_t x_xkb_forbidden_on(struct xk *x)
{
	xcb_xkb_get_controls_reply_t *r = xcb_xkb_get_controls_reply(
		x->c, xcb_xkb_get_controls(x->c, (xcb_xkb_device_spec_t)x->kbd_device), NULL);
	int64_t on = r ? (int64_t)(r->enabledControls & XKB_FORBIDDEN) : -1;
	free(r);
	return on;
}

static bool xkb_open(struct xk *x)
{
	uint8_t ev;
	if (!xkb_x11_setup_xkb_extension(
		    x->c, XKB_X11_MIN_MAJOR_XKB_VERSION, XKB_X11_MIN_MINOR_XKB_VERSION,
		    XKB_X11_SETUP_XKB_EXTENSION_NO_FLAGS, NULL, NULL, &ev, NULL)) {
		log_warnx("the X server has no XKB extension");
		return false;
	}
	x->xkb_event = ev;
	x->kbd_device = xkb_x11_get_core_keyboard_device_id(x->c);
	x->xkb_ctx = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (x->kbd_device < 0 || !x->xkb_ctx || !keymap_load(x)) {
		log_warnx("cannot read the keyboard mapping");
		return false;
	}
	uint16_t events = XCB_XKB_EVENT_TYPE_NEW_KEYBOARD_NOTIFY | XCB_XKB_EVENT_TYPE_MAP_NOTIFY |
			  XCB_XKB_EVENT_TYPE_STATE_NOTIFY | XCB_XKB_EVENT_TYPE_CONTROLS_NOTIFY;
	uint16_t map = XCB_XKB_MAP_PART_KEY_TYPES | XCB_XKB_MAP_PART_KEY_SYMS |
		       XCB_XKB_MAP_PART_MODIFIER_MAP | XCB_XKB_MAP_PART_EXPLICIT_COMPONENTS |
		       XCB_XKB_MAP_PART_KEY_ACTIONS | XCB_XKB_MAP_PART_VIRTUAL_MODS |
		       XCB_XKB_MAP_PART_VIRTUAL_MOD_MAP;
	xcb_xkb_select_events(x->c, (xcb_xkb_device_spec_t)x->kbd_device, events, 0, events, map,
			      map, NULL);
	return true;
}

bool x_open(struct xk *x)
{
	memset(x, 0, sizeof(*x));
	int scr;
	x->c = xcb_connect(NULL, &scr);
	if (xcb_connection_has_error(x->c)) {
		log_warnx("cannot connect to the X server (DISPLAY=%s)",
			  getenv("DISPLAY") ? getenv("DISPLAY") : "unset");
		return false;
	}
	xcb_screen_iterator_t it = xcb_setup_roots_iterator(xcb_get_setup(x->c));
	for (; it.rem && scr > 0; scr--)
		xcb_screen_next(&it);
	x->screen = it.data;
	x->root = x->screen->root;

	/* Become the window manager: only one client may select SubstructureRedirect. */
	uint32_t ev = XCB_EVENT_MASK_SUBSTRUCTURE_REDIRECT | XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY |
		      XCB_EVENT_MASK_STRUCTURE_NOTIFY | XCB_EVENT_MASK_PROPERTY_CHANGE;
	xcb_generic_error_t *err = xcb_request_check(
		x->c, xcb_change_window_attributes_checked(x->c, x->root, XCB_CW_EVENT_MASK, &ev));
	if (err) {
		free(err);
		log_warnx("another window manager is running on this display");
		return false;
	}
	const xcb_query_extension_reply_t *rr = xcb_get_extension_data(x->c, &xcb_randr_id);
	if (rr && rr->present) {
		x->randr_event = rr->first_event;
		/* Outputs plugged in or out, CRTCs moved, monitors set: all re-cover. */
		xcb_randr_select_input(x->c, x->root,
				       XCB_RANDR_NOTIFY_MASK_SCREEN_CHANGE |
					       XCB_RANDR_NOTIFY_MASK_CRTC_CHANGE |
					       XCB_RANDR_NOTIFY_MASK_OUTPUT_CHANGE);
	}
	x->hosts0 = xcb_list_hosts_reply(x->c, xcb_list_hosts(x->c), NULL);
	x->atom_role = atom(x->c, "WM_WINDOW_ROLE");
	x->atom_protocols = atom(x->c, "WM_PROTOCOLS");
	x->atom_delete = atom(x->c, "WM_DELETE_WINDOW");
	if (!xkb_open(x))
		return false;
	x_xkb_lockdown(x);
	if (!x_keys_lock(x)) {
		log_warnx("cannot grab the forbidden shortcuts: another client holds one");
		return false;
	}
	read_outputs(x);
	uint32_t input = XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_KEY_PRESS |
			 XCB_EVENT_MASK_BUTTON_PRESS | XCB_EVENT_MASK_STRUCTURE_NOTIFY |
			 XCB_EVENT_MASK_VISIBILITY_CHANGE | XCB_EVENT_MASK_FOCUS_CHANGE;
	x->cover = make_window(x, &x->cover_surf, input);
	x->bar = make_window(x, &x->bar_surf,
			     XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_BUTTON_PRESS |
				     XCB_EVENT_MASK_VISIBILITY_CHANGE);
	/* The on-screen keyboard: override-redirect like the bar, and never given the focus
	 * (no FocusIn is asked, no set_input_focus names it), so that its keys go to the
	 * browser's focused field. */
	x->osk = make_window(x, &x->osk_surf,
			     XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_BUTTON_PRESS |
				     XCB_EVENT_MASK_VISIBILITY_CHANGE);
	xcb_change_property(x->c, XCB_PROP_MODE_REPLACE, x->osk, XCB_ATOM_WM_NAME, XCB_ATOM_STRING,
			    8, strlen("escale-kiosk keyboard"), "escale-kiosk keyboard");
	/* Names for people and tests looking at the display (xdotool search --name). */
	xcb_change_property(x->c, XCB_PROP_MODE_REPLACE, x->cover, XCB_ATOM_WM_NAME,
			    XCB_ATOM_STRING, 8, strlen("escale-kiosk cover"), "escale-kiosk cover");
	xcb_change_property(x->c, XCB_PROP_MODE_REPLACE, x->bar, XCB_ATOM_WM_NAME, XCB_ATOM_STRING,
			    8, strlen("escale-kiosk bar"), "escale-kiosk bar");
	place_windows(x);
	xcb_flush(x->c);
	return true;
}

void x_close(struct xk *x)
{
	free(x->held);
	x->held = NULL;
	if (!x->c)
		return;
	if (x->cover_surf)
		cairo_surface_destroy(x->cover_surf);
	if (x->bar_surf)
		cairo_surface_destroy(x->bar_surf);
	if (x->osk_surf)
		cairo_surface_destroy(x->osk_surf);
	xkb_state_unref(x->kstate);
	xkb_keymap_unref(x->keymap);
	xkb_context_unref(x->xkb_ctx);
	free(x->hosts0);
	x->hosts0 = NULL;
	xcb_disconnect(x->c);
	x->c = NULL;
}

int x_fd(const struct xk *x)
{
	return xcb_get_file_descriptor(x->c);
}

static bool grab_once(struct xk *x)
{
	xcb_grab_keyboard_reply_t *k =
		xcb_grab_keyboard_reply(x->c,
					xcb_grab_keyboard(x->c, 1, x->root, XCB_CURRENT_TIME,
							  XCB_GRAB_MODE_ASYNC, XCB_GRAB_MODE_ASYNC),
					NULL);
	bool kok = k && k->status == XCB_GRAB_STATUS_SUCCESS;
	free(k);
	if (!kok)
		return false;
	xcb_grab_pointer_reply_t *p = xcb_grab_pointer_reply(
		x->c,
		xcb_grab_pointer(x->c, 1, x->root,
				 XCB_EVENT_MASK_BUTTON_PRESS | XCB_EVENT_MASK_BUTTON_RELEASE,
				 XCB_GRAB_MODE_ASYNC, XCB_GRAB_MODE_ASYNC, XCB_NONE, XCB_NONE,
				 XCB_CURRENT_TIME),
		NULL);
	bool pok = p && p->status == XCB_GRAB_STATUS_SUCCESS;
	free(p);
	return pok;
}

/* Grabs are taken on the root window (owner_events: our windows still get their events),
 * before the cover is mapped: it never shows without them (slock, xsecurelock). */
static bool grab(struct xk *x)
{
	for (int i = 0; i < GRAB_TRIES; i++) {
		if (grab_once(x)) {
			x->grabbed = true;
			return true;
		}
		struct timespec ts = {0, GRAB_WAIT_MS * 1000000L};
		nanosleep(&ts, NULL);
	}
	x->grabbed = false;
	return false;
}

void x_grab_lost(struct xk *x)
{
	x->grabbed = false;
}

bool x_cover_show(struct xk *x, bool must_grab)
{
	uint32_t above = XCB_STACK_MODE_ABOVE;
	if (!x->grabbed && must_grab && !grab(x)) {
		log_warnx("cannot grab the keyboard and the pointer");
		return false;
	}
	if (!x->grabbed && !must_grab)
		x->grabbed = grab_once(x);
	if (!x->cover_mapped) {
		xcb_map_window(x->c, x->cover);
		x->cover_mapped = true;
	}
	xcb_configure_window(x->c, x->cover, XCB_CONFIG_WINDOW_STACK_MODE, &above);
	xcb_set_input_focus(x->c, XCB_INPUT_FOCUS_POINTER_ROOT, x->cover, XCB_CURRENT_TIME);
	return true;
}

void x_cover_hide(struct xk *x)
{
	if (x->grabbed) {
		xcb_ungrab_keyboard(x->c, XCB_CURRENT_TIME);
		xcb_ungrab_pointer(x->c, XCB_CURRENT_TIME);
		x->grabbed = false;
	}
	if (x->cover_mapped) {
		xcb_unmap_window(x->c, x->cover);
		x->cover_mapped = false;
	}
	if (x->focus)
		xcb_set_input_focus(x->c, XCB_INPUT_FOCUS_POINTER_ROOT, x->focus, XCB_CURRENT_TIME);
}

bool x_regrab(struct xk *x)
{
	if (!x->cover_mapped)
		return true;
	x->grabbed = false;
	if (!grab(x))
		return false;
	xcb_set_input_focus(x->c, XCB_INPUT_FOCUS_POINTER_ROOT, x->cover, XCB_CURRENT_TIME);
	return true;
}

void x_bar_show(struct xk *x)
{
	uint32_t above = XCB_STACK_MODE_ABOVE;
	if (!x->bar_mapped) {
		xcb_map_window(x->c, x->bar);
		x->bar_mapped = true;
	}
	xcb_configure_window(x->c, x->bar, XCB_CONFIG_WINDOW_STACK_MODE, &above);
	if (x->cover_mapped)
		xcb_configure_window(x->c, x->cover, XCB_CONFIG_WINDOW_STACK_MODE, &above);
}

void x_bar_hide(struct xk *x)
{
	if (x->bar_mapped) {
		xcb_unmap_window(x->c, x->bar);
		x->bar_mapped = false;
	}
}

/* Keeps our own windows above every client. */
static void restack(struct xk *x)
{
	uint32_t above = XCB_STACK_MODE_ABOVE;
	if (x->bar_mapped)
		xcb_configure_window(x->c, x->bar, XCB_CONFIG_WINDOW_STACK_MODE, &above);
	if (x->osk_mapped)
		xcb_configure_window(x->c, x->osk, XCB_CONFIG_WINDOW_STACK_MODE, &above);
	if (x->cover_mapped)
		xcb_configure_window(x->c, x->cover, XCB_CONFIG_WINDOW_STACK_MODE, &above);
}

static struct x_client *client_find(struct xk *x, xcb_window_t w)
{
	for (int i = 0; i < x->n_clients; i++)
		if (x->clients[i].win == w)
			return &x->clients[i];
	return NULL;
}

/* A dialog: WM_TRANSIENT_FOR names one of the browser's windows the kiosk manages. */
static bool is_transient(struct xk *x, xcb_window_t w)
{
	xcb_get_property_reply_t *r = xcb_get_property_reply(
		x->c,
		xcb_get_property(x->c, 0, w, XCB_ATOM_WM_TRANSIENT_FOR, XCB_ATOM_WINDOW, 0, 1),
		NULL);
	bool t = r && xcb_get_property_value_length(r) == 4 &&
		 client_find(x, *(xcb_window_t *)xcb_get_property_value(r));
	free(r);
	return t;
}

/* W's WM_WINDOW_ROLE into ROLE ("" when it has none). Chromium sets "browser" on a window
 * with tabs (the kiosk window is one, shown without its chrome by --kiosk) and "pop-up" on
 * a window.open() popup. */
static void window_role(struct xk *x, xcb_window_t w, char *role, size_t len)
{
	role[0] = '\0';
	xcb_get_property_reply_t *r = xcb_get_property_reply(
		x->c, xcb_get_property(x->c, 0, w, x->atom_role, XCB_ATOM_STRING, 0, 16), NULL);
	if (r) {
		size_t n = (size_t)xcb_get_property_value_length(r);
		if (n >= len)
			n = len - 1;
		memcpy(role, xcb_get_property_value(r), n);
		role[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)role[i] < 0x20 || (unsigned char)role[i] > 0x7e)
				role[i] = '?';
		free(r);
	}
}

/* Asks W to close (WM_DELETE_WINDOW) when it takes part in that protocol; else it just
 * stays unmapped. */
static void ask_close(struct xk *x, xcb_window_t w)
{
	xcb_get_property_reply_t *r = xcb_get_property_reply(
		x->c, xcb_get_property(x->c, 0, w, x->atom_protocols, XCB_ATOM_ATOM, 0, 32), NULL);
	bool deletes = false;
	if (r && r->format == 32) {
		const xcb_atom_t *a = xcb_get_property_value(r);
		int n = xcb_get_property_value_length(r) / 4;
		for (int i = 0; i < n; i++)
			deletes = deletes || a[i] == x->atom_delete;
	}
	free(r);
	if (!deletes)
		return;
	xcb_client_message_event_t m = {
		.response_type = XCB_CLIENT_MESSAGE,
		.format = 32,
		.window = w,
		.type = x->atom_protocols,
		.data.data32 = {x->atom_delete, XCB_CURRENT_TIME},
	};
	xcb_send_event(x->c, 0, w, XCB_EVENT_MASK_NO_EVENT, (const char *)&m);
}

/* A top-level window that is neither the session's browser window nor a popup or dialog of
 * it: a second browser window (tabs, an address bar, the menu), another program's window.
 * It is never mapped; it is asked to close, and logged once. */
static void refuse(struct xk *x, xcb_window_t w, const char *role)
{
	for (int i = 0; i < X_MAX_REFUSED; i++)
		if (x->refused_wins[i] == w) {
			ask_close(x, w);
			return;
		}
	x->refused_wins[x->refused++ % X_MAX_REFUSED] = w;
	log_warnx("window 0x%x (role \"%s\") is not the session's browser window nor a popup "
		  "or dialog of it: never shown, asked to close",
		  w, role);
	ask_close(x, w);
}

/* The area a browser window may use: the primary monitor under the bar, above the
 * on-screen keyboard while it shows. */
static struct x_rect client_area(const struct xk *x)
{
	struct x_rect p = x_primary(x);
	/* The bar's rows: a message's panel lies over the page. */
	int bh = x->bar_rows > 0 ? x->bar_rows : ui_bar_height(p.h);
	int kh = x->osk_mapped ? x->osk_h : 0;
	if (p.h - bh - kh < bh)
		kh = 0; /* a screen too small for both: the keyboard lies over the page */
	return (struct x_rect){p.x, p.y + bh, p.w, p.h - bh - kh};
}

/* Top-level windows fill the area; dialogs keep their size (within it) and are centred. */
static void client_place(struct xk *x, xcb_window_t w, bool transient, int req_w, int req_h)
{
	struct x_rect a = client_area(x);
	struct x_rect r = a;
	if (transient) {
		r.w = req_w > 0 && req_w < a.w ? req_w : a.w;
		r.h = req_h > 0 && req_h < a.h ? req_h : a.h;
		r.x = a.x + (a.w - r.w) / 2;
		r.y = a.y + (a.h - r.h) / 2;
	}
	uint32_t v[] = {(uint32_t)r.x, (uint32_t)r.y, (uint32_t)r.w, (uint32_t)r.h, 0};
	xcb_configure_window(x->c, w,
			     XCB_CONFIG_WINDOW_X | XCB_CONFIG_WINDOW_Y | XCB_CONFIG_WINDOW_WIDTH |
				     XCB_CONFIG_WINDOW_HEIGHT | XCB_CONFIG_WINDOW_BORDER_WIDTH,
			     v);
}

static void handle_map_request(struct xk *x, xcb_map_request_event_t *e)
{
	struct x_client *cl = client_find(x, e->window);
	if (!cl) {
		if (x->n_clients == X_MAX_CLIENTS) {
			log_warnx("too many browser windows; window 0x%x refused", e->window);
			return;
		}
		/* One browser window per session; its popups and dialogs beside it. */
		bool transient = is_transient(x, e->window);
		char role[32];
		window_role(x, e->window, role, sizeof(role));
		bool popup = strcmp(role, "pop-up") == 0;
		if (!transient && !popup) {
			if (x->main_win != XCB_NONE) {
				refuse(x, e->window, role);
				return;
			}
			x->main_win = e->window;
		}
		cl = &x->clients[x->n_clients++];
		cl->win = e->window;
		cl->transient = transient;
		uint32_t mask = XCB_EVENT_MASK_STRUCTURE_NOTIFY;
		xcb_change_window_attributes(x->c, e->window, XCB_CW_EVENT_MASK, &mask);
	}
	int w = 0, h = 0;
	xcb_get_geometry_reply_t *g =
		xcb_get_geometry_reply(x->c, xcb_get_geometry(x->c, e->window), NULL);
	if (g) {
		w = g->width;
		h = g->height;
		free(g);
	}
	client_place(x, e->window, cl->transient, w, h);
	xcb_map_window(x->c, e->window);
	cl->mapped = true;
	x->focus = e->window;
	if (!x->cover_mapped)
		xcb_set_input_focus(x->c, XCB_INPUT_FOCUS_POINTER_ROOT, e->window,
				    XCB_CURRENT_TIME);
	restack(x);
}

static void handle_configure_request(struct xk *x, xcb_configure_request_event_t *e)
{
	struct x_client *cl = client_find(x, e->window);
	bool transient = cl ? cl->transient : is_transient(x, e->window);
	client_place(x, e->window, transient, e->width, e->height);
	restack(x);
}

static void client_gone(struct xk *x, xcb_window_t w)
{
	for (int i = 0; i < x->n_clients; i++) {
		if (x->clients[i].win != w)
			continue;
		x->clients[i] = x->clients[--x->n_clients];
		break;
	}
	if (x->focus == w) {
		x->focus = XCB_NONE;
		for (int i = x->n_clients - 1; i >= 0; i--) {
			if (x->clients[i].mapped) {
				x->focus = x->clients[i].win;
				break;
			}
		}
		if (x->focus && !x->cover_mapped)
			xcb_set_input_focus(x->c, XCB_INPUT_FOCUS_POINTER_ROOT, x->focus,
					    XCB_CURRENT_TIME);
	}
}

/* The keycodes (at most MAX) whose symbols, at any level of any layout, include SYM. */
struct keycodes {
	xkb_keysym_t sym;
	xcb_keycode_t code[8];
	int n;
};

static void collect_key(struct xkb_keymap *km, xkb_keycode_t key, void *data)
{
	struct keycodes *k = data;
	if (k->n == (int)ARRAY_LEN(k->code) || key > 255)
		return;
	xkb_layout_index_t layouts = xkb_keymap_num_layouts_for_key(km, key);
	for (xkb_layout_index_t l = 0; l < layouts; l++) {
		xkb_level_index_t levels = xkb_keymap_num_levels_for_key(km, key, l);
		for (xkb_level_index_t v = 0; v < levels; v++) {
			const xkb_keysym_t *syms;
			int n = xkb_keymap_key_get_syms_by_level(km, key, l, v, &syms);
			for (int i = 0; i < n; i++) {
				if (syms[i] == k->sym) {
					k->code[k->n++] = (xcb_keycode_t)key;
					return;
				}
			}
		}
	}
}

static void keycodes_of(struct xk *x, xkb_keysym_t sym, struct keycodes *k)
{
	k->sym = sym;
	k->n = 0;
	xkb_keymap_key_for_each(x->keymap, collect_key, k);
}

/* The real modifiers (core masks) that Alt and Super are on, and those that are locks
 * (Lock, and whichever Num_Lock and Scroll_Lock are on), from the server's modifier
 * mapping: Mod1, Mod4 and Lock|Mod2 on usual keyboards. */
static void read_modifiers(struct xk *x)
{
	x->lock_mask = XCB_MOD_MASK_LOCK;
	x->alt_mask = XCB_MOD_MASK_1;
	x->super_mask = XCB_MOD_MASK_4;
	xcb_get_modifier_mapping_reply_t *r =
		xcb_get_modifier_mapping_reply(x->c, xcb_get_modifier_mapping(x->c), NULL);
	if (!r)
		return;
	const xcb_keycode_t *codes = xcb_get_modifier_mapping_keycodes(r);
	int per = r->keycodes_per_modifier;
	bool alt = false, super = false;
	for (int mod = 3; mod < 8; mod++) { /* Mod1..Mod5 */
		for (int i = 0; i < per; i++) {
			xcb_keycode_t kc = codes[mod * per + i];
			if (!kc)
				continue;
			const xkb_keysym_t *syms;
			int n = xkb_keymap_key_get_syms_by_level(x->keymap, kc, 0, 0, &syms);
			for (int j = 0; j < n; j++) {
				uint16_t m = (uint16_t)(1u << mod);
				if (syms[j] == XKB_KEY_Num_Lock || syms[j] == XKB_KEY_Scroll_Lock)
					x->lock_mask |= m;
				if (!alt &&
				    (syms[j] == XKB_KEY_Alt_L || syms[j] == XKB_KEY_Alt_R)) {
					x->alt_mask = m;
					alt = true;
				}
				if (!super &&
				    (syms[j] == XKB_KEY_Super_L || syms[j] == XKB_KEY_Super_R)) {
					x->super_mask = m;
					super = true;
				}
			}
		}
	}
	free(r);
}

/* The set of passive grabs: (keycode, modifiers) and (button, modifiers) pairs, and the
 * keycodes and buttons grabbed with AnyModifier. */
struct grabset {
	uint8_t key[256][KEYLOCK_MAX_MASKS / 8];
	uint8_t key_any[256 / 8];
	uint8_t button[8][KEYLOCK_MAX_MASKS / 8];
	uint8_t button_any;
};

static bool bit_get(const uint8_t *b, unsigned i)
{
	return b[i / 8] & (1u << (i % 8));
}

static void bit_set(uint8_t *b, unsigned i)
{
	b[i / 8] |= (uint8_t)(1u << (i % 8));
}

static void want_key(struct grabset *d, xcb_keycode_t code, const uint16_t *masks, int nm)
{
	for (int m = 0; m < nm; m++) {
		if (masks[m] == KEYLOCK_X_ANY)
			bit_set(d->key_any, code);
		else
			bit_set(d->key[code], masks[m]);
	}
}

/* The grabs the keyboard mapping and the modifiers call for: every combination of the
 * shortcuts, Enter in every modified state; buttons 1 and 3 with any modifier but the locks
 * held (Shift: a window, Ctrl: a tab, AltGr, Alt...) and the middle button in any state (a
 * tab; a paste of the X selection). The kiosk receives them on the root window and drops
 * them. */
static void wanted_grabs(struct xk *x, struct grabset *d)
{
	memset(d, 0, sizeof(*d));
	uint16_t masks[KEYLOCK_MAX_MASKS];
	for (size_t i = 0; i < keylock_n_combos; i++) {
		const struct keylock_combo *k = &keylock_combos[i];
		struct keycodes codes;
		keycodes_of(x, k->keysym, &codes);
		int nm = keylock_variants(keylock_real_mods(k->mods, x->alt_mask, x->super_mask),
					  masks);
		for (int c = 0; c < codes.n; c++)
			want_key(d, codes.code[c], masks, nm);
	}
	/* Shift+Enter, Ctrl+Enter... on a focused link: a new window or tab. */
	int nm = keylock_modified(x->lock_mask, masks);
	for (size_t i = 0; i < keylock_n_modified_keys; i++) {
		struct keycodes codes;
		keycodes_of(x, keylock_modified_keys[i], &codes);
		for (int c = 0; c < codes.n; c++)
			want_key(d, codes.code[c], masks, nm);
	}
	for (int m = 0; m < nm; m++) {
		bit_set(d->button[1], masks[m]);
		bit_set(d->button[3], masks[m]);
	}
	d->button_any = 1u << 2;
}

struct cookies {
	xcb_void_cookie_t *ck;
	int n, cap;
};

static void cookie_add(struct cookies *c, xcb_void_cookie_t ck)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->ck = xrealloc(c->ck, (size_t)c->cap * sizeof(*c->ck));
	}
	c->ck[c->n++] = ck;
}

/* Checks every request (a refusal: another client holds that grab) and frees them. */
static bool cookies_done(struct xk *x, struct cookies *c)
{
	bool ok = true;
	for (int i = 0; i < c->n; i++) {
		xcb_generic_error_t *e = xcb_request_check(x->c, c->ck[i]);
		if (e) {
			ok = false;
			free(e);
		}
	}
	free(c->ck);
	return ok;
}

static void grab_key(struct xk *x, struct cookies *c, xcb_keycode_t code, uint16_t mods)
{
	cookie_add(c, xcb_grab_key_checked(x->c, 0, x->root, mods, code, XCB_GRAB_MODE_ASYNC,
					   XCB_GRAB_MODE_ASYNC));
}

static void grab_button(struct xk *x, struct cookies *c, uint8_t button, uint16_t mods)
{
	const uint16_t ev = XCB_EVENT_MASK_BUTTON_PRESS | XCB_EVENT_MASK_BUTTON_RELEASE;
	cookie_add(c,
		   xcb_grab_button_checked(x->c, 0, x->root, ev, XCB_GRAB_MODE_ASYNC,
					   XCB_GRAB_MODE_ASYNC, XCB_NONE, XCB_NONE, button, mods));
}

/* Makes the held grabs D: the new ones are taken before the ones no longer wanted are let
 * go, so that a keyboard change never leaves a moment without the grabs both mappings
 * share. */
static bool apply_grabs(struct xk *x, const struct grabset *d)
{
	struct grabset *h = x->held;
	struct cookies c = {0};
	int keys = 0, buttons = 0;
	for (unsigned k = 0; k < 256; k++) {
		if (bit_get(d->key_any, k)) {
			keys++;
			if (!bit_get(h->key_any, k))
				grab_key(x, &c, (xcb_keycode_t)k, XCB_MOD_MASK_ANY);
		}
		for (unsigned m = 0; m < KEYLOCK_MAX_MASKS; m++)
			if (bit_get(d->key[k], m)) {
				keys++;
				if (!bit_get(h->key[k], m))
					grab_key(x, &c, (xcb_keycode_t)k, (uint16_t)m);
			}
	}
	for (unsigned b = 1; b < 8; b++) {
		if (d->button_any & (1u << b)) {
			buttons++;
			if (!(h->button_any & (1u << b)))
				grab_button(x, &c, (uint8_t)b, XCB_MOD_MASK_ANY);
		}
		for (unsigned m = 0; m < KEYLOCK_MAX_MASKS; m++)
			if (bit_get(d->button[b], m)) {
				buttons++;
				if (!bit_get(h->button[b], m))
					grab_button(x, &c, (uint8_t)b, (uint16_t)m);
			}
	}
	bool ok = cookies_done(x, &c);
	/* What is no longer wanted goes last (an AnyModifier grab also holds the pairs of its
	 * keycode: those are taken again after it goes). */
	for (unsigned k = 0; k < 256; k++) {
		if (bit_get(h->key_any, k) && !bit_get(d->key_any, k)) {
			xcb_ungrab_key(x->c, (xcb_keycode_t)k, x->root, XCB_MOD_MASK_ANY);
			struct cookies again = {0};
			for (unsigned m = 0; m < KEYLOCK_MAX_MASKS; m++)
				if (bit_get(d->key[k], m))
					grab_key(x, &again, (xcb_keycode_t)k, (uint16_t)m);
			ok = cookies_done(x, &again) && ok;
		}
		for (unsigned m = 0; m < KEYLOCK_MAX_MASKS; m++)
			if (bit_get(h->key[k], m) && !bit_get(d->key[k], m))
				xcb_ungrab_key(x->c, (xcb_keycode_t)k, x->root, (uint16_t)m);
	}
	for (unsigned b = 1; b < 8; b++)
		for (unsigned m = 0; m < KEYLOCK_MAX_MASKS; m++)
			if (bit_get(h->button[b], m) && !bit_get(d->button[b], m))
				xcb_ungrab_button(x->c, (uint8_t)b, x->root, (uint16_t)m);
	*h = *d;
	x->key_grabs = ok ? keys : 0;
	x->button_grabs = ok ? buttons : 0;
	return ok;
}

/* Takes the grabs of keycode CODE again after they were let go (x_send_keys). */
static bool regrab_keycode(struct xk *x, xcb_keycode_t code)
{
	struct cookies c = {0};
	if (bit_get(x->held->key_any, code))
		grab_key(x, &c, code, XCB_MOD_MASK_ANY);
	for (unsigned m = 0; m < KEYLOCK_MAX_MASKS; m++)
		if (bit_get(x->held->key[code], m))
			grab_key(x, &c, code, (uint16_t)m);
	return cookies_done(x, &c);
}

bool x_keys_lock(struct xk *x)
{
	int64_t t0 = mono_ms();
	read_modifiers(x);
	if (!x->held)
		x->held = xcalloc(1, sizeof(*x->held));
	struct grabset *d = xmalloc(sizeof(*d));
	wanted_grabs(x, d);
	bool ok = apply_grabs(x, d);
	free(d);
	if (ok)
		log_debug("%d shortcut and %d click grabs held (locks 0x%x, Alt 0x%x, Super 0x%x), "
			  "taken in %lld ms",
			  x->key_grabs, x->button_grabs, x->lock_mask, x->alt_mask, x->super_mask,
			  (long long)(mono_ms() - t0));
	return ok;
}

static void handle_key(struct xk *x, xcb_key_press_event_t *e, struct x_event *out)
{
	x->last_time = e->time;
	if (e->event != x->cover)
		return;
	out->what = X_KEY;
	out->keysym = xkb_state_key_get_one_sym(x->kstate, e->detail);
	xkb_state_key_get_utf8(x->kstate, e->detail, out->utf8, sizeof(out->utf8));
}

/* After the keymap changed: a spare whose mapping is gone (a new keymap was loaded) is
 * mapped again when next needed, and one that another client gave symbols is left alone.
 * (XTest's keys come from another device than a real keyboard's: each switch between the
 * two is a NewKeyboardNotify whose keymap still holds the spares.) */
static void spares_check(struct xk *x)
{
	for (int i = 0; i < x->n_spares; i++) {
		const xkb_keysym_t *syms;
		int n = xkb_keymap_num_layouts_for_key(x->keymap, x->spare[i]) == 0
				? 0
				: xkb_keymap_key_get_syms_by_level(x->keymap, x->spare[i], 0, 0,
								   &syms);
		if (x->spare_sym[i] && n == 1 && syms[0] == x->spare_sym[i])
			continue;
		if (n == 0) {
			x->spare_sym[i] = 0;
			continue;
		}
		log_debug("keycode %u is no longer free: not used by the on-screen keyboard",
			  x->spare[i]);
		x->spare[i] = x->spare[x->n_spares - 1];
		x->spare_sym[i] = x->spare_sym[x->n_spares - 1];
		x->n_spares--;
		i--;
	}
	if (x->n_spares && x->next_spare >= x->n_spares)
		x->next_spare = 0;
}

static void handle_xkb(struct xk *x, xcb_generic_event_t *ev)
{
	/* Every XKB event shares this header; xkbType says which one. */
	struct {
		uint8_t response_type, xkb_type;
		uint16_t sequence;
		xcb_timestamp_t time;
		uint8_t device_id;
	} *h = (void *)ev;
	if (h->device_id != x->kbd_device)
		return;
	if (h->xkb_type == XCB_XKB_STATE_NOTIFY) {
		xcb_xkb_state_notify_event_t *s = (void *)ev;
		xkb_state_update_mask(x->kstate, s->baseMods, s->latchedMods, s->lockedMods,
				      s->baseGroup, s->latchedGroup, s->lockedGroup);
	} else if (h->xkb_type == XCB_XKB_MAP_NOTIFY ||
		   h->xkb_type == XCB_XKB_NEW_KEYBOARD_NOTIFY) {
		if (!keymap_load(x))
			log_warnx("cannot reload the keyboard mapping");
		/* Keys may have moved: the shortcuts are grabbed on their new keycodes. */
		else if (!x_keys_lock(x))
			fatalx("cannot grab the forbidden shortcuts again after a keyboard change: "
			       "stopping (fail closed)");
		if (h->xkb_type == XCB_XKB_NEW_KEYBOARD_NOTIFY)
			x_xkb_lockdown(x);
		spares_check(x);
	} else if (h->xkb_type == XCB_XKB_CONTROLS_NOTIFY) {
		xcb_xkb_controls_notify_event_t *n = (void *)ev;
		if (n->enabledControls & XKB_FORBIDDEN) {
			log_warnx("a client turned accessibility keys on (0x%x): off again",
				  n->enabledControls & XKB_FORBIDDEN);
			x_xkb_lockdown(x);
		}
	}
}

/* The browser's top-level windows fill the client area again. */
static void clients_replace(struct xk *x)
{
	for (int i = 0; i < x->n_clients; i++)
		if (!x->clients[i].transient)
			client_place(x, x->clients[i].win, false, 0, 0);
}

/* The monitors changed (a screen plugged in or out, a resize, a RandR monitor set): the
 * cover, the bar and the browser's windows are laid out again. */
static void relayout(struct xk *x, struct x_event *out)
{
	read_outputs(x);
	place_windows(x);
	clients_replace(x);
	out->what = X_LAYOUT;
}

void x_osk_show(struct xk *x, int h)
{
	if (x->osk_mapped && h == x->osk_h)
		return;
	x->osk_h = h;
	place_windows(x);
	if (!x->osk_mapped) {
		xcb_map_window(x->c, x->osk);
		x->osk_mapped = true;
	}
	clients_replace(x);
	restack(x);
}

void x_osk_hide(struct xk *x)
{
	if (!x->osk_mapped)
		return;
	xcb_unmap_window(x->c, x->osk);
	x->osk_mapped = false;
	clients_replace(x);
}

void x_bar_size(struct xk *x, int rows, int panel)
{
	if (rows == x->bar_rows && panel == x->bar_panel)
		return;
	bool moved = rows != x->bar_rows;
	x->bar_rows = rows;
	x->bar_panel = panel;
	place_windows(x);
	restack(x);
	if (moved)
		clients_replace(x);
}

void x_handle(struct xk *x, xcb_generic_event_t *ev, struct x_event *out)
{
	memset(out, 0, sizeof(*out));
	uint8_t type = ev->response_type & 0x7f;
	if (type == 0) {
		xcb_generic_error_t *e = (void *)ev;
		/* Windows of a dying browser vanish under our feet: log, never die. */
		log_debug("X error %d on request %d.%d (resource 0x%x)", e->error_code,
			  e->major_code, e->minor_code, e->resource_id);
		return;
	}
	if (x->xkb_event && type == x->xkb_event) {
		handle_xkb(x, ev);
		return;
	}
	if (x->randr_event && (type == x->randr_event + XCB_RANDR_SCREEN_CHANGE_NOTIFY ||
			       type == x->randr_event + XCB_RANDR_NOTIFY)) {
		relayout(x, out);
		return;
	}
	switch (type) {
	case XCB_MAP_REQUEST:
		handle_map_request(x, (void *)ev);
		break;
	case XCB_CONFIGURE_REQUEST:
		handle_configure_request(x, (void *)ev);
		break;
	case XCB_CONFIGURE_NOTIFY: {
		xcb_configure_notify_event_t *e = (void *)ev;
		if (e->window == x->root)
			relayout(x, out);
		break;
	}
	case XCB_UNMAP_NOTIFY: {
		xcb_unmap_notify_event_t *e = (void *)ev;
		struct x_client *cl = client_find(x, e->window);
		if (cl)
			cl->mapped = false;
		/* Someone unmapped our cover: map it again (xsecurelock). */
		if (e->window == x->cover && x->cover_mapped)
			xcb_map_window(x->c, x->cover);
		if (e->window == x->bar && x->bar_mapped)
			xcb_map_window(x->c, x->bar);
		if (e->window == x->osk && x->osk_mapped)
			xcb_map_window(x->c, x->osk);
		break;
	}
	case XCB_MAP_NOTIFY: {
		xcb_map_notify_event_t *e = (void *)ev;
		if (!x->timings)
			break;
		if (e->window == x->cover)
			x->timings->cover_mapped_ms = mono_ms();
		else if (!x->timings->client_mapped_ms && client_find(x, e->window))
			x->timings->client_mapped_ms = mono_ms();
		break;
	}
	case XCB_DESTROY_NOTIFY: {
		xcb_window_t w = ((xcb_destroy_notify_event_t *)ev)->window;
		/* Another client destroyed our cover or bar: nothing is left to hold the screen
		 * with, so stop (fail closed) and let the X session start again. */
		if (w == x->cover || w == x->bar || w == x->osk)
			fatalx("window 0x%x of the kiosk was destroyed by another client", w);
		client_gone(x, w);
		break;
	}
	case XCB_VISIBILITY_NOTIFY: {
		/* Only the topmost of our windows must stay unobscured: the cover when it is
		 * mapped (it hides the bar on purpose), else the bar. Reacting to both would
		 * make them raise each other forever. */
		xcb_visibility_notify_event_t *e = (void *)ev;
		uint32_t above = XCB_STACK_MODE_ABOVE;
		if (e->state == XCB_VISIBILITY_UNOBSCURED)
			break;
		if (e->window == x->cover && x->cover_mapped)
			xcb_configure_window(x->c, x->cover, XCB_CONFIG_WINDOW_STACK_MODE, &above);
		else if ((e->window == x->bar && x->bar_mapped && !x->cover_mapped) ||
			 (e->window == x->osk && x->osk_mapped && !x->cover_mapped))
			xcb_configure_window(x->c, e->window, XCB_CONFIG_WINDOW_STACK_MODE, &above);
		break;
	}
	case XCB_FOCUS_OUT: {
		/* Focus left the cover or our grab was broken: take both back. */
		xcb_focus_out_event_t *e = (void *)ev;
		if (e->event == x->cover && x->cover_mapped && e->mode != XCB_NOTIFY_MODE_GRAB)
			out->what = X_REGRAB;
		break;
	}
	case XCB_EXPOSE: {
		xcb_expose_event_t *e = (void *)ev;
		if (e->count == 0)
			out->what = X_EXPOSE;
		break;
	}
	case XCB_KEY_PRESS:
		handle_key(x, (void *)ev, out);
		break;
	case XCB_BUTTON_PRESS: {
		xcb_button_press_event_t *e = (void *)ev;
		x->last_time = e->time;
		if (e->detail > 3)
			break; /* wheel */
		if (e->event == x->cover) {
			out->what = X_CLICK;
			out->x = e->event_x;
			out->y = e->event_y;
		} else if (e->event == x->bar || e->event == x->osk) {
			out->what = X_CLICK;
			out->on_bar = e->event == x->bar;
			out->on_osk = e->event == x->osk;
			out->x = e->event_x;
			out->y = e->event_y;
		}
		break;
	}
	default:
		break;
	}
}

static bool host_in(xcb_list_hosts_reply_t *list, const xcb_host_t *h)
{
	if (!list)
		return false;
	int n = xcb_host_address_length(h);
	for (xcb_host_iterator_t it = xcb_list_hosts_hosts_iterator(list); it.rem;
	     xcb_host_next(&it))
		if (it.data->family == h->family && xcb_host_address_length(it.data) == n &&
		    memcmp(xcb_host_address(it.data), xcb_host_address(h), (size_t)n) == 0)
			return true;
	return false;
}

/* Deletes every host access entry that was not there at x_open. */
static bool hosts_restore(struct xk *x)
{
	xcb_list_hosts_reply_t *r = xcb_list_hosts_reply(x->c, xcb_list_hosts(x->c), NULL);
	if (!r) {
		log_warnx("cannot list the X host access entries");
		return false;
	}
	bool ok = true;
	for (xcb_host_iterator_t it = xcb_list_hosts_hosts_iterator(r); it.rem;
	     xcb_host_next(&it)) {
		if (host_in(x->hosts0, it.data))
			continue;
		xcb_generic_error_t *e = xcb_request_check(
			x->c, xcb_change_hosts_checked(x->c, XCB_HOST_MODE_DELETE, it.data->family,
						       (uint16_t)xcb_host_address_length(it.data),
						       xcb_host_address(it.data)));
		if (e) {
			log_warnx("cannot remove an X host access entry (family %d, X error %d)",
				  it.data->family, e->error_code);
			free(e);
			ok = false;
		} else {
			log_info("X host access entry added during the session removed (family %d)",
				 it.data->family);
		}
	}
	free(r);
	return ok;
}

bool x_allow_user(struct xk *x, const char *user, bool allow)
{
	/* FamilyServerInterpreted: "type\0value". */
	char addr[128];
	int n = snprintf(addr, sizeof(addr), "localuser%c%s", '\0', user);
	if (n < 0 || (size_t)n >= sizeof(addr))
		return false;
	xcb_generic_error_t *e = xcb_request_check(
		x->c, xcb_change_hosts_checked(
			      x->c, allow ? XCB_HOST_MODE_INSERT : XCB_HOST_MODE_DELETE,
			      XCB_FAMILY_SERVER_INTERPRETED, (uint16_t)n, (const uint8_t *)addr));
	if (e) {
		log_warnx("cannot %s X access for %s (X error %d)", allow ? "grant" : "remove",
			  user, e->error_code);
		free(e);
		return false;
	}
	/* A client the browser user ran may have turned access control off (xhost +; any
	 * local client may): on again whenever its access ends. */
	if (!allow) {
		e = xcb_request_check(
			x->c, xcb_set_access_control_checked(x->c, XCB_ACCESS_CONTROL_ENABLE));
		if (e) {
			log_warnx("cannot turn X access control on (X error %d)", e->error_code);
			free(e);
			return false;
		}
		if (!hosts_restore(x))
			return false;
	}
	log_debug("X access for %s %s", user, allow ? "granted" : "removed");
	return true;
}

int64_t x_idle_ms(struct xk *x)
{
	xcb_screensaver_query_info_reply_t *r = xcb_screensaver_query_info_reply(
		x->c, xcb_screensaver_query_info(x->c, x->root), NULL);
	int64_t ms = r ? r->ms_since_user_input : 0;
	free(r);
	return ms;
}

struct keyfind {
	xkb_keysym_t sym;
	xkb_keycode_t code;
	struct xkb_keymap *km;
};

static void find_key(struct xkb_keymap *km, xkb_keycode_t key, void *data)
{
	struct keyfind *f = data;
	if (f->code)
		return;
	const xkb_keysym_t *syms;
	int n = xkb_keymap_key_get_syms_by_level(km, key, 0, 0, &syms);
	for (int i = 0; i < n; i++)
		if (syms[i] == f->sym)
			f->code = key;
}

/* Presses the N keycodes in turn, then releases them in reverse (XTest). UNGRAB, for a
 * shortcut among the swallowed ones (Alt+Home): the last key's grabs are let go for the
 * fake events only. The server handles XTest input as it reads the request, so the grabs
 * taken again in the same request stream never let a real key through. Without it, the
 * grabs hold for the fake keys as for real ones. */
static void fake_chord(struct xk *x, const xcb_keycode_t *codes, int n, bool ungrab)
{
	xcb_keycode_t last = codes[n - 1];
	if (ungrab)
		xcb_ungrab_key(x->c, last, x->root, XCB_MOD_MASK_ANY);
	for (int i = 0; i < n; i++)
		xcb_test_fake_input(x->c, XCB_KEY_PRESS, codes[i], XCB_CURRENT_TIME, XCB_NONE, 0, 0,
				    0);
	for (int i = n - 1; i >= 0; i--)
		xcb_test_fake_input(x->c, XCB_KEY_RELEASE, codes[i], XCB_CURRENT_TIME, XCB_NONE, 0,
				    0, 0);
	if (ungrab && !regrab_keycode(x, last))
		fatalx("cannot take the shortcut grabs of keycode %u back: stopping (fail closed)",
		       last);
}

void x_send_keys(struct xk *x, const uint32_t *keysyms, int n)
{
	xcb_keycode_t codes[8];
	if (n < 1 || n > 8 || !x->focus)
		return;
	for (int i = 0; i < n; i++) {
		struct keyfind f = {keysyms[i], 0, x->keymap};
		xkb_keymap_key_for_each(x->keymap, find_key, &f);
		if (!f.code) {
			log_warnx("no key for keysym 0x%x", keysyms[i]);
			return;
		}
		codes[i] = (xcb_keycode_t)f.code;
	}
	xcb_set_input_focus(x->c, XCB_INPUT_FOCUS_POINTER_ROOT, x->focus, XCB_CURRENT_TIME);
	fake_chord(x, codes, n, true);
}

/* The key (layout 0) that types SYM with no modifier (*SHIFT false), or else with Shift alone
 * (*SHIFT true); 0 when none. The spare keycodes are left out: what the keymap says of them
 * may be behind their last change (spare_of knows). */
static xcb_keycode_t key_for(struct xk *x, uint32_t sym, bool *shift)
{
	struct xkb_keymap *km = x->keymap;
	xkb_mod_index_t si = xkb_keymap_mod_get_index(km, XKB_MOD_NAME_SHIFT);
	xkb_mod_mask_t shift_mask = si == XKB_MOD_INVALID ? 0 : (xkb_mod_mask_t)1 << si;
	xcb_keycode_t with_shift = 0;
	xkb_keycode_t max = xkb_keymap_max_keycode(km);
	for (xkb_keycode_t key = xkb_keymap_min_keycode(km); key <= max && key <= 255; key++) {
		bool spare = false;
		for (int i = 0; i < x->n_spares; i++)
			spare = spare || x->spare[i] == key;
		if (spare || xkb_keymap_num_layouts_for_key(km, key) == 0)
			continue;
		xkb_level_index_t levels = xkb_keymap_num_levels_for_key(km, key, 0);
		for (xkb_level_index_t lv = 0; lv < levels && lv < 8; lv++) {
			const xkb_keysym_t *syms;
			if (xkb_keymap_key_get_syms_by_level(km, key, 0, lv, &syms) != 1 ||
			    syms[0] != sym)
				continue;
			xkb_mod_mask_t masks[8];
			size_t nm = xkb_keymap_key_get_mods_for_level(km, key, 0, lv, masks, 8);
			for (size_t m = 0; m < nm; m++) {
				if (masks[m] == 0) {
					*shift = false;
					return (xcb_keycode_t)key;
				}
				if (shift_mask && masks[m] == shift_mask && !with_shift)
					with_shift = (xcb_keycode_t)key;
			}
		}
	}
	*shift = with_shift != 0;
	return with_shift;
}

/* The keycodes without any symbol (the highest first, as xdotool): x_type borrows them.
 * Xvfb's keymap has 19, a PC's evdev keymap about as many. */
static void find_spares(struct xk *x)
{
	x->spares_found = true;
	const xcb_setup_t *setup = xcb_get_setup(x->c);
	for (int key = setup->max_keycode; key >= setup->min_keycode && x->n_spares < X_SPARES;
	     key--)
		if (xkb_keymap_num_layouts_for_key(x->keymap, (xkb_keycode_t)key) == 0)
			x->spare[x->n_spares++] = (xcb_keycode_t)key;
	if (x->n_spares == 0)
		log_warnx("the keymap has no free keycode: the on-screen keyboard types only "
			  "what the keymap has");
}

/* The spare keycode mapped to SYM: alone (*SHIFT false), or as the capital of its lower
 * case letter (*SHIFT true); 0 when none is. */
static xcb_keycode_t spare_of(const struct xk *x, uint32_t sym, bool *shift)
{
	for (int i = 0; i < x->n_spares; i++) {
		if (!x->spare_sym[i])
			continue;
		*shift = x->spare_sym[i] != sym;
		if (!*shift || xkb_keysym_to_upper(x->spare_sym[i]) == sym)
			return x->spare[i];
	}
	return 0;
}

/* A spare keycode mapped to SYM now (*SHIFT: with Shift, for a capital).
 *
 * A keysym the keymap lacks (é, œ on a US keymap; @ at AltGr on a French one) cannot be
 * faked with XTest, which sends keycodes. As xdotool does, a keycode without symbols is
 * mapped to the keysym (core ChangeKeyboardMapping, which the server turns into an XKB
 * change), then pressed and released. A letter is mapped with its capital at the Shift
 * level, so that é and É take one keycode: a keymap has few free ones (19 on Xvfb's), and
 * the on-screen keyboard's keysyms are mapped once for all before the session's browser
 * starts (x_type_prepare), never changed while the resident types. A client translates keys with a copy of the
 * keymap that it refreshes when told of a change, later: a keycode changed just before it
 * is pressed may type the keysym it had before (xdotool puts its keycode back at once and
 * races so). When the spares run out, the one mapped longest ago is taken; the session's
 * end gives them all back (x_type_reset). */
static xcb_keycode_t spare_for(struct xk *x, uint32_t sym, bool *shift)
{
	if (!x->spares_found)
		find_spares(x);
	xcb_keycode_t code = spare_of(x, sym, shift);
	if (code || x->n_spares == 0)
		return code;
	int i = x->next_spare;
	x->next_spare = (x->next_spare + 1) % x->n_spares;
	xcb_keysym_t lower = xkb_keysym_to_lower(sym), upper = xkb_keysym_to_upper(lower);
	if (xkb_keysym_to_upper(lower) != sym && lower != sym)
		lower = upper = sym; /* not a case pair: the keysym alone */
	xcb_keysym_t syms[2] = {lower, upper};
	xcb_change_keyboard_mapping(x->c, 1, x->spare[i], 2, syms);
	x->spare_sym[i] = lower;
	*shift = lower != sym;
	log_debug("keycode %u mapped to keysym 0x%x for the on-screen keyboard", x->spare[i],
		  lower);
	return x->spare[i];
}

void x_type(struct xk *x, const uint32_t *keysyms, int n)
{
	if (!x->focus)
		return;
	xcb_set_input_focus(x->c, XCB_INPUT_FOCUS_POINTER_ROOT, x->focus, XCB_CURRENT_TIME);
	for (int i = 0; i < n; i++) {
		bool shift = false;
		xcb_keycode_t code = key_for(x, keysyms[i], &shift);
		if (!code)
			code = spare_for(x, keysyms[i], &shift);
		if (!code) {
			log_warnx("no key types keysym 0x%x: not typed", keysyms[i]);
			continue;
		}
		xcb_keycode_t chord[2];
		int nc = 0;
		if (shift) {
			struct keyfind f = {XKB_KEY_Shift_L, 0, x->keymap};
			xkb_keymap_key_for_each(x->keymap, find_key, &f);
			if (!f.code) {
				log_warnx("no Shift key: keysym 0x%x not typed", keysyms[i]);
				continue;
			}
			chord[nc++] = (xcb_keycode_t)f.code;
		}
		chord[nc++] = code;
		/* The shortcuts' grabs hold: a modifier held on a real keyboard (Ctrl) with a
		 * key of the on-screen one makes a shortcut the kiosk swallows. */
		fake_chord(x, chord, nc, false);
	}
}

void x_type_prepare(struct xk *x, const uint32_t *keysyms, int n)
{
	if (!x->spares_found)
		find_spares(x);
	for (int i = 0; i < n; i++) {
		bool shift;
		/* Never more than the spares: an earlier keysym's would be taken back. */
		if (!key_for(x, keysyms[i], &shift) && !spare_of(x, keysyms[i], &shift) &&
		    x->spare_sym[x->next_spare] == 0)
			spare_for(x, keysyms[i], &shift);
	}
	/* A round trip: the server has the new mapping before a client started next (the
	 * session's browser) reads it. */
	free(xcb_get_input_focus_reply(x->c, xcb_get_input_focus(x->c), NULL));
}

void x_type_reset(struct xk *x)
{
	for (int i = 0; i < x->n_spares; i++) {
		if (!x->spare_sym[i])
			continue;
		xcb_keysym_t none[2] = {0, 0};
		xcb_change_keyboard_mapping(x->c, 1, x->spare[i], 2, none);
		x->spare_sym[i] = 0;
	}
	x->next_spare = 0;
}

void x_forget_clients(struct xk *x)
{
	x->n_clients = 0;
	x->main_win = XCB_NONE;
	memset(x->refused_wins, 0, sizeof(x->refused_wins));
	if (x->timings)
		x->timings->client_mapped_ms = 0;
	x->focus = XCB_NONE;
}

bool x_has_client(const struct xk *x)
{
	for (int i = 0; i < x->n_clients; i++)
		if (x->clients[i].mapped)
			return true;
	return false;
}

void x_clear_selections(struct xk *x)
{
	static const char *const names[] = {"PRIMARY", "SECONDARY", "CLIPBOARD"};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		xcb_atom_t a = atom(x->c, names[i]);
		if (a != XCB_NONE)
			xcb_set_selection_owner(x->c, x->cover, a, XCB_CURRENT_TIME);
	}
}
