#!/bin/sh
# t_queue_mixed: per-recipient outcomes (issue 4).  RCPT 250/450/550 in
# one submission: the first is delivered once, the second is queued and
# retried alone, the third is bounced once (RFC 3464, null sender, sent by
# the next run over the same session).  -oep reports instead of
# bouncing.  452 "too many recipients": the rest go in more transactions
# of the same session.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/queue_lib.sh"
require_sendsmtp
require_aiosmtpd

cat >"$T/script.json" <<'EOF'
{"rcpt": {"*": "250 2.1.5 OK",
          "temp*": {"per_conn": ["450 4.2.1 Mailbox busy, try later",
                                 "250 2.1.5 OK"]},
          "bad*": "550 5.1.1 <bad@example.net>: Recipient address rejected: User unknown"}}
EOF
printf 'Subject: mixed\nX-Marker: 42\n\nTHE BODY\n' >"$T/msg"

PORT=$(start_fault f1 --script "$T/script.json")
D=$T/f1
q_config "$PORT"
run_sendsmtp -i -f alice@example.com good@example.net temp@example.net \
    bad@example.net <"$T/msg"
assert_rc 0 "mixed: exit 0 (delivered, queued, bounced)"
assert_eq "$(grep -c . "$T/err")" 2 "mixed: two stderr lines"
assert_file_contains "$T/err" "queued as" "mixed: says what was queued"
assert_file_contains "$T/err" "450 4.2.1" "mixed: with the server's reason"
assert_file_contains "$T/err" "<bad@example.net> refused: 550 5.1.1" \
    "mixed: names the refused recipient"
assert_msg_count "$D" 1 "mixed: one message accepted"
assert_eq "$(msg_field "$D" 1 rcpt_tos)" "good@example.net" \
    "mixed: for the good recipient only"
assert_queue_len 2 "mixed: the entry and its bounce are queued"

q_run -bp
assert_file_contains "$T/out" "sent      good@example.net" "mailq: sent"
assert_file_contains "$T/out" "deferred  temp@example.net  (4.2.1 Mailbox" \
    "mailq: deferred, with the reply"
assert_file_contains "$T/out" "bounced   bad@example.net" "mailq: bounced"
assert_file_contains "$T/out" "MAILER-DAEMON" "mailq: the bounce entry"
assert_file_contains "$T/out" "in 2 Requests." "mailq: two entries"

# ---- the next run: temp alone, and the bounce, over one session
q_run -q
assert_rc 0 "-q: exit 0"
assert_msg_count "$D" 3 "-q: two more messages"
assert_queue_len 0 "-q: spool empty"
TEMP= BOUNCE=
for i in 2 3; do
	case $(msg_field "$D" $i mail_from) in
	alice@example.com) TEMP=$i ;;
	"") BOUNCE=$i ;;
	esac
done
[ -n "$TEMP" ] && [ -n "$BOUNCE" ] || fail "want the retry and the bounce"
pass "-q sent the retry and the bounce"
assert_eq "$(msg_field "$D" "$TEMP" rcpt_tos)" "temp@example.net" \
    "retry: the tempfailed recipient alone"
assert_eq "$(msg_header "$D" "$TEMP" X-Marker)" 42 "retry: same message"
assert_eq "$(msg_field "$D" "$TEMP" conn)" "$(msg_field "$D" "$BOUNCE" conn)" \
    "retry and bounce over one session"
assert_eq "$(msg_field "$D" "$BOUNCE" rcpt_tos)" "alice@example.com" \
    "bounce: to the envelope sender"

dsn_summary "$(smtpcheck eml "$D" "$BOUNCE")" >"$T/dsn"
assert_file_contains "$T/dsn" "ctype=multipart/report" "bounce: multipart/report"
assert_file_contains "$T/dsn" "report_type=delivery-status" \
    "bounce: report-type=delivery-status"
