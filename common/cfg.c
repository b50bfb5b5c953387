/* cfg: strict reading of libconfig files with FILE:LINE errors and defaults. */
#include "cfg.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

bool cfg_fail(const config_setting_t *setting, struct cfg_err *err, const char *fmt, ...)
{
	char text[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	const char *file = setting ? config_setting_source_file(setting) : NULL;
	unsigned line = setting ? config_setting_source_line(setting) : 0;
	snprintf(err->msg, sizeof(err->msg), "%s:%u: %s", file ? file : "?", line, text);
	return false;
}

/* What libconfig would read badly: a file too large, or an @include (a directory or a
 * device named there makes its scanner exit the whole process; escale's files stand
 * alone). True when F is fit to parse; ERR says why not. */
static bool cfg_precheck(FILE *f, const char *path, struct cfg_err *err)
{
	char chunk[4096];
	unsigned line = 1;
	bool at_start = true; /* CHUNK begins line LINE */
	long size = 0;
	while (fgets(chunk, sizeof(chunk), f)) {
		size_t len = strlen(chunk);
		size += (long)len;
		if (size > CFG_MAX_BYTES) {
			snprintf(err->msg, sizeof(err->msg),
				 "%s:%u: the file is larger than %d bytes: not a configuration",
				 path, line, CFG_MAX_BYTES);
			return false;
		}
		if (at_start && strncmp(chunk + strspn(chunk, " \t"), "@include", 8) == 0) {
			snprintf(err->msg, sizeof(err->msg),
				 "%s:%u: @include is not supported: put every setting in this file",
				 path, line);
			return false;
		}
		at_start = len > 0 && chunk[len - 1] == '\n';
		if (at_start)
			line++;
	}
	if (ferror(f)) {
		snprintf(err->msg, sizeof(err->msg), "%s:%u: cannot read: %s", path, line,
			 strerror(errno));
		return false;
	}
	return true;
}

bool cfg_load(config_t *c, const char *path, struct cfg_err *err)
{
	config_init(c);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err->msg, sizeof(err->msg), "%s:0: cannot open: %s", path,
			 strerror(errno));
		return false;
	}
	struct stat st;
	bool ok = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
	if (!ok)
		snprintf(err->msg, sizeof(err->msg), "%s:0: not a regular file", path);
	else
		ok = cfg_precheck(f, path, err);
	fclose(f);
	if (!ok)
		return false;
	if (config_read_file(c, path) != CONFIG_TRUE) {
		const char *file = config_error_file(c);
		snprintf(err->msg, sizeof(err->msg), "%s:%d: %s", file ? file : path,
			 config_error_line(c), config_error_text(c));
		return false;
	}
	return true;
}

bool cfg_only_keys(const config_setting_t *group, const char *const *keys, struct cfg_err *err)
{
	if (!group)
		return true;
	int n = config_setting_length(group);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		bool ok = false;
		for (const char *const *k = keys; *k && name; k++)
			if (strcmp(*k, name) == 0)
				ok = true;
		if (!ok)
			return cfg_fail(s, err, "unknown setting '%s'", name ? name : "?");
	}
	return true;
}

bool cfg_group(const config_setting_t *parent, const char *name, const config_setting_t **out,
	       struct cfg_err *err)
{
	const config_setting_t *s = config_setting_get_member(parent, name);
	*out = NULL;
	if (!s)
		return true;
	if (!config_setting_is_group(s))
		return cfg_fail(s, err, "'%s' must be a group { ... }", name);
	*out = s;
	return true;
}

bool cfg_int(const config_setting_t *group, const char *name, int64_t def, int64_t min, int64_t max,
	     int64_t *out, struct cfg_err *err)
{
	*out = def;
	const config_setting_t *s = group ? config_setting_get_member(group, name) : NULL;
	if (!s)
		return true;
	int t = config_setting_type(s);
	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
		return cfg_fail(s, err, "'%s' must be a whole number", name);
	long long v = config_setting_get_int64(s);
	if (v < min || v > max)
		return cfg_fail(s, err, "'%s' must be between %lld and %lld", name, (long long)min,
				(long long)max);
	*out = v;
	return true;
}

bool cfg_bool(const config_setting_t *group, const char *name, bool def, bool *out,
	      struct cfg_err *err)
{
	*out = def;
	const config_setting_t *s = group ? config_setting_get_member(group, name) : NULL;
	if (!s)
		return true;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return cfg_fail(s, err, "'%s' must be true or false", name);
	*out = config_setting_get_bool(s) != 0;
	return true;
}

bool cfg_string(const config_setting_t *group, const char *name, const char *def, size_t maxlen,
		char **out, struct cfg_err *err)
{
	*out = NULL;
	const config_setting_t *s = group ? config_setting_get_member(group, name) : NULL;
	if (!s) {
		if (def)
			*out = xstrdup(def);
		return true;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_fail(s, err, "'%s' must be a string in double quotes", name);
	const char *v = config_setting_get_string(s);
	if (strlen(v) > maxlen)
		return cfg_fail(s, err, "'%s' is longer than %zu characters", name, maxlen);
	*out = xstrdup(v);
	return true;
}
