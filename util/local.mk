# util/: what every layer uses: whole-file reads and writes, escaped
# strings, the kernel version, system call names
noinst_LIBRARIES += util/libutil.a
util_libutil_a_SOURCES = util/fileio.c util/fileio.h util/escape.c util/escape.h \
	util/kver.c util/kver.h util/syscalls.c util/syscalls.h
nodist_util_libutil_a_SOURCES = util/syscall_table.h
UTIL_LIBS = util/libutil.a
EXTRA_DIST += util/gen-syscall-table.sh

# the build architecture's system call names, from the kernel headers
BUILT_SOURCES += util/syscall_table.h
CLEANFILES += util/syscall_table.h
util/syscall_table.h: $(srcdir)/util/gen-syscall-table.sh
	$(AM_V_GEN)$(MKDIR_P) util && \
	$(SHELL) $(srcdir)/util/gen-syscall-table.sh "$(CC) -E" >$@.tmp && mv $@.tmp $@
