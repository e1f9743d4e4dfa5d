/*
 * cli_priv.h - what cli.c (option syntax) and cli_flags.c (what each
 * sendmail flag means) share.  Not for other modules: use cli.h.
 */
#ifndef SENDSMTP_CLI_PRIV_H
#define SENDSMTP_CLI_PRIV_H

#include <stddef.h>

#include "cli.h"

/* Room for one quoted caller value in a message (escaped, truncated). */
#define CLI_QUOTE_MAX	72
/* -v may be repeated; more than this says nothing more. */
#define CLI_VERBOSE_MAX	3

#define CLI_SEEALSO	"see sendsmtp(8) for supported sendmail flags"

/* One parse in progress. */
struct cli_state {
	int		 argc;
	char		**argv;
	int		 idx;		/* index of the word being parsed */
	int		 want_version;	/* -d0.1 / --version seen */
	struct cli_opts	*o;
	struct diag	*d;
};

/* One occurrence of a flag, as the handler sees it. */
struct cli_arg {
	int		 letter;	/* 'f' */
	const char	*val;		/* its argument, "" for none */
	int		 attached;	/* "-fval" rather than "-f val" */
};

enum cli_argkind {
	ARG_NONE,		/* flag, may be bundled */
	ARG_REQUIRED,		/* attached or the next word */
	ARG_OPTIONAL		/* attached only (-q, -Q) */
};

struct cli_flag {
	char		 letter;
	enum cli_argkind kind;
	/* 0, or -1 with st->d set; may consume st->argv[++st->idx] */
	int		(*fn)(struct cli_state *, const struct cli_arg *);
};

/* cli_flags.c: the table entry for flag letter c, or NULL if unknown. */
const struct cli_flag *cli_flag_find(int c);

/*
 * cli.c helpers.
 *
 * cli_quote: n bytes of s for a message: printable ASCII as is, other
 * bytes as \xNN, "..." when it does not fit in size.
 * cli_warn: add one warning line (duplicates and the excess over
 * CLI_WARN_MAX are dropped).
 * cli_check: a value we keep must be free of CR and LF and at most max
 * bytes; otherwise -1 with EX_DATAERR naming what.
 * cli_word_eq: 1 if the n bytes at s are word, ASCII case-insensitive.
 * cli_span_trim: trim spaces and tabs at both ends of the span *s, *n.
 */
void	 cli_quote(char *dst, size_t size, const char *s, size_t n);
void	 cli_warn(struct cli_state *st, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 cli_check(struct cli_state *st, const char *what, const char *val,
	    size_t max);
int	 cli_word_eq(const char *s, size_t n, const char *word);
void	 cli_span_trim(const char **s, size_t *n);

#endif /* SENDSMTP_CLI_PRIV_H */
