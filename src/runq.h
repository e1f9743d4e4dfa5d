/*
 * runq.h - the queue runner: deliver what waits in the spool.
 *
 *	runq_run()		sendmail -q (every entry now), --periodic
 *				(only entries whose retry time has come), and
 *				the detached attempt of -odb (one entry)
 *	runq_backoff()		the retry curve
 *	runq_schedule()		record a failed attempt (entry meta)
 *	runq_match()		the -qR / -qI filters
 *	runq_bounce()		build and commit a bounce
 *
 * Each entry is locked (queue_lock) for the whole attempt, so concurrent
 * runners never deliver the same entry twice; due entries go over one
 * SMTP session (deliver_session), pipelined across messages; a queue of
 * RUNQ_PARALLEL_MIN entries or more is shared among up to
 * RUNQ_SESSIONS_MAX processes, each with its own session.  Per
 * recipient: DONE stays done, TEMPFAIL is retried alone next time,
 * PERMFAIL is bounced to the sender.  The bounce is committed before
 * the entry is updated or removed.  Entries still failing after
 * queue_lifetime are bounced once and removed.
 */
#ifndef SENDSMTP_RUNQ_H
#define SENDSMTP_RUNQ_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "diag.h"
#include "envelope.h"

struct runq_opts {
	int		 due_only;	/* --periodic: skip entries whose
					 * Next-Attempt is in the future */
	const char	*rcpt_filter;	/* -qR: substring of a recipient
					 * (case-insensitive), or NULL */
	const char	*id_filter;	/* -qI: substring of the queue ID
					 * (case-sensitive), or NULL */
	const char	*only_id;	/* exactly this entry, no scan and
					 * no cleanup (-odb), or NULL */
	const char	*domain;	/* bounces: Reporting-MTA and
					 * MAILER-DAEMON@domain */
};

/* What a run did (for the summary line and the tests). */
struct runq_stats {
	size_t		 seen;		/* entries looked at */
	size_t		 attempted;	/* delivery attempts made */
	size_t		 delivered;	/* entries done and removed */
	size_t		 deferred;	/* entries kept for later */
	size_t		 bounces;	/* bounces committed */
	size_t		 expired;	/* entries out of time */
	size_t		 busy;		/* locked by another run */
	size_t		 corrupt;	/* moved to corrupt/ */
	size_t		 errors;	/* entries not handled */
	struct diag	 last;		/* the last delivery failure */
};

/*
 * Run the queue of cfg->queue_dir once.  Without only_id: remove stale
 * temp files and orphans (queue_cleanup), then stream queue/ (one entry
 * in memory at a time) and attempt each entry that passes the filters
 * (and, with due_only, whose time has come); entries committed during
 * the run (bounces) may be attempted in the same run.  A missing spool
 * is not an error: there is nothing to run.  Returns 0 (even when
 * deliveries failed: st says so), or -1 with d set when queue/ cannot be
 * read.
 */
int	 runq_run(const struct config *cfg, const struct runq_opts *o,
	    struct runq_stats *st, struct diag *d);

/*
 * Seconds to wait after the attempts-th failed attempt (attempts >= 1):
 * retry_min doubled for every earlier attempt, at most retry_max, then
 * moved by a random jitter of up to 10% either way (rnd supplies the
 * randomness; rnd % 2001 picks -10.00% .. +10.00%).  At least 1.
 */
long	 runq_backoff(long retry_min, long retry_max, long long attempts,
	    unsigned long rnd);

/*
 * A failed attempt at time now: attempts + 1, next_attempt = now +
 * runq_backoff(), last_error = error (copied, made one printable line of
 * at most QUEUE_TEXT_MAX octets; NULL keeps the old one).
 */
void	 runq_schedule(const struct config *cfg, struct envelope_meta *meta,
	    time_t now, const char *error);

/*
 * 1 if an entry passes o's filters: id contains o->id_filter, and some
 * recipient still to be delivered (PENDING or TEMPFAIL) contains
 * o->rcpt_filter ignoring ASCII case.  NULL filters match everything;
 * env NULL skips the recipient test.
 */
int	 runq_match(const struct runq_opts *o, const char *id,
	    const struct envelope *env);

/*
 * Bounce the recipients i of orig with which[i] set (each PERMFAIL with
 * its code and reply, or, with expired, still TEMPFAIL) to orig's
 * sender: bounce_create() in queue_dir/tmp, DKIM-signed with cfg's keys
 * when there are any (dkim_sign_msg; a signing failure is logged and the
 * bounce goes unsigned), then queue_commit().  Does
 * nothing (returns 0, *bounce_id "") when bounce_wanted() says no.
 * remote names the smarthost, id and created the original entry (id may
 * be NULL).  Returns 0, or -1 with d set and nothing committed.
 */
int	 runq_bounce(const struct config *cfg, const char *domain,
	    const char *id, long long created, const struct envelope *orig,
	    const unsigned char *which, int expired, int orig_fd,
	    char *bounce_id, size_t idsize, struct diag *d);

#endif /* SENDSMTP_RUNQ_H */
