#!/bin/sh
# process().statement(): uprobes where the code of two source lines of a
# running program starts: each fires once, in line order, between the
# updates the lines make (@var() shows the global before and after the
# line that adds to it), named by pp() and probefunc(). Built here from
# the golden fixture's sources (tests/target/bin/vars*.c).
. "$(dirname "$0")/lib.sh"
src=$TAP_SRCDIR/tests/target/bin
cc -O1 -g -o "$WORK/vars" "$src/vars.c" "$src/vars2.c" || fail "cannot build vars"
# the lines of 'vars_total += vars_count;' and of the return after it
line=$(grep -n 'vars_total += vars_count;' "$src/vars.c" | cut -d: -f1)
[ -n "$line" ] || fail "vars.c has no 'vars_total += vars_count;'"

cat >"$WORK/t.tap" <<TAP
probe process("$WORK/vars").statement("*@vars.c:$line") {
	printf("before %s %d %d\n", probefunc(), @var("vars_total"), @var("vars_count@vars.c"))
}
probe process("$WORK/vars").statement("vars_step@vars.c:$((line + 1))") {
	printf("after %d %s\n", @var("vars_total"), pp())
}
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/vars a b" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
grep -v '^fixture' "$WORK/out" >"$WORK/got"
cat >"$WORK/want" <<OUT
before vars_step 0 6
after 6 process("$WORK/vars").statement("vars_step@vars.c:$((line + 1))")
OUT
diff -u "$WORK/want" "$WORK/got" || fail "the statements"
exit 0
