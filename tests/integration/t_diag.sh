#!/bin/sh
# t_diag: the error catalogue end to end (design.md 7, issue 6).  Each
# failure class of the troubleshooting list - unreachable host, wrong
# port or protocol, 530/534/535 AUTH, 550/554 rejections, 421/451
# throttling, 450 greylisting, mailbox full, unknown mailbox, a stalled
# server, a broken config - is reproduced with a scripted server or a
# broken config, and its catalogue line (cause and fix) must appear:
#   - on stderr in hybrid mode (one line),
#   - in the log's attempt line (diag=...),
#   - in mailq's last error when the message was queued,
#   - in the --check step that fails (with the recipient for RCPT cases),
#   - in the bounce (mailbox full, -oem).
# One table row per class; certificate classes are in t_diag_tls.sh.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd

printf 'Subject: diag test\n\nbody\n' >"$T/msg"
AUTHEXT='["PIPELINING", "SIZE 10485760", "8BITMIME", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN"]'
AUTHCFG="user alice@example.org|password s3cretpw|auth_plaintext on"
n=0

# row NAME WANT CHECKSTEP PHRASE SERVER-OPTS CONFIG-LINES
#   WANT       "queued" (temporary: exit 0, queued) or the exit code
#   CHECKSTEP  the --check step that must fail with PHRASE, "-" = none
#              (a refusal after DATA cannot be seen without sending)
#   SERVER-OPTS fault_server.py options ("-" = no server: closed port)
#   CONFIG-LINES extra config lines separated by '|' ("" = none)
row()
{
	_name=$1 _want=$2 _step=$3 _phrase=$4 _sopts=$5 _cfg=$6
	n=$((n + 1))
	if [ "$_sopts" = - ]; then
		_port=$(freeport)
	else
		# shellcheck disable=SC2086
		eval "_port=\$(start_fault r$n $_sopts)"
	fi
	rm -rf "$T/spool"
	: >"$T/sendsmtp.log"
	_old_ifs=$IFS
	IFS='|'
	# shellcheck disable=SC2086
	write_config "$_port" 'timeout 2' 'from me@example.org' $_cfg
	IFS=$_old_ifs

	# 1. a real submission: stderr, exit code, the log, mailq
	run_sendsmtp -i bob@example.com <"$T/msg"
	if [ "$_want" = queued ]; then
		assert_rc 0 "$_name: exit 0 (queued)"
		assert_file_contains "$T/err" "queued as" "$_name: queued"
	else
		assert_rc "$_want" "$_name: exit $_want"
	fi
	assert_stderr_one_line
	assert_file_contains "$T/err" "$_phrase" "$_name: stderr has the advice"
	# values are quoted with \" inside: undo that to compare
	grep 'result=' "$T/sendsmtp.log" | sed 's/\\"/"/g' >"$T/attempt" ||
	    true
	assert_eq "$(grep -c '' "$T/attempt")" 1 "$_name: one attempt line"
	assert_file_contains "$T/attempt" "$_phrase" \
	    "$_name: the log line has the advice"
	assert_file_contains "$T/attempt" "to=<bob@example.com>" \
	    "$_name: the log line names the recipient"
	if [ "$_want" = queued ]; then
		run_sendsmtp -bp </dev/null
		assert_file_contains "$T/out" "last error: " "$_name: mailq"
		assert_file_contains "$T/out" "$_phrase" \
		    "$_name: mailq's last error has the advice"
	fi

	# 2. --check (with the recipient, so RCPT refusals show too)
	if [ "$_step" != - ]; then
		run_sendsmtp --check bob@example.com </dev/null
		[ "$RC" != 0 ] || fail "$_name: --check exit 0"
		pass "$_name: --check exit $RC"
		grep "^\[FAIL\] $_step " "$T/out" >"$T/failline" ||
		    fail "$_name: no failed $_step step: $(cat "$T/out")"
		assert_file_contains "$T/failline" "$_phrase" \
		    "$_name: --check $_step has the advice"
		assert_file_contains "$T/out" "stopped at $_step" \
		    "$_name: --check stops at $_step"
	fi
	[ "$_sopts" = - ] || stop_server "r$n"
}

# -- connection level
row refused queued connect \
    'nothing accepts connections there: is the smarthost running and is the port right?' \
    - ''
row stalled queued greeting \
    'raise "timeout" in sendsmtp.conf if it is just slow' \
    '--scenario stall_greeting' ''
row protocol queued greeting \
    'is this an SMTP server, and is the port right?' \
    "--set 'greeting=[\"220-x\", \"999 junk\"]'" ''
row no_starttls queued tls \
    'Fix the server or, for a trusted network only, set "tls off"' \
    '' 'tls starttls'
row implicit_on_plain queued tls \
    'this port speaks SMTP with STARTTLS, not implicit TLS; set "tls starttls"' \
    '' 'tls smtps'
row unknown_host queued dns \
    '/etc/resolv.conf' \
    - 'host nonexistent.invalid'
# -- throttling and deferrals
row greet421 queued greeting \
    'the server is busy, throttling or shutting down' \
    '--scenario greet421' ''
row mail451_rate queued envelope \
    'the server is rate-limiting this client' \
    "--set 'mail=451 4.7.1 Rate limit exceeded, slow down'" ''
row rcpt450_grey queued envelope \
    'greylisting or a temporary policy' \
    "--rcpt '*=450 4.7.1 Greylisted, please try again in 300 seconds'" ''
row rcpt452_full queued envelope \
    "the recipient's mailbox is full" \
    "--rcpt '*=452 4.2.2 Mailbox full'" ''
