/*
 * tlscache.h - TLS session resumption data kept across invocations, so
 * the next sendsmtp process resumes the session (RFC 5077 tickets for
 * TLS 1.2, RFC 8446 4.6.1 NewSessionTicket for TLS 1.3) instead of a full
 * handshake: no certificate chain, no trust store, no verification.
 *
 *	tlscache_policy()  digest of the TLS settings a session was
 *	                   verified under (an entry only serves the same)
 *	tlscache_load()    the entry for host:port, if usable
 *	tlscache_save()    replace it (temp file + rename, mode 0600)
 *
 * One file per smarthost: QUEUE_DIR/tls-cache/HOST_PORT.  A cache is
 * never needed: every problem (missing, expired, another host, port or
 * policy, not owned by us, a group/world-accessible mode, corrupt) just
 * means a full handshake, said only in the -v transcript.
 */
#ifndef SENDSMTP_TLSCACHE_H
#define SENDSMTP_TLSCACHE_H

#include <stddef.h>
#include <time.h>

#include "bounds.h"
#include "buf.h"
#include "tls.h"

/* The cache directory, under queue_dir. */
#define TLSCACHE_DIR		"tls-cache"
/* Version line of an entry. */
#define TLSCACHE_MAGIC		"SENDSMTP-TLS-CACHE 1"

/* One cache entry, parsed or to be written. */
struct tlscache_entry {
	char		 host[HELO_NAME_MAX + 1];
	int		 port;
	unsigned char	 policy[TLSCACHE_POLICY_LEN];
	long long	 expires;	/* epoch seconds */
	unsigned char	*data;		/* session data (owned when parsed) */
	size_t		 len;
};

/*
 * The digest binding an entry to what was checked when the session was
 * first made: the TLS mode (2 STARTTLS, 3 SMTPS...), verify, pin, trust
 * file, client certificate and key, priorities.  Changing any of them
 * makes old entries unusable, so a resumed session never skips a check
 * the current settings ask for.
 */
void	 tlscache_policy(const struct tls_config *tc, int mode,
	    unsigned char out[TLSCACHE_POLICY_LEN]);

/*
 * File name (no directory) of host:port's entry into out (size bytes):
 * the host in lower case with every byte other than [a-z0-9.-] as '_'
 * (cut to 200 bytes; a leading '.' too), '_', the port.  Two hosts may
 * share a name: the entry also records host and port and must match
 * both.  Returns 0, or -1 when out
 * is too small or host is empty.
 */
int	 tlscache_name(const char *host, int port, char *out, size_t size);

/*
 * Load the entry for host:port made under policy, valid at now: the file
 * must be a regular file owned by the effective uid, mode 0600 or
 * stricter, at most TLSCACHE_FILE_MAX bytes, parse cleanly, name the
 * same host (case-insensitive) and port and policy, and expire after
 * now but no later than now + TLSCACHE_LIFETIME (a clock set back).
 * Returns 0 with *data (malloc'd, *len bytes: session secrets, so
 * explicit_bzero it before free) or -1 when there is none to use.
 */
int	 tlscache_load(const char *queue_dir, const char *host, int port,
	    const unsigned char policy[TLSCACHE_POLICY_LEN], time_t now,
	    unsigned char **data, size_t *len);

/*
 * Write host:port's entry (expiring at now + TLSCACHE_LIFETIME) as a new
 * 0600 file in queue_dir/tls-cache (created 0770 on first use) and
 * rename it over the old one, so readers see the old or the new entry,
 * never half of one.  No fsync: losing a cache costs one full handshake.
 * Returns 0, or -1 (nothing changed) when the directory or the file
 * cannot be written; errno-free: the caller only logs it at -v.
 */
int	 tlscache_save(const char *queue_dir, const char *host, int port,
	    const unsigned char policy[TLSCACHE_POLICY_LEN], time_t now,
	    const void *data, size_t len);

/* ------------------------------------------------ pure (unit tests) */

/* Append the text form of e to b; 0, or -1 when b is full. */
int	 tlscache_format(struct buf *b, const struct tlscache_entry *e);

/*
 * Parse the text form (n bytes, may hold NULs: refused) into e, whose
 * data the caller frees with tlscache_entry_free.  Strict: the magic
 * line, then exactly host, port, policy, expires, data in that order,
 * then "END"; printable ASCII only; bounded lengths.  Returns 0, or -1
 * (e cleared) when malformed.
 */
int	 tlscache_parse(const char *text, size_t n, struct tlscache_entry *e);

/* Wipe and free e->data. */
void	 tlscache_entry_free(struct tlscache_entry *e);

#endif /* SENDSMTP_TLSCACHE_H */
