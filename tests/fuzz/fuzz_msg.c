/*
 * fuzz_msg.c - libFuzzer target: the whole message intake (msg.c with
 * hdr.c, addr.c, aliases.c and hdrfix.c), everything a local program
 * can pipe into sendmail.
 *
 * The first input octet picks the options (bit 0 -t, 1 -i, 2 local
 * names and aliases, 3 sender_policy header, 4 msg_read() on a memfd
 * instead of msg_push(), 5-6 the push chunk size, 7 the null sender);
 * the rest is the message.  Invariants on success (msg.h): the file is
 * m.size octets of wire text (CRLF only, no NUL, no line over 998
 * octets, ends in CRLF), its header section ends with an empty line and
 * holds no Bcc, Resent-Bcc or Return-Path field; -t recipients are
 * qualified one-line addresses.  On failure: no file, an expected code.
 */
#include "compat.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "aliases.h"
#include "fuzz.h"
#include "hdr.h"
#include "msg.h"
#include "util.h"

#define OPT_T		0x01
#define OPT_I		0x02
#define OPT_LOCAL	0x04
#define OPT_REWRITE	0x08
#define OPT_READ	0x10
#define OPT_NULLSENDER	0x80

static char		 tmpdir[] = "/tmp/fuzz_msg.XXXXXX";
static int		 ready;
static struct aliases	 al;
static const char *const own[] = { "myhost", "localhost", NULL };
static const struct alias_ctx local = { "example.org", own };
static const char aliases_text[] =
    "postmaster: root\nroot: admin@example.org, ops\nops: \"o p\"@x.test\n";

static void	 setup(void);
static void	 cleanup(void);
static int	 run_read(const uint8_t *, size_t, const struct msg_opts *,
		    struct msg *, struct envelope *, struct diag *);
static int	 run_push(const uint8_t *, size_t, size_t,
		    const struct msg_opts *, struct msg *, struct envelope *,
		    struct diag *);
static void	 check_file(const struct msg *);
static void	 check_headers(const char *, size_t);

/* Every file is removed as it is checked: the directory is empty. */
static void
cleanup(void)
{
	(void)rmdir(tmpdir);
}

static void
setup(void)
{
	struct diag d;

	if (mkdtemp(tmpdir) == NULL)
		fuzz_fail("msg", "mkdtemp failed");
	ready = 1;
	(void)atexit(cleanup);
	aliases_init(&al);
	if (aliases_parse(aliases_text, sizeof(aliases_text) - 1, "fuzz",
	    &al, &d) == -1)
		fuzz_fail("msg", "fixed aliases: %s", d.text);
}

static int
run_read(const uint8_t *p, size_t n, const struct msg_opts *o,
    struct msg *m, struct envelope *env, struct diag *d)
{
	int fd, rc;

	fd = memfd_create("fuzz_msg", MFD_CLOEXEC);
	if (fd == -1 || (n > 0 && write(fd, p, n) != (ssize_t)n) ||
	    lseek(fd, 0, SEEK_SET) != 0)
		fuzz_fail("msg", "memfd");
	rc = msg_read(fd, tmpdir, o, m, env, d);
	(void)close(fd);
	return rc;
}

static int
run_push(const uint8_t *p, size_t n, size_t chunk, const struct msg_opts *o,
    struct msg *m, struct envelope *env, struct diag *d)
{
	struct msg_in *in;
	size_t off, k;

	in = msg_begin(tmpdir, o, m, env, d);
	if (in == NULL)
		fuzz_fail("msg", "msg_begin: %s", d->text);
	for (off = 0; off < n; off += k) {
		k = n - off < chunk ? n - off : chunk;
		if (msg_push(in, (const char *)p + off, k) == -1)
			break;
	}
	return msg_end(in);
}

