/* reallocarray: realloc(ptr, nmemb * size) that fails on overflow. */
#include "compat.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

void *
reallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(ptr, nmemb * size);
}
