#!/bin/bash
# Benchmark: counting system calls by process and name, the classic
# "counts[execname(), name] <<< 1" over syscall.* (every
# syscalls:sys_enter_* tracepoint), against bpftrace doing the same
# (@[comm, probe] = count()), in one run, on the same load: bench/mix, N
# rounds of getppid, read and write. Both count only mix's calls (see
# bench/lib.sh) and print what they counted; the table gives CPU per
# event. A figure, not a test.
#   bench/count.sh [ROUNDS] [BUFFER_MB]
. "$(dirname "$0")/lib.sh"
N=${1:-1000000}
MB=${2:-64}
cc -O2 -o "$work/mix" "$here/mix.c"

cat >"$work/script.tapc" <<'TAP'
global counts
probe syscall.* if (execname() == "mix") { counts[execname(), name] <<< 1 }
probe end {
	foreach ([e, s] in counts @count- limit 5)
		printf("%-16s %-16s %d\n", e, s, @count(counts[e, s]))
	foreach ([e, s] in counts)
		total += @count(counts[e, s])
	printf("total %d\n", total)
}
TAP
cat >"$work/script.bpftrace" <<'BT'
BEGIN { printf("ready\n"); }
tracepoint:syscalls:sys_enter_* /comm == "mix"/ { @counts[comm, probe] = count(); @total = count(); }
END { print(@counts, 5); print(@total); clear(@counts); clear(@total); }
BT

events() {
	case $1 in
	tapc) sed -n 's/^total \([0-9]*\)$/\1/p' "$work/out.tapc" ;;
	bpftrace) sed -n 's/^@total: \([0-9]*\)$/\1/p' "$work/out.bpftrace" | head -n 1 ;;
	esac
}

# mix's three system calls must be in the top entries, N times each (one
# read more: the dynamic loader's)
check() {
	local got
	case $1 in
	tapc) got=$(grep -cE "^mix +(getppid +$N|read +$((N + 1))|write +$N)\$" "$work/out.tapc" || true) ;;
	bpftrace) got=$(grep -cE "^@counts\[mix, tracepoint:syscalls:sys_enter_(getppid\]: $N|read\]: $((N + 1))|write\]: $N)\$" \
		"$work/out.bpftrace" || true) ;;
	esac
	[ "$got" = 3 ] || { echo "$1 did not count mix's $N x 3 calls:" >&2; cat "$work/out.$1" >&2; }
}

base=$(cpu_of "$work/mix" "$N")
echo "count by process and syscall name: $N rounds of getppid+read+write (untraced: ${base}s), $MB MB per CPU"
compare "$base"
