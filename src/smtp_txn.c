/*
 * smtp_txn.c - SMTP mail transactions over a session that smtp.c opened:
 * MAIL, RCPT, DATA and the body, pipelined (RFC 2920) within a message
 * and across messages (a transaction may be held until the next one's
 * commands go out), with each recipient's outcome; and --check's
 * MAIL/RCPT probe.
 *
 * RFC 5321 3.3 and 4.1.1 (the transaction; RSET), 4.5.2 (dot-stuffing,
 * via smtp_cmd.c's filter), RFC 2920 (PIPELINING: the order of replies
 * is the order of commands), RFC 1870 (SIZE refused before DATA), RFC
 * 3461 (DSN parameters), RFC 6531 (SMTPUTF8), RFC 4954 4 (AUTH's reply
 * read here when AUTH was pipelined with MAIL).
 *
 * Security: a reply is matched to the command it answers by position;
 * a malformed or missing reply ends the session (TEMPFAIL) since the
 * pairing is lost.  Commands come from envelope values re-checked for
 * control characters (smtp_cmd.c), and the body goes through the
 * dot-stuffing filter, so no message content can end DATA early.
 *
 * Size: over style.md's 600 lines because one transaction's state
 * machine (queue, sync, reply, finish, hold) reads best in one place;
 * each function stays short.
 */
#include "compat.h"

#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "conn.h"
#include "diag.h"
#include "envelope.h"
#include "log.h"
#include "reply.h"
#include "smtp.h"
#include "smtp_auth.h"
#include "tlscache.h"
#include "util.h"
#include "smtp_priv.h"

/* A command waiting for its reply. */
enum smtp_cmd {
	CMD_RSET,
	CMD_MAIL,
	CMD_RCPT,
	CMD_DATA
};

struct smtp_pending {
	enum smtp_cmd	 cmd;
	size_t		 rcpt;		/* env->rcpts index, for CMD_RCPT */
};

/* The state of one transaction. */
struct smtp_txn {
	struct envelope		*env;
	unsigned char		*todo;		/* per rcpt: attempted now */
	unsigned char		*accepted;	/* per rcpt: 2xx to RCPT */
	size_t			 naccepted;
	int			 mail_failed;
	int			 auth_failed;	/* pipelined AUTH refused */
	int			 data_go;	/* 354 to DATA */
	int			 data_sent;
	int			 failed;	/* dmsg decides every open rcpt */
	struct diag		 dmsg;
	char			 dsum[DIAG_TEXT_MAX + 20]; /* its rcpt text */
	struct diag		 dtemp, dperm;	/* first of each class */
	int			 have_temp, have_perm;
	struct smtp_pending	 pend[PIPELINE_CMDS_MAX + 3];
	size_t			 npend;
};

static int	smtp_envelope_cmd(struct smtp_session *s,
		    const struct buf *line, enum smtp_stage stage,
		    struct reply *r, struct diag *d);
static int	smtp_needs_utf8(const struct envelope *env);
static int	smtp_mail_setup(struct smtp_session *s,
		    const struct envelope *env, off_t size,
		    struct smtp_mail_params *mp, struct smtp_txn *t);
static int	smtp_txn_queue(struct smtp_session *s, struct smtp_txn *t,
		    enum smtp_cmd cmd, size_t rcpt, const struct buf *line);
static int	smtp_txn_sync(struct smtp_session *s, struct smtp_txn *t);
static void	smtp_txn_reply(struct smtp_session *s, struct smtp_txn *t,
		    const struct smtp_pending *p, const struct reply *r);
static void	smtp_txn_note(struct smtp_txn *t, const struct diag *d);
static void	smtp_txn_fail(struct smtp_txn *t, const struct diag *d,
		    const struct reply *r);
static int	smtp_txn_commands(struct smtp_session *s, struct smtp_txn *t,
		    const struct smtp_mail_params *mp);
static int	smtp_txn_body(struct smtp_session *s, struct smtp_txn *t,
		    int fd, int flush);
