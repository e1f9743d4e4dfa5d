/*
 * sasl.h - the SASL client (Cyrus SASL underneath; sasl.c is the only
 * file that includes <sasl/sasl.h>, callers see the opaque type below).
 *
 * Every mechanism takes the same path: PLAIN, LOGIN, CRAM-MD5 and
 * SCRAM-SHA-1/256 come from Debian's libsasl2-modules, XOAUTH2 and
 * OAUTHBEARER from client plugins in sasl.c registered with
 * sasl_client_add_plugin().
 *
 * Plugins are loaded only from SASL_PLUGIN_DIR (configure
 * --with-sasl-plugin-dir, default the multiarch libsasl2 directory): a
 * caller's SASL_PATH or SASL_CONF_PATH is never used, no SASL config
 * file is read, and Cyrus options all take their defaults.
 *
 *	sasl_sess_new()     the user and the server name
 *	sasl_sess_set_secret() the password or token
 *	sasl_sess_mechs()   what the library can do for it
 *	sasl_sess_start()   choose a mechanism, get the initial response
 *	sasl_sess_step()    one challenge in, one response out
 *	sasl_sess_success() the server said 235: may we believe it?
 *	sasl_sess_free()    wipe and release
 *
 * The byte strings handed out (*out) belong to the session and stay
 * valid until the next call on it; they may hold secret material, so
 * callers copy them only into buffers they wipe.
 */
#ifndef SENDSMTP_SASL_H
#define SENDSMTP_SASL_H

#include <stddef.h>

#include "diag.h"

struct sasl_sess;	/* one client exchange; opaque */

/*
 * Prepare an exchange with host ("smtp" service) as user.  Initialises
 * the library on first use (reference counted: the last
 * sasl_sess_free() releases it and its plugins).  Returns 0 with *out
 * set, or -1 with d set (TEMPFAIL, STAGE_AUTH) when the library cannot
 * start (no plugins: install libsasl2-modules).
 */
int	 sasl_sess_new(struct sasl_sess **out, const char *host,
	    const char *user, struct diag *d);

/*
 * The password or OAuth2 access token for s, needed before
 * sasl_sess_start().  It is copied; the copy is wiped by sasl_sess_free.
 */
void	 sasl_sess_set_secret(struct sasl_sess *s, const char *secret);

/* Space-separated mechanisms the library offers for s ("" if none). */
const char *sasl_sess_mechs(struct sasl_sess *s);

/*
 * Start mech (one name, upper case).  *has_ir is 1 when the mechanism
 * sends first: then *out / *outlen is the initial response (possibly
 * empty).  Returns 0, or -1 with d set.
 */
int	 sasl_sess_start(struct sasl_sess *s, const char *mech,
	    const char **out, size_t *outlen, int *has_ir, struct diag *d);

/*
 * Feed one decoded server challenge (in[inlen] must be NUL) and get the
 * response.  Returns 1 when the mechanism is complete (the response may
 * still have to be sent, often empty), 0 when more challenges are
 * expected, -1 with d set (e.g. the server failed SCRAM's mutual
 * authentication, or sent a challenge after the end).
 */
int	 sasl_sess_step(struct sasl_sess *s, const char *in, size_t inlen,
	    const char **out, size_t *outlen, struct diag *d);

/*
 * The server said 235.  0 when that is acceptable: the mechanism is
 * complete, or it is one (XOAUTH2, OAUTHBEARER) whose success the
 * server reports only with 235.  -1 with d set when the mechanism still
 * waits for the server's proof (SCRAM): a server that has not proved it
 * knows the password is not believed.
 */
int	 sasl_sess_success(struct sasl_sess *s, struct diag *d);

/* Wipe the secret, end the exchange, release the library. NULL is ok. */
void	 sasl_sess_free(struct sasl_sess *s);

/* The only directory SASL plugins are loaded from. */
const char *sasl_plugin_dir(void);

/* ------------------------------------------------ pure (unit tests) */

/*
 * Write the initial client response of XOAUTH2 (Google's and Microsoft's
 * framing, before base64):
 *	"user=" user ^A "auth=Bearer " token ^A ^A
 * or of OAUTHBEARER (RFC 7628 3.1, no host/port pairs):
 *	"n,a=" saslname "," ^A "auth=Bearer " token ^A ^A
 * where saslname is user with ',' as "=2C" and '=' as "=3D" (RFC 5801)
 * into out (size bytes; a fixed buffer so no copy of the token is left
 * behind by a reallocation), its length in *outlen; not NUL-terminated.
 * Returns 0, or -1 when user or token is empty, user holds a control
 * character (the ^A separator included), the token holds anything but
 * printable ASCII, or out is too small.
 */
int	 sasl_xoauth2_payload(char *out, size_t size, size_t *outlen,
	    const char *user, const char *token);
int	 sasl_oauthbearer_payload(char *out, size_t size, size_t *outlen,
	    const char *user, const char *token);

#endif /* SENDSMTP_SASL_H */
