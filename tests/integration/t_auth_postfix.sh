#!/bin/sh
# t_auth_postfix: AUTH against a real Postfix with Cyrus SASL on sasldb2
# (relaying only for authenticated clients, so a delivered message
# proves AUTH worked): PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256
# and "auth on" (picks SCRAM-SHA-256) in plaintext (auth_plaintext on),
# over STARTTLS and over implicit TLS; password, password_file and
# passwordeval sources; a wrong password is a temporary failure with the
# worded 535 line; an insecure password_file is refused; the password,
# plain or base64, is never in the -v transcript, the log or the spool.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/pki.sh"
require_sendsmtp
require_aiosmtpd
require_root
require_cmd postfix saslpasswd2 base64 certtool

PASS='S3cret pass+/='
MECHS="PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256"
pki_make "$T/pki"
P=$T/pki
CAP=$(start_capture cap)
postfix_prepare sasl "$CAP" \
    "smtpd_tls_cert_file = $P/good.pem" \
    "smtpd_tls_key_file = $P/good.key" \
    "smtpd_tls_security_level = may"
SMTPS=$(freeport)
printf '127.0.0.1:%s inet n - n - - smtpd\n  -o smtpd_tls_wrappermode=yes\n' \
    "$SMTPS" >>"$T/pf-sasl/conf/master.cf"
postfix_enable_sasl sasl alice "$PASS" "$MECHS"
PF=$(postfix_run sasl)
wait_port "$SMTPS" 10 || fail "postfix smtps listener on $SMTPS"
LOG=$T/pf-sasl/maillog
printf 'Subject: auth\n\nbody\n' >"$T/msg"
n=0

# auth_tempfail WHAT: refused for now: 75, or 0 with "queued" (hybrid).
auth_tempfail()
{
	case $RC in
	75)	pass "$1: exit 75" ;;
	0)	grep -q -i queued "$T/err" || fail "$1: exit 0, not queued"
		pass "$1: queued for later" ;;
	*)	fail "$1: exit $RC, want 75 or 0+queued" ;;
	esac
}

# sent WHAT MECH: delivered, relayed, and the newest AUTH Postfix logged
# is a new one, with MECH.
AUTHS=0
sent()
{
	assert_rc 0 "$1: exit 0"
	n=$((n + 1))
	wait_msgs "$T/cap" "$n" 20
	pass "$1: relayed by Postfix"
	_c=$(grep -c "sasl_method=" "$LOG" || true)
	[ "$_c" -gt "$AUTHS" ] || fail "$1: Postfix logged no new AUTH"
	AUTHS=$_c
	grep "sasl_method=" "$LOG" | tail -n 1 | grep -q "sasl_method=$2," ||
	    fail "$1: Postfix's last AUTH was not $2"
	pass "$1: Postfix authenticated alice with $2"
}

# no_secret WHAT: the password is nowhere, plain or base64 (alone and in
# the PLAIN response).
no_secret()
{
	_b1=$(printf '%s' "$PASS" | base64 -w0)
	_b2=$(printf '\000alice\000%s' "$PASS" | base64 -w0)
	for _f in "$T/err" "$T/sendsmtp.log" $(find "$T/spool" -type f); do
		[ -f "$_f" ] || continue
		for _s in "$PASS" "$_b1" "$_b2"; do
			assert_file_not_contains "$_f" "$_s" \
			    "$1: no password form in ${_f#"$T"/}"
		done
	done
}

# -- plaintext (auth_plaintext on): every mechanism, forced
for m in $MECHS; do
	write_config "$PF" "auth $m" "user alice" "password \"$PASS\"" \
	    "auth_plaintext on"
	run_sendsmtp -v -i rcpt@example.com <"$T/msg"
	sent "plaintext $m" "$m"
	case $m in
	PLAIN|SCRAM-*)	assert_file_contains "$T/err" "-> AUTH $m <redacted>" \
			    "$m: initial response sent, redacted" ;;
	*)		assert_file_contains "$T/err" "-> AUTH $m" "$m: AUTH sent" ;;
	esac
	no_secret "plaintext $m"
