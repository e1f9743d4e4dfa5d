/*
 * main.c - argv[0] dispatch, process hygiene and the submission pipeline
 * (intake, submit.c, its exit code).  With log.c the only file that
 * calls exit().
 *
 * Security: the process may run setgid (design.md 6).  Before anything is
 * opened: fds 0-2 are forced open, the umask is 077, every other fd is
 * closed and the environment is cut to a short allow-list; a caller
 * other than root may not use -C then (priv.c says what runs with the
 * group).  The background delivery of -odb detaches here (double
 * fork, setsid, fds 0-2 on /dev/null) only after the message is durably
 * queued, so the caller's exit 0 never depends on the detached process.
 */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "selfcheck.h"
#include "cli.h"
#include "config.h"
#include "deliver.h"
#include "diag.h"
#include "envelope.h"
#include "log.h"
#include "mailq.h"
#include "msg.h"
#include "policy.h"
#include "priv.h"
#include "runq.h"
#include "smtpd.h"
#include "submit.h"
#include "sysid.h"
#include "util.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG	SYSCONFDIR "/sendsmtp.conf"

/* Everything one run needs, built up step by step. */
struct run {
	struct cli_opts	 opts;
	struct config	 cfg;
	struct sysid	 id;
	const char	*domain;	/* cfg.domain or the host's FQDN */
	char		*name_env;	/* $NAME, kept before the env
					 * is cut */
	struct policy	 pol;		/* aliases, sender policy */
};

static void	 hygiene(void);
static void	 env_reduce(struct run *r);
static int	 fail(const struct diag *d);
static void	 drain_stdin(void);
static int	 load_config(struct run *r, struct diag *d);
static int	 resolve_sender(struct run *r, struct envelope *env,
		    struct diag *d);
static int	 add_argv_recipients(struct run *r, struct envelope *env,
		    struct diag *d);
static int	 mode_send(struct run *r);
static int	 mode_verify(struct run *r);
static int	 mode_aliases(struct run *r);
static int	 mode_smtp(struct run *r);
static int	 mode_info(struct run *r);
static int	 mode_runq(struct run *r);
static int	 detach(void);
static void	 deliver_detached(struct run *r, struct msg *m,
		    const char *id);
static void	 msg_cleanup(void *arg);

/*
 * Environment variables a caller may pass through (design.md 6).  The
 * sanitizer options and FAKETIME (libfaketime, for the queue's backoff
 * tests) are test tools: they pass only when the process is not
 * privileged (priv.h), so a caller of the setgid binary cannot steer a
 * preloaded or built-in tool, nor the passwordeval child.
 */
static const struct {
	const char	*name;
	int		 unprivileged_only;
} env_allowed[] = {
	{ "LANG", 0 }, { "LC_ALL", 0 }, { "LC_CTYPE", 0 }, { "TZ", 0 },
	{ "ASAN_OPTIONS", 1 }, { "UBSAN_OPTIONS", 1 }, { "LSAN_OPTIONS", 1 },
	{ "FAKETIME", 1 },
	{ NULL, 0 }
};

static void
hygiene(void)
{
	int fd;

	/* A closed 0, 1 or 2 would let the next open() become stdout. */
	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
			int nfd = open("/dev/null", fd == 0 ? O_RDONLY :
			    O_WRONLY);

			if (nfd == -1)
				abort();
			if (nfd != fd)
				abort();
		}
	}
	closefrom(3);
	(void)umask(077);
	/* Writes to a closed socket must fail with EPIPE, not kill us. */
	(void)signal(SIGPIPE, SIG_IGN);
}

static void
env_reduce(struct run *r)
{
	char *keep[sizeof(env_allowed) / sizeof(env_allowed[0])];
	const char *name;
	size_t i;

	name = getenv("NAME");
	r->name_env = name != NULL && !has_crlf_nul(name, strlen(name)) ?
	    xstrdup(name) : NULL;
	for (i = 0; env_allowed[i].name != NULL; i++) {
		const char *v = getenv(env_allowed[i].name);

		if (env_allowed[i].unprivileged_only && priv_privileged())
			v = NULL;
		keep[i] = v != NULL ? xstrdup(v) : NULL;
	}
	(void)clearenv();
	for (i = 0; env_allowed[i].name != NULL; i++) {
		if (keep[i] != NULL &&
		    setenv(env_allowed[i].name, keep[i], 1) != 0)
			fatal(EX_OSERR, "setenv %s", env_allowed[i].name);
		free(keep[i]);
	}
	if (setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1) != 0)
		fatal(EX_OSERR, "setenv PATH");
}

