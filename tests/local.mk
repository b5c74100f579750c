# tests/: golden compiler tests, C unit tests, live tests on tracefs
TEST_EXTENSIONS = .tap .sh
TAP_LOG_COMPILER = $(SHELL) $(srcdir)/tests/run-golden.sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	TAPC=$(abs_top_builddir)/tools/tapc; export TAPC; \
	TAP_BUILDDIR=$(abs_top_builddir); export TAP_BUILDDIR; \
	TAP_SRCDIR=$(abs_top_srcdir); export TAP_SRCDIR;

include tests/list.mk

EXTRA_DIST += tests/run-golden.sh tests/gen-test-list.sh tests/list.mk \
	tests/list-current.sh tests/live/lib.sh tests/target tests/target-minimal \
	$(golden_tests) $(live_tests) \
	$(golden_tests:.tap=.expect)

TESTS += tests/list-current.sh $(golden_tests) $(unit_tests) $(live_tests)