static void	smtp_txn_free(struct smtp_txn *t);
static int	smtp_txn_holdable(const struct smtp_session *s,
		    const struct smtp_txn *t);
static void	smtp_held_settle(struct smtp_session *s);
static int	smtp_send_txn(struct smtp_session *s, struct envelope *env,
		    int fd, off_t size,
		    void (*done)(void *, int, const struct diag *), void *arg,
		    struct diag *d);
static int	smtp_txn_finish(struct smtp_session *s, struct smtp_txn *t,
		    struct diag *d);
static void	smtp_local_refusal(struct smtp_txn *t, int code,
		    const char *enh, int exitcode, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));

/* ============================================================ --check */

/* One envelope command and its reply; r holds the reply. */
static int
smtp_envelope_cmd(struct smtp_session *s, const struct buf *line,
    enum smtp_stage stage, struct reply *r, struct diag *d)
{
	return smtp_simple(s, buf_str(line), NULL, stage, r, d);
}

int
smtp_try_envelope(struct smtp_session *s, struct envelope *env,
    struct diag *d)
{
	struct smtp_mail_params mp;
	struct reply r;
	struct buf line;
	struct diag rd;
	char sum[REPLY_TEXT_MAX + 20];
	size_t i;

	diag_clear(d);
	memset(&mp, 0, sizeof(mp));
	mp.size = -1;
	mp.ret = DSN_RET_UNSET;
	reply_init(&r);
	buf_init(&line, REPLY_LINE_MAX);
	if (smtp_build_mail(&line, env->sender != NULL ? env->sender : "",
	    &mp) == -1) {
		(void)diag_set(d, EX_DATAERR, "the sender address cannot be "
		    "sent: it holds control characters or is too long");
		goto out;
	}
	if (smtp_envelope_cmd(s, &line, STAGE_MAIL, &r, d) == -1)
		goto out;
	if (r.code / 100 != 2) {
		smtp_reply_diag(s, d, STAGE_MAIL, &r, NULL);
		goto rset;
	}
	for (i = 0; i < env->nrcpts; i++) {
		buf_reset(&line);
		if (smtp_build_rcpt(&line, env->rcpts[i].addr, 0) == -1 ||
		    smtp_envelope_cmd(s, &line, STAGE_RCPT, &r, &rd) == -1) {
			if (d->outcome == OUTCOME_OK)
				*d = rd;
			if (s->broken)
				goto out;
			continue;
		}
		reply_summary(&r, sum, sizeof(sum));
		if (r.code / 100 == 2) {
			envelope_rcpt_set(&env->rcpts[i], RCPT_DONE, r.code,
			    sum);
			continue;
		}
		smtp_reply_diag(s, &rd, STAGE_RCPT, &r, env->rcpts[i].addr);
		envelope_rcpt_set(&env->rcpts[i], rd.outcome ==
		    OUTCOME_PERMFAIL ? RCPT_PERMFAIL : RCPT_TEMPFAIL, r.code,
		    sum);
		if (d->outcome == OUTCOME_OK)
			*d = rd;
	}
rset:
	buf_reset(&line);
	if (!s->broken && buf_addstr(&line, "RSET") == 0)
		(void)smtp_envelope_cmd(s, &line, STAGE_MAIL, &r, &rd);
out:
	buf_free(&line);
	reply_free(&r);
	return d->outcome == OUTCOME_OK ? 0 : -1;
}

/* ======================================================== transaction */

/* Remember the first temporary and the first permanent failure. */
static void
smtp_txn_note(struct smtp_txn *t, const struct diag *d)
{
	if (d->outcome == OUTCOME_TEMPFAIL && !t->have_temp) {
		t->dtemp = *d;
		t->have_temp = 1;
	} else if (d->outcome == OUTCOME_PERMFAIL && !t->have_perm) {
		t->dperm = *d;
		t->have_perm = 1;
	}
}

