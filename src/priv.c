/*
 * priv.c - detect, limit and drop the setgid privilege (design.md 6).
 *
 * No RFC.  The model: "make install" makes the binary setgid to a
 * dedicated group (default "sendsmtp", never "mail"); the config and any
 * password_file are root:GROUP 0640 and the spool root:GROUP 2770.  The
 * caller keeps its own uid, so the group is the only thing it gains, and
 * it gains it only through this program.
 *
 * WHAT RUNS WITH THE GROUP.  Everything after main() starts, for the
 * whole run: reading the config and the password_file, writing the spool
 * (tmp/, queue/, bounces), the queue runner, mailq, and appending to a
 * log file the config names.  Keeping it simple is deliberate: each of
 * those steps needs the group, and they are interleaved (a hybrid
 * delivery reads the secret after the message is in tmp/ and updates
 * the spool after the session).  The group is dropped (priv_drop) only
 * in the passwordeval child before execve: the command then runs as the
 * caller, with nothing the caller could not do alone (Debian's dash
 * would drop it anyway, and a shell that did not would run the caller's
 * rlimits and signals with the group).  For a secret only the group may
 * read, use password_file.
 *
 * WHAT A NON-ROOT CALLER CANNOT CHANGE while privileged
 * (priv_check_override): the config file (-C is refused with exit 77
 * before anything is opened), and through the environment nothing at
 * all: main.c cuts it to a short allow-list (FAKETIME and the sanitizer
 * options only when not privileged).  glibc already drops LD_*,
 * TMPDIR, LOCALDOMAIN, RES_OPTIONS, HOSTALIASES and friends for a
 * setgid program (AT_SECURE), GnuTLS reads its variables with
 * secure_getenv(), and sasl.c fixes the plugin and config paths.
 *
 * Security notes:
 *  - Every set*id call is checked by reading the ids back; a failure is
 *    fatal for the caller (it must not go on half-dropped).
 *  - A privileged process is made non-dumpable and gets RLIMIT_CORE 0,
 *    so neither a core file nor /proc/PID/mem shows the secret to the
 *    caller (the kernel does this for set-id programs already; this
 *    makes it explicit and survives a credential change).
 *  - Nothing here allocates; priv_drop(NULL) is async-signal-safe.
 */
#include "compat.h"

#include <sys/types.h>
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "diag.h"
#include "priv.h"

static int	 priv_flag;	/* priv_init sets it, priv_drop clears */
static gid_t	 priv_egid;	/* the effective gid priv_init saw */

static int	 priv_fail(struct diag *d, const char *what, int err);

/* d may be NULL: then nothing is formatted (async-signal-safe path). */
static int
priv_fail(struct diag *d, const char *what, int err)
{
	if (d == NULL)
		return -1;
	return diag_set(d, EX_OSERR, "cannot give up the setgid privilege: "
	    "%s%s%s; check the installation (the binary must be setgid, "
	    "never setuid)", what, err != 0 ? ": " : "",
	    err != 0 ? strerror(err) : "");
}

int
priv_init(struct diag *d)
{
	struct rlimit rl;

	priv_egid = getegid();
	priv_flag = priv_egid != getgid() || geteuid() != getuid();
	if (!priv_flag)
		return 0;
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		return diag_set(d, EX_OSERR, "cannot disable core dumps: "
		    "setrlimit: %s", strerror(errno));
#ifdef __linux__
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return diag_set(d, EX_OSERR, "cannot make the process "
		    "non-dumpable: prctl: %s", strerror(errno));
#endif
	return 0;
}

#ifdef __SANITIZE_ADDRESS__
/*
 * Sanitizer builds only.  LeakSanitizer's exit check ptraces the process,
 * which the kernel refuses for a setgid process (real and effective ids
 * differ), and ASAN_OPTIONS cannot switch it off there (/proc/self/environ
 * is root's for a non-dumpable process): without this a setgid test copy
 * of an ASan build would fail every run at exit.  Unprivileged runs keep
 * the leak check.
 */
const char	*__lsan_default_options(void);

const char *
__lsan_default_options(void)
{
	return getegid() != getgid() || geteuid() != getuid() ?
	    "detect_leaks=0" : "";
}
#endif

int
priv_privileged(void)
{
	return priv_flag;
}

int
priv_caller_is_root(void)
{
	return getuid() == 0;
}

int
priv_check_override(const char *what, struct diag *d)
{
	if (!priv_flag || priv_caller_is_root())
		return 0;
	return diag_set(d, EX_NOPERM, "%s is only allowed for root when "
	    "sendsmtp runs setgid; leave it out to use the system "
	    "configuration, or run a copy of sendsmtp without the setgid "
	    "bit", what);
}

int
priv_drop(struct diag *d)
{
	uid_t uid, ru, eu, su;
	gid_t gid, rg, eg, sg;

	if (!priv_flag)
		return 0;
	gid = getgid();
	uid = getuid();
	/* The group first: after the uid is dropped we may not be able to. */
	if (setresgid(gid, gid, gid) == -1)
		return priv_fail(d, "setresgid", errno);
	if (getresgid(&rg, &eg, &sg) == -1)
		return priv_fail(d, "getresgid", errno);
	if (rg != gid || eg != gid || sg != gid)
		return priv_fail(d, "setresgid left another group id", 0);
	if (geteuid() != uid) {
		if (setresuid(uid, uid, uid) == -1)
			return priv_fail(d, "setresuid", errno);
		if (getresuid(&ru, &eu, &su) == -1)
			return priv_fail(d, "getresuid", errno);
		if (ru != uid || eu != uid || su != uid)
			return priv_fail(d, "setresuid left another user id",
			    0);
	}
	/* For a non-root caller the group must not come back. */
	if (uid != 0 && priv_egid != gid && setegid(priv_egid) == 0)
		return priv_fail(d, "the group could be taken back", 0);
	priv_flag = 0;
	return 0;
}
