# pki.sh - a throwaway test PKI and TLS helpers for t_tls_*.sh (POSIX sh).
# Source it after lib.sh:  . "$ITDIR/pki.sh"
#
#   pki_make DIR     makes, with certtool (ECDSA P-256, fast):
#       ca.pem ca.key            the test CA ("sendsmtp test CA")
#       good.pem good.key        localhost + 127.0.0.1, signed by ca
#       expired.pem/.key         same names, made under faketime
#                                '2020-01-01' (30 days): expired
#       future.pem/.key          same names, valid from 2035 only
#       wronghost.pem/.key       wrong.example + other.example, by ca
#       ca2.pem ca2.key          a second CA nobody trusts
#       unknownca.pem/.key       localhost + 127.0.0.1, signed by ca2
#       client.pem client.key   client certificate CN sendsmtp-client
#   pin_cert FILE / pin_spki FILE   SHA-256 pins (hex) of a certificate's
#                                DER and of its SubjectPublicKeyInfo
#   write_tls_config PORT MODE [LINE...]   write_config for a TLS server
#                                on localhost:PORT ("tls MODE")
#   assert_tempfail WHAT         sendsmtp refused to send: exit 75, or
#                                (once hybrid mode queues) exit 0 with a
#                                "queued" line on stderr
#
# An outdated (TLS 1.0 only) server is capture_server.py
# --tls-only-version 1.0 rather than gnutls-serv, which cannot be told to
# listen on loopback only.
#
# Dates: faketime is used for the expired and future leaves when
# installed; otherwise certtool's activation_date / expiration_date
# template fields give the same result.

_pki_key()	# FILE
{
	certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
	    --outfile "$1" >/dev/null 2>&1 ||
	    fail "certtool cannot make a key ($1)"
	chmod 0600 "$1"
}

# _pki_at TIME CMD...: run CMD at the given faketime TIME ("" = now).
_pki_at()
{
	_at=$1
	shift
	if [ -n "$_at" ]; then
		faketime "$_at" "$@"
	else
		"$@"
	fi
}

# _pki_leaf DIR NAME CANAME TEMPLATE-LINES [FAKETIME]
_pki_leaf()
{
	_d=$1
	_n=$2
	_ca=$3
	_tl=$4
	_ft=${5:-}
	_pki_key "$_d/$_n.key"
	printf '%s\n' "$_tl" >"$_d/$_n.tmpl"
	_pki_at "$_ft" certtool --generate-certificate --load-privkey "$_d/$_n.key" \
	    --load-ca-certificate "$_d/$_ca.pem" \
	    --load-ca-privkey "$_d/$_ca.key" --template "$_d/$_n.tmpl" \
	    --outfile "$_d/$_n.pem" >"$_d/$_n.log" 2>&1 ||
	    { cat "$_d/$_n.log" >&2; fail "certtool cannot make $_n.pem"; }
}

_pki_ca()	# DIR NAME CN
{
	_pki_key "$1/$2.key"
	printf 'cn = "%s"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 3650\n' \
	    "$3" >"$1/$2.tmpl"
	certtool --generate-self-signed --load-privkey "$1/$2.key" \
	    --template "$1/$2.tmpl" --outfile "$1/$2.pem" >"$1/$2.log" 2>&1 ||
	    { cat "$1/$2.log" >&2; fail "certtool cannot make $2.pem"; }
}

pki_make()	# DIR
{
	require_cmd certtool
	_pd=$1
	mkdir -p "$_pd"
	_host='cn = "localhost"
dns_name = "localhost"
ip_address = "127.0.0.1"
tls_www_server
signing_key'
	_pki_ca "$_pd" ca "sendsmtp test CA"
	_pki_ca "$_pd" ca2 "sendsmtp unknown CA"
	_pki_leaf "$_pd" good ca "$_host
expiration_days = 365"
	if command -v faketime >/dev/null 2>&1; then
		_pki_leaf "$_pd" expired ca "$_host
expiration_days = 30" "2020-01-01 00:00:00"
		_pki_leaf "$_pd" future ca "$_host
expiration_days = 365" "2035-01-01 00:00:00"
	else
		_pki_leaf "$_pd" expired ca "$_host
activation_date = \"2020-01-01 00:00:00 UTC\"
expiration_date = \"2020-01-31 00:00:00 UTC\""
		_pki_leaf "$_pd" future ca "$_host
activation_date = \"2035-01-01 00:00:00 UTC\"
expiration_date = \"2036-01-01 00:00:00 UTC\""
	fi
	_pki_leaf "$_pd" wronghost ca 'cn = "wrong.example"
dns_name = "wrong.example"
dns_name = "other.example"
tls_www_server
signing_key
expiration_days = 365'
	_pki_leaf "$_pd" unknownca ca2 "$_host
expiration_days = 365"
	_pki_leaf "$_pd" client ca 'cn = "sendsmtp-client"
tls_www_client
signing_key
expiration_days = 365'
	chmod 0644 "$_pd"/*.pem
}

pin_cert()	# FILE
{
	openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1
}

pin_spki()	# FILE
{
	openssl x509 -in "$1" -pubkey -noout |
	    openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1
}

# write_tls_config PORT MODE [LINE...]: like write_config, but for
# "host localhost" (so SNI and the DNS name are checked) and "tls MODE".
write_tls_config()
{
	_wp=$1
	_wm=$2
	shift 2
	write_config "$_wp" "$@"
	sed -i -e 's/^host .*/host localhost/' -e "s/^tls off\$/tls $_wm/" \
	    "$CFG"
}

# assert_tempfail WHAT: the message was refused for now.
assert_tempfail()
{
	case $RC in
	75)	pass "$1: exit 75 (temporary failure)" ;;
	0)	if grep -i -q 'queued' "$T/err"; then
			pass "$1: queued for a later attempt"
		else
			fail "$1: exit 0 without a 'queued' line"
		fi ;;
	*)	fail "$1: exit $RC, want 75 (or 0 and queued)" ;;
	esac
}

# assert_no_mail DIR WHAT: the capture server in DIR got no message and
# never saw a MAIL command, in clear or under TLS.
assert_no_mail()
{
	assert_msg_count "$1" 0 "$2: nothing delivered to the server"
	if cat "$1"/conn-*.raw 2>/dev/null | grep -a -i -q '^MAIL'; then
		fail "$2: the server saw a MAIL command"
	fi
	pass "$2: the server saw no MAIL command"
}
