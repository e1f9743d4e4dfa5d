/*
 * cli.h - the sendmail command line -> struct cli_opts.
 *
 * Pure: no I/O, no global state.  String fields point into argv except
 * where the parser had to rewrite a value (-f "Name <a@x>"); the
 * recipient array, rewritten values and warnings are owned by the
 * struct and released by cli_opts_free().  Warnings (ignored flags worth
 * mentioning, bad -N values) are collected in opts->warnings for main.c
 * to print, one line each, after "sendsmtp: ".
 *
 * Reference: ../shared/compat.md section 2 (every flag and what sendsmtp
 * does with it: Implement, Accept-and-ignore, Reject with exit 64).
 *
 * Long options (sendsmtp's own, not sendmail's):
 *	--check		MODE_CHECK: diagnose config, DNS, TCP, TLS, AUTH
 *	--json		with --check: machine-readable output
 *	--periodic	MODE_RUNQ_DUE: the timer/cron run (only due entries)
 *	--version	MODE_VERSION
 *	--help		usage line in d->text, EX_USAGE
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
	MODE_RUNQ_DUE,		/* --periodic: only due entries */
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
	int		 verbose;	/* -v, -ov: count, at most 3 */
	int		 json;		/* --json (with --check) */
	const char	*sender;	/* -f / -r: into argv or sender_buf;
					 * "" = null sender; NULL = none */
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
					 * address list); the array is owned
					 * and NULL-terminated, the strings
					 * point into argv */
	int		 nrcpts;
	char		*warnings[CLI_WARN_MAX]; /* owned, one line each */
	int		 nwarnings;
	char		*sender_buf;	/* private: storage for a rewritten
					 * sender ("Name <a@x>" -> "a@x") */
};

/*
 * Parse argv the way sendmail does: short options bundle ("-ti") and
 * take their argument attached or as the next word ("-fa@x", "-f a@x");
 * "--" or the first word that is not an option ends the options, and
 * every remaining word is a recipient element (an address list).
 * argv[0]'s basename picks the default mode: "sendmail"/"sendsmtp" (and
 * any other name) -> MODE_SEND, "mailq" -> MODE_LIST, "newaliases" ->
 * MODE_ALIASES, "runq" -> MODE_RUNQ, "rmail" -> MODE_SEND with -i -oee,
 * "hoststat"/"purgestat" -> MODE_NOOP; "smtpd" and "rsmtp" are refused.
 * Among flags, the last mode given wins, except that -d0.1 / --version
 * always win and -q/-qR/-qI keep MODE_LIST (mailq -qRdomain filters the
 * listing).  argv is never modified; argc bounds it (a NULL entry stops
 * early).
 *
 * Values are kept as given, except -f/-r: "<>" or "" become "" (the null
 * sender) and "Name <a@x>" becomes "a@x"; main.c qualifies bare names.
 * Flags that name files (-X, -D, -O ...Directory=/...File=, -oQ, -oA)
 * are consumed with their argument and never reach opts.
 *
 * Returns 0, or -1 with d set and opts emptied (cli_opts_free is still
 * safe): EX_USAGE (64) for a rejected or unknown flag, a missing
 * argument or a bad -R/-B/-A value, naming the flag; EX_DATAERR (65) for
 * CR or LF inside a kept value (-f, -F, -N, -V, -C, -L, -qR/-qI or a
 * recipient) or a value longer than its bound in bounds.h.
 * opts->rcpts must be freed with cli_opts_free().
 */
int	 cli_parse(int argc, char **argv, struct cli_opts *opts,
	    struct diag *d);
/* Free what cli_parse allocated and zero the pointers; idempotent. */
void	 cli_opts_free(struct cli_opts *opts);

#endif /* SENDSMTP_CLI_H */
