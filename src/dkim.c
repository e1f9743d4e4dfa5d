/*
 * dkim.c - DKIM canonicalisation, header-field selection and the
 * DKIM-Signature header field.  Pure: no I/O, no keys.
 *
 * RFC 6376 3.4.2 (relaxed header canonicalisation), 3.4.4 (relaxed body
 * canonicalisation), 3.5 (tags; FWS allowed inside h= and b=), 3.7 (the
 * signature header is hashed with b= empty and without its CRLF), 5.4
 * (which fields to sign; over-signing by listing a name once more than
 * it occurs), 5.4.2 (instances are taken bottom-up), 3.6.1 (the TXT key
 * record); RFC 8463 4.2 (k=ed25519); RFC 5322 2.1.1 and 2.2.3 (fold at
 * 78 columns, never past 998).
 *
 * Security: the input is the message msg.c wrote (CRLF only, lines of at
 * most 998 octets), but every function here still treats it as
 * untrusted: lengths are bounded by the callers' buffers and nothing
 * reads past len.  No l= tag is ever produced, so nobody can append
 * content under our signature.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "buf.h"
#include "dkim.h"
#include "util.h"

/* Longest header field name we look up in h= (RFC 5322 has no limit;
 * the names we sign are all shorter). */
#define DKIM_NAME_MAX	64

/* Fields we sign when present; From is always signed. */
static const char *const dkim_signed[] = {
	"from", "sender", "reply-to", "to", "cc", "subject", "date",
	"message-id", "in-reply-to", "references", "mime-version",
	"content-type", "content-transfer-encoding", NULL
};

/* A folding writer: the column of the next byte on the current line. */
struct dkim_fold {
	struct buf	*b;
	size_t		 col;
};

static int	dkim_is_wsp(int c);
static void	dkim_emit(struct dkim_body *b, const void *p, size_t n);
static void	dkim_body_run(struct dkim_body *b, const char *p, size_t n);
static void	dkim_body_eol(struct dkim_body *b);
static size_t	dkim_name_count(const struct dkim_hdrs *h,
		    const char *name);
static int	dkim_fold_add(struct dkim_fold *f, int space,
		    const char *tok, size_t n);

static int
dkim_is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* ------------------------------------------------ header canonicalisation */

int
dkim_canon_header(const char *field, size_t len, struct buf *out)
{
	const char *colon;
	size_t i, namelen, start;
	int wsp = 0, any = 0;

	colon = memchr(field, ':', len);
	if (colon == NULL)
		return -1;
	namelen = (size_t)(colon - field);
	while (namelen > 0 && dkim_is_wsp((unsigned char)field[namelen - 1]))
		namelen--;
	for (i = 0; i < namelen; i++)
		if (buf_addc(out, (char)ascii_tolower(
		    (unsigned char)field[i])) == -1)
			return -1;
	if (buf_addc(out, ':') == -1)
		return -1;
	start = (size_t)(colon - field) + 1;
	for (i = start; i < len; i++) {
		unsigned char c = (unsigned char)field[i];

		/* Unfold: line ends vanish; the WSP after them stays. */
		if (c == '\r' || c == '\n')
			continue;
		if (dkim_is_wsp(c)) {
			wsp = 1;
			continue;
		}
		/* WSP after the colon is dropped, inner runs become one SP,
		 * WSP at the end never gets written. */
		if (wsp && any && buf_addc(out, ' ') == -1)
			return -1;
		wsp = 0;
		any = 1;
		if (buf_addc(out, (char)c) == -1)
			return -1;
	}
	return buf_add(out, "\r\n", 2);
}

/* ------------------------------------------------ body canonicalisation */

void
dkim_body_init(struct dkim_body *b, void (*emit)(void *, const void *,
    size_t), void *arg)
{
	memset(b, 0, sizeof(*b));
	b->emit = emit;
	b->arg = arg;
}

/* Stage n (at most sizeof(b->out)) bytes; hand out full pieces. */
static void
dkim_emit(struct dkim_body *b, const void *p, size_t n)
{
	if (b->olen + n > sizeof(b->out)) {
		b->emit(b->arg, b->out, b->olen);
		b->olen = 0;
	}
	memcpy(b->out + b->olen, p, n);
	b->olen += n;
	b->total += n;
}

/*
 * n bytes that are neither WSP nor CR (the caller found the run): the
 * empty lines and the WSP held back before them become final.
 */
static void
dkim_body_run(struct dkim_body *b, const char *p, size_t n)
{
	size_t k;

	for (; b->blank > 0; b->blank--)
		dkim_emit(b, "\r\n", 2);
	if (b->wsp)
		dkim_emit(b, " ", 1);
	b->wsp = 0;
	for (; n > 0; p += k, n -= k) {
		k = n < sizeof(b->out) ? n : sizeof(b->out);
		dkim_emit(b, p, k);
	}
	b->content = 1;
}

