#!/bin/sh
# t_mailx: bsd-mailx (sendmail -i -t) with a Bcc: the Bcc recipient is in
# the envelope and no Bcc: header leaves.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd
require_cmd bsd-mailx

CAP=$(start_capture cap)
write_config "$CAP"
make_wrapper "$T/sendmail"
D=$T/cap
mkdir "$T/home"
printf 'set sendmail=%s\n' "$T/sendmail" >"$T/mailrc"

printf 'hello from mailx\nsecond line\n' >"$T/body"
set +e
HOME=$T/home MAILRC=$T/mailrc bsd-mailx -s "Test subject" \
    -c cc@example.com -b hidden@example.com to@example.com \
    <"$T/body" >"$T/mailx.out" 2>"$T/mailx.err"
mrc=$?
set -e
assert_eq "$mrc" 0 "mailx exit code"
assert_empty "$T/mailx.err" "mailx printed nothing"
assert_no_file "$T/home/dead.letter" "no dead.letter"
assert_eq "$(cat "$T/wrapper.argv")" "<-i> <-t> " "mailx's argv"
assert_eq "$(cat "$T/wrapper.rc")" 0 "sendsmtp exit code"
assert_msg_count "$D" 1 "one message"
assert_eq "$(msg_field "$D" 1 rcpt_tos | sort | tr '\n' ' ')" \
    "cc@example.com hidden@example.com to@example.com " \
    "To, Cc and Bcc recipients in the envelope"
assert_eq "$(msg_hcount "$D" 1 Bcc)" 0 "no Bcc: header left"
assert_file_not_contains "$(msg_eml "$D" 1)" "hidden@example.com" \
    "the Bcc address appears nowhere in the message"
assert_eq "$(msg_header "$D" 1 To)" "to@example.com" "To: header"
assert_eq "$(msg_header "$D" 1 Cc)" "cc@example.com" "Cc: header"
assert_eq "$(msg_header "$D" 1 Subject)" "Test subject" "Subject: header"
assert_eq "$(msg_hcount "$D" 1 Date)" 1 "Date: added"
assert_eq "$(msg_hcount "$D" 1 Message-ID)" 1 "Message-ID: added"
assert_eq "$(msg_hcount "$D" 1 From)" 1 "From: added"
msg_body "$D" 1 >"$T/got"
printf 'hello from mailx\r\nsecond line\r\n' >"$T/want"
cmp -s "$T/got" "$T/want" || fail "body: got $(od -c "$T/got" | head -5)"
pass "body intact"
finish
