/* log: the one error vocabulary of every escale program (OpenBSD style). */
#ifndef ESCALE_LOG_H
#define ESCALE_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Sets the program name and level; logs go to stderr until log_open_file. */
void log_init(const char *progname, enum log_level level);
bool log_parse_level(const char *s, enum log_level *out);
void log_set_level(enum log_level level);
/* Opens (or, on SIGHUP, reopens) PATH for appending; NULL or "" means stderr. */
bool log_open_file(const char *path);
/* Copies IN (N bytes) to OUT (CAP bytes, NUL-terminated, cut on a whole
 * escape) so that it reads as one line of valid UTF-8: control bytes, DEL,
 * C1 controls, bidirectional overrides, line and paragraph separators and
 * bytes that are not UTF-8 become \xNN, and a backslash \\. Returns the
 * length written. Every log line goes through it: what a client sends
 * (paths, names, headers) cannot forge a line or hide one. */
size_t log_escape(const char *in, size_t n, char *out, size_t cap);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line with a MESSAGE_ID, for the events a technician looks for
 * (journalctl MESSAGE_ID=...; docs/operations.md lists them). Sent to the journal
 * with its priority when stderr is the journal; an ordinary line elsewhere. */
void log_event(enum log_level level, const char *message_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define LOG_ID_ADMIND_STARTED   "84b626e10a384750b1170cef2ec237be"
#define LOG_ID_ADMIND_STOPPING  "5589fa05f7934131bfcba5c4d09f6685"
#define LOG_ID_DATABASE_DOWN    "eb200f8b2571488994aa7457cbc9a997"
#define LOG_ID_CUPS_UNREACHABLE "dd36a4d0a05a422183cb51e8fc60c815"
#define LOG_ID_CUPS_BACK        "937c15eb2f5e4bdcaaf1132d7408437f"
/* fatal appends strerror(errno); fatalx does not. Both exit(1). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
