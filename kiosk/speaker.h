/* speaker: runs the speech command (speech.command) for a text, one at a time. */
#ifndef ESCALE_SPEAKER_H
#define ESCALE_SPEAKER_H

#include <stdbool.h>
#include <sys/types.h>

struct speaker {
	pid_t pid; /* the command reading now, 0 if none */
	long said; /* texts given to the command, for --status and the tests */
};

/* Stops what is being read, then runs ARGV (NULL-terminated, ARGV[0] looked up in $PATH)
 * with its output to /dev/null. False when it cannot start (logged). */
bool speaker_say(struct speaker *s, const char *const *argv);
/* Stops what is being read (the session ended, reading was turned off). */
void speaker_stop(struct speaker *s);
/* Collects the command once it has finished reading; call now and then. */
void speaker_reap(struct speaker *s);

#endif
