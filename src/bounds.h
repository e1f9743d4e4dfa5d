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
/* One log line (the delivery attempt line holds a diagnostic, a reply
 * and a list of recipients; the list is cut to fit). */
#define LOG_LINE_MAX		8192
#define LOG_RCPTS_MAX		1024
/* The server's reply kept in a struct diag for the log ("421 4.3.2 ..."). */
#define DIAG_REPLY_MAX		256

/* I/O chunk sizes: one TLS record is 16 KiB, and 16 KiB pieces keep the
 * pages a 50 MB message touches (intake, dot-stuffing, output queue)
 * within a few percent of a 1 KB message's peak RSS (issue 7). */
#define IO_CHUNK		(16 * 1024)
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

/* Local aliases (aliases.c): the file, its entries, and how deep one
 * name may expand through others (sendmail allows 10 levels too). */
#define ALIASES_FILE_MAX	(1024 * 1024)
#define ALIASES_MAX		10000
#define ALIAS_DEPTH_MAX		10

/* -bs SMTP server dialogue (smtpd.c).  RFC 5321 4.5.3.1.4 says 512
 * octets per command line; SMTP extensions may add to it, so allow
 * more, and bound commands and unknown commands per session. */
#define SMTPD_LINE_MAX		2048
#define SMTPD_CMDS_MAX		10000
#define SMTPD_ERRORS_MAX	20

/* DKIM (dkim.c, dkim_sign.c, dkim_check.c). */
/* Keys one account may sign with (e.g. one RSA and one Ed25519). */
#define DKIM_KEYS_MAX		4
/* A PEM private key file (RSA-8192 PEM is about 6.5 KB). */
#define DKIM_KEY_FILE_MAX	(64 * 1024)
/* DKIM-Signature lines are folded to this width (RFC 5322 2.1.1's 78). */
#define DKIM_FOLD_WIDTH		78
/* The DKIM-Signature header fields of one message, all keys together. */
#define DKIM_SIGS_MAX		(16 * 1024)

/* TLS session cache (tlscache.c, issue 7): the policy digest (SHA-256),
 * the session data GnuTLS exports (a TLS 1.3 ticket is a few hundred
 * bytes; TLS 1.2 session data with a ticket under 2 KB), one entry file
 * (base64 + header lines), and how long an entry is used: an hour, as
 * Postfix's smtpd_tls_session_cache_timeout and common ticket lifetimes;
 * a server with a shorter one just refuses the ticket. */
#define TLSCACHE_POLICY_LEN	32
#define TLSCACHE_DATA_MAX	(8 * 1024)
#define TLSCACHE_FILE_MAX	(16 * 1024)
#define TLSCACHE_LIFETIME	3600

/* Queue runs (runq.c, issue 7): a long queue is shared among at most
 * RUNQ_SESSIONS_MAX processes, each with its own pipelined SMTP session,
 * one more for every RUNQ_PARALLEL_MIN entries; a shorter queue keeps
 * one session. */
#define RUNQ_SESSIONS_MAX	4
#define RUNQ_PARALLEL_MIN	64

#endif /* SENDSMTP_BOUNDS_H */
