/*
 * crypto.c - SHA-256, hex and certificate pins through GnuTLS.
 *
 * FIPS 180-4 (SHA-256) via gnutls_hash_fast; RFC 7469 2.4 (a public-key
 * pin is the hash of the DER SubjectPublicKeyInfo); RFC 4648 8 (base16,
 * written lower case here).
 *
 * Security: pins are compared in constant time so a network observer who
 * can try many certificates learns nothing from timing.  This is the
 * only file besides tls.c that includes GnuTLS (style.md 3); DKIM
 * signatures will join it later.
 */
#include "compat.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "crypto.h"

static int	crypto_xdigit(int c);

static int
crypto_xdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
crypto_sha256(const void *p, size_t n, unsigned char out[CRYPTO_SHA256_LEN])
{
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, p, n, out) < 0) {
		memset(out, 0, CRYPTO_SHA256_LEN);
		return -1;
	}
	return 0;
}

void
crypto_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

int
crypto_pin_parse(const char *s, unsigned char out[CRYPTO_SHA256_LEN])
{
	size_t o = 0;
	int hi, lo, sep = -1;		/* colons between pairs: unknown */

	memset(out, 0, CRYPTO_SHA256_LEN);
	if (s == NULL)
		return -1;
	if (strncmp(s, "sha256//", 8) == 0)
		s += 8;
	else if (strncmp(s, "sha256:", 7) == 0)
		s += 7;
	for (;;) {
		if (o == CRYPTO_SHA256_LEN)
			goto bad;
		hi = crypto_xdigit((unsigned char)s[0]);
		lo = hi == -1 ? -1 : crypto_xdigit((unsigned char)s[1]);
		if (hi == -1 || lo == -1)
			goto bad;
		out[o++] = (unsigned char)(hi << 4 | lo);
		s += 2;
		if (*s == '\0')
			break;
		/* Either every pair is followed by a colon or none is. */
		if (*s == ':') {
			if (sep == 0 || s[1] == '\0')
				goto bad;
			sep = 1;
			s++;
		} else {
			if (sep == 1)
				goto bad;
			sep = 0;
		}
	}
	if (o != CRYPTO_SHA256_LEN)
		goto bad;
	return 0;
bad:
	memset(out, 0, CRYPTO_SHA256_LEN);
	return -1;
}

int
crypto_memeq(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= x[i] ^ y[i];
	return acc == 0;
}

int
crypto_pin_match(const unsigned char pin[CRYPTO_SHA256_LEN],
    const unsigned char cert_sha[CRYPTO_SHA256_LEN],
    const unsigned char spki_sha[CRYPTO_SHA256_LEN])
{
	int a, b;

	a = crypto_memeq(pin, cert_sha, CRYPTO_SHA256_LEN);
	b = crypto_memeq(pin, spki_sha, CRYPTO_SHA256_LEN);
	return a | b;
}
