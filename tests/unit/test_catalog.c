/*
 * test_catalog.c - the error catalogue (lookup by class, stage, code,
 * enhanced code and words), diag_advise, the --check JSON escaper, the
 * TXT RDATA joiner and the log's key=value quoting.
 */
#include "compat.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "buf.h"
#include "catalog.h"
#include "deliver.h"
#include "diag.h"
#include "dnstxt.h"
#include "selfcheck.h"

/* ------------------------------------------------ lookup */

static const struct {
	enum smtp_stage	 stage;
	int		 code;
	const char	*enh;
	const char	*reply;
	const char	*want;		/* entry id, NULL = no entry */
} smtp_cases[] = {
	{ STAGE_RCPT, 550, "5.1.1", "User unknown", "smtp-x.1.1" },
	{ STAGE_RCPT, 550, "5.1.10", "null MX", "smtp-x.1.10" },
	{ STAGE_RCPT, 550, "5.1.2", "Host unknown", "smtp-x.1.2" },
	{ STAGE_MAIL, 553, "5.1.8", "Sender domain unknown", "smtp-x.1.8" },
	{ STAGE_RCPT, 450, "4.2.2", "Mailbox full", "smtp-4.2.2" },
	{ STAGE_RCPT, 552, "5.2.2", "Mailbox full", "smtp-5.2.2" },
	{ STAGE_BODY, 552, "5.3.4", "Message too big", "smtp-552" },
	{ STAGE_BODY, 554, "5.3.4", "Message too big", "smtp-x.3.4" },
	{ STAGE_GREETING, 421, "4.7.0", "Too many connections",
	    "smtp-kw-rate" },
	{ STAGE_MAIL, 451, "4.7.1", "Rate limit exceeded", "smtp-kw-rate" },
	{ STAGE_GREETING, 421, "4.3.2", "Service not available",
	    "smtp-421" },
	{ STAGE_RCPT, 450, "4.7.1", "Greylisted, see http://x",
	    "smtp-kw-greylist" },
	{ STAGE_RCPT, 450, "4.2.1", "Mailbox busy", "smtp-450" },
	{ STAGE_BODY, 451, "4.3.0", "Local error in processing",
	    "smtp-451" },
	{ STAGE_RCPT, 452, "4.5.3", "Too many recipients",
	    "smtp-452-rcpts" },
	{ STAGE_BODY, 452, "4.3.1", "Insufficient system storage",
	    "smtp-452" },
	{ STAGE_MAIL, 530, "5.7.0", "Authentication required", "smtp-530" },
	{ STAGE_MAIL, 550, "5.7.0", "Authentication required",
	    "smtp-x.7.0-auth" },
	{ STAGE_AUTH, 534, "5.7.9", "Application-specific password "
	    "required", "smtp-534" },
	{ STAGE_AUTH, 535, "5.7.8", "Authentication credentials invalid",
	    "smtp-535" },
	{ STAGE_AUTH, 535, NULL, "bad", "smtp-535" },
	{ STAGE_AUTH, 538, "5.7.11", "Encryption required", "smtp-538" },
	{ STAGE_AUTH, 454, "4.7.0", "Temporary authentication failure",
	    "smtp-auth-454" },
	{ STAGE_AUTH, 504, "5.5.4", "Unrecognized authentication type",
	    "smtp-auth-504" },
	{ STAGE_RCPT, 550, "5.7.1", "Relay access denied", "smtp-kw-relay" },
	{ STAGE_RCPT, 554, "5.7.1", "<x>: Relay access denied",
	    "smtp-kw-relay" },
	{ STAGE_BODY, 554, "5.7.1", "Message rejected as spam",
	    "smtp-kw-spam" },
	{ STAGE_BODY, 550, "5.7.26", "Unauthenticated email from x is not "
	    "accepted due to domain's DMARC policy", "smtp-x.7.26" },
	{ STAGE_BODY, 550, "5.7.1", "rejected: DMARC policy", "smtp-kw-dmarc" },
	{ STAGE_RCPT, 550, "5.7.23", "SPF validation failed",
	    "smtp-x.7.23" },
	{ STAGE_RCPT, 550, "5.7.1", "SPF check failed", "smtp-kw-spf" },
	{ STAGE_BODY, 550, "5.7.20", "No passing DKIM signature",
	    "smtp-x.7.20" },
	{ STAGE_RCPT, 554, "5.7.1", "Service unavailable; Client host "
	    "blocked using zen.spamhaus.org", "smtp-kw-reputation" },
	{ STAGE_MAIL, 550, "5.7.1", "Sender address rejected: not owned by "
	    "user x", "smtp-kw-sender" },
	{ STAGE_RCPT, 550, "5.7.1", "Rejected by policy", "smtp-5.7.1" },
	{ STAGE_RCPT, 550, "5.7.1", NULL, "smtp-5.7.1" },
	{ STAGE_BODY, 554, "5.7.5", "Cryptographic failure", "smtp-5.7.x" },
	{ STAGE_BODY, 554, NULL, "Transaction failed", "smtp-554" },
	{ STAGE_GREETING, 554, "5.3.2", "No SMTP service here",
	    "smtp-greeting-5xx" },
	{ STAGE_EHLO, 550, NULL, "Bad HELO", "smtp-ehlo-5xx" },
	{ STAGE_RCPT, 553, "5.1.3", "Bad address syntax", "smtp-553" },
	{ STAGE_MAIL, 550, NULL, NULL, "smtp-550" },
	{ STAGE_MAIL, 555, "5.5.4", "Unsupported option", "smtp-5xx" },
	{ STAGE_DATA, 499, NULL, "odd", "smtp-4xx" },
	{ STAGE_RCPT, 250, NULL, "OK", NULL },
	{ STAGE_RCPT, 354, NULL, "go on", NULL },
	{ STAGE_RCPT, 600, NULL, "?", NULL },
	{ STAGE_RCPT, 0, NULL, NULL, NULL },
};

