/*
 * selfcheck_priv.h - the report that selfcheck.c fills and
 * selfcheck_report.c prints (human lines as the steps end, JSON at the
 * end).  Private to those two files.
 */
#ifndef SENDSMTP_SELFCHECK_PRIV_H
#define SENDSMTP_SELFCHECK_PRIV_H

#include <stdio.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "smtp.h"

#define CHECK_DETAILS_MAX	64
#define CHECK_JSON_MAX		(256 * 1024)

enum selfcheck_status {
	CHECK_OK = 0,
	CHECK_INFO,		/* found something, no verdict */
	CHECK_WARN,		/* works, but worth fixing */
	CHECK_FAIL,		/* delivery would fail here */
	CHECK_SKIP		/* not checked */
};

struct selfcheck_report {
	FILE		*out;
	int		 json;
	int		 exitcode;	/* of the first failure, 0 = none */
	const char	*failed_step;
	struct buf	 js;		/* JSON: the steps so far */
	struct buf	 extra;		/* JSON: more top-level members */
	size_t		 nsteps;
	/* the step being built: */
	const char	*step;
	char		*key[CHECK_DETAILS_MAX];
	char		*val[CHECK_DETAILS_MAX];
	size_t		 ndetails;
};

/* What the steps share (selfcheck.c, selfcheck_mail.c). */
struct cli_opts;
struct selfcheck_ctx {
	struct selfcheck_report	 r;
	const struct cli_opts	*o;
	struct config		 cfg;		/* the selected account */
	int			 cfg_ok;
	const char		*fqdn;
	int			 dns_probed;	/* dns_down is known */
	int			 dns_down;	/* no DNS: the root zone did
						 * not resolve, or a TXT
						 * lookup got no answer */
};

/* DNS lookups of --check wait at most this long (or "timeout"). */
#define CHECK_DNS_TIMEOUT	5

void	 selfcheck_report_init(struct selfcheck_report *r, FILE *out, int json);
/* Start a step; details added next belong to it. */
void	 selfcheck_begin(struct selfcheck_report *r, const char *step);
void	 selfcheck_detail(struct selfcheck_report *r, const char *key,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * End the step with its verdict: d (may be NULL) is the failure; the
 * summary is fmt, or d's text when fmt is NULL.  A CHECK_FAIL records
 * d's exit code (EX_UNAVAILABLE without one) as the run's, the first
 * time.
 */
void	 selfcheck_end(struct selfcheck_report *r, enum selfcheck_status st,
	    const struct diag *d, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* A finished JSON value for key at the top level (the DKIM section). */
void	 selfcheck_report_raw(struct selfcheck_report *r, const char *key,
	    const char *json);
/* Print the result (and the JSON object); returns the exit code. */
int	 selfcheck_report_finish(struct selfcheck_report *r, const char *path,
	    const char *account);

/*
 * selfcheck_mail.c: MAIL FROM (the sender a submission would get) and
 * RCPT TO for the addresses given after --check, then RSET, on s
 * (0 when all were accepted, else -1 and the step failed); the sender
 * domain's SPF and DMARC records; the DKIM section (dkim_check_report).
 */
int	 selfcheck_envelope(struct selfcheck_ctx *c, struct smtp_session *s);
void	 selfcheck_sender(struct selfcheck_ctx *c);
void	 selfcheck_dkim(struct selfcheck_ctx *c);

#endif /* SENDSMTP_SELFCHECK_PRIV_H */
