/*
 * test_policy.c - sender policy, recipients through the aliases, msmtp
 * account selection by the sender, an msmtprc written after the msmtp
 * manual's examples, and what msg.c does with them in the header
 * (qualification in place, From: rewrite with Reply-To, the push API
 * of -bs).
 */
#include "compat.h"

#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "aliases.h"
#include "buf.h"
#include "config.h"
#include "envelope.h"
#include "msg.h"
#include "policy.h"
#include "sysid.h"
#include "util.h"

static char	tmpdir[64];
static char	path[128];
static char	apath[128];
static struct sysid id;

/* An msmtprc in the shape of the msmtp manual's example. */
static const char msmtprc[] =
    "# Defaults for every account below\n"
    "defaults\n"
    "auth           on\n"
    "tls            on\n"
    "tls_trust_file /etc/ssl/certs/ca-certificates.crt\n"
    "logfile        /tmp/msmtp-test.log\n"
    "\n"
    "# A freemail service\n"
    "account        freemail\n"
    "host           smtp.freemail.example\n"
    "from           joe_smith@freemail.example\n"
    "user           joe.smith\n"
    "password       secret\n"
    "\n"
    "# A second address at the same service\n"
    "account        freemail2 : freemail\n"
    "from           joey@freemail.example\n"
    "\n"
    "# The provider's submission server, implicit TLS\n"
    "account        isp\n"
    "host           mail.isp.example\n"
    "port           465\n"
    "tls_starttls   off\n"
    "from           smithjoe@isp.example\n"
    "user           12345\n"
    "passwordeval   \"cat /dev/null\"\n"
    "\n"
    "# The account used when none is chosen\n"
    "account default : isp\n";

static void
write_file(const char *p, const char *text)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(close(fd), 0);
}

static void
setup(void)
{
	(void)strlcpy(tmpdir, "/tmp/sendsmtp-test-policy.XXXXXX",
	    sizeof(tmpdir));
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	(void)snprintf(path, sizeof(path), "%s/conf", tmpdir);
	(void)snprintf(apath, sizeof(apath), "%s/aliases", tmpdir);
	memset(&id, 0, sizeof(id));
	id.login = xstrdup("alice");
	id.fqdn = xstrdup("vm.lan");
	id.hostname = xstrdup("vm.lan");
	id.shortname = xstrdup("vm");
}

static void
teardown(void)
{
	(void)unlink(path);
	(void)unlink(apath);
	(void)rmdir(tmpdir);
	sysid_free(&id);
}

START_TEST(msmtprc_account_by_sender)
{
	static const struct {
		const char	*sender;
		const char	*account;
		const char	*host;
		const char	*user;
	} c[] = {
		{ NULL, "default", "mail.isp.example", "12345" },
		{ "joey@freemail.example", "freemail2",
		  "smtp.freemail.example", "joe.smith" },
		{ "JOE_SMITH@freemail.example", "freemail",
		  "smtp.freemail.example", "joe.smith" },
		{ "someone@else.example", "default", "mail.isp.example",
		  "12345" },
		{ "", "default", "mail.isp.example", "12345" },
	};
	struct config cfg;
	struct diag d;
	size_t i;

	write_file(path, msmtprc);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		ck_assert_msg(config_load_sender(path, NULL, c[i].sender, &cfg,
		    &d) == 0, "load: %s", d.text);
		ck_assert_msg(strcmp(cfg.account, c[i].account) == 0,
		    "sender %s: got account %s, want %s", c[i].sender,
		    cfg.account, c[i].account);
		ck_assert_str_eq(cfg.host, c[i].host);
		ck_assert_str_eq(cfg.user, c[i].user);
		config_free(&cfg);
	}
	/* the implicit-TLS account of the msmtp example */
	memset(&cfg, 0, sizeof(cfg));
	ck_assert_int_eq(config_load(path, "isp", &cfg, &d), 0);
	ck_assert_int_eq(cfg.tls, TLS_MODE_SMTPS);
	ck_assert_int_eq(config_port(&cfg), 465);
	ck_assert_str_eq(cfg.log, "/tmp/msmtp-test.log");
	config_free(&cfg);
	/* an account named on purpose wins over the sender */
	ck_assert_int_eq(config_load_sender(path, "freemail",
	    "smithjoe@isp.example", &cfg, &d), 0);
	ck_assert_str_eq(cfg.account, "freemail");
	config_free(&cfg);
}
END_TEST

