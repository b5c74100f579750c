// SPDX-License-Identifier: GPL-2.0-or-later
#include "elfsym.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct elf_file {
	int fd;
	Elf *elf;
	bool pie;
};

int elf_file_open(const char *path, struct elf_file **out)
{
	struct elf_file *f;
	GElf_Ehdr eh;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		int err = -errno;

		free(f);
		return err;
	}
	f->elf = elf_begin(f->fd, ELF_C_READ, NULL);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF || !gelf_getehdr(f->elf, &eh)) {
		elf_file_free(f);
		return -ENOEXEC;
	}
	f->pie = eh.e_type == ET_DYN;
	*out = f;
	return 0;
}

void elf_file_free(struct elf_file *f)
{
	if (!f)
		return;
	if (f->elf)
		elf_end(f->elf);
	if (f->fd >= 0)
		close(f->fd);
	free(f);
}

bool elf_file_is_pie(const struct elf_file *f)
{
	return f->pie;
}

int elf_vaddr_to_offset(struct elf_file *f, uint64_t vaddr, uint64_t *offset)
{
	size_t n;

	if (elf_getphdrnum(f->elf, &n))
		return -ENOEXEC;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(f->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_memsz) {
			*offset = vaddr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ERANGE;
}

/* walks the function symbols of one symbol table */
static int walk_symtab(struct elf_file *f, Elf_Scn *scn, GElf_Shdr *sh,
		       int (*cb)(void *arg, const char *name, GElf_Sym *sym),
		       void *arg)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n;

	if (!data || !sh->sh_entsize)
		return 0;
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;
		int ret;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC &&
		    GELF_ST_TYPE(sym.st_info) != STT_GNU_IFUNC)
			continue;
		if (sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		name = elf_strptr(f->elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		ret = cb(arg, name, &sym);
		if (ret)
			return ret;
	}
	return 0;
}

/* .symtab first; .dynsym only when the file is stripped */
static int walk_funcs(struct elf_file *f,
		      int (*cb)(void *arg, const char *name, GElf_Sym *sym),
		      void *arg)
{
	Elf_Scn *scn = NULL, *dynsym = NULL;
	GElf_Shdr sh, dynsh;

	while ((scn = elf_nextscn(f->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			return walk_symtab(f, scn, &sh, cb, arg);
		if (sh.sh_type == SHT_DYNSYM) {
			dynsym = scn;
			dynsh = sh;
		}
	}
	return dynsym ? walk_symtab(f, dynsym, &dynsh, cb, arg) : 0;
}

struct find_ctx {
	const char *name;
	uint64_t vaddr;
	bool found;
};

static int find_cb(void *arg, const char *name, GElf_Sym *sym)
{
	struct find_ctx *fc = arg;

	/* glibc versions its symbols: "malloc@@GLIBC_2.2.5" in some tables */
	size_t n = strlen(fc->name);

	if (strncmp(name, fc->name, n) || (name[n] && name[n] != '@'))
		return 0;
	fc->vaddr = sym->st_value;
	fc->found = true;
	return 1;
}

int elf_func_offset(struct elf_file *f, const char *name, uint64_t *offset)
{
	struct find_ctx fc = { .name = name };

	walk_funcs(f, find_cb, &fc);
	if (!fc.found)
		return -ENOENT;
	return elf_vaddr_to_offset(f, fc.vaddr, offset);
}

struct names_ctx {
	void (*cb)(void *arg, const char *name);
	void *arg;
};

static int names_cb(void *arg, const char *name, GElf_Sym *sym)
{
	struct names_ctx *nc = arg;

	(void)sym;
	nc->cb(nc->arg, name);
	return 0;
}

void elf_func_names(struct elf_file *f, void (*cb)(void *arg, const char *name),
		    void *arg)
{
	struct names_ctx nc = { cb, arg };

	walk_funcs(f, names_cb, &nc);
}
