/*
 * smtp_priv.h - what smtp.c (the session) shares with smtp_txn.c (the
 * mail transactions): sending a command and reading and judging its
 * reply.  Not for other modules: they use smtp.h.
 */
#ifndef SENDSMTP_SMTP_PRIV_H
#define SENDSMTP_SMTP_PRIV_H

#include "buf.h"
#include "diag.h"
#include "reply.h"
#include "smtp.h"

/*
 * Trace line (-v) and queue it with CRLF on the connection; it goes out
 * with the next flush.  0, or -1 with d set (the output buffer is full).
 */
int	 smtp_command(struct smtp_session *s, const struct buf *line,
	    struct diag *d);

/*
 * Send "verb arg" (arg may be NULL; the pair is built as EHLO's is),
 * flush, and read its reply into r: 0 when a reply was read, whatever
 * its code (the caller judges it, usually with smtp_reply_diag); -1
 * with d set when the command could not be built or sent (the session
 * is then broken) or as smtp_read_reply.
 */
int	 smtp_simple(struct smtp_session *s, const char *verb,
	    const char *arg, enum smtp_stage stage, struct reply *r,
	    struct diag *d);

/*
 * Read one complete reply into r (traced with -v): 0, or -1 with d set
 * (TEMPFAIL) when the connection failed or the reply is malformed; the
 * session is then broken (smtp_reply_read), since later replies could
 * not be paired with their commands.
 */
int	 smtp_read_reply(struct smtp_session *s, struct reply *r,
	    struct diag *d);

/*
 * Set d from reply r to a command of stage (rcpt names the recipient
 * of a RCPT, else NULL): the outcome diag_classify gives, the reply
 * text, and the catalogue's advice.  A reply that does not belong to
 * the stage is a protocol error (TEMPFAIL).
 */
void	 smtp_reply_diag(struct smtp_session *s, struct diag *d,
	    enum smtp_stage stage, const struct reply *r, const char *rcpt);

#endif /* SENDSMTP_SMTP_PRIV_H */
