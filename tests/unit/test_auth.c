/*
 * test_auth.c - AUTH: the XOAUTH2/OAUTHBEARER payload builders (exact
 * bytes), base64, the mechanism choice, the -v redaction, the password
 * sources (password_file policy, passwordeval success and failures), and
 * whole AUTH exchanges through smtp_open_fd() against a scripted server
 * thread on a socketpair (scripted_server.c): PLAIN with an initial
 * response, LOGIN's 334 loop, 535, a malformed challenge, a premature
 * 235 for SCRAM, AUTH not offered, plaintext refused.
 */
#include "compat.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "b64.h"
#include "bounds.h"
#include "diag.h"
#include "sasl.h"
#include "secret.h"
#include "smtp.h"
#include "smtp_auth.h"
#include "util.h"

#include "scripted_server.h"

/* ------------------------------------------------------ OAuth payloads */

static const struct {
	int		 bearer;
	const char	*user, *token;
	const char	*want;		/* NULL: must fail */
	size_t		 wantlen;
} oauth_cases[] = {
#define W(s)	s, sizeof(s) - 1
	{ 0, "alice@example.com", "ya29.tok",
	    W("user=alice@example.com\001auth=Bearer ya29.tok\001\001") },
	{ 1, "alice@example.com", "ya29.tok",
	    W("n,a=alice@example.com,\001auth=Bearer ya29.tok\001\001") },
	{ 1, "a,b=c", "t",
	    W("n,a=a=2Cb=3Dc,\001auth=Bearer t\001\001") },
	{ 0, "a,b=c", "t", W("user=a,b=c\001auth=Bearer t\001\001") },
	{ 1, "==,,", "t", W("n,a==3D=3D=2C=2C,\001auth=Bearer t\001\001") },
	{ 0, "", "t", NULL, 0 },
	{ 1, "", "t", NULL, 0 },
	{ 0, "u", "", NULL, 0 },
	{ 1, "u", "", NULL, 0 },
	{ 0, "u\001x", "t", NULL, 0 },		/* the separator */
	{ 1, "u\nx", "t", NULL, 0 },
	{ 0, "u", "t\001", NULL, 0 },
	{ 1, "u", "t t", NULL, 0 },		/* a space in a token */
	{ 0, "u", "t\x7f", NULL, 0 },
	{ 1, "u", "t\xc3\xa9", NULL, 0 },	/* non-ASCII token */
#undef W
};

START_TEST(test_oauth_payload)
{
	char out[256], e1[512], e2[512];
	size_t len = 99;
	int rc;

	rc = oauth_cases[_i].bearer ?
	    sasl_oauthbearer_payload(out, sizeof(out), &len,
	    oauth_cases[_i].user, oauth_cases[_i].token) :
	    sasl_xoauth2_payload(out, sizeof(out), &len,
	    oauth_cases[_i].user, oauth_cases[_i].token);
	if (oauth_cases[_i].want == NULL) {
		ck_assert_msg(rc == -1 && len == 0, "case %d: got rc %d len "
		    "%zu, want -1 and 0", _i, rc, len);
		return;
	}
	ck_assert_msg(rc == 0 && len == oauth_cases[_i].wantlen &&
	    memcmp(out, oauth_cases[_i].want, len) == 0,
	    "case %d: got rc %d \"%s\", want \"%s\"", _i, rc,
	    script_esc(out, rc == 0 ? len : 0, e1, sizeof(e1)),
	    script_esc(oauth_cases[_i].want, oauth_cases[_i].wantlen, e2,
	    sizeof(e2)));
}
END_TEST

START_TEST(test_oauth_payload_bounds)
{
	char out[64];
	size_t len, need = sizeof("user=u\001auth=Bearer 0123456789\001\001")
	    - 1;

	/* Exactly enough room works; one byte less fails cleanly. */
	ck_assert_int_eq(sasl_xoauth2_payload(out, need, &len, "u",
	    "0123456789"), 0);
	ck_assert_uint_eq(len, need);
	ck_assert_int_eq(sasl_xoauth2_payload(out, need - 1, &len, "u",
	    "0123456789"), -1);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(sasl_oauthbearer_payload(out, 10, &len, ",,,,",
	    "t"), -1);
}
END_TEST

/* ------------------------------------------------------------ base64 */

static const struct {
	const char	*raw;
	size_t		 rawlen;
	const char	*b64;
} b64_cases[] = {
	{ "", 0, "" },
	{ "f", 1, "Zg==" },
	{ "fo", 2, "Zm8=" },
	{ "foo", 3, "Zm9v" },
	{ "foob", 4, "Zm9vYg==" },
	{ "fooba", 5, "Zm9vYmE=" },
	{ "foobar", 6, "Zm9vYmFy" },
	{ "\0alice\0pw", 9, "AGFsaWNlAHB3" },
	{ "\377\376\375", 3, "//79" },
	{ "\001", 1, "AQ==" },
};

