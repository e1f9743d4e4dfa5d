/*
 * msg.c - message intake: the input stream -> a private temp file holding
 * the message in its wire form (before dot-stuffing).
 *
 * Implements RFC 5322 2.1.1 (line length), 2.2.3 (folding), 3.3 (Date),
 * 3.6 (From, Date, Message-ID, Resent-* fields), RFC 5321 2.3.8 (CRLF
 * only), RFC 2047 (the generated From display name when it is not
 * ASCII), RFC 6531 (which addresses need SMTPUTF8) and the sendmail(1)
 * conventions in ../shared/compat.md 2.1-2.3.
 *
 * Policies (each one tested in tests/unit/test_msg.c):
 * - Line ends: LF and CRLF end a line.  A bare CR (not followed by LF)
 *   is replaced by one space: it is never a line end, so "\r\r\n" from
 *   double conversion does not end the headers early, "\r.\r\n" can never
 *   become an end-of-data dot, and no bare CR or LF ever reaches the file.
 * - End of input: EOF; without -i also a line that is just "." (the rest
 *   of the input is then read and discarded, so the writer never gets
 *   SIGPIPE).  An unterminated last line counts as a line.  Leading dots
 *   are never removed (Postfix and Exim behaviour; smtp.c dot-stuffs).
 * - NUL bytes: the message is refused with EX_DATAERR naming the line;
 *   SMTP cannot carry NUL, and silently altering binary data is worse.
 * - Body lines over 998 octets get a hard line break (CRLF) inserted at
 *   998 octets, moved back to the start of a UTF-8 sequence if it would
 *   fall inside one.  Header lines over 998 octets are folded (CRLF put
 *   before the last white space that fits); a header with no usable
 *   white space is split with CRLF SP as a last resort.
 * - Bcc, Resent-Bcc and Return-Path fields (with their continuation
 *   lines) and leading mbox "From " lines are always dropped.
 * - Date, Message-ID and From are added at the end of the header section
 *   when missing; if any Resent-* field exists, Resent-Date, Resent-From
 *   and Resent-Message-ID instead.  An input without a header section
 *   gets those fields and an empty line before its first line.
 * - -t: recipients from all To/Cc/Bcc fields, or from Resent-To/Cc/Bcc
 *   when any of those exists (Postfix rule, compat.md 2.1); through the
 *   aliases when o->local is set.
 * - With o->local: local addresses in From, To, Cc, Reply-To, Sender and
 *   their Resent- forms are qualified in place (hdrfix.c; a field that
 *   does not parse is kept as it is).  With o->from_rewrite: From: gets
 *   that address with the original display name, and Reply-To: the
 *   original address when it differs and there was no Reply-To.
 *
 * Memory does not grow with the message: the body is streamed through a
 * 998-octet line segment and an IO_CHUNK writer; the header section is
 * handled one field at a time (hdr.c, capped at HDR_FIELD_MAX).
 *
 * Security: the input is untrusted.  The file is created O_EXCL |
 * O_NOFOLLOW | O_CLOEXEC, mode 0600, under a random name; every write is
 * checked and any failure removes the file.  CR, LF and NUL can never
 * appear in the file except as CRLF line ends, so the SMTP client cannot
 * be made to end DATA early (SMTP smuggling).
 *
 * XXX This file is longer than style.md's 600 lines because the header
 * additions (Date, Message-ID, From) share the writer and folding code;
 * split them out if they grow.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#include "addr.h"
#include "aliases.h"
#include "b64.h"
#include "bounds.h"
#include "buf.h"
#include "hdr.h"
#include "hdrfix.h"
#include "msg.h"
#include "util.h"

/* A header-phase line longer than this cannot be a valid field. */
#define MSG_HLINE_MAX		(HDR_FIELD_MAX + 1)
/* The generated From: display name is cut to this many octets. */
#define MSG_FULLNAME_MAX	256
/* RFC 2047 encoded words: input octets per word (60 base64 chars). */
#define MSG_EW_CHUNK		45
/* Attempts at finding an unused temp file name. */
#define MSG_OPEN_TRIES		16

/* Header fields seen in the input. */
#define SEEN_DATE		0x01
#define SEEN_MSGID		0x02
#define SEEN_FROM		0x04
#define SEEN_RDATE		0x08
#define SEEN_RFROM		0x10
#define SEEN_RMSGID		0x20
#define SEEN_RESENT		0x40	/* any Resent-* field */
#define SEEN_RRCPT		0x80	/* Resent-To, -Cc or -Bcc */
#define SEEN_REPLYTO		0x100

enum mr_state { MS_HEADERS, MS_BODY, MS_DONE };

/* Recipients collected from one family of header fields (-t). */
struct rcptset {
	struct addr_list l;
	int		 bad;		/* a field did not parse */
	struct diag	 d;		/* why */
};

