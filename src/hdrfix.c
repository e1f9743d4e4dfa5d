/*
 * hdrfix.c - rewrite the addresses of one header field in place.
 *
 * Implements the qualification of compat.md 2.3 for header fields:
 * RFC 5322 3.4 (address lists; the addresses themselves are found by
 * addr.c, which reports where each domain is written) and 2.2.3
 * (folding: the field is unfolded to parse it, and every change is made
 * in the original lines, so the sender's folding survives).
 *
 * Security: the field is untrusted.  The value is copied with a map from
 * each octet to its place in the raw field (bounded by the field, which
 * hdr.c caps at HDR_FIELD_MAX); edits are made only at offsets addr.c
 * reported inside the value, and only with the configured domain, which
 * config.c has checked to be a host name.  Nothing here can add a line
 * break: CR and LF are copied only where the input had its CRLFs.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "bounds.h"
#include "hdrfix.h"
#include "util.h"

/* The unfolded value of a field and where each octet came from. */
struct hvalue {
	char	*s;
	size_t	*map;
	size_t	 len;
};

static int	 hdrfix_value(const char *raw, size_t rawlen,
		    struct hvalue *v);
static void	 hdrfix_value_free(struct hvalue *v);
static int	 hdrfix_wants(const struct alias_ctx *ctx,
		    const struct addr *a);

/*
 * The value after the colon with the CRLFs of folding removed (RFC 5322
 * 2.2.3: unfolding removes only the CRLF).  -1 if there is no colon.
 */
static int
hdrfix_value(const char *raw, size_t rawlen, struct hvalue *v)
{
	const char *colon = memchr(raw, ':', rawlen);
	size_t i;

	memset(v, 0, sizeof(*v));
	if (colon == NULL)
		return -1;
	v->s = xmalloc(rawlen + 1);
	v->map = xreallocarray(NULL, rawlen + 1, sizeof(size_t));
	for (i = (size_t)(colon - raw) + 1; i < rawlen; i++) {
		if (raw[i] == '\r' || raw[i] == '\n')
			continue;
		v->s[v->len] = raw[i];
		v->map[v->len++] = i;
	}
	v->s[v->len] = '\0';
	return 0;
}

static void
hdrfix_value_free(struct hvalue *v)
{
	free(v->s);
	free(v->map);
	memset(v, 0, sizeof(*v));
}

/* An address with no domain or at one of our own names. */
static int
hdrfix_wants(const struct alias_ctx *ctx, const struct addr *a)
{
	if (a->spec[0] == '\0')
		return 0;
	return aliases_is_local(ctx, a->spec, NULL);
}

int
hdrfix_qualify(const char *raw, size_t rawlen, const struct alias_ctx *ctx,
    struct buf *out)
{
	struct hvalue v;
	struct addr_list l;
	struct diag d;
	size_t i, from = 0, at, del;
	int changed = 0, failed = 0;

	if (ctx->domain == NULL || ctx->domain[0] == '\0')
		return 0;
	if (hdrfix_value(raw, rawlen, &v) == -1)
		return -1;
	addr_list_init(&l);
	if (addr_parse_list(v.s, v.len, &l, &d) == -1) {
		hdrfix_value_free(&v);
		return -1;
	}
	buf_reset(out);
	for (i = 0; i < l.n; i++) {
		const struct addr *a = &l.v[i];

		if (!hdrfix_wants(ctx, a))
			continue;
		if (a->dom_len > 0) {
			/* replace the host's own name */
			at = v.map[a->dom_off];
			del = v.map[a->dom_off + a->dom_len - 1] + 1 - at;
		} else {
			/* insert after the '@' or the local part */
			at = a->dom_off > 0 ? v.map[a->dom_off - 1] + 1 : 0;
			del = 0;
		}
		if (at < from)
			continue;	/* cannot happen: in order */
		if (buf_add(out, raw + from, at - from) == -1 ||
		    (!a->has_at && buf_addc(out, '@') == -1) ||
		    buf_addstr(out, ctx->domain) == -1)
			failed = 1;
		from = at + del;
		changed = 1;
	}
	if (changed && buf_add(out, raw + from, rawlen - from) == -1)
		failed = 1;
	if (failed)
		changed = -1;		/* over the field limit: keep it */
	addr_list_free(&l);
	hdrfix_value_free(&v);
	return changed;
}

int
hdrfix_first(const char *raw, size_t rawlen, const struct alias_ctx *ctx,
    char **spec, char **name)
{
	struct hvalue v;
	struct addr_list l;
	struct diag d;
	int rc = -1;

	if (hdrfix_value(raw, rawlen, &v) == -1)
		return -1;
	addr_list_init(&l);
	if (addr_parse_list(v.s, v.len, &l, &d) == 0 && l.n > 0 &&
	    l.v[0].spec[0] != '\0') {
		char *local = NULL;

		if (aliases_is_local(ctx, l.v[0].spec, &local) &&
		    ctx->domain != NULL && ctx->domain[0] != '\0')
			*spec = addr_qualify(local, ctx->domain);
		else
			*spec = xstrdup(l.v[0].spec);
		free(local);
		*name = l.v[0].name != NULL ? xstrdup(l.v[0].name) : NULL;
		rc = 0;
	}
	addr_list_free(&l);
	hdrfix_value_free(&v);
	return rc;
}
