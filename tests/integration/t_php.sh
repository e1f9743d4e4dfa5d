#!/bin/sh
# t_php: PHP mail() through sendmail_path, with the 5th argument -f.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd
require_cmd php

CAP=$(start_capture cap)
write_config "$CAP"
make_wrapper "$T/sendmail"
D=$T/cap

php -d sendmail_path="$T/sendmail -t -i" -d mail.add_x_header=0 -r '
var_export(mail("to@example.com", "Subject here", "Line 1\nLine 2\n",
    "From: Web <web@example.org>\r\nBcc: hidden@example.com\r\nX-App: 1",
    "-fbounce@example.com"));
echo "\n";' >"$T/php.out" 2>"$T/php.err"
assert_eq "$(cat "$T/php.out")" "true" "mail() returned true"
assert_eq "$(cat "$T/wrapper.argv")" "<-t> <-i> <-fbounce@example.com> " \
    "PHP's argv"
assert_eq "$(cat "$T/wrapper.rc")" 0 "sendsmtp exit code"
assert_empty "$T/wrapper.err" "nothing on stderr"
assert_msg_count "$D" 1 "one message"
assert_eq "$(msg_field "$D" 1 mail_from)" "bounce@example.com" \
    "envelope sender from -f"
assert_eq "$(msg_field "$D" 1 rcpt_tos | sort | tr '\n' ' ')" \
    "hidden@example.com to@example.com " "recipients: To and Bcc (-t)"
assert_eq "$(msg_header "$D" 1 To)" "to@example.com" "To: header"
assert_eq "$(msg_header "$D" 1 Subject)" "Subject here" "Subject: header"
assert_eq "$(msg_header "$D" 1 From)" "Web <web@example.org>" \
    "the app's From: is kept"
assert_eq "$(msg_hcount "$D" 1 From)" 1 "exactly one From:"
assert_eq "$(msg_hcount "$D" 1 Bcc)" 0 "Bcc: removed"
assert_eq "$(msg_header "$D" 1 X-App)" 1 "custom header kept"
assert_eq "$(msg_hcount "$D" 1 Date)" 1 "Date: added"
assert_eq "$(msg_hcount "$D" 1 Message-ID)" 1 "Message-ID: added"
msg_body "$D" 1 >"$T/got"
# PHP 8 ends the body with its own CRLF after the caller's text.
printf 'Line 1\r\nLine 2\r\n\r\n' >"$T/want"
cmp -s "$T/got" "$T/want" || fail "body: got $(od -c "$T/got" | head -5)"
pass "body, CRLF"
smtpcheck wirecheck "$(msg_raw "$D" 1)" || fail "bare CR/LF on the wire"
pass "only CRLF on the wire"

# mail() is true only for exit 0: a refusal must make it return false.
F=$(start_fault rej --scenario mail550)
write_config "$F"
php -d sendmail_path="$T/sendmail -t -i" -r '
var_export(mail("to@example.com", "s", "b")); echo "\n";' \
    >"$T/php.out" 2>"$T/php.err"
assert_eq "$(cat "$T/php.out")" "false" "mail() false on a 550"
assert_eq "$(tail -n 1 "$T/wrapper.rc")" 69 "exit 69 on 550 at MAIL"

# Local names (issue 5): mail("root") with "From: www-data" and no -f.
printf 'root: admin@example.com\n' >"$T/aliases"
write_config "$CAP" "aliases $T/aliases"
php -d sendmail_path="$T/sendmail -t -i" -r '
var_export(mail("root", "local", "x\n", "From: www-data")); echo "\n";' \
    >"$T/php.out" 2>"$T/php.err"
assert_eq "$(cat "$T/php.out")" "true" "mail(\"root\") returned true"
assert_msg_count "$D" 2 "second message"
assert_eq "$(msg_field "$D" 2 rcpt_tos)" "admin@example.com" \
    "root through the aliases file"
assert_eq "$(msg_header "$D" 2 To)" "root@example.org" "To: root qualified"
assert_eq "$(msg_header "$D" 2 From)" "www-data@example.org" \
    "From: www-data qualified"
finish
