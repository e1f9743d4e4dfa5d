/*
 * util.h - allocation wrappers and small string helpers.
 *
 * The x-allocators never return NULL: on out-of-memory they call
 * fatalx(EX_OSERR), so callers need no NULL checks.
 */
#ifndef SENDSMTP_UTIL_H
#define SENDSMTP_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
/* Copy of at most the first n bytes of s (stopping at a NUL). */
char	*xstrndup(const char *s, size_t n);
/* Formatted string in newly allocated memory. */
char	*xasprintf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* Wipe (explicit_bzero) then free a NUL-terminated secret; NULL is fine. */
void	 freezero_str(char *s);

/* ASCII case-insensitive comparisons (locale independent). */
int	 ascii_strcasecmp(const char *a, const char *b);
int	 ascii_strncasecmp(const char *a, const char *b, size_t n);
int	 ascii_tolower(int c);

/* 1 if the n bytes at s contain CR, LF or NUL. */
int	 has_crlf_nul(const char *s, size_t n);

/* Trim ASCII space and tab at both ends, in place; returns s. */
char	*str_trim(char *s);

/*
 * The English names of a struct tm's tm_wday ("Sun") and tm_mon ("Jan"),
 * independent of the locale as RFC 5322 dates and mailq need them; an
 * out-of-range value is taken modulo 7 or 12.
 */
const char *util_day_name(int wday);
const char *util_month_name(int mon);

/*
 * RFC 5322 3.3 date-time of t in local time, "Tue, 1 Jul 2003 10:52:37
 * +0200" (UTC, "+0000", when the local zone cannot be had), into out.
 */
void	 util_rfc5322_date(time_t t, char *out, size_t size);

#endif /* SENDSMTP_UTIL_H */
