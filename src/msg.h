/*
 * msg.h - message intake: stdin -> a private file holding the message
 * exactly as it will go on the wire (before dot-stuffing).
 *
 * The file holds CRLF line endings only (LF, CRLF and mixtures accepted
 * on input), no line longer than 998 octets, no Bcc/Resent-Bcc/
 * Return-Path headers and no leading mbox "From " lines, with Date,
 * Message-ID and From (or their Resent- forms) added when missing.
 * Memory use does not depend on the message size: only one header field
 * at a time (bounded) is held.
 */
#ifndef SENDSMTP_MSG_H
#define SENDSMTP_MSG_H

#include <sys/types.h>
#include <time.h>

#include "aliases.h"
#include "diag.h"
#include "envelope.h"

struct msg {
	int	 fd;		/* read/write, positioned anywhere; -1 if none */
	char	*path;		/* the file under tmpdir, or NULL */
	off_t	 size;		/* bytes in the file (wire size, no stuffing) */
	int	 eightbit;	/* some octet >= 0x80 */
	int	 smtputf8;	/* 8-bit octets in an address header */
};

struct msg_opts {
	int		 extract_rcpts;	/* -t: recipients from headers */
	int		 ignore_dots;	/* -i: a lone "." does not end input */
	const char	*fullname;	/* -F, else gecos; for a generated From */
	const char	*sender;	/* envelope sender for a generated From
					 * ("" = null sender -> MAILER-DAEMON) */
	const char	*domain;	/* for bare local names and Message-ID */
	time_t		 now;		/* for Date: */
	/* Local addresses (policy.h).  When set: -t recipients go through
	 * aliases_expand(local, aliases), and the addresses of From, To,
	 * Cc, Reply-To, Sender and their Resent- forms that are local
	 * ("root", "root@shorthost") are qualified in the header itself,
	 * display names, comments and folding kept (hdrfix.h). */
	const struct alias_ctx *local;
	const struct aliases *aliases;	/* may be NULL */
	/* sender_policy header: From: gets this address (the display name
	 * is kept), and Reply-To: the original address when it differs
	 * and the message has no Reply-To.  NULL: From: is kept. */
	const char	*from_rewrite;
};

/*
 * Read infd to end of input (EOF, or a lone "." line without -i; the
 * unread rest is drained), writing the wire form to a new 0600 file in
 * tmpdir (O_EXCL, random name).  With -t, adds To/Cc/Bcc (or Resent-To/
 * Cc/Bcc under the Postfix rule) recipients to env, qualified with
 * o->domain.  Sets env->eightbit / env->smtputf8 from the content.
 * Returns 0, or -1 with d set and no file left behind:
 *   EX_DATAERR (65) malformed input that cannot be sent (NUL policy,
 *   unparsable address in a recipient header), EX_IOERR (74) reading
 *   stdin, EX_CANTCREAT (73) / EX_TEMPFAIL (75) for the temp file.
 * On success m->fd is open read/write at offset 0 and m->path names the
 * file (the caller owns both: msg_discard() or rename it into the queue).
 * Policies (bare CR, NUL, long lines, -t, added fields): see msg.c.
 */
int	 msg_read(int infd, const char *tmpdir, const struct msg_opts *o,
	    struct msg *m, struct envelope *env, struct diag *d);

/*
 * The same intake, pushed: for input that is not a file descriptor of
 * its own (the DATA of -bs).  msg_begin() creates the file (NULL with d
 * set, as msg_read); msg_push() takes the next n octets (0, or -1 with d
 * set: stop pushing and call msg_end); msg_end() finishes the message
 * and releases in: 0 with m as after msg_read(), or -1 with d set (the
 * first error) and no file left.  o, env and d must outlive in.
 * Octets pushed after a lone "." line (without ignore_dots) are ignored.
 */
struct msg_in;
struct msg_in *msg_begin(const char *tmpdir, const struct msg_opts *o,
	    struct msg *m, struct envelope *env, struct diag *d);
int	 msg_push(struct msg_in *in, const char *p, size_t n);
int	 msg_end(struct msg_in *in);

/* Close and unlink the file; safe on a zeroed or already discarded msg. */
void	 msg_discard(struct msg *m);

/*
 * Read fd to end of file and discard the data (read errors end it too),
 * so a writer on the other end of a pipe does not get SIGPIPE.
 * msg_read() drains by itself after a lone "."; after an error it stops
 * reading at once and leaves draining to the caller.
 */
void	 msg_drain(int fd);

#endif /* SENDSMTP_MSG_H */
