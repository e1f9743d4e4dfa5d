#!/bin/sh
# t_manlint: both manual pages are clean mdoc: "mandoc -Tlint -W warning"
# prints nothing and exits 0 (test_manpage checks the config keys against
# sendsmtp.conf(5) both ways).
. "${top_srcdir:-.}/tests/integration/lib.sh"
require_cmd mandoc

for page in "$top_srcdir/man/sendsmtp.8" "$top_srcdir/man/sendsmtp.conf.5"; do
	set +e
	mandoc -Tlint -W warning "$page" >"$T/lint" 2>&1
	rc=$?
	set -e
	if [ -s "$T/lint" ] || [ "$rc" != 0 ]; then
		fail "$(basename "$page"): mandoc -Tlint exit $rc: $(head -20 "$T/lint")"
	fi
	pass "$(basename "$page"): mandoc -Tlint -W warning is silent"
	# and it renders
	mandoc -Tascii "$page" >"$T/out.txt" 2>/dev/null ||
	    fail "$(basename "$page"): mandoc cannot render it"
	[ -s "$T/out.txt" ] || fail "$(basename "$page"): renders empty"
	pass "$(basename "$page"): renders"
done
# the sections this issue documents are there
mandoc -Tascii "$top_srcdir/man/sendsmtp.8" | col -b >"$T/8.txt"
for s in "CHECKING THE SETUP" "LOGGING" "DIAGNOSTICS" "EXIT STATUS" \
    "DELIVERY MODES" "FILES"; do
	assert_file_contains "$T/8.txt" "$s" "sendsmtp.8 has $s"
done
assert_file_contains "$T/8.txt" "--json" "sendsmtp.8 documents --json"
finish
