/*
 * smtp.c - the SMTP client session.
 *
 * RFC 5321 (SMTP: greeting, EHLO/HELO, MAIL, RCPT, DATA, dot-stuffing in
 * 4.5.2, QUIT), RFC 2920 (PIPELINING), RFC 1870 (SIZE), RFC 6152
 * (8BITMIME), RFC 3461 (DSN: RET, ENVID as xtext, NOTIFY), RFC 6531
 * (SMTPUTF8), RFC 2034/3463 (enhanced status codes, via reply.c),
 * RFC 3207 (STARTTLS) and RFC 8314 (implicit TLS), the TLS itself in
 * tls.c.
 *
 * Round trips for a message with a PIPELINING server: connect, greeting,
 * EHLO, MAIL+RCPT...+DATA in one write, body+dot; QUIT is sent and not
 * waited for.  Without PIPELINING every command waits for its reply.
 *
 * Security: every reply goes through reply.c's strict parser; a
 * malformed reply ends the session (TEMPFAIL) because we can no longer
 * tell which command it answers.  Commands are built from envelope
 * values that are re-checked here for control characters, so no address
 * can inject a command.  The body goes through a streaming dot-stuffing
 * filter that also turns any bare CR or LF into CRLF, so nothing in a
 * message can end DATA early (SMTP smuggling).  The -v trace shows
 * commands and sanitised replies, never body lines; AUTH redaction comes
 * with sasl.c.
 *
 * TLS (smtp_tls_begin, smtp_starttls): "tls starttls" is required, never
 * opportunistic: STARTTLS missing from EHLO (a stripping middlebox),
 * refused or failing ends the session before MAIL or AUTH.  Bytes that
 * arrive with or after the 220 to STARTTLS were not protected by TLS and
 * could be forged replies (CVE-2011-0411 class): the session is aborted,
 * not just the bytes dropped, since a server or path doing that is not
 * to be trusted.  After the handshake everything learnt in clear (the
 * EHLO extensions) is forgotten and EHLO is sent again.
 *
 * Layout: this file is the session (connect, greeting, TLS, EHLO, AUTH's
 * turn, QUIT) and the command/reply primitives both halves use
 * (smtp_priv.h); the mail transactions and their pipelining are in
 * smtp_txn.c; the pure pieces (the command builders, xtext, the
 * dot-stuffing filter, the EHLO name) live in smtp_cmd.c, so the wire
 * format of a command is decided there.
 */
#include "compat.h"

#include <sys/types.h>

#include <errno.h>
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
#include "smtp_priv.h"
#include "tlscache.h"
#include "util.h"

static void	smtp_init(struct smtp_session *s, const struct smtp_params *p,
		    struct diag *d);
static int	smtp_start(struct smtp_session *s, struct diag *d);
static int	smtp_hello(struct smtp_session *s, struct reply *r,
		    struct diag *d);
static int	smtp_tls_begin(struct smtp_session *s, int implicit,
		    struct diag *d);
static int	smtp_starttls(struct smtp_session *s, struct reply *r,
		    struct diag *d);
static void	smtp_greeting_hint(struct smtp_session *s, struct diag *d);
static void	smtp_tls_setup(struct smtp_session *s,
		    const struct smtp_params *p);
static int	smtp_tls_ctx(struct smtp_session *s, struct diag *d);
static void	smtp_tls_save(struct smtp_session *s);
static void	smtp_trace_reply(const char *line, size_t len, int redact);

/* ============================================================ session */

/* Trace and queue one command line (CRLF added here). */
int
smtp_command(struct smtp_session *s, const struct buf *line, struct diag *d)
{
	log_trace("->", buf_str(line), line->len);
	if (conn_queue(&s->conn, line->data, line->len, d) == -1 ||
	    conn_queue(&s->conn, "\r\n", 2, d) == -1)
		return -1;
	return 0;
}

