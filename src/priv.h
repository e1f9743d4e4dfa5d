/*
 * priv.h - the setgid privilege model (design.md 6).
 *
 * The installed binary is setgid to a dedicated group (configure
 * --with-group, default "sendsmtp").  "Privileged" means the process
 * started with an effective id its caller does not have: getegid() !=
 * getgid() or geteuid() != getuid().  A non-setgid build, and the same
 * binary run by a member of nothing special without the setgid bit,
 * is never privileged, and every function below then allows everything.
 *
 * State is one process-wide flag set by priv_init(); nothing here
 * allocates memory.
 */
#ifndef SENDSMTP_PRIV_H
#define SENDSMTP_PRIV_H

#include "diag.h"

/*
 * Record whether the process runs with extra privileges.  Call it first
 * in main(), before the environment is reduced or a file is opened.
 * When privileged it also forbids core dumps (RLIMIT_CORE 0 and
 * PR_SET_DUMPABLE 0: the process holds the account's secret).  Returns
 * 0, or -1 with d set to EX_OSERR when that hardening fails.
 */
int	 priv_init(struct diag *d);

/* 1 while the process holds privileges its caller lacks, else 0. */
int	 priv_privileged(void);

/* 1 when the real uid (the caller) is root. */
int	 priv_caller_is_root(void);

/*
 * May the caller change what the credentialed account uses (config file,
 * host, port, TLS policy, trust store, SASL plugin path, log
 * destination)?  Yes when the process is not privileged or the caller is
 * root.  Otherwise returns -1 with d set to EX_NOPERM (77) and one line
 * naming what (e.g. "-C") and the fix; 0 when allowed.  Call it before
 * anything named by the override is opened.
 */
int	 priv_check_override(const char *what, struct diag *d);

/*
 * Give up the extra group (and uid, should the binary ever be setuid)
 * for good: setresgid(gid, gid, gid), then setresuid(uid, uid, uid) when
 * needed, each checked with getresgid/getresuid afterwards.  A no-op
 * returning 0 when not privileged.  Returns 0, or -1 with d set to
 * EX_OSERR (71); d may be NULL, and then only async-signal-safe calls
 * are made (for a forked child before execve).
 */
int	 priv_drop(struct diag *d);

#endif /* SENDSMTP_PRIV_H */
