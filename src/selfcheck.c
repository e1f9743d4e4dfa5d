/*
 * selfcheck.c - sendsmtp --check: the path of a real delivery, step by
 * step, without sending mail (design.md 1 and 7).
 *
 * RFC 5321 (greeting, EHLO; the session ends with QUIT before any MAIL),
 * RFC 3207 / 8314 (STARTTLS, implicit TLS), RFC 4954 (AUTH), RFC 1870
 * (SIZE); the envelope probe and the sender's DNS records are in
 * selfcheck_mail.c.
 *
 * The steps are the delivery code itself (config.c, conn.c through
 * smtp_connect/smtp_greet/smtp_secure, tls.c, smtp_auth.c): --check can
 * only pass when delivery would.  The first failing step stops the walk
 * with its catalogue line; the DNS records of the sender's domain are
 * information and never change the exit code.
 *
 * Security: --check authenticates for real, so it reads the secret the
 * same way delivery does (smtp_auth); the report names the password
 * source, never the password, and the -v transcript redacts AUTH.  A
 * mode-mismatch probe (a second connection with implicit TLS when the
 * greeting never came) sends nothing but a TLS hello and QUIT.
 */
#include "compat.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "deliver.h"
#include "diag.h"
#include "log.h"
#include "reply.h"
#include "sasl.h"
#include "selfcheck.h"
#include "selfcheck_priv.h"
#include "smtp.h"
#include "smtp_auth.h"
#include "tls.h"
#include "util.h"

/* The implicit-TLS probe waits at most this long. */
#define CHECK_PROBE_TIMEOUT	10


static int	check_config(struct selfcheck_ctx *c, const char *path);
static void	check_config_details(struct selfcheck_ctx *c, const char *path);
static int	check_dns(struct selfcheck_ctx *c);
static int	check_smtp(struct selfcheck_ctx *c);
static int	check_greeting(struct selfcheck_ctx *c, struct smtp_session *s,
		    const struct smtp_params *p, struct tls_chain *chain);
static void	check_tls(struct selfcheck_ctx *c, const struct smtp_session *s,
		    const struct tls_chain *chain, const struct diag *d);
static void	check_probe_implicit(struct selfcheck_ctx *c,
		    const struct smtp_params *p, struct diag *d);
static void	check_ehlo(struct selfcheck_ctx *c, const struct smtp_session *s);
static int	check_auth(struct selfcheck_ctx *c, struct smtp_session *s);
static void	check_size(struct selfcheck_ctx *c, const struct smtp_session *s);
static const char *check_tls_name(enum tls_mode m);

static const char *
check_tls_name(enum tls_mode m)
{
	switch (m) {
	case TLS_MODE_SMTPS:	return "smtps";
	case TLS_MODE_OFF:	return "off";
	case TLS_MODE_STARTTLS:
	default:		return "starttls";
	}
}

/* ------------------------------------------------------------ config */

static void
check_config_details(struct selfcheck_ctx *c, const char *path)
{
	const struct config *cfg = &c->cfg;
	struct selfcheck_report *r = &c->r;

	(void)path;
	selfcheck_detail(r, "account", "%s", cfg->account != NULL &&
	    cfg->account[0] != '\0' ? cfg->account : "(top-level settings)");
	selfcheck_detail(r, "host", "%s", cfg->host != NULL ? cfg->host : "");
	selfcheck_detail(r, "port", "%d%s", config_port(cfg), cfg->port == 0 ?
	    " (the default for this tls mode)" : "");
	selfcheck_detail(r, "tls", "%s", check_tls_name(cfg->tls));
	if (cfg->tls != TLS_MODE_OFF) {
		selfcheck_detail(r, "tls_verify", "%s", cfg->tls_verify ? "on" :
		    "off");
		selfcheck_detail(r, "trust store", "%s", cfg->tls_fingerprint !=
		    NULL ? "not used (tls_fingerprint pins the server)" :
		    cfg->tls_trust_file != NULL ? cfg->tls_trust_file :
		    "the system store");
	}
	selfcheck_detail(r, "auth", "%s", cfg->auth == AUTH_MODE_OFF ? "off" :
	    cfg->auth == AUTH_MODE_MECH ? cfg->auth_mech : "on");
	if (cfg->auth != AUTH_MODE_OFF) {
		selfcheck_detail(r, "user", "%s", cfg->user != NULL ? cfg->user :
		    "");
		/* the source, never the secret (nor an eval command line) */
		selfcheck_detail(r, "password source", "%s", cfg->password !=
		    NULL ? "\"password\" in this file" : cfg->password_file !=
		    NULL ? cfg->password_file : cfg->passwordeval != NULL ?
		    "passwordeval (a command)" : "none");
	}
	selfcheck_detail(r, "from", "%s", cfg->from != NULL ? cfg->from :
	    "(the caller's login at the domain)");
	selfcheck_detail(r, "timeout", "%d s", cfg->timeout > 0 ? cfg->timeout :
	    60);
	selfcheck_detail(r, "queue_dir", "%s", cfg->queue_dir != NULL ?
	    cfg->queue_dir : "");
	selfcheck_detail(r, "log", "%s", cfg->log != NULL ? cfg->log : "off");
}

