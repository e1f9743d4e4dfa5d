/*
 * test_smtp.c - dot-stuffing filter, command builders, and whole SMTP
 * sessions against a scripted server thread over a socketpair (and over
 * loopback TCP for conn_open).
 */
#include "compat.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
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

/* Printable form of bytes for "got X, want Y" messages. */
static const char *
esc(const char *p, size_t n, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < size; i++) {
		if (p[i] == '\r') {
			out[o++] = '\\';
			out[o++] = 'r';
		} else if (p[i] == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else
			out[o++] = p[i];
	}
	out[o] = '\0';
	return out;
}

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
			    esc(in, n, e1, sizeof(e1)), i, j,
			    esc(out, got, e2, sizeof(e2)), want);
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

enum op {
	OP_NONE = 0,
	OP_BODY,	/* read until the data ends with CRLF.CRLF */
	OP_CLOSE,	/* close at once after this step */
	OP_STALL	/* say nothing; wait for the client to hang up */
};

struct step {
	const char	*expect;	/* bytes of ONE read (one write group) */
	const char	*send;		/* then send this */
	enum op		 op;
};

struct server {
	int			 fd;
	int			 lfd;		/* TCP: accept first */
	const struct step	*steps;
	size_t			 nsteps;
	pthread_t		 th;
	char			 fail[2048];	/* first mismatch, or "" */
	char			 tail[4096];	/* what came after the script */
	size_t			 taillen;
};

/* One read with a 5 s limit; -1 on timeout. */
static ssize_t
server_read(int fd, char *p, size_t n)
{
	struct pollfd pfd = { fd, POLLIN, 0 };

	if (poll(&pfd, 1, 5000) != 1)
		return -1;
	return read(fd, p, n);
}

static void *
server_run(void *arg)
{
	struct server *sv = arg;
	static char got[128 * 1024];
	char e1[1024], e2[1024];
	const struct step *st;
	size_t i, len;
	ssize_t n;

	if (sv->lfd != -1) {
		sv->fd = accept(sv->lfd, NULL, NULL);
		if (sv->fd == -1)
			return NULL;
	}
	for (i = 0; i < sv->nsteps; i++) {
		st = &sv->steps[i];
		len = 0;
		if (st->op == OP_BODY) {
			while (len < 5 || memcmp(got + len - 5, "\r\n.\r\n", 5)) {
				n = server_read(sv->fd, got + len,
				    sizeof(got) - len);
				if (n <= 0)
					break;
				len += (size_t)n;
			}
		} else if (st->expect != NULL) {
			n = server_read(sv->fd, got, sizeof(got));
			len = n > 0 ? (size_t)n : 0;
		}
		if (st->expect != NULL && (len != strlen(st->expect) ||
		    memcmp(got, st->expect, len) != 0)) {
			(void)snprintf(sv->fail, sizeof(sv->fail), "step %zu: "
			    "got \"%s\", want \"%s\"", i,
			    esc(got, len, e1, sizeof(e1)),
			    esc(st->expect, strlen(st->expect), e2,
			    sizeof(e2)));
			break;
		}
		if (st->send != NULL &&
		    write(sv->fd, st->send, strlen(st->send)) < 0)
			break;
		if (st->op == OP_CLOSE) {
			(void)close(sv->fd);
			sv->fd = -1;
			return NULL;
		}
		if (st->op == OP_STALL)
			break;
	}
	/* Whatever the client still sends, until it hangs up. */
	while (sv->fd != -1 && sv->taillen < sizeof(sv->tail) - 1) {
		n = server_read(sv->fd, sv->tail + sv->taillen,
		    sizeof(sv->tail) - 1 - sv->taillen);
		if (n <= 0)
			break;
		sv->taillen += (size_t)n;
	}
	sv->tail[sv->taillen] = '\0';
	if (sv->fd != -1)
		(void)close(sv->fd);
	return NULL;
}

/* Start the server on one end of a socketpair; returns the other end. */
static int
server_start(struct server *sv, const struct step *steps, size_t n)
{
	int sp[2];

	memset(sv, 0, sizeof(*sv));
	sv->lfd = -1;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	sv->fd = sp[1];
	sv->steps = steps;
	sv->nsteps = n;
	ck_assert_int_eq(pthread_create(&sv->th, NULL, server_run, sv), 0);
	return sp[0];
}

