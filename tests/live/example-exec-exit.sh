#!/bin/sh
# conf/examples/exec-exit.tap against known events: an exec and four exits with known statuses
. "$(dirname "$0")/lib.sh"
build workload
# a name of its own: tests run in parallel and the examples trace every
# process
W=w$$
cp "$WORK/workload" "$WORK/$W"
EX=$TAP_SRCDIR/conf/examples/exec-exit.tap
"$TAPC" -m "$PREFIX" -s 16 -c "$WORK/$W fork 3" "$EX" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
grep -qE "^exec +[0-9]+ .* $WORK/$W\$" "$WORK/out" || fail "no exec: $(cat "$WORK/out")"
for s in 0 1 2; do
	grep -qE "^exit +[0-9]+ $W +status $s" "$WORK/out" ||
		fail "no child exit with status $s: $(cat "$WORK/out")"
done
# the parent exits too, after its exec: it has a lifetime
grep -qE "^exit +[0-9]+ $W +status 0, ran [0-9]+ ms\$" "$WORK/out" ||
	fail "no parent exit with its lifetime: $(cat "$WORK/out")"
exit 0