static int
check_config(struct selfcheck_ctx *c, const char *path)
{
	struct selfcheck_report *r = &c->r;
	struct passwd *pw;
	struct group *gr;
	struct stat st;
	struct diag d;
	int port;

	selfcheck_begin(r, "config");
	selfcheck_detail(r, "file", "%s", path);
	if (stat(path, &st) == 0) {
		pw = getpwuid(st.st_uid);
		gr = getgrgid(st.st_gid);
		selfcheck_detail(r, "permissions", "%04o %s:%s",
		    (unsigned)(st.st_mode & 07777), pw != NULL ? pw->pw_name :
		    "?", gr != NULL ? gr->gr_name : "?");
	}
	config_defaults(&c->cfg);
	if (config_load(path, NULL, &c->cfg, &d) == -1) {
		diag_set_class(&d, DC_CONFIG);
		selfcheck_end(r, CHECK_FAIL, &d, NULL);
		return -1;
	}
	c->cfg_ok = 1;
	check_config_details(c, path);
	port = config_port(&c->cfg);
	if (port == 465 && c->cfg.tls != TLS_MODE_SMTPS)
		selfcheck_end(r, CHECK_WARN, NULL, "%s: port 465 normally speaks "
		    "implicit TLS, but \"tls %s\" is set; \"tls smtps\" is "
		    "probably meant", path, check_tls_name(c->cfg.tls));
	else if (port == 587 && c->cfg.tls == TLS_MODE_SMTPS)
		selfcheck_end(r, CHECK_WARN, NULL, "%s: port 587 normally speaks "
		    "STARTTLS, but \"tls smtps\" is set; \"tls starttls\" is "
		    "probably meant", path);
	else if (c->cfg.tls != TLS_MODE_OFF && !c->cfg.tls_verify)
		selfcheck_end(r, CHECK_WARN, NULL, "%s: tls_verify is off: the "
		    "server is not authenticated (for tests only)", path);
	else
		selfcheck_end(r, CHECK_OK, NULL, "%s is valid", path);
	return 0;
}

/* ------------------------------------------------------------ DNS */

static int
check_dns(struct selfcheck_ctx *c)
{
	struct selfcheck_report *r = &c->r;
	struct addrinfo hints, *res = NULL, *ai;
	struct buf v4, v6;
	struct diag d;
	char a[INET6_ADDRSTRLEN];
	int rc, numeric;

	selfcheck_begin(r, "dns");
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	numeric = getaddrinfo(c->cfg.host, NULL, &hints, &res) == 0;
	if (!numeric) {
		hints.ai_flags = 0;
		rc = getaddrinfo(c->cfg.host, NULL, &hints, &res);
		if (rc != 0) {
			(void)diag_temp(&d, STAGE_CONNECT, "cannot resolve the "
			    "smarthost name %s: %s", c->cfg.host,
			    rc == EAI_SYSTEM ? "system error" :
			    gai_strerror(rc));
			(void)diag_advise(&d, rc == EAI_NONAME ? DC_DNS_NONAME :
			    DC_DNS_FAIL, NULL);
			selfcheck_end(r, CHECK_FAIL, &d, NULL);
			return -1;
		}
	}
	buf_init(&v4, 4096);
	buf_init(&v6, 4096);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct buf *b = ai->ai_family == AF_INET6 ? &v6 : &v4;
		const void *src = ai->ai_family == AF_INET6 ?
		    (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->
		    sin6_addr : (const void *)&((struct sockaddr_in *)ai->
		    ai_addr)->sin_addr;

		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    inet_ntop(ai->ai_family, src, a, sizeof(a)) == NULL ||
		    strstr(buf_str(b), a) != NULL)
			continue;
		(void)buf_printf(b, "%s%s", b->len > 0 ? ", " : "", a);
	}
	freeaddrinfo(res);
	if (v4.len > 0)
		selfcheck_detail(r, "A", "%s", buf_str(&v4));
	if (v6.len > 0)
		selfcheck_detail(r, "AAAA", "%s", buf_str(&v6));
	rc = v4.len + v6.len > 0 ? 0 : -1;
	buf_free(&v4);
	buf_free(&v6);
	if (rc == -1) {
		(void)diag_temp(&d, STAGE_CONNECT, "the smarthost name %s has "
		    "no IPv4 or IPv6 address", c->cfg.host);
		(void)diag_advise(&d, DC_DNS_NOADDR, NULL);
		selfcheck_end(r, CHECK_FAIL, &d, NULL);
		return -1;
	}
	selfcheck_end(r, CHECK_OK, NULL, numeric ? "%s is an address" :
	    "%s resolves", c->cfg.host);
	return 0;
}

