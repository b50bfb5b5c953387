/* hbgen: many kiosks in a session sending heartbeats to escale-admind at their real pace,
 * from one cheap process (issue 20: 10,000 kiosks on one admind, measured on a 2-core
 * machine, where tests/bench/loadgen's libcurl costs more than admind itself).
 *
 * One thread, one epoll, one plain socket a kiosk (HTTP/1.1 keep-alive, loopback or any
 * IPv4 address), requests written from a prepared buffer and answers read by their
 * Content-Length: a few system calls a request. Each kiosk first opens its session with
 * its code (POST /api/v1/kiosk/sessions; the kiosks start spread over --ramp seconds), then
 * sends a heartbeat and, when the answer is in, waits the answer's heartbeat_seconds (2 in
 * a session, 1 while a print job of it is not settled) before the next: the pace of a
 * real kiosk, whatever the server's latency. The first heartbeats are spread over one
 * period, so the load is steady, not in waves.
 *
 * Measured after --warmup seconds, for --seconds: the heartbeats answered, their latency on
 * the wire (request written -> whole answer), the errors, escale-admind's CPU (from
 * /proc/PID/stat) and RSS, this process' CPU and the rest of the machine's. Prints
 * figures and asserts nothing.
 *
 * Usage: hbgen --port P --tokens FILE --codes FILE [--kiosks N] [--ramp S] [--warmup S]
 *              [--seconds S] [--pid PID] [--host IPV4]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IN_CAP  8192 /* an answer: heartbeats are a few hundred bytes */
#define OUT_CAP 768

enum state { S_WAIT, S_CONNECTING, S_SENDING, S_READING };
enum kind { R_OPEN, R_HEARTBEAT };

struct kiosk {
	int fd;
	enum state st;
	enum kind kind;
	const char *token, *code;
	char session[68];
	int64_t session_start_us, sent_us;
	char out[OUT_CAP];
	size_t out_len, out_off;
	char in[IN_CAP + 1]; /* + its NUL */
	size_t in_len;
};

/* Kiosks waiting for their next request, earliest first (a binary heap). */
struct due {
	int64_t at_us;
	int idx;
};
static struct due *heap;
static size_t heap_n;

static struct kiosk *kiosks;
static int n_kiosks;
static struct sockaddr_in addr;
static int epfd;
static char host_hdr[64];

/* Figures of the measured phase. */
static bool measuring;
static uint32_t *lat_us;
static size_t lat_n, lat_cap;
static uint64_t n_ok, n_err, n_conn_err, n_status[600], n_opened, n_open_failed;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("hbgen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void heap_push(int64_t at, int idx)
{
	static size_t cap;
	if (heap_n == cap) {
		cap = cap ? cap * 2 : 1024;
		heap = realloc(heap, cap * sizeof(*heap));
		if (!heap)
			die("out of memory");
	}
	size_t i = heap_n++;
	while (i > 0 && heap[(i - 1) / 2].at_us > at) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = (struct due){at, idx};
}

static struct due heap_pop(void)
{
	struct due top = heap[0], last = heap[--heap_n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= heap_n)
			break;
		if (c + 1 < heap_n && heap[c + 1].at_us < heap[c].at_us)
			c++;
		if (heap[c].at_us >= last.at_us)
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (heap_n)
		heap[i] = last;
	return top;
}

static char **read_lines(const char *path, int want)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char **v = calloc((size_t)want, sizeof(*v));
	char line[512];
	int n = 0;
	while (n < want && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (*line)
			v[n++] = strdup(line);
	}
	fclose(f);
	if (n < want)
		die("%s: %d lines, %d wanted", path, n, want);
	return v;
}

static void watch(struct kiosk *k, uint32_t events, int op)
{
	struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)(k - kiosks)};
	if (epoll_ctl(epfd, op, k->fd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));
}

static void close_conn(struct kiosk *k)
{
	if (k->fd >= 0) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, k->fd, NULL);
		close(k->fd);
	}
	k->fd = -1;
}

static void prepare(struct kiosk *k)
{
	char body[256];
	const char *path;
	if (k->kind == R_OPEN) {
		path = "/api/v1/kiosk/sessions";
		snprintf(body, sizeof(body), "{\"code\":\"%s\"}", k->code);
	} else {
		path = "/api/v1/kiosk/heartbeat";
		long used = (long)((now_us() - k->session_start_us) / 1000000);
		snprintf(body, sizeof(body),
			 "{\"state\":\"session\",\"session\":\"%s\",\"seconds_used\":%ld}",
			 k->session,
			 used < 0       ? 0
			 : used > 86400 ? 86400
					: used);
	}
	int n = snprintf(k->out, sizeof(k->out),
			 "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
			 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
			 path, host_hdr, k->token, strlen(body), body);
	if (n < 0 || (size_t)n >= sizeof(k->out))
		die("request too long");
	k->out_len = (size_t)n;
	k->out_off = 0;
	k->in_len = 0;
}

