// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PLT stubs of x86_64 ELF files, for process("path").plt("name"). A stub
 * jumps through a GOT slot (jmp *disp(%rip), after an endbr64 and a bnd
 * prefix when the file has IBT), and the slot's relocation names the
 * function: JUMP_SLOT in .rela.plt for lazy binding, GLOB_DAT in .rela.dyn
 * for the .plt.got stubs of functions whose address is also taken. The
 * stubs are decoded rather than counted, so .plt, .plt.sec (IBT, where
 * .plt only pushes) and .plt.got all work the same way.
 */
#include "elfsym.h"

#include <errno.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#define R_JUMP_SLOT 7	/* R_X86_64_JUMP_SLOT */
#define R_GLOB_DAT 6	/* R_X86_64_GLOB_DAT */

/* a GOT slot and the function whose address it holds */
struct slot {
	uint64_t addr;
	const char *name;	/* in the ELF's string table */
};

struct slots {
	struct slot *v;
	size_t n, cap;
};

static int slot_add(struct slots *s, uint64_t addr, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct slot *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct slot){ addr, name };
	return 0;
}

/* the slots that the RELA section @scn fills with a function's address */
static int read_relocs(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct slots *s)
{
	Elf_Scn *symscn = elf_getscn(elf, sh->sh_link);
	Elf_Data *data = elf_getdata(scn, NULL), *syms;
	GElf_Shdr symsh;

	if (!data || !symscn || !gelf_getshdr(symscn, &symsh) ||
	    !(syms = elf_getdata(symscn, NULL)) || !sh->sh_entsize)
		return 0;
	for (size_t i = 0; i < sh->sh_size / sh->sh_entsize; i++) {
		GElf_Rela r;
		GElf_Sym sym;
		const char *name;
		size_t type;

		if (!gelf_getrela(data, (int)i, &r))
			break;
		type = GELF_R_TYPE(r.r_info);
		if ((type != R_JUMP_SLOT && type != R_GLOB_DAT) || !GELF_R_SYM(r.r_info) ||
		    !gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym))
			continue;
		/* a GOT slot of data is no stub's; an imported function may
		 * come without a type */
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC &&
		    (type == R_GLOB_DAT || GELF_ST_TYPE(sym.st_info) != STT_NOTYPE))
			continue;
		name = elf_strptr(elf, symsh.sh_link, sym.st_name);
		if (name && *name && slot_add(s, r.r_offset, name))
			return -ENOMEM;
	}
	return 0;
}

static const char *slot_name(const struct slots *s, uint64_t addr)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].addr == addr)
			return s->v[i].name;
	return NULL;
}

/*
 * The GOT slot a stub jumps through: ff 25 disp32 at its start, after a
 * bnd prefix (f2), after endbr64 (f3 0f 1e fa), or after both. 0 when
 * the stub is not such a jump (PLT0, .plt's pushing half under IBT).
 */
static uint64_t stub_slot(const unsigned char *p, size_t len, uint64_t vaddr)
{
	static const unsigned char endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	size_t at = 0;
	int32_t disp;

	if (len >= 4 && !memcmp(p, endbr64, 4))
		at = 4;
	if (at < len && p[at] == 0xf2)
		at++;
	if (at + 6 > len || p[at] != 0xff || p[at + 1] != 0x25)
		return 0;
	memcpy(&disp, p + at + 2, 4);
	return vaddr + at + 6 + (uint64_t)(int64_t)disp;
}

static bool is_plt_section(const char *name)
{
	return !strcmp(name, ".plt") || !strcmp(name, ".plt.sec") || !strcmp(name, ".plt.got");
}

static int add_match(struct elf_file *f, const char *name, uint64_t vaddr,
		     struct elf_func **v, int *n, int *cap)
{
	uint64_t offset;

	if (elf_vaddr_to_offset(f, vaddr, &offset))
		return 0;
	if (*n == *cap) {
		int c = *cap ? *cap * 2 : 16;
		struct elf_func *nv = realloc(*v, (size_t)c * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	(*v)[*n] = (struct elf_func){ .name = strdup(name), .vaddr = vaddr, .offset = offset };
	if (!(*v)[*n].name)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* each stub of the PLT section @scn whose function @pattern matches */
static int match_stubs(struct elf_file *f, Elf_Scn *scn, const GElf_Shdr *sh,
		       const struct slots *s, const char *pattern,
		       struct elf_func **v, int *n, int *cap)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t step = sh->sh_entsize >= 8 ? sh->sh_entsize : 16;

	for (size_t off = 0; data && off + step <= data->d_size; off += step) {
		uint64_t slot = stub_slot((const unsigned char *)data->d_buf + off, step,
					  sh->sh_addr + off);
		const char *name = slot ? slot_name(s, slot) : NULL;
		int err;

		if (!name || fnmatch(pattern, name, 0))
			continue;
		err = add_match(f, name, sh->sh_addr + off, v, n, cap);
		if (err)
			return err;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct elf_func *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->vaddr > y->vaddr) - (x->vaddr < y->vaddr);
}

int elf_plt_match(struct elf_file *f, const char *pattern, struct elf_func **out)
{
	Elf *elf = elf_file_elf(f);
	struct slots s = { 0 };
	struct elf_func *v = NULL;
	Elf_Scn *scn = NULL;
	int n = 0, cap = 0, err = 0;
	size_t shstrndx;
	GElf_Ehdr eh;

	*out = NULL;
	if (!gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64 ||
	    elf_getshdrstrndx(elf, &shstrndx))
		return 0;
	while (!err && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_RELA)
			err = read_relocs(elf, scn, &sh, &s);
	}
	while (!err && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    !is_plt_section(name))
			continue;
		err = match_stubs(f, scn, &sh, &s, pattern, &v, &n, &cap);
	}
	free(s.v);
	if (err) {
		elf_funcs_free(v, n);
		return err;
	}
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), by_name);
	*out = v;
	return n;
}

void elf_plt_names(struct elf_file *f, void (*cb)(void *arg, const char *name), void *arg)
{
	struct elf_func *v;
	int n = elf_plt_match(f, "*", &v);

	for (int i = 0; i < n; i++)
		cb(arg, v[i].name);
	elf_funcs_free(v, n > 0 ? n : 0);
}
