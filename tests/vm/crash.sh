#!/bin/sh
# Trace data recovered from a crash dump, end to end, in a VM with Debian's
# kernel (this machine's kernel has no kexec): the guest loads a capture
# kernel (kexec -p), starts two flight recorders (tapc -F) with tracepoints
# and a kprobe, runs a workload, reads part of the first one (trace_pipe),
# stops the first one's tracing and saves what its `trace` file shows, then
# panics (sysrq c). The capture kernel writes the dump twice, compressed
# (makedumpfile -c) and as ELF (-E). On the host, tap-crash must
#  - list both sessions with their scripts;
#  - give, for the stopped session, exactly the events of its saved
#    `trace` (cpu, microsecond time, event name, fields), in both dump
#    formats;
#  - give, for the session still tracing at the panic, the events it
#    saved in a pause, then on each CPU only later ones;
#  - write a trace.dat that trace-cmd report reads, with the same count;
#  - run the session's own handlers over the events (text mode), giving
#    what the fields in the JSON say they should.
# Skips (77), saying why, without QEMU, the kernel package or kexec-tools.
set -u
: "${TAPC:?TAPC must point at the tapc binary}"
: "${TAP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TAP_BUILDDIR:=$(cd "$(dirname "$TAPC")/.." && pwd)}"
TAP_CRASH=$(dirname "$TAPC")/tap-crash
VM_SRC=$TAP_SRCDIR/tests/vm
VM_APPEND="crashkernel=256M"
. "$VM_SRC/vm.sh"
. "$VM_SRC/kdump.sh"

start=$(date +%s)
vm_test_prepare makedumpfile trace-cmd
kdump_prepare || {
	echo "SKIP: cannot get kexec-tools for the guest (apt-get download failed)"
	exit 77
}
echo "kernel $VM_KPKG $VM_KPKG_VERSION, kexec-tools, prepared in $(($(date +%s) - start))s"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tap-vm-crash.XXXXXX")
# TAP_VM_KEEP=1 keeps the dumps and what the test made of them
if [ "${TAP_VM_KEEP:-}" = 1 ]; then
	echo "keeping $WORK"
else
	trap 'rm -rf "$WORK"' EXIT
fi
share=$WORK/share
vm_share_new "$share"
mkdir -p "$share/bin"
cp "$KDUMP_KEXEC" /usr/bin/makedumpfile "$share/bin/"
# kexec links Xen libraries the host does not have: ldd finds them there
LD_LIBRARY_PATH=$KDUMP_LIBS vm_stage "$share" "$TAPC" "$KDUMP_KEXEC" /usr/bin/makedumpfile || {
	echo "FAIL: cannot stage the guest's programs"
	exit 1
}
vm_mount "$share" "$(dirname "$TAPC")" "$(dirname "$VM_INITRD")"

# session A: stopped before the panic, its `trace` saved as the reference
cat >"$share/a.tap" <<'TAP'
probe kernel.trace("sched:sched_switch") {
	printf("ev sw %s %d %s %d\n", $prev_comm, $prev_pid, $next_comm, $next_pid)
}
probe kernel.function("do_sys_openat2") {
	printf("ev open %d %s\n", $dfd, user_string($filename))
}
TAP
# session B: still tracing when the kernel panics
cat >"$share/b.tap" <<'TAP'
probe kernel.trace("sched:sched_wakeup") {
	printf("ev wake %s %d\n", $comm, $pid)
}
probe kernel.trace("sched:sched_process_exec") {
	printf("ev exec %s\n", kernel_string($filename))
}
TAP
cat >"$share/run.sh" <<EOF
set -e
export TAP_RUN_DIR=/tmp/tap-run TAP_CRASH_DIR=/mnt/out/meta NO_COLOR=1
T=/sys/kernel/tracing
echo "guest: \$(uname -r), \$(nproc) CPUs"
/mnt/bin/kexec -p '$VM_KERNEL' --initrd='$VM_INITRD' \\
	--append="console=ttyS0 rdinit=/init nr_cpus=1 irqpoll reset_devices panic=1 quiet"
echo "guest: capture kernel loaded: \$(cat /sys/kernel/kexec_crash_loaded)"
'$TAPC' -F -m crasha /mnt/a.tap
'$TAPC' -F -m crashb /mnt/b.tap
for i in \$(seq 150); do
	cat /proc/version /mnt/a.tap >/dev/null
	ls /mnt/bin >/dev/null
