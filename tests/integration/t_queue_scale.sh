#!/bin/sh
# t_queue_scale: 10 000 queued entries (issue 4).  mailq, -bP, a periodic
# run with the smarthost down (every entry deferred) and -q delivering
# all of them to a fast sink run in bounded memory and time; the numbers
# (from /usr/bin/time -v) are printed as "# ..." lines.  Memory must not
# grow with the queue: each run's peak RSS is compared with the same run
# over 10 entries.  IT_QUEUE_SCALE=N changes the size.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/queue_lib.sh"
require_sendsmtp
require_cmd smtp-sink
[ -x /usr/bin/time ] || skip "/usr/bin/time (GNU time) is not installed"

N=${IT_QUEUE_SCALE:-10000}
# ASan keeps freed memory in quarantine: RSS says nothing there.
SLACK=4096
if grep -q __asan_init "$SENDSMTP" 2>/dev/null; then
	SLACK=1048576
	printf '# ASan build: memory bounds not checked\n'
fi
DEAD=$(dead_port)
q_config "$DEAD" 'log off'
printf 'Subject: scale\n\nbody\n' >"$T/msg"

# fill COUNT: COUNT entries cloned from one real commit (sendsmtp -odq
# takes ~5 ms each; cloning the two files is what a busy host would
# have produced anyway).
fill()
{
	rm -f "$QD"/*
	run_sendsmtp -odq -i bob@example.net <"$T/msg"
	assert_rc 0 "seed entry queued"
	"$PY" - "$QD" "$1" <<'EOF'
import os, sys
qd, n = sys.argv[1], int(sys.argv[2])
seed = [f[:-4] for f in os.listdir(qd) if f.endswith(".env")][0]
env = open(os.path.join(qd, seed + ".env")).read()
msg = open(os.path.join(qd, seed + ".msg"), "rb").read()
os.unlink(os.path.join(qd, seed + ".env"))
os.unlink(os.path.join(qd, seed + ".msg"))
for i in range(n):
    qid = "S%09d" % i
    for ext, data, mode in ((".msg", msg, "wb"),
                            (".env", env.replace("bob@example.net",
                             "rcpt%d@example.net" % i), "w")):
        p = os.path.join(qd, qid + ext)
        with open(p, mode) as f:
            f.write(data)
        os.chmod(p, 0o640)
EOF
	assert_queue_len "$1" "$1 entries in the spool"
}

# measure LABEL ARGS...: run sendsmtp under /usr/bin/time -v; sets RSS
# (KiB) and SECS, prints them.
measure()
{
	_label=$1
	shift
	set +e
	/usr/bin/time -v -o "$T/time" "$SENDSMTP" -C "$CFG" "$@" </dev/null \
	    >"$T/out" 2>"$T/err"
	RC=$?
	set -e
	RSS=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time")
	SECS=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' \
	    "$T/time")
	printf '# %-34s %6s KiB max RSS, %s elapsed\n' "$_label:" "$RSS" \
	    "$SECS"
}

# Baselines over 10 entries.
fill 10
measure "mailq, 10 entries" -bp
BASE_LIST=$RSS
measure "--periodic, down, 10 entries" --periodic
BASE_RUN=$RSS

fill "$N"
measure "mailq, $N entries" -bp
assert_rc 0 "mailq: exit 0"
assert_file_contains "$T/out" "in $N Requests." "mailq lists all $N"
[ "$RSS" -lt $((BASE_LIST + SLACK)) ] ||
    fail "mailq RSS $RSS KiB over $N entries, $BASE_LIST KiB over 10"
pass "mailq memory does not grow with the queue ($BASE_LIST -> $RSS KiB)"
measure "-bP, $N entries" -bP
assert_eq "$(cat "$T/out")" "$N" "-bP counts $N"

measure "--periodic, down, $N entries" --periodic
assert_rc 0 "--periodic: exit 0"
[ "$RSS" -lt $((BASE_RUN + SLACK)) ] ||
    fail "--periodic RSS $RSS KiB over $N entries, $BASE_RUN KiB over 10"
pass "runner memory bounded with the smarthost down ($BASE_RUN -> $RSS KiB)"
assert_eq "$(q_field S000000001 Attempts)" 1 "every entry deferred once"

# Bring the smarthost back: a fast sink (Postfix's smtp-sink).
SINK=$(freeport)
smtp-sink -u nobody -c "127.0.0.1:$SINK" 256 >"$T/sink.out" 2>&1 &
SINK_PID=$!
trap '_q_rc=$?; set +e; kill "$SINK_PID" 2>/dev/null || true; (exit $_q_rc); _it_cleanup' EXIT
wait_port "$SINK" 10 || fail "smtp-sink did not start"
sed -i "s/^port .*/port $SINK/" "$CFG"
sed -i 's/^log off$/log '"$(printf '%s' "$T" | sed 's/[\/&]/\\&/g')"'\/sendsmtp.log/' "$CFG"
measure "-q, $N entries delivered" -q
assert_rc 0 "-q: exit 0"
[ "$RSS" -lt $((BASE_RUN + SLACK)) ] ||
    fail "-q RSS $RSS KiB over $N entries, $BASE_RUN KiB over 10"
pass "-q memory bounded ($RSS KiB)"
assert_queue_len 0 "-q delivered every entry"
assert_file_contains "$T/sendsmtp.log" "$N delivered" \
    "-q: the run says $N delivered"
kill "$SINK_PID" 2>/dev/null || true
wait "$SINK_PID" 2>/dev/null || true
tr '\r' '\n' <"$T/sink.out" | grep 'mesg=' | tail -1 | sed 's/^/# smtp-sink: /'
finish
