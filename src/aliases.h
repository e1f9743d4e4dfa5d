/*
 * aliases.h - the local aliases file: "name: address, address" lines
 * that say where mail for a local name goes (sendsmtp.conf(5),
 * "aliases"), with an optional "default:" catch-all.
 *
 * Format: one alias per line, "name: list" where list is an RFC 5322
 * address list (addr.h); a line that starts with a space or tab
 * continues the previous one; '#' at the start of a line (after optional
 * white space) makes it a comment; empty lines are ignored.  Names are
 * compared case-insensitively.  A target without a domain ("admin") or
 * whose domain is one of the host's own names is a local name again and
 * is looked up in turn (at most ALIAS_DEPTH_MAX levels; a loop is an
 * error); a name that lists itself ("root: root, a@x") means the name
 * itself, qualified.  sendmail's "|command", "/file" and ":include:"
 * targets are refused: sendsmtp only relays.
 *
 * The parser is pure (no I/O); aliases_load() reads a file and parses
 * it.
 */
#ifndef SENDSMTP_ALIASES_H
#define SENDSMTP_ALIASES_H

#include <stddef.h>

#include "diag.h"

struct alias {
	char	 *name;		/* lower case, no domain */
	char	**targets;	/* addr-specs as written (may be local) */
	size_t	  ntargets;
	int	  line;		/* where it was defined */
};

struct aliases {
	char		*path;		/* for messages */
	struct alias	*v;
	size_t		 n;
	size_t		 cap;
	struct alias	*dflt;		/* "default", or NULL */
};

/* How aliases_expand() decides that an address is local. */
struct alias_ctx {
	const char		*domain;	/* qualifies local names */
	const char *const	*own;		/* the host's own names,
						 * NULL-terminated, or NULL */
};

/* An empty table (expands nothing). */
void	 aliases_init(struct aliases *a);
void	 aliases_free(struct aliases *a);

/*
 * Parse len bytes at data (path names them in messages) into a, which
 * must be empty.  Returns 0, or -1 with a emptied and d set to EX_CONFIG
 * with "path:line: what is wrong; the fix": a line that is not
 * "name: list", a bad name, an unparsable address list, an empty list, a
 * command, file or :include: target, a name defined twice, a NUL byte, a
 * line over CONF_LINE_MAX octets, more than ALIASES_MAX entries.  Loops
 * need the host's names: aliases_check() finds them.
 */
int	 aliases_parse(const char *data, size_t len, const char *path,
	    struct aliases *a, struct diag *d);

/*
 * Read and parse the file at path (a regular file of at most
 * ALIASES_FILE_MAX octets).  Returns 0, or -1 with d set: EX_CONFIG for
 * what aliases_parse() refuses and for a missing or unreadable file.
 */
int	 aliases_load(const char *path, struct aliases *a, struct diag *d);

/* The entry for a local name (case-insensitive), or NULL. */
const struct alias *aliases_find(const struct aliases *a, const char *name);

/*
 * 1 if spec is local for ctx: no domain ("root", "root@"), or a domain
 * that is one of ctx->own (case-insensitive).  *local gets a new copy of
 * the local part (quotes kept as in spec) when it is.
 */
int	 aliases_is_local(const struct alias_ctx *ctx, const char *spec,
	    char **local);

/*
 * Resolve one recipient: a local address is looked up (then its targets,
 * recursively; a local name not listed takes the "default" entry's
 * targets, or is qualified with ctx->domain); any other address is kept.
 * Every result is a qualified addr-spec, appended to *out (an array of
 * *nout xmalloc'd strings, grown as needed; the caller frees them).
 * Returns 0, or -1 with d set: EX_CONFIG for a loop or an expansion
 * deeper than ALIAS_DEPTH_MAX, EX_USAGE past RCPT_MAX results.  a may be
 * NULL (no aliases: local names are only qualified).
 */
int	 aliases_expand(const struct aliases *a, const struct alias_ctx *ctx,
	    const char *spec, char ***out, size_t *nout, struct diag *d);

/*
 * Check every entry expands without a loop or a too deep chain.  0, or
 * -1 with d set to EX_CONFIG naming the file, the line and the chain.
 */
int	 aliases_check(const struct aliases *a, const struct alias_ctx *ctx,
	    struct diag *d);

#endif /* SENDSMTP_ALIASES_H */
