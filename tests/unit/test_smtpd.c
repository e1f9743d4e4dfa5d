/*
 * test_smtpd.c - the -bs command parser (smtpd_cmd.c): table-driven,
 * "got X, want Y", with malformed, over-long and NUL-containing lines.
 */
#include "compat.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "envelope.h"
#include "smtpd.h"
#include "util.h"

static const struct {
	const char	*line;
	enum smtpd_verb	 verb;
	const char	*path;		/* NULL: don't check */
	const char	*arg;		/* NULL: don't check */
} good[] = {
	{ "EHLO client.example", SMTPD_EHLO, NULL, "client.example" },
	{ "helo  x ", SMTPD_HELO, NULL, "x" },
	{ "MAIL FROM:<a@b.example>", SMTPD_MAIL, "a@b.example", NULL },
	{ "mail from:<a@b.example>", SMTPD_MAIL, "a@b.example", NULL },
	{ "MAIL FROM: <a@b.example>", SMTPD_MAIL, "a@b.example", NULL },
	{ "MAIL FROM:a@b.example", SMTPD_MAIL, "a@b.example", NULL },
	{ "MAIL FROM:<>", SMTPD_MAIL, "", NULL },
	{ "MAIL FROM:<root>", SMTPD_MAIL, "root", NULL },
	{ "MAIL FROM:<@relay.example:a@b.example>", SMTPD_MAIL,
	  "a@b.example", NULL },
	{ "MAIL FROM:<\"a > b\"@x.example>", SMTPD_MAIL, "\"a > b\"@x.example",
	  NULL },
	{ "MAIL FROM:<a@b.example> SIZE=1234 BODY=8BITMIME", SMTPD_MAIL,
	  "a@b.example", NULL },
	{ "MAIL FROM:<a@b.example> SMTPUTF8 RET=HDRS ENVID=x+2By", SMTPD_MAIL,
	  "a@b.example", NULL },
	{ "MAIL FROM:<a@b.example> AUTH=<>", SMTPD_MAIL, "a@b.example", NULL },
	{ "RCPT TO:<root>", SMTPD_RCPT, "root", NULL },
	{ "RCPT TO:<c@d.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;c@d",
	  SMTPD_RCPT, "c@d.example", NULL },
	{ "RCPT TO:<c@d.example> NOTIFY=NEVER", SMTPD_RCPT, "c@d.example",
	  NULL },
	{ "DATA", SMTPD_DATA, NULL, "" },
	{ "RSET", SMTPD_RSET, NULL, NULL },
	{ "NOOP whatever", SMTPD_NOOP, NULL, "whatever" },
	{ "VRFY root", SMTPD_VRFY, NULL, "root" },
	{ "QUIT", SMTPD_QUIT, NULL, NULL },
	{ "HELP", SMTPD_HELP, NULL, NULL },
	{ "STARTTLS", SMTPD_STARTTLS, NULL, NULL },
	{ "EXPN list", SMTPD_EXPN, NULL, NULL },
	/* fuzz_smtpd (issue 8): '>' inside a domain literal (RFC 5321
	 * dcontent) is not the end of the path, so what -bs accepts
	 * without brackets also parses inside them */
	{ "RCPT TO:ster@[192.0.1.>2]", SMTPD_RCPT, "ster@[192.0.1.>2]",
	  NULL },
	{ "RCPT TO:<ster@[192.0.1.>2]>", SMTPD_RCPT, "ster@[192.0.1.>2]",
	  NULL },
	{ "MAIL FROM:<a@[tag:>x]> SIZE=1", SMTPD_MAIL, "a@[tag:>x]", NULL },
};

static const struct {
	const char	*line;
	int		 code;
	const char	*text;		/* in err */
} bad[] = {
	{ "", 500, "not recognized" },
	{ "FOO bar", 500, "not recognized" },
	{ "MAILFROM:<a@b>", 500, "not recognized" },
	{ "MAIL TO:<a@b>", 501, "MAIL FROM" },
	{ "MAIL FROM:", 501, "missing address" },
	{ "MAIL FROM:<a@b", 501, "missing '>'" },
	{ "MAIL FROM:<a@[1.2.3.4>", 501, "missing '>'" },
	{ "MAIL FROM:<a@b>x", 501, "text after" },
	{ "MAIL FROM:<a b c@d>", 501, "bad address" },
	{ "MAIL FROM:<a@b> SIZE=12x", 555, "SIZE=12x" },
	{ "MAIL FROM:<a@b> SIZE=99999999999999999999999", 555, "SIZE" },
	{ "MAIL FROM:<a@b> BODY=BINARYMIME", 555, "BODY" },
	{ "MAIL FROM:<a@b> XYZZY", 555, "XYZZY" },
	{ "MAIL FROM:<a@b> ENVID=a+0Ab", 555, "ENVID" },
	{ "MAIL FROM:<a@b> ENVID=a+zz", 555, "ENVID" },
	{ "MAIL FROM:<a@b> NOTIFY=NEVER", 555, "NOTIFY" },
	{ "RCPT TO:<>", 501, "not a recipient" },
	{ "RCPT TO:<c@d> NOTIFY=NEVER,SUCCESS", 555, "NOTIFY" },
	{ "RCPT TO:<c@d> NOTIFY=SOMETIMES", 555, "NOTIFY" },
	{ "RCPT TO:<c@d> SIZE=1", 555, "SIZE" },
	{ "RCPT FROM:<c@d>", 501, "RCPT TO" },
	{ "EHLO a\rb", 500, "bad character" },
};

