/*
 * test_addr.c - the RFC 5322 address-list tokenizer.
 *
 * Good inputs are RFC 5322 Appendix A examples (A.1.1-A.1.3, A.2, A.5,
 * A.6.1, A.6.3) plus the forms sendmail callers really send; each lists
 * the addr-specs expected, joined by '|'.  Bad inputs must fail with
 * EX_DATAERR and quote the offending text.
 */
#include "compat.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "addr.h"
#include "bounds.h"
#include "buf.h"
#include "diag.h"
#include "util.h"

static const struct {
	const char	*in;
	const char	*want;		/* specs joined by '|' */
	const char	*names;		/* display names, '-': none */
} good[] = {
	/* A.1.1 */
	{ "John Doe <jdoe@machine.example>", "jdoe@machine.example",
	  "John Doe" },
	{ "Mary Smith <mary@example.net>", "mary@example.net",
	  "Mary Smith" },
	/* A.1.2 */
	{ "\"Joe Q. Public\" <john.q.public@example.com>",
	  "john.q.public@example.com", "Joe Q. Public" },
	{ "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
	  "mary@x.test|jdoe@example.org|one@y.test", "Mary Smith|-|Who?" },
	{ "<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" "
	  "<sysservices@example.net>", "boss@nil.test|sysservices@example.net",
	  "-|Giant; \"Big\" Box" },
	/* A.1.3 groups */
	{ "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
	  "c@a.test|joe@where.test|jdoe@one.test", "Ed Jones|-|John" },
	{ "Undisclosed recipients:;", "", "" },
	{ "undisclosed-recipients:;", "", "" },
	/* A.2 */
	{ "\"Mary Smith: Personal Account\" <smith@home.example>",
	  "smith@home.example", "Mary Smith: Personal Account" },
	/* A.5 white space and comments */
	{ "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
	  "pete@silly.test", "Pete" },
	{ "A Group(Some people)\t :Chris Jones <c@(Chris's host.)"
	  "public.example>,     joe@example.org,  John <jdoe@one.test> "
	  "(my dear friend); (the end of the group)",
	  "c@public.example|joe@example.org|jdoe@one.test",
	  "Chris Jones|-|John" },
	{ "(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;",
	  "", "" },
	/* A.6.1 obsolete */
	{ "Joe Q. Public <john.q.public@example.com>",
	  "john.q.public@example.com", "Joe Q. Public" },
	{ "Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
	  "mary@example.net|jdoe@test.example", "Mary Smith|-" },
	{ "<@r1.test,@r2.test:a@b.test>", "a@b.test", "-" },
	/* A.6.3 obsolete white space and comments */
	{ "John Doe <jdoe@machine(comment).  example>",
	  "jdoe@machine.example", "John Doe" },
	{ "Mary Smith  \t <mary@example.net>", "mary@example.net",
	  "Mary Smith" },
	/* what sendmail callers send */
	{ "root", "root", "-" },
	{ "root (Cron Daemon)", "root", "Cron Daemon" },
	{ "a@x,b@y", "a@x|b@y", "-|-" },
	{ "a@x,,b@y", "a@x|b@y", "-|-" },
	{ "a@x, b@y,", "a@x|b@y", "-|-" },
	{ ",,,", "", "" },
	{ "", "", "" },
	{ "   \t ", "", "" },
	{ "team: a@x, b@y;", "a@x|b@y", "-|-" },
	{ "team: a@x; c@z", "a@x|c@z", "-|-" },
	{ "team: a@x", "a@x", "-" },	/* missing ';': lenient */
	{ "\"a b\"@x", "\"a b\"@x", "-" },
	{ "\"john\"@x", "john@x", "-" },	/* quotes not needed */
	{ "\"a\\\"b\"@x", "\"a\\\"b\"@x", "-" },
	{ "\"a@b\"@x", "\"a@b\"@x", "-" },
	{ "\"a,b\" <c@d>", "c@d", "a,b" },
	{ "\"user@example.com\" <user@example.com>", "user@example.com",
	  "user@example.com" },
	{ "foo@bar.com <foo@bar.com>", "foo@bar.com", "foo@bar.com" },
	{ "a@x <b@y>", "b@y", "a@x" },	/* unquoted '@' in a name */
	{ "a@[127.0.0.1]", "a@[127.0.0.1]", "-" },
	{ "a@[ IPv6:::1 ]", "a@[IPv6:::1]", "-" },
	{ "user@", "user@", "-" },
	{ "a..b@x", "\"a..b\"@x", "-" },
	{ "Name <a@x>", "a@x", "Name" },
	{ "<a@x>", "a@x", "-" },
	{ "\"Jos\xc3\xa9\" <j@x>", "j@x", "Jos\xc3\xa9" },
	{ "j\xc3\xb6rg@b\xc3\xbc" "cher.example", "j\xc3\xb6rg@b\xc3\xbc"
	  "cher.example", "-" },
	{ "=?UTF-8?B?Sm9zw6k=?= <j@x>", "j@x", "=?UTF-8?B?Sm9zw6k=?=" },
	{ "first.last@sub.example.org", "first.last@sub.example.org", "-" },
	{ "o'brien+tag@x", "o'brien+tag@x", "-" },
	{ "a@x (c1) , (c2) b@y", "a@x|b@y", "c1|c2" },
};