static void
server_wait(struct server *sv, const char *want_tail)
{
	char e1[1024];

	ck_assert_int_eq(pthread_join(sv->th, NULL), 0);
	ck_assert_msg(sv->fail[0] == '\0', "server: %s", sv->fail);
	if (want_tail != NULL)
		ck_assert_msg(strcmp(sv->tail, want_tail) == 0, "after the "
		    "script: got \"%s\", want \"%s\"",
		    esc(sv->tail, sv->taillen, e1, sizeof(e1)), want_tail);
}

#define NSTEPS(a)	(sizeof(a) / sizeof((a)[0]))

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
env_make(struct envelope *env, const char *sender, const char **rcpts)
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

/* The whole pipelined transaction: 5 round trips, mixed RCPT results. */
START_TEST(session_pipelined_mixed)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, CAPS_PIPE, OP_NONE },
		{ "MAIL FROM:<s@example.org> SIZE=42 BODY=8BITMIME\r\n"
		  "RCPT TO:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\n"
		  "DATA\r\n",
		  "250 2.1.0 ok\r\n250 2.1.5 ok\r\n"
		  "550 5.1.1 <b@x>: no such user\r\n"
		  "450 4.2.0 <c@x>: busy\r\n354 go ahead\r\n", OP_NONE },
		{ BODY_WIRE, "250 2.0.0 Ok: queued as ABC\r\n", OP_BODY },
	};
	static const char *rcpts[] = { "a@x", "b@x", "c@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct server sv;
	struct diag d;
	int fd, mfd;

	log_set_verbose(1);	/* exercise the transcript path */
	fd = server_start(&sv, steps, NSTEPS(steps));
	mfd = msg_file(BODY_IN);
	env_make(&env, "s@example.org", rcpts);
	env.eightbit = 1;
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert(s.esmtp);
	ck_assert(s.caps.pipelining);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 42, &d), 0);
	smtp_quit(&s);
	log_set_verbose(0);
	server_wait(&sv, "QUIT\r\n");
	check_rcpt(&env, 0, RCPT_DONE, 250, "2.0.0 Ok: queued as ABC");
	check_rcpt(&env, 1, RCPT_PERMFAIL, 550, "5.1.1 <b@x>: no such user");
	check_rcpt(&env, 2, RCPT_TEMPFAIL, 450, "4.2.0 <c@x>: busy");
	/* a TEMPFAIL recipient decides: the message is retried */
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.stage, STAGE_RCPT);
	ck_assert_int_eq(d.smtp_code, 450);
	ck_assert_ptr_nonnull(strstr(d.text, "<c@x>"));
	/* EHLO, MAIL+RCPT+DATA, body+dot, QUIT: four write groups */
	ck_assert_msg(s.conn.nflush == 4, "got %zu write groups, want 4",
	    s.conn.nflush);
	ck_assert_uint_eq(s.conn.nwrite, 4);
	envelope_free(&env);
	close(mfd);
}
END_TEST

/* Without PIPELINING every command waits for its reply. */
START_TEST(session_lockstep)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, CAPS_PLAIN, OP_NONE },
		{ "MAIL FROM:<> SIZE=3\r\n", "250 ok\r\n", OP_NONE },
		{ "RCPT TO:<a@x>\r\n", "250 ok\r\n", OP_NONE },
		{ "RCPT TO:<b@x>\r\n", "550 nope\r\n", OP_NONE },
		{ "DATA\r\n", "354 go\r\n", OP_NONE },
		{ "hi\r\n.\r\n", "250 done\r\n", OP_BODY },
	};
	static const char *rcpts[] = { "a@x", "b@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct server sv;
	struct diag d;
	int fd, mfd;

	fd = server_start(&sv, steps, NSTEPS(steps));
	mfd = msg_file("hi\r\n");
	env_make(&env, "", rcpts);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert(!s.caps.pipelining);
	ck_assert_msg(smtp_send(&s, &env, mfd, 3, &d) == 0, "got \"%s\"",
	    d.text);
	smtp_quit(&s);
	server_wait(&sv, "QUIT\r\n");
	check_rcpt(&env, 0, RCPT_DONE, 250, "done");
	check_rcpt(&env, 1, RCPT_PERMFAIL, 550, "nope");
	ck_assert_int_eq(d.outcome, OUTCOME_PERMFAIL);
	ck_assert_int_eq(d.stage, STAGE_RCPT);
	ck_assert_uint_eq(s.conn.nflush, 7);
	envelope_free(&env);
	close(mfd);
}
END_TEST

