#!/bin/sh
# Regenerates tests/target-btf, the saved target of the kprobe golden
# tests, from the test guest's kernel (Debian's linux-image-amd64):
#   tests/vm/snapshot-target.sh BTF_EXTRACT [OUTDIR]
# BTF_EXTRACT is the built tests/vm/btf-extract. The guest's tracefs
# README, its functions (a subset: those the tests use, and enough for the
# wildcard limit), the kprobe blacklist entries among them, and its BTF cut
# down to those functions (btf-extract) are written to OUTDIR (default
# tests/target-btf), with the formats of the events tap uses itself.
# Review the change with git diff.
set -eu
[ $# -ge 1 ] || {
	echo "usage: $0 BTF_EXTRACT [OUTDIR]" >&2
	exit 2
}
extract=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-$src/tests/target-btf}
VM_SRC=$src/tests/vm
. "$VM_SRC/vm.sh"
vm_prepare

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vm_share_new "$work"
cat >"$work/run.sh" <<'EOF'
set -e
t=/mnt/out/raw
mkdir -p $t/tracefs $t/btf
uname -r >$t/release
for f in README available_filter_functions trace_clock; do
	cat /sys/kernel/tracing/$f >$t/tracefs/$f
done
# its snapshot buffer (snapshot triggers): only the file's presence counts
[ -e /sys/kernel/tracing/snapshot ] && : >$t/tracefs/snapshot
# the events tap enables to keep its task table (execname(), pid())
for e in sched/sched_process_fork sched/sched_process_exec task/task_rename; do
	mkdir -p $t/tracefs/events/$e
	cat /sys/kernel/tracing/events/$e/format >$t/tracefs/events/$e/format
done
cat /sys/kernel/debug/kprobes/blacklist >$t/kprobes_blacklist
cat /sys/kernel/btf/vmlinux >$t/btf/vmlinux
cat /sys/kernel/btf/9p >$t/btf/9p
EOF
vm_run "$work"
raw=$work/out/raw

# the functions: all of v* (vfs_*, and module 9p's v9fs_*) and do_*
# (more than the 512 a wildcard may match), and the tests' others
funcs=$work/funcs
grep -E '^(v|do_|setup_new_exec$|bprm_execve$|ksys_read$)' \
	"$raw/tracefs/available_filter_functions" | LC_ALL=C sort -u >"$funcs"
# BTF for the vmlinux functions the golden tests name, and 9p's read/write
btf_funcs=$(grep -v -e '\[' -e '\.' "$funcs" | grep -E '^(vfs_|do_sys_open|do_filp_open$|setup_new_exec$|bprm_execve$|ksys_read$)' |
	tr '\n' , | sed 's/,$//')

rm -rf "$out"
mkdir -p "$out/tracefs" "$out/btf"
cp "$raw/release" "$out/release"
cp "$raw/tracefs/README" "$raw/tracefs/trace_clock" "$out/tracefs/"
[ -e "$raw/tracefs/snapshot" ] && : >"$out/tracefs/snapshot"
cp -r "$raw/tracefs/events" "$out/tracefs/"
cp "$funcs" "$out/tracefs/available_filter_functions"
: >"$out/tracefs/dynamic_events"
: >"$out/tracefs/kprobe_events"
: >"$out/tracefs/uprobe_events"
awk 'NR == FNR { sub(/ .*/, ""); want[$0] = 1; next } want[$2]' \
	"$funcs" "$raw/kprobes_blacklist" | LC_ALL=C sort -k2 >"$out/kprobes_blacklist"
"$extract" -b "$raw/btf/vmlinux" -o "$out/btf/vmlinux" -f "$btf_funcs" \
	-k file,path,dentry,qstr,open_how,filename,kiocb,iov_iter,linux_binprm \
	-m "$raw/btf/9p" -O "$out/btf/9p" \
	-F v9fs_file_read_iter,v9fs_file_write_iter,v9fs_vfs_lookup
echo "snapshot-target: wrote $out ($(cat "$out/release"))"
