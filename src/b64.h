/*
 * b64.h - RFC 4648 section 4 base64 (with padding), shared by SMTP AUTH
 * (smtp_auth.c), RFC 2047 encoded words (msg.c) and DKIM (dkim.c).
 */
#ifndef SENDSMTP_B64_H
#define SENDSMTP_B64_H

#include <stddef.h>

struct buf;

/* Characters needed to encode n bytes (no NUL counted). */
#define B64_LEN(n)	(((n) + 2) / 3 * 4)

/*
 * Encode n bytes into out (size bytes, NUL-terminated).  Returns 0 and
 * the length in *outlen, or -1 (*outlen 0) when out is too small.
 */
int	 b64_encode(const void *in, size_t n, char *out, size_t size,
	    size_t *outlen);

/*
 * Decode strictly: the alphabet only, a length that is a multiple of 4,
 * '=' only as the last one or two characters; "" and "=" decode to
 * nothing (RFC 4954 4 uses "=" for an empty response).  out (size
 * bytes) is NUL-terminated after the data, which may itself hold NULs.
 * Returns 0, or -1 (*outlen 0) when malformed or too big for out.
 */
int	 b64_decode(const char *in, size_t n, char *out, size_t size,
	    size_t *outlen);

/* Append the encoding of n bytes to b; 0, or -1 when b's maximum is hit. */
int	 b64_add(struct buf *b, const void *in, size_t n);

#endif /* SENDSMTP_B64_H */
