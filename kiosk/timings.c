/* timings: the last session's start and end durations (see timings.h). */
#include "timings.h"

/* TO - FROM when both happened in that order, else -1. */
static json_int_t span(int64_t from, int64_t to)
{
	return from && to >= from ? (json_int_t)(to - from) : -1;
}

json_t *timings_json(const struct timings *t)
{
	return json_pack("{sI sI sI sI}", "end_to_welcome_ms", span(t->end_ms, t->welcome_ms),
			 "accept_to_window_ms", span(t->accepted_ms, t->client_mapped_ms),
			 "end_to_wiped_ms", span(t->end_ms, t->wiped_ms), "end_to_cover_ms",
			 span(t->end_ms, t->cover_mapped_ms));
}
