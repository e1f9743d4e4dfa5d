#!/bin/sh
# t_diag_log: the delivery log (issue 6).  One greppable key=value line
# per attempt per message (queue ID, sender, recipients, size, relay,
# delay, result, the server's reply), from hybrid submissions and queue
# runs; a log file the caller cannot open never blocks delivery; the -v
# transcript redacts AUTH payloads (and nothing secret reaches the log).
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

printf 'Subject: log test\n\nbody\n' >"$T/msg"
LOG=$T/sendsmtp.log

# -- a delivered message: one line with every key
p=$(start_fault ok)
write_config "$p" 'from me@example.org'
run_sendsmtp -i bob@example.com carol@example.com <"$T/msg"
assert_rc 0 "delivered"
assert_empty "$T/err" "delivered: stderr is empty"
assert_eq "$(grep -c 'result=' "$LOG")" 1 "one attempt line"
line=$(grep 'result=' "$LOG")
for kv in 'id=NOQUEUE' 'from=<me@example.org>' \
    'to=<bob@example.com>,<carol@example.com>' 'nrcpt=2' 'size=' \
    "relay=127.0.0.1:$p" 'delay=' 'result=sent' \
    'reply="250 2.0.0 OK queued"'; do
	assert_contains "$line" " $kv" "the line has $kv"
done
assert_not_contains "$line" 'diag=' "no diag for a success"
# greppable: the values are single tokens or double-quoted
printf '%s\n' "$line" | sed 's/^[^]]*]: //' | "$PY" -c '
import shlex, sys
kv = dict(t.split("=", 1) for t in shlex.split(sys.stdin.read()))
assert kv["result"] == "sent" and kv["nrcpt"] == "2", kv
assert kv["reply"] == "250 2.0.0 OK queued", kv
float(kv["delay"])
' || fail "the line does not split into key=value pairs: $line"
pass "the line splits into key=value pairs"
stop_server ok

# -- deferred, then delivered by the queue runner: lines carry the ID
p=$(start_fault t1 --scenario greet421)
write_config "$p" 'from me@example.org'
: >"$LOG"
run_sendsmtp -i bob@example.com <"$T/msg"
assert_rc 0 "deferred: queued"
assert_contains "$(grep 'result=' "$LOG")" 'result=deferred' \
    "deferred: result=deferred"
assert_contains "$(grep 'result=' "$LOG")" 'reply="421 4.3.2 fault.test' \
    "deferred: the server's reply"
id=$(sed -n 's/.*queued as \([0-9A-Za-z]*\):.*/\1/p' "$T/err")
[ -n "$id" ] || fail "no queue ID on stderr"
stop_server t1
p2=$(start_fault t2)
sed -i "s/^port .*/port $p2/" "$CFG"
: >"$LOG"
run_sendsmtp -q </dev/null
assert_rc 0 "queue run"
assert_eq "$(grep -c 'result=' "$LOG")" 1 "queue run: one attempt line"
assert_contains "$(grep 'result=' "$LOG")" "id=$id " "queue run: the ID"
assert_contains "$(grep 'result=' "$LOG")" 'result=sent' "queue run: sent"
wait_msgs "$T/t2" 1
stop_server t2

# -- a log destination that cannot be opened never blocks delivery
p=$(start_fault nolog)
write_config "$p" 'from me@example.org' "log $T/no/such/dir/sendsmtp.log"
run_sendsmtp -i bob@example.com <"$T/msg"
assert_rc 0 "unwritable log: delivered anyway"
assert_stderr_one_line 'cannot open log file'
wait_msgs "$T/nolog" 1
stop_server nolog

# -- -v: the AUTH exchange is redacted, on stderr and in the log
EXT='["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN"]'
p=$(start_fault auth --set "extensions=$EXT" \
    --set 'auth=235 2.7.0 Authentication successful')
write_config "$p" 'from me@example.org' 'user alice@example.org' \
    'password s3cretpw' 'auth_plaintext on'
: >"$LOG"
run_sendsmtp -v -i bob@example.com <"$T/msg"
assert_rc 0 "-v with AUTH: delivered"
wait_msgs "$T/auth" 1
assert_file_contains "$T/err" "AUTH PLAIN <redacted>" "-v shows AUTH redacted"
assert_file_contains "$T/err" "-> MAIL FROM:<me@example.org>" \
    "-v shows the rest of the dialogue"
# what the server really got: the initial response, base64
b64=$(printf '\000alice@example.org\000s3cretpw' | base64 -w0)
assert_file_contains "$T/auth/conn-0001.raw" "AUTH PLAIN $b64" \
    "the server got the credentials"
for f in "$T/err" "$LOG"; do
	assert_file_not_contains "$f" "$b64" "$(basename "$f"): no payload"
	assert_file_not_contains "$f" "s3cretpw" "$(basename "$f"): no password"
done
stop_server auth
finish
