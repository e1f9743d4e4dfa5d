/*
 * crypto.h - hashes, fingerprints, pins and private-key signatures
 * (GnuTLS underneath; no GnuTLS type appears here).
 *
 * A pin is the SHA-256 of a certificate's DER encoding or of its
 * SubjectPublicKeyInfo (RFC 7469 2.4 computes the same public-key hash);
 * either form matches.  Pins are compared in constant time.
 */
#ifndef SENDSMTP_CRYPTO_H
#define SENDSMTP_CRYPTO_H

#include <stddef.h>

struct diag;

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

/* ------------------------------------------------ streaming SHA-256 */

struct crypto_hash;		/* opaque */

/*
 * A new SHA-256 context: feed it with crypto_hash_add(), finish with
 * crypto_hash_end(), which also frees it.  Never NULL (out of memory or
 * a library refusal is fatal: SHA-256 is always there).
 */
struct crypto_hash *crypto_hash_new(void);
void	 crypto_hash_add(struct crypto_hash *h, const void *p, size_t n);
/* out := the digest; h is freed.  h may be NULL (then out is zeroed). */
void	 crypto_hash_end(struct crypto_hash *h,
	    unsigned char out[CRYPTO_SHA256_LEN]);

/* ------------------------------------------------ private keys (DKIM) */

enum crypto_key_alg {
	CRYPTO_KEY_RSA = 1,	/* RSASSA-PKCS1-v1_5, RFC 8017 */
	CRYPTO_KEY_ED25519	/* PureEdDSA, RFC 8032 */
};

/* Smallest RSA key we sign with (RFC 8301 3.2), and the largest. */
#define CRYPTO_RSA_MIN_BITS	2048
#define CRYPTO_RSA_MAX_BITS	8192
/* Largest signature (RSA-8192) and public key encoding we hand out. */
#define CRYPTO_SIG_MAX		(CRYPTO_RSA_MAX_BITS / 8)
#define CRYPTO_PUB_MAX		2048

struct crypto_key;		/* opaque: holds the private key */

/*
 * Import an unencrypted PEM private key ("BEGIN PRIVATE KEY" PKCS#8 or
 * "BEGIN RSA PRIVATE KEY") from the len bytes at pem; the caller wipes
 * its copy afterwards.  what names the key file in messages.  Returns 0
 * with *out set (free it with crypto_key_free), or -1 with d set to
 * EX_CONFIG naming the fix: not a PEM private key (or an encrypted
 * one), an algorithm other than RSA and Ed25519, an RSA key shorter
 * than CRYPTO_RSA_MIN_BITS or longer than CRYPTO_RSA_MAX_BITS.
 */
int	 crypto_key_load(const void *pem, size_t len, const char *what,
	    struct crypto_key **out, struct diag *d);

enum crypto_key_alg crypto_key_alg(const struct crypto_key *k);
/* The key size in bits (256 for Ed25519). */
unsigned crypto_key_bits(const struct crypto_key *k);

/*
 * Sign the n bytes at data into sig (size bytes, at least
 * CRYPTO_SIG_MAX is always enough), length in *siglen.  RSA: PKCS#1
 * v1.5 over SHA-256(data) (rsa-sha256, RFC 6376 3.3.1).  Ed25519: pure
 * Ed25519 over data itself (RFC 8463 3 passes the SHA-256 hash here).
 * Returns 0, or -1 with d set to EX_SOFTWARE.
 */
int	 crypto_key_sign(const struct crypto_key *k, const void *data,
	    size_t n, unsigned char *sig, size_t size, size_t *siglen,
	    struct diag *d);

/*
 * The public half as DKIM publishes it: RSA as a DER
 * SubjectPublicKeyInfo (RFC 6376 3.6.1), Ed25519 as the raw 32-byte key
 * (RFC 8463 4.2).  Into out (size bytes), length in *len.  Returns 0,
 * or -1 with d set to EX_SOFTWARE.
 */
int	 crypto_key_public(const struct crypto_key *k, unsigned char *out,
	    size_t size, size_t *len, struct diag *d);

/* Release the key (the library wipes its copy); NULL is fine. */
void	 crypto_key_free(struct crypto_key *k);

#endif /* SENDSMTP_CRYPTO_H */
