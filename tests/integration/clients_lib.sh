# clients_lib.sh - shared set-up of the real-client tests (t_clients_*):
# a capture server behind a private Postfix smarthost, a sendsmtp config
# with an aliases file, and a "sendmail" wrapper for the clients.
# Source it after lib.sh.
#
#   clients_setup          start both servers, write $CFG, $T/aliases and
#                          the wrapper $T/sendmail; sets D (the capture
#                          directory) and SHORT (this host's short name)
#   next_msg WHAT          wait for the next message relayed by Postfix
#                          and set M to its number
#   assert_no_bcc ADDR     the message M carries no Bcc: and no ADDR
#   client_run NAME CMD... run a client (stdout/stderr to $T/NAME.out/.err),
#                          fail unless it exits 0

clients_setup()
{
	require_sendsmtp
	require_aiosmtpd
	have_postfix || skip "needs root and postfix"
	SHORT=$(hostname | cut -d. -f1)
	_sink=$(start_capture sink)
	D=$T/sink
	PF=$(postfix_start clients "$_sink")
	cat >"$T/aliases" <<EOF
# aliases for the real-client tests
root: admin@example.com
postmaster: root
default: catchall@example.com
EOF
	write_config "$PF" "aliases $T/aliases"
	make_wrapper "$T/sendmail"
	mkdir -p "$T/home"
	M=0
}

next_msg()
{
	M=$((M + 1))
	wait_msgs "$D" "$M" 60
	pass "$1: relayed through Postfix"
}

assert_no_bcc()
{
	assert_eq "$(msg_hcount "$D" "$M" Bcc)" 0 "message $M: no Bcc: header"
	assert_file_not_contains "$(msg_eml "$D" "$M")" "$1" \
	    "message $M: the Bcc address appears nowhere"
}

client_run()
{
	_cn=$1
	shift
	set +e
	"$@" >"$T/$_cn.out" 2>"$T/$_cn.err"
	_crc=$?
	set -e
	if [ "$_crc" != 0 ]; then
		fail "$_cn exited $_crc: $(head -c 400 "$T/$_cn.err")"
	fi
	pass "$_cn: exit 0"
	if [ -s "$T/wrapper.rc" ]; then
		assert_eq "$(tail -n 1 "$T/wrapper.rc")" 0 "$_cn: sendsmtp exit 0"
	fi
}
