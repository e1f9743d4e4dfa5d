/*
 * test_smtp.c - dot-stuffing filter, command builders, and whole SMTP
 * sessions against a scripted server thread over a socketpair (and over
 * loopback TCP for conn_open).
 */
#include "compat.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "conn.h"
#include "deliver.h"
#include "diag.h"
#include "envelope.h"
#include "log.h"
#include "msg.h"
#include "smtp.h"

#include "scripted_server.h"

/* ------------------------------------------------------ dot-stuffing */

static const struct {
	const char	*in;
	const char	*want;
} dot_cases[] = {
	{ "", ".\r\n" },
	{ ".", "..\r\n.\r\n" },
	{ ".\r\n", "..\r\n.\r\n" },
	{ "\r\n.\r\n", "\r\n..\r\n.\r\n" },
	{ "..\r\n", "...\r\n.\r\n" },
	{ "a\r\n.b\r\n", "a\r\n..b\r\n.\r\n" },
	{ "x.\r\n", "x.\r\n.\r\n" },
	{ "abc", "abc\r\n.\r\n" },
	{ "abc\r\n", "abc\r\n.\r\n" },
	{ "a\r\n.", "a\r\n..\r\n.\r\n" },
	{ "\r\n\r\n.\r\n.\r\n", "\r\n\r\n..\r\n..\r\n.\r\n" },
	{ "a\r\n..\r\n...\r\n", "a\r\n...\r\n....\r\n.\r\n" },
	/* smuggling: bare LF / bare CR line ends never reach the wire */
	{ "a\n.\nb", "a\r\n..\r\nb\r\n.\r\n" },
	{ "a\r.\rb", "a\r\n..\r\nb\r\n.\r\n" },
	{ "a\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n" },
	{ "a\r\n.\rb\r\n", "a\r\n..\r\nb\r\n.\r\n" },
	{ "a\r", "a\r\n.\r\n" },
	{ "a\n", "a\r\n.\r\n" },
	{ "\r\r\n", "\r\n\r\n.\r\n" },
};

/* Run the filter over in, cut at the given positions. */
static size_t
dot_cut(const char *in, size_t n, const size_t *cuts, size_t ncuts,
    char *out)
{
	struct smtp_dot ds;
	size_t o = 0, at = 0, k, end;

	smtp_dot_init(&ds);
	for (k = 0; k <= ncuts; k++) {
		end = k < ncuts ? cuts[k] : n;
		o += smtp_dot_run(&ds, in + at, end - at, out + o);
		at = end;
	}
	return o + smtp_dot_end(&ds, out + o);
}

START_TEST(dot_every_split)
{
	const char *in = dot_cases[_i].in, *want = dot_cases[_i].want;
	size_t n = strlen(in), cut[2], i, j, got;
	char out[256], e1[256], e2[256];

	/* whole, every single cut, every pair of cuts */
	for (i = 0; i <= n; i++)
		for (j = i; j <= n; j++) {
			cut[0] = i;
			cut[1] = j;
			got = dot_cut(in, n, cut, 2, out);
			ck_assert_msg(got == strlen(want) &&
			    memcmp(out, want, got) == 0, "\"%s\" cut at %zu,"
			    "%zu: got \"%s\", want \"%s\"",
			    script_esc(in, n, e1, sizeof(e1)), i, j,
			    script_esc(out, got, e2, sizeof(e2)), want);
		}
}
END_TEST

/* Any input: one byte at a time equals all at once; no bare CR/LF; the
 * only "CRLF . CRLF" is the final one. */
START_TEST(dot_random_invariants)
{
	static const char alpha[] = ".\r\na";
	char in[16], one[64], all[64];
	size_t n, i, k, o1, o2;
	unsigned seed = 12345;
	struct smtp_dot ds;

	for (k = 0; k < 20000; k++) {
		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % sizeof(in);
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alpha[(seed >> 16) % 4];
		}
		o1 = dot_cut(in, n, NULL, 0, all);
		smtp_dot_init(&ds);
		for (o2 = 0, i = 0; i < n; i++)
			o2 += smtp_dot_run(&ds, in + i, 1, one + o2);
		o2 += smtp_dot_end(&ds, one + o2);
		ck_assert_uint_eq(o1, o2);
		ck_assert(memcmp(one, all, o1) == 0);
		ck_assert_uint_le(o1, SMTP_DOT_OUT_MAX(n) + 5);
		for (i = 0; i < o1; i++) {
			if (all[i] == '\r')
				ck_assert_msg(i + 1 < o1 && all[i + 1] == '\n',
				    "bare CR at %zu", i);
			if (all[i] == '\n')
				ck_assert_msg(i > 0 && all[i - 1] == '\r',
				    "bare LF at %zu", i);
		}
		/* a line that is a lone "." appears only at the end */
		for (i = 0; i + 3 <= o1; i++) {
			int bol = i == 0 || all[i - 1] == '\n';

			if (bol && memcmp(all + i, ".\r\n", 3) == 0)
				ck_assert_msg(i + 3 == o1, "input %zu: early "
				    "end of data at %zu", k, i);
		}
	}
}
END_TEST

/* ------------------------------------------------------ builders */

START_TEST(build_mail_params)
{
	struct smtp_mail_params p;
	struct buf b;

	buf_init(&b, 1024);
	memset(&p, 0, sizeof(p));
	p.size = -1;
	ck_assert_int_eq(smtp_build_mail(&b, "a@example.org", &p), 0);
	ck_assert_str_eq(buf_str(&b), "MAIL FROM:<a@example.org>");
	buf_reset(&b);
	ck_assert_int_eq(smtp_build_mail(&b, "", &p), 0);
	ck_assert_str_eq(buf_str(&b), "MAIL FROM:<>");
	buf_reset(&b);
	p.size = 12345;
	p.body = "8BITMIME";
	p.smtputf8 = 1;
	p.ret = DSN_RET_HDRS;
	p.envid = "id+1=2 \xc3\xa9~";
	ck_assert_int_eq(smtp_build_mail(&b, "a@example.org", &p), 0);
	ck_assert_str_eq(buf_str(&b), "MAIL FROM:<a@example.org> SIZE=12345 "
	    "BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=id+2B1+3D2+20+C3+A9~");
	buf_reset(&b);
	memset(&p, 0, sizeof(p));
	p.size = 0;
	p.body = "7BIT";
	p.ret = DSN_RET_FULL;
	ck_assert_int_eq(smtp_build_mail(&b, "x@y", &p), 0);
	ck_assert_str_eq(buf_str(&b), "MAIL FROM:<x@y> SIZE=0 BODY=7BIT "
	    "RET=FULL");
	buf_free(&b);
}
END_TEST