/* ------------------------------------------------------------ TLS */

static void
check_tls(struct selfcheck_ctx *c, const struct smtp_session *s,
    const struct tls_chain *ch, const struct diag *d)
{
	struct selfcheck_report *r = &c->r;
	char from[40], until[40], k[64];
	size_t i;

	selfcheck_detail(r, "mode", "%s", s->tls_mode == SMTP_TLS_SMTPS ?
	    "implicit TLS (tls smtps)" : "STARTTLS (tls starttls)");
	if (ch->desc[0] != '\0')
		selfcheck_detail(r, "session", "%s", ch->desc);
	for (i = 0; ch->seen && i < ch->n; i++) {
		const struct tls_cert_info *ci = &ch->cert[i];

		tls_format_time(ci->not_before, from, sizeof(from));
		tls_format_time(ci->not_after, until, sizeof(until));
		(void)snprintf(k, sizeof(k), "certificate %zu subject", i);
		selfcheck_detail(r, k, "%s", ci->subject);
		(void)snprintf(k, sizeof(k), "certificate %zu issuer", i);
		selfcheck_detail(r, k, "%s", ci->issuer);
		(void)snprintf(k, sizeof(k), "certificate %zu valid", i);
		selfcheck_detail(r, k, "from %s until %s", from, until);
		if (ci->names[0] != '\0') {
			(void)snprintf(k, sizeof(k), "certificate %zu names",
			    i);
			selfcheck_detail(r, k, "%s", ci->names);
		}
	}
	if (ch->seen && ch->total > ch->n)
		selfcheck_detail(r, "chain", "%zu more certificates not shown",
		    ch->total - ch->n);
	if (ch->seen) {
		selfcheck_detail(r, "verification", "%s", ch->verdict);
		selfcheck_detail(r, "public key pin", "%s (for tls_fingerprint)",
		    ch->spki_pin);
	}
	if (d != NULL)
		selfcheck_end(r, CHECK_FAIL, d, NULL);
	else if (!ch->checked)
		selfcheck_end(r, CHECK_WARN, NULL, "%s; the certificate is NOT "
		    "checked (tls_verify off)", ch->desc);
	else
		selfcheck_end(r, CHECK_OK, NULL, "%s; %s", ch->desc, ch->pinned ?
		    "the server matches tls_fingerprint" : "certificate "
		    "verified");
}

/*
 * The greeting never came or made no sense in plaintext: try implicit
 * TLS on the same port.  If the server speaks it, say so in d.
 */
static void
check_probe_implicit(struct selfcheck_ctx *c, const struct smtp_params *p,
    struct diag *d)
{
	struct smtp_session s;
	struct smtp_params pp = *p;
	struct tls_config tc;
	struct diag pd;
	int ok;

	memset(&tc, 0, sizeof(tc));
	tc.verify = 0;		/* only "does it speak TLS?" */
	pp.tls = SMTP_TLS_SMTPS;
	pp.tls_cfg = &tc;
	pp.tls_chain = NULL;
	pp.auth = NULL;
	if (pp.timeout > CHECK_PROBE_TIMEOUT)
		pp.timeout = CHECK_PROBE_TIMEOUT;
	log_set_quiet(1);	/* no "tls_verify is off" warning */
	ok = smtp_connect(&s, &pp, &pd) == 0 && smtp_greet(&s, &pd) == 0;
	log_set_quiet(c->o->errmode == ERRMODE_QUIET);
	if (ok)
		smtp_quit(&s);
	else
		smtp_close(&s);
	selfcheck_detail(&c->r, "implicit TLS probe", "%s", ok ? "the server "
	    "answers with implicit TLS on this port" : "the server does not "
	    "speak implicit TLS on this port either");
	if (ok)
		(void)diag_advise(d, DC_TLS_WANTS_IMPLICIT, NULL);
}

