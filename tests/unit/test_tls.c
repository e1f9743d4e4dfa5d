/*
 * test_tls.c - crypto.c (SHA-256, hex, pins) and tls.c's pure wording
 * functions, tls_ctx_new's configuration errors, and the STARTTLS steps
 * of smtp.c (not offered, refused, response injection, plaintext answer
 * on an implicit-TLS connection) against a scripted server thread over
 * a socketpair (scripted_server.c).  Real handshakes are covered by
 * tests/integration/t_tls_*.sh.
 */
#include "compat.h"

#include <sys/types.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "diag.h"
#include "smtp.h"
#include "tls.h"

#include "scripted_server.h"

#define PIN_A	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"

/* ------------------------------------------------------------- hex */

START_TEST(hex_cases)
{
	static const struct {
		const char	*in;
		size_t		 n;
		const char	*want;
	} cases[] = {
		{ "", 0, "" },
		{ "\x00", 1, "00" },
		{ "\xff\x0f\xa0", 3, "ff0fa0" },
		{ "abc", 3, "616263" },
	};
	char out[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'X', sizeof(out));
		crypto_hex((const unsigned char *)cases[i].in, cases[i].n,
		    out);
		ck_assert_msg(strcmp(out, cases[i].want) == 0,
		    "case %zu: got \"%s\", want \"%s\"", i, out,
		    cases[i].want);
	}
}
END_TEST

START_TEST(sha256_vectors)
{
	/* FIPS 180-4 examples */
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
	};
	unsigned char h[CRYPTO_SHA256_LEN];
	char hex[CRYPTO_SHA256_HEX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(crypto_sha256(cases[i].in,
		    strlen(cases[i].in), h), 0);
		crypto_hex(h, sizeof(h), hex);
		ck_assert_msg(strcmp(hex, cases[i].want) == 0,
		    "sha256(\"%s\"): got %s, want %s", cases[i].in, hex,
		    cases[i].want);
	}
}
END_TEST

/* ------------------------------------------------------------- pins */

START_TEST(pin_parse_cases)
{
	static const struct {
		const char	*in;
		int		 want;	/* 0 = parses to PIN_A */
	} cases[] = {
		{ PIN_A, 0 },
		{ "0123456789ABCDEF0123456789ABCDEF"
		  "0123456789ABCDEF0123456789ABCDEF", 0 },
		{ "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:"
		  "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef", 0 },
		{ "sha256:" PIN_A, 0 },
		{ "sha256//" PIN_A, 0 },
		{ "", -1 },
		{ "0", -1 },
		{ "0123456789abcdef0123456789abcdef"
		  "0123456789abcdef0123456789abcde", -1 },	/* 63 */
		{ "0123456789abcdef0123456789abcdef"
		  "0123456789abcdef0123456789abcd", -1 },	/* 62 */
		{ PIN_A "00", -1 },				/* 66 */
		{ PIN_A "0", -1 },				/* 65 */
		{ "g123456789abcdef0123456789abcdef"
		  "0123456789abcdef0123456789abcdef", -1 },
		{ "0123456789abcdef0123456789abcdef "
		  "0123456789abcdef0123456789abcdef", -1 },
		/* colons on some pairs only */
		{ "01:23456789abcdef0123456789abcdef"
		  "0123456789abcdef0123456789abcdef", -1 },
		{ "0123:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:"
		  "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef", -1 },
		{ ":01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:"
		  "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef", -1 },
		{ "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:"
		  "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:", -1 },
		{ "01::23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:"
		  "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef", -1 },
		{ "sha1:" PIN_A, -1 },
		/* a NUL in the middle ends the string: too short */
		{ "0123456789abcdef\0" "0123456789abcdef0123456789abcdef"
		  "0123456789abcdef", -1 },
	};
	unsigned char got[CRYPTO_SHA256_LEN];
	static const unsigned char zero[CRYPTO_SHA256_LEN];
	char hex[CRYPTO_SHA256_HEX];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(got, 0x55, sizeof(got));
		rc = crypto_pin_parse(cases[i].in, got);
		ck_assert_msg(rc == cases[i].want, "case %zu \"%s\": got %d, "
		    "want %d", i, cases[i].in, rc, cases[i].want);
		crypto_hex(got, sizeof(got), hex);
		if (rc == 0)
			ck_assert_msg(strcmp(hex, PIN_A) == 0, "case %zu: got "
			    "%s, want %s", i, hex, PIN_A);
		else
			ck_assert_msg(memcmp(got, zero, sizeof(zero)) == 0,
			    "case %zu: failed parse left %s, want zeros", i,
			    hex);
	}
	ck_assert_int_eq(crypto_pin_parse(NULL, got), -1);
	/* a very long input fails without reading past its end */
	{
		char *longs = malloc(4097);

		ck_assert_ptr_nonnull(longs);
		memset(longs, 'a', 4096);
		longs[4096] = '\0';
		ck_assert_int_eq(crypto_pin_parse(longs, got), -1);
		free(longs);
	}
}
END_TEST

