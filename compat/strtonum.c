/* strtonum: parse a decimal integer within [minval, maxval]. */
#include "compat.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

long long
strtonum(const char *numstr, long long minval, long long maxval,
    const char **errstrp)
{
	long long v = 0;
	char *end = NULL;
	const char *err = NULL;

	if (minval > maxval) {
		err = "invalid";
	} else {
		errno = 0;
		v = strtoll(numstr, &end, 10);
		if (end == numstr || *end != '\0')
			err = "invalid";
		else if ((v == LLONG_MIN && errno == ERANGE) || v < minval)
			err = "too small";
		else if ((v == LLONG_MAX && errno == ERANGE) || v > maxval)
			err = "too large";
	}
	if (errstrp != NULL)
		*errstrp = err;
	if (err != NULL) {
		errno = err[0] == 'i' ? EINVAL : ERANGE;
		return 0;
	}
	return v;
}