struct mreader {
	const struct msg_opts *o;
	struct msg	*m;
	struct envelope	*env;
	struct diag	*d;
	enum mr_state	 state;
	unsigned long long lineno;	/* input line being read, from 1 */
	int		 pending_cr;	/* a CR ended the last chunk */
	/* the writer */
	char		*obuf;
	size_t		 olen;
	off_t		 total;
	/* header section */
	struct hdr_parser hp;
	struct buf	 hline;		/* current header-phase line */
	int		 body_line;	/* ended by a non-header */
	unsigned	 seen;		/* SEEN_* */
	struct rcptset	 plain;		/* To, Cc, Bcc */
	struct rcptset	 resent;	/* Resent-To, -Cc, -Bcc */
	char		*orig_from;	/* From: address replaced by
					 * from_rewrite, for Reply-To */
	struct buf	 fix;		/* a rewritten field */
	/* body */
	char		 seg[LINE_MAX_WIRE];
	size_t		 seglen;
	int		 split;		/* this line was broken */
	int		 ended;		/* a lone dot was pushed */
};

/* The opaque handle of msg_begin(). */
struct msg_in {
	struct mreader	 r;
	int		 failed;	/* msg_push returned -1 */
};

static int	 msg_create(const char *tmpdir, struct msg *m,
		    struct diag *d);
static void	 msg_random(void *p, size_t n);
static ssize_t	 msg_read_some(int fd, char *p, size_t n);
static int	 out_write(struct mreader *r, const void *p, size_t n);
static int	 out_flush(struct mreader *r);
static int	 mr_stream(struct mreader *r, int infd);
static int	 mr_feed(struct mreader *r, const char *p, size_t n);
static int	 mr_data(struct mreader *r, const char *p, size_t n);
static int	 mr_eol(struct mreader *r);
static int	 mr_finish(struct mreader *r);
static int	 mr_header_line(struct mreader *r);
static int	 mr_headers_eof(struct mreader *r);
static int	 mr_field(struct mreader *r);
static int	 mr_field_fix(struct mreader *r, const char *raw,
		    size_t rawlen);
static int	 mr_from_rewrite(struct mreader *r, const char *raw,
		    size_t rawlen);
static int	 mr_rcpt(struct mreader *r, const char *spec);
static void	 mr_init(struct mreader *r, const struct msg_opts *o,
		    struct msg *m, struct envelope *env, struct diag *d);
static int	 mr_start(struct mreader *r, const char *tmpdir);
static int	 mr_done(struct mreader *r, int rc);
static void	 mr_collect(struct mreader *r, struct rcptset *set,
		    const char *v, size_t vlen);
static void	 mr_check_utf8(struct mreader *r, const char *v,
		    size_t vlen);
static int	 mr_headers_end(struct mreader *r);
static int	 mr_add_rcpts(struct mreader *r);
static int	 mr_add_missing(struct mreader *r);
static int	 mr_write_field(struct mreader *r, const char *raw,
		    size_t len);
static int	 mr_fold_line(struct mreader *r, const char *s, size_t n,
		    int first);
static int	 mr_body_data(struct mreader *r, const char *p, size_t n);
static int	 mr_body_break(struct mreader *r, unsigned char next);
static int	 mr_body_eol(struct mreader *r);
static size_t	 msg_utf8_cut(const char *s, size_t cut, size_t min);
static void	 msg_display_name(struct buf *b, const char *name);

/* ------------------------------------------------------------ file */

static void
msg_random(void *p, size_t n)
{
	static unsigned long long counter;
	unsigned char *u = p;
	unsigned long long x;
	struct timespec ts;
	size_t i;
	int fd;

#ifdef HAVE_GETRANDOM
	if (getrandom(p, n, 0) == (ssize_t)n)
		return;
#endif
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd != -1) {
		ssize_t got = read(fd, p, n);

		(void)close(fd);
		if (got == (ssize_t)n)
			return;
	}
	/* Last resort: unique, not secret (O_EXCL keeps names safe). */
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	x = (unsigned long long)ts.tv_sec * 1000000007ULL ^
	    (unsigned long long)ts.tv_nsec ^
	    ((unsigned long long)getpid() << 32) ^ ++counter;
	for (i = 0; i < n; i++) {
		x += 0x9e3779b97f4a7c15ULL;
		u[i] = (unsigned char)((x ^ (x >> 31)) * 0xbf58476d1ce4e5b9ULL
		    >> 56);
	}
}