static const struct {
	const char	*addr;
	unsigned	 notify;
	const char	*want;		/* NULL = refused */
} rcpt_cases[] = {
	{ "b@example.org", 0, "RCPT TO:<b@example.org>" },
	{ "b@x", DSN_NOTIFY_NEVER, "RCPT TO:<b@x> NOTIFY=NEVER" },
	{ "b@x", DSN_NOTIFY_NEVER | DSN_NOTIFY_FAILURE,
	    "RCPT TO:<b@x> NOTIFY=NEVER" },
	{ "b@x", DSN_NOTIFY_FAILURE, "RCPT TO:<b@x> NOTIFY=FAILURE" },
	{ "b@x", DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE | DSN_NOTIFY_DELAY,
	    "RCPT TO:<b@x> NOTIFY=SUCCESS,FAILURE,DELAY" },
	{ "b@x", DSN_NOTIFY_DELAY | DSN_NOTIFY_FAILURE,
	    "RCPT TO:<b@x> NOTIFY=FAILURE,DELAY" },
	{ "b@x\r\nDATA", 0, NULL },
	{ "b@x\nRSET", 0, NULL },
	{ "b\x01@x", 0, NULL },
	{ "b\x7f@x", 0, NULL },
	{ "\"b c\"@x", 0, "RCPT TO:<\"b c\"@x>" },
	{ "j\xc3\xb6rg@x", 0, "RCPT TO:<j\xc3\xb6rg@x>" },
};

START_TEST(build_rcpt)
{
	struct buf b;
	int i = _i, rc;

	buf_init(&b, 1024);
	rc = smtp_build_rcpt(&b, rcpt_cases[i].addr, rcpt_cases[i].notify);
	if (rcpt_cases[i].want == NULL)
		ck_assert_msg(rc == -1, "case %d: got \"%s\", want refusal",
		    i, buf_str(&b));
	else
		ck_assert_msg(rc == 0 && strcmp(buf_str(&b),
		    rcpt_cases[i].want) == 0, "case %d: got %d \"%s\", want "
		    "\"%s\"", i, rc, buf_str(&b), rcpt_cases[i].want);
	buf_free(&b);
}
END_TEST

START_TEST(build_refuses_long_and_injected)
{
	struct smtp_mail_params p;
	struct buf b;
	char longaddr[ADDR_MAX + 2];

	memset(&p, 0, sizeof(p));
	p.size = -1;
	buf_init(&b, 4096);
	memset(longaddr, 'a', sizeof(longaddr) - 1);
	longaddr[sizeof(longaddr) - 1] = '\0';
	ck_assert_int_eq(smtp_build_mail(&b, longaddr, &p), -1);
	longaddr[ADDR_MAX] = '\0';
	ck_assert_int_eq(smtp_build_mail(&b, longaddr, &p), 0);
	ck_assert_int_eq(smtp_build_mail(&b, "a@b>\r\nRCPT TO:<c@d", &p), -1);
	buf_reset(&b);
	ck_assert_int_eq(smtp_build_hello(&b, "EHLO", "mail.example.org"), 0);
	ck_assert_str_eq(buf_str(&b), "EHLO mail.example.org");
	ck_assert_int_eq(smtp_build_hello(&b, "EHLO", "a b"), -1);
	ck_assert_int_eq(smtp_build_hello(&b, "EHLO", "x\r\nMAIL"), -1);
	buf_free(&b);
}
END_TEST

START_TEST(xtext_table)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "", "" },
		{ "plain-ID.123", "plain-ID.123" },
		{ "a+b", "a+2Bb" },
		{ "a=b", "a+3Db" },
		{ "a b", "a+20b" },
		{ "\xc3\xa9", "+C3+A9" },
		{ "\x7f\x01", "+7F+01" },
		{ "!~", "!~" },
	};
	struct buf b;
	size_t i;

	buf_init(&b, 256);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_reset(&b);
		ck_assert_int_eq(smtp_xtext(&b, t[i].in), 0);
		ck_assert_msg(strcmp(buf_str(&b), t[i].want) == 0, "xtext "
		    "case %zu: got \"%s\", want \"%s\"", i, buf_str(&b),
		    t[i].want);
	}
	buf_free(&b);
}
END_TEST

START_TEST(helo_names)
{
	char out[HELO_NAME_MAX + 1];

	ck_assert(smtp_helo_valid("mail.example.org"));
	ck_assert(smtp_helo_valid("localhost"));
	ck_assert(smtp_helo_valid("[192.0.2.1]"));
	ck_assert(smtp_helo_valid("[IPv6:2001:db8::1]"));
	ck_assert(!smtp_helo_valid(""));
	ck_assert(!smtp_helo_valid("a..b"));
	ck_assert(!smtp_helo_valid("-a.b"));
	ck_assert(!smtp_helo_valid("a-.b"));
	ck_assert(!smtp_helo_valid("a_b.c"));
	ck_assert(!smtp_helo_valid("a b"));
	ck_assert(!smtp_helo_valid("[1.2.3.4"));
	ck_assert(!smtp_helo_valid("[1.2.3.4]x"));
	smtp_helo_name("relay.example.net", -1, out, sizeof(out));
	ck_assert_str_eq(out, "relay.example.net");
	/* an invalid configured name falls back to something valid */
	smtp_helo_name("bad name", -1, out, sizeof(out));
	ck_assert(smtp_helo_valid(out));
	smtp_helo_name(NULL, -1, out, sizeof(out));
	ck_assert(smtp_helo_valid(out));
}
END_TEST

