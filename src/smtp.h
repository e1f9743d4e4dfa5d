/*
 * smtp.h - the SMTP client: one session with the smarthost, any number
 * of transactions over it (deliver.c sends one; the queue runner may send
 * several).
 *
 *	smtp_open()      connect, greeting, EHLO (HELO fallback)
 *	smtp_send()      MAIL, RCPT..., DATA, body: per-recipient results
 *	smtp_quit()      QUIT without waiting for the reply, close
 *	smtp_close()     close without QUIT (after a failure)
 *
 * TLS (tls.c) happens inside smtp_open(): implicit TLS before the
 * greeting, or STARTTLS after the first EHLO followed by a second EHLO.
 * A later issue adds AUTH there too.
 * The pure pieces (command builders, the dot-stuffing filter, the EHLO
 * name choice; smtp_cmd.c) are public so unit tests and fuzzers can
 * reach them.
 */
#ifndef SENDSMTP_SMTP_H
#define SENDSMTP_SMTP_H

#include <sys/types.h>
#include <stddef.h>

#include "bounds.h"
#include "buf.h"
#include "conn.h"
#include "diag.h"
#include "envelope.h"
#include "reply.h"
#include "tls.h"

struct smtp_auth_params;		/* smtp_auth.h */
struct smtp_txn;			/* smtp.c: one transaction */
struct smtp_auth_held;			/* smtp_auth.c: pipelined AUTH */

/* How the session is protected (style.md 22; config's enum tls_mode). */
enum smtp_tls {
	SMTP_TLS_NONE = 0,	/* plaintext ("tls off") */
	SMTP_TLS_STARTTLS,	/* RFC 3207, required: never falls back */
	SMTP_TLS_SMTPS		/* RFC 8314 implicit TLS */
};

struct smtp_params {
	const char	*host;		/* smarthost name or address */
	int		 port;
	int		 timeout;	/* seconds per stage; <= 0 means 60 */
	const char	*helo;		/* EHLO name; NULL = this host's FQDN */
	enum smtp_tls	 tls;		/* zero: plaintext */
	const struct tls_config *tls_cfg; /* required unless SMTP_TLS_NONE;
					 * copied by smtp_open (its strings
					 * must outlive the session) */
	/* AUTH after (TLS and) EHLO, before MAIL; NULL = none.  Used only
	 * during smtp_open (smtp_auth.h). */
	const struct smtp_auth_params *auth;
	/* --check: the server's certificate chain and its verification
	 * are recorded here, even when the handshake fails; NULL = no. */
	struct tls_chain *tls_chain;
	/* TLS session resumption across invocations (issue 7): the spool
	 * directory whose tls-cache/ holds the session of the last
	 * connection to host:port (tlscache.h); NULL = no cache.  Ignored
	 * with tls_chain (--check must see the certificate). */
	const char	*tls_cache;
	/* RFC 4954 4: AUTH PLAIN (or EXTERNAL) with its initial response
	 * may be pipelined; with PIPELINING offered, smtp_open() leaves it
	 * queued so it shares the first MAIL..DATA write (one round trip
	 * less) and smtp_send() reads its reply first (smtp_auth_finish). */
	int		 pipeline_auth;
};

struct smtp_session {
	struct conn	 conn;
	char		 helo[HELO_NAME_MAX + 1];
	const char	*helo_cfg;	/* params->helo (not owned) */
	const struct smtp_auth_params *auth; /* params->auth, during open */
	struct ehlo_caps caps;
	int		 esmtp;		/* EHLO accepted (else HELO) */
	int		 broken;	/* connection unusable: no more I/O */
	int		 need_rset;	/* the server may hold an open MAIL */
	int		 warned_dsn;	/* "no DSN" said once per session */
	/* TLS (tls.c): */
	enum smtp_tls	 tls_mode;
	struct tls_config tls_cfg;	/* copy of params->tls_cfg */
	struct tls_ctx	*tls_ctx;	/* owned; freed by smtp_close() */
	struct tls_session *tls;	/* owned by conn's transport: valid
					 * while conn.fd != -1 */
	struct tls_chain *tls_chain;	/* params->tls_chain (not owned) */
	char		 banner[128];	/* first line of the greeting */
	int		 tls_active;	/* 1 once the handshake succeeded and
					 * the server was verified: from here
					 * every byte is encrypted.  AUTH must
					 * check it (auth_plaintext). */
	const char	*tls_cache;	/* params->tls_cache (not owned) */
	int		 pipeline_auth;	/* params->pipeline_auth */
	int		 auth_defer;	/* smtp_auth may leave AUTH queued */
	struct smtp_auth_held *auth_held; /* that AUTH, reply unread */
	int		 tls_resumed;	/* the cached session was resumed */
	/* Cross-message pipelining (smtp_send_async): the transaction
	 * whose final dot is queued or sent but whose reply is unread. */
	struct smtp_txn	*held;
	void		(*held_done)(void *, int, const struct diag *);
	void		*held_arg;
};

