#!/bin/sh
# Rebuilds the fixture binaries of the golden tests. Their offsets appear
# in the expected plans, so rebuild only on purpose (another compiler gives
# other offsets), then run the golden tests with UPDATE_GOLDEN=1 and review
# the plans that changed. demo is older and built by the command in demo.c.
# Needs gcc, binutils and systemtap-sdt-dev (dtrace); run it in this folder.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# sdt: SDT markers with and without semaphores (PIE, -O2)
dtrace -s sdt_prov.d -h -o "$tmp/sdt_prov.h"
dtrace -s sdt_prov.d -G -o "$tmp/sdt_prov.o"
gcc -O2 -g0 -I"$tmp" -c sdt.c -o "$tmp/sdt.o"
gcc -O0 -g0 -c sdt_plain.c -o "$tmp/sdt_plain.o"
gcc -O2 -o sdt "$tmp/sdt.o" "$tmp/sdt_plain.o" "$tmp/sdt_prov.o"

# dwarf: parameters and members with DWARF in the binary (PIE, -O1 -g)
gcc -O1 -g -o dwarf dwarf.c

# vars: variables at file scope for @var(), a static named alike in two files
gcc -O1 -g -o vars vars.c vars2.c
clang -O0 -g -fuse-ld=lld -o vars-clang vars.c vars2.c

# dwarf-stripped: no symbols at all; DWARF and .symtab are found by build id
# in ../debug/.build-id/ (the saved target's debug root)
cp dwarf "$tmp/full"
id=$(readelf -n "$tmp/full" | sed -n 's/.*Build ID: //p')
rm -rf ../debug/.build-id
mkdir -p "../debug/.build-id/$(echo "$id" | cut -c1-2)"
objcopy --only-keep-debug "$tmp/full" \
	"../debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
strip --strip-all -o dwarf-stripped "$tmp/full"

# dwarf-linked: no build id; DWARF found by .gnu_debuglink beside it
gcc -O1 -g -Wl,--build-id=none -o "$tmp/linked" dwarf.c
objcopy --only-keep-debug "$tmp/linked" dwarf-linked.debug
strip --strip-debug -o dwarf-linked "$tmp/linked"
objcopy --add-gnu-debuglink=dwarf-linked.debug dwarf-linked

# libfix.so: a shared library with versioned symbols (fix_alloc@FIX_1.0 and
# the default fix_alloc@@FIX_2.0)
gcc -O1 -g0 -fPIC -shared -Wl,--version-script=fix.map -Wl,-soname,libfix.so.1 \
	-o libfix.so fix.c

# nopie: demo.c as a position-dependent executable (addresses != offsets)
gcc -O1 -g0 -no-pie -o nopie demo.c
strip --strip-debug nopie
