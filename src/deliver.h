/*
 * deliver.h - delivery attempts of messages to the smarthost.
 *
 * The same path serves the first attempt (hybrid submission) and queue
 * retries: deliver_message() is one message over its own connection;
 * a deliver_session carries several messages over one connection (the
 * queue runner), reconnecting when the server drops it.
 */
#ifndef SENDSMTP_DELIVER_H
#define SENDSMTP_DELIVER_H

#include "config.h"
#include "diag.h"
#include "envelope.h"
#include "msg.h"
#include "smtp.h"

/*
 * Connect to cfg's smarthost, send env + m, QUIT.  Every PENDING
 * recipient ends DONE, TEMPFAIL or PERMFAIL (with code and reply text).
 * Recipients refused with 452 (too many recipients, RFC 5321 4.5.3.1.10)
 * while others of the same transaction were accepted are sent again in
 * further transactions over the same connection.
 * Returns the message outcome: OK when every recipient is DONE, PERMFAIL
 * when none is DONE and at least one is PERMFAIL with no TEMPFAIL,
 * TEMPFAIL otherwise; d describes the first failure that decided it.
 */
enum outcome deliver_message(const struct config *cfg, struct envelope *env,
	    struct msg *m, struct diag *d);

/*
 * The account's connection settings as smtp.c and tls.c take them: host,
 * port, timeout, EHLO name, TLS mode and tc (p->tls_cfg points to tc;
 * smtp_open copies it; the strings belong to cfg), the spool as the TLS
 * session cache (p->tls_cache), and AUTH pipelined where the server
 * allows it (p->pipeline_auth).  p->auth is NULL.
 */
void	 deliver_params(const struct config *cfg, struct smtp_params *p,
	    struct tls_config *tc);

/* A connection reused for several messages (the queue runner). */
struct deliver_session {
	const struct config	*cfg;
	struct smtp_session	 s;
	int			 open;		/* s is connected */
	int			 down;		/* connect failed: fail
						 * every later message */
	struct diag		 down_diag;	/* why */
	unsigned		 msgs;		/* messages on this
						 * connection */
	unsigned		 connects;	/* connections made */
	/* For the attempt's log line, set by the caller before each
	 * message (deliver_message leaves them unset): */
	const char		*qid;		/* queue ID, NULL = "NOQUEUE" */
	long long		 arrival;	/* when the message came (epoch
						 * seconds), 0 = now */
};

/* Prepare ds for cfg (no connection yet; cfg must outlive ds). */
void	 deliver_session_init(struct deliver_session *ds,
	    const struct config *cfg);

/*
 * Send env + m like deliver_message() over ds's connection: connect on
 * first use, RSET between messages (smtp.c), reconnect after
 * the server
 * dropped the connection, and after DELIVER_SESSION_MSGS_MAX messages.
 * When the previous message left a reused connection dead and this
 * message fails before any recipient was accepted (RSET/MAIL stage), it
 * is retried once on a new connection (nothing of it reached DATA, so no
 * duplicate is possible).  When connecting fails, ds is marked down: this
 * and every later message fail at once with the same TEMPFAIL diag, so a
 * dead smarthost costs one timeout per run, not one per message.
 * Returns the outcome as deliver_message().
 *
 * Every attempt ends here, so this is where its one log line is written
 * (log_info, design issue 6): greppable key=value pairs, values with
 * spaces or quotes double-quoted with \" and \\ escapes:
 *   id=QID from=<s> to=<a>,<b> nrcpt=2 size=N relay=host:port
 *   delay=SECONDS result=sent|deferred|refused|partial
 *   [reply="250 2.0.0 Ok"] [diag="cause; catalogue advice"]
 * reply is the server's answer for the recipients (the success, else the
 * first failure); diag is d's text, the same line stderr and mailq show.
 */
enum outcome deliver_session_message(struct deliver_session *ds,
	    struct envelope *env, struct msg *m, struct diag *d);

/*
 * deliver_session_message() with cross-message pipelining (the queue
 * runner, issue 7): when the server offers PIPELINING and accepts every
 * recipient, the message's final dot is left to share a write with the
 * next message's MAIL/RCPT/DATA, so each message costs one round trip.
 * done(arg, outcome, d) runs exactly once with what
 * deliver_session_message() would have returned (the log line written,
 * env's recipients settled): before this returns, or later from inside
 * the next deliver_session_submit(), deliver_session_flush() or
 * deliver_session_end().  env and m must stay valid (and the entry
 * locked) until then; ds->qid and ds->arrival are copied now.
 */
void	 deliver_session_submit(struct deliver_session *ds,
	    struct envelope *env, struct msg *m,
	    void (*done)(void *, enum outcome, const struct diag *),
	    void *arg);

/* Settle the message still waiting for its reply, if any (runs done). */
void	 deliver_session_flush(struct deliver_session *ds);

/*
 * Append v to b as a log value: as is when it holds no space, quote,
 * backslash or '=', else double-quoted with \" and \\; control bytes
 * become '?'.  NULL or "" gives "".  Returns 0, or -1 when b is full.
 */
int	 deliver_log_value(struct buf *b, const char *v);

/*
 * QUIT (or close) the connection, if any, after settling a message still
 * waiting for its reply; ds may be reused after init.
 */
void	 deliver_session_end(struct deliver_session *ds);

#endif /* SENDSMTP_DELIVER_H */
