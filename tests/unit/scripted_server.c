/*
 * scripted_server.c - the scripted SMTP peer shared by test_smtp,
 * test_auth and test_tls (see scripted_server.h).
 *
 * Test code only: it trusts its script, bounds every read by its
 * buffers and gives up after 5 s of silence, so a client that hangs
 * fails the test instead of wedging it.
 */
#include "compat.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scripted_server.h"

#define SCRIPT_WAIT_MS	5000		/* silence that ends a read */
#define SCRIPT_READ_MAX	(128 * 1024)	/* one step's bytes, body included */

static ssize_t	script_read(struct script_server *, char *, size_t);
static size_t	script_step_read(struct script_server *,
		    const struct script_step *, char *);
static int	script_play(struct script_server *, char *);
static void	*script_run(void *);

/* One read with a time limit, copied to sv->sent; -1 on timeout. */
static ssize_t
script_read(struct script_server *sv, char *p, size_t n)
{
	struct pollfd pfd = { sv->fd, POLLIN, 0 };
	size_t room = sizeof(sv->sent) - 1 - sv->nsent;
	ssize_t r;

	if (poll(&pfd, 1, SCRIPT_WAIT_MS) != 1)
		return -1;
	r = read(sv->fd, p, n);
	if (r > 0) {
		memcpy(sv->sent + sv->nsent, p, (size_t)r < room ?
		    (size_t)r : room);
		sv->nsent += (size_t)r < room ? (size_t)r : room;
		sv->sent[sv->nsent] = '\0';
	}
	return r;
}

/* The client bytes of step st: one read, or a whole body. */
static size_t
script_step_read(struct script_server *sv, const struct script_step *st,
    char *got)
{
	size_t len = 0;
	ssize_t n;

	if (st->op == SCRIPT_BODY) {
		while (len < 5 || memcmp(got + len - 5, "\r\n.\r\n", 5)) {
			n = script_read(sv, got + len, SCRIPT_READ_MAX - len);
			if (n <= 0)
				break;
			len += (size_t)n;
		}
	} else if (st->expect != NULL) {
		n = script_read(sv, got, SCRIPT_READ_MAX);
		len = n > 0 ? (size_t)n : 0;
	}
	return len;
}

/* Play the steps; returns -1 when the thread must not read on. */
static int
script_play(struct script_server *sv, char *got)
{
	char e1[1024], e2[1024];
	const struct script_step *st;
	size_t i, len;

	for (i = 0; i < sv->nsteps; i++) {
		st = &sv->steps[i];
		len = script_step_read(sv, st, got);
		if (st->expect != NULL && (len != strlen(st->expect) ||
		    memcmp(got, st->expect, len) != 0)) {
			(void)snprintf(sv->fail, sizeof(sv->fail), "step %zu: "
			    "got \"%s\", want \"%s\"", i,
			    script_esc(got, len, e1, sizeof(e1)),
			    script_esc(st->expect, strlen(st->expect), e2,
			    sizeof(e2)));
			return 0;
		}
		if (st->send != NULL &&
		    write(sv->fd, st->send, strlen(st->send)) < 0)
			return 0;
		if (st->op == SCRIPT_CLOSE) {
			(void)close(sv->fd);
			sv->fd = -1;
			return -1;
		}
		if (st->op == SCRIPT_STALL)
			return 0;
	}
	return 0;
}

static void *
script_run(void *arg)
{
	struct script_server *sv = arg;
	char *got;
	ssize_t n;

	if (sv->lfd != -1) {
		sv->fd = accept(sv->lfd, NULL, NULL);
		if (sv->fd == -1) {
			(void)snprintf(sv->fail, sizeof(sv->fail), "accept");
			return NULL;
		}
	}
	if ((got = malloc(SCRIPT_READ_MAX)) == NULL) {
		(void)snprintf(sv->fail, sizeof(sv->fail), "out of memory");
		(void)close(sv->fd);
		return NULL;
	}
	if (script_play(sv, got) == -1) {
		free(got);
		return NULL;
	}
	free(got);
	/* Whatever the client still sends, until it hangs up. */
	while (sv->taillen < sizeof(sv->tail) - 1) {
		n = script_read(sv, sv->tail + sv->taillen,
		    sizeof(sv->tail) - 1 - sv->taillen);
		if (n <= 0)
			break;
		sv->taillen += (size_t)n;
	}
	sv->tail[sv->taillen] = '\0';
	(void)close(sv->fd);
	return NULL;
}

int
script_start(struct script_server *sv, const struct script_step *steps,
    size_t n)
{
	int sp[2];

	memset(sv, 0, sizeof(*sv));
	sv->lfd = -1;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	sv->fd = sp[1];
	sv->steps = steps;
	sv->nsteps = n;
	ck_assert_int_eq(pthread_create(&sv->th, NULL, script_run, sv), 0);
	return sp[0];
}

int
script_start_tcp(struct script_server *sv, int family,
    const struct script_step *steps, size_t n)
{
	int port;

	memset(sv, 0, sizeof(*sv));
	sv->fd = -1;
	sv->lfd = script_listen(family, &port);
	if (sv->lfd == -1)
		return -1;
	sv->steps = steps;
	sv->nsteps = n;
	ck_assert_int_eq(pthread_create(&sv->th, NULL, script_run, sv), 0);
	return port;
}

int
script_listen(int family, int *port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if ((fd = socket(family, SOCK_STREAM, 0)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, 1) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		(void)close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET ? sin->sin_port : sin6->sin6_port);
	return fd;
}

void
script_wait(struct script_server *sv, const char *want_tail)
{
	char e1[1024], e2[1024];

	ck_assert_int_eq(pthread_join(sv->th, NULL), 0);
	if (sv->lfd != -1) {
		(void)close(sv->lfd);
		sv->lfd = -1;
	}
	ck_assert_msg(sv->fail[0] == '\0', "server: %s", sv->fail);
	if (want_tail != NULL)
		ck_assert_msg(strcmp(sv->tail, want_tail) == 0, "after the "
		    "script: got \"%s\", want \"%s\"",
		    script_esc(sv->tail, sv->taillen, e1, sizeof(e1)),
		    script_esc(want_tail, strlen(want_tail), e2, sizeof(e2)));
}

const char *
script_esc(const char *p, size_t n, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; i < n && o + 5 < size; i++) {
		c = (unsigned char)p[i];
		if (c == '\r' || c == '\n') {
			out[o++] = '\\';
			out[o++] = c == '\r' ? 'r' : 'n';
		} else if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}
