#!/bin/sh
# perf_event probes: timer.profile samples a busy program, and the
# function it spins in (usymname of the sampled user address) comes out
# on top; perf.sw.page_faults.sample(1) counts at least the pages the
# program touches. Samples join the event stream with tracepoints.
. "$(dirname "$0")/lib.sh"
cat >"$WORK/busy.c" <<'C'
#include <stdlib.h>
#include <sys/mman.h>
__attribute__((noinline)) long busy_spin(long n)
{
	volatile long s = 0;

	for (long i = 0; i < n; i++)
		s += i;
	return s;
}
int main(int argc, char **argv)
{
	size_t sz = 1000 * 4096;
	char *p;

	busy_spin(argc > 1 ? atol(argv[1]) : 200000000);
	p = mmap(0, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (size_t i = 0; i < sz; i += 4096)
		p[i] = 1;
	return 0;
}
C
cc -O1 -o "$WORK/busy" "$WORK/busy.c" || fail "cannot build the busy program"

cat >"$WORK/t.tap" <<'TAP'
global hits, faults, execs
probe timer.profile {
	if (pid() == target())
		hits[uaddr() ? usymname(uaddr()) : symname(addr())]++
}
probe perf.sw.page_faults.sample(1) { if (pid() == target()) faults++ }
probe kernel.trace("sched:sched_process_exit") { if (pid() == target()) execs++ }
probe end {
	foreach (f in hits- limit 1) printf("top %s\n", f)
	printf("faults %d\nexit %d\n", faults, execs)
}
TAP
"$TAPC" -m "$PREFIX" -c "$WORK/busy 200000000" "$WORK/t.tap" >"$WORK/out" 2>"$WORK/err" ||
	fail "tapc failed: $(cat "$WORK/err")"
grep -q '^top busy_spin$' "$WORK/out" || fail "busy_spin is not the top function: $(cat "$WORK/out")"
faults=$(sed -n 's/^faults //p' "$WORK/out")
[ "${faults:-0}" -ge 1000 ] || fail "only ${faults:-0} page faults sampled: $(cat "$WORK/err")"
expect_eq "tracepoint beside perf" "$(sed -n 's/^exit //p' "$WORK/out")" 1

# hardware counters: a VM often has none; then the error says so
"$TAPC" -m "${PREFIX}_hw" -c "$WORK/busy 1000000" \
	-e 'probe perf.hw.instructions.sample(100000) { n++ } probe end { printf("%d\n", n > 0) } global n' \
	>"$WORK/out" 2>"$WORK/err"
rc=$?
if [ $rc = 0 ]; then
	expect_eq "instruction samples" "$(cat "$WORK/out")" 1
else
	expect_eq "exit status without counters" "$rc" 3
	grep -q "cannot open perf event 'instructions' on CPU 0: .*(this machine has no such counter)" "$WORK/err" ||
		fail "no clear error: $(cat "$WORK/err")"
fi
exit 0
