#!/bin/sh
# Writes the system call names of the build's architecture, from the
# kernel headers' __NR_ macros, as C initialisers: [NR] = "name",
# (syscall_any's name; the kernel's raw_syscalls events record only NR).
# $1: the C preprocessor command. Without the headers the table has no
# names (one NULL), and syscall_any says "syscall_NR".
set -u
cpp=${1:-cc -E}
table=$(echo '#include <asm/unistd.h>' | $cpp -dM - 2>/dev/null |
	sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$/\2 \1/p' |
	sort -n -k1,1 -u)
if [ -z "$table" ]; then
	printf '\tNULL,\n'
	exit 0
fi
echo "$table" | while read -r nr name; do
	printf '\t[%s] = "%s",\n' "$nr" "$name"
done