static const struct {
	const char	*in;
	const char	*why;		/* substring of the diagnostic */
} bad[] = {
	{ "\"unterminated@x", "double quote" },
	{ "a@x (comment", "'('" },
	{ "a@x (a (nested) comment", "'('" },
	{ "a@x)", "')'" },
	{ "<a@x", "'<' without '>'" },
	{ "a@x>", "'>' without '<'" },
	{ "<<a@x>>", "inside" },
	{ "a@[1.2.3.4", "'['" },
	{ "a@1.2.3.4]", "']'" },
	{ "John Smith", "words where" },
	{ "\"John\" Smith@x", "words where" },
	{ "a@b@c", "more than one '@'" },
	{ "@x", "missing local part" },
	{ "a@x.", "ends with '.'" },
	{ "a@.x", "malformed domain" },
	{ "a@x..y", "malformed domain" },
	{ "<>", "empty address" },
	{ "<a@x> <b@y>", "two '<...>'" },
	{ "<a@x> b", "text after '>'" },
	{ "a@x;", "';' outside a group" },
	{ "g1: g2: a@x;;", "group inside a group" },
	{ "a@x:b", "unexpected ':'" },
	{ "<@route a@x>", "source route" },
	{ "a\\b@x", "backslash" },
	{ "a\x01@x", "control character" },
	{ "\"a\x01\"@x", "control character" },
	{ "a@x\r\nRCPT TO:<evil@y>", "line break" },
	{ "a@x\nb@y", "line break" },
	{ "a@x\rb", "line break" },
	{ "a@[x]y", "after a domain literal" },
	{ "[1.2.3.4]@x", "domain literal before" },
	{ "a@[1.2\\]]", "domain literal" },
	{ "a@[1.2\\\t3]", "domain literal" },
	{ "a@[1.2\xc3\xa9]", "domain literal" },
	/* fuzz_hdrfix (issue 8): an error after a good element leaked the
	 * entry array of a list that was empty before the call */
	{ "J\xc3\xb6rg ,j\xc3\xb6rg>", "'>' without '<'" },
	{ "root, a b", "words where" },
};

/* Join the specs (or names) of l with '|'. */
static char *
join(const struct addr_list *l, int names)
{
	struct buf b;
	size_t i;
	char *s;

	buf_init(&b, 1 << 20);
	for (i = 0; i < l->n; i++) {
		const char *v = names ? l->v[i].name : l->v[i].spec;

		if (i > 0)
			(void)buf_addc(&b, '|');
		(void)buf_addstr(&b, v != NULL ? v : "-");
	}
	s = xstrdup(buf_str(&b));
	buf_free(&b);
	return s;
}