/* The end of a line: trailing WSP is dropped, empty lines wait. */
static void
dkim_body_eol(struct dkim_body *b)
{
	b->wsp = 0;
	if (b->content)
		dkim_emit(b, "\r\n", 2);
	else
		b->blank++;
	b->content = 0;
}

void
dkim_body_feed(struct dkim_body *b, const void *p, size_t n)
{
	const char *s = p;
	size_t i, run;

	for (i = 0; i < n; i++) {
		if (b->cr) {
			b->cr = 0;
			if (s[i] == '\n') {
				dkim_body_eol(b);
				continue;
			}
			dkim_body_run(b, "\r", 1);	/* a bare CR is data */
		}
		if (s[i] == '\r')
			b->cr = 1;
		else if (dkim_is_wsp((unsigned char)s[i]))
			b->wsp = 1;
		else {
			/* The common case: a run of ordinary bytes. */
			for (run = 1; i + run < n && s[i + run] != '\r' &&
			    !dkim_is_wsp((unsigned char)s[i + run]); run++)
				continue;
			dkim_body_run(b, s + i, run);
			i += run - 1;
		}
	}
}

void
dkim_body_end(struct dkim_body *b)
{
	if (b->cr) {
		b->cr = 0;
		dkim_body_run(b, "\r", 1);
	}
	/* XXX A last line without CRLF (msg.c never writes one) is ended
	 * as if it had one: its trailing WSP goes. */
	if (b->content)
		dkim_body_eol(b);
	if (b->olen > 0)
		b->emit(b->arg, b->out, b->olen);
	b->olen = 0;
	b->blank = 0;
	b->wsp = 0;
}

/* ------------------------------------------------ header fields */

int
dkim_hdrs_parse(const char *block, size_t len, struct dkim_hdrs *h)
{
	size_t pos = 0, eol, cap = 0;
	const char *p;

	memset(h, 0, sizeof(*h));
	h->base = block;
	while (pos < len) {
		p = memchr(block + pos, '\n', len - pos);
		eol = p == NULL ? len : (size_t)(p - block) + 1;
		if (dkim_is_wsp((unsigned char)block[pos])) {
			if (h->n == 0)
				goto bad;
			h->f[h->n - 1].len = eol - h->f[h->n - 1].off;
		} else {
			p = memchr(block + pos, ':', eol - pos);
			if (p == NULL)
				goto bad;
			if (h->n == cap) {
				cap = cap == 0 ? 32 : cap * 2;
				h->f = xreallocarray(h->f, cap, sizeof(*h->f));
			}
			h->f[h->n].off = pos;
			h->f[h->n].len = eol - pos;
			h->f[h->n].namelen = (size_t)(p - (block + pos));
			while (h->f[h->n].namelen > 0 && dkim_is_wsp(
			    (unsigned char)block[pos + h->f[h->n].namelen - 1]))
				h->f[h->n].namelen--;
			h->n++;
		}
		pos = eol;
	}
	return 0;
bad:
	dkim_hdrs_free(h);
	return -1;
}

void
dkim_hdrs_free(struct dkim_hdrs *h)
{
	free(h->f);
	memset(h, 0, sizeof(*h));
}

static size_t
dkim_name_count(const struct dkim_hdrs *h, const char *name)
{
	size_t i, n = 0, len = strlen(name);

	for (i = 0; i < h->n; i++)
		if (h->f[i].namelen == len && ascii_strncasecmp(h->base +
		    h->f[i].off, name, len) == 0)
			n++;
	return n;
}

int
dkim_hlist(const struct dkim_hdrs *h, struct buf *out)
{
	size_t i, k, n;

	for (i = 0; dkim_signed[i] != NULL; i++) {
		n = dkim_name_count(h, dkim_signed[i]);
		if (n == 0 && i != 0)
			continue;
		for (k = 0; k <= n; k++) {
			if (out->len > 0 && buf_addc(out, ':') == -1)
				return -1;
			if (buf_addstr(out, dkim_signed[i]) == -1)
				return -1;
		}
	}
	return 0;
}

int
dkim_hdrs_canon(const struct dkim_hdrs *h, const char *hlist,
    struct buf *out)
{
	unsigned char *used;
	char name[DKIM_NAME_MAX + 1];
	const char *p = hlist;
	size_t i, n;
	int rc = 0;

