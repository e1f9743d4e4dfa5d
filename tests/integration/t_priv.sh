#!/bin/sh
# t_priv.sh - the setgid privilege model (design.md 6, issue 3), as root.
#
# A setgid copy of the binary (group made by this test), the config
# root:GROUP 0640 with a password, the spool root:GROUP 2770 and a
# throwaway unprivileged user.  The copy reads the compiled-in config
# path, so every run happens in a private mount namespace (unshare -m)
# where the test config is bind-mounted over that path; the user runs
# it through setpriv.  Checked:
#   - the user cannot read the config, sendsmtp can send through it
#     (AUTH PLAIN to fault_server.py, the exact credentials);
#   - -C is refused with 77 before it is opened, nothing is sent; root
#     may use -C;
#   - a caller's SASL_PATH plugin, LD_PRELOAD and GNUTLS_DEBUG_LEVEL
#     never act (positive control: they do on a plain run), and the
#     environment the passwordeval child sees holds only the allow-list;
#   - during a session stalled after AUTH the password (plain and both
#     base64 forms) is in none of /proc/PID/cmdline, /proc/PID/environ,
#     stderr (-v), the log file and the spool files, nor after the
#     message is queued;
#   - a group-writable config, a world-readable one with a password and
#     one owned by the caller are refused with 78;
#   - make install DESTDIR=... as root: binary 2755 root:GROUP, config
#     0640 root:GROUP, spool and tmp/queue/corrupt 2770 root:GROUP.
. "${top_srcdir:-.}/tests/integration/lib.sh"

require_sendsmtp
require_aiosmtpd
if [ "$(id -u)" != 0 ]; then
	skip "needs root (creates a group and a user)"
fi
require_cmd groupadd groupdel useradd userdel setpriv unshare mount \
    findmnt cc strings base64 getent stat

G=sstg$$
U=sstu$$
CREATED_PLACEHOLDER=
CREATED_DIRS=
PRIVDIR=

priv_cleanup()
{
	if [ -n "$CREATED_PLACEHOLDER" ]; then
		rm -f "$CREATED_PLACEHOLDER"
	fi
	for _d in $CREATED_DIRS; do
		rmdir "$_d" 2>/dev/null || true
	done
	if getent passwd "$U" >/dev/null 2>&1; then
		userdel "$U" >/dev/null 2>&1 || true
	fi
	if getent group "$G" >/dev/null 2>&1; then
		groupdel "$G" >/dev/null 2>&1 || true
	fi
	if [ -n "$PRIVDIR" ] && [ "${KEEP:-0}" != 1 ]; then
		rm -rf "$PRIVDIR"
	fi
}
trap '_prc=$?; set +e; priv_cleanup; (exit $_prc); _it_cleanup' EXIT

groupadd --system "$G" || fail "groupadd --system $G"
useradd --system --no-create-home -N -g nogroup -s /usr/sbin/nologin "$U" ||
    fail "useradd $U"
UID_U=$(id -u "$U")
GID_U=$(id -g "$U")
GID_G=$(getent group "$G" | cut -d: -f3)

# The setgid bit needs a file system mounted without nosuid.
P=$T/priv
case ,$(findmnt -n -o OPTIONS -T "$T"), in
*,nosuid,*)
	PRIVDIR=$(mktemp -d "$top_builddir/t_priv.XXXXXX")
	P=$PRIVDIR/priv
	;;
esac
mkdir -p "$P/etc" "$P/bin" "$P/mark" "$P/pe" "$P/log"
chmod 0755 "$P" "$P/etc" "$P/bin" "$(dirname "$P")"
chmod 1777 "$P/mark"
chown "$U" "$P/pe"
cp "$SENDSMTP" "$P/bin/sendsmtp"
chgrp "$G" "$P/bin/sendsmtp"
chmod 2755 "$P/bin/sendsmtp"
BIN=$P/bin/sendsmtp
assert_eq "$(stat -c '%A %G' "$BIN")" "-rwxr-sr-x $G" "setgid copy"

