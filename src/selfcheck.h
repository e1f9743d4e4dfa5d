/*
 * selfcheck.h - sendsmtp --check: walk the path of a real delivery
 * step by step (configuration, DNS of the smarthost, TCP, TLS, EHLO,
 * AUTH, the SIZE limit), stop at the first failure with its catalogue
 * diagnosis, and send no mail.  Then, for information, the sender
 * domain's SPF and DMARC records and the DKIM section
 * (dkim_check_report).
 *
 * Output: human-readable lines by default, one JSON object with --json
 * (the format is in sendsmtp(8)).  Nothing goes to stderr but the -v
 * transcript.
 */
#ifndef SENDSMTP_SELFCHECK_H
#define SENDSMTP_SELFCHECK_H

#include <stdio.h>

#include "buf.h"
#include "cli.h"

/*
 * Run the checks for the configuration at path (the account is chosen as
 * for delivery) and write the report to out.  fqdn is this host's name
 * (for the sender domain when "from" is unset).  Returns the exit code:
 * 0 only when every step a delivery needs passed (a message could be
 * sent), else the sysexits code of the first failure (78 configuration,
 * 75 network, TLS or AUTH trouble, 69 a permanent refusal).
 */
int	 selfcheck_run(const struct cli_opts *o, const char *path,
	    const char *fqdn, FILE *out);

/*
 * Append s to b as a JSON string with its quotes (RFC 8259 7): '"' and
 * '\' escaped, \b \f \n \r \t by name, other control characters and DEL
 * as \u00XX; bytes >= 0x80 are copied when they form valid UTF-8, else
 * written as \ufffd.  NULL is "".  Returns 0, or -1 when b is full.
 */
int	 selfcheck_json_escape(struct buf *b, const char *s);

#endif /* SENDSMTP_SELFCHECK_H */
