/*
 * bounds.h - every hard limit in one place.
 *
 * Buffers are created with one of these maximums; growing past it is an
 * error, never a silent truncation.  Values follow the RFCs where they
 * give one (RFC 5321 4.5.3.1) and generous practical caps elsewhere.
 */
#ifndef SENDSMTP_BOUNDS_H
#define SENDSMTP_BOUNDS_H

/* RFC 5322 2.1.1: a line is at most 998 octets plus CRLF. */
#define LINE_MAX_WIRE		998
/* Longest input line we read before folding/splitting it. */
#define INPUT_LINE_MAX		(64 * 1024)
/* One header field, all continuation lines included. */
#define HDR_FIELD_MAX		(256 * 1024)
/* The whole header block of a submitted message. */
#define HDR_BLOCK_MAX		(4 * 1024 * 1024)
/* Number of header fields in one message. */
#define HDR_COUNT_MAX		10000

/* RFC 5321 4.5.3.1.3: a path (address) is at most 256 octets. */
#define ADDR_MAX		256
/* Local part and domain, RFC 5321 4.5.3.1.1 and .2. */
#define ADDR_LOCAL_MAX		64
#define ADDR_DOMAIN_MAX		255
/* Recipients of one message. */
#define RCPT_MAX		10000

/* SMTP replies: RFC 5321 4.5.3.1.5 says 512 octets per reply line. */
#define REPLY_LINE_MAX		2048
#define REPLY_LINES_MAX		100
#define REPLY_TEXT_MAX		4096

/* Config: one line, and the whole file. */
#define CONF_LINE_MAX		4096
#define CONF_FILE_MAX		(1024 * 1024)
/* Accounts in one config file, and the length of an account name. */
#define CONF_ACCOUNTS_MAX	256
#define CONF_NAME_MAX		64

/* Text of one diagnostic line. */
#define DIAG_TEXT_MAX		1024

/* I/O chunk sizes: large writes for the body, one TLS record is 16 KiB. */
#define IO_CHUNK		(64 * 1024)
#define OUTBUF_MAX		(256 * 1024)

/* Warnings the command line parser may collect. */
#define CLI_WARN_MAX		16
/* One command line value (-f, -F, -N, -V, -L, -R, -B, -qR...). */
#define CLI_VALUE_MAX		(ADDR_MAX * 4)
/* The -C file name. */
#define CLI_PATH_MAX		4096
/* One recipient argument: an address list such as cron's "a@x,b@y". */
#define CLI_RCPT_ARG_MAX	(64 * 1024)
/* RFC 3461 4.4: an ENVID is at most 100 characters. */
#define DSN_ENVID_MAX		100

/* SMTP client (smtp.c, reply.c). */
/* AUTH mechanisms kept from EHLO ("PLAIN LOGIN ..."), and one name. */
#define EHLO_AUTH_MAX		512
#define SASL_MECH_NAME_MAX	20
/* Our EHLO name (a domain, RFC 1035 2.3.4, or an address literal). */
#define HELO_NAME_MAX		255
/* RFC 2920 5: a pipelined group is flushed and its replies read after
 * this many commands or bytes, so neither side's buffers can deadlock. */
#define PIPELINE_CMDS_MAX	100
#define PIPELINE_BYTES_MAX	(16 * 1024)

/* Spool (queue.c; record format documented at the top of queue.c). */
/* A queue ID: [0-9A-Za-z], 10 hex time + 5 hex usec + hex inode. */
#define QUEUE_ID_MAX		32
/* Envid, Last-Error and Rcpt-Reply values. */
#define QUEUE_TEXT_MAX		REPLY_TEXT_MAX
/* One envelope record line, key included (the longest is a text). */
#define QUEUE_LINE_MAX		(QUEUE_TEXT_MAX + 32)
/* A whole envelope file: RCPT_MAX recipients with the longest replies
 * fit (about 44 MB), so a valid envelope is never refused for size. */
#define QUEUE_ENV_MAX		(64 * 1024 * 1024)
/* Numbers in an envelope: times up to year 9999, sizes up to 1 TiB. */
#define QUEUE_TIME_MAX		253402300799LL
#define QUEUE_SIZE_MAX		(1LL << 40)
#define QUEUE_ATTEMPTS_MAX	1000000LL
/* Temp files and orphaned message files older than this are removed. */
#define QUEUE_STALE_AGE		(24 * 60 * 60)

/* Queue runner, bounces, mailq (runq.c, bounce.c, mailq.c). */
/* Messages sent over one connection before the runner reconnects (some
 * servers limit messages per connection; Postfix's default is none). */
#define DELIVER_SESSION_MSGS_MAX	1000
/* Original headers quoted in a bounce (text/rfc822-headers); the cut is
 * made at a field boundary. */
#define BOUNCE_HEADERS_MAX	(64 * 1024)
/* Recipients described in one bounce (the rest are counted). */
#define BOUNCE_RCPTS_MAX	100
/* A whole bounce message: the headers above plus a report of at most
 * BOUNCE_RCPTS_MAX recipients with the longest replies (about 9 KiB
 * each). */
#define BOUNCE_MAX		(BOUNCE_HEADERS_MAX + 2 * 1024 * 1024)
/* Width bounce text lines are folded at. */
#define BOUNCE_WRAP		76

/* Authentication (secret.c, sasl.c, smtp_auth.c). */
/* A password or an OAuth2 access token (the first line of its source);
 * with the user name it must fit one SASL message. */
#define SECRET_MAX		6144
/* A password_file, and all a passwordeval command may print. */
#define SECRET_FILE_MAX		(64 * 1024)
#define SECRET_EVAL_OUT_MAX	(1024 * 1024)
/* RFC 4954 4: an AUTH command (initial response included) or a
 * response line is at most 12288 octets with its CRLF. */
#define AUTH_LINE_MAX		12288
/* One decoded SASL message either way, and 334 rounds in one AUTH. */
#define SASL_MSG_MAX		8192
#define AUTH_STEPS_MAX		16

#endif /* SENDSMTP_BOUNDS_H */
