/*
 * config.h - /etc/sendsmtp.conf -> struct config (design.md 5 and 6).
 *
 * Format (sendsmtp.conf(5)): lines of "key value", where the key and the
 * value are separated by spaces or tabs.  '#' starts a comment at the
 * start of a line or after whitespace outside quotes.  A value may be
 * double-quoted; inside quotes \" and \\ are the only escapes.  A boolean
 * key written alone (msmtp style, e.g. "tls") means "on".  An optional
 * string key written with an empty value ("tls_cert_file" or
 * tls_cert_file "") unsets what an earlier line or a parent account set.
 *
 * Sections: lines before the first "account" (and lines after a msmtp
 * "defaults" line) are the defaults.  "account NAME" starts a section
 * that begins with the current defaults; "account NAME : A, B" then
 * overlays every setting of the earlier accounts A and B, in that order.
 * An account named "default" (usually "account default : NAME") is used
 * when no account is requested.
 *
 * Unknown keys and bad values fail with "file:line: ..." and a hint, e.g.
 *   /etc/sendsmtp.conf:3: unknown key "hots"; did you mean "host"?
 * msmtp spellings are accepted: tls on + tls_starttls, tls_certcheck,
 * logfile, syslog, "timeout off", "auth <mechanism>".  A short list of
 * msmtp keys that cannot change security is accepted and ignored; msmtp
 * keys that ask for something sendsmtp cannot do fail clearly.
 */
#ifndef SENDSMTP_CONFIG_H
#define SENDSMTP_CONFIG_H

#include "cli.h"
#include "diag.h"

enum tls_mode {
	TLS_MODE_STARTTLS = 0,	/* required STARTTLS (default) */
	TLS_MODE_SMTPS,		/* implicit TLS */
	TLS_MODE_OFF
};

/*
 * AUTH_MODE_DEFAULT only exists before config_load() returns: the loader
 * turns it into AUTH_MODE_ON when "user" is set, else AUTH_MODE_OFF.
 */
enum auth_mode { AUTH_MODE_DEFAULT = 0, AUTH_MODE_OFF, AUTH_MODE_ON,
	AUTH_MODE_MECH };

/*
 * "sender_policy": what happens to the caller's sender (policy.h).
 * AUTO is "envelope" when the account has both "user" and "from" (a
 * relay that checks the authenticated sender), else "keep".
 */
enum sender_policy {
	SENDER_POLICY_AUTO = 0,
	SENDER_POLICY_KEEP,	/* -f, else from, else login@domain */
	SENDER_POLICY_ENVELOPE,	/* envelope sender forced to from */
	SENDER_POLICY_HEADER	/* also From: rewritten, Reply-To added */
};

struct config {
	char		*path;		/* file it was read from */
	char		*account;	/* selected account name ("" if none) */
	char		*host;		/* smarthost (required) */
	int		 port;		/* 0 = default for the tls mode */
	enum tls_mode	 tls;
	char		*tls_trust_file; /* NULL = system trust store */
	int		 tls_verify;	/* 1 = on (default) */
	char		*tls_fingerprint; /* SHA-256: 64 lowercase hex digits,
					 * no colons; NULL = no pin */
	char		*tls_cert_file;
	char		*tls_key_file;
	char		*tls_priorities;
	int		 tls_session_cache; /* 1 = resume TLS sessions from
					 * queue_dir/tls-cache (default) */
	enum auth_mode	 auth;
	char		*auth_mech;	/* with AUTH_MODE_MECH: upper case,
					 * e.g. "SCRAM-SHA-256" */
	int		 auth_plaintext;
	char		*user;
	char		*password;	/* secret: wiped by config_free */
	char		*password_file;
	char		*passwordeval;
	char		*from;
	int		 allow_from_override; /* default 1 */
	char		*domain;	/* NULL = the host's FQDN */
	char		*aliases;
	enum sender_policy sender_policy; /* default SENDER_POLICY_AUTO */
	int		 timeout;	/* seconds per SMTP stage, default 60 */
	enum delivery_mode delivery;	/* default DELIVERY_HYBRID */
	char		*queue_dir;	/* default DEFAULT_QUEUE_DIR */
	long		 queue_lifetime; /* seconds, default 5 days */
	long		 retry_min;	/* seconds, default 5 minutes */
	long		 retry_max;	/* seconds, default 1 hour */
	char		*log;		/* "syslog", "off" or a file path */
	char		*dkim_domain;	/* d= of the DKIM signatures */
	char		*dkim_selector;	/* s=: "sel[, sel...]" (dkim.h) */
	char		*dkim_key_file;	/* "/path[, /path...]"; NULL = no
					 * signing (secrets: key files) */
};

