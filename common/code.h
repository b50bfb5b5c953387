/* code: access codes and tokens: generation, normalisation, hashing. */
#ifndef ESCALE_CODE_H
#define ESCALE_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CODE_MIN_LEN   4
#define CODE_MAX_LEN   32
#define CODE_HASH_LEN  32
#define CODE_KEY_LEN   32
#define TOKEN_HASH_LEN 32
/* "esk_" or "est_" + 43 base64url characters of 32 random bytes. */
#define TOKEN_STR_LEN 47

enum code_alphabet { CODE_DIGITS, CODE_ALNUM };

/* Letters and digits with no look-alikes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B. */
#define CODE_ALNUM_CHARS "34679ACDEFGHJKMNPQRTUVWXY"

bool code_alphabet_parse(const char *s, enum code_alphabet *out);

/* Draws a code of LEN characters (libsodium's CSPRNG, uniform). */
void code_generate(enum code_alphabet a, int len, char *out /* len+1 */);

/* Forgiving input: drops spaces, dashes, dots, underscores; upper-cases
 * letters. False when what remains is not CODE_MIN_LEN..CODE_MAX_LEN
 * characters of [0-9A-Z]. */
bool code_normalise(const char *in, char *out /* CODE_MAX_LEN+1 */);

/* Groups of 4 separated by spaces, for tickets and screens. */
void code_format(const char *norm, char *out, size_t n);

/* Keyed BLAKE2b of the normalised code. */
void code_hash(const uint8_t key[CODE_KEY_LEN], const char *norm, uint8_t out[CODE_HASH_LEN]);

/* The last two characters, shown to staff to tell codes apart. */
void code_hint(const char *norm, char *out /* 8 */);

/* A new random token with PREFIX ("esk_" kiosk, "est_" staff). */
void token_generate(const char *prefix, char *out /* TOKEN_STR_LEN+1 */);
/* Unkeyed BLAKE2b of the token (tokens carry 256 bits; no key needed). */
void token_hash(const char *token, size_t n, uint8_t out[TOKEN_HASH_LEN]);

#endif
