/*
 * smtp_cmd.c - the pure pieces of the SMTP client (split from smtp.c,
 * which drives them): command builders, xtext, the dot-stuffing filter
 * and the EHLO name.  No I/O except smtp_helo_name()'s look-ups.
 *
 * RFC 5321 (MAIL/RCPT/EHLO/HELO syntax, 4.1.4 address literals, 4.5.2
 * dot-stuffing, 4.5.3.1 line limits), RFC 1870 (SIZE), RFC 6152
 * (8BITMIME), RFC 3461 (RET, ENVID as xtext, NOTIFY), RFC 6531
 * (SMTPUTF8).
 *
 * Security: every value put into a command is re-checked here for
 * control characters and length, so no envelope value can inject a
 * command; the dot filter turns any bare CR or LF into CRLF, so nothing
 * in a message can end DATA early (SMTP smuggling).
 */
#include "compat.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "log.h"
#include "smtp.h"
#include "util.h"

static int	smtp_check_addr(const char *a);

/* ================================================================ pure */

void
smtp_dot_init(struct smtp_dot *ds)
{
	ds->bol = 1;
	ds->cr = 0;
}

size_t
smtp_dot_run(struct smtp_dot *ds, const char *in, size_t n, char *out)
{
	size_t i, o = 0;
	char ch;

	for (i = 0; i < n; i++) {
		ch = in[i];
		if (ds->cr) {
			/* CRLF, or a bare CR that we end the line with */
			ds->cr = 0;
			out[o++] = '\r';
			out[o++] = '\n';
			ds->bol = 1;
			if (ch == '\n')
				continue;
		}
		if (ch == '\r') {
			ds->cr = 1;
			continue;
		}
		if (ch == '\n') {		/* bare LF */
			out[o++] = '\r';
			out[o++] = '\n';
			ds->bol = 1;
			continue;
		}
		if (ds->bol && ch == '.')
			out[o++] = '.';
		out[o++] = ch;
		ds->bol = 0;
	}
	return o;
}

size_t
smtp_dot_end(struct smtp_dot *ds, char *out)
{
	size_t o = 0;

	if (ds->cr) {
		ds->cr = 0;
		ds->bol = 1;
		out[o++] = '\r';
		out[o++] = '\n';
	}
	if (!ds->bol) {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	memcpy(out + o, ".\r\n", 3);
	ds->bol = 1;
	return o + 3;
}

int
smtp_xtext(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char enc[3];

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= '!' && *p <= '~' && *p != '+' && *p != '=') {
			if (buf_addc(b, (char)*p) == -1)
				return -1;
			continue;
		}
		enc[0] = '+';
		enc[1] = hex[*p >> 4];
		enc[2] = hex[*p & 0x0f];
		if (buf_add(b, enc, 3) == -1)
			return -1;
	}
	return 0;
}

/* 0 if a may go between < and > of a command, else -1. */
static int
smtp_check_addr(const char *a)
{
	const unsigned char *p;

	if (strlen(a) > ADDR_MAX)
		return -1;
	for (p = (const unsigned char *)a; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return -1;
	return 0;
}

int
smtp_build_mail(struct buf *b, const char *sender,
    const struct smtp_mail_params *p)
{
	if (smtp_check_addr(sender) == -1)
		return -1;
	if (buf_printf(b, "MAIL FROM:<%s>", sender) == -1)
		return -1;
	if (p->size >= 0 && buf_printf(b, " SIZE=%lld", p->size) == -1)
		return -1;
	if (p->body != NULL && buf_printf(b, " BODY=%s", p->body) == -1)
		return -1;
	if (p->smtputf8 && buf_addstr(b, " SMTPUTF8") == -1)
		return -1;
	if (p->ret != DSN_RET_UNSET && buf_addstr(b, p->ret == DSN_RET_FULL ?
	    " RET=FULL" : " RET=HDRS") == -1)
		return -1;
	if (p->envid != NULL && (buf_addstr(b, " ENVID=") == -1 ||
	    smtp_xtext(b, p->envid) == -1))
		return -1;
	return 0;
}

int
smtp_build_rcpt(struct buf *b, const char *rcpt, unsigned notify)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} kw[] = {
		{ DSN_NOTIFY_SUCCESS, "SUCCESS" },
		{ DSN_NOTIFY_FAILURE, "FAILURE" },
		{ DSN_NOTIFY_DELAY, "DELAY" },
	};
	size_t i;
	int first = 1;

	if (smtp_check_addr(rcpt) == -1)
		return -1;
	if (buf_printf(b, "RCPT TO:<%s>", rcpt) == -1)
		return -1;
	if (notify == 0)
		return 0;
	if (notify & DSN_NOTIFY_NEVER)
		return buf_addstr(b, " NOTIFY=NEVER");
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		if (!(notify & kw[i].bit))
			continue;
		if (buf_addstr(b, first ? " NOTIFY=" : ",") == -1 ||
		    buf_addstr(b, kw[i].name) == -1)
			return -1;
		first = 0;
	}
	return 0;
}