static int
fail(const struct diag *d)
{
	log_warnx("%s", d->text);
	return d->exitcode != 0 ? d->exitcode : EX_SOFTWARE;
}

/* Read stdin to EOF so a writer never gets SIGPIPE; not from a terminal. */
static void
drain_stdin(void)
{
	char sink[8192];

	if (isatty(STDIN_FILENO))
		return;
	while (read(STDIN_FILENO, sink, sizeof(sink)) > 0)
		continue;
}

static int
load_config(struct run *r, struct diag *d)
{
	const char *path = r->opts.config_path != NULL ?
	    r->opts.config_path : DEFAULT_CONFIG;

	/* msmtp: the account whose "from" is the -f address, if any */
	if (config_load_sender(path, NULL, r->opts.sender, &r->cfg, d) == -1)
		return -1;
	r->domain = r->cfg.domain != NULL ? r->cfg.domain : r->id.fqdn;
	log_open(r->cfg.log, r->opts.syslog_tag);
	switch (r->opts.mode) {
	case MODE_SEND:
	case MODE_SMTP:
	case MODE_VERIFY:
	case MODE_ALIASES:
		return policy_init(&r->pol, &r->cfg, &r->id, d);
	default:
		return 0;
	}
}

/* The account's sender policy applied to -f (policy.h). */
static int
resolve_sender(struct run *r, struct envelope *env, struct diag *d)
{
	char *addr;

	if (policy_sender(&r->pol, r->opts.sender, r->id.login, &addr,
	    d) == -1)
		return -1;
	envelope_set_sender(env, addr);
	free(addr);
	return 0;
}

/* Every argv element, qualified and through the aliases. */
static int
add_argv_recipients(struct run *r, struct envelope *env, struct diag *d)
{
	int i;

	for (i = 0; i < r->opts.nrcpts; i++) {
		const char *elem = r->opts.rcpts[i];

		if (policy_add_rcpts(&r->pol, elem, strlen(elem), env,
		    d) == -1)
			return -1;
	}
	return 0;
}

static void
msg_cleanup(void *arg)
{
	msg_discard(arg);
}

/*
 * Detach for -odb: 1 in the caller (after the middle child is reaped),
 * 0 in the grandchild (new session, fds 0-2 on /dev/null), -1 when fork
 * failed (the message is queued anyway; the next run delivers it).
 */
static int
detach(void)
{
	pid_t pid;
	int status, fd;

	(void)fflush(stdout);
	(void)fflush(stderr);
	pid = fork();
	if (pid == -1)
		return -1;
	if (pid > 0) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
		return 1;
	}
	/* The middle child: leave the caller's session, fork again so the
	 * deliverer can never get a controlling terminal. */
	if (setsid() == -1 || (pid = fork()) == -1)
		_exit(EX_OSERR);
	if (pid > 0)
		_exit(0);
	fd = open("/dev/null", O_RDWR);
	if (fd == -1)
		_exit(EX_OSERR);
	(void)dup2(fd, STDIN_FILENO);
	(void)dup2(fd, STDOUT_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		(void)close(fd);
	(void)chdir("/");
	return 0;
}

/* -odb: the entry is committed; deliver it from a detached process. */
static void
deliver_detached(struct run *r, struct msg *m, const char *id)
{
	struct runq_opts o;
	struct runq_stats st;
	struct diag d;
	int rc;

	rc = detach();
	if (rc == 1)
		return;
	if (rc == -1) {
		log_warn("cannot start the background delivery of %s (the "
		    "next queue run delivers it)", id);
		return;
	}
	msg_discard(m);		/* the runner opens the entry itself */
	log_set_quiet(1);
	memset(&o, 0, sizeof(o));
	o.only_id = id;
	o.domain = r->domain;
	if (runq_run(&r->cfg, &o, &st, &d) == -1)
		log_warnx("%s", d.text);
	exit(0);
}

