/*
 * test_tlscache.c - the TLS session cache (issue 7): the entry format
 * (well-formed, malformed, over-long, NUL), file names, the policy
 * digest, and load/save in a temporary spool: mode, owner, host, port,
 * policy, expiry, corrupt files.
 */
#include "compat.h"

#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "tlscache.h"
#include "util.h"

#define POL	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"
#define HEAD	"SENDSMTP-TLS-CACHE 1\nhost: mx.example\nport: 587\n" \
		"policy: " POL "\nexpires: 1700000000\n"

/* Entries that parse, with the data they hold. */
static const struct {
	const char	*text;
	const char	*host;
	int		 port;
	long long	 expires;
	const char	*data;
} good[] = {
	{ HEAD "data: aGVsbG8=\nEND\n", "mx.example", 587, 1700000000,
	    "hello" },
	{ "SENDSMTP-TLS-CACHE 1\nhost: [192.0.2.1]\nport: 1\npolicy: " POL
	    "\nexpires: 0\ndata: QQ==\nEND\n", "[192.0.2.1]", 1, 0, "A" },
	{ "SENDSMTP-TLS-CACHE 1\nhost: h\nport: 65535\npolicy: "
	    "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	    "\nexpires: 253402300799\ndata: eHl6\nEND\n", "h", 65535,
	    253402300799LL, "xyz" },
};

/* Entries that must be refused. */
static const char *const bad[] = {
	"",
	"SENDSMTP-TLS-CACHE 1\n",
	"SENDSMTP-TLS-CACHE 2\nhost: a\nport: 1\npolicy: " POL
	    "\nexpires: 1\ndata: QQ==\nEND\n",			/* version */
	HEAD "data: aGVsbG8=\n",				/* no END */
	HEAD "data: aGVsbG8=\nEND",				/* no LF */
	HEAD "data: aGVsbG8=\nEND\nmore\n",			/* trailer */
	HEAD "data: aGVsbG8\nEND\n",				/* base64 */
	HEAD "data: \nEND\n",					/* empty */
	HEAD "data: =\nEND\n",					/* nothing */
	HEAD "data:aGVsbG8=\nEND\n",				/* no space */
	HEAD "Data: aGVsbG8=\nEND\n",				/* key case */
	HEAD "data: aGVs\rbG8=\nEND\n",				/* CR */
	HEAD "data: aGVsbG8=\r\nEND\n",
	"SENDSMTP-TLS-CACHE 1\nport: 587\nhost: a\npolicy: " POL
	    "\nexpires: 1\ndata: QQ==\nEND\n",			/* order */
	"SENDSMTP-TLS-CACHE 1\nhost: a b\nport: 587\npolicy: " POL
	    "\nexpires: 1\ndata: QQ==\nEND\n",			/* space */
	"SENDSMTP-TLS-CACHE 1\nhost: a\nport: 0\npolicy: " POL
	    "\nexpires: 1\ndata: QQ==\nEND\n",			/* port 0 */
	"SENDSMTP-TLS-CACHE 1\nhost: a\nport: 65536\npolicy: " POL
	    "\nexpires: 1\ndata: QQ==\nEND\n",
	"SENDSMTP-TLS-CACHE 1\nhost: a\nport: -1\npolicy: " POL
	    "\nexpires: 1\ndata: QQ==\nEND\n",
	"SENDSMTP-TLS-CACHE 1\nhost: a\nport: 25\npolicy: abc\n"
	    "expires: 1\ndata: QQ==\nEND\n",			/* short */
	"SENDSMTP-TLS-CACHE 1\nhost: a\nport: 25\npolicy: " POL "0\n"
	    "expires: 1\ndata: QQ==\nEND\n",			/* long */
	"SENDSMTP-TLS-CACHE 1\nhost: a\nport: 25\npolicy: "
	    "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "\nexpires: 1\ndata: QQ==\nEND\n",			/* not hex */
	"SENDSMTP-TLS-CACHE 1\nhost: a\nport: 25\npolicy: " POL
	    "\nexpires: 253402300800\ndata: QQ==\nEND\n",	/* too late */
	"SENDSMTP-TLS-CACHE 1\nhost: a\nport: 25\npolicy: " POL
	    "\nexpires: 99999999999999999999\ndata: QQ==\nEND\n",
	"SENDSMTP-TLS-CACHE 1\nhost: a\nport: 25\npolicy: " POL
	    "\nexpires: 1x\ndata: QQ==\nEND\n",
	HEAD "data: aGVs\xc3\xa9" "bG8=\nEND\n",		/* 8-bit */
};

