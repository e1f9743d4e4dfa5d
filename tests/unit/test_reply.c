/*
 * test_reply.c - the SMTP reply parser and the EHLO capability parser.
 */
#include "compat.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "reply.h"

#define NLINES	4

/* Replies that parse: the lines, then what the parser must report. */
static const struct {
	const char	*lines[NLINES];
	int		 code;
	const char	*enh;
	const char	*text;
} good[] = {
	{ { "250 OK" }, 250, "", "OK" },
	{ { "250" }, 250, "", "" },
	{ { "250 " }, 250, "", "" },
	{ { "200 lowest" }, 200, "", "lowest" },
	{ { "599 highest" }, 599, "", "highest" },
	{ { "250-first", "250-second", "250 last" }, 250, "",
	    "first second last" },
	{ { "250-", "250 x" }, 250, "", "x" },
	{ { "250-mx.example", "250-PIPELINING", "250" }, 250, "",
	    "mx.example PIPELINING" },
	{ { "550 5.1.1 User unknown" }, 550, "5.1.1", "User unknown" },
	{ { "550-5.1.1 first", "550 5.1.1 second" }, 550, "5.1.1",
	    "first second" },
	{ { "250 2.0.0" }, 250, "2.0.0", "" },
	{ { "451 4.123.456 long parts" }, 451, "4.123.456", "long parts" },
	/* the class must match the reply's first digit */
	{ { "550 4.1.1 mismatched class" }, 550, "", "4.1.1 mismatched class" },
	{ { "250 5.0.0 mismatched class" }, 250, "", "5.0.0 mismatched class" },
	/* 3 is no RFC 3463 class */
	{ { "354 3.0.0 go ahead" }, 354, "", "3.0.0 go ahead" },
	{ { "250 2.1.5x glued" }, 250, "", "2.1.5x glued" },
	{ { "250 2.1234.5 subject too long" }, 250, "",
	    "2.1234.5 subject too long" },
	{ { "250 2..5 empty subject" }, 250, "", "2..5 empty subject" },
	{ { "250 2.1 two parts" }, 250, "", "2.1 two parts" },
	/* a different code on a later line is kept as text */
	{ { "550-5.1.1 a", "550 5.7.1 b" }, 550, "5.1.1", "a 5.7.1 b" },
	/* display safety: controls and 8-bit shown as '?', tab kept */
	{ { "421 bad\x01\x1b[31mred\x7f" }, 421, "", "bad??[31mred?" },
	{ { "250 caf\xc3\xa9" }, 250, "", "caf??" },
	{ { "250 tab\there" }, 250, "", "tab\there" },
	{ { "250 cr\rinside" }, 250, "", "cr?inside" },
};

START_TEST(reply_parses_valid)
{
	struct reply r;
	enum reply_status st = REPLY_ERROR;
	size_t n, k;
	int i = _i;

	reply_init(&r);
	for (n = 0; n < NLINES && good[i].lines[n] != NULL; n++) {
		ck_assert_msg(!r.done, "case %d: done before line %zu", i, n);
		st = reply_push(&r, good[i].lines[n],
		    strlen(good[i].lines[n]));
		ck_assert_msg(st != REPLY_ERROR, "case %d line %zu: got "
		    "error \"%s\"", i, n, r.error);
		ck_assert_msg((st == REPLY_DONE) ==
		    (n + 1 == NLINES || good[i].lines[n + 1] == NULL),
		    "case %d line %zu: got status %d", i, n, st);
	}
	ck_assert_int_eq(st, REPLY_DONE);
	ck_assert_msg(r.code == good[i].code, "case %d: got code %d, want %d",
	    i, r.code, good[i].code);
	ck_assert_msg(strcmp(r.enh, good[i].enh) == 0, "case %d: got enh "
	    "\"%s\", want \"%s\"", i, r.enh, good[i].enh);
	ck_assert_msg(strcmp(r.text, good[i].text) == 0, "case %d: got text "
	    "\"%s\", want \"%s\"", i, r.text, good[i].text);
	ck_assert_uint_eq(r.textlen, strlen(r.text));
	ck_assert_uint_eq(r.nlines, n);
	/* every line can be walked back */
	{
		const char *line;
		size_t pos = 0, len;

		for (k = 0; reply_next_line(&r, &pos, &line, &len); k++)
			;
		ck_assert_uint_eq(k, n);
	}
	reply_free(&r);
}
END_TEST

