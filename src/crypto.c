/*
 * crypto.c - SHA-256, hex and certificate pins through GnuTLS.
 *
 * FIPS 180-4 (SHA-256) via gnutls_hash_fast; RFC 7469 2.4 (a public-key
 * pin is the hash of the DER SubjectPublicKeyInfo); RFC 4648 8 (base16,
 * written lower case here).
 *
 * DKIM signatures: RFC 8017 8.2 (RSASSA-PKCS1-v1_5 with SHA-256, the
 * rsa-sha256 of RFC 6376 3.3.1), RFC 8032 5.1 (pure Ed25519, used by
 * RFC 8463's ed25519-sha256 over the SHA-256 of the signed data), RFC
 * 8301 3.2 (no RSA key below 1024 bits; we require 2048).
 *
 * Security: pins are compared in constant time so a network observer who
 * can try many certificates learns nothing from timing.  This is the
 * only file besides tls.c that includes GnuTLS (style.md 3).  Private
 * keys: the caller reads the PEM file (dkim_sign.c: secure-file checks)
 * and wipes its buffer; GnuTLS keeps the key material inside a
 * gnutls_privkey_t that gnutls_privkey_deinit releases.  Nothing here
 * logs, and no message quotes key bytes.
 */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

#include "crypto.h"
#include "diag.h"
#include "log.h"
#include "util.h"

struct crypto_hash {
	gnutls_hash_hd_t	 h;
};

struct crypto_key {
	gnutls_privkey_t	 pk;
	enum crypto_key_alg	 alg;
	unsigned		 bits;
};

static int	crypto_xdigit(int c);
static int	crypto_copy_out(const gnutls_datum_t *dt, unsigned char *out,
		    size_t size, size_t *len, const char *what,
		    struct diag *d);

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

/* ------------------------------------------------ streaming SHA-256 */

struct crypto_hash *
crypto_hash_new(void)
{
	struct crypto_hash *h = xmalloc(sizeof(*h));

	if (gnutls_hash_init(&h->h, GNUTLS_DIG_SHA256) < 0)
		fatalx(EX_SOFTWARE, "GnuTLS cannot compute SHA-256");
	return h;
}

void
crypto_hash_add(struct crypto_hash *h, const void *p, size_t n)
{
	if (n > 0)
		(void)gnutls_hash(h->h, p, n);
}

void
crypto_hash_end(struct crypto_hash *h, unsigned char out[CRYPTO_SHA256_LEN])
{
	if (h == NULL) {
		memset(out, 0, CRYPTO_SHA256_LEN);
		return;
	}
	gnutls_hash_deinit(h->h, out);
	free(h);
}

/* ------------------------------------------------ private keys */

int
crypto_key_load(const void *pem, size_t len, const char *what,
    struct crypto_key **out, struct diag *d)
{
	struct crypto_key *k;
	gnutls_datum_t dt;
	unsigned bits = 0;
	int rc, alg;

	*out = NULL;
	if (len == 0 || len > 0xffffffffU)
		return diag_set(d, EX_CONFIG, "%s is empty or too big; it must "
		    "hold one PEM private key", what);
	k = xcalloc(1, sizeof(*k));
	if ((rc = gnutls_privkey_init(&k->pk)) < 0) {
		free(k);
		return diag_set(d, EX_SOFTWARE, "GnuTLS: %s",
		    gnutls_strerror(rc));
	}
	dt.data = (unsigned char *)(uintptr_t)pem;
	dt.size = (unsigned)len;
	rc = gnutls_privkey_import_x509_raw(k->pk, &dt, GNUTLS_X509_FMT_PEM,
	    NULL, GNUTLS_PKCS_PLAIN);
	if (rc < 0) {
		crypto_key_free(k);
		return diag_set(d, EX_CONFIG, "%s is not an unencrypted PEM "
		    "private key (%s); make one with \"certtool "
		    "--generate-privkey --key-type=ed25519\" or \"--bits "
		    "2048\"", what, gnutls_strerror(rc));
	}
	alg = gnutls_privkey_get_pk_algorithm(k->pk, &bits);
	k->bits = bits;
	if (alg == GNUTLS_PK_RSA)
		k->alg = CRYPTO_KEY_RSA;
	else if (alg == GNUTLS_PK_EDDSA_ED25519)
		k->alg = CRYPTO_KEY_ED25519;
	else {
		crypto_key_free(k);
		return diag_set(d, EX_CONFIG, "%s is a %s key; DKIM signs with "
		    "RSA (rsa-sha256) or Ed25519 (ed25519-sha256) keys only",
		    what, alg < 0 ? "unknown" : gnutls_pk_get_name(alg));
	}
	if (k->alg == CRYPTO_KEY_RSA && (bits < CRYPTO_RSA_MIN_BITS ||
	    bits > CRYPTO_RSA_MAX_BITS)) {
		crypto_key_free(k);
		return diag_set(d, EX_CONFIG, "%s is a %u-bit RSA key; DKIM "
		    "needs %d to %d bits: make a new one with \"certtool "
		    "--generate-privkey --bits 2048\"", what, bits,
		    CRYPTO_RSA_MIN_BITS, CRYPTO_RSA_MAX_BITS);
	}
	*out = k;
	return 0;
}

