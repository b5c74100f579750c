# util/: whole-file reads and writes every layer uses
noinst_LIBRARIES += util/libutil.a
util_libutil_a_SOURCES = util/fileio.c util/fileio.h
UTIL_LIBS = util/libutil.a
