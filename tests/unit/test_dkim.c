/*
 * test_dkim.c - dkim.c (relaxed canonicalisation against RFC 6376 3.4.5
 * and tricky cases, header splitting, the h= choice, the bottom-up
 * instance rule, the DKIM-Signature builder and its folding, lists, TXT
 * records), the dkim_* config keys, b64.c, and, with keys made by
 * certtool at test time (skipped without it), signing a message file,
 * the key-file rules and the --check report.  Verification by
 * independent verifiers is in tests/integration/t_dkim.sh.
 */
#include "compat.h"

#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "bounds.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "diag.h"
#include "dkim.h"
#include "util.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char	tmpdir[64];
static int	have_keys;

static void	sink(void *arg, const void *p, size_t n);
static void	esc(const char *s, size_t n, char *out, size_t size);
static void	body_canon(const char *in, size_t n, size_t step,
		    struct buf *out);
static void	write_file(const char *name, const char *text, mode_t mode);
static char	*tpath(const char *name);
static int	load_conf(const char *extra, struct config *cfg,
		    struct diag *d);
static void	keys_setup(void);
static void	keys_teardown(void);
static size_t	longest_line(const char *s, size_t n);
static char	*unfold(const struct buf *b, int space);

static void
sink(void *arg, const void *p, size_t n)
{
	ck_assert_int_eq(buf_add(arg, p, n), 0);
}

/* Printable form of n bytes for messages. */
static void
esc(const char *s, size_t n, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r')
			o += (size_t)snprintf(out + o, size - o, "\\r");
		else if (c == '\n')
			o += (size_t)snprintf(out + o, size - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(out + o, size - o, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

static void
body_canon(const char *in, size_t n, size_t step, struct buf *out)
{
	struct dkim_body b;
	size_t i, k;

	dkim_body_init(&b, sink, out);
	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		dkim_body_feed(&b, in + i, k);
	}
	dkim_body_end(&b);
	ck_assert_uint_eq(b.total, out->len);
}

static size_t
longest_line(const char *s, size_t n)
{
	size_t i, col = 0, max = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n') {
			col = 0;
			continue;
		}
		col += s[i] == '\t' ? 8 : 1;
		if (col > max)
			max = col;
	}
	return max;
}

/* The fields in b with "CRLF HTAB" made one SP or removed (CRLF before
 * a new field stays). */
static char *
unfold(const struct buf *b, int space)
{
	char *out = xmalloc(b->len + 1);
	size_t i, o = 0;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\r' && i + 2 < b->len &&
		    b->data[i + 1] == '\n' && b->data[i + 2] == '\t') {
			if (space)
				out[o++] = ' ';
			i += 2;
		} else
			out[o++] = b->data[i];
	}
	out[o] = '\0';
	return out;
}

/* ------------------------------------------------ header canonicalisation */

START_TEST(canon_header_cases)
{
	static const struct {
		const char	*in;
		const char	*want;	/* NULL: error */
	} cases[] = {
		/* RFC 6376 3.4.5 */
		{ "A: X\r\n", "a:X\r\n" },
		{ "B : Y\t\r\n\tZ  \r\n", "b:Y Z\r\n" },
		{ "Subject:   hello \t  world  \r\n",
		    "subject:hello world\r\n" },
		{ "SUBJECT:\r\n", "subject:\r\n" },
		{ "Empty:   \r\n", "empty:\r\n" },
		{ "X:\t a\r\n  b\r\n\tc\r\n", "x:a b c\r\n" },
		{ "To \t: x", "to:x\r\n" },
		{ "Subject: caf\xc3\xa9 \xe2\x82\xac\r\n",
		    "subject:caf\xc3\xa9 \xe2\x82\xac\r\n" },
		{ "Message-ID: <a@b>", "message-id:<a@b>\r\n" },
		{ "x:y:z\r\n", "x:y:z\r\n" },
		{ "No colon here\r\n", NULL },
		{ "", NULL },
	};
	struct buf b;
	char e1[256], e2[256];
	size_t i;
	int rc;

	for (i = 0; i < NELEM(cases); i++) {
		buf_init(&b, 1024);
		rc = dkim_canon_header(cases[i].in, strlen(cases[i].in), &b);
		if (cases[i].want == NULL) {
			ck_assert_msg(rc == -1, "case %zu: got %d, want -1", i,
			    rc);
		} else {
			esc(buf_str(&b), b.len, e1, sizeof(e1));
			esc(cases[i].want, strlen(cases[i].want), e2,
			    sizeof(e2));
			ck_assert_msg(rc == 0 && strcmp(buf_str(&b),
			    cases[i].want) == 0, "case %zu: got \"%s\", want "
			    "\"%s\"", i, e1, e2);
		}
		buf_free(&b);
	}
}
END_TEST