/* ------------------------------------------------ scripted server */


static int
msg_file(const char *content)
{
	char path[] = "/tmp/test_smtp.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	(void)unlink(path);
	ck_assert_int_eq(write(fd, content, strlen(content)),
	    (ssize_t)strlen(content));
	/* smtp_send must rewind by itself */
	return fd;
}

static void
env_make(struct envelope *env, const char *sender,
    const char *const *rcpts)
{
	struct diag d;

	envelope_init(env);
	envelope_set_sender(env, sender);
	for (; *rcpts != NULL; rcpts++)
		ck_assert_int_eq(envelope_add_rcpt(env, *rcpts, &d), 1);
}

static const struct smtp_params params = {
	.host = "mx.test", .port = 587, .timeout = 5,
	.helo = "client.example"
};

#define GREET		"220 mx.test ESMTP\r\n"
#define EHLO		"EHLO client.example\r\n"
#define CAPS_PIPE	"250-mx.test\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n" \
			"250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n"
#define CAPS_PLAIN	"250-mx.test\r\n250 SIZE\r\n"

#define BODY_IN		".leading dot\r\nline\r\n..two\r\n.\r\nend\r\n"
#define BODY_WIRE	"..leading dot\r\nline\r\n...two\r\n..\r\nend\r\n.\r\n"

static void
check_rcpt(const struct envelope *env, size_t i, enum rcpt_state st,
    int code, const char *reply)
{
	const struct rcpt *r = &env->rcpts[i];

	ck_assert_msg(r->state == st, "rcpt %zu <%s>: got state %d, want %d "
	    "(%s)", i, r->addr, r->state, st, r->reply ? r->reply : "");
	ck_assert_msg(r->code == code, "rcpt %zu: got code %d, want %d", i,
	    r->code, code);
	if (reply != NULL)
		ck_assert_msg(r->reply != NULL && strstr(r->reply, reply) ==
		    r->reply, "rcpt %zu: got reply \"%s\", want it to start "
		    "with \"%s\"", i, r->reply ? r->reply : "(null)", reply);
}

/*
 * Whole transactions of one shape: open, send one message, QUIT.  Each
 * case names the script, the message, smtp_send's result, and what the
 * session, every recipient and the diag must say afterwards.
 */

/* The whole pipelined transaction: 5 round trips, mixed RCPT results. */
static const struct script_step pipelined_mixed[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_PIPE, SCRIPT_NONE },
	{ "MAIL FROM:<s@example.org> SIZE=42 BODY=8BITMIME\r\n"
	  "RCPT TO:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\n"
	  "DATA\r\n",
	  "250 2.1.0 ok\r\n250 2.1.5 ok\r\n"
	  "550 5.1.1 <b@x>: no such user\r\n"
	  "450 4.2.0 <c@x>: busy\r\n354 go ahead\r\n", SCRIPT_NONE },
	{ BODY_WIRE, "250 2.0.0 Ok: queued as ABC\r\n", SCRIPT_BODY },
};

/* Without PIPELINING every command waits for its reply. */
static const struct script_step lockstep[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_PLAIN, SCRIPT_NONE },
	{ "MAIL FROM:<> SIZE=3\r\n", "250 ok\r\n", SCRIPT_NONE },
	{ "RCPT TO:<a@x>\r\n", "250 ok\r\n", SCRIPT_NONE },
	{ "RCPT TO:<b@x>\r\n", "550 nope\r\n", SCRIPT_NONE },
	{ "DATA\r\n", "354 go\r\n", SCRIPT_NONE },
	{ "hi\r\n.\r\n", "250 done\r\n", SCRIPT_BODY },
};

static const struct script_step mail_refused_pipelined[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_PIPE, SCRIPT_NONE },
	{ "MAIL FROM:<s@x> SIZE=5\r\nRCPT TO:<a@x>\r\n"
	  "RCPT TO:<b@x>\r\nDATA\r\n",
	  "553 5.7.1 sender rejected\r\n503 5.5.1 need MAIL\r\n"
	  "503 5.5.1 need MAIL\r\n554 5.5.1 no valid recipients\r\n",
	  SCRIPT_NONE },
};

/* DATA refused with 4xx: no body is sent, only the QUIT follows. */
static const struct script_step data_4xx[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_PIPE, SCRIPT_NONE },
	{ "MAIL FROM:<s@x> SIZE=5\r\nRCPT TO:<a@x>\r\nDATA\r\n",
	  "250 ok\r\n250 ok\r\n451 4.3.0 try later\r\n", SCRIPT_NONE },
};

/* Every recipient refused: DATA (already pipelined) is refused too, no
 * body goes out. */
static const struct script_step all_rcpts_refused[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_PIPE, SCRIPT_NONE },
	{ "MAIL FROM:<s@x> SIZE=5\r\nRCPT TO:<a@x>\r\n"
	  "RCPT TO:<b@x>\r\nDATA\r\n",
	  "250 ok\r\n550 5.1.1 no a\r\n550 5.1.1 no b\r\n"
	  "554 5.5.1 no valid recipients\r\n", SCRIPT_NONE },
};

/* The server hangs up after the body: the session is broken and
 * smtp_quit must not try to write. */
static const struct script_step close_mid_data[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_PIPE, SCRIPT_NONE },
	{ "MAIL FROM:<s@x> SIZE=5\r\nRCPT TO:<a@x>\r\n"
	  "RCPT TO:<b@x>\r\nDATA\r\n",
	  "250 ok\r\n250 ok\r\n550 5.1.1 no b\r\n354 go\r\n",
	  SCRIPT_NONE },
	{ "x\r\ny\r\n.\r\n", NULL, SCRIPT_CLOSE },
};

/* EHLO refused: HELO; then "250-bad" and "354 go" differ in their
 * codes, a malformed reply: TEMPFAIL. */
