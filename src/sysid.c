/*
 * sysid.c - caller identity and host name.
 *
 * Security: the login name is looked up by real uid; environment
 * variables such as LOGNAME are ignored so a caller cannot pose as
 * another user in the envelope sender.
 */
#include "compat.h"

#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysid.h"
#include "util.h"

static char	*sysid_mailname(void);
static char	*sysid_canonical_hostname(void);

static char *
sysid_mailname(void)
{
	char line[256];
	FILE *fp;
	char *name = NULL;

	fp = fopen("/etc/mailname", "re");
	if (fp == NULL)
		return NULL;
	if (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		str_trim(line);
		if (line[0] != '\0' && strchr(line, '.') != NULL &&
		    strcspn(line, " \t\"<>@") == strlen(line))
			name = xstrdup(line);
	}
	(void)fclose(fp);
	return name;
}

static char *
sysid_canonical_hostname(void)
{
	char host[256];
	struct addrinfo hints, *res = NULL;
	char *name;

	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		return xstrdup("localhost");
	host[sizeof(host) - 1] = '\0';
	if (strchr(host, '.') != NULL)
		return xstrdup(host);
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	hints.ai_family = AF_UNSPEC;
	if (getaddrinfo(host, NULL, &hints, &res) == 0 && res != NULL &&
	    res->ai_canonname != NULL && strchr(res->ai_canonname, '.') != NULL)
		name = xstrdup(res->ai_canonname);
	else
		name = xstrdup(host);
	if (res != NULL)
		freeaddrinfo(res);
	return name;
}

void
sysid_load(struct sysid *id)
{
	struct passwd *pw;

	memset(id, 0, sizeof(*id));
	id->uid = getuid();
	pw = getpwuid(id->uid);
	if (pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0') {
		id->login = xstrdup(pw->pw_name);
		if (pw->pw_gecos != NULL) {
			size_t n = strcspn(pw->pw_gecos, ",");

			if (n > 0)
				id->gecos_name = xstrndup(pw->pw_gecos, n);
		}
	} else {
		id->login = xasprintf("uid%lu", (unsigned long)id->uid);
	}
	id->hostname = sysid_canonical_hostname();
	id->shortname = xstrndup(id->hostname, strcspn(id->hostname, "."));
	id->fqdn = sysid_mailname();
	if (id->fqdn == NULL)
		id->fqdn = xstrdup(id->hostname);
}

void
sysid_free(struct sysid *id)
{
	free(id->login);
	free(id->gecos_name);
	free(id->fqdn);
	free(id->shortname);
	free(id->hostname);
	memset(id, 0, sizeof(*id));
}
