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
	tests/list-current.sh tests/docs-match.sh tests/live/lib.sh tests/live/lib-tapd.sh tests/target \
	tests/target-minimal \
	tests/live/progs $(golden_tests) $(golden_expected) $(live_tests)

TESTS += tests/list-current.sh tests/docs-match.sh $(golden_tests) $(unit_tests) $(live_tests)

# tests/vm/: tests that boot Debian's kernel under QEMU (doc/vm-tests.md);
# each skips (77) with the reason when QEMU or the kernel cannot be had
vm_tests = tests/vm/harness.sh tests/vm/kprobe.sh tests/vm/crash.sh tests/vm/snapshot.sh
check_PROGRAMS += tests/vm/btf-extract
tests_vm_btf_extract_SOURCES = tests/vm/btf-extract.c
tests_vm_btf_extract_CPPFLAGS = $(AM_CPPFLAGS) $(LIBBPF_CFLAGS)
tests_vm_btf_extract_LDADD = $(LIBBPF_LIBS)
EXTRA_DIST += tests/vm/vm.sh tests/vm/kdump.sh tests/vm/init tests/vm/snapshot-target.sh \
	doc/vm-tests.md doc/kprobes.md \
	tests/target-btf $(vm_tests)
TESTS += $(vm_tests)