static const struct script_step helo_fallback_and_malformed[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, "502 5.5.2 what?\r\n", SCRIPT_NONE },
	{ "HELO client.example\r\n", "250 hi\r\n", SCRIPT_NONE },
	{ "MAIL FROM:<s@x>\r\n", "250 ok\r\n", SCRIPT_NONE },
	{ "RCPT TO:<a@x>\r\n", "250 ok\r\n250-bad\r\n", SCRIPT_NONE },
	{ "DATA\r\n", "354 go\r\n", SCRIPT_NONE },
};

#define STEPS(a)	(a), SCRIPT_NSTEPS(a)

struct rcpt_want {
	enum rcpt_state	 st;
	int		 code;
	const char	*reply;		/* prefix of the reply, or NULL */
};

static const struct {
	const char		*name;
	const struct script_step *steps;
	size_t			 nsteps;
	const char		*sender;
	const char		*rcpts[4];	/* NULL-terminated */
	const char		*body;
	off_t			 size;
	int			 eightbit;
	int			 verbose;	/* exercise the transcript */
	int			 esmtp;		/* want s.esmtp */
	int			 pipelining;	/* want s.caps.pipelining */
	int			 rc;		/* want from smtp_send */
	int			 broken;	/* want s.broken */
	int			 need_rset;	/* want s.need_rset */
	const char		*tail;		/* after the script */
	struct rcpt_want	 want[3];
	enum outcome		 outcome;
	enum smtp_stage		 stage;
	int			 exitcode;
	int			 smtp_code;
	const char		*enh;		/* or NULL: not checked */
	const char		*text;		/* in d.text, or NULL */
	size_t			 nflush;	/* write groups; 0: any */
	size_t			 nwrite;	/* writes; 0: any */
} session_cases[] = {
	{ "pipelined_mixed", STEPS(pipelined_mixed), "s@example.org",
	  { "a@x", "b@x", "c@x", NULL }, BODY_IN, 42, 1, 1, 1, 1, 0, 0, 0,
	  "QUIT\r\n",
	  { { RCPT_DONE, 250, "2.0.0 Ok: queued as ABC" },
	    { RCPT_PERMFAIL, 550, "5.1.1 <b@x>: no such user" },
	    /* a TEMPFAIL recipient decides: the message is retried */
	    { RCPT_TEMPFAIL, 450, "4.2.0 <c@x>: busy" } },
	  OUTCOME_TEMPFAIL, STAGE_RCPT, EX_TEMPFAIL, 450, "4.2.0", "<c@x>",
	  /* EHLO, MAIL+RCPT+DATA, body+dot, QUIT: four write groups */
	  4, 4 },
	{ "lockstep", STEPS(lockstep), "", { "a@x", "b@x", NULL },
	  "hi\r\n", 3, 0, 0, 1, 0, 0, 0, 0, "QUIT\r\n",
	  { { RCPT_DONE, 250, "done" }, { RCPT_PERMFAIL, 550, "nope" } },
	  OUTCOME_PERMFAIL, STAGE_RCPT, EX_UNAVAILABLE, 550, NULL, "nope", 7,
	  0 },
	{ "mail_refused_pipelined", STEPS(mail_refused_pipelined), "s@x",
	  { "a@x", "b@x", NULL }, "x\r\ny\r\n", 5, 0, 0, 1, 1, -1, 0, 1,
	  "QUIT\r\n",
	  { { RCPT_PERMFAIL, 553, "5.7.1 sender rejected" },
	    { RCPT_PERMFAIL, 553, "5.7.1 sender rejected" } },
	  OUTCOME_PERMFAIL, STAGE_MAIL, EX_UNAVAILABLE, 553, "5.7.1",
	  "sender rejected", 0, 0 },
	{ "data_4xx", STEPS(data_4xx), "s@x", { "a@x", NULL }, "x\r\ny\r\n",
	  5, 0, 0, 1, 1, -1, 0, 1, "QUIT\r\n",
	  { { RCPT_TEMPFAIL, 451, "4.3.0 try later" } },
	  OUTCOME_TEMPFAIL, STAGE_DATA, EX_TEMPFAIL, 451, "4.3.0",
	  "try later", 0, 0 },
	{ "all_rcpts_refused", STEPS(all_rcpts_refused), "s@x",
	  { "a@x", "b@x", NULL }, "x\r\ny\r\n", 5, 0, 0, 1, 1, 0, 0, 1,
	  "QUIT\r\n",
	  { { RCPT_PERMFAIL, 550, "5.1.1 no a" },
	    { RCPT_PERMFAIL, 550, "5.1.1 no b" } },
	  OUTCOME_PERMFAIL, STAGE_RCPT, EX_NOUSER, 550, "5.1.1", "no a",
	  0, 0 },
	{ "close_mid_data", STEPS(close_mid_data), "s@x",
	  { "a@x", "b@x", NULL }, "x\r\ny\r\n", 5, 0, 0, 1, 1, -1, 1, 0, "",
	  { { RCPT_TEMPFAIL, 0, "connection to mx.test" },
	    { RCPT_PERMFAIL, 550, "5.1.1 no b" } },
	  OUTCOME_TEMPFAIL, STAGE_BODY, EX_TEMPFAIL, 0, NULL,
	  "closed the connection", 0, 0 },
	{ "helo_fallback_and_malformed", STEPS(helo_fallback_and_malformed),
	  "s@x", { "a@x", NULL }, "x\r\n", 3, 0, 0, 0, 0, -1, 1, 0, "",
	  { { RCPT_TEMPFAIL, 0, NULL } },
	  OUTCOME_TEMPFAIL, STAGE_DATA, EX_TEMPFAIL, 0, NULL, "malformed",
	  0, 0 },
};