static int
msg_create(const char *tmpdir, struct msg *m, struct diag *d)
{
	unsigned char rnd[8];
	char *path;
	int fd, i, saved = EEXIST;

	for (i = 0; i < MSG_OPEN_TRIES; i++) {
		msg_random(rnd, sizeof(rnd));
		path = xasprintf("%s/msg.%02x%02x%02x%02x%02x%02x%02x%02x",
		    tmpdir, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5],
		    rnd[6], rnd[7]);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd != -1) {
			m->fd = fd;
			m->path = path;
			return 0;
		}
		saved = errno;
		free(path);
		if (saved != EEXIST && saved != EINTR)
			break;
	}
	return diag_set(d, EX_CANTCREAT, "cannot create a temporary file "
	    "in %s: %s; check that the directory exists and is writable "
	    "for sendsmtp", tmpdir, strerror(saved));
}

void
msg_discard(struct msg *m)
{
	/* fds 0-2 are never a message file: main.c keeps them open, so a
	 * zeroed struct msg (fd 0) is left alone. */
	if (m->fd > STDERR_FILENO)
		(void)close(m->fd);
	m->fd = -1;
	if (m->path != NULL) {
		(void)unlink(m->path);
		free(m->path);
		m->path = NULL;
	}
}

static ssize_t
msg_read_some(int fd, char *p, size_t n)
{
	struct pollfd pfd;
	ssize_t got;

	for (;;) {
		got = read(fd, p, n);
		if (got >= 0)
			return got;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		/* a non-blocking input: wait for it */
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			return -1;
	}
}

void
msg_drain(int fd)
{
	char sink[4096];

	while (msg_read_some(fd, sink, sizeof(sink)) > 0)
		;
}

static int
out_flush(struct mreader *r)
{
	size_t off = 0;

	while (off < r->olen) {
		ssize_t w = write(r->m->fd, r->obuf + off, r->olen - off);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return diag_set(r->d, EX_TEMPFAIL, "cannot write the "
			    "message to %s: %s; free space in the spool or "
			    "fix its permissions", r->m->path,
			    w == 0 ? "short write" : strerror(errno));
		off += (size_t)w;
	}
	r->olen = 0;
	return 0;
}

static int
out_write(struct mreader *r, const void *p, size_t n)
{
	const unsigned char *u = p;
	size_t i, k;

	if (!r->m->eightbit)
		for (i = 0; i < n; i++)
			if (u[i] >= 0x80) {
				r->m->eightbit = 1;
				break;
			}
	r->total += (off_t)n;
	while (n > 0) {
		if (r->olen == IO_CHUNK && out_flush(r) == -1)
			return -1;
		k = IO_CHUNK - r->olen;
		if (k > n)
			k = n;
		memcpy(r->obuf + r->olen, u, k);
		r->olen += k;
		u += k;
		n -= k;
	}
	return 0;
}

/* ------------------------------------------------------- line ends */

/*
 * Split a chunk into line data and line ends (LF, CRLF; a bare CR is a
 * space).  Returns 0, 1 when a lone "." ended the message, or -1.
 */
