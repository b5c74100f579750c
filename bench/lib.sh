# Sourced by the benchmarks. The scripts trace only the load's process
# (bench/mix, by name: tap turns the condition into the kernel's COMM
# filter, bpftrace tests it in its BPF program), so other processes on a
# shared machine do not blur the figures. What they measure, per event:
#  - the tracer's own CPU (user+sys of its process, less what an idle run
#    with no load costs: startup, probe setup, teardown);
#  - the extra CPU of the traced load (its user+sys, less an untraced run
#    of it): ftrace recording for tap, the BPF programs for bpftrace,
#    which run in the traced task's context.
# The load runs on its own, not as the tracer's -c child, so the two are
# told apart.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
TAPC=${TAPC:-$here/../build/tools/tapc}
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
[ -x "$TAPC" ] || { echo "no tapc at $TAPC (build first, or set TAPC)" >&2; exit 1; }
work=$(mktemp -d /dev/shm/tap-bench.XXXXXX)
timer_pid=
# stops the tracer we started, if one still runs: the child of our
# /usr/bin/time (by its pid), then waits for it
stop_tracer() {
	local p

	[ -n "$timer_pid" ] || return 0
	for p in $(pgrep -P "$timer_pid"); do
		kill -INT "$p" 2>/dev/null
	done
	wait "$timer_pid" 2>/dev/null || true
	timer_pid=
}
cleanup() {
	stop_tracer
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# cpu_of CMD...: runs CMD; prints the user+sys seconds it used
cpu_of() {
	/usr/bin/time -f '%U %S' -o "$work/time" "$@" >/dev/null 2>&1
	awk '{ printf "%.3f\n", $1 + $2 }' "$work/time"
}

# ready TOOL: the tracer has set everything up. tapc turns tracing on in
# its instance after its begin probes ran; bpftrace runs BEGIN (which
# prints "ready") once every probe is attached, then waits for events in
# epoll_wait (seen here, BEGIN's output did not always come).
ready() {
	local p

	case $1 in
	tapc) [ "$(cat "/sys/kernel/tracing/instances/tap_bench_$$/tracing_on" 2>/dev/null)" = 1 ] ;;
	bpftrace)
		grep -q '^ready' "$work/out.$1" 2>/dev/null && return 0
		p=$(pgrep -P "$timer_pid" | head -n 1)
		[ -n "$p" ] && [ "$(cat "/proc/$p/wchan" 2>/dev/null)" = do_epoll_wait ] ;;
	esac
}

# traced TOOL LOAD...: starts the tracer (tapc or bpftrace, reading the
# script in $work/script.TOOL and writing $work/out.TOOL), waits until it
# is ready, runs LOAD, stops the tracer with SIGINT. Sets TRACER_CPU and
# LOAD_CPU (seconds).
traced() {
	local tool=$1 n=0
	shift
	rm -f "$work/out.$tool" "$work/err.$tool"
	case $tool in
	tapc) /usr/bin/time -f '%U %S' -o "$work/time.$tool" \
		"$TAPC" -s "$MB" -m "bench_$$" -o "$work/out.$tool" "$work/script.$tool" \
		>"$work/stdout.$tool" 2>"$work/err.$tool" & ;;
	bpftrace) /usr/bin/time -f '%U %S' -o "$work/time.$tool" \
		bpftrace -B none -o "$work/out.$tool" "$work/script.$tool" \
		>"$work/stdout.$tool" 2>"$work/err.$tool" & ;;
	esac
	timer_pid=$!
	while ! ready "$tool"; do
		n=$((n + 1))
		[ $n -gt 18000 ] && { echo "$tool did not start in 30 minutes" >&2; cat "$work/err.$tool" >&2; exit 1; }
		sleep 0.1
	done
	LOAD_CPU=$(cpu_of "$@")
	stop_tracer
	TRACER_CPU=$(awk '{ printf "%.3f\n", $1 + $2 }' "$work/time.$tool")
}

# lost TOOL: events the tracer says it lost
lost() {
	case $1 in
	tapc) sed -n 's/.*lost \([0-9]*\) events.*/\1/p; s/.*WARNING: \([0-9]*\) events were lost.*/\1/p' "$work/err.$1" ;;
	bpftrace) sed -n 's/.*Lost \([0-9]*\) events.*/\1/p' "$work/err.$1" "$work/out.$1" ;;
	esac | awk '{ s += $1 } END { print s + 0 }'
}

# report TOOL EVENTS IDLE_EVENTS IDLE_CPU LOAD_BASE: one line of the table.
# Both runs of the tracer see the machine's other processes too: the cost
# per event is the difference of the loaded and the idle run, in CPU and
# in events.
report() {
	local tool=$1 events=$2 ievents=$3 idle=$4 base=$5
	awk -v t="$tool" -v e="$events" -v ie="$ievents" -v tc="$TRACER_CPU" -v ti="$idle" \
		-v lc="$LOAD_CPU" -v lb="$base" -v l="$(lost "$tool")" 'BEGIN {
		tr = tc - ti; if (tr < 0) tr = 0
		ld = lc - lb; if (ld < 0) ld = 0
		d = e - ie; if (d < 1) d = 1
		printf "%-9s %10d %8d %8.3f %8.3f %10.3f %10.3f %10.3f\n", t, e, l, tr, ld,
			tr * 1e6 / d, ld * 1e6 / d, (tr + ld) * 1e6 / d
	}'
	echo "$tool $((events - ievents)) $TRACER_CPU $idle $LOAD_CPU $base" >>"$work/results"
}

header() {
	printf '%-9s %10s %8s %8s %8s %10s %10s %10s\n' tracer events lost \
		"tracer s" "load +s" "us/ev own" "us/ev load" "us/ev all"
}

# ratio: tap's CPU per event against bpftrace's, in all (tracer and load)
# and in the tracer process alone
ratio() {
	awk '{
		t = $3 - $4; if (t < 0) t = 0
		l = $5 - $6; if (l < 0) l = 0
		own[$1] = t / ($2 ? $2 : 1); all[$1] = (t + l) / ($2 ? $2 : 1)
	}
	END {
		if (all["bpftrace"] > 0)
			printf "tapc / bpftrace CPU per event, tracer and load together: %.2fx\n",
				all["tapc"] / all["bpftrace"]
		if (own["bpftrace"] > 0)
			printf "tapc / bpftrace CPU per event in the tracer process: %.2fx\n",
				own["tapc"] / own["bpftrace"]
		else
			print "the bpftrace process spends nothing per event: its BPF programs do the work, in the time of the load"
	}' "$work/results"
}

have_bpftrace() {
	command -v bpftrace >/dev/null
}

# compare BASE: the table for tapc and bpftrace (when installed), each run
# once idle and once on N rounds of the load, then their ratio. The
# benchmark defines events TOOL (what the tool's output counted) and
# check TOOL (complains on stderr when the output is wrong); BASE is the
# load's untraced CPU.
compare() {
	local tool idle ievents
	header
	for tool in tapc bpftrace; do
		[ $tool = bpftrace ] && ! have_bpftrace && { echo "bpftrace is not installed: no comparison"; break; }
		traced $tool true
		idle=$TRACER_CPU
		ievents=$(events $tool)
		traced $tool "$work/mix" "$N"
		check $tool
		report $tool "$(events $tool)" "${ievents:-0}" "$idle" "$1"
	done
	ratio
}
