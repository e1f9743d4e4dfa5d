# lib.sh - shared helpers for tests/integration/t_*.sh (POSIX sh).
#
# Source it first:   . "${top_srcdir:-.}/tests/integration/lib.sh"
# Environment (exported by "make check"; defaults let a test run by hand
# from the source tree as "sh tests/integration/t_basic.sh"):
#   top_srcdir, top_builddir, SENDSMTP (the binary under test)
#   KEEP=1            keep the per-test directory $T (printed at exit)
#   IT_WRAPPER="..."  prefix for every sendsmtp run (e.g. "valgrind -q
#                     --error-exitcode=99 --leak-check=full")
#   IT_TIMEOUT=N      seconds before a sendsmtp run is killed (default 60)
#   IT_STRICT=1       a missing tool fails instead of skipping (CI)
# Exit codes follow automake: 0 pass, 1 fail, 77 skip.
#
# Conventions:
#   $T          the per-test directory (mode 0711; removed at exit)
#   $CFG        the sendsmtp config written by write_config
#   run_sendsmtp ARGS... <FILE   runs "$SENDSMTP -C $CFG ARGS", sets RC and
#               writes $T/out and $T/err.  Feed stdin by redirection, not
#               by a pipe: "printf x | run_sendsmtp" runs the function in
#               a subshell and RC is lost.
#   start_capture NAME [opts] / start_fault NAME [opts]  print the port;
#               messages land in $T/NAME (see smtpcheck.py).

set -eu

TEST_NAME=$(basename "$0" .sh)
if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
fi
: "${top_builddir:=$top_srcdir}"
: "${SENDSMTP:=$top_builddir/sendsmtp}"
ITDIR=$top_srcdir/tests/integration
PY=/usr/bin/python3
NCHECKS=0
RC=
export LC_ALL=C

T=$(mktemp -d "${TMPDIR:-/tmp}/sendsmtp-it.$TEST_NAME.XXXXXX")
# Postfix's daemons (user postfix) must be able to reach $T/pf-*/.
chmod 0711 "$T"
CFG=$T/sendsmtp.conf
: >"$T/.pids"
: >"$T/.postfix"

# ------------------------------------------------------------ reporting

skip()
{
	if [ "${IT_STRICT:-0}" = 1 ]; then
		printf 'FAIL: %s: would skip (IT_STRICT=1): %s\n' \
		    "$TEST_NAME" "$*" >&2
		exit 1
	fi
	printf 'SKIP: %s: %s\n' "$TEST_NAME" "$*" >&2
	exit 77
}

pass()
{
	NCHECKS=$((NCHECKS + 1))
	printf 'ok %d - %s\n' "$NCHECKS" "$*"
}

# fail MESSAGE: print it, the last sendsmtp run's output, and exit 1.
fail()
{
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*" >&2
	if [ -n "$RC" ]; then
		printf -- '--- last sendsmtp run: exit %s; stderr:\n' "$RC" >&2
		sed -n '1,40p' "$T/err" >&2 2>/dev/null || true
		if [ -s "$T/out" ]; then
			printf -- '--- stdout:\n' >&2
			sed -n '1,20p' "$T/out" >&2 || true
		fi
	fi
	exit 1
}

finish()
{
	printf 'PASS: %s: %d checks\n' "$TEST_NAME" "$NCHECKS"
	exit 0
}

require_sendsmtp()
{
	if [ ! -x "$SENDSMTP" ]; then
		skip "no sendsmtp binary at $SENDSMTP (build it first)"
	fi
}

require_cmd()
{
	for _cmd in "$@"; do
		command -v "$_cmd" >/dev/null 2>&1 || skip "$_cmd is not installed"
	done
}

require_root()
{
	if [ "$(id -u)" != 0 ]; then
		skip "needs root (private Postfix instance)"
	fi
}

require_aiosmtpd()
{
	[ -x "$PY" ] || skip "$PY not found"
	"$PY" -c 'import aiosmtpd' 2>/dev/null ||
	    skip "python3-aiosmtpd is not installed for $PY"
}

# ------------------------------------------------------------ assertions

assert_eq()	# GOT WANT DESCRIPTION
{
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3: got '$1', want '$2'"
	fi
}

assert_rc()	# WANT [DESCRIPTION]
{
	assert_eq "$RC" "$1" "${2:-exit code}"
}

assert_contains()	# HAYSTACK NEEDLE DESCRIPTION
{
	case $1 in
	*"$2"*)	pass "$3" ;;
	*)	fail "$3: '$2' not found in '$1'" ;;
	esac
}

