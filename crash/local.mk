# crash/: recovering ftrace instances from a kdump vmcore -> libcrash.a
noinst_LIBRARIES += crash/libcrash.a
crash_libcrash_a_SOURCES = crash/mem.c crash/mem.h crash/layout.c \
	crash/layout.h crash/ring.c crash/ring.h crash/ksyms.c crash/ksyms.h \
	crash/decode.c crash/decode.h crash/meta.c crash/meta.h \
	crash/raw.c crash/raw.h
crash_libcrash_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/crash \
	$(KDUMPFILE_CFLAGS) $(LIBBPF_CFLAGS) $(TRACEEVENT_CFLAGS)
CRASH_LIBS = crash/libcrash.a $(RUNTIME_LIBS) $(TFB_LIBS) $(COMPILER_LIBS) \
	$(KDUMPFILE_LIBS) $(LIBBPF_LIBS) $(TRACEEVENT_LIBS)

bin_PROGRAMS += tools/tap-crash
tools_tap_crash_SOURCES = tools/tap-crash.c
tools_tap_crash_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/crash \
	$(LIBBPF_CFLAGS) $(TRACEEVENT_CFLAGS)
tools_tap_crash_LDADD = $(CRASH_LIBS)
