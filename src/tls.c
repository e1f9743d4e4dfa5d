/*
 * tls.c - TLS sessions for the SMTP client through GnuTLS.
 *
 * RFC 8446 / 5246 (TLS 1.3 / 1.2; older versions are off by default),
 * RFC 3207 (STARTTLS: the handshake starts on a socket whose plaintext
 * input was drained), RFC 8314 (implicit TLS for submission), RFC 6066 3
 * (SNI: a DNS name only, never an address literal), RFC 6125 / 9525
 * (server identity: GnuTLS checks DNS and IP SANs, CN as fallback),
 * RFC 5280 (path validation by GnuTLS), RFC 7469 2.4 (SPKI pins).
 *
 * Security:
 *   - This file and crypto.c are the only ones that include GnuTLS
 *     (style.md 3).  Verification runs inside the handshake (a
 *     certificate callback), so a bad server never sees our Finished and
 *     nothing is ever sent over an unverified session.
 *   - Everything taken from the peer's certificate for messages (names,
 *     issuer) is reduced to printable ASCII and bounded.
 *   - The socket is written with MSG_NOSIGNAL (own push function): a peer
 *     that resets cannot kill us with SIGPIPE, even during gnutls_bye.
 *   - Renegotiation requests are refused; GnuTLS enables safe
 *     renegotiation (RFC 5746) checks by default.
 *   - The client key is read by GnuTLS from tls_key_file; it never passes
 *     through our buffers.
 *
 * Cost: the system trust store (about 4 MB and 7.5 ms) is loaded only when
 * the chain is verified (no pin, tls_verify on).  Body data goes out in
 * full 16 KiB records: conn.c hands us 64 KiB writes and
 * gnutls_record_send fills one maximum-size record per call.
 * XXX corking several records into one send() would save syscalls, but
 * gnutls_record_uncork on a non-blocking socket needs extra state.
 *
 * Size: over 600 lines because it holds the one GnuTLS session layer
 * (credentials, handshake, transport) and the words for every failure
 * (tls_verify_text, tls_handshake_fail), which need the session's
 * details; each function stays short.
 */
#include "compat.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "conn.h"
#include "crypto.h"
#include "diag.h"
#include "log.h"
#include "tls.h"
#include "util.h"

#define TLS_FIRST_MAX	16	/* first bytes from the server we keep */

struct tls_ctx {
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t	 prio;
	int			 verify;
	char			*trust_file;	/* lazy_trust: load later */
	int			 trust_pending;	/* lazy_trust, not loaded */
	int			 have_pin;
	unsigned char		 pin[CRYPTO_SHA256_LEN];
	unsigned char		*resume;
	size_t			 resume_len;
	struct tls_chain	*capture;	/* --check, not owned */
};

struct tls_session {
	gnutls_session_t	 s;
	struct tls_ctx		*ctx;
	char			*host;
	int			 fd;
	int			 handshaken;
	unsigned		 problems;	/* TLS_CERT_* (callback) */
	struct tls_peer_info	 peer;
	unsigned char		 first[TLS_FIRST_MAX];
	size_t			 nfirst;
	char			 err[256];
	char			 desc[128];
};

static ssize_t	tls_push(gnutls_transport_ptr_t p, const void *buf,
		    size_t len);
static ssize_t	tls_pull(gnutls_transport_ptr_t p, void *buf, size_t len);
static int	tls_verify_cb(gnutls_session_t s);
static int	tls_peer_read(struct tls_session *ts,
		    gnutls_x509_crt_t *crtp);
static void	tls_peer_names(gnutls_x509_crt_t crt, char *out,
		    size_t size);
static unsigned	tls_problems_of(unsigned status, gnutls_x509_crt_t crt);
static void	tls_printable(char *s);
static void	tls_append(char *out, size_t size, const char *s);
static int	tls_is_ip(const char *host);
static int	tls_trust_late(struct tls_ctx *ctx, struct tls_session *ts);
static int	tls_ctx_build(struct tls_ctx **out,
		    const struct tls_config *cfg, int lazy, struct diag *d);
static int	tls_load_trust(struct tls_ctx *ctx, const char *file,
		    struct diag *d);
static int	tls_handshake(struct tls_session *ts, struct conn *c,
		    int implicit, struct diag *d);
static int	tls_handshake_fail(struct tls_session *ts, struct conn *c,
		    int implicit, int rc, struct diag *d);
static int	tls_old_version(struct tls_session *ts, int rc);
static enum diag_class tls_problem_class(unsigned problems,
		    const struct tls_peer_info *pi);
static void	tls_capture_chain(struct tls_session *ts);
static void	tls_capture_cert(const gnutls_datum_t *der,
		    struct tls_cert_info *ci);
static void	tls_session_free(struct tls_session *ts);
static ssize_t	tls_tr_read(void *ctx, int fd, void *p, size_t len);
static ssize_t	tls_tr_write(void *ctx, int fd, const void *p, size_t len);
static size_t	tls_tr_pending(void *ctx);
static const char *tls_tr_error(void *ctx);
static void	tls_tr_close(void *ctx);
static ssize_t	tls_tr_result(struct tls_session *ts, ssize_t rc);

/* ================================================================ pure */

void
tls_format_time(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		(void)strlcpy(out, "an unknown date", size);
}

