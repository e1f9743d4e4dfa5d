/*
 * deliver.c - one delivery attempt of one message to the smarthost.
 *
 * RFC 5321 via smtp.c.  The outcome rules (design.md 3, style.md 10):
 * OK when every recipient is DONE; PERMFAIL when none is DONE and at
 * least one is PERMFAIL with no TEMPFAIL; TEMPFAIL otherwise.
 *
 * RFC 5321 4.5.3.1.10: a server may refuse recipients beyond its limit
 * with 452 (too many recipients); the client sends the rest in another
 * transaction.  We do so at once, over the same connection, as long as
 * each transaction gets at least one recipient through (so a server that
 * answers 452 to everything cannot keep us looping).
 *
 * Sessions: the queue runner sends many messages over one connection
 * (RSET between them, smtp.c).  A connection the server closed while it
 * sat idle shows up as a failure of the next message's RSET or MAIL;
 * that message is then retried once on a new connection, which is safe
 * because nothing of it reached DATA.
 *
 * Security: nothing here touches secrets or files other than the message
 * fd it is given.  The TLS policy of the account (tls, tls_verify,
 * tls_fingerprint, trust store, client certificate, priorities) goes to
 * smtp.c unchanged (deliver_tls_params); "tls starttls" and "tls smtps"
 * never fall back to plaintext, and every TLS failure is temporary
 * (design.md 3).
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "config.h"
#include "deliver.h"
#include "diag.h"
#include "envelope.h"
#include "log.h"
#include "msg.h"
#include "smtp.h"
#include "smtp_auth.h"
#include "util.h"

static void		deliver_fail_open(struct envelope *env,
			    const struct diag *d);
static enum outcome	deliver_outcome(const struct envelope *env);
static int		deliver_precheck(const struct config *cfg,
			    struct envelope *env, struct diag *d);
static int		deliver_connect(struct deliver_session *ds,
			    struct diag *d);
static void		deliver_tls_params(const struct config *cfg,
			    struct smtp_params *p, struct tls_config *tc);
static void		deliver_transactions(struct deliver_session *ds,
			    struct envelope *env, struct msg *m,
			    struct diag *d);
static int		deliver_retry_fresh(struct deliver_session *ds,
			    struct envelope *env, const unsigned char *was,
			    int reused, const struct diag *d);

/* A failure before any recipient was tried decides every open one. */
static void
deliver_fail_open(struct envelope *env, const struct diag *d)
{
	enum rcpt_state st = d->outcome == OUTCOME_PERMFAIL ? RCPT_PERMFAIL :
	    RCPT_TEMPFAIL;
	size_t i;

	for (i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].state == RCPT_PENDING)
			envelope_rcpt_set(&env->rcpts[i], st, d->smtp_code,
			    d->text);
}

static enum outcome
deliver_outcome(const struct envelope *env)
{
	size_t done = envelope_count(env, RCPT_DONE);
	size_t temp = envelope_count(env, RCPT_TEMPFAIL);
	size_t perm = envelope_count(env, RCPT_PERMFAIL);

	if (done == env->nrcpts)
		return OUTCOME_OK;
	if (done == 0 && perm > 0 && temp == 0)
		return OUTCOME_PERMFAIL;
	return OUTCOME_TEMPFAIL;
}

/* Configuration that makes every attempt fail; -1 with d set. */
static int
deliver_precheck(const struct config *cfg, struct envelope *env,
    struct diag *d)
{
	if (cfg->host == NULL || *cfg->host == '\0') {
		(void)diag_set(d, EX_CONFIG, "no smarthost configured; set "
		    "\"host\" in %s", cfg->path != NULL ? cfg->path :
		    "sendsmtp.conf");
		/* A setup problem must never bounce mail: retry later. */
		d->outcome = OUTCOME_TEMPFAIL;
		deliver_fail_open(env, d);
		return -1;
	}
	return 0;
}

enum outcome
deliver_message(const struct config *cfg, struct envelope *env,
    struct msg *m, struct diag *d)
{
	struct deliver_session ds;
	enum outcome out;

	deliver_session_init(&ds, cfg);
	out = deliver_session_message(&ds, env, m, d);
	deliver_session_end(&ds);
	return out;
}

void
deliver_session_init(struct deliver_session *ds, const struct config *cfg)
{
	memset(ds, 0, sizeof(*ds));
	ds->cfg = cfg;
	ds->s.broken = 1;
	ds->s.conn.fd = -1;
}

void
deliver_session_end(struct deliver_session *ds)
{
	if (ds->open) {
		if (ds->s.broken)
			smtp_close(&ds->s);
		else
			smtp_quit(&ds->s);
	}
	ds->open = 0;
	ds->msgs = 0;
}

/*
 * The account's TLS settings as smtp.c and tls.c take them (smtp_open
 * copies tc; its strings belong to cfg).
 */
static void
deliver_tls_params(const struct config *cfg, struct smtp_params *p,
    struct tls_config *tc)
{
	memset(tc, 0, sizeof(*tc));
	switch (cfg->tls) {
	case TLS_MODE_OFF:
		p->tls = SMTP_TLS_NONE;
		return;
	case TLS_MODE_SMTPS:
		p->tls = SMTP_TLS_SMTPS;
		break;
	case TLS_MODE_STARTTLS:
	default:
		p->tls = SMTP_TLS_STARTTLS;
		break;
	}
	tc->trust_file = cfg->tls_trust_file;
	tc->verify = cfg->tls_verify;
	tc->fingerprint = cfg->tls_fingerprint;
	tc->cert_file = cfg->tls_cert_file;
	tc->key_file = cfg->tls_key_file;
	tc->priorities = cfg->tls_priorities;
	p->tls_cfg = tc;
}

