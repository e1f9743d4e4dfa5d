/*
 * dkim.h - DKIM signing (RFC 6376 with relaxed/relaxed canonicalisation;
 * rsa-sha256 and ed25519-sha256 of RFC 8463).
 *
 * Three parts:
 *   dkim.c        pure: canonicalisation, header-field selection, the
 *                 DKIM-Signature builder, the TXT record text;
 *   dkim_sign.c   key files (secure-file rules) and signing the message
 *                 file once, at submission (submit.c);
 *   dkim_check.c  the --check report: the TXT record to publish for each
 *                 key and whether DNS has it.
 *
 * Configuration (sendsmtp.conf(5)): dkim_domain, and dkim_selector and
 * dkim_key_file as comma-separated lists of the same length, the Nth
 * selector going with the Nth key file (at most DKIM_KEYS_MAX), so one
 * message can carry an RSA and an Ed25519 signature.
 */
#ifndef SENDSMTP_DKIM_H
#define SENDSMTP_DKIM_H

#include <stdio.h>
#include <stddef.h>
#include <time.h>

#include "bounds.h"

struct buf;
struct config;
struct diag;
struct msg;

/* ------------------------------------------------ canonicalisation */

/*
 * Relaxed header canonicalisation (RFC 6376 3.4.2) of one header field
 * as it appears in the message (name, colon, value and continuation
 * lines, with or without its final CRLF): the name lower-cased, the
 * value unfolded, runs of WSP made one SP, WSP around the colon and at
 * the end removed; "name:value\r\n" is appended to out.  Returns 0, or
 * -1 when the field has no colon or out's maximum is reached.
 */
int	 dkim_canon_header(const char *field, size_t len, struct buf *out);

/*
 * Relaxed body canonicalisation (RFC 6376 3.4.4), streamed: lines end
 * with CRLF; WSP at the end of a line is dropped and runs of WSP become
 * one SP; empty lines at the end of the body are dropped; a last line
 * without CRLF gets one; an empty body stays empty.  The canonical bytes
 * go to emit(arg, p, n) in pieces of up to sizeof(out) once final (the
 * last ones at dkim_body_end), so memory stays constant.
 */
struct dkim_body {
	void	(*emit)(void *arg, const void *p, size_t n);
	void	*arg;
	unsigned long long blank;	/* empty lines held back */
	int	 wsp;			/* WSP held back in this line */
	int	 cr;			/* a CR held back */
	int	 content;		/* this line has emitted bytes */
	unsigned long long total;	/* canonical bytes produced */
	size_t	 olen;			/* bytes staged in out */
	char	 out[4096];		/* handed to emit when full or
					 * at dkim_body_end */
};

void	 dkim_body_init(struct dkim_body *b,
	    void (*emit)(void *, const void *, size_t), void *arg);
void	 dkim_body_feed(struct dkim_body *b, const void *p, size_t n);
void	 dkim_body_end(struct dkim_body *b);

/* ------------------------------------------------ header fields */

struct dkim_field {
	size_t	 off;		/* start in the header block */
	size_t	 len;		/* through its final CRLF */
	size_t	 namelen;	/* the name (no WSP before the colon) */
};

/* The fields of a header section, in order. */
struct dkim_hdrs {
	const char		*base;
	struct dkim_field	*f;
	size_t			 n;
};

/*
 * Split the header section at block (len bytes, CRLF line ends, no
 * empty line) into fields; a line starting with SP or HTAB continues
 * the field before.  Returns 0 (h->f allocated: dkim_hdrs_free), or -1
 * when a line is not a field (no colon, or a continuation first).
 */
int	 dkim_hdrs_parse(const char *block, size_t len, struct dkim_hdrs *h);
void	 dkim_hdrs_free(struct dkim_hdrs *h);

/*
 * The h= list for the fields in h, lower case, colon-separated: From,
 * Sender, Reply-To, To, Cc, Subject, Date, Message-ID, In-Reply-To,
 * References, MIME-Version, Content-Type, Content-Transfer-Encoding, each
 * listed once more than it is present (over-signed: nobody can add one
 * more) and only when present, except From, which is always listed.
 * Never Bcc (msg.c has removed it anyway), never DKIM-Signature.
 * Returns 0, or -1 when out's maximum is reached.
 */
int	 dkim_hlist(const struct dkim_hdrs *h, struct buf *out);

/*
 * The canonical header fields h= names (RFC 6376 5.4.2: each name takes
 * the last instance not yet used, bottom-up; a name with no instance
 * left adds nothing), appended to out.  Returns 0 or -1 (out's maximum,
 * or an h= name over 64 characters).
 */
int	 dkim_hdrs_canon(const struct dkim_hdrs *h, const char *hlist,
	    struct buf *out);

/* ------------------------------------------------ the signature header */

