#!/bin/sh
# t_auth_pipeline: AUTH PLAIN pipelined with the first MAIL..DATA group
# (RFC 4954 4, issue 7).  With PIPELINING the client sends MAIL, RCPT and
# DATA before the 235 arrives; without it, it waits.  A refused pipelined
# AUTH is a temporary failure with the worded 535 line, and no message
# data goes out even when the server answers 354; the rest of a queue run
# fails at once, over no further connection.  Server: fault_server.py.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/queue_lib.sh"
require_sendsmtp
printf 'Subject: auth\n\nbody\n' >"$T/msg"

# script NAME AUTHREPLY PIPELINING(0/1)
script()
{
	if [ "$3" = 1 ]; then
		_pl='"PIPELINING", '
	else
		_pl=
	fi
	cat >"$T/$1.json" <<EOF
{"auth": "$2",
 "extensions": [${_pl}"SIZE 10485760", "8BITMIME", "ENHANCEDSTATUSCODES",
                "AUTH PLAIN"]}
EOF
}

aconfig()	# PORT
{
	q_config "$1" "auth PLAIN" "auth_plaintext on" "user alice" \
	    "password secret"
}

# conn1 DIR KEY: connection 1's record KEY, one item a line (commands:
# the verb only; a list's length with KEY=len:NAME)
conn1()
{
	"$PY" - "$1/conn-0001.json" "$2" <<'EOF'
import json, sys
rec = json.load(open(sys.argv[1]))
key = sys.argv[2]
if key.startswith("len:"):
    print(len(rec[key[4:]]))
else:
    for item in rec[key]:
        print(item.split(" ")[0])
EOF
}

# ---- accepted: AUTH, MAIL, RCPT, DATA left in one group
script ok "235 2.7.0 Authentication successful" 1
PORT=$(start_fault ok --script "$T/ok.json")
aconfig "$PORT"
run_sendsmtp -v -i bob@example.net <"$T/msg"
assert_rc 0 "pipelined AUTH: delivered"
assert_msg_count "$T/ok" 1 "pipelined AUTH: one message"
# the transcript: MAIL, RCPT and DATA went out before the 235 was read
grep -n -e '^-> AUTH PLAIN' -e '<- 235' -e '^-> MAIL' -e '^-> DATA' \
    "$T/err" | cut -d: -f1 | tr '\n' ' ' >"$T/order"
set -- $(cat "$T/order")
[ $# -eq 4 ] || fail "transcript lines missing: $(cat "$T/order")"
grep -q '^-> AUTH PLAIN' "$T/err" && sed -n "$1p" "$T/err" |
    grep -q '^-> AUTH PLAIN' || fail "AUTH PLAIN not first"
sed -n "$2p" "$T/err" | grep -q '^-> MAIL' ||
    fail "MAIL did not follow AUTH at once: $(sed -n "$2p" "$T/err")"
sed -n "$4p" "$T/err" | grep -q '<- 235' ||
    fail "the 235 was read before DATA was sent"
pass "pipelined AUTH: AUTH MAIL RCPT DATA sent before the 235"
assert_file_not_contains "$T/err" "c2VjcmV0" \
    "pipelined AUTH: -v shows no credentials"
assert_file_contains "$T/sendsmtp.log" "authenticated to 127.0.0.1 as alice" \
    "pipelined AUTH: logged"
stop_server ok

# ---- no PIPELINING: AUTH waits for its reply
script nopl "235 2.7.0 Authentication successful" 0
PORT=$(start_fault nopl --script "$T/nopl.json")
aconfig "$PORT"
run_sendsmtp -i bob@example.net <"$T/msg"
assert_rc 0 "unpipelined AUTH: delivered"
assert_eq "$(conn1 "$T/nopl" len:pipelining_violations)" 0 \
    "unpipelined AUTH: nothing sent before a reply"
stop_server nopl

# ---- refused: worded, temporary, no data even after a 354
script bad "535 5.7.8 Error: authentication failed" 1
PORT=$(start_fault bad --script "$T/bad.json")
aconfig "$PORT"
run_sendsmtp -i bob@example.net <"$T/msg"
case $RC in
0|75)	pass "refused AUTH: temporary (exit $RC)" ;;
*)	fail "refused AUTH: exit $RC, want 75 or 0 (queued)" ;;
esac
assert_file_contains "$T/err" "535 5.7.8 from 127.0.0.1: the server rejected the credentials of user alice" \
    "refused AUTH: the worded 535 line"
assert_msg_count "$T/bad" 0 "refused AUTH: nothing delivered"
conn1 "$T/bad" commands >"$T/cmds"
assert_file_contains "$T/cmds" "MAIL" "refused AUTH: MAIL was pipelined"
assert_file_not_contains "$T/bad/conn-0001.json" "body bytes" \
    "refused AUTH: no body byte after the server's 354"
assert_eq "$(tail -n 1 "$T/cmds")" "DATA" \
    "refused AUTH: nothing after DATA"
rm -f "$QD"/*

# ---- a queue run after a refused pipelined AUTH: one connection only
run_sendsmtp -odq -i one@example.net <"$T/msg"
run_sendsmtp -odq -i two@example.net <"$T/msg"
q_run -q
assert_rc 0 "refused AUTH, -q: exit 0"
assert_queue_len 2 "refused AUTH, -q: both kept"
assert_no_file "$T/bad/conn-0003.json" "refused AUTH, -q: one connection"
for id in $(q_ids); do
	q_field "$id" Last-Error | grep -q "535 5.7.8" ||
	    fail "refused AUTH, -q: $id: $(q_field "$id" Last-Error)"
done
pass "refused AUTH, -q: each entry records the 535"
stop_server bad
finish