/* Implicit TLS (smtps), the banner and EHLO: smtp_greet. */
static int
check_greeting(struct selfcheck_ctx *c, struct smtp_session *s,
    const struct smtp_params *p, struct tls_chain *chain)
{
	struct selfcheck_report *r = &c->r;
	struct diag d;
	int rc;

	rc = smtp_greet(s, &d);
	if (p->tls == SMTP_TLS_SMTPS) {
		selfcheck_begin(r, "tls");
		if (rc == -1 && d.stage == STAGE_STARTTLS) {
			check_tls(c, s, chain, &d);
			return -1;
		}
		check_tls(c, s, chain, NULL);
	}
	selfcheck_begin(r, "greeting");
	if (rc == -1) {
		if (p->tls != SMTP_TLS_SMTPS && d.stage == STAGE_GREETING &&
		    d.smtp_code == 0)
			check_probe_implicit(c, p, &d);
		selfcheck_end(r, CHECK_FAIL, &d, NULL);
		return -1;
	}
	selfcheck_detail(r, "banner", "%s", s->banner);
	selfcheck_detail(r, "EHLO name", "%s", s->helo);
	selfcheck_end(r, CHECK_OK, NULL, "%s", s->banner);
	return 0;
}

/* ------------------------------------------------------------ EHLO */

static void
check_ehlo(struct selfcheck_ctx *c, const struct smtp_session *s)
{
	const struct ehlo_caps *k = &s->caps;
	struct buf b;

	selfcheck_begin(&c->r, "ehlo");
	if (!s->esmtp) {
		selfcheck_end(&c->r, CHECK_WARN, NULL, "the server refused EHLO "
		    "and took HELO: no extensions (no SIZE, no 8BITMIME, no "
		    "AUTH, no STARTTLS)");
		return;
	}
	buf_init(&b, 4096);
	if (k->pipelining)
		(void)buf_addstr(&b, " PIPELINING");
	if (k->size)
		(void)buf_printf(&b, " SIZE %llu", k->size_max);
	if (k->eightbitmime)
		(void)buf_addstr(&b, " 8BITMIME");
	if (k->dsn)
		(void)buf_addstr(&b, " DSN");
	if (k->smtputf8)
		(void)buf_addstr(&b, " SMTPUTF8");
	if (k->starttls)
		(void)buf_addstr(&b, " STARTTLS");
	if (k->chunking)
		(void)buf_addstr(&b, " CHUNKING");
	if (k->enhancedstatuscodes)
		(void)buf_addstr(&b, " ENHANCEDSTATUSCODES");
	if (k->auth)
		(void)buf_printf(&b, " AUTH %s", k->auth_mechs);
	selfcheck_end(&c->r, CHECK_OK, NULL, "extensions:%s", b.len > 0 ?
	    buf_str(&b) : " none");
	buf_free(&b);
}

/* ------------------------------------------------------------ AUTH */

static int
check_auth(struct selfcheck_ctx *c, struct smtp_session *s)
{
	struct selfcheck_report *r = &c->r;
	struct smtp_auth_params ap;
	struct sasl_sess *ss = NULL;
	const char *offered = s->caps.auth ? s->caps.auth_mechs : "";
	const char *usable = "", *pick;
	struct diag d;

	selfcheck_begin(r, "auth");
	if (!smtp_auth_from_config(&ap, &c->cfg)) {
		selfcheck_end(r, CHECK_SKIP, NULL, "auth off: no login%s%s",
		    offered[0] != '\0' ? "; the server offers AUTH " : "",
		    offered);
		return 0;
	}
	selfcheck_detail(r, "user", "%s", ap.user != NULL ? ap.user : "");
	selfcheck_detail(r, "server offers", "%s", offered[0] != '\0' ? offered :
	    "no AUTH");
	selfcheck_detail(r, "configured", "%s", ap.mech != NULL ? ap.mech :
	    "auth on (the strongest mechanism both sides know)");
	if (sasl_sess_new(&ss, s->conn.host, ap.user != NULL ? ap.user : "",
	    &d) == 0) {
		usable = sasl_sess_mechs(ss);
		selfcheck_detail(r, "sendsmtp can use", "%s", usable);
		pick = smtp_auth_choose(offered, usable, ap.mech);
		selfcheck_detail(r, "would use", "%s", pick != NULL ? pick :
		    "none in common");
	}
	sasl_sess_free(ss);
	if (smtp_auth(s, &ap, s->tls_active, &d) == -1) {
		selfcheck_end(r, CHECK_FAIL, &d, NULL);
		return -1;
	}
	selfcheck_end(r, CHECK_OK, NULL, "authenticated as %s", ap.user != NULL ?
	    ap.user : "");
	return 0;
}

