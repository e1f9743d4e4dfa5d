/*
 * test_runq.c - the queue runner's pure parts (backoff curve, schedule,
 * -qR/-qI filters) and runs over a mkdtemp spool with the smarthost down
 * (127.0.0.1 port 1 refuses at once): deferral, due-only skipping,
 * filters, expiry bounce, no bounce of a bounce, one connection attempt
 * per run, mailq output; and the submission's exit code (submit.c,
 * compat.md 2.4) for every mix of recipient states and -oe modes.
 */
#include "compat.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "envelope.h"
#include "mailq.h"
#include "msg.h"
#include "queue.h"
#include "runq.h"
#include "submit.h"
#include "util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ backoff */

static const struct {
	long		 min, max;
	long long	 attempts;
	long		 want;		/* no jitter (rnd 1000) */
} curve[] = {
	{ 300, 3600, 1, 300 },
	{ 300, 3600, 2, 600 },
	{ 300, 3600, 3, 1200 },
	{ 300, 3600, 4, 2400 },
	{ 300, 3600, 5, 3600 },		/* 4800 capped */
	{ 300, 3600, 6, 3600 },
	{ 300, 3600, 1000000, 3600 },	/* no overflow */
	{ 60, 60, 7, 60 },
	{ 0, 0, 1, 1 },			/* at least 1 s */
	{ 600, 300, 3, 600 },		/* max < min: min wins */
	{ 1, 31536000, 40, 31536000 },
};

START_TEST(backoff_curve)
{
	long got = runq_backoff(curve[_i].min, curve[_i].max,
	    curve[_i].attempts, 1000);

	ck_assert_msg(got == curve[_i].want, "case %d: backoff(%ld, %ld, "
	    "%lld): got %ld, want %ld", _i, curve[_i].min, curve[_i].max,
	    curve[_i].attempts, got, curve[_i].want);
}
END_TEST

/* The jitter stays within +-10% and reaches both ends. */
START_TEST(backoff_jitter)
{
	unsigned long r;
	long got, lo = 1L << 30, hi = 0;

	for (r = 0; r < 5000; r++) {
		got = runq_backoff(300, 3600, 3, r * 7919);
		ck_assert_msg(got >= 1080 && got <= 1320, "rnd %lu: got %ld, "
		    "want 1080..1320", r, got);
		if (got < lo)
			lo = got;
		if (got > hi)
			hi = got;
	}
	ck_assert_int_eq(runq_backoff(300, 3600, 3, 0), 1080);
	ck_assert_int_eq(runq_backoff(300, 3600, 3, 2000), 1320);
	ck_assert_msg(hi - lo > 200, "jitter range %ld..%ld too narrow", lo,
	    hi);
}
END_TEST

