# daemon/: tapd, the service: registry, start order, sessions, control
noinst_LIBRARIES += daemon/libtapd.a
daemon_libtapd_a_SOURCES = daemon/tapd_config.c daemon/tapd_config.h daemon/deps.c \
	daemon/deps.h daemon/control.c daemon/control.h daemon/sessargs.c \
	daemon/sessargs.h
daemon_libtapd_a_CPPFLAGS = $(AM_CPPFLAGS)
TAPD_LIBS = daemon/libtapd.a
# supervision needs the runtime (session records, stop) and the backend
noinst_LIBRARIES += daemon/libtapdsvc.a
daemon_libtapdsvc_a_SOURCES = daemon/service.c daemon/service.h daemon/commands.c \
	daemon/commands.h daemon/plancache.c daemon/plancache.h
TAPD_SVC_LIBS = daemon/libtapdsvc.a $(TAPD_LIBS) $(RUNTIME_LIBS) $(TFB_LIBS)

sbin_PROGRAMS = daemon/tapd tools/tapctl
daemon_tapd_SOURCES = daemon/tapd.c
daemon_tapd_LDADD = $(TAPD_SVC_LIBS) $(COMPILER_LIBS)
tools_tapctl_SOURCES = tools/tapctl.c
tools_tapctl_LDADD = $(TAPD_LIBS) $(COMPILER_LIBS)
dist_man_MANS += doc/tapd.8 doc/tapd.conf.5 doc/tapctl.8 doc/tap-backup.8
