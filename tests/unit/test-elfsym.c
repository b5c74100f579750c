// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF symbol -> uprobe file offset, checked against the demo binary and
 * against nm(1)'s view of the test's own (PIE) executable.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "elfsym.h"

int unit_probe_target(int x);
int unit_probe_target(int x)
{
	return x * 3;
}

static void test_demo(const char *srcdir)
{
	char path[4096];
	struct elf_file *f;
	uint64_t off = 0;

	snprintf(path, sizeof(path), "%s/tests/target/bin/demo", srcdir);
	CHECK(elf_file_open(path, &f) == 0);
	if (!f)
		return;
	CHECK(elf_file_is_pie(f));
	/* the first PT_LOAD of a PIE maps file offset 0 at address 0, and
	 * .text is in a segment with p_vaddr == p_offset here */
	CHECK(elf_func_offset(f, "demo_add", &off) == 0 && off == 0x1159);
	CHECK(elf_func_offset(f, "demo_greet", &off) == 0 && off == 0x115d);
	CHECK(elf_func_offset(f, "no_such_function", &off) == -ENOENT);
	elf_file_free(f);
}

/* our own binary: compare with the address nm reports, converted with
 * the segment table read by readelf */
static void test_self(const char *self)
{
	struct elf_file *f;
	uint64_t off = 0, via_nm = 0;
	char cmd[4200];
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "nm %s | awk '$3 == \"unit_probe_target\" { print $1 }'", self);
	p = popen(cmd, "r");
	CHECK(p && fscanf(p, "%lx", (unsigned long *)&via_nm) == 1);
	if (p)
		pclose(p);
	CHECK(elf_file_open(self, &f) == 0);
	if (!f)
		return;
	CHECK(elf_func_offset(f, "unit_probe_target", &off) == 0);
	/* in a PIE linked by this toolchain .text's segment has
	 * p_vaddr == p_offset, so offset and address agree */
	CHECK(elf_vaddr_to_offset(f, via_nm, &via_nm) == 0);
	CHECK(off == via_nm);
	elf_file_free(f);
}

static void test_not_elf(void)
{
	struct elf_file *f = NULL;

	CHECK(elf_file_open("/etc/hostname", &f) == -ENOEXEC || f == NULL);
	CHECK(elf_file_open("/no/such/file", &f) == -ENOENT);
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("TAP_SRCDIR");

	(void)argc;
	test_demo(srcdir ? srcdir : ".");
	test_self(argv[0]);
	test_not_elf();
	return CHECK_DONE();
}
