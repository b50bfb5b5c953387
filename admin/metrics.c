/* metrics: request counts and latencies, and GET /metrics in Prometheus' text format. */
#include "metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "print.h"
#include "util.h"

/* Upper bounds of the latency buckets, in microseconds (le="0.0005" ... le="1"). */
static const int64_t bucket_us[] = {500,   1000,  2500,   5000,   10000,
				    25000, 50000, 100000, 250000, 1000000};
#define NBUCKETS ARRAY_LEN(bucket_us)

/* One lock over all the figures, so that a scrape sees them at one instant: the count,
 * the +Inf bucket and the classes' sum always agree, even while requests complete. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t by_class[6];       /* 1xx..5xx by status / 100 */
static uint64_t buckets[NBUCKETS]; /* requests at or under each bound */
static uint64_t total, total_micros;

void metrics_observe(unsigned status, int64_t micros)
{
	if (micros < 0)
		micros = 0;
	unsigned cls = status / 100;
	pthread_mutex_lock(&lock);
	if (cls >= 1 && cls <= 5)
		by_class[cls]++;
	for (size_t i = 0; i < NBUCKETS; i++)
		if (micros <= bucket_us[i])
			buckets[i]++;
	total_micros += (uint64_t)micros;
	total++;
	pthread_mutex_unlock(&lock);
}

struct text {
	char *buf;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap * 2 + (size_t)n;
		t->buf = xrealloc(t->buf, t->cap);
	}
}

/* A label value as Prometheus reads it: backslash, quote and newline escaped. */
static void put_label(struct text *t, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			put(t, "\\%c", *s);
		else if (*s == '\n')
			put(t, "\\n");
		else
			put(t, "%c", *s);
	}
}

static size_t count_where(json_t *list, const char *key)
{
	size_t n = 0, i;
	json_t *v;
	json_array_foreach (list, i, v)
		if (!key || json_is_true(json_object_get(v, key)))
			n++;
	return n;
}

char *metrics_text(json_t *kiosks, json_t *sessions, json_t *printers)
{
	struct text t = {xmalloc(4096), 0, 4096};
	uint64_t cls_now[6], buckets_now[NBUCKETS], n_now, micros_now;
	pthread_mutex_lock(&lock);
	memcpy(cls_now, by_class, sizeof(cls_now));
	memcpy(buckets_now, buckets, sizeof(buckets_now));
	n_now = total;
	micros_now = total_micros;
	pthread_mutex_unlock(&lock);
	put(&t, "# HELP escale_http_requests_total HTTP requests answered, by status class.\n"
		"# TYPE escale_http_requests_total counter\n");
	for (unsigned c = 1; c <= 5; c++)
		put(&t, "escale_http_requests_total{code=\"%uxx\"} %llu\n", c,
		    (unsigned long long)cls_now[c]);
	put(&t, "# HELP escale_http_request_duration_seconds Time from a request's arrival to "
		"its answer.\n"
		"# TYPE escale_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < NBUCKETS; i++)
		put(&t, "escale_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    (double)bucket_us[i] / 1e6, (unsigned long long)buckets_now[i]);
	unsigned long long n = n_now;
	put(&t,
	    "escale_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "escale_http_request_duration_seconds_sum %.6f\n"
	    "escale_http_request_duration_seconds_count %llu\n",
	    n, (double)micros_now / 1e6, n);

	json_t *kl = json_object_get(kiosks, "kiosks");
	put(&t,
	    "# HELP escale_kiosks Kiosks registered and not revoked.\n"
	    "# TYPE escale_kiosks gauge\n"
	    "escale_kiosks %zu\n"
	    "# HELP escale_kiosks_online Kiosks heard from within kiosks.offline_seconds.\n"
	    "# TYPE escale_kiosks_online gauge\n"
	    "escale_kiosks_online %zu\n",
	    count_where(kl, NULL) - count_where(kl, "revoked"), count_where(kl, "online"));
	put(&t,
	    "# HELP escale_sessions_open Sessions open on kiosks.\n"
	    "# TYPE escale_sessions_open gauge\n"
	    "escale_sessions_open %zu\n",
	    count_where(json_object_get(sessions, "sessions"), NULL));

	json_t *pl = json_object_get(printers, "printers");
	if (json_array_size(pl)) {
		put(&t, "# HELP escale_printer_state The print queue's state (1 for the current "
			"one).\n"
			"# TYPE escale_printer_state gauge\n");
		static const char *const states[] = {"idle", "processing", "stopped", "unreachable",
						     "unknown_queue"};
		size_t i;
		json_t *p;
		json_array_foreach (pl, i, p) {
			const char *state = json_string_value(json_object_get(p, "state"));
			for (size_t s = 0; s < ARRAY_LEN(states); s++) {
				put(&t, "escale_printer_state{queue=\"");
				put_label(&t, json_string_value(json_object_get(p, "name")));
				put(&t, "\",state=\"%s\"} %d\n", states[s],
				    state && strcmp(state, states[s]) == 0);
			}
		}
		put(&t, "# HELP escale_printer_needs_attention 1 when the queue needs the desk "
			"(a jam, no paper, a stuck job).\n"
			"# TYPE escale_printer_needs_attention gauge\n");
		json_array_foreach (pl, i, p) {
			put(&t, "escale_printer_needs_attention{queue=\"");
			put_label(&t, json_string_value(json_object_get(p, "name")));
			put(&t, "\"} %d\n", json_is_true(json_object_get(p, "needs_attention")));
		}
		put(&t, "# HELP escale_printer_jobs_waiting Jobs of the queue not finished yet.\n"
			"# TYPE escale_printer_jobs_waiting gauge\n");
		json_array_foreach (pl, i, p) {
			put(&t, "escale_printer_jobs_waiting{queue=\"");
			put_label(&t, json_string_value(json_object_get(p, "name")));
			put(&t, "\"} %lld\n",
			    (long long)json_integer_value(json_object_get(p, "jobs_waiting")));
		}
	}
	return t.buf;
}

void api_metrics(struct app *app, struct http_req *r)
{
	static const char *const q[] = {NULL};
	if (!http_query_only(r, q))
		return;
	if (!app->cfg.metrics_enabled) {
		http_error(r, 404, "not_found", "metrics are off (metrics.enabled in the config)");
		return;
	}
	struct store_kiosk_rows krows;
	struct store_session_rows srows;
	store_kiosk_list(app->store, &krows);
	store_session_list(app->store, true, NULL, &srows);
	json_t *kiosks = api_kiosks_json(&krows);
	json_t *sessions = api_sessions_json(&srows);
	store_kiosk_rows_free(&krows);
	store_session_rows_free(&srows);
	json_t *printers = app->print ? print_printers(app->print) : NULL;
	if (!kiosks || !sessions) {
		json_decref(kiosks);
		json_decref(sessions);
		json_decref(printers);
		http_error(r, 500, "internal", "cannot read the database");
		return;
	}
	char *text = metrics_text(kiosks, sessions, printers);
	json_decref(kiosks);
	json_decref(sessions);
	json_decref(printers);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	http_response(r, 200, resp);
}
