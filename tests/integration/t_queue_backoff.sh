#!/bin/sh
# t_queue_backoff: six days with the smarthost down, under faketime
# (issue 4).  The periodic run attempts the entry exactly when it is due
# and not before; the waits follow the documented curve (retry_min 5m
# doubling to retry_max 1h, +-10% jitter); after queue_lifetime (5d) one
# bounce is queued and the entry removed; the bounce (null sender) is
# never bounced itself, and arrives once when the smarthost is back.
# faketime is an LD_PRELOAD tool: it works on the build tree's binary,
# which is not setgid.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/queue_lib.sh"
require_sendsmtp
require_aiosmtpd
require_cmd faketime
asan_under_ptrace

export TZ=UTC
T0=1893456000				# 2030-01-01 00:00:00 UTC
LIFE=$((5 * 86400))
PORT=$(dead_port)
q_config "$PORT" 'retry_min 5m' 'retry_max 1h' 'queue_lifetime 5d'
printf 'Subject: backoff\n\nwaiting\n' >"$T/msg"

# at EPOCH ARGS...: run sendsmtp with the clock at EPOCH.
at()
{
	_at=$1
	shift
	: >"$T/out"
	: >"$T/err"
	set +e
	faketime -f "@$(date -u -d "@$_at" '+%Y-%m-%d %H:%M:%S')" \
	    "$SENDSMTP" -C "$CFG" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	set -e
}

probe=$(faketime -f '@2030-01-01 00:00:00' date +%s 2>/dev/null || true)
[ "$probe" = "$T0" ] || skip "faketime does not work here (got '$probe')"

at "$T0" -i -f alice@example.com bob@example.net <"$T/msg"
assert_rc 0 "submitted with the smarthost down: queued"
ID=$(q_ids)
[ -n "$ID" ] || fail "no entry"
prev=$T0
attempts=1
early=0
while [ -f "$QD/$ID.env" ]; do
	next=$(q_field "$ID" Next-Attempt)
	got=$(q_field "$ID" Attempts)
	[ "$got" = "$attempts" ] ||
	    fail "attempt count $got, want $attempts"
	want=$((300 << (attempts - 1 < 4 ? attempts - 1 : 4)))
	[ "$want" -gt 3600 ] && want=3600
	wait=$((next - prev))
	lo=$((want * 9 / 10 - 2))
	hi=$((want * 11 / 10 + 2))
	if [ "$wait" -lt "$lo" ] || [ "$wait" -gt "$hi" ]; then
		fail "after attempt $attempts: wait $wait s, want $want s +-10%"
	fi
	# A minute before it is due: nothing happens.
	if [ $((next - 60)) -gt "$prev" ]; then
		at $((next - 60)) --periodic
		[ "$(q_field "$ID" Attempts)" = "$attempts" ] ||
		    fail "attempted before Next-Attempt (attempt $attempts)"
		early=$((early + 1))
	fi
	at $((next + 1)) --periodic
	[ "$RC" = 0 ] || fail "--periodic exit $RC"
	prev=$((next + 1))
	attempts=$((attempts + 1))
	[ "$attempts" -lt 400 ] || fail "no end after 400 attempts"
done
pass "waits followed 5m, 10m, 20m, 40m, then 1h (+-10%) for $((attempts - 1)) attempts"
pass "no attempt before its time ($early early runs did nothing)"
age=$((prev - T0))
[ "$age" -ge "$LIFE" ] || fail "entry gone after $age s, before 5 days"
[ "$age" -lt $((LIFE + 4000)) ] || fail "entry kept $age s, past 5 days + 1h"
pass "expired after $age s (5 days = $LIFE s)"
# about 4 short waits then one an hour over 5 days: 110..130 attempts
[ "$attempts" -gt 110 ] && [ "$attempts" -lt 130 ] ||
    fail "$attempts attempts in 5 days, want about 120"
pass "$((attempts - 1)) attempts in 5 days"

assert_queue_len 1 "one entry left: the bounce"
B=$(q_ids)
assert_eq "$(q_field "$B" Sender)" "" "the bounce has the null sender"
assert_file_contains "$QD/$B.env" "Rcpt: pending 0 alice@example.com" \
    "the bounce goes to the sender"

# Through day 6: the bounce is retried, never bounced, nothing new.
t=$((prev + 3600))
while [ "$t" -le $((T0 + 6 * 86400)) ]; do
	at "$t" --periodic
	t=$((t + 3 * 3600))
done
assert_queue_len 1 "day 6: still exactly one entry (the bounce)"
assert_eq "$(q_ids)" "$B" "day 6: the same bounce"

CAP=$(start_capture cap --port "$PORT")
D=$T/cap
at $((T0 + 6 * 86400)) -q
assert_rc 0 "day 6, smarthost back: -q"
assert_msg_count "$D" 1 "exactly one message: the bounce"
assert_eq "$(msg_field "$D" 1 mail_from)" "" "bounce: null sender"
assert_eq "$(msg_field "$D" 1 rcpt_tos)" "alice@example.com" "bounce: to alice"
dsn_summary "$(smtpcheck eml "$D" 1)" >"$T/dsn"
assert_file_contains "$T/dsn" "b1.Final-Recipient=rfc822; bob@example.net" \
    "bounce: names bob"
assert_file_contains "$T/dsn" "b1.Action=failed" "bounce: Action failed"
assert_file_contains "$T/dsn" "b1.Status=4.4.7" "bounce: Status 4.4.7"
assert_file_contains "$T/dsn" "top.Subject=Undelivered Mail: delivery time expired" \
    "bounce: says it expired"
assert_file_contains "$T/dsn" "Subject: backoff" "bounce: original headers"
assert_queue_len 0 "spool empty"
finish