# -- AUTH
row auth535 queued auth \
    'wrong user name or password: check "user" and the password source. If the account uses two-factor authentication, use an app password or OAuth2' \
    "--set 'extensions=$AUTHEXT' --set 'auth=535 5.7.8 Authentication credentials invalid'" \
    "$AUTHCFG"
row auth534 queued auth \
    'create an app password' \
    "--set 'extensions=$AUTHEXT' --set 'auth=534 5.7.9 Application-specific password required'" \
    "$AUTHCFG"
row auth_not_offered queued auth \
    'or set "auth off" if the server needs no login' \
    '' "$AUTHCFG"
row mail530 queued envelope \
    'the server requires authentication: set "user" and a password source' \
    "--set 'mail=530 5.7.0 Authentication required'" ''
# -- rejections (permanent)
row rcpt550_unknown 67 envelope \
    "the recipient's mailbox does not exist: check the address for typos" \
    '--scenario rcpt550' ''
row mail550_sender 69 envelope \
    'the server does not let this account send as this sender' \
    '--scenario mail550' ''
row rcpt554_relay 69 envelope \
    'the smarthost does not relay for this client' \
    '--scenario rcpt554' ''
row rcpt554_blocklist 69 envelope \
    'is on a blocklist: check it on public blocklists' \
    "--rcpt '*=554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org'" ''
row eod554_spam 69 - \
    "the server's filter judged the content" \
    '--scenario eod554' ''
row eod550_dmarc 69 - \
    'the message failed DMARC' \
    "--set 'eod=550 5.7.26 Unauthenticated email is not accepted due to the sending domain DMARC policy'" ''
row eod550_spf 69 - \
    "SPF of the sender's domain does not allow this server" \
    "--set 'eod=550 5.7.23 SPF validation failed'" ''
row eod552_size 65 - \
    'the message is larger than the server accepts' \
    '--scenario eod552' ''
row rcpt552_full 69 envelope \
    "the recipient's mailbox is full: they must free space" \
    "--rcpt '*=552 5.2.2 Mailbox full'" ''

# -- a broken config: exit 78, the file and line, and --check says so
write_config 1 'hots smtp.example.com'
run_sendsmtp -i bob@example.com <"$T/msg"
assert_rc 78 "broken config: exit 78"
assert_stderr_one_line 'unknown key "hots"'
run_sendsmtp --check </dev/null
assert_rc 78 "broken config: --check exit 78"
grep '^\[FAIL\] config ' "$T/out" >"$T/failline" || fail "no config failure"
assert_file_contains "$T/failline" 'unknown key "hots"' "--check config names it"

# -- the bounce of a refusal carries the same advice (-oem: mailed back
# at once through the same server, which takes mail for the sender)
p=$(start_fault bounce --rcpt 'bob*=552 5.2.2 Mailbox full')
rm -rf "$T/spool"
write_config "$p" 'timeout 2' 'from me@example.org'
run_sendsmtp -oem -i bob@example.com <"$T/msg"
wait_msgs "$T/bounce" 1 10
assert_eq "$(msg_field "$T/bounce" 1 mail_from)" "" \
    "the bounce has the null sender"
"$PY" - "$T/bounce/$(msg_field "$T/bounce" 1 eml)" <<'EOF' >"$T/bounce.txt"
import sys
print(open(sys.argv[1], "rb").read().decode("utf-8", "replace")
      .replace("\r\n    ", " ").replace("\r\n", "\n"))
EOF
assert_file_contains "$T/bounce.txt" \
    "What this means: the recipient's mailbox is full: they must free space" \
    "the bounce explains the refusal"
stop_server bounce

# -- --json: a tool gets the failing step, the catalogue id and the line
p=$(start_fault json --scenario rcpt550)
write_config "$p" 'timeout 2' 'from me@example.org'
run_sendsmtp --check --json bob@example.com </dev/null
assert_rc 67 "--check --json: exit 67"
"$PY" - "$T/out" <<'EOF' || fail "--check --json: $(cat "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["ok"] is False and j["exit"] == 67, j
assert j["failed_step"] == "envelope", j["failed_step"]
f = [s for s in j["steps"] if s["status"] == "fail"]
assert len(f) == 1 and f[0]["error"]["class"] == "smtp-x.1.1", f
assert "mailbox does not exist" in f[0]["error"]["text"], f
assert [s["step"] for s in j["steps"]][:4] == \
    ["config", "dns", "connect", "greeting"], j["steps"]
EOF
pass "--check --json: failing step, class and text"
stop_server json

# -- a good server: --check passes (exit 0) and nothing was sent
p=$(start_fault good)
write_config "$p" 'timeout 2' 'from me@example.org'
run_sendsmtp --check bob@example.com </dev/null
assert_rc 0 "--check against a good server: exit 0"
assert_file_contains "$T/out" "a message could be sent" "--check says so"
assert_msg_count "$T/good" 0 "--check sent no message"
assert_file_not_contains "$T/good/conn-0001.raw" "DATA" "--check: no DATA"
assert_file_contains "$T/good/conn-0001.raw" "RSET" "--check: RSET"
# the sandbox has no DNS: the TXT lookups say so at once
assert_file_contains "$T/out" "not checked: DNS unavailable" \
    "SPF/DMARC: DNS unavailable"
run_sendsmtp --check --json </dev/null
assert_rc 0 "--check --json against a good server: exit 0"
"$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["ok"] is True and j["exit"] == 0, j' "$T/out" ||
    fail "--check --json: $(cat "$T/out")"
pass "--check --json: ok"
stop_server good
finish
