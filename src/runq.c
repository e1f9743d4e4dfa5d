/*
 * runq.c - the queue runner: scan, lock, back off, deliver over one
 * session (or a few, for a long queue), bounce, expire.
 *
 * RFC 5321 4.5.4.1 (retry strategy: a client must not retry a failed
 * destination at once; the retry interval grows and the give-up time is
 * at least 4-5 days), RFC 3464 via bounce.c.
 *
 * ORDER OF EVENTS for one entry (the durability argument of queue.c
 * covers each step; this is how the steps are ordered):
 *   1. queue_lock: the entry is ours until queue_entry_free;
 *   2. TEMPFAIL recipients become PENDING; deliver the PENDING ones;
 *   3. recipients refused permanently in this attempt, and (past
 *      queue_lifetime) the ones still failing, get a bounce, committed
 *      durably as a new entry (runq_bounce) BEFORE step 4 records them
 *      as done with.  A crash between 3 and 4 sends the bounce twice,
 *      never zero times.  When the bounce cannot be committed, those
 *      recipients stay TEMPFAIL and are tried (and refused) again later;
 *   4. queue_remove when nothing is left to deliver, else queue_update
 *      with the new states, attempts + 1 and the next retry time.
 * A crash during 2 after the server accepted the final dot but before 4
 * delivers those recipients again on the next run: a duplicate, the only
 * one possible (RFC 5321 6.1 accepts this trade-off; losing mail is
 * worse).
 *
 * SPEED (issue 7).  Entries go over one SMTP session, pipelined across
 * messages (deliver_session_submit): an entry's outcome, and so steps 3
 * and 4, arrive while the next entry is being sent, so two entries are
 * locked at a time.  A queue of RUNQ_PARALLEL_MIN entries or more is
 * shared among up to RUNQ_SESSIONS_MAX processes by a hash of the queue
 * ID (runq_parallel), each with its own session; the entry locks make
 * that safe even against other runners.
 *
 * MEMORY.  queue_list streams the directory and one entry is loaded at a
 * time.  The only structure that grows with the queue is the set of IDs
 * this run has already attempted and kept (so that a directory entry
 * replaced by queue_update and seen again by readdir is not attempted
 * twice in one -q run): about 50 bytes per deferred entry.
 *
 * Security: entries are input; queue.c validates them.  Queue IDs from
 * the command line (-qI) are only compared, never used as paths.
 */
#include "compat.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounce.h"
#include "bounds.h"
#include "config.h"
#include "deliver.h"
#include "diag.h"
#include "dkim.h"
#include "envelope.h"
#include "log.h"
#include "msg.h"
#include "queue.h"
#include "runq.h"
#include "util.h"

/* The IDs attempted and kept in this run (open addressing). */
struct runq_idset {
	char		**slot;
	size_t		 cap;		/* power of two, or 0 */
	size_t		 n;
};

struct runq_ctx {
	const struct config	*cfg;
	const struct runq_opts	*o;
	struct runq_stats	*st;
	struct deliver_session	 ds;
	struct runq_idset	 done;
	unsigned long		 rnd;
	unsigned		 nworkers;	/* processes sharing the run */
	unsigned		 mine;		/* bit k: this one does the
						 * IDs whose hash % nworkers
						 * is k */
};

/*
 * An entry being delivered.  With cross-message pipelining its outcome
 * arrives during the next entry's delivery (deliver_session_submit), so
 * it lives on the heap, locked, until runq_done.
 */
struct runq_item {
	struct runq_ctx		*c;
	struct queue_entry	 e;
	unsigned char		*tried;
};

static unsigned long	 runq_random(void);
static uint32_t		 runq_hash(const char *s);
static int		 runq_idset_has(const struct runq_idset *s,
			    const char *id);
static void		 runq_idset_add(struct runq_idset *s,
			    const char *id);
static void		 runq_idset_free(struct runq_idset *s);
static void		 runq_oneline(char *s);
static int		 runq_visit(const char *id, void *arg);
static int		 runq_scan(struct runq_ctx *c, struct diag *d);
static int		 runq_parallel(struct runq_ctx *c, unsigned n,
			    struct diag *d);
static void		 runq_merge(struct runq_stats *st,
			    const struct runq_stats *w);
static void		 runq_done(void *arg, enum outcome out,
			    const struct diag *d);
static void		 runq_attempt(struct runq_ctx *c,
			    struct runq_item *it);
static void		 runq_bounce_some(struct runq_ctx *c,
			    struct queue_entry *e, const unsigned char *which,
			    int expired, time_t now);
