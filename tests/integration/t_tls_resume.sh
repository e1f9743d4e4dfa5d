#!/bin/sh
# t_tls_resume: TLS session resumption across invocations (issue 7).  The
# first STARTTLS session is saved in spool/tls-cache/HOST_PORT (0600);
# the next process resumes it ("(resumed)" in the -v transcript) without
# loading the trust store (proved by emptying the trust file); an entry
# is not used for another port, when corrupt, when readable by others,
# or after the TLS settings changed; a server that declines costs a full
# handshake, nothing else; "tls_session_cache off" neither reads nor
# writes it.  Servers: capture_server.py with STARTTLS.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/pki.sh"
require_sendsmtp
require_aiosmtpd
pki_make "$T/pki"
P=$T/pki
cp "$P/ca.pem" "$T/trust.pem"
printf 'Subject: resume\n\nbody\n' >"$T/msg"

# send DESCRIPTION: one message with -v; RC, $T/err
send()
{
	run_sendsmtp -v -i rcpt@example.com <"$T/msg"
	assert_rc 0 "$1: delivered"
}
resumed()	{ assert_file_contains "$T/err" "(resumed)]" "$1: resumed"; }
full()
{
	assert_file_contains "$T/err" "[TLS: TLS1." "$1: TLS"
	assert_file_not_contains "$T/err" "(resumed)" "$1: full handshake"
}

A=$(start_capture a --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --starttls)
B=$(start_capture b --tls-cert "$P/good.pem" --tls-key "$P/good.key" \
    --starttls)
write_tls_config "$A" starttls "tls_trust_file $T/trust.pem"
C=$T/spool/tls-cache
EA=$C/localhost_$A

# -- first contact: a full handshake; the session is saved, 0600
send "first"
full "first"
[ -f "$EA" ] || fail "no cache entry $EA"
assert_eq "$(stat -c %a "$EA")" 600 "cache entry mode 0600"
assert_eq "$(head -n 1 "$EA")" "SENDSMTP-TLS-CACHE 1" "cache entry format"
assert_file_contains "$EA" "port: $A" "cache entry names the port"

# -- the second process resumes, and needs no trust store for it
: >"$T/trust.pem"
send "second"
resumed "second"
assert_eq "$(msg_field "$T/a" 2 tls | cut -c1-5)" "TLSv1" \
    "second: the message came over TLS"
# without the cache, the empty trust file fails the full handshake
mv "$EA" "$T/saved-entry"
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_tempfail "no cache, empty trust file"
assert_file_contains "$T/err" "trust.pem" "no cache: the trust file named"
cp "$P/ca.pem" "$T/trust.pem"
rm -rf "$T/spool/queue"/*
mv "$T/saved-entry" "$EA"

# -- an entry must name this host and port: A's own session (A would
# resume it) in A's file but saying port B is not used
cp "$EA" "$T/good-entry"
sed "s/^port: $A\$/port: $B/" "$T/good-entry" >"$EA"
chmod 0600 "$EA"
send "entry for another port"
full "entry for another port"
# ... nor saying another host
sed "s/^host: localhost\$/host: 127.0.0.1/" "$T/good-entry" >"$EA"
send "entry for another host"
full "entry for another host"
# -- an entry that claims B but holds A's session: B declines it (its
# ticket keys differ): a full handshake, nothing else
write_tls_config "$B" starttls "tls_trust_file $T/trust.pem"
sed "s/^port: $A\$/port: $B/" "$T/good-entry" >"$C/localhost_$B"
chmod 0600 "$C/localhost_$B"
send "declined session"
full "declined session"

# -- corrupt entry: ignored, then replaced by a good one
write_tls_config "$A" starttls "tls_trust_file $T/trust.pem"
printf 'SENDSMTP-TLS-CACHE 1\nhost: localhost\ngarbage\n' >"$EA"
chmod 0600 "$EA"
send "corrupt entry"
full "corrupt entry"
assert_file_contains "$EA" "END" "corrupt entry replaced by a good one"
send "after the corrupt entry"
resumed "after the corrupt entry"

# -- readable by others: ignored
chmod 0644 "$EA"
send "mode 0644 entry"
full "mode 0644 entry"
assert_eq "$(stat -c %a "$EA")" 600 "the replacement is 0600 again"

# -- changed TLS settings (priorities): the old session is not used
send "settings unchanged"
resumed "settings unchanged"
write_tls_config "$A" starttls "tls_trust_file $T/trust.pem" \
    "tls_priorities NORMAL:-VERS-ALL:+VERS-TLS1.3"
send "changed settings"
full "changed settings"

# -- expired: an entry dated beyond its lifetime is not used
sed -i 's/^expires: .*/expires: 1000000000/' "$EA"
send "expired entry"
full "expired entry"

# -- tls_session_cache off: no resumption, and the entry is left alone
send "cache on again"
resumed "cache on again"
cp "$EA" "$T/entry-before-off"
write_tls_config "$A" starttls "tls_trust_file $T/trust.pem" \
    "tls_priorities NORMAL:-VERS-ALL:+VERS-TLS1.3" "tls_session_cache off"
send "cache off"
full "cache off"
cmp -s "$EA" "$T/entry-before-off" || fail "cache off: the entry was rewritten"
pass "cache off: the entry is neither read nor written"
finish
