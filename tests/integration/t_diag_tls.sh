#!/bin/sh
# t_diag_tls: certificate errors and the TLS mode mismatch through the
# error catalogue (issue 6): an expired certificate, an unknown CA and a
# wrong host name each give the same cause-and-fix words on stderr, in
# the log and in --check, whose tls step also shows the chain (subject,
# issuer, validity, names) and the verification result in words.  A
# STARTTLS configuration against an implicit-TLS port is found by
# --check's probe, which suggests "tls smtps".
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/pki.sh"
require_sendsmtp
require_aiosmtpd
pki_make "$T/pki"
P=$T/pki
TRUST="tls_trust_file $P/ca.pem"
printf 'Subject: diag tls\n\nbody\n' >"$T/msg"
n=0

# cert CERT MODE PHRASE WHAT: a server with CERT; the advice everywhere.
cert()
{
	n=$((n + 1))
	_o=--starttls
	[ "$2" = smtps ] && _o=--smtps
	_p=$(start_capture "c$n" --tls-cert "$P/$1.pem" --tls-key "$P/$1.key" \
	    "$_o")
	write_tls_config "$_p" "$2" "$TRUST" 'timeout 5'
	: >"$T/sendsmtp.log"
	run_sendsmtp -i bob@example.com <"$T/msg"
	assert_tempfail "$4"
	assert_stderr_one_line
	assert_file_contains "$T/err" "$3" "$4: stderr has the advice"
	grep 'result=deferred' "$T/sendsmtp.log" | sed 's/\\"/"/g' \
	    >"$T/attempt" || true
	assert_file_contains "$T/attempt" "$3" "$4: the log has the advice"
	run_sendsmtp --check </dev/null
	assert_rc 75 "$4: --check exit 75"
	grep '^\[FAIL\] tls ' "$T/out" >"$T/failline" ||
	    fail "$4: no failed tls step: $(cat "$T/out")"
	assert_file_contains "$T/failline" "$3" "$4: --check has the advice"
	assert_file_contains "$T/out" "certificate 0 subject: " \
	    "$4: --check shows the subject"
	assert_file_contains "$T/out" "certificate 0 issuer: " \
	    "$4: --check shows the issuer"
	assert_file_contains "$T/out" "certificate 0 valid: from " \
	    "$4: --check shows the dates"
	assert_file_contains "$T/out" "verification: " \
	    "$4: --check gives the verification result"
	assert_no_mail "$T/c$n" "$4"
	stop_server "c$n"
}

cert expired starttls 'the server must renew it (and check this machine' \
    "expired certificate"
cert unknownca smtps 'set tls_trust_file to a bundle holding that CA' \
    "unknown CA"
cert wronghost starttls 'set "host" to one of those names' "wrong host"

# A good chain: --check shows it and passes.
p=$(start_capture good --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --starttls)
write_tls_config "$p" starttls "$TRUST"
run_sendsmtp --check </dev/null
assert_rc 0 "good certificate: --check exit 0"
assert_file_contains "$T/out" "certificate 0 names: DNS:localhost" \
    "good certificate: the names"
assert_file_contains "$T/out" "verification: verified" \
    "good certificate: verified in words"
assert_file_contains "$T/out" "[ ok ] tls " "good certificate: tls ok"
stop_server good

# "tls starttls" against an implicit-TLS port: the greeting never comes;
# --check probes implicit TLS and names the fix.
p=$(start_capture imp --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --smtps)
write_tls_config "$p" starttls "$TRUST" 'timeout 2'
run_sendsmtp -i bob@example.com <"$T/msg"
assert_tempfail "implicit TLS port"
assert_file_contains "$T/err" 'set "tls smtps"' "implicit TLS: stderr"
run_sendsmtp --check </dev/null
assert_rc 75 "implicit TLS port: --check exit 75"
grep '^\[FAIL\] greeting ' "$T/out" >"$T/failline" ||
    fail "no failed greeting step: $(cat "$T/out")"
assert_file_contains "$T/failline" \
    'the server waits for a TLS handshake first (implicit TLS, usually port 465): set "tls smtps"' \
    "implicit TLS: --check suggests tls smtps"
assert_file_contains "$T/out" \
    "implicit TLS probe: the server answers with implicit TLS" \
    "implicit TLS: the probe found it"
stop_server imp
finish
