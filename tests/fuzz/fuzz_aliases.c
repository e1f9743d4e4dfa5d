/*
 * fuzz_aliases.c - libFuzzer target: the aliases file parser and
 * expansion (aliases.c), a file the administrator writes but that may
 * come from anywhere (packages, configuration management).
 *
 * Invariants: a failure is EX_CONFIG with one line and leaves the table
 * empty; a success has lower-case names each found again by
 * aliases_find(); aliases_check() and aliases_expand() finish (no loop
 * runs away) and every address they give is qualified and one line.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "addr.h"
#include "aliases.h"
#include "fuzz.h"

static const char *const own[] = { "myhost", "localhost", NULL };
static const struct alias_ctx ctx = { "example.org", own };

static void	 expand(const struct aliases *, const char *);

static void
expand(const struct aliases *a, const char *spec)
{
	struct diag d;
	char **out = NULL;
	size_t n = 0, i;

	if (aliases_expand(a, &ctx, spec, &out, &n, &d) == -1 &&
	    d.exitcode != EX_CONFIG && d.exitcode != EX_USAGE)
		fuzz_fail("aliases", "expand \"%s\": %d %s", spec, d.exitcode,
		    d.text);
	for (i = 0; i < n; i++) {
		if (addr_is_local(out[i]) || strpbrk(out[i], "\r\n"))
			fuzz_fail("aliases", "\"%s\" expanded to \"%s\"", spec,
			    out[i]);
		free(out[i]);
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aliases a;
	struct diag d;
	size_t i, j;

	aliases_init(&a);
	if (aliases_parse((const char *)data, size, "fuzz", &a, &d) == -1) {
		if (d.exitcode != EX_CONFIG || strpbrk(d.text, "\r\n"))
			fuzz_fail("aliases", "failure %d: %s", d.exitcode,
			    d.text);
		if (a.n != 0 || a.v != NULL)
			fuzz_fail("aliases", "failure left %zu entries", a.n);
		aliases_free(&a);
		return 0;
	}
	for (i = 0; i < a.n; i++) {
		for (j = 0; a.v[i].name[j] != '\0'; j++)
			if (a.v[i].name[j] >= 'A' && a.v[i].name[j] <= 'Z')
				fuzz_fail("aliases", "name \"%s\" not lower "
				    "case", a.v[i].name);
		if (aliases_find(&a, a.v[i].name) != &a.v[i])
			fuzz_fail("aliases", "\"%s\" not found again",
			    a.v[i].name);
	}
	(void)aliases_check(&a, &ctx, &d);
	for (i = 0; i < a.n && i < 8; i++)
		expand(&a, a.v[i].name);
	expand(&a, "root");
	expand(&a, "nobody@myhost");
	expand(&a, "someone@elsewhere.test");
	aliases_free(&a);
	return 0;
}
