/*
 * smtp_auth.c - SMTP AUTH (RFC 4954) over the SASL client of sasl.c.
 *
 * RFC 4954 (AUTH: initial response, "=" for an empty one, 334
 * continuations in base64, "*" to cancel, 235/535/534/538/454, the
 * 12288-octet line limit), RFC 4648 (base64), RFC 3463/5248 (5.7.8,
 * 5.7.9, 5.7.11, 4.7.0), RFC 7628 3.2.3 (the OAuth error challenge).
 *
 * Security notes:
 *  - AUTH is never sent over an unencrypted connection unless the
 *    configuration says "auth_plaintext on" (design.md 6, style.md 22).
 *  - The secret is fetched only once the mechanism is chosen, handed to
 *    sasl.c (which keeps its own copy) and wiped at once.  Every buffer
 *    that held a response, encoded or not, is wiped: our line buffers,
 *    and conn's output buffer after each flush (a line goes to conn in a
 *    single conn_queue() so no reallocation leaves a copy behind).
 *  - The -v transcript goes through smtp_auth_redact(): no response and
 *    no challenge payload is ever shown (style.md 21): replies are read
 *    with smtp_reply_read() in its redacting mode.
 *  - Every failure is TEMPFAIL: an AUTH problem is the administrator's
 *    to fix and mail must wait for it, never bounce.
 *  - Pipelined AUTH (issue 7, RFC 4954 4: only a mechanism that sends
 *    first and finishes in one step, PLAIN or EXTERNAL): the line waits
 *    in conn's output buffer for the first MAIL..DATA group.  Room for
 *    that group is reserved first (conn_reserve) so no reallocation
 *    copies the line, and smtp.c wipes the buffer after the flush.  A
 *    refused pipelined AUTH ends the session before any message data is
 *    sent (smtp.c), so nothing goes out unauthenticated.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "b64.h"
#include "bounds.h"
#include "conn.h"
#include "diag.h"
#include "log.h"
#include "reply.h"
#include "sasl.h"
#include "secret.h"
#include "smtp.h"
#include "smtp_auth.h"
#include "util.h"

/* One exchange. */
struct smtp_auth_x {
	struct smtp_session		*s;
	const struct smtp_auth_params	*a;
	struct sasl_sess		*ss;
	const char			*mech;
	char				*line;	/* AUTH_LINE_MAX + 1, wiped */
	char				*msg;	/* SASL_MSG_MAX + 1, wiped */
	int				 oauth;	/* XOAUTH2 or OAUTHBEARER */
	char				 oautherr[256]; /* OAuth error JSON */
	int				 defer;	/* queue, do not flush */
};

/* An AUTH left queued for the first command group (smtp_auth_finish). */
struct smtp_auth_held {
	struct sasl_sess	*ss;
	char			*user;
	char			*mech;
};

static int	smtp_auth_pick(struct smtp_auth_x *x, struct diag *d);
static int	smtp_auth_send(struct smtp_auth_x *x, const char *verb,
		    const char *data, size_t len, int has_data,
		    struct diag *d);
static int	smtp_auth_read(struct smtp_auth_x *x, struct reply *r,
		    struct diag *d);
static int	smtp_auth_cancel(struct smtp_auth_x *x, struct reply *r);
static int	smtp_auth_loop(struct smtp_auth_x *x, const char *pending,
		    size_t pendlen, struct diag *d);
static int	smtp_auth_challenge(struct smtp_auth_x *x,
		    const struct reply *r, size_t *len);
static void	smtp_auth_refused(struct smtp_auth_x *x,
		    const struct reply *r, struct diag *d);
