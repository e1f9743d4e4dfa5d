#!/bin/sh
# t_cli: command-line behaviour seen from outside (compat.md 1 and 2):
# dangerous flags never touch files, unknown/daemon flags exit 64 and send
# nothing, CR/LF in arguments exit 65, -v goes to stderr only, and the
# argv forms real clients use work.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

ME=$(id -un)@example.org
CAP=$(start_capture cap)
write_config "$CAP"
D=$T/cap
printf 'Subject: cli\n\nbody\n' >"$T/msg"
sent=0

# CVE-2016-10033/10045: -X logs traffic to a file, -OQueueDirectory and
# -oQ pick a queue directory, -D a debug file.  None may be created.
run_sendsmtp -X "$T/x.php" -OQueueDirectory="$T/q" -oQ"$T/q2" -D "$T/dbg" \
    -i rcpt@example.com <"$T/msg"
assert_rc 0 "-X/-O/-oQ/-D accepted and ignored"
sent=$((sent + 1))
assert_no_file "$T/x.php" "-X file not created"
assert_no_file "$T/q" "-OQueueDirectory not created"
assert_no_file "$T/q2" "-oQ directory not created"
assert_no_file "$T/dbg" "-D file not created"
run_sendsmtp -X"$T/x2.php" -i rcpt@example.com <"$T/msg"
assert_rc 0 "-Xfile (attached) accepted"
sent=$((sent + 1))
assert_no_file "$T/x2.php" "-Xfile not created"
assert_msg_count "$D" $sent "those messages were sent"

# Unknown flag: usage error, nothing sent.
run_sendsmtp -Z -i rcpt@example.com <"$T/msg"
assert_rc 64 "unknown flag -Z"
assert_stderr_one_line '-Z'
assert_msg_count "$D" $sent "nothing sent after a usage error"

# Daemon mode is not supported.
run_sendsmtp -bd </dev/null
assert_rc 64 "-bd"
assert_stderr_one_line 'daemon|-bd'
assert_msg_count "$D" $sent "nothing sent for -bd"

# CR or LF inside -f or a recipient: 65, nothing sent.
run_sendsmtp -f "$(printf 'a@example.org\rRCPT TO:<evil@example.net>')" \
    -i rcpt@example.com <"$T/msg"
assert_rc 65 "CR in -f"
assert_stderr_one_line
run_sendsmtp -i "$(printf 'rcpt@example.com\nRCPT TO:<evil@example.net>')" \
    <"$T/msg"
assert_rc 65 "LF in a recipient"
assert_stderr_one_line
assert_msg_count "$D" $sent "nothing sent for CR/LF arguments"

# -v: the SMTP transcript on stderr, stdout silent.
run_sendsmtp -v -i rcpt@example.com <"$T/msg"
assert_rc 0 "-v: exit code"
sent=$((sent + 1))
assert_empty "$T/out" "-v: stdout is empty"
grep -i -q -F 'MAIL FROM:' "$T/err" ||
    fail "-v: no MAIL FROM: in the transcript on stderr"
pass "-v: transcript shows MAIL FROM"
assert_file_contains "$T/err" "250" "-v: transcript shows replies"

# Forms real clients use.
run_sendsmtp -ti <"$T/msg" -- rcpt@example.com
assert_rc 0 "bundled -ti with -- and an argv recipient"
sent=$((sent + 1))
printf 'To: t@example.com\nSubject: x\n\nb\n' >"$T/msg_t"
run_sendsmtp -t -i -oi -fsender@example.org -t <"$T/msg_t"
assert_rc 0 "repeated -t -i -oi (PHPMailer)"
sent=$((sent + 1))
assert_eq "$(msg_field "$D" $sent mail_from)" "sender@example.org" \
    "-faddr (attached)"
assert_eq "$(msg_field "$D" $sent rcpt_tos)" "t@example.com" "-t recipient"
run_sendsmtp -f sender2@example.org -i -- -dash@example.com <"$T/msg"
assert_rc 0 "-f separate, recipient after -- starting with -"
sent=$((sent + 1))
assert_eq "$(msg_field "$D" $sent mail_from)" "sender2@example.org" \
    "-f addr (separate)"
assert_eq "$(msg_field "$D" $sent rcpt_tos)" "-dash@example.com" \
    "recipient after -- is not a flag"
run_sendsmtp -f '<>' -i rcpt@example.com <"$T/msg"
assert_rc 0 "null sender"
sent=$((sent + 1))
assert_eq "$(msg_field "$D" $sent mail_from)" "" "-f '<>' gives MAIL FROM:<>"
run_sendsmtp -N failure,delay -R hdrs -V envid42 -i rcpt@example.com <"$T/msg"
assert_rc 0 "DSN flags"
sent=$((sent + 1))
assert_contains "$(msg_field "$D" $sent mail_options | tr '\n' ' ')" \
    "RET=HDRS" "-R hdrs -> RET=HDRS"
assert_contains "$(msg_field "$D" $sent mail_options | tr '\n' ' ')" \
    "ENVID=envid42" "-V -> ENVID="
assert_contains "$(msg_field "$D" $sent rcpt_options | tr 'a-z' 'A-Z')" \
    "NOTIFY=FAILURE,DELAY" "-N -> NOTIFY="
assert_eq "$(msg_field "$D" $sent mail_from)" "$ME" "sender is the caller"
assert_msg_count "$D" $sent "every accepted run sent exactly one message"
finish