/* A refusal decided here, before anything is sent (SIZE, SMTPUTF8). */
static void
smtp_local_refusal(struct smtp_txn *t, int code, const char *enh,
    int exitcode, const char *fmt, ...)
{
	va_list ap;

	diag_clear(&t->dmsg);
	t->dmsg.outcome = OUTCOME_PERMFAIL;
	t->dmsg.exitcode = exitcode;
	t->dmsg.stage = STAGE_MAIL;
	t->dmsg.smtp_code = code;
	(void)strlcpy(t->dmsg.enh, enh, sizeof(t->dmsg.enh));
	va_start(ap, fmt);
	(void)vsnprintf(t->dmsg.text, sizeof(t->dmsg.text), fmt, ap);
	va_end(ap);
	/* the recipients' record holds the facts; bounces add the advice */
	(void)snprintf(t->dsum, sizeof(t->dsum), "%s %s", enh, t->dmsg.text);
	(void)diag_advise(&t->dmsg, DC_SMTP, NULL);
	t->failed = 1;
}

/*
 * The transaction failed as a whole: d decides every recipient still
 * open.  Their record is the server's reply ("enh text") when there is
 * one, else d's text.
 */
static void
smtp_txn_fail(struct smtp_txn *t, const struct diag *d, const struct reply *r)
{
	t->dmsg = *d;
	t->failed = 1;
	if (r != NULL)
		reply_summary(r, t->dsum, sizeof(t->dsum));
	else
		(void)strlcpy(t->dsum, d->text, sizeof(t->dsum));
}

static int
smtp_needs_utf8(const struct envelope *env)
{
	const unsigned char *p;
	size_t i;

	if (env->smtputf8)
		return 1;
	for (p = (const unsigned char *)env->sender; p != NULL && *p; p++)
		if (*p >= 0x80)
			return 1;
	for (i = 0; i < env->nrcpts; i++)
		for (p = (const unsigned char *)env->rcpts[i].addr; *p; p++)
			if (*p >= 0x80)
				return 1;
	return 0;
}

/* Choose the MAIL parameters; -1 (t->dmsg set) if we must not send. */
static int
smtp_mail_setup(struct smtp_session *s, const struct envelope *env,
    off_t size, struct smtp_mail_params *mp, struct smtp_txn *t)
{
	const struct ehlo_caps *c = &s->caps;
	int eight = env->eightbit || env->body == BODY_8BITMIME;

	memset(mp, 0, sizeof(*mp));
	mp->size = -1;
	if (c->size) {
		if (c->size_max > 0 &&
		    (unsigned long long)size > c->size_max) {
			smtp_local_refusal(t, 552, "5.3.4", EX_DATAERR,
			    "the message is %lld bytes but %s accepts at most "
			    "%llu (its SIZE limit)",
			    (long long)size, s->conn.host, c->size_max);
			return -1;
		}
		mp->size = (long long)size;
	}
	if (smtp_needs_utf8(env)) {
		if (!c->smtputf8) {
			smtp_local_refusal(t, 554, "5.6.7", EX_UNAVAILABLE,
			    "the message needs SMTPUTF8 (non-ASCII addresses) "
			    "but %s does not offer it", s->conn.host);
			return -1;
		}
		mp->smtputf8 = 1;
	}
	if (c->eightbitmime) {
		if (eight)
			mp->body = "8BITMIME";
		else if (env->body == BODY_7BIT)
			mp->body = "7BIT";
	} else if (eight)
		/* As Postfix does: send it anyway; most servers cope. */
		log_info("%s does not offer 8BITMIME; sending the 8-bit "
		    "message as is", s->conn.host);
	if (env->notify != 0 || env->ret != DSN_RET_UNSET ||
	    env->envid != NULL) {
		if (c->dsn) {
			mp->ret = env->ret;
			mp->envid = env->envid;
		} else if (!s->warned_dsn) {
			s->warned_dsn = 1;
			log_warnx("%s does not offer DSN; the delivery status "
			    "requests (-N, -R, -V) are ignored", s->conn.host);
		}
	}
	return 0;
}

