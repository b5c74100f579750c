# compiler/: semantic checks, providers, lowering, plans -> libcompiler.a
noinst_LIBRARIES += compiler/libcompiler.a
compiler_libcompiler_a_SOURCES = compiler/compiler.h \
	compiler/compile_internal.h compiler/symbol.h compiler/compile.c \
	compiler/sema.c compiler/bind.c compiler/infer.c compiler/lower.c \
	compiler/builtins.c compiler/builtins.h compiler/format.c \
	compiler/format.h compiler/plan.c compiler/plan.h \
	compiler/probe_def.c compiler/probe_def.h compiler/target.c \
	compiler/target.h compiler/elfsym.c compiler/elfsym.h compiler/elfplt.c \
	compiler/provider_basic.c compiler/provider_tracepoint.c \
	compiler/provider_uprobe.c compiler/provider_perf.c \
	compiler/btf.c compiler/btf.h compiler/provider_kprobe.c \
	compiler/entry.c
# user-space probes: SDT notes, DWARF (libdw), process() resolution
compiler_libcompiler_a_SOURCES += compiler/sdt.c compiler/sdt.h \
	compiler/dwinfo.c compiler/dwinfo.h compiler/uprobe.c compiler/uprobe.h \
	compiler/provider_sdt.c
compiler_libcompiler_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBELF_CFLAGS) $(LIBDW_CFLAGS) \
	$(LIBBPF_CFLAGS)
COMPILER_LIBS = compiler/libcompiler.a lang/liblang.a $(UTIL_LIBS) $(LIBDW_LIBS) $(LIBELF_LIBS) \
	$(LIBBPF_LIBS)
# plan files: a compiled script run later without its target (planfile.h)
compiler_libcompiler_a_SOURCES += compiler/planfile.c compiler/planfile.h \
	compiler/replay.c compiler/replay.h
