/* k_tools: the bar's tools: which show, what a press does; the on-screen keyboard, larger text and
 * reading aloud. */
#include "kiosk.h"

/* The bar's tools this kiosk offers now (ui.h, enum ui_tool): each feature adds its bit
 * when it is on (1u << UI_TOOL_...), and in kiosk_tools_on when it shows pressed. */
unsigned kiosk_tools(const struct kiosk *k)
{
	unsigned t = 0;
	t |= 1u << UI_TOOL_HELP;
	t |= 1u << UI_TOOL_TEXT;
	if (k->cfg.speech_enabled)
		t |= 1u << UI_TOOL_SPEAK;
	if (k->cfg.keyboard_onscreen != OSK_NEVER)
		t |= 1u << UI_TOOL_KEYBOARD;

	if (k->sm.state == SM_SESSION)
		t |= 1u << UI_TOOL_SCAN;
	if (k->sm.state == SM_SESSION && k->cfg.usb_enabled &&
	    (k->usb_offered || uf_active(&k->usb)))
		t |= 1u << UI_TOOL_USB;
	return t;
}

unsigned kiosk_tools_on(const struct kiosk *k)
{
	unsigned t = 0;
	if (k->help.state != WIRE_HELP_NONE)
		t |= 1u << UI_TOOL_HELP;
	if (k->text.panel || textsize_changed(&k->text))
		t |= 1u << UI_TOOL_TEXT;
	if (k->speak_on)
		t |= 1u << UI_TOOL_SPEAK;
	if (k->osk.shown)
		t |= 1u << UI_TOOL_KEYBOARD;

	if (sf_active(&k->scan))
		t |= 1u << UI_TOOL_SCAN;
	if (uf_active(&k->usb))
		t |= 1u << UI_TOOL_USB;
	return t;
}

/* ---- the on-screen keyboard (osk.h) ---- */

/* Whether the PC has a keyboard: udev names each keyboard's event device
 * /dev/input/by-path/...-event-kbd (and by-id/ for USB ones), whatever its bus. Read there
 * rather than from XInput2's device list, which always holds the X server's virtual core
 * and XTest keyboards (and, under Xvfb, one more), needs no new library, and sees a
 * keyboard plugged in once the session starts. ESCALE_KIOSK_INPUT_DIR replaces /dev/input
 * (tests). */
bool has_keyboard(void)
{
	const char *base = getenv("ESCALE_KIOSK_INPUT_DIR");
	static const char *const subdirs[] = {"by-path", "by-id"};
	for (size_t i = 0; i < ARRAY_LEN(subdirs); i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", base && *base ? base : "/dev/input",
			 subdirs[i]);
		DIR *d = opendir(path);
		if (!d)
			continue;
		struct dirent *e;
		bool found = false;
		while (!found && (e = readdir(d)))
			found = osk_is_kbd_name(e->d_name);
		closedir(d);
		if (found)
			return true;
	}
	return false;
}

/* What the keymap lacks of the keyboard's keysyms (é, œ...) gets spare keycodes before the
 * session's browser starts, so that it reads them with the keymap (x.c, spare_for). */
void keyboard_prepare(struct kiosk *k)
{
	if (k->cfg.keyboard_onscreen == OSK_NEVER)
		return;
	uint32_t syms[OSK_MAX_KEYS * 2];
	x_type_prepare(&k->x, syms, osk_all_syms(syms, OSK_MAX_KEYS * 2));
}

void keyboard_show(struct kiosk *k, bool show)
{
	if (k->osk.shown == show)
		return;
	if (show)
		k->osk.shown = true;
	else
		osk_reset(&k->osk);
	k->bar_dirty = k->osk_dirty = true;
}

/* A press on the keyboard's window at (X, Y). */
void keyboard_click(struct kiosk *k, double x, double y)
{
	uint32_t syms[OSK_MAX_SYMS];
	int n = 0;
	unsigned out = osk_press(&k->osk, osk_hit(&k->osk_at, x, y), syms, &n);
	if (out & OSK_TYPE)
		x_type(&k->x, syms, n);
	if (out & OSK_REDRAW)
		k->osk_dirty = true;
	if (out & OSK_HIDE)
		k->bar_dirty = k->osk_dirty = true; /* the tool no longer shows pressed */
}

/* "A+": the kiosk's screens and bar draw at the step's size at once. */
void text_step(struct kiosk *k, int to)
{
	if (to < 0 || to >= TEXTSIZE_STEPS)
		return;
	k->text.step = to;
	k->cover_dirty = k->bar_dirty = true;
}

/* Once nothing covers the session (render): the browser's page zooms to the chosen size
 * with the keys Chromium knows (Ctrl+0, Ctrl+=). While the panel shows, it holds the
 * keyboard: the keys would reach the kiosk. */
void text_zoom(struct kiosk *k)
{
	static const uint32_t reset[] = {XKB_KEY_Control_L, XKB_KEY_0};
	static const uint32_t plus[] = {XKB_KEY_Control_L, XKB_KEY_equal};
	if (k->sm.state != SM_SESSION || k->text.panel || k->text.browser_step == k->text.step)
		return;
	bool r;
	int n;
	textsize_zoom_keys(k->text.browser_step, k->text.step, &r, &n);
	k->text.browser_step = k->text.step;
	if (r)
		x_send_keys(&k->x, reset, 2);
	for (int i = 0; i < n; i++)
		x_send_keys(&k->x, plus, 2);
}

