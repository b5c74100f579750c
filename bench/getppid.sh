#!/bin/bash
# Benchmark: the same burst of getppid() calls traced by tapc and by
# bpftrace, each printing one line per event to a file on tmpfs, in one
# run. Prints events handled, events lost, tracer CPU time (user+sys,
# startup included and with an empty run's startup cost taken off), events
# per CPU second, and the ratio. A figure, not a test.
#   bench/getppid.sh [EVENTS] [BUFFER_MB]
set -eu
N=${1:-1000000}
MB=${2:-16}
here=$(cd "$(dirname "$0")" && pwd)
TAPC=${TAPC:-$here/../build/tools/tapc}
work=$(mktemp -d /dev/shm/tap-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/burst" "$here/burst.c"
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }

# cpu CMD...: runs CMD, prints "user+sys seconds" of it and its children
cpu() {
	local t
	t=$( { TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>"$work/stderr"; } 2>&1 | tail -n 1)
	awk '{ printf "%.3f\n", $1 + $2 }' <<<"$t"
}

run_tapc() {
	"$TAPC" -s "$MB" -o "$work/tap.out" -m bench_getppid \
		-e 'probe syscall.getppid { printf("getppid %s %d\n", execname(), tid()) }' \
		-c "$work/burst $1"
}

run_bpftrace() {
	bpftrace -o "$work/bt.out" -c "$work/burst $1" \
		-e 'tracepoint:syscalls:sys_enter_getppid { printf("getppid %s %d\n", comm, tid); }'
}

measure() {
	local tool=$1 base total handled lost net
	base=$(cpu "run_$tool" 0)
	total=$(cpu "run_$tool" "$N")
	case $tool in
	tapc)
		handled=$(grep -c ' burst ' "$work/tap.out" || true)
		lost=$(sed -n 's/.*WARNING: \([0-9]*\) events were lost.*/\1/p' "$work/stderr")
		;;
	bpftrace)
		handled=$(grep -c ' burst ' "$work/bt.out" || true)
		lost=$(sed -n 's/.*Lost \([0-9]*\) events.*/\1/p' "$work/stderr" | awk '{ s += $1 } END { print s + 0 }')
		;;
	esac
	# (in awk's printf, "d > 0.001" would redirect to a file named 0.001)
	net=$(awk -v a="$total" -v b="$base" 'BEGIN { d = a - b; if (d < 0.001) d = 0.001; printf "%.3f", d }')
	printf '%-9s %9d %9d %8.3f %8.3f %12.0f %9.2f\n' "$tool" "$handled" "${lost:-0}" \
		"$total" "$net" "$(awk -v h="$handled" -v c="$net" 'BEGIN { print h / c }')" \
		"$(awk -v h="$handled" -v c="$net" 'BEGIN { print c * 1e6 / (h ? h : 1) }')"
	echo "$tool $handled $net" >>"$work/results"
}

echo "getppid burst: $N calls, $MB MB per CPU buffer, one printf per event"
printf '%-9s %9s %9s %8s %8s %12s %9s\n' tracer handled lost "cpu s" "net s" "events/cpu-s" "us/event"
measure tapc
if command -v bpftrace >/dev/null; then
	measure bpftrace
	awk '{ rate[$1] = $2 / $3 } END {
		if (rate["bpftrace"] > 0)
			printf "tapc handles %.1fx the events per CPU second of bpftrace\n", rate["tapc"] / rate["bpftrace"] }' "$work/results"
else
	echo "bpftrace is not installed: no comparison"
fi
