/* log: timestamped lines to stderr or a log file, reopened on SIGHUP. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *log_prog = "escale";
static enum log_level log_lvl = LOG_LVL_INFO;
static int log_fd = STDERR_FILENO;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

void log_init(const char *progname, enum log_level level)
{
	log_prog = progname;
	log_lvl = level;
}

void log_set_level(enum log_level level)
{
	log_lvl = level;
}

bool log_parse_level(const char *s, enum log_level *out)
{
	static const char *names[] = {"error", "warn", "info", "debug"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum log_level)i;
			return true;
		}
	return false;
}

bool log_open_file(const char *path)
{
	int fd = STDERR_FILENO;
	if (path && *path) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return false;
	}
	pthread_mutex_lock(&log_mu);
	int old = log_fd;
	log_fd = fd;
	pthread_mutex_unlock(&log_mu);
	if (old != STDERR_FILENO)
		close(old);
	return true;
}

/* The length of the valid UTF-8 sequence at P (N bytes left) that may be
 * shown as it is, or 0. */
static size_t utf8_ok(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned cp;
	if (c < 0x80)
		return c >= 0x20 && c != 0x7f && c != '\\' ? 1 : 0;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls; line and paragraph separators, bidirectional controls. */
	if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x61c)
		return 0;
	return len;
}

size_t log_escape(const char *in, size_t n, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;
	if (!cap)
		return 0;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_ok(p + i, n - i);
		if (len) {
			if (o + len >= cap)
				break;
			memcpy(out + o, p + i, len);
			o += len;
			i += len;
			continue;
		}
		if (p[i] == '\\') {
			if (o + 2 >= cap)
				break;
			out[o++] = '\\';
			out[o++] = '\\';
		} else {
			if (o + 4 >= cap)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[p[i] >> 4];
			out[o++] = hex[p[i] & 15];
		}
		i++;
	}
	out[o] = '\0';
	return o;
}

__attribute__((format(printf, 4, 0))) static void log_vemit(enum log_level lvl, const char *tag,
							    int err, const char *fmt, va_list ap)
{
	if (lvl > log_lvl)
		return;
	char buf[2048];
	size_t n = 0;
	if (log_fd != STDERR_FILENO || !getenv("JOURNAL_STREAM")) {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		n = strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S ", &tm);
	}
	int w = snprintf(buf + n, sizeof(buf) - n, "%s: %s", log_prog, tag);
	if (w > 0)
		n += (size_t)w < sizeof(buf) - n ? (size_t)w : sizeof(buf) - n - 1;
	char msg[1024];
	w = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (w > 0)
		n += log_escape(msg, (size_t)w < sizeof(msg) ? (size_t)w : sizeof(msg) - 1, buf + n,
				sizeof(buf) - n);
	if (err && n < sizeof(buf) - 1) {
		w = snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(err));
		if (w > 0)
			n += (size_t)w < sizeof(buf) - n ? (size_t)w : sizeof(buf) - n - 1;
	}
	if (n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	pthread_mutex_lock(&log_mu);
	ssize_t r = write(log_fd, buf, n);
	(void)r;
	pthread_mutex_unlock(&log_mu);
}

#define LOG_FN(name, lvl, tag, witherr)          \
	void name(const char *fmt, ...)          \
	{                                        \
		int e = witherr ? errno : 0;     \
		va_list ap;                      \
		va_start(ap, fmt);               \
		log_vemit(lvl, tag, e, fmt, ap); \
		va_end(ap);                      \
	}

LOG_FN(log_warn, LOG_LVL_WARN, "warning: ", 1)
LOG_FN(log_warnx, LOG_LVL_WARN, "warning: ", 0)
LOG_FN(log_info, LOG_LVL_INFO, "", 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, "debug: ", 0)

void fatal(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERROR, "fatal: ", e, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERROR, "fatal: ", 0, fmt, ap);
	va_end(ap);
	exit(1);
}
