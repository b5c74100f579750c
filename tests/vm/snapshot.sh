#!/bin/sh
# snapshot() as the kernel's snapshot trigger, in a VM with Debian's kernel
# (this machine's kernel has no snapshot buffer). A flight recorder with no
# reader (-F, 1 MB per CPU) records 1000 events, then the trigger event,
# then a flood far bigger than its buffer. The probe whose handler only
# calls snapshot() is a 'snapshot' trigger in the plan, so the kernel froze
# the 1000 events at the trigger: tapc --snapshot finds all of them in its
# trace.dat (read by trace-cmd report here). (The trigger event itself is
# recorded after the freeze, in the buffer the flood overwrites.)
# The same run with snapshot() in user space (its handler prints too) has
# the flood push them out: the trigger is what kept them. Skips (77),
# saying why, without QEMU or the kernel package.
set -u
: "${TAPC:?TAPC must point at the tapc binary}"
: "${TAP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TAP_BUILDDIR:=$(cd "$(dirname "$TAPC")/.." && pwd)}"
VM_SRC=$TAP_SRCDIR/tests/vm
. "$VM_SRC/vm.sh"

vm_test_prepare trace-cmd
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tap-vm-snapshot.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
share=$WORK/share
vm_share_new "$share"
cc -O1 -o "$share/closer" "$TAP_SRCDIR/tests/live/progs/closer.c" || {
	echo "FAIL: cannot build closer"
	exit 1
}
vm_stage "$share" "$TAPC" "$share/closer" || {
	echo "FAIL: cannot stage the binaries' libraries"
	exit 1
}
vm_mount "$share" "$TAP_SRCDIR" "$TAP_BUILDDIR" "$(dirname "$TAPC")"

cat >"$share/run.sh" <<EOF
export TAPC='$TAPC' NO_COLOR=1 TAP_RUN_DIR=/tmp/run TAP_CRASH_DIR=/tmp/crash
echo "guest: \$(uname -r), \$(nproc) CPUs"
# run NAME SCRIPT: 1000 events, the trigger, a flood; then the snapshot.
# All on CPU 0: buffers are per CPU, and a flood on another CPU than the
# 1000 events would leave them in place
run() {
	printf '%s\n' "\$2" >/tmp/\$1.tap
	"\$TAPC" -p2 /tmp/\$1.tap >/mnt/out/\$1.plan 2>&1 || return 1
	"\$TAPC" -F -m \$1 -s 1 /tmp/\$1.tap >/dev/null 2>/mnt/out/\$1.err || return 1
	taskset 1 /mnt/closer 500000000 1000 0 0 fsync
	taskset 1 /mnt/closer 500099999 1 0 0 syncfs
	taskset 1 /mnt/closer 500010000 300000 0 0 fsync
	"\$TAPC" --snapshot \$1 -o /mnt/out/\$1.dat >>/mnt/out/\$1.err 2>&1 || return 1
	"\$TAPC" --stop \$1 >>/mnt/out/\$1.err 2>&1
}
run kernel 'probe syscall.fsync { if (\$fd >= 500000000 && \$fd < 600000000) printf("%d\\n", \$fd) }
probe syscall.syncfs { snapshot() }' || exit 1
run user 'probe syscall.fsync { if (\$fd >= 500000000 && \$fd < 600000000) printf("%d\\n", \$fd) }
probe syscall.syncfs { println("x"); snapshot() }' || exit 1
# a writer reads on across the swap: nothing it had not read is lost, and
# its handler writes the snapshot file next to its log
mkdir -p /tmp/w
printf '%s\n' 'probe syscall.fsync { if (\$fd >= 500000000 && \$fd < 600000000) printf("%d\\n", \$fd) }
probe syscall.syncfs { snapshot() }' >/tmp/w.tap
"\$TAPC" -F -m w -s 1 -o /tmp/w/w.log /tmp/w.tap >/dev/null 2>/mnt/out/w.err || exit 1
/mnt/closer 500000000 1000 0 0 fsync
/mnt/closer 500099999 1 0 0 syncfs
/mnt/closer 500001000 2000 0 0 fsync
sleep 2
"\$TAPC" --stop w >>/mnt/out/w.err 2>&1
cp /tmp/w/w.log /mnt/out/w.log
cp /tmp/w/w-snapshot-*.dat /mnt/out/w-snapshot.dat 2>>/mnt/out/w.err
cat /mnt/out/w.err
exit 0
EOF
vm_run "$share"
rc=$?
echo "VM run: ${VM_SECONDS}s wall (boot, tests, poweroff)"
cat "$share/out/run.log"
[ $rc = 0 ] || {
	echo "FAIL: the guest script failed (status $rc)"
	cat "$share/out"/*.err 2>/dev/null
	exit 1
}

# the fsync arguments before the trigger, in trace.dat $1
before() {
	trace-cmd report "$1" 2>/dev/null |
		sed -n 's/.*sys_enter_fsync: *fd: 0x\([0-9a-f]*\).*/\1/p' |
		while read -r hex; do
			n=$(printf '%d' "0x$hex")
			[ "$n" -lt 500001000 ] && [ "$n" -ge 500000000 ] && echo "$n"
		done
}

failed=0
grep -q "^write  instances/tap_kernel/events/syscalls/sys_enter_syncfs/trigger snapshot$" \
	"$share/out/kernel.plan" || {
	echo "FAIL: no snapshot trigger in the plan:"
	cat "$share/out/kernel.plan"
	failed=1
}
grep -q "trigger" "$share/out/user.plan" && {
	echo "FAIL: a handler that prints got the trigger"
	failed=1
}
n=$(before "$share/out/kernel.dat" | sort -u | wc -l)
if [ "$n" = 1000 ]; then
	echo "PASS: the trigger kept all 1000 events before it through the flood"
else
	echo "FAIL: the in-kernel snapshot holds $n of the 1000 events before the trigger"
	failed=1
fi
u=$(before "$share/out/user.dat" | sort -u | wc -l)
if [ "$u" -lt 1000 ]; then
	echo "PASS: without the trigger, the flood pushed out $((1000 - u)) of them"
else
	echo "FAIL: the flood did not overwrite the buffer ($u of 1000 kept): the test proves nothing"
	failed=1
fi
seq 500000000 500002999 >"$WORK/want"
if cmp -s "$WORK/want" "$share/out/w.log"; then
	echo "PASS: a writer across the swap: all 3000 records, once each, in order"
else
	echo "FAIL: the writer's log across the swap: $(wc -l <"$share/out/w.log") of 3000 records"
	failed=1
fi
w=$(before "$share/out/w-snapshot.dat" | sort -u | wc -l)
if [ "$w" = 1000 ]; then
	echo "PASS: the writer's snapshot() file holds the 1000 events before the trigger"
else
	echo "FAIL: the writer's snapshot file holds $w of the 1000 events before the trigger"
	failed=1
fi
exit $failed