START_TEST(parses_good_lists)
{
	struct addr_list l;
	struct diag d;
	char *got, *names;
	int i = _i;

	addr_list_init(&l);
	ck_assert_msg(addr_parse_list(good[i].in, strlen(good[i].in), &l,
	    &d) == 0, "case %d <%s>: got error \"%s\", want success", i,
	    good[i].in, d.text);
	got = join(&l, 0);
	names = join(&l, 1);
	ck_assert_msg(strcmp(got, good[i].want) == 0,
	    "case %d <%s>: got \"%s\", want \"%s\"", i, good[i].in, got,
	    good[i].want);
	ck_assert_msg(strcmp(names, good[i].names) == 0,
	    "case %d <%s>: got names \"%s\", want \"%s\"", i, good[i].in,
	    names, good[i].names);
	free(got);
	free(names);
	addr_list_free(&l);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(rejects_bad_lists)
{
	struct addr_list l;
	struct diag d;
	int i = _i;

	addr_list_init(&l);
	diag_clear(&d);
	ck_assert_msg(addr_parse_list(bad[i].in, strlen(bad[i].in), &l,
	    &d) == -1, "case %d: got success (%zu addresses), want an "
	    "error", i, l.n);
	ck_assert_msg(d.exitcode == EX_DATAERR, "case %d: got exit %d, "
	    "want %d", i, d.exitcode, EX_DATAERR);
	ck_assert_msg(strstr(d.text, bad[i].why) != NULL,
	    "case %d: got \"%s\", want it to mention \"%s\"", i, d.text,
	    bad[i].why);
	ck_assert_msg(strstr(d.text, "bad address \"") != NULL,
	    "case %d: got \"%s\", want the address quoted", i, d.text);
	ck_assert_msg(strchr(d.text, '\r') == NULL &&
	    strchr(d.text, '\n') == NULL, "case %d: diag has a line break", i);
	ck_assert_uint_eq(l.n, 0);
	/* "as it was": no array left that only addr_list_free releases */
	ck_assert_msg(l.v == NULL && l.cap == 0, "case %d: got an array of "
	    "%zu entries, want none", i, l.cap);
	addr_list_free(&l);
}
END_TEST

START_TEST(nul_byte_is_refused)
{
	static const char in[] = "a@x\0, b@y";
	struct addr_list l;
	struct diag d;

	addr_list_init(&l);
	ck_assert_int_eq(addr_parse_list(in, sizeof(in) - 1, &l, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(d.text, "NUL"));
	/* the quoted text shows the NUL as '?' */
	ck_assert_ptr_nonnull(strstr(d.text, "a@x?, b@y"));
	addr_list_free(&l);
}
END_TEST

START_TEST(error_keeps_earlier_entries)
{
	struct addr_list l;
	struct diag d;

	addr_list_init(&l);
	ck_assert_int_eq(addr_parse_list("a@x", 3, &l, &d), 0);
	ck_assert_int_eq(addr_parse_list("b@y, John Smith", 15, &l, &d), -1);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].spec, "a@x");
	/* a second successful call appends */
	ck_assert_int_eq(addr_parse_list("c@z", 3, &l, &d), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.v[1].spec, "c@z");
	addr_list_free(&l);
}
END_TEST

/* Build "<local>@<domain>" with the given lengths. */
static char *
make_addr(size_t llen, size_t dlen)
{
	char *s = xmalloc(llen + dlen + 2);
	size_t i;

	memset(s, 'l', llen);
	s[llen] = '@';
	memset(s + llen + 1, 'd', dlen);
	/* dots every 60 octets keep the labels DNS-sized (not required) */
	for (i = llen + 61; i < llen + 1 + dlen - 1; i += 61)
		s[i] = '.';
	s[llen + 1 + dlen] = '\0';
	return s;
}

START_TEST(length_limits)
{
	struct addr_list l;
	struct diag d;
	char *s;

	addr_list_init(&l);
	s = make_addr(ADDR_LOCAL_MAX, 20);
	ck_assert_msg(addr_parse_list(s, strlen(s), &l, &d) == 0,
	    "64-octet local part: got \"%s\", want success", d.text);
	free(s);
	s = make_addr(ADDR_LOCAL_MAX + 1, 20);
	ck_assert_int_eq(addr_parse_list(s, strlen(s), &l, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.text, "local part longer"));
	free(s);
	/* quoting counts: 64 octets of content + 2 quotes is too long */
	s = xasprintf("\"%062d x\"@y", 0);
	ck_assert_int_eq(addr_parse_list(s, strlen(s), &l, &d), -1);
	free(s);
	/* whole spec: 254 is fine, 255 is not */
	s = make_addr(60, ADDR_MAX - 2 - 61);
	ck_assert_uint_eq(strlen(s), ADDR_MAX - 2);
	ck_assert_msg(addr_parse_list(s, strlen(s), &l, &d) == 0,
	    "254-octet address: got \"%s\", want success", d.text);
	free(s);
	s = make_addr(60, ADDR_MAX - 2 - 60);
	ck_assert_int_eq(addr_parse_list(s, strlen(s), &l, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.text, "address longer than 254"));
	free(s);
	/* the domain has its own limit */
	s = make_addr(10, ADDR_DOMAIN_MAX + 1);
	ck_assert_int_eq(addr_parse_list(s, strlen(s), &l, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.text, "domain longer"));
	free(s);
	ck_assert_uint_eq(l.n, 2);
	addr_list_free(&l);
}
END_TEST

START_TEST(too_many_addresses)
{
	struct addr_list l;
	struct diag d;
	struct buf b;
	int i;

	buf_init(&b, 1 << 20);
	for (i = 0; i <= RCPT_MAX; i++)
		(void)buf_printf(&b, "u%d@x,", i);
	addr_list_init(&l);
	ck_assert_int_eq(addr_parse_list(b.data, b.len, &l, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.text, "too many addresses"));
	ck_assert_uint_eq(l.n, 0);
	buf_free(&b);
	addr_list_free(&l);
}
END_TEST

