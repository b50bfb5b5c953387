/* store_printers: the printers added at run time (POST /api/v1/printers), which
 * admind watches beside print.queues' (print.c). */
#ifndef ESCALE_STORE_PRINTERS_H
#define ESCALE_STORE_PRINTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define PRINTER_NAME_MAX   64  /* admind's name: letters, digits, '_', '-' */
#define PRINTER_SERVER_MAX 255 /* HOST or HOST:PORT */
#define PRINTER_QUEUE_MAX  127 /* the CUPS queue: letters, digits, '_', '-', '.' */

struct store_printer {
	char name[PRINTER_NAME_MAX + 1];
	char site[NAME_MAX_BYTES + 1];
	char cups_server[PRINTER_SERVER_MAX + 1];
	char queue[PRINTER_QUEUE_MAX + 1];
	int64_t created_at;
};

/* A print host's cupsd as the API takes it: HOST or HOST:PORT (HOST a DNS name, an IPv4
 * address or an IPv6 one in brackets; no scheme, user, path or socket; port 1..65535),
 * into OUT as HOST:PORT (631 by default); false for anything else. */
bool printer_server_parse(const char *s, char out[PRINTER_SERVER_MAX + 1]);

/* The run-time printers by name, at most MAX, into OUT (*N of them); false when the
 * database cannot be read. */
bool store_printers_list(struct store *st, struct store_printer *out, size_t max, size_t *n);
/* Adds P (created_at set here) unless there are MAX run-time printers already
 * (STORE_LIMIT) or its name, or its server and queue, is taken (STORE_CONFLICT);
 * audited printer.add (detail: site, cups_server, queue). */
enum store_rc store_printer_add(struct store *st, const struct store_actor *who,
				const struct store_printer *p, size_t max);
/* Removes printer NAME: STORE_NOT_FOUND when it is not a run-time printer (or not of
 * one of WHO's sites), STORE_CONFLICT while *PENDING (> 0) of its jobs are not settled;
 * audited printer.remove (detail: site). */
enum store_rc store_printer_remove(struct store *st, const struct store_actor *who,
				   const char *name, int64_t *pending);

#endif
