/*
 * cli_flags.c - what each sendmail flag means (compat.md section 2:
 * Implement, Accept-and-ignore, Reject with exit 64).
 *
 * RFC 3461 (DSN: -N NOTIFY values, -R RET, -V ENVID and its limit of
 * 100 characters) and RFC 6152 (-B BODY=7BIT / 8BITMIME).
 *
 * Security notes: CVE-2016-10033/10045 wrote a PHP file through sendmail
 * "-X<file>" plus "-OQueueDirectory=..." passed in by a web application.
 * No flag here names a file anybody opens: -X, -D, -O ...Directory /
 * ...File / ...Path, -oQ, -oA, -oS, -oH and -oJ are consumed with their
 * argument, dropped and warned about.  -C is only recorded; main.c
 * decides whether this caller may use it.  Values that are kept pass
 * cli_check() (no CR or LF, bounded).
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "cli_priv.h"
#include "util.h"

static int	cli_bool(const char *s, size_t n);
static int	cli_is_interval(const char *s);
static int	cli_is_version_debug(const char *s);
static int	cli_set_delivery(struct cli_state *st, const char *what,
		    const char *s, size_t n);
static int	cli_set_errmode(struct cli_state *st, const char *what,
		    const char *s, size_t n);

static int	cli_flag_plain(struct cli_state *, const struct cli_arg *);
static int	cli_flag_b(struct cli_state *, const struct cli_arg *);
static int	cli_flag_sender(struct cli_state *, const struct cli_arg *);
static int	cli_flag_str(struct cli_state *, const struct cli_arg *);
static int	cli_flag_N(struct cli_state *, const struct cli_arg *);
static int	cli_flag_R(struct cli_state *, const struct cli_arg *);
static int	cli_flag_B(struct cli_state *, const struct cli_arg *);
static int	cli_flag_V(struct cli_state *, const struct cli_arg *);
static int	cli_flag_A(struct cli_state *, const struct cli_arg *);
static int	cli_flag_d(struct cli_state *, const struct cli_arg *);
static int	cli_flag_e(struct cli_state *, const struct cli_arg *);
static int	cli_flag_o(struct cli_state *, const struct cli_arg *);
static int	cli_flag_O(struct cli_state *, const struct cli_arg *);
static int	cli_flag_q(struct cli_state *, const struct cli_arg *);
static int	cli_flag_Q(struct cli_state *, const struct cli_arg *);
static int	cli_flag_file(struct cli_state *, const struct cli_arg *);
static int	cli_flag_ignore(struct cli_state *, const struct cli_arg *);

/* Every sendmail flag letter we know; anything else is a usage error. */
static const struct cli_flag cli_flags[] = {
	{ 'A', ARG_REQUIRED, cli_flag_A },	/* -Ac / -Am */
	{ 'B', ARG_REQUIRED, cli_flag_B },
	{ 'b', ARG_REQUIRED, cli_flag_b },
	{ 'C', ARG_REQUIRED, cli_flag_str },
	{ 'c', ARG_NONE, cli_flag_plain },	/* HoldExpensive: ignored */
	{ 'D', ARG_REQUIRED, cli_flag_file },	/* debug file: never open */
	{ 'd', ARG_REQUIRED, cli_flag_d },
	{ 'e', ARG_REQUIRED, cli_flag_e },	/* old form of -oe */
	{ 'F', ARG_REQUIRED, cli_flag_str },
	{ 'f', ARG_REQUIRED, cli_flag_sender },
	{ 'G', ARG_NONE, cli_flag_plain },	/* gateway: ignored */
	{ 'h', ARG_REQUIRED, cli_flag_ignore },	/* hop count */
	{ 'I', ARG_NONE, cli_flag_plain },	/* = -bi */
	{ 'i', ARG_NONE, cli_flag_plain },
	{ 'L', ARG_REQUIRED, cli_flag_str },
	{ 'M', ARG_REQUIRED, cli_flag_ignore },	/* macro */
	{ 'm', ARG_NONE, cli_flag_plain },	/* me-too: ignored */
	{ 'N', ARG_REQUIRED, cli_flag_N },
	{ 'n', ARG_NONE, cli_flag_plain },	/* no aliasing: ignored */
	{ 'O', ARG_REQUIRED, cli_flag_O },
	{ 'o', ARG_REQUIRED, cli_flag_o },
	{ 'p', ARG_REQUIRED, cli_flag_ignore },	/* protocol */
	{ 'Q', ARG_OPTIONAL, cli_flag_Q },
	{ 'q', ARG_OPTIONAL, cli_flag_q },
	{ 'R', ARG_REQUIRED, cli_flag_R },
	{ 'r', ARG_REQUIRED, cli_flag_sender },
	{ 's', ARG_NONE, cli_flag_plain },	/* SaveFromLine: ignored */
	{ 'T', ARG_NONE, cli_flag_plain },	/* old timeout flag */
	{ 't', ARG_NONE, cli_flag_plain },
	{ 'U', ARG_NONE, cli_flag_plain },	/* initial submission */
	{ 'V', ARG_REQUIRED, cli_flag_V },
	{ 'v', ARG_NONE, cli_flag_plain },
	{ 'X', ARG_REQUIRED, cli_flag_file },	/* traffic log / -XV VERP */
	{ 'x', ARG_NONE, cli_flag_plain },	/* AIX NLS: ignored */
};

