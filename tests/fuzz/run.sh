#!/bin/sh
# run.sh - run the libFuzzer targets built by "make fuzz", one at a time.
#
#   tests/fuzz/run.sh [-t SECONDS] [-o OUTDIR] [-k] FUZZDIR [TARGET...]
#
# FUZZDIR holds the fuzz_* programs (BUILDDIR/fuzz).  Each target runs
# for SECONDS (default 15) on a working corpus OUTDIR/TARGET/ (default
# OUTDIR: FUZZDIR/run) seeded from tests/fuzz/corpus/TARGET/, which is
# never written to.  Without -k the working corpus starts empty each
# time (the CI smoke run); with -k it is kept and grows across runs (the
# long run).  Crash, leak, timeout and out-of-memory reproducers are
# written as OUTDIR/TARGET/crash-* etc.; the log is OUTDIR/TARGET.log.
# tests/fuzz/dict/TARGET.dict, when present, is passed as -dict.
# One summary line per target: executions, coverage (cov, ft), corpus.
# Exit status: 0 when every target finished clean, 1 otherwise.
# Targets default to all, network- and user-facing parsers first.
set -u

SECS=15
OUT=
KEEP=0
while getopts t:o:k opt; do
	case $opt in
	t) SECS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	k) KEEP=1 ;;
	*) echo "usage: $0 [-t SECONDS] [-o OUTDIR] [-k] FUZZDIR" \
	    "[TARGET...]" >&2; exit 64 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 1 ]; then
	echo "usage: $0 [-t SECONDS] [-o OUTDIR] [-k] FUZZDIR [TARGET...]" >&2
	exit 64
fi
FUZZDIR=$(cd "$1" && pwd)
shift
SEEDS=$(cd "$(dirname "$0")" && pwd)/corpus
: "${OUT:=$FUZZDIR/run}"
TARGETS=${*:-reply smtpd msg hdr addr cli envelope config aliases hdrfix}

# Leaks are findings; a UBSan report aborts (build.sh), so it is one too.
: "${ASAN_OPTIONS:=detect_leaks=1:abort_on_error=1}"
export ASAN_OPTIONS
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=
mkdir -p "$OUT"
for t in $TARGETS; do
	bin=$FUZZDIR/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin missing: run \"make fuzz\" first" >&2
		failed="$failed $t"
		continue
	fi
	work=$OUT/$t
	[ "$KEEP" = 1 ] || rm -rf "$work"
	mkdir -p "$work/corpus"
	start=$(date +%s)
	# -timeout: one input over 10 s is a finding (a hang);
	# -max_len: long enough for 998-octet lines and folding.
	dict=
	[ -f "$SEEDS/../dict/$t.dict" ] && dict=-dict=$SEEDS/../dict/$t.dict
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=8192 -print_final_stats=1 $dict \
	    -artifact_prefix="$work/" "$work/corpus" "$SEEDS/$t" \
	    >"$OUT/$t.log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	# the last status line: "#N DONE cov: C ft: F corp: K/..."
	stats=$(grep -E '^#[0-9]+[[:space:]]' "$OUT/$t.log" | tail -n 1)
	execs=$(grep -E '^stat::number_of_executed_units:' "$OUT/$t.log" |
	    awk '{print $2}')
	cov=$(echo "$stats" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$stats" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$stats" | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')
	if [ "$rc" = 0 ] &&
	    ! ls "$work" | grep -qE '^(crash|leak|timeout|oom|slow-unit)-'; then
		res=ok
	else
		res="FAILED (exit $rc; see $OUT/$t.log)"
		failed="$failed $t"
	fi
	printf '%-9s %4ss execs %-10s cov %-5s ft %-6s corpus %-5s %s\n' \
	    "$t" "$secs" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
	    "$res"
	if [ "$res" != ok ]; then
		grep -E -A 12 'ERROR|fuzz: |runtime error' "$OUT/$t.log" |
		    head -n 40
		ls "$work" | grep -E '^(crash|leak|timeout|oom)-' |
		    sed "s|^|  reproducer: $work/|"
	fi
done
if [ -n "$failed" ]; then
	echo "run.sh: findings in:$failed" >&2
	exit 1
fi
exit 0
