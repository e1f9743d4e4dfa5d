# postfix.sh - a private Postfix instance as the real smarthost (POSIX sh).
# Sourced by lib.sh; needs root and the postfix package.  The system
# Postfix (/etc/postfix, port 25) is never touched and need not run.
#
#   PF_PORT=$(postfix_start NAME RELAYPORT [main.cf lines...])
#       writes $T/pf-NAME/{conf,queue,data}, relays every message it
#       accepts to [127.0.0.1]:RELAYPORT (a capture server), listens with
#       smtpd on 127.0.0.1:<free port>, prints that port.  Its log is
#       $T/pf-NAME/maillog.  Extra arguments are appended to main.cf
#       (later lines win), e.g. for TLS/SASL in later tests.
#   postfix_prepare ... ; (customise) ; PF_PORT=$(postfix_run NAME)
#       the same in two steps, to add SASL/TLS files or master.cf lines.
#   postfix_flush NAME       ask the queue manager to retry now
#   postfix_stop CONFDIR     stop it and make sure none of its processes
#                            are left (cleanup does this for you)
#
# Several instances (several tests at once) can run: each has its own
# directories and ports.  Everything that makes Postfix a strict,
# transparent oracle is in _postfix_main_cf below.

_postfix_main_cf()	# DIR SMTPD_PORT RELAYPORT
{
	cat <<EOF
# private test instance written by tests/integration/postfix.sh
compatibility_level = 3.6
config_directory = $1/conf
queue_directory = $1/queue
data_directory = $1/data
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-test
maillog_file = $1/maillog
maillog_file_prefixes = $1
myhostname = postfix.test
mydomain = test
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relayhost = [127.0.0.1]:$3
smtpd_banner = \$myhostname ESMTP private test instance
biff = no
append_dot_mydomain = no
# Strict line-ending oracle: a bare LF (or CR) in SMTP input is an error.
# The default exclusions (\$mynetworks) would exempt 127.0.0.1: clear them.
smtpd_forbid_bare_newline = reject
smtpd_forbid_bare_newline_exclusions =
# Transparency: pass the message on as sendsmtp sent it, so the capture
# server behind us sees sendsmtp's headers and line lengths.
local_header_rewrite_clients =
always_add_missing_headers = no
smtp_line_length_limit = 0
disable_mime_output_conversion = yes
smtputf8_enable = yes
message_size_limit = 52428800
# Fast retries so relayed mail arrives within seconds.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
smtp_connect_timeout = 5s
bounce_queue_lifetime = 0
# TLS and SASL are added by later tests through extra main.cf lines.
smtpd_tls_security_level = none
smtp_tls_security_level = none
EOF
}

