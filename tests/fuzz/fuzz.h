/*
 * fuzz.h - helpers shared by the libFuzzer targets in tests/fuzz/.
 *
 * Each fuzz_*.c defines LLVMFuzzerTestOneInput() and links with
 * fuzz_util.c and the modules it exercises (tests/fuzz/build.sh).
 * A broken invariant calls fuzz_fail(), which prints one line and
 * aborts, so libFuzzer records the input as a crash.
 */
#ifndef SENDSMTP_FUZZ_H
#define SENDSMTP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print "fuzz: TARGET: message" to stderr and abort(). */
void	 fuzz_fail(const char *target, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/*
 * Walk the lines of data: start with *pos = 0; each call sets *line and
 * *len to the next line without its LF (a CR before the LF is removed
 * when strip_cr is set) and returns 1, or returns 0 at the end.  An
 * unterminated last line counts.
 */
int	 fuzz_next_line(const uint8_t *data, size_t size, size_t *pos,
	    int strip_cr, const char **line, size_t *len);

/* A NUL-terminated xmalloc'd copy of n bytes (which may hold NULs). */
char	*fuzz_dup0(const void *p, size_t n);

/*
 * 0 if the len bytes at p are wire text as msg.h promises: lines of at
 * most LINE_MAX_WIRE octets each ending in CRLF, no other CR or LF, no
 * NUL.  Otherwise 1 with *why naming the first fault.
 */
int	 fuzz_wire_bad(const char *p, size_t len, const char **why);

#endif /* SENDSMTP_FUZZ_H */