START_TEST(parse_good)
{
	struct tlscache_entry e;
	size_t n = strlen(good[_i].data);

	ck_assert_msg(tlscache_parse(good[_i].text, strlen(good[_i].text),
	    &e) == 0, "entry %d: got -1, want 0", _i);
	ck_assert_msg(strcmp(e.host, good[_i].host) == 0,
	    "entry %d: host: got %s, want %s", _i, e.host, good[_i].host);
	ck_assert_msg(e.port == good[_i].port, "entry %d: port: got %d, "
	    "want %d", _i, e.port, good[_i].port);
	ck_assert_msg(e.expires == good[_i].expires, "entry %d: expires: "
	    "got %lld, want %lld", _i, e.expires, good[_i].expires);
	ck_assert_msg(e.len == n && memcmp(e.data, good[_i].data, n) == 0,
	    "entry %d: data: got %zu bytes, want %zu", _i, e.len, n);
	tlscache_entry_free(&e);
}
END_TEST

START_TEST(parse_bad)
{
	struct tlscache_entry e;

	ck_assert_msg(tlscache_parse(bad[_i], strlen(bad[_i]), &e) == -1,
	    "bad entry %d: got 0, want -1", _i);
	ck_assert_msg(e.data == NULL, "bad entry %d: data left", _i);
}
END_TEST

/* A NUL anywhere, an over-long file and over-long fields are refused. */
START_TEST(parse_nul_and_long)
{
	struct tlscache_entry e;
	char text[] = HEAD "data: aGVsbG8=\nEND\n";
	char *big;
	size_t n = sizeof(text) - 1, i;
	struct buf b;

	text[30] = '\0';
	ck_assert_msg(tlscache_parse(text, n, &e) == -1, "NUL: got 0");
	big = xmalloc(TLSCACHE_FILE_MAX + 2);
	memset(big, 'A', TLSCACHE_FILE_MAX + 1);
	ck_assert_msg(tlscache_parse(big, TLSCACHE_FILE_MAX + 1, &e) == -1,
	    "over-long file: got 0");
	free(big);
	/* a host longer than HELO_NAME_MAX */
	buf_init(&b, TLSCACHE_FILE_MAX);
	ck_assert_int_eq(buf_addstr(&b, "SENDSMTP-TLS-CACHE 1\nhost: "), 0);
	for (i = 0; i <= HELO_NAME_MAX; i++)
		ck_assert_int_eq(buf_addc(&b, 'h'), 0);
	ck_assert_int_eq(buf_addstr(&b, "\nport: 1\npolicy: " POL
	    "\nexpires: 1\ndata: QQ==\nEND\n"), 0);
	ck_assert_msg(tlscache_parse(b.data, b.len, &e) == -1,
	    "over-long host: got 0");
	buf_free(&b);
	/* data beyond TLSCACHE_DATA_MAX */
	buf_init(&b, 4 * TLSCACHE_FILE_MAX);
	ck_assert_int_eq(buf_addstr(&b, HEAD "data: "), 0);
	for (i = 0; i < (TLSCACHE_DATA_MAX / 3 + 2) * 4; i++)
		ck_assert_int_eq(buf_addc(&b, 'A'), 0);
	ck_assert_int_eq(buf_addstr(&b, "\nEND\n"), 0);
	ck_assert_msg(tlscache_parse(b.data, b.len, &e) == -1,
	    "over-long data: got 0");
	buf_free(&b);
}
END_TEST

/* format then parse gives the entry back */
START_TEST(format_round_trip)
{
	struct tlscache_entry e, got;
	unsigned char data[300];
	struct buf b;
	size_t i;

	memset(&e, 0, sizeof(e));
	(void)strlcpy(e.host, "smtp.example.com", sizeof(e.host));
	e.port = 465;
	for (i = 0; i < sizeof(e.policy); i++)
		e.policy[i] = (unsigned char)(i * 7);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)i;	/* NULs and 8-bit too */
	e.data = data;
	e.len = sizeof(data);
	e.expires = 1234567890;
	buf_init(&b, TLSCACHE_FILE_MAX);
	ck_assert_int_eq(tlscache_format(&b, &e), 0);
	ck_assert_int_eq(tlscache_parse(b.data, b.len, &got), 0);
	ck_assert_str_eq(got.host, e.host);
	ck_assert_int_eq(got.port, 465);
	ck_assert_msg(memcmp(got.policy, e.policy, sizeof(e.policy)) == 0,
	    "policy changed");
	ck_assert_msg(got.len == sizeof(data) &&
	    memcmp(got.data, data, sizeof(data)) == 0, "data changed");
	tlscache_entry_free(&got);
	buf_free(&b);
}
END_TEST