START_TEST(parses_good)
{
	struct smtpd_cmd c;
	char err[256];
	int code;

	code = smtpd_parse(good[_i].line, strlen(good[_i].line), &c, err,
	    sizeof(err));
	ck_assert_msg(code == 0, "%s: got %d %s, want 0", good[_i].line, code,
	    err);
	ck_assert_msg(c.verb == good[_i].verb, "%s: got verb %d, want %d",
	    good[_i].line, c.verb, good[_i].verb);
	if (good[_i].path != NULL)
		ck_assert_msg(strcmp(c.path, good[_i].path) == 0,
		    "%s: got path [%s], want [%s]", good[_i].line, c.path,
		    good[_i].path);
	if (good[_i].arg != NULL)
		ck_assert_msg(strcmp(c.arg, good[_i].arg) == 0,
		    "%s: got arg [%s], want [%s]", good[_i].line, c.arg,
		    good[_i].arg);
}
END_TEST

START_TEST(rejects_bad)
{
	struct smtpd_cmd c;
	char err[256];
	int code;

	code = smtpd_parse(bad[_i].line, strlen(bad[_i].line), &c, err,
	    sizeof(err));
	ck_assert_msg(code == bad[_i].code, "%s: got %d, want %d",
	    bad[_i].line, code, bad[_i].code);
	ck_assert_msg(strstr(err, bad[_i].text) != NULL,
	    "%s: got \"%s\", want \"%s\" in it", bad[_i].line, err,
	    bad[_i].text);
}
END_TEST

START_TEST(parameters)
{
	struct smtpd_cmd c;
	char err[256];
	const char *l;

	l = "MAIL FROM:<a@b> SIZE=1234 BODY=8BITMIME SMTPUTF8 RET=FULL "
	    "ENVID=QQ+2BZ";
	ck_assert_int_eq(smtpd_parse(l, strlen(l), &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.size, 1234);
	ck_assert_int_eq(c.body, BODY_8BITMIME);
	ck_assert_int_eq(c.smtputf8, 1);
	ck_assert_int_eq(c.ret, DSN_RET_FULL);
	ck_assert_str_eq(c.envid, "QQ+Z");
	l = "MAIL FROM:<a@b>";
	ck_assert_int_eq(smtpd_parse(l, strlen(l), &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.size, -1);
	ck_assert_int_eq(c.body, BODY_UNSET);
	l = "RCPT TO:<c@d> NOTIFY=failure,DELAY";
	ck_assert_int_eq(smtpd_parse(l, strlen(l), &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.notify, DSN_NOTIFY_FAILURE | DSN_NOTIFY_DELAY);
}
END_TEST

START_TEST(nul_and_long)
{
	static const char nul[] = "MAIL FROM:<a\0@b>";
	struct smtpd_cmd c;
	char err[256], *big;
	int code;

	code = smtpd_parse(nul, sizeof(nul) - 1, &c, err, sizeof(err));
	ck_assert_int_eq(code, 500);
	big = xmalloc(SMTPD_LINE_MAX + 10);
	memset(big, 'a', SMTPD_LINE_MAX + 10);
	memcpy(big, "NOOP ", 5);
	ck_assert_int_eq(smtpd_parse(big, SMTPD_LINE_MAX + 1, &c, err,
	    sizeof(err)), 500);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
	ck_assert_int_eq(smtpd_parse(big, SMTPD_LINE_MAX, &c, err,
	    sizeof(err)), 0);
	/* an address over the RFC 5321 limit */
	memcpy(big, "MAIL FROM:<", 11);
	memcpy(big + 400, "@x>", 3);
	ck_assert_int_eq(smtpd_parse(big, 403, &c, err, sizeof(err)), 501);
	free(big);
	/* a tiny error buffer is still NUL-terminated */
	code = smtpd_parse("FOO", 3, &c, err, 4);
	ck_assert_int_eq(code, 500);
	ck_assert_uint_le(strlen(err), 3);
}
END_TEST

static Suite *
smtpd_suite(void)
{
	Suite *s = suite_create("smtpd");
	TCase *tc = tcase_create("parser");

	tcase_add_loop_test(tc, parses_good, 0,
	    (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, rejects_bad, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, parameters);
	tcase_add_test(tc, nul_and_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(smtpd_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
