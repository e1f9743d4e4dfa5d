#!/bin/sh
# t_git_send_email: git send-email --smtp-server=<sendmail> of a patch with
# a line that is just "." (and one starting with ".."), to two recipients.
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_sendsmtp
require_aiosmtpd
require_cmd git
[ -x "$(git --exec-path)/git-send-email" ] ||
    skip "git send-email is not installed (git-email)"
perl -MMail::Address -e 1 2>/dev/null ||
    skip "Mail::Address is not installed (libmailtools-perl)"

CAP=$(start_capture cap)
write_config "$CAP"
make_wrapper "$T/sendmail"
D=$T/cap
HOME=$T/home
GIT_CONFIG_NOSYSTEM=1
export HOME GIT_CONFIG_NOSYSTEM
mkdir "$HOME" "$T/repo"
cd "$T/repo"
git init -q
git config user.name Dev
git config user.email dev@example.org
printf 'hello\n' >f.txt
git add f.txt
git commit -q -m init
printf 'hello\n.\n.leading\n' >f.txt
git commit -q -a -F - <<'MSG'
Change with dot lines

First paragraph.
.
After the dot line.
..two dots
MSG
git format-patch -q -1 -o "$T/patches"
set +e
git send-email --smtp-server="$T/sendmail" --to=a@example.com \
    --to=b@example.com --confirm=never --suppress-cc=all \
    --from="Dev <dev@example.org>" --quiet "$T"/patches/*.patch \
    >"$T/git.out" 2>"$T/git.err"
grc=$?
set -e
cd "$T"
assert_eq "$grc" 0 "git send-email exit code"
assert_eq "$(cat "$T/wrapper.argv")" "<-i> <a@example.com> <b@example.com> " \
    "git's argv"
assert_msg_count "$D" 1 "one message"
assert_eq "$(msg_field "$D" 1 rcpt_tos | tr '\n' ' ')" \
    "a@example.com b@example.com " "both recipients"
assert_eq "$(msg_header "$D" 1 Subject)" "[PATCH] Change with dot lines" \
    "Subject: header"
assert_eq "$(msg_hcount "$D" 1 Message-ID)" 1 \
    "git's Message-Id kept, none added"
# The body must be the patch file's body, line for line.
sed '1,/^$/d' "$T"/patches/*.patch >"$T/want"
msg_body "$D" 1 | sed 's/\r$//' >"$T/got"
cmp -s "$T/got" "$T/want" || {
	diff -u "$T/want" "$T/got" | head -20 >&2
	fail "body differs from the patch"
}
pass "patch body intact (lone '.' and '..' lines kept)"
smtpcheck wirecheck "$(msg_raw "$D" 1)" || fail "bad line ends on the wire"
pass "only CRLF on the wire"
# On the wire both dot lines must be stuffed (RFC 5321 4.5.2).
if ! grep -F -q -a -x "$(printf '\056\056\r')" "$(msg_raw "$D" 1)"; then
	fail "the lone '.' line was not dot-stuffed on the wire"
fi
pass "lone '.' line sent as '..'"

# The same patch through the private Postfix smarthost (strict about bare
# LF) into a second capture server: it arrives intact there too.
if have_postfix; then
	CAP2=$(start_capture cap2)
	PF=$(postfix_start pf "$CAP2")
	write_config "$PF"
	cd "$T/repo"
	set +e
	git send-email --smtp-server="$T/sendmail" --to=c@example.com \
	    --confirm=never --suppress-cc=all --from="Dev <dev@example.org>" \
	    --quiet "$T"/patches/*.patch >"$T/git2.out" 2>"$T/git2.err"
	grc=$?
	set -e
	cd "$T"
	assert_eq "$grc" 0 "git send-email via Postfix: exit code"
	wait_msgs "$T/cap2" 1
	assert_msg_count "$T/cap2" 1 "via Postfix: one message"
	assert_eq "$(msg_field "$T/cap2" 1 rcpt_tos)" "c@example.com" \
	    "via Postfix: the recipient"
	msg_body "$T/cap2" 1 | sed 's/\r$//' >"$T/got2"
	cmp -s "$T/got2" "$T/want" || {
		diff -u "$T/want" "$T/got2" | head -20 >&2
		fail "via Postfix: body differs from the patch"
	}
	pass "via Postfix: patch body intact"
elif [ "${IT_STRICT:-0}" = 1 ]; then
	fail "postfix is not available (IT_STRICT=1)"
fi
finish
