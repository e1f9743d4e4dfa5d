/*
 * tls.h - TLS sessions for the SMTP client (GnuTLS underneath; callers
 * see only the opaque types below).
 *
 *	tls_ctx_new()    policy and credentials, once per SMTP session
 *	tls_start()      handshake on a connected struct conn, verify the
 *	                 server, install the TLS transport on the conn
 *	tls_ctx_free()   after the conn is closed
 *
 * Verification policy (sendsmtp.conf(5)):
 *   - tls_fingerprint set: the pin alone decides.  The certificate is
 *     accepted when the SHA-256 of its DER encoding or of its
 *     SubjectPublicKeyInfo equals the pin, whatever its issuer, names or
 *     dates (as msmtp's tls_fingerprint); no trust store is loaded.  A
 *     pin is stronger than any CA and survives renewals in its public-key
 *     form.
 *   - else tls_verify on (default): the chain must lead to a CA of
 *     tls_trust_file, or of the system store when no file is set, the
 *     dates must be valid and the host name (or IP address) as configured
 *     in "host" must be among the certificate's names.  The trust store
 *     is loaded only in this case.
 *   - else (tls_verify off): nothing is checked and every session logs a
 *     warning.
 * SNI carries "host" unless it is an IP address literal (RFC 6066 3).
 * Default priorities allow TLS 1.2 and 1.3 only (TLS_DEFAULT_PRIORITIES);
 * tls_priorities replaces the whole string.
 *
 * Every failure fills a struct diag (TEMPFAIL, EX_TEMPFAIL: design.md 3)
 * whose text names the cause in words and the fix.
 */
#ifndef SENDSMTP_TLS_H
#define SENDSMTP_TLS_H

#include <stddef.h>
#include <time.h>

#include "conn.h"
#include "diag.h"

/* TLS 1.2 and 1.3; Debian's NORMAL alone would still allow TLS 1.0. */
#define TLS_DEFAULT_PRIORITIES	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct tls_ctx;		/* credentials, priorities, pin; opaque */
struct tls_session;	/* one session on one conn; opaque */

/* The TLS settings of an account (strings not owned; NULL = unset). */
struct tls_config {
	const char	*trust_file;	/* NULL = system trust store */
	int		 verify;	/* tls_verify: 1 on, 0 off */
	const char	*fingerprint;	/* SHA-256 pin, see crypto_pin_parse */
	const char	*cert_file;	/* client certificate (PEM) */
	const char	*key_file;	/* its private key (PEM) */
	const char	*priorities;	/* NULL = TLS_DEFAULT_PRIORITIES */
};

/*
 * Build the credentials for cfg: parse the pin, the priority string,
 * load the client certificate and, only when the chain will be verified
 * (no pin, verify on), the trust store.  Returns 0 with *out set, or -1
 * with d set (TEMPFAIL, EX_TEMPFAIL, so mail waits in the queue until the
 * configuration is fixed) naming the setting and the fix: unreadable or
 * empty tls_trust_file, empty system trust store, bad client certificate
 * or key, bad tls_priorities, malformed tls_fingerprint.  Free *out with
 * tls_ctx_free() after every session using it is closed.
 */
int	 tls_ctx_new(struct tls_ctx **out, const struct tls_config *cfg,
	    struct diag *d);
/*
 * tls_ctx_new() for a connection that will offer to resume the session
 * in data (len bytes, copied; tls_ctx_set_resume): the trust store is
 * loaded only if the server declines and sends its certificate, inside
 * the handshake, so a resumed session (issue 7) costs neither loading
 * nor verifying.  A trust file that cannot be loaded then fails that
 * handshake with the same words instead of failing here.
 */
int	 tls_ctx_new_resume(struct tls_ctx **out, const struct tls_config *cfg,
	    const void *data, size_t len, struct diag *d);
/* Free ctx (NULL is fine). */
void	 tls_ctx_free(struct tls_ctx *ctx);

/*
 * Resumption data for the next tls_start() with ctx (issue 7: a session
 * cache across invocations); data is copied.  NULL / 0 forgets it.  A
 * server that refuses it costs a full handshake, nothing else.
 */
void	 tls_ctx_set_resume(struct tls_ctx *ctx, const void *data,
	    size_t len);

/*
 * Run the TLS handshake on c's socket (within c->timeout seconds), verify
 * the server as described above, and install the TLS transport with
 * conn_set_transport(); from then on conn's I/O is encrypted and
 * conn_close() ends the session.  conn_pending(c) must be 0 (checked:
 * -1 otherwise).  implicit is 1 for SMTPS (port 465 style), 0 after a
 * STARTTLS 220; it only changes the advice in messages.  *out (may be
 * NULL) gets the session, valid until conn_close(c).
 *
 * Returns 0, or -1 with d set (TEMPFAIL, stage STAGE_STARTTLS); the text
 * says what failed in words: expired / not yet valid (with the date),
 * unknown issuer or self-signed, host name mismatch (with the names the
 * certificate holds), pin mismatch (with both pins seen), a plaintext
 * SMTP answer on an implicit-TLS port, a server limited to an old TLS
 * version, a handshake alert, a timeout or a closed connection.  c stays
 * on the plain transport then; close it.
 */