START_TEST(schedule_records_attempt)
{
	struct config cfg;
	struct envelope_meta m;
	char big[QUEUE_TEXT_MAX + 100];
	long long now = 1700000000;

	config_defaults(&cfg);
	cfg.retry_min = 100;
	cfg.retry_max = 1000;
	memset(&m, 0, sizeof(m));
	runq_schedule(&cfg, &m, (time_t)now, "first\r\nline\tx");
	ck_assert_int_eq(m.attempts, 1);
	ck_assert_msg(m.next_attempt >= now + 90 && m.next_attempt <= now +
	    110, "next %lld", m.next_attempt - now);
	ck_assert_str_eq(m.last_error, "first??line?x");
	runq_schedule(&cfg, &m, (time_t)now, NULL);
	ck_assert_int_eq(m.attempts, 2);
	ck_assert_str_eq(m.last_error, "first??line?x");
	ck_assert_msg(m.next_attempt >= now + 180 && m.next_attempt <= now +
	    220, "next %lld", m.next_attempt - now);
	memset(big, 'e', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	runq_schedule(&cfg, &m, (time_t)now, big);
	ck_assert_uint_eq(strlen(m.last_error), QUEUE_TEXT_MAX);
	envelope_meta_free(&m);
	config_free(&cfg);
}
END_TEST

/* ------------------------------------------------------------ filters */

static const struct {
	const char	*id_filter, *rcpt_filter;
	int		 want;
} filters[] = {
	{ NULL, NULL, 1 },
	{ "ABC", NULL, 1 },
	{ "abc", NULL, 0 },		/* IDs are case-sensitive */
	{ "ZZZ", NULL, 0 },
	{ NULL, "example.NET", 1 },	/* recipients are not */
	{ NULL, "@EXAMPLE.org", 0 },	/* only a done recipient has it */
	{ NULL, "carol", 1 },		/* tempfail counts */
	{ NULL, "nobody", 0 },
	{ "ABC", "carol", 1 },
	{ "ABC", "nobody", 0 },
	{ NULL, "", 1 },
	{ NULL, "bob@example.net.longer", 0 },
};

START_TEST(filter_table)
{
	struct runq_opts o;
	struct envelope env;
	struct diag d;

	envelope_init(&env);
	envelope_set_sender(&env, "alice@example.com");
	ck_assert_int_eq(envelope_add_rcpt(&env, "bob@example.net", &d), 1);
	ck_assert_int_eq(envelope_add_rcpt(&env, "carol@example.net", &d), 1);
	ck_assert_int_eq(envelope_add_rcpt(&env, "dave@example.org", &d), 1);
	envelope_rcpt_set(&env.rcpts[1], RCPT_TEMPFAIL, 450, "4.2.1 busy");
	envelope_rcpt_set(&env.rcpts[2], RCPT_DONE, 250, "2.0.0 ok");
	memset(&o, 0, sizeof(o));
	o.id_filter = filters[_i].id_filter;
	o.rcpt_filter = filters[_i].rcpt_filter;
	ck_assert_msg(runq_match(&o, "0067ABCDEF1a2", &env) == filters[_i].want,
	    "case %d (-qI%s -qR%s): got %d, want %d", _i,
	    o.id_filter ? o.id_filter : "-", o.rcpt_filter ? o.rcpt_filter :
	    "-", !filters[_i].want, filters[_i].want);
	/* without an envelope only the ID counts */
	ck_assert_int_eq(runq_match(&o, "0067ABCDEF1a2", NULL),
	    o.id_filter == NULL || strstr("0067ABCDEF1a2", o.id_filter) !=
	    NULL);
	envelope_free(&env);
}
END_TEST

/* ------------------------------------------------------------ runs */

static char *
make_spool(void)
{
	char tmpl[] = "/tmp/test_runq.XXXXXX";
	const char *subs[] = { "tmp", "queue", "corrupt" };
	char *dir, *p;
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

/* A config for a smarthost that refuses connections. */
static void
down_config(struct config *cfg, const char *spool)
{
	config_defaults(cfg);
	cfg->host = xstrdup("127.0.0.1");
	cfg->port = 1;
	cfg->tls = TLS_MODE_OFF;
	cfg->timeout = 2;
	free(cfg->queue_dir);
	cfg->queue_dir = xstrdup(spool);
	cfg->retry_min = 300;
	cfg->retry_max = 3600;
	cfg->queue_lifetime = 5 * 86400;
}

/* Commit one entry from sender to rcpt, created `age` seconds ago. */
static void
commit(const char *spool, const char *sender, const char *rcpt,
    long long age, char *id)
{
	static const char text[] = "From: a@example.com\r\nSubject: t\r\n\r\n"
	    "hello\r\n";
	struct envelope env;
	struct envelope_meta meta;
	struct msg m;
	struct diag d;
	char *p;
	int fd;

	envelope_init(&env);
	envelope_set_sender(&env, sender);
	ck_assert_int_eq(envelope_add_rcpt(&env, rcpt, &d), 1);
	p = xasprintf("%s/tmp/msgXXXXXX", spool);
	fd = mkstemp(p);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1),
	    (ssize_t)sizeof(text) - 1);
	memset(&m, 0, sizeof(m));
	m.fd = fd;
	m.path = p;
	m.size = sizeof(text) - 1;
	memset(&meta, 0, sizeof(meta));
	meta.created = (long long)time(NULL) - age;
	ck_assert_msg(queue_commit_meta(spool, &env, &meta, &m, id,
	    QUEUE_ID_MAX + 1, &d) == 0, "commit: %s", d.text);
	(void)close(m.fd);
	envelope_free(&env);
}

static size_t
count_entries(const char *spool)
{
	struct diag d;
	size_t n = 0;

	ck_assert_int_eq(queue_list(spool, NULL, NULL, &n, &d), 0);
	return n;
}