START_TEST(test_b64_roundtrip)
{
	char enc[64], dec[64], e1[128], e2[128];
	size_t n;

	ck_assert_int_eq(b64_encode(b64_cases[_i].raw,
	    b64_cases[_i].rawlen, enc, sizeof(enc), &n), 0);
	ck_assert_msg(strcmp(enc, b64_cases[_i].b64) == 0 &&
	    n == strlen(enc), "encode case %d: got \"%s\", want \"%s\"", _i,
	    enc, b64_cases[_i].b64);
	ck_assert_int_eq(b64_decode(b64_cases[_i].b64,
	    strlen(b64_cases[_i].b64), dec, sizeof(dec), &n), 0);
	ck_assert_msg(n == b64_cases[_i].rawlen &&
	    memcmp(dec, b64_cases[_i].raw, n) == 0 && dec[n] == '\0',
	    "decode case %d: got \"%s\", want \"%s\"", _i,
	    script_esc(dec, n, e1, sizeof(e1)), script_esc(b64_cases[_i].raw,
	    b64_cases[_i].rawlen, e2, sizeof(e2)));
}
END_TEST

static const char *const b64_bad[] = {
	"Zg=", "Z===", "====", "Zg=a", "Zm9v!", "Zm 9v", " Zg==", "Zg==\r",
	"Zg==Zg==", "=Zg=", "Zm9", "Zm9-", "Zm9_",
};

START_TEST(test_b64_malformed)
{
	char dec[64];
	size_t n = 7;

	ck_assert_msg(b64_decode(b64_bad[_i], strlen(b64_bad[_i]),
	    dec, sizeof(dec), &n) == -1, "\"%s\" decoded, want an error",
	    b64_bad[_i]);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_b64_limits)
{
	char out[16];
	size_t n;

	/* "=" is the empty initial response (RFC 4954 4). */
	ck_assert_int_eq(b64_decode("=", 1, out, sizeof(out), &n),
	    0);
	ck_assert_uint_eq(n, 0);
	/* A NUL inside the text is not base64. */
	ck_assert_int_eq(b64_decode("Zm\0v", 4, out, sizeof(out),
	    &n), -1);
	/* Output bounds: 6 bytes + NUL need 7. */
	ck_assert_int_eq(b64_decode("Zm9vYmFy", 8, out, 6, &n), -1);
	ck_assert_int_eq(b64_decode("Zm9vYmFy", 8, out, 7, &n), 0);
	ck_assert_int_eq(b64_encode("foobar", 6, out, 8, &n), -1);
	ck_assert_int_eq(b64_encode("foobar", 6, out, 9, &n), 0);
	ck_assert_str_eq(out, "Zm9vYmFy");
	ck_assert_int_eq(b64_decode("", 0, out, 0, &n), -1);
}
END_TEST

/* --------------------------------------------------- mechanism choice */

static const struct {
	const char	*offered, *usable, *forced, *want;
} choose_cases[] = {
#define LIB	"SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5 PLAIN LOGIN XOAUTH2 " \
		"OAUTHBEARER DIGEST-MD5 NTLM ANONYMOUS"
	{ "PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256", LIB, NULL,
	    "SCRAM-SHA-256" },
	{ "PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1", LIB, NULL, "SCRAM-SHA-1" },
	{ "LOGIN PLAIN CRAM-MD5", LIB, NULL, "CRAM-MD5" },
	{ "LOGIN PLAIN", LIB, NULL, "PLAIN" },
	{ "LOGIN", LIB, NULL, "LOGIN" },
	{ "login plain", LIB, NULL, "PLAIN" },
	/* never chosen by "auth on": OAuth (a token is not a password),
	 * and mechanisms we do not support */
	{ "XOAUTH2 OAUTHBEARER", LIB, NULL, NULL },
	{ "DIGEST-MD5 NTLM GSSAPI ANONYMOUS", LIB, NULL, NULL },
	{ "SCRAM-SHA-256-PLUS", LIB, NULL, NULL },
	{ "SCRAM-SHA-512 PLAIN", LIB, NULL, "PLAIN" },
	/* the library decides too (no scram plugin installed) */
	{ "SCRAM-SHA-256 PLAIN", "PLAIN LOGIN", NULL, "PLAIN" },
	{ "SCRAM-SHA-256", "PLAIN LOGIN", NULL, NULL },
	{ "", LIB, NULL, NULL },
	/* forced */
	{ "PLAIN LOGIN", LIB, "LOGIN", "LOGIN" },
	{ "XOAUTH2 PLAIN", LIB, "XOAUTH2", "XOAUTH2" },
	{ "PLAIN", LIB, "XOAUTH2", NULL },
	{ "XOAUTH2", "PLAIN", "XOAUTH2", NULL },
	{ "PLAINX LOGIN", LIB, "PLAIN", NULL },
	{ "PLAI", LIB, "PLAIN", NULL },
#undef LIB
};

