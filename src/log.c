/*
 * log.c - stderr, syslog and file logging; the fatal path.
 *
 * Security: log lines never carry secrets; callers redact AUTH payloads
 * before calling log_trace().  A log file that cannot be opened or written
 * is reported once and then ignored, so a caller without write access to
 * it (PHP, cron users) still gets its mail delivered.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"

enum log_dest { LOG_DEST_NONE, LOG_DEST_SYSLOG, LOG_DEST_FILE };

static const char	*log_progname = "sendsmtp";
static enum log_dest	 log_dest = LOG_DEST_NONE;
static int		 log_fd = -1;
static int		 log_quiet;
static int		 log_verbose;
static void		(*log_cleanup_fn)(void *);
static void		*log_cleanup_arg;

static void	log_emit(int prio, int to_stderr, const char *fmt, va_list ap,
		    const char *suffix) __attribute__((format(printf, 3, 0)));
static void	log_to_dest(int prio, const char *msg);

void
log_init(const char *progname)
{
	if (progname != NULL && *progname != '\0')
		log_progname = progname;
}

void
log_open(const char *dest, const char *ident)
{
	log_close();
	if (dest == NULL || strcmp(dest, "off") == 0)
		return;
	if (strcmp(dest, "syslog") == 0) {
		openlog(ident != NULL ? ident : log_progname, LOG_PID, LOG_MAIL);
		log_dest = LOG_DEST_SYSLOG;
		return;
	}
	log_fd = open(dest, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0640);
	if (log_fd == -1) {
		int saved = errno;

		log_dest = LOG_DEST_NONE;
		if (!log_quiet)
			fprintf(stderr, "%s: warning: cannot open log file %s: "
			    "%s; logging to it is off for this run (make it "
			    "writable by the caller or use \"log syslog\")\n",
			    log_progname, dest, strerror(saved));
		return;
	}
	log_dest = LOG_DEST_FILE;
}

void
log_close(void)
{
	if (log_dest == LOG_DEST_SYSLOG)
		closelog();
	if (log_fd != -1)
		(void)close(log_fd);
	log_fd = -1;
	log_dest = LOG_DEST_NONE;
}

void
log_set_quiet(int quiet)
{
	log_quiet = quiet;
}

void
log_set_verbose(int verbose)
{
	log_verbose = verbose;
}

int
log_is_verbose(void)
{
	return log_verbose;
}

static void
log_to_dest(int prio, const char *msg)
{
	char line[LOG_LINE_MAX + 128], stamp[64];
	struct tm tm;
	time_t now;
	int n;

	if (log_dest == LOG_DEST_SYSLOG) {
		syslog(prio, "%s", msg);
		return;
	}
	if (log_dest != LOG_DEST_FILE)
		return;
	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		stamp[0] = '\0';
	n = snprintf(line, sizeof(line), "%s %s[%ld]: %s\n", stamp,
	    log_progname, (long)getpid(), msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* One write per line so concurrent writers do not interleave. */
	if (write(log_fd, line, (size_t)n) != n) {
		(void)close(log_fd);
		log_fd = -1;
		log_dest = LOG_DEST_NONE;
	}
}

static void
log_emit(int prio, int to_stderr, const char *fmt, va_list ap,
    const char *suffix)
{
	char msg[LOG_LINE_MAX];
	size_t len;

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	if (suffix != NULL) {
		len = strlen(msg);
		(void)snprintf(msg + len, sizeof(msg) - len, ": %s", suffix);
	}
	/* A diagnostic is one line: fold any embedded line breaks. */
	for (len = 0; msg[len] != '\0'; len++)
		if (msg[len] == '\r' || msg[len] == '\n')
			msg[len] = ' ';
	if (to_stderr && !log_quiet)
		fprintf(stderr, "%s: %s\n", log_progname, msg);
	log_to_dest(prio, msg);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, 1, fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, 1, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_INFO, 0, fmt, ap, NULL);
	va_end(ap);
}

void
log_trace(const char *dir, const char *line, size_t len)
{
	if (!log_verbose)
		return;
	if (len > 1000)
		fprintf(stderr, "%s %.*s... (%zu bytes)\n", dir, 1000, line,
		    len);
	else
		fprintf(stderr, "%s %.*s\n", dir, (int)len, line);
}

void
log_set_cleanup(void (*fn)(void *), void *arg)
{
	log_cleanup_fn = fn;
	log_cleanup_arg = arg;
}

static void
log_run_cleanup(void)
{
	void (*fn)(void *) = log_cleanup_fn;

	log_cleanup_fn = NULL;
	if (fn != NULL)
		fn(log_cleanup_arg);
}

void
fatal(int code, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	log_run_cleanup();
	va_start(ap, fmt);
	log_emit(LOG_ERR, 1, fmt, ap, strerror(saved));
	va_end(ap);
	exit(code);
}

void
fatalx(int code, const char *fmt, ...)
{
	va_list ap;

	log_run_cleanup();
	va_start(ap, fmt);
	log_emit(LOG_ERR, 1, fmt, ap, NULL);
	va_end(ap);
	exit(code);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, 1, fmt, ap, NULL);
	va_end(ap);
	abort();
}
