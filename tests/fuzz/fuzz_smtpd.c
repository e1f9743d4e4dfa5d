/*
 * fuzz_smtpd.c - libFuzzer target: the -bs command parser
 * (smtpd_parse() in smtpd_cmd.c), RFC 5321 4.1 commands from a local
 * client that may relay a web user's input.
 *
 * Each input line (LF or CRLF; a CR elsewhere reaches the parser)
 * is parsed.  Invariants: the result is 0 or a 5xx code with a reply
 * line free of CR, LF and NUL; a MAIL/RCPT path fits its array and parses
 * back to itself inside angle brackets; ENVID is decoded xtext (33-126).
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "fuzz.h"
#include "smtpd.h"

static void	 check_ok(const struct smtpd_cmd *);

/* MAIL/RCPT: the path must survive "<path>" again. */
static void
check_ok(const struct smtpd_cmd *c)
{
	static struct smtpd_cmd again;
	char line[ADDR_MAX + 32], err[256];
	size_t i, n;
	int rc;

	for (i = 0; c->envid[i] != '\0'; i++)
		if (c->envid[i] < 33 || c->envid[i] > 126)
			fuzz_fail("smtpd", "ENVID octet 0x%02x",
			    (unsigned char)c->envid[i]);
	if (c->verb != SMTPD_MAIL && c->verb != SMTPD_RCPT)
		return;
	n = strnlen(c->path, sizeof(c->path));
	if (n > ADDR_MAX)
		fuzz_fail("smtpd", "path of %zu octets", n);
	if (strpbrk(c->path, "\r\n") != NULL)
		fuzz_fail("smtpd", "CR or LF in the path");
	(void)snprintf(line, sizeof(line), "%s:<%s>",
	    c->verb == SMTPD_MAIL ? "MAIL FROM" : "RCPT TO", c->path);
	rc = smtpd_parse(line, strlen(line), &again, err, sizeof(err));
	if (rc != 0)
		fuzz_fail("smtpd", "path \"%s\" does not parse again: %d %s",
		    c->path, rc, err);
	if (strcmp(again.path, c->path) != 0)
		fuzz_fail("smtpd", "path \"%s\" parsed again as \"%s\"",
		    c->path, again.path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct smtpd_cmd c;	/* large: keep it off the stack */
	char err[256];
	const char *line;
	size_t pos = 0, len;
	int rc;

	while (fuzz_next_line(data, size, &pos, 1, &line, &len)) {
		memset(err, 'x', sizeof(err));
		err[0] = '\0';
		rc = smtpd_parse(line, len, &c, err, sizeof(err));
		if (rc == 0) {
			check_ok(&c);
			continue;
		}
		if (rc < 500 || rc > 599)
			fuzz_fail("smtpd", "result %d", rc);
		if (strnlen(err, sizeof(err)) >= sizeof(err) ||
		    err[0] == '\0' || strpbrk(err, "\r\n") != NULL)
			fuzz_fail("smtpd", "reply text for %d is not one line",
			    rc);
	}
	return 0;
}