static void
greeting_refused(const char *greet, const char *tail, int code)
{
	const struct step steps[] = {
		{ NULL, greet, OP_NONE },
	};
	struct smtp_session s;
	struct server sv;
	struct diag d;
	int fd;

	fd = server_start(&sv, steps, NSTEPS(steps));
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), -1);
	smtp_close(&s);
	server_wait(&sv, tail);
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_int_eq(d.stage, STAGE_GREETING);
	ck_assert_int_eq(d.smtp_code, code);
	ck_assert_msg(strstr(d.text, "go away") != NULL, "got \"%s\"",
	    d.text);
}

START_TEST(session_greeting_421)
{
	/* 421: the server is closing; no QUIT */
	greeting_refused("421 4.3.2 go away\r\n", "", 421);
}
END_TEST

START_TEST(session_greeting_554)
{
	/* 554: RFC 5321 3.1 wants a QUIT; still only TEMPFAIL */
	greeting_refused("554 5.7.1 go away\r\n", "QUIT\r\n", 554);
}
END_TEST

START_TEST(session_mail_refused_pipelined)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, CAPS_PIPE, OP_NONE },
		{ "MAIL FROM:<s@x> SIZE=5\r\nRCPT TO:<a@x>\r\n"
		  "RCPT TO:<b@x>\r\nDATA\r\n",
		  "553 5.7.1 sender rejected\r\n503 5.5.1 need MAIL\r\n"
		  "503 5.5.1 need MAIL\r\n554 5.5.1 no valid recipients\r\n",
		  OP_NONE },
	};
	static const char *rcpts[] = { "a@x", "b@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct server sv;
	struct diag d;
	int fd, mfd;

	fd = server_start(&sv, steps, NSTEPS(steps));
	mfd = msg_file("x\r\ny\r\n");
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 5, &d), -1);
	ck_assert(!s.broken);
	smtp_quit(&s);
	server_wait(&sv, "QUIT\r\n");
	check_rcpt(&env, 0, RCPT_PERMFAIL, 553, "5.7.1 sender rejected");
	check_rcpt(&env, 1, RCPT_PERMFAIL, 553, "5.7.1 sender rejected");
	ck_assert_int_eq(d.outcome, OUTCOME_PERMFAIL);
	ck_assert_int_eq(d.stage, STAGE_MAIL);
	ck_assert_int_eq(d.exitcode, EX_UNAVAILABLE);
	ck_assert_str_eq(d.enh, "5.7.1");
	envelope_free(&env);
	close(mfd);
}
END_TEST

START_TEST(session_data_4xx)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, CAPS_PIPE, OP_NONE },
		{ "MAIL FROM:<s@x> SIZE=5\r\nRCPT TO:<a@x>\r\nDATA\r\n",
		  "250 ok\r\n250 ok\r\n451 4.3.0 try later\r\n", OP_NONE },
	};
	static const char *rcpts[] = { "a@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct server sv;
	struct diag d;
	int fd, mfd;

	fd = server_start(&sv, steps, NSTEPS(steps));
	mfd = msg_file("x\r\ny\r\n");
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 5, &d), -1);
	smtp_quit(&s);
	/* no body was sent: only the QUIT follows */
	server_wait(&sv, "QUIT\r\n");
	check_rcpt(&env, 0, RCPT_TEMPFAIL, 451, "4.3.0 try later");
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.stage, STAGE_DATA);
	envelope_free(&env);
	close(mfd);
}
END_TEST

/* Every recipient refused: DATA (already pipelined) is refused too, no
 * body goes out. */