static int
mode_send(struct run *r)
{
	struct envelope env;
	struct msg m;
	struct msg_opts mo;
	struct submit_opts so;
	struct submit_result sr;
	struct diag d;
	char *tmpdir;
	int rc;

	envelope_init(&env);
	memset(&m, 0, sizeof(m));
	m.fd = -1;
	if (resolve_sender(r, &env, &d) == -1 ||
	    add_argv_recipients(r, &env, &d) == -1) {
		drain_stdin();
		envelope_free(&env);
		return fail(&d);
	}
	env.notify = r->opts.dsn_notify;
	env.ret = r->opts.dsn_ret;
	env.body = r->opts.body;
	if (r->opts.envid != NULL)
		env.envid = xstrdup(r->opts.envid);

	memset(&mo, 0, sizeof(mo));
	mo.extract_rcpts = r->opts.extract_rcpts;
	mo.ignore_dots = r->opts.ignore_dots;
	mo.fullname = r->opts.fullname != NULL ? r->opts.fullname :
	    r->name_env != NULL ? r->name_env : r->id.gecos_name;
	mo.sender = env.sender;
	mo.domain = r->domain;
	mo.now = time(NULL);
	mo.local = &r->pol.actx;
	mo.aliases = &r->pol.aliases;
	mo.from_rewrite = policy_header_from(&r->pol);
	tmpdir = xasprintf("%s/tmp", r->cfg.queue_dir);
	log_set_cleanup(msg_cleanup, &m);
	rc = msg_read(STDIN_FILENO, tmpdir, &mo, &m, &env, &d);
	free(tmpdir);
	if (rc == -1) {
		drain_stdin();
		envelope_free(&env);
		return fail(&d);
	}
	if (env.nrcpts == 0) {
		msg_discard(&m);
		envelope_free(&env);
		diag_set(&d, EX_USAGE, "no recipient addresses found%s; name "
		    "them on the command line%s", r->opts.extract_rcpts ?
		    " in the To, Cc or Bcc headers" : "",
		    r->opts.extract_rcpts ? " or in those headers" :
		    " or use -t to read them from the headers");
		return fail(&d);
	}
	memset(&so, 0, sizeof(so));
	so.mode = r->opts.delivery;
	so.errmode = r->opts.errmode;
	so.domain = r->domain;
	diag_clear(&d);
	if (submit_message(&r->cfg, &so, &env, &m, &sr, &d) == -1)
		rc = fail(&d);
	else if (sr.detach) {
		deliver_detached(r, &m, sr.id);
		rc = 0;
	} else
		rc = submit_exitcode(r->opts.errmode, &env, &sr);
	log_set_cleanup(NULL, NULL);
	msg_discard(&m);
	envelope_free(&env);
	return rc;
}

/* -bv: print every recipient as it would be used; no stdin, no SMTP. */
static int
mode_verify(struct run *r)
{
	struct envelope env;
	struct diag d;
	size_t i;

	envelope_init(&env);
	if (add_argv_recipients(r, &env, &d) == -1) {
		envelope_free(&env);
		return fail(&d);
	}
	for (i = 0; i < env.nrcpts; i++)
		printf("%s\n", env.rcpts[i].addr);
	envelope_free(&env);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		diag_set(&d, EX_IOERR, "cannot write to standard output: %s",
		    strerror(errno));
		return fail(&d);
	}
	return 0;
}

/* -bi, newaliases: check the aliases file (compat.md 2, design.md 1). */
static int
mode_aliases(struct run *r)
{
	struct diag d;

	if (r->cfg.aliases == NULL) {
		printf("%s: no aliases file is configured\n", r->cfg.path);
		return 0;
	}
	if (aliases_check(&r->pol.aliases, &r->pol.actx, &d) == -1)
		return fail(&d);
	printf("%s: %zu aliases%s\n", r->cfg.aliases, r->pol.aliases.n,
	    r->pol.aliases.dflt != NULL ? " (with default)" : "");
	return 0;
}

/* -bs: the SMTP dialogue on stdin/stdout (smtpd.h). */
static int
mode_smtp(struct run *r)
{
	struct smtpd_ctx x;
	struct diag d;
	char *tmpdir;
	int rc;

	memset(&x, 0, sizeof(x));
	x.cfg = &r->cfg;
	x.pol = &r->pol;
	tmpdir = xasprintf("%s/tmp", r->cfg.queue_dir);
	x.tmpdir = tmpdir;
	x.login = r->id.login;
	x.fullname = r->opts.fullname != NULL ? r->opts.fullname :
	    r->name_env != NULL ? r->name_env : r->id.gecos_name;
	x.hostname = r->domain;
	/* -odb cannot detach inside a dialogue: deliver, then answer */
	x.so.mode = r->opts.delivery == DELIVERY_BACKGROUND ?
	    DELIVERY_HYBRID : r->opts.delivery;
	/* refusals are answered in SMTP; mixed outcomes still bounce */
	x.so.errmode = ERRMODE_UNSET;
	x.so.domain = r->domain;
	x.infd = STDIN_FILENO;
	x.outfd = STDOUT_FILENO;
	rc = smtpd_run(&x, &d);
	free(tmpdir);
	if (rc == -1)
		return fail(&d);
	return 0;
}

