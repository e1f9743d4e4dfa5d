/*
 * dnstxt.h - TXT records for --check (the sender domain's SPF and DMARC
 * policies), through the system resolver with a bounded wait.
 *
 * A resolver that does not answer (no network, no DNS server: the test
 * machines) must not make --check hang: every query waits at most the
 * given timeout once, and after the first query that finds DNS
 * unavailable the caller should not ask again.
 */
#ifndef SENDSMTP_DNSTXT_H
#define SENDSMTP_DNSTXT_H

#include <stddef.h>

enum dnstxt_status {
	DNSTXT_FOUND = 0,	/* a record with the prefix is in out */
	DNSTXT_NONE,		/* the name or the record does not exist */
	DNSTXT_UNAVAILABLE	/* DNS did not answer (or answered junk) */
};

/*
 * Query the TXT records of name (at most timeout seconds, one try) and
 * copy into out (size bytes, NUL-terminated, non-printable bytes as '?')
 * the first whose text (its strings joined) starts with prefix, ASCII
 * case-insensitive ("v=spf1", "v=DMARC1").  DNSTXT_NONE when the name
 * does not exist, has no TXT record, or none with the prefix.
 */
enum dnstxt_status dnstxt_find(const char *name, const char *prefix,
	    int timeout, char *out, size_t size);

/*
 * Call fn(text, arg) for each TXT record of name (at most timeout
 * seconds, one try), its strings joined into text (the caller's buffer
 * of size bytes, NUL-terminated, non-printable bytes as '?'); a record
 * that does not fit is passed over.  The walk stops when fn returns
 * non-zero: DNSTXT_FOUND, with that record left in text.  DNSTXT_NONE
 * when the name does not exist, has no TXT record, or fn took none.
 */
enum dnstxt_status dnstxt_each(const char *name, int timeout, char *text,
	    size_t size, int (*fn)(const char *text, void *arg), void *arg);

/*
 * 1 when DNS answers at all: the root zone's NS records resolve (any
 * working resolver knows them).  A resolver that calls the root zone
 * nonexistent (a stub without upstream) or does not answer within
 * timeout seconds is unusable: TXT "not found" from it means nothing.
 */
int	 dnstxt_usable(int timeout);

/*
 * The record text of one TXT RDATA (a sequence of <length><bytes>
 * strings, RFC 1035 3.3.14) joined into out (size bytes, NUL-terminated,
 * non-printable bytes as '?').  Returns 0, or -1 when a string runs past
 * the end of rdata or out is too small.  Pure (unit tests).
 */
int	 dnstxt_join(const unsigned char *rdata, size_t len, char *out,
	    size_t size);

#endif /* SENDSMTP_DNSTXT_H */
