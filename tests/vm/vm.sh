#!/bin/sh
# The VM test rig: boots Debian's own kernel (linux-image-amd64) under QEMU
# with a busybox initramfs, shares folders over 9p, runs a script inside,
# and hands back what it wrote. doc/vm-tests.md describes it.
#
# As a library (". tests/vm/vm.sh"):
#   vm_ready                 0 if QEMU, busybox-static and a kernel can be had;
#                            else 1 with the reason in $VM_WHY
#   vm_prepare               download and unpack the kernel, build the
#                            initramfs; both cached (see VM_CACHE below).
#                            Sets VM_KERNEL, VM_INITRD, VM_KVER, VM_KROOT
#   vm_share_new DIR         make DIR a share: DIR/run.sh runs in the guest
#                            (from /tmp, with /mnt = DIR), DIR/out collects
#   vm_stage DIR FILE...     copy the shared libraries FILE... need into
#                            DIR/sysroot/lib (the guest's LD_LIBRARY_PATH)
#   vm_mount DIR PATH...     also mount host PATHs (read-only) at the same
#                            paths in the guest
#   vm_run DIR               boot, run DIR/run.sh, power off; returns its
#                            exit status (125 if the guest never said); a
#                            guest whose kernel wedged is booted once more
#   vm_test_prepare [CMD...] for a test: exits 77 saying why when the rig,
#                            a host command CMD or the cache cannot be had;
#                            else prepares the guest
# As a command: vm.sh prepare | vm.sh run DIR | vm.sh ready
#
# Settings (environment): TAP_VM_CACHE (default /var/cache/tap-vm),
# TAP_VM_KERNEL_PACKAGE (default: what linux-image-amd64 depends on),
# VM_MODULES (modules insmod'ed at boot), VM_MEM (MB), VM_SMP, VM_TIMEOUT (s),
# VM_APPEND (more kernel command line), VM_QEMU_ARGS.
VM_CACHE=${TAP_VM_CACHE:-/var/cache/tap-vm}
VM_MODULES=${VM_MODULES:-"virtio_pci 9pnet_virtio 9p"}
VM_MEM=${VM_MEM:-768}
VM_SMP=${VM_SMP:-2}
VM_TIMEOUT=${VM_TIMEOUT:-900}
VM_APPEND=${VM_APPEND:-}
VM_QEMU_ARGS=${VM_QEMU_ARGS:-}
VM_WHY=
# where init lives; a script that sources this file sets it first
VM_SRC=${VM_SRC:-$(cd "$(dirname "$0")" 2>/dev/null && pwd)}

vm_log() {
	echo "vm: $*" >&2
}

# the kernel package and its version, from apt's lists
vm_kernel_package() {
	[ -n "${VM_KPKG_VERSION:-}" ] && return 0
	VM_KPKG=${TAP_VM_KERNEL_PACKAGE:-$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)}
	[ -n "$VM_KPKG" ] || return 1
	VM_KPKG_VERSION=$(apt-cache show --no-all-versions "$VM_KPKG" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1)
	[ -n "$VM_KPKG_VERSION" ]
}

# a kernel already in the cache, newest first (for machines without lists)
vm_cached_kernel() {
	# shellcheck disable=SC2012
	ls -1dt "$VM_CACHE"/linux-image-*/done 2>/dev/null | head -n 1 | sed 's|/done$||'
}

vm_ready() {
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		VM_WHY="qemu-system-x86_64 is not installed (package qemu-system-x86)"
		return 1
	fi
	if ! dpkg-query -W -f='${Status}\n' busybox-static 2>/dev/null |
		grep -q 'install ok installed'; then
		VM_WHY="busybox-static is not installed"
		return 1
	fi
	if ! vm_kernel_package && [ -z "$(vm_cached_kernel)" ]; then
		VM_WHY="no linux-image-amd64 in apt's lists and none in $VM_CACHE"
		return 1
	fi
	return 0
}

# vm_modinfo_deps KO: the modules KO needs, from its .modinfo
vm_modinfo_deps() {
	tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '
}

# vm_find_ko NAME: the module's file in the unpacked kernel
vm_find_ko() {
	find "$VM_KROOT/lib/modules/$VM_KVER" -name "$1.ko" -o \
		-name "$(echo "$1" | tr _ -).ko" | head -n 1
}

# vm_module_order NAME: NAME and what it needs, dependencies first (sh has
# no local variables, but each call has its own "$1")
vm_module_order() {
	case " $VM_ORDER " in *" $1 "*) return 0 ;; esac
	ko=$(vm_find_ko "$1")
	[ -n "$ko" ] || {
		vm_log "no module $1 in $VM_KPKG"
		return 1
	}
	for d in $(vm_modinfo_deps "$ko"); do
		vm_module_order "$d" || return 1
	done
	VM_ORDER="$VM_ORDER $1"
}