START_TEST(lookup_smtp)
{
	const struct catalog_entry *e;

	e = catalog_lookup(DC_SMTP, smtp_cases[_i].stage, smtp_cases[_i].code,
	    smtp_cases[_i].enh, smtp_cases[_i].reply);
	if (smtp_cases[_i].want == NULL) {
		ck_assert_msg(e == NULL, "case %d (%d %s): got %s, want none",
		    _i, smtp_cases[_i].code, smtp_cases[_i].reply, e != NULL ?
		    e->id : "");
		return;
	}
	ck_assert_msg(e != NULL && strcmp(e->id, smtp_cases[_i].want) == 0,
	    "case %d (%d %s %s): got %s, want %s", _i, smtp_cases[_i].code,
	    smtp_cases[_i].enh != NULL ? smtp_cases[_i].enh : "-",
	    smtp_cases[_i].reply != NULL ? smtp_cases[_i].reply : "-",
	    e != NULL ? e->id : "none", smtp_cases[_i].want);
}
END_TEST

/* Every class has one entry; every entry is one printable line. */
START_TEST(table_sane)
{
	const struct catalog_entry *t, *e;
	size_t n, i, j;
	const char *p;
	int c;

	t = catalog_table(&n);
	ck_assert_uint_gt(n, 40);
	for (i = 0; i < n; i++) {
		ck_assert_msg(t[i].id != NULL && t[i].text != NULL &&
		    t[i].text[0] != '\0', "entry %zu is empty", i);
		ck_assert_msg(strlen(t[i].text) < DIAG_TEXT_MAX / 2,
		    "%s: text of %zu bytes", t[i].id, strlen(t[i].text));
		for (p = t[i].text; *p != '\0'; p++)
			ck_assert_msg(*p >= 0x20 && *p < 0x7f, "%s: byte 0x%02x",
			    t[i].id, (unsigned char)*p);
		for (j = i + 1; j < n; j++)
			ck_assert_msg(strcmp(t[i].id, t[j].id) != 0,
			    "id %s twice", t[i].id);
	}
	for (c = DC_CONFIG; c < DC_SMTP; c++) {
		e = catalog_lookup((enum diag_class)c, 0, 0, NULL, NULL);
		ck_assert_msg(e != NULL && e->cls == (enum diag_class)c,
		    "class %d: no entry", c);
		ck_assert_str_eq(catalog_text((enum diag_class)c), e->text);
	}
	ck_assert_ptr_null(catalog_lookup(DC_NONE, 0, 0, NULL, NULL));
	ck_assert_ptr_null(catalog_lookup(DC_COUNT, 0, 0, NULL, NULL));
	ck_assert_str_eq(catalog_text(DC_SMTP), "");
	ck_assert_str_eq(catalog_text(DC_NONE), "");
}
END_TEST

/* ------------------------------------------------ diag_advise */

