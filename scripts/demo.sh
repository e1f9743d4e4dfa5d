#!/bin/sh
# demo.sh - see sendsmtp relay one message, end to end, in a few seconds.
#
#   scripts/demo.sh
#
# Builds sendsmtp if needed (in build-demo/, the source tree stays clean),
# starts a throwaway SMTP server on 127.0.0.1 that plays the smarthost,
# writes a temporary config pointing at it, sends a message the way PHP's
# mail() does (or with printf | sendsmtp -t -i when php is missing), and
# shows exactly what the smarthost received.  Everything it starts or
# writes is removed at the end.  Needs python3-aiosmtpd.
# SENDSMTP=/path/to/sendsmtp uses an existing binary.
set -eu

cd "$(dirname "$0")/.."
SRC=$PWD
PY=/usr/bin/python3
if [ -t 1 ]; then
	B=$(printf '\033[1m')
	N=$(printf '\033[0m')
else
	B=
	N=
fi
step()
{
	printf '\n%s==> %s%s\n' "$B" "$*" "$N"
}

if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
	echo "demo.sh: needs python3-aiosmtpd (sudo scripts/install-deps.sh)" >&2
	exit 1
fi

# 1. A binary.
if [ -z "${SENDSMTP:-}" ]; then
	SENDSMTP=$SRC/build-demo/sendsmtp
	if [ ! -x "$SENDSMTP" ]; then
		if [ ! -x "$SRC/configure" ] || [ ! -f "$SRC/build-aux/install-sh" ]; then
			step "autoreconf -fi (generating ./configure)"
			autoreconf -fi
		fi
		step "building sendsmtp in build-demo/"
		mkdir -p "$SRC/build-demo"
		(cd "$SRC/build-demo" &&
		    { [ -f Makefile ] || "$SRC/configure" -q; } &&
		    make -j"$(nproc 2>/dev/null || echo 2)" sendsmtp)
	fi
fi
step "using $SENDSMTP"

# 2. A throwaway smarthost.
T=$(mktemp -d "${TMPDIR:-/tmp}/sendsmtp-demo.XXXXXX")
SERVER_PID=
cleanup()
{
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "starting a capture SMTP server on 127.0.0.1 (it plays the smarthost)"
"$PY" "$SRC/tests/integration/capture_server.py" --outdir "$T/received" \
    --port 0 --port-file "$T/port" --log "$T/server.log" \
    </dev/null >/dev/null 2>&1 &
SERVER_PID=$!
i=0
while [ ! -s "$T/port" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
		echo "demo.sh: the capture server did not start" >&2
		exit 1
	fi
	sleep 0.05
done
PORT=$(cat "$T/port")
echo "listening on 127.0.0.1:$PORT"

# 3. A config for it.
step "writing a config ($T/sendsmtp.conf)"
mkdir -p "$T/spool/tmp" "$T/spool/queue" "$T/spool/corrupt"
cat >"$T/sendsmtp.conf" <<CONF
host 127.0.0.1
port $PORT
tls off
domain example.org
queue_dir $T/spool
log $T/sendsmtp.log
CONF
chmod 0600 "$T/sendsmtp.conf"
sed 's/^/    /' "$T/sendsmtp.conf"

# 4. Send.
if command -v php >/dev/null 2>&1; then
	step "sending as PHP's mail() would:"
	echo "    php -d sendmail_path='sendsmtp -C ... -t -i' -r 'mail(...)'"
	php -d sendmail_path="$SENDSMTP -C $T/sendsmtp.conf -t -i" -r '
	    $ok = mail("alice@example.com", "Hello from sendsmtp",
	        "It works.\nThis line came from PHP mail().\n",
	        "From: Web App <webapp@example.org>",
	        "-fbounces@example.org");
	    echo "    mail() returned ", var_export($ok, true), "\n";'
else
	step "sending: printf ... | sendsmtp -t -i"
	set +e
	printf 'To: alice@example.com\nFrom: Demo <demo@example.org>\nSubject: Hello from sendsmtp\n\nIt works.\n' |
	    "$SENDSMTP" -C "$T/sendsmtp.conf" -t -i
	echo "    sendsmtp exited $?"
	set -e
fi

# 5. Show it.
step "what the smarthost received (envelope, then the message as sent):"
"$PY" "$SRC/tests/integration/smtpcheck.py" show "$T/received" |
    sed 's/^/    /'
if [ "$("$PY" "$SRC/tests/integration/smtpcheck.py" count "$T/received")" = 0 ]; then
	echo "    (nothing arrived; sendsmtp's log: $(cat "$T/sendsmtp.log" 2>/dev/null))"
fi

step "stopping the server and removing $T"