# downloads and unpacks the kernel package into $VM_KROOT, once
vm_fetch_kernel() {
	dir=$1
	[ -f "$dir/done" ] && return 0
	vm_log "downloading $VM_KPKG $VM_KPKG_VERSION into $dir"
	rm -rf "$dir"
	mkdir -p "$dir/dl" || return 1
	# apt's sandbox user cannot write here; apt-get falls back to root
	(cd "$dir/dl" && apt-get download -q "$VM_KPKG=$VM_KPKG_VERSION" 2>&1 |
		grep -v '^W: Download is performed unsandboxed') >&2
	deb=$(ls "$dir"/dl/*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || {
		vm_log "apt-get download $VM_KPKG failed"
		return 1
	}
	dpkg-deb -x "$deb" "$dir/root" || return 1
	rm -rf "$dir/dl"
	echo "$VM_KPKG $VM_KPKG_VERSION" >"$dir/done"
}

# builds the initramfs for $VM_MODULES into $1, once per content
vm_build_initrd() {
	out=$1
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/tap-vm-initrd.XXXXXX") || return 1
	VM_ORDER=
	for m in $VM_MODULES; do
		vm_module_order "$m" || return 1
	done
	mkdir -p "$tmp/bin" "$tmp/sbin" "$tmp/proc" "$tmp/sys" "$tmp/dev" \
		"$tmp/tmp" "$tmp/run" "$tmp/mnt" "$tmp/modules" "$tmp/etc"
	cp /bin/busybox "$tmp/bin/busybox"
	cp "$VM_SRC/init" "$tmp/init"
	chmod 755 "$tmp/init"
	echo "root:x:0:0:root:/root:/bin/sh" >"$tmp/etc/passwd"
	echo "root:x:0:" >"$tmp/etc/group"
	for m in $VM_ORDER; do
		cp "$(vm_find_ko "$m")" "$tmp/modules/$m.ko" || return 1
	done
	echo "$VM_ORDER" | tr ' ' '\n' | sed '/^$/d' >"$tmp/modules.list"
	(cd "$tmp" && find . | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) |
		gzip -9 >"$out.tmp" && mv "$out.tmp" "$out"
	rc=$?
	rm -rf "$tmp"
	return $rc
}

vm_prepare() {
	vm_ready || {
		vm_log "$VM_WHY"
		return 1
	}
	mkdir -p "$VM_CACHE" || return 1
	(
		# one preparer at a time; the others wait and reuse its work
		flock 9
		if vm_kernel_package; then
			dir=$VM_CACHE/${VM_KPKG}_$VM_KPKG_VERSION
			vm_fetch_kernel "$dir" || exit 1
		fi
	) 9>"$VM_CACHE/.lock" || return 1
	if vm_kernel_package; then
		dir=$VM_CACHE/${VM_KPKG}_$VM_KPKG_VERSION
	else
		dir=$(vm_cached_kernel)
		VM_KPKG=$(cut -d' ' -f1 "$dir/done")
		VM_KPKG_VERSION=$(cut -d' ' -f2 "$dir/done")
	fi
	VM_KROOT=$dir/root
	VM_KERNEL=$(ls "$VM_KROOT"/boot/vmlinuz-* | head -n 1)
	VM_KVER=${VM_KERNEL##*/vmlinuz-}
	# the initramfs is keyed by everything that goes into it
	key=$({
		cat "$VM_SRC/init"
		echo "$VM_MODULES"
		dpkg-query -W -f='${Version}' busybox-static
	} | sha256sum | cut -c1-16)
	VM_INITRD=$dir/initrd-$key.img
	(
		flock 9
		[ -f "$VM_INITRD" ] || vm_build_initrd "$VM_INITRD"
	) 9>"$VM_CACHE/.lock"
	[ -f "$VM_INITRD" ]
}

vm_test_prepare() {
	vm_ready || {
		echo "SKIP: $VM_WHY"
		exit 77
	}
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null 2>&1 || {
			echo "SKIP: $cmd is not installed"
			exit 77
		}
	done
	if [ ! -w "$VM_CACHE" ] && ! mkdir -p "$VM_CACHE" 2>/dev/null; then
		echo "SKIP: cannot write the VM cache $VM_CACHE (set TAP_VM_CACHE)"
		exit 77
	fi
	vm_prepare || {
		echo "SKIP: cannot get the guest kernel (see above)"
		exit 77
	}
}

vm_share_new() {
	mkdir -p "$1/out" "$1/sysroot/lib" || return 1
	: >"$1/mounts"
	VM_NMOUNTS=0
}

# vm_stage DIR FILE...: FILE's libraries (and the loader) into DIR/sysroot
vm_stage() {
	share=$1
	shift
	for f in "$@"; do
		ldd "$f" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' |
			while read -r lib; do
				cp -Lu "$lib" "$share/sysroot/lib/" || exit 1
			done || return 1
	done
}

