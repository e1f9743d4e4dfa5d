/*
 * hdr.c - RFC 5322 header-section parser (push line / pull event).
 *
 * Implements RFC 5322 2.2 (header fields), 2.2.3 (long header fields:
 * unfolding), 3.6.8 / 4.5 (field names, obs-optional white space before
 * the colon), and the traditional mbox "From " envelope line that Unix
 * mail tools put first (dropped by every MTA, compat.md 2.2).
 *
 * The header section ends at the first empty line, at the first line
 * that is neither a field nor a continuation line, or at end of input.
 * A continuation line with no field before it is not a header: it ends
 * the (empty) header section and becomes the first body line.
 *
 * Security: input is untrusted.  Lines are length-counted and may hold
 * any byte; only one field is held at a time, capped at HDR_FIELD_MAX;
 * the number of fields (HDR_COUNT_MAX) and the whole section
 * (HDR_BLOCK_MAX) are capped too, so memory and time do not depend on
 * what a sender chooses to send.
 */
#include "compat.h"

#include <string.h>
#include <sysexits.h>

#include "bounds.h"
#include "hdr.h"
#include "util.h"

enum hdr_cap { HDR_CAP_FIELD, HDR_CAP_COUNT, HDR_CAP_BLOCK };

enum hdr_state {
	HDR_ST_START = 0,	/* nothing but mbox From lines so far */
	HDR_ST_FIELDS,		/* inside the header section */
	HDR_ST_DONE		/* ended; no more events */
};

static int	 hdr_is_mbox_from(const char *line, size_t len);
static void	 hdr_field_reset(struct hdr_parser *p);
static int	 hdr_field_add(struct hdr_parser *p, struct diag *d,
		    int first);
static void	 hdr_value_trim(struct hdr_parser *p);
static enum hdr_event hdr_fail(struct hdr_parser *p, struct diag *d,
		    enum hdr_cap cap);

void
hdr_parser_init(struct hdr_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->state = HDR_ST_START;
	buf_init(&p->raw, HDR_FIELD_MAX);
	buf_init(&p->value, HDR_FIELD_MAX);
}

void
hdr_parser_free(struct hdr_parser *p)
{
	buf_free(&p->raw);
	buf_free(&p->value);
	p->state = HDR_ST_DONE;
	p->have_field = p->have_line = 0;
}

int
hdr_parser_push(struct hdr_parser *p, const char *line, size_t len)
{
	if (p->have_line || p->eof || p->state == HDR_ST_DONE)
		return -1;
	p->line = line;
	p->linelen = len;
	p->have_line = 1;
	return 0;
}

void
hdr_parser_eof(struct hdr_parser *p)
{
	p->eof = 1;
}

int
hdr_line_is_field(const char *line, size_t len, size_t *namelen)
{
	size_t i = 0;

	while (i < len && (unsigned char)line[i] >= 33 &&
	    (unsigned char)line[i] <= 126 && line[i] != ':')
		i++;
	if (i == 0)
		return 0;
	if (namelen != NULL)
		*namelen = i;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && line[i] == ':';
}

static int
hdr_is_mbox_from(const char *line, size_t len)
{
	if (hdr_line_is_field(line, len, NULL))
		return 0;
	return (len >= 5 && memcmp(line, "From ", 5) == 0) ||
	    (len >= 6 && memcmp(line, ">From ", 6) == 0);
}

static void
hdr_field_reset(struct hdr_parser *p)
{
	buf_reset(&p->raw);
	buf_reset(&p->value);
	p->namelen = 0;
	p->nlines = 0;
	p->have_field = 0;
	p->field_out = 0;
}

static enum hdr_event
hdr_fail(struct hdr_parser *p, struct diag *d, enum hdr_cap cap)
{
	static const char fix[] = "the message is malformed: fix the "
	    "program that generated it";

	p->state = HDR_ST_DONE;
	p->have_line = 0;
	switch (cap) {
	case HDR_CAP_FIELD:
		(void)diag_set(d, EX_DATAERR, "a header field is longer than "
		    "%d octets; %s", HDR_FIELD_MAX, fix);
		break;
	case HDR_CAP_COUNT:
		(void)diag_set(d, EX_DATAERR, "the message has more than %d "
		    "header fields; %s", HDR_COUNT_MAX, fix);
		break;
	case HDR_CAP_BLOCK:
	default:
		(void)diag_set(d, EX_DATAERR, "the header section is longer "
		    "than %d octets; %s", HDR_BLOCK_MAX, fix);
		break;
	}
	return HDR_EV_ERROR;
}