/* Replies that must be refused, and at which line. */
static const struct {
	const char	*lines[NLINES];
	size_t		 bad_line;
	const char	*why;		/* substring of r.error */
} bad[] = {
	{ { "199 too low" }, 0, "200-599" },
	{ { "600 too high" }, 0, "200-599" },
	{ { "100 informational" }, 0, "200-599" },
	{ { "2a0 letter" }, 0, "200-599" },
	{ { "25" }, 0, "too short" },
	{ { "" }, 0, "too short" },
	{ { "250x glued" }, 0, "space or '-'" },
	{ { "250\ttab" }, 0, "space or '-'" },
	{ { " 250 leading space" }, 0, "200-599" },
	{ { "-250 x" }, 0, "200-599" },
	{ { "abc" }, 0, "200-599" },
	{ { "250-a", "251 b" }, 1, "different codes" },
	{ { "250-a", "550 b" }, 1, "different codes" },
	{ { "250-a", "garbage" }, 1, "200-599" },
	{ { "250 a", "250 b" }, 1, "after its last line" },
};

START_TEST(reply_refuses_invalid)
{
	struct reply r;
	enum reply_status st = REPLY_MORE;
	size_t n;
	int i = _i;

	reply_init(&r);
	for (n = 0; n < NLINES && bad[i].lines[n] != NULL; n++) {
		st = reply_push(&r, bad[i].lines[n], strlen(bad[i].lines[n]));
		if (n < bad[i].bad_line)
			ck_assert_msg(st != REPLY_ERROR, "case %d: error at "
			    "line %zu, want it at %zu", i, n, bad[i].bad_line);
		else
			break;
	}
	ck_assert_msg(st == REPLY_ERROR, "case %d: got status %d, want error",
	    i, st);
	ck_assert_ptr_nonnull(r.error);
	ck_assert_msg(strstr(r.error, bad[i].why) != NULL, "case %d: got "
	    "\"%s\", want it to mention \"%s\"", i, r.error, bad[i].why);
	/* an errored reply stays errored */
	ck_assert_int_eq(reply_push(&r, "250 ok", 6), REPLY_ERROR);
	reply_free(&r);
}
END_TEST

START_TEST(reply_refuses_nul)
{
	struct reply r;

	reply_init(&r);
	ck_assert_int_eq(reply_push(&r, "250 a\0b", 7), REPLY_ERROR);
	ck_assert_ptr_nonnull(strstr(r.error, "NUL"));
	reply_free(&r);
	/* also in the code itself */
	ck_assert_int_eq(reply_push(&r, "2\0" "0 x", 5), REPLY_ERROR);
	reply_free(&r);
}
END_TEST

START_TEST(reply_line_length_cap)
{
	struct reply r;
	char *line = malloc(REPLY_LINE_MAX + 2);

	ck_assert_ptr_nonnull(line);
	memset(line, 'x', REPLY_LINE_MAX + 1);
	memcpy(line, "250 ", 4);
	reply_init(&r);
	/* exactly at the cap: fine */
	ck_assert_int_eq(reply_push(&r, line, REPLY_LINE_MAX), REPLY_DONE);
	ck_assert_uint_lt(r.textlen, REPLY_TEXT_MAX);
	reply_free(&r);
	/* one byte more: refused */
	ck_assert_int_eq(reply_push(&r, line, REPLY_LINE_MAX + 1),
	    REPLY_ERROR);
	ck_assert_ptr_nonnull(strstr(r.error, "too long"));
	reply_free(&r);
	free(line);
}
END_TEST

START_TEST(reply_line_count_cap)
{
	struct reply r;
	int k;

	reply_init(&r);
	for (k = 0; k < REPLY_LINES_MAX - 1; k++)
		ck_assert_int_eq(reply_push(&r, "250-more", 8), REPLY_MORE);
	ck_assert_int_eq(reply_push(&r, "250 end", 7), REPLY_DONE);
	ck_assert_uint_eq(r.nlines, REPLY_LINES_MAX);
	reply_free(&r);

	for (k = 0; k < REPLY_LINES_MAX; k++)
		ck_assert_int_eq(reply_push(&r, "250-more", 8), REPLY_MORE);
	ck_assert_int_eq(reply_push(&r, "250 end", 7), REPLY_ERROR);
	ck_assert_ptr_nonnull(strstr(r.error, "too many lines"));
	reply_free(&r);
}
END_TEST