const struct cli_flag *
cli_flag_find(int c)
{
	size_t i;

	for (i = 0; i < sizeof(cli_flags) / sizeof(cli_flags[0]); i++)
		if ((unsigned char)cli_flags[i].letter == c)
			return &cli_flags[i];
	return NULL;
}

/* sendmail boolean option value: 1, 0, or -1 when it is neither. */
static int
cli_bool(const char *s, size_t n)
{
	static const char *const yes[] = { "true", "yes", "on", "t", "y",
	    "1" };
	static const char *const no[] = { "false", "no", "off", "f", "n",
	    "0" };
	size_t i;

	if (n == 0)
		return 1;	/* "-oi", "-O IgnoreDots" */
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (cli_word_eq(s, n, yes[i]))
			return 1;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (cli_word_eq(s, n, no[i]))
			return 0;
	return -1;
}

/* sendmail time interval: one or more <digits>[smhdw], e.g. "1h30m". */
static int
cli_is_interval(const char *s)
{
	if (*s == '\0')
		return 0;
	while (*s != '\0') {
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
		if (*s != '\0' && strchr("smhdw", *s) != NULL)
			s++;
	}
	return 1;
}

/*
 * 1 if a -d debug list turns on category 0 at level >= 1, which is how
 * sendmail prints its version ("-d0.1", "-d0", "-d0-4.2,21.12").
 */
static int
cli_is_version_debug(const char *s)
{
	const char *item = s;

	while (*item != '\0') {
		size_t n = strcspn(item, ",");
		const char *dot = memchr(item, '.', n);
		size_t cat = dot != NULL ? (size_t)(dot - item) : n;
		int cat0 = (cat == 1 && item[0] == '0') ||
		    (cat > 2 && item[0] == '0' && item[1] == '-');
		int level = 1;

		if (dot != NULL) {
			const char *p = dot + 1;

			level = 0;
			for (; p < item + n && *p >= '0' && *p <= '9'; p++)
				if (*p != '0')
					level = 1;
		}
		if (cat0 && level)
			return 1;
		item += n;
		if (*item == ',')
			item++;
	}
	return 0;
}

/* -od<x>, -O DeliveryMode=<x>: i, b, q, d or the word they stand for. */
static int
cli_set_delivery(struct cli_state *st, const char *what, const char *s,
    size_t n)
{
	char q[CLI_QUOTE_MAX];

	if (cli_word_eq(s, n, "i") || cli_word_eq(s, n, "interactive"))
		st->o->delivery = DELIVERY_HYBRID;
	else if (cli_word_eq(s, n, "b") || cli_word_eq(s, n, "background"))
		st->o->delivery = DELIVERY_BACKGROUND;
	else if (cli_word_eq(s, n, "q") || cli_word_eq(s, n, "queue") ||
	    cli_word_eq(s, n, "d") || cli_word_eq(s, n, "deferred"))
		st->o->delivery = DELIVERY_QUEUE;
	else {
		cli_quote(q, sizeof(q), s, n);
		cli_warn(st, "ignoring %s \"%s\": delivery mode must be "
		    "i, b, q or d", what, q);
	}
	return 0;
}

