/*
 * envelope.c - sender, recipients and per-recipient state, and their
 * text form in the spool (the .env records; the format is documented at
 * the top of queue.c).
 *
 * RFC 3461 (NOTIFY, RET, ENVID values), RFC 6152 (BODY=8BITMIME).
 *
 * Security: .env files are input like any other (style.md 19).  The
 * parser accepts exactly the canonical form the writer produces: a known
 * version line, known keys each at most once, bounded canonical decimal
 * numbers, known enum words, bounded values without control characters,
 * one END line and nothing after it.  The writer applies the same rules,
 * so a value that could not be read back is refused when it is written
 * rather than discovered at the next queue run.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bounds.h"
#include "buf.h"
#include "envelope.h"
#include "util.h"

#define ENV_VERSION_LINE	"sendsmtp-queue 1"

/* Record keys, in the order the writer emits them. */
enum env_key {
	EK_SENDER = 0,
	EK_CREATED,
	EK_SIZE,
	EK_BODY,
	EK_EIGHTBIT,
	EK_SMTPUTF8,
	EK_NOTIFY,
	EK_RET,
	EK_ENVID,
	EK_ATTEMPTS,
	EK_NEXT_ATTEMPT,
	EK_LAST_ERROR,
	EK_RCPT,
	EK_RCPT_REPLY,
	EK_COUNT
};

/* Keys that must appear exactly once (Envid, Last-Error are optional). */
#define EK_REQUIRED	((1U << EK_SENDER) | (1U << EK_CREATED) | \
	(1U << EK_SIZE) | (1U << EK_BODY) | (1U << EK_EIGHTBIT) | \
	(1U << EK_SMTPUTF8) | (1U << EK_NOTIFY) | (1U << EK_RET) | \
	(1U << EK_ATTEMPTS) | (1U << EK_NEXT_ATTEMPT))

struct env_parser {
	struct envelope		*env;
	struct envelope_meta	*meta;
	unsigned		 seen;	/* 1 << key per key seen */
	int			 prev;	/* key of the last record */
	size_t			 lineno;
	struct diag		*d;
};