/* The joined text is cut with "..." and never overflows. */
START_TEST(reply_text_is_bounded)
{
	struct reply r;
	char *line = malloc(REPLY_LINE_MAX);
	int k;

	ck_assert_ptr_nonnull(line);
	memset(line, 'y', REPLY_LINE_MAX);
	memcpy(line, "550-", 4);
	reply_init(&r);
	for (k = 0; k < 9; k++)
		ck_assert_int_eq(reply_push(&r, line, REPLY_LINE_MAX),
		    REPLY_MORE);
	ck_assert_int_eq(reply_push(&r, "550 end", 7), REPLY_DONE);
	ck_assert_uint_eq(strlen(r.text), r.textlen);
	ck_assert_uint_lt(r.textlen, REPLY_TEXT_MAX);
	ck_assert_str_eq(r.text + r.textlen - 3, "...");
	/* all lines are still there for the EHLO parser */
	ck_assert_uint_eq(r.nlines, 10);
	ck_assert_uint_eq(r.lines.len, 9 * (REPLY_LINE_MAX - 4 + 1) + 4);
	reply_free(&r);
	free(line);
}
END_TEST

START_TEST(reply_summary_leads_with_enh)
{
	struct reply r;
	char out[64];

	reply_init(&r);
	reply_push(&r, "550 5.1.1 <a@b>: unknown", 24);
	reply_summary(&r, out, sizeof(out));
	ck_assert_str_eq(out, "5.1.1 <a@b>: unknown");
	reply_free(&r);
	reply_push(&r, "550 unknown", 11);
	reply_summary(&r, out, sizeof(out));
	ck_assert_str_eq(out, "unknown");
	reply_free(&r);
}
END_TEST

/* ------------------------------------------------ EHLO capabilities */

static void
caps_str(const struct ehlo_caps *c, char *out, size_t size)
{
	(void)snprintf(out, size, "%s%s%s%s%s%s%s%s%s",
	    c->pipelining ? "pipelining " : "",
	    c->eightbitmime ? "8bitmime " : "",
	    c->dsn ? "dsn " : "",
	    c->smtputf8 ? "smtputf8 " : "",
	    c->starttls ? "starttls " : "",
	    c->chunking ? "chunking " : "",
	    c->enhancedstatuscodes ? "esc " : "",
	    c->size ? "size " : "",
	    c->auth ? "auth " : "");
	if (c->size) {
		size_t n = strlen(out);

		(void)snprintf(out + n, size - n, "max=%llu ", c->size_max);
	}
	if (c->auth) {
		size_t n = strlen(out);

		(void)snprintf(out + n, size - n, "[%s]", c->auth_mechs);
	}
}

static const struct {
	const char	*lines[6];
	const char	*want;
} caps_cases[] = {
	{ { "PIPELINING" }, "pipelining " },
	{ { "pipelining" }, "pipelining " },
	{ { "PipeLining  " }, "pipelining " },
	{ { "PIPELININGX" }, "" },
	{ { "X-PIPELINING" }, "" },
	{ { "PIPELINING=yes" }, "" },
	{ { "SIZE 10240000" }, "size max=10240000 " },
	{ { "SIZE" }, "size max=0 " },
	{ { "SIZE 0" }, "size max=0 " },
	{ { "SIZE abc" }, "size max=0 " },
	{ { "SIZE 12x" }, "size max=0 " },
	{ { "SIZE 99999999999999999999999" }, "size max=0 " },
	{ { "SIZE=100" }, "" },
	{ { "8BITMIME", "DSN", "SMTPUTF8" }, "8bitmime dsn smtputf8 " },
	{ { "STARTTLS", "CHUNKING", "ENHANCEDSTATUSCODES" },
	    "starttls chunking esc " },
	{ { "AUTH PLAIN LOGIN" }, "auth [PLAIN LOGIN]" },
	{ { "auth plain cram-md5" }, "auth [PLAIN CRAM-MD5]" },
	{ { "AUTH=LOGIN PLAIN", "AUTH PLAIN CRAM-MD5" },
	    "auth [LOGIN PLAIN CRAM-MD5]" },
	{ { "AUTH PLAIN bad$mech THISNAMEISWAYTOOLONG21 SCRAM-SHA-256" },
	    "auth [PLAIN SCRAM-SHA-256]" },
	{ { "AUTH PLAIN PLAINX XPLAIN PLAIN" },
	    "auth [PLAIN PLAINX XPLAIN]" },
	{ { "AUTH" }, "auth []" },
	{ { "", "-", "  ", "250" }, "" },
	{ { "DSN\t", "SMTPUTF8 extra" }, "dsn smtputf8 " },
};

