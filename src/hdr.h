/*
 * hdr.h - RFC 5322 header-section parser: push one line, pull events.
 *
 * The caller pushes each input line without its line ending (length
 * counted, any bytes allowed) and then pulls events until HDR_EV_NONE,
 * which means "push the next line".  A field is reported only when the
 * line after it shows that it has no more continuation lines, so one
 * push can yield a field and then an end-of-headers event.  At end of
 * input the caller calls hdr_parser_eof() and pulls the remaining
 * events.  Memory is bounded by HDR_FIELD_MAX: only the field being
 * collected is held.
 *
 * Usage:
 *	hdr_parser_init(&p);
 *	for each line { hdr_parser_push(&p, line, len);
 *	    while ((ev = hdr_parser_next(&p, &d)) != HDR_EV_NONE) ... }
 *	hdr_parser_eof(&p); while ((ev = hdr_parser_next(&p, &d)) ...) ...
 *	hdr_parser_free(&p);
 */
#ifndef SENDSMTP_HDR_H
#define SENDSMTP_HDR_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

enum hdr_event {
	HDR_EV_NONE = 0,	/* nothing more until the next push */
	HDR_EV_MBOX_FROM,	/* a leading mbox "From " / ">From " line
				 * (hdr_parser_line); not a header */
	HDR_EV_FIELD,		/* a complete field: hdr_field_*() */
	HDR_EV_END_BLANK,	/* an empty line ended the headers (the
				 * empty line is consumed) */
	HDR_EV_END_BODY,	/* a line that is not a header ended them:
				 * it is the first body line
				 * (hdr_parser_line); the caller must write
				 * the separating empty line itself */
	HDR_EV_END_EOF,		/* end of input inside the headers */
	HDR_EV_ERROR		/* a cap was exceeded; d says which */
};

struct hdr_parser {
	int		 state;		/* private: see hdr.c */
	int		 have_field;	/* a field is being collected */
	int		 field_out;	/* it was just returned */
	int		 have_line;	/* a pushed line waits */
	int		 eof;		/* hdr_parser_eof() called */
	const char	*line;		/* caller's line, not copied */
	size_t		 linelen;
	struct buf	 raw;		/* physical lines, each + CRLF */
	struct buf	 value;		/* unfolded value */
	size_t		 namelen;	/* name length at raw.data */
	size_t		 nlines;	/* physical lines in raw */
	size_t		 nfields;	/* fields seen so far */
	size_t		 blocklen;	/* header octets seen so far */
};

void	 hdr_parser_init(struct hdr_parser *p);
void	 hdr_parser_free(struct hdr_parser *p);

/*
 * Give the parser the next line (without CR/LF).  The bytes are not
 * copied: they must stay valid and unchanged until hdr_parser_next()
 * returns HDR_EV_NONE or an end/error event.  Returns 0, or -1 if the
 * previous line has not been consumed yet (pull first) or the header
 * section has already ended.
 */
int	 hdr_parser_push(struct hdr_parser *p, const char *line, size_t len);

/* End of input: the pending field, then HDR_EV_END_EOF, can be pulled. */
void	 hdr_parser_eof(struct hdr_parser *p);

/*
 * The next event.  After any END event or HDR_EV_ERROR the parser is
 * finished (further calls return HDR_EV_NONE).  HDR_EV_ERROR sets d to
 * EX_DATAERR: a field over HDR_FIELD_MAX octets, more than HDR_COUNT_MAX
 * fields, or a header section over HDR_BLOCK_MAX octets.
 */
enum hdr_event hdr_parser_next(struct hdr_parser *p, struct diag *d);

/*
 * After HDR_EV_FIELD, until the next hdr_parser_next():
 * the field name as written (no trailing white space, no colon);
 */
const char *hdr_field_name(const struct hdr_parser *p, size_t *len);
/* the physical lines exactly as read, each followed by CRLF; */
const char *hdr_field_raw(const struct hdr_parser *p, size_t *len);
/* the unfolded value (RFC 5322 2.2.3), leading and trailing white space
 * removed, NUL-terminated (may hold other NULs: use len); */
const char *hdr_field_value(const struct hdr_parser *p, size_t *len);
/* 1 if the name equals name, ASCII case-insensitively. */
int	 hdr_field_is(const struct hdr_parser *p, const char *name);
/* 1 if the name starts with prefix ("Resent-"), case-insensitively. */
int	 hdr_field_has_prefix(const struct hdr_parser *p,
	    const char *prefix);

/* The line of a HDR_EV_MBOX_FROM or HDR_EV_END_BODY event. */
const char *hdr_parser_line(const struct hdr_parser *p, size_t *len);

/*
 * 1 if line looks like the first line of a header field: a name of
 * printable ASCII 33-126 other than ':', optional white space
 * (RFC 5322 4.5 obs-optional), then ':'.  *namelen gets the name length.
 */
int	 hdr_line_is_field(const char *line, size_t len, size_t *namelen);

#endif /* SENDSMTP_HDR_H */
