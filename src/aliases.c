/*
 * aliases.c - the local aliases file (format in aliases.h).
 *
 * No RFC of its own: the format follows aliases(5) of sendmail and
 * Postfix (name, colon, address list, continuation lines that start
 * with white space, '#' comments); the targets are RFC 5322 address
 * lists parsed by addr.c.
 *
 * Security: the file is named by the root-owned configuration, but its
 * contents decide where mail goes, so it is parsed strictly: bounded
 * lines, entries and size, NUL refused, every target a plain address.
 * sendmail's program ("|cmd"), file ("/path") and ":include:" targets
 * are refused rather than ignored, because an administrator who writes
 * one expects something to happen.  Expansion is bounded in depth
 * (ALIAS_DEPTH_MAX) and in results (RCPT_MAX) and detects loops, so a
 * hostile or careless file cannot make it run away.
 */
#include "compat.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "aliases.h"
#include "bounds.h"
#include "buf.h"
#include "util.h"

struct aparse_ctx {
	const char	*path;
	int		 line;		/* first line of the entry */
	struct diag	*d;
};

struct expand {
	const struct aliases	*a;
	const struct alias_ctx	*ctx;
	const struct alias	*stack[ALIAS_DEPTH_MAX + 1];
	size_t			 depth;
	char		      ***out;
	size_t			*nout;
	size_t			 cap;
	struct diag		*d;
};

static int	 aliases_entry(struct aliases *a, struct aparse_ctx *x,
		    const char *s, size_t n);
static int	 aliases_store(struct aliases *a, struct aparse_ctx *x,
		    char *name, struct addr_list *l);
static int	 aliases_valid_name(const char *s, size_t n);
static char	*aliases_lower(const char *s, size_t n);
static int	 aliases_bad_target(const char *spec);
static void	 aliases_push(struct expand *e, char *spec);
static int	 aliases_rec(struct expand *e, const char *spec, int in_dflt);
static int	 aliases_loop(struct expand *e, const struct alias *hit);

void
aliases_init(struct aliases *a)
{
	memset(a, 0, sizeof(*a));
}

void
aliases_free(struct aliases *a)
{
	size_t i, j;

	for (i = 0; i < a->n; i++) {
		for (j = 0; j < a->v[i].ntargets; j++)
			free(a->v[i].targets[j]);
		free(a->v[i].targets);
		free(a->v[i].name);
	}
	free(a->v);
	free(a->path);
	aliases_init(a);
}

static char *
aliases_lower(const char *s, size_t n)
{
	char *r = xstrndup(s, n);
	size_t i;

	for (i = 0; r[i] != '\0'; i++)
		r[i] = (char)ascii_tolower((unsigned char)r[i]);
	return r;
}

/* A local part written as a dot-atom: atext and dots, no '@'. */
static int
aliases_valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > ADDR_LOCAL_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c >= 0x80 ||
		    strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL)
			continue;
		return 0;
	}
	return 1;
}

/* sendmail's program and file targets, with or without quotes. */
static int
aliases_bad_target(const char *spec)
{
	if (spec[0] == '"')
		spec++;
	return spec[0] == '|' || spec[0] == '/';
}

