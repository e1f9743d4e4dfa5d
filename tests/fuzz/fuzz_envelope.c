/*
 * fuzz_envelope.c - libFuzzer target: the queue-entry loader's parser
 * (envelope_parse() in envelope.c), which reads ID.env files from the
 * spool: a file another local user of the sendsmtp group could have
 * written, or one cut short by a crash.
 *
 * Invariants: a failure leaves env and meta empty with EX_DATAERR; a
 * success serialises (the writer accepts everything the parser does),
 * and parse -> serialise -> parse -> serialise gives the same octets.
 */
#include "compat.h"

#include <string.h>
#include <sysexits.h>

#include "bounds.h"
#include "buf.h"
#include "envelope.h"
#include "fuzz.h"

static void	 check_empty(const struct envelope *,
		    const struct envelope_meta *);

static void
check_empty(const struct envelope *env, const struct envelope_meta *meta)
{
	if (env->sender != NULL || env->rcpts != NULL || env->nrcpts != 0 ||
	    env->envid != NULL || meta->last_error != NULL)
		fuzz_fail("envelope", "failure left data behind");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct envelope env, env2;
	struct envelope_meta meta, meta2;
	struct buf out, out2;
	struct diag d;

	if (envelope_parse((const char *)data, size, &env, &meta, &d) == -1) {
		if (d.exitcode != EX_DATAERR)
			fuzz_fail("envelope", "failure with exit code %d",
			    d.exitcode);
		check_empty(&env, &meta);
		envelope_free(&env);
		envelope_meta_free(&meta);
		return 0;
	}
	if (env.nrcpts == 0 || env.sender == NULL)
		fuzz_fail("envelope", "parsed without sender or recipients");
	if (envelope_serialize(&env, &meta, &out, &d) == -1)
		fuzz_fail("envelope", "parsed entry does not serialise: %s",
		    d.text);
	if (envelope_parse(buf_str(&out), out.len, &env2, &meta2, &d) == -1)
		fuzz_fail("envelope", "serialised entry does not parse: %s",
		    d.text);
	if (envelope_serialize(&env2, &meta2, &out2, &d) == -1)
		fuzz_fail("envelope", "second serialise: %s", d.text);
	if (out.len != out2.len || memcmp(out.data, out2.data, out.len) != 0)
		fuzz_fail("envelope", "serialisation is not stable");
	buf_free(&out);
	buf_free(&out2);
	envelope_free(&env);
	envelope_free(&env2);
	envelope_meta_free(&meta);
	envelope_meta_free(&meta2);
	return 0;
}
