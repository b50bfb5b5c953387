/* print: escale-admind's CUPS watcher (libcups): holds, counts, releases or cancels
 * the jobs of the print queue, follows them to their end and reports the printer. */
#ifndef ESCALE_PRINT_H
#define ESCALE_PRINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "admind.h"

struct print_watch;

/* Starts the watcher thread (never fails for want of a cupsd: it is shown as
 * unreachable and tried again every poll). */
struct print_watch *print_start(struct store *st, const struct print_config *cfg);
void print_stop(struct print_watch *pw);
/* {"printers": [...]}: each queue as last seen (at most one poll old), in
 * the order of print.queues. */
json_t *print_printers(struct print_watch *pw);
#define PRINT_KEY_HEX_SIZE 65 /* 32 bytes in hex, and the NUL */
/* The release key of printer NAME (made if missing) in hex, to install on its
 * print host; false with a message in ERR. */
bool print_key_hex(const struct print_config *cfg, const char *name, char hex[PRINT_KEY_HEX_SIZE],
		   char *err, size_t errlen);
/* The fingerprint of a release key: the first 8 bytes of its SHA-256 in hex, in groups
 * of 4 digits ("1a2b 3c4d 5e6f 7a8b"), as escale-setup-print-host shows it. */
#define PRINT_FP_SIZE 20
void print_key_fingerprint(const uint8_t key[32], char fp[PRINT_FP_SIZE]);
/* Makes a new release key for run-time printer NAME (replacing any old one) beside the
 * database; its hex and fingerprint; false with a message in ERR. */
bool print_key_new(const struct print_config *cfg, const char *name, char hex[PRINT_KEY_HEX_SIZE],
		   char fp[PRINT_FP_SIZE], char *err, size_t errlen);
/* Deletes run-time printer NAME's key file. */
void print_key_remove(const struct print_config *cfg, const char *name);
/* The site of printer NAME among those watched now (print.queues' and run-time ones)
 * into SITE; false when admind watches none of that name. */
bool print_printer_site(struct print_watch *pw, const char *name, char site[NAME_MAX_BYTES + 1]);
/* The site of printer NAME in CFG, NULL when it is not one of print.queues. */
const char *print_site_of(const struct print_config *cfg, const char *name);
/* The desk's actions in CUPS (NAME: admind's name of the printer); false with
 * a message in ERR. */
bool print_resume(struct print_watch *pw, const char *name, char *err, size_t errlen);
bool print_retry(struct print_watch *pw, int64_t job, char *err, size_t errlen);
/* Runs one poll now (tests and the API's "act at once"). */
void print_kick(struct print_watch *pw);

#endif
