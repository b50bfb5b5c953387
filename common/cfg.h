/* cfg: strict reading of libconfig files with FILE:LINE errors and defaults. */
#ifndef ESCALE_CFG_H
#define ESCALE_CFG_H

#include <libconfig.h>
#include <stdbool.h>
#include <stdint.h>

struct cfg_err {
	char msg[512];
};

#define CFG_MAX_BYTES (1 << 20) /* a configuration file is at most 1 MiB */

/* Reads PATH, a regular file of at most CFG_MAX_BYTES without @include; on failure fills
 * ERR with "FILE:LINE: message". */
bool cfg_load(config_t *c, const char *path, struct cfg_err *err);

/* GROUP may hold only the names in KEYS (NULL-terminated); NULL group is ok. */
bool cfg_only_keys(const config_setting_t *group, const char *const *keys, struct cfg_err *err);

/* Each getter leaves *OUT at DEF when the key is absent and fails, with
 * FILE:LINE, when it has the wrong type or is out of range. */
bool cfg_int(const config_setting_t *group, const char *name, int64_t def, int64_t min, int64_t max,
	     int64_t *out, struct cfg_err *err);
bool cfg_bool(const config_setting_t *group, const char *name, bool def, bool *out,
	      struct cfg_err *err);
/* *OUT is a fresh copy (xstrdup), or NULL when absent and DEF is NULL. */
bool cfg_string(const config_setting_t *group, const char *name, const char *def, size_t maxlen,
		char **out, struct cfg_err *err);
/* A group, or NULL when absent; fails when NAME exists but is not a group. */
bool cfg_group(const config_setting_t *parent, const char *name, const config_setting_t **out,
	       struct cfg_err *err);

/* Formats "FILE:LINE: message" for SETTING into ERR and returns false. */
bool cfg_fail(const config_setting_t *setting, struct cfg_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