static void
run(const struct config *cfg, int due, const char *idf, struct runq_stats *st)
{
	struct runq_opts o;
	struct diag d;

	memset(&o, 0, sizeof(o));
	o.due_only = due;
	o.id_filter = idf;
	o.domain = "mta.example.org";
	ck_assert_msg(runq_run(cfg, &o, st, &d) == 0, "runq_run: %s", d.text);
}

START_TEST(down_defers_then_due_only_skips)
{
	struct config cfg;
	struct runq_stats st;
	struct queue_entry e;
	struct diag d;
	char a[QUEUE_ID_MAX + 1], b[QUEUE_ID_MAX + 1], c[QUEUE_ID_MAX + 1];
	char *spool = make_spool();
	long long now;

	down_config(&cfg, spool);
	commit(spool, "alice@example.com", "bob@example.net", 0, a);
	commit(spool, "alice@example.com", "carol@example.net", 0, b);
	commit(spool, "alice@example.com", "dave@example.net", 0, c);
	run(&cfg, 1, NULL, &st);
	ck_assert_uint_eq(st.seen, 3);
	ck_assert_uint_eq(st.attempted, 3);
	ck_assert_uint_eq(st.deferred, 3);
	ck_assert_uint_eq(st.delivered, 0);
	ck_assert_uint_eq(st.bounces, 0);
	ck_assert_int_eq(st.last.outcome, OUTCOME_TEMPFAIL);
	ck_assert_uint_eq(count_entries(spool), 3);
	now = (long long)time(NULL);
	ck_assert_int_eq(queue_load(spool, b, &e, &d), QUEUE_OK);
	ck_assert_int_eq(e.meta.attempts, 1);
	ck_assert_msg(e.meta.next_attempt >= now + 265 &&
	    e.meta.next_attempt <= now + 330, "next in %lld s, want 270..330",
	    e.meta.next_attempt - now);
	ck_assert_int_eq(e.env.rcpts[0].state, RCPT_TEMPFAIL);
	ck_assert_ptr_nonnull(e.meta.last_error);
	ck_assert_msg(strstr(e.meta.last_error, "127.0.0.1") != NULL, "%s",
	    e.meta.last_error);
	queue_entry_free(&e);
	/* nothing is due: the periodic run attempts nothing */
	run(&cfg, 1, NULL, &st);
	ck_assert_uint_eq(st.attempted, 0);
	/* -qI: only the matching entry, now */
	run(&cfg, 0, b, &st);
	ck_assert_uint_eq(st.attempted, 1);
	ck_assert_int_eq(queue_load(spool, b, &e, &d), QUEUE_OK);
	ck_assert_int_eq(e.meta.attempts, 2);
	queue_entry_free(&e);
	ck_assert_int_eq(queue_load(spool, a, &e, &d), QUEUE_OK);
	ck_assert_int_eq(e.meta.attempts, 1);
	queue_entry_free(&e);
	/* -q: every entry, each exactly once per run */
	run(&cfg, 0, NULL, &st);
	ck_assert_uint_eq(st.attempted, 3);
	ck_assert_uint_eq(st.deferred, 3);
	config_free(&cfg);
	rm_spool(spool);
}
END_TEST

