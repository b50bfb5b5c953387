/* loadgen: K simulated kiosks hammering escale-admind over HTTP/1.1 keep-alive.
 *
 * One process, one libcurl multi handle driven by epoll (curl_multi_socket_action),
 * one easy handle per kiosk. Closed loop: a kiosk sends its next request as soon
 * as the previous answer arrived. At most --max-conn requests are in flight at
 * once (and at most that many connections are opened); kiosks beyond that wait
 * their turn in a FIFO, like requests queued in front of a busy server.
 *
 * Two latencies are recorded, with a monotonic clock, for every request:
 *   - "wire": from handing the request to libcurl (a connection is free) to the
 *     complete answer: what the server costs;
 *   - "kiosk": from the moment the kiosk wanted to send to the answer, including
 *     the wait for a free connection slot. In a closed loop with no think time
 *     this is about K / throughput (Little's law), whatever the server does.
 *
 * This is a benchmark: it prints figures and asserts nothing about timing.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define RESP_CAP   4096
#define MAX_STATUS 600

enum mode { MODE_HEARTBEAT, MODE_SESSIONS };
enum kind { K_HEARTBEAT, K_OPEN, K_END, K_NKINDS };
static const char *kind_name[K_NKINDS] = {"heartbeat", "open", "end"};

/* SETUP: heartbeat mode opens its sessions; WARMUP and MEASURE: the load;
 * DRAIN: answers still in flight are read (not recorded), nothing new is sent;
 * CLEANUP: the sessions still open are ended, so that the next run (or
 * another tool) finds every code free. */
enum phase { PH_SETUP, PH_WARMUP, PH_MEASURE, PH_DRAIN, PH_CLEANUP };

struct kiosk {
	int idx;
	CURL *easy;
	struct curl_slist *hdrs;
	const char *code; /* NULL: this kiosk never opens a session */
	char session[65];
	bool has_session;
	int64_t session_start_us;
	int hb_left; /* sessions mode: heartbeats left in this cycle */
	int open_failures;
	enum kind kind;
	bool setup_done;
	char body[256];
	char resp[RESP_CAP + 1];
	size_t resp_len;
	int64_t t_ready, t_add;
};

struct lat {
	uint32_t *v;
	size_t n, cap;
};

struct stats {
	struct lat wire[K_NKINDS];
	struct lat kiosk_all;
	uint64_t count[K_NKINDS];
	uint64_t errors[K_NKINDS];
	uint64_t by_status[MAX_STATUS]; /* index 0: transport error */
	uint64_t by_curlcode[CURL_LAST];
};

static struct {
	const char *url;
	int kiosks;
	double seconds, warmup;
	const char *tokens_file, *codes_file;
	int max_conn;
	enum mode mode;
	long pid;
	int in_session_pct; /* heartbeat mode: share of kiosks with an open session */
	int session_hb;     /* sessions mode: heartbeats per session */
	double interval;    /* think time between a kiosk's answer and its next request */
} opt = {
	.kiosks = 0,
	.seconds = 10,
	.warmup = 2,
	.max_conn = 0,
	.mode = MODE_HEARTBEAT,
	.pid = 0,
	.in_session_pct = -1,
	.session_hb = 3,
};

static CURLM *multi;
static int epfd;
static int64_t timer_deadline_us = -1;
static struct kiosk *ks;
static int *readyq; /* FIFO of kiosk indices, capacity K */
static int rq_head, rq_len;
static int inflight;
static enum phase phase = PH_SETUP;
static struct stats st;
static char *base_url; /* without trailing slash */
static char *url_heartbeat, *url_open;
static int setup_pending;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "loadgen: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc0(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void lat_push(struct lat *l, int64_t us)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 65536;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			die("out of memory");
	}
	l->v[l->n++] = us < 0 ? 0 : us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile, in milliseconds; the array must be sorted. */
static double pct_ms(const struct lat *l, double q)
{
	if (l->n == 0)
		return 0;
	size_t r = (size_t)(q * (double)l->n + 0.999999);
	if (r < 1)
		r = 1;
	if (r > l->n)
		r = l->n;
	return l->v[r - 1] / 1000.0;
}

