#!/bin/sh
# t_basic: the simplest submission, checked byte for byte at the server:
# envelope from the caller and argv, Date/Message-ID/From added, CRLF on
# the wire, nothing on stdout.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

ME=$(id -un)@example.org
CAP=$(start_capture cap)
write_config "$CAP"
D=$T/cap

printf 'Subject: hi\n\nbody\n' >"$T/msg"
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 0
assert_empty "$T/out" "stdout is empty"
assert_msg_count "$D" 1 "one message arrived"
assert_eq "$(msg_field "$D" 1 mail_from)" "$ME" "envelope sender is the caller"
assert_eq "$(msg_field "$D" 1 rcpt_tos)" "rcpt@example.com" "envelope recipient"
assert_eq "$(msg_field "$D" 1 helo_cmd)" "EHLO" "EHLO used"
assert_eq "$(msg_field "$D" 1 ehlo_name)" "example.org" "EHLO name is 'domain'"
assert_not_contains "$(msg_field "$D" 1 mail_options)" "8BITMIME" \
    "no BODY=8BITMIME for 7-bit content"
assert_eq "$(msg_header "$D" 1 Subject)" "hi" "Subject kept"
assert_eq "$(msg_hcount "$D" 1 Date)" 1 "one Date: added"
assert_eq "$(msg_hcount "$D" 1 Message-ID)" 1 "one Message-ID: added"
assert_eq "$(msg_hcount "$D" 1 From)" 1 "one From: added"
assert_eq "$(msg_hcount "$D" 1 To)" 0 "no To: invented"
assert_contains "$(msg_header "$D" 1 From)" "$ME" "From: names the sender"
if ! msg_header "$D" 1 Message-ID | grep -E -q '^<[^<>@ ]+@[^<>@ ]+>$'; then
	fail "Message-ID is not <left@right>: $(msg_header "$D" 1 Message-ID)"
fi
pass "Message-ID has the form <left@right>"
if ! msg_header "$D" 1 Date | "$PY" -c '
import sys, email.utils
sys.exit(0 if email.utils.parsedate_to_datetime(sys.stdin.read().strip())
         else 1)' 2>/dev/null; then
	fail "Date is not an RFC 5322 date: $(msg_header "$D" 1 Date)"
fi
pass "Date parses as RFC 5322"
msg_body "$D" 1 >"$T/got"
printf 'body\r\n' >"$T/want"
cmp -s "$T/got" "$T/want" || fail "body: got $(od -c "$T/got" | head -3)"
pass "body is 'body' CRLF"
smtpcheck wirecheck "$(msg_raw "$D" 1)" || fail "bare CR/LF on the wire"
pass "only CRLF line ends on the wire"

# PHP-style CRLF headers with an LF body and no final newline.
printf 'Subject: mixed\r\nX-Test: 1\r\n\r\nline1\nline2\r\nlast' >"$T/msg"
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 0 "mixed line ends: exit code"
assert_msg_count "$D" 2 "second message arrived"
msg_body "$D" 2 >"$T/got"
printf 'line1\r\nline2\r\nlast\r\n' >"$T/want"
cmp -s "$T/got" "$T/want" || fail "mixed body: got $(od -c "$T/got" | head -3)"
pass "LF/CRLF mixture and missing final newline become CRLF lines"
assert_eq "$(msg_header "$D" 2 X-Test)" 1 "X-Test header kept"
smtpcheck wirecheck "$(msg_raw "$D" 2)" || fail "bare CR/LF on the wire"
pass "only CRLF on the wire (mixed input)"

# A message without any header is body only: the headers are added and
# the blank line separating them is emitted.
printf 'just a body line\n' >"$T/msg"
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 0 "headerless message: exit code"
msg_body "$D" 3 >"$T/got"
printf 'just a body line\r\n' >"$T/want"
cmp -s "$T/got" "$T/want" || fail "headerless body: got $(od -c "$T/got" | head -3)"
pass "headerless input is kept as body"
assert_eq "$(msg_hcount "$D" 3 Date)" 1 "headerless: Date added"
finish
