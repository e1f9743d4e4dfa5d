#!/bin/sh
# t_queue_enospc: write-side errors while committing (issue 4).  ENOSPC
# and EIO injected (strace) into each write, fsync, fchmod and rename of a
# -odq submission -> non-zero exit (73/75) with one stderr line naming the
# error, no entry and no temp file left.  With the smarthost down, a
# failed commit exits 75 (the caller keeps the message), never 0.  A real
# full file system: a 64 KiB tmpfs.
. "${top_srcdir:-.}/tests/integration/lib.sh"
. "$ITDIR/queue_lib.sh"
require_sendsmtp
require_cmd strace
asan_under_ptrace

# "log off": every write of a successful -odq run is a spool write.
q_config "$(dead_port)" 'log off'
printf 'Subject: full disk\n\nbody\n' >"$T/msg"
if ! strace -f -qq -o "$T/probe" true 2>/dev/null; then
	skip "strace cannot trace here (ptrace not permitted)"
fi
strace -f -qq -o "$T/trace" "$SENDSMTP" -C "$CFG" -odq -i bob@example.net \
    <"$T/msg" >/dev/null 2>&1 || fail "the traced clean run failed"
rm -f "$QD"/*

# check_failed WHAT: non-zero exit, one line naming the error, no trace.
check_failed()
{
	case $RC in
	73|75) pass "$1: exit $RC" ;;
	*) fail "$1: exit $RC, want 73 or 75" ;;
	esac
	assert_stderr_one_line "$2"
	assert_queue_len 0 "$1: no entry"
	assert_eq "$(ls -A "$QD" | tr '\n' ' ')" "" "$1: nothing in queue/"
	assert_eq "$(q_tmp_len)" 0 "$1: no temp file"
}

for sc in write fsync fchmod rename; do
	count=$(grep -c "^[0-9]* *$sc(" "$T/trace" || true)
	[ "$count" -gt 0 ] || fail "no $sc in a clean run"
	for err in ENOSPC EIO; do
		case $err in
		ENOSPC) text='No space left on device' ;;
		EIO) text='Input/output error' ;;
		esac
		j=1
		while [ "$j" -le "$count" ]; do
			: >"$T/err"
			set +e
			strace -f -qq -o /dev/null -e trace="$sc" \
			    -e inject="$sc":error="$err":when="$j" \
			    "$SENDSMTP" -C "$CFG" -odq -i bob@example.net \
			    <"$T/msg" >"$T/out" 2>"$T/err"
			RC=$?
			set -e
			check_failed "$err on $sc #$j of $count" "$text"
			j=$((j + 1))
		done
	done
done

# Hybrid with the smarthost down and the commit failing: 75, both reasons.
set +e
strace -f -qq -o /dev/null -e trace=rename -e inject=rename:error=ENOSPC:when=2 \
    "$SENDSMTP" -C "$CFG" -i bob@example.net <"$T/msg" >"$T/out" 2>"$T/err"
RC=$?
set -e
assert_rc 75 "hybrid, smarthost down, commit fails: exit 75"
assert_stderr_one_line 'not sent .*connect.*not queued.*No space left'
assert_queue_len 0 "hybrid: no entry"
assert_eq "$(q_tmp_len)" 0 "hybrid: no temp file"

# A really full file system (skipped where tmpfs cannot be mounted).
mkdir "$T/small"
if mount -t tmpfs -o size=64k,mode=0700 tmpfs "$T/small" 2>/dev/null; then
	# unmount before lib.sh's cleanup removes $T, whatever happens
	trap '_q_rc=$?; set +e; umount "$T/small" 2>/dev/null || true; (exit $_q_rc);
	    _it_cleanup' EXIT
	mkdir "$T/small/tmp" "$T/small/queue" "$T/small/corrupt"
	sed -i "s|^queue_dir .*|queue_dir $T/small|" "$CFG"
	"$PY" -c 'print("Subject: big\n\n" + ("x" * 70 + "\n") * 2000)' \
	    >"$T/big"
	run_sendsmtp -odq -i bob@example.net <"$T/big"
	case $RC in
	73|75) pass "tmpfs full: exit $RC" ;;
	*) fail "tmpfs full: exit $RC, want 73 or 75" ;;
	esac
	assert_stderr_one_line 'No space left'
	assert_eq "$(find "$T/small/tmp" "$T/small/queue" -type f | grep -c . || true)" \
	    0 "tmpfs full: nothing left behind"
	run_sendsmtp -odq -i bob@example.net <"$T/msg"
	assert_rc 0 "tmpfs: a small message still fits afterwards"
else
	printf '# tmpfs not mountable here; the strace cases cover ENOSPC\n'
fi
finish