START_TEST(canon_header_limits)
{
	struct buf b;
	char big[600];

	memset(big, 'a', sizeof(big));
	memcpy(big, "Subject: ", 9);
	buf_init(&b, 100);
	ck_assert_int_eq(dkim_canon_header(big, sizeof(big), &b), -1);
	buf_free(&b);
	/* A NUL in a value is a byte like any other (never read past n). */
	buf_init(&b, 100);
	ck_assert_int_eq(dkim_canon_header("A: x\0y", 6, &b), 0);
	ck_assert_uint_eq(b.len, 7);
	ck_assert_int_eq(memcmp(b.data, "a:x\0y\r\n", 7), 0);
	buf_free(&b);
}
END_TEST

/* ------------------------------------------------ body canonicalisation */

static const struct {
	const char	*in;
	const char	*want;
} body_cases[] = {
	/* RFC 6376 3.4.5 */
	{ " C \r\nD \t E\r\n\r\n\r\n", " C\r\nD E\r\n" },
	{ "", "" },
	{ "\r\n", "" },
	{ "\r\n\r\n\r\n", "" },
	{ "  \t \r\n \r\n", "" },
	{ "abc", "abc\r\n" },
	{ "abc  ", "abc\r\n" },
	{ "abc\r\n", "abc\r\n" },
	{ "a\r\n\r\nb\r\n\r\n", "a\r\n\r\nb\r\n" },
	{ "a\r\n \r\nb\r\n", "a\r\n\r\nb\r\n" },
	{ "x  \t \r\n", "x\r\n" },
	{ "\t lead\r\n", " lead\r\n" },
	{ "a\rb\r\n", "a\rb\r\n" },
	{ "a\nb\r\n", "a\nb\r\n" },
	{ "caf\xc3\xa9\t\t\xe2\x82\xac \r\n", "caf\xc3\xa9 \xe2\x82\xac\r\n" },
	{ ".\r\n..\r\n", ".\r\n..\r\n" },
};

START_TEST(canon_body_cases)
{
	struct buf b;
	char e1[256], e2[256];
	size_t step;
	const char *in = body_cases[_i].in, *want = body_cases[_i].want;

	/* Whole, then in pieces of every size (CR and LF in two feeds). */
	for (step = strlen(in) + 1; step > 0; step--) {
		buf_init(&b, 4096);
		body_canon(in, strlen(in), step, &b);
		esc(buf_str(&b), b.len, e1, sizeof(e1));
		esc(want, strlen(want), e2, sizeof(e2));
		ck_assert_msg(b.len == strlen(want) && memcmp(buf_str(&b),
		    want, b.len) == 0, "case %d, pieces of %zu: got \"%s\", "
		    "want \"%s\"", _i, step, e1, e2);
		buf_free(&b);
		if (strlen(in) == 0)
			break;
	}
}
END_TEST