static int
mr_feed(struct mreader *r, const char *p, size_t n)
{
	size_t i = 0, start;
	int rc = 0;

	if (r->pending_cr && n > 0) {
		r->pending_cr = 0;
		if (p[0] == '\n') {
			i = 1;
			rc = mr_eol(r);
		} else
			rc = mr_data(r, " ", 1);
		if (rc != 0)
			return rc;
	}
	while (i < n) {
		start = i;
		while (i < n && p[i] != '\n' && p[i] != '\r' && p[i] != '\0')
			i++;
		if (i > start && (rc = mr_data(r, p + start, i - start)) != 0)
			return rc;
		if (i == n)
			break;
		if (p[i] == '\0')
			return diag_set(r->d, EX_DATAERR, "the message "
			    "contains a NUL byte at line %llu; SMTP cannot "
			    "carry NUL bytes: encode the content (base64)",
			    r->lineno);
		if (p[i] == '\n') {
			i++;
			rc = mr_eol(r);
		} else if (i + 1 == n) {
			r->pending_cr = 1;
			i++;
		} else if (p[i + 1] == '\n') {
			i += 2;
			rc = mr_eol(r);
		} else {
			i++;
			rc = mr_data(r, " ", 1);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
mr_data(struct mreader *r, const char *p, size_t n)
{
	size_t room;

	if (r->state == MS_BODY)
		return mr_body_data(r, p, n);
	room = MSG_HLINE_MAX - r->hline.len;
	if (n <= room) {
		(void)buf_add(&r->hline, p, n);
		return 0;
	}
	/*
	 * Too long for a header line: if it is not a header it is the
	 * first body line, streamed on; a header this long is refused.
	 */
	(void)buf_add(&r->hline, p, room);
	if (mr_header_line(r) == -1)
		return -1;
	if (r->state != MS_BODY)
		return diag_set(r->d, EX_DATAERR, "line %llu of the header "
		    "section is longer than %d octets; the message is "
		    "malformed", r->lineno, HDR_FIELD_MAX);
	return mr_body_data(r, p + room, n - room);
}

static int
mr_eol(struct mreader *r)
{
	int rc;

	r->lineno++;
	if (r->state == MS_BODY)
		return mr_body_eol(r);
	if (!r->o->ignore_dots && r->hline.len == 1 && r->hline.data[0] == '.')
		return 1;
	rc = mr_header_line(r);
	buf_reset(&r->hline);
	if (rc == 0 && r->state == MS_BODY && r->body_line) {
		r->body_line = 0;
		rc = mr_body_eol(r);
	}
	return rc;
}

/* End of input (EOF or a lone dot): finish the last line and headers. */
static int
mr_finish(struct mreader *r)
{
	int rc = 0;

	if (r->pending_cr) {
		r->pending_cr = 0;
		if (mr_data(r, " ", 1) == -1)
			return -1;
	}
	if (r->state == MS_HEADERS && r->hline.len > 0)
		rc = mr_eol(r);
	else if (r->state == MS_BODY && r->seglen > 0)
		rc = mr_body_eol(r);
	if (rc == -1)
		return -1;
	if (r->state == MS_HEADERS)
		return mr_headers_eof(r);
	return 0;
}

/* ---------------------------------------------------------- headers */

/* Push hline into the header parser and act on what it says. */
static int
mr_header_line(struct mreader *r)
{
	enum hdr_event ev;
	const char *line;
	size_t len;

	if (hdr_parser_push(&r->hp, buf_str(&r->hline), r->hline.len) == -1)
		return diag_set(r->d, EX_SOFTWARE, "internal error: header "
		    "parser out of step at line %llu", r->lineno);
	while ((ev = hdr_parser_next(&r->hp, r->d)) != HDR_EV_NONE) {
		switch (ev) {
		case HDR_EV_MBOX_FROM:
			break;
		case HDR_EV_FIELD:
			if (mr_field(r) == -1)
				return -1;
			break;
		case HDR_EV_END_BODY:
			if (mr_headers_end(r) == -1)
				return -1;
			r->body_line = 1;
			line = hdr_parser_line(&r->hp, &len);
			return mr_body_data(r, line, len);
		case HDR_EV_END_BLANK:
		case HDR_EV_END_EOF:
			return mr_headers_end(r);
		case HDR_EV_ERROR:
		default:
			return -1;
		}
	}
	return 0;
}

static int
mr_headers_eof(struct mreader *r)
{
	enum hdr_event ev;

	hdr_parser_eof(&r->hp);
	while ((ev = hdr_parser_next(&r->hp, r->d)) != HDR_EV_NONE) {
		if (ev == HDR_EV_FIELD) {
			if (mr_field(r) == -1)
				return -1;
		} else if (ev == HDR_EV_ERROR)
			return -1;
		else
			return mr_headers_end(r);
	}
	return 0;
}

static void
mr_collect(struct mreader *r, struct rcptset *set, const char *v,
    size_t vlen)
{
	size_t i, before = set->l.n;

	if (set->bad)
		return;
	if (addr_parse_list(v, vlen, &set->l, &set->d) == -1) {
		set->bad = 1;
		return;
	}
	for (i = before; i < set->l.n; i++)
		if (addr_has_8bit(set->l.v[i].spec))
			r->m->smtputf8 = 1;
}

/* SMTPUTF8 is needed when a visible address header has a UTF-8 address. */
static void
mr_check_utf8(struct mreader *r, const char *v, size_t vlen)
{
	struct addr_list l;
	struct diag d;
	size_t i;

	if (r->m->smtputf8)
		return;
	for (i = 0; i < vlen; i++)
		if ((unsigned char)v[i] >= 0x80)
			break;
	if (i == vlen)
		return;
	addr_list_init(&l);
	if (addr_parse_list(v, vlen, &l, &d) == 0)
		for (i = 0; i < l.n; i++)
			if (addr_has_8bit(l.v[i].spec))
				r->m->smtputf8 = 1;
	addr_list_free(&l);
}

static int
mr_field(struct mreader *r)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} seen[] = {
		{ "Date", SEEN_DATE }, { "Message-ID", SEEN_MSGID },
		{ "From", SEEN_FROM }, { "Resent-Date", SEEN_RDATE },
		{ "Resent-From", SEEN_RFROM },
		{ "Resent-Message-ID", SEEN_RMSGID },
	};
	static const char *visible[] = { "To", "Cc", "From", "Sender",
		"Reply-To", "Resent-To", "Resent-Cc", "Resent-From",
		"Resent-Sender" };
	const char *raw, *v;
	size_t rawlen, vlen, i, namelen;
	int drop;

	v = hdr_field_value(&r->hp, &vlen);
	raw = hdr_field_raw(&r->hp, &rawlen);
	(void)hdr_field_name(&r->hp, &namelen);
	for (i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
		if (hdr_field_is(&r->hp, seen[i].name))
			r->seen |= seen[i].bit;
	if (hdr_field_has_prefix(&r->hp, "Resent-"))
		r->seen |= SEEN_RESENT;
	if (hdr_field_is(&r->hp, "Resent-To") ||
	    hdr_field_is(&r->hp, "Resent-Cc") ||
	    hdr_field_is(&r->hp, "Resent-Bcc")) {
		r->seen |= SEEN_RRCPT;
		if (r->o->extract_rcpts)
			mr_collect(r, &r->resent, v, vlen);
	} else if (r->o->extract_rcpts && (hdr_field_is(&r->hp, "To") ||
	    hdr_field_is(&r->hp, "Cc") || hdr_field_is(&r->hp, "Bcc")))
		mr_collect(r, &r->plain, v, vlen);
	drop = hdr_field_is(&r->hp, "Bcc") ||
	    hdr_field_is(&r->hp, "Resent-Bcc") ||
	    hdr_field_is(&r->hp, "Return-Path");
	if (drop)
		return 0;
	if (hdr_field_is(&r->hp, "Reply-To"))
		r->seen |= SEEN_REPLYTO;
	for (i = 0; i < sizeof(visible) / sizeof(visible[0]); i++)
		if (hdr_field_is(&r->hp, visible[i]))
			mr_check_utf8(r, v, vlen);
	if (namelen > LINE_MAX_WIRE - 2)
		return diag_set(r->d, EX_DATAERR, "a header field name before "
		    "line %llu is longer than %d octets; the message is "
		    "malformed", r->lineno, LINE_MAX_WIRE - 2);
	for (i = 0; i < sizeof(visible) / sizeof(visible[0]); i++)
		if (hdr_field_is(&r->hp, visible[i]))
			return mr_field_fix(r, raw, rawlen);
	return mr_write_field(r, raw, rawlen);
}

/* An address field: From rewritten or local addresses qualified. */
static int
mr_field_fix(struct mreader *r, const char *raw, size_t rawlen)
{
	if (r->o->from_rewrite != NULL && hdr_field_is(&r->hp, "From") &&
	    r->orig_from == NULL)
		return mr_from_rewrite(r, raw, rawlen);
	if (r->o->local != NULL &&
	    hdrfix_qualify(raw, rawlen, r->o->local, &r->fix) == 1)
		return mr_write_field(r, r->fix.data, r->fix.len);
	return mr_write_field(r, raw, rawlen);
}

/*
 * sender_policy header: "From: Name <account>" keeping the display name
 * (or the comment of "root (Cron Daemon)"); the original address is kept
 * for a Reply-To when it is another one.
 */
static int
mr_from_rewrite(struct mreader *r, const char *raw, size_t rawlen)
{
	struct alias_ctx none = { r->o->domain, NULL };
	char *spec = NULL, *name = NULL;

	if (hdrfix_first(raw, rawlen, r->o->local != NULL ? r->o->local :
	    &none, &spec, &name) == -1) {
		spec = NULL;
		name = NULL;
	}
	buf_reset(&r->fix);
	(void)buf_addstr(&r->fix, "From: ");
	if (name != NULL && *name != '\0') {
		msg_display_name(&r->fix, name);
		(void)buf_printf(&r->fix, " <%s>\r\n", r->o->from_rewrite);
	} else
		(void)buf_printf(&r->fix, "%s\r\n", r->o->from_rewrite);
	if (spec != NULL && !envelope_addr_equal(spec, r->o->from_rewrite))
		r->orig_from = spec;
	else {
		free(spec);
		r->orig_from = xstrdup("");
	}
	free(name);
	if (r->fix.len == 0)
		return diag_set(r->d, EX_DATAERR, "the From: header is too "
		    "long to rewrite");
	return mr_write_field(r, r->fix.data, r->fix.len);
}

/* The header section is complete: recipients, added fields, blank line. */
static int
mr_headers_end(struct mreader *r)
{
	if (r->o->extract_rcpts && mr_add_rcpts(r) == -1)
		return -1;
	addr_list_free(&r->plain.l);
	addr_list_free(&r->resent.l);
	if (mr_add_missing(r) == -1)
		return -1;
	r->state = MS_BODY;
	return out_write(r, "\r\n", 2);
}

static int
mr_add_rcpts(struct mreader *r)
{
	struct rcptset *set;
	size_t i;

	set = (r->seen & SEEN_RRCPT) ? &r->resent : &r->plain;
	if (set->bad) {
		*r->d = set->d;
		return -1;
	}
	for (i = 0; i < set->l.n; i++)
		if (mr_rcpt(r, set->l.v[i].spec) == -1)
			return -1;
	return 0;
}

/* One -t recipient: qualified, or through the aliases (policy.h). */
static int
mr_rcpt(struct mreader *r, const char *spec)
{
	char **out = NULL, *a;
	size_t n = 0, j;
	int rc;

	if (r->o->local == NULL) {
		a = addr_qualify(spec, r->o->domain);
		rc = envelope_add_rcpt(r->env, a, r->d);
		free(a);
		return rc == -1 ? -1 : 0;
	}
	rc = aliases_expand(r->o->aliases, r->o->local, spec, &out, &n, r->d);
	for (j = 0; j < n; j++) {
		if (rc == 0 && envelope_add_rcpt(r->env, out[j], r->d) == -1)
			rc = -1;
		free(out[j]);
	}
	free(out);
	return rc;
}

static int
mr_add_missing(struct mreader *r)
{
	const char *pfx = (r->seen & SEEN_RESENT) ? "Resent-" : "";
	const char *dom = r->o->domain != NULL && *r->o->domain != '\0' ?
	    r->o->domain : "localhost";
	unsigned need_date = (r->seen & SEEN_RESENT) ? SEEN_RDATE : SEEN_DATE;
	unsigned need_id = (r->seen & SEEN_RESENT) ? SEEN_RMSGID : SEEN_MSGID;
	unsigned need_from = (r->seen & SEEN_RESENT) ? SEEN_RFROM : SEEN_FROM;
	unsigned char rnd[8];
	struct buf f;
	struct tm tm;
	char date[64], *sender;
	int rc = 0;

	buf_init(&f, HDR_FIELD_MAX);
	if (!(r->seen & need_date)) {
		util_rfc5322_date(r->o->now, date, sizeof(date));
		(void)buf_printf(&f, "%sDate: %s\r\n", pfx, date);
	}
	if (!(r->seen & need_id)) {
		msg_random(rnd, sizeof(rnd));
		if (gmtime_r(&r->o->now, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		(void)buf_printf(&f, "%sMessage-ID: <%04d%02d%02d%02d%02d%02d."
		    "%02x%02x%02x%02x%02x%02x%02x%02x@%s>\r\n", pfx,
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, rnd[0], rnd[1], rnd[2], rnd[3],
		    rnd[4], rnd[5], rnd[6], rnd[7], dom);
	}
	if (r->orig_from != NULL && r->orig_from[0] != '\0' &&
	    !(r->seen & SEEN_REPLYTO))
		(void)buf_printf(&f, "Reply-To: %s\r\n", r->orig_from);
	if (!(r->seen & need_from)) {
		if (r->o->sender == NULL || *r->o->sender == '\0')
			sender = xasprintf("MAILER-DAEMON@%s", dom);
		else
			sender = addr_qualify(r->o->sender, dom);
		if (addr_has_8bit(sender))
			r->m->smtputf8 = 1;
		(void)buf_printf(&f, "%sFrom: ", pfx);
		if (r->o->fullname != NULL && *r->o->fullname != '\0') {
			msg_display_name(&f, r->o->fullname);
			(void)buf_printf(&f, " <%s>\r\n", sender);
		} else
			(void)buf_printf(&f, "%s\r\n", sender);
		free(sender);
	}
	/* Each field is one line (+ CRLF); mr_fold_line splits long ones. */
	if (f.len > 0) {
		const char *p = f.data, *e = f.data + f.len, *nl;

		while (rc == 0 && p < e) {
			nl = memchr(p, '\n', (size_t)(e - p));
			rc = mr_write_field(r, p, (size_t)(nl - p) + 1);
			p = nl + 1;
		}
	}
	buf_free(&f);
	return rc;
}

/* Write the physical lines of a field, folding those over 998 octets. */
static int
mr_write_field(struct mreader *r, const char *raw, size_t len)
{
	const char *p = raw, *e = raw + len, *nl;
	size_t n;

	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL)
			nl = e;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n <= LINE_MAX_WIRE) {
			if (out_write(r, p, n) == -1 ||
			    out_write(r, "\r\n", 2) == -1)
				return -1;
		} else if (mr_fold_line(r, p, n, p == raw) == -1)
			return -1;
		p = nl + 1;
	}
	return 0;
}

/*
 * Fold one physical header line of n > 998 octets: CRLF before the last
 * SP/HT that keeps the line within 998 octets and leaves something other
 * than white space on it (on the first line of a field: something after
 * the colon); failing that, CRLF SP at the limit (moved back to the
 * start of a UTF-8 sequence).
 */
static int
mr_fold_line(struct mreader *r, const char *s, size_t n, int first)
{
	size_t pos = 0, lead = 0, limit, k, fnw, cut;
	const char *colon;

	while (n - pos + lead > LINE_MAX_WIRE) {
		limit = pos + LINE_MAX_WIRE - lead;
		fnw = pos;
		if (first && pos == 0 && (colon = memchr(s, ':', n)) != NULL)
			fnw = (size_t)(colon - s) + 1;
		for (; fnw < n && (s[fnw] == ' ' || s[fnw] == '\t'); fnw++)
			;
		cut = 0;
		for (k = limit; k > fnw; k--)
			if (s[k] == ' ' || s[k] == '\t') {
				cut = k;
				break;
			}
		if (cut != 0) {
			if (out_write(r, s + pos, cut - pos) == -1 ||
			    out_write(r, "\r\n", 2) == -1)
				return -1;
			pos = cut;
			lead = 0;
			continue;
		}
		cut = msg_utf8_cut(s, limit, fnw + 1);
		if (out_write(r, s + pos, cut - pos) == -1 ||
		    out_write(r, "\r\n ", 3) == -1)
			return -1;
		pos = cut;
		lead = 1;
	}
	if (out_write(r, s + pos, n - pos) == -1 ||
	    out_write(r, "\r\n", 2) == -1)
		return -1;
	return 0;
}

/*
 * Where to break before s[cut]: cut itself unless s[cut] continues a
 * UTF-8 sequence, then the start of that sequence (if it is > min).
 */
static size_t
msg_utf8_cut(const char *s, size_t cut, size_t min)
{
	size_t k;

	if (((unsigned char)s[cut] & 0xc0) != 0x80)
		return cut;
	for (k = cut; k > min && cut - k < 3; k--) {
		unsigned char c = (unsigned char)s[k - 1];

		if (c >= 0xc0)
			return k - 1;
		if (c < 0x80)
			break;
	}
	return cut;
}

/* ------------------------------------------------------------- body */

static int
mr_body_data(struct mreader *r, const char *p, size_t n)
{
	size_t room;

	while (n > 0) {
		room = LINE_MAX_WIRE - r->seglen;
		if (room == 0) {
			if (mr_body_break(r, (unsigned char)p[0]) == -1)
				return -1;
			continue;
		}
		if (room > n)
			room = n;
		memcpy(r->seg + r->seglen, p, room);
		r->seglen += room;
		p += room;
		n -= room;
	}
	return 0;
}

/* The segment is full and next follows on the same line: break it. */
static int
mr_body_break(struct mreader *r, unsigned char next)
{
	size_t cut = LINE_MAX_WIRE, k;

	if ((next & 0xc0) == 0x80)
		for (k = LINE_MAX_WIRE; k > LINE_MAX_WIRE - 3; k--) {
			unsigned char c = (unsigned char)r->seg[k - 1];

			if (c >= 0xc0) {
				cut = k - 1;
				break;
			}
			if (c < 0x80)
				break;
		}
	if (out_write(r, r->seg, cut) == -1 || out_write(r, "\r\n", 2) == -1)
		return -1;
	memmove(r->seg, r->seg + cut, LINE_MAX_WIRE - cut);
	r->seglen = LINE_MAX_WIRE - cut;
	r->split = 1;
	return 0;
}

static int
mr_body_eol(struct mreader *r)
{
	if (!r->o->ignore_dots && !r->split && r->seglen == 1 &&
	    r->seg[0] == '.')
		return 1;
	if (out_write(r, r->seg, r->seglen) == -1 ||
	    out_write(r, "\r\n", 2) == -1)
		return -1;
	r->seglen = 0;
	r->split = 0;
	return 0;
}

/* -------------------------------------------------- added headers */

/*
 * The -F / gecos name as an RFC 5322 display name: plain when it is
 * atoms and spaces, a quoted string when it has specials, RFC 2047
 * encoded words (UTF-8, B) when it is not ASCII.  Control characters
 * become spaces; the name is cut to MSG_FULLNAME_MAX octets.
 */
static void
msg_display_name(struct buf *b, const char *name)
{
	char *s;
	size_t i, n, k;
	int eight = 0, plain = 1;

	n = strlen(name);
	if (n > MSG_FULLNAME_MAX)
		n = msg_utf8_cut(name, MSG_FULLNAME_MAX, 0);
	s = xstrndup(name, n);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			s[i] = ' ';
		else if (c >= 0x80)
			eight = 1;
		else if (c != ' ' && !((c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL))
			plain = 0;
	}
	str_trim(s);
	n = strlen(s);
	if (eight) {
		for (i = 0; i < n; i += k) {
			k = n - i > MSG_EW_CHUNK ? MSG_EW_CHUNK : n - i;
			if (i + k < n)
				k = msg_utf8_cut(s, i + k, i) - i;
			if (i > 0)
				(void)buf_addc(b, ' ');
			(void)buf_addstr(b, "=?UTF-8?B?");
			(void)b64_add(b, s + i, k);
			(void)buf_addstr(b, "?=");
		}
	} else if (plain && n > 0)
		(void)buf_add(b, s, n);
	else {
		(void)buf_addc(b, '"');
		for (i = 0; i < n; i++) {
			if (s[i] == '"' || s[i] == '\\')
				(void)buf_addc(b, '\\');
			(void)buf_addc(b, s[i]);
		}
		(void)buf_addc(b, '"');
	}
	free(s);
}

/* ------------------------------------------------------------ entry */

/* Read infd to the end of the message through the reader. */
static int
mr_stream(struct mreader *r, int infd)
{
	char *in = xmalloc(IO_CHUNK);
	ssize_t got;
	int rc = 0;

	for (;;) {
		got = msg_read_some(infd, in, IO_CHUNK);
		if (got == -1) {
			rc = diag_set(r->d, EX_IOERR, "cannot read the "
			    "message from standard input: %s; nothing was "
			    "sent", strerror(errno));
			break;
		}
		if (got == 0) {
			rc = mr_finish(r);
			break;
		}
		rc = mr_feed(r, in, (size_t)got);
		if (rc == 1) {
			/* a lone dot: the rest is not part of the message */
			msg_drain(infd);
			r->pending_cr = 0;
			rc = 0;
			break;
		}
		if (rc == -1)
			break;
	}
	free(in);
	if (rc == 0 && r->state == MS_HEADERS)
		rc = mr_headers_eof(r);
	return rc;
}

static void
mr_init(struct mreader *r, const struct msg_opts *o, struct msg *m,
    struct envelope *env, struct diag *d)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->m = m;
	r->env = env;
	r->d = d;
	r->state = MS_HEADERS;
	r->lineno = 1;
	hdr_parser_init(&r->hp);
	buf_init(&r->hline, MSG_HLINE_MAX);
	buf_init(&r->fix, HDR_FIELD_MAX + LINE_MAX_WIRE);
	addr_list_init(&r->plain.l);
	addr_list_init(&r->resent.l);
}