/* The diag after the transaction of session case i. */
static void
check_session_diag(size_t i, const struct diag *d)
{
	ck_assert_msg(d->outcome == session_cases[i].outcome, "%s: got "
	    "outcome %d, want %d", session_cases[i].name, d->outcome,
	    session_cases[i].outcome);
	ck_assert_msg(d->stage == session_cases[i].stage, "%s: got stage %d, "
	    "want %d", session_cases[i].name, d->stage,
	    session_cases[i].stage);
	ck_assert_msg(d->exitcode == session_cases[i].exitcode, "%s: got "
	    "exit code %d, want %d", session_cases[i].name, d->exitcode,
	    session_cases[i].exitcode);
	ck_assert_msg(d->smtp_code == session_cases[i].smtp_code, "%s: got "
	    "SMTP code %d, want %d", session_cases[i].name, d->smtp_code,
	    session_cases[i].smtp_code);
	if (session_cases[i].enh != NULL)
		ck_assert_msg(strcmp(d->enh, session_cases[i].enh) == 0, "%s: "
		    "got enhanced code \"%s\", want \"%s\"",
		    session_cases[i].name, d->enh, session_cases[i].enh);
	if (session_cases[i].text != NULL)
		ck_assert_msg(strstr(d->text, session_cases[i].text) != NULL,
		    "%s: got \"%s\", want it to say \"%s\"",
		    session_cases[i].name, d->text, session_cases[i].text);
}

START_TEST(session_table)
{
	const size_t i = (size_t)_i;
	struct smtp_session s;
	struct envelope env;
	struct script_server sv;
	struct diag d;
	size_t k;
	int fd, mfd, rc;

	log_set_verbose(session_cases[i].verbose);
	fd = script_start(&sv, session_cases[i].steps,
	    session_cases[i].nsteps);
	mfd = msg_file(session_cases[i].body);
	env_make(&env, session_cases[i].sender, session_cases[i].rcpts);
	env.eightbit = session_cases[i].eightbit;
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_int_eq(s.esmtp, session_cases[i].esmtp);
	ck_assert_int_eq(s.caps.pipelining, session_cases[i].pipelining);
	rc = smtp_send(&s, &env, mfd, session_cases[i].size, &d);
	ck_assert_msg(rc == session_cases[i].rc, "%s: smtp_send got %d, "
	    "want %d (\"%s\")", session_cases[i].name, rc,
	    session_cases[i].rc, d.text);
	ck_assert_int_eq(s.broken, session_cases[i].broken);
	ck_assert_int_eq(s.need_rset, session_cases[i].need_rset);
	smtp_quit(&s);
	log_set_verbose(0);
	script_wait(&sv, session_cases[i].tail);
	for (k = 0; session_cases[i].rcpts[k] != NULL; k++)
		check_rcpt(&env, k, session_cases[i].want[k].st,
		    session_cases[i].want[k].code,
		    session_cases[i].want[k].reply);
	check_session_diag(i, &d);
	if (session_cases[i].nflush != 0)
		ck_assert_msg(s.conn.nflush == session_cases[i].nflush,
		    "%s: got %zu write groups, want %zu",
		    session_cases[i].name, s.conn.nflush,
		    session_cases[i].nflush);
	if (session_cases[i].nwrite != 0)
		ck_assert_uint_eq(s.conn.nwrite, session_cases[i].nwrite);
	envelope_free(&env);
	close(mfd);
}
END_TEST

/* smtp_open_fd fails at the greeting: never a PERMFAIL. */
static const struct {
	const char	*greet;
	const char	*tail;		/* what the client sends after */
	int		 code;
	const char	*words[2];
} greeting_cases[] = {
	/* 421: the server is closing; no QUIT */
	{ "421 4.3.2 go away\r\n", "", 421, { "go away", NULL } },
	/* 554: RFC 5321 3.1 wants a QUIT; still only TEMPFAIL */
	{ "554 5.7.1 go away\r\n", "QUIT\r\n", 554, { "go away", NULL } },
	/* a multi-line greeting whose lines differ in their codes */
	{ "220-mx\r\n250 other code\r\n", "", 0,
	  { "malformed", "different codes" } },
};

START_TEST(session_greeting_refused)
{
	const struct script_step steps[] = {
		{ NULL, greeting_cases[_i].greet, SCRIPT_NONE },
	};
	struct smtp_session s;
	struct script_server sv;
	struct diag d;
	size_t k;
	int fd;

	fd = script_start(&sv, steps, SCRIPT_NSTEPS(steps));
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), -1);
	smtp_close(&s);
	script_wait(&sv, greeting_cases[_i].tail);
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_int_eq(d.stage, STAGE_GREETING);
	ck_assert_int_eq(d.smtp_code, greeting_cases[_i].code);
	for (k = 0; k < 2 && greeting_cases[_i].words[k] != NULL; k++)
		ck_assert_msg(strstr(d.text, greeting_cases[_i].words[k]) !=
		    NULL, "got \"%s\", want it to say \"%s\"", d.text,
		    greeting_cases[_i].words[k]);
}
END_TEST

START_TEST(session_stall_times_out)
{
	static const struct script_step steps[] = {
		{ NULL, GREET, SCRIPT_NONE },
		{ EHLO, NULL, SCRIPT_STALL },
	};
	struct smtp_params p = params;
	struct smtp_session s;
	struct script_server sv;
	struct diag d;
	struct timespec t0, t1;
	double el;
	int fd;

	p.timeout = 1;
	fd = script_start(&sv, steps, SCRIPT_NSTEPS(steps));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &p, &d), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	smtp_close(&s);
	script_wait(&sv, "");
	el = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(el >= 0.9 && el < 3.0, "timeout took %.2f s", el);
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.stage, STAGE_EHLO);
	ck_assert_msg(strstr(d.text, "timed out after 1 s") != NULL &&
	    strstr(d.text, "EHLO") != NULL && strstr(d.text, "\"timeout\"") !=
	    NULL, "got \"%s\"", d.text);
}
END_TEST

