/*
 * test_queue.c - the envelope record format (envelope_serialize /
 * envelope_parse) and the spool (queue.c) on mkdtemp spools.
 */
#include "compat.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "diag.h"
#include "envelope.h"
#include "msg.h"
#include "queue.h"
#include "util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const body_text = "Subject: t\r\n\r\nhello\r\n";

/* ------------------------------------------------------------ helpers */

static void
add(struct envelope *env, const char *addr, enum rcpt_state st, int code,
    const char *reply)
{
	struct diag d;

	ck_assert_int_eq(envelope_add_rcpt(env, addr, &d), 1);
	envelope_rcpt_set(&env->rcpts[env->nrcpts - 1], st, code, reply);
}

static void
simple_env(struct envelope *env)
{
	envelope_init(env);
	envelope_set_sender(env, "alice@example.com");
	add(env, "bob@example.net", RCPT_PENDING, 0, NULL);
}

static int
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
assert_env_equal(const struct envelope *got, const struct envelope *want)
{
	size_t i;

	ck_assert_msg(strcmp(got->sender, want->sender) == 0,
	    "sender: got \"%s\", want \"%s\"", got->sender, want->sender);
	ck_assert_msg(got->nrcpts == want->nrcpts, "nrcpts: got %zu, want %zu",
	    got->nrcpts, want->nrcpts);
	ck_assert_msg(got->notify == want->notify && got->ret == want->ret &&
	    got->body == want->body && got->eightbit == !!want->eightbit &&
	    got->smtputf8 == !!want->smtputf8,
	    "notify/ret/body/8bit/utf8: got %#x/%d/%d/%d/%d, want "
	    "%#x/%d/%d/%d/%d", got->notify, got->ret, got->body,
	    got->eightbit, got->smtputf8, want->notify, want->ret,
	    want->body, want->eightbit, want->smtputf8);
	ck_assert_msg(streq_null(got->envid, want->envid),
	    "envid: got %s, want %s", got->envid ? got->envid : "NULL",
	    want->envid ? want->envid : "NULL");
	for (i = 0; i < want->nrcpts; i++) {
		const struct rcpt *g = &got->rcpts[i], *w = &want->rcpts[i];

		ck_assert_msg(strcmp(g->addr, w->addr) == 0 &&
		    g->state == w->state && g->code == w->code &&
		    streq_null(g->reply, w->reply),
		    "rcpt %zu: got %s %d %d %s, want %s %d %d %s", i, g->addr,
		    g->state, g->code, g->reply ? g->reply : "NULL", w->addr,
		    w->state, w->code, w->reply ? w->reply : "NULL");
	}
}

static void
assert_meta_equal(const struct envelope_meta *got,
    const struct envelope_meta *want)
{
	ck_assert_msg(got->created == want->created &&
	    got->size == want->size && got->attempts == want->attempts &&
	    got->next_attempt == want->next_attempt,
	    "meta: got %lld/%lld/%lld/%lld, want %lld/%lld/%lld/%lld",
	    got->created, got->size, got->attempts, got->next_attempt,
	    want->created, want->size, want->attempts, want->next_attempt);
	ck_assert_msg(streq_null(got->last_error, want->last_error),
	    "last_error: got %s, want %s",
	    got->last_error ? got->last_error : "NULL",
	    want->last_error ? want->last_error : "NULL");
}

/* A fresh spool with tmp/, queue/, corrupt/; returns its path. */
static char *
make_spool(void)
{
	char tmpl[] = "/tmp/test_queue.XXXXXX";
	char *dir, *p;
	const char *subs[] = { "tmp", "queue", "corrupt" };
	size_t i;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	dir = xstrdup(tmpl);
	for (i = 0; i < NELEM(subs); i++) {
		p = xasprintf("%s/%s", dir, subs[i]);
		ck_assert_int_eq(mkdir(p, 0700), 0);
		free(p);
	}
	return dir;
}