int
tls_looks_plaintext(const unsigned char *p, size_t n)
{
	if (n < 4)
		return 0;
	if (p[0] < '2' || p[0] > '5' || p[1] < '0' || p[1] > '9' ||
	    p[2] < '0' || p[2] > '9')
		return 0;
	return p[3] == ' ' || p[3] == '-' || p[3] == '\r' || p[3] == '\n';
}

/* Append s to out, marking truncation with "...". */
static void
tls_append(char *out, size_t size, const char *s)
{
	size_t len = strlen(out);

	if (len + strlen(s) < size) {
		(void)strlcat(out, s, size);
		return;
	}
	if (size > 4 && len < size - 1) {
		(void)strlcat(out, s, size);
		memcpy(out + size - 4, "...", 4);
	}
}

void
tls_verify_text(char *out, size_t size, unsigned problems,
    const struct tls_peer_info *pi, const char *host)
{
	char date[40], part[DIAG_TEXT_MAX];
	unsigned bit;
	int first = 1;

	if (size == 0)
		return;
	out[0] = '\0';
	if (problems == 0) {
		(void)strlcpy(out, "the certificate was accepted", size);
		return;
	}
	for (bit = 1; bit <= TLS_CERT_OTHER; bit <<= 1) {
		if (!(problems & bit))
			continue;
		/* Self-signed says more than "unknown issuer". */
		if (bit == TLS_CERT_UNKNOWN_ISSUER &&
		    (problems & TLS_CERT_SELF_SIGNED))
			continue;
		part[0] = '\0';
		switch (bit) {
		case TLS_CERT_EXPIRED:
			if (pi->not_after != (time_t)-1 &&
			    pi->not_after < pi->now) {
				tls_format_time(pi->not_after, date,
				    sizeof(date));
				(void)snprintf(part, sizeof(part), "the "
				    "certificate of %s expired on %s "
				    "(notAfter)%s%s", host, date, first ?
				    "; " : "", first ? catalog_text(
				    DC_TLS_CERT_EXPIRED) : "");
			} else
				(void)snprintf(part, sizeof(part), "a CA "
				    "certificate in the chain of %s has "
				    "expired%s%s", host, first ? "; " : "",
				    first ? catalog_text(
				    DC_TLS_CERT_CA_EXPIRED) : "");
			break;
		case TLS_CERT_NOT_YET_VALID:
			tls_format_time(pi->not_before, date, sizeof(date));
			(void)snprintf(part, sizeof(part), "the certificate "
			    "of %s is not valid before %s (notBefore)%s%s",
			    host, date, first ? "; " : "", first ?
			    catalog_text(DC_TLS_CERT_NOT_YET_VALID) : "");
			break;
		case TLS_CERT_SELF_SIGNED:
			(void)snprintf(part, sizeof(part), "the certificate "
			    "of %s is self-signed (%s)%s%s", host, pi->issuer,
			    first ? "; " : "", first ?
			    catalog_text(DC_TLS_CERT_SELF_SIGNED) : "");
			if (first)
				(void)strlcat(part, pi->spki_pin, sizeof(part));
			break;
		case TLS_CERT_UNKNOWN_ISSUER:
			(void)snprintf(part, sizeof(part), "the certificate "
			    "of %s was issued by an unknown CA (%s)%s%s", host,
			    pi->issuer, first ? "; " : "", first ?
			    catalog_text(DC_TLS_CERT_UNKNOWN_CA) : "");
			break;
		case TLS_CERT_HOST_MISMATCH:
			(void)snprintf(part, sizeof(part), "the certificate "
			    "of %s is for %s, not for %s%s%s", host,
			    pi->names[0] != '\0' ? pi->names : "no name",
			    host, first ? "; " : "", first ?
			    catalog_text(DC_TLS_CERT_HOSTNAME) : "");
			break;
		case TLS_CERT_PIN_MISMATCH:
			(void)snprintf(part, sizeof(part), "the certificate "
			    "of %s does not match tls_fingerprint: it has "
			    "certificate SHA-256 %s and public key SHA-256 "
			    "%s%s%s", host, pi->cert_pin, pi->spki_pin, first ?
			    "; " : "", first ? catalog_text(DC_TLS_CERT_PIN) :
			    "");
			break;
		case TLS_CERT_REVOKED:
			(void)snprintf(part, sizeof(part), "the certificate "
			    "of %s has been revoked", host);
			break;
		case TLS_CERT_INSECURE_ALG:
			(void)snprintf(part, sizeof(part), "the certificate "
			    "chain of %s uses an insecure algorithm", host);
			break;
		case TLS_CERT_NO_CERT:
			(void)snprintf(part, sizeof(part), "%s sent no "
			    "certificate", host);
			break;
		case TLS_CERT_OTHER:
			(void)snprintf(part, sizeof(part), "the certificate "
			    "of %s failed verification (%s)", host,
			    pi->other[0] != '\0' ? pi->other : "invalid");
			break;
		default:
			continue;
		}
		if (!first)
			tls_append(out, size, "; also: ");
		tls_append(out, size, part);
		first = 0;
	}
}

/* ============================================================ helpers */

