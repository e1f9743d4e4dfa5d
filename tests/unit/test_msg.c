/*
 * test_msg.c - message intake: stdin -> wire-form temp file.
 *
 * Inputs are fed through an unlinked temp file (or a pipe with a writer
 * process for the streaming test); the output file is read back and
 * compared byte for byte.  Every output is also checked for the wire
 * invariants: CRLF only, no line over 998 octets, ends with CRLF.
 */
#include "compat.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "diag.h"
#include "envelope.h"
#include "msg.h"
#include "util.h"

/* 2023-11-14 22:13:20 UTC */
#define NOW		((time_t)1700000000)
#define NOW_DATE	"Tue, 14 Nov 2023 22:13:20 +0000"

/* Headers that stop msg.c from adding any. */
#define H_LF	"From: a@x\nDate: " NOW_DATE "\nMessage-ID: <1@x>\n"
#define H_CRLF	"From: a@x\r\nDate: " NOW_DATE "\r\nMessage-ID: <1@x>\r\n"

/* A string literal and its length (it may contain NUL bytes). */
#define LIT(s)		(s), (sizeof(s) - 1)

static char tmpdir[64];

static void
setup(void)
{
	(void)strlcpy(tmpdir, "/tmp/test_msg.XXXXXX", sizeof(tmpdir));
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* Number of entries in tmpdir (files msg.c left behind). */
static int
dir_count(void)
{
	DIR *dir = opendir(tmpdir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(dir);
	while ((de = readdir(dir)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dir);
	return n;
}

static void
teardown(void)
{
	DIR *dir = opendir(tmpdir);
	struct dirent *de;
	char *p;

	if (dir == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", tmpdir, de->d_name);
		(void)unlink(p);
		free(p);
	}
	closedir(dir);
	(void)rmdir(tmpdir);
}

/* An fd reading the given bytes (an unlinked regular file). */
static int
input_fd(const char *in, size_t len)
{
	char path[] = "/tmp/test_msg_in.XXXXXX";
	int fd = mkstemp(path);
	size_t off = 0;

	ck_assert_int_ne(fd, -1);
	(void)unlink(path);
	while (off < len) {
		ssize_t w = write(fd, in + off, len - off);

		ck_assert_int_gt(w, 0);
		off += (size_t)w;
	}
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void
default_opts(struct msg_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sender = "alice@example.org";
	o->domain = "example.org";
	o->now = NOW;
}

/* The whole output file; checks the fd is at offset 0 first. */
static char *
slurp(struct msg *m, size_t *len)
{
	struct buf b;
	char chunk[65536];
	ssize_t n;
	char *s;

	ck_assert_int_eq(lseek(m->fd, 0, SEEK_CUR), 0);
	buf_init(&b, (size_t)64 << 20);
	while ((n = read(m->fd, chunk, sizeof(chunk))) > 0)
		ck_assert_int_eq(buf_add(&b, chunk, (size_t)n), 0);
	ck_assert_int_eq(n, 0);
	*len = b.len;
	s = xmalloc(b.len + 1);
	memcpy(s, buf_str(&b), b.len + 1);
	buf_free(&b);
	ck_assert_int_eq((long long)*len, (long long)m->size);
	return s;
}

/* CRLF only, every line <= 998 octets, ends with CRLF (or is empty). */
static void
check_wire(const char *s, size_t len)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r') {
			ck_assert_msg(i + 1 < len && s[i + 1] == '\n',
			    "bare CR at offset %zu", i);
			ck_assert_msg(col <= LINE_MAX_WIRE, "line of %zu "
			    "octets ends at offset %zu", col, i);
			col = 0;
			i++;
			continue;
		}
		ck_assert_msg(s[i] != '\n', "bare LF at offset %zu", i);
		ck_assert_msg(s[i] != '\0', "NUL at offset %zu", i);
		col++;
	}
	ck_assert_msg(col == 0, "no CRLF at the end (%zu octets after)", col);
}

/* Run msg_read on in; on success returns the output (checked). */
static char *
run(const char *in, size_t inlen, const struct msg_opts *o,
    struct envelope *env, struct msg *m, size_t *outlen)
{
	struct diag d;
	char *out;
	int fd = input_fd(in, inlen);

	diag_clear(&d);
	ck_assert_msg(msg_read(fd, tmpdir, o, m, env, &d) == 0,
	    "msg_read failed: %s", d.text);
	close(fd);
	out = slurp(m, outlen);
	check_wire(out, *outlen);
	return out;
}

/* msg_read must fail with code; returns the diag text (static). */
static const char *
run_fail(const char *in, size_t inlen, const struct msg_opts *o, int code)
{
	static struct diag d;
	struct envelope env;
	struct msg m;
	int fd = input_fd(in, inlen);

	envelope_init(&env);
	ck_assert_int_eq(msg_read(fd, tmpdir, o, &m, &env, &d), -1);
	ck_assert_msg(d.exitcode == code, "got exit %d (%s), want %d",
	    d.exitcode, d.text, code);
	ck_assert_int_eq(m.fd, -1);
	ck_assert_ptr_null(m.path);
	ck_assert_int_eq(dir_count(), 0);
	close(fd);
	envelope_free(&env);
	return d.text;
}

/* Count lines of out that start with prefix (case-insensitive). */
static int
count_fields(const char *out, const char *prefix)
{
	const char *p = out;
	size_t n = strlen(prefix);
	int c = 0;

	while (p != NULL && *p != '\0') {
		if (ascii_strncasecmp(p, prefix, n) == 0)
			c++;
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return c;
}

/* ------------------------------------------------- exact byte tables */

static const struct {
	int		 ignore_dots;
	const char	*in;
	const char	*want;
} exact[] = {
	/* line ends */
	{ 0, H_LF "\nline1\nline2\n", H_CRLF "\r\nline1\r\nline2\r\n" },
	{ 0, H_CRLF "\r\nline1\r\nline2\r\n", H_CRLF "\r\nline1\r\nline2\r\n" },
	{ 0, H_CRLF "\nline1\r\nline2\nline3\r\n",
	  H_CRLF "\r\nline1\r\nline2\r\nline3\r\n" },
	{ 0, H_LF "\nlast", H_CRLF "\r\nlast\r\n" },
	{ 0, H_LF "\n\n\n", H_CRLF "\r\n\r\n\r\n" },
	/* bare CR policy: one space, never a line end */
	{ 0, H_LF "\na\rb\n", H_CRLF "\r\na b\r\n" },
	{ 0, H_LF "Subject: x\r\r\nTo: y\n\nb\n",
	  H_CRLF "Subject: x \r\nTo: y\r\n\r\nb\r\n" },
	{ 0, H_LF "\nlast\r", H_CRLF "\r\nlast \r\n" },
	{ 0, H_LF "\n\r\r\r\n", H_CRLF "\r\n  \r\n" },
	/* lone dot ends input without -i, not with -i */
	{ 0, H_LF "\na\n.\nb\n", H_CRLF "\r\na\r\n" },
	{ 1, H_LF "\na\n.\nb\n", H_CRLF "\r\na\r\n.\r\nb\r\n" },
	{ 0, H_LF "\na\r\n.\r\nb\r\n", H_CRLF "\r\na\r\n" },
	{ 0, H_LF "\na\n.", H_CRLF "\r\na\r\n" },
	{ 0, H_LF ".\nTo: x\n", H_CRLF "\r\n" },
	{ 1, H_LF ".\nTo: x\n", H_CRLF "\r\n.\r\nTo: x\r\n" },
	/* leading dots are kept */
	{ 0, H_LF "\n..x\n.x\n. \n", H_CRLF "\r\n..x\r\n.x\r\n. \r\n" },
	/* SMTP smuggling attempts */
	{ 0, H_LF "\nhi\n.\nMAIL FROM:<x>\nRCPT TO:<y>\n",
	  H_CRLF "\r\nhi\r\n" },
	{ 1, H_LF "\nhi\n.\nMAIL FROM:<x>\nRCPT TO:<y>\n",
	  H_CRLF "\r\nhi\r\n.\r\nMAIL FROM:<x>\r\nRCPT TO:<y>\r\n" },
	{ 0, H_LF "\nhi\r.\r\nMAIL FROM:<x>\r\n",
	  H_CRLF "\r\nhi .\r\nMAIL FROM:<x>\r\n" },
	{ 1, H_LF "\nhi\r.\r\nMAIL FROM:<x>\r\n",
	  H_CRLF "\r\nhi .\r\nMAIL FROM:<x>\r\n" },
	{ 0, H_LF "\nhi\n.\r\nMAIL FROM:<x>\r\n", H_CRLF "\r\nhi\r\n" },
	{ 1, H_LF "\nhi\n.\r\nMAIL FROM:<x>\r\n",
	  H_CRLF "\r\nhi\r\n.\r\nMAIL FROM:<x>\r\n" },
	{ 1, H_LF "\nhi\r\n.\rMAIL FROM:<x>\r\n",
	  H_CRLF "\r\nhi\r\n. MAIL FROM:<x>\r\n" },
	/* header edits: Bcc (with continuation), Resent-Bcc, Return-Path */
	{ 0, "Bcc: s@x,\n t@y\n" H_LF "bcc: u@z\nSubject: s\n\nbody\n",
	  H_CRLF "Subject: s\r\n\r\nbody\r\n" },
	{ 0, H_LF "Return-Path: <r@x>\nX: 1\n\tfolded\n\n",
	  H_CRLF "X: 1\r\n\tfolded\r\n\r\n" },
	/* mbox From lines */
	{ 0, "From alice Mon Jan  1 00:00:00 2024\n>From x\n" H_LF "\nb\n",
	  H_CRLF "\r\nb\r\n" },
	{ 0, H_LF "\nFrom here\n", H_CRLF "\r\nFrom here\r\n" },
	/* the first non-header line ends the headers: we add the blank */
	{ 0, H_LF "body at once\nTo: not a header\n",
	  H_CRLF "\r\nbody at once\r\nTo: not a header\r\n" },
	{ 0, H_LF " \tcontinued\n", H_CRLF " \tcontinued\r\n\r\n" },
};

START_TEST(exact_bytes)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	size_t len;
	char *out;
	int i = _i;

	default_opts(&o);
	o.ignore_dots = exact[i].ignore_dots;
	envelope_init(&env);
	out = run(exact[i].in, strlen(exact[i].in), &o, &env, &m, &len);
	ck_assert_msg(len == strlen(exact[i].want) &&
	    memcmp(out, exact[i].want, len) == 0,
	    "case %d: got\n[%s]\nwant\n[%s]", i, out, exact[i].want);
	ck_assert_uint_eq(env.nrcpts, 0);
	free(out);
	msg_discard(&m);
	ck_assert_int_eq(dir_count(), 0);
	envelope_free(&env);
}
END_TEST

/* A CRLF split across two reads must stay one line end. */
START_TEST(crlf_across_reads)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct buf in, want;
	size_t len, fill;
	char *out;

	default_opts(&o);
	envelope_init(&env);
	buf_init(&in, 1 << 20);
	buf_init(&want, 1 << 20);
	(void)buf_addstr(&in, H_CRLF "\r\n");
	(void)buf_addstr(&want, H_CRLF "\r\n");
	/* 100-octet lines until the next CR lands at offset IO_CHUNK - 1 */
	while (in.len + 102 < IO_CHUNK) {
		(void)buf_printf(&in, "%0100d\r\n", 7);
		(void)buf_printf(&want, "%0100d\r\n", 7);
	}
	fill = IO_CHUNK - 1 - in.len;
	while (fill-- > 0) {
		(void)buf_addc(&in, 'y');
		(void)buf_addc(&want, 'y');
	}
	ck_assert_uint_eq(in.len, IO_CHUNK - 1);
	(void)buf_addstr(&in, "\r\nz\r");
	(void)buf_addstr(&want, "\r\nz \r\n");
	out = run(in.data, in.len, &o, &env, &m, &len);
	ck_assert_uint_eq(len, want.len);
	ck_assert_int_eq(memcmp(out, want.data, len), 0);
	free(out);
	buf_free(&in);
	buf_free(&want);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

/* ---------------------------------------------------------------- -t */

static const struct {
	const char	*in;
	const char	*want;		/* recipients joined by ' ' */
} rcpt_cases[] = {
	{ "To: a@x, b@y\nCc: c@z\nBcc: d@w\n\nbody\n", "a@x b@y c@z d@w" },
	{ "To: a@x\nTo: b@y\ncc: c@z\nBCC: d@w\n\n", "a@x b@y c@z d@w" },
	{ "To: a@x,\n  \"Last, First\" <b@y>,\n\tc@z\n\n", "a@x b@y c@z" },
	{ "To: team: a@x, b@y;, undisclosed-recipients:;\n\n", "a@x b@y" },
	{ "To: undisclosed-recipients:;\nBcc: hidden@x\n\n", "hidden@x" },
	{ "To: root, fail2ban (F2B), user@\n\n",
	  "root@example.org fail2ban@example.org user@example.org" },
	{ "To: a@X.org, a@x.ORG\nCc: A@x.org, a@x.org\n\n", "a@X.org A@x.org" },
	{ "To: a@x\nResent-To: r@x\nResent-Bcc: rb@y\nCc: c@x\n\n",
	  "r@x rb@y" },
	{ "To: a@x\nResent-From: r@x\n\n", "a@x" },
	{ "To: This is not, (an address\nResent-Cc: ok@x\n\n", "ok@x" },
	{ "Subject: none\n\n", "" },
	{ "To: a@x\nX: y\nTo: b@y\n", "a@x b@y" },
	{ "not a header\nTo: a@x\n", "" },
};

START_TEST(extract_recipients)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct buf got;
	size_t len, j;
	char *out;
	int i = _i;

	default_opts(&o);
	o.extract_rcpts = 1;
	envelope_init(&env);
	out = run(rcpt_cases[i].in, strlen(rcpt_cases[i].in), &o, &env, &m,
	    &len);
	buf_init(&got, 1 << 16);
	for (j = 0; j < env.nrcpts; j++) {
		if (j > 0)
			(void)buf_addc(&got, ' ');
		(void)buf_addstr(&got, env.rcpts[j].addr);
	}
	ck_assert_msg(strcmp(buf_str(&got), rcpt_cases[i].want) == 0,
	    "case %d: got \"%s\", want \"%s\"", i, buf_str(&got),
	    rcpt_cases[i].want);
	/* Bcc and Resent-Bcc never leave */
	ck_assert_int_eq(count_fields(out, "Bcc:"), 0);
	ck_assert_int_eq(count_fields(out, "Resent-Bcc:"), 0);
	buf_free(&got);
	free(out);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

START_TEST(extract_adds_to_existing)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct diag d;
	size_t len;
	char *out;

	default_opts(&o);
	o.extract_rcpts = 1;
	envelope_init(&env);
	ck_assert_int_eq(envelope_add_rcpt(&env, "argv@x", &d), 1);
	ck_assert_int_eq(envelope_add_rcpt(&env, "a@x", &d), 1);
	out = run(LIT("To: a@x, b@x\n\n"), &o, &env, &m, &len);
	ck_assert_uint_eq(env.nrcpts, 3);
	ck_assert_str_eq(env.rcpts[2].addr, "b@x");
	free(out);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

START_TEST(bad_recipient_header)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	const char *why;
	size_t len;
	char *out;

	default_opts(&o);
	o.extract_rcpts = 1;
	why = run_fail(LIT("To: ok@x\nCc: John Smith\n\nbody\n"), &o,
	    EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(why, "John Smith"));
	why = run_fail(LIT("Bcc: <a@x\n\n"), &o, EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(why, "<a@x"));
	/* without -t the header is only text */
	o.extract_rcpts = 0;
	envelope_init(&env);
	out = run(LIT("To: ok@x\nCc: John Smith\n\n"), &o, &env, &m, &len);
	ck_assert_ptr_nonnull(strstr(out, "Cc: John Smith\r\n"));
	ck_assert_uint_eq(env.nrcpts, 0);
	free(out);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

/* --------------------------------------------------- added headers */

/* The value of the first field called name (up to CRLF), or NULL. */
static char *
field_value(const char *out, const char *name)
{
	const char *p = out, *e;
	size_t n = strlen(name);

	while (p != NULL && *p != '\0' && strncmp(p, "\r\n", 2) != 0) {
		if (ascii_strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			e = strstr(p, "\r\n");
			return xstrndup(p, (size_t)(e - p));
		}
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return NULL;
}

/* <YYYYMMDDhhmmss.16hex@domain> */
static int
msgid_ok(const char *v, const char *domain)
{
	size_t i, dl = strlen(domain);

	if (strlen(v) != 1 + 14 + 1 + 16 + 1 + dl + 1 || v[0] != '<' ||
	    v[15] != '.' || v[32] != '@' || v[strlen(v) - 1] != '>')
		return 0;
	for (i = 1; i < 15; i++)
		if (v[i] < '0' || v[i] > '9')
			return 0;
	for (i = 16; i < 32; i++)
		if (strchr("0123456789abcdef", v[i]) == NULL)
			return 0;
	return strncmp(v + 33, domain, dl) == 0;
}

START_TEST(adds_missing_headers)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	size_t len;
	char *out, *v, *id1;

	default_opts(&o);
	envelope_init(&env);
	out = run(LIT("Subject: hi\n\nbody\n"), &o, &env, &m, &len);
	v = field_value(out, "Date");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, NOW_DATE);
	free(v);
	id1 = field_value(out, "Message-ID");
	ck_assert_ptr_nonnull(id1);
	ck_assert_msg(msgid_ok(id1, "example.org"), "bad Message-ID %s", id1);
	ck_assert_msg(strncmp(id1 + 1, "20231114221320", 14) == 0,
	    "Message-ID %s does not carry the time", id1);
	v = field_value(out, "From");
	ck_assert_str_eq(v, "alice@example.org");
	free(v);
	/* added at the end of the header section, before the blank line */
	ck_assert_int_eq(strncmp(out, "Subject: hi\r\n", 13), 0);
	ck_assert_ptr_nonnull(strstr(out, "\r\n\r\nbody\r\n"));
	ck_assert_int_eq(strcmp(strstr(out, "\r\n\r\n"), "\r\n\r\nbody\r\n"),
	    0);
	free(out);
	msg_discard(&m);
	/* a second message gets a different Message-ID */
	out = run(LIT("Subject: hi\n\nbody\n"), &o, &env, &m, &len);
	v = field_value(out, "Message-ID");
	ck_assert_str_ne(v, id1);
	free(v);
	free(id1);
	free(out);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

START_TEST(never_duplicates)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	size_t len;
	char *out;

	default_opts(&o);
	envelope_init(&env);
	out = run(LIT("date: x\nmessage-id: <y@z>\nFROM: me@x\n\n"), &o, &env,
	    &m, &len);
	ck_assert_str_eq(out, "date: x\r\nmessage-id: <y@z>\r\nFROM: me@x\r\n"
	    "\r\n");
	free(out);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

static const struct {
	const char	*sender;
	const char	*fullname;
	const char	*want;
} from_cases[] = {
	{ "alice@example.org", NULL, "alice@example.org" },
	{ "alice@example.org", "", "alice@example.org" },
	{ "alice@example.org", "Alice Smith",
	  "Alice Smith <alice@example.org>" },
	{ "root", "Cron Daemon", "Cron Daemon <root@example.org>" },
	{ "", NULL, "MAILER-DAEMON@example.org" },
	{ NULL, NULL, "MAILER-DAEMON@example.org" },
	{ "a@x", "Smith, Alice", "\"Smith, Alice\" <a@x>" },
	{ "a@x", "Joe Q. Public", "\"Joe Q. Public\" <a@x>" },
	{ "a@x", "say \"hi\"\\", "\"say \\\"hi\\\"\\\\\" <a@x>" },
	{ "a@x", "Jos\xc3\xa9", "=?UTF-8?B?Sm9zw6k=?= <a@x>" },
	{ "a@x", "tab\there\r\nx", "tab here  x <a@x>" },
};

START_TEST(generated_from)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	size_t len;
	char *out, *v;
	int i = _i;

	default_opts(&o);
	o.sender = from_cases[i].sender;
	o.fullname = from_cases[i].fullname;
	envelope_init(&env);
	out = run(LIT("Subject: s\n\n"), &o, &env, &m, &len);
	v = field_value(out, "From");
	ck_assert_ptr_nonnull(v);
	ck_assert_msg(strcmp(v, from_cases[i].want) == 0,
	    "case %d: got \"%s\", want \"%s\"", i, v, from_cases[i].want);
	ck_assert_int_eq(m.eightbit, 0);
	free(v);
	free(out);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

START_TEST(long_utf8_fullname)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct buf name;
	size_t len;
	char *out;
	int i;

	default_opts(&o);
	buf_init(&name, 1 << 16);
	for (i = 0; i < 600; i++)
		(void)buf_addstr(&name, "\xc3\xa9");
	o.fullname = name.data;
	envelope_init(&env);
	out = run(LIT("Subject: s\n\n"), &o, &env, &m, &len);
	/* encoded words, no raw 8-bit, folded within 998 (check_wire) */
	ck_assert_int_eq(m.eightbit, 0);
	ck_assert_ptr_nonnull(strstr(out, "From: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(out, "?= <alice@example.org>\r\n"));
	free(out);
	buf_free(&name);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

START_TEST(resent_headers)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	size_t len;
	char *out, *v;

	default_opts(&o);
	envelope_init(&env);
	out = run(LIT("Resent-To: r@x\nSubject: s\n\n"), &o, &env, &m, &len);
	ck_assert_int_eq(count_fields(out, "Date:"), 0);
	ck_assert_int_eq(count_fields(out, "From:"), 0);
	ck_assert_int_eq(count_fields(out, "Message-ID:"), 0);
	v = field_value(out, "Resent-Date");
	ck_assert_str_eq(v, NOW_DATE);
	free(v);
	v = field_value(out, "Resent-From");
	ck_assert_str_eq(v, "alice@example.org");
	free(v);
	v = field_value(out, "Resent-Message-ID");
	ck_assert_msg(msgid_ok(v, "example.org"), "bad %s", v);
	free(v);
	free(out);
	msg_discard(&m);
	/* present ones are not duplicated */
	out = run(LIT("Resent-From: r@x\nResent-Date: d\n\n"), &o, &env, &m,
	    &len);
	ck_assert_int_eq(count_fields(out, "Resent-From:"), 1);
	ck_assert_int_eq(count_fields(out, "Resent-Date:"), 1);
	ck_assert_int_eq(count_fields(out, "Resent-Message-ID:"), 1);
	free(out);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

START_TEST(no_header_input)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	size_t len;
	char *out, *body;

	default_opts(&o);
	envelope_init(&env);
	out = run(LIT("just text\nmore: text\n"), &o, &env, &m, &len);
	body = strstr(out, "\r\n\r\n");
	ck_assert_ptr_nonnull(body);
	ck_assert_str_eq(body, "\r\n\r\njust text\r\nmore: text\r\n");
	ck_assert_int_eq(count_fields(out, "Date:"), 1);
	ck_assert_int_eq(count_fields(out, "From:"), 1);
	ck_assert_int_eq(count_fields(out, "Message-ID:"), 1);
	free(out);
	msg_discard(&m);
	/* empty input: only the added fields and the blank line */
	out = run(LIT(""), &o, &env, &m, &len);
	ck_assert_int_eq(strncmp(out, "Date: ", 6), 0);
	ck_assert_str_eq(strstr(out, "\r\n\r\n"), "\r\n\r\n");
	free(out);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

/* ------------------------------------------------------ long lines */

START_TEST(long_body_lines)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct buf in, want;
	size_t len;
	char *out;

	default_opts(&o);
	envelope_init(&env);
	buf_init(&in, 1 << 20);
	buf_init(&want, 1 << 20);
	(void)buf_addstr(&in, H_LF "\n");
	(void)buf_addstr(&want, H_CRLF "\r\n");
	/* exactly 998: unchanged */
	for (len = 0; len < 998; len++)
		(void)buf_addc(&in, 'a');
	(void)buf_addc(&in, '\n');
	(void)buf_add(&want, in.data + in.len - 999, 998);
	(void)buf_addstr(&want, "\r\n");
	/* 2500: 998 + 998 + 504 */
	for (len = 0; len < 2500; len++)
		(void)buf_addc(&in, (char)('0' + len % 10));
	(void)buf_addc(&in, '\n');
	(void)buf_add(&want, in.data + in.len - 2501, 998);
	(void)buf_addstr(&want, "\r\n");
	(void)buf_add(&want, in.data + in.len - 2501 + 998, 998);
	(void)buf_addstr(&want, "\r\n");
	(void)buf_add(&want, in.data + in.len - 2501 + 1996, 504);
	(void)buf_addstr(&want, "\r\n");
	/* a lone "." after a break is text, not the end */
	for (len = 0; len < 998; len++)
		(void)buf_addc(&in, 'b');
	(void)buf_addstr(&in, ".\nend\n");
	for (len = 0; len < 998; len++)
		(void)buf_addc(&want, 'b');
	(void)buf_addstr(&want, "\r\n.\r\nend\r\n");
	/* a UTF-8 sequence is not cut: 997 'c' + e-acute moves down */
	for (len = 0; len < 997; len++)
		(void)buf_addc(&in, 'c');
	(void)buf_addstr(&in, "\xc3\xa9tail\n");
	for (len = 0; len < 997; len++)
		(void)buf_addc(&want, 'c');
	(void)buf_addstr(&want, "\r\n\xc3\xa9tail\r\n");
	out = run(in.data, in.len, &o, &env, &m, &len);
	ck_assert_msg(len == want.len && memcmp(out, want.data, len) == 0,
	    "got %zu octets, want %zu", len, want.len);
	ck_assert_int_eq(m.eightbit, 1);
	free(out);
	buf_free(&in);
	buf_free(&want);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

/* Remove CRLF before white space (RFC 5322 unfolding). */
static char *
unfold(const char *s)
{
	struct buf b;
	char *r;

	buf_init(&b, 1 << 22);
	for (; *s != '\0'; s++) {
		if (s[0] == '\r' && s[1] == '\n' &&
		    (s[2] == ' ' || s[2] == '\t')) {
			s++;
			continue;
		}
		(void)buf_addc(&b, *s);
	}
	r = xstrdup(buf_str(&b));
	buf_free(&b);
	return r;
}

START_TEST(long_header_lines)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct buf in;
	size_t len, i;
	char *out, *u;

	default_opts(&o);
	envelope_init(&env);
	buf_init(&in, 1 << 20);
	(void)buf_addstr(&in, H_LF "Subject:");
	for (i = 0; i < 300; i++)
		(void)buf_addstr(&in, " word12345");
	(void)buf_addstr(&in, "\nX-Blob: ");
	for (i = 0; i < 3000; i++)
		(void)buf_addc(&in, (char)('a' + i % 26));
	(void)buf_addstr(&in, "\n\nbody\n");
	out = run(in.data, in.len, &o, &env, &m, &len);
	/* folded at white space */
	ck_assert_ptr_nonnull(strstr(out, "word12345\r\n word12345"));
	u = unfold(out);
	ck_assert_ptr_nonnull(strstr(u, "Subject: word12345 word12345"));
	free(u);
	/* no white space: hard split with CRLF SP */
	ck_assert_ptr_nonnull(strstr(out, "\r\n "));
	ck_assert_int_eq(count_fields(out, "X-Blob: "), 1);
	ck_assert_ptr_nonnull(strstr(out, "\r\n\r\nbody\r\n"));
	free(out);
	buf_free(&in);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

START_TEST(subject_unfolds_exactly)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct buf subj;
	size_t len, i;
	char *in, *out, *u;

	default_opts(&o);
	envelope_init(&env);
	buf_init(&subj, 1 << 20);
	(void)buf_addstr(&subj, "Subject:");
	for (i = 0; i < 500; i++)
		(void)buf_printf(&subj, " w%zu", i);
	in = xasprintf(H_LF "%s\n\n", buf_str(&subj));
	out = run(in, strlen(in), &o, &env, &m, &len);
	u = unfold(out);
	ck_assert_ptr_nonnull(strstr(u, buf_str(&subj)));
	ck_assert_ptr_nonnull(strstr(out, "\r\n w"));
	free(u);
	free(out);
	free(in);
	buf_free(&subj);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

START_TEST(huge_first_line_is_body)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	size_t len, i, n = 300000, as = 0;
	char *in, *out, *body;

	default_opts(&o);
	envelope_init(&env);
	in = xmalloc(n + 1);
	memset(in, 'a', n);
	in[n] = '\n';
	out = run(in, n + 1, &o, &env, &m, &len);
	body = strstr(out, "\r\n\r\n");
	ck_assert_ptr_nonnull(body);
	for (i = (size_t)(body - out); i < len; i++)
		if (out[i] == 'a')
			as++;
	ck_assert_uint_eq(as, n);
	free(out);
	msg_discard(&m);
	/* a header that long is refused */
	memcpy(in, "X: ", 3);
	(void)run_fail(in, n + 1, &o, EX_DATAERR);
	free(in);
	envelope_free(&env);
}
END_TEST

/* ---------------------------------------------------- NUL, 8-bit */

START_TEST(nul_is_refused)
{
	static const char in[] = "From: a@x\n\nline2\nbo\0dy\n";
	struct msg_opts o;
	const char *why;

	default_opts(&o);
	why = run_fail(in, sizeof(in) - 1, &o, EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(why, "NUL"));
	ck_assert_ptr_nonnull(strstr(why, "line 4"));
	/* in the headers too */
	why = run_fail(LIT("X: \0\n"), &o, EX_DATAERR);
	ck_assert_ptr_nonnull(strstr(why, "line 1"));
}
END_TEST

static const struct {
	const char	*in;
	int		 eightbit;
	int		 smtputf8;
} eight_cases[] = {
	{ "Subject: plain\n\nascii\n", 0, 0 },
	{ "Subject: plain\n\ncaf\xc3\xa9\n", 1, 0 },
	{ "Subject: caf\xc3\xa9\n\n", 1, 0 },
	{ "To: \"J\xc3\xb6rg\" <j@x>\n\n", 1, 0 },
	{ "To: j\xc3\xb6rg@x\n\n", 1, 1 },
	{ "Cc: a@x, j\xc3\xb6rg@b\xc3\xbc" "cher.example\n\n", 1, 1 },
	{ "Reply-To: j\xc3\xb6rg@x\n\n", 1, 1 },
	{ "From: j\xc3\xb6rg@x\n\n", 1, 1 },
	{ "X-Other: j\xc3\xb6rg@x\n\n", 1, 0 },
	/* dropped: not in the file, not 8-bit (but -t would use it) */
	{ "Bcc: j\xc3\xb6rg@x\n\n", 0, 0 },
};

START_TEST(eightbit_detection)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	size_t len;
	char *out;
	int i = _i;

	default_opts(&o);
	envelope_init(&env);
	out = run(eight_cases[i].in, strlen(eight_cases[i].in), &o, &env, &m,
	    &len);
	ck_assert_msg(m.eightbit == eight_cases[i].eightbit,
	    "case %d: got eightbit %d, want %d", i, m.eightbit,
	    eight_cases[i].eightbit);
	ck_assert_msg(m.smtputf8 == eight_cases[i].smtputf8,
	    "case %d: got smtputf8 %d, want %d", i, m.smtputf8,
	    eight_cases[i].smtputf8);
	ck_assert_int_eq(env.eightbit, m.eightbit);
	ck_assert_int_eq(env.smtputf8, m.smtputf8);
	free(out);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

START_TEST(utf8_bcc_needs_smtputf8_with_t)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	size_t len;
	char *out;

	default_opts(&o);
	o.extract_rcpts = 1;
	envelope_init(&env);
	out = run(LIT("Bcc: j\xc3\xb6rg@x\n\n"), &o, &env, &m, &len);
	ck_assert_int_eq(m.smtputf8, 1);
	ck_assert_int_eq(env.smtputf8, 1);
	ck_assert_uint_eq(env.nrcpts, 1);
	free(out);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

/* ------------------------------------------------ files and errors */

START_TEST(file_properties)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct stat st;
	size_t len;
	char *out, *path;

	default_opts(&o);
	envelope_init(&env);
	out = run(H_LF "\nx\n", strlen(H_LF) + 3, &o, &env, &m, &len);
	ck_assert_ptr_nonnull(m.path);
	ck_assert_int_eq(strncmp(m.path, tmpdir, strlen(tmpdir)), 0);
	ck_assert_int_eq(fstat(m.fd, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq((long long)st.st_size, (long long)m.size);
	ck_assert_int_ne(fcntl(m.fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(dir_count(), 1);
	path = xstrdup(m.path);
	msg_discard(&m);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(dir_count(), 0);
	ck_assert_int_eq(m.fd, -1);
	ck_assert_ptr_null(m.path);
	msg_discard(&m);	/* twice is fine */
	memset(&m, 0, sizeof(m));
	msg_discard(&m);	/* zeroed is fine, fd 0 is not closed */
	ck_assert_int_ne(fcntl(0, F_GETFD), -1);
	free(path);
	free(out);
	envelope_free(&env);
}
END_TEST

START_TEST(missing_tmpdir)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct diag d;
	int fd = input_fd("x\n", 2);

	default_opts(&o);
	envelope_init(&env);
	ck_assert_int_eq(msg_read(fd, "/nonexistent/sendsmtp/tmp", &o, &m,
	    &env, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_CANTCREAT);
	ck_assert_ptr_nonnull(strstr(d.text, "/nonexistent/sendsmtp/tmp"));
	ck_assert_int_eq(m.fd, -1);
	ck_assert_ptr_null(m.path);
	close(fd);
	envelope_free(&env);
}
END_TEST

START_TEST(read_error)
{
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct diag d;
	int fd = open("/dev/null", O_WRONLY);

	default_opts(&o);
	envelope_init(&env);
	ck_assert_int_eq(msg_read(fd, tmpdir, &o, &m, &env, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_IOERR);
	ck_assert_ptr_nonnull(strstr(d.text, "cannot read"));
	ck_assert_int_eq(dir_count(), 0);
	close(fd);
	envelope_free(&env);
}
END_TEST

START_TEST(write_error)
{
	struct msg_opts o;
	struct rlimit rl = { 100000, 100000 }, saved;
	struct envelope env;
	struct msg m;
	struct diag d;
	char *in = xmalloc(300000);
	int fd;

	memset(in, 'z', 300000);
	in[0] = '\n';
	fd = input_fd(in, 300000);
	/* the file size limit makes write() fail with EFBIG */
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
	rl.rlim_max = saved.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	default_opts(&o);
	envelope_init(&env);
	ck_assert_int_eq(msg_read(fd, tmpdir, &o, &m, &env, &d), -1);
	/* restore it (CK_FORK=no runs every test in one process) */
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, SIG_DFL);
	ck_assert_msg(d.exitcode == EX_TEMPFAIL, "got %d (%s)", d.exitcode,
	    d.text);
	ck_assert_ptr_nonnull(strstr(d.text, "cannot write"));
	ck_assert_int_eq(dir_count(), 0);
	close(fd);
	envelope_free(&env);
	free(in);
}
END_TEST

START_TEST(sender_with_newline)
{
	struct msg_opts o;

	default_opts(&o);
	o.sender = "a@x\r\nBcc: evil@y";
	(void)run_fail(LIT("Subject: s\n\n"), &o, EX_DATAERR);
}
END_TEST

/* ------------------------------------------------------ streaming */

START_TEST(twenty_megabytes_stream)
{
	static const char line[] = "0123456789abcdefghijklmnopqrstuvwxyz"
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\n";	/* 73 octets */
	const size_t nlines = 20 * 1024 * 1024 / (sizeof(line) - 1);
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct diag d;
	struct rusage ru0, ru1;
	char chunk[65536];
	size_t i, total = 0, crlf = 0, bare = 0;
	ssize_t n;
	pid_t pid;
	int p[2], status;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		FILE *f;

		close(p[0]);
		f = fdopen(p[1], "w");
		fputs(H_LF "\n", f);
		for (i = 0; i < nlines; i++)
			fputs(line, f);
		fclose(f);
		_exit(0);
	}
	close(p[1]);
	default_opts(&o);
	envelope_init(&env);
	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru0), 0);
	ck_assert_msg(msg_read(p[0], tmpdir, &o, &m, &env, &d) == 0, "%s",
	    d.text);
	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru1), 0);
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq((long long)m.size, (long long)(strlen(H_CRLF) + 2 +
	    nlines * sizeof(line)));
	/* memory did not grow with the message (ru_maxrss is in KiB) */
	ck_assert_msg(ru1.ru_maxrss - ru0.ru_maxrss < 8 * 1024,
	    "max RSS grew by %ld KiB", ru1.ru_maxrss - ru0.ru_maxrss);
	while ((n = read(m.fd, chunk, sizeof(chunk))) > 0) {
		for (i = 0; i < (size_t)n; i++)
			if (chunk[i] == '\n') {
				crlf++;
				if (i > 0 && chunk[i - 1] != '\r')
					bare++;
			}
		total += (size_t)n;
	}
	ck_assert_uint_eq(bare, 0);
	ck_assert_uint_eq(total, (size_t)m.size);
	ck_assert_uint_eq(crlf, nlines + 4);
	msg_discard(&m);
	envelope_free(&env);
}
END_TEST