START_TEST(advise_appends_and_replaces)
{
	struct diag d;
	const char *refused = catalog_text(DC_CONN_REFUSED);

	(void)diag_temp(&d, STAGE_CONNECT, "cannot connect to h port 1: x");
	ck_assert_int_eq(diag_advise(&d, DC_CONN_REFUSED, NULL), -1);
	ck_assert_int_eq(d.cls, DC_CONN_REFUSED);
	ck_assert_str_eq(d.cat_id, "conn-refused");
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_msg(strncmp(d.text, "cannot connect to h port 1: x; ",
	    31) == 0 && strcmp(d.text + 31, refused) == 0, "got \"%s\"",
	    d.text);
	/* a second verdict replaces the first advice, keeps the facts */
	(void)diag_advise(&d, DC_CONN_TIMEOUT, NULL);
	ck_assert_msg(strncmp(d.text, "cannot connect to h port 1: x; ",
	    31) == 0 && strcmp(d.text + 31,
	    catalog_text(DC_CONN_TIMEOUT)) == 0, "got \"%s\"", d.text);
	ck_assert_ptr_null(strstr(d.text, refused));
	/* no entry: classified, text unchanged */
	(void)diag_advise(&d, DC_NONE, NULL);
	ck_assert_str_eq(d.text, "cannot connect to h port 1: x");
	ck_assert_ptr_null(d.cat_id);
}
END_TEST

START_TEST(advise_keeps_advice_of_long_facts)
{
	struct diag d;
	char facts[3000];
	size_t len;

	memset(facts, 'f', sizeof(facts) - 1);
	facts[sizeof(facts) - 1] = '\0';
	(void)diag_smtp(&d, STAGE_RCPT, 550, "5.1.1", facts, "mx");
	len = strlen(d.text);
	ck_assert_uint_lt(len, sizeof(d.text));
	ck_assert_str_eq(d.cat_id, "smtp-x.1.1");
	ck_assert_msg(strstr(d.text, "...; the recipient's mailbox does not "
	    "exist") != NULL, "got \"%.80s...%s\"", d.text, d.text + len -
	    60);
	ck_assert_str_eq(d.text + len - strlen("check the address for "
	    "typos"), "check the address for typos");
	ck_assert_str_eq(d.enh, "5.1.1");
	ck_assert_msg(strncmp(d.reply, "550 5.1.1 fff", 13) == 0, "reply "
	    "\"%.40s\"", d.reply);
	ck_assert_int_eq(d.exitcode, EX_NOUSER);
}
END_TEST

START_TEST(smtp_530_is_temporary)
{
	struct diag d;

	(void)diag_smtp(&d, STAGE_MAIL, 530, "5.7.0", "Authentication "
	    "required", "mx");
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_msg(strstr(d.text, "set \"user\"") != NULL, "got \"%s\"",
	    d.text);
	(void)diag_smtp(&d, STAGE_MAIL, 550, "5.7.1", "no", "mx");
	ck_assert_int_eq(d.outcome, OUTCOME_PERMFAIL);
}
END_TEST

START_TEST(reply_advice)
{
	ck_assert_str_eq(diag_reply_advice(550, "5.1.1 User unknown"),
	    catalog_lookup(DC_SMTP, 0, 550, "5.1.1", NULL)->text);
	ck_assert_str_eq(diag_reply_advice(552, "5.2.2 Mailbox full"),
	    catalog_lookup(DC_SMTP, 0, 552, "5.2.2", NULL)->text);
	/* stage-specific entries do not apply without a stage */
	ck_assert_str_eq(diag_reply_advice(554, "No SMTP service"),
	    catalog_lookup(DC_SMTP, 0, 554, NULL, NULL)->text);
	ck_assert_ptr_null(diag_reply_advice(250, "2.0.0 Ok"));
	ck_assert_ptr_null(diag_reply_advice(0, "local trouble"));
	ck_assert_ptr_nonnull(diag_reply_advice(550, NULL));
}
END_TEST

/* ------------------------------------------------ JSON */