/* Replace every byte outside printable ASCII with '?'. */
static void
tls_printable(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

static int
tls_is_ip(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

/* Write the whole buffer or fail; never raise SIGPIPE. */
static ssize_t
tls_push(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
	int fd = (int)(intptr_t)p;
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n;
}

/* recv, keeping the first bytes for the protocol mismatch message. */
static ssize_t
tls_pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct tls_session *ts = p;
	ssize_t n;
	size_t k;

	do
		n = recv(ts->fd, buf, len, 0);
	while (n == -1 && errno == EINTR);
	if (n > 0 && ts->nfirst < TLS_FIRST_MAX) {
		k = TLS_FIRST_MAX - ts->nfirst;
		if (k > (size_t)n)
			k = (size_t)n;
		memcpy(ts->first + ts->nfirst, buf, k);
		ts->nfirst += k;
	}
	return n;
}

static void
tls_peer_names(gnutls_x509_crt_t crt, char *out, size_t size)
{
	char name[256], ip[INET6_ADDRSTRLEN], item[300];
	size_t len;
	unsigned i;
	int type;

	out[0] = '\0';
	for (i = 0; i < 64; i++) {
		len = sizeof(name) - 1;
		type = gnutls_x509_crt_get_subject_alt_name(crt, i, name, &len,
		    NULL);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		item[0] = '\0';
		if (type == GNUTLS_SAN_DNSNAME && len < sizeof(name)) {
			name[len] = '\0';
			tls_printable(name);
			(void)snprintf(item, sizeof(item), "DNS:%s", name);
		} else if (type == GNUTLS_SAN_IPADDRESS && (len == 4 ||
		    len == 16) && inet_ntop(len == 4 ? AF_INET : AF_INET6,
		    name, ip, sizeof(ip)) != NULL)
			(void)snprintf(item, sizeof(item), "IP:%s", ip);
		if (item[0] == '\0')
			continue;
		if (out[0] != '\0')
			tls_append(out, size, ", ");
		tls_append(out, size, item);
	}
	len = sizeof(name);
	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
	    0, name, &len) == 0) {
		name[sizeof(name) - 1] = '\0';
		tls_printable(name);
		(void)snprintf(item, sizeof(item), "CN:%s", name);
		if (out[0] != '\0')
			tls_append(out, size, ", ");
		tls_append(out, size, item);
	}
}

/*
 * Fill ts->peer from the server's certificate; *crtp gets the parsed
 * leaf (caller deinits).  Returns 0, or -1 when there is none.
 */
static int
tls_peer_read(struct tls_session *ts, gnutls_x509_crt_t *crtp)
{
	const gnutls_datum_t *list;
	gnutls_x509_crt_t crt;
	gnutls_pubkey_t pub;
	gnutls_datum_t spki = { NULL, 0 };
	unsigned char h[CRYPTO_SHA256_LEN];
	unsigned n = 0;
	size_t len;

	*crtp = NULL;
	ts->peer.now = time(NULL);
	ts->peer.not_before = ts->peer.not_after = (time_t)-1;
	list = gnutls_certificate_get_peers(ts->s, &n);
	if (list == NULL || n == 0)
		return -1;
	(void)crypto_sha256(list[0].data, list[0].size, h);
	crypto_hex(h, sizeof(h), ts->peer.cert_pin);
	if (gnutls_x509_crt_init(&crt) < 0)
		return -1;
	if (gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return -1;
	}
	if (gnutls_pubkey_init(&pub) == 0) {
		if (gnutls_pubkey_import_x509(pub, crt, 0) == 0 &&
		    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER,
		    &spki) == 0) {
			(void)crypto_sha256(spki.data, spki.size, h);
			crypto_hex(h, sizeof(h), ts->peer.spki_pin);
			gnutls_free(spki.data);
		}
		gnutls_pubkey_deinit(pub);
	}
	ts->peer.not_before = gnutls_x509_crt_get_activation_time(crt);
	ts->peer.not_after = gnutls_x509_crt_get_expiration_time(crt);
	tls_peer_names(crt, ts->peer.names, sizeof(ts->peer.names));
	len = sizeof(ts->peer.issuer);
	if (gnutls_x509_crt_get_issuer_dn(crt, ts->peer.issuer, &len) != 0)
		(void)strlcpy(ts->peer.issuer, "issuer unknown",
		    sizeof(ts->peer.issuer));
	ts->peer.issuer[sizeof(ts->peer.issuer) - 1] = '\0';
	tls_printable(ts->peer.issuer);
	*crtp = crt;
	return 0;
}

/* Map a GnuTLS verification status to TLS_CERT_* bits. */
static unsigned
tls_problems_of(unsigned status, gnutls_x509_crt_t crt)
{
	unsigned p = 0, rest = status & ~(unsigned)GNUTLS_CERT_INVALID;

	if (status & GNUTLS_CERT_EXPIRED)
		p |= TLS_CERT_EXPIRED;
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		p |= TLS_CERT_NOT_YET_VALID;
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
		p |= TLS_CERT_UNKNOWN_ISSUER;
		if (crt != NULL && gnutls_x509_crt_check_issuer(crt, crt) == 1)
			p |= TLS_CERT_SELF_SIGNED;
	}
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
		p |= TLS_CERT_HOST_MISMATCH;
	if (status & GNUTLS_CERT_REVOKED)
		p |= TLS_CERT_REVOKED;
	if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		p |= TLS_CERT_INSECURE_ALG;
	rest &= ~(unsigned)(GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED |
	    GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_UNEXPECTED_OWNER |
	    GNUTLS_CERT_REVOKED | GNUTLS_CERT_INSECURE_ALGORITHM);
	if (rest != 0 || (status != 0 && p == 0))
		p |= TLS_CERT_OTHER;
	return p;
}