/*
 * Fill cfg with the built-in defaults (no host).  queue_dir and log are
 * allocated: release them with config_free().
 */
void	 config_defaults(struct config *cfg);

/*
 * Read path and select an account: the given name (NULL or "" = none),
 * else the account named "default", else the top-level settings.  cfg
 * must be all zero or hold config_defaults() or an earlier config_load()
 * (those strings are freed first), and must always be released with
 * config_free(), whatever the result.
 *
 * Returns 0, or -1 with d set:
 *   EX_CONFIG (78)  the file is missing, unreadable, not a regular file,
 *                   too big, insecure (config_check_secure), has a bad
 *                   line ("file:line: ..." with a hint), names an unknown
 *                   account (the known ones are listed), or fails
 *                   config_validate();
 *   EX_OSERR (71)   a system call failed for another reason.
 * After a read or syntax error cfg holds only the defaults.  After a
 * config_validate() failure (missing host, conflicting settings) cfg holds
 * the complete selected account, so -bC and --check can still show it.
 */
int	 config_load(const char *path, const char *account,
	    struct config *cfg, struct diag *d);

/*
 * config_load(), but with no account named, the first account whose
 * "from" equals sender (ASCII case-insensitive) is chosen before the
 * "default" one: msmtp's account selection by the envelope sender.
 * sender may be NULL.
 */
int	 config_load_sender(const char *path, const char *account,
	    const char *sender, struct config *cfg, struct diag *d);

/*
 * Checks that need the whole selected account: a host is set; at most one
 * password source; retry_min <= retry_max; tls_cert_file and tls_key_file
 * come together; sender_policy envelope/header has "from" (or a "user"
 * that is an address); auth has a user and a password source; AUTH over
 * "tls off" needs "auth_plaintext on".  Returns 0, or -1 with d set to
 * EX_CONFIG naming cfg->path and the fix.  config_load() calls it.
 */
int	 config_validate(const struct config *cfg, struct diag *d);

/*
 * Secure-file policy (design.md 6) for an open file: it must be a regular
 * file owned by root or by the effective uid (only root while the process
 * is privileged, see priv.h: the setgid caller's euid is its own), must
 * not be group- or world-writable, and must not be world-readable when
 * holds_secret is set.  path only names the file in the message.  Returns 0, or -1 with
 * d set to EX_CONFIG (78) naming the mode and the fix ("chmod 0640"), or
 * EX_OSERR when fstat fails.  config_load() applies it to the config file
 * with holds_secret = "the file has a password line"; use it for any
 * password_file too.
 */
int	 config_check_secure(int fd, const char *path, int holds_secret,
	    struct diag *d);

/* The port to use: cfg->port, or 465 / 587 / 25 by TLS mode. */
int	 config_port(const struct config *cfg);

/*
 * Free every string (the password is wiped first) and zero the struct.
 * Safe to call twice; call config_defaults() to reuse cfg.
 */
void	 config_free(struct config *cfg);

/*
 * Every key the parser accepts, synonyms and ignored msmtp keys included
 * ("account" and "defaults" too), as a NULL-terminated static list.  The
 * man page test checks that sendsmtp.conf(5) documents each one.
 */
const char *const *config_known_keys(void);

#endif /* SENDSMTP_CONFIG_H */
