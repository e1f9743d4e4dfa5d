/*
 * test_cli.c - the sendmail command line parser (src/cli.c).
 *
 * One table of argv vectors: every client invocation in compat.md
 * section 1, every flag in the section 2 table (implemented, ignored
 * with its argument consumed, rejected naming the flag), bundling,
 * attached and separate arguments, "--", argv[0] names, the
 * CVE-2016-10033 vectors (-X, -O...Directory, -oQ, -D: their argument
 * must never become a recipient), CR/LF and missing arguments.  Every
 * case checks every field of struct cli_opts, not just the return code.
 * Over-long values, limits and a random-argv robustness run follow.
 */
#include "compat.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "util.h"

#define CASE_ARGV_MAX	16
#define CASE_RCPT_MAX	6

#define NOTIFY_SFD	(DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE | \
			    DSN_NOTIFY_DELAY)
#define NOTIFY_FD	(DSN_NOTIFY_FAILURE | DSN_NOTIFY_DELAY)

struct cli_case {
	const char	*name;
	const char	*argv[CASE_ARGV_MAX];	/* NULL-terminated */
	int		 exitcode;	/* 0: cli_parse must succeed */
	const char	*errsub;	/* must appear in d.text on failure */
	enum cli_mode	 mode;
	int		 t, i, v, json;
	const char	*sender, *fullname, *config, *tag;
	unsigned	 notify;
	enum dsn_ret	 ret;
	const char	*envid;
	enum body_type	 body;
	enum delivery_mode delivery;
	enum error_mode	 errmode;
	const char	*qrcpt, *qid;
	const char	*rcpts[CASE_RCPT_MAX];	/* NULL-terminated */
	const char	*warn;		/* substring of a warning; NULL: none */
};

