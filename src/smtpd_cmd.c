/*
 * smtpd_cmd.c - one SMTP command line of the -bs dialogue -> struct
 * smtpd_cmd (smtpd.h).  Pure: no I/O, no globals.
 *
 * Implements RFC 5321 4.1.1 (commands), 4.1.2 (paths; source routes
 * dropped), 4.5.3.1 (lengths), RFC 1870 (SIZE), RFC 6152 (BODY), RFC
 * 6531 (SMTPUTF8), RFC 3461 (RET, ENVID as xtext, NOTIFY, ORCPT) and RFC
 * 4954 5 (AUTH= is accepted and ignored).  Lenient where clients are in
 * practice: verbs in any case, a space after "FROM:" / "TO:", a path
 * without angle brackets.
 *
 * Security: the line comes from a local process that may be a web
 * application relaying its own user's input.  NUL, CR and LF are
 * refused; the path goes through addr.c, so what reaches the envelope is
 * a canonical addr-spec within RFC 5321's lengths; parameters are
 * bounded and every unknown one is refused rather than passed on.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "smtpd.h"
#include "util.h"

static const struct {
	const char	*name;
	enum smtpd_verb	 verb;
} smtpd_verbs[] = {
	{ "HELO", SMTPD_HELO }, { "EHLO", SMTPD_EHLO },
	{ "MAIL", SMTPD_MAIL }, { "RCPT", SMTPD_RCPT },
	{ "DATA", SMTPD_DATA }, { "RSET", SMTPD_RSET },
	{ "NOOP", SMTPD_NOOP }, { "VRFY", SMTPD_VRFY },
	{ "EXPN", SMTPD_EXPN }, { "HELP", SMTPD_HELP },
	{ "QUIT", SMTPD_QUIT }, { "STARTTLS", SMTPD_STARTTLS },
	{ "AUTH", SMTPD_AUTH }, { "BDAT", SMTPD_BDAT },
};

static int	 smtpd_err(char *err, size_t errsize, int code,
		    const char *text);
static int	 smtpd_path(const char *s, size_t len, size_t *used,
		    struct smtpd_cmd *c, char *err, size_t errsize);
static int	 smtpd_params(const char *s, size_t len, struct smtpd_cmd *c,
		    char *err, size_t errsize);
static int	 smtpd_param(const char *kw, size_t kwlen, const char *val,
		    size_t vlen, int has_val, struct smtpd_cmd *c);
static int	 smtpd_xtext(const char *s, size_t n, char *out,
		    size_t outsize);
static int	 smtpd_notify(const char *s, size_t n, unsigned *bits);

static int
smtpd_err(char *err, size_t errsize, int code, const char *text)
{
	(void)snprintf(err, errsize, "%s", text);
	return code;
}

/* RFC 3461 4: xtext, "+XX" for octets outside 33-126 and '+', '='. */
static int
smtpd_xtext(const char *s, size_t n, char *out, size_t outsize)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 1 >= outsize || c < 33 || c > 126 || c == '=')
			return -1;
		if (c == '+') {
			unsigned v = 0, k;

			if (i + 2 >= n)
				return -1;
			for (k = 1; k <= 2; k++) {
				unsigned char h = (unsigned char)s[i + k];

				v <<= 4;
				if (h >= '0' && h <= '9')
					v |= (unsigned)(h - '0');
				else if (h >= 'A' && h <= 'F')
					v |= (unsigned)(h - 'A' + 10);
				else
					return -1;
			}
			if (v < 33 || v > 126)
				return -1;	/* no controls in an ENVID */
			c = (unsigned char)v;
			i += 2;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* NOTIFY=NEVER or a comma list of SUCCESS, FAILURE, DELAY. */
static int
smtpd_notify(const char *s, size_t n, unsigned *bits)
{
	static const struct {
		const char	*w;
		unsigned	 bit;
	} kw[] = {
		{ "NEVER", DSN_NOTIFY_NEVER },
		{ "SUCCESS", DSN_NOTIFY_SUCCESS },
		{ "FAILURE", DSN_NOTIFY_FAILURE },
		{ "DELAY", DSN_NOTIFY_DELAY },
	};
	size_t i = 0, j, k;

	*bits = 0;
	while (i <= n) {
		for (j = i; j < n && s[j] != ','; j++)
			;
		for (k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
			if (strlen(kw[k].w) == j - i &&
			    ascii_strncasecmp(s + i, kw[k].w, j - i) == 0)
				break;
		if (k == sizeof(kw) / sizeof(kw[0]))
			return -1;
		*bits |= kw[k].bit;
		i = j + 1;
	}
	if ((*bits & DSN_NOTIFY_NEVER) && *bits != DSN_NOTIFY_NEVER)
		return -1;
	return 0;
}

/*
 * The path at s: "<...>" (quotes, quoted pairs and domain literals
 * honoured: RFC 5321 allows '>' in "[tag:...]") or, leniently, a word up
 * to the first space.  *used gets the octets consumed.
 */
static int
smtpd_path(const char *s, size_t len, size_t *used, struct smtpd_cmd *c,
    char *err, size_t errsize)
{
	struct diag d;
	char *text, *spec;
	size_t i = 0;
	int quoted = 0, literal = 0;

	if (len > 0 && s[0] == '<') {
		for (i = 1; i < len; i++) {
			if (quoted && s[i] == '\\' && i + 1 < len)
				i++;
			else if (s[i] == '"' && !literal)
				quoted = !quoted;
			else if (s[i] == '[' && !quoted)
				literal = 1;
			else if (s[i] == ']' && !quoted)
				literal = 0;
			else if (s[i] == '>' && !quoted && !literal)
				break;
		}
		if (i == len)
			return smtpd_err(err, errsize, 501, "5.1.7 missing '>' "
			    "after the address");
		i++;
	} else
		while (i < len && s[i] != ' ')
			i++;
	if (i == 0)
		return smtpd_err(err, errsize, 501, "5.1.7 missing address");
	if (i > ADDR_MAX + 64)
		return smtpd_err(err, errsize, 501, "5.1.7 address too long");
	text = xstrndup(s, i);
	if (addr_parse_one(text, &spec, &d) == -1) {
		free(text);
		(void)snprintf(err, errsize, "5.1.7 bad address: %s", d.text);
		return 501;
	}
	free(text);
	if (strlen(spec) > ADDR_MAX) {
		free(spec);
		return smtpd_err(err, errsize, 501, "5.1.7 address too long");
	}
	(void)strlcpy(c->path, spec, sizeof(c->path));
	free(spec);
	*used = i;
	return 0;
}

/* One "KEYWORD[=value]"; 0, or -1 for an unknown or bad one. */
static int
smtpd_param(const char *kw, size_t kwlen, const char *val, size_t vlen,
    int has_val, struct smtpd_cmd *c)
{
#define KW(w)	(kwlen == sizeof(w) - 1 && \
	    ascii_strncasecmp(kw, w, kwlen) == 0)
#define VAL(w)	(vlen == sizeof(w) - 1 && \
	    ascii_strncasecmp(val, w, vlen) == 0)
	char num[24];
	size_t i;

	if (c->verb == SMTPD_MAIL && KW("SIZE") && has_val) {
		if (vlen == 0 || vlen > 18)	/* fits a long long */
			return -1;
		for (i = 0; i < vlen; i++)
			if (val[i] < '0' || val[i] > '9')
				return -1;
		memcpy(num, val, vlen);
		num[vlen] = '\0';
		c->size = strtoll(num, NULL, 10);
		return 0;
	}
	if (c->verb == SMTPD_MAIL && KW("BODY") && has_val) {
		if (VAL("7BIT"))
			c->body = BODY_7BIT;
		else if (VAL("8BITMIME"))
			c->body = BODY_8BITMIME;
		else
			return -1;
		return 0;
	}
	if (c->verb == SMTPD_MAIL && KW("SMTPUTF8") && !has_val)
		return (c->smtputf8 = 1) - 1;
	if (c->verb == SMTPD_MAIL && KW("RET") && has_val) {
		if (VAL("FULL"))
			c->ret = DSN_RET_FULL;
		else if (VAL("HDRS"))
			c->ret = DSN_RET_HDRS;
		else
			return -1;
		return 0;
	}
	if (c->verb == SMTPD_MAIL && KW("ENVID") && has_val)
		return smtpd_xtext(val, vlen, c->envid, sizeof(c->envid));
	if (c->verb == SMTPD_MAIL && KW("AUTH") && has_val)
		return 0;		/* RFC 4954 5: we do not relay it */
	if (c->verb == SMTPD_RCPT && KW("NOTIFY") && has_val)
		return smtpd_notify(val, vlen, &c->notify);
	if (c->verb == SMTPD_RCPT && KW("ORCPT") && has_val)
		return vlen > 0 && vlen <= 500 ? 0 : -1;
	return -1;
#undef KW
#undef VAL
}

