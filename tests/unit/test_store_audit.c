/* test_store_audit: an audit line's detail is written as jansson wrote it. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "test.h"

/* The detail as json_dumps(JSON_COMPACT | JSON_SORT_KEYS) writes it. */
static char *jansson_detail(const struct audit_field *f, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, f[i].key,
				    f[i].text ? json_string(f[i].text) : json_integer(f[i].num));
	char *d = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return d;
}

static bool same(const struct audit_field *f, size_t n)
{
	char *a = store_audit_detail(f, n), *b = jansson_detail(f, n);
	bool ok = a && b && strcmp(a, b) == 0;
	if (!ok)
		fprintf(stderr, "detail %s, jansson %s\n", a ? a : "(null)", b ? b : "(null)");
	free(a);
	free(b);
	return ok;
}

int main(void)
{
	const struct audit_field issue[] = {
		{"count", NULL, 3},    {"minutes", NULL, 60},
		{"pages", NULL, 0},    {"valid_until", NULL, 1893456000},
		{"first_id", NULL, 7}, {"last_id", NULL, 9},
	};
	CHECK(same(issue, 6));
	const struct audit_field neg[] = {{"sessions", NULL, -1}, {"before", NULL, INT64_MIN}};
	CHECK(same(neg, 2));
	const struct audit_field text[] = {
		{"text",
		 "Quote \" back \\ slash / tab\t nl\n cr\r bs\b ff\f bell\a esc\x1b del\x7f", 0},
		{"site", "Maison de quartier — été ✓", 0},
		{"empty", "", 0},
	};
	CHECK(same(text, 3));
	char all[128];
	for (int c = 1; c < 128; c++)
		all[c - 1] = (char)c;
	all[127] = '\0';
	const struct audit_field every[] = {{"ascii", all, 0}};
	CHECK(same(every, 1));
	CHECK(store_audit_detail(text, 0) == NULL);
	CHECK(store_audit_detail(issue, STORE_AUDIT_FIELDS + 1) == NULL);
	return TEST_DONE();
}