# vm_mount DIR PATH...: PATH is mounted read-only at PATH in the guest
vm_mount() {
	share=$1
	shift
	for p in "$@"; do
		p=$(cd "$p" && pwd) || return 1
		# a path inside one already shared is there anyway
		if awk -v p="$p" '{ if (p == $2 || index(p, $2 "/") == 1) f = 1 } END { exit !f }' \
			"$share/mounts"; then
			continue
		fi
		n=$(wc -l <"$share/mounts")
		echo "host$n $p" >>"$share/mounts"
	done
}

# vm_boot DIR: one boot of the guest; its status, 125 if it never said
vm_boot() {
	share=$1
	set -- -accel tcg,thread=multi -cpu max -smp "$VM_SMP" -m "$VM_MEM" \
		-nodefaults -display none -no-reboot -no-user-config \
		-serial "file:$share/console.log" \
		-kernel "$VM_KERNEL" -initrd "$VM_INITRD" \
		-append "console=ttyS0 panic=-1 softlockup_panic=1 rdinit=/init quiet $VM_APPEND" \
		-virtfs "local,path=$share,mount_tag=share,security_model=none,id=share"
	while read -r tag path; do
		set -- "$@" -virtfs "local,path=$path,mount_tag=$tag,security_model=none,readonly=on,id=$tag"
	done <"$share/mounts"
	rm -f "$share/out/status"
	start=$(date +%s)
	# shellcheck disable=SC2086
	timeout "$VM_TIMEOUT" qemu-system-x86_64 "$@" $VM_QEMU_ARGS </dev/null >"$share/qemu.log" 2>&1
	qrc=$?
	VM_SECONDS=$(($(date +%s) - start))
	if [ ! -f "$share/out/status" ]; then
		vm_log "the guest gave no status (qemu exit $qrc after ${VM_SECONDS}s); console:"
		tail -n 30 "$share/console.log" >&2
		cat "$share/qemu.log" >&2
		return 125
	fi
	return "$(cat "$share/out/status")"
}

# vm_wedged CONSOLE: the guest kernel saw a CPU stop answering (a soft
# lockup or an RCU stall). Under TCG that has come from the emulator: once
# in CI a vCPU stopped taking its timer interrupts for good, and another
# CPU waited on it forever; the same test passed hundreds of times before
# and after. softlockup_panic turns such a wedge into a panic (with the
# stuck task's stack on the console) instead of a 900 s timeout.
vm_wedged() {
	grep -Eq 'BUG: soft lockup|rcu: INFO: .*(stall|detected stalls)' "$1"
}

# vm_run DIR: boots the guest; a guest that wedged (vm_wedged) is shown
# and booted once more, from a clean DIR/out, so one emulator hang does
# not fail the run while a hang that repeats still does
vm_run() {
	share=$(cd "$1" && pwd) || return 125
	vm_boot "$share"
	rc=$?
	if [ $rc != 125 ] || ! vm_wedged "$share/console.log"; then
		return $rc
	fi
	vm_log "the guest wedged (${VM_SECONDS}s); what its console said first:"
	grep -E -m 1 -A 60 'BUG: soft lockup|rcu: INFO: ' "$share/console.log" >&2
	vm_log "booting the guest once more (console of the wedged run: console.wedged.log)"
	mv "$share/console.log" "$share/console.wedged.log"
	wedged_seconds=$VM_SECONDS
	rm -rf "$share/out" && mkdir -p "$share/out" || return 125
	vm_boot "$share"
	rc=$?
	VM_SECONDS=$((VM_SECONDS + wedged_seconds))
	return $rc
}

# command mode
if [ "$(basename "$0")" = vm.sh ]; then
	set -u
	case ${1:-} in
	ready)
		vm_ready || {
			echo "$VM_WHY"
			exit 1
		}
		;;
	prepare)
		vm_prepare || exit 1
		echo "kernel:    $VM_KERNEL ($VM_KPKG $VM_KPKG_VERSION)"
		echo "initramfs: $VM_INITRD"
		;;
	run)
		[ $# = 2 ] || {
			echo "usage: vm.sh run DIR (DIR/run.sh runs in the guest)" >&2
			exit 2
		}
		vm_prepare || exit 1
		mkdir -p "$2/out" "$2/sysroot/lib"
		[ -f "$2/mounts" ] || : >"$2/mounts"
		vm_run "$2"
		rc=$?
		echo "vm: guest status $rc after ${VM_SECONDS}s; output in $2/out" >&2
		exit $rc
		;;
	*)
		echo "usage: vm.sh ready | prepare | run DIR" >&2
		exit 2
		;;
	esac
fi