static char **read_lines(const char *path, int want, const char *what)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char **v = xmalloc0(sizeof(char *) * (size_t)(want > 0 ? want : 1));
	int n = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while (n < want && (len = getline(&line, &cap, f)) >= 0) {
		while (len > 0 &&
		       (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (len == 0)
			continue;
		v[n] = strdup(line);
		if (!v[n])
			die("out of memory");
		n++;
	}
	free(line);
	fclose(f);
	if (n < want)
		die("%s: %d %s for %d kiosks: need one a line, one per kiosk", path, n, what, want);
	return v;
}

/* ---- admind process figures from /proc ---- */

static long proc_status_kb(long pid, const char *key)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long v = -1;
	size_t kl = strlen(key);
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* utime + stime of PID in seconds, or -1. */
static double proc_cpu_s(long pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* after ") ": field 3 is state; utime is field 14, stime 15 */
	unsigned long long ut = 0, stt = 0;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &stt) != 2)
		return -1;
	return (double)(ut + stt) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds spent by the whole machine (every core, not idle), or -1. */
static double machine_busy_s(void)
{
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return -1;
	unsigned long long v[8] = {0};
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		       &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 8)
		return -1;
	/* user nice system idle iowait irq softirq steal: all but idle and iowait */
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/* ---- libcurl plumbing ---- */

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct kiosk *k = userdata;
	size_t n = size * nmemb;
	size_t room = RESP_CAP - k->resp_len;
	size_t c = n < room ? n : room;
	memcpy(k->resp + k->resp_len, ptr, c);
	k->resp_len += c;
	k->resp[k->resp_len] = '\0';
	return n;
}

static int sock_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	(void)e;
	(void)userp;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, s, NULL);
		curl_multi_assign(multi, s, NULL);
		return 0;
	}
	struct epoll_event ev = {0};
	ev.data.fd = s;
	if (what & CURL_POLL_IN)
		ev.events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		ev.events |= EPOLLOUT;
	int op = socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(epfd, op, s, &ev) < 0) {
		/* a recycled descriptor number, or one we never saw: try the other way */
		op = op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
		if (epoll_ctl(epfd, op, s, &ev) < 0)
			die("epoll_ctl(%d): %s", s, strerror(errno));
	}
	if (!socketp)
		curl_multi_assign(multi, s, (void *)1);
	return 0;
}

static int timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	(void)m;
	(void)userp;
	timer_deadline_us = timeout_ms < 0 ? -1 : now_us() + timeout_ms * 1000;
	return 0;
}

/* ---- the kiosks' behaviour ---- */

/* Kiosks thinking (--interval): a FIFO, since they all wait the same time. */
static int *sleepq;
static int64_t *sleep_due;
static int sq_head, sq_len;

static void sleep_then_ready(struct kiosk *k, int64_t due)
{
	int at = (sq_head + sq_len) % opt.kiosks;
	sleepq[at] = k->idx;
	sleep_due[at] = due;
	sq_len++;
}

static void ready(struct kiosk *k, int64_t t)
{
	k->t_ready = t;
	readyq[(rq_head + rq_len) % opt.kiosks] = k->idx;
	rq_len++;
}

static int64_t seconds_used(const struct kiosk *k, int64_t t)
{
	return (t - k->session_start_us) / 1000000;
}

/* Prepares the kiosk's next request (k->kind already chosen) and hands it to curl. */
static void launch(struct kiosk *k, int64_t t)
{
	CURL *e = k->easy;
	char urlbuf[512];
	switch (k->kind) {
	case K_HEARTBEAT:
		curl_easy_setopt(e, CURLOPT_URL, url_heartbeat);
		if (k->has_session)
			snprintf(k->body, sizeof k->body,
				 "{\"state\":\"session\",\"session\":\"%s\",\"seconds_used\":"
				 "%" PRId64 "}",
				 k->session, seconds_used(k, t));
		else
			snprintf(k->body, sizeof k->body, "{\"state\":\"login\"}");
		break;
	case K_OPEN:
		curl_easy_setopt(e, CURLOPT_URL, url_open);
		snprintf(k->body, sizeof k->body, "{\"code\":\"%s\"}", k->code);
		break;
	case K_END: {
		int64_t su = seconds_used(k, t);
		snprintf(urlbuf, sizeof urlbuf, "%s/api/v1/kiosk/sessions/%s/end", base_url,
			 k->session);
		curl_easy_setopt(e, CURLOPT_URL, urlbuf);
		snprintf(k->body, sizeof k->body,
			 "{\"reason\":\"user\",\"seconds_used\":%" PRId64 "}", su < 1 ? 1 : su);
		break;
	}
	default:
		die("bad kind");
	}
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, k->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(k->body));
	k->resp_len = 0;
	k->resp[0] = '\0';
	k->t_add = now_us();
	CURLMcode mc = curl_multi_add_handle(multi, e);
	if (mc != CURLM_OK)
		die("curl_multi_add_handle: %s", curl_multi_strerror(mc));
	inflight++;
}

