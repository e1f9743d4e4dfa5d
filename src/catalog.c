/*
 * catalog.c - the error catalogue (design.md 7): one line of cause and
 * fix for every failure class and for SMTP replies by code.
 *
 * RFC 5321 4.2 (reply codes), RFC 3463 and the IANA "SMTP Enhanced
 * Status Codes" registry (5.1.1, 5.2.2, 5.7.1, 5.7.8 ...), RFC 4954 6
 * (AUTH: 530, 534, 535, 538, 454), RFC 7372 (5.7.20-5.7.29: SPF, DKIM,
 * DMARC and reverse-DNS results), RFC 1870 (552 / 5.3.4 size).
 *
 * Order matters for DC_SMTP: the first matching entry wins, so entries
 * are listed from the most specific (stage, words in the reply, exact
 * enhanced code) to the most general (any 4xx, any 5xx).  Keyword
 * entries only apply when the reply text is known.
 *
 * Security: pure data; the texts hold no configuration value, so a
 * bounce may quote them.
 */
#include "compat.h"

#include <stddef.h>
#include <string.h>

#include "catalog.h"
#include "diag.h"
#include "util.h"

#define PORT_HINT	"(587 = STARTTLS submission, 465 = implicit TLS, " \
			"25 = relay)"
#define RETRY		"a later attempt usually works"
/* Advice that two entries give: the reply code and its enhanced code, or
 * the enhanced code and the keyword in the text. */
#define ADV_APP_PASSWORD \
	"the account may not log in this way: create an app password " \
	"(accounts with two-factor authentication) or use OAuth2 " \
	"(\"auth XOAUTH2\" with a token from passwordeval)"
#define ADV_CREDENTIALS \
	"wrong user name or password: check \"user\" and the password " \
	"source. If the account uses two-factor authentication, use an " \
	"app password or OAuth2"
#define ADV_TOO_BIG \
	"the message is larger than the server accepts: send a smaller " \
	"message (a link instead of a large attachment)"
#define ADV_DMARC \
	"the message failed DMARC (SPF and DKIM did not pass for the " \
	"From domain): send From an address of the smarthost's own " \
	"domain, or publish SPF and DKIM for your domain"
#define ADV_SPF \
	"SPF of the sender's domain does not allow this server: add the " \
	"smarthost to the domain's SPF record"
#define ADV_DKIM \
	"no valid DKIM signature: sign the mail with DKIM for the From " \
	"domain"

static int	catalog_enh_match(const char *pat, const char *enh);
static int	catalog_kw_match(const char *kws, const char *reply);

