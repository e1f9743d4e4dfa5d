/*
 * fuzz_addr.c - libFuzzer target: the RFC 5322 address-list parser
 * (addr.c), fed by headers of any message and by argv.
 *
 * Invariants: on failure the list is unchanged; on success every spec
 * is a one-line string within RFC 5321's lengths, its domain span lies
 * inside the input, and parse -> print -> parse is stable: the specs
 * joined with ", " parse to the same specs, and so does each spec
 * qualified with a domain (then no longer local).  addr_parse_one()
 * runs on the same text.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "bounds.h"
#include "buf.h"
#include "fuzz.h"
#include "util.h"

static void	 check_list(const struct addr_list *, size_t, size_t);
static void	 check_round_trip(const struct addr_list *);

static void
check_list(const struct addr_list *l, size_t first, size_t len)
{
	const struct addr *a;
	const char *dom;
	size_t i, n;

	for (i = first; i < l->n; i++) {
		a = &l->v[i];
		n = strlen(a->spec);
		if (n == 0 || n > ADDR_MAX - 2)
			fuzz_fail("addr", "spec of %zu octets", n);
		if (strpbrk(a->spec, "\r\n") != NULL ||
		    (a->name != NULL && strpbrk(a->name, "\r\n") != NULL))
			fuzz_fail("addr", "CR or LF in entry %zu", i);
		if (a->dom_off > len || a->dom_len > len - a->dom_off)
			fuzz_fail("addr", "domain span %zu+%zu outside %zu",
			    a->dom_off, a->dom_len, len);
		dom = addr_domain(a->spec);
		if ((dom == NULL) != !a->has_at)
			fuzz_fail("addr", "\"%s\": has_at %d, domain %s",
			    a->spec, a->has_at, dom ? dom : "none");
		if (addr_is_local(a->spec) != (dom == NULL || *dom == '\0'))
			fuzz_fail("addr", "\"%s\": addr_is_local wrong",
			    a->spec);
	}
}

static void
check_round_trip(const struct addr_list *l)
{
	struct addr_list l2;
	struct buf b;
	struct diag d;
	char *q;
	size_t i;

	buf_init(&b, (size_t)l->n * (ADDR_MAX + 2) + 16);
	for (i = 0; i < l->n; i++)
		if ((i > 0 && buf_addstr(&b, ", ") == -1) ||
		    buf_addstr(&b, l->v[i].spec) == -1)
			fuzz_fail("addr", "print buffer");
	addr_list_init(&l2);
	if (addr_parse_list(buf_str(&b), b.len, &l2, &d) == -1)
		fuzz_fail("addr", "printed list does not parse: %s", d.text);
	if (l2.n != l->n)
		fuzz_fail("addr", "%zu specs printed, %zu parsed back", l->n,
		    l2.n);
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].spec, l2.v[i].spec) != 0)
			fuzz_fail("addr", "\"%s\" parsed back as \"%s\"",
			    l->v[i].spec, l2.v[i].spec);
	addr_list_free(&l2);
	buf_free(&b);

	for (i = 0; i < l->n; i++) {
		q = addr_qualify(l->v[i].spec, "example.org");
		if (addr_is_local(q))
			fuzz_fail("addr", "\"%s\" still local after "
			    "qualifying", q);
		addr_list_init(&l2);
		if (strlen(q) <= ADDR_MAX - 2 &&
		    (addr_parse_list(q, strlen(q), &l2, &d) == -1 ||
		    l2.n != 1 || strcmp(l2.v[0].spec, q) != 0))
			fuzz_fail("addr", "qualified \"%s\" is not stable", q);
		addr_list_free(&l2);
		free(q);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addr_list l;
	struct diag d;
	char *s, *spec;
	size_t before;

	addr_list_init(&l);
	/* something already in the list must survive a failure */
	if (addr_parse_list("first@example.org", 17, &l, &d) == -1)
		fuzz_fail("addr", "fixed address: %s", d.text);
	before = l.n;
	if (addr_parse_list((const char *)data, size, &l, &d) == 0) {
		check_list(&l, before, size);
		check_round_trip(&l);
	} else if (l.n != before || strcmp(l.v[0].spec, "first@example.org"))
		fuzz_fail("addr", "failure changed the list");
	addr_list_free(&l);

	s = fuzz_dup0(data, size);
	if (addr_parse_one(s, &spec, &d) == 0) {
		if (strpbrk(spec, "\r\n") != NULL)
			fuzz_fail("addr", "CR or LF in a -f spec");
		free(spec);
	}
	free(s);
	return 0;
}