static const struct cli_case cases[] = {
	/* ---- compat.md section 1: real clients ---- */
	{ .name = "PHP mail() default",
	  .argv = { "sendmail", "-t", "-i" }, .t = 1, .i = 1 },
	{ .name = "PHP 5th arg attached",
	  .argv = { "/usr/sbin/sendmail", "-t", "-i", "-fbounce@x.example" },
	  .t = 1, .i = 1, .sender = "bounce@x.example" },
	{ .name = "PHP 5th arg separate",
	  .argv = { "sendmail", "-t", "-i", "-f", "bounce@x.example" },
	  .t = 1, .i = 1, .sender = "bounce@x.example" },
	{ .name = "PHP 5th arg -r",
	  .argv = { "sendmail", "-t", "-i", "-rbounce@x.example" },
	  .t = 1, .i = 1, .sender = "bounce@x.example" },
	{ .name = "PHPMailer repeated flags",
	  .argv = { "sendmail", "-t", "-i", "-oi", "-fme@x.example", "-t" },
	  .t = 1, .i = 1, .sender = "me@x.example" },
	{ .name = "PHPMailer without sender",
	  .argv = { "/usr/sbin/sendmail", "-oi", "-t" }, .t = 1, .i = 1 },
	{ .name = "Debian cron",
	  .argv = { "/usr/sbin/sendmail", "-FCronDaemon", "-i",
	    "-B8BITMIME", "-oem", "a@x,b@y" },
	  .i = 1, .fullname = "CronDaemon", .body = BODY_8BITMIME,
	  .errmode = ERRMODE_MAIL, .rcpts = { "a@x,b@y" } },
	{ .name = "cronie",
	  .argv = { "/usr/sbin/sendmail", "-FCronDaemon", "-i", "-odi",
	    "-oem", "-oi", "-t", "-f", "root" },
	  .t = 1, .i = 1, .fullname = "CronDaemon", .sender = "root",
	  .delivery = DELIVERY_HYBRID, .errmode = ERRMODE_MAIL },
	{ .name = "bsd-mailx -r",
	  .argv = { "sendmail", "-i", "-t", "-f", "ops@x.example" },
	  .t = 1, .i = 1, .sender = "ops@x.example" },
	{ .name = "GNU mailutils",
	  .argv = { "sendmail", "-oi", "-f", "root@vm", "-t" },
	  .t = 1, .i = 1, .sender = "root@vm" },
	{ .name = "s-nail",
	  .argv = { "sendmail", "-i", "-m", "-v", "-f", "me@x", "--",
	    "r1@x", "r2@y" },
	  .i = 1, .v = 1, .sender = "me@x", .rcpts = { "r1@x", "r2@y" } },
	{ .name = "mutt",
	  .argv = { "/usr/sbin/sendmail", "-oem", "-oi", "-f", "a@x",
	    "-B8BITMIME", "-N", "failure,delay", "-R", "hdrs", "--",
	    "r1@x", "-dash" },
	  .i = 1, .sender = "a@x", .body = BODY_8BITMIME, .notify = NOTIFY_FD,
	  .ret = DSN_RET_HDRS, .errmode = ERRMODE_MAIL,
	  .rcpts = { "r1@x", "-dash" } },
	{ .name = "git send-email",
	  .argv = { "/usr/sbin/sendmail", "-f", "dev@x", "-i", "a@x",
	    "b@y" },
	  .i = 1, .sender = "dev@x", .rcpts = { "a@x", "b@y" } },
	{ .name = "Ruby mail gem",
	  .argv = { "/usr/sbin/sendmail", "-i", "-f", "from@x", "--",
	    "rcpt@y" },
	  .i = 1, .sender = "from@x", .rcpts = { "rcpt@y" } },
	{ .name = "fail2ban",
	  .argv = { "/usr/sbin/sendmail", "-f", "fail2ban", "root" },
	  .sender = "fail2ban", .rcpts = { "root" } },
	{ .name = "atd",
	  .argv = { "/usr/sbin/sendmail", "-i", "alice" },
	  .i = 1, .rcpts = { "alice" } },
	{ .name = "rkhunter",
	  .argv = { "/usr/sbin/sendmail", "root" }, .rcpts = { "root" } },
	{ .name = "Alpine",
	  .argv = { "/usr/sbin/sendmail", "-bs", "-odb", "-oem" },
	  .mode = MODE_SMTP, .delivery = DELIVERY_BACKGROUND,
	  .errmode = ERRMODE_MAIL },
	{ .name = "logwatch / mdadm / sudo",
	  .argv = { "sendmail", "-t" }, .t = 1 },
	{ .name = "reportbug",
	  .argv = { "sendmail", "-f", "me@x", "-oi", "-oem", "bugs@y" },
	  .i = 1, .sender = "me@x", .errmode = ERRMODE_MAIL,
	  .rcpts = { "bugs@y" } },
	{ .name = "PHP app: Name <addr> recipient",
	  .argv = { "sendmail", "-i", "Jane Doe <jane@x>" },
	  .i = 1, .rcpts = { "Jane Doe <jane@x>" } },

	/* ---- bundling, attached / separate, -- ---- */
	{ .name = "bundle -ti", .argv = { "sendmail", "-ti" }, .t = 1,
	  .i = 1 },
	{ .name = "bundle -it", .argv = { "sendmail", "-it" }, .t = 1,
	  .i = 1 },
	{ .name = "bundle -tv", .argv = { "sendmail", "-tv" }, .t = 1,
	  .v = 1 },
	{ .name = "bundle ending in -f, separate value",
	  .argv = { "sendmail", "-tif", "a@x", "r@y" },
	  .t = 1, .i = 1, .sender = "a@x", .rcpts = { "r@y" } },
	{ .name = "bundle ending in -f, attached value",
	  .argv = { "sendmail", "-itfa@x" }, .t = 1, .i = 1,
	  .sender = "a@x" },
	{ .name = "bundle -tbs", .argv = { "sendmail", "-tbs" }, .t = 1,
	  .mode = MODE_SMTP },
	{ .name = "-- ends options",
	  .argv = { "sendmail", "--", "-t", "-fx" },
	  .rcpts = { "-t", "-fx" } },
	{ .name = "only the first -- is special",
	  .argv = { "sendmail", "-t", "--", "-x", "--", "y" },
	  .t = 1, .rcpts = { "-x", "--", "y" } },
	{ .name = "first non-option ends options",
	  .argv = { "sendmail", "root", "-t", "-i" },
	  .rcpts = { "root", "-t", "-i" } },
	{ .name = "lone - is a non-option",
	  .argv = { "sendmail", "-i", "-", "-t" },
	  .i = 1, .rcpts = { "-", "-t" } },
	{ .name = "empty argument is a recipient element",
	  .argv = { "sendmail", "" }, .rcpts = { "" } },

	/* ---- argv[0] ---- */
	{ .name = "argv0 sendsmtp", .argv = { "sendsmtp" } },
	{ .name = "argv0 unknown name", .argv = { "/opt/bin/my-mailer" } },
	{ .name = "argv0 empty", .argv = { "" } },
	{ .name = "argv0 mailq", .argv = { "/usr/bin/mailq" },
	  .mode = MODE_LIST },
	{ .name = "mailq -v", .argv = { "mailq", "-v" }, .mode = MODE_LIST,
	  .v = 1 },
	{ .name = "mailq -qR filters the list",
	  .argv = { "mailq", "-qRexample.org" }, .mode = MODE_LIST,
	  .qrcpt = "example.org" },
	{ .name = "argv0 newaliases", .argv = { "/usr/bin/newaliases" },
	  .mode = MODE_ALIASES },
	{ .name = "argv0 runq", .argv = { "runq" }, .mode = MODE_RUNQ },
	{ .name = "argv0 rmail", .argv = { "/usr/bin/rmail", "u@x" },
	  .i = 1, .errmode = ERRMODE_BERKNET, .rcpts = { "u@x" } },
	{ .name = "argv0 hoststat", .argv = { "hoststat" },
	  .mode = MODE_NOOP },
	{ .name = "argv0 purgestat", .argv = { "/usr/bin/purgestat" },
	  .mode = MODE_NOOP },
	{ .name = "argv0 smtpd", .argv = { "/usr/sbin/smtpd" },
	  .exitcode = EX_USAGE, .errsub = "daemon mode not supported" },
	{ .name = "argv0 rsmtp", .argv = { "rsmtp" },
	  .exitcode = EX_USAGE, .errsub = "-bS" },
	{ .name = "mailq then -bm", .argv = { "mailq", "-bm" } },

	/* ---- -b modes ---- */
	{ .name = "-bm", .argv = { "sendmail", "-bm", "u" },
	  .rcpts = { "u" } },
	{ .name = "-b m separate", .argv = { "sendmail", "-b", "m" } },
	{ .name = "-bs", .argv = { "sendmail", "-bs" }, .mode = MODE_SMTP },
	{ .name = "-bp", .argv = { "sendmail", "-bp" }, .mode = MODE_LIST },
	{ .name = "-b p separate", .argv = { "sendmail", "-b", "p" },
	  .mode = MODE_LIST },
	{ .name = "-bP", .argv = { "sendmail", "-bP" }, .mode = MODE_COUNT },
	{ .name = "-bi", .argv = { "sendmail", "-bi" },
	  .mode = MODE_ALIASES },
	{ .name = "-I", .argv = { "sendmail", "-I" }, .mode = MODE_ALIASES },
	{ .name = "-bv with -t", .argv = { "sendmail", "-t", "-bv", "root" },
	  .t = 1, .mode = MODE_VERIFY, .rcpts = { "root" } },
	{ .name = "-bC", .argv = { "sendmail", "-bC" },
	  .mode = MODE_CHECKCONF },
	{ .name = "-bh", .argv = { "sendmail", "-bh" }, .mode = MODE_NOOP },
	{ .name = "-bH", .argv = { "sendmail", "-bH" }, .mode = MODE_NOOP },
	{ .name = "last -b wins", .argv = { "sendmail", "-bp", "-bs" },
	  .mode = MODE_SMTP },
	{ .name = "-bd", .argv = { "sendmail", "-bd" }, .exitcode = EX_USAGE,
	  .errsub = "-bd: daemon mode not supported" },
	{ .name = "-bD", .argv = { "sendmail", "-bD" }, .exitcode = EX_USAGE,
	  .errsub = "-bD: daemon mode not supported" },
	{ .name = "-bl", .argv = { "sendmail", "-bl" }, .exitcode = EX_USAGE,
	  .errsub = "-bl: daemon mode not supported" },
	{ .name = "-bt", .argv = { "sendmail", "-bt" }, .exitcode = EX_USAGE,
	  .errsub = "-bt:" },
	{ .name = "-ba", .argv = { "sendmail", "-ba" }, .exitcode = EX_USAGE,
	  .errsub = "-ba:" },
	{ .name = "-bS", .argv = { "sendmail", "-bS" }, .exitcode = EX_USAGE,
	  .errsub = "-bS:" },
	{ .name = "-bz", .argv = { "sendmail", "-bz" }, .exitcode = EX_USAGE,
	  .errsub = "-bz:" },
	{ .name = "-bmx (two letters)", .argv = { "sendmail", "-bmx" },
	  .exitcode = EX_USAGE, .errsub = "-bmx:" },
	{ .name = "-b empty", .argv = { "sendmail", "-b", "" },
	  .exitcode = EX_USAGE, .errsub = "-b:" },

	/* ---- -f / -r ---- */
	{ .name = "-f empty is the null sender",
	  .argv = { "sendmail", "-f", "", "u" }, .sender = "",
	  .rcpts = { "u" } },
	{ .name = "-f <> is the null sender",
	  .argv = { "sendmail", "-f<>" }, .sender = "" },
	{ .name = "-f < > is the null sender",
	  .argv = { "sendmail", "-f", "< >" }, .sender = "" },
	{ .name = "-f Name <a@x> keeps the address",
	  .argv = { "sendmail", "-f", "Jane Doe <jane@x.example>" },
	  .sender = "jane@x.example" },
	{ .name = "-f quoted name with <",
	  .argv = { "sendmail", "-f", "\"a<b\" <c@d>" }, .sender = "c@d" },
	{ .name = "-f <a@x>", .argv = { "sendmail", "-f<a@x>" },
	  .sender = "a@x" },
	{ .name = "-f Name <>", .argv = { "sendmail", "-f", "MAILER <>" },
	  .sender = "" },
	{ .name = "-f trimmed", .argv = { "sendmail", "-f", "  a@x\t" },
	  .sender = "a@x" },
	{ .name = "-f unqualified kept", .argv = { "sendmail", "-froot" },
	  .sender = "root" },
	{ .name = "-f last one wins",
	  .argv = { "sendmail", "-f", "a@x", "-r", "b@y" }, .sender = "b@y" },
	{ .name = "-f a@x> malformed", .argv = { "sendmail", "-f", "a@x>" },
	  .exitcode = EX_DATAERR, .errsub = "-f: malformed" },
	{ .name = "-f <a@x malformed", .argv = { "sendmail", "-f", "<a@x" },
	  .exitcode = EX_DATAERR, .errsub = "-f: malformed" },
	{ .name = "-r <a>b> malformed", .argv = { "sendmail", "-r<a>b>" },
	  .exitcode = EX_DATAERR, .errsub = "-r: malformed" },

	/* ---- -F, -C, -L ---- */
	{ .name = "-F separate with spaces",
	  .argv = { "sendmail", "-F", "Cron Daemon" },
	  .fullname = "Cron Daemon" },
	{ .name = "-F empty", .argv = { "sendmail", "-F", "" },
	  .fullname = "" },
	{ .name = "-C", .argv = { "sendmail", "-C", "/etc/other.conf" },
	  .config = "/etc/other.conf" },
	{ .name = "-C attached", .argv = { "sendmail", "-C./x.conf" },
	  .config = "./x.conf" },
	{ .name = "-C empty", .argv = { "sendmail", "-C", "" },
	  .exitcode = EX_USAGE, .errsub = "-C needs a file name" },
	{ .name = "-L", .argv = { "sendmail", "-L", "myapp" },
	  .tag = "myapp" },
	{ .name = "-L attached", .argv = { "sendmail", "-Lmyapp" },
	  .tag = "myapp" },
	{ .name = "-L empty ignored", .argv = { "sendmail", "-L", "" } },

	/* ---- -i and friends ---- */
	{ .name = "-oitrue", .argv = { "sendmail", "-oitrue" }, .i = 1 },
	{ .name = "-oifalse after -i", .argv = { "sendmail", "-i",
	    "-oifalse" } },
	{ .name = "-o i separate", .argv = { "sendmail", "-o", "i" },
	  .i = 1 },
	{ .name = "-oi junk value warns",
	  .argv = { "sendmail", "-i", "-oimaybe" }, .i = 1, .warn = "-oi" },
	{ .name = "-O IgnoreDots", .argv = { "sendmail", "-O", "IgnoreDots" },
	  .i = 1 },
	{ .name = "-OIgnoreDots=true", .argv = { "sendmail",
	    "-OIgnoreDots=true" }, .i = 1 },
	{ .name = "-O ignoredots=false", .argv = { "sendmail", "-i", "-O",
	    "ignoredots=false" } },
	{ .name = "-O IgnoreDots = no (spaces)", .argv = { "sendmail", "-i",
	    "-O", "IgnoreDots = no" } },
	{ .name = "-O IgnoreDots=maybe warns",
	  .argv = { "sendmail", "-O", "IgnoreDots=maybe" },
	  .warn = "IgnoreDots" },

	/* ---- -v ---- */
	{ .name = "-v -v", .argv = { "sendmail", "-v", "-v" }, .v = 2 },
	{ .name = "-vvvvv capped", .argv = { "sendmail", "-vvvvv" }, .v = 3 },
	{ .name = "-ov", .argv = { "sendmail", "-ov" }, .v = 1 },

	/* ---- -N ---- */
	{ .name = "-N never", .argv = { "sendmail", "-N", "never" },
	  .notify = DSN_NOTIFY_NEVER },
	{ .name = "-NNEVER", .argv = { "sendmail", "-NNEVER" },
	  .notify = DSN_NOTIFY_NEVER },
	{ .name = "-N all three",
	  .argv = { "sendmail", "-N", "Success,FAILURE,delay" },
	  .notify = NOTIFY_SFD },
	{ .name = "-N with spaces",
	  .argv = { "sendmail", "-N", "success, failure , delay" },
	  .notify = NOTIFY_SFD },
	{ .name = "-N never,success warns",
	  .argv = { "sendmail", "-N", "never,success" }, .warn = "-N" },
	{ .name = "-N bogus warns", .argv = { "sendmail", "-N", "bogus",
	    "u" }, .warn = "ignoring -N \"bogus\"", .rcpts = { "u" } },
	{ .name = "-N empty warns", .argv = { "sendmail", "-N", "" },
	  .warn = "-N" },
	{ .name = "-N trailing comma warns",
	  .argv = { "sendmail", "-N", "failure," }, .warn = "-N" },
	{ .name = "-N bad keeps earlier value",
	  .argv = { "sendmail", "-Nfailure", "-Nbogus" },
	  .notify = DSN_NOTIFY_FAILURE, .warn = "-N" },

	/* ---- -R, -V, -B ---- */
	{ .name = "-R full", .argv = { "sendmail", "-R", "full" },
	  .ret = DSN_RET_FULL },
	{ .name = "-RHDRS", .argv = { "sendmail", "-RHDRS" },
	  .ret = DSN_RET_HDRS },
	{ .name = "-R bogus", .argv = { "sendmail", "-R", "headers" },
	  .exitcode = EX_USAGE, .errsub = "-R \"headers\"" },
	{ .name = "-V", .argv = { "sendmail", "-V", "QQ314159" },
	  .envid = "QQ314159" },
	{ .name = "-V attached", .argv = { "sendmail", "-Vabc+2B" },
	  .envid = "abc+2B" },
	{ .name = "-V with space warns",
	  .argv = { "sendmail", "-V", "a b" }, .warn = "-V" },
	{ .name = "-V empty warns", .argv = { "sendmail", "-V", "" },
	  .warn = "-V" },
	{ .name = "-V 8-bit warns", .argv = { "sendmail", "-V", "\xc3\xa9" },
	  .warn = "\\xc3\\xa9" },
	{ .name = "-B 7BIT", .argv = { "sendmail", "-B", "7BIT" },
	  .body = BODY_7BIT },
	{ .name = "-B7bit", .argv = { "sendmail", "-B7bit" },
	  .body = BODY_7BIT },
	{ .name = "-B 8bitmime", .argv = { "sendmail", "-B", "8bitmime" },
	  .body = BODY_8BITMIME },
	{ .name = "-B BINARYMIME", .argv = { "sendmail", "-BBINARYMIME" },
	  .exitcode = EX_USAGE, .errsub = "-B \"BINARYMIME\"" },

	/* ---- delivery and error modes ---- */
	{ .name = "-odi", .argv = { "sendmail", "-odi" },
	  .delivery = DELIVERY_HYBRID },
	{ .name = "-odb", .argv = { "sendmail", "-odb" },
	  .delivery = DELIVERY_BACKGROUND },
	{ .name = "-odq", .argv = { "sendmail", "-odq" },
	  .delivery = DELIVERY_QUEUE },
	{ .name = "-odd", .argv = { "sendmail", "-odd" },
	  .delivery = DELIVERY_QUEUE },
	{ .name = "-o db separate", .argv = { "sendmail", "-o", "db" },
	  .delivery = DELIVERY_BACKGROUND },
	{ .name = "-odx warns", .argv = { "sendmail", "-odb", "-odx" },
	  .delivery = DELIVERY_BACKGROUND, .warn = "-od \"x\"" },
	{ .name = "-od warns", .argv = { "sendmail", "-od" },
	  .warn = "-od" },
	{ .name = "-O DeliveryMode=b",
	  .argv = { "sendmail", "-O", "DeliveryMode=b" },
	  .delivery = DELIVERY_BACKGROUND },
	{ .name = "-ODeliveryMode=background",
	  .argv = { "sendmail", "-ODeliveryMode=background" },
	  .delivery = DELIVERY_BACKGROUND },
	{ .name = "-O deliverymode=deferred",
	  .argv = { "sendmail", "-O", "deliverymode=deferred" },
	  .delivery = DELIVERY_QUEUE },
	{ .name = "-O DeliveryMode=interactive",
	  .argv = { "sendmail", "-O", "DeliveryMode=interactive" },
	  .delivery = DELIVERY_HYBRID },
	{ .name = "-O DeliveryMode=queue",
	  .argv = { "sendmail", "-O", "DeliveryMode=queue" },
	  .delivery = DELIVERY_QUEUE },
	{ .name = "-O DeliveryMode=x warns",
	  .argv = { "sendmail", "-O", "DeliveryMode=x" }, .warn = "x" },
	{ .name = "-O DeliveryMode without value warns",
	  .argv = { "sendmail", "-O", "DeliveryMode" },
	  .warn = "DeliveryMode" },
	{ .name = "-oep", .argv = { "sendmail", "-oep" },
	  .errmode = ERRMODE_PRINT },
	{ .name = "-oeq", .argv = { "sendmail", "-oeq" },
	  .errmode = ERRMODE_QUIET },
	{ .name = "-oem", .argv = { "sendmail", "-oem" },
	  .errmode = ERRMODE_MAIL },
	{ .name = "-oew", .argv = { "sendmail", "-oew" },
	  .errmode = ERRMODE_WRITE },
	{ .name = "-oee", .argv = { "sendmail", "-oee" },
	  .errmode = ERRMODE_BERKNET },
	{ .name = "-oez warns", .argv = { "sendmail", "-oez" },
	  .warn = "-oe \"z\"" },
	{ .name = "-e m (old form)", .argv = { "sendmail", "-e", "m" },
	  .errmode = ERRMODE_MAIL },
	{ .name = "-eq attached", .argv = { "sendmail", "-eq" },
	  .errmode = ERRMODE_QUIET },
	{ .name = "-O ErrorMode=q",
	  .argv = { "sendmail", "-O", "ErrorMode=q" },
	  .errmode = ERRMODE_QUIET },
	{ .name = "-OErrorMode=w", .argv = { "sendmail", "-OErrorMode=w" },
	  .errmode = ERRMODE_WRITE },
	{ .name = "-O ErrorMode=bogus warns",
	  .argv = { "sendmail", "-O", "ErrorMode=bogus" }, .warn = "bogus" },

	/* ---- -q, -Q ---- */
	{ .name = "-q", .argv = { "sendmail", "-q" }, .mode = MODE_RUNQ },
	{ .name = "-qf", .argv = { "sendmail", "-qf" }, .mode = MODE_RUNQ },
	{ .name = "-qR", .argv = { "sendmail", "-qRexample.com" },
	  .mode = MODE_RUNQ, .qrcpt = "example.com" },
	{ .name = "-qI", .argv = { "sendmail", "-qI4Xy" },
	  .mode = MODE_RUNQ, .qid = "4Xy" },
	{ .name = "-q in a bundle", .argv = { "sendmail", "-vq" },
	  .mode = MODE_RUNQ, .v = 1 },
	{ .name = "-q30m warns", .argv = { "sendmail", "-q30m" },
	  .mode = MODE_RUNQ, .warn = "-q30m: periodic" },
	{ .name = "-q1h30m warns", .argv = { "sendmail", "-q1h30m" },
	  .mode = MODE_RUNQ, .warn = "periodic" },
	{ .name = "-q15 warns", .argv = { "sendmail", "-q15" },
	  .mode = MODE_RUNQ, .warn = "periodic" },
	{ .name = "-qp warns", .argv = { "sendmail", "-qp" },
	  .mode = MODE_RUNQ, .warn = "-qp: periodic" },
	{ .name = "-qp30m warns", .argv = { "sendmail", "-qp30m" },
	  .mode = MODE_RUNQ, .warn = "periodic" },
	{ .name = "-q takes no separate argument",
	  .argv = { "sendmail", "-q", "30m" }, .mode = MODE_RUNQ,
	  .rcpts = { "30m" } },
	{ .name = "-qR empty", .argv = { "sendmail", "-qR", "foo" },
	  .exitcode = EX_USAGE, .errsub = "-qR needs a substring" },
	{ .name = "-qI empty", .argv = { "sendmail", "-qI" },
	  .exitcode = EX_USAGE, .errsub = "-qI needs a substring" },
	{ .name = "-qS", .argv = { "sendmail", "-qSfoo" },
	  .exitcode = EX_USAGE, .errsub = "-qSfoo" },
	{ .name = "-qG", .argv = { "sendmail", "-qGgroup" },
	  .exitcode = EX_USAGE, .errsub = "-qGgroup" },
	{ .name = "-q!R", .argv = { "sendmail", "-q!Rfoo" },
	  .exitcode = EX_USAGE, .errsub = "-q!Rfoo" },
	{ .name = "-q30x", .argv = { "sendmail", "-q30x" },
	  .exitcode = EX_USAGE, .errsub = "-q30x" },
	{ .name = "-Q", .argv = { "sendmail", "-Q" },
	  .exitcode = EX_USAGE, .errsub = "-Q" },
	{ .name = "-Qreason", .argv = { "sendmail", "-Qreason" },
	  .exitcode = EX_USAGE, .errsub = "-Q" },

	/* ---- long options ---- */
	{ .name = "--periodic", .argv = { "sendsmtp", "--periodic" },
	  .mode = MODE_RUNQ_DUE },
	{ .name = "--check --json",
	  .argv = { "sendsmtp", "--check", "--json" }, .mode = MODE_CHECK,
	  .json = 1 },
	{ .name = "--version", .argv = { "sendsmtp", "--version" },
	  .mode = MODE_VERSION },
	{ .name = "--help", .argv = { "sendsmtp", "--help" },
	  .exitcode = EX_USAGE, .errsub = "usage: sendmail" },
	{ .name = "--bogus", .argv = { "sendsmtp", "--bogus" },
	  .exitcode = EX_USAGE, .errsub = "unknown option --bogus" },
	{ .name = "--check=x", .argv = { "sendsmtp", "--check=x" },
	  .exitcode = EX_USAGE, .errsub = "--check=x" },
	{ .name = "long option after first non-option is a recipient",
	  .argv = { "sendsmtp", "u", "--check" },
	  .rcpts = { "u", "--check" } },

	/* ---- -d, -D ---- */
	{ .name = "-d0.1", .argv = { "sendmail", "-d0.1" },
	  .mode = MODE_VERSION },
	{ .name = "-d 0.1 -bv: version wins",
	  .argv = { "sendmail", "-d", "0.1", "-bv", "u" },
	  .mode = MODE_VERSION, .rcpts = { "u" } },
	{ .name = "-d0", .argv = { "sendmail", "-d0" }, .mode = MODE_VERSION },
	{ .name = "-d0-4.2", .argv = { "sendmail", "-d0-4.2" },
	  .mode = MODE_VERSION },
	{ .name = "-d21.12,0.1", .argv = { "sendmail", "-d21.12,0.1" },
	  .mode = MODE_VERSION },
	{ .name = "-d0.0 is not version", .argv = { "sendmail", "-d0.0" } },
	{ .name = "-d21.12 ignored",
	  .argv = { "sendmail", "-d", "21.12", "u" }, .rcpts = { "u" } },
	{ .name = "-d10 ignored", .argv = { "sendmail", "-d10" } },
	{ .name = "-D file consumed, never a recipient",
	  .argv = { "sendmail", "-D", "/tmp/debug.log", "u" },
	  .rcpts = { "u" }, .warn = "-D" },
	{ .name = "-Dfile attached",
	  .argv = { "sendmail", "-D/tmp/debug.log" }, .warn = "-D" },

	/* ---- CVE-2016-10033 vectors: -X, -O...Directory, -oQ ---- */
	{ .name = "-X file consumed",
	  .argv = { "sendmail", "-X", "/var/www/x.php", "u" },
	  .rcpts = { "u" }, .warn = "-X" },
	{ .name = "-Xfile attached",
	  .argv = { "sendmail", "-X/var/www/x.php", "u" },
	  .rcpts = { "u" }, .warn = "-X" },
	{ .name = "-XV is VERP, nothing consumed",
	  .argv = { "sendmail", "-XV", "u" }, .rcpts = { "u" } },
	{ .name = "-XV+= is VERP", .argv = { "sendmail", "-XV+=" } },
	{ .name = "-X V separate is a file",
	  .argv = { "sendmail", "-X", "V", "u" }, .rcpts = { "u" },
	  .warn = "-X" },
	{ .name = "-OQueueDirectory=/tmp",
	  .argv = { "sendmail", "-OQueueDirectory=/tmp", "u" },
	  .rcpts = { "u" }, .warn = "QueueDirectory" },
	{ .name = "-O QueueDirectory=/tmp separate",
	  .argv = { "sendmail", "-O", "QueueDirectory=/tmp", "u" },
	  .rcpts = { "u" }, .warn = "QueueDirectory" },
	{ .name = "-O StatusFile=",
	  .argv = { "sendmail", "-O", "StatusFile=/tmp/s" },
	  .warn = "StatusFile" },
	{ .name = "-O ForwardPath=",
	  .argv = { "sendmail", "-OForwardPath=/tmp/f" },
	  .warn = "ForwardPath" },
	{ .name = "-O other=/path warns",
	  .argv = { "sendmail", "-O", "DeadLetterDrop=/tmp/d" },
	  .warn = "DeadLetterDrop" },
	{ .name = "-O unrelated option silently ignored",
	  .argv = { "sendmail", "-O", "Timeout.queuereturn=5d", "-O",
	    "smtputf8=true" } },
	{ .name = "-oQ/tmp",
	  .argv = { "sendmail", "-oQ/tmp/", "u" }, .rcpts = { "u" },
	  .warn = "-oQ" },
	{ .name = "-oQ then separate directory",
	  .argv = { "sendmail", "-oQ", "/tmp", "u" }, .rcpts = { "u" },
	  .warn = "-oQ" },
	{ .name = "-oA alias file",
	  .argv = { "sendmail", "-oA", "/tmp/aliases", "u" },
	  .rcpts = { "u" }, .warn = "-oA" },
	{ .name = "-oA/attached",
	  .argv = { "sendmail", "-oA/tmp/aliases", "u" },
	  .rcpts = { "u" }, .warn = "-oA" },
	{ .name = "PHPMailer CVE-2016-10033 payload",
	  .argv = { "sendmail", "-t", "-i", "-fattacker\\", "-oQ/tmp/",
	    "-X/var/www/cache/phpcode.php", "some\"@email.com" },
	  .t = 1, .i = 1, .sender = "attacker\\",
	  .rcpts = { "some\"@email.com" }, .warn = "-X" },

	/* ---- accepted and ignored ---- */
	{ .name = "no-argument ignored flags",
	  .argv = { "sendmail", "-G", "-m", "-n", "-U", "-x", "-c", "-s",
	    "-T", "u" },
	  .rcpts = { "u" } },
	{ .name = "ignored flags bundled",
	  .argv = { "sendmail", "-GmnUxcsTti" }, .t = 1, .i = 1 },
	{ .name = "-Ac -Am", .argv = { "sendmail", "-Ac", "-A", "m" } },
	{ .name = "-Ax", .argv = { "sendmail", "-Ax" },
	  .exitcode = EX_USAGE, .errsub = "-Ax" },
	{ .name = "-h N consumed", .argv = { "sendmail", "-h", "5", "u" },
	  .rcpts = { "u" } },
	{ .name = "-h17 attached", .argv = { "sendmail", "-h17" } },
	{ .name = "-M x consumed",
	  .argv = { "sendmail", "-M", "rsmtp", "u" }, .rcpts = { "u" } },
	{ .name = "-p proto consumed",
	  .argv = { "sendmail", "-p", "esmtp:host", "u" },
	  .rcpts = { "u" } },
	{ .name = "-pUUCP attached", .argv = { "sendmail", "-pUUCP" } },
	{ .name = "-om -oL9 -oMrsmtp -o7 -o8 -oo",
	  .argv = { "sendmail", "-om", "-oL9", "-oMrsmtp", "-o7", "-o8",
	    "-oo", "u" },
	  .rcpts = { "u" } },
	{ .name = "-o empty letter warns", .argv = { "sendmail", "-o", "" },
	  .warn = "-o" },

	/* ---- unknown flags ---- */
	{ .name = "-Z", .argv = { "sendmail", "-Z" }, .exitcode = EX_USAGE,
	  .errsub = "unknown option -Z; see sendsmtp(8)" },
	{ .name = "-tZ", .argv = { "sendmail", "-tZ" }, .exitcode = EX_USAGE,
	  .errsub = "unknown option -Z" },
	{ .name = "-y", .argv = { "sendmail", "-y" }, .exitcode = EX_USAGE,
	  .errsub = "-y" },
	{ .name = "-1", .argv = { "sendmail", "-1" }, .exitcode = EX_USAGE,
	  .errsub = "-1" },
	{ .name = "control byte is escaped",
	  .argv = { "sendmail", "-\x1b" }, .exitcode = EX_USAGE,
	  .errsub = "unknown option -\\x1b" },
	{ .name = "8-bit byte is escaped",
	  .argv = { "sendmail", "-\xff" }, .exitcode = EX_USAGE,
	  .errsub = "-\\xff" },

	/* ---- missing arguments ---- */
	{ .name = "-f missing", .argv = { "sendmail", "-t", "-f" },
	  .exitcode = EX_USAGE, .errsub = "option -f needs an argument" },
	{ .name = "-tif missing", .argv = { "sendmail", "-tif" },
	  .exitcode = EX_USAGE, .errsub = "-f needs" },
	{ .name = "-r missing", .argv = { "sendmail", "-r" },
	  .exitcode = EX_USAGE, .errsub = "-r needs" },
	{ .name = "-F missing", .argv = { "sendmail", "-F" },
	  .exitcode = EX_USAGE, .errsub = "-F needs" },
	{ .name = "-N missing", .argv = { "sendmail", "-N" },
	  .exitcode = EX_USAGE, .errsub = "-N needs" },
	{ .name = "-R missing", .argv = { "sendmail", "-R" },
	  .exitcode = EX_USAGE, .errsub = "-R needs" },
	{ .name = "-V missing", .argv = { "sendmail", "-V" },
	  .exitcode = EX_USAGE, .errsub = "-V needs" },
	{ .name = "-B missing", .argv = { "sendmail", "-B" },
	  .exitcode = EX_USAGE, .errsub = "-B needs" },
	{ .name = "-b missing", .argv = { "sendmail", "-b" },
	  .exitcode = EX_USAGE, .errsub = "-b needs" },
	{ .name = "-C missing", .argv = { "sendmail", "-C" },
	  .exitcode = EX_USAGE, .errsub = "-C needs" },
	{ .name = "-L missing", .argv = { "sendmail", "-L" },
	  .exitcode = EX_USAGE, .errsub = "-L needs" },
	{ .name = "-o missing", .argv = { "sendmail", "-o" },
	  .exitcode = EX_USAGE, .errsub = "-o needs" },
	{ .name = "-O missing", .argv = { "sendmail", "-O" },
	  .exitcode = EX_USAGE, .errsub = "-O needs" },
	{ .name = "-X missing", .argv = { "sendmail", "-X" },
	  .exitcode = EX_USAGE, .errsub = "-X needs" },
	{ .name = "-D missing", .argv = { "sendmail", "-D" },
	  .exitcode = EX_USAGE, .errsub = "-D needs" },
	{ .name = "-d missing", .argv = { "sendmail", "-d" },
	  .exitcode = EX_USAGE, .errsub = "-d needs" },
	{ .name = "-e missing", .argv = { "sendmail", "-e" },
	  .exitcode = EX_USAGE, .errsub = "-e needs" },
	{ .name = "-h missing", .argv = { "sendmail", "-h" },
	  .exitcode = EX_USAGE, .errsub = "-h needs" },
	{ .name = "-M missing", .argv = { "sendmail", "-M" },
	  .exitcode = EX_USAGE, .errsub = "-M needs" },
	{ .name = "-p missing", .argv = { "sendmail", "-p" },
	  .exitcode = EX_USAGE, .errsub = "-p needs" },
	{ .name = "-A missing", .argv = { "sendmail", "-A" },
	  .exitcode = EX_USAGE, .errsub = "-A needs" },

	/* ---- CR / LF: exit 65 ---- */
	{ .name = "LF in -f", .argv = { "sendmail", "-f", "a@x\nRCPT TO:<b>" },
	  .exitcode = EX_DATAERR, .errsub = "-f value contains a line break" },
	{ .name = "CR in -r", .argv = { "sendmail", "-ra@x\r" },
	  .exitcode = EX_DATAERR, .errsub = "-r value" },
	{ .name = "CRLF in -F", .argv = { "sendmail", "-F", "x\r\nBcc: y" },
	  .exitcode = EX_DATAERR, .errsub = "-F value" },
	{ .name = "LF in -N", .argv = { "sendmail", "-N", "never\n" },
	  .exitcode = EX_DATAERR, .errsub = "-N value" },
	{ .name = "LF in -V", .argv = { "sendmail", "-Vid\nx" },
	  .exitcode = EX_DATAERR, .errsub = "-V value" },
	{ .name = "LF in -C", .argv = { "sendmail", "-C", "/etc/x\n" },
	  .exitcode = EX_DATAERR, .errsub = "-C value" },
	{ .name = "LF in -L", .argv = { "sendmail", "-L", "tag\nx" },
	  .exitcode = EX_DATAERR, .errsub = "-L value" },
	{ .name = "LF in -qR", .argv = { "sendmail", "-qRa\nb" },
	  .exitcode = EX_DATAERR, .errsub = "-qR value" },
	{ .name = "LF in a recipient",
	  .argv = { "sendmail", "-i", "ok@x", "a@x\nRCPT TO:<b@y>" },
	  .exitcode = EX_DATAERR, .errsub = "recipient argument 2" },
	{ .name = "CR in a recipient after --",
	  .argv = { "sendmail", "--", "a@x\r" },
	  .exitcode = EX_DATAERR, .errsub = "recipient argument 1" },
};

