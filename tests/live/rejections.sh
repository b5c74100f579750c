#!/bin/sh
# Kernel rejections are reported at the script location: a uprobe the
# kernel refuses (more fetch arguments than it takes) is an error and
# leaves nothing behind (a path with a space, which the kernel would refuse
# too, is an error before anything is applied); a filter the kernel refuses (an operand over its 256-byte limit)
# is a warning with the kernel's error_log as notes, and the condition is
# then checked in user space, so the output is still right.
. "$(dirname "$0")/lib.sh"
build target

mkdir "$WORK/with space"
cp "$WORK/target" "$WORK/with space/target"
cat >"$WORK/space.tap" <<TAP
probe process("$WORK/with space/target").function("target_add") { println(\$arg1) }
TAP
"$TAPC" -m "$PREFIX" "$WORK/space.tap" >"$WORK/out" 2>"$WORK/err"
expect_eq "exit status of a path with a space" "$?" 1
grep -q "space.tap:1:15: error: tracefs cannot probe" "$WORK/err" ||
	fail "no error for the path with a space: $(cat "$WORK/err")"

# 130 strings: the kernel takes at most 128 fetch arguments
{
	echo "probe process(\"$WORK/target\").function(\"target_add\") {"
	for i in $(seq 0 129); do
		echo "	n += strlen(user_string(\$arg1 + $i))"
	done
	echo "}"
	echo "global n"
} >"$WORK/bad.tap"
"$TAPC" -m "$PREFIX" "$WORK/bad.tap" >"$WORK/out" 2>"$WORK/err"
expect_eq "exit status of a refused probe" "$?" 3
grep -q "bad.tap:1:7: error: the kernel rejected probe 'tap_$PREFIX/target_add_0'" "$WORK/err" ||
	fail "no error at the probe point: $(cat "$WORK/err")"
instance_exists "tap_$PREFIX" && fail "instance left after a refused probe"
grep -q "tap_$PREFIX/" "$TRACEFS/dynamic_events" && fail "probe left after a refused probe"

long=$(printf 'x%.0s' $(seq 1 300))
cat >"$WORK/filter.tap" <<TAP
probe kernel.trace("task:task_rename") if (\$newcomm == "$long" || \$newcomm == "tapmark") {
	printf("renamed to %s\n", \$newcomm)
}
TAP
"$TAPC" -m "${PREFIX}_f" -c "perl -e '\$0 = \"x\"; open(my \$f, \">\", \"/proc/self/comm\"); print \$f \"tapmark\"; close \$f'" \
	"$WORK/filter.tap" >"$WORK/out" 2>"$WORK/err" || fail "tapc failed: $(cat "$WORK/err")"
grep -q "filter.tap:1:7: warning: the kernel refused the filter of task/task_rename" "$WORK/err" ||
	fail "no warning: $(cat "$WORK/err")"
grep -q "note: kernel: .*Operand too long" "$WORK/err" || fail "no error_log note: $(cat "$WORK/err")"
expect_eq "user-space filtering" "$(cat "$WORK/out")" "renamed to tapmark"
exit 0
