#!/bin/sh
# conf/examples/signals.tap against known events: three SIGUSR1 a process sends itself
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/signals.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W signal 3" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
n=$(grep -cE "^$W +([0-9]+) -> $W +\\1 SIGUSR1 +delivered\$" "$WORK/out")
expect_eq "signals" "$n" 3
exit 0