/* SIZE and SMTPUTF8 refusals happen before anything is sent. */
START_TEST(session_local_refusals)
{
	static const struct script_step steps[] = {
		{ NULL, GREET, SCRIPT_NONE },
		{ EHLO, "250-mx\r\n250-PIPELINING\r\n250 SIZE 10\r\n",
		  SCRIPT_NONE },
	};
	static const char *rcpts[] = { "a@x", NULL };
	static const char *urcpts[] = { "j\xc3\xb6rg@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct script_server sv;
	struct diag d;
	int fd, mfd;

	fd = script_start(&sv, steps, SCRIPT_NSTEPS(steps));
	mfd = msg_file("0123456789abcdef\r\n");
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_uint_eq(s.caps.size_max, 10);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 18, &d), -1);
	check_rcpt(&env, 0, RCPT_PERMFAIL, 552, "5.3.4 ");
	ck_assert_int_eq(d.outcome, OUTCOME_PERMFAIL);
	ck_assert_int_eq(d.exitcode, EX_DATAERR);
	ck_assert_int_eq(d.stage, STAGE_MAIL);
	ck_assert_ptr_nonnull(strstr(d.text, "at most 10"));
	envelope_free(&env);

	env_make(&env, "s@x", urcpts);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 5, &d), -1);
	check_rcpt(&env, 0, RCPT_PERMFAIL, 554, "5.6.7 ");
	ck_assert_int_eq(d.outcome, OUTCOME_PERMFAIL);
	ck_assert_ptr_nonnull(strstr(d.text, "SMTPUTF8"));
	smtp_quit(&s);
	script_wait(&sv, "QUIT\r\n");
	envelope_free(&env);
	close(mfd);
}
END_TEST

/* DSN parameters, only because the server offers DSN; a recipient that
 * is already DONE is not sent again; RSET after a failed transaction. */
START_TEST(session_dsn_and_reuse)
{
	static const struct script_step steps[] = {
		{ NULL, GREET, SCRIPT_NONE },
		{ EHLO, "250-mx\r\n250-PIPELINING\r\n250-DSN\r\n"
		  "250 SMTPUTF8\r\n", SCRIPT_NONE },
		{ "MAIL FROM:<s@x> RET=HDRS ENVID=q+2B1+3D+C3+A9\r\n"
		  "RCPT TO:<b@x> NOTIFY=FAILURE,DELAY\r\nDATA\r\n",
		  "250 ok\r\n550 no\r\n554 no valid recipients\r\n",
		  SCRIPT_NONE },
		{ "RSET\r\nMAIL FROM:<s@x> SMTPUTF8\r\n"
		  "RCPT TO:<j\xc3\xb6rg@x>\r\nDATA\r\n",
		  "250 reset\r\n250 ok\r\n250 ok\r\n354 go\r\n", SCRIPT_NONE },
		{ "x\r\n.\r\n", "250 sent\r\n", SCRIPT_BODY },
	};
	static const char *rcpts[] = { "a@x", "b@x", NULL };
	static const char *urcpts[] = { "j\xc3\xb6rg@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct script_server sv;
	struct diag d;
	int fd, mfd;

	fd = script_start(&sv, steps, SCRIPT_NSTEPS(steps));
	mfd = msg_file("x\r\n");
	env_make(&env, "s@x", rcpts);
	envelope_rcpt_set(&env.rcpts[0], RCPT_DONE, 250, "earlier");
	env.notify = DSN_NOTIFY_FAILURE | DSN_NOTIFY_DELAY;
	env.ret = DSN_RET_HDRS;
	env.envid = strdup("q+1=\xc3\xa9");
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 3, &d), 0);
	check_rcpt(&env, 0, RCPT_DONE, 250, "earlier");
	check_rcpt(&env, 1, RCPT_PERMFAIL, 550, "no");
	envelope_free(&env);

	/* second message over the same session */
	env_make(&env, "s@x", urcpts);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 3, &d), 0);
	check_rcpt(&env, 0, RCPT_DONE, 250, "sent");
	ck_assert_int_eq(d.outcome, OUTCOME_OK);
	smtp_quit(&s);
	script_wait(&sv, "QUIT\r\n");
	envelope_free(&env);
	close(mfd);
}
END_TEST

/* A big body leaves in large writes and arrives intact, stuffed. */
START_TEST(session_large_body)
{
	static struct script_step steps[] = {
		{ NULL, GREET, SCRIPT_NONE },
		{ EHLO, CAPS_PIPE, SCRIPT_NONE },
		{ NULL, "250 ok\r\n250 ok\r\n354 go\r\n", SCRIPT_NONE },
		{ NULL, "250 done\r\n", SCRIPT_BODY },
	};
	static const char *rcpts[] = { "a@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct script_server sv;
	struct buf in, wire, mail;
	struct diag d;
	int fd, mfd, k;

	buf_init(&in, 1 << 20);
	buf_init(&wire, 1 << 20);
	buf_init(&mail, 256);
	for (k = 0; k < 3000; k++) {
		buf_printf(&in, ".line %d with a leading dot\r\n", k);
		buf_printf(&wire, "..line %d with a leading dot\r\n", k);
	}
	buf_addstr(&wire, ".\r\n");
	buf_printf(&mail, "MAIL FROM:<s@x> SIZE=%zu\r\nRCPT TO:<a@x>\r\n"
	    "DATA\r\n", in.len);
	steps[2].expect = buf_str(&mail);
	steps[3].expect = buf_str(&wire);
	fd = script_start(&sv, steps, SCRIPT_NSTEPS(steps));
	mfd = msg_file(buf_str(&in));
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, (off_t)in.len, &d), 0);
	smtp_quit(&s);
	script_wait(&sv, "QUIT\r\n");
	check_rcpt(&env, 0, RCPT_DONE, 250, "done");
	/* ~100 KB of body: a handful of writes, not one per line */
	ck_assert_msg(s.conn.nflush < 10, "got %zu flushes", s.conn.nflush);
	envelope_free(&env);
	buf_free(&in);
	buf_free(&wire);
	buf_free(&mail);
	close(mfd);
}
END_TEST

/* RFC 2920 5: many recipients go in bounded groups, each group's
 * replies read before the next group is written. */