done
# a reader took some of A's events: they are gone from the ring
head -n 20 \$T/instances/tap_crasha/trace_pipe >/mnt/out/consumed
echo 0 >\$T/instances/tap_crasha/tracing_on
cat \$T/instances/tap_crasha/trace >/mnt/out/a.ref
# the kernel shows a buffer being written out of order: B pauses for its
# reference, then records on through the panic
echo 0 >\$T/instances/tap_crashb/tracing_on
cat \$T/instances/tap_crashb/trace >/mnt/out/b.ref
echo 1 >\$T/instances/tap_crashb/tracing_on
cat \$T/instances/tap_crasha/per_cpu/cpu*/stats >/mnt/out/a.stats
ls -l /mnt/out/meta >/mnt/out/meta.ls
sync
echo "guest: panicking at \$(cut -d' ' -f1 /proc/uptime)s"
echo c >/proc/sysrq-trigger
EOF
# the capture kernel runs this instead, and its status is the run's
cat >"$share/capture.sh" <<'EOF'
s=$(cut -d' ' -f1 /proc/uptime)
/mnt/bin/makedumpfile -c -d 31 /proc/vmcore /mnt/out/dump.c >/mnt/out/makedumpfile-c.log 2>&1
rc=$?
/mnt/bin/makedumpfile -E -d 31 /proc/vmcore /mnt/out/dump.elf >/mnt/out/makedumpfile-E.log 2>&1
[ $? = 0 ] || rc=1
echo "capture: dumps written in $s -> $(cut -d' ' -f1 /proc/uptime) s, status $rc"
echo $rc >/mnt/out/status
EOF
vm_run "$share"
rc=$?
echo "VM run: ${VM_SECONDS}s wall (boot, workload, panic, capture kernel, two dumps)"
sed -n 's/^init: //p' "$share/console.log"
cat "$share/out/run.log" "$share/out/capture.log" 2>/dev/null
[ $rc = 0 ] || {
	echo "FAIL: the guest run or the capture failed (status $rc)"
	tail -n 40 "$share/console.log"
	cat "$share/out"/makedumpfile-*.log 2>/dev/null
	exit 1
}
ls -l "$share/out"/dump.* | awk '{ print "dump:", $NF, $5, "bytes" }'

failed=0
fail() {
	echo "FAIL: $*"
	failed=1
}
meta=$share/out/meta
out=$WORK/host
mkdir -p "$out"

# (cpu, microseconds, event) of every event in a `trace` file
trace_events() {
	sed -n 's/^.*\[\([0-9][0-9]*\)\][^:]* \([0-9][0-9]*\)\.\([0-9]\{6\}\): \([^:]*\):.*/\1 \2\3 \4/p' "$1" |
		awk '{ printf "%d %d %s\n", $1, $2, $3 }'
}
# the same of tap-crash --json's lines (the kernel rounds to the microsecond)
json_events() {
	sed -n 's/^{"time":\([0-9]*\),"cpu":\([0-9]*\),.*"event":"[^:"]*:\([^"]*\)".*/\2 \1 \3/p' "$1" |
		awk '{ printf "%s %d %s\n", $1, int(($2 + 500) / 1000), $3 }'
}

