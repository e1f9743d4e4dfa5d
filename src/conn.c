/*
 * conn.c - resolve, connect with a timeout, buffered I/O over a transport.
 *
 * RFC 5321 4.5.3.2 (timeouts; we use one configurable per-stage value),
 * RFC 6555 in spirit (every address of the host is tried, IPv6 and IPv4
 * in getaddrinfo's RFC 6724 order), RFC 2920 (commands of a pipelined
 * group leave in one write: output is queued and flushed explicitly).
 *
 * Security: input is bounded (REPLY_LINE_MAX per line, IO_CHUNK buffer),
 * output is bounded (OUTBUF_MAX); every wait has a deadline.  Writes use
 * MSG_NOSIGNAL so a peer that closes cannot kill us with SIGPIPE.  This
 * file knows nothing about TLS: tls.c provides a struct conn_transport.
 * conn_pending() exposes buffered input for the STARTTLS injection check.
 */
#include "compat.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "bounds.h"
#include "conn.h"
#include "util.h"

static void	conn_init(struct conn *c, const char *host, int port,
		    int timeout);
static int	conn_try_addr(struct conn *c, const struct addrinfo *ai,
		    int *err);
static int	conn_wait(struct conn *c, short events, int ms);
static int	conn_ms_left(const struct conn *c);
static int	conn_fail(struct conn *c, struct diag *d, const char *what);
static int	conn_timeout(struct conn *c, struct diag *d, const char *what);
static int	conn_long_line(struct conn *c, struct diag *d);
static const char *conn_errstr(const struct conn *c);
static ssize_t	plain_read(void *ctx, int fd, void *p, size_t len);
static ssize_t	plain_write(void *ctx, int fd, const void *p, size_t len);

static const struct conn_transport plain_transport = {
	"TCP", plain_read, plain_write, NULL, NULL, NULL, NULL
};

