/*
 * b64.c - base64, RFC 4648 section 4, the one copy every module uses.
 *
 * Security: decoding is strict (no whitespace, no stray '=', no NUL) so a
 * peer cannot smuggle bytes past a length check; every output is bounded
 * by the caller's size.
 */
#include "compat.h"

#include <stdint.h>
#include <string.h>

#include "b64.h"
#include "buf.h"

static const char b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int	b64_val(int c);
static void	b64_quad(const unsigned char *p, size_t n, char out[4]);

/* Encode 1 to 3 bytes as four characters, padded with '='. */
static void
b64_quad(const unsigned char *p, size_t n, char out[4])
{
	unsigned v;

	v = (unsigned)p[0] << 16;
	if (n > 1)
		v |= (unsigned)p[1] << 8;
	if (n > 2)
		v |= p[2];
	out[0] = b64_chars[v >> 18 & 63];
	out[1] = b64_chars[v >> 12 & 63];
	out[2] = n > 1 ? b64_chars[v >> 6 & 63] : '=';
	out[3] = n > 2 ? b64_chars[v & 63] : '=';
}

int
b64_encode(const void *in, size_t n, char *out, size_t size,
    size_t *outlen)
{
	const unsigned char *p = in;
	size_t i, o = 0;

	*outlen = 0;
	if (n > (SIZE_MAX - 1) / 4 * 3 - 3 || B64_LEN(n) >= size)
		return -1;
	for (i = 0; i < n; i += 3, o += 4)
		b64_quad(p + i, n - i > 3 ? 3 : n - i, out + o);
	out[o] = '\0';
	*outlen = o;
	return 0;
}

int
b64_add(struct buf *b, const void *in, size_t n)
{
	const unsigned char *p = in;
	char q[4];
	size_t i;

	for (i = 0; i < n; i += 3) {
		b64_quad(p + i, n - i > 3 ? 3 : n - i, q);
		if (buf_add(b, q, sizeof(q)) == -1)
			return -1;
	}
	return 0;
}

static int
b64_val(int c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(b64_chars, c);
	return p != NULL ? (int)(p - b64_chars) : -1;
}

int
b64_decode(const char *in, size_t n, char *out, size_t size,
    size_t *outlen)
{
	size_t i, o = 0, pad = 0;
	int v[4], k;

	*outlen = 0;
	if (size == 0)
		return -1;
	out[0] = '\0';
	if (n == 0 || (n == 1 && in[0] == '='))
		return 0;
	if (n % 4 != 0)
		return -1;
	if (in[n - 1] == '=')
		pad = in[n - 2] == '=' ? 2 : 1;
	if (n / 4 * 3 - pad >= size)
		return -1;
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4; k++) {
			if (i + (size_t)k >= n - pad) {
				v[k] = 0;
				continue;
			}
			v[k] = b64_val((unsigned char)in[i + k]);
			if (v[k] == -1)
				return -1;
		}
		out[o++] = (char)(v[0] << 2 | v[1] >> 4);
		if (i + 2 < n - pad)
			out[o++] = (char)((v[1] & 15) << 4 | v[2] >> 2);
		if (i + 3 < n - pad)
			out[o++] = (char)((v[2] & 3) << 6 | v[3]);
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}