static const struct {
	const char	*host;
	int		 port;
	const char	*want;		/* NULL: refused */
} names[] = {
	{ "smtp.example.com", 587, "smtp.example.com_587" },
	{ "127.0.0.1", 25, "127.0.0.1_25" },
	{ "[IPv6:::1]", 25, "_ipv6___1__25" },
	{ "SMTP.Example.COM", 587, "smtp.example.com_587" },
	{ "../../etc/passwd", 1, "_._.._etc_passwd_1" },
	{ ".hidden", 2, "_hidden_2" },
	{ "a/b", 3, "a_b_3" },
	{ "", 25, NULL },
};

START_TEST(name_table)
{
	char out[256];
	int rc = tlscache_name(names[_i].host, names[_i].port, out,
	    sizeof(out));

	if (names[_i].want == NULL) {
		ck_assert_msg(rc == -1, "name %d: got 0, want -1", _i);
		return;
	}
	ck_assert_msg(rc == 0 && strcmp(out, names[_i].want) == 0,
	    "name %d: got %s, want %s", _i, rc == 0 ? out : "-1",
	    names[_i].want);
	ck_assert_msg(strchr(out, '/') == NULL, "name %d: a slash", _i);
}
END_TEST

START_TEST(name_bounded)
{
	char host[400], out[256], small[8];

	memset(host, 'x', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	ck_assert_int_eq(tlscache_name(host, 65535, out, sizeof(out)), 0);
	ck_assert_msg(strlen(out) == 200 + 6, "long host: got %zu bytes, "
	    "want 206", strlen(out));
	ck_assert_int_eq(tlscache_name("example.com", 25, small,
	    sizeof(small)), -1);
}
END_TEST

/* Each setting that decides verification changes the digest. */
START_TEST(policy_changes)
{
	struct tls_config base = { "/ca.pem", 1, NULL, NULL, NULL, NULL };
	struct tls_config c;
	unsigned char a[TLSCACHE_POLICY_LEN], b[TLSCACHE_POLICY_LEN];

	tlscache_policy(&base, 1, a);
	tlscache_policy(&base, 1, b);
	ck_assert_msg(memcmp(a, b, sizeof(a)) == 0, "not deterministic");
	tlscache_policy(&base, 2, b);
	ck_assert_msg(memcmp(a, b, sizeof(a)) != 0, "mode ignored");
	c = base;
	c.verify = 0;
	tlscache_policy(&c, 1, b);
	ck_assert_msg(memcmp(a, b, sizeof(a)) != 0, "verify ignored");
	c = base;
	c.trust_file = "/other.pem";
	tlscache_policy(&c, 1, b);
	ck_assert_msg(memcmp(a, b, sizeof(a)) != 0, "trust file ignored");
	c = base;
	c.fingerprint = POL;
	tlscache_policy(&c, 1, b);
	ck_assert_msg(memcmp(a, b, sizeof(a)) != 0, "pin ignored");
	c = base;
	c.cert_file = "/c.pem";
	tlscache_policy(&c, 1, b);
	ck_assert_msg(memcmp(a, b, sizeof(a)) != 0, "client cert ignored");
	c = base;
	c.priorities = "NORMAL";
	tlscache_policy(&c, 1, b);
	ck_assert_msg(memcmp(a, b, sizeof(a)) != 0, "priorities ignored");
	/* ("ab", "c") and ("a", "bc") differ */
	c = base;
	c.trust_file = "/ca.pe";
	c.cert_file = "m";
	tlscache_policy(&c, 1, b);
	c.trust_file = "/ca.pem";
	c.cert_file = "";
	tlscache_policy(&c, 1, a);
	ck_assert_msg(memcmp(a, b, sizeof(a)) != 0, "fields run together");
}
END_TEST

/* ------------------------------------------------ files */

static char spool[64];
static unsigned char pol[TLSCACHE_POLICY_LEN];

static void
spool_setup(void)
{
	(void)strlcpy(spool, "/tmp/test_tlscache.XXXXXX", sizeof(spool));
	ck_assert_ptr_nonnull(mkdtemp(spool));
	memset(pol, 0x5a, sizeof(pol));
}

static void
spool_teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", spool);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static int
load(const char *host, int port, time_t now, size_t *len)
{
	unsigned char *data;
	int rc;

	rc = tlscache_load(spool, host, port, pol, now, &data, len);
	if (rc == 0) {
		ck_assert_ptr_nonnull(data);
		free(data);
	} else
		ck_assert_ptr_null(data);
	return rc;
}

START_TEST(save_then_load)
{
	struct stat st;
	char *path;
	size_t len = 0;

	ck_assert_int_eq(load("mx.example", 587, 1000, &len), -1);
	ck_assert_int_eq(tlscache_save(spool, "mx.example", 587, pol, 1000,
	    "session", 7), 0);
	path = xasprintf("%s/tls-cache/mx.example_587", spool);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_msg((st.st_mode & 0777) == 0600, "mode: got %o, want 600",
	    (unsigned)(st.st_mode & 0777));
	ck_assert_int_eq(load("mx.example", 587, 1000, &len), 0);
	ck_assert_int_eq(len, 7);
	ck_assert_int_eq(load("MX.EXAMPLE", 587, 1000, &len), 0);
	/* another port, another host, another policy: not used */
	ck_assert_int_eq(load("mx.example", 25, 1000, &len), -1);
	ck_assert_int_eq(load("mx2.example", 587, 1000, &len), -1);
	pol[0] ^= 1;
	ck_assert_int_eq(load("mx.example", 587, 1000, &len), -1);
	pol[0] ^= 1;
	/* expired, and dated too far ahead (a clock set back) */
	ck_assert_int_eq(load("mx.example", 587, 1000 + TLSCACHE_LIFETIME,
	    &len), -1);
	ck_assert_int_eq(load("mx.example", 587, 999, &len), -1);
	/* readable by others: not used */
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(load("mx.example", 587, 1000, &len), -1);
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(load("mx.example", 587, 1000, &len), 0);
	/* replaced atomically: no temp file is left */
	ck_assert_int_eq(tlscache_save(spool, "mx.example", 587, pol, 1000,
	    "session2", 8), 0);
	ck_assert_int_eq(load("mx.example", 587, 1000, &len), 0);
	ck_assert_int_eq(len, 8);
	free(path);
	path = xasprintf("ls -A '%s/tls-cache' | grep -q tmp", spool);
	ck_assert_msg(system(path) != 0, "a temp file was left");
	free(path);
}
END_TEST

START_TEST(load_refuses_bad_files)
{
	char *path;
	int fd;
	size_t len;

	ck_assert_int_eq(tlscache_save(spool, "h", 25, pol, 1000, "s", 1), 0);
	path = xasprintf("%s/tls-cache/h_25", spool);
	/* corrupt */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, "SENDSMTP-TLS-CACHE 1\ngarbage\n", 29),
	    29);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(load("h", 25, 1000, &len), -1);
	/* a symlink to a good entry */
	ck_assert_int_eq(tlscache_save(spool, "g", 25, pol, 1000, "s", 1), 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink("g_25", path), 0);
	ck_assert_int_eq(load("h", 25, 1000, &len), -1);
	free(path);
	/* nothing to save, or no spool */
	ck_assert_int_eq(tlscache_save(spool, "h", 25, pol, 1000, "", 0), -1);
	ck_assert_int_eq(tlscache_save("/nonexistent/spool", "h", 25, pol,
	    1000, "s", 1), -1);
	ck_assert_int_eq(tlscache_load(NULL, "h", 25, pol, 1000,
	    (unsigned char **)&path, &len), -1);
}
END_TEST

static Suite *
tlscache_suite(void)
{
	Suite *s = suite_create("tlscache");
	TCase *tc = tcase_create("format");
	TCase *tf = tcase_create("files");

	tcase_add_loop_test(tc, parse_good, 0, sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, parse_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, parse_nul_and_long);
	tcase_add_test(tc, format_round_trip);
	tcase_add_loop_test(tc, name_table, 0,
	    sizeof(names) / sizeof(names[0]));
	tcase_add_test(tc, name_bounded);
	tcase_add_test(tc, policy_changes);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tf, spool_setup, spool_teardown);
	tcase_add_test(tf, save_then_load);
	tcase_add_test(tf, load_refuses_bad_files);
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tlscache_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
