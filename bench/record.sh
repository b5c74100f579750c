#!/bin/bash
# Benchmark: raw recording of a burst of getppid() events to trace.dat,
# tap against trace-cmd record and perf record, in one run, with the bare
# splice copy as the floor; then text mode through a printf handler with -o. Prints, for
# each recorder: events captured (of the burst), lost, the recorder's CPU
# time (user+sys of it and its children, from wait4), ns of CPU per
# event, and the ratio to the bare copy. The median of REPEAT runs.
# A figure, not a test.
#   bench/record.sh [EVENTS] [BUFFER_MB] [REPEAT]
set -eu
N=${1:-5000000}
MB=${2:-4}
REPEAT=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
TAPC=${TAPC:-$here/../build/tools/tapc}
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
command -v trace-cmd >/dev/null || { echo "needs trace-cmd" >&2; exit 1; }
work=$(mktemp -d /dev/shm/tap-bench.XXXXXX)
INST=tap_bench_copy_$$
T=/sys/kernel/tracing
# trace-cmd record works in the top-level buffer and leaves its clock,
# size and tracing_on changed: put them back
top_clock=$(sed 's/.*\[\(.*\)\].*/\1/' "$T/trace_clock")
top_size=$(sed 's/.*expanded: \([0-9]*\).*/\1/; s/ .*//' "$T/buffer_size_kb")
top_on=$(cat "$T/tracing_on")
cleanup() {
	[ -d "$T/instances/$INST" ] && rmdir "$T/instances/$INST"
	echo 0 >"$T/events/syscalls/sys_enter_getppid/enable"
	echo "$top_clock" >"$T/trace_clock"
	echo "$top_size" >"$T/buffer_size_kb"
	echo "$top_on" >"$T/tracing_on"
	rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -o "$work/burst" "$here/burst.c"
cc -O2 -o "$work/copy" "$here/copy.c"
# trace-cmd record refuses to start here (it writes ftrace_enabled) and
# crashes on set_ftrace_pid: the shim sends those opens to /dev/null
cc -O2 -shared -fPIC -o "$work/shim.so" "$here/ftrace-shim.c" -ldl

# measure NAME CMD...: starts the recorder, runs the burst once it is
# ready, stops it with SIGINT; prints the recorder's CPU seconds
cat >"$work/measure.py" <<'PY'
import os, signal, subprocess, sys, time
burst, n, log = sys.argv[1:4]
rec = sys.argv[4:]
env = dict(os.environ)
if rec[0] == "trace-cmd":
    env["LD_PRELOAD"] = os.environ["SHIM"]
with open(log, "w") as out:
    p = subprocess.Popen(rec, stdout=out, stderr=subprocess.STDOUT, env=env)
    time.sleep(1.5)
    subprocess.run([burst, n], check=True)
    time.sleep(0.5)
    os.kill(p.pid, signal.SIGINT)
    _, status, ru = os.wait4(p.pid, 0)
# perf record ends by raising the SIGINT it was sent, once its file is written
if status and not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT):
    sys.stderr.write("%s failed (wait status %d):\n%s" % (rec[0], status, open(log).read()[-2000:]))
    print("failed")
else:
    print("%.4f" % (ru.ru_utime + ru.ru_stime))
PY
export SHIM="$work/shim.so"
measure() {
	local log=$1
	shift
	python3 "$work/measure.py" "$work/burst" "$N" "$log" "$@"
}

# burst events in a trace.dat
count_dat() {
	trace-cmd report "$1" 2>/dev/null | grep -c ' burst-[0-9]* .*sys_enter_getppid' || true
}

run_copy() {
	local cpu read
	mkdir "$T/instances/$INST"
	echo "$((MB * 1024))" >"$T/instances/$INST/buffer_size_kb"
	echo mono >"$T/instances/$INST/trace_clock"
	echo 1 >"$T/instances/$INST/events/syscalls/sys_enter_getppid/enable"
	mkdir "$work/copy.d"
	cpu=$(measure "$work/copy.log" "$work/copy" "$INST" "$work/copy.d")
	# what the reader consumed; the kernel counts it per CPU
	read=$(cat "$T/instances/$INST"/per_cpu/cpu*/stats | awk '/^read events/ { s += $3 } END { print s }')
	rmdir "$T/instances/$INST"
	rm -rf "$work/copy.d"
	echo "$cpu $read"
}