START_TEST(test_choose)
{
	const char *got = smtp_auth_choose(choose_cases[_i].offered,
	    choose_cases[_i].usable, choose_cases[_i].forced);
	const char *want = choose_cases[_i].want;

	ck_assert_msg((got == NULL && want == NULL) || (got != NULL &&
	    want != NULL && strcmp(got, want) == 0), "offered \"%s\": got "
	    "%s, want %s", choose_cases[_i].offered, got ? got : "NULL",
	    want ? want : "NULL");
}
END_TEST

START_TEST(test_list_has)
{
	ck_assert_int_eq(smtp_auth_list_has("PLAIN LOGIN", "login"), 1);
	ck_assert_int_eq(smtp_auth_list_has("  PLAIN   LOGIN ", "LOGIN"), 1);
	ck_assert_int_eq(smtp_auth_list_has("PLAINLOGIN", "LOGIN"), 0);
	ck_assert_int_eq(smtp_auth_list_has("PLAIN", ""), 0);
	ck_assert_int_eq(smtp_auth_list_has("", "PLAIN"), 0);
	ck_assert_int_eq(smtp_auth_list_has("SCRAM-SHA-1", "SCRAM-SHA-1"), 1);
	ck_assert_int_eq(smtp_auth_list_has("SCRAM-SHA-1-PLUS", "SCRAM-SHA-1"),
	    0);
}
END_TEST

/* ------------------------------------------------------------ redaction */

static const struct {
	int		 server;
	const char	*line, *want;
} redact_cases[] = {
	{ 0, "AUTH PLAIN AGFsaWNlAHB3", "AUTH PLAIN <redacted>" },
	{ 0, "AUTH LOGIN", "AUTH LOGIN" },
	{ 0, "AUTH XOAUTH2 dXNlcj1h", "AUTH XOAUTH2 <redacted>" },
	{ 0, "AUTH PLAIN =", "AUTH PLAIN <redacted>" },
	{ 0, "auth plain AGFs", "auth plain <redacted>" },
	{ 0, "YWxpY2U=", "<redacted>" },
	{ 0, "AQ==", "<redacted>" },
	{ 0, "*", "*" },
	{ 0, "", "" },
	{ 0, "AUTHX", "<redacted>" },
	{ 1, "334 VXNlcm5hbWU6", "334 <redacted>" },
	{ 1, "334 ", "334 " },
	{ 1, "334", "334" },
	{ 1, "235 2.7.0 Authentication successful",
	    "235 2.7.0 Authentication successful" },
	{ 1, "535 5.7.8 Error: authentication failed",
	    "535 5.7.8 Error: authentication failed" },
};

START_TEST(test_redact)
{
	char out[128];

	smtp_auth_redact(redact_cases[_i].server, redact_cases[_i].line,
	    strlen(redact_cases[_i].line), out, sizeof(out));
	ck_assert_msg(strcmp(out, redact_cases[_i].want) == 0, "\"%s\": got "
	    "\"%s\", want \"%s\"", redact_cases[_i].line, out,
	    redact_cases[_i].want);
}
END_TEST

START_TEST(test_redact_small)
{
	char out[8];

	smtp_auth_redact(0, "AUTH PLAIN AGFsaWNlAHB3", 23, out, sizeof(out));
	ck_assert_msg(strstr("AUTH PLAIN <redacted>", out) != NULL &&
	    strlen(out) == 7, "got \"%s\"", out);
	ck_assert(strstr(out, "AGFs") == NULL);
}
END_TEST

/* ------------------------------------------------------------ secrets */