# The spool and the log, as make install and the admin make them.
SPOOL=$P/spool
mkdir -p "$SPOOL/tmp" "$SPOOL/queue" "$SPOOL/corrupt"
chgrp -R "$G" "$SPOOL" "$P/log"
chmod 2770 "$SPOOL" "$SPOOL/tmp" "$SPOOL/queue" "$SPOOL/corrupt" "$P/log"
LOG=$P/log/sendsmtp.log

# The compiled-in config path, and how to put the test config there.
DEFCONF=$(strings -a "$SENDSMTP" | grep -E '^/[^ ]*/sendsmtp\.conf$' |
    head -n 1)
[ -n "$DEFCONF" ] || fail "cannot find the default config path in $SENDSMTP"
CONF=$P/etc/sendsmtp.conf
DEFDIR=$(dirname "$DEFCONF")
if [ ! -d "$DEFDIR" ] && [ "$DEFDIR" != /etc ]; then
	# Not installed yet (distcheck's _inst/etc): make the directory for
	# the mount point; what was made is removed at exit, deepest first.
	_d=$DEFDIR
	while [ ! -d "$_d" ]; do
		CREATED_DIRS="$CREATED_DIRS $_d"
		_d=$(dirname "$_d")
	done
	mkdir -p "$DEFDIR"
fi
if [ -f "$DEFCONF" ]; then
	BIND_SRC=$CONF
	BIND_DST=$DEFCONF
elif [ "$(dirname "$DEFCONF")" != /etc ] && [ -d "$(dirname "$DEFCONF")" ]
then
	BIND_SRC=$P/etc
	BIND_DST=$(dirname "$DEFCONF")
else
	: >"$DEFCONF"
	chmod 0600 "$DEFCONF"
	CREATED_PLACEHOLDER=$DEFCONF
	BIND_SRC=$CONF
	BIND_DST=$DEFCONF
fi

PW="Pw-$$-s3cr3t-$(date +%s)"
B64_PLAIN=$(printf '\0alice\0%s' "$PW" | base64 -w0)
B64_PW=$(printf '%s' "$PW" | base64 -w0)

# priv_config PORT [LINE...]: the root:GROUP 0640 config (mode fixed by
# the caller for the negative cases).
priv_config()
{
	_port=$1
	shift
	{
		printf 'host 127.0.0.1\nport %s\ntls off\n' "$_port"
		printf 'domain example.org\ntimeout 5\n'
		printf 'queue_dir %s\nlog %s\n' "$SPOOL" "$LOG"
		printf 'auth plain\nauth_plaintext on\nuser alice\n'
		for _l in "$@"; do
			printf '%s\n' "$_l"
		done
	} >"$CONF"
	chown root:"$G" "$CONF"
	chmod 0640 "$CONF"
}

# as_user CMD...: run CMD as $U (primary group nogroup, no others).
as_user()
{
	setpriv --reuid="$UID_U" --regid="$GID_U" --clear-groups "$@"
}

# run_priv [VAR=VALUE...] -- ARGS... (stdin by redirection): the setgid
# copy as $U with the test config at the default path; sets RC, $T/out,
# $T/err.  The VAR=VALUE pairs are the caller's environment.
run_priv()
{
	_envs=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		_envs="$_envs $1"
		shift
	done
	shift
	: >"$T/out"
	: >"$T/err"
	set +e
	# The caller's variables reach only sendsmtp (env runs it), not
	# unshare, sh and setpriv before it.
	# shellcheck disable=SC2086
	timeout -k 5 60 unshare -m sh -c '
	    mount --bind "$1" "$2" || exit 90
	    shift 2
	    exec setpriv --reuid="$UID_U" --regid="$GID_U" --clear-groups \
		env "$@"
	' sh "$BIND_SRC" "$BIND_DST" $_envs "$BIN" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	set -e
	[ "$RC" != 90 ] || fail "cannot bind-mount the config in a namespace"
	[ "$RC" != 124 ] || fail "sendsmtp did not finish within 60s"
}
export UID_U GID_U

MSG=$T/msg.txt
printf 'From: u@example.org\nTo: bob@example.net\nSubject: priv\n\nhi\n' \
    >"$MSG"

# ------------------------------------------------- a server with AUTH
cat >"$T/auth_ok.json" <<'EOF'
{"extensions": ["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES",
		"AUTH PLAIN"],
 "auth": "235 2.7.0 Authentication successful"}
