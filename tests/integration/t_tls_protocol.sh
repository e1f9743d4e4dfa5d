#!/bin/sh
# t_tls_protocol: "tls starttls" never sends mail in clear - STARTTLS
# stripped from EHLO, STARTTLS response injection - and protocol
# mismatches are named with the right setting: plaintext on an
# implicit-TLS port (suggest "tls starttls", 587), TLS on a STARTTLS port
# (suggest "tls smtps"), a TLS-1.0-only server (refused by default,
# allowed by tls_priorities).
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/pki.sh"
require_sendsmtp
require_aiosmtpd
pki_make "$T/pki"
P=$T/pki
printf 'Subject: tls protocol\n\nsecret body\n' >"$T/msg"
TRUST="tls_trust_file $P/ca.pem"

# expect_refused NAME ERE WHAT: sendsmtp queued/refused with one stderr
# line matching ERE, and the server NAME saw no MAIL and no body.
expect_refused()
{
	assert_tempfail "$3"
	if ! grep -E -i -q -e "$2" "$T/err"; then
		fail "$3: stderr does not match /$2/: $(cat "$T/err")"
	fi
	pass "$3: the reason is given in words"
	assert_no_mail "$T/$1" "$3"
	assert_file_not_contains "$T/$1/conn-0001.raw" "secret body" \
	    "$3: the body never reached the server"
}

# -- STARTTLS not advertised (stripped): nothing after EHLO
port=$(start_capture strip)
write_tls_config "$port" starttls "$TRUST"
run_sendsmtp -i rcpt@example.com <"$T/msg"
expect_refused strip 'does not offer STARTTLS \(possibly stripped by a middlebox\); refusing to send in clear.*tls off' \
    "STARTTLS stripped"
assert_eq "$(grep -c -a -v '^EHLO\|^QUIT' "$T/strip/conn-0001.raw" || true)" 0 \
    "STARTTLS stripped: nothing but EHLO (and QUIT) was sent"
stop_server strip

# -- STARTTLS response injection: "220 go ahead\r\n250 injected\r\n" in one
# segment; the forged line must not count and the session must end.
port=$(start_capture inj --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --starttls-inject)
write_tls_config "$port" starttls "$TRUST"
run_sendsmtp -i rcpt@example.com <"$T/msg"
expect_refused inj 'plaintext after its 220 reply to STARTTLS.*injection' \
    "STARTTLS response injection"
assert_file_contains "$T/inj/tls.log" "injected 1" \
    "injection: the server did send the forged line"
stop_server inj

# -- implicit TLS against a plaintext server: suggest starttls / 587
port=$(start_capture plain)
write_tls_config "$port" smtps "$TRUST"
run_sendsmtp -i rcpt@example.com <"$T/msg"
expect_refused plain 'answered in plaintext.*set "tls starttls" \(usually with port 587\)' \
    "smtps to a plaintext port"
stop_server plain

# -- STARTTLS against an implicit-TLS server: it waits for a ClientHello,
# so the greeting times out; suggest smtps
port=$(start_capture imp --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --smtps)
write_tls_config "$port" starttls "$TRUST" "timeout 2"
run_sendsmtp -i rcpt@example.com <"$T/msg"
expect_refused imp 'timed out.*greeting.*set "tls smtps"' \
    "starttls to an implicit-TLS port"
stop_server imp

# -- a TLS-1.0-only server is refused by default ...
port=$(start_capture old --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --smtps --tls-only-version 1.0)
write_tls_config "$port" smtps "$TRUST"
run_sendsmtp -i rcpt@example.com <"$T/msg"
expect_refused old 'older than 1\.2 \(protocol version mismatch\).*tls_priorities' \
    "TLS 1.0 server"
# ... and accepted when tls_priorities says so (the admin's choice)
write_tls_config "$port" smtps "$TRUST" \
    'tls_priorities NORMAL:-VERS-ALL:+VERS-TLS1.0'
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 0 "tls_priorities allowing TLS 1.0: delivered"
wait_msgs "$T/old" 1
assert_eq "$(msg_field "$T/old" 1 tls)" "TLSv1" \
    "tls_priorities: the session was TLS 1.0"
stop_server old

# -- a bad tls_priorities string is a clear error, nothing sent
port=$(start_capture prio --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --starttls)
write_tls_config "$port" starttls "$TRUST" 'tls_priorities NORMAL:+NOPE'
run_sendsmtp -i rcpt@example.com <"$T/msg"
expect_refused prio 'tls_priorities "NORMAL:\+NOPE" is not a valid' \
    "bad tls_priorities"
stop_server prio

finish