static const struct {
	const char	*cmd;
	const char	*want;		/* NULL: must fail */
	const char	*why;		/* in the failure text */
} eval_cases[] = {
	{ "printf 'tok-123\\n'", "tok-123", NULL },
	{ "printf 'tok-123'", "tok-123", NULL },
	{ "printf 'tok\\r\\nsecond line\\n'", "tok", NULL },
	{ "echo first; echo second", "first", NULL },
	{ "echo 'with spaces  '", "with spaces  ", NULL },
	{ "exit 3", NULL, "exit status 3" },
	{ "echo token; exit 1", NULL, "exit status 1" },
	{ "true", NULL, "printed nothing" },
	{ "echo", NULL, "empty first line" },
	{ "printf 'a\\000b\\n'", NULL, "NUL" },
	{ "printf 'a\\rb\\n'", NULL, "carriage return" },
	{ "head -c 7000 /dev/zero | tr '\\0' x", NULL, "longer than" },
	{ "kill -9 $$", NULL, "signal 9" },
	{ "/nonexistent/command", NULL, "exit status 127" },
	{ "if then fi", NULL, "exit status 2" },
	/* the command is not in any argv (cmdline is world-readable) */
	{ "tr '\\0' ' ' </proc/$$/cmdline; echo # marker-zz9",
	    "/bin/sh -c . /dev/fd/3 ", NULL },
	/* stdin is /dev/null, not ours */
	{ "cat; echo done", "done", NULL },
	/* a lot of output after the first line is drained */
	{ "echo tok; head -c 300000 /dev/zero", "tok", NULL },
};

START_TEST(test_passwordeval)
{
	struct diag d;
	char *out = (char *)1;
	int rc;

	diag_clear(&d);
	rc = secret_eval(eval_cases[_i].cmd, 10, &out, &d);
	if (eval_cases[_i].want != NULL) {
		ck_assert_msg(rc == 0 && out != NULL &&
		    strcmp(out, eval_cases[_i].want) == 0, "\"%s\": got rc "
		    "%d \"%s\" (%s), want \"%s\"", eval_cases[_i].cmd, rc,
		    rc == 0 ? out : "", d.text, eval_cases[_i].want);
		freezero_str(out);
		return;
	}
	ck_assert_msg(rc == -1 && out == NULL, "\"%s\": got rc %d, want -1",
	    eval_cases[_i].cmd, rc);
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_int_eq(d.stage, STAGE_AUTH);
	ck_assert_msg(strstr(d.text, eval_cases[_i].why) != NULL, "\"%s\": "
	    "text \"%s\" does not say \"%s\"", eval_cases[_i].cmd, d.text,
	    eval_cases[_i].why);
	ck_assert_msg(strstr(d.text, eval_cases[_i].cmd) == NULL,
	    "the command is quoted in \"%s\"", d.text);
}
END_TEST

START_TEST(test_passwordeval_timeout)
{
	struct diag d;
	char *out;
	time_t t0 = time(NULL);

	/* The grandchild keeps stdout open: the whole group is killed. */
	ck_assert_int_eq(secret_eval("sleep 30 & sleep 30", 1, &out, &d), -1);
	ck_assert_msg(time(NULL) - t0 <= 5, "took %ld s",
	    (long)(time(NULL) - t0));
	ck_assert_msg(strstr(d.text, "did not finish within 1 s") != NULL,
	    "got \"%s\"", d.text);
	/* Closes stdout but does not exit. */
	ck_assert_int_eq(secret_eval("echo tok; exec >&-; sleep 30", 1, &out,
	    &d), -1);
	ck_assert_msg(strstr(d.text, "did not finish") != NULL, "got \"%s\"",
	    d.text);
}
END_TEST

static char tmpdir[64];

static char *
write_file(const char *name, const char *data, size_t len, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	int fd;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ck_assert_int_eq(close(fd), 0);
	return path;
}

