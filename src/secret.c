/*
 * secret.c - the account's password or OAuth2 token: "password",
 * "password_file" (first line of a secure file) or "passwordeval" (first
 * line printed by a command), as msmtp defines them.
 *
 * No RFC; the policy is design.md 6 and style.md 20-21.
 *
 * Security notes:
 *  - A password_file must pass config_check_secure() as a secret-holding
 *    file, checked with fstat on the open fd (no check-then-open race).
 *    It is opened with O_NOFOLLOW and O_NONBLOCK (a FIFO cannot stall us;
 *    it then fails the regular-file check).
 *  - passwordeval: the command comes from the root-owned config.  It is
 *    handed to /bin/sh through a pipe on fd 3, never through argv
 *    (/proc/PID/cmdline is world-readable) or the environment.  The
 *    child runs in its own process group so a timeout kills everything
 *    it started; SIGPIPE is reset to the default for it; it gives up
 *    the setgid group first (priv_drop), so it runs as the caller.
 *  - Every buffer that held secret bytes is wiped with explicit_bzero
 *    before it is freed or goes out of scope; messages never quote the
 *    secret or the command.
 */
#include "compat.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "diag.h"
#include "priv.h"
#include "secret.h"
#include "util.h"

extern char **environ;

/* The first line of a source as it arrives (output or file contents). */
struct secret_line {
	char	*data;		/* SECRET_MAX + 1 bytes */
	size_t	 len;
	int	 complete;	/* its LF was seen */
	int	 overlong;	/* more than SECRET_MAX bytes before the LF */
	int	 nul;		/* a NUL byte in it */
	size_t	 total;		/* every byte seen */
};

static void	secret_line_init(struct secret_line *l);
static void	secret_line_free(struct secret_line *l);
static void	secret_line_add(struct secret_line *l, const char *p,
		    size_t n);
static int	secret_line_take(struct secret_line *l, const char *what,
		    char **out, struct diag *d);