/* Check the options and create the file. */
static int
mr_start(struct mreader *r, const char *tmpdir)
{
	const struct msg_opts *o = r->o;

	if ((o->sender != NULL && has_crlf_nul(o->sender,
	    strlen(o->sender))) || (o->domain != NULL &&
	    has_crlf_nul(o->domain, strlen(o->domain))) ||
	    (o->from_rewrite != NULL && has_crlf_nul(o->from_rewrite,
	    strlen(o->from_rewrite))))
		return diag_set(r->d, EX_DATAERR, "the sender address or "
		    "domain contains a line break; fix the -f value or the "
		    "config");
	if (msg_create(tmpdir, r->m, r->d) == -1)
		return -1;
	r->obuf = xmalloc(IO_CHUNK);
	return 0;
}

/* Flush and rewind when rc is 0; release the reader either way. */
static int
mr_done(struct mreader *r, int rc)
{
	struct msg *m = r->m;

	if (rc == 0 && out_flush(r) == -1)
		rc = -1;
	if (rc == 0 && lseek(m->fd, 0, SEEK_SET) == -1)
		rc = diag_set(r->d, EX_TEMPFAIL, "cannot rewind %s: %s",
		    m->path, strerror(errno));
	if (rc == 0) {
		m->size = r->total;
		r->env->eightbit |= m->eightbit;
		r->env->smtputf8 |= m->smtputf8;
	} else
		msg_discard(m);
	free(r->obuf);
	free(r->orig_from);
	buf_free(&r->hline);
	buf_free(&r->fix);
	hdr_parser_free(&r->hp);
	addr_list_free(&r->plain.l);
	addr_list_free(&r->resent.l);
	return rc;
}

