/*
 * hdrfix.h - rewrite the addresses of one header field in place (pure:
 * no I/O, no globals).
 *
 * msg.c hands over a complete field as hdr.c read it (its physical
 * lines, each with CRLF); these functions return the field to write
 * instead.  Everything the sender wrote that is not an address to
 * change (display names, comments, groups, quoting, folding) is kept
 * byte for byte; lines the change makes longer than 998 octets are left
 * for msg.c's folding.
 */
#ifndef SENDSMTP_HDRFIX_H
#define SENDSMTP_HDRFIX_H

#include <stddef.h>

#include "aliases.h"
#include "buf.h"

/*
 * Qualify the local addresses of an address field (From, To, Cc, ...):
 * "root" -> "root@DOMAIN", "root@" -> "root@DOMAIN", and an address at
 * one of ctx->own ("root@shorthost") -> "root@DOMAIN".  raw is the field
 * (name, colon, value; physical lines each ending in CRLF).  Returns 1
 * with the new field in out (reset first; each line + CRLF), 0 when
 * nothing needs to change or ctx->domain is empty, -1 when the value is
 * not an address list (the caller keeps the field as it is).
 */
int	 hdrfix_qualify(const char *raw, size_t rawlen,
	    const struct alias_ctx *ctx, struct buf *out);

/*
 * The first mailbox of an address field's raw text: *spec gets its
 * addr-spec qualified as hdrfix_qualify() would, *name its display name
 * (or the comment after a bare address) or NULL.  Both xmalloc'd.
 * Returns 0, or -1 (nothing allocated) when the value is not an address
 * list or holds no mailbox.
 */
int	 hdrfix_first(const char *raw, size_t rawlen,
	    const struct alias_ctx *ctx, char **spec, char **name);

#endif /* SENDSMTP_HDRFIX_H */
