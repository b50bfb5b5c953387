/* test_jsonutil: the strict field checker used on every request body. */
#include <string.h>

#include "jsonutil.h"
#include "test.h"

static const struct jfield f[] = {
	{"name", J_STR, true, 1, 5},
	{"count", J_INT, false, 1, 10},
	{"flag", J_BOOL, false, 0, 0},
	{"ref", J_STR_OR_INT, false, 0, 0},
};

static bool ok(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);
	char err[160];
	bool r = j && json_check(j, f, 4, err, sizeof(err));
	json_decref(j);
	return r;
}

int main(void)
{
	CHECK(ok("{\"name\": \"abc\"}"));
	CHECK(ok("{\"name\": \"éèàùç\", \"count\": 10, \"flag\": true, \"ref\": 3}"));
	CHECK(ok("{\"name\": \"a\", \"ref\": \"x\"}"));
	CHECK(!ok("{}"));                                /* missing */
	CHECK(!ok("{\"name\": \"abc\", \"extra\": 1}")); /* unknown */
	CHECK(!ok("{\"name\": 5}"));                     /* type */
	CHECK(!ok("{\"name\": \"abcdef\"}"));            /* too long */
	CHECK(!ok("{\"name\": \"\"}"));                  /* too short */
	CHECK(!ok("{\"name\": \"a\", \"count\": 0}"));
	CHECK(!ok("{\"name\": \"a\", \"count\": 11}"));
	CHECK(!ok("{\"name\": \"a\", \"count\": 1.5}"));
	CHECK(!ok("{\"name\": \"a\", \"count\": \"3\"}"));
	CHECK(!ok("{\"name\": \"a\", \"flag\": 1}"));
	CHECK(!ok("{\"name\": \"a\\u0007\"}")); /* control character */
	CHECK(!ok("{\"name\": \"a\", \"ref\": true}"));
	CHECK(!ok("{\"name\": \"a\", \"ref\": \"2030-01-01T10:00\\u0007x\"}"));
	CHECK(utf8_chars("éèà") == 3);
	return TEST_DONE();
}
