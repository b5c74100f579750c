#!/bin/sh
# Several probes on one user address (each its own uprobe, with its own
# arguments and filter) run their handlers in script order for every
# call, as SystemTap runs them; so do several return probes.
. "$(dirname "$0")/lib.sh"
build target

cat >"$WORK/t.tap" <<TAP
probe process("$WORK/target").function("target_add") { printf("first %d\n", \$arg1) }
probe process("$WORK/target").function("target_add").return { printf("ret first %d\n", \$return) }
probe process("$WORK/target").function("target_add") { printf("second\n") }
probe process("$WORK/target").function("target_add") if (\$arg1 > 0) {
	printf("third %d %d\n", \$arg1, \$arg2)
}
probe process("$WORK/target").function("target_add").return { printf("ret second\n") }
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/target 3" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
cat >"$WORK/want" <<'OUT'
first 0
second
ret first 40
ret second
first 1
second
third 1 40
ret first 41
ret second
first 2
second
third 2 40
ret first 42
ret second
OUT
diff -u "$WORK/want" "$WORK/out" || fail "handlers ran out of script order"
exit 0
