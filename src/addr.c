/*
 * addr.c - RFC 5322 address-list tokenizer.
 *
 * Implements RFC 5322 3.2.1-3.2.5 (quoted-pair, CFWS, atom, quoted
 * string), 3.4 / 3.4.1 (address-list, mailbox, group, addr-spec, domain
 * literal) and 4.4 (obsolete addressing: routes, CFWS around dots, empty
 * list elements); RFC 5321 4.1.2 (the wire form of a local part) and
 * 4.5.3.1 (length limits); RFC 6532 (UTF-8 in atoms and quoted strings).
 *
 * Two passes: a lexer turns the text into tokens (atoms, quoted strings,
 * domain literals, comments, specials), then a parser walks the tokens
 * one list element at a time.  Deliberately lenient where RFC 5322 is
 * strict but the meaning is clear: unquoted '@' or '.' in display names,
 * a missing ';' at the end of a group, "a..b" local parts (re-quoted),
 * "user@" with an empty domain (qualified later by the caller).
 *
 * Longer than style.md's 600 lines: lexer and parser are one concern
 * and share the token type; most of the length is diagnostics.
 *
 * Security: the input is untrusted (headers of any message, argv from web
 * applications).  Everything is length-counted; CR, LF and NUL are
 * refused, so an address can never carry an SMTP command; comment nesting
 * is a counter, not recursion; the token array is bounded by the input
 * length and the output by RCPT_MAX.  Local parts are re-quoted
 * canonically, so every spec produced is valid RFC 5321 syntax.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "addr.h"
#include "bounds.h"
#include "buf.h"
#include "util.h"

/* RFC 5321 4.5.3.1.3: the 256-octet path includes "<" and ">". */
#define ADDR_SPEC_MAX	(ADDR_MAX - 2)
/* How much of a bad address a diagnostic quotes. */
#define ADDR_QUOTE_MAX	80

enum tok_type {
	TOK_ATOM,		/* a run of atext (and 8-bit octets) */
	TOK_QSTR,		/* "..." including the quotes */
	TOK_DLIT,		/* [...] including the brackets */
	TOK_COMMENT,		/* (...) including the parentheses */
	TOK_SPECIAL		/* one of < > @ , : ; . */
};

struct tok {
	enum tok_type	 type;
	const char	*p;
	size_t		 len;
	int		 space;	/* white space or a comment before */
};

struct aparse {
	const char	*s;
	size_t		 len;
	struct tok	*t;
	size_t		 nt;
	struct addr_list *l;
	int		 allow_null;	/* "<>" is the null sender */
	int		 in_group;
	int		 groups;
	struct diag	*d;
	/* the domain span of the last addr_spec() (struct addr) */
	size_t		 dom_off;
	size_t		 dom_len;
	int		 has_at;
};

static int	 addr_is_atext(unsigned char c);
static int	 addr_is_special(const struct tok *t, char c);
static int	 addr_fail(struct aparse *ap, const char *p, size_t n,
		    const char *why);
static int	 addr_fail_toks(struct aparse *ap, size_t b, size_t e,
		    const char *why);
static int	 addr_lex(struct aparse *ap);
static int	 addr_lex_delim(struct aparse *ap, size_t *i, char close,
		    char nest);
static int	 addr_parse(struct aparse *ap);
static int	 addr_scan_element(struct aparse *ap, size_t i, size_t *end,
		    int *group);
static int	 addr_element(struct aparse *ap, size_t b, size_t e);
static int	 addr_spec(struct aparse *ap, size_t b, size_t e, char **out);
static int	 addr_local_part(struct aparse *ap, size_t b, size_t e,
		    size_t *at, struct buf *local);
static int	 addr_domain_part(struct aparse *ap, size_t b, size_t e,
		    size_t k, struct buf *out);
static void	 addr_unquote(const char *p, size_t n, struct buf *out);
static int	 addr_is_dot_atom(const char *s, size_t n);
static char	*addr_phrase(const struct aparse *ap, size_t b, size_t e);
static char	*addr_comment_text(const struct tok *t);
static int	 addr_push(struct aparse *ap, char *spec, char *name,
		    size_t b, size_t e);
