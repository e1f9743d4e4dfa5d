/*
 * smtpd.c - the -bs dialogue: SMTP server side on two fds (smtpd.h).
 *
 * Implements the server half of RFC 5321 (3.3 transactions, 4.1.1
 * commands, 4.1.1.4 DATA with 4.5.2 dot-unstuffing, 4.2 replies, 4.5.3
 * limits), RFC 2920 (PIPELINING: replies are flushed only when no more
 * input is buffered), RFC 1870, 6152, 6531, 3461 and 2034 (enhanced
 * status codes) for what EHLO announces.
 *
 * One transaction at a time: MAIL resolves the sender through the
 * account's sender policy, RCPT resolves each recipient (aliases and
 * qualification) into the envelope, DATA streams the unstuffed text into
 * msg.c's intake, and the end of data relays through submit_message().
 * The reply to the final dot is 250 only when the message was delivered
 * or durably queued; a refusal of every recipient gives the smarthost's
 * 5xx, a failure to deliver or queue 451.
 *
 * Security: stdout carries nothing but replies (diagnostics go to
 * stderr and the log).  Command lines are bounded (SMTPD_LINE_MAX), so
 * are commands and errors per session; the data is never held in
 * memory (it streams into the spool's temp file), and a message that
 * fails intake is read to its end and refused, so the dialogue never
 * loses its place.  No AUTH, no STARTTLS: the peer is the local caller,
 * who is who sysid says.
 */
#include "compat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "envelope.h"
#include "log.h"
#include "msg.h"
#include "policy.h"
#include "smtpd.h"
#include "submit.h"
#include "util.h"

/* Where the unstuffer is within the data (RFC 5321 4.5.2). */
enum data_state { DS_BOL, DS_MID, DS_DOT, DS_DOTCR, DS_END };

struct smtpd {
	const struct smtpd_ctx	*x;
	struct diag		*d;
	char			 in[IO_CHUNK];
	size_t			 ioff, ilen;
	int			 eof;
	char			 out[4096];
	size_t			 olen;
	int			 werr;
	struct envelope		 env;
	int			 have_mail;
	unsigned long		 ncmds, nerrs;
};

