/*
 * bounce.c - delivery status notifications for failed recipients.
 *
 * RFC 3464 (message/delivery-status), RFC 3462/6522 (multipart/report),
 * RFC 3463 (enhanced status codes), RFC 3461 (NOTIFY, ENVID), RFC 3834
 * (Auto-Submitted), RFC 5322 (Date, Message-ID), RFC 2046 (multipart
 * boundaries), RFC 6533 (message/global-delivery-status when an address
 * is not ASCII).
 *
 * Security: a bounce is sent to an address that may belong to anyone
 * (the envelope sender of a message submitted by a local user), so it
 * carries nothing from the configuration: the quoted reasons are SMTP
 * replies only (already one line, control characters removed by
 * reply.c); failures without a reply (connection trouble, local errors
 * whose text may name files) are described in fixed words.  Only the
 * original's header section is returned, never its body, and at most
 * BOUNCE_HEADERS_MAX octets of it.  Every line is at most BOUNCE_WRAP
 * octets except quoted header lines, which msg.c already limited to 998.
 * The MIME boundary is checked against every part, so quoted text cannot
 * end a part early.
 */
#include "compat.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounce.h"
#include "bounds.h"
#include "buf.h"
#include "diag.h"
#include "envelope.h"
#include "msg.h"
#include "util.h"

struct bounce_parts {
	struct buf	 human;		/* text/plain */
	struct buf	 dsn;		/* message/delivery-status */
	struct buf	 hdrs;		/* text/rfc822-headers */
	int		 utf8;		/* an address is not ASCII */
	int		 eightbit;	/* the quoted headers are 8-bit */
	int		 hdrs_cut;	/* the headers were cut short */
};

static int	 bounce_is_ascii(const char *s);
static int	 bounce_fold(struct buf *b, const char *first,
		    const char *text, const char *indent);
static void	 bounce_status(const struct rcpt *r, int expired, char *out,
		    size_t size);
static int	 bounce_read_headers(int fd, struct bounce_parts *p,
		    struct diag *d);
static int	 bounce_human(const struct bounce_info *bi,
		    const struct envelope *orig, const unsigned char *which,
		    struct bounce_parts *p);
static int	 bounce_dsn(const struct bounce_info *bi,
		    const struct envelope *orig, const unsigned char *which,
		    struct bounce_parts *p);
static int	 bounce_boundary_ok(const struct bounce_parts *p,
		    const char *b);
static int	 bounce_assemble(const struct bounce_info *bi,
		    const struct envelope *orig, struct bounce_parts *p,
		    struct buf *out);
static int	 bounce_write_file(const char *tmpdir, const struct buf *text,
		    struct msg *bm, struct diag *d);

int
bounce_wanted(const struct envelope *orig)
{
	if (orig->sender == NULL || orig->sender[0] == '\0')
		return 0;
	if (orig->notify & DSN_NOTIFY_NEVER)
		return 0;
	if (orig->notify != 0 && !(orig->notify & DSN_NOTIFY_FAILURE))
		return 0;
	return 1;
}

static int
bounce_is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/*
 * Append first + text, folded before BOUNCE_WRAP columns at spaces (a
 * word longer than a line is split), continuation lines starting with
 * indent; CRLF at the end.
 */
static int
bounce_fold(struct buf *b, const char *first, const char *text,
    const char *indent)
{
	size_t ind = strlen(indent), col = strlen(first), n;
	const char *p = text;
	int rc, fresh;

	rc = buf_addstr(b, first);
	/* fresh: nothing but the prefix on this line, no space needed */
	fresh = col == 0 || first[col - 1] == ' ';
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, " ");
		if (!fresh && col + 1 + n > BOUNCE_WRAP) {
			rc |= buf_addstr(b, "\r\n");
			rc |= buf_addstr(b, indent);
			col = ind;
			fresh = 1;
		}
		if (!fresh) {
			rc |= buf_addc(b, ' ');
			col++;
		}
		if (col + n > BOUNCE_WRAP && BOUNCE_WRAP > col)
			n = BOUNCE_WRAP - col;	/* split a long word */
		rc |= buf_add(b, p, n);
		col += n;
		p += n;
		fresh = 0;
	}
	return rc | buf_addstr(b, "\r\n");
}

