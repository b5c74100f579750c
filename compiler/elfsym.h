/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_ELFSYM_H
#define TAP_ELFSYM_H

/* ELF symbols of user binaries, for uprobes (libelf). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_file;
struct Elf; /* libelf's Elf */

/*
 * Opens @path. Returns 0, -ENOENT/-EACCES..., or -ENOEXEC when it is not
 * an ELF file. Free with elf_file_free().
 */
int elf_file_open(const char *path, struct elf_file **out);
void elf_file_free(struct elf_file *f);

/* the libelf handle, owned by @f */
struct Elf *elf_file_elf(struct elf_file *f);

/*
 * The file offset of function @name (from .symtab, else .dynsym), which
 * is what a uprobe takes: the symbol's address converted through the
 * PT_LOAD segment that holds it. 0, -ENOENT, or -ERANGE when no segment
 * maps the address.
 */
int elf_func_offset(struct elf_file *f, const char *name, uint64_t *offset);

/* Converts a virtual address to a file offset through the PT_LOADs. */
int elf_vaddr_to_offset(struct elf_file *f, uint64_t vaddr, uint64_t *offset);

/* Calls @cb for each function symbol name (for did-you-mean), versions
 * left out. */
void elf_func_names(struct elf_file *f, void (*cb)(void *arg, const char *name),
		    void *arg);

/* ET_DYN: a PIE or a shared library, loaded at a moving address */
bool elf_file_is_pie(const struct elf_file *f);

/* a function matched by elf_funcs_match() */
struct elf_func {
	char *name; /* "f", or "f@VER" for a version that is not the default */
	char *version;	 /* "GLIBC_2.2.5", or NULL */
	uint64_t vaddr;	 /* link-time address */
	uint64_t offset; /* file offset: the uprobe's */
	bool ifunc;	 /* STT_GNU_IFUNC: the address is the resolver's */
};

/*
 * The functions that @pattern names: a name or a glob (fnmatch), with an
 * optional version ("memcpy@GLIBC_2.2.5", "memcpy@@GLIBC_2.14"). A plain
 * name without a version means its default version (or every version
 * when none is the default); a glob takes every version. Symbols come
 * from .symtab, else from .dynsym (stripped files). The result is sorted
 * by name and holds one function per address (aliases are dropped);
 * symbols that no PT_LOAD maps are left out. Offsets come from the
 * segments of @layout (NULL: @f), so a separate debug file's .symtab can
 * name the functions of the stripped binary it belongs to. Returns the
 * count (0: none) or -ENOMEM; *@out is freed with elf_funcs_free().
 */
int elf_funcs_match(struct elf_file *f, struct elf_file *layout,
		    const char *pattern, struct elf_func **out);
void elf_funcs_free(struct elf_func *v, int n);
/*
 * The PLT stubs (x86_64: .plt, .plt.sec, .plt.got) of the functions that
 * the glob @pattern names, as elf_funcs_match() gives functions: name
 * (unversioned), the stub's address and file offset; sorted by name.
 * The count (0: none, or not x86_64) or -ENOMEM. elfplt.c.
 */
int elf_plt_match(struct elf_file *f, const char *pattern, struct elf_func **out);
/* Calls @cb with the function of each PLT stub (for did-you-mean). */
void elf_plt_names(struct elf_file *f, void (*cb)(void *arg, const char *name), void *arg);

/* The link-time address of any defined symbol (functions and data). 0 or
 * -ENOENT. */
int elf_symbol_addr(struct elf_file *f, const char *name, uint64_t *vaddr);

/* The GNU build id (NT_GNU_BUILD_ID): 0 and a pointer into @f, or
 * -ENOENT. */
int elf_build_id(struct elf_file *f, const unsigned char **id, size_t *len);

/* The .gnu_debuglink file name (pointing into @f) and CRC, or NULL. */
const char *elf_debuglink(struct elf_file *f, uint32_t *crc);

/* Whether @f has a section called @name (".debug_info"). */
bool elf_has_section(struct elf_file *f, const char *name);

/* The CRC-32 the .gnu_debuglink section records, of a whole file. 0 or
 * -errno. */
int elf_file_crc32(const char *path, uint32_t *crc);

#endif
