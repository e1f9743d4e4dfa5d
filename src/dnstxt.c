/*
 * dnstxt.c - bounded TXT lookups for --check.
 *
 * RFC 1035 3.3.14 (TXT RDATA: one or more <character-string>s), RFC 7208
 * 4.5 (an SPF record is the TXT record starting "v=spf1"), RFC 7489 6.1
 * (the DMARC record at _dmarc.DOMAIN starts "v=DMARC1").
 *
 * Security: answers are untrusted input.  The message is parsed by the
 * resolver library's ns_initparse/ns_parserr (bounds-checked); the RDATA
 * is walked here with every length checked against the end, and the
 * text is reduced to printable ASCII before anyone prints it.  The
 * resolver state is private (res_ninit), its wait bounded (retrans =
 * timeout, one try), so a dead DNS costs at most one timeout.
 */
#include "compat.h"

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/nameser.h>

#include <netdb.h>
#include <resolv.h>
#include <stdint.h>
#include <string.h>

#include "dnstxt.h"
#include "util.h"

/* One answer; over TCP (truncated UDP) a 4096-bit DKIM key and more fit. */
#define DNSTXT_ANSWER_MAX	(16 * 1024)

int
dnstxt_join(const unsigned char *rdata, size_t len, char *out, size_t size)
{
	const unsigned char *p = rdata, *end = rdata + len;
	size_t o = 0, n, i;

	if (size == 0)
		return -1;
	out[0] = '\0';
	while (p < end) {
		n = *p++;
		if (n > (size_t)(end - p) || o + n >= size) {
			out[0] = '\0';
			return -1;
		}
		for (i = 0; i < n; i++)
			out[o++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] :
			    '?';
		p += n;
	}
	out[o] = '\0';
	return 0;
}

int
dnstxt_usable(int timeout)
{
	struct __res_state st;
	unsigned char ans[DNSTXT_ANSWER_MAX];
	int n;

	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) != 0)
		return 0;
	st.retrans = timeout > 0 ? timeout : 5;
	st.retry = 1;
	n = res_nquery(&st, ".", ns_c_in, ns_t_ns, ans, sizeof(ans));
	res_nclose(&st);
	return n > 0;
}

enum dnstxt_status
dnstxt_each(const char *name, int timeout, char *text, size_t size,
    int (*fn)(const char *text, void *arg), void *arg)
{
	struct __res_state st;
	unsigned char ans[DNSTXT_ANSWER_MAX];
	ns_msg msg;
	ns_rr rr;
	enum dnstxt_status rc = DNSTXT_NONE;
	int n, i, herr;

	if (size > 0)
		text[0] = '\0';
	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) != 0)
		return DNSTXT_UNAVAILABLE;
	st.retrans = timeout > 0 ? timeout : 5;
	st.retry = 1;
	n = res_nquery(&st, name, ns_c_in, ns_t_txt, ans, sizeof(ans));
	herr = st.res_h_errno;
	if (n < 0) {
		res_nclose(&st);
		return herr == HOST_NOT_FOUND || herr == NO_DATA ?
		    DNSTXT_NONE : DNSTXT_UNAVAILABLE;
	}
	if (ns_initparse(ans, n, &msg) != 0) {
		res_nclose(&st);
		return DNSTXT_UNAVAILABLE;
	}
	for (i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 ||
		    ns_rr_type(rr) != ns_t_txt)
			continue;
		if (dnstxt_join(ns_rr_rdata(rr), ns_rr_rdlen(rr), text,
		    size) == -1)
			continue;
		if (fn(text, arg) != 0) {
			rc = DNSTXT_FOUND;
			break;
		}
		text[0] = '\0';
	}
	res_nclose(&st);
	return rc;
}

/* dnstxt_find's test: the record starts with the prefix, then ends. */
static int
dnstxt_has_prefix(const char *text, void *prefix)
{
	size_t plen = strlen(prefix);

	return ascii_strncasecmp(text, prefix, plen) == 0 &&
	    (text[plen] == '\0' || text[plen] == ' ' || text[plen] == ';');
}

enum dnstxt_status
dnstxt_find(const char *name, const char *prefix, int timeout, char *out,
    size_t size)
{
	return dnstxt_each(name, timeout, out, size, dnstxt_has_prefix,
	    (void *)(uintptr_t)prefix);
}