static void dispatch(void)
{
	int64_t t = now_us();
	while (rq_len > 0 && inflight < opt.max_conn) {
		struct kiosk *k = &ks[readyq[rq_head]];
		rq_head = (rq_head + 1) % opt.kiosks;
		rq_len--;
		launch(k, t);
	}
}

/* Finds "KEY" : "VALUE" in a JSON text (good enough for admind's answers). */
static bool json_str(const char *js, const char *key, char *out, size_t n)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\"", key);
	const char *p = strstr(js, pat);
	if (!p)
		return false;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p++ != ':')
		return false;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p++ != '"')
		return false;
	size_t i = 0;
	while (*p && *p != '"' && i + 1 < n)
		out[i++] = *p++;
	if (*p != '"')
		return false;
	out[i] = '\0';
	return i > 0;
}

/* True if the heartbeat answer says the session is over ("active": false). */
static bool hb_session_inactive(const char *js)
{
	const char *p = strstr(js, "\"active\"");
	if (!p)
		return false;
	p += 8;
	while (*p == ' ' || *p == ':' || *p == '\t')
		p++;
	return *p == 'f';
}

/* Picks the next request of kiosk K after an answer (ok or not). */
static void next_action(struct kiosk *k, bool ok)
{
	switch (k->kind) {
	case K_OPEN:
		if (ok && json_str(k->resp, "session", k->session, sizeof k->session)) {
			k->has_session = true;
			k->session_start_us = now_us();
			k->open_failures = 0;
			k->hb_left = opt.session_hb;
			k->kind = K_HEARTBEAT;
		} else {
			k->has_session = false;
			/* heartbeat mode: a kiosk whose code keeps failing stays at the login screen */
			if (opt.mode == MODE_HEARTBEAT && ++k->open_failures >= 3) {
				k->code = NULL;
				k->kind = K_HEARTBEAT;
			}
		}
		break;
	case K_HEARTBEAT:
		if (ok && k->has_session && hb_session_inactive(k->resp)) {
			k->has_session = false;
			if (k->code)
				k->kind = K_OPEN;
			break;
		}
		if (opt.mode == MODE_SESSIONS && k->has_session && --k->hb_left <= 0)
			k->kind = K_END;
		break;
	case K_END:
		k->has_session = false;
		k->kind = K_OPEN;
		break;
	default:
		break;
	}
}

static void record(struct kiosk *k, long status, CURLcode cc, int64_t t_done)
{
	bool ok = cc == CURLE_OK && status >= 200 && status < 300;
	if (phase != PH_MEASURE)
		return;
	st.count[k->kind]++;
	if (!ok)
		st.errors[k->kind]++;
	if (cc != CURLE_OK) {
		st.by_status[0]++;
		if ((int)cc < CURL_LAST)
			st.by_curlcode[cc]++;
	} else if (status >= 0 && status < MAX_STATUS) {
		st.by_status[status]++;
	}
	lat_push(&st.wire[k->kind], t_done - k->t_add);
	lat_push(&st.kiosk_all, t_done - k->t_ready);
}

