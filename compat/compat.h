/*
 * compat.h - include first in every source file.
 *
 * Pulls in the configure results and declares the replacement functions
 * that compat/ provides when the C library lacks them (see compat/NOTES).
 */
#ifndef SENDSMTP_COMPAT_H
#define SENDSMTP_COMPAT_H

#include "autoconf.h"

#include <stddef.h>
#include <sys/types.h>

#ifndef HAVE_STRLCPY
size_t	strlcpy(char *dst, const char *src, size_t size);
#endif
#ifndef HAVE_STRLCAT
size_t	strlcat(char *dst, const char *src, size_t size);
#endif
#ifndef HAVE_REALLOCARRAY
void	*reallocarray(void *ptr, size_t nmemb, size_t size);
#endif
#ifndef HAVE_EXPLICIT_BZERO
void	 explicit_bzero(void *buf, size_t len);
#endif
#ifndef HAVE_STRTONUM
long long strtonum(const char *numstr, long long minval, long long maxval,
	    const char **errstrp);
#endif
#ifndef HAVE_CLOSEFROM
void	 closefrom(int lowfd);
#endif

#endif /* SENDSMTP_COMPAT_H */
