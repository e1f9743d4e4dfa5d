/*
 * policy.c - the sender policy, qualification and aliases for one run
 * (policy.h).
 *
 * Implements compat.md 2.3 (qualify bare names, map local names through
 * the alias table) and the sender rules of design.md 5 with the
 * sender_policy key of sendsmtp.conf(5); RFC 5321 4.1.2 paths come from
 * addr.c.
 *
 * Security: the caller chooses -f and the recipients; the account
 * chooses the rest.  With sender_policy envelope or header (the default
 * when the account authenticates and has a "from"), a caller cannot make
 * the relay see any sender but the account's own, except the null
 * sender, which carries no identity.  allow_from_override off ignores
 * -f whatever the policy.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "addr.h"
#include "aliases.h"
#include "log.h"
#include "policy.h"
#include "util.h"

static char	*policy_qualify(const struct policy *p, const char *spec);

int
policy_init(struct policy *p, const struct config *cfg,
    const struct sysid *id, struct diag *d)
{
	size_t n = 0;

	memset(p, 0, sizeof(*p));
	aliases_init(&p->aliases);
	p->cfg = cfg;
	p->actx.domain = cfg->domain != NULL ? cfg->domain : id->fqdn;
	if (id->shortname != NULL && id->shortname[0] != '\0')
		p->own[n++] = id->shortname;
	if (id->hostname != NULL && id->hostname[0] != '\0')
		p->own[n++] = id->hostname;
	p->own[n++] = "localhost";
	p->own[n++] = "localhost.localdomain";
	p->own[n] = NULL;
	p->actx.own = p->own;
	p->eff = policy_effective(cfg);
	if (cfg->from != NULL)
		p->account_addr = cfg->from;
	else if (cfg->user != NULL && strchr(cfg->user, '@') != NULL)
		p->account_addr = cfg->user;
	if (cfg->aliases != NULL &&
	    aliases_load(cfg->aliases, &p->aliases, d) == -1)
		return -1;
	return 0;
}

void
policy_free(struct policy *p)
{
	aliases_free(&p->aliases);
	memset(p, 0, sizeof(*p));
}

enum sender_policy
policy_effective(const struct config *cfg)
{
	if (cfg->sender_policy != SENDER_POLICY_AUTO)
		return cfg->sender_policy;
	if (cfg->user != NULL && cfg->from != NULL)
		return SENDER_POLICY_ENVELOPE;
	return SENDER_POLICY_KEEP;
}

/* A local name or an address at our own names -> local@domain. */
static char *
policy_qualify(const struct policy *p, const char *spec)
{
	char *local = NULL, *q;

	if (!aliases_is_local(&p->actx, spec, &local))
		return xstrdup(spec);
	q = addr_qualify(local, p->actx.domain);
	free(local);
	return q;
}

int
policy_sender(const struct policy *p, const char *given, const char *login,
    char **out, struct diag *d)
{
	const struct config *cfg = p->cfg;
	char *spec;

	if (given != NULL && !cfg->allow_from_override) {
		log_warnx("warning: -f %s ignored: allow_from_override is off "
		    "in %s", given, cfg->path != NULL ? cfg->path : "config");
		given = NULL;
	}
	if (given != NULL) {
		if (addr_parse_one(given, &spec, d) == -1)
			return -1;
		if (spec[0] == '\0') {
			*out = spec;	/* the null sender stays null */
			return 0;
		}
		free(spec);
	}
	if (p->eff != SENDER_POLICY_KEEP && p->account_addr != NULL)
		given = p->account_addr;
	else if (given == NULL)
		given = cfg->from;
	if (given == NULL) {
		*out = xasprintf("%s@%s", login, p->actx.domain);
		return 0;
	}
	if (addr_parse_one(given, &spec, d) == -1)
		return -1;
	*out = spec[0] == '\0' ? xstrdup("") : policy_qualify(p, spec);
	free(spec);
	return 0;
}

const char *
policy_header_from(const struct policy *p)
{
	return p->eff == SENDER_POLICY_HEADER ? p->account_addr : NULL;
}

int
policy_add_rcpts(const struct policy *p, const char *list, size_t len,
    struct envelope *env, struct diag *d)
{
	struct addr_list l;
	char **out = NULL;
	size_t i, j, n = 0;
	int rc = 0;

	addr_list_init(&l);
	if (addr_parse_list(list, len, &l, d) == -1)
		return -1;
	for (i = 0; i < l.n && rc == 0; i++) {
		if (l.v[i].spec[0] == '\0')
			continue;
		rc = aliases_expand(&p->aliases, &p->actx, l.v[i].spec, &out,
		    &n, d);
		for (j = 0; j < n; j++) {
			if (rc == 0 && addr_has_8bit(out[j]))
				env->smtputf8 = 1;
			if (rc == 0 && envelope_add_rcpt(env, out[j], d) == -1)
				rc = -1;
			free(out[j]);
		}
		n = 0;
	}
	free(out);
	addr_list_free(&l);
	return rc;
}
