/*
 * test_config.c - sendsmtp.conf(5) parsing, accounts, the secure-file
 * checks and the error messages (file:line and the hint).
 *
 * Every case writes its file into a private mkdtemp directory that the
 * fixture removes again.  The secure-file cases chmod (and, as root,
 * chown) that file.
 */
#include "compat.h"

#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "diag.h"
#include "util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char	tmpdir[64];
static char	conf_path[128];
static char	aux_path[128];	/* a second file or a FIFO */
static char	link_path[128];

static void	setup(void);
static void	teardown(void);
static void	write_file(const char *, const char *, size_t, mode_t);
static int	load(const char *, const char *, struct config *,
		    struct diag *);
static void	dump(const struct config *, char *, size_t);
static void	check_tokens(int, const char *, const char *);
static void	check_error(int, const struct diag *, const char *);

static void
setup(void)
{
	(void)strlcpy(tmpdir, "/tmp/sendsmtp-test-config.XXXXXX",
	    sizeof(tmpdir));
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	(void)snprintf(conf_path, sizeof(conf_path), "%s/sendsmtp.conf",
	    tmpdir);
	(void)snprintf(aux_path, sizeof(aux_path), "%s/aux", tmpdir);
	(void)snprintf(link_path, sizeof(link_path), "%s/link.conf", tmpdir);
}

static void
teardown(void)
{
	(void)unlink(conf_path);
	(void)unlink(aux_path);
	(void)unlink(link_path);
	ck_assert_int_eq(rmdir(tmpdir), 0);
}

static void
write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ck_assert_int_eq(close(fd), 0);
}

static int
load(const char *text, const char *account, struct config *cfg,
    struct diag *d)
{
	write_file(conf_path, text, strlen(text), 0600);
	diag_clear(d);
	memset(cfg, 0, sizeof(*cfg));
	return config_load(conf_path, account, cfg, d);
}

#define S(s)	((s) != NULL ? (s) : "-")

static void
dump(const struct config *c, char *out, size_t size)
{
	static const char *tls[] = { "starttls", "smtps", "off" };
	static const char *auth[] = { "default", "off", "on", "mech" };
	static const char *dlv[] = { "unset", "hybrid", "background",
	    "queue" };

	(void)snprintf(out, size, ";account=%s;host=%s;port=%d;tls=%s;"
	    "trust=%s;verify=%d;fpr=%s;cert=%s;key=%s;prio=%s;auth=%s;"
	    "mech=%s;plain=%d;user=%s;pw=%s;pwfile=%s;pweval=%s;from=%s;"
	    "override=%d;domain=%s;aliases=%s;timeout=%d;delivery=%s;"
	    "qdir=%s;life=%ld;rmin=%ld;rmax=%ld;log=%s;tlscache=%d;",
	    S(c->account), S(c->host), c->port, tls[c->tls],
	    S(c->tls_trust_file), c->tls_verify, S(c->tls_fingerprint),
	    S(c->tls_cert_file), S(c->tls_key_file), S(c->tls_priorities),
	    auth[c->auth], S(c->auth_mech), c->auth_plaintext, S(c->user),
	    S(c->password), S(c->password_file), S(c->passwordeval),
	    S(c->from), c->allow_from_override, S(c->domain), S(c->aliases),
	    c->timeout, dlv[c->delivery], S(c->queue_dir), c->queue_lifetime,
	    c->retry_min, c->retry_max, S(c->log), c->tls_session_cache);
}

/* want is "k=v;k=v": each must appear in the dump. */
static void
check_tokens(int i, const char *got, const char *want)
{
	char tok[256];
	const char *p = want, *semi;
	size_t n;

	while (*p != '\0') {
		semi = strchr(p, ';');
		n = semi != NULL ? (size_t)(semi - p) : strlen(p);
		ck_assert_uint_lt(n + 2, sizeof(tok));
		tok[0] = ';';
		memcpy(tok + 1, p, n);
		tok[n + 1] = ';';
		tok[n + 2] = '\0';
		ck_assert_msg(strstr(got, tok) != NULL,
		    "case %d: got \"%s\", want \"%s\"", i, got, tok);
		p += n + (semi != NULL);
	}
}

/* The message is "<conf_path>" followed exactly by want... */
static void
check_error(int i, const struct diag *d, const char *want)
{
	size_t plen = strlen(conf_path);

	ck_assert_msg(d->exitcode == EX_CONFIG,
	    "case %d: got exit %d, want %d (%s)", i, d->exitcode, EX_CONFIG,
	    d->text);
	ck_assert_msg(strncmp(d->text, conf_path, plen) == 0 &&
	    strncmp(d->text + plen, want, strlen(want)) == 0,
	    "case %d: got \"%s\", want \"<path>%s...\"", i, d->text, want);
}

/* ------------------------------------------------------------ valid */