/* The RFC 3463 status of a failed recipient. */
static void
bounce_status(const struct rcpt *r, int expired, char *out, size_t size)
{
	char enh[16];

	diag_enh_of_text(r->code >= 200 ? r->reply : NULL, enh, sizeof(enh));
	if (enh[0] != '\0' && enh[0] - '0' == r->code / 100)
		(void)strlcpy(out, enh, size);
	else if (expired)
		(void)strlcpy(out, "4.4.7", size);
	else if (r->code / 100 == 4)
		(void)strlcpy(out, "4.0.0", size);
	else
		(void)strlcpy(out, "5.0.0", size);
}

/*
 * The original's header section (without the empty line), cut at a field
 * boundary when longer than BOUNCE_HEADERS_MAX.
 */
static int
bounce_read_headers(int fd, struct bounce_parts *p, struct diag *d)
{
	struct buf raw;
	char *chunk, *end;
	size_t hlen, i;
	off_t off = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	buf_init(&raw, BOUNCE_HEADERS_MAX + IO_CHUNK);
	chunk = xmalloc(IO_CHUNK);
	end = NULL;
	while (end == NULL && raw.len <= BOUNCE_HEADERS_MAX) {
		n = pread(fd, chunk, IO_CHUNK, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(chunk);
			buf_free(&raw);
			return diag_set(d, EX_TEMPFAIL, "cannot read the "
			    "original message for a bounce: %s",
			    strerror(errno));
		}
		if (n == 0 || buf_add(&raw, chunk, (size_t)n) == -1)
			break;
		off += n;
		if (raw.len >= 2 && memcmp(raw.data, "\r\n", 2) == 0)
			end = raw.data;
		else
			end = memmem(raw.data, raw.len, "\r\n\r\n", 4);
	}
	free(chunk);
	if (end == raw.data)
		hlen = 0;		/* no header section at all */
	else if (end != NULL)
		hlen = (size_t)(end - raw.data) + 2;
	else
		hlen = raw.len;
	if (hlen > BOUNCE_HEADERS_MAX) {
		/* Back to the start of the field that crosses the limit. */
		for (i = BOUNCE_HEADERS_MAX; i >= 2; i--)
			if (raw.data[i - 2] == '\r' &&
			    raw.data[i - 1] == '\n' &&
			    raw.data[i] != ' ' && raw.data[i] != '\t')
				break;
		hlen = i >= 2 ? i : 0;
		p->hdrs_cut = 1;
	}
	buf_init(&p->hdrs, BOUNCE_HEADERS_MAX + 2);
	if (hlen > 0 && buf_add(&p->hdrs, raw.data, hlen) == -1)
		hlen = 0;
	if (hlen >= 1 && (hlen < 2 || memcmp(p->hdrs.data + hlen - 2, "\r\n",
	    2) != 0))
		(void)buf_addstr(&p->hdrs, "\r\n");
	for (i = 0; i < p->hdrs.len; i++)
		if ((unsigned char)p->hdrs.data[i] >= 0x80)
			p->eightbit = 1;
	buf_free(&raw);
	return 0;
}