static const struct catalog_entry catalog[] = {
	/* ------------------------------------------------ local classes */
	{ "config", DC_CONFIG, 0, 0, NULL, NULL,
	    "fix the configuration file (see sendsmtp.conf(5)); "
	    "\"sendsmtp -bC\" and \"sendsmtp --check\" show what is wrong" },
	{ "spool", DC_SPOOL, 0, 0, NULL, NULL,
	    "the queue directory is missing or not writable: run \"make "
	    "install\" or create it with mode 2770 root:sendsmtp" },
	{ "dns-noname", DC_DNS_NONAME, 0, 0, NULL, NULL,
	    "check \"host\" in sendsmtp.conf for a typo, and the DNS "
	    "settings (/etc/resolv.conf)" },
	{ "dns-fail", DC_DNS_FAIL, 0, 0, NULL, NULL,
	    "DNS does not answer: check the network and /etc/resolv.conf; "
	    RETRY },
	{ "dns-noaddr", DC_DNS_NOADDR, 0, 0, NULL, NULL,
	    "the name has no A or AAAA record: check \"host\" in "
	    "sendsmtp.conf (a mail domain is not a smarthost name)" },
	{ "conn-refused", DC_CONN_REFUSED, 0, 0, NULL, NULL,
	    "nothing accepts connections there: is the smarthost running "
	    "and is the port right? " PORT_HINT },
	{ "conn-timeout", DC_CONN_TIMEOUT, 0, 0, NULL, NULL,
	    "is a firewall dropping the traffic, or is the port wrong? Many "
	    "providers block port 25: use 587 or 465 " PORT_HINT },
	{ "conn-unreach", DC_CONN_UNREACH, 0, 0, NULL, NULL,
	    "no route to the smarthost: check this host's network, default "
	    "route, VPN and firewall" },
	{ "conn-lost", DC_CONN_LOST, 0, 0, NULL, NULL,
	    "the message will be retried; if this keeps happening, the "
	    "server's log says why it hangs up (limits, filters)" },
	{ "timeout", DC_TIMEOUT, 0, 0, NULL, NULL,
	    "the server is stalled or slow (raise \"timeout\" in "
	    "sendsmtp.conf if it is just slow); " RETRY },
	{ "protocol", DC_PROTOCOL, 0, 0, NULL, NULL,
	    "is this an SMTP server, and is the port right? " PORT_HINT },
	{ "tls-wants-implicit", DC_TLS_WANTS_IMPLICIT, 0, 0, NULL, NULL,
	    "the server waits for a TLS handshake first (implicit TLS, "
	    "usually port 465): set \"tls smtps\"" },
	{ "tls-wants-starttls", DC_TLS_WANTS_STARTTLS, 0, 0, NULL, NULL,
	    "this port speaks SMTP with STARTTLS, not implicit TLS; set "
	    "\"tls starttls\" (usually with port 587)" },
	{ "tls-no-starttls", DC_TLS_NO_STARTTLS, 0, 0, NULL, NULL,
	    "refusing to send in clear. Fix the server or, for a trusted "
	    "network only, set \"tls off\"" },
	{ "tls-refused", DC_TLS_REFUSED, 0, 0, NULL, NULL,
	    "the server refused STARTTLS, so nothing was sent (\"tls "
	    "starttls\" never falls back to plaintext); ask the server's "
	    "administrator to fix its TLS setup" },
	{ "tls-injection", DC_TLS_INJECTION, 0, 0, NULL, NULL,
	    "aborted before TLS, nothing was sent. Report it to the "
	    "server's administrator" },
	{ "tls-cert-expired", DC_TLS_CERT_EXPIRED, 0, 0, NULL, NULL,
	    "the server must renew it (and check this machine's clock)" },
	{ "tls-ca-expired", DC_TLS_CERT_CA_EXPIRED, 0, 0, NULL, NULL,
	    "the server must send a current chain" },
	{ "tls-cert-not-yet-valid", DC_TLS_CERT_NOT_YET_VALID, 0, 0, NULL,
	    NULL, "check this machine's clock (date, NTP) or ask the "
	    "server's administrator" },
	{ "tls-cert-unknown-ca", DC_TLS_CERT_UNKNOWN_CA, 0, 0, NULL, NULL,
	    "set tls_trust_file to a bundle holding that CA, add it to the "
	    "system store (update-ca-certificates; install the "
	    "ca-certificates package if it is missing), or pin the server "
	    "with tls_fingerprint" },
	{ "tls-cert-self-signed", DC_TLS_CERT_SELF_SIGNED, 0, 0, NULL, NULL,
	    "trust it with tls_trust_file, or pin it: tls_fingerprint " },
	{ "tls-cert-hostname", DC_TLS_CERT_HOSTNAME, 0, 0, NULL, NULL,
	    "set \"host\" to one of those names or fix the server's "
	    "certificate" },
	{ "tls-cert-pin", DC_TLS_CERT_PIN, 0, 0, NULL, NULL,
	    "if the server changed its key on purpose, update "
	    "tls_fingerprint" },
	{ "tls-cert-other", DC_TLS_CERT_OTHER, 0, 0, NULL, NULL,
	    "the server's administrator must fix its certificate chain" },
	{ "tls-version", DC_TLS_VERSION, 0, 0, NULL, NULL,
	    "upgrade the server, or, accepting the risk, allow old versions "
	    "with tls_priorities (e.g. \"NORMAL\")" },
	{ "tls-no-common", DC_TLS_NO_COMMON, 0, 0, NULL, NULL,
	    "no TLS version or cipher in common; check tls_priorities and "
	    "the server's TLS settings" },
	{ "tls-client-cert", DC_TLS_CLIENT_CERT, 0, 0, NULL, NULL,
	    "it wants an acceptable client certificate; check "
	    "tls_cert_file and tls_key_file" },
	{ "tls-handshake", DC_TLS_HANDSHAKE, 0, 0, NULL, NULL,
	    "check that \"tls\" matches the port " PORT_HINT "; " RETRY },
	{ "tls-setup", DC_TLS_SETUP, 0, 0, NULL, NULL,
	    "fix the TLS setting named above in sendsmtp.conf; mail waits "
	    "in the queue until then" },
	{ "auth-not-offered", DC_AUTH_NOT_OFFERED, 0, 0, NULL, NULL,
	    "check host and port (587 is the submission port), or set "
	    "\"auth off\" if the server needs no login" },
	{ "auth-plaintext", DC_AUTH_PLAINTEXT, 0, 0, NULL, NULL,
	    "set \"tls starttls\" or \"tls smtps\", or \"auth_plaintext "
	    "on\" if the network path is trusted" },
	{ "auth-no-mech", DC_AUTH_NO_MECH, 0, 0, NULL, NULL,
	    "set \"auth on\" or a mechanism both sides know; for OAuth2 set "
	    "\"auth XOAUTH2\" or \"auth OAUTHBEARER\" and a passwordeval "
	    "that prints the access token" },
	{ "auth-oauth-token", DC_AUTH_OAUTH_TOKEN, 0, 0, NULL, NULL,
	    "the token may have expired: make passwordeval print a fresh "
	    "one" },
	{ "auth-secret", DC_AUTH_SECRET, 0, 0, NULL, NULL,
	    "fix the password source (password, password_file or "
	    "passwordeval) in sendsmtp.conf; " RETRY },

	/* ------------------------------------- SMTP: stage-specific */
	{ "smtp-greeting-5xx", DC_SMTP, STAGE_GREETING, 5, NULL, NULL,
	    "the server refuses this client at connection time (no SMTP "
	    "service for it, or its IP address is blocked): check host and "
	    "port, and whether this IP is on a blocklist" },
	{ "smtp-ehlo-5xx", DC_SMTP, STAGE_EHLO, 5, NULL, NULL,
	    "the server refused our EHLO name: set \"domain\" to this "
	    "host's fully qualified name" },
	{ "smtp-auth-454", DC_SMTP, STAGE_AUTH, 454, NULL, NULL,
	    "a temporary authentication problem on the server side; "
	    RETRY },
	{ "smtp-auth-504", DC_SMTP, STAGE_AUTH, 504, NULL, NULL,
	    "set \"auth on\" to let sendsmtp pick a mechanism it offers" },

	/* ------------------------------------- SMTP: AUTH replies */
	{ "smtp-530", DC_SMTP, 0, 530, NULL, NULL,
	    "the server requires authentication: set \"user\" and a "
	    "password source in sendsmtp.conf (auth is on when user is "
	    "set); " RETRY },
	{ "smtp-534", DC_SMTP, 0, 534, NULL, NULL,
	    ADV_APP_PASSWORD },
	{ "smtp-5.7.9", DC_SMTP, 0, 5, "5.7.9", NULL,
	    ADV_APP_PASSWORD },
	{ "smtp-535", DC_SMTP, 0, 535, NULL, NULL,
	    ADV_CREDENTIALS },
	{ "smtp-5.7.8", DC_SMTP, 0, 5, "5.7.8", NULL,
	    ADV_CREDENTIALS },
	{ "smtp-538", DC_SMTP, 0, 538, NULL, NULL,
	    "the server wants an encrypted connection for AUTH: set \"tls "
	    "starttls\" or \"tls smtps\"" },

	/* ------------------------------------- SMTP: mailbox and size */
	{ "smtp-x.1.1", DC_SMTP, 0, 0, "*.1.1", NULL,
	    "the recipient's mailbox does not exist: check the address for "
	    "typos" },
	{ "smtp-x.1.10", DC_SMTP, 0, 0, "*.1.10", NULL,
	    "the recipient's domain accepts no mail (null MX): check the "
	    "address" },
	{ "smtp-x.1.2", DC_SMTP, 0, 0, "*.1.2", NULL,
	    "the recipient's domain does not exist or has no mail server: "
	    "check the part after the @" },
	{ "smtp-x.1.8", DC_SMTP, 0, 0, "*.1.8", NULL,
	    "the sender's domain does not resolve: set \"from\" (or -f) to "
	    "an address of a real, public domain" },
	{ "smtp-4.2.2", DC_SMTP, 0, 4, "*.2.2", NULL,
	    "the recipient's mailbox is full; " RETRY },
	{ "smtp-5.2.2", DC_SMTP, 0, 5, "*.2.2", NULL,
	    "the recipient's mailbox is full: they must free space before "
	    "mail can be delivered" },
	{ "smtp-552", DC_SMTP, 0, 552, NULL, NULL,
	    ADV_TOO_BIG },
	{ "smtp-x.3.4", DC_SMTP, 0, 0, "*.3.4", NULL,
	    ADV_TOO_BIG },
	{ "smtp-452-rcpts", DC_SMTP, 0, 452, "*.5.3", NULL,
	    "too many recipients for one transaction; sendsmtp sends the "
	    "rest separately or retries" },
	{ "smtp-x.5.3", DC_SMTP, 0, 5, "*.5.3", NULL,
	    "too many recipients for one message: split the list" },
	{ "smtp-x.6.7", DC_SMTP, 0, 0, "*.6.7", NULL,
	    "non-ASCII addresses need SMTPUTF8: use ASCII addresses or a "
	    "smarthost that supports SMTPUTF8" },

	/* ------------------------------------- SMTP: authentication of mail */
	{ "smtp-x.7.26", DC_SMTP, 0, 0, "*.7.26", NULL,
	    ADV_DMARC },
	{ "smtp-x.7.23", DC_SMTP, 0, 0, "*.7.23", NULL,
	    ADV_SPF },
	{ "smtp-x.7.24", DC_SMTP, 0, 0, "*.7.24", NULL,
	    "the SPF record of the sender's domain is broken: fix its "
	    "syntax" },
	{ "smtp-x.7.20", DC_SMTP, 0, 0, "*.7.20", NULL,
	    ADV_DKIM },
	{ "smtp-x.7.27", DC_SMTP, 0, 0, "*.7.27", NULL,
	    "the sender's domain accepts no mail (null MX): use a sender "
	    "address of a domain that receives mail" },
	{ "smtp-x.7.25", DC_SMTP, 0, 0, "*.7.25", NULL,
	    "the sending IP address has no matching reverse DNS (PTR): ask "
	    "the provider to set it, or send through its smarthost" },
	{ "smtp-kw-dmarc", DC_SMTP, 0, 0, "*.7.", "dmarc",
	    ADV_DMARC },
	{ "smtp-kw-spf", DC_SMTP, 0, 0, "*.7.", "spf",
	    ADV_SPF },
	{ "smtp-kw-dkim", DC_SMTP, 0, 0, "*.7.", "dkim",
	    ADV_DKIM },
	{ "smtp-kw-relay", DC_SMTP, 0, 5, NULL, "relay",
	    "the smarthost does not relay for this client: authenticate "
	    "(\"user\" and a password) or ask its administrator to allow "
	    "this host" },
	{ "smtp-kw-sender", DC_SMTP, 0, 5, "*.7.", "sender|not owned|"
	    "send as|send mail as|from address|envelope from",
	    "the server does not let this account send as this sender: set "
	    "\"from\" to the account's own address and allow_from_override "
	    "off" },
	{ "smtp-kw-reputation", DC_SMTP, 0, 5, NULL, "blocklist|blacklist|"
	    "block list|spamhaus|reputation|dnsbl|listed at|listed on|"
	    "listed in",
	    "the sending IP address or domain is on a blocklist: check it "
	    "on public blocklists and ask for removal, or send through the "
	    "provider's submission server" },
	{ "smtp-kw-spam", DC_SMTP, 0, 5, NULL, "spam|virus|content|"
	    "malware|phish",
	    "the server's filter judged the content (spam, virus, links or "
	    "attachments): change the message; check SPF, DKIM and DMARC of "
	    "the sending domain" },
	{ "smtp-kw-rate", DC_SMTP, 0, 4, NULL, "rate limit|ratelimit|"
	    "rate-limit|too many|throttl|slow down|exceeded",
	    "the server is rate-limiting this client; " RETRY ". If it "
	    "persists, send less mail per hour or ask about the quota" },
	{ "smtp-kw-greylist", DC_SMTP, 0, 4, NULL, "greylist|grey-list|"
	    "graylist|greylisted",
	    "greylisting or a temporary policy: nothing to do, " RETRY },
	{ "smtp-x.7.0-auth", DC_SMTP, 0, 5, "5.7.0", "auth",
	    "the server requires authentication: set \"user\" and a "
	    "password source in sendsmtp.conf; " RETRY },
	{ "smtp-5.7.1", DC_SMTP, 0, 5, "5.7.1", NULL,
	    "the receiving server's policy refused it (5.7.1: relaying, "
	    "sender or content); its reason says which" },
	{ "smtp-5.7.x", DC_SMTP, 0, 5, "5.7.", NULL,
	    "refused for security or policy reasons (often SPF, DKIM, DMARC "
	    "or a blocklist); the server's reason says which" },

	/* ------------------------------------- SMTP: by basic code */
	{ "smtp-421", DC_SMTP, 0, 421, NULL, NULL,
	    "the server is busy, throttling or shutting down and closed the "
	    "connection; " RETRY },
	{ "smtp-450", DC_SMTP, 0, 450, NULL, NULL,
	    "the mailbox is busy or the server applies a temporary policy "
	    "(greylisting); " RETRY },
	{ "smtp-451", DC_SMTP, 0, 451, NULL, NULL,
	    "a temporary error on the server; " RETRY ". If it persists, "
	    "ask the server's administrator" },
	{ "smtp-452", DC_SMTP, 0, 452, NULL, NULL,
	    "the server is short of storage or the mailbox is over quota; "
	    RETRY },
	{ "smtp-550", DC_SMTP, 0, 550, NULL, NULL,
	    "the server refused it permanently (mailbox unavailable or "
	    "policy); its reason says why" },
	{ "smtp-553", DC_SMTP, 0, 553, NULL, NULL,
	    "the server does not accept this address: check it for typos, "
	    "and \"from\" for the sender" },
	{ "smtp-554", DC_SMTP, 0, 554, NULL, NULL,
	    "the server refused the transaction permanently (often policy "
	    "or content); its reason says why" },
	{ "smtp-4xx", DC_SMTP, 0, 4, NULL, NULL,
	    "a temporary failure on the server side; " RETRY },
	{ "smtp-5xx", DC_SMTP, 0, 5, NULL, NULL,
	    "a permanent refusal: the server's reason says why; sending "
	    "again unchanged will not help" },
};