static const struct {
	const char	*text;
	const char	*account;
	const char	*want;
} valid_cases[] = {
	/* defaults */
	{ "host smtp.example.com\n", NULL,
	  "account=;host=smtp.example.com;port=0;tls=starttls;trust=-;"
	  "verify=1;fpr=-;auth=off;mech=-;plain=0;user=-;pw=-;from=-;"
	  "override=1;domain=-;aliases=-;timeout=60;delivery=hybrid;"
	  "qdir=" DEFAULT_QUEUE_DIR ";life=432000;rmin=300;rmax=3600;"
	  "log=syslog" },
	{ "host h", NULL, "host=h" },			/* no final newline */
	{ "host 192.0.2.1\n", NULL, "host=192.0.2.1" },
	{ "host [2001:db8::1]\n", NULL, "host=[2001:db8::1]" },
	{ "host h\nport 2525\n", NULL, "port=2525" },
	{ "host h\nport 1\n", NULL, "port=1" },
	{ "host h\nport 65535\n", NULL, "port=65535" },
	/* TLS modes, ours and msmtp's */
	{ "host h\ntls smtps\n", NULL, "tls=smtps" },
	{ "host h\ntls off\n", NULL, "tls=off" },
	{ "host h\ntls starttls\n", NULL, "tls=starttls" },
	{ "host h\ntls STARTTLS\n", NULL, "tls=starttls" },
	{ "host h\ntls on\n", NULL, "tls=starttls" },
	{ "host h\ntls on\ntls_starttls off\n", NULL, "tls=smtps" },
	{ "host h\ntls_starttls off\ntls on\n", NULL, "tls=smtps" },
	{ "host h\ntls\ntls_starttls off\n", NULL, "tls=smtps" },
	{ "host h\ntls on\ntls_starttls on\n", NULL, "tls=starttls" },
	{ "host h\ntls off\ntls_starttls off\n", NULL, "tls=off" },
	{ "host h\ntls smtps\ntls_starttls\n", NULL, "tls=starttls" },
	{ "host h\ntls_starttls off\n", NULL, "tls=smtps" },
	{ "host h\ntls_trust_file /etc/ssl/certs/ca-certificates.crt\n",
	  NULL, "trust=/etc/ssl/certs/ca-certificates.crt" },
	{ "host h\ntls_trust_file /x.pem\ntls_trust_file system\n", NULL,
	  "trust=-" },
	{ "host h\ntls_trust_file /x.pem\ntls_trust_file\n", NULL,
	  "trust=-" },
	{ "host h\ntls_verify off\n", NULL, "verify=0" },
	{ "host h\n", NULL, "tlscache=1" },
	{ "host h\ntls_session_cache off\n", NULL, "tlscache=0" },
	{ "tls_session_cache off\naccount a\nhost h\naccount default : a\n",
	  NULL, "host=h;tlscache=0" },
	{ "host h\ntls_session_cache\n", NULL, "tlscache=1" },
	{ "host h\ntls_certcheck off\n", NULL, "verify=0" },
	{ "host h\ntls_certcheck off\ntls_certcheck\n", NULL, "verify=1" },
	{ "host h\ntls_verify OFF\ntls_verify on\n", NULL, "verify=1" },
	{ "host h\ntls_fingerprint "
	  "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
	  "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\n", NULL,
	  "fpr=abcdef0123456789abcdef0123456789"
	  "abcdef0123456789abcdef0123456789" },
	{ "host h\ntls_fingerprint "
	  "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\n",
	  NULL, "fpr=00112233445566778899aabbccddeeff"
	  "00112233445566778899aabbccddeeff" },
	{ "host h\ntls_cert_file /etc/c.pem\ntls_key_file /etc/k.pem\n",
	  NULL, "cert=/etc/c.pem;key=/etc/k.pem" },
	{ "host h\ntls_priorities NORMAL:-VERS-ALL:+VERS-TLS1.3\n", NULL,
	  "prio=NORMAL:-VERS-ALL:+VERS-TLS1.3" },
	/* auth */
	{ "host h\nauth off\n", NULL, "auth=off;mech=-" },
	{ "host h\nuser u\npassword p\n", NULL, "auth=on;user=u;pw=p" },
	{ "host h\nuser u\npassword p\nauth off\n", NULL, "auth=off" },
	{ "host h\nuser u\npassword p\nauth\n", NULL, "auth=on" },
	{ "host h\nuser u\npassword p\nauth plain\n", NULL,
	  "auth=mech;mech=PLAIN" },
	{ "host h\nuser u\npassword p\nauth scram-sha-256\n", NULL,
	  "auth=mech;mech=SCRAM-SHA-256" },
	{ "host h\nuser u\npassword p\nauth LOGIN\n", NULL, "mech=LOGIN" },
	{ "host h\nuser u\npassword p\nauth cram-md5\n", NULL,
	  "mech=CRAM-MD5" },
	{ "host h\nuser u\npassword p\nauth SCRAM-SHA-1\n", NULL,
	  "mech=SCRAM-SHA-1" },
	{ "host h\nuser u\npasswordeval oauth-token\nauth xoauth2\n", NULL,
	  "mech=XOAUTH2;pweval=oauth-token" },
	{ "host h\nuser u\npasswordeval t\nauth OAuthBearer\n", NULL,
	  "mech=OAUTHBEARER" },
	{ "host h\nuser u\npassword p\nauth plain\nauth on\n", NULL,
	  "auth=on;mech=-" },
	{ "host h\ntls off\nauth_plaintext on\nuser u\npassword p\n", NULL,
	  "tls=off;plain=1;auth=on" },
	{ "host h\nuser u\npassword_file /etc/sendsmtp.secret\n", NULL,
	  "pwfile=/etc/sendsmtp.secret;pw=-" },
	{ "host h\nuser u\npasswordeval \"gpg -q -d /root/pw.gpg\"\n", NULL,
	  "pweval=gpg -q -d /root/pw.gpg" },
	{ "host h\nuser u\npasswordeval gpg -q -d /root/pw.gpg # comment\n",
	  NULL, "pweval=gpg -q -d /root/pw.gpg" },
	/* quoting and comments */
	{ "host h\nuser u\npassword \"a \\\"b\\\" \\\\ c # d\"\n", NULL,
	  "pw=a \"b\" \\ c # d" },
	{ "host h\nuser u\npassword pa#ss\n", NULL, "pw=pa#ss" },
	{ "host h\nuser u\npassword \"  spaced  \"   # comment\n", NULL,
	  "pw=  spaced  " },
	{ "# comment\n\n   \n\t# indented comment\n\thost h # trailing\n",
	  NULL, "host=h" },
	{ "host h\r\nport 25\r\n", NULL, "host=h;port=25" },
	{ "  host\t\th  \t\n", NULL, "host=h" },
	{ "host \"h\"\n", NULL, "host=h" },
	{ "host h\nuser u\nuser \"\"\n", NULL, "user=-;auth=off" },
	{ "host h\nfrom alerts@example.com\n", NULL,
	  "from=alerts@example.com" },
	{ "host h\nallow_from_override off\n", NULL, "override=0" },
	{ "host h\ndomain example.com\n", NULL, "domain=example.com" },
	{ "host h\naliases /etc/aliases\n", NULL, "aliases=/etc/aliases" },
	{ "host h\ntimeout 120\n", NULL, "timeout=120" },
	{ "host h\ntimeout 1\n", NULL, "timeout=1" },
	{ "host h\ntimeout 3600\n", NULL, "timeout=3600" },
	{ "host h\ntimeout off\n", NULL, "timeout=3600" },
	{ "host h\ndelivery background\n", NULL, "delivery=background" },
	{ "host h\ndelivery queue\n", NULL, "delivery=queue" },
	{ "host h\ndelivery hybrid\n", NULL, "delivery=hybrid" },
	{ "host h\nqueue_dir /var/tmp/q\n", NULL, "qdir=/var/tmp/q" },
	{ "host h\nqueue_lifetime 2d\nretry_min 30\nretry_max 2h\n", NULL,
	  "life=172800;rmin=30;rmax=7200" },
	{ "host h\nretry_min 10s\nretry_max 10m\n", NULL,
	  "rmin=10;rmax=600" },
	{ "host h\nqueue_lifetime 365d\n", NULL, "life=31536000" },
	{ "host h\nretry_min 1h\nretry_max 1h\n", NULL, "rmin=3600;rmax=3600" },
	/* log, logfile, syslog */
	{ "host h\nlog off\n", NULL, "log=off" },
	{ "host h\nlog /var/log/sendsmtp.log\n", NULL,
	  "log=/var/log/sendsmtp.log" },
	{ "host h\nlogfile /var/log/msmtp.log\n", NULL,
	  "log=/var/log/msmtp.log" },
	{ "host h\nlogfile /var/log/m.log\nlogfile\n", NULL, "log=off" },
	{ "host h\nlog off\nsyslog LOG_MAIL\n", NULL, "log=syslog" },
	{ "host h\nlog off\nsyslog\n", NULL, "log=syslog" },
	{ "host h\nsyslog off\n", NULL, "log=off" },
	{ "host h\nlogfile /x.log\nsyslog off\n", NULL, "log=/x.log" },
	/* msmtp keys we accept and ignore */
	{ "host h\nprotocol smtp\nfrom_full_name \"Cron Daemon\"\n"
	  "logfile_time_format \"%Y-%m-%d\"\nmaildomain example.com\n"
	  "set_from_header auto\nset_date_header auto\n"
	  "set_msgid_header auto\nremove_bcc_headers on\n"
	  "remove_bcc_headers\nundisclosed_recipients off\n"
	  "dsn_notify off\ndsn_return off\nadd_missing_from_header on\n"
	  "add_missing_date_header on\nauto_from off\n", NULL, "host=h" },
	/* accounts */
	{ "host top\naccount a\nhost ah\n", NULL, "account=;host=top" },
	{ "host top\naccount a\nhost ah\n", "a", "account=a;host=ah" },
	{ "host top\naccount a\nhost ah\n", "", "account=;host=top" },
	{ "port 2525\ntls smtps\naccount a\nhost ah\n", "a",
	  "host=ah;port=2525;tls=smtps" },
	{ "tls on\naccount a\nhost ah\ntls_starttls off\n", "a", "tls=smtps" },
	{ "account a\nhost ah\naccount default : a\n", NULL,
	  "account=default;host=ah" },
	{ "account a\nhost ah\naccount b\nhost bh\naccount default : b\n",
	  "a", "account=a;host=ah" },
	{ "account a\nhost ah\naccount b\nhost bh\naccount default : b\n",
	  NULL, "account=default;host=bh" },
	{ "account default\nhost dh\n", NULL, "account=default;host=dh" },
	{ "account a\nhost ah\nport 1\n"
	  "account b\nuser bu\npassword bp\nport 2\n"
	  "account c : a, b\nfrom c@example.com\n", "c",
	  "host=ah;port=2;user=bu;pw=bp;from=c@example.com" },
	{ "account a\nhost ah\nport 1\naccount b\nport 2\n"
	  "account c : b,a\n", "c", "port=1" },
	{ "account a\nhost ah\ndefaults\nport 26\naccount b : a\n", "a",
	  "port=0" },
	{ "account a\nhost ah\ndefaults\nport 26\naccount b : a\n", "b",
	  "host=ah;port=26" },
	{ "account a\nhost ah\naccount b : a\nhost bh\n", "a", "host=ah" },
	{ "password_file /etc/s\naccount a\nhost h\nuser u\npassword p\n",
	  "a", "pw=p;pwfile=-" },
	{ "account a\nhost h\nuser u\npasswordeval e\n"
	  "account b\npassword_file /p\naccount c : b, a\n", "c",
	  "pweval=e;pwfile=-" },
	{ "account a-1.b_2\nhost h\n", "a-1.b_2", "account=a-1.b_2" },
};