START_TEST(session_all_rcpts_refused)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, CAPS_PIPE, OP_NONE },
		{ "MAIL FROM:<s@x> SIZE=5\r\nRCPT TO:<a@x>\r\n"
		  "RCPT TO:<b@x>\r\nDATA\r\n",
		  "250 ok\r\n550 5.1.1 no a\r\n550 5.1.1 no b\r\n"
		  "554 5.5.1 no valid recipients\r\n", OP_NONE },
	};
	static const char *rcpts[] = { "a@x", "b@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct server sv;
	struct diag d;
	int fd, mfd;

	fd = server_start(&sv, steps, NSTEPS(steps));
	mfd = msg_file("x\r\ny\r\n");
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 5, &d), 0);
	ck_assert(s.need_rset);
	smtp_quit(&s);
	server_wait(&sv, "QUIT\r\n");
	check_rcpt(&env, 0, RCPT_PERMFAIL, 550, "5.1.1 no a");
	check_rcpt(&env, 1, RCPT_PERMFAIL, 550, "5.1.1 no b");
	ck_assert_int_eq(d.outcome, OUTCOME_PERMFAIL);
	ck_assert_int_eq(d.exitcode, EX_NOUSER);
	envelope_free(&env);
	close(mfd);
}
END_TEST

START_TEST(session_close_mid_data)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, CAPS_PIPE, OP_NONE },
		{ "MAIL FROM:<s@x> SIZE=5\r\nRCPT TO:<a@x>\r\n"
		  "RCPT TO:<b@x>\r\nDATA\r\n",
		  "250 ok\r\n250 ok\r\n550 5.1.1 no b\r\n354 go\r\n",
		  OP_NONE },
		{ "x\r\ny\r\n.\r\n", NULL, OP_CLOSE },
	};
	static const char *rcpts[] = { "a@x", "b@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct server sv;
	struct diag d;
	int fd, mfd;

	fd = server_start(&sv, steps, NSTEPS(steps));
	mfd = msg_file("x\r\ny\r\n");
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 5, &d), -1);
	ck_assert(s.broken);
	smtp_quit(&s);		/* must not try to write */
	server_wait(&sv, "");
	check_rcpt(&env, 0, RCPT_TEMPFAIL, 0, "connection to mx.test");
	check_rcpt(&env, 1, RCPT_PERMFAIL, 550, "5.1.1 no b");
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.stage, STAGE_BODY);
	ck_assert_msg(strstr(d.text, "closed the connection") != NULL,
	    "got \"%s\"", d.text);
	envelope_free(&env);
	close(mfd);
}
END_TEST

START_TEST(session_stall_times_out)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, NULL, OP_STALL },
	};
	struct smtp_params p = params;
	struct smtp_session s;
	struct server sv;
	struct diag d;
	struct timespec t0, t1;
	double el;
	int fd;

	p.timeout = 1;
	fd = server_start(&sv, steps, NSTEPS(steps));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &p, &d), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	smtp_close(&s);
	server_wait(&sv, "");
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

START_TEST(session_helo_fallback_and_malformed)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, "502 5.5.2 what?\r\n", OP_NONE },
		{ "HELO client.example\r\n", "250 hi\r\n", OP_NONE },
		{ "MAIL FROM:<s@x>\r\n", "250 ok\r\n", OP_NONE },
		{ "RCPT TO:<a@x>\r\n", "250 ok\r\n250-bad\r\n", OP_NONE },
		{ "DATA\r\n", "354 go\r\n", OP_NONE },
	};
	static const char *rcpts[] = { "a@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct server sv;
	struct diag d;
	int fd, mfd;

	fd = server_start(&sv, steps, NSTEPS(steps));
	mfd = msg_file("x\r\n");
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert(!s.esmtp);
	/* "250-bad" then "354 go": codes differ, malformed -> TEMPFAIL */
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 3, &d), -1);
	smtp_quit(&s);
	server_wait(&sv, "");
	check_rcpt(&env, 0, RCPT_TEMPFAIL, 0, NULL);
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.stage, STAGE_DATA);
	envelope_free(&env);
	close(mfd);
}
END_TEST

START_TEST(session_malformed_greeting)
{
	static const struct step steps[] = {
		{ NULL, "220-mx\r\n250 other code\r\n", OP_NONE },
	};
	struct smtp_session s;
	struct server sv;
	struct diag d;
	int fd;

	fd = server_start(&sv, steps, NSTEPS(steps));
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), -1);
	smtp_close(&s);
	server_wait(&sv, "");
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_msg(strstr(d.text, "malformed") != NULL &&
	    strstr(d.text, "different codes") != NULL, "got \"%s\"", d.text);
}
END_TEST