static const char *const env_keys[EK_COUNT] = {
	"Sender", "Created", "Size", "Body", "Eightbit", "Smtputf8",
	"Notify", "Ret", "Envid", "Attempts", "Next-Attempt", "Last-Error",
	"Rcpt", "Rcpt-Reply"
};
static const char *const env_states[] = {
	"pending", "done", "tempfail", "permfail"
};
static const char *const env_bodies[] = { "unset", "7bit", "8bitmime" };
static const char *const env_rets[] = { "unset", "full", "hdrs" };
/* NOTIFY words in bit order (DSN_NOTIFY_NEVER is 0x01). */
static const char *const env_notify_words[] = {
	"never", "success", "failure", "delay"
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int	env_bad_text(const char *s, size_t n);
static int	env_check_text(const char *what, const char *s, size_t max,
		    int nonempty, struct diag *d);
static int	env_check(const struct envelope *env,
		    const struct envelope_meta *meta, struct diag *d);
static int	env_put(struct buf *out, enum env_key k, const char *v);
static int	env_put_num(struct buf *out, enum env_key k, long long v);
static int	env_notify_format(unsigned bits, struct buf *out);
static int	env_word(const char *const *words, size_t n, const char *s);
static int	env_num(const char *s, long long max, long long *out);
static int	env_perr(struct env_parser *p, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
static int	env_take_line(struct env_parser *p, const char *data,
		    size_t len, size_t *pos, char *line);
static int	env_parse_line(struct env_parser *p, char *line);
static int	env_parse_scalar(struct env_parser *p, enum env_key k,
		    const char *v);
static int	env_parse_rcpt(struct env_parser *p, char *v);
static int	env_parse_notify(const char *v, unsigned *bits);
static int	env_parse_text(struct env_parser *p, const char *what,
		    const char *v, size_t max, char **out);
static struct rcpt *env_append_rcpt(struct envelope *env, const char *addr);

void
envelope_init(struct envelope *env)
{
	memset(env, 0, sizeof(*env));
}

void
envelope_free(struct envelope *env)
{
	size_t i;

	for (i = 0; i < env->nrcpts; i++) {
		free(env->rcpts[i].addr);
		free(env->rcpts[i].reply);
	}
	free(env->rcpts);
	free(env->sender);
	free(env->envid);
	envelope_init(env);
}

void
envelope_set_sender(struct envelope *env, const char *sender)
{
	free(env->sender);
	env->sender = xstrdup(sender);
}

int
envelope_addr_equal(const char *a, const char *b)
{
	const char *at_a = strrchr(a, '@');
	const char *at_b = strrchr(b, '@');
	size_t la, lb;

	if ((at_a == NULL) != (at_b == NULL))
		return 0;
	if (at_a == NULL)
		return strcmp(a, b) == 0;
	la = (size_t)(at_a - a);
	lb = (size_t)(at_b - b);
	if (la != lb || memcmp(a, b, la) != 0)
		return 0;
	return ascii_strcasecmp(at_a + 1, at_b + 1) == 0;
}

int
envelope_add_rcpt(struct envelope *env, const char *addr, struct diag *d)
{
	struct rcpt *r;
	size_t i;

	for (i = 0; i < env->nrcpts; i++)
		if (envelope_addr_equal(env->rcpts[i].addr, addr))
			return 0;
	if (env->nrcpts >= RCPT_MAX)
		return diag_set(d, EX_USAGE, "too many recipients (more than "
		    "%d); split the message", RCPT_MAX);
	r = env_append_rcpt(env, addr);
	r->state = RCPT_PENDING;
	return 1;
}

size_t
envelope_remove_rcpt(struct envelope *env, const char *addr)
{
	size_t i = 0, removed = 0;

	while (i < env->nrcpts) {
		if (!envelope_addr_equal(env->rcpts[i].addr, addr)) {
			i++;
			continue;
		}
		free(env->rcpts[i].addr);
		free(env->rcpts[i].reply);
		memmove(&env->rcpts[i], &env->rcpts[i + 1],
		    (env->nrcpts - i - 1) * sizeof(*env->rcpts));
		env->nrcpts--;
		removed++;
	}
	return removed;
}

void
envelope_rcpt_set(struct rcpt *r, enum rcpt_state state, int code,
    const char *reply)
{
	r->state = state;
	r->code = code;
	free(r->reply);
	r->reply = reply != NULL ? xstrdup(reply) : NULL;
}

size_t
envelope_count(const struct envelope *env, enum rcpt_state state)
{
	size_t i, n = 0;

	for (i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].state == state)
			n++;
	return n;
}

/* ------------------------------------------------------------ spool form */

void
envelope_meta_free(struct envelope_meta *meta)
{
	free(meta->last_error);
	memset(meta, 0, sizeof(*meta));
}

/* 1 if s[0..n) holds a byte the record format refuses: C0 controls
 * other than TAB (CR, LF and NUL among them) and DEL. */
static int
env_bad_text(const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
	}
	return 0;
}

static int
env_check_text(const char *what, const char *s, size_t max, int nonempty,
    struct diag *d)
{
	size_t n;

	if (s == NULL)
		return diag_set(d, EX_SOFTWARE, "cannot queue the message: "
		    "%s is missing (internal error)", what);
	n = strlen(s);
	if (nonempty && n == 0)
		return diag_set(d, EX_DATAERR, "cannot queue the message: "
		    "%s is empty", what);
	if (n > max)
		return diag_set(d, EX_DATAERR, "cannot queue the message: "
		    "%s is longer than %zu octets", what, max);
	if (env_bad_text(s, n))
		return diag_set(d, EX_DATAERR, "cannot queue the message: "
		    "%s contains a control character (CR, LF, NUL...); "
		    "remove it", what);
	return 0;
}

/* The writer's half of the rules envelope_parse() enforces. */
static int
env_check(const struct envelope *env, const struct envelope_meta *meta,
    struct diag *d)
{
	const struct rcpt *r;
	size_t i;

