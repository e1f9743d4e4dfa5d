#!/bin/sh
# t_sysmail: local names (issue 5).  The aliases file applied to argv, -t
# and "name@shorthost" recipients; bare names qualified in the envelope
# and in From/To/Cc (display names and comments kept); -bv prints the
# resolved recipients; newaliases/-bi checks the file (78 with
# file:line); sender_policy envelope and header; -oem mails a failure
# report to the sender (not for <>), -oee exits 0, -oep/-oeq do not mail.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

SHORT=$(hostname | cut -d. -f1)
CAP=$(start_capture cap)
D=$T/cap
cat >"$T/aliases" <<EOF
# test aliases
root: admin@example.com,
	"Ops Team" <ops@example.net>
postmaster: root
webmaster: root@$SHORT
default: catchall@example.com
EOF
write_config "$CAP" "aliases $T/aliases"

# -- -bv: resolution only, no stdin, no SMTP
run_sendsmtp -bv root "postmaster@$SHORT" www-data "x@y.example,Joe <joe@localhost>" </dev/null
assert_rc 0 "-bv exit code"
assert_eq "$(tr '\n' ' ' <"$T/out")" \
    "admin@example.com ops@example.net catchall@example.com x@y.example " \
    "-bv: aliases, default, own names, duplicates collapsed"
assert_msg_count "$D" 0 "-bv sent nothing"

# -- newaliases / -bi
run_sendsmtp -bi </dev/null
assert_rc 0 "-bi on a good file"
assert_contains "$(cat "$T/out")" "4 aliases" "-bi counts the aliases"
ln -s "$SENDSMTP" "$T/newaliases"
set +e
"$T/newaliases" -C "$CFG" >"$T/na.out" 2>"$T/na.err"
rc=$?
set -e
assert_eq "$rc" 0 "newaliases by argv[0]"
cp "$T/aliases" "$T/aliases.good"
printf 'loop1: loop2\nloop2: loop1@localhost\n' >>"$T/aliases"
run_sendsmtp -bi </dev/null
assert_rc 78 "-bi: a loop is a config error"
assert_stderr_one_line "aliases:7: alias loop: loop1 -> loop2 -> loop1"
printf 'broken line\n' >"$T/aliases"
run_sendsmtp -bi </dev/null
assert_rc 78 "-bi: a bad line"
assert_stderr_one_line "aliases:1: no ':'"
printf 'root: |/usr/bin/procmail\n' >"$T/aliases"
printf 'Subject: x\n\ny\n' >"$T/m0"
run_sendsmtp root <"$T/m0"
assert_rc 78 "sending with a broken aliases file: 78"
assert_stderr_one_line "command or a file"
cp "$T/aliases.good" "$T/aliases"

# -- argv + -t recipients, header qualification, Bcc removed
cat >"$T/m1" <<EOF
From: root (Cron Daemon)
To: root, "Web Master" <webmaster@$SHORT>
Cc: someone@example.net,
 alerts
Bcc: postmaster
Subject: local names

body for root
EOF
run_sendsmtp -t -i <"$T/m1"
assert_rc 0 "-t with local names"
assert_empty "$T/err" "no stderr"
assert_msg_count "$D" 1 "one message"
assert_eq "$(msg_field "$D" 1 rcpt_tos | sort | tr '\n' ' ')" \
    "admin@example.com catchall@example.com ops@example.net someone@example.net " \
    "envelope: aliases applied to To, Cc and Bcc"
assert_eq "$(msg_field "$D" 1 mail_from)" "$(id -un)@example.org" \
    "envelope sender: the caller, qualified"
assert_eq "$(msg_header "$D" 1 From)" "root@example.org (Cron Daemon)" \
    "From: qualified, comment kept"
assert_eq "$(msg_header "$D" 1 To)" \
    "root@example.org, \"Web Master\" <webmaster@example.org>" \
    "To: qualified, display name kept, own host name replaced"
assert_eq "$(msg_header "$D" 1 Cc)" "someone@example.net, alerts@example.org" \
    "Cc: folded value qualified"
assert_file_contains "$(msg_eml "$D" 1)" "$(printf 'Cc: someone@example.net,\r\n alerts@example.org')" \
    "Cc: the sender's folding is kept"
assert_eq "$(msg_hcount "$D" 1 Bcc)" 0 "no Bcc: header"
assert_file_not_contains "$(msg_eml "$D" 1)" "postmaster" \
    "the Bcc name appears nowhere"