/* Part 1: what happened, for people. */
static int
bounce_human(const struct bounce_info *bi, const struct envelope *orig,
    const unsigned char *which, struct bounce_parts *p)
{
	struct buf *b = &p->human;
	size_t i, shown = 0, total = 0;
	char *line;
	int rc;

	rc = buf_printf(b, "This is the mail delivery system at %s.\r\n\r\n",
	    bi->domain);
	if (bi->expired)
		rc |= bounce_fold(b, "", "Your message could not be delivered "
		    "to the recipients below. Delivery was retried for the "
		    "time the queue keeps a message, and it has now given "
		    "up; the message was removed from the queue.", "");
	else
		rc |= bounce_fold(b, "", "Your message could not be delivered "
		    "to the recipients below: the mail server refused them "
		    "permanently. Sending it again will not help unless the "
		    "addresses are corrected.", "");
	if (bi->expired && bi->lifetime > 0) {
		line = xasprintf("Time in the queue: %ld hours.",
		    (bi->lifetime + 3599) / 3600);
		rc |= bounce_fold(b, "", line, "");
		free(line);
	}
	rc |= buf_addstr(b, "\r\nThe headers of your message are attached."
	    "\r\n\r\n");
	for (i = 0; i < orig->nrcpts; i++) {
		const struct rcpt *r = &orig->rcpts[i];

		if (!which[i])
			continue;
		if (++total > BOUNCE_RCPTS_MAX)
			continue;
		shown++;
		line = xasprintf("<%s>:", r->addr);
		if (r->code >= 200 && r->reply != NULL) {
			char *why = xasprintf("%s %s %d %s", bi->remote_mta !=
			    NULL ? bi->remote_mta : "the mail server",
			    bi->expired ? "last said:" : "said:", r->code,
			    r->reply);

			const char *advice = diag_reply_advice(r->code,
			    r->reply);

			rc |= bounce_fold(b, line, why, "    ");
			free(why);
			/* the catalogue line stderr, the log and mailq show */
			if (advice != NULL && strstr(r->reply, advice) == NULL)
				rc |= bounce_fold(b, "    What this means:",
				    advice, "    ");
		} else
			rc |= bounce_fold(b, line, bi->expired ? "the mail "
			    "server could not be reached or did not answer "
			    "in time." : "delivery failed without a reply "
			    "from the mail server.", "    ");
		free(line);
		rc |= buf_addstr(b, "\r\n");
	}
	if (total > shown)
		rc |= buf_printf(b, "... and %zu more recipients.\r\n",
		    total - shown);
	return rc == 0 ? 0 : -1;
}

/* Part 2: the machine-readable report (RFC 3464 2.2 and 2.3). */
static int
bounce_dsn(const struct bounce_info *bi, const struct envelope *orig,
    const unsigned char *which, struct bounce_parts *p)
{
	struct buf *b = &p->dsn;
	const char *atype = p->utf8 ? "utf-8" : "rfc822";
	char date[64], status[16], *v;
	size_t i, shown = 0;
	int rc;

	rc = buf_printf(b, "Reporting-MTA: dns; %s\r\n", bi->domain);
	if (bi->queue_id != NULL)
		rc |= buf_printf(b, "X-Sendsmtp-Queue-ID: %s\r\n",
		    bi->queue_id);
	if (orig->envid != NULL)
		rc |= bounce_fold(b, "Original-Envelope-Id: ", orig->envid,
		    "    ");
	if (bi->arrival > 0) {
		util_rfc5322_date(bi->arrival, date, sizeof(date));
		rc |= buf_printf(b, "Arrival-Date: %s\r\n", date);
	}
	util_rfc5322_date(bi->now, date, sizeof(date));
	for (i = 0; i < orig->nrcpts && shown < BOUNCE_RCPTS_MAX; i++) {
		const struct rcpt *r = &orig->rcpts[i];

		if (!which[i])
			continue;
		shown++;
		bounce_status(r, bi->expired, status, sizeof(status));
		rc |= buf_printf(b, "\r\nFinal-Recipient: %s; %s\r\n"
		    "Original-Recipient: %s; %s\r\nAction: failed\r\n"
		    "Status: %s\r\n", atype, r->addr, atype, r->addr, status);
		if (r->code >= 200 && r->reply != NULL) {
			if (bi->remote_mta != NULL)
				rc |= buf_printf(b, "Remote-MTA: dns; %s\r\n",
				    bi->remote_mta);
			v = xasprintf("%d %s", r->code, r->reply);
			rc |= bounce_fold(b, "Diagnostic-Code: smtp; ", v,
			    "    ");
			free(v);
		}
		rc |= buf_printf(b, "Last-Attempt-Date: %s\r\n", date);
		if (bi->expired)
			rc |= buf_printf(b, "Will-Retry-Until: %s\r\n", date);
	}
	return rc == 0 ? 0 : -1;
}