static void
setup_tmp(void)
{
	(void)strlcpy(tmpdir, "/tmp/test_auth.XXXXXX", sizeof(tmpdir));
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown_tmp(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static const struct {
	const char	*data;
	size_t		 len;
	mode_t		 mode;
	const char	*want;		/* NULL: must fail */
	const char	*why;
} file_cases[] = {
	{ "s3cret\n", 7, 0600, "s3cret", NULL },
	{ "s3cret", 6, 0640, "s3cret", NULL },
	{ "s3cret\r\nignored\n", 16, 0400, "s3cret", NULL },
	{ "s3cret\n", 7, 0644, NULL, "chmod 0640" },
	{ "s3cret\n", 7, 0620, NULL, "group-writable" },
	{ "s3cret\n", 7, 0602, NULL, "world-writable" },
	{ "", 0, 0600, NULL, "empty first line" },
	{ "\nsecond\n", 8, 0600, NULL, "empty first line" },
	{ "a\0b\n", 4, 0600, NULL, "NUL" },
};

START_TEST(test_password_file)
{
	struct diag d;
	char *path, *out = (char *)1;
	int rc;

	path = write_file("pw", file_cases[_i].data, file_cases[_i].len,
	    file_cases[_i].mode);
	diag_clear(&d);
	rc = secret_read_file(path, &out, &d);
	if (file_cases[_i].want != NULL) {
		ck_assert_msg(rc == 0 && strcmp(out, file_cases[_i].want) == 0,
		    "case %d: got rc %d (%s), want \"%s\"", _i, rc, d.text,
		    file_cases[_i].want);
		freezero_str(out);
	} else {
		ck_assert_msg(rc == -1 && out == NULL, "case %d: got rc %d, "
		    "want -1", _i, rc);
		ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
		ck_assert_msg(strstr(d.text, file_cases[_i].why) != NULL,
		    "case %d: \"%s\" does not say \"%s\"", _i, d.text,
		    file_cases[_i].why);
		ck_assert(strstr(d.text, "s3cret") == NULL);
	}
	free(path);
}
END_TEST

START_TEST(test_password_file_special)
{
	struct diag d;
	char *path, *link, *big, *out;

	/* missing */
	path = xasprintf("%s/missing", tmpdir);
	ck_assert_int_eq(secret_read_file(path, &out, &d), -1);
	ck_assert_msg(strstr(d.text, "cannot open") != NULL, "%s", d.text);
	free(path);
	/* a symbolic link is refused, even to a good file */
	path = write_file("good", "pw\n", 3, 0600);
	link = xasprintf("%s/link", tmpdir);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(secret_read_file(link, &out, &d), -1);
	ck_assert_msg(strstr(d.text, "symbolic link") != NULL, "%s", d.text);
	free(link);
	free(path);
	/* a FIFO does not block us and is refused */
	path = xasprintf("%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(secret_read_file(path, &out, &d), -1);
	ck_assert_msg(strstr(d.text, "not a regular file") != NULL, "%s",
	    d.text);
	free(path);
	/* too big */
	big = xcalloc(1, SECRET_FILE_MAX + 10);
	memset(big, 'x', SECRET_FILE_MAX + 9);
	big[3] = '\n';
	path = write_file("big", big, SECRET_FILE_MAX + 9, 0600);
	ck_assert_int_eq(secret_read_file(path, &out, &d), -1);
	ck_assert_msg(strstr(d.text, "larger than") != NULL, "%s", d.text);
	free(path);
	free(big);
}
END_TEST

START_TEST(test_secret_load)
{
	struct secret_src src;
	struct diag d;
	char *out;

	memset(&src, 0, sizeof(src));
	ck_assert_int_eq(secret_load(&src, &out, &d), -1);
	ck_assert_msg(strstr(d.text, "no password source") != NULL, "%s",
	    d.text);
	src.password = "pw";
	src.eval = "echo x";
	ck_assert_int_eq(secret_load(&src, &out, &d), -1);
	ck_assert_msg(strstr(d.text, "more than one") != NULL, "%s", d.text);
	src.eval = NULL;
	ck_assert_int_eq(secret_load(&src, &out, &d), 0);
	ck_assert_str_eq(out, "pw");
	freezero_str(out);
	src.password = "";
	ck_assert_int_eq(secret_load(&src, &out, &d), -1);
	src.password = NULL;
	src.eval = "printf 'from-eval\\n'";
	ck_assert_int_eq(secret_load(&src, &out, &d), 0);
	ck_assert_str_eq(out, "from-eval");
	freezero_str(out);
}
END_TEST

/* ------------------------------------------------- scripted exchanges */

/*
 * Run smtp_open_fd with AUTH a (password "pw" for user alice unless the
 * caller set a source) over plaintext against steps; returns its result.
 */
static int
exchange(const struct script_step *steps, size_t n,
    struct smtp_auth_params *a, struct diag *d, char *tail, size_t tailsize)
{
	struct smtp_session s;
	struct smtp_params p;
	struct script_server sv;
	int fd, rc;

	fd = script_start(&sv, steps, n);
	memset(&p, 0, sizeof(p));
	p.host = "smtp.example.com";
	p.port = 587;
	p.timeout = 5;
	p.helo = "client.test";
	p.auth = a;
	rc = smtp_open_fd(&s, fd, &p, d);
	if (rc == 0)
		smtp_quit(&s);
	else
		smtp_close(&s);
	script_wait(&sv, NULL);
	(void)strlcpy(tail, sv.tail, tailsize);
	return rc;
}

static void
auth_params(struct smtp_auth_params *a, const char *mech)
{
	memset(a, 0, sizeof(*a));
	a->user = "alice";
	a->mech = mech;
	a->secret.password = "pw";
	a->plaintext_ok = 1;
}

#define GREET	"220 smtp.example.com ESMTP\r\n"
#define EHLO	"EHLO client.test\r\n"
#define CAPS(m)	"250-smtp.example.com\r\n250-AUTH " m "\r\n250 8BITMIME\r\n"
#define STEPS(a)	(a), SCRIPT_NSTEPS(a)

static const struct script_step ex_plain[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS("LOGIN PLAIN"), SCRIPT_NONE },
	{ "AUTH PLAIN AGFsaWNlAHB3\r\n", "235 2.7.0 OK\r\n", SCRIPT_NONE },
};

static const struct script_step ex_login[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS("LOGIN"), SCRIPT_NONE },
	{ "AUTH LOGIN\r\n", "334 VXNlcm5hbWU6\r\n", SCRIPT_NONE },
	{ "YWxpY2U=\r\n", "334 UGFzc3dvcmQ6\r\n", SCRIPT_NONE },
	{ "cHc=\r\n", "235 2.7.0 OK\r\n", SCRIPT_NONE },
};

static const struct script_step ex_535[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS("PLAIN"), SCRIPT_NONE },
	{ "AUTH PLAIN AGFsaWNlAHB3\r\n",
	  "535 5.7.8 Authentication credentials invalid\r\n", SCRIPT_NONE },
};

