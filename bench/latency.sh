#!/bin/bash
# Benchmark: a read(2) latency histogram, entry timestamps kept per thread
# and the difference collected at exit, printed with @hist_log, against
# bpftrace doing the same (hist()), in one run, on the same load:
# bench/mix, N rounds of getppid, read and write. Both trace only mix's
# calls (see bench/lib.sh) and print the number of latencies they
# measured (two events each); the table gives CPU per event. A figure,
# not a test.
#   bench/latency.sh [ROUNDS] [BUFFER_MB]
. "$(dirname "$0")/lib.sh"
N=${1:-1000000}
MB=${2:-64}
cc -O2 -o "$work/mix" "$here/mix.c"

cat >"$work/script.tapc" <<'TAP'
global start, lat
probe syscall.read if (execname() == "mix") { start[tid()] = gettimeofday_ns() }
probe syscall.read.return if (execname() == "mix") {
	if (tid() in start) {
		lat <<< gettimeofday_ns() - start[tid()]
		delete start[tid()]
	}
}
probe end {
	printf("latencies %d\n", @count(lat))
	print(@hist_log(lat))
}
TAP
cat >"$work/script.bpftrace" <<'BT'
BEGIN { printf("ready\n"); }
tracepoint:syscalls:sys_enter_read /comm == "mix"/ { @start[tid] = nsecs; }
tracepoint:syscalls:sys_exit_read /comm == "mix" && @start[tid]/ {
	@lat = hist(nsecs - @start[tid]); @n = count(); delete(@start[tid]);
}
END { print(@n); print(@lat); clear(@start); clear(@n); clear(@lat); }
BT

events() {
	case $1 in
	tapc) sed -n 's/^latencies \([0-9]*\)$/\1/p' "$work/out.tapc" ;;
	bpftrace) sed -n 's/^@n: \([0-9]*\)$/\1/p' "$work/out.bpftrace" | head -n 1 ;;
	esac | awk '{ print 2 * $1 }'
}

check() {
	local n
	n=$(events "$1")
	[ "${n:-0}" -ge $((2 * N)) ] || echo "$1 measured fewer than $N latencies" >&2
}

base=$(cpu_of "$work/mix" "$N")
echo "read(2) latency histogram: $N rounds of getppid+read+write (untraced: ${base}s), $MB MB per CPU"
compare "$base"
echo "tapc's histogram:"
sed -n '/value |/,$p' "$work/out.tapc"
