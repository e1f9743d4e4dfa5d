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

/* Text of one diagnostic line. */
#define DIAG_TEXT_MAX		1024

/* I/O chunk sizes: large writes for the body, one TLS record is 16 KiB. */
#define IO_CHUNK		(64 * 1024)
#define OUTBUF_MAX		(256 * 1024)

/* Warnings the command line parser may collect. */
#define CLI_WARN_MAX		16

#endif /* SENDSMTP_BOUNDS_H */