static const struct script_step ex_bad_challenge[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS("LOGIN"), SCRIPT_NONE },
	{ "AUTH LOGIN\r\n", "334 not*base64\r\n", SCRIPT_NONE },
	{ "*\r\n", "501 5.7.0 cancelled\r\n", SCRIPT_NONE },
};

/*
 * 235 right after SCRAM's client-first: the server proved nothing.  The
 * client-first message has a random nonce: the 235 goes out unasked and
 * the AUTH line lands in the tail.
 */
static const struct script_step ex_scram_early_235[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS("SCRAM-SHA-256"), SCRIPT_NONE },
	{ NULL, "235 2.7.0 OK\r\n", SCRIPT_NONE },
};

static const struct script_step ex_no_auth[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, "250-smtp.example.com\r\n250 8BITMIME\r\n", SCRIPT_NONE },
};

static const struct script_step ex_plain_login_offered[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS("PLAIN LOGIN"), SCRIPT_NONE },
};

static const struct script_step ex_plain_offered[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS("PLAIN"), SCRIPT_NONE },
};

static const struct script_step ex_oauth_error[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS("OAUTHBEARER"), SCRIPT_NONE },
	{ "AUTH OAUTHBEARER bixhPWFsaWNlLAFhdXRoPUJlYXJlciBwdwEB\r\n",
	  "334 eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0=\r\n", SCRIPT_NONE },
	{ "AQ==\r\n", "535 5.7.8 bad token\r\n", SCRIPT_NONE },
};

/*
 * Whole exchanges: every failure is a TEMPFAIL (a credentials problem is
 * fixed by a person, then the queue retries); the tail is what the
 * client sent after the script.
 */
static const struct {
	const char		*name;
	const struct script_step *steps;
	size_t			 nsteps;
	const char		*mech;		/* or NULL: choose */
	int			 plaintext_ok;
	const char		*eval;		/* passwordeval instead of pw */
	int			 rc;
	const char		*tail;		/* exact, or NULL */
	const char		*tail_prefix;	/* or NULL */
	const char		*prefix;	/* d.text begins so, or NULL */
	const char		*words[2];	/* in d.text */
	const char		*absent[2];	/* never in d.text */
	const char		*cat_id;	/* or NULL */
	enum smtp_stage		 stage;		/* of a failure */
	int			 code;		/* d.smtp_code of a failure */
} exchange_cases[] = {
	{ "plain", STEPS(ex_plain), NULL, 1, NULL, 0, "QUIT\r\n", NULL,
	  NULL, { NULL, NULL }, { NULL, NULL }, NULL,
	  STAGE_AUTH, 0 },
	/* LOGIN's 334 loop */
	{ "login", STEPS(ex_login), NULL, 1, NULL, 0, "QUIT\r\n", NULL,
	  NULL, { NULL, NULL }, { NULL, NULL }, NULL,
	  STAGE_AUTH, 0 },
	/* the text explains, and never carries the credentials */
	{ "535", STEPS(ex_535), "PLAIN", 1, NULL, -1, NULL, NULL,
	  "535 5.7.8 from smtp.example.com: the server rejected the "
	  "credentials of user alice",
	  { "If the account uses two-factor authentication, use an app "
	    "password or OAuth2", NULL },
	  { "AGFsaWNlAHB3", "pw" }, "smtp-535",
	  STAGE_AUTH, 535 },
	{ "bad_challenge", STEPS(ex_bad_challenge), NULL, 1, NULL, -1, NULL,
	  NULL, NULL, { "malformed challenge", NULL }, { NULL, NULL },
	  NULL, STAGE_AUTH, 0 },
	{ "scram_early_235", STEPS(ex_scram_early_235), NULL, 1, NULL, -1,
	  NULL, "AUTH SCRAM-SHA-256 ", NULL, { "did not prove", NULL },
	  { NULL, NULL }, NULL,
	  STAGE_AUTH, 0 },
	/* nothing is sent after EHLO */
	{ "not_offered", STEPS(ex_no_auth), NULL, 1, NULL, -1, "", NULL,
	  NULL, { "does not offer AUTH", NULL }, { NULL, NULL }, NULL,
	  STAGE_AUTH, 0 },
	{ "mech_not_offered", STEPS(ex_plain_login_offered), "CRAM-MD5", 1,
	  NULL, -1, "", NULL, NULL,
	  { "does not offer AUTH CRAM-MD5 (it offers: PLAIN LOGIN)", NULL },
	  { NULL, NULL }, NULL,
	  STAGE_AUTH, 0 },
	{ "plaintext_refused", STEPS(ex_plain_offered), NULL, 0, NULL, -1,
	  "", NULL, NULL, { "unencrypted", "auth_plaintext on" },
	  { NULL, NULL }, NULL,
	  STAGE_AUTH, 0 },
	/* no AUTH without a secret */
	{ "secret_failure", STEPS(ex_plain_offered), NULL, 1, "exit 4", -1,
	  "", NULL, NULL, { "exit status 4", NULL }, { NULL, NULL }, NULL,
	  STAGE_AUTH, 0 },
	{ "oauth_error", STEPS(ex_oauth_error), "OAUTHBEARER", 1, NULL, -1,
	  NULL, NULL, NULL,
	  { "rejected the OAuth2 access token of user alice (OAUTHBEARER: "
	    "{\"status\":\"invalid_token\"})", NULL }, { NULL, NULL }, NULL,
	  STAGE_AUTH, 535 },
};

