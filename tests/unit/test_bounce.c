/*
 * test_bounce.c - RFC 3464 bounces: the generated message is parsed back
 * (top-level headers, multipart/report parts, delivery-status fields)
 * and checked field by field; odd originals (no header section, headers
 * only, over-long header block, 8-bit, NUL) and bounce_wanted.
 */
#include "compat.h"

#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "bounce.h"
#include "bounds.h"
#include "buf.h"
#include "diag.h"
#include "envelope.h"
#include "util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXPARTS	8
#define MAXFIELDS	64

/* ------------------------------------------------- a small DSN parser */

struct field {
	char	*name;
	char	*value;		/* unfolded */
};

struct block {
	struct field	 f[MAXFIELDS];
	size_t		 n;
};

struct part {
	struct block	 hdr;
	char		*body;	/* after the empty line */
	size_t		 len;
};

struct parsed {
	struct block	 top;
	struct part	 p[MAXPARTS];
	size_t		 nparts;
	int		 closed;	/* the close delimiter was found */
};

/* Parse "Name: value" lines (folded ones joined) from s up to end. */
static void
parse_block(const char *s, const char *end, struct block *b)
{
	const char *line = s, *eol;

	b->n = 0;
	while (line < end) {
		eol = strstr(line, "\r\n");
		if (eol == NULL || eol > end)
			eol = end;
		if ((*line == ' ' || *line == '\t') && b->n > 0) {
			char *v = b->f[b->n - 1].value;

			b->f[b->n - 1].value = xasprintf("%s%.*s", v,
			    (int)(eol - line), line);
			free(v);
		} else if (eol > line) {
			const char *colon = memchr(line, ':', eol - line);

			ck_assert_msg(colon != NULL, "not a field: %.*s",
			    (int)(eol - line), line);
			ck_assert_int_lt(b->n, MAXFIELDS);
			b->f[b->n].name = xstrndup(line, colon - line);
			colon++;
			while (colon < eol && *colon == ' ')
				colon++;
			b->f[b->n].value = xstrndup(colon, eol - colon);
			b->n++;
		}
		line = eol + 2;
	}
}

static void
free_block(struct block *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->f[i].name);
		free(b->f[i].value);
	}
	b->n = 0;
}

static const char *
field(const struct block *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcasecmp(b->f[i].name, name) == 0)
			return b->f[i].value;
	return NULL;
}

static void
assert_field(const struct block *b, const char *name, const char *want)
{
	const char *got = field(b, name);

	ck_assert_msg(got != NULL && strcmp(got, want) == 0,
	    "%s: got \"%s\", want \"%s\"", name, got ? got : "(none)", want);
}

/* Every line ends in CRLF and is at most 998 octets. */
static void
assert_wire(const char *s, size_t len)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n')
			ck_assert_msg(i > 0 && s[i - 1] == '\r',
			    "bare LF at %zu", i);
		if (s[i] == '\r')
			ck_assert_msg(i + 1 < len && s[i + 1] == '\n',
			    "bare CR at %zu", i);
		if (s[i] == '\r' || s[i] == '\n')
			col = 0;
		else
			ck_assert_msg(++col <= 998, "line over 998 at %zu", i);
	}
	ck_assert_msg(len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n',
	    "does not end with CRLF");
}

