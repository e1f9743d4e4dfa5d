#!/bin/sh
# t_clients_mua: mail programs and libraries driving sendsmtp, relayed by
# a private Postfix smarthost to a capture server (issue 5): PHP mail()
# (Debian's compiled-in "-t -i", and -f through the fifth argument),
# PHPMailer isSendmail(), Symfony Mailer (-bs), bsd-mailx, s-nail, GNU
# mailutils mail, mutt in batch mode and the Ruby mail gem.  Each: the
# argv the client really used, envelope, qualified headers, aliases
# applied, no Bcc leaves, body intact.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/clients_lib.sh"
clients_setup
ME=$(id -un)

# ------------------------------------------------------------ PHP mail()
if command -v php >/dev/null 2>&1; then
	# Debian's compiled-in default sendmail_path is "sendmail -t -i"
	client_run php php -d sendmail_path="$T/sendmail -t -i" \
	    -d mail.add_x_header=0 -r '
exit(mail("root", "PHP default", "Line 1\n.\nLine 3\n",
    "From: www-data\r\nBcc: php-hidden@example.net") ? 0 : 1);'
	next_msg "PHP mail()"
	assert_eq "$(tail -n 1 "$T/wrapper.argv")" "<-t> <-i> " "PHP: argv"
	assert_eq "$(msg_field "$D" $M mail_from)" "$ME@example.org" \
	    "PHP: envelope sender is the caller"
	assert_eq "$(msg_field "$D" $M rcpt_tos | sort | tr '\n' ' ')" \
	    "admin@example.com php-hidden@example.net " \
	    "PHP: root aliased, Bcc in the envelope"
	assert_eq "$(msg_header "$D" $M To)" "root@example.org" \
	    "PHP: To: qualified"
	assert_eq "$(msg_header "$D" $M From)" "www-data@example.org" \
	    "PHP: From: qualified"
	assert_no_bcc php-hidden
	assert_eq "$(msg_body "$D" $M | tr -d '\r' | tr '\n' '|')" \
	    "Line 1|.|Line 3||" "PHP: body with its lone dot"

	# -f through the fifth argument
	client_run php_f php -d sendmail_path="$T/sendmail -t -i" -r '
exit(mail("ops@example.com", "PHP -f", "x\n", "From: Shop <shop@example.com>",
    "-fbounce@example.com") ? 0 : 1);'
	next_msg "PHP mail() with -f"
	assert_eq "$(tail -n 1 "$T/wrapper.argv")" \
	    "<-t> <-i> <-fbounce@example.com> " "PHP -f: argv"
	assert_eq "$(msg_field "$D" $M mail_from)" "bounce@example.com" \
	    "PHP -f: envelope sender"
	assert_eq "$(msg_header "$D" $M From)" "Shop <shop@example.com>" \
	    "PHP -f: From: kept"
else
	printf 'note: php not installed\n'
fi

# ------------------------------------------------------------ PHPMailer
PM=/usr/share/php/libphp-phpmailer/autoload.php
if [ -r "$PM" ]; then
	client_run phpmailer php -d sendmail_path="$T/sendmail -t -i" -r '
require "'"$PM"'";
PHPMailer\PHPMailer\PHPMailer::$validator = "pcre8";
$m = new PHPMailer\PHPMailer\PHPMailer(true);
$m->isSendmail();
$m->setFrom("noreply@example.com", "The Shop");
$m->Sender = "bounces@example.com";
$m->addAddress("root@localhost");
$m->addBCC("pm-hidden@example.net");
$m->Subject = "PHPMailer order";
$m->Body = "Order 42 shipped.\n";
$m->send();'
	next_msg "PHPMailer"
	assert_eq "$(tail -n 1 "$T/wrapper.argv")" \
	    "<-t> <-i> <-oi> <-fbounces@example.com> <-t> " \
	    "PHPMailer: argv, repeated flags"
	assert_eq "$(msg_field "$D" $M mail_from)" "bounces@example.com" \
	    "PHPMailer: envelope sender from Sender"
	assert_eq "$(msg_field "$D" $M rcpt_tos | sort | tr '\n' ' ')" \
	    "admin@example.com pm-hidden@example.net " \
	    "PHPMailer: root aliased, Bcc in the envelope"
	assert_eq "$(msg_header "$D" $M To)" "root@example.org" \
	    "PHPMailer: To: qualified"
	assert_eq "$(msg_header "$D" $M From)" "The Shop <noreply@example.com>" \
	    "PHPMailer: From: kept"
	assert_no_bcc pm-hidden
