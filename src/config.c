/*
 * config.c - read /etc/sendsmtp.conf: the secure-file checks, lines,
 * sections and the choice of account (design.md 5 and 6).
 *
 * No RFC: the format is ours, a superset of msmtp's msmtprc.  The keys
 * and their values are in config_keys.c.
 *
 * Security notes:
 * - The file is opened without O_NOFOLLOW (a symlinked config is normal
 *   on some systems) but with O_NONBLOCK, so a FIFO cannot block us, and
 *   everything after open() looks at the open fd: fstat must say regular
 *   file, at most CONF_FILE_MAX bytes, owned by root or (only when not
 *   running setgid, priv.h) the effective uid, not group- or
 *   world-writable, and not world-readable when it holds a password
 *   (config_check_secure, OpenSMTPD's secure_file).
 *   The checks run before any line is parsed.
 * - The whole file is read into one buffer sized from fstat (no realloc
 *   that would leave copies of the password behind), and each line is
 *   copied into a stack buffer; all of them are wiped with explicit_bzero
 *   after use.  The password is never printed: no message quotes it.
 * - Lines are bounded (CONF_LINE_MAX) and must be text: a NUL or another
 *   control character is an error with its line number.
 */
#include "compat.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "bounds.h"
#include "config_priv.h"
#include "priv.h"
#include "util.h"

#define CONF_DEFAULT_TIMEOUT	60
#define CONF_DEFAULT_LIFETIME	(5L * 86400)
#define CONF_DEFAULT_RETRY_MIN	(5L * 60)
#define CONF_DEFAULT_RETRY_MAX	3600L

struct conf_parse {
	struct conf_ctx	  x;
	struct conf_acct  defaults;	/* top level and "defaults" lines */
	struct conf_acct *accts[CONF_ACCOUNTS_MAX];
	int		  naccts;
	struct conf_acct *cur;		/* the section lines go to */
};

static int	 conf_open(const char *, int *, struct diag *);
static int	 conf_read(int, const char *, char **, size_t *,
		    struct diag *);
static int	 conf_has_secret(const char *, size_t);
static int	 conf_parse_all(struct conf_parse *, const char *, size_t);
static int	 conf_line(struct conf_parse *, char *);
static int	 conf_tokenize(struct conf_ctx *, char *, char **, char *,
		    int *);
static int	 conf_account(struct conf_parse *, char *);
static int	 conf_valid_name(const char *);
static struct conf_acct *conf_find(struct conf_parse *, const char *);
static int	 conf_select(struct conf_parse *, const char *,
		    const char *, struct config *);
static struct conf_acct *conf_find_from(struct conf_parse *,
		    const char *);
static void	 conf_list_accounts(struct conf_parse *, char *, size_t);
static void	 conf_parse_free(struct conf_parse *);
static int	 conf_is_space(int);

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->tls = TLS_MODE_STARTTLS;
	cfg->tls_verify = 1;
	cfg->tls_session_cache = 1;
	cfg->auth = AUTH_MODE_DEFAULT;
	cfg->allow_from_override = 1;
	cfg->timeout = CONF_DEFAULT_TIMEOUT;
	cfg->delivery = DELIVERY_HYBRID;
	cfg->queue_dir = xstrdup(DEFAULT_QUEUE_DIR);
	cfg->queue_lifetime = CONF_DEFAULT_LIFETIME;
	cfg->retry_min = CONF_DEFAULT_RETRY_MIN;
	cfg->retry_max = CONF_DEFAULT_RETRY_MAX;
	cfg->log = xstrdup("syslog");
}

void
config_free(struct config *cfg)
{
	freezero_str(cfg->path);
	freezero_str(cfg->account);
	freezero_str(cfg->host);
	freezero_str(cfg->tls_trust_file);
	freezero_str(cfg->tls_fingerprint);
	freezero_str(cfg->tls_cert_file);
	freezero_str(cfg->tls_key_file);
	freezero_str(cfg->tls_priorities);
	freezero_str(cfg->auth_mech);
	freezero_str(cfg->user);
	freezero_str(cfg->password);
	freezero_str(cfg->password_file);
	freezero_str(cfg->passwordeval);
	freezero_str(cfg->from);
	freezero_str(cfg->domain);
	freezero_str(cfg->aliases);
	freezero_str(cfg->queue_dir);
	freezero_str(cfg->log);
	freezero_str(cfg->dkim_domain);
	freezero_str(cfg->dkim_selector);
	freezero_str(cfg->dkim_key_file);
	explicit_bzero(cfg, sizeof(*cfg));
}