/* The header section: fields and continuations, never a Bcc. */
static void
check_headers(const char *s, size_t len)
{
	const char *line = s, *eol;
	size_t n, nl;

	for (;;) {
		eol = memmem(line, len - (size_t)(line - s), "\r\n", 2);
		if (eol == NULL)
			fuzz_fail("msg", "header section without an end");
		n = (size_t)(eol - line);
		if (n == 0)
			return;
		if (line[0] != ' ' && line[0] != '\t') {
			if (!hdr_line_is_field(line, n, &nl))
				fuzz_fail("msg", "header line is not a field: "
				    "%.*s", (int)(n > 60 ? 60 : n), line);
			if ((nl == 3 && ascii_strncasecmp(line, "bcc", 3) ==
			    0) || (nl == 10 && ascii_strncasecmp(line,
			    "resent-bcc", 10) == 0) || (nl == 11 &&
			    ascii_strncasecmp(line, "return-path", 11) == 0))
				fuzz_fail("msg", "%.*s field kept", (int)nl,
				    line);
		} else if (line == s)
			fuzz_fail("msg", "file starts with a continuation");
		line = eol + 2;
	}
}

static void
check_file(const struct msg *m)
{
	const char *why;
	char *s;
	ssize_t r;

	if (m->fd == -1 || m->path == NULL || m->size <= 0)
		fuzz_fail("msg", "success without a file");
	s = xmalloc((size_t)m->size + 1);
	r = pread(m->fd, s, (size_t)m->size + 1, 0);
	if (r != (ssize_t)m->size)
		fuzz_fail("msg", "file has %zd octets, size says %lld", r,
		    (long long)m->size);
	if (lseek(m->fd, 0, SEEK_CUR) != 0)
		fuzz_fail("msg", "file not at offset 0");
	if (fuzz_wire_bad(s, (size_t)r, &why))
		fuzz_fail("msg", "output is not wire text: %s", why);
	check_headers(s, (size_t)r);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = { 1, 7, 1000, 65536 };
	struct msg_opts o;
	struct envelope env;
	struct msg m;
	struct diag d;
	unsigned flags;
	size_t i;
	int rc;

	if (!ready)
		setup();
	if (size == 0)
		return 0;
	flags = data[0];
	memset(&o, 0, sizeof(o));
	o.extract_rcpts = (flags & OPT_T) != 0;
	o.ignore_dots = (flags & OPT_I) != 0;
	o.sender = flags & OPT_NULLSENDER ? "" : "alice@example.org";
	o.fullname = "Alice \"Fuzz\" Example";
	o.domain = "example.org";
	o.now = 1700000000;
	if (flags & OPT_LOCAL) {
		o.local = &local;
		o.aliases = &al;
	}
	if (flags & OPT_REWRITE)
		o.from_rewrite = "policy@example.org";
	memset(&m, 0, sizeof(m));
	m.fd = -1;
	envelope_init(&env);
	diag_clear(&d);
	if (flags & OPT_READ)
		rc = run_read(data + 1, size - 1, &o, &m, &env, &d);
	else
		rc = run_push(data + 1, size - 1, chunks[(flags >> 5) & 3],
		    &o, &m, &env, &d);
	if (rc == 0) {
		check_file(&m);
		for (i = 0; i < env.nrcpts; i++)
			if (env.rcpts[i].addr[0] == '\0' ||
			    addr_is_local(env.rcpts[i].addr) ||
			    strpbrk(env.rcpts[i].addr, "\r\n") != NULL)
				fuzz_fail("msg", "-t recipient \"%s\"",
				    env.rcpts[i].addr);
	} else {
		if (m.fd != -1 || m.path != NULL)
			fuzz_fail("msg", "failure left a file");
		if (d.exitcode != EX_DATAERR && d.exitcode != EX_USAGE &&
		    d.exitcode != EX_CONFIG)
			fuzz_fail("msg", "failure with exit code %d: %s",
			    d.exitcode, d.text);
	}
	msg_discard(&m);
	envelope_free(&env);
	return 0;
}
