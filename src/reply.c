/*
 * reply.c - strict SMTP reply parser and EHLO capability parser.
 *
 * RFC 5321 4.2 (reply syntax), 4.5.3.1.5 (reply line length), RFC 2034 and
 * RFC 3463 (enhanced status codes), RFC 5321 4.1.1.1 (EHLO keywords) with
 * RFC 1870 (SIZE), 2920 (PIPELINING), 6152 (8BITMIME), 3461 (DSN), 6531
 * (SMTPUTF8), 3207 (STARTTLS), 3030 (CHUNKING), 4954 (AUTH, and the
 * pre-standard "AUTH=" form some old servers still send).
 *
 * Security: everything here is server-controlled input.  Lines and line
 * counts are capped, a NUL is an error (it would truncate C strings and
 * hide text), and every other control byte or non-ASCII byte is shown as
 * '?' so reply text can go to a terminal, syslog, the spool and bounces
 * without escape sequences or line breaks.  No allocation beyond the
 * bounded line buffer; the parser is a fuzz target.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "reply.h"
#include "util.h"

static size_t	reply_enh_len(const char *s, size_t len, int class);
static void	reply_text_add(struct reply *r, const char *s, size_t len);
static int	reply_fail(struct reply *r, const char *why);
static int	ehlo_is_keyword(const char *kw, size_t kwlen, const char *name);
static void	ehlo_auth_add(struct ehlo_caps *c, const char *p, size_t len);
static void	ehlo_size(struct ehlo_caps *c, const char *p, size_t len);

void
reply_init(struct reply *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->lines, (size_t)REPLY_LINES_MAX * (REPLY_LINE_MAX + 1));
}

void
reply_free(struct reply *r)
{
	buf_free(&r->lines);
	reply_init(r);
}

static int
reply_fail(struct reply *r, const char *why)
{
	r->error = why;
	r->done = 1;
	return REPLY_ERROR;
}

/*
 * Length of an RFC 3463 code "class.subject.detail" at s whose class is
 * the given digit, followed by a space or the end; 0 if there is none.
 * Class is 2, 4 or 5; subject and detail are 1 to 3 digits.
 */
static size_t
reply_enh_len(const char *s, size_t len, int class)
{
	size_t i, part, digits;

	if (len < 5 || s[0] != class || s[1] != '.')
		return 0;
	if (class != '2' && class != '4' && class != '5')
		return 0;
	part = 1;
	digits = 0;
	for (i = 2; i < len && s[i] != ' '; i++) {
		if (s[i] == '.') {
			if (digits == 0 || ++part > 2)
				return 0;
			digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9') {
			if (++digits > 3)
				return 0;
		} else
			return 0;
	}
	if (part != 2 || digits == 0)
		return 0;
	return i;
}

/* Append to the joined display text, cutting with "..." when full. */
static void
reply_text_add(struct reply *r, const char *s, size_t len)
{
	const size_t cap = sizeof(r->text) - 4;	/* keep room for "...\0" */

	if (r->textlen > cap || len == 0)
		return;			/* already cut, or nothing to add */
	if (r->textlen > 0) {
		if (r->textlen == cap)
			len = 1;	/* force the cut below */
		else
			r->text[r->textlen++] = ' ';
	}
	if (len > cap - r->textlen) {
		memcpy(r->text + r->textlen, s, cap - r->textlen);
		memcpy(r->text + cap, "...", 3);
		r->textlen = cap + 3;
	} else {
		memcpy(r->text + r->textlen, s, len);
		r->textlen += len;
	}
	r->text[r->textlen] = '\0';
}

enum reply_status
reply_push(struct reply *r, const char *line, size_t len)
{
	char clean[REPLY_LINE_MAX];
	const char *text;
	size_t i, tlen, elen;
	int code, last;

	if (r->done)
		return reply_fail(r, "reply continues after its last line");
	if (len > REPLY_LINE_MAX)
		return reply_fail(r, "reply line too long");
	if (r->nlines >= REPLY_LINES_MAX)
		return reply_fail(r, "reply has too many lines");
	if (memchr(line, '\0', len) != NULL)
		return reply_fail(r, "NUL byte in reply");
	if (len < 3)
		return reply_fail(r, "reply line too short for a code");
	if (line[0] < '2' || line[0] > '5' || line[1] < '0' ||
	    line[1] > '9' || line[2] < '0' || line[2] > '9')
		return reply_fail(r, "reply code is not 200-599");
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (len == 3 || line[3] == ' ')
		last = 1;
	else if (line[3] == '-')
		last = 0;
	else
		return reply_fail(r, "reply code not followed by space or '-'");
	if (r->nlines > 0 && code != r->code)
		return reply_fail(r, "lines of a multi-line reply carry "
		    "different codes");
	r->code = code;

	text = len > 4 ? line + 4 : "";
	tlen = len > 4 ? len - 4 : 0;
	for (i = 0; i < tlen; i++) {
		unsigned char ch = (unsigned char)text[i];

		clean[i] = (ch < 0x20 && ch != '\t') || ch >= 0x7f ? '?' :
		    (char)ch;
	}
	if (buf_add(&r->lines, clean, tlen) == -1 ||
	    buf_addc(&r->lines, '\n') == -1)
		return reply_fail(r, "reply too large");	/* not reached */

	elen = reply_enh_len(clean, tlen, line[0]);
	if (r->nlines == 0 && elen > 0 && elen < sizeof(r->enh)) {
		memcpy(r->enh, clean, elen);
		r->enh[elen] = '\0';
	}
	/* Drop the line's code from the display text when it is the
	 * reply's (RFC 2034: every line repeats it). */
	if (elen > 0 && r->enh[0] != '\0' && elen == strlen(r->enh) &&
	    memcmp(clean, r->enh, elen) == 0) {
		while (elen < tlen && clean[elen] == ' ')
			elen++;
		reply_text_add(r, clean + elen, tlen - elen);
	} else
		reply_text_add(r, clean, tlen);
	r->nlines++;
	if (last) {
		r->done = 1;
		return REPLY_DONE;
	}
	return REPLY_MORE;
}

