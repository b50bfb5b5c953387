/* jsonutil: strict checks of request objects against a field list. */
#include "jsonutil.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static const char *type_name(enum jtype t)
{
	switch (t) {
	case J_STR:
		return "a string";
	case J_INT:
		return "a whole number";
	case J_BOOL:
		return "true or false";
	case J_ARRAY:
		return "an array";
	default:
		return "a string or a whole number";
	}
}

bool json_check(json_t *obj, const struct jfield *fields, size_t n, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	json_object_foreach (obj, key, v) {
		size_t i;
		for (i = 0; i < n; i++)
			if (strcmp(fields[i].name, key) == 0)
				break;
		if (i == n) {
			snprintf(err, errlen, "unknown field '%.64s'", key);
			return false;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct jfield *f = &fields[i];
		v = json_object_get(obj, f->name);
		if (!v) {
			if (f->required) {
				snprintf(err, errlen, "missing field '%s'", f->name);
				return false;
			}
			continue;
		}
		bool is_str = json_is_string(v), is_int = json_is_integer(v);
		bool ok = (f->type == J_STR && is_str) || (f->type == J_INT && is_int) ||
			  (f->type == J_BOOL && json_is_boolean(v)) ||
			  (f->type == J_ARRAY && json_is_array(v)) ||
			  (f->type == J_STR_OR_INT && (is_str || is_int));
		if (!ok) {
			snprintf(err, errlen, "'%s' must be %s", f->name, type_name(f->type));
			return false;
		}
		if (is_int && (f->type == J_INT) &&
		    (json_integer_value(v) < f->min || json_integer_value(v) > f->max)) {
			snprintf(err, errlen, "'%s' must be between %lld and %lld", f->name,
				 (long long)f->min, (long long)f->max);
			return false;
		}
		if (is_str) {
			const char *s = json_string_value(v);
			size_t len = json_string_length(v), chars = utf8_chars(s);
			if (strlen(s) != len || !utf8_valid_text(s, len)) {
				snprintf(err, errlen, "'%s' holds control characters", f->name);
				return false;
			}
			if (f->type == J_STR &&
			    ((int64_t)chars < f->min || (int64_t)chars > f->max)) {
				snprintf(err, errlen, "'%s' must be %lld to %lld characters long",
					 f->name, (long long)f->min, (long long)f->max);
				return false;
			}
		}
	}
	return true;
}

int64_t json_int_or(json_t *obj, const char *name, int64_t def)
{
	json_t *v = json_object_get(obj, name);
	return json_is_integer(v) ? json_integer_value(v) : def;
}

const char *json_str_or(json_t *obj, const char *name, const char *def)
{
	json_t *v = json_object_get(obj, name);
	return json_is_string(v) ? json_string_value(v) : def;
}

void json_wipe_string(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);
	if (json_is_string(v))
		sodium_memzero((char *)json_string_value(v), json_string_length(v));
}