/* Append the entry name -> the specs of l (taken over). */
static int
aliases_store(struct aliases *a, struct aparse_ctx *x, char *name,
    struct addr_list *l)
{
	struct alias *e;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (aliases_bad_target(l->v[i].spec))
			return diag_set(x->d, EX_CONFIG, "%s:%d: alias \"%s\": "
			    "target \"%.64s\" is a command or a file; "
			    "sendsmtp only relays mail: use an address",
			    x->path, x->line, name, l->v[i].spec);
	if (l->n == 0)
		return diag_set(x->d, EX_CONFIG, "%s:%d: alias \"%s\" has no "
		    "address; write \"name: address, address\"", x->path,
		    x->line, name);
	if (a->n == ALIASES_MAX)
		return diag_set(x->d, EX_CONFIG, "%s:%d: more than %d aliases",
		    x->path, x->line, ALIASES_MAX);
	if (a->n == a->cap) {
		a->cap = a->cap == 0 ? 16 : a->cap * 2;
		a->v = xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	e = &a->v[a->n++];
	e->name = name;
	e->line = x->line;
	e->ntargets = l->n;
	e->targets = xreallocarray(NULL, l->n, sizeof(char *));
	for (i = 0; i < l->n; i++) {
		e->targets[i] = l->v[i].spec;
		l->v[i].spec = NULL;
	}
	return 0;
}

/* One logical line (continuations joined): "name: list". */
static int
aliases_entry(struct aliases *a, struct aparse_ctx *x, const char *s,
    size_t n)
{
	struct addr_list l;
	const char *colon = memchr(s, ':', n);
	char why[DIAG_TEXT_MAX], *name;
	size_t nlen;
	int rc;

	if (colon == NULL)
		return diag_set(x->d, EX_CONFIG, "%s:%d: no ':' after the "
		    "name; write \"name: address, address\"", x->path,
		    x->line);
	nlen = (size_t)(colon - s);
	while (nlen > 0 && (s[nlen - 1] == ' ' || s[nlen - 1] == '\t'))
		nlen--;
	if (!aliases_valid_name(s, nlen))
		return diag_set(x->d, EX_CONFIG, "%s:%d: bad alias name "
		    "\"%.*s\"; a name is a local part such as \"root\" or "
		    "\"postmaster\", without '@' or blanks", x->path, x->line,
		    (int)(nlen > 64 ? 64 : nlen), s);
	if (memmem(colon, n - (size_t)(colon - s), ":include:", 9) != NULL)
		return diag_set(x->d, EX_CONFIG, "%s:%d: \":include:\" is not "
		    "supported; list the addresses in the file itself",
		    x->path, x->line);
	name = aliases_lower(s, nlen);
	if (aliases_find(a, name) != NULL) {
		(void)diag_set(x->d, EX_CONFIG, "%s:%d: alias \"%s\" is "
		    "already defined at line %d; merge the two lines",
		    x->path, x->line, name, aliases_find(a, name)->line);
		free(name);
		return -1;
	}
	addr_list_init(&l);
	rc = addr_parse_list(colon + 1, n - (size_t)(colon + 1 - s), &l,
	    x->d);
	if (rc == -1) {
		(void)strlcpy(why, x->d->text, sizeof(why));
		(void)diag_set(x->d, EX_CONFIG, "%s:%d: alias \"%s\": %s",
		    x->path, x->line, name, why);
	} else
		rc = aliases_store(a, x, name, &l);
	if (rc == -1)
		free(name);
	addr_list_free(&l);
	return rc;
}

int
aliases_parse(const char *data, size_t len, const char *path,
    struct aliases *a, struct diag *d)
{
	struct aparse_ctx x;
	struct buf cur;
	size_t pos = 0, i, n;
	int lineno = 0, rc = 0;

	aliases_init(a);
	memset(&x, 0, sizeof(x));
	x.path = path;
	x.d = d;
	buf_init(&cur, CONF_LINE_MAX * 16);
	while (rc == 0 && pos < len) {
		const char *s = data + pos, *nl = memchr(s, '\n', len - pos);

		n = nl != NULL ? (size_t)(nl - s) : len - pos;
		pos += n + 1;
		lineno++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (memchr(s, '\0', n) != NULL)
			rc = diag_set(d, EX_CONFIG, "%s:%d: NUL byte; the file "
			    "must be text", path, lineno);
		else if (n > CONF_LINE_MAX)
			rc = diag_set(d, EX_CONFIG, "%s:%d: line longer than "
			    "%d octets; continue it on lines that start with "
			    "a space", path, lineno, CONF_LINE_MAX);
		if (rc == -1)
			break;
		for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
			;
		if (i < n && s[i] == '#')
			continue;		/* a comment */
		if (i > 0 && i < n) {		/* a continuation */
			if (cur.len == 0)
				rc = diag_set(d, EX_CONFIG, "%s:%d: "
				    "continuation line without an alias "
				    "before it; remove the leading blanks",
				    path, lineno);
			else if (buf_addc(&cur, ' ') == -1 ||
			    buf_add(&cur, s + i, n - i) == -1)
				rc = diag_set(d, EX_CONFIG, "%s:%d: alias too "
				    "long", path, lineno);
			continue;
		}
		if (cur.len > 0)
			rc = aliases_entry(a, &x, cur.data, cur.len);
		buf_reset(&cur);
		if (i == 0 && n > 0) {
			x.line = lineno;
			(void)buf_add(&cur, s, n);
		}
	}
	if (rc == 0 && cur.len > 0)
		rc = aliases_entry(a, &x, cur.data, cur.len);
	buf_free(&cur);
	if (rc == -1) {
		aliases_free(a);
		return -1;
	}
	a->path = xstrdup(path);
	a->dflt = (struct alias *)aliases_find(a, "default");
	return 0;
}

int
aliases_load(const char *path, struct aliases *a, struct diag *d)
{
	struct stat st;
	char *data;
	ssize_t got;
	size_t off = 0;
	int fd, rc;

	aliases_init(a);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return diag_set(d, EX_CONFIG, "cannot open the aliases file "
		    "%s: %s; create it or remove the \"aliases\" line from "
		    "the configuration", path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > ALIASES_FILE_MAX) {
		(void)close(fd);
		return diag_set(d, EX_CONFIG, "the aliases file %s is not a "
		    "regular file of at most %d octets", path,
		    ALIASES_FILE_MAX);
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		got = read(fd, data + off, (size_t)st.st_size - off);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		off += (size_t)got;
	}
	(void)close(fd);
	rc = aliases_parse(data, off, path, a, d);
	free(data);
	return rc;
}

const struct alias *
aliases_find(const struct aliases *a, const char *name)
{
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < a->n; i++)
		if (ascii_strcasecmp(a->v[i].name, name) == 0)
			return &a->v[i];
	return NULL;
}

