/*
 * dkim_check.c - the DKIM part of "sendsmtp --check": the DNS TXT record
 * to publish for each configured key, and whether DNS already has it.
 *
 * RFC 6376 3.6.1 (the key record: v=DKIM1, k=, p=), 3.6.2.2 (the record
 * is the concatenation of the TXT strings), 6.1.2 (SELECTOR._domainkey.
 * DOMAIN); RFC 8463 4.2 (k=ed25519, p= is the raw 32-byte key); RFC 1035
 * 3.3.14 (a TXT character-string holds at most 255 octets, so a long
 * record is written as several strings).
 *
 * Security: the key files are read under the same rules as for signing
 * (dkim_key_load) and only the public half is printed.  DNS answers are
 * untrusted: they are parsed with the resolver's ns_* functions, every
 * string is bounded, and only printable ASCII is echoed.  The lookup
 * must not stall --check: one try with a short timeout per key, and only
 * when the caller found that DNS answers at all (dkim_check_report's
 * use_dns: --check probes the root zone once for all its lookups).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "diag.h"
#include "dkim.h"
#include "dnstxt.h"
#include "selfcheck.h"
#include "util.h"

/* Seconds per DNS try; one try only. */
#define DKIM_DNS_TIMEOUT	2
/* A TXT record we look at (the concatenated strings). */
#define DKIM_TXT_MAX		4096

enum dkim_status { DS_OK, DS_MISSING, DS_MISMATCH, DS_UNCHECKED, DS_ERROR };

static const char *const dkim_status_name[] = {
	"ok", "missing", "mismatch", "unchecked", "error"
};

/* What we know about one key. */
struct dkim_item {
	char		 selector[ADDR_DOMAIN_MAX + 1];
	char		 path[CONF_LINE_MAX];
	char		 name[2 * ADDR_DOMAIN_MAX + 16];
	const char	*alg;
	unsigned	 bits;
	struct buf	 record;
	enum dkim_status status;
	char		 detail[DIAG_TEXT_MAX];
};

/* What dkim_match looks for in the TXT records of one name. */
struct dkim_want {
	const char	*p;		/* the public key, base64 */
	const char	*k;		/* "rsa" or "ed25519" */
	int		 seen;		/* some record had a p= tag */
};

static int	dkim_tag(const char *rec, const char *tag, char *out,
		    size_t size);
static int	dkim_match(const char *txt, void *arg);
static void	dkim_status(struct dkim_item *it, enum dkim_status st,
		    const char *detail);
static void	dkim_lookup(struct dkim_item *it);
static void	dkim_item_fill(const struct config *cfg,
		    struct dkim_item *it, int use_dns);
static void	dkim_print_zone(FILE *out, const struct dkim_item *it);
static void	dkim_print_json_str(FILE *out, const char *s);
static void	dkim_print_json(FILE *out, const struct config *cfg,
		    const struct dkim_item *it, int first);
static void	dkim_print_text(FILE *out, const struct dkim_item *it);

/* ------------------------------------------------ DNS */

/* The value of tag in a tag=value list, blanks removed; 0 or -1. */
static int
dkim_tag(const char *rec, const char *tag, char *out, size_t size)
{
	size_t tl = strlen(tag), o = 0;
	const char *p = rec, *q;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		q = strncmp(p, tag, tl) == 0 ? p + tl + strspn(p + tl, " \t") :
		    p;
		if (*q != '=' || q == p) {
			p += strcspn(p, ";");
			continue;
		}
		for (q++; *q != '\0' && *q != ';'; q++) {
			if (*q == ' ' || *q == '\t')
				continue;
			if (o + 1 >= size)
				return -1;
			out[o++] = *q;
		}
		out[o] = '\0';
		return 0;
	}
	return -1;
}

/* dnstxt_each's test: a key record (p= tag) with our key and type. */
static int
dkim_match(const char *txt, void *arg)
{
	struct dkim_want *w = arg;
	char got[DKIM_TXT_MAX], k[32];

	if (dkim_tag(txt, "p", got, sizeof(got)) == -1)
		return 0;
	w->seen = 1;
	if (dkim_tag(txt, "k", k, sizeof(k)) == -1)
		(void)strlcpy(k, "rsa", sizeof(k));	/* RFC 6376 3.6.1 */
	return strcmp(got, w->p) == 0 && strcmp(k, w->k) == 0;
}

static void
dkim_status(struct dkim_item *it, enum dkim_status st, const char *detail)
{
	it->status = st;
	(void)strlcpy(it->detail, detail, sizeof(it->detail));
}

/* Whether DNS holds it->record (the caller knows that DNS answers). */
static void
dkim_lookup(struct dkim_item *it)
{
	char txt[DKIM_TXT_MAX], want[DKIM_TXT_MAX];
	struct dkim_want w;

	(void)dkim_tag(buf_str(&it->record), "p", want, sizeof(want));
	w.p = want;
	w.k = strcmp(it->alg, "rsa-sha256") == 0 ? "rsa" : "ed25519";
	w.seen = 0;
	switch (dnstxt_each(it->name, DKIM_DNS_TIMEOUT, txt, sizeof(txt),
	    dkim_match, &w)) {
	case DNSTXT_FOUND:
		dkim_status(it, DS_OK, "published record matches");
		return;
	case DNSTXT_UNAVAILABLE:
		dkim_status(it, DS_UNCHECKED, "not checked: DNS unavailable");
		return;
	case DNSTXT_NONE:
	default:
		break;
	}
	it->status = w.seen ? DS_MISMATCH : DS_MISSING;
	(void)snprintf(it->detail, sizeof(it->detail), w.seen ? "%s has a "
	    "DKIM record with a different key: publish the record above (or "
	    "fix dkim_key_file)" : "no DKIM record at %s: publish the record "
	    "above", it->name);
}