static int		 runq_settle(struct runq_ctx *c,
			    struct queue_entry *e,
			    const unsigned char *tried, time_t now);
static void		 runq_finish(struct runq_ctx *c,
			    struct queue_entry *e,
			    const struct diag *d, time_t now, int left);

/* ------------------------------------------------------------ backoff */

long
runq_backoff(long retry_min, long retry_max, long long attempts,
    unsigned long rnd)
{
	long long base, jitter;

	if (retry_min < 1)
		retry_min = 1;
	if (retry_max < retry_min)
		retry_max = retry_min;
	base = retry_min;
	while (--attempts > 0 && base < retry_max)
		base *= 2;
	if (base > retry_max)
		base = retry_max;
	jitter = base * ((long long)(rnd % 2001) - 1000) / 10000;
	base += jitter;
	return base < 1 ? 1 : (long)base;
}

static unsigned long
runq_random(void)
{
	static unsigned long state;
	unsigned long r;
	int fd;

	if (state == 0) {
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd == -1 || read(fd, &state, sizeof(state)) !=
		    (ssize_t)sizeof(state))
			state = (unsigned long)time(NULL) ^
			    ((unsigned long)getpid() << 16);
		if (fd != -1)
			(void)close(fd);
		state |= 1;
	}
	/* xorshift: jitter only needs to differ between entries */
	r = state;
	r ^= r << 13;
	r ^= r >> 7;
	r ^= r << 17;
	state = r != 0 ? r : 1;
	return r;
}

