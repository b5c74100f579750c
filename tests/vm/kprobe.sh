#!/bin/sh
# The kprobe tests in a VM with Debian's kernel, which has kprobes (this
# machine's kernel has none): boots the guest once (tests/vm/vm.sh), runs
# tests/live/kprobe-*.sh in it with the built tapc (and uprobe-same-point.sh,
# whose handler order rests on how the kernel orders a uprobe's consumers:
# checked on a second kernel, with its program built here), and checks that the
# golden kprobe plans, compiled in the guest against its live BTF and
# function list, match tests/compile/*.expect (which come from the cut-down
# saved target tests/target-btf). Skips (77), saying why, without QEMU or
# the kernel package.
set -u
: "${TAPC:?TAPC must point at the tapc binary}"
: "${TAP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TAP_BUILDDIR:=$(cd "$(dirname "$TAPC")/.." && pwd)}"
VM_SRC=$TAP_SRCDIR/tests/vm
. "$VM_SRC/vm.sh"

start=$(date +%s)
vm_test_prepare
echo "kernel $VM_KPKG $VM_KPKG_VERSION, prepared in $(($(date +%s) - start))s"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tap-vm-kprobe.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
share=$WORK/share
vm_share_new "$share"
vm_stage "$share" "$TAPC" || {
	echo "FAIL: cannot stage $TAPC's libraries"
	exit 1
}
vm_mount "$share" "$TAP_SRCDIR" "$TAP_BUILDDIR" "$(dirname "$TAPC")"

# kprobe-missing.sh checks the error of kernels without kprobes: not here
tests="$(cd "$TAP_SRCDIR/tests/live" && ls kprobe-*.sh | grep -v "^kprobe-missing.sh$")
uprobe-same-point.sh"
# the guest has no compiler: its programs are built here, static
mkdir -p "$share/progs"
cc -static -O1 -g -o "$share/progs/target" "$TAP_SRCDIR/tests/live/progs/target.c" || {
	echo "FAIL: cannot build the guest's test program"
	exit 1
}
golden=$(cd "$TAP_SRCDIR/tests/compile" && grep -l '^# args: --target ../target-btf$' kprobe-*.tap)
cat >"$share/run.sh" <<EOF
export TAPC='$TAPC' TAP_SRCDIR='$TAP_SRCDIR' TAP_EXPECT_KPROBES=1 NO_COLOR=1 TAP_PROGS_DIR=/mnt/progs
echo "guest: \$(uname -r), \$(nproc) CPUs"
for t in $(echo $tests); do
	s=\$(cut -d' ' -f1 /proc/uptime)
	sh "\$TAP_SRCDIR/tests/live/\$t" >/mnt/out/\$t.log 2>&1
	echo \$? >/mnt/out/\$t.rc
	echo "guest: \$t exit \$(cat /mnt/out/\$t.rc) (\$s -> \$(cut -d' ' -f1 /proc/uptime) s)"
done
mkdir -p /mnt/out/golden
cd "\$TAP_SRCDIR/tests/compile"
for g in $(echo $golden); do
	"\$TAPC" -p2 "\$g" >/mnt/out/golden/\${g%.tap}.plan 2>&1
done
EOF
vm_run "$share"
rc=$?
echo "VM run: ${VM_SECONDS}s wall (boot, tests, poweroff)"
sed -n 's/^init: //p' "$share/console.log"
cat "$share/out/run.log"
[ $rc = 0 ] || {
	echo "FAIL: the guest script failed (status $rc)"
	exit 1
}

failed=0
for t in $tests; do
	r=$(cat "$share/out/$t.rc" 2>/dev/null || echo none)
	case $r in
	0) echo "PASS: $t (in the VM)" ;;
	*)
		# in the VM a skip is a failure: it has everything these need
		echo "FAIL: $t (in the VM): exit $r"
		sed 's/^/    /' "$share/out/$t.log"
		failed=1
		;;
	esac
done
for g in $golden; do
	n=${g%.tap}
	# the plan from the live kernel must be the golden one
	if diff -u "$TAP_SRCDIR/tests/compile/$n.expect" "$share/out/golden/$n.plan"; then
		echo "PASS: tests/compile/$n.expect matches the guest's live kernel"
	else
		echo "FAIL: tests/compile/$n.expect differs from the guest's live kernel"
		failed=1
	fi
done
echo "total $(($(date +%s) - start))s"
exit $failed