assert_eq "$(msg_header "$D" 1 Subject)" "local names" "Subject kept"

# -- fail2ban's argv: -f fail2ban root
printf 'From: Fail2Ban <fail2ban>\nTo: root\nSubject: banned\n\nx\n' >"$T/m2"
run_sendsmtp -f fail2ban root <"$T/m2"
assert_rc 0 "fail2ban argv"
assert_eq "$(msg_field "$D" 2 mail_from)" "fail2ban@example.org" \
    "-f fail2ban qualified"
assert_eq "$(msg_field "$D" 2 rcpt_tos | tr '\n' ' ')" \
    "admin@example.com ops@example.net " "root through the aliases"
assert_eq "$(msg_header "$D" 2 From)" "Fail2Ban <fail2ban@example.org>" \
    "From: <fail2ban> qualified"

# -- sender_policy envelope: -f cannot change the envelope sender
write_config "$CAP" "aliases $T/aliases" "from alerts@example.org" \
    "sender_policy envelope"
run_sendsmtp -f "bounce@elsewhere.example" -t <"$T/m2"
assert_rc 0 "sender_policy envelope"
assert_eq "$(msg_field "$D" 3 mail_from)" "alerts@example.org" \
    "envelope sender forced to from"
assert_eq "$(msg_header "$D" 3 From)" "Fail2Ban <fail2ban@example.org>" \
    "envelope policy leaves From: alone"

# -- sender_policy header: From rewritten, Reply-To added
write_config "$CAP" "aliases $T/aliases" "from alerts@example.org" \
    "sender_policy header"
run_sendsmtp -t <"$T/m2"
assert_rc 0 "sender_policy header"
assert_eq "$(msg_header "$D" 4 From)" "Fail2Ban <alerts@example.org>" \
    "From: the account's address, display name kept"
assert_eq "$(msg_header "$D" 4 Reply-To)" "fail2ban@example.org" \
    "Reply-To: the original address"
assert_eq "$(msg_hcount "$D" 4 From)" 1 "one From:"
printf 'From: a@b.example\nReply-To: keep@b.example\nTo: x@y.example\n\nx\n' >"$T/m3"
run_sendsmtp -t <"$T/m3"
assert_eq "$(msg_header "$D" 5 Reply-To)" "keep@b.example" \
    "an existing Reply-To is kept"
assert_eq "$(msg_hcount "$D" 5 Reply-To)" 1 "and not doubled"

# -- -oem: every recipient refused -> a report to the sender, through
# the same smarthost (it refuses bad*, accepts the rest)
F=$(start_fault rej --scenario rcpt_by_name)
FD=$T/rej
write_config "$F" "aliases $T/aliases"
printf 'Subject: will bounce\n\nsorry\n' >"$T/m4"
run_sendsmtp -oem -f sender@example.org bad1@example.com <"$T/m4"
assert_rc 67 "-oem: the exit code still says unknown user"
assert_contains "$(cat "$T/err")" "refused" "-oem: the refusal on stderr"
assert_eq "$(smtpcheck count "$FD")" 1 "-oem: one message accepted: the report"
assert_eq "$(msg_field "$FD" 1 mail_from)" "" "the report is from <>"
assert_eq "$(msg_field "$FD" 1 rcpt_tos)" "sender@example.org" \
    "the report goes to the sender"
assert_contains "$(msg_header "$FD" 1 Content-Type)" "multipart/report" \
    "the report is a delivery status notification"
assert_file_contains "$(msg_eml "$FD" 1)" "bad1@example.com" \
    "the report names the refused recipient"
# -oee: the same, exit 0
run_sendsmtp -oee -f sender@example.org bad2@example.com <"$T/m4"
assert_rc 0 "-oee: exit 0 once the report is mailed"
assert_eq "$(smtpcheck count "$FD")" 2 "-oee: a report"
# -oep / -oeq / a null sender: no report (the exit code tells)
run_sendsmtp -oep -f sender@example.org bad3@example.com <"$T/m4"
assert_rc 67 "-oep exit code"
run_sendsmtp -oeq -f sender@example.org bad4@example.com <"$T/m4"
assert_rc 67 "-oeq exit code"
assert_empty "$T/err" "-oeq is silent"
run_sendsmtp -oem -f '<>' bad5@example.com <"$T/m4"
assert_rc 67 "-oem with a null sender: exit code"
assert_eq "$(smtpcheck count "$FD")" 2 \
    "no report for -oep, -oeq or a null sender"
finish
