#!/bin/sh
# t_auth_oauth: XOAUTH2 and OAUTHBEARER against oauth_server.py, which
# checks the exact framing: the good token gets 235, a bad one the RFC
# 7628 error challenge (answered with "" / ^A) and then 535, a temporary
# failure with a worded line.  The token comes from passwordeval and
# password_file; it never shows up, plain or base64, in the -v
# transcript, the log or the spool.  Also: a forced mechanism the server
# does not offer, "auth on" against an OAuth-only server, a failing
# passwordeval.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_cmd base64
[ -x "$PY" ] || skip "$PY not found"

USER_=alice@example.com
TOKEN=ya29.GOOD-token_0123456789abcdefXYZ
BAD=ya29.EXPIRED-token_0123456789
PORT=$(_start_server oauth oauth_server.py --user "$USER_" --token "$TOKEN")
D=$T/oauth
printf 'Subject: oauth\n\nbody\n' >"$T/msg"
printf '%s\n' "$TOKEN" >"$T/token"
printf '%s\nsecond line ignored\n' "$BAD" >"$T/badtoken"
chmod 0600 "$T/token" "$T/badtoken"

# auth_tempfail WHAT: refused for now: 75, or 0 with "queued" (hybrid).
auth_tempfail()
{
	case $RC in
	75)	pass "$1: exit 75" ;;
	0)	grep -q -i queued "$T/err" || fail "$1: exit 0, not queued"
		pass "$1: queued for later" ;;
	*)	fail "$1: exit $RC, want 75 or 0+queued" ;;
	esac
}

# last_auth FIELD: that field of the server's last AUTH record.
last_auth()
{
	tail -n 1 "$D/auth.jsonl" | "$PY" -c \
	    'import json,sys; print(json.load(sys.stdin).get(sys.argv[1]))' "$1"
}

# no_secret_anywhere WHAT SECRET: not in stderr, log, spool (plain/b64).
no_secret_anywhere()
{
	_b=$(printf '%s' "$2" | base64 -w0)
	for _f in "$T/err" "$T/sendsmtp.log" $(find "$T/spool" -type f); do
		[ -f "$_f" ] || continue
		assert_file_not_contains "$_f" "$2" "$1: no secret in ${_f#"$T"/}"
		assert_file_not_contains "$_f" "$_b" "$1: no base64 secret in ${_f#"$T"/}"
	done
}

n=0
for MECH in XOAUTH2 OAUTHBEARER; do
	# -- the good token from passwordeval, with -v
	write_config "$PORT" "auth $MECH" "user $USER_" \
	    "passwordeval cat $T/token" "auth_plaintext on"
	run_sendsmtp -v -i rcpt@example.com <"$T/msg"
	assert_rc 0 "$MECH good token: delivered"
	n=$((n + 1))
	assert_msg_count "$D" "$n" "$MECH good token: message arrived"
	assert_eq "$(last_auth mech)" "$MECH" "$MECH: mechanism used"
	assert_eq "$(last_auth ir)" True "$MECH: initial response on the AUTH line"
	assert_eq "$(last_auth framing_ok)" True "$MECH: exact framing"
	assert_eq "$(last_auth result)" 235 "$MECH: server said 235"
	assert_file_contains "$T/err" "-> AUTH $MECH <redacted>" \
	    "$MECH: -v shows the AUTH line redacted"
	if [ "$MECH" = XOAUTH2 ]; then
		payload=$(printf 'user=%s\001auth=Bearer %s\001\001' "$USER_" \
		    "$TOKEN" | base64 -w0)
	else
		payload=$(printf 'n,a=%s,\001auth=Bearer %s\001\001' "$USER_" \
		    "$TOKEN" | base64 -w0)
	fi
	assert_file_not_contains "$T/err" "$payload" "$MECH: no payload in -v"
	no_secret_anywhere "$MECH good" "$TOKEN"

	# -- a bad token (password_file): error challenge, 535, temporary
	write_config "$PORT" "auth $MECH" "user $USER_" \
	    "password_file $T/badtoken" "auth_plaintext on"
	run_sendsmtp -v -i rcpt@example.com <"$T/msg"
	auth_tempfail "$MECH bad token"
	assert_msg_count "$D" "$n" "$MECH bad token: nothing delivered"
	assert_eq "$(last_auth result)" 535 "$MECH bad token: 535 after the error challenge"
	assert_eq "$(last_auth error_reply_ok)" True \
	    "$MECH bad token: the error challenge got the RFC answer"
	assert_file_contains "$T/err" "535 5.7.8 from 127.0.0.1: the server rejected the OAuth2 access token of user $USER_" \
	    "$MECH bad token: worded diagnostic"
	assert_file_contains "$T/err" '"status"' \
	    "$MECH bad token: the server's error report is quoted"
	assert_file_contains "$T/err" "<- 334 <redacted>" \
	    "$MECH bad token: -v redacts the challenge"
	no_secret_anywhere "$MECH bad" "$BAD"
	rm -rf "$T/spool"
done

# -- OAUTHBEARER escapes "," and "=" in the user name (RFC 5801)
stop_server oauth
PORT=$(_start_server oauth2 oauth_server.py --user 'a,b=c@example.com' \
    --token "$TOKEN" --mechs "OAUTHBEARER")
write_config "$PORT" "auth OAUTHBEARER" "user a,b=c@example.com" \
    "passwordeval cat $T/token" "auth_plaintext on"
run_sendsmtp -i rcpt@example.com <"$T/msg"
assert_rc 0 "OAUTHBEARER with , and = in the user name: delivered"
D=$T/oauth2
assert_eq "$(last_auth framing_ok)" True "saslname escaping is what the server decodes"

# -- a forced mechanism the server does not offer
write_config "$PORT" "auth XOAUTH2" "user $USER_" \
    "passwordeval cat $T/token" "auth_plaintext on"
run_sendsmtp -i rcpt@example.com <"$T/msg"
auth_tempfail "XOAUTH2 not offered"
assert_file_contains "$T/err" "does not offer AUTH XOAUTH2 (it offers: OAUTHBEARER)" \
    "not offered: the offered list is named"

# -- "auth on" never picks an OAuth mechanism for a password
write_config "$PORT" "auth on" "user $USER_" "password hunter2" \
    "auth_plaintext on"
run_sendsmtp -i rcpt@example.com <"$T/msg"
auth_tempfail "auth on vs OAuth-only server"
assert_file_contains "$T/err" 'set "auth XOAUTH2" or "auth OAUTHBEARER"' \
    "auth on: the fix for OAuth is named"

# -- passwordeval failures are clear, and no AUTH is attempted
before=$(wc -l <"$D/auth.jsonl")
write_config "$PORT" "auth OAUTHBEARER" "user a,b=c@example.com" \
    "passwordeval exit 3" "auth_plaintext on"
run_sendsmtp -i rcpt@example.com <"$T/msg"
auth_tempfail "failing passwordeval"
assert_file_contains "$T/err" "passwordeval command failed (exit status 3)" \
    "failing passwordeval: exit status named"
write_config "$PORT" "auth OAUTHBEARER" "user a,b=c@example.com" \
    "passwordeval true" "auth_plaintext on"
run_sendsmtp -i rcpt@example.com <"$T/msg"
auth_tempfail "silent passwordeval"
assert_file_contains "$T/err" "passwordeval command printed nothing" \
    "silent passwordeval: named"
assert_eq "$(wc -l <"$D/auth.jsonl")" "$before" "no AUTH without a secret"
finish