done

# -- auth on: the strongest common mechanism
write_config "$PF" "auth on" "user alice" "password \"$PASS\"" \
    "auth_plaintext on"
run_sendsmtp -v -i rcpt@example.com <"$T/msg"
sent "auth on" SCRAM-SHA-256
assert_file_contains "$T/err" "-> AUTH SCRAM-SHA-256 <redacted>" \
    "auth on picks SCRAM-SHA-256"

# -- password_file and passwordeval
printf '%s\n' "$PASS" >"$T/pw"
chmod 0600 "$T/pw"
write_config "$PF" "auth CRAM-MD5" "user alice" "password_file $T/pw" \
    "auth_plaintext on"
run_sendsmtp -i rcpt@example.com <"$T/msg"
sent "password_file" CRAM-MD5
printf '#!/bin/sh\nprintf "%%s\\n" "%s"\n' "$PASS" >"$T/pw.sh"
chmod 0700 "$T/pw.sh"
write_config "$PF" "auth SCRAM-SHA-1" "user alice" "passwordeval $T/pw.sh" \
    "auth_plaintext on"
run_sendsmtp -i rcpt@example.com <"$T/msg"
sent "passwordeval" SCRAM-SHA-1
chmod 0644 "$T/pw"
write_config "$PF" "auth PLAIN" "user alice" "password_file $T/pw" \
    "auth_plaintext on"
run_sendsmtp -i rcpt@example.com <"$T/msg"
auth_tempfail "world-readable password_file"
assert_file_contains "$T/err" "chmod 0640" "insecure password_file: the fix"
rm -rf "$T/spool"

# -- a wrong password: temporary, worded, nothing relayed
for m in PLAIN SCRAM-SHA-256; do
	write_config "$PF" "auth $m" "user alice" "password wrong-one" \
	    "auth_plaintext on"
	run_sendsmtp -v -i rcpt@example.com <"$T/msg"
	auth_tempfail "wrong password ($m)"
	# the facts, then the error catalogue's cause and fix (issue 6)
	assert_file_contains "$T/err" "535 5.7.8 from 127.0.0.1: the server rejected the credentials of user alice" \
	    "wrong password ($m): worded 535 line"
	assert_file_contains "$T/err" "wrong user name or password: check \"user\" and the password source. If the account uses two-factor authentication, use an app password or OAuth2" \
	    "wrong password ($m): the catalogue's advice"
	assert_msg_count "$T/cap" "$n" "wrong password ($m): nothing relayed"
	assert_file_not_contains "$T/err" "wrong-one" "wrong password ($m): not shown"
	rm -rf "$T/spool"
done

# -- plaintext without auth_plaintext: refused before anything is sent
write_config "$PF" "auth PLAIN" "user alice" "password \"$PASS\""
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 78 "tls off without auth_plaintext: configuration refused"
assert_file_contains "$T/err" "auth_plaintext on" "tls off: the fix is named"

# -- STARTTLS and implicit TLS: every mechanism over both
for mode in starttls smtps; do
	port=$PF
	[ "$mode" = smtps ] && port=$SMTPS
	for m in $MECHS on; do
		write_tls_config "$port" "$mode" "tls_trust_file $P/ca.pem" \
		    "auth $m" "user alice" "password \"$PASS\""
		run_sendsmtp -v -i rcpt@example.com <"$T/msg"
		want=$m
		[ "$m" = on ] && want=SCRAM-SHA-256
		sent "$mode $m" "$want"
		assert_file_contains "$T/err" "[TLS: TLS1." "$mode $m: under TLS"
		no_secret "$mode $m"
	done
done
write_tls_config "$PF" starttls "tls_trust_file $P/ca.pem" "auth PLAIN" \
    "user alice" "password wrong-one"
run_sendsmtp -i rcpt@example.com <"$T/msg"
auth_tempfail "starttls wrong password"
assert_file_contains "$T/err" "535 5.7.8 from localhost: the server rejected the credentials of user alice" \
    "starttls wrong password: worded line"
finish