static ssize_t
plain_read(void *ctx, int fd, void *p, size_t len)
{
	ssize_t n;

	(void)ctx;
	do
		n = recv(fd, p, len, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return CONN_WANT_READ;
	return n;
}

static ssize_t
plain_write(void *ctx, int fd, const void *p, size_t len)
{
	ssize_t n;

	(void)ctx;
	do
		n = send(fd, p, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return CONN_WANT_WRITE;
	return n;
}

static void
conn_init(struct conn *c, const char *host, int port, int timeout)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->host = xstrdup(host != NULL ? host : "the smarthost");
	c->port = port;
	c->timeout = timeout > 0 ? timeout : 60;
	c->tr = plain_transport;
	buf_init(&c->out, OUTBUF_MAX);
	c->in = xmalloc(IO_CHUNK);
	conn_stage(c, STAGE_CONNECT);
}

void
conn_stage(struct conn *c, enum smtp_stage stage)
{
	c->stage = stage;
	if (clock_gettime(CLOCK_MONOTONIC, &c->deadline) == -1)
		c->deadline.tv_sec = 0;	/* not reached on Linux */
	c->deadline.tv_sec += c->timeout;
}

/* Milliseconds until the stage deadline, 0 when it has passed. */
static int
conn_ms_left(const struct conn *c)
{
	struct timespec now;
	long long ms;

	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return 0;
	ms = (long long)(c->deadline.tv_sec - now.tv_sec) * 1000 +
	    (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
	if (ms <= 0)
		return 0;
	return ms > 24LL * 3600 * 1000 ? 24 * 3600 * 1000 : (int)ms;
}

/* poll() one fd; 1 ready, 0 timed out, -1 error (errno). */
static int
conn_wait(struct conn *c, short events, int ms)
{
	struct pollfd pfd;
	int n;

	pfd.fd = c->fd;
	pfd.events = events;
	pfd.revents = 0;
	do
		n = poll(&pfd, 1, ms);
	while (n == -1 && errno == EINTR);
	return n;
}

static const char *
conn_errstr(const struct conn *c)
{
	const char *s = NULL;

	if (c->tr.error != NULL)
		s = c->tr.error(c->tr.ctx);
	return s != NULL ? s : strerror(errno);
}

static int
conn_fail(struct conn *c, struct diag *d, const char *what)
{
	(void)diag_temp(d, c->stage, "connection to %s port %d lost during "
	    "%s: %s", c->host, c->port, diag_stage_name(c->stage), what);
	return diag_advise(d, DC_CONN_LOST, NULL);
}

static int
conn_timeout(struct conn *c, struct diag *d, const char *what)
{
	(void)diag_temp(d, c->stage, "timed out after %d s %s %s port %d "
	    "during %s", c->timeout, what, c->host, c->port,
	    diag_stage_name(c->stage));
	return diag_advise(d, DC_TIMEOUT, NULL);
}

static int
conn_long_line(struct conn *c, struct diag *d)
{
	(void)diag_temp(d, c->stage, "%s sent a reply line longer than %d "
	    "bytes during %s", c->host, REPLY_LINE_MAX,
	    diag_stage_name(c->stage));
	return diag_advise(d, DC_PROTOCOL, NULL);
}

/* One address: 0 connected, -1 failed with *err = errno (ETIMEDOUT). */
static int
conn_try_addr(struct conn *c, const struct addrinfo *ai, int *err)
{
	socklen_t len;
	int fd, one = 1, soerr = 0, rc;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		*err = errno;
		return -1;
	}
	c->fd = fd;
	conn_stage(c, STAGE_CONNECT);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS && errno != EINTR) {
			*err = errno;
			goto fail;
		}
		rc = conn_wait(c, POLLOUT, conn_ms_left(c));
		if (rc <= 0) {
			*err = rc == 0 ? ETIMEDOUT : errno;
			goto fail;
		}
		len = sizeof(soerr);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
			soerr = errno;
		if (soerr != 0) {
			*err = soerr;
			goto fail;
		}
	}
	/* Commands are already grouped by conn_flush; do not let Nagle
	 * hold the next group back for an ACK. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
fail:
	(void)close(fd);
	c->fd = -1;
	return -1;
}

int
conn_open(struct conn *c, const char *host, int port, int timeout,
    struct diag *d)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[16];
	int rc, err = 0, tried = 0;

	conn_init(c, host, port, timeout);
	if (host == NULL || *host == '\0') {
		(void)diag_set(d, EX_CONFIG, "no smarthost configured; set "
		    "\"host\" in sendsmtp.conf");
		return diag_advise(d, DC_CONFIG, NULL);
	}
	(void)snprintf(portstr, sizeof(portstr), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0) {
		if (rc == EAI_NONAME
#ifdef EAI_NODATA
		    || rc == EAI_NODATA
#endif
		    ) {
			(void)diag_temp(d, STAGE_CONNECT, "cannot resolve the "
			    "smarthost name %s: %s", host, gai_strerror(rc));
			return diag_advise(d, DC_DNS_NONAME, NULL);
		}
		(void)diag_temp(d, STAGE_CONNECT, "DNS lookup of the "
		    "smarthost %s failed: %s", host, rc == EAI_SYSTEM ?
		    strerror(errno) : gai_strerror(rc));
		return diag_advise(d, DC_DNS_FAIL, NULL);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		tried++;
		if (conn_try_addr(c, ai, &err) == 0)
			break;
	}
	freeaddrinfo(res);
	if (c->fd != -1)
		return 0;
	if (tried == 0) {
		(void)diag_temp(d, STAGE_CONNECT, "the smarthost name %s has "
		    "no IPv4 or IPv6 address", host);
		return diag_advise(d, DC_DNS_NOADDR, NULL);
	}
	if (err == ETIMEDOUT) {
		(void)diag_temp(d, STAGE_CONNECT, "cannot connect to %s port "
		    "%d: no answer within %d s (setting \"timeout\")", host,
		    port, c->timeout);
		return diag_advise(d, DC_CONN_TIMEOUT, NULL);
	}
	(void)diag_temp(d, STAGE_CONNECT, "cannot connect to %s port %d: %s",
	    host, port, strerror(err));
	return diag_advise(d, err == ECONNREFUSED ? DC_CONN_REFUSED :
	    err == ENETUNREACH || err == EHOSTUNREACH || err == ENETDOWN ?
	    DC_CONN_UNREACH : DC_CONN_REFUSED, NULL);
}

void
conn_attach(struct conn *c, int fd, const char *host, int port, int timeout)
{
	int fl;

	conn_init(c, host, port, timeout);
	c->fd = fd;
	fl = fcntl(fd, F_GETFL);
	if (fl != -1)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

void
conn_set_transport(struct conn *c, const struct conn_transport *t)
{
	c->tr = *t;
}

int
conn_queue(struct conn *c, const void *p, size_t n, struct diag *d)
{
	if (buf_add(&c->out, p, n) == -1)
		return diag_set(d, EX_SOFTWARE, "internal error: more than %d bytes "
		    "of SMTP output queued", OUTBUF_MAX);
	return 0;
}

int
conn_reserve(struct conn *c, size_t n, struct diag *d)
{
	size_t len = c->out.len;
	char *zero;
	int rc;

	if (c->out.data != NULL && c->out.cap > len + n)
		return 0;
	zero = xcalloc(1, n);
	rc = conn_queue(c, zero, n, d);
	free(zero);
	if (rc == -1)
		return -1;
	c->out.len = len;
	c->out.data[len] = '\0';
	return 0;
}

int
conn_flush(struct conn *c, struct diag *d)
{
	size_t off = 0;
	ssize_t n;
	int rc, wrote = 0;

	if (c->fd == -1)
		return conn_fail(c, d, "not connected");
	while (off < c->out.len) {
		n = c->tr.write(c->tr.ctx, c->fd, c->out.data + off,
		    c->out.len - off);
		if (n > 0) {
			off += (size_t)n;
			c->nwrite++;
			c->bytes_out += (unsigned long long)n;
			wrote = 1;
			/* the timeout counts from the last progress */
			conn_stage(c, c->stage);
			continue;
		}
		if (n == CONN_WANT_WRITE || n == CONN_WANT_READ) {
			rc = conn_wait(c, n == CONN_WANT_WRITE ? POLLOUT :
			    POLLIN, conn_ms_left(c));
			if (rc == 0) {
				buf_reset(&c->out);
				return conn_timeout(c, d, "sending to");
			}
			if (rc == -1) {
				buf_reset(&c->out);
				return conn_fail(c, d, strerror(errno));
			}
			continue;
		}
		buf_reset(&c->out);
		return conn_fail(c, d, n == 0 ? "nothing written" :
		    conn_errstr(c));
	}
	buf_reset(&c->out);
	if (wrote)
		c->nflush++;
	return 0;
}

