/*
 * test_hdr.c - the push-line / pull-event header parser.
 *
 * Each table case is an input (lines separated by '\n', pushed without
 * their line ends, then EOF) and the event trace expected, one token per
 * event: F(name=value) for a field, M for an mbox From line, B for an
 * empty-line end, L(line) for a non-header end, E for end of input,
 * X for an error.
 */
#include "compat.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bounds.h"
#include "buf.h"
#include "diag.h"
#include "hdr.h"
#include "util.h"

/* Record one event in the trace. */
static void
trace_event(struct buf *t, struct hdr_parser *p, enum hdr_event ev)
{
	const char *s;
	size_t n, vn;

	switch (ev) {
	case HDR_EV_FIELD:
		s = hdr_field_name(p, &n);
		(void)buf_addstr(t, "F(");
		(void)buf_add(t, s, n);
		(void)buf_addc(t, '=');
		s = hdr_field_value(p, &vn);
		(void)buf_add(t, s, vn);
		(void)buf_addstr(t, ")");
		break;
	case HDR_EV_MBOX_FROM:
		(void)buf_addstr(t, "M");
		break;
	case HDR_EV_END_BLANK:
		(void)buf_addstr(t, "B");
		break;
	case HDR_EV_END_BODY:
		s = hdr_parser_line(p, &n);
		(void)buf_addstr(t, "L(");
		(void)buf_add(t, s, n);
		(void)buf_addstr(t, ")");
		break;
	case HDR_EV_END_EOF:
		(void)buf_addstr(t, "E");
		break;
	case HDR_EV_ERROR:
		(void)buf_addstr(t, "X");
		break;
	case HDR_EV_NONE:
	default:
		break;
	}
}

/* Push every line of in (split at '\n'), then EOF; return the trace. */
static char *
run(const char *in, size_t len)
{
	struct hdr_parser p;
	struct diag d;
	struct buf t;
	enum hdr_event ev;
	const char *s = in, *e = in + len, *nl;
	char *out;
	int done = 0;

	hdr_parser_init(&p);
	buf_init(&t, 1 << 20);
	while (s <= e && !done) {
		nl = memchr(s, '\n', (size_t)(e - s));
		if (nl == NULL)
			break;
		ck_assert_int_eq(hdr_parser_push(&p, s, (size_t)(nl - s)), 0);
		while ((ev = hdr_parser_next(&p, &d)) != HDR_EV_NONE) {
			trace_event(&t, &p, ev);
			if (ev != HDR_EV_FIELD && ev != HDR_EV_MBOX_FROM)
				done = 1;
		}
		s = nl + 1;
	}
	if (!done) {
		hdr_parser_eof(&p);
		while ((ev = hdr_parser_next(&p, &d)) != HDR_EV_NONE)
			trace_event(&t, &p, ev);
	}
	out = xstrndup(buf_str(&t), t.len);
	buf_free(&t);
	hdr_parser_free(&p);
	return out;
}

static const struct {
	const char	*in;
	const char	*want;
} cases[] = {
	{ "Subject: hi\nTo: a@b\n\nbody\n", "F(Subject=hi)F(To=a@b)B" },
	/* folded: unfolding keeps the white space of continuation lines */
	{ "Subject: one\n two\n\tthree\nX: y\n\n",
	  "F(Subject=one two\tthree)F(X=y)B" },
	/* no blank line: the first non-header line ends the headers */
	{ "To: a@b\nthis is body\nmore\n", "F(To=a@b)L(this is body)" },
	{ "To: a@b\n.\n", "F(To=a@b)L(.)" },
	/* a continuation line first: no headers at all */
	{ " indented\nTo: a@b\n", "L( indented)" },
	{ "\tx\n", "L(\tx)" },
	{ "not a header\nTo: a@b\n", "L(not a header)" },
	{ "\n", "B" },
	{ "", "E" },
	/* headers until EOF, with and without a final field */
	{ "To: a@b\nCc: c@d\n", "F(To=a@b)F(Cc=c@d)E" },
	{ "To: a@b\n x@y\n", "F(To=a@b x@y)E" },
	/* mbox From lines only at the very start */
	{ "From alice@x Mon Jan  1 00:00:00 2024\n>From bob\nTo: a@b\n\n",
	  "MMF(To=a@b)B" },
	{ "To: a@b\nFrom alice@x Mon Jan  1\n", "F(To=a@b)L(From alice@x "
	  "Mon Jan  1)" },
	{ "From: alice@x\n\n", "F(From=alice@x)B" },
	{ "From : alice@x\n\n", "F(From=alice@x)B" },	/* obs-optional */
	{ "From x\n continued\n", "ML( continued)" },
	/* names: printable ASCII except ':'; values keep their bytes */
	{ "X-8bit: caf\xc3\xa9 \x01\xff\n\n",
	  "F(X-8bit=caf\xc3\xa9 \x01\xff)B" },
	{ "Bad Name: x\n", "L(Bad Name: x)" },
	{ "N\xc3\xa4me: x\n", "L(N\xc3\xa4me: x)" },
	{ ":novalue\n", "L(:novalue)" },
	{ "Empty:\n\n", "F(Empty=)B" },
	{ "Spaces:   a b  \n\n", "F(Spaces=a b)B" },
	/* a white-space-only line continues the field (obs-FWS) */
	{ "A: 1\n \nB: 2\n\n", "F(A=1)F(B=2)B" },
};

