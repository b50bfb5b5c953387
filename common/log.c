/* log: timestamped lines to stderr or a log file, reopened on SIGHUP. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

__attribute__((format(printf, 4, 0))) static void log_vemit(enum log_level lvl, const char *tag,
							    int err, const char *fmt, va_list ap)
{
	if (lvl > log_lvl)
		return;
	char buf[2048];
	size_t n = 0;
	if (log_to_journal()) {
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
	int w = snprintf(buf + n, sizeof(buf) - n, "%s: %s", log_prog, tag);
	if (w > 0)
		n += (size_t)w < sizeof(buf) - n ? (size_t)w : sizeof(buf) - n - 1;
	w = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (w > 0)
		n += (size_t)w < sizeof(buf) - n ? (size_t)w : sizeof(buf) - n - 1;
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
