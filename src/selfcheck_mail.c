/*
 * selfcheck_mail.c - the --check steps about mail rather than the
 * connection: would the server take MAIL FROM (and RCPT TO) for this
 * sender, and what the sender domain publishes (SPF, DMARC, DKIM).
 *
 * RFC 5321 3.3 (MAIL, RCPT; RSET ends the probe before DATA, so nothing
 * is sent), RFC 7208 4.5 (SPF record), RFC 7489 6.1 (DMARC record).
 *
 * Security: the recipients come from the command line and go through
 * the same address parser as a submission's; DNS answers are untrusted
 * and reach the report as printable text only (dnstxt.c).  The DNS
 * findings never change the exit status.
 */
#include "compat.h"

#include <sys/types.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cli.h"
#include "config.h"
#include "diag.h"
#include "dkim.h"
#include "dnstxt.h"
#include "envelope.h"
#include "selfcheck.h"
#include "selfcheck_priv.h"
#include "smtp.h"
#include "util.h"

static char	*check_sender_addr(const struct selfcheck_ctx *c);
static void	 check_txt(struct selfcheck_ctx *c, const char *step,
		    const char *name, const char *prefix, const char *missing);

/* ------------------------------------------------------------ envelope */

/* The envelope sender a submission by this caller would get. */
static char *
check_sender_addr(const struct selfcheck_ctx *c)
{
	const char *dom = c->cfg.domain != NULL ? c->cfg.domain : c->fqdn;
	struct passwd *pw;
	char *spec, *a;
	struct diag d;

	if (c->o->sender != NULL && c->cfg.allow_from_override &&
	    addr_parse_one(c->o->sender, &spec, &d) == 0) {
		a = spec[0] == '\0' ? xstrdup("") : addr_qualify(spec, dom);
		free(spec);
		return a;
	}
	if (c->cfg.from != NULL && addr_parse_one(c->cfg.from, &spec,
	    &d) == 0) {
		a = addr_qualify(spec, dom);
		free(spec);
		return a;
	}
	pw = getpwuid(getuid());
	return xasprintf("%s@%s", pw != NULL ? pw->pw_name : "root",
	    dom != NULL ? dom : "localhost");
}

/*
 * MAIL FROM (and RCPT TO for the addresses given after --check), then
 * RSET: would the server take mail from this sender (to them)?
 */
int
selfcheck_envelope(struct selfcheck_ctx *c, struct smtp_session *s)
{
	const char *dom = c->cfg.domain != NULL ? c->cfg.domain : c->fqdn;
	struct envelope env;
	struct addr_list l;
	struct diag d;
	char *sender, *a;
	size_t j;
	int i, rc;

	envelope_init(&env);
	sender = check_sender_addr(c);
	envelope_set_sender(&env, sender);
	free(sender);
	selfcheck_begin(&c->r, "envelope");
	for (i = 0; i < c->o->nrcpts; i++) {
		addr_list_init(&l);
		if (addr_parse_list(c->o->rcpts[i], strlen(c->o->rcpts[i]), &l,
		    &d) == 0)
			for (j = 0; j < l.n; j++) {
				if (l.v[j].spec[0] == '\0')
					continue;
				a = addr_qualify(l.v[j].spec, dom);
				(void)envelope_add_rcpt(&env, a, &d);
				free(a);
			}
		addr_list_free(&l);
	}
	selfcheck_detail(&c->r, "MAIL FROM", "<%s>", env.sender);
	rc = smtp_try_envelope(s, &env, &d);
	for (j = 0; j < env.nrcpts; j++) {
		if (env.rcpts[j].state == RCPT_PENDING)
			continue;	/* MAIL was refused */
		a = xasprintf("RCPT TO:<%s>", env.rcpts[j].addr);
		selfcheck_detail(&c->r, a, "%d %s", env.rcpts[j].code,
		    env.rcpts[j].reply != NULL ? env.rcpts[j].reply : "");
		free(a);
	}
	if (rc == -1)
		selfcheck_end(&c->r, CHECK_FAIL, &d, NULL);
	else
		selfcheck_end(&c->r, CHECK_OK, NULL, "the server accepts mail "
		    "from <%s>%s (then RSET: nothing was sent)", env.sender,
		    env.nrcpts > 0 ? " to the given recipients" : "");
	envelope_free(&env);
	return rc;
}