/* argv from the table, each string in its own heap block (ASan). */
static int
case_argv(const char *const *src, char **dst)
{
	int n;

	for (n = 0; n < CASE_ARGV_MAX && src[n] != NULL; n++)
		dst[n] = xstrdup(src[n]);
	dst[n] = NULL;
	return n;
}

static void
case_argv_free(char **av, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(av[i]);
}

static void
check_str(const char *cname, const char *field, const char *got,
    const char *want)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: %s: got \"%s\", want NULL",
		    cname, field, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
		    "%s: %s: got %s%s%s, want \"%s\"", cname, field,
		    got != NULL ? "\"" : "", got != NULL ? got : "NULL",
		    got != NULL ? "\"" : "", want);
}

#define CHECK_INT(f, got, want)						\
	ck_assert_msg((long)(got) == (long)(want),			\
	    "%s: %s: got %ld, want %ld", c->name, f, (long)(got),	\
	    (long)(want))

static void
check_fields(const struct cli_case *c, const struct cli_opts *o)
{
	int i, found, nwant;

	CHECK_INT("mode", o->mode, c->mode);
	CHECK_INT("extract_rcpts", o->extract_rcpts, c->t);
	CHECK_INT("ignore_dots", o->ignore_dots, c->i);
	CHECK_INT("verbose", o->verbose, c->v);
	CHECK_INT("json", o->json, c->json);
	check_str(c->name, "sender", o->sender, c->sender);
	check_str(c->name, "fullname", o->fullname, c->fullname);
	check_str(c->name, "config_path", o->config_path, c->config);
	check_str(c->name, "syslog_tag", o->syslog_tag, c->tag);
	CHECK_INT("dsn_notify", o->dsn_notify, c->notify);
	CHECK_INT("dsn_ret", o->dsn_ret, c->ret);
	check_str(c->name, "envid", o->envid, c->envid);
	CHECK_INT("body", o->body, c->body);
	CHECK_INT("delivery", o->delivery, c->delivery);
	CHECK_INT("errmode", o->errmode, c->errmode);
	check_str(c->name, "queue_rcpt", o->queue_rcpt, c->qrcpt);
	check_str(c->name, "queue_id", o->queue_id, c->qid);
	for (nwant = 0; nwant < CASE_RCPT_MAX && c->rcpts[nwant] != NULL;
	    nwant++)
		continue;
	CHECK_INT("nrcpts", o->nrcpts, nwant);
	ck_assert_msg(o->rcpts != NULL && o->rcpts[o->nrcpts] == NULL,
	    "%s: rcpts must be a NULL-terminated array", c->name);
	for (i = 0; i < nwant; i++)
		check_str(c->name, "rcpt", o->rcpts[i], c->rcpts[i]);
	if (c->warn == NULL) {
		ck_assert_msg(o->nwarnings == 0, "%s: got warning \"%s\", "
		    "want none", c->name, o->warnings[0]);
		return;
	}
	for (found = 0, i = 0; i < o->nwarnings; i++)
		if (strstr(o->warnings[i], c->warn) != NULL)
			found = 1;
	ck_assert_msg(found, "%s: got %d warnings (first \"%s\"), want one "
	    "containing \"%s\"", c->name, o->nwarnings,
	    o->nwarnings > 0 ? o->warnings[0] : "", c->warn);
}

