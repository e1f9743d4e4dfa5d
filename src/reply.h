/*
 * reply.h - strict SMTP reply parser and EHLO capability parser.
 *
 * Pure: no I/O, no logging.  Lines are pushed one at a time (without the
 * CRLF) and the parser says when a reply is complete.  Safe to feed any
 * bytes (fuzz target): every limit is in bounds.h.
 */
#ifndef SENDSMTP_REPLY_H
#define SENDSMTP_REPLY_H

#include <stddef.h>

#include "bounds.h"
#include "buf.h"

/* What reply_push() says about the reply so far. */
enum reply_status {
	REPLY_ERROR = -1,	/* malformed: r->error names why */
	REPLY_MORE = 0,		/* a "NNN-" line: more lines follow */
	REPLY_DONE = 1		/* the last line arrived */
};

struct reply {
	int		 code;		/* 200..599; 0 before the first line */
	char		 enh[16];	/* RFC 3463 "5.1.1" of line 1, or "" */
	size_t		 nlines;
	int		 done;		/* the last line was seen */
	const char	*error;		/* static text after REPLY_ERROR */
	/* Text of each line (after "NNN-"), sanitised, each ending '\n'. */
	struct buf	 lines;
	/*
	 * The text of all lines joined with single spaces, enhanced codes
	 * removed, for diagnostics.  Cut at REPLY_TEXT_MAX - 4 with "...":
	 * this is display text, never parsed again.
	 */
	char		 text[REPLY_TEXT_MAX];
	size_t		 textlen;
};

/* Prepare an empty reply. */
void	 reply_init(struct reply *r);
/* Release memory; r is empty and reusable (reply_init state). */
void	 reply_free(struct reply *r);

/*
 * Add one line (len bytes, CRLF removed; it may contain any byte).
 * Rules (RFC 5321 4.2, style.md 17): a code of three digits whose first
 * is 2-5, then ' ' (last line), '-' (more follow) or the end of the line
 * (last line); every line of a reply carries the same code; at most
 * REPLY_LINE_MAX bytes per line and REPLY_LINES_MAX lines; a NUL byte is
 * an error; other control characters (except tab) and bytes >= 0x80 are
 * kept as '?' so the text is safe to print and log.  The enhanced status
 * code (RFC 2034/3463) is taken from the first line when its class
 * equals the reply's first digit, and is dropped from every line's text
 * in r->text.  Pushing after REPLY_DONE or REPLY_ERROR is an error.
 */
enum reply_status reply_push(struct reply *r, const char *line, size_t len);

/*
 * Walk the lines: start with *pos = 0; each call sets *line and *len to the
 * next line's text (not NUL-terminated) and returns 1, or returns 0 at
 * the end.
 */
int	 reply_next_line(const struct reply *r, size_t *pos,
	    const char **line, size_t *len);

/*
 * The reply for a recipient's record: "5.1.1 User unknown" (enhanced
 * code first when present, as diag_enh_of_text() expects), or the text.
 * Writes at most size bytes, NUL-terminated.
 */
void	 reply_summary(const struct reply *r, char *out, size_t size);

/* EHLO extensions we understand (RFC 5321 4.1.1.1 and the extensions). */
struct ehlo_caps {
	int			 pipelining;	/* RFC 2920 */
	int			 size;		/* RFC 1870 SIZE advertised */
	unsigned long long	 size_max;	/* its limit, 0 = none given */
	int			 eightbitmime;	/* RFC 6152 */
	int			 dsn;		/* RFC 3461 */
	int			 smtputf8;	/* RFC 6531 */
	int			 starttls;	/* RFC 3207 */
	int			 chunking;	/* RFC 3030 */
	int			 enhancedstatuscodes; /* RFC 2034 */
	int			 auth;		/* RFC 4954, either form */
	/* Valid SASL mechanism names, upper case, space separated, no
	 * duplicates; names that do not fit are dropped. */
	char			 auth_mechs[EHLO_AUTH_MAX];
};

/* No extensions. */
void	 ehlo_caps_init(struct ehlo_caps *c);

/*
 * Parse one EHLO keyword line ("SIZE 10240000", "AUTH PLAIN LOGIN",
 * "AUTH=LOGIN") into c.  Keywords are case-insensitive; unknown keywords
 * and malformed parameters are ignored (a bad SIZE value counts as SIZE
 * without a limit).  Never fails.
 */
void	 ehlo_caps_line(struct ehlo_caps *c, const char *line, size_t len);

/* Parse a complete 250 EHLO reply: every line after the first. */
void	 ehlo_caps_parse(struct ehlo_caps *c, const struct reply *r);

#endif /* SENDSMTP_REPLY_H */
