/* helpdesk: the kiosks' calls for help ("Aide"), kept in admind's memory: a call lives
 * for minutes, dies with its session, and names no one. Thread-safe. */
#ifndef ESCALE_HELPDESK_H
#define ESCALE_HELPDESK_H

#include <stdbool.h>
#include <stdint.h>

#include "wire.h"

#define HELPDESK_MAX 4096 /* kiosks with a call at once: more are not kept (logged) */

struct helpdesk;

struct helpdesk *helpdesk_new(void);
void helpdesk_free(struct helpdesk *h);

/* KIOSK's heartbeat says HELP for its call made at AT_MS (the kiosk's wall ms, telling one
 * call from the next) at NOW (s). A call the desk closed stays closed however late the
 * kiosk hears of it; "none" ends the call. True when this is a new call (to count). */
bool helpdesk_heartbeat(struct helpdesk *h, int64_t kiosk, enum wire_help help, int64_t at_ms,
			int64_t now);
/* The desk answers KIOSK's call: WIRE_CMD_HELP_COMING (false without a call asked or
 * answered) or WIRE_CMD_HELP_CLEAR (always true). */
bool helpdesk_answer(struct helpdesk *h, int64_t kiosk, enum wire_cmd cmd);
/* KIOSK's call: its state, and since when (s, 0 without a call). */
enum wire_help helpdesk_get(struct helpdesk *h, int64_t kiosk, int64_t *since);

#endif
