# tests/unit/: C unit tests of pure logic
unit_tests += tests/unit/test-format tests/unit/test-source \
	tests/unit/test-elfsym tests/unit/test-tapd-config \
	tests/unit/test-crash-walk tests/unit/test-crash-ksyms tests/unit/test-btf \
	tests/unit/test-map tests/unit/test-hist
check_PROGRAMS += $(unit_tests)
UNIT_LDADD = $(COMPILER_LIBS)
tests_unit_test_format_SOURCES = tests/unit/test-format.c tests/unit/check.h
tests_unit_test_format_LDADD = $(UNIT_LDADD)
tests_unit_test_source_SOURCES = tests/unit/test-source.c tests/unit/check.h
tests_unit_test_source_LDADD = $(UNIT_LDADD)
tests_unit_test_elfsym_SOURCES = tests/unit/test-elfsym.c tests/unit/check.h
tests_unit_test_elfsym_LDADD = $(UNIT_LDADD)
tests_unit_test_tapd_config_SOURCES = tests/unit/test-tapd-config.c tests/unit/check.h
tests_unit_test_tapd_config_LDADD = $(TAPD_LIBS) $(UNIT_LDADD)
tests_unit_test_crash_walk_SOURCES = tests/unit/test-crash-walk.c tests/unit/check.h
tests_unit_test_crash_walk_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/crash \
	$(LIBBPF_CFLAGS) $(TRACEEVENT_CFLAGS)
tests_unit_test_crash_walk_LDADD = $(CRASH_LIBS)
tests_unit_test_crash_walk_CPPFLAGS += -I$(top_srcdir)/runtime
tests_unit_test_crash_ksyms_SOURCES = tests/unit/test-crash-ksyms.c tests/unit/check.h
tests_unit_test_crash_ksyms_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/crash
tests_unit_test_crash_ksyms_LDADD = $(CRASH_LIBS)
tests_unit_test_btf_SOURCES = tests/unit/test-btf.c tests/unit/check.h
tests_unit_test_btf_CPPFLAGS = $(AM_CPPFLAGS) $(LIBBPF_CFLAGS)
tests_unit_test_btf_LDADD = $(UNIT_LDADD)
# SDT notes and operands; DWARF of user binaries
unit_tests += tests/unit/test-sdt tests/unit/test-dwinfo
tests_unit_test_sdt_SOURCES = tests/unit/test-sdt.c tests/unit/check.h
tests_unit_test_sdt_CPPFLAGS = $(AM_CPPFLAGS) $(LIBELF_CFLAGS)
tests_unit_test_sdt_LDADD = $(UNIT_LDADD)
tests_unit_test_dwinfo_SOURCES = tests/unit/test-dwinfo.c tests/unit/check.h
tests_unit_test_dwinfo_CPPFLAGS = $(AM_CPPFLAGS) $(LIBDW_CFLAGS)
tests_unit_test_dwinfo_LDADD = $(UNIT_LDADD)
unit_tests += tests/unit/test-rotate
tests_unit_test_rotate_SOURCES = tests/unit/test-rotate.c tests/unit/check.h
tests_unit_test_rotate_LDADD = $(RUNTIME_LIBS)
unit_tests += tests/unit/test-json
tests_unit_test_json_SOURCES = tests/unit/test-json.c tests/unit/check.h
tests_unit_test_json_CPPFLAGS = $(AM_CPPFLAGS) $(TRACEEVENT_CFLAGS)
tests_unit_test_json_LDADD = $(RUNTIME_LIBS) $(COMPILER_LIBS) $(TRACEEVENT_LIBS)
unit_tests += tests/unit/test-fileio
tests_unit_test_fileio_SOURCES = tests/unit/test-fileio.c tests/unit/check.h
tests_unit_test_fileio_LDADD = $(UTIL_LIBS)
tests_unit_test_map_SOURCES = tests/unit/test-map.c tests/unit/check.h
tests_unit_test_map_LDADD = $(RUNTIME_LIBS) $(UNIT_LDADD)
tests_unit_test_hist_SOURCES = tests/unit/test-hist.c tests/unit/check.h
tests_unit_test_hist_CPPFLAGS = $(AM_CPPFLAGS) $(TRACEEVENT_CFLAGS)
tests_unit_test_hist_LDADD = $(RUNTIME_LIBS) $(TFB_LIBS) $(UNIT_LDADD)
unit_tests += tests/unit/test-symbolize
tests_unit_test_symbolize_SOURCES = tests/unit/test-symbolize.c tests/unit/check.h
tests_unit_test_symbolize_LDADD = $(RUNTIME_LIBS) $(UNIT_LDADD)
# tapd: a writer's checkpoint and journal, so a successor resumes exactly
unit_tests += tests/unit/test-tapd-checkpoint
tests_unit_test_tapd_checkpoint_SOURCES = tests/unit/test-tapd-checkpoint.c tests/unit/check.h
tests_unit_test_tapd_checkpoint_LDADD = $(RUNTIME_LIBS) $(UNIT_LDADD)
unit_tests += tests/unit/test-tapd-sessargs
tests_unit_test_tapd_sessargs_SOURCES = tests/unit/test-tapd-sessargs.c tests/unit/check.h
tests_unit_test_tapd_sessargs_LDADD = $(TAPD_LIBS) $(UNIT_LDADD)
unit_tests += tests/unit/test-tapd-planfile
tests_unit_test_tapd_planfile_SOURCES = tests/unit/test-tapd-planfile.c tests/unit/check.h
tests_unit_test_tapd_planfile_LDADD = $(UNIT_LDADD)
unit_tests += tests/unit/test-cmdlines
tests_unit_test_cmdlines_SOURCES = tests/unit/test-cmdlines.c tests/unit/check.h
tests_unit_test_cmdlines_LDADD = $(RUNTIME_LIBS) $(TFB_LIBS) $(UNIT_LDADD)
unit_tests += tests/unit/test-task
tests_unit_test_task_SOURCES = tests/unit/test-task.c tests/unit/check.h
tests_unit_test_task_CPPFLAGS = $(AM_CPPFLAGS) $(TRACEEVENT_CFLAGS)
tests_unit_test_task_LDADD = $(RUNTIME_LIBS) $(TFB_LIBS) $(UNIT_LDADD)
unit_tests += tests/unit/test-enable-order
tests_unit_test_enable_order_SOURCES = tests/unit/test-enable-order.c tests/unit/check.h
tests_unit_test_enable_order_LDADD = $(UNIT_LDADD)
unit_tests += tests/unit/test-timer
tests_unit_test_timer_SOURCES = tests/unit/test-timer.c tests/unit/check.h
tests_unit_test_timer_CPPFLAGS = $(AM_CPPFLAGS) $(TRACEEVENT_CFLAGS)
tests_unit_test_timer_LDADD = $(RUNTIME_LIBS) $(TFB_LIBS) $(UNIT_LDADD)
# which records are tap's own: skipped live, from when it started; none in a dump
unit_tests += tests/unit/test-rt-self
tests_unit_test_rt_self_SOURCES = tests/unit/test-rt-self.c tests/unit/check.h
tests_unit_test_rt_self_CPPFLAGS = $(AM_CPPFLAGS) $(TRACEEVENT_CFLAGS)
tests_unit_test_rt_self_LDADD = $(RUNTIME_LIBS) $(COMPILER_LIBS) $(TRACEEVENT_LIBS)
