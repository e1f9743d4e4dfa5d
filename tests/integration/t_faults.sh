#!/bin/sh
# t_faults: scripted server faults -> sendsmtp's exit code and its ONE
# stderr line naming the cause (design.md 3 and 7, compat.md 2.4).
#
# A temporary failure is queued in hybrid mode: exit 0, and the stderr line
# says "queued as ID" with the cause; mailq then lists the message.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

printf 'Subject: fault test\n\nbody\n' >"$T/msg"
n=0

# fault SCENARIO WANT_RC ERE [fault_server options...] [-- sendsmtp args]
# Runs one message against a fresh fault server; checks the exit code, one
# stderr line matching ERE, and how many messages the server accepted.
# WANT_RC "queued" means a temporary failure: exit 0 and one queue entry.
fault()
{
	_sc=$1
	_want=$2
	_queued=0
	if [ "$_want" = queued ]; then
		_want=0
		_queued=1
	fi
	_re=$3
	shift 3
	_fo=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		_fo="$_fo $1"
		shift
	done
	[ $# -gt 0 ] && shift
	n=$((n + 1))
	# shellcheck disable=SC2086
	_port=$(start_fault "f$n" --scenario "$_sc" $_fo)
	write_config "$_port" 'timeout 2'
	_t0=$(date +%s)
	if [ $# -gt 0 ]; then
		run_sendsmtp "$@" <"$T/msg"
	else
		run_sendsmtp -i rcpt@example.com <"$T/msg"
	fi
	_el=$(($(date +%s) - _t0))
	assert_rc "$_want" "$_sc: exit code"
	assert_empty "$T/out" "$_sc: stdout is empty"
	if [ -n "$_re" ]; then
		assert_stderr_one_line "$_re"
	else
		assert_empty "$T/err" "$_sc: stderr is empty"
	fi
	if [ "$_queued" = 1 ]; then
		assert_file_contains "$T/err" 'queued as' "$_sc: queued"
		n_queued=$(ls "$T/spool/queue" | grep -c '\.env$' || true)
		[ "$n_queued" = 1 ] || fail "$_sc: $n_queued entries queued, want 1"
		rm -f "$T/spool/queue/"*
	fi
	if [ "$_el" -gt 15 ]; then
		fail "$_sc: took ${_el}s (timeout is 2s per stage)"
	fi
	stop_server "f$n"
	D=$T/f$n
}

fault greet421 queued '421|not available'
assert_msg_count "$D" 0 "greet421: nothing accepted"
fault greet554 queued '554|no smtp service'
fault ehlo421 queued '421|busy'
fault mail450 queued '450|temporarily'
fault mail550 69 '550|rejected'
assert_msg_count "$D" 0 "mail550: nothing accepted"
fault rcpt550 67 '5\.1\.1|unknown'
assert_msg_count "$D" 0 "rcpt550: nothing accepted"
fault rcpt554 69 '554|relay'
fault rcpt450 queued '450|busy'
fault data554 69 '554|no valid recipients'
fault data451 queued '451|try again'
fault eod451 queued '451|queue file'
fault eod552 65 '552|size'
fault eod554 69 '554|spam'
fault close_mid_data queued 'clos|lost|reset|eof|disconnect|connection'
assert_msg_count "$D" 0 "close mid-DATA: nothing accepted"
fault stall_greeting queued 'tim'
fault stall_mail queued 'tim'
fault stall_eod queued 'tim'

# Partial acceptance: one good, one unknown recipient.  Without -oe* the
# message went out, so exit 0 (compat.md 2.4) with the reject on stderr;
# with -oep exit 67.
fault rcpt_by_name 0 'bad@example\.com' -- -i good@example.com bad@example.com
assert_msg_count "$D" 1 "mixed: the message was accepted"
assert_eq "$(msg_field "$D" 1 rcpt_tos)" "good@example.com" \
    "mixed: for the good recipient"
fault rcpt_by_name 67 'bad@example\.com' -- -oep -i good@example.com \
    bad@example.com
assert_msg_count "$D" 1 "mixed -oep: the good recipient still got it"
fault rcpt_by_name 0 'bad@example\.com' -- -oem -i good@example.com \
    bad@example.com

# EHLO refused -> HELO, and then no ESMTP parameters and no pipelining.
fault ehlo500 0 ''
assert_msg_count "$D" 1 "ehlo500: delivered after HELO"
assert_eq "$(msg_field "$D" 1 helo_cmd)" "HELO" "ehlo500: HELO used"
assert_eq "$(msg_field "$D" 1 mail_options)" "" "ehlo500: no MAIL parameters"
assert_file_contains "$D/conn-0001.json" '"pipelining_violations": []' \
    "ehlo500: no pipelining after HELO"

# A server without PIPELINING gets one command at a time.
fault nopipelining 0 '' -- -i a@example.com b@example.com
assert_msg_count "$D" 1 "nopipelining: delivered"
assert_file_contains "$D/conn-0001.json" '"pipelining_violations": []' \
    "nopipelining: no command sent before the previous reply"

# Multi-line replies everywhere are fine.
fault multiline 0 ''
assert_msg_count "$D" 1 "multiline: delivered"
finish