else
	printf 'note: libphp-phpmailer not installed\n'
	[ "${IT_STRICT:-0}" != 1 ] || fail "libphp-phpmailer missing"
fi

# ------------------------------------------------------------ Symfony -bs
SY=/usr/share/php/Symfony/Component/Mailer/autoload.php
if [ -r "$SY" ]; then
	client_run symfony php -r '
require "'"$SY"'";
require "/usr/share/php/Symfony/Component/Mime/autoload.php";
$t = new Symfony\Component\Mailer\Transport\SendmailTransport(
    "'"$T/sendmail"' -bs");
$e = (new Symfony\Component\Mime\Email())
    ->from("Shop <shop@example.com>")->to("postmaster@localhost")
    ->bcc("sy-hidden@example.net")->subject("Symfony")->text("sym\n");
(new Symfony\Component\Mailer\Mailer($t))->send($e);'
	next_msg "Symfony Mailer -bs"
	assert_eq "$(tail -n 1 "$T/wrapper.argv")" "<-bs> " "Symfony: argv"
	assert_eq "$(msg_field "$D" $M rcpt_tos | sort | tr '\n' ' ')" \
	    "admin@example.com sy-hidden@example.net " \
	    "Symfony: postmaster -> root -> admin, Bcc in the envelope"
	assert_eq "$(msg_header "$D" $M To)" "postmaster@example.org" \
	    "Symfony: To: at localhost qualified"
	assert_no_bcc sy-hidden
else
	[ "${IT_STRICT:-0}" != 1 ] || fail "php-symfony-mailer missing"
fi

# ------------------------------------------------------------ bsd-mailx
if command -v bsd-mailx >/dev/null 2>&1; then
	printf 'set sendmail=%s\n' "$T/sendmail" >"$T/mailrc"
	printf 'mailx body\n' >"$T/mailx.in"
	client_run mailx env HOME="$T/home" MAILRC="$T/mailrc" bsd-mailx \
	    -s "mailx subject" -b mx-hidden@example.net root <"$T/mailx.in"
	next_msg "bsd-mailx"
	assert_eq "$(tail -n 1 "$T/wrapper.argv")" "<-i> <-t> " "mailx: argv"
	assert_eq "$(msg_field "$D" $M rcpt_tos | sort | tr '\n' ' ')" \
	    "admin@example.com mx-hidden@example.net " "mailx: recipients"
	assert_eq "$(msg_header "$D" $M To)" "root@example.org" \
	    "mailx: To: qualified"
	assert_contains "$(msg_header "$D" $M From)" "$ME@example.org" \
	    "mailx: From: added, qualified"
	assert_no_bcc mx-hidden
fi

# ------------------------------------------------------------ s-nail
if command -v s-nail >/dev/null 2>&1; then
	printf 's-nail body\n' >"$T/snail.in"
	client_run s-nail env HOME="$T/home" s-nail -:/ -S mta="$T/sendmail" \
	    -S sendwait -s "s-nail subject" -b sn-hidden@example.net root \
	    <"$T/snail.in"
	next_msg "s-nail"
	assert_eq "$(tail -n 1 "$T/wrapper.argv")" \
	    "<-i> <--> <root> <sn-hidden@example.net> " \
	    "s-nail: argv after --"
	assert_eq "$(msg_field "$D" $M rcpt_tos | sort | tr '\n' ' ')" \
	    "admin@example.com sn-hidden@example.net " "s-nail: recipients"
	assert_eq "$(msg_header "$D" $M To)" "root@example.org" \
	    "s-nail: To: qualified"
	assert_no_bcc sn-hidden
else
	[ "${IT_STRICT:-0}" != 1 ] || fail "s-nail missing"
