#!/bin/sh
# t_queue_basic: the spool end to end (issue 4).  Smarthost down -> exit 0,
# one stderr line, listed by mailq; smarthost back -> -q delivers exactly
# once over one session and mailq is empty; -odq and -odb; -bP; stale
# temp files and corrupt entries; the periodic mode skips what is not due.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/queue_lib.sh"
require_sendsmtp
require_aiosmtpd

PORT=$(dead_port)
q_config "$PORT"
printf 'Subject: queued one\n\nline one\n.leading dot\n' >"$T/msg"

# ---- smarthost down: hybrid queues and says so once
run_sendsmtp -i -f alice@example.com bob@example.net <"$T/msg"
assert_rc 0 "smarthost down: exit 0 (queued)"
assert_stderr_one_line 'queued as [0-9A-Za-z]+: .*connect.*will retry'
assert_empty "$T/out" "nothing on stdout"
assert_queue_len 1 "one entry in the spool"
ID=$(q_ids)
assert_eq "$(q_field "$ID" Attempts)" 1 "the failed attempt is recorded"
NEXT=$(q_field "$ID" Next-Attempt)
NOW=$(date +%s)
[ "$NEXT" -gt "$NOW" ] || fail "Next-Attempt $NEXT is not in the future"
pass "next attempt is in the future"
assert_eq "$(stat -c %a "$QD/$ID.env") $(stat -c %a "$QD/$ID.msg")" \
    "640 640" "entry files are 0640"
assert_eq "$(q_tmp_len)" 0 "nothing left in tmp/"

q_run -bp
assert_rc 0 "mailq: exit 0"
assert_file_contains "$T/out" "$ID" "mailq shows the ID"
assert_file_contains "$T/out" "alice@example.com" "mailq shows the sender"
assert_file_contains "$T/out" "deferred  bob@example.net" \
    "mailq shows the recipient as deferred"
assert_file_contains "$T/out" "1 attempt, next in" "mailq shows the retry"
assert_file_contains "$T/out" "Connection refused" "mailq shows the error"
assert_file_contains "$T/out" "in 1 Request." "mailq total line"
q_run -bP
assert_eq "$(cat "$T/out")" 1 "-bP counts 1"

# ---- the periodic run leaves a not-yet-due entry alone
q_run --periodic
assert_rc 0 "--periodic: exit 0"
assert_eq "$(q_field "$ID" Attempts)" 1 "--periodic: not due, not tried"

# ---- -odq: committed, no connection attempt at all
printf 'Subject: second\n\nsecond body\n' >"$T/msg2"
run_sendsmtp -odq -i -f alice@example.com carol@example.net <"$T/msg2"
assert_rc 0 "-odq: exit 0"
assert_empty "$T/err" "-odq: silent"
assert_queue_len 2 "-odq: two entries"

# ---- a stale temp file and an unparseable entry
printf 'junk' >"$T/spool/tmp/msg.stale"
touch -d '2 days ago' "$T/spool/tmp/msg.stale"
printf 'junk' >"$T/spool/tmp/msg.young"
printf 'not an envelope\n' >"$QD/0BADBADBAD.env"
printf 'x' >"$QD/0BADBADBAD.msg"
chmod 0600 "$QD/0BADBADBAD.env" "$QD/0BADBADBAD.msg"

# ---- smarthost back: -q delivers each exactly once over one session
start_capture cap --port "$PORT" >/dev/null
D=$T/cap
q_run -q
assert_rc 0 "-q: exit 0"
assert_stderr_one_line '0BADBADBAD is unusable.*moved it to .*corrupt/'
assert_msg_count "$D" 2 "-q: both messages delivered"
assert_eq "$(msg_field "$D" 1 conn)" "$(msg_field "$D" 2 conn)" \
    "-q: one SMTP session for both"
i=1
while [ $i -le 2 ]; do
	case $(msg_header "$D" $i Subject) in
	"queued one")
		assert_eq "$(msg_field "$D" $i rcpt_tos)" "bob@example.net" \
		    "first message: recipient"
		assert_eq "$(msg_field "$D" $i mail_from)" "alice@example.com" \
		    "first message: sender"
		msg_body "$D" $i >"$T/got"
		printf 'line one\r\n.leading dot\r\n' >"$T/want"
		cmp -s "$T/got" "$T/want" || fail "body changed in the queue"
		pass "first message: body intact"
		;;
	second)
		assert_eq "$(msg_field "$D" $i rcpt_tos)" "carol@example.net" \
		    "second message: recipient"
		;;
	*)	fail "unexpected message $i" ;;
	esac
	i=$((i + 1))
done
assert_queue_len 0 "-q: spool empty"
assert_no_file "$T/spool/tmp/msg.stale" "-q removed the stale temp file"
[ -e "$T/spool/tmp/msg.young" ] || fail "-q removed a young temp file"
pass "-q kept the young temp file"
assert_eq "$(ls "$T/spool/corrupt" | tr '\n' ' ')" \
    "0BADBADBAD.env 0BADBADBAD.msg " "-q moved the bad entry to corrupt/"
rm -f "$T/spool/tmp/msg.young"
q_run -bp
assert_eq "$(cat "$T/out")" "Mail queue is empty" "mailq: empty afterwards"
q_run -bP
assert_eq "$(cat "$T/out")" 0 "-bP: 0"
q_run -q
assert_msg_count "$D" 2 "a second -q sends nothing again"

# ---- -odb: exit 0 at once, a detached process delivers
run_sendsmtp -odb -i -f alice@example.com dave@example.net <"$T/msg2"
assert_rc 0 "-odb: exit 0"
assert_empty "$T/err" "-odb: silent"
wait_msgs "$D" 3 10
assert_eq "$(msg_field "$D" 3 rcpt_tos)" "dave@example.net" \
    "-odb: delivered in the background"
i=0
while [ "$(q_len)" != 0 ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
assert_queue_len 0 "-odb: entry removed after delivery"

# ---- no spool at all: mailq and -bP still answer
sed -i "s|^queue_dir .*|queue_dir $T/nospool|" "$CFG"
q_run -bp
assert_eq "$RC $(cat "$T/out")" "0 Mail queue is empty" "no spool: mailq"
q_run -bP
assert_eq "$RC $(cat "$T/out")" "0 0" "no spool: -bP"
q_run -q
assert_rc 0 "no spool: -q is a no-op"
finish
