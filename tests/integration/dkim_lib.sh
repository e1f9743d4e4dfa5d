# dkim_lib.sh - shared by t_dkim.sh and t_dkim_opendkim.sh (source it
# after lib.sh).
#
#   dkim_keys                  $T/keys/{rsa,ed,rsa1024,ed-other}.pem made
#                              by certtool now (no key is committed);
#                              sets TXT_R, TXT_E (records derived by
#                              certtool, not by sendsmtp) and TXT_E_OTHER
#   dkim_config PORT [LINE..]  write_config + dkim_domain example.org,
#                              selectors r (RSA-2048) and e (Ed25519)
#   dkim_corpus                $T/in/NN-name: the test messages (LF input)
#   dkim_send_corpus           send each one (NN-t-* with -t), RC 0 each
#   dkim_verify FILE ARGS...   dkim_verify.py with both test records

require_dkim_tools()
{
	require_cmd certtool base64
	require_aiosmtpd
	"$PY" -c 'import dkim, nacl' 2>/dev/null ||
	    skip "python3-dkim (with python3-nacl) is not installed for $PY"
}

dkim_keys()
{
	mkdir -p "$T/keys"
	certtool --generate-privkey --key-type=rsa --bits 2048 \
	    --outfile "$T/keys/rsa.pem" >/dev/null 2>&1 ||
	    fail "certtool cannot make an RSA key"
	certtool --generate-privkey --key-type=ed25519 \
	    --outfile "$T/keys/ed.pem" >/dev/null 2>&1 ||
	    fail "certtool cannot make an Ed25519 key"
	certtool --generate-privkey --key-type=ed25519 \
	    --outfile "$T/keys/ed-other.pem" >/dev/null 2>&1 ||
	    fail "certtool cannot make an Ed25519 key"
	certtool --generate-privkey --key-type=rsa --bits 1024 \
	    --outfile "$T/keys/rsa1024.pem" >/dev/null 2>&1 ||
	    fail "certtool cannot make an RSA-1024 key"
	chmod 0600 "$T"/keys/*.pem
	# RFC 6376 3.6.1: RSA p= is the SubjectPublicKeyInfo; RFC 8463
	# 4.2: Ed25519 p= is the raw key, the last 32 octets of it.
	TXT_R="v=DKIM1; k=rsa; p=$(certtool --load-privkey \
	    "$T/keys/rsa.pem" --pubkey-info --outder 2>/dev/null |
	    base64 -w0)"
	TXT_E="v=DKIM1; k=ed25519; p=$(certtool --load-privkey \
	    "$T/keys/ed.pem" --pubkey-info --outder 2>/dev/null |
	    tail -c 32 | base64 -w0)"
	TXT_E_OTHER="v=DKIM1; k=ed25519; p=$(certtool --load-privkey \
	    "$T/keys/ed-other.pem" --pubkey-info --outder 2>/dev/null |
	    tail -c 32 | base64 -w0)"
	[ ${#TXT_R} -gt 300 ] && [ ${#TXT_E} -eq 66 ] ||
	    fail "unexpected public keys: ${#TXT_R} / ${#TXT_E} characters"
}

dkim_config()
{
	_p=$1
	shift
	write_config "$_p" "dkim_domain example.org" \
	    "dkim_selector r, e" \
	    "dkim_key_file $T/keys/rsa.pem, $T/keys/ed.pem" "$@"
}

dkim_verify()
{
	_f=$1
	shift
	"$PY" "$ITDIR/dkim_verify.py" \
	    --txt "r._domainkey.example.org=$TXT_R" \
	    --txt "e._domainkey.example.org=$TXT_E" "$@" "$_f"
}

# The corpus: what RFC 6376 signers get wrong.  Recipient for all but
# the -t one: rcpt@example.org.
dkim_corpus()
{
	mkdir -p "$T/in"
	"$PY" - "$T/in" <<'PY'
import sys
d = sys.argv[1]
def w(name, data):
    with open(d + "/" + name, "wb") as f:
        f.write(data)
w("01-folded", b"From: Alice Example\n <alice@example.org>\n"
  b"To: rcpt@example.org,\n\tother@example.org\n"
  b"Subject: a subject\n  folded   over\n\tthree lines  \n"
  b"X-Mixed:\tvalue\twith  tabs \n\nbody line\n")
w("02-8bit", "From: alice@example.org\nTo: rcpt@example.org\n"
  "Subject: =?UTF-8?Q?caf=C3=A9?=\nMIME-Version: 1.0\n"
  "Content-Type: text/plain; charset=utf-8\n"
  "Content-Transfer-Encoding: 8bit\n\n"
  "Grüße aus Köln — € ✓\nLatin-1 ".encode() + b"\xe9\xe8\n")
w("03-longline", b"From: alice@example.org\nTo: rcpt@example.org\n"
  b"Subject: long\nX-Long: " +
  b" ".join(b"w%04d" % i for i in range(500)) + b"\n\n" +
  b"".join(b"%09d," % i for i in range(400)) + b"\n" + b"b" * 998 +
  b"\n" + b"c" * 999 + b"\nend\n")
w("04-nofinalnl", b"From: alice@example.org\nTo: rcpt@example.org\n"
  b"Subject: no final newline\n\nlast line without newline  ")
w("05-emptybody", b"From: alice@example.org\nTo: rcpt@example.org\n"
  b"Subject: empty body\n\n")
w("06-headersonly", b"From: alice@example.org\nTo: rcpt@example.org\n"
  b"Subject: headers only")
w("07-t-bcc", b"From: alice@example.org\nTo: rcpt@example.org\n"
  b"Cc: cc@example.org\nBcc: hidden@example.org,\n secret@example.org\n"
  b"Subject: with bcc\n\nbody\n")
w("08-whitespace", b"From: alice@example.org\nTo: rcpt@example.org\n"
  b"Subject: whitespace\n\n  leading\ntrailing \t \n\n\nmiddle\n"
  b".dot line\n..two dots\n\n\n\n")
w("09-crlf", b"From: alice@example.org\r\nTo: rcpt@example.org\r\n"
  b"Subject: crlf input\r\nReply-To: r@example.org\r\n"
  b"In-Reply-To: <x@y>\r\nReferences: <x@y>\r\n\r\nline\r\n")
PY
}

# Send every corpus message; sets DKIM_N (messages sent).
dkim_send_corpus()
{
	DKIM_N=0
	for _m in "$T"/in/*; do
		case $_m in
		*-t-*)	run_sendsmtp -t <"$_m" ;;
		*)	run_sendsmtp rcpt@example.org <"$_m" ;;
		esac
		assert_rc 0 "$(basename "$_m"): accepted"
		DKIM_N=$((DKIM_N + 1))
	done
}
