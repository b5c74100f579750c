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
# SDT notes and operands; DWARF of user binaries
unit_tests += tests/unit/test-sdt tests/unit/test-dwinfo
tests_unit_test_sdt_SOURCES = tests/unit/test-sdt.c tests/unit/check.h
tests_unit_test_sdt_CPPFLAGS = $(AM_CPPFLAGS) $(LIBELF_CFLAGS)
tests_unit_test_sdt_LDADD = $(UNIT_LDADD)
tests_unit_test_dwinfo_SOURCES = tests/unit/test-dwinfo.c tests/unit/check.h
tests_unit_test_dwinfo_CPPFLAGS = $(AM_CPPFLAGS) $(LIBDW_CFLAGS)
tests_unit_test_dwinfo_LDADD = $(UNIT_LDADD)
