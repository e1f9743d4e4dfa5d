/*
 * fuzz_cli.c - libFuzzer target: the sendmail command line
 * (cli_parse() in cli.c / cli_flags.c), what any local user controls.
 *
 * The input is split on NUL into argv (the first word is argv[0], so
 * "mailq", "newaliases", "rmail" ... are reached too).  Invariants: on
 * success the recipient array has nrcpts entries and a NULL end, kept
 * values hold no CR or LF, warnings are single lines; on failure the
 * diag names an exit code; cli_opts_free() is idempotent.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "fuzz.h"
#include "util.h"

#define FUZZ_ARGS_MAX	256

static void	 check_ok(const struct cli_opts *);

static void
check_value(const char *what, const char *s)
{
	if (s != NULL && strpbrk(s, "\r\n") != NULL)
		fuzz_fail("cli", "CR or LF kept in %s", what);
}

static void
check_ok(const struct cli_opts *o)
{
	int i;

	if (o->nrcpts < 0 || (o->nrcpts > 0 && o->rcpts == NULL))
		fuzz_fail("cli", "%d recipients, array %p", o->nrcpts,
		    (void *)o->rcpts);
	if (o->rcpts != NULL && o->rcpts[o->nrcpts] != NULL)
		fuzz_fail("cli", "recipient array not NULL-terminated");
	for (i = 0; i < o->nrcpts; i++)
		check_value("a recipient", o->rcpts[i]);
	check_value("-f", o->sender);
	check_value("-F", o->fullname);
	check_value("-C", o->config_path);
	check_value("-L", o->syslog_tag);
	check_value("-V", o->envid);
	check_value("-qR", o->queue_rcpt);
	check_value("-qI", o->queue_id);
	if (o->nwarnings < 0 || o->nwarnings > CLI_WARN_MAX)
		fuzz_fail("cli", "%d warnings", o->nwarnings);
	for (i = 0; i < o->nwarnings; i++)
		if (o->warnings[i] == NULL ||
		    strpbrk(o->warnings[i], "\r\n") != NULL)
			fuzz_fail("cli", "warning %d is not one line", i);
	if (o->verbose < 0 || o->verbose > 3)
		fuzz_fail("cli", "verbose %d", o->verbose);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli_opts opts;
	struct diag d;
	char *copy, *argv[FUZZ_ARGS_MAX + 1];
	size_t i;
	int argc = 0;

	copy = fuzz_dup0(data, size);
	argv[argc++] = copy;
	for (i = 0; i < size && argc < FUZZ_ARGS_MAX; i++)
		if (copy[i] == '\0')
			argv[argc++] = copy + i + 1;
	argv[argc] = NULL;

	memset(&opts, 0, sizeof(opts));
	diag_clear(&d);
	if (cli_parse(argc, argv, &opts, &d) == 0)
		check_ok(&opts);
	else if (d.exitcode != EX_USAGE && d.exitcode != EX_DATAERR)
		fuzz_fail("cli", "failure with exit code %d: %s", d.exitcode,
		    d.text);
	else if (opts.rcpts != NULL || opts.nrcpts != 0)
		fuzz_fail("cli", "failure left %d recipients", opts.nrcpts);
	cli_opts_free(&opts);
	cli_opts_free(&opts);
	free(copy);
	return 0;
}
