/* explicit_bzero: zero memory in a way the optimiser may not remove. */
#include "compat.h"

#include <string.h>

static void *(*volatile memset_nodrop)(void *, int, size_t) = memset;

void
explicit_bzero(void *buf, size_t len)
{
	memset_nodrop(buf, 0, len);
}