/* Many trailing empty lines are counted, not buffered. */
START_TEST(canon_body_many_blank)
{
	struct dkim_body bd;
	struct buf b;
	size_t i;

	buf_init(&b, 300000);
	dkim_body_init(&bd, sink, &b);
	dkim_body_feed(&bd, "x\r\n", 3);
	for (i = 0; i < 100000; i++)
		dkim_body_feed(&bd, "\r\n", 2);
	ck_assert_uint_eq(bd.total, 3);
	dkim_body_feed(&bd, "y", 1);
	ck_assert_uint_eq(bd.total, 3 + 200000 + 1);
	dkim_body_end(&bd);
	ck_assert_uint_eq(b.len, 3 + 200000 + 3);
	buf_free(&b);
}
END_TEST

/* ------------------------------------------------ header fields */

#define HDRS "Received: one\r\nFrom: A <a@example.org>\r\nTo: b@x,\r\n" \
	"  c@y\r\nSubject: hi\r\nfrom: second@example.org\r\n" \
	"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nX-Other: z\r\n"

START_TEST(hdrs_split)
{
	struct dkim_hdrs h;

	ck_assert_int_eq(dkim_hdrs_parse(HDRS, strlen(HDRS), &h), 0);
	ck_assert_uint_eq(h.n, 7);
	ck_assert_uint_eq(h.f[2].namelen, 2);
	ck_assert_int_eq(strncmp(HDRS + h.f[2].off, "To: b@x,\r\n  c@y\r\n",
	    h.f[2].len), 0);
	ck_assert_uint_eq(h.f[2].len, strlen("To: b@x,\r\n  c@y\r\n"));
	dkim_hdrs_free(&h);
	ck_assert_int_eq(dkim_hdrs_parse(" cont\r\nA: b\r\n", 13, &h), -1);
	ck_assert_int_eq(dkim_hdrs_parse("A: b\r\nnot a field\r\n", 20, &h),
	    -1);
	ck_assert_int_eq(dkim_hdrs_parse("", 0, &h), 0);
	ck_assert_uint_eq(h.n, 0);
	dkim_hdrs_free(&h);
}
END_TEST

START_TEST(hlist_choice)
{
	static const struct {
		const char	*hdrs;
		const char	*want;
	} cases[] = {
		{ HDRS, "from:from:from:to:to:subject:subject:date:date" },
		{ "Subject: x\r\n", "from:subject:subject" },
		{ "From: a\r\nBcc: b\r\nDKIM-Signature: x\r\nMIME-Version: 1.0"
		    "\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding:"
		    " 8bit\r\nReply-To: r\r\nIn-Reply-To: <i>\r\nReferences: "
		    "<i>\r\nCc: c\r\nMessage-ID: <m>\r\nSender: s\r\n",
		    "from:from:sender:sender:reply-to:reply-to:cc:cc:"
		    "message-id:message-id:in-reply-to:in-reply-to:"
		    "references:references:mime-version:mime-version:"
		    "content-type:content-type:content-transfer-encoding:"
		    "content-transfer-encoding" },
	};
	struct dkim_hdrs h;
	struct buf b;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		ck_assert_int_eq(dkim_hdrs_parse(cases[i].hdrs,
		    strlen(cases[i].hdrs), &h), 0);
		buf_init(&b, 4096);
		ck_assert_int_eq(dkim_hlist(&h, &b), 0);
		ck_assert_msg(strcmp(buf_str(&b), cases[i].want) == 0,
		    "case %zu: got \"%s\", want \"%s\"", i, buf_str(&b),
		    cases[i].want);
		ck_assert_ptr_null(strstr(buf_str(&b), "bcc"));
		buf_free(&b);
		dkim_hdrs_free(&h);
	}
}
END_TEST