/* Load cfg_text, init the policy, resolve a sender. */
static void
sender_case(const char *cfg_text, const char *given, const char *want)
{
	struct config cfg;
	struct policy p;
	struct diag d;
	char *got;

	write_file(path, cfg_text);
	memset(&cfg, 0, sizeof(cfg));
	ck_assert_msg(config_load(path, NULL, &cfg, &d) == 0, "%s", d.text);
	ck_assert_int_eq(policy_init(&p, &cfg, &id, &d), 0);
	ck_assert_int_eq(policy_sender(&p, given, "alice", &got, &d), 0);
	ck_assert_msg(strcmp(got, want) == 0, "%s-f %s: got %s, want %s",
	    cfg_text, given != NULL ? given : "(none)", got, want);
	free(got);
	policy_free(&p);
	config_free(&cfg);
}

START_TEST(sender_policies)
{
	static const char keep[] = "host h.example\ndomain example.org\n";
	static const char keepfrom[] = "host h.example\ndomain example.org\n"
	    "from web@example.org\n";
	static const char authfrom[] = "host h.example\ndomain example.org\n"
	    "from acct@example.org\nuser acct\npassword pw\n";
	static const char authuser[] = "host h.example\ndomain example.org\n"
	    "user acct@example.org\npassword pw\nsender_policy envelope\n";
	static const char forcekeep[] = "host h.example\ndomain example.org\n"
	    "from acct@example.org\nuser acct\npassword pw\n"
	    "sender_policy keep\n";
	static const char noover[] = "host h.example\ndomain example.org\n"
	    "from web@example.org\nallow_from_override off\n";

	sender_case(keep, NULL, "alice@example.org");
	sender_case(keep, "fail2ban", "fail2ban@example.org");
	sender_case(keep, "root@vm", "root@example.org");
	sender_case(keep, "root@localhost", "root@example.org");
	sender_case(keep, "a@b.example", "a@b.example");
	sender_case(keep, "", "");
	sender_case(keepfrom, NULL, "web@example.org");
	sender_case(keepfrom, "bounce@example.com", "bounce@example.com");
	/* default with user + from: the relay sees only the account */
	sender_case(authfrom, "bounce@example.com", "acct@example.org");
	sender_case(authfrom, NULL, "acct@example.org");
	sender_case(authfrom, "", "");
	sender_case(authuser, "x@y.example", "acct@example.org");
	sender_case(forcekeep, "x@y.example", "x@y.example");
	sender_case(noover, "x@y.example", "web@example.org");
}
END_TEST

