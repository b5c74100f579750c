# tracefs-backend/: the only code that includes <tracefs.h> -> libtfb.a
noinst_LIBRARIES += tracefs-backend/libtfb.a
tracefs_backend_libtfb_a_SOURCES = tracefs-backend/tfb.h \
	tracefs-backend/tfb_session.c
tracefs_backend_libtfb_a_CPPFLAGS = $(AM_CPPFLAGS) $(TRACEFS_CFLAGS) \
	$(TRACEEVENT_CFLAGS)
TFB_LIBS = tracefs-backend/libtfb.a $(UTIL_LIBS) $(TRACEFS_LIBS) $(TRACEEVENT_LIBS)
