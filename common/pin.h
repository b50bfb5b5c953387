/* pin: a server's public key pin in curl's format (CURLOPT_PINNEDPUBLICKEY): "sha256//" and the
 * base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo (DER). escalectl prints
 * admind's when it makes a kiosk's enrollment code; escale-kiosk --enroll shows the one the
 * server presents, for the technician to compare, then pins it. */
#ifndef ESCALE_PIN_H
#define ESCALE_PIN_H

#include <stdbool.h>
#include <stddef.h>

#define PIN_PREFIX  "sha256//"
#define PIN_STR_LEN (sizeof(PIN_PREFIX) - 1 + 44)

/* The pin of the first certificate in PEM (LEN bytes, at most 1 MiB). */
bool pin_from_pem(const char *pem, size_t len, char out[PIN_STR_LEN + 1]);
/* The pin of the first certificate in the PEM file PATH; false when it cannot be read. */
bool pin_from_file(const char *path, char out[PIN_STR_LEN + 1]);
/* True when S is one pin in the format above. */
bool pin_valid(const char *s);

#endif