static const struct {
	const char	*in;
	const char	*want;
} json_cases[] = {
	{ "", "\"\"" },
	{ "plain text", "\"plain text\"" },
	{ "a\"b\\c/d", "\"a\\\"b\\\\c/d\"" },
	{ "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
	{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
	{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
	{ "\xe2\x82\xac \xf0\x9f\x98\x80", "\"\xe2\x82\xac \xf0\x9f\x98\x80\"" },
	{ "\xff", "\"\\ufffd\"" },
	{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },		/* overlong '/' */
	{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate */
	{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },		/* cut short */
	{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "a\xc3", "\"a\\ufffd\"" },
};

START_TEST(json_escape)
{
	struct buf b;

	buf_init(&b, 1024);
	ck_assert_int_eq(selfcheck_json_escape(&b, json_cases[_i].in), 0);
	ck_assert_msg(strcmp(buf_str(&b), json_cases[_i].want) == 0,
	    "case %d: got %s, want %s", _i, buf_str(&b), json_cases[_i].want);
	buf_free(&b);
}
END_TEST

START_TEST(json_escape_limits)
{
	struct buf b;
	char big[600];

	buf_init(&b, 16);
	ck_assert_int_eq(selfcheck_json_escape(&b, NULL), 0);
	ck_assert_str_eq(buf_str(&b), "\"\"");
	buf_free(&b);
	/* a full buffer fails, never a cut string */
	memset(big, '\n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b, 1000);
	ck_assert_int_eq(selfcheck_json_escape(&b, big), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

/* ------------------------------------------------ TXT RDATA */

static const struct {
	const char	*rdata;
	size_t		 len;
	int		 rc;
	const char	*want;
} txt_cases[] = {
	{ "\x06v=spf1", 7, 0, "v=spf1" },
	{ "\x03v=s\x03pf1", 8, 0, "v=spf1" },
	{ "", 0, 0, "" },
	{ "\x00", 1, 0, "" },
	{ "\x03" "a\x00" "b", 4, 0, "a?b" },
	{ "\x02" "\x01\xff", 3, 0, "??" },
	{ "\x07v=spf1", 7, -1, "" },		/* runs past the end */
	{ "\x01" "a\x05" "bc", 5, -1, "" },
};

START_TEST(txt_join)
{
	char out[64];

	ck_assert_int_eq(dnstxt_join((const unsigned char *)
	    txt_cases[_i].rdata, txt_cases[_i].len, out, sizeof(out)),
	    txt_cases[_i].rc);
	ck_assert_msg(strcmp(out, txt_cases[_i].want) == 0, "case %d: got "
	    "\"%s\", want \"%s\"", _i, out, txt_cases[_i].want);
}
END_TEST

START_TEST(txt_join_small)
{
	char out[4];

	ck_assert_int_eq(dnstxt_join((const unsigned char *)"\x04" "abcd",
	    5, out, sizeof(out)), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(dnstxt_join((const unsigned char *)"\x03" "abc", 4,
	    out, sizeof(out)), 0);
	ck_assert_str_eq(out, "abc");
	ck_assert_int_eq(dnstxt_join((const unsigned char *)"", 0, out, 0),
	    -1);
}
END_TEST

/* ------------------------------------------------ log values */

static const struct {
	const char	*in;
	const char	*want;
} logval_cases[] = {
	{ "abc", "abc" },
	{ "<a@b.example>", "<a@b.example>" },
	{ "", "\"\"" },
	{ NULL, "\"\"" },
	{ "a b", "\"a b\"" },
	{ "k=v", "\"k=v\"" },
	{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "back\\slash", "\"back\\\\slash\"" },
	{ "cr\rlf\n", "\"cr?lf?\"" },
	{ "tab\there", "\"tab?here\"" },
};

START_TEST(log_value)
{
	struct buf b;

	buf_init(&b, 256);
	ck_assert_int_eq(deliver_log_value(&b, logval_cases[_i].in), 0);
	ck_assert_msg(strcmp(buf_str(&b), logval_cases[_i].want) == 0,
	    "case %d: got %s, want %s", _i, buf_str(&b),
	    logval_cases[_i].want);
	buf_free(&b);
}
END_TEST

static Suite *
catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("catalog");

	tcase_add_loop_test(tc, lookup_smtp, 0,
	    (int)(sizeof(smtp_cases) / sizeof(smtp_cases[0])));
	tcase_add_test(tc, table_sane);
	tcase_add_test(tc, advise_appends_and_replaces);
	tcase_add_test(tc, advise_keeps_advice_of_long_facts);
	tcase_add_test(tc, smtp_530_is_temporary);
	tcase_add_test(tc, reply_advice);
	tcase_add_loop_test(tc, json_escape, 0,
	    (int)(sizeof(json_cases) / sizeof(json_cases[0])));
	tcase_add_test(tc, json_escape_limits);
	tcase_add_loop_test(tc, txt_join, 0,
	    (int)(sizeof(txt_cases) / sizeof(txt_cases[0])));
	tcase_add_test(tc, txt_join_small);
	tcase_add_loop_test(tc, log_value, 0,
	    (int)(sizeof(logval_cases) / sizeof(logval_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(catalog_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