int
conn_write(struct conn *c, const void *p, size_t n, struct diag *d)
{
	if (conn_queue(c, p, n, d) == -1)
		return -1;
	if (c->out.len >= IO_CHUNK)
		return conn_flush(c, d);
	return 0;
}

int
conn_read_line(struct conn *c, const char **line, size_t *len,
    struct diag *d)
{
	const char *start, *nl;
	size_t have;
	ssize_t n;
	int rc;

	for (;;) {
		start = c->in + c->in_off;
		have = c->in_len - c->in_off;
		nl = memchr(start, '\n', have);
		if (nl != NULL) {
			*line = start;
			*len = (size_t)(nl - start);
			c->in_off += *len + 1;
			if (*len > 0 && start[*len - 1] == '\r')
				(*len)--;
			if (*len > REPLY_LINE_MAX)
				return conn_long_line(c, d);
			return 0;
		}
		if (have > REPLY_LINE_MAX + 1)
			return conn_long_line(c, d);
		if (c->eof || c->fd == -1)
			return conn_fail(c, d, have > 0 ? "the server closed "
			    "the connection in the middle of a line" :
			    "the server closed the connection");
		if (c->in_off > 0) {
			memmove(c->in, start, have);
			c->in_off = 0;
			c->in_len = have;
		}
		n = c->tr.read(c->tr.ctx, c->fd, c->in + c->in_len,
		    IO_CHUNK - c->in_len);
		if (n > 0) {
			c->in_len += (size_t)n;
			c->bytes_in += (unsigned long long)n;
			continue;
		}
		if (n == 0) {
			c->eof = 1;
			continue;
		}
		if (n != CONN_WANT_READ && n != CONN_WANT_WRITE)
			return conn_fail(c, d, conn_errstr(c));
		rc = conn_wait(c, n == CONN_WANT_READ ? POLLIN : POLLOUT,
		    conn_ms_left(c));
		if (rc == 0)
			return conn_timeout(c, d, "waiting for");
		if (rc == -1)
			return conn_fail(c, d, strerror(errno));
	}
}

size_t
conn_pending(const struct conn *c)
{
	size_t n = c->in_len - c->in_off;

	if (c->tr.pending != NULL)
		n += c->tr.pending(c->tr.ctx);
	return n;
}

void
conn_close(struct conn *c)
{
	if (c->tr.close != NULL)
		c->tr.close(c->tr.ctx);
	c->tr = plain_transport;
	if (c->fd != -1)
		(void)close(c->fd);
	c->fd = -1;
	buf_free(&c->out);
	free(c->in);
	c->in = NULL;
	c->in_off = c->in_len = 0;
	free(c->host);
	c->host = NULL;
}
