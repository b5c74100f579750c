#!/bin/sh
# @var(): a program's variables at file scope, read by the uprobe itself
# (@+OFFSET) at a function's entry and return: numbers, a char array, a
# struct's members directly and through a pointer, a static of each of
# two files. Built here as a PIE (moved by ASLR) and as a fixed
# executable, from the golden fixture's sources (tests/target/bin/vars*.c).
. "$(dirname "$0")/lib.sh"
src=$TAP_SRCDIR/tests/target/bin
cc -O1 -g -o "$WORK/vars" "$src/vars.c" "$src/vars2.c" || fail "cannot build vars"
cc -O1 -g -no-pie -o "$WORK/vars-fixed" "$src/vars.c" "$src/vars2.c" ||
	fail "cannot build vars without PIE"

for prog in vars vars-fixed; do
	cat >"$WORK/t.tap" <<TAP
probe process("$WORK/$prog").function("vars_step") {
	printf("entry %d %d %s %s %d %d %d\n", @var("vars_total"), @var("vars_count@vars.c"),
	       @var("vars_name"), @var("vars_limits")->label, @var("vars_current")->hard,
	       @var("vars_limits")->soft, @var("vars_count@vars2.c"))
}
probe process("$WORK/$prog").function("vars_step").return {
	printf("return %d %d %d %d\n", \$return, @var("vars_total"), @var("vars_count@vars.c"),
	       @var("vars_count@vars2.c"))
}
TAP
	# vars_step(3): its static becomes 3 + 3, the total 6; it returns that
	# plus vars2.c's static, 5, which then counts up
	"$TAPC" -m "$PREFIX" -c "$WORK/$prog a b" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
		fail "$prog: tapc failed: $(cat "$WORK/err")"
	cat >"$WORK/want" <<'OUT'
fixture 11
entry 0 3 fixture lim 20 10 5
return 11 6 6 6
OUT
	sort "$WORK/want" >"$WORK/want.sorted"
	sort "$WORK/out" >"$WORK/out.sorted"
	diff -u "$WORK/want.sorted" "$WORK/out.sorted" || fail "$prog: the values read"
done
exit 0