	if (env_check_text("the envelope sender", env->sender, ADDR_MAX, 0,
	    d) == -1)
		return -1;
	if (env->envid != NULL && env_check_text("the ENVID", env->envid,
	    QUEUE_TEXT_MAX, 0, d) == -1)
		return -1;
	if (meta->last_error != NULL && env_check_text("the last error",
	    meta->last_error, QUEUE_TEXT_MAX, 0, d) == -1)
		return -1;
	if (env->nrcpts == 0)
		return diag_set(d, EX_DATAERR, "cannot queue the message: it "
		    "has no recipients");
	if (env->nrcpts > RCPT_MAX)
		return diag_set(d, EX_DATAERR, "cannot queue the message: "
		    "more than %d recipients", RCPT_MAX);
	for (i = 0; i < env->nrcpts; i++) {
		r = &env->rcpts[i];
		if (env_check_text("a recipient address", r->addr, ADDR_MAX,
		    1, d) == -1)
			return -1;
		if (r->reply != NULL && env_check_text("a recipient's reply "
		    "text", r->reply, QUEUE_TEXT_MAX, 0, d) == -1)
			return -1;
		if ((unsigned)r->state >= NELEM(env_states) ||
		    (r->code != 0 && (r->code < 100 || r->code > 599)))
			return diag_set(d, EX_SOFTWARE, "cannot queue the "
			    "message: recipient %zu has state %d code %d "
			    "(internal error)", i, (int)r->state, r->code);
	}
	if ((unsigned)env->body >= NELEM(env_bodies) ||
	    (unsigned)env->ret >= NELEM(env_rets) ||
	    (env->notify & ~0x0fU) != 0 ||
	    ((env->notify & DSN_NOTIFY_NEVER) && env->notify !=
	    DSN_NOTIFY_NEVER) ||
	    meta->created < 0 || meta->created > QUEUE_TIME_MAX ||
	    meta->next_attempt < 0 || meta->next_attempt > QUEUE_TIME_MAX ||
	    meta->size < 0 || meta->size > QUEUE_SIZE_MAX ||
	    meta->attempts < 0 || meta->attempts > QUEUE_ATTEMPTS_MAX)
		return diag_set(d, EX_SOFTWARE, "cannot queue the message: an "
		    "envelope field is out of range (body %d, ret %d, notify "
		    "%#x, size %lld; internal error)", (int)env->body,
		    (int)env->ret, env->notify, meta->size);
	return 0;
}

/* "Key: value\n", or "Key:\n" for an empty value. */
static int
env_put(struct buf *out, enum env_key k, const char *v)
{
	if (*v == '\0')
		return buf_printf(out, "%s:\n", env_keys[k]);
	return buf_printf(out, "%s: %s\n", env_keys[k], v);
}

static int
env_put_num(struct buf *out, enum env_key k, long long v)
{
	return buf_printf(out, "%s: %lld\n", env_keys[k], v);
}

/* The Notify value: "", "never" or a subset of "success,failure,delay". */
static int
env_notify_format(unsigned bits, struct buf *out)
{
	size_t i;
	int first = 1, rc = 0;

	rc |= buf_printf(out, "%s:", env_keys[EK_NOTIFY]);
	for (i = 0; i < NELEM(env_notify_words); i++) {
		if ((bits & (1U << i)) == 0)
			continue;
		rc |= buf_printf(out, "%c%s", first ? ' ' : ',',
		    env_notify_words[i]);
		first = 0;
	}
	rc |= buf_addc(out, '\n');
	return rc;
}

