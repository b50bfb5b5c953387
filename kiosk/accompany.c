/* accompany: the mediator's sign-in screen's state (accompany.h). */
#include "accompany.h"

#include <string.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#define RETRY_DEFAULT 30 /* seconds of pause when admind names none */

static void wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

void acc_open(struct accompany *a, int64_t now_ms)
{
	acc_close(a);
	a->shown = true;
	a->touched_ms = now_ms;
}

void acc_close(struct accompany *a)
{
	int64_t lock = a->lockout_until_ms;
	wipe(a, sizeof(*a));
	/* A pause outlives the screen: closing and opening it again does not lift it. */
	a->lockout_until_ms = lock;
}

static char *field(struct accompany *a, size_t *cap)
{
	*cap = a->field == ACC_FIELD_NAME ? sizeof(a->name) : sizeof(a->password);
	return a->field == ACC_FIELD_NAME ? a->name : a->password;
}

bool acc_type(struct accompany *a, const char *utf8, int64_t now_ms)
{
	if (!a->shown || a->checking || !utf8 || !*utf8)
		return false;
	for (const unsigned char *p = (const unsigned char *)utf8; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	size_t cap, n = strlen(utf8);
	char *f = field(a, &cap);
	size_t len = strlen(f);
	if (len + n >= cap)
		return false;
	memcpy(f + len, utf8, n + 1);
	a->touched_ms = now_ms;
	if (a->msg != ACC_MSG_RATE_LIMITED)
		a->msg = ACC_MSG_NONE;
	return true;
}

bool acc_erase(struct accompany *a, int64_t now_ms)
{
	if (!a->shown || a->checking)
		return false;
	size_t cap;
	char *f = field(a, &cap);
	size_t len = strlen(f);
	if (!len)
		return false;
	/* Back over the continuation bytes to the start of the last character. */
	while (len > 0 && ((unsigned char)f[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	wipe(f + len, cap - len);
	a->touched_ms = now_ms;
	return true;
}

void acc_focus(struct accompany *a, enum acc_field f, int64_t now_ms)
{
	if (!a->shown || a->checking)
		return;
	a->field = f;
	a->touched_ms = now_ms;
}

void acc_next_field(struct accompany *a, int64_t now_ms)
{
	acc_focus(a, a->field == ACC_FIELD_NAME ? ACC_FIELD_PASSWORD : ACC_FIELD_NAME, now_ms);
}

bool acc_submit(struct accompany *a, int64_t now_ms, bool helper_up)
{
	if (!a->shown || a->checking)
		return false;
	a->touched_ms = now_ms;
	if (acc_pause_seconds(a, now_ms) > 0) {
		a->msg = ACC_MSG_RATE_LIMITED;
		return false;
	}
	if (a->field == ACC_FIELD_NAME && a->name[0] && !a->password[0]) {
		a->field = ACC_FIELD_PASSWORD;
		return false;
	}
	if (!a->name[0] || !a->password[0]) {
		a->msg = ACC_MSG_EMPTY;
		return false;
	}
	if (!helper_up) {
		a->msg = ACC_MSG_ERROR;
		return false;
	}
	a->checking = true;
	a->msg = ACC_MSG_CHECKING;
	return true;
}

void acc_sent(struct accompany *a, bool taken)
{
	wipe(a->password, sizeof(a->password));
	a->field = ACC_FIELD_PASSWORD;
	if (!taken) {
		a->checking = false;
		a->msg = ACC_MSG_ERROR;
	}
}

bool acc_accepted(struct accompany *a)
{
	if (!a->checking)
		return false;
	acc_close(a);
	return true;
}

bool acc_refused(struct accompany *a, enum wire_refusal why, int64_t retry_after, int64_t now_ms)
{
	if (!a->checking)
		return false;
	a->checking = false;
	wipe(a->password, sizeof(a->password));
	a->field = ACC_FIELD_PASSWORD;
	a->touched_ms = now_ms;
	switch (why) {
	case WIRE_REFUSED_BAD_LOGIN:
		a->msg = ACC_MSG_BAD_LOGIN;
		break;
	case WIRE_REFUSED_NOT_MEDIATOR:
		a->msg = ACC_MSG_NOT_MEDIATOR;
		break;
	case WIRE_REFUSED_WRONG_SITE:
		a->msg = ACC_MSG_WRONG_SITE;
		break;
	case WIRE_REFUSED_OFFLINE:
		a->msg = ACC_MSG_OFFLINE;
		break;
	case WIRE_REFUSED_RATE:
		a->msg = ACC_MSG_RATE_LIMITED;
		a->lockout_until_ms =
			now_ms +
			(retry_after > 0 && retry_after <= 86400 ? retry_after : RETRY_DEFAULT) *
				1000;
		break;
	default:
		a->msg = ACC_MSG_ERROR;
		break;
	}
	return true;
}

bool acc_tick(struct accompany *a, int64_t now_ms)
{
	bool changed = false;
	if (a->lockout_until_ms && now_ms >= a->lockout_until_ms) {
		a->lockout_until_ms = 0;
		if (a->msg == ACC_MSG_RATE_LIMITED)
			a->msg = ACC_MSG_NONE;
		changed = a->shown;
	}
	/* Left on the screen: forgotten, the welcome back (never while admind checks). */
	if (a->shown && !a->checking && now_ms - a->touched_ms >= ACC_IDLE_MS) {
		acc_close(a);
		changed = true;
	}
	return changed;
}

int acc_pause_seconds(const struct accompany *a, int64_t now_ms)
{
	if (!a->lockout_until_ms || now_ms >= a->lockout_until_ms)
		return 0;
	return (int)((a->lockout_until_ms - now_ms + 999) / 1000);
}

int acc_dots(const struct accompany *a)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)a->password; *p; p++)
		n += (*p & 0xc0) != 0x80;
	return n;
}

void acc_osk_offer(struct accompany *a, bool offered, bool shown)
{
	a->osk_offered = a->shown && offered;
	if (a->osk_offered && shown)
		a->osk.shown = true;
	else
		osk_reset(&a->osk);
}

void acc_osk_toggle(struct accompany *a, int64_t now_ms)
{
	if (!a->shown || !a->osk_offered)
		return;
	if (a->osk.shown)
		osk_reset(&a->osk);
	else
		a->osk.shown = true;
	a->touched_ms = now_ms;
}

enum acc_osk_out acc_osk_press(struct accompany *a, int i, int64_t now_ms)
{
	const struct osk_key *k = osk_key(i);
	if (!a->shown || a->checking || !a->osk.shown || !k)
		return ACC_OSK_NOTHING;
	/* A character's text is its label (its capital's after Maj): no keysym to convert. */
	const char *text = a->osk.shift && k->label_shift ? k->label_shift : k->label;
	uint32_t syms[OSK_MAX_SYMS];
	int n = 0;
	unsigned out = osk_press(&a->osk, i, syms, &n);
	a->touched_ms = now_ms;
	if (!(out & OSK_TYPE) || n < 1)
		return out ? ACC_OSK_CHANGED : ACC_OSK_NOTHING;
	switch (syms[0]) {
	case XKB_KEY_BackSpace:
		acc_erase(a, now_ms);
		return ACC_OSK_CHANGED;
	case XKB_KEY_Return:
		return ACC_OSK_SUBMIT;
	case XKB_KEY_Tab:
		acc_next_field(a, now_ms);
		return ACC_OSK_CHANGED;
	case XKB_KEY_space:
		text = " ";
		break;
	case XKB_KEY_Left:
	case XKB_KEY_Right:
	case XKB_KEY_Up:
	case XKB_KEY_Down:
		/* The fields have no caret to move: typing goes at the end. */
		return out & OSK_REDRAW ? ACC_OSK_CHANGED : ACC_OSK_NOTHING;
	default:
		break;
	}
	acc_type(a, text, now_ms);
	return ACC_OSK_CHANGED;
}
