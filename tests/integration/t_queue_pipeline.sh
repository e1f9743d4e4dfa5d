#!/bin/sh
# t_queue_pipeline: queue runs pipelined across messages (issue 7).  The
# final dot of one message shares a TCP read with the next message's
# RSET/MAIL/RCPT/DATA (capture_server.py numbers the reads), without
# PIPELINING it never does; a refused end-of-data of a pipelined message
# is recorded against that message, not its neighbour; a long queue is
# shared among parallel sessions and every entry is delivered once.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/queue_lib.sh"
require_sendsmtp
require_aiosmtpd

queue3()	# queue three messages, one recipient each
{
	for _r in one two three; do
		printf 'Subject: %s\n\nbody of %s\n.dot line\n' "$_r" "$_r" \
		    >"$T/msg"
		run_sendsmtp -odq -i "$_r@example.net" <"$T/msg"
		assert_rc 0 "queued $_r"
	done
}

# reads DIR: "dot_read(N) mail_read(N+1)" pairs for messages 1..3
reads()
{
	printf '%s=%s %s=%s' \
	    "$(msg_field "$1" 1 dot_read)" "$(msg_field "$1" 2 mail_read)" \
	    "$(msg_field "$1" 2 dot_read)" "$(msg_field "$1" 3 mail_read)"
}

# ---- PIPELINING: one session, each dot shares a read with the next MAIL
PORT=$(start_capture cap)
q_config "$PORT"
queue3
q_run -q
assert_rc 0 "pipelined run: exit 0"
assert_queue_len 0 "pipelined run: queue empty"
assert_msg_count "$T/cap" 3 "pipelined run: three messages, none twice"
assert_eq "$(msg_field "$T/cap" 1 conn) $(msg_field "$T/cap" 3 conn)" \
    "1 1" "pipelined run: one session"
R=$(reads "$T/cap")
case $R in
"0=0 "*|"1=1 "*|"2=2 "*|"3=3 "*|"4=4 "*|"5=5 "*|"6=6 "*)
	pass "message 1's dot and message 2's MAIL in one read ($R)" ;;
*)	fail "message 1's dot and message 2's MAIL in separate reads ($R)" ;;
esac
set -- $R
[ "${2%=*}" = "${2#*=}" ] ||
    fail "message 2's dot and message 3's MAIL in separate reads ($R)"
pass "message 2's dot and message 3's MAIL in one read"
# The RSET between messages travels in the same write as well.
assert_eq "$(grep -c '^RSET' "$T/cap/conn-0001.raw")" 2 \
    "pipelined run: RSET between messages"
for s in one two three; do
	grep -q "to=<$s@example.net>.*result=sent" "$T/sendsmtp.log" ||
	    fail "no 'sent' log line for $s"
done
pass "pipelined run: one 'sent' log line per message"
i=1
while [ $i -le 3 ]; do
	msg_body "$T/cap" $i | grep -q '^\.dot line' ||
	    fail "message $i: body changed"
	i=$((i + 1))
done
pass "pipelined run: bodies intact (dot-stuffing undone by the server)"
stop_server cap

# ---- no PIPELINING: the client waits for each reply
PORT=$(start_capture nop --no-pipelining)
q_config "$PORT"
queue3
q_run -q
assert_rc 0 "unpipelined run: exit 0"
assert_msg_count "$T/nop" 3 "unpipelined run: three messages"
set -- $(reads "$T/nop")
[ "${1%=*}" != "${1#*=}" ] && [ "${2%=*}" != "${2#*=}" ] ||
    fail "without PIPELINING a dot shared a read with the next MAIL ($*)"
pass "without PIPELINING each dot and the next MAIL are separate reads"
stop_server nop

# ---- every end-of-data refused with 451: each message deferred with it
PORT=$(start_fault f451 --scenario eod451)
q_config "$PORT"
queue3
q_run -q
assert_rc 0 "eod 451: exit 0"
assert_queue_len 3 "eod 451: all three kept"
for id in $(q_ids); do
	assert_eq "$(q_field "$id" Attempts)" 1 "eod 451: $id attempted once"
	q_field "$id" Last-Error | grep -q 451 ||
	    fail "eod 451: $id records no 451 ($(q_field "$id" Last-Error))"
done
pass "eod 451: each entry records its own 451"
assert_eq "$(grep -c 'result=deferred' "$T/sendsmtp.log")" 3 \
    "eod 451: three deferred log lines"
stop_server f451

# ---- every end-of-data refused for good: each message refused with its
# own reply (and bounced to its sender), none deferred
rm -f "$QD"/* "$T/sendsmtp.log"
PORT=$(start_fault f554 --scenario eod554)
q_config "$PORT"
queue3
q_run -q
assert_rc 0 "eod 554: exit 0"
for s in one two three; do
	grep -q "to=<$s@example.net>.*result=refused" "$T/sendsmtp.log" ||
	    fail "eod 554: no 'refused' log line for $s"
done
pass "eod 554: each message refused"
assert_eq "$(grep -c 'result=deferred' "$T/sendsmtp.log")" 0 \
    "eod 554: nothing deferred"
stop_server f554

# ---- a long queue: parallel sessions, each entry delivered exactly once
rm -f "$QD"/* "$T/sendsmtp.log"
PORT=$(start_capture par)
q_config "$PORT"
printf 'Subject: many\n\nbody\n' >"$T/msg"
N=140
run_sendsmtp -odq -i seed@example.net <"$T/msg"
"$PY" - "$QD" "$N" <<'EOF'
import os, sys
qd, n = sys.argv[1], int(sys.argv[2])
seed = [f[:-4] for f in os.listdir(qd) if f.endswith(".env")][0]
env = open(os.path.join(qd, seed + ".env")).read()
msg = open(os.path.join(qd, seed + ".msg"), "rb").read()
for ext in (".env", ".msg"):
    os.unlink(os.path.join(qd, seed + ext))
for i in range(n):
    qid = "P%09d" % i
    for ext, data, mode in ((".msg", msg, "wb"),
                            (".env", env.replace("seed@example.net",
                             "r%d@example.net" % i), "w")):
        path = os.path.join(qd, qid + ext)
        with open(path, mode) as f:
            f.write(data)
        os.chmod(path, 0o600)
EOF
assert_queue_len $N "$N entries queued"
q_run -q
assert_rc 0 "parallel run: exit 0"
assert_queue_len 0 "parallel run: every entry delivered"
assert_msg_count "$T/par" $N "parallel run: $N messages, none twice"
NC=$(cat "$T/par"/0*.json | grep '"conn"' | sort -u | wc -l)
[ "$NC" -ge 2 ] && [ "$NC" -le 4 ] ||
    fail "parallel run: $NC sessions, want 2 to 4"
pass "parallel run: $NC sessions"
assert_file_contains "$T/sendsmtp.log" "$N delivered" \
    "parallel run: the summary counts every worker's deliveries"
finish
