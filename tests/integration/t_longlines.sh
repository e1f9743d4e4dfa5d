#!/bin/sh
# t_longlines: a 5000-octet body line and a 3000-octet header, directly and
# through Postfix: no line on the wire exceeds 998 octets (RFC 5322 2.1.1),
# and the content survives modulo folding (compat.md 2.2).
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

# The message: a 3000-octet X-Long header of words, a 5000-octet body line
# with no spaces, a line of exactly 998 octets (must stay as it is) and
# one of 999.
"$PY" - "$T" <<'PY'
import sys
t = sys.argv[1]
words = " ".join("word%04d" % i for i in range(400))
hdr = ("X-Long: " + words)[:3000]
body_long = "".join("%09d," % i for i in range(500))[:5000]
with open(t + "/msg", "w") as f:
    f.write("Subject: long lines\n" + hdr + "\n\n")
    f.write("short\n" + body_long + "\n" + "b" * 998 + "\n" + "c" * 999
            + "\nend\n")
with open(t + "/hdr", "w") as f:
    f.write(hdr.split(":", 1)[1])
with open(t + "/body", "w") as f:
    f.write("short\n" + body_long + "\n" + "b" * 998 + "\n" + "c" * 999
            + "\nend\n")
PY

# check DIR SEQ WHAT: line lengths, header and body modulo folding.
check()
{
	_raw=$(msg_raw "$1" "$2")
	smtpcheck wirecheck "$_raw" || fail "$3: over-long line or bare CR/LF"
	pass "$3: no line over 998 octets on the wire, CRLF only"
	"$PY" - "$(msg_eml "$1" "$2")" "$T/hdr" "$T/body" <<'PY' ||
import sys, re
eml = open(sys.argv[1], "rb").read()
want_hdr = open(sys.argv[2], "rb").read()
want_body = open(sys.argv[3], "rb").read()
head, _, body = eml.partition(b"\r\n\r\n")
fields = re.split(rb"\r\n(?![ \t])", head)
xl = [f for f in fields if f.lower().startswith(b"x-long:")]
if len(xl) != 1:
    sys.exit("want one X-Long field, got %d" % len(xl))
got = re.sub(rb"\s+", b" ", xl[0].split(b":", 1)[1]).strip()
if got != re.sub(rb"\s+", b" ", want_hdr).strip():
    sys.exit("X-Long differs after unfolding")
squash = lambda b: re.sub(rb"\s+", b"", b)
if squash(body) != squash(want_body):
    sys.exit("body differs (ignoring inserted line breaks)")
lines = body.split(b"\r\n")
if b"b" * 998 not in lines:
    sys.exit("the 998-octet line was changed")
PY
	    fail "$3: content changed"
	pass "$3: header and body preserved modulo folding"
}

CAP=$(start_capture cap)
write_config "$CAP"
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 0 "direct: exit code"
assert_msg_count "$T/cap" 1 "direct: one message"
check "$T/cap" 1 direct

if have_postfix; then
	# Postfix is told not to fold (smtp_line_length_limit = 0), so what
	# reaches the capture server is what sendsmtp sent.
	CAP2=$(start_capture cap2)
	PF=$(postfix_start pf "$CAP2")
	write_config "$PF"
	run_sendsmtp -i rcpt@example.com <"$T/msg"
	assert_rc 0 "postfix: exit code"
	wait_msgs "$T/cap2" 1
	check "$T/cap2" 1 "through postfix"
fi
finish