/* Past queue_lifetime: one bounce to the sender, the entry removed. */
START_TEST(expiry_bounces_once)
{
	struct config cfg;
	struct runq_stats st;
	struct queue_entry e;
	struct diag d;
	char a[QUEUE_ID_MAX + 1];
	char *spool = make_spool();
	char buf[8192];
	ssize_t n;
	struct buf ids;

	down_config(&cfg, spool);
	commit(spool, "alice@example.com", "bob@example.net",
	    5 * 86400 + 10, a);
	run(&cfg, 1, NULL, &st);
	ck_assert_uint_eq(st.expired, 1);
	ck_assert_uint_eq(st.bounces, 1);
	ck_assert_int_eq(queue_load(spool, a, &e, &d), QUEUE_GONE);
	queue_entry_free(&e);
	ck_assert_uint_eq(count_entries(spool), 1);
	/* the one entry left is the bounce: <> to alice */
	buf_init(&ids, 1024);
	ck_assert_int_eq(queue_list(spool, NULL, NULL, NULL, &d), 0);
	{
		DIR *dp;
		struct dirent *de;
		char *q = xasprintf("%s/queue", spool);

		dp = opendir(q);
		ck_assert_ptr_nonnull(dp);
		while ((de = readdir(dp)) != NULL) {
			size_t l = strlen(de->d_name);

			if (l > 4 && strcmp(de->d_name + l - 4, ".env") == 0)
				ck_assert_int_eq(buf_add(&ids, de->d_name,
				    l - 4), 0);
		}
		(void)closedir(dp);
		free(q);
	}
	ck_assert_int_eq(queue_load(spool, buf_str(&ids), &e, &d), QUEUE_OK);
	ck_assert_str_eq(e.env.sender, "");
	ck_assert_str_eq(e.env.rcpts[0].addr, "alice@example.com");
	n = pread(e.msg.fd, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "Final-Recipient: rfc822; "
	    "bob@example.net"));
	ck_assert_ptr_nonnull(strstr(buf, "Status: 4.4.7"));
	ck_assert_ptr_nonnull(strstr(buf, "Subject: t\r\n"));
	ck_assert_ptr_null(strstr(buf, "hello"));
	queue_entry_free(&e);
	/* the bounce is deferred like any entry, never bounced itself */
	run(&cfg, 0, NULL, &st);
	ck_assert_uint_eq(st.attempted, 1);
	ck_assert_uint_eq(st.bounces, 0);
	ck_assert_uint_eq(count_entries(spool), 1);
	buf_free(&ids);
	config_free(&cfg);
	rm_spool(spool);
}
END_TEST

/* A null-sender entry that expires is dropped without a bounce. */
START_TEST(expired_bounce_dropped)
{
	struct config cfg;
	struct runq_stats st;
	char a[QUEUE_ID_MAX + 1];
	char *spool = make_spool();

	down_config(&cfg, spool);
	commit(spool, "", "alice@example.com", 6 * 86400, a);
	run(&cfg, 1, NULL, &st);
	ck_assert_uint_eq(st.expired, 1);
	ck_assert_uint_eq(st.bounces, 0);
	ck_assert_uint_eq(count_entries(spool), 0);
	config_free(&cfg);
	rm_spool(spool);
}
END_TEST

