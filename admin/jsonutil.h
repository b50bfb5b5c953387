/* jsonutil: strict checks of request objects against a field list. */
#ifndef ESCALE_JSONUTIL_H
#define ESCALE_JSONUTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jtype { J_STR, J_INT, J_BOOL, J_ARRAY, J_STR_OR_INT };

struct jfield {
	const char *name;
	enum jtype type;
	bool required;
	/* J_INT: value range; J_STR: length range in characters. */
	int64_t min, max;
};

/* True when OBJ has only FIELDS (N of them), each of the right type and
 * range, strings without control characters; else a message in ERR. */
bool json_check(json_t *obj, const struct jfield *fields, size_t n, char *err, size_t errlen);

/* Helpers after json_check: the value, or DEF when absent. */
int64_t json_int_or(json_t *obj, const char *name, int64_t def);
const char *json_str_or(json_t *obj, const char *name, const char *def);

/* Zeroes the string NAME of OBJ in place (a password), if there is one. */
void json_wipe_string(json_t *obj, const char *name);

/* Number of UTF-8 characters in S. */
size_t utf8_chars(const char *s);

#endif