static int
bounce_boundary_ok(const struct bounce_parts *p, const char *b)
{
	const struct buf *parts[] = { &p->human, &p->dsn, &p->hdrs };
	size_t i, n = strlen(b);

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i]->len >= n &&
		    memmem(parts[i]->data, parts[i]->len, b, n) != NULL)
			return 0;
	return 1;
}

static int
bounce_assemble(const struct bounce_info *bi, const struct envelope *orig,
    struct bounce_parts *p, struct buf *out)
{
	static unsigned long seq;
	char date[64], bnd[80];
	unsigned long tries;
	int rc;

	for (tries = 0;; tries++) {
		(void)snprintf(bnd, sizeof(bnd), "=_sendsmtp_%llx_%lx_%lx_%lu",
		    (long long)bi->now, (unsigned long)getpid(), ++seq, tries);
		if (bounce_boundary_ok(p, bnd))
			break;
	}
	util_rfc5322_date(bi->now, date, sizeof(date));
	rc = buf_printf(out, "From: Mail Delivery System "
	    "<MAILER-DAEMON@%s>\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\n"
	    "Message-ID: <%llx.%lx.%lx.%s@%s>\r\nAuto-Submitted: auto-replied"
	    "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; "
	    "report-type=%s;\r\n\tboundary=\"%s\"\r\n\r\n"
	    "This is a MIME-encapsulated message.\r\n\r\n",
	    bi->domain, orig->sender, bi->expired ? "Undelivered Mail: "
	    "delivery time expired" : "Undelivered Mail Returned to Sender",
	    date, (long long)bi->now, (unsigned long)getpid(), seq,
	    bi->queue_id != NULL ? bi->queue_id : "bounce", bi->domain,
	    p->utf8 ? "global-delivery-status" : "delivery-status", bnd);
	rc |= buf_printf(out, "--%s\r\nContent-Description: Notification\r\n"
	    "Content-Type: text/plain; charset=%s\r\n\r\n", bnd,
	    p->utf8 ? "utf-8" : "us-ascii");
	rc |= buf_add(out, p->human.data, p->human.len);
	rc |= buf_printf(out, "\r\n--%s\r\nContent-Description: Delivery "
	    "report\r\nContent-Type: message/%s\r\n\r\n", bnd,
	    p->utf8 ? "global-delivery-status" : "delivery-status");
	rc |= buf_add(out, p->dsn.data, p->dsn.len);
	rc |= buf_printf(out, "\r\n--%s\r\nContent-Description: Undelivered "
	    "Message Headers%s\r\nContent-Type: text/rfc822-headers\r\n%s"
	    "\r\n", bnd, p->hdrs_cut ? " (cut short)" : "",
	    p->eightbit ? "Content-Transfer-Encoding: 8bit\r\n" : "");
	if (p->hdrs.len > 0)
		rc |= buf_add(out, p->hdrs.data, p->hdrs.len);
	rc |= buf_printf(out, "\r\n--%s--\r\n", bnd);
	return rc == 0 ? 0 : -1;
}

int
bounce_render(const struct bounce_info *bi, const struct envelope *orig,
    const unsigned char *which, int orig_fd, struct buf *out, int *eightbit,
    struct diag *d)
{
	struct bounce_parts p;
	size_t i, n = 0;
	int rc = -1;