int
envelope_serialize(const struct envelope *env,
    const struct envelope_meta *meta, struct buf *out, struct diag *d)
{
	const struct rcpt *r;
	size_t i;
	int rc = 0;

	buf_init(out, QUEUE_ENV_MAX);
	if (env_check(env, meta, d) == -1)
		return -1;
	rc |= buf_printf(out, "%s\n", ENV_VERSION_LINE);
	rc |= env_put(out, EK_SENDER, env->sender);
	rc |= env_put_num(out, EK_CREATED, meta->created);
	rc |= env_put_num(out, EK_SIZE, meta->size);
	rc |= env_put(out, EK_BODY, env_bodies[env->body]);
	rc |= env_put_num(out, EK_EIGHTBIT, env->eightbit != 0);
	rc |= env_put_num(out, EK_SMTPUTF8, env->smtputf8 != 0);
	rc |= env_notify_format(env->notify, out);
	rc |= env_put(out, EK_RET, env_rets[env->ret]);
	if (env->envid != NULL)
		rc |= env_put(out, EK_ENVID, env->envid);
	rc |= env_put_num(out, EK_ATTEMPTS, meta->attempts);
	rc |= env_put_num(out, EK_NEXT_ATTEMPT, meta->next_attempt);
	if (meta->last_error != NULL)
		rc |= env_put(out, EK_LAST_ERROR, meta->last_error);
	for (i = 0; i < env->nrcpts; i++) {
		r = &env->rcpts[i];
		rc |= buf_printf(out, "%s: %s %d %s\n", env_keys[EK_RCPT],
		    env_states[r->state], r->code, r->addr);
		if (r->reply != NULL)
			rc |= env_put(out, EK_RCPT_REPLY, r->reply);
	}
	rc |= buf_addstr(out, "END\n");
	if (rc != 0) {
		buf_free(out);
		return diag_set(d, EX_DATAERR, "cannot queue the message: "
		    "its envelope is larger than %d octets", QUEUE_ENV_MAX);
	}
	return 0;
}

static int
env_word(const char *const *words, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(words[i], s) == 0)
			return (int)i;
	return -1;
}

/* Canonical decimal: digits only, no sign, no leading zero, <= max. */
static int
env_num(const char *s, long long max, long long *out)
{
	const char *errstr;
	size_t i;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9' || i >= 19)
			return -1;
	*out = strtonum(s, 0, max, &errstr);
	return errstr == NULL ? 0 : -1;
}

static int
env_perr(struct env_parser *p, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return diag_set(p->d, EX_DATAERR, "line %zu: %s", p->lineno, what);
}

static int
env_parse_text(struct env_parser *p, const char *what, const char *v,
    size_t max, char **out)
{
	if (strlen(v) > max)
		return env_perr(p, "%s longer than %zu octets", what, max);
	free(*out);
	*out = xstrdup(v);
	return 0;
}

static int
env_parse_notify(const char *v, unsigned *bits)
{
	char word[16];
	const char *comma;
	size_t n;
	int i, last = -1;

	*bits = 0;
	while (*v != '\0') {
		comma = strchr(v, ',');
		n = comma != NULL ? (size_t)(comma - v) : strlen(v);
		if (n == 0 || n >= sizeof(word))
			return -1;
		memcpy(word, v, n);
		word[n] = '\0';
		i = env_word(env_notify_words, NELEM(env_notify_words), word);
		/* canonical: each word once, in bit order */
		if (i <= last)
			return -1;
		*bits |= 1U << i;
		last = i;
		v += n;
		if (comma != NULL) {
			v++;
			if (*v == '\0')	/* trailing comma */
				return -1;
		}
	}
	if ((*bits & DSN_NOTIFY_NEVER) && *bits != DSN_NOTIFY_NEVER)
		return -1;
	return 0;
}