START_TEST(config_valid_files)
{
	struct config cfg;
	struct diag d;
	char got[2048];
	int rc;

	rc = load(valid_cases[_i].text, valid_cases[_i].account, &cfg, &d);
	ck_assert_msg(rc == 0, "case %d: got error \"%s\", want success", _i,
	    d.text);
	ck_assert_str_eq(cfg.path, conf_path);
	dump(&cfg, got, sizeof(got));
	check_tokens(_i, got, valid_cases[_i].want);
	config_free(&cfg);
}
END_TEST

/* ------------------------------------------------------------ msmtprc */

static const char msmtprc_gmail[] =
    "# Values every account below starts with.\n"
    "defaults\n"
    "auth           on\n"
    "tls            on\n"
    "tls_trust_file /etc/ssl/certs/ca-certificates.crt\n"
    "logfile        /var/log/msmtp.log\n"
    "\n"
    "# Gmail through the submission port\n"
    "account        gmail\n"
    "host           smtp.gmail.com\n"
    "port           587\n"
    "from           someone@gmail.com\n"
    "user           someone\n"
    "password       an-app-password\n"
    "\n"
    "# A second provider whose secret comes from a command\n"
    "account        freemail\n"
    "host           smtp.freemail.example\n"
    "from           joe_smith@freemail.example\n"
    "user           joe.smith\n"
    "passwordeval   gpg --no-tty -q -d /root/.msmtp-password.gpg\n"
    "\n"
    "# The account used when none is named\n"
    "account default : gmail\n";

static const char msmtprc_smtps[] =
    "defaults\n"
    "tls on\n"
    "tls_starttls off\n"
    "tls_certcheck on\n"
    "syslog LOG_MAIL\n"
    "timeout off\n"
    "\n"
    "account gmail\n"
    "host smtp.gmail.com\n"
    "port 465\n"
    "auth plain\n"
    "user me@gmail.com\n"
    "password \"app password with spaces\"\n"
    "from me@gmail.com\n"
    "protocol smtp\n"
    "\n"
    "account default : gmail\n";

