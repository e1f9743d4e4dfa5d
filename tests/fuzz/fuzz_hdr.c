/*
 * fuzz_hdr.c - libFuzzer target: the RFC 5322 header-section parser
 * (hdr.c), which sees whatever a local program writes to sendmail.
 *
 * The input is split on LF (a CR before it removed, as msg.c does) and
 * pushed line by line; events are pulled after each push and at EOF.
 * Invariants: a field's raw text starts with its name, looks like a
 * field, ends in CRLF and holds exactly its lines; the value is trimmed
 * and NUL-terminated; nothing is lost or invented: the header lines
 * pushed equal the raw fields and mbox lines returned (plus the line
 * that ended the section); after the end no event and no push.
 */
#include "compat.h"

#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "hdr.h"

static void	 check_field(const struct hdr_parser *, struct buf *);
static void	 check_end(enum hdr_event, const struct hdr_parser *,
		    struct buf *, struct buf *);

static void
check_field(const struct hdr_parser *p, struct buf *out)
{
	const char *name, *raw, *val;
	size_t nlen, rlen, vlen, flen;

	name = hdr_field_name(p, &nlen);
	raw = hdr_field_raw(p, &rlen);
	val = hdr_field_value(p, &vlen);
	if (nlen == 0 || name != raw || rlen < nlen + 3)
		fuzz_fail("hdr", "field name %zu / raw %zu octets", nlen,
		    rlen);
	if (!hdr_line_is_field(raw, rlen, &flen) || flen != nlen)
		fuzz_fail("hdr", "raw text does not start a field");
	if (memcmp(raw + rlen - 2, "\r\n", 2) != 0)
		fuzz_fail("hdr", "raw text does not end in CRLF");
	if (val[vlen] != '\0' || memchr(val, '\n', vlen) != NULL)
		fuzz_fail("hdr", "value not NUL-terminated or holds LF");
	if (vlen > 0 && (val[0] == ' ' || val[0] == '\t' ||
	    val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
		fuzz_fail("hdr", "value not trimmed");
	if (vlen > rlen)
		fuzz_fail("hdr", "value longer than the field");
	if (!hdr_field_is(p, "X-Fuzz-Never-Used-Name") &&
	    !hdr_field_has_prefix(p, ""))
		fuzz_fail("hdr", "empty prefix does not match");
	(void)buf_add(out, raw, rlen);
}

/* After an END event: in (lines pushed) == out (returned) + the rest. */
static void
check_end(enum hdr_event ev, const struct hdr_parser *p, struct buf *in,
    struct buf *out)
{
	const char *line;
	size_t len, want;

	want = out->len;
	if (ev == HDR_EV_END_BLANK)
		want += 2;
	if (ev == HDR_EV_END_BODY) {
		line = hdr_parser_line(p, &len);
		if (len == 0 && line == NULL)
			fuzz_fail("hdr", "END_BODY without a line");
		want += len + 2;
	}
	if (in->data == NULL || out->data == NULL)
		return;			/* over the buffers' cap: skip */
	if (in->len != want || memcmp(in->data, out->data, out->len) != 0)
		fuzz_fail("hdr", "event %d: %zu octets pushed, %zu returned",
		    (int)ev, in->len, want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdr_parser p;
	struct diag d;
	struct buf in, out;
	enum hdr_event ev = HDR_EV_NONE;
	const char *line, *l;
	size_t pos = 0, len, n;
	int done = 0;

	hdr_parser_init(&p);
	buf_init(&in, 2 * size + 16);
	buf_init(&out, 2 * size + 16);
	while (!done && fuzz_next_line(data, size, &pos, 1, &line, &len)) {
		if (hdr_parser_push(&p, line, len) != 0)
			fuzz_fail("hdr", "push refused before the end");
		if (hdr_parser_push(&p, line, len) != -1)
			fuzz_fail("hdr", "second push accepted");
		(void)buf_add(&in, line, len);
		(void)buf_add(&in, "\r\n", 2);
		while (!done && (ev = hdr_parser_next(&p, &d)) != HDR_EV_NONE) {
			if (ev == HDR_EV_FIELD)
				check_field(&p, &out);
			else if (ev == HDR_EV_MBOX_FROM) {
				l = hdr_parser_line(&p, &n);
				(void)buf_add(&out, l, n);
				(void)buf_add(&out, "\r\n", 2);
			} else
				done = 1;
		}
	}
	if (!done) {
		hdr_parser_eof(&p);
		while (!done && (ev = hdr_parser_next(&p, &d)) != HDR_EV_NONE) {
			if (ev == HDR_EV_FIELD)
				check_field(&p, &out);
			else
				done = 1;
		}
		if (!done)
			fuzz_fail("hdr", "no end event after EOF");
	}
	if (ev != HDR_EV_ERROR)
		check_end(ev, &p, &in, &out);
	if (hdr_parser_next(&p, &d) != HDR_EV_NONE)
		fuzz_fail("hdr", "event after the end");
	if (hdr_parser_push(&p, "x", 1) != -1)
		fuzz_fail("hdr", "push after the end accepted");
	hdr_parser_free(&p);
	buf_free(&in);
	buf_free(&out);
	return 0;
}