/* ------------------------------------------------------------ SIZE */

static void
check_size(struct selfcheck_ctx *c, const struct smtp_session *s)
{
	unsigned long long n = s->caps.size_max;

	selfcheck_begin(&c->r, "size");
	if (!s->esmtp || !s->caps.size)
		selfcheck_end(&c->r, CHECK_INFO, NULL, "the server announces no "
		    "SIZE limit (a large message may still be refused at the "
		    "end of DATA)");
	else if (n == 0)
		selfcheck_end(&c->r, CHECK_OK, NULL, "SIZE without a limit");
	else
		selfcheck_end(&c->r, CHECK_OK, NULL, "messages up to %llu bytes "
		    "(%.1f MiB; attachments grow by a third in base64)", n,
		    (double)n / (1024.0 * 1024.0));
}

/* ------------------------------------------------------------ session */

static int
check_smtp(struct selfcheck_ctx *c)
{
	struct selfcheck_report *r = &c->r;
	struct smtp_session s;
	struct smtp_params p;
	struct tls_config tc;
	struct tls_chain *chain;
	struct diag d;
	int rc = -1;

	chain = xcalloc(1, sizeof(*chain));
	deliver_params(&c->cfg, &p, &tc);
	p.tls_chain = p.tls != SMTP_TLS_NONE ? chain : NULL;
	selfcheck_begin(r, "connect");
	if (smtp_connect(&s, &p, &d) == -1) {
		selfcheck_end(r, CHECK_FAIL, &d, NULL);
		goto out;
	}
	selfcheck_end(r, CHECK_OK, NULL, "connected to %s port %d", p.host,
	    p.port);
	if (check_greeting(c, &s, &p, chain) == -1)
		goto out;
	if (p.tls == SMTP_TLS_STARTTLS) {
		selfcheck_begin(r, "tls");
		if (smtp_secure(&s, &d) == -1) {
			check_tls(c, &s, chain, &d);
			goto out;
		}
		check_tls(c, &s, chain, NULL);
	} else if (p.tls == SMTP_TLS_NONE) {
		selfcheck_begin(r, "tls");
		if (s.caps.starttls)
			selfcheck_end(r, CHECK_WARN, NULL, "tls off, but the server "
			    "offers STARTTLS: set \"tls starttls\" so the "
			    "mail and the password are encrypted");
		else
			selfcheck_end(r, CHECK_WARN, NULL, "tls off: the mail "
			    "travels unencrypted");
	}
	check_ehlo(c, &s);
	if (check_auth(c, &s) == -1)
		goto out;
	check_size(c, &s);
	if (selfcheck_envelope(c, &s) == -1)
		goto out;
	rc = 0;
out:
	if (s.broken)
		smtp_close(&s);
	else
		smtp_quit(&s);
	free(chain);
	return rc;
}

int
selfcheck_run(const struct cli_opts *o, const char *path, const char *fqdn,
    FILE *out)
{
	struct selfcheck_ctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.fqdn = fqdn;
	selfcheck_report_init(&c.r, out, o->json);
	if (!o->json)
		(void)fprintf(out, "sendsmtp --check: the path of a delivery, "
		    "step by step; no mail is sent\n");
	if (check_config(&c, path) == 0 && check_dns(&c) == 0)
		(void)check_smtp(&c);
	if (c.cfg_ok) {
		selfcheck_sender(&c);
		selfcheck_dkim(&c);
	}
	rc = selfcheck_report_finish(&c.r, path, c.cfg.account != NULL ?
	    c.cfg.account : "");
	config_free(&c.cfg);
	return rc;
}
