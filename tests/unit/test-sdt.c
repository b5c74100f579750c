// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SDT notes and operands: descriptors parsed from saved bytes, every
 * operand form gcc writes converted to a fetch argument (or refused with a
 * reason), and the markers of the sdt fixture compared with what readelf
 * reports, before and after a simulated prelink.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "elfsym.h"
#include "sdt.h"

/* a v3 note of an LP64 little-endian binary, as readelf -x shows it */
static const unsigned char note64[] = {
	0x88, 0x11, 0,	 0,   0,   0,	0,   0, /* pc 0x1188 */
	0x38, 0x20, 0,	 0,   0,   0,	0,   0, /* base 0x2038 */
	0x18, 0x40, 0,	 0,   0,   0,	0,   0, /* semaphore 0x4018 */
	'm',  'y',  'p', 'r', 'o', 'v', 0,   't', 'i', 'c', 'k', 0,   '-', '4',
	'@',  '%',  'e', 'b', 'x', ' ', '-', '4', '@', '%', 'e', 'b', 'p', 0,
};

/* the same on a 32-bit big-endian machine, written before argument strings */
static const unsigned char note32be[] = {
	0, 0, 0x11, 0x88, 0, 0, 0x20, 0x38, 0, 0, 0, 0, 'p', 0, 'n', 0,
};

static void test_note_parse(void)
{
	struct sdt_note n;

	CHECK(sdt_note_parse(note64, sizeof(note64), true, false, &n) == 0);
	CHECK(n.pc == 0x1188 && n.base == 0x2038 && n.semaphore == 0x4018);
	CHECK_STR(n.provider, "myprov");
	CHECK_STR(n.name, "tick");
	CHECK_STR(n.args, "-4@%ebx -4@%ebp");

	CHECK(sdt_note_parse(note32be, sizeof(note32be), false, true, &n) == 0);
	CHECK(n.pc == 0x1188 && n.base == 0x2038 && n.semaphore == 0);
	CHECK_STR(n.provider, "p");
	CHECK_STR(n.args, "");

	/* truncated: in the words, and in the strings */
	CHECK(sdt_note_parse(note64, 20, true, false, &n) == -EINVAL);
	CHECK(sdt_note_parse(note64, 30, true, false, &n) == -EINVAL);
}

static void test_split(void)
{
	char buf[64];
	const char *ops[4];

	CHECK(sdt_args_split("-4@%eax 8@(%rsi)", buf, sizeof(buf), ops, 4) ==
	      2);
	CHECK_STR(ops[0], "-4@%eax");
	CHECK_STR(ops[1], "8@(%rsi)");
	CHECK(sdt_args_split("  8@%rax   ", buf, sizeof(buf), ops, 4) == 1);
	CHECK_STR(ops[0], "8@%rax");
	CHECK(sdt_args_split("", buf, sizeof(buf), ops, 4) == 0);
	CHECK(sdt_args_split("1@%al 1@%bl 1@%cl", buf, sizeof(buf), ops, 2) ==
	      3);
	CHECK(sdt_args_split("1@%al", buf, 3, ops, 2) == -ENOSPC);
}

/* the symbols of an imaginary file */
static int fake_addr(void *arg, const char *name, uint64_t *vaddr)
{
	(void)arg;
	if (!strcmp(name, "counter")) {
		*vaddr = 0x401c;
		return 0;
	}
	if (!strcmp(name, "abs_var")) {
		*vaddr = 0x404020;
		return 0;
	}
	return -ENOENT;
}

