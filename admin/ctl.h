/* ctl: what the escalectl modules share: context, HTTP calls, output helpers. */
#ifndef ESCALE_CTL_H
#define ESCALE_CTL_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses: the contract scripts rely on. */
enum { CTL_OK = 0, CTL_ERR = 1, CTL_USAGE = 2 };

/* Largest answer read into memory; streamed bodies (usage, backup) have no limit. */
#define CTL_MAX_ANSWER ((size_t)16 << 20)

struct ctl;

struct ctl_cmd {
	const char *group; /* first word: "kiosk", "usage"... */
	const char *name;  /* second word, or NULL for a one-word command */
	const char *args;  /* the rest of its usage line */
	int (*run)(struct ctl *c, int argc, char **argv);
	bool db_ok; /* also works on a local database (--db) */
};

struct ctl {
	const char *url_arg; /* --url or ESCALE_URL as given */
	char *url;           /* base URL, without trailing slash, once connected */
	const char *token;   /* staff API token */
	const char *db;      /* --db FILE: work on the database, not over HTTP */
	const char *cacert;  /* CA bundle for https */
	CURL *curl;          /* one handle, so requests share the connection */
	bool del;            /* the next request without a body is a DELETE */
	bool put;            /* the next request with a body is a PUT */
	const struct ctl_cmd *cmd;
};

/* escalectl.c: messages. Each prints "escalectl: ..." on stderr and returns
 * the exit status to give; ctl_usage adds the command's usage line. */
int ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ctl_usage(const struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Strict whole number in [min,max], or a usage message naming WHAT. */
bool ctl_num(const struct ctl *c, const char *what, const char *s, int64_t min, int64_t max,
	     int64_t *out);
/* For a command without options: rejects any option, then checks that
 * MIN..MAX words remain (from optind). */
bool ctl_args(const struct ctl *c, int argc, char **argv, int min, int max);
/* After a command's own getopt loop: MIN..MAX words remain. */
bool ctl_nargs(const struct ctl *c, int argc, char **argv, int min, int max);
/* A name or text argument: valid UTF-8 without control characters (the
 * server checks lengths, so its limits stay in one place). */
bool ctl_text_ok(const struct ctl *c, const char *what, const char *s, bool empty_ok);

/* Checks the URL and token and makes the curl handle, on the first request
 * (so a command's usage errors come first). CTL_USAGE if they are wrong. */
int ctl_connect(struct ctl *c);

/* ctl_http.c: requests. Each returns CTL_OK, or CTL_ERR after printing why
 * (the server's message, or why the server could not be reached), or
 * CTL_USAGE from ctl_connect. */
int ctl_get(struct ctl *c, const char *path, json_t **answer);
/* BODY is consumed (json_decref'd); NULL sends an empty body. */
int ctl_post(struct ctl *c, const char *path, json_t *body, json_t **answer);
int ctl_delete(struct ctl *c, const char *path, json_t **answer);
/* BODY is consumed, as ctl_post's. */
int ctl_put(struct ctl *c, const char *path, json_t *body, json_t **answer);
/* Streams a 2xx body through SINK as it arrives. SINK returns false after
 * printing its own error, which aborts the transfer. */
typedef bool ctl_sink_fn(void *arg, const char *p, size_t n);
int ctl_download(struct ctl *c, const char *path, ctl_sink_fn *sink, void *arg);

/* GETs PATH and finds the array under KEY in the answer. *ANSWER is for the
 * caller to json_decref, whatever the outcome. */
int ctl_get_list(struct ctl *c, const char *path, const char *key, json_t **answer, json_t **list);

/* The id of the object named by ARG: a number is an id; anything else is
 * looked up by "name" in the list under KEY at PATH. ARGNAME is for usage
 * messages ("KIOSK"), WHAT for errors ("kiosk"). */
int ctl_find_id(struct ctl *c, const char *arg, const char *path, const char *key,
		const char *argname, const char *what, int64_t *id);

/* ctl_print.c: reading answers and writing tab-separated lines. */
/* The array under KEY in ANSWER, or NULL after an "unexpected answer" error. */
json_t *ctl_list(json_t *answer, const char *key);
const char *ctl_jstr(const json_t *o, const char *key);
bool ctl_jint(const json_t *o, const char *key, int64_t *out);
/* S on F with control characters made spaces (server text is untrusted). */
void ctl_fput_clean(FILE *f, const char *s);
/* Control characters become spaces so one record stays one line; NULL or
 * "" prints "-". */
void ctl_out_text(const char *s);
/* A scalar (string, number, boolean) as text; null or missing: "-". */
void ctl_out_value(const json_t *v);
/* Unix seconds as local "YYYY-MM-DD HH:MM:SS"; null, missing or 0: "-". */
void ctl_out_time(const json_t *v);
void ctl_out_tab(void);
void ctl_out_end(void);

/* Commands. */
int ctl_user_add(struct ctl *c, int argc, char **argv);
int ctl_user_list(struct ctl *c, int argc, char **argv);
int ctl_user_disable(struct ctl *c, int argc, char **argv);
int ctl_user_token(struct ctl *c, int argc, char **argv);
int ctl_user_passwd(struct ctl *c, int argc, char **argv);
int ctl_whoami(struct ctl *c, int argc, char **argv);
int ctl_kiosk_add(struct ctl *c, int argc, char **argv);
int ctl_kiosk_enroll(struct ctl *c, int argc, char **argv);
int ctl_kiosk_list(struct ctl *c, int argc, char **argv);
int ctl_kiosk_revoke(struct ctl *c, int argc, char **argv);
int ctl_kiosk_message(struct ctl *c, int argc, char **argv);
int ctl_kiosk_lock(struct ctl *c, int argc, char **argv);
int ctl_kiosk_unlock(struct ctl *c, int argc, char **argv);
int ctl_kiosk_unpause(struct ctl *c, int argc, char **argv);
/* Queues the command TYPE for KIOSK (a name or an id); TEXT may be NULL. */
int ctl_kiosk_command(struct ctl *c, const char *kiosk, const char *type, const char *text);
/* ctl_help.c: answering the kiosks' calls for help. */
int ctl_kiosk_help_coming(struct ctl *c, int argc, char **argv);
int ctl_kiosk_help_clear(struct ctl *c, int argc, char **argv);
int ctl_session_list(struct ctl *c, int argc, char **argv);
int ctl_session_end(struct ctl *c, int argc, char **argv);
int ctl_session_add_time(struct ctl *c, int argc, char **argv);
int ctl_code_new(struct ctl *c, int argc, char **argv);
int ctl_code_list(struct ctl *c, int argc, char **argv);
int ctl_code_revoke(struct ctl *c, int argc, char **argv);
int ctl_accompany_code(struct ctl *c, int argc, char **argv);
int ctl_code_extend(struct ctl *c, int argc, char **argv);
int ctl_usage_cmd(struct ctl *c, int argc, char **argv);
int ctl_stats(struct ctl *c, int argc, char **argv);
int ctl_audit(struct ctl *c, int argc, char **argv);
int ctl_backup(struct ctl *c, int argc, char **argv);
int ctl_printer_list(struct ctl *c, int argc, char **argv);
int ctl_printer_resume(struct ctl *c, int argc, char **argv);
/* ctl_usersites.c */
int ctl_user_sites(struct ctl *c, int argc, char **argv);
/* ctl_printer.c */
int ctl_printer_add(struct ctl *c, int argc, char **argv);
int ctl_printer_remove(struct ctl *c, int argc, char **argv);
int ctl_job_list(struct ctl *c, int argc, char **argv);
int ctl_job_retry(struct ctl *c, int argc, char **argv);
int ctl_job_cancel(struct ctl *c, int argc, char **argv);
int ctl_job_refund(struct ctl *c, int argc, char **argv);
int ctl_service_list(struct ctl *c, int argc, char **argv);
int ctl_site_list(struct ctl *c, int argc, char **argv);
int ctl_site_settings(struct ctl *c, int argc, char **argv);
int ctl_site_set(struct ctl *c, int argc, char **argv);
int ctl_site_unset(struct ctl *c, int argc, char **argv);
int ctl_service_add(struct ctl *c, int argc, char **argv);
int ctl_service_edit(struct ctl *c, int argc, char **argv);
int ctl_service_remove(struct ctl *c, int argc, char **argv);
int ctl_service_add_domain(struct ctl *c, int argc, char **argv);
int ctl_service_move(struct ctl *c, int argc, char **argv);
int ctl_service_import(struct ctl *c, int argc, char **argv);
int ctl_refusals(struct ctl *c, int argc, char **argv);

#endif