/* -oe<x>, -e <x>, -O ErrorMode=<x>: p, q, m, w or e. */
static int
cli_set_errmode(struct cli_state *st, const char *what, const char *s,
    size_t n)
{
	char q[CLI_QUOTE_MAX];

	if (cli_word_eq(s, n, "p") || cli_word_eq(s, n, "print"))
		st->o->errmode = ERRMODE_PRINT;
	else if (cli_word_eq(s, n, "q") || cli_word_eq(s, n, "quiet"))
		st->o->errmode = ERRMODE_QUIET;
	else if (cli_word_eq(s, n, "m") || cli_word_eq(s, n, "mail"))
		st->o->errmode = ERRMODE_MAIL;
	else if (cli_word_eq(s, n, "w") || cli_word_eq(s, n, "write"))
		st->o->errmode = ERRMODE_WRITE;
	else if (cli_word_eq(s, n, "e") || cli_word_eq(s, n, "berknet"))
		st->o->errmode = ERRMODE_BERKNET;
	else {
		cli_quote(q, sizeof(q), s, n);
		cli_warn(st, "ignoring %s \"%s\": error mode must be "
		    "p, q, m, w or e", what, q);
	}
	return 0;
}

/* Flags without an argument. */
static int
cli_flag_plain(struct cli_state *st, const struct cli_arg *a)
{
	switch (a->letter) {
	case 't':
		st->o->extract_rcpts = 1;
		break;
	case 'i':
		st->o->ignore_dots = 1;
		break;
	case 'v':
		if (st->o->verbose < CLI_VERBOSE_MAX)
			st->o->verbose++;
		break;
	case 'I':
		st->o->mode = MODE_ALIASES;
		break;
	default:	/* c G m n s T U x: accepted, nothing to do */
		break;
	}
	return 0;
}

/* -b<mode>: operation mode; exactly one letter. */
static int
cli_flag_b(struct cli_state *st, const struct cli_arg *a)
{
	static const struct {
		char		 letter;
		enum cli_mode	 mode;
	} modes[] = {
		{ 'm', MODE_SEND }, { 's', MODE_SMTP }, { 'p', MODE_LIST },
		{ 'P', MODE_COUNT }, { 'i', MODE_ALIASES },
		{ 'v', MODE_VERIFY }, { 'C', MODE_CHECKCONF },
		{ 'h', MODE_NOOP }, { 'H', MODE_NOOP },
	};
	const char *val = a->val;
	char q[CLI_QUOTE_MAX];
	size_t i;

	if (val[0] != '\0' && val[1] == '\0') {
		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
			if (modes[i].letter == val[0]) {
				st->o->mode = modes[i].mode;
				return 0;
			}
		if (strchr("dDl", val[0]) != NULL)
			return diag_set(st->d, EX_USAGE, "-b%c: daemon mode "
			    "not supported; sendsmtp only relays mail "
			    "submitted locally", val[0]);
	}
	cli_quote(q, sizeof(q), val, strlen(val));
	return diag_set(st->d, EX_USAGE, "-b%s: operation mode not "
	    "supported; %s", q, CLI_SEEALSO);
}

/*
 * -f / -r: the envelope sender.  "" and "<>" are the null sender;
 * "Name <a@x>" and "<a@x>" keep only a@x (Postfix).  Anything else is
 * kept as given for main.c to qualify and check.
 */
static int
cli_flag_sender(struct cli_state *st, const struct cli_arg *a)
{
	char what[] = "-f value";
	const char *s = a->val, *lt = NULL;
	size_t n = strlen(a->val);
	int c = a->letter;

	what[1] = (char)c;
	if (cli_check(st, what, a->val, CLI_VALUE_MAX) == -1)
		return -1;
	cli_span_trim(&s, &n);
	if (n > 0 && s[n - 1] == '>') {
		for (lt = s + n - 1; lt > s && *lt != '<'; lt--)
			continue;
		if (*lt == '<') {
			n = (size_t)(s + n - 1 - (lt + 1));
			s = lt + 1;
			cli_span_trim(&s, &n);
		} else
			lt = NULL;
	}
	if ((lt == NULL && n > 0 && s[n - 1] == '>') ||
	    memchr(s, '<', n) != NULL || memchr(s, '>', n) != NULL)
		return diag_set(st->d, EX_DATAERR, "-%c: malformed address; "
		    "use -%c user@example.com or -%c \"<>\"", c, c, c);
	free(st->o->sender_buf);
	st->o->sender_buf = NULL;
	if (n == 0)
		st->o->sender = "";
	else if (s == a->val && n == strlen(a->val))
		st->o->sender = a->val;
	else {
		st->o->sender_buf = xstrndup(s, n);
		st->o->sender = st->o->sender_buf;
	}
	return 0;
}

