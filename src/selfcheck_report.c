/*
 * selfcheck_report.c - the --check report: human lines, or one JSON
 * object.
 *
 * RFC 8259 (JSON; strings escaped by selfcheck_json_escape, which is
 * hand-written so the output never depends on a library's idea of
 * escaping).
 *
 * Security: every value printed comes from the configuration (never a
 * secret: selfcheck.c names password sources, not passwords), from DNS or
 * from the server; server and DNS texts were made printable by reply.c,
 * tls.c and dnstxt.c, and JSON escaping handles whatever is left.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "buf.h"
#include "selfcheck.h"
#include "selfcheck_priv.h"
#include "diag.h"
#include "util.h"

static const char *const check_names[] = { "ok", "info", "warn", "fail",
	"skip" };
static const char *const check_tags[] = { "[ ok ]", "[info]", "[warn]",
	"[FAIL]", "[skip]" };

static size_t	check_utf8_len(const unsigned char *p);
static void	check_free_details(struct selfcheck_report *r);
static void	check_json_step(struct selfcheck_report *r,
		    enum selfcheck_status st, const struct diag *d,
		    const char *summary);

/* Length of the valid UTF-8 sequence at p, 0 if it is not one. */
static size_t
check_utf8_len(const unsigned char *p)
{
	size_t n, i;
	unsigned long cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	cp = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

int
selfcheck_json_escape(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t n;
	int rc;

	if (buf_addc(b, '"') == -1)
		return -1;
	for (; *p != '\0'; p++) {
		switch (*p) {
		case '"':	rc = buf_addstr(b, "\\\""); break;
		case '\\':	rc = buf_addstr(b, "\\\\"); break;
		case '\b':	rc = buf_addstr(b, "\\b"); break;
		case '\f':	rc = buf_addstr(b, "\\f"); break;
		case '\n':	rc = buf_addstr(b, "\\n"); break;
		case '\r':	rc = buf_addstr(b, "\\r"); break;
		case '\t':	rc = buf_addstr(b, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				rc = buf_printf(b, "\\u%04x", *p);
			else if (*p < 0x80)
				rc = buf_addc(b, (char)*p);
			else if ((n = check_utf8_len(p)) > 0) {
				rc = buf_add(b, p, n);
				p += n - 1;
			} else
				rc = buf_addstr(b, "\\ufffd");
			break;
		}
		if (rc == -1)
			return -1;
	}
	return buf_addc(b, '"');
}

void
selfcheck_report_init(struct selfcheck_report *r, FILE *out, int json)
{
	memset(r, 0, sizeof(*r));
	r->out = out;
	r->json = json;
	buf_init(&r->js, CHECK_JSON_MAX);
	buf_init(&r->extra, CHECK_JSON_MAX);
}

static void
check_free_details(struct selfcheck_report *r)
{
	size_t i;

	for (i = 0; i < r->ndetails; i++) {
		free(r->key[i]);
		free(r->val[i]);
	}
	r->ndetails = 0;
}

void
selfcheck_begin(struct selfcheck_report *r, const char *step)
{
	check_free_details(r);
	r->step = step;
}

void
selfcheck_detail(struct selfcheck_report *r, const char *key,
    const char *fmt, ...)
{
	va_list ap;
	struct buf v;

	if (r->ndetails >= CHECK_DETAILS_MAX)
		return;
	buf_init(&v, DIAG_TEXT_MAX * 2);
	va_start(ap, fmt);
	(void)buf_vprintf(&v, fmt, ap);
	va_end(ap);
	r->key[r->ndetails] = xstrdup(key);
	r->val[r->ndetails] = xstrdup(buf_str(&v));
	r->ndetails++;
	buf_free(&v);
}

static void
check_json_step(struct selfcheck_report *r, enum selfcheck_status st,
    const struct diag *d, const char *summary)
{
	struct buf *b = &r->js;
	size_t i;
	int rc = 0;

	rc |= buf_addstr(b, r->nsteps > 0 ? ",\n  {\"step\": " : "\n  "
	    "{\"step\": ");
	rc |= selfcheck_json_escape(b, r->step);
	rc |= buf_printf(b, ", \"status\": \"%s\", \"summary\": ",
	    check_names[st]);
	rc |= selfcheck_json_escape(b, summary);
	rc |= buf_addstr(b, ", \"details\": {");
	for (i = 0; i < r->ndetails; i++) {
		rc |= buf_addstr(b, i > 0 ? ", " : "");
		rc |= selfcheck_json_escape(b, r->key[i]);
		rc |= buf_addstr(b, ": ");
		rc |= selfcheck_json_escape(b, r->val[i]);
	}
	rc |= buf_addc(b, '}');
	if (d != NULL && st == CHECK_FAIL) {
		rc |= buf_addstr(b, ", \"error\": {\"class\": ");
		rc |= selfcheck_json_escape(b, d->cat_id != NULL ? d->cat_id : "");
		rc |= buf_printf(b, ", \"exit\": %d, \"smtp_code\": %d, "
		    "\"enhanced\": ", d->exitcode, d->smtp_code);
		rc |= selfcheck_json_escape(b, d->enh);
		rc |= buf_addstr(b, ", \"text\": ");
		rc |= selfcheck_json_escape(b, d->text);
		rc |= buf_addc(b, '}');
	}
	rc |= buf_addc(b, '}');
	(void)rc;	/* a full buffer is empty: finish says so */
}

void
selfcheck_end(struct selfcheck_report *r, enum selfcheck_status st,
    const struct diag *d, const char *fmt, ...)
{
	va_list ap;
	struct buf sb;
	char *summary;
	size_t i;

	buf_init(&sb, DIAG_TEXT_MAX * 2);
	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)buf_vprintf(&sb, fmt, ap);
		va_end(ap);
	}
	summary = xstrdup(fmt != NULL ? buf_str(&sb) : d != NULL ? d->text :
	    "");
	buf_free(&sb);
	if (st == CHECK_FAIL && r->exitcode == 0) {
		r->exitcode = d != NULL && d->exitcode != 0 ? d->exitcode :
		    EX_UNAVAILABLE;
		r->failed_step = r->step;
	}
	if (r->json)
		check_json_step(r, st, d, summary);
	else {
		(void)fprintf(r->out, "%s %-9s %s\n", check_tags[st], r->step,
		    summary);
		for (i = 0; i < r->ndetails; i++)
			(void)fprintf(r->out, "       %s: %s\n", r->key[i],
			    r->val[i]);
		(void)fflush(r->out);
	}
	r->nsteps++;
	free(summary);
	check_free_details(r);
}

