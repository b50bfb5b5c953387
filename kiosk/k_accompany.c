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

void accompany_tick(struct kiosk *k, const struct sm_clock *c)
{
	/* The welcome screen went (a session, closing time, the desk's lock): so does the
	 * sign-in, but for one admind is checking (its answer opens the session). */
	if (k->acc.shown && !k->acc.checking && !welcome(k))
		acc_close(&k->acc);
	if (acc_tick(&k->acc, c->mono_ms))
		k->cover_dirty = true;
}
