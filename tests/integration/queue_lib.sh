# queue_lib.sh - spool helpers for tests/integration/t_queue_*.sh.
# Source it after lib.sh:
#   . "${top_srcdir:-.}/tests/integration/lib.sh"
#   . "$ITDIR/queue_lib.sh"
# The spool is $T/spool (write_config); $QD is its queue/ directory.

QD=$T/spool/queue

# q_config PORT [LINE...]: write_config with short timeouts for queue
# tests (later lines override write_config's).
q_config()
{
	_qp=$1
	shift
	write_config "$_qp" 'timeout 3' "$@"
}

# dead_port: a loopback port nothing listens on (connection refused at
# once); a server can be started on it later to "bring the smarthost
# back".
dead_port() { freeport; }

q_ids() { ls "$QD" 2>/dev/null | sed -n 's/\.env$//p' | sort; }
q_len() { q_ids | grep -c . || true; }
q_tmp_len() { ls -A "$T/spool/tmp" 2>/dev/null | grep -c . || true; }

# q_field ID KEY: the value of an envelope record ("Attempts" ...).
q_field()
{
	sed -n "s/^$2: //p; s/^$2:\$//p" "$QD/$1.env" | head -1
}

assert_queue_len()	# N DESCRIPTION
{
	assert_eq "$(q_len)" "$1" "$2"
}

# q_run ARGS...: run_sendsmtp without stdin (for -q, -bp, -bP).
q_run()
{
	run_sendsmtp "$@" </dev/null
}

# q_check_consistent: every ID.env has its ID.msg, mailq reads every
# entry (no "cannot be read"), and -bP agrees with the directory.
q_check_consistent()
{
	for _id in $(q_ids); do
		[ -f "$QD/$_id.msg" ] || fail "$_id.env without $_id.msg"
	done
	q_run -bp
	[ "$RC" = 0 ] || fail "mailq failed (exit $RC)"
	if grep -q 'cannot be read' "$T/out"; then
		fail "mailq lists an unreadable entry: $(grep 'cannot be read' "$T/out")"
	fi
	_n=$(q_len)
	if [ "$_n" = 0 ]; then
		grep -q '^Mail queue is empty$' "$T/out" ||
		    fail "empty spool but mailq says: $(head -3 "$T/out")"
	else
		grep -q "in $_n Request" "$T/out" ||
		    fail "mailq total does not say $_n: $(tail -1 "$T/out")"
	fi
}

# wait_file_contains FILE STRING [SECS]: poll until FILE holds STRING.
wait_file_contains()
{
	_w=0
	while ! grep -F -q -e "$2" "$1" 2>/dev/null; do
		_w=$((_w + 1))
		[ $_w -lt $((${3:-10} * 20)) ] ||
		    fail "timed out waiting for '$2' in $1"
		sleep 0.05
	done
}

# start_rcptlimit NAME MAX [capture options]: a capture server that
# answers 452 4.5.3 to every RCPT beyond MAX in a transaction.
start_rcptlimit()
{
	_rn=$1
	_rm=$2
	shift 2
	_start_server "$_rn" rcptlimit_server.py --log "$T/$_rn.log" \
	    --max-rcpt "$_rm" "$@"
}

# dsn_summary EML: the structure of a bounce as "key=value" lines, parsed
# by Python's email package (an independent MIME parser): ctype,
# report_type, nparts, partN=type, bJ.Field=value for every field of
# delivery-status block J (0 = per-message), hdrs=the returned headers
# with CRLF shown as "|".
dsn_summary()
{
	"$PY" - "$1" <<'PYEOF'
import email
import sys
from email import policy

with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=policy.compat32)
print("ctype=%s" % m.get_content_type())
print("report_type=%s" % m.get_param("report-type"))
for k in ("From", "To", "Subject", "Auto-Submitted"):
    print("top.%s=%s" % (k, m.get(k, "")))
parts = m.get_payload() if m.is_multipart() else []
print("nparts=%d" % len(parts))
for i, p in enumerate(parts):
    print("part%d=%s" % (i + 1, p.get_content_type()))
if len(parts) >= 2:
    for j, b in enumerate(parts[1].get_payload()):
        for k, v in b.items():
            print("b%d.%s=%s" % (j, k, " ".join(v.split())))
if len(parts) >= 3:
    print("hdrs=" + parts[2].get_payload().replace("\r\n", "|")
          .replace("\n", "|"))
PYEOF
}

# asan_under_ptrace: LeakSanitizer cannot run under ptrace (strace) or
# behind another LD_PRELOAD library (faketime); keep ASan's other checks.
asan_under_ptrace()
{
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:verify_asan_link_order=0"
	export ASAN_OPTIONS
}
