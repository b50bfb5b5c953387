/* helpreq: the resident's call for help (helpreq.h). */
#include "helpreq.h"

enum wire_help helpreq_press(struct helpreq *h, int64_t now_ms)
{
	if (h->state == WIRE_HELP_NONE) {
		h->state = WIRE_HELP_ASKED;
		h->at_ms = now_ms > 0 ? now_ms : 1;
	} else {
		helpreq_reset(h);
	}
	return h->state;
}

bool helpreq_desk(struct helpreq *h, enum wire_cmd cmd)
{
	if (cmd == WIRE_CMD_HELP_CLEAR)
		return helpreq_reset(h);
	if (cmd != WIRE_CMD_HELP_COMING || h->state != WIRE_HELP_ASKED)
		return false;
	h->state = WIRE_HELP_COMING;
	return true;
}

bool helpreq_reset(struct helpreq *h)
{
	bool was = h->state != WIRE_HELP_NONE;
	h->state = WIRE_HELP_NONE;
	h->at_ms = 0;
	return was;
}
