/*
 * submit.c - the delivery modes after intake (design.md 3): hybrid,
 * background, queue.
 *
 * No RFC of its own (RFC 5321 via deliver.c, RFC 3464 via runq/bounce).
 *
 * The rule behind every branch: exit 0 only once the message is
 * delivered or durably queued (queue_commit returned 0), or, for
 * recipients refused permanently, once a bounce is durably queued or
 * the exit code tells the caller.  A commit that fails after a failed
 * attempt gives EX_TEMPFAIL, whatever the spool's own error was, so the
 * caller keeps the message.
 *
 * Security: runs with the spool group; touches only the message file it
 * is given and the spool.  The queued entry holds no configuration and
 * no secret, only the envelope, the attempt's reply texts and the
 * message.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "bounds.h"
#include "cli.h"
#include "config.h"
#include "deliver.h"
#include "diag.h"
#include "dkim.h"
#include "envelope.h"
#include "log.h"
#include "msg.h"
#include "queue.h"
#include "runq.h"
#include "submit.h"
#include "util.h"

static int	 submit_commit(const struct config *cfg, struct envelope *env,
		    const struct envelope_meta *meta, struct msg *m,
		    struct submit_result *r, struct diag *d);
static void	 submit_bounce(const struct config *cfg,
		    const struct submit_opts *o, struct envelope *env,
		    struct msg *m, int queued_later,
		    struct submit_result *r);
static void	 submit_report_now(const struct config *cfg,
		    const struct submit_opts *o, const char *bid);
static int	 submit_hybrid(const struct config *cfg,
		    const struct submit_opts *o, struct envelope *env,
		    struct msg *m, struct submit_result *r, struct diag *d);
static void	 submit_report_refused(const struct envelope *env);

static int
submit_commit(const struct config *cfg, struct envelope *env,
    const struct envelope_meta *meta, struct msg *m,
    struct submit_result *r, struct diag *d)
{
	if (queue_commit_meta(cfg->queue_dir, env, meta, m, r->id,
	    sizeof(r->id), d) == -1)
		return -1;
	r->queued = 1;
	log_info("%s: queued from=<%s>, size=%lld, nrcpt=%zu", r->id,
	    env->sender, (long long)m->size, env->nrcpts);
	return 0;
}

/*
 * Bounce the recipients refused in the attempt when the errmode says so:
 * when something else went out or will (queued_later), unless -oep/-oeq;
 * when all were refused, only with -oem/-oew/-oee (compat.md 2.5).  A
 * bounce that cannot be committed is told by the exit code instead; if
 * the entry is still to be committed, those recipients go into it as
 * TEMPFAIL so that the runner bounces them later.
 */
static void
submit_bounce(const struct config *cfg, const struct submit_opts *o,
    struct envelope *env, struct msg *m, int queued_later,
    struct submit_result *r)
{
	unsigned char *which;
	char bid[QUEUE_ID_MAX + 1];
	struct diag bd;
	size_t i, nperm = envelope_count(env, RCPT_PERMFAIL);
	int mixed = queued_later || envelope_count(env, RCPT_DONE) > 0;

	if (nperm == 0)
		return;
	if (mixed && (o->errmode == ERRMODE_PRINT ||
	    o->errmode == ERRMODE_QUIET))
		return;
	if (!mixed && o->errmode != ERRMODE_MAIL &&
	    o->errmode != ERRMODE_WRITE && o->errmode != ERRMODE_BERKNET)
		return;
	which = xcalloc(env->nrcpts + 1, 1);
	for (i = 0; i < env->nrcpts; i++)
		which[i] = env->rcpts[i].state == RCPT_PERMFAIL;
	if (runq_bounce(cfg, o->domain, NULL, 0, env, which, 0, m->fd, bid,
	    sizeof(bid), &bd) == -1) {
		log_warnx("cannot queue a bounce for the refused recipients: "
		    "%s", bd.text);
		r->bounce_failed = 1;
		if (queued_later)
			for (i = 0; i < env->nrcpts; i++)
				if (which[i])
					env->rcpts[i].state = RCPT_TEMPFAIL;
	} else if (bid[0] != '\0') {
		r->bounced = 1;
		/* -oem/-oew/-oee: mail the report now, while the smarthost
		 * answers; if it cannot go, the queue runner retries it */
		if (o->errmode == ERRMODE_MAIL || o->errmode == ERRMODE_WRITE ||
		    o->errmode == ERRMODE_BERKNET)
			submit_report_now(cfg, o, bid);
	}
	free(which);
}

/* Deliver the committed bounce bid in this process (runq_run only_id). */
static void
submit_report_now(const struct config *cfg, const struct submit_opts *o,
    const char *bid)
{
	struct runq_opts ro;
	struct runq_stats st;
	struct diag d;

	memset(&ro, 0, sizeof(ro));
	ro.only_id = bid;
	ro.domain = o->domain;
	if (runq_run(cfg, &ro, &st, &d) == -1)
		log_warnx("the failure report %s stays queued: %s", bid,
		    d.text);
	else if (st.delivered == 0)
		log_info("%s: failure report queued: %s", bid,
		    st.last.text[0] != '\0' ? st.last.text : "not sent yet");
}

