#!/bin/sh
# build.sh - build the libFuzzer targets with clang, ASan and UBSan.
#
#   tests/fuzz/build.sh SRCDIR BUILDDIR [LIBOBJS]
#
# "make fuzz" runs it from a configured build directory (it needs that
# directory's autoconf.h); the normal build (gcc) is not touched.
# Objects and the fuzz_* programs go to BUILDDIR/fuzz/; an object is
# rebuilt when it is missing or older than a file its .d lists.  LIBOBJS
# is configure's list of compat/ replacements ("compat/strlcpy.o ...").
# Environment: CC (default clang, then clang-14), FUZZ_CFLAGS (extra
# flags), JOBS (parallel compiles, default nproc).
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 SRCDIR BUILDDIR [LIBOBJS]" >&2
	exit 64
fi
SRC=$1
BLD=$2
LIBOBJS=${3:-}
OUT=$BLD/fuzz
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

if [ -z "${CC:-}" ] || ! "$CC" --version 2>/dev/null | grep -q clang; then
	CC=
	for c in clang clang-14; do
		if command -v "$c" >/dev/null 2>&1; then
			CC=$c
			break
		fi
	done
fi
if [ -z "$CC" ]; then
	echo "build.sh: clang not found; apt-get install clang" \
	    "libfuzzer-14-dev libclang-rt-14-dev" >&2
	exit 1
fi
if [ ! -f "$BLD/autoconf.h" ]; then
	echo "build.sh: $BLD/autoconf.h missing: run configure first" >&2
	exit 1
fi

# The targets and what each one reads (the modules come from one
# archive, so each program links only the objects it uses).
TARGETS="reply smtpd msg hdr addr cli envelope config aliases hdrfix"
# src/ files the targets need: the base layer and the pure parsers.
MODULES="util buf b64 log diag catalog envelope priv cli cli_flags config
config_keys hdr addr aliases hdrfix msg reply smtpd_cmd"

CFLAGS="-std=gnu99 -g -O1 -fno-omit-frame-pointer
-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
-Wall -Wextra -Wno-unused-parameter ${FUZZ_CFLAGS:-}"
CPPFLAGS="-I$SRC/compat -I$SRC/src -I$SRC/tests/fuzz -I$BLD"

mkdir -p "$OUT/obj"

# stale OBJ: 0 when OBJ must be (re)built.
stale()
{
	[ -f "$1" ] && [ -f "${1%.o}.d" ] || return 0
	# every dependency in the .d (after the "obj:" target)
	for dep in $(sed -e 's/\\$//' -e 's/^[^:]*://' "${1%.o}.d"); do
		[ "$dep" -nt "$1" ] && return 0
	done
	return 1
}

# The compile jobs: "SOURCE OBJECT" lines for what is stale.
jobs=$OUT/obj/jobs
: >"$jobs"
for m in $MODULES; do
	stale "$OUT/obj/$m.o" && echo "$SRC/src/$m.c $OUT/obj/$m.o" >>"$jobs"
done
for o in $LIBOBJS; do
	m=$(basename "$o" .o)
	stale "$OUT/obj/compat_$m.o" &&
	    echo "$SRC/compat/$m.c $OUT/obj/compat_$m.o" >>"$jobs"
done
for t in util $TARGETS; do
	stale "$OUT/obj/fuzz_$t.o" &&
	    echo "$SRC/tests/fuzz/fuzz_$t.c $OUT/obj/fuzz_$t.o" >>"$jobs"
done

if [ -s "$jobs" ]; then
	echo "build.sh: compiling $(wc -l <"$jobs") files with $CC"
	export CC CFLAGS CPPFLAGS
	# $0 source, $1 object; the flags are split on white space
	# shellcheck disable=SC2016
	xargs -P "$JOBS" -L 1 sh -c 'echo "  CC $0" &&
	    $CC $CPPFLAGS $CFLAGS -MMD -MF "${1%.o}.d" -c "$0" -o "$1"' \
	    <"$jobs"
fi

objs=
for m in $MODULES; do
	objs="$objs $OUT/obj/$m.o"
done
for o in $LIBOBJS; do
	objs="$objs $OUT/obj/compat_$(basename "$o" .o).o"
done
rm -f "$OUT/obj/libfuzzsrc.a"
# shellcheck disable=SC2086
ar cr "$OUT/obj/libfuzzsrc.a" $objs

for t in $TARGETS; do
	# shellcheck disable=SC2086
	$CC $CFLAGS -o "$OUT/fuzz_$t" "$OUT/obj/fuzz_$t.o" \
	    "$OUT/obj/fuzz_util.o" "$OUT/obj/libfuzzsrc.a"
done
echo "build.sh: built $(echo $TARGETS | wc -w) targets in $OUT:" $TARGETS