static void text_close(struct kiosk *k)
{
	k->text.panel = false;
	k->cover_dirty = k->bar_dirty = true;
}

/* "Appliquer aux sites": Chromium takes high contrast only when it starts
 * (--force-high-contrast, added by escale-browser from ESCALE_HIGH_CONTRAST), so the session's
 * browser is stopped and started again on the home page, with the same profile and the same
 * Documents. Only on the resident's press, which the panel explains. */
static void text_sites(struct kiosk *k)
{
	if (k->sm.state != SM_SESSION || !textsize_offer_sites(&k->text, true) || !k->br.dir)
		return;
	log_info("the browser restarts for high contrast %s on the sites",
		 k->text.contrast ? "on" : "off");
	if (k->br.pidfd >= 0)
		epoll_ctl(k->ep, EPOLL_CTL_DEL, k->br.pidfd, NULL);
	browser_stop(&k->br, WIPE_GRACE_MS);
	x_forget_clients(&k->x);
	k->br.contrast = k->text.browser_contrast = k->text.contrast;
	/* The same profile (its cookies); the page at 100 %, as a page of another site: the
	 * size applies to it when chosen again (Chromium may not have saved its zoom). */
	k->text.browser_step = 0;
	if (browser_start(&k->br, &k->cfg)) {
		ep_add(k, k->br.pidfd, EV_BROWSER);
	} else {
		struct sm_clock c = clock_now(k);
		sm_browser_exited(&k->sm, &c);
	}
}

/* A button of the "A+" panel. */
void text_pressed(struct kiosk *k, char key)
{
	if (k->sm.state != SM_SESSION)
		return;
	if (key >= UI_TEXT_SIZE0 && key < UI_TEXT_SIZE0 + TEXTSIZE_STEPS)
		text_step(k, key - UI_TEXT_SIZE0);
	else if (key == UI_TEXT_CONTRAST)
		k->text.contrast = !k->text.contrast;
	else if (key == UI_TEXT_SITES)
		text_sites(k);
	else if (key == UI_TEXT_CLOSE)
		text_close(k);
	k->cover_dirty = k->bar_dirty = true;
}

/* A tool of the bar was pressed. */
void tool_pressed(struct kiosk *k, enum ui_tool t, const struct sm_clock *c)
{
	(void)k, (void)c;
	switch (t) {
	case UI_TOOL_HELP:
		helpreq_press(&k->help, now_s() * 1000 + c->mono_ms % 1000);
		send_state(k, c);
		break;

	case UI_TOOL_TEXT:
		/* The panel of sizes and contrast, over the session only (textsize.h). */
		if (k->sm.state == SM_SESSION && k->text.panel)
			text_close(k);
		else if (k->sm.state == SM_SESSION)
			k->text.panel = true;
		break;

	case UI_TOOL_SPEAK:
		/* On the welcome screen, a press reads it once: a next resident must not find
		 * the sound on. */
		if (k->sm.state == SM_SESSION)
			speak_toggle(k);
		else
			speak_once(k);
		break;

	case UI_TOOL_KEYBOARD:
		keyboard_show(k, !k->osk.shown);
		break;

	case UI_TOOL_SCAN:
		if (k->sm.state == SM_SESSION)
			sf_open(&k->scan);
		break;

	case UI_TOOL_USB:
		usb_open(k);
		break;

	case UI_TOOL_COUNT:
		break;
	}
}

/* ---- read aloud ---- */

/* Whether a session shows without a prompt over it (what speak.h calls SESSION). */
bool session_plain(const struct kiosk *k)
{
	const struct sm *m = &k->sm;
	return m->state == SM_SESSION && !m->confirm_end && !m->idle_prompt &&
	       m->notice == SM_NOTICE_NONE;
}

/* Reads V aloud: at once when NOW, else only when its topic changed since the last. */
void speak_view(struct kiosk *k, const struct ui_view *v, bool now)
{
	char topic[sizeof(k->speak_topic)];
	bool plain = session_plain(k);
	speak_topic(v, plain, topic, sizeof(topic));
	if (!now && strcmp(topic, k->speak_topic) == 0)
		return;
	snprintf(k->speak_topic, sizeof(k->speak_topic), "%s", topic);
	const char *argv[SPEAK_MAX_ARGS + 1];
	if (!speak_text(v, plain, k->spoken, sizeof(k->spoken)) ||
	    !speak_argv((const char *const *)k->cfg.speech_argv, k->lang->voice, k->spoken, argv))
		return;
	speaker_say(&k->speaker, argv);
}

void speak_once(struct kiosk *k)
{
	struct sm_clock c = clock_now(k);
	struct view_text t;
	struct ui_view v;
	fill_view(k, &c, &v, &t);
	speak_view(k, &v, true);
}

void speak_toggle(struct kiosk *k)
{
	k->speak_on = !k->speak_on;
	if (k->speak_on)
		speak_once(k);
	else
		speaker_stop(&k->speaker);
}

/* Each resident starts in silence: reading stops with the session (its goodbye is read). */
void speak_reset(struct kiosk *k)
{
	speaker_reap(&k->speaker);
	if (!k->speak_on || k->sm.state == SM_SESSION || k->sm.state == SM_ENDING)
		return;
	k->speak_on = false;
	k->speak_topic[0] = '\0';
}
