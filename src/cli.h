/*
 * cli.h - the sendmail command line -> struct cli_opts.
 *
 * Pure: no I/O, no allocation that outlives argv except the recipient
 * array.  Warnings (ignored flags worth mentioning, bad -N values) are
 * collected in opts->warnings for main.c to print.
 *
 * Reference: ../shared/compat.md section 2 (every flag and what sendsmtp
 * does with it: Implement, Accept-and-ignore, Reject with exit 64).
 */
#ifndef SENDSMTP_CLI_H
#define SENDSMTP_CLI_H

#include "bounds.h"
#include "diag.h"
#include "envelope.h"

enum cli_mode {
	MODE_SEND = 0,		/* -bm (default): message on stdin */
	MODE_SMTP,		/* -bs: SMTP dialogue on stdin/stdout */
	MODE_LIST,		/* -bp, mailq: list the queue */
	MODE_COUNT,		/* -bP: number of queue entries */
	MODE_ALIASES,		/* -bi, -I, newaliases: validate aliases */
	MODE_VERIFY,		/* -bv: print resolved recipients */
	MODE_CHECKCONF,		/* -bC: validate the config */
	MODE_NOOP,		/* -bh, -bH: accepted, nothing to do */
	MODE_RUNQ,		/* -q, -qf, -qR.., -qI..: run the queue now */
	MODE_RUNQ_DUE,		/* periodic run: only due entries */
	MODE_CHECK,		/* --check: diagnose, send nothing */
	MODE_VERSION		/* -d0.1, --version */
};

enum delivery_mode {
	DELIVERY_UNSET = 0,	/* use the config's "delivery" */
	DELIVERY_HYBRID,	/* -odi */
	DELIVERY_BACKGROUND,	/* -odb */
	DELIVERY_QUEUE		/* -odq, -odd */
};

enum error_mode {
	ERRMODE_UNSET = 0,	/* no -oe flag: behaves as print */
	ERRMODE_PRINT,		/* -oep */
	ERRMODE_QUIET,		/* -oeq */
	ERRMODE_MAIL,		/* -oem */
	ERRMODE_WRITE,		/* -oew */
	ERRMODE_BERKNET		/* -oee */
};

struct cli_opts {
	enum cli_mode	 mode;
	int		 extract_rcpts;	/* -t */
	int		 ignore_dots;	/* -i, -oi, -O IgnoreDots */
	int		 verbose;	/* -v */
	int		 json;		/* --json (with --check) */
	const char	*sender;	/* -f / -r (points into argv) */
	const char	*fullname;	/* -F */
	const char	*config_path;	/* -C */
	const char	*syslog_tag;	/* -L */
	unsigned	 dsn_notify;	/* -N, DSN_NOTIFY_* bits, 0 = unset */
	enum dsn_ret	 dsn_ret;	/* -R */
	const char	*envid;		/* -V */
	enum body_type	 body;		/* -B */
	enum delivery_mode delivery;	/* -od* / -O DeliveryMode= */
	enum error_mode	 errmode;	/* -oe* / -O ErrorMode= */
	const char	*queue_rcpt;	/* -qR substring filter */
	const char	*queue_id;	/* -qI substring filter */
	char		**rcpts;	/* argv recipient elements (each an
					 * address list); into argv */
	int		 nrcpts;
	const char	*warnings[CLI_WARN_MAX]; /* static strings or argv */
	int		 nwarnings;
};

/*
 * Parse argv (argv[0] decides the default mode: "mailq" -> MODE_LIST,
 * "newaliases" -> MODE_ALIASES, "sendmail"/"sendsmtp" -> MODE_SEND).
 * Returns 0, or -1 with d set: EX_USAGE (64) for a rejected or unknown
 * flag or a missing argument, naming the flag; EX_DATAERR (65) for CR or
 * LF inside -f, -F, -N, -V or a recipient.  opts->rcpts must be freed
 * with cli_opts_free().
 */
int	 cli_parse(int argc, char **argv, struct cli_opts *opts,
	    struct diag *d);
void	 cli_opts_free(struct cli_opts *opts);

#endif /* SENDSMTP_CLI_H */
