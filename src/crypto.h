/*
 * crypto.h - hashes, fingerprints and pins (GnuTLS underneath; no GnuTLS
 * type appears here).
 *
 * A pin is the SHA-256 of a certificate's DER encoding or of its
 * SubjectPublicKeyInfo (RFC 7469 2.4 computes the same public-key hash);
 * either form matches.  Pins are compared in constant time.
 */
#ifndef SENDSMTP_CRYPTO_H
#define SENDSMTP_CRYPTO_H

#include <stddef.h>

#define CRYPTO_SHA256_LEN	32
/* 64 hex digits and a NUL. */
#define CRYPTO_SHA256_HEX	(2 * CRYPTO_SHA256_LEN + 1)

/*
 * out := SHA-256 of the n bytes at p.  Returns 0, or -1 when the library
 * refuses (never for SHA-256 in practice); out is zeroed then.
 */
int	 crypto_sha256(const void *p, size_t n,
	    unsigned char out[CRYPTO_SHA256_LEN]);

/*
 * Write n bytes as lower-case hex into out, which holds 2 * n + 1 bytes
 * (NUL-terminated).
 */
void	 crypto_hex(const unsigned char *p, size_t n, char *out);

/*
 * Parse a SHA-256 pin: 64 hex digits, either case, optionally written as
 * 32 colon-separated pairs ("AB:CD:..."), optionally after "sha256:" or
 * "sha256//".  Returns 0 with out filled, or -1 (out zeroed) for any
 * other length, a stray character, a misplaced colon or a NULL s.
 */
int	 crypto_pin_parse(const char *s, unsigned char out[CRYPTO_SHA256_LEN]);

/* 1 when the n bytes at a and b are equal, in time independent of them. */
int	 crypto_memeq(const void *a, const void *b, size_t n);

/*
 * 1 when pin equals cert_sha (SHA-256 of the certificate DER) or
 * spki_sha (SHA-256 of its SubjectPublicKeyInfo), else 0.  Both
 * comparisons always run (constant time).
 */
int	 crypto_pin_match(const unsigned char pin[CRYPTO_SHA256_LEN],
	    const unsigned char cert_sha[CRYPTO_SHA256_LEN],
	    const unsigned char spki_sha[CRYPTO_SHA256_LEN]);

#endif /* SENDSMTP_CRYPTO_H */