static int
smtp_txn_queue(struct smtp_session *s, struct smtp_txn *t, enum smtp_cmd cmd,
    size_t rcpt, const struct buf *line)
{
	struct diag d;

	if (smtp_command(s, line, &d) == -1) {
		smtp_txn_fail(t, &d, NULL);
		return -1;
	}
	t->pend[t->npend].cmd = cmd;
	t->pend[t->npend].rcpt = rcpt;
	t->npend++;
	return 0;
}

/* Handle the reply to one command of the transaction. */
static void
smtp_txn_reply(struct smtp_session *s, struct smtp_txn *t,
    const struct smtp_pending *p, const struct reply *r)
{
	struct rcpt *rc;
	struct diag d;
	char sum[REPLY_TEXT_MAX + 20];

	switch (p->cmd) {
	case CMD_RSET:
		break;		/* whatever it says, MAIL will tell */
	case CMD_MAIL:
		if (r->code / 100 == 2 || t->auth_failed)
			break;	/* after a refused AUTH, AUTH decides */
		smtp_reply_diag(s, &d, STAGE_MAIL, r, NULL);
		smtp_txn_fail(t, &d, r);
		t->mail_failed = 1;
		break;
	case CMD_RCPT:
		if (t->mail_failed)
			break;	/* 503 after a refused MAIL: MAIL decides */
		rc = &t->env->rcpts[p->rcpt];
		if (r->code / 100 == 2) {
			t->accepted[p->rcpt] = 1;
			t->naccepted++;
			break;
		}
		smtp_reply_diag(s, &d, STAGE_RCPT, r, rc->addr);
		reply_summary(r, sum, sizeof(sum));
		envelope_rcpt_set(rc, d.outcome == OUTCOME_PERMFAIL ?
		    RCPT_PERMFAIL : RCPT_TEMPFAIL, r->code, sum);
		smtp_txn_note(t, &d);
		break;
	case CMD_DATA:
		if (t->auth_failed)
			break;
		s->need_rset = 1;
		if (r->code == 354) {
			t->data_go = 1;
			break;
		}
		/* Expected (503/554) when no recipient was accepted. */
		if (!t->mail_failed && t->naccepted > 0) {
			smtp_reply_diag(s, &d, STAGE_DATA, r, NULL);
			smtp_txn_fail(t, &d, r);
		}
		break;
	}
}

/* Flush the queued group and read a reply for each of its commands. */
static int
smtp_txn_sync(struct smtp_session *s, struct smtp_txn *t)
{
	struct reply r;
	struct diag d;
	size_t i;

	if (t->npend == 0)
		return 0;
	if (s->auth_held != NULL)
		t->auth_failed = 1;	/* until its 235 is read */
	if (conn_flush(&s->conn, &d) == -1) {
		s->broken = 1;
		smtp_held_settle(s);
		goto fail;
	}
	/* The previous message's dot went out before this group: its
	 * reply comes first (cross-message pipelining). */
	smtp_held_settle(s);
	if (t->auth_failed) {
		/* ... or the pipelined AUTH's, which decides the group */
		explicit_bzero(s->conn.out.data, s->conn.out.cap);
		if (smtp_auth_finish(s, &d) == -1) {
			smtp_txn_fail(t, &d, NULL);
			t->mail_failed = 1;
		} else
			t->auth_failed = 0;
	}
	reply_init(&r);
	for (i = 0; i < t->npend; i++) {
		conn_stage(&s->conn, t->pend[i].cmd == CMD_MAIL ? STAGE_MAIL :
		    t->pend[i].cmd == CMD_RCPT ? STAGE_RCPT :
		    t->pend[i].cmd == CMD_DATA ? STAGE_DATA : STAGE_MAIL);
		if (smtp_read_reply(s, &r, &d) == -1) {
			reply_free(&r);
			goto fail;
		}
		smtp_txn_reply(s, t, &t->pend[i], &r);
	}
	reply_free(&r);
	t->npend = 0;
	if (t->auth_failed) {
		/* Refused AUTH: whatever MAIL..DATA got (a server may even
		 * say 354), end the session before any data goes out. */
		s->broken = 1;
		conn_close(&s->conn);
	}
	return 0;
fail:
	t->npend = 0;
	/* After a refused MAIL the refusal decides, not the hang-up. */
	if (!t->mail_failed)
		smtp_txn_fail(t, &d, NULL);
	return -1;
}

