/*
 * envelope.h - the SMTP envelope of one message: sender, recipients with
 * their per-recipient state, and the DSN / body parameters.
 *
 * All strings are owned by the envelope (xstrdup'd) and freed by
 * envelope_free().  Addresses are stored as bare addr-specs without angle
 * brackets; the null sender is "".
 */
#ifndef SENDSMTP_ENVELOPE_H
#define SENDSMTP_ENVELOPE_H

#include <stddef.h>

#include "diag.h"

enum rcpt_state {
	RCPT_PENDING = 0,	/* not yet attempted */
	RCPT_DONE,		/* accepted by the smarthost (250) */
	RCPT_TEMPFAIL,		/* 4xx or connection trouble: retry */
	RCPT_PERMFAIL		/* 5xx: bounce */
};

struct rcpt {
	char		*addr;		/* addr-spec, qualified */
	enum rcpt_state	 state;
	int		 code;		/* last SMTP code for it, 0 if none */
	char		*reply;		/* last reply or error text, or NULL */
};

/* RFC 3461 NOTIFY bits; 0 = not given. */
#define DSN_NOTIFY_NEVER	0x01
#define DSN_NOTIFY_SUCCESS	0x02
#define DSN_NOTIFY_FAILURE	0x04
#define DSN_NOTIFY_DELAY	0x08

enum dsn_ret { DSN_RET_UNSET = 0, DSN_RET_FULL, DSN_RET_HDRS };

/* -B: what the caller said the body is; BODY_UNSET = let us detect it. */
enum body_type { BODY_UNSET = 0, BODY_7BIT, BODY_8BITMIME };

struct envelope {
	char		*sender;	/* "" = null sender <> */
	struct rcpt	*rcpts;
	size_t		 nrcpts;
	size_t		 rcpts_cap;
	unsigned	 notify;	/* DSN_NOTIFY_* bits */
	enum dsn_ret	 ret;
	char		*envid;		/* RFC 3461 ENVID (xtext-encoded on
					 * the wire by smtp.c), or NULL */
	enum body_type	 body;		/* from -B */
	int		 eightbit;	/* message has 8-bit octets */
	int		 smtputf8;	/* addresses need SMTPUTF8 */
};

void	 envelope_init(struct envelope *env);
void	 envelope_free(struct envelope *env);
/* Replace the sender (copied). */
void	 envelope_set_sender(struct envelope *env, const char *sender);
/*
 * Add a recipient (copied) unless an equal one is present (local part
 * compared exactly, domain case-insensitively).  Returns 1 if added, 0 if
 * it was a duplicate, -1 (diag EX_USAGE-class) past RCPT_MAX recipients.
 */
int	 envelope_add_rcpt(struct envelope *env, const char *addr,
	    struct diag *d);
/* Remove every recipient equal to addr; returns how many were removed. */
size_t	 envelope_remove_rcpt(struct envelope *env, const char *addr);
/* 1 if a and b name the same mailbox (see envelope_add_rcpt). */
int	 envelope_addr_equal(const char *a, const char *b);
/* Record a recipient's outcome (reply text copied; may be NULL). */
void	 envelope_rcpt_set(struct rcpt *r, enum rcpt_state state, int code,
	    const char *reply);
/* Number of recipients in a state. */
size_t	 envelope_count(const struct envelope *env, enum rcpt_state state);

#endif /* SENDSMTP_ENVELOPE_H */
