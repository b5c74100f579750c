# util/: whole-file reads and writes, escaped strings: what every layer uses
noinst_LIBRARIES += util/libutil.a
util_libutil_a_SOURCES = util/fileio.c util/fileio.h util/escape.c util/escape.h
UTIL_LIBS = util/libutil.a