static Suite *
msg_suite(void)
{
	Suite *s = suite_create("msg");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, exact_bytes, 0,
	    (int)(sizeof(exact) / sizeof(exact[0])));
	tcase_add_test(tc, crlf_across_reads);
	tcase_add_loop_test(tc, extract_recipients, 0,
	    (int)(sizeof(rcpt_cases) / sizeof(rcpt_cases[0])));
	tcase_add_test(tc, extract_adds_to_existing);
	tcase_add_test(tc, bad_recipient_header);
	tcase_add_test(tc, adds_missing_headers);
	tcase_add_test(tc, never_duplicates);
	tcase_add_loop_test(tc, generated_from, 0,
	    (int)(sizeof(from_cases) / sizeof(from_cases[0])));
	tcase_add_test(tc, long_utf8_fullname);
	tcase_add_test(tc, resent_headers);
	tcase_add_test(tc, no_header_input);
	tcase_add_test(tc, long_body_lines);
	tcase_add_test(tc, long_header_lines);
	tcase_add_test(tc, subject_unfolds_exactly);
	tcase_add_test(tc, huge_first_line_is_body);
	tcase_add_test(tc, nul_is_refused);
	tcase_add_loop_test(tc, eightbit_detection, 0,
	    (int)(sizeof(eight_cases) / sizeof(eight_cases[0])));
	tcase_add_test(tc, utf8_bcc_needs_smtputf8_with_t);
	tcase_add_test(tc, file_properties);
	tcase_add_test(tc, missing_tmpdir);
	tcase_add_test(tc, read_error);
	tcase_add_test(tc, write_error);
	tcase_add_test(tc, sender_with_newline);
	tcase_add_test(tc, twenty_megabytes_stream);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	/* Date: is local time; make it predictable. */
	setenv("TZ", "UTC", 1);
	tzset();
	sr = srunner_create(msg_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