START_TEST(cli_table)
{
	const struct cli_case *c = &cases[_i];
	char *av[CASE_ARGV_MAX + 1], *orig[CASE_ARGV_MAX + 1];
	struct cli_opts o;
	struct diag d;
	int ac, rc, k;

	ac = case_argv(c->argv, av);
	memcpy(orig, av, sizeof(av));
	rc = cli_parse(ac, av, &o, &d);
	if (c->exitcode == 0) {
		ck_assert_msg(rc == 0, "%s: got rc %d (exit %d: %s), want 0",
		    c->name, rc, d.exitcode, d.text);
		ck_assert_msg(d.exitcode == 0, "%s: got exit %d, want 0",
		    c->name, d.exitcode);
		check_fields(c, &o);
	} else {
		ck_assert_msg(rc == -1, "%s: got rc %d, want -1", c->name, rc);
		ck_assert_msg(d.exitcode == c->exitcode,
		    "%s: got exit %d (%s), want %d", c->name, d.exitcode,
		    d.text, c->exitcode);
		ck_assert_msg(strstr(d.text, c->errsub) != NULL,
		    "%s: got text \"%s\", want it to contain \"%s\"",
		    c->name, d.text, c->errsub);
		/* a failed parse leaves nothing behind */
		ck_assert_msg(o.rcpts == NULL && o.nrcpts == 0 &&
		    o.nwarnings == 0 && o.sender_buf == NULL,
		    "%s: failed parse left state in opts", c->name);
	}
	/* the parser never writes argv, and messages stay printable */
	for (k = 0; k < ac; k++) {
		ck_assert_msg(av[k] == orig[k], "%s: argv[%d] replaced",
		    c->name, k);
		ck_assert_msg(strcmp(av[k], c->argv[k]) == 0,
		    "%s: argv[%d] modified", c->name, k);
	}
	for (k = 0; d.text[k] != '\0'; k++)
		ck_assert_msg((unsigned char)d.text[k] >= 0x20 &&
		    (unsigned char)d.text[k] < 0x7f,
		    "%s: unprintable byte 0x%02x in diag text", c->name,
		    (unsigned char)d.text[k]);
	for (rc = 0; rc < o.nwarnings; rc++)
		for (k = 0; o.warnings[rc][k] != '\0'; k++)
			ck_assert_msg((unsigned char)o.warnings[rc][k] >= 0x20
			    && (unsigned char)o.warnings[rc][k] < 0x7f,
			    "%s: unprintable byte in warning", c->name);
	cli_opts_free(&o);
	cli_opts_free(&o);	/* idempotent */
	case_argv_free(av, ac);
}
END_TEST

