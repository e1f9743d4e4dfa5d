#!/bin/sh
# t_tls_basic: TLS that works - STARTTLS and implicit TLS with a verified
# certificate (by DNS name and by IP address), a client certificate, and
# tls_verify off (works, with a warning).  Servers: capture_server.py with
# TLS on loopback; certificates from pki.sh.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/pki.sh"
require_sendsmtp
require_aiosmtpd
pki_make "$T/pki"
P=$T/pki
printf 'Subject: tls test\n\nbody over TLS\n' >"$T/msg"

# -- STARTTLS, verified by name (host localhost: SNI + DNS SAN)
port=$(start_capture st --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --starttls)
write_tls_config "$port" starttls "tls_trust_file $P/ca.pem"
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 0 "starttls: delivered"
assert_empty "$T/err" "starttls: stderr is empty"
wait_msgs "$T/st" 1
assert_contains "$(msg_field "$T/st" 1 tls)" "TLSv1." \
    "starttls: the message came over TLS"
assert_file_contains "$T/st/tls.log" "tls 1" "starttls: STARTTLS was used"
# Before STARTTLS only EHLO and STARTTLS were said (the tap sees both
# the clear and the decrypted stream, in order).
head -n 2 "$T/st/conn-0001.raw" | tr -d '\r' >"$T/clear"
assert_eq "$(sed -n 2p "$T/clear")" "STARTTLS" "starttls: STARTTLS right after EHLO"
assert_eq "$(grep -c '^EHLO' "$T/st/conn-0001.raw")" 2 \
    "starttls: EHLO again after the handshake"
stop_server st

# -- the same server by IP address (IP SAN), -v shows the TLS session
port=$(start_capture st2 --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --starttls)
write_tls_config "$port" starttls "tls_trust_file $P/ca.pem"
sed -i 's/^host .*/host 127.0.0.1/' "$CFG"
run_sendsmtp -v -i rcpt@example.com <"$T/msg"
assert_rc 0 "starttls by IP address: delivered"
assert_file_contains "$T/err" "[TLS: TLS1." "-v names the TLS session"
assert_file_contains "$T/err" "STARTTLS" "-v shows STARTTLS"
stop_server st2

# -- implicit TLS (smtps)
port=$(start_capture ss --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --smtps)
write_tls_config "$port" smtps "tls_trust_file $P/ca.pem"
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 0 "smtps: delivered"
assert_empty "$T/err" "smtps: stderr is empty"
wait_msgs "$T/ss" 1
assert_contains "$(msg_field "$T/ss" 1 tls)" "TLSv1." "smtps: over TLS"
assert_no_file "$T/ss/tls.log" "smtps: no STARTTLS command"
stop_server ss

# -- client certificate (the server asks and records the CN)
port=$(start_capture cc --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --smtps --tls-client-ca "$P/ca.pem")
write_tls_config "$port" smtps "tls_trust_file $P/ca.pem" \
    "tls_cert_file $P/client.pem" "tls_key_file $P/client.key"
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 0 "client certificate: delivered"
wait_msgs "$T/cc" 1
assert_eq "$(msg_field "$T/cc" 1 tls_peer_cn)" "sendsmtp-client" \
    "client certificate: presented and verified by the server"
stop_server cc

# -- tls_verify off: an untrusted certificate is accepted, with a warning
port=$(start_capture vo --tls-cert "$P/unknownca.pem" \
    --tls-key "$P/unknownca.key" --starttls)
write_tls_config "$port" starttls "tls_verify off"
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 0 "tls_verify off: delivered"
assert_file_contains "$T/err" "tls_verify is off" "tls_verify off: warns"
wait_msgs "$T/vo" 1
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_file_contains "$T/err" "tls_verify is off" \
    "tls_verify off: warns on every use"
stop_server vo

finish
