/*
 * test_priv.c - priv.c (detection, the override rule, priv_drop, the
 * core-dump hardening) and the setgid owner rule of config_check_secure.
 *
 * The privileged cases fake a setgid start: as root, a forked child sets
 * its ids to what exec of a setgid binary would give (real ids of the
 * caller, effective and saved gid of the group) and then runs the
 * checks; it reports the first failure through a pipe.  Without root
 * only the unprivileged case runs.
 */
#include "compat.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <check.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "config.h"
#include "diag.h"
#include "priv.h"

#define FAKE_GROUP	4242	/* the "sendsmtp" group of the fake */
#define CALLER		65534	/* nobody / nogroup */

struct fake {
	const char	*name;
	uid_t		 ruid;		/* caller */
	gid_t		 rgid;
	int		 want_root;
	int		 want_override;	/* 0 or -1 */
};

static const struct fake fakes[] = {
	{ "non-root caller", CALLER, CALLER, 0, -1 },
	{ "root caller", 0, 0, 1, 0 },
};

static int	 report_fd = -1;
static char	 tmpdir[] = "/tmp/test_priv.XXXXXX";

static void	 report(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
static int	 open_owned(const char *name, uid_t owner, mode_t mode);
static void	 fake_child(const struct fake *f, int user_fd, int root_fd);

/* In the child: send the first failure to the parent and exit 1. */
static void
report(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)write(report_fd, buf, (size_t)n < sizeof(buf) ?
		    (size_t)n : sizeof(buf) - 1);
	_exit(1);
}

static int
open_owned(const char *name, uid_t owner, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_msg(fd != -1, "open %s failed", path);
	ck_assert_int_eq(fchown(fd, owner, 0), 0);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	return fd;
}

static void
fake_child(const struct fake *f, int user_fd, int root_fd)
{
	struct diag d;
	struct rlimit rl;
	gid_t rg, eg, sg;
	int rc;

	/* What exec of a setgid-FAKE_GROUP binary gives the caller. */
	if (setresgid(f->rgid, FAKE_GROUP, FAKE_GROUP) == -1 ||
	    setresuid(f->ruid, f->ruid, f->ruid) == -1)
		report("%s: cannot fake the ids", f->name);
	if (priv_init(&d) == -1)
		report("%s: priv_init: %s", f->name, d.text);
	if (priv_privileged() != 1)
		report("%s: priv_privileged: got %d, want 1", f->name,
		    priv_privileged());
	if (priv_caller_is_root() != f->want_root)
		report("%s: priv_caller_is_root: got %d, want %d", f->name,
		    priv_caller_is_root(), f->want_root);
	if (getrlimit(RLIMIT_CORE, &rl) == -1 || rl.rlim_cur != 0)
		report("%s: RLIMIT_CORE: got %lu, want 0", f->name,
		    (unsigned long)rl.rlim_cur);
#ifdef __linux__
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		report("%s: dumpable: got %d, want 0", f->name,
		    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
#endif
	diag_clear(&d);
	rc = priv_check_override("-C", &d);
	if (rc != f->want_override)
		report("%s: priv_check_override: got %d, want %d", f->name,
		    rc, f->want_override);
	if (rc == -1 && (d.exitcode != EX_NOPERM || strncmp(d.text,
	    "-C is only allowed for root when sendsmtp runs setgid",
	    53) != 0))
		report("%s: override refusal: got %d \"%s\", want 77 \"-C is "
		    "only allowed for root...\"", f->name, d.exitcode, d.text);
	/* Setgid: a file of the caller's own is not trusted, root's is. */
	diag_clear(&d);
	if (config_check_secure(user_fd, "user.conf", 0, &d) != -1 ||
	    d.exitcode != EX_CONFIG || strstr(d.text, "must be owned by "
	    "root (sendsmtp runs setgid)") == NULL)
		report("%s: caller-owned config: got \"%s\", want a refusal "
		    "naming root", f->name, d.text);
	if (config_check_secure(root_fd, "root.conf", 1, &d) != 0)
		report("%s: root-owned 0640 config: got \"%s\", want OK",
		    f->name, d.text);
	if (priv_drop(&d) != 0)
		report("%s: priv_drop: %s", f->name, d.text);
	if (getresgid(&rg, &eg, &sg) == -1 || rg != f->rgid ||
	    eg != f->rgid || sg != f->rgid)
		report("%s: after priv_drop: gids %lu/%lu/%lu, want %lu",
		    f->name, (unsigned long)rg, (unsigned long)eg,
		    (unsigned long)sg, (unsigned long)f->rgid);
	if (priv_privileged() != 0)
		report("%s: privileged after the drop", f->name);
	if (f->ruid != 0 && setegid(FAKE_GROUP) == 0)
		report("%s: the group came back after the drop", f->name);
	if (priv_check_override("-C", &d) != 0)
		report("%s: override refused after the drop", f->name);
	/* Unprivileged: the caller's own file is fine again. */
	if (f->ruid == CALLER &&
	    config_check_secure(user_fd, "user.conf", 0, &d) != 0)
		report("%s: own config after the drop: got \"%s\", want OK",
		    f->name, d.text);
	_exit(0);
}

START_TEST(unprivileged_allows_everything)
{
	struct diag d;
	gid_t rg, eg, sg, g0 = getegid();

	ck_assert_int_eq(priv_init(&d), 0);
	ck_assert_msg(priv_privileged() == 0, "privileged: got %d, want 0",
	    priv_privileged());
	ck_assert_int_eq(priv_caller_is_root(), getuid() == 0);
	ck_assert_msg(priv_check_override("-C", &d) == 0,
	    "override: got -1 \"%s\", want 0", d.text);
	ck_assert_int_eq(priv_drop(&d), 0);
	ck_assert_int_eq(priv_drop(NULL), 0);
	ck_assert_int_eq(getresgid(&rg, &eg, &sg), 0);
	ck_assert_msg(eg == g0, "egid: got %lu, want %lu", (unsigned long)eg,
	    (unsigned long)g0);
}
END_TEST

START_TEST(fake_setgid_start)
{
	const struct fake *f = &fakes[_i];
	char msg[512];
	ssize_t n;
	pid_t pid;
	int p[2], status, user_fd, root_fd;

	if (geteuid() != 0) {
		fprintf(stderr, "test_priv: not root: %s skipped\n", f->name);
		return;
	}
	user_fd = open_owned("user.conf", CALLER, 0600);
	root_fd = open_owned("root.conf", 0, 0640);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		(void)close(p[0]);
		report_fd = p[1];
		fake_child(f, user_fd, root_fd);
	}
	(void)close(p[1]);
	memset(msg, 0, sizeof(msg));
	n = read(p[0], msg, sizeof(msg) - 1);
	(void)close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "%s: got status %d (%s), want exit 0", f->name, status,
	    n > 0 ? msg : "no message");
	(void)close(user_fd);
	(void)close(root_fd);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("priv");
	TCase *tc = tcase_create("priv");
	SRunner *sr;
	char path[256];
	int failed;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	tcase_add_test(tc, unprivileged_allows_everything);
	tcase_add_loop_test(tc, fake_setgid_start, 0,
	    (int)(sizeof(fakes) / sizeof(fakes[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(path, sizeof(path), "%s/user.conf", tmpdir);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/root.conf", tmpdir);
	(void)unlink(path);
	(void)rmdir(tmpdir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