static const char msmtprc_server[] =
    "# /etc/msmtprc on a server relaying to the LAN mail host\n"
    "account default\n"
    "host mail.example.org\n"
    "port 25\n"
    "tls off\n"
    "auth off\n"
    "from cron@server.example.org\n"
    "syslog on\n"
    "timeout 30\n"
    "aliases /etc/aliases\n";

static const struct {
	const char	*text;
	const char	*account;
	const char	*want;
} msmtprc_cases[] = {
	{ msmtprc_gmail, NULL,
	  "account=default;host=smtp.gmail.com;port=587;tls=starttls;"
	  "trust=/etc/ssl/certs/ca-certificates.crt;verify=1;auth=on;"
	  "user=someone;pw=an-app-password;pweval=-;"
	  "from=someone@gmail.com;log=/var/log/msmtp.log" },
	{ msmtprc_gmail, "freemail",
	  "account=freemail;host=smtp.freemail.example;port=0;tls=starttls;"
	  "auth=on;user=joe.smith;pw=-;"
	  "pweval=gpg --no-tty -q -d /root/.msmtp-password.gpg;"
	  "from=joe_smith@freemail.example" },
	{ msmtprc_smtps, NULL,
	  "account=default;host=smtp.gmail.com;port=465;tls=smtps;verify=1;"
	  "auth=mech;mech=PLAIN;user=me@gmail.com;"
	  "pw=app password with spaces;log=syslog;timeout=3600" },
	{ msmtprc_server, NULL,
	  "account=default;host=mail.example.org;port=25;tls=off;auth=off;"
	  "from=cron@server.example.org;log=syslog;timeout=30;"
	  "aliases=/etc/aliases" },
};

START_TEST(config_msmtprc_examples)
{
	struct config cfg;
	struct diag d;
	char got[2048];
	int rc;

	rc = load(msmtprc_cases[_i].text, msmtprc_cases[_i].account, &cfg,
	    &d);
	ck_assert_msg(rc == 0, "case %d: got error \"%s\", want success", _i,
	    d.text);
	dump(&cfg, got, sizeof(got));
	check_tokens(_i, got, msmtprc_cases[_i].want);
	ck_assert_int_eq(config_port(&cfg),
	    _i == 1 ? 587 : _i == 2 ? 465 : _i == 3 ? 25 : 587);
	config_free(&cfg);
}
END_TEST

/* ------------------------------------------------------------ errors */

