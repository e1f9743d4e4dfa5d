/* closefrom: close every descriptor >= lowfd. */
#include "compat.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

void
closefrom(int lowfd)
{
	DIR *d = opendir("/proc/self/fd");
	long max, fd;

	if (d != NULL) {
		struct dirent *de;
		int dfd = dirfd(d);

		while ((de = readdir(d)) != NULL) {
			char *end;

			fd = strtol(de->d_name, &end, 10);
			if (*end == '\0' && end != de->d_name && fd >= lowfd &&
			    fd != dfd)
				(void)close((int)fd);
		}
		(void)closedir(d);
		return;
	}
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = lowfd; fd < max; fd++)
		(void)close((int)fd);
}
