/*
 * buf.c - bounded, growable byte buffers.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_free_secret(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_free(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t need;

	if (n > b->max || b->len > b->max - n) {
		buf_free(b);
		return -1;
	}
	need = b->len + n + 1;
	if (need > b->cap) {
		size_t ncap = b->cap == 0 ? 64 : b->cap;

		while (ncap < need)
			ncap *= 2;
		if (ncap > b->max + 1)
			ncap = b->max + 1;
		b->data = xreallocarray(b->data, ncap, 1);
		b->cap = ncap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	char *big;
	int n, rc;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		buf_free(b);
		return -1;
	}
	if ((size_t)n < sizeof(small))
		return buf_add(b, small, (size_t)n);
	big = xmalloc((size_t)n + 1);
	(void)vsnprintf(big, (size_t)n + 1, fmt, ap);
	rc = buf_add(b, big, (size_t)n);
	free(big);
	return rc;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}