#define FPR64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct {
	const char	*text;
	const char	*account;
	const char	*want;	/* what follows the path in the message */
} bad_cases[] = {
	{ "host h\ntls maybe\n", NULL, ":2: bad value \"maybe\" for tls; "
	  "expected starttls, smtps or off" },
	{ "host h\ntls\n tls_starttls maybe\n", NULL, ":3: bad value "
	  "\"maybe\" for tls_starttls; expected on or off" },
	{ "hots smtp.example.com\n", NULL, ":1: unknown key \"hots\"; "
	  "did you mean \"host\"?" },
	{ "host h\n\nHost h\n", NULL, ":3: unknown key \"Host\"; did you "
	  "mean \"host\"?" },
	{ "host h\ntls_verfy on\n", NULL, ":2: unknown key \"tls_verfy\"; "
	  "did you mean \"tls_verify\"?" },
	{ "host h\npasword x\n", NULL, ":2: unknown key \"pasword\"; did "
	  "you mean \"password\"?" },
	{ "host=smtp.example.com\n", NULL, ":1: unknown key "
	  "\"host=smtp.example.com\"; write \"host VALUE\", without \"=\"" },
	{ "host h\nxyzzy 1\n", NULL, ":2: unknown key \"xyzzy\"; see "
	  "sendsmtp.conf(5)" },
	{ "host h\nport 0\n", NULL, ":2: bad value \"0\" for port; expected "
	  "a number from 1 to 65535" },
	{ "host h\nport 65536\n", NULL, ":2: bad value \"65536\" for port" },
	{ "host h\nport abc\n", NULL, ":2: bad value \"abc\" for port" },
	{ "host h\nport -1\n", NULL, ":2: bad value \"-1\" for port" },
	{ "host h\nport +25\n", NULL, ":2: bad value \"+25\" for port" },
	{ "host h\nport 25x\n", NULL, ":2: bad value \"25x\" for port" },
	{ "host h\nport\n", NULL, ":2: bad value \"\" for port" },
	{ "host h\nport 25 587\n", NULL, ":2: bad value \"25 587\" for port" },
	{ "host\n", NULL, ":1: bad value \"\" for host; expected a host "
	  "name or IP address" },
	{ "host smtp.example.com 587\n", NULL, ":1: bad value "
	  "\"smtp.example.com 587\" for host" },
	{ "host smtp://smtp.example.com\n", NULL, ":1: bad value "
	  "\"smtp://smtp.example.com\" for host; expected a host name "
	  "only, without \"smtp://\"" },
	{ "host h#x\n", NULL, ":1: bad value \"h#x\" for host" },
	{ "host h\ndomain \"bad domain\"\n", NULL, ":2: bad value "
	  "\"bad domain\" for domain" },
	{ "host h\ntls_verify yes\n", NULL, ":2: bad value \"yes\" for "
	  "tls_verify; expected on or off (write \"on\" or \"off\"" },
	{ "host h\ntls_session_cache 1\n", NULL, ":2: bad value \"1\" for "
	  "tls_session_cache; expected on or off" },
	{ "host h\ntls_certcheck 0\n", NULL, ":2: bad value \"0\" for "
	  "tls_certcheck; expected on or off (write" },
	{ "host h\nallow_from_override maybe\n", NULL, ":2: bad value "
	  "\"maybe\" for allow_from_override; expected on or off" },
	{ "host h\nauth_plaintext true\n", NULL, ":2: bad value \"true\" "
	  "for auth_plaintext" },
	{ "host h\ntls_fingerprint abc\n", NULL, ":2: bad value \"abc\" for "
	  "tls_fingerprint; expected a SHA-256 fingerprint: 64 hex digits" },
	{ "host h\ntls_fingerprint " FPR64 "0\n", NULL, ":2: bad value "
	  "\"0123456789abcdef0123456789abcdef01234567...\" for "
	  "tls_fingerprint; expected a SHA-256 fingerprint: 64" },
	{ "host h\ntls_fingerprint 0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdeg\n", NULL, ":2: bad value" },
	{ "host h\ntls_fingerprint 0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcde\n", NULL, ":2: bad value" },
	{ "host h\ntls_fingerprint 0123456789abcdef0123456789abcdef01234567"
	  "\n", NULL, ":2: bad value \"0123456789abcdef0123456789abcdef01234567"
	  "\" for tls_fingerprint; expected a SHA-256 fingerprint; SHA-1" },
	{ "host h\ntls_fingerprint A:BCD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
	  "67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\n", NULL,
	  ":2: bad value" },
	{ "host h\ntls_fingerprint AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
	  "67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:\n", NULL,
	  ":2: bad value" },
	{ "host h\ntls_fingerprint ABCD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
	  "67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89\n", NULL,
	  ":2: bad value" },
	{ "host h\ntls_cert_file cert.pem\n", NULL, ":2: bad value "
	  "\"cert.pem\" for tls_cert_file; expected an absolute path" },
	{ "host h\ntls_key_file ~/key.pem\n", NULL, ":2: bad value "
	  "\"~/key.pem\" for tls_key_file; expected an absolute path" },
	{ "host h\ntls_trust_file ca.pem\n", NULL, ":2: bad value \"ca.pem\" "
	  "for tls_trust_file" },
	{ "host h\npassword_file ~/.pw\n", NULL, ":2: bad value "
	  "\"~/.pw\" for password_file; expected an absolute path" },
	{ "host h\naliases aliases\n", NULL, ":2: bad value \"aliases\" for "
	  "aliases" },
	{ "host h\nauth gssapi\n", NULL, ":2: auth mechanism GSSAPI is not "
	  "supported; use \"auth on\" or one of PLAIN" },
	{ "host h\nauth ntlm\n", NULL, ":2: auth mechanism NTLM is not "
	  "supported" },
	{ "host h\nauth md5\n", NULL, ":2: bad value \"md5\" for auth; "
	  "expected on, off or a mechanism: PLAIN, LOGIN, CRAM-MD5, "
	  "SCRAM-SHA-1, SCRAM-SHA-256, XOAUTH2 or OAUTHBEARER" },
	{ "host h\ntimeout 0\n", NULL, ":2: bad value \"0\" for timeout; "
	  "expected seconds from 1 to 3600, or off" },
	{ "host h\ntimeout 3601\n", NULL, ":2: bad value \"3601\" for "
	  "timeout" },
	{ "host h\ntimeout 1m\n", NULL, ":2: bad value \"1m\" for timeout" },
	{ "host h\ndelivery now\n", NULL, ":2: bad value \"now\" for "
	  "delivery; expected hybrid, background or queue" },
	{ "host h\nqueue_dir spool\n", NULL, ":2: bad value \"spool\" for "
	  "queue_dir; expected an absolute path" },
	{ "host h\nqueue_dir \"\"\n", NULL, ":2: bad value \"\" for "
	  "queue_dir" },
	{ "host h\nqueue_lifetime 5w\n", NULL, ":2: bad value \"5w\" for "
	  "queue_lifetime; expected seconds, or a number with s, m, h or d" },
	{ "host h\nretry_min 0\n", NULL, ":2: bad value \"0\" for "
	  "retry_min" },
	{ "host h\nretry_min -5m\n", NULL, ":2: bad value \"-5m\" for "
	  "retry_min" },
	{ "host h\nretry_max m\n", NULL, ":2: bad value \"m\" for "
	  "retry_max" },
	{ "host h\nretry_max \"5 m\"\n", NULL, ":2: bad value \"5 m\" for "
	  "retry_max" },
	{ "host h\nqueue_lifetime 366d\n", NULL, ":2: bad value \"366d\" "
	  "for queue_lifetime" },
	{ "host h\nqueue_lifetime 99999999999999999999\n", NULL,
	  ":2: bad value \"99999999999999999999\" for queue_lifetime" },
	{ "host h\nlog stderr\n", NULL, ":2: bad value \"stderr\" for log; "
	  "expected syslog, off or an absolute path" },
	{ "host h\nlogfile -\n", NULL, ":2: bad value \"-\" for logfile; "
	  "expected an absolute path; logging to standard output" },
	{ "host h\nlogfile ~/.msmtp.log\n", NULL, ":2: bad value "
	  "\"~/.msmtp.log\" for logfile" },
	{ "host h\nsyslog LOG_USER\n", NULL, ":2: syslog facility LOG_USER "
	  "is not supported; sendsmtp logs to LOG_MAIL" },
	{ "host h\nsyslog maybe\n", NULL, ":2: bad value \"maybe\" for "
	  "syslog; expected on, off or LOG_MAIL" },
	{ "host h\nfrom %U@example.com\n", NULL, ":2: bad value "
	  "\"%U@example.com\" for from; expected a plain address; msmtp's" },
	{ "host h\nfrom \"Alerts <a@example.com>\"\n", NULL, ":2: bad value "
	  "\"Alerts <a@example.com>\" for from; expected a plain address" },
	/* two password sources in one section */
	{ "host h\nuser u\npassword secret1\npassword_file /etc/s\n", NULL,
	  ":4: both password (line 3) and password_file are set; keep only "
	  "one password source" },
	{ "account a\nhost h\npasswordeval cmd\npassword x\n", "a",
	  ":4: both passwordeval (line 3) and password are set" },
	/* quoting */
	{ "host h\npassword \"secret2\n", NULL, ":2: missing closing quote" },
	{ "host h\nuser \"a\"b\n", NULL, ":2: text after the closing quote" },
	{ "host h\nuser \"a\\qb\"\n", NULL, ":2: bad escape inside quotes" },
	/* sections */
	{ "account\nhost h\n", NULL, ":1: bad account name \"\"" },
	{ "account a b\nhost h\n", NULL, ":1: bad account name \"a b\"" },
	{ "account a\nhost h\naccount a\n", NULL, ":3: account \"a\" is "
	  "already defined at line 1" },
	{ "host h\naccount b : a\n", NULL, ":2: account \"a\" is not "
	  "defined above this line" },
	{ "host h\naccount b : b\n", NULL, ":2: account \"b\" is not "
	  "defined above this line" },
	{ "account a\nhost h\naccount b :\n", NULL, ":3: no account after "
	  "':'" },
	{ "account a\nhost h\naccount c\naccount b : a,,c\n", NULL,
	  ":4: empty account name in the list" },
	{ "host h\ndefaults x\n", NULL, ":2: \"defaults\" takes no value" },
	/* msmtp keys we refuse, and ignored ones with another value */
	{ "host h\ntls_crl_file /etc/crl.pem\n", NULL, ":2: msmtp key "
	  "\"tls_crl_file\" is not supported: CRL checks" },
	{ "host h\nproxy_host 127.0.0.1\n", NULL, ":2: msmtp key "
	  "\"proxy_host\" is not supported" },
	{ "host h\ntls_min_dh_prime_bits 512\n", NULL, ":2: msmtp key "
	  "\"tls_min_dh_prime_bits\" is not supported: set the minimum in "
	  "tls_priorities" },
	{ "host h\ntls_host_override other\n", NULL, ":2: msmtp key "
	  "\"tls_host_override\" is not supported" },
	{ "host h\nprotocol lmtp\n", NULL, ":2: msmtp setting \"protocol "
	  "lmtp\" is not supported; sendsmtp always behaves as \"protocol "
	  "smtp\": remove the line" },
	{ "host h\nremove_bcc_headers off\n", NULL, ":2: msmtp setting "
	  "\"remove_bcc_headers off\" is not supported" },
	{ "host h\nset_date_header off\n", NULL, ":2: msmtp setting "
	  "\"set_date_header off\"" },
	{ "host h\ndsn_notify failure\n", NULL, ":2: msmtp setting "
	  "\"dsn_notify failure\"" },
	/* text only */
	{ "host h\nuser a\001b\n", NULL, ":2: control character 0x01" },
	{ "host h\nuser a\rb\n", NULL, ":2: control character 0x0d" },
	{ "host h\n\n\nuser \177\n", NULL, ":4: control character 0x7f" },
	/* checks after loading: no line number */
	{ "", NULL, ": no \"host\" set; add \"host smtp.example.com\"" },
	{ "# only comments\n", NULL, ": no \"host\" set" },
	{ "account a\nhost h\naccount b : a\n", NULL, ": no \"host\" at "
	  "the top level and no account \"default\"; add \"account "
	  "default : NAME\" (accounts: a, b)" },
	{ "account a\nport 25\n", "a", ": no \"host\" set in account \"a\"; "
	  "add \"host smtp.example.com\"" },
	{ "host h\nretry_min 2h\nretry_max 1h\n", NULL, ": retry_min (7200s) "
	  "is larger than retry_max (3600s)" },
	{ "host h\nretry_min 2h\n", NULL, ": retry_min (7200s) is larger "
	  "than retry_max (3600s)" },
	{ "host h\ntls_cert_file /c.pem\n", NULL, ": tls_cert_file is set "
	  "without tls_key_file" },
	{ "host h\ntls_key_file /k.pem\n", NULL, ": tls_key_file is set "
	  "without tls_cert_file" },
	{ "host h\nauth on\n", NULL, ": auth is on but no \"user\" is set" },
	{ "host h\nauth plain\npassword p\n", NULL, ": auth is on but no "
	  "\"user\" is set" },
	{ "host h\nuser u\n", NULL, ": auth is on for user \"u\" but no "
	  "password is set" },
	{ "host h\ntls off\nuser u\npassword p\n", NULL, ": auth with \"tls "
	  "off\" would send the password in clear text" },
	{ "account a\nhost h\naccount b\nhost h\n", "zz", ": no account "
	  "\"zz\"; known accounts: a, b" },
	{ "host h\n", "gmail", ": no account \"gmail\"; the file defines no "
	  "accounts" },
};