int	 tls_start(struct tls_ctx *ctx, struct conn *c, int implicit,
	    struct tls_session **out, struct diag *d);

/* The server's certificates as --check shows them (printable ASCII). */
#define TLS_CHAIN_MAX	8

struct tls_cert_info {
	char	 subject[256];		/* DN */
	char	 issuer[256];		/* DN */
	time_t	 not_before;		/* (time_t)-1 when unknown */
	time_t	 not_after;
	char	 names[512];		/* "DNS:a, IP:192.0.2.1, CN:a" */
	char	 sha256[65];		/* of the DER, hex */
};

struct tls_chain {
	int		 seen;		/* the server sent certificates */
	size_t		 n;		/* in cert[], leaf first */
	size_t		 total;		/* sent (may exceed TLS_CHAIN_MAX) */
	struct tls_cert_info cert[TLS_CHAIN_MAX];
	int		 checked;	/* 0: tls_verify off, nothing checked */
	int		 pinned;	/* tls_fingerprint decided */
	unsigned	 problems;	/* TLS_CERT_* (0 = accepted) */
	char		 verdict[DIAG_TEXT_MAX]; /* the result in words */
	char		 spki_pin[65];	/* of the leaf, for tls_fingerprint */
	char		 desc[128];	/* tls_session_desc after success */
};

/*
 * Record into chain (owned by the caller, zeroed here when the next
 * handshake with ctx runs) the certificates the server sends and the
 * verification result, whether or not the handshake then succeeds; for
 * --check.  NULL stops recording.
 */
void	 tls_ctx_capture(struct tls_ctx *ctx, struct tls_chain *chain);

/* "TLSv1.3 TLS_AES_256_GCM_SHA384" style summary, for logs and -v. */
const char *tls_session_desc(const struct tls_session *ts);
/* 1 when the server resumed the session given by tls_ctx_set_resume. */
int	 tls_session_resumed(const struct tls_session *ts);
/*
 * Resumption data of ts (issue 7) in *data (malloc'd, *len bytes; free
 * it after explicit_bzero: it holds session secrets).  With TLS 1.3 the
 * ticket arrives after the handshake, with the server's first records
 * (its reply to the EHLO that follows the handshake): call it late,
 * e.g. before QUIT.  Never waits: under TLS 1.3 with no ticket received
 * yet (GnuTLS would otherwise wait a round trip for one and then hand out
 * data that cannot resume) it returns -1; likewise after a resumed TLS
 * 1.2 session (its data is what was loaded).  Returns 0, or -1 when
 * there is nothing new.
 */
int	 tls_session_export(struct tls_session *ts, unsigned char **data,
	    size_t *len);

/* ------------------------------------------------ pure (unit tests) */

/* Verification problems found in the server certificate. */
#define TLS_CERT_EXPIRED	0x0001	/* a certificate's notAfter passed */
#define TLS_CERT_NOT_YET_VALID	0x0002	/* notBefore is in the future */
#define TLS_CERT_UNKNOWN_ISSUER	0x0004	/* no trusted CA signed the chain */
#define TLS_CERT_SELF_SIGNED	0x0008	/* ... and it signed itself */
#define TLS_CERT_HOST_MISMATCH	0x0010	/* "host" is not among its names */
#define TLS_CERT_PIN_MISMATCH	0x0020	/* neither pin form matches */
#define TLS_CERT_REVOKED	0x0040
#define TLS_CERT_INSECURE_ALG	0x0080	/* e.g. a SHA-1 signature */
#define TLS_CERT_NO_CERT	0x0100	/* the server sent none */
#define TLS_CERT_OTHER		0x0200	/* bad signature, not a CA, ... */

/* What the certificate said; every string is printable ASCII. */
struct tls_peer_info {
	time_t	 now;			/* when it was checked */
	time_t	 not_before;		/* of the server's own certificate; */
	time_t	 not_after;		/* (time_t)-1 when unknown */
	char	 names[512];		/* "DNS:a, IP:192.0.2.1, CN:a" */
	char	 issuer[256];		/* issuer DN */
	char	 cert_pin[65];		/* SHA-256 of the DER, hex */
	char	 spki_pin[65];		/* SHA-256 of the public key, hex */
	char	 other[256];		/* GnuTLS wording for TLS_CERT_OTHER */
};

/*
 * The words for a failed verification (problems != 0) of host's
 * certificate: the first problem in the order of the TLS_CERT_* bits
 * decides the cause and the fix; the others follow as "also: ...".
 * Always NUL-terminates out (size > 0); truncates with "...".
 */
void	 tls_verify_text(char *out, size_t size, unsigned problems,
	    const struct tls_peer_info *pi, const char *host);

/*
 * 1 when the first bytes a server sent look like an SMTP reply ("220 ",
 * "554-", "421\r\n"...) rather than a TLS record, else 0.
 */
int	 tls_looks_plaintext(const unsigned char *p, size_t n);

/*
 * "YYYY-MM-DD HH:MM:SS UTC" for t into out (at least 24 bytes), or
 * "an unknown date" when t is (time_t)-1.
 */
void	 tls_format_time(time_t t, char *out, size_t size);

#endif /* SENDSMTP_TLS_H */