START_TEST(pin_match_cases)
{
	unsigned char pin[CRYPTO_SHA256_LEN], a[CRYPTO_SHA256_LEN],
	    b[CRYPTO_SHA256_LEN];

	ck_assert_int_eq(crypto_pin_parse(PIN_A, pin), 0);
	memcpy(a, pin, sizeof(a));
	memset(b, 0, sizeof(b));
	ck_assert_msg(crypto_pin_match(pin, a, b) == 1, "certificate form: "
	    "got no match, want match");
	ck_assert_msg(crypto_pin_match(pin, b, a) == 1, "public-key form: "
	    "got no match, want match");
	a[31] ^= 1;
	ck_assert_msg(crypto_pin_match(pin, a, b) == 0, "last bit differs: "
	    "got match, want none");
	a[31] ^= 1;
	a[0] ^= 0x80;
	ck_assert_msg(crypto_pin_match(pin, a, a) == 0, "first bit differs: "
	    "got match, want none");
	ck_assert_int_eq(crypto_memeq("abc", "abc", 3), 1);
	ck_assert_int_eq(crypto_memeq("abc", "abd", 3), 0);
	ck_assert_int_eq(crypto_memeq("abc", "xyz", 0), 1);
}
END_TEST

/* ---------------------------------------------------- wording (pure) */

START_TEST(plaintext_cases)
{
	static const struct {
		const char	*in;
		size_t		 n;
		int		 want;
	} cases[] = {
		{ "220 mx ESMTP", 12, 1 },
		{ "220-mx", 6, 1 },
		{ "554 no", 6, 1 },
		{ "421\r\n", 5, 1 },
		{ "220", 3, 0 },		/* too short to tell */
		{ "\x16\x03\x03\x00\x2a", 5, 0 },	/* TLS handshake */
		{ "\x15\x03\x01\x00\x02", 5, 0 },	/* TLS alert */
		{ "120 x", 5, 0 },
		{ "620 x", 5, 0 },
		{ "2a0 x", 5, 0 },
		{ "220x", 4, 0 },
		{ "22\0000 ", 5, 0 },
		{ "", 0, 0 },
	};
	size_t i;
	int got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = tls_looks_plaintext((const unsigned char *)cases[i].in,
		    cases[i].n);
		ck_assert_msg(got == cases[i].want, "case %zu: got %d, want "
		    "%d", i, got, cases[i].want);
	}
}
END_TEST

START_TEST(format_time_cases)
{
	char out[40];

	tls_format_time(0, out, sizeof(out));
	ck_assert_msg(strcmp(out, "1970-01-01 00:00:00 UTC") == 0,
	    "got \"%s\"", out);
	tls_format_time(1577836800, out, sizeof(out));
	ck_assert_msg(strcmp(out, "2020-01-01 00:00:00 UTC") == 0,
	    "got \"%s\"", out);
	tls_format_time((time_t)-1, out, sizeof(out));
	ck_assert_msg(strcmp(out, "an unknown date") == 0, "got \"%s\"",
	    out);
}
END_TEST

