// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DWARF of user binaries, on the dwarf fixture: the struct layout tap reads
 * is compared with what this compiler's offsetof() says of the same header;
 * parameters are placed where the x86_64 ABI puts them; separate debug
 * files are found by build id and by .gnu_debuglink (and refused when the
 * CRC does not match); versioned symbols of libfix.so are told apart.
 */
#include <errno.h>
#include <gelf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../target/bin/dwarf.h"
#include "check.h"
#include "dwinfo.h"
#include "elfsym.h"

static char bindir[4096], debugroot[4096];

static struct elf_file *open_bin(const char *name)
{
	char path[8200];
	struct elf_file *f = NULL;

	snprintf(path, sizeof(path), "%s/%s", bindir, name);
	CHECK(elf_file_open(path, &f) == 0);
	return f;
}

static struct dw_file *open_dw(struct elf_file *f, const char *name)
{
	char path[8200];
	const char *roots[] = {debugroot};
	struct dw_file *dw = NULL;

	snprintf(path, sizeof(path), "%s/%s", bindir, name);
	if (dw_file_open(f, path, roots, 1, &dw))
		return NULL;
	return dw;
}

static uint64_t func_addr(struct elf_file *f, const char *name)
{
	struct elf_func *v;
	int n = elf_funcs_match(f, NULL, name, &v);
	uint64_t a = n == 1 ? v[0].vaddr : 0;

	elf_funcs_free(v, n);
	return a;
}

static void check_member(const struct dw_type *t, const char *name, size_t off)
{
	struct dw_member m;

	CHECK(dw_member_find(t, name, &m) == 0);
	if (m.offset != off)
		fprintf(stderr, "member %s: offset %llu, want %zu\n", name,
			(unsigned long long)m.offset, off);
	CHECK(m.offset == off && m.bit_size == 0);
}

static void test_members(const struct dw_func *fn)
{
	struct dw_type conn;
	struct dw_member m;
	struct dw_tinfo ti;
	char name[128];

	dw_type_name(&fn->params[0].type, name, sizeof(name));
	CHECK_STR(name, "conn_t *");
	dw_type_target(&fn->params[0].type, &conn);
	check_member(&conn, "fd", offsetof(struct conn, fd));
	check_member(&conn, "name", offsetof(struct conn, name));
	check_member(&conn, "host", offsetof(struct conn, host));
	check_member(&conn, "origin", offsetof(struct conn, origin));
	check_member(&conn, "peer", offsetof(struct conn, peer));
	check_member(&conn, "id",
		     offsetof(struct conn, id)); /* anonymous union */
	check_member(&conn, "cookie", offsetof(struct conn, cookie));
	check_member(&conn, "hist", offsetof(struct conn, hist));
	CHECK(dw_member_find(&conn, "nope", &m) == -ENOENT);
	/* flags:3 and state:5 share the unsigned int after fd */
	CHECK(dw_member_find(&conn, "state", &m) == 0);
	CHECK(m.bit_size == 5 && m.bit_offset == 3 && m.unit_size == 4 &&
	      m.offset == 4);
	CHECK(dw_member_find(&conn, "hist", &m) == 0);
	dw_type_info(&m.type, &ti);
	CHECK(ti.kind == DW_KIND_ARRAY && ti.count == 4 &&
	      ti.size == sizeof(long) * 4);
	CHECK(dw_member_find(&conn, "name", &m) == 0);
	dw_type_name(&m.type, name, sizeof(name));
	CHECK_STR(name, "char[16]");
	dw_type_name(&fn->params[1].type, name, sizeof(name));
	CHECK_STR(name, "const char *");
}

static void check_loc(const struct dw_loc *l, enum dw_loc_kind k,
		      const char *reg, int64_t off)
{
	CHECK(l->kind == k);
	if (k == DW_LOC_REG)
		CHECK(l->reg && !strcmp(l->reg, reg));
	if (k == DW_LOC_STACK)
		CHECK(l->offset == off);
}

