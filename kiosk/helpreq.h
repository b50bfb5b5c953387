/* helpreq: the resident's call for help ("Aide"): asked by a press, cancelled by another,
 * answered by the desk (help_coming, help_clear), dropped with the session. Pure. */
#ifndef ESCALE_HELPREQ_H
#define ESCALE_HELPREQ_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

struct helpreq {
	enum wire_help state;
	int64_t at_ms; /* wall ms of the ask (0: none): admind tells one call from the next */
};

/* The resident pressed "Aide" at wall time NOW_MS: asks, or cancels a call (asked or
 * answered). Returns the new state. */
enum wire_help helpreq_press(struct helpreq *h, int64_t now_ms);
/* The desk's command CMD (WIRE_CMD_HELP_COMING or _CLEAR): true when the state changed.
 * "Coming" for a call the resident already cancelled changes nothing. */
bool helpreq_desk(struct helpreq *h, enum wire_cmd cmd);
/* The session ended: true when a call was dropped. */
bool helpreq_reset(struct helpreq *h);

#endif