int
config_port(const struct config *cfg)
{
	if (cfg->port > 0)
		return cfg->port;
	switch (cfg->tls) {
	case TLS_MODE_SMTPS:
		return 465;
	case TLS_MODE_OFF:
		return 25;
	case TLS_MODE_STARTTLS:
	default:
		return 587;
	}
}

int
config_check_secure(int fd, const char *path, int holds_secret,
    struct diag *d)
{
	struct stat st;
	unsigned mode;

	if (fstat(fd, &st) == -1)
		return diag_set(d, EX_OSERR, "cannot stat %s: %s", path,
		    strerror(errno));
	mode = (unsigned)st.st_mode & 07777;
	if (!S_ISREG(st.st_mode))
		return diag_set(d, EX_CONFIG, "%s is not a regular file",
		    path);
	/* Setgid: the caller's own file must not count as trusted. */
	if (st.st_uid != 0 && (priv_privileged() || st.st_uid != geteuid()))
		return diag_set(d, EX_CONFIG, "%s is owned by uid %lu; it "
		    "must be owned by root%s: run \"chown root %s\"", path,
		    (unsigned long)st.st_uid, priv_privileged() ?
		    " (sendsmtp runs setgid)" : "", path);
	if (mode & (S_IWGRP | S_IWOTH))
		return diag_set(d, EX_CONFIG, "%s is %s-writable (mode %04o); "
		    "run \"chmod 0640 %s\"", path,
		    (mode & S_IWGRP) && (mode & S_IWOTH) ? "group- and world" :
		    (mode & S_IWGRP) ? "group" : "world", mode, path);
	if (holds_secret && (mode & S_IROTH))
		return diag_set(d, EX_CONFIG, "%s holds a password and is "
		    "world-readable (mode %04o); run \"chmod 0640 %s\"", path,
		    mode, path);
	return 0;
}

int
config_validate(const struct config *cfg, struct diag *d)
{
	const char *path = cfg->path != NULL ? cfg->path : "config";
	const char *acct = cfg->account != NULL ? cfg->account : "";
	const char *pw[3];
	int n = 0, auth_on;

	if (cfg->host == NULL)
		return diag_set(d, EX_CONFIG, "%s: no \"host\" set%s%s%s; add "
		    "\"host smtp.example.com\"", path,
		    *acct != '\0' ? " in account \"" : "", acct,
		    *acct != '\0' ? "\"" : "");
	if (cfg->password != NULL)
		pw[n++] = "password";
	if (cfg->password_file != NULL)
		pw[n++] = "password_file";
	if (cfg->passwordeval != NULL)
		pw[n++] = "passwordeval";
	if (n > 1)
		return diag_set(d, EX_CONFIG, "%s: both \"%s\" and \"%s\" are "
		    "set; keep only one password source", path, pw[0], pw[1]);
	if (cfg->retry_min > cfg->retry_max)
		return diag_set(d, EX_CONFIG, "%s: retry_min (%lds) is larger "
		    "than retry_max (%lds); make retry_min the smaller one",
		    path, cfg->retry_min, cfg->retry_max);
	if ((cfg->tls_cert_file == NULL) != (cfg->tls_key_file == NULL))
		return diag_set(d, EX_CONFIG, "%s: %s is set without %s; set "
		    "both or neither", path, cfg->tls_cert_file != NULL ?
		    "tls_cert_file" : "tls_key_file",
		    cfg->tls_cert_file != NULL ? "tls_key_file" :
		    "tls_cert_file");
	if ((cfg->sender_policy == SENDER_POLICY_ENVELOPE ||
	    cfg->sender_policy == SENDER_POLICY_HEADER) && cfg->from == NULL &&
	    (cfg->user == NULL || strchr(cfg->user, '@') == NULL))
		return diag_set(d, EX_CONFIG, "%s: sender_policy %s needs the "
		    "account's address: add \"from you@example.com\"", path,
		    cfg->sender_policy == SENDER_POLICY_HEADER ? "header" :
		    "envelope");
	if (conf_dkim_validate(cfg, path, d) == -1)
		return -1;
	auth_on = cfg->auth == AUTH_MODE_ON || cfg->auth == AUTH_MODE_MECH ||
	    (cfg->auth == AUTH_MODE_DEFAULT && cfg->user != NULL);
	if (!auth_on)
		return 0;
	if (cfg->user == NULL)
		return diag_set(d, EX_CONFIG, "%s: auth is on but no \"user\" "
		    "is set; add \"user NAME\" or write \"auth off\"", path);
	if (n == 0)
		return diag_set(d, EX_CONFIG, "%s: auth is on for user "
		    "\"%.64s\" but no password is set; add password_file, "
		    "password or passwordeval", path, cfg->user);
	if (cfg->tls == TLS_MODE_OFF && !cfg->auth_plaintext)
		return diag_set(d, EX_CONFIG, "%s: auth with \"tls off\" would "
		    "send the password in clear text; use tls starttls or "
		    "smtps, or set \"auth_plaintext on\"", path);
	return 0;
}