	used = xcalloc(h->n + 1, 1);
	while (*p != '\0' && rc == 0) {
		n = strcspn(p, ":");
		if (n == 0 || n > DKIM_NAME_MAX) {
			rc = -1;
			break;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n + (p[n] == ':');
		for (i = h->n; i-- > 0;) {
			const struct dkim_field *f = &h->f[i];

			if (used[i] || f->namelen != n ||
			    ascii_strncasecmp(h->base + f->off, name, n) != 0)
				continue;
			used[i] = 1;
			rc = dkim_canon_header(h->base + f->off, f->len, out);
			break;
		}
	}
	free(used);
	return rc;
}

/* ------------------------------------------------ the signature header */

/*
 * Append tok, after one SP when space is set; when that would pass the
 * fold width, CRLF HTAB goes first instead (FWS is allowed there).
 */
static int
dkim_fold_add(struct dkim_fold *f, int space, const char *tok, size_t n)
{
	if (f->col + (size_t)space + n > DKIM_FOLD_WIDTH && f->col > 8) {
		if (buf_add(f->b, "\r\n\t", 3) == -1)
			return -1;
		f->col = 8;
	} else if (space) {
		if (buf_addc(f->b, ' ') == -1)
			return -1;
		f->col++;
	}
	if (buf_add(f->b, tok, n) == -1)
		return -1;
	f->col += n;
	return 0;
}

int
dkim_sig_header(const struct dkim_sig *s, struct buf *out)
{
	struct dkim_fold f;
	char *tags, *tok;
	const char *p;
	size_t n;
	int rc = 0;

	buf_reset(out);
	f.b = out;
	f.col = 0;
	tags = xasprintf("DKIM-Signature: v=1; a=%s; c=relaxed/relaxed; "
	    "d=%s; s=%s; t=%lld;", s->alg, s->domain, s->selector, s->t);
	/* One tag at a time, each with its ';' (the first is "DKIM-
	 * Signature: v=1;"). */
	for (p = tags; *p != '\0' && rc == 0;) {
		n = strcspn(p, ";");
		n += p[n] == ';';
		if (p == tags)
			n += strcspn(p + n, ";") + 1;
		rc = dkim_fold_add(&f, p != tags, p, n);
		for (p += n; *p == ' '; p++)
			continue;
	}
	free(tags);
	/* h=: "h=" with the first name, then each name with its ':' or,
	 * for the last, ';'; a break may come after any colon. */
	for (p = s->hlist; *p != '\0' && rc == 0; p += n) {
		n = strcspn(p, ":");
		tok = xasprintf("%s%.*s%c", p == s->hlist ? "h=" : "", (int)n,
		    p, p[n] == ':' ? ':' : ';');
		rc = dkim_fold_add(&f, p == s->hlist, tok, strlen(tok));
		free(tok);
		n += p[n] == ':';
	}
	if (rc == -1)
		return -1;
	tok = xasprintf("bh=%s;", s->bh);
	rc = dkim_fold_add(&f, 1, tok, strlen(tok));
	free(tok);
	if (rc == -1 || dkim_fold_add(&f, 1, "b=", 2) == -1)
		return -1;
	return 0;
}

int
dkim_sig_add_b(struct buf *hdr, const char *b64, size_t n)
{
	struct dkim_fold f;
	size_t i, k;

	f.b = hdr;
	/* The column after "b=": continuation lines start with one HTAB. */
	for (i = hdr->len; i > 0 && hdr->data[i - 1] != '\n'; i--)
		continue;
	f.col = i == 0 ? hdr->len : 8 + (hdr->len - i - 1);
	for (i = 0; i < n; i += k) {
		if (f.col >= DKIM_FOLD_WIDTH) {
			if (buf_add(hdr, "\r\n\t", 3) == -1)
				return -1;
			f.col = 8;
		}
		k = DKIM_FOLD_WIDTH - f.col;
		if (k > n - i)
			k = n - i;
		if (buf_add(hdr, b64 + i, k) == -1)
			return -1;
		f.col += k;
	}
	return buf_add(hdr, "\r\n", 2);
}

/* ------------------------------------------------ lists and records */

int
dkim_list_next(const char **cur, char *out, size_t size)
{
	const char *p = *cur, *end;
	size_t n;

	while (dkim_is_wsp((unsigned char)*p))
		p++;
	if (*p == '\0')
		return 0;
	n = strcspn(p, ",");
	*cur = p + n + (p[n] == ',');
	end = p + n;
	while (end > p && dkim_is_wsp((unsigned char)end[-1]))
		end--;
	n = (size_t)(end - p);
	if (n == 0 || n >= size)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

int
dkim_txt_record(int ed25519, const unsigned char *pub, size_t n,
    struct buf *out)
{
	if (buf_printf(out, "v=DKIM1; k=%s; p=", ed25519 ? "ed25519" :
	    "rsa") == -1)
		return -1;
	return b64_add(out, pub, n);
}
