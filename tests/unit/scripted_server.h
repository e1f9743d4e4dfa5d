/*
 * scripted_server.h - a scripted SMTP peer for the unit tests.
 *
 * A thread plays a list of steps on one end of a socketpair (or on a
 * loopback TCP listener): each step expects ONE client write (one write
 * group, compared byte for byte), then sends a canned reply.  After the
 * script it records whatever the client still sends until it hangs up.
 * The first mismatch is kept as a "got X, want Y" line for
 * script_wait() to report.
 */
#ifndef SCRIPTED_SERVER_H
#define SCRIPTED_SERVER_H

#include <pthread.h>
#include <stddef.h>

enum script_op {
	SCRIPT_NONE = 0,
	SCRIPT_BODY,		/* read until the data ends with CRLF.CRLF */
	SCRIPT_CLOSE,		/* close at once after this step */
	SCRIPT_STALL		/* say nothing; wait for the hang-up */
};

struct script_step {
	const char	*expect;	/* bytes of ONE read; NULL: no read */
	const char	*send;		/* then send this, or NULL */
	enum script_op	 op;
};

struct script_server {
	int			 fd;
	int			 lfd;		/* TCP: accept first; else -1 */
	const struct script_step *steps;
	size_t			 nsteps;
	pthread_t		 th;
	char			 fail[2048];	/* first mismatch, or "" */
	char			 tail[4096];	/* what came after the script */
	size_t			 taillen;
	char			 sent[8192];	/* first bytes of all the client
						 * sent, script and tail */
	size_t			 nsent;
};

#define SCRIPT_NSTEPS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Start sv playing steps (n of them, not copied: they must outlive the
 * thread) on one end of a new socketpair; returns the client's end.
 * Fails the running check test on error.
 */
int	script_start(struct script_server *sv, const struct script_step *steps,
	    size_t n);

/*
 * The same on a new listener on the loopback address of family (AF_INET
 * or AF_INET6); the thread accepts one connection.  Returns the port, or
 * -1 when no listener of that family can be made (no IPv6 here).
 */
int	script_start_tcp(struct script_server *sv, int family,
	    const struct script_step *steps, size_t n);

/*
 * A listening socket on the loopback address of family (AF_INET or
 * AF_INET6) at a free port: returns the fd and sets *port, or -1 (no
 * such family here, or no free port).
 */
int	script_listen(int family, int *port);

/*
 * Join the server thread and close its listener, then assert that the
 * script ran without a mismatch and, unless want_tail is NULL, that the
 * client sent exactly want_tail after it.
 */
void	script_wait(struct script_server *sv, const char *want_tail);

/*
 * Printable form of n bytes at p for "got X, want Y" messages: CR and LF
 * as \r and \n, other bytes outside printable ASCII (and the backslash)
 * as \xHH; truncated to fit size.  Returns out.
 */
const char *script_esc(const char *p, size_t n, char *out, size_t size);

#endif /* SCRIPTED_SERVER_H */