/* Append the pushed line to the field being collected. */
static int
hdr_field_add(struct hdr_parser *p, struct diag *d, int first)
{
	const char *v = p->line;
	size_t vlen = p->linelen;

	if (p->linelen + 2 > HDR_FIELD_MAX - p->raw.len) {
		(void)hdr_fail(p, d, HDR_CAP_FIELD);
		return -1;
	}
	if (p->linelen + 2 > HDR_BLOCK_MAX - p->blocklen) {
		(void)hdr_fail(p, d, HDR_CAP_BLOCK);
		return -1;
	}
	p->blocklen += p->linelen + 2;
	if (first) {
		/* the value starts after the colon */
		v = (const char *)memchr(p->line, ':', p->linelen) + 1;
		vlen = p->linelen - (size_t)(v - p->line);
	}
	/* Both fit: their length is bounded by the check above. */
	(void)buf_add(&p->raw, p->line, p->linelen);
	(void)buf_add(&p->raw, "\r\n", 2);
	(void)buf_add(&p->value, v, vlen);
	p->nlines++;
	p->have_line = 0;
	return 0;
}

static void
hdr_value_trim(struct hdr_parser *p)
{
	size_t lead = 0;

	if (p->value.data == NULL)
		return;
	while (p->value.len > 0 && (p->value.data[p->value.len - 1] == ' ' ||
	    p->value.data[p->value.len - 1] == '\t'))
		p->value.len--;
	p->value.data[p->value.len] = '\0';
	while (lead < p->value.len && (p->value.data[lead] == ' ' ||
	    p->value.data[lead] == '\t'))
		lead++;
	buf_consume(&p->value, lead);
}

enum hdr_event
hdr_parser_next(struct hdr_parser *p, struct diag *d)
{
	const char *line = p->line;
	size_t len = p->linelen;

	if (p->state == HDR_ST_DONE)
		return HDR_EV_NONE;
	if (p->field_out)
		hdr_field_reset(p);
	if (!p->have_line) {
		if (!p->eof)
			return HDR_EV_NONE;
		if (p->have_field) {
			p->field_out = 1;
			hdr_value_trim(p);
			return HDR_EV_FIELD;
		}
		p->state = HDR_ST_DONE;
		return HDR_EV_END_EOF;
	}
	if (p->state == HDR_ST_START && hdr_is_mbox_from(line, len)) {
		p->have_line = 0;
		if (len + 2 > HDR_BLOCK_MAX - p->blocklen)
			return hdr_fail(p, d, HDR_CAP_BLOCK);
		p->blocklen += len + 2;
		return HDR_EV_MBOX_FROM;
	}
	if (len > 0 && (line[0] == ' ' || line[0] == '\t')) {
		if (!p->have_field) {
			p->state = HDR_ST_DONE;
			p->have_line = 0;
			return HDR_EV_END_BODY;
		}
		if (hdr_field_add(p, d, 0) == -1)
			return HDR_EV_ERROR;
		return HDR_EV_NONE;
	}
	if (p->have_field) {
		/* The line is kept: it is classified on the next call. */
		p->field_out = 1;
		hdr_value_trim(p);
		return HDR_EV_FIELD;
	}
	if (len == 0) {
		p->state = HDR_ST_DONE;
		p->have_line = 0;
		return HDR_EV_END_BLANK;
	}
	if (!hdr_line_is_field(line, len, &p->namelen)) {
		p->state = HDR_ST_DONE;
		p->have_line = 0;
		return HDR_EV_END_BODY;
	}
	if (p->nfields >= HDR_COUNT_MAX)
		return hdr_fail(p, d, HDR_CAP_COUNT);
	p->nfields++;
	p->state = HDR_ST_FIELDS;
	p->have_field = 1;
	if (hdr_field_add(p, d, 1) == -1)
		return HDR_EV_ERROR;
	return HDR_EV_NONE;
}

const char *
hdr_field_name(const struct hdr_parser *p, size_t *len)
{
	*len = p->namelen;
	return buf_str(&p->raw);
}

const char *
hdr_field_raw(const struct hdr_parser *p, size_t *len)
{
	*len = p->raw.len;
	return buf_str(&p->raw);
}

const char *
hdr_field_value(const struct hdr_parser *p, size_t *len)
{
	*len = p->value.len;
	return buf_str(&p->value);
}

int
hdr_field_is(const struct hdr_parser *p, const char *name)
{
	size_t n = strlen(name);

	return p->namelen == n &&
	    ascii_strncasecmp(buf_str(&p->raw), name, n) == 0;
}

int
hdr_field_has_prefix(const struct hdr_parser *p, const char *prefix)
{
	size_t n = strlen(prefix);

	return p->namelen >= n &&
	    ascii_strncasecmp(buf_str(&p->raw), prefix, n) == 0;
}

const char *
hdr_parser_line(const struct hdr_parser *p, size_t *len)
{
	*len = p->linelen;
	return p->line;
}