assert_file_contains "$T/dsn" "nparts=3" "bounce: three parts"
assert_file_contains "$T/dsn" "part1=text/plain" "bounce: human part"
assert_file_contains "$T/dsn" "part2=message/delivery-status" \
    "bounce: delivery-status part"
assert_file_contains "$T/dsn" "part3=text/rfc822-headers" \
    "bounce: headers part"
assert_file_contains "$T/dsn" "top.From=Mail Delivery System <MAILER-DAEMON@example.org>" \
    "bounce: From MAILER-DAEMON@domain"
assert_file_contains "$T/dsn" "top.Auto-Submitted=auto-replied" \
    "bounce: Auto-Submitted"
assert_file_contains "$T/dsn" "b0.Reporting-MTA=dns; example.org" \
    "bounce: Reporting-MTA"
assert_file_contains "$T/dsn" "b1.Final-Recipient=rfc822; bad@example.net" \
    "bounce: Final-Recipient"
assert_file_contains "$T/dsn" "b1.Action=failed" "bounce: Action"
assert_file_contains "$T/dsn" "b1.Status=5.1.1" "bounce: Status"
assert_file_contains "$T/dsn" "b1.Remote-MTA=dns; 127.0.0.1" \
    "bounce: Remote-MTA"
assert_file_contains "$T/dsn" "b1.Diagnostic-Code=smtp; 550 5.1.1 <bad@example.net>: Recipient address rejected: User unknown" \
    "bounce: Diagnostic-Code"
assert_file_not_contains "$T/dsn" "b2." "bounce: only the refused recipient"
assert_file_contains "$T/dsn" "X-Marker: 42" "bounce: original headers"
assert_file_not_contains "$(smtpcheck eml "$D" "$BOUNCE")" "THE BODY" \
    "bounce: not the original body"
assert_file_not_contains "$(smtpcheck eml "$D" "$BOUNCE")" "$CFG" \
    "bounce: no config text"

q_run -q
assert_msg_count "$D" 3 "a further run sends nothing (bounced once)"
stop_server f1

# ---- -oep: the exit code tells, no bounce; the temp one is still queued
PORT=$(start_fault f2 --script "$T/script.json")
q_config "$PORT"
run_sendsmtp -oep -i -f alice@example.com good@example.net temp@example.net \
    bad@example.net <"$T/msg"
assert_rc 67 "-oep: exit 67 (unknown user)"
assert_queue_len 1 "-oep: only the retry is queued, no bounce"
q_run -q
assert_msg_count "$T/f2" 2 "-oep: retry delivered, no bounce sent"
assert_eq "$(msg_field "$T/f2" 2 rcpt_tos)" "temp@example.net" \
    "-oep: the retry is for temp alone"
stop_server f2

# ---- every recipient refused: nothing queued; -oem / -oee mail a report
# at once (issue 5); one the smarthost cannot take now stays queued
PORT=$(start_fault f4 --scenario rcpt_by_name)
q_config "$PORT"
run_sendsmtp -i -f alice@example.com bad@example.net <"$T/msg"
assert_rc 67 "all refused: exit 67"
assert_queue_len 0 "all refused: nothing queued, no bounce"
assert_msg_count "$T/f4" 0 "all refused: no report without -oe"
run_sendsmtp -oem -i -f alice@example.com bad@example.net <"$T/msg"
assert_rc 67 "all refused, -oem: exit 67 still"
assert_queue_len 0 "all refused, -oem: the report is not left queued"
assert_msg_count "$T/f4" 1 "all refused, -oem: the report was mailed"
assert_eq "$(msg_field "$T/f4" 1 mail_from)" "" "-oem: the report has <>"
assert_eq "$(msg_field "$T/f4" 1 rcpt_tos)" "alice@example.com" \
    "-oem: the report goes to the sender"