fi

# ------------------------------------------------------------ mailutils
if command -v mail.mailutils >/dev/null 2>&1; then
	printf 'mailutils body\n' >"$T/mu.in"
	client_run mailutils env HOME="$T/home" mail.mailutils \
	    -E "set sendmail=sendmail://$T/sendmail" -s "mailutils subject" \
	    root <"$T/mu.in"
	next_msg "mailutils mail"
	assert_eq "$(tail -n 1 "$T/wrapper.argv")" \
	    "<-oi> <-f> <$ME@$SHORT> <-t> " "mailutils: argv, -f user@shorthost"
	assert_eq "$(msg_field "$D" $M mail_from)" "$ME@example.org" \
	    "mailutils: -f user@shorthost qualified"
	assert_eq "$(msg_field "$D" $M rcpt_tos)" "admin@example.com" \
	    "mailutils: root aliased"
	assert_eq "$(msg_header "$D" $M To)" "root@example.org" \
	    "mailutils: To: qualified"
	assert_contains "$(msg_header "$D" $M From)" "$ME@example.org" \
	    "mailutils: From: added (it writes none)"
else
	[ "${IT_STRICT:-0}" != 1 ] || fail "mailutils missing"
fi

# ------------------------------------------------------------ mutt
if command -v mutt >/dev/null 2>&1; then
	cat >"$T/muttrc" <<EOF
set sendmail="$T/sendmail -oem -oi"
set hostname="$SHORT"
set record=""
set folder="$T/home"
set spoolfile="/dev/null"
EOF
	printf 'mutt body\n' >"$T/mutt.in"
	client_run mutt env HOME="$T/home" mutt -n -F "$T/muttrc" \
	    -s "mutt subject" -b mt-hidden@example.net root <"$T/mutt.in"
	next_msg "mutt"
	assert_eq "$(tail -n 1 "$T/wrapper.argv")" \
	    "<-oem> <-oi> <--> <root@$SHORT> <mt-hidden@example.net> " \
	    "mutt: argv, root@shorthost after --"
	assert_eq "$(msg_field "$D" $M rcpt_tos | sort | tr '\n' ' ')" \
	    "admin@example.com mt-hidden@example.net " \
	    "mutt: root@shorthost aliased"
	assert_eq "$(msg_header "$D" $M To)" "root <root@example.org>" \
	    "mutt: To: shorthost replaced, name kept"
	assert_eq "$(msg_header "$D" $M From)" "root <root@example.org>" \
	    "mutt: From: shorthost replaced"
	assert_no_bcc mt-hidden
else
	[ "${IT_STRICT:-0}" != 1 ] || fail "mutt missing"
fi

# ------------------------------------------------------------ Ruby mail
if command -v ruby >/dev/null 2>&1 && ruby -e 'require "mail"' 2>/dev/null
then
	client_run ruby env HOME="$T/home" ruby -e '
require "mail"
m = Mail.new do
  from "App <app@example.com>"
  to "root"
  bcc "rb-hidden@example.net"
  subject "ruby mail"
  body "from ruby\n"
end
m.delivery_method :sendmail, location: ARGV[0]
m.deliver!' "$T/sendmail"
	next_msg "Ruby mail gem"
	assert_eq "$(tail -n 1 "$T/wrapper.argv")" \
	    "<-i> <-f> <app@example.com> <--> <root> <rb-hidden@example.net> " \
	    "ruby: argv"
	assert_eq "$(msg_field "$D" $M mail_from)" "app@example.com" \
	    "ruby: envelope sender"
	assert_eq "$(msg_field "$D" $M rcpt_tos | sort | tr '\n' ' ')" \
	    "admin@example.com rb-hidden@example.net " "ruby: recipients"
	assert_eq "$(msg_header "$D" $M To)" "root@example.org" \
	    "ruby: To: qualified"
	assert_no_bcc rb-hidden
else
	[ "${IT_STRICT:-0}" != 1 ] || fail "ruby-mail missing"
fi
smtpcheck wirecheck "$(msg_raw "$D" $M)" || fail "bad line ends on the wire"
pass "CRLF only on the wire"
finish
