#!/bin/sh
# t_clients_sys: system programs' exact sendmail invocations (compat.md
# 1), relayed by a private Postfix smarthost to a capture server (issue
# 5): Debian cron with a comma list in MAILTO, cronie, atd with a
# regular-file stdin, fail2ban, logwatch's repeated To: lines, sudo's -t
# as root with a minimal environment, unattended-upgrades' -oi -t with
# "From: root".  Each: envelope, qualified headers, aliases applied, no
# Bcc leaves.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/clients_lib.sh"
clients_setup
ME=$(id -un)

# ------------------------------------------------------------ Debian cron
# sendmail -FCronDaemon -i -B8BITMIME -oem <MAILTO>, MAILTO "root,ops"
cat >"$T/cron.msg" <<'EOF'
From: root (Cron Daemon)
To: root,ops
Subject: Cron <root@host> run-parts /etc/cron.daily
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
X-Cron-Env: <SHELL=/bin/sh>
X-Cron-Env: <MAILTO=root,ops>

/etc/cron.daily/logrotate: done
.
EOF
client_run cron "$T/sendmail" -FCronDaemon -i -B8BITMIME -oem root,ops \
    <"$T/cron.msg"
next_msg "Debian cron"
assert_eq "$(msg_field "$D" $M rcpt_tos | sort | tr '\n' ' ')" \
    "admin@example.com catchall@example.com " \
    "cron: root aliased, ops to the default alias"
assert_eq "$(msg_field "$D" $M mail_from)" "$ME@example.org" \
    "cron: envelope sender is the caller"
assert_eq "$(msg_header "$D" $M From)" "root@example.org (Cron Daemon)" \
    "cron: From: qualified"
assert_eq "$(msg_header "$D" $M To)" "root@example.org,ops@example.org" \
    "cron: To: list qualified"
for h in Date Message-ID; do
	assert_eq "$(msg_hcount "$D" $M $h)" 1 "cron: $h: added"
done
assert_contains "$(msg_body "$D" $M | tr -d '\r' | tr '\n' '|')" \
    "logrotate: done|.|" "cron: -i keeps the lone dot"

# ------------------------------------------------------------ cronie
# sendmail -FCronDaemon -i -odi -oem -oi -t -f <login>, unqualified
cat >"$T/cronie.msg" <<'EOF'
From: "(Cron Daemon)" <root>
To: root
Subject: Cron <root@host> /usr/local/bin/backup
Auto-Submitted: auto-generated
Precedence: bulk
Date: Mon, 2 Jun 2025 03:00:01 +0200

backup finished
EOF
client_run cronie "$T/sendmail" -FCronDaemon -i -odi -oem -oi -t -f root \
    <"$T/cronie.msg"
next_msg "cronie"
assert_eq "$(msg_field "$D" $M mail_from)" "root@example.org" \
    "cronie: -f root qualified"
assert_eq "$(msg_field "$D" $M rcpt_tos)" "admin@example.com" \
    "cronie: To: root aliased"
assert_eq "$(msg_header "$D" $M From)" "\"(Cron Daemon)\" <root@example.org>" \
    "cronie: From: qualified, quoted name kept"
assert_eq "$(msg_header "$D" $M Date)" "Mon, 2 Jun 2025 03:00:01 +0200" \
    "cronie: its Date: kept"

# ------------------------------------------------------------ atd
# sendmail -i <user>, stdin a regular file, run from /
printf 'Subject: Output from your job        7\nTo: %s\n\njob output\n' \
    "$ME" >"$T/atjob"
(cd / && client_run atd "$T/sendmail" -i "$ME" <"$T/atjob")
next_msg "atd"
assert_eq "$(msg_field "$D" $M rcpt_tos)" "$([ "$ME" = root ] &&
    echo admin@example.com || echo catchall@example.com)" \
    "atd: the job owner through the aliases"
assert_eq "$(msg_header "$D" $M To)" "$ME@example.org" "atd: To: qualified"

# ------------------------------------------------------------ fail2ban
# sendmail -f "fail2ban" "root" (no -i, no -t)
cat >"$T/f2b.msg" <<EOF
Subject: [Fail2Ban] sshd: banned 192.0.2.7 from $SHORT
Date: Mon, 2 Jun 2025 10:00:00 +0000
From: Fail2Ban <fail2ban>
To: root