static void	 addr_span(struct aparse *ap, size_t b, size_t e, size_t k);

void
addr_list_init(struct addr_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
addr_list_free(struct addr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].spec);
		free(l->v[i].name);
	}
	free(l->v);
	addr_list_init(l);
}

/* RFC 5322 3.2.3 atext, plus UTF-8 octets (RFC 6532 3.2). */
static int
addr_is_atext(unsigned char c)
{
	if (c >= 0x80)
		return 1;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int
addr_is_special(const struct tok *t, char c)
{
	return t->type == TOK_SPECIAL && t->p[0] == c;
}

/* Set d to EX_DATAERR quoting (a printable prefix of) the bad text. */
static int
addr_fail(struct aparse *ap, const char *p, size_t n, const char *why)
{
	char q[ADDR_QUOTE_MAX + 4];
	size_t i, o = 0;

	for (i = 0; i < n && o < ADDR_QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)p[i];

		q[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (i < n) {
		memcpy(q + o, "...", 3);
		o += 3;
	}
	q[o] = '\0';
	return diag_set(ap->d, EX_DATAERR, "bad address \"%s\": %s; write "
	    "addresses as user@domain or Name <user@domain>, separated by "
	    "commas", q, why);
}

static int
addr_fail_toks(struct aparse *ap, size_t b, size_t e, const char *why)
{
	const char *p, *q;

	if (b >= e || e > ap->nt)
		return addr_fail(ap, ap->s, ap->len, why);
	p = ap->t[b].p;
	q = ap->t[e - 1].p + ap->t[e - 1].len;
	return addr_fail(ap, p, (size_t)(q - p), why);
}

/*
 * Scan a quoted string, domain literal or comment starting at s[*i]
 * (the opening character) up to its closing character; quoted pairs are
 * skipped, and nest (if not '\0') opens a nested level (comments).
 */
static int
addr_lex_delim(struct aparse *ap, size_t *i, char close, char nest)
{
	size_t start = *i, k = *i + 1;
	int depth = 1;

	while (k < ap->len) {
		char c = ap->s[k];

		if (c == '\\') {
			if (k + 1 >= ap->len)
				break;
			k += 2;
			continue;
		}
		if (nest != '\0' && c == nest)
			depth++;
		else if (c == close && --depth == 0) {
			*i = k + 1;
			return 0;
		} else if (close == ']' && c == '[')
			return addr_fail(ap, ap->s + start, ap->len - start,
			    "'[' inside a domain literal");
		k++;
	}
	if (close == '"')
		return addr_fail(ap, ap->s + start, ap->len - start,
		    "unbalanced double quote");
	if (close == ']')
		return addr_fail(ap, ap->s + start, ap->len - start,
		    "unbalanced '['");
	return addr_fail(ap, ap->s + start, ap->len - start,
	    "unbalanced '(' in a comment");
}

static int
addr_lex(struct aparse *ap)
{
	size_t i = 0, start;
	int space = 0;
	enum tok_type type;

	if (has_crlf_nul(ap->s, ap->len))
		return addr_fail(ap, ap->s, ap->len,
		    "contains a line break or a NUL byte");
	ap->t = xreallocarray(NULL, ap->len + 1, sizeof(*ap->t));
	ap->nt = 0;
	while (i < ap->len) {
		unsigned char c = (unsigned char)ap->s[i];

		if (c == ' ' || c == '\t') {
			space = 1;
			i++;
			continue;
		}
		start = i;
		if (c == '(') {
			type = TOK_COMMENT;
			if (addr_lex_delim(ap, &i, ')', '(') == -1)
				return -1;
		} else if (c == '"') {
			type = TOK_QSTR;
			if (addr_lex_delim(ap, &i, '"', '\0') == -1)
				return -1;
		} else if (c == '[') {
			type = TOK_DLIT;
			if (addr_lex_delim(ap, &i, ']', '\0') == -1)
				return -1;
		} else if (strchr("<>@,:;.", c) != NULL) {
			type = TOK_SPECIAL;
			i++;
		} else if (addr_is_atext(c)) {
			type = TOK_ATOM;
			while (i < ap->len &&
			    addr_is_atext((unsigned char)ap->s[i]))
				i++;
		} else if (c == ')')
			return addr_fail(ap, ap->s, ap->len,
			    "')' without '('");
		else if (c == ']')
			return addr_fail(ap, ap->s, ap->len,
			    "']' without '['");
		else if (c == '\\')
			return addr_fail(ap, ap->s, ap->len,
			    "backslash outside quotes");
		else
			return addr_fail(ap, ap->s, ap->len,
			    "control character");
		ap->t[ap->nt].type = type;
		ap->t[ap->nt].p = ap->s + start;
		ap->t[ap->nt].len = i - start;
		ap->t[ap->nt].space = space;
		ap->nt++;
		space = type == TOK_COMMENT;
	}
	return 0;
}

/*
 * Find the end of the list element starting at token i: the first ','
 * or ';' outside angle brackets.  A ':' before any '@' or '<' opens a
 * group instead (*group = 1, *end = the ':').
 */
static int
addr_scan_element(struct aparse *ap, size_t i, size_t *end, int *group)
{
	size_t j;
	int angle = 0, at = 0, lt = 0;

	*group = 0;
	for (j = i; j < ap->nt; j++) {
		const struct tok *t = &ap->t[j];
		char c;

		if (t->type != TOK_SPECIAL)
			continue;
		c = t->p[0];
		if (angle) {
			if (c == '>')
				angle = 0;
			else if (c == '<')
				return addr_fail_toks(ap, i, j + 1,
				    "'<' inside '<...>'");
			continue;
		}
		if (c == ',' || c == ';')
			break;
		if (c == '<') {
			if (lt)
				return addr_fail_toks(ap, i, j + 1,
				    "two '<...>' in one address (missing "
				    "comma?)");
			angle = lt = 1;
		} else if (c == '>')
			return addr_fail_toks(ap, i, j + 1, "'>' without '<'");
		else if (c == '@')
			at = 1;
		else if (c == ':') {
			if (at || lt)
				return addr_fail_toks(ap, i, j + 1,
				    "unexpected ':'");
			if (ap->in_group)
				return addr_fail_toks(ap, i, j + 1,
				    "a group inside a group");
			*group = 1;
			break;
		}
	}
	if (angle)
		return addr_fail_toks(ap, i, j, "'<' without '>'");
	*end = j;
	return 0;
}

static int
addr_parse(struct aparse *ap)
{
	size_t i = 0, end = 0;
	int group;

	if (addr_lex(ap) == -1)
		return -1;
	while (i < ap->nt) {
		const struct tok *t = &ap->t[i];

		if (addr_is_special(t, ',')) {
			i++;
			continue;
		}
		if (addr_is_special(t, ';')) {
			if (!ap->in_group)
				return addr_fail(ap, ap->s, ap->len,
				    "';' outside a group");
			ap->in_group = 0;
			i++;
			continue;
		}
		if (addr_scan_element(ap, i, &end, &group) == -1)
			return -1;
		if (group) {
			/* The display name of a group is not kept. */
			ap->in_group = 1;
			ap->groups++;
			i = end + 1;
			continue;
		}
		if (addr_element(ap, i, end) == -1)
			return -1;
		i = end;
	}
	/* XXX a group without its final ';' is accepted (lenient). */
	return 0;
}

/* One mailbox: tokens [b, e), possibly only comments (empty element). */
static int
addr_element(struct aparse *ap, size_t b, size_t e)
{
	const struct tok *comment = NULL;
	size_t k, first = e, lt = e, gt = e, ib, ie;
	char *spec, *name;

	for (k = b; k < e; k++) {
		const struct tok *t = &ap->t[k];

		if (t->type == TOK_COMMENT) {
			if (comment == NULL)
				comment = t;
			continue;
		}
		if (first == e)
			first = k;
		if (addr_is_special(t, '<') && lt == e)
			lt = k;
		else if (addr_is_special(t, '>'))
			gt = k;
	}
	if (first == e)
		return 0;
	if (lt == e) {
		if (addr_spec(ap, b, e, &spec) == -1)
			return -1;
		name = comment != NULL ? addr_comment_text(comment) : NULL;
		return addr_push(ap, spec, name, b, e);
	}
	for (k = gt + 1; k < e; k++)
		if (ap->t[k].type != TOK_COMMENT)
			return addr_fail_toks(ap, b, e,
			    "text after '>' (missing comma?)");
	ib = lt + 1;
	ie = gt;
	while (ib < ie && ap->t[ib].type == TOK_COMMENT)
		ib++;
	if (ib < ie && addr_is_special(&ap->t[ib], '@')) {
		/* RFC 5322 4.4 obs-route "@a,@b:": dropped. */
		while (ib < ie && !addr_is_special(&ap->t[ib], ':'))
			ib++;
		if (ib == ie)
			return addr_fail_toks(ap, b, e,
			    "source route without ':'");
		ib++;
	}
	for (k = ib; k < ie && ap->t[k].type == TOK_COMMENT; k++)
		;
	if (k == ie) {
		if (!ap->allow_null)
			return addr_fail_toks(ap, b, e, "empty address <>");
		spec = xstrdup("");
	} else if (addr_spec(ap, ib, ie, &spec) == -1)
		return -1;
	name = addr_phrase(ap, b, lt);
	return addr_push(ap, spec, name, b, e);
}

/* Remove the quotes and the backslashes of quoted pairs. */
static void
addr_unquote(const char *p, size_t n, struct buf *out)
{
	size_t i;

	for (i = 1; i + 1 < n; i++) {
		if (p[i] == '\\' && i + 2 < n)
			i++;
		(void)buf_addc(out, p[i]);
	}
}

/* RFC 5322 3.2.3 dot-atom-text. */
static int
addr_is_dot_atom(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!addr_is_atext((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/*
 * The meaning of the local part in tokens [b, e) (quotes and quoted
 * pairs resolved) into local; *at gets the index of the '@' (or e).
 */
static int
addr_local_part(struct aparse *ap, size_t b, size_t e, size_t *at,
    struct buf *local)
{
	size_t k, i;
	int word = 0, n = 0;

	for (k = b; k < e; k++) {
		const struct tok *t = &ap->t[k];

		if (t->type == TOK_COMMENT)
			continue;
		if (addr_is_special(t, '@'))
			break;
		if (t->type == TOK_ATOM || t->type == TOK_QSTR) {
			if (word)
				return addr_fail_toks(ap, b, e,
				    "words where '@' or ',' was expected "
				    "(a name needs <...> around the "
				    "address)");
			if (t->type == TOK_ATOM)
				(void)buf_add(local, t->p, t->len);
			else
				addr_unquote(t->p, t->len, local);
			word = 1;
		} else if (addr_is_special(t, '.')) {
			(void)buf_addc(local, '.');
			word = 0;
		} else
			return addr_fail_toks(ap, b, e, t->type == TOK_DLIT ?
			    "domain literal before '@'" :
			    "unexpected character");
		n++;
	}
	if (n == 0)
		return addr_fail_toks(ap, b, e, "missing local part "
		    "before '@'");
	for (i = 0; i < local->len; i++) {
		unsigned char c = (unsigned char)local->data[i];

		if (c < 0x20 || c == 0x7f)
			return addr_fail_toks(ap, b, e,
			    "control character in the local part");
	}
	*at = k;
	return 0;
}

/*
 * local-part ["@" domain] from tokens [b, e) (comments skipped).  The
 * local part is rebuilt from its meaning: kept as a dot-atom when it is
 * one, else written as one quoted string ("a b"@x, "a..b"@x).
 */
static int
addr_spec(struct aparse *ap, size_t b, size_t e, char **out)
{
	struct buf local, wire;
	size_t k = e, i;
	int rc = -1;

	buf_init(&local, ap->len + 1);
	buf_init(&wire, ap->len * 2 + 8);
	if (addr_local_part(ap, b, e, &k, &local) == -1)
		goto done;
	if (addr_is_dot_atom(buf_str(&local), local.len))
		(void)buf_add(&wire, local.data, local.len);
	else {
		(void)buf_addc(&wire, '"');
		for (i = 0; i < local.len; i++) {
			if (local.data[i] == '"' || local.data[i] == '\\')
				(void)buf_addc(&wire, '\\');
			(void)buf_addc(&wire, local.data[i]);
		}
		(void)buf_addc(&wire, '"');
	}
	if (wire.len > ADDR_LOCAL_MAX) {
		(void)addr_fail_toks(ap, b, e, "local part longer than 64 "
		    "octets (RFC 5321)");
		goto done;
	}
	if (k < e && addr_domain_part(ap, b, e, k, &wire) == -1)
		goto done;
	addr_span(ap, b, e, k);
	if (wire.len > ADDR_SPEC_MAX) {
		(void)addr_fail_toks(ap, b, e, "address longer than 254 "
		    "octets (RFC 5321)");
		goto done;
	}
	*out = xstrndup(buf_str(&wire), wire.len);
	rc = 0;
done:
	buf_free(&local);
	buf_free(&wire);
	return rc;
}

/*
 * The domain after the '@' at token k: a dot-atom (atoms may be
 * separated from the dots by CFWS, RFC 5322 4.4), one domain literal, or
 * nothing ("user@", qualified by the caller).  Appends "@domain" to out.
 */
static int
addr_domain_part(struct aparse *ap, size_t b, size_t e, size_t k,
    struct buf *out)
{
	size_t start = out->len, dlen;
	int want_atom = 1, labels = 0, literal = 0;

	(void)buf_addc(out, '@');
	for (k++; k < e; k++) {
		const struct tok *t = &ap->t[k];
		size_t i;

		if (t->type == TOK_COMMENT)
			continue;
		if (literal)
			return addr_fail_toks(ap, b, e,
			    "text after a domain literal");
		if (t->type == TOK_DLIT && labels == 0) {
			/* RFC 5321 4.1.3: printable ASCII, no quoted pairs;
			 * the white space RFC 5322 allows is dropped */
			for (i = 0; i < t->len; i++) {
				unsigned char c = (unsigned char)t->p[i];

				if (c == ' ' || c == '\t')
					continue;
				if (c < 0x21 || c > 0x7e || c == '\\')
					return addr_fail_toks(ap, b, e, "bad "
					    "character in a domain literal");
				(void)buf_addc(out, (char)c);
			}
			literal = 1;
		} else if (t->type == TOK_ATOM && want_atom) {
			(void)buf_add(out, t->p, t->len);
			want_atom = 0;
			labels++;
		} else if (addr_is_special(t, '.') && !want_atom) {
			(void)buf_addc(out, '.');
			want_atom = 1;
		} else if (addr_is_special(t, '@'))
			return addr_fail_toks(ap, b, e, "more than one '@' "
			    "(quote the local part)");
		else
			return addr_fail_toks(ap, b, e,
			    "malformed domain after '@'");
	}
	if (labels > 0 && want_atom)
		return addr_fail_toks(ap, b, e, "domain ends with '.'");
	dlen = out->len - start - 1;
	if (dlen > ADDR_DOMAIN_MAX)
		return addr_fail_toks(ap, b, e, "domain longer than 255 "
		    "octets (RFC 5321)");
	return 0;
}

/* The display name of tokens [b, e): words joined by single spaces. */
static char *
addr_phrase(const struct aparse *ap, size_t b, size_t e)
{
	struct buf name;
	size_t k;
	char *s;

	buf_init(&name, ap->len + 1);
	for (k = b; k < e; k++) {
		const struct tok *t = &ap->t[k];

		if (t->type == TOK_COMMENT)
			continue;
		if (name.len > 0 && t->space)
			(void)buf_addc(&name, ' ');
		if (t->type == TOK_QSTR)
			addr_unquote(t->p, t->len, &name);
		else
			(void)buf_add(&name, t->p, t->len);
	}
	s = name.len > 0 ? xstrndup(name.data, name.len) : NULL;
	buf_free(&name);
	return s;
}

/* "(text)" -> "text", quoted pairs resolved, trimmed; NULL if empty. */
static char *
addr_comment_text(const struct tok *t)
{
	struct buf c;
	char *s;

	buf_init(&c, t->len + 1);
	addr_unquote(t->p, t->len, &c);
	s = str_trim(xstrndup(buf_str(&c), c.len));
	buf_free(&c);
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * Record where the domain of the spec in tokens [b, e) is written ('@'
 * at token k, or k == e when there is none): the span from the first to
 * the last non-comment token after the '@', or the insertion point.
 */
static void
addr_span(struct aparse *ap, size_t b, size_t e, size_t k)
{
	size_t j, first = e, last = e;

	ap->has_at = k < e;
	ap->dom_len = 0;
	if (k < e) {
		for (j = k + 1; j < e; j++) {
			if (ap->t[j].type == TOK_COMMENT)
				continue;
			if (first == e)
				first = j;
			last = j;
		}
		if (first == e) {
			ap->dom_off = (size_t)(ap->t[k].p - ap->s) + 1;
			return;
		}
		ap->dom_off = (size_t)(ap->t[first].p - ap->s);
		ap->dom_len = (size_t)(ap->t[last].p + ap->t[last].len -
		    ap->t[first].p);
		return;
	}
	for (j = e; j > b; j--)
		if (ap->t[j - 1].type != TOK_COMMENT)
			break;
	ap->dom_off = j > b ? (size_t)(ap->t[j - 1].p + ap->t[j - 1].len -
	    ap->s) : 0;
}

static int
addr_push(struct aparse *ap, char *spec, char *name, size_t b, size_t e)
{
	struct addr_list *l = ap->l;

	if (l->n >= RCPT_MAX) {
		free(spec);
		free(name);
		return addr_fail_toks(ap, b, e, "too many addresses (more "
		    "than 10000)");
	}
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 4 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].spec = spec;
	l->v[l->n].name = name;
	l->v[l->n].dom_off = ap->dom_off;
	l->v[l->n].dom_len = ap->dom_len;
	l->v[l->n].has_at = ap->has_at;
	l->n++;
	return 0;
}

int
addr_parse_list(const char *s, size_t len, struct addr_list *l,
    struct diag *d)
{
	struct aparse ap;
	size_t before = l->n;
	int rc;

	memset(&ap, 0, sizeof(ap));
	ap.s = s;
	ap.len = len;
	ap.l = l;
	ap.d = d;
	rc = addr_parse(&ap);
	free(ap.t);
	if (rc == -1) {
		while (l->n > before) {
			l->n--;
			free(l->v[l->n].spec);
			free(l->v[l->n].name);
		}
		/* "as it was": a list that was empty owns no array (callers
		 * may drop an empty list without addr_list_free) */
		if (before == 0)
			addr_list_free(l);
	}
	return rc;
}

int
addr_parse_one(const char *s, char **spec, struct diag *d)
{
	struct addr_list l;
	struct aparse ap;
	int rc;

	addr_list_init(&l);
	memset(&ap, 0, sizeof(ap));
	ap.s = s;
	ap.len = strlen(s);
	ap.l = &l;
	ap.d = d;
	ap.allow_null = 1;
	rc = addr_parse(&ap);
	free(ap.t);
	if (rc == 0 && (ap.groups > 0 || l.n > 1))
		rc = addr_fail(&ap, s, ap.len, "expected a single address");
	if (rc == 0)
		*spec = xstrdup(l.n == 1 ? l.v[0].spec : "");
	addr_list_free(&l);
	return rc;
}

const char *
addr_domain(const char *spec)
{
	const char *p = spec;

	if (*p == '"') {
		for (p++; *p != '\0' && *p != '"'; p++)
			if (*p == '\\' && p[1] != '\0')
				p++;
	}
	p = strchr(p, '@');
	return p != NULL ? p + 1 : NULL;
}

int
addr_is_local(const char *spec)
{
	const char *dom = addr_domain(spec);

	return dom == NULL || *dom == '\0';
}

char *
addr_qualify(const char *spec, const char *domain)
{
	const char *dom = addr_domain(spec);

	if (domain == NULL || *domain == '\0' || (dom != NULL && *dom != '\0'))
		return xstrdup(spec);
	if (dom != NULL)
		return xasprintf("%s%s", spec, domain);
	return xasprintf("%s@%s", spec, domain);
}

int
addr_has_8bit(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}