/* mailq: one block per entry, the state and error of each recipient. */
START_TEST(mailq_lists_and_counts)
{
	struct config cfg;
	struct runq_stats st;
	struct runq_opts o;
	struct diag d;
	char a[QUEUE_ID_MAX + 1], b[QUEUE_ID_MAX + 1];
	char *spool = make_spool(), *text = NULL, *missing;
	size_t len = 0;
	FILE *f;

	down_config(&cfg, spool);
	f = open_memstream(&text, &len);
	ck_assert_int_eq(mailq_list(spool, NULL, time(NULL), f, &d), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(text, "Mail queue is empty\n");
	free(text);
	commit(spool, "alice@example.com", "bob@example.net", 0, a);
	commit(spool, "", "carol@example.net", 0, b);
	run(&cfg, 0, a, &st);
	f = open_memstream(&text, &len);
	ck_assert_int_eq(mailq_list(spool, NULL, time(NULL), f, &d), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_msg(strstr(text, a) != NULL && strstr(text, b) != NULL,
	    "%s", text);
	ck_assert_msg(strstr(text, "    deferred  bob@example.net") != NULL,
	    "%s", text);
	ck_assert_msg(strstr(text, "    pending   carol@example.net") != NULL,
	    "%s", text);
	ck_assert_msg(strstr(text, "1 attempt, next in ") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "MAILER-DAEMON") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "-- 1 Kbytes in 2 Requests.\n") != NULL,
	    "%s", text);
	free(text);
	/* -qR filters the listing */
	memset(&o, 0, sizeof(o));
	o.rcpt_filter = "CAROL";
	f = open_memstream(&text, &len);
	ck_assert_int_eq(mailq_list(spool, &o, time(NULL), f, &d), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_msg(strstr(text, a) == NULL && strstr(text, b) != NULL &&
	    strstr(text, "in 1 Request.") != NULL, "%s", text);
	free(text);
	f = open_memstream(&text, &len);
	ck_assert_int_eq(mailq_count(spool, f, &d), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(text, "2\n");
	free(text);
	/* no spool at all: empty, 0, and the runner has nothing to do */
	missing = xasprintf("%s/none", spool);
	f = open_memstream(&text, &len);
	ck_assert_int_eq(mailq_list(missing, NULL, time(NULL), f, &d), 0);
	ck_assert_int_eq(mailq_count(missing, f, &d), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(text, "Mail queue is empty\n0\n");
	free(text);
	free(cfg.queue_dir);
	cfg.queue_dir = missing;
	run(&cfg, 0, NULL, &st);
	ck_assert_uint_eq(st.seen, 0);
	config_free(&cfg);
	rm_spool(spool);
}
END_TEST

/* ------------------------------------------------------------ exit code */

/* A recipient as the attempt left it. */
struct xrcpt {
	enum rcpt_state	 state;
	int		 code;
	const char	*reply;
};

static const struct {
	const char	*name;
	struct xrcpt	 r[3];		/* up to 3; state PENDING ends */
	enum error_mode	 errmode;
	int		 queued, bounced, bounce_failed;
	enum outcome	 out;		/* the attempt (r->attempt) */
	enum smtp_stage	 stage;
	int		 att_exit;
	int		 want;
} exits[] = {
	{ "all delivered", { { RCPT_DONE, 250, "2.1.5 ok" } },
	    ERRMODE_UNSET, 0, 0, 0, OUTCOME_OK, STAGE_NONE, 0, 0 },
	{ "queued, nothing refused", { { RCPT_TEMPFAIL, 451, "4.3.0 later" } },
	    ERRMODE_UNSET, 1, 0, 0, OUTCOME_TEMPFAIL, STAGE_RCPT, 75, 0 },
	{ "partial: the bounce is the answer",
	    { { RCPT_DONE, 250, "2.1.5 ok" },
	    { RCPT_PERMFAIL, 550, "5.1.1 no such user" } },
	    ERRMODE_UNSET, 0, 1, 0, OUTCOME_PERMFAIL, STAGE_RCPT, 67, 0 },
	{ "partial with -oep: the exit code tells",
	    { { RCPT_DONE, 250, "2.1.5 ok" },
	    { RCPT_PERMFAIL, 550, "5.1.1 no such user" } },
	    ERRMODE_PRINT, 0, 0, 0, OUTCOME_PERMFAIL, STAGE_RCPT, 67, 67 },
	{ "partial with -oeq", { { RCPT_DONE, 250, "2.1.5 ok" },
	    { RCPT_PERMFAIL, 550, "5.7.1 relaying denied" } },
	    ERRMODE_QUIET, 0, 0, 0, OUTCOME_PERMFAIL, STAGE_RCPT, 69, 69 },
	{ "partial, bounce could not be queued",
	    { { RCPT_DONE, 250, "2.1.5 ok" },
	    { RCPT_PERMFAIL, 550, "5.1.1 no such user" } },
	    ERRMODE_UNSET, 0, 0, 1, OUTCOME_PERMFAIL, STAGE_RCPT, 67, 67 },
	{ "queued and refused: the bounce is the answer",
	    { { RCPT_TEMPFAIL, 452, "4.5.3 too many" },
	    { RCPT_PERMFAIL, 550, "5.1.1 no such user" } },
	    ERRMODE_UNSET, 1, 1, 0, OUTCOME_TEMPFAIL, STAGE_RCPT, 75, 0 },
	{ "every refusal unknown user", {
	    { RCPT_PERMFAIL, 550, "5.1.1 no such user" },
	    { RCPT_PERMFAIL, 550, "5.1.1 nor this one" } },
	    ERRMODE_UNSET, 0, 0, 0, OUTCOME_PERMFAIL, STAGE_RCPT, 67, 67 },
	{ "unknown user and a policy refusal", {
	    { RCPT_PERMFAIL, 550, "5.1.1 no such user" },
	    { RCPT_PERMFAIL, 554, "5.7.1 relaying denied" } },
	    ERRMODE_UNSET, 0, 0, 0, OUTCOME_PERMFAIL, STAGE_RCPT, 69, 69 },
	{ "policy refusal first, then unknown user", {
	    { RCPT_PERMFAIL, 554, "5.7.1 relaying denied" },
	    { RCPT_PERMFAIL, 550, "5.1.1 no such user" } },
	    ERRMODE_UNSET, 0, 0, 0, OUTCOME_PERMFAIL, STAGE_RCPT, 69, 69 },
	{ "unknown host", { { RCPT_PERMFAIL, 550, "5.1.2 bad domain" } },
	    ERRMODE_UNSET, 0, 0, 0, OUTCOME_PERMFAIL, STAGE_RCPT, 68, 68 },
	{ "refused at RCPT without enhanced code",
	    { { RCPT_PERMFAIL, 550, "go away" } },
	    ERRMODE_UNSET, 0, 0, 0, OUTCOME_PERMFAIL, STAGE_RCPT, 69, 69 },
	{ "refused locally, no reply", { { RCPT_PERMFAIL, 0, NULL } },
	    ERRMODE_UNSET, 0, 0, 0, OUTCOME_PERMFAIL, STAGE_NONE, 0, 69 },
	{ "too big at the dot: the reply decides",
	    { { RCPT_PERMFAIL, 552, "5.3.4 message too big" } },
	    ERRMODE_UNSET, 0, 0, 0, OUTCOME_PERMFAIL, STAGE_BODY, 65, 65 },
	{ "refused at MAIL", { { RCPT_PERMFAIL, 553, "5.1.8 bad sender" } },
	    ERRMODE_UNSET, 0, 0, 0, OUTCOME_PERMFAIL, STAGE_MAIL, 69, 69 },
	{ "-oee and the report went by mail",
	    { { RCPT_PERMFAIL, 550, "5.1.1 no such user" } },
	    ERRMODE_BERKNET, 0, 1, 0, OUTCOME_PERMFAIL, STAGE_RCPT, 67, 0 },
	{ "-oee but no report could be queued",
	    { { RCPT_PERMFAIL, 550, "5.1.1 no such user" } },
	    ERRMODE_BERKNET, 0, 0, 1, OUTCOME_PERMFAIL, STAGE_RCPT, 67, 67 },
	{ "-oem: the exit code still tells when nothing went",
	    { { RCPT_PERMFAIL, 550, "5.1.1 no such user" } },
	    ERRMODE_MAIL, 0, 1, 0, OUTCOME_PERMFAIL, STAGE_RCPT, 67, 67 },
};

START_TEST(exitcode_table)
{
	struct envelope env;
	struct submit_result sr;
	struct diag d;
	const char *addrs[] = { "a@example.org", "b@example.org",
	    "c@example.org" };
	size_t i;

	envelope_init(&env);
	envelope_set_sender(&env, "s@example.org");
	for (i = 0; i < 3 && exits[_i].r[i].state != RCPT_PENDING; i++) {
		ck_assert_int_eq(envelope_add_rcpt(&env, addrs[i], &d), 1);
		envelope_rcpt_set(&env.rcpts[i], exits[_i].r[i].state,
		    exits[_i].r[i].code, exits[_i].r[i].reply);
	}
	memset(&sr, 0, sizeof(sr));
	sr.queued = exits[_i].queued;
	sr.bounced = exits[_i].bounced;
	sr.bounce_failed = exits[_i].bounce_failed;
	if (sr.queued)
		(void)strlcpy(sr.id, "TESTID", sizeof(sr.id));
	sr.attempt.outcome = exits[_i].out;
	sr.attempt.stage = exits[_i].stage;
	sr.attempt.exitcode = exits[_i].att_exit;
	ck_assert_msg(submit_exitcode(exits[_i].errmode, &env, &sr) ==
	    exits[_i].want, "%s: want %d", exits[_i].name, exits[_i].want);
	envelope_free(&env);
}
END_TEST

static Suite *
runq_suite(void)
{
	Suite *s = suite_create("runq");
	TCase *pure = tcase_create("pure");
	TCase *runs = tcase_create("runs");

	tcase_add_loop_test(pure, backoff_curve, 0, (int)NELEM(curve));
	tcase_add_test(pure, backoff_jitter);
	tcase_add_test(pure, schedule_records_attempt);
	tcase_add_loop_test(pure, filter_table, 0, (int)NELEM(filters));
	tcase_add_loop_test(pure, exitcode_table, 0, (int)NELEM(exits));
	suite_add_tcase(s, pure);
	tcase_set_timeout(runs, 30);
	tcase_add_test(runs, down_defers_then_due_only_skips);
	tcase_add_test(runs, expiry_bounces_once);
	tcase_add_test(runs, expired_bounce_dropped);
	tcase_add_test(runs, mailq_lists_and_counts);
	suite_add_tcase(s, runs);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(runq_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
