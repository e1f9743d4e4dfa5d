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
 * Sessions: the queue runner sends many messages over one connection,
 * pipelined across messages (deliver_session_submit, smtp_send_async:
 * one round trip per message, the RSET between messages included).
 * A connection the server closed while it sat idle shows up as a
 * failure of the next message's RSET or MAIL; that message is then
 * retried once on a new connection, which is safe
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "config.h"
#include "deliver.h"
#include "diag.h"
#include "envelope.h"
#include "log.h"
#include "msg.h"
#include "smtp.h"
#include "smtp_auth.h"
#include "util.h"

struct deliver_pend;

static void		deliver_fail_open(struct envelope *env,
			    const struct diag *d);
static enum outcome	deliver_outcome(const struct envelope *env);
static int		deliver_precheck(const struct config *cfg,
			    struct envelope *env, struct diag *d);
static int		deliver_connect(struct deliver_session *ds,
			    struct diag *d);
static int		deliver_transactions(struct deliver_session *ds,
			    struct deliver_pend *p, int hold, struct diag *d);
static struct deliver_pend *deliver_pend_new(struct deliver_session *ds,
			    struct envelope *env, struct msg *m,
			    void (*done)(void *, enum outcome,
			    const struct diag *), void *arg);
static enum outcome	deliver_pend_end(struct deliver_pend *p,
			    struct diag *d);
static int		deliver_attempt(struct deliver_session *ds,
			    struct deliver_pend *p, int hold, struct diag *d);
static void		deliver_held_done(void *arg, int rc,
			    const struct diag *sd);
static int		deliver_retry_fresh(struct deliver_session *ds,
			    struct envelope *env, const unsigned char *was,
			    int reused, const struct diag *d);
static void		deliver_log(const struct deliver_pend *p,
			    const struct diag *d);
static const char	*deliver_result(const struct envelope *env,
			    const unsigned char *was);
static const struct rcpt *deliver_log_reply(const struct envelope *env,
			    const unsigned char *was);

/*
 * One message from submission to outcome; with cross-message pipelining
 * it outlives deliver_session_submit() until smtp.c reports the reply
 * to its final dot (deliver_held_done).
 */
struct deliver_pend {
	struct deliver_session	*ds;
	struct envelope		*env;
	struct msg		*m;
	unsigned char		*was;		/* per rcpt: tried now */
	struct timespec		 start;
	char			*qid;		/* copy of ds->qid */
	long long		 arrival;
	void			(*done)(void *, enum outcome,
				    const struct diag *);
	void			*arg;
};

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

void
deliver_params(const struct config *cfg, struct smtp_params *p,
    struct tls_config *tc)
{
	memset(p, 0, sizeof(*p));
	p->host = cfg->host;
	p->port = config_port(cfg);
	p->timeout = cfg->timeout > 0 ? cfg->timeout : 60;
	p->helo = cfg->domain;
	/* TLS resumption (tlscache.h) */
	p->tls_cache = cfg->tls_session_cache ? cfg->queue_dir : NULL;
	p->pipeline_auth = 1;		/* AUTH PLAIN shares the MAIL write */
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

