/* pin: public key pins of X.509 certificates (GnuTLS parses, libsodium hashes). */
#include "pin.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define PEM_MAX (1024 * 1024)

bool pin_from_pem(const char *pem, size_t len, char out[PIN_STR_LEN + 1])
{
	if (len == 0 || len > PEM_MAX)
		return false;
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t key = NULL;
	gnutls_datum_t in = {(unsigned char *)pem, (unsigned)len}, der = {NULL, 0};
	bool ok = gnutls_x509_crt_init(&crt) == 0 &&
		  gnutls_x509_crt_import(crt, &in, GNUTLS_X509_FMT_PEM) == 0 &&
		  gnutls_pubkey_init(&key) == 0 && gnutls_pubkey_import_x509(key, crt, 0) == 0 &&
		  gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, &der) == 0;
	if (ok) {
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, der.data, der.size);
		memcpy(out, PIN_PREFIX, sizeof(PIN_PREFIX) - 1);
		sodium_bin2base64(out + sizeof(PIN_PREFIX) - 1, 45, h, sizeof(h),
				  sodium_base64_VARIANT_ORIGINAL);
	}
	gnutls_free(der.data);
	if (key)
		gnutls_pubkey_deinit(key);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	return ok;
}

bool pin_from_file(const char *path, char out[PIN_STR_LEN + 1])
{
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	char *buf = xmalloc(PEM_MAX + 1);
	size_t n = fread(buf, 1, PEM_MAX + 1, f);
	bool ok = !ferror(f) && n <= PEM_MAX && pin_from_pem(buf, n, out);
	fclose(f);
	free(buf);
	return ok;
}

bool pin_valid(const char *s)
{
	size_t p = sizeof(PIN_PREFIX) - 1;
	if (strlen(s) != PIN_STR_LEN || strncmp(s, PIN_PREFIX, p) != 0 || s[PIN_STR_LEN - 1] != '=')
		return false;
	for (size_t i = p; i < PIN_STR_LEN - 1; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/'))
			return false;
	return true;
}