START_TEST(huge_input_is_quoted_briefly)
{
	struct addr_list l;
	struct diag d;
	char *s = xmalloc(100001);

	memset(s, 'a', 100000);
	s[0] = '<';
	s[100000] = '\0';
	addr_list_init(&l);
	ck_assert_int_eq(addr_parse_list(s, 100000, &l, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.text, "...\""));
	ck_assert_uint_lt(strlen(d.text), 300);
	free(s);
	addr_list_free(&l);
}
END_TEST

static const struct {
	const char	*in;
	const char	*want;		/* NULL = error */
} one[] = {
	{ "", "" },
	{ "<>", "" },
	{ " < > ", "" },
	{ "bounce@x", "bounce@x" },
	{ "<bounce@x>", "bounce@x" },
	{ "Bounce Handler <bounce@x>", "bounce@x" },
	{ "root", "root" },
	{ "fail2ban", "fail2ban" },
	{ "a@x, b@y", NULL },
	{ "g: a@x;", NULL },
	{ "<a@x", NULL },
	{ "a\nb", NULL },
};

START_TEST(parse_one_sender)
{
	struct diag d;
	char *spec = NULL;
	int i = _i, rc;

	rc = addr_parse_one(one[i].in, &spec, &d);
	if (one[i].want == NULL) {
		ck_assert_msg(rc == -1, "case %d <%s>: got \"%s\", want an "
		    "error", i, one[i].in, rc == 0 ? spec : "");
		ck_assert_int_eq(d.exitcode, EX_DATAERR);
		return;
	}
	ck_assert_msg(rc == 0, "case %d <%s>: got error \"%s\"", i, one[i].in,
	    d.text);
	ck_assert_msg(strcmp(spec, one[i].want) == 0, "case %d: got \"%s\", "
	    "want \"%s\"", i, spec, one[i].want);
	free(spec);
}
END_TEST

START_TEST(local_and_qualify)
{
	static const struct {
		const char	*spec;
		int		 local;
		const char	*dom;
		const char	*qual;
	} c[] = {
		{ "root", 1, NULL, "root@example.org" },
		{ "user@", 1, "", "user@example.org" },
		{ "a@b", 0, "b", "a@b" },
		{ "\"a@b\"", 1, NULL, "\"a@b\"@example.org" },
		{ "\"a@b\"@c", 0, "c", "\"a@b\"@c" },
		{ "\"a\\\"@b\"@c", 0, "c", "\"a\\\"@b\"@c" },
		{ "a@[127.0.0.1]", 0, "[127.0.0.1]", "a@[127.0.0.1]" },
	};
	size_t i;
	char *q;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const char *dom = addr_domain(c[i].spec);

		ck_assert_msg(addr_is_local(c[i].spec) == c[i].local,
		    "%s: got local %d, want %d", c[i].spec,
		    addr_is_local(c[i].spec), c[i].local);
		if (c[i].dom == NULL)
			ck_assert_ptr_null(dom);
		else
			ck_assert_msg(dom != NULL && strcmp(dom, c[i].dom) == 0,
			    "%s: got domain %s, want %s", c[i].spec,
			    dom != NULL ? dom : "(null)", c[i].dom);
		q = addr_qualify(c[i].spec, "example.org");
		ck_assert_msg(strcmp(q, c[i].qual) == 0, "%s: got %s, want %s",
		    c[i].spec, q, c[i].qual);
		free(q);
	}
	q = addr_qualify("root", NULL);
	ck_assert_str_eq(q, "root");
	free(q);
	q = addr_qualify("root", "");
	ck_assert_str_eq(q, "root");
	free(q);
	ck_assert_int_eq(addr_has_8bit("a@b"), 0);
	ck_assert_int_eq(addr_has_8bit("j\xc3\xb6rg@b"), 1);
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, parses_good_lists, 0,
	    (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, rejects_bad_lists, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, nul_byte_is_refused);
	tcase_add_test(tc, error_keeps_earlier_entries);
	tcase_add_test(tc, length_limits);
	tcase_add_test(tc, too_many_addresses);
	tcase_add_test(tc, huge_input_is_quoted_briefly);
	tcase_add_loop_test(tc, parse_one_sender, 0,
	    (int)(sizeof(one) / sizeof(one[0])));
	tcase_add_test(tc, local_and_qualify);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(addr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
