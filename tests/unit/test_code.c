/* test_code: code generation, normalisation, grouping and hashing. */
#include <sodium.h>
#include <string.h>

#include "code.h"
#include "test.h"

static void test_normalise(void)
{
	char out[CODE_MAX_LEN + 1];
	CHECK(code_normalise("1234 5678", out) && strcmp(out, "12345678") == 0);
	CHECK(code_normalise(" 1234-5678 ", out) && strcmp(out, "12345678") == 0);
	CHECK(code_normalise("ab.cd_ef", out) && strcmp(out, "ABCDEF") == 0);
	/* U+00A0 and U+202F no-break spaces are ignored like spaces. */
	CHECK(code_normalise("1234\xc2\xa0"
			     "5678",
			     out) &&
	      strcmp(out, "12345678") == 0);
	CHECK(code_normalise("1234\xe2\x80\xaf"
			     "5678",
			     out) &&
	      strcmp(out, "12345678") == 0);
	CHECK(!code_normalise("123", out));       /* too short */
	CHECK(!code_normalise("1234 567é", out)); /* not [0-9A-Z] */
	CHECK(!code_normalise("1234'; DROP", out));
	CHECK(!code_normalise("", out));
	CHECK(!code_normalise("123456789012345678901234567890123", out)); /* 33 > max */
	CHECK(code_normalise("12345678901234567890123456789012", out));
}

static void test_generate(void)
{
	char c[CODE_MAX_LEN + 1];
	int seen[10] = {0};
	for (int i = 0; i < 2000; i++) {
		code_generate(CODE_DIGITS, 8, c);
		CHECK(strlen(c) == 8 && strspn(c, "0123456789") == 8);
		seen[c[0] - '0']++;
	}
	for (int d = 0; d < 10; d++)
		CHECK(seen[d] > 100); /* uniform: ~200 each */
	for (int i = 0; i < 500; i++) {
		code_generate(CODE_ALNUM, 10, c);
		CHECK(strlen(c) == 10 && strspn(c, CODE_ALNUM_CHARS) == 10);
		CHECK(strpbrk(c, "0O1IL2Z5S8B") == NULL);
	}
	char a[9], b[9];
	code_generate(CODE_DIGITS, 8, a);
	code_generate(CODE_DIGITS, 8, b);
	CHECK(strcmp(a, b) != 0 || strcmp(a, "00000000") != 0);
}

static void test_format_hash(void)
{
	char out[64];
	code_format("12345678", out, sizeof(out));
	CHECK(strcmp(out, "1234 5678") == 0);
	code_format("ABCDEFGHJK", out, sizeof(out));
	CHECK(strcmp(out, "ABCD EFGH JK") == 0);
	uint8_t k1[CODE_KEY_LEN] = {1}, k2[CODE_KEY_LEN] = {2}, h1[CODE_HASH_LEN],
		h2[CODE_HASH_LEN], h3[CODE_HASH_LEN];
	code_hash(k1, "12345678", h1);
	code_hash(k1, "12345678", h3);
	code_hash(k2, "12345678", h2);
	CHECK(memcmp(h1, h3, sizeof(h1)) == 0);
	CHECK(memcmp(h1, h2, sizeof(h1)) != 0); /* keyed */
	char hint[8];
	code_hint("12345678", hint);
	CHECK(strcmp(hint, "…78") == 0);
}

static void test_tokens(void)
{
	char t1[TOKEN_STR_LEN + 1], t2[TOKEN_STR_LEN + 1];
	token_generate("esk_", t1);
	token_generate("esk_", t2);
	CHECK(strlen(t1) == TOKEN_STR_LEN && strncmp(t1, "esk_", 4) == 0);
	CHECK(strcmp(t1, t2) != 0);
	CHECK(strspn(t1 + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	      43);
	uint8_t h1[TOKEN_HASH_LEN], h2[TOKEN_HASH_LEN];
	token_hash(t1, strlen(t1), h1);
	token_hash(t2, strlen(t2), h2);
	CHECK(memcmp(h1, h2, sizeof(h1)) != 0);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_normalise();
	test_generate();
	test_format_hash();
	test_tokens();
	return TEST_DONE();
}
