/*
 * bounce.h - delivery status notifications (RFC 3464) for recipients
 * that failed permanently or expired in the queue.
 *
 * A bounce goes to the original envelope sender from the null sender
 * <>, From MAILER-DAEMON@domain.  It is a multipart/report with three
 * parts: a human-readable explanation, a message/delivery-status part
 * with one block per failed recipient, and the original message's
 * header section only (text/rfc822-headers, at most BOUNCE_HEADERS_MAX
 * octets, cut at a field boundary).  It never holds configuration or
 * secrets: only SMTP replies (code != 0) are quoted; local failures are
 * described in general terms.
 */
#ifndef SENDSMTP_BOUNCE_H
#define SENDSMTP_BOUNCE_H

#include <time.h>

#include "buf.h"
#include "diag.h"
#include "envelope.h"
#include "msg.h"

struct bounce_info {
	const char	*domain;	/* Reporting-MTA and MAILER-DAEMON@ */
	const char	*remote_mta;	/* smarthost (Remote-MTA), or
					 * NULL */
	const char	*queue_id;	/* the original's ID, or NULL */
	time_t		 arrival;	/* when the original came */
	time_t		 now;		/* Date, Last-Attempt-Date */
	int		 expired;	/* these recipients ran out of time
					 * (queue_lifetime) */
	long		 lifetime;	/* queue_lifetime (seconds),
					 * for an expiry bounce */
};

/*
 * 1 if a bounce may be sent for orig: its sender is not the null sender
 * (never a bounce of a bounce) and it did not ask for no failure reports
 * (RFC 3461 NOTIFY=NEVER, or NOTIFY without FAILURE).
 */
int	 bounce_wanted(const struct envelope *orig);

/*
 * Render the bounce message (CRLF line ends, no line over 998 octets)
 * for the recipients i of orig with which[i] set into out, which this
 * function initialises (bounded by BOUNCE_MAX; the caller buf_free()s
 * it whatever the result).  Each such recipient's code and reply say why
 * it failed.  The original's header section is read from orig_fd with
 * pread (the file position is unchanged); orig_fd -1 leaves the third
 * part empty.  *eightbit (may be NULL) is set when the quoted headers
 * hold 8-bit octets.  Returns 0, or -1 with d set: EX_SOFTWARE when no
 * recipient is selected or orig has the null sender, EX_IOERR /
 * EX_TEMPFAIL when the original cannot be read.
 */
int	 bounce_render(const struct bounce_info *bi,
	    const struct envelope *orig, const unsigned char *which,
	    int orig_fd, struct buf *out, int *eightbit, struct diag *d);

/*
 * bounce_render() into a new 0600 file in tmpdir, and its envelope:
 * null sender, one recipient (orig's sender), RET/NOTIFY unset.  On
 * success bm->fd (read/write), bm->path and bm->size are set as
 * msg_read() would leave them, ready for queue_commit(); benv is
 * initialised and owned by the caller (envelope_free).  On failure
 * nothing is left in tmpdir, benv is empty and d is set (EX_CANTCREAT,
 * EX_TEMPFAIL for write errors such as ENOSPC, or as bounce_render).
 */
int	 bounce_create(const struct bounce_info *bi,
	    const struct envelope *orig, const unsigned char *which,
	    int orig_fd, const char *tmpdir, struct envelope *benv,
	    struct msg *bm, struct diag *d);

#endif /* SENDSMTP_BOUNCE_H */
