/*
 * config_priv.h - shared between config.c (files, lines, accounts) and
 * config_keys.c (keys and values).  Not a public interface: only the
 * config module includes it.
 */
#ifndef SENDSMTP_CONFIG_PRIV_H
#define SENDSMTP_CONFIG_PRIV_H

#include "config.h"
#include "diag.h"

/* One stored setting; several keys may set the same field (synonyms). */
enum conf_field {
	CF_HOST, CF_PORT, CF_TLS_ON, CF_STARTTLS, CF_TLS_TRUST_FILE,
	CF_TLS_VERIFY, CF_TLS_FINGERPRINT, CF_TLS_CERT_FILE, CF_TLS_KEY_FILE,
	CF_TLS_PRIORITIES, CF_TLS_SESSION_CACHE, CF_AUTH, CF_AUTH_MECH, CF_AUTH_PLAINTEXT, CF_USER,
	CF_PASSWORD, CF_PASSWORD_FILE, CF_PASSWORDEVAL, CF_FROM, CF_ALLOW_FROM,
	CF_DOMAIN, CF_ALIASES, CF_TIMEOUT, CF_DELIVERY, CF_QUEUE_DIR,
	CF_QUEUE_LIFETIME, CF_RETRY_MIN, CF_RETRY_MAX, CF_LOG,
	CF_SENDER_POLICY,
	CF_DKIM_DOMAIN, CF_DKIM_SELECTOR, CF_DKIM_KEY_FILE,
	CF_COUNT
};

/*
 * One section: the defaults (name NULL) or an account.  The TLS mode is
 * kept in msmtp's two switches until an account is selected, so that
 * "tls on" and "tls_starttls off" combine in any order and across
 * inheritance.
 */
struct conf_acct {
	char		*name;
	int		 line;		/* of the "account" line */
	struct config	 c;
	int		 tls_on;	/* msmtp "tls" */
	int		 starttls;	/* msmtp "tls_starttls" */
	int		 set[CF_COUNT];	/* line that set it; 0 = built in */
	unsigned char	 own[CF_COUNT];	/* set in this section, not inherited */
};

/* Where we are, for "file:line: ..." messages. */
struct conf_ctx {
	const char	*path;
	int		 line;
	struct diag	*d;
};

/* config_keys.c */
void	 conf_acct_init(struct conf_acct *a, const char *name, int line);
void	 conf_acct_free(struct conf_acct *a);
/* Copy the fields src has (all of them when all is set) into dst. */
void	 conf_acct_inherit(struct conf_acct *dst, const struct conf_acct *src,
	    int all);
/* Apply one "key value" line to a; has_val is 0 for a bare key. */
int	 conf_key_apply(struct conf_ctx *x, struct conf_acct *a,
	    const char *key, const char *val, int has_val);
/* The TLS mode the two msmtp switches mean. */
enum tls_mode conf_acct_tls(const struct conf_acct *a);
/* val made safe and short for a message. */
void	 conf_show(char *dst, size_t size, const char *val);
/* "file:line: " error; returns -1. */
int	 conf_error(struct conf_ctx *x, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * config_validate's DKIM part: dkim_domain, dkim_selector and
 * dkim_key_file all set or none; as many selectors as key files.
 * Returns 0, or -1 with d set to EX_CONFIG naming path.
 */
int	 conf_dkim_validate(const struct config *cfg, const char *path,
	    struct diag *d);

#endif /* SENDSMTP_CONFIG_PRIV_H */