for dump in dump.c dump.elf; do
	d=$share/out/$dump
	"$TAP_CRASH" "$d" --meta "$meta" >"$out/$dump.list" 2>"$out/$dump.list.err" ||
		fail "$dump: tap-crash list: $(cat "$out/$dump.list.err")"
	for s in crasha crashb; do
		grep -q "^tap_$s .* /mnt/${s#crash}.tap\$" "$out/$dump.list" ||
			fail "$dump: the list lacks tap_$s: $(cat "$out/$dump.list")"
	done
	"$TAP_CRASH" "$d" --meta "$meta" --instance crasha --json -o "$out" 2>"$out/$dump.a.err" ||
		fail "$dump: tap-crash --json crasha: $(cat "$out/$dump.a.err")"
	mv "$out/tap_crasha.json" "$out/$dump.a.json"
	trace_events "$share/out/a.ref" >"$out/a.want"
	json_events "$out/$dump.a.json" >"$out/$dump.a.got"
	n=$(wc -l <"$out/a.want")
	[ "$n" -gt 100 ] || fail "the reference holds only $n events"
	if cmp -s "$out/a.want" "$out/$dump.a.got"; then
		echo "PASS: $dump: the stopped session's $n events are those of its trace file"
	else
		fail "$dump: the stopped session's events differ from its trace file:"
		diff "$out/a.want" "$out/$dump.a.got" | head -n 20
	fi

	"$TAP_CRASH" "$d" --meta "$meta" --instance crashb --json -o "$out" 2>"$out/$dump.b.err" ||
		fail "$dump: tap-crash --json crashb: $(cat "$out/$dump.b.err")"
	mv "$out/tap_crashb.json" "$out/$dump.b.json"
	trace_events "$share/out/b.ref" >"$out/b.want"
	json_events "$out/$dump.b.json" >"$out/$dump.b.got"
	nw=$(wc -l <"$out/b.want")
	ng=$(wc -l <"$out/$dump.b.got")
	# B recorded on after its reference until the panic: on each CPU the
	# saved events come first, then only later ones
	bad=0
	for cpu in $(cut -d' ' -f1 "$out/b.want" | sort -u); do
		awk -v c="$cpu" '$1 == c' "$out/b.want" >"$out/b.want.$cpu"
		awk -v c="$cpu" '$1 == c' "$out/$dump.b.got" >"$out/$dump.b.got.$cpu"
		k=$(wc -l <"$out/b.want.$cpu")
		head -n "$k" "$out/$dump.b.got.$cpu" | cmp -s - "$out/b.want.$cpu" || {
			bad=1
			head -n "$k" "$out/$dump.b.got.$cpu" | diff "$out/b.want.$cpu" - | head -n 10
		}
		last=$(tail -n 1 "$out/b.want.$cpu" | cut -d' ' -f2)
		awk -v k="$k" -v t="$last" 'NR > k && $2 < t { n++ } END { exit n > 0 }' \
			"$out/$dump.b.got.$cpu" || bad=1
	done
	if [ "$nw" -gt 10 ] && [ $bad = 0 ]; then
		echo "PASS: $dump: the running session gave its $nw saved events and $((ng - nw)) later ones"
	else
		fail "$dump: the running session's saved $nw events are not the first on each CPU"
	fi
done

# trace.dat, read by trace-cmd
"$TAP_CRASH" "$share/out/dump.c" --meta "$meta" --instance crasha --raw -o "$out" 2>"$out/raw.err" ||
	fail "tap-crash --raw: $(cat "$out/raw.err")"
trace-cmd report -i "$out/tap_crasha.dat" >"$out/report" 2>"$out/report.err" ||
	fail "trace-cmd report: $(cat "$out/report.err")"
nr=$(grep -c '^ *[^ ].*\[[0-9]*\] *[0-9.]*: ' "$out/report")
na=$(wc -l <"$out/a.want")
if [ "$nr" = "$na" ]; then
	echo "PASS: trace-cmd report reads the recovered trace.dat: $nr events"
else
	fail "trace-cmd report shows $nr events, the trace file $na"
fi

# text: the session's own handlers, against what the JSON fields say
"$TAP_CRASH" "$share/out/dump.c" --meta "$meta" --instance crasha >"$out/a.txt" 2>"$out/txt.err" ||
	fail "tap-crash text: $(cat "$out/txt.err")"
sed -n 's/.*"event":"sched:sched_switch".*"prev_comm":"\([^"]*\)","prev_pid":\([0-9-]*\),.*"next_comm":"\([^"]*\)","next_pid":\([0-9-]*\),.*/ev sw \1 \2 \3 \4/p
	/"event":"sched:/d; s/.*"dfd":\([0-9-]*\),"filename":"\([^"]*\)".*/ev open \1 \2/p' \
	"$out/dump.c.a.json" >"$out/a.txt.want"
# and what the saved trace file says of the same fields
sed -n 's/.* sched_switch: prev_comm=\(.*\) prev_pid=\([0-9]*\) .* next_comm=\(.*\) next_pid=\([0-9]*\) .*/ev sw \1 \2 \3 \4/p
	s/.* do_sys_openat2_[0-9]*: .* dfd=\([0-9-]*\) filename="\(.*\)"$/ev open \1 \2/p' \
	"$share/out/a.ref" >"$out/a.ref.fields"
if [ "$(wc -l <"$out/a.txt.want")" = "$na" ] && cmp -s "$out/a.ref.fields" "$out/a.txt.want"; then
	echo "PASS: the recovered fields of all $na events are those of the trace file"
else
	fail "the recovered fields differ from the trace file's:"
	diff "$out/a.ref.fields" "$out/a.txt.want" | head -n 20
fi
if cmp -s "$out/a.txt.want" "$out/a.txt"; then
	echo "PASS: the session's handlers ran over its $na recovered events"
else
	fail "the handlers' text differs from the recovered fields:"
	diff "$out/a.txt.want" "$out/a.txt" | head -n 20
fi
opens=$(grep -c '^ev open -100 /mnt/a.tap$' "$out/a.txt")
[ "$opens" -gt 0 ] || fail "no open of /mnt/a.tap in the recovered text"
echo "total $(($(date +%s) - start))s"
exit $failed
