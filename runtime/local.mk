# runtime/: decoding, the handler interpreter, output, the event loop
noinst_LIBRARIES += runtime/libruntime.a
runtime_libruntime_a_SOURCES = runtime/runtime.h runtime/rt.h runtime/rt.c \
	runtime/interp.c runtime/rt_builtins.c runtime/rt_error.c runtime/hist.c \
	runtime/value.c runtime/value.h runtime/map.c runtime/map.h \
	runtime/output.c runtime/output.h runtime/task.c runtime/task.h \
	runtime/loop.c runtime/loop.h runtime/session.c runtime/session.h \
	runtime/state.c runtime/state.h runtime/rotate.c runtime/rotate.h \
	runtime/json.c runtime/json.h runtime/tracedat.c runtime/tracedat.h \
	runtime/spill.c runtime/spill.h runtime/control.c \
	runtime/session_internal.h runtime/perf.c runtime/perf.h \
	runtime/symbolize.c runtime/symbolize.h runtime/crashmeta.c \
	runtime/crashmeta.h
runtime_libruntime_a_CPPFLAGS = $(AM_CPPFLAGS) $(TRACEEVENT_CFLAGS) $(LIBELF_CFLAGS)
RUNTIME_LIBS = runtime/libruntime.a $(UTIL_LIBS)
# a flight recorder writer's checkpoint, for its successor (tapd restarts)
runtime_libruntime_a_SOURCES += runtime/checkpoint.c runtime/checkpoint.h
# shared buffers: guests joining and leaving a host's instance
runtime_libruntime_a_SOURCES += runtime/shared.c runtime/shared.h
# snapshots: a flight recorder's buffered events into a trace.dat
runtime_libruntime_a_SOURCES += runtime/snapshot.c
