#!/bin/sh
# conf/examples/syscall-top.tap against known events: 5000 getppid() calls counted by process and name
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/syscall-top.tap
lost() {
	grep -q "lost\|were lost" "$WORK/err"
}
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W getppid 5000" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
n=$(sed -n "s/^$W  *getppid  *\\([0-9]*\\)\$/\\1/p" "$WORK/out")
if lost; then
	[ "${n:-0}" -le 5000 ] || fail "more getppid calls than made: $n"
else
	expect_eq "getppid calls" "$n" 5000
fi
grep -q '^COMM  *SYSCALL  *CALLS$' "$WORK/out" || fail "no header: $(cat "$WORK/out")"
exit 0