static void check_done(void)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		int64_t t = now_us();
		CURL *e = m->easy_handle;
		CURLcode cc = m->data.result;
		struct kiosk *k = NULL;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&k);
		long status = 0;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		curl_multi_remove_handle(multi, e);
		inflight--;
		bool ok = cc == CURLE_OK && status >= 200 && status < 300;
		if (phase == PH_DRAIN) {
			next_action(k, ok);
			continue;
		}
		if (phase == PH_CLEANUP) {
			if (!ok)
				fprintf(stderr,
					"loadgen: kiosk %d: ending session %s failed (%s %ld): "
					"%.200s\n",
					k->idx, k->session, curl_easy_strerror(cc), status,
					k->resp);
			k->has_session = false;
			setup_pending--;
			continue;
		}
		if (phase == PH_SETUP) {
			/* heartbeat mode: open the sessions before the clock starts */
			if (!ok && cc == CURLE_OK && k->open_failures < 2) {
				k->open_failures++;
				ready(k, t);
				continue;
			}
			if (ok)
				next_action(k, ok);
			else {
				fprintf(stderr,
					"loadgen: kiosk %d: opening a session failed (%s %ld): "
					"%.200s\n",
					k->idx, curl_easy_strerror(cc), status, k->resp);
				k->code = NULL;
				k->has_session = false;
				k->kind = K_HEARTBEAT;
			}
			k->setup_done = true;
			setup_pending--;
			continue;
		}
		record(k, status, cc, t);
		if (!ok && getenv("LOADGEN_DEBUG"))
			fprintf(stderr, "loadgen: kiosk %d %s: %s %ld %.200s\n", k->idx,
				kind_name[k->kind], curl_easy_strerror(cc), status, k->resp);
		next_action(k, ok);
		if (opt.interval > 0)
			sleep_then_ready(k, t + (int64_t)(opt.interval * 1e6));
		else
			ready(k, t);
	}
}

/* Runs the event loop until the monotonic clock reaches UNTIL, or, with
 * TILL_IDLE, until nothing is pending, queued or in flight. ON_TICK runs
 * every iteration. */
static void run_loop(int64_t until, bool till_idle, void (*on_tick)(int64_t))
{
	struct epoll_event evs[256];
	for (;;) {
		int64_t t = now_us();
		if (t >= until)
			return;
		if (till_idle && setup_pending == 0 && rq_len == 0 && inflight == 0)
			return;
		if (on_tick)
			on_tick(t);
		while (sq_len > 0 && sleep_due[sq_head] <= t) {
			ready(&ks[sleepq[sq_head]], sleep_due[sq_head]);
			sq_head = (sq_head + 1) % opt.kiosks;
			sq_len--;
		}
		dispatch();
		/* adding a transfer asks for a timeout of 0: look at the clock again */
		t = now_us();
		int64_t wait_us = 50000;
		if (sq_len > 0 && sleep_due[sq_head] - t < wait_us)
			wait_us = sleep_due[sq_head] - t;
		if (timer_deadline_us >= 0) {
			int64_t d = timer_deadline_us - t;
			if (d < wait_us)
				wait_us = d < 0 ? 0 : d;
		}
		if (until - t < wait_us)
			wait_us = until - t;
		if (wait_us < 0) /* something fell due while we dispatched */
			wait_us = 0;
		/* rounded down: waking up a little early costs a loop, late costs latency */
		int n = epoll_wait(epfd, evs, 256, (int)(wait_us / 1000));
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		int running;
		for (int i = 0; i < n; i++) {
			int fl = 0;
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				fl |= CURL_CSELECT_IN;
			if (evs[i].events & EPOLLOUT)
				fl |= CURL_CSELECT_OUT;
			if (evs[i].events & EPOLLERR)
				fl |= CURL_CSELECT_ERR;
			curl_multi_socket_action(multi, evs[i].data.fd, fl, &running);
		}
		if (timer_deadline_us >= 0 && now_us() >= timer_deadline_us) {
			timer_deadline_us = -1;
			curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
		}
		check_done();
	}
}

static long rss_mid = -1, threads_mid = -1;
static int64_t mid_at;
static void measure_tick(int64_t t)
{
	if (rss_mid < 0 && opt.pid > 0 && t >= mid_at) {
		rss_mid = proc_status_kb(opt.pid, "VmRSS");
		threads_mid = proc_status_kb(opt.pid, "Threads");
	}
}

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: loadgen --url URL --kiosks K --tokens FILE [--codes FILE]\n"
		"               [--mix heartbeat|sessions] [--seconds S] [--warmup S]\n"
		"               [--max-conn N] [--in-session PCT] [--session-heartbeats H]\n"
		"               [--interval S] [--pid PID]\n"
		"  --url URL            admind base URL, e.g. http://127.0.0.1:8080\n"
		"  --kiosks K           simulated kiosks (one easy handle each)\n"
		"  --tokens FILE        one kiosk token a line, at least K lines\n"
		"  --codes FILE         one access code a line, at least K lines (kiosk i uses "
		"code i)\n"
		"  --mix heartbeat      back-to-back heartbeats (default)\n"
		"  --mix sessions       open a session, H heartbeats, end; again\n"
		"  --seconds S          measured phase (default 10)\n"
		"  --warmup S           unmeasured phase before it (default 2)\n"
		"  --max-conn N         requests in flight and connections (default min(K, 8))\n"
		"  --in-session PCT     heartbeat mode: kiosks with an open session (default 50 "
		"with\n"
		"                       --codes, else 0); their heartbeats carry state "
		"\"session\"\n"
		"  --session-heartbeats H  sessions mode: heartbeats per session (default 3)\n"
		"  --interval S         think time: a kiosk waits S seconds after each answer\n"
		"                       (default 0: back to back; real kiosks: 5)\n"
		"  --pid PID            admind's pid: report its RSS, threads and CPU\n");
	exit(rc);
}

