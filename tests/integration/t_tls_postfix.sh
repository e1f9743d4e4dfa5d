#!/bin/sh
# t_tls_postfix: the real smarthost - a private Postfix with STARTTLS on
# its submission port and implicit TLS on a second port, asking for a
# client certificate.  sendsmtp delivers over both with a verified server
# certificate, presents its client certificate, and Postfix's Received:
# header (relayed to a capture server) proves the TLS session.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/pki.sh"
require_sendsmtp
require_aiosmtpd
have_postfix || skip "needs root and postfix"
pki_make "$T/pki"
P=$T/pki

sink=$(start_capture sink)
pf=$(postfix_start tls "$sink")
sport=$(postfix_enable_tls tls "$P/good.pem" "$P/good.key" "$P/ca.pem")
CLIENT="tls_cert_file $P/client.pem"
CKEY="tls_key_file $P/client.key"

# -- STARTTLS with a client certificate
printf 'Subject: postfix starttls\n\nvia STARTTLS\n' >"$T/msg1"
write_tls_config "$pf" starttls "tls_trust_file $P/ca.pem" "$CLIENT" "$CKEY"
run_sendsmtp -i rcpt@example.com <"$T/msg1"
assert_rc 0 "postfix STARTTLS: delivered"
assert_empty "$T/err" "postfix STARTTLS: stderr is empty"

# -- implicit TLS, by IP address
printf 'Subject: postfix smtps\n\nvia SMTPS\n' >"$T/msg2"
write_tls_config "$sport" smtps "tls_trust_file $P/ca.pem" "$CLIENT" "$CKEY"
sed -i 's/^host .*/host 127.0.0.1/' "$CFG"
run_sendsmtp -i rcpt@example.com <"$T/msg2"
assert_rc 0 "postfix SMTPS: delivered"
assert_empty "$T/err" "postfix SMTPS: stderr is empty"

wait_msgs "$T/sink" 2
for i in 1 2; do
	rcv=$(msg_header "$T/sink" "$i" Received | tr '\n' ' ')
	assert_contains "$rcv" "using TLSv1.3" "message $i: Postfix saw TLS 1.3"
	assert_contains "$rcv" 'Client CN "sendsmtp-client"' \
	    "message $i: the client certificate was presented"
	assert_contains "$rcv" "verified OK" \
	    "message $i: Postfix verified the client certificate"
done
assert_file_contains "$T/pf-tls/maillog" "Trusted TLS connection established" \
    "Postfix logged a trusted (client-verified) TLS connection"

# -- the same Postfix with a wrong pin: refused before MAIL
write_tls_config "$pf" starttls "tls_fingerprint $(printf '%064d' 0)"
run_sendsmtp -i rcpt@example.com <"$T/msg1"
assert_tempfail "postfix, wrong pin"
assert_file_contains "$T/err" "does not match tls_fingerprint" \
    "postfix, wrong pin: said so"
postfix_flush tls
sleep 1
assert_msg_count "$T/sink" 2 "postfix, wrong pin: nothing more relayed"

finish
