/* codeentry: the code typed on the welcome screen (see codeentry.h). */
#include "codeentry.h"

#include <string.h>
#include <xkbcommon/xkbcommon-keysyms.h>

#include "util.h"

void ce_init(struct code_entry *ce, int length, bool alnum)
{
	memset(ce, 0, sizeof(*ce));
	ce->length = length < 1 ? 1 : length > WIRE_CODE_MAX ? WIRE_CODE_MAX : length;
	ce->alnum = alnum;
}

char ce_key_char(const struct code_entry *ce, uint32_t keysym, const char *utf8)
{
	static const struct {
		uint32_t sym;
		char c;
	} azerty[] = {{XKB_KEY_ampersand, '1'},  {XKB_KEY_eacute, '2'},     {XKB_KEY_quotedbl, '3'},
		      {XKB_KEY_apostrophe, '4'}, {XKB_KEY_parenleft, '5'},  {XKB_KEY_minus, '6'},
		      {XKB_KEY_egrave, '7'},     {XKB_KEY_underscore, '8'}, {XKB_KEY_ccedilla, '9'},
		      {XKB_KEY_agrave, '0'}};
	if (keysym >= XKB_KEY_KP_0 && keysym <= XKB_KEY_KP_9)
		return (char)('0' + (keysym - XKB_KEY_KP_0));
	char ch = utf8 && utf8[0] && !utf8[1] ? utf8[0] : 0;
	if (ch >= '0' && ch <= '9')
		return ch;
	if (ce->alnum && ch >= 'a' && ch <= 'z')
		return (char)(ch - 'a' + 'A');
	if (ce->alnum && ch >= 'A' && ch <= 'Z')
		return ch;
	for (size_t i = 0; i < ARRAY_LEN(azerty); i++)
		if (keysym == azerty[i].sym)
			return azerty[i].c;
	return 0;
}

bool ce_paused(const struct code_entry *ce, int64_t now_ms)
{
	return ce->lockout_until_ms > now_ms;
}

int ce_pause_seconds(const struct code_entry *ce, int64_t now_ms)
{
	return ce_paused(ce, now_ms) ? (int)((ce->lockout_until_ms - now_ms + 999) / 1000) : 0;
}

/* The first key after a refusal starts a new code: the refused one goes. */
static void start_afresh(struct code_entry *ce)
{
	if (ce->refused) {
		ce->refused = false;
		ce->typed[0] = '\0';
	}
}

unsigned ce_type(struct code_entry *ce, char ch, int64_t now_ms)
{
	if (!ch || ce->checking || ce_paused(ce, now_ms))
		return 0;
	start_afresh(ce);
	size_t n = strlen(ce->typed);
	if ((int)n >= ce->length || n + 1 >= sizeof(ce->typed))
		return 0;
	ce->typed[n] = ch;
	ce->typed[n + 1] = '\0';
	ce->typed_at_ms = now_ms;
	ce->msg = UI_MSG_NONE;
	unsigned out = CE_REDRAW | CE_TYPED;
	if ((int)n + 1 == ce->length)
		out |= CE_SUBMIT;
	return out;
}

unsigned ce_erase(struct code_entry *ce, int64_t now_ms)
{
	size_t n = strlen(ce->typed);
	if (ce->checking || n == 0)
		return 0;
	if (ce->refused) {
		start_afresh(ce);
		ce->msg = UI_MSG_NONE;
		return CE_REDRAW;
	}
	ce->typed[n - 1] = '\0';
	ce->typed_at_ms = now_ms;
	ce->msg = UI_MSG_NONE;
	return CE_REDRAW;
}

unsigned ce_clear(struct code_entry *ce)
{
	ce->typed[0] = '\0';
	ce->refused = false;
	return CE_REDRAW;
}

bool ce_submit(struct code_entry *ce, int64_t now_ms, bool helper_up)
{
	/* The refused code again would only spend a try: its message stays. */
	if (ce->checking || ce->refused || ce_paused(ce, now_ms))
		return false;
	if ((int)strlen(ce->typed) < ce->length) {
		ce->msg = UI_MSG_TOO_SHORT;
		return false;
	}
	if (!helper_up) {
		ce->msg = UI_MSG_ERROR;
		return false;
	}
	return true;
}

void ce_sent(struct code_entry *ce, bool taken)
{
	ce->checking = taken;
	ce->msg = taken ? UI_MSG_CHECKING : UI_MSG_ERROR;
}

