/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_ELFSYM_H
#define TAP_ELFSYM_H

/* ELF symbols of user binaries, for uprobes (libelf). */
#include <stdbool.h>
#include <stdint.h>

struct elf_file;

/*
 * Opens @path. Returns 0, -ENOENT/-EACCES..., or -ENOEXEC when it is not
 * an ELF file. Free with elf_file_free().
 */
int elf_file_open(const char *path, struct elf_file **out);
void elf_file_free(struct elf_file *f);

/*
 * The file offset of function @name (from .symtab, else .dynsym), which
 * is what a uprobe takes: the symbol's address converted through the
 * PT_LOAD segment that holds it. 0, -ENOENT, or -ERANGE when no segment
 * maps the address.
 */
int elf_func_offset(struct elf_file *f, const char *name, uint64_t *offset);

/* Converts a virtual address to a file offset through the PT_LOADs. */
int elf_vaddr_to_offset(struct elf_file *f, uint64_t vaddr, uint64_t *offset);

/* Calls @cb for each function symbol name (for did-you-mean, wildcards). */
void elf_func_names(struct elf_file *f, void (*cb)(void *arg, const char *name),
		    void *arg);

bool elf_file_is_pie(const struct elf_file *f);

#endif
