/* timings: when the steps of a session's start and end happened (monotonic ms, 0: not
 * yet), for --status and tests/bench/kiosk_bench.py only: nothing the kiosk decides reads
 * them. */
#ifndef ESCALE_TIMINGS_H
#define ESCALE_TIMINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct timings {
	int64_t accepted_ms;      /* a code was accepted */
	int64_t client_mapped_ms; /* the browser's first window since (x.c) */
	int64_t end_ms;           /* the end of a session was asked */
	int64_t wiped_ms;         /* its browser killed and directory removed */
	int64_t cover_mapped_ms;  /* the cover mapped (x.c) */
	int64_t welcome_ms;       /* the welcome screen drawn */
	bool welcome_pending;     /* an end waits for its welcome screen */
};

/* {"end_to_welcome_ms", "accept_to_window_ms", "end_to_wiped_ms", "end_to_cover_ms"}:
 * the durations of the last session's start and end, -1 where not measured yet. */
json_t *timings_json(const struct timings *t);

#endif
