/* log: timestamped lines to stderr or a log file, reopened on SIGHUP. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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

/* True when stderr is the journal: systemd sets JOURNAL_STREAM to its "DEV:INODE". A
 * pipe to a test or a terminal is not, even under a unit that set the variable. */
static bool log_to_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	if (log_fd != STDERR_FILENO || !js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* The journal's native protocol: one datagram of FIELD=value lines (values without a
 * newline). Returns false when the journal does not take it. */
static bool journal_send(enum log_level lvl, const char *message_id, const char *msg)
{
	static const int prio[] = {3, 4, 6, 7};
	char buf[2400];
	int n = snprintf(buf, sizeof(buf),
			 "PRIORITY=%d\nSYSLOG_IDENTIFIER=%s\nMESSAGE_ID=%s\nMESSAGE=%s\n",
			 prio[lvl], log_prog, message_id, msg);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return false;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", "/run/systemd/journal/socket");
	ssize_t w =
		sendto(fd, buf, (size_t)n, MSG_NOSIGNAL, (const struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return w == n;
}

__attribute__((format(printf, 5, 0))) static void log_vemit(enum log_level lvl,
							    const char *message_id, const char *tag,
							    int err, const char *fmt, va_list ap)
{
	if (lvl > log_lvl)
		return;
	char msg[2048];
	size_t m = 0;
	int w = snprintf(msg, sizeof(msg), "%s", tag);
	if (w > 0)
		m += (size_t)w < sizeof(msg) - m ? (size_t)w : sizeof(msg) - m - 1;
	/* What a client sent may be in it: escaped, one line of valid UTF-8 (log_escape). */
	char raw[1024];
	w = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (w > 0)
		m += log_escape(raw, (size_t)w < sizeof(raw) ? (size_t)w : sizeof(raw) - 1, msg + m,
				sizeof(msg) - m);
	if (err && m < sizeof(msg) - 1) {
		w = snprintf(msg + m, sizeof(msg) - m, ": %s", strerror(err));
		if (w > 0)
			m += (size_t)w < sizeof(msg) - m ? (size_t)w : sizeof(msg) - m - 1;
	}
	for (size_t i = 0; i < m; i++)
		if (msg[i] == '\n')
			msg[i] = ' ';
	bool journal = log_to_journal();
	if (journal && message_id && journal_send(lvl, message_id, msg))
		return;

	char buf[2200];
	size_t n = 0;
	if (journal) {
		/* The journal dates each line itself and reads its priority from a
		 * syslog prefix: <3> error, <4> warning, <6> info, <7> debug. */
		static const char prio[] = {'3', '4', '6', '7'};
		buf[n++] = '<';
		buf[n++] = prio[lvl];
		buf[n++] = '>';
	} else {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		n = strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S ", &tm);
	}
	w = snprintf(buf + n, sizeof(buf) - n, "%s: %s", log_prog, msg);
	if (w > 0)
		n += (size_t)w < sizeof(buf) - n ? (size_t)w : sizeof(buf) - n - 1;
	if (n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	pthread_mutex_lock(&log_mu);
	ssize_t r = write(log_fd, buf, n);
	(void)r;
	pthread_mutex_unlock(&log_mu);
}

void log_event(enum log_level level, const char *message_id, const char *fmt, ...)
{
	static const char *const tags[] = {"error: ", "warning: ", "", "debug: "};
	va_list ap;
	va_start(ap, fmt);
	log_vemit(level, message_id, tags[level], 0, fmt, ap);
	va_end(ap);
}

#define LOG_FN(name, lvl, tag, witherr)                \
	void name(const char *fmt, ...)                \
	{                                              \
		int e = witherr ? errno : 0;           \
		va_list ap;                            \
		va_start(ap, fmt);                     \
		log_vemit(lvl, NULL, tag, e, fmt, ap); \
		va_end(ap);                            \
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
	log_vemit(LOG_LVL_ERROR, NULL, "fatal: ", e, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERROR, NULL, "fatal: ", 0, fmt, ap);
	va_end(ap);
	exit(1);
}
