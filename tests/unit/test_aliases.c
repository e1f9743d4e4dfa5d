/*
 * test_aliases.c - the aliases file (aliases.c) and in-place header
 * address qualification (hdrfix.c): table-driven, "got X, want Y",
 * with malformed, over-long and NUL-containing inputs.
 */
#include "compat.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "aliases.h"
#include "bounds.h"
#include "buf.h"
#include "diag.h"
#include "hdrfix.h"
#include "util.h"

static const char *const own[] = { "vm", "vm.lan", "localhost", NULL };
static const struct alias_ctx ctx = { "example.org", own };

static const char sample[] =
    "# the host's aliases\n"
    "root: admin@example.com, \"Ops Team\" <ops@example.com>\n"
    "postmaster: root\n"
    "\n"
    "Webmaster: web1@example.com,\n"
    "\tweb2@example.com\n"
    "  # a comment inside an entry\n"
    "    , web3@example.com\n"
    "backup: backup, tape@example.com\r\n"
    "chain1: chain2\n"
    "chain2: chain3@vm\n"
    "chain3: final@example.net\n"
    "default: catchall@example.com\n";

static const struct {
	const char	*in;
	const char	*want;		/* results joined by '|' */
} expand_cases[] = {
	{ "root", "admin@example.com|ops@example.com" },
	{ "ROOT", "admin@example.com|ops@example.com" },
	{ "root@vm", "admin@example.com|ops@example.com" },
	{ "root@VM.lan", "admin@example.com|ops@example.com" },
	{ "root@localhost", "admin@example.com|ops@example.com" },
	{ "root@", "admin@example.com|ops@example.com" },
	{ "postmaster", "admin@example.com|ops@example.com" },
	{ "webmaster", "web1@example.com|web2@example.com|web3@example.com" },
	{ "backup", "backup@example.org|tape@example.com" },
	{ "chain1", "final@example.net" },
	{ "nobody", "catchall@example.com" },
	{ "nobody@vm", "catchall@example.com" },
	/* not local: kept, even the configured domain */
	{ "root@example.org", "root@example.org" },
	{ "x@vm.example", "x@vm.example" },
};

static const struct {
	const char	*file;
	const char	*err;		/* in d.text */
	int		 line;		/* ":N:" in d.text, 0 = none */
} bad_files[] = {
	{ "root admin@example.com\n", "no ':'", 1 },
	{ "ok: a@b\nbad name: a@b\n", "bad alias name", 2 },
	{ "a@b: c@d\n", "bad alias name", 1 },
	{ ": a@b\n", "bad alias name", 1 },
	{ "root:\n", "no address", 1 },
	{ "root: <a@b\n", "alias \"root\"", 1 },
	{ "root: |/usr/bin/procmail\n", "command or a file", 1 },
	{ "root: \"|/bin/sh -c x\"\n", "command or a file", 1 },
	{ "root: /var/mail/root\n", "command or a file", 1 },
	{ "root: :include:/etc/list\n", ":include:", 1 },
	{ "root: a@b\nROOT: c@d\n", "already defined at line 1", 2 },
	{ "  a@b\n", "continuation line", 1 },
	{ "root: a@b\n\x01oops: c@d\n", "bad alias name", 2 },
};

static void
join(char **v, size_t n, char *out, size_t outsize)
{
	size_t i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			(void)strlcat(out, "|", outsize);
		(void)strlcat(out, v[i], outsize);
	}
}

START_TEST(expands)
{
	struct aliases a;
	struct diag d;
	char **out = NULL, got[512];
	size_t n = 0, j;

	ck_assert_msg(aliases_parse(sample, strlen(sample), "aliases", &a,
	    &d) == 0, "parse: %s", d.text);
	ck_assert_msg(aliases_expand(&a, &ctx, expand_cases[_i].in, &out, &n,
	    &d) == 0, "%s: %s", expand_cases[_i].in, d.text);
	join(out, n, got, sizeof(got));
	ck_assert_msg(strcmp(got, expand_cases[_i].want) == 0,
	    "%s: got %s, want %s", expand_cases[_i].in, got,
	    expand_cases[_i].want);
	for (j = 0; j < n; j++)
		free(out[j]);
	free(out);
	aliases_free(&a);
}
END_TEST

