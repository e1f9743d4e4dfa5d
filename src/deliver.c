/*
 * deliver.c - one delivery attempt of one message to the smarthost.
 *
 * RFC 5321 via smtp.c.  The outcome rules (design.md 3, style.md 10):
 * OK when every recipient is DONE; PERMFAIL when none is DONE and at
 * least one is PERMFAIL with no TEMPFAIL; TEMPFAIL otherwise.
 *
 * Security: nothing here touches secrets or files other than the message
 * fd it is given.  TLS (STARTTLS / implicit) arrives with tls.c; until
 * then a configuration asking for TLS is refused as a temporary failure,
 * so mail is queued, never sent in clear against the admin's wishes.
 */
#include "compat.h"

#include <string.h>
#include <sysexits.h>

#include "config.h"
#include "deliver.h"
#include "diag.h"
#include "envelope.h"
#include "log.h"
#include "msg.h"
#include "smtp.h"

static void		deliver_fail_open(struct envelope *env,
			    const struct diag *d);
static enum outcome	deliver_outcome(const struct envelope *env);

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

enum outcome
deliver_message(const struct config *cfg, struct envelope *env,
    struct msg *m, struct diag *d)
{
	struct smtp_session s;
	struct smtp_params p;

	diag_clear(d);
	if (envelope_count(env, RCPT_PENDING) == 0)
		return deliver_outcome(env);
	if (cfg->host == NULL || *cfg->host == '\0') {
		(void)diag_set(d, EX_CONFIG, "no smarthost configured; set "
		    "\"host\" in %s", cfg->path != NULL ? cfg->path :
		    "sendsmtp.conf");
		deliver_fail_open(env, d);
		return deliver_outcome(env);
	}
	if (cfg->tls != TLS_MODE_OFF) {
		/* XXX replaced by tls.c in the TLS issue. */
		(void)diag_set(d, EX_TEMPFAIL, "TLS is not implemented yet; "
		    "set \"tls off\" for a plaintext smarthost");
		deliver_fail_open(env, d);
		return deliver_outcome(env);
	}

	memset(&p, 0, sizeof(p));
	p.host = cfg->host;
	p.port = config_port(cfg);
	p.timeout = cfg->timeout > 0 ? cfg->timeout : 60;
	p.helo = cfg->domain;
	if (smtp_open(&s, &p, d) == -1) {
		smtp_close(&s);
		deliver_fail_open(env, d);
		return deliver_outcome(env);
	}
	(void)smtp_send(&s, env, m->fd, m->size, d);
	if (s.broken)
		smtp_close(&s);
	else
		smtp_quit(&s);
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