START_TEST(config_bad_files)
{
	struct config cfg;
	struct diag d;

	ck_assert_int_eq(load(bad_cases[_i].text, bad_cases[_i].account,
	    &cfg, &d), -1);
	check_error(_i, &d, bad_cases[_i].want);
	/* the password never appears in a message */
	ck_assert_ptr_null(strstr(d.text, "secret"));
	config_free(&cfg);
}
END_TEST

/* A config_validate() failure still returns the parsed account (-bC). */
START_TEST(config_validate_keeps_struct)
{
	struct config cfg;
	struct diag d;

	ck_assert_int_eq(load("account a\nport 2525\ntls smtps\nuser u\n",
	    "a", &cfg, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.text, "no \"host\" set"));
	ck_assert_int_eq(cfg.port, 2525);
	ck_assert_int_eq(cfg.tls, TLS_MODE_SMTPS);
	ck_assert_str_eq(cfg.user, "u");
	ck_assert_str_eq(cfg.account, "a");
	config_free(&cfg);

	/* a syntax error leaves only the defaults */
	ck_assert_int_eq(load("port 2525\nhost\n", NULL, &cfg, &d), -1);
	ck_assert_int_eq(cfg.port, 0);
	ck_assert_ptr_null(cfg.host);
	ck_assert_str_eq(cfg.log, "syslog");
	config_free(&cfg);
}
END_TEST