/* -C file, -F fullname, -L tag: kept as given. */
static int
cli_flag_str(struct cli_state *st, const struct cli_arg *a)
{
	char what[] = "-F value";

	what[1] = (char)a->letter;
	if (cli_check(st, what, a->val, a->letter == 'C' ? CLI_PATH_MAX :
	    CLI_VALUE_MAX) == -1)
		return -1;
	switch (a->letter) {
	case 'C':
		if (*a->val == '\0')
			return diag_set(st->d, EX_USAGE, "-C needs a file "
			    "name; %s", CLI_SEEALSO);
		st->o->config_path = a->val;
		break;
	case 'F':
		st->o->fullname = a->val;
		break;
	case 'L':
		if (*a->val != '\0')
			st->o->syslog_tag = a->val;
		break;
	}
	return 0;
}

/*
 * -N never | success,failure,delay (RFC 3461 4.1).  A bad value is a
 * warning and leaves the setting alone, as Postfix does.
 */
static int
cli_flag_N(struct cli_state *st, const struct cli_arg *a)
{
	char q[CLI_QUOTE_MAX];
	const char *p = a->val;
	unsigned bits = 0;
	int bad = 0;

	if (cli_check(st, "-N value", a->val, CLI_VALUE_MAX) == -1)
		return -1;
	for (;;) {
		const char *tok = p;
		size_t n = strcspn(p, ",");

		cli_span_trim(&tok, &n);
		if (cli_word_eq(tok, n, "never"))
			bits |= DSN_NOTIFY_NEVER;
		else if (cli_word_eq(tok, n, "success"))
			bits |= DSN_NOTIFY_SUCCESS;
		else if (cli_word_eq(tok, n, "failure"))
			bits |= DSN_NOTIFY_FAILURE;
		else if (cli_word_eq(tok, n, "delay"))
			bits |= DSN_NOTIFY_DELAY;
		else
			bad = 1;
		p += strcspn(p, ",");
		if (*p == '\0')
			break;
		p++;
	}
	if (bad || ((bits & DSN_NOTIFY_NEVER) && bits != DSN_NOTIFY_NEVER)) {
		cli_quote(q, sizeof(q), a->val, strlen(a->val));
		cli_warn(st, "ignoring -N \"%s\": use never, or a list of "
		    "success, failure and delay", q);
		return 0;
	}
	st->o->dsn_notify = bits;
	return 0;
}

/* -R full | hdrs (RFC 3461 4.3). */
static int
cli_flag_R(struct cli_state *st, const struct cli_arg *a)
{
	char q[CLI_QUOTE_MAX];

	if (cli_check(st, "-R value", a->val, CLI_VALUE_MAX) == -1)
		return -1;
	if (ascii_strcasecmp(a->val, "full") == 0)
		st->o->dsn_ret = DSN_RET_FULL;
	else if (ascii_strcasecmp(a->val, "hdrs") == 0)
		st->o->dsn_ret = DSN_RET_HDRS;
	else {
		cli_quote(q, sizeof(q), a->val, strlen(a->val));
		return diag_set(st->d, EX_USAGE, "-R \"%s\": use -R full or "
		    "-R hdrs", q);
	}
	return 0;
}

/* -B 7BIT | 8BITMIME (RFC 6152). */
static int
cli_flag_B(struct cli_state *st, const struct cli_arg *a)
{
	char q[CLI_QUOTE_MAX];

	if (cli_check(st, "-B value", a->val, CLI_VALUE_MAX) == -1)
		return -1;
	if (ascii_strcasecmp(a->val, "7BIT") == 0)
		st->o->body = BODY_7BIT;
	else if (ascii_strcasecmp(a->val, "8BITMIME") == 0)
		st->o->body = BODY_8BITMIME;
	else {
		cli_quote(q, sizeof(q), a->val, strlen(a->val));
		return diag_set(st->d, EX_USAGE, "-B \"%s\": use -B 7BIT or "
		    "-B 8BITMIME", q);
	}
	return 0;
}