enum crypto_key_alg
crypto_key_alg(const struct crypto_key *k)
{
	return k->alg;
}

unsigned
crypto_key_bits(const struct crypto_key *k)
{
	return k->bits;
}

/* Copy a GnuTLS result out and free it. */
static int
crypto_copy_out(const gnutls_datum_t *dt, unsigned char *out, size_t size,
    size_t *len, const char *what, struct diag *d)
{
	int rc = 0;

	*len = 0;
	if (dt->size > size)
		rc = diag_set(d, EX_SOFTWARE, "the %s is %u bytes, more than "
		    "the %zu expected (internal error)", what, dt->size, size);
	else {
		memcpy(out, dt->data, dt->size);
		*len = dt->size;
	}
	gnutls_free(dt->data);
	return rc;
}

int
crypto_key_sign(const struct crypto_key *k, const void *data, size_t n,
    unsigned char *sig, size_t size, size_t *siglen, struct diag *d)
{
	gnutls_datum_t in, s = { NULL, 0 };
	gnutls_sign_algorithm_t alg;
	int rc;

	*siglen = 0;
	alg = k->alg == CRYPTO_KEY_RSA ? GNUTLS_SIGN_RSA_SHA256 :
	    GNUTLS_SIGN_EDDSA_ED25519;
	in.data = (unsigned char *)(uintptr_t)data;
	in.size = (unsigned)n;
	rc = gnutls_privkey_sign_data2(k->pk, alg, 0, &in, &s);
	if (rc < 0)
		return diag_set(d, EX_SOFTWARE, "cannot sign with the %s key: "
		    "%s", k->alg == CRYPTO_KEY_RSA ? "RSA" : "Ed25519",
		    gnutls_strerror(rc));
	return crypto_copy_out(&s, sig, size, siglen, "signature", d);
}

int
crypto_key_public(const struct crypto_key *k, unsigned char *out,
    size_t size, size_t *len, struct diag *d)
{
	gnutls_pubkey_t pub;
	gnutls_ecc_curve_t curve;
	gnutls_datum_t dt = { NULL, 0 };
	int rc;

	*len = 0;
	if ((rc = gnutls_pubkey_init(&pub)) < 0)
		return diag_set(d, EX_SOFTWARE, "GnuTLS: %s",
		    gnutls_strerror(rc));
	rc = gnutls_pubkey_import_privkey(pub, k->pk, 0, 0);
	if (rc >= 0 && k->alg == CRYPTO_KEY_RSA)
		rc = gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &dt);
	else if (rc >= 0)
		rc = gnutls_pubkey_export_ecc_raw2(pub, &curve, &dt, NULL, 0);
	gnutls_pubkey_deinit(pub);
	if (rc < 0)
		return diag_set(d, EX_SOFTWARE, "cannot derive the public "
		    "key: %s", gnutls_strerror(rc));
	return crypto_copy_out(&dt, out, size, len, "public key", d);
}

void
crypto_key_free(struct crypto_key *k)
{
	if (k == NULL)
		return;
	if (k->pk != NULL)
		gnutls_privkey_deinit(k->pk);
	free(k);
}
