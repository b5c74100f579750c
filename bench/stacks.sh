#!/bin/bash
# Benchmark: kernel stacks, counted by stack: every getppid(2) of the load
# takes its kernel stack (tap: the stacktrace trigger's record, read with
# the event; bpftrace: kstack in its BPF program), in one run, on the same
# load: bench/mix, N rounds of getppid, read and write. Both trace only
# mix's calls (see bench/lib.sh) and print how many stacks they counted;
# the table gives CPU per event. A figure, not a test.
#   bench/stacks.sh [ROUNDS] [BUFFER_MB]
. "$(dirname "$0")/lib.sh"
N=${1:-1000000}
MB=${2:-64}
cc -O2 -o "$work/mix" "$here/mix.c"

cat >"$work/script.tapc" <<'TAP'
global stacks
probe syscall.getppid if (execname() == "mix") { stacks[backtrace()] <<< 1 }
probe end {
	foreach (s in stacks) {
		total += @count(stacks[s])
		if (s != "")
			taken += @count(stacks[s])
	}
	printf("stacks %d, with frames %d\n", total, taken)
	foreach (s in stacks @count- limit 1)
		print(sprint_stack(s))
}
TAP
cat >"$work/script.bpftrace" <<'BT'
BEGIN { printf("ready\n"); }
tracepoint:syscalls:sys_enter_getppid /comm == "mix"/ { @stacks[kstack] = count(); @n = count(); }
END { print(@n); clear(@stacks); clear(@n); }
BT

events() {
	case $1 in
	tapc) sed -n 's/^stacks \([0-9]*\),.*/\1/p' "$work/out.tapc" ;;
	bpftrace) sed -n 's/^@n: \([0-9]*\)$/\1/p' "$work/out.bpftrace" | head -n 1 ;;
	esac
}

# every getppid of mix, and (tap) every one with its frames
check() {
	local n
	n=$(events "$1")
	[ "${n:-0}" -ge "$N" ] || echo "$1 counted $n stacks, not $N" >&2
	if [ "$1" = tapc ] && ! grep -q "^stacks $N, with frames $N$" "$work/out.tapc"; then
		echo "tapc: $(head -n 1 "$work/out.tapc")" >&2
	fi
}

base=$(cpu_of "$work/mix" "$N")
echo "kernel stacks of getppid(2): $N rounds of getppid+read+write (untraced: ${base}s), $MB MB per CPU"
compare "$base"
echo "tapc's most frequent stack:"
sed -n '2,$p' "$work/out.tapc"
