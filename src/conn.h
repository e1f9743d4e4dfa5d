/*
 * conn.h - one TCP connection to the smarthost: resolve, connect with a
 * timeout, buffered output and bounded line input over a pluggable
 * transport (plain TCP here; tls.c installs a TLS transport later).
 *
 * Every blocking step waits with poll() for at most the configured
 * timeout; failures fill a struct diag (TEMPFAIL, EX_TEMPFAIL) whose text
 * names the host, the stage and what to check.
 */
#ifndef SENDSMTP_CONN_H
#define SENDSMTP_CONN_H

#include <sys/types.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "diag.h"

/* Transport results besides a byte count (> 0), 0 (EOF) and -1. */
#define CONN_WANT_READ		(-2)	/* retry when the fd is readable */
#define CONN_WANT_WRITE		(-3)	/* retry when the fd is writable */

/*
 * How bytes move.  read/write never block (the fd is non-blocking); they
 * return a count, 0 for EOF (read only), CONN_WANT_READ/WRITE, or -1 with
 * errno set or error() describing it.  pending() tells how many bytes the
 * transport has already decrypted but conn has not read (NULL: none);
 * error() gives the text of the last failure (NULL: use errno); close()
 * ends the session without closing the fd (NULL: nothing to do).
 */
struct conn_transport {
	const char	*name;		/* "TCP", "TLS" for messages */
	ssize_t		(*read)(void *ctx, int fd, void *p, size_t len);
	ssize_t		(*write)(void *ctx, int fd, const void *p, size_t len);
	size_t		(*pending)(void *ctx);
	const char	*(*error)(void *ctx);
	void		(*close)(void *ctx);
	void		*ctx;
};

struct conn {
	int			 fd;		/* -1 when closed */
	char			*host;		/* as configured, for messages */
	int			 port;
	int			 timeout;	/* seconds per stage */
	enum smtp_stage		 stage;		/* for messages */
	struct timespec		 deadline;	/* end of the current stage */
	struct conn_transport	 tr;
	struct buf		 out;		/* queued, not yet written */
	char			*in;		/* received, not yet consumed */
	size_t			 in_off, in_len;
	int			 eof;		/* the peer closed */
	/* Statistics (tests and -v): */
	size_t			 nflush;	/* conn_flush calls that wrote */
	size_t			 nwrite;	/* successful write calls */
	unsigned long long	 bytes_out, bytes_in;
};

/*
 * Resolve host (every address, IPv4 and IPv6, in getaddrinfo order) and
 * connect to the first that answers, each attempt waiting up to timeout
 * seconds; sets TCP_NODELAY.  c is ready for I/O with the plain TCP
 * transport.  Returns 0, or -1 with d set (TEMPFAIL, STAGE_CONNECT):
 * unknown host, DNS failure, refused, unreachable or timed out, each
 * naming the host, the port and what to check.  c needs conn_close()
 * either way.
 */
int	 conn_open(struct conn *c, const char *host, int port, int timeout,
	    struct diag *d);

/*
 * Use an already connected socket (tests, socketpair); it is made
 * non-blocking and owned by c from now on.
 */
void	 conn_attach(struct conn *c, int fd, const char *host, int port,
	    int timeout);

/* Replace the transport (STARTTLS / SMTPS). conn_pending() must be 0. */
void	 conn_set_transport(struct conn *c, const struct conn_transport *t);

/* Start a stage: names it in messages and restarts its timeout. */
void	 conn_stage(struct conn *c, enum smtp_stage stage);

/*
 * Queue n bytes for the next conn_flush() (no I/O).  Returns 0, or -1
 * with d set when more than OUTBUF_MAX bytes would be queued.
 */
int	 conn_queue(struct conn *c, const void *p, size_t n, struct diag *d);

/*
 * Make room for n more queued bytes, so that conn_queue() calls adding
 * up to n bytes never move the buffer: a secret queued first (a
 * pipelined AUTH) is not left behind in freed memory by a reallocation.
 * Returns 0, or -1 with d set when more than OUTBUF_MAX would be queued.
 */
int	 conn_reserve(struct conn *c, size_t n, struct diag *d);

/*
 * Write everything queued, in as few write calls as the transport takes
 * (one for a small pipelined group).  The timeout counts from the last
 * progress.  Returns 0 or -1 with d set (connection lost, timeout).
 */
int	 conn_flush(struct conn *c, struct diag *d);

/*
 * Queue body bytes and write whenever IO_CHUNK or more are queued, so
 * the body leaves in large writes.  Call conn_flush() after the last.
 */
int	 conn_write(struct conn *c, const void *p, size_t n, struct diag *d);

/*
 * Read one line ending in LF (a CR before it is removed) of at most
 * REPLY_LINE_MAX bytes, waiting until the stage deadline.  *line points
 * into c's buffer and stays valid until the next conn call; it is not
 * NUL-terminated and may contain any byte.  Returns 0, or -1 with d set:
 * timeout, connection closed or reset, line too long.
 */
int	 conn_read_line(struct conn *c, const char **line, size_t *len,
	    struct diag *d);

/*
 * Bytes received but not yet consumed, including those the transport
 * holds.  Must be 0 right after the reply to STARTTLS: anything more was
 * sent before the handshake and must be refused (CVE-2011-0411 class).
 */
size_t	 conn_pending(const struct conn *c);

/* Close the transport and the socket; free the buffers. Idempotent. */
void	 conn_close(struct conn *c);

#endif /* SENDSMTP_CONN_H */