static const struct {
	const char *op;
	const char *fetch, *type; /* NULL fetch: refused */
	int err;
	const char *why; /* a part of the reason */
} ops_pie[] = {
	{"-4@%eax", "%ax", "s32", 0, NULL},
	{"8@%rax", "%ax", "u64", 0, NULL},
	{"-4@%r8d", "%r8", "s32", 0, NULL},
	{"2@%r10w", "%r10", "u16", 0, NULL},
	{"1@%sil", "%si", "u8", 0, NULL},
	{"-1@%r12b", "%r12", "s8", 0, NULL},
	{"1@%r9l", "%r9", "u8", 0, NULL},
	{"8@(%rsi)", "+0(%si)", "u64", 0, NULL},
	{"-8@8(%rdi)", "+8(%di)", "s64", 0, NULL},
	{"-4@-20(%rbp)", "-20(%bp)", "s32", 0, NULL},
	{"-4@112(%rsp)", "+112(%sp)", "s32", 0, NULL},
	{"-4@0x10(%rax)", "+16(%ax)", "s32", 0, NULL},
	{"-4@$5", "\\5", "s32", 0, NULL},
	{"8@$-1", "\\-1", "u64", 0, NULL},
	{"-4@$0x20", "\\32", "s32", 0, NULL},
	{"-4@counter(%rip)", "@+0x401c", "s32", 0, NULL},
	{"-4@counter+8(%rip)", "@+0x4024", "s32", 0, NULL},
	{"%eax", "%ax", "s32", 0, NULL},
	{"8@(%rsi,%rax,8)", NULL, NULL, -ENOTSUP, "index register"},
	{"8@8(,%rax,8)", NULL, NULL, -EINVAL, "expected a register"},
	{"8f@%xmm0", NULL, NULL, -ENOTSUP, "floating point"},
	{"8@%xmm1", NULL, NULL, -ENOTSUP, "floating point register"},
	{"-1@%ah", NULL, NULL, -ENOTSUP, "high-byte"},
	{"8@%fs:0x28", NULL, NULL, -ENOTSUP, "segment"},
	{"16@%rax", NULL, NULL, -ENOTSUP, "1, 2, 4 or 8"},
	{"-4@missing(%rip)", NULL, NULL, -ENOTSUP, "no symbol 'missing'"},
	{"-4@16(%rip)", NULL, NULL, -ENOTSUP, "next instruction"},
	{"8@$counter", NULL, NULL, -ENOTSUP, "moves with the load address"},
	{"-4@counter(%rax)", NULL, NULL, -ENOTSUP,
	 "adds a symbol to a register"},
	{"4@%foo", NULL, NULL, -EINVAL, "unknown register"},
	{"x@%eax", NULL, NULL, -EINVAL, "size"},
};

static void test_convert_pie(void)
{
	/* a PIE whose text has p_vaddr == p_offset */
	struct sdt_symbols syms = {fake_addr, NULL, 0x11a0, 0x11a0, true};

	for (size_t i = 0; i < sizeof(ops_pie) / sizeof(ops_pie[0]); i++) {
		struct sdt_arg a;
		char why[200] = "";
		int err = sdt_arg_convert(ops_pie[i].op, &syms, &a, why,
					  sizeof(why));

		if (err != ops_pie[i].err)
			fprintf(stderr, "operand '%s': %d (%s)\n",
				ops_pie[i].op, err, why);
		CHECK(err == ops_pie[i].err);
		if (ops_pie[i].fetch && !err) {
			CHECK_STR(a.fetch, ops_pie[i].fetch);
			CHECK_STR(a.type, ops_pie[i].type);
		}
		if (ops_pie[i].why && !strstr(why, ops_pie[i].why))
			fprintf(stderr,
				"operand '%s': reason '%s' lacks '%s'\n",
				ops_pie[i].op, why, ops_pie[i].why);
		CHECK(!ops_pie[i].why || strstr(why, ops_pie[i].why));
	}
}

static void test_convert_exec(void)
{
	/* a non-PIE executable: text at 0x401000 from file offset 0x1000 */
	struct sdt_symbols syms = {fake_addr, NULL, 0x401146, 0x1146, false};
	struct sdt_arg a;
	char why[200];

	CHECK(sdt_arg_convert("-4@abs_var(%rip)", &syms, &a, why,
			      sizeof(why)) == 0);
	CHECK_STR(a.fetch, "@+0x4020");
	/* an absolute address, and a symbol's address as an immediate */
	CHECK(sdt_arg_convert("-4@abs_var", &syms, &a, why, sizeof(why)) == 0);
	CHECK_STR(a.fetch, "@+0x4020");
	CHECK(sdt_arg_convert("8@0x404028", &syms, &a, why, sizeof(why)) == 0);
	CHECK_STR(a.fetch, "@+0x4028");
	CHECK(sdt_arg_convert("8@$abs_var", &syms, &a, why, sizeof(why)) == 0);
	CHECK_STR(a.fetch, "\\0x404020");
	/* below the probe's mapping: no file offset reaches it */
	CHECK(sdt_arg_convert("8@0x1000", &syms, &a, why, sizeof(why)) ==
	      -ENOTSUP);
}

/* --- the fixture, against readelf ---------------------------------------- */

struct seen {
	int n;
	uint64_t pc[16], sema[16], off[16], ref[16];
	char name[16][32];
};

