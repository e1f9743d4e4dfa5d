/*
 * catalog.h - the error catalogue: one table that maps every failure
 * class sendsmtp knows (local, DNS/connect, TLS, AUTH, and SMTP replies
 * by basic and enhanced status code) to one line naming the cause and
 * the fix (design.md 7).
 *
 * The facts of a failure (host, port, the server's words, the dates of a
 * certificate) are written where it happens; the advice comes from here,
 * through diag_advise() (diag.h), so that the very same line reaches
 * stderr, the log, mailq's last error, --check and, for SMTP replies,
 * bounces.  Pure: no I/O, no allocation.
 */
#ifndef SENDSMTP_CATALOG_H
#define SENDSMTP_CATALOG_H

#include <stddef.h>

/* What kind of failure; DC_SMTP entries are chosen by the reply. */
enum diag_class {
	DC_NONE = 0,		/* not classified: no advice */
	DC_CONFIG,		/* bad, missing or insecure configuration */
	DC_SPOOL,		/* the queue directory */
	DC_DNS_NONAME,		/* the smarthost name does not exist */
	DC_DNS_FAIL,		/* no answer from DNS */
	DC_DNS_NOADDR,		/* the name has no A/AAAA record */
	DC_CONN_REFUSED,	/* RST: nothing listens there */
	DC_CONN_TIMEOUT,	/* no answer to the SYN */
	DC_CONN_UNREACH,	/* no route, network down */
	DC_CONN_LOST,		/* the server hung up mid-session */
	DC_TIMEOUT,		/* a stage took longer than "timeout" */
	DC_PROTOCOL,		/* the peer does not speak SMTP here */
	DC_TLS_WANTS_IMPLICIT,	/* no greeting: the port expects TLS first */
	DC_TLS_WANTS_STARTTLS,	/* "tls smtps" got a plaintext greeting */
	DC_TLS_NO_STARTTLS,	/* STARTTLS not offered */
	DC_TLS_REFUSED,		/* STARTTLS answered with an error */
	DC_TLS_INJECTION,	/* plaintext after the 220 to STARTTLS */
	DC_TLS_CERT_EXPIRED,
	DC_TLS_CERT_CA_EXPIRED,	/* a CA of the chain, not the leaf */
	DC_TLS_CERT_NOT_YET_VALID,
	DC_TLS_CERT_UNKNOWN_CA,
	DC_TLS_CERT_SELF_SIGNED,
	DC_TLS_CERT_HOSTNAME,
	DC_TLS_CERT_PIN,
	DC_TLS_CERT_OTHER,	/* revoked, insecure algorithm, no cert... */
	DC_TLS_VERSION,		/* the server only has TLS < 1.2 */
	DC_TLS_NO_COMMON,	/* no cipher/version in common */
	DC_TLS_CLIENT_CERT,	/* the server wants a client certificate */
	DC_TLS_HANDSHAKE,	/* any other handshake failure */
	DC_TLS_SETUP,		/* trust store, priorities, client cert */
	DC_AUTH_NOT_OFFERED,	/* auth configured, server has no AUTH */
	DC_AUTH_PLAINTEXT,	/* would send a password in clear */
	DC_AUTH_NO_MECH,	/* no mechanism in common */
	DC_AUTH_OAUTH_TOKEN,	/* the server refused an OAuth2 token */
	DC_AUTH_SECRET,		/* the password source failed */
	DC_SMTP,		/* a server reply: code and enhanced code */
	DC_COUNT
};

struct catalog_entry {
	const char	*id;	/* stable name ("smtp-550-5.1.1"): JSON, tests */
	enum diag_class	 cls;
	int		 stage;	/* DC_SMTP: enum smtp_stage, 0 = any */
	int		 code;	/* DC_SMTP: 0 any, 4 or 5 the class, else
				 * the exact reply code */
	const char	*enh;	/* NULL any; "5.7.26" exact; "5.7." prefix;
				 * "*.7.26" any class digit */
	const char	*kw;	/* NULL any; '|'-separated words of which
				 * one must be in the reply (ASCII case-
				 * insensitive) */
	const char	*text;	/* the cause and the fix, one line */
};

/*
 * The entry for a failure: for DC_SMTP the first table entry whose
 * stage (enum smtp_stage), code, enhanced code and words all match (the
 * table lists the specific before the general; a generic 4xx / 5xx entry
 * always matches), for any other class its own entry.  reply may be
 * NULL.  Returns NULL only for DC_NONE, an unknown class, or a DC_SMTP
 * code outside 400-599.
 */
const struct catalog_entry *catalog_lookup(enum diag_class cls, int stage,
	    int code, const char *enh, const char *reply);

/* The text of the entry of a non-SMTP class, or "" (never NULL). */
const char *catalog_text(enum diag_class cls);

/* The whole table (for tests and the man page), and its size. */
const struct catalog_entry *catalog_table(size_t *n);

#endif /* SENDSMTP_CATALOG_H */
