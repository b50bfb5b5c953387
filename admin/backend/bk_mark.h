/* bk_mark: the release mark escale-admind puts on a job it charged, and the
 * wrapper backend checks before anything reaches the printer. */
#ifndef ESCALE_BK_MARK_H
#define ESCALE_BK_MARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The job attribute admind sets (Set-Job-Attributes) and cupsd passes on to
 * the backend in its options argument (argv[5]). */
#define BK_MARK_ATTR "escale-release"
/* Default key file: admind's state directory (config print.release_key_file;
 * the backend: ESCALE_RELEASE_KEY_FILE in cupsd's environment). */
#define BK_MARK_KEY_FILE "/var/lib/escale/print-release.key"
#define BK_MARK_KEY_LEN  32 /* crypto_auth_KEYBYTES */
/* "v1-PAGES-DOCS-" and 64 hex digits; a longer value is refused unread. */
#define BK_MARK_MAX       96
#define BK_OPTIONS_MAX    65536 /* cupsd's options string is far smaller */
#define BK_MARK_PAGES_MAX 10000000L
#define BK_MARK_DOCS_MAX  999

/* What a mark is bound to: fields cupsd sets and a job's owner cannot change
 * (the job id and printer come from cupsd; time-at-creation is read-only in
 * Set-Job-Attributes, unlike job-uuid). */
struct bk_job {
	const char *printer;
	long job_id;
	long long created; /* time-at-creation */
};

/* Writes the mark of JOB charged PAGES impressions for DOCS documents into OUT
 * (at least BK_MARK_MAX + 1 bytes); false when a field is out of range. */
bool bk_mark_make(const uint8_t key[BK_MARK_KEY_LEN], const struct bk_job *job, long pages,
		  long docs, char *out, size_t outlen);
/* Checks MARK (LEN bytes, not NUL-terminated) against JOB; fills PAGES and
 * DOCS when it is a valid mark. Constant-time comparison of the tag. */
bool bk_mark_check(const uint8_t key[BK_MARK_KEY_LEN], const struct bk_job *job, const char *mark,
		   size_t len, long *pages, long *docs);

/* Finds option NAME in OPTIONS, the string cupsd passes as argv[5]
 * ("name=value name2=va\ lue": values escaped with backslashes). Copies its
 * unescaped value into OUT. 1: found once; 0: absent; -1: found more than
 * once, malformed, too long for OUT, or OPTIONS longer than BK_OPTIONS_MAX. */
int bk_option(const char *options, size_t len, const char *name, char *out, size_t outlen);

/* Reads the key file PATH: a regular file of exactly BK_MARK_KEY_LEN bytes
 * that no "other" user may read or write. False with a message in ERR. */
bool bk_mark_key_load(const char *path, uint8_t key[BK_MARK_KEY_LEN], char *err, size_t errlen);

#endif
