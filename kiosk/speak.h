/* speak: what "Écouter" reads aloud for each screen, and the speech command's arguments;
 * pure (no process here: kiosk/speaker.c runs it). */
#ifndef ESCALE_SPEAK_H
#define ESCALE_SPEAK_H

#include <stdbool.h>
#include <stddef.h>

#include "view.h"

#define SPEAK_TEXT_MAX 1024
#define SPEAK_MAX_ARGS 32

/* The words to read for V, in the current language (gettext), into BUF (N bytes): the
 * screen's instructions, its message, the bar's warning. SESSION: a session shows without a
 * prompt over it (V->screen is then not shown): the time left, the bar's warning, how to
 * end. Returns false when there is nothing to read. */
bool speak_text(const struct ui_view *v, bool session, char *buf, size_t n);

/* What changes the words to read, beyond their counters (minutes left, seconds): into BUF.
 * While reading is on, the kiosk reads again when this changes (a warning appears, another
 * screen shows), never each minute. */
void speak_topic(const struct ui_view *v, bool session, char *buf, size_t n);

/* ARGV (SPEAK_MAX_ARGS + 1 slots, NULL-terminated) from the command CMD (NULL-terminated,
 * speech.command) with "%l" replaced by VOICE (lang.h's: "fr", "ar"...) and "%t" by TEXT; a
 * command without "%t" gets TEXT as its last argument. Whole arguments only are replaced:
 * the text never splits into several. The strings point into CMD, VOICE and TEXT. */
bool speak_argv(const char *const *cmd, const char *voice, const char *text,
		const char *argv[SPEAK_MAX_ARGS + 1]);

#endif