bool ce_accepted(struct code_entry *ce)
{
	if (!ce->checking)
		return false;
	ce->checking = false;
	ce->typed[0] = '\0';
	ce->msg = UI_MSG_NONE;
	return true;
}

bool ce_refused(struct code_entry *ce, enum wire_refusal why, int64_t retry_after,
		int64_t tries_left, int64_t now_ms)
{
	static const enum ui_login_msg msgs[] = {
		[WIRE_REFUSED_UNKNOWN] = UI_MSG_UNKNOWN,
		[WIRE_REFUSED_EXPIRED] = UI_MSG_EXPIRED,
		[WIRE_REFUSED_USED_UP] = UI_MSG_USED_UP,
		[WIRE_REFUSED_REVOKED] = UI_MSG_REVOKED,
		[WIRE_REFUSED_IN_USE] = UI_MSG_IN_USE,
		[WIRE_REFUSED_RATE] = UI_MSG_RATE_LIMITED,
		[WIRE_REFUSED_KIOSK] = UI_MSG_KIOSK_REFUSED,
		[WIRE_REFUSED_ERROR] = UI_MSG_ERROR,
		/* A mediator's sign-in has its own screen (accompany.c). */
		[WIRE_REFUSED_BAD_LOGIN] = UI_MSG_ERROR,
		[WIRE_REFUSED_NOT_MEDIATOR] = UI_MSG_ERROR,
		[WIRE_REFUSED_WRONG_SITE] = UI_MSG_ERROR,
		[WIRE_REFUSED_OFFLINE] = UI_MSG_ERROR,
	};
	_Static_assert(ARRAY_LEN(msgs) == WIRE_REFUSED_COUNT, "a refusal without its message");
	if (!ce->checking)
		return false;
	ce->checking = false;
	ce->msg = (unsigned)why < WIRE_REFUSED_COUNT ? msgs[why] : UI_MSG_ERROR;
	ce->tries_left = ce->msg == UI_MSG_UNKNOWN && tries_left > 0 ? tries_left : 0;
	/* Kept, to compare with the ticket, until the first key; not through a pause (its
	 * countdown shows) nor when the code did not even reach a check. */
	ce->refused = ce->msg != UI_MSG_RATE_LIMITED && ce->msg != UI_MSG_ERROR &&
		      ce->msg != UI_MSG_KIOSK_REFUSED;
	if (!ce->refused)
		ce->typed[0] = '\0';
	if (ce->msg == UI_MSG_RATE_LIMITED)
		ce->lockout_until_ms =
			now_ms + (retry_after > 0 ? retry_after : CE_RETRY_DEFAULT) * 1000;
	return true;
}

bool ce_unpause(struct code_entry *ce)
{
	bool was = ce->lockout_until_ms != 0 || ce->msg == UI_MSG_RATE_LIMITED;
	ce->lockout_until_ms = 0;
	ce->tries_left = 0;
	if (ce->msg == UI_MSG_RATE_LIMITED)
		ce->msg = UI_MSG_NONE;
	return was;
}

void ce_helper_lost(struct code_entry *ce)
{
	if (ce->checking) {
		ce->checking = false;
		ce->msg = UI_MSG_ERROR;
	}
}

bool ce_tick(struct code_entry *ce, int64_t now_ms)
{
	if (ce->typed[0] && now_ms - ce->typed_at_ms >= CE_TYPED_CLEAR_MS) {
		ce->typed[0] = '\0';
		ce->refused = false;
		ce->msg = UI_MSG_NONE;
		return true;
	}
	return false;
}

int64_t ce_next_deadline_ms(const struct code_entry *ce, int64_t now_ms, bool welcome)
{
	int64_t wait = -1;
	if (ce_paused(ce, now_ms))
		wait = (ce->lockout_until_ms - now_ms) % 1000 + 1; /* the countdown's next second */
	if (welcome && ce->typed[0]) {
		int64_t ms = ce->typed_at_ms + CE_TYPED_CLEAR_MS - now_ms;
		if (ms < 1)
			ms = 1;
		if (wait < 0 || ms < wait)
			wait = ms;
	}
	return wait;
}

enum ui_login_msg ce_message(struct code_entry *ce, int64_t now_ms)
{
	if (ce_paused(ce, now_ms))
		return UI_MSG_RATE_LIMITED;
	if (ce->msg == UI_MSG_RATE_LIMITED)
		ce->msg = UI_MSG_NONE; /* the pause is over */
	return ce->msg;
}