int
smtp_build_hello(struct buf *b, const char *verb, const char *name)
{
	if (!smtp_helo_valid(name))
		return -1;
	return buf_printf(b, "%s %s", verb, name);
}

int
smtp_helo_valid(const char *s)
{
	size_t i, len = strlen(s), label = 0;

	if (len == 0 || len > HELO_NAME_MAX)
		return 0;
	if (s[0] == '[') {
		/* address literal: [1.2.3.4] or [IPv6:...] (RFC 5321 4.1.3) */
		if (len < 3 || s[len - 1] != ']')
			return 0;
		i = ascii_strncasecmp(s + 1, "IPv6:", 5) == 0 ? 6 : 1;
		for (; i < len - 1; i++)
			if (!((s[i] >= '0' && s[i] <= '9') ||
			    (s[i] >= 'a' && s[i] <= 'f') ||
			    (s[i] >= 'A' && s[i] <= 'F') ||
			    s[i] == '.' || s[i] == ':'))
				return 0;
		return 1;
	}
	for (i = 0; i <= len; i++) {
		char ch = s[i];

		if (ch == '.' || ch == '\0') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || (ch == '-' && label > 0)))
			return 0;
		label++;
	}
	return 1;
}

void
smtp_helo_name(const char *domain, int fd, char *out, size_t size)
{
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char host[HELO_NAME_MAX + 1], addr[INET6_ADDRSTRLEN];

	if (domain != NULL && *domain != '\0') {
		if (smtp_helo_valid(domain)) {
			(void)strlcpy(out, domain, size);
			return;
		}
		log_warnx("\"domain %s\" is not a valid EHLO name; using this "
		    "host's name instead (fix \"domain\" in sendsmtp.conf)",
		    domain);
	}
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (strchr(host, '.') != NULL && smtp_helo_valid(host)) {
			(void)strlcpy(out, host, size);
			return;
		}
		memset(&hints, 0, sizeof(hints));
		hints.ai_flags = AI_CANONNAME;
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(host, NULL, &hints, &res) == 0 &&
		    res->ai_canonname != NULL &&
		    strchr(res->ai_canonname, '.') != NULL &&
		    smtp_helo_valid(res->ai_canonname)) {
			(void)strlcpy(out, res->ai_canonname, size);
			freeaddrinfo(res);
			return;
		}
		if (res != NULL)
			freeaddrinfo(res);
	}
	/* No FQDN: an address literal is what RFC 5321 4.1.4 suggests. */
	if (fd != -1 && getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0) {
		if (ss.ss_family == AF_INET && inet_ntop(AF_INET,
		    &((struct sockaddr_in *)&ss)->sin_addr, addr,
		    sizeof(addr)) != NULL) {
			(void)snprintf(out, size, "[%s]", addr);
			return;
		}
		if (ss.ss_family == AF_INET6 && inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)&ss)->sin6_addr, addr,
		    sizeof(addr)) != NULL) {
			(void)snprintf(out, size, "[IPv6:%s]", addr);
			return;
		}
	}
	(void)strlcpy(out, "localhost", size);
}