#define CATALOG_N	(sizeof(catalog) / sizeof(catalog[0]))

/* "5.7.1" exact, "5.7." prefix, "*.7.26" any class digit. */
static int
catalog_enh_match(const char *pat, const char *enh)
{
	size_t n;

	if (pat == NULL)
		return 1;
	if (enh == NULL || enh[0] == '\0')
		return 0;
	if (pat[0] == '*') {
		pat++;
		enh++;
	}
	n = strlen(pat);
	if (n > 0 && pat[n - 1] == '.')
		return strncmp(enh, pat, n) == 0;
	return strcmp(enh, pat) == 0;
}

/* 1 if one of the '|'-separated words occurs in reply (any case). */
static int
catalog_kw_match(const char *kws, const char *reply)
{
	const char *w, *end, *p;
	size_t n;

	if (kws == NULL)
		return 1;
	if (reply == NULL)
		return 0;
	for (w = kws; *w != '\0'; w = *end == '|' ? end + 1 : end) {
		end = strchr(w, '|');
		if (end == NULL)
			end = w + strlen(w);
		n = (size_t)(end - w);
		if (n == 0)
			continue;
		for (p = reply; *p != '\0'; p++)
			if (ascii_strncasecmp(p, w, n) == 0)
				return 1;
	}
	return 0;
}

const struct catalog_entry *
catalog_lookup(enum diag_class cls, int stage, int code, const char *enh,
    const char *reply)
{
	const struct catalog_entry *e;
	size_t i;

	if (cls == DC_NONE || cls >= DC_COUNT)
		return NULL;
	if (cls == DC_SMTP && (code < 400 || code > 599))
		return NULL;
	for (i = 0; i < CATALOG_N; i++) {
		e = &catalog[i];
		if (e->cls != cls)
			continue;
		if (cls != DC_SMTP)
			return e;
		if (e->stage != 0 && e->stage != stage)
			continue;
		if (e->code != 0 && (e->code < 10 ? code / 100 != e->code :
		    code != e->code))
			continue;
		if (!catalog_enh_match(e->enh, enh) ||
		    !catalog_kw_match(e->kw, reply))
			continue;
		return e;
	}
	return NULL;
}

const char *
catalog_text(enum diag_class cls)
{
	const struct catalog_entry *e;

	if (cls == DC_SMTP)
		return "";
	e = catalog_lookup(cls, 0, 0, NULL, NULL);
	return e != NULL ? e->text : "";
}

const struct catalog_entry *
catalog_table(size_t *n)
{
	*n = CATALOG_N;
	return catalog;
}
