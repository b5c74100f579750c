#!/bin/sh
# syscall_any on the raw_syscalls events: name comes from the recorded
# number, a filter on name is done by the kernel, retval is the result;
# nd_syscall.NAME is syscall.NAME. A program of our own makes 7 fchdir()
# calls on descriptors that are not open (each fails with EBADF).
. "$(dirname "$0")/lib.sh"
build closer
CL=any$$
mv "$WORK/closer" "$WORK/$CL"
NR=$(printf '#include <asm/unistd.h>\n__NR_fchdir\n' | cc -E - | tail -n 1)

cat >"$WORK/t.tap" <<TAP
global calls, fails
probe syscall_any if (execname() == "$CL") { calls[name]++ }
probe syscall_any.return if (name == "fchdir" && execname() == "$CL") {
	fails[syscall_nr, retval]++
}
probe nd_syscall.fchdir if (execname() == "$CL") { nd++ }
global nd
probe end {
	printf("fchdir %d exit_group %d\\n", calls["fchdir"], calls["exit_group"])
	foreach ([nr, r] in fails) printf("nr %d returned %d: %d times\\n", nr, r, fails[nr, r])
	printf("nd_syscall %d\\n", nd)
}
TAP
"$TAPC" -p2 "$WORK/t.tap" >"$WORK/plan" 2>"$WORK/err" || fail "-p2: $(cat "$WORK/err")"
grep -q "raw_syscalls/sys_exit/filter 'id == $NR && COMM == \"$CL\"'" "$WORK/plan" ||
	fail "the name test is not the kernel's: $(grep filter "$WORK/plan")"
"$TAPC" -m "$PREFIX" -c "$WORK/$CL 30000000 7 0 0 fchdir" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
cat >"$WORK/want" <<OUT
fchdir 7 exit_group 1
nr $NR returned -9: 7 times
nd_syscall 7
OUT
diff -u "$WORK/want" "$WORK/out" || fail "syscall_any counted otherwise"
exit 0