/* Trace one reply line at -v: control bytes shown as '?'. */
static void
smtp_trace_reply(const char *line, size_t len, int redact)
{
	char show[REPLY_LINE_MAX + 1];
	size_t i, n;
	unsigned char c;

	if (redact) {
		smtp_auth_redact(1, line, len, show, REPLY_LINE_MAX);
		n = strlen(show);
	} else {
		n = len < REPLY_LINE_MAX ? len : REPLY_LINE_MAX;
		memcpy(show, line, n);
	}
	for (i = 0; i < n; i++) {
		c = (unsigned char)show[i];
		/* a TAB stays, but not in a redacted AUTH line */
		if ((c < 0x20 && (c != '\t' || redact)) || c >= 0x7f)
			show[i] = '?';
	}
	log_trace("<-", show, n);
}

int
smtp_reply_read(struct smtp_session *s, struct reply *r, int redact,
    struct diag *d)
{
	const char *line;
	size_t len;
	enum reply_status st;

	reply_free(r);
	do {
		if (conn_read_line(&s->conn, &line, &len, d) == -1) {
			s->broken = 1;
			return -1;
		}
		if (log_is_verbose())
			smtp_trace_reply(line, len, redact);
		st = reply_push(r, line, len);
	} while (st == REPLY_MORE);
	if (st == REPLY_ERROR) {
		s->broken = 1;
		return 1;
	}
	return 0;
}

/* Read one complete reply; a malformed one breaks the session. */
int
smtp_read_reply(struct smtp_session *s, struct reply *r, struct diag *d)
{
	int rc;

	if ((rc = smtp_reply_read(s, r, 0, d)) != 1)
		return rc;
	(void)diag_temp(d, s->conn.stage, "%s port %d sent a malformed reply "
	    "during %s (%s)", s->conn.host, s->conn.port,
	    diag_stage_name(s->conn.stage), r->error);
	return diag_advise(d, DC_PROTOCOL, NULL);
}

/*
 * d := the server's refusal of a command.  A success code where none
 * belongs (250 to DATA, 3xx to RCPT) is a protocol error: TEMPFAIL.
 */
void
smtp_reply_diag(struct smtp_session *s, struct diag *d,
    enum smtp_stage stage, const struct reply *r, const char *rcpt)
{
	const char *enh = r->enh[0] != '\0' ? r->enh : NULL;
	char *text = NULL;

	diag_smtp(d, stage, r->code, enh, r->text, s->conn.host);
	if (r->code < 400) {
		d->outcome = OUTCOME_TEMPFAIL;
		d->exitcode = EX_TEMPFAIL;
		text = xasprintf("%s gave an unexpected reply to %s: %d %s",
		    s->conn.host, diag_stage_name(stage), r->code, r->text);
	} else if (rcpt != NULL)
		text = xasprintf("%s refused RCPT TO:<%s>: %d%s%s %s",
		    s->conn.host, rcpt, r->code, enh != NULL ? " " : "",
		    enh != NULL ? enh : "", r->text);
	if (text != NULL) {
		(void)strlcpy(d->text, text, sizeof(d->text));
		free(text);
		d->factlen = 0;
		(void)diag_advise(d, r->code < 400 ? DC_PROTOCOL : DC_SMTP,
		    r->text);
	}
}

/* Send one command, wait for its reply (no pipelining). */
int
smtp_simple(struct smtp_session *s, const char *verb, const char *arg,
    enum smtp_stage stage, struct reply *r, struct diag *d)
{
	struct buf line;
	int rc;

	buf_init(&line, REPLY_LINE_MAX);
	rc = arg != NULL ? smtp_build_hello(&line, verb, arg) :
	    buf_addstr(&line, verb);
	if (rc == -1) {
		buf_free(&line);
		return diag_set(d, EX_SOFTWARE, "cannot build the %s command",
		    verb);
	}
	conn_stage(&s->conn, stage);
	rc = smtp_command(s, &line, d);
	buf_free(&line);
	if (rc == -1 || conn_flush(&s->conn, d) == -1) {
		s->broken = 1;
		return -1;
	}
	return smtp_read_reply(s, r, d);
}

