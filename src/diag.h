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
 * dot are PERMFAIL.  enh may be NULL; text is the server's reply text
 * (joined multi-line reply).  host names the server in the message.
 */
int	 diag_smtp(struct diag *d, enum smtp_stage stage, int code,
	    const char *enh, const char *text, const char *host);

/* The outcome an SMTP reply code means at a stage (see diag_smtp). */
enum outcome diag_classify(enum smtp_stage stage, int code);

/*
 * The sysexits code for a permanent SMTP failure (compat.md 2.4):
 * 5.1.1 (unknown user) -> EX_NOUSER, 5.1.2 -> EX_NOHOST, 552 / 5.3.4
 * (too big) -> EX_DATAERR, anything else -> EX_UNAVAILABLE.
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
