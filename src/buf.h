/*
 * buf.h - bounded, growable byte buffers (dynbuf style).
 *
 * Every buffer has a maximum set at init.  Appending past it fails with
 * -1 and frees the contents, so a caller that ignores an error sees an
 * empty buffer rather than a truncated one.  The data is always
 * NUL-terminated (not counted in len) and may itself contain NULs.
 */
#ifndef SENDSMTP_BUF_H
#define SENDSMTP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;		/* NULL until the first append */
	size_t	 len;		/* bytes used, excluding the NUL */
	size_t	 cap;		/* bytes allocated */
	size_t	 max;		/* largest len allowed */
};

/* Prepare an empty buffer that may hold up to max bytes. */
void	 buf_init(struct buf *b, size_t max);
/* Release the memory; the buffer is empty and reusable afterwards. */
void	 buf_free(struct buf *b);
/* Like buf_free, but wipes the bytes first (for secrets). */
void	 buf_free_secret(struct buf *b);
/* Forget the contents but keep the allocation. */
void	 buf_reset(struct buf *b);
/* Append n bytes; 0 on success, -1 (buffer freed) if max would be passed. */
int	 buf_add(struct buf *b, const void *p, size_t n);
int	 buf_addstr(struct buf *b, const char *s);
int	 buf_addc(struct buf *b, char c);
int	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* Drop the first n bytes (n <= len). */
void	 buf_consume(struct buf *b, size_t n);
/* The contents as a C string ("" when empty); valid until the next call. */
const char *buf_str(const struct buf *b);

#endif /* SENDSMTP_BUF_H */
