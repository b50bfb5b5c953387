/* ctl_print: reading escale-admind's JSON answers and printing them as lines. */
#include "ctl.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

json_t *ctl_list(json_t *answer, const char *key)
{
	json_t *a = json_is_object(answer) ? json_object_get(answer, key) : NULL;
	if (!json_is_array(a)) {
		ctl_fail("unexpected answer from escale-admind: no \"%s\" list", key);
		return NULL;
	}
	return a;
}

const char *ctl_jstr(const json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

bool ctl_jint(const json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

void ctl_fput_clean(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		/* C0, DEL and the UTF-8 form of C1 controls (U+0080..U+009F),
		 * which terminals may take as escapes. */
		if (*p < 0x20 || *p == 0x7f)
			fputc(' ', f);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc(' ', f);
			p++;
		} else
			fputc(*p, f);
	}
}

void ctl_out_text(const char *s)
{
	if (s && *s)
		ctl_fput_clean(stdout, s);
	else
		fputc('-', stdout);
}

void ctl_out_value(const json_t *v)
{
	if (!v) {
		fputc('-', stdout);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		ctl_out_text(json_string_value(v));
		break;
	case JSON_INTEGER:
		printf("%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		printf("%g", json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("yes", stdout);
		break;
	case JSON_FALSE:
		fputs("no", stdout);
		break;
	case JSON_OBJECT:
	case JSON_ARRAY: {
		char *s = json_dumps(v, JSON_COMPACT);
		ctl_out_text(s);
		free(s);
		break;
	}
	case JSON_NULL:
	default:
		fputc('-', stdout);
		break;
	}
}

void ctl_out_time(const json_t *v)
{
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		char buf[32];
		datetime_format_local(json_integer_value(v), buf, sizeof(buf));
		fputs(buf, stdout);
	} else if (json_is_string(v)) {
		ctl_out_text(json_string_value(v));
	} else {
		fputc('-', stdout);
	}
}

void ctl_out_tab(void)
{
	fputc('\t', stdout);
}

void ctl_out_end(void)
{
	fputc('\n', stdout);
}