/* d.text of exchange case i: its prefix, words, absences, catalogue id. */
static void
check_exchange_text(size_t i, const struct diag *d)
{
	const char *pre = exchange_cases[i].prefix;
	size_t k;

	if (pre != NULL)
		ck_assert_msg(strncmp(d->text, pre, strlen(pre)) == 0,
		    "%s: got \"%s\", want it to begin \"%s\"",
		    exchange_cases[i].name, d->text, pre);
	for (k = 0; k < 2; k++) {
		if (exchange_cases[i].words[k] != NULL)
			ck_assert_msg(strstr(d->text,
			    exchange_cases[i].words[k]) != NULL, "%s: \"%s\" "
			    "does not say \"%s\"", exchange_cases[i].name,
			    d->text, exchange_cases[i].words[k]);
		if (exchange_cases[i].absent[k] != NULL)
			ck_assert_msg(strstr(d->text,
			    exchange_cases[i].absent[k]) == NULL, "%s: \"%s\" "
			    "says \"%s\"", exchange_cases[i].name, d->text,
			    exchange_cases[i].absent[k]);
	}
	if (exchange_cases[i].cat_id != NULL)
		ck_assert_str_eq(d->cat_id, exchange_cases[i].cat_id);
}

START_TEST(test_exchange)
{
	const size_t i = (size_t)_i;
	const char *tp = exchange_cases[i].tail_prefix;
	struct smtp_auth_params a;
	struct diag d;
	char tail[256];
	int rc;

	auth_params(&a, exchange_cases[i].mech);
	a.plaintext_ok = exchange_cases[i].plaintext_ok;
	if (exchange_cases[i].eval != NULL) {
		a.secret.password = NULL;
		a.secret.eval = exchange_cases[i].eval;
	}
	rc = exchange(exchange_cases[i].steps, exchange_cases[i].nsteps, &a,
	    &d, tail, sizeof(tail));
	ck_assert_msg(rc == exchange_cases[i].rc, "%s: got %d, want %d (%s)",
	    exchange_cases[i].name, rc, exchange_cases[i].rc, d.text);
	if (rc == -1) {
		ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
		ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
		ck_assert_int_eq(d.stage, exchange_cases[i].stage);
		ck_assert_int_eq(d.smtp_code, exchange_cases[i].code);
	}
	if (exchange_cases[i].tail != NULL)
		ck_assert_str_eq(tail, exchange_cases[i].tail);
	if (tp != NULL)
		ck_assert_msg(strncmp(tail, tp, strlen(tp)) == 0, "%s: got "
		    "\"%s\", want it to begin \"%s\"", exchange_cases[i].name,
		    tail, tp);
	check_exchange_text(i, &d);
}
END_TEST

