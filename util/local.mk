# util/: what every layer uses: whole-file reads and writes, escaped
# strings, the kernel version
noinst_LIBRARIES += util/libutil.a
util_libutil_a_SOURCES = util/fileio.c util/fileio.h util/escape.c util/escape.h \
	util/kver.c util/kver.h
UTIL_LIBS = util/libutil.a
