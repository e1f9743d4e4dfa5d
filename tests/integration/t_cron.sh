#!/bin/sh
# t_cron: Debian cron's exact invocation and headers (compat.md 1):
#   sendmail -FCronDaemon -i -B8BITMIME -oem 'a@x,b@y'
# recipients from argv (one comma list), no Date/Message-ID in the input.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

ME=$(id -un)@example.org
CAP=$(start_capture cap)
write_config "$CAP"
D=$T/cap

{
	printf 'From: root (Cron Daemon)\n'
	printf 'To: a@example.com,b@example.net\n'
	printf 'Subject: Cron <root@host> /usr/local/bin/job\n'
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: text/plain; charset=UTF-8\n'
	printf 'Content-Transfer-Encoding: 8bit\n'
	printf 'X-Cron-Env: <SHELL=/bin/sh>\n'
	printf 'X-Cron-Env: <HOME=/root>\n'
	printf 'X-Cron-Env: <PATH=/usr/bin:/bin>\n'
	printf 'X-Cron-Env: <LOGNAME=root>\n'
	printf '\n'
	printf 'job output: caf\303\251 \342\234\223\n'
	printf '.\n'
	printf 'last line\n'
} >"$T/msg"
run_sendsmtp -FCronDaemon -i -B8BITMIME -oem a@example.com,b@example.net \
    <"$T/msg"
assert_rc 0
assert_empty "$T/out" "stdout is empty"
assert_empty "$T/err" "stderr is empty"
assert_msg_count "$D" 1 "one message"
assert_eq "$(msg_field "$D" 1 rcpt_tos | tr '\n' ' ')" \
    "a@example.com b@example.net " "both recipients of the comma list"
assert_eq "$(msg_field "$D" 1 mail_from)" "$ME" "envelope sender: the caller"
assert_contains "$(msg_field "$D" 1 mail_options | tr '\n' ' ')" \
    "BODY=8BITMIME" "BODY=8BITMIME for 8-bit content"
for h in From Date Message-ID Subject To; do
	assert_eq "$(msg_hcount "$D" 1 "$h")" 1 "exactly one $h:"
done
assert_contains "$(msg_header "$D" 1 From)" "Cron Daemon" "cron's From: kept"
assert_eq "$(msg_hcount "$D" 1 X-Cron-Env)" 4 "X-Cron-Env lines kept"
msg_body "$D" 1 >"$T/got"
printf 'job output: caf\303\251 \342\234\223\r\n.\r\nlast line\r\n' >"$T/want"
cmp -s "$T/got" "$T/want" || fail "body: got $(od -c "$T/got" | head -5)"
pass "8-bit body intact, lone dot kept (-i)"
smtpcheck wirecheck "$(msg_raw "$D" 1)" || fail "bad line ends on the wire"
pass "only CRLF on the wire"

# The same 8-bit output without -B still needs BODY=8BITMIME.
run_sendsmtp -i a@example.com <"$T/msg"
assert_rc 0 "without -B: exit code"
assert_contains "$(msg_field "$D" 2 mail_options | tr '\n' ' ')" \
    "BODY=8BITMIME" "BODY=8BITMIME detected from the content"
finish