EOF
PORT=$(start_fault srv --script "$T/auth_ok.json")
priv_config "$PORT" "password $PW"

# 1. The user cannot read the config; sendsmtp can.
if as_user cat "$CONF" >/dev/null 2>&1; then
	fail "user $U can read $CONF"
fi
pass "user cannot read the config (root:$G 0640)"

# The caller's environment: a SASL plugin, a preload, GnuTLS debugging,
# resolver and temp-dir variables.
PLUG=$P/saslplug
mkdir -p "$PLUG"
cat >"$T/fake.c" <<EOF
#include <fcntl.h>
#include <unistd.h>
static void mark(void) __attribute__((constructor));
static void
mark(void)
{
	int fd = open("$P/mark/loaded", O_WRONLY | O_CREAT, 0666);

	if (fd != -1)
		close(fd);
}
int sasl_client_plug_init(void);
int
sasl_client_plug_init(void)
{
	mark();
	return -1;
}
EOF
cc -shared -fPIC -o "$PLUG/libfake.so" "$T/fake.c" ||
    fail "cannot build the fake SASL plugin"
cp "$PLUG/libfake.so" "$PLUG/libplain.so"
chmod 0755 "$PLUG" "$PLUG"/*.so

# Positive controls: the plugin's constructor makes the marker when it
# is loaded, and GNUTLS_DEBUG_LEVEL acts on a plain (not setgid) run.
LD_PRELOAD=$PLUG/libfake.so /bin/true || true
[ -e "$P/mark/loaded" ] || fail "control: the preloaded marker was not made"
GNUTLS_DEBUG_LEVEL=9 "$SENDSMTP" --version >/dev/null 2>"$T/ctl.err" || true
assert_file_contains "$T/ctl.err" "gnutls[" \
    "control: GNUTLS_DEBUG_LEVEL acts on a plain run"
rm -f "$P/mark/loaded"

HOSTILE="SASL_PATH=$PLUG SASL_CONF_PATH=$PLUG LD_PRELOAD=$PLUG/libfake.so
    LD_LIBRARY_PATH=$PLUG GNUTLS_DEBUG_LEVEL=9
    GNUTLS_SYSTEM_PRIORITY_FILE=$P/nonexistent TMPDIR=$P/mark
    LOCALDOMAIN=evil.test RES_OPTIONS=debug HOSTALIASES=$P/mark/h
    FAKETIME=+1d ASAN_OPTIONS=log_path=$P/mark/asan LANG=C.UTF-8"
# shellcheck disable=SC2086
run_priv $HOSTILE -- -t -v <"$MSG"
assert_rc 0 "setgid send as $U exits 0"
wait_msgs "$T/srv" 1
pass "the message was relayed through the root-only config"
assert_file_contains "$T/srv/conn-0001.raw" "AUTH PLAIN $B64_PLAIN" \
    "AUTH PLAIN carried the config's credentials"
assert_no_file "$P/mark/loaded" "caller's SASL_PATH / LD_PRELOAD not loaded"
assert_file_not_contains "$T/err" "gnutls[" "GNUTLS_DEBUG_LEVEL ignored"
assert_file_not_contains "$T/err" "$PW" "no password in the -v transcript"
assert_file_not_contains "$T/err" "$B64_PLAIN" \
    "no base64 PLAIN payload in the -v transcript"
assert_eq "$(find "$P/mark" -mindepth 1 | wc -l)" 0 \
    "nothing written to the caller's TMPDIR or ASan log path"
stop_server srv

# 2. -C: refused before it is opened (a missing file would give 78),
# for a valid file too; nothing is sent.  Root may use it.
PORT=$(start_fault srv2 --script "$T/auth_ok.json")
run_priv -- -C "$P/nonexistent.conf" -t <"$MSG"
assert_rc 77 "-C (missing file) refused with 77"
assert_stderr_one_line "-C is only allowed for root when sendsmtp runs setgid"
cp "$CONF" "$P/etc/other.conf"
sed -i "s/^port .*/port $PORT/" "$P/etc/other.conf"
chown "$U" "$P/etc/other.conf"
chmod 0600 "$P/etc/other.conf"
run_priv -- -C "$P/etc/other.conf" -t <"$MSG"
assert_rc 77 "-C (readable file) refused with 77"
assert_eq "$(find "$T/srv2" -name 'conn-*.raw' | wc -l)" 0 \
    "no connection after a refused -C"
