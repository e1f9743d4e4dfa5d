#!/bin/sh
# t_bs: sendmail -bs, the SMTP dialogue on stdin/stdout (compat.md 2,
# issue 5): a pipelined session with two transactions, dot-unstuffing,
# aliases and header fix-ups applied to DATA, replies only on stdout,
# 250 only once the smarthost took the message, the smarthost's 5xx
# passed on, limits; then Symfony Mailer's sendmail -bs transport.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

CAP=$(start_capture cap)
D=$T/cap
printf 'root: admin@example.com\n' >"$T/aliases"
write_config "$CAP" "aliases $T/aliases"

# -- two transactions in one pipelined session
{
	printf 'EHLO client.example\r\n'
	printf 'MAIL FROM:<app@example.com> SIZE=300 BODY=8BITMIME\r\n'
	printf 'RCPT TO:<root>\r\n'
	printf 'RCPT TO:<bob@example.net>\r\n'
	printf 'RCPT TO:<x@example.net> NOTIFY=FAILURE\r\n'
	printf 'DATA\r\n'
	printf 'From: App <app@example.com>\r\n'
	printf 'To: root\r\n'
	printf 'Bcc: x@example.net\r\n'
	printf 'Subject: first\r\n'
	printf '\r\n'
	printf '..leading dot\r\n'
	printf '.\r\n' | sed 's/^\./../'
	printf 'last line\r\n'
	printf '.\r\n'
	printf 'RSET\r\n'
	printf 'MAIL FROM:<>\r\n'
	printf 'RCPT TO:<second@example.org>\r\n'
	printf 'DATA\r\n'
	printf 'Subject: second\n\nLF only\n.\n'
	printf 'VRFY root\r\n'
	printf 'NOOP\r\n'
	printf 'QUIT\r\n'
} >"$T/session"
run_sendsmtp -bs <"$T/session"
assert_rc 0 "-bs exit code"
assert_empty "$T/err" "nothing on stderr"
if grep -v -E '^[2-5][0-9][0-9][ -]' "$T/out" >"$T/junk"; then
	fail "stdout has more than SMTP replies: $(head -3 "$T/junk")"
fi
pass "stdout holds only SMTP replies"
tr -d '\r' <"$T/out" | cut -c1-3 | tr '\n' ' ' >"$T/codes"
assert_eq "$(cat "$T/codes")" \
    "220 250 250 250 250 250 250 250 250 250 250 250 250 354 250 250 250 250 354 250 252 250 221 " \
    "reply codes of the session (EHLO has 8 lines)"
if grep -q "$(printf '[^\r]$')" "$T/out"; then
	fail "a reply line does not end in CRLF"
fi
pass "every reply line ends in CRLF"
assert_contains "$(cat "$T/out")" "250-PIPELINING" "EHLO offers PIPELINING"
assert_msg_count "$D" 2 "two messages"
assert_eq "$(msg_field "$D" 1 mail_from)" "app@example.com" "MAIL FROM kept"
assert_eq "$(msg_field "$D" 1 rcpt_tos | tr '\n' ' ')" \
    "admin@example.com bob@example.net x@example.net " \
    "RCPT TO: through the aliases"
assert_eq "$(msg_header "$D" 1 To)" "root@example.org" "To: qualified"
assert_eq "$(msg_hcount "$D" 1 Bcc)" 0 "Bcc: removed"
assert_eq "$(msg_hcount "$D" 1 Date)" 1 "Date: added"
assert_eq "$(msg_hcount "$D" 1 Message-ID)" 1 "Message-ID: added"
msg_body "$D" 1 >"$T/got"
printf '.leading dot\r\n.\r\nlast line\r\n' >"$T/want"
cmp -s "$T/got" "$T/want" || fail "body: got $(od -c "$T/got" | head -5)"
pass "dot-unstuffed body"
assert_eq "$(msg_field "$D" 2 mail_from)" "" "null sender kept"
msg_body "$D" 2 >"$T/got"
printf 'LF only\r\n' >"$T/want"
cmp -s "$T/got" "$T/want" || fail "LF session body: got $(od -c "$T/got")"
pass "a LF-only session works too"

# -- sequence errors, bad commands, line limit, <> as recipient
{
	printf 'HELO x\r\n'
	printf 'RCPT TO:<a@b.example>\r\n'
	printf 'DATA\r\n'
	printf 'MAIL FROM:<a@b.example> XYZ=1\r\n'
	printf 'MAIL FROM:<a@b.example>\r\n'
	printf 'MAIL FROM:<a@b.example>\r\n'
	printf 'RCPT TO:<>\r\n'
	printf 'DATA\r\n'
	printf 'NOOP %s\r\n' "$(head -c 3000 /dev/zero | tr '\0' x)"
	printf 'STARTTLS\r\n'
	printf 'QUIT\r\n'
} >"$T/bad"
run_sendsmtp -bs <"$T/bad"
assert_rc 0 "bad session: exit code"
tr -d '\r' <"$T/out" | cut -c1-3 | tr '\n' ' ' >"$T/codes"
assert_eq "$(cat "$T/codes")" "220 250 503 503 555 250 503 501 554 500 502 221 " \
    "errors answered, session goes on"