static int
submit_hybrid(const struct config *cfg, const struct submit_opts *o,
    struct envelope *env, struct msg *m, struct submit_result *r,
    struct diag *d)
{
	struct envelope_meta meta;
	struct diag cd;
	int rc;

	r->attempted = 1;
	r->out = deliver_message(cfg, env, m, &r->attempt);
	if (envelope_count(env, RCPT_TEMPFAIL) == 0) {
		submit_bounce(cfg, o, env, m, 0, r);
		return 0;
	}
	submit_bounce(cfg, o, env, m, 1, r);
	memset(&meta, 0, sizeof(meta));
	runq_schedule(cfg, &meta, time(NULL), r->attempt.text);
	rc = submit_commit(cfg, env, &meta, m, r, &cd);
	envelope_meta_free(&meta);
	if (rc == -1)
		return diag_set(d, EX_TEMPFAIL, "message not sent (%s) and "
		    "not queued: %s", r->attempt.text, cd.text);
	return 0;
}

int
submit_message(const struct config *cfg, const struct submit_opts *o,
    struct envelope *env, struct msg *m, struct submit_result *r,
    struct diag *d)
{
	enum delivery_mode mode = o->mode != DELIVERY_UNSET ? o->mode :
	    cfg->delivery;

	memset(r, 0, sizeof(*r));
	r->out = OUTCOME_OK;
	diag_clear(&r->attempt);
	/* DKIM: once, before the first attempt and any commit, so every
	 * retry sends the same signed bytes. */
	if (dkim_sign_msg(cfg, m, time(NULL), d) == -1)
		return -1;
	switch (mode) {
	case DELIVERY_QUEUE:
		return submit_commit(cfg, env, NULL, m, r, d);
	case DELIVERY_BACKGROUND:
		if (submit_commit(cfg, env, NULL, m, r, d) == -1)
			return -1;
		r->detach = 1;
		return 0;
	case DELIVERY_HYBRID:
	case DELIVERY_UNSET:
	default:
		return submit_hybrid(cfg, o, env, m, r, d);
	}
}

/* One stderr line for each recipient refused for good. */
static void
submit_report_refused(const struct envelope *env)
{
	size_t i;

	for (i = 0; i < env->nrcpts; i++) {
		const struct rcpt *rc = &env->rcpts[i];
		const char *advice;

		/* the reply's catalogue line, as in the log and bounces */
		advice = rc->state == RCPT_PERMFAIL && rc->code >= 200 ?
		    diag_reply_advice(rc->code, rc->reply) : NULL;
		if (advice != NULL && rc->reply != NULL &&
		    strstr(rc->reply, advice) != NULL)
			advice = NULL;	/* already there */
		if (rc->state == RCPT_PERMFAIL && rc->code >= 200)
			log_warnx("<%s> refused: %d %s%s%s", rc->addr, rc->code,
			    rc->reply != NULL ? rc->reply : "", advice != NULL ?
			    "; " : "", advice != NULL ? advice : "");
		else if (rc->state == RCPT_PERMFAIL)
			log_warnx("<%s> refused: %s", rc->addr,
			    rc->reply != NULL ? rc->reply :
			    "permanent failure");
	}
}

int
submit_exitcode(enum error_mode errmode, const struct envelope *env,
    const struct submit_result *sr)
{
	const struct diag *d = &sr->attempt;
	size_t i;
	int code = 0, told;

	if (sr->queued && envelope_count(env, RCPT_TEMPFAIL) > 0)
		log_warnx("queued as %s: %s; will retry (see mailq)", sr->id,
		    d->text[0] != '\0' ? d->text : "temporary failure");
	if (envelope_count(env, RCPT_PERMFAIL) == 0)
		return 0;
	submit_report_refused(env);
	told = errmode == ERRMODE_PRINT ||
	    errmode == ERRMODE_QUIET || sr->bounce_failed;
	if ((envelope_count(env, RCPT_DONE) > 0 || sr->queued) && !told)
		return 0;
	/* -oee: the report went back by mail, which is the answer. */
	if (errmode == ERRMODE_BERKNET && sr->bounced)
		return 0;
	/* Refused after RCPT (MAIL, DATA, the dot): the reply decides. */
	if (d->outcome == OUTCOME_PERMFAIL && d->stage != STAGE_RCPT &&
	    d->exitcode != 0)
		return d->exitcode;
	/* Refused at RCPT: 67 only when every refusal is "unknown user". */
	for (i = 0; i < env->nrcpts; i++) {
		const struct rcpt *rc = &env->rcpts[i];
		char enh[16];
		int c;

		if (rc->state != RCPT_PERMFAIL)
			continue;
		diag_enh_of_text(rc->reply, enh, sizeof(enh));
		c = diag_perm_exitcode(rc->code, enh);
		if (code == 0 || code == EX_NOUSER)
			code = c;
	}
	return code != 0 ? code : EX_UNAVAILABLE;
}