void
selfcheck_report_raw(struct selfcheck_report *r, const char *key,
    const char *json)
{
	(void)buf_addstr(&r->extra, ",\n \"");
	(void)buf_addstr(&r->extra, key);
	(void)buf_addstr(&r->extra, "\": ");
	(void)buf_addstr(&r->extra, json);
}

int
selfcheck_report_finish(struct selfcheck_report *r, const char *path,
    const char *account)
{
	struct buf b;
	int code = r->exitcode;

	if (!r->json) {
		if (code == 0)
			(void)fprintf(r->out, "result: a message could be sent "
			    "(exit 0)\n");
		else
			(void)fprintf(r->out, "result: mail cannot be sent: "
			    "stopped at %s (exit %d)\n", r->failed_step, code);
	} else {
		buf_init(&b, CHECK_JSON_MAX * 2 + 4096);
		(void)buf_addstr(&b, "{\"ok\": ");
		(void)buf_printf(&b, "%s, \"exit\": %d, \"config\": ",
		    code == 0 ? "true" : "false", code);
		(void)selfcheck_json_escape(&b, path);
		(void)buf_addstr(&b, ", \"account\": ");
		(void)selfcheck_json_escape(&b, account);
		(void)buf_addstr(&b, ", \"failed_step\": ");
		if (r->failed_step != NULL)
			(void)selfcheck_json_escape(&b, r->failed_step);
		else
			(void)buf_addstr(&b, "null");
		(void)buf_addstr(&b, ",\n \"steps\": [");
		(void)buf_add(&b, buf_str(&r->js), r->js.len);
		(void)buf_addstr(&b, "\n ]");
		(void)buf_add(&b, buf_str(&r->extra), r->extra.len);
		(void)buf_addstr(&b, "\n}\n");
		(void)fputs(buf_str(&b), r->out);
		buf_free(&b);
	}
	check_free_details(r);
	buf_free(&r->js);
	buf_free(&r->extra);
	return code;
}
