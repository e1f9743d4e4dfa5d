/*
 * diag.c - failure classification and the sysexits mapping.
 *
 * RFC 5321 4.2.1 (reply code classes), RFC 3463 (enhanced status codes).
 * This is the single place that turns an SMTP reply into an outcome and
 * an exit code, and (diag_advise) where the error catalogue's advice is
 * joined to the facts of a failure.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "catalog.h"
#include "diag.h"

static void	diag_vformat(struct diag *d, const char *fmt, va_list ap)
		    __attribute__((format(printf, 2, 0)));

void
diag_clear(struct diag *d)
{
	memset(d, 0, sizeof(*d));
	d->outcome = OUTCOME_OK;
}

static void
diag_vformat(struct diag *d, const char *fmt, va_list ap)
{
	size_t i;

	(void)vsnprintf(d->text, sizeof(d->text), fmt, ap);
	for (i = 0; d->text[i] != '\0'; i++)
		if (d->text[i] == '\r' || d->text[i] == '\n')
			d->text[i] = ' ';
}

int
diag_set(struct diag *d, int exitcode, const char *fmt, ...)
{
	va_list ap;

	diag_clear(d);
	d->exitcode = exitcode;
	switch (exitcode) {
	case EX_TEMPFAIL:
	case EX_OSERR:
	case EX_CANTCREAT:
		d->outcome = OUTCOME_TEMPFAIL;
		break;
	default:
		d->outcome = OUTCOME_PERMFAIL;
		break;
	}
	va_start(ap, fmt);
	diag_vformat(d, fmt, ap);
	va_end(ap);
	return -1;
}

int
diag_temp(struct diag *d, enum smtp_stage stage, const char *fmt, ...)
{
	va_list ap;

	diag_clear(d);
	d->outcome = OUTCOME_TEMPFAIL;
	d->exitcode = EX_TEMPFAIL;
	d->stage = stage;
	va_start(ap, fmt);
	diag_vformat(d, fmt, ap);
	va_end(ap);
	return -1;
}

enum outcome
diag_classify(enum smtp_stage stage, int code)
{
	if (code >= 200 && code < 400)
		return OUTCOME_OK;
	if (code >= 400 && code < 500)
		return OUTCOME_TEMPFAIL;
	/* RFC 4954 6: "authenticate first" is fixed in the config, like a
	 * failed AUTH; bouncing would lose mail over a setup mistake. */
	if (code == 530)
		return OUTCOME_TEMPFAIL;
	switch (stage) {
	case STAGE_MAIL:
	case STAGE_RCPT:
	case STAGE_DATA:
	case STAGE_BODY:
		return OUTCOME_PERMFAIL;
	default:
		/* 5xx at greeting/EHLO/STARTTLS/AUTH is a relay-setup problem
		 * the administrator can fix: never bounce mail for it. */
		return OUTCOME_TEMPFAIL;
	}
}

int
diag_perm_exitcode(int code, const char *enh)
{
	if (enh != NULL && strcmp(enh, "5.1.1") == 0)
		return EX_NOUSER;
	if (enh != NULL && strcmp(enh, "5.1.2") == 0)
		return EX_NOHOST;
	/* Too big: 5.3.4 or 5.2.3, or a bare 552 (RFC 5321 calls 552
	 * "exceeded storage allocation").  552 5.2.2 is a full mailbox,
	 * not a message we could fix. */
	if (enh != NULL && (strcmp(enh, "5.3.4") == 0 ||
	    strcmp(enh, "5.2.3") == 0))
		return EX_DATAERR;
	if (code == 552 && (enh == NULL || enh[0] == '\0'))
		return EX_DATAERR;
	return EX_UNAVAILABLE;
}

