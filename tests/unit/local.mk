# tests/unit/: C unit tests of pure logic
unit_tests += tests/unit/test-format tests/unit/test-source \
	tests/unit/test-elfsym
check_PROGRAMS += $(unit_tests)
UNIT_LDADD = $(COMPILER_LIBS)
tests_unit_test_format_SOURCES = tests/unit/test-format.c tests/unit/check.h
tests_unit_test_format_LDADD = $(UNIT_LDADD)
tests_unit_test_source_SOURCES = tests/unit/test-source.c tests/unit/check.h
tests_unit_test_source_LDADD = $(UNIT_LDADD)
tests_unit_test_elfsym_SOURCES = tests/unit/test-elfsym.c tests/unit/check.h
tests_unit_test_elfsym_LDADD = $(UNIT_LDADD)
unit_tests += tests/unit/test-rotate
tests_unit_test_rotate_SOURCES = tests/unit/test-rotate.c tests/unit/check.h
tests_unit_test_rotate_LDADD = $(RUNTIME_LIBS)
unit_tests += tests/unit/test-json
tests_unit_test_json_SOURCES = tests/unit/test-json.c tests/unit/check.h
tests_unit_test_json_CPPFLAGS = $(AM_CPPFLAGS) $(TRACEEVENT_CFLAGS)
tests_unit_test_json_LDADD = $(RUNTIME_LIBS) $(COMPILER_LIBS) $(TRACEEVENT_LIBS)