static int
env_parse_scalar(struct env_parser *p, enum env_key k, const char *v)
{
	struct envelope *env = p->env;
	struct envelope_meta *meta = p->meta;
	long long n = 0;
	int w;

	switch (k) {
	case EK_SENDER:
		return env_parse_text(p, "Sender", v, ADDR_MAX, &env->sender);
	case EK_ENVID:
		return env_parse_text(p, "Envid", v, QUEUE_TEXT_MAX,
		    &env->envid);
	case EK_LAST_ERROR:
		return env_parse_text(p, "Last-Error", v, QUEUE_TEXT_MAX,
		    &meta->last_error);
	case EK_BODY:
	case EK_RET:
		w = k == EK_BODY ? env_word(env_bodies, NELEM(env_bodies), v) :
		    env_word(env_rets, NELEM(env_rets), v);
		if (w < 0)
			return env_perr(p, "unknown %s value", env_keys[k]);
		if (k == EK_BODY)
			env->body = (enum body_type)w;
		else
			env->ret = (enum dsn_ret)w;
		return 0;
	case EK_NOTIFY:
		if (env_parse_notify(v, &env->notify) == -1)
			return env_perr(p, "bad Notify value (want never, or "
			    "success,failure,delay in that order)");
		return 0;
	default:
		break;
	}
	if (env_num(v, k == EK_EIGHTBIT || k == EK_SMTPUTF8 ? 1 :
	    k == EK_SIZE ? QUEUE_SIZE_MAX : k == EK_ATTEMPTS ?
	    QUEUE_ATTEMPTS_MAX : QUEUE_TIME_MAX, &n) == -1)
		return env_perr(p, "bad %s number", env_keys[k]);
	switch (k) {
	case EK_CREATED:
		meta->created = n;
		break;
	case EK_SIZE:
		meta->size = n;
		break;
	case EK_EIGHTBIT:
		env->eightbit = (int)n;
		break;
	case EK_SMTPUTF8:
		env->smtputf8 = (int)n;
		break;
	case EK_ATTEMPTS:
		meta->attempts = n;
		break;
	case EK_NEXT_ATTEMPT:
		meta->next_attempt = n;
		break;
	default:
		return env_perr(p, "internal error: key %d", (int)k);
	}
	return 0;
}

/*
 * Append a zeroed recipient for addr; returns it.  The loader calls this
 * without envelope_add_rcpt's duplicate check: the file is restored
 * exactly as written, and the check is quadratic.
 */
static struct rcpt *
env_append_rcpt(struct envelope *env, const char *addr)
{
	struct rcpt *r;

	if (env->nrcpts == env->rcpts_cap) {
		env->rcpts_cap = env->rcpts_cap == 0 ? 4 : env->rcpts_cap * 2;
		env->rcpts = xreallocarray(env->rcpts, env->rcpts_cap,
		    sizeof(*env->rcpts));
	}
	r = &env->rcpts[env->nrcpts++];
	memset(r, 0, sizeof(*r));
	r->addr = xstrdup(addr);
	return r;
}

/* "STATE CODE ADDRESS"; the address is the rest of the line. */
static int
env_parse_rcpt(struct env_parser *p, char *v)
{
	struct rcpt *r;
	char *code, *addr;
	long long n;
	int st;

	code = strchr(v, ' ');
	if (code == NULL)
		return env_perr(p, "Rcpt needs STATE CODE ADDRESS");
	*code++ = '\0';
	addr = strchr(code, ' ');
	if (addr == NULL)
		return env_perr(p, "Rcpt needs STATE CODE ADDRESS");
	*addr++ = '\0';
	st = env_word(env_states, NELEM(env_states), v);
	if (st < 0)
		return env_perr(p, "unknown recipient state");
	if (env_num(code, 599, &n) == -1 || (n != 0 && n < 100))
		return env_perr(p, "bad recipient reply code");
	if (*addr == '\0')
		return env_perr(p, "empty recipient address");
	if (strlen(addr) > ADDR_MAX)
		return env_perr(p, "recipient address longer than %d octets",
		    ADDR_MAX);
	if (p->env->nrcpts >= RCPT_MAX)
		return env_perr(p, "more than %d recipients", RCPT_MAX);
	r = env_append_rcpt(p->env, addr);
	r->state = (enum rcpt_state)st;
	r->code = (int)n;
	return 0;
}

