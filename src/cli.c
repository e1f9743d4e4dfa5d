/*
 * cli.c - the sendmail command line -> struct cli_opts: the syntax.
 *
 * Implements the option syntax sendmail 8, Postfix and Exim share
 * (compat.md section 2): how argv splits into flags, flag arguments and
 * recipient elements.  What each flag means lives in cli_flags.c.
 *
 * Parsing is done by hand rather than with getopt(3), which permutes
 * argv on glibc (a recipient "-x" after "--" must stay a recipient) and
 * keeps global state.  Short options bundle ("-ti"); an option argument
 * is attached or the next word; -q takes only an attached argument; "--"
 * or the first word that is not an option ends the options, and every
 * remaining word is a recipient element (an RFC 5322 address list, left
 * for addr.c to parse).
 *
 * Security notes:
 * - argv reaches sendmail from web applications (PHP's fifth mail()
 *   argument, PHPMailer's Sender) and, through sudo, as root.  Nothing
 *   here opens a file; see cli_flags.c for -X, -D, -O...Directory, -oQ.
 * - Every value that is kept is bounded (bounds.h) and free of CR and
 *   LF, so it cannot smuggle an SMTP command or a header line later.
 * - Caller bytes quoted in diagnostics and warnings are escaped, so a
 *   hostile argument cannot drive the terminal reading stderr.
 * - Pure: no I/O, no globals; the only allocations are owned by opts.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "cli_priv.h"
#include "util.h"

static int	cli_argv0(struct cli_state *st, const char *arg0);
static int	cli_long(struct cli_state *st, const char *w);
static int	cli_word(struct cli_state *st, const char *w);
static int	cli_rcpts(struct cli_state *st);

static const char cli_usage[] =
    "usage: sendmail [-t] [-i] [-f sender] [-F fullname] "
    "[-bm|-bs|-bp|-bv|-bi] [-odi|-odb|-odq] [-oe{p,q,m,w,e}] "
    "[-N dsn] [-R full|hdrs] [-V envid] [-B 7BIT|8BITMIME] [-q] "
    "[--] [recipient ...]; sendsmtp --check [--json] | --periodic | "
    "--version; see sendsmtp(8)";

void
cli_quote(char *dst, size_t size, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t need = (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : 4;

		if (o + need + 4 > size) {
			(void)strlcpy(dst + o, "...", size - o);
			return;
		}
		if (need == 1)
			dst[o++] = (char)c;
		else {
			(void)snprintf(dst + o, size - o, "\\x%02x", c);
			o += 4;
		}
	}
	dst[o] = '\0';
}

void
cli_warn(struct cli_state *st, const char *fmt, ...)
{
	struct cli_opts *o = st->o;
	char line[DIAG_TEXT_MAX];
	va_list ap;
	int i;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (i = 0; i < o->nwarnings; i++)
		if (strcmp(o->warnings[i], line) == 0)
			return;
	if (o->nwarnings < CLI_WARN_MAX)
		o->warnings[o->nwarnings++] = xstrdup(line);
}

int
cli_check(struct cli_state *st, const char *what, const char *val,
    size_t max)
{
	size_t len = strlen(val);

	if (strpbrk(val, "\r\n") != NULL)
		return diag_set(st->d, EX_DATAERR, "%s contains a line break "
		    "(CR or LF); pass the value on one line", what);
	if (len > max)
		return diag_set(st->d, EX_DATAERR, "%s is too long (%zu bytes, "
		    "at most %zu); shorten it", what, len, max);
	return 0;
}

int
cli_word_eq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && ascii_strncasecmp(s, word, n) == 0;
}

void
cli_span_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* The name we were called by picks the default mode (compat.md 2). */
static int
cli_argv0(struct cli_state *st, const char *arg0)
{
	const char *base;

	if (arg0 == NULL)
		return 0;
	base = strrchr(arg0, '/');
	base = base != NULL ? base + 1 : arg0;
	if (strcmp(base, "mailq") == 0)
		st->o->mode = MODE_LIST;
	else if (strcmp(base, "newaliases") == 0)
		st->o->mode = MODE_ALIASES;
	else if (strcmp(base, "runq") == 0)
		st->o->mode = MODE_RUNQ;
	else if (strcmp(base, "hoststat") == 0 ||
	    strcmp(base, "purgestat") == 0)
		st->o->mode = MODE_NOOP;
	else if (strcmp(base, "rmail") == 0) {
		st->o->ignore_dots = 1;
		st->o->errmode = ERRMODE_BERKNET;
	} else if (strcmp(base, "smtpd") == 0)
		return diag_set(st->d, EX_USAGE, "smtpd: daemon mode not "
		    "supported; sendsmtp only relays mail submitted locally");
	else if (strcmp(base, "rsmtp") == 0)
		return diag_set(st->d, EX_USAGE, "rsmtp: batched SMTP (-bS) "
		    "not supported; %s", CLI_SEEALSO);
	return 0;
}