/* Control characters become '?', so the text is one storable line. */
static void
runq_oneline(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void
runq_schedule(const struct config *cfg, struct envelope_meta *meta,
    time_t now, const char *error)
{
	if (meta->attempts < QUEUE_ATTEMPTS_MAX)
		meta->attempts++;
	meta->next_attempt = (long long)now + runq_backoff(cfg->retry_min,
	    cfg->retry_max, meta->attempts, runq_random());
	if (error != NULL && *error != '\0') {
		free(meta->last_error);
		meta->last_error = xstrndup(error, QUEUE_TEXT_MAX);
		runq_oneline(meta->last_error);
	}
}

/* ------------------------------------------------------------ filters */

int
runq_match(const struct runq_opts *o, const char *id,
    const struct envelope *env)
{
	size_t i, n, k, len;

	if (o->id_filter != NULL && strstr(id, o->id_filter) == NULL)
		return 0;
	if (o->rcpt_filter == NULL || env == NULL)
		return 1;
	n = strlen(o->rcpt_filter);
	for (i = 0; i < env->nrcpts; i++) {
		const struct rcpt *r = &env->rcpts[i];

		if (r->state != RCPT_PENDING && r->state != RCPT_TEMPFAIL)
			continue;
		len = strlen(r->addr);
		for (k = 0; k + n <= len; k++)
			if (ascii_strncasecmp(r->addr + k, o->rcpt_filter,
			    n) == 0)
				return 1;
	}
	return 0;
}

/* ------------------------------------------------------------ ID set */

static uint32_t
runq_hash(const char *s)
{
	uint32_t h = 2166136261U;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619U;
	return h;
}

static int
runq_idset_has(const struct runq_idset *s, const char *id)
{
	size_t i;

	if (s->cap == 0)
		return 0;
	for (i = runq_hash(id) & (s->cap - 1); s->slot[i] != NULL;
	    i = (i + 1) & (s->cap - 1))
		if (strcmp(s->slot[i], id) == 0)
			return 1;
	return 0;
}

static void
runq_idset_add(struct runq_idset *s, const char *id)
{
	struct runq_idset big;
	size_t i, j;

	if (runq_idset_has(s, id))
		return;
	if (2 * (s->n + 1) > s->cap) {
		big.cap = s->cap == 0 ? 64 : s->cap * 2;
		big.slot = xcalloc(big.cap, sizeof(*big.slot));
		big.n = s->n;
		for (i = 0; i < s->cap; i++) {
			if (s->slot[i] == NULL)
				continue;
			for (j = runq_hash(s->slot[i]) & (big.cap - 1);
			    big.slot[j] != NULL; j = (j + 1) & (big.cap - 1))
				continue;
			big.slot[j] = s->slot[i];
		}
		free(s->slot);
		*s = big;
	}
	for (i = runq_hash(id) & (s->cap - 1); s->slot[i] != NULL;
	    i = (i + 1) & (s->cap - 1))
		continue;
	s->slot[i] = xstrdup(id);
	s->n++;
}

static void
runq_idset_free(struct runq_idset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ bounces */

int
runq_bounce(const struct config *cfg, const char *domain, const char *id,
    long long created, const struct envelope *orig,
    const unsigned char *which, int expired, int orig_fd, char *bounce_id,
    size_t idsize, struct diag *d)
{
	struct bounce_info bi;
	struct envelope benv;
	struct msg bm;
	struct diag sd;
	char *tmpdir;
	int rc;

	if (idsize > 0)
		bounce_id[0] = '\0';
	if (!bounce_wanted(orig))
		return 0;
	memset(&bi, 0, sizeof(bi));
	bi.domain = domain;
	bi.remote_mta = cfg->host;
	bi.queue_id = id;
	bi.now = time(NULL);
	bi.arrival = created > 0 ? (time_t)created : bi.now;
	bi.expired = expired;
	bi.lifetime = cfg->queue_lifetime;
	tmpdir = xasprintf("%s/tmp", cfg->queue_dir);
	rc = bounce_create(&bi, orig, which, orig_fd, tmpdir, &benv, &bm, d);
	free(tmpdir);
	if (rc == -1)
		return -1;
	/* Signed like any mail of ours, so receivers that want DKIM take
	 * it; a key that went bad since submission must not lose it. */
	if (dkim_sign_msg(cfg, &bm, bi.now, &sd) == -1)
		log_warnx("%s: the bounce for <%s> goes unsigned: %s",
		    id != NULL ? id : "submission", orig->sender, sd.text);
	rc = queue_commit(cfg->queue_dir, &benv, &bm, bounce_id, idsize, d);
	msg_discard(&bm);	/* after a commit only closes the fd */
	envelope_free(&benv);
	if (rc == 0)
		log_info("%s: bounce %s queued for <%s>", id != NULL ? id :
		    "submission", bounce_id, orig->sender);
	return rc;
}

/* ------------------------------------------------------------ the run */

/*
 * Bounce the recipients in which[] (expired: still failing after
 * queue_lifetime) and record them as done with.  When the bounce cannot
 * be committed they stay TEMPFAIL, so their failure is reported later,
 * never forgotten.
 */
static void
runq_bounce_some(struct runq_ctx *c, struct queue_entry *e,
    const unsigned char *which, int expired, time_t now)
{
	struct envelope *env = &e->env;
	char bid[QUEUE_ID_MAX + 1];
	struct diag bd;
	size_t i;

	if (runq_bounce(c->cfg, c->o->domain, e->id, e->meta.created, env,
	    which, expired, e->msg.fd, bid, sizeof(bid), &bd) == -1) {
		log_warnx("%s: cannot queue the bounce%s; will retry: %s",
		    e->id, expired ? " of the expired message" : "", bd.text);
		for (i = 0; i < env->nrcpts; i++)
			if (which[i])
				env->rcpts[i].state = RCPT_TEMPFAIL;
		return;
	}
	if (bid[0] != '\0')
		c->st->bounces++;
	else
		log_info("%s: no bounce for the failed recipients (null "
		    "sender or NOTIFY)", e->id);
	if (expired) {
		c->st->expired++;
		log_info("%s: expired after %lld s in the queue", e->id,
		    (long long)(now - (time_t)e->meta.created));
	}
	for (i = 0; i < env->nrcpts; i++)
		if (which[i])
			env->rcpts[i].state = RCPT_PERMFAIL;
}

/*
 * Bounce what failed for good in this attempt, and everything still
 * failing when the entry is past queue_lifetime; returns the number of
 * recipients still to deliver.
 */
static int
runq_settle(struct runq_ctx *c, struct queue_entry *e,
    const unsigned char *tried, time_t now)
{
	struct envelope *env = &e->env;
	unsigned char *perm, *exp;
	size_t i, nperm = 0, nexp = 0;
	int expired, left = 0;

	perm = xcalloc(env->nrcpts + 1, 1);
	exp = xcalloc(env->nrcpts + 1, 1);
	expired = now - (time_t)e->meta.created >= c->cfg->queue_lifetime;
	for (i = 0; i < env->nrcpts; i++) {
		if (tried[i] && env->rcpts[i].state == RCPT_PERMFAIL) {
			perm[i] = 1;
			nperm++;
		} else if (expired && (env->rcpts[i].state == RCPT_TEMPFAIL ||
		    env->rcpts[i].state == RCPT_PENDING)) {
			exp[i] = 1;
			nexp++;
		}
	}
	if (nperm > 0)
		runq_bounce_some(c, e, perm, 0, now);
	if (nexp > 0)
		runq_bounce_some(c, e, exp, 1, now);
	for (i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].state == RCPT_TEMPFAIL ||
		    env->rcpts[i].state == RCPT_PENDING)
			left++;
	free(perm);
	free(exp);
	return left;
}

/* Step 4: remove the entry or record the attempt. */
static void
runq_finish(struct runq_ctx *c, struct queue_entry *e, const struct diag *d,
    time_t now, int left)
{
	struct diag ud;

	if (left == 0) {
		if (queue_remove(e, &ud) == -1) {
			log_warnx("%s: delivered, but cannot remove it (it may "
			    "be sent again): %s", e->id, ud.text);
			c->st->errors++;
		} else
			c->st->delivered++;
		return;
	}
	runq_schedule(c->cfg, &e->meta, now, d->text[0] != '\0' ? d->text :
	    NULL);
	if (queue_update(e, &ud) == -1) {
		log_warnx("%s: cannot record the delivery attempt: %s", e->id,
		    ud.text);
		c->st->errors++;
		return;
	}
	c->st->deferred++;
	runq_idset_add(&c->done, e->id);
}

/* The attempt's outcome is known: steps 3 and 4, then unlock. */
static void
runq_done(void *arg, enum outcome out, const struct diag *dd)
{
	struct runq_item *it = arg;
	struct runq_ctx *c = it->c;
	struct diag d = *dd;
	time_t now;

	(void)out;		/* the recipients' states decide */
	if (d.outcome != OUTCOME_OK)
		c->st->last = d;
	now = time(NULL);
	runq_finish(c, &it->e, &d, now, runq_settle(c, &it->e, it->tried,
	    now));
	free(it->tried);
	queue_entry_free(&it->e);
	free(it);
}

/* Step 2; runq_done runs now or during a later delivery. */
static void
runq_attempt(struct runq_ctx *c, struct runq_item *it)
{
	struct queue_entry *e = &it->e;
	struct diag d;
	size_t i;

	it->tried = xcalloc(e->env.nrcpts + 1, 1);
	for (i = 0; i < e->env.nrcpts; i++) {
		struct rcpt *r = &e->env.rcpts[i];

		if (r->state == RCPT_TEMPFAIL)
			r->state = RCPT_PENDING;
		it->tried[i] = r->state == RCPT_PENDING;
	}
	if (envelope_count(&e->env, RCPT_PENDING) == 0) {
		diag_clear(&d);
		runq_done(it, OUTCOME_OK, &d);
		return;
	}
	c->st->attempted++;
	/* deliver.c writes the attempt's one log line */
	c->ds.qid = e->id;
	c->ds.arrival = e->meta.created;
	deliver_session_submit(&c->ds, &e->env, &e->msg, runq_done, it);
	c->ds.qid = NULL;
	c->ds.arrival = 0;
}

/* queue_list callback: one entry. */
static int
runq_visit(const char *id, void *arg)
{
	struct runq_ctx *c = arg;
	struct runq_item *it;
	struct diag d;
	enum queue_status qs;

	if (!runq_match(c->o, id, NULL) || runq_idset_has(&c->done, id))
		return 0;
	if (c->nworkers > 1 &&
	    !(c->mine & (1U << (runq_hash(id) % c->nworkers))))
		return 0;	/* another process's share */
	c->st->seen++;
	diag_clear(&d);
	it = xcalloc(1, sizeof(*it));
	it->c = c;
	qs = queue_lock(c->cfg->queue_dir, id, &it->e, &d);
	if (qs != QUEUE_OK)
		free(it);
	switch (qs) {
	case QUEUE_OK:
		break;
	case QUEUE_BUSY:
		c->st->busy++;
		return 0;
	case QUEUE_GONE:
		return 0;
	case QUEUE_CORRUPT:
		c->st->corrupt++;
		if (queue_move_corrupt(c->cfg->queue_dir, id, d.text, &d) == -1)
			log_warnx("%s", d.text);
		return 0;
	case QUEUE_ERROR:
	default:
		c->st->errors++;
		log_warnx("queue entry %s: %s", id, d.text);
		return 0;
	}
	if ((c->o->due_only && it->e.meta.next_attempt >
	    (long long)time(NULL)) || !runq_match(c->o, id, &it->e.env)) {
		queue_entry_free(&it->e);
		free(it);
		return 0;
	}
	runq_attempt(c, it);
	return 0;
}

/* One process's walk over queue/, then its session's end. */
static int
runq_scan(struct runq_ctx *c, struct diag *d)
{
	int rc;

	rc = queue_list(c->cfg->queue_dir, runq_visit, c, NULL, d);
	/* settles the last entry, if its reply is still pending */
	deliver_session_end(&c->ds);
	return rc;
}

static void
runq_merge(struct runq_stats *st, const struct runq_stats *w)
{
	st->seen += w->seen;
	st->attempted += w->attempted;
	st->delivered += w->delivered;
	st->deferred += w->deferred;
	st->bounces += w->bounces;
	st->expired += w->expired;
	st->busy += w->busy;
	st->corrupt += w->corrupt;
	st->errors += w->errors;
	if (w->last.outcome != OUTCOME_OK)
		st->last = w->last;
}

/*
 * Share the run among n processes (this one and n - 1 children), each
 * with its own session, by queue ID hash: one session's round trips no
 * longer bound a run after an outage.  A child reports its stats over a
 * pipe; a share whose child could not be forked stays with this process.
 * A child that dies leaves its entries (unlocked by its exit) for the
 * next run and counts as an error.
 */
static int
runq_parallel(struct runq_ctx *c, unsigned n, struct diag *d)
{
	struct runq_stats w;
	pid_t pid[RUNQ_SESSIONS_MAX];
	int fd[RUNQ_SESSIONS_MAX], p[2], rc, status;
	unsigned k;
	ssize_t got;

	c->nworkers = n;
	c->mine = 1;
	(void)fflush(NULL);
	for (k = 1; k < n; k++) {
		pid[k] = -1;
		if (pipe(p) == -1) {
			c->mine |= 1U << k;	/* do it here */
			continue;
		}
		if ((pid[k] = fork()) == -1) {
			(void)close(p[0]);
			(void)close(p[1]);
			c->mine |= 1U << k;
			continue;
		}
		if (pid[k] == 0) {
			(void)close(p[0]);
			c->mine = 1U << k;
			memset(c->st, 0, sizeof(*c->st));
			rc = runq_scan(c, d);
			if (rc == -1)
				c->st->errors++;
			_exit(write(p[1], c->st, sizeof(*c->st)) ==
			    (ssize_t)sizeof(*c->st) ? 0 : 1);
		}
		(void)close(p[1]);
		fd[k] = p[0];
	}
	rc = runq_scan(c, d);
	for (k = 1; k < n; k++) {
		if (pid[k] == -1)
			continue;
		do
			got = read(fd[k], &w, sizeof(w));
		while (got == -1 && errno == EINTR);
		(void)close(fd[k]);
		while (waitpid(pid[k], &status, 0) == -1 && errno == EINTR)
			;
		if (got != (ssize_t)sizeof(w)) {
			log_warnx("queue run: worker process %ld ended without "
			    "a report; its entries wait for the next run",
			    (long)pid[k]);
			c->st->errors++;
			continue;
		}
		runq_merge(c->st, &w);
	}
	return rc;
}

int
runq_run(const struct config *cfg, const struct runq_opts *o,
    struct runq_stats *st, struct diag *d)
{
	struct runq_ctx c;
	struct diag cd;
	size_t removed = 0, n = 0;
	unsigned workers;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	diag_clear(&st->last);
	if (queue_check_dirs(cfg->queue_dir, &cd) == -1) {
		log_info("no queue to run: %s", cd.text);
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.o = o;
	c.st = st;
	deliver_session_init(&c.ds, cfg);
	if (o->only_id != NULL) {
		if (queue_id_valid(o->only_id))
			(void)runq_visit(o->only_id, &c);
	} else {
		if (queue_cleanup(cfg->queue_dir, time(NULL), &removed,
		    &cd) == -1)
			log_warnx("%s", cd.text);
		else if (removed > 0)
			log_info("removed %zu stale temporary files", removed);
		/* a cheap count (names only) decides the sessions */
		if (queue_list(cfg->queue_dir, NULL, NULL, &n, &cd) == -1)
			n = 0;
		workers = (unsigned)(n / RUNQ_PARALLEL_MIN);
		if (workers > RUNQ_SESSIONS_MAX)
			workers = RUNQ_SESSIONS_MAX;
		if (workers > 1)
			rc = runq_parallel(&c, workers, d);
		else
			rc = runq_scan(&c, d);
	}
	deliver_session_end(&c.ds);
	runq_idset_free(&c.done);
	return rc;
}
