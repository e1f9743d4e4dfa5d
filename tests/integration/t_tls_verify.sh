#!/bin/sh
# t_tls_verify: every bad certificate fails closed with its own words
# (expired with the date, not yet valid, unknown CA, wrong host with the
# names the certificate holds), and tls_fingerprint pins: a matching pin
# (certificate or public-key form) is enough on its own, even for a
# certificate no CA vouches for; a wrong pin fails with both pins seen.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/pki.sh"
require_sendsmtp
require_aiosmtpd
require_cmd openssl sha256sum
pki_make "$T/pki"
P=$T/pki
printf 'Subject: tls verify\n\nbody\n' >"$T/msg"
n=0

# bad CERT MODE ERE WHAT [config lines...]: a server with CERT refuses to
# get mail; the one stderr line matches ERE (case-insensitive).
bad()
{
	_c=$1
	_m=$2
	_re=$3
	_w=$4
	shift 4
	n=$((n + 1))
	_o=--starttls
	[ "$_m" = smtps ] && _o=--smtps
	_p=$(start_capture "b$n" --tls-cert "$P/$_c.pem" --tls-key "$P/$_c.key" \
	    "$_o")
	write_tls_config "$_p" "$_m" "$@"
	run_sendsmtp -i rcpt@example.com <"$T/msg"
	assert_tempfail "$_w"
	if ! grep -E -i -q -e "$_re" "$T/err"; then
		fail "$_w: stderr does not match /$_re/: $(cat "$T/err")"
	fi
	pass "$_w: the reason is given in words"
	assert_empty "$T/out" "$_w: stdout is empty"
	cat "$T/err" >>"$T/all.err"
	assert_no_mail "$T/b$n" "$_w"
	stop_server "b$n"
}

trust="tls_trust_file $P/ca.pem"
bad expired starttls \
    'certificate of localhost expired on 2020-01-31 00:00:00 UTC' \
    "expired" "$trust"
bad future smtps \
    'not valid before 2035-01-01 00:00:00 UTC' "not yet valid" "$trust"
bad unknownca starttls \
    'issued by an unknown CA \(CN=sendsmtp unknown CA\).*tls_trust_file' \
    "unknown CA" "$trust"
bad wronghost starttls \
    'is for DNS:wrong.example, DNS:other.example, CN:wrong.example, not for localhost' \
    "wrong host" "$trust"
# The system trust store does not know the test CA.
bad good smtps 'unknown CA \(CN=sendsmtp test CA\)' \
    "system trust store by default"

# -- pins: either form alone is enough, whatever the issuer
cpin=$(pin_cert "$P/unknownca.pem")
spin=$(pin_spki "$P/unknownca.pem")
for form in cert spki colons; do
	case $form in
	cert)	pin=$cpin ;;
	spki)	pin=$spin ;;
	colons)	pin=$(printf '%s' "$spin" | sed 's/../&:/g; s/:$//') ;;
	esac
	p=$(start_capture "pin$form" --tls-cert "$P/unknownca.pem" \
	    --tls-key "$P/unknownca.key" --starttls)
	write_tls_config "$p" starttls "tls_fingerprint $pin"
	run_sendsmtp -i rcpt@example.com <"$T/msg"
	assert_rc 0 "pin ($form form) matches an unknown-CA certificate"
	assert_empty "$T/err" "pin ($form form): no warning"
	wait_msgs "$T/pin$form" 1
	stop_server "pin$form"
done

# a pin of another certificate: both pins seen are printed
bad unknownca starttls \
    "does not match tls_fingerprint: it has certificate SHA-256 $cpin and public key SHA-256 $spin" \
    "pin mismatch" "tls_fingerprint $(pin_spki "$P/good.pem")"
# the pin decides even when the CA is trusted
bad good starttls "does not match tls_fingerprint" \
    "pin mismatch with a trusted CA" "$trust" \
    "tls_fingerprint $(pin_cert "$P/unknownca.pem")"

finish