START_TEST(policy_config_errors)
{
	struct config cfg;
	struct diag d;

	write_file(path, "host h.example\nsender_policy header\n");
	memset(&cfg, 0, sizeof(cfg));
	ck_assert_int_eq(config_load(path, NULL, &cfg, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(d.text, "needs the account's address"));
	config_free(&cfg);
	write_file(path, "host h.example\nsender_policy sometimes\n");
	ck_assert_int_eq(config_load(path, NULL, &cfg, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.text, "auto, keep, envelope or "
	    "header"));
	config_free(&cfg);
	write_file(path, "host h.example\nfrom a@b.example\n"
	    "set_from_header on\n");
	ck_assert_int_eq(config_load(path, NULL, &cfg, &d), 0);
	ck_assert_int_eq(cfg.sender_policy, SENDER_POLICY_HEADER);
	config_free(&cfg);
	write_file(path, "host h.example\nset_from_header off\n");
	ck_assert_int_eq(config_load(path, NULL, &cfg, &d), -1);
	config_free(&cfg);
	/* a broken aliases file stops policy_init with file:line */
	write_file(apath, "root: admin@example.com\nbad line\n");
	{
		char *text = xasprintf("host h.example\naliases %s\n", apath);
		struct policy p;

		write_file(path, text);
		free(text);
		ck_assert_int_eq(config_load(path, NULL, &cfg, &d), 0);
		ck_assert_int_eq(policy_init(&p, &cfg, &id, &d), -1);
		ck_assert_int_eq(d.exitcode, EX_CONFIG);
		ck_assert_ptr_nonnull(strstr(d.text, ":2: no ':'"));
		policy_free(&p);
		config_free(&cfg);
	}
}
END_TEST

START_TEST(recipients_through_aliases)
{
	struct config cfg;
	struct policy p;
	struct envelope env;
	struct diag d;
	char *text;
	static const char *const want[] = { "admin@example.com",
		"ops@example.com", "x@example.net", "fail2ban@example.org" };
	size_t i;

	write_file(apath, "root: admin@example.com, ops@example.com\n"
	    "postmaster: root\n");
	text = xasprintf("host h.example\ndomain example.org\naliases %s\n",
	    apath);
	write_file(path, text);
	free(text);
	memset(&cfg, 0, sizeof(cfg));
	ck_assert_int_eq(config_load(path, NULL, &cfg, &d), 0);
	ck_assert_int_eq(policy_init(&p, &cfg, &id, &d), 0);
	envelope_init(&env);
	ck_assert_int_eq(policy_add_rcpts(&p, "root,x@example.net", 18, &env,
	    &d), 0);
	ck_assert_int_eq(policy_add_rcpts(&p, "postmaster@vm", 13, &env, &d),
	    0);
	ck_assert_int_eq(policy_add_rcpts(&p, "fail2ban", 8, &env, &d), 0);
	ck_assert_uint_eq(env.nrcpts, 4);
	for (i = 0; i < 4; i++)
		ck_assert_msg(strcmp(env.rcpts[i].addr, want[i]) == 0,
		    "rcpt %zu: got %s, want %s", i, env.rcpts[i].addr, want[i]);
	ck_assert_int_eq(policy_add_rcpts(&p, "<bad", 4, &env, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_DATAERR);
	envelope_free(&env);
	policy_free(&p);
	config_free(&cfg);
}
END_TEST

/* ------------------------------------------------------------ msg.c */

static const char *const own[] = { "vm", "vm.lan", "localhost", NULL };
static const struct alias_ctx actx = { "example.org", own };

static char *
intake(const char *in, const struct msg_opts *o, struct envelope *env,
    int push)
{
	struct msg m;
	struct diag d;
	struct buf b;
	char chunk[4096];
	ssize_t n;
	char *s;
	int fd;

	if (push) {
		struct msg_in *mi = msg_begin(tmpdir, o, &m, env, &d);
		size_t i;

		ck_assert_ptr_nonnull(mi);
		/* one octet at a time: state must carry across pushes */
		for (i = 0; in[i] != '\0'; i++)
			ck_assert_int_eq(msg_push(mi, in + i, 1), 0);
		ck_assert_msg(msg_end(mi) == 0, "%s", d.text);
	} else {
		write_file(path, in);
		fd = open(path, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_msg(msg_read(fd, tmpdir, o, &m, env, &d) == 0, "%s",
		    d.text);
		close(fd);
	}
	buf_init(&b, 1 << 20);
	while ((n = read(m.fd, chunk, sizeof(chunk))) > 0)
		(void)buf_add(&b, chunk, (size_t)n);
	s = xstrdup(buf_str(&b));
	buf_free(&b);
	msg_discard(&m);
	return s;
}

START_TEST(header_qualification)
{
	struct msg_opts o;
	struct envelope env;
	struct aliases al;
	struct diag d;
	static const char al_text[] = "root: admin@example.com\n";
	char *out;

	ck_assert_int_eq(aliases_parse(al_text, strlen(al_text), "a", &al,
	    &d), 0);
	memset(&o, 0, sizeof(o));
	o.sender = "root@example.org";
	o.domain = "example.org";
	o.now = 1700000000;
	o.local = &actx;
	o.aliases = &al;
	o.extract_rcpts = 1;
	envelope_init(&env);
	out = intake("From: root (Cron Daemon)\nTo: root, b@x.example\n"
	    "Cc: ops@vm\nBcc: secret\nSubject: hi root\n\nbody root\n", &o,
	    &env, _i);
	ck_assert_msg(strstr(out, "From: root@example.org (Cron Daemon)\r\n")
	    != NULL, "got %s", out);
	ck_assert_ptr_nonnull(strstr(out, "To: root@example.org, "
	    "b@x.example\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "Cc: ops@example.org\r\n"));
	ck_assert_ptr_null(strstr(out, "Bcc"));
	ck_assert_ptr_null(strstr(out, "secret"));
	ck_assert_ptr_nonnull(strstr(out, "Subject: hi root\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "\r\n\r\nbody root\r\n"));
	/* -t recipients: through the aliases, the Bcc one qualified */
	ck_assert_uint_eq(env.nrcpts, 4);
	ck_assert_str_eq(env.rcpts[0].addr, "admin@example.com");
	ck_assert_str_eq(env.rcpts[1].addr, "b@x.example");
	ck_assert_str_eq(env.rcpts[2].addr, "ops@example.org");
	ck_assert_str_eq(env.rcpts[3].addr, "secret@example.org");
	free(out);
	envelope_free(&env);
	aliases_free(&al);
}
END_TEST

START_TEST(from_rewrite)
{
	struct msg_opts o;
	struct envelope env;
	char *out;

	memset(&o, 0, sizeof(o));
	o.sender = "acct@example.org";
	o.domain = "example.org";
	o.now = 1700000000;
	o.local = &actx;
	o.from_rewrite = "acct@example.org";
	envelope_init(&env);
	/* display name kept, original address to Reply-To */
	out = intake("From: \"Web App\" <web@shop.example>\nTo: a@b.example\n"
	    "\nx\n", &o, &env, 0);
	ck_assert_msg(strstr(out, "From: Web App <acct@example.org>\r\n") !=
	    NULL, "got %s", out);
	ck_assert_ptr_nonnull(strstr(out, "Reply-To: web@shop.example\r\n"));
	ck_assert_ptr_null(strstr(out, "From: \"Web App\""));
	free(out);
	/* an existing Reply-To is left alone, and not doubled */
	out = intake("Reply-To: help@shop.example\nFrom: Logwatch\n\nx\n", &o,
	    &env, 0);
	ck_assert_ptr_nonnull(strstr(out, "From: acct@example.org\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "Reply-To: help@shop.example\r\n"));
	ck_assert_ptr_null(strstr(out, "Reply-To: Logwatch"));
	free(out);
	/* the same address: no Reply-To */
	out = intake("From: Me <acct@EXAMPLE.org>\n\nx\n", &o, &env, 0);
	ck_assert_ptr_nonnull(strstr(out, "From: Me <acct@example.org>\r\n"));
	ck_assert_ptr_null(strstr(out, "Reply-To"));
	free(out);
	/* a comment name; a missing From is generated as before */
	out = intake("From: root (Cron Daemon)\n\nx\n", &o, &env, 0);
	ck_assert_ptr_nonnull(strstr(out,
	    "From: Cron Daemon <acct@example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "Reply-To: root@example.org\r\n"));
	free(out);
	out = intake("Subject: none\n\nx\n", &o, &env, 0);
	ck_assert_ptr_nonnull(strstr(out, "From: acct@example.org\r\n"));
	ck_assert_ptr_null(strstr(out, "Reply-To"));
	free(out);
	envelope_free(&env);
}
END_TEST

START_TEST(push_lone_dot_and_nul)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct diag d;
	struct msg_in *mi;
	static const char nul[] = "Subject: x\n\na\0b\n";

	memset(&o, 0, sizeof(o));
	o.sender = "a@example.org";
	o.domain = "example.org";
	envelope_init(&env);
	mi = msg_begin(tmpdir, &o, &m, &env, &d);
	ck_assert_ptr_nonnull(mi);
	ck_assert_int_eq(msg_push(mi, nul, sizeof(nul) - 1), -1);
	ck_assert_int_eq(msg_push(mi, "more\n", 5), -1);
	ck_assert_int_eq(msg_end(mi), -1);
	ck_assert_int_eq(d.exitcode, EX_DATAERR);
	ck_assert_int_eq(m.fd, -1);
	/* without ignore_dots a lone dot ends it; the rest is ignored */
	mi = msg_begin(tmpdir, &o, &m, &env, &d);
	ck_assert_msg(msg_push(mi, "Subject: y\n\nline\n.\nafter\n", 25) == 0,
	    "%s", d.text);
	ck_assert_int_eq(msg_end(mi), 0);
	ck_assert_int_gt(m.size, 0);
	{
		char buf[512];
		ssize_t n = read(m.fd, buf, sizeof(buf) - 1);

		ck_assert_int_gt(n, 0);
		buf[n] = '\0';
		ck_assert_ptr_nonnull(strstr(buf, "\r\nline\r\n"));
		ck_assert_ptr_null(strstr(buf, "after"));
	}
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, msmtprc_account_by_sender);
	tcase_add_test(tc, sender_policies);
	tcase_add_test(tc, policy_config_errors);
	tcase_add_test(tc, recipients_through_aliases);
	tcase_add_loop_test(tc, header_qualification, 0, 2);
	tcase_add_test(tc, from_rewrite);
	tcase_add_test(tc, push_lone_dot_and_nul);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
