/*
 * config_keys.c - the keys of sendsmtp.conf(5) and their values.
 *
 * No RFC: the format is ours (design.md 5), made to read msmtp's msmtprc
 * unchanged where that is safe.  config.c splits the file into lines and
 * sections; this file owns the key table, checks every value and stores
 * it in a section (struct conf_acct).
 *
 * msmtp keys accepted and ignored, because honouring or ignoring them
 * changes no security property (only the one value that matches what
 * sendsmtp does anyway is accepted where a value is listed):
 *   protocol smtp, from_full_name *, logfile_time_format *, maildomain *,
 *   set_from_header auto (and "on" means sender_policy header),
 *   set_date_header auto, set_msgid_header auto,
 *   remove_bcc_headers on, undisclosed_recipients off, dsn_notify off,
 *   dsn_return off, add_missing_from_header on, add_missing_date_header
 *   on, auto_from off.
 * msmtp keys refused with a reason (conf_unsupported): connection
 * redirection (source_ip, proxy_host, proxy_port, socket), TLS knobs we
 * cannot honour (tls_crl_file, tls_min_dh_prime_bits, tls_host_override,
 * tls_nocertcheck, tls_force_sslv3), ntlmdomain and eval.
 *
 * Security: the password is never put in a message; every string a
 * section drops is wiped first (freezero_str), the password included.
 * File paths must be absolute: the binary is setgid, and a relative
 * trust file or key file would be looked up in the caller's directory.
 *
 * Size: this file is longer than our usual 600 lines because it is one
 * declarative key table plus some twenty validators of 10 to 40 lines
 * each; splitting it would only turn every validator into an export.
 */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bounds.h"
#include "config_priv.h"
#include "util.h"

#define KF_BARE_ON	0x01	/* a key without value means "on" */

/* Largest duration: one year. */
#define CONF_DURATION_MAX	(365L * 24 * 3600)
/* "timeout off": msmtp waits forever; we wait the longest we allow. */
#define CONF_TIMEOUT_MAX	3600
/* Longest key we try to correct with a suggestion. */
#define CONF_SUGGEST_MAX	32

struct conf_key;
typedef int (*conf_setter)(struct conf_ctx *, struct conf_acct *,
    const struct conf_key *, const char *);

struct conf_key {
	const char	*name;
	conf_setter	 set;
	enum conf_field	 field;
	int		 flags;
	const char	*arg;	/* set_ignored: the value we accept */
};

struct conf_fdesc {
	size_t		 off;
	size_t		 size;
	int		 is_str;
};

static char	**conf_fstr(struct conf_acct *, enum conf_field);
static void	 conf_field_clear(struct conf_acct *, enum conf_field);
static void	 conf_field_copy(struct conf_acct *, const struct conf_acct *,
		    enum conf_field);
static void	 conf_mark(struct conf_ctx *, struct conf_acct *,
		    enum conf_field);
static void	 conf_setstr(struct conf_ctx *, struct conf_acct *,
		    enum conf_field, const char *);
static int	 conf_bad(struct conf_ctx *, const char *, const char *,
		    const char *);
static int	 conf_is(const char *, const char *);
static int	 conf_parse_bool(const char *, int *);
static int	 conf_parse_duration(const char *, long *);
static int	 conf_valid_host(const char *);
static const struct conf_key *conf_key_find(const char *);
static int	 conf_unknown(struct conf_ctx *, const char *);
static int	 conf_distance(const char *, const char *);

/* Every setter checks one value and stores it in a section. */
#define CONF_SETTER(fn) static int fn(struct conf_ctx *, struct conf_acct *, \
	    const struct conf_key *, const char *)
CONF_SETTER(set_str);
CONF_SETTER(set_path);
CONF_SETTER(set_bool);
CONF_SETTER(set_duration);
CONF_SETTER(set_host);
CONF_SETTER(set_port);
CONF_SETTER(set_tls);
CONF_SETTER(set_trust);
CONF_SETTER(set_fingerprint);
CONF_SETTER(set_auth);
CONF_SETTER(set_secret);
CONF_SETTER(set_from);
CONF_SETTER(set_timeout);
CONF_SETTER(set_delivery);
CONF_SETTER(set_queue_dir);
CONF_SETTER(set_log);
CONF_SETTER(set_logfile);
CONF_SETTER(set_syslog);
CONF_SETTER(set_ignored);
CONF_SETTER(set_dkim_domain);
CONF_SETTER(set_dkim_list);
static int	 conf_valid_dns(const char *, size_t);
static size_t	 conf_count_items(const char *);
CONF_SETTER(set_sender_policy);
CONF_SETTER(set_from_header);

