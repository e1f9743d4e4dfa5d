#!/bin/sh
# valgrind.sh - run a program under valgrind the way the valgrind step of
# scripts/test-all.sh wants (issue 8): memory errors and definite or
# indirect leaks are failures (exit 99), library one-time allocations
# are suppressed by tests/valgrind.supp.  Used as the unit tests'
# LOG_COMPILER (with CK_FORK=no) and as IT_WRAPPER for every sendsmtp run
# of the integration tests:
#
#   tests/valgrind.sh PROGRAM [ARGS...]
#
# VG_LOGDIR (optional): write each process's report to
# VG_LOGDIR/vg.PID.log instead of stderr, so a test that checks
# sendsmtp's stderr is not disturbed; the caller scans the reports
# afterwards.  Forked children (background delivery) are checked too;
# programs that sendsmtp executes (passwordeval) are not traced.
here=$(cd "$(dirname "$0")" && pwd)
set -- --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect \
    --suppressions="$here/valgrind.supp" --num-callers=30 "$@"
if [ -n "${VG_LOGDIR:-}" ]; then
	exec valgrind --log-file="$VG_LOGDIR/vg.%p.log" "$@"
fi
exec valgrind -q "$@"