/* ------------------------------------------------------------ sender DNS */

/* The wait for one DNS query: CHECK_DNS_TIMEOUT, or "timeout" if less. */
static int
check_dns_timeout(const struct selfcheck_ctx *c)
{
	return c->cfg.timeout > 0 && c->cfg.timeout < CHECK_DNS_TIMEOUT ?
	    c->cfg.timeout : CHECK_DNS_TIMEOUT;
}

/*
 * 1 when DNS answers; the root zone is asked once per --check, since a
 * resolver that cannot find it says nothing about TXT records either.
 */
static int
check_dns_usable(struct selfcheck_ctx *c)
{
	if (!c->dns_probed) {
		c->dns_probed = 1;
		if (!dnstxt_usable(check_dns_timeout(c)))
			c->dns_down = 1;
	}
	return !c->dns_down;
}

static void
check_txt(struct selfcheck_ctx *c, const char *step, const char *name,
    const char *prefix, const char *missing)
{
	struct selfcheck_report *r = &c->r;
	char rec[2048];
	int t = check_dns_timeout(c);

	selfcheck_begin(r, step);
	selfcheck_detail(r, "name", "%s", name);
	if (c->dns_down) {
		selfcheck_end(r, CHECK_SKIP, NULL, "not checked: DNS unavailable");
		return;
	}
	switch (dnstxt_find(name, prefix, t, rec, sizeof(rec))) {
	case DNSTXT_FOUND:
		selfcheck_end(r, CHECK_INFO, NULL, "%s", rec);
		break;
	case DNSTXT_NONE:
		selfcheck_end(r, CHECK_WARN, NULL, "%s", missing);
		break;
	case DNSTXT_UNAVAILABLE:
	default:
		c->dns_down = 1;
		selfcheck_end(r, CHECK_SKIP, NULL, "not checked: DNS unavailable");
		break;
	}
}

/* SPF and DMARC of the sender's domain: information only. */
void
selfcheck_sender(struct selfcheck_ctx *c)
{
	const char *from = c->cfg.from, *dom;
	char *name, *miss;

	if (from == NULL && c->cfg.user != NULL &&
	    strchr(c->cfg.user, '@') != NULL)
		from = c->cfg.user;
	dom = from != NULL && strrchr(from, '@') != NULL ?
	    strrchr(from, '@') + 1 : c->cfg.domain != NULL ? c->cfg.domain :
	    c->fqdn;
	if (dom == NULL || *dom == '\0' || strchr(dom, '.') == NULL)
		return;
	(void)check_dns_usable(c);	/* check_txt skips when it is down */
	miss = xasprintf("no SPF record for %s: receivers may reject or junk "
	    "its mail; publish one that allows the smarthost (\"v=spf1 "
	    "include:... ~all\")", dom);
	check_txt(c, "spf", dom, "v=spf1", miss);
	free(miss);
	name = xasprintf("_dmarc.%s", dom);
	miss = xasprintf("no DMARC record for %s: large receivers want one; "
	    "publish at least \"v=DMARC1; p=none\"", dom);
	check_txt(c, "dmarc", name, "v=DMARC1", miss);
	free(name);
	free(miss);
}

/*
 * ---- DKIM HOOK --------------------------------------------------------
 * The DKIM section (dkim.h, dkim_check.c): the TXT record to publish for
 * each configured key and whether DNS has it.  Information only, like
 * SPF and DMARC; with --json it becomes the top-level "dkim" array.
 */
void
selfcheck_dkim(struct selfcheck_ctx *c)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f;
	int dns;

	/* no keys, no lookups: nothing to wait for */
	dns = c->cfg.dkim_key_file != NULL && check_dns_usable(c);
	if (!c->r.json) {
		(void)dkim_check_report(&c->cfg, c->r.out, 0, dns);
		(void)fflush(c->r.out);
		return;
	}
	f = open_memstream(&mem, &len);
	if (f == NULL)
		return;
	(void)dkim_check_report(&c->cfg, f, 1, dns);
	if (fclose(f) == 0 && mem != NULL && len > 0)
		selfcheck_report_raw(&c->r, "dkim", mem);
	free(mem);
}