static void
peer_fill(struct tls_peer_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->now = 1700000000;			/* 2023-11-14 */
	pi->not_before = 1577836800;		/* 2020-01-01 */
	pi->not_after = 1580515200;		/* 2020-02-01 */
	(void)strlcpy(pi->names, "DNS:wrong.example, IP:192.0.2.7, "
	    "CN:wrong.example", sizeof(pi->names));
	(void)strlcpy(pi->issuer, "CN=Test CA 2", sizeof(pi->issuer));
	(void)strlcpy(pi->cert_pin, PIN_A, sizeof(pi->cert_pin));
	(void)strlcpy(pi->spki_pin, "fedcba9876543210fedcba9876543210"
	    "fedcba9876543210fedcba9876543210", sizeof(pi->spki_pin));
	(void)strlcpy(pi->other, "The certificate is not a CA",
	    sizeof(pi->other));
}

START_TEST(verify_text_cases)
{
	static const struct {
		unsigned	 bits;
		const char	*want[3];	/* substrings, NULL-ended */
		const char	*not;		/* must not appear */
	} cases[] = {
		{ TLS_CERT_EXPIRED, { "expired on 2020-02-01 00:00:00 UTC",
		    "renew", NULL }, "also" },
		{ TLS_CERT_NOT_YET_VALID, { "not valid before 2020-01-01 "
		    "00:00:00 UTC", "clock", NULL }, "also" },
		{ TLS_CERT_UNKNOWN_ISSUER, { "unknown CA (CN=Test CA 2)",
		    "tls_trust_file", NULL }, "self-signed" },
		{ TLS_CERT_UNKNOWN_ISSUER | TLS_CERT_SELF_SIGNED, {
		    "self-signed", "tls_fingerprint fedcba98", NULL },
		    "unknown CA" },
		{ TLS_CERT_HOST_MISMATCH, { "is for DNS:wrong.example, "
		    "IP:192.0.2.7, CN:wrong.example, not for mx.example",
		    "\"host\"", NULL }, "also" },
		{ TLS_CERT_PIN_MISMATCH, { "does not match tls_fingerprint",
		    "certificate SHA-256 " PIN_A, "public key SHA-256 "
		    "fedcba98" }, NULL },
		{ TLS_CERT_REVOKED, { "revoked", NULL }, NULL },
		{ TLS_CERT_INSECURE_ALG, { "insecure algorithm", NULL },
		    NULL },
		{ TLS_CERT_NO_CERT, { "sent no certificate", NULL }, NULL },
		{ TLS_CERT_OTHER, { "The certificate is not a CA", NULL },
		    NULL },
		{ TLS_CERT_UNKNOWN_ISSUER | TLS_CERT_HOST_MISMATCH, {
		    "unknown CA", "; also: the certificate of mx.example is "
		    "for DNS:wrong", NULL }, NULL },
		{ TLS_CERT_EXPIRED | TLS_CERT_HOST_MISMATCH, {
		    "expired on", "also: ", NULL }, NULL },
	};
	struct tls_peer_info pi;
	char out[DIAG_TEXT_MAX];
	size_t i, j;

	peer_fill(&pi);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tls_verify_text(out, sizeof(out), cases[i].bits, &pi,
		    "mx.example");
		for (j = 0; j < 3 && cases[i].want[j] != NULL; j++)
			ck_assert_msg(strstr(out, cases[i].want[j]) != NULL,
			    "case %zu: got \"%s\", want it to contain "
			    "\"%s\"", i, out, cases[i].want[j]);
		if (cases[i].not != NULL)
			ck_assert_msg(strstr(out, cases[i].not) == NULL,
			    "case %zu: got \"%s\", want no \"%s\"", i, out,
			    cases[i].not);
		ck_assert_msg(strchr(out, '\n') == NULL, "case %zu: a newline "
		    "in \"%s\"", i, out);
	}
	/* a CA of the chain expired, not the server's own certificate */
	pi.not_after = pi.now + 86400;
	tls_verify_text(out, sizeof(out), TLS_CERT_EXPIRED, &pi, "mx");
	ck_assert_msg(strstr(out, "a CA certificate in the chain") != NULL,
	    "got \"%s\"", out);
	/* unknown dates */
	pi.not_before = (time_t)-1;
	tls_verify_text(out, sizeof(out), TLS_CERT_NOT_YET_VALID, &pi, "mx");
	ck_assert_msg(strstr(out, "an unknown date") != NULL, "got \"%s\"",
	    out);
}
END_TEST