/* RFC 6376 5.4.2: instances are used bottom-up; extra names add nothing. */
START_TEST(hdrs_canon_order)
{
	struct dkim_hdrs h;
	struct buf b;
	const char *want = "from:second@example.org\r\nfrom:A "
	    "<a@example.org>\r\nsubject:hi\r\nto:b@x, c@y\r\n";

	ck_assert_int_eq(dkim_hdrs_parse(HDRS, strlen(HDRS), &h), 0);
	buf_init(&b, 4096);
	ck_assert_int_eq(dkim_hdrs_canon(&h, "from:from:from:subject:"
	    "subject:to:x-missing", &b), 0);
	ck_assert_msg(strcmp(buf_str(&b), want) == 0, "got \"%s\"",
	    buf_str(&b));
	buf_reset(&b);
	ck_assert_int_eq(dkim_hdrs_canon(&h, "from::to", &b), -1);
	buf_free(&b);
	dkim_hdrs_free(&h);
}
END_TEST

/* ------------------------------------------------ the signature header */

START_TEST(sig_header_fold)
{
	struct dkim_sig s;
	struct buf b, c;
	char sig[700], hlist[400];
	size_t i;
	const char *p;

	memset(&s, 0, sizeof(s));
	s.alg = "rsa-sha256";
	s.domain = "mail.example.org";
	s.selector = "rsa2026";
	s.t = 1700000000;
	(void)strlcpy(hlist, "from:from:to:to:cc:cc:subject:subject:date:"
	    "date:message-id:message-id:mime-version:mime-version:"
	    "content-type:content-type:content-transfer-encoding:"
	    "content-transfer-encoding", sizeof(hlist));
	s.hlist = hlist;
	s.bh = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
	buf_init(&b, DKIM_SIGS_MAX);
	ck_assert_int_eq(dkim_sig_header(&s, &b), 0);
	ck_assert_int_eq(strncmp(buf_str(&b), "DKIM-Signature: v=1; a=rsa-"
	    "sha256; c=relaxed/relaxed; d=mail.example.org;", 62), 0);
	ck_assert_msg(b.len > 2 && strcmp(buf_str(&b) + b.len - 2, "b=") ==
	    0, "got \"%s\"", buf_str(&b));
	ck_assert_msg(longest_line(b.data, b.len) <= DKIM_FOLD_WIDTH,
	    "a line of %zu columns", longest_line(b.data, b.len));
	/* Canonical (unfolded) form: the tags in one line. */
	buf_init(&c, DKIM_SIGS_MAX);
	ck_assert_int_eq(dkim_canon_header(b.data, b.len, &c), 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&c), " t=1700000000; h=from:"
	    "from:to:to:cc:cc:subject:"));
	ck_assert_ptr_nonnull(strstr(buf_str(&c), "; bh=47DEQpj8HBSa+/TImW+"
	    "5JCeuQeRkm5NMpJWZG3hSuFU=; b=\r\n"));
	ck_assert_ptr_null(strstr(buf_str(&c), "l="));
	for (i = 0; i + 1 < sizeof(sig); i++)
		sig[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"[i % 38];
	sig[i] = '\0';
	ck_assert_int_eq(dkim_sig_add_b(&b, sig, strlen(sig)), 0);
	ck_assert_msg(longest_line(b.data, b.len) <= DKIM_FOLD_WIDTH,
	    "a line of %zu columns", longest_line(b.data, b.len));
	ck_assert_str_eq(buf_str(&b) + b.len - 2, "\r\n");
	/* Every line ends in CRLF, continuation lines start with a tab. */
	for (p = b.data; (p = strstr(p, "\r\n")) != NULL &&
	    p + 2 < b.data + b.len; p += 2)
		ck_assert_int_eq(p[2], '\t');
	/* The b= value comes back whole once the folding is removed. */
	buf_reset(&c);
	for (i = 0; i < b.len; i++)
		if (b.data[i] != '\r' && b.data[i] != '\n' &&
		    b.data[i] != '\t')
			ck_assert_int_eq(buf_addc(&c, b.data[i]), 0);
	ck_assert_ptr_nonnull(strstr(buf_str(&c), sig));
	buf_free(&b);
	buf_free(&c);
}
END_TEST

