#!/bin/sh
# t_queue_crash: crash safety of the spool (issue 4).
#
# 1. SIGKILL at every system call of a submission (-odq, and hybrid with
#    the smarthost down): strace records the calls of a clean run; then,
#    for the k-th call (the j-th of its kind), a run is killed there with
#    "strace -e inject=NAME:signal=SIGKILL:when=j".  After each kill the
#    spool holds no entry or one complete entry: mailq (the strict
#    loader) reads it, and -q delivers it intact; never a half one.
# 2. SIGKILL of a queue run stalled at each SMTP stage: the next run
#    delivers the message exactly once.  (A kill after the final dot was
#    sent can duplicate the message if the server had accepted it; that
#    is documented in sendsmtp(8).  fault_server never accepts a stalled
#    message, so here it arrives once.)
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/queue_lib.sh"
require_sendsmtp
require_aiosmtpd
require_cmd strace
asan_under_ptrace

DEAD=$(dead_port)
CAP=$(start_capture cap)
D=$T/cap
q_config "$DEAD"
cp "$CFG" "$T/down.conf"
q_config "$CAP"
cp "$CFG" "$T/up.conf"
printf 'Subject: crash test\n\nline 1\nline 2\nENDMARK\n' >"$T/msg"
printf 'line 1\r\nline 2\r\nENDMARK\r\n' >"$T/want"

# A clean traced run must work under strace at all (ptrace may be denied).
CFG=$T/down.conf
if ! strace -f -qq -o "$T/probe" true 2>/dev/null; then
	skip "strace cannot trace here (ptrace not permitted)"
fi

DELIVERED=0
ENTRIES=0
EMPTY=0

# after_kill WHAT: the spool holds 0 or 1 complete entries; deliver one.
after_kill()
{
	_n=$(q_len)
	case $_n in
	0)	EMPTY=$((EMPTY + 1)) ;;
	1)	ENTRIES=$((ENTRIES + 1)) ;;
	*)	fail "$1: $_n entries after one submission" ;;
	esac
	CFG=$T/up.conf
	q_check_consistent
	if [ "$_n" = 1 ]; then
		q_run -q
		[ "$RC" = 0 ] || fail "$1: -q failed ($RC)"
		DELIVERED=$((DELIVERED + 1))
		_c=$(msg_count "$D")
		[ "$_c" = "$DELIVERED" ] ||
		    fail "$1: $_c messages at the server, want $DELIVERED"
		msg_body "$D" "$_c" >"$T/got"
		cmp -s "$T/got" "$T/want" || fail "$1: body not intact"
		[ "$(q_len)" = 0 ] || fail "$1: entry left after delivery"
	fi
	# Start the next round clean (tmp/ leftovers are allowed after a
	# crash: -q removes them after a day).
	rm -f "$T"/spool/tmp/* "$QD"/*.msg
	CFG=$T/down.conf
}

# kill_every_call NAME ARGS...: the whole sweep for one submission mode.
kill_every_call()
{
	_name=$1
	shift
	CFG=$T/down.conf
	strace -f -qq -o "$T/trace" "$SENDSMTP" -C "$CFG" "$@" <"$T/msg" \
	    >/dev/null 2>&1 || fail "$_name: the traced run failed"
	after_kill "$_name: clean run"
	# "PID name(" lines -> "name occurrence" for every call but the
	# last (exit_group cannot be interrupted usefully).
	sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' "$T/trace" |
	    awk '{ n[$1]++; print $1, n[$1] }' | sed '$d' >"$T/calls"
	_total=$(grep -c . "$T/calls")
	[ "$_total" -gt 50 ] || fail "$_name: only $_total calls traced"
	_k=0
	_killed=0
	while read -r _sc _j; do
		_k=$((_k + 1))
		[ "$_sc" = execve ] && continue
		set +e
		strace -f -qq -o /dev/null \
		    -e trace="$_sc" -e inject="$_sc":signal=SIGKILL:when="$_j" \
		    "$SENDSMTP" -C "$CFG" "$@" <"$T/msg" >/dev/null 2>&1
		_rc=$?
		set -e
		[ "$_rc" = 137 ] && _killed=$((_killed + 1))
		after_kill "$_name: SIGKILL at call $_k ($_sc #$_j, exit $_rc)"
	done <"$T/calls"
	pass "$_name: SIGKILL at each of $_total calls ($_killed killed): never a half entry"
}

kill_every_call "-odq" -odq -i bob@example.net
kill_every_call "hybrid, smarthost down" -i bob@example.net
[ "$ENTRIES" -gt 0 ] && [ "$EMPTY" -gt 0 ] ||
    fail "want both outcomes (entries $ENTRIES, empty $EMPTY)"
pass "kills before the commit left nothing ($EMPTY), after it one entry ($ENTRIES), each delivered once"

# ---- SIGKILL of a runner stalled at each SMTP stage
n=0
for stage in greeting ehlo mail rcpt data mid_data eod; do
	n=$((n + 1))
	case $stage in
	greeting) mark= ;;
	ehlo) mark='EHLO' ;;
	mail) mark='MAIL FROM' ;;
	rcpt) mark='RCPT TO' ;;
	data) mark='DATA' ;;
	mid_data) mark='Subject: crash' ;;
	eod) mark='ENDMARK' ;;
	esac
	FP=$(start_fault "s$n" --scenario "stall_$stage")
	q_config "$FP" 'timeout 30'
	run_sendsmtp -odq -i bob@example.net <"$T/msg"
	assert_rc 0 "$stage: queued"
	"$SENDSMTP" -C "$CFG" -q </dev/null >/dev/null 2>&1 &
	RUNNER=$!
	_w=0
	while [ ! -e "$T/s$n/conn-0001.raw" ]; do
		_w=$((_w + 1))
		[ $_w -lt 200 ] || fail "$stage: the runner did not connect"
		sleep 0.05
	done
	[ -z "$mark" ] || wait_file_contains "$T/s$n/conn-0001.raw" "$mark"
	sleep 0.2	# let the rest of a pipelined group arrive
	kill -KILL "$RUNNER"
	wait "$RUNNER" 2>/dev/null || true
	assert_queue_len 1 "$stage: the entry survives the kill"
	q_check_consistent
	stop_server "s$n"
	q_config "$CAP"
	_before=$(msg_count "$D")
	q_run -q
	assert_rc 0 "$stage: the next run succeeds"
	assert_eq "$(msg_count "$D")" "$((_before + 1))" \
	    "$stage: delivered exactly once by the next run"
	assert_queue_len 0 "$stage: spool empty"
done
finish
