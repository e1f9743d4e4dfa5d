/*
 * mailq.h - mailq / sendmail -bp (list the spool) and -bP (count it).
 */
#ifndef SENDSMTP_MAILQ_H
#define SENDSMTP_MAILQ_H

#include <stdio.h>
#include <time.h>

#include "diag.h"
#include "runq.h"

/*
 * Print every entry of queue_dir that passes o's filters (runq_match;
 * o may be NULL) to out, one entry at a time (the spool is streamed, not
 * loaded):
 *
 *   -Queue ID------------------ --Size-- ----Arrival Time---- -Sender-
 *   006790A1B2C3D4E5F8a1b2         1234 Sat Nov 28 10:01:02  a@example.com
 *     deferred  bob@example.net  (450 4.2.1 Mailbox busy)
 *     pending   carol@example.net
 *     attempts 3, next in 17m, last error: ...
 *
 *   -- 2 Kbytes in 1 Request.
 *
 * Recipient states: pending (not tried yet), deferred (will be retried),
 * sent, bounced.  An entry that cannot be read is listed with the
 * reason.  "Mail queue is empty" when nothing is listed, also when the
 * spool does not exist.  now is used for ages.  Returns 0, or -1 with d
 * set when queue/ exists but cannot be read.
 */
int	 mailq_list(const char *queue_dir, const struct runq_opts *o,
	    time_t now, FILE *out, struct diag *d);

/* Print the number of entries (0 when the spool does not exist). */
int	 mailq_count(const char *queue_dir, FILE *out, struct diag *d);

#endif /* SENDSMTP_MAILQ_H */
