#!/bin/sh
# kdump in the test guest, on top of vm.sh: kexec-tools (which this machine
# does not install: its debconf default would arm kexec at boot) is fetched
# with apt-get download and unpacked into the VM cache, with the Xen
# libraries it links that the host lacks.
#   kdump_prepare     sets KDUMP_ROOT (the unpacked packages), KDUMP_KEXEC
#                     and KDUMP_LIBS (a directory for LD_LIBRARY_PATH)
KDUMP_PACKAGES="kexec-tools libxenmisc4.17 libxencall1 libxendevicemodel1
	libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenhypfs1
	libxenstore4 libxentoolcore1 libxentoollog1 libyajl2"

kdump_prepare() {
	ver=$(apt-cache show --no-all-versions kexec-tools 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1)
	# no ':' of the epoch in the path: it would split LD_LIBRARY_PATH
	# no ':' of the epoch in the path: it would split LD_LIBRARY_PATH; the
	# package list is part of the key, so a longer one fetches again
	key=$(echo "$KDUMP_PACKAGES" | sha256sum | cut -c1-8)
	KDUMP_ROOT=$VM_CACHE/kexec-tools_$(echo "${ver:-cached}" | tr : _)_$key/root
	if [ ! -f "$KDUMP_ROOT/../done" ]; then
		[ -n "$ver" ] || return 1
		mkdir -p "$KDUMP_ROOT" || return 1
		(
			cd "$KDUMP_ROOT/.." || exit 1
			flock 9
			[ -f done ] && exit 0
			# shellcheck disable=SC2086
			apt-get download -q $KDUMP_PACKAGES >/dev/null 2>&1 || exit 1
			for deb in ./*.deb; do
				dpkg-deb -x "$deb" root || exit 1
			done
			rm -f ./*.deb
			echo "$ver" >done
		) 9>"$KDUMP_ROOT/../.lock" || return 1
	fi
	KDUMP_KEXEC=$KDUMP_ROOT/sbin/kexec
	KDUMP_LIBS=$KDUMP_ROOT/usr/lib/x86_64-linux-gnu
	[ -x "$KDUMP_KEXEC" ]
}