	buf_init(out, BOUNCE_MAX);
	if (orig->sender == NULL || orig->sender[0] == '\0')
		return diag_set(d, EX_SOFTWARE, "bounce of a message with the "
		    "null sender (internal error)");
	for (i = 0; i < orig->nrcpts; i++)
		if (which[i])
			n++;
	if (n == 0)
		return diag_set(d, EX_SOFTWARE, "bounce without a failed "
		    "recipient (internal error)");
	memset(&p, 0, sizeof(p));
	buf_init(&p.human, BOUNCE_MAX / 2);
	buf_init(&p.dsn, BOUNCE_MAX / 2);
	buf_init(&p.hdrs, BOUNCE_HEADERS_MAX + 2);
	p.utf8 = !bounce_is_ascii(orig->sender);
	for (i = 0; i < orig->nrcpts; i++)
		if (which[i] && !bounce_is_ascii(orig->rcpts[i].addr))
			p.utf8 = 1;
	if (bounce_read_headers(orig_fd, &p, d) == -1)
		goto out;
	if (bounce_human(bi, orig, which, &p) == -1 ||
	    bounce_dsn(bi, orig, which, &p) == -1 ||
	    bounce_assemble(bi, orig, &p, out) == -1) {
		(void)diag_set(d, EX_SOFTWARE, "the bounce is larger than %d "
		    "octets (internal error)", BOUNCE_MAX);
		goto out;
	}
	if (eightbit != NULL)
		*eightbit = p.eightbit;
	rc = 0;
out:
	buf_free(&p.human);
	buf_free(&p.dsn);
	buf_free(&p.hdrs);
	return rc;
}

/* Write text to a new private file in tmpdir; bm as msg_read leaves it. */
static int
bounce_write_file(const char *tmpdir, const struct buf *text, struct msg *bm,
    struct diag *d)
{
	char *path;
	size_t off = 0;
	ssize_t n;
	int fd, err = 0, cant = 0;

	path = xasprintf("%s/bounce.XXXXXX", tmpdir);
	fd = mkstemp(path);
	if (fd == -1) {
		err = errno;
		free(path);
		return diag_set(d, err == ENOSPC || err == EIO ? EX_TEMPFAIL :
		    EX_CANTCREAT, "cannot create a bounce in %s: %s; check "
		    "the spool directory", tmpdir, strerror(err));
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		err = errno;
	while (err == 0 && off < text->len) {
		n = write(fd, text->data + off, text->len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			err = n == 0 ? EIO : errno;
		else
			off += (size_t)n;
	}
	if (err == 0 && lseek(fd, 0, SEEK_SET) == -1)
		err = errno;
	if (err != 0) {
		cant = err == EACCES || err == EPERM || err == EROFS;
		(void)close(fd);
		(void)unlink(path);
		free(path);
		return diag_set(d, cant ? EX_CANTCREAT : EX_TEMPFAIL, "cannot "
		    "write a bounce to %s: %s; free space on the spool file "
		    "system", tmpdir, strerror(err));
	}
	bm->fd = fd;
	bm->path = path;
	bm->size = (off_t)text->len;
	return 0;
}

int
bounce_create(const struct bounce_info *bi, const struct envelope *orig,
    const unsigned char *which, int orig_fd, const char *tmpdir,
    struct envelope *benv, struct msg *bm, struct diag *d)
{
	struct buf text;
	int eight = 0;

	envelope_init(benv);
	memset(bm, 0, sizeof(*bm));
	bm->fd = -1;
	if (bounce_render(bi, orig, which, orig_fd, &text, &eight, d) == -1 ||
	    bounce_write_file(tmpdir, &text, bm, d) == -1) {
		buf_free(&text);
		return -1;
	}
	buf_free(&text);
	bm->eightbit = eight;
	bm->smtputf8 = !bounce_is_ascii(orig->sender);
	envelope_set_sender(benv, "");
	if (envelope_add_rcpt(benv, orig->sender, d) == -1) {
		(void)close(bm->fd);
		(void)unlink(bm->path);
		free(bm->path);
		bm->path = NULL;
		bm->fd = -1;
		envelope_free(benv);
		return -1;
	}
	benv->eightbit = eight;
	benv->smtputf8 = bm->smtputf8;
	benv->body = eight ? BODY_8BITMIME : BODY_UNSET;
	return 0;
}