int
config_load(const char *path, const char *account, struct config *cfg,
    struct diag *d)
{
	return config_load_sender(path, account, NULL, cfg, d);
}

int
config_load_sender(const char *path, const char *account,
    const char *sender, struct config *cfg, struct diag *d)
{
	struct conf_parse pp;
	char list[512];
	char *data = NULL;
	size_t len = 0;
	int fd = -1, rc;

	config_free(cfg);
	config_defaults(cfg);
	if (conf_open(path, &fd, d) == -1)
		return -1;
	rc = conf_read(fd, path, &data, &len, d);
	if (rc == 0)
		rc = config_check_secure(fd, path, conf_has_secret(data, len),
		    d);
	(void)close(fd);	/* read-only: nothing to lose */
	if (rc == -1) {
		if (data != NULL)
			explicit_bzero(data, len);
		free(data);
		return -1;
	}

	memset(&pp, 0, sizeof(pp));
	pp.x.path = path;
	pp.x.d = d;
	conf_acct_init(&pp.defaults, NULL, 0);
	pp.cur = &pp.defaults;
	rc = conf_parse_all(&pp, data, len);
	explicit_bzero(data, len);
	free(data);
	if (rc == 0)
		rc = conf_select(&pp, account, sender, cfg);
	if (rc == 0 && cfg->host == NULL && *cfg->account == '\0' &&
	    pp.naccts > 0) {
		/* msmtp users: accounts, but none is the default */
		conf_list_accounts(&pp, list, sizeof(list));
		rc = diag_set(d, EX_CONFIG, "%s: no \"host\" at the top level "
		    "and no account \"default\"; add \"account default : "
		    "NAME\" (accounts: %s)", path, list);
	}
	conf_parse_free(&pp);
	if (rc == -1)
		return -1;
	return config_validate(cfg, d);
}

/* ------------------------------------------------------------ the file */

static int
conf_open(const char *path, int *fdp, struct diag *d)
{
	int fd, code;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd != -1) {
		*fdp = fd;
		return 0;
	}
	switch (errno) {
	case ENOENT:
		return diag_set(d, EX_CONFIG, "cannot read %s: %s; create it "
		    "(see sendsmtp.conf(5)) or pass -C FILE", path,
		    strerror(errno));
	case EACCES:
	case EPERM:
		return diag_set(d, EX_CONFIG, "cannot read %s: %s; it should "
		    "be root:sendsmtp mode 0640 and sendsmtp setgid sendsmtp",
		    path, strerror(errno));
	case ELOOP:
	case ENOTDIR:
	case ENAMETOOLONG:
	case EISDIR:
		code = EX_CONFIG;
		break;
	default:
		code = EX_OSERR;
		break;
	}
	return diag_set(d, code, "cannot read %s: %s", path, strerror(errno));
}

/*
 * Read the whole file into one buffer sized from fstat.  One byte more
 * is asked for, to notice a file that grew after fstat.
 */
static int
conf_read(int fd, const char *path, char **datap, size_t *lenp,
    struct diag *d)
{
	struct stat st;
	size_t cap, got = 0;
	ssize_t n;
	char *data;