/* Over-long values: exactly the bound is fine, one more byte is 65. */
static const struct {
	const char	*flag;		/* NULL: a recipient */
	size_t		 max;
	char		 fill;
} long_cases[] = {
	{ "-f", CLI_VALUE_MAX, 'a' },
	{ "-r", CLI_VALUE_MAX, 'a' },
	{ "-F", CLI_VALUE_MAX, 'n' },
	{ "-N", CLI_VALUE_MAX, 'x' },	/* ok length: bad word, warning */
	{ "-V", CLI_VALUE_MAX, 'v' },	/* ok length: > 100, warning */
	{ "-L", CLI_VALUE_MAX, 't' },
	{ "-C", CLI_PATH_MAX, 'p' },
	{ "-qR", CLI_VALUE_MAX, 'q' },
	{ NULL, CLI_RCPT_ARG_MAX, 'r' },
};

START_TEST(cli_overlong)
{
	const char *flag = long_cases[_i].flag;
	size_t max = long_cases[_i].max, len;
	char *av[4], *val;
	struct cli_opts o;
	struct diag d;
	int ac, rc, attached;

	for (len = max; len <= max + 1; len++) {
		attached = flag != NULL && strcmp(flag, "-qR") == 0;
		val = xmalloc(len + 4);
		memset(val, long_cases[_i].fill, len + 3);
		val[len + 3] = '\0';
		ac = 0;
		av[ac++] = "sendmail";
		if (attached) {
			memcpy(val, flag, 3);	/* "-qR" + len bytes */
			av[ac++] = val;
		} else {
			val[len] = '\0';
			if (flag != NULL)
				av[ac++] = (char *)flag;
			av[ac++] = val;
		}
		av[ac] = NULL;
		rc = cli_parse(ac, av, &o, &d);
		if (len == max)
			ck_assert_msg(rc == 0, "%s at %zu bytes: got rc %d "
			    "(%s), want 0", flag ? flag : "rcpt", len, rc,
			    d.text);
		else {
			ck_assert_msg(rc == -1 && d.exitcode == EX_DATAERR,
			    "%s at %zu bytes: got rc %d exit %d, want -1 "
			    "exit 65", flag ? flag : "rcpt", len, rc,
			    d.exitcode);
			ck_assert_msg(strstr(d.text, "too long") != NULL,
			    "got text \"%s\", want \"too long\"", d.text);
		}
		cli_opts_free(&o);
		free(val);
	}
}
END_TEST