static void
rm_spool(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* What msg_read() would leave: a 0600 file in tmp/ holding text. */
static void
make_msg(const char *spool, const char *text, struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->path = xasprintf("%s/tmp/msgXXXXXX", spool);
	m->fd = mkstemp(m->path);
	ck_assert_int_ge(m->fd, 0);
	ck_assert_int_eq(write(m->fd, text, strlen(text)),
	    (ssize_t)strlen(text));
	m->size = (off_t)strlen(text);
}

static void
discard_msg(struct msg *m)
{
	if (m->fd != -1)
		close(m->fd);
	if (m->path != NULL)
		unlink(m->path);
	free(m->path);
	m->path = NULL;
	m->fd = -1;
}

/* Names in spool/sub, sorted, joined by spaces ("" when empty). */
static char *
ls(const char *spool, const char *sub)
{
	struct dirent **list;
	struct buf b;
	char *p, *s;
	int i, n;

	p = xasprintf("%s/%s", spool, sub);
	n = scandir(p, &list, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	buf_init(&b, 1 << 20);
	for (i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") != 0 &&
		    strcmp(list[i]->d_name, "..") != 0)
			ck_assert_int_eq(buf_printf(&b, "%s%s", b.len ? " " :
			    "", list[i]->d_name), 0);
		free(list[i]);
	}
	free(list);
	free(p);
	s = xstrdup(buf_str(&b));
	buf_free(&b);
	return s;
}

static void
assert_ls(const char *spool, const char *sub, const char *want)
{
	char *got = ls(spool, sub);

	ck_assert_msg(strcmp(got, want) == 0, "%s/: got \"%s\", want \"%s\"",
	    sub, got, want);
	free(got);
}

/* Commit simple_env + body_text; returns the ID in id. */
static void
commit_one(const char *spool, char *id)
{
	struct envelope env;
	struct msg m;
	struct diag d;

	simple_env(&env);
	make_msg(spool, body_text, &m);
	ck_assert_msg(queue_commit(spool, &env, &m, id, QUEUE_ID_MAX + 1,
	    &d) == 0, "commit: %s", d.text);
	discard_msg(&m);
	envelope_free(&env);
}

static char *
qpath(const char *spool, const char *sub, const char *id, const char *ext)
{
	return xasprintf("%s/%s/%s%s", spool, sub, id, ext);
}

/* ------------------------------------------------- record round trips */

static void
roundtrip(const struct envelope *env, const struct envelope_meta *meta)
{
	struct envelope got;
	struct envelope_meta gmeta;
	struct buf text, again;
	struct diag d;

	ck_assert_msg(envelope_serialize(env, meta, &text, &d) == 0,
	    "serialize: %s", d.text);
	ck_assert_msg(envelope_parse(text.data, text.len, &got, &gmeta,
	    &d) == 0, "parse: %s", d.text);
	assert_env_equal(&got, env);
	assert_meta_equal(&gmeta, meta);
	/* canonical: writing what was read gives the same bytes */
	ck_assert_int_eq(envelope_serialize(&got, &gmeta, &again, &d), 0);
	ck_assert_msg(again.len == text.len && memcmp(again.data, text.data,
	    text.len) == 0, "rewrite differs:\n%s\n---\n%s", buf_str(&text),
	    buf_str(&again));
	buf_free(&text);
	buf_free(&again);
	envelope_free(&got);
	envelope_meta_free(&gmeta);
}

START_TEST(record_roundtrip_simple)
{
	struct envelope env;
	struct envelope_meta meta;
	struct buf text;
	struct diag d;

	simple_env(&env);
	memset(&meta, 0, sizeof(meta));
	meta.created = 1700000000;
	meta.size = 22;
	roundtrip(&env, &meta);
	/* and the exact text, documented at the top of queue.c */
	ck_assert_int_eq(envelope_serialize(&env, &meta, &text, &d), 0);
	ck_assert_str_eq(buf_str(&text),
	    "sendsmtp-queue 1\n"
	    "Sender: alice@example.com\n"
	    "Created: 1700000000\n"
	    "Size: 22\n"
	    "Body: unset\n"
	    "Eightbit: 0\n"
	    "Smtputf8: 0\n"
	    "Notify:\n"
	    "Ret: unset\n"
	    "Attempts: 0\n"
	    "Next-Attempt: 0\n"
	    "Rcpt: pending 0 bob@example.net\n"
	    "END\n");
	buf_free(&text);
	envelope_free(&env);
}
END_TEST

START_TEST(record_roundtrip_null_sender_dsn)
{
	struct envelope env;
	struct envelope_meta meta;

	envelope_init(&env);
	envelope_set_sender(&env, "");
	add(&env, "root@host.example", RCPT_TEMPFAIL, 451,
	    "4.7.1 Try again later\tplease");
	env.notify = DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE |
	    DSN_NOTIFY_DELAY;
	env.ret = DSN_RET_HDRS;
	env.envid = xstrdup("QQ+2Bid=3D1");
	env.body = BODY_8BITMIME;
	env.eightbit = 1;
	env.smtputf8 = 1;
	memset(&meta, 0, sizeof(meta));
	meta.created = QUEUE_TIME_MAX;
	meta.size = QUEUE_SIZE_MAX;
	meta.attempts = QUEUE_ATTEMPTS_MAX;
	meta.next_attempt = 1700000300;
	meta.last_error = xstrdup("smtp.example.com:587: connection refused");
	roundtrip(&env, &meta);
	/* empty ENVID and last error are kept apart from absent ones */
	free(env.envid);
	env.envid = xstrdup("");
	free(meta.last_error);
	meta.last_error = xstrdup("");
	env.notify = DSN_NOTIFY_NEVER;
	env.ret = DSN_RET_FULL;
	env.body = BODY_7BIT;
	roundtrip(&env, &meta);
	envelope_meta_free(&meta);
	envelope_free(&env);
}
END_TEST

START_TEST(record_roundtrip_many_rcpts)
{
	static const char *const replies[] = {
		NULL, "", "250 2.1.5 Ok", "550 5.1.1 <x>: User unknown",
		"r\xc3\xa9ponse UTF-8 \xe2\x9c\x93"
	};
	struct envelope env;
	struct envelope_meta meta;
	char addr[ADDR_MAX + 1];
	size_t i;
	int st;

	envelope_init(&env);
	envelope_set_sender(&env, "\"john doe\"@example.com");
	for (i = 0; i < 2000; i++) {
		st = (int)(i % 4);
		(void)snprintf(addr, sizeof(addr), "\"user %zu\"@d%zu.example",
		    i, i);
		add(&env, addr, (enum rcpt_state)st, st == RCPT_DONE ? 250 :
		    st == RCPT_TEMPFAIL ? 421 : st == RCPT_PERMFAIL ? 550 : 0,
		    replies[i % NELEM(replies)]);
	}
	/* the longest address allowed */
	memset(addr, 'a', ADDR_MAX);
	addr[ADDR_MAX] = '\0';
	addr[10] = '@';
	add(&env, addr, RCPT_PENDING, 0, NULL);
	memset(&meta, 0, sizeof(meta));
	meta.size = 1;
	roundtrip(&env, &meta);
	envelope_free(&env);
}
END_TEST

/* Values the writer must refuse (so the reader never meets them). */
START_TEST(record_writer_refuses)
{
	static const struct {
		const char	*sender, *rcpt, *reply, *envid;
		unsigned	 notify;
		int		 code;
		int		 want;
	} cases[] = {
		{ "a\r@x", "b@x", NULL, NULL, 0, 0, EX_DATAERR },
		{ "a@x", "b\n@x", NULL, NULL, 0, 0, EX_DATAERR },
		{ "a@x", "", NULL, NULL, 0, 0, EX_DATAERR },
		{ "a@x", "b@x", "two\r\nlines", NULL, 0, 0, EX_DATAERR },
		{ "a@x", "b@x", "esc \x1b[31m", NULL, 0, 0, EX_DATAERR },
		{ "a@x", "b@x", NULL, "id\n", 0, 0, EX_DATAERR },
		{ "a@x", "b@x", NULL, NULL, DSN_NOTIFY_NEVER |
		    DSN_NOTIFY_DELAY, 0, EX_SOFTWARE },
		{ "a@x", "b@x", NULL, NULL, 0x10, 0, EX_SOFTWARE },
		{ "a@x", "b@x", NULL, NULL, 0, 99, EX_SOFTWARE },
		{ "a@x", "b@x", NULL, NULL, 0, 600, EX_SOFTWARE },
	};
	struct envelope env;
	struct envelope_meta meta;
	struct buf text;
	struct diag d;
	char big[ADDR_MAX + 2];
	size_t i;

	memset(&meta, 0, sizeof(meta));
	for (i = 0; i < NELEM(cases); i++) {
		envelope_init(&env);
		envelope_set_sender(&env, cases[i].sender);
		ck_assert_int_eq(envelope_add_rcpt(&env, cases[i].rcpt, &d),
		    1);
		envelope_rcpt_set(&env.rcpts[0], RCPT_DONE, cases[i].code,
		    cases[i].reply);
		if (cases[i].envid != NULL)
			env.envid = xstrdup(cases[i].envid);
		env.notify = cases[i].notify;
		diag_clear(&d);
		ck_assert_msg(envelope_serialize(&env, &meta, &text,
		    &d) == -1 && d.exitcode == cases[i].want &&
		    text.len == 0,
		    "case %zu: got rc exit %d (%s), want -1 exit %d", i,
		    d.exitcode, d.text, cases[i].want);
		buf_free(&text);
		envelope_free(&env);
	}
	/* no recipients, no sender, over-long address, bad enum */
	envelope_init(&env);
	envelope_set_sender(&env, "a@x");
	ck_assert_int_eq(envelope_serialize(&env, &meta, &text, &d), -1);
	buf_free(&text);
	ck_assert_int_eq(envelope_add_rcpt(&env, "b@x", &d), 1);
	env.body = (enum body_type)7;
	ck_assert_int_eq(envelope_serialize(&env, &meta, &text, &d), -1);
	buf_free(&text);
	env.body = BODY_UNSET;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	envelope_set_sender(&env, big);
	ck_assert_int_eq(envelope_serialize(&env, &meta, &text, &d), -1);
	ck_assert_msg(strstr(d.text, "longer than") != NULL, "got \"%s\"",
	    d.text);
	buf_free(&text);
	free(env.sender);
	env.sender = NULL;
	ck_assert_int_eq(envelope_serialize(&env, &meta, &text, &d), -1);
	buf_free(&text);
	meta.attempts = -1;
	envelope_set_sender(&env, "a@x");
	ck_assert_int_eq(envelope_serialize(&env, &meta, &text, &d), -1);
	buf_free(&text);
	envelope_free(&env);
}
END_TEST

/* ------------------------------------------------------ strict reader */

#define HEAD	"sendsmtp-queue 1\nSender: a@x\nCreated: 1\nSize: 2\n" \
		"Body: unset\nEightbit: 0\nSmtputf8: 0\nNotify:\nRet: unset\n" \
		"Attempts: 0\nNext-Attempt: 0\n"
#define RCPT	"Rcpt: pending 0 b@x\n"
#define GOOD	HEAD RCPT "END\n"

static const struct {
	const char	*name;
	const char	*text;
	size_t		 len;		/* 0 = strlen(text) */
	const char	*want;		/* substring of the diag */
} bad_records[] = {
	{ "empty", "", 0, "empty file" },
	{ "no END", HEAD RCPT, 0, "no END" },
	{ "END without newline", HEAD RCPT "END", 0, "no newline" },
	{ "text after END", GOOD "x", 0, "data after END" },
	{ "second END", GOOD "END\n", 0, "data after END" },
	{ "blank line after END", GOOD "\n", 0, "data after END" },
	{ "version 2", "sendsmtp-queue 2\n" RCPT "END\n", 0,
	    "unsupported version" },
	{ "no version", "Sender: a@x\n" RCPT "END\n", 0, "not a sendsmtp" },
	{ "unknown key", HEAD "X-Foo: 1\n" RCPT "END\n", 0, "unknown key" },
	{ "key case", HEAD "sender: a@x\n" RCPT "END\n", 0, "unknown key" },
	{ "no colon", HEAD "Rcpt pending 0 b@x\nEND\n", 0, "Key: value" },
	{ "CR in value", HEAD "Rcpt: pending 0 b\r@x\nEND\n", 0,
	    "control character" },
	{ "CRLF line end", HEAD RCPT "END\r\n", 0, "control character" },
	{ "NUL in value", HEAD "Rcpt: pending 0 b\0@x\nEND\n",
	    sizeof(HEAD "Rcpt: pending 0 b\0@x\nEND\n") - 1,
	    "control character" },
	{ "LF splits a value", HEAD "Rcpt: pending 0 b\n@x\nEND\n", 0,
	    "Key: value" },
	{ "no space", HEAD "Envid:x\n" RCPT "END\n", 0, "one space" },
	{ "trailing space", HEAD "Envid: \n" RCPT "END\n", 0, "one space" },
	{ "duplicate key", HEAD "Size: 2\n" RCPT "END\n", 0, "duplicate" },
	{ "key after Rcpt", HEAD RCPT "Envid: x\nEND\n", 0,
	    "after the first Rcpt" },
	{ "reply without Rcpt", HEAD "Rcpt-Reply: x\n" RCPT "END\n", 0,
	    "must follow" },
	{ "two replies", HEAD RCPT "Rcpt-Reply: x\nRcpt-Reply: y\nEND\n", 0,
	    "must follow" },
	{ "missing key", "sendsmtp-queue 1\nSender: a@x\n" RCPT "END\n", 0,
	    "END before the Created" },
	{ "no Rcpt", HEAD "END\n", 0, "before any Rcpt" },
	{ "empty address", HEAD "Rcpt: pending 0 \nEND\n", 0,
	    "empty recipient" },
	{ "no address", HEAD "Rcpt: pending 0\nEND\n", 0, "STATE CODE" },
	{ "bad state", HEAD "Rcpt: sent 250 b@x\nEND\n", 0, "unknown "
	    "recipient state" },
	{ "code 99", HEAD "Rcpt: done 99 b@x\nEND\n", 0, "reply code" },
	{ "code 600", HEAD "Rcpt: done 600 b@x\nEND\n", 0, "reply code" },
	{ "code +250", HEAD "Rcpt: done +250 b@x\nEND\n", 0, "reply code" },
	{ "notify order", "sendsmtp-queue 1\nNotify: failure,success\n", 0,
	    "bad Notify" },
	{ "notify never+", "sendsmtp-queue 1\nNotify: never,delay\n", 0,
	    "bad Notify" },
	{ "notify comma", "sendsmtp-queue 1\nNotify: success,\n", 0,
	    "bad Notify" },
	{ "notify case", "sendsmtp-queue 1\nNotify: SUCCESS\n", 0,
	    "bad Notify" },
	{ "body word", "sendsmtp-queue 1\nBody: 8BITMIME\n", 0,
	    "unknown Body" },
	{ "ret word", "sendsmtp-queue 1\nRet: headers\n", 0, "unknown Ret" },
	{ "number sign", "sendsmtp-queue 1\nCreated: +1\n", 0, "bad Created" },
	{ "number minus", "sendsmtp-queue 1\nCreated: -1\n", 0,
	    "bad Created" },
	{ "leading zero", "sendsmtp-queue 1\nSize: 01\n", 0, "bad Size" },
	{ "leading space", "sendsmtp-queue 1\nSize:  1\n", 0, "bad Size" },
	{ "not decimal", "sendsmtp-queue 1\nSize: 0x10\n", 0, "bad Size" },
	{ "exponent", "sendsmtp-queue 1\nAttempts: 1e3\n", 0,
	    "bad Attempts" },
	{ "overflow", "sendsmtp-queue 1\nCreated: 99999999999999999999\n", 0,
	    "bad Created" },
	{ "time bound", "sendsmtp-queue 1\nNext-Attempt: 253402300800\n", 0,
	    "bad Next-Attempt" },
	{ "size bound", "sendsmtp-queue 1\nSize: 1099511627777\n", 0,
	    "bad Size" },
	{ "attempts bound", "sendsmtp-queue 1\nAttempts: 1000001\n", 0,
	    "bad Attempts" },
	{ "boolean 2", "sendsmtp-queue 1\nEightbit: 2\n", 0, "bad Eightbit" },
	{ "empty number", "sendsmtp-queue 1\nSmtputf8:\n", 0,
	    "bad Smtputf8" },
};

START_TEST(record_reader_rejects)
{
	struct envelope env;
	struct envelope_meta meta;
	struct diag d;
	size_t len;
	int rc;

	len = bad_records[_i].len ? bad_records[_i].len :
	    strlen(bad_records[_i].text);
	diag_clear(&d);
	rc = envelope_parse(bad_records[_i].text, len, &env, &meta, &d);
	ck_assert_msg(rc == -1 && d.exitcode == EX_DATAERR &&
	    strstr(d.text, bad_records[_i].want) != NULL,
	    "%s: got rc %d \"%s\", want -1 with \"%s\"", bad_records[_i].name,
	    rc, d.text, bad_records[_i].want);
	ck_assert_msg(env.nrcpts == 0 && env.sender == NULL &&
	    meta.last_error == NULL, "%s: envelope not left empty",
	    bad_records[_i].name);
}
END_TEST

START_TEST(record_reader_limits)
{
	struct envelope env;
	struct envelope_meta meta;
	struct buf b;
	struct diag d;
	char *s;
	int rc;

	/* the control record parses */
	ck_assert_int_eq(envelope_parse(GOOD, strlen(GOOD), &env, &meta, &d),
	    0);
	envelope_free(&env);
	envelope_meta_free(&meta);

	/* a Last-Error of exactly QUEUE_TEXT_MAX is fine, one more is not;
	 * an over-long line is refused before it is looked at */
	s = xmalloc(QUEUE_LINE_MAX + 2);
	memset(s, 'x', QUEUE_LINE_MAX + 1);
	s[QUEUE_LINE_MAX + 1] = '\0';
	buf_init(&b, QUEUE_ENV_MAX);
	buf_printf(&b, HEAD "Last-Error: %.*s\n" RCPT "END\n",
	    QUEUE_TEXT_MAX, s);
	rc = envelope_parse(b.data, b.len, &env, &meta, &d);
	ck_assert_msg(rc == 0, "text max: %s", d.text);
	envelope_free(&env);
	envelope_meta_free(&meta);
	buf_reset(&b);
	buf_printf(&b, HEAD "Last-Error: %.*s\n" RCPT "END\n",
	    QUEUE_TEXT_MAX + 1, s);
	ck_assert_int_eq(envelope_parse(b.data, b.len, &env, &meta, &d), -1);
	ck_assert_msg(strstr(d.text, "longer than") != NULL, "got \"%s\"",
	    d.text);
	buf_reset(&b);
	buf_printf(&b, HEAD "Last-Error: %s\n" RCPT "END\n", s);
	ck_assert_int_eq(envelope_parse(b.data, b.len, &env, &meta, &d), -1);
	ck_assert_msg(strstr(d.text, "line 12: longer than") != NULL,
	    "got \"%s\"", d.text);
	/* recipient address of ADDR_MAX + 1 */
	buf_reset(&b);
	buf_printf(&b, HEAD "Rcpt: pending 0 %.*s\nEND\n", ADDR_MAX + 1, s);
	ck_assert_int_eq(envelope_parse(b.data, b.len, &env, &meta, &d), -1);
	ck_assert_msg(strstr(d.text, "recipient address longer") != NULL,
	    "got \"%s\"", d.text);
	/* a file larger than QUEUE_ENV_MAX is refused without a look */
	ck_assert_int_eq(envelope_parse(GOOD, (size_t)QUEUE_ENV_MAX + 1,
	    &env, &meta, &d), -1);
	ck_assert_msg(strstr(d.text, "larger than") != NULL, "got \"%s\"",
	    d.text);
	buf_free(&b);
	free(s);
}
END_TEST

static const struct {
	const char	*id;
	int		 valid;
} ids[] = {
	{ "0065A1B2C30F423abc", 1 },
	{ "a", 1 },
	{ "01234567890123456789012345678901", 1 },	/* 32 */
	{ "012345678901234567890123456789012", 0 },	/* 33 */
	{ "", 0 },
	{ "../etc/passwd", 0 },
	{ "a/b", 0 },
	{ "a.b", 0 },
	{ ".", 0 },
	{ "..", 0 },
	{ "a b", 0 },
	{ "a-b", 0 },
	{ "a_b", 0 },
	{ "\xc3\xa9", 0 },
};

START_TEST(id_validation)
{
	struct queue_entry e;
	struct diag d;
	char *spool;

	ck_assert_msg(queue_id_valid(ids[_i].id) == ids[_i].valid,
	    "\"%s\": got %d, want %d", ids[_i].id, !ids[_i].valid,
	    ids[_i].valid);
	if (ids[_i].valid)
		return;
	/* and nothing that takes an ID touches the file system with it */
	spool = make_spool();
	ck_assert_int_eq(queue_lock(spool, ids[_i].id, &e, &d),
	    QUEUE_ERROR);
	ck_assert_msg(strstr(d.text, "invalid queue ID") != NULL, "got %s",
	    d.text);
	ck_assert_int_eq(queue_load(spool, ids[_i].id, &e, &d), QUEUE_ERROR);
	ck_assert_int_eq(queue_move_corrupt(spool, ids[_i].id, "x", &d), -1);
	queue_entry_free(&e);
	rm_spool(spool);
}
END_TEST

/* ------------------------------------------------------------- commit */

START_TEST(commit_leaves_one_entry)
{
	struct envelope env;
	struct queue_entry e;
	struct msg m;
	struct diag d;
	struct stat st;
	char id[QUEUE_ID_MAX + 1], want[128];
	char *spool, *p;
	time_t before = time(NULL);

	spool = make_spool();
	ck_assert_int_eq(queue_check_dirs(spool, &d), 0);
	simple_env(&env);
	make_msg(spool, body_text, &m);
	ck_assert_msg(queue_commit(spool, &env, &m, id, sizeof(id), &d) == 0,
	    "commit: %s", d.text);
	ck_assert_msg(queue_id_valid(id), "bad id %s", id);
	ck_assert_ptr_null(m.path);		/* the spool owns the file */
	ck_assert_int_eq(fstat(m.fd, &st), 0);	/* fd still usable */
	ck_assert_int_eq(st.st_nlink, 1);
	assert_ls(spool, "tmp", "");
	(void)snprintf(want, sizeof(want), "%s.env %s.msg", id, id);
	assert_ls(spool, "queue", want);
	assert_ls(spool, "corrupt", "");
	/* 0640: the spool's group may read, nobody may write but us. */
	p = qpath(spool, "queue", id, ".env");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_msg((st.st_mode & 0777) == 0640, ".env mode: got %o, want "
	    "640", st.st_mode & 0777);
	free(p);
	p = qpath(spool, "queue", id, ".msg");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_msg((st.st_mode & 0777) == 0640, ".msg mode: got %o, want "
	    "640", st.st_mode & 0777);
	free(p);

	ck_assert_int_eq(queue_load(spool, id, &e, &d), QUEUE_OK);
	assert_env_equal(&e.env, &env);
	ck_assert_int_eq(e.meta.size, (long long)strlen(body_text));
	ck_assert_int_eq(e.msg.size, (off_t)strlen(body_text));
	ck_assert_msg(e.meta.created >= before && e.meta.created <= before + 5,
	    "created %lld, want about %lld", e.meta.created,
	    (long long)before);
	ck_assert_int_eq(e.meta.attempts, 0);
	ck_assert_int_eq(e.meta.next_attempt, 0);
	ck_assert_ptr_null(e.meta.last_error);
	ck_assert_int_eq(e.locked, 0);
	queue_entry_free(&e);
	discard_msg(&m);
	envelope_free(&env);
	rm_spool(spool);
}
END_TEST

START_TEST(commit_ids_differ)
{
	char a[QUEUE_ID_MAX + 1], b[QUEUE_ID_MAX + 1];
	char *spool = make_spool();
	size_t n;
	struct diag d;

	commit_one(spool, a);
	commit_one(spool, b);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(queue_list(spool, NULL, NULL, &n, &d), 0);
	ck_assert_uint_eq(n, 2);
	rm_spool(spool);
}
END_TEST

START_TEST(commit_meta_kept)
{
	struct envelope env;
	struct envelope_meta meta;
	struct queue_entry e;
	struct msg m;
	struct diag d;
	char id[QUEUE_ID_MAX + 1];
	char *spool = make_spool();

	simple_env(&env);
	envelope_rcpt_set(&env.rcpts[0], RCPT_TEMPFAIL, 421, "busy");
	memset(&meta, 0, sizeof(meta));
	meta.created = 1234;
	meta.size = 999;	/* ignored: the file's size is stored */
	meta.attempts = 1;
	meta.next_attempt = 1700000000;
	meta.last_error = xstrdup("connect: refused");
	make_msg(spool, body_text, &m);
	ck_assert_int_eq(queue_commit_meta(spool, &env, &meta, &m, id,
	    sizeof(id), &d), 0);
	ck_assert_int_eq(queue_lock(spool, id, &e, &d), QUEUE_OK);
	meta.size = (long long)strlen(body_text);
	assert_meta_equal(&e.meta, &meta);
	assert_env_equal(&e.env, &env);
	queue_entry_free(&e);
	envelope_meta_free(&meta);
	discard_msg(&m);
	envelope_free(&env);
	rm_spool(spool);
}
END_TEST

/* How the spool is broken before the commit. */
enum breakage { BREAK_NO_QUEUE, BREAK_QUEUE_IS_FILE, BREAK_BAD_ENVELOPE,
	BREAK_FILE_SIZE_LIMIT };

static const struct {
	enum breakage	 how;
	int		 exitcode;
	const char	*want;
} commit_errors[] = {
	{ BREAK_NO_QUEUE, EX_CANTCREAT, "queue does not exist; run make "
	    "install or create it with mode 2770 root:sendsmtp" },
	{ BREAK_QUEUE_IS_FILE, EX_CANTCREAT, "queue is not a directory" },
	{ BREAK_BAD_ENVELOPE, EX_DATAERR, "control character" },
	{ BREAK_FILE_SIZE_LIMIT, EX_TEMPFAIL, "File too large; check the "
	    "spool" },
};

START_TEST(commit_errors_leave_nothing)
{
	struct envelope env;
	struct msg m;
	struct diag d;
	struct rlimit rl, saved;
	char id[QUEUE_ID_MAX + 1] = "unchanged";
	char *spool, *q, *tmpname, *want_tmp;
	struct stat st;

	spool = make_spool();
	simple_env(&env);
	make_msg(spool, body_text, &m);
	q = xasprintf("%s/queue", spool);
	switch (commit_errors[_i].how) {
	case BREAK_NO_QUEUE:
		ck_assert_int_eq(rmdir(q), 0);
		break;
	case BREAK_QUEUE_IS_FILE:
		ck_assert_int_eq(rmdir(q), 0);
		ck_assert_int_eq(close(open(q, O_CREAT | O_WRONLY, 0600)), 0);
		break;
	case BREAK_BAD_ENVELOPE:
		envelope_set_sender(&env, "evil\r\nRcpt: done 250 x@y");
		break;
	case BREAK_FILE_SIZE_LIMIT:
		/* writes of the .env fail with EFBIG, as with ENOSPC */
		signal(SIGXFSZ, SIG_IGN);
		ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
		rl = saved;
		rl.rlim_cur = 40;
		ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
		break;
	}
	diag_clear(&d);
	ck_assert_int_eq(queue_commit(spool, &env, &m, id, sizeof(id), &d),
	    -1);
	if (commit_errors[_i].how == BREAK_FILE_SIZE_LIMIT) {
		/* check's own reporting writes files too (CK_FORK=no) */
		ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &saved), 0);
		signal(SIGXFSZ, SIG_DFL);
	}
	ck_assert_msg(d.exitcode == commit_errors[_i].exitcode &&
	    strstr(d.text, commit_errors[_i].want) != NULL,
	    "case %d: got %d \"%s\", want %d \"%s\"", _i, d.exitcode, d.text,
	    commit_errors[_i].exitcode, commit_errors[_i].want);
	ck_assert_msg(strchr(d.text, '\n') == NULL, "not one line");
	ck_assert_str_eq(id, "unchanged");
	/* the message file is still the caller's, nothing else exists */
	ck_assert_ptr_nonnull(m.path);
	ck_assert_int_eq(stat(m.path, &st), 0);
	tmpname = strrchr(m.path, '/') + 1;
	want_tmp = xstrdup(tmpname);
	assert_ls(spool, "tmp", want_tmp);
	if (commit_errors[_i].how != BREAK_NO_QUEUE &&
	    commit_errors[_i].how != BREAK_QUEUE_IS_FILE)
		assert_ls(spool, "queue", "");
	assert_ls(spool, "corrupt", "");
	free(want_tmp);
	free(q);
	discard_msg(&m);
	envelope_free(&env);
	rm_spool(spool);
}
END_TEST

