/*
 * addr.h - RFC 5322 address-list tokenizer (pure: no I/O, no globals).
 *
 * Turns the text of an address header (To:, Cc:, Bcc:, Resent-*, From:)
 * or a sendmail argv recipient element into a list of addr-specs in the
 * form they take on the wire: no angle brackets, comments, display names
 * or routes; the local part quoted only when it is not a dot-atom.
 *
 * Accepted: RFC 5322 3.4 (mailbox, name-addr, group, quoted strings,
 * domain literals, nested comments) and the obsolete forms still seen in
 * the wild (4.4: routes "<@r:a@b>", CFWS around dots, empty list
 * elements "a@x,,b@y", trailing commas, unquoted "." in display names),
 * plus what sendmail takes on argv: bare local names ("root", "user@"
 * with an empty domain) and comma lists in one element.
 */
#ifndef SENDSMTP_ADDR_H
#define SENDSMTP_ADDR_H

#include <stddef.h>

#include "diag.h"

struct addr {
	char	*spec;	/* "local@domain", "local", "local@" or ""
			 * (the null sender, addr_parse_one) */
	char	*name;	/* display name (quotes removed), or the
			 * comment after a bare addr-spec, or NULL */
	/* Where the domain is in the parsed text (addr_parse_list only),
	 * for rewriting a header in place: the octets [dom_off, dom_off +
	 * dom_len) are the domain as written; with dom_len 0 a domain
	 * belongs at dom_off (right after the '@' when has_at, else right
	 * after the local part). */
	size_t	 dom_off;
	size_t	 dom_len;
	int	 has_at;
};

struct addr_list {
	struct addr	*v;
	size_t		 n;
	size_t		 cap;
};

/* An empty list. */
void	 addr_list_init(struct addr_list *l);
/* Free every entry; the list is empty and reusable afterwards. */
void	 addr_list_free(struct addr_list *l);

/*
 * Parse the len bytes at s (need not be NUL-terminated) as an RFC 5322
 * address list and append each mailbox to l (group members are added
 * individually; "undisclosed-recipients:;" adds nothing).  Empty input
 * and empty elements are fine.  Returns 0, or -1 with d set to EX_DATAERR
 * naming the offending element; on error l is left as it was before the
 * call.  Errors: CR, LF or NUL anywhere; unbalanced quotes, comments,
 * brackets or groups; words where '@' or ',' is expected; empty "<>";
 * a local part over ADDR_LOCAL_MAX, a domain over ADDR_DOMAIN_MAX or an
 * addr-spec over ADDR_MAX - 2 octets (the RFC 5321 path limit less its
 * angle brackets); l holding more than RCPT_MAX entries.  Strings in l
 * are owned by l.
 */
int	 addr_parse_list(const char *s, size_t len, struct addr_list *l,
	    struct diag *d);

/*
 * Parse one -f / -r value: "", "<>" (null sender, *spec = ""), an
 * addr-spec, "<a@b>" or "Name <a@b>".  *spec is xmalloc'd and owned by
 * the caller.  Returns 0, or -1 with d set to EX_DATAERR (also when the
 * value holds more than one address or a group).
 */
int	 addr_parse_one(const char *s, char **spec, struct diag *d);

/* 1 if spec has no domain: "root", "user@", "\"a@b\"". */
int	 addr_is_local(const char *spec);

/*
 * The domain part of a wire-form spec (after the '@' that is not inside
 * a quoted local part), or NULL if there is no '@'.
 */
const char *addr_domain(const char *spec);

/*
 * A new xmalloc'd copy of spec with "@domain" appended when spec has no
 * domain ("root" -> "root@domain", "user@" -> "user@domain"); a plain
 * copy otherwise or when domain is NULL/empty.  The caller frees it.
 */
char	*addr_qualify(const char *spec, const char *domain);

/* 1 if s holds an octet >= 0x80 (needs SMTPUTF8 in an address). */
int	 addr_has_8bit(const char *s);

#endif /* SENDSMTP_ADDR_H */
