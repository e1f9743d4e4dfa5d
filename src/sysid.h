/*
 * sysid.h - who is calling and what this host is called.
 *
 * Identity comes from the password database for the real uid, never
 * from LOGNAME/USER: a setgid program must not let the caller choose
 * its own name.
 */
#ifndef SENDSMTP_SYSID_H
#define SENDSMTP_SYSID_H

#include <sys/types.h>

struct sysid {
	uid_t	 uid;		/* real uid of the caller */
	char	*login;		/* pw_name, or "uid<N>" if none */
	char	*gecos_name;	/* first gecos field, or NULL */
	char	*fqdn;		/* this host's fully qualified name */
	char	*shortname;	/* gethostname() up to the first dot */
	char	*hostname;	/* canonical name of gethostname() */
};

/*
 * Fill id for the real uid.  The FQDN is the first of: /etc/mailname
 * (Debian's mail name), the canonical name of gethostname(), the bare
 * host name.  shortname and hostname are the host's own names whatever
 * /etc/mailname says (policy.c treats addresses at them as local).
 * Never fails; strings are owned by id.
 */
void	 sysid_load(struct sysid *id);
void	 sysid_free(struct sysid *id);

#endif /* SENDSMTP_SYSID_H */
