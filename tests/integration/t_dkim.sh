#!/bin/sh
# t_dkim: DKIM signatures (RFC 6376 relaxed/relaxed; rsa-sha256 and RFC
# 8463 ed25519-sha256) on messages captured on the wire, verified by
# python3-dkim with the test keys' TXT records (made by certtool, not by
# sendsmtp): folded headers, 8-bit bodies, lines over 998 octets, no
# final newline, an empty body, headers only, -t with Bcc, whitespace
# and dot lines, CRLF input.  Tampered copies must fail.  Then: the
# queue signs once (the bytes sent by -q are the queued bytes, SIZE
# included), one-key configs, bounces (signed; unsigned but sent when the
# key went bad after submission), and the key-file errors.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/dkim_lib.sh"
require_sendsmtp
require_dkim_tools

dkim_keys
dkim_corpus
port=$(start_capture cap)
dkim_config "$port"

# ------------------------------------------------ the corpus, both keys
dkim_send_corpus
wait_msgs "$T/cap" "$DKIM_N"
seq=1
for m in "$T"/in/*; do
	name=$(basename "$m")
	eml=$(msg_eml "$T/cap" "$seq")
	dkim_verify "$eml" --count 2 >"$T/v.out" 2>&1 ||
	    fail "$name: python3-dkim: $(cat "$T/v.out")"
	pass "$name: RSA and Ed25519 signatures verify (python3-dkim)"
	for t in body subject from; do
		if dkim_verify "$eml" --tamper "$t" >"$T/v.out" 2>&1; then
			fail "$name: verified after tampering ($t)"
		fi
		[ "$(grep -c ': FAIL$' "$T/v.out")" = 2 ] ||
		    fail "$name: tamper $t: $(cat "$T/v.out")"
	done
	pass "$name: a changed body, Subject or added From fails both"
	dkim_verify "$eml" --tamper header-ws --tamper bodyblank \
	    >"$T/v.out" 2>&1 ||
	    fail "$name: relaxed canonicalisation: $(cat "$T/v.out")"
	smtpcheck wirecheck "$(msg_raw "$T/cap" "$seq")" ||
	    fail "$name: a line over 998 octets or a bare CR/LF"
	seq=$((seq + 1))
done
pass "extra blanks in headers and trailing empty lines still verify"

# h= over-signs From and never names Bcc; the message has no Bcc.
eml=$(msg_eml "$T/cap" 7)
h=$("$PY" - "$eml" <<'PY'
import re, sys
m = open(sys.argv[1], "rb").read().split(b"\r\n\r\n")[0]
f = re.split(rb"\r\n(?![ \t])", m)
s = [x for x in f if x.lower().startswith(b"dkim-signature:")][0]
s = re.sub(rb"\s", b"", s.split(b":", 1)[1])
print(re.search(rb"(?:^|;)h=([^;]*)", s).group(1).decode())
PY
)
assert_eq "$h" "from:from:to:to:cc:cc:subject:subject:date:date:message-id:message-id" \
    "-t with Bcc: h= over-signs and leaves Bcc out"
assert_file_not_contains "$eml" "hidden@example.org" "Bcc removed before signing"
assert_eq "$(msg_field "$T/cap" 7 rcpt_tos | sort | tr '\n' ' ')" \
    "cc@example.org hidden@example.org rcpt@example.org secret@example.org " \
    "-t: Bcc recipients still get it"
assert_eq "$(msg_hcount "$T/cap" 1 DKIM-Signature)" 2 "two signature fields"
assert_eq "$(grep -c '^DKIM-Signature: v=1; a=rsa-sha256;' "$(msg_eml "$T/cap" 1)")" 1 \
    "RSA signature first"
assert_file_not_contains "$(msg_eml "$T/cap" 1)" " l=" "no l= tag"
"$PY" - "$(msg_eml "$T/cap" 1)" <<'PY' || fail "a DKIM-Signature line is longer than 78 columns"
import sys
head = open(sys.argv[1], "rb").read().split(b"\r\n\r\n")[0]
lines = head.split(b"\r\n")
inside = False
for l in lines:
    if l.lower().startswith(b"dkim-signature:"):
        inside = True
    elif not l[:1] in (b" ", b"\t"):
        inside = False
    if inside and len(l.expandtabs(8)) > 78:
        sys.exit(1)
PY
pass "signature fields folded at 78 columns"

# --check prints the records to publish: the same as certtool derives.
run_sendsmtp --check
for sel in r e; do
	got=$(sed -n "s/^       publish: $sel\._domainkey\.example\.org\. IN TXT //p" \
	    "$T/out" | sed 's/" "//g; s/^"//; s/"$//')
	want=$TXT_R
	[ $sel = e ] && want=$TXT_E
	assert_eq "$got" "$want" "--check prints the TXT record for selector $sel"
done
# No test DNS here: unchecked (sandbox) or not published (real DNS).
grep -E -q '^\[(skip|FAIL)\] dkim      r: (not checked: DNS unavailable|no DKIM record at r\._domainkey\.example\.org)' \
    "$T/out" || fail "--check: no DKIM status line for r: $(grep dkim "$T/out")"
pass "--check says whether DNS has the record"

# ------------------------------------------------ queue: signed once
before=$(msg_count "$T/cap")
run_sendsmtp -odq rcpt@example.org <"$T/in/02-8bit"
assert_rc 0 "-odq accepted"
qmsg=$(ls "$T"/spool/queue/*.msg)
assert_eq "$(grep -c '^DKIM-Signature:' "$qmsg")" 2 "the queued file holds both signatures"
cp "$qmsg" "$T/queued.msg"
sleep 1		# a re-signing would show a new t=
run_sendsmtp -q
assert_rc 0 "-q delivered"
wait_msgs "$T/cap" $((before + 1))
eml=$(msg_eml "$T/cap" $((before + 1)))
cmp -s "$eml" "$T/queued.msg" || fail "the bytes sent differ from the queued (signed) bytes"
pass "-q sends exactly the bytes signed at submission"
dkim_verify "$eml" --count 2 >"$T/v.out" 2>&1 || fail "queued: $(cat "$T/v.out")"
pass "queued message verifies"
size=$(msg_field "$T/cap" $((before + 1)) mail_options | sed -n 's/^SIZE=//p')
assert_eq "$size" "$(wc -c <"$T/queued.msg" | tr -d ' ')" "SIZE= counts the signature fields"

# ------------------------------------------------ one key, either kind
for k in ed rsa; do
	sel=e
	[ $k = rsa ] && sel=r
	write_config "$port" "dkim_domain example.org" "dkim_selector $sel" \
	    "dkim_key_file $T/keys/$k.pem"
	before=$(msg_count "$T/cap")
	run_sendsmtp rcpt@example.org <"$T/in/01-folded"
	assert_rc 0 "$k only: accepted"
	wait_msgs "$T/cap" $((before + 1))
	dkim_verify "$(msg_eml "$T/cap" $((before + 1)))" --count 1 \
	    >"$T/v.out" 2>&1 || fail "$k only: $(cat "$T/v.out")"
	pass "$k only: one signature, verifies"
done
# The verifier can fail: a record with another Ed25519 key.
if "$PY" "$ITDIR/dkim_verify.py" --txt "e._domainkey.example.org=$TXT_E_OTHER" \
    "$(msg_eml "$T/cap" $((before)))" >/dev/null 2>&1; then
	fail "verified with the wrong Ed25519 public key"
fi
pass "the wrong public key fails"

# ------------------------------------------------ bounces are signed too
require_aiosmtpd
cat >"$T/script.json" <<'EOF'
{"rcpt": {"*": "250 2.1.5 OK",
          "bad*": "550 5.1.1 <bad@example.net>: Recipient address rejected: User unknown"}}
EOF
fport=$(start_fault f1 --script "$T/script.json")
dkim_config "$fport"
bounce_of()	# the newest message with the null sender
{
	_n=$(msg_count "$T/f1")
	while [ "$_n" -gt 0 ]; do
		if [ -z "$(msg_field "$T/f1" "$_n" mail_from)" ]; then
			echo "$_n"
			return 0
		fi
		_n=$((_n - 1))
	done
	return 1
}
run_sendsmtp -i -f alice@example.org good@example.net bad@example.net \
    <"$T/in/01-folded"
assert_rc 0 "mixed refusal: exit 0 (delivered and bounced)"
run_sendsmtp -q
assert_rc 0 "-q sent the bounce"
b=$(bounce_of) || fail "no bounce reached the smarthost"
eml=$(msg_eml "$T/f1" "$b")
assert_file_contains "$eml" "MAILER-DAEMON@" "the bounce is from MAILER-DAEMON"
dkim_verify "$eml" --count 2 >"$T/v.out" 2>&1 || fail "bounce: $(cat "$T/v.out")"
pass "the bounce carries RSA and Ed25519 signatures that verify"
if dkim_verify "$eml" --tamper body >"$T/v.out" 2>&1; then
	fail "the bounce verified after tampering"
fi
pass "a tampered bounce fails"
# A key that went bad after submission: the bounce goes unsigned, not lost.
run_sendsmtp -odq -i -f alice@example.org good@example.net bad@example.net \
    <"$T/in/01-folded"
assert_rc 0 "-odq accepted"
before=$(msg_count "$T/f1")
chmod 0644 "$T/keys/rsa.pem"
run_sendsmtp -q
run_sendsmtp -q
chmod 0600 "$T/keys/rsa.pem"
b=$(bounce_of) || fail "no bounce after the key went bad"
[ "$b" -gt "$before" ] || fail "the bounce with a bad key was not sent"
assert_eq "$(msg_hcount "$T/f1" "$b" DKIM-Signature)" 0 \
    "bad key: the bounce goes out unsigned"
assert_file_contains "$T/sendsmtp.log" "goes unsigned" \
    "bad key: the log says why the bounce is unsigned"
assert_eq "$(ls "$T/spool/queue" | wc -l | tr -d ' ')" 0 "bad key: nothing left queued"
stop_server f1
dkim_config "$port"

# ------------------------------------------------ key-file errors
before=$(msg_count "$T/cap")
check_key_error()	# MODE FILE ERE DESCRIPTION
{
	chmod "$1" "$T/keys/$2" 2>/dev/null || :
	write_config "$port" "dkim_domain example.org" "dkim_selector s" \
	    "dkim_key_file $T/keys/$2"
	run_sendsmtp rcpt@example.org <"$T/in/01-folded"
	assert_rc 78 "$4: exit 78"
	assert_stderr_one_line "$3"
	assert_file_not_contains "$T/err" "PRIVATE KEY" "$4: key not quoted"
	chmod 0600 "$T/keys/$2" 2>/dev/null || :
}
check_key_error 0644 ed.pem "ed\\.pem .*world-readable.*chmod 0640" \
    "world-readable key"
check_key_error 0660 ed.pem "group-writable.*chmod 0640" "group-writable key"
check_key_error 0600 rsa1024.pem "1024-bit RSA key.*2048" "RSA-1024 key"
check_key_error 0600 nosuch.pem "cannot open dkim_key_file .*nosuch\\.pem" \
    "missing key"
ln -s "$T/keys/ed.pem" "$T/keys/link.pem"
check_key_error 0600 link.pem "symbolic link" "symlinked key"
assert_eq "$(msg_count "$T/cap")" "$before" "nothing sent with a bad key"
assert_eq "$(ls "$T/spool/queue" | wc -l | tr -d ' ')" 0 "nothing queued with a bad key"
assert_file_not_contains "$T/sendsmtp.log" "BEGIN PRIVATE" "key never logged"

finish