/* SIZE and SMTPUTF8 refusals happen before anything is sent. */
START_TEST(session_local_refusals)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, "250-mx\r\n250-PIPELINING\r\n250 SIZE 10\r\n", OP_NONE },
	};
	static const char *rcpts[] = { "a@x", NULL };
	static const char *urcpts[] = { "j\xc3\xb6rg@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct server sv;
	struct diag d;
	int fd, mfd;

	fd = server_start(&sv, steps, NSTEPS(steps));
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
	server_wait(&sv, "QUIT\r\n");
	envelope_free(&env);
	close(mfd);
}
END_TEST

/* DSN parameters, only because the server offers DSN; a recipient that
 * is already DONE is not sent again; RSET after a failed transaction. */
START_TEST(session_dsn_and_reuse)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, "250-mx\r\n250-PIPELINING\r\n250-DSN\r\n"
		  "250 SMTPUTF8\r\n", OP_NONE },
		{ "MAIL FROM:<s@x> RET=HDRS ENVID=q+2B1+3D+C3+A9\r\n"
		  "RCPT TO:<b@x> NOTIFY=FAILURE,DELAY\r\nDATA\r\n",
		  "250 ok\r\n550 no\r\n554 no valid recipients\r\n", OP_NONE },
		{ "RSET\r\nMAIL FROM:<s@x> SMTPUTF8\r\n"
		  "RCPT TO:<j\xc3\xb6rg@x>\r\nDATA\r\n",
		  "250 reset\r\n250 ok\r\n250 ok\r\n354 go\r\n", OP_NONE },
		{ "x\r\n.\r\n", "250 sent\r\n", OP_BODY },
	};
	static const char *rcpts[] = { "a@x", "b@x", NULL };
	static const char *urcpts[] = { "j\xc3\xb6rg@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct server sv;
	struct diag d;
	int fd, mfd;

	fd = server_start(&sv, steps, NSTEPS(steps));
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
	server_wait(&sv, "QUIT\r\n");
	envelope_free(&env);
	close(mfd);
}
END_TEST

/* A big body leaves in large writes and arrives intact, stuffed. */
START_TEST(session_large_body)
{
	static struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, CAPS_PIPE, OP_NONE },
		{ NULL, "250 ok\r\n250 ok\r\n354 go\r\n", OP_NONE },
		{ NULL, "250 done\r\n", OP_BODY },
	};
	static const char *rcpts[] = { "a@x", NULL };
	struct smtp_session s;
	struct envelope env;
	struct server sv;
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
	fd = server_start(&sv, steps, NSTEPS(steps));
	mfd = msg_file(buf_str(&in));
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, (off_t)in.len, &d), 0);
	smtp_quit(&s);
	server_wait(&sv, "QUIT\r\n");
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
	static struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, "250-mx\r\n250 PIPELINING\r\n", OP_NONE },
		{ NULL, NULL, OP_NONE },
		{ NULL, NULL, OP_NONE },
		{ "x\r\n.\r\n", "250 done\r\n", OP_BODY },
	};
	struct buf g1, r1, g2, r2;
	struct smtp_session s;
	struct envelope env;
	struct server sv;
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
	fd = server_start(&sv, steps, NSTEPS(steps));
	mfd = msg_file("x\r\n");
	ck_assert_int_eq(smtp_open_fd(&s, fd, &params, &d), 0);
	ck_assert_int_eq(smtp_send(&s, &env, mfd, 3, &d), 0);
	smtp_quit(&s);
	server_wait(&sv, "QUIT\r\n");
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

struct tcp_server {
	int		 lfd;
	pthread_t	 th;
	char		 got[256];
};

static void *
tcp_server_run(void *arg)
{
	struct tcp_server *ts = arg;
	size_t off;
	ssize_t n;
	int fd;

	fd = accept(ts->lfd, NULL, NULL);
	if (fd == -1)
		return NULL;
	if (write(fd, "220 tcp ok\r\n", 12) != 12)
		goto out;
	n = server_read(fd, ts->got, sizeof(ts->got) - 1);
	if (n > 0) {
		ts->got[n] = '\0';
		if (write(fd, "250 tcp\r\n", 9) != 9)
			goto out;
	}
	off = strlen(ts->got);
	n = server_read(fd, ts->got + off, 64);
	if (n > 0)
		ts->got[off + (size_t)n] = '\0';
out:
	(void)close(fd);
	return NULL;
}