/* MAIL, RCPT..., DATA: one group with PIPELINING, else one at a time. */
static int
smtp_txn_commands(struct smtp_session *s, struct smtp_txn *t,
    const struct smtp_mail_params *mp)
{
	struct envelope *env = t->env;
	int pipe = s->caps.pipelining;
	struct buf line;
	size_t i;
	int rc = -1;

	buf_init(&line, REPLY_LINE_MAX);
	if (s->need_rset) {
		if (buf_addstr(&line, "RSET") == -1 ||
		    smtp_txn_queue(s, t, CMD_RSET, 0, &line) == -1 ||
		    (!pipe && smtp_txn_sync(s, t) == -1))
			goto out;
		s->need_rset = 0;
	}
	buf_reset(&line);
	if (smtp_build_mail(&line, env->sender != NULL ? env->sender : "",
	    mp) == -1) {
		smtp_local_refusal(t, 553, "5.1.7", EX_DATAERR, "the sender "
		    "address cannot be sent: it holds control characters or "
		    "is too long");
		goto out;
	}
	if (smtp_txn_queue(s, t, CMD_MAIL, 0, &line) == -1 ||
	    (!pipe && smtp_txn_sync(s, t) == -1))
		goto out;
	for (i = 0; i < env->nrcpts && !t->mail_failed; i++) {
		if (!t->todo[i])
			continue;
		buf_reset(&line);
		if (smtp_build_rcpt(&line, env->rcpts[i].addr,
		    s->caps.dsn ? env->notify : 0) == -1) {
			struct diag bad;

			(void)diag_set(&bad, EX_DATAERR, "recipient address "
			    "not sent: it holds control characters or is "
			    "longer than %d bytes", ADDR_MAX);
			bad.stage = STAGE_RCPT;
			envelope_rcpt_set(&env->rcpts[i], RCPT_PERMFAIL, 553,
			    "5.1.3 address holds control characters or is "
			    "too long");
			smtp_txn_note(t, &bad);
			continue;
		}
		if (smtp_txn_queue(s, t, CMD_RCPT, i, &line) == -1)
			goto out;
		/* RFC 2920 5: bounded groups cannot deadlock */
		if ((!pipe || t->npend >= PIPELINE_CMDS_MAX ||
		    s->conn.out.len >= PIPELINE_BYTES_MAX) &&
		    smtp_txn_sync(s, t) == -1)
			goto out;
	}
	if (t->mail_failed || (!pipe && t->naccepted == 0)) {
		if (t->mail_failed || t->npend > 0)
			(void)smtp_txn_sync(s, t);
		s->need_rset = 1;
		rc = 0;
		goto out;
	}
	buf_reset(&line);
	if (buf_addstr(&line, "DATA") == -1 ||
	    smtp_txn_queue(s, t, CMD_DATA, 0, &line) == -1)
		goto out;
	t->data_sent = 1;
	rc = smtp_txn_sync(s, t);
out:
	buf_free(&line);
	return rc;
}

/*
 * Stream the message through the dot-stuffing filter, then the dot; the
 * last bytes stay queued unless flush (a held transaction: the next
 * group goes with them).
 */