/*
 * The certificate callback, run inside the handshake: the pin alone, or
 * chain + dates + host name, or nothing (tls_verify off).  Nonzero ends
 * the handshake with GNUTLS_E_CERTIFICATE_ERROR; ts->problems says why.
 */
static int
tls_verify_cb(gnutls_session_t s)
{
	struct tls_session *ts = gnutls_session_get_ptr(s);
	struct tls_ctx *ctx = ts->ctx;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t txt = { NULL, 0 };
	unsigned char cert[CRYPTO_SHA256_LEN], spki[CRYPTO_SHA256_LEN];
	unsigned status = 0;

	ts->problems = 0;
	if (tls_peer_read(ts, &crt) == -1) {
		ts->problems = ctx->have_pin || ctx->verify ? TLS_CERT_NO_CERT :
		    0;
		tls_capture_chain(ts);
		return ts->problems != 0 ? -1 : 0;
	}
	if (ctx->have_pin) {
		if (crypto_pin_parse(ts->peer.cert_pin, cert) == -1 ||
		    crypto_pin_parse(ts->peer.spki_pin, spki) == -1 ||
		    !crypto_pin_match(ctx->pin, cert, spki))
			ts->problems = TLS_CERT_PIN_MISMATCH;
	} else if (ctx->verify) {
		if (tls_trust_late(ctx, ts) == -1) {
			gnutls_x509_crt_deinit(crt);
			tls_capture_chain(ts);
			return -1;
		}
		if (gnutls_certificate_verify_peers3(s, ts->host, &status) < 0)
			status = GNUTLS_CERT_INVALID;
		ts->problems = tls_problems_of(status, crt);
		if ((ts->problems & TLS_CERT_OTHER) &&
		    gnutls_certificate_verification_status_print(status,
		    GNUTLS_CRT_X509, &txt, 0) == 0) {
			(void)strlcpy(ts->peer.other, (const char *)txt.data,
			    sizeof(ts->peer.other));
			tls_printable(ts->peer.other);
			gnutls_free(txt.data);
		}
	}
	gnutls_x509_crt_deinit(crt);
	tls_capture_chain(ts);
	return ts->problems != 0 ? -1 : 0;
}

/* One certificate for --check. */
static void
tls_capture_cert(const gnutls_datum_t *der, struct tls_cert_info *ci)
{
	gnutls_x509_crt_t crt;
	unsigned char h[CRYPTO_SHA256_LEN];
	size_t len;

	ci->not_before = ci->not_after = (time_t)-1;
	(void)crypto_sha256(der->data, der->size, h);
	crypto_hex(h, sizeof(h), ci->sha256);
	if (gnutls_x509_crt_init(&crt) < 0)
		return;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return;
	}
	len = sizeof(ci->subject);
	if (gnutls_x509_crt_get_dn(crt, ci->subject, &len) != 0)
		ci->subject[0] = '\0';
	ci->subject[sizeof(ci->subject) - 1] = '\0';
	tls_printable(ci->subject);
	len = sizeof(ci->issuer);
	if (gnutls_x509_crt_get_issuer_dn(crt, ci->issuer, &len) != 0)
		ci->issuer[0] = '\0';
	ci->issuer[sizeof(ci->issuer) - 1] = '\0';
	tls_printable(ci->issuer);
	ci->not_before = gnutls_x509_crt_get_activation_time(crt);
	ci->not_after = gnutls_x509_crt_get_expiration_time(crt);
	tls_peer_names(crt, ci->names, sizeof(ci->names));
	gnutls_x509_crt_deinit(crt);
}

/* The callback's findings for --check (tls_ctx_capture). */
static void
tls_capture_chain(struct tls_session *ts)
{
	struct tls_chain *ch = ts->ctx->capture;
	const gnutls_datum_t *list;
	unsigned n = 0, i;

	if (ch == NULL)
		return;
	memset(ch, 0, sizeof(*ch));
	list = gnutls_certificate_get_peers(ts->s, &n);
	ch->seen = list != NULL && n > 0;
	ch->total = list != NULL ? n : 0;
	for (i = 0; ch->seen && i < n && i < TLS_CHAIN_MAX; i++)
		tls_capture_cert(&list[i], &ch->cert[ch->n++]);
	ch->pinned = ts->ctx->have_pin;
	ch->checked = ts->ctx->have_pin || ts->ctx->verify;
	ch->problems = ts->problems;
	(void)strlcpy(ch->spki_pin, ts->peer.spki_pin, sizeof(ch->spki_pin));
	if (!ch->checked)
		(void)strlcpy(ch->verdict, "not verified: tls_verify is off",
		    sizeof(ch->verdict));
	else if (ts->problems == 0)
		(void)snprintf(ch->verdict, sizeof(ch->verdict), "%s",
		    ch->pinned ? "accepted: it matches tls_fingerprint" :
		    "verified: the chain leads to a trusted CA, the dates are "
		    "valid and the certificate names the host");
	else
		tls_verify_text(ch->verdict, sizeof(ch->verdict),
		    ts->problems, &ts->peer, ts->host);
}

void
tls_ctx_capture(struct tls_ctx *ctx, struct tls_chain *chain)
{
	ctx->capture = chain;
}

/* ================================================================ ctx */

