/*
 * submit.h - what happens to a message after intake: the delivery modes
 * of design.md 3 (hybrid, background, queue).
 *
 * main.c reads the message (msg_read), calls submit_message(), and turns
 * the result into the exit code with submit_exitcode(); it also detaches
 * the background
 * delivery (a process matter), which then runs the queue runner on the
 * committed entry.
 */
#ifndef SENDSMTP_SUBMIT_H
#define SENDSMTP_SUBMIT_H

#include "bounds.h"
#include "cli.h"
#include "config.h"
#include "diag.h"
#include "envelope.h"
#include "msg.h"

struct submit_opts {
	enum delivery_mode mode;	/* HYBRID, BACKGROUND, QUEUE
					 * (UNSET = cfg->delivery) */
	enum error_mode	 errmode;	/* -oe*: are refusals bounced
					 * or told by the exit code */
	const char	*domain;	/* for bounces */
};

struct submit_result {
	enum outcome	 out;		/* the attempt's outcome
					 * (hybrid); OK when none */
	int		 attempted;	/* hybrid: smarthost tried */
	int		 queued;	/* an entry was committed: id */
	int		 detach;	/* background: deliver id detached */
	char		 id[QUEUE_ID_MAX + 1];
	int		 bounced;	/* a bounce for refused recipients
					 * was committed */
	int		 bounce_failed;	/* one was due but could not
					 * be committed: tell the
					 * caller */
	struct diag	 attempt;	/* why the attempt failed */
};

/*
 * Decide the fate of env + m (m made by msg_read in the spool's tmp/):
 *
 * hybrid: deliver now.  Recipients that failed temporarily are committed
 *   to the queue as one entry (attempt 1 recorded, next retry per
 *   runq_backoff); the entry keeps every recipient with its state.
 *   Recipients refused permanently are bounced (committed before the
 *   entry) when some other recipient was delivered or queued, unless
 *   -oep / -oeq ask for the exit code instead; when every recipient was
 *   refused nothing is queued, and only -oem / -oew / -oee mail a report.
 *   With -oem / -oew / -oee the report is delivered at once (runq_run on
 *   its entry); when that fails it stays queued for the runner.
 * background: commit; r->detach asks main.c to deliver r->id detached.
 * queue: commit.
 *
 * First of all, with DKIM configured, m is signed (dkim_sign_msg: the
 * file is replaced by the signed one); a signing failure returns -1
 * with dkim_sign_msg's d (EX_CONFIG for key problems) and nothing is
 * sent or queued.
 *
 * Returns 0 with r filled, or -1 with d set when the message could not
 * be committed: d's code is that of queue_commit (73/75) in queue and
 * background modes; in hybrid mode after a failed attempt it is always
 * EX_TEMPFAIL and the text gives both reasons (the caller keeps
 * responsibility, design.md 3).
 */
int	 submit_message(const struct config *cfg,
	    const struct submit_opts *o, struct envelope *env, struct msg *m,
	    struct submit_result *r, struct diag *d);

/*
 * The one place a delivery result becomes the exit code (compat.md 2.4),
 * after submit_message() returned 0.  Exit 0 means we took
 * responsibility: everything delivered, the rest durably queued,
 * refusals bounced.  Partial acceptance exits 0 unless -oep/-oeq
 * (errmode) was given explicitly, so callers such as PHP do not resend
 * to the recipients that got it; with -oee a mailed report is the
 * answer.  Otherwise a refusal after RCPT gives the reply's code
 * (r->attempt), refusals at RCPT give 67 when every one is "unknown
 * user", else the first one's code (diag_perm_exitcode), 69 by default.
 * Writes one stderr line for the queue ID when recipients are queued
 * and one for each refused recipient (the reply and its advice).
 */
int	 submit_exitcode(enum error_mode errmode,
	    const struct envelope *env, const struct submit_result *r);

#endif /* SENDSMTP_SUBMIT_H */