/* ------------------------------------------------ lists, records, b64 */

START_TEST(list_items)
{
	const char *p = " a, b\t ,c ";
	char out[8];

	ck_assert_int_eq(dkim_list_next(&p, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "a");
	ck_assert_int_eq(dkim_list_next(&p, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "b");
	ck_assert_int_eq(dkim_list_next(&p, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "c");
	ck_assert_int_eq(dkim_list_next(&p, out, sizeof(out)), 0);
	p = "a,,b";
	ck_assert_int_eq(dkim_list_next(&p, out, sizeof(out)), 1);
	ck_assert_int_eq(dkim_list_next(&p, out, sizeof(out)), -1);
	p = "12345678";
	ck_assert_int_eq(dkim_list_next(&p, out, sizeof(out)), -1);
}
END_TEST

START_TEST(txt_record_text)
{
	struct buf b;
	const unsigned char pub[] = { 0, 1, 2 };

	buf_init(&b, 256);
	ck_assert_int_eq(dkim_txt_record(1, pub, sizeof(pub), &b), 0);
	ck_assert_str_eq(buf_str(&b), "v=DKIM1; k=ed25519; p=AAEC");
	buf_reset(&b);
	ck_assert_int_eq(dkim_txt_record(0, pub, 1, &b), 0);
	ck_assert_str_eq(buf_str(&b), "v=DKIM1; k=rsa; p=AA==");
	buf_free(&b);
}
END_TEST

START_TEST(b64_add_cases)
{
	static const char *const want[] = { "", "Zg==", "Zm8=", "Zm9v",
	    "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	struct buf b;
	size_t i;

	for (i = 0; i < NELEM(want); i++) {
		buf_init(&b, 64);
		ck_assert_int_eq(b64_add(&b, "foobar", i), 0);
		ck_assert_msg(strcmp(buf_str(&b), want[i]) == 0,
		    "%zu bytes: got \"%s\", want \"%s\"", i, buf_str(&b),
		    want[i]);
		buf_free(&b);
	}
	buf_init(&b, 3);
	ck_assert_int_eq(b64_add(&b, "foobar", 6), -1);
	buf_free(&b);
}
END_TEST

/* ------------------------------------------------ config keys */

static char *
tpath(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char *p = tpath(name);
	int fd;

	(void)unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, text, strlen(text)),
	    (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	ck_assert_int_eq(close(fd), 0);
	free(p);
}

static int
load_conf(const char *extra, struct config *cfg, struct diag *d)
{
	char *text = xasprintf("host 127.0.0.1\n%s", extra);
	char *p = tpath("sendsmtp.conf");
	int rc;

	write_file("sendsmtp.conf", text, 0600);
	config_defaults(cfg);
	rc = config_load(p, NULL, cfg, d);
	free(text);
	free(p);
	return rc;
}

static void
keys_setup(void)
{
	char *cmd;

	(void)strlcpy(tmpdir, "/tmp/sendsmtp-test-dkim.XXXXXX",
	    sizeof(tmpdir));
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	cmd = xasprintf("cd %s && certtool --generate-privkey "
	    "--key-type=ed25519 --outfile ed.pem >/dev/null 2>&1 && "
	    "certtool --generate-privkey --key-type=rsa --bits 2048 "
	    "--outfile rsa.pem >/dev/null 2>&1 && certtool "
	    "--generate-privkey --key-type=rsa --bits 1024 --outfile "
	    "rsa1024.pem >/dev/null 2>&1 && certtool --generate-privkey "
	    "--key-type=ecdsa --outfile ec.pem >/dev/null 2>&1 && chmod 0600 "
	    "*.pem", tmpdir);
	have_keys = system(cmd) == 0;
	free(cmd);
}

static void
keys_teardown(void)
{
	char *cmd = xasprintf("rm -rf %s", tmpdir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

START_TEST(conf_keys_ok)
{
	struct config cfg;
	struct diag d;

	ck_assert_msg(load_conf("dkim_domain example.org\n"
	    "dkim_selector  rsa1 ,\ted1\n"
	    "dkim_key_file /k/rsa.pem, /k/ed.pem\n", &cfg, &d) == 0,
	    "%s", d.text);
	ck_assert_str_eq(cfg.dkim_domain, "example.org");
	ck_assert_str_eq(cfg.dkim_selector, "rsa1,ed1");
	ck_assert_str_eq(cfg.dkim_key_file, "/k/rsa.pem,/k/ed.pem");
	config_free(&cfg);
	/* An account inherits them; "" unsets. */
	ck_assert_msg(load_conf("dkim_domain example.org\ndkim_selector s\n"
	    "dkim_key_file /k\naccount a\naccount b\ndkim_domain \"\"\n"
	    "dkim_selector \"\"\ndkim_key_file \"\"\naccount default : a\n",
	    &cfg, &d) == 0, "%s", d.text);
	ck_assert_str_eq(cfg.dkim_selector, "s");
	config_free(&cfg);
}
END_TEST

START_TEST(conf_keys_bad)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "dkim_domain example.org\ndkim_selector a,b\n"
		    "dkim_key_file /k/a\n", "2 dkim_selectors but 1 "
		    "dkim_key_file" },
		{ "dkim_domain example.org\ndkim_key_file /k/a\n",
		    "dkim_selector is missing" },
		{ "dkim_selector a\ndkim_key_file /k/a\n",
		    "dkim_domain is missing" },
		{ "dkim_key_file k/a\n", "absolute paths" },
		{ "dkim_key_file /a,,/b\n", "separated by commas" },
		{ "dkim_selector a,b,c,d,e\n", "at most 4" },
		{ "dkim_selector bad_sel!\n", "DNS labels" },
		{ "dkim_selector a..b\n", "DNS labels" },
		{ "dkim_domain exa mple.org\n", "the domain that signs" },
		{ "dkim_domain .example.org\n", "the domain that signs" },
		{ "dkim_keyfile /k\n", "did you mean \"dkim_key_file\"" },
	};
	struct config cfg;
	struct diag d;
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		ck_assert_msg(load_conf(cases[i].text, &cfg, &d) == -1,
		    "case %zu loaded", i);
		ck_assert_int_eq(d.exitcode, EX_CONFIG);
		ck_assert_msg(strstr(d.text, cases[i].want) != NULL,
		    "case %zu: got \"%s\", want \"%s\"", i, d.text,
		    cases[i].want);
		config_free(&cfg);
	}
}
END_TEST

/* ------------------------------------------------ keys and signing */

#define MSG "From: A <a@example.org>\r\nTo: b@example.org\r\nSubject: " \
	"t\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <1@x>" \
	"\r\n\r\nhello  \r\n\r\n"

START_TEST(key_rules)
{
	static const struct {
		const char	*file;
		mode_t		 mode;
		const char	*want;
	} cases[] = {
		{ "ed.pem", 0644, "world-readable" },
		{ "ed.pem", 0620, "group-writable" },
		{ "ed.pem", 0602, "world-writable" },
		{ "rsa1024.pem", 0600, "1024-bit RSA key" },
		{ "ec.pem", 0600, "RSA (rsa-sha256) or Ed25519" },
		{ "junk.pem", 0600, "not an unencrypted PEM private key" },
		{ "missing.pem", 0600, "cannot open dkim_key_file" },
		{ "link.pem", 0600, "symbolic link" },
	};
	struct crypto_key *k;
	struct diag d;
	char *p, *ed;
	size_t i;

	if (!have_keys)
		return;		/* no certtool: skipped */
	write_file("junk.pem", "-----BEGIN PRIVATE KEY-----\nnope\n"
	    "-----END PRIVATE KEY-----\n", 0600);
	p = tpath("link.pem");
	ed = tpath("ed.pem");
	ck_assert_int_eq(symlink(ed, p), 0);
	free(p);
	for (i = 0; i < NELEM(cases); i++) {
		p = tpath(cases[i].file);
		if (strcmp(cases[i].file, "ed.pem") == 0)
			ck_assert_int_eq(chmod(p, cases[i].mode), 0);
		ck_assert_msg(dkim_key_load(p, &k, &d) == -1, "case %zu "
		    "loaded", i);
		ck_assert_ptr_null(k);
		ck_assert_int_eq(d.exitcode, EX_CONFIG);
		ck_assert_msg(strstr(d.text, cases[i].want) != NULL,
		    "case %zu: got \"%s\", want \"%s\"", i, d.text,
		    cases[i].want);
		ck_assert_ptr_null(strstr(d.text, "BEGIN"));
		free(p);
	}
	ck_assert_int_eq(chmod(ed, 0640), 0);
	ck_assert_int_eq(dkim_key_load(ed, &k, &d), 0);
	ck_assert_int_eq(crypto_key_alg(k), CRYPTO_KEY_ED25519);
	ck_assert_uint_eq(crypto_key_bits(k), 256);
	crypto_key_free(k);
	free(ed);
}
END_TEST

START_TEST(sign_message)
{
	struct config cfg;
	struct diag d;
	struct buf sigs, body;
	unsigned char bh[CRYPTO_SHA256_LEN];
	char *conf, bh64[64], *want, *flat, *joined;
	size_t n;
	int fd;

	if (!have_keys)
		return;
	conf = xasprintf("dkim_domain example.org\ndkim_selector r, e\n"
	    "dkim_key_file %s/rsa.pem, %s/ed.pem\n", tmpdir, tmpdir);
	ck_assert_msg(load_conf(conf, &cfg, &d) == 0, "%s", d.text);
	write_file("msg", MSG, 0600);
	want = tpath("msg");
	fd = open(want, O_RDONLY);
	free(want);
	ck_assert_int_ne(fd, -1);
	buf_init(&sigs, DKIM_SIGS_MAX);
	ck_assert_msg(dkim_sign_fd(&cfg, fd, 1700000000, &sigs, &d) == 0,
	    "%s", d.text);
	(void)close(fd);
	/* Two fields, RSA first, each ending in CRLF. */
	flat = unfold(&sigs, 1);
	joined = unfold(&sigs, 0);
	ck_assert_int_eq(strncmp(flat, "DKIM-Signature: v=1; a=rsa-sha256;",
	    34), 0);
	ck_assert_ptr_nonnull(strstr(flat, "\r\nDKIM-Signature: v=1; "
	    "a=ed25519-sha256;"));
	ck_assert_str_eq(flat + strlen(flat) - 2, "\r\n");
	ck_assert_ptr_nonnull(strstr(flat, " s=r;"));
	ck_assert_ptr_nonnull(strstr(flat, " s=e;"));
	ck_assert_ptr_nonnull(strstr(flat, " t=1700000000;"));
	ck_assert_ptr_nonnull(strstr(joined, "h=from:from:to:to:subject:"
	    "subject:date:date:message-id:message-id;"));
	free(joined);
	ck_assert_msg(longest_line(sigs.data, sigs.len) <= DKIM_FOLD_WIDTH,
	    "line of %zu", longest_line(sigs.data, sigs.len));
	/* bh= is SHA-256 of the canonical body "hello\r\n". */
	buf_init(&body, 64);
	body_canon("hello  \r\n\r\n", 11, 100, &body);
	ck_assert_str_eq(buf_str(&body), "hello\r\n");
	ck_assert_int_eq(crypto_sha256(body.data, body.len, bh), 0);
	ck_assert_int_eq(b64_encode(bh, sizeof(bh), bh64, sizeof(bh64), &n),
	    0);
	want = xasprintf(" bh=%s;", bh64);
	ck_assert_ptr_nonnull(strstr(flat, want));
	free(want);
	free(flat);
	buf_free(&body);
	buf_free(&sigs);
	config_free(&cfg);
	free(conf);
}
END_TEST

START_TEST(check_report)
{
	struct config cfg;
	struct diag d;
	char *conf, *text = NULL;
	size_t len = 0;
	FILE *f;
	int bad;

	if (!have_keys)
		return;
	conf = xasprintf("dkim_domain example.org\ndkim_selector r, e, x\n"
	    "dkim_key_file %s/rsa.pem, %s/ed.pem, %s/missing.pem\n", tmpdir,
	    tmpdir, tmpdir);
	ck_assert_msg(load_conf(conf, &cfg, &d) == 0, "%s", d.text);
	f = open_memstream(&text, &len);
	bad = dkim_check_report(&cfg, f, 0, 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(bad, 1);
	ck_assert_ptr_nonnull(strstr(text, "r._domainkey.example.org. IN TXT "
	    "\"v=DKIM1; k=rsa; p=MIIBIjAN"));
	/* RSA-2048: 392 characters of p=, so two strings. */
	ck_assert_ptr_nonnull(strstr(text, "\" \""));
	ck_assert_ptr_nonnull(strstr(text, "e._domainkey.example.org. IN TXT "
	    "\"v=DKIM1; k=ed25519; p="));
	ck_assert_ptr_nonnull(strstr(text, "not checked: DNS unavailable"));
	ck_assert_ptr_nonnull(strstr(text, "[FAIL] dkim      x: cannot open "
	    "dkim_key_file"));
	ck_assert_ptr_nonnull(strstr(text, "[skip] dkim      e: not checked: "
	    "DNS unavailable\n       key: ed25519-sha256, 256 bits, "));
	ck_assert_ptr_null(strstr(text, "PRIVATE"));
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	(void)dkim_check_report(&cfg, f, 1, 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(text[0], '[');
	ck_assert_int_eq(text[len - 1], ']');
	ck_assert_ptr_nonnull(strstr(text, "{\"selector\":\"e\",\"domain\":"
	    "\"example.org\",\"name\":\"e._domainkey.example.org\","
	    "\"algorithm\":\"ed25519-sha256\",\"bits\":256,\"record\":"
	    "\"v=DKIM1; k=ed25519; p="));
	ck_assert_ptr_nonnull(strstr(text, "\"status\":\"unchecked\""));
	ck_assert_ptr_nonnull(strstr(text, "\"status\":\"error\""));
	free(text);
	config_free(&cfg);
	free(conf);
	/* Not configured. */
	ck_assert_int_eq(load_conf("", &cfg, &d), 0);
	text = NULL;
	f = open_memstream(&text, &len);
	ck_assert_int_eq(dkim_check_report(&cfg, f, 1, 0), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(text, "[]");
	free(text);
	config_free(&cfg);
}
END_TEST

static Suite *
dkim_suite(void)
{
	Suite *s = suite_create("dkim");
	TCase *tc;

	tc = tcase_create("pure");
	tcase_add_test(tc, canon_header_cases);
	tcase_add_test(tc, canon_header_limits);
	tcase_add_loop_test(tc, canon_body_cases, 0, (int)NELEM(body_cases));
	tcase_add_test(tc, canon_body_many_blank);
	tcase_add_test(tc, hdrs_split);
	tcase_add_test(tc, hlist_choice);
	tcase_add_test(tc, hdrs_canon_order);
	tcase_add_test(tc, sig_header_fold);
	tcase_add_test(tc, list_items);
	tcase_add_test(tc, txt_record_text);
	tcase_add_test(tc, b64_add_cases);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, conf_keys_ok);
	tcase_add_test(tc, conf_keys_bad);
	tcase_add_test(tc, key_rules);
	tcase_add_test(tc, sign_message);
	tcase_add_test(tc, check_report);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dkim_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