/*
 * -q, -qR, -qI (every matching entry now) and --periodic (only the
 * entries whose retry time has come).  Deferred deliveries are not an
 * error of the run: one line says why, and the exit code is 0.
 */
static int
mode_runq(struct run *r)
{
	struct runq_opts o;
	struct runq_stats st;
	struct diag d;

	memset(&o, 0, sizeof(o));
	o.due_only = r->opts.mode == MODE_RUNQ_DUE;
	o.rcpt_filter = r->opts.queue_rcpt;
	o.id_filter = r->opts.queue_id;
	o.domain = r->domain;
	if (runq_run(&r->cfg, &o, &st, &d) == -1)
		return fail(&d);
	log_info("queue run: %zu seen, %zu attempted, %zu delivered, %zu "
	    "deferred, %zu bounces, %zu busy, %zu corrupt", st.seen,
	    st.attempted, st.delivered, st.deferred, st.bounces, st.busy,
	    st.corrupt);
	if (st.deferred > 0)
		log_warnx("%zu message%s deferred: %s", st.deferred,
		    st.deferred == 1 ? "" : "s", st.last.text[0] != '\0' ?
		    st.last.text : "see mailq");
	return 0;
}

/* Modes that only answer a question or have nothing to do yet. */
static int
mode_info(struct run *r)
{
	struct diag d;

	switch (r->opts.mode) {
	case MODE_LIST: {
		struct runq_opts o;

		memset(&o, 0, sizeof(o));
		o.rcpt_filter = r->opts.queue_rcpt;
		o.id_filter = r->opts.queue_id;
		if (mailq_list(r->cfg.queue_dir, &o, time(NULL), stdout,
		    &d) == -1)
			return fail(&d);
		return 0;
	}
	case MODE_COUNT:
		if (mailq_count(r->cfg.queue_dir, stdout, &d) == -1)
			return fail(&d);
		return 0;
	case MODE_RUNQ:
	case MODE_RUNQ_DUE:
		return mode_runq(r);
	case MODE_CHECKCONF:
		printf("%s: OK\n", r->cfg.path);
		return 0;
	case MODE_ALIASES:
	case MODE_NOOP:
		return 0;
	default:
		diag_set(&d, EX_USAGE, "this mode is not supported yet; see "
		    "sendsmtp(8)");
		return fail(&d);
	}
}

int
main(int argc, char **argv)
{
	struct run r;
	struct diag d;
	int i, rc;

	hygiene();
	memset(&r, 0, sizeof(r));
	log_init("sendsmtp");
	if (priv_init(&d) == -1)
		exit(fail(&d));
	env_reduce(&r);
	if (cli_parse(argc, argv, &r.opts, &d) == -1) {
		drain_stdin();
		exit(fail(&d));
	}
	/* Before the file is opened: a setgid run keeps the root config. */
	if (r.opts.config_path != NULL &&
	    priv_check_override("-C", &d) == -1) {
		if (r.opts.mode == MODE_SEND)
			drain_stdin();
		exit(fail(&d));
	}
	for (i = 0; i < r.opts.nwarnings; i++)
		log_warnx("warning: %s", r.opts.warnings[i]);
	if (r.opts.mode == MODE_VERSION) {
		printf("sendsmtp %s\n", PACKAGE_VERSION);
		exit(0);
	}
	log_set_verbose(r.opts.verbose);
	log_set_quiet(r.opts.errmode == ERRMODE_QUIET);
	sysid_load(&r.id);
	/* --check reads the configuration itself, to report on it. */
	if (r.opts.mode == MODE_CHECK)
		exit(selfcheck_run(&r.opts, r.opts.config_path != NULL ?
		    r.opts.config_path : DEFAULT_CONFIG, r.id.fqdn, stdout));
	config_defaults(&r.cfg);
	if (load_config(&r, &d) == -1) {
		if (r.opts.mode == MODE_SEND)
			drain_stdin();
		exit(fail(&d));
	}
	switch (r.opts.mode) {
	case MODE_SEND:
		rc = mode_send(&r);
		break;
	case MODE_VERIFY:
		rc = mode_verify(&r);
		break;
	case MODE_ALIASES:
		rc = mode_aliases(&r);
		break;
	case MODE_SMTP:
		rc = mode_smtp(&r);
		break;
	default:
		rc = mode_info(&r);
		break;
	}
	policy_free(&r.pol);
	config_free(&r.cfg);
	sysid_free(&r.id);
	cli_opts_free(&r.opts);
	free(r.name_env);
	log_close();
	if (fflush(stdout) != 0 && rc == 0)
		rc = EX_IOERR;
	exit(rc);
}