static int seen_cb(void *arg, const struct sdt_marker *m)
{
	struct seen *s = arg;

	if (s->n < 16) {
		s->pc[s->n] = m->note.pc;
		s->sema[s->n] = m->note.semaphore;
		s->off[s->n] = m->offset;
		s->ref[s->n] = m->ref_ctr;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s:%s",
			 m->note.provider, m->note.name);
	}
	s->n++;
	return 0;
}

/* readelf -n: "Location: 0x..., Base: 0x..., Semaphore: 0x..." per note */
static int readelf_notes(const char *path, uint64_t *pc, uint64_t *sema,
			 int max)
{
	char cmd[4200], line[512];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "readelf -n '%s'", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		unsigned long long l, b, s;

		if (sscanf(line, " Location: %llx, Base: %llx, Semaphore: %llx",
			   &l, &b, &s) == 3 &&
		    n < max) {
			pc[n] = l;
			sema[n++] = s;
		}
	}
	pclose(p);
	return n;
}

static void test_fixture(const char *path)
{
	struct elf_file *f;
	struct seen s = {0};
	uint64_t pc[16], sema[16];
	int n = readelf_notes(path, pc, sema, 16);

	CHECK(n == 4);
	CHECK(elf_file_open(path, &f) == 0);
	if (!f)
		return;
	CHECK(sdt_markers_walk(f, seen_cb, &s) == 0);
	CHECK(s.n == n);
	for (int i = 0; i < s.n && i < n; i++) {
		uint64_t off;

		CHECK(s.pc[i] == pc[i] && s.sema[i] == sema[i]);
		CHECK(elf_vaddr_to_offset(f, pc[i], &off) == 0 &&
		      off == s.off[i]);
		CHECK(!sema[i] || (elf_vaddr_to_offset(f, sema[i], &off) == 0 &&
				   off == s.ref[i]));
		CHECK(sema[i] || !s.ref[i]);
	}
	CHECK_STR(s.name[3], "plain:hello");
	/* the semaphores live in .probes, in the data segment: the offset is
	 * not the address there */
	CHECK(s.ref[0] && s.ref[0] != s.sema[0]);
	elf_file_free(f);
}

/* moves .stapsdt.base down by 16 bytes in a copy, as prelink would have moved
 * the file (by little enough that every marker stays in its segment) */
static int fake_prelink(const char *from, const char *to)
{
	char cmd[8500];
	int fd, err = -1;
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	if (system(cmd))
		return -1;
	fd = open(to, O_RDWR);
	e = fd >= 0 ? elf_begin(fd, ELF_C_RDWR, NULL) : NULL;
	if (!e || elf_getshdrstrndx(e, &shstrndx))
		goto out;
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".stapsdt.base"))
			continue;
		sh.sh_addr -= 16;
		gelf_update_shdr(scn, &sh);
		elf_flagshdr(scn, ELF_C_SET, ELF_F_DIRTY);
		err = elf_update(e, ELF_C_WRITE) < 0 ? -1 : 0;
	}
out:
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
	return err;
}

static void test_prelink(const char *path)
{
	char copy[] = "/tmp/tap-test-sdt.XXXXXX";
	struct elf_file *f = NULL;
	struct seen a = {0}, b = {0};
	int fd = mkstemp(copy);

	if (fd < 0)
		return;
	close(fd);
	CHECK(fake_prelink(path, copy) == 0);
	CHECK(elf_file_open(path, &f) == 0);
	if (f)
		sdt_markers_walk(f, seen_cb, &a);
	elf_file_free(f);
	f = NULL;
	CHECK(elf_file_open(copy, &f) == 0);
	if (f)
		sdt_markers_walk(f, seen_cb, &b);
	elf_file_free(f);
	CHECK(a.n == 4 && b.n == 4);
	for (int i = 0; i < a.n && i < b.n; i++) {
		CHECK(b.pc[i] == a.pc[i] - 16);
		CHECK(b.sema[i] == (a.sema[i] ? a.sema[i] - 16 : 0));
	}
	unlink(copy);
}

int main(void)
{
	const char *srcdir = getenv("TAP_SRCDIR");
	char path[4096];

	elf_version(EV_CURRENT);
	snprintf(path, sizeof(path), "%s/tests/target/bin/sdt",
		 srcdir ? srcdir : ".");
	test_note_parse();
	test_split();
	test_convert_pie();
	test_convert_exec();
	test_fixture(path);
	test_prelink(path);
	return CHECK_DONE();
}
