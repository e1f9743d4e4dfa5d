#!/bin/sh
# bench/run.sh - sendsmtp against msmtp on the same local sink ("make
# bench" runs it from the build directory; not part of "make check").
#
# Needs root (apt-get, smtp-sink -u nobody, a private Postfix), the
# postfix package (smtp-sink, the TLS + AUTH relay), certtool, sasl2-bin
# and /usr/bin/time; installs Debian's msmtp (not msmtp-mta, which would
# take /usr/sbin/sendmail) when it is missing.
#
# Servers, all on 127.0.0.1 high ports, all stopped at exit:
#   smtp-sink                 the sink; plaintext, PIPELINING
#   private Postfix smtpd     STARTTLS (test PKI) + AUTH PLAIN (sasldb),
#                             relaying to the sink (tests/integration/
#                             postfix.sh), as a real submission server
#   delayproxy.py x2          10 ms each way (20 ms RTT) in front of the
#                             sink and of Postfix; counts round trips
# Then bench.py runs the scenarios and prints the table (also left in
# $BENCH_OUT, default ./bench-table.md).  BENCH_QUICK=1: few repetitions
# (a smoke test of the harness); KEEP=1 keeps the scratch directory.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
export top_srcdir
. "$top_srcdir/tests/integration/lib.sh"
. "$ITDIR/pki.sh"
BENCHDIR=$top_srcdir/bench
: "${BENCH_OUT:=$PWD/bench-table.md}"

require_root
require_sendsmtp
require_cmd smtp-sink
require_cmd /usr/bin/time
if ! command -v msmtp >/dev/null 2>&1; then
	printf 'bench: installing msmtp (apt-get)\n' >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends msmtp >"$T/apt.log" 2>&1 ||
	    { cat "$T/apt.log" >&2; fail "cannot install msmtp"; }
fi
MSMTP=$(command -v msmtp)

# Our own background processes (smtp-sink, the proxies): stopped by PID
# with the command line checked, as lib.sh does for its servers.
: >"$T/.bench_pids"
_bench_cleanup()
{
	_brc=$?
	set +e
	while read -r _bp _bpat; do
		_kill_pid "$_bp" "$_bpat"
	done <"$T/.bench_pids"
	if [ -n "${PFQ_TMPFS:-}" ]; then
		postfix_stop "$T/pf-bench/conf"
		umount "$PFQ_TMPFS"
	fi
	(exit "$_brc")
	_it_cleanup
}
trap _bench_cleanup EXIT

# start_proxy NAME TARGETPORT: print the proxy's port.
start_proxy()
{
	rm -f "$T/proxy-$1.port"
	"$PY" "$BENCHDIR/delayproxy.py" --target "$2" --delay-ms 10 \
	    --stats "$T/proxy-$1.stats" --port-file "$T/proxy-$1.port" \
	    </dev/null >"$T/proxy-$1.log" 2>&1 &
	printf '%s %s\n' "$!" "$BENCHDIR/delayproxy.py" >>"$T/.bench_pids"
	_w=0
	while [ ! -s "$T/proxy-$1.port" ]; do
		_w=$((_w + 1))
		[ $_w -lt 200 ] || fail "delayproxy $1 did not start"
		sleep 0.05
	done
	cat "$T/proxy-$1.port"
}

# ---------------------------------------------------------------- servers
pki_make "$T/pki"
SINK=$(freeport)
smtp-sink -u nobody "127.0.0.1:$SINK" 1024 </dev/null >"$T/sink.log" 2>&1 &
printf '%s smtp-sink\n' "$!" >>"$T/.bench_pids"
wait_port "$SINK" 10 || fail "smtp-sink is not listening on $SINK"

postfix_prepare bench "$SINK" \
    'smtpd_tls_session_cache_timeout = 3600s' \
    'default_process_limit = 20'
postfix_enable_sasl bench alice benchpass "PLAIN LOGIN"
# Postfix fsyncs each message before its 250; on a tmpfs that costs
# nothing, so the relay measures the clients rather than this disk (both
# clients gain the same milliseconds).  sendsmtp's own spool stays on
# disk: its durable queue is part of what is measured.
PFQ_TMPFS=
if mount -t tmpfs -o size=512m,mode=0755 tmpfs "$T/pf-bench/queue" \
    2>/dev/null; then
	PFQ_TMPFS=$T/pf-bench/queue
	printf 'postfix queue: tmpfs\n' >"$T/pfqueue.txt"
else
	printf 'postfix queue: %s (no tmpfs: mount failed)\n' "$T" \
	    >"$T/pfqueue.txt"