struct dkim_sig {
	const char	*alg;		/* rsa-sha256, ed25519-sha256 */
	const char	*domain;	/* d= */
	const char	*selector;	/* s= */
	long long	 t;		/* t= */
	const char	*hlist;		/* h= */
	const char	*bh;		/* bh=, base64 */
};

/*
 * "DKIM-Signature: v=1; a=...; c=relaxed/relaxed; d=...; s=...; t=...;
 * h=...; bh=...; b=" into out (reset first), folded with CRLF HTAB so no
 * line passes DKIM_FOLD_WIDTH columns (a tab counts 8) unless one token
 * is longer, without a final CRLF: the form that is signed (RFC 6376
 * 3.7, b= empty).  Returns 0 or -1 (out's maximum).
 */
int	 dkim_sig_header(const struct dkim_sig *s, struct buf *out);

/*
 * Append the b= value (base64, n characters) to a header made by
 * dkim_sig_header, folded the same way, and the final CRLF.
 */
int	 dkim_sig_add_b(struct buf *hdr, const char *b64, size_t n);

/* ------------------------------------------------ lists and records */

/*
 * Copy the next item of a comma-separated list at *cur into out (size
 * bytes), blanks around it trimmed, and advance *cur.  Returns 1, 0 at
 * the end of the list, or -1 for an empty item or one that does not
 * fit.
 */
int	 dkim_list_next(const char **cur, char *out, size_t size);

/*
 * The TXT record text for a public key as crypto_key_public gives it:
 * "v=DKIM1; k=rsa; p=..." or "v=DKIM1; k=ed25519; p=...", appended to
 * out.  Returns 0 or -1 (out's maximum).
 */
int	 dkim_txt_record(int ed25519, const unsigned char *pub, size_t n,
	    struct buf *out);

/* ------------------------------------------------ signing (dkim_sign.c) */

struct crypto_key;

/*
 * Read and import the private key in the file at path under the
 * password-file rules: no symbolic link, a regular file owned by root
 * or us, not group- or world-writable, not world-readable, at most
 * DKIM_KEY_FILE_MAX bytes.  The file's bytes are wiped after the
 * import.  Returns 0 with *out set (crypto_key_free), or -1 with d set
 * to EX_CONFIG naming the file and the fix (crypto_key_load's errors
 * too); the key is never quoted.
 */
int	 dkim_key_load(const char *path, struct crypto_key **out,
	    struct diag *d);

/*
 * Sign m once, with every key of cfg (nothing to do when no
 * dkim_key_file is set): read the message file, hash its body, build
 * one DKIM-Signature per key over exactly these bytes, and replace the
 * file by a new one holding the signature fields followed by the old
 * contents (same path, renamed over it; m->fd and m->size follow).
 * Memory does not grow with the body.  Key files must pass the
 * password-file rules (config_check_secure), are wiped after use and
 * never quoted.  Returns 0, or -1 with d set and m unchanged:
 *   EX_CONFIG (78)    a key file is missing, insecure, not a PEM key, an
 *                     RSA key below 2048 bits, or another algorithm;
 *   EX_TEMPFAIL (75)  the new file could not be written (disk full);
 *   EX_IOERR / EX_SOFTWARE  reading the message, the library.
 */
int	 dkim_sign_msg(const struct config *cfg, struct msg *m, time_t now,
	    struct diag *d);

/*
 * Sign the message at fd (read with pread from offset 0, size bytes)
 * with the keys of cfg, appending the DKIM-Signature fields (CRLF
 * ended) to sigs.  The part of dkim_sign_msg that writes nothing;
 * same errors.
 */
int	 dkim_sign_fd(const struct config *cfg, int fd, time_t now,
	    struct buf *sigs, struct diag *d);

/* ------------------------------------------------ --check (dkim_check.c) */

/*
 * The DKIM section of --check, written to out: for each key of cfg the
 * DNS name and TXT record to publish, as a zone-file line (strings of at
 * most 255 octets), and, when use_dns is set, whether the published
 * record holds the same key ("not checked: DNS unavailable" otherwise).
 * use_dns means the caller found that DNS answers (dnstxt_usable: a
 * resolver that cannot resolve the root zone is unavailable), so a dead
 * DNS costs --check one wait, not one per key.  With json set, one
 * JSON array value (no trailing newline), one object per key:
 *   {"selector":..., "domain":..., "name":..., "algorithm":..., "bits":N,
 *    "record":..., "status":"ok"|"missing"|"mismatch"|"unchecked"|
 *    "error", "detail":...}
 * Text lines follow --check's format ("[ ok ] dkim      SEL: ...", then
 * "       key: ..." and "       publish: ..." lines).  With no DKIM
 * configured: one "[info] dkim ... not configured" line (JSON: []).  Returns
 * the number of keys with a problem (unreadable key, record missing or
 * different), 0 when all is well or DNS could not tell.
 */
int	 dkim_check_report(const struct config *cfg, FILE *out, int json,
	    int use_dns);

#endif /* SENDSMTP_DKIM_H */