static int
tls_load_trust(struct tls_ctx *ctx, const char *file, struct diag *d)
{
	int n;

	if (file != NULL) {
		n = gnutls_certificate_set_x509_trust_file(ctx->cred, file,
		    GNUTLS_X509_FMT_PEM);
		if (n < 0)
			return diag_temp(d, STAGE_STARTTLS, "cannot load "
			    "tls_trust_file %s: %s; fix the path or the file "
			    "in sendsmtp.conf (a PEM bundle of CA "
			    "certificates)", file, gnutls_strerror(n));
		if (n == 0)
			return diag_temp(d, STAGE_STARTTLS, "tls_trust_file "
			    "%s holds no certificates; it must be a PEM bundle "
			    "of CA certificates", file);
		return 0;
	}
	n = gnutls_certificate_set_x509_system_trust(ctx->cred);
	if (n <= 0)
		return diag_temp(d, STAGE_STARTTLS, "cannot load the system "
		    "trust store: %s; install ca-certificates or set "
		    "tls_trust_file in sendsmtp.conf", n < 0 ?
		    gnutls_strerror(n) : "it holds no certificates");
	return 0;
}

/*
 * lazy_trust: the server did not resume, so the chain must be checked
 * after all: load the trust store now (inside the handshake).  -1 with
 * ts->problems and ts->peer.other saying why when it cannot be loaded.
 */
static int
tls_trust_late(struct tls_ctx *ctx, struct tls_session *ts)
{
	struct diag d;

	if (!ctx->trust_pending)
		return 0;
	if (tls_load_trust(ctx, ctx->trust_file, &d) == -1) {
		ts->problems = TLS_CERT_OTHER;
		(void)strlcpy(ts->peer.other, d.text, sizeof(ts->peer.other));
		return -1;
	}
	ctx->trust_pending = 0;
	return 0;
}

int
tls_ctx_new(struct tls_ctx **out, const struct tls_config *cfg,
    struct diag *d)
{
	return tls_ctx_build(out, cfg, 0, d);
}

int
tls_ctx_new_resume(struct tls_ctx **out, const struct tls_config *cfg,
    const void *data, size_t len, struct diag *d)
{
	if (tls_ctx_build(out, cfg, data != NULL && len > 0, d) == -1)
		return -1;
	tls_ctx_set_resume(*out, data, len);
	return 0;
}

/* tls_ctx_new; lazy: leave the trust store for tls_trust_late. */
static int
tls_ctx_build(struct tls_ctx **out, const struct tls_config *cfg, int lazy,
    struct diag *d)
{
	struct tls_ctx *ctx;
	const char *prio, *errpos = NULL;
	int rc;

	*out = NULL;
	ctx = xcalloc(1, sizeof(*ctx));
	ctx->verify = cfg->verify;
	if (cfg->fingerprint != NULL && *cfg->fingerprint != '\0') {
		if (crypto_pin_parse(cfg->fingerprint, ctx->pin) == -1) {
			(void)diag_temp(d, STAGE_STARTTLS, "tls_fingerprint "
			    "is not a SHA-256 pin; write 64 hex digits, e.g. "
			    "from \"certtool -i\" or \"openssl x509 "
			    "-fingerprint -sha256\"");
			goto fail;
		}
		ctx->have_pin = 1;
	}
	if ((rc = gnutls_certificate_allocate_credentials(&ctx->cred)) < 0) {
		(void)diag_temp(d, STAGE_STARTTLS, "cannot set up TLS: %s",
		    gnutls_strerror(rc));
		goto fail;
	}
	gnutls_certificate_set_verify_function(ctx->cred, tls_verify_cb);
	if (!ctx->have_pin && ctx->verify && lazy) {
		ctx->trust_pending = 1;
		if (cfg->trust_file != NULL)
			ctx->trust_file = xstrdup(cfg->trust_file);
	} else if (!ctx->have_pin && ctx->verify &&
	    tls_load_trust(ctx, cfg->trust_file, d) == -1)
		goto fail;
	if ((cfg->cert_file != NULL) != (cfg->key_file != NULL)) {
		(void)diag_temp(d, STAGE_STARTTLS, "tls_cert_file and "
		    "tls_key_file must be set together");
		goto fail;
	}
	if (cfg->cert_file != NULL && (rc =
	    gnutls_certificate_set_x509_key_file2(ctx->cred, cfg->cert_file,
	    cfg->key_file, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		(void)diag_temp(d, STAGE_STARTTLS, "cannot load the client "
		    "certificate %s with key %s: %s; check tls_cert_file and "
		    "tls_key_file (PEM, unencrypted key, matching pair)",
		    cfg->cert_file, cfg->key_file, gnutls_strerror(rc));
		goto fail;
	}
	prio = cfg->priorities != NULL && *cfg->priorities != '\0' ?
	    cfg->priorities : TLS_DEFAULT_PRIORITIES;
	if ((rc = gnutls_priority_init(&ctx->prio, prio, &errpos)) < 0) {
		(void)diag_temp(d, STAGE_STARTTLS, "tls_priorities \"%s\" is "
		    "not a valid GnuTLS priority string (%s, at \"%.40s\"); "
		    "see gnutls_priority_init(3), or remove it for the "
		    "default", prio, gnutls_strerror(rc), errpos != NULL ?
		    errpos : "");
		ctx->prio = NULL;
		goto fail;
	}
	*out = ctx;
	return 0;
fail:
	tls_ctx_free(ctx);
	return -1;
}

void
tls_ctx_free(struct tls_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->prio != NULL)
		gnutls_priority_deinit(ctx->prio);
	if (ctx->cred != NULL)
		gnutls_certificate_free_credentials(ctx->cred);
	free(ctx->trust_file);
	if (ctx->resume != NULL) {
		explicit_bzero(ctx->resume, ctx->resume_len);
		free(ctx->resume);
	}
	explicit_bzero(ctx, sizeof(*ctx));
	free(ctx);
}

void
tls_ctx_set_resume(struct tls_ctx *ctx, const void *data, size_t len)
{
	if (ctx->resume != NULL) {
		explicit_bzero(ctx->resume, ctx->resume_len);
		free(ctx->resume);
	}
	ctx->resume = NULL;
	ctx->resume_len = 0;
	if (data == NULL || len == 0)
		return;
	ctx->resume = xmalloc(len);
	memcpy(ctx->resume, data, len);
	ctx->resume_len = len;
}

/* ============================================================ session */

/*
 * 1 when the handshake failed because the server offers only a protocol
 * version we do not allow: it said so with an alert, or its ServerHello
 * carried a version below TLS 1.2 (3.3).
 */
static int
tls_old_version(struct tls_session *ts, int rc)
{
	if (rc == GNUTLS_E_UNSUPPORTED_VERSION_PACKET)
		return 1;
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED &&
	    gnutls_alert_get(ts->s) == GNUTLS_A_PROTOCOL_VERSION)
		return 1;
	/* record type 22, handshake type 2 (ServerHello), server_version */
	return ts->nfirst >= 11 && ts->first[0] == 0x16 &&
	    ts->first[5] == 2 && ts->first[9] == 3 && ts->first[10] < 3;
}