static int
tcp_listen(int family, struct tcp_server *ts)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	memset(&ss, 0, sizeof(ss));
	memset(ts, 0, sizeof(*ts));
	ts->lfd = socket(family, SOCK_STREAM, 0);
	if (ts->lfd == -1)
		return -1;
	(void)setsockopt(ts->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	if (bind(ts->lfd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(ts->lfd, 1) == -1 ||
	    getsockname(ts->lfd, (struct sockaddr *)&ss, &len) == -1) {
		close(ts->lfd);
		return -1;
	}
	return ntohs(family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void
tcp_session(int family, const char *host)
{
	struct tcp_server ts;
	struct smtp_params p = params;
	struct smtp_session s;
	struct diag d;
	int port;

	port = tcp_listen(family, &ts);
	if (port == -1 && family == AF_INET6)
		return;		/* no IPv6 here */
	ck_assert_int_gt(port, 0);
	ck_assert_int_eq(pthread_create(&ts.th, NULL, tcp_server_run, &ts),
	    0);
	p.host = host;
	p.port = port;
	ck_assert_msg(smtp_open(&s, &p, &d) == 0, "got \"%s\"", d.text);
	ck_assert_int_eq(d.outcome, OUTCOME_OK);
	smtp_quit(&s);
	pthread_join(ts.th, NULL);
	close(ts.lfd);
	ck_assert_str_eq(ts.got, "EHLO client.example\r\nQUIT\r\n");
}

START_TEST(tcp_connect_ipv4_ipv6)
{
	tcp_session(AF_INET, "127.0.0.1");
	tcp_session(AF_INET6, "::1");
}
END_TEST

START_TEST(tcp_connect_refused)
{
	struct tcp_server ts;
	struct smtp_params p = params;
	struct smtp_session s;
	struct diag d;
	int port;

	/* a port that was just free: nobody listens there now */
	port = tcp_listen(AF_INET, &ts);
	ck_assert_int_gt(port, 0);
	close(ts.lfd);
	p.host = "127.0.0.1";
	p.port = port;
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

/* Scripted server on 127.0.0.1; returns its port. */
static int
server_start_tcp(struct server *sv, const struct step *steps, size_t n)
{
	struct tcp_server ts;
	int port;

	port = tcp_listen(AF_INET, &ts);
	ck_assert_int_gt(port, 0);
	memset(sv, 0, sizeof(*sv));
	sv->fd = -1;
	sv->lfd = ts.lfd;
	sv->steps = steps;
	sv->nsteps = n;
	ck_assert_int_eq(pthread_create(&sv->th, NULL, server_run, sv), 0);
	return port;
}

static void
deliver_setup(struct config *cfg, struct msg *m, const char *body, int port)
{
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

START_TEST(deliver_ok_over_tcp)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, CAPS_PIPE, OP_NONE },
		{ "MAIL FROM:<s@x> SIZE=6\r\nRCPT TO:<a@x>\r\n"
		  "RCPT TO:<b@x>\r\nDATA\r\n",
		  "250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n", OP_NONE },
		{ "..x\r\n.\r\n", "250 2.0.0 queued\r\n", OP_BODY },
	};
	static const char *rcpts[] = { "a@x", "b@x", NULL };
	struct config cfg;
	struct envelope env;
	struct server sv;
	struct msg m;
	struct diag d;
	int port;

	port = server_start_tcp(&sv, steps, NSTEPS(steps));
	deliver_setup(&cfg, &m, ".x\r\n", port);
	m.size = 6;
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(deliver_message(&cfg, &env, &m, &d), OUTCOME_OK);
	server_wait(&sv, "QUIT\r\n");
	close(sv.lfd);
	ck_assert_int_eq(d.outcome, OUTCOME_OK);
	ck_assert_int_eq(d.exitcode, 0);
	check_rcpt(&env, 0, RCPT_DONE, 250, "2.0.0 queued");
	check_rcpt(&env, 1, RCPT_DONE, 250, "2.0.0 queued");
	deliver_teardown(&cfg, &m, &env);
}
END_TEST

START_TEST(deliver_all_unknown_users)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, CAPS_PIPE, OP_NONE },
		{ "MAIL FROM:<s@x> SIZE=3\r\nRCPT TO:<a@x>\r\nDATA\r\n",
		  "250 ok\r\n550 5.1.1 no such user\r\n554 5.5.1 no rcpt\r\n",
		  OP_NONE },
	};
	static const char *rcpts[] = { "a@x", NULL };
	struct config cfg;
	struct envelope env;
	struct server sv;
	struct msg m;
	struct diag d;
	int port;

	port = server_start_tcp(&sv, steps, NSTEPS(steps));
	deliver_setup(&cfg, &m, "x\r\n", port);
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(deliver_message(&cfg, &env, &m, &d),
	    OUTCOME_PERMFAIL);
	server_wait(&sv, "QUIT\r\n");
	close(sv.lfd);
	ck_assert_int_eq(d.exitcode, EX_NOUSER);
	ck_assert_int_eq(d.stage, STAGE_RCPT);
	check_rcpt(&env, 0, RCPT_PERMFAIL, 550, "5.1.1 no such user");
	deliver_teardown(&cfg, &m, &env);
}
END_TEST