/*
 * -V envid (RFC 3461 4.4): printable US-ASCII, at most 100 characters.
 * Otherwise sendmail says "Invalid syntax in -V flag" and ignores it;
 * so do we (with a warning).  smtp.c xtext-encodes it on the wire.
 */
static int
cli_flag_V(struct cli_state *st, const struct cli_arg *a)
{
	char q[CLI_QUOTE_MAX];
	const char *p;

	if (cli_check(st, "-V value", a->val, CLI_VALUE_MAX) == -1)
		return -1;
	for (p = a->val; *p > 0x20 && *p < 0x7f; p++)
		continue;
	if (*p != '\0' || p == a->val || strlen(a->val) > DSN_ENVID_MAX) {
		cli_quote(q, sizeof(q), a->val, strlen(a->val));
		cli_warn(st, "ignoring -V \"%s\": an envelope id is 1 to %d "
		    "printable ASCII characters without spaces", q,
		    DSN_ENVID_MAX);
		return 0;
	}
	st->o->envid = a->val;
	return 0;
}

/* -Ac / -Am: which sendmail .cf to use; nothing to choose here. */
static int
cli_flag_A(struct cli_state *st, const struct cli_arg *a)
{
	char q[CLI_QUOTE_MAX];

	if (strcmp(a->val, "c") == 0 || strcmp(a->val, "m") == 0)
		return 0;
	cli_quote(q, sizeof(q), a->val, strlen(a->val));
	return diag_set(st->d, EX_USAGE, "-A%s: use -Ac or -Am; %s", q,
	    CLI_SEEALSO);
}

/* -d<list>: debug flags, ignored; category 0 asks for the version. */
static int
cli_flag_d(struct cli_state *st, const struct cli_arg *a)
{
	if (cli_is_version_debug(a->val))
		st->want_version = 1;
	return 0;
}

/* -e <x>: the old spelling of -oe<x>. */
static int
cli_flag_e(struct cli_state *st, const struct cli_arg *a)
{
	return cli_set_errmode(st, "-e", a->val, strlen(a->val));
}

/*
 * -o<letter><value>: sendmail's one-letter options.  -oQ, -oA and the
 * other path options are dropped with their value; when the value is
 * not attached, the next word is taken as that value (never as a
 * recipient).  Other letters (-om, -oL, -oM, -o7, ...) mean nothing here.
 */
static int
cli_flag_o(struct cli_state *st, const struct cli_arg *a)
{
	const char *arg = a->val[0] != '\0' ? a->val + 1 : a->val;
	int b;

	switch (a->val[0]) {
	case 'i':
		b = cli_bool(arg, strlen(arg));
		if (b == -1)
			cli_warn(st, "ignoring -oi with a value that is not "
			    "true or false");
		else
			st->o->ignore_dots = b;
		break;
	case 'e':
		return cli_set_errmode(st, "-oe", arg, strlen(arg));
	case 'd':
		return cli_set_delivery(st, "-od", arg, strlen(arg));
	case 'v':
		if (st->o->verbose < CLI_VERBOSE_MAX)
			st->o->verbose++;
		break;
	case 'A': case 'H': case 'J': case 'Q': case 'S':
		if (*arg == '\0' && st->idx + 1 < st->argc &&
		    st->argv[st->idx + 1] != NULL)
			st->idx++;
		cli_warn(st, "ignoring -o%c: sendsmtp takes no file or "
		    "directory names on the command line", a->val[0]);
		break;
	case '\0':
		cli_warn(st, "ignoring -o without an option letter");
		break;
	}
	return 0;
}

/*
 * -O Name[=value]: sendmail long options (names are case-insensitive).
 * DeliveryMode, ErrorMode and IgnoreDots are honoured; path options are
 * dropped with a warning; everything else is dropped silently.
 */