static int
smtpd_params(const char *s, size_t len, struct smtpd_cmd *c, char *err,
    size_t errsize)
{
	size_t i = 0, b, eq;

	while (i < len) {
		while (i < len && s[i] == ' ')
			i++;
		if (i == len)
			break;
		b = i;
		while (i < len && s[i] != ' ')
			i++;
		for (eq = b; eq < i && s[eq] != '='; eq++)
			;
		if (smtpd_param(s + b, eq - b, s + eq + (eq < i),
		    eq < i ? i - eq - 1 : 0, eq < i, c) == -1) {
			(void)snprintf(err, errsize, "5.5.4 unsupported or bad "
			    "parameter \"%.*s\"",
			    (int)(i - b > 40 ? 40 : i - b), s + b);
			return 555;
		}
	}
	return 0;
}

int
smtpd_parse(const char *line, size_t len, struct smtpd_cmd *c, char *err,
    size_t errsize)
{
	const char *want;
	size_t i, vlen, used = 0, wlen;
	int rc;

	memset(c, 0, sizeof(*c));
	c->size = -1;
	if (has_crlf_nul(line, len))
		return smtpd_err(err, errsize, 500, "5.5.2 bad character in "
		    "the command");
	if (len > SMTPD_LINE_MAX)
		return smtpd_err(err, errsize, 500, "5.5.2 line too long");
	for (vlen = 0; vlen < len && line[vlen] != ' '; vlen++)
		;
	for (i = 0; i < sizeof(smtpd_verbs) / sizeof(smtpd_verbs[0]); i++)
		if (strlen(smtpd_verbs[i].name) == vlen &&
		    ascii_strncasecmp(line, smtpd_verbs[i].name, vlen) == 0)
			c->verb = smtpd_verbs[i].verb;
	if (c->verb == SMTPD_UNKNOWN)
		return smtpd_err(err, errsize, 500, "5.5.2 command not "
		    "recognized");
	for (i = vlen; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	memcpy(c->arg, line + i, len - i);
	c->arg[len - i] = '\0';
	str_trim(c->arg);
	if (c->verb != SMTPD_MAIL && c->verb != SMTPD_RCPT)
		return 0;
	want = c->verb == SMTPD_MAIL ? "FROM:" : "TO:";
	wlen = strlen(want);
	if (strlen(c->arg) < wlen || ascii_strncasecmp(c->arg, want, wlen))
		return smtpd_err(err, errsize, 501, c->verb == SMTPD_MAIL ?
		    "5.5.4 syntax: MAIL FROM:<address>" :
		    "5.5.4 syntax: RCPT TO:<address>");
	for (i = wlen; c->arg[i] == ' '; i++)
		;
	rc = smtpd_path(c->arg + i, strlen(c->arg + i), &used, c, err,
	    errsize);
	if (rc != 0)
		return rc;
	if (c->verb == SMTPD_RCPT && c->path[0] == '\0')
		return smtpd_err(err, errsize, 501, "5.1.3 <> is not a "
		    "recipient");
	i += used;
	if (c->arg[i] != '\0' && c->arg[i] != ' ')
		return smtpd_err(err, errsize, 501, "5.5.4 text after the "
		    "address");
	return smtpd_params(c->arg + i, strlen(c->arg + i), c, err, errsize);
}
