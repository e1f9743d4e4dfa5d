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
};

/* Prepare ds for cfg (no connection yet; cfg must outlive ds). */
void	 deliver_session_init(struct deliver_session *ds,
	    const struct config *cfg);

/*
 * Send env + m like deliver_message() over ds's connection: connect on
 * first use, RSET between messages (smtp.c), reconnect after the server
 * dropped the connection, and after DELIVER_SESSION_MSGS_MAX messages.
 * When the previous message left a reused connection dead and this
 * message fails before any recipient was accepted (RSET/MAIL stage), it
 * is retried once on a new connection (nothing of it reached DATA, so no
 * duplicate is possible).  When connecting fails, ds is marked down: this
 * and every later message fail at once with the same TEMPFAIL diag, so a
 * dead smarthost costs one timeout per run, not one per message.
 * Returns the outcome as deliver_message().
 */
enum outcome deliver_session_message(struct deliver_session *ds,
	    struct envelope *env, struct msg *m, struct diag *d);

/* QUIT (or close) the connection, if any; ds may be reused after init. */
void	 deliver_session_end(struct deliver_session *ds);

#endif /* SENDSMTP_DELIVER_H */