static int
cli_flag_O(struct cli_state *st, const struct cli_arg *a)
{
	const char *eq = strchr(a->val, '=');
	const char *name = a->val, *v = eq != NULL ? eq + 1 : NULL;
	size_t nlen = eq != NULL ? (size_t)(eq - name) : strlen(name);
	size_t vlen = v != NULL ? strlen(v) : 0;
	char q[CLI_QUOTE_MAX];
	int b;

	cli_span_trim(&name, &nlen);
	if (v != NULL)
		cli_span_trim(&v, &vlen);
	cli_quote(q, sizeof(q), name, nlen);
	if (cli_word_eq(name, nlen, "DeliveryMode") && v != NULL)
		return cli_set_delivery(st, "-O DeliveryMode", v, vlen);
	if (cli_word_eq(name, nlen, "ErrorMode") && v != NULL)
		return cli_set_errmode(st, "-O ErrorMode", v, vlen);
	if (cli_word_eq(name, nlen, "DeliveryMode") ||
	    cli_word_eq(name, nlen, "ErrorMode"))
		cli_warn(st, "ignoring -O %s without a value", q);
	else if (cli_word_eq(name, nlen, "IgnoreDots")) {
		b = cli_bool(v != NULL ? v : "", vlen);
		if (b == -1)
			cli_warn(st, "ignoring -O IgnoreDots with a value "
			    "that is not true or false");
		else
			st->o->ignore_dots = b;
	} else if ((nlen >= 9 && ascii_strncasecmp(name + nlen - 9,
	    "Directory", 9) == 0) || (nlen >= 4 &&
	    (ascii_strncasecmp(name + nlen - 4, "File", 4) == 0 ||
	    ascii_strncasecmp(name + nlen - 4, "Path", 4) == 0)) ||
	    (v != NULL && *v == '/'))
		cli_warn(st, "ignoring -O %s: sendsmtp takes no file or "
		    "directory names on the command line", q);
	return 0;
}

/*
 * -q[...]: run the queue.  "", "f", "R<substr>" and "I<substr>" run it
 * now; "<interval>" and "p[<interval>]" ask for a periodic daemon, which
 * the systemd timer replaces: run once and say so.  Other letters
 * (-qS, -qG, -qQ, -q!...) are refused.  With -bp / mailq the filters
 * apply to the listing instead.
 */
static int
cli_flag_q(struct cli_state *st, const struct cli_arg *a)
{
	const char *val = a->val;
	char q[CLI_QUOTE_MAX];
	char what[] = "-qR value";

	if (val[0] == 'R' || val[0] == 'I') {
		what[2] = val[0];
		if (val[1] == '\0')
			return diag_set(st->d, EX_USAGE, "-q%c needs a "
			    "substring attached, e.g. -q%cexample.com",
			    val[0], val[0]);
		if (cli_check(st, what, val + 1, CLI_VALUE_MAX) == -1)
			return -1;
		if (val[0] == 'R')
			st->o->queue_rcpt = val + 1;
		else
			st->o->queue_id = val + 1;
	} else if ((val[0] == 'p' && (val[1] == '\0' ||
	    cli_is_interval(val + 1))) || cli_is_interval(val)) {
		cli_quote(q, sizeof(q), val, strlen(val));
		cli_warn(st, "-q%s: periodic queue runs are not supported; "
		    "running the queue once (the sendsmtp timer retries "
		    "queued mail)", q);
	} else if (val[0] != '\0' && strcmp(val, "f") != 0) {
		cli_quote(q, sizeof(q), val, strlen(val));
		return diag_set(st->d, EX_USAGE, "-q%s: not supported; use "
		    "-q, -qR<substring> or -qI<substring>", q);
	}
	if (st->o->mode != MODE_LIST)
		st->o->mode = MODE_RUNQ;
	return 0;
}

/* -Q[reason]: quarantine; there is nothing to quarantine. */
static int
cli_flag_Q(struct cli_state *st, const struct cli_arg *a)
{
	(void)a;
	return diag_set(st->d, EX_USAGE, "-Q: quarantining is not "
	    "supported; %s", CLI_SEEALSO);
}

/*
 * -X file, -D file: a traffic log / debug output file.  Never opened
 * (CVE-2016-10033).  "-XV..." attached is Postfix's VERP request.
 */
static int
cli_flag_file(struct cli_state *st, const struct cli_arg *a)
{
	if (a->letter == 'X' && a->attached && a->val[0] == 'V')
		return 0;
	cli_warn(st, "ignoring -%c and its file name: sendsmtp never "
	    "writes to a file named on the command line", a->letter);
	return 0;
}

/* -h hops, -M macro, -p protocol: argument consumed, nothing to do. */
static int
cli_flag_ignore(struct cli_state *st, const struct cli_arg *a)
{
	(void)st;
	(void)a;
	return 0;
}