static void
parse_dsn(const char *msg, size_t len, struct parsed *p)
{
	const char *hend, *ct, *bp, *cur, *next;
	char *delim, *close;
	char bnd[128];
	size_t bl;

	memset(p, 0, sizeof(*p));
	assert_wire(msg, len);
	hend = strstr(msg, "\r\n\r\n");
	ck_assert_ptr_nonnull(hend);
	parse_block(msg, hend + 2, &p->top);
	ct = field(&p->top, "Content-Type");
	ck_assert_ptr_nonnull(ct);
	bp = strstr(ct, "boundary=\"");
	ck_assert_ptr_nonnull(bp);
	bp += strlen("boundary=\"");
	bl = strcspn(bp, "\"");
	ck_assert_uint_lt(bl, sizeof(bnd));
	memcpy(bnd, bp, bl);
	bnd[bl] = '\0';
	delim = xasprintf("\r\n--%s\r\n", bnd);
	close = xasprintf("\r\n--%s--\r\n", bnd);
	cur = strstr(hend, delim);
	ck_assert_ptr_nonnull(cur);
	while (cur != NULL && p->nparts < MAXPARTS) {
		struct part *pt = &p->p[p->nparts++];
		const char *start = cur + strlen(delim), *phend;

		next = strstr(start, delim);
		if (next == NULL) {
			next = strstr(start, close);
			ck_assert_msg(next != NULL, "no close delimiter");
			p->closed = 1;
		}
		phend = strstr(start, "\r\n\r\n");
		if (phend == NULL || phend > next) {
			/* a part whose body is empty: headers end at next */
			phend = next;
			parse_block(start, phend, &pt->hdr);
			pt->body = xstrdup("");
		} else {
			parse_block(start, phend + 2, &pt->hdr);
			pt->body = xstrndup(phend + 4, next - (phend + 4));
			/* the CRLF before the delimiter belongs to it */
		}
		pt->len = strlen(pt->body);
		cur = p->closed ? NULL : next;
	}
	free(delim);
	free(close);
	ck_assert_msg(p->closed, "close delimiter missing");
}

static void
free_parsed(struct parsed *p)
{
	size_t i;

	free_block(&p->top);
	for (i = 0; i < p->nparts; i++) {
		free_block(&p->p[i].hdr);
		free(p->p[i].body);
	}
}

/* Split a delivery-status body into blocks (per-message, per-rcpt...). */
static size_t
dsn_blocks(const char *body, struct block *out, size_t max)
{
	const char *cur = body, *end;
	size_t n = 0;

	while (*cur != '\0' && n < max) {
		end = strstr(cur, "\r\n\r\n");
		if (end == NULL)
			end = cur + strlen(cur);
		else
			end += 2;
		parse_block(cur, end, &out[n++]);
		cur = *end == '\0' ? end : end + 2;
	}
	return n;
}

/* ------------------------------------------------------------ fixtures */

static const char *const orig_headers =
    "From: Alice <alice@example.com>\r\n"
    "To: bob@example.net, carol@example.net\r\n"
    "Subject: quarterly report\r\n"
    "Message-ID: <1@example.com>\r\n";
static const char *const orig_body = "SECRET BODY LINE\r\n.dot line\r\n";