static void send_more(struct kiosk *k);

/* Starts kiosk K's next request (connecting first when it has no connection). */
static void start(struct kiosk *k)
{
	prepare(k);
	if (k->fd < 0) {
		k->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (k->fd < 0)
			die("socket: %s (raise RLIMIT_NOFILE)", strerror(errno));
		int one = 1;
		setsockopt(k->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		k->sent_us = now_us();
		if (connect(k->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 &&
		    errno != EINPROGRESS) {
			n_conn_err++;
			close_conn(k);
			heap_push(now_us() + 1000000, (int)(k - kiosks));
			return;
		}
		k->st = S_CONNECTING;
		watch(k, EPOLLOUT, EPOLL_CTL_ADD);
		return;
	}
	k->sent_us = now_us();
	k->st = S_SENDING;
	send_more(k);
}

static void failed(struct kiosk *k)
{
	if (measuring && k->kind == R_HEARTBEAT)
		n_err++;
	if (k->kind == R_OPEN)
		n_open_failed++;
	close_conn(k);
	k->st = S_WAIT;
	heap_push(now_us() + 1000000, (int)(k - kiosks));
}

static void send_more(struct kiosk *k)
{
	while (k->out_off < k->out_len) {
		ssize_t w = send(k->fd, k->out + k->out_off, k->out_len - k->out_off, MSG_NOSIGNAL);
		if (w < 0 && errno == EAGAIN) {
			watch(k, EPOLLOUT, EPOLL_CTL_MOD);
			return;
		}
		if (w <= 0) {
			failed(k);
			return;
		}
		k->out_off += (size_t)w;
	}
	k->st = S_READING;
	watch(k, EPOLLIN, EPOLL_CTL_MOD);
}

/* The JSON number after "KEY": in BODY, or DEF. */
static long json_num(const char *body, const char *key, long def)
{
	const char *p = strstr(body, key);
	if (!p)
		return def;
	p += strlen(key);
	while (*p == '"' || *p == ':' || *p == ' ')
		p++;
	char *end;
	long v = strtol(p, &end, 10);
	return end == p ? def : v;
}

/* A whole answer is in: its status, and when this kiosk sends next. */
static void answered(struct kiosk *k, int status, const char *body)
{
	int64_t t = now_us();
	int idx = (int)(k - kiosks);
	k->st = S_WAIT;
	if (k->kind == R_OPEN) {
		const char *p = strstr(body, "\"session\"");
		p = p ? strchr(p + 9, '"') : NULL;
		size_t n = p ? strspn(p + 1, "0123456789abcdef") : 0;
		if (status != 201 || n == 0 || n >= sizeof(k->session)) {
			n_open_failed++;
			fprintf(stderr, "hbgen: kiosk %d: session not opened (HTTP %d): %.200s\n",
				idx, status, body);
			heap_push(t + 5000000, idx);
			return;
		}
		memcpy(k->session, p + 1, n);
		k->session[n] = '\0';
		k->session_start_us = t;
		k->kind = R_HEARTBEAT;
		n_opened++;
		/* The first heartbeats spread over one period: a steady load. */
		heap_push(t + (int64_t)(rand() % 2000) * 1000, idx);
		return;
	}
	if (measuring) {
		if (status >= 0 && status < 600)
			n_status[status]++;
		if (status == 200) {
			n_ok++;
			if (lat_n == lat_cap) {
				lat_cap = lat_cap ? lat_cap * 2 : 1 << 16;
				lat_us = realloc(lat_us, lat_cap * sizeof(*lat_us));
				if (!lat_us)
					die("out of memory");
			}
			int64_t d = t - k->sent_us;
			lat_us[lat_n++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
		} else {
			n_err++;
		}
	}
	long every = status == 200 ? json_num(body, "\"heartbeat_seconds\"", 2) : 2;
	if (every < 1 || every > 60)
		every = 2;
	heap_push(t + every * 1000000, idx);
}

static void read_more(struct kiosk *k)
{
	for (;;) {
		if (k->in_len >= IN_CAP) {
			failed(k);
			return;
		}
		ssize_t r = recv(k->fd, k->in + k->in_len, IN_CAP - k->in_len, 0);
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			failed(k);
			return;
		}
		k->in_len += (size_t)r;
		k->in[k->in_len] = '\0';
		char *end = memmem(k->in, k->in_len, "\r\n\r\n", 4);
		if (!end)
			continue;
		int status = 0;
		if (sscanf(k->in, "HTTP/1.%*d %d", &status) != 1) {
			failed(k);
			return;
		}
		long clen = 0;
		for (char *h = strstr(k->in, "\r\n"); h && h < end; h = strstr(h + 2, "\r\n"))
			if (strncasecmp(h + 2, "Content-Length:", 15) == 0)
				clen = strtol(h + 17, NULL, 10);
		size_t need = (size_t)(end + 4 - k->in) + (size_t)clen;
		if (need >= IN_CAP) {
			failed(k);
			return;
		}
		if (k->in_len < need)
			continue;
		answered(k, status, end + 4);
		return;
	}
}

static double proc_cpu(long pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long proc_rss_kb(long pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* Busy CPU seconds of the whole machine (all but idle and iowait). */
static double machine_busy(void)
{
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return -1;
	unsigned long long v[10] = {0};
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		       &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 8)
		return -1;
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static double pct_ms(double p)
{
	if (!lat_n)
		return 0;
	size_t i = (size_t)((double)lat_n * p);
	return lat_us[i < lat_n ? i : lat_n - 1] / 1000.0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"port", required_argument, 0, 'p'},   {"host", required_argument, 0, 'H'},
		{"tokens", required_argument, 0, 't'}, {"codes", required_argument, 0, 'c'},
		{"kiosks", required_argument, 0, 'k'}, {"ramp", required_argument, 0, 'r'},
		{"warmup", required_argument, 0, 'w'}, {"seconds", required_argument, 0, 's'},
		{"pid", required_argument, 0, 'P'},    {0, 0, 0, 0}};
	const char *tokens = NULL, *codes = NULL, *host = "127.0.0.1";
	int port = 0, ramp = 10, warmup = 5, seconds = 60, ch;
	long pid = 0;
	n_kiosks = 1000;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'H':
			host = optarg;
			break;
		case 't':
			tokens = optarg;
			break;
		case 'c':
			codes = optarg;
			break;
		case 'k':
			n_kiosks = atoi(optarg);
			break;
		case 'r':
			ramp = atoi(optarg);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		case 's':
			seconds = atoi(optarg);
			break;
		case 'P':
			pid = atol(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: hbgen --port P --tokens FILE --codes FILE [--kiosks N]"
				" [--ramp S] [--warmup S] [--seconds S] [--pid PID]"
				" [--host IPV4]\n");
			return 2;
		}
	}
	if (port <= 0 || port > 65535 || !tokens || !codes || n_kiosks < 1 || ramp < 0 ||
	    warmup < 0 || seconds < 1)
		die("--port, --tokens and --codes are needed (see the usage in hbgen.c)");
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
		die("--host must be an IPv4 address");
	snprintf(host_hdr, sizeof(host_hdr), "%s:%d", host, port);
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < (rlim_t)n_kiosks + 16)
		die("RLIMIT_NOFILE %lu is too low for %d kiosks", (unsigned long)rl.rlim_cur,
		    n_kiosks);
	char **tok = read_lines(tokens, n_kiosks), **code = read_lines(codes, n_kiosks);
	kiosks = calloc((size_t)n_kiosks, sizeof(*kiosks));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!kiosks || epfd < 0)
		die("setup: %s", strerror(errno));
	srand(42);
	int64_t t0 = now_us();
	for (int i = 0; i < n_kiosks; i++) {
		kiosks[i] = (struct kiosk){.fd = -1, .token = tok[i], .code = code[i]};
		heap_push(t0 + (int64_t)ramp * 1000000 * i / n_kiosks, i);
	}
	/* Setup: every session open (or the ramp and 60 s more at most). */
	int64_t setup_end = t0 + ((int64_t)ramp + 60) * 1000000, measure_start = 0, stop_at = 0;
	double cpu_ad0 = -1, cpu_self0 = 0, busy0 = -1;
	long rss_idle = pid ? proc_rss_kb(pid) : -1, rss_load = -1;
	struct epoll_event evs[512];
	for (;;) {
		int64_t t = now_us();
		if (!measure_start && !stop_at &&
		    ((uint64_t)n_opened >= (uint64_t)n_kiosks || t > setup_end)) {
			printf("setup: %" PRIu64 " sessions open in %.1f s (%" PRIu64
			       " refused or failed)\n",
			       n_opened, (double)(t - t0) / 1e6, n_open_failed);
			fflush(stdout);
			measure_start = t + (int64_t)warmup * 1000000;
			stop_at = measure_start + (int64_t)seconds * 1000000;
		}
		if (measure_start && !measuring && t >= measure_start && t < stop_at) {
			measuring = true;
			cpu_ad0 = pid ? proc_cpu(pid) : -1;
			cpu_self0 = self_cpu();
			busy0 = machine_busy();
		}
		if (stop_at && t >= stop_at)
			break;
		if (measuring && rss_load < 0 && t >= measure_start + (stop_at - measure_start) / 2)
			rss_load = pid ? proc_rss_kb(pid) : -1;
		while (heap_n && heap[0].at_us <= t) {
			struct due d = heap_pop();
			struct kiosk *k = &kiosks[d.idx];
			if (k->st == S_WAIT)
				start(k);
		}
		/* (rounded up: a wait of 0 would spin until the next kiosk is due) */
		int64_t wait = heap_n ? (heap[0].at_us - now_us() + 999) / 1000 : 100;
		if (wait < 0)
			wait = 0;
		if (wait > 100)
			wait = 100;
		int n = epoll_wait(epfd, evs, 512, (int)wait);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			struct kiosk *k = &kiosks[evs[i].data.u32];
			if (k->fd < 0)
				continue;
			if (k->st == S_CONNECTING) {
				int err = 0;
				socklen_t len = sizeof(err);
				getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err) {
					n_conn_err++;
					failed(k);
					continue;
				}
				k->st = S_SENDING;
				send_more(k);
			} else if (k->st == S_SENDING) {
				send_more(k);
			} else if (k->st == S_READING) {
				read_more(k);
			} else if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
				/* Closed by the server while idle: reconnect at the next request. */
				close_conn(k);
			}
		}
	}
	double secs = (double)seconds;
	double cpu_ad = pid && cpu_ad0 >= 0 ? (proc_cpu(pid) - cpu_ad0) / secs : -1;
	double cpu_me = (self_cpu() - cpu_self0) / secs;
	double busy = busy0 >= 0 ? (machine_busy() - busy0) / secs : -1;
	double other = busy >= 0 ? busy - cpu_me - (cpu_ad > 0 ? cpu_ad : 0) : -1;
	if (other < 0 && busy >= 0)
		other = 0;
	long rss_after = pid ? proc_rss_kb(pid) : -1;
	qsort(lat_us, lat_n, sizeof(*lat_us), cmp_u32);
	double rps = (double)n_ok / secs;
	printf("  heartbeats %" PRIu64 " answered 200 in %d s: %.0f/s (the real pace: %.0f/s)\n",
	       n_ok, seconds, rps, n_kiosks / 2.0);
	printf("  errors     %" PRIu64 " (HTTP not 200 or connection lost), connect errors %" PRIu64
	       "\n",
	       n_err, n_conn_err);
	printf("  latency on the wire (request written -> whole answer), ms: p50 %.2f  p90 %.2f"
	       "  p99 %.2f  max %.2f\n",
	       pct_ms(0.5), pct_ms(0.9), pct_ms(0.99), lat_n ? lat_us[lat_n - 1] / 1000.0 : 0.0);
	printf("  rss admind: idle %ld kB, under load %ld kB, after %ld kB\n", rss_idle, rss_load,
	       rss_after);
	printf("  cpu (of %ld cores): admind %.3f, hbgen %.3f, everything else %.2f\n",
	       sysconf(_SC_NPROCESSORS_ONLN), cpu_ad, cpu_me, other);
	printf("RESULT mode=heartbeat kiosks=%d requests=%" PRIu64 " errors=%" PRIu64
	       " rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f rss_idle_kb=%ld"
	       " rss_load_kb=%ld rss_after_kb=%ld cpu_admind=%.3f cpu_hbgen=%.3f"
	       " cpu_other=%.2f\n",
	       n_kiosks, n_ok + n_err, n_err, rps, pct_ms(0.5), pct_ms(0.9), pct_ms(0.99),
	       lat_n ? lat_us[lat_n - 1] / 1000.0 : 0.0, rss_idle, rss_load, rss_after, cpu_ad,
	       cpu_me, other);
	for (int i = 0; i < n_kiosks; i++) {
		close_conn(&kiosks[i]);
		free(tok[i]);
		free(code[i]);
	}
	free(tok);
	free(code);
	free(kiosks);
	free(heap);
	free(lat_us);
	close(epfd);
	return 0;
}
