# daemon/: tapd, the service: registry, start order, sessions, control
noinst_LIBRARIES += daemon/libtapd.a
daemon_libtapd_a_SOURCES = daemon/config.c daemon/config.h daemon/deps.c \
	daemon/deps.h daemon/control.c daemon/control.h
TAPD_LIBS = daemon/libtapd.a