/* the parameters of @name, placed by the ABI */
static int locate(struct dw_file *dw, struct elf_file *f, const char *name,
		  struct dw_func *fn, struct dw_loc *locs)
{
	if (dw_func_find(dw, name, func_addr(f, name), fn))
		return -1;
	if (fn->nparams > 8)
		return -1;
	dw_abi_locate(fn, locs);
	return fn->nparams;
}

static void test_abi(struct dw_file *dw, struct elf_file *f)
{
	static const char *const regs[] = {"%di", "%si", "%dx",
					   "%cx", "%r8", "%r9"};
	struct dw_func fn;
	struct dw_loc l[8];

	CHECK(locate(dw, f, "dw_connect", &fn, l) == 6);
	for (int i = 0; i < 6; i++)
		check_loc(&l[i], DW_LOC_REG, regs[i], 0);
	CHECK_STR(fn.params[5].name, "mode");
	test_members(&fn);
	dw_func_release(&fn);
	/* the 7th and 8th integers go on the stack, above the return address */
	CHECK(locate(dw, f, "dw_many", &fn, l) == 8);
	check_loc(&l[5], DW_LOC_REG, "%r9", 0);
	check_loc(&l[6], DW_LOC_STACK, NULL, 8);
	check_loc(&l[7], DW_LOC_STACK, NULL, 16);
	dw_func_release(&fn);
	/* a double takes %xmm0, and the int after it still takes %di */
	CHECK(locate(dw, f, "dw_scale", &fn, l) == 2);
	check_loc(&l[0], DW_LOC_NONE, NULL, 0);
	check_loc(&l[1], DW_LOC_REG, "%di", 0);
	dw_func_release(&fn);
	/* struct point (8 bytes of ints) travels in %di */
	CHECK(locate(dw, f, "dw_point", &fn, l) == 2);
	check_loc(&l[0], DW_LOC_REG, "%di", 0);
	check_loc(&l[1], DW_LOC_REG, "%si", 0);
	dw_func_release(&fn);
	/* struct big (32 bytes) goes on the stack */
	CHECK(locate(dw, f, "dw_big", &fn, l) == 2);
	check_loc(&l[0], DW_LOC_STACK, NULL, 8);
	check_loc(&l[1], DW_LOC_REG, "%di", 0);
	dw_func_release(&fn);
	CHECK(dw_func_find(dw, "dw_connect", 0x1, &fn) == -ENOENT);
	/* the address decides: another name there is an alias */
	CHECK(dw_func_find(dw, "alias", func_addr(f, "dw_connect"), &fn) == 0 &&
	      fn.nparams == 6);
	dw_func_release(&fn);
}

static void test_in_binary(void)
{
	struct elf_file *f = open_bin("dwarf");
	struct dw_file *dw = f ? open_dw(f, "dwarf") : NULL;

	CHECK(dw && !dw_file_is_separate(dw));
	if (dw)
		test_abi(dw, f);
	dw_file_free(dw);
	elf_file_free(f);
}

/* stripped of everything: the functions and the DWARF are in the debug
 * file that the build id names */
static void test_build_id(void)
{
	struct elf_file *f = open_bin("dwarf-stripped");
	struct dw_file *dw = f ? open_dw(f, "dwarf-stripped") : NULL;
	struct elf_func *v;
	struct dw_func fn;
	int n;

	CHECK(dw && dw_file_is_separate(dw));
	CHECK(dw && strstr(dw_file_path(dw), "/.build-id/"));
	if (!dw) {
		elf_file_free(f);
		return;
	}
	CHECK(elf_funcs_match(f, NULL, "dw_connect", &v) == 0);
	n = elf_funcs_match(dw_file_elf(dw), f, "dw_connect", &v);
	CHECK(n == 1);
	CHECK(n == 1 && dw_func_find(dw, "dw_connect", v[0].vaddr, &fn) == 0 &&
	      fn.nparams == 6);
	dw_func_release(&fn);
	elf_funcs_free(v, n);
	dw_file_free(dw);
	elf_file_free(f);
}

