/*
 * policy.h - who a message is from and to, after sendsmtp.conf's rules:
 * local names qualified with the domain, the aliases file applied to
 * local recipients, and the account's sender policy (sender_policy,
 * allow_from_override, from).
 *
 * The host's own names are gethostname()'s short name, its canonical
 * name (sysid.h), "localhost" and "localhost.localdomain": an address at
 * one of them ("root@shorthost") is local.  The configured domain is not
 * one of them unless it is the same name: "root@example.com" is a real
 * mailbox somewhere else.
 */
#ifndef SENDSMTP_POLICY_H
#define SENDSMTP_POLICY_H

#include <stddef.h>

#include "aliases.h"
#include "config.h"
#include "diag.h"
#include "envelope.h"
#include "sysid.h"

#define POLICY_OWN_MAX	5

struct policy {
	const struct config	*cfg;
	struct aliases		 aliases;	/* may be empty */
	struct alias_ctx	 actx;		/* domain and own names */
	const char		*own[POLICY_OWN_MAX];
	enum sender_policy	 eff;		/* AUTO resolved */
	const char		*account_addr;	/* from, or an address
						 * user, or NULL */
};

/*
 * The policy of cfg on this host (id): domain is cfg->domain, else
 * id->fqdn; the aliases file named by cfg->aliases is loaded.  cfg and
 * id must outlive p.  Returns 0, or -1 with d set (aliases_load's
 * EX_CONFIG) and p still safe to policy_free().
 */
int	 policy_init(struct policy *p, const struct config *cfg,
	    const struct sysid *id, struct diag *d);
void	 policy_free(struct policy *p);

/* The policy AUTO means for cfg (see config.h). */
enum sender_policy policy_effective(const struct config *cfg);

/*
 * The envelope sender, xmalloc'd into *out: given is the caller's -f /
 * MAIL FROM value (NULL when none; "" is the null sender, which every
 * policy keeps), login the caller's login name.  keep: given (when
 * allow_from_override is on), else from, else login@domain; envelope and
 * header: the account's address.  Local names and addresses at the
 * host's own names are qualified.  Returns 0, or -1 with d set to
 * EX_DATAERR when given is not one address.
 */
int	 policy_sender(const struct policy *p, const char *given,
	    const char *login, char **out, struct diag *d);

/*
 * The address that From: is rewritten to (sender_policy header), or
 * NULL when From: is left alone.
 */
const char *policy_header_from(const struct policy *p);

/*
 * Add the recipients of one address list (an argv element, a RCPT TO
 * path) to env, each resolved through aliases_expand().  Returns 0, or
 * -1 with d set (EX_DATAERR unparsable, EX_CONFIG alias loop, EX_USAGE
 * too many recipients).
 */
int	 policy_add_rcpts(const struct policy *p, const char *list,
	    size_t len, struct envelope *env, struct diag *d);

#endif /* SENDSMTP_POLICY_H */