/* The catalogue class of the first verification problem. */
static enum diag_class
tls_problem_class(unsigned problems, const struct tls_peer_info *pi)
{
	if (problems & TLS_CERT_EXPIRED)
		return pi->not_after != (time_t)-1 && pi->not_after < pi->now ?
		    DC_TLS_CERT_EXPIRED : DC_TLS_CERT_CA_EXPIRED;
	if (problems & TLS_CERT_NOT_YET_VALID)
		return DC_TLS_CERT_NOT_YET_VALID;
	if (problems & TLS_CERT_SELF_SIGNED)
		return DC_TLS_CERT_SELF_SIGNED;
	if (problems & TLS_CERT_UNKNOWN_ISSUER)
		return DC_TLS_CERT_UNKNOWN_CA;
	if (problems & TLS_CERT_HOST_MISMATCH)
		return DC_TLS_CERT_HOSTNAME;
	if (problems & TLS_CERT_PIN_MISMATCH)
		return DC_TLS_CERT_PIN;
	return DC_TLS_CERT_OTHER;
}

/* Words for a failed handshake; always returns -1. */
static int
tls_handshake_fail(struct tls_session *ts, struct conn *c, int implicit,
    int rc, struct diag *d)
{
	char why[DIAG_TEXT_MAX];
	int alert;

	if (ts->problems != 0) {
		tls_verify_text(why, sizeof(why), ts->problems, &ts->peer,
		    c->host);
		(void)diag_temp(d, STAGE_STARTTLS, "cannot start TLS with "
		    "%s:%d: %s", c->host, c->port, why);
		/* the advice is inside the verification words already */
		diag_set_class(d, tls_problem_class(ts->problems, &ts->peer));
		return -1;
	}
	if (implicit && tls_looks_plaintext(ts->first, ts->nfirst)) {
		(void)diag_temp(d, STAGE_STARTTLS, "cannot start TLS with "
		    "%s:%d: the server answered in plaintext (\"%.3s ...\") "
		    "instead of a TLS handshake", c->host, c->port,
		    (const char *)ts->first);
		return diag_advise(d, DC_TLS_WANTS_STARTTLS, NULL);
	}
	if (tls_old_version(ts, rc)) {
		(void)diag_temp(d, STAGE_STARTTLS, "cannot start TLS with "
		    "%s:%d: the server only speaks a TLS version older than "
		    "1.2 (protocol version mismatch: %s)", c->host, c->port,
		    gnutls_strerror(rc));
		return diag_advise(d, DC_TLS_VERSION, NULL);
	}
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		alert = gnutls_alert_get(ts->s);
		(void)diag_temp(d, STAGE_STARTTLS, "cannot start TLS with "
		    "%s:%d: the server ended the handshake with the alert "
		    "\"%s\"", c->host, c->port,
		    gnutls_alert_get_name((gnutls_alert_description_t)alert));
		if (alert == GNUTLS_A_HANDSHAKE_FAILURE ||
		    alert == GNUTLS_A_INSUFFICIENT_SECURITY)
			return diag_advise(d, DC_TLS_NO_COMMON, NULL);
		if (alert == GNUTLS_A_BAD_CERTIFICATE ||
		    alert == GNUTLS_A_CERTIFICATE_REQUIRED ||
		    alert == GNUTLS_A_UNKNOWN_CA ||
		    alert == GNUTLS_A_ACCESS_DENIED)
			return diag_advise(d, DC_TLS_CLIENT_CERT, NULL);
		return diag_advise(d, DC_TLS_HANDSHAKE, NULL);
	}
	/*
	 * Silence, then a close: what a server limited to TLS 1.0/1.1 does
	 * with our ClientHello (OpenSSL sends no alert), or a server that
	 * does not speak TLS on this port at all.
	 */
	if ((rc == GNUTLS_E_PREMATURE_TERMINATION ||
	    rc == GNUTLS_E_PULL_ERROR) && ts->nfirst == 0) {
		(void)diag_temp(d, STAGE_STARTTLS, "cannot start TLS with "
		    "%s:%d: the server closed the connection without "
		    "answering our TLS hello; it probably only speaks a TLS "
		    "version older than 1.2 (protocol version mismatch)%s",
		    c->host, c->port, implicit ? ", or this port does not "
		    "speak implicit TLS (465 = \"tls smtps\", 587 = \"tls "
		    "starttls\")" : "");
		return diag_advise(d, DC_TLS_VERSION, NULL);
	}
	if (rc == GNUTLS_E_PREMATURE_TERMINATION || rc == GNUTLS_E_PULL_ERROR ||
	    rc == GNUTLS_E_PUSH_ERROR)
		(void)diag_temp(d, STAGE_STARTTLS, "cannot start TLS with "
		    "%s:%d: the server closed the connection during the "
		    "handshake (%s)", c->host, c->port, gnutls_strerror(rc));
	else
		(void)diag_temp(d, STAGE_STARTTLS, "cannot start TLS with "
		    "%s:%d: handshake failed: %s", c->host, c->port,
		    gnutls_strerror(rc));
	return diag_advise(d, DC_TLS_HANDSHAKE, NULL);
}

