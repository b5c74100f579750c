#!/bin/sh
# setup_new_exec runs after the point of no return: the bitfield
# point_of_no_return is 1 and its neighbours 0, with argc and the file
# name of the new program. Needs kprobe events (tests/vm/kprobe.sh runs it
# in a VM).
. "$(dirname "$0")/lib.sh"
if [ ! -e "$TRACEFS/kprobe_events" ]; then
	[ "${TAP_EXPECT_KPROBES:-}" = 1 ] && fail "this kernel has no kprobe events"
	skip "this kernel has no kprobe events (tests/vm/kprobe.sh runs this in a VM)"
fi

cat >"$WORK/t.tap" <<'TAP'
probe kernel.function("setup_new_exec") {
	if (pid() == target())
		printf("exec %d %d %d %d argc=%d %s\n", $bprm->have_execfd,
		       $bprm->execfd_creds, $bprm->secureexec,
		       $bprm->point_of_no_return, $bprm->argc, $bprm->filename)
}
TAP
"$TAPC" -m "$PREFIX" -c "/bin/ls -d $WORK /" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
expect_eq "exec" "$(grep '^exec' "$WORK/out")" "exec 0 0 0 1 argc=4 /bin/ls"
exit 0
