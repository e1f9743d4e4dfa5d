/*
 * test_base.c - buf, util, diag and envelope.
 */
#include "compat.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "diag.h"
#include "envelope.h"
#include "util.h"

START_TEST(buf_grows_and_terminates)
{
	struct buf b;

	buf_init(&b, 100);
	ck_assert_str_eq(buf_str(&b), "");
	ck_assert_int_eq(buf_addstr(&b, "hello"), 0);
	ck_assert_int_eq(buf_printf(&b, " %d", 42), 0);
	ck_assert_uint_eq(b.len, 8);
	ck_assert_str_eq(buf_str(&b), "hello 42");
	buf_consume(&b, 6);
	ck_assert_str_eq(buf_str(&b), "42");
	buf_free(&b);
}
END_TEST

START_TEST(buf_refuses_past_max_and_frees)
{
	struct buf b;
	char big[64];

	memset(big, 'x', sizeof(big));
	buf_init(&b, 10);
	ck_assert_int_eq(buf_add(&b, big, 10), 0);
	ck_assert_int_eq(buf_addc(&b, 'y'), -1);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_null(b.data);
	/* exactly max is fine; max + 1 is not, even in one step */
	ck_assert_int_eq(buf_add(&b, big, 11), -1);
	ck_assert_int_eq(buf_printf(&b, "%s", "0123456789A"), -1);
	buf_free(&b);
}
END_TEST

