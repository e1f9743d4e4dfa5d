/*
 * mailq.c - list and count the spool (mailq, sendmail -bp, -bP).
 *
 * No RFC; the layout follows Postfix's mailq (a header line, one block
 * per entry, "-- N Kbytes in M Requests." at the end) so that scripts
 * and monitoring checks written for it keep working, with one line per
 * recipient giving its state and last reply.
 *
 * Security: mailq runs with the spool group, so anyone may list the
 * queue, as with sendmail and Postfix (senders and recipients are not
 * secret on a host; message contents are never shown).  Stored texts
 * were validated by the loader (no control characters).  Entries are
 * loaded without the lock and never changed: a corrupt one is listed,
 * not moved (the runner does that).
 */
#include "compat.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "diag.h"
#include "envelope.h"
#include "mailq.h"
#include "queue.h"
#include "runq.h"
#include "util.h"

struct mailq_ctx {
	const struct runq_opts	*o;
	time_t			 now;
	FILE			*out;
	size_t			 listed;
	unsigned long long	 bytes;
};

static int	 mailq_missing(const char *queue_dir);
static void	 mailq_dur(long long secs, char *out, size_t size);
static void	 mailq_date(time_t t, char *out, size_t size);
static void	 mailq_entry(struct mailq_ctx *c,
		    const struct queue_entry *e);
static int	 mailq_one(const char *id, enum queue_status st,
		    const struct queue_entry *e, const struct diag *ed,
		    void *arg);

/* 1 when queue_dir/queue does not exist (nothing was ever queued). */
static int
mailq_missing(const char *queue_dir)
{
	struct stat st;
	char *p;
	int missing;

	p = xasprintf("%s/queue", queue_dir);
	missing = stat(p, &st) == -1 && (errno == ENOENT || errno == ENOTDIR);
	free(p);
	return missing;
}

/* "45s", "17m", "2h05m", "3d04h" */
static void
mailq_dur(long long secs, char *out, size_t size)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		(void)snprintf(out, size, "%llds", secs);
	else if (secs < 3600)
		(void)snprintf(out, size, "%lldm", secs / 60);
	else if (secs < 86400)
		(void)snprintf(out, size, "%lldh%02lldm", secs / 3600,
		    secs % 3600 / 60);
	else
		(void)snprintf(out, size, "%lldd%02lldh", secs / 86400,
		    secs % 86400 / 3600);
}

/* "Sat Nov 28 10:01:02" in local time, without the locale. */
static void
mailq_date(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		(void)snprintf(out, size, "@%lld", (long long)t);
		return;
	}
	(void)snprintf(out, size, "%s %s %2d %02d:%02d:%02d",
	    util_day_name(tm.tm_wday), util_month_name(tm.tm_mon), tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
mailq_entry(struct mailq_ctx *c, const struct queue_entry *e)
{
	static const char *const names[] = { "pending", "sent", "deferred",
	    "bounced" };
	char date[32], age[32], next[40];
	size_t i;

	mailq_date((time_t)e->meta.created, date, sizeof(date));
	(void)fprintf(c->out, "%-24s %8lld %s  %s\n", e->id, e->meta.size,
	    date, e->env.sender[0] != '\0' ? e->env.sender :
	    "MAILER-DAEMON");
	for (i = 0; i < e->env.nrcpts; i++) {
		const struct rcpt *r = &e->env.rcpts[i];

		/* a failure of the whole attempt is shown once, as the
		 * entry's last error (the catalogue line) */
		if (r->reply != NULL && r->state != RCPT_PENDING &&
		    (e->meta.last_error == NULL ||
		    strcmp(r->reply, e->meta.last_error) != 0))
			(void)fprintf(c->out, "    %-8s  %s  (%s)\n",
			    names[r->state], r->addr, r->reply);
		else
			(void)fprintf(c->out, "    %-8s  %s\n",
			    names[r->state], r->addr);
	}
	mailq_dur((long long)c->now - e->meta.created, age, sizeof(age));
	if (e->meta.attempts == 0)
		(void)fprintf(c->out, "    queued %s ago, not tried yet\n",
		    age);
	else {
		if (e->meta.next_attempt <= (long long)c->now)
			(void)strlcpy(next, "now", sizeof(next));
		else {
			(void)strlcpy(next, "in ", sizeof(next));
			mailq_dur(e->meta.next_attempt - (long long)c->now,
			    next + 3, sizeof(next) - 3);
		}
		(void)fprintf(c->out, "    queued %s ago, %lld attempt%s, next "
		    "%s%s%s\n", age, e->meta.attempts,
		    e->meta.attempts == 1 ? "" : "s", next,
		    e->meta.last_error != NULL ? "; last error: " : "",
		    e->meta.last_error != NULL ? e->meta.last_error : "");
	}
	(void)fputc('\n', c->out);
}

static int
mailq_one(const char *id, enum queue_status st, const struct queue_entry *e,
    const struct diag *ed, void *arg)
{
	struct mailq_ctx *c = arg;

	if (!runq_match(c->o, id, st == QUEUE_OK ? &e->env : NULL))
		return 0;
	if (st != QUEUE_OK && c->o->rcpt_filter != NULL)
		return 0;
	if (c->listed == 0)
		(void)fprintf(c->out, "%-24s %8s %-19s  %s\n",
		    "-Queue ID-", "--Size--", "----Arrival Time---",
		    "-Sender/Recipient-------");
	c->listed++;
	if (st != QUEUE_OK) {
		(void)fprintf(c->out, "%-24s (cannot be read: %s)\n\n", id,
		    ed->text);
		return 0;
	}
	c->bytes += (unsigned long long)e->meta.size;
	mailq_entry(c, e);
	return 0;
}

int
mailq_list(const char *queue_dir, const struct runq_opts *o, time_t now,
    FILE *out, struct diag *d)
{
	struct runq_opts none;
	struct mailq_ctx c;

	memset(&none, 0, sizeof(none));
	memset(&c, 0, sizeof(c));
	c.o = o != NULL ? o : &none;
	c.now = now;
	c.out = out;
	if (!mailq_missing(queue_dir) &&
	    queue_scan(queue_dir, mailq_one, &c, NULL, d) == -1)
		return -1;
	if (c.listed == 0)
		(void)fprintf(out, "Mail queue is empty\n");
	else
		(void)fprintf(out, "-- %llu Kbytes in %zu Request%s.\n",
		    (c.bytes + 1023) / 1024, c.listed,
		    c.listed == 1 ? "" : "s");
	return 0;
}

int
mailq_count(const char *queue_dir, FILE *out, struct diag *d)
{
	size_t n = 0;

	if (!mailq_missing(queue_dir) &&
	    queue_list(queue_dir, NULL, NULL, &n, d) == -1)
		return -1;
	(void)fprintf(out, "%zu\n", n);
	return 0;
}