/* ------------------------------------------------ the report */

static void
dkim_item_fill(const struct config *cfg, struct dkim_item *it, int use_dns)
{
	struct crypto_key *key;
	struct diag d;
	unsigned char pub[CRYPTO_PUB_MAX];
	size_t n;
	int ed;

	(void)snprintf(it->name, sizeof(it->name), "%s._domainkey.%s",
	    it->selector, cfg->dkim_domain);
	it->alg = "?";
	if (dkim_key_load(it->path, &key, &d) == -1) {
		dkim_status(it, DS_ERROR, d.text);
		return;
	}
	ed = crypto_key_alg(key) == CRYPTO_KEY_ED25519;
	it->alg = ed ? "ed25519-sha256" : "rsa-sha256";
	it->bits = crypto_key_bits(key);
	if (crypto_key_public(key, pub, sizeof(pub), &n, &d) == -1 ||
	    dkim_txt_record(ed, pub, n, &it->record) == -1) {
		crypto_key_free(key);
		dkim_status(it, DS_ERROR, "cannot derive the public key");
		return;
	}
	crypto_key_free(key);
	if (!use_dns) {
		dkim_status(it, DS_UNCHECKED, "not checked: DNS unavailable");
		return;
	}
	dkim_lookup(it);
}

/* NAME. IN TXT "..." "...": strings of at most 255 octets. */
static void
dkim_print_zone(FILE *out, const struct dkim_item *it)
{
	const char *r = buf_str(&it->record);
	size_t len = strlen(r), i, k;

	fprintf(out, "%s. IN TXT", it->name);
	for (i = 0; i < len; i += k) {
		k = len - i > 255 ? 255 : len - i;
		fprintf(out, " \"%.*s\"", (int)k, r + i);
	}
	fputc('\n', out);
}

/* A JSON string (selfcheck_json_escape, as the rest of --json). */
static void
dkim_print_json_str(FILE *out, const char *s)
{
	struct buf b;

	/* at worst six octets ("\u00XX") for each one */
	buf_init(&b, 6 * strlen(s) + 8);
	if (selfcheck_json_escape(&b, s) == 0)
		fputs(buf_str(&b), out);
	else
		fputs("\"\"", out);
	buf_free(&b);
}

static void
dkim_print_json(FILE *out, const struct config *cfg,
    const struct dkim_item *it, int first)
{
	fputs(first ? "{" : ",{", out);
	fputs("\"selector\":", out);
	dkim_print_json_str(out, it->selector);
	fputs(",\"domain\":", out);
	dkim_print_json_str(out, cfg->dkim_domain);
	fputs(",\"name\":", out);
	dkim_print_json_str(out, it->name);
	fputs(",\"algorithm\":", out);
	dkim_print_json_str(out, it->alg);
	fprintf(out, ",\"bits\":%u,\"record\":", it->bits);
	dkim_print_json_str(out, buf_str(&it->record));
	fputs(",\"status\":", out);
	dkim_print_json_str(out, dkim_status_name[it->status]);
	fputs(",\"detail\":", out);
	dkim_print_json_str(out, it->detail);
	fputc('}', out);
}

/*
 * The --check line format (selfcheck_report.c): "[TAG] dkim      text",
 * then "       key: value" details.
 */
static void
dkim_print_text(FILE *out, const struct dkim_item *it)
{
	static const char *const tag[] = { "[ ok ]", "[FAIL]", "[FAIL]",
	    "[skip]", "[FAIL]" };

	fprintf(out, "%s %-9s %s: %s\n", tag[it->status], "dkim",
	    it->selector, it->detail);
	if (it->status == DS_ERROR)
		return;
	fprintf(out, "       key: %s, %u bits, %s\n       publish: ", it->alg,
	    it->bits, it->path);
	dkim_print_zone(out, it);
}

int
dkim_check_report(const struct config *cfg, FILE *out, int json,
    int use_dns)
{
	struct dkim_item *it;
	const char *sp, *kp;
	int bad = 0, n = 0;

	if (cfg->dkim_key_file == NULL || cfg->dkim_selector == NULL ||
	    cfg->dkim_domain == NULL) {
		fputs(json ? "[]" : "[info] dkim      not configured: messages "
		    "are not signed\n", out);
		return 0;
	}
	sp = cfg->dkim_selector;
	kp = cfg->dkim_key_file;
	it = xcalloc(1, sizeof(*it));
	if (json)
		fputc('[', out);
	while (n < DKIM_KEYS_MAX && dkim_list_next(&sp, it->selector,
	    sizeof(it->selector)) == 1 && dkim_list_next(&kp, it->path,
	    sizeof(it->path)) == 1) {
		buf_init(&it->record, DKIM_TXT_MAX);
		dkim_item_fill(cfg, it, use_dns);
		if (json)
			dkim_print_json(out, cfg, it, n == 0);
		else
			dkim_print_text(out, it);
		bad += it->status == DS_ERROR || it->status == DS_MISSING ||
		    it->status == DS_MISMATCH;
		buf_free(&it->record);
		memset(it, 0, sizeof(*it));
		n++;
	}
	if (json)
		fputc(']', out);
	free(it);
	return bad;
}