START_TEST(buf_holds_nul_bytes)
{
	struct buf b;

	buf_init(&b, 100);
	ck_assert_int_eq(buf_add(&b, "a\0b", 3), 0);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(memcmp(b.data, "a\0b", 4), 0);
	buf_free_secret(&b);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(util_strings)
{
	char s[] = " \t trim me \t";

	char *p;

	ck_assert_str_eq(str_trim(s), "trim me");
	/* xstrndup stops at a NUL: never reads past a shorter string */
	p = xstrndup("ab\0cd", 5);
	ck_assert_str_eq(p, "ab");
	free(p);
	p = xstrndup("abcdef", 3);
	ck_assert_str_eq(p, "abc");
	free(p);
	ck_assert_int_eq(ascii_strcasecmp("Example.COM", "example.com"), 0);
	ck_assert_int_ne(ascii_strcasecmp("a", "b"), 0);
	ck_assert_int_eq(has_crlf_nul("abc", 3), 0);
	ck_assert_int_eq(has_crlf_nul("a\nc", 3), 1);
	ck_assert_int_eq(has_crlf_nul("a\rc", 3), 1);
	ck_assert_int_eq(has_crlf_nul("a\0c", 3), 1);
}
END_TEST

/* Reply classification by stage: the table behind the exit codes. */
static const struct {
	enum smtp_stage	 stage;
	int		 code;
	const char	*enh;
	enum outcome	 want;
	int		 want_exit;
} classify_cases[] = {
	{ STAGE_GREETING, 421, "",      OUTCOME_TEMPFAIL, EX_TEMPFAIL },
	{ STAGE_GREETING, 554, "",      OUTCOME_TEMPFAIL, EX_TEMPFAIL },
	{ STAGE_EHLO,     550, "",      OUTCOME_TEMPFAIL, EX_TEMPFAIL },
	{ STAGE_AUTH,     535, "5.7.8", OUTCOME_TEMPFAIL, EX_TEMPFAIL },
	{ STAGE_MAIL,     451, "4.3.0", OUTCOME_TEMPFAIL, EX_TEMPFAIL },
	{ STAGE_MAIL,     553, "5.1.8", OUTCOME_PERMFAIL, EX_UNAVAILABLE },
	{ STAGE_RCPT,     550, "5.1.1", OUTCOME_PERMFAIL, EX_NOUSER },
	{ STAGE_RCPT,     550, "5.1.2", OUTCOME_PERMFAIL, EX_NOHOST },
	{ STAGE_RCPT,     452, "4.5.3", OUTCOME_TEMPFAIL, EX_TEMPFAIL },
	{ STAGE_DATA,     554, "5.5.1", OUTCOME_PERMFAIL, EX_UNAVAILABLE },
	{ STAGE_BODY,     552, "5.3.4", OUTCOME_PERMFAIL, EX_DATAERR },
	{ STAGE_BODY,     552, "",      OUTCOME_PERMFAIL, EX_DATAERR },
	{ STAGE_BODY,     552, "5.2.3", OUTCOME_PERMFAIL, EX_DATAERR },
	{ STAGE_RCPT,     552, "5.2.2", OUTCOME_PERMFAIL, EX_UNAVAILABLE },
	{ STAGE_BODY,     554, "5.7.1", OUTCOME_PERMFAIL, EX_UNAVAILABLE },
	{ STAGE_BODY,     250, "2.0.0", OUTCOME_OK,       0 },
};

/* RFC 5322 dates: the zone's offset, no locale, no leading zero day. */
static const struct {
	const char	*tz;
	time_t		 t;
	const char	*want;
} dates[] = {
	{ "UTC0", 1057049557, "Tue, 1 Jul 2003 08:52:37 +0000" },
	{ "CET-1CEST,M3.5.0,M10.5.0/3", 1057049557,
	  "Tue, 1 Jul 2003 10:52:37 +0200" },
	{ "CET-1CEST,M3.5.0,M10.5.0/3", 1733000000,
	  "Sat, 30 Nov 2024 21:53:20 +0100" },
	{ "EST5", 0, "Wed, 31 Dec 1969 19:00:00 -0500" },
	{ "<+0530>-5:30", 951782400, "Tue, 29 Feb 2000 05:30:00 +0530" },
};

START_TEST(util_dates)
{
	char out[64];
	char *old = getenv("TZ") != NULL ? xstrdup(getenv("TZ")) : NULL;

	ck_assert_int_eq(setenv("TZ", dates[_i].tz, 1), 0);
	tzset();
	util_rfc5322_date(dates[_i].t, out, sizeof(out));
	ck_assert_str_eq(out, dates[_i].want);
	if (old != NULL)
		(void)setenv("TZ", old, 1);
	else
		(void)unsetenv("TZ");
	tzset();
	free(old);
	ck_assert_str_eq(util_day_name(7), "Sun");
	ck_assert_str_eq(util_month_name(11), "Dec");
}
END_TEST

START_TEST(diag_classifies_replies)
{
	struct diag d;
	int i = _i;

	diag_smtp(&d, classify_cases[i].stage, classify_cases[i].code,
	    classify_cases[i].enh, "text", "mx.example");
	ck_assert_msg(d.outcome == classify_cases[i].want,
	    "case %d: got outcome %d, want %d", i, d.outcome,
	    classify_cases[i].want);
	ck_assert_msg(d.exitcode == classify_cases[i].want_exit,
	    "case %d: got exit %d, want %d", i, d.exitcode,
	    classify_cases[i].want_exit);
	ck_assert_ptr_nonnull(strstr(d.text, "mx.example"));
}
END_TEST

START_TEST(diag_set_is_one_line)
{
	struct diag d;

	ck_assert_int_eq(diag_set(&d, EX_USAGE, "bad\r\nflag %s", "-x"), -1);
	ck_assert_str_eq(d.text, "bad  flag -x");
	ck_assert_int_eq(d.exitcode, EX_USAGE);
	ck_assert_int_eq(d.outcome, OUTCOME_PERMFAIL);
	diag_temp(&d, STAGE_CONNECT, "down");
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
}
END_TEST

static const struct {
	const char	*text;
	const char	*want;
} enh_cases[] = {
	{ "5.1.1 User unknown", "5.1.1" },
	{ "4.7.0 Try later", "4.7.0" },
	{ "2.0.0", "2.0.0" },
	{ "5.123.456 long parts", "5.123.456" },
	{ "5.1234.1 subject too long", "" },
	{ "55.1.1 class too long", "" },
	{ "6.1.1 bad class", "" },
	{ "5.1 two parts", "" },
	{ "5.1.1x glued", "" },
	{ "5..1 empty", "" },
	{ "User unknown", "" },
	{ "", "" },
};

START_TEST(diag_extracts_enhanced_codes)
{
	char out[16];
	int i = _i;

	diag_enh_of_text(enh_cases[i].text, out, sizeof(out));
	ck_assert_msg(strcmp(out, enh_cases[i].want) == 0,
	    "\"%s\": got \"%s\", want \"%s\"", enh_cases[i].text, out,
	    enh_cases[i].want);
	diag_enh_of_text(NULL, out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(envelope_dedupes_by_domain_case)
{
	struct envelope env;
	struct diag d;

	envelope_init(&env);
	ck_assert_int_eq(envelope_add_rcpt(&env, "Root@Example.com", &d), 1);
	ck_assert_int_eq(envelope_add_rcpt(&env, "Root@example.COM", &d), 0);
	/* local parts are case-sensitive (RFC 5321 2.4) */
	ck_assert_int_eq(envelope_add_rcpt(&env, "root@example.com", &d), 1);
	ck_assert_int_eq(envelope_add_rcpt(&env, "root", &d), 1);
	ck_assert_uint_eq(env.nrcpts, 3);
	ck_assert_uint_eq(envelope_remove_rcpt(&env, "root@EXAMPLE.com"), 1);
	ck_assert_uint_eq(env.nrcpts, 2);
	ck_assert_str_eq(env.rcpts[1].addr, "root");
	envelope_rcpt_set(&env.rcpts[0], RCPT_PERMFAIL, 550, "no such user");
	ck_assert_uint_eq(envelope_count(&env, RCPT_PERMFAIL), 1);
	ck_assert_uint_eq(envelope_count(&env, RCPT_PENDING), 1);
	envelope_free(&env);
	ck_assert_uint_eq(env.nrcpts, 0);
}
END_TEST

static Suite *
base_suite(void)
{
	Suite *s = suite_create("base");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, buf_grows_and_terminates);
	tcase_add_test(tc, buf_refuses_past_max_and_frees);
	tcase_add_test(tc, buf_holds_nul_bytes);
	tcase_add_test(tc, util_strings);
	tcase_add_loop_test(tc, util_dates, 0,
	    (int)(sizeof(dates) / sizeof(dates[0])));
	tcase_add_loop_test(tc, diag_classifies_replies, 0,
	    (int)(sizeof(classify_cases) / sizeof(classify_cases[0])));
	tcase_add_test(tc, diag_set_is_one_line);
	tcase_add_loop_test(tc, diag_extracts_enhanced_codes, 0,
	    (int)(sizeof(enh_cases) / sizeof(enh_cases[0])));
	tcase_add_test(tc, envelope_dedupes_by_domain_case);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(base_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
