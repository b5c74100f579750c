# tools/: thin mains
bin_PROGRAMS += tools/tapc
tools_tapc_SOURCES = tools/tapc.c
tools_tapc_LDADD = $(RUNTIME_LIBS) $(TFB_LIBS) $(COMPILER_LIBS)