#define FSTR(m)	{ offsetof(struct conf_acct, m), sizeof(char *), 1 }
#define FNUM(m)	{ offsetof(struct conf_acct, m), \
	    sizeof(((struct conf_acct *)NULL)->m), 0 }

static const struct conf_fdesc conf_fields[CF_COUNT] = {
	[CF_HOST] = FSTR(c.host),
	[CF_PORT] = FNUM(c.port),
	[CF_TLS_ON] = FNUM(tls_on),
	[CF_STARTTLS] = FNUM(starttls),
	[CF_TLS_TRUST_FILE] = FSTR(c.tls_trust_file),
	[CF_TLS_VERIFY] = FNUM(c.tls_verify),
	[CF_TLS_FINGERPRINT] = FSTR(c.tls_fingerprint),
	[CF_TLS_CERT_FILE] = FSTR(c.tls_cert_file),
	[CF_TLS_KEY_FILE] = FSTR(c.tls_key_file),
	[CF_TLS_PRIORITIES] = FSTR(c.tls_priorities),
	[CF_TLS_SESSION_CACHE] = FNUM(c.tls_session_cache),
	[CF_AUTH] = FNUM(c.auth),
	[CF_AUTH_MECH] = FSTR(c.auth_mech),
	[CF_AUTH_PLAINTEXT] = FNUM(c.auth_plaintext),
	[CF_USER] = FSTR(c.user),
	[CF_PASSWORD] = FSTR(c.password),
	[CF_PASSWORD_FILE] = FSTR(c.password_file),
	[CF_PASSWORDEVAL] = FSTR(c.passwordeval),
	[CF_FROM] = FSTR(c.from),
	[CF_ALLOW_FROM] = FNUM(c.allow_from_override),
	[CF_DOMAIN] = FSTR(c.domain),
	[CF_ALIASES] = FSTR(c.aliases),
	[CF_TIMEOUT] = FNUM(c.timeout),
	[CF_DELIVERY] = FNUM(c.delivery),
	[CF_QUEUE_DIR] = FSTR(c.queue_dir),
	[CF_QUEUE_LIFETIME] = FNUM(c.queue_lifetime),
	[CF_RETRY_MIN] = FNUM(c.retry_min),
	[CF_RETRY_MAX] = FNUM(c.retry_max),
	[CF_LOG] = FSTR(c.log),
	[CF_SENDER_POLICY] = FNUM(c.sender_policy),
	[CF_DKIM_DOMAIN] = FSTR(c.dkim_domain),
	[CF_DKIM_SELECTOR] = FSTR(c.dkim_selector),
	[CF_DKIM_KEY_FILE] = FSTR(c.dkim_key_file),
};