int
aliases_is_local(const struct alias_ctx *ctx, const char *spec,
    char **local)
{
	const char *dom = addr_domain(spec);
	size_t i;
	int own = dom == NULL || *dom == '\0';

	for (i = 0; !own && ctx->own != NULL && ctx->own[i] != NULL; i++)
		if (ascii_strcasecmp(dom, ctx->own[i]) == 0)
			own = 1;
	if (own && local != NULL)
		*local = dom == NULL ? xstrdup(spec) :
		    xstrndup(spec, (size_t)(dom - 1 - spec));
	return own;
}

/* ------------------------------------------------------------ expansion */

static void
aliases_push(struct expand *e, char *spec)
{
	if (*e->nout == e->cap) {
		e->cap = e->cap == 0 ? 8 : e->cap * 2;
		*e->out = xreallocarray(*e->out, e->cap, sizeof(char *));
	}
	(*e->out)[(*e->nout)++] = spec;
}

static int
aliases_loop(struct expand *e, const struct alias *hit)
{
	struct buf chain;
	size_t i;

	buf_init(&chain, DIAG_TEXT_MAX / 2);
	for (i = 0; i < e->depth; i++)
		(void)buf_printf(&chain, "%s -> ", e->stack[i]->name);
	(void)buf_addstr(&chain, hit->name);
	(void)diag_set(e->d, EX_CONFIG, "%s:%d: alias loop: %s; make one of "
	    "them an address with a domain", e->a->path != NULL ?
	    e->a->path : "aliases", e->stack[0]->line, chain.len > 0 ?
	    buf_str(&chain) : hit->name);
	buf_free(&chain);
	return -1;
}

static int
aliases_rec(struct expand *e, const char *spec, int in_dflt)
{
	const struct alias *hit;
	char *local = NULL;
	size_t i;
	int rc = 0;

	if (*e->nout >= RCPT_MAX)
		return diag_set(e->d, EX_USAGE, "the aliases expand to more "
		    "than %d recipients", RCPT_MAX);
	if (!aliases_is_local(e->ctx, spec, &local)) {
		aliases_push(e, xstrdup(spec));
		return 0;
	}
	hit = aliases_find(e->a, local);
	if (hit != NULL && hit == e->a->dflt)
		hit = NULL;		/* "default" is not a name */
	if (hit == NULL && (in_dflt || e->a == NULL || e->a->dflt == NULL)) {
		aliases_push(e, addr_qualify(local, e->ctx->domain));
		free(local);
		return 0;
	}
	if (hit == NULL) {
		hit = e->a->dflt;
		in_dflt = 1;
	}
	for (i = 0; i < e->depth; i++)
		if (e->stack[i] == hit) {
			free(local);
			return aliases_loop(e, hit);
		}
	if (e->depth == ALIAS_DEPTH_MAX) {
		free(local);
		return diag_set(e->d, EX_CONFIG, "%s:%d: alias \"%s\" expands "
		    "more than %d levels deep; shorten the chain",
		    e->a->path != NULL ? e->a->path : "aliases", hit->line,
		    e->stack[0]->name, ALIAS_DEPTH_MAX);
	}
	e->stack[e->depth++] = hit;
	for (i = 0; i < hit->ntargets && rc == 0; i++) {
		char *tl = NULL;

		/* "root: root, a@x": the name itself, not a loop */
		if (aliases_is_local(e->ctx, hit->targets[i], &tl) &&
		    ascii_strcasecmp(tl, local) == 0)
			aliases_push(e, addr_qualify(tl, e->ctx->domain));
		else
			rc = aliases_rec(e, hit->targets[i], in_dflt);
		free(tl);
	}
	e->depth--;
	free(local);
	return rc;
}

int
aliases_expand(const struct aliases *a, const struct alias_ctx *ctx,
    const char *spec, char ***out, size_t *nout, struct diag *d)
{
	struct expand e;
	size_t before = *nout;
	int rc;

	memset(&e, 0, sizeof(e));
	e.a = a != NULL && a->n > 0 ? a : NULL;
	e.ctx = ctx;
	e.out = out;
	e.nout = nout;
	e.cap = *nout;		/* grow at the next push */
	e.d = d;
	rc = aliases_rec(&e, spec, 0);
	if (rc == -1)
		while (*nout > before)
			free((*out)[--*nout]);
	return rc;
}

int
aliases_check(const struct aliases *a, const struct alias_ctx *ctx,
    struct diag *d)
{
	char **out = NULL;
	size_t i, n = 0, j;
	int rc = 0;

	for (i = 0; i < a->n && rc == 0; i++) {
		if (&a->v[i] == a->dflt)
			continue;
		rc = aliases_expand(a, ctx, a->v[i].name, &out, &n, d);
		for (j = 0; j < n; j++)
			free(out[j]);
		n = 0;
	}
	if (rc == 0 && a->dflt != NULL)
		rc = aliases_expand(a, ctx, "\"no such name\"", &out, &n, d);
	for (j = 0; j < n; j++)
		free(out[j]);
	free(out);
	return rc;
}