/* sendsmtp's own long options (cli.h). */
static int
cli_long(struct cli_state *st, const char *w)
{
	char q[CLI_QUOTE_MAX];

	if (strcmp(w, "--check") == 0)
		st->o->mode = MODE_CHECK;
	else if (strcmp(w, "--periodic") == 0)
		st->o->mode = MODE_RUNQ_DUE;
	else if (strcmp(w, "--json") == 0)
		st->o->json = 1;
	else if (strcmp(w, "--version") == 0)
		st->want_version = 1;
	else if (strcmp(w, "--help") == 0)
		return diag_set(st->d, EX_USAGE, "%s", cli_usage);
	else {
		cli_quote(q, sizeof(q), w, strlen(w));
		return diag_set(st->d, EX_USAGE, "unknown option %s; %s", q,
		    CLI_SEEALSO);
	}
	return 0;
}

/* One word starting with '-' (not "-" or "--..."): a bundle of flags. */
static int
cli_word(struct cli_state *st, const char *w)
{
	const struct cli_flag *f;
	struct cli_arg a;
	char q[CLI_QUOTE_MAX];
	size_t j;

	for (j = 1; w[j] != '\0'; j++) {
		f = cli_flag_find((unsigned char)w[j]);
		if (f == NULL) {
			cli_quote(q, sizeof(q), w + j, 1);
			return diag_set(st->d, EX_USAGE, "unknown option -%s; "
			    "%s", q, CLI_SEEALSO);
		}
		a.letter = f->letter;
		a.val = w + j + 1;
		a.attached = 1;
		switch (f->kind) {
		case ARG_NONE:
			a.val = "";
			a.attached = 0;
			if (f->fn(st, &a) == -1)
				return -1;
			continue;
		case ARG_OPTIONAL:
			return f->fn(st, &a);
		case ARG_REQUIRED:
			if (*a.val != '\0')
				return f->fn(st, &a);
			if (st->idx + 1 >= st->argc ||
			    st->argv[st->idx + 1] == NULL)
				return diag_set(st->d, EX_USAGE, "option -%c "
				    "needs an argument; %s", f->letter,
				    CLI_SEEALSO);
			a.val = st->argv[++st->idx];
			a.attached = 0;
			return f->fn(st, &a);
		}
	}
	return 0;
}

/* Every word from st->idx on is a recipient element. */
static int
cli_rcpts(struct cli_state *st)
{
	struct cli_opts *o = st->o;
	char what[64];
	int i, n = 0;

	for (i = st->idx; i < st->argc && st->argv[i] != NULL; i++)
		n++;
	if (n > RCPT_MAX)
		return diag_set(st->d, EX_USAGE, "too many recipients on the "
		    "command line (%d, at most %d); use -t or split the "
		    "message", n, RCPT_MAX);
	for (i = 0; i < n; i++) {
		(void)snprintf(what, sizeof(what), "recipient argument %d",
		    i + 1);
		if (cli_check(st, what, st->argv[st->idx + i],
		    CLI_RCPT_ARG_MAX) == -1)
			return -1;
	}
	o->rcpts = xcalloc((size_t)n + 1, sizeof(*o->rcpts));
	for (i = 0; i < n; i++)
		o->rcpts[i] = st->argv[st->idx + i];
	o->nrcpts = n;
	return 0;
}

int
cli_parse(int argc, char **argv, struct cli_opts *opts, struct diag *d)
{
	struct cli_state st;
	const char *w;

	memset(opts, 0, sizeof(*opts));
	diag_clear(d);
	memset(&st, 0, sizeof(st));
	st.argc = argc < 0 ? 0 : argc;
	st.argv = argv;
	st.o = opts;
	st.d = d;
	if (cli_argv0(&st, st.argc > 0 ? argv[0] : NULL) == -1)
		goto fail;
	for (st.idx = 1; st.idx < st.argc; st.idx++) {
		w = argv[st.idx];
		if (w == NULL || w[0] != '-' || w[1] == '\0')
			break;		/* first non-option: recipients */
		if (w[1] == '-' && w[2] == '\0') {
			st.idx++;	/* "--" */
			break;
		}
		if ((w[1] == '-' ? cli_long(&st, w) : cli_word(&st, w)) == -1)
			goto fail;
	}
	if (cli_rcpts(&st) == -1)
		goto fail;
	if (st.want_version)
		opts->mode = MODE_VERSION;
	return 0;
fail:
	cli_opts_free(opts);
	memset(opts, 0, sizeof(*opts));
	return -1;
}

void
cli_opts_free(struct cli_opts *opts)
{
	int i;

	free(opts->rcpts);
	opts->rcpts = NULL;
	opts->nrcpts = 0;
	for (i = 0; i < opts->nwarnings && i < CLI_WARN_MAX; i++) {
		free(opts->warnings[i]);
		opts->warnings[i] = NULL;
	}
	opts->nwarnings = 0;
	if (opts->sender_buf != NULL && opts->sender == opts->sender_buf)
		opts->sender = NULL;
	free(opts->sender_buf);
	opts->sender_buf = NULL;
}
