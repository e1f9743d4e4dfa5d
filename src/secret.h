/*
 * secret.h - the password or OAuth2 access token of the account, from
 * exactly one source (sendsmtp.conf(5)): "password", "password_file" or
 * "passwordeval".
 *
 * Every function returns a newly allocated NUL-terminated secret in *out
 * that the caller wipes and frees with freezero_str() as soon as it has
 * handed it on (sasl.c keeps its own copy for the exchange).  The secret
 * is the first line of its source, without the line end; it is never
 * empty, never longer than SECRET_MAX bytes and never holds NUL, CR or
 * LF.  No message ever quotes it.
 *
 * Failures are TEMPFAIL (EX_TEMPFAIL, stage STAGE_AUTH): a broken
 * password source is a setup problem the administrator fixes, and mail
 * must wait in the queue meanwhile rather than bounce (design.md 3).
 */
#ifndef SENDSMTP_SECRET_H
#define SENDSMTP_SECRET_H

#include "diag.h"

/* Where the secret comes from: exactly one of the three is set. */
struct secret_src {
	const char	*password;	/* the value itself (config.c owns) */
	const char	*file;		/* password_file */
	const char	*eval;		/* passwordeval command */
	int		 timeout;	/* seconds for eval; <= 0 means 60 */
};

/*
 * The secret of src.  Returns 0 with *out set, or -1 with d set (and
 * *out NULL): no source or more than one, or the errors below.
 */
int	 secret_load(const struct secret_src *src, char **out,
	    struct diag *d);

/*
 * The first line of the file at path.  The file is opened without
 * following a symbolic link and without blocking, and must pass
 * config_check_secure() as a secret (a regular file owned by root, or
 * by us when not setgid; not group- or world-writable, not
 * world-readable); it may be at
 * most SECRET_FILE_MAX bytes.  Errors: cannot open, insecure (the text
 * gives the chmod/chown fix), too big, empty first line, first line
 * longer than SECRET_MAX, a NUL byte.
 */
int	 secret_read_file(const char *path, char **out, struct diag *d);

/*
 * Run cmd with /bin/sh and take the first line it prints.  The command
 * reaches the shell through a pipe on fd 3 (the shell runs ". /dev/fd/3"),
 * so it never appears in any process's argv, where every local user
 * could read it; the child gets the current environment (main.c has
 * already cut it to an allow-list and a fixed PATH), stdin from
 * /dev/null, stdout to us, stderr unchanged, and its own process group.
 * When sendsmtp runs setgid the child gives up the group before it
 * starts the shell (priv_drop): the command runs as the caller.
 * We read at most SECRET_EVAL_OUT_MAX bytes; after timeout seconds the
 * whole group is killed.  Errors: cannot start, killed by a signal,
 * non-zero exit status, timeout, no output or an empty first line, a
 * first line longer than SECRET_MAX, a NUL byte, too much output.
 */
int	 secret_eval(const char *cmd, int timeout, char **out,
	    struct diag *d);

#endif /* SENDSMTP_SECRET_H */
