/*
 * log.h - diagnostics: stderr, syslog or a log file, and the fatal path.
 *
 * Three kinds of trouble (style.md 8):
 *   log_warn/log_warnx  something failed and we recover or report it;
 *   fatal/fatalx        the environment is broken: run the registered
 *                       cleanup, print one line, exit with a sysexits code;
 *   panic               an invariant is broken: abort().
 * log.c and main.c are the only files that call exit().
 */
#ifndef SENDSMTP_LOG_H
#define SENDSMTP_LOG_H

#include <stddef.h>

/* Set the name printed before every stderr line ("sendsmtp"). */
void	 log_init(const char *progname);
/*
 * Choose the log destination: "syslog", "off" or an absolute file path.
 * A destination that cannot be opened gives one warning and is ignored:
 * logging never blocks delivery.  ident is the syslog tag (NULL: progname).
 */
void	 log_open(const char *dest, const char *ident);
void	 log_close(void);
/* Silence stderr (-oeq); the log destination still gets everything. */
void	 log_set_quiet(int quiet);
/* Enable the -v SMTP transcript on stderr. */
void	 log_set_verbose(int verbose);
int	 log_is_verbose(void);

/* Warning on stderr and in the log. */
void	 log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, with ": strerror(errno)" appended. */
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Informational line for the log destination only (never stderr). */
void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * One line of the -v transcript on stderr.  dir is "<-" for what the
 * server said and "->" for what we sent; the line has no CRLF.
 */
void	 log_trace(const char *dir, const char *line, size_t len);

/* Called by fatal*() before exiting (e.g. unlink a temp file). */
void	 log_set_cleanup(void (*fn)(void *), void *arg);

__attribute__((noreturn, format(printf, 2, 3)))
void	 fatal(int code, const char *fmt, ...);
__attribute__((noreturn, format(printf, 2, 3)))
void	 fatalx(int code, const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 2)))
void	 panic(const char *fmt, ...);

#endif /* SENDSMTP_LOG_H */
