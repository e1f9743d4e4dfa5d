/*
 * fuzz_reply.c - libFuzzer target: SMTP replies and EHLO capabilities
 * (reply.c), the text a hostile or broken smarthost sends us (RFC 5321
 * 4.2, style.md 17; OpenSMTPD CVE-2020-8794 was a multi-line reply).
 *
 * The input is a stream of reply lines (LF or CRLF).  Lines are pushed
 * into one reply until it is complete or refused, then a new reply
 * starts.  Each complete reply is walked, summarised and parsed as an
 * EHLO answer; every line also goes through ehlo_caps_line() alone.
 * Invariants: codes 200..599, text NUL-terminated within its array and
 * free of control characters other than tab, summaries bounded.
 */
#include "compat.h"

#include <string.h>

#include "bounds.h"
#include "fuzz.h"
#include "reply.h"

static void	 check_done(const struct reply *);
static void	 check_caps(const struct ehlo_caps *);

static void
check_caps(const struct ehlo_caps *c)
{
	size_t n;

	n = strnlen(c->auth_mechs, sizeof(c->auth_mechs));
	if (n >= sizeof(c->auth_mechs))
		fuzz_fail("reply", "auth_mechs not NUL-terminated");
	if (n > 0 && !c->auth)
		fuzz_fail("reply", "mechanisms \"%s\" without AUTH",
		    c->auth_mechs);
}

static void
check_done(const struct reply *r)
{
	struct ehlo_caps caps;
	char sum[DIAG_REPLY_MAX];
	const char *line;
	size_t pos = 0, len, n = 0, i;

	if (r->code < 200 || r->code > 599)
		fuzz_fail("reply", "complete reply with code %d", r->code);
	if (r->textlen >= sizeof(r->text) || r->text[r->textlen] != '\0' ||
	    strlen(r->text) != r->textlen)
		fuzz_fail("reply", "text length %zu does not match",
		    r->textlen);
	for (i = 0; i < r->textlen; i++) {
		unsigned char c = (unsigned char)r->text[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			fuzz_fail("reply", "octet 0x%02x in the text", c);
	}
	if (strnlen(r->enh, sizeof(r->enh)) >= sizeof(r->enh))
		fuzz_fail("reply", "enh not NUL-terminated");
	while (reply_next_line(r, &pos, &line, &len)) {
		if (memchr(line, '\n', len) != NULL ||
		    memchr(line, '\0', len) != NULL)
			fuzz_fail("reply", "LF or NUL inside line %zu", n);
		n++;
	}
	if (n != r->nlines)
		fuzz_fail("reply", "walked %zu lines, nlines %zu", n,
		    r->nlines);
	reply_summary(r, sum, sizeof(sum));
	if (strnlen(sum, sizeof(sum)) >= sizeof(sum))
		fuzz_fail("reply", "summary not NUL-terminated");
	ehlo_caps_init(&caps);
	ehlo_caps_parse(&caps, r);
	check_caps(&caps);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reply r;
	struct ehlo_caps caps;
	enum reply_status st;
	const char *line;
	size_t pos = 0, len;

	reply_init(&r);
	ehlo_caps_init(&caps);
	while (fuzz_next_line(data, size, &pos, 1, &line, &len)) {
		ehlo_caps_line(&caps, line, len);
		st = reply_push(&r, line, len);
		if (st == REPLY_MORE)
			continue;
		if (st == REPLY_DONE)
			check_done(&r);
		else if (r.error == NULL)
			fuzz_fail("reply", "REPLY_ERROR without a reason");
		/* a pushed line after the end is refused */
		if (reply_push(&r, "250 x", 5) != REPLY_ERROR)
			fuzz_fail("reply", "push after the end accepted");
		reply_free(&r);
		reply_init(&r);
	}
	check_caps(&caps);
	reply_free(&r);
	return 0;
}
