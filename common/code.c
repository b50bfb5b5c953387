/* code: access codes and tokens: generation, normalisation, hashing. */
#include "code.h"
#include "log.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char digits_chars[] = "0123456789";
static const char alnum_chars[] = CODE_ALNUM_CHARS;

bool code_alphabet_parse(const char *s, enum code_alphabet *out)
{
	if (strcmp(s, "digits") == 0)
		*out = CODE_DIGITS;
	else if (strcmp(s, "alnum") == 0)
		*out = CODE_ALNUM;
	else
		return false;
	return true;
}

void code_generate(enum code_alphabet a, int len, char *out)
{
	const char *chars = a == CODE_DIGITS ? digits_chars : alnum_chars;
	uint32_t n = (uint32_t)strlen(chars);
	if (len < CODE_MIN_LEN || len > CODE_MAX_LEN)
		fatalx("%s: bad code length %d", __func__, len);
	for (int i = 0; i < len; i++)
		out[i] = chars[randombytes_uniform(n)];
	out[len] = '\0';
}

bool code_normalise(const char *in, char *out)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		unsigned char c = *p;
		if (c == ' ' || c == '-' || c == '.' || c == '_' || c == '\t')
			continue;
		/* U+00A0 and U+202F (no-break spaces, from copy-paste or French
		 * number formatting) are ignored like spaces. */
		if (c == 0xc2 && p[1] == 0xa0) {
			p++;
			continue;
		}
		if (c == 0xe2 && p[1] == 0x80 && p[2] == 0xaf) {
			p += 2;
			continue;
		}
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
			return false;
		if (n >= CODE_MAX_LEN)
			return false;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n >= CODE_MIN_LEN;
}

void code_format(const char *norm, char *out, size_t n)
{
	size_t o = 0, len = strlen(norm);
	for (size_t i = 0; i < len && o + 2 < n; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = norm[i];
	}
	out[o] = '\0';
}

void code_hash(const uint8_t key[CODE_KEY_LEN], const char *norm, uint8_t out[CODE_HASH_LEN])
{
	crypto_generichash(out, CODE_HASH_LEN, (const unsigned char *)norm, strlen(norm), key,
			   CODE_KEY_LEN);
}

void code_hint(const char *norm, char *out)
{
	size_t len = strlen(norm);
	snprintf(out, 8, "…%s", len >= 2 ? norm + len - 2 : norm);
}

void token_generate(const char *prefix, char *out)
{
	uint8_t raw[32];
	randombytes_buf(raw, sizeof(raw));
	size_t pl = strlen(prefix);
	memcpy(out, prefix, pl);
	sodium_bin2base64(out + pl, TOKEN_STR_LEN + 1 - pl, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void token_hash(const char *token, size_t n, uint8_t out[TOKEN_HASH_LEN])
{
	crypto_generichash(out, TOKEN_HASH_LEN, (const unsigned char *)token, n, NULL, 0);
}