static int
smtp_hello(struct smtp_session *s, struct reply *r, struct diag *d)
{
	ehlo_caps_init(&s->caps);
	smtp_helo_name(s->helo_cfg, s->conn.fd, s->helo, sizeof(s->helo));
	if (smtp_simple(s, "EHLO", s->helo, STAGE_EHLO, r, d) == -1)
		return -1;
	if (r->code == 250) {
		s->esmtp = 1;
		ehlo_caps_parse(&s->caps, r);
		return 0;
	}
	if (r->code != 500 && r->code != 502) {
		smtp_reply_diag(s, d, STAGE_EHLO, r, NULL);
		return -1;
	}
	/* RFC 5321 4.1.4: an old server; HELO, no extensions. */
	if (smtp_simple(s, "HELO", s->helo, STAGE_EHLO, r, d) == -1)
		return -1;
	if (r->code != 250) {
		smtp_reply_diag(s, d, STAGE_EHLO, r, NULL);
		return -1;
	}
	return 0;
}

/* ================================================================ TLS */

/* The TLS mode and settings; without settings, verify by default. */
static void
smtp_tls_setup(struct smtp_session *s, const struct smtp_params *p)
{
	s->tls_mode = p->tls;
	s->tls_chain = p->tls_chain;
	s->tls_cache = p->tls_chain == NULL ? p->tls_cache : NULL;
	memset(&s->tls_cfg, 0, sizeof(s->tls_cfg));
	s->tls_cfg.verify = 1;
	if (p->tls_cfg != NULL)
		s->tls_cfg = *p->tls_cfg;
}

/*
 * The TLS credentials, built on first use: a connection that never gets
 * as far as TLS costs no trust store load.
 */
static int
smtp_tls_ctx(struct smtp_session *s, struct diag *d)
{
	unsigned char policy[TLSCACHE_POLICY_LEN], *data = NULL;
	size_t len = 0;
	int rc = 0;

	/* A cached session (issue 7): if the server resumes it, neither
	 * the trust store nor the certificate check is needed. */
	if (s->tls_ctx == NULL && s->tls_cache != NULL) {
		tlscache_policy(&s->tls_cfg, (int)s->tls_mode, policy);
		(void)tlscache_load(s->tls_cache, s->conn.host, s->conn.port,
		    policy, time(NULL), &data, &len);
	}
	if (s->tls_ctx == NULL)
		rc = data != NULL ? tls_ctx_new_resume(&s->tls_ctx,
		    &s->tls_cfg, data, len, d) : tls_ctx_new(&s->tls_ctx,
		    &s->tls_cfg, d);
	if (data != NULL) {
		explicit_bzero(data, len);
		free(data);
	}
	if (rc == -1) {
		diag_set_class(d, DC_TLS_SETUP);
		s->broken = 1;
		return -1;
	}
	if (s->tls_chain != NULL)
		tls_ctx_capture(s->tls_ctx, s->tls_chain);
	return 0;
}

/* Handshake: implicit TLS at connect, or after the 220 to STARTTLS. */
static int
smtp_tls_begin(struct smtp_session *s, int implicit, struct diag *d)
{
	conn_stage(&s->conn, STAGE_STARTTLS);
	if (smtp_tls_ctx(s, d) == -1)
		return -1;
	if (tls_start(s->tls_ctx, &s->conn, implicit, &s->tls, d) == -1) {
		s->broken = 1;
		return -1;
	}
	s->tls_active = 1;
	s->tls_resumed = tls_session_resumed(s->tls);
	if (log_is_verbose()) {
		char line[200];

		(void)snprintf(line, sizeof(line), "[TLS: %s]",
		    tls_session_desc(s->tls));
		log_trace("==", line, strlen(line));
	}
	return 0;
}