/* One record other than the version line and END; line is writable. */
static int
env_parse_line(struct env_parser *p, char *line)
{
	char *colon, *v;
	int k, prev = p->prev;

	colon = strchr(line, ':');
	if (colon == NULL)
		return env_perr(p, "not a \"Key: value\" record");
	*colon = '\0';
	k = env_word(env_keys, EK_COUNT, line);
	if (k < 0)
		return env_perr(p, "unknown key \"%.40s\"", line);
	v = colon + 1;
	if (*v == ' ' && v[1] != '\0')
		v++;
	else if (*v != '\0')
		return env_perr(p, "%s: want one space between the colon and "
		    "the value, and no empty value after it", env_keys[k]);
	p->prev = k;
	if (k == EK_RCPT)
		return env_parse_rcpt(p, v);
	if (k == EK_RCPT_REPLY) {
		if (prev != EK_RCPT)
			return env_perr(p, "Rcpt-Reply must follow its Rcpt");
		return env_parse_text(p, "Rcpt-Reply", v, QUEUE_TEXT_MAX,
		    &p->env->rcpts[p->env->nrcpts - 1].reply);
	}
	if (p->env->nrcpts > 0)
		return env_perr(p, "%s after the first Rcpt", env_keys[k]);
	if (p->seen & (1U << k))
		return env_perr(p, "duplicate %s", env_keys[k]);
	p->seen |= 1U << k;
	return env_parse_scalar(p, (enum env_key)k, v);
}

/*
 * Copy the next line (without its LF) from data at *pos into line (of
 * QUEUE_LINE_MAX + 1), refusing over-long lines, control characters and
 * a last line without LF (a truncated file).
 */
static int
env_take_line(struct env_parser *p, const char *data, size_t len,
    size_t *pos, char *line)
{
	const char *start = data + *pos, *nl;
	size_t n;

	p->lineno++;
	nl = memchr(start, '\n', len - *pos);
	n = nl != NULL ? (size_t)(nl - start) : len - *pos;
	if (n > QUEUE_LINE_MAX)
		return env_perr(p, "longer than %d octets", QUEUE_LINE_MAX);
	if (env_bad_text(start, n))
		return env_perr(p, "control character (CR, NUL...)");
	if (nl == NULL)
		return env_perr(p, "no newline: the file is truncated");
	memcpy(line, start, n);
	line[n] = '\0';
	*pos += n + 1;
	return 0;
}

int
envelope_parse(const char *data, size_t len, struct envelope *env,
    struct envelope_meta *meta, struct diag *d)
{
	struct env_parser p;
	char line[QUEUE_LINE_MAX + 1];
	size_t pos = 0, k;
	int ended = 0;

	envelope_init(env);
	memset(meta, 0, sizeof(*meta));
	memset(&p, 0, sizeof(p));
	p.env = env;
	p.meta = meta;
	p.prev = -1;
	p.d = d;
	if (len > QUEUE_ENV_MAX)
		return diag_set(d, EX_DATAERR, "larger than %d octets",
		    QUEUE_ENV_MAX);
	while (pos < len && !ended) {
		if (env_take_line(&p, data, len, &pos, line) == -1)
			goto fail;
		if (p.lineno == 1) {
			if (strcmp(line, ENV_VERSION_LINE) == 0)
				continue;
			env_perr(&p, "%s", strncmp(line, "sendsmtp-queue ",
			    15) == 0 ? "unsupported version (want \""
			    ENV_VERSION_LINE "\")" :
			    "not a sendsmtp queue file");
			goto fail;
		}
		if (strcmp(line, "END") == 0)
			ended = 1;
		else if (env_parse_line(&p, line) == -1)
			goto fail;
	}
	if (p.lineno == 0) {
		diag_set(d, EX_DATAERR, "empty file");
		goto fail;
	}
	if (!ended) {
		env_perr(&p, "no END line: the file is truncated");
		goto fail;
	}
	if (pos != len) {
		p.lineno++;
		env_perr(&p, "data after END");
		goto fail;
	}
	for (k = 0; k < EK_COUNT; k++)
		if ((EK_REQUIRED & (1U << k)) && !(p.seen & (1U << k))) {
			env_perr(&p, "END before the %s record", env_keys[k]);
			goto fail;
		}
	if (env->nrcpts == 0) {
		env_perr(&p, "END before any Rcpt record");
		goto fail;
	}
	return 0;
fail:
	envelope_free(env);
	envelope_meta_free(meta);
	return -1;
}