START_TEST(deliver_connect_refused)
{
	static const char *rcpts[] = { "a@x", "b@x", NULL };
	struct tcp_server ts;
	struct config cfg;
	struct envelope env;
	struct msg m;
	struct diag d;
	int port;

	port = tcp_listen(AF_INET, &ts);
	ck_assert_int_gt(port, 0);
	close(ts.lfd);
	deliver_setup(&cfg, &m, "x\r\n", port);
	env_make(&env, "s@x", rcpts);
	envelope_rcpt_set(&env.rcpts[1], RCPT_DONE, 250, "earlier");
	ck_assert_int_eq(deliver_message(&cfg, &env, &m, &d),
	    OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(d.text, "Connection refused"));
	check_rcpt(&env, 0, RCPT_TEMPFAIL, 0, "cannot connect to 127.0.0.1");
	check_rcpt(&env, 1, RCPT_DONE, 250, "earlier");
	deliver_teardown(&cfg, &m, &env);
}
END_TEST

/* "tls starttls" (the default) never falls back to plaintext. */
START_TEST(deliver_starttls_required)
{
	static const struct step steps[] = {
		{ NULL, GREET, OP_NONE },
		{ EHLO, CAPS_PIPE, OP_NONE },
	};
	static const char *rcpts[] = { "a@x", NULL };
	struct config cfg;
	struct envelope env;
	struct server sv;
	struct msg m;
	struct diag d;
	int port;

	port = server_start_tcp(&sv, steps, NSTEPS(steps));
	deliver_setup(&cfg, &m, "x\r\n", port);
	cfg.tls = TLS_MODE_STARTTLS;
	env_make(&env, "s@x", rcpts);
	ck_assert_int_eq(deliver_message(&cfg, &env, &m, &d),
	    OUTCOME_TEMPFAIL);
	server_wait(&sv, "");
	close(sv.lfd);
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(d.text, "does not offer STARTTLS"));
	check_rcpt(&env, 0, RCPT_TEMPFAIL, 0, "127.0.0.1 port");
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
	tcase_add_test(ts, session_pipelined_mixed);
	tcase_add_test(ts, session_lockstep);
	tcase_add_test(ts, session_greeting_421);
	tcase_add_test(ts, session_greeting_554);
	tcase_add_test(ts, session_mail_refused_pipelined);
	tcase_add_test(ts, session_data_4xx);
	tcase_add_test(ts, session_all_rcpts_refused);
	tcase_add_test(ts, session_close_mid_data);
	tcase_add_test(ts, session_stall_times_out);
	tcase_add_test(ts, session_helo_fallback_and_malformed);
	tcase_add_test(ts, session_malformed_greeting);
	tcase_add_test(ts, session_local_refusals);
	tcase_add_test(ts, session_dsn_and_reuse);
	tcase_add_test(ts, session_large_body);
	tcase_add_test(ts, session_pipeline_batches);
	tcase_add_test(ts, tcp_connect_ipv4_ipv6);
	tcase_add_test(ts, tcp_connect_refused);
	tcase_add_test(ts, deliver_ok_over_tcp);
	tcase_add_test(ts, deliver_all_unknown_users);
	tcase_add_test(ts, deliver_connect_refused);
	tcase_add_test(ts, deliver_starttls_required);
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