START_TEST(session_pipeline_batches)
{
	static struct script_step steps[] = {
		{ NULL, GREET, SCRIPT_NONE },
		{ EHLO, "250-mx\r\n250 PIPELINING\r\n", SCRIPT_NONE },
		{ NULL, NULL, SCRIPT_NONE },
		{ NULL, NULL, SCRIPT_NONE },
		{ "x\r\n.\r\n", "250 done\r\n", SCRIPT_BODY },
	};
	struct buf g1, r1, g2, r2;
	struct smtp_session s;
	struct envelope env;
	struct script_server sv;
	struct diag d;
	char addr[64];
	int fd, mfd, k, n1 = PIPELINE_CMDS_MAX - 1;

	buf_init(&g1, 1 << 16);
	buf_init(&r1, 1 << 16);
	buf_init(&g2, 1 << 16);
	buf_init(&r2, 1 << 16);
	envelope_init(&env);
	envelope_set_sender(&env, "s@x");
	buf_addstr(&g1, "MAIL FROM:<s@x>\r\n");
	buf_addstr(&r1, "250 ok\r\n");
	for (k = 0; k < 150; k++) {
		(void)snprintf(addr, sizeof(addr), "r%03d@example.org", k);
		ck_assert_int_eq(envelope_add_rcpt(&env, addr, &d), 1);
		buf_printf(k < n1 ? &g1 : &g2, "RCPT TO:<%s>\r\n", addr);
		buf_addstr(k < n1 ? &r1 : &r2, k == 7 ? "550 no\r\n" :
		    "250 ok\r\n");
	}
	buf_addstr(&g2, "DATA\r\n");
	buf_addstr(&r2, "354 go\r\n");
	steps[2].expect = buf_str(&g1);
	steps[2].send = buf_str(&r1);
	steps[3].expect = buf_str(&g2);
	steps[3].send = buf_str(&r2);
	fd = script_start(&sv, steps, SCRIPT_NSTEPS(steps));
	mfd = msg_file("x\r\n");
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 3, &d), 0);
	smtp_quit(&s);
	script_wait(&sv, "QUIT\r\n");
	ck_assert_uint_eq(envelope_count(&env, RCPT_DONE), 149);
	check_rcpt(&env, 7, RCPT_PERMFAIL, 550, "no");
	check_rcpt(&env, 149, RCPT_DONE, 250, "done");
	/* EHLO, two command groups, body, QUIT */
	ck_assert_uint_eq(s.conn.nflush, 5);
	envelope_free(&env);
	buf_free(&g1);
	buf_free(&r1);
	buf_free(&g2);
	buf_free(&r2);
	close(mfd);
}
END_TEST

/* ------------------------------------------------ real TCP */

static void
tcp_session(int family, const char *host)
{
	static const struct script_step steps[] = {
		{ NULL, "220 tcp ok\r\n", SCRIPT_NONE },
		{ EHLO, "250 tcp\r\n", SCRIPT_NONE },
	};
	struct script_server sv;
	struct smtp_params p = params;
	struct smtp_session s;
	struct diag d;
	int port;

	port = script_start_tcp(&sv, family, steps, SCRIPT_NSTEPS(steps));
	if (port == -1 && family == AF_INET6)
		return;		/* no IPv6 here */
	ck_assert_int_gt(port, 0);
	p.host = host;
	p.port = port;
	ck_assert_msg(smtp_open(&s, &p, &d) == 0, "got \"%s\"", d.text);
	ck_assert_int_eq(d.outcome, OUTCOME_OK);
	smtp_quit(&s);
	script_wait(&sv, "QUIT\r\n");
	ck_assert_str_eq(sv.sent, "EHLO client.example\r\nQUIT\r\n");
}

START_TEST(tcp_connect_ipv4_ipv6)
{
	tcp_session(AF_INET, "127.0.0.1");
	tcp_session(AF_INET6, "::1");
}
END_TEST

/* A port that was just free: nobody listens there now. */
static int
free_port(void)
{
	int fd, port;

	fd = script_listen(AF_INET, &port);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_gt(port, 0);
	(void)close(fd);
	return port;
}

START_TEST(tcp_connect_refused)
{
	struct smtp_params p = params;
	struct smtp_session s;
	struct diag d;

	p.host = "127.0.0.1";
	p.port = free_port();
	ck_assert_int_eq(smtp_open(&s, &p, &d), -1);
	smtp_close(&s);
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_int_eq(d.stage, STAGE_CONNECT);
	ck_assert_msg(strstr(d.text, "cannot connect to 127.0.0.1 port") &&
	    strstr(d.text, "Connection refused") &&
	    strstr(d.text, "465 = implicit TLS"), "got \"%s\"", d.text);
}
END_TEST

/* ------------------------------------------------ deliver_message */

static void
deliver_setup(struct config *cfg, struct msg *m, const char *body, int port)
{
	ck_assert_int_gt(port, 0);
	memset(cfg, 0, sizeof(*cfg));
	config_defaults(cfg);
	cfg->host = strdup("127.0.0.1");
	cfg->port = port;
	cfg->tls = TLS_MODE_OFF;
	cfg->timeout = 5;
	cfg->domain = strdup("client.example");
	memset(m, 0, sizeof(*m));
	m->fd = msg_file(body);
	m->size = (off_t)strlen(body);
}

static void
deliver_teardown(struct config *cfg, struct msg *m, struct envelope *env)
{
	close(m->fd);
	config_free(cfg);
	envelope_free(env);
}

static const struct script_step dl_ok[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_PIPE, SCRIPT_NONE },
	{ "MAIL FROM:<s@x> SIZE=6\r\nRCPT TO:<a@x>\r\n"
	  "RCPT TO:<b@x>\r\nDATA\r\n",
	  "250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n", SCRIPT_NONE },
	{ "..x\r\n.\r\n", "250 2.0.0 queued\r\n", SCRIPT_BODY },
};

static const struct script_step dl_all_unknown[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_PIPE, SCRIPT_NONE },
	{ "MAIL FROM:<s@x> SIZE=3\r\nRCPT TO:<a@x>\r\nDATA\r\n",
	  "250 ok\r\n550 5.1.1 no such user\r\n554 5.5.1 no rcpt\r\n",
	  SCRIPT_NONE },
};

static const struct script_step dl_no_starttls[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_PIPE, SCRIPT_NONE },
};

/*
 * deliver_message over loopback TCP, from the config; a case without
 * steps connects to a port where nobody listens.  done, when not -1, is
 * a recipient delivered earlier, which must stay untouched.
 */