run_sendsmtp -oee -i -f alice@example.com bad@example.net <"$T/msg"
assert_rc 0 "all refused, -oee: exit 0 once the report is mailed"
assert_msg_count "$T/f4" 2 "all refused, -oee: the report was mailed"
stop_server f4
PORT=$(start_fault f5 --scenario rcpt_by_name --rcpt 'alice*=450 4.2.1 busy')
q_config "$PORT"
run_sendsmtp -oee -i -f alice@example.com bad@example.net <"$T/msg"
assert_rc 0 "-oee, report deferred: exit 0 once the report is queued"
assert_queue_len 1 "-oee, report deferred: it waits in the queue"
assert_eq "$(q_field "$(q_ids)" Sender)" "" "the queued report has <>"
rm -f "$QD"/*
stop_server f5

# ---- a bounce the smarthost refuses is logged and dropped, not looped
cat >"$T/refuse.json" <<'EOF'
{"rcpt": {"*": "250 2.1.5 OK",
          "bad*": "550 5.1.1 User unknown",
          "alice*": "550 5.1.1 no such sender mailbox"}}
EOF
PORT=$(start_fault f3 --script "$T/refuse.json")
q_config "$PORT"
run_sendsmtp -i -f alice@example.com good@example.net bad@example.net <"$T/msg"
assert_rc 0 "refused bounce: submission exit 0"
assert_queue_len 1 "refused bounce: the bounce is queued"
q_run -q
assert_queue_len 0 "refused bounce: dropped after the refusal"
assert_msg_count "$T/f3" 1 "refused bounce: nothing else accepted"
assert_file_contains "$T/sendsmtp.log" "no bounce for the failed recipients" \
    "refused bounce: logged"
stop_server f3

# ---- the server hangs up between messages: the run reconnects at once
PORT=$(start_fault f5 --set 'rset={"per_conn": ["close", "250 2.0.0 OK"]}')
q_config "$PORT"
run_sendsmtp -odq -i one@example.net <"$T/msg"
run_sendsmtp -odq -i two@example.net <"$T/msg"
run_sendsmtp -odq -i three@example.net <"$T/msg"
assert_queue_len 3 "hang-up: three entries queued"
q_run -q
assert_rc 0 "hang-up: -q exit 0"
assert_empty "$T/err" "hang-up: nothing deferred, nothing said"
assert_queue_len 0 "hang-up: all delivered in this run"
assert_msg_count "$T/f5" 3 "hang-up: three messages, none twice"
assert_eq "$(msg_field "$T/f5" 1 conn) $(msg_field "$T/f5" 2 conn) $(msg_field "$T/f5" 3 conn)" \
    "1 2 2" "hang-up: a new connection after the first one died"
stop_server f5

# ---- 452 too many recipients: more transactions in the same session
PORT=$(start_rcptlimit lim 2)
q_config "$PORT"
run_sendsmtp -i r1@example.net r2@example.net r3@example.net \
    r4@example.net r5@example.net <"$T/msg"
assert_rc 0 "452: exit 0"
assert_empty "$T/err" "452: nothing on stderr"
assert_queue_len 0 "452: nothing queued"
assert_msg_count "$T/lim" 3 "452: three transactions"
assert_eq "$(msg_field "$T/lim" 1 rcpt_tos | tr '\n' ' ')" \
    "r1@example.net r2@example.net " "452: first transaction"
assert_eq "$(msg_field "$T/lim" 2 rcpt_tos | tr '\n' ' ')" \
    "r3@example.net r4@example.net " "452: second transaction"
assert_eq "$(msg_field "$T/lim" 3 rcpt_tos | tr '\n' ' ')" \
    "r5@example.net " "452: third transaction"
assert_eq "$(msg_field "$T/lim" 1 conn) $(msg_field "$T/lim" 3 conn)" \
    "1 1" "452: one session"
stop_server lim
PORT=$(start_rcptlimit lim0 0)
q_config "$PORT"
run_sendsmtp -i r1@example.net <"$T/msg"
assert_rc 0 "452 to every recipient: queued, exit 0"
assert_stderr_one_line 'queued as .*452 4\.5\.3'
assert_queue_len 1 "452 to every recipient: one entry"
finish