static int
smtp_txn_body(struct smtp_session *s, struct smtp_txn *t, int fd, int flush)
{
	struct smtp_dot ds;
	struct diag d;
	char *in, *out, trace[64];
	ssize_t n;
	size_t o;
	unsigned long long total = 0;
	int rc = -1;

	in = xmalloc(IO_CHUNK);
	out = xmalloc(SMTP_DOT_OUT_MAX(IO_CHUNK));
	smtp_dot_init(&ds);
	conn_stage(&s->conn, STAGE_BODY);
	/* No recipient: end the DATA the server opened with an empty body. */
	if (t->naccepted > 0 && lseek(fd, 0, SEEK_SET) == -1) {
		(void)diag_temp(&d, STAGE_BODY, "cannot rewind the message "
		    "file: %s", strerror(errno));
		goto broken;
	}
	while (t->naccepted > 0) {
		n = read(fd, in, IO_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			/* Never end DATA: a cut message must not go out. */
			(void)diag_temp(&d, STAGE_BODY, "cannot read the "
			    "message file: %s", strerror(errno));
			goto broken;
		}
		if (n == 0)
			break;
		total += (unsigned long long)n;
		o = smtp_dot_run(&ds, in, (size_t)n, out);
		if (conn_write(&s->conn, out, o, &d) == -1)
			goto lost;
	}
	o = smtp_dot_end(&ds, out);
	(void)snprintf(trace, sizeof(trace), "[message body: %llu bytes]",
	    total);
	log_trace("->", trace, strlen(trace));
	log_trace("->", ".", 1);
	if (conn_write(&s->conn, out, o, &d) == -1 ||
	    (flush && conn_flush(&s->conn, &d) == -1))
		goto lost;
	s->need_rset = 0;
	rc = 0;
	goto out;
broken:
	conn_close(&s->conn);
lost:
	s->broken = 1;
	smtp_txn_fail(t, &d, NULL);
out:
	free(in);
	free(out);
	return rc;
}

/* Settle every attempted recipient and choose the deciding diag. */
static int
smtp_txn_finish(struct smtp_session *s, struct smtp_txn *t, struct diag *d)
{
	struct envelope *env = t->env;
	struct reply r;
	struct diag dd;
	char sum[REPLY_TEXT_MAX + 20];
	size_t i;
	int rc = t->failed ? -1 : 0;

	reply_init(&r);
	if (!t->failed && t->data_go) {
		conn_stage(&s->conn, STAGE_BODY);
		if (smtp_read_reply(s, &r, &dd) == -1) {
			smtp_txn_fail(t, &dd, NULL);
			rc = -1;
		} else if (r.code / 100 != 2 && t->naccepted > 0) {
			smtp_reply_diag(s, &dd, STAGE_BODY, &r, NULL);
			smtp_txn_fail(t, &dd, &r);
		}
	}
	if (t->failed)
		smtp_txn_note(t, &t->dmsg);
	reply_summary(&r, sum, sizeof(sum));
	for (i = 0; i < env->nrcpts; i++) {
		if (!t->todo[i] || env->rcpts[i].state != RCPT_PENDING)
			continue;
		if (t->failed)
			envelope_rcpt_set(&env->rcpts[i],
			    t->dmsg.outcome == OUTCOME_PERMFAIL ?
			    RCPT_PERMFAIL : RCPT_TEMPFAIL, t->dmsg.smtp_code,
			    t->dsum); else if (t->accepted[i] && t->data_go)
			envelope_rcpt_set(&env->rcpts[i], RCPT_DONE, r.code,
			    sum);
	}
	reply_free(&r);
	if (envelope_count(env, RCPT_TEMPFAIL) > 0 && t->have_temp)
		*d = t->dtemp;
	else if (t->have_perm)
		*d = t->dperm;
	else if (t->have_temp)
		*d = t->dtemp;
	else
		diag_clear(d);
	return rc;
}

static void
smtp_txn_free(struct smtp_txn *t)
{
	free(t->todo);
	free(t->accepted);
	free(t);
}

/* 1 when t may be held: PIPELINING, and every recipient sent accepted. */
static int
smtp_txn_holdable(const struct smtp_session *s, const struct smtp_txn *t)
{
	size_t i;

	if (!s->caps.pipelining || s->broken || t->failed || !t->data_go)
		return 0;
	for (i = 0; i < t->env->nrcpts; i++)
		if (t->todo[i] && !t->accepted[i])
			return 0;
	return 1;
}