static void print_lat_line(const char *name, struct lat *l, uint64_t count, uint64_t errors)
{
	qsort(l->v, l->n, sizeof(*l->v), cmp_u32);
	printf("  %-10s %9" PRIu64 " req %7" PRIu64
	       " err   p50 %7.2f  p90 %7.2f  p99 %7.2f  max %8.2f ms\n",
	       name, count, errors, pct_ms(l, 0.50), pct_ms(l, 0.90), pct_ms(l, 0.99),
	       l->n ? l->v[l->n - 1] / 1000.0 : 0.0);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"url", required_argument, 0, 'u'},
		{"kiosks", required_argument, 0, 'k'},
		{"seconds", required_argument, 0, 's'},
		{"warmup", required_argument, 0, 'w'},
		{"tokens", required_argument, 0, 't'},
		{"codes", required_argument, 0, 'c'},
		{"max-conn", required_argument, 0, 'm'},
		{"mix", required_argument, 0, 'x'},
		{"pid", required_argument, 0, 'p'},
		{"in-session", required_argument, 0, 'i'},
		{"session-heartbeats", required_argument, 0, 'H'},
		{"interval", required_argument, 0, 'I'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'u':
			opt.url = optarg;
			break;
		case 'k':
			opt.kiosks = atoi(optarg);
			break;
		case 's':
			opt.seconds = atof(optarg);
			break;
		case 'w':
			opt.warmup = atof(optarg);
			break;
		case 't':
			opt.tokens_file = optarg;
			break;
		case 'c':
			opt.codes_file = optarg;
			break;
		case 'm':
			opt.max_conn = atoi(optarg);
			break;
		case 'p':
			opt.pid = atol(optarg);
			break;
		case 'i':
			opt.in_session_pct = atoi(optarg);
			break;
		case 'H':
			opt.session_hb = atoi(optarg);
			break;
		case 'I':
			opt.interval = atof(optarg);
			break;
		case 'x':
			if (strcmp(optarg, "heartbeat") == 0)
				opt.mode = MODE_HEARTBEAT;
			else if (strcmp(optarg, "sessions") == 0)
				opt.mode = MODE_SESSIONS;
			else
				usage(2);
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (!opt.url || opt.kiosks < 1 || !opt.tokens_file || opt.seconds <= 0 || opt.warmup < 0 ||
	    opt.session_hb < 0 || opt.interval < 0 || optind != argc)
		usage(2);
	if (opt.mode == MODE_SESSIONS && !opt.codes_file)
		die("--mix sessions needs --codes");
	if (opt.in_session_pct < 0)
		opt.in_session_pct = opt.codes_file && opt.mode == MODE_HEARTBEAT ? 50 : 0;
	if (opt.in_session_pct > 100)
		opt.in_session_pct = 100;
	if (opt.mode == MODE_HEARTBEAT && opt.in_session_pct > 0 && !opt.codes_file)
		die("--in-session needs --codes");
	/* Measured on 2 cores: escale-admind's throughput is flat from 2 to 32
	 * requests in flight while latency grows with them (queueing); 8 keeps
	 * every server thread busy with margin. Real kiosks (--interval 5) each
	 * hold their own connection: give --max-conn K for that. */
	if (opt.max_conn <= 0)
		opt.max_conn = opt.kiosks < 8 ? opt.kiosks : 8;
	if (opt.max_conn > opt.kiosks)
		opt.max_conn = opt.kiosks;

	base_url = strdup(opt.url);
	size_t bl = strlen(base_url);
	while (bl > 0 && base_url[bl - 1] == '/')
		base_url[--bl] = '\0';
	if (asprintf(&url_heartbeat, "%s/api/v1/kiosk/heartbeat", base_url) < 0 ||
	    asprintf(&url_open, "%s/api/v1/kiosk/sessions", base_url) < 0)
		die("out of memory");

	char **tokens = read_lines(opt.tokens_file, opt.kiosks, "tokens");
	char **codes = opt.codes_file ? read_lines(opt.codes_file, opt.kiosks, "codes") : NULL;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		die("curl_global_init failed");
	multi = curl_multi_init();
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!multi || epfd < 0)
		die("init failed");
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)opt.max_conn);
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)opt.max_conn);
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)opt.max_conn);
	curl_multi_setopt(multi, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);

	ks = xmalloc0(sizeof(*ks) * (size_t)opt.kiosks);
	readyq = xmalloc0(sizeof(int) * (size_t)opt.kiosks);
	sleepq = xmalloc0(sizeof(int) * (size_t)opt.kiosks);
	sleep_due = xmalloc0(sizeof(int64_t) * (size_t)opt.kiosks);
	int n_in_session = 0;
	for (int i = 0; i < opt.kiosks; i++) {
		struct kiosk *k = &ks[i];
		k->idx = i;
		k->easy = curl_easy_init();
		if (!k->easy)
			die("curl_easy_init failed");
		char *auth;
		if (asprintf(&auth, "Authorization: Bearer %s", tokens[i]) < 0)
			die("out of memory");
		k->hdrs = curl_slist_append(NULL, auth);
		k->hdrs = curl_slist_append(k->hdrs, "Content-Type: application/json");
		k->hdrs = curl_slist_append(k->hdrs, "Expect:");
		free(auth);
		curl_easy_setopt(k->easy, CURLOPT_HTTPHEADER, k->hdrs);
		curl_easy_setopt(k->easy, CURLOPT_PRIVATE, (char *)k);
		curl_easy_setopt(k->easy, CURLOPT_WRITEFUNCTION, write_cb);
		curl_easy_setopt(k->easy, CURLOPT_WRITEDATA, k);
		curl_easy_setopt(k->easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
		curl_easy_setopt(k->easy, CURLOPT_TCP_NODELAY, 1L);
		curl_easy_setopt(k->easy, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(k->easy, CURLOPT_TIMEOUT_MS, 30000L);
		curl_easy_setopt(k->easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
		curl_easy_setopt(k->easy, CURLOPT_PROXY, "");
		if (opt.mode == MODE_SESSIONS) {
			k->code = codes[i];
			k->kind = K_OPEN;
		} else if ((long)i * 100 < (long)opt.in_session_pct * opt.kiosks) {
			k->code = codes[i];
			k->kind = K_OPEN;
			n_in_session++;
		} else {
			k->kind = K_HEARTBEAT;
		}
	}

	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	printf("loadgen: %s mode, %d kiosks, %d connections (max in flight), warmup %.1f s, "
	       "measured %.1f s\n",
	       opt.mode == MODE_HEARTBEAT ? "heartbeat" : "sessions", opt.kiosks, opt.max_conn,
	       opt.warmup, opt.seconds);
	if (opt.interval > 0)
		printf("  each kiosk waits %.3g s after each answer (at most %.0f requests/s)\n",
		       opt.interval, opt.kiosks / opt.interval);
	else
		printf("  closed loop: each kiosk sends its next request as soon as the answer "
		       "arrives\n");
	if (opt.mode == MODE_HEARTBEAT)
		printf("  %d kiosks heartbeat with an open session (state \"session\"), %d at the "
		       "login screen\n",
		       n_in_session, opt.kiosks - n_in_session);
	else
		printf("  each kiosk cycles: open session with its code, %d heartbeats, end\n",
		       opt.session_hb);
	printf("  note: loadgen and admind share this machine's %ld CPU cores; figures include "
	       "that contention\n",
	       ncpu);
	fflush(stdout);

	long rss_idle = -1, threads_idle = -1;
	if (opt.pid > 0) {
		rss_idle = proc_status_kb(opt.pid, "VmRSS");
		threads_idle = proc_status_kb(opt.pid, "Threads");
		if (rss_idle < 0)
			die("cannot read /proc/%ld/status (is admind running?)", opt.pid);
	}

	/* Setup (heartbeat mode): kiosks with a code open their session first, unmeasured. */
	int64_t t0 = now_us();
	if (opt.mode == MODE_HEARTBEAT && n_in_session > 0) {
		for (int i = 0; i < opt.kiosks; i++)
			if (ks[i].kind == K_OPEN) {
				setup_pending++;
				ready(&ks[i], t0);
			}
		run_loop(now_us() + 60 * 1000000LL, true, NULL);
		int opened = 0;
		for (int i = 0; i < opt.kiosks; i++)
			opened += ks[i].has_session;
		printf("  setup: %d sessions opened in %.2f s\n", opened, (now_us() - t0) / 1e6);
		n_in_session = opened;
	}

	phase = PH_WARMUP;
	t0 = now_us();
	for (int i = 0; i < opt.kiosks; i++) {
		if (opt.interval > 0) /* spread the first requests over one interval */
			sleep_then_ready(&ks[i],
					 t0 + (int64_t)(opt.interval * 1e6 * i / opt.kiosks));
		else
			ready(&ks[i], t0);
	}
	run_loop(t0 + (int64_t)(opt.warmup * 1e6), false, NULL);

	phase = PH_MEASURE;
	int64_t m0 = now_us();
	int64_t m1 = m0 + (int64_t)(opt.seconds * 1e6);
	mid_at = m0 + (m1 - m0) / 2;
	double cpu_admind0 = opt.pid > 0 ? proc_cpu_s(opt.pid) : -1;
	double cpu_self0 = self_cpu_s();
	double busy0 = machine_busy_s();
	run_loop(m1, false, measure_tick);
	int64_t m_end = now_us();
	double cpu_admind1 = opt.pid > 0 ? proc_cpu_s(opt.pid) : -1;
	double cpu_self1 = self_cpu_s();
	double busy1 = machine_busy_s();
	long hwm = opt.pid > 0 ? proc_status_kb(opt.pid, "VmHWM") : -1;

	/* stop: read the answers in flight, then end the sessions still open */
	phase = PH_DRAIN;
	rq_len = 0;
	sq_len = 0;
	run_loop(now_us() + 30 * 1000000LL, true, NULL);
	phase = PH_CLEANUP;
	int64_t tc = now_us();
	int to_end = 0;
	for (int i = 0; i < opt.kiosks; i++)
		if (ks[i].has_session) {
			ks[i].kind = K_END;
			setup_pending++;
			to_end++;
			ready(&ks[i], tc);
		}
	run_loop(tc + 30 * 1000000LL, true, NULL);
	if (setup_pending || inflight)
		fprintf(stderr, "loadgen: %d sessions still being ended after 30 s\n",
			setup_pending);
	printf("  cleanup: %d open sessions ended in %.2f s\n", to_end, (now_us() - tc) / 1e6);

	/* close the connections */
	for (int i = 0; i < opt.kiosks; i++) {
		curl_multi_remove_handle(multi, ks[i].easy);
		curl_easy_cleanup(ks[i].easy);
		curl_slist_free_all(ks[i].hdrs);
	}
	curl_multi_cleanup(multi);
	long rss_after = -1;
	if (opt.pid > 0) {
		usleep(500000);
		rss_after = proc_status_kb(opt.pid, "VmRSS");
	}

	double secs = (m_end - m0) / 1e6;
	uint64_t total = 0, errs = 0;
	for (int i = 0; i < K_NKINDS; i++) {
		total += st.count[i];
		errs += st.errors[i];
	}
	double rps = total / secs;

	/* all kinds together, for the headline */
	struct lat all = {0};
	for (int i = 0; i < K_NKINDS; i++)
		for (size_t j = 0; j < st.wire[i].n; j++)
			lat_push(&all, st.wire[i].v[j]);

	printf("\nresults (%.2f s measured)\n", secs);
	printf("  requests   %" PRIu64 "  (%.0f/s)\n", total, rps);
	if (opt.mode == MODE_SESSIONS)
		printf("  sessions   %" PRIu64 " opened (%.0f/s)\n",
		       st.count[K_OPEN] - st.errors[K_OPEN],
		       (st.count[K_OPEN] - st.errors[K_OPEN]) / secs);
	printf("  errors     %" PRIu64, errs);
	if (errs) {
		printf("  (");
		const char *sep = "";
		for (int s = 0; s < MAX_STATUS; s++) {
			if (s >= 200 && s < 300)
				continue;
			if (st.by_status[s]) {
				printf("%s%s%d: %" PRIu64, sep, s ? "HTTP " : "transport ", s,
				       st.by_status[s]);
				sep = ", ";
			}
		}
		printf(")");
		for (int cc = 1; cc < CURL_LAST; cc++)
			if (st.by_curlcode[cc])
				printf("\n             curl: %s: %" PRIu64,
				       curl_easy_strerror((CURLcode)cc), st.by_curlcode[cc]);
	}
	printf("\n  statuses  ");
	for (int s = 1; s < MAX_STATUS; s++)
		if (st.by_status[s])
			printf(" %d: %" PRIu64, s, st.by_status[s]);
	printf("\n  latency on the wire (request handed to a connection -> whole answer), ms:\n");
	print_lat_line("all", &all, total, errs);
	if (opt.mode == MODE_SESSIONS)
		for (int i = 0; i < K_NKINDS; i++)
			print_lat_line(kind_name[i], &st.wire[i], st.count[i], st.errors[i]);
	qsort(st.kiosk_all.v, st.kiosk_all.n, sizeof(uint32_t), cmp_u32);
	if (opt.interval > 0)
		printf("  latency seen by a kiosk incl. waiting for one of %d connections, ms:\n"
		       "             p50 %.2f  p99 %.2f  max %.2f\n",
		       opt.max_conn, pct_ms(&st.kiosk_all, 0.5), pct_ms(&st.kiosk_all, 0.99),
		       st.kiosk_all.n ? st.kiosk_all.v[st.kiosk_all.n - 1] / 1000.0 : 0.0);
	else
		printf("  latency seen by a kiosk incl. waiting for one of %d connections (closed "
		       "loop, no think\n"
		       "  time: about K/rps = %.2f ms by Little's law), ms: p50 %.2f  p99 %.2f  "
		       "max %.2f\n",
		       opt.max_conn, rps > 0 ? opt.kiosks / rps * 1000 : 0.0,
		       pct_ms(&st.kiosk_all, 0.5), pct_ms(&st.kiosk_all, 0.99),
		       st.kiosk_all.n ? st.kiosk_all.v[st.kiosk_all.n - 1] / 1000.0 : 0.0);
	double cpu_lg = (cpu_self1 - cpu_self0) / secs;
	double cpu_ad =
		cpu_admind0 >= 0 && cpu_admind1 >= 0 ? (cpu_admind1 - cpu_admind0) / secs : -1;
	double cpu_all = busy0 >= 0 && busy1 >= 0 ? (busy1 - busy0) / secs : -1;
	/* the rest of the machine: other programs, and the kernel's softirq work */
	double cpu_other = cpu_all >= 0 ? cpu_all - cpu_lg - (cpu_ad > 0 ? cpu_ad : 0) : -1;
	if (cpu_other < 0 && cpu_all >= 0)
		cpu_other = 0;
	if (opt.pid > 0) {
		printf("  admind pid %ld: RSS idle %ld kB, under load %ld kB, after %ld kB (peak "
		       "%ld kB); "
		       "threads %ld idle, %ld under load\n",
		       opt.pid, rss_idle, rss_mid, rss_after, hwm, threads_idle, threads_mid);
		printf("  CPU (of %ld cores): admind %.2f, loadgen %.2f, everything else %.2f\n",
		       ncpu, cpu_ad, cpu_lg, cpu_other);
	} else {
		printf("  CPU (of %ld cores): loadgen %.2f, everything else %.2f\n", ncpu, cpu_lg,
		       cpu_other);
	}
	if (cpu_other > 0.2)
		printf("  warning: other programs used %.2f cores during the run: figures are "
		       "disturbed\n",
		       cpu_other);
	printf("RESULT mode=%s kiosks=%d conns=%d interval=%g in_session=%d requests=%" PRIu64
	       " errors=%" PRIu64 " rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f "
	       "rss_idle_kb=%ld rss_load_kb=%ld"
	       " rss_after_kb=%ld cpu_admind=%.2f cpu_loadgen=%.2f cpu_other=%.2f cores=%ld\n",
	       opt.mode == MODE_HEARTBEAT ? "heartbeat" : "sessions", opt.kiosks, opt.max_conn,
	       opt.interval, opt.mode == MODE_HEARTBEAT ? n_in_session : opt.kiosks, total, errs,
	       rps, pct_ms(&all, 0.5), pct_ms(&all, 0.9), pct_ms(&all, 0.99),
	       all.n ? all.v[all.n - 1] / 1000.0 : 0.0, rss_idle, rss_mid, rss_after, cpu_ad,
	       cpu_lg, cpu_other, ncpu);
	curl_global_cleanup();
	return 0;
}