START_TEST(event_traces)
{
	int i = _i;
	char *got = run(cases[i].in, strlen(cases[i].in));

	ck_assert_msg(strcmp(got, cases[i].want) == 0,
	    "case %d: got \"%s\", want \"%s\"", i, got, cases[i].want);
	free(got);
}
END_TEST

START_TEST(raw_lines_kept_for_rewriting)
{
	static const char *lines[] = { "Bcc: a@b,", "\tc@d", " (x)",
		"Subject : s" };
	struct hdr_parser p;
	struct diag d;
	const char *s;
	size_t n;

	hdr_parser_init(&p);
	ck_assert_int_eq(hdr_parser_push(&p, lines[0], strlen(lines[0])), 0);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_NONE);
	ck_assert_int_eq(hdr_parser_push(&p, lines[1], strlen(lines[1])), 0);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_NONE);
	ck_assert_int_eq(hdr_parser_push(&p, lines[2], strlen(lines[2])), 0);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_NONE);
	ck_assert_int_eq(hdr_parser_push(&p, lines[3], strlen(lines[3])), 0);
	/* pushing again before pulling is refused */
	ck_assert_int_eq(hdr_parser_push(&p, "x", 1), -1);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_FIELD);
	s = hdr_field_raw(&p, &n);
	ck_assert_uint_eq(n, strlen("Bcc: a@b,\r\n\tc@d\r\n (x)\r\n"));
	ck_assert_int_eq(memcmp(s, "Bcc: a@b,\r\n\tc@d\r\n (x)\r\n", n), 0);
	ck_assert_int_eq(hdr_field_is(&p, "bcc"), 1);
	ck_assert_int_eq(hdr_field_is(&p, "bc"), 0);
	ck_assert_int_eq(hdr_field_is(&p, "resent-bcc"), 0);
	s = hdr_field_value(&p, &n);
	ck_assert_str_eq(s, "a@b,\tc@d (x)");
	/* the pending line becomes the next field */
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_NONE);
	hdr_parser_eof(&p);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_FIELD);
	s = hdr_field_name(&p, &n);
	ck_assert_uint_eq(n, 7);
	ck_assert_int_eq(memcmp(s, "Subject", 7), 0);
	ck_assert_int_eq(hdr_field_has_prefix(&p, "sub"), 1);
	ck_assert_int_eq(hdr_field_has_prefix(&p, "Resent-"), 0);
	s = hdr_field_raw(&p, &n);
	ck_assert_int_eq(memcmp(s, "Subject : s\r\n", n), 0);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_END_EOF);
	/* finished: nothing more, and pushes are refused */
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_NONE);
	ck_assert_int_eq(hdr_parser_push(&p, "x", 1), -1);
	hdr_parser_free(&p);
}
END_TEST

START_TEST(nul_bytes_in_values)
{
	static const char line[] = "X: a\0b\xff";
	struct hdr_parser p;
	struct diag d;
	const char *v;
	size_t n;

	hdr_parser_init(&p);
	ck_assert_int_eq(hdr_parser_push(&p, line, sizeof(line) - 1), 0);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_NONE);
	hdr_parser_eof(&p);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_FIELD);
	v = hdr_field_value(&p, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(memcmp(v, "a\0b\xff", 4), 0);
	v = hdr_field_raw(&p, &n);
	ck_assert_uint_eq(n, sizeof(line) - 1 + 2);
	hdr_parser_free(&p);
}
END_TEST