run_tapc_raw() {
	local cpu
	cpu=$(measure "$work/tapc.log" "$TAPC" --raw -s "$MB" -m "bench_$$" -o "$work/tap.dat" \
		-e 'probe syscall.getppid { }')
	echo "$cpu $(count_dat "$work/tap.dat")"
	rm -f "$work/tap.dat"
}

run_trace_cmd() {
	local cpu
	cpu=$(measure "$work/tc.log" trace-cmd record -q -b "$((MB * 1024))" -C mono "$@" \
		-e syscalls:sys_enter_getppid -o "$work/tc.dat")
	echo "$cpu $(count_dat "$work/tc.dat")"
	rm -f "$work/tc.dat"*
}

# trace-cmd 3.1.6 compresses by default; without, it is closer to a copy
run_trace_cmd_plain() {
	run_trace_cmd --compression none
}

# perf's own ring buffers (perf_event mmap), the same size per CPU
run_perf_record() {
	local cpu
	cpu=$(measure "$work/perf.log" perf record -q -a -m "$((MB * 256))" \
		-e syscalls:sys_enter_getppid -o "$work/perf.data")
	echo "$cpu $(perf script -i "$work/perf.data" 2>/dev/null | grep -c '^ *burst .*sys_enter_getppid' || true)"
	rm -f "$work/perf.data"*
}

run_tapc_text() {
	local cpu
	cpu=$(measure "$work/text.log" "$TAPC" -s "$MB" -m "bench_$$" -o "$work/tap.txt" \
		-e 'probe syscall.getppid { printf("getppid %s %d\n", execname(), tid()) }')
	echo "$cpu $(grep -c ' burst ' "$work/tap.txt" || true)"
	rm -f "$work/tap.txt"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# row NAME FUNCTION: REPEAT runs, the median CPU per event
declare -A NS
row() {
	local name=$1 fn=$2 i out cpu got ns all="" nsl=""
	for ((i = 0; i < REPEAT; i++)); do
		out=$($fn)
		cpu=${out% *}
		got=${out#* }
		if [ "$cpu" = failed ]; then
			all="$all failed"
			continue
		fi
		ns=$(awk -v c="$cpu" -v g="$got" 'BEGIN { printf "%.1f", g ? c * 1e9 / g : 0 }')
		all="$all $got/$((N > got ? N - got : 0))/${cpu}s/${ns}ns"
		nsl="$nsl $ns"
	done
	NS[$fn]=$(echo "$nsl" | tr ' ' '\n' | grep . | median)
	printf '%-34s %7s ns/event   runs (captured/lost/cpu/ns):%s\n' "$name" "${NS[$fn]}" "$all"
}

echo "getppid burst: $N events, $MB MB per CPU, $REPEAT runs each, $(nproc) CPUs, $(uname -r)"
echo "median of CPU ns per captured event (recorder and its children, startup included)"
row "bare splice copy" run_copy
row "tapc --raw -o trace.dat" run_tapc_raw
row "trace-cmd record" run_trace_cmd
row "trace-cmd record --compression none" run_trace_cmd_plain
if command -v perf >/dev/null; then
	row "perf record -a (perf.data)" run_perf_record
else
	echo "perf record: not installed (linux-perf)"
fi
awk -v t="${NS[run_tapc_raw]}" -v c="${NS[run_copy]}" -v r="${NS[run_trace_cmd]}" \
	-v p="${NS[run_trace_cmd_plain]}" -v f="${NS[run_perf_record]:-0}" 'BEGIN {
	printf "tapc --raw: %.2fx the bare copy; trace-cmd record: %.2fx (%.2fx uncompressed)",
		t / c, r / c, p / c
	if (f > 0)
		printf "; perf record: %.2fx", f / c
	printf "\n" }'
row "tapc printf to -o (text)" run_tapc_text
awk -v t="${NS[run_tapc_text]}" 'BEGIN { printf "text mode: %.0f events per CPU second\n", 1e9 / t }'