START_TEST(check_dirs_names_the_missing_one)
{
	struct diag d;
	char *spool = make_spool(), *p;

	p = xasprintf("%s/corrupt", spool);
	ck_assert_int_eq(rmdir(p), 0);
	ck_assert_int_eq(queue_check_dirs(spool, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_CANTCREAT);
	ck_assert_msg(strstr(d.text, "spool directory ") != NULL &&
	    strstr(d.text, "/corrupt does not exist; run make install") !=
	    NULL, "got \"%s\"", d.text);
	free(p);
	rm_spool(spool);
}
END_TEST

/* --------------------------------------------------- lock and update */

START_TEST(lock_twice_is_busy)
{
	struct queue_entry a, b;
	struct diag d;
	char id[QUEUE_ID_MAX + 1];
	char *spool = make_spool();

	commit_one(spool, id);
	ck_assert_int_eq(queue_lock(spool, id, &a, &d), QUEUE_OK);
	ck_assert_int_eq(a.locked, 1);
	ck_assert_str_eq(a.id, id);
	ck_assert_int_eq(queue_lock(spool, id, &b, &d), QUEUE_BUSY);
	ck_assert_int_eq(b.msg.fd, -1);
	ck_assert_uint_eq(b.env.nrcpts, 0);
	/* a listing load does not need the lock */
	ck_assert_int_eq(queue_load(spool, id, &b, &d), QUEUE_OK);
	queue_entry_free(&b);
	queue_entry_free(&a);
	ck_assert_int_eq(queue_lock(spool, id, &b, &d), QUEUE_OK);
	queue_entry_free(&b);
	rm_spool(spool);
}
END_TEST

START_TEST(update_rewrites_and_keeps_lock)
{
	struct queue_entry e, other;
	struct diag d;
	struct stat env_before, env_after, msg_before, msg_after;
	char id[QUEUE_ID_MAX + 1], want[128];
	char *spool = make_spool(), *envp, *msgp, *stale;
	int fd;

	commit_one(spool, id);
	envp = qpath(spool, "queue", id, ".env");
	msgp = qpath(spool, "queue", id, ".msg");
	ck_assert_int_eq(stat(envp, &env_before), 0);
	ck_assert_int_eq(stat(msgp, &msg_before), 0);
	/* a stale temp from a crashed update does not get in the way */
	stale = qpath(spool, "tmp", id, ".env");
	fd = open(stale, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);

	ck_assert_int_eq(queue_lock(spool, id, &e, &d), QUEUE_OK);
	envelope_rcpt_set(&e.env.rcpts[0], RCPT_TEMPFAIL, 451,
	    "4.3.0 try later");
	e.meta.attempts = 3;
	e.meta.next_attempt = 1700009999;
	e.meta.last_error = xstrdup("451 4.3.0 try later");
	ck_assert_msg(queue_update(&e, &d) == 0, "update: %s", d.text);
	ck_assert_int_eq(stat(envp, &env_after), 0);
	ck_assert_int_eq(stat(msgp, &msg_after), 0);
	ck_assert_msg(env_after.st_ino != env_before.st_ino,
	    ".env was rewritten in place, want a new file renamed over it");
	ck_assert_msg(msg_after.st_ino == msg_before.st_ino,
	    ".msg changed; it carries the lock and must not");
	assert_ls(spool, "tmp", "");
	(void)snprintf(want, sizeof(want), "%s.env %s.msg", id, id);
	assert_ls(spool, "queue", want);
	/* the lock survived the rewrite */
	ck_assert_int_eq(queue_lock(spool, id, &other, &d), QUEUE_BUSY);
	/* and readers see the new state */
	ck_assert_int_eq(queue_load(spool, id, &other, &d), QUEUE_OK);
	assert_env_equal(&other.env, &e.env);
	assert_meta_equal(&other.meta, &e.meta);
	queue_entry_free(&other);
	/* an update that cannot be stored leaves the old one in place */
	envelope_rcpt_set(&e.env.rcpts[0], RCPT_PERMFAIL, 550, "a\nb");
	ck_assert_int_eq(queue_update(&e, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_DATAERR);
	ck_assert_int_eq(queue_load(spool, id, &other, &d), QUEUE_OK);
	ck_assert_int_eq(other.env.rcpts[0].state, RCPT_TEMPFAIL);
	queue_entry_free(&other);
	assert_ls(spool, "tmp", "");
	queue_entry_free(&e);
	/* an unlocked entry cannot be updated or removed */
	ck_assert_int_eq(queue_load(spool, id, &e, &d), QUEUE_OK);
	ck_assert_int_eq(queue_update(&e, &d), -1);
	ck_assert_int_eq(queue_remove(&e, &d), -1);
	queue_entry_free(&e);
	free(envp);
	free(msgp);
	free(stale);
	rm_spool(spool);
}
END_TEST

START_TEST(remove_then_gone)
{
	struct queue_entry e, late;
	struct diag d;
	char id[QUEUE_ID_MAX + 1];
	char *spool = make_spool();

	commit_one(spool, id);
	ck_assert_int_eq(queue_lock(spool, id, &e, &d), QUEUE_OK);
	ck_assert_int_eq(queue_remove(&e, &d), 0);
	assert_ls(spool, "queue", "");
	/* still locked until freed; the entry is gone for everyone else */
	ck_assert_int_eq(queue_lock(spool, id, &late, &d), QUEUE_GONE);
	queue_entry_free(&e);
	ck_assert_int_eq(queue_lock(spool, id, &late, &d), QUEUE_GONE);
	rm_spool(spool);
}
END_TEST

/*
 * Owner rule: an entry owned by another uid is accepted when its group is
 * the spool's (the setgid submitter's files) and refused otherwise; the
 * refusal names the owner.  Needs root for chown.
 */
static const struct {
	int		 same_group;	/* chown to the group of queue/ */
	enum queue_status want;
} owners[] = {
	{ 1, QUEUE_OK },
	{ 0, QUEUE_CORRUPT },
};

START_TEST(owner_by_spool_group)
{
	struct queue_entry e;
	struct diag d;
	struct stat qs;
	char id[QUEUE_ID_MAX + 1];
	char *spool, *p, *q;
	enum queue_status st;
	gid_t gid;

	if (geteuid() != 0)
		return;		/* chown needs root; CI runs as root */
	spool = make_spool();
	commit_one(spool, id);
	q = xasprintf("%s/queue", spool);
	ck_assert_int_eq(stat(q, &qs), 0);
	gid = owners[_i].same_group ? qs.st_gid : qs.st_gid + 4242;
	p = qpath(spool, "queue", id, ".env");
	ck_assert_int_eq(chown(p, 65534, gid), 0);
	free(p);
	p = qpath(spool, "queue", id, ".msg");
	ck_assert_int_eq(chown(p, 65534, gid), 0);
	free(p);
	diag_clear(&d);
	st = queue_lock(spool, id, &e, &d);
	ck_assert_msg(st == owners[_i].want, "case %d: got %d (%s), want %d",
	    _i, st, d.text, owners[_i].want);
	if (st != QUEUE_OK)
		ck_assert_msg(strstr(d.text, "owned by uid 65534") != NULL,
		    "diag does not name the owner: %s", d.text);
	queue_entry_free(&e);
	free(q);
	rm_spool(spool);
}
END_TEST

/* ------------------------------------------------------------ corrupt */

enum spoil { SPOIL_NO_END, SPOIL_HARDLINK, SPOIL_ENV_SYMLINK,
	SPOIL_MSG_SYMLINK, SPOIL_OWNER, SPOIL_GROUP_WRITABLE, SPOIL_SIZE,
	SPOIL_NO_MSG, SPOIL_GARBAGE, SPOIL_FIFO };

static const struct {
	enum spoil	 how;
	const char	*want;
	int		 msg_too;	/* the .msg is moved as well */
} spoils[] = {
	{ SPOIL_NO_END, "no END", 1 },
	{ SPOIL_HARDLINK, "2 hard links", 1 },
	{ SPOIL_ENV_SYMLINK, "symbolic link", 1 },
	{ SPOIL_MSG_SYMLINK, "symbolic link", 1 },
	{ SPOIL_OWNER, "owned by uid 65534", 1 },
	{ SPOIL_GROUP_WRITABLE, "writable by group", 1 },
	{ SPOIL_SIZE, "says Size", 1 },
	{ SPOIL_NO_MSG, "has no message file", 0 },
	{ SPOIL_GARBAGE, "not a sendsmtp queue file", 1 },
	{ SPOIL_FIFO, "not a regular file", 1 },
};

static void
write_text(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | flags, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(close(fd), 0);
}

START_TEST(corrupt_entries_move_aside)
{
	struct queue_entry e;
	struct diag d;
	char id[QUEUE_ID_MAX + 1], want[128];
	char *spool = make_spool(), *envp, *msgp, *aside;
	enum queue_status st;
	struct stat sb;

	commit_one(spool, id);
	envp = qpath(spool, "queue", id, ".env");
	msgp = qpath(spool, "queue", id, ".msg");
	aside = xasprintf("%s/aside", spool);
	switch (spoils[_i].how) {
	case SPOIL_NO_END:
		ck_assert_int_eq(stat(envp, &sb), 0);
		ck_assert_int_eq(truncate(envp, sb.st_size - 4), 0);
		break;
	case SPOIL_HARDLINK:
		ck_assert_int_eq(link(msgp, aside), 0);
		break;
	case SPOIL_ENV_SYMLINK:
	case SPOIL_MSG_SYMLINK:
		{
			const char *p = spoils[_i].how == SPOIL_ENV_SYMLINK ?
			    envp : msgp;

			ck_assert_int_eq(rename(p, aside), 0);
			ck_assert_int_eq(symlink(aside, p), 0);
		}
		break;
	case SPOIL_OWNER:
		/* Another uid and a group other than the spool's. */
		ck_assert_int_eq(stat(spool, &sb), 0);
		ck_assert_int_eq(chown(envp, 65534, sb.st_gid + 4242), 0);
		break;
	case SPOIL_GROUP_WRITABLE:
		ck_assert_int_eq(chmod(msgp, 0620), 0);
		break;
	case SPOIL_SIZE:
		write_text(msgp, "more\r\n", O_APPEND);
		break;
	case SPOIL_NO_MSG:
		ck_assert_int_eq(unlink(msgp), 0);
		break;
	case SPOIL_GARBAGE:
		write_text(envp, "GIF89a\n", O_TRUNC);
		break;
	case SPOIL_FIFO:
		ck_assert_int_eq(unlink(envp), 0);
		ck_assert_int_eq(mkfifo(envp, 0600), 0);
		break;
	}
	diag_clear(&d);
	st = queue_lock(spool, id, &e, &d);
	ck_assert_msg(st == QUEUE_CORRUPT && strstr(d.text,
	    spoils[_i].want) != NULL, "case %d: got %d \"%s\", want "
	    "QUEUE_CORRUPT \"%s\"", _i, st, d.text, spoils[_i].want);
	ck_assert_int_eq(e.msg.fd, -1);
	ck_assert_int_eq(queue_load(spool, id, &e, &d), QUEUE_CORRUPT);
	ck_assert_int_eq(queue_move_corrupt(spool, id, d.text, &d), 0);
	assert_ls(spool, "queue", "");
	if (spoils[_i].msg_too)
		(void)snprintf(want, sizeof(want), "%s.env %s.msg", id, id);
	else
		(void)snprintf(want, sizeof(want), "%s.env", id);
	assert_ls(spool, "corrupt", want);
	free(envp);
	free(msgp);
	free(aside);
	rm_spool(spool);
}
END_TEST

/* ------------------------------------------------- list, scan, cleanup */

static int
collect(const char *id, void *arg)
{
	struct buf *b = arg;

	return buf_printf(b, "%s ", id);
}

START_TEST(list_counts_env_files_only)
{
	char a[QUEUE_ID_MAX + 1], b[QUEUE_ID_MAX + 1];
	char *spool = make_spool(), *p;
	const char *junk[] = { "x.y.env", ".env", "a-b.env", "orphan.msg",
	    "notes.txt" };
	struct buf seen;
	struct diag d;
	size_t i, n;

	commit_one(spool, a);
	commit_one(spool, b);
	for (i = 0; i < NELEM(junk); i++) {
		p = xasprintf("%s/queue/%s", spool, junk[i]);
		write_text(p, "x", O_CREAT);
		free(p);
	}
	buf_init(&seen, 4096);
	ck_assert_int_eq(queue_list(spool, collect, &seen, &n, &d), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_msg(strstr(buf_str(&seen), a) != NULL &&
	    strstr(buf_str(&seen), b) != NULL, "got \"%s\", want %s and %s",
	    buf_str(&seen), a, b);
	buf_free(&seen);
	p = xasprintf("%s/queue", spool);
	ck_assert_int_eq(rmdir(p) == -1 && errno == ENOTEMPTY, 1);
	free(p);
	rm_spool(spool);
	/* a missing spool is a clear error */
	ck_assert_int_eq(queue_list("/nonexistent/spool", NULL, NULL, &n, &d),
	    -1);
	ck_assert_int_eq(d.exitcode, EX_CANTCREAT);
	ck_assert_msg(strstr(d.text, "/nonexistent/spool/queue does not "
	    "exist") != NULL, "got \"%s\"", d.text);
}
END_TEST

struct scan_tally {
	int	ok, corrupt, other;
	long long size;
};

static int
tally(const char *id, enum queue_status st, const struct queue_entry *e,
    const struct diag *ed, void *arg)
{
	struct scan_tally *t = arg;

	(void)id;
	if (st == QUEUE_OK) {
		t->ok++;
		t->size += e->meta.size;
	} else if (st == QUEUE_CORRUPT && ed->text[0] != '\0')
		t->corrupt++;
	else
		t->other++;
	return 0;
}

START_TEST(scan_loads_each)
{
	struct scan_tally t;
	struct queue_entry e;
	struct diag d;
	char a[QUEUE_ID_MAX + 1], b[QUEUE_ID_MAX + 1];
	char *spool = make_spool(), *p;
	size_t n;

	commit_one(spool, a);
	commit_one(spool, b);
	p = qpath(spool, "queue", b, ".env");
	write_text(p, "sendsmtp-queue 1\n", O_TRUNC);
	free(p);
	/* busy entries are listed too */
	ck_assert_int_eq(queue_lock(spool, a, &e, &d), QUEUE_OK);
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(queue_scan(spool, tally, &t, &n, &d), 0);
	ck_assert_msg(t.ok == 1 && t.corrupt == 1 && t.other == 0 && n == 2,
	    "got ok %d corrupt %d other %d n %zu, want 1 1 0 2", t.ok,
	    t.corrupt, t.other, n);
	ck_assert_int_eq(t.size, (long long)strlen(body_text));
	queue_entry_free(&e);
	rm_spool(spool);
}
END_TEST

static void
age(const char *path, time_t when)
{
	struct timeval tv[2];

	tv[0].tv_sec = tv[1].tv_sec = when;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	ck_assert_int_eq(lutimes(path, tv), 0);
}

START_TEST(cleanup_removes_only_stale)
{
	struct queue_entry e;
	struct diag d;
	char old_id[QUEUE_ID_MAX + 1], young_id[QUEUE_ID_MAX + 1];
	char busy_id[QUEUE_ID_MAX + 1], live_id[QUEUE_ID_MAX + 1];
	char want[256];
	char *spool = make_spool(), *p;
	time_t now = time(NULL), old = now - QUEUE_STALE_AGE - 60;
	size_t removed;

	/* tmp/: one stale, one young */
	p = xasprintf("%s/tmp/stale", spool);
	write_text(p, "x", O_CREAT);
	age(p, old);
	free(p);
	p = xasprintf("%s/tmp/young", spool);
	write_text(p, "x", O_CREAT);
	free(p);
	/* queue/: old orphan, young orphan, old busy orphan, old live */
	commit_one(spool, old_id);
	commit_one(spool, young_id);
	commit_one(spool, busy_id);
	commit_one(spool, live_id);
	ck_assert_int_eq(queue_lock(spool, busy_id, &e, &d), QUEUE_OK);
	p = qpath(spool, "queue", old_id, ".env");
	unlink(p);
	free(p);
	p = qpath(spool, "queue", young_id, ".env");
	unlink(p);
	free(p);
	p = qpath(spool, "queue", busy_id, ".env");
	unlink(p);
	free(p);
	p = qpath(spool, "queue", old_id, ".msg");
	age(p, old);
	free(p);
	p = qpath(spool, "queue", busy_id, ".msg");
	age(p, old);
	free(p);
	p = qpath(spool, "queue", live_id, ".msg");
	age(p, old);
	free(p);

	ck_assert_int_eq(queue_cleanup(spool, now, &removed, &d), 0);
	ck_assert_uint_eq(removed, 2);
	assert_ls(spool, "tmp", "young");
	(void)snprintf(want, sizeof(want), "%s.msg", young_id);
	p = ls(spool, "queue");
	ck_assert_msg(strstr(p, want) != NULL, "young orphan removed: %s", p);
	(void)snprintf(want, sizeof(want), "%s.msg", old_id);
	ck_assert_msg(strstr(p, want) == NULL, "old orphan kept: %s", p);
	(void)snprintf(want, sizeof(want), "%s.msg", busy_id);
	ck_assert_msg(strstr(p, want) != NULL, "locked orphan removed: %s", p);
	(void)snprintf(want, sizeof(want), "%s.env %s.msg", live_id,
	    live_id);
	ck_assert_msg(strstr(p, want) != NULL, "live entry touched: %s", p);
	free(p);
	queue_entry_free(&e);
	rm_spool(spool);
}
END_TEST

static Suite *
queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *rec = tcase_create("record");
	TCase *sp = tcase_create("spool");

	tcase_add_test(rec, record_roundtrip_simple);
	tcase_add_test(rec, record_roundtrip_null_sender_dsn);
	tcase_add_test(rec, record_roundtrip_many_rcpts);
	tcase_add_test(rec, record_writer_refuses);
	tcase_add_loop_test(rec, record_reader_rejects, 0,
	    (int)NELEM(bad_records));
	tcase_add_test(rec, record_reader_limits);
	tcase_add_loop_test(rec, id_validation, 0, (int)NELEM(ids));
	suite_add_tcase(s, rec);

	tcase_set_timeout(sp, 30);
	tcase_add_test(sp, commit_leaves_one_entry);
	tcase_add_test(sp, commit_ids_differ);
	tcase_add_test(sp, commit_meta_kept);
	tcase_add_loop_test(sp, commit_errors_leave_nothing, 0,
	    (int)NELEM(commit_errors));
	tcase_add_test(sp, check_dirs_names_the_missing_one);
	tcase_add_test(sp, lock_twice_is_busy);
	tcase_add_test(sp, update_rewrites_and_keeps_lock);
	tcase_add_test(sp, remove_then_gone);
	tcase_add_loop_test(sp, owner_by_spool_group, 0,
	    (int)NELEM(owners));
	tcase_add_loop_test(sp, corrupt_entries_move_aside, 0,
	    (int)NELEM(spoils));
	tcase_add_test(sp, list_counts_env_files_only);
	tcase_add_test(sp, scan_loads_each);
	tcase_add_test(sp, cleanup_removes_only_stale);
	suite_add_tcase(s, sp);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(queue_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