/* Documentation order; "account" and "defaults" live in config.c. */
static const struct conf_key conf_keys[] = {
	{ "host", set_host, CF_HOST, 0, NULL },
	{ "port", set_port, CF_PORT, 0, NULL },
	{ "tls", set_tls, CF_TLS_ON, KF_BARE_ON, NULL },
	{ "tls_starttls", set_bool, CF_STARTTLS, KF_BARE_ON, NULL },
	{ "tls_trust_file", set_trust, CF_TLS_TRUST_FILE, 0, NULL },
	{ "tls_verify", set_bool, CF_TLS_VERIFY, KF_BARE_ON, NULL },
	{ "tls_certcheck", set_bool, CF_TLS_VERIFY, KF_BARE_ON, NULL },
	{ "tls_fingerprint", set_fingerprint, CF_TLS_FINGERPRINT, 0, NULL },
	{ "tls_cert_file", set_path, CF_TLS_CERT_FILE, 0, NULL },
	{ "tls_key_file", set_path, CF_TLS_KEY_FILE, 0, NULL },
	{ "tls_priorities", set_str, CF_TLS_PRIORITIES, 0, NULL },
	{ "tls_session_cache", set_bool, CF_TLS_SESSION_CACHE, KF_BARE_ON,
	    NULL },
	{ "auth", set_auth, CF_AUTH, KF_BARE_ON, NULL },
	{ "auth_plaintext", set_bool, CF_AUTH_PLAINTEXT, KF_BARE_ON, NULL },
	{ "user", set_str, CF_USER, 0, NULL },
	{ "password", set_secret, CF_PASSWORD, 0, NULL },
	{ "password_file", set_secret, CF_PASSWORD_FILE, 0, NULL },
	{ "passwordeval", set_secret, CF_PASSWORDEVAL, 0, NULL },
	{ "from", set_from, CF_FROM, 0, NULL },
	{ "allow_from_override", set_bool, CF_ALLOW_FROM, KF_BARE_ON, NULL },
	{ "domain", set_host, CF_DOMAIN, 0, NULL },
	{ "aliases", set_path, CF_ALIASES, 0, NULL },
	{ "sender_policy", set_sender_policy, CF_SENDER_POLICY, 0, NULL },
	{ "timeout", set_timeout, CF_TIMEOUT, 0, NULL },
	{ "delivery", set_delivery, CF_DELIVERY, 0, NULL },
	{ "queue_dir", set_queue_dir, CF_QUEUE_DIR, 0, NULL },
	{ "queue_lifetime", set_duration, CF_QUEUE_LIFETIME, 0, NULL },
	{ "retry_min", set_duration, CF_RETRY_MIN, 0, NULL },
	{ "retry_max", set_duration, CF_RETRY_MAX, 0, NULL },
	{ "log", set_log, CF_LOG, 0, NULL },
	{ "logfile", set_logfile, CF_LOG, 0, NULL },
	{ "syslog", set_syslog, CF_LOG, KF_BARE_ON, NULL },
	{ "dkim_domain", set_dkim_domain, CF_DKIM_DOMAIN, 0, NULL },
	{ "dkim_selector", set_dkim_list, CF_DKIM_SELECTOR, 0, NULL },
	{ "dkim_key_file", set_dkim_list, CF_DKIM_KEY_FILE, 0, NULL },
	/* msmtp keys we may safely ignore (see the comment at the top) */
	{ "protocol", set_ignored, CF_COUNT, 0, "smtp" },
	{ "from_full_name", set_ignored, CF_COUNT, 0, NULL },
	{ "logfile_time_format", set_ignored, CF_COUNT, 0, NULL },
	{ "maildomain", set_ignored, CF_COUNT, 0, NULL },
	{ "set_from_header", set_from_header, CF_SENDER_POLICY, 0, NULL },
	{ "set_date_header", set_ignored, CF_COUNT, 0, "auto" },
	{ "set_msgid_header", set_ignored, CF_COUNT, 0, "auto" },
	{ "remove_bcc_headers", set_ignored, CF_COUNT, KF_BARE_ON, "on" },
	{ "undisclosed_recipients", set_ignored, CF_COUNT, 0, "off" },
	{ "dsn_notify", set_ignored, CF_COUNT, 0, "off" },
	{ "dsn_return", set_ignored, CF_COUNT, 0, "off" },
	{ "add_missing_from_header", set_ignored, CF_COUNT, KF_BARE_ON, "on" },
	{ "add_missing_date_header", set_ignored, CF_COUNT, KF_BARE_ON, "on" },
	{ "auto_from", set_ignored, CF_COUNT, 0, "off" },
};
#define CONF_NKEYS	(sizeof(conf_keys) / sizeof(conf_keys[0]))

/* msmtp keys that ask for something we cannot do, and what to do. */
static const struct {
	const char	*name;
	const char	*why;
} conf_unsupported[] = {
	{ "source_ip", "the system chooses the source address; remove it" },
	{ "proxy_host", "SOCKS proxies are not supported" },
	{ "proxy_port", "SOCKS proxies are not supported" },
	{ "socket", "local sockets are not supported; set host instead" },
	{ "tls_crl_file", "CRL checks are not supported; remove it or pin "
	    "the certificate with tls_fingerprint" },
	{ "tls_min_dh_prime_bits", "set the minimum in tls_priorities "
	    "instead" },
	{ "tls_host_override", "the certificate is always checked against "
	    "host; set host to the name in the certificate" },
	{ "tls_nocertcheck", "write \"tls_verify off\" instead" },
	{ "tls_force_sslv3", "SSLv3 is insecure and not supported" },
	{ "ntlmdomain", "NTLM authentication is not supported" },
	{ "eval", "write the settings into the file itself" },
};

/* AUTH mechanisms we can do (Cyrus SASL), then ones msmtp also knows. */
static const char *const conf_mechs[] = {
	"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256",
	"XOAUTH2", "OAUTHBEARER", NULL
};
static const char *const conf_mechs_other[] = {
	"EXTERNAL", "GSSAPI", "DIGEST-MD5", "NTLM", NULL
};
#define CONF_MECH_LIST	"PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, " \
	"SCRAM-SHA-256, XOAUTH2 or OAUTHBEARER"

static const enum conf_field conf_pw_fields[] = {
	CF_PASSWORD, CF_PASSWORD_FILE, CF_PASSWORDEVAL
};
static const char *const conf_pw_names[] = {
	"password", "password_file", "passwordeval"
};
#define CONF_NPW	3

/* ------------------------------------------------------------ sections */

static char **
conf_fstr(struct conf_acct *a, enum conf_field f)
{
	return (char **)(void *)((char *)a + conf_fields[f].off);
}