_postfix_master_cf()	# SMTPD_PORT
{
	cat <<EOF
# service type private unpriv chroot wakeup maxproc command
127.0.0.1:$1 inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

# postfix_prepare NAME RELAYPORT [main.cf lines...]: write the instance's
# directories, main.cf and master.cf (smtpd on a fresh free port, saved in
# $T/pf-NAME/port) without starting it, so a test can add more first:
# conf/sasl/smtpd.conf, TLS files, more master.cf listeners (e.g. an smtps
# service on another "freeport").  Then postfix_run NAME.
postfix_prepare()
{
	_pn=$1
	_relay=$2
	shift 2
	command -v postfix >/dev/null 2>&1 || skip "postfix is not installed"
	require_root
	_pd=$T/pf-$_pn
	mkdir -p "$_pd/conf" "$_pd/queue" "$_pd/data"
	chmod 0755 "$_pd" "$_pd/conf" "$_pd/queue"
	chown postfix "$_pd/data"
	chmod 0700 "$_pd/data"
	_pp=$(freeport)
	printf '%s\n' "$_pp" >"$_pd/port"
	{
		_postfix_main_cf "$_pd" "$_pp" "$_relay"
		for _l in "$@"; do
			printf '%s\n' "$_l"
		done
	} >"$_pd/conf/main.cf"
	_postfix_master_cf "$_pp" >"$_pd/conf/master.cf"
}

# postfix_run NAME: start a prepared instance, wait for its smtpd port,
# print the port.
postfix_run()
{
	_pd=$T/pf-$1
	_pp=$(cat "$_pd/port")
	printf '%s\n' "$_pd/conf" >>"$T/.postfix"
	if ! postfix -c "$_pd/conf" start >"$_pd/start.log" 2>&1; then
		cat "$_pd/start.log" "$_pd/maillog" >&2 2>/dev/null
		fail "private postfix $1 did not start (see above)"
	fi
	if ! wait_port "$_pp" 10; then
		cat "$_pd/maillog" >&2 2>/dev/null
		fail "private postfix $1 is not listening on $_pp"
	fi
	printf '%s\n' "$_pp"
}

# postfix_start NAME RELAYPORT [main.cf lines...]: prepare and run.
postfix_start()
{
	postfix_prepare "$@"
	postfix_run "$1"
}

postfix_flush()	# NAME
{
	postqueue -c "$T/pf-$1/conf" -f >/dev/null 2>&1 || true
}

# postfix_stop CONFDIR: stop the instance and wait until no process of it
# is left; only processes whose working directory is its queue directory
# (postfix's daemons chdir there) are ever signalled.
postfix_stop()
{
	_conf=$1
	_q=$(dirname "$_conf")/queue
	[ -d "$_q" ] || return 0
	_mpid=
	if [ -s "$_q/pid/master.pid" ]; then
		_mpid=$(tr -d ' \n' <"$_q/pid/master.pid")
	fi
	postfix -c "$_conf" stop >/dev/null 2>&1 || true
	_w=0
	while [ -n "$_mpid" ] && _alive "$_mpid" && [ $_w -lt 100 ]; do
		sleep 0.1
		_w=$((_w + 1))
	done
	for _p in /proc/[0-9]*; do
		_cwd=$(readlink "$_p/cwd" 2>/dev/null) || continue
		case $_cwd in
		"$_q"|"$_q"/*)
			kill -KILL "${_p#/proc/}" 2>/dev/null || true ;;
		esac
	done
}

# have_postfix: true when a private Postfix can be started (root, postfix
# installed).  Otherwise prints a note and returns false, so a test can
# skip just its Postfix leg; under IT_STRICT=1 that is a failure instead.
have_postfix()
{
	if [ "$(id -u)" = 0 ] && command -v postfix >/dev/null 2>&1; then
		return 0
	fi
	if [ "${IT_STRICT:-0}" = 1 ]; then
		fail "the Postfix leg needs root and postfix (IT_STRICT=1)"
	fi
	printf 'note: not root or no postfix: skipping the Postfix leg\n'
	return 1
}

# ------------------------------------------------------------ SASL (AUTH)

# postfix_enable_sasl NAME USER PASS "MECH ..." [REALM]: turn on Cyrus SASL
# AUTH in the running instance NAME: users in a private sasldb2
# ($T/pf-NAME/conf/sasl/sasldb2, made with saslpasswd2; PASS is stored in the
# clear, which CRAM-MD5 and SCRAM need), the mechanisms offered limited
# to MECH... ("mech_list"), and relaying only for authenticated clients
# (so mail that arrives proves AUTH worked).  Call it between
# postfix_prepare and postfix_run, or on a running instance (then it
# reloads Postfix and waits until EHLO offers AUTH).  USER authenticates without a realm; the
# realm (default "test.realm") is smtpd_sasl_local_domain.  Debian's
# Postfix reads the Cyrus settings from CONFDIR/sasl/smtpd.conf (its
# cyrus_sasl_config_path is not enough), so everything lives there.
postfix_enable_sasl()
{
	_sn=$1
	_su=$2
	_sp=$3
	_sm=$4
	_sr=${5:-test.realm}
	_sd=$T/pf-$_sn
	_sc=$_sd/conf/sasl
	command -v saslpasswd2 >/dev/null 2>&1 ||
	    skip "saslpasswd2 is not installed (package sasl2-bin)"
	mkdir -p "$_sc"
	chmod 0755 "$_sc"
	if ! printf '%s\n' "$_sp" | saslpasswd2 -p -c -f "$_sc/sasldb2" \
	    -u "$_sr" "$_su"; then
		fail "saslpasswd2 could not add $_su@$_sr"
	fi
	chown postfix "$_sc/sasldb2"
	chmod 0600 "$_sc/sasldb2"
	cat >"$_sc/smtpd.conf" <<EOT
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $_sc/sasldb2
mech_list: $_sm
EOT
	chmod 0644 "$_sc/smtpd.conf"
	cat >>"$_sd/conf/main.cf" <<EOT
# SASL, added by postfix_enable_sasl
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = $_sr
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
EOT
	# Between postfix_prepare and postfix_run there is nothing to reload.
	if postfix -c "$_sd/conf" status >/dev/null 2>&1; then
		postfix -c "$_sd/conf" reload >/dev/null 2>&1 ||
		    fail "postfix reload failed (see $_sd/maillog)"
		_postfix_wait_ehlo "$_sd" AUTH
	fi
}

# postfix_sasl_add_user NAME USER PASS [REALM]: another sasldb2 user.
postfix_sasl_add_user()
{
	if ! printf '%s\n' "$3" | saslpasswd2 -p -c \
	    -f "$T/pf-$1/conf/sasl/sasldb2" -u "${4:-test.realm}" "$2"; then
		fail "saslpasswd2 could not add $2"
	fi
}

# _postfix_wait_ehlo PFDIR KEYWORD: wait (10 s) until the instance's
# smtpd listener offers KEYWORD in its EHLO reply (after a reload).
_postfix_wait_ehlo()
{
	_wp=$(cat "$1/port")
	"$PY" - "$_wp" "$2" <<'EOT' || fail "postfix does not offer $2 after reload (see $1/maillog)"
import socket, sys, time
port, kw = int(sys.argv[1]), sys.argv[2].upper()
end = time.time() + 10
while time.time() < end:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        f = s.makefile("rwb")
        f.readline()
        f.write(b"EHLO probe.test\r\n"); f.flush()
        lines = []
        while True:
            l = f.readline()
            if not l:
                break
            lines.append(l.decode("ascii", "replace").upper())
            if l[3:4] == b" ":
                break
        f.write(b"QUIT\r\n"); f.flush()
        s.close()
        if any(l[4:].startswith(kw) for l in lines):
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
EOT
}

# ------------------------------------------------------------ TLS (issue 3)

# SPORT=$(postfix_enable_tls NAME CERT KEY [CAFILE]): give the running
# instance NAME a server certificate: STARTTLS on its smtpd port
# (smtpd_tls_security_level = may) and a new implicit-TLS port
# (smtpd_tls_wrappermode, "encrypt"), whose number is printed.  With
# CAFILE it asks clients for a certificate (smtpd_tls_ask_ccert) and
# verifies it against CAFILE; the Received: header it adds names the
# protocol and the client certificate ("Client CN ... (verified OK)").
postfix_enable_tls()
{
	_tn=$1
	_td=$T/pf-$_tn
	[ -d "$_td/conf" ] || fail "postfix_enable_tls: no instance $_tn"
	{
		printf 'smtpd_tls_security_level = may\n'
		printf 'smtpd_tls_cert_file = %s\n' "$2"
		printf 'smtpd_tls_key_file = %s\n' "$3"
		printf 'smtpd_tls_loglevel = 1\n'
		printf 'smtpd_tls_received_header = yes\n'
		if [ -n "${4:-}" ]; then
			printf 'smtpd_tls_CAfile = %s\n' "$4"
			printf 'smtpd_tls_ask_ccert = yes\n'
		fi
	} >>"$_td/conf/main.cf"
	_ts=$(freeport)
	printf '127.0.0.1:%s inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt\n' \
	    "$_ts" >>"$_td/conf/master.cf"
	postfix -c "$_td/conf" reload >>"$_td/start.log" 2>&1 ||
	    { cat "$_td/start.log" "$_td/maillog" >&2 2>/dev/null;
	      fail "postfix reload with TLS failed"; }
	wait_port "$_ts" 10 ||
	    { cat "$_td/maillog" >&2 2>/dev/null;
	      fail "private postfix is not listening on $_ts (smtps)"; }
	printf '%s\n' "$_ts"
}
