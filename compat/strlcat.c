/* strlcat: bounded append that always terminates; returns the length tried. */
#include "compat.h"

#include <string.h>

size_t
strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}