static void
conf_field_clear(struct conf_acct *a, enum conf_field f)
{
	char **sp;

	if (conf_fields[f].is_str) {
		sp = conf_fstr(a, f);
		freezero_str(*sp);
		*sp = NULL;
	}
	a->set[f] = 0;
	a->own[f] = 0;
}

static void
conf_field_copy(struct conf_acct *dst, const struct conf_acct *src,
    enum conf_field f)
{
	const struct conf_fdesc *fd = &conf_fields[f];
	char **dp;
	char *const *sp;

	if (fd->is_str) {
		dp = conf_fstr(dst, f);
		sp = (char *const *)(const void *)((const char *)src + fd->off);
		freezero_str(*dp);
		*dp = *sp == NULL ? NULL : xstrdup(*sp);
	} else
		memcpy((char *)dst + fd->off, (const char *)src + fd->off,
		    fd->size);
	dst->set[f] = src->set[f];
	dst->own[f] = 0;
}

void
conf_acct_init(struct conf_acct *a, const char *name, int line)
{
	memset(a, 0, sizeof(*a));
	a->name = name == NULL ? NULL : xstrdup(name);
	a->line = line;
	config_defaults(&a->c);
	a->tls_on = 1;
	a->starttls = 1;
}

void
conf_acct_free(struct conf_acct *a)
{
	config_free(&a->c);
	free(a->name);
	memset(a, 0, sizeof(*a));
}

void
conf_acct_inherit(struct conf_acct *dst, const struct conf_acct *src,
    int all)
{
	int f, i;

	for (f = 0; f < CF_COUNT; f++) {
		if (!all && src->set[f] == 0)
			continue;
		conf_field_copy(dst, src, (enum conf_field)f);
	}
	if (all)
		return;
	/* A password source from src replaces any other one dst had. */
	for (i = 0; i < CONF_NPW; i++) {
		if (src->set[conf_pw_fields[i]] == 0)
			continue;
		for (f = 0; f < CONF_NPW; f++)
			if (f != i && src->set[conf_pw_fields[f]] == 0)
				conf_field_clear(dst, conf_pw_fields[f]);
	}
}

enum tls_mode
conf_acct_tls(const struct conf_acct *a)
{
	if (!a->tls_on)
		return TLS_MODE_OFF;
	return a->starttls ? TLS_MODE_STARTTLS : TLS_MODE_SMTPS;
}

static void
conf_mark(struct conf_ctx *x, struct conf_acct *a, enum conf_field f)
{
	a->set[f] = x->line;
	a->own[f] = 1;
}

/* Store a string field; "" unsets it. */
static void
conf_setstr(struct conf_ctx *x, struct conf_acct *a, enum conf_field f,
    const char *val)
{
	char **sp = conf_fstr(a, f);

	freezero_str(*sp);
	*sp = *val == '\0' ? NULL : xstrdup(val);
	conf_mark(x, a, f);
}

/* ------------------------------------------------------------ messages */