START_TEST(rejects_bad_files)
{
	struct aliases a;
	struct diag d;
	char where[32];

	ck_assert_int_eq(aliases_parse(bad_files[_i].file,
	    strlen(bad_files[_i].file), "/etc/aliases", &a, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_CONFIG);
	ck_assert_msg(strstr(d.text, bad_files[_i].err) != NULL,
	    "%s: got \"%s\", want \"%s\"", bad_files[_i].file, d.text,
	    bad_files[_i].err);
	(void)snprintf(where, sizeof(where), "/etc/aliases:%d:",
	    bad_files[_i].line);
	ck_assert_msg(strncmp(d.text, where, strlen(where)) == 0,
	    "got \"%s\", want it to start with %s", d.text, where);
	ck_assert_uint_eq(a.n, 0);
}
END_TEST

START_TEST(nul_and_long_lines)
{
	struct aliases a;
	struct diag d;
	char *big;
	static const char nul[] = "root: a@b\nx: c\0d@e\n";

	ck_assert_int_eq(aliases_parse(nul, sizeof(nul) - 1, "f", &a, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.text, "f:2: NUL"));
	big = xmalloc(CONF_LINE_MAX + 64);
	memset(big, 'a', CONF_LINE_MAX + 10);
	memcpy(big, "root: ", 6);
	big[CONF_LINE_MAX + 10] = '\n';
	ck_assert_int_eq(aliases_parse(big, CONF_LINE_MAX + 11, "f", &a, &d),
	    -1);
	ck_assert_ptr_nonnull(strstr(d.text, "longer than"));
	free(big);
	/* an empty file and a comments-only file are fine */
	ck_assert_int_eq(aliases_parse("", 0, "f", &a, &d), 0);
	ck_assert_uint_eq(a.n, 0);
	aliases_free(&a);
	ck_assert_int_eq(aliases_parse("# x\n\n", 5, "f", &a, &d), 0);
	aliases_free(&a);
}
END_TEST

START_TEST(loops_and_depth)
{
	static const char loop[] = "a: b\nb: c@vm\nc: a, x@example.com\n";
	static const char dflt_loop[] = "default: nobody\n";
	struct aliases a;
	struct diag d;
	struct buf deep;
	char **out = NULL;
	size_t n = 0;
	int i;

	ck_assert_int_eq(aliases_parse(loop, strlen(loop), "al", &a, &d), 0);
	ck_assert_int_eq(aliases_check(&a, &ctx, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_CONFIG);
	ck_assert_msg(strstr(d.text, "alias loop: a -> b -> c -> a") != NULL,
	    "got %s", d.text);
	ck_assert_int_eq(aliases_expand(&a, &ctx, "b", &out, &n, &d), -1);
	ck_assert_uint_eq(n, 0);
	aliases_free(&a);
	free(out);
	out = NULL;

	/* a default whose target is local and unlisted: just qualified */
	ck_assert_int_eq(aliases_parse(dflt_loop, strlen(dflt_loop), "al",
	    &a, &d), 0);
	ck_assert_int_eq(aliases_check(&a, &ctx, &d), 0);
	ck_assert_int_eq(aliases_expand(&a, &ctx, "joe", &out, &n, &d), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(out[0], "nobody@example.org");
	free(out[0]);
	free(out);
	aliases_free(&a);

	/* a chain one level deeper than allowed */
	buf_init(&deep, 4096);
	for (i = 0; i <= ALIAS_DEPTH_MAX; i++)
		(void)buf_printf(&deep, "n%d: n%d\n", i, i + 1);
	ck_assert_int_eq(aliases_parse(deep.data, deep.len, "al", &a, &d), 0);
	ck_assert_int_eq(aliases_check(&a, &ctx, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.text, "levels deep"));
	aliases_free(&a);
	buf_free(&deep);
}
END_TEST

START_TEST(no_table_only_qualifies)
{
	char **out = NULL;
	size_t n = 0;
	struct diag d;

	ck_assert_int_eq(aliases_expand(NULL, &ctx, "root@vm", &out, &n, &d),
	    0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(out[0], "root@example.org");
	ck_assert_int_eq(aliases_expand(NULL, &ctx, "a@b.example", &out, &n,
	    &d), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(out[1], "a@b.example");
	free(out[0]);
	free(out[1]);
	free(out);
}
END_TEST

/* ------------------------------------------------------------ hdrfix */

static const struct {
	const char	*in;		/* the raw field, CRLF ends */
	const char	*want;		/* NULL: unchanged (rc 0) */
} fix_cases[] = {
	{ "To: root\r\n", "To: root@example.org\r\n" },
	{ "From: root (Cron Daemon)\r\n",
	  "From: root@example.org (Cron Daemon)\r\n" },
	{ "From: Logwatch\r\n", "From: Logwatch@example.org\r\n" },
	{ "From: Fail2Ban <fail2ban>\r\n",
	  "From: Fail2Ban <fail2ban@example.org>\r\n" },
	{ "To: root@vm, \"Smith, J\" <js@vm.lan>, x@example.net\r\n",
	  "To: root@example.org, \"Smith, J\" <js@example.org>, "
	  "x@example.net\r\n" },
	{ "Cc: user@\r\n", "Cc: user@example.org\r\n" },
	{ "To: a@b.example, c@d.example\r\n", NULL },
	/* folding survives; the second line is the one that changes */
	{ "To: first@example.net,\r\n second (the boss)\r\n",
	  "To: first@example.net,\r\n second@example.org (the boss)\r\n" },
	{ "To: team: root, b@x.example;\r\n",
	  "To: team: root@example.org, b@x.example;\r\n" },
	{ "To: root@ localhost\r\n", "To: root@ example.org\r\n" },
	{ "To: undisclosed-recipients:;\r\n", NULL },
	{ "To: \"a b\"\r\n", "To: \"a b\"@example.org\r\n" },
	{ "Reply-To: <postmaster>\r\n",
	  "Reply-To: <postmaster@example.org>\r\n" },
	{ "To: =?UTF-8?B?w6k=?= <root>\r\n",
	  "To: =?UTF-8?B?w6k=?= <root@example.org>\r\n" },
};

START_TEST(qualifies_fields)
{
	struct buf out;
	int rc;

	buf_init(&out, HDR_FIELD_MAX * 2);
	rc = hdrfix_qualify(fix_cases[_i].in, strlen(fix_cases[_i].in), &ctx,
	    &out);
	if (fix_cases[_i].want == NULL) {
		ck_assert_msg(rc == 0, "%s: got rc %d, want 0",
		    fix_cases[_i].in, rc);
	} else {
		ck_assert_msg(rc == 1, "%s: got rc %d, want 1",
		    fix_cases[_i].in, rc);
		ck_assert_msg(strcmp(buf_str(&out), fix_cases[_i].want) == 0,
		    "got [%s], want [%s]", buf_str(&out), fix_cases[_i].want);
	}
	buf_free(&out);
}
END_TEST

START_TEST(unparsable_fields_kept)
{
	static const char *const bad[] = {
		"To: <root\r\n", "To: a b c\r\n", "To root\r\n",
		"To: \"unterminated\r\n",
		/* fuzz_hdrfix (issue 8): leaked when an address came first */
		"From: J\xc3\xb6rg ,j\xc3\xb6rg>\r\n",
		"To: root, <unterminated\r\n",
	};
	static const char nul[] = "To: ro\0ot\r\n";
	struct alias_ctx nodom = { "", own };
	struct buf out;
	size_t i;

	buf_init(&out, HDR_FIELD_MAX * 2);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(hdrfix_qualify(bad[i], strlen(bad[i]), &ctx,
		    &out) == -1, "%s: want -1", bad[i]);
	ck_assert_int_eq(hdrfix_qualify(nul, sizeof(nul) - 1, &ctx, &out), -1);
	ck_assert_int_eq(hdrfix_qualify("To: root\r\n", 10, &nodom, &out), 0);
	buf_free(&out);
}
END_TEST

START_TEST(first_mailbox)
{
	char *spec, *name;

	ck_assert_int_eq(hdrfix_first("From: root (Cron Daemon)\r\n", 26, &ctx,
	    &spec, &name), 0);
	ck_assert_str_eq(spec, "root@example.org");
	ck_assert_str_eq(name, "Cron Daemon");
	free(spec);
	free(name);
	ck_assert_int_eq(hdrfix_first("From: \"Web, App\" <w@x.example>\r\n",
	    32, &ctx, &spec, &name), 0);
	ck_assert_str_eq(spec, "w@x.example");
	ck_assert_str_eq(name, "Web, App");
	free(spec);
	free(name);
	ck_assert_int_eq(hdrfix_first("From: <>\r\n", 10, &ctx, &spec,
	    &name), -1);
	ck_assert_int_eq(hdrfix_first("From:\r\n", 7, &ctx, &spec, &name), -1);
}
END_TEST

START_TEST(long_field_is_bounded)
{
	struct buf in, out;
	int i, rc;

	/* many local names on one physical line: the result is longer
	 * than 998 octets (msg.c folds it) but stays one valid list */
	buf_init(&in, HDR_FIELD_MAX);
	(void)buf_addstr(&in, "To: ");
	for (i = 0; i < 300; i++)
		(void)buf_printf(&in, "%su%d", i ? ", " : "", i);
	(void)buf_addstr(&in, "\r\n");
	buf_init(&out, HDR_FIELD_MAX * 2);
	rc = hdrfix_qualify(in.data, in.len, &ctx, &out);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "u299@example.org\r\n"));
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "To: u0@example.org, "));
	buf_free(&in);
	/* an output buffer too small to hold the result: -1, not a cut */
	buf_free(&out);
	buf_init(&out, 64);
	ck_assert_int_eq(hdrfix_qualify("To: a, b, c, d, e, f, g, h, i\r\n",
	    31, &ctx, &out), -1);
	buf_free(&out);
}
END_TEST

static Suite *
aliases_suite(void)
{
	Suite *s = suite_create("aliases");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, expands, 0,
	    (int)(sizeof(expand_cases) / sizeof(expand_cases[0])));
	tcase_add_loop_test(tc, rejects_bad_files, 0,
	    (int)(sizeof(bad_files) / sizeof(bad_files[0])));
	tcase_add_test(tc, nul_and_long_lines);
	tcase_add_test(tc, loops_and_depth);
	tcase_add_test(tc, no_table_only_qualifies);
	tcase_add_loop_test(tc, qualifies_fields, 0,
	    (int)(sizeof(fix_cases) / sizeof(fix_cases[0])));
	tcase_add_test(tc, unparsable_fields_kept);
	tcase_add_test(tc, first_mailbox);
	tcase_add_test(tc, long_field_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(aliases_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
