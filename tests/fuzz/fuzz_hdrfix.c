/*
 * fuzz_hdrfix.c - libFuzzer target: in-place qualification of header
 * addresses (hdrfix.c), run on every field of a header section exactly
 * as msg.c hands them over (bare CR already turned into a space, lines
 * split by hdr.c).
 *
 * Invariants: a rewritten field is wire text (CRLF-ended lines, no bare
 * CR or LF, no NUL added) keeping the name; qualifying it again changes
 * nothing; hdrfix_first() gives a qualified address.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "fuzz.h"
#include "hdr.h"
#include "hdrfix.h"
#include "util.h"

static const char *const own[] = { "myhost", "localhost", NULL };
static const struct alias_ctx ctx = { "example.org", own };

static void	 check_field(const struct hdr_parser *);

static void
check_field(const struct hdr_parser *p)
{
	struct buf out, again;
	const char *raw;
	char *spec, *name;
	size_t rawlen, i;

	raw = hdr_field_raw(p, &rawlen);
	buf_init(&out, 2 * HDR_FIELD_MAX);
	buf_init(&again, 2 * HDR_FIELD_MAX);
	if (hdrfix_qualify(raw, rawlen, &ctx, &out) == 1) {
		if (out.len < 2 || memcmp(out.data + out.len - 2, "\r\n", 2))
			fuzz_fail("hdrfix", "result does not end in CRLF");
		for (i = 0; i < out.len; i++)
			if ((out.data[i] == '\r') != (i + 1 < out.len &&
			    out.data[i + 1] == '\n') || (out.data[i] == '\n' &&
			    (i == 0 || out.data[i - 1] != '\r')))
				fuzz_fail("hdrfix", "bare CR or LF at %zu", i);
		if (memchr(out.data, '\0', out.len) != NULL &&
		    memchr(raw, '\0', rawlen) == NULL)
			fuzz_fail("hdrfix", "NUL added");
		if (memcmp(out.data, raw, p->namelen + 1) != 0)
			fuzz_fail("hdrfix", "field name changed");
		if (hdrfix_qualify(out.data, out.len, &ctx, &again) != 0)
			fuzz_fail("hdrfix", "qualifying twice changes more: "
			    "%.*s", (int)(out.len > 200 ? 200 : out.len),
			    out.data);
	}
	if (hdrfix_first(raw, rawlen, &ctx, &spec, &name) == 0) {
		if (addr_is_local(spec))
			fuzz_fail("hdrfix", "first address \"%s\" is local",
			    spec);
		free(spec);
		free(name);
	}
	buf_free(&out);
	buf_free(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdr_parser p;
	struct diag d;
	enum hdr_event ev;
	char *copy;
	const char *line;
	size_t pos = 0, len, i;
	int done = 0;

	/* msg.c's rule: a bare CR is a space */
	copy = fuzz_dup0(data, size);
	for (i = 0; i < size; i++)
		if (copy[i] == '\r' && (i + 1 == size || copy[i + 1] != '\n'))
			copy[i] = ' ';
	hdr_parser_init(&p);
	while (!done && fuzz_next_line((const uint8_t *)copy, size, &pos, 1,
	    &line, &len)) {
		(void)hdr_parser_push(&p, line, len);
		while (!done && (ev = hdr_parser_next(&p, &d)) != HDR_EV_NONE)
			if (ev == HDR_EV_FIELD)
				check_field(&p);
			else if (ev != HDR_EV_MBOX_FROM)
				done = 1;
	}
	hdr_parser_eof(&p);
	while (!done && (ev = hdr_parser_next(&p, &d)) != HDR_EV_NONE)
		if (ev == HDR_EV_FIELD)
			check_field(&p);
		else
			done = 1;
	hdr_parser_free(&p);
	free(copy);
	return 0;
}