static void test_debuglink(void)
{
	struct elf_file *f = open_bin("dwarf-linked");
	struct dw_file *dw = f ? open_dw(f, "dwarf-linked") : NULL;
	const unsigned char *id;
	size_t len;
	char dir[] = "/tmp/tap-test-dwinfo.XXXXXX", cmd[9000], path[4200];
	uint32_t crc;

	CHECK(f && elf_build_id(f, &id, &len) == -ENOENT);
	CHECK(f && elf_debuglink(f, &crc) &&
	      !strcmp(elf_debuglink(f, &crc), "dwarf-linked.debug"));
	CHECK(dw && strstr(dw_file_path(dw), "/dwarf-linked.debug"));
	dw_file_free(dw);
	/* a debug file of another build (the CRC differs) is not used */
	if (!mkdtemp(dir))
		return;
	snprintf(
		cmd, sizeof(cmd),
		"cp '%s/dwarf-linked' '%s/' && cp '%s/dwarf' '%s/dwarf-linked.debug'",
		bindir, dir, bindir, dir);
	CHECK(system(cmd) == 0);
	snprintf(path, sizeof(path), "%s/dwarf-linked", dir);
	dw = NULL;
	CHECK(dw_file_open(f, path, NULL, 0, &dw) == -ENOENT && !dw);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	elf_file_free(f);
}

/* @name: libfix.so's .symtab spells versions in the names; stripped, the
 * versions come from .gnu.version and .gnu.version_d */
static void test_versions(const char *name)
{
	struct elf_file *f = open_bin(name);
	struct elf_func *v;
	int n;

	if (!f)
		return;
	/* the plain name is the default version */
	n = elf_funcs_match(f, NULL, "fix_alloc", &v);
	CHECK(n == 1 && !strcmp(v[0].name, "fix_alloc") &&
	      !strcmp(v[0].version, "FIX_2.0"));
	elf_funcs_free(v, n);
	n = elf_funcs_match(f, NULL, "fix_alloc@FIX_1.0", &v);
	CHECK(n == 1 && !strcmp(v[0].name, "fix_alloc@FIX_1.0"));
	elf_funcs_free(v, n);
	CHECK(elf_funcs_match(f, NULL, "fix_alloc@@FIX_1.0", &v) == 0);
	n = elf_funcs_match(f, NULL, "fix_copy", &v);
	CHECK(n == 1 && v[0].ifunc);
	elf_funcs_free(v, n);
	/* a glob takes every version, one name per address */
	n = elf_funcs_match(f, NULL, "fix_*", &v);
	CHECK(n == 6);
	CHECK(n == 6 && !strcmp(v[0].name, "fix_alloc") &&
	      !strcmp(v[1].name, "fix_alloc@FIX_1.0") &&
	      !strcmp(v[5].name, "fix_read"));
	elf_funcs_free(v, n);
	elf_file_free(f);
}

static void stripped_versions(void)
{
	char dir[] = "/tmp/tap-test-dwinfo.XXXXXX", cmd[9000], saved[4096];
	struct elf_file *f;
	Elf_Scn *scn = NULL;
	bool symtab = false;

	if (!mkdtemp(dir))
		return;
	snprintf(cmd, sizeof(cmd), "strip -o '%s/libfix.so' '%s/libfix.so'",
		 dir, bindir);
	CHECK(system(cmd) == 0);
	snprintf(saved, sizeof(saved), "%s", bindir);
	snprintf(bindir, sizeof(bindir), "%s", dir);
	f = open_bin("libfix.so");
	while (f && (scn = elf_nextscn(elf_file_elf(f), scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			symtab = true;
	}
	CHECK(f && !symtab);
	elf_file_free(f);
	test_versions("libfix.so");
	snprintf(bindir, sizeof(bindir), "%s", saved);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	const char *srcdir = getenv("TAP_SRCDIR");

	snprintf(bindir, sizeof(bindir), "%s/tests/target/bin",
		 srcdir ? srcdir : ".");
	snprintf(debugroot, sizeof(debugroot), "%s/tests/target/debug",
		 srcdir ? srcdir : ".");
	test_in_binary();
	test_build_id();
	test_debuglink();
	test_versions("libfix.so");
	stripped_versions();
	return CHECK_DONE();
}