/* Keep the session for the next process (tlscache.h); quietly. */
static void
smtp_tls_save(struct smtp_session *s)
{
	unsigned char policy[TLSCACHE_POLICY_LEN], *data;
	size_t len;

	if (s->tls_cache == NULL || !s->tls_active || s->tls == NULL ||
	    tls_session_export(s->tls, &data, &len) == -1)
		return;
	tlscache_policy(&s->tls_cfg, (int)s->tls_mode, policy);
	if (tlscache_save(s->tls_cache, s->conn.host, s->conn.port, policy,
	    time(NULL), data, len) == -1) {
		static const char msg[] = "[TLS: cannot save the session for "
		    "resumption]";

		log_trace("==", msg, sizeof(msg) - 1);
	}
	explicit_bzero(data, len);
	free(data);
}

/*
 * RFC 3207: STARTTLS after the first EHLO, the handshake, and EHLO again.
 * r is scratch space.  Required: every failure ends the session.
 */
static int
smtp_starttls(struct smtp_session *s, struct reply *r, struct diag *d)
{
	size_t junk;

	if (!s->esmtp || !s->caps.starttls) {
		s->broken = 1;
		(void)diag_temp(d, STAGE_STARTTLS, "%s port %d: the server "
		    "does not offer STARTTLS (possibly stripped by a "
		    "middlebox)", s->conn.host, s->conn.port);
		if (s->conn.port == 465)
			return diag_advise(d, DC_TLS_WANTS_IMPLICIT, NULL);
		return diag_advise(d, DC_TLS_NO_STARTTLS, NULL);
	}
	/* A TLS setting error shows before the server expects a handshake. */
	if (smtp_tls_ctx(s, d) == -1 ||
	    smtp_simple(s, "STARTTLS", NULL, STAGE_STARTTLS, r, d) == -1)
		return -1;
	if (r->code != 220) {
		smtp_reply_diag(s, d, STAGE_STARTTLS, r, NULL);
		(void)diag_advise(d, DC_TLS_REFUSED, NULL);
		s->broken = 1;
		return -1;
	}
	junk = conn_pending(&s->conn);
	if (junk != 0) {
		s->broken = 1;
		(void)diag_temp(d, STAGE_STARTTLS, "%s port %d sent %zu "
		    "unexpected byte(s) of plaintext after its 220 reply to "
		    "STARTTLS (a response injection attack or a broken "
		    "server)", s->conn.host, s->conn.port, junk);
		return diag_advise(d, DC_TLS_INJECTION, NULL);
	}
	if (smtp_tls_begin(s, 0, d) == -1)
		return -1;
	/* Forget what was said in clear; ask again under TLS. */
	ehlo_caps_init(&s->caps);
	s->esmtp = 0;
	return smtp_hello(s, r, d);
}

/* No usable greeting in plaintext: perhaps the port wants TLS first. */
static void
smtp_greeting_hint(struct smtp_session *s, struct diag *d)
{
	if (s->tls_active || d->text[0] == '\0')
		return;
	if (s->conn.port == 465)
		(void)diag_advise(d, DC_TLS_WANTS_IMPLICIT, NULL);
	else if (s->conn.stage == STAGE_GREETING)
		(void)strlcat(d->text, "; if this port expects implicit TLS "
		    "(the server waits for a TLS handshake), set \"tls "
		    "smtps\"", sizeof(d->text));
}

/* ============================================================ greeting */

int
smtp_greet(struct smtp_session *s, struct diag *d)
{
	struct reply r;
	struct buf q;
	size_t pos = 0, len;
	const char *line;
	int rc = -1;

	reply_init(&r);
	if (s->tls_mode == SMTP_TLS_SMTPS && smtp_tls_begin(s, 1, d) == -1)
		goto out;
	conn_stage(&s->conn, STAGE_GREETING);
	if (smtp_read_reply(s, &r, d) == -1) {
		smtp_greeting_hint(s, d);
		goto out;
	}
	if (reply_next_line(&r, &pos, &line, &len) == 1)
		(void)snprintf(s->banner, sizeof(s->banner), "%d %.*s", r.code,
		    (int)(len > 0 && line[len - 1] == '\n' ? len - 1 : len),
		    line);
	if (r.code != 220) {
		smtp_reply_diag(s, d, STAGE_GREETING, &r, NULL);
		if (r.code != 421) {
			/* RFC 5321 3.1: after 554 the client sends QUIT */
			buf_init(&q, 8);
			if (buf_addstr(&q, "QUIT") == 0) {
				struct diag ignored;

				conn_stage(&s->conn, STAGE_QUIT);
				if (smtp_command(s, &q, &ignored) == 0)
					(void)conn_flush(&s->conn, &ignored);
			}
			buf_free(&q);
		}
		s->broken = 1;
		goto out;
	}
	rc = smtp_hello(s, &r, d);
out:
	reply_free(&r);
	return rc;
}

