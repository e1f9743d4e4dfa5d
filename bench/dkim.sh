#!/bin/sh
# bench/dkim.sh - what DKIM signing costs per message: "sendsmtp -odq"
# (intake + commit to a private spool, no network) without DKIM, with an
# RSA-2048 key, with an Ed25519 key, and with both, for a small (2 KB)
# and a large (1 MB) message.  The difference to the unsigned run is the
# signing cost: key file read + import, body hash, one signature per
# key, and rewriting the file with the signature fields.
#
# Then dkim_bench.c, built here against the build directory's
# libsendsmtp.a, times dkim_sign_fd() in-process (no process start-up in
# the number).
#
# Not part of "make check".  Usage, from the build directory:
#   sh /path/to/bench/dkim.sh [path/to/sendsmtp]   (default: ./sendsmtp)
# RUNS=N sets hyperfine's runs (default 50).  Needs certtool; uses
# hyperfine when installed, else a shell loop timed with date +%s%N.
set -eu

SENDSMTP=${1:-./sendsmtp}
RUNS=${RUNS:-50}
[ -x "$SENDSMTP" ] || { echo "bench/dkim.sh: no binary at $SENDSMTP" >&2; exit 1; }
command -v certtool >/dev/null || { echo "bench/dkim.sh: needs certtool" >&2; exit 1; }
SENDSMTP=$(cd "$(dirname "$SENDSMTP")" && pwd)/$(basename "$SENDSMTP")

B=$(mktemp -d "${TMPDIR:-/tmp}/sendsmtp-bench-dkim.XXXXXX")
trap 'rm -rf "$B"' EXIT
mkdir -p "$B/spool/tmp" "$B/spool/queue" "$B/spool/corrupt"
chmod 0700 "$B/spool"
certtool --generate-privkey --bits 2048 --outfile "$B/rsa.pem" >/dev/null 2>&1
certtool --generate-privkey --key-type=ed25519 --outfile "$B/ed.pem" \
    >/dev/null 2>&1
chmod 0600 "$B"/*.pem

conf()	# NAME [LINES...]
{
	_n=$1
	shift
	{
		printf 'host 127.0.0.1\nport 9\ntls off\ndomain example.org\n'
		printf 'queue_dir %s/spool\nlog off\n' "$B"
		for _l in "$@"; do printf '%s\n' "$_l"; done
	} >"$B/$_n.conf"
	chmod 0600 "$B/$_n.conf"
}
conf none
conf rsa "dkim_domain example.org" "dkim_selector r" \
    "dkim_key_file $B/rsa.pem"
conf ed "dkim_domain example.org" "dkim_selector e" \
    "dkim_key_file $B/ed.pem"
conf both "dkim_domain example.org" "dkim_selector r, e" \
    "dkim_key_file $B/rsa.pem, $B/ed.pem"

{
	printf 'From: bench@example.org\nTo: rcpt@example.org\n'
	printf 'Subject: DKIM bench\n\n'
	i=0
	while [ $i -lt 30 ]; do
		printf 'A line of text for the benchmark body, number %d.\n' $i
		i=$((i + 1))
	done
} >"$B/small"
{
	printf 'From: bench@example.org\nTo: rcpt@example.org\n'
	printf 'Subject: DKIM bench, large\n\n'
	i=0
	while [ $i -lt 16384 ]; do
		printf '%063d\n' $i
		i=$((i + 1))
	done
} >"$B/large"

echo "sendsmtp: $SENDSMTP"
echo "messages: small $(wc -c <"$B/small") bytes, large $(wc -c <"$B/large") bytes"
for m in small large; do
	if command -v hyperfine >/dev/null; then
		# A shell per run (stdin redirection); its cost is in every row.
		hyperfine --warmup 3 --runs "$RUNS" --style basic \
		    --prepare "rm -rf $B/spool/queue; mkdir $B/spool/queue" \
		    --export-markdown "$B/$m.md" \
		    -n "$m, no DKIM" "$SENDSMTP -C $B/none.conf -odq rcpt@example.org <$B/$m" \
		    -n "$m, RSA-2048" "$SENDSMTP -C $B/rsa.conf -odq rcpt@example.org <$B/$m" \
		    -n "$m, Ed25519" "$SENDSMTP -C $B/ed.conf -odq rcpt@example.org <$B/$m" \
		    -n "$m, RSA + Ed25519" "$SENDSMTP -C $B/both.conf -odq rcpt@example.org <$B/$m" \
		    >/dev/null
		cat "$B/$m.md"
		echo
	else
		for c in none rsa ed both; do
			t0=$(date +%s%N)
			i=0
			while [ $i -lt "$RUNS" ]; do
				"$SENDSMTP" -C "$B/$c.conf" -odq rcpt@example.org \
				    <"$B/$m"
				i=$((i + 1))
			done
			t1=$(date +%s%N)
			rm -rf "$B/spool/queue"
			mkdir "$B/spool/queue"
			echo "$m $c: $(( (t1 - t0) / RUNS / 1000 )) us/message"
		done
	fi
done

# In-process: the signing call alone.
BUILD=$(dirname "$SENDSMTP")
SRC=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$BUILD/libsendsmtp.a" ] && [ -f "$BUILD/autoconf.h" ]; then
	# shellcheck disable=SC2046
	cc -O2 -I"$SRC/compat" -I"$SRC/src" -I"$BUILD" -include autoconf.h \
	    -o "$B/dkim_bench" "$SRC/bench/dkim_bench.c" \
	    "$BUILD/libsendsmtp.a" $(pkg-config --libs gnutls libsasl2) \
	    -lresolv
	echo "dkim_sign_fd() in-process, per message:"
	for m in small large; do
		# dkim_sign_fd reads msg.c's output: CRLF line ends.
		sed 's/$/\r/' "$B/$m" >"$B/$m.crlf"
		for c in rsa ed both; do
			printf '  %-5s %-4s ' "$m" "$c"
			"$B/dkim_bench" "$B/$c.conf" "$B/$m.crlf" $((RUNS * 10))
		done
	done
else
	echo "(no libsendsmtp.a next to $SENDSMTP: in-process numbers skipped)"
fi