static const struct {
	const char		*name;
	const struct script_step *steps;	/* or NULL: refused */
	size_t			 nsteps;
	const char		*body;
	off_t			 size;		/* m.size; 0: the body's */
	const char		*rcpts[3];
	int			 done;
	enum tls_mode		 tls;
	enum outcome		 outcome;
	int			 exitcode;
	enum smtp_stage		 stage;
	const char		*text;		/* in d.text, or NULL */
	const char		*tail;
	struct rcpt_want	 want[2];
} deliver_cases[] = {
	{ "ok_over_tcp", STEPS(dl_ok), ".x\r\n", 6, { "a@x", "b@x", NULL }, -1,
	  TLS_MODE_OFF, OUTCOME_OK, 0, STAGE_NONE, NULL, "QUIT\r\n",
	  { { RCPT_DONE, 250, "2.0.0 queued" },
	    { RCPT_DONE, 250, "2.0.0 queued" } } },
	{ "all_unknown_users", STEPS(dl_all_unknown), "x\r\n", 0,
	  { "a@x", NULL }, -1, TLS_MODE_OFF, OUTCOME_PERMFAIL, EX_NOUSER,
	  STAGE_RCPT, "no such user", "QUIT\r\n",
	  { { RCPT_PERMFAIL, 550, "5.1.1 no such user" } } },
	{ "connect_refused", NULL, 0, "x\r\n", 0, { "a@x", "b@x", NULL }, 1,
	  TLS_MODE_OFF, OUTCOME_TEMPFAIL, EX_TEMPFAIL, STAGE_CONNECT,
	  "Connection refused", NULL,
	  { { RCPT_TEMPFAIL, 0, "cannot connect to 127.0.0.1" },
	    { RCPT_DONE, 250, "earlier" } } },
	/* "tls starttls" (the default) never falls back to plaintext. */
	{ "starttls_required", STEPS(dl_no_starttls), "x\r\n", 0,
	  { "a@x", NULL }, -1, TLS_MODE_STARTTLS, OUTCOME_TEMPFAIL,
	  EX_TEMPFAIL, STAGE_STARTTLS, "does not offer STARTTLS", "",
	  { { RCPT_TEMPFAIL, 0, "127.0.0.1 port" } } },
};

START_TEST(deliver_table)
{
	const size_t i = (size_t)_i;
	struct config cfg;
	struct envelope env;
	struct script_server sv;
	struct msg m;
	struct diag d;
	enum outcome o;
	size_t k;
	int port;

	if (deliver_cases[i].steps != NULL)
		port = script_start_tcp(&sv, AF_INET, deliver_cases[i].steps,
		    deliver_cases[i].nsteps);
	else
		port = free_port();
	deliver_setup(&cfg, &m, deliver_cases[i].body, port);
	cfg.tls = deliver_cases[i].tls;
	if (deliver_cases[i].size != 0)
		m.size = deliver_cases[i].size;
	env_make(&env, "s@x", deliver_cases[i].rcpts);
	if (deliver_cases[i].done != -1)
		envelope_rcpt_set(&env.rcpts[deliver_cases[i].done],
		    RCPT_DONE, 250, "earlier");
	o = deliver_message(&cfg, &env, &m, &d);
	if (deliver_cases[i].steps != NULL)
		script_wait(&sv, deliver_cases[i].tail);
	ck_assert_msg(o == deliver_cases[i].outcome && d.outcome == o,
	    "%s: got outcome %d (diag %d), want %d (\"%s\")",
	    deliver_cases[i].name, o, d.outcome, deliver_cases[i].outcome,
	    d.text);
	ck_assert_int_eq(d.exitcode, deliver_cases[i].exitcode);
	ck_assert_int_eq(d.stage, deliver_cases[i].stage);
	if (deliver_cases[i].text != NULL)
		ck_assert_msg(strstr(d.text, deliver_cases[i].text) != NULL,
		    "%s: got \"%s\", want it to say \"%s\"",
		    deliver_cases[i].name, d.text, deliver_cases[i].text);
	for (k = 0; deliver_cases[i].rcpts[k] != NULL; k++)
		check_rcpt(&env, k, deliver_cases[i].want[k].st,
		    deliver_cases[i].want[k].code,
		    deliver_cases[i].want[k].reply);
	deliver_teardown(&cfg, &m, &env);
}
END_TEST

static Suite *
smtp_suite(void)
{
	Suite *s = suite_create("smtp");
	TCase *tp = tcase_create("pure");
	TCase *ts = tcase_create("session");

	tcase_add_loop_test(tp, dot_every_split, 0,
	    (int)(sizeof(dot_cases) / sizeof(dot_cases[0])));
	tcase_add_test(tp, dot_random_invariants);
	tcase_add_test(tp, build_mail_params);
	tcase_add_loop_test(tp, build_rcpt, 0,
	    (int)(sizeof(rcpt_cases) / sizeof(rcpt_cases[0])));
	tcase_add_test(tp, build_refuses_long_and_injected);
	tcase_add_test(tp, xtext_table);
	tcase_add_test(tp, helo_names);
	suite_add_tcase(s, tp);

	tcase_set_timeout(ts, 20);
	tcase_add_loop_test(ts, session_table, 0,
	    (int)(sizeof(session_cases) / sizeof(session_cases[0])));
	tcase_add_loop_test(ts, session_greeting_refused, 0,
	    (int)(sizeof(greeting_cases) / sizeof(greeting_cases[0])));
	tcase_add_test(ts, session_stall_times_out);
	tcase_add_test(ts, session_local_refusals);
	tcase_add_test(ts, session_dsn_and_reuse);
	tcase_add_test(ts, session_large_body);
	tcase_add_test(ts, session_pipeline_batches);
	tcase_add_test(ts, tcp_connect_ipv4_ipv6);
	tcase_add_test(ts, tcp_connect_refused);
	tcase_add_loop_test(ts, deliver_table, 0,
	    (int)(sizeof(deliver_cases) / sizeof(deliver_cases[0])));
	suite_add_tcase(s, ts);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(smtp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