static int
tls_handshake(struct tls_session *ts, struct conn *c, int implicit,
    struct diag *d)
{
	struct timespec end, now;
	struct pollfd pfd;
	long long ms;
	int rc;

	(void)clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += c->timeout;
	for (;;) {
		rc = gnutls_handshake(ts->s);
		if (rc == 0)
			return 0;
		if (rc != GNUTLS_E_AGAIN && rc != GNUTLS_E_INTERRUPTED &&
		    gnutls_error_is_fatal(rc))
			return tls_handshake_fail(ts, c, implicit, rc, d);
		if (rc != GNUTLS_E_AGAIN && rc != GNUTLS_E_INTERRUPTED)
			continue;	/* a warning alert */
		(void)clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (long long)(end.tv_sec - now.tv_sec) * 1000 +
		    (end.tv_nsec - now.tv_nsec) / 1000000;
		if (ms <= 0) {
			(void)diag_temp(d, STAGE_STARTTLS, "cannot start TLS "
			    "with %s:%d: no TLS handshake within %d s; the "
			    "server is stalled%s", c->host, c->port,
			    c->timeout, implicit ? ", or this port expects "
			    "plain SMTP first (\"tls starttls\", port 587)" :
			    "");
			return diag_advise(d, DC_TIMEOUT, NULL);
		}
		pfd.fd = c->fd;
		pfd.events = gnutls_record_get_direction(ts->s) ? POLLOUT :
		    POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)(ms > 86400000 ? 86400000 : ms)) ==
		    -1 && errno != EINTR)
			return diag_temp(d, STAGE_STARTTLS, "cannot start TLS "
			    "with %s:%d: %s", c->host, c->port,
			    strerror(errno));
	}
}

static void
tls_session_free(struct tls_session *ts)
{
	if (ts == NULL)
		return;
	if (ts->s != NULL)
		gnutls_deinit(ts->s);
	free(ts->host);
	explicit_bzero(ts, sizeof(*ts));
	free(ts);
}

int
tls_start(struct tls_ctx *ctx, struct conn *c, int implicit,
    struct tls_session **out, struct diag *d)
{
	static const struct conn_transport tmpl = {
		"TLS", tls_tr_read, tls_tr_write, tls_tr_pending,
		tls_tr_error, tls_tr_close, NULL
	};
	struct conn_transport tr;
	struct tls_session *ts;
	const char *vers, *suite;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (c->fd == -1)
		return diag_temp(d, STAGE_STARTTLS, "cannot start TLS with "
		    "%s:%d: not connected", c->host, c->port);
	if (conn_pending(c) != 0)
		return diag_temp(d, STAGE_STARTTLS, "cannot start TLS with "
		    "%s:%d: unread plaintext is waiting", c->host, c->port);
	if (ctx->trust_pending && ctx->resume == NULL) {
		if (tls_load_trust(ctx, ctx->trust_file, d) == -1)
			return -1;
		ctx->trust_pending = 0;
	}
	if (!ctx->verify)
		log_warnx("tls_verify is off: %s", ctx->have_pin ? "only the "
		    "tls_fingerprint pin is checked" : "the certificate of "
		    "the server is NOT checked; anyone on the network path "
		    "can read and change this mail. Use it for testing only");
	ts = xcalloc(1, sizeof(*ts));
	ts->ctx = ctx;
	ts->fd = c->fd;
	ts->host = xstrdup(c->host);
	if ((rc = gnutls_init(&ts->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK)) < 0) {
		ts->s = NULL;
		tls_session_free(ts);
		return diag_temp(d, STAGE_STARTTLS, "cannot start TLS: %s",
		    gnutls_strerror(rc));
	}
	gnutls_session_set_ptr(ts->s, ts);
	if ((rc = gnutls_priority_set(ts->s, ctx->prio)) < 0 ||
	    (rc = gnutls_credentials_set(ts->s, GNUTLS_CRD_CERTIFICATE,
	    ctx->cred)) < 0 || (!tls_is_ip(c->host) &&
	    (rc = gnutls_server_name_set(ts->s, GNUTLS_NAME_DNS, c->host,
	    strlen(c->host))) < 0)) {
		tls_session_free(ts);
		return diag_temp(d, STAGE_STARTTLS, "cannot start TLS: %s",
		    gnutls_strerror(rc));
	}
	if (ctx->resume != NULL)
		(void)gnutls_session_set_data(ts->s, ctx->resume,
		    ctx->resume_len);
	gnutls_transport_set_ptr2(ts->s, ts, (gnutls_transport_ptr_t)
	    (intptr_t)c->fd);
	gnutls_transport_set_pull_function(ts->s, tls_pull);
	gnutls_transport_set_push_function(ts->s, tls_push);
	if (tls_handshake(ts, c, implicit, d) == -1) {
		tls_session_free(ts);
		return -1;
	}
	ts->handshaken = 1;
	vers = gnutls_protocol_get_name(gnutls_protocol_get_version(ts->s));
	suite = gnutls_cipher_suite_get_name(gnutls_kx_get(ts->s),
	    gnutls_cipher_get(ts->s), gnutls_mac_get(ts->s));
	(void)snprintf(ts->desc, sizeof(ts->desc), "%s %s%s",
	    vers != NULL ? vers : "TLS", suite != NULL ? suite :
	    gnutls_cipher_get_name(gnutls_cipher_get(ts->s)),
	    gnutls_session_is_resumed(ts->s) ? " (resumed)" : "");
	if (ctx->capture != NULL)
		(void)strlcpy(ctx->capture->desc, ts->desc,
		    sizeof(ctx->capture->desc));
	tr = tmpl;
	tr.ctx = ts;
	conn_set_transport(c, &tr);
	if (out != NULL)
		*out = ts;
	return 0;
}

