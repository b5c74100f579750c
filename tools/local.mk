# tools/: thin mains
bin_PROGRAMS += tools/tapc
tools_tapc_SOURCES = tools/tapc.c
tools_tapc_LDADD = $(RUNTIME_LIBS) $(TFB_LIBS) $(COMPILER_LIBS)
bin_PROGRAMS += tools/trace-instance
tools_trace_instance_SOURCES = tools/trace-instance.c
tools_trace_instance_LDADD = $(RUNTIME_LIBS) $(TFB_LIBS) $(COMPILER_LIBS)
dist_man_MANS += doc/trace-instance.1
# tap-backup: cron's backup of tapd's log files (tap-backup(8))
dist_sbin_SCRIPTS = tools/tap-backup