static int	secret_temp(struct diag *d, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static long	secret_ms_left(const struct timespec *deadline);
static int	secret_spawn(const char *cmd, pid_t *pid, int *fd,
		    struct diag *d);
static int	secret_collect(int fd, const struct timespec *deadline,
		    struct secret_line *l);
static int	secret_reap(pid_t pid, const struct timespec *deadline,
		    int *status);

/* A secret-source failure: always temporary (see secret.h). */
static int
secret_temp(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	char text[DIAG_TEXT_MAX];

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return diag_temp(d, STAGE_AUTH, "%s", text);
}

static void
secret_line_init(struct secret_line *l)
{
	memset(l, 0, sizeof(*l));
	l->data = xmalloc(SECRET_MAX + 1);
}

static void
secret_line_free(struct secret_line *l)
{
	if (l->data != NULL) {
		explicit_bzero(l->data, SECRET_MAX + 1);
		free(l->data);
	}
	memset(l, 0, sizeof(*l));
}

/* Keep the bytes up to the first LF; count (and drop) the rest. */
static void
secret_line_add(struct secret_line *l, const char *p, size_t n)
{
	size_t i;

	l->total += n;
	for (i = 0; i < n && !l->complete; i++) {
		if (p[i] == '\n') {
			l->complete = 1;
			break;
		}
		if (p[i] == '\0')
			l->nul = 1;
		if (l->len < SECRET_MAX)
			l->data[l->len++] = p[i];
		else
			l->overlong = 1;
	}
}

/* Check the line and hand out a copy (a CR before the LF is dropped). */
static int
secret_line_take(struct secret_line *l, const char *what, char **out,
    struct diag *d)
{
	if (l->len > 0 && l->data[l->len - 1] == '\r' && !l->overlong)
		l->len--;
	if (l->overlong)
		return secret_temp(d, "the first line of %s is longer than "
		    "%d bytes; it must hold only the password or token",
		    what, SECRET_MAX);
	if (l->nul)
		return secret_temp(d, "the first line of %s holds a NUL "
		    "byte; it must hold only the password or token", what);
	if (memchr(l->data, '\r', l->len) != NULL)
		return secret_temp(d, "the first line of %s holds a carriage "
		    "return; it must hold only the password or token", what);
	if (l->len == 0)
		return secret_temp(d, "%s gave an empty first line; it must "
		    "hold the password (or the OAuth2 access token)", what);
	*out = xstrndup(l->data, l->len);
	return 0;
}

int
secret_load(const struct secret_src *src, char **out, struct diag *d)
{
	int n = (src->password != NULL) + (src->file != NULL) +
	    (src->eval != NULL);

	*out = NULL;
	if (n != 1)
		return secret_temp(d, "%s password source is set; set exactly "
		    "one of password, password_file or passwordeval",
		    n == 0 ? "no" : "more than one");
	if (src->password != NULL) {
		if (*src->password == '\0')
			return secret_temp(d, "the password is empty; set "
			    "\"password\", password_file or passwordeval");
		if (strlen(src->password) > SECRET_MAX)
			return secret_temp(d, "the password is longer than %d "
			    "bytes", SECRET_MAX);
		*out = xstrdup(src->password);
		return 0;
	}
	if (src->file != NULL)
		return secret_read_file(src->file, out, d);
	return secret_eval(src->eval, src->timeout, out, d);
}

int
secret_read_file(const char *path, char **out, struct diag *d)
{
	struct secret_line l;
	struct diag cd;
	char chunk[4096], *what;
	ssize_t n;
	int fd, rc = -1;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP)
			return secret_temp(d, "password_file %s is a symbolic "
			    "link; name the file itself", path);
		return secret_temp(d, "cannot open password_file %s: %s; "
		    "check \"password_file\" in the configuration", path,
		    strerror(errno));
	}
	if (config_check_secure(fd, path, 1, &cd) == -1) {
		(void)close(fd);
		/* Keep the fix the check wrote, but never bounce mail. */
		return secret_temp(d, "password_file: %s", cd.text);
	}
	what = xasprintf("password_file %s", path);
	secret_line_init(&l);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			(void)secret_temp(d, "cannot read password_file %s: %s",
			    path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		secret_line_add(&l, chunk, (size_t)n);
		if (l.total > SECRET_FILE_MAX) {
			(void)secret_temp(d, "password_file %s is larger than "
			    "%d bytes; it must hold the password on its first "
			    "line", path, SECRET_FILE_MAX);
			goto out;
		}
	}
	rc = secret_line_take(&l, what, out, d);
out:
	explicit_bzero(chunk, sizeof(chunk));
	secret_line_free(&l);
	free(what);
	(void)close(fd);
	return rc;
}

/* Milliseconds until deadline (CLOCK_MONOTONIC), at least 0. */
static long
secret_ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? ms : 0;
}

/*
 * Start "/bin/sh -c '. /dev/fd/3'" with cmd readable on its fd 3 and its
 * stdout on the pipe *fd.  Returns 0 or -1 with d set.
 */
static int
secret_spawn(const char *cmd, pid_t *pid, int *fd, struct diag *d)
{
	static char *const argv[] = { "/bin/sh", "-c", ". /dev/fd/3", NULL };
	int in[2], outp[2], devnull, e;
	size_t len = strlen(cmd);

	if (len > CONF_LINE_MAX)
		return secret_temp(d, "the passwordeval command is longer "
		    "than %d bytes", CONF_LINE_MAX);
	if (pipe2(in, O_CLOEXEC) == -1)
		return secret_temp(d, "cannot run passwordeval: pipe: %s",
		    strerror(errno));
	if (pipe2(outp, O_CLOEXEC) == -1) {
		e = errno;
		(void)close(in[0]);
		(void)close(in[1]);
		return secret_temp(d, "cannot run passwordeval: pipe: %s",
		    strerror(e));
	}
	/* Far below the pipe's capacity: the write cannot block. */
	if (write(in[1], cmd, len) != (ssize_t)len ||
	    write(in[1], "\n", 1) != 1) {
		e = errno;
		(void)close(in[0]);
		(void)close(in[1]);
		(void)close(outp[0]);
		(void)close(outp[1]);
		return secret_temp(d, "cannot run passwordeval: write: %s",
		    strerror(e));
	}
	(void)close(in[1]);
	*pid = fork();
	if (*pid == 0) {
		/* Child: async-signal-safe calls only.  The command runs
		 * as the caller, without the setgid group (priv.c). */
		if (priv_drop(NULL) == -1)
			_exit(126);
		(void)setpgid(0, 0);
		(void)signal(SIGPIPE, SIG_DFL);
		devnull = open("/dev/null", O_RDONLY);
		/* Targets in this order: 0-2 are open, so every source is
		 * >= 3 and only fd 3, written last, can be a source. */
		if (devnull == -1 || dup2(outp[1], 1) == -1 ||
		    dup2(devnull, 0) == -1 || dup2(in[0], 3) == -1 ||
		    (in[0] == 3 && fcntl(3, F_SETFD, 0) == -1))
			_exit(126);
		closefrom(4);
		(void)execve(argv[0], argv, environ);
		_exit(127);
	}
	e = errno;
	(void)close(in[0]);
	(void)close(outp[1]);
	if (*pid == -1) {
		(void)close(outp[0]);
		return secret_temp(d, "cannot run passwordeval: fork: %s",
		    strerror(e));
	}
	*fd = outp[0];
	return 0;
}

