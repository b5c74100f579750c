#!/bin/sh
# Bitfields through DWARF: the kernel's b<width>@<bit>/<container> fetch
# gives the bits unsigned, so a signed bitfield holding -3 must be
# sign-extended when it is handled, an unsigned one must not, and a
# condition on the signed one (which the kernel cannot compare) stays in
# user space and still works. -p2 shows the field read "as s4".
. "$(dirname "$0")/lib.sh"
cat >"$WORK/bits.c" <<'C'
struct flags {
	int delta : 4;
	unsigned level : 3;
	int wide : 12;
};

__attribute__((noinline)) int apply(struct flags *f)
{
	return f->delta + f->level + f->wide;
}

int main(void)
{
	struct flags a = { .delta = -3, .level = 5, .wide = -1000 };
	struct flags b = { .delta = 7, .level = 0, .wide = 2047 };
	volatile int s = apply(&a) + apply(&b);

	return s == 0;
}
C
cc -O1 -g -o "$WORK/bits" "$WORK/bits.c" || fail "cannot build the bitfield program"

cat >"$WORK/t.tap" <<TAP
probe process("$WORK/bits").function("apply") {
	printf("%d %d %d\n", \$f->delta, \$f->level, \$f->wide)
}
probe process("$WORK/bits").function("apply") if (\$f->delta < 0) {
	println("negative")
}
TAP
"$TAPC" -p2 "$WORK/t.tap" >"$WORK/plan" 2>"$WORK/err" || fail "-p2: $(cat "$WORK/err")"
grep -q "delta.* as s4" "$WORK/plan" || fail "the plan does not read delta as s4: $(cat "$WORK/plan")"
"$TAPC" -m "$PREFIX" -c "$WORK/bits" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
# (two probes on one address: the kernel runs the later one first)
expect_eq "bitfield values" "$(sort "$WORK/out" | tr '\n' ' ')" "-3 5 -1000 7 0 2047 negative "
exit 0
