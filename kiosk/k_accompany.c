/* k_accompany: the mediator's sign-in on the welcome screen (accompany.h, docs/kiosk.md
 * "Accompanied sessions"): its button and keys, the name and password sent to the network
 * helper (the accompany message), the screen closed when the welcome screen goes. */
#include "kiosk.h"

static bool welcome(const struct kiosk *k)
{
	return k->sm.state == SM_LOGIN && !netguard_closed(k->guard.state);
}

static void accompany_submit(struct kiosk *k, const struct sm_clock *c)
{
	if (!acc_submit(&k->acc, c->mono_ms, helper_up(&k->net)))
		return;
	struct wire_msg m = {.type = WIRE_MSG_ACCOMPANY};
	snprintf(m.by, sizeof(m.by), "%s", k->acc.name);
	snprintf(m.password, sizeof(m.password), "%s", k->acc.password);
	/* Not taken (helper not reading): no answer will come, so no waiting for one. */
	acc_sent(&k->acc, helper_send(&k->net, &m));
	explicit_bzero(m.password, sizeof(m.password));
}

void accompany_pressed(struct kiosk *k, char key, const struct sm_clock *c)
{
	if (!welcome(k))
		return;
	switch (key) {
	case UI_ACC_OPEN:
		acc_open(&k->acc, c->mono_ms);
		/* The keyboard of the screen itself, as a session's: shown at once on a PC
		 * without a keyboard (auto) or always; "Clavier" shows or hides it. */
		acc_osk_offer(&k->acc, k->cfg.keyboard_onscreen != OSK_NEVER,
			      osk_at_start(k->cfg.keyboard_onscreen, has_keyboard()));
		break;
	case UI_ACC_KEYBOARD:
		if (!k->acc.checking)
			acc_osk_toggle(&k->acc, c->mono_ms);
		break;
	case UI_ACC_NAME:
		acc_focus(&k->acc, ACC_FIELD_NAME, c->mono_ms);
		break;
	case UI_ACC_PASSWORD:
		acc_focus(&k->acc, ACC_FIELD_PASSWORD, c->mono_ms);
		break;
	case UI_ACC_OK:
		accompany_submit(k, c);
		break;
	case UI_ACC_CANCEL:
		if (!k->acc.checking)
			acc_close(&k->acc);
		break;
	default:
		break;
	}
	k->cover_dirty = true;
}

bool accompany_key(struct kiosk *k, uint32_t keysym, const char *utf8, const struct sm_clock *c)
{
	if (!k->acc.shown || !welcome(k))
		return false;
	if (keysym == XKB_KEY_BackSpace || keysym == XKB_KEY_Delete)
		acc_erase(&k->acc, c->mono_ms);
	else if (keysym == XKB_KEY_Return || keysym == XKB_KEY_KP_Enter)
		accompany_submit(k, c);
	else if (keysym == XKB_KEY_Escape && !k->acc.checking)
		acc_close(&k->acc);
	else if (keysym == XKB_KEY_Tab || keysym == XKB_KEY_ISO_Left_Tab)
		acc_next_field(&k->acc, c->mono_ms);
	else
		acc_type(&k->acc, utf8, c->mono_ms);
	k->cover_dirty = true;
	return true;
}

/* Where the screen's keyboard is in root coordinates, its keys laid out in L; false when it
 * does not show. */
static bool keyboard_at(struct kiosk *k, struct osk_rect *r, struct osk_layout *l)
{
	if (!k->acc.shown || !k->acc.osk.shown || !welcome(k) || !k->x.cover_mapped)
		return false;
	struct x_rect p = x_primary(&k->x);
	ui_accompany_keyboard_rect(p.w, p.h, r);
	r->x += p.x;
	r->y += p.y;
	osk_layout((int)r->w, (int)r->h, l);
	return true;
}

bool accompany_click(struct kiosk *k, double x, double y, const struct sm_clock *c)
{
	struct osk_rect r;
	struct osk_layout l;
	if (!keyboard_at(k, &r, &l) || x < r.x || x >= r.x + r.w || y < r.y || y >= r.y + r.h)
		return false;
	switch (acc_osk_press(&k->acc, osk_hit(&l, x - r.x, y - r.y), c->mono_ms)) {
	case ACC_OSK_SUBMIT:
		accompany_submit(k, c);
		k->cover_dirty = true;
		break;
	case ACC_OSK_CHANGED:
		k->cover_dirty = true;
		break;
	case ACC_OSK_NOTHING:
		break;
	}
	return true;
}

/* The sign-in screen for --status: where the keys go, its message, the password's dots
 * (never the password, nor the name), its keyboard. */
json_t *accompany_json(struct kiosk *k)
{
	static const char *const acc_msgs[] = {
		"",           "empty",        "checking", "bad_login", "not_mediator",
		"wrong_site", "rate_limited", "offline",  "error"};
	_Static_assert(ARRAY_LEN(acc_msgs) == ACC_MSG_ERROR + 1, "a message without its word");
	/* The screen's keyboard's keys in root coordinates (a letter's label in lower case),
	 * which tests press like a mediator; never what was typed in the password. */
	json_t *keys = json_array();
	struct osk_rect r;
	struct osk_layout l;
	bool shown = keyboard_at(k, &r, &l);
	for (int i = 0; shown && i < l.n; i++)
		json_array_append_new(keys,
				      json_pack("{ss si si si si}", "label", osk_key(i)->label, "x",
						(int)(r.x + l.r[i].x), "y", (int)(r.y + l.r[i].y),
						"w", (int)l.r[i].w, "h", (int)l.r[i].h));
	return json_pack("{sb ss ss si si sb sb so}", "shown", k->acc.shown, "field",
			 k->acc.field == ACC_FIELD_NAME ? "name" : "password", "message",
			 acc_msgs[k->acc.msg], "dots", acc_dots(&k->acc), "name_chars",
			 (int)strlen(k->acc.name), "keyboard", k->acc.osk.shown, "keyboard_shift",
			 k->acc.osk.shift, "keyboard_keys", keys);
}

void accompany_tick(struct kiosk *k, const struct sm_clock *c)
{
	/* The welcome screen went (a session, closing time, the desk's lock): so does the
	 * sign-in, but for one admind is checking (its answer opens the session). */
	if (k->acc.shown && !k->acc.checking && !welcome(k))
		acc_close(&k->acc);
	if (acc_tick(&k->acc, c->mono_ms))
		k->cover_dirty = true;
}