/*
 * Read the child's output until EOF.  Returns 0 at EOF, 1 on timeout,
 * 2 when it printed too much, -1 on a read error.
 */
static int
secret_collect(int fd, const struct timespec *deadline, struct secret_line *l)
{
	struct pollfd pfd;
	char chunk[4096];
	ssize_t n;
	int rc = -1, pr;

	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		pr = poll(&pfd, 1, (int)secret_ms_left(deadline));
		if (pr == -1 && errno == EINTR)
			continue;
		if (pr == -1)
			break;
		if (pr == 0) {
			rc = 1;
			break;
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			break;
		if (n == 0) {
			rc = 0;
			break;
		}
		secret_line_add(l, chunk, (size_t)n);
		if (l->total > SECRET_EVAL_OUT_MAX) {
			rc = 2;
			break;
		}
	}
	explicit_bzero(chunk, sizeof(chunk));
	return rc;
}

/* Wait for the child until deadline; 0 with *status, 1 on timeout. */
static int
secret_reap(pid_t pid, const struct timespec *deadline, int *status)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		/* -1 other than EINTR: reaped already, nothing to wait for */
		if (r == -1 && errno != EINTR)
			return 0;
		if (secret_ms_left(deadline) == 0)
			return 1;
		(void)nanosleep(&nap, NULL);
	}
}

int
secret_eval(const char *cmd, int timeout, char **out, struct diag *d)
{
	struct secret_line l;
	struct timespec deadline;
	pid_t pid;
	int fd = -1, rc, e, status = 0;

	*out = NULL;
	if (timeout <= 0)
		timeout = 60;
	if (secret_spawn(cmd, &pid, &fd, d) == -1)
		return -1;
	(void)clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	secret_line_init(&l);
	rc = secret_collect(fd, &deadline, &l);
	e = errno;
	(void)close(fd);
	if (rc == 0 && secret_reap(pid, &deadline, &status) == 1)
		rc = 1;
	if (rc != 0) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
	}
	if (rc == -1)
		rc = secret_temp(d, "cannot read the output of the "
		    "passwordeval command: %s", strerror(e));
	else if (rc == 1)
		rc = secret_temp(d, "the passwordeval command did not finish "
		    "within %d s and was stopped; run it by hand: it must "
		    "print the password or token on its first line and exit",
		    timeout);
	else if (rc == 2)
		rc = secret_temp(d, "the passwordeval command printed more "
		    "than %d bytes; it must print the password or token on "
		    "its first line", SECRET_EVAL_OUT_MAX);
	else if (WIFSIGNALED(status))
		rc = secret_temp(d, "the passwordeval command was killed by "
		    "signal %d; run it by hand to see why", WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		rc = secret_temp(d, "the passwordeval command failed (exit "
		    "status %d); run it by hand as this user to see why",
		    WEXITSTATUS(status));
	else if (l.total == 0)
		rc = secret_temp(d, "the passwordeval command printed "
		    "nothing; its first line must be the password or the "
		    "OAuth2 access token");
	else
		rc = secret_line_take(&l, "the passwordeval output", out, d);
	secret_line_free(&l);
	return rc;
}