static int	 sd_fill(struct smtpd *s);
static int	 sd_flush(struct smtpd *s);
static void	 sd_reply(struct smtpd *s, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static int	 sd_line(struct smtpd *s, char *line, size_t *len);
static void	 sd_reset(struct smtpd *s);
static void	 sd_ehlo(struct smtpd *s, const struct smtpd_cmd *c);
static void	 sd_mail(struct smtpd *s, const struct smtpd_cmd *c);
static void	 sd_rcpt(struct smtpd *s, const struct smtpd_cmd *c);
static int	 sd_data(struct smtpd *s);
static int	 sd_unstuff(struct smtpd *s, struct msg_in *in,
		    enum data_state *st);
static void	 sd_deliver(struct smtpd *s, struct msg *m);
static int	 sd_command(struct smtpd *s, const char *line, size_t len);

/* Read more input; flush our replies first (pipelining).  0 at EOF. */
static int
sd_fill(struct smtpd *s)
{
	ssize_t n;

	if (sd_flush(s) == -1)
		return -1;
	if (s->ioff == s->ilen)
		s->ioff = s->ilen = 0;
	for (;;) {
		n = read(s->x->infd, s->in + s->ilen, sizeof(s->in) - s->ilen);
		if (n >= 0)
			break;
		if (errno != EINTR)
			return diag_set(s->d, EX_IOERR, "-bs: cannot read the "
			    "SMTP dialogue from standard input: %s",
			    strerror(errno));
	}
	if (n == 0)
		s->eof = 1;
	s->ilen += (size_t)n;
	return (int)(n > 0);
}

static int
sd_flush(struct smtpd *s)
{
	size_t off = 0;
	ssize_t n;

	while (off < s->olen && !s->werr) {
		n = write(s->x->outfd, s->out + off, s->olen - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			s->werr = 1;
		else
			off += (size_t)n;
	}
	s->olen = 0;
	if (s->werr)
		return diag_set(s->d, EX_IOERR, "-bs: cannot write SMTP "
		    "replies to standard output: %s", strerror(errno));
	return 0;
}

/* One reply line; CRLF added.  Text is cut to fit one line. */
static void
sd_reply(struct smtpd *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	size_t n, i;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	n = strlen(line);
	for (i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';	/* no line break in a reply */
	memcpy(line + n, "\r\n", 2);
	n += 2;
	if (s->olen + n > sizeof(s->out) && sd_flush(s) == -1)
		return;
	memcpy(s->out + s->olen, line, n);
	s->olen += n;
}

/*
 * The next command line without its line end.  Returns 1 with the line,
 * 0 at end of input, 2 when the line was too long (skipped), -1 on error.
 */
static int
sd_line(struct smtpd *s, char *line, size_t *len)
{
	size_t n = 0;
	int toolong = 0, rc;

	for (;;) {
		while (s->ioff < s->ilen) {
			char ch = s->in[s->ioff++];

			if (ch == '\n') {
				if (n > 0 && line[n - 1] == '\r')
					n--;
				*len = n;
				return toolong ? 2 : 1;
			}
			if (n < SMTPD_LINE_MAX + 1)
				line[n++] = ch;
			else
				toolong = 1;
		}
		if (s->eof)
			return 0;
		rc = sd_fill(s);
		if (rc == -1)
			return -1;
	}
}

static void
sd_reset(struct smtpd *s)
{
	envelope_free(&s->env);
	envelope_init(&s->env);
	s->have_mail = 0;
}

static void
sd_ehlo(struct smtpd *s, const struct smtpd_cmd *c)
{
	const char *me = s->x->hostname;

	sd_reset(s);
	if (c->arg[0] == '\0') {
		sd_reply(s, "501 5.5.4 syntax: %s hostname", c->verb ==
		    SMTPD_EHLO ? "EHLO" : "HELO");
		return;
	}
	if (c->verb == SMTPD_HELO) {
		sd_reply(s, "250 %s", me);
		return;
	}
	sd_reply(s, "250-%s", me);
	sd_reply(s, "250-PIPELINING");
	sd_reply(s, "250-SIZE");
	sd_reply(s, "250-8BITMIME");
	sd_reply(s, "250-SMTPUTF8");
	sd_reply(s, "250-DSN");
	sd_reply(s, "250-ENHANCEDSTATUSCODES");
	sd_reply(s, "250 HELP");
}

static void
sd_mail(struct smtpd *s, const struct smtpd_cmd *c)
{
	struct diag d;
	char *sender;

	if (s->have_mail) {
		sd_reply(s, "503 5.5.1 nested MAIL command");
		return;
	}
	if (policy_sender(s->x->pol, c->path, s->x->login, &sender,
	    &d) == -1) {
		sd_reply(s, "501 5.1.7 %s", d.text);
		return;
	}
	sd_reset(s);
	envelope_set_sender(&s->env, sender);
	free(sender);
	s->env.body = c->body;
	s->env.ret = c->ret;
	s->env.smtputf8 = c->smtputf8;
	if (c->envid[0] != '\0')
		s->env.envid = xstrdup(c->envid);
	s->have_mail = 1;
	sd_reply(s, "250 2.1.0 Ok");
}

static void
sd_rcpt(struct smtpd *s, const struct smtpd_cmd *c)
{
	struct diag d;
	size_t before = s->env.nrcpts;

	if (!s->have_mail) {
		sd_reply(s, "503 5.5.1 need MAIL before RCPT");
		return;
	}
	if (s->env.nrcpts >= RCPT_MAX) {
		sd_reply(s, "452 4.5.3 too many recipients");
		return;
	}
	if (policy_add_rcpts(s->x->pol, c->path, strlen(c->path), &s->env,
	    &d) == -1) {
		if (d.exitcode == EX_CONFIG)
			sd_reply(s, "451 4.3.5 %s", d.text);
		else
			sd_reply(s, "550 5.1.3 %s", d.text);
		return;
	}
	/* RFC 3461: NOTIFY is per recipient; the envelope keeps one set */
	if (c->notify != 0)
		s->env.notify = c->notify;
	(void)before;
	sd_reply(s, "250 2.1.5 Ok");
}

/*
 * Feed the buffered input through the unstuffer into in until the end
 * of data or the end of what is buffered.  Returns 1 at the final dot.
 */
static int
sd_unstuff(struct smtpd *s, struct msg_in *in, enum data_state *st)
{
	char chunk[IO_CHUNK];
	size_t n = 0;

	while (s->ioff < s->ilen && *st != DS_END) {
		char ch = s->in[s->ioff++];

		switch (*st) {
		case DS_BOL:
			if (ch == '.') {
				*st = DS_DOT;
				continue;
			}
			*st = ch == '\n' ? DS_BOL : DS_MID;
			break;
		case DS_DOT:
			if (ch == '\r') {
				*st = DS_DOTCR;
				continue;
			}
			if (ch == '\n') {
				*st = DS_END;
				continue;
			}
			*st = DS_MID;	/* the stuffed dot is dropped */
			break;
		case DS_DOTCR:
			if (ch == '\n') {
				*st = DS_END;
				continue;
			}
			chunk[n++] = '\r';
			*st = DS_MID;
			break;
		case DS_MID:
		default:
			if (ch == '\n')
				*st = DS_BOL;
			break;
		}
		chunk[n++] = ch;
		if (n >= sizeof(chunk) - 1) {
			if (in != NULL && msg_push(in, chunk, n) == -1)
				in = NULL;
			n = 0;
		}
	}
	if (n > 0 && in != NULL)
		(void)msg_push(in, chunk, n);
	return *st == DS_END;
}

/* Relay the finished message and give the reply to the final dot. */
static void
sd_deliver(struct smtpd *s, struct msg *m)
{
	struct submit_result sr;
	struct diag d;
	size_t i;

	if (submit_message(s->x->cfg, &s->x->so, &s->env, m, &sr,
	    &d) == -1) {
		log_warnx("%s", d.text);
		sd_reply(s, "451 4.3.0 %s", d.text);
		return;
	}
	if (envelope_count(&s->env, RCPT_PERMFAIL) < s->env.nrcpts ||
	    sr.queued) {
		if (sr.queued)
			sd_reply(s, "250 2.0.0 Ok: queued as %s", sr.id);
		else
			sd_reply(s, "250 2.0.0 Ok: delivered");
		return;
	}
	/* every recipient refused: the smarthost's answer is ours */
	for (i = 0; i < s->env.nrcpts; i++) {
		const struct rcpt *rc = &s->env.rcpts[i];
		char enh[16];

		if (rc->state != RCPT_PERMFAIL)
			continue;
		diag_enh_of_text(rc->reply, enh, sizeof(enh));
		log_warnx("<%s> refused: %s", rc->addr, rc->reply != NULL ?
		    rc->reply : "permanent failure");
		sd_reply(s, "%d %s%s", rc->code >= 500 && rc->code <= 599 ?
		    rc->code : 554, enh[0] != '\0' ? "" : "5.0.0 ",
		    rc->reply != NULL ? rc->reply : "refused by the smarthost");
		return;
	}
	sd_reply(s, "554 5.0.0 %s", sr.attempt.text);
}

static int
sd_data(struct smtpd *s)
{
	const struct smtpd_ctx *x = s->x;
	struct msg_opts mo;
	struct msg_in *in;
	struct msg m;
	struct diag d;
	enum data_state st = DS_BOL;

	if (!s->have_mail || s->env.nrcpts == 0) {
		sd_reply(s, s->have_mail ? "554 5.5.1 no valid recipients" :
		    "503 5.5.1 need MAIL and RCPT before DATA");
		return 0;
	}
	memset(&mo, 0, sizeof(mo));
	mo.ignore_dots = 1;		/* the final dot is ours to find */
	mo.fullname = x->fullname;
	mo.sender = s->env.sender;
	mo.domain = x->pol->actx.domain;
	mo.now = time(NULL);
	mo.local = &x->pol->actx;
	mo.aliases = &x->pol->aliases;
	mo.from_rewrite = policy_header_from(x->pol);
	in = msg_begin(x->tmpdir, &mo, &m, &s->env, &d);
	if (in == NULL) {
		log_warnx("%s", d.text);
		sd_reply(s, "451 4.3.0 %s", d.text);
		return 0;
	}
	sd_reply(s, "354 End data with <CR><LF>.<CR><LF>");
	while (!sd_unstuff(s, in, &st)) {
		if (s->eof || sd_fill(s) <= 0) {
			/* the caller went away mid-message: nothing sent */
			if (msg_end(in) == 0)
				msg_discard(&m);
			s->eof = 1;
			return 0;
		}
	}
	if (msg_end(in) == -1) {
		log_warnx("%s", d.text);
		sd_reply(s, "%s %s", d.exitcode == EX_DATAERR ? "554 5.6.0" :
		    "451 4.3.0", d.text);
	} else {
		sd_deliver(s, &m);
		msg_discard(&m);
	}
	sd_reset(s);
	return 0;
}

/* One command; 1 after QUIT, 0 to go on, -1 to close. */
static int
sd_command(struct smtpd *s, const char *line, size_t len)
{
	struct smtpd_cmd *c = xmalloc(sizeof(*c));
	char err[256];
	int code, rc = 0;

	code = smtpd_parse(line, len, c, err, sizeof(err));
	if (code != 0) {
		sd_reply(s, "%d %s", code, err);
		s->nerrs++;
		free(c);
		return 0;
	}
	switch (c->verb) {
	case SMTPD_HELO:
	case SMTPD_EHLO:
		sd_ehlo(s, c);
		break;
	case SMTPD_MAIL:
		sd_mail(s, c);
		break;
	case SMTPD_RCPT:
		sd_rcpt(s, c);
		break;
	case SMTPD_DATA:
		if (c->arg[0] != '\0')
			sd_reply(s, "501 5.5.4 DATA takes no argument");
		else
			rc = sd_data(s);
		break;
	case SMTPD_RSET:
		sd_reset(s);
		sd_reply(s, "250 2.0.0 Ok");
		break;
	case SMTPD_NOOP:
		sd_reply(s, "250 2.0.0 Ok");
		break;
	case SMTPD_VRFY:
		sd_reply(s, "252 2.5.2 cannot verify the user, but will "
		    "accept the message and attempt delivery");
		break;
	case SMTPD_HELP:
		sd_reply(s, "214 2.0.0 commands: HELO EHLO MAIL RCPT DATA "
		    "RSET NOOP VRFY QUIT HELP");
		break;
	case SMTPD_QUIT:
		sd_reply(s, "221 2.0.0 Bye");
		rc = 1;
		break;
	default:
		/* EXPN, STARTTLS, AUTH, BDAT: not offered */
		sd_reply(s, "502 5.5.1 command not implemented");
		s->nerrs++;
		break;
	}
	free(c);
	return rc;
}

int
smtpd_run(const struct smtpd_ctx *x, struct diag *d)
{
	struct smtpd *s = xcalloc(1, sizeof(*s));
	char *line = xmalloc(SMTPD_LINE_MAX + 2);
	size_t len;
	int rc = 0, got;

	s->x = x;
	s->d = d;
	envelope_init(&s->env);
	sd_reply(s, "220 %s ESMTP sendsmtp", x->hostname);
	while (rc == 0 && !s->werr) {
		got = sd_line(s, line, &len);
		if (got <= 0) {
			rc = got;
			break;
		}
		if (++s->ncmds > SMTPD_CMDS_MAX ||
		    s->nerrs >= SMTPD_ERRORS_MAX) {
			sd_reply(s, "421 4.7.0 too many %s; closing",
			    s->nerrs >= SMTPD_ERRORS_MAX ? "errors" :
			    "commands");
			rc = diag_set(d, EX_PROTOCOL, "-bs: session closed "
			    "after too many %s", s->nerrs >= SMTPD_ERRORS_MAX ?
			    "errors" : "commands");
			break;
		}
		if (got == 2) {
			sd_reply(s, "500 5.5.2 line too long");
			s->nerrs++;
			continue;
		}
		rc = sd_command(s, line, len);
		if (rc == 0 && s->eof && s->ioff == s->ilen)
			break;
	}
	if (rc == 1)
		rc = 0;
	if (sd_flush(s) == -1)
		rc = -1;
	envelope_free(&s->env);
	free(line);
	free(s);
	return rc;
}