int
smtp_secure(struct smtp_session *s, struct diag *d)
{
	struct reply r;
	int rc;

	if (s->tls_mode != SMTP_TLS_STARTTLS)
		return 0;
	reply_init(&r);
	rc = smtp_starttls(s, &r, d);
	reply_free(&r);
	return rc;
}

static int
smtp_start(struct smtp_session *s, struct diag *d)
{
	int rc;

	rc = smtp_greet(s, d);
	if (rc == 0)
		rc = smtp_secure(s, d);
	/* RFC 4954: AUTH after (TLS and) EHLO, before any MAIL; pipelined
	 * with the first MAIL..DATA group when allowed (smtp_auth.h). */
	s->auth_defer = s->pipeline_auth;
	if (rc == 0 && s->auth != NULL)
		rc = smtp_auth(s, s->auth, s->tls_active, d);
	s->auth_defer = 0;
	s->auth = NULL;
	return rc;
}

/* A new session for p, not yet connected. */
static void
smtp_init(struct smtp_session *s, const struct smtp_params *p,
    struct diag *d)
{
	memset(s, 0, sizeof(*s));
	s->helo_cfg = p->helo;
	s->auth = p->auth;
	s->pipeline_auth = p->pipeline_auth;
	smtp_tls_setup(s, p);
	diag_clear(d);
}

int
smtp_connect(struct smtp_session *s, const struct smtp_params *p,
    struct diag *d)
{
	smtp_init(s, p, d);
	if (conn_open(&s->conn, p->host, p->port, p->timeout, d) == -1) {
		s->broken = 1;
		return -1;
	}
	return 0;
}

int
smtp_open(struct smtp_session *s, const struct smtp_params *p,
    struct diag *d)
{
	if (smtp_connect(s, p, d) == -1)
		return -1;
	return smtp_start(s, d);
}

int
smtp_open_fd(struct smtp_session *s, int fd, const struct smtp_params *p,
    struct diag *d)
{
	smtp_init(s, p, d);
	conn_attach(&s->conn, fd, p->host, p->port, p->timeout);
	return smtp_start(s, d);
}

void
smtp_close(struct smtp_session *s)
{
	if (s->held != NULL) {
		s->broken = 1;
		smtp_settle(s);		/* fails it: no reply can come */
	}
	smtp_auth_drop(s);
	if (s->conn.out.data != NULL)	/* it may hold an unsent AUTH */
		explicit_bzero(s->conn.out.data, s->conn.out.cap);
	conn_close(&s->conn);		/* ends the TLS session first */
	s->tls = NULL;
	tls_ctx_free(s->tls_ctx);	/* the session used it until now */
	s->tls_ctx = NULL;
	s->broken = 1;
}

void
smtp_quit(struct smtp_session *s)
{
	struct diag ignored;
	struct buf q;

	smtp_settle(s);
	if (s->auth_held != NULL) {
		/* no message was sent: take the AUTH back, unsent */
		smtp_auth_drop(s);
		explicit_bzero(s->conn.out.data, s->conn.out.cap);
		buf_reset(&s->conn.out);
	}
	if (!s->broken && s->conn.fd != -1) {
		smtp_tls_save(s);
		/* The message is already accepted: do not wait for 221. */
		buf_init(&q, 8);
		conn_stage(&s->conn, STAGE_QUIT);
		if (buf_addstr(&q, "QUIT") == 0 &&
		    smtp_command(s, &q, &ignored) == 0)
			(void)conn_flush(&s->conn, &ignored);
		buf_free(&q);
	}
	smtp_close(s);
}