START_TEST(verify_text_truncates)
{
	struct tls_peer_info pi;
	char small[40], big[DIAG_TEXT_MAX];
	size_t i;

	peer_fill(&pi);
	for (i = 0; i + 1 < sizeof(pi.names); i++)
		pi.names[i] = 'n';
	pi.names[sizeof(pi.names) - 1] = '\0';
	tls_verify_text(small, sizeof(small), TLS_CERT_HOST_MISMATCH |
	    TLS_CERT_EXPIRED, &pi, "mx.example");
	ck_assert_msg(strlen(small) == sizeof(small) - 1, "got %zu bytes, "
	    "want %zu", strlen(small), sizeof(small) - 1);
	ck_assert_msg(strcmp(small + sizeof(small) - 4, "...") == 0,
	    "got \"%s\", want a \"...\" end", small);
	tls_verify_text(big, sizeof(big), 0x3ff, &pi, "mx.example");
	ck_assert_msg(strlen(big) < sizeof(big), "not terminated");
	ck_assert_msg(strlen(big) == sizeof(big) - 1 &&
	    strcmp(big + sizeof(big) - 4, "...") == 0, "got %zu bytes "
	    "ending \"%s\", want a full buffer ending \"...\"", strlen(big),
	    big + strlen(big) - 3);
	tls_verify_text(small, 1, TLS_CERT_EXPIRED, &pi, "mx");
	ck_assert_msg(small[0] == '\0', "size 1: got \"%s\"", small);
}
END_TEST

/* --------------------------------------------------- tls_ctx_new */

START_TEST(ctx_config_errors)
{
	static const struct {
		struct tls_config	 cfg;
		const char		*want;
	} cases[] = {
		{ { NULL, 1, "abc", NULL, NULL, NULL }, "tls_fingerprint" },
		{ { NULL, 0, NULL, NULL, NULL, "NORMAL:+NOPE-NOPE" },
		    "tls_priorities" },
		{ { "/nonexistent/ca.pem", 1, NULL, NULL, NULL, NULL },
		    "cannot load tls_trust_file /nonexistent/ca.pem" },
		{ { "/dev/null", 1, NULL, NULL, NULL, NULL },
		    "tls_trust_file /dev/null holds no certificates" },
		{ { NULL, 0, NULL, "/nonexistent/c.pem", NULL, NULL },
		    "set together" },
		{ { NULL, 0, NULL, "/nonexistent/c.pem", "/nonexistent/k.pem",
		    NULL }, "cannot load the client certificate" },
	};
	struct tls_ctx *ctx;
	struct diag d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		diag_clear(&d);
		ctx = (struct tls_ctx *)&d;	/* must be reset */
		ck_assert_msg(tls_ctx_new(&ctx, &cases[i].cfg, &d) == -1,
		    "case %zu: got success, want failure", i);
		ck_assert_ptr_null(ctx);
		ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
		ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
		ck_assert_msg(strstr(d.text, cases[i].want) != NULL, "case "
		    "%zu: got \"%s\", want \"%s\"", i, d.text, cases[i].want);
	}
}
END_TEST

START_TEST(ctx_ok)
{
	/* A pin alone needs no trust store; verify off neither. */
	struct tls_config pin = { "/nonexistent/ca.pem", 1, PIN_A, NULL,
	    NULL, NULL };
	struct tls_config off = { "/nonexistent/ca.pem", 0, NULL, NULL, NULL,
	    "NORMAL" };
	struct tls_ctx *ctx = NULL;
	struct diag d;

	ck_assert_msg(tls_ctx_new(&ctx, &pin, &d) == 0, "pin: got \"%s\"",
	    d.text);
	ck_assert_ptr_nonnull(ctx);
	tls_ctx_set_resume(ctx, "xyz", 3);
	tls_ctx_set_resume(ctx, NULL, 0);
	tls_ctx_set_resume(ctx, "abc", 3);
	tls_ctx_free(ctx);
	ck_assert_msg(tls_ctx_new(&ctx, &off, &d) == 0, "off: got \"%s\"",
	    d.text);
	tls_ctx_free(ctx);
	tls_ctx_free(NULL);
}
END_TEST

