# tests/unit/: C unit tests of pure logic
unit_tests += tests/unit/test-format tests/unit/test-source \
	tests/unit/test-elfsym tests/unit/test-map tests/unit/test-hist
check_PROGRAMS += $(unit_tests)
UNIT_LDADD = $(COMPILER_LIBS)
tests_unit_test_format_SOURCES = tests/unit/test-format.c tests/unit/check.h
tests_unit_test_format_LDADD = $(UNIT_LDADD)
tests_unit_test_source_SOURCES = tests/unit/test-source.c tests/unit/check.h
tests_unit_test_source_LDADD = $(UNIT_LDADD)
tests_unit_test_elfsym_SOURCES = tests/unit/test-elfsym.c tests/unit/check.h
tests_unit_test_elfsym_LDADD = $(UNIT_LDADD)
tests_unit_test_map_SOURCES = tests/unit/test-map.c tests/unit/check.h
tests_unit_test_map_LDADD = $(RUNTIME_LIBS) $(UNIT_LDADD)
tests_unit_test_hist_SOURCES = tests/unit/test-hist.c tests/unit/check.h
tests_unit_test_hist_CPPFLAGS = $(AM_CPPFLAGS) $(TRACEEVENT_CFLAGS)
tests_unit_test_hist_LDADD = $(RUNTIME_LIBS) $(TFB_LIBS) $(UNIT_LDADD)