run_priv -- -bp -C "$P/etc/other.conf"
assert_rc 77 "-C refused in -bp mode too"
chown root "$P/etc/other.conf"
set +e
"$BIN" -C "$P/etc/other.conf" -bC >"$T/out" 2>"$T/err"
RC=$?
set -e
assert_rc 0 "root may use -C with the setgid copy"
stop_server srv2

# 3. A session stalled after AUTH: no password anywhere the caller or
# another user could look.
cat >"$T/auth_stall.json" <<'EOF'
{"extensions": ["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES",
		"AUTH PLAIN"],
 "auth": "235 2.7.0 Authentication successful",
 "mail": "stall"}
EOF
PORT=$(start_fault stall --script "$T/auth_stall.json")
priv_config "$PORT" "password $PW"
: >"$T/bg.err"
(
	unshare -m sh -c '
	    mount --bind "$1" "$2" || exit 90
	    shift 2
	    exec setpriv --reuid="$UID_U" --regid="$GID_U" --clear-groups \
		env "$@"
	' sh "$BIND_SRC" "$BIND_DST" SASL_PATH="$PLUG" "$BIN" -v -t \
	    <"$MSG" >/dev/null 2>"$T/bg.err"
	echo $? >"$T/bg.rc"
) &
BG=$!
i=0
while ! grep -q 'MAIL FROM' "$T/stall/conn-0001.raw" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "the session never reached MAIL"
	sleep 0.05