/* -V: RFC 3461 allows 100 characters; 101 is warned about and dropped. */
START_TEST(cli_envid_limit)
{
	char id[DSN_ENVID_MAX + 2];
	char *av[] = { "sendmail", "-V", id, NULL };
	struct cli_opts o;
	struct diag d;

	memset(id, 'e', DSN_ENVID_MAX);
	id[DSN_ENVID_MAX] = '\0';
	ck_assert_int_eq(cli_parse(3, av, &o, &d), 0);
	ck_assert_ptr_eq(o.envid, id);
	ck_assert_int_eq(o.nwarnings, 0);
	cli_opts_free(&o);

	id[DSN_ENVID_MAX] = 'e';
	id[DSN_ENVID_MAX + 1] = '\0';
	ck_assert_int_eq(cli_parse(3, av, &o, &d), 0);
	ck_assert_ptr_null(o.envid);
	ck_assert_int_eq(o.nwarnings, 1);
	ck_assert_ptr_nonnull(strstr(o.warnings[0], "-V"));
	cli_opts_free(&o);
}
END_TEST

/* RCPT_MAX recipient elements are fine, one more is a usage error. */
START_TEST(cli_rcpt_count_limit)
{
	int n = RCPT_MAX + 2, i;
	char **av = xcalloc((size_t)n + 1, sizeof(*av));
	struct cli_opts o;
	struct diag d;

	av[0] = "sendmail";
	for (i = 1; i < n; i++)
		av[i] = "u@x";
	ck_assert_int_eq(cli_parse(n - 1, av, &o, &d), 0);
	ck_assert_int_eq(o.nrcpts, RCPT_MAX);
	ck_assert_ptr_eq(o.rcpts[RCPT_MAX - 1], av[RCPT_MAX]);
	ck_assert_ptr_null(o.rcpts[RCPT_MAX]);
	cli_opts_free(&o);
	ck_assert_ptr_null(o.rcpts);
	ck_assert_int_eq(cli_parse(n, av, &o, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_USAGE);
	ck_assert_ptr_nonnull(strstr(d.text, "too many recipients"));
	cli_opts_free(&o);
	free(av);
}
END_TEST

/* Warnings are de-duplicated and capped at CLI_WARN_MAX. */
START_TEST(cli_warning_cap)
{
	char *av[2 + 2 * 40 + 2];
	char vals[40][8];
	struct cli_opts o;
	struct diag d;
	int ac = 0, i;

	av[ac++] = "sendmail";
	av[ac++] = "-X/a";
	av[ac++] = "-X/b";		/* same warning: kept once */
	ck_assert_int_eq(cli_parse(ac, av, &o, &d), 0);
	ck_assert_int_eq(o.nwarnings, 1);
	cli_opts_free(&o);
	ck_assert_int_eq(o.nwarnings, 0);

	ac = 1;
	for (i = 0; i < 40; i++) {
		(void)snprintf(vals[i], sizeof(vals[i]), "bad%d", i);
		av[ac++] = "-N";
		av[ac++] = vals[i];
	}
	av[ac++] = "u";
	av[ac] = NULL;
	ck_assert_int_eq(cli_parse(ac, av, &o, &d), 0);
	ck_assert_int_eq(o.nwarnings, CLI_WARN_MAX);
	ck_assert_ptr_nonnull(strstr(o.warnings[0], "bad0"));
	ck_assert_int_eq(o.nrcpts, 1);
	cli_opts_free(&o);
}
END_TEST

/* Values the parser keeps unchanged point into argv; rewrites do not. */
START_TEST(cli_sender_storage)
{
	char f1[] = "-fa@x", f2[] = "Name <b@y>";
	char *av1[] = { "sendmail", f1, NULL };
	char *av2[] = { "sendmail", "-f", f2, "-f", f2, NULL };
	struct cli_opts o;
	struct diag d;

	ck_assert_int_eq(cli_parse(2, av1, &o, &d), 0);
	ck_assert_ptr_eq(o.sender, f1 + 2);
	ck_assert_ptr_null(o.sender_buf);
	cli_opts_free(&o);

	/* repeated rewrite: the first copy is freed (ASan/LSan watch) */
	ck_assert_int_eq(cli_parse(5, av2, &o, &d), 0);
	ck_assert_str_eq(o.sender, "b@y");
	ck_assert_ptr_eq(o.sender, o.sender_buf);
	cli_opts_free(&o);
	ck_assert_ptr_null(o.sender);
	ck_assert_ptr_null(o.sender_buf);
}
END_TEST

/* argc bounds argv; argc 0 and a NULL entry are handled. */
START_TEST(cli_argc_edges)
{
	char *av[] = { "sendmail", "-t", NULL, "-Z", NULL };
	struct cli_opts o;
	struct diag d;

	ck_assert_int_eq(cli_parse(0, av, &o, &d), 0);
	ck_assert_int_eq(o.mode, MODE_SEND);
	ck_assert_int_eq(o.nrcpts, 0);
	cli_opts_free(&o);
	ck_assert_int_eq(cli_parse(1, av, &o, &d), 0);
	ck_assert_int_eq(o.extract_rcpts, 0);
	cli_opts_free(&o);
	/* argc says 4 but argv[2] is NULL: stop there, never read "-Z" */
	ck_assert_int_eq(cli_parse(4, av, &o, &d), 0);
	ck_assert_int_eq(o.extract_rcpts, 1);
	ck_assert_int_eq(o.nrcpts, 0);
	cli_opts_free(&o);
	/* a flag wanting an argument before the NULL: missing argument */
	av[1] = "-f";
	ck_assert_int_eq(cli_parse(4, av, &o, &d), -1);
	ck_assert_int_eq(d.exitcode, EX_USAGE);
	cli_opts_free(&o);
}
END_TEST

/*
 * Random argv vectors made of real flags, fragments and random bytes:
 * the parser must return 0 or -1 with 64/65, keep rcpts inside argv,
 * never keep a value with CR or LF, and never leak (LSan).
 */
START_TEST(cli_random_argv)
{
	static const char *const pool[] = {
		"-t", "-i", "-f", "-r", "-F", "-N", "-R", "-V", "-B", "-b",
		"-o", "-O", "-q", "-X", "-D", "-C", "-L", "-d", "--", "-",
		"-oQ", "-qR", "-ti", "-fa@x", "never", "full", "8BITMIME",
		"m", "s", "Name <a@x>", "<>", "", "a\nb", "-oem", "-odb",
		"DeliveryMode=b", "QueueDirectory=/tmp", "--check", "-XV",
		"--periodic", "-d0.1", "-q30m", "-Z", "root", "x,y",
	};
	const size_t npool = sizeof(pool) / sizeof(pool[0]);
	char *av[12], junk[12][8];
	unsigned seed = 20240601;
	struct cli_opts o;
	struct diag d;
	int iter, ac, k, j;

	for (iter = 0; iter < 20000; iter++) {
		ac = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 11;
		av[0] = "sendmail";
		for (k = 1; k < ac; k++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 5 != 0) {
				av[k] = (char *)pool[(seed >> 8) % npool];
				continue;
			}
			junk[k][0] = '-';
			for (j = 1; j < 7; j++) {
				seed = seed * 1103515245u + 12345u;
				junk[k][j] = (char)(1 + (seed >> 16) % 255);
			}
			junk[k][7] = '\0';
			av[k] = junk[k];
		}
		av[ac] = NULL;
		if (cli_parse(ac, av, &o, &d) == -1) {
			ck_assert_msg(d.exitcode == EX_USAGE ||
			    d.exitcode == EX_DATAERR, "got exit %d",
			    d.exitcode);
			ck_assert_msg(d.text[0] != '\0', "empty diag text");
			continue;
		}
		ck_assert(o.nrcpts >= 0 && o.nrcpts < ac);
		for (k = 0; k < o.nrcpts; k++)
			ck_assert_ptr_eq(o.rcpts[k],
			    av[ac - o.nrcpts + k]);
		if (o.sender != NULL)
			ck_assert(strpbrk(o.sender, "\r\n") == NULL);
		if (o.fullname != NULL)
			ck_assert(strpbrk(o.fullname, "\r\n") == NULL);
		ck_assert(o.nwarnings >= 0 && o.nwarnings <= CLI_WARN_MAX);
		cli_opts_free(&o);
	}
}
END_TEST

static Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, cli_table, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_loop_test(tc, cli_overlong, 0,
	    (int)(sizeof(long_cases) / sizeof(long_cases[0])));
	tcase_add_test(tc, cli_envid_limit);
	tcase_add_test(tc, cli_rcpt_count_limit);
	tcase_add_test(tc, cli_warning_cap);
	tcase_add_test(tc, cli_sender_storage);
	tcase_add_test(tc, cli_argc_edges);
	tcase_add_test(tc, cli_random_argv);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