START_TEST(ehlo_caps_table)
{
	struct ehlo_caps c;
	char got[EHLO_AUTH_MAX + 128];
	size_t n;
	int i = _i;

	ehlo_caps_init(&c);
	for (n = 0; n < 6 && caps_cases[i].lines[n] != NULL; n++)
		ehlo_caps_line(&c, caps_cases[i].lines[n],
		    strlen(caps_cases[i].lines[n]));
	caps_str(&c, got, sizeof(got));
	ck_assert_msg(strcmp(got, caps_cases[i].want) == 0, "case %d: got "
	    "\"%s\", want \"%s\"", i, got, caps_cases[i].want);
}
END_TEST

/* Through a whole reply: the first line is the server's name. */
START_TEST(ehlo_caps_from_reply)
{
	static const char *lines[] = {
		"250-PIPELINING",	/* the domain slot: not a keyword */
		"250-SIZE 35882577",
		"250-8BITMIME",
		"250-AUTH LOGIN PLAIN XOAUTH2",
		"250-ENHANCEDSTATUSCODES",
		"250 CHUNKING",
	};
	struct ehlo_caps c;
	struct reply r;
	char got[256];
	size_t i;

	reply_init(&r);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		reply_push(&r, lines[i], strlen(lines[i]));
	ck_assert(r.done);
	ehlo_caps_init(&c);
	ehlo_caps_parse(&c, &r);
	caps_str(&c, got, sizeof(got));
	ck_assert_msg(strcmp(got, "8bitmime chunking esc size auth "
	    "max=35882577 [LOGIN PLAIN XOAUTH2]") == 0, "got \"%s\"", got);
	reply_free(&r);
}
END_TEST

/* Many mechanisms: the list stays bounded and terminated. */
START_TEST(ehlo_auth_list_is_bounded)
{
	struct ehlo_caps c;
	char line[64];
	int k;

	ehlo_caps_init(&c);
	for (k = 0; k < 200; k++) {
		(void)snprintf(line, sizeof(line), "AUTH MECHANISM-%05d", k);
		ehlo_caps_line(&c, line, strlen(line));
	}
	ck_assert(c.auth);
	ck_assert_uint_lt(strlen(c.auth_mechs), sizeof(c.auth_mechs));
	ck_assert_uint_gt(strlen(c.auth_mechs), sizeof(c.auth_mechs) - 20);
	ck_assert(strncmp(c.auth_mechs, "MECHANISM-00000 MECHANISM-00001",
	    31) == 0);
}
END_TEST

static Suite *
reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("reply");
	TCase *te = tcase_create("ehlo");

	tcase_add_loop_test(tc, reply_parses_valid, 0,
	    (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, reply_refuses_invalid, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, reply_refuses_nul);
	tcase_add_test(tc, reply_line_length_cap);
	tcase_add_test(tc, reply_line_count_cap);
	tcase_add_test(tc, reply_text_is_bounded);
	tcase_add_test(tc, reply_summary_leads_with_enh);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(te, ehlo_caps_table, 0,
	    (int)(sizeof(caps_cases) / sizeof(caps_cases[0])));
	tcase_add_test(te, ehlo_caps_from_reply);
	tcase_add_test(te, ehlo_auth_list_is_bounded);
	suite_add_tcase(s, te);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(reply_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
