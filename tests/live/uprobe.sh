#!/bin/sh
# A uprobe and a uretprobe on a program built here: integer arguments, a
# string argument fetched by the probe, and return values, all checked.
. "$(dirname "$0")/lib.sh"
build target

cat >"$WORK/t.tap" <<TAP
probe process("$WORK/target").function("target_add") {
	printf("add %d %d\n", \$arg1, \$arg2)
}
probe process("$WORK/target").function("target_add").return {
	printf("sum %d\n", \$return)
}
probe process("$WORK/target").function("target_name") {
	printf("name %s %d %s\n", user_string(\$arg1), \$arg2, execname())
}
probe process("$WORK/target").function("target_name").return {
	printf("len %d\n", \$return)
}
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/target 3" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
cat >"$WORK/want" <<'OUT'
add 0 40
sum 40
name even-number 0 target
len 0
add 1 40
sum 41
name odd 1 target
len 3
add 2 40
sum 42
name even-number 2 target
len 22
OUT
diff -u "$WORK/want" "$WORK/out" || fail "uprobe values differ"
grep -q "tap_$PREFIX" "$TRACEFS/dynamic_events" && fail "uprobes left behind"
exit 0