assert_msg_count "$D" 2 "nothing sent"

# -- too many errors: 421, closed
: >"$T/many"
i=0
while [ $i -lt 30 ]; do
	printf 'BOGUS %d\r\n' $i >>"$T/many"
	i=$((i + 1))
done
run_sendsmtp -bs <"$T/many"
assert_eq "$RC" 76 "too many errors: exit 76"
assert_contains "$(tail -n 1 "$T/out")" "421 4.7.0" "421 before closing"

# -- the caller goes away inside DATA: nothing is sent
printf 'EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nSubject: cut\r\n\r\npartial' >"$T/cut"
run_sendsmtp -bs <"$T/cut"
assert_rc 0 "EOF inside DATA: exit code"
assert_msg_count "$D" 2 "a cut message is not sent"

# -- the smarthost refuses every recipient: its 5xx is the answer
F=$(start_fault rej --scenario rcpt550)
write_config "$F"
printf 'EHLO x\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nSubject: no\r\n\r\nx\r\n.\r\nQUIT\r\n' >"$T/rej.smtp"
run_sendsmtp -bs <"$T/rej.smtp"
assert_rc 0 "refused: exit code"
assert_contains "$(sed -n 13p "$T/out")" "550 5.1.1" "DATA answered with the 550"
# -- the smarthost is down: the message is queued, then 250
write_config "$(freeport)"
run_sendsmtp -bs <"$T/rej.smtp"
assert_contains "$(sed -n 13p "$T/out")" "250 2.0.0 Ok: queued as" \
    "unreachable smarthost: queued, 250"
assert_eq "$(ls "$T/spool/queue" | grep -c '\.env$')" 1 "one queue entry"
write_config "$CAP" "aliases $T/aliases"

# -- Symfony Mailer's default transport: sendmail -bs
if [ -r /usr/share/php/Symfony/Component/Mailer/autoload.php ] &&
    command -v php >/dev/null 2>&1; then
	make_wrapper "$T/sendmail"
	cat >"$T/symfony.php" <<'EOF'
<?php
require '/usr/share/php/Symfony/Component/Mailer/autoload.php';
require '/usr/share/php/Symfony/Component/Mime/autoload.php';
use Symfony\Component\Mailer\Mailer;
use Symfony\Component\Mailer\Transport\SendmailTransport;
use Symfony\Component\Mime\Email;
$t = new SendmailTransport($argv[1] . ' -bs');
$m = new Mailer($t);
$e = (new Email())->from('Shop <shop@example.com>')->to('root@localhost')
    ->bcc('hidden@example.net')->subject('Symfony order')
    ->text("Thank you.\n.\nBye\n");
$m->send($e);
echo "sent\n";
EOF
	set +e
	php "$T/symfony.php" "$T/sendmail" >"$T/sym.out" 2>"$T/sym.err"
	src=$?
	set -e
	assert_eq "$src" 0 "Symfony Mailer: no exception ($(head -c 300 "$T/sym.err"))"
	assert_eq "$(cat "$T/sym.out")" "sent" "Symfony Mailer: sent"
	assert_eq "$(tail -n 1 "$T/wrapper.argv")" "<-bs> " "Symfony's argv"
	assert_msg_count "$D" 3 "Symfony's message arrived"
	assert_eq "$(msg_field "$D" 3 mail_from)" "shop@example.com" \
	    "Symfony: envelope sender"
	assert_eq "$(msg_field "$D" 3 rcpt_tos | sort | tr '\n' ' ')" \
	    "admin@example.com hidden@example.net " \
	    "Symfony: root aliased, Bcc in the envelope"
	assert_eq "$(msg_hcount "$D" 3 Bcc)" 0 "Symfony: no Bcc: header"
	assert_eq "$(msg_header "$D" 3 To)" "root@example.org" \
	    "Symfony: To: qualified"
	assert_contains "$(msg_body "$D" 3 | tr -d '\r' | tr '\n' '|')" \
	    "Thank you.|.|Bye|" "Symfony: the lone dot survives"
else
	printf 'note: php-symfony-mailer not installed: Symfony leg skipped\n'
	[ "${IT_STRICT:-0}" != 1 ] || fail "php-symfony-mailer missing (IT_STRICT=1)"
fi
finish