/*
 * Connect to p->host:p->port and greet: read the 220 banner, send EHLO
 * (HELO when EHLO gets 500 or 502), record the extensions.  With
 * SMTP_TLS_SMTPS the TLS handshake comes first; with SMTP_TLS_STARTTLS
 * the first EHLO is followed by STARTTLS, the handshake and a second
 * EHLO whose extensions replace the first ones.  Returns 0 (then
 * s->tls_active is 1 unless p->tls is SMTP_TLS_NONE), or -1 with d set:
 * connection/DNS trouble, 4xx/5xx at greeting, EHLO or STARTTLS, STARTTLS
 * not offered, plaintext injected after the STARTTLS reply, and every
 * TLS failure (tls_start) are TEMPFAIL (design.md 3).  Nothing but EHLO
 * and STARTTLS is ever sent in clear in the TLS modes.  Call smtp_close()
 * or smtp_quit() afterwards in every case.
 */
int	 smtp_open(struct smtp_session *s, const struct smtp_params *p,
	    struct diag *d);

/*
 * smtp_open() in steps, for --check (check.c), which reports each one:
 *	smtp_connect()  resolve and connect (no byte read yet);
 *	smtp_greet()    implicit TLS for SMTP_TLS_SMTPS, the banner (kept
 *	                in s->banner), EHLO or HELO;
 *	smtp_secure()   for SMTP_TLS_STARTTLS: STARTTLS, the handshake and
 *	                EHLO again (0 at once in the other modes);
 * then smtp_auth() (smtp_auth.h) when wanted.  p->auth is ignored by the
 * steps.  Each returns 0 or -1 with d set as smtp_open() would; call
 * smtp_quit() or smtp_close() in every case.
 */
int	 smtp_connect(struct smtp_session *s, const struct smtp_params *p,
	    struct diag *d);
int	 smtp_greet(struct smtp_session *s, struct diag *d);
int	 smtp_secure(struct smtp_session *s, struct diag *d);

/* Same over an already connected socket (tests); s owns fd from now on. */
int	 smtp_open_fd(struct smtp_session *s, int fd,
	    const struct smtp_params *p, struct diag *d);

/*
 * One transaction for every RCPT_PENDING recipient of env: the message is
 * read from fd (from offset 0; size bytes, CRLF line ends) and sent
 * dot-stuffed.  With PIPELINING, MAIL, the RCPTs and DATA leave in one
 * write.  Each attempted recipient ends DONE, TEMPFAIL or PERMFAIL with
 * its code and "enh text" reply (envelope_rcpt_set).
 *
 * Returns 0 when the transaction reached its end (whatever each
 * recipient's fate), -1 when it failed as a whole (MAIL refused, message
 * too big for the server, SMTPUTF8 needed but not offered, connection
 * lost or timed out).  Either way d describes the failure that decides
 * the message: the first temporary one if any recipient is TEMPFAIL,
 * else the first permanent one; cleared when every recipient is DONE.
 * After a lost connection s->broken is set.
 */
int	 smtp_send(struct smtp_session *s, struct envelope *env, int fd,
	    off_t size, struct diag *d);

/*
 * Cross-message pipelining (RFC 2920 3.1: the end of one message's data
 * may share a write with the next MAIL, RCPT... and DATA), for the queue
 * runner.  Like smtp_send(), except that when the server offers
 * PIPELINING and every recipient was accepted, the body and final dot
 * are queued but neither flushed nor answered: smtp_send_async() returns
 * 1 and the transaction is "held".  Its reply is read, and
 * done(arg, rc, d) called with what smtp_send() would have returned
 * (env's recipients then settled), from whichever comes first: the next
 * smtp_send/smtp_send_async (after it flushed its own MAIL/RCPT/DATA
 * group, so both share one write and one round trip), smtp_settle(),
 * smtp_quit() or smtp_close() (then TEMPFAIL: the connection went before
 * the server confirmed; the message may have arrived, RFC 5321 6.1).
 * env must stay valid until then; fd is no longer read.  Otherwise
 * returns 0 or -1 exactly as smtp_send() and never calls done.
 * At most one transaction is held.
 */
int	 smtp_send_async(struct smtp_session *s, struct envelope *env, int fd,
	    off_t size, void (*done)(void *, int, const struct diag *),
	    void *arg, struct diag *d);

/* Flush and read the held transaction's reply now, if any (runs done). */
void	 smtp_settle(struct smtp_session *s);

