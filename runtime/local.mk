# runtime/: decoding, the handler interpreter, output, the event loop
noinst_LIBRARIES += runtime/libruntime.a
runtime_libruntime_a_SOURCES = runtime/runtime.h runtime/rt.h runtime/rt.c \
	runtime/interp.c runtime/rt_builtins.c runtime/rt_error.c runtime/hist.c \
	runtime/value.c runtime/value.h runtime/map.c runtime/map.h \
	runtime/output.c runtime/output.h runtime/task.c runtime/task.h \
	runtime/loop.c runtime/loop.h runtime/session.c runtime/session.h \
	runtime/state.c runtime/state.h
runtime_libruntime_a_CPPFLAGS = $(AM_CPPFLAGS) $(TRACEEVENT_CFLAGS)
RUNTIME_LIBS = runtime/libruntime.a
