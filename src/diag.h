/*
 * diag.h - what went wrong, as data: outcome class, sysexits code, the
 * SMTP reply if any, and one human line naming the cause and the fix.
 *
 * Fallible functions return 0 / -1 (or an enum) and fill a caller-owned
 * struct diag; there is no global error buffer.
 */
#ifndef SENDSMTP_DIAG_H
#define SENDSMTP_DIAG_H

#include <stddef.h>

#include "bounds.h"
#include "catalog.h"

/* The result of a delivery attempt, per recipient or per message. */
enum outcome {
	OUTCOME_OK = 0,
	OUTCOME_TEMPFAIL,	/* try again later (queue) */
	OUTCOME_PERMFAIL	/* will never work: bounce / non-zero exit */
};

/* SMTP stage a reply belongs to; decides temporary vs permanent. */
enum smtp_stage {
	STAGE_NONE = 0,
	STAGE_CONNECT,
	STAGE_GREETING,
	STAGE_EHLO,
	STAGE_STARTTLS,
	STAGE_AUTH,
	STAGE_MAIL,
	STAGE_RCPT,
	STAGE_DATA,
	STAGE_BODY,		/* reply to the final dot */
	STAGE_QUIT
};

struct diag {
	enum outcome	 outcome;
	int		 exitcode;	/* sysexits.h value; 0 when OK */
	enum smtp_stage	 stage;		/* STAGE_NONE for local errors */
	int		 smtp_code;	/* 0 when no reply is involved */
	char		 enh[16];	/* enhanced status "5.1.1", or "" */
	char		 text[DIAG_TEXT_MAX]; /* one line: cause and fix */
	enum diag_class	 cls;		/* catalogue class (catalog.h) */
	const char	*cat_id;	/* its entry's id, or NULL */
	size_t		 factlen;	/* text before the advice (0: no
					 * advice appended yet) */
	char		 reply[DIAG_REPLY_MAX]; /* diag_smtp: "code enh text"
					 * as the server said it, cut */
};

/* Reset to "no error". */
void	 diag_clear(struct diag *d);

/*
 * Record a local (non-SMTP) failure with its sysexits code.  The outcome
 * is TEMPFAIL for EX_TEMPFAIL, EX_OSERR, EX_CANTCREAT and EX_IOERR-like
 * transient codes, else PERMFAIL.  Returns -1 so callers can write
 * "return diag_set(d, EX_USAGE, ...);".
 */
int	 diag_set(struct diag *d, int exitcode, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Record a transient network-level failure (connect, DNS, timeout, TLS,
 * lost connection): outcome TEMPFAIL, exit code EX_TEMPFAIL.
 */
int	 diag_temp(struct diag *d, enum smtp_stage stage, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Record an SMTP reply that was not the success expected at this stage.
 * Classifies it (design.md 3): 4xx anywhere, and 5xx at greeting, EHLO,
 * STARTTLS or AUTH, are TEMPFAIL; 5xx to MAIL, RCPT, DATA or the final
 * dot are PERMFAIL, except 530 (authentication required, RFC 4954 6),
 * which is a setup problem like a failed AUTH: TEMPFAIL.  The text gets
 * the catalogue's advice (diag_advise).  enh may be NULL; text is the
 * server's reply text (joined multi-line reply).  host names the server
 * in the message.
 */
int	 diag_smtp(struct diag *d, enum smtp_stage stage, int code,
	    const char *enh, const char *text, const char *host);

/*
 * Classify d and append the catalogue's cause-and-fix line for cls (and,
 * for DC_SMTP, d's stage, code and enhanced code; reply is the server's
 * text for the word matches, may be NULL) to d->text after "; ".  The
 * facts already in d->text are cut (with "...") so that the advice
 * always fits.  Called again, it replaces the earlier advice.  d keeps
 * its outcome and exit code.  Returns -1 (for "return diag_advise(...)").
 */
int	 diag_advise(struct diag *d, enum diag_class cls, const char *reply);

/*
 * Classify d as cls without appending advice, for texts that already
 * carry the catalogue's words (tls_verify_text) or a fix specific to one
 * setting (config.c, tls_ctx_new).
 */
void	 diag_set_class(struct diag *d, enum diag_class cls);

/*
 * The catalogue line for one recipient's stored reply ("5.1.1 User
 * unknown" with its code, as envelope records keep it): the text of the
 * matching DC_SMTP entry, or NULL when the code is not a 4xx/5xx.
 */
const char *diag_reply_advice(int code, const char *reply);

/* The outcome an SMTP reply code means at a stage (see diag_smtp). */
enum outcome diag_classify(enum smtp_stage stage, int code);

/*
 * The sysexits code for a permanent SMTP failure (compat.md 2.4):
 * 5.1.1 (unknown user) -> EX_NOUSER, 5.1.2 -> EX_NOHOST, 5.3.4, 5.2.3
 * or a 552 without enhanced code (too big) -> EX_DATAERR, anything else
 * (552 5.2.2 mailbox full included) -> EX_UNAVAILABLE.
 */
int	 diag_perm_exitcode(int code, const char *enh);

/*
 * Copy the RFC 3463 enhanced status code that starts text ("5.1.1 User
 * unknown" -> "5.1.1") into out; out is "" when there is none.  text may
 * be NULL.
 */
void	 diag_enh_of_text(const char *text, char *out, size_t outsize);

/* "MAIL", "RCPT", ... for messages. */
const char *diag_stage_name(enum smtp_stage stage);

#endif /* SENDSMTP_DIAG_H */
