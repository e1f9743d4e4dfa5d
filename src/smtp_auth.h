/*
 * smtp_auth.h - the SMTP AUTH exchange (RFC 4954) of an smtp_session,
 * over the SASL client of sasl.h, with the secret from secret.h.
 *
 * smtp.c calls smtp_auth() once per session, after (TLS and) EHLO and
 * before the first MAIL.  The pure pieces (mechanism choice, base64, the
 * -v redaction) are public for the unit tests.
 */
#ifndef SENDSMTP_SMTP_AUTH_H
#define SENDSMTP_SMTP_AUTH_H

#include <stddef.h>

#include "config.h"
#include "diag.h"
#include "secret.h"
#include "smtp.h"

/* What to authenticate with (strings not owned). */
struct smtp_auth_params {
	const char		*user;
	const char		*mech;		/* NULL: the best common one */
	struct secret_src	 secret;	/* exactly one source */
	int			 plaintext_ok;	/* "auth_plaintext on" */
};

/*
 * Fill a from cfg.  Returns 1 when cfg asks for AUTH (a is then ready
 * for smtp_params.auth), 0 when it does not ("auth off").
 */
int	 smtp_auth_from_config(struct smtp_auth_params *a,
	    const struct config *cfg);

/*
 * Authenticate s (after EHLO; encrypted tells whether TLS is active).
 * In order: the server must offer AUTH; over an unencrypted connection
 * only with a->plaintext_ok; the mechanism is a->mech when set (it must
 * be offered), else the strongest both sides can do
 * (SMTP_AUTH_PREFERENCE; XOAUTH2/OAUTHBEARER only when named, since a
 * token is not a password); then the secret is fetched and the exchange
 * runs: initial response on the AUTH line when the mechanism sends
 * first and the line fits AUTH_LINE_MAX, 334 challenges answered in
 * base64, 235 ends it.
 *
 * Returns 0, or -1 with d set, always TEMPFAIL (EX_TEMPFAIL, STAGE_AUTH;
 * design.md 3: a wrong password must not bounce mail) with a line that
 * names the server, the user and the fix, e.g. for 535:
 *   "535 5.7.8 from smtp.example.com: the server rejected the
 *   credentials of user X. If the account uses two-factor
 *   authentication, use an app password or OAuth2."
 * After a lost connection or a malformed reply s->broken is set.  The -v
 * transcript shows "AUTH MECH <redacted>", "<- 334 <redacted>" and
 * "-> <redacted>": never a payload.
 */
int	 smtp_auth(struct smtp_session *s, const struct smtp_auth_params *a,
	    int encrypted, struct diag *d);

/*
 * Pipelined AUTH (RFC 4954 4): when s->auth_defer is set (smtp_open with
 * smtp_params.pipeline_auth), the server offers PIPELINING and the
 * mechanism is PLAIN or EXTERNAL with its initial response on the AUTH
 * line, smtp_auth() queues that line without sending it or reading the
 * reply, keeps the exchange in s->auth_held and returns 0.  The first
 * command group then carries it (smtp.c); smtp_auth_finish() reads its
 * reply, which comes first: 0 on 235 (logged as smtp_auth() does), or -1
 * with d set exactly as smtp_auth() would have.  Nothing held: 0.
 * smtp_auth_drop() forgets a held exchange (the connection is closing).
 */
int	 smtp_auth_finish(struct smtp_session *s, struct diag *d);
void	 smtp_auth_drop(struct smtp_session *s);

/* ------------------------------------------------ pure (unit tests) */

/* Mechanisms "auth on" may pick, strongest first. */
#define SMTP_AUTH_PREFERENCE \
	"SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5 PLAIN LOGIN"

/* 1 if the space-separated list holds name (ASCII case-insensitive). */
int	 smtp_auth_list_has(const char *list, const char *name);

/*
 * The mechanism to use: forced when it is in both offered (the server's
 * EHLO list) and usable (what the SASL library can do), else NULL; with
 * forced NULL, the first of SMTP_AUTH_PREFERENCE in both, else NULL.
 * The result is forced or a static string.
 */
const char *smtp_auth_choose(const char *offered, const char *usable,
	    const char *forced);

/* base64 lives in b64.h (shared with msg.c and dkim.c). */

/*
 * The -v form of one AUTH exchange line (without CRLF) into out (size
 * bytes, NUL-terminated): from the client, "AUTH MECH" stays and any
 * initial response becomes " <redacted>", "*" (cancel) and "" stay, any
 * other response is "<redacted>"; from the server, "334 text" becomes
 * "334 <redacted>" and other replies stay.
 */
void	 smtp_auth_redact(int from_server, const char *line, size_t len,
	    char *out, size_t size);

#endif /* SENDSMTP_SMTP_AUTH_H */