fi
PF=$(postfix_run bench)
postfix_enable_tls bench "$T/pki/good.pem" "$T/pki/good.key" >/dev/null

PSINK=$(start_proxy sink "$SINK")
PPF=$(start_proxy pf "$PF")

# ---------------------------------------------------------------- configs
# sendsmtp: s-NAME.conf with its own spool; msmtp: m-NAME.conf.
sconf()		# NAME HOST PORT TLS [LINE...]
{
	_n=$1 _h=$2 _p=$3 _t=$4
	shift 4
	mkdir -p "$T/spool-$_n/tmp" "$T/spool-$_n/queue" \
	    "$T/spool-$_n/corrupt"
	chmod 0700 "$T/spool-$_n"
	{
		printf 'host %s\nport %s\ntls %s\n' "$_h" "$_p" "$_t"
		printf 'domain example.org\ntimeout 30\n'
		printf 'queue_dir %s/spool-%s\n' "$T" "$_n"
		for _l in "$@"; do
			printf '%s\n' "$_l"
		done
	} >"$T/s-$_n.conf"
	chmod 0600 "$T/s-$_n.conf"
}

mconf()		# NAME HOST PORT [LINE...]
{
	_n=$1 _h=$2 _p=$3
	shift 3
	{
		printf 'account default\nhost %s\nport %s\n' "$_h" "$_p"
		printf 'from bench@example.org\ndomain example.org\n'
		printf 'timeout 30\nsyslog off\n'
		for _l in "$@"; do
			printf '%s\n' "$_l"
		done
	} >"$T/m-$_n.conf"
	chmod 0600 "$T/m-$_n.conf"
}

SAUTH="auth PLAIN
user alice
password benchpass
tls_trust_file $T/pki/ca.pem"
MPLAIN="tls off
auth off"
MTLS="tls on
tls_starttls on
tls_trust_file $T/pki/ca.pem
auth plain
user alice
password benchpass"

sconf plain 127.0.0.1 "$SINK" off
sconf plain20 127.0.0.1 "$PSINK" off
sconf q 127.0.0.1 "$PSINK" off
sconf tls localhost "$PF" starttls "$SAUTH"
sconf tls20 localhost "$PPF" starttls "$SAUTH"
mconf plain 127.0.0.1 "$SINK" "$MPLAIN"
mconf plain20 127.0.0.1 "$PSINK" "$MPLAIN"
mconf tls localhost "$PF" "$MTLS"
mconf tls20 localhost "$PPF" "$MTLS"

# ---------------------------------------------------------------- messages
"$PY" - "$T" <<'EOF'
import base64, os, sys
t = sys.argv[1]
def msg(path, size):
    head = (b"From: Bench <bench@example.org>\nTo: bench@example.net\n"
            b"Subject: sendsmtp benchmark\n"
            b"Message-ID: <bench@example.org>\n"
            b"Date: Thu, 01 Jan 2026 00:00:00 +0000\n\n")
    with open(path, "wb") as f:
        f.write(head)
        left = size - len(head)
        line = (b"0123456789abcdefghijklmnopqrstuvwxyz"
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab\n")
        while left > 0:
            chunk = line * min(left // len(line) + 1, 13000)
            chunk = chunk[:left]
            f.write(chunk)
            left -= len(chunk)
msg(os.path.join(t, "msg1k"), 1024)
msg(os.path.join(t, "msg50m"), 50 * 1024 * 1024)
EOF

# Warm up both clients (page cache, the TLS cache of sendsmtp).
for _c in plain tls; do
	"$SENDSMTP" -C "$T/s-$_c.conf" bench@example.net <"$T/msg1k" ||
	    fail "sendsmtp cannot send through s-$_c.conf"
	"$MSMTP" -C "$T/m-$_c.conf" bench@example.net <"$T/msg1k" ||
	    fail "msmtp cannot send through m-$_c.conf"
done

# ---------------------------------------------------------------- run
{
	printf 'machine: %s CPUs, %s, kernel %s\n' "$(nproc)" \
	    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo |
	    head -n 1)" "$(uname -r)"
	printf 'msmtp: %s\n' "$("$MSMTP" --version | head -n 1)"
	cat "$T/pfqueue.txt"
	printf 'load before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$T/machine.txt"
export T SENDSMTP MSMTP
"$PY" "$BENCHDIR/bench.py" >"$T/table.out" || fail "bench.py failed"
printf 'load after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" \
    >>"$T/machine.txt"
{
	printf 'date: %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	cat "$T/machine.txt"
	printf '\n'
	cat "$T/table.out"
} >"$BENCH_OUT"
cat "$BENCH_OUT"