int
reply_next_line(const struct reply *r, size_t *pos, const char **line,
    size_t *len)
{
	const char *start, *nl;

	if (r->lines.data == NULL || *pos >= r->lines.len)
		return 0;
	start = r->lines.data + *pos;
	nl = memchr(start, '\n', r->lines.len - *pos);
	if (nl == NULL)
		return 0;
	*line = start;
	*len = (size_t)(nl - start);
	*pos += *len + 1;
	return 1;
}

void
reply_summary(const struct reply *r, char *out, size_t size)
{
	if (r->enh[0] != '\0')
		(void)snprintf(out, size, "%s %s", r->enh, r->text);
	else
		(void)snprintf(out, size, "%s", r->text);
}

void
ehlo_caps_init(struct ehlo_caps *c)
{
	memset(c, 0, sizeof(*c));
}

static int
ehlo_is_keyword(const char *kw, size_t kwlen, const char *name)
{
	return strlen(name) == kwlen && ascii_strncasecmp(kw, name, kwlen) == 0;
}

/* SIZE's parameter: 1*DIGIT (RFC 1870); anything else = no limit. */
static void
ehlo_size(struct ehlo_caps *c, const char *p, size_t len)
{
	unsigned long long v = 0;
	size_t i;

	c->size = 1;
	c->size_max = 0;
	if (len == 0 || len > 18)
		return;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return;
		v = v * 10 + (unsigned long long)(p[i] - '0');
	}
	c->size_max = v;
}

/* Add each valid SASL mechanism name (RFC 4422 3.1) from a list. */
static void
ehlo_auth_add(struct ehlo_caps *c, const char *p, size_t len)
{
	char mech[SASL_MECH_NAME_MAX + 1];
	size_t i = 0, n, k, have;
	const char *at;

	c->auth = 1;
	while (i < len) {
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		for (n = 0; i + n < len && p[i + n] != ' ' &&
		    p[i + n] != '\t'; n++)
			;
		if (n == 0 || n > SASL_MECH_NAME_MAX) {
			i += n;
			continue;
		}
		for (k = 0; k < n; k++) {
			int ch = ascii_tolower((unsigned char)p[i + k]);

			if (!((ch >= 'a' && ch <= 'z') ||
			    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
				break;
			mech[k] = (char)(ch >= 'a' && ch <= 'z' ?
			    ch - ('a' - 'A') : ch);
		}
		i += n;
		if (k != n)
			continue;
		mech[n] = '\0';
		/* skip duplicates ("AUTH PLAIN" and "AUTH=PLAIN") */
		have = strlen(c->auth_mechs);
		for (at = c->auth_mechs; (at = strstr(at, mech)) != NULL;
		    at += n)
			if ((at == c->auth_mechs || at[-1] == ' ') &&
			    (at[n] == '\0' || at[n] == ' '))
				break;
		if (at != NULL)
			continue;
		if (have + (have > 0) + n + 1 > sizeof(c->auth_mechs))
			continue;
		if (have > 0)
			c->auth_mechs[have++] = ' ';
		memcpy(c->auth_mechs + have, mech, n + 1);
	}
}

void
ehlo_caps_line(struct ehlo_caps *c, const char *line, size_t len)
{
	const char *params;
	size_t kw, plen;

	/* ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") */
	for (kw = 0; kw < len; kw++) {
		char ch = line[kw];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || (ch == '-' && kw > 0)))
			break;
	}
	if (kw == 0)
		return;
	if (kw < len && line[kw] == '=' && ehlo_is_keyword(line, kw, "AUTH")) {
		ehlo_auth_add(c, line + kw + 1, len - kw - 1);
		return;
	}
	if (kw < len && line[kw] != ' ' && line[kw] != '\t')
		return;		/* keyword glued to junk */
	params = line + kw;
	plen = len - kw;
	while (plen > 0 && (*params == ' ' || *params == '\t')) {
		params++;
		plen--;
	}
	while (plen > 0 && (params[plen - 1] == ' ' ||
	    params[plen - 1] == '\t'))
		plen--;

	if (ehlo_is_keyword(line, kw, "PIPELINING"))
		c->pipelining = 1;
	else if (ehlo_is_keyword(line, kw, "SIZE"))
		ehlo_size(c, params, plen);
	else if (ehlo_is_keyword(line, kw, "8BITMIME"))
		c->eightbitmime = 1;
	else if (ehlo_is_keyword(line, kw, "DSN"))
		c->dsn = 1;
	else if (ehlo_is_keyword(line, kw, "SMTPUTF8"))
		c->smtputf8 = 1;
	else if (ehlo_is_keyword(line, kw, "STARTTLS"))
		c->starttls = 1;
	else if (ehlo_is_keyword(line, kw, "CHUNKING"))
		c->chunking = 1;
	else if (ehlo_is_keyword(line, kw, "ENHANCEDSTATUSCODES"))
		c->enhancedstatuscodes = 1;
	else if (ehlo_is_keyword(line, kw, "AUTH"))
		ehlo_auth_add(c, params, plen);
}

void
ehlo_caps_parse(struct ehlo_caps *c, const struct reply *r)
{
	const char *line;
	size_t pos = 0, len, n = 0;

	while (reply_next_line(r, &pos, &line, &len)) {
		if (n++ == 0)
			continue;	/* "domain greeting" */
		ehlo_caps_line(c, line, len);
	}
}
