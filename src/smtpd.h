/*
 * smtpd.h - sendmail -bs: an SMTP server dialogue on stdin/stdout for
 * the local caller (Alpine, Symfony Mailer's sendmail transport).
 *
 * Two parts: smtpd_parse() turns one command line into a struct
 * smtpd_cmd (pure, no I/O: unit-tested and fuzzed), and smtpd_run()
 * holds the dialogue: it reads commands from one fd, writes only SMTP
 * replies to another, takes each message through msg.c's intake (the
 * same header fix-ups as the other modes) and relays it at the end of
 * DATA through submit_message(), answering 250 only once the message
 * is delivered or durably queued.
 */
#ifndef SENDSMTP_SMTPD_H
#define SENDSMTP_SMTPD_H

#include <stddef.h>

#include "bounds.h"
#include "config.h"
#include "diag.h"
#include "envelope.h"
#include "msg.h"
#include "policy.h"
#include "submit.h"

enum smtpd_verb {
	SMTPD_UNKNOWN = 0,
	SMTPD_HELO,
	SMTPD_EHLO,
	SMTPD_MAIL,
	SMTPD_RCPT,
	SMTPD_DATA,
	SMTPD_RSET,
	SMTPD_NOOP,
	SMTPD_VRFY,
	SMTPD_EXPN,
	SMTPD_HELP,
	SMTPD_QUIT,
	SMTPD_STARTTLS,
	SMTPD_AUTH,
	SMTPD_BDAT
};

struct smtpd_cmd {
	enum smtpd_verb	 verb;
	char		 arg[SMTPD_LINE_MAX + 1]; /* text after the verb,
					 * trimmed (HELO name, VRFY...) */
	/* MAIL FROM / RCPT TO */
	char		 path[ADDR_MAX + 1]; /* addr-spec; "" = <> */
	long long	 size;		/* SIZE=, -1 when not given */
	enum body_type	 body;		/* BODY= */
	int		 smtputf8;	/* SMTPUTF8 */
	enum dsn_ret	 ret;		/* RET= */
	char		 envid[DSN_ENVID_MAX + 1]; /* ENVID=, decoded */
	unsigned	 notify;	/* RCPT NOTIFY= bits */
};

/*
 * Parse one command line (len octets, no CRLF; need not be
 * NUL-terminated).  Returns 0 with c filled, or the SMTP reply code to
 * send (500 unknown or malformed command, 501 bad arguments, 555 an
 * unknown or bad MAIL/RCPT parameter) with one line of reply text,
 * enhanced status code first, in err (errsize bytes).  An unknown verb
 * returns 500 with c->verb = SMTPD_UNKNOWN.  NUL, CR or LF in the line
 * are malformed.  Safe on arbitrary input (fuzz target).
 */
int	 smtpd_parse(const char *line, size_t len, struct smtpd_cmd *c,
	    char *err, size_t errsize);

/* What a dialogue needs; every pointer must outlive smtpd_run(). */
struct smtpd_ctx {
	const struct config	*cfg;
	const struct policy	*pol;
	const char		*tmpdir;	/* the spool's tmp/ */
	const char		*login;		/* the caller */
	const char		*fullname;	/* for a generated From */
	const char		*hostname;	/* our name in replies */
	struct submit_opts	 so;		/* delivery mode etc. */
	int			 infd;
	int			 outfd;
};

/*
 * Run the dialogue until QUIT, end of input, an I/O error or a limit
 * (SMTPD_CMDS_MAX commands, SMTPD_ERRORS_MAX errors: 421 and close).
 * Returns 0 when the session ended normally (QUIT or end of input),
 * or -1 with d set: EX_IOERR when a reply could not be written or the
 * input failed, EX_PROTOCOL after a 421.
 */
int	 smtpd_run(const struct smtpd_ctx *x, struct diag *d);

#endif /* SENDSMTP_SMTPD_H */
