/*
 * fuzz_util.c - helpers for the libFuzzer targets (fuzz.h).
 *
 * No RFC.  Test code only: never linked into sendsmtp.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "fuzz.h"
#include "util.h"

void
fuzz_fail(const char *target, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: %s: ", target);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int
fuzz_next_line(const uint8_t *data, size_t size, size_t *pos, int strip_cr,
    const char **line, size_t *len)
{
	const uint8_t *p, *nl;
	size_t n;

	if (*pos >= size)
		return 0;
	p = data + *pos;
	nl = memchr(p, '\n', size - *pos);
	n = nl != NULL ? (size_t)(nl - p) : size - *pos;
	*pos += n + (nl != NULL);
	if (strip_cr && n > 0 && p[n - 1] == '\r')
		n--;
	*line = (const char *)p;
	*len = n;
	return 1;
}

char *
fuzz_dup0(const void *p, size_t n)
{
	char *s;

	s = xmalloc(n + 1);
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

int
fuzz_wire_bad(const char *p, size_t len, const char **why)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '\0') {
			*why = "NUL octet";
			return 1;
		}
		if (p[i] == '\n') {
			*why = "bare LF";
			return 1;
		}
		if (p[i] != '\r') {
			if (++col > LINE_MAX_WIRE) {
				*why = "line over 998 octets";
				return 1;
			}
			continue;
		}
		if (i + 1 >= len || p[i + 1] != '\n') {
			*why = "bare CR";
			return 1;
		}
		i++;
		col = 0;
	}
	if (col != 0) {
		*why = "last line without CRLF";
		return 1;
	}
	return 0;
}
