/* test_log: log_escape keeps every line one line of valid UTF-8, whatever a client sent. */
#include <string.h>

#include "log.h"
#include "test.h"

static int same(const char *in, size_t n, const char *want)
{
	char out[256];
	size_t len = log_escape(in, n, out, sizeof(out));
	if (len != strlen(want) || strcmp(out, want) != 0) {
		fprintf(stderr, "got \"%s\", want \"%s\"\n", out, want);
		return 0;
	}
	return 1;
}

#define S(lit) lit, sizeof(lit) - 1

int main(void)
{
	CHECK(same(S("GET /api/v1/codes -> 200"), "GET /api/v1/codes -> 200"));
	CHECK(same(S("Hélène, 日本, 😀"), "Hélène, 日本, 😀"));
	CHECK(same(S("/x\n2026-01-01 escale-admind: staff sign-in"),
		   "/x\\x0a2026-01-01 escale-admind: staff sign-in"));
	CHECK(same(S("a\rb\tc\x1b[31md\x7f"), "a\\x0db\\x09c\\x1b[31md\\x7f"));
	CHECK(same(S("back\\slash"), "back\\\\slash"));
	CHECK(same(S("nul\0x"), "nul\\x00x"));
	/* Not UTF-8: lone continuation, overlong, surrogate, past U+10FFFF, cut. */
	CHECK(same(S("\x80\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82"),
		   "\\x80\\xc0\\xaf\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80\\xe2\\x82"));
	/* C1 controls, line separator, right-to-left override. */
	CHECK(same(S("\xc2\x85|\xe2\x80\xa8|\xe2\x80\xae"),
		   "\\xc2\\x85|\\xe2\\x80\\xa8|\\xe2\\x80\\xae"));
	/* Cut on a whole escape or character, always terminated. */
	char small[6];
	CHECK(log_escape("ab\ncd", 5, small, sizeof(small)) == 2 && strcmp(small, "ab") == 0);
	CHECK(log_escape("abcdé", 6, small, sizeof(small)) == 4 && strcmp(small, "abcd") == 0);
	CHECK(log_escape("x", 1, small, 1) == 0 && small[0] == '\0');
	return TEST_DONE();
}
