#!/bin/sh
# t_atd: "sendmail -i user" with stdin a regular file (atd): the bare login
# name is qualified with the configured domain.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

CAP=$(start_capture cap)
write_config "$CAP"
D=$T/cap

{
	printf 'Subject: Output from your job        7\n'
	printf 'To: user\n'
	printf '\n'
	printf 'job output line\n'
} >"$T/job"
run_sendsmtp -i user <"$T/job"
assert_rc 0
assert_empty "$T/out" "stdout is empty"
assert_msg_count "$D" 1 "one message"
assert_eq "$(msg_field "$D" 1 rcpt_tos)" "user@example.org" \
    "bare name qualified with 'domain'"
assert_eq "$(msg_hcount "$D" 1 From)" 1 "From: added"
assert_eq "$(msg_hcount "$D" 1 Date)" 1 "Date: added"
msg_body "$D" 1 >"$T/got"
printf 'job output line\r\n' >"$T/want"
cmp -s "$T/got" "$T/want" || fail "body: got $(od -c "$T/got" | head -5)"
pass "body intact"

# stdin is a regular file already read past its first line: sendsmtp must
# read from the current offset, not rewind.
{ printf 'JUNK-NOT-PART-OF-THE-MESSAGE\n'; cat "$T/job"; } >"$T/job2"
{
	read -r junk
	run_sendsmtp -i user
} <"$T/job2"
assert_eq "$junk" "JUNK-NOT-PART-OF-THE-MESSAGE" "shell read the first line"
assert_rc 0 "offset file: exit code"
assert_file_not_contains "$(msg_eml "$D" 2)" "JUNK" \
    "reading starts at the file offset"
assert_eq "$(msg_header "$D" 2 Subject)" "Output from your job        7" \
    "Subject: intact"
finish