START_TEST(field_cap)
{
	struct hdr_parser p;
	struct diag d;
	char *line = xmalloc(HDR_FIELD_MAX);
	enum hdr_event ev;
	size_t i;

	/* exactly at the cap (line + CRLF == HDR_FIELD_MAX) is fine */
	memcpy(line, "X: ", 3);
	memset(line + 3, 'v', HDR_FIELD_MAX - 3);
	hdr_parser_init(&p);
	ck_assert_int_eq(hdr_parser_push(&p, line, HDR_FIELD_MAX - 2), 0);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_NONE);
	hdr_parser_eof(&p);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_FIELD);
	hdr_parser_free(&p);
	/* one more octet is not */
	hdr_parser_init(&p);
	ck_assert_int_eq(hdr_parser_push(&p, line, HDR_FIELD_MAX - 1), 0);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_ERROR);
	ck_assert_int_eq(d.exitcode, EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(d.text, "longer than"));
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_NONE);
	hdr_parser_free(&p);
	/* the cap counts continuation lines too */
	hdr_parser_init(&p);
	ck_assert_int_eq(hdr_parser_push(&p, "X: a", 4), 0);
	ck_assert_int_eq(hdr_parser_next(&p, &d), HDR_EV_NONE);
	line[0] = ' ';
	ev = HDR_EV_NONE;
	for (i = 0; i < 1000 && ev == HDR_EV_NONE; i++) {
		ck_assert_int_eq(hdr_parser_push(&p, line, 1000), 0);
		ev = hdr_parser_next(&p, &d);
	}
	ck_assert_int_eq(ev, HDR_EV_ERROR);
	/* "X: a\r\n" plus 1002-octet lines: the first that passes */
	ck_assert_uint_eq(i, (HDR_FIELD_MAX - 6) / 1002 + 1);
	hdr_parser_free(&p);
	free(line);
}
END_TEST

START_TEST(count_cap)
{
	struct hdr_parser p;
	struct diag d;
	enum hdr_event ev = HDR_EV_NONE;
	int i, fields = 0;

	hdr_parser_init(&p);
	for (i = 0; i <= HDR_COUNT_MAX + 1 && ev != HDR_EV_ERROR; i++) {
		ck_assert_int_eq(hdr_parser_push(&p, "X: y", 4), 0);
		while ((ev = hdr_parser_next(&p, &d)) == HDR_EV_FIELD)
			fields++;
	}
	ck_assert_int_eq(ev, HDR_EV_ERROR);
	ck_assert_int_eq(fields, HDR_COUNT_MAX);
	ck_assert_ptr_nonnull(strstr(d.text, "header fields"));
	hdr_parser_free(&p);
}
END_TEST

START_TEST(block_cap)
{
	struct hdr_parser p;
	struct diag d;
	enum hdr_event ev = HDR_EV_NONE;
	char *line = xmalloc(100000);
	size_t total = 0;

	memcpy(line, "X: ", 3);
	memset(line + 3, 'v', 100000 - 3);
	hdr_parser_init(&p);
	while (ev != HDR_EV_ERROR && total <= HDR_BLOCK_MAX) {
		ck_assert_int_eq(hdr_parser_push(&p, line, 100000), 0);
		while ((ev = hdr_parser_next(&p, &d)) == HDR_EV_FIELD)
			;
		total += 100002;
	}
	ck_assert_int_eq(ev, HDR_EV_ERROR);
	ck_assert_ptr_nonnull(strstr(d.text, "header section"));
	ck_assert_uint_gt(total, HDR_BLOCK_MAX);
	hdr_parser_free(&p);
	free(line);
}
END_TEST

START_TEST(line_is_field)
{
	size_t n = 0;

	ck_assert_int_eq(hdr_line_is_field("To: x", 5, &n), 1);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(hdr_line_is_field("To \t: x", 7, &n), 1);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(hdr_line_is_field("To", 2, &n), 0);
	ck_assert_int_eq(hdr_line_is_field(": x", 3, &n), 0);
	ck_assert_int_eq(hdr_line_is_field("T o: x", 6, &n), 0);
	ck_assert_int_eq(hdr_line_is_field("To\0: x", 6, &n), 0);
	ck_assert_int_eq(hdr_line_is_field("~!x: y", 6, &n), 1);
	ck_assert_int_eq(hdr_line_is_field("", 0, &n), 0);
}
END_TEST

static Suite *
hdr_suite(void)
{
	Suite *s = suite_create("hdr");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, event_traces, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, raw_lines_kept_for_rewriting);
	tcase_add_test(tc, nul_bytes_in_values);
	tcase_add_test(tc, field_cap);
	tcase_add_test(tc, count_cap);
	tcase_add_test(tc, block_cap);
	tcase_add_test(tc, line_is_field);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hdr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