/*
 * Read the held transaction's reply (it must be the next one on the
 * connection), settle its recipients and tell its owner.  After a lost
 * connection it fails without reading.
 */
static void
smtp_held_settle(struct smtp_session *s)
{
	struct smtp_txn *t = s->held;
	struct diag d, lost;
	int rc;

	if (t == NULL)
		return;
	s->held = NULL;
	if (s->broken || s->conn.fd == -1) {
		(void)diag_temp(&lost, STAGE_BODY, "the connection to %s was "
		    "lost before it confirmed the message", s->conn.host !=
		    NULL ? s->conn.host : "the smarthost");
		(void)diag_advise(&lost, DC_PROTOCOL, NULL);
		smtp_txn_fail(t, &lost, NULL);
	}
	rc = smtp_txn_finish(s, t, &d);
	s->held_done(s->held_arg, rc, &d);
	smtp_txn_free(t);
}

void
smtp_settle(struct smtp_session *s)
{
	struct diag d;

	if (s->held == NULL)
		return;
	if (!s->broken && conn_flush(&s->conn, &d) == -1)
		s->broken = 1;
	smtp_held_settle(s);
}

int
smtp_send(struct smtp_session *s, struct envelope *env, int fd, off_t size,
    struct diag *d)
{
	return smtp_send_txn(s, env, fd, size, NULL, NULL, d);
}

int
smtp_send_async(struct smtp_session *s, struct envelope *env, int fd,
    off_t size, void (*done)(void *, int, const struct diag *), void *arg,
    struct diag *d)
{
	return smtp_send_txn(s, env, fd, size, done, arg, d);
}

/* smtp_send, and smtp_send_async when done is set. */
static int
smtp_send_txn(struct smtp_session *s, struct envelope *env, int fd,
    off_t size, void (*done)(void *, int, const struct diag *), void *arg,
    struct diag *d)
{
	struct smtp_mail_params mp;
	struct smtp_txn *t;
	size_t i, ntodo = 0;
	int rc;

	diag_clear(d);
	t = xcalloc(1, sizeof(*t));
	t->env = env;
	t->todo = xcalloc(env->nrcpts + 1, 1);
	t->accepted = xcalloc(env->nrcpts + 1, 1);
	for (i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].state == RCPT_PENDING) {
			t->todo[i] = 1;
			ntodo++;
		}
	if (ntodo == 0) {
		rc = 0;
		goto out;
	}
	if (s->broken || s->conn.fd == -1) {
		struct diag nc;

		smtp_held_settle(s);
		(void)diag_temp(&nc, STAGE_MAIL, "no connection to %s",
		    s->conn.host != NULL ? s->conn.host : "the smarthost");
		smtp_txn_fail(t, &nc, NULL);
	} else if (smtp_mail_setup(s, env, size, &mp, t) == 0 &&
	    smtp_txn_commands(s, t, &mp) == 0 && t->data_go &&
	    !t->failed) {
		int hold = done != NULL && smtp_txn_holdable(s, t);

		if (hold)
			smtp_settle(s);		/* never two held */
		if (smtp_txn_body(s, t, fd, !hold) == 0 && hold) {
			s->held = t;
			s->held_done = done;
			s->held_arg = arg;
			return 1;
		}
	} else if (t->data_go && !s->broken) {
		/* 354 although nothing is to be sent: end it empty. */
		size_t saved = t->naccepted;

		t->naccepted = 0;
		if (smtp_txn_body(s, t, fd, 1) == 0) {
			struct reply r;
			struct diag ignored;

			reply_init(&r);
			(void)smtp_read_reply(s, &r, &ignored);
			reply_free(&r);
		}
		t->naccepted = saved;
		t->data_go = 0;
	}
	rc = smtp_txn_finish(s, t, d);
out:
	smtp_txn_free(t);
	return rc;
}