	if (fstat(fd, &st) == -1)
		return diag_set(d, EX_OSERR, "cannot stat %s: %s", path,
		    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return diag_set(d, EX_CONFIG, "%s is not a regular file", path);
	if (st.st_size > CONF_FILE_MAX)
		return diag_set(d, EX_CONFIG, "%s is larger than %d bytes; is "
		    "it the right file?", path, CONF_FILE_MAX);
	cap = (size_t)st.st_size + 1;
	data = xmalloc(cap);
	while (got < cap) {
		n = read(fd, data + got, cap - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			explicit_bzero(data, got);
			free(data);
			return diag_set(d, EX_OSERR, "cannot read %s: %s",
			    path, strerror(errno));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == cap) {
		explicit_bzero(data, got);
		free(data);
		return diag_set(d, EX_CONFIG, "%s changed while it was read; "
		    "try again", path);
	}
	*datap = data;
	*lenp = got;
	return 0;
}

/* Whether any line's key is "password" (decides the readable check). */
static int
conf_has_secret(const char *data, size_t len)
{
	size_t i = 0;

	while (i < len) {
		while (i < len && conf_is_space((unsigned char)data[i]))
			i++;
		if (len - i >= 8 && memcmp(data + i, "password", 8) == 0 &&
		    (len - i == 8 || conf_is_space((unsigned char)data[i + 8])
		    || data[i + 8] == '\r' || data[i + 8] == '\n'))
			return 1;
		while (i < len && data[i] != '\n')
			i++;
		i++;
	}
	return 0;
}

static int
conf_is_space(int c)
{
	return c == ' ' || c == '\t';
}

/* ------------------------------------------------------------ lines */

static int
conf_parse_all(struct conf_parse *pp, const char *data, size_t len)
{
	char line[CONF_LINE_MAX + 1];
	const char *p = data, *end = data + len, *nl;
	size_t n, i;
	int rc = 0;

	while (p < end && rc == 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		pp->x.line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > CONF_LINE_MAX)
			return conf_error(&pp->x, "line longer than %d bytes",
			    CONF_LINE_MAX);
		if (memchr(p, '\0', n) != NULL)
			return conf_error(&pp->x, "NUL byte in the line; "
			    "the file must be text");
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];

			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return conf_error(&pp->x, "control character "
				    "0x%02x in the line", c);
		}
		memcpy(line, p, n);
		line[n] = '\0';
		rc = conf_line(pp, line);
		explicit_bzero(line, n);
		p = nl != NULL ? nl + 1 : end;
	}
	return rc;
}

static int
conf_line(struct conf_parse *pp, char *line)
{
	char val[CONF_LINE_MAX + 1];
	char *key = NULL;
	int has_val = 0, rc;

	rc = conf_tokenize(&pp->x, line, &key, val, &has_val);
	if (rc == 1) {
		if (strcmp(key, "account") == 0)
			rc = conf_account(pp, val);
		else if (strcmp(key, "defaults") == 0) {
			if (has_val)
				rc = conf_error(&pp->x, "\"defaults\" takes no "
				    "value; put the settings on the lines "
				    "after it");
			else
				pp->cur = &pp->defaults;
		} else
			rc = conf_key_apply(&pp->x, pp->cur, key, val,
			    has_val);
	}
	explicit_bzero(val, sizeof(val));
	return rc < 0 ? -1 : 0;
}

/*
 * Split a line into its key and value.  val (CONF_LINE_MAX + 1 bytes)
 * gets the value, unquoted.  Returns 1 for a "key value" line, 0 for a
 * blank or comment line, -1 on error.
 */
