#!/bin/sh
# t_smuggling: SMTP smuggling (CVE-2023-51764/-51765/-51766).  Bodies with
# LF.LF, CR.CRLF and LF.CRLF followed by SMTP commands are sent with -i to
#   1. the capture server (raw bytes checked: no bare CR or LF on the wire),
#   2. a receiver that ends DATA at any of those sequences (as vulnerable
#      servers do): still exactly one message each time,
#   3. a private Postfix with smtpd_forbid_bare_newline = reject.
# Each time exactly one message arrives, for the real recipient only, and
# the fake commands are text inside its body.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

ME=$(id -un)@example.org
CAP=$(start_capture cap)
LEN=$(start_fault lenient --scenario lenient_eod)
PF=
if have_postfix; then
	CAP2=$(start_capture cap2)
	PF=$(postfix_start pf "$CAP2")
fi

# make_msg N SEP: the message for variant N, SEP given as printf escapes.
make_msg()
{
	{
		printf 'Subject: smuggle %s\n' "$1"
		printf 'To: rcpt@example.com\n\n'
		printf 'before the dot'
		printf "$2"
		printf 'MAIL FROM:<evil@example.net>\r\n'
		printf 'RCPT TO:<victim@example.net>\r\n'
		printf 'DATA\r\n'
		printf 'From: evil@example.net\r\nSubject: smuggled\r\n\r\n'
		printf 'evil body\r\n'
		printf '.\r\n'
		printf 'after the fake end\n'
	} >"$T/msg$1"
}

# check_one DIR SEQ WHAT: message SEQ is the only new one, for rcpt only,
# and carries the fake commands as text.
check_one()
{
	assert_eq "$(msg_field "$1" "$2" rcpt_tos)" "rcpt@example.com" \
	    "$3: only the real recipient"
	assert_eq "$(msg_field "$1" "$2" mail_from)" "$ME" "$3: real sender"
	assert_file_contains "$(msg_eml "$1" "$2")" "MAIL FROM:<evil@example.net>" \
	    "$3: fake MAIL is body text"
	assert_file_contains "$(msg_eml "$1" "$2")" "RCPT TO:<victim@example.net>" \
	    "$3: fake RCPT is body text"
	assert_file_contains "$(msg_eml "$1" "$2")" "after the fake end" \
	    "$3: the text after the fake end arrived"
}

n=0
for sep in '\n.\n' '\r.\r\n' '\n.\r\n' '\r\n.\r' '\r\n.\n'; do
	n=$((n + 1))
	make_msg $n "$sep"
	what="variant $n ($sep)"

	write_config "$CAP"
	run_sendsmtp -i rcpt@example.com <"$T/msg$n"
	assert_rc 0 "$what, capture: exit code"
	assert_msg_count "$T/cap" $n "$what, capture: exactly one message"
	check_one "$T/cap" $n "$what, capture"
	smtpcheck wirecheck "$(msg_raw "$T/cap" $n)" ||
	    fail "$what: bare CR or LF on the wire"
	pass "$what, capture: no bare CR or LF on the wire"

	write_config "$LEN"
	run_sendsmtp -i rcpt@example.com <"$T/msg$n"
	assert_rc 0 "$what, lenient receiver: exit code"
	assert_msg_count "$T/lenient" $n "$what, lenient receiver: one message"
	check_one "$T/lenient" $n "$what, lenient receiver"

	if [ -n "$PF" ]; then
		write_config "$PF"
		run_sendsmtp -i rcpt@example.com <"$T/msg$n"
		assert_rc 0 "$what, postfix: accepted (no bare LF rejection)"
		wait_msgs "$T/cap2" $n
		sleep 0.3	# a second (smuggled) message would show up now
		assert_msg_count "$T/cap2" $n "$what, postfix: exactly one message"
		check_one "$T/cap2" $n "$what, postfix"
	fi
done
if [ -n "$PF" ]; then
	assert_file_not_contains "$T/pf-pf/maillog" "bare <LF>" \
	    "postfix logged no bare LF"
fi
finish
