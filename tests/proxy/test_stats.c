/* test_stats: the services reached per session, the hosts refused per day. */
#include <string.h>

#include "../unit/test.h"
#include "stats.h"

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

int main(void)
{
	static struct stats st;
	stats_session_reset(&st);
	stats_reached(&st, "caf");
	stats_reached(&st, "ameli");
	stats_reached(&st, "caf");
	CHECK(strcmp(st.last, "caf") == 0);
	char *s = dump(stats_session_end(&st));
	CHECK(strcmp(s, "[\"caf\",\"ameli\"]") == 0);
	free(s);
	s = dump(stats_session_end(&st));
	CHECK(strcmp(s, "[]") == 0);
	free(s);
	CHECK(st.last[0] == '\0');

	stats_refused(&st, "2026-12-06", "tracker.example", NULL);
	stats_refused(&st, "2026-12-06", "tracker.example", "caf");
	stats_refused(&st, "2026-12-06", "cdn.example", NULL);
	s = dump(stats_refusals(&st, "2026-12-06"));
	CHECK(strcmp(s, "{\"t\":\"refusals\",\"day\":\"2026-12-06\",\"hosts\":[{\"host\":"
			"\"tracker.example\",\"service\":\"caf\",\"count\":2},{\"host\":"
			"\"cdn.example\",\"service\":null,\"count\":1}],\"other\":0}") == 0);
	free(s);
	/* 256 distinct hosts, the rest in "other" */
	for (int i = 0; i < 300; i++) {
		char h[32];
		snprintf(h, sizeof(h), "h%d.example", i);
		stats_refused(&st, "2026-12-06", h, NULL);
	}
	CHECK(st.n_ref == 256 && st.other == 300 - 254);
	/* a new day starts from zero */
	s = dump(stats_refusals(&st, "2026-12-07"));
	CHECK(strcmp(s, "{\"t\":\"refusals\",\"day\":\"2026-12-07\",\"hosts\":[],\"other\":0}") ==
	      0);
	free(s);
	stats_refused(&st, "2026-12-08", "x.example", NULL);
	CHECK(st.n_ref == 1 && strcmp(st.day, "2026-12-08") == 0);
	/* more distinct services than a session keeps: no overflow */
	for (int i = 0; i < 300; i++) {
		char id[16];
		snprintf(id, sizeof(id), "s%d", i);
		stats_reached(&st, id);
	}
	CHECK(st.n_reached == STATS_MAX_SESSION);
	json_decref(stats_session_end(&st));
	return TEST_DONE();
}