/* ------------------------------------- STARTTLS against a script */

/*
 * Run smtp_open_fd in mode against the script; returns its result, with
 * d filled and sv->sent holding every byte the client sent.
 */
static int
run_session(enum smtp_tls mode, const struct script_step *steps, size_t n,
    struct script_server *sv, struct diag *d)
{
	struct tls_config tc = { NULL, 1, PIN_A, NULL, NULL, NULL };
	struct smtp_params p;
	struct smtp_session s;
	int fd, rc;

	fd = script_start(sv, steps, n);
	memset(&p, 0, sizeof(p));
	p.host = "mx.example";
	p.port = 587;
	p.timeout = 3;
	p.helo = "client.example";
	p.tls = mode;
	p.tls_cfg = &tc;
	rc = smtp_open_fd(&s, fd, &p, d);
	if (rc == 0)
		ck_assert_int_eq(s.tls_active, 1);
	else
		ck_assert_int_eq(s.tls_active, 0);
	smtp_close(&s);
	script_wait(sv, NULL);
	return rc;
}

#define GREET	"220 mx ESMTP\r\n"
#define EHLO	"EHLO client.example\r\n"
#define CAPS_TLS "250-mx\r\n250 STARTTLS\r\n"
#define STEPS(a)	(a), SCRIPT_NSTEPS(a)

static const struct script_step st_not_offered[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, "250-mx\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n",
	  SCRIPT_NONE },
};

static const struct script_step st_refused[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_TLS, SCRIPT_NONE },
	{ "STARTTLS\r\n", "454 4.7.0 TLS not available\r\n", SCRIPT_NONE },
};

static const struct script_step st_refused_5xx[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_TLS, SCRIPT_NONE },
	{ "STARTTLS\r\n", "502 5.5.1 not implemented\r\n", SCRIPT_NONE },
};

/* Plaintext after the 220 to STARTTLS: a response injection. */
static const struct script_step st_injection[] = {
	{ NULL, GREET, SCRIPT_NONE },
	{ EHLO, CAPS_TLS, SCRIPT_NONE },
	{ "STARTTLS\r\n", "220 go ahead\r\n250 injected\r\n", SCRIPT_NONE },
};

static const struct script_step st_plaintext_greeting[] = {
	{ NULL, "220 mx ESMTP plain\r\n", SCRIPT_NONE },
};

/* A server that says nothing: it may wait for a ClientHello. */
static const struct script_step st_silent[] = {
	{ NULL, NULL, SCRIPT_NONE },
};

/*
 * Every case fails, as a TEMPFAIL: TLS that was asked for is never given
 * up for plaintext.  sent is the exact bytes the client sent in all, or
 * NULL; a hello case wants a TLS record and no SMTP command.
 */
static const struct {
	const char		*name;
	enum smtp_tls		 mode;
	const struct script_step *steps;
	size_t			 nsteps;
	enum smtp_stage		 stage;
	int			 code;		/* d.smtp_code */
	const char		*words[3];	/* in d.text */
	const char		*sent;		/* or NULL */
	int			 hello;		/* want a ClientHello */
	const char		*not_sent[2];	/* never sent */
} starttls_cases[] = {
	{ "not_offered", SMTP_TLS_STARTTLS, STEPS(st_not_offered),
	  STAGE_STARTTLS, 0,
	  { "does not offer STARTTLS (possibly stripped by a middlebox); "
	    "refusing to send in clear", "tls off", NULL },
	  EHLO, 0, { NULL, NULL } },
	{ "refused", SMTP_TLS_STARTTLS, STEPS(st_refused), STAGE_STARTTLS,
	  454, { "TLS not available", "never falls back", NULL },
	  EHLO "STARTTLS\r\n", 0, { "MAIL", "AUTH" } },
	{ "refused_5xx_is_temporary", SMTP_TLS_STARTTLS,
	  STEPS(st_refused_5xx), STAGE_STARTTLS, 502,
	  { NULL, NULL, NULL }, EHLO "STARTTLS\r\n", 0, { NULL, NULL } },
	{ "injection", SMTP_TLS_STARTTLS, STEPS(st_injection),
	  STAGE_STARTTLS, 0,
	  { "14 unexpected byte(s) of plaintext after its 220 reply to "
	    "STARTTLS", "injection", NULL },
	  EHLO "STARTTLS\r\n", 0, { NULL, NULL } },
	{ "smtps_plaintext_answer", SMTP_TLS_SMTPS,
	  STEPS(st_plaintext_greeting), STAGE_STARTTLS, 0,
	  { "answered in plaintext (\"220 ...\")", "set \"tls starttls\"",
	    "587" },
	  NULL, 1, { "EHLO", NULL } },
	{ "greeting_timeout_hint", SMTP_TLS_STARTTLS, STEPS(st_silent),
	  STAGE_GREETING, 0, { "timed out", "set \"tls smtps\"", NULL },
	  "", 0, { NULL, NULL } },
};