static const struct {
	const char	*reply;
	const char	*words;
} refusal_cases[] = {
	{ "534 5.7.9 Application-specific password required\r\n",
	    "app password" },
	{ "538 5.7.11 Encryption required\r\n", "tls starttls" },
	{ "454 4.7.0 Temporary authentication failure\r\n",
	    "temporary authentication failure" },
	{ "504 5.5.4 Unrecognized authentication type\r\n", "auth on" },
	{ "550 5.7.1 Go away\r\n", "AUTH PLAIN for user alice refused" },
	{ "250 2.0.0 what\r\n", "refused" },
};

START_TEST(test_exchange_refusals)
{
	const struct script_step st[] = {
		{ NULL, GREET, SCRIPT_NONE },
		{ EHLO, CAPS("PLAIN"), SCRIPT_NONE },
		{ "AUTH PLAIN AGFsaWNlAHB3\r\n", refusal_cases[_i].reply,
		  SCRIPT_NONE },
	};
	struct smtp_auth_params a;
	struct diag d;
	char tail[256];

	auth_params(&a, NULL);
	ck_assert_int_eq(exchange(STEPS(st), &a, &d, tail, sizeof(tail)),
	    -1);
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_msg(strstr(d.text, refusal_cases[_i].words) != NULL,
	    "\"%s\" does not say \"%s\"", d.text, refusal_cases[_i].words);
}
END_TEST

START_TEST(test_from_config)
{
	struct config cfg;
	struct smtp_auth_params a;

	memset(&cfg, 0, sizeof(cfg));
	cfg.auth = AUTH_MODE_OFF;
	ck_assert_int_eq(smtp_auth_from_config(&a, &cfg), 0);
	cfg.auth = AUTH_MODE_MECH;
	cfg.auth_mech = "XOAUTH2";
	cfg.user = "u";
	cfg.passwordeval = "cmd";
	cfg.timeout = 7;
	cfg.auth_plaintext = 1;
	ck_assert_int_eq(smtp_auth_from_config(&a, &cfg), 1);
	ck_assert_str_eq(a.mech, "XOAUTH2");
	ck_assert_str_eq(a.user, "u");
	ck_assert_str_eq(a.secret.eval, "cmd");
	ck_assert_ptr_null(a.secret.password);
	ck_assert_int_eq(a.secret.timeout, 7);
	ck_assert_int_eq(a.plaintext_ok, 1);
	cfg.auth = AUTH_MODE_ON;
	ck_assert_int_eq(smtp_auth_from_config(&a, &cfg), 1);
	ck_assert_ptr_null(a.mech);
}
END_TEST

START_TEST(test_plugin_dir)
{
	/* Compiled in; never from the environment. */
	ck_assert_int_eq(setenv("SASL_PATH", "/tmp/evil", 1), 0);
	ck_assert_str_eq(sasl_plugin_dir(), SASL_PLUGIN_DIR);
	ck_assert(sasl_plugin_dir()[0] == '/');
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc;

	tc = tcase_create("pure");
	tcase_add_loop_test(tc, test_oauth_payload, 0,
	    sizeof(oauth_cases) / sizeof(oauth_cases[0]));
	tcase_add_test(tc, test_oauth_payload_bounds);
	tcase_add_loop_test(tc, test_b64_roundtrip, 0,
	    sizeof(b64_cases) / sizeof(b64_cases[0]));
	tcase_add_loop_test(tc, test_b64_malformed, 0,
	    sizeof(b64_bad) / sizeof(b64_bad[0]));
	tcase_add_test(tc, test_b64_limits);
	tcase_add_loop_test(tc, test_choose, 0,
	    sizeof(choose_cases) / sizeof(choose_cases[0]));
	tcase_add_test(tc, test_list_has);
	tcase_add_loop_test(tc, test_redact, 0,
	    sizeof(redact_cases) / sizeof(redact_cases[0]));
	tcase_add_test(tc, test_redact_small);
	tcase_add_test(tc, test_from_config);
	tcase_add_test(tc, test_plugin_dir);
	suite_add_tcase(s, tc);

	tc = tcase_create("secret");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_loop_test(tc, test_passwordeval, 0,
	    sizeof(eval_cases) / sizeof(eval_cases[0]));
	tcase_add_test(tc, test_passwordeval_timeout);
	tcase_add_loop_test(tc, test_password_file, 0,
	    sizeof(file_cases) / sizeof(file_cases[0]));
	tcase_add_test(tc, test_password_file_special);
	tcase_add_test(tc, test_secret_load);
	suite_add_tcase(s, tc);

	tc = tcase_create("exchange");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_exchange, 0,
	    sizeof(exchange_cases) / sizeof(exchange_cases[0]));
	tcase_add_loop_test(tc, test_exchange_refusals, 0,
	    sizeof(refusal_cases) / sizeof(refusal_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(auth_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
