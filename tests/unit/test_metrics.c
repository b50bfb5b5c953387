/* test_metrics: the Prometheus text of GET /metrics: counters, cumulative buckets, the
 * kiosk and session gauges, one state line per printer state, label values escaped. */
#include <string.h>

#include "metrics.h"
#include "test.h"

static void has(const char *text, const char *line)
{
	const char *p = strstr(text, line);
	/* A whole line: at the start of the text or after a newline, ending with one. */
	while (p && p != text && p[-1] != '\n')
		p = strstr(p + 1, line);
	if (!p || p[strlen(line)] != '\n') {
		fprintf(stderr, "missing line: %s\n", line);
		test_failures++;
	}
}

int main(void)
{
	json_t *kiosks = json_pack("{s[{sb sb} {sb sb} {sb sb}]}", "kiosks", "online", 1, "revoked",
				   0, "online", 0, "revoked", 0, "online", 0, "revoked", 1);
	json_t *sessions = json_pack("{s[{} {}]}", "sessions");
	json_t *printers =
		json_pack("{s[{ss ss sb sI}]}", "printers", "name", "hall \"2\"\\", "state",
			  "stopped", "needs_attention", 1, "jobs_waiting", (json_int_t)3);

	char *t = metrics_text(kiosks, sessions, NULL);
	has(t, "escale_kiosks 2");
	has(t, "escale_kiosks_online 1");
	has(t, "escale_sessions_open 2");
	has(t, "escale_http_request_duration_seconds_count 0");
	CHECK(!strstr(t, "escale_printer"));
	free(t);

	metrics_observe(200, 300);     /* 0.3 ms */
	metrics_observe(404, 20000);   /* 20 ms */
	metrics_observe(503, 3000000); /* 3 s: above every bucket but +Inf */
	t = metrics_text(kiosks, sessions, printers);
	has(t, "escale_http_requests_total{code=\"2xx\"} 1");
	has(t, "escale_http_requests_total{code=\"4xx\"} 1");
	has(t, "escale_http_requests_total{code=\"5xx\"} 1");
	has(t, "escale_http_request_duration_seconds_bucket{le=\"0.0005\"} 1");
	has(t, "escale_http_request_duration_seconds_bucket{le=\"0.01\"} 1");
	has(t, "escale_http_request_duration_seconds_bucket{le=\"0.025\"} 2");
	has(t, "escale_http_request_duration_seconds_bucket{le=\"1\"} 2");
	has(t, "escale_http_request_duration_seconds_bucket{le=\"+Inf\"} 3");
	has(t, "escale_http_request_duration_seconds_sum 3.020300");
	has(t, "escale_http_request_duration_seconds_count 3");
	has(t, "escale_printer_state{queue=\"hall \\\"2\\\"\\\\\",state=\"stopped\"} 1");
	has(t, "escale_printer_state{queue=\"hall \\\"2\\\"\\\\\",state=\"idle\"} 0");
	has(t, "escale_printer_needs_attention{queue=\"hall \\\"2\\\"\\\\\"} 1");
	has(t, "escale_printer_jobs_waiting{queue=\"hall \\\"2\\\"\\\\\"} 3");
	free(t);

	json_decref(kiosks);
	json_decref(sessions);
	json_decref(printers);
	return TEST_DONE();
}