static void	smtp_auth_text(struct diag *d, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* ================================================================ pure */

int
smtp_auth_list_has(const char *list, const char *name)
{
	size_t n = strlen(name), w;

	while (*list != '\0') {
		while (*list == ' ')
			list++;
		for (w = 0; list[w] != '\0' && list[w] != ' '; w++)
			continue;
		if (w == n && n > 0 && ascii_strncasecmp(list, name, n) == 0)
			return 1;
		list += w;
	}
	return 0;
}

const char *
smtp_auth_choose(const char *offered, const char *usable, const char *forced)
{
	static const char *const pref[] = {
		"SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN",
		NULL
	};
	size_t i;

	if (forced != NULL)
		return smtp_auth_list_has(offered, forced) &&
		    smtp_auth_list_has(usable, forced) ? forced : NULL;
	for (i = 0; pref[i] != NULL; i++)
		if (smtp_auth_list_has(offered, pref[i]) &&
		    smtp_auth_list_has(usable, pref[i]))
			return pref[i];
	return NULL;
}

void
smtp_auth_redact(int from_server, const char *line, size_t len, char *out,
    size_t size)
{
	const char *sp;
	size_t keep;

	if (size == 0)
		return;
	if (from_server) {
		if (len > 4 && memcmp(line, "334", 3) == 0)
			(void)snprintf(out, size, "334 <redacted>");
		else
			(void)snprintf(out, size, "%.*s", (int)len, line);
		return;
	}
	if (len >= 5 && ascii_strncasecmp(line, "AUTH ", 5) == 0) {
		sp = memchr(line + 5, ' ', len - 5);
		keep = sp != NULL ? (size_t)(sp - line) : len;
		(void)snprintf(out, size, "%.*s%s", (int)keep, line,
		    sp != NULL ? " <redacted>" : "");
		return;
	}
	if (len == 0 || (len == 1 && line[0] == '*'))
		(void)snprintf(out, size, "%.*s", (int)len, line);
	else
		(void)snprintf(out, size, "<redacted>");
}

/* ============================================================ exchange */

int
smtp_auth_from_config(struct smtp_auth_params *a, const struct config *cfg)
{
	memset(a, 0, sizeof(*a));
	if (cfg->auth != AUTH_MODE_ON && cfg->auth != AUTH_MODE_MECH)
		return 0;
	a->user = cfg->user;
	a->mech = cfg->auth == AUTH_MODE_MECH ? cfg->auth_mech : NULL;
	a->secret.password = cfg->password;
	a->secret.file = cfg->password_file;
	a->secret.eval = cfg->passwordeval;
	a->secret.timeout = cfg->timeout;
	a->plaintext_ok = cfg->auth_plaintext;
	return 1;
}

/*
 * Queue and flush "verb[ data]" or "data" (base64; "=" for an empty
 * initial response) with its CRLF in one piece; trace it redacted; wipe
 * every copy.  -1 with d set when it does not fit AUTH_LINE_MAX.
 */
static int
smtp_auth_send(struct smtp_auth_x *x, const char *verb, const char *data,
    size_t len, int has_data, struct diag *d)
{
	struct conn *c = &x->s->conn;
	char show[64];
	size_t n = 0, b64len = 0;
	int rc = -1;

	if (verb != NULL) {
		n = strlcpy(x->line, verb, AUTH_LINE_MAX);
		if (has_data)
			x->line[n++] = ' ';
	}
	if (has_data && len == 0 && verb != NULL)
		x->line[n++] = '=';
	else if (has_data && b64_encode(data, len, x->line + n,
	    AUTH_LINE_MAX - 2 - n, &b64len) == -1)
		return diag_temp(d, STAGE_AUTH, "the %s response is too long "
		    "for an SMTP line", x->mech);
	n += b64len;
	smtp_auth_redact(0, x->line, n, show, sizeof(show));
	log_trace("->", show, strlen(show));
	x->line[n++] = '\r';
	x->line[n++] = '\n';
	if (x->defer) {
		/* room for the line and the group that will follow it */
		if (conn_reserve(c, n + PIPELINE_BYTES_MAX +
		    2 * REPLY_LINE_MAX, d) == 0 && conn_queue(c, x->line, n,
		    d) == 0)
			rc = 0;
		else
			x->s->broken = 1;
		explicit_bzero(x->line, AUTH_LINE_MAX + 1);
		return rc;
	}
	if (conn_queue(c, x->line, n, d) == 0 && conn_flush(c, d) == 0)
		rc = 0;
	else
		x->s->broken = 1;
	explicit_bzero(x->line, AUTH_LINE_MAX + 1);
	if (c->out.data != NULL)
		explicit_bzero(c->out.data, c->out.cap);
	return rc;
}

/* Read one reply; the trace shows it redacted.  Malformed: broken. */
static int
smtp_auth_read(struct smtp_auth_x *x, struct reply *r, struct diag *d)
{
	int rc;

	if ((rc = smtp_reply_read(x->s, r, 1, d)) != 1)
		return rc;
	return diag_temp(d, STAGE_AUTH, "%s sent a malformed reply during "
	    "AUTH (%s)", x->s->conn.host, r->error);
}

/* Send "*" (RFC 4954 4) and read the 501; d already says why. */
static int
smtp_auth_cancel(struct smtp_auth_x *x, struct reply *r)
{
	struct diag ignored;

	if (!x->s->broken && smtp_auth_send(x, "*", NULL, 0, 0,
	    &ignored) == 0)
		(void)smtp_auth_read(x, r, &ignored);
	return -1;
}

/* Decode a 334 challenge into x->msg; -1 when malformed. */
static int
smtp_auth_challenge(struct smtp_auth_x *x, const struct reply *r, size_t *len)
{
	const char *text;
	size_t pos = 0, n;

	if (r->nlines != 1 || !reply_next_line(r, &pos, &text, &n))
		return -1;
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	while (n > 0 && *text == ' ') {
		text++;
		n--;
	}
	return b64_decode(text, n, x->msg, SASL_MSG_MAX + 1, len);
}

/* The 334 / 235 loop; pending is an initial response that did not fit
 * on the AUTH line, sent after the first (empty) 334. */
static int
smtp_auth_loop(struct smtp_auth_x *x, const char *pending, size_t pendlen,
    struct diag *d)
{
	struct reply r;
	const char *out;
	size_t inlen, outlen, i, j;
	int rc = -1;

	reply_init(&r);
	for (i = 0; ; i++) {
		if (smtp_auth_read(x, &r, d) == -1)
			break;
		if (r.code == 235) {
			rc = sasl_sess_success(x->ss, d);
			break;
		}
		if (r.code != 334) {
			smtp_auth_refused(x, &r, d);
			break;
		}
		if (i >= AUTH_STEPS_MAX || smtp_auth_challenge(x, &r,
		    &inlen) == -1) {
			(void)diag_temp(d, STAGE_AUTH, "%s sent %s during AUTH "
			    "%s; authentication abandoned", x->s->conn.host,
			    i >= AUTH_STEPS_MAX ? "too many challenges" :
			    "a malformed challenge", x->mech);
			(void)smtp_auth_cancel(x, &r);
			break;
		}
		if (pending != NULL) {
			out = pending;
			outlen = pendlen;
			pending = NULL;
		} else {
			if (sasl_sess_step(x->ss, x->msg, inlen, &out, &outlen,
			    d) == -1) {
				(void)smtp_auth_cancel(x, &r);
				break;
			}
			/* Keep an OAuth error report (JSON) for the message. */
			for (j = 0; x->oauth && j < inlen && j + 1 <
			    sizeof(x->oautherr); j++)
				x->oautherr[j] = (unsigned char)x->msg[j] <
				    0x20 || (unsigned char)x->msg[j] >= 0x7f ?
				    '?' : x->msg[j];
			if (x->oauth)
				x->oautherr[j] = '\0';
		}
		explicit_bzero(x->msg, SASL_MSG_MAX + 1);
		if (smtp_auth_send(x, NULL, out, outlen, 1, d) == -1)
			break;
	}
	reply_free(&r);
	return rc;
}

/* Replace d's text (truncated to fit). */
static void
smtp_auth_text(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(d->text, sizeof(d->text), fmt, ap);
	va_end(ap);
	d->factlen = 0;		/* new facts: diag_advise appends afresh */
}

/*
 * The server refused: the facts in words, the advice from the catalogue
 * (always TEMPFAIL).
 */
static void
smtp_auth_refused(struct smtp_auth_x *x, const struct reply *r,
    struct diag *d)
{
	const char *host = x->s->conn.host, *user = x->a->user, *e = r->enh;
	int oauth = x->oauth, bad_login;
	char code[32];

	(void)diag_smtp(d, STAGE_AUTH, r->code, e[0] != '\0' ? e : NULL,
	    r->text, host);
	d->outcome = OUTCOME_TEMPFAIL;
	d->exitcode = EX_TEMPFAIL;
	(void)snprintf(code, sizeof(code), "%d%s%s", r->code,
	    e[0] != '\0' ? " " : "", e);
	bad_login = r->code == 535 || strcmp(e, "5.7.8") == 0;
	if (bad_login && oauth) {
		smtp_auth_text(d, "%s from %s: the server rejected the OAuth2 "
		    "access token of user %s (%s%s%s); the server said: %s",
		    code, host, user, x->mech, x->oautherr[0] != '\0' ? ": " :
		    "", x->oautherr, r->text);
		(void)diag_advise(d, DC_AUTH_OAUTH_TOKEN, NULL);
		return;
	}
	if (bad_login)
		smtp_auth_text(d, "%s from %s: the server rejected the "
		    "credentials of user %s (the server said: %s)", code, host,
		    user, r->text);
	else if (r->code == 534 || strcmp(e, "5.7.9") == 0 ||
	    strcmp(e, "5.7.14") == 0)
		smtp_auth_text(d, "%s from %s: the server does not let user %s "
		    "log in with %s: %s", code, host, user, x->mech, r->text);
	else if (r->code == 538 || strcmp(e, "5.7.11") == 0)
		smtp_auth_text(d, "%s from %s: the server wants an encrypted "
		    "connection for AUTH %s", code, host, x->mech);
	else if (r->code / 100 == 4)
		smtp_auth_text(d, "%s from %s: temporary authentication "
		    "failure for user %s: %s", code, host, user, r->text);
	else if (r->code == 504 || strcmp(e, "5.5.4") == 0)
		smtp_auth_text(d, "%s from %s: the server does not accept AUTH "
		    "%s: %s", code, host, x->mech, r->text);
	else
		smtp_auth_text(d, "%s from %s: AUTH %s for user %s refused: %s",
		    code, host, x->mech, user, r->text);
	(void)diag_advise(d, r->code >= 400 ? DC_SMTP : DC_PROTOCOL, r->text);
}

int
smtp_auth_finish(struct smtp_session *s, struct diag *d)
{
	struct smtp_auth_held *h = s->auth_held;
	struct smtp_auth_params a;
	struct smtp_auth_x x;
	struct reply r;
	int rc = -1;

	if (h == NULL)
		return 0;
	s->auth_held = NULL;
	memset(&a, 0, sizeof(a));
	a.user = h->user;
	memset(&x, 0, sizeof(x));
	x.s = s;
	x.a = &a;
	x.ss = h->ss;
	x.mech = h->mech;
	conn_stage(&s->conn, STAGE_AUTH);
	reply_init(&r);
	if (smtp_auth_read(&x, &r, d) == 0) {
		if (r.code == 235)
			rc = sasl_sess_success(x.ss, d);
		else
			smtp_auth_refused(&x, &r, d);
	}
	if (rc == 0)
		log_info("authenticated to %s as %s with %s (pipelined)",
		    s->conn.host, h->user, h->mech);
	reply_free(&r);
	s->auth_held = h;
	smtp_auth_drop(s);
	return rc;
}

void
smtp_auth_drop(struct smtp_session *s)
{
	struct smtp_auth_held *h = s->auth_held;

	if (h == NULL)
		return;
	s->auth_held = NULL;
	sasl_sess_free(h->ss);
	freezero_str(h->user);
	free(h->mech);
	free(h);
}

/* Choose the mechanism (d set when there is none). */
static int
smtp_auth_pick(struct smtp_auth_x *x, struct diag *d)
{
	const char *offered = x->s->caps.auth_mechs;
	const char *usable = sasl_sess_mechs(x->ss), *forced = x->a->mech;

	x->mech = smtp_auth_choose(offered, usable, forced);
	if (x->mech != NULL) {
		x->oauth = strcmp(x->mech, "XOAUTH2") == 0 ||
		    strcmp(x->mech, "OAUTHBEARER") == 0;
		return 0;
	}
	if (forced != NULL && !smtp_auth_list_has(offered, forced))
		(void)diag_temp(d, STAGE_AUTH, "%s does not offer AUTH %s (it "
		    "offers: %s)", x->s->conn.host, forced, offered);
	else if (forced != NULL) {
		(void)diag_temp(d, STAGE_AUTH, "the SASL library cannot do "
		    "%s (it can do: %s); install libsasl2-modules (plugins "
		    "from %s)", forced, usable, sasl_plugin_dir());
		diag_set_class(d, DC_AUTH_NO_MECH);
		return -1;
	} else
		(void)diag_temp(d, STAGE_AUTH, "no AUTH mechanism in common "
		    "with %s: it offers %s, sendsmtp can use %s",
		    x->s->conn.host, offered, usable);
	return diag_advise(d, DC_AUTH_NO_MECH, NULL);
}

int
smtp_auth(struct smtp_session *s, const struct smtp_auth_params *a,
    int encrypted, struct diag *d)
{
	struct smtp_auth_x x;
	const char *ir, *user = a->user != NULL ? a->user : "";
	char *secret = NULL, *pending = NULL, verb[8 + SASL_MECH_NAME_MAX];
	size_t irlen, pendlen = 0;
	int has_ir, rc = -1;

	conn_stage(&s->conn, STAGE_AUTH);
	if (!s->esmtp || !s->caps.auth || s->caps.auth_mechs[0] == '\0') {
		(void)diag_temp(d, STAGE_AUTH, "%s does not offer AUTH, but "
		    "the configuration authenticates as user %s", s->conn.host,
		    user);
		return diag_advise(d, DC_AUTH_NOT_OFFERED, NULL);
	}
	if (!encrypted && !a->plaintext_ok) {
		(void)diag_temp(d, STAGE_AUTH, "refusing to send the "
		    "credentials of user %s to %s over an unencrypted "
		    "connection", user, s->conn.host);
		return diag_advise(d, DC_AUTH_PLAINTEXT, NULL);
	}
	memset(&x, 0, sizeof(x));
	x.s = s;
	x.a = a;
	if (sasl_sess_new(&x.ss, s->conn.host, user, d) == -1)
		return -1;
	if (smtp_auth_pick(&x, d) == -1)
		goto out;
	if (secret_load(&a->secret, &secret, d) == -1) {
		diag_set_class(d, DC_AUTH_SECRET);
		goto out;
	}
	sasl_sess_set_secret(x.ss, secret);
	freezero_str(secret);
	x.line = xmalloc(AUTH_LINE_MAX + 1);
	x.msg = xmalloc(SASL_MSG_MAX + 1);
	if (sasl_sess_start(x.ss, x.mech, &ir, &irlen, &has_ir, d) == -1)
		goto out;
	(void)snprintf(verb, sizeof(verb), "AUTH %s", x.mech);
	/* RFC 4954 4: an initial response that does not fit the line is
	 * sent after an empty 334 instead. */
	if (has_ir && strlen(verb) + 1 + (irlen + 2) / 3 * 4 + 2 >
	    AUTH_LINE_MAX) {
		pending = xmalloc(irlen + 1);
		memcpy(pending, ir, irlen);
		pendlen = irlen;
		has_ir = 0;
	}
	x.defer = s->auth_defer && s->caps.pipelining && has_ir &&
	    (strcmp(x.mech, "PLAIN") == 0 || strcmp(x.mech, "EXTERNAL") == 0);
	if (smtp_auth_send(&x, verb, ir, irlen, has_ir, d) == -1)
		goto out;
	if (x.defer) {
		s->auth_held = xcalloc(1, sizeof(*s->auth_held));
		s->auth_held->ss = x.ss;
		s->auth_held->user = xstrdup(user);
		s->auth_held->mech = xstrdup(x.mech);
		x.ss = NULL;
		rc = 0;
		goto out;
	}
	rc = smtp_auth_loop(&x, pending, pendlen, d);
	if (rc == 0)
		log_info("authenticated to %s as %s with %s", s->conn.host,
		    user, x.mech);
out:
	if (pending != NULL) {
		explicit_bzero(pending, pendlen);
		free(pending);
	}
	if (x.line != NULL) {
		explicit_bzero(x.line, AUTH_LINE_MAX + 1);
		free(x.line);
	}
	if (x.msg != NULL) {
		explicit_bzero(x.msg, SASL_MSG_MAX + 1);
		free(x.msg);
	}
	sasl_sess_free(x.ss);
	return rc;
}