const char *
tls_session_desc(const struct tls_session *ts)
{
	return ts->desc;
}

int
tls_session_resumed(const struct tls_session *ts)
{
	return gnutls_session_is_resumed(ts->s) != 0;
}

int
tls_session_export(struct tls_session *ts, unsigned char **data, size_t *len)
{
	gnutls_datum_t dt = { NULL, 0 };

	*data = NULL;
	*len = 0;
	if (gnutls_protocol_get_version(ts->s) == GNUTLS_TLS1_3) {
		if (!(gnutls_session_get_flags(ts->s) &
		    GNUTLS_SFLAGS_SESSION_TICKET))
			return -1;
	} else if (gnutls_session_is_resumed(ts->s))
		return -1;	/* TLS 1.2: the same session as before */
	if (gnutls_session_get_data2(ts->s, &dt) < 0 || dt.size == 0) {
		gnutls_free(dt.data);
		return -1;
	}
	*data = xmalloc(dt.size);
	memcpy(*data, dt.data, dt.size);
	*len = dt.size;
	explicit_bzero(dt.data, dt.size);
	gnutls_free(dt.data);
	return 0;
}

/* ========================================================== transport */

/* Map a GnuTLS record result to conn's transport convention. */
static ssize_t
tls_tr_result(struct tls_session *ts, ssize_t rc)
{
	if (rc >= 0)
		return rc;
	if (rc == GNUTLS_E_AGAIN)
		return gnutls_record_get_direction(ts->s) ? CONN_WANT_WRITE :
		    CONN_WANT_READ;
	/* A TCP close without close_notify: SMTP framing detects any cut. */
	if (rc == GNUTLS_E_PREMATURE_TERMINATION)
		return 0;
	(void)snprintf(ts->err, sizeof(ts->err), "TLS error: %s",
	    gnutls_strerror((int)rc));
	errno = EPROTO;
	return -1;
}

static ssize_t
tls_tr_read(void *ctx, int fd, void *p, size_t len)
{
	struct tls_session *ts = ctx;
	ssize_t rc;

	(void)fd;
	for (;;) {
		rc = gnutls_record_recv(ts->s, p, len);
		if (rc == GNUTLS_E_INTERRUPTED)
			continue;
		if (rc == GNUTLS_E_REHANDSHAKE) {
			/* TLS 1.2 renegotiation: decline, keep reading. */
			(void)gnutls_alert_send(ts->s, GNUTLS_AL_WARNING,
			    GNUTLS_A_NO_RENEGOTIATION);
			continue;
		}
		if (rc < 0 && rc != GNUTLS_E_AGAIN &&
		    !gnutls_error_is_fatal((int)rc))
			continue;	/* warning alert, TLS 1.3 ticket... */
		return tls_tr_result(ts, rc);
	}
}

static ssize_t
tls_tr_write(void *ctx, int fd, const void *p, size_t len)
{
	struct tls_session *ts = ctx;
	ssize_t rc;

	(void)fd;
	do
		rc = gnutls_record_send(ts->s, p, len);
	while (rc == GNUTLS_E_INTERRUPTED);
	return tls_tr_result(ts, rc);
}

static size_t
tls_tr_pending(void *ctx)
{
	struct tls_session *ts = ctx;

	return gnutls_record_check_pending(ts->s);
}

static const char *
tls_tr_error(void *ctx)
{
	struct tls_session *ts = ctx;

	return ts->err[0] != '\0' ? ts->err : NULL;
}

/* Send close_notify if the socket takes it at once, then free. */
static void
tls_tr_close(void *ctx)
{
	struct tls_session *ts = ctx;

	if (ts->handshaken)
		(void)gnutls_bye(ts->s, GNUTLS_SHUT_WR);
	tls_session_free(ts);
}