done
SPID=
for _p in /proc/[0-9]*; do
	if [ "$(readlink "$_p/exe" 2>/dev/null)" = "$BIN" ]; then
		SPID=${_p#/proc/}
	fi
done
[ -n "$SPID" ] || fail "cannot find the stalled sendsmtp process"
assert_eq "$(awk '/^Gid:/ { print $2 " " $3 }' "/proc/$SPID/status")" \
    "$GID_U $GID_G" "stalled process: real gid $U's, effective $G"
assert_eq "$(awk '/^Uid:/ { print $2 " " $3 }' "/proc/$SPID/status")" \
    "$UID_U $UID_U" "stalled process: the caller's uid, not setuid"
tr '\0' '\n' <"/proc/$SPID/cmdline" >"$T/cmdline"
tr '\0' '\n' <"/proc/$SPID/environ" >"$T/environ"
assert_file_contains "$T/cmdline" "-t" "cmdline was read"
for f in "$T/cmdline" "$T/environ" "$T/bg.err" "$LOG"; do
	for s in "$PW" "$B64_PLAIN" "$B64_PW"; do
		assert_file_not_contains "$f" "$s" \
		    "stalled: $(basename "$f") free of the secret"
	done
done
assert_file_contains "$T/bg.err" "AUTH PLAIN" \
    "the -v transcript shows the (redacted) AUTH"
NSPOOL=0
for f in $(find "$SPOOL" -type f); do
	NSPOOL=$((NSPOOL + 1))
	for s in "$PW" "$B64_PLAIN" "$B64_PW"; do
		assert_file_not_contains "$f" "$s" "stalled: spool file clean"
	done
done
[ "$NSPOOL" -ge 1 ] || fail "no spool file during the stalled session"
pass "stalled: $NSPOOL spool file(s) checked"
if as_user cat /proc/"$SPID"/environ >/dev/null 2>&1; then
	fail "$U can read /proc/$SPID/environ of the setgid process"
fi
pass "the caller cannot read the setgid process's environ"

# The MAIL timeout (5s) ends it; the message is queued, still clean.
wait "$BG" || true
assert_eq "$(cat "$T/bg.rc")" 0 "stalled send queued (exit 0)"
NQ=0
for f in $(find "$SPOOL/queue" -type f); do
	NQ=$((NQ + 1))
	assert_eq "$(stat -c '%G %a' "$f")" "$G 640" "queued file $G 0640"
	for s in "$PW" "$B64_PLAIN" "$B64_PW"; do
		assert_file_not_contains "$f" "$s" "queued file clean"
	done
done
assert_eq "$NQ" 2 "one queue entry (.env + .msg)"
for s in "$PW" "$B64_PLAIN" "$B64_PW"; do
	assert_file_not_contains "$T/bg.err" "$s" "final stderr clean"
	assert_file_not_contains "$LOG" "$s" "final log clean"
done
stop_server stall
rm -f "$SPOOL"/queue/*

# 4. The passwordeval child: only the allow-list, run as the caller.
PORT=$(start_fault srv3 --script "$T/auth_ok.json")
priv_config "$PORT" \
    "passwordeval \"env >$P/pe/env; id -G >$P/pe/gid; echo $PW\""
# shellcheck disable=SC2086
run_priv $HOSTILE NAME=Someone -- -t <"$MSG"
assert_rc 0 "send with passwordeval"
for v in SASL_PATH SASL_CONF_PATH LD_PRELOAD LD_LIBRARY_PATH \
    GNUTLS_DEBUG_LEVEL GNUTLS_SYSTEM_PRIORITY_FILE TMPDIR LOCALDOMAIN \
    RES_OPTIONS HOSTALIASES FAKETIME ASAN_OPTIONS NAME; do
	if grep -q "^$v=" "$P/pe/env"; then
		fail "$v reached the passwordeval child:" \
		    "$(grep "^$v=" "$P/pe/env")"
	fi
done
pass "caller's variables cut from the environment"
assert_file_contains "$P/pe/env" "LANG=C.UTF-8" "LANG passes"
assert_file_contains "$P/pe/env" "PATH=/usr/local/bin:/usr/bin:/bin" \
    "PATH is fixed"
assert_eq "$(cat "$P/pe/gid")" "$GID_U" "passwordeval runs without $G"
stop_server srv3

# 5. Insecure configs are refused with 78 (nothing sent).
priv_config 9 "password $PW"
chmod 0660 "$CONF"
run_priv -- -t <"$MSG"
assert_rc 78 "group-writable config"
assert_stderr_one_line "group-writable"
chmod 0644 "$CONF"
run_priv -- -t <"$MSG"
assert_rc 78 "world-readable config with a password"
assert_stderr_one_line "holds a password and is world-readable"
chmod 0640 "$CONF"
chown "$U" "$CONF"
run_priv -- -t <"$MSG"
assert_rc 78 "config owned by the caller"
assert_stderr_one_line "must be owned by root \(sendsmtp runs setgid\)"
chown root "$CONF"

# 6. make install DESTDIR=... as root: owners and modes.
if [ -f "$top_builddir/Makefile" ] && command -v make >/dev/null 2>&1; then
	D=$T/dest
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" \
	    install DESTDIR="$D" SENDSMTP_GROUP="$G" >"$T/install.log" 2>&1 ||
	    { cat "$T/install.log" >&2; fail "make install DESTDIR failed"; }
	IBIN=$(find "$D" -type f -name sendsmtp -path '*sbin*' | head -n 1)
	ICONF=$(find "$D" -type f -name sendsmtp.conf | head -n 1)
	IQ=$(find "$D" -type d -name queue -path '*sendsmtp*' | head -n 1)
	[ -n "$IBIN" ] && [ -n "$ICONF" ] && [ -n "$IQ" ] ||
	    fail "installed files not found under $D"
	assert_eq "$(stat -c '%a %U %G' "$IBIN")" "2755 root $G" \
	    "installed binary 2755 root:$G"
	assert_eq "$(stat -c '%a %U %G' "$ICONF")" "640 root $G" \
	    "installed config 0640 root:$G"
	ISP=$(dirname "$IQ")
	for d in "$ISP" "$ISP/tmp" "$ISP/queue" "$ISP/corrupt"; do
		assert_eq "$(stat -c '%a %U %G' "$d")" "2770 root $G" \
		    "installed ${d#"$D"} 2770 root:$G"
	done
else
	printf 'note: no build tree Makefile: make install not tested\n'
fi

finish