/* Open a connection; on failure ds is down for the rest of the run. */
static int
deliver_connect(struct deliver_session *ds, struct diag *d)
{
	struct smtp_params p;
	struct tls_config tc;
	struct smtp_auth_params ap;

	memset(&p, 0, sizeof(p));
	p.host = ds->cfg->host;
	p.port = config_port(ds->cfg);
	p.timeout = ds->cfg->timeout > 0 ? ds->cfg->timeout : 60;
	p.helo = ds->cfg->domain;
	deliver_tls_params(ds->cfg, &p, &tc);
	if (smtp_auth_from_config(&ap, ds->cfg))
		p.auth = &ap;
	ds->connects++;
	ds->msgs = 0;
	if (smtp_open(&ds->s, &p, d) == -1) {
		smtp_close(&ds->s);
		ds->open = 0;
		ds->down = 1;
		ds->down_diag = *d;
		return -1;
	}
	ds->open = 1;
	return 0;
}

/*
 * smtp_send() until no recipient refused with 452 is left, or a round
 * got nobody through.
 */
static void
deliver_transactions(struct deliver_session *ds, struct envelope *env,
    struct msg *m, struct diag *d)
{
	unsigned char *round;
	size_t i, done_before, n452;

	round = xcalloc(env->nrcpts + 1, 1);
	for (;;) {
		done_before = envelope_count(env, RCPT_DONE);
		for (i = 0; i < env->nrcpts; i++)
			round[i] = env->rcpts[i].state == RCPT_PENDING;
		(void)smtp_send(&ds->s, env, m->fd, m->size, d);
		n452 = 0;
		for (i = 0; i < env->nrcpts; i++)
			if (round[i] && env->rcpts[i].state == RCPT_TEMPFAIL &&
			    env->rcpts[i].code == 452)
				n452++;
		if (n452 == 0 || ds->s.broken ||
		    envelope_count(env, RCPT_DONE) == done_before)
			break;
		log_info("%s accepted %zu recipients and refused %zu with "
		    "452; sending those in another transaction", ds->cfg->host,
		    envelope_count(env, RCPT_DONE) - done_before, n452);
		for (i = 0; i < env->nrcpts; i++)
			if (round[i] && env->rcpts[i].state == RCPT_TEMPFAIL &&
			    env->rcpts[i].code == 452)
				envelope_rcpt_set(&env->rcpts[i], RCPT_PENDING,
				    0, NULL);
	}
	free(round);
}

/*
 * 1 if the message failed because a reused connection had died before
 * anything of it was accepted; then its recipients are pending again.
 */
static int
deliver_retry_fresh(struct deliver_session *ds, struct envelope *env,
    const unsigned char *was, int reused, const struct diag *d)
{
	size_t i;

	if (!reused || !ds->s.broken || d->stage > STAGE_MAIL)
		return 0;
	for (i = 0; i < env->nrcpts; i++)
		if (was[i] && env->rcpts[i].state == RCPT_DONE)
			return 0;
	for (i = 0; i < env->nrcpts; i++)
		if (was[i])
			envelope_rcpt_set(&env->rcpts[i], RCPT_PENDING, 0,
			    NULL);
	return 1;
}

enum outcome
deliver_session_message(struct deliver_session *ds, struct envelope *env,
    struct msg *m, struct diag *d)
{
	unsigned char *was;
	size_t i;
	int reused, tries;

	diag_clear(d);
	if (envelope_count(env, RCPT_PENDING) == 0)
		return deliver_outcome(env);
	if (deliver_precheck(ds->cfg, env, d) == -1)
		return deliver_outcome(env);
	was = xcalloc(env->nrcpts + 1, 1);
	for (i = 0; i < env->nrcpts; i++)
		was[i] = env->rcpts[i].state == RCPT_PENDING;
	for (tries = 0; tries < 2; tries++) {
		if (ds->down) {
			*d = ds->down_diag;
			deliver_fail_open(env, d);
			break;
		}
		if (ds->open && (ds->s.broken ||
		    ds->msgs >= DELIVER_SESSION_MSGS_MAX))
			deliver_session_end(ds);
		reused = ds->open;
		if (!ds->open && deliver_connect(ds, d) == -1) {
			deliver_fail_open(env, d);
			break;
		}
		/* RSET before each further message: with PIPELINING it
		 * costs no round trip, and it resets any state a server
		 * keeps between transactions. */
		if (reused)
			ds->s.need_rset = 1;
		ds->msgs++;
		deliver_transactions(ds, env, m, d);
		/* 421 anywhere: the server is closing (RFC 5321 3.8). */
		if (d->smtp_code == 421)
			smtp_close(&ds->s);
		if (!deliver_retry_fresh(ds, env, was, reused, d))
			break;
		log_info("the connection to %s was closed while idle; "
		    "reconnecting", ds->cfg->host);
		diag_clear(d);
	}
	free(was);
	/* smtp_send settled every recipient it tried; be sure of it. */
	if (envelope_count(env, RCPT_PENDING) > 0) {
		if (d->outcome == OUTCOME_OK)
			(void)diag_temp(d, STAGE_NONE, "internal error: a "
			    "recipient was left unsettled; will retry");
		deliver_fail_open(env, d);
	}
	if (deliver_outcome(env) == OUTCOME_OK)
		diag_clear(d);
	return deliver_outcome(env);
}