assert_not_contains()	# HAYSTACK NEEDLE DESCRIPTION
{
	case $1 in
	*"$2"*)	fail "$3: '$2' found in '$1'" ;;
	*)	pass "$3" ;;
	esac
}

assert_file_contains()	# FILE FIXED-STRING DESCRIPTION
{
	if grep -F -q -e "$2" "$1" 2>/dev/null; then
		pass "$3"
	else
		fail "$3: '$2' not in $1"
	fi
}

assert_file_not_contains()	# FILE FIXED-STRING DESCRIPTION
{
	if grep -F -q -e "$2" "$1" 2>/dev/null; then
		fail "$3: '$2' found in $1: $(grep -F -e "$2" "$1" | head -3)"
	else
		pass "$3"
	fi
}

assert_empty()	# FILE DESCRIPTION
{
	if [ -s "$1" ]; then
		fail "$2: $1 is not empty: $(head -c 300 "$1")"
	else
		pass "$2"
	fi
}

assert_no_file()	# PATH DESCRIPTION
{
	if [ -e "$1" ] || [ -L "$1" ]; then
		fail "$2: $1 exists"
	else
		pass "$2"
	fi
}

# assert_stderr_one_line [ERE]: $T/err holds exactly one line (sendsmtp's
# one-line diagnostic), matching ERE (case-insensitive) when given.
assert_stderr_one_line()
{
	_nl=$(grep -c "" "$T/err" || true)
	if [ "$_nl" != 1 ]; then
		fail "want exactly one stderr line, got $_nl"
	fi
	if [ $# -gt 0 ] && ! grep -E -i -q -e "$1" "$T/err"; then
		fail "stderr line does not match /$1/: $(cat "$T/err")"
	fi
	pass "one stderr line${1:+ matching /$1/}"
}

assert_msg_count()	# DIR N DESCRIPTION
{
	assert_eq "$(msg_count "$1")" "$2" "$3"
}

# ------------------------------------------------------------ recorded mail

smtpcheck() { "$PY" "$ITDIR/smtpcheck.py" "$@"; }
msg_count() { smtpcheck count "$1"; }
msg_field() { smtpcheck field "$1" "$2" "$3"; }	# DIR SEQ FIELD
msg_header() { smtpcheck header "$1" "$2" "$3"; }	# DIR SEQ NAME
msg_hcount() { smtpcheck hcount "$1" "$2" "$3"; }	# DIR SEQ NAME
msg_body() { smtpcheck body "$1" "$2"; }		# DIR SEQ
msg_eml() { smtpcheck eml "$1" "$2"; }			# DIR SEQ
msg_raw() { printf '%s/%s\n' "$1" "$(msg_field "$1" "$2" raw)"; }

# wait_msgs DIR N [SECS]: wait for N accepted messages (Postfix relays
# asynchronously).
wait_msgs()
{
	smtpcheck wait "$1" "$2" "${3:-30}" ||
	    fail "timed out waiting for $2 message(s) in $1 (have $(msg_count "$1"))"
}

# ------------------------------------------------------------ servers

freeport() { smtpcheck freeport "${1:-1}"; }

wait_port()	# PORT [SECS]
{
	smtpcheck waitport "$1" "${2:-10}"
}

# _start_server NAME SCRIPT ARGS...: start a Python server in the
# background (its own log in $T/NAME.log), wait for its port file, print
# the port.  The PID goes to $T/.pids so cleanup stops only what we
# started.
_start_server()
{
	_n=$1
	_s=$2
	shift 2
	rm -f "$T/$_n.port"
	"$PY" "$ITDIR/$_s" --outdir "$T/$_n" --port 0 \
	    --port-file "$T/$_n.port" --pid-file "$T/$_n.pid" "$@" \
	    </dev/null >"$T/$_n.log" 2>&1 &
	_pid=$!
	printf '%s %s %s\n' "$_n" "$_pid" "$_s" >>"$T/.pids"
	_i=0
	while [ ! -s "$T/$_n.port" ]; do
		if ! kill -0 "$_pid" 2>/dev/null; then
			cat "$T/$_n.log" >&2
			fail "$_s ($_n) exited at start"
		fi
		_i=$((_i + 1))
		[ $_i -lt 200 ] || fail "$_s ($_n) did not start in 10s"
		sleep 0.05
	done
	cat "$T/$_n.port"
}

start_capture()	# NAME [capture_server.py options]
{
	_c=$1
	shift
	_start_server "$_c" capture_server.py --log "$T/$_c.log" "$@"
}

start_fault()	# NAME [fault_server.py options: --scenario X, --set ...]
{
	_f=$1
	shift
	_start_server "$_f" fault_server.py "$@"
}

# _alive PID: the process exists and is not a zombie (servers started in a
# $(...) subshell are reparented to init, which may reap them late).
_alive()
{
	[ -r "/proc/$1/status" ] || return 1
	case $(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' \
	    "/proc/$1/status" 2>/dev/null) in
	Z|X|"")	return 1 ;;
	esac
	return 0
}

# _kill_pid PID PATTERN: SIGTERM, then SIGKILL after 5s, only if the
# process still runs a command line containing PATTERN (PIDs get reused).
_kill_pid()
{
	[ -r "/proc/$1/cmdline" ] || return 0
	tr '\0' ' ' <"/proc/$1/cmdline" | grep -F -q -e "$2" || return 0
	kill -TERM "$1" 2>/dev/null || return 0
	_k=0
	while _alive "$1" && [ $_k -lt 100 ]; do
		sleep 0.05
		_k=$((_k + 1))
	done
	if _alive "$1"; then
		kill -KILL "$1" 2>/dev/null || true
	fi
}

stop_server()	# NAME
{
	while read -r _n _p _s; do
		if [ "$_n" = "$1" ]; then
			_kill_pid "$_p" "$ITDIR/$_s"
		fi
	done <"$T/.pids"
}

# ------------------------------------------------------------ sendsmtp

# write_config PORT [LINE...]: the sendsmtp config for a plaintext server on
# 127.0.0.1:PORT, extra "key value" lines appended; also the spool.
write_config()
{
	_port=$1
	shift
	mkdir -p "$T/spool/tmp" "$T/spool/queue" "$T/spool/corrupt"
	chmod 0700 "$T/spool"
	{
		printf '# written by tests/integration/lib.sh for %s\n' \
		    "$TEST_NAME"
		printf 'host 127.0.0.1\n'
		printf 'port %s\n' "$_port"
		printf 'tls off\n'
		printf 'domain example.org\n'
		printf 'timeout 10\n'
		printf 'queue_dir %s/spool\n' "$T"
		printf 'log %s/sendsmtp.log\n' "$T"
		for _l in "$@"; do
			printf '%s\n' "$_l"
		done
	} >"$CFG"
	chmod 0600 "$CFG"
}

# run_sendsmtp ARGS... (stdin by redirection): sets RC, $T/out, $T/err.
run_sendsmtp()
{
	: >"$T/out"
	: >"$T/err"
	set +e
	# shellcheck disable=SC2086
	timeout -k 5 "${IT_TIMEOUT:-60}" ${IT_WRAPPER:-} "$SENDSMTP" \
	    -C "$CFG" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	set -e
	if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
		fail "sendsmtp $* did not finish within ${IT_TIMEOUT:-60}s"
	fi
	return 0
}

# make_wrapper PATH: an executable that runs sendsmtp with -C $CFG and the
# caller's arguments, for clients that take a "sendmail" path (mailx, git,
# PHP).  Each call appends its argv to $T/wrapper.argv (one line, each
# argument in <>), its stderr to $T/wrapper.err and exit code to
# $T/wrapper.rc.
make_wrapper()
{
	{
		printf '#!/bin/sh\n'
		printf 'for a in "$@"; do printf "<%%s> " "$a"; done >>%s\n' \
		    "'$T/wrapper.argv'"
		printf 'echo >>%s\n' "'$T/wrapper.argv'"
		printf '%s %s -C %s "$@" 2>>%s\n' "${IT_WRAPPER:-}" \
		    "'$SENDSMTP'" "'$CFG'" "'$T/wrapper.err'"
		printf 'rc=$?\necho $rc >>%s\nexit $rc\n' "'$T/wrapper.rc'"
	} >"$1"
	chmod 0755 "$1"
}

# ------------------------------------------------------------ cleanup

_it_cleanup()
{
	_rc=$?
	set +e
	if [ -s "$T/.postfix" ]; then
		while read -r _d; do
			postfix_stop "$_d"
		done <"$T/.postfix"
	fi
	if [ -s "$T/.pids" ]; then
		while read -r _n _p _s; do
			_kill_pid "$_p" "$ITDIR/$_s"
		done <"$T/.pids"
	fi
	if [ "${KEEP:-0}" = 1 ]; then
		printf 'KEEP=1: test files left in %s\n' "$T" >&2
	else
		rm -rf "$T"
	fi
	exit $_rc
}
trap _it_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

. "$ITDIR/postfix.sh"