START_TEST(config_validate_direct)
{
	struct config cfg;
	struct diag d;

	config_defaults(&cfg);
	cfg.host = xstrdup("h");
	ck_assert_int_eq(config_validate(&cfg, &d), 0);
	cfg.password = xstrdup("p");
	cfg.password_file = xstrdup("/p");
	ck_assert_int_eq(config_validate(&cfg, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_CONFIG);
	ck_assert_str_eq(d.text, "config: both \"password\" and "
	    "\"password_file\" are set; keep only one password source");
	config_free(&cfg);
}
END_TEST

START_TEST(config_nul_in_file)
{
	static const char text[] = "host h\nuser u\0v\npassword p\n";
	struct config cfg;
	struct diag d;

	write_file(conf_path, text, sizeof(text) - 1, 0600);
	config_defaults(&cfg);		/* as main.c does: freed by the load */
	ck_assert_int_eq(config_load(conf_path, NULL, &cfg, &d), -1);
	check_error(0, &d, ":2: NUL byte in the line");
	config_free(&cfg);
}
END_TEST

START_TEST(config_long_lines)
{
	struct config cfg;
	struct diag d;
	char *text;
	size_t n;

	/* a value that makes the line exactly CONF_LINE_MAX is fine */
	text = xmalloc(CONF_LINE_MAX + 64);
	n = (size_t)snprintf(text, 64, "host h\nuser ");
	memset(text + n, 'u', CONF_LINE_MAX - 5);
	n += CONF_LINE_MAX - 5;
	memcpy(text + n, "\npassword p\n", 13);
	ck_assert_int_eq(load(text, NULL, &cfg, &d), 0);
	ck_assert_uint_eq(strlen(cfg.user), CONF_LINE_MAX - 5);
	config_free(&cfg);

	/* one byte more is refused, with the line number */
	n = (size_t)snprintf(text, 64, "host h\n# c\nuser ");
	memset(text + n, 'u', CONF_LINE_MAX - 4);
	n += CONF_LINE_MAX - 4;
	memcpy(text + n, "\n", 2);
	ck_assert_int_eq(load(text, NULL, &cfg, &d), -1);
	check_error(0, &d, ":3: line longer than 4096 bytes");
	config_free(&cfg);
	free(text);
}
END_TEST

START_TEST(config_file_too_big)
{
	struct config cfg;
	struct diag d;
	char *text;

	text = xmalloc(CONF_FILE_MAX + 2);
	memset(text, '#', CONF_FILE_MAX + 1);
	text[CONF_FILE_MAX + 1] = '\0';
	ck_assert_int_eq(load(text, NULL, &cfg, &d), -1);
	check_error(0, &d, " is larger than 1048576 bytes");
	config_free(&cfg);
	free(text);
}
END_TEST

START_TEST(config_missing_and_odd_files)
{
	struct config cfg;
	struct diag d;
	char want[512];

	(void)snprintf(want, sizeof(want), "cannot read %s/none.conf: No such "
	    "file or directory; create it (see sendsmtp.conf(5)) or pass "
	    "-C FILE", tmpdir);
	(void)snprintf(aux_path, sizeof(aux_path), "%s/none.conf", tmpdir);
	memset(&cfg, 0, sizeof(cfg));
	ck_assert_int_eq(config_load(aux_path, NULL, &cfg, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_CONFIG);
	ck_assert_str_eq(d.text, want);
	config_free(&cfg);

	/* a directory */
	ck_assert_int_eq(config_load(tmpdir, NULL, &cfg, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(d.text, "is not a regular file"));
	config_free(&cfg);

	/* a FIFO must not block us */
	(void)snprintf(aux_path, sizeof(aux_path), "%s/aux", tmpdir);
	ck_assert_int_eq(mkfifo(aux_path, 0600), 0);
	ck_assert_int_eq(config_load(aux_path, NULL, &cfg, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_CONFIG);
	ck_assert_ptr_nonnull(strstr(d.text, "is not a regular file"));
	config_free(&cfg);

	/* a symlink to a good file is fine */
	write_file(conf_path, "host h\n", 7, 0644);
	ck_assert_int_eq(symlink(conf_path, link_path), 0);
	ck_assert_int_eq(config_load(link_path, NULL, &cfg, &d), 0);
	ck_assert_str_eq(cfg.host, "h");
	config_free(&cfg);
}
END_TEST

/* ------------------------------------------------------------ secure */

static const struct {
	mode_t		 mode;
	const char	*text;
	int		 want_rc;
	const char	*want;
} secure_cases[] = {
	{ 0600, "host h\nuser u\npassword p\n", 0, NULL },
	{ 0640, "host h\nuser u\npassword p\n", 0, NULL },
	{ 0400, "host h\nuser u\npassword p\n", 0, NULL },
	{ 0644, "host h\nuser u\npassword_file /etc/s\n", 0, NULL },
	{ 0644, "host h\n#password p\n", 0, NULL },
	{ 0644, "host h\nuser u\npasswordeval cat /s\n", 0, NULL },
	{ 0644, "host h\nuser u\npassword p\n", -1,
	  " holds a password and is world-readable (mode 0644); run "
	  "\"chmod 0640 " },
	{ 0604, "host h\n\tpassword\tp\nuser u\n", -1,
	  " holds a password and is world-readable (mode 0604)" },
	{ 0644, "host h\naccount other\nhost o\npassword p\nuser u\n", -1,
	  " holds a password and is world-readable" },
	{ 0660, "host h\n", -1, " is group-writable (mode 0660); run "
	  "\"chmod 0640 " },
	{ 0602, "host h\n", -1, " is world-writable (mode 0602)" },
	{ 0666, "host h\n", -1, " is group- and world-writable (mode 0666)" },
	{ 0620, "host h\nuser u\npassword p\n", -1, " is group-writable" },
};

START_TEST(config_secure_modes)
{
	struct config cfg;
	struct diag d;
	const char *text = secure_cases[_i].text;
	int rc;

	write_file(conf_path, text, strlen(text), secure_cases[_i].mode);
	config_defaults(&cfg);
	rc = config_load(conf_path, NULL, &cfg, &d);
	ck_assert_msg(rc == secure_cases[_i].want_rc,
	    "case %d: got %d (%s), want %d", _i, rc, d.text,
	    secure_cases[_i].want_rc);
	if (secure_cases[_i].want != NULL) {
		check_error(_i, &d, secure_cases[_i].want);
		ck_assert_ptr_null(cfg.host);	/* nothing was parsed */
	}
	config_free(&cfg);
}
END_TEST

START_TEST(config_secure_owner)
{
	struct diag d;
	char want[512];
	int fd;

	write_file(conf_path, "host h\n", 7, 0644);
	fd = open(conf_path, O_RDONLY);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(config_check_secure(fd, conf_path, 1, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.text, "world-readable"));
	ck_assert_int_eq(config_check_secure(fd, conf_path, 0, &d), 0);
	if (geteuid() == 0) {
		/* owned by somebody else: refused even when the mode is fine */
		ck_assert_int_eq(fchown(fd, 65534, (gid_t)-1), 0);
		ck_assert_int_eq(config_check_secure(fd, conf_path, 0, &d), -1);
		ck_assert_int_eq(d.exitcode, EX_CONFIG);
		(void)snprintf(want, sizeof(want), "%s is owned by uid 65534; "
		    "it must be owned by root: run \"chown root %s\"",
		    conf_path, conf_path);
		ck_assert_str_eq(d.text, want);
	}
	ck_assert_int_eq(close(fd), 0);
}
END_TEST

/* ------------------------------------------------------------ misc */

static const struct {
	enum tls_mode	 tls;
	int		 port;
	int		 want;
} port_cases[] = {
	{ TLS_MODE_STARTTLS, 0, 587 },
	{ TLS_MODE_SMTPS, 0, 465 },
	{ TLS_MODE_OFF, 0, 25 },
	{ TLS_MODE_SMTPS, 2465, 2465 },
	{ TLS_MODE_OFF, 587, 587 },
};

START_TEST(config_port_by_mode)
{
	struct config cfg;

	config_defaults(&cfg);
	cfg.tls = port_cases[_i].tls;
	cfg.port = port_cases[_i].port;
	ck_assert_msg(config_port(&cfg) == port_cases[_i].want,
	    "case %d: got %d, want %d", _i, config_port(&cfg),
	    port_cases[_i].want);
	config_free(&cfg);
}
END_TEST

START_TEST(config_known_keys_complete)
{
	static const char *const must[] = {
		"host", "port", "tls", "tls_starttls", "tls_trust_file",
		"tls_verify", "tls_certcheck", "tls_fingerprint",
		"tls_cert_file", "tls_key_file", "tls_priorities", "auth",
		"auth_plaintext", "user", "password", "password_file",
		"passwordeval", "from", "allow_from_override", "domain",
		"aliases", "timeout", "delivery", "queue_dir",
		"queue_lifetime", "retry_min", "retry_max", "log", "logfile",
		"syslog", "account", "defaults", "protocol"
	};
	const char *const *k = config_known_keys(), *const *j;
	struct config cfg;
	struct diag d;
	char text[128];
	size_t i, n;

	for (i = 0; i < NELEM(must); i++) {
		for (j = k; *j != NULL && strcmp(*j, must[i]) != 0; j++)
			;
		ck_assert_msg(*j != NULL, "key %s missing from the list",
		    must[i]);
	}
	/* every listed key is understood by the parser, once each */
	for (n = 0; k[n] != NULL; n++) {
		for (j = k + n + 1; *j != NULL; j++)
			ck_assert_str_ne(*j, k[n]);
		(void)snprintf(text, sizeof(text), "host h\n%s\n", k[n]);
		if (load(text, NULL, &cfg, &d) == -1)
			ck_assert_msg(strstr(d.text, "unknown key") == NULL,
			    "key %s: got \"%s\"", k[n], d.text);
		config_free(&cfg);
	}
	ck_assert_uint_ge(n, NELEM(must));
}
END_TEST

START_TEST(config_free_wipes)
{
	struct config cfg;
	struct diag d;

	ck_assert_int_eq(load("host h\nuser u\npassword p\n", NULL, &cfg,
	    &d), 0);
	ck_assert_str_eq(cfg.password, "p");
	config_free(&cfg);
	ck_assert_ptr_null(cfg.password);
	ck_assert_ptr_null(cfg.host);
	ck_assert_ptr_null(cfg.queue_dir);
	ck_assert_int_eq(cfg.timeout, 0);
	config_free(&cfg);		/* twice is harmless */
}
END_TEST

/* The sample etc/sendsmtp.conf shipped with the sources must load. */
START_TEST(config_sample_file)
{
	const char *top = getenv("top_srcdir");
	struct config cfg;
	struct diag d;
	char path[512], *text;
	ssize_t n;
	int fd;

	if (top != NULL)
		(void)snprintf(path, sizeof(path), "%s/etc/sendsmtp.conf",
		    top);
	else {
		/* run by hand: find the sources from this file's name */
		n = (ssize_t)(strlen(__FILE__) -
		    strlen("tests/unit/test_config.c"));
		ck_assert_int_ge(n, 0);
		(void)snprintf(path, sizeof(path), "%.*setc/sendsmtp.conf",
		    (int)n, __FILE__);
	}
	fd = open(path, O_RDONLY);
	ck_assert_msg(fd != -1, "%s: %s", path, strerror(errno));
	text = xmalloc(CONF_FILE_MAX + 1);
	n = read(fd, text, CONF_FILE_MAX);
	ck_assert_int_gt(n, 0);
	text[n] = '\0';
	ck_assert_int_eq(close(fd), 0);
	ck_assert_msg(load(text, NULL, &cfg, &d) == 0, "got \"%s\"", d.text);
	ck_assert_str_eq(cfg.host, "smtp.example.com");
	ck_assert_int_eq(config_port(&cfg), 587);
	config_free(&cfg);
	free(text);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, config_valid_files, 0,
	    (int)NELEM(valid_cases));
	tcase_add_loop_test(tc, config_msmtprc_examples, 0,
	    (int)NELEM(msmtprc_cases));
	tcase_add_loop_test(tc, config_bad_files, 0, (int)NELEM(bad_cases));
	tcase_add_test(tc, config_validate_keeps_struct);
	tcase_add_test(tc, config_validate_direct);
	tcase_add_test(tc, config_nul_in_file);
	tcase_add_test(tc, config_long_lines);
	tcase_add_test(tc, config_file_too_big);
	tcase_add_test(tc, config_missing_and_odd_files);
	tcase_add_loop_test(tc, config_secure_modes, 0,
	    (int)NELEM(secure_cases));
	tcase_add_test(tc, config_secure_owner);
	tcase_add_loop_test(tc, config_port_by_mode, 0,
	    (int)NELEM(port_cases));
	tcase_add_test(tc, config_known_keys_complete);
	tcase_add_test(tc, config_free_wipes);
	tcase_add_test(tc, config_sample_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