void
diag_enh_of_text(const char *text, char *out, size_t outsize)
{
	size_t i = 0, part = 0, digits = 0;

	out[0] = '\0';
	if (text == NULL || (text[0] < '2' || text[0] > '5') || text[1] != '.')
		return;
	/* class "." subject (1-3 digits) "." detail (1-3 digits) */
	for (i = 0; text[i] != '\0'; i++) {
		if (text[i] == '.') {
			if (digits == 0 || ++part > 2)
				return;
			digits = 0;
		} else if (text[i] >= '0' && text[i] <= '9') {
			if (++digits > 3 || (part == 0 && digits > 1))
				return;
		} else {
			break;
		}
	}
	if (part != 2 || digits == 0 || (text[i] != '\0' && text[i] != ' ') ||
	    i >= outsize)
		return;
	memcpy(out, text, i);
	out[i] = '\0';
}

const char *
diag_stage_name(enum smtp_stage stage)
{
	switch (stage) {
	case STAGE_CONNECT:	return "connect";
	case STAGE_GREETING:	return "greeting";
	case STAGE_EHLO:	return "EHLO";
	case STAGE_STARTTLS:	return "STARTTLS";
	case STAGE_AUTH:	return "AUTH";
	case STAGE_MAIL:	return "MAIL FROM";
	case STAGE_RCPT:	return "RCPT TO";
	case STAGE_DATA:	return "DATA";
	case STAGE_BODY:	return "end of data";
	case STAGE_QUIT:	return "QUIT";
	case STAGE_NONE:
	default:		return "local";
	}
}

int
diag_smtp(struct diag *d, enum smtp_stage stage, int code, const char *enh,
    const char *text, const char *host)
{
	diag_clear(d);
	d->stage = stage;
	d->smtp_code = code;
	if (enh != NULL)
		(void)strlcpy(d->enh, enh, sizeof(d->enh));
	d->outcome = diag_classify(stage, code);
	if (d->outcome == OUTCOME_TEMPFAIL)
		d->exitcode = EX_TEMPFAIL;
	else if (d->outcome == OUTCOME_PERMFAIL)
		d->exitcode = diag_perm_exitcode(code, enh);
	(void)snprintf(d->reply, sizeof(d->reply), "%d%s%s %s", code,
	    d->enh[0] != '\0' ? " " : "", d->enh, text != NULL ? text : "");
	(void)snprintf(d->text, sizeof(d->text), "%s refused %s: %d%s%s %s",
	    host != NULL ? host : "the server", diag_stage_name(stage), code,
	    d->enh[0] != '\0' ? " " : "", d->enh, text != NULL ? text : "");
	return diag_advise(d, DC_SMTP, text);
}

int
diag_advise(struct diag *d, enum diag_class cls, const char *reply)
{
	const struct catalog_entry *e;
	size_t len, alen, room;

	if (d->factlen > 0 && d->factlen < sizeof(d->text))
		d->text[d->factlen] = '\0';
	d->factlen = 0;
	d->cls = cls;
	d->cat_id = NULL;
	e = catalog_lookup(cls, (int)d->stage, d->smtp_code,
	    d->enh[0] != '\0' ? d->enh : NULL, reply);
	if (e == NULL)
		return -1;
	d->cat_id = e->id;
	len = strlen(d->text);
	alen = strlen(e->text);
	if (alen + 8 >= sizeof(d->text))
		return -1;
	room = sizeof(d->text) - 1 - 2 - alen;
	if (len > room) {
		/* cut the facts, never the advice */
		len = room - 3;
		memcpy(d->text + len, "...", 3);
		len += 3;
		d->text[len] = '\0';
	}
	d->factlen = len;
	if (len > 0) {
		memcpy(d->text + len, "; ", 2);
		len += 2;
	}
	memcpy(d->text + len, e->text, alen + 1);
	return -1;
}

void
diag_set_class(struct diag *d, enum diag_class cls)
{
	const struct catalog_entry *e;

	e = catalog_lookup(cls, (int)d->stage, d->smtp_code,
	    d->enh[0] != '\0' ? d->enh : NULL, NULL);
	d->cls = cls;
	d->cat_id = e != NULL ? e->id : NULL;
}

const char *
diag_reply_advice(int code, const char *reply)
{
	const struct catalog_entry *e;
	char enh[16];

	diag_enh_of_text(reply, enh, sizeof(enh));
	e = catalog_lookup(DC_SMTP, 0, code, enh[0] != '\0' ? enh : NULL,
	    reply);
	return e != NULL ? e->text : NULL;
}