int
msg_read(int infd, const char *tmpdir, const struct msg_opts *o,
    struct msg *m, struct envelope *env, struct diag *d)
{
	struct mreader r;
	int rc;

	mr_init(&r, o, m, env, d);
	rc = mr_start(&r, tmpdir);
	if (rc == 0)
		rc = mr_stream(&r, infd);
	return mr_done(&r, rc);
}

struct msg_in *
msg_begin(const char *tmpdir, const struct msg_opts *o, struct msg *m,
    struct envelope *env, struct diag *d)
{
	struct msg_in *in = xcalloc(1, sizeof(*in));

	mr_init(&in->r, o, m, env, d);
	if (mr_start(&in->r, tmpdir) == -1) {
		(void)mr_done(&in->r, -1);
		free(in);
		return NULL;
	}
	return in;
}

int
msg_push(struct msg_in *in, const char *p, size_t n)
{
	int rc;

	if (in->failed)
		return -1;
	if (in->r.ended)
		return 0;
	rc = mr_feed(&in->r, p, n);
	if (rc == 1) {
		in->r.ended = 1;
		in->r.pending_cr = 0;
		rc = 0;
	}
	if (rc == -1)
		in->failed = 1;
	return rc;
}

int
msg_end(struct msg_in *in)
{
	int rc = in->failed ? -1 : 0;

	if (rc == 0 && !in->r.ended)
		rc = mr_finish(&in->r);
	if (rc == 0 && in->r.state == MS_HEADERS)
		rc = mr_headers_eof(&in->r);
	rc = mr_done(&in->r, rc);
	free(in);
	return rc;
}
