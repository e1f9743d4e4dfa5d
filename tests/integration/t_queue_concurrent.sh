#!/bin/sh
# t_queue_concurrent: four "sendmail -q" runners at once over 200 queued
# entries (issue 4): the per-entry flock makes each message arrive
# exactly once, and the spool is empty afterwards.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/queue_lib.sh"
require_sendsmtp
require_aiosmtpd

N=${IT_QUEUE_N:-200}
CAP=$(start_capture cap)
D=$T/cap
q_config "$CAP"
i=1
while [ $i -le "$N" ]; do
	printf 'Subject: message %d\n\nbody %d\n' $i $i >"$T/msg"
	"$SENDSMTP" -C "$CFG" -odq -i "rcpt$i@example.net" <"$T/msg" ||
	    fail "queueing message $i failed"
	i=$((i + 1))
done
assert_queue_len "$N" "$N entries queued"

pids=
for r in 1 2 3 4; do
	"$SENDSMTP" -C "$CFG" -q </dev/null >"$T/runner$r.out" \
	    2>"$T/runner$r.err" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || fail "a runner failed: $(cat "$T"/runner*.err)"
done
pass "four runners finished"
assert_queue_len 0 "spool empty"
assert_msg_count "$D" "$N" "$N messages received"
"$PY" - "$D" "$N" <<'EOF' || fail "duplicates or missing messages"
import json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
seen = {}
conns = set()
for name in os.listdir(d):
    if name[:4].isdigit() and name.endswith(".json"):
        rec = json.load(open(os.path.join(d, name)))
        conns.add(rec["conn"])
        for r in rec["rcpt_tos"]:
            seen[r] = seen.get(r, 0) + 1
want = {"rcpt%d@example.net" % i for i in range(1, n + 1)}
dups = sorted(r for r, c in seen.items() if c != 1)
missing = sorted(want - set(seen))
print("# %d recipients, %d connections" % (len(seen), len(conns)))
if dups or missing:
    print("duplicates:", dups[:10], "missing:", missing[:10])
    sys.exit(1)
EOF
pass "each of the $N messages received exactly once"
if grep -h 'queue run:' "$T/sendsmtp.log" | grep -q ' busy'; then
	pass "runners met busy entries and skipped them (logged)"
fi
finish