Hi,
The IP 192.0.2.7 has just been banned by Fail2Ban after
5 attempts against sshd.
EOF
client_run fail2ban "$T/sendmail" -f fail2ban root <"$T/f2b.msg"
next_msg "fail2ban"
assert_eq "$(msg_field "$D" $M mail_from)" "fail2ban@example.org" \
    "fail2ban: -f fail2ban qualified"
assert_eq "$(msg_field "$D" $M rcpt_tos)" "admin@example.com" \
    "fail2ban: root aliased"
assert_eq "$(msg_header "$D" $M From)" "Fail2Ban <fail2ban@example.org>" \
    "fail2ban: From: qualified"

# ------------------------------------------------------------ logwatch
# sendmail -t (no -i), one To: line per address, "From: Logwatch"
cat >"$T/lw.msg" <<'EOF'
To: root
To: ops@example.net
Bcc: lw-hidden@example.net
From: Logwatch
Subject: Logwatch for host (Linux)
Auto-Submitted: auto-generated
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit
Content-Type: text/plain; charset="iso-8859-1"

 ################### Logwatch 7.7 ####################
.
this line is not part of the message
EOF
client_run logwatch "$T/sendmail" -t <"$T/lw.msg"
next_msg "logwatch"
assert_eq "$(msg_field "$D" $M rcpt_tos | sort | tr '\n' ' ')" \
    "admin@example.com lw-hidden@example.net ops@example.net " \
    "logwatch: every To: line, root aliased, Bcc"
assert_eq "$(msg_hcount "$D" $M To)" 2 "logwatch: both To: lines kept"
assert_eq "$(msg_header "$D" $M From)" "Logwatch@example.org" \
    "logwatch: From: Logwatch qualified"
assert_no_bcc lw-hidden
assert_file_not_contains "$(msg_eml "$D" $M)" "not part of the message" \
    "logwatch: without -i a lone dot ends the message"

# ------------------------------------------------------------ sudo
# mailerpath + "-t", as root, environment HOME=/ PATH LOGNAME=USER=root
cat >"$T/sudo.msg" <<EOF
To: root
From: $ME
Auto-Submitted: auto-generated
Subject: *** SECURITY information for $SHORT ***

$SHORT : Jun  2 10:00:00 : $ME : user NOT in sudoers ; TTY=pts/0 ;
    PWD=/home/$ME ; USER=root ; COMMAND=/bin/sh
EOF
ln -s "$T/sendmail" "$T/sudo-mailer"
client_run sudo env -i HOME=/ PATH=/usr/bin:/bin LOGNAME=root USER=root \
    "$T/sudo-mailer" -t <"$T/sudo.msg"
next_msg "sudo"
assert_eq "$(tail -n 1 "$T/wrapper.argv")" "<-t> " "sudo: argv"
assert_eq "$(msg_field "$D" $M rcpt_tos)" "admin@example.com" \
    "sudo: To: root aliased"
assert_eq "$(msg_header "$D" $M From)" "$ME@example.org" \
    "sudo: From: invoking user qualified"
assert_eq "$(msg_field "$D" $M mail_from)" "$ME@example.org" \
    "sudo: envelope sender from the password database, not \$USER"

# ------------------------------------------------------------ unattended-upgrades
cat >"$T/uu.msg" <<EOF
From: root
To: root
Subject: =?utf-8?q?unattended-upgrades_result_for_$SHORT=3A_SUCCESS?=
Auto-Submitted: auto-generated
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

Unattended upgrade result: All upgrades installed=0A=
Packages that were upgraded:=0A libssl3 openssl
EOF
client_run unattended-upgrades "$T/sendmail" -oi -t <"$T/uu.msg"
next_msg "unattended-upgrades"
assert_eq "$(msg_field "$D" $M rcpt_tos)" "admin@example.com" \
    "unattended-upgrades: root aliased"
assert_eq "$(msg_header "$D" $M From)" "root@example.org" \
    "unattended-upgrades: From: root qualified"
assert_eq "$(msg_header "$D" $M To)" "root@example.org" \
    "unattended-upgrades: To: root qualified"
assert_contains "$(msg_header "$D" $M Subject)" "=?utf-8?q?unattended" \
    "unattended-upgrades: encoded Subject: untouched"
assert_contains "$(msg_body "$D" $M | tr -d '\r')" "installed=0A=" \
    "unattended-upgrades: QP body untouched"
smtpcheck wirecheck "$(msg_raw "$D" $M)" || fail "bad line ends on the wire"
pass "CRLF only on the wire"
finish
