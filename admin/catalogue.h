/* catalogue: the default list of services (config/services.conf), which a new
 * database starts with (docs/network.md). */
#ifndef ESCALE_CATALOGUE_H
#define ESCALE_CATALOGUE_H

#include <stddef.h>

#include "cfg.h"
#include "store_services.h"

/* Reads FILE (libconfig: `services = ( { id; name; url; category; icon; domains;
 * intranet; }, ... );`) with the checks of docs/API.md. *OUT (free() it) gets the
 * services in order. False with "FILE:LINE: message" in ERR. */
bool catalogue_load(const char *file, struct store_service **out, size_t *n, struct cfg_err *err);

#endif