static int
orig_file(const char *text, size_t len)
{
	char tmpl[] = "/tmp/test_bounce.XXXXXX";
	int fd = mkstemp(tmpl);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(unlink(tmpl), 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	return fd;
}

static void
make_env(struct envelope *env)
{
	struct diag d;

	envelope_init(env);
	envelope_set_sender(env, "alice@example.com");
	ck_assert_int_eq(envelope_add_rcpt(env, "bob@example.net", &d), 1);
	ck_assert_int_eq(envelope_add_rcpt(env, "carol@example.net", &d), 1);
	ck_assert_int_eq(envelope_add_rcpt(env, "dave@example.net", &d), 1);
	envelope_rcpt_set(&env->rcpts[0], RCPT_DONE, 250, "2.0.0 OK");
	envelope_rcpt_set(&env->rcpts[1], RCPT_PERMFAIL, 550,
	    "5.1.1 Recipient address rejected: User unknown");
	envelope_rcpt_set(&env->rcpts[2], RCPT_PERMFAIL, 554,
	    "5.7.1 Relay access denied");
}

static void
info(struct bounce_info *bi, int expired)
{
	memset(bi, 0, sizeof(*bi));
	bi->domain = "mta.example.org";
	bi->remote_mta = "smarthost.example.org";
	bi->queue_id = "0067ABCDEF12345a1b2";
	bi->arrival = 1700000000;
	bi->now = 1700000600;
	bi->expired = expired;
	bi->lifetime = 5 * 86400;
}

/* ------------------------------------------------------------ tests */

START_TEST(dsn_structure)
{
	static const unsigned char which[] = { 0, 1, 1 };
	struct bounce_info bi;
	struct envelope env;
	struct parsed p;
	struct block blk[8];
	struct buf out, orig;
	struct diag d;
	size_t nb, i;
	int fd, eight = -1;

	make_env(&env);
	info(&bi, 0);
	buf_init(&orig, 4096);
	ck_assert_int_eq(buf_printf(&orig, "%s\r\n%s", orig_headers,
	    orig_body), 0);
	fd = orig_file(orig.data, orig.len);
	ck_assert_msg(bounce_render(&bi, &env, which, fd, &out, &eight,
	    &d) == 0, "render: %s", d.text);
	ck_assert_int_eq(eight, 0);
	parse_dsn(out.data, out.len, &p);

	assert_field(&p.top, "From",
	    "Mail Delivery System <MAILER-DAEMON@mta.example.org>");
	assert_field(&p.top, "To", "<alice@example.com>");
	assert_field(&p.top, "Auto-Submitted", "auto-replied");
	assert_field(&p.top, "MIME-Version", "1.0");
	ck_assert_ptr_nonnull(field(&p.top, "Date"));
	ck_assert_ptr_nonnull(field(&p.top, "Message-ID"));
	ck_assert_msg(strstr(field(&p.top, "Content-Type"),
	    "multipart/report; report-type=delivery-status;") != NULL,
	    "Content-Type: %s", field(&p.top, "Content-Type"));
	ck_assert_uint_eq(p.nparts, 3);
	ck_assert_msg(strncmp(field(&p.p[0].hdr, "Content-Type"), "text/plain",
	    10) == 0, "part 1 type");
	assert_field(&p.p[1].hdr, "Content-Type", "message/delivery-status");
	assert_field(&p.p[2].hdr, "Content-Type", "text/rfc822-headers");

	/* human part: names both refused recipients and their replies */
	ck_assert_ptr_nonnull(strstr(p.p[0].body, "<carol@example.net>"));
	ck_assert_ptr_nonnull(strstr(p.p[0].body, "<dave@example.net>"));
	ck_assert_ptr_nonnull(strstr(p.p[0].body, "550 5.1.1 Recipient"));
	ck_assert_ptr_null(strstr(p.p[0].body, "bob@example.net"));

	/* delivery-status: one per-message block, one per recipient */
	nb = dsn_blocks(p.p[1].body, blk, NELEM(blk));
	ck_assert_msg(nb == 3, "got %zu blocks, want 3", nb);
	assert_field(&blk[0], "Reporting-MTA", "dns; mta.example.org");
	ck_assert_ptr_nonnull(field(&blk[0], "Arrival-Date"));
	assert_field(&blk[1], "Final-Recipient", "rfc822; carol@example.net");
	assert_field(&blk[1], "Original-Recipient",
	    "rfc822; carol@example.net");
	assert_field(&blk[1], "Action", "failed");
	assert_field(&blk[1], "Status", "5.1.1");
	assert_field(&blk[1], "Remote-MTA", "dns; smarthost.example.org");
	assert_field(&blk[1], "Diagnostic-Code",
	    "smtp; 550 5.1.1 Recipient address rejected: User unknown");
	assert_field(&blk[2], "Final-Recipient", "rfc822; dave@example.net");
	assert_field(&blk[2], "Status", "5.7.1");
	assert_field(&blk[2], "Diagnostic-Code",
	    "smtp; 554 5.7.1 Relay access denied");
	ck_assert_ptr_null(field(&blk[1], "Will-Retry-Until"));

	/* the original's headers, exactly, and nothing of its body */
	ck_assert_msg(strncmp(p.p[2].body, orig_headers,
	    strlen(orig_headers)) == 0, "headers part: got \"%s\"",
	    p.p[2].body);
	ck_assert_ptr_null(strstr(out.data, "SECRET BODY"));
	for (i = 0; i < nb; i++)
		free_block(&blk[i]);
	free_parsed(&p);
	buf_free(&out);
	buf_free(&orig);
	envelope_free(&env);
	(void)close(fd);
}
END_TEST

/* Expired recipients: 4.x status, no config text for local errors. */
START_TEST(dsn_expired_local_error)
{
	static const unsigned char which[] = { 1, 1 };
	struct bounce_info bi;
	struct envelope env;
	struct parsed p;
	struct block blk[4];
	struct buf out;
	struct diag d;
	size_t nb, i;
	int fd;

	envelope_init(&env);
	envelope_set_sender(&env, "alice@example.com");
	ck_assert_int_eq(envelope_add_rcpt(&env, "bob@example.net", &d), 1);
	ck_assert_int_eq(envelope_add_rcpt(&env, "carol@example.net", &d), 1);
	envelope_rcpt_set(&env.rcpts[0], RCPT_TEMPFAIL, 0, "cannot connect "
	    "to 127.0.0.1 port 25; check host in /etc/sendsmtp.conf");
	envelope_rcpt_set(&env.rcpts[1], RCPT_TEMPFAIL, 450,
	    "4.2.1 Mailbox busy");
	info(&bi, 1);
	fd = orig_file(orig_headers, strlen(orig_headers));
	ck_assert_int_eq(bounce_render(&bi, &env, which, fd, &out, NULL, &d),
	    0);
	ck_assert_ptr_null(strstr(out.data, "sendsmtp.conf"));
	ck_assert_ptr_null(strstr(out.data, "127.0.0.1"));
	parse_dsn(out.data, out.len, &p);
	ck_assert_msg(strstr(field(&p.top, "Subject"), "expired") != NULL,
	    "Subject: %s", field(&p.top, "Subject"));
	nb = dsn_blocks(p.p[1].body, blk, NELEM(blk));
	ck_assert_uint_eq(nb, 3);
	assert_field(&blk[1], "Status", "4.4.7");
	ck_assert_ptr_null(field(&blk[1], "Diagnostic-Code"));
	ck_assert_ptr_null(field(&blk[1], "Remote-MTA"));
	assert_field(&blk[2], "Status", "4.2.1");
	assert_field(&blk[2], "Diagnostic-Code", "smtp; 450 4.2.1 Mailbox "
	    "busy");
	ck_assert_ptr_nonnull(field(&blk[2], "Will-Retry-Until"));
	/* headers only, no body: the part still holds them */
	ck_assert_str_eq(p.p[2].body, orig_headers);
	for (i = 0; i < nb; i++)
		free_block(&blk[i]);
	free_parsed(&p);
	buf_free(&out);
	envelope_free(&env);
	(void)close(fd);
}
END_TEST

/* Odd originals: what ends up in the text/rfc822-headers part. */
static const struct {
	const char	*name;
	const char	*orig;		/* "" = build a huge one */
	size_t		 len;		/* 0 = strlen */
	const char	*want_start;	/* the part starts with this */
	int		 want_empty;	/* the part is empty */
	int		 want_cut;	/* "(cut short)" said */
	int		 want_8bit;
} origs[] = {
	{ "no header section", "\r\nbody only\r\n", 0, NULL, 1, 0, 0 },
	{ "headers only, no body", "A: 1\r\nB: 2\r\n", 0, "A: 1\r\nB: 2\r\n",
	    0, 0, 0 },
	{ "folded field", "Subject: a\r\n b\r\n\r\nbody\r\n", 0,
	    "Subject: a\r\n b\r\n", 0, 0, 0 },
	{ "8-bit header", "Subject: caf\xc3\xa9\r\n\r\nx\r\n", 0,
	    "Subject: caf\xc3\xa9\r\n", 0, 0, 1 },
	{ "NUL in body only", "A: 1\r\n\r\nx\0y\r\n", 13, "A: 1\r\n", 0, 0,
	    0 },
	{ "huge header block", "", 0, "X-Fill-0: ", 0, 1, 0 },
	{ "one huge field", "!", 0, NULL, 1, 1, 0 },
};

START_TEST(dsn_original_headers)
{
	static const unsigned char which[] = { 0, 1, 0 };
	struct bounce_info bi;
	struct envelope env;
	struct parsed p;
	struct buf out, orig;
	struct diag d;
	const char *desc;
	int fd, eight = -1, i;

	make_env(&env);
	info(&bi, 0);
	buf_init(&orig, 4 * BOUNCE_HEADERS_MAX);
	if (strcmp(origs[_i].orig, "") == 0) {
		for (i = 0; orig.len < 2 * BOUNCE_HEADERS_MAX; i++)
			ck_assert_int_eq(buf_printf(&orig, "X-Fill-%d: %0100d"
			    "\r\n", i, i), 0);
		ck_assert_int_eq(buf_addstr(&orig, "\r\nbody\r\n"), 0);
	} else if (strcmp(origs[_i].orig, "!") == 0) {
		ck_assert_int_eq(buf_addstr(&orig, "X-Long: "), 0);
		while (orig.len < 2 * BOUNCE_HEADERS_MAX)
			ck_assert_int_eq(buf_addstr(&orig, "word "), 0);
		ck_assert_int_eq(buf_addstr(&orig, "\r\n\r\nbody\r\n"), 0);
	} else
		ck_assert_int_eq(buf_add(&orig, origs[_i].orig, origs[_i].len ?
		    origs[_i].len : strlen(origs[_i].orig)), 0);
	fd = orig_file(orig.data, orig.len);
	ck_assert_msg(bounce_render(&bi, &env, which, fd, &out, &eight,
	    &d) == 0, "%s: %s", origs[_i].name, d.text);
	parse_dsn(out.data, out.len, &p);
	ck_assert_uint_eq(p.nparts, 3);
	if (origs[_i].want_empty)
		ck_assert_msg(p.p[2].len == 0, "%s: got \"%.60s\", want empty",
		    origs[_i].name, p.p[2].body);
	if (origs[_i].want_start != NULL)
		ck_assert_msg(strncmp(p.p[2].body, origs[_i].want_start,
		    strlen(origs[_i].want_start)) == 0, "%s: got \"%.60s\", "
		    "want \"%s...\"", origs[_i].name, p.p[2].body,
		    origs[_i].want_start);
	ck_assert_msg(p.p[2].len <= BOUNCE_HEADERS_MAX + 2, "%s: %zu octets",
	    origs[_i].name, p.p[2].len);
	ck_assert_ptr_null(memmem(out.data, out.len, "body", 4));
	desc = field(&p.p[2].hdr, "Content-Description");
	ck_assert_int_eq(strstr(desc, "cut short") != NULL,
	    origs[_i].want_cut);
	ck_assert_int_eq(eight, origs[_i].want_8bit);
	if (origs[_i].want_8bit)
		assert_field(&p.p[2].hdr, "Content-Transfer-Encoding", "8bit");
	free_parsed(&p);
	buf_free(&out);
	buf_free(&orig);
	envelope_free(&env);
	(void)close(fd);
}
END_TEST

/* A reply near the 4096-octet limit is folded, never over 998 octets. */
START_TEST(dsn_long_reply_folded)
{
	static const unsigned char which[] = { 0, 1, 0 };
	struct bounce_info bi;
	struct envelope env;
	struct parsed p;
	struct block blk[4];
	struct buf out, reply;
	struct diag d;
	size_t nb, i;

	make_env(&env);
	buf_init(&reply, QUEUE_TEXT_MAX);
	ck_assert_int_eq(buf_addstr(&reply, "5.7.1 "), 0);
	while (reply.len < 2000)
		ck_assert_int_eq(buf_addstr(&reply, "blocked "), 0);
	/* one token longer than any line */
	for (i = 0; i < 1500; i++)
		ck_assert_int_eq(buf_addc(&reply, 'x'), 0);
	envelope_rcpt_set(&env.rcpts[1], RCPT_PERMFAIL, 554, reply.data);
	info(&bi, 0);
	ck_assert_int_eq(bounce_render(&bi, &env, which, -1, &out, NULL, &d),
	    0);
	parse_dsn(out.data, out.len, &p);	/* checks 998 */
	nb = dsn_blocks(p.p[1].body, blk, NELEM(blk));
	ck_assert_uint_eq(nb, 2);
	ck_assert_msg(strncmp(field(&blk[1], "Diagnostic-Code"),
	    "smtp; 554 5.7.1 blocked blocked", 31) == 0, "got %.40s",
	    field(&blk[1], "Diagnostic-Code"));
	for (i = 0; i < out.len; i++) {
		size_t n = strcspn(out.data + i, "\r");

		ck_assert_msg(n <= BOUNCE_WRAP + 2, "line of %zu octets", n);
		i += n + 1;
	}
	for (i = 0; i < nb; i++)
		free_block(&blk[i]);
	free_parsed(&p);
	buf_free(&out);
	buf_free(&reply);
	envelope_free(&env);
}
END_TEST

START_TEST(render_refuses)
{
	static const unsigned char none[] = { 0, 0, 0 };
	static const unsigned char one[] = { 0, 1, 0 };
	struct bounce_info bi;
	struct envelope env;
	struct buf out;
	struct diag d;

	make_env(&env);
	info(&bi, 0);
	ck_assert_int_eq(bounce_render(&bi, &env, none, -1, &out, NULL, &d),
	    -1);
	ck_assert_int_eq(d.exitcode, EX_SOFTWARE);
	buf_free(&out);
	envelope_set_sender(&env, "");
	ck_assert_int_eq(bounce_render(&bi, &env, one, -1, &out, NULL, &d),
	    -1);
	ck_assert_msg(strstr(d.text, "null sender") != NULL, "got %s", d.text);
	buf_free(&out);
	envelope_free(&env);
}
END_TEST

static const struct {
	const char	*sender;
	unsigned	 notify;
	int		 want;
} wanted[] = {
	{ "a@example.com", 0, 1 },
	{ "", 0, 0 },
	{ "a@example.com", DSN_NOTIFY_NEVER, 0 },
	{ "a@example.com", DSN_NOTIFY_SUCCESS, 0 },
	{ "a@example.com", DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE, 1 },
	{ "a@example.com", DSN_NOTIFY_DELAY, 0 },
	{ "", DSN_NOTIFY_FAILURE, 0 },
};

START_TEST(wanted_table)
{
	struct envelope env;

	envelope_init(&env);
	envelope_set_sender(&env, wanted[_i].sender);
	env.notify = wanted[_i].notify;
	ck_assert_msg(bounce_wanted(&env) == wanted[_i].want,
	    "case %d (<%s>, notify %#x): got %d, want %d", _i,
	    wanted[_i].sender, wanted[_i].notify, bounce_wanted(&env),
	    wanted[_i].want);
	envelope_free(&env);
}
END_TEST

START_TEST(create_file_and_envelope)
{
	static const unsigned char which[] = { 0, 1, 1 };
	struct bounce_info bi;
	struct envelope env, benv;
	struct msg bm;
	struct diag d;
	struct stat st;
	char dir[] = "/tmp/test_bounce_dir.XXXXXX";
	char *data;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	make_env(&env);
	info(&bi, 0);
	fd = orig_file(orig_headers, strlen(orig_headers));
	ck_assert_msg(bounce_create(&bi, &env, which, fd, dir, &benv, &bm,
	    &d) == 0, "create: %s", d.text);
	ck_assert_str_eq(benv.sender, "");
	ck_assert_uint_eq(benv.nrcpts, 1);
	ck_assert_str_eq(benv.rcpts[0].addr, "alice@example.com");
	ck_assert_int_eq(benv.rcpts[0].state, RCPT_PENDING);
	ck_assert_ptr_nonnull(bm.path);
	ck_assert_int_eq(fstat(bm.fd, &st), 0);
	ck_assert_int_eq(st.st_size, bm.size);
	ck_assert_msg((st.st_mode & 077) == 0, "mode %o", st.st_mode);
	data = xmalloc((size_t)bm.size + 1);
	ck_assert_int_eq(pread(bm.fd, data, (size_t)bm.size, 0), bm.size);
	data[bm.size] = '\0';
	ck_assert_ptr_nonnull(strstr(data, "Final-Recipient: rfc822; "
	    "dave@example.net"));
	free(data);
	(void)close(bm.fd);
	ck_assert_int_eq(unlink(bm.path), 0);
	free(bm.path);
	envelope_free(&benv);
	/* an unwritable directory leaves nothing and says so */
	ck_assert_int_eq(bounce_create(&bi, &env, which, fd,
	    "/nonexistent/dir", &benv, &bm, &d), -1);
	ck_assert_int_eq(bm.fd, -1);
	ck_assert_int_eq(benv.nrcpts, 0);
	ck_assert_int_eq(rmdir(dir), 0);
	envelope_free(&env);
	(void)close(fd);
}
END_TEST

static Suite *
bounce_suite(void)
{
	Suite *s = suite_create("bounce");
	TCase *tc = tcase_create("dsn");

	tcase_add_test(tc, dsn_structure);
	tcase_add_test(tc, dsn_expired_local_error);
	tcase_add_loop_test(tc, dsn_original_headers, 0, (int)NELEM(origs));
	tcase_add_test(tc, dsn_long_reply_folded);
	tcase_add_test(tc, render_refuses);
	tcase_add_loop_test(tc, wanted_table, 0, (int)NELEM(wanted));
	tcase_add_test(tc, create_file_and_envelope);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(bounce_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
