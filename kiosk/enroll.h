/* enroll: escale-kiosk --enroll URL CODE [--pin PIN] (docs/escale-kiosk.md). */
#ifndef ESCALE_ENROLL_H
#define ESCALE_ENROLL_H

#include "kconfig.h"

/* Enrolls this PC with the one-time CODE at escale-admind URL: writes admin.token_file and
 * admin.enrollment_file. PIN: the server's key as escalectl printed it, else the technician
 * compares the key shown at a terminal. Returns the exit status. */
int enroll_run(const struct kiosk_cfg *cfg, const char *url, const char *code, const char *pin);

#endif