/* What the client of starttls case i sent. */
static void
check_sent(size_t i, const struct script_server *sv)
{
	char e1[1024];
	size_t k;

	if (starttls_cases[i].sent != NULL)
		ck_assert_msg(strcmp(sv->sent, starttls_cases[i].sent) == 0,
		    "%s: client sent \"%s\", want \"%s\"",
		    starttls_cases[i].name,
		    script_esc(sv->sent, sv->nsent, e1, sizeof(e1)),
		    starttls_cases[i].sent);
	/* what went out is a TLS ClientHello, never an SMTP command */
	if (starttls_cases[i].hello)
		ck_assert_msg(sv->nsent > 5 &&
		    (unsigned char)sv->sent[0] == 0x16, "client sent %zu "
		    "bytes starting 0x%02x, want a TLS record", sv->nsent,
		    (unsigned char)sv->sent[0]);
	for (k = 0; k < 2; k++)
		if (starttls_cases[i].not_sent[k] != NULL)
			ck_assert_msg(strstr(sv->sent,
			    starttls_cases[i].not_sent[k]) == NULL,
			    "%s: client sent \"%s\"", starttls_cases[i].name,
			    script_esc(sv->sent, sv->nsent, e1, sizeof(e1)));
}

START_TEST(starttls_script)
{
	const size_t i = (size_t)_i;
	struct script_server sv;
	struct diag d;
	size_t k;

	ck_assert_int_eq(run_session(starttls_cases[i].mode,
	    starttls_cases[i].steps, starttls_cases[i].nsteps, &sv, &d), -1);
	ck_assert_int_eq(d.outcome, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(d.exitcode, EX_TEMPFAIL);
	ck_assert_msg(d.stage == starttls_cases[i].stage, "%s: got stage %d, "
	    "want %d", starttls_cases[i].name, d.stage,
	    starttls_cases[i].stage);
	ck_assert_msg(d.smtp_code == starttls_cases[i].code, "%s: got code "
	    "%d, want %d", starttls_cases[i].name, d.smtp_code,
	    starttls_cases[i].code);
	for (k = 0; k < 3; k++)
		if (starttls_cases[i].words[k] != NULL)
			ck_assert_msg(strstr(d.text,
			    starttls_cases[i].words[k]) != NULL, "%s: got "
			    "\"%s\", want it to say \"%s\"",
			    starttls_cases[i].name, d.text,
			    starttls_cases[i].words[k]);
	check_sent(i, &sv);
}
END_TEST

static Suite *
tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *tc;

	tc = tcase_create("crypto");
	tcase_add_test(tc, hex_cases);
	tcase_add_test(tc, sha256_vectors);
	tcase_add_test(tc, pin_parse_cases);
	tcase_add_test(tc, pin_match_cases);
	suite_add_tcase(s, tc);

	tc = tcase_create("wording");
	tcase_add_test(tc, plaintext_cases);
	tcase_add_test(tc, format_time_cases);
	tcase_add_test(tc, verify_text_cases);
	tcase_add_test(tc, verify_text_truncates);
	tcase_add_test(tc, ctx_config_errors);
	tcase_add_test(tc, ctx_ok);
	suite_add_tcase(s, tc);

	tc = tcase_create("starttls");
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, starttls_script, 0,
	    (int)(sizeof(starttls_cases) / sizeof(starttls_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tls_suite());
	int nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}