static int
conf_tokenize(struct conf_ctx *x, char *line, char **keyp, char *val,
    int *has_val)
{
	char *p = line, *end;
	size_t n = 0;

	while (conf_is_space((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	*keyp = p;
	while (*p != '\0' && !conf_is_space((unsigned char)*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	while (conf_is_space((unsigned char)*p))
		p++;
	*has_val = *p != '\0' && *p != '#';
	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0')
				return conf_error(x, "missing closing quote");
			if (*p == '\\') {
				p++;
				if (*p != '"' && *p != '\\')
					return conf_error(x, "bad escape "
					    "inside quotes; only \\\" and "
					    "\\\\ are allowed");
			}
			val[n++] = *p;
		}
		for (p++; conf_is_space((unsigned char)*p); p++)
			;
		if (*p != '\0' && *p != '#')
			return conf_error(x, "text after the closing quote; "
			    "put the whole value inside the quotes");
	} else {
		/* '#' starts a comment only after whitespace */
		for (end = p; *end != '\0'; end++)
			if (*end == '#' && (end == p ||
			    conf_is_space((unsigned char)end[-1])))
				break;
		while (end > p && conf_is_space((unsigned char)end[-1]))
			end--;
		n = (size_t)(end - p);
		memcpy(val, p, n);
	}
	val[n] = '\0';
	return 1;
}

/* ------------------------------------------------------------ accounts */

/* Names may not hold blanks, quotes, '#', ':' or ','. */
static int
conf_valid_name(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= CONF_NAME_MAX &&
	    strpbrk(name, " \t\"#:,") == NULL;
}

static struct conf_acct *
conf_find(struct conf_parse *pp, const char *name)
{
	int i;

	for (i = 0; i < pp->naccts; i++)
		if (strcmp(pp->accts[i]->name, name) == 0)
			return pp->accts[i];
	return NULL;
}

/* "account NAME" or "account NAME : PARENT[, PARENT...]" */
static int
conf_account(struct conf_parse *pp, char *val)
{
	struct conf_acct *a, *parent;
	char shown[64];
	char *parents, *p;

	parents = strchr(val, ':');
	if (parents != NULL)
		*parents++ = '\0';
	str_trim(val);
	conf_show(shown, sizeof(shown), val);
	if (!conf_valid_name(val))
		return conf_error(&pp->x, "bad account name \"%s\"; write "
		    "\"account NAME\" or \"account NAME : OTHER\" (no blanks, "
		    "quotes, '#', ':' or ',' in names)", shown);
	a = conf_find(pp, val);
	if (a != NULL)
		return conf_error(&pp->x, "account \"%s\" is already defined "
		    "at line %d", shown, a->line);
	if (pp->naccts >= CONF_ACCOUNTS_MAX)
		return conf_error(&pp->x, "more than %d accounts",
		    CONF_ACCOUNTS_MAX);
	a = xmalloc(sizeof(*a));
	conf_acct_init(a, val, pp->x.line);
	conf_acct_inherit(a, &pp->defaults, 1);
	pp->accts[pp->naccts++] = a;
	pp->cur = a;
	if (parents == NULL)
		return 0;
	if (*str_trim(parents) == '\0')
		return conf_error(&pp->x, "no account after ':'; write "
		    "\"account %s : OTHER\"", shown);
	for (p = parents; p != NULL; p = parents) {
		parents = strchr(p, ',');
		if (parents != NULL)
			*parents++ = '\0';
		str_trim(p);
		conf_show(shown, sizeof(shown), p);
		if (*p == '\0')
			return conf_error(&pp->x, "empty account name in the "
			    "list after ':'");
		parent = conf_find(pp, p);
		if (parent == NULL || parent == a)
			return conf_error(&pp->x, "account \"%s\" is not "
			    "defined above this line; an account inherits "
			    "only from earlier ones", shown);
		conf_acct_inherit(a, parent, 0);
	}
	return 0;
}

/* msmtp: the first account whose "from" is the sender, or NULL. */
static struct conf_acct *
conf_find_from(struct conf_parse *pp, const char *sender)
{
	int i;

	if (sender == NULL || *sender == '\0')
		return NULL;
	for (i = 0; i < pp->naccts; i++)
		if (pp->accts[i]->c.from != NULL &&
		    ascii_strcasecmp(pp->accts[i]->c.from, sender) == 0)
			return pp->accts[i];
	return NULL;
}

/*
 * Move the chosen section into cfg: the named account, else the first
 * account whose "from" is sender, else the account named "default",
 * else the top-level settings.
 */
static int
conf_select(struct conf_parse *pp, const char *name, const char *sender,
    struct config *cfg)
{
	struct conf_acct *a;
	char list[512], shown[64];

	if (name != NULL && *name != '\0') {
		a = conf_find(pp, name);
		if (a == NULL) {
			conf_list_accounts(pp, list, sizeof(list));
			conf_show(shown, sizeof(shown), name);
			return diag_set(pp->x.d, EX_CONFIG, "%s: no account "
			    "\"%s\"; %s%s", pp->x.path, shown,
			    pp->naccts > 0 ? "known accounts: " :
			    "the file defines no accounts", list);
		}
	} else {
		a = conf_find_from(pp, sender);
		if (a == NULL)
			a = conf_find(pp, "default");
		if (a == NULL)
			a = &pp->defaults;
	}

	config_free(cfg);
	*cfg = a->c;
	memset(&a->c, 0, sizeof(a->c));
	cfg->tls = conf_acct_tls(a);
	if (cfg->auth == AUTH_MODE_DEFAULT)
		cfg->auth = cfg->user != NULL ? AUTH_MODE_ON : AUTH_MODE_OFF;
	cfg->account = xstrdup(a->name != NULL ? a->name : "");
	cfg->path = xstrdup(pp->x.path);
	return 0;
}

/* "a, b, c" into list; a list too long ends in "...". */
static void
conf_list_accounts(struct conf_parse *pp, char *list, size_t size)
{
	int i;

	list[0] = '\0';
	for (i = 0; i < pp->naccts; i++) {
		if (i > 0)
			(void)strlcat(list, ", ", size);
		if (strlcat(list, pp->accts[i]->name, size) >= size - 4) {
			list[size - 5] = '\0';
			(void)strlcat(list, "...", size);
			return;
		}
	}
}

static void
conf_parse_free(struct conf_parse *pp)
{
	int i;

	for (i = 0; i < pp->naccts; i++) {
		conf_acct_free(pp->accts[i]);
		free(pp->accts[i]);
	}
	pp->naccts = 0;
	conf_acct_free(&pp->defaults);
}