int
conf_error(struct conf_ctx *x, const char *fmt, ...)
{
	char msg[DIAG_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return diag_set(x->d, EX_CONFIG, "%s:%d: %s", x->path, x->line, msg);
}

void
conf_show(char *dst, size_t size, const char *val)
{
	size_t i, n, lim;

	if (size == 0)
		return;
	lim = size - 1;
	if (lim > 40)
		lim = 40;
	for (i = n = 0; val[i] != '\0' && n < lim; i++) {
		unsigned char c = (unsigned char)val[i];

		dst[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[n] = '\0';
	if (val[i] != '\0' && n + 3 < size)
		(void)strlcat(dst, "...", size);
}

static int
conf_bad(struct conf_ctx *x, const char *key, const char *val,
    const char *expected)
{
	char shown[64];

	conf_show(shown, sizeof(shown), val);
	return conf_error(x, "bad value \"%s\" for %s; expected %s", shown,
	    key, expected);
}

/* ------------------------------------------------------------ values */

static int
conf_is(const char *val, const char *word)
{
	return ascii_strcasecmp(val, word) == 0;
}

static int
conf_parse_bool(const char *val, int *out)
{
	if (conf_is(val, "on"))
		*out = 1;
	else if (conf_is(val, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* Seconds, or a number with s, m, h or d; 1 second to one year. */
static int
conf_parse_duration(const char *val, long *out)
{
	char num[24];
	const char *errstr;
	size_t len = strlen(val);
	long unit = 1;
	long long n;

	if (len == 0 || len >= sizeof(num))
		return -1;
	switch (val[len - 1]) {
	case 's':
		len--;
		break;
	case 'm':
		unit = 60;
		len--;
		break;
	case 'h':
		unit = 3600;
		len--;
		break;
	case 'd':
		unit = 86400;
		len--;
		break;
	default:
		break;
	}
	if (len == 0 || val[0] < '0' || val[0] > '9')
		return -1;	/* strtonum would take "+5" and " 5" */
	memcpy(num, val, len);
	num[len] = '\0';
	n = strtonum(num, 1, CONF_DURATION_MAX / unit, &errstr);
	if (errstr != NULL)
		return -1;
	*out = (long)n * unit;
	return 0;
}

/* A host name, IPv4 or IPv6 address (bracketed or not). */
static int
conf_valid_host(const char *val)
{
	size_t i, len = strlen(val);

	if (len == 0 || len > ADDR_DOMAIN_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)val[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_' || c == ':' || c == '[' || c == ']')
			continue;
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ setters */

static int
set_str(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	conf_setstr(x, a, k->field, val);
	return 0;
}

static int
set_path(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	if (*val != '\0' && *val != '/')
		return conf_bad(x, k->name, val, "an absolute path "
		    "(~ and relative paths are not expanded)");
	conf_setstr(x, a, k->field, val);
	return 0;
}

static int
set_bool(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	int b;

	if (conf_parse_bool(val, &b) == -1) {
		if (conf_is(val, "yes") || conf_is(val, "true") ||
		    conf_is(val, "1") || conf_is(val, "no") ||
		    conf_is(val, "false") || conf_is(val, "0"))
			return conf_bad(x, k->name, val, "on or off (write "
			    "\"on\" or \"off\", as msmtp does)");
		return conf_bad(x, k->name, val, "on or off");
	}
	*(int *)(void *)((char *)a + conf_fields[k->field].off) = b;
	conf_mark(x, a, k->field);
	return 0;
}

static int
set_duration(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	long secs;

	if (conf_parse_duration(val, &secs) == -1)
		return conf_bad(x, k->name, val, "seconds, or a number with "
		    "s, m, h or d (e.g. 5m, 1h, 5d), at most 365d");
	*(long *)(void *)((char *)a + conf_fields[k->field].off) = secs;
	conf_mark(x, a, k->field);
	return 0;
}

static int
set_host(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	if (k->field == CF_DOMAIN && *val == '\0') {
		conf_setstr(x, a, k->field, val);
		return 0;
	}
	if (!conf_valid_host(val)) {
		if (strstr(val, "://") != NULL)
			return conf_bad(x, k->name, val, "a host name only, "
			    "without \"smtp://\" (the port goes in \"port\")");
		return conf_bad(x, k->name, val, "a host name or IP address");
	}
	conf_setstr(x, a, k->field, val);
	return 0;
}

static int
set_port(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	const char *errstr;
	long long n;

	if (val[0] < '0' || val[0] > '9')
		return conf_bad(x, k->name, val, "a number from 1 to 65535");
	n = strtonum(val, 1, 65535, &errstr);
	if (errstr != NULL)
		return conf_bad(x, k->name, val, "a number from 1 to 65535");
	a->c.port = (int)n;
	conf_mark(x, a, CF_PORT);
	return 0;
}

static int
set_tls(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	if (conf_is(val, "on"))
		a->tls_on = 1;
	else if (conf_is(val, "off"))
		a->tls_on = 0;
	else if (conf_is(val, "starttls") || conf_is(val, "smtps")) {
		a->tls_on = 1;
		a->starttls = conf_is(val, "starttls");
		conf_mark(x, a, CF_STARTTLS);
	} else
		return conf_bad(x, k->name, val, "starttls, smtps or off");
	conf_mark(x, a, CF_TLS_ON);
	return 0;
}

static int
set_trust(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	if (conf_is(val, "system"))
		val = "";
	return set_path(x, a, k, val);
}

/*
 * SHA-256 as 64 hex digits, or 32 colon-separated pairs.  Stored as 64
 * lower-case hex digits.
 */
static int
set_fingerprint(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	char hex[65];
	size_t i, n = 0, colons = 0;
	int ok = 1;

	if (*val == '\0') {
		conf_setstr(x, a, k->field, val);
		return 0;
	}
	for (i = 0; val[i] != '\0' && ok; i++) {
		unsigned char c = (unsigned char)val[i];

		if (c == ':') {
			/* only between pairs: "AB:CD", never "A:B" or "::" */
			ok = n > 0 && n % 2 == 0 && n / 2 == colons + 1;
			colons++;
		} else if (((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')) && n < 64)
			hex[n++] = (char)ascii_tolower(c);
		else
			ok = 0;
	}
	if (ok && colons != 0 && colons != n / 2 - 1)
		ok = 0;		/* mixed forms or a trailing colon */
	if (ok && (n == 40 || n == 32))
		return conf_bad(x, k->name, val, "a SHA-256 fingerprint; "
		    "SHA-1 and MD5 are not accepted (get it with "
		    "\"gnutls-cli --print-cert\" and certtool)");
	if (!ok || n != 64)
		return conf_bad(x, k->name, val, "a SHA-256 fingerprint: 64 "
		    "hex digits, with or without colons");
	hex[n] = '\0';
	conf_setstr(x, a, k->field, hex);
	return 0;
}

static int
set_auth(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	enum auth_mode mode;
	const char *mech = NULL;
	int i;

	if (conf_is(val, "on"))
		mode = AUTH_MODE_ON;
	else if (conf_is(val, "off"))
		mode = AUTH_MODE_OFF;
	else {
		for (i = 0; conf_mechs[i] != NULL; i++)
			if (conf_is(val, conf_mechs[i]))
				break;
		if (conf_mechs[i] == NULL) {
			for (i = 0; conf_mechs_other[i] != NULL; i++)
				if (conf_is(val, conf_mechs_other[i]))
					return conf_error(x, "auth mechanism "
					    "%s is not supported; use \"auth "
					    "on\" or one of " CONF_MECH_LIST,
					    conf_mechs_other[i]);
			return conf_bad(x, k->name, val, "on, off or a "
			    "mechanism: " CONF_MECH_LIST);
		}
		mode = AUTH_MODE_MECH;
		mech = conf_mechs[i];
	}
	a->c.auth = mode;
	conf_setstr(x, a, CF_AUTH_MECH, mech == NULL ? "" : mech);
	conf_mark(x, a, CF_AUTH);
	return 0;
}

/*
 * password, password_file, passwordeval: exactly one per section.  A
 * source inherited from the defaults or a parent account is replaced.
 * The value is never shown in a message.
 */
static int
set_secret(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	int i;

	if (*val != '\0') {
		for (i = 0; i < CONF_NPW; i++) {
			enum conf_field f = conf_pw_fields[i];

			if (f == k->field || a->set[f] == 0)
				continue;
			if (a->own[f])
				return conf_error(x, "both %s (line %d) and %s "
				    "are set; keep only one password source",
				    conf_pw_names[i], a->set[f], k->name);
			conf_field_clear(a, f);
		}
	}
	if (k->field == CF_PASSWORD_FILE)
		return set_path(x, a, k, val);
	conf_setstr(x, a, k->field, val);
	return 0;
}

static int
set_from(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	if (strchr(val, '%') != NULL)
		return conf_bad(x, k->name, val, "a plain address; msmtp's "
		    "%U, %H, %C and %M are not expanded");
	if (strlen(val) > ADDR_MAX || strpbrk(val, " \t<>") != NULL)
		return conf_bad(x, k->name, val, "a plain address such as "
		    "\"alerts@example.com\", without a name or <>");
	conf_setstr(x, a, k->field, val);
	return 0;
}

static int
set_timeout(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	const char *errstr;
	long long n;

	if (conf_is(val, "off"))
		n = CONF_TIMEOUT_MAX;	/* XXX never wait forever */
	else {
		if (val[0] < '0' || val[0] > '9')
			return conf_bad(x, k->name, val, "seconds from 1 to "
			    "3600, or off");
		n = strtonum(val, 1, CONF_TIMEOUT_MAX, &errstr);
		if (errstr != NULL)
			return conf_bad(x, k->name, val, "seconds from 1 to "
			    "3600, or off");
	}
	a->c.timeout = (int)n;
	conf_mark(x, a, CF_TIMEOUT);
	return 0;
}

static int
set_delivery(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	if (conf_is(val, "hybrid"))
		a->c.delivery = DELIVERY_HYBRID;
	else if (conf_is(val, "background"))
		a->c.delivery = DELIVERY_BACKGROUND;
	else if (conf_is(val, "queue"))
		a->c.delivery = DELIVERY_QUEUE;
	else
		return conf_bad(x, k->name, val, "hybrid, background or queue");
	conf_mark(x, a, CF_DELIVERY);
	return 0;
}

static int
set_queue_dir(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	if (*val != '/')
		return conf_bad(x, k->name, val, "an absolute path");
	conf_setstr(x, a, k->field, val);
	return 0;
}

static int
set_log(struct conf_ctx *x, struct conf_acct *a, const struct conf_key *k,
    const char *val)
{
	if (conf_is(val, "syslog"))
		val = "syslog";
	else if (conf_is(val, "off"))
		val = "off";
	else if (*val != '/')
		return conf_bad(x, k->name, val, "syslog, off or an absolute "
		    "path");
	conf_setstr(x, a, k->field, val);
	return 0;
}

/* msmtp: "logfile PATH"; an empty value stops logging to a file. */
static int
set_logfile(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	if (*val == '\0') {
		if (a->c.log != NULL && a->c.log[0] == '/')
			conf_setstr(x, a, k->field, "off");
		return 0;
	}
	if (strcmp(val, "-") == 0)
		return conf_bad(x, k->name, val, "an absolute path; logging to "
		    "standard output is not supported");
	if (*val != '/')
		return conf_bad(x, k->name, val, "an absolute path");
	conf_setstr(x, a, k->field, val);
	return 0;
}

/* msmtp: "syslog on|off|LOG_MAIL"; we only log to the mail facility. */
static int
set_syslog(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	char shown[64];

	if (conf_is(val, "on") || strcmp(val, "LOG_MAIL") == 0)
		conf_setstr(x, a, k->field, "syslog");
	else if (conf_is(val, "off")) {
		if (a->c.log != NULL && strcmp(a->c.log, "syslog") == 0)
			conf_setstr(x, a, k->field, "off");
	} else if (strncmp(val, "LOG_", 4) == 0) {
		conf_show(shown, sizeof(shown), val);
		return conf_error(x, "syslog facility %s is not supported; "
		    "sendsmtp logs to LOG_MAIL: write \"syslog on\"", shown);
	}
	else
		return conf_bad(x, k->name, val, "on, off or LOG_MAIL");
	return 0;
}

static int
set_ignored(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	char shown[64];

	(void)a;
	if (k->arg == NULL || conf_is(val, k->arg))
		return 0;
	conf_show(shown, sizeof(shown), val);
	return conf_error(x, "msmtp setting \"%s %s\" is not supported; "
	    "sendsmtp always behaves as \"%s %s\": remove the line", k->name,
	    shown, k->name, k->arg);
}

static int
set_sender_policy(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	static const struct {
		const char		*name;
		enum sender_policy	 p;
	} pol[] = {
		{ "auto", SENDER_POLICY_AUTO }, { "keep", SENDER_POLICY_KEEP },
		{ "envelope", SENDER_POLICY_ENVELOPE },
		{ "header", SENDER_POLICY_HEADER },
	};
	size_t i;

	for (i = 0; i < sizeof(pol) / sizeof(pol[0]); i++)
		if (conf_is(val, pol[i].name)) {
			a->c.sender_policy = pol[i].p;
			conf_mark(x, a, k->field);
			return 0;
		}
	return conf_bad(x, k->name, val, "auto, keep, envelope or header");
}

/* msmtp: "set_from_header on" rewrites From:; "auto" is our default. */
static int
set_from_header(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	if (conf_is(val, "on"))
		return set_sender_policy(x, a, k, "header");
	if (conf_is(val, "auto"))
		return 0;
	return conf_error(x, "msmtp setting \"set_from_header off\" is not "
	    "supported; sendsmtp adds a From: header when one is missing: "
	    "remove the line");
}

/* ------------------------------------------------------------ DKIM */

/* A DNS name: dot-separated labels of letters, digits, '-' and '_'. */
static int
conf_valid_dns(const char *val, size_t len)
{
	size_t i, label = 0;

	if (len == 0 || len > ADDR_DOMAIN_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)val[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_') ||
		    ++label > 63)
			return 0;
	}
	return label > 0;
}

static int
set_dkim_domain(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	if (*val != '\0' && !conf_valid_dns(val, strlen(val)))
		return conf_bad(x, k->name, val, "the domain that signs (d=), "
		    "such as \"example.com\"");
	conf_setstr(x, a, k->field, val);
	return 0;
}

/*
 * dkim_selector and dkim_key_file: one item or a comma-separated list
 * (one per key, at most DKIM_KEYS_MAX), stored as "a,b" without blanks
 * around the items.  Selectors are DNS labels; key files absolute paths.
 */
static int
set_dkim_list(struct conf_ctx *x, struct conf_acct *a,
    const struct conf_key *k, const char *val)
{
	char out[CONF_LINE_MAX];
	const char *p = val, *e;
	size_t n, o = 0, items = 0;
	int sel = k->field == CF_DKIM_SELECTOR;

	while (*val != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, ",");
		for (e = p + n; e > p && (e[-1] == ' ' || e[-1] == '\t'); e--)
			continue;
		if (e == p || ++items > DKIM_KEYS_MAX)
			return conf_bad(x, k->name, val, sel ?
			    "selectors separated by commas, at most "
			    "4" : "absolute paths separated by commas, at "
			    "most 4");
		if (sel ? !conf_valid_dns(p, (size_t)(e - p)) : *p != '/')
			return conf_bad(x, k->name, val, sel ? "DNS labels "
			    "such as \"mail2026\" (the name before "
			    "._domainkey)" : "absolute paths (~ and relative "
			    "paths are not expanded)");
		if (o > 0)
			out[o++] = ',';
		memcpy(out + o, p, (size_t)(e - p));
		o += (size_t)(e - p);
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	out[o] = '\0';
	conf_setstr(x, a, k->field, out);
	return 0;
}

static size_t
conf_count_items(const char *list)
{
	size_t n = 1;

	if (list == NULL)
		return 0;
	for (; *list != '\0'; list++)
		n += *list == ',';
	return n;
}

int
conf_dkim_validate(const struct config *cfg, const char *path,
    struct diag *d)
{
	size_t nsel = conf_count_items(cfg->dkim_selector);
	size_t nkey = conf_count_items(cfg->dkim_key_file);

	if (cfg->dkim_domain == NULL && nsel == 0 && nkey == 0)
		return 0;
	if (cfg->dkim_domain == NULL || nsel == 0 || nkey == 0)
		return diag_set(d, EX_CONFIG, "%s: DKIM needs dkim_domain, "
		    "dkim_selector and dkim_key_file together; %s is "
		    "missing", path, cfg->dkim_domain == NULL ? "dkim_domain" :
		    nsel == 0 ? "dkim_selector" : "dkim_key_file");
	if (nsel != nkey)
		return diag_set(d, EX_CONFIG, "%s: %zu dkim_selector%s but %zu "
		    "dkim_key_file%s; list one selector per key file, in the "
		    "same order", path, nsel, nsel == 1 ? "" : "s", nkey,
		    nkey == 1 ? "" : "s");
	return 0;
}

/* ------------------------------------------------------------ keys */

static const struct conf_key *
conf_key_find(const char *key)
{
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++)
		if (strcmp(conf_keys[i].name, key) == 0)
			return &conf_keys[i];
	return NULL;
}

int
conf_key_apply(struct conf_ctx *x, struct conf_acct *a, const char *key,
    const char *val, int has_val)
{
	const struct conf_key *k = conf_key_find(key);

	if (k == NULL)
		return conf_unknown(x, key);
	if (!has_val && (k->flags & KF_BARE_ON))
		val = "on";
	return k->set(x, a, k, val);
}

/*
 * Optimal string alignment distance (insertions, deletions,
 * substitutions and swaps of neighbours), ASCII case folded.  Both
 * strings are at most CONF_SUGGEST_MAX long.
 */
static int
conf_distance(const char *s, const char *t)
{
	int d[CONF_SUGGEST_MAX + 1][CONF_SUGGEST_MAX + 1];
	size_t m = strlen(s), n = strlen(t), i, j;

	for (i = 0; i <= m; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= n; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= m; i++) {
		for (j = 1; j <= n; j++) {
			int a = ascii_tolower((unsigned char)s[i - 1]);
			int b = ascii_tolower((unsigned char)t[j - 1]);
			int best = d[i - 1][j - 1] + (a != b);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a ==
			    ascii_tolower((unsigned char)t[j - 2]) &&
			    ascii_tolower((unsigned char)s[i - 2]) == b &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[m][n];
}

static int
conf_unknown(struct conf_ctx *x, const char *key)
{
	const char *const *kp;
	const char *best = NULL;
	char shown[64], head[CONF_SUGGEST_MAX + 1];
	size_t i, len;
	int dist, bestdist = 3;

	for (i = 0; i < sizeof(conf_unsupported) /
	    sizeof(conf_unsupported[0]); i++)
		if (strcmp(key, conf_unsupported[i].name) == 0)
			return conf_error(x, "msmtp key \"%s\" is not "
			    "supported: %s", key, conf_unsupported[i].why);
	conf_show(shown, sizeof(shown), key);
	len = strcspn(key, "=");
	if (key[len] == '=' && len < sizeof(head)) {
		memcpy(head, key, len);
		head[len] = '\0';
		if (conf_key_find(head) != NULL)
			return conf_error(x, "unknown key \"%s\"; write \"%s "
			    "VALUE\", without \"=\"", shown, head);
	}
	if (strlen(key) <= CONF_SUGGEST_MAX) {
		for (kp = config_known_keys(); *kp != NULL; kp++) {
			dist = conf_distance(key, *kp);
			if (dist < bestdist && (size_t)dist < strlen(key)) {
				bestdist = dist;
				best = *kp;
			}
		}
	}
	if (best != NULL)
		return conf_error(x, "unknown key \"%s\"; did you mean \"%s\"?",
		    shown, best);
	return conf_error(x, "unknown key \"%s\"; see sendsmtp.conf(5) for "
	    "the keys", shown);
}

const char *const *
config_known_keys(void)
{
	static const char *names[CONF_NKEYS + 3];
	size_t i;

	if (names[0] == NULL) {
		for (i = 0; i < CONF_NKEYS; i++)
			names[i] = conf_keys[i].name;
		names[i++] = "account";
		names[i++] = "defaults";
		names[i] = NULL;
	}
	return names;
}
