/*
 * config.h - /etc/sendsmtp.conf -> struct config (design.md 5).
 *
 * Format: lines of "key value", '#' comments, values optionally
 * double-quoted; "account NAME" starts a section that inherits the lines
 * before the first "account"; "account default : NAME" picks the default.
 * Unknown keys and bad values fail with "file:line: ..." and a hint.
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

enum auth_mode { AUTH_MODE_DEFAULT = 0, AUTH_MODE_OFF, AUTH_MODE_ON,
	AUTH_MODE_MECH };

struct config {
	char		*path;		/* file it was read from */
	char		*account;	/* selected account name ("" if none) */
	char		*host;		/* smarthost (required) */
	int		 port;		/* 0 = default for the tls mode */
	enum tls_mode	 tls;
	char		*tls_trust_file;
	int		 tls_verify;	/* 1 = on (default) */
	char		*tls_fingerprint;
	char		*tls_cert_file;
	char		*tls_key_file;
	char		*tls_priorities;
	enum auth_mode	 auth;
	char		*auth_mech;	/* with AUTH_MODE_MECH */
	int		 auth_plaintext;
	char		*user;
	char		*password;	/* secret: wiped by config_free */
	char		*password_file;
	char		*passwordeval;
	char		*from;
	int		 allow_from_override; /* default 1 */
	char		*domain;	/* NULL = the host's FQDN */
	char		*aliases;
	int		 timeout;	/* seconds per SMTP stage, default 60 */
	enum delivery_mode delivery;	/* default DELIVERY_HYBRID */
	char		*queue_dir;	/* default DEFAULT_QUEUE_DIR */
	long		 queue_lifetime; /* seconds, default 5 days */
	long		 retry_min;	/* seconds, default 5 minutes */
	long		 retry_max;	/* seconds, default 1 hour */
	char		*log;		/* "syslog", "off" or a path */
};

/* Fill cfg with the built-in defaults (no host). */
void	 config_defaults(struct config *cfg);

/*
 * Read path and select an account: the given name, else the one named by
 * "account default : NAME", else the top-level settings.  Returns 0, or
 * -1 with d set to EX_CONFIG (78) naming file:line and a hint, or
 * EX_OSERR/EX_CONFIG when the file cannot be read.
 */
int	 config_load(const char *path, const char *account,
	    struct config *cfg, struct diag *d);

/* The port to use: cfg->port, or 465 / 587 / 25 by TLS mode. */
int	 config_port(const struct config *cfg);

/* Free every string (secrets wiped) and reset to defaults. */
void	 config_free(struct config *cfg);

#endif /* SENDSMTP_CONFIG_H */
