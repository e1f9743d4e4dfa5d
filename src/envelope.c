/*
 * envelope.c - sender, recipients and per-recipient state.
 *
 * Serialisation to the spool lives with the queue (issue: spool); this
 * file only keeps the in-memory picture consistent.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bounds.h"
#include "envelope.h"
#include "util.h"

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
	if (env->nrcpts == env->rcpts_cap) {
		env->rcpts_cap = env->rcpts_cap == 0 ? 4 : env->rcpts_cap * 2;
		env->rcpts = xreallocarray(env->rcpts, env->rcpts_cap,
		    sizeof(*env->rcpts));
	}
	r = &env->rcpts[env->nrcpts++];
	memset(r, 0, sizeof(*r));
	r->addr = xstrdup(addr);
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