/*
 * --check: MAIL FROM:<env->sender> (no parameters) and RCPT TO for each
 * recipient, one at a time, then RSET: no DATA, so nothing is sent.
 * Each recipient ends DONE (accepted), TEMPFAIL or PERMFAIL with its
 * reply.  Returns 0 when MAIL and every RCPT got 2xx, else -1 with d the
 * first refusal (classified as in smtp_send) or the connection failure.
 */
int	 smtp_try_envelope(struct smtp_session *s, struct envelope *env,
	    struct diag *d);

/*
 * Settle a held transaction (smtp_settle), then send QUIT (without
 * waiting for 221) unless broken, then close.  Under
 * TLS with p->tls_cache set, the session's resumption data (a TLS 1.3
 * ticket arrives after the handshake, so this is the moment) is saved
 * first for the next connection to the same host and port.
 */
void	 smtp_quit(struct smtp_session *s);
/*
 * Close the connection at once, free the TLS state; idempotent.  A held
 * transaction fails (TEMPFAIL) and its done runs first.
 */
void	 smtp_close(struct smtp_session *s);

/*
 * The EHLO name: domain when it is a valid name or address literal, else
 * this host's FQDN (gethostname, then getaddrinfo AI_CANONNAME), else an
 * address literal of the local end of fd ("[192.0.2.1]", "[IPv6:...]";
 * fd may be -1), else "localhost".  out gets at most size bytes.
 */
void	 smtp_helo_name(const char *domain, int fd, char *out, size_t size);

/* 1 if s is a syntactically valid EHLO domain or address literal. */
int	 smtp_helo_valid(const char *s);

/* ------------------------------------------------ command builders */

/* Parameters of MAIL FROM (only those the server offered are set). */
struct smtp_mail_params {
	long long	 size;		/* SIZE= (RFC 1870); -1 = omit */
	const char	*body;		/* "8BITMIME", "7BIT" or NULL */
	int		 smtputf8;	/* SMTPUTF8 keyword (RFC 6531) */
	enum dsn_ret	 ret;		/* RET= (RFC 3461); UNSET = omit */
	const char	*envid;		/* ENVID=, raw (xtext-encoded here) */
};

/*
 * Append "MAIL FROM:<sender> [params]" (no CRLF) to b; the null sender
 * is "".  Returns 0, or -1 when the address holds a control character
 * (CR, LF, NUL...) or is longer than ADDR_MAX, or b is full.
 */
int	 smtp_build_mail(struct buf *b, const char *sender,
	    const struct smtp_mail_params *p);
/*
 * Append "RCPT TO:<rcpt>" plus " NOTIFY=..." when notify (DSN_NOTIFY_*
 * bits, 0 = omit; NEVER alone wins) is set.  Same errors as above.
 */
int	 smtp_build_rcpt(struct buf *b, const char *rcpt, unsigned notify);
/* Append "EHLO name" or "HELO name" (verb as given). */
int	 smtp_build_hello(struct buf *b, const char *verb, const char *name);
/*
 * Append s as RFC 3461 xtext: '!'..'~' except '+' and '=' as is, every
 * other byte as "+XX" (upper-case hex).
 */
int	 smtp_xtext(struct buf *b, const char *s);

/*
 * For smtp_auth.c: read one complete reply of s into r, each line shown
 * in the -v trace with control bytes as '?' (and through
 * smtp_auth_redact() when redact is set).  Returns 0; -1 when the
 * connection failed (d set); 1 when the reply is malformed (r->error
 * says how, d is left for the caller to word).  Both failures set
 * s->broken.
 */
int	 smtp_reply_read(struct smtp_session *s, struct reply *r, int redact,
	    struct diag *d);

/* ------------------------------------------------ dot-stuffing */

/*
 * Streaming filter from the message file to the DATA wire form (RFC 5321
 * 4.5.2): a '.' that starts a line is doubled.  The state carries over
 * between calls, so the result does not depend on how the input is cut.
 * Defence in depth against SMTP smuggling: a bare CR or bare LF is sent
 * as CRLF (msg.c already normalises, so this never changes a real
 * message), so the wire never holds a line end other than CRLF.
 */
struct smtp_dot {
	int	 bol;		/* next byte starts a line */
	int	 cr;		/* a CR is held back, waiting for its LF */
};

/* Worst-case output of smtp_dot_run() for n input bytes. */
#define SMTP_DOT_OUT_MAX(n)	(2 * (n) + 2)

void	 smtp_dot_init(struct smtp_dot *ds);
/* Filter n bytes into out (SMTP_DOT_OUT_MAX(n) bytes); returns the count. */
size_t	 smtp_dot_run(struct smtp_dot *ds, const char *in, size_t n,
	    char *out);
/*
 * Finish: CRLF if the data did not end with one, then ".\r\n".  out must
 * hold 5 bytes; returns the count.
 */
size_t	 smtp_dot_end(struct smtp_dot *ds, char *out);

#endif /* SENDSMTP_SMTP_H */
