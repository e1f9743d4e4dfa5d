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

/*
 * Spool bookkeeping stored with the envelope in a queue entry's .env
 * file (the record format is documented at the top of queue.c).  Kept
 * apart from struct envelope so that the submission path is unchanged;
 * queue.h wraps both in struct queue_entry.
 */
struct envelope_meta {
	long long	 created;	/* unix time of the commit */
	long long	 size;		/* octets in the message file */
	long long	 attempts;	/* delivery attempts so far */
	long long	 next_attempt;	/* unix time of the next try;
					 * 0 = due now */
	char		*last_error;	/* one line on the last failure, or
					 * NULL (owned, freed below) */
};

struct buf;

/* Free last_error and zero the structure. */
void	 envelope_meta_free(struct envelope_meta *meta);

/*
 * Write env and meta as the text records of a .env file into out, which
 * this function initialises (bounded by QUEUE_ENV_MAX); the caller
 * buf_free()s it whatever the result.  Every value is checked against
 * exactly the rules envelope_parse() enforces, so whatever is written
 * parses back to the same envelope (booleans are written as 0/1).
 * Returns 0, or -1 with d set: EX_DATAERR (65) for a value that cannot
 * be stored (control character such as CR, LF or NUL, empty or over-long
 * address, no recipients, NULL sender), EX_SOFTWARE (70) for an
 * out-of-range enum or number.
 */
int	 envelope_serialize(const struct envelope *env,
	    const struct envelope_meta *meta, struct buf *out, struct diag *d);

/*
 * Strict parser for the .env text (len bytes at data, NUL bytes allowed
 * in the input and rejected).  Initialises env and meta; on success the
 * caller owns them (envelope_free, envelope_meta_free).  Returns 0, or
 * -1 with env and meta left empty and d set to EX_DATAERR with
 * "line N: what is wrong".  Safe on arbitrary input (fuzz target).
 */
int	 envelope_parse(const char *data, size_t len, struct envelope *env,
	    struct envelope_meta *meta, struct diag *d);

#endif /* SENDSMTP_ENVELOPE_H */