	deliver_params(ds->cfg, &p, &tc);
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
static int
deliver_transactions(struct deliver_session *ds, struct deliver_pend *p,
    int hold, struct diag *d)
{
	struct envelope *env = p->env;
	struct msg *m = p->m;
	unsigned char *round;
	size_t i, done_before, n452;

	/* The first transaction may be held (smtp_send_async): it is held
	 * only when every recipient was accepted, so no 452 round follows. */
	if (hold && smtp_send_async(&ds->s, env, m->fd, m->size,
	    deliver_held_done, p, d) == 1)
		return 1;
	round = xcalloc(env->nrcpts + 1, 1);
	for (;;) {
		done_before = envelope_count(env, RCPT_DONE);
		for (i = 0; i < env->nrcpts; i++)
			round[i] = env->rcpts[i].state == RCPT_PENDING;
		if (hold)
			hold = 0;	/* the first round was sent above */
		else
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
	return 0;
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

static struct deliver_pend *
deliver_pend_new(struct deliver_session *ds, struct envelope *env,
    struct msg *m, void (*done)(void *, enum outcome, const struct diag *),
    void *arg)
{
	struct deliver_pend *p;
	size_t i;

	p = xcalloc(1, sizeof(*p));
	p->ds = ds;
	p->env = env;
	p->m = m;
	p->done = done;
	p->arg = arg;
	p->qid = ds->qid != NULL ? xstrdup(ds->qid) : NULL;
	p->arrival = ds->arrival;
	if (clock_gettime(CLOCK_REALTIME, &p->start) == -1) {
		p->start.tv_sec = time(NULL);
		p->start.tv_nsec = 0;
	}
	p->was = xcalloc(env->nrcpts + 1, 1);
	for (i = 0; i < env->nrcpts; i++)
		p->was[i] = env->rcpts[i].state == RCPT_PENDING;
	return p;
}

/* The attempt is over: settle, log, tell the owner, free p. */
static enum outcome
deliver_pend_end(struct deliver_pend *p, struct diag *d)
{
	struct envelope *env = p->env;
	enum outcome out;

	/* smtp_send settled every recipient it tried; be sure of it. */
	if (envelope_count(env, RCPT_PENDING) > 0) {
		if (d->outcome == OUTCOME_OK)
			(void)diag_temp(d, STAGE_NONE, "internal error: a "
			    "recipient was left unsettled; will retry");
		deliver_fail_open(env, d);
	}
	out = deliver_outcome(env);
	if (out == OUTCOME_OK)
		diag_clear(d);
	deliver_log(p, d);
	if (p->done != NULL)
		p->done(p->arg, out, d);
	free(p->qid);
	free(p->was);
	free(p);
	return out;
}

/* smtp.c read the reply to a held message's dot. */
static void
deliver_held_done(void *arg, int rc, const struct diag *sd)
{
	struct diag d = *sd;

	(void)rc;		/* the recipients' states say it all */
	(void)deliver_pend_end(arg, &d);
}

/*
 * Connect (or reuse), send, retry once on a fresh connection when a
 * reused one had died.  Returns 1 when the message is held (smtp.c calls
 * deliver_held_done later), else 0 with d set.
 */
static int
deliver_attempt(struct deliver_session *ds, struct deliver_pend *p, int hold,
    struct diag *d)
{
	struct envelope *env = p->env;
	int reused, tries;

	diag_clear(d);
	if (deliver_precheck(ds->cfg, env, d) == -1)
		return 0;
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
		 * costs no round trip (it shares the write of the previous
		 * message's dot), and it resets any state a server keeps
		 * between transactions. */
		if (reused)
			ds->s.need_rset = 1;
		ds->msgs++;
		if (deliver_transactions(ds, p, hold, d) == 1)
			return 1;
		/* 421 anywhere: the server is closing (RFC 5321 3.8). */
		if (d->smtp_code == 421)
			smtp_close(&ds->s);
		/* A refused pipelined AUTH (smtp.c closed the session): like
		 * a refused AUTH in smtp_open, every later message of the run
		 * fails at once with the same TEMPFAIL, none goes out
		 * unauthenticated. */
		if (d->stage == STAGE_AUTH) {
			smtp_close(&ds->s);
			ds->down = 1;
			ds->down_diag = *d;
			break;
		}
		if (!deliver_retry_fresh(ds, env, p->was, reused, d))
			break;
		log_info("the connection to %s was closed while idle; "
		    "reconnecting", ds->cfg->host);
		diag_clear(d);
	}
	return 0;
}

enum outcome
deliver_session_message(struct deliver_session *ds, struct envelope *env,
    struct msg *m, struct diag *d)
{
	struct deliver_pend *p;

	diag_clear(d);
	if (envelope_count(env, RCPT_PENDING) == 0)
		return deliver_outcome(env);
	p = deliver_pend_new(ds, env, m, NULL, NULL);
	(void)deliver_attempt(ds, p, 0, d);
	return deliver_pend_end(p, d);
}

void
deliver_session_submit(struct deliver_session *ds, struct envelope *env,
    struct msg *m, void (*done)(void *, enum outcome, const struct diag *),
    void *arg)
{
	struct deliver_pend *p;
	struct diag d;

	diag_clear(&d);
	if (envelope_count(env, RCPT_PENDING) == 0) {
		done(arg, deliver_outcome(env), &d);
		return;
	}
	p = deliver_pend_new(ds, env, m, done, arg);
	if (deliver_attempt(ds, p, 1, &d) == 1)
		return;
	(void)deliver_pend_end(p, &d);
}

void
deliver_session_flush(struct deliver_session *ds)
{
	if (ds->open)
		smtp_settle(&ds->s);
}

/* ------------------------------------------------------------ logging */

int
deliver_log_value(struct buf *b, const char *v)
{
	const unsigned char *p;
	int quote = 0;

	if (v == NULL || *v == '\0')
		return buf_addstr(b, "\"\"");
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= ' ' || *p == '"' || *p == '\\' || *p == '=' ||
		    *p == 0x7f)
			quote = 1;
	if (!quote)
		return buf_addstr(b, v);
	if (buf_addc(b, '"') == -1)
		return -1;
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if ((*p == '"' || *p == '\\') && buf_addc(b, '\\') == -1)
			return -1;
		if (buf_addc(b, *p < ' ' || *p == 0x7f ? '?' : (char)*p) == -1)
			return -1;
	}
	return buf_addc(b, '"');
}

/* sent, deferred, refused or partial, over the recipients tried now. */
static const char *
deliver_result(const struct envelope *env, const unsigned char *was)
{
	size_t i, n = 0, done = 0, temp = 0;

	for (i = 0; i < env->nrcpts; i++) {
		if (!was[i])
			continue;
		n++;
		if (env->rcpts[i].state == RCPT_DONE)
			done++;
		else if (env->rcpts[i].state == RCPT_TEMPFAIL)
			temp++;
	}
	if (done == n)
		return "sent";
	if (done > 0)
		return "partial";
	return temp > 0 ? "deferred" : "refused";
}

/* The recipient whose reply the line quotes: a success, else a failure. */
static const struct rcpt *
deliver_log_reply(const struct envelope *env, const unsigned char *was)
{
	const struct rcpt *fail = NULL;
	size_t i;

	for (i = 0; i < env->nrcpts; i++) {
		const struct rcpt *r = &env->rcpts[i];

		if (!was[i] || r->code < 200 || r->reply == NULL)
			continue;
		if (r->state == RCPT_DONE)
			return r;
		if (fail == NULL)
			fail = r;
	}
	return fail;
}

/* The one line per attempt (see deliver.h). */
static void
deliver_log(const struct deliver_pend *p, const struct diag *d)
{
	const struct deliver_session *ds = p->ds;
	const struct envelope *env = p->env;
	const struct msg *m = p->m;
	const unsigned char *was = p->was;
	const struct timespec *start = &p->start;
	const struct rcpt *rr;
	struct timespec now;
	struct buf b, to;
	double delay;
	char *v;
	size_t i, n = 0, shown = 0;
	int rc = 0;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		now = *start;
	delay = p->arrival > 0 ? (double)now.tv_sec - (double)p->arrival :
	    (double)(now.tv_sec - start->tv_sec);
	delay += (double)now.tv_nsec / 1e9 - (p->arrival > 0 ? 0.0 :
	    (double)start->tv_nsec / 1e9);
	buf_init(&to, LOG_RCPTS_MAX + 64);
	for (i = 0; i < env->nrcpts; i++) {
		if (!was[i])
			continue;
		n++;
		if (to.len + strlen(env->rcpts[i].addr) + 3 > LOG_RCPTS_MAX)
			continue;
		shown++;
		rc |= buf_printf(&to, "%s<%s>", to.len > 0 ? "," : "",
		    env->rcpts[i].addr);
	}
	if (shown < n)
		rc |= buf_printf(&to, ",...(%zu more)", n - shown);
	buf_init(&b, LOG_LINE_MAX);
	rc |= buf_addstr(&b, "id=");
	rc |= deliver_log_value(&b, p->qid != NULL ? p->qid : "NOQUEUE");
	v = xasprintf("<%s>", env->sender != NULL ? env->sender : "");
	rc |= buf_addstr(&b, " from=");
	rc |= deliver_log_value(&b, v);
	free(v);
	rc |= buf_addstr(&b, " to=");
	rc |= deliver_log_value(&b, buf_str(&to));
	rc |= buf_printf(&b, " nrcpt=%zu size=%lld relay=", n,
	    (long long)m->size);
	v = xasprintf("%s:%d", ds->cfg->host != NULL ? ds->cfg->host : "none",
	    config_port(ds->cfg));
	rc |= deliver_log_value(&b, v);
	free(v);
	rc |= buf_printf(&b, " delay=%.1f result=%s", delay < 0 ? 0.0 : delay,
	    deliver_result(env, was));
	/* the server's words: a recipient's reply, unless that is only
	 * the failure's text (deliver_fail_open), then the diag's copy */
	rr = deliver_log_reply(env, was);
	if (rr != NULL && strcmp(rr->reply, d->text) == 0)
		rr = NULL;
	if (rr != NULL)
		v = xasprintf("%d %.600s", rr->code, rr->reply);
	else
		v = d->reply[0] != '\0' ? xstrdup(d->reply) : NULL;
	if (v != NULL) {
		rc |= buf_addstr(&b, " reply=");
		rc |= deliver_log_value(&b, v);
		free(v);
	}
	if (d->outcome != OUTCOME_OK && d->text[0] != '\0') {
		rc |= buf_addstr(&b, " diag=");
		rc |= deliver_log_value(&b, d->text);
	}
	if (rc == 0)
		log_info("%s", buf_str(&b));
	buf_free(&b);
	buf_free(&to);
}
