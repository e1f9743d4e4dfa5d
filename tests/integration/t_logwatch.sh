#!/bin/sh
# t_logwatch: "sendmail -t" WITHOUT -i (logwatch, mdadm, debsecan): one To:
# line per address; a body line that is a lone "." ends the message, the
# rest of stdin is not sent but is read (the writer must not get SIGPIPE).
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

CAP=$(start_capture cap)
write_config "$CAP"
D=$T/cap

{
	printf 'From: Logwatch\n'
	printf 'To: admin1@example.com\n'
	printf 'To: admin2@example.com\n'
	printf 'Subject: Logwatch for host (Linux)\n'
	printf 'Auto-Submitted: auto-generated\n'
	printf 'Precedence: bulk\n'
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: text/plain; charset="UTF-8"\n'
	printf '\n'
	printf ' ################### Logwatch 7.7 ####################\n'
	printf 'line before\n'
	printf '.\n'
	printf 'THIS MUST NOT BE SENT\n'
} >"$T/msg"

# Feed it through a FIFO, followed by 2 MB more, to see the writer finish.
mkfifo "$T/fifo"
(
	cat "$T/msg"
	i=0
	while [ $i -lt 20000 ]; do
		printf '%0100d\n' "$i"
		i=$((i + 1))
	done
) >"$T/fifo" &
wpid=$!
run_sendsmtp -t <"$T/fifo"
set +e
wait $wpid
wrc=$?
set -e
assert_rc 0
assert_eq "$wrc" 0 "the writer was not killed by SIGPIPE (stdin drained)"
assert_empty "$T/out" "stdout is empty"
assert_msg_count "$D" 1 "one message"
assert_eq "$(msg_field "$D" 1 rcpt_tos | tr '\n' ' ')" \
    "admin1@example.com admin2@example.com " "recipients from both To: lines"
msg_body "$D" 1 >"$T/got"
printf ' ################### Logwatch 7.7 ####################\r\nline before\r\n' \
    >"$T/want"
cmp -s "$T/got" "$T/want" || fail "body: got $(od -c "$T/got" | tail -5)"
pass "the message ends at the lone '.'"
assert_file_not_contains "$(msg_eml "$D" 1)" "MUST NOT" \
    "nothing after the '.' was sent"
assert_eq "$(msg_hcount "$D" 1 To)" 2 "both To: lines kept"
assert_eq "$(msg_hcount "$D" 1 Date)" 1 "Date: added"
assert_eq "$(msg_hcount "$D" 1 Message-ID)" 1 "Message-ID: added"
assert_eq "$(msg_hcount "$D" 1 From)" 1 "one From:"

# The same with CRLF input: ".\r\n" also ends it.
printf 'To: admin1@example.com\r\nSubject: crlf\r\n\r\nkept\r\n.\r\nlost\r\n' \
    >"$T/msg2"
run_sendsmtp -t <"$T/msg2"
assert_rc 0 "CRLF input: exit code"
msg_body "$D" 2 >"$T/got"
printf 'kept\r\n' >"$T/want"
cmp -s "$T/got" "$T/want" || fail "CRLF body: got $(od -c "$T/got" | tail -5)"
pass "'.' CRLF ends the message too"
finish
