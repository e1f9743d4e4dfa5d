#!/bin/sh
# t_dkim_opendkim: OpenDKIM's verifier (opendkim-testmsg, libopendkim)
# checks the RSA and the Ed25519 signature of every corpus message
# (dkim_lib.sh) captured on the wire, one algorithm at a time (the other
# signature field removed), and must reject tampered copies and a
# record holding another key.
#
# opendkim-testmsg reads keys from DNS only.  Offline, it runs inside
# "unshare -mn": a private network namespace (its own loopback) where
# dns_server.py answers on 127.0.0.1:53 and /etc/resolv.conf is
# bind-mounted to name it.  Needs root (CI runs as root).
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/dkim_lib.sh"
require_sendsmtp
require_dkim_tools
require_root
require_cmd opendkim-testmsg unshare ip mount

dkim_keys
dkim_corpus
port=$(start_capture cap)
dkim_config "$port"
dkim_send_corpus
wait_msgs "$T/cap" "$DKIM_N"

# The files to verify, each with the exit status we want (0 = verified).
mkdir -p "$T/od"
: >"$T/od/want"
seq=1
for m in "$T"/in/*; do
	n=$(basename "$m")
	eml=$(msg_eml "$T/cap" "$seq")
	dkim_verify "$eml" --tamper strip-ed25519 --write "$T/od/$n.rsa" \
	    >/dev/null || fail "$n: python3-dkim rejects the RSA signature"
	dkim_verify "$eml" --tamper strip-rsa --write "$T/od/$n.ed" \
	    >/dev/null || fail "$n: python3-dkim rejects the Ed25519 signature"
	printf '%s.rsa 0\n%s.ed 0\n' "$n" "$n" >>"$T/od/want"
	for t in body subject from; do
		for a in rsa ed25519; do
			o=rsa
			[ $a = rsa ] && o=ed25519
			"$PY" "$ITDIR/dkim_verify.py" --tamper "strip-$o" \
			    --tamper "$t" --write "$T/od/$n.$a.$t" "$eml" \
			    >/dev/null 2>&1 || :
			printf '%s.%s.%s 1\n' "$n" "$a" "$t" >>"$T/od/want"
		done
	done
	seq=$((seq + 1))
done
# Both signatures at once, and a message with none.
cp "$(msg_eml "$T/cap" 1)" "$T/od/both"
printf 'both 0\n' >>"$T/od/want"
"$PY" "$ITDIR/dkim_verify.py" --tamper strip-rsa --tamper strip-ed25519 \
    --write "$T/od/none" "$(msg_eml "$T/cap" 1)" >/dev/null 2>&1 || :
printf 'none 1\n' >>"$T/od/want"

# Run them all in one namespace; results in $T/od/got.
run_ns()	# TXT_FOR_E
{
	printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n' \
	    >"$T/od/resolv.conf"
	cat >"$T/od/ns.sh" <<EOF
set -u
ip link set lo up || exit 90
mount --bind "$T/od/resolv.conf" /etc/resolv.conf || exit 91
"$PY" "$ITDIR/dns_server.py" --port 53 --port-file "$T/od/dns.port" \\
    --log "$T/od/dns.log" \\
    --txt "r._domainkey.example.org=$TXT_R" \\
    --txt "e._domainkey.example.org=\$1" &
dns=\$!
i=0
while [ ! -s "$T/od/dns.port" ] && [ \$i -lt 100 ]; do
	sleep 0.05
	i=\$((i + 1))
done
: >"$T/od/got"
while read -r f w; do
	timeout 20 opendkim-testmsg <"$T/od/\$f" >"$T/od/\$f.out" 2>&1
	echo "\$f \$?" >>"$T/od/got"
done <"$T/od/want"
# --check looks the records up in the same DNS.
"$SENDSMTP" -C "$CFG" --check >"$T/od/check.out" 2>&1
kill \$dns
EOF
	rm -f "$T/od/dns.port"
	unshare -mn sh "$T/od/ns.sh" "$1" || fail "unshare -mn failed (rc $?)"
}

run_ns "$TXT_E"
[ -s "$T/od/got" ] || fail "no opendkim-testmsg result"
while read -r f w; do
	g=$(sed -n "s|^$f \\([0-9]*\\)\$|\\1|p" "$T/od/got")
	case $w:$g in
	0:0)	;;
	1:0)	fail "opendkim-testmsg verified $f (want a failure)" ;;
	1:*)	;;
	*)	fail "opendkim-testmsg rejected $f (exit $g): $(cat "$T/od/$f.out")" ;;
	esac
done <"$T/od/want"
nok=$(grep -c ' 0$' "$T/od/want")
nbad=$(grep -c ' 1$' "$T/od/want")
pass "opendkim-testmsg verifies $nok RSA/Ed25519 signatures of the corpus"
pass "opendkim-testmsg rejects $nbad tampered or unsigned copies"
assert_file_contains "$T/od/dns.log" "query e._domainkey.example.org type 16" \
    "the Ed25519 key was looked up in the test DNS"
assert_file_contains "$T/od/check.out" "[ ok ] dkim      r: published record matches" \
    "--check: the RSA record in DNS matches"
assert_file_contains "$T/od/check.out" "[ ok ] dkim      e: published record matches" \
    "--check: the Ed25519 record in DNS matches"

# Another Ed25519 key in DNS: every Ed25519 copy must now fail.
printf '%s.ed 1\n' $(cd "$T/in" && ls) >"$T/od/want"
run_ns "$TXT_E_OTHER"
while read -r f w; do
	g=$(sed -n "s|^$f \\([0-9]*\\)\$|\\1|p" "$T/od/got")
	[ -n "$g" ] && [ "$g" != 0 ] ||
	    fail "opendkim-testmsg verified $f with the wrong Ed25519 key"
done <"$T/od/want"
pass "a record with another Ed25519 key fails (the verifier can fail)"
assert_file_contains "$T/od/check.out" "[FAIL] dkim      e: e._domainkey.example.org has a DKIM record with a different key" \
    "--check: a different published key is reported"

# A selector that is not published at all.
write_config "$port" "dkim_domain example.org" "dkim_selector nope" \
    "dkim_key_file $T/keys/ed.pem"
printf 'x.ed 1\n' >"$T/od/want"
: >"$T/od/x.ed"
run_ns "$TXT_E"
assert_file_contains "$T/od/check.out" "[FAIL] dkim      nope: no DKIM record at nope._domainkey.example.org" \
    "--check: a missing record is reported"

finish
